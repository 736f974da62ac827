//! Cluster projection: one alternative's design running one batch of a given
//! number of events.
//!
//! The critical path of a batch is modelled as
//!
//! ```text
//! failure-free = compute + shuffle + cross-region + straggler + spill
//! makespan     = checkpoint/restart Monte Carlo over the failure-free time
//! ```
//!
//! * **compute**: core-seconds per event × events / (nodes × effective cores
//!   per node). Core-seconds per event = the calibrated stage costs + the
//!   payload scan ([`ProjectionConfig::payload_scan_bytes_per_s_per_core`]) +
//!   cache traffic (warm hits and source reads per request). Effective cores
//!   per node = the USL speedup of the measured thread scaling at
//!   `cores_per_node`.
//! * **shuffle**: `events × bytes_per_event × (1 − 1/nodes)` bytes cross the
//!   network, every node sending and receiving its share in parallel at
//!   `network_gbit_per_s`.
//! * **cross-region**: with `regions > 1` a share `1 − 1/regions` of the
//!   shuffle (uniform key placement) crosses regions, at
//!   [`ProjectionConfig::cross_region_gbit_per_s`] per node, and is billed
//!   as egress.
//! * **straggler**: partitions (per the design's partitioning) are assigned to
//!   nodes largest first onto the least-loaded node (LPT, what a scheduler
//!   starting big tasks first achieves). The busiest node's share `s` makes
//!   the batch `s × nodes` times as long as a balanced one; the excess over
//!   balanced compute and shuffle is the straggler time.
//! * **spill**: the busiest node's working set
//!   (`events × bytes_per_event × working_set_factor × s`) beyond its usable
//!   memory is written to and read back from local disk.
//! * **failures**: system MTBF = node MTBF / nodes; checkpoint interval per
//!   the design (`never`, `auto` = Daly's higher-order Young interval, or
//!   fixed); p50/p95 makespan by Monte Carlo seeded from the review seed (all
//!   alternatives share run seeds: common random numbers make the comparison
//!   fair).
//! * **cost** = node-hours at the p50 makespan × price + egress.
//!
//! Everything that does not depend on the event volume (USL speedup, cache
//! simulation, partition assignment) is computed once per alternative in
//! [`Projector::new`]; [`Projector::project`] is then cheap enough to sweep.

use serde::{Deserialize, Serialize};

use super::bridge::{self, CacheInput, CacheRates, FailureInput, ScalingFit};
use super::{AnalysisError, CostModel, DataFacts, PartitionScheme};
use crate::review::{CheckpointInterval, Design, InvalidationPolicy, Review};

const GIB: f64 = 1_073_741_824.0;
const GB: f64 = 1e9;

/// Documented constants of the projection. Not part of the review: they are
/// the tool's assumptions, recorded in every result document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectionConfig {
    /// The profiler's synthetic events carry metadata, not payload, so the
    /// payload is charged separately: 400 MB/s per core is a typical
    /// decompress + parse + check rate for columnar analytics formats
    /// (Parquet/ORC readers run at 0.2–1 GB/s per core).
    pub payload_scan_bytes_per_s_per_core: f64,
    /// Core-seconds a cache miss costs: batched point reads from a key-value
    /// store take ~1 ms per round trip, amortised over batches of ~50 keys.
    pub source_read_s: f64,
    /// Core-seconds a warm-tier hit costs: a shared in-memory cache one
    /// network hop away (~100 µs round trip, batched likewise).
    pub warm_hit_s: f64,
    /// Bytes held in memory per payload byte: the shuffle and aggregation
    /// keep keys, timestamps and feature columns, about half of a wide
    /// event; the rest is read, checked and dropped.
    pub working_set_factor: f64,
    /// Share of a node's memory available to execution and storage: Spark's
    /// default `spark.memory.fraction` (the rest is the OS, runtime, buffers).
    pub usable_memory_fraction: f64,
    /// Local-disk throughput for spills: a cloud local NVMe or a provisioned
    /// SSD volume sustains ~500 MB/s per node. A spilled byte is written
    /// once and read once.
    pub spill_disk_bytes_per_s: f64,
    /// Per-node throughput between regions: long-haul links with TCP over
    /// 50–100 ms round trips sustain a few Gbit/s per node at best.
    pub cross_region_gbit_per_s: f64,
    /// The cache is simulated on a catalog of at most this many keys, with
    /// tier capacities scaled by the same factor: LRU hit rates under Zipf
    /// popularity depend mainly on capacity/catalog, and a 100 000-key
    /// simulation reaches steady state in milliseconds.
    pub cache_sim_max_keys: u64,
    /// Measured requests of the cache simulation (after a warm-up of twice
    /// the total capacity): binomial standard error < 0.1 % on hit rates.
    pub cache_sim_requests: u64,
    /// Monte Carlo runs of the failure model for headline projections.
    pub failure_runs: u32,
    /// Contention σ assumed when the measured scaling cannot be fitted
    /// (fewer than three thread counts, e.g. a single-core machine): 5 % is
    /// a typical serial fraction of a well-parallelised batch stage.
    pub fallback_sigma: f64,
}

impl Default for ProjectionConfig {
    fn default() -> Self {
        Self {
            payload_scan_bytes_per_s_per_core: 400e6,
            source_read_s: 20e-6,
            warm_hit_s: 2e-6,
            working_set_factor: 0.5,
            usable_memory_fraction: 0.6,
            spill_disk_bytes_per_s: 500e6,
            cross_region_gbit_per_s: 2.0,
            cache_sim_max_keys: 100_000,
            cache_sim_requests: 300_000,
            failure_runs: crate::analysis_limits::PROJECTION_FAILURE_RUNS,
            fallback_sigma: 0.05,
        }
    }
}

/// Where the per-node speedup comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScalingSource {
    /// The USL fit of the measured thread scaling.
    Fitted,
    /// The fit was impossible; Amdahl with `fallback_sigma`.
    Assumed,
}

/// The parallel-efficiency model shared by all alternatives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScalingModel {
    pub sigma: f64,
    pub kappa: f64,
    pub source: ScalingSource,
}

impl ScalingModel {
    pub fn new(fit: Option<&ScalingFit>, config: &ProjectionConfig) -> Self {
        match fit {
            Some(fit) => Self {
                sigma: fit.sigma,
                kappa: fit.kappa,
                source: ScalingSource::Fitted,
            },
            None => Self {
                sigma: config.fallback_sigma,
                kappa: 0.0,
                source: ScalingSource::Assumed,
            },
        }
    }

    /// Speedup of a node with `cores` cores. Past the USL peak adding threads
    /// slows the node down, so a node runs at most `n_peak` threads.
    pub fn node_speedup(&self, cores: u32) -> f64 {
        let mut n = f64::from(cores.max(1));
        if self.kappa > 0.0 {
            let peak = ((1.0 - self.sigma) / self.kappa).sqrt();
            n = n.min(peak.max(1.0));
        }
        bridge::speedup(self.sigma, self.kappa, n).max(1.0)
    }
}

/// One component of the makespan, for a stacked chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BreakdownItem {
    pub component: String,
    pub seconds: f64,
}

/// Core-seconds one event costs, by source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PerEventCost {
    pub calibrated_s: f64,
    pub payload_scan_s: f64,
    pub cache_s: f64,
    pub total_s: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Parallelism {
    pub nodes: u32,
    pub cores_per_node: u32,
    /// USL speedup of one node's cores.
    pub node_speedup: f64,
    /// `node_speedup / cores_per_node`.
    pub node_efficiency: f64,
    pub effective_cores: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PartitionSummary {
    pub scheme: PartitionScheme,
    pub partitions: usize,
    pub largest_partition_share: f64,
    /// Largest over median partition load.
    pub skew_max_over_median: f64,
    /// Share of all events on the busiest node.
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
    /// Cache look-ups per batch.
    pub requests: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FailureProjection {
    pub system_mtbf_s: f64,
    /// Checkpoint interval used; `None`: no checkpoints.
    pub interval_s: Option<f64>,
    pub checkpoints: f64,
    pub checkpoint_overhead_s: f64,
    /// Mean failures per run, `E[T] / M` from the closed form.
    pub expected_failures: f64,
    /// Mean computation lost to failures and redone per run, from the closed
    /// form: `E[T] − work − checkpoints − E[failures] × restart` (exact under
    /// the model; a Monte Carlo of a few thousand runs sees too few failures
    /// when they are rare).
    pub expected_rework_s: f64,
    /// Mean time to recover from one failure: restart plus the expected
    /// work lost since the last checkpoint.
    pub mttr_s: f64,
    /// Closed-form expected makespan (a check on the Monte Carlo mean).
    pub closed_form_makespan_s: f64,
    pub runs: u32,
    /// False when the batch is expected never to finish (failures arrive
    /// faster than it can make progress); makespans are then the closed
    /// form capped at [`MAX_REPORTED_S`].
    pub completes: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MemoryFit {
    /// Busiest node's working set.
    pub working_set_bytes: f64,
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

/// One alternative at one event volume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Projection {
    pub option: String,
    /// Events per batch (fractional in sweeps and bisections).
    pub events: f64,
    pub makespan_p50_s: f64,
    pub makespan_p95_s: f64,
    pub makespan_mean_s: f64,
    pub failure_free_s: f64,
    pub compute_s: f64,
    pub shuffle_s: f64,
    pub cross_region_s: f64,
    pub straggler_s: f64,
    pub spill_s: f64,
    /// Components of the p50 makespan, in critical-path order; they sum to it.
    pub breakdown: Vec<BreakdownItem>,
    pub per_event: PerEventCost,
    pub parallelism: Parallelism,
    pub partitions: PartitionSummary,
    pub cache: CacheProjection,
    pub failures: FailureProjection,
    pub memory_fit: MemoryFit,
    pub network: NetworkProjection,
    pub node_hours: f64,
    pub cost_per_run_usd: f64,
    /// p95 makespan within the SLA deadline (19 nights out of 20).
    pub meets_deadline: bool,
    pub within_budget: bool,
}

/// Makespans are capped here so documents stay finite JSON (≈ 31 700 years).
pub const MAX_REPORTED_S: f64 = 1e12;

/// Review-wide inputs of every projection.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    pub review: &'a Review,
    pub cost_model: &'a CostModel,
    pub facts: &'a DataFacts,
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
        let fit = bridge::fit_scaling(&cost_model.scaling).ok();
        Ok(Self {
            review,
            cost_model,
            facts,
            scaling: ScalingModel::new(fit.as_ref(), &config),
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
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    let upper = sorted.get(n / 2).copied().unwrap_or(0.0);
    if n % 2 == 1 {
        upper
    } else {
        (sorted.get(n / 2 - 1).copied().unwrap_or(0.0) + upper) / 2.0
    }
}

/// Everything volume-independent about one alternative.
#[derive(Clone, Debug)]
pub struct Projector {
    pub option: String,
    pub design: Design,
    pub deadline_s: f64,
    pub budget_usd: f64,
    pub seed: u64,
    pub bytes_per_event: f64,
    pub requests_per_event: f64,
    pub per_event: PerEventCost,
    pub parallelism: Parallelism,
    pub partitions: PartitionSummary,
    pub cache: CacheRates,
    pub config: ProjectionConfig,
}

/// Catalogue scale factor `s` of the cache simulation (≥ 1).
pub fn cache_sim_scale(review: &Review, config: &ProjectionConfig) -> f64 {
    (review.workload.hot_keys.max(1) as f64 / config.cache_sim_max_keys.max(1) as f64).max(1.0)
}

/// Cache rates for a design (the review's workload, the given invalidation).
///
/// **Scaling.** The catalogue is simulated on at most
/// [`ProjectionConfig::cache_sim_max_keys`] keys: catalogue and tier
/// capacities are divided by the same factor `s`. A simulated key stands for
/// `s` real keys of neighbouring popularity, so it is requested `s` times as
/// often as each of them and the cache turns over `s` times faster per
/// request.
///
/// **Key groups = datasets.** A cached feature or lookup follows the schema
/// of the dataset it is read from, and a schema change arrives with one
/// event (a share [`DataFacts::schema_drift_share`] of events), so the
/// cache's key groups are the workload's datasets: one class per domain,
/// weighted by the domain's measured event share and ordered most active
/// first, with `datasets_per_domain` datasets each. A change hits a dataset
/// with the event stream's popularity (domain by its share, dataset uniform
/// within the domain), and the most requested keys belong to the most active
/// datasets (see [`crate::models::cache`]). Per request, changes arrive at
/// `schema_drift_share / requests_per_event`.
///
/// **Drift under scaling.** Each simulated group stands for `s` datasets:
/// the simulation has `max(1, round(datasets_per_domain / s))` groups per
/// domain, and the drift per simulated request is scaled by
/// `s × simulated groups per domain / datasets_per_domain` (exactly 1 when
/// `s` divides `datasets_per_domain`), so that every simulated key changes as
/// often, relative to its own requests, as the real keys it stands for.
pub fn simulate_cache(
    review: &Review,
    facts: &DataFacts,
    design: &Design,
    invalidation: InvalidationPolicy,
    config: &ProjectionConfig,
) -> Result<CacheRates, AnalysisError> {
    let workload = &review.workload;
    if workload.requests_per_event <= 0.0 {
        return Ok(CacheRates {
            hot_hit_rate: 0.0,
            warm_hit_rate: 0.0,
            overall_hit_rate: 0.0,
            stale_read_rate: 0.0,
            simulated_requests: 0,
        });
    }
    let catalog = workload.hot_keys.max(1);
    let scale = cache_sim_scale(review, config);
    let scaled = |keys: u64| libm::round(keys as f64 / scale) as u64;
    let catalog_sim = scaled(catalog).max(1);
    let hot = scaled(design.hot_cache.capacity_keys).min(catalog_sim);
    let warm = design
        .warm_cache
        .map_or(0, |w| scaled(w.capacity_keys).min(catalog_sim));
    let mut domain_weights = facts.domain_shares.clone();
    domain_weights.sort_by(|a, b| b.total_cmp(a));
    let datasets_per_domain = f64::from(workload.datasets_per_domain.max(1));
    let groups_per_domain = libm::round(datasets_per_domain / scale).max(1.0);
    let drift_per_request = facts.schema_drift_share / workload.requests_per_event;
    let drift_rate =
        (drift_per_request * scale * groups_per_domain / datasets_per_domain).clamp(0.0, 1.0);
    bridge::cache_rates(&CacheInput {
        hot_capacity_keys: hot,
        warm_capacity_keys: warm,
        catalog_keys: catalog_sim,
        alpha: workload.hot_key_zipf_alpha,
        drift_rate,
        group_class_weights: domain_weights,
        groups_per_class: groups_per_domain as u64,
        versioned: invalidation == InvalidationPolicy::Versioned,
        requests: config.cache_sim_requests,
        warmup_requests: 2 * (hot + warm),
        seed: review.seed,
    })
}

impl Projector {
    pub fn new(context: &Context, index: usize) -> Result<Self, AnalysisError> {
        let review = context.review;
        let alternative = review.alternatives.get(index).ok_or_else(|| {
            AnalysisError::invalid("alternatives", format!("no alternative {index}"))
        })?;
        let design = alternative.design.clone();
        let config = context.config.clone();
        let facts = context.facts;
        let workload = &review.workload;
        let cache = simulate_cache(review, facts, &design, design.invalidation, &config)?;
        Ok(Self::from_parts(
            context,
            &alternative.option,
            design,
            cache,
            workload.requests_per_event,
        ))
    }

    /// A projector for `design` with precomputed cache rates (failure modes
    /// vary one design parameter at a time through this).
    pub fn from_parts(
        context: &Context,
        option: &str,
        design: Design,
        cache: CacheRates,
        requests_per_event: f64,
    ) -> Self {
        let config = context.config.clone();
        let facts = context.facts;
        let bytes_per_event = facts.bytes_per_event;
        let miss_rate = (1.0 - cache.overall_hit_rate).max(0.0);
        let warm_rate = (cache.overall_hit_rate - cache.hot_hit_rate).max(0.0);
        let cache_s =
            requests_per_event * (warm_rate * config.warm_hit_s + miss_rate * config.source_read_s);
        let calibrated_s = context.cost_model.cost_s_per_event();
        let payload_scan_s = bytes_per_event / config.payload_scan_bytes_per_s_per_core;
        let per_event = PerEventCost {
            calibrated_s,
            payload_scan_s,
            cache_s,
            total_s: calibrated_s + payload_scan_s + cache_s,
        };
        let node_speedup = context.scaling.node_speedup(design.cores_per_node);
        let parallelism = Parallelism {
            nodes: design.nodes,
            cores_per_node: design.cores_per_node,
            node_speedup,
            node_efficiency: node_speedup / f64::from(design.cores_per_node.max(1)),
            effective_cores: node_speedup * f64::from(design.nodes),
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
            design,
            deadline_s: context.review.sla.deadline_s,
            budget_usd: context.review.sla.budget_per_run_usd,
            seed: context.review.seed,
            bytes_per_event,
            requests_per_event,
            per_event,
            parallelism,
            partitions,
            cache,
            config,
        }
    }

    /// The checkpoint interval the design asks for at a system MTBF.
    pub fn interval_s(&self, system_mtbf_s: f64) -> Option<f64> {
        match self.design.checkpoint {
            CheckpointInterval::Never => None,
            CheckpointInterval::Auto => Some(bridge::young_daly_interval(
                self.design.checkpoint_cost_s.max(f64::MIN_POSITIVE),
                system_mtbf_s,
            )),
            CheckpointInterval::Every { interval_s } => Some(interval_s),
        }
    }

    /// Projects the batch at `events` with `runs` Monte Carlo runs.
    pub fn project(&self, events: f64, runs: u32) -> Projection {
        let d = &self.design;
        let cfg = &self.config;
        let nodes = f64::from(d.nodes.max(1));
        let events = events.max(0.0);
        let compute_s = events * self.per_event.total_s / self.parallelism.effective_cores;
        let payload_bytes = events * self.bytes_per_event;
        let shuffle_bytes = payload_bytes * (1.0 - 1.0 / nodes);
        let cross_bytes = shuffle_bytes * (1.0 - 1.0 / f64::from(d.regions.max(1)));
        let network_bytes_per_s = d.network_gbit_per_s * GB / 8.0;
        let cross_bytes_per_s = cfg.cross_region_gbit_per_s.min(d.network_gbit_per_s) * GB / 8.0;
        let shuffle_s = (shuffle_bytes - cross_bytes) / (nodes * network_bytes_per_s);
        let cross_region_s = cross_bytes / (nodes * cross_bytes_per_s);
        let imbalance = self.partitions.node_imbalance;
        let straggler_s = (imbalance - 1.0) * (compute_s + shuffle_s + cross_region_s);
        let working_set =
            payload_bytes * cfg.working_set_factor * self.partitions.busiest_node_share;
        let capacity = d.memory_per_node_gib * GIB * cfg.usable_memory_fraction;
        let spill_bytes = (working_set - capacity).max(0.0);
        let spill_s = 2.0 * spill_bytes / cfg.spill_disk_bytes_per_s;
        let failure_free_s = compute_s + shuffle_s + cross_region_s + straggler_s + spill_s;

        let node_mtbf_s = d.node_mtbf_h * 3_600.0;
        let system_mtbf_s = node_mtbf_s / nodes;
        let interval_s = self
            .interval_s(system_mtbf_s)
            .filter(|&tau| tau < failure_free_s);
        let failures = self.failures(failure_free_s, interval_s, system_mtbf_s, runs);

        let p50 = failures.0;
        let p95 = failures.1;
        let mean = failures.2;
        let egress_usd = cross_bytes / GB * d.egress_usd_per_gb;
        let node_hours = p50 * nodes / 3_600.0;
        let cost_per_run_usd = node_hours * d.price_per_node_hour_usd + egress_usd;
        let breakdown = [
            ("compute", compute_s),
            ("shuffle", shuffle_s),
            ("cross_region", cross_region_s),
            ("straggler", straggler_s),
            ("spill", spill_s),
            ("failures_and_checkpoints", (p50 - failure_free_s).max(0.0)),
        ]
        .into_iter()
        .map(|(component, seconds)| BreakdownItem {
            component: component.to_string(),
            seconds,
        })
        .collect();
        Projection {
            option: self.option.clone(),
            events,
            makespan_p50_s: p50,
            makespan_p95_s: p95,
            makespan_mean_s: mean,
            failure_free_s,
            compute_s,
            shuffle_s,
            cross_region_s,
            straggler_s,
            spill_s,
            breakdown,
            per_event: self.per_event.clone(),
            parallelism: self.parallelism.clone(),
            partitions: self.partitions.clone(),
            cache: CacheProjection {
                hot_hit_rate: self.cache.hot_hit_rate,
                warm_hit_rate: self.cache.warm_hit_rate,
                overall_hit_rate: self.cache.overall_hit_rate,
                stale_read_rate: self.cache.stale_read_rate,
                requests: events * self.requests_per_event,
            },
            failures: failures.3,
            memory_fit: MemoryFit {
                working_set_bytes: working_set,
                capacity_bytes: capacity,
                fits: spill_bytes <= 0.0,
                spill_bytes,
            },
            network: NetworkProjection {
                shuffle_bytes,
                cross_region_bytes: cross_bytes,
                egress_usd,
            },
            node_hours,
            cost_per_run_usd,
            meets_deadline: p95 <= self.deadline_s,
            within_budget: cost_per_run_usd <= self.budget_usd,
        }
    }

    /// (p50, p95, mean, details) of the makespan under failures.
    fn failures(
        &self,
        work_s: f64,
        interval_s: Option<f64>,
        mtbf_s: f64,
        runs: u32,
    ) -> (f64, f64, f64, FailureProjection) {
        let d = &self.design;
        let checkpoints = interval_s.map_or(0.0, |tau| (libm::ceil(work_s / tau) - 1.0).max(0.0));
        let checkpoint_overhead_s = checkpoints * d.checkpoint_cost_s;
        // Expected work lost per failure in a stretch of L seconds that must
        // run uninterrupted: E[t | t < L] for t ~ Exp(M) = M − L/(e^{L/M} − 1).
        let stretch = interval_s.map_or(work_s, |tau| tau + d.checkpoint_cost_s);
        let lost_per_failure = if stretch <= 0.0 {
            0.0
        } else {
            let x = stretch / mtbf_s;
            if x < 1e-9 {
                stretch / 2.0
            } else {
                mtbf_s - stretch / libm::expm1(x)
            }
        };
        let mttr_s = d.restart_cost_s + lost_per_failure;
        let input = FailureInput {
            work_s,
            interval_s,
            checkpoint_s: d.checkpoint_cost_s,
            restart_s: d.restart_cost_s,
            mtbf_s,
            runs: runs.max(1),
            seed: self.seed,
        };
        let closed = bridge::expected_completion_time(&input);
        let closed_capped = if closed.is_finite() {
            closed.min(MAX_REPORTED_S)
        } else {
            MAX_REPORTED_S
        };
        let expected_failures = closed_capped / mtbf_s;
        let mut details = FailureProjection {
            system_mtbf_s: mtbf_s,
            interval_s,
            checkpoints,
            checkpoint_overhead_s,
            expected_failures,
            expected_rework_s: (closed_capped
                - work_s
                - checkpoint_overhead_s
                - expected_failures * d.restart_cost_s)
                .max(0.0),
            mttr_s,
            closed_form_makespan_s: closed_capped,
            runs: input.runs,
            completes: true,
        };
        if work_s <= 0.0 {
            details.expected_failures = 0.0;
            details.expected_rework_s = 0.0;
            return (0.0, 0.0, 0.0, details);
        }
        match bridge::simulate_failures(&input) {
            Ok(stats) => (stats.p50_s, stats.p95_s, stats.mean_s, details),
            Err(_) => {
                details.completes = false;
                details.expected_rework_s = (closed_capped - work_s).max(0.0);
                (closed_capped, closed_capped, closed_capped, details)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures;
    use crate::review::Partitioning;

    /// Projects alternative `index` of the (mutated) example at `events`.
    fn check(mutate: impl FnOnce(&mut Review), index: usize, events: f64) -> Projection {
        let mut review = Review::example();
        mutate(&mut review);
        let cost = fixtures::cost_model();
        let facts = fixtures::data_facts();
        let context = Context::new(&review, &cost, &facts, fixtures::fast_config()).unwrap();
        Projector::new(&context, index)
            .unwrap()
            .project(events, 200)
    }

    #[test]
    fn makespan_and_cost_grow_with_events() {
        for index in [0, 1] {
            let mut last: Option<Projection> = None;
            for events in [1e4, 1e5, 1e6, 1e7, 1e8, 1e9] {
                let p = check(|_| {}, index, events);
                if let Some(prev) = &last {
                    assert!(p.makespan_p50_s > prev.makespan_p50_s, "{events}");
                    assert!(p.makespan_p95_s >= prev.makespan_p95_s, "{events}");
                    assert!(p.cost_per_run_usd > prev.cost_per_run_usd, "{events}");
                    assert!(p.memory_fit.working_set_bytes > prev.memory_fit.working_set_bytes);
                }
                last = Some(p);
            }
        }
    }

    #[test]
    fn more_nodes_lower_compute_time() {
        let mut last = f64::INFINITY;
        for nodes in [1, 2, 4, 8, 16, 64] {
            let p = check(|r| r.alternatives[1].design.nodes = nodes, 1, 1e8);
            assert!(p.compute_s < last, "{nodes} nodes: {}", p.compute_s);
            last = p.compute_s;
        }
    }

    #[test]
    fn breakdown_sums_to_p50() {
        let p = check(|_| {}, 1, 3e7);
        let sum: f64 = p.breakdown.iter().map(|b| b.seconds).sum();
        assert!((sum - p.makespan_p50_s).abs() <= 1e-9 * p.makespan_p50_s);
    }

    #[test]
    fn never_checkpointing_has_longer_tail_under_frequent_failures() {
        let frequent = |r: &mut Review, checkpoint| {
            let d = &mut r.alternatives[1].design;
            d.node_mtbf_h = 2.0;
            d.checkpoint = checkpoint;
        };
        let never = check(|r| frequent(r, CheckpointInterval::Never), 1, 3e9);
        let auto = check(|r| frequent(r, CheckpointInterval::Auto), 1, 3e9);
        assert!(never.failure_free_s > 1_000.0, "{}", never.failure_free_s);
        assert!(
            never.makespan_p95_s > auto.makespan_p95_s,
            "never {} vs auto {}",
            never.makespan_p95_s,
            auto.makespan_p95_s
        );
        assert!(never.failures.mttr_s > auto.failures.mttr_s);
        assert!(never.failures.expected_rework_s > auto.failures.expected_rework_s);
        assert!(auto.failures.interval_s.is_some());
    }

    #[test]
    fn salting_reduces_the_straggler() {
        let by_domain = check(
            |r| r.alternatives[1].design.partitioning = Partitioning::ByDomain,
            1,
            1e8,
        );
        let salted = check(|_| {}, 1, 1e8);
        assert!(by_domain.partitions.largest_partition_share > 0.2);
        assert!(
            salted.straggler_s < by_domain.straggler_s / 2.0,
            "salted {} vs by domain {}",
            salted.straggler_s,
            by_domain.straggler_s
        );
        assert!(salted.partitions.skew_max_over_median < by_domain.partitions.skew_max_over_median);
    }

    #[test]
    fn example_cache_sizing_straddles_the_hit_rate_kpi() {
        use crate::analysis::failure_modes::CACHE_HIT_RATE_KPI;
        let review = Review::example();
        let facts = fixtures::data_facts();
        let config = ProjectionConfig::default();
        let rates = |i: usize, policy| {
            let design = &review.alternatives[i].design;
            simulate_cache(&review, &facts, design, policy, &config).unwrap()
        };
        // One node's RAM cache vs the cluster's hot + pooled warm tiers.
        let single = rates(0, InvalidationPolicy::Versioned);
        let cluster = rates(1, InvalidationPolicy::Versioned);
        assert!(single.overall_hit_rate < CACHE_HIT_RATE_KPI, "{single:?}");
        assert!(cluster.overall_hit_rate > CACHE_HIT_RATE_KPI, "{cluster:?}");
        // Per-dataset versioning costs little hit rate and reads nothing
        // stale; without it a measurable share of reads is stale.
        let unversioned = rates(1, InvalidationPolicy::None);
        assert_eq!(cluster.stale_read_rate, 0.0);
        assert!(unversioned.overall_hit_rate - cluster.overall_hit_rate < 0.02);
        assert!(unversioned.stale_read_rate > 0.01, "{unversioned:?}");
    }

    #[test]
    fn lpt_assignment() {
        assert_eq!(busiest_node_share(&[0.5, 0.3, 0.2], 1), 1.0);
        assert_eq!(busiest_node_share(&[0.5, 0.3, 0.2], 2), 0.5);
        assert_eq!(busiest_node_share(&[0.25; 4], 4), 0.25);
        assert_eq!(busiest_node_share(&[0.7, 0.1, 0.1, 0.1], 8), 0.7);
    }

    #[test]
    fn single_node_has_no_shuffle_and_spills_beyond_memory() {
        // 4 KiB events: the working set reaches 38 GiB usable at ~2 × 10⁷.
        let p = check(|_| {}, 0, 1e8);
        assert_eq!(p.shuffle_s, 0.0);
        assert_eq!(p.straggler_s, 0.0);
        assert!(!p.memory_fit.fits);
        assert!(p.spill_s > 0.0);
        let small = check(|_| {}, 0, 2e6);
        assert!(small.memory_fit.fits);
        assert_eq!(small.spill_s, 0.0);
    }

    #[test]
    fn regions_add_cross_region_time_and_egress() {
        let one = check(|_| {}, 1, 1e7);
        let two = check(|r| r.alternatives[1].design.regions = 2, 1, 1e7);
        assert_eq!(one.network.egress_usd, 0.0);
        assert!(two.network.egress_usd > 0.0);
        assert!(two.cross_region_s > 0.0);
        assert!(two.cost_per_run_usd > one.cost_per_run_usd);
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
                    let review = Review::example();
                    let cost = fixtures::cost_model();
                    let facts = fixtures::data_facts();
                    let context =
                        Context::new(&review, &cost, &facts, fixtures::fast_config()).unwrap();
                    context
                        .projectors()
                        .unwrap()
                        .iter()
                        .map(|p| p.project(5e7, 500))
                        .collect::<Vec<_>>()
                })
        };
        assert_eq!(run(1), run(4));
    }
}
