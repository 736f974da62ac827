//! The top bar's editing controls: Undo, Redo (with what they would do in
//! their titles), "Reset to example…" (asks first), "Import…" (a file
//! picker for `*.result.json` and `*.review.json`), and a status line saying
//! when the review was last autosaved.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::confirm_dialog::ConfirmDialog;
use crate::format;
use crate::import::{import_file, MAX_IMPORT_BYTES};
use crate::persist::SaveStatus;
use crate::shortcuts::modifier_name;
use crate::state::Workbench;

/// "14:03:12" from an ISO time, in the browser's zone.
fn local_time(iso: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso));
    format!(
        "{:02}:{:02}:{:02}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

#[component]
pub fn EditBar() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let key = modifier_name();
    let undo_title = move || match bench.undo_label.get() {
        Some(what) => format!("Undo {what} ({key}+Z)"),
        None => "Nothing to undo".to_string(),
    };
    let redo_title = move || match bench.redo_label.get() {
        Some(what) => format!("Redo {what} ({key}+Shift+Z)"),
        None => "Nothing to redo".to_string(),
    };
    let status = move || {
        match bench.save_status.get() {
        SaveStatus::Nothing => "Changes are saved in this browser.".to_string(),
        SaveStatus::Saved { at, with_result } => format!(
            "Autosaved at {}{}.",
            local_time(&at),
            if with_result { " with the last result" } else { "" }
        ),
        SaveStatus::SavedWithoutResult { at } => format!(
            "Autosaved at {} without the last result (too large for this browser's storage; run again after a reload).",
            local_time(&at)
        ),
        SaveStatus::Failed(reason) => format!("Not autosaved: {reason}."),
    }
    };
    let file_input = NodeRef::<leptos::html::Input>::new();
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let file = input.files().and_then(|files| files.get(0));
        // Choosing the same file again must fire `change` again.
        input.set_value("");
        if let Some(file) = file {
            leptos::task::spawn_local(import_file(bench, file));
        }
    };
    let import_title = format!(
        "Import a result (*.result.json: recomputed and checked), a review (*.review.json) or a CLUSTER.json from scalewise cluster (checked against this review); at most {}. You can also drop a file on the page.",
        format::bytes(MAX_IMPORT_BYTES as f64)
    );
    view! {
        <div class="edit-bar">
            <div class="edit-buttons" role="group" aria-label="Edit history and files">
                <button on:click=move |_| bench.undo() disabled=move || bench.undo_label.get().is_none()
                    title=undo_title aria-keyshortcuts="Control+Z Meta+Z">"Undo"</button>
                <button on:click=move |_| bench.redo() disabled=move || bench.redo_label.get().is_none()
                    title=redo_title aria-keyshortcuts="Control+Shift+Z Control+Y Meta+Shift+Z">"Redo"</button>
                <button on:click=move |_| bench.confirm_reset.set(true)
                    title="Replace the review with the built-in example (undoable)">"Reset to example…"</button>
                <button on:click=move |_| {
                    if let Some(input) = file_input.get() {
                        input.click();
                    }
                } title=import_title.clone()>"Import…"</button>
                <input node_ref=file_input type="file" class="visually-hidden" tabindex="-1"
                    aria-label="Import a result or review file"
                    accept=".json,application/json" on:change=on_file />
            </div>
            <p class="save-status" data-testid="save-status" aria-live="polite">{status}</p>
            <ConfirmDialog
                open=bench.confirm_reset
                title="Reset to the example?"
                message="This replaces your whole review with the built-in example. The last result stays until you run again. You can undo this."
                confirm="Reset to example"
                on_confirm=move || bench.reset_to_example()
            />
        </div>
    }
}
