//! The one place the analysis calls [`crate::models`].
//!
//! Every model the analysis uses is reached through a function here, taking
//! and returning the analysis' own small types. When a model's signature
//! changes, only this file changes.

use super::{AnalysisError, ThreadScaling};
use crate::models::{self, cache, checkpoint, scoring, ScalingPoint};
use crate::units::{EventsPerSecond, Seconds};

// ---------------------------------------------------------------- scaling

/// The scaling law fitted to the measured lane scaling (all repeated
/// passes): USL from three lane counts, Amdahl from two.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalingFit {
    pub law: models::ScalingLaw,
    pub lambda_events_per_s: f64,
    pub sigma: f64,
    pub kappa: f64,
    pub r2: f64,
    /// RMSE of the relative residuals `X/X̂ − 1` over all passes.
    pub rmse_relative: f64,
    pub n_peak: Option<f64>,
    /// σ of the Amdahl fit to the same passes (σ itself for Amdahl).
    pub amdahl_serial_fraction: f64,
    pub lane_counts: usize,
    pub passes: usize,
    /// Largest lane count measured: speed-ups at more cores extrapolate.
    pub max_lanes: f64,
    /// Bootstrap band (resampled passes per lane count): `(low, high)`.
    pub sigma_range: (f64, f64),
    pub kappa_range: (f64, f64),
    fit: models::ScalingFit,
}

impl ScalingFit {
    /// `X(n)/X(1)` on the fitted curve.
    pub fn speedup_at(&self, n: f64) -> f64 {
        speedup(self.sigma, self.kappa, n)
    }

    /// `(low, high)` speed-up at `n` lanes over the bootstrap band.
    pub fn speedup_range(&self, n: f64) -> (f64, f64) {
        self.fit.speedup_range(n)
    }
}

/// Why there is no [`ScalingFit`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum NoScalingFit {
    /// Too few lane counts: the caller assumes σ and says why.
    #[error("{0}")]
    NotFitted(models::NoFit),
    /// The measurements themselves are malformed.
    #[error("{0}")]
    Invalid(AnalysisError),
}

/// USL speedup `n / (1 + σ(n − 1) + κ n (n − 1))`.
pub fn speedup(sigma: f64, kappa: f64, n: f64) -> f64 {
    n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))
}

/// Fits the scaling law to every measured pass, with a bootstrap band
/// seeded from `seed` (the review's).
pub fn fit_scaling(points: &[ThreadScaling], seed: u64) -> Result<ScalingFit, NoScalingFit> {
    let points: Vec<ScalingPoint> = points
        .iter()
        .map(|p| ScalingPoint {
            workers: p.threads,
            throughput: EventsPerSecond(p.events_per_s),
        })
        .collect();
    let invalid = |e: models::ModelError| NoScalingFit::Invalid(e.into());
    let fit = match models::fit_scaling(&points, &models::BandConfig::new(seed)).map_err(invalid)? {
        models::ScalingFitOutcome::Fitted(fit) => fit,
        models::ScalingFitOutcome::NotFitted(reason) => {
            return Err(NoScalingFit::NotFitted(reason))
        }
    };
    let amdahl_serial_fraction = match fit.law {
        models::ScalingLaw::Amdahl => fit.sigma,
        models::ScalingLaw::Usl => {
            models::fit_amdahl(&points)
                .map_err(invalid)?
                .serial_fraction
        }
    };
    Ok(ScalingFit {
        law: fit.law,
        lambda_events_per_s: fit.lambda.0,
        sigma: fit.sigma,
        kappa: fit.kappa,
        r2: fit.r2,
        rmse_relative: fit.rmse_relative,
        n_peak: (fit.kappa > 0.0).then(|| ((1.0 - fit.sigma) / fit.kappa).sqrt()),
        amdahl_serial_fraction,
        lane_counts: fit.lane_counts,
        passes: fit.passes,
        max_lanes: fit.max_lanes,
        sigma_range: fit.band.sigma,
        kappa_range: fit.band.kappa,
        fit,
    })
}

// ---------------------------------------------------------------- cache

/// Inputs of the cache model. Rates are per second (any common time unit:
/// only their ratios matter), so that a node's hot tier sees `1/nodes` of
/// the requests but every change.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheInput {
    /// Hot tiers, one per node.
    pub nodes: u32,
    /// Capacity of each node's hot tier.
    pub hot_capacity_keys: u64,
    /// Capacity of the shared warm tier (0: none).
    pub warm_capacity_keys: u64,
    pub catalog_keys: u64,
    pub alpha: f64,
    /// Cache look-ups per second over all nodes.
    pub requests_per_s: f64,
    /// Schema changes per second of each class of key groups (a domain's
    /// datasets), most active first.
    pub class_changes_per_s: Vec<f64>,
    /// Key groups per class (datasets per domain).
    pub groups_per_class: u64,
    pub versioned: bool,
}

/// Steady-state hit and stale-read rates per request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CacheRates {
    pub hot_hit_rate: f64,
    /// Hit rate of the requests that reach the warm tier.
    pub warm_hit_rate: f64,
    pub overall_hit_rate: f64,
    pub stale_read_rate: f64,
}

impl CacheRates {
    /// No look-ups at all.
    pub const NONE: CacheRates = CacheRates {
        hot_hit_rate: 0.0,
        warm_hit_rate: 0.0,
        overall_hit_rate: 0.0,
        stale_read_rate: 0.0,
    };
}

/// The analytic cache model (Che's approximation per tier; see
/// [`models::cache`]).
pub fn cache_rates(input: &CacheInput) -> Result<CacheRates, AnalysisError> {
    let analysis = models::analyse_cache(&cache_params(input))?;
    let rates = analysis.rates;
    Ok(CacheRates {
        hot_hit_rate: rates.hot_hit_rate,
        warm_hit_rate: rates.warm_hit_rate,
        overall_hit_rate: rates.overall_hit_rate,
        stale_read_rate: rates.stale_read_rate,
    })
}

fn cache_params(input: &CacheInput) -> cache::CacheParams {
    cache::CacheParams {
        catalog_keys: input.catalog_keys,
        alpha: input.alpha,
        requests_per_s: input.requests_per_s,
        nodes: u64::from(input.nodes.max(1)),
        hot_capacity_keys: input.hot_capacity_keys,
        warm_capacity_keys: input.warm_capacity_keys,
        policy: if input.versioned {
            cache::InvalidationPolicy::Versioned
        } else {
            cache::InvalidationPolicy::None
        },
        changes: cache::GroupChanges {
            class_changes_per_s: input.class_changes_per_s.clone(),
            groups_per_class: input.groups_per_class,
        },
    }
}

/// Che's approximation of one LRU tier's hit rate.
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

/// A run's makespan under failures (provisioning excluded): Daly's closed
/// form for the mean, the Monte Carlo for everything else.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureRuns {
    /// The closed-form `E[T]`.
    pub expected_s: f64,
    /// Every run's makespan, sorted; `None` when the work is zero.
    pub makespans: Option<checkpoint::Makespans>,
    /// False when the model refused: failures arrive faster than the run
    /// progresses, it practically never finishes.
    pub completes: bool,
}

impl FailureRuns {
    /// Nearest-rank quantile.
    pub fn quantile(&self, q: f64) -> f64 {
        self.makespans
            .as_ref()
            .map_or(self.expected_s, |m| m.quantile(q))
    }

    /// Share of runs longer than `t`.
    pub fn exceedance(&self, t: f64) -> f64 {
        match &self.makespans {
            Some(m) => m.p_exceeds(t),
            None => f64::from(u8::from(self.expected_s > t)),
        }
    }

    /// Mean billed seconds per node of a run provisioned `provisioning_s`
    /// ahead and billed per `granularity_s`, at least `minimum_s`.
    pub fn mean_billed_s(&self, provisioning_s: f64, granularity_s: f64, minimum_s: f64) -> f64 {
        let rule = checkpoint::BillingRule {
            provisioning_s,
            granularity_s,
            minimum_s,
        };
        match &self.makespans {
            Some(m) => m.mean_billed_s(&rule),
            None => rule.billed_s(self.expected_s),
        }
    }
}

/// The interval of `auto` checkpointing: Daly's higher-order optimum, never
/// below the minimum interval; free checkpoints (`checkpoint_s = 0`) get the
/// minimum interval. On refusal (invalid MTBF) checkpoint once per MTBF.
pub fn auto_checkpoint_interval(checkpoint_s: f64, mtbf_s: f64) -> f64 {
    models::auto_interval(Seconds(checkpoint_s), Seconds(mtbf_s)).map_or(mtbf_s, |s| s.0)
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
            makespans: None,
            completes: true,
        };
    }
    let expected_s = expected_completion_time(input);
    let outcome = models::simulate_checkpoint(&checkpoint::CheckpointParams {
        work_s: Seconds(input.work_s),
        interval_s: input.interval_s.map(Seconds),
        checkpoint_s: Seconds(input.checkpoint_s),
        restart_s: Seconds(input.restart_s),
        mtbf_s: Seconds(input.mtbf_s),
        runs: u64::from(input.runs),
        seed: input.seed,
    });
    match outcome {
        Ok(outcome) if expected_s.is_finite() && outcome.did_not_finish_runs == 0 => FailureRuns {
            expected_s,
            makespans: Some(outcome.makespans),
            completes: true,
        },
        _ => FailureRuns {
            expected_s: f64::INFINITY,
            makespans: None,
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
