//! Where one machine stops being enough: a crossing volume per criterion,
//! found exactly, and the volume sweep the charts draw.
//!
//! **Crossings.** For the single-node design (the alternative with the
//! fewest nodes, first on ties) each criterion — the p95 makespan beyond the
//! deadline, the probability of missing it beyond the SLA's tolerance, the
//! cost beyond the budget, the working set beyond usable memory — is a
//! predicate of the volume. Starting from the review's volume, the bracket is
//! widened tenfold until the predicate changes (down to 1 event, up to
//! [`MAX_SEARCH_EVENTS`]), then refined by bisection of the logarithm of the
//! volume to [`CROSSING_RELATIVE_TOLERANCE`]. Sweep points are never used as
//! crossing values. Bisection probes use [`SWEEP_FAILURE_RUNS`] Monte Carlo
//! runs with the same run seeds everywhere (common random numbers), so the
//! predicates are deterministic and, in practice, monotone.
//!
//! **Binding.** The smallest of the deadline, tolerance and budget crossings
//! is where one machine stops being enough; spilling is reported as an
//! effect on time at its volume, not as a limit by itself.
//!
//! **Cost window.** Where the distributed design (the most nodes among the
//! others) is cheaper per run: sign changes of the cost difference on the
//! sweep, each end bisected.
//!
//! Every number quoted "at" a volume comes from a projection at that volume:
//! the crossings carry both designs' projections there.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::projection::{Projection, Projector, ScalingModel};
use super::AnalysisError;
use crate::analysis_limits::{
    CROSSING_BISECTION_STEPS, CROSSING_RELATIVE_TOLERANCE, DEFAULT_SWEEP_MAX_EVENTS,
    DEFAULT_SWEEP_MIN_EVENTS, DEFAULT_SWEEP_POINTS, MAX_FAILURE_RUNS, MAX_SWEEP_EVENTS,
    MAX_SWEEP_POINTS, MIN_SWEEP_EVENTS, MIN_SWEEP_POINTS, MIN_SWEEP_SPAN, SWEEP_FAILURE_RUNS,
};

/// Crossings are searched up to this volume (a petabyte of 1-byte events).
pub const MAX_SEARCH_EVENTS: f64 = MAX_SWEEP_EVENTS;

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
    /// The default sweep, widened to cover the review's volume with a decade
    /// to spare on each side.
    pub fn covering(events: f64) -> Self {
        let default = Self::default();
        let min = default.min_events.min(events / 10.0).max(MIN_SWEEP_EVENTS);
        let max = default.max_events.max(events * 10.0).min(MAX_SWEEP_EVENTS);
        let decades = libm::log10(max / min);
        let per_decade =
            (default.points - 1) as f64 / libm::log10(default.max_events / default.min_events);
        let points = (libm::round(decades * per_decade) as usize + 1)
            .clamp(MIN_SWEEP_POINTS, MAX_SWEEP_POINTS);
        Self {
            min_events: min,
            max_events: max,
            points,
            ..default
        }
    }

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

/// One alternative at one sweep volume: what the charts plot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SweepPoint {
    pub events: f64,
    pub makespan_p50_s: f64,
    pub makespan_p95_s: f64,
    pub makespan_mean_s: f64,
    pub p_miss_deadline: f64,
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
            makespan_mean_s: p.makespan_mean_s,
            p_miss_deadline: p.p_miss_deadline,
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

/// Where a criterion starts to fail.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Crossing {
    /// Fails already at one event per run.
    Always,
    /// First fails at `events` (bisected).
    At { events: f64 },
    /// Holds at every volume up to `events` (the search limit).
    NotReached { events: f64 },
}

impl Crossing {
    /// The crossing volume, if it is one.
    pub fn at(self) -> Option<f64> {
        match self {
            Crossing::At { events } => Some(events),
            _ => None,
        }
    }

    /// The smallest volume known to fail (1 for `Always`).
    pub fn from_events(self) -> Option<f64> {
        match self {
            Crossing::At { events } => Some(events),
            Crossing::Always => Some(1.0),
            Crossing::NotReached { .. } => None,
        }
    }
}

/// A criterion of one design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// p95 makespan beyond the deadline.
    DeadlineP95,
    /// Probability of missing the deadline beyond the SLA's tolerance.
    DeadlineTolerance,
    /// Cost per run beyond the budget.
    Budget,
    /// Working set beyond usable memory (an effect on time, not a limit).
    Spill,
}

impl Criterion {
    pub const LIMITS: [Criterion; 3] = [
        Criterion::DeadlineP95,
        Criterion::DeadlineTolerance,
        Criterion::Budget,
    ];
    pub const ALL: [Criterion; 4] = [
        Criterion::DeadlineP95,
        Criterion::DeadlineTolerance,
        Criterion::Budget,
        Criterion::Spill,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Criterion::DeadlineP95 => "deadline_p95",
            Criterion::DeadlineTolerance => "deadline_tolerance",
            Criterion::Budget => "budget",
            Criterion::Spill => "spill",
        }
    }

    /// Whether `p` fails the criterion.
    pub fn fails(self, p: &Projection) -> bool {
        match self {
            Criterion::DeadlineP95 => !p.meets_deadline,
            Criterion::DeadlineTolerance => !p.within_tolerance,
            Criterion::Budget => !p.within_budget,
            Criterion::Spill => !p.memory_fit.fits,
        }
    }
}

/// One criterion's crossing, with both compared designs projected there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CriterionCrossing {
    pub criterion: Criterion,
    /// The design the criterion was evaluated on.
    pub option: String,
    pub crossing: Crossing,
    /// The single-node and the distributed design at the crossing volume
    /// (empty when there is no crossing volume).
    pub at: Vec<Projection>,
}

/// The binding limit of the single-node design.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Binding {
    pub criterion: Criterion,
    pub events: f64,
    /// The binding volume with the node's scaling at the low and high end
    /// of its plausible σ range (`None` when the design states its law).
    pub events_range: Option<[f64; 2]>,
}

/// Where the distributed design is cheaper per run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CheaperWindow {
    /// Bisected ends; `from` is the sweep's start when cheaper from there,
    /// `to` the sweep's end when still cheaper there.
    pub from_events: f64,
    pub to_events: f64,
    /// Whether the window reaches the end of the sweep.
    pub open_ended: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Crossover {
    pub config: SweepConfig,
    pub deadline_s: f64,
    pub miss_tolerance: f64,
    pub budget_usd: f64,
    pub single_node_option: String,
    pub distributed_option: String,
    /// The single-node design's crossings, one per [`Criterion::ALL`].
    pub single_node: Vec<CriterionCrossing>,
    /// The distributed design's limits ([`Criterion::LIMITS`]).
    pub distributed: Vec<CriterionCrossing>,
    /// Where one machine stops being enough, and by which criterion.
    pub binding: Option<Binding>,
    /// Windows of the sweep where the distributed design is cheaper.
    pub cheaper_windows: Vec<CheaperWindow>,
    /// The plain answer to the module question
    /// ([`super::crossover_text::answer`]).
    pub answer: String,
    pub sweep: Vec<SweepSeries>,
}

impl Crossover {
    /// The single node's crossing of `criterion`.
    pub fn single(&self, criterion: Criterion) -> Option<&CriterionCrossing> {
        self.single_node.iter().find(|c| c.criterion == criterion)
    }

    pub fn distributed(&self, criterion: Criterion) -> Option<&CriterionCrossing> {
        self.distributed.iter().find(|c| c.criterion == criterion)
    }

    /// The distributed design's first limit (smallest failing volume).
    pub fn distributed_limit(&self) -> Option<(Criterion, f64)> {
        self.distributed
            .iter()
            .filter_map(|c| c.crossing.from_events().map(|e| (c.criterion, e)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The single node's binding crossing with both designs projected there.
    pub fn binding_crossing(&self) -> Option<&CriterionCrossing> {
        let binding = self.binding.as_ref()?;
        self.single(binding.criterion)
    }
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
/// and `hi` (true) by bisection of the logarithm.
pub fn bisect(lo: f64, hi: f64, holds: impl Fn(f64) -> bool) -> f64 {
    bisect_within(lo, hi, CROSSING_RELATIVE_TOLERANCE, holds)
}

/// [`bisect`] to a relative precision `tolerance`.
pub fn bisect_within(mut lo: f64, mut hi: f64, tolerance: f64, holds: impl Fn(f64) -> bool) -> f64 {
    for _ in 0..CROSSING_BISECTION_STEPS {
        if hi / lo - 1.0 <= tolerance {
            break;
        }
        let mid = libm::sqrt(lo * hi);
        if holds(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// The first volume where `fails` holds: the bracket grows tenfold from
/// `start` (up to [`MAX_SEARCH_EVENTS`], down to 1 event), then is bisected.
pub fn find_crossing(start: f64, fails: impl Fn(f64) -> bool) -> Crossing {
    find_crossing_within(start, CROSSING_RELATIVE_TOLERANCE, fails)
}

/// [`find_crossing`] to a relative precision `tolerance`.
pub fn find_crossing_within(start: f64, tolerance: f64, fails: impl Fn(f64) -> bool) -> Crossing {
    let start = start.clamp(1.0, MAX_SEARCH_EVENTS);
    if fails(start) {
        let mut hi = start;
        loop {
            let lo = (hi / 10.0).max(1.0);
            if !fails(lo) {
                return Crossing::At {
                    events: bisect_within(lo, hi, tolerance, &fails),
                };
            }
            if lo <= 1.0 {
                return Crossing::Always;
            }
            hi = lo;
        }
    }
    let mut lo = start;
    loop {
        let hi = (lo * 10.0).min(MAX_SEARCH_EVENTS);
        if fails(hi) {
            return Crossing::At {
                events: bisect_within(lo, hi, tolerance, &fails),
            };
        }
        if hi >= MAX_SEARCH_EVENTS {
            return Crossing::NotReached { events: hi };
        }
        lo = hi;
    }
}

/// What the crossover needs to know besides the projectors.
#[derive(Clone, Debug)]
pub struct CrossoverInput<'a> {
    pub projectors: &'a [Projector],
    pub config: &'a SweepConfig,
    /// Where the crossing searches start: the review's volume.
    pub review_events: f64,
    /// Monte Carlo runs of the projections stored at crossings.
    pub headline_runs: u32,
}

/// The single node's binding crossing only (the sensitivity analysis).
pub fn binding_of(single: &Projector, start: f64, runs: u32) -> Option<(Criterion, f64)> {
    Criterion::LIMITS
        .iter()
        .filter_map(|&c| {
            find_crossing(start, |e| c.fails(&single.project(e, runs)))
                .from_events()
                .map(|e| (c, e))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// Sweeps every alternative and finds every crossing.
pub fn crossover(input: &CrossoverInput) -> Result<Crossover, AnalysisError> {
    let config = input.config;
    config.validate()?;
    let projectors = input.projectors;
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

    let start = input.review_events;
    let at = |crossing: Crossing| -> Vec<Projection> {
        match crossing.at() {
            Some(e) => vec![
                single.project(e, input.headline_runs),
                dist.project(e, input.headline_runs),
            ],
            None => Vec::new(),
        }
    };
    let crossings_of = |p: &Projector, criteria: &[Criterion]| -> Vec<CriterionCrossing> {
        criteria
            .par_iter()
            .map(|&criterion| {
                let crossing = find_crossing(start, |e| criterion.fails(&p.project(e, runs)));
                CriterionCrossing {
                    criterion,
                    option: p.option.clone(),
                    crossing,
                    at: at(crossing),
                }
            })
            .collect()
    };
    let single_node = crossings_of(single, &Criterion::ALL);
    let distributed = crossings_of(dist, &Criterion::LIMITS);
    let binding = single_node
        .iter()
        .filter(|c| Criterion::LIMITS.contains(&c.criterion))
        .filter_map(|c| c.crossing.from_events().map(|e| (c.criterion, e)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(criterion, events)| Binding {
            criterion,
            events,
            events_range: binding_range(single, criterion, start, runs),
        });

    let single_series = series_of(single_i);
    let dist_series = series_of(dist_i);
    let cheaper_windows = cheaper_windows(&volumes, single_series, dist_series, |e| {
        dist.project(e, runs).cost_per_run_usd <= single.project(e, runs).cost_per_run_usd
    });
    Ok(Crossover {
        config: config.clone(),
        deadline_s: single.deadline_s,
        miss_tolerance: single.miss_tolerance,
        budget_usd: single.budget_usd,
        single_node_option: single.option.clone(),
        distributed_option: dist.option.clone(),
        single_node,
        distributed,
        binding,
        cheaper_windows,
        answer: String::new(),
        sweep,
    })
}

/// The binding criterion's crossing at the ends of the node's σ range.
fn binding_range(
    single: &Projector,
    criterion: Criterion,
    start: f64,
    runs: u32,
) -> Option<[f64; 2]> {
    let scaling: &ScalingModel = &single.parallelism.scaling;
    let [lo, hi] = scaling.sigma_range?;
    let at = |sigma: f64| {
        let p = single.with_scaling(scaling.with_sigma(sigma));
        find_crossing(start, |e| criterion.fails(&p.project(e, runs)))
            .from_events()
            .unwrap_or(MAX_SEARCH_EVENTS)
    };
    // More contention (higher σ) means a slower node: an earlier crossing.
    let (early, late) = (at(hi), at(lo));
    Some([early.min(late), early.max(late)])
}

/// Windows where `cheaper` holds, from the sweep's sign changes, each end
/// bisected.
fn cheaper_windows(
    volumes: &[f64],
    single: &[Projection],
    dist: &[Projection],
    cheaper: impl Fn(f64) -> bool,
) -> Vec<CheaperWindow> {
    let flags: Vec<bool> = single
        .iter()
        .zip(dist)
        .map(|(s, d)| d.cost_per_run_usd <= s.cost_per_run_usd)
        .collect();
    let mut windows = Vec::new();
    let mut i = 0;
    while i < flags.len() {
        if !flags.get(i).copied().unwrap_or(false) {
            i += 1;
            continue;
        }
        let first = i;
        while flags.get(i + 1).copied().unwrap_or(false) {
            i += 1;
        }
        let last = i;
        let v = |k: usize| volumes.get(k).copied().unwrap_or(0.0);
        let from_events = if first == 0 {
            v(0)
        } else {
            bisect(v(first - 1), v(first), &cheaper)
        };
        let open_ended = last + 1 >= flags.len();
        let to_events = if open_ended {
            v(last)
        } else {
            // The last cheaper volume: bisect where "not cheaper" begins.
            bisect(v(last), v(last + 1), |e| !cheaper(e))
        };
        windows.push(CheaperWindow {
            from_events,
            to_events,
            open_ended,
        });
        i += 1;
    }
    windows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures;
    use crate::analysis::projection::Context;
    use crate::review::{Review, ScalingChoice};

    fn run(review: &Review) -> (Crossover, Vec<Projector>) {
        let cost = fixtures::cost_model();
        let facts = fixtures::data_facts();
        let context = Context::new(review, &cost, &facts, fixtures::fast_config()).unwrap();
        let projectors = context.projectors().unwrap();
        let config = SweepConfig {
            points: 13,
            failure_runs: 100,
            ..SweepConfig::covering(review.workload.events as f64)
        };
        let c = crossover(&CrossoverInput {
            projectors: &projectors,
            config: &config,
            review_events: review.workload.events as f64,
            headline_runs: 100,
        })
        .unwrap();
        (c, projectors)
    }

    #[test]
    fn finds_the_hand_computed_deadline_crossing() {
        // One node with memory, bandwidth and reliability to spare: its run
        // is provisioning + events × per-event time, so the deadline
        // crossing is (deadline − provisioning) / per-event time.
        let mut review = Review::example();
        let d = &mut review.alternatives[0].design;
        d.memory_per_node_gib = crate::limits::MAX_MEMORY_PER_NODE_GIB;
        d.node_mtbf_h = crate::limits::MAX_NODE_MTBF_H;
        d.network_gbit_per_s = crate::limits::MAX_NETWORK_GBIT_PER_S;
        d.store.input_mb_per_s = crate::limits::MAX_STORE_MB_PER_S;
        d.store.lookup_mb_per_s = crate::limits::MAX_STORE_MB_PER_S;
        d.store.lookup_latency_ms = crate::limits::MIN_LATENCY_MS;
        d.hardware.scaling = ScalingChoice::Assumed {
            sigma: 0.0,
            kappa: 0.0,
        };
        let (result, projectors) = run(&review);
        let single = &projectors[0];
        let per_event = single.failure_free(1e9).total_s / 1e9;
        let expected = (review.sla.deadline_s - 120.0) / per_event;
        let found = result
            .single(Criterion::DeadlineP95)
            .unwrap()
            .crossing
            .at()
            .unwrap();
        assert!(
            (found / expected - 1.0).abs() < 1e-4,
            "found {found:e}, expected {expected:e}"
        );
        let binding = result.binding.as_ref().unwrap();
        assert!(matches!(
            binding.criterion,
            Criterion::DeadlineP95 | Criterion::DeadlineTolerance
        ));
        assert_eq!(binding.events_range, None);
    }

    #[test]
    fn crossings_are_bisected_not_read_off_the_sweep() {
        let review = Review::example();
        let (result, projectors) = run(&review);
        let single = &projectors[0];
        for c in &result.single_node {
            let Some(e) = c.crossing.at() else { continue };
            let runs = result.config.failure_runs;
            assert!(c.criterion.fails(&single.project(e, runs)), "{c:?}");
            assert!(
                !c.criterion.fails(&single.project(e * (1.0 - 3e-6), runs)),
                "{:?} not the first failing volume",
                c.criterion
            );
            // Both designs are projected at the crossing itself.
            assert_eq!(c.at.len(), 2);
            assert!(c.at.iter().all(|p| p.events == e));
            assert!(!result.sweep[0].points.iter().any(|p| p.events == e));
        }
        // The binding crossing is the first limit reached.
        let binding = result.binding.as_ref().unwrap();
        let first = Criterion::LIMITS
            .iter()
            .filter_map(|&c| result.single(c).unwrap().crossing.from_events())
            .fold(f64::INFINITY, f64::min);
        assert_eq!(binding.events, first);
        // The σ band carries into a range around it.
        if let Some([lo, hi]) = binding.events_range {
            assert!(
                lo <= binding.events && binding.events <= hi,
                "{lo:e} {hi:e}"
            );
        }
    }

    #[test]
    fn cheaper_window_ends_are_where_the_costs_are_equal() {
        let (result, projectors) = run(&Review::example());
        let runs = result.config.failure_runs;
        let cost = |i: usize, e: f64| projectors[i].project(e, runs).cost_per_run_usd;
        for w in &result.cheaper_windows {
            if w.from_events > result.config.min_events {
                let e = w.from_events;
                assert!(cost(1, e) <= cost(0, e));
                assert!(cost(1, e * (1.0 - 3e-6)) > cost(0, e * (1.0 - 3e-6)));
            }
            if !w.open_ended {
                let e = w.to_events;
                assert!(cost(1, e) <= cost(0, e));
                assert!(cost(1, e * (1.0 + 3e-6)) > cost(0, e * (1.0 + 3e-6)));
            }
        }
    }

    #[test]
    fn an_ample_single_node_never_stops_being_enough() {
        let mut review = Review::example();
        review.sla.deadline_s = crate::limits::MAX_DEADLINE_S;
        review.sla.budget_per_run_usd = crate::limits::MAX_BUDGET_PER_RUN_USD;
        review.alternatives[0].design.memory_per_node_gib = crate::limits::MAX_MEMORY_PER_NODE_GIB;
        review.alternatives[0].design.network_gbit_per_s = crate::limits::MAX_NETWORK_GBIT_PER_S;
        review.workload.events = 1_000;
        let mut found = find_crossing(1e3, |e| e > 1e20);
        assert_eq!(
            found,
            Crossing::NotReached {
                events: MAX_SEARCH_EVENTS
            }
        );
        found = find_crossing(1e3, |_| true);
        assert_eq!(found, Crossing::Always);
        let (result, _) = run(&review);
        // A month-long deadline is still reached at a petabyte of events;
        // the search reports where, not "never".
        assert!(
            result.binding.is_some()
                || result.single(Criterion::DeadlineP95).unwrap().crossing
                    == Crossing::NotReached {
                        events: MAX_SEARCH_EVENTS
                    }
        );
    }

    #[test]
    fn find_crossing_searches_both_ways() {
        for threshold in [3.0, 7e3, 2e6, 5e11] {
            let Crossing::At { events } = find_crossing(2e6, |e| e >= threshold) else {
                panic!("{threshold}")
            };
            assert!(
                (events / threshold - 1.0).abs() <= 2e-6,
                "{events} vs {threshold}"
            );
        }
    }

    #[test]
    fn volumes_are_log_spaced_and_bounded() {
        let v = SweepConfig::default().volumes();
        assert_eq!(v.first(), Some(&1e5));
        assert_eq!(v.last(), Some(&1e10));
        assert!((v[8] / 1e6 - 1.0).abs() < 1e-9, "{}", v[8]);
        let wide = SweepConfig::covering(1e12);
        assert_eq!(wide.max_events, 1e13);
        assert!(wide.validate().is_ok());
        let bad = SweepConfig {
            points: MAX_SWEEP_POINTS + 1,
            ..SweepConfig::default()
        };
        assert!(bad.validate().is_err());
    }
}
