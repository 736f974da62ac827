//! Failure modes, each measured with and without its mitigation, by its end
//! effect on the run.
//!
//! Every mode takes one design, changes exactly one design parameter (the
//! mitigation) and reruns the same models with the same seeds, so the
//! difference is the mitigation's effect and nothing else — its own cost
//! included (checkpoints take time, versioned entries miss more often, more
//! nodes cost more). Each mode reports the end effects a reader decides on —
//! p95 and mean makespan, the probability of missing the deadline, the cost
//! per run — with and without, plus the mechanism's own numbers, and is
//! evaluated where its failure is plausible:
//!
//! | mode | design | volume |
//! |---|---|---|
//! | node failure mid-batch | distributed | where its failure-free run fills the deadline window: the longest run it can do, where a lost node costs the most |
//! | skewed-partition straggler | distributed | the same: the straggler decides whether the run still fits |
//! | stale cache after schema drift | distributed | the review's volume (per-read rates do not depend on it) |
//! | access-policy violation | any | the accesses profiled (rates do not depend on the volume or design) |
//! | working set outgrows one node | single node vs distributed | where the single node starts to spill, or its binding crossing |
//!
//! A volume that cannot be found falls back to the review's own, and the
//! description says so.

use serde::{Deserialize, Serialize};

use super::crossover::{bisect, Criterion, Crossover, MAX_SEARCH_EVENTS};
use super::projection::{simulate_cache, Context, Projection, Projector};
use super::AnalysisError;
use crate::format::{percent, seconds as duration, usd, volume};
use crate::review::{CheckpointInterval, Design, InvalidationPolicy, Partitioning, PolicyMode};

const GIB: f64 = 1_073_741_824.0;

/// A KPI from the platform playbook the metric is judged against.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Kpi {
    /// `"below"` or `"above"`: which side of `value` is healthy.
    pub healthy: String,
    pub value: f64,
    pub label: String,
}

/// A number with and without the mitigation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SideMetric {
    pub metric: String,
    pub unit: String,
    pub without_mitigation: f64,
    pub with_mitigation: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FailureMode {
    pub id: String,
    pub title: String,
    /// What fails, where it was evaluated and why there, and what the
    /// mitigation changes, end effects included.
    pub description: String,
    /// The design the mode was measured on, and at which volume.
    pub option: String,
    pub events: f64,
    /// The headline: the end effect this mode is judged by.
    pub metric: String,
    pub unit: String,
    pub without_mitigation: f64,
    pub with_mitigation: f64,
    pub mitigation: String,
    pub kpi_threshold: Option<Kpi>,
    /// p95 and mean makespan, P(miss), cost per run: with and without.
    pub end_effects: Vec<SideMetric>,
    /// The mechanism's own numbers (rework, imbalance, stale reads, …).
    pub side_metrics: Vec<SideMetric>,
}

/// The platform playbook's cache KPI: hit rate above 85%.
pub const CACHE_HIT_RATE_KPI: f64 = 0.85;
/// The platform playbook's policy KPI: policy check failures below 1%.
pub const POLICY_FAILURE_RATE_KPI: f64 = 0.01;

fn side(metric: &str, unit: &str, without: f64, with: f64) -> SideMetric {
    SideMetric {
        metric: metric.to_string(),
        unit: unit.to_string(),
        without_mitigation: without,
        with_mitigation: with,
    }
}

/// The four end effects of a mitigation.
fn end_effects(without: &Projection, with: &Projection) -> Vec<SideMetric> {
    vec![
        side(
            "makespan_p95",
            "s",
            without.makespan_p95_s,
            with.makespan_p95_s,
        ),
        side(
            "makespan_mean",
            "s",
            without.makespan_mean_s,
            with.makespan_mean_s,
        ),
        side(
            "p_miss_deadline",
            "probability",
            without.p_miss_deadline,
            with.p_miss_deadline,
        ),
        side(
            "cost_per_run",
            "usd",
            without.cost_per_run_usd,
            with.cost_per_run_usd,
        ),
    ]
}

/// How the end effects read, for a description.
fn effects_sentence(without: &Projection, with: &Projection) -> String {
    format!(
        "End effect without → with: p95 makespan {} → {}, mean {} → {}, P(miss the deadline) {} → \
         {}, cost per run {} → {}.",
        duration(without.makespan_p95_s),
        duration(with.makespan_p95_s),
        duration(without.makespan_mean_s),
        duration(with.makespan_mean_s),
        percent(without.p_miss_deadline),
        percent(with.p_miss_deadline),
        usd(without.cost_per_run_usd),
        usd(with.cost_per_run_usd),
    )
}

/// The volumes the failure modes are evaluated at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FailureVolumes {
    /// The review's own volume.
    pub review_events: f64,
    /// Where the distributed design's failure-free run fills the deadline
    /// window; `None` when it does not up to the search limit.
    pub distributed_limit: Option<f64>,
    /// Where the single node starts to spill, else its binding crossing.
    pub single_node_memory: Option<f64>,
}

impl FailureVolumes {
    pub fn new(crossover: &Crossover, distributed: &Projector, review_events: f64) -> Self {
        let window = distributed.deadline_s;
        let fills = |e: f64| distributed.project(e, 1).failure_free_s >= window;
        let distributed_limit = if fills(1.0) {
            Some(1.0)
        } else if !fills(MAX_SEARCH_EVENTS) {
            None
        } else {
            let mut lo = 1.0;
            while !fills(lo * 10.0) {
                lo *= 10.0;
            }
            Some(bisect(lo, lo * 10.0, fills))
        };
        let single_node_memory = crossover
            .single(Criterion::Spill)
            .and_then(|c| c.crossing.at())
            .or_else(|| crossover.binding.as_ref().map(|b| b.events));
        Self {
            review_events,
            distributed_limit,
            single_node_memory,
        }
    }
}

/// The shared inputs of every mode.
struct Modes<'a> {
    context: &'a Context<'a>,
    base: &'a Projector,
    single: &'a Projector,
    volumes: &'a FailureVolumes,
    runs: u32,
}

impl Modes<'_> {
    fn vary(&self, change: &dyn Fn(&mut Design)) -> Projector {
        let mut design = self.base.design.clone();
        change(&mut design);
        Projector::from_parts(
            self.context,
            self.base.index,
            &self.base.option,
            design,
            self.base.cache,
        )
    }

    fn deadline(&self) -> String {
        duration(self.base.deadline_s)
    }

    /// The stress volume and why it was chosen.
    fn stress(&self) -> (f64, String) {
        match self.volumes.distributed_limit {
            Some(e) => (
                e,
                format!(
                    "the volume at which its failure-free run fills the {} window: the longest \
                     run it can do, where a lost node or a straggler costs the most",
                    self.deadline()
                ),
            ),
            None => (
                self.volumes.review_events,
                format!(
                    "the review's volume ({} never fills the {} window up to {} events)",
                    self.base.option,
                    self.deadline(),
                    volume(MAX_SEARCH_EVENTS)
                ),
            ),
        }
    }

    fn node_failure(&self) -> FailureMode {
        let (events, why) = self.stress();
        let option = &self.base.option;
        let never = self
            .vary(&|d| d.checkpoint = CheckpointInterval::Never)
            .project(events, self.runs);
        let interval = match self.base.design.checkpoint {
            CheckpointInterval::Never => CheckpointInterval::Auto,
            other => other,
        };
        let checkpointed = self
            .vary(&|d| d.checkpoint = interval)
            .project(events, self.runs);
        let nf = &never.failures;
        let cf = &checkpointed.failures;
        let failing_runs =
            -libm::expm1(-never.failure_free_s / nf.system_mtbf_s.max(f64::MIN_POSITIVE));
        let plan = match cf.interval_s {
            Some(tau) => format!(
                "Checkpointing every {} ({:.0} checkpoints of {} each, {} in all) bounds the work \
                 a failure loses to one interval",
                duration(tau),
                cf.checkpoints,
                duration(cf.checkpoint_s),
                duration(cf.checkpoint_overhead_s)
            ),
            None => "Checkpointing writes nothing here (the interval exceeds the run)".to_string(),
        };
        let verdict = if checkpointed.makespan_mean_s < never.makespan_mean_s {
            "the checkpoints save more than they cost"
        } else {
            "at this failure rate the checkpoints cost more time than the rework they save"
        };
        FailureMode {
            id: "node_failure_mid_batch".to_string(),
            title: "Node failure mid-batch".to_string(),
            description: format!(
                "Evaluated on {option} at {} events, {why}. Any of its {} nodes fails with a \
                 system MTBF of {} (node MTBF {:.0} h / {} nodes): {} of runs see a failure. \
                 Without checkpoints every node rolls back to the start: expected rework {} per \
                 run, MTTR {}. {plan}, and every node rolls back to the last checkpoint: rework \
                 {}, MTTR {}; {verdict}. {}",
                volume(events),
                self.base.design.nodes,
                duration(nf.system_mtbf_s),
                self.base.design.node_mtbf_h,
                self.base.design.nodes,
                percent(failing_runs),
                duration(nf.expected_rework_s),
                duration(nf.mttr_s),
                duration(cf.expected_rework_s),
                duration(cf.mttr_s),
                effects_sentence(&never, &checkpointed),
            ),
            option: option.clone(),
            events,
            metric: "makespan_mean".to_string(),
            unit: "s".to_string(),
            without_mitigation: never.makespan_mean_s,
            with_mitigation: checkpointed.makespan_mean_s,
            mitigation: "Checkpoint the pipeline's state at the Young/Daly interval; after a \
                         failure, every node rolls back to the last checkpoint instead of the \
                         start of the run."
                .to_string(),
            kpi_threshold: None,
            end_effects: end_effects(&never, &checkpointed),
            side_metrics: vec![
                side(
                    "expected_rework",
                    "s per run",
                    nf.expected_rework_s,
                    cf.expected_rework_s,
                ),
                side("mttr", "s", nf.mttr_s, cf.mttr_s),
                side(
                    "checkpoint_overhead",
                    "s per run",
                    nf.checkpoint_overhead_s,
                    cf.checkpoint_overhead_s,
                ),
                side(
                    "expected_failures",
                    "per run",
                    nf.expected_failures,
                    cf.expected_failures,
                ),
            ],
        }
    }

    fn straggler(&self) -> FailureMode {
        let (events, why) = self.stress();
        let option = &self.base.option;
        let salt_buckets = match self.base.design.partitioning {
            Partitioning::SaltedHotKeys { salt_buckets } => salt_buckets,
            _ => self.base.design.nodes.max(2),
        };
        let by_domain = self
            .vary(&|d| d.partitioning = Partitioning::ByDomain)
            .project(events, self.runs);
        let salted = self
            .vary(&|d| d.partitioning = Partitioning::SaltedHotKeys { salt_buckets })
            .project(events, self.runs);
        FailureMode {
            id: "skewed_partition_straggler".to_string(),
            title: "Skewed-partition straggler".to_string(),
            description: format!(
                "Evaluated on {option} at {} events, {why}. Partitioned by domain, the largest \
                 domain carries {} of events and its node receives {:.2}× the mean share of the \
                 shuffle and of the work after it (spill included): the straggler adds {}. \
                 Salting hot domains into {salt_buckets} buckets brings the busiest node to \
                 {:.2}× and the straggler to {}. {}",
                volume(events),
                percent(by_domain.partitions.largest_partition_share),
                by_domain.partitions.node_imbalance,
                duration(by_domain.term("straggler")),
                salted.partitions.node_imbalance,
                duration(salted.term("straggler")),
                effects_sentence(&by_domain, &salted),
            ),
            option: option.clone(),
            events,
            metric: "makespan_p95".to_string(),
            unit: "s".to_string(),
            without_mitigation: by_domain.makespan_p95_s,
            with_mitigation: salted.makespan_p95_s,
            mitigation: format!(
                "Salt hot keys: split every domain above twice its uniform share into \
                 {salt_buckets} sub-keys and merge the partial aggregates."
            ),
            kpi_threshold: None,
            end_effects: end_effects(&by_domain, &salted),
            side_metrics: vec![
                side(
                    "straggler",
                    "s",
                    by_domain.term("straggler"),
                    salted.term("straggler"),
                ),
                side(
                    "node_imbalance",
                    "busiest/mean",
                    by_domain.partitions.node_imbalance,
                    salted.partitions.node_imbalance,
                ),
                side(
                    "partition_skew",
                    "max/median",
                    by_domain.partitions.skew_max_over_median,
                    salted.partitions.skew_max_over_median,
                ),
            ],
        }
    }

    fn stale_cache(&self) -> Result<FailureMode, AnalysisError> {
        let context = self.context;
        let review = context.review;
        let option = &self.base.option;
        let events = self.volumes.review_events;
        let rates = |policy| simulate_cache(review, context.facts, &self.base.design, policy);
        let none = rates(InvalidationPolicy::None)?;
        let versioned = rates(InvalidationPolicy::Versioned)?;
        let with_policy = |policy, cache| {
            let mut design = self.base.design.clone();
            design.invalidation = policy;
            Projector::from_parts(context, self.base.index, option, design, cache)
                .project(events, self.runs)
        };
        let without = with_policy(InvalidationPolicy::None, none);
        let with = with_policy(InvalidationPolicy::Versioned, versioned);
        let reads = events * self.base.requests_per_event;
        let workload = &review.workload;
        Ok(FailureMode {
            id: "stale_cache_after_schema_drift".to_string(),
            title: "Stale cache after schema drift".to_string(),
            description: format!(
                "Evaluated on {option}'s cache at the review's volume of {} events ({} reads); \
                 the rates per read are steady-state and do not depend on the volume. {} of \
                 events change a dataset's schema; cached keys belong to the {} datasets ({} \
                 domains × {}), and a change affects only its dataset's entries. Without \
                 invalidation those entries are served stale until evicted: {} of reads, {} \
                 stale reads per run. Versioned entries are refetched instead: no stale reads, \
                 at a hit rate of {} against {} without invalidation (KPI > 85%), whose extra \
                 misses the projection charges. {}",
                volume(events),
                volume(reads),
                percent(context.facts.schema_drift_share),
                u64::from(workload.domains) * u64::from(workload.datasets_per_domain),
                workload.domains,
                workload.datasets_per_domain,
                percent(none.stale_read_rate),
                volume(none.stale_read_rate * reads),
                percent(versioned.overall_hit_rate),
                percent(none.overall_hit_rate),
                effects_sentence(&without, &with),
            ),
            option: option.clone(),
            events,
            metric: "stale_read_rate".to_string(),
            unit: "share of reads".to_string(),
            without_mitigation: none.stale_read_rate,
            with_mitigation: versioned.stale_read_rate,
            mitigation: "Stamp cache entries with their dataset's schema version and refetch on \
                         mismatch; alert when the hit rate falls below 85%."
                .to_string(),
            kpi_threshold: None,
            end_effects: end_effects(&without, &with),
            side_metrics: vec![
                side(
                    "cache_hit_rate",
                    "share of reads",
                    none.overall_hit_rate,
                    versioned.overall_hit_rate,
                ),
                side(
                    "stale_reads_per_run",
                    "reads",
                    none.stale_read_rate * reads,
                    versioned.stale_read_rate * reads,
                ),
            ],
        })
    }

    fn access_policy(&self) -> FailureMode {
        let facts = self.context.facts;
        let allow = facts.policy_failure_rate(PolicyMode::AllowOverrides);
        let deny = facts.policy_failure_rate(PolicyMode::DenyOverrides);
        let production = self.volumes.review_events;
        let per_event = if facts.events > 0 {
            facts.accesses as f64 / facts.events as f64
        } else {
            0.0
        };
        FailureMode {
            id: "access_policy_violation".to_string(),
            title: "Access-policy violation".to_string(),
            description: format!(
                "Evaluated on the {} accesses profiled with the sample of {} events (the rate \
                 does not depend on the volume or the design): at the review's volume of {} \
                 events that is {} accesses per run. When rules conflict, allow-overrides lets \
                 any matching allow win: {} of accesses are allowed although a deny rule \
                 matches (KPI: policy check failures < 1%), about {} a run; deny-overrides \
                 gives {}. Neither changes the run's time or cost.",
                facts.accesses,
                volume(facts.events as f64),
                volume(production),
                volume(production * per_event),
                percent(allow),
                volume(production * per_event * allow),
                percent(deny),
            ),
            option: self.base.option.clone(),
            events: facts.events as f64,
            metric: "violations_per_million_accesses".to_string(),
            unit: "per million accesses".to_string(),
            without_mitigation: allow * 1e6,
            with_mitigation: deny * 1e6,
            mitigation: "Combine rules with deny-overrides in policy-as-code, tested in CI \
                         against the access mix."
                .to_string(),
            kpi_threshold: Some(Kpi {
                healthy: "below".to_string(),
                value: POLICY_FAILURE_RATE_KPI * 1e6,
                label: "policy check failures < 1%".to_string(),
            }),
            end_effects: Vec::new(),
            side_metrics: vec![side("policy_check_failure_rate", "share", allow, deny)],
        }
    }

    fn memory(&self) -> FailureMode {
        let single = self.single;
        let (events, why) = match self.volumes.single_node_memory {
            Some(e) => (
                e,
                format!(
                    "where {}'s working set first exceeds its usable memory (or, if it never \
                     does, its binding crossing)",
                    single.option
                ),
            ),
            None => (
                self.volumes.review_events,
                format!(
                    "the review's volume ({} neither spills nor reaches a limit up to {} events)",
                    single.option,
                    volume(MAX_SEARCH_EVENTS)
                ),
            ),
        };
        // Just past the threshold the spill is tiny: show the effect at
        // twice the volume, where it is no longer a rounding error.
        let one = single.project(events * 2.0, self.runs);
        let spread = self.base.project(events * 2.0, self.runs);
        let option = &self.base.option;
        let fit = |p: &Projection| {
            let m = &p.memory_fit;
            if m.fits {
                format!(
                    "{:.1} GiB of state and caches fit in {:.1} GiB usable",
                    m.working_set_bytes / GIB,
                    m.capacity_bytes / GIB
                )
            } else {
                format!(
                    "{:.1} GiB of state and caches against {:.1} GiB usable spills {:.1} GiB, \
                     which adds {}",
                    m.working_set_bytes / GIB,
                    m.capacity_bytes / GIB,
                    m.spill_bytes / GIB,
                    duration(p.term("spill"))
                )
            }
        };
        FailureMode {
            id: "single_node_memory_spill".to_string(),
            title: "Working set outgrows one node".to_string(),
            description: format!(
                "Evaluated at {} events, twice {why} ({} events). On one node {}. Spread over {} \
                 nodes ({option}), the busiest node's {}. {}",
                volume(events * 2.0),
                volume(events),
                fit(&one),
                self.base.design.nodes,
                fit(&spread),
                effects_sentence(&one, &spread),
            ),
            option: single.option.clone(),
            events: events * 2.0,
            metric: "makespan_p95".to_string(),
            unit: "s".to_string(),
            without_mitigation: one.makespan_p95_s,
            with_mitigation: spread.makespan_p95_s,
            mitigation: format!(
                "Partition the run over {} nodes ({option}): the state keyed by event id splits \
                 evenly, so each node holds 1/{} of it.",
                self.base.design.nodes, self.base.design.nodes
            ),
            kpi_threshold: Some(Kpi {
                healthy: "below".to_string(),
                value: self.base.deadline_s,
                label: "run deadline".to_string(),
            }),
            end_effects: end_effects(&one, &spread),
            side_metrics: vec![
                side(
                    "spill",
                    "bytes",
                    one.memory_fit.spill_bytes,
                    spread.memory_fit.spill_bytes,
                ),
                side(
                    "working_set",
                    "bytes",
                    one.memory_fit.working_set_bytes,
                    spread.memory_fit.working_set_bytes,
                ),
            ],
        }
    }
}

/// Measures every failure mode: the distributed design is alternative
/// `option_index`, the single-node one `single_index`.
pub fn failure_modes(
    context: &Context,
    projectors: &[Projector],
    option_index: usize,
    single_index: usize,
    volumes: &FailureVolumes,
    runs: u32,
) -> Result<Vec<FailureMode>, AnalysisError> {
    let missing = || AnalysisError::invalid("alternatives", "missing alternative");
    let modes = Modes {
        context,
        base: projectors.get(option_index).ok_or_else(missing)?,
        single: projectors.get(single_index).ok_or_else(missing)?,
        volumes,
        runs,
    };
    Ok(vec![
        modes.node_failure(),
        modes.straggler(),
        modes.stale_cache()?,
        modes.access_policy(),
        modes.memory(),
    ])
}
