//! Step 8: scoring — the weights as sliders that always sum to 100 %, the
//! scoring table, the stacked contributions and how robust the winner is.
//! A weight change re-scores the existing evidence in the engine worker
//! (`Refresh`), without a new run.

use leptos::prelude::*;
use scalewise_core::analysis::scoring_table;
use scalewise_core::models::scoring::ValueRule;

use crate::charts;
use crate::components::chart::Chart;
use crate::components::refresh_note::RefreshNote;
use crate::components::result_meta::{NoResult, ResultMeta};
use crate::components::scoring_table::ScoringTable;
use crate::components::sensitivity_panel::SensitivityPanel;
use crate::components::step_header::StepHeader;
use crate::components::step_nav::StepNav;
use crate::components::weight_sliders::WeightSliders;
use crate::state::Workbench;
use crate::step::Step;

#[component]
pub fn ScoringStep() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let has_result = move || bench.finished.with(Option::is_some);
    let scoring = Memo::new(move |_| {
        bench
            .finished
            .with(|f| f.as_ref().map(|f| f.result.scoring.clone()))
    });
    let spec = Signal::derive(move || scoring.with(|s| s.as_ref().map(charts::contributions)));
    // The rule as the memo quotes it: the result's own parameters, or the
    // defaults before a run.
    let rule_text = move || {
        scoring.with(|s| match s {
            Some(s) => scoring_table::rule_text_of(s),
            None => scoring_table::scoring_rule_text(
                &ValueRule::default(),
                scoring_table::COMPLEXITY_HALF_LIFE_POINTS,
            ),
        })
    };
    view! {
        <article class="step" aria-labelledby="step-heading">
            <StepHeader step=Step::Scoring>
                <p data-testid="scoring-rule">{rule_text}</p>
                <p>"Change the weights to see what the choice depends on: the evidence is re-scored at once, without a new run."</p>
            </StepHeader>
            <section class="panel" aria-labelledby="weights-slider-heading">
                <h3 id="weights-slider-heading">"Weights"</h3>
                <p class="hint">"Shares of the total, always 100 %: moving one slider rescales the other five in proportion to their current shares (all at zero: equally). Arrow keys move a slider by 1 %; type an exact share in the box."</p>
                <WeightSliders />
            </section>
            <Show when=has_result fallback=|| view! { <NoResult /> }>
                <ResultMeta />
                <RefreshNote />
                <section class="panel" aria-labelledby="robustness-heading">
                    <h3 id="robustness-heading">"Winner and robustness"</h3>
                    <SensitivityPanel scoring=scoring />
                </section>
                <section class="panel" aria-labelledby="scoring-heading">
                    <h3 id="scoring-heading">"Scoring table"</h3>
                    <Chart id="scoring-chart" label="Weighted contribution of each criterion to each alternative's score, stacked" spec=spec height=340 />
                    <ScoringTable scoring=scoring />
                </section>
            </Show>
            <StepNav step=Step::Scoring />
        </article>
    }
}
