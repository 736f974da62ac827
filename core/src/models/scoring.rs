//! Multi-criteria scoring of design alternatives.
//!
//! **Weighted sum** ([`score`]). Each criterion's raw values are min–max
//! normalised across alternatives into [0, 1], oriented so 1 is best:
//! `(x − min)/(max − min)` when higher is better, `(max − x)/(max − min)`
//! when lower is better. If every alternative has the same value, or the
//! values differ by no more than [`TIE_TOLERANCE`] of their magnitude, the
//! criterion cannot discriminate and everyone gets 1.0: min–max would
//! otherwise stretch a difference of a few parts per million (the last
//! digits of a simulated rate) into the criterion's whole weight. Weights are
//! normalised to sum to 1; an alternative's total is `Σ_j w_j n_ij`
//! (summed in criterion order), and each term is reported as that
//! criterion's contribution.
//!
//! **Ranking and ties.** Alternatives are ranked by total, best first;
//! exactly equal totals keep input order, so the earlier alternative wins a
//! tie. The same rule picks the winner of every perturbation and of TOPSIS.
//!
//! **Sensitivity** ([`sensitivity`]). Perturbation `i` multiplies every
//! weight by its own factor uniform in `[1 − spread, 1 + spread]`, drawn in
//! criterion order from `ItemRng::new(seed, Stream::Weights, i)`,
//! renormalises, and recomputes the weighted-sum winner. The share of
//! perturbations won by the unperturbed winner measures how robust the
//! decision is to the weights.
//!
//! **TOPSIS** ([`topsis`]; C.-L. Hwang and K. Yoon, *Multiple Attribute
//! Decision Making*, Springer 1981): vector normalisation
//! `r_ij = x_ij / √(Σ_i x_ij²)` (a column of zeros stays 0), weighting
//! `v_ij = w_j r_ij`, ideal / anti-ideal per criterion by direction (best /
//! worst `v_ij`), Euclidean distances `D⁺_i`, `D⁻_i`, closeness
//! `C_i = D⁻_i / (D⁺_i + D⁻_i)` (1 when both are 0: all alternatives equal).
//! TOPSIS assumes non-negative values (costs, latencies, throughputs).

use serde::{Deserialize, Serialize};

use super::{check_range, ModelError};
use crate::rng::{ItemRng, Stream};

/// Most criteria per input.
pub const MAX_CRITERIA: usize = 1_000;
/// Most alternatives per input.
pub const MAX_ALTERNATIVES: usize = 10_000;
/// Most sensitivity perturbations.
pub const MAX_PERTURBATIONS: usize = 1_000_000;
/// Most matrix cells × perturbations one sensitivity analysis may evaluate.
pub const MAX_SENSITIVITY_WORK: u64 = 1_000_000_000;

/// Which way a criterion is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// Larger raw values are better (throughput, availability).
    HigherIsBetter,
    /// Smaller raw values are better (cost, latency).
    LowerIsBetter,
}

/// One decision criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Unique identifier.
    pub id: String,
    /// Human-readable label.
    pub label: String,
    /// Which way is better.
    pub direction: Direction,
    /// Relative importance: finite, ≥ 0 (normalised to sum 1).
    pub weight: f64,
}

/// One design alternative and its raw value for every criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    /// Display name.
    pub name: String,
    /// Raw values, one per criterion, in criteria order.
    pub values: Vec<f64>,
}

/// A decision matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringInput {
    /// Criteria (columns).
    pub criteria: Vec<Criterion>,
    /// Alternatives (rows), in display order; ties go to the earlier one.
    pub alternatives: Vec<Alternative>,
}

/// One alternative's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredAlternative {
    /// Display name.
    pub name: String,
    /// Raw values, per criterion.
    pub raw: Vec<f64>,
    /// Min–max normalised values in [0, 1] (1 = best), per criterion.
    pub normalised: Vec<f64>,
    /// `weight × normalised`, per criterion.
    pub contributions: Vec<f64>,
    /// Sum of contributions, in [0, 1].
    pub total: f64,
}

/// Result of [`score`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoringTable {
    /// Criterion ids, in column order.
    pub criteria_ids: Vec<String>,
    /// Weights normalised to sum 1, per criterion.
    pub weights: Vec<f64>,
    /// One row per alternative, in input order.
    pub rows: Vec<ScoredAlternative>,
    /// Index of the best alternative.
    pub winner: usize,
    /// Alternative indices, best first.
    pub ranking: Vec<usize>,
}

/// Settings of [`sensitivity`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitivityConfig {
    /// Number of weight perturbations, `1 ≤ … ≤ 1e6`.
    pub perturbations: usize,
    /// Relative half-width of the weight factors, in [0, 1] (0.2 = ±20 %).
    pub spread: f64,
    /// Seed of the weight draws.
    pub seed: u64,
}

impl Default for SensitivityConfig {
    fn default() -> Self {
        Self {
            perturbations: 1_000,
            spread: 0.2,
            seed: 0,
        }
    }
}

/// Result of [`sensitivity`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The unperturbed weighted-sum winner.
    pub baseline_winner: usize,
    /// Share of perturbations the baseline winner still wins, in [0, 1].
    pub winner_stable_share: f64,
    /// Perturbations evaluated.
    pub perturbations: usize,
    /// Perturbations won, per alternative.
    pub wins: Vec<u64>,
}

/// Result of [`topsis`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topsis {
    /// Relative closeness to the ideal, in [0, 1], per alternative.
    pub closeness: Vec<f64>,
    /// Index of the alternative closest to the ideal.
    pub winner: usize,
    /// Alternative indices, best first.
    pub ranking: Vec<usize>,
    /// Whether the weighted-sum method picks the same winner.
    pub agrees_with_weighted_sum: bool,
}

/// Checks the matrix; returns the weights normalised to sum 1.
fn validate(input: &ScoringInput) -> Result<Vec<f64>, ModelError> {
    let criteria = &input.criteria;
    if criteria.is_empty() || criteria.len() > MAX_CRITERIA {
        return Err(ModelError::Invalid(format!(
            "need 1 to {MAX_CRITERIA} criteria, got {}",
            criteria.len()
        )));
    }
    if input.alternatives.is_empty() || input.alternatives.len() > MAX_ALTERNATIVES {
        return Err(ModelError::Invalid(format!(
            "need 1 to {MAX_ALTERNATIVES} alternatives, got {}",
            input.alternatives.len()
        )));
    }
    let mut ids: Vec<&str> = criteria.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    if let Some(pair) = ids.windows(2).find(|pair| pair.first() == pair.last()) {
        return Err(ModelError::Invalid(format!(
            "criterion id `{}` is used more than once",
            pair.first().copied().unwrap_or_default()
        )));
    }
    for c in criteria {
        check_range(
            &format!("criteria[{}].weight", c.id),
            c.weight,
            0.0,
            f64::MAX,
        )?;
    }
    let weight_sum: f64 = criteria.iter().map(|c| c.weight).sum();
    if !(weight_sum > 0.0 && weight_sum.is_finite()) {
        return Err(ModelError::Invalid(format!(
            "criterion weights must have a positive finite sum, got {weight_sum}"
        )));
    }
    for alternative in &input.alternatives {
        if alternative.values.len() != criteria.len() {
            return Err(ModelError::Invalid(format!(
                "alternative `{}` has {} values, expected {} (one per criterion)",
                alternative.name,
                alternative.values.len(),
                criteria.len()
            )));
        }
        for (value, c) in alternative.values.iter().zip(criteria) {
            if !value.is_finite() {
                return Err(ModelError::out_of_range(
                    &format!("alternatives[{}].{}", alternative.name, c.id),
                    *value,
                    "a finite number",
                ));
            }
        }
    }
    Ok(criteria.iter().map(|c| c.weight / weight_sum).collect())
}

/// Values of one criterion that differ by at most this share of their
/// magnitude count as equal (0.1 %: below what the proxy data and the
/// projections can tell apart).
pub const TIE_TOLERANCE: f64 = 1e-3;

/// Min–max normalised matrix (rows = alternatives), 1 = best.
fn min_max_normalise(input: &ScoringInput) -> Vec<Vec<f64>> {
    let column = |j: usize| {
        input
            .alternatives
            .iter()
            .filter_map(move |a| a.values.get(j).copied())
    };
    let ranges: Vec<(f64, f64)> = (0..input.criteria.len())
        .map(|j| {
            column(j).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                (lo.min(x), hi.max(x))
            })
        })
        .collect();
    input
        .alternatives
        .iter()
        .map(|a| {
            a.values
                .iter()
                .zip(&input.criteria)
                .zip(&ranges)
                .map(|((&x, c), &(lo, hi))| {
                    if hi - lo <= TIE_TOLERANCE * lo.abs().max(hi.abs()) {
                        1.0
                    } else {
                        match c.direction {
                            Direction::HigherIsBetter => (x - lo) / (hi - lo),
                            Direction::LowerIsBetter => (hi - x) / (hi - lo),
                        }
                    }
                })
                .collect()
        })
        .collect()
}

fn weighted_total(weights: &[f64], normalised: &[f64]) -> f64 {
    weights.iter().zip(normalised).map(|(w, n)| w * n).sum()
}

/// Indices sorted by score, best first; equal scores keep input order.
fn rank(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| {
        let (sa, sb) = (scores.get(a).copied(), scores.get(b).copied());
        sb.unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&sa.unwrap_or(f64::NEG_INFINITY))
    });
    order
}

/// Index of the best score; the earliest wins ties.
fn best(scores: &[f64]) -> usize {
    scores
        .iter()
        .enumerate()
        .fold((0, f64::NEG_INFINITY), |(bi, bs), (i, &s)| {
            if s > bs {
                (i, s)
            } else {
                (bi, bs)
            }
        })
        .0
}

/// Weighted-sum scoring with min–max normalisation.
pub fn score(input: &ScoringInput) -> Result<ScoringTable, ModelError> {
    let weights = validate(input)?;
    let normalised = min_max_normalise(input);
    let rows: Vec<ScoredAlternative> = input
        .alternatives
        .iter()
        .zip(normalised)
        .map(|(a, normalised)| {
            let contributions: Vec<f64> = weights
                .iter()
                .zip(&normalised)
                .map(|(w, n)| w * n)
                .collect();
            ScoredAlternative {
                name: a.name.clone(),
                raw: a.values.clone(),
                total: weighted_total(&weights, &normalised),
                normalised,
                contributions,
            }
        })
        .collect();
    let totals: Vec<f64> = rows.iter().map(|r| r.total).collect();
    Ok(ScoringTable {
        criteria_ids: input.criteria.iter().map(|c| c.id.clone()).collect(),
        weights,
        winner: best(&totals),
        ranking: rank(&totals),
        rows,
    })
}

/// How often the weighted-sum winner survives random weight perturbations.
pub fn sensitivity(
    input: &ScoringInput,
    config: &SensitivityConfig,
) -> Result<Sensitivity, ModelError> {
    let weights = validate(input)?;
    if config.perturbations == 0 || config.perturbations > MAX_PERTURBATIONS {
        return Err(ModelError::out_of_range(
            "perturbations",
            config.perturbations as f64,
            &format!("1 ≤ perturbations ≤ {MAX_PERTURBATIONS}"),
        ));
    }
    let spread = check_range("spread", config.spread, 0.0, 1.0)?;
    let cells = (input.criteria.len() * input.alternatives.len()) as u64;
    if cells.saturating_mul(config.perturbations as u64) > MAX_SENSITIVITY_WORK {
        return Err(ModelError::Infeasible(format!(
            "{} perturbations of a {}×{} matrix exceed the budget of {MAX_SENSITIVITY_WORK} cells",
            config.perturbations,
            input.alternatives.len(),
            input.criteria.len()
        )));
    }
    let normalised = min_max_normalise(input);
    let winner_for = |w: &[f64]| {
        let totals: Vec<f64> = normalised
            .iter()
            .map(|row| weighted_total(w, row))
            .collect();
        best(&totals)
    };
    let baseline_winner = winner_for(&weights);
    let mut wins = vec![0u64; input.alternatives.len()];
    let mut perturbed = vec![0.0; weights.len()];
    for i in 0..config.perturbations {
        let mut rng = ItemRng::new(config.seed, Stream::Weights, i as u64);
        for (p, &w) in perturbed.iter_mut().zip(&weights) {
            *p = w * (1.0 - spread + 2.0 * spread * rng.next_f64());
        }
        let sum: f64 = perturbed.iter().sum();
        if sum > 0.0 {
            perturbed.iter_mut().for_each(|p| *p /= sum);
        } else {
            perturbed.copy_from_slice(&weights);
        }
        if let Some(count) = wins.get_mut(winner_for(&perturbed)) {
            *count += 1;
        }
    }
    let stable = wins.get(baseline_winner).copied().unwrap_or(0);
    Ok(Sensitivity {
        baseline_winner,
        winner_stable_share: stable as f64 / config.perturbations as f64,
        perturbations: config.perturbations,
        wins,
    })
}

/// TOPSIS ranking, compared with the weighted-sum winner.
pub fn topsis(input: &ScoringInput) -> Result<Topsis, ModelError> {
    let weights = validate(input)?;
    let n_criteria = input.criteria.len();
    let norms: Vec<f64> = (0..n_criteria)
        .map(|j| {
            input
                .alternatives
                .iter()
                .filter_map(|a| a.values.get(j))
                .map(|x| x * x)
                .sum::<f64>()
                .sqrt()
        })
        .collect();
    let weighted: Vec<Vec<f64>> = input
        .alternatives
        .iter()
        .map(|a| {
            a.values
                .iter()
                .zip(&norms)
                .zip(&weights)
                .map(|((&x, &norm), &w)| if norm > 0.0 { w * x / norm } else { 0.0 })
                .collect()
        })
        .collect();
    let column_extremes: Vec<(f64, f64)> = (0..n_criteria)
        .map(|j| {
            weighted
                .iter()
                .filter_map(|row| row.get(j).copied())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(v), hi.max(v))
                })
        })
        .collect();
    // (ideal, anti-ideal) per criterion.
    let targets: Vec<(f64, f64)> = column_extremes
        .iter()
        .zip(&input.criteria)
        .map(|(&(lo, hi), c)| match c.direction {
            Direction::HigherIsBetter => (hi, lo),
            Direction::LowerIsBetter => (lo, hi),
        })
        .collect();
    let closeness: Vec<f64> = weighted
        .iter()
        .map(|row| {
            let (mut to_ideal, mut to_anti) = (0.0, 0.0);
            for (&v, &(ideal, anti)) in row.iter().zip(&targets) {
                to_ideal += (v - ideal) * (v - ideal);
                to_anti += (v - anti) * (v - anti);
            }
            let (d_plus, d_minus) = (to_ideal.sqrt(), to_anti.sqrt());
            if d_plus + d_minus > 0.0 {
                d_minus / (d_plus + d_minus)
            } else {
                1.0
            }
        })
        .collect();
    let winner = best(&closeness);
    let weighted_sum_winner = score(input)?.winner;
    Ok(Topsis {
        ranking: rank(&closeness),
        agrees_with_weighted_sum: winner == weighted_sum_winner,
        winner,
        closeness,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criterion(id: &str, direction: Direction, weight: f64) -> Criterion {
        Criterion {
            id: id.to_owned(),
            label: id.to_uppercase(),
            direction,
            weight,
        }
    }

    fn alternative(name: &str, values: &[f64]) -> Alternative {
        Alternative {
            name: name.to_owned(),
            values: values.to_vec(),
        }
    }

    /// 2 alternatives × 3 criteria, weights 3 : 1 : 1.
    fn two_by_three() -> ScoringInput {
        ScoringInput {
            criteria: vec![
                criterion("cost", Direction::LowerIsBetter, 3.0),
                criterion("throughput", Direction::HigherIsBetter, 1.0),
                criterion("latency", Direction::LowerIsBetter, 1.0),
            ],
            alternatives: vec![
                alternative("batch", &[10.0, 300.0, 20.0]),
                alternative("stream", &[20.0, 500.0, 10.0]),
            ],
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn weighted_sum_hand_example() {
        let table = score(&two_by_three()).unwrap();
        assert!(table
            .weights
            .iter()
            .zip([0.6, 0.2, 0.2])
            .all(|(&w, e)| close(w, e)));
        // batch: cheapest only → 0.6; stream: faster and lower latency → 0.4.
        assert_eq!(table.rows[0].normalised, vec![1.0, 0.0, 0.0]);
        assert_eq!(table.rows[1].normalised, vec![0.0, 1.0, 1.0]);
        assert!(close(table.rows[0].total, 0.6) && close(table.rows[1].total, 0.4));
        assert!(close(table.rows[1].contributions[2], 0.2));
        assert_eq!((table.winner, table.ranking.clone()), (0, vec![0, 1]));
        assert_eq!(table.criteria_ids, vec!["cost", "throughput", "latency"]);
    }

    #[test]
    fn min_max_interior_values_and_constant_columns() {
        let input = ScoringInput {
            criteria: vec![
                criterion("latency", Direction::LowerIsBetter, 1.0),
                criterion("same", Direction::HigherIsBetter, 1.0),
            ],
            alternatives: vec![
                alternative("a", &[10.0, 5.0]),
                alternative("b", &[40.0, 5.0]),
                alternative("c", &[20.0, 5.0]),
            ],
        };
        let table = score(&input).unwrap();
        let normalised: Vec<f64> = table.rows.iter().map(|r| r.normalised[0]).collect();
        assert!(close(normalised[0], 1.0) && close(normalised[1], 0.0));
        assert!(close(normalised[2], 2.0 / 3.0));
        assert!(table.rows.iter().all(|r| r.normalised[1] == 1.0));
        assert_eq!(table.ranking, vec![0, 2, 1]);
    }

    #[test]
    fn values_within_the_tie_tolerance_score_alike() {
        let input = ScoringInput {
            criteria: vec![
                criterion("quality", Direction::HigherIsBetter, 1.0),
                criterion("cost", Direction::LowerIsBetter, 1.0),
            ],
            alternatives: vec![
                alternative("a", &[0.945_749_94, 1.0]),
                alternative("b", &[0.945_750_12, 1.0 + 2.0 * TIE_TOLERANCE]),
            ],
        };
        let table = score(&input).unwrap();
        // 2e-7 apart: a tie, not a full point to b.
        assert_eq!(table.rows[0].normalised[0], 1.0);
        assert_eq!(table.rows[1].normalised[0], 1.0);
        // 0.2 % apart: still discriminates.
        assert_eq!(table.rows[0].normalised[1], 1.0);
        assert_eq!(table.rows[1].normalised[1], 0.0);
    }

    #[test]
    fn ties_go_to_the_earlier_alternative() {
        let mut input = two_by_three();
        input.criteria[0].weight = 2.0; // 0.5 vs 0.25 + 0.25
        let table = score(&input).unwrap();
        assert!(close(table.rows[0].total, table.rows[1].total));
        assert_eq!((table.winner, table.ranking), (0, vec![0, 1]));
        input.alternatives.swap(0, 1);
        assert_eq!(score(&input).unwrap().winner, 0);
    }

    #[test]
    fn topsis_hand_example() {
        let result = topsis(&two_by_three()).unwrap();
        // v = w x / ‖column‖: the alternatives differ by
        // cost 0.6·10/√500, throughput 0.2·200/√340000, latency 0.2·10/√500.
        let cost_gap = 6.0 / 500f64.sqrt();
        let (throughput_gap, latency_gap) = (40.0 / 340_000f64.sqrt(), 2.0 / 500f64.sqrt());
        let other_gap = (throughput_gap * throughput_gap + latency_gap * latency_gap).sqrt();
        // batch is ideal on cost only: D⁺ = other_gap, D⁻ = cost_gap.
        let batch = cost_gap / (cost_gap + other_gap);
        assert!(
            close(result.closeness[0], batch),
            "{:?} vs {batch}",
            result.closeness
        );
        assert!(close(result.closeness[1], 1.0 - batch));
        assert!((batch - 0.704_18).abs() < 1e-5);
        assert_eq!((result.winner, result.agrees_with_weighted_sum), (0, true));
        assert_eq!(result.ranking, vec![0, 1]);
    }

    #[test]
    fn topsis_can_disagree_with_weighted_sum() {
        // Min–max stretches each column to [0, 1]: b's lead on x counts fully
        // (0.667 vs a's 0.5). Vector normalisation keeps x's spread small
        // relative to its magnitude, so TOPSIS prefers the balanced a
        // (closeness 0.624 vs 0.508).
        let input = ScoringInput {
            criteria: vec![
                criterion("x", Direction::HigherIsBetter, 1.0),
                criterion("y", Direction::HigherIsBetter, 1.0),
            ],
            alternatives: vec![
                alternative("a", &[5.0, 4.0]),
                alternative("b", &[10.0, 2.0]),
                alternative("c", &[6.0, 1.0]),
            ],
        };
        let table = score(&input).unwrap();
        let result = topsis(&input).unwrap();
        assert_eq!(table.winner, 1, "{:?}", table.rows);
        assert_eq!(result.winner, 0, "{:?}", result.closeness);
        assert!(close(table.rows[0].total, 0.5) && close(table.rows[1].total, 2.0 / 3.0));
        assert!((result.closeness[0] - 0.624_247).abs() < 1e-6);
        assert!((result.closeness[1] - 0.507_897).abs() < 1e-6);
        assert!(!result.agrees_with_weighted_sum);
        // All alternatives identical: everyone is at the ideal.
        let flat = ScoringInput {
            criteria: input.criteria.clone(),
            alternatives: vec![alternative("a", &[1.0, 2.0]), alternative("b", &[1.0, 2.0])],
        };
        assert_eq!(topsis(&flat).unwrap().closeness, vec![1.0, 1.0]);
    }

    #[test]
    fn sensitivity_of_dominant_and_near_tie() {
        let mut input = two_by_three();
        input.alternatives[0].values = vec![5.0, 900.0, 1.0]; // best on everything
        let config = SensitivityConfig {
            perturbations: 2_000,
            spread: 0.2,
            seed: 1,
        };
        let dominant = sensitivity(&input, &config).unwrap();
        assert_eq!(dominant.winner_stable_share, 1.0);
        assert_eq!(dominant.wins, vec![2_000, 0]);

        // Weights 2.02 : 1 : 1 → totals 0.5025 vs 0.4975: a near tie.
        let mut near = two_by_three();
        near.criteria[0].weight = 2.02;
        let result = sensitivity(&near, &config).unwrap();
        assert_eq!(result.baseline_winner, 0);
        assert!(
            result.winner_stable_share > 0.3 && result.winner_stable_share < 0.9,
            "{result:?}"
        );
        assert_eq!(result.wins.iter().sum::<u64>(), 2_000);
        // Deterministic, and zero spread changes nothing.
        assert_eq!(result, sensitivity(&near, &config).unwrap());
        let still = sensitivity(
            &near,
            &SensitivityConfig {
                spread: 0.0,
                ..config
            },
        )
        .unwrap();
        assert_eq!(still.winner_stable_share, 1.0);
    }

    #[test]
    fn validation_names_the_culprit() {
        let mut input = two_by_three();
        input.criteria[1].weight = -1.0;
        let err = score(&input).unwrap_err().to_string();
        assert!(err.contains("criteria[throughput].weight"), "{err}");

        let mut input = two_by_three();
        input.criteria.iter_mut().for_each(|c| c.weight = 0.0);
        assert!(score(&input).unwrap_err().to_string().contains("positive"));

        let mut input = two_by_three();
        input.alternatives[1].values.pop();
        let err = topsis(&input).unwrap_err().to_string();
        assert!(
            err.contains("`stream`") && err.contains("expected 3"),
            "{err}"
        );

        let mut input = two_by_three();
        input.alternatives[0].values[2] = f64::NAN;
        let err = score(&input).unwrap_err().to_string();
        assert!(err.contains("alternatives[batch].latency"), "{err}");

        let mut input = two_by_three();
        input.criteria[2].id = "cost".to_owned();
        assert!(score(&input).unwrap_err().to_string().contains("`cost`"));

        let empty = ScoringInput {
            criteria: vec![],
            alternatives: vec![],
        };
        assert!(score(&empty).is_err());
        let bad = SensitivityConfig {
            perturbations: 10,
            spread: 1.5,
            seed: 0,
        };
        assert!(sensitivity(&two_by_three(), &bad)
            .unwrap_err()
            .to_string()
            .contains("spread"));
        let none = SensitivityConfig {
            perturbations: 0,
            spread: 0.2,
            seed: 0,
        };
        assert!(sensitivity(&two_by_three(), &none).is_err());
        let json = r#"{"id":"a","label":"A","direction":"LowerIsBetter","weight":1,"unit":"s"}"#;
        assert!(serde_json::from_str::<Criterion>(json).is_err());
    }
}
