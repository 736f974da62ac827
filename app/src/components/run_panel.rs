//! The run controls, in the sidebar on every step: "Run profiler",
//! "Cancel", the progress bar with the current stage and an estimate of the
//! time left, why Run is disabled, and whether the shown result is stale.

use leptos::prelude::*;

use crate::format;
use crate::state::{now_ms, EngineStatus, RunStatus, Workbench};
use crate::step::Step;

/// "stage — 42.0%, about 3.1 s left" for a run in flight.
pub fn progress_text(stage: &str, fraction: f64, started_ms: f64) -> String {
    let elapsed_s = (now_ms() - started_ms) / 1e3;
    let left = if fraction > 0.05 {
        format!(
            ", about {} left",
            format::seconds(elapsed_s * (1.0 - fraction) / fraction)
        )
    } else {
        String::new()
    };
    format!("{stage} — {}{left}", format::percent(fraction))
}

#[component]
pub fn RunPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let running = move || matches!(bench.run.get(), RunStatus::Running { .. });
    let blocked = Memo::new(move |_| bench.run_blocked());
    let fraction = move || match bench.run.get() {
        RunStatus::Running { fraction, .. } => fraction,
        _ => 0.0,
    };
    let stopped = move || match bench.engine.get() {
        EngineStatus::Crashed(message) => Some(message),
        _ => None,
    };
    let status = move || match bench.run.get() {
        RunStatus::Idle => match bench
            .finished
            .with(|f| f.as_ref().map(|f| (f.run_id, f.elapsed_s)))
        {
            Some((id, elapsed)) => format!("Finished run #{id} in {}.", format::seconds(elapsed)),
            None => "No run yet.".to_string(),
        },
        RunStatus::Running {
            stage,
            fraction,
            started_ms,
            ..
        } => progress_text(&stage, fraction, started_ms),
        RunStatus::Failed(message) => format!("Run failed: {message}"),
        RunStatus::Cancelled => "Cancelled; the previous result is kept.".to_string(),
    };
    let status = move || match stopped() {
        Some(message) => {
            let kept = if bench.finished.with(Option::is_some) {
                " The previous result is kept."
            } else {
                ""
            };
            format!("The engine stopped: {message}.{kept}")
        }
        None => status(),
    };
    let first_issue = move || bench.issues.with(|i| i.first().map(|e| e.path.clone()));
    view! {
        <section class="run-panel" aria-labelledby="run-panel-heading">
            <h2 id="run-panel-heading" class="visually-hidden">"Run"</h2>
            <div class="run-controls">
                <button
                    class="primary"
                    on:click=move |_| bench.run_profiler()
                    disabled=move || blocked.get().is_some()
                    aria-describedby="run-blocked"
                >
                    "Run profiler"
                </button>
                <button on:click=move |_| bench.cancel() disabled=move || !running()>
                    "Cancel"
                </button>
            </div>
            <progress
                max="1"
                prop:value=fraction
                aria-label="Run progress"
                class:idle=move || !running()
            ></progress>
            <p class="run-status" data-testid="run-status" role="status" aria-live="polite">{status}</p>
            <Show when=move || stopped().is_some()>
                <button class="primary retry" on:click=move |_| bench.retry()>
                    "Retry"
                </button>
            </Show>
            <div id="run-blocked">
                {move || blocked.get().map(|reason| view! {
                    <p class="blocked">
                        {reason}
                        {first_issue().map(|path| view! {
                            " "
                            <button class="link" on:click=move |_| bench.goto_field(&path)>
                                "Show the first problem"
                            </button>
                        })}
                    </p>
                })}
            </div>
            <Show when=move || bench.stale.get()>
                <p class="stale" data-testid="stale-marker">
                    "Stale: the inputs changed since this run. "
                    <button class="link" on:click=move |_| bench.goto(Step::Run)>"What changed?"</button>
                </p>
            </Show>
        </section>
    }
}
