//! "Run profiler" / "Cancel", the progress bar with the current stage and an
//! estimate of the time left.

use leptos::prelude::*;

use crate::format;
use crate::state::{now_ms, EngineStatus, RunStatus, Workbench};

#[component]
pub fn RunPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let running = move || matches!(bench.run.get(), RunStatus::Running { .. });
    let engine_ready = move || matches!(bench.engine.get(), EngineStatus::Ready { .. });
    let disabled_reason = move || match bench.engine.get() {
        EngineStatus::Starting => Some("The engine is starting.".to_string()),
        EngineStatus::Crashed(m) => Some(m),
        EngineStatus::Ready { .. } => None,
    };
    let fraction = move || match bench.run.get() {
        RunStatus::Running { fraction, .. } => fraction,
        _ => 0.0,
    };
    let status = move || match bench.run.get() {
        RunStatus::Idle => match bench.finished.get() {
            Some(f) => format!("Finished in {}.", format::seconds(f.elapsed_s)),
            None => "Ready.".to_string(),
        },
        RunStatus::Running {
            stage,
            fraction,
            started_ms,
            ..
        } => {
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
        RunStatus::Failed(message) => format!("Run failed: {message}"),
        RunStatus::Cancelled => "Cancelled; the previous result is kept.".to_string(),
    };
    let events = move || bench.review.with(|r| r.workload.events.to_string());
    let seed = move || bench.review.with(|r| r.seed.to_string());
    let set_events = move |ev: leptos::ev::Event| {
        if let Ok(n) = event_target_value(&ev).trim().parse::<u64>() {
            bench.review.update(|r| r.workload.events = n);
        }
    };
    let set_seed = move |ev: leptos::ev::Event| {
        if let Ok(n) = event_target_value(&ev).trim().parse::<u64>() {
            bench.review.update(|r| r.seed = n);
        }
    };
    view! {
        <section class="panel run-panel" aria-labelledby="run-heading">
            <h2 id="run-heading">"Run"</h2>
            <div class="run-inputs">
                <label>"Events per run"
                    <input type="number" min="1" step="1" inputmode="numeric" prop:value=events on:change=set_events />
                </label>
                <label>"Seed"
                    <input type="number" min="0" step="1" inputmode="numeric" prop:value=seed on:change=set_seed />
                </label>
            </div>
            <div class="run-controls">
                <button
                    class="primary"
                    on:click=move |_| bench.run_profiler()
                    disabled=move || !engine_ready()
                    title=move || disabled_reason().unwrap_or_default()
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
            <Show when=move || disabled_reason().is_some()>
                <p class="hint">{move || disabled_reason().unwrap_or_default()}</p>
            </Show>
        </section>
    }
}
