//! Step 6: the crossover — makespan and cost per run against event volume
//! (log–log) for every alternative, with the deadline, the budget and the
//! points where one node stops being enough; the answer in one sentence,
//! the crossing of each criterion, what each projection is made of (term by
//! term, by class) and what the answer hinges on (the tornado).

use leptos::prelude::*;

use crate::charts;
use crate::components::answer_panel::AnswerPanel;
use crate::components::chart::Chart;
use crate::components::crossings_table::CrossingsTable;
use crate::components::projection_table::ProjectionTable;
use crate::components::result_meta::{NoResult, ResultMeta};
use crate::components::sensitivity_tornado::SensitivityTornado;
use crate::components::step_header::StepHeader;
use crate::components::step_nav::StepNav;
use crate::components::term_breakdown::TermBreakdown;
use crate::state::Workbench;
use crate::step::Step;

#[component]
pub fn CrossoverStep() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let has_result = move || bench.finished.with(Option::is_some);
    let data = Memo::new(move |_| {
        bench.finished.with(|f| {
            f.as_ref().map(|f| {
                (
                    f.result.crossover.clone(),
                    f.review.sla.budget_per_run_usd,
                    f.review.workload.events as f64,
                )
            })
        })
    });
    let makespan = Signal::derive(move || {
        data.with(|d| {
            d.as_ref()
                .map(|(c, _, events)| charts::makespan(c, *events))
        })
    });
    let cost = Signal::derive(move || {
        data.with(|d| {
            d.as_ref()
                .map(|(c, budget, events)| charts::cost(c, *budget, *events))
        })
    });
    view! {
        <article class="step" aria-labelledby="step-heading">
            <StepHeader step=Step::Crossover>
                <p>"Each alternative projected from this machine's measurements to a cluster, swept over event volumes: where the single node stops meeting the deadline or holding its working set, and where the cluster becomes the cheaper way to meet it."</p>
            </StepHeader>
            <Show when=has_result fallback=|| view! { <NoResult /> }>
                <ResultMeta />
                <AnswerPanel />
                <CrossingsTable />
                <section class="panel" aria-labelledby="sweep-heading">
                    <h3 id="sweep-heading">"Sweep over event volume"</h3>
                    <div class="chart-grid">
                        <Chart id="makespan-chart" label="Makespan p95 by event volume, log-log, with the deadline and the crossover" spec=makespan height=360 />
                        <Chart id="cost-chart" label="Cost per run by event volume, log-log, with the budget" spec=cost height=360 />
                    </div>
                </section>
                <ProjectionTable />
                <TermBreakdown />
                <SensitivityTornado />
            </Show>
            <StepNav step=Step::Crossover />
        </article>
    }
}
