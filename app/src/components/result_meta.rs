//! At the top of each result step: which run and which inputs the evidence
//! belongs to, or — before any run — what to do.

use leptos::prelude::*;

use crate::format;
use crate::state::{RunStatus, Workbench};
use crate::step::Step;

#[component]
pub fn ResultMeta() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let text = move || {
        bench.finished.with(|f| {
            f.as_ref().map(|f| {
                format!(
                    "Evidence from run #{} ({}, {} in {}): seed {}, {} events, {} alternatives.",
                    f.run_id,
                    f.result.calibration.environment,
                    f.finished_at,
                    format::seconds(f.elapsed_s),
                    f.review.seed,
                    format::count(f.review.workload.events as f64),
                    f.review.alternatives.len()
                )
            })
        })
    };
    view! {
        <div class="result-meta" class:stale=move || bench.stale.get()>
            <p>{text}</p>
            <Show when=move || bench.stale.get()>
                <p class="stale-note">
                    "The inputs changed since this run; these numbers belong to the earlier inputs. "
                    <button class="link" on:click=move |_| bench.goto(Step::Run)>"See what changed"</button>
                </p>
            </Show>
        </div>
    }
}

/// Shown by a result step before the first run.
#[component]
pub fn NoResult() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let running = move || matches!(bench.run.get(), RunStatus::Running { .. });
    view! {
        <section class="panel empty-state">
            <p class="empty-title">"No evidence yet"</p>
            <p>{move || if running() {
                "A run is in progress; its evidence appears here when it finishes."
            } else {
                "Run the profiler (Run profiler, in the sidebar) to measure this machine, process every event and project each alternative."
            }}</p>
        </section>
    }
}
