//! Step 9: the recommendation — prefilled from the evidence (the result's
//! generated recommendation and evidence list), editable. Edits are the
//! review's `submission.recommendation` (all of it, once any field is
//! edited); the engine applies them to the shown result without a run.
//! The two failure modes come from the Failure modes step and are shown
//! read-only: the course's recommendation object has no place for edited
//! ones, and their numbers are measured.

use std::sync::Arc;

use leptos::prelude::*;
use scalewise_core::analysis::failure_modes::FailureMode;
use scalewise_core::review::RecommendationEdit;

use crate::components::field_errors::FieldErrors;
use crate::components::list_field::{ListField, ListRead, ListWrite};
use crate::components::refresh_note::RefreshNote;
use crate::components::result_meta::{NoResult, ResultMeta};
use crate::components::step_header::StepHeader;
use crate::components::step_nav::StepNav;
use crate::format;
use crate::state::{field_id, Workbench};
use crate::step::Step;

const PATH: &str = "submission.recommendation";

/// What the form shows: the user's edit, else the result's generated one.
fn effective(bench: Workbench) -> Option<RecommendationEdit> {
    if let Some(edit) = bench.review.with(|r| r.submission.recommendation.clone()) {
        return Some(edit);
    }
    bench.finished.with(|f| {
        f.as_ref().map(|f| RecommendationEdit {
            recommended_option: f.result.recommendation.recommended_option.clone(),
            minimum_evidence_before_pilot: f
                .result
                .recommendation
                .minimum_evidence_before_pilot
                .clone(),
            monitoring_metric: f.result.recommendation.monitoring_metric.clone(),
            rollback_trigger: f.result.recommendation.rollback_trigger.clone(),
            evidence_still_needed: f.result.evidence_still_needed.clone(),
        })
    })
}

/// Applies one change to the user's recommendation, starting from what the
/// form shows (the generated one before the first edit).
fn edit(bench: Workbench, what: &str, change: impl FnOnce(&mut RecommendationEdit)) {
    let Some(mut current) = untrack(move || effective(bench)) else {
        return;
    };
    change(&mut current);
    bench.edit(what, move |r| r.submission.recommendation = Some(current));
}

/// The two failure modes the mitigation helps most (largest relative
/// reduction of their impact), in the result's order on ties.
pub fn top_failure_modes(modes: &[FailureMode]) -> Vec<FailureMode> {
    let reduction = |m: &FailureMode| {
        if m.without_mitigation.abs() > 0.0 {
            (m.without_mitigation - m.with_mitigation) / m.without_mitigation.abs()
        } else {
            0.0
        }
    };
    let mut ranked: Vec<&FailureMode> = modes.iter().collect();
    ranked.sort_by(|a, b| reduction(b).total_cmp(&reduction(a)));
    ranked.into_iter().take(2).cloned().collect()
}

#[component]
pub fn RecommendationStep() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let has_result = move || bench.finished.with(Option::is_some);
    let current = Memo::new(move |_| effective(bench));
    let edited = Memo::new(move |_| bench.review.with(|r| r.submission.recommendation.is_some()));
    let options = Memo::new(move |_| {
        bench.review.with(|r| {
            r.alternatives
                .iter()
                .map(|a| a.option.clone())
                .collect::<Vec<_>>()
        })
    });
    let invalid = |path: &'static str| Memo::new(move |_| bench.has_errors_at(path));
    let modes = Memo::new(move |_| {
        bench.finished.with(|f| {
            f.as_ref()
                .map(|f| top_failure_modes(&f.result.failure_modes))
                .unwrap_or_default()
        })
    });
    let winner = Memo::new(move |_| {
        bench
            .finished
            .with(|f| f.as_ref().map(|f| f.result.scoring.winner.clone()))
    });
    let list = |field: &'static str,
                get: fn(&RecommendationEdit) -> Vec<String>,
                set: fn(&mut RecommendationEdit, Vec<String>)| {
        let read: ListRead =
            Arc::new(move || current.with(|c| c.as_ref().map(get).unwrap_or_default()));
        let write: ListWrite = Arc::new(move |what: &str, items: Vec<String>| {
            edit(bench, what, move |e| set(e, items))
        });
        (format!("{PATH}.{field}"), read, write)
    };
    let (pilot_path, pilot_read, pilot_write) = list(
        "minimum_evidence_before_pilot",
        |e| e.minimum_evidence_before_pilot.clone(),
        |e, v| e.minimum_evidence_before_pilot = v,
    );
    let (needed_path, needed_read, needed_write) = list(
        "evidence_still_needed",
        |e| e.evidence_still_needed.clone(),
        |e, v| e.evidence_still_needed = v,
    );
    let option_path = format!("{PATH}.recommended_option");
    let metric_path = format!("{PATH}.monitoring_metric");
    let rollback_path = format!("{PATH}.rollback_trigger");
    let option_invalid = invalid("submission.recommendation.recommended_option");
    let metric_invalid = invalid("submission.recommendation.monitoring_metric");
    let rollback_invalid = invalid("submission.recommendation.rollback_trigger");
    let field = move |get: fn(&RecommendationEdit) -> String| {
        move || current.with(|c| c.as_ref().map(get).unwrap_or_default())
    };
    view! {
        <article class="step" aria-labelledby="step-heading">
            <StepHeader step=Step::Recommendation>
                <p>"The course's recommendation object, prefilled from the evidence. Edit anything: your text replaces the generated text in the result, the notebook and the memo."</p>
            </StepHeader>
            <Show when=has_result fallback=|| view! { <NoResult /> }>
                <ResultMeta />
                <RefreshNote />
                <section class="panel" aria-labelledby="recommendation-heading">
                    <div class="panel-title-row">
                        <h3 id="recommendation-heading">"Recommendation"</h3>
                        <p class="hint" data-testid="recommendation-source">{move || if edited.get() {
                            "Edited by you."
                        } else {
                            "Generated from the evidence."
                        }}</p>
                        <Show when=move || edited.get()>
                            <button class="link" on:click=move |_| bench.edit(&format!("{PATH}: reset"), |r| r.submission.recommendation = None)>
                                "Reset to the generated recommendation"
                            </button>
                        </Show>
                    </div>
                    <div class="grid two">
                        <div class="field select-field" class:invalid=move || option_invalid.get()>
                            <label for=field_id(&option_path)>"Recommended option"</label>
                            <select id=field_id(&option_path) aria-describedby=format!("{}-help {}-error", field_id(&option_path), field_id(&option_path))
                                prop:value=field(|e| e.recommended_option.clone())
                                on:change=move |ev| {
                                    let choice = event_target_value(&ev);
                                    edit(bench, "submission.recommendation.recommended_option", move |e| e.recommended_option = choice);
                                }>
                                {move || {
                                    let selected = current.with(|c| c.as_ref().map(|c| c.recommended_option.clone()).unwrap_or_default());
                                    options.get().into_iter().map(|o| {
                                        let is_selected = o == selected;
                                        view! { <option value=o.clone() selected=is_selected>{o.clone()}</option> }
                                    }).collect_view()
                                }}
                            </select>
                            <p class="help" id=format!("{}-help", field_id(&option_path))>{move || winner.get().map(|w| format!("The scoring's winner is {w}.")).unwrap_or_default()}</p>
                            <FieldErrors path=option_path.clone() />
                        </div>
                    </div>
                    <div class="field text-field" class:invalid=move || metric_invalid.get()>
                        <label for=field_id(&metric_path)>"Monitoring metric"</label>
                        <textarea id=field_id(&metric_path) rows="2"
                            aria-describedby=format!("{}-error", field_id(&metric_path))
                            prop:value=field(|e| e.monitoring_metric.clone())
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                edit(bench, "submission.recommendation.monitoring_metric", move |e| e.monitoring_metric = text);
                            }></textarea>
                        <FieldErrors path=metric_path.clone() />
                    </div>
                    <div class="field text-field" class:invalid=move || rollback_invalid.get()>
                        <label for=field_id(&rollback_path)>"Rollback trigger"</label>
                        <textarea id=field_id(&rollback_path) rows="2"
                            aria-describedby=format!("{}-error", field_id(&rollback_path))
                            prop:value=field(|e| e.rollback_trigger.clone())
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                edit(bench, "submission.recommendation.rollback_trigger", move |e| e.rollback_trigger = text);
                            }></textarea>
                        <FieldErrors path=rollback_path.clone() />
                    </div>
                    <div class="grid">
                        <ListField label="Minimum evidence before a pilot" path=pilot_path.clone() item="pilot evidence item"
                            read=pilot_read.clone() write=pilot_write.clone()
                            hint="What must be measured on real data before any pilot." />
                        <ListField label="Evidence still needed before real deployment" path=needed_path.clone() item="evidence still needed"
                            read=needed_read.clone() write=needed_write.clone() />
                    </div>
                </section>
                <section class="panel" aria-labelledby="risks-heading">
                    <h3 id="risks-heading">"Two failure modes and their mitigation"</h3>
                    <p class="hint">"From the Failure modes step: the two whose mitigation reduces their impact most. Read-only — they are measured; change the design or its mitigation on the Alternatives step and run again."</p>
                    <div class="modes" data-testid="recommendation-failure-modes">
                        {move || modes.get().into_iter().map(|m| {
                            let unit = m.unit.clone();
                            let show = move |v: f64| format::with_unit(&unit, v);
                            view! {
                                <article class="mode">
                                    <h4>{m.title.clone()}</h4>
                                    <p>{format!("{}: {} without mitigation, {} with (on {}).", m.metric.replace('_', " "), show(m.without_mitigation), show(m.with_mitigation), m.option)}</p>
                                    <p><strong>"Mitigation: "</strong>{m.mitigation.clone()}</p>
                                </article>
                            }
                        }).collect_view()}
                    </div>
                </section>
            </Show>
            <StepNav step=Step::Recommendation />
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalewise_core::review::Review;
    use scalewise_core::session::run_with;

    #[test]
    fn the_two_failure_modes_shown_are_those_the_mitigation_helps_most() {
        let mut review = Review::example();
        review.workload.events = 20_000;
        review.workload.sample_events = 20_000;
        let calibration = serde_json::from_str(include_str!(
            "../../../core/tests/fixtures/calibration.json"
        ))
        .unwrap();
        let modes = run_with(review, calibration).unwrap().failure_modes;
        assert!(modes.len() > 2);
        let top = top_failure_modes(&modes);
        assert_eq!(top.len(), 2);
        let reduction = |m: &FailureMode| {
            (m.without_mitigation - m.with_mitigation) / m.without_mitigation.abs()
        };
        let floor = reduction(&top[1]);
        assert!(reduction(&top[0]) >= floor);
        for mode in modes.iter().filter(|m| top.iter().all(|t| t.id != m.id)) {
            assert!(
                reduction(mode) <= floor,
                "{} ranks above the shown ones",
                mode.id
            );
        }
    }
}
