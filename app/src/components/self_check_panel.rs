//! How far the run's own measurements can be trusted, and what the
//! distributed design costs in cores: the self-check (the calibration
//! passes predict the separately measured full pass, and the state fit its
//! largest density) and COST in McSherry, Isard and Murray's sense.

use leptos::prelude::*;
use scalewise_core::analysis::cost_metric::CostMetric;
use scalewise_core::analysis::self_check::SelfCheck;
use scalewise_core::format::volume as format_volume;

use crate::format;
use crate::state::Workbench;

/// "Calibrated on N events, predicted X s for the full pass, measured Y s:
/// error Z %", or why there is none.
pub fn full_pass_text(check: &SelfCheck) -> String {
    match &check.full_pass {
        Some(p) => format!(
            "Calibrated on {} events, predicted {} for the full pass over {} events at {} lanes, measured {}: error {:+.1} %.",
            format::count(p.calibration_events as f64),
            format::seconds(p.predicted_wall_s),
            format::count(p.events as f64),
            p.threads,
            format::seconds(p.measured_wall_s),
            p.error * 100.0
        ),
        None => "No full pass was measured (the run replayed a recorded calibration), so there is nothing to check the prediction against.".to_string(),
    }
}

/// The working-set check, or why there is none.
pub fn state_text(check: &SelfCheck) -> String {
    match &check.working_set {
        Some(s) => format!(
            "State fitted on {} densities predicts {} entries at {} events, measured {}: error {:+.1} %.",
            s.fitted_on.len(),
            format::count(s.predicted_entries),
            format_volume(s.events),
            format::count(s.measured_entries),
            s.error * 100.0
        ),
        None => "Fewer than three state densities were measured: no check of the state fit.".to_string(),
    }
}

/// COST: cores of the distributed design to match one thread of the
/// baseline, and their ratio to one node of the baseline.
pub fn cost_text(c: &CostMetric) -> String {
    match (c.cores, c.nodes, c.time_at_cost_s) {
        (Some(cores), Some(nodes), Some(t)) => format!(
            "{} needs {cores} core{} ({} × one node of {}) to match one thread of {} at {} events ({} vs {}).",
            c.distributed_option,
            if cores == 1 { "" } else { "s" },
            format::number(nodes),
            c.single_node_option,
            c.single_node_option,
            format_volume(c.events),
            format::seconds(t),
            format::seconds(c.one_thread_s)
        ),
        _ => format!(
            "{} does not match one thread of {} ({}) at {} events with up to {} nodes: COST is unbounded.",
            c.distributed_option,
            c.single_node_option,
            format::seconds(c.one_thread_s),
            format_volume(c.events),
            c.searched_up_to_nodes
        ),
    }
}

#[component]
pub fn SelfCheckPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let data = Memo::new(move |_| {
        bench.finished.with(|f| {
            f.as_ref()
                .map(|f| (f.result.self_check.clone(), f.result.cost_metric.clone()))
        })
    });
    view! {
        <section class="panel" aria-labelledby="self-check-heading">
            <h3 id="self-check-heading">"Self-check and COST"</h3>
            {move || data.get().map(|(check, cost)| {
                let error = check.full_pass.as_ref().map(|p| p.error);
                let large = error.is_some_and(|e| e.abs() > 0.25);
                view! {
                    <dl class="facts">
                        <div class="wide">
                            <dt>"Self-check: the model predicts a pass it did not see"</dt>
                            <dd data-testid="self-check" class:bad=large
                                data-error=error.map(|e| e.to_string()).unwrap_or_default()>
                                {full_pass_text(&check)}
                            </dd>
                        </div>
                        <div class="wide">
                            <dt>"Self-check of the state fit"</dt>
                            <dd data-testid="state-check">{state_text(&check)}</dd>
                        </div>
                        <div class="wide">
                            <dt>"Projected COST (McSherry, Isard, Murray 2015): cores of the distributed design to match one thread of the baseline, from this calibration and the design's assumptions"</dt>
                            <dd data-testid="cost-metric"
                                data-cores=cost.cores.map(|c| c.to_string()).unwrap_or_default()
                                data-nodes=cost.nodes.map(|n| n.to_string()).unwrap_or_default()>
                                {cost_text(&cost)}
                            </dd>
                        </div>
                    </dl>
                }
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalewise_core::analysis::self_check::PassCheck;

    #[test]
    fn the_self_check_reads_as_one_sentence_with_its_numbers() {
        let check = SelfCheck {
            full_pass: Some(PassCheck {
                events: 2_000_000,
                threads: 2,
                calibration_events: 500_000,
                predicted_wall_s: 1.1,
                measured_wall_s: 1.0,
                error: 0.1,
            }),
            working_set: None,
        };
        assert_eq!(
            full_pass_text(&check),
            "Calibrated on 500 k events, predicted 1.1 s for the full pass over 2 M events at 2 lanes, measured 1 s: error +10.0 %."
        );
        assert!(state_text(&check).starts_with("Fewer than three"));
        let none = SelfCheck {
            full_pass: None,
            working_set: None,
        };
        assert!(full_pass_text(&none).starts_with("No full pass"));
    }
}
