//! The volume sweep and the answer to the module question: at what event
//! volume does one node stop being enough, and from when is the distributed
//! design also cheaper?
//!
//! Every alternative is projected at `points` log-spaced volumes. A crossing
//! (the single-node design missing the deadline, running out of memory, the
//! distributed design becoming cheaper) is bracketed by two sweep points,
//! first guessed by log–log interpolation of the metric between them, then
//! refined by bisection of the predicate on the logarithm of the volume.
//! Sweep points and bisection probes use [`SWEEP_FAILURE_RUNS`] Monte Carlo
//! runs with the same run seeds everywhere, so curves are smooth and the
//! predicates deterministic.
//!
//! "Single-node design": the alternative with the fewest nodes (first on
//! ties). "Distributed design": among the others, the one with the most nodes.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::projection::{Projection, Projector};
use super::AnalysisError;
use crate::analysis_limits::{
    CROSSING_BISECTION_STEPS, CROSSING_RELATIVE_TOLERANCE, DEFAULT_SWEEP_MAX_EVENTS,
    DEFAULT_SWEEP_MIN_EVENTS, DEFAULT_SWEEP_POINTS, MAX_FAILURE_RUNS, MAX_SWEEP_EVENTS,
    MAX_SWEEP_POINTS, MIN_SWEEP_EVENTS, MIN_SWEEP_POINTS, MIN_SWEEP_SPAN, SWEEP_FAILURE_RUNS,
};
use crate::format;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SweepConfig {
    pub min_events: f64,
    pub max_events: f64,
    pub points: usize,
    pub failure_runs: u32,
}

impl Default for SweepConfig {
    fn default() -> Self {
        Self {
            min_events: DEFAULT_SWEEP_MIN_EVENTS,
            max_events: DEFAULT_SWEEP_MAX_EVENTS,
            points: DEFAULT_SWEEP_POINTS,
            failure_runs: SWEEP_FAILURE_RUNS,
        }
    }
}

impl SweepConfig {
    pub fn validate(&self) -> Result<(), AnalysisError> {
        let in_range = |v: f64| v.is_finite() && (MIN_SWEEP_EVENTS..=MAX_SWEEP_EVENTS).contains(&v);
        if !in_range(self.min_events) || !in_range(self.max_events) {
            return Err(AnalysisError::invalid(
                "sweep",
                format!(
                    "events must be in [{MIN_SWEEP_EVENTS}, {MAX_SWEEP_EVENTS:e}], got {} to {}",
                    self.min_events, self.max_events
                ),
            ));
        }
        if self.max_events < self.min_events * MIN_SWEEP_SPAN {
            return Err(AnalysisError::invalid(
                "sweep.max_events",
                format!("must be ≥ {MIN_SWEEP_SPAN} × min_events"),
            ));
        }
        if !(MIN_SWEEP_POINTS..=MAX_SWEEP_POINTS).contains(&self.points) {
            return Err(AnalysisError::invalid(
                "sweep.points",
                format!(
                    "must be {MIN_SWEEP_POINTS} to {MAX_SWEEP_POINTS}, got {}",
                    self.points
                ),
            ));
        }
        if !(1..=MAX_FAILURE_RUNS).contains(&self.failure_runs) {
            return Err(AnalysisError::invalid(
                "sweep.failure_runs",
                format!("must be 1 to {MAX_FAILURE_RUNS}, got {}", self.failure_runs),
            ));
        }
        Ok(())
    }

    /// Log-spaced volumes from `min_events` to `max_events` inclusive.
    pub fn volumes(&self) -> Vec<f64> {
        let (lo, hi) = (libm::log(self.min_events), libm::log(self.max_events));
        let last = self.points.saturating_sub(1).max(1) as f64;
        (0..self.points)
            .map(|i| {
                if i == 0 {
                    self.min_events
                } else if i + 1 == self.points {
                    self.max_events
                } else {
                    libm::exp(lo + (hi - lo) * i as f64 / last)
                }
            })
            .collect()
    }
}

/// One alternative at one sweep volume: what the chart plots.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SweepPoint {
    pub events: f64,
    pub makespan_p50_s: f64,
    pub makespan_p95_s: f64,
    pub cost_per_run_usd: f64,
    pub working_set_bytes: f64,
    pub fits: bool,
    pub meets_deadline: bool,
}

impl From<&Projection> for SweepPoint {
    fn from(p: &Projection) -> Self {
        Self {
            events: p.events,
            makespan_p50_s: p.makespan_p50_s,
            makespan_p95_s: p.makespan_p95_s,
            cost_per_run_usd: p.cost_per_run_usd,
            working_set_bytes: p.memory_fit.working_set_bytes,
            fits: p.memory_fit.fits,
            meets_deadline: p.meets_deadline,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SweepSeries {
    pub option: String,
    pub nodes: u32,
    pub points: Vec<SweepPoint>,
}

/// Where a predicate first holds in the swept range.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Crossing {
    /// Already true at the smallest swept volume.
    BelowRange { events: f64 },
    /// First true at `events` (refined by bisection).
    At { events: f64 },
    /// Never true up to the largest swept volume.
    NeverInRange { events: f64 },
}

impl Crossing {
    /// The crossing volume, if it lies inside the range.
    pub fn at(self) -> Option<f64> {
        match self {
            Crossing::At { events } => Some(events),
            _ => None,
        }
    }

    /// The smallest volume known to satisfy the predicate.
    pub fn from_events(self) -> Option<f64> {
        match self {
            Crossing::At { events } | Crossing::BelowRange { events } => Some(events),
            Crossing::NeverInRange { .. } => None,
        }
    }
}

/// The distributed design at the single node's limit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AtLimit {
    pub events: f64,
    pub single_node_makespan_p95_s: f64,
    pub single_node_cost_per_run_usd: f64,
    pub distributed_makespan_p95_s: f64,
    pub distributed_cost_per_run_usd: f64,
    pub distributed_meets_deadline: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Crossover {
    pub config: SweepConfig,
    pub deadline_s: f64,
    pub single_node_option: String,
    pub distributed_option: String,
    /// Smallest volume at which the single-node p95 misses the deadline.
    pub single_node_misses_deadline: Crossing,
    /// Smallest volume at which the single node's working set exceeds memory.
    pub single_node_out_of_memory: Crossing,
    /// The smaller of the two: where one node stops being enough.
    pub single_node_limit_events: Option<f64>,
    pub at_limit: Option<AtLimit>,
    /// Volume from which the distributed design is cheaper per run and
    /// stays so to the end of the range.
    pub distributed_cheaper_from: Crossing,
    /// The plain answer to the module question, with the numbers.
    pub answer: String,
    pub sweep: Vec<SweepSeries>,
}

/// Index of the single-node (fewest nodes) and distributed (most nodes among
/// the rest) alternatives.
pub fn pick_pair(projectors: &[Projector]) -> Option<(usize, usize)> {
    let nodes = |i: usize| projectors.get(i).map_or(0, |p| p.design.nodes);
    let single = (0..projectors.len()).min_by_key(|&i| (nodes(i), i))?;
    let distributed = (0..projectors.len())
        .filter(|&i| i != single)
        .max_by_key(|&i| (nodes(i), std::cmp::Reverse(i)))?;
    Some((single, distributed))
}

/// Refines the first volume where `holds` becomes true between `lo` (false)
/// and `hi` (true), starting from the guess `guess` (clamped inside).
pub(super) fn bisect(
    mut lo: f64,
    mut hi: f64,
    guess: Option<f64>,
    holds: impl Fn(f64) -> bool,
) -> f64 {
    if let Some(g) = guess.filter(|g| g.is_finite() && *g > lo && *g < hi) {
        if holds(g) {
            hi = g;
        } else {
            lo = g;
        }
    }
    for _ in 0..CROSSING_BISECTION_STEPS {
        if hi / lo - 1.0 <= CROSSING_RELATIVE_TOLERANCE {
            break;
        }
        let mid = (lo * hi).sqrt();
        if holds(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// Log–log interpolation of where `value` reaches `target` between two points.
fn interpolate(e0: f64, v0: f64, e1: f64, v1: f64, target: f64) -> Option<f64> {
    if !(v0 > 0.0 && v1 > 0.0 && target > 0.0 && v1 != v0) {
        return None;
    }
    let t = (libm::log(target) - libm::log(v0)) / (libm::log(v1) - libm::log(v0));
    Some(libm::exp(
        libm::log(e0) + t * (libm::log(e1) - libm::log(e0)),
    ))
}

/// First crossing of `holds` along the sweep, refined.
fn find_crossing(
    volumes: &[f64],
    flags: &[bool],
    metric: impl Fn(usize) -> (f64, f64),
    target: f64,
    holds: impl Fn(f64) -> bool,
) -> Crossing {
    let first = flags.iter().position(|&f| f);
    match first {
        None => Crossing::NeverInRange {
            events: volumes.last().copied().unwrap_or(0.0),
        },
        Some(0) => Crossing::BelowRange {
            events: volumes.first().copied().unwrap_or(0.0),
        },
        Some(i) => {
            let (Some(&lo), Some(&hi)) = (volumes.get(i - 1), volumes.get(i)) else {
                return Crossing::NeverInRange { events: 0.0 };
            };
            let (v0, v1) = (metric(i - 1).0, metric(i).0);
            let _ = metric(i).1;
            let guess = interpolate(lo, v0, hi, v1, target);
            Crossing::At {
                events: bisect(lo, hi, guess, holds),
            }
        }
    }
}

/// Sweeps every alternative and answers the module question.
pub fn crossover(
    projectors: &[Projector],
    config: &SweepConfig,
) -> Result<Crossover, AnalysisError> {
    config.validate()?;
    let (single_i, dist_i) = pick_pair(projectors)
        .ok_or_else(|| AnalysisError::invalid("alternatives", "need at least two alternatives"))?;
    let (Some(single), Some(dist)) = (projectors.get(single_i), projectors.get(dist_i)) else {
        return Err(AnalysisError::invalid(
            "alternatives",
            "missing alternative",
        ));
    };
    let volumes = config.volumes();
    let runs = config.failure_runs;
    let jobs: Vec<(usize, f64)> = (0..projectors.len())
        .flat_map(|a| volumes.iter().map(move |&e| (a, e)))
        .collect();
    let projections: Vec<Projection> = jobs
        .par_iter()
        .map(|&(a, e)| {
            projectors
                .get(a)
                .map(|p| p.project(e, runs))
                .ok_or_else(|| AnalysisError::invalid("alternatives", "missing alternative"))
        })
        .collect::<Result<_, _>>()?;
    let series_of = |a: usize| -> &[Projection] {
        projections
            .get(a * volumes.len()..(a + 1) * volumes.len())
            .unwrap_or(&[])
    };
    let sweep: Vec<SweepSeries> = projectors
        .iter()
        .enumerate()
        .map(|(a, p)| SweepSeries {
            option: p.option.clone(),
            nodes: p.design.nodes,
            points: series_of(a).iter().map(SweepPoint::from).collect(),
        })
        .collect();
    let single_series = series_of(single_i);
    let dist_series = series_of(dist_i);
    let deadline = single.deadline_s;
    let p95 = |s: &[Projection], i: usize| s.get(i).map_or(0.0, |p| p.makespan_p95_s);

    let misses: Vec<bool> = single_series.iter().map(|p| !p.meets_deadline).collect();
    let single_misses_deadline = find_crossing(
        &volumes,
        &misses,
        |i| (p95(single_series, i), 0.0),
        deadline,
        |e| !single.project(e, runs).meets_deadline,
    );
    let out_of_memory: Vec<bool> = single_series.iter().map(|p| !p.memory_fit.fits).collect();
    let ws = |i: usize| {
        single_series
            .get(i)
            .map_or(0.0, |p| p.memory_fit.working_set_bytes)
    };
    let capacity = single_series
        .first()
        .map_or(0.0, |p| p.memory_fit.capacity_bytes);
    let single_out_of_memory = find_crossing(
        &volumes,
        &out_of_memory,
        |i| (ws(i), 0.0),
        capacity,
        |e| !single.project(e, runs).memory_fit.fits,
    );
    let limit = [single_misses_deadline, single_out_of_memory]
        .iter()
        .filter_map(|c| c.from_events())
        .fold(None, |m: Option<f64>, e| Some(m.map_or(e, |m| m.min(e))));
    // The distributed design is judged where the single node misses the
    // deadline (the decisive limit), else where it runs out of memory.
    let judge_at = single_misses_deadline.from_events().or(limit);
    let at_limit = judge_at.map(|e| {
        let s = single.project(e, runs);
        let d = dist.project(e, runs);
        AtLimit {
            events: e,
            single_node_makespan_p95_s: s.makespan_p95_s,
            single_node_cost_per_run_usd: s.cost_per_run_usd,
            distributed_makespan_p95_s: d.makespan_p95_s,
            distributed_cost_per_run_usd: d.cost_per_run_usd,
            distributed_meets_deadline: d.meets_deadline,
        }
    });
    let cheaper: Vec<bool> = single_series
        .iter()
        .zip(dist_series)
        .map(|(s, d)| d.cost_per_run_usd <= s.cost_per_run_usd)
        .collect();
    let distributed_cheaper_from = match cheaper.iter().rposition(|&c| !c) {
        None => Crossing::BelowRange {
            events: volumes.first().copied().unwrap_or(0.0),
        },
        Some(j) if j + 1 >= volumes.len() => Crossing::NeverInRange {
            events: volumes.last().copied().unwrap_or(0.0),
        },
        Some(j) => {
            let (lo, hi) = (
                volumes.get(j).copied().unwrap_or(0.0),
                volumes.get(j + 1).copied().unwrap_or(0.0),
            );
            let ratio = |i: usize| {
                let s = single_series.get(i).map_or(1.0, |p| p.cost_per_run_usd);
                let d = dist_series.get(i).map_or(1.0, |p| p.cost_per_run_usd);
                if s > 0.0 {
                    d / s
                } else {
                    1.0
                }
            };
            let guess = interpolate(lo, ratio(j), hi, ratio(j + 1), 1.0);
            Crossing::At {
                events: bisect(lo, hi, guess, |e| {
                    dist.project(e, runs).cost_per_run_usd
                        <= single.project(e, runs).cost_per_run_usd
                }),
            }
        }
    };
    // Where the sweep has the distributed design cheaper, when that is not
    // a tail of the range (the answer must not say "costs more" then).
    let cheaper_window = cheaper_window(&volumes, &cheaper);
    let last_point = |s: &[Projection]| s.last().map_or(0.0, |p| p.cost_per_run_usd);
    let answer = answer(&AnswerParts {
        single,
        dist,
        deadline_s: deadline,
        max_events: config.max_events,
        misses: single_misses_deadline,
        oom: single_out_of_memory,
        at_limit: at_limit.as_ref(),
        cheaper: distributed_cheaper_from,
        cheaper_window,
        costs_at_max: (last_point(single_series), last_point(dist_series)),
    });
    Ok(Crossover {
        config: config.clone(),
        deadline_s: deadline,
        single_node_option: single.option.clone(),
        distributed_option: dist.option.clone(),
        single_node_misses_deadline: single_misses_deadline,
        single_node_out_of_memory: single_out_of_memory,
        single_node_limit_events: limit,
        at_limit,
        distributed_cheaper_from,
        answer,
        sweep,
    })
}

struct AnswerParts<'a> {
    single: &'a Projector,
    dist: &'a Projector,
    deadline_s: f64,
    max_events: f64,
    misses: Crossing,
    oom: Crossing,
    at_limit: Option<&'a AtLimit>,
    cheaper: Crossing,
    cheaper_window: Option<CheaperWindow>,
    costs_at_max: (f64, f64),
}

/// First and last swept volume at which the distributed design is cheaper,
/// and whether it is cheaper at every swept volume between them. What
/// `distributed_cheaper_from` cannot say when the cluster is cheaper only in
/// the middle of the range (`Crossing::NeverInRange` with a window).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CheaperWindow {
    pub first: f64,
    pub last: f64,
    pub contiguous: bool,
}

/// `cheaper[i]`: the distributed design is cheaper per run at `volumes[i]`.
fn cheaper_window(volumes: &[f64], cheaper: &[bool]) -> Option<CheaperWindow> {
    let first = cheaper.iter().position(|&c| c)?;
    let last = cheaper.iter().rposition(|&c| c)?;
    Some(CheaperWindow {
        first: *volumes.get(first)?,
        last: *volumes.get(last)?,
        contiguous: cheaper.get(first..=last)?.iter().all(|&c| c),
    })
}

impl Crossover {
    /// Where the distributed design is cheaper per run when that is only in
    /// the middle of the range (`distributed_cheaper_from` never crosses in
    /// range, yet some swept volumes are cheaper), read off the two compared
    /// options' sweep series: the same projections the answer was written
    /// from. `None` whenever `distributed_cheaper_from` tells the whole story.
    pub fn cheaper_only_mid_range(&self) -> Option<CheaperWindow> {
        if !matches!(self.distributed_cheaper_from, Crossing::NeverInRange { .. }) {
            return None;
        }
        let series = |option: &str| self.sweep.iter().find(|s| s.option == option);
        let single = series(&self.single_node_option)?;
        let dist = series(&self.distributed_option)?;
        let volumes: Vec<f64> = single.points.iter().map(|p| p.events).collect();
        let cheaper: Vec<bool> = single
            .points
            .iter()
            .zip(&dist.points)
            .map(|(s, d)| d.cost_per_run_usd <= s.cost_per_run_usd)
            .collect();
        cheaper_window(&volumes, &cheaper)
    }
}

fn answer(parts: &AnswerParts) -> String {
    let one = format!(
        "one {}-core node ({})",
        parts.single.design.cores_per_node, parts.single.option
    );
    let cluster = format!(
        "the {}-node cluster ({})",
        parts.dist.design.nodes, parts.dist.option
    );
    let deadline = format::seconds(parts.deadline_s);
    let memory = format!("{} GiB", parts.single.design.memory_per_node_gib);
    let mut sentence = String::new();
    match (parts.misses.from_events(), parts.oom.from_events()) {
        (None, None) => {
            let (s, d) = parts.costs_at_max;
            return format!(
                "Up to {} events per batch {one} meets the {deadline} deadline within its {memory} of \
                 memory, so in this range scale does not require distributed computation; at that \
                 volume {cluster} would cost ${d:.2} per run against ${s:.2}.",
                format::volume(parts.max_events)
            );
        }
        (Some(miss), oom) => {
            if let Some(oom) = oom.filter(|&o| o < miss) {
                sentence.push_str(&format!(
                    "From {} events per batch {one} no longer holds its working set in {memory} and \
                     spills to disk; above {} events it misses the {deadline} deadline",
                    format::volume(oom),
                    format::volume(miss)
                ));
            } else {
                sentence.push_str(&format!(
                    "Above {} events per batch {one} misses the {deadline} deadline",
                    format::volume(miss)
                ));
            }
        }
        (None, Some(oom)) => sentence.push_str(&format!(
            "From {} events per batch {one} no longer holds its working set in {memory} and spills \
             to disk, though it still meets the {deadline} deadline up to {}",
            format::volume(oom),
            format::volume(parts.max_events)
        )),
    }
    if let Some(limit) = parts.at_limit {
        if limit.distributed_meets_deadline {
            sentence.push_str(&format!(
                "; {cluster} meets it at ${:.2} per run (p95 {})",
                limit.distributed_cost_per_run_usd,
                format::seconds(limit.distributed_makespan_p95_s)
            ));
        } else {
            sentence.push_str(&format!(
                "; {cluster} misses it too (p95 {}), so it needs more nodes",
                format::seconds(limit.distributed_makespan_p95_s)
            ));
        }
    }
    match parts.cheaper {
        Crossing::At { events } => sentence.push_str(&format!(
            " and is cheaper per run above {} events.",
            format::volume(events)
        )),
        Crossing::BelowRange { .. } => {
            sentence.push_str(" and is cheaper per run throughout the range.")
        }
        Crossing::NeverInRange { .. } => match parts.cheaper_window {
            Some(CheaperWindow {
                first,
                last,
                contiguous: true,
            }) => sentence.push_str(&format!(
                " and is cheaper per run from about {} to {} events, though not beyond.",
                format::volume(first),
                format::volume(last)
            )),
            Some(CheaperWindow { first, last, .. }) => sentence.push_str(&format!(
                " and is cheaper per run at some volumes between about {} and {} events, \
                 though not beyond.",
                format::volume(first),
                format::volume(last)
            )),
            None => sentence.push_str(&format!(
                ", but costs more per run up to {} events.",
                format::volume(parts.max_events)
            )),
        },
    }
    sentence
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures;
    use crate::analysis::projection::Context;
    use crate::review::Review;

    fn run(review: &Review, sweep: &SweepConfig) -> (Crossover, Vec<Projector>) {
        let cost = fixtures::cost_model();
        let facts = fixtures::data_facts();
        let context = Context::new(review, &cost, &facts, fixtures::fast_config()).unwrap();
        let projectors = context.projectors().unwrap();
        (crossover(&projectors, sweep).unwrap(), projectors)
    }

    #[test]
    fn finds_the_hand_computed_deadline_crossing() {
        // A single node with memory to spare and no failures: its makespan is
        // events × per-event cost / speedup, so the crossing is closed form.
        let mut review = Review::example();
        let d = &mut review.alternatives[0].design;
        d.memory_per_node_gib = 24_576.0;
        d.node_mtbf_h = 1_000_000.0;
        let (result, projectors) = run(&review, &SweepConfig::default());
        let single = &projectors[0];
        let per_event_s = single.per_event.total_s / single.parallelism.effective_cores;
        let expected = review.sla.deadline_s / per_event_s;
        let found = result.single_node_misses_deadline.at().unwrap();
        assert!(
            (found / expected - 1.0).abs() < 0.01,
            "found {found:e}, expected {expected:e}"
        );
        assert!(
            result.answer.contains(&format::volume(found)),
            "{}",
            result.answer
        );
    }

    #[test]
    fn example_answer_names_the_limit_and_the_cluster() {
        let (result, _) = run(&Review::example(), &SweepConfig::default());
        assert_eq!(result.single_node_option, "single_node_baseline");
        assert_eq!(result.distributed_option, "partitioned_cached_cluster");
        assert!(result.single_node_misses_deadline.at().is_some());
        assert!(result.single_node_out_of_memory.at().is_some());
        println!("{}", result.answer);
        assert!(result.answer.contains("2 h deadline"), "{}", result.answer);
        assert!(result.answer.contains("16-core"), "{}", result.answer);
        // The single node's limit lies at a volume a course can discuss.
        let limit = result.single_node_limit_events.unwrap();
        assert!((1e7..1e9).contains(&limit), "{limit:e}");
        // Where the cluster is cheaper at the limit, the answer must not say
        // it costs more.
        let at = result.at_limit.as_ref().unwrap();
        assert!(at.distributed_cost_per_run_usd < at.single_node_cost_per_run_usd);
        assert!(!result.answer.contains("costs more"), "{}", result.answer);
        assert!(
            result.answer.contains("is cheaper per run"),
            "{}",
            result.answer
        );
        assert_eq!(result.sweep.len(), 2);
        assert_eq!(result.sweep[0].points.len(), DEFAULT_SWEEP_POINTS);
    }

    #[test]
    fn cheaper_window_spans_the_cheaper_volumes() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        let window = |c: [bool; 5]| cheaper_window(&v, &c);
        assert_eq!(window([false; 5]), None);
        assert_eq!(
            window([false, true, true, false, false]),
            Some(CheaperWindow {
                first: 2.0,
                last: 3.0,
                contiguous: true
            })
        );
        assert_eq!(
            window([true, false, true, true, false]),
            Some(CheaperWindow {
                first: 1.0,
                last: 4.0,
                contiguous: false
            })
        );
        // The method reads the window the answer was written from off the
        // sweep series. With the test calibration the example's cluster is
        // cheaper only in the middle of the range.
        let (result, _) = run(&Review::example(), &SweepConfig::default());
        assert!(matches!(
            result.distributed_cheaper_from,
            Crossing::NeverInRange { .. }
        ));
        let window = result.cheaper_only_mid_range().unwrap();
        assert!(window.contiguous);
        let volumes = SweepConfig::default().volumes();
        assert!(window.first > volumes[0] && window.last < volumes[volumes.len() - 1]);
        let said = format!(
            "from about {} to {} events, though not beyond",
            format::volume(window.first),
            format::volume(window.last)
        );
        assert!(result.answer.contains(&said), "{}", result.answer);
    }

    #[test]
    fn never_in_range_when_the_single_node_is_ample() {
        let mut review = Review::example();
        review.sla.deadline_s = 30.0 * 86_400.0;
        review.alternatives[0].design.memory_per_node_gib = 24_576.0;
        let sweep = SweepConfig {
            max_events: 1e7,
            points: 9,
            ..SweepConfig::default()
        };
        let (result, _) = run(&review, &sweep);
        assert!(matches!(
            result.single_node_misses_deadline,
            Crossing::NeverInRange { .. }
        ));
        assert!(result.single_node_limit_events.is_none());
        assert!(
            result.answer.starts_with("Up to 1.0 × 10⁷"),
            "{}",
            result.answer
        );
    }

    #[test]
    fn volumes_are_log_spaced_and_bounded() {
        let v = SweepConfig::default().volumes();
        assert_eq!(v.first(), Some(&1e5));
        assert_eq!(v.last(), Some(&1e10));
        assert!((v[8] / 1e6 - 1.0).abs() < 1e-9, "{}", v[8]);
        let bad = SweepConfig {
            points: MAX_SWEEP_POINTS + 1,
            ..SweepConfig::default()
        };
        assert!(bad.validate().is_err());
    }
}
