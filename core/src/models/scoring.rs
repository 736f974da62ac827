//! Multi-criteria scoring of design alternatives against their thresholds.
//!
//! **Values, not ranks.** Each criterion turns an alternative's raw value
//! into a value in [0, 1] on a [`Scale`] fixed in advance — never by
//! comparing the alternatives with each other. (Min–max normalisation over
//! the alternatives, which this replaces, is binary with two alternatives:
//! 0.081 % against 0.011 % of a deadline carried the deadline's whole
//! weight.) The scales:
//!
//! * [`Scale::AtMost`] — a threshold "at most `limit`" (a deadline, a
//!   budget, a failure-rate KPI). The *utilisation* `u = raw / limit`, read
//!   to the nearest [`ValueRule::resolution`] (1 % of the threshold), goes
//!   through the threshold value function of [`ValueRule`]:
//!
//!   ```text
//!   v(u) = 1                                   u ≤ 1 − h      (ample headroom saturates)
//!        = 1 − (1 − v₁)(u − (1 − h)) / h        1 − h < u ≤ 1  (using up the headroom)
//!        = v₁ · max(0, 1 − (u − 1)/(z − 1))     u > 1          (failing it)
//!   ```
//!
//!   with `h` = [`ValueRule::headroom`] (0.5: a design that needs at most
//!   half the threshold has room for a full rerun, or a doubling, and
//!   scores 1), `v₁` = [`ValueRule::value_at_threshold`] (0.5) and `z` =
//!   [`ValueRule::zero_at_utilisation`] (2: twice the threshold scores 0).
//!   Differences inside the saturated zone, or smaller than the resolution,
//!   do not move the value.
//! * [`Scale::AtLeastShare`] — "a share of at least `limit`" (a cache hit
//!   rate above 85 %): the same function of the shortfall's utilisation
//!   `u = (1 − raw) / (1 − limit)` (a 92.5 % hit rate uses half of the 15 %
//!   allowed misses).
//! * [`Scale::Share`] — a share in [0, 1] that is itself the value (the
//!   share of events usable at publish).
//! * [`Scale::FractionOf`] — lower is better against a reference:
//!   `v = clamp(1 − raw / reference, 0, 1)` (recovery time as a share of the
//!   deadline).
//! * [`Scale::HalfLife`] — a count, lower is better:
//!   `v = 2^(−max(0, raw − best) / half_life)` (moving parts to operate).
//!
//! **Feasibility first.** A threshold may be *hard* (`hard: true`: the
//! deadline, the budget). An alternative that exceeds a hard threshold
//! (`u > 1`, before rounding) is infeasible, and every feasible alternative
//! ranks above every infeasible one whatever the weights; within each
//! group, by weighted total. So a design that misses the deadline cannot be
//! recommended over one that meets it, even with all weight elsewhere.
//! Soft thresholds (KPIs) only shape the value.
//!
//! **Weighted total.** Weights are normalised to sum 1; an alternative's
//! total is `Σ_j w_j v_ij` (summed in criterion order), each term its
//! criterion's contribution. Ranking: feasible first, then total, best
//! first; exactly equal totals keep input order, so the earlier alternative
//! wins a tie. The same rule picks the winner of every perturbation.
//!
//! **Sensitivity to the weights** ([`sensitivity`]). Perturbation `i`
//! multiplies every weight by its own factor uniform in `[1 − spread,
//! 1 + spread]`, drawn in criterion order from `ItemRng::new(seed,
//! Stream::Weights, i)`, renormalises, and recomputes the winner. The share
//! of perturbations won by the unperturbed winner measures how robust the
//! decision is to the weights. (Sensitivity to the rule's own parameters is
//! computed by the caller, which knows which variants are plausible:
//! [`score`] with another [`ValueRule`] or scales.)
//!
//! **TOPSIS as a cross-check** ([`topsis`]; C.-L. Hwang and K. Yoon,
//! *Multiple Attribute Decision Making*, Springer 1981). It ranks the *raw*
//! values — not the values above — of the feasible alternatives (all of
//! them when none is feasible): vector normalisation
//! `r_ij = x_ij / √(Σ_i x_ij²)` (a column of zeros stays 0), weighting
//! `v_ij = w_j r_ij`, ideal / anti-ideal per criterion by direction,
//! Euclidean distances `D⁺_i`, `D⁻_i`, closeness `C_i = D⁻_i / (D⁺_i + D⁻_i)`
//! (1 when both are 0). Because it sees relative differences of the raw
//! evidence and knows no threshold, its agreement is not circular: it
//! checks whether the choice survives dropping the thresholds. When it
//! disagrees, the winner rests on the value functions — typically on
//! differences they call immaterial (a design faster than another, both far
//! inside the deadline) — and the reader should know that.

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

/// Which way a raw value is good (what TOPSIS needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// Larger raw values are better (throughput, availability).
    HigherIsBetter,
    /// Smaller raw values are better (cost, latency).
    LowerIsBetter,
}

/// The threshold value function's parameters (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ValueRule {
    /// `h`: the share of a threshold left unused from which a design scores
    /// 1, in (0, 1).
    pub headroom: f64,
    /// `v₁`: the value of using exactly the whole threshold, in (0, 1).
    pub value_at_threshold: f64,
    /// `z`: the utilisation at which the value reaches 0, > 1.
    pub zero_at_utilisation: f64,
    /// The utilisation is read to the nearest multiple of this (0.01: 1 %
    /// of the threshold), in [0, 0.1]; 0 reads it exactly.
    pub resolution: f64,
}

impl Default for ValueRule {
    fn default() -> Self {
        Self {
            headroom: 0.5,
            value_at_threshold: 0.5,
            zero_at_utilisation: 2.0,
            resolution: 0.01,
        }
    }
}

impl ValueRule {
    pub fn validate(&self) -> Result<(), ModelError> {
        let open = |name: &str, x: f64| {
            if x.is_finite() && x > 0.0 && x < 1.0 {
                Ok(())
            } else {
                Err(ModelError::out_of_range(name, x, "0 < value < 1"))
            }
        };
        open("rule.headroom", self.headroom)?;
        open("rule.value_at_threshold", self.value_at_threshold)?;
        if !(self.zero_at_utilisation.is_finite() && self.zero_at_utilisation > 1.0) {
            return Err(ModelError::out_of_range(
                "rule.zero_at_utilisation",
                self.zero_at_utilisation,
                "finite and > 1",
            ));
        }
        check_range("rule.resolution", self.resolution, 0.0, 0.1)?;
        Ok(())
    }

    /// `u` read to the nearest multiple of the resolution (half up).
    pub fn read(&self, utilisation: f64) -> f64 {
        if self.resolution > 0.0 {
            libm::floor(utilisation / self.resolution + 0.5) * self.resolution
        } else {
            utilisation
        }
    }

    /// The threshold value function `v(u)` (the utilisation is read first).
    pub fn value(&self, utilisation: f64) -> f64 {
        let u = self.read(utilisation);
        let (h, v1, z) = (
            self.headroom,
            self.value_at_threshold,
            self.zero_at_utilisation,
        );
        if u <= 1.0 - h {
            1.0
        } else if u <= 1.0 {
            1.0 - (1.0 - v1) * (u - (1.0 - h)) / h
        } else {
            v1 * (1.0 - (u - 1.0) / (z - 1.0)).max(0.0)
        }
    }
}

/// How one criterion's raw value becomes a value in [0, 1] (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum Scale {
    /// At most `limit` (> 0); `hard`: exceeding it makes a design infeasible.
    AtMost { limit: f64, hard: bool },
    /// A share of at least `limit` (in [0, 1)).
    AtLeastShare { limit: f64, hard: bool },
    /// A share in [0, 1] that is its own value.
    Share,
    /// `1 − raw / reference`, clamped to [0, 1] (`reference` > 0).
    FractionOf { reference: f64 },
    /// `2^(−max(0, raw − best) / half_life)` (`half_life` > 0).
    HalfLife { best: f64, half_life: f64 },
}

impl Scale {
    pub fn direction(&self) -> Direction {
        match self {
            Scale::AtMost { .. } | Scale::FractionOf { .. } | Scale::HalfLife { .. } => {
                Direction::LowerIsBetter
            }
            Scale::AtLeastShare { .. } | Scale::Share => Direction::HigherIsBetter,
        }
    }

    /// Whether failing the threshold makes a design infeasible.
    pub fn is_hard(&self) -> bool {
        matches!(
            self,
            Scale::AtMost { hard: true, .. } | Scale::AtLeastShare { hard: true, .. }
        )
    }

    /// The share of the threshold `raw` uses (exact, not read to the
    /// resolution); `None` for scales without a threshold.
    pub fn utilisation(&self, raw: f64) -> Option<f64> {
        match *self {
            Scale::AtMost { limit, .. } => Some(raw / limit),
            Scale::AtLeastShare { limit, .. } => Some((1.0 - raw) / (1.0 - limit)),
            _ => None,
        }
    }

    /// Whether `raw` meets the threshold (`u ≤ 1`); `None` without one.
    pub fn meets(&self, raw: f64) -> Option<bool> {
        self.utilisation(raw).map(|u| u <= 1.0)
    }

    /// The value of `raw` on this scale, in [0, 1].
    pub fn value(&self, raw: f64, rule: &ValueRule) -> f64 {
        match *self {
            Scale::AtMost { .. } | Scale::AtLeastShare { .. } => {
                rule.value(self.utilisation(raw).unwrap_or(f64::INFINITY))
            }
            Scale::Share => raw.clamp(0.0, 1.0),
            Scale::FractionOf { reference } => (1.0 - raw / reference).clamp(0.0, 1.0),
            Scale::HalfLife { best, half_life } => libm::exp2(-(raw - best).max(0.0) / half_life),
        }
    }

    fn validate(&self, id: &str) -> Result<(), ModelError> {
        let name = |field: &str| format!("criteria[{id}].scale.{field}");
        match *self {
            Scale::AtMost { limit, .. } => {
                check_range(&name("limit"), limit, f64::MIN_POSITIVE, f64::MAX)?;
            }
            Scale::AtLeastShare { limit, .. } => {
                check_range(&name("limit"), limit, 0.0, 1.0 - f64::EPSILON)?;
            }
            Scale::Share => {}
            Scale::FractionOf { reference } => {
                check_range(&name("reference"), reference, f64::MIN_POSITIVE, f64::MAX)?;
            }
            Scale::HalfLife { best, half_life } => {
                check_range(&name("best"), best, -f64::MAX, f64::MAX)?;
                check_range(&name("half_life"), half_life, f64::MIN_POSITIVE, f64::MAX)?;
            }
        }
        Ok(())
    }
}

/// One decision criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Unique identifier.
    pub id: String,
    /// Human-readable label.
    pub label: String,
    /// How its raw value is scored.
    pub scale: Scale,
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

/// A decision matrix and the rule that scores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringInput {
    /// Criteria (columns).
    pub criteria: Vec<Criterion>,
    /// Alternatives (rows), in display order; ties go to the earlier one.
    pub alternatives: Vec<Alternative>,
    /// The threshold value function.
    pub rule: ValueRule,
}

/// One alternative's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredAlternative {
    /// Display name.
    pub name: String,
    /// Raw values, per criterion.
    pub raw: Vec<f64>,
    /// Values in [0, 1] (1 = best), per criterion.
    pub values: Vec<f64>,
    /// `weight × value`, per criterion.
    pub contributions: Vec<f64>,
    /// Sum of contributions, in [0, 1].
    pub total: f64,
    /// Meets every hard threshold.
    pub feasible: bool,
    /// Ids of the hard thresholds it exceeds.
    pub misses: Vec<String>,
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
    /// Index of the best alternative (feasible first).
    pub winner: usize,
    /// Alternative indices, best first (feasible first).
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
    /// The unperturbed winner.
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
    /// Relative closeness to the ideal, in [0, 1], per alternative; `None`
    /// for an alternative left out as infeasible.
    pub closeness: Vec<Option<f64>>,
    /// Index of the ranked alternative closest to the ideal.
    pub winner: usize,
    /// Ranked alternative indices, best first.
    pub ranking: Vec<usize>,
    /// Whether the weighted sum of values picks the same winner.
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
    input.rule.validate()?;
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
        c.scale.validate(&c.id)?;
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

/// The value matrix (rows = alternatives) and each alternative's missed
/// hard thresholds.
fn values(input: &ScoringInput) -> (Vec<Vec<f64>>, Vec<Vec<String>>) {
    let matrix = input
        .alternatives
        .iter()
        .map(|a| {
            a.values
                .iter()
                .zip(&input.criteria)
                .map(|(&x, c)| c.scale.value(x, &input.rule))
                .collect()
        })
        .collect();
    let misses = input
        .alternatives
        .iter()
        .map(|a| {
            a.values
                .iter()
                .zip(&input.criteria)
                .filter(|(&x, c)| c.scale.is_hard() && c.scale.meets(x) == Some(false))
                .map(|(_, c)| c.id.clone())
                .collect()
        })
        .collect();
    (matrix, misses)
}

fn weighted_total(weights: &[f64], values: &[f64]) -> f64 {
    weights.iter().zip(values).map(|(w, v)| w * v).sum()
}

/// Indices, best first: feasible before infeasible, then by score; equal
/// keys keep input order.
fn rank(feasible: &[bool], scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    let key = |i: usize| {
        (
            feasible.get(i).copied().unwrap_or(false),
            scores.get(i).copied().unwrap_or(f64::NEG_INFINITY),
        )
    };
    order.sort_by(|&a, &b| {
        let ((fa, sa), (fb, sb)) = (key(a), key(b));
        fb.cmp(&fa).then(sb.total_cmp(&sa))
    });
    order
}

/// The best index by [`rank`]'s order (the earliest wins ties).
fn best(feasible: &[bool], scores: &[f64]) -> usize {
    rank(feasible, scores).first().copied().unwrap_or(0)
}

/// Scores every alternative: values, weighted totals, feasibility, ranking.
pub fn score(input: &ScoringInput) -> Result<ScoringTable, ModelError> {
    let weights = validate(input)?;
    let (matrix, misses) = values(input);
    let rows: Vec<ScoredAlternative> = input
        .alternatives
        .iter()
        .zip(matrix)
        .zip(misses)
        .map(|((a, values), misses)| {
            let contributions: Vec<f64> = weights.iter().zip(&values).map(|(w, v)| w * v).collect();
            ScoredAlternative {
                name: a.name.clone(),
                raw: a.values.clone(),
                total: weighted_total(&weights, &values),
                values,
                contributions,
                feasible: misses.is_empty(),
                misses,
            }
        })
        .collect();
    let totals: Vec<f64> = rows.iter().map(|r| r.total).collect();
    let feasible: Vec<bool> = rows.iter().map(|r| r.feasible).collect();
    Ok(ScoringTable {
        criteria_ids: input.criteria.iter().map(|c| c.id.clone()).collect(),
        weights,
        winner: best(&feasible, &totals),
        ranking: rank(&feasible, &totals),
        rows,
    })
}

/// How often the winner survives random weight perturbations.
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
    let (matrix, misses) = values(input);
    let feasible: Vec<bool> = misses.iter().map(Vec::is_empty).collect();
    let winner_for = |w: &[f64]| {
        let totals: Vec<f64> = matrix.iter().map(|row| weighted_total(w, row)).collect();
        best(&feasible, &totals)
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

/// TOPSIS on the raw values of the feasible alternatives (all when none is
/// feasible), compared with the weighted-sum winner.
pub fn topsis(input: &ScoringInput) -> Result<Topsis, ModelError> {
    let weights = validate(input)?;
    let table = score(input)?;
    let any_feasible = table.rows.iter().any(|r| r.feasible);
    let ranked: Vec<usize> = table
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.feasible || !any_feasible)
        .map(|(i, _)| i)
        .collect();
    let rows: Vec<&Alternative> = ranked
        .iter()
        .filter_map(|&i| input.alternatives.get(i))
        .collect();
    let n_criteria = input.criteria.len();
    let norms: Vec<f64> = (0..n_criteria)
        .map(|j| {
            rows.iter()
                .filter_map(|a| a.values.get(j))
                .map(|x| x * x)
                .sum::<f64>()
                .sqrt()
        })
        .collect();
    let weighted: Vec<Vec<f64>> = rows
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
        .map(|(&(lo, hi), c)| match c.scale.direction() {
            Direction::HigherIsBetter => (hi, lo),
            Direction::LowerIsBetter => (lo, hi),
        })
        .collect();
    let ranked_closeness: Vec<f64> = weighted
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
    let mut closeness = vec![None; input.alternatives.len()];
    for (&i, &c) in ranked.iter().zip(&ranked_closeness) {
        if let Some(slot) = closeness.get_mut(i) {
            *slot = Some(c);
        }
    }
    let all_true = vec![true; ranked.len()];
    let ranking: Vec<usize> = rank(&all_true, &ranked_closeness)
        .into_iter()
        .filter_map(|k| ranked.get(k).copied())
        .collect();
    let winner = ranking.first().copied().unwrap_or(0);
    Ok(Topsis {
        agrees_with_weighted_sum: winner == table.winner,
        closeness,
        winner,
        ranking,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criterion(id: &str, scale: Scale, weight: f64) -> Criterion {
        Criterion {
            id: id.to_owned(),
            label: id.to_uppercase(),
            scale,
            weight,
        }
    }

    fn alternative(name: &str, values: &[f64]) -> Alternative {
        Alternative {
            name: name.to_owned(),
            values: values.to_vec(),
        }
    }

    const DEADLINE: Scale = Scale::AtMost {
        limit: 100.0,
        hard: true,
    };
    const COST: Scale = Scale::AtMost {
        limit: 10.0,
        hard: true,
    };
    const COMPLEXITY: Scale = Scale::HalfLife {
        best: 1.0,
        half_life: 4.0,
    };

    /// 2 alternatives × 3 criteria: deadline 100 s, budget $10, complexity.
    fn input(a: &[f64], b: &[f64], weights: [f64; 3]) -> ScoringInput {
        ScoringInput {
            criteria: vec![
                criterion("deadline", DEADLINE, weights[0]),
                criterion("cost", COST, weights[1]),
                criterion("complexity", COMPLEXITY, weights[2]),
            ],
            alternatives: vec![alternative("a", a), alternative("b", b)],
            rule: ValueRule::default(),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn the_threshold_value_function_by_hand() {
        let rule = ValueRule::default();
        // (utilisation, value): saturated up to half the threshold, 0.5 at
        // it, 0 at twice it; linear between.
        let cases = [
            (0.0, 1.0),
            (0.001, 1.0),
            (0.5, 1.0),
            (0.504, 1.0), // read as 0.50
            (0.75, 0.75),
            (0.9, 0.6),
            (1.0, 0.5),
            (1.004, 0.5), // read as 1.00
            (1.5, 0.25),
            (2.0, 0.0),
            (7.0, 0.0),
        ];
        for (u, v) in cases {
            assert!(
                close(rule.value(u), v),
                "v({u}) = {} not {v}",
                rule.value(u)
            );
        }
        let steep = ValueRule {
            headroom: 0.25,
            value_at_threshold: 0.2,
            zero_at_utilisation: 3.0,
            resolution: 0.0,
        };
        assert!(close(steep.value(0.75), 1.0));
        assert!(close(steep.value(0.875), 0.6));
        assert!(close(steep.value(2.0), 0.1));
        // A shortfall threshold: 92.5 % hits use half of the 15 % allowed misses.
        let hits = Scale::AtLeastShare {
            limit: 0.85,
            hard: false,
        };
        assert!(close(hits.utilisation(0.925).unwrap(), 0.5));
        assert!(close(hits.value(0.925, &rule), 1.0));
        assert!(close(hits.value(0.85, &rule), 0.5));
        assert_eq!(hits.meets(0.80), Some(false));
        assert!(close(COMPLEXITY.value(5.0, &rule), 0.5));
        assert!(close(COMPLEXITY.value(0.5, &rule), 1.0));
        let recovery = Scale::FractionOf { reference: 200.0 };
        assert!(close(recovery.value(50.0, &rule), 0.75));
        assert!(close(recovery.value(400.0, &rule), 0.0));
        assert!(close(Scale::Share.value(0.94, &rule), 0.94));
    }

    #[test]
    fn ample_headroom_saturates_and_immaterial_differences_score_alike() {
        // 0.081 % vs 0.011 % of the deadline (the min–max defect): same value.
        let both_fast = score(&input(
            &[0.081, 1.0, 1.0],
            &[0.011, 1.0, 1.0],
            [1.0, 1.0, 1.0],
        ))
        .unwrap();
        assert_eq!(both_fast.rows[0].values[0], both_fast.rows[1].values[0]);
        // 80.2 s vs 80.4 s of 100: both read as 80 %, same value, same total.
        let near = score(&input(
            &[80.2, 1.0, 1.0],
            &[80.4, 1.0, 1.0],
            [1.0, 1.0, 1.0],
        ))
        .unwrap();
        assert_eq!(near.rows[0].values, near.rows[1].values);
        assert_eq!(near.rows[0].total, near.rows[1].total);
        // A material difference still counts.
        let far = score(&input(
            &[60.0, 1.0, 1.0],
            &[90.0, 1.0, 1.0],
            [1.0, 1.0, 1.0],
        ))
        .unwrap();
        assert!(far.rows[0].values[0] > far.rows[1].values[0]);
    }

    #[test]
    fn a_design_that_fails_a_hard_threshold_cannot_win() {
        // b is simpler (all weight on complexity) but misses the deadline.
        let table = score(&input(
            &[90.0, 5.0, 6.5],
            &[101.0, 5.0, 1.0],
            [0.0, 0.0, 1.0],
        ))
        .unwrap();
        assert!(table.rows[0].feasible);
        assert!(!table.rows[1].feasible);
        assert_eq!(table.rows[1].misses, ["deadline"]);
        assert!(table.rows[1].total > table.rows[0].total);
        assert_eq!((table.winner, table.ranking.clone()), (0, vec![0, 1]));
        // Nor under any weight perturbation.
        let config = SensitivityConfig {
            perturbations: 500,
            spread: 1.0,
            seed: 3,
        };
        let s = sensitivity(
            &input(&[90.0, 5.0, 6.5], &[101.0, 5.0, 1.0], [0.0, 0.1, 1.0]),
            &config,
        )
        .unwrap();
        assert_eq!(s.wins, vec![500, 0]);
        // Over budget is infeasible too; with nobody feasible, totals decide.
        let none = score(&input(
            &[101.0, 5.0, 6.5],
            &[50.0, 11.0, 1.0],
            [1.0, 1.0, 1.0],
        ))
        .unwrap();
        assert!(none.rows.iter().all(|r| !r.feasible));
        assert_eq!(none.rows[1].misses, ["cost"]);
        assert_eq!(none.winner, 1);
        // Soft thresholds never make a design infeasible.
        let mut soft = input(&[101.0, 5.0, 6.5], &[50.0, 5.0, 1.0], [1.0, 1.0, 1.0]);
        soft.criteria[0].scale = Scale::AtMost {
            limit: 100.0,
            hard: false,
        };
        assert!(score(&soft).unwrap().rows.iter().all(|r| r.feasible));
    }

    #[test]
    fn weighted_totals_by_hand_and_ties_to_the_earlier() {
        // a: deadline u 0.9 → 0.6, cost u 0.3 → 1, complexity 6.5 → 2^-1.375.
        // b: deadline u 0.2 → 1, cost u 0.8 → 0.7, complexity 1 → 1.
        let table = score(&input(
            &[90.0, 3.0, 6.5],
            &[20.0, 8.0, 1.0],
            [2.0, 1.0, 1.0],
        ))
        .unwrap();
        let a = 0.5 * 0.6 + 0.25 * 1.0 + 0.25 * libm::exp2(-1.375);
        let b = 0.5 * 1.0 + 0.25 * 0.7 + 0.25 * 1.0;
        assert!(close(table.rows[0].total, a), "{}", table.rows[0].total);
        assert!(close(table.rows[1].total, b));
        assert!(close(table.rows[0].contributions[0], 0.3));
        assert_eq!(table.winner, 1);
        let tie = score(&input(
            &[10.0, 1.0, 1.0],
            &[10.0, 1.0, 1.0],
            [1.0, 1.0, 1.0],
        ))
        .unwrap();
        assert_eq!((tie.winner, tie.ranking), (0, vec![0, 1]));
    }

    #[test]
    fn topsis_hand_example_on_raw_values() {
        // Raw: cost 10 vs 20 (weight 0.6), latency 20 vs 10 (0.4), both
        // within generous thresholds.
        let input = ScoringInput {
            criteria: vec![
                criterion(
                    "cost",
                    Scale::AtMost {
                        limit: 1_000.0,
                        hard: true,
                    },
                    3.0,
                ),
                criterion(
                    "latency",
                    Scale::AtMost {
                        limit: 1_000.0,
                        hard: false,
                    },
                    2.0,
                ),
            ],
            alternatives: vec![
                alternative("a", &[10.0, 20.0]),
                alternative("b", &[20.0, 10.0]),
            ],
            rule: ValueRule::default(),
        };
        let result = topsis(&input).unwrap();
        // v = w x / ‖column‖ (‖·‖ = √500): gaps 0.6·10/√500 and 0.4·10/√500.
        let (cost_gap, latency_gap) = (6.0 / 500f64.sqrt(), 4.0 / 500f64.sqrt());
        let a = cost_gap / (cost_gap + latency_gap);
        assert!(close(result.closeness[0].unwrap(), a), "{result:?}");
        assert!(close(result.closeness[1].unwrap(), 1.0 - a));
        assert_eq!((result.winner, result.ranking.clone()), (0, vec![0, 1]));
        // The values saturate (both far inside the thresholds): the weighted
        // sum ties and keeps input order, so they agree here …
        assert!(result.agrees_with_weighted_sum);
        // … and TOPSIS, seeing the raw lead, still ranks the raw evidence
        // when the weighted sum's tie goes the other way.
        let mut swapped = input.clone();
        swapped.alternatives.swap(0, 1);
        let result = topsis(&swapped).unwrap();
        assert_eq!(result.winner, 1);
        assert!(!result.agrees_with_weighted_sum);
    }

    #[test]
    fn topsis_leaves_out_infeasible_designs() {
        let table_input = input(&[101.0, 5.0, 6.5], &[90.0, 5.0, 6.5], [1.0, 1.0, 1.0]);
        let result = topsis(&table_input).unwrap();
        assert_eq!(result.closeness, vec![None, Some(1.0)]);
        assert_eq!((result.winner, result.ranking), (1, vec![1]));
        assert!(result.agrees_with_weighted_sum);
        // All identical: everyone is at the ideal.
        let flat = input(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]);
        assert_eq!(topsis(&flat).unwrap().closeness, vec![Some(1.0), Some(1.0)]);
    }

    #[test]
    fn sensitivity_of_dominant_and_near_tie() {
        let config = SensitivityConfig {
            perturbations: 2_000,
            spread: 0.2,
            seed: 1,
        };
        // a better on everything.
        let dominant = sensitivity(
            &input(&[20.0, 2.0, 1.0], &[90.0, 9.0, 6.0], [1.0, 1.0, 1.0]),
            &config,
        )
        .unwrap();
        assert_eq!(dominant.winner_stable_share, 1.0);
        assert_eq!(dominant.wins, vec![2_000, 0]);
        // a: 0.6 on the deadline, 1 on complexity; b: 1 and 0.5. Equal
        // weights tie exactly; slightly more on the deadline favours b.
        let near = input(&[90.0, 1.0, 1.0], &[10.0, 1.0, 5.0], [1.02, 0.0, 0.8]);
        let result = sensitivity(&near, &config).unwrap();
        assert_eq!(result.baseline_winner, score(&near).unwrap().winner);
        assert!(
            result.winner_stable_share > 0.3 && result.winner_stable_share < 0.95,
            "{result:?}"
        );
        assert_eq!(result.wins.iter().sum::<u64>(), 2_000);
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
        let base = || input(&[10.0, 1.0, 1.0], &[20.0, 2.0, 2.0], [1.0, 1.0, 1.0]);
        let mut bad = base();
        bad.criteria[1].weight = -1.0;
        let err = score(&bad).unwrap_err().to_string();
        assert!(err.contains("criteria[cost].weight"), "{err}");

        let mut bad = base();
        bad.criteria.iter_mut().for_each(|c| c.weight = 0.0);
        assert!(score(&bad).unwrap_err().to_string().contains("positive"));

        let mut bad = base();
        bad.alternatives[1].values.pop();
        let err = topsis(&bad).unwrap_err().to_string();
        assert!(err.contains("`b`") && err.contains("expected 3"), "{err}");

        let mut bad = base();
        bad.alternatives[0].values[2] = f64::NAN;
        let err = score(&bad).unwrap_err().to_string();
        assert!(err.contains("alternatives[a].complexity"), "{err}");

        let mut bad = base();
        bad.criteria[2].id = "cost".to_owned();
        assert!(score(&bad).unwrap_err().to_string().contains("`cost`"));

        let mut bad = base();
        bad.criteria[0].scale = Scale::AtMost {
            limit: 0.0,
            hard: true,
        };
        let err = score(&bad).unwrap_err().to_string();
        assert!(err.contains("criteria[deadline].scale.limit"), "{err}");

        let mut bad = base();
        bad.rule.headroom = 1.0;
        assert!(score(&bad)
            .unwrap_err()
            .to_string()
            .contains("rule.headroom"));
        let mut bad = base();
        bad.rule.zero_at_utilisation = 1.0;
        assert!(score(&bad)
            .unwrap_err()
            .to_string()
            .contains("rule.zero_at_utilisation"));

        let empty = ScoringInput {
            criteria: vec![],
            alternatives: vec![],
            rule: ValueRule::default(),
        };
        assert!(score(&empty).is_err());
        let spread = SensitivityConfig {
            perturbations: 10,
            spread: 1.5,
            seed: 0,
        };
        assert!(sensitivity(&base(), &spread)
            .unwrap_err()
            .to_string()
            .contains("spread"));
        let none = SensitivityConfig {
            perturbations: 0,
            spread: 0.2,
            seed: 0,
        };
        assert!(sensitivity(&base(), &none).is_err());
        let json = r#"{"id":"a","label":"A","scale":{"kind":"share"},"weight":1,"unit":"s"}"#;
        assert!(serde_json::from_str::<Criterion>(json).is_err());
    }
}
