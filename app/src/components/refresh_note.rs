//! Under a result step's provenance line: "updating" while the engine
//! re-scores the evidence for new weights or submission text, or why it
//! could not.

use leptos::prelude::*;

use crate::state::Workbench;

#[component]
pub fn RefreshNote() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let state = bench.submission;
    view! {
        <Show when=move || state.refresh_pending.get() && state.refresh_error.with(Option::is_none)>
            <p class="hint refresh-note" data-testid="refresh-pending" role="status">
                {move || if bench.issues.with(Vec::is_empty) {
                    "Updating the scores and the submission for your edits (no new run needed)…"
                } else {
                    "Fix the invalid fields to apply your edits to the result."
                }}
            </p>
        </Show>
        {move || state.refresh_error.get().map(|message| view! {
            <p class="note" data-testid="refresh-error" role="alert">
                {format!("The result could not be updated without a run: {message}")}
            </p>
        })}
    }
}
