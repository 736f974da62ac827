//! The structured scoring table: six criteria per alternative, built from the
//! headline projections and the data facts, weighted by `review.weights`,
//! scored by [`crate::models::scoring`] (min–max weighted sum, random ±20 %
//! weight perturbations seeded from the review seed, TOPSIS) plus a
//! one-at-a-time ±20 % check per criterion.
//!
//! Raw criteria (one per [`crate::review::Weights`] field):
//!
//! | id | raw value | better |
//! |---|---|---|
//! | `deadline` | p95 makespan / deadline | lower |
//! | `cost` | cost per run, USD | lower |
//! | `resilience` | MTTR: restart + expected work lost per failure, s | lower |
//! | `data_quality_lineage` | lineage completeness × clean share × fresh share × non-stale share | higher |
//! | `access_risk` | policy check failure rate under the design's combining mode | lower |
//! | `operational_complexity` | [`operational_complexity`] | lower |

use serde::{Deserialize, Serialize};

use super::bridge;
use super::projection::Projection;
use super::{AnalysisError, DataFacts};
use crate::models::scoring::{self, Direction, ScoringInput, SensitivityConfig};
use crate::review::{CheckpointInterval, Design, Partitioning, Review};

/// Random perturbations of the weights (each weight × U[0.8, 1.2]): 1 000
/// gives the winner's stable share to ±1.6 % (binomial, worst case).
pub const SENSITIVITY_PERTURBATIONS: usize = 1_000;
pub const SENSITIVITY_SPREAD: f64 = 0.2;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CriterionRow {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub higher_is_better: bool,
    /// Weight normalised to sum 1 over the criteria.
    pub weight: f64,
    /// Raw value per alternative (review order).
    pub raw: Vec<f64>,
    /// Min–max normalised per alternative (1 = best).
    pub normalised: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OptionScore {
    pub option: String,
    pub value: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OneAtATime {
    pub criterion: String,
    pub winner_weight_minus_20: String,
    pub winner_weight_plus_20: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SensitivityResult {
    pub spread: f64,
    pub perturbations: usize,
    /// Share of random perturbations the winner still wins.
    pub winner_stable_share: f64,
    pub wins: Vec<OptionScore>,
    pub one_at_a_time: Vec<OneAtATime>,
    /// True when no single ±20 % change flips the winner.
    pub stable_one_at_a_time: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TopsisResult {
    pub closeness: Vec<OptionScore>,
    pub winner: String,
    pub agrees_with_weighted_sum: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScoringResult {
    pub table: Vec<CriterionRow>,
    pub totals: Vec<OptionScore>,
    pub winner: String,
    pub ranking: Vec<String>,
    pub sensitivity: SensitivityResult,
    pub topsis: TopsisResult,
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

/// Builds and scores the table for the headline projections (review order).
pub fn scoring(
    review: &Review,
    facts: &DataFacts,
    projections: &[Projection],
) -> Result<ScoringResult, AnalysisError> {
    let designs: Vec<&Design> = review.alternatives.iter().map(|a| &a.design).collect();
    let options: Vec<String> = projections.iter().map(|p| p.option.clone()).collect();
    let deadline = review.sla.deadline_s;
    let column = |f: &dyn Fn(usize, &Projection) -> f64| -> Vec<f64> {
        projections
            .iter()
            .enumerate()
            .map(|(i, p)| f(i, p))
            .collect()
    };
    let quality_base = facts.lineage_completeness * (1.0 - facts.quality_failure_share);
    let weights = review.weights.named();
    let weight = |id: &str| {
        weights
            .iter()
            .find(|(name, _)| *name == id)
            .map_or(0.0, |(_, w)| *w)
    };
    let criteria: Vec<(&str, &str, &str, Direction, Vec<f64>)> = vec![
        (
            "deadline",
            "p95 makespan / deadline",
            "ratio",
            Direction::LowerIsBetter,
            column(&|_, p| p.makespan_p95_s / deadline),
        ),
        (
            "cost",
            "cost per run",
            "usd",
            Direction::LowerIsBetter,
            column(&|_, p| p.cost_per_run_usd),
        ),
        (
            "resilience",
            "MTTR (restart + lost work per failure)",
            "s",
            Direction::LowerIsBetter,
            column(&|_, p| p.failures.mttr_s),
        ),
        (
            "data_quality_lineage",
            "lineage × clean × fresh at publish × non-stale reads",
            "share",
            Direction::HigherIsBetter,
            column(&|_, p| {
                quality_base
                    * fresh_share(review, p.makespan_p50_s)
                    * (1.0 - p.cache.stale_read_rate)
            }),
        ),
        (
            "access_risk",
            "policy check failure rate",
            "share",
            Direction::LowerIsBetter,
            column(&|i, _| {
                designs
                    .get(i)
                    .map_or(0.0, |d| facts.policy_failure_rate(d.policy_mode))
            }),
        ),
        (
            "operational_complexity",
            "moving parts (nodes, regions, tiers, checkpoints)",
            "points",
            Direction::LowerIsBetter,
            column(&|i, _| designs.get(i).map_or(0.0, |d| operational_complexity(d))),
        ),
    ];
    let input = ScoringInput {
        criteria: criteria
            .iter()
            .map(|(id, label, _, direction, _)| scoring::Criterion {
                id: id.to_string(),
                label: label.to_string(),
                direction: *direction,
                weight: weight(id),
            })
            .collect(),
        alternatives: options
            .iter()
            .enumerate()
            .map(|(a, option)| scoring::Alternative {
                name: option.clone(),
                values: criteria
                    .iter()
                    .map(|c| c.4.get(a).copied().unwrap_or(0.0))
                    .collect(),
            })
            .collect(),
    };
    let (table, sensitivity, topsis) = bridge::score(
        &input,
        &SensitivityConfig {
            perturbations: SENSITIVITY_PERTURBATIONS,
            spread: SENSITIVITY_SPREAD,
            seed: review.seed,
        },
    )?;
    let name = |i: usize| options.get(i).cloned().unwrap_or_default();
    let mut one_at_a_time = Vec::with_capacity(criteria.len());
    for (k, c) in criteria.iter().enumerate() {
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
            criterion: c.0.to_string(),
            winner_weight_minus_20: minus,
            winner_weight_plus_20: plus,
        });
    }
    let winner = name(table.winner);
    let stable_one_at_a_time = one_at_a_time
        .iter()
        .all(|o| o.winner_weight_minus_20 == winner && o.winner_weight_plus_20 == winner);
    let rows = criteria
        .iter()
        .enumerate()
        .map(|(k, (id, label, unit, direction, raw))| CriterionRow {
            id: id.to_string(),
            label: label.to_string(),
            unit: unit.to_string(),
            higher_is_better: *direction == Direction::HigherIsBetter,
            weight: table.weights.get(k).copied().unwrap_or(0.0),
            raw: raw.clone(),
            normalised: table
                .rows
                .iter()
                .map(|r| r.normalised.get(k).copied().unwrap_or(0.0))
                .collect(),
        })
        .collect();
    let scores = |values: &mut dyn Iterator<Item = f64>| -> Vec<OptionScore> {
        values
            .enumerate()
            .map(|(i, value)| OptionScore {
                option: name(i),
                value,
            })
            .collect()
    };
    Ok(ScoringResult {
        table: rows,
        totals: scores(&mut table.rows.iter().map(|r| r.total)),
        winner: winner.clone(),
        ranking: table.ranking.iter().map(|&i| name(i)).collect(),
        sensitivity: SensitivityResult {
            spread: SENSITIVITY_SPREAD,
            perturbations: sensitivity.perturbations,
            winner_stable_share: sensitivity.winner_stable_share,
            wins: scores(&mut sensitivity.wins.iter().map(|&w| w as f64)),
            one_at_a_time,
            stable_one_at_a_time,
        },
        topsis: TopsisResult {
            closeness: scores(&mut topsis.closeness.iter().copied()),
            winner: name(topsis.winner),
            agrees_with_weighted_sum: topsis.agrees_with_weighted_sum,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures;
    use crate::analysis::projection::{Context, ProjectionConfig};

    fn check(mutate: impl FnOnce(&mut Review)) -> ScoringResult {
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
            .map(|p| p.project(review.workload.events as f64, 200))
            .collect();
        scoring(&review, &facts, &projections).unwrap()
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
        let result = check(|r| {
            r.weights.deadline = 1.0;
            r.weights.operational_complexity = 0.0;
            r.weights.cost = 0.0;
        });
        assert_eq!(result.winner, "partitioned_cached_cluster");
    }

    #[test]
    fn complexity_counts_moving_parts() {
        let review = Review::example();
        assert_eq!(operational_complexity(&review.alternatives[0].design), 1.0);
        // 1 + log2(8) + warm tier + checkpoints + salting.
        assert_eq!(operational_complexity(&review.alternatives[1].design), 6.5);
    }
}
