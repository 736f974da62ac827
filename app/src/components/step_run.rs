//! Step 4: the run — what will be measured and where (the engine worker's
//! thread mode), the stages with the current one marked, the time left,
//! everything that blocks a run, and which inputs the shown result belongs
//! to (with the fields changed since, when it is stale). The Run profiler /
//! Cancel buttons live in the sidebar, so a run can start from any step.

use leptos::prelude::*;
use scalewise_core::profiler::{CALIBRATION_EVENTS, CALIBRATION_REPEATS};
use scalewise_core::protocol::ThreadMode;

use crate::components::run_panel::progress_text;
use crate::components::self_check_panel::SelfCheckPanel;
use crate::components::step_header::StepHeader;
use crate::components::step_nav::StepNav;
use crate::format;
use crate::review_diff;
use crate::state::{EngineStatus, RunStatus, Workbench};
use crate::step::Step;

/// The phases of a run in order, as (label, stage-name prefix).
fn phases(threads: usize) -> Vec<(String, String)> {
    let mut out = vec![(
        "Warm-up (not measured)".to_string(),
        "calibrate: warm-up".to_string(),
    )];
    for lanes in 1..=threads.max(1) {
        out.push((
            format!(
                "Calibration passes with {lanes} thread{} (× {CALIBRATION_REPEATS})",
                if lanes == 1 { "" } else { "s" }
            ),
            format!("calibrate: {lanes} lane"),
        ));
    }
    out.push((
        "Full pipeline pass over the sample, then its dedup state at two smaller densities"
            .to_string(),
        "profile".to_string(),
    ));
    out.push((
        "Analysis: projection, crossover, failure modes, scoring".to_string(),
        "analyse".to_string(),
    ));
    out
}

/// Index of the phase a progress stage name belongs to.
pub fn phase_index(stage: &str, threads: usize) -> Option<usize> {
    phases(threads).iter().position(|(_, prefix)| {
        stage.starts_with(prefix.as_str())
            && (!prefix.starts_with("calibrate: ")
                || prefix == "calibrate: warm-up"
                || stage.strip_prefix(prefix.as_str()).is_some_and(|rest| {
                    let rest = rest.strip_prefix('s').unwrap_or(rest);
                    rest.is_empty() || rest.starts_with(" (")
                }))
    })
}

#[component]
pub fn RunStep() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let threads = move || match bench.engine.get() {
        EngineStatus::Ready { threads, .. } => threads,
        _ => 1,
    };
    let engine_text = move || {
        match bench.engine.get() {
        EngineStatus::Starting => "The engine worker is starting.".to_string(),
        EngineStatus::Ready { mode: ThreadMode::Isolated, threads } => format!(
            "Isolated: {threads} threads. The page is cross-origin isolated, so the engine worker runs a rayon pool of {threads} Web Workers on shared memory."
        ),
        EngineStatus::Ready { mode: ThreadMode::SingleThreaded, .. } => "Single-threaded fallback: 1 thread. This page is not cross-origin isolated (plain http:// to a LAN address, or a host without COOP/COEP headers), so threads cannot share memory. Results are identical; runs take longer, and the scaling chart has a single point.".to_string(),
        EngineStatus::Crashed(message) => format!("The engine stopped: {message}"),
    }
    };
    let plan = move || {
        bench.review.with(|r| {
            let sample = r.workload.sample_events;
            format!(
                "{} production events, a sample of {} profiled, seed {}, {} alternatives. Calibration measures {} deliveries at 1 to {} threads, {} times each; then the pipeline processes all {} deliveries of the sample.",
                format::count(r.workload.events as f64),
                format::count(sample as f64),
                r.seed,
                r.alternatives.len(),
                format::count(sample.min(CALIBRATION_EVENTS) as f64),
                threads(),
                CALIBRATION_REPEATS,
                format::count(sample as f64),
            )
        })
    };
    // The phase in flight; past the last one when the last run finished.
    let current = move || match bench.run.get() {
        RunStatus::Running { stage, .. } => phase_index(&stage, threads()),
        RunStatus::Idle if bench.finished.with(Option::is_some) => Some(usize::MAX),
        _ => None,
    };
    let running = move || matches!(bench.run.get(), RunStatus::Running { .. });
    let detail = move || match bench.run.get() {
        RunStatus::Running {
            stage,
            fraction,
            started_ms,
            ..
        } => progress_text(&stage, fraction, started_ms),
        RunStatus::Idle if bench.finished.with(Option::is_some) => {
            "The last run finished. Run profiler (in the sidebar) starts another.".to_string()
        }
        RunStatus::Idle => "Not running yet. Run profiler is in the sidebar.".to_string(),
        RunStatus::Failed(message) => format!("The last run failed: {message}"),
        RunStatus::Cancelled => {
            "The last run was cancelled; the previous result is kept.".to_string()
        }
    };
    let fraction = move || match bench.run.get() {
        RunStatus::Running { fraction, .. } => fraction,
        _ => 0.0,
    };
    let issues = move || bench.issues.get();
    let changes = Memo::new(move |_| {
        if !bench.stale.get() {
            return Vec::new();
        }
        bench.finished.with(|f| {
            f.as_ref()
                .map(|f| {
                    bench
                        .review
                        .with(|r| review_diff::changes(&f.review, r, 12))
                })
                .unwrap_or_default()
        })
    });
    let provenance = move || {
        bench.finished.with(|f| {
            f.as_ref().map(|f| {
                let r = &f.review;
                format!(
                    "Run #{} finished at {} after {}: seed {}, {} events, alternatives {}.",
                    f.run_id,
                    f.finished_at,
                    format::seconds(f.elapsed_s),
                    r.seed,
                    format::count(r.workload.events as f64),
                    r.alternatives
                        .iter()
                        .map(|a| a.option.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        })
    };
    view! {
        <article class="step" aria-labelledby="step-heading">
            <StepHeader step=Step::Run>
                <p>"The engine runs in a Web Worker, off this page's main thread: it measures this machine (the calibration), pushes every event through the batch pipeline, then projects each alternative. Editing while it runs is fine; the result remembers which inputs it belongs to."</p>
            </StepHeader>
            <div class="grid two">
                <section class="panel" aria-labelledby="engine-heading">
                    <h3 id="engine-heading">"Where it runs"</h3>
                    <p data-testid="engine-mode">{engine_text}</p>
                    <h3>"What will run"</h3>
                    <p>{plan}</p>
                </section>
                <section class="panel" aria-labelledby="progress-heading">
                    <h3 id="progress-heading">"Progress"</h3>
                    <progress max="1" prop:value=fraction aria-label="Run progress, detailed" class:idle=move || !running()></progress>
                    <p class="run-detail">{detail}</p>
                    <ol class="phases">
                        {move || {
                            let now = current();
                            phases(threads()).into_iter().enumerate().map(|(k, (label, _))| {
                                let state = match now {
                                    Some(c) if k < c => "done",
                                    Some(c) if k == c => "current",
                                    _ => "pending",
                                };
                                view! {
                                    <li class=state aria-current=(state == "current").then_some("step")>{label}</li>
                                }
                            }).collect_view()
                        }}
                    </ol>
                </section>
            </div>
            <section class="panel" aria-labelledby="issues-heading">
                <h3 id="issues-heading">"Inputs"</h3>
                {move || {
                    let list = issues();
                    if list.is_empty() {
                        view! { <p class="ok-text">"All inputs are valid."</p> }.into_any()
                    } else {
                        view! {
                            <p class="error">{format!("{} invalid field{} — Run profiler is disabled until they are fixed:", list.len(), if list.len() == 1 { "" } else { "s" })}</p>
                            <ul class="issues">
                                {list.into_iter().map(|e| {
                                    let path = e.path.clone();
                                    view! {
                                        <li>
                                            <code>{e.path.clone()}</code>": "{e.message.clone()}" "
                                            <button class="link" on:click=move |_| bench.goto_field(&path)>
                                                {format!("Go to {}", Step::owning(&e.path).title())}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }}
            </section>
            <section class="panel" aria-labelledby="result-heading">
                <h3 id="result-heading">"The result shown"</h3>
                {move || match provenance() {
                    None => view! { <p class="hint">"No run yet."</p> }.into_any(),
                    Some(text) => view! {
                        <p data-testid="result-provenance">{text}</p>
                        <Show when=move || bench.stale.get()
                            fallback=|| view! { <p class="ok-text">"It matches the current inputs."</p> }>
                            <p class="stale">"Stale: these inputs changed since the run:"</p>
                            <ul class="changes">
                                {move || changes.get().into_iter().map(|c| view! {
                                    <li><code>{c.path}</code>": "{c.before}" → "{c.after}</li>
                                }).collect_view()}
                            </ul>
                        </Show>
                    }.into_any(),
                }}
            </section>
            <Show when=move || bench.finished.with(Option::is_some)>
                <SelfCheckPanel />
            </Show>
            <StepNav step=Step::Run />
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_names_map_to_phases() {
        assert_eq!(phases(4).len(), 7);
        assert_eq!(phase_index("calibrate: warm-up", 4), Some(0));
        assert_eq!(phase_index("calibrate: 1 lane", 4), Some(1));
        assert_eq!(phase_index("calibrate: 2 lanes", 4), Some(2));
        assert_eq!(phase_index("calibrate: 12 lanes", 12), Some(12));
        assert_eq!(phase_index("profile: pipeline pass", 4), Some(5));
        assert_eq!(
            phase_index("analyse: projection, crossover, scoring", 4),
            Some(6)
        );
        assert_eq!(phase_index("starting", 4), None);
    }
}
