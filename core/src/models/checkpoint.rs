//! Checkpoint/restart under exponentially distributed failures.
//!
//! A job needs `work_s` seconds of computation. Every `interval_s` seconds of
//! computation (τ) it writes a checkpoint taking `checkpoint_s` (δ). A
//! failure (Poisson process, mean time between failures `mtbf_s` = M) loses
//! everything since the last completed checkpoint; recovery takes
//! `restart_s` (R) and is itself interrupted by failures (it then starts
//! again). Failures strike at any time: computing, checkpointing, restarting.
//! The final segment ends the job and writes no checkpoint.
//!
//! **Closed form.** A stretch of `L` seconds that must run uninterrupted,
//! started fresh and preceded by an R-second restart after each failure,
//! takes on average `M e^{R/M} (e^{L/M} − 1)` (condition on the first
//! failure; J. T. Daly, "A higher order estimate of the optimum checkpoint
//! interval for restart dumps", Future Generation Computer Systems 22(3),
//! 2006, eq. 13 and its whole-segment total `M e^{R/M}(e^{(τ+δ)/M} − 1)·W/τ`).
//! With `n = ⌈W/τ⌉ − 1` full segments of τ + δ and a last segment of
//! `r = W − nτ`:
//!
//! ```text
//! E[T] = M e^{R/M} [ n (e^{(τ+δ)/M} − 1) + (e^{r/M} − 1) ]
//! ```
//!
//! Without checkpoints (restart from scratch) it is `M e^{R/M}(e^{W/M} − 1)`.
//! By optional stopping, the mean number of failures is `E[T]/M`.
//!
//! A segment that does not occur contributes nothing: with `n = 0` full
//! segments (the interval exceeds the work) the first term is 0, not
//! `0 · (e^{(τ+δ)/M} − 1)`, which overflows to `0·∞` once `(τ+δ)/M > 709`.
//!
//! **Intervals.** Young (CACM 17(9), 1974): `τ = √(2δM)`. Daly's higher-order
//! estimate: `τ = √(2δM)·[1 + ⅓√(δ/(2M)) + ⅑(δ/(2M))] − δ` for δ < 2M, else
//! `τ = M`. [`auto_interval`] is what a design's `auto` means: Daly's interval,
//! but never below [`crate::limits::MIN_CHECKPOINT_INTERVAL_S`]; a free
//! checkpoint (δ = 0) makes checkpointing as often as is useful, so it gets
//! that minimum (and costs nothing) rather than Daly's τ → 0.
//!
//! **Many nodes.** Independent exponential node failures with mean M_node on
//! N nodes form one Poisson process with mean `M_node / N` ([`system_mtbf`]);
//! a failure of any node fails the job.
//!
//! **Monte Carlo.** [`simulate`] runs independent replicas; run `r` draws its
//! failure times from `ItemRng::new(seed, Stream::Failures, r)`, runs are
//! evaluated in parallel with rayon and reduced in run order, so results are
//! identical for any thread count. Each run is event-driven (one step per
//! failure, not per segment). Inputs whose closed-form expectation exceeds
//! 10^6 × the work, or whose expected total number of failures over all runs
//! exceeds 10^8, are refused; a run that still exceeds 10^4 × its expected
//! failures (plus a margin) is stopped and counted in `did_not_finish_runs`.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{check_range, ModelError};
use crate::rng::{ItemRng, Stream};
use crate::units::Seconds;

/// Largest `work_s` accepted (about 31 700 years).
pub const MAX_WORK_S: f64 = 1e12;
/// Most Monte Carlo runs per simulation.
pub const MAX_RUNS: u64 = 1_000_000;
/// Expected makespans above this multiple of the work are refused.
pub const MAX_SLOWDOWN: f64 = 1e6;
/// Expected failures summed over all runs above this are refused.
pub const MAX_TOTAL_FAILURES: f64 = 1e8;

/// Inputs of [`simulate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointParams {
    /// Computation the job needs, `0 < work_s ≤ 1e12`.
    pub work_s: Seconds,
    /// Computation between checkpoints; `None` = no checkpointing.
    pub interval_s: Option<Seconds>,
    /// Time to write one checkpoint, ≥ 0.
    pub checkpoint_s: Seconds,
    /// Time to recover after a failure, ≥ 0.
    pub restart_s: Seconds,
    /// Mean time between failures of the whole system, > 0
    /// (see [`system_mtbf`] for N nodes).
    pub mtbf_s: Seconds,
    /// Monte Carlo runs, `1 ≤ runs ≤ 1e6`.
    pub runs: u64,
    /// Seed of the failure streams.
    pub seed: u64,
}

/// Result of [`simulate`]; the summary statistics cover finished runs,
/// [`Self::makespans`] every run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointOutcome {
    /// The checkpoint interval simulated (`None`: no checkpointing).
    pub interval_s: Option<Seconds>,
    /// Mean makespan over finished runs.
    pub expected_makespan_s: Seconds,
    /// Standard error of that mean.
    pub std_error_s: Seconds,
    /// Median makespan (nearest rank).
    pub p50_s: Seconds,
    /// 95th-percentile makespan (nearest rank).
    pub p95_s: Seconds,
    /// Mean number of failures per run.
    pub mean_failures: f64,
    /// The closed-form expectation, for comparison.
    pub closed_form_makespan_s: Seconds,
    /// Runs simulated.
    pub runs: u64,
    /// Runs stopped by the runaway guard (excluded from the statistics).
    pub did_not_finish_runs: u64,
    /// Every run's makespan, sorted (unfinished runs as +∞).
    pub makespans: Makespans,
}

/// Sorted makespans of a Monte Carlo, run-length encoded: every run without
/// a failure takes the same time, so thousands of runs usually keep a few
/// hundred distinct values. Unfinished runs are +∞ (they exceed any
/// deadline; the mean is then infinite).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Makespans {
    /// `(makespan_s, runs)`, ascending by makespan, runs ≥ 1.
    values: Vec<(f64, u64)>,
    runs: u64,
}

impl Makespans {
    /// From makespans in any order (NaN is treated as +∞).
    pub fn from_runs(mut makespans_s: Vec<f64>) -> Self {
        for m in &mut makespans_s {
            if m.is_nan() {
                *m = f64::INFINITY;
            }
        }
        makespans_s.sort_by(f64::total_cmp);
        let mut values: Vec<(f64, u64)> = Vec::new();
        for m in makespans_s {
            match values.last_mut() {
                Some((v, n)) if *v == m => *n += 1,
                _ => values.push((m, 1)),
            }
        }
        let runs = values.iter().map(|&(_, n)| n).sum();
        Self { values, runs }
    }

    /// Number of runs.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// `(makespan_s, runs)` in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        self.values.iter().copied()
    }

    /// Nearest-rank quantile, `q ∈ (0, 1]` (NaN when there are no runs).
    pub fn quantile(&self, q: f64) -> f64 {
        let rank = libm::ceil(q.clamp(0.0, 1.0) * self.runs as f64).max(1.0) as u64;
        let mut seen = 0;
        for &(value, n) in &self.values {
            seen += n;
            if seen >= rank {
                return value;
            }
        }
        f64::NAN
    }

    /// Mean makespan (+∞ if a run did not finish; NaN without runs).
    pub fn mean(&self) -> f64 {
        self.mean_of(|m| m)
    }

    /// Standard error of [`Self::mean`].
    pub fn std_error(&self) -> f64 {
        let mean = self.mean();
        let n = self.runs as f64;
        let variance = self.mean_of(|m| (m - mean) * (m - mean)) * n / (n - 1.0).max(1.0);
        (variance / n).sqrt()
    }

    /// Share of runs whose makespan exceeds `deadline_s`.
    pub fn p_exceeds(&self, deadline_s: f64) -> f64 {
        if self.runs == 0 {
            return f64::NAN;
        }
        let over: u64 = self
            .values
            .iter()
            .filter(|&&(v, _)| v > deadline_s)
            .map(|&(_, n)| n)
            .sum();
        over as f64 / self.runs as f64
    }

    /// Mean over runs of the time billed for a run under `rule`.
    pub fn mean_billed_s(&self, rule: &BillingRule) -> f64 {
        self.mean_of(|m| rule.billed_s(m))
    }

    /// `Σ f(makespan) / runs`, summed in ascending order.
    fn mean_of(&self, f: impl Fn(f64) -> f64) -> f64 {
        if self.runs == 0 {
            return f64::NAN;
        }
        let sum = self
            .values
            .iter()
            .fold(0.0, |sum, &(v, n)| sum + f(v) * n as f64);
        sum / self.runs as f64
    }
}

/// How a run's time is billed: the nodes are started `provisioning_s`
/// before the batch, and the billed time is rounded up to whole
/// `granularity_s` (0: per second, exactly) and is at least `minimum_s`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillingRule {
    pub provisioning_s: f64,
    pub granularity_s: f64,
    pub minimum_s: f64,
}

impl BillingRule {
    /// Every field finite and ≥ 0.
    pub fn new(
        provisioning_s: f64,
        granularity_s: f64,
        minimum_s: f64,
    ) -> Result<Self, ModelError> {
        Ok(Self {
            provisioning_s: non_negative("provisioning_s", Seconds(provisioning_s))?,
            granularity_s: non_negative("granularity_s", Seconds(granularity_s))?,
            minimum_s: non_negative("minimum_s", Seconds(minimum_s))?,
        })
    }

    /// `max(minimum, ⌈(provisioning + makespan) / granularity⌉ · granularity)`.
    pub fn billed_s(&self, makespan_s: f64) -> f64 {
        let used = self.provisioning_s + makespan_s;
        let rounded = if self.granularity_s > 0.0 && used.is_finite() {
            libm::ceil(used / self.granularity_s) * self.granularity_s
        } else {
            used
        };
        rounded.max(self.minimum_s)
    }
}

fn positive(name: &str, value: Seconds) -> Result<f64, ModelError> {
    check_range(name, value.0, f64::MIN_POSITIVE, f64::MAX)
}

fn non_negative(name: &str, value: Seconds) -> Result<f64, ModelError> {
    check_range(name, value.0, 0.0, f64::MAX)
}

/// Young's first-order optimum interval `√(2δM)`.
pub fn young_interval(checkpoint_s: Seconds, mtbf_s: Seconds) -> Result<Seconds, ModelError> {
    let delta = positive("checkpoint_s", checkpoint_s)?;
    let m = positive("mtbf_s", mtbf_s)?;
    Ok(Seconds((2.0 * delta * m).sqrt()))
}

/// Daly's higher-order optimum interval (2006):
/// `√(2δM)·[1 + ⅓√(δ/(2M)) + ⅑(δ/(2M))] − δ` for δ < 2M, else M.
pub fn young_daly_interval(checkpoint_s: Seconds, mtbf_s: Seconds) -> Result<Seconds, ModelError> {
    let delta = positive("checkpoint_s", checkpoint_s)?;
    let m = positive("mtbf_s", mtbf_s)?;
    if delta >= 2.0 * m {
        return Ok(Seconds(m));
    }
    let ratio = delta / (2.0 * m);
    let tau = (2.0 * delta * m).sqrt() * (1.0 + ratio.sqrt() / 3.0 + ratio / 9.0) - delta;
    Ok(Seconds(tau))
}

/// The interval of a design's `auto` checkpointing: Daly's interval, never
/// below [`crate::limits::MIN_CHECKPOINT_INTERVAL_S`]; free checkpoints
/// (`checkpoint_s = 0`) get that minimum: as often as is useful.
pub fn auto_interval(checkpoint_s: Seconds, mtbf_s: Seconds) -> Result<Seconds, ModelError> {
    let delta = non_negative("checkpoint_s", checkpoint_s)?;
    positive("mtbf_s", mtbf_s)?;
    let minimum = crate::limits::MIN_CHECKPOINT_INTERVAL_S;
    if delta == 0.0 {
        return Ok(Seconds(minimum));
    }
    Ok(Seconds(
        young_daly_interval(checkpoint_s, mtbf_s)?.0.max(minimum),
    ))
}

/// Mean time between failures of `nodes` independent nodes, any of whose
/// failure fails the job: `node_mtbf / nodes`.
pub fn system_mtbf(node_mtbf_s: Seconds, nodes: u64) -> Result<Seconds, ModelError> {
    let m = positive("node_mtbf_s", node_mtbf_s)?;
    if nodes == 0 {
        return Err(ModelError::out_of_range("nodes", 0.0, "nodes ≥ 1"));
    }
    Ok(Seconds(m / nodes as f64))
}

/// The job split into segments: `full_segments` of `interval + checkpoint`,
/// then a last segment of `last_segment_s` without a checkpoint.
#[derive(Debug, Clone, Copy)]
struct Plan {
    full_segments: f64,
    full_segment_s: f64,
    last_segment_s: f64,
    restart_s: f64,
    mtbf_s: f64,
}

impl Plan {
    fn new(
        work_s: Seconds,
        interval_s: Option<Seconds>,
        checkpoint_s: Seconds,
        restart_s: Seconds,
        mtbf_s: Seconds,
    ) -> Result<Self, ModelError> {
        let work = check_range("work_s", work_s.0, f64::MIN_POSITIVE, MAX_WORK_S)?;
        let checkpoint = non_negative("checkpoint_s", checkpoint_s)?;
        let restart = non_negative("restart_s", restart_s)?;
        let mtbf = positive("mtbf_s", mtbf_s)?;
        let (full_segments, interval) = match interval_s {
            Some(interval_s) => {
                let interval = positive("interval_s", interval_s)?;
                let segments = libm::ceil(work / interval).max(1.0);
                if segments > 1e15 {
                    return Err(ModelError::out_of_range(
                        "interval_s",
                        interval,
                        "work_s / interval_s ≤ 1e15",
                    ));
                }
                (segments - 1.0, interval)
            }
            None => (0.0, work),
        };
        Ok(Self {
            full_segments,
            full_segment_s: interval + checkpoint,
            last_segment_s: (work - full_segments * interval).max(0.0),
            restart_s: restart,
            mtbf_s: mtbf,
        })
    }

    /// `M e^{R/M} [n (e^{(τ+δ)/M} − 1) + (e^{r/M} − 1)]`; a term whose
    /// segments do not occur is 0 (never `0·∞`).
    fn expected_makespan(&self) -> Result<f64, ModelError> {
        let m = self.mtbf_s;
        let full = if self.full_segments > 0.0 {
            self.full_segments * libm::expm1(self.full_segment_s / m)
        } else {
            0.0
        };
        let last = if self.last_segment_s > 0.0 {
            libm::expm1(self.last_segment_s / m)
        } else {
            0.0
        };
        let value = m * libm::exp(self.restart_s / m) * (full + last);
        if value.is_finite() {
            Ok(value)
        } else {
            Err(ModelError::Infeasible(format!(
                "expected completion time overflows: the job is far too long for an MTBF of {m} s"
            )))
        }
    }
}

/// Closed-form expected wall time with checkpoints every `interval_s` of
/// computation (the last, partial segment writes no checkpoint).
pub fn expected_completion_time(
    work_s: Seconds,
    interval_s: Seconds,
    checkpoint_s: Seconds,
    restart_s: Seconds,
    mtbf_s: Seconds,
) -> Result<Seconds, ModelError> {
    Plan::new(work_s, Some(interval_s), checkpoint_s, restart_s, mtbf_s)?
        .expected_makespan()
        .map(Seconds)
}

/// Closed-form expected wall time without checkpoints (every failure
/// restarts the job from scratch): `M e^{R/M}(e^{W/M} − 1)`.
pub fn expected_completion_time_without_checkpoints(
    work_s: Seconds,
    restart_s: Seconds,
    mtbf_s: Seconds,
) -> Result<Seconds, ModelError> {
    Plan::new(work_s, None, Seconds(0.0), restart_s, mtbf_s)?
        .expected_makespan()
        .map(Seconds)
}

/// One Monte Carlo run.
#[derive(Debug, Clone, Copy)]
struct RunResult {
    makespan_s: f64,
    failures: u64,
    finished: bool,
}

fn simulate_run(plan: &Plan, rng: &mut ItemRng, max_failures: u64) -> RunResult {
    let m = plan.mtbf_s;
    let mut clock = 0.0;
    let mut failures = 0u64;
    let mut full_left = plan.full_segments;
    while failures <= max_failures {
        // Memoryless: the time to the next failure can be drawn afresh.
        let until_failure = rng.exponential(m);
        let remaining = full_left * plan.full_segment_s + plan.last_segment_s;
        if until_failure >= remaining {
            return RunResult {
                makespan_s: clock + remaining,
                failures,
                finished: true,
            };
        }
        // Segments (and their checkpoints) completed before the failure.
        let completed = if plan.full_segment_s > 0.0 {
            libm::floor(until_failure / plan.full_segment_s).min(full_left)
        } else {
            full_left
        };
        full_left -= completed;
        clock += until_failure;
        failures += 1;
        // Restart, itself interrupted by failures.
        while failures <= max_failures {
            let until_failure = rng.exponential(m);
            if until_failure >= plan.restart_s {
                clock += plan.restart_s;
                break;
            }
            clock += until_failure;
            failures += 1;
        }
    }
    RunResult {
        makespan_s: clock,
        failures,
        finished: false,
    }
}

/// Nearest-rank percentile of sorted values (`q` in (0, 1]).
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let rank = libm::ceil(q * sorted.len() as f64) as usize;
    sorted
        .get(rank.saturating_sub(1))
        .copied()
        .unwrap_or(f64::NAN)
}

/// Monte Carlo makespan distribution of a checkpointed job.
pub fn simulate(params: &CheckpointParams) -> Result<CheckpointOutcome, ModelError> {
    let plan = Plan::new(
        params.work_s,
        params.interval_s,
        params.checkpoint_s,
        params.restart_s,
        params.mtbf_s,
    )?;
    if params.runs == 0 || params.runs > MAX_RUNS {
        return Err(ModelError::out_of_range(
            "runs",
            params.runs as f64,
            &format!("1 ≤ runs ≤ {MAX_RUNS}"),
        ));
    }
    let expected = plan.expected_makespan()?;
    if expected > MAX_SLOWDOWN * params.work_s.0 {
        return Err(ModelError::Infeasible(format!(
            "expected makespan {expected:.3e} s exceeds {MAX_SLOWDOWN:e} × work_s: with these \
             work_s, interval_s, checkpoint_s, restart_s and mtbf_s the job practically never finishes"
        )));
    }
    let expected_failures = expected / plan.mtbf_s;
    if expected_failures * params.runs as f64 > MAX_TOTAL_FAILURES {
        return Err(ModelError::Infeasible(format!(
            "about {:.3e} failures to simulate (limit {MAX_TOTAL_FAILURES:e}): reduce runs",
            expected_failures * params.runs as f64
        )));
    }
    let max_failures = (1e4 * expected_failures + 1e4) as u64;

    // runs ≤ 1e6 fits usize on every target; an indexed range keeps order.
    let runs = usize::try_from(params.runs).unwrap_or(0);
    let results: Vec<RunResult> = (0..runs)
        .into_par_iter()
        .map(|run| {
            let mut rng = ItemRng::new(params.seed, Stream::Failures, run as u64);
            simulate_run(&plan, &mut rng, max_failures)
        })
        .collect();

    // Reductions in run order: identical for any thread count.
    let mut makespans: Vec<f64> = results
        .iter()
        .filter(|r| r.finished)
        .map(|r| r.makespan_s)
        .collect();
    let finished = makespans.len();
    if finished == 0 {
        return Err(ModelError::Infeasible(
            "no run finished within the runaway guard".to_owned(),
        ));
    }
    let did_not_finish_runs = params.runs - finished as u64;
    let count = finished as f64;
    let mean = makespans.iter().sum::<f64>() / count;
    let variance = makespans
        .iter()
        .map(|x| (x - mean) * (x - mean))
        .sum::<f64>()
        / (finished.saturating_sub(1).max(1)) as f64;
    let mean_failures = results
        .iter()
        .filter(|r| r.finished)
        .map(|r| r.failures as f64)
        .sum::<f64>()
        / count;
    makespans.sort_by(f64::total_cmp);
    let all_runs = Makespans::from_runs(
        results
            .iter()
            .map(|r| {
                if r.finished {
                    r.makespan_s
                } else {
                    f64::INFINITY
                }
            })
            .collect(),
    );
    Ok(CheckpointOutcome {
        interval_s: params.interval_s,
        expected_makespan_s: Seconds(mean),
        std_error_s: Seconds((variance / count).sqrt()),
        p50_s: Seconds(percentile(&makespans, 0.5)),
        p95_s: Seconds(percentile(&makespans, 0.95)),
        mean_failures,
        closed_form_makespan_s: Seconds(expected),
        runs: params.runs,
        did_not_finish_runs,
        makespans: all_runs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: f64 = 3600.0;

    fn params(work_h: f64, interval_h: Option<f64>, mtbf_h: f64) -> CheckpointParams {
        CheckpointParams {
            work_s: Seconds(work_h * HOUR),
            interval_s: interval_h.map(|h| Seconds(h * HOUR)),
            checkpoint_s: Seconds(0.1 * HOUR),
            restart_s: Seconds(0.2 * HOUR),
            mtbf_s: Seconds(mtbf_h * HOUR),
            runs: 20_000,
            seed: 17,
        }
    }

    /// Daly's whole-segment total `M e^{R/M}(e^{(τ+δ)/M} − 1)·W/τ`.
    fn daly_whole_segments(tau: f64, delta: f64, restart: f64, m: f64, work: f64) -> f64 {
        m * libm::exp(restart / m) * libm::expm1((tau + delta) / m) * work / tau
    }

    fn assert_matches_closed_form(p: &CheckpointParams) -> CheckpointOutcome {
        let out = simulate(p).unwrap();
        let closed = out.closed_form_makespan_s.0;
        let mean = out.expected_makespan_s.0;
        assert!(
            (mean - closed).abs() < 4.0 * out.std_error_s.0 && (mean / closed - 1.0).abs() < 0.03,
            "{p:?}: Monte Carlo {mean} ± {} vs closed form {closed}",
            out.std_error_s.0
        );
        let failures = closed / p.mtbf_s.0;
        assert!(
            (out.mean_failures - failures).abs() < 0.03 * failures + 0.01,
            "failures {} vs {failures}",
            out.mean_failures
        );
        assert!(out.p50_s.0 <= out.p95_s.0);
        assert_eq!(out.did_not_finish_runs, 0);
        out
    }

    #[test]
    fn closed_form_matches_hand_computation() {
        // W = 10, τ = 4, δ = 1, R = 2, M = 5: n = 2 full segments of 5, r = 2.
        let t = expected_completion_time(
            Seconds(10.0),
            Seconds(4.0),
            Seconds(1.0),
            Seconds(2.0),
            Seconds(5.0),
        )
        .unwrap();
        let expected =
            5.0 * libm::exp(0.4) * (2.0 * (libm::exp(1.0) - 1.0) + (libm::exp(0.4) - 1.0));
        assert!(
            (t.0 - expected).abs() < 1e-12 * expected,
            "{t:?} vs {expected}"
        );
        // Exact multiple: W = 8, τ = 4 → one full segment and a last one of 4.
        let t = expected_completion_time(
            Seconds(8.0),
            Seconds(4.0),
            Seconds(1.0),
            Seconds(2.0),
            Seconds(5.0),
        )
        .unwrap();
        let expected = 5.0 * libm::exp(0.4) * ((libm::exp(1.0) - 1.0) + (libm::exp(0.8) - 1.0));
        assert!((t.0 - expected).abs() < 1e-12 * expected);
        // Interval ≥ work is the no-checkpoint case.
        let none =
            expected_completion_time_without_checkpoints(Seconds(8.0), Seconds(2.0), Seconds(5.0))
                .unwrap();
        let long = expected_completion_time(
            Seconds(8.0),
            Seconds(9.0),
            Seconds(1.0),
            Seconds(2.0),
            Seconds(5.0),
        )
        .unwrap();
        assert_eq!(none, long);
        let expected = 5.0 * libm::exp(0.4) * (libm::exp(1.6) - 1.0);
        assert!((none.0 - expected).abs() < 1e-12 * expected);
        // No failures in practice: makespan = work + checkpoints.
        let t = expected_completion_time(
            Seconds(10.0),
            Seconds(4.0),
            Seconds(1.0),
            Seconds(2.0),
            Seconds(1e15),
        )
        .unwrap();
        assert!((t.0 - 12.0).abs() < 1e-6, "{t:?}");
    }

    #[test]
    fn intervals_match_formulas() {
        let young = young_interval(Seconds(60.0), Seconds(86_400.0)).unwrap();
        assert!((young.0 - (2.0f64 * 60.0 * 86_400.0).sqrt()).abs() < 1e-9);
        let daly = young_daly_interval(Seconds(60.0), Seconds(86_400.0)).unwrap();
        let r: f64 = 60.0 / (2.0 * 86_400.0);
        let expected = young.0 * (1.0 + r.sqrt() / 3.0 + r / 9.0) - 60.0;
        assert!((daly.0 - expected).abs() < 1e-9);
        assert_eq!(
            young_daly_interval(Seconds(300.0), Seconds(100.0)).unwrap(),
            Seconds(100.0)
        );
        assert!(young_interval(Seconds(0.0), Seconds(1.0)).is_err());
        assert!(young_daly_interval(Seconds(1.0), Seconds(f64::NAN))
            .unwrap_err()
            .to_string()
            .contains("mtbf_s"));
    }

    #[test]
    fn daly_interval_minimises_the_closed_form() {
        let (restart, m) = (600.0, 86_400.0);
        for delta in [10.0, 60.0, 600.0, 3_600.0, 20_000.0] {
            let work = 1e4 * m;
            let cost = |tau: f64| daly_whole_segments(tau, delta, restart, m, work);
            let tau = young_daly_interval(Seconds(delta), Seconds(m)).unwrap().0;
            // Golden-section search for the true minimum.
            let (mut lo, mut hi) = (delta / 100.0, 10.0 * m);
            let g = (5.0f64.sqrt() - 1.0) / 2.0;
            for _ in 0..200 {
                let (a, b) = (hi - g * (hi - lo), lo + g * (hi - lo));
                if cost(a) < cost(b) {
                    hi = b;
                } else {
                    lo = a;
                }
            }
            let best = 0.5 * (lo + hi);
            assert!(
                cost(tau) <= cost(best) * (1.0 + 1e-4),
                "δ={delta}: τ {tau} vs optimum {best}"
            );
            for factor in [0.9, 0.97, 1.03, 1.1] {
                assert!(
                    cost(tau) < cost(tau * factor),
                    "δ={delta}: ×{factor} is better"
                );
            }
            // Young's first-order interval is never better than Daly's.
            let young = young_interval(Seconds(delta), Seconds(m)).unwrap().0;
            assert!(cost(tau) <= cost(young) * (1.0 + 1e-12));
        }
    }

    #[test]
    fn monte_carlo_matches_closed_form() {
        let daly = |p: &CheckpointParams| young_daly_interval(p.checkpoint_s, p.mtbf_s).unwrap();
        // Reliable system, long job, Daly interval.
        let mut p = params(100.0, None, 24.0);
        p.interval_s = Some(daly(&p));
        assert_matches_closed_form(&p);
        // Failure-dominated: MTBF shorter than the restart plus a few segments.
        let mut p = params(20.0, Some(0.25), 0.5);
        p.runs = 5_000;
        assert_matches_closed_form(&p);
        // Interval not dividing the work (partial last segment).
        assert_matches_closed_form(&params(10.3, Some(3.0), 8.0));
        // Checkpoint longer than the interval, restart-heavy.
        let mut p = params(5.0, Some(0.05), 2.0);
        p.checkpoint_s = Seconds(0.1 * HOUR);
        p.restart_s = Seconds(1.0 * HOUR);
        p.runs = 5_000;
        assert_matches_closed_form(&p);
    }

    #[test]
    fn no_checkpoint_case_matches_its_closed_form() {
        for (work_h, mtbf_h) in [(1.0, 10.0), (5.0, 5.0), (10.0, 4.0)] {
            let p = params(work_h, None, mtbf_h);
            let out = assert_matches_closed_form(&p);
            let closed =
                expected_completion_time_without_checkpoints(p.work_s, p.restart_s, p.mtbf_s)
                    .unwrap();
            assert_eq!(out.closed_form_makespan_s, closed);
            assert_eq!(out.interval_s, None);
        }
    }

    #[test]
    fn failure_free_runs_are_exact() {
        let mut p = params(10.0, Some(4.0), 1e9);
        p.runs = 100;
        let out = simulate(&p).unwrap();
        // 2 checkpoints; a failure within 10 h at M = 1e9 h has probability 1e-8.
        let expected = 10.0 * HOUR + 2.0 * 0.1 * HOUR;
        assert!((out.p50_s.0 - expected).abs() < 1e-6);
        assert!((out.expected_makespan_s.0 - expected).abs() < 1e-6);
        assert_eq!(out.mean_failures, 0.0);
    }

    #[test]
    #[expect(
        clippy::disallowed_methods,
        reason = "the test compares thread counts: it builds the pools it compares"
    )]
    fn identical_for_any_thread_count() {
        let mut p = params(50.0, Some(2.0), 6.0);
        p.runs = 2_000;
        let run_with = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| simulate(&p).unwrap())
        };
        let one = run_with(1);
        assert_eq!(one, run_with(2));
        assert_eq!(one, run_with(3));
    }

    #[test]
    fn refuses_runaway_and_invalid_inputs() {
        // 1000 h of work at a 1 h MTBF without checkpoints: e^1000.
        let err = simulate(&params(1000.0, None, 1.0)).unwrap_err();
        assert!(matches!(err, ModelError::Infeasible(_)), "{err}");
        // Expected ~e^30 × work: refused before simulating.
        assert!(matches!(
            simulate(&params(30.0, None, 1.0)),
            Err(ModelError::Infeasible(_))
        ));
        let mut p = params(10.0, Some(1.0), 5.0);
        p.runs = 0;
        assert!(simulate(&p).unwrap_err().to_string().contains("runs"));
        p.runs = 10;
        p.interval_s = Some(Seconds(-1.0));
        assert!(simulate(&p).unwrap_err().to_string().contains("interval_s"));
        p.interval_s = Some(Seconds(1e-12));
        assert!(simulate(&p).unwrap_err().to_string().contains("interval_s"));
        // Checkpointing far too often: each 0.1 ms of work pays a 6-minute
        // checkpoint, a slowdown of ~3.6e6.
        p.interval_s = Some(Seconds(1e-4));
        assert!(matches!(simulate(&p), Err(ModelError::Infeasible(_))));
        p.interval_s = None;
        p.work_s = Seconds(f64::INFINITY);
        assert!(simulate(&p).unwrap_err().to_string().contains("work_s"));
        p.work_s = Seconds(HOUR);
        p.restart_s = Seconds(-1.0);
        assert!(simulate(&p).unwrap_err().to_string().contains("restart_s"));
        let json = r#"{"work_s":1,"interval_s":null,"checkpoint_s":1,"restart_s":1,"mtbf_s":1,"runs":1,"seed":1,"nodes":3}"#;
        assert!(serde_json::from_str::<CheckpointParams>(json).is_err());
    }

    #[test]
    fn a_segment_that_does_not_occur_costs_nothing() {
        // The interval exceeds the work (no full segment) and (τ+δ)/M > 709:
        // the full-segment term must be 0, not 0·∞.
        let with_interval = expected_completion_time(
            Seconds(10.0),
            Seconds(800.0),
            Seconds(1.0),
            Seconds(2.0),
            Seconds(1.0),
        )
        .unwrap();
        let without =
            expected_completion_time_without_checkpoints(Seconds(10.0), Seconds(2.0), Seconds(1.0))
                .unwrap();
        assert_eq!(with_interval, without);
        let expected = libm::exp(2.0) * libm::expm1(10.0);
        assert!((without.0 - expected).abs() < 1e-9 * expected);
        // An exact multiple leaves no partial segment: only full ones count.
        let exact = expected_completion_time(
            Seconds(8.0),
            Seconds(2.0),
            Seconds(0.5),
            Seconds(1.0),
            Seconds(4.0),
        )
        .unwrap();
        let expected = 4.0 * libm::exp(0.25) * (3.0 * libm::expm1(2.5 / 4.0) + libm::expm1(0.5));
        assert!((exact.0 - expected).abs() < 1e-12 * expected);
    }

    #[test]
    fn free_checkpoints_checkpoint_as_often_as_useful() {
        let minimum = crate::limits::MIN_CHECKPOINT_INTERVAL_S;
        assert_eq!(
            auto_interval(Seconds(0.0), Seconds(3_600.0)).unwrap(),
            Seconds(minimum)
        );
        // Daly's interval when it is above the minimum, the minimum below.
        let daly = young_daly_interval(Seconds(30.0), Seconds(86_400.0)).unwrap();
        assert_eq!(
            auto_interval(Seconds(30.0), Seconds(86_400.0)).unwrap(),
            daly
        );
        assert_eq!(
            auto_interval(Seconds(1e-9), Seconds(3_600.0)).unwrap(),
            Seconds(minimum)
        );
        assert!(auto_interval(Seconds(-1.0), Seconds(1.0)).is_err());
        assert!(auto_interval(Seconds(0.0), Seconds(0.0))
            .unwrap_err()
            .to_string()
            .contains("mtbf_s"));
        // A 2-hour job on 8 nodes failing every 90 min in all, free
        // checkpoints every second: a failure costs the restart and half a
        // second of work, E[T] ≈ W + (W/M)(R + ½).
        let mut p = params(2.0, None, 1.5);
        p.checkpoint_s = Seconds(0.0);
        p.interval_s = Some(auto_interval(p.checkpoint_s, p.mtbf_s).unwrap());
        p.runs = 5_000;
        let out = assert_matches_closed_form(&p);
        let (w, m, r) = (p.work_s.0, p.mtbf_s.0, p.restart_s.0);
        let approx = w + w / m * (r + 0.5);
        assert!(
            (out.closed_form_makespan_s.0 / approx - 1.0).abs() < 0.05,
            "{out:?} vs {approx}"
        );
    }

    /// No checkpoints and `W < D < W + R`: a run misses the deadline iff it
    /// sees a failure, so `P(T > D) = 1 − e^{−W/M}`.
    #[test]
    fn deadline_miss_probability_matches_its_closed_form() {
        for (work_h, mtbf_h) in [(1.0, 2.0), (0.5, 10.0), (2.0, 1.0)] {
            let mut p = params(work_h, None, mtbf_h);
            p.runs = 20_000;
            let out = simulate(&p).unwrap();
            let deadline = p.work_s.0 + 0.5 * p.restart_s.0;
            let expected = -libm::expm1(-p.work_s.0 / p.mtbf_s.0);
            let got = out.makespans.p_exceeds(deadline);
            let sigma = (expected * (1.0 - expected) / p.runs as f64).sqrt();
            assert!(
                (got - expected).abs() < 4.0 * sigma,
                "W={work_h} h, M={mtbf_h} h: {got} vs {expected}"
            );
            // And the mean of the runs is the closed form's E[T].
            let mean = out.makespans.mean();
            assert!(
                (mean / out.closed_form_makespan_s.0 - 1.0).abs()
                    < 4.0 * out.makespans.std_error() / mean
            );
            assert_eq!(out.makespans.runs(), p.runs);
            assert_eq!(out.makespans.quantile(0.5), out.p50_s.0);
            assert_eq!(out.makespans.quantile(0.95), out.p95_s.0);
        }
    }

    #[test]
    fn makespan_statistics() {
        let m = Makespans::from_runs(vec![50.0, 10.0, 20.0, 10.0, 10.0]);
        assert_eq!(m.runs(), 5);
        assert_eq!(
            m.iter().collect::<Vec<_>>(),
            vec![(10.0, 3), (20.0, 1), (50.0, 1)]
        );
        assert_eq!(
            (
                m.quantile(0.5),
                m.quantile(0.6),
                m.quantile(0.61),
                m.quantile(0.95)
            ),
            (10.0, 10.0, 20.0, 50.0)
        );
        assert_eq!(m.mean(), 20.0);
        assert_eq!(
            (m.p_exceeds(15.0), m.p_exceeds(50.0), m.p_exceeds(0.0)),
            (0.4, 0.0, 1.0)
        );
        let hourly = BillingRule::new(0.0, 3_600.0, 0.0).unwrap();
        assert_eq!(m.mean_billed_s(&hourly), 3_600.0);
        // Provisioning counts, rounding is per minute, at least a minute.
        let rule = BillingRule::new(40.0, 60.0, 60.0).unwrap();
        assert_eq!(rule.billed_s(10.0), 60.0);
        assert_eq!(rule.billed_s(50.0), 120.0);
        assert_eq!(m.mean_billed_s(&rule), (3.0 * 60.0 + 60.0 + 120.0) / 5.0);
        let per_second = BillingRule::new(5.0, 0.0, 0.0).unwrap();
        assert_eq!(m.mean_billed_s(&per_second), 25.0);
        assert!(BillingRule::new(0.0, -1.0, 0.0)
            .unwrap_err()
            .to_string()
            .contains("granularity_s"));
        // An unfinished run exceeds every deadline.
        let stuck = Makespans::from_runs(vec![1.0, f64::INFINITY]);
        assert_eq!(
            (stuck.p_exceeds(1e300), stuck.quantile(1.0), stuck.mean()),
            (0.5, f64::INFINITY, f64::INFINITY)
        );
        assert!(Makespans::from_runs(Vec::new()).mean().is_nan());
    }

    #[test]
    fn system_mtbf_divides_by_nodes() {
        assert_eq!(system_mtbf(Seconds(1e6), 1000).unwrap(), Seconds(1e3));
        assert!(system_mtbf(Seconds(1e6), 0).is_err());
    }
}
