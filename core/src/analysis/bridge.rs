//! The one place the analysis calls [`crate::models`].
//!
//! Every model the analysis uses is reached through a function here, taking
//! and returning the analysis' own small types. When a model's signature
//! changes, only this file changes.
//!
//! Interim: until `models::{usl, cache, checkpoint, scoring}` are merged,
//! [`interim`] holds minimal stand-ins with the same semantics as their
//! documented designs (USL by linearised least squares, a BTreeMap two-tier
//! LRU with global version drift, the checkpoint closed form plus a plain
//! Monte Carlo, min–max weighted sum and TOPSIS). They are deleted on merge.

use rayon::prelude::*;

use super::{AnalysisError, ThreadScaling};
use crate::rng::{ItemRng, Stream};

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
    interim::fit_usl(points)
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
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CacheInput {
    pub hot_capacity_keys: u64,
    pub warm_capacity_keys: u64,
    pub catalog_keys: u64,
    pub alpha: f64,
    /// Probability per request that the cached schema version changes.
    pub drift_rate: f64,
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
}

pub fn cache_rates(input: &CacheInput) -> Result<CacheRates, AnalysisError> {
    interim::simulate_two_tier(input)
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
    interim::young_daly_interval(checkpoint_s, mtbf_s)
}

/// `E[T]` in closed form (see `models::checkpoint`).
pub fn expected_completion_time(input: &FailureInput) -> f64 {
    interim::expected_makespan(input)
}

pub fn simulate_failures(input: &FailureInput) -> Result<FailureStats, AnalysisError> {
    interim::simulate_checkpoints(input)
}

// ---------------------------------------------------------------- scoring

/// One criterion of a scoring table: raw values per alternative.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoringCriterion {
    pub name: String,
    pub weight: f64,
    pub higher_is_better: bool,
    pub values: Vec<f64>,
}

/// Weighted-sum table, weight sensitivity and TOPSIS.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoringOutcome {
    /// Min–max normalised score (1 = best) per criterion, per alternative.
    pub normalised: Vec<Vec<f64>>,
    /// Weighted sum per alternative (weights normalised to sum 1).
    pub totals: Vec<f64>,
    pub winner: usize,
    /// For each criterion: the winner with its weight −20% and +20%.
    pub sensitivity: Vec<(usize, usize)>,
    /// TOPSIS closeness per alternative.
    pub topsis_closeness: Vec<f64>,
    pub topsis_winner: usize,
}

pub fn score(criteria: &[ScoringCriterion]) -> Result<ScoringOutcome, AnalysisError> {
    interim::score(criteria)
}

/// Stand-ins for the unmerged models (see the module docs).
mod interim {
    use std::collections::BTreeMap;

    use super::*;

    pub fn fit_usl(points: &[ThreadScaling]) -> Result<ScalingFit, AnalysisError> {
        let mut distinct: Vec<f64> = points.iter().map(|p| p.threads).collect();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        if distinct.len() < 3 {
            return Err(AnalysisError::Model(format!(
                "USL fit needs ≥ 3 distinct thread counts, got {}",
                distinct.len()
            )));
        }
        // N/X = a + b(N − 1) + c N(N − 1); normal equations, 3×3.
        let mut m = [[0.0f64; 3]; 3];
        let mut v = [0.0f64; 3];
        for p in points {
            let n = p.threads;
            let row = [1.0, n - 1.0, n * (n - 1.0)];
            let y = n / p.events_per_s;
            for (i, ri) in row.iter().enumerate() {
                if let Some(vi) = v.get_mut(i) {
                    *vi += ri * y;
                }
                for (j, rj) in row.iter().enumerate() {
                    if let Some(mij) = m.get_mut(i).and_then(|r| r.get_mut(j)) {
                        *mij += ri * rj;
                    }
                }
            }
        }
        let [a, b, c] = solve3(m, v)
            .ok_or_else(|| AnalysisError::Model("USL normal equations are singular".into()))?;
        if !(a > 0.0) {
            return Err(AnalysisError::Model("USL fit: non-positive λ".into()));
        }
        let lambda = 1.0 / a;
        let sigma = (b / a).clamp(0.0, 1.0);
        let kappa = (c / a).max(0.0);
        let mean = points.iter().map(|p| p.events_per_s).sum::<f64>() / points.len() as f64;
        let (mut sse, mut sst) = (0.0, 0.0);
        for p in points {
            let fitted = lambda * speedup(sigma, kappa, p.threads);
            sse += (p.events_per_s - fitted) * (p.events_per_s - fitted);
            sst += (p.events_per_s - mean) * (p.events_per_s - mean);
        }
        let r2 = if sst > 0.0 { 1.0 - sse / sst } else { 1.0 };
        Ok(ScalingFit {
            lambda_events_per_s: lambda,
            sigma,
            kappa,
            r2,
            n_peak: (kappa > 0.0).then(|| ((1.0 - sigma) / kappa).sqrt()),
            amdahl_serial_fraction: sigma,
        })
    }

    fn solve3(m: [[f64; 3]; 3], v: [f64; 3]) -> Option<[f64; 3]> {
        let det = |m: [[f64; 3]; 3]| {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        };
        let d = det(m);
        if d.abs() < 1e-300 {
            return None;
        }
        let mut out = [0.0; 3];
        for (k, o) in out.iter_mut().enumerate() {
            let mut mk = m;
            for (row, vr) in mk.iter_mut().zip(v) {
                row[k] = vr;
            }
            *o = det(mk) / d;
        }
        Some(out)
    }

    /// Two-tier inclusive LRU with a global version (BTreeMap-based: slow
    /// but simple).
    pub fn simulate_two_tier(input: &CacheInput) -> Result<CacheRates, AnalysisError> {
        let zipf = crate::models::Zipf::new(input.catalog_keys, input.alpha)?;
        #[derive(Default)]
        struct Lru {
            capacity: u64,
            entries: BTreeMap<u64, (u64, u64)>, // key → (stamp, version)
            order: BTreeMap<u64, u64>,          // stamp → key
        }
        impl Lru {
            fn get(&mut self, key: u64, now: u64) -> Option<u64> {
                let (stamp, version) = *self.entries.get(&key)?;
                self.order.remove(&stamp);
                self.order.insert(now, key);
                self.entries.insert(key, (now, version));
                Some(version)
            }
            fn put(&mut self, key: u64, version: u64, now: u64) {
                if self.capacity == 0 {
                    return;
                }
                if let Some((stamp, _)) = self.entries.remove(&key) {
                    self.order.remove(&stamp);
                } else if self.entries.len() as u64 >= self.capacity {
                    if let Some((_, old)) = self.order.pop_first() {
                        self.entries.remove(&old);
                    }
                }
                self.entries.insert(key, (now, version));
                self.order.insert(now, key);
            }
        }
        let mut hot = Lru {
            capacity: input.hot_capacity_keys,
            ..Lru::default()
        };
        let mut warm = Lru {
            capacity: input.warm_capacity_keys,
            ..Lru::default()
        };
        let mut version = 0u64;
        let (mut hot_hits, mut warm_hits, mut stale, mut measured) = (0u64, 0u64, 0u64, 0u64);
        let total = input.warmup_requests + input.requests;
        for i in 0..total {
            let mut rng = ItemRng::new(input.seed, Stream::CacheKeys, i);
            let key = zipf.sample(&mut rng);
            if rng.chance(input.drift_rate) {
                version += 1;
            }
            let counting = i >= input.warmup_requests;
            measured += u64::from(counting);
            let now = 2 * i;
            match hot.get(key, now) {
                Some(v) if !input.versioned || v == version => {
                    hot_hits += u64::from(counting);
                    stale += u64::from(counting && v != version);
                    continue;
                }
                _ => {}
            }
            match warm.get(key, now) {
                Some(v) if !input.versioned || v == version => {
                    warm_hits += u64::from(counting);
                    stale += u64::from(counting && v != version);
                    hot.put(key, v, now + 1);
                }
                _ => {
                    warm.put(key, version, now);
                    hot.put(key, version, now + 1);
                }
            }
        }
        let n = measured.max(1) as f64;
        let reach_warm = measured.saturating_sub(hot_hits);
        Ok(CacheRates {
            hot_hit_rate: hot_hits as f64 / n,
            warm_hit_rate: if reach_warm == 0 {
                0.0
            } else {
                warm_hits as f64 / reach_warm as f64
            },
            overall_hit_rate: (hot_hits + warm_hits) as f64 / n,
            stale_read_rate: stale as f64 / n,
        })
    }

    pub fn young_daly_interval(delta: f64, m: f64) -> f64 {
        if delta >= 2.0 * m {
            return m;
        }
        let ratio = delta / (2.0 * m);
        (2.0 * delta * m).sqrt() * (1.0 + ratio.sqrt() / 3.0 + ratio / 9.0) - delta
    }

    fn segments(input: &FailureInput) -> (f64, f64, f64) {
        match input.interval_s {
            Some(tau) => {
                let n = libm::ceil(input.work_s / tau).max(1.0) - 1.0;
                (
                    n,
                    tau + input.checkpoint_s,
                    (input.work_s - n * tau).max(0.0),
                )
            }
            None => (0.0, 0.0, input.work_s),
        }
    }

    pub fn expected_makespan(input: &FailureInput) -> f64 {
        let m = input.mtbf_s;
        let (n, full, last) = segments(input);
        m * libm::exp(input.restart_s / m) * (n * libm::expm1(full / m) + libm::expm1(last / m))
    }

    pub fn simulate_checkpoints(input: &FailureInput) -> Result<FailureStats, AnalysisError> {
        let closed = expected_makespan(input);
        if !(closed.is_finite() && closed <= 1e6 * input.work_s.max(1.0)) {
            return Err(AnalysisError::Model(format!(
                "expected makespan {closed:e} s is beyond 10^6 × the work: the job never finishes"
            )));
        }
        let (n, full, last) = segments(input);
        let m = input.mtbf_s;
        // One uninterrupted stretch of `len` seconds: returns (time, failures).
        let stretch = |rng: &mut ItemRng, len: f64| -> (f64, u64) {
            let mut time = 0.0;
            let mut failures = 0u64;
            for _ in 0..100_000 {
                let fail_at = rng.exponential(m);
                if fail_at >= len {
                    return (time + len, failures);
                }
                time += fail_at + input.restart_s;
                failures += 1;
            }
            (time, failures)
        };
        let runs: Vec<(f64, u64)> = (0..input.runs)
            .into_par_iter()
            .map(|r| {
                let mut rng = ItemRng::new(input.seed, Stream::Failures, u64::from(r));
                let mut total = (0.0, 0u64);
                let full_count = n as u64;
                if m > 1e3 * (n * full + last) {
                    // Failures so rare that simulating every segment is waste:
                    // one stretch over the whole job is the same process.
                    let (t, f) = stretch(&mut rng, n * full + last);
                    return (t, f);
                }
                for _ in 0..full_count {
                    let (t, f) = stretch(&mut rng, full);
                    total = (total.0 + t, total.1 + f);
                }
                let (t, f) = stretch(&mut rng, last);
                (total.0 + t, total.1 + f)
            })
            .collect();
        let count = runs.len().max(1) as f64;
        let mean = runs.iter().fold(0.0, |s, r| s + r.0) / count;
        let failures = runs.iter().fold(0.0, |s, r| s + r.1 as f64) / count;
        let mut times: Vec<f64> = runs.iter().map(|r| r.0).collect();
        times.sort_by(f64::total_cmp);
        let quantile = |q: f64| {
            let index = libm::ceil(q * times.len() as f64) as usize;
            times
                .get(index.saturating_sub(1))
                .copied()
                .unwrap_or(closed)
        };
        Ok(FailureStats {
            mean_s: mean,
            p50_s: quantile(0.5),
            p95_s: quantile(0.95),
            mean_failures: failures,
            closed_form_s: closed,
            did_not_finish_runs: 0,
        })
    }

    pub fn score(criteria: &[ScoringCriterion]) -> Result<ScoringOutcome, AnalysisError> {
        let alternatives = criteria.first().map_or(0, |c| c.values.len());
        if alternatives == 0 || criteria.iter().any(|c| c.values.len() != alternatives) {
            return Err(AnalysisError::Model(
                "scoring: ragged or empty table".into(),
            ));
        }
        let normalised: Vec<Vec<f64>> = criteria
            .iter()
            .map(|c| {
                let lo = c.values.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = c.values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                c.values
                    .iter()
                    .map(|&v| {
                        if hi - lo <= 0.0 {
                            1.0
                        } else if c.higher_is_better {
                            (v - lo) / (hi - lo)
                        } else {
                            (hi - v) / (hi - lo)
                        }
                    })
                    .collect()
            })
            .collect();
        let totals_with = |weights: &[f64]| -> Vec<f64> {
            let sum: f64 = weights.iter().sum();
            (0..alternatives)
                .map(|a| {
                    normalised.iter().zip(weights).fold(0.0, |acc, (row, w)| {
                        acc + row.get(a).copied().unwrap_or(0.0) * w / sum
                    })
                })
                .collect()
        };
        let argmax = |values: &[f64]| {
            values
                .iter()
                .enumerate()
                .fold((0usize, f64::NEG_INFINITY), |best, (i, &v)| {
                    if v > best.1 {
                        (i, v)
                    } else {
                        best
                    }
                })
                .0
        };
        let weights: Vec<f64> = criteria.iter().map(|c| c.weight).collect();
        let totals = totals_with(&weights);
        let winner = argmax(&totals);
        let sensitivity = (0..criteria.len())
            .map(|k| {
                let mut down = weights.clone();
                let mut up = weights.clone();
                if let (Some(d), Some(u)) = (down.get_mut(k), up.get_mut(k)) {
                    *d *= 0.8;
                    *u *= 1.2;
                }
                (argmax(&totals_with(&down)), argmax(&totals_with(&up)))
            })
            .collect();
        // TOPSIS on vector-normalised raw values.
        let wsum: f64 = weights.iter().sum();
        let mut plus = vec![0.0; alternatives];
        let mut minus = vec![0.0; alternatives];
        for (c, w) in criteria.iter().zip(&weights) {
            let norm = c.values.iter().map(|v| v * v).sum::<f64>().sqrt();
            let scaled: Vec<f64> = c
                .values
                .iter()
                .map(|v| if norm > 0.0 { v / norm * w / wsum } else { 0.0 })
                .collect();
            let lo = scaled.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = scaled.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let (best, worst) = if c.higher_is_better {
                (hi, lo)
            } else {
                (lo, hi)
            };
            for (a, s) in scaled.iter().enumerate() {
                if let (Some(p), Some(m)) = (plus.get_mut(a), minus.get_mut(a)) {
                    *p += (s - best) * (s - best);
                    *m += (s - worst) * (s - worst);
                }
            }
        }
        let topsis_closeness: Vec<f64> = plus
            .iter()
            .zip(&minus)
            .map(|(p, m)| {
                let (p, m) = (p.sqrt(), m.sqrt());
                if p + m > 0.0 {
                    m / (p + m)
                } else {
                    1.0
                }
            })
            .collect();
        let topsis_winner = argmax(&topsis_closeness);
        Ok(ScoringOutcome {
            normalised,
            totals,
            winner,
            sensitivity,
            topsis_closeness,
            topsis_winner,
        })
    }
}
