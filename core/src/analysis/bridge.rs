//! The one place the analysis calls [`crate::models`].
//!
//! Every model the analysis uses is reached through a function here, taking
//! and returning the analysis' own small types. When a model's signature
//! changes, only this file changes.

use super::{AnalysisError, ThreadScaling};
use crate::models::{self, cache, checkpoint, scoring, ScalingPoint};
use crate::units::{EventsPerSecond, Seconds};

// ---------------------------------------------------------------- scaling

/// The USL fit of the measured thread scaling.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalingFit {
    pub lambda_events_per_s: f64,
    pub sigma: f64,
    pub kappa: f64,
    pub r2: f64,
    pub n_peak: Option<f64>,
    pub amdahl_serial_fraction: f64,
}

impl ScalingFit {
    /// `X(n)/X(1)` on the fitted curve.
    pub fn speedup_at(&self, n: f64) -> f64 {
        speedup(self.sigma, self.kappa, n)
    }
}

/// USL speedup `n / (1 + σ(n − 1) + κ n (n − 1))`.
pub fn speedup(sigma: f64, kappa: f64, n: f64) -> f64 {
    n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))
}

/// Fits the Universal Scalability Law to the measured points.
pub fn fit_scaling(points: &[ThreadScaling]) -> Result<ScalingFit, AnalysisError> {
    let points: Vec<ScalingPoint> = points
        .iter()
        .map(|p| ScalingPoint {
            workers: p.threads,
            throughput: EventsPerSecond(p.events_per_s),
        })
        .collect();
    let fit = models::fit_usl(&points)?;
    Ok(ScalingFit {
        lambda_events_per_s: fit.lambda.0,
        sigma: fit.sigma,
        kappa: fit.kappa,
        r2: fit.r2,
        n_peak: fit.n_peak,
        amdahl_serial_fraction: fit.amdahl_serial_fraction,
    })
}

/// COST (McSherry et al. 2015) from the measurements: the smallest measured
/// thread count whose throughput beats one thread's; `None` if none does.
pub fn cost_threads(points: &[ThreadScaling], single_thread_events_per_s: f64) -> Option<f64> {
    let mut sorted: Vec<ThreadScaling> = points.to_vec();
    sorted.sort_by(|a, b| a.threads.total_cmp(&b.threads));
    sorted
        .iter()
        .find(|p| p.events_per_s > single_thread_events_per_s)
        .map(|p| p.threads)
}

// ---------------------------------------------------------------- cache

/// Inputs of the two-tier cache model.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheInput {
    pub hot_capacity_keys: u64,
    pub warm_capacity_keys: u64,
    pub catalog_keys: u64,
    pub alpha: f64,
    /// Probability per request that one key group (a dataset) changes its
    /// schema version.
    pub drift_rate: f64,
    /// Relative change frequency of each class of key groups (a domain's
    /// event share), most active first.
    pub group_class_weights: Vec<f64>,
    /// Key groups per class (datasets per domain).
    pub groups_per_class: u64,
    pub versioned: bool,
    pub requests: u64,
    pub warmup_requests: u64,
    pub seed: u64,
}

/// Hit and stale-read rates per request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CacheRates {
    pub hot_hit_rate: f64,
    /// Hit rate of the requests that reach the warm tier.
    pub warm_hit_rate: f64,
    pub overall_hit_rate: f64,
    pub stale_read_rate: f64,
    /// Requests simulated, warm-up included: the window over which entries
    /// can go stale.
    pub simulated_requests: u64,
}

pub fn cache_rates(input: &CacheInput) -> Result<CacheRates, AnalysisError> {
    let outcome = models::simulate_two_tier(&cache::TwoTierParams {
        hot_capacity_keys: input.hot_capacity_keys,
        warm_capacity_keys: input.warm_capacity_keys,
        catalog_keys: input.catalog_keys,
        alpha: input.alpha,
        requests: input.requests,
        warmup_requests: input.warmup_requests,
        seed: input.seed,
        invalidation: cache::Invalidation {
            policy: if input.versioned {
                cache::InvalidationPolicy::Versioned
            } else {
                cache::InvalidationPolicy::None
            },
            drift_rate: input.drift_rate,
            groups: cache::KeyGroups {
                class_weights: input.group_class_weights.clone(),
                groups_per_class: input.groups_per_class,
            },
        },
    })?;
    Ok(CacheRates {
        hot_hit_rate: outcome.hot_hit_rate,
        warm_hit_rate: outcome.warm_hit_rate,
        overall_hit_rate: outcome.overall_hit_rate,
        stale_read_rate: outcome.stale_read_rate,
        simulated_requests: input.warmup_requests.saturating_add(input.requests),
    })
}

/// Che's approximation of one LRU tier's hit rate (a check on the simulation).
pub fn che_hit_rate(
    capacity_keys: u64,
    catalog_keys: u64,
    alpha: f64,
) -> Result<f64, AnalysisError> {
    Ok(models::che_hit_rate(capacity_keys, catalog_keys, alpha)?)
}

// ---------------------------------------------------------------- failures

/// Inputs of the checkpoint/restart model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FailureInput {
    pub work_s: f64,
    /// `None`: no checkpoints, a failure restarts the batch.
    pub interval_s: Option<f64>,
    pub checkpoint_s: f64,
    pub restart_s: f64,
    /// System MTBF (node MTBF / nodes).
    pub mtbf_s: f64,
    pub runs: u32,
    pub seed: u64,
}

/// Makespan statistics under failures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FailureStats {
    pub mean_s: f64,
    pub p50_s: f64,
    pub p95_s: f64,
    pub mean_failures: f64,
    pub closed_form_s: f64,
    /// Runs the model stopped as runaway (their time is not in the stats).
    pub did_not_finish_runs: u64,
}

/// Daly's higher-order optimum checkpoint interval.
pub fn young_daly_interval(checkpoint_s: f64, mtbf_s: f64) -> f64 {
    // Both arguments are positive here (zero checkpoint cost is passed as
    // the smallest positive number); on refusal checkpoint once per MTBF.
    models::young_daly_interval(Seconds(checkpoint_s), Seconds(mtbf_s)).map_or(mtbf_s, |s| s.0)
}

/// `E[T]` in closed form (see `models::checkpoint`).
/// Infinite when the model refuses (the job is far too long for the MTBF).
pub fn expected_completion_time(input: &FailureInput) -> f64 {
    let result = match input.interval_s {
        Some(interval) => models::expected_completion_time(
            Seconds(input.work_s),
            Seconds(interval),
            Seconds(input.checkpoint_s),
            Seconds(input.restart_s),
            Seconds(input.mtbf_s),
        ),
        None => models::expected_completion_time_without_checkpoints(
            Seconds(input.work_s),
            Seconds(input.restart_s),
            Seconds(input.mtbf_s),
        ),
    };
    result.map_or(f64::INFINITY, |s| s.0)
}

pub fn simulate_failures(input: &FailureInput) -> Result<FailureStats, AnalysisError> {
    let outcome = models::simulate_checkpoint(&checkpoint::CheckpointParams {
        work_s: Seconds(input.work_s),
        interval_s: input.interval_s.map(Seconds),
        checkpoint_s: Seconds(input.checkpoint_s),
        restart_s: Seconds(input.restart_s),
        mtbf_s: Seconds(input.mtbf_s),
        runs: u64::from(input.runs),
        seed: input.seed,
    })?;
    Ok(FailureStats {
        mean_s: outcome.expected_makespan_s.0,
        p50_s: outcome.p50_s.0,
        p95_s: outcome.p95_s.0,
        mean_failures: outcome.mean_failures,
        closed_form_s: outcome.closed_form_makespan_s.0,
        did_not_finish_runs: outcome.did_not_finish_runs,
    })
}

// ---------------------------------------------------------------- scoring

/// Weighted-sum table, random-weight sensitivity (±`spread`) and TOPSIS.
pub fn score(
    input: &scoring::ScoringInput,
    sensitivity: &scoring::SensitivityConfig,
) -> Result<(scoring::ScoringTable, scoring::Sensitivity, scoring::Topsis), AnalysisError> {
    Ok((
        models::score(input)?,
        models::sensitivity(input, sensitivity)?,
        models::topsis(input)?,
    ))
}

/// Weighted-sum table only (one-at-a-time sensitivity recomputes it).
pub fn weighted_sum(input: &scoring::ScoringInput) -> Result<scoring::ScoringTable, AnalysisError> {
    Ok(models::score(input)?)
}
