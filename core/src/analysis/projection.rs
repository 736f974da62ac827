//! Cluster projection: one alternative's design running one batch of a given
//! number of events, as a sum of named, classed terms.
//!
//! Every term is *measured* (its per-event coefficient comes from the
//! profiler's run of this pipeline), *fitted* (from the scalability fit of
//! the measured lane scaling) or *assumed* (a field of the review's workload
//! or of the design, see [`crate::assumptions`]); each lists what sets it.
//! `docs/MODEL.md` gives every formula; in short, per node of a design with
//! `n` nodes of `c` cores at core speed `f`:
//!
//! ```text
//! compute.<stage>  = N · cost(stage) / (n·c·f)            measured
//! compute.payload  = N · B · cost_per_byte / (n·c·f)      measured
//! scaling_loss     = Σ compute · (c / S(c) − 1)           fitted
//! exchange_cpu     = shuffled bytes · ns/B / (S(c)·f)      assumed | measured
//! input_read, lookups, warm_tier, shuffle, cross_region  assumed (bandwidths,
//!                    latencies); with overlapped I/O only the part not hidden
//!                    under the computation counts
//! coordination     = exchange.coordination_s (n > 1)      assumed | measured
//! straggler        = (busiest share · n − 1) · post-shuffle work   measured
//! spill            = 2 · max(0, working set − usable memory) / disk  measured
//! provisioning     = billing.provisioning_s (on demand)   assumed
//! checkpoints, failures: Daly's closed form over the failure-free time,
//!                    Monte Carlo for p50/p95/P(miss)/billing  assumed (MTBF)
//! ```
//!
//! The terms sum to the expected makespan. Everything that does not depend
//! on the volume (the node speed-up, cache rates, the partition assignment)
//! is computed once per alternative in [`Projector::new`]; [`Projector::project`]
//! is then cheap enough to sweep and bisect.

use serde::{Deserialize, Serialize};

use super::bridge::{self, CacheInput, CacheRates, FailureInput, NoScalingFit, ScalingFit};
use super::{AnalysisError, CostModel, DataFacts, PartitionScheme, Spread};
use crate::review::{
    BillingMode, CheckpointInterval, Design, InvalidationPolicy, IoOverlap, Review, ScalingChoice,
    StateCost,
};

const GIB: f64 = 1_073_741_824.0;
const MB: f64 = 1e6;
const GB: f64 = 1e9;

/// Settings of the numerical methods (not model terms: they set precision,
/// not values). Recorded in every result document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectionConfig {
    /// Monte Carlo runs of the failure model for headline projections.
    pub failure_runs: u32,
}

impl Default for ProjectionConfig {
    fn default() -> Self {
        Self {
            failure_runs: crate::analysis_limits::PROJECTION_FAILURE_RUNS,
        }
    }
}

/// The contention σ used when a design asks for the measured scaling but
/// the run measured a single lane count, so nothing can be fitted. It is the
/// starting value of the design's `hardware.scaling` "assumed" control, and
/// every text that uses it says "assumed σ = …, no fit because …".
pub const UNFITTED_SIGMA: f64 = 0.05;
/// Plausible σ range carried into the crossover when nothing was fitted.
pub const UNFITTED_SIGMA_RANGE: [f64; 2] = [0.0, 0.3];

/// How a number was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TermClass {
    /// From the profiler's measurement of this pipeline.
    Measured,
    /// From a fit to measurements (with its quality).
    Fitted,
    /// A field of the review the user can see and edit.
    Assumed,
}

impl TermClass {
    pub fn name(self) -> &'static str {
        match self {
            TermClass::Measured => "measured",
            TermClass::Fitted => "fitted",
            TermClass::Assumed => "assumed",
        }
    }
}

/// Where a node's speed-up over its cores comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ScalingSource {
    /// The Universal Scalability Law fitted to ≥ 3 measured lane counts.
    UslFit { r2: f64 },
    /// Amdahl's law (σ only) through 2 measured lane counts.
    AmdahlFit { r2: f64 },
    /// Nothing could be fitted: σ is [`UNFITTED_SIGMA`], labelled assumed.
    Unfitted { reason: String },
    /// The design states its own law (`hardware.scaling`).
    Design,
}

/// The scalability law of one design's nodes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScalingModel {
    pub sigma: f64,
    pub kappa: f64,
    pub source: ScalingSource,
    /// The plausible σ range (bootstrap band of the fit, or the unfitted
    /// range); `None` for a law the design states.
    pub sigma_range: Option<[f64; 2]>,
    /// The most lanes measured: beyond it the speed-up is extrapolated.
    pub measured_lanes: f64,
}

impl ScalingModel {
    /// The measured law: the fit when there is one, else the labelled
    /// fallback.
    pub fn measured(fit: Result<&ScalingFit, &NoScalingFit>, measured_lanes: f64) -> Self {
        match fit {
            Ok(fit) => Self {
                sigma: fit.sigma,
                kappa: fit.kappa,
                source: if fit.lane_counts >= 3 {
                    ScalingSource::UslFit { r2: fit.r2 }
                } else {
                    ScalingSource::AmdahlFit { r2: fit.r2 }
                },
                sigma_range: Some([fit.sigma_range.0, fit.sigma_range.1]),
                measured_lanes,
            },
            Err(error) => Self {
                sigma: UNFITTED_SIGMA,
                kappa: 0.0,
                source: ScalingSource::Unfitted {
                    reason: error.to_string(),
                },
                sigma_range: Some(UNFITTED_SIGMA_RANGE),
                measured_lanes,
            },
        }
    }

    /// The law a design's nodes follow.
    pub fn for_design(&self, design: &Design) -> Self {
        match design.hardware.scaling {
            ScalingChoice::Measured => self.clone(),
            ScalingChoice::Assumed { sigma, kappa } => Self {
                sigma,
                kappa,
                source: ScalingSource::Design,
                sigma_range: None,
                measured_lanes: self.measured_lanes,
            },
        }
    }

    /// The class of the speed-up.
    pub fn class(&self) -> TermClass {
        match self.source {
            ScalingSource::UslFit { .. } | ScalingSource::AmdahlFit { .. } => TermClass::Fitted,
            ScalingSource::Unfitted { .. } | ScalingSource::Design => TermClass::Assumed,
        }
    }

    /// Speed-up of a node with `cores` cores under contention `sigma`. Past
    /// the USL peak adding threads slows the node down, so a node runs at
    /// most `n_peak` threads.
    pub fn speedup_with(&self, sigma: f64, cores: u32) -> f64 {
        let mut n = f64::from(cores.max(1));
        if self.kappa > 0.0 {
            let peak = libm::sqrt((1.0 - sigma).max(0.0) / self.kappa);
            n = n.min(peak.max(1.0));
        }
        bridge::speedup(sigma, self.kappa, n).max(1.0)
    }

    pub fn node_speedup(&self, cores: u32) -> f64 {
        self.speedup_with(self.sigma, cores)
    }

    /// A copy with σ moved (the sensitivity and the crossover's range).
    pub fn with_sigma(&self, sigma: f64) -> Self {
        Self {
            sigma: sigma.clamp(0.0, 1.0),
            ..self.clone()
        }
    }
}

/// One named component of the expected makespan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Term {
    /// Stable id: `compute.<stage>`, `scaling_loss`, `input_read`, ….
    pub term: String,
    pub seconds: f64,
    pub class: TermClass,
    /// What sets it: measurement names (`calibration.…`, `profile.…`,
    /// `scaling`) and review field paths.
    pub inputs: Vec<String>,
    /// The term at the ends of its measured spread or fitted band.
    pub range_s: Option<[f64; 2]>,
}

/// Seconds of the expected makespan by class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClassShares {
    pub measured_s: f64,
    pub fitted_s: f64,
    pub assumed_s: f64,
}

impl ClassShares {
    pub fn of(terms: &[Term]) -> Self {
        let mut shares = Self::default();
        for t in terms {
            let slot = match t.class {
                TermClass::Measured => &mut shares.measured_s,
                TermClass::Fitted => &mut shares.fitted_s,
                TermClass::Assumed => &mut shares.assumed_s,
            };
            *slot += t.seconds.max(0.0);
        }
        shares
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Parallelism {
    pub nodes: u32,
    pub cores_per_node: u32,
    /// Speed-up of one node's cores over one core.
    pub node_speedup: f64,
    /// `node_speedup / cores_per_node`.
    pub node_efficiency: f64,
    pub core_speed_factor: f64,
    pub scaling: ScalingModel,
    /// The node has more cores than lanes were measured: its speed-up is an
    /// extrapolation of the fit.
    pub extrapolated: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PartitionSummary {
    pub scheme: PartitionScheme,
    pub partitions: usize,
    pub largest_partition_share: f64,
    /// Largest over median partition load.
    pub skew_max_over_median: f64,
    /// Share of all events on the busiest node (longest-processing-time
    /// assignment of the measured partition loads).
    pub busiest_node_share: f64,
    /// `busiest_node_share × nodes`: 1 = perfectly balanced.
    pub node_imbalance: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CacheProjection {
    pub hot_hit_rate: f64,
    pub warm_hit_rate: f64,
    pub overall_hit_rate: f64,
    pub stale_read_rate: f64,
    /// Look-ups per run.
    pub requests: f64,
    /// Look-ups that reach the key-value store, per run.
    pub source_reads: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IoProjection {
    /// Input bytes each node reads, and the rate it reads them at.
    pub input_bytes_per_node: f64,
    pub input_bytes_per_s: f64,
    /// `nic` or `store`: what caps the input rate.
    pub input_bound: String,
    /// `latency` or `throughput`: what caps the look-ups.
    pub lookups_bound: String,
    /// All I/O per node before any overlap with the computation.
    pub io_s: f64,
    /// The computation per node it can overlap.
    pub compute_s: f64,
    pub overlap: IoOverlap,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FailureProjection {
    pub system_mtbf_s: f64,
    /// Checkpoint interval used; `None`: no checkpoints.
    pub interval_s: Option<f64>,
    pub checkpoints: f64,
    /// Time to write one checkpoint, and whether it was derived from state.
    pub checkpoint_s: f64,
    pub restart_s: f64,
    pub checkpoint_overhead_s: f64,
    /// Mean failures per run, `E[T] / M`.
    pub expected_failures: f64,
    /// Mean computation lost to failures and redone per run (closed form).
    pub expected_rework_s: f64,
    /// Mean time to recover from one failure: restart plus the expected
    /// work lost since the last checkpoint.
    pub mttr_s: f64,
    pub runs: u32,
    /// False when the batch is expected never to finish (failures arrive
    /// faster than it progresses); makespans are then [`MAX_REPORTED_S`].
    pub completes: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MemoryFit {
    /// Busiest node's working set: pipeline state plus cache tiers.
    pub working_set_bytes: f64,
    /// Of which the pipeline's state (measured as a function of volume).
    pub state_bytes: f64,
    /// Of which cache memory (capacity × bytes per entry).
    pub cache_bytes: f64,
    /// Usable memory per node.
    pub capacity_bytes: f64,
    pub fits: bool,
    pub spill_bytes: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NetworkProjection {
    pub shuffle_bytes: f64,
    pub cross_region_bytes: f64,
    pub egress_usd: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CostBreakdown {
    pub mode: BillingMode,
    /// Mean billed seconds per node and run (on demand: provisioning plus
    /// the makespan, rounded up per the billing step and minimum; always
    /// on: one batch window).
    pub billed_s_per_node: f64,
    pub nodes_usd: f64,
    pub egress_usd: f64,
}

/// One alternative at one event volume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Projection {
    pub option: String,
    /// Events per run (fractional in sweeps and bisections).
    pub events: f64,
    /// `events / profiled events`: how far the projection extrapolates the
    /// measured sample.
    pub extrapolation: f64,
    /// Expected makespan: the sum of the terms.
    pub makespan_mean_s: f64,
    pub makespan_p50_s: f64,
    pub makespan_p95_s: f64,
    /// Probability that the run misses the deadline.
    pub p_miss_deadline: f64,
    /// The run without failures, provisioning excluded.
    pub failure_free_s: f64,
    pub terms: Vec<Term>,
    pub class_shares: ClassShares,
    pub parallelism: Parallelism,
    pub partitions: PartitionSummary,
    pub cache: CacheProjection,
    pub io: IoProjection,
    pub failures: FailureProjection,
    pub memory_fit: MemoryFit,
    pub network: NetworkProjection,
    pub cost: CostBreakdown,
    pub cost_per_run_usd: f64,
    /// p95 makespan within the deadline.
    pub meets_deadline: bool,
    /// P(miss) within the SLA's tolerance.
    pub within_tolerance: bool,
    pub within_budget: bool,
}

impl Projection {
    pub fn term(&self, id: &str) -> f64 {
        self.terms
            .iter()
            .find(|t| t.term == id)
            .map_or(0.0, |t| t.seconds)
    }

    /// The largest term and its share of the expected makespan.
    pub fn dominant_term(&self) -> Option<(&Term, f64)> {
        let top = self
            .terms
            .iter()
            .fold(None::<&Term>, |best, t| match best {
                Some(b) if b.seconds >= t.seconds => Some(b),
                _ => Some(t),
            })?;
        let share = if self.makespan_mean_s > 0.0 {
            top.seconds / self.makespan_mean_s
        } else {
            0.0
        };
        Some((top, share))
    }
}

/// Makespans are capped here so documents stay finite JSON (≈ 31 700 years).
pub const MAX_REPORTED_S: f64 = 1e12;

/// Review-wide inputs of every projection.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    pub review: &'a Review,
    pub cost_model: &'a CostModel,
    pub facts: &'a DataFacts,
    /// The measured scalability law (a design may state its own).
    pub scaling: ScalingModel,
    pub config: ProjectionConfig,
}

impl<'a> Context<'a> {
    /// Validates the inputs and fits the scaling model.
    pub fn new(
        review: &'a Review,
        cost_model: &'a CostModel,
        facts: &'a DataFacts,
        config: ProjectionConfig,
    ) -> Result<Self, AnalysisError> {
        cost_model.validate()?;
        facts.validate()?;
        let fit = bridge::fit_scaling(&cost_model.scaling, review.seed);
        let scaling = ScalingModel::measured(fit.as_ref(), cost_model.max_lanes());
        Ok(Self {
            review,
            cost_model,
            facts,
            scaling,
            config,
        })
    }

    /// Projectors for every alternative, in review order.
    pub fn projectors(&self) -> Result<Vec<Projector>, AnalysisError> {
        use rayon::prelude::*;
        (0..self.review.alternatives.len())
            .into_par_iter()
            .map(|i| Projector::new(self, i))
            .collect()
    }
}

/// Longest-processing-time assignment of partition shares to `nodes`; returns
/// the busiest node's share. Ties go to the lowest node index, so the result
/// is a pure function of the inputs.
pub fn busiest_node_share(shares: &[f64], nodes: u32) -> f64 {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut sorted: Vec<f64> = shares.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let nodes = nodes.max(1) as usize;
    if nodes == 1 {
        return sorted.iter().fold(0.0, |s, x| s + x);
    }
    // Loads are non-negative, so their bit patterns order like the values.
    let mut heap: BinaryHeap<Reverse<(u64, usize)>> =
        (0..nodes).map(|i| Reverse((0.0f64.to_bits(), i))).collect();
    for share in sorted {
        if let Some(Reverse((load, node))) = heap.pop() {
            heap.push(Reverse(((f64::from_bits(load) + share).to_bits(), node)));
        }
    }
    heap.iter()
        .map(|Reverse((load, _))| f64::from_bits(*load))
        .fold(0.0, f64::max)
}

fn median(values: &[f64]) -> f64 {
    Spread::of(values).median
}

/// Steady-state cache rates of a design (the review's workload, the given
/// invalidation): the analytic model of [`crate::models::cache`], with
/// rates per event (time cancels): each node's hot tier sees its share of
/// the look-ups and every dataset change.
pub fn simulate_cache(
    review: &Review,
    facts: &DataFacts,
    design: &Design,
    invalidation: InvalidationPolicy,
) -> Result<CacheRates, AnalysisError> {
    let workload = &review.workload;
    if workload.requests_per_event <= 0.0 {
        return Ok(CacheRates::NONE);
    }
    let mut domain_shares = facts.domain_shares.clone();
    domain_shares.sort_by(|a, b| b.total_cmp(a));
    bridge::cache_rates(&CacheInput {
        nodes: design.nodes,
        hot_capacity_keys: design.hot_cache.capacity_keys,
        warm_capacity_keys: design.warm_cache.map_or(0, |w| w.capacity_keys),
        catalog_keys: workload.hot_keys.max(1),
        alpha: workload.hot_key_zipf_alpha,
        requests_per_s: workload.requests_per_event,
        class_changes_per_s: domain_shares
            .iter()
            .map(|share| share * facts.schema_drift_share)
            .collect(),
        groups_per_class: u64::from(workload.datasets_per_domain.max(1)),
        versioned: invalidation == InvalidationPolicy::Versioned,
    })
}

/// Per-event coefficients of the computation, by stage, with their spread.
#[derive(Clone, Debug, PartialEq)]
struct StageCoefficient {
    term: String,
    input: String,
    /// Core-seconds per event.
    cost: Spread,
}

/// Everything volume-independent about one alternative.
#[derive(Clone, Debug)]
pub struct Projector {
    pub option: String,
    pub index: usize,
    pub design: Design,
    pub deadline_s: f64,
    pub miss_tolerance: f64,
    pub budget_usd: f64,
    pub batch_window_s: f64,
    pub seed: u64,
    pub bytes_per_event: f64,
    pub record_bytes: f64,
    pub requests_per_event: f64,
    pub cache_entry_bytes: f64,
    pub profiled_events: f64,
    pub state: super::StateFacts,
    pub parallelism: Parallelism,
    pub partitions: PartitionSummary,
    pub cache: CacheRates,
    /// The design runs on a distributed engine (it has more than one
    /// node): it pays the engine's coordination even when resized to one
    /// node (COST).
    pub distributed_engine: bool,
    /// Per-event compute of the stages after the shuffle (aggregation,
    /// features): the work a skewed partition concentrates.
    post_shuffle_s_per_event: f64,
    stages: Vec<StageCoefficient>,
}

/// Stages that run after the exchange on the node owning the partition.
const POST_SHUFFLE_STAGES: [&str; 2] = ["aggregate", "features"];

impl Projector {
    pub fn new(context: &Context, index: usize) -> Result<Self, AnalysisError> {
        let review = context.review;
        let alternative = review.alternatives.get(index).ok_or_else(|| {
            AnalysisError::invalid("alternatives", format!("no alternative {index}"))
        })?;
        let design = alternative.design.clone();
        let cache = simulate_cache(review, context.facts, &design, design.invalidation)?;
        Ok(Self::from_parts(
            context,
            index,
            &alternative.option,
            design,
            cache,
        ))
    }

    /// A projector for `design` with precomputed cache rates (failure modes
    /// vary one design parameter at a time through this).
    pub fn from_parts(
        context: &Context,
        index: usize,
        option: &str,
        design: Design,
        cache: CacheRates,
    ) -> Self {
        let facts = context.facts;
        let review = context.review;
        let cost = context.cost_model;
        let mut stages: Vec<StageCoefficient> = cost
            .stage_cost_s_per_event
            .iter()
            .map(|s| StageCoefficient {
                term: format!("compute.{}", s.stage),
                input: format!("calibration.stage_cost_s_per_event.{}", s.stage),
                cost: s.cost_s_per_event,
            })
            .collect();
        let per_byte = cost.payload_cost_s_per_byte;
        let bytes = facts.bytes_per_event;
        stages.push(StageCoefficient {
            term: "compute.payload".to_string(),
            input: "calibration.payload.cost_s_per_byte".to_string(),
            cost: Spread {
                median: per_byte.median * bytes,
                min: per_byte.min * bytes,
                max: per_byte.max * bytes,
            },
        });
        let post_shuffle_s_per_event = cost
            .stage_cost_s_per_event
            .iter()
            .filter(|s| POST_SHUFFLE_STAGES.contains(&s.stage.as_str()))
            .map(|s| s.cost_s_per_event.median)
            .fold(0.0, |a, b| a + b);
        let scaling = context.scaling.for_design(&design);
        let node_speedup = scaling.node_speedup(design.cores_per_node);
        let parallelism = Parallelism {
            nodes: design.nodes,
            cores_per_node: design.cores_per_node,
            node_speedup,
            node_efficiency: node_speedup / f64::from(design.cores_per_node.max(1)),
            core_speed_factor: design.hardware.core_speed_factor,
            extrapolated: matches!(design.hardware.scaling, ScalingChoice::Measured)
                && f64::from(design.cores_per_node) > scaling.measured_lanes,
            scaling,
        };
        let scheme = PartitionScheme::from(design.partitioning);
        let shares = facts.partition_shares(scheme);
        let busiest = busiest_node_share(&shares, design.nodes);
        let largest = shares.iter().copied().fold(0.0, f64::max);
        let med = median(&shares);
        let partitions = PartitionSummary {
            scheme,
            partitions: shares.len(),
            largest_partition_share: largest,
            skew_max_over_median: if med > 0.0 { largest / med } else { 0.0 },
            busiest_node_share: busiest,
            node_imbalance: (busiest * f64::from(design.nodes)).max(1.0),
        };
        Self {
            option: option.to_string(),
            index,
            deadline_s: review.sla.deadline_s,
            miss_tolerance: review.sla.miss_tolerance,
            budget_usd: review.sla.budget_per_run_usd,
            batch_window_s: review.workload.batch_window_s,
            seed: review.seed,
            bytes_per_event: bytes,
            record_bytes: facts.record_bytes,
            requests_per_event: review.workload.requests_per_event,
            cache_entry_bytes: review.workload.cache_entry_bytes as f64,
            profiled_events: facts.events.max(1) as f64,
            state: facts.state.clone(),
            distributed_engine: design.nodes > 1,
            design,
            parallelism,
            partitions,
            cache,
            post_shuffle_s_per_event,
            stages,
        }
    }

    /// The same projector with the nodes' scaling law replaced (the
    /// crossover's σ range, the sensitivity analysis).
    pub fn with_scaling(&self, scaling: ScalingModel) -> Self {
        let mut p = self.clone();
        let speedup = scaling.node_speedup(p.design.cores_per_node);
        p.parallelism.node_speedup = speedup;
        p.parallelism.node_efficiency = speedup / f64::from(p.design.cores_per_node.max(1));
        p.parallelism.scaling = scaling;
        p
    }

    /// The same design with a different number of nodes and cores (COST).
    pub fn resized(&self, nodes: u32, cores_per_node: u32, facts: &DataFacts) -> Self {
        let mut p = self.clone();
        p.design.nodes = nodes.max(1);
        p.design.cores_per_node = cores_per_node.max(1);
        p.design.regions = p.design.regions.min(p.design.nodes);
        let speedup = p.parallelism.scaling.node_speedup(p.design.cores_per_node);
        p.parallelism.nodes = p.design.nodes;
        p.parallelism.cores_per_node = p.design.cores_per_node;
        p.parallelism.node_speedup = speedup;
        p.parallelism.node_efficiency = speedup / f64::from(p.design.cores_per_node);
        let shares = facts.partition_shares(p.partitions.scheme);
        let busiest = busiest_node_share(&shares, p.design.nodes);
        p.partitions.busiest_node_share = busiest;
        p.partitions.node_imbalance = (busiest * f64::from(p.design.nodes)).max(1.0);
        p
    }

    /// This design (its engine, partitioning and caches) on `other`'s node
    /// type: cores, memory, hardware, NIC and stores (COST compares on the
    /// same hardware).
    pub fn on_hardware_of(&self, other: &Projector) -> Projector {
        let mut p = self.clone();
        let (d, o) = (&mut p.design, &other.design);
        d.cores_per_node = o.cores_per_node;
        d.memory_per_node_gib = o.memory_per_node_gib;
        d.network_gbit_per_s = o.network_gbit_per_s;
        d.hardware = o.hardware.clone();
        d.store = o.store.clone();
        p.parallelism = other.parallelism.clone();
        p.parallelism.nodes = d.nodes;
        p
    }

    fn nodes(&self) -> f64 {
        f64::from(self.design.nodes.max(1))
    }

    fn nic_bytes_per_s(&self) -> f64 {
        self.design.network_gbit_per_s * GB / 8.0
    }

    /// Bytes a durable checkpoint or a reload moves per second per node:
    /// the NIC or this node's share of the object store, whichever is less.
    fn durable_bytes_per_s(&self) -> f64 {
        self.nic_bytes_per_s()
            .min(self.design.store.input_mb_per_s * MB / self.nodes())
    }

    /// The pipeline's state on one node at `events` (state keyed by event id
    /// is spread evenly over the nodes).
    pub fn state_bytes_per_node(&self, events: f64) -> f64 {
        let s = &self.state;
        (s.entries_intercept + s.entries_per_event * events).max(0.0) * s.bytes_per_entry
            / self.nodes()
            + s.constant_bytes
    }

    /// Cache memory one node holds: its hot tier and its shard of the warm
    /// tier (the warm tier is spread over the nodes).
    pub fn cache_bytes_per_node(&self) -> f64 {
        let d = &self.design;
        let hot = d.hot_cache.capacity_keys as f64;
        let warm = d.warm_cache.map_or(0.0, |w| w.capacity_keys as f64) / self.nodes();
        (hot + warm) * self.cache_entry_bytes
    }

    /// Time to write one checkpoint at `events`.
    pub fn checkpoint_s(&self, events: f64) -> f64 {
        match self.design.checkpoint_cost_s {
            StateCost::Fixed { seconds } => seconds,
            StateCost::FromState => self.state_bytes_per_node(events) / self.durable_bytes_per_s(),
        }
    }

    /// Time to recover from a failure at `events`.
    pub fn restart_s(&self, events: f64) -> f64 {
        let d = &self.design;
        match d.restart_cost_s {
            StateCost::Fixed { seconds } => seconds,
            StateCost::FromState => {
                let reload = if d.checkpoint == CheckpointInterval::Never {
                    0.0
                } else {
                    self.state_bytes_per_node(events) / self.durable_bytes_per_s()
                };
                let provisioning = match d.billing.mode {
                    BillingMode::OnDemand => d.billing.provisioning_s,
                    BillingMode::AlwaysOn => 0.0,
                };
                d.failure_detection_s + provisioning + reload
            }
        }
    }

    /// The checkpoint interval the design asks for at a system MTBF, with
    /// checkpoints of `checkpoint_s`. Free checkpoints are written as often
    /// as is useful: every [`crate::limits::MIN_CHECKPOINT_INTERVAL_S`].
    pub fn interval_s(&self, checkpoint_s: f64, system_mtbf_s: f64) -> Option<f64> {
        let floor = crate::limits::MIN_CHECKPOINT_INTERVAL_S;
        match self.design.checkpoint {
            CheckpointInterval::Never => None,
            CheckpointInterval::Auto => Some(if checkpoint_s > 0.0 {
                bridge::auto_checkpoint_interval(checkpoint_s, system_mtbf_s).max(floor)
            } else {
                floor
            }),
            CheckpointInterval::Every { interval_s } => Some(interval_s.max(floor)),
        }
    }

    fn provisioning_s(&self) -> f64 {
        match self.design.billing.mode {
            BillingMode::OnDemand => self.design.billing.provisioning_s,
            BillingMode::AlwaysOn => 0.0,
        }
    }

    /// Projects the run at `events` with `runs` Monte Carlo runs.
    pub fn project(&self, events: f64, runs: u32) -> Projection {
        let events = events.max(0.0);
        let work = self.failure_free(events);
        let p = self.provisioning_s();
        let d = &self.design;
        let nodes = self.nodes();
        let system_mtbf_s = d.node_mtbf_h * 3_600.0 / nodes;
        let checkpoint_s = self.checkpoint_s(events);
        let restart_s = self.restart_s(events);
        let interval_s = self
            .interval_s(checkpoint_s, system_mtbf_s)
            .filter(|&tau| tau < work.total_s);
        let input = FailureInput {
            work_s: work.total_s,
            interval_s,
            checkpoint_s,
            restart_s,
            mtbf_s: system_mtbf_s,
            runs: runs.max(1),
            seed: self.seed,
        };
        let failures = bridge::failure_runs(&input);
        let cap = |x: f64| {
            if x.is_finite() {
                x.min(MAX_REPORTED_S)
            } else {
                MAX_REPORTED_S
            }
        };
        let checkpoints =
            interval_s.map_or(0.0, |tau| (libm::ceil(work.total_s / tau) - 1.0).max(0.0));
        let checkpoint_overhead_s = checkpoints * checkpoint_s;
        let expected_s = cap(failures.expected_s);
        let expected_failures = expected_s / system_mtbf_s;
        let completes = failures.completes;
        let rework_s =
            (expected_s - work.total_s - checkpoint_overhead_s - expected_failures * restart_s)
                .max(0.0);
        // Expected work lost per failure in a stretch of L seconds that must
        // run uninterrupted: E[t | t < L] for t ~ Exp(M) = M − L/(e^{L/M} − 1).
        let stretch = interval_s.map_or(work.total_s, |tau| tau + checkpoint_s);
        let lost_per_failure = if stretch <= 0.0 {
            0.0
        } else {
            let x = stretch / system_mtbf_s;
            if x < 1e-9 {
                stretch / 2.0
            } else if x > 700.0 {
                system_mtbf_s
            } else {
                system_mtbf_s - stretch / libm::expm1(x)
            }
        };
        let mttr_s = restart_s + lost_per_failure;
        let mut terms = work.terms;
        if p > 0.0 {
            terms.insert(
                0,
                Term {
                    term: "provisioning".to_string(),
                    seconds: p,
                    class: TermClass::Assumed,
                    inputs: vec![self.path("billing.provisioning_s")],
                    range_s: None,
                },
            );
        }
        let failure_inputs = vec![
            self.path("node_mtbf_h"),
            self.path("checkpoint"),
            self.path("checkpoint_cost_s"),
            self.path("restart_cost_s"),
        ];
        terms.push(Term {
            term: "checkpoints".to_string(),
            seconds: if completes {
                checkpoint_overhead_s
            } else {
                0.0
            },
            class: TermClass::Assumed,
            inputs: failure_inputs.clone(),
            range_s: None,
        });
        terms.push(Term {
            term: "failures".to_string(),
            seconds: if completes {
                (expected_s - work.total_s - checkpoint_overhead_s).max(0.0)
            } else {
                (MAX_REPORTED_S - work.total_s).max(0.0)
            },
            class: TermClass::Assumed,
            inputs: failure_inputs,
            range_s: None,
        });
        let makespan_mean_s = if completes {
            p + expected_s
        } else {
            MAX_REPORTED_S
        };
        let (p50, p95) = if completes {
            (
                p + cap(failures.quantile(0.5)),
                p + cap(failures.quantile(0.95)),
            )
        } else {
            (MAX_REPORTED_S, MAX_REPORTED_S)
        };
        let p_miss_deadline = if completes {
            failures.exceedance(self.deadline_s - p)
        } else {
            1.0
        };
        let (billed_s_per_node, nodes_usd) = match d.billing.mode {
            BillingMode::OnDemand => {
                let b = &d.billing;
                let billed = if completes {
                    failures.mean_billed_s(p, b.granularity_s, b.minimum_s)
                } else {
                    MAX_REPORTED_S
                };
                (billed, nodes * billed / 3_600.0 * d.price_per_node_hour_usd)
            }
            BillingMode::AlwaysOn => (
                self.batch_window_s,
                nodes * self.batch_window_s / 3_600.0 * d.price_per_node_hour_usd,
            ),
        };
        let egress_usd = work.network.cross_region_bytes / GB * d.egress_usd_per_gb;
        let cost_per_run_usd = nodes_usd + egress_usd;
        let class_shares = ClassShares::of(&terms);
        Projection {
            option: self.option.clone(),
            events,
            extrapolation: events / self.profiled_events,
            makespan_mean_s,
            makespan_p50_s: p50,
            makespan_p95_s: p95,
            p_miss_deadline,
            failure_free_s: work.total_s,
            terms,
            class_shares,
            parallelism: self.parallelism.clone(),
            partitions: self.partitions.clone(),
            cache: CacheProjection {
                hot_hit_rate: self.cache.hot_hit_rate,
                warm_hit_rate: self.cache.warm_hit_rate,
                overall_hit_rate: self.cache.overall_hit_rate,
                stale_read_rate: self.cache.stale_read_rate,
                requests: events * self.requests_per_event,
                source_reads: events
                    * self.requests_per_event
                    * (1.0 - self.cache.overall_hit_rate).max(0.0),
            },
            io: work.io,
            failures: FailureProjection {
                system_mtbf_s,
                interval_s,
                checkpoints,
                checkpoint_s,
                restart_s,
                checkpoint_overhead_s,
                expected_failures: if work.total_s > 0.0 {
                    expected_failures
                } else {
                    0.0
                },
                expected_rework_s: if work.total_s > 0.0 { rework_s } else { 0.0 },
                mttr_s,
                runs: input.runs,
                completes,
            },
            memory_fit: work.memory,
            network: NetworkProjection {
                egress_usd,
                ..work.network
            },
            cost: CostBreakdown {
                mode: d.billing.mode,
                billed_s_per_node,
                nodes_usd,
                egress_usd,
            },
            cost_per_run_usd,
            meets_deadline: p95 <= self.deadline_s,
            within_tolerance: p_miss_deadline <= self.miss_tolerance,
            within_budget: cost_per_run_usd <= self.budget_usd,
        }
    }

    /// A design field's path in the review.
    fn path(&self, field: &str) -> String {
        format!("alternatives[{}].design.{field}", self.index)
    }

    /// The failure-free run at `events`: its terms, I/O, memory and network.
    pub fn failure_free(&self, events: f64) -> FailureFree {
        let d = &self.design;
        let n = self.nodes();
        let c = f64::from(d.cores_per_node.max(1));
        let f = d.hardware.core_speed_factor.max(f64::MIN_POSITIVE);
        let speedup = self.parallelism.node_speedup.max(1.0);
        let events_per_node = events / n;
        let mut terms = Vec::new();

        // Computation at perfect scaling, stage by stage (measured).
        let ideal = |cost_s_per_event: f64| events_per_node * cost_s_per_event / (c * f);
        let mut compute_ideal = 0.0;
        for stage in &self.stages {
            let seconds = ideal(stage.cost.median);
            compute_ideal += seconds;
            terms.push(Term {
                term: stage.term.clone(),
                seconds,
                class: TermClass::Measured,
                inputs: vec![stage.input.clone(), self.path("hardware.core_speed_factor")],
                range_s: Some([ideal(stage.cost.min), ideal(stage.cost.max)]),
            });
        }
        // What the node's imperfect scaling adds (fitted or assumed).
        let loss_factor = |s: f64| (c / s.max(1.0) - 1.0).max(0.0);
        let scaling_loss = compute_ideal * loss_factor(speedup);
        let scaling = &self.parallelism.scaling;
        let loss_range = scaling.sigma_range.map(|[lo, hi]| {
            let at = |sigma: f64| {
                compute_ideal * loss_factor(scaling.speedup_with(sigma, d.cores_per_node))
            };
            [at(lo), at(hi)]
        });
        terms.push(Term {
            term: "scaling_loss".to_string(),
            seconds: scaling_loss,
            class: scaling.class(),
            inputs: vec![
                match scaling.source {
                    ScalingSource::Design => self.path("hardware.scaling"),
                    _ => "calibration.scaling".to_string(),
                },
                self.path("cores_per_node"),
            ],
            range_s: loss_range,
        });

        // The shuffle: the repartition by the partition key moves each
        // event (record and payload) once; a node sends and receives its
        // share of the bytes that change nodes.
        let event_bytes = self.bytes_per_event + self.record_bytes;
        let shuffle_bytes = events * event_bytes * (1.0 - 1.0 / n);
        let shuffle_per_node = shuffle_bytes / n;
        let exchange_cpu =
            2.0 * shuffle_per_node * d.exchange.cost_ns_per_byte * 1e-9 / (speedup * f);
        if n > 1.0 {
            terms.push(Term {
                term: "exchange_cpu".to_string(),
                seconds: exchange_cpu,
                class: TermClass::Assumed,
                inputs: vec![self.path("exchange.cost_ns_per_byte")],
                range_s: None,
            });
        }
        let post_shuffle = ideal(self.post_shuffle_s_per_event) * (c / speedup);
        let compute_s = compute_ideal + scaling_loss + if n > 1.0 { exchange_cpu } else { 0.0 };

        // I/O per node.
        let nic = self.nic_bytes_per_s();
        let store_share = d.store.input_mb_per_s * MB / n;
        let input_rate = nic.min(store_share);
        let input_bytes = events_per_node * self.bytes_per_event;
        let input_read = input_bytes / input_rate;
        let requests = events_per_node * self.requests_per_event;
        let misses = requests * (1.0 - self.cache.overall_hit_rate).max(0.0);
        let warm_hits = requests * (self.cache.overall_hit_rate - self.cache.hot_hit_rate).max(0.0);
        let concurrency = f64::from(d.store.lookup_concurrency.max(1));
        let batch = f64::from(d.store.lookup_batch_keys.max(1));
        let latency_bound = misses / batch * d.store.lookup_latency_ms * 1e-3 / concurrency;
        let throughput_bound =
            misses * self.cache_entry_bytes / nic.min(d.store.lookup_mb_per_s * MB / n);
        let lookups = latency_bound.max(throughput_bound);
        let warm = (warm_hits / batch * d.store.warm_latency_ms * 1e-3 / concurrency)
            .max(warm_hits * self.cache_entry_bytes / nic);
        let regions = f64::from(d.regions.max(1));
        let cross_bytes = shuffle_bytes * (1.0 - 1.0 / regions);
        let cross_rate = d.hardware.cross_region_gbit_per_s.min(d.network_gbit_per_s) * GB / 8.0;
        let shuffle_net = (shuffle_per_node - cross_bytes / n).max(0.0) / nic;
        let cross_region = cross_bytes / n / cross_rate;
        let io = [
            (
                "input_read",
                input_read,
                vec![
                    self.path("network_gbit_per_s"),
                    self.path("store.input_mb_per_s"),
                    "profile.bytes_per_event".to_string(),
                ],
            ),
            (
                "lookups",
                lookups,
                vec![
                    self.path("store.lookup_latency_ms"),
                    self.path("store.lookup_concurrency"),
                    self.path("store.lookup_batch_keys"),
                    self.path("store.lookup_mb_per_s"),
                    "workload.requests_per_event".to_string(),
                    "workload.cache_entry_bytes".to_string(),
                ],
            ),
            (
                "warm_tier",
                warm,
                vec![self.path("store.warm_latency_ms"), self.path("warm_cache")],
            ),
            (
                "shuffle",
                shuffle_net,
                vec![
                    self.path("network_gbit_per_s"),
                    "profile.bytes_per_event".to_string(),
                ],
            ),
            (
                "cross_region",
                cross_region,
                vec![
                    self.path("hardware.cross_region_gbit_per_s"),
                    self.path("regions"),
                ],
            ),
        ];
        let io_s: f64 = io.iter().map(|(_, s, _)| *s).sum();
        // With overlapped I/O the node is busy for the longer of the two;
        // each I/O term counts the share of it not hidden under computation.
        let exposed = match d.store.io {
            IoOverlap::Overlapped => (io_s - compute_s).max(0.0),
            IoOverlap::Serial => io_s,
        };
        let scale = if io_s > 0.0 { exposed / io_s } else { 0.0 };
        for (term, seconds, inputs) in io {
            if seconds > 0.0 {
                terms.push(Term {
                    term: term.to_string(),
                    seconds: seconds * scale,
                    class: TermClass::Assumed,
                    inputs: inputs.into_iter().chain([self.path("store.io")]).collect(),
                    range_s: None,
                });
            }
        }
        let busy = compute_s + exposed;

        // Memory: the pipeline's state and the caches against usable memory.
        let state_bytes = self.state_bytes_per_node(events);
        let cache_bytes = self.cache_bytes_per_node();
        let working_set = state_bytes + cache_bytes;
        let capacity = d.memory_per_node_gib * GIB * d.hardware.usable_memory_fraction;
        let spill_bytes = (working_set - capacity).max(0.0);
        let spill = 2.0 * spill_bytes / (d.hardware.disk_mb_per_s * MB);
        if spill > 0.0 {
            terms.push(Term {
                term: "spill".to_string(),
                seconds: spill,
                class: TermClass::Measured,
                inputs: vec![
                    "profile.state".to_string(),
                    self.path("memory_per_node_gib"),
                    self.path("hardware.usable_memory_fraction"),
                    self.path("hardware.disk_mb_per_s"),
                ],
                range_s: None,
            });
        }

        // Coordination of a distributed run.
        let coordination = if self.distributed_engine {
            d.exchange.coordination_s
        } else {
            0.0
        };
        if coordination > 0.0 {
            terms.push(Term {
                term: "coordination".to_string(),
                seconds: coordination,
                class: TermClass::Assumed,
                inputs: vec![self.path("exchange.coordination_s")],
                range_s: None,
            });
        }

        // The busiest node receives more of the shuffle and does more of the
        // work after it (and spills in proportion): the run waits for it.
        let imbalance = self.partitions.node_imbalance;
        let skewed_work = post_shuffle
            + if n > 1.0 {
                shuffle_net + exchange_cpu / 2.0
            } else {
                0.0
            }
            + spill;
        let straggler = (imbalance - 1.0).max(0.0) * skewed_work;
        if straggler > 0.0 {
            terms.push(Term {
                term: "straggler".to_string(),
                seconds: straggler,
                class: TermClass::Measured,
                inputs: vec![
                    "profile.partitioning".to_string(),
                    self.path("partitioning"),
                ],
                range_s: None,
            });
        }
        let total_s = busy + spill + coordination + straggler;
        FailureFree {
            total_s,
            terms,
            io: IoProjection {
                input_bytes_per_node: input_bytes,
                input_bytes_per_s: input_rate,
                input_bound: if nic <= store_share { "nic" } else { "store" }.to_string(),
                lookups_bound: if latency_bound >= throughput_bound {
                    "latency"
                } else {
                    "throughput"
                }
                .to_string(),
                io_s,
                compute_s,
                overlap: d.store.io,
            },
            memory: MemoryFit {
                working_set_bytes: working_set,
                state_bytes,
                cache_bytes,
                capacity_bytes: capacity,
                fits: spill_bytes <= 0.0,
                spill_bytes,
            },
            network: NetworkProjection {
                shuffle_bytes,
                cross_region_bytes: cross_bytes,
                egress_usd: 0.0,
            },
        }
    }
}

/// Billed seconds of one node for a run of `t` seconds.
pub fn bill(t: f64, granularity_s: f64, minimum_s: f64) -> f64 {
    let g = granularity_s.max(f64::MIN_POSITIVE);
    (libm::ceil(t / g) * g).max(minimum_s)
}

/// The failure-free part of a projection.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureFree {
    pub total_s: f64,
    pub terms: Vec<Term>,
    pub io: IoProjection,
    pub memory: MemoryFit,
    pub network: NetworkProjection,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::crossover::binding_of;
    use crate::analysis::fixtures;
    use crate::review::{Partitioning, ScalingChoice};

    /// What a test varies: the review, the cost model and the data facts.
    struct Case {
        review: Review,
        cost: CostModel,
        facts: DataFacts,
    }

    impl Case {
        fn example() -> Case {
            Case {
                review: Review::example(),
                cost: fixtures::cost_model(),
                facts: fixtures::data_facts(),
            }
        }

        fn with(mut self, mutate: impl FnOnce(&mut Case)) -> Case {
            mutate(&mut self);
            self
        }

        fn projector(&self, index: usize) -> Projector {
            let context = Context::new(
                &self.review,
                &self.cost,
                &self.facts,
                fixtures::fast_config(),
            )
            .unwrap();
            Projector::new(&context, index).unwrap()
        }

        fn project(&self, index: usize, events: f64) -> Projection {
            self.projector(index).project(events, 400)
        }
    }

    /// A design with nothing but computation: no I/O to speak of, no
    /// failures, no provisioning, perfect scaling.
    fn compute_only(case: &mut Case, index: usize) {
        let d = &mut case.review.alternatives[index].design;
        d.node_mtbf_h = crate::limits::MAX_NODE_MTBF_H;
        d.network_gbit_per_s = crate::limits::MAX_NETWORK_GBIT_PER_S;
        d.store.input_mb_per_s = crate::limits::MAX_STORE_MB_PER_S;
        d.store.lookup_mb_per_s = crate::limits::MAX_STORE_MB_PER_S;
        d.store.lookup_latency_ms = crate::limits::MIN_LATENCY_MS;
        d.store.warm_latency_ms = crate::limits::MIN_LATENCY_MS;
        d.billing.provisioning_s = 0.0;
        d.exchange.coordination_s = 0.0;
        d.exchange.cost_ns_per_byte = 0.0;
        d.hardware.scaling = ScalingChoice::Assumed {
            sigma: 0.0,
            kappa: 0.0,
        };
        d.memory_per_node_gib = crate::limits::MAX_MEMORY_PER_NODE_GIB;
    }

    fn per_event_compute_s(case: &Case) -> f64 {
        case.cost.cost_s_per_event()
            + case.cost.payload_cost_s_per_byte.median * case.facts.bytes_per_event
    }

    #[test]
    fn terms_sum_to_the_expected_makespan() {
        let case = Case::example();
        for index in [0, 1] {
            for events in [1e4, 2e6, 3e8, 5e9] {
                let p = case.project(index, events);
                let sum: f64 = p.terms.iter().map(|t| t.seconds).sum();
                assert!(
                    (sum - p.makespan_mean_s).abs() <= 1e-9 * p.makespan_mean_s,
                    "{index} at {events:e}: terms {sum} vs mean {}",
                    p.makespan_mean_s
                );
                let shares = p.class_shares;
                let by_class = shares.measured_s + shares.fitted_s + shares.assumed_s;
                assert!((by_class - sum).abs() <= 1e-9 * sum);
                assert!(p
                    .terms
                    .iter()
                    .all(|t| t.seconds >= 0.0 && !t.inputs.is_empty()));
            }
        }
    }

    #[test]
    fn computation_is_the_measured_costs_at_the_nodes_cores() {
        // Closed form: events × (Σ stage costs + payload bytes × cost per
        // byte) / (nodes × cores × speed), when nothing else binds.
        let case = Case::example().with(|c| {
            compute_only(c, 1);
            c.review.alternatives[1].design.hardware.core_speed_factor = 2.0;
        });
        let p = case.project(1, 1e9);
        let expected = 1e9 * per_event_compute_s(&case) / (8.0 * 16.0 * 2.0);
        let compute: f64 = p
            .terms
            .iter()
            .filter(|t| t.term.starts_with("compute."))
            .map(|t| t.seconds)
            .sum();
        assert!(
            (compute / expected - 1.0).abs() < 1e-12,
            "{compute} vs {expected}"
        );
        assert_eq!(p.term("scaling_loss"), 0.0);
        let payload = p
            .terms
            .iter()
            .find(|t| t.term == "compute.payload")
            .unwrap();
        assert_eq!(payload.class, TermClass::Measured);
        let [lo, hi] = payload.range_s.unwrap();
        assert!(lo < payload.seconds && payload.seconds < hi);
    }

    #[test]
    fn measured_costs_move_the_crossing() {
        // With serial I/O the single node's per-event time is computation
        // plus I/O, so tripling every measured cost moves its deadline
        // crossing by the closed-form ratio (c + i) / (3c + i). (When
        // constants set the projection, tripling them moved it by 0.2 %.)
        let serial = |c: &mut Case| c.review.alternatives[0].design.store.io = IoOverlap::Serial;
        let base = Case::example().with(serial);
        let tripled = Case::example().with(serial).with(|c| {
            for s in &mut c.cost.stage_cost_s_per_event {
                s.cost_s_per_event = s.cost_s_per_event.rescaled(3.0 * s.cost_s_per_event.median);
            }
            c.cost.payload_cost_s_per_byte = c
                .cost
                .payload_cost_s_per_byte
                .rescaled(3.0 * c.cost.payload_cost_s_per_byte.median);
        });
        let crossing = |case: &Case| binding_of(&case.projector(0), 2e6, 100).unwrap().1;
        let (before, after) = (crossing(&base), crossing(&tripled));
        let p = base.project(0, before);
        let compute = p.io.compute_s;
        let io = p.io.io_s;
        let expected = (compute + io) / (3.0 * compute + io);
        assert!(
            (after / before / expected - 1.0).abs() < 0.02,
            "{before:e} → {after:e}: ratio {} vs {expected}",
            after / before
        );
        assert!(after < before * 0.95, "{before:e} → {after:e}");
    }

    #[test]
    fn imperfect_scaling_is_a_fitted_term() {
        let case = Case::example();
        let p = case.project(0, 1e8);
        let loss = p.terms.iter().find(|t| t.term == "scaling_loss").unwrap();
        assert_eq!(loss.class, TermClass::Fitted);
        let c = 16.0;
        let ideal: f64 = p
            .terms
            .iter()
            .filter(|t| t.term.starts_with("compute."))
            .map(|t| t.seconds)
            .sum();
        let expected = ideal * (c / p.parallelism.node_speedup - 1.0);
        assert!((loss.seconds - expected).abs() <= 1e-9 * expected);
        // 16 cores from 8 measured lanes: an extrapolation, flagged.
        assert!(p.parallelism.extrapolated);
    }

    #[test]
    fn without_a_fit_the_scaling_is_assumed_and_says_why() {
        let case = Case::example().with(|c| c.cost.scaling.retain(|p| p.threads == 1.0));
        let p = case.project(0, 1e8);
        let ScalingSource::Unfitted { reason } = &p.parallelism.scaling.source else {
            panic!("{:?}", p.parallelism.scaling.source)
        };
        assert!(reason.contains("one lane count"), "{reason}");
        assert_eq!(p.parallelism.scaling.sigma, UNFITTED_SIGMA);
        let loss = p.terms.iter().find(|t| t.term == "scaling_loss").unwrap();
        assert_eq!(loss.class, TermClass::Assumed);
        assert!(loss.range_s.is_some());
    }

    #[test]
    fn amdahl_through_two_lane_counts_is_the_closed_form() {
        // A 2-lane speed-up of 1.21 gives σ = 2/1.21 − 1 ≈ 0.653.
        let case = Case::example().with(|c| {
            c.cost.scaling = vec![
                super::super::ThreadScaling {
                    threads: 1.0,
                    events_per_s: 1e6,
                },
                super::super::ThreadScaling {
                    threads: 2.0,
                    events_per_s: 1.21e6,
                },
            ];
        });
        let p = case.project(0, 1e8);
        let sigma = p.parallelism.scaling.sigma;
        assert!((sigma - (2.0 / 1.21 - 1.0)).abs() < 1e-6, "{sigma}");
        assert!(matches!(
            p.parallelism.scaling.source,
            ScalingSource::AmdahlFit { .. }
        ));
        let expected = 16.0 / (1.0 + sigma * 15.0);
        assert!((p.parallelism.node_speedup - expected).abs() < 1e-9);
    }

    #[test]
    fn input_is_read_over_the_nic_or_the_store_share() {
        let serial = |c: &mut Case| {
            for a in &mut c.review.alternatives {
                a.design.store.io = IoOverlap::Serial;
            }
        };
        let case = Case::example().with(serial);
        let events = 1e9;
        let single = case.project(0, events);
        let nic = 10e9 / 8.0;
        let expected = events * case.facts.bytes_per_event / nic;
        assert!((single.term("input_read") / expected - 1.0).abs() < 1e-12);
        assert_eq!(single.io.input_bound, "nic");
        // Eight nodes share the store's 20 GB/s: 2.5 GB/s each, below
        // their 25 Gbit/s NICs.
        let cluster = case.project(1, events);
        let expected = events / 8.0 * case.facts.bytes_per_event / (20e9 / 8.0);
        assert!((cluster.term("input_read") / expected - 1.0).abs() < 1e-12);
        assert_eq!(cluster.io.input_bound, "store");
    }

    #[test]
    fn overlapped_io_counts_only_what_the_computation_does_not_hide() {
        let case = Case::example();
        let p = case.project(0, 1e9);
        let io: f64 = [
            "input_read",
            "lookups",
            "warm_tier",
            "shuffle",
            "cross_region",
        ]
        .iter()
        .map(|t| p.term(t))
        .sum();
        let exposed = (p.io.io_s - p.io.compute_s).max(0.0);
        assert!(
            (io - exposed).abs() <= 1e-9 * p.io.io_s.max(1.0),
            "{io} vs {exposed}"
        );
    }

    #[test]
    fn lookups_are_bound_by_latency_or_by_throughput() {
        let case =
            Case::example().with(|c| c.review.alternatives[0].design.store.io = IoOverlap::Serial);
        let p = case.project(0, 1e8);
        let d = &case.review.alternatives[0].design;
        let misses = 1e8 * 4.0 * (1.0 - p.cache.overall_hit_rate);
        let latency = misses / 50.0 * d.store.lookup_latency_ms * 1e-3 / 32.0;
        let throughput = misses * 1_024.0 / (10e9_f64 / 8.0).min(2_000e6);
        assert!((p.term("lookups") / latency.max(throughput) - 1.0).abs() < 1e-12);
        let slow = case
            .with(|c| c.review.alternatives[0].design.store.lookup_latency_ms = 100.0)
            .project(0, 1e8);
        assert_eq!(slow.io.lookups_bound, "latency");
    }

    #[test]
    fn the_working_set_is_the_measured_state_and_the_caches() {
        // Closed form of the spill volume: state fit + caches reach usable
        // memory at (capacity − caches − constant) / (entries per event ×
        // bytes per entry) events on one node.
        let case = Case::example();
        let single = case.projector(0);
        let d = &single.design;
        let capacity = d.memory_per_node_gib * GIB * d.hardware.usable_memory_fraction;
        let cache = single.cache_bytes_per_node();
        assert_eq!(cache, 200_000.0 * 1_024.0);
        let s = &case.facts.state;
        let spill_from =
            (capacity - cache - s.constant_bytes) / (s.entries_per_event * s.bytes_per_entry);
        assert!(single.project(spill_from * 0.999, 50).memory_fit.fits);
        let past = single.project(spill_from * 1.5, 50);
        assert!(!past.memory_fit.fits);
        let spill = past.memory_fit.spill_bytes;
        assert!(
            (spill / (0.5 * spill_from * s.entries_per_event * s.bytes_per_entry) - 1.0).abs()
                < 1e-9
        );
        assert!((past.term("spill") - 2.0 * spill / 500e6).abs() < 1e-6);
        // A pipeline that streams never spills.
        let streaming = Case::example().with(|c| c.facts.state = super::super::StateFacts::NONE);
        assert!(streaming.project(0, 1e12).memory_fit.fits);
        // Cache memory comes out of node memory.
        let big_cache = Case::example().with(|c| {
            c.review.alternatives[0].design.hot_cache.capacity_keys = 100_000_000;
        });
        assert!(!big_cache.project(0, 1e4).memory_fit.fits);
    }

    #[test]
    fn checkpoints_and_restarts_from_state_scale_with_it() {
        let case = Case::example();
        let cluster = case.projector(1);
        let (a, b) = (cluster.checkpoint_s(1e9), cluster.checkpoint_s(2e9));
        let s = &case.facts.state;
        let per_node =
            |e: f64| e * s.entries_per_event * s.bytes_per_entry / 8.0 + s.constant_bytes;
        let rate = (25e9 / 8.0_f64).min(20e9 / 8.0);
        assert!((a - per_node(1e9) / rate).abs() < 1e-9);
        assert!((b - per_node(2e9) / rate).abs() < 1e-9);
        let d = &cluster.design;
        let restart = d.failure_detection_s + d.billing.provisioning_s + per_node(1e9) / rate;
        assert!((cluster.restart_s(1e9) - restart).abs() < 1e-9);
        // A stated cost is what it says.
        let fixed = case
            .with(|c| {
                c.review.alternatives[1].design.checkpoint_cost_s =
                    StateCost::Fixed { seconds: 7.0 }
            })
            .projector(1);
        assert_eq!(fixed.checkpoint_s(1e9), 7.0);
    }

    #[test]
    fn free_checkpoints_are_written_as_often_as_useful() {
        // Zero-cost checkpoints with `auto` once gave an interval of 1e-151 s
        // and a run that "never completes".
        let case = Case::example().with(|c| {
            let d = &mut c.review.alternatives[1].design;
            d.checkpoint_cost_s = StateCost::Fixed { seconds: 0.0 };
            d.checkpoint = CheckpointInterval::Auto;
        });
        let p = case.project(1, 5e10);
        assert!(p.failures.completes);
        assert_eq!(
            p.failures.interval_s,
            Some(crate::limits::MIN_CHECKPOINT_INTERVAL_S)
        );
        assert!(
            p.makespan_mean_s < 2.0 * p.failure_free_s + 1_000.0,
            "{p:?}"
        );
        assert_eq!(p.failures.checkpoint_overhead_s, 0.0);
    }

    #[test]
    fn cost_bills_the_mean_run_by_the_billing_rules() {
        assert_eq!(bill(61.0, 60.0, 60.0), 120.0);
        assert_eq!(bill(10.0, 60.0, 60.0), 60.0);
        assert_eq!(bill(10.0, 1.0, 0.0), 10.0);
        assert_eq!(bill(130.0, 60.0, 600.0), 600.0);
        let case = Case::example();
        let p = case.project(1, 2e6);
        let d = &case.review.alternatives[1].design;
        let expected = 8.0 * p.cost.billed_s_per_node / 3_600.0 * d.price_per_node_hour_usd;
        assert!((p.cost.nodes_usd - expected).abs() < 1e-12);
        // Provisioning plus a short run: whole minutes.
        assert_eq!(p.cost.billed_s_per_node % 60.0, 0.0);
        assert!(p.cost.billed_s_per_node >= d.billing.provisioning_s + p.failure_free_s);
        let always_on = case
            .with(|c| c.review.alternatives[1].design.billing.mode = BillingMode::AlwaysOn)
            .project(1, 2e6);
        assert!((always_on.cost.nodes_usd - 8.0 * 24.0 * 0.80).abs() < 1e-9);
        assert_eq!(always_on.term("provisioning"), 0.0);
    }

    #[test]
    fn the_chance_of_missing_the_deadline_is_reported() {
        // One node, no checkpoints, W < D − provisioning < W + restart: any
        // failure makes the run miss, so P(miss) = 1 − e^{−W/M}.
        let case = Case::example().with(|c| {
            compute_only(c, 0);
            let d = &mut c.review.alternatives[0].design;
            d.node_mtbf_h = 10.0;
            d.restart_cost_s = StateCost::Fixed { seconds: 5_000.0 };
            d.billing.provisioning_s = 0.0;
        });
        let single = case.projector(0);
        let per_event = per_event_compute_s(&case) / 16.0;
        let events = 6_000.0 / per_event;
        let p = single.project(events, 20_000);
        let expected = -libm::expm1(-p.failure_free_s / 36_000.0);
        let sd = libm::sqrt(expected * (1.0 - expected) / 20_000.0);
        assert!(
            (p.p_miss_deadline - expected).abs() < 4.0 * sd,
            "{} vs {expected}",
            p.p_miss_deadline
        );
        // The p95 test does not see it; the tolerance does at 1 %.
        assert!(p.p_miss_deadline < 0.2);
    }

    #[test]
    fn salting_reduces_the_straggler_and_the_straggler_includes_its_spill() {
        let case = Case::example()
            .with(|c| c.review.alternatives[1].design.partitioning = Partitioning::ByDomain);
        let by_domain = case.project(1, 1e10);
        let salted = Case::example().project(1, 1e10);
        assert!(by_domain.partitions.largest_partition_share > 0.2);
        assert!(salted.term("straggler") < by_domain.term("straggler") / 2.0);
        let spilling = case.with(|c| {
            let d = &mut c.review.alternatives[1].design;
            d.memory_per_node_gib = 1.0;
        });
        let p = spilling.project(1, 1e10);
        assert!(p.term("spill") > 0.0);
        let imbalance = p.partitions.node_imbalance;
        assert!(p.term("straggler") >= (imbalance - 1.0) * p.term("spill"));
    }

    #[test]
    fn lpt_assignment() {
        assert_eq!(busiest_node_share(&[0.5, 0.3, 0.2], 1), 1.0);
        assert_eq!(busiest_node_share(&[0.5, 0.3, 0.2], 2), 0.5);
        assert_eq!(busiest_node_share(&[0.25; 4], 4), 0.25);
        assert_eq!(busiest_node_share(&[0.7, 0.1, 0.1, 0.1], 8), 0.7);
    }

    #[test]
    #[expect(
        clippy::disallowed_methods,
        reason = "the test compares thread counts: it builds the pools it compares"
    )]
    fn projections_do_not_depend_on_thread_count() {
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    let case = Case::example();
                    [0, 1].map(|i| case.project(i, 5e7))
                })
        };
        assert_eq!(run(1), run(4));
    }
}
