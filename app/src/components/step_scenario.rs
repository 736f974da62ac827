//! Step 1: the course framing — module, decision, artifact, the decision /
//! system boundary (with what a good one contains) and the five
//! stakeholders with the concern each owns.

use leptos::prelude::*;
use scalewise_core::review::Review;

use crate::bind::{to_u32, Binding};
use crate::components::number_field::NumberField;
use crate::components::step_header::StepHeader;
use crate::components::step_nav::StepNav;
use crate::components::text_field::TextField;
use crate::state::Workbench;
use crate::step::Step;

/// What a good boundary paragraph names, with words that usually show it.
const BOUNDARY_CHECKS: [(&str, &[&str]); 5] = [
    (
        "the workload in scope (which batch, which data)",
        &["batch", "events", "data", "pipeline"],
    ),
    (
        "where it starts and where it ends (stages, hand-off)",
        &["from", "up to", "until", "ingest", "publish", "stage"],
    ),
    (
        "the alternatives being compared",
        &["compare", "versus", " vs", "alternative", "cluster", "node"],
    ),
    (
        "the criteria they are judged on",
        &["deadline", "cost", "judged", "criteria", "resilien", "risk"],
    ),
    (
        "what is explicitly out of scope",
        &[
            "outside",
            "out of scope",
            "excluded",
            "not covered",
            "excludes",
        ],
    ),
];

/// Which checklist items the boundary text appears to cover (a keyword
/// heuristic: a prompt, not a grade).
pub fn boundary_coverage(text: &str) -> Vec<bool> {
    let lower = text.to_lowercase();
    BOUNDARY_CHECKS
        .iter()
        .map(|(_, words)| words.iter().any(|w| lower.contains(w)))
        .collect()
}

fn scenario_text(
    field: &'static str,
    get: fn(&Review) -> &String,
    set: fn(&mut Review) -> &mut String,
) -> Binding<String> {
    Binding::new(
        format!("scenario.{field}"),
        move |r| Some(get(r).clone()),
        move |r, v| *set(r) = v,
    )
}

fn stakeholder(i: usize, field: &'static str) -> Binding<String> {
    let role = field == "role";
    Binding::new(
        format!("scenario.stakeholders[{i}].{field}"),
        move |r| {
            r.scenario.stakeholders.get(i).map(|s| {
                if role {
                    s.role.clone()
                } else {
                    s.concern.clone()
                }
            })
        },
        move |r, v| {
            if let Some(s) = r.scenario.stakeholders.get_mut(i) {
                if role {
                    s.role = v;
                } else {
                    s.concern = v;
                }
            }
        },
    )
}

#[component]
pub fn ScenarioStep() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let count = Memo::new(move |_| bench.review.with(|r| r.scenario.stakeholders.len()));
    let coverage = Memo::new(move |_| {
        bench
            .review
            .with(|r| boundary_coverage(&r.scenario.boundary))
    });
    let title = Binding::new(
        "title",
        |r: &Review| Some(r.title.clone()),
        |r: &mut Review, v| r.title = v,
    );
    let module = Binding::new(
        "scenario.module",
        |r: &Review| Some(f64::from(r.scenario.module)),
        |r: &mut Review, v| r.scenario.module = to_u32(v),
    );
    view! {
        <article class="step" aria-labelledby="step-heading">
            <StepHeader step=Step::Scenario>
                <p>"Start from the decision and its boundary: what is being decided, for which workload, judged by whom. Everything after this step is evidence for this decision."</p>
            </StepHeader>
            <section class="panel" aria-labelledby="framing-heading">
                <h3 id="framing-heading">"Framing"</h3>
                <div class="grid two">
                    <TextField label="Review title" binding=title hint="Also the stem of export file names." />
                    <NumberField label="Course module" binding=module integer=true hint="1 to 99" />
                </div>
                <TextField label="Decision" binding=scenario_text("decision", |r| &r.scenario.decision, |r| &mut r.scenario.decision)
                    hint="The module question this review answers." />
                <TextField label="Artifact" rows=3 binding=scenario_text("artifact", |r| &r.scenario.artifact, |r| &mut r.scenario.artifact)
                    hint="The artifact the assignment asks for, verbatim." />
            </section>
            <section class="panel" aria-labelledby="boundary-heading">
                <h3 id="boundary-heading">"Decision and system boundary"</h3>
                <div class="boundary">
                    <TextField label="Boundary paragraph" rows=9 binding=scenario_text("boundary", |r| &r.scenario.boundary, |r| &mut r.scenario.boundary)
                        hint="One paragraph; a second reviewer should be able to tell what is in and out." />
                    <aside class="checklist" aria-label="What a good boundary contains">
                        <p class="checklist-title">"A good boundary names"</p>
                        <ul>
                            {BOUNDARY_CHECKS.iter().enumerate().map(|(i, (text, _))| {
                                let ok = move || coverage.with(|c| c.get(i).copied().unwrap_or(false));
                                view! {
                                    <li class:ok=ok>
                                        <span class="tick" aria-hidden="true">{move || if ok() { "✓" } else { "○" }}</span>
                                        {*text}
                                        <span class="visually-hidden">{move || if ok() { " (mentioned)" } else { " (not found)" }}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <p class="hint">"A keyword check, to prompt you — not a grade."</p>
                    </aside>
                </div>
            </section>
            <section class="panel" aria-labelledby="stakeholders-heading">
                <h3 id="stakeholders-heading">"Stakeholders and the concern each owns"</h3>
                <div class="stakeholders">
                    {move || (0..count.get()).map(|i| view! {
                        <div class="stakeholder">
                            <TextField label=format!("Stakeholder {} role", i + 1) binding=stakeholder(i, "role") />
                            <TextField label=format!("Stakeholder {} concern", i + 1) rows=2 binding=stakeholder(i, "concern") />
                        </div>
                    }).collect_view()}
                </div>
            </section>
            <StepNav step=Step::Scenario />
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_boundary_covers_the_checklist() {
        let review = Review::example();
        assert!(boundary_coverage(&review.scenario.boundary)
            .iter()
            .all(|&ok| ok));
        assert!(boundary_coverage("").iter().all(|&ok| !ok));
        assert_eq!(boundary_coverage("").len(), BOUNDARY_CHECKS.len());
    }
}
