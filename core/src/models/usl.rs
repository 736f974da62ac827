//! Scalability fits: Universal Scalability Law, Amdahl's law, and COST.
//!
//! **USL** (N. J. Gunther, *Guerrilla Capacity Planning*, Springer 2007):
//!
//! ```text
//! X(N) = λN / (1 + σ(N − 1) + κN(N − 1))
//! ```
//!
//! with λ the throughput of one worker, σ ∈ [0, 1] contention (the serial
//! fraction) and κ ≥ 0 coherency (crosstalk). When κ > 0 throughput peaks at
//! `N* = √((1 − σ)/κ)`; when κ = 0 the USL is **Amdahl's law**
//! `X(N) = λN / (1 + σ(N − 1))`, rising to the asymptote λ/σ.
//!
//! [`fit_usl`] minimises the sum of squared throughput residuals
//! `Σ (X_i − X̂(N_i))²` subject to λ > 0, σ ∈ [0, 1], κ ≥ 0:
//!
//! 1. Starting points from the linearisation `N/X = a + b(N − 1) + cN(N − 1)`
//!    (a = 1/λ, b = σ/λ, c = κ/λ; ordinary least squares, so no measurement
//!    at N = 1 is needed), from its κ = 0 variant, and from λ = max X/N.
//! 2. From each start, projected Levenberg–Marquardt on the original
//!    residuals (Marquardt's diagonal scaling; parameters at a bound whose
//!    gradient points outward are held fixed for that step).
//! 3. The lowest residual wins; κ is reported as exactly 0 when the κ = 0 fit
//!    is as good (R² within 1e-12), so exact Amdahl data yields `n_peak: None`.
//!
//! **Scaling from repeated passes** ([`fit_scaling`]): the throughputs of every
//! measured lane count, each pass a point. Three or more lane counts fit the
//! USL; two fit Amdahl (κ = 0: two parameters for two lane counts, so the
//! curve passes through both mean throughputs and, from `n₁ = 1`,
//! `σ = (n/S − 1)/(n − 1)` for the speed-up `S` at `n` lanes); one fits
//! nothing and says so ([`NoFit`]), for the caller to turn into a stated
//! assumption. Fit quality: R² on the throughputs and the RMSE of the
//! relative residuals `X/X̂ − 1`. **Band:** a bootstrap (B. Efron, R.
//! Tibshirani, *An Introduction to the Bootstrap*, 1993, ch. 6): each
//! replicate resamples, with replacement, the passes within each lane count
//! (so every lane count stays measured) and refits the same law; the band is
//! the central `coverage` of the replicates' σ, κ and speed-ups (percentile
//! intervals). Replicate `b` draws from `ItemRng` item `b` of a seed derived
//! from the caller's, and replicates are kept in replicate order: the band
//! is the same for any thread count. With a single pass per lane count the
//! resampling cannot move, and the band has zero width: it measures the
//! spread of repeated passes, nothing else.
//!
//! **COST** (F. McSherry, M. Isard, D. G. Murray, "Scalability! But at what
//! COST?", HotOS 2015): the smallest configuration whose throughput exceeds a
//! competent single-threaded implementation's. [`cost`] reads it off the
//! measurements; [`UslFit::cost_workers`] solves it on the fitted curve.
//!
//! [`parse_points_csv`] reads user CSV `workers,throughput` defensively.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::ModelError;
use crate::rng::{mix64, ItemRng, Stream};
use crate::units::EventsPerSecond;

/// Most bootstrap replicates of a band.
pub const MAX_REPLICATES: u32 = 10_000;

/// Largest worker count accepted.
pub const MAX_WORKERS: f64 = 1e9;
/// Most lines [`parse_points_csv`] accepts.
pub const MAX_CSV_LINES: usize = 10_000;

/// One measurement: throughput at a number of workers (threads, nodes, …).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalingPoint {
    /// Number of workers, ≥ 1 (fractional values allowed, e.g. vCPUs).
    pub workers: f64,
    /// Measured throughput, > 0.
    pub throughput: EventsPerSecond,
}

/// A fitted Universal Scalability Law curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UslFit {
    /// λ: throughput of a single worker.
    pub lambda: EventsPerSecond,
    /// σ ∈ [0, 1]: contention.
    pub sigma: f64,
    /// κ ≥ 0: coherency.
    pub kappa: f64,
    /// Coefficient of determination `1 − SSE/SST` on throughput (1 when all
    /// throughputs are equal and fitted exactly, 0 when equal but not fitted).
    pub r2: f64,
    /// `√((1 − σ)/κ)`: the worker count of peak throughput; `None` when κ = 0
    /// (no retrograde region). May be < 1, meaning adding workers never helps.
    pub n_peak: Option<f64>,
    /// Serial fraction σ of the best Amdahl (κ = 0) fit to the same points.
    pub amdahl_serial_fraction: f64,
    /// Highest throughput on the fitted curve for N ≥ 1: `X(max(1, n_peak))`
    /// when κ > 0, the asymptote λ/σ when κ = 0 < σ, `None` when unbounded
    /// (σ = κ = 0, linear scaling).
    pub peak_throughput: Option<EventsPerSecond>,
    /// Number of points the fit used.
    pub points: usize,
}

/// A fitted Amdahl's-law curve `X(N) = λN / (1 + s(N − 1))`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmdahlFit {
    /// λ: throughput of a single worker. If the points are speedups rather
    /// than throughputs, this is the fitted speedup at N = 1 (≈ 1).
    pub lambda: EventsPerSecond,
    /// s ∈ [0, 1]: the serial fraction.
    pub serial_fraction: f64,
    /// Coefficient of determination on throughput.
    pub r2: f64,
    /// `1/s`: the speedup limit; `None` when s = 0.
    pub max_speedup: Option<f64>,
}

type Params = [f64; 3];

/// USL throughput for `p = [λ, σ, κ]`. The denominator is ≥ 1 for N ≥ 1 and
/// in-range σ, κ.
fn usl(p: Params, n: f64) -> f64 {
    p[0] * n / (1.0 + p[1] * (n - 1.0) + p[2] * n * (n - 1.0))
}

fn usl_gradient(p: Params, n: f64) -> Params {
    let d = 1.0 + p[1] * (n - 1.0) + p[2] * n * (n - 1.0);
    let common = -p[0] * n * (n - 1.0) / (d * d);
    [n / d, common, common * n]
}

fn sum_squared_residuals(points: &[ScalingPoint], p: Params) -> f64 {
    points
        .iter()
        .map(|pt| {
            let r = pt.throughput.0 - usl(p, pt.workers);
            r * r
        })
        .sum()
}

fn total_sum_of_squares(points: &[ScalingPoint]) -> f64 {
    let mean = points.iter().map(|p| p.throughput.0).sum::<f64>() / points.len().max(1) as f64;
    points
        .iter()
        .map(|p| {
            let d = p.throughput.0 - mean;
            d * d
        })
        .sum()
}

fn r_squared(sse: f64, sst: f64) -> f64 {
    if sst > 0.0 {
        1.0 - sse / sst
    } else if sse <= 0.0 {
        1.0
    } else {
        0.0
    }
}

/// Clamps parameters into λ > 0, σ ∈ [0, 1], κ ≥ 0.
fn project(p: Params) -> Params {
    [
        p[0].max(f64::MIN_POSITIVE),
        p[1].clamp(0.0, 1.0),
        p[2].max(0.0),
    ]
}

/// Solves `(C + μI) y = g` where `C` is `a` with unit diagonal (Jacobi
/// scaling), then unscales. Entries with `free = false` (or a zero diagonal)
/// get a zero step. Cramer's rule on the scaled 3×3 system.
fn solve_scaled(a: [[f64; 3]; 3], g: Params, mu: f64, free: [bool; 3]) -> Option<Params> {
    let mut d = [0.0; 3];
    for ((di, row_diag), &is_free) in d.iter_mut().zip([a[0][0], a[1][1], a[2][2]]).zip(&free) {
        *di = if is_free && row_diag > 0.0 && row_diag.is_finite() {
            row_diag.sqrt()
        } else {
            0.0
        };
    }
    let mut m = [[0.0; 3]; 3];
    let mut rhs = [0.0; 3];
    for (i, ((m_row, a_row), (rhs_i, (&gi, &di)))) in m
        .iter_mut()
        .zip(&a)
        .zip(rhs.iter_mut().zip(g.iter().zip(&d)))
        .enumerate()
    {
        for (j, ((m_ij, &a_ij), &dj)) in m_row.iter_mut().zip(a_row).zip(&d).enumerate() {
            *m_ij = if i == j {
                if di > 0.0 {
                    1.0 + mu
                } else {
                    1.0
                }
            } else if di > 0.0 && dj > 0.0 {
                a_ij / (di * dj)
            } else {
                0.0
            };
        }
        *rhs_i = if di > 0.0 { gi / di } else { 0.0 };
    }
    let det3 = |m: [[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let det = det3(m);
    if !det.is_finite() || det.abs() < 1e-14 {
        return None;
    }
    let with_column = |col: usize| {
        let mut replaced = m;
        for (row, &r) in replaced.iter_mut().zip(&rhs) {
            if let Some(cell) = row.get_mut(col) {
                *cell = r;
            }
        }
        det3(replaced) / det
    };
    let y = [with_column(0), with_column(1), with_column(2)];
    let mut step = [0.0; 3];
    for ((s, &yi), &di) in step.iter_mut().zip(&y).zip(&d) {
        *s = if di > 0.0 { yi / di } else { 0.0 };
    }
    step.iter().all(|s| s.is_finite()).then_some(step)
}

/// `JᵀJ` and `Jᵀr` of the throughput residuals at `p`.
fn normal_equations(points: &[ScalingPoint], p: Params) -> ([[f64; 3]; 3], Params) {
    let mut a = [[0.0; 3]; 3];
    let mut g = [0.0; 3];
    for pt in points {
        let j = usl_gradient(p, pt.workers);
        let r = pt.throughput.0 - usl(p, pt.workers);
        for ((a_row, g_i), &j_i) in a.iter_mut().zip(g.iter_mut()).zip(&j) {
            for (a_ij, &j_j) in a_row.iter_mut().zip(&j) {
                *a_ij += j_i * j_j;
            }
            *g_i += j_i * r;
        }
    }
    (a, g)
}

const MAX_ITERATIONS: usize = 200;

/// Projected Levenberg–Marquardt from `start`; parameters with
/// `fixed = true` keep their start value.
fn levenberg_marquardt(points: &[ScalingPoint], start: Params, fixed: [bool; 3]) -> (Params, f64) {
    let mut p = project(start);
    let mut sse = sum_squared_residuals(points, p);
    let mut mu = 1e-3;
    for _ in 0..MAX_ITERATIONS {
        let (a, g) = normal_equations(points, p);
        // Hold a parameter at its bound when the descent direction leaves it.
        let free = [
            !fixed[0] && !(p[0] <= f64::MIN_POSITIVE && g[0] < 0.0),
            !fixed[1] && !(p[1] <= 0.0 && g[1] < 0.0) && !(p[1] >= 1.0 && g[1] > 0.0),
            !fixed[2] && !(p[2] <= 0.0 && g[2] < 0.0),
        ];
        let mut improved = None;
        while mu < 1e16 {
            if let Some(step) = solve_scaled(a, g, mu, free) {
                let candidate = project([p[0] + step[0], p[1] + step[1], p[2] + step[2]]);
                let candidate_sse = sum_squared_residuals(points, candidate);
                if candidate_sse < sse {
                    improved = Some((candidate, candidate_sse));
                    mu = (mu / 10.0).max(1e-12);
                    break;
                }
            }
            mu *= 10.0;
        }
        let Some((candidate, candidate_sse)) = improved else {
            break;
        };
        let gain = sse - candidate_sse;
        p = candidate;
        sse = candidate_sse;
        if gain <= 1e-15 * sse {
            break;
        }
    }
    (p, sse)
}

/// Least-squares start from `N/X = a + b(N − 1) + cN(N − 1)` (`with_kappa`)
/// or `N/X = a + b(N − 1)`.
fn linearised_start(points: &[ScalingPoint], with_kappa: bool) -> Option<Params> {
    let mut a = [[0.0; 3]; 3];
    let mut g = [0.0; 3];
    for pt in points {
        let n = pt.workers;
        let x = [1.0, n - 1.0, if with_kappa { n * (n - 1.0) } else { 0.0 }];
        let y = n / pt.throughput.0;
        for ((a_row, g_i), &x_i) in a.iter_mut().zip(g.iter_mut()).zip(&x) {
            for (a_ij, &x_j) in a_row.iter_mut().zip(&x) {
                *a_ij += x_i * x_j;
            }
            *g_i += x_i * y;
        }
    }
    let coef = solve_scaled(a, g, 0.0, [true, true, with_kappa])?;
    (coef[0] > 0.0).then(|| project([1.0 / coef[0], coef[1] / coef[0], coef[2] / coef[0]]))
}

fn validate_points(points: &[ScalingPoint], min_distinct: usize) -> Result<(), ModelError> {
    for (i, pt) in points.iter().enumerate() {
        if !(pt.workers.is_finite() && (1.0..=MAX_WORKERS).contains(&pt.workers)) {
            return Err(ModelError::out_of_range(
                &format!("points[{i}].workers"),
                pt.workers,
                &format!("1 ≤ workers ≤ {MAX_WORKERS:e}"),
            ));
        }
        if !(pt.throughput.0.is_finite() && pt.throughput.0 > 0.0) {
            return Err(ModelError::out_of_range(
                &format!("points[{i}].throughput"),
                pt.throughput.0,
                "finite, > 0",
            ));
        }
    }
    let mut workers: Vec<f64> = points.iter().map(|p| p.workers).collect();
    workers.sort_by(f64::total_cmp);
    workers.dedup();
    if workers.len() < min_distinct {
        return Err(ModelError::Invalid(format!(
            "need at least {min_distinct} distinct worker counts to fit, got {}",
            workers.len()
        )));
    }
    Ok(())
}

/// Points with throughputs divided by the largest one (fits run on values
/// ≤ 1 so squares never overflow), and that divisor.
fn scaled(points: &[ScalingPoint]) -> (Vec<ScalingPoint>, f64) {
    let scale = points
        .iter()
        .map(|p| p.throughput.0)
        .fold(f64::MIN_POSITIVE, f64::max);
    let scaled = points
        .iter()
        .map(|p| ScalingPoint {
            workers: p.workers,
            throughput: EventsPerSecond(p.throughput.0 / scale),
        })
        .collect();
    (scaled, scale)
}

/// Best fit over several starts (lowest SSE; the earliest start wins ties).
fn best_fit(points: &[ScalingPoint], starts: &[Params], fixed: [bool; 3]) -> (Params, f64) {
    starts
        .iter()
        .map(|&s| levenberg_marquardt(points, s, fixed))
        .fold(([1.0, 0.0, 0.0], f64::INFINITY), |best, fit| {
            if fit.1 < best.1 {
                fit
            } else {
                best
            }
        })
}

fn starting_points(points: &[ScalingPoint]) -> Vec<Params> {
    let max_per_worker = points
        .iter()
        .map(|p| p.throughput.0 / p.workers)
        .fold(f64::MIN_POSITIVE, f64::max);
    [
        linearised_start(points, true),
        linearised_start(points, false),
        Some([max_per_worker, 0.0, 0.0]),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn fit_amdahl_params(points: &[ScalingPoint]) -> (Params, f64) {
    let starts: Vec<Params> = starting_points(points)
        .into_iter()
        .map(|p| [p[0], p[1], 0.0])
        .collect();
    best_fit(points, &starts, [false, false, true])
}

/// Fits the Universal Scalability Law to measurements.
///
/// Needs at least 3 distinct worker counts; workers must be finite and ≥ 1,
/// throughputs finite and > 0.
pub fn fit_usl(points: &[ScalingPoint]) -> Result<UslFit, ModelError> {
    validate_points(points, 3)?;
    let (points, scale) = scaled(points);
    let points = points.as_slice();
    let sst = total_sum_of_squares(points);
    let (usl_params, usl_sse) = best_fit(points, &starting_points(points), [false; 3]);
    let (amdahl_params, amdahl_sse) = fit_amdahl_params(points);
    // Prefer the simpler κ = 0 model when it loses no fit quality.
    let (params, sse) = if amdahl_sse <= usl_sse + 1e-12 * sst.max(f64::MIN_POSITIVE) {
        (amdahl_params, amdahl_sse)
    } else {
        (usl_params, usl_sse)
    };
    let [lambda, sigma, kappa] = [params[0] * scale, params[1], params[2]];
    let params = [lambda, sigma, kappa];
    let n_peak = (kappa > 0.0).then(|| ((1.0 - sigma) / kappa).sqrt());
    let peak_throughput = match n_peak {
        Some(n) => Some(EventsPerSecond(usl(params, n.max(1.0)))),
        None if sigma > 0.0 => Some(EventsPerSecond(lambda / sigma)),
        None => None,
    };
    Ok(UslFit {
        lambda: EventsPerSecond(lambda),
        sigma,
        kappa,
        r2: r_squared(sse, sst),
        n_peak,
        amdahl_serial_fraction: amdahl_params[1],
        peak_throughput,
        points: points.len(),
    })
}

/// Fits Amdahl's law `X(N) = λN / (1 + s(N − 1))` (the USL with κ = 0).
///
/// Pass speedups `S(N) = X(N)/X(1)` as throughputs to fit a speedup curve
/// directly (λ then comes out ≈ 1). Needs at least 2 distinct worker counts.
pub fn fit_amdahl(points: &[ScalingPoint]) -> Result<AmdahlFit, ModelError> {
    validate_points(points, 2)?;
    let (points, scale) = scaled(points);
    let (params, sse) = fit_amdahl_params(&points);
    let serial_fraction = params[1];
    Ok(AmdahlFit {
        lambda: EventsPerSecond(params[0] * scale),
        serial_fraction,
        r2: r_squared(sse, total_sum_of_squares(&points)),
        max_speedup: (serial_fraction > 0.0).then(|| 1.0 / serial_fraction),
    })
}

impl UslFit {
    fn params(&self) -> Params {
        [self.lambda.0, self.sigma, self.kappa]
    }

    /// Fitted throughput `X(n)` at `n` workers.
    pub fn throughput_at(&self, n: f64) -> EventsPerSecond {
        EventsPerSecond(usl(self.params(), n))
    }

    /// Fitted speedup `X(n)/X(1)`.
    pub fn speedup_at(&self, n: f64) -> f64 {
        usl([1.0, self.sigma, self.kappa], n)
    }

    /// COST on the fitted curve: the smallest real `N ≥ 1` from which `X(N)`
    /// exceeds `single_thread_throughput` (the crossing point; round up for a
    /// whole number of workers). `None` if the curve never exceeds it.
    ///
    /// Solves `sκN² − (λ − sσ + sκ)N + s(1 − σ) < 0` for `s` the single-thread
    /// throughput.
    pub fn cost_workers(&self, single_thread_throughput: EventsPerSecond) -> Option<f64> {
        let s = single_thread_throughput.0;
        let (lambda, sigma, kappa) = (self.lambda.0, self.sigma, self.kappa);
        if !s.is_finite() || s < 0.0 {
            return None;
        }
        if lambda > s {
            return Some(1.0);
        }
        let b = lambda - s * sigma + s * kappa;
        if kappa > 0.0 {
            let disc = b * b - 4.0 * s * kappa * s * (1.0 - sigma);
            if disc <= 0.0 || b <= 0.0 {
                return None;
            }
            let lower = (b - disc.sqrt()) / (2.0 * s * kappa);
            let upper = (b + disc.sqrt()) / (2.0 * s * kappa);
            (upper > 1.0).then_some(lower.max(1.0))
        } else {
            let slope = lambda - s * sigma;
            (slope > 0.0).then(|| (s * (1.0 - sigma) / slope).max(1.0))
        }
    }
}

/// COST from measurements (McSherry et al. 2015): the smallest measured
/// worker count whose throughput exceeds `single_thread_throughput`
/// (repeated measurements at one worker count are averaged). `Ok(None)` when
/// no configuration beats the single thread ("unbounded COST").
pub fn cost(
    points: &[ScalingPoint],
    single_thread_throughput: EventsPerSecond,
) -> Result<Option<f64>, ModelError> {
    validate_points(points, 1)?;
    let s = single_thread_throughput.0;
    if !(s.is_finite() && s > 0.0) {
        return Err(ModelError::out_of_range(
            "single_thread_throughput",
            s,
            "finite, > 0",
        ));
    }
    let mut sorted = points.to_vec();
    sorted.sort_by(|a, b| a.workers.total_cmp(&b.workers));
    let mut groups = sorted.chunk_by(|a, b| a.workers == b.workers);
    Ok(groups.find_map(|group| {
        let workers = group.first()?.workers;
        let mean = group.iter().map(|p| p.throughput.0).sum::<f64>() / group.len() as f64;
        (mean > s).then_some(workers)
    }))
}

/// Which law a scaling fit used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScalingLaw {
    /// The Universal Scalability Law (≥ 3 lane counts).
    Usl,
    /// Amdahl's law, κ = 0 (2 lane counts).
    Amdahl,
}

/// Why [`fit_scaling`] fitted nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum NoFit {
    /// Every pass ran at the same lane count: no slope to fit.
    #[error("no fit: one lane count measured ({lanes} lanes, {passes} passes)")]
    SingleLaneCount { lanes: f64, passes: usize },
}

/// Settings of the bootstrap band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandConfig {
    /// Bootstrap replicates, `1 ≤ replicates ≤ 10 000`.
    pub replicates: u32,
    /// Central share of the replicates the band spans, in (0, 1).
    pub coverage: f64,
    /// Seed (the review's): the band is a pure function of it.
    pub seed: u64,
}

impl BandConfig {
    /// 400 replicates, 90 % coverage.
    pub fn new(seed: u64) -> Self {
        Self {
            replicates: 400,
            coverage: 0.9,
            seed,
        }
    }
}

/// A scaling law fitted to repeated passes at several lane counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalingFit {
    pub law: ScalingLaw,
    /// λ: throughput of one lane.
    pub lambda: EventsPerSecond,
    /// σ ∈ [0, 1]: contention.
    pub sigma: f64,
    /// κ ≥ 0: coherency (0 for Amdahl).
    pub kappa: f64,
    /// `1 − SSE/SST` on the throughputs of all passes.
    pub r2: f64,
    /// `√(mean((X/X̂ − 1)²))` over all passes.
    pub rmse_relative: f64,
    /// Distinct lane counts measured.
    pub lane_counts: usize,
    /// Passes (points) fitted.
    pub passes: usize,
    /// Fewest passes at one lane count (1: the band has zero width).
    pub min_passes_per_lane_count: usize,
    /// Largest lane count measured: speed-ups beyond it are extrapolated.
    pub max_lanes: f64,
    pub band: ScalingBand,
}

/// Bootstrap band of a [`ScalingFit`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalingBand {
    /// Central share of the replicates the ranges span.
    pub coverage: f64,
    /// `(low, high)` of σ.
    pub sigma: (f64, f64),
    /// `(low, high)` of κ.
    pub kappa: (f64, f64),
    /// `(σ, κ)` of every replicate, in replicate order.
    pub replicates: Vec<(f64, f64)>,
}

/// What [`fit_scaling`] could do with the measurements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScalingFitOutcome {
    Fitted(ScalingFit),
    NotFitted(NoFit),
}

impl ScalingFit {
    /// Fitted speed-up `X(n)/X(1)`.
    pub fn speedup_at(&self, n: f64) -> f64 {
        usl([1.0, self.sigma, self.kappa], n)
    }

    /// `(low, high)` speed-up at `n` lanes over the band's replicates.
    pub fn speedup_range(&self, n: f64) -> (f64, f64) {
        let speedups: Vec<f64> = self
            .band
            .replicates
            .iter()
            .map(|&(sigma, kappa)| usl([1.0, sigma, kappa], n))
            .collect();
        central_range(speedups, self.band.coverage)
    }
}

/// Nearest-rank `(lo, hi)` quantiles spanning the central `coverage`.
fn central_range(mut values: Vec<f64>, coverage: f64) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let tail = (1.0 - coverage) / 2.0;
    let at = |q: f64| {
        let rank = (libm::ceil(q * n as f64) as usize).clamp(1, n);
        values.get(rank - 1).copied().unwrap_or(f64::NAN)
    };
    (at(tail), at(1.0 - tail))
}

/// `[λ, σ, κ]` of the law over `points` (unscaled).
fn fit_law(points: &[ScalingPoint], law: ScalingLaw) -> Params {
    let (scaled_points, scale) = scaled(points);
    let params = match law {
        ScalingLaw::Amdahl => fit_amdahl_params(&scaled_points).0,
        ScalingLaw::Usl => {
            let sst = total_sum_of_squares(&scaled_points);
            let (usl_params, usl_sse) =
                best_fit(&scaled_points, &starting_points(&scaled_points), [false; 3]);
            let (amdahl_params, amdahl_sse) = fit_amdahl_params(&scaled_points);
            if amdahl_sse <= usl_sse + 1e-12 * sst.max(f64::MIN_POSITIVE) {
                amdahl_params
            } else {
                usl_params
            }
        }
    };
    [params[0] * scale, params[1], params[2]]
}

/// Fits the scaling law the measurements support (see the module docs):
/// USL from 3 lane counts, Amdahl from 2, [`NoFit`] from 1, with its fit
/// quality and bootstrap band. Repeated lane counts are repeated passes.
pub fn fit_scaling(
    points: &[ScalingPoint],
    band: &BandConfig,
) -> Result<ScalingFitOutcome, ModelError> {
    validate_points(points, 1)?;
    if !(1..=MAX_REPLICATES).contains(&band.replicates) {
        return Err(ModelError::out_of_range(
            "band.replicates",
            f64::from(band.replicates),
            &format!("1 ≤ replicates ≤ {MAX_REPLICATES}"),
        ));
    }
    if !(band.coverage > 0.0 && band.coverage < 1.0) {
        return Err(ModelError::out_of_range(
            "band.coverage",
            band.coverage,
            "0 < coverage < 1",
        ));
    }
    // Passes grouped by lane count, in ascending lane order.
    let mut sorted = points.to_vec();
    sorted.sort_by(|a, b| {
        a.workers
            .total_cmp(&b.workers)
            .then(a.throughput.0.total_cmp(&b.throughput.0))
    });
    let groups: Vec<Vec<ScalingPoint>> = sorted
        .chunk_by(|a, b| a.workers == b.workers)
        .map(<[ScalingPoint]>::to_vec)
        .collect();
    let law = match groups.len() {
        0 => return Err(ModelError::Invalid("no measurements".to_owned())),
        1 => {
            return Ok(ScalingFitOutcome::NotFitted(NoFit::SingleLaneCount {
                lanes: sorted.first().map_or(0.0, |p| p.workers),
                passes: sorted.len(),
            }))
        }
        2 => ScalingLaw::Amdahl,
        _ => ScalingLaw::Usl,
    };
    let params = fit_law(&sorted, law);
    let sse = sum_squared_residuals(&sorted, params);
    let sst = total_sum_of_squares(&sorted);
    let rmse_relative = (sorted
        .iter()
        .map(|p| {
            let r = p.throughput.0 / usl(params, p.workers) - 1.0;
            r * r
        })
        .sum::<f64>()
        / sorted.len() as f64)
        .sqrt();
    let seed = mix64(band.seed ^ 0x5ca1_ab1e_b007_5742);
    let replicates: Vec<(f64, f64)> = (0..band.replicates)
        .into_par_iter()
        .map(|b| {
            let mut rng = ItemRng::new(seed, Stream::Sample, u64::from(b));
            let resampled: Vec<ScalingPoint> = groups
                .iter()
                .flat_map(|group| {
                    let n = group.len() as u64;
                    (0..n)
                        .filter_map(|_| {
                            group
                                .get(usize::try_from(rng.below(n)).unwrap_or(0))
                                .copied()
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            let p = fit_law(&resampled, law);
            (p[1], p[2])
        })
        .collect();
    let sigma = central_range(replicates.iter().map(|r| r.0).collect(), band.coverage);
    let kappa = central_range(replicates.iter().map(|r| r.1).collect(), band.coverage);
    Ok(ScalingFitOutcome::Fitted(ScalingFit {
        law,
        lambda: EventsPerSecond(params[0]),
        sigma: params[1],
        kappa: params[2],
        r2: r_squared(sse, sst),
        rmse_relative,
        lane_counts: groups.len(),
        passes: sorted.len(),
        min_passes_per_lane_count: groups.iter().map(Vec::len).min().unwrap_or(0),
        max_lanes: sorted.last().map_or(0.0, |p| p.workers),
        band: ScalingBand {
            coverage: band.coverage,
            sigma,
            kappa,
            replicates,
        },
    }))
}

/// Shortens user text for error messages.
fn excerpt(field: &str) -> String {
    let short: String = field.chars().take(32).collect();
    if short.len() < field.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// Parses user CSV with columns `workers,throughput`.
///
/// - An optional header: the first content line, if none of its fields is a
///   number, is skipped.
/// - `#` starts a comment (whole line or trailing); blank lines are skipped;
///   fields may be separated by commas (or, if a line has no comma, by
///   whitespace) and wrapped in double quotes; empty trailing cells and a
///   leading BOM are ignored.
/// - Every value must be a finite number: workers ≥ 1, throughput > 0.
///   Errors carry the 1-based line number and the column name.
/// - At most [`MAX_CSV_LINES`] lines; at least one data line.
pub fn parse_points_csv(text: &str) -> Result<Vec<ScalingPoint>, ModelError> {
    const COLUMNS: [&str; 2] = ["workers", "throughput"];
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut points = Vec::new();
    let mut seen_content = false;
    for (index, raw_line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line_number > MAX_CSV_LINES {
            return Err(ModelError::Invalid(format!(
                "CSV has more than {MAX_CSV_LINES} lines"
            )));
        }
        let content = raw_line.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let fields: Vec<&str> = if content.contains(',') {
            content.split(',').collect()
        } else {
            content.split_whitespace().collect()
        };
        let mut fields: Vec<&str> = fields
            .into_iter()
            .map(|f| {
                let f = f.trim();
                f.strip_prefix('"')
                    .and_then(|f| f.strip_suffix('"'))
                    .unwrap_or(f)
                    .trim()
            })
            .collect();
        // Spreadsheet exports often end rows with empty cells.
        while fields.len() > COLUMNS.len() && fields.last().is_some_and(|f| f.is_empty()) {
            fields.pop();
        }
        let first_content = !seen_content;
        seen_content = true;
        if first_content && fields.iter().all(|f| f.parse::<f64>().is_err()) {
            continue; // header
        }
        if fields.len() != COLUMNS.len() {
            return Err(ModelError::Csv {
                line: line_number,
                column: COLUMNS.join(","),
                message: format!(
                    "expected 2 columns (workers,throughput), found {}",
                    fields.len()
                ),
            });
        }
        let mut values = [0.0; 2];
        for ((value, field), column) in values.iter_mut().zip(&fields).zip(COLUMNS) {
            let csv_error = |message: String| ModelError::Csv {
                line: line_number,
                column: column.to_owned(),
                message,
            };
            let parsed: f64 = field
                .parse()
                .map_err(|_| csv_error(format!("`{}` is not a number", excerpt(field))))?;
            if !parsed.is_finite() {
                return Err(csv_error(format!(
                    "`{}` is not a finite number",
                    excerpt(field)
                )));
            }
            *value = parsed;
        }
        let [workers, throughput] = values;
        if !(1.0..=MAX_WORKERS).contains(&workers) {
            return Err(ModelError::Csv {
                line: line_number,
                column: "workers".to_owned(),
                message: format!("workers must be between 1 and {MAX_WORKERS:e}, got {workers}"),
            });
        }
        if throughput <= 0.0 {
            return Err(ModelError::Csv {
                line: line_number,
                column: "throughput".to_owned(),
                message: format!("throughput must be > 0, got {throughput}"),
            });
        }
        points.push(ScalingPoint {
            workers,
            throughput: EventsPerSecond(throughput),
        });
    }
    if points.is_empty() {
        return Err(ModelError::Invalid("CSV has no data lines".to_owned()));
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{ItemRng, Stream};

    const WORKERS: [f64; 10] = [1.0, 2.0, 4.0, 8.0, 12.0, 16.0, 24.0, 32.0, 48.0, 64.0];

    fn synthetic(lambda: f64, sigma: f64, kappa: f64, noise: f64) -> Vec<ScalingPoint> {
        WORKERS
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let jitter = 1.0
                    + noise * (2.0 * ItemRng::new(5, Stream::Sample, i as u64).next_f64() - 1.0);
                ScalingPoint {
                    workers: n,
                    throughput: EventsPerSecond(usl([lambda, sigma, kappa], n) * jitter),
                }
            })
            .collect()
    }

    fn assert_relative(actual: f64, expected: f64, tolerance: f64, what: &str) {
        assert!(
            ((actual - expected) / expected).abs() <= tolerance,
            "{what}: {actual} vs {expected}"
        );
    }

    #[test]
    fn recovers_exact_parameters() {
        for (lambda, sigma, kappa) in [
            (1000.0, 0.05, 0.001),
            (2.5e6, 0.2, 1e-4),
            (40.0, 0.01, 0.02),
            (1.0, 0.5, 0.005),
        ] {
            let fit = fit_usl(&synthetic(lambda, sigma, kappa, 0.0)).unwrap();
            assert_relative(fit.lambda.0, lambda, 1e-6, "lambda");
            assert_relative(fit.sigma, sigma, 1e-6, "sigma");
            assert_relative(fit.kappa, kappa, 1e-6, "kappa");
            assert!(fit.r2 > 1.0 - 1e-12);
            let n_peak = ((1.0 - sigma) / kappa).sqrt();
            assert_relative(fit.n_peak.unwrap(), n_peak, 1e-6, "n_peak");
            assert_relative(
                fit.peak_throughput.unwrap().0,
                usl([lambda, sigma, kappa], n_peak.max(1.0)),
                1e-6,
                "peak",
            );
            assert_relative(
                fit.throughput_at(10.0).0,
                usl([lambda, sigma, kappa], 10.0),
                1e-6,
                "X(10)",
            );
        }
    }

    #[test]
    fn recovers_noisy_parameters() {
        let fit = fit_usl(&synthetic(1000.0, 0.05, 0.001, 0.02)).unwrap();
        assert_relative(fit.lambda.0, 1000.0, 0.05, "lambda");
        assert!((fit.sigma - 0.05).abs() < 0.02, "sigma {}", fit.sigma);
        assert_relative(fit.kappa, 0.001, 0.3, "kappa");
        assert!(fit.r2 > 0.98, "r2 {}", fit.r2);
        // Least squares: no other nearby parameters fit better.
        let points = synthetic(1000.0, 0.05, 0.001, 0.02);
        let best = sum_squared_residuals(&points, fit.params());
        for factor in [0.99, 1.01] {
            for i in 0..3 {
                let mut p = fit.params();
                p[i] *= factor;
                assert!(sum_squared_residuals(&points, project(p)) >= best * (1.0 - 1e-9));
            }
        }
    }

    #[test]
    fn amdahl_special_case() {
        let points = synthetic(500.0, 0.1, 0.0, 0.0);
        let fit = fit_usl(&points).unwrap();
        assert_eq!(fit.kappa, 0.0);
        assert_eq!(fit.n_peak, None);
        assert_relative(fit.sigma, 0.1, 1e-6, "sigma");
        assert_relative(fit.amdahl_serial_fraction, 0.1, 1e-6, "amdahl");
        assert_relative(fit.peak_throughput.unwrap().0, 5000.0, 1e-6, "asymptote");

        let amdahl = fit_amdahl(&points).unwrap();
        assert_relative(amdahl.serial_fraction, 0.1, 1e-6, "serial fraction");
        assert_relative(amdahl.max_speedup.unwrap(), 10.0, 1e-6, "max speedup");
        // Speedups in, λ ≈ 1 out.
        let speedups: Vec<ScalingPoint> = [1.0, 2.0, 8.0]
            .iter()
            .map(|&n| ScalingPoint {
                workers: n,
                throughput: EventsPerSecond(n / (1.0 + 0.25 * (n - 1.0))),
            })
            .collect();
        let amdahl = fit_amdahl(&speedups).unwrap();
        assert_relative(amdahl.serial_fraction, 0.25, 1e-6, "serial fraction");
        assert_relative(amdahl.lambda.0, 1.0, 1e-6, "lambda");
    }

    #[test]
    fn linear_scaling_has_no_peak() {
        let fit = fit_usl(&synthetic(100.0, 0.0, 0.0, 0.0)).unwrap();
        assert_eq!(
            (fit.sigma, fit.kappa, fit.n_peak, fit.peak_throughput),
            (0.0, 0.0, None, None)
        );
        assert_relative(fit.lambda.0, 100.0, 1e-9, "lambda");
    }

    #[test]
    fn fit_without_single_worker_point() {
        let points: Vec<ScalingPoint> = synthetic(800.0, 0.03, 0.0005, 0.0)
            .into_iter()
            .filter(|p| p.workers >= 4.0)
            .collect();
        let fit = fit_usl(&points).unwrap();
        assert_relative(fit.lambda.0, 800.0, 1e-6, "lambda");
        assert_relative(fit.kappa, 0.0005, 1e-6, "kappa");
    }

    #[test]
    fn rejects_bad_points() {
        let two = [1.0, 2.0, 2.0].map(|n| ScalingPoint {
            workers: n,
            throughput: EventsPerSecond(n),
        });
        assert!(matches!(fit_usl(&two), Err(ModelError::Invalid(_))));
        assert!(fit_amdahl(&two).is_ok());
        let mut bad = synthetic(1.0, 0.1, 0.01, 0.0);
        bad[3].throughput = EventsPerSecond(f64::NAN);
        let err = fit_usl(&bad).unwrap_err().to_string();
        assert!(err.contains("points[3].throughput"), "{err}");
        bad[3] = ScalingPoint {
            workers: 0.5,
            throughput: EventsPerSecond(1.0),
        };
        assert!(fit_usl(&bad)
            .unwrap_err()
            .to_string()
            .contains("points[3].workers"));
        assert!(fit_usl(&[]).is_err());
    }

    #[test]
    fn cost_from_measurements_and_fit() {
        // Each worker is 10× slower than a tuned single thread.
        let points = synthetic(100.0, 0.02, 0.0, 0.0);
        let single = EventsPerSecond(1000.0);
        // X(N) > 1000 ⟺ 100N > 1000(1 + 0.02(N − 1)) ⟺ N > 980/80 = 12.25.
        assert_eq!(cost(&points, single).unwrap(), Some(16.0));
        let fit = fit_usl(&points).unwrap();
        assert_relative(
            fit.cost_workers(single).unwrap(),
            12.25,
            1e-6,
            "fitted COST",
        );
        assert_eq!(cost(&points, EventsPerSecond(1e9)).unwrap(), None);
        assert_eq!(fit.cost_workers(EventsPerSecond(1e9)), None);
        assert_eq!(cost(&points, EventsPerSecond(50.0)).unwrap(), Some(1.0));
        assert!(cost(&points, EventsPerSecond(-1.0)).is_err());

        // With coherency: the crossing is the smaller root.
        let fit = fit_usl(&synthetic(100.0, 0.02, 0.001, 0.0)).unwrap();
        let crossing = fit.cost_workers(single).unwrap();
        assert_relative(fit.throughput_at(crossing).0, 1000.0, 1e-9, "X(COST)");
        assert!(fit.throughput_at(crossing - 0.01).0 < 1000.0);
        // Retrograde curve that never reaches the target.
        assert_eq!(fit.cost_workers(EventsPerSecond(5000.0)), None);
    }

    /// `passes` noisy passes (relative noise `noise`, uniform) per lane count.
    fn passes(sigma: f64, kappa: f64, lanes: &[f64], passes: u64, noise: f64) -> Vec<ScalingPoint> {
        lanes
            .iter()
            .flat_map(|&n| {
                (0..passes).map(move |pass| {
                    let u = ItemRng::new(n.to_bits(), Stream::Sample, pass).next_f64();
                    ScalingPoint {
                        workers: n,
                        throughput: EventsPerSecond(
                            usl([2e6, sigma, kappa], n) * (1.0 + noise * (2.0 * u - 1.0)),
                        ),
                    }
                })
            })
            .collect()
    }

    fn fitted(points: &[ScalingPoint], seed: u64) -> ScalingFit {
        match fit_scaling(points, &BandConfig::new(seed)).unwrap() {
            ScalingFitOutcome::Fitted(fit) => fit,
            ScalingFitOutcome::NotFitted(reason) => panic!("{reason}"),
        }
    }

    #[test]
    fn recovers_known_parameters_from_noisy_passes() {
        for (sigma, kappa) in [(0.05, 0.002), (0.2, 0.0), (0.02, 0.01)] {
            let points = passes(sigma, kappa, &[1.0, 2.0, 3.0, 4.0, 6.0, 8.0], 5, 0.02);
            let fit = fitted(&points, 11);
            assert_eq!(
                (fit.law, fit.lane_counts, fit.passes, fit.max_lanes),
                (ScalingLaw::Usl, 6, 30, 8.0)
            );
            assert!(
                (fit.sigma - sigma).abs() < 0.03,
                "σ {} vs {sigma}",
                fit.sigma
            );
            assert!(
                (fit.kappa - kappa).abs() < 0.004,
                "κ {} vs {kappa}",
                fit.kappa
            );
            assert!(
                fit.band.sigma.0 <= sigma && sigma <= fit.band.sigma.1,
                "{:?} ∌ {sigma}",
                fit.band.sigma
            );
            let (lo, hi) = fit.speedup_range(16.0);
            assert!(lo <= fit.speedup_at(16.0) && fit.speedup_at(16.0) <= hi);
            assert!(
                fit.rmse_relative < 0.02 && fit.rmse_relative > 0.003,
                "{}",
                fit.rmse_relative
            );
            assert!(fit.r2 > 0.9, "{}", fit.r2);
        }
    }

    #[test]
    fn amdahl_through_two_lane_counts_is_the_closed_form() {
        // Repeated passes at 1 and 2 lanes with mean throughputs 1e6 and
        // 1.21e6: the fit passes through both means.
        let points: Vec<ScalingPoint> = [
            (1.0, 0.97e6),
            (1.0, 1.03e6),
            (1.0, 1.0e6),
            (2.0, 1.2e6),
            (2.0, 1.22e6),
        ]
        .iter()
        .map(|&(workers, x)| ScalingPoint {
            workers,
            throughput: EventsPerSecond(x),
        })
        .collect();
        let fit = fitted(&points, 1);
        let closed = (2.0 / 1.21 - 1.0) / (2.0 - 1.0);
        assert_eq!((fit.law, fit.kappa), (ScalingLaw::Amdahl, 0.0));
        assert!(
            (fit.sigma - closed).abs() < 1e-9,
            "{} vs {closed}",
            fit.sigma
        );
        assert!((closed - 0.6529).abs() < 1e-4);
        assert!((fit.lambda.0 - 1e6).abs() < 1e-3);
        assert!((fit.speedup_at(16.0) - 16.0 / (1.0 + closed * 15.0)).abs() < 1e-9);
        // From 2 and 4 lanes: σ from the ratio of the two means.
        let (n1, n2, r) = (2.0, 4.0, 1.5);
        let points = [(n1, 1e6), (n2, 1.5e6)].map(|(workers, x)| ScalingPoint {
            workers,
            throughput: EventsPerSecond(x),
        });
        let expected = (n2 - r * n1) / (r * n1 * (n2 - 1.0) - n2 * (n1 - 1.0));
        assert!((fitted(&points, 1).sigma - expected).abs() < 1e-9);
    }

    #[test]
    fn the_band_widens_with_noise() {
        let lanes = [1.0, 2.0, 4.0, 8.0];
        let width = |noise: f64| {
            let fit = fitted(&passes(0.1, 0.001, &lanes, 6, noise), 3);
            let (lo, hi) = fit.speedup_range(32.0);
            (fit.band.sigma.1 - fit.band.sigma.0, hi - lo)
        };
        let (quiet, noisy) = (width(0.005), width(0.05));
        assert!(noisy.0 > 3.0 * quiet.0, "σ band {quiet:?} vs {noisy:?}");
        assert!(
            noisy.1 > 3.0 * quiet.1,
            "speed-up band {quiet:?} vs {noisy:?}"
        );
        // One pass per lane count: nothing to resample, a zero-width band.
        let single = fitted(&passes(0.1, 0.001, &lanes, 1, 0.05), 3);
        assert_eq!(single.min_passes_per_lane_count, 1);
        assert_eq!(single.band.sigma.0, single.band.sigma.1);
    }

    #[test]
    fn one_lane_count_is_a_typed_refusal() {
        let points = passes(0.1, 0.0, &[4.0], 3, 0.01);
        let outcome = fit_scaling(&points, &BandConfig::new(0)).unwrap();
        assert_eq!(
            outcome,
            ScalingFitOutcome::NotFitted(NoFit::SingleLaneCount {
                lanes: 4.0,
                passes: 3
            })
        );
        let ScalingFitOutcome::NotFitted(reason) = outcome else {
            unreachable!()
        };
        assert_eq!(
            reason.to_string(),
            "no fit: one lane count measured (4 lanes, 3 passes)"
        );
        assert!(fit_scaling(&[], &BandConfig::new(0)).is_err());
        let mut bad = BandConfig::new(0);
        bad.coverage = 1.0;
        assert!(fit_scaling(&points, &bad)
            .unwrap_err()
            .to_string()
            .contains("coverage"));
    }

    #[test]
    #[expect(
        clippy::disallowed_methods,
        reason = "the test compares thread counts: it builds the pools it compares"
    )]
    fn the_band_is_the_same_for_any_thread_count() {
        let points = passes(0.05, 0.002, &[1.0, 2.0, 3.0, 4.0], 4, 0.03);
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| fitted(&points, 42))
        };
        let one = run(1);
        assert_eq!(one, run(3));
        assert_ne!(one.band, fitted(&points, 43).band);
        // The order of the passes does not matter either.
        let mut reversed = points.clone();
        reversed.reverse();
        assert_eq!(fitted(&reversed, 42), one);
    }

    #[test]
    fn parses_csv_with_header_comments_and_blanks() {
        let text = "\u{feff}workers,throughput\n# measured 2026-05-01\n\n1, 100\n2,190 # warm\n\"4\",\"350\"\r\n8 600\n16,900,,\n";
        let points = parse_points_csv(text).unwrap();
        assert_eq!(
            points
                .iter()
                .map(|p| (p.workers, p.throughput.0))
                .collect::<Vec<_>>(),
            vec![
                (1.0, 100.0),
                (2.0, 190.0),
                (4.0, 350.0),
                (8.0, 600.0),
                (16.0, 900.0)
            ]
        );
    }

    #[test]
    fn csv_errors_name_line_and_column() {
        let cases = [
            ("workers,throughput\n1,100\n2,abc\n", 3, "throughput"),
            ("1,100\nNaN,5\n", 2, "workers"),
            ("1,100\n\n2,-5\n", 3, "throughput"),
            ("1,100\n0,5\n", 2, "workers"),
            ("1,100\n2,inf\n", 2, "throughput"),
            ("1,100\n2,3,4\n", 2, "workers,throughput"),
            ("1,100\nx,y\n", 2, "workers"),
        ];
        for (text, line, column) in cases {
            match parse_points_csv(text) {
                Err(err @ ModelError::Csv { .. }) => {
                    let ModelError::Csv {
                        line: l, column: c, ..
                    } = &err
                    else {
                        unreachable!()
                    };
                    assert_eq!((*l, c.as_str()), (line, column), "{text:?}: {err}");
                    assert!(err.to_string().contains(&format!("line {line}")));
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
        assert!(parse_points_csv("").is_err());
        assert!(parse_points_csv("workers,throughput\n# nothing\n").is_err());
        let long = "1,1\n".repeat(MAX_CSV_LINES + 1);
        assert!(parse_points_csv(&long).is_err());
        assert_eq!(
            parse_points_csv(&"1,1\n".repeat(MAX_CSV_LINES))
                .unwrap()
                .len(),
            MAX_CSV_LINES
        );
    }

    #[test]
    fn csv_never_panics_on_junk() {
        let junk = [
            "\u{0}",
            ",",
            ",,,,",
            "\"",
            "\"\"",
            "#",
            "é,ü\n1,2",
            "1e400,1",
            "1,1e-400",
            "-0,1",
            "🦀,1",
        ];
        for text in junk {
            let _ = parse_points_csv(text);
        }
        // A long non-ASCII field is excerpted at a char boundary.
        let err = parse_points_csv(&format!("1,1\n2,{}", "é".repeat(100)))
            .unwrap_err()
            .to_string();
        assert!(err.contains('…'), "{err}");
    }

    proptest::proptest! {
        // Fixed seed and no regression files: reproducible, writes nothing.
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 64,
            rng_seed: proptest::test_runner::RngSeed::Fixed(20_260_520),
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        #[test]
        fn csv_parser_never_panics(text in "(?s).{0,400}") {
            if let Ok(points) = parse_points_csv(&text) {
                proptest::prop_assert!(points.iter().all(|p| p.workers >= 1.0 && p.throughput.0 > 0.0));
            }
        }

        #[test]
        fn csv_parser_never_panics_on_csv_like_text(
            text in "([0-9eE.+-]{0,6}[,; \t]?[0-9a-zA-Z.+-]{0,6}[#\r]?\n){0,30}"
        ) {
            let _ = parse_points_csv(&text);
        }

        #[test]
        fn fits_stay_in_bounds(
            raw in proptest::collection::vec((1.0f64..1e4, -6.0f64..12.0), 3..20)
        ) {
            let points: Vec<ScalingPoint> = raw
                .iter()
                .map(|&(w, log_x)| ScalingPoint {
                    workers: libm::floor(w),
                    throughput: EventsPerSecond(libm::pow(10.0, log_x)),
                })
                .collect();
            match fit_usl(&points) {
                Ok(fit) => {
                    proptest::prop_assert!((0.0..=1.0).contains(&fit.sigma));
                    proptest::prop_assert!(fit.kappa >= 0.0 && fit.kappa.is_finite());
                    proptest::prop_assert!(fit.lambda.0 > 0.0 && fit.lambda.0.is_finite());
                    proptest::prop_assert!(fit.r2 <= 1.0 + 1e-12 && fit.r2.is_finite(), "{fit:?}");
                    proptest::prop_assert!((0.0..=1.0).contains(&fit.amdahl_serial_fraction));
                }
                Err(err) => proptest::prop_assert!(matches!(err, ModelError::Invalid(_)), "{err}"),
            }
        }
    }

    #[test]
    fn serde_rejects_unknown_fields() {
        let ok: ScalingPoint = serde_json::from_str(r#"{"workers":2,"throughput":10}"#).unwrap();
        assert_eq!(ok.throughput, EventsPerSecond(10.0));
        assert!(
            serde_json::from_str::<ScalingPoint>(r#"{"workers":2,"throughput":10,"x":1}"#).is_err()
        );
    }
}
