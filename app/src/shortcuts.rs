//! Keyboard shortcuts for the review's history: Ctrl+Z undo, Ctrl+Shift+Z
//! and Ctrl+Y redo (⌘ on macOS).
//!
//! Inside a focused text field (text input, text area) the browser's own
//! undo keeps working character by character — it fires `input` events, so
//! the review, its history and the autosave follow. Everywhere else
//! (after the field loses focus, on buttons, sliders and selects) the keys
//! undo and redo whole review edits, like the toolbar buttons.

use leptos::prelude::GetUntracked;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::Workbench;

/// What a key press asks of the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryKey {
    Undo,
    Redo,
}

/// Maps a key press (key, Ctrl or ⌘, Shift, Alt) to a history command.
pub fn history_key(key: &str, command: bool, shift: bool, alt: bool) -> Option<HistoryKey> {
    if !command || alt {
        return None;
    }
    match (key.to_ascii_lowercase().as_str(), shift) {
        ("z", false) => Some(HistoryKey::Undo),
        ("z", true) | ("y", false) => Some(HistoryKey::Redo),
        _ => None,
    }
}

/// Whether the browser's own text undo applies to `element`.
fn edits_text(element: &web_sys::Element) -> bool {
    match element.tag_name().to_ascii_lowercase().as_str() {
        "textarea" => true,
        "input" => element
            .dyn_ref::<web_sys::HtmlInputElement>()
            .is_some_and(|i| {
                matches!(
                    i.type_().as_str(),
                    "text" | "search" | "number" | "url" | "email" | ""
                )
            }),
        _ => element
            .dyn_ref::<web_sys::HtmlElement>()
            .is_some_and(|e| e.is_content_editable()),
    }
}

fn is_mac() -> bool {
    web_sys::window()
        .and_then(|w| w.navigator().platform().ok())
        .is_some_and(|p| p.starts_with("Mac"))
}

/// "Ctrl" or "⌘", for titles.
pub fn modifier_name() -> &'static str {
    if is_mac() {
        "⌘"
    } else {
        "Ctrl"
    }
}

/// Listens for the shortcuts on the whole page.
pub fn install(bench: Workbench) {
    let on_key =
        Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |ev: web_sys::KeyboardEvent| {
            let command = if is_mac() {
                ev.meta_key()
            } else {
                ev.ctrl_key() || ev.meta_key()
            };
            let Some(action) = history_key(&ev.key(), command, ev.shift_key(), ev.alt_key()) else {
                return;
            };
            if ev.default_prevented() || bench.confirm_reset.get_untracked() {
                return;
            }
            let in_text = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|e| edits_text(&e));
            if in_text {
                return; // the browser's own text undo
            }
            ev.prevent_default();
            match action {
                HistoryKey::Undo => bench.undo(),
                HistoryKey::Redo => bench.redo(),
            }
        });
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    }
    // The page lives as long as the workbench.
    on_key.forget();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_history_commands() {
        assert_eq!(history_key("z", true, false, false), Some(HistoryKey::Undo));
        assert_eq!(history_key("Z", true, true, false), Some(HistoryKey::Redo));
        assert_eq!(history_key("y", true, false, false), Some(HistoryKey::Redo));
        assert_eq!(history_key("z", false, false, false), None);
        assert_eq!(history_key("z", true, false, true), None);
        assert_eq!(history_key("y", true, true, false), None);
        assert_eq!(history_key("x", true, false, false), None);
    }
}
