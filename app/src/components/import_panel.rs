//! The outcome of a file import, above the current step: reading and
//! recomputing, "Reproduced — digest matches" with the digest, the fields
//! that differ (recorded against recomputed; the review is loaded only if
//! asked), what an imported CLUSTER.json holds, or why the file was refused. Also the page-wide drop target:
//! dragging a file over the page shows an overlay; dropping imports it.

use leptos::ev;
use leptos::prelude::*;

use crate::format;
use crate::import::{import_file, ImportState, MAX_IMPORT_BYTES};
use crate::state::Workbench;

/// Whether a drag carries files (not text or a link dragged within the page).
fn carries_files(event: &web_sys::DragEvent) -> bool {
    event.data_transfer().is_some_and(|t| {
        t.types()
            .iter()
            .any(|ty| ty.as_string().as_deref() == Some("Files"))
    })
}

#[component]
pub fn DropOverlay() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let dragging = RwSignal::new(false);
    // dragenter/dragleave fire for every child element crossed; count them.
    let depth = StoredValue::new(0i32);
    let _ = window_event_listener(ev::dragenter, move |event| {
        if carries_files(&event) {
            event.prevent_default();
            depth.update_value(|d| *d += 1);
            dragging.set(true);
        }
    });
    let _ = window_event_listener(ev::dragover, move |event| {
        if carries_files(&event) {
            // Allows the drop (the default is to open the file in the tab).
            event.prevent_default();
            if let Some(transfer) = event.data_transfer() {
                transfer.set_drop_effect("copy");
            }
        }
    });
    let _ = window_event_listener(ev::dragleave, move |event| {
        if carries_files(&event) {
            depth.update_value(|d| *d -= 1);
            if depth.get_value() <= 0 {
                depth.set_value(0);
                dragging.set(false);
            }
        }
    });
    let _ = window_event_listener(ev::drop, move |event| {
        depth.set_value(0);
        dragging.set(false);
        let Some(files) = event.data_transfer().and_then(|t| t.files()) else {
            return;
        };
        if files.length() == 0 {
            return;
        }
        event.prevent_default();
        if let Some(file) = files.get(0) {
            leptos::task::spawn_local(import_file(bench, file));
        }
    });
    view! {
        <Show when=move || dragging.get()>
            <div class="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
                <p>
                    "Drop a "<code>"*.result.json"</code>" to recompute and check it, a "
                    <code>"*.review.json"</code>" to load it, or a "<code>"CLUSTER.json"</code>
                    " from scalewise cluster to carry its measurements into your runs (at most "
                    {format::bytes(MAX_IMPORT_BYTES as f64)}")."
                </p>
            </div>
        </Show>
    }
}

#[component]
pub fn ImportPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let dismiss = move |_| bench.import.set(ImportState::Idle);
    let chain_view = |problem: Option<String>, entries: usize| {
        match problem {
        Some(problem) => view! { <p class="chain broken" data-testid="chain-status">{problem}</p> }.into_any(),
        None => view! {
            <p class="chain" data-testid="chain-status">
                {format!("Audit trail intact: {entries} entr{}, each chained by SHA-256.", if entries == 1 { "y" } else { "ies" })}
            </p>
        }
        .into_any(),
    }
    };
    move || {
        let state = bench.import.get();
        let body = match state {
            ImportState::Idle => return None,
            ImportState::Working { name, doing } => view! {
                <h2>{format!("Importing “{name}”")}</h2>
                <p role="status">{doing}</p>
            }
            .into_any(),
            ImportState::Reproduced { name, digest, chain_problem, chain_entries } => view! {
                <h2>{format!("Imported “{name}”")}</h2>
                <p class="verdict ok" data-testid="import-verdict">"Reproduced — digest matches"</p>
                <p>"Digest " <code data-testid="import-digest">{digest}</code></p>
                {chain_view(chain_problem, chain_entries)}
                <p>"The review and its result are loaded (Undo takes them back)."</p>
            }
            .into_any(),
            ImportState::Differs { name, differences, chain_problem, pending } => {
                let count = differences.len();
                view! {
                    <h2>{format!("“{name}” does not reproduce")}</h2>
                    <p class="verdict bad" data-testid="import-verdict">
                        {format!("Differs — {count} field{} recomputed differently{}. Nothing was loaded.",
                            if count == 1 { "" } else { "s" },
                            if count >= crate::import::SHOWN_DIFFERENCES { " (the first ones shown)" } else { "" })}
                    </p>
                    {chain_problem.map(|p| view! { <p class="chain broken" data-testid="chain-status">{p}</p> })}
                    <table class="differences" data-testid="import-differences">
                        <thead><tr><th scope="col">"Field"</th><th scope="col">"Recorded"</th><th scope="col">"Recomputed"</th></tr></thead>
                        <tbody>
                            {differences.into_iter().map(|d| view! {
                                <tr><td><code>{d.path}</code></td><td>{d.recorded}</td><td>{d.recomputed}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    {pending.is_some().then(|| view! {
                        <p>
                            "Its review can still be loaded as your inputs (its recorded result is not). "
                            <button on:click=move |_| bench.load_unverified()>"Load its review anyway"</button>
                        </p>
                    })}
                }
                .into_any()
            }
            ImportState::ReviewLoaded { name } => view! {
                <h2>{format!("Loaded the review in “{name}”")}</h2>
                <p data-testid="import-verdict">"Its inputs are loaded; run the profiler for its evidence (Undo takes them back)."</p>
            }
            .into_any(),
            ImportState::ClusterLoaded { name, summary } => view! {
                <h2>{format!("Imported the distributed measurements in “{name}”")}</h2>
                <p class="verdict ok" data-testid="import-verdict">"Measured for this review — its digest matches."</p>
                <p data-testid="import-cluster-summary">{summary}</p>
                <p>"Your review is unchanged. The Profile step shows the measurements; Remove there drops them."</p>
            }
            .into_any(),
            ImportState::Invalid { name, message } => view! {
                <h2>{format!("“{name}” was not imported")}</h2>
                <p class="verdict bad" data-testid="import-verdict">{message}</p>
                <p>"Your review and result are unchanged."</p>
            }
            .into_any(),
        };
        Some(view! {
            <section class="import-panel" data-testid="import-panel" aria-live="polite" aria-label="File import">
                {body}
                <button class="dismiss" on:click=dismiss>"Dismiss"</button>
            </section>
        })
    }
}
