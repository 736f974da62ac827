//! Step 3: the design alternatives (at least two; the example's two to
//! start), the service levels every alternative is judged against, and the
//! scoring weights.

use leptos::prelude::*;
use scalewise_core::limits;
use scalewise_core::review::{Review, Weights};

use crate::bind::Binding;
use crate::components::alternative_card::AlternativeCard;
use crate::components::field_errors::FieldErrors;
use crate::components::number_field::NumberField;
use crate::components::step_header::StepHeader;
use crate::components::step_nav::StepNav;
use crate::format::Unit;
use crate::state::Workbench;
use crate::step::Step;

fn weight(
    name: &'static str,
    get: fn(&Weights) -> f64,
    set: fn(&mut Weights, f64),
) -> Binding<f64> {
    Binding::new(
        format!("weights.{name}"),
        move |r: &Review| Some(get(&r.weights)),
        move |r: &mut Review, v| set(&mut r.weights, v),
    )
}

#[component]
pub fn AlternativesStep() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let count = Memo::new(move |_| bench.review.with(|r| r.alternatives.len()));
    let deadline = Binding::new(
        "sla.deadline_s",
        |r: &Review| Some(r.sla.deadline_s),
        |r: &mut Review, v| r.sla.deadline_s = v,
    );
    let budget = Binding::new(
        "sla.budget_per_run_usd",
        |r: &Review| Some(r.sla.budget_per_run_usd),
        |r: &mut Review, v| r.sla.budget_per_run_usd = v,
    );
    let tolerance = Binding::new(
        "sla.miss_tolerance",
        |r: &Review| Some(r.sla.miss_tolerance),
        |r: &mut Review, v| r.sla.miss_tolerance = v,
    );
    view! {
        <article class="step" aria-labelledby="step-heading">
            <StepHeader step=Step::Alternatives>
                <p>{format!(
                    "The designs to compare: {} to {} alternatives. The crossover pairs the one with the fewest nodes against the one with the most.",
                    limits::MIN_ALTERNATIVES, limits::MAX_ALTERNATIVES
                )}</p>
            </StepHeader>
            <FieldErrors path="alternatives".to_string() />
            <div class="alternatives">
                {move || (0..count.get()).map(|i| view! { <AlternativeCard index=i count=count /> }).collect_view()}
            </div>
            <div class="add-row">
                <button class="primary-outline" on:click=move |_| bench.add_alternative()
                    disabled={move || count.get() >= limits::MAX_ALTERNATIVES}>
                    "Add alternative"
                </button>
                <span class="hint">{move || format!("{} of at most {}", count.get(), limits::MAX_ALTERNATIVES)}</span>
            </div>
            <section class="panel" aria-labelledby="sla-heading">
                <h3 id="sla-heading">"Service levels"</h3>
                <div class="grid three">
                    <NumberField label="Deadline" unit="s" echo=Some(Unit::Seconds) binding=deadline
                        hint="The batch must finish within this time (p95 makespan)." />
                    <NumberField label="Budget per run" unit="$" echo=Some(Unit::Usd) binding=budget />
                    <NumberField label="Miss tolerance" unit="share" echo=Some(Unit::Percent) binding=tolerance
                        hint="The accepted chance that a run misses the deadline (0.05 = 5 %): the tolerance criterion crosses where P(miss) exceeds it." />
                </div>
            </section>
            <section class="panel" aria-labelledby="weights-heading">
                <h3 id="weights-heading">"Scoring weights"</h3>
                <p class="hint">"Relative importance of each criterion, any non-negative scale (normalised by their sum). The Scoring step shows them as shares of 100 % with sliders."</p>
                <div class="grid three">
                    <NumberField label="Deadline weight" binding=weight("deadline", |w| w.deadline, |w, v| w.deadline = v) />
                    <NumberField label="Cost weight" binding=weight("cost", |w| w.cost, |w, v| w.cost = v) />
                    <NumberField label="Resilience weight" binding=weight("resilience", |w| w.resilience, |w, v| w.resilience = v) />
                    <NumberField label="Data quality and lineage weight" binding=weight("data_quality_lineage", |w| w.data_quality_lineage, |w, v| w.data_quality_lineage = v) />
                    <NumberField label="Access risk weight" binding=weight("access_risk", |w| w.access_risk, |w, v| w.access_risk = v) />
                    <NumberField label="Operational complexity weight" binding=weight("operational_complexity", |w| w.operational_complexity, |w, v| w.operational_complexity = v) />
                </div>
                <FieldErrors path="weights".to_string() />
            </section>
            <StepNav step=Step::Alternatives />
        </article>
    }
}
