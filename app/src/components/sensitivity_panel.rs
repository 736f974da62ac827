//! How robust the Scoring step's winner is: the share of random ±20 % weight
//! perturbations it still wins, the one-at-a-time ±20 % changes that flip
//! it, the share of the scoring rule's variants it still wins, whether each
//! design meets the hard requirements, and whether TOPSIS on the raw
//! evidence (which knows no thresholds) picks the same option, and why not.

use leptos::prelude::*;
use scalewise_core::analysis::scoring_table::ScoringResult;

use crate::format;
use crate::weights::criterion_name;

#[component]
pub fn SensitivityPanel(scoring: Memo<Option<ScoringResult>>) -> impl IntoView {
    let view_of = move |s: ScoringResult| {
        let sensitivity = &s.sensitivity;
        let flips: Vec<String> = sensitivity
            .one_at_a_time
            .iter()
            .flat_map(|o| {
                [
                    (&o.winner_weight_minus_20, "−20 %"),
                    (&o.winner_weight_plus_20, "+20 %"),
                ]
                .into_iter()
                .filter(|(winner, _)| **winner != s.winner)
                .map(|(winner, change)| {
                    format!(
                        "{} weight {change}: {winner} wins",
                        criterion_name(&o.criterion)
                    )
                })
                .collect::<Vec<_>>()
            })
            .collect();
        // `wins` are counts of perturbations won.
        let runs = sensitivity.perturbations.max(1) as f64;
        let wins = sensitivity
            .wins
            .iter()
            .map(|w| format!("{} {}", w.option, format::percent(w.value / runs)))
            .collect::<Vec<_>>()
            .join(", ");
        let topsis = &s.topsis;
        let closeness = topsis
            .closeness
            .iter()
            .map(|c| format!("{} {}", c.option, format::score(c.value)))
            .collect::<Vec<_>>()
            .join(", ");
        let feasibility = s
            .feasibility
            .iter()
            .map(|f| {
                if f.feasible {
                    format!("{} meets both", f.option)
                } else {
                    format!("{} misses {}", f.option, f.misses.join(" and "))
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        let rule_stable = sensitivity.rule_stable_share;
        let (rule_robust, rule_fragile) = (rule_stable >= 0.9, rule_stable < 0.6);
        let stable = sensitivity.winner_stable_share;
        let robust = stable >= 0.9;
        let fragile = stable < 0.6;
        view! {
            <dl class="facts">
                <div>
                    <dt>"Winner (weighted sum)"</dt>
                    <dd data-testid="scoring-winner">{s.winner.clone()}</dd>
                </div>
                <div>
                    <dt>{format!("Stays first under ±{} weights", format::percent(sensitivity.spread))}</dt>
                    <dd data-testid="winner-stable-share" class:good=robust class:bad=fragile>
                        {format!("{} of {} perturbations", format::percent(stable), sensitivity.perturbations)}
                    </dd>
                </div>
                <div>
                    <dt>"Stays first under the rule's variants"</dt>
                    <dd data-testid="rule-stable-share" class:good=rule_robust class:bad=rule_fragile>
                        {format!("{} of {} variants (headroom, value at the threshold, complexity half-life)", format::percent(rule_stable), sensitivity.rule_variants.len())}
                    </dd>
                </div>
                <div class="wide">
                    <dt>"Hard requirements (deadline, budget)"</dt>
                    <dd data-testid="feasibility">{feasibility}</dd>
                </div>
                <div>
                    <dt>"TOPSIS agrees"</dt>
                    <dd data-testid="topsis-agrees" class:good=topsis.agrees_with_weighted_sum class:bad=!topsis.agrees_with_weighted_sum>
                        {if topsis.agrees_with_weighted_sum {
                            format!("yes — TOPSIS also picks {}", topsis.winner)
                        } else {
                            format!("no — TOPSIS picks {}", topsis.winner)
                        }}
                    </dd>
                </div>
                <div class="wide">
                    <dt>"Wins under perturbation"</dt>
                    <dd>{wins}</dd>
                </div>
                <div class="wide">
                    <dt>"TOPSIS closeness on the raw evidence (1 = ideal)"</dt>
                    <dd>{closeness}</dd>
                </div>
                <div class="wide">
                    <dt>"What TOPSIS says"</dt>
                    <dd data-testid="topsis-note">{topsis.note.clone()}</dd>
                </div>
                <div class="wide">
                    <dt>"One weight at a time, ±20 %"</dt>
                    <dd data-testid="one-at-a-time">
                        {if flips.is_empty() {
                            "No single ±20 % change of one weight flips the winner.".to_string()
                        } else {
                            format!("Flips the winner: {}.", flips.join("; "))
                        }}
                    </dd>
                </div>
            </dl>
        }
    };
    move || scoring.get().map(view_of)
}
