//! The structured scoring table: six criteria per alternative, built from the
//! headline projections and the data facts, each scored on a fixed scale of
//! its threshold or of a documented yardstick ([`crate::models::scoring`]),
//! weighted by `review.weights`, feasibility first; then the robustness
//! checks: random ±20 % weight perturbations seeded from the review seed, a
//! one-at-a-time ±20 % change per weight, the scoring rule's own parameters
//! varied over a grid, and TOPSIS on the raw evidence as a cross-check.
//!
//! | id | raw value | scale |
//! |---|---|---|
//! | `deadline` | `max(p95 / deadline, P(miss) / tolerance)`, share of threshold | at most 1, **hard** |
//! | `cost` | cost per run, USD | at most the SLA budget, **hard** |
//! | `resilience` | MTTR: restart + expected work lost per failure, s | `1 − MTTR / deadline` |
//! | `data_quality_lineage` | lineage completeness × clean share × fresh share × non-stale share | the share itself |
//! | `access_risk` | policy check failure rate under the design's combining mode | at most the 1 % KPI (soft) |
//! | `operational_complexity` | [`operational_complexity`], points | halves every [`COMPLEXITY_HALF_LIFE_POINTS`] beyond 1 |
//!
//! The rule in words, as the Scoring step and the memo quote it, is
//! [`scoring_rule_text`].
//!
//! **The KPIs.** Policy check failures < 1 % is the `access_risk` criterion's
//! threshold. The cache hit rate > 85 % is checked per alternative
//! ([`KpiCheck`]) but not weighted: the hit rate's effect is already in the
//! makespan and the cost, which the deadline and cost criteria score, and
//! weighting it again would count the cache twice. (The model scores such a
//! threshold with `Scale::AtLeastShare` should a review want it weighted.)
//!
//! **The deadline at the SLA's confidence.** The SLA asks for the deadline
//! at p95 and for a chance of missing it within `sla.miss_tolerance`; the
//! deadline criterion's raw value is the larger of the two utilisations,
//! `max(p95 / deadline, P(miss) / tolerance)`, on `AtMost { limit: 1, hard:
//! true }` ([`deadline_criterion`]). A design that uses more than all of
//! either threshold misses the deadline and ranks below every design that
//! meets it.
//!
//! **What TOPSIS checks.** It is fed the raw values (seconds, dollars,
//! shares, points), not the values of the scales, so it does not inherit the
//! saturation: it ranks the feasible alternatives by their relative
//! distances on the raw evidence. Agreement says the choice holds without
//! the thresholds; disagreement ([`TopsisResult::note`] says on what) says
//! the choice rests on the thresholds calling some raw lead immaterial.

use serde::{Deserialize, Serialize};

use super::bridge;
use super::failure_modes::{CACHE_HIT_RATE_KPI, POLICY_FAILURE_RATE_KPI};
use super::projection::Projection;
use super::{AnalysisError, DataFacts};
use crate::format;
use crate::models::scoring::{self, Direction, Scale, ScoringInput, SensitivityConfig, ValueRule};
use crate::review::{CheckpointInterval, Design, Partitioning, Review};

/// Random perturbations of the weights (each weight × U[0.8, 1.2]): 1 000
/// gives the winner's stable share to ±1.6 % (binomial, worst case).
pub const SENSITIVITY_PERTURBATIONS: usize = 1_000;
pub const SENSITIVITY_SPREAD: f64 = 0.2;

/// Moving parts beyond the first after which the operational-complexity
/// value halves: four (say, going from one node to eight and adding a cache
/// tier) is where operating a design becomes a team's job rather than one
/// person's.
pub const COMPLEXITY_HALF_LIFE_POINTS: f64 = 4.0;

/// The scoring rule's parameters varied in the rule sensitivity: every
/// combination of these headrooms, values at the threshold and complexity
/// half-lives (27 variants, the defaults in the middle).
pub const RULE_HEADROOMS: [f64; 3] = [0.25, 0.5, 0.75];
pub const RULE_VALUES_AT_THRESHOLD: [f64; 3] = [0.25, 0.5, 0.75];
pub const RULE_COMPLEXITY_HALF_LIVES: [f64; 3] = [2.0, 4.0, 8.0];

/// One criterion of the table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CriterionRow {
    pub id: String,
    pub label: String,
    /// Unit of `raw` (see [`crate::format::with_unit`]).
    pub unit: String,
    /// Direction of the raw value (what TOPSIS uses).
    pub higher_is_better: bool,
    /// Weight normalised to sum 1 over the criteria.
    pub weight: f64,
    /// How `raw` becomes `value`.
    pub scale: Scale,
    /// Raw value per alternative (review order).
    pub raw: Vec<f64>,
    /// Share of the threshold used per alternative (exact, before reading
    /// it to the rule's resolution); `null` for scales without a threshold.
    pub utilisation: Vec<Option<f64>>,
    /// Value in [0, 1] per alternative (1 = best).
    pub value: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OptionScore {
    pub option: String,
    pub value: f64,
}

/// Whether an alternative meets the hard requirements.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Feasibility {
    pub option: String,
    pub feasible: bool,
    /// Ids of the hard criteria it misses.
    pub misses: Vec<String>,
}

/// A playbook KPI checked per alternative.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KpiCheck {
    pub id: String,
    pub label: String,
    /// `"above"` or `"below"`: which side of `threshold` is healthy.
    pub healthy: String,
    pub threshold: f64,
    /// The criterion that scores it, if one does.
    pub scored_by: Option<String>,
    pub options: Vec<KpiValue>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KpiValue {
    pub option: String,
    pub value: f64,
    pub met: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OneAtATime {
    pub criterion: String,
    pub winner_weight_minus_20: String,
    pub winner_weight_plus_20: String,
}

/// The winner under one variant of the scoring rule's parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RuleVariant {
    pub headroom: f64,
    pub value_at_threshold: f64,
    pub complexity_half_life_points: f64,
    pub winner: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SensitivityResult {
    pub spread: f64,
    pub perturbations: usize,
    /// Share of random weight perturbations the winner still wins.
    pub winner_stable_share: f64,
    pub wins: Vec<OptionScore>,
    pub one_at_a_time: Vec<OneAtATime>,
    /// True when no single ±20 % change flips the winner.
    pub stable_one_at_a_time: bool,
    /// The winner under every combination of [`RULE_HEADROOMS`],
    /// [`RULE_VALUES_AT_THRESHOLD`] and [`RULE_COMPLEXITY_HALF_LIVES`].
    pub rule_variants: Vec<RuleVariant>,
    /// Share of the rule variants the winner still wins.
    pub rule_stable_share: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TopsisResult {
    /// Closeness to the ideal of each ranked (feasible) alternative.
    pub closeness: Vec<OptionScore>,
    /// Alternatives left out because they miss a hard requirement.
    pub excluded: Vec<String>,
    pub winner: String,
    pub agrees_with_weighted_sum: bool,
    /// What the agreement or disagreement means, in one or two sentences.
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScoringResult {
    /// The threshold value function's parameters.
    pub rule: ValueRule,
    pub table: Vec<CriterionRow>,
    pub totals: Vec<OptionScore>,
    pub feasibility: Vec<Feasibility>,
    /// Feasible first, then the highest total.
    pub winner: String,
    pub ranking: Vec<String>,
    pub kpis: Vec<KpiCheck>,
    pub sensitivity: SensitivityResult,
    pub topsis: TopsisResult,
}

/// The scoring rule in words, for the Scoring step's intro and the memo's
/// method (one paragraph; numbers are the rule's).
pub fn scoring_rule_text(rule: &ValueRule, complexity_half_life_points: f64) -> String {
    let share = |x: f64| format!("{} %", format::significant(x * 100.0, 3));
    format!(
        "Each criterion is scored from 0 to 1 on a fixed scale, not against the other options. \
         One with a threshold scores by the share of the threshold it uses, read to {}: 1 up to \
         {}, {} at the threshold, 0 at {}, linear in between. The deadline uses the larger of \
         p95 ÷ deadline and P(miss) ÷ the SLA's tolerance; a design that misses it or the budget \
         ranks below every design that meets both, whatever the weights. \
         Policy check failures are judged against the {} KPI, recovery as 1 − MTTR ÷ deadline, \
         data quality as the usable share; complexity halves every {} moving parts.",
        share(rule.resolution),
        share(1.0 - rule.headroom),
        format::significant(rule.value_at_threshold, 3),
        share(rule.zero_at_utilisation),
        share(POLICY_FAILURE_RATE_KPI),
        format::significant(complexity_half_life_points, 3),
    )
}

/// [`scoring_rule_text`] with the parameters `scoring` was computed with.
pub fn rule_text_of(scoring: &ScoringResult) -> String {
    let half_life = scoring
        .table
        .iter()
        .find_map(|row| match row.scale {
            Scale::HalfLife { half_life, .. } => Some(half_life),
            _ => None,
        })
        .unwrap_or(COMPLEXITY_HALF_LIFE_POINTS);
    scoring_rule_text(&scoring.rule, half_life)
}

/// How the ranking was tested, in one sentence (the memo's method).
pub fn robustness_text(scoring: &ScoringResult) -> String {
    let s = &scoring.sensitivity;
    let range = |values: &[f64], scale: f64| {
        let (lo, hi) = values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        format!(
            "{}–{}",
            format::significant(lo * scale, 3),
            format::significant(hi * scale, 3)
        )
    };
    format!(
        "Robustness: {} random ±{} weight perturbations, ±20 % on each weight alone, {} \
         variants of the rule (headroom {} %, value at the threshold {}, half-life {} points), \
         and TOPSIS on the raw evidence, which knows no thresholds.",
        format::grouped(s.perturbations as f64),
        format::percent(s.spread),
        s.rule_variants.len(),
        range(&RULE_HEADROOMS, 100.0),
        range(&RULE_VALUES_AT_THRESHOLD, 1.0),
        range(&RULE_COMPLEXITY_HALF_LIVES, 1.0),
    )
}

/// Moving parts to operate, a documented count:
/// `1 + log2(nodes)` (every doubling adds a failure domain and a level of
/// coordination) `+ 2 × (regions − 1)` (each extra region: replication,
/// egress, a second control plane) `+ 1` per extra cache tier, `+ 1` when
/// checkpointing (state to manage and restore), `+ 0.5` for salted keys
/// (a two-phase aggregation).
pub fn operational_complexity(design: &Design) -> f64 {
    1.0 + libm::log2(f64::from(design.nodes.max(1)))
        + 2.0 * f64::from(design.regions.saturating_sub(1))
        + if design.warm_cache.is_some() {
            1.0
        } else {
            0.0
        }
        + if design.checkpoint == CheckpointInterval::Never {
            0.0
        } else {
            1.0
        }
        + if matches!(design.partitioning, Partitioning::SaltedHotKeys { .. }) {
            0.5
        } else {
            0.0
        }
}

/// Share of events still within the freshness SLA when the batch publishes:
/// lag ~ LogNormal(median, σ) plus the p50 makespan.
pub fn fresh_share(review: &Review, makespan_s: f64) -> f64 {
    let w = &review.workload;
    let slack = w.freshness_sla_s - makespan_s;
    if slack <= 0.0 {
        return 0.0;
    }
    if w.freshness_sigma <= 0.0 {
        return if w.freshness_median_s <= slack {
            1.0
        } else {
            0.0
        };
    }
    let z = (libm::log(slack) - libm::log(w.freshness_median_s)) / w.freshness_sigma;
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// One criterion before scoring: what it measures and on which scale.
struct Spec {
    id: &'static str,
    label: &'static str,
    unit: &'static str,
    scale: Scale,
    raw: Vec<f64>,
}

/// The deadline criterion: the share of the deadline's threshold used,
/// the larger of `p95 / deadline` and `P(miss) / tolerance`, hard.
fn deadline_criterion(review: &Review, projections: &[Projection]) -> Spec {
    Spec {
        id: "deadline",
        label: "p95 makespan and P(miss) against the deadline",
        unit: "share of threshold",
        scale: Scale::AtMost {
            limit: 1.0,
            hard: true,
        },
        raw: projections
            .iter()
            .map(|p| deadline_utilisation(review, p))
            .collect(),
    }
}

/// `max(p95 / deadline, P(miss) / tolerance)`: above 1 the design misses
/// the SLA's deadline.
pub fn deadline_utilisation(review: &Review, p: &Projection) -> f64 {
    let sla = &review.sla;
    let p95 = p.makespan_p95_s / sla.deadline_s.max(f64::MIN_POSITIVE);
    let miss = p.p_miss_deadline / sla.miss_tolerance.max(f64::MIN_POSITIVE);
    p95.max(miss)
}

fn criteria(
    review: &Review,
    facts: &DataFacts,
    projections: &[Projection],
    complexity_half_life_points: f64,
) -> Vec<Spec> {
    let designs: Vec<&Design> = review.alternatives.iter().map(|a| &a.design).collect();
    let deadline = review.sla.deadline_s;
    let quality_base = facts.lineage_completeness * (1.0 - facts.quality_failure_share);
    vec![
        deadline_criterion(review, projections),
        Spec {
            id: "cost",
            label: "cost per run against the budget",
            unit: "usd",
            // A zero budget is met by nothing that costs anything.
            scale: Scale::AtMost {
                limit: review.sla.budget_per_run_usd.max(f64::MIN_POSITIVE),
                hard: true,
            },
            raw: projections.iter().map(|p| p.cost_per_run_usd).collect(),
        },
        Spec {
            id: "resilience",
            label: "MTTR (restart + lost work per failure) against the deadline",
            unit: "s",
            scale: Scale::FractionOf {
                reference: deadline,
            },
            raw: projections.iter().map(|p| p.failures.mttr_s).collect(),
        },
        Spec {
            id: "data_quality_lineage",
            label: "lineage × clean × fresh at publish × non-stale reads",
            unit: "share",
            scale: Scale::Share,
            raw: projections
                .iter()
                .map(|p| {
                    quality_base
                        * fresh_share(review, p.makespan_p50_s)
                        * (1.0 - p.cache.stale_read_rate)
                })
                .collect(),
        },
        Spec {
            id: "access_risk",
            label: "policy check failure rate against the 1 % KPI",
            unit: "share",
            scale: Scale::AtMost {
                limit: POLICY_FAILURE_RATE_KPI,
                hard: false,
            },
            raw: (0..projections.len())
                .map(|i| {
                    designs
                        .get(i)
                        .map_or(0.0, |d| facts.policy_failure_rate(d.policy_mode))
                })
                .collect(),
        },
        Spec {
            id: "operational_complexity",
            label: "moving parts (nodes, regions, tiers, checkpoints)",
            unit: "points",
            scale: Scale::HalfLife {
                best: 1.0,
                half_life: complexity_half_life_points,
            },
            raw: (0..projections.len())
                .map(|i| designs.get(i).map_or(0.0, |d| operational_complexity(d)))
                .collect(),
        },
    ]
}

fn input(review: &Review, specs: &[Spec], options: &[String], rule: ValueRule) -> ScoringInput {
    let weights = review.weights.named();
    let weight = |id: &str| {
        weights
            .iter()
            .find(|(name, _)| *name == id)
            .map_or(0.0, |(_, w)| *w)
    };
    ScoringInput {
        criteria: specs
            .iter()
            .map(|c| scoring::Criterion {
                id: c.id.to_string(),
                label: c.label.to_string(),
                scale: c.scale,
                weight: weight(c.id),
            })
            .collect(),
        alternatives: options
            .iter()
            .enumerate()
            .map(|(a, option)| scoring::Alternative {
                name: option.clone(),
                values: specs
                    .iter()
                    .map(|c| c.raw.get(a).copied().unwrap_or(0.0))
                    .collect(),
            })
            .collect(),
        rule,
    }
}

/// Builds and scores the table for the headline projections (review order).
pub fn scoring(
    review: &Review,
    facts: &DataFacts,
    projections: &[Projection],
) -> Result<ScoringResult, AnalysisError> {
    let options: Vec<String> = projections.iter().map(|p| p.option.clone()).collect();
    let rule = ValueRule::default();
    let specs = criteria(review, facts, projections, COMPLEXITY_HALF_LIFE_POINTS);
    let input = input(review, &specs, &options, rule);
    let (table, sensitivity, topsis) = bridge::score(
        &input,
        &SensitivityConfig {
            perturbations: SENSITIVITY_PERTURBATIONS,
            spread: SENSITIVITY_SPREAD,
            seed: review.seed,
        },
    )?;
    let name = |i: usize| options.get(i).cloned().unwrap_or_default();
    let winner = name(table.winner);

    let mut one_at_a_time = Vec::with_capacity(specs.len());
    for (k, c) in specs.iter().enumerate() {
        let mut winners = [String::new(), String::new()];
        for (slot, factor) in winners.iter_mut().zip([0.8, 1.2]) {
            let mut changed = input.clone();
            if let Some(criterion) = changed.criteria.get_mut(k) {
                criterion.weight *= factor;
            }
            *slot = name(bridge::weighted_sum(&changed)?.winner);
        }
        let [minus, plus] = winners;
        one_at_a_time.push(OneAtATime {
            criterion: c.id.to_string(),
            winner_weight_minus_20: minus,
            winner_weight_plus_20: plus,
        });
    }
    let stable_one_at_a_time = one_at_a_time
        .iter()
        .all(|o| o.winner_weight_minus_20 == winner && o.winner_weight_plus_20 == winner);

    let mut rule_variants = Vec::new();
    for &half_life in &RULE_COMPLEXITY_HALF_LIVES {
        let specs = criteria(review, facts, projections, half_life);
        for &headroom in &RULE_HEADROOMS {
            for &value_at_threshold in &RULE_VALUES_AT_THRESHOLD {
                let variant = ValueRule {
                    headroom,
                    value_at_threshold,
                    ..rule
                };
                let table = bridge::weighted_sum(&self::input(review, &specs, &options, variant))?;
                rule_variants.push(RuleVariant {
                    headroom,
                    value_at_threshold,
                    complexity_half_life_points: half_life,
                    winner: name(table.winner),
                });
            }
        }
    }
    let rule_stable_share = rule_variants.iter().filter(|v| v.winner == winner).count() as f64
        / rule_variants.len().max(1) as f64;

    let rows = specs
        .iter()
        .enumerate()
        .map(|(k, spec)| CriterionRow {
            id: spec.id.to_string(),
            label: spec.label.to_string(),
            unit: spec.unit.to_string(),
            higher_is_better: spec.scale.direction() == Direction::HigherIsBetter,
            weight: table.weights.get(k).copied().unwrap_or(0.0),
            scale: spec.scale,
            raw: spec.raw.clone(),
            utilisation: spec
                .raw
                .iter()
                .map(|&x| spec.scale.utilisation(x))
                .collect(),
            value: table
                .rows
                .iter()
                .map(|r| r.values.get(k).copied().unwrap_or(0.0))
                .collect(),
        })
        .collect::<Vec<_>>();
    let scores = |values: &mut dyn Iterator<Item = f64>| -> Vec<OptionScore> {
        values
            .enumerate()
            .map(|(i, value)| OptionScore {
                option: name(i),
                value,
            })
            .collect()
    };
    let topsis_result = TopsisResult {
        closeness: topsis
            .closeness
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                c.map(|value| OptionScore {
                    option: name(i),
                    value,
                })
            })
            .collect(),
        excluded: topsis
            .closeness
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_none())
            .map(|(i, _)| name(i))
            .collect(),
        winner: name(topsis.winner),
        agrees_with_weighted_sum: topsis.agrees_with_weighted_sum,
        note: topsis_note(&rows, &options, table.winner, topsis.winner),
    };
    Ok(ScoringResult {
        rule,
        kpis: kpis(review, facts, projections),
        table: rows,
        totals: scores(&mut table.rows.iter().map(|r| r.total)),
        feasibility: table
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| Feasibility {
                option: name(i),
                feasible: r.feasible,
                misses: r.misses.clone(),
            })
            .collect(),
        winner: winner.clone(),
        ranking: table.ranking.iter().map(|&i| name(i)).collect(),
        sensitivity: SensitivityResult {
            spread: SENSITIVITY_SPREAD,
            perturbations: sensitivity.perturbations,
            winner_stable_share: sensitivity.winner_stable_share,
            wins: scores(&mut sensitivity.wins.iter().map(|&w| w as f64)),
            one_at_a_time,
            stable_one_at_a_time,
            rule_variants,
            rule_stable_share,
        },
        topsis: topsis_result,
    })
}

/// The winner of the weighted sum alone (no robustness checks): what the
/// search for the volume where the recommendation changes evaluates.
pub fn winner_only(
    review: &Review,
    facts: &DataFacts,
    projections: &[Projection],
) -> Result<String, AnalysisError> {
    let options: Vec<String> = projections.iter().map(|p| p.option.clone()).collect();
    let specs = criteria(review, facts, projections, COMPLEXITY_HALF_LIFE_POINTS);
    let table = bridge::weighted_sum(&input(review, &specs, &options, ValueRule::default()))?;
    Ok(options.get(table.winner).cloned().unwrap_or_default())
}

/// The criterion on which `to` gains most over `from` (weighted value),
/// with its label.
pub fn leading_criterion(
    review: &Review,
    facts: &DataFacts,
    projections: &[Projection],
    from: &str,
    to: &str,
) -> Result<Option<(String, String)>, AnalysisError> {
    let options: Vec<String> = projections.iter().map(|p| p.option.clone()).collect();
    let specs = criteria(review, facts, projections, COMPLEXITY_HALF_LIFE_POINTS);
    let table = bridge::weighted_sum(&input(review, &specs, &options, ValueRule::default()))?;
    let index = |o: &str| options.iter().position(|x| x == o);
    let (Some(a), Some(b)) = (index(from), index(to)) else {
        return Ok(None);
    };
    let value = |row: usize, k: usize| {
        table
            .rows
            .get(row)
            .and_then(|r| r.values.get(k))
            .copied()
            .unwrap_or(0.0)
    };
    let best = specs
        .iter()
        .enumerate()
        .map(|(k, spec)| {
            let w = table.weights.get(k).copied().unwrap_or(0.0);
            (w * (value(b, k) - value(a, k)), spec)
        })
        .filter(|(gain, _)| *gain > 0.0)
        .max_by(|x, y| x.0.total_cmp(&y.0));
    Ok(best.map(|(_, spec)| (spec.id.to_string(), spec.label.to_string())))
}

/// What TOPSIS's agreement or disagreement means (see the module docs).
fn topsis_note(rows: &[CriterionRow], options: &[String], winner: usize, topsis: usize) -> String {
    let name = |i: usize| options.get(i).map_or("", String::as_str);
    if winner == topsis {
        return format!(
            "TOPSIS on the raw evidence, which knows no thresholds, also ranks {} first: the \
             choice does not rest on the value functions.",
            name(winner)
        );
    }
    let ahead: Vec<&str> = rows
        .iter()
        .filter(|row| {
            let (t, w) = (
                row.raw.get(topsis).copied().unwrap_or(0.0),
                row.raw.get(winner).copied().unwrap_or(0.0),
            );
            let better = if row.higher_is_better { t > w } else { t < w };
            better && (t - w).abs() > 1e-9 * t.abs().max(w.abs())
        })
        .map(|row| row.label.as_str())
        .collect();
    format!(
        "TOPSIS on the raw evidence, which knows no thresholds, ranks {} first: it is ahead on {}. \
         The value functions call {} immaterial against the thresholds or outweighed, so the \
         choice of {} rests on the thresholds.",
        name(topsis),
        if ahead.is_empty() {
            "no criterion by itself".to_string()
        } else {
            ahead.join("; ")
        },
        if ahead.len() == 1 {
            "that lead"
        } else {
            "those leads"
        },
        name(winner)
    )
}

/// The playbook KPIs per alternative.
fn kpis(review: &Review, facts: &DataFacts, projections: &[Projection]) -> Vec<KpiCheck> {
    let cache = KpiCheck {
        id: "cache_hit_rate".to_string(),
        label: format!("cache hit rate > {}", format::percent(CACHE_HIT_RATE_KPI)),
        healthy: "above".to_string(),
        threshold: CACHE_HIT_RATE_KPI,
        scored_by: None,
        options: projections
            .iter()
            .map(|p| KpiValue {
                option: p.option.clone(),
                value: p.cache.overall_hit_rate,
                met: p.cache.overall_hit_rate > CACHE_HIT_RATE_KPI,
            })
            .collect(),
    };
    let policy = KpiCheck {
        id: "policy_check_failures".to_string(),
        label: format!(
            "policy check failures < {}",
            format::percent(POLICY_FAILURE_RATE_KPI)
        ),
        healthy: "below".to_string(),
        threshold: POLICY_FAILURE_RATE_KPI,
        scored_by: Some("access_risk".to_string()),
        options: projections
            .iter()
            .zip(&review.alternatives)
            .map(|(p, a)| {
                let rate = facts.policy_failure_rate(a.design.policy_mode);
                KpiValue {
                    option: p.option.clone(),
                    value: rate,
                    met: rate < POLICY_FAILURE_RATE_KPI,
                }
            })
            .collect(),
    };
    vec![cache, policy]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::crossover::{binding_of, Criterion};
    use crate::analysis::fixtures;
    use crate::analysis::projection::{Context, ProjectionConfig};

    /// The example (fixture calibration), `mutate`d, projected at `events`.
    fn scored_at(
        events: f64,
        mutate: impl FnOnce(&mut Review),
    ) -> (ScoringResult, Vec<Projection>) {
        let mut review = Review::example();
        mutate(&mut review);
        let cost = fixtures::cost_model();
        let facts = fixtures::data_facts();
        let config = ProjectionConfig::default();
        let context = Context::new(&review, &cost, &facts, config).unwrap();
        let projections: Vec<Projection> = context
            .projectors()
            .unwrap()
            .iter()
            .map(|p| p.project(events, 200))
            .collect();
        (scoring(&review, &facts, &projections).unwrap(), projections)
    }

    fn check(mutate: impl FnOnce(&mut Review)) -> ScoringResult {
        scored_at(Review::example().workload.events as f64, mutate).0
    }

    fn row<'a>(result: &'a ScoringResult, id: &str) -> &'a CriterionRow {
        result.table.iter().find(|r| r.id == id).unwrap()
    }

    #[test]
    fn table_has_six_weighted_criteria() {
        let result = check(|_| {});
        let ids: Vec<&str> = result.table.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "deadline",
                "cost",
                "resilience",
                "data_quality_lineage",
                "access_risk",
                "operational_complexity"
            ]
        );
        let sum: f64 = result.table.iter().map(|c| c.weight).sum();
        assert!((sum - 1.0).abs() < 1e-12);
        assert_eq!(result.totals.len(), 2);
        assert_eq!(result.sensitivity.one_at_a_time.len(), 6);
        assert_eq!(result.sensitivity.rule_variants.len(), 27);
        for (i, total) in result.totals.iter().enumerate() {
            let sum: f64 = result.table.iter().map(|c| c.weight * c.value[i]).sum();
            assert!((sum - total.value).abs() < 1e-12);
        }
    }

    /// The single node's binding crossing for the example (fixture
    /// calibration), from the crossover.
    fn binding_events() -> (Criterion, f64) {
        let review = Review::example();
        let cost = fixtures::cost_model();
        let facts = fixtures::data_facts();
        let context = Context::new(&review, &cost, &facts, fixtures::fast_config()).unwrap();
        let projectors = context.projectors().unwrap();
        binding_of(&projectors[0], review.workload.events as f64, 200).unwrap()
    }

    #[test]
    fn the_example_recommends_the_single_node() {
        // 2·10⁶ events: both designs finish within a few percent of the 2 h
        // deadline, both cost a fraction of the $25 budget.
        let (result, projections) = scored_at(2e6, |_| {});
        let review = Review::example();
        for p in &projections {
            assert!(deadline_utilisation(&review, p) < 0.05, "{p:?}");
            assert!(p.cost_per_run_usd < 0.05 * review.sla.budget_per_run_usd);
        }
        assert_eq!(result.winner, "single_node_baseline");
        assert!(result.feasibility.iter().all(|f| f.feasible));
        // Neither the deadline nor the budget tells them apart.
        assert_eq!(row(&result, "deadline").value, [1.0, 1.0]);
        assert_eq!(row(&result, "cost").value, [1.0, 1.0]);
        assert!(result.totals[0].value > result.totals[1].value);
    }

    #[test]
    fn past_the_single_nodes_binding_crossing_the_cluster_wins() {
        let (criterion, binding) = binding_events();
        assert!(matches!(
            criterion,
            Criterion::DeadlineP95 | Criterion::DeadlineTolerance
        ));
        // Far below the crossing the single node wins (nearer to it the
        // cluster may already win on other criteria: see `winner_change`);
        // just past it, the single node misses the deadline and cannot win.
        let (before, _) = scored_at(binding * 0.1, |_| {});
        assert_eq!(before.winner, "single_node_baseline");
        let (result, projections) = scored_at(binding * 1.1, |_| {});
        let review = Review::example();
        assert!(deadline_utilisation(&review, &projections[0]) > 1.0);
        assert!(deadline_utilisation(&review, &projections[1]) <= 1.0);
        assert_eq!(result.feasibility[0].misses, ["deadline"]);
        assert_eq!(result.winner, "partitioned_cached_cluster");
        // Even with all the weight on what the single node is best at.
        let (result, _) = scored_at(binding * 1.1, |r| {
            r.weights = crate::review::Weights {
                deadline: 0.0,
                cost: 0.0,
                resilience: 0.0,
                data_quality_lineage: 0.0,
                access_risk: 0.0,
                operational_complexity: 1.0,
            }
        });
        assert!(result.totals[0].value > result.totals[1].value);
        assert_eq!(result.winner, "partitioned_cached_cluster");
        assert_eq!(
            result.sensitivity.wins[1].value,
            SENSITIVITY_PERTURBATIONS as f64
        );
        assert!(result
            .sensitivity
            .rule_variants
            .iter()
            .all(|v| v.winner == "partitioned_cached_cluster"));
        assert_eq!(result.topsis.excluded, ["single_node_baseline"]);
    }

    #[test]
    fn a_design_that_misses_the_deadline_cannot_win() {
        // The single node pushed past the deadline by P(miss) alone, with
        // every other criterion in its favour.
        let (base, projections) = scored_at(2e6, |_| {});
        assert_eq!(base.winner, "single_node_baseline");
        let facts = fixtures::data_facts();
        let review = Review::example();
        let mut changed = projections.clone();
        changed[0].p_miss_deadline = 2.0 * review.sla.miss_tolerance;
        let result = scoring(&review, &facts, &changed).unwrap();
        assert_eq!(result.feasibility[0].misses, ["deadline"]);
        assert_eq!(result.winner, "partitioned_cached_cluster");
    }

    #[test]
    fn an_immaterial_difference_changes_no_score() {
        let (base, projections) = scored_at(2e6, |_| {});
        let facts = fixtures::data_facts();
        let review = Review::example();
        let rescore = |edit: &dyn Fn(&mut Projection)| {
            let mut changed = projections.clone();
            edit(&mut changed[0]);
            scoring(&review, &facts, &changed).unwrap()
        };
        // Ten times slower, still under 1 % of the deadline; a few dollars'
        // thousandths dearer, far under the budget.
        let slower = rescore(&|p| p.makespan_p95_s *= 10.0);
        let dearer = rescore(&|p| p.cost_per_run_usd += 0.005);
        for changed in [slower, dearer] {
            assert_eq!(changed.totals, base.totals);
            assert_eq!(changed.winner, base.winner);
        }
        // Near the deadline: 80.2 % and 80.4 % of it read alike.
        let deadline = review.sla.deadline_s;
        let a = rescore(&|p| p.makespan_p95_s = 0.802 * deadline);
        let b = rescore(&|p| p.makespan_p95_s = 0.804 * deadline);
        assert_eq!(row(&a, "deadline").value, row(&b, "deadline").value);
        assert_eq!(a.totals, b.totals);
        // A material one does count.
        let c = rescore(&|p| p.makespan_p95_s = 0.9 * deadline);
        assert!(row(&c, "deadline").value[0] < row(&a, "deadline").value[0]);
    }

    #[test]
    fn all_weight_on_complexity_picks_the_simple_design() {
        let result = check(|r| {
            r.weights = crate::review::Weights {
                deadline: 0.0,
                cost: 0.0,
                resilience: 0.0,
                data_quality_lineage: 0.0,
                access_risk: 0.0,
                operational_complexity: 1.0,
            }
        });
        assert_eq!(result.winner, "single_node_baseline");
    }

    #[test]
    fn kpis_and_the_rule_text() {
        let result = check(|_| {});
        let ids: Vec<&str> = result.kpis.iter().map(|k| k.id.as_str()).collect();
        assert_eq!(ids, ["cache_hit_rate", "policy_check_failures"]);
        assert_eq!(result.kpis[1].scored_by.as_deref(), Some("access_risk"));
        let text = scoring_rule_text(&result.rule, COMPLEXITY_HALF_LIFE_POINTS);
        for part in [
            "read to 1 %",
            "1 up to 50 %",
            "0.5 at the threshold",
            "0 at 200 %",
            "1 % KPI",
            "every 4 moving parts",
            "whatever the weights",
        ] {
            assert!(text.contains(part), "{part}: {text}");
        }
    }

    #[test]
    fn complexity_counts_moving_parts() {
        let review = Review::example();
        assert_eq!(operational_complexity(&review.alternatives[0].design), 1.0);
        // 1 + log2(8) + warm tier + checkpoints + salting.
        assert_eq!(operational_complexity(&review.alternatives[1].design), 6.5);
    }
}
