//! Analytic and Monte Carlo models behind Scalewise's design reviews.
//!
//! Each submodule owns one model family and documents its formulas and
//! sources:
//!
//! - [`zipf`]: Zipf(n, α) popularity — exact table sampler for small
//!   catalogues, rejection-inversion (Hörmann & Derflinger 1996) for large ones.
//! - [`usl`]: Universal Scalability Law and Amdahl fits (least squares,
//!   projected Levenberg–Marquardt) on repeated passes, with a bootstrap
//!   band; COST (McSherry et al. 2015); a defensive `workers,throughput` CSV
//!   parser.
//! - [`cache`]: hit, warm-hit and stale-read rates of per-node hot tiers in
//!   front of a shared warm tier under Zipf traffic and per-group version
//!   changes: an analytic model (Che's approximation, renewal miss streams)
//!   and the LRU simulation that checks it.
//! - [`checkpoint`]: checkpoint/restart under exponential failures — Young and
//!   Daly intervals, Daly's closed-form makespan, a parallel Monte Carlo whose
//!   sorted makespans give quantiles, deadline misses and billed time.
//! - [`scoring`]: multi-criteria decisions — value functions of thresholds
//!   and fixed scales, feasibility first, weighted sum, weight sensitivity,
//!   TOPSIS on the raw values.
//!
//! All models are pure functions of their inputs. Randomness comes only from
//! [`crate::rng::ItemRng`], indexed by run or request number, so results never
//! depend on thread count or chunking. Invalid inputs are reported as a
//! [`ModelError`] naming the offending parameter and its allowed range; no
//! model panics on user input.

pub mod cache;
pub mod checkpoint;
pub mod scoring;
pub mod usl;
pub mod zipf;

pub use cache::{
    analyse as analyse_cache, che_characteristic_time, che_hit_rate, simulate as simulate_cache,
    simulate_lru, CacheAnalysis, CacheParams, CacheRates, GroupChanges, InvalidationPolicy,
    LruOutcome, LruParams, SimulationOutcome, SimulationParams, Warmup,
};
pub use checkpoint::{
    auto_interval, expected_completion_time, expected_completion_time_without_checkpoints,
    simulate as simulate_checkpoint, system_mtbf, young_daly_interval, young_interval, BillingRule,
    CheckpointOutcome, CheckpointParams, Makespans,
};
pub use scoring::{
    score, sensitivity, topsis, Alternative, Criterion, Direction, Scale, ScoredAlternative,
    ScoringInput, ScoringTable, Sensitivity, SensitivityConfig, Topsis, ValueRule,
};
pub use usl::{
    cost, fit_amdahl, fit_scaling, fit_usl, parse_points_csv, AmdahlFit, BandConfig, NoFit,
    ScalingBand, ScalingFit, ScalingFitOutcome, ScalingLaw, ScalingPoint, UslFit,
};
pub use zipf::{Zipf, ZipfSampler, ZipfTable};

/// Why a model refused its inputs or could not produce a result.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// A numeric parameter is outside its allowed range (or not finite).
    #[error("parameter `{name}` = {value} is out of range: expected {allowed}")]
    OutOfRange {
        /// Parameter name as it appears in the input document.
        name: String,
        /// The rejected value.
        value: f64,
        /// Human-readable allowed range, e.g. `"1 ≤ n ≤ 65536"`.
        allowed: String,
    },
    /// A CSV line could not be parsed.
    #[error("line {line}, column `{column}`: {message}")]
    Csv {
        /// 1-based line number in the input text.
        line: usize,
        /// Column name (`workers`, `throughput`, …).
        column: String,
        /// What was wrong.
        message: String,
    },
    /// Inputs are individually valid but together malformed (shape mismatch,
    /// too few points, …).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// The inputs describe a system whose answer is unbounded or too costly
    /// to compute (e.g. a job that would practically never finish).
    #[error("infeasible: {0}")]
    Infeasible(String),
}

impl ModelError {
    /// Shorthand for [`ModelError::OutOfRange`].
    pub(crate) fn out_of_range(name: &str, value: f64, allowed: &str) -> Self {
        Self::OutOfRange {
            name: name.to_owned(),
            value,
            allowed: allowed.to_owned(),
        }
    }
}

/// `Ok(value)` when `value` is finite and in `[min, max]`, else an
/// [`ModelError::OutOfRange`] naming `name`.
pub(crate) fn check_range(name: &str, value: f64, min: f64, max: f64) -> Result<f64, ModelError> {
    if value.is_finite() && value >= min && value <= max {
        Ok(value)
    } else {
        Err(ModelError::out_of_range(
            name,
            value,
            &format!("finite, {min} ≤ {name} ≤ {max}"),
        ))
    }
}

/// Running shares of `weights` (summing to `total`): element i is the share of
/// the first i + 1 weights. The last is exactly 1, so a uniform draw in
/// [0, 1) always finds a bucket despite rounding.
pub(crate) fn cumulative_shares(weights: &[f64], total: f64) -> Vec<f64> {
    let mut running = 0.0;
    let mut cumulative: Vec<f64> = weights
        .iter()
        .map(|w| {
            running += w;
            running / total
        })
        .collect();
    if let Some(last) = cumulative.last_mut() {
        *last = 1.0;
    }
    cumulative
}
