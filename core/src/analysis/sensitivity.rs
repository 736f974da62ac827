//! What the answer hinges on: every measured and assumed input moved over
//! its plausible range, one at a time, with the binding crossing and the
//! winner at the review's volume recomputed at each end.
//!
//! * **Measured inputs**: each stage's cost per event, the payload cost per
//!   byte, the mean payload per event, the state's entries per event, the
//!   partition skew (the busiest node's excess load), each ±50 %.
//! * **Fitted**: the contention σ over its bootstrap band (or the unfitted
//!   range when nothing was fitted).
//! * **Assumed**: every field of [`crate::assumptions::CATALOGUE`], for the
//!   review and for the two compared designs (the single node and the
//!   distributed design), over its declared range.
//!
//! Projections here use [`SENSITIVITY_FAILURE_RUNS`] Monte Carlo runs, or
//! the analysis' own count when smaller (same seeds as everywhere) and crossings are bisected to
//! [`SENSITIVITY_TOLERANCE`]: enough to rank the inputs, at a fraction of the
//! headline's cost. The result names the input with the widest span of the
//! binding crossing (what the answer hinges on) and every input that changes
//! the winner.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::bridge::CacheRates;
use super::crossover::{find_crossing_within, pick_pair, Criterion, MAX_SEARCH_EVENTS};
use super::projection::{
    Context, Projection, ProjectionConfig, Projector, ScalingModel, TermClass,
};
use super::{AnalysisError, CostModel, DataFacts};
use crate::assumptions::{Scope, CATALOGUE};
use crate::review::Review;

/// Monte Carlo runs per projection in the sensitivity analysis.
pub const SENSITIVITY_FAILURE_RUNS: u32 = 64;
/// Relative precision of a crossing in the sensitivity analysis.
pub const SENSITIVITY_TOLERANCE: f64 = 1e-3;
/// The plausible range of a measured input: ±50 %.
pub const MEASURED_RANGE: [f64; 2] = [0.5, 1.5];

/// One input moved over its range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InputSwing {
    /// A review field path or a measurement name.
    pub input: String,
    pub label: String,
    pub class: TermClass,
    pub base: f64,
    pub low: f64,
    pub high: f64,
    /// The binding crossing with the input at `low` / `high` (`None`: not
    /// reached up to the search limit).
    pub binding_at_low: Option<f64>,
    pub binding_at_high: Option<f64>,
    pub winner_at_low: String,
    pub winner_at_high: String,
}

impl InputSwing {
    /// Decades between the two binding crossings (the tornado bar's length;
    /// a crossing not reached counts as the search limit).
    pub fn span_decades(&self) -> f64 {
        let at = |e: Option<f64>| libm::log10(e.unwrap_or(MAX_SEARCH_EVENTS).max(1.0));
        (at(self.binding_at_high) - at(self.binding_at_low)).abs()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Sensitivity {
    pub review_events: f64,
    /// The binding crossing and the winner with every input at its value.
    pub base_binding: Option<f64>,
    pub base_winner: String,
    /// Widest span first.
    pub inputs: Vec<InputSwing>,
    /// The input with the widest span of the binding crossing.
    pub hinges_on: Option<String>,
    /// Inputs at whose low or high end another option wins.
    pub flips_winner: Vec<String>,
    pub failure_runs: u32,
}

/// Everything an input can change.
#[derive(Clone, Debug)]
struct Inputs {
    review: Review,
    cost: CostModel,
    facts: DataFacts,
    /// `Some`: σ replaces the fitted contention.
    sigma: Option<f64>,
    /// The base cache rates still apply (the input does not touch them).
    keep_cache: bool,
}

type Apply = Box<dyn Fn(&mut Inputs, f64) + Send + Sync>;

struct Candidate {
    input: String,
    label: String,
    class: TermClass,
    base: f64,
    low: f64,
    high: f64,
    apply: Apply,
}

fn measured(input: String, label: String, base: f64, apply: Apply) -> Candidate {
    Candidate {
        input,
        label,
        class: TermClass::Measured,
        base,
        low: base * MEASURED_RANGE[0],
        high: base * MEASURED_RANGE[1],
        apply,
    }
}

/// `compared`: the single-node and the distributed design's indices; only
/// their design fields move (the other alternatives' fields move neither the
/// binding crossing nor, unless they win, the comparison, and moving them
/// would make the analysis quadratic in alternatives).
fn candidates(context: &Context, compared: [usize; 2]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (i, stage) in context.cost_model.stage_cost_s_per_event.iter().enumerate() {
        out.push(measured(
            format!("calibration.stage_cost_s_per_event.{}", stage.stage),
            format!("{} cost per event", stage.stage),
            stage.cost_s_per_event.median,
            Box::new(move |inputs, v| {
                if let Some(s) = inputs.cost.stage_cost_s_per_event.get_mut(i) {
                    s.cost_s_per_event = s.cost_s_per_event.rescaled(v);
                }
            }),
        ));
    }
    out.push(measured(
        "calibration.payload.cost_s_per_byte".to_string(),
        "payload cost per byte".to_string(),
        context.cost_model.payload_cost_s_per_byte.median,
        Box::new(|inputs, v| {
            inputs.cost.payload_cost_s_per_byte = inputs.cost.payload_cost_s_per_byte.rescaled(v)
        }),
    ));
    out.push(measured(
        "profile.bytes_per_event".to_string(),
        "payload per event".to_string(),
        context.facts.bytes_per_event,
        Box::new(|inputs, v| inputs.facts.bytes_per_event = v),
    ));
    if context.facts.state.entries_per_event > 0.0 {
        out.push(measured(
            "profile.state.entries_per_event".to_string(),
            "pipeline state per event".to_string(),
            context.facts.state.entries_per_event,
            Box::new(|inputs, v| inputs.facts.state.entries_per_event = v),
        ));
    }
    let scaling = &context.scaling;
    let [sigma_low, sigma_high] = scaling
        .sigma_range
        .unwrap_or([scaling.sigma * 0.5, (scaling.sigma * 1.5).min(1.0)]);
    out.push(Candidate {
        input: "scaling.sigma".to_string(),
        label: "contention σ of a node's cores".to_string(),
        class: scaling.class(),
        base: scaling.sigma,
        low: sigma_low,
        high: sigma_high,
        apply: Box::new(|inputs, v| inputs.sigma = Some(v)),
    });
    let review = context.review;
    for a in CATALOGUE {
        let targets: Vec<Option<usize>> = match a.scope() {
            Scope::Review => vec![None],
            Scope::Design => {
                let [single, distributed] = compared;
                let mut both = vec![Some(single), Some(distributed)];
                both.dedup();
                both
            }
        };
        for alternative in targets {
            let Some(value) = a.value(review, alternative) else {
                continue;
            };
            let (low, high) = a.range.around(value);
            let assumption = *a;
            let touches_cache =
                matches!(a.path, "workload.hot_keys" | "workload.hot_key_zipf_alpha");
            out.push(Candidate {
                input: a.path_in(alternative),
                label: match alternative.and_then(|i| review.alternatives.get(i)) {
                    Some(alt) => format!("{} ({})", a.label, alt.option),
                    None => a.label.to_string(),
                },
                class: TermClass::Assumed,
                base: value,
                low,
                high,
                apply: Box::new(move |inputs, v| {
                    inputs.review = assumption.with_value(&inputs.review, alternative, v);
                    if touches_cache {
                        inputs.keep_cache = false;
                    }
                }),
            });
        }
    }
    out
}

/// The scoring table's rule: the name of the winning alternative at the
/// review's volume, given the projections there.
pub type Winner =
    dyn Fn(&Review, &DataFacts, &[Projection]) -> Result<String, AnalysisError> + Sync;

/// The binding crossing and the winner for one set of inputs.
fn evaluate(
    inputs: &Inputs,
    base: &[Projector],
    scaling: &ScalingModel,
    config: &ProjectionConfig,
    review_events: f64,
    winner: &Winner,
) -> Result<(Option<f64>, String), AnalysisError> {
    // The base fit, not a refit: the inputs move one at a time.
    let context = Context {
        review: &inputs.review,
        cost_model: &inputs.cost,
        facts: &inputs.facts,
        scaling: match inputs.sigma {
            Some(sigma) => scaling.with_sigma(sigma),
            None => scaling.clone(),
        },
        config: config.clone(),
    };
    let projectors: Vec<Projector> = (0..inputs.review.alternatives.len())
        .map(|i| {
            let cache: Option<CacheRates> = inputs
                .keep_cache
                .then(|| base.get(i).map(|p| p.cache))
                .flatten();
            match (cache, inputs.review.alternatives.get(i)) {
                (Some(cache), Some(a)) => Ok(Projector::from_parts(
                    &context,
                    i,
                    &a.option,
                    a.design.clone(),
                    cache,
                )),
                _ => Projector::new(&context, i),
            }
        })
        .collect::<Result<_, _>>()?;
    let runs = SENSITIVITY_FAILURE_RUNS.min(config.failure_runs);
    let binding = pick_pair(&projectors)
        .and_then(|(s, _)| projectors.get(s))
        .and_then(|single| {
            find_crossing_within(review_events, SENSITIVITY_TOLERANCE, |e| {
                let p = single.project(e, runs);
                Criterion::LIMITS.iter().any(|c| c.fails(&p))
            })
            .from_events()
        });
    let projections: Vec<Projection> = projectors
        .iter()
        .map(|p| p.project(review_events, runs))
        .collect();
    Ok((
        binding,
        winner(&inputs.review, &inputs.facts, &projections)?,
    ))
}

/// Moves every input over its range. `winner` scores projections at the
/// review's volume (the scoring table's rule).
pub fn sensitivity(
    context: &Context,
    projectors: &[Projector],
    winner: &Winner,
) -> Result<Sensitivity, AnalysisError> {
    let review_events = context.review.workload.events as f64;
    let base_inputs = Inputs {
        review: context.review.clone(),
        cost: context.cost_model.clone(),
        facts: context.facts.clone(),
        sigma: None,
        keep_cache: true,
    };
    let config = &context.config;
    let scaling = &context.scaling;
    let (base_binding, base_winner) = evaluate(
        &base_inputs,
        projectors,
        scaling,
        config,
        review_events,
        winner,
    )?;
    let compared = pick_pair(projectors)
        .map(|(single, distributed)| [single, distributed])
        .unwrap_or([0, 0]);
    let candidates = candidates(context, compared);
    let mut inputs: Vec<InputSwing> = candidates
        .par_iter()
        .map(|c| {
            let at = |value: f64| {
                let mut inputs = base_inputs.clone();
                (c.apply)(&mut inputs, value);
                evaluate(&inputs, projectors, scaling, config, review_events, winner)
            };
            let (binding_at_low, winner_at_low) = at(c.low)?;
            let (binding_at_high, winner_at_high) = at(c.high)?;
            Ok(InputSwing {
                input: c.input.clone(),
                label: c.label.clone(),
                class: c.class,
                base: c.base,
                low: c.low,
                high: c.high,
                binding_at_low,
                binding_at_high,
                winner_at_low,
                winner_at_high,
            })
        })
        .collect::<Result<_, AnalysisError>>()?;
    // Widest span first; ties keep the candidates' order.
    inputs.sort_by(|a, b| b.span_decades().total_cmp(&a.span_decades()));
    let hinges_on = inputs
        .first()
        .filter(|s| s.span_decades() > 0.0)
        .map(|s| s.input.clone());
    let flips_winner = inputs
        .iter()
        .filter(|s| s.winner_at_low != base_winner || s.winner_at_high != base_winner)
        .map(|s| s.input.clone())
        .collect();
    Ok(Sensitivity {
        review_events,
        base_binding,
        base_winner,
        inputs,
        hinges_on,
        flips_winner,
        failure_runs: SENSITIVITY_FAILURE_RUNS.min(config.failure_runs),
    })
}
