//! The one place the analysis calls [`crate::models`].
//!
//! Every model the analysis uses is reached through a function here, taking
//! and returning the analysis' own small types. When a model's signature
//! changes, only this file changes.

use super::{AnalysisError, ThreadScaling};
use crate::models::{self, cache, checkpoint, scoring, ScalingPoint};
use crate::units::{EventsPerSecond, Seconds};

// ---------------------------------------------------------------- scaling

/// The scalability fit of the measured lane scaling.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalingFit {
    pub lambda_events_per_s: f64,
    pub sigma: f64,
    pub kappa: f64,
    pub r2: f64,
    pub n_peak: Option<f64>,
    pub amdahl_serial_fraction: f64,
    /// Distinct lane counts measured: 2 fits Amdahl (σ only), ≥ 3 the USL.
    pub lane_counts: usize,
    /// Plausible σ range from resampling the repeated passes.
    pub sigma_range: Option<[f64; 2]>,
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

/// Fits a scalability law to every measured pass: the USL through ≥ 3 lane
/// counts, Amdahl through 2, nothing through 1.
pub fn fit_scaling(points: &[ThreadScaling], seed: u64) -> Result<ScalingFit, AnalysisError> {
    let _ = seed;
    let mut counts: Vec<f64> = points.iter().map(|p| p.threads).collect();
    counts.sort_by(f64::total_cmp);
    counts.dedup();
    let model_points: Vec<ScalingPoint> = points
        .iter()
        .map(|p| ScalingPoint {
            workers: p.threads,
            throughput: EventsPerSecond(p.events_per_s),
        })
        .collect();
    match counts.len() {
        0 | 1 => Err(AnalysisError::Model(
            "one lane count measured, nothing to fit a scalability law to".to_string(),
        )),
        2 => {
            let fit = models::fit_amdahl(&model_points)?;
            Ok(ScalingFit {
                lambda_events_per_s: fit.lambda.0,
                sigma: fit.serial_fraction,
                kappa: 0.0,
                r2: fit.r2,
                n_peak: None,
                amdahl_serial_fraction: fit.serial_fraction,
                lane_counts: 2,
                sigma_range: None,
            })
        }
        lane_counts => {
            let fit = models::fit_usl(&model_points)?;
            Ok(ScalingFit {
                lambda_events_per_s: fit.lambda.0,
                sigma: fit.sigma,
                kappa: fit.kappa,
                r2: fit.r2,
                n_peak: fit.n_peak,
                amdahl_serial_fraction: fit.amdahl_serial_fraction,
                lane_counts,
                sigma_range: None,
            })
        }
    }
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

impl CacheRates {
    /// No look-ups at all.
    pub const NONE: CacheRates = CacheRates {
        hot_hit_rate: 0.0,
        warm_hit_rate: 0.0,
        overall_hit_rate: 0.0,
        stale_read_rate: 0.0,
        simulated_requests: 0,
    };
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

/// The makespan distribution of a run under failures (provisioning
/// excluded).
#[derive(Clone, Debug, PartialEq)]
pub struct FailureRuns {
    /// The closed-form expectation `E[T]` (infinite when the run practically
    /// never finishes).
    pub expected_s: f64,
    /// Monte Carlo makespans, sorted ascending.
    pub makespans_s: Vec<f64>,
    /// False when the model refused: failures arrive faster than the run
    /// progresses.
    pub completes: bool,
}

impl FailureRuns {
    /// Nearest-rank quantile of the Monte Carlo makespans.
    pub fn quantile(&self, q: f64) -> f64 {
        let n = self.makespans_s.len();
        if n == 0 {
            return self.expected_s;
        }
        let rank = libm::ceil(q * n as f64) as usize;
        self.makespans_s
            .get(rank.clamp(1, n) - 1)
            .copied()
            .unwrap_or(self.expected_s)
    }

    /// Share of runs longer than `t`.
    pub fn exceedance(&self, t: f64) -> f64 {
        let n = self.makespans_s.len();
        if n == 0 {
            return if self.expected_s > t { 1.0 } else { 0.0 };
        }
        let within = self.makespans_s.partition_point(|&m| m <= t);
        (n - within) as f64 / n as f64
    }

    /// Mean of `f(makespan)` over the runs, summed in order.
    pub fn mean_of(&self, f: impl Fn(f64) -> f64) -> f64 {
        let n = self.makespans_s.len();
        if n == 0 {
            return f(self.expected_s);
        }
        self.makespans_s.iter().fold(0.0, |sum, &m| sum + f(m)) / n as f64
    }
}

/// Daly's higher-order optimum checkpoint interval for a positive
/// checkpoint cost.
pub fn young_daly_interval(checkpoint_s: f64, mtbf_s: f64) -> f64 {
    // On refusal (not positive), checkpoint once per MTBF.
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

/// The closed-form expectation and the Monte Carlo makespans of a run.
pub fn failure_runs(input: &FailureInput) -> FailureRuns {
    if input.work_s <= 0.0 {
        return FailureRuns {
            expected_s: 0.0,
            makespans_s: Vec::new(),
            completes: true,
        };
    }
    let expected_s = expected_completion_time(input);
    let outcome = models::checkpoint::simulate_makespans(&checkpoint::CheckpointParams {
        work_s: Seconds(input.work_s),
        interval_s: input.interval_s.map(Seconds),
        checkpoint_s: Seconds(input.checkpoint_s),
        restart_s: Seconds(input.restart_s),
        mtbf_s: Seconds(input.mtbf_s),
        runs: u64::from(input.runs),
        seed: input.seed,
    });
    match outcome {
        Ok(makespans_s) if expected_s.is_finite() => FailureRuns {
            expected_s,
            makespans_s,
            completes: true,
        },
        _ => FailureRuns {
            expected_s: f64::INFINITY,
            makespans_s: Vec::new(),
            completes: false,
        },
    }
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
