//! Failure modes, each measured with and without its mitigation.
//!
//! Every mode takes one design, changes exactly one design parameter (the
//! mitigation) and reruns the same models with the same seeds, so the
//! difference is the mitigation's effect and nothing else. Each mode is
//! evaluated where its failure is plausible ([`FailureVolumes`]), and its
//! description says at which volume and why:
//!
//! | mode | design | volume |
//! |---|---|---|
//! | node failure mid-batch | distributed | where its failure-free makespan fills the deadline window: the longest batch it can run, where a lost node costs the most |
//! | skewed-partition straggler | distributed | the same: the straggler decides whether the batch still fits |
//! | stale cache after schema drift | distributed | per-read rates do not depend on the volume: the review's batch |
//! | access-policy violation | any | the accesses profiled with the review's batch |
//! | working set outgrows one node | single node vs distributed | where one node misses the deadline (the crossover) |
//!
//! A crossing outside the swept range falls back to the range's end (see
//! [`VolumeChoice`]).

use serde::{Deserialize, Serialize};

use super::crossover::{bisect, Crossing, Crossover};
use super::projection::{cache_sim_scale, simulate_cache, Context, Projector};
use super::AnalysisError;
use crate::format;
use crate::review::{CheckpointInterval, InvalidationPolicy, Partitioning, PolicyMode};

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

/// A further number that explains the main metric.
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
    /// mitigation changes.
    pub description: String,
    /// The design the mode was measured on, and at which volume.
    pub option: String,
    pub events: f64,
    pub metric: String,
    pub unit: String,
    pub without_mitigation: f64,
    pub with_mitigation: f64,
    pub mitigation: String,
    pub kpi_threshold: Option<Kpi>,
    pub side_metrics: Vec<SideMetric>,
}

/// The platform playbook's cache KPI: hit rate above 85%.
pub const CACHE_HIT_RATE_KPI: f64 = 0.85;
/// The platform playbook's policy KPI: policy check failures below 1%.
pub const POLICY_FAILURE_RATE_KPI: f64 = 0.01;

/// The volumes the failure modes are evaluated at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FailureVolumes {
    /// The review's own batch.
    pub review_events: f64,
    /// Where the distributed design's failure-free makespan fills the
    /// deadline: the longest batch it can run within the window.
    pub distributed_limit: VolumeChoice,
    /// Where the single node's p95 makespan misses the deadline (the
    /// crossover's answer).
    pub single_node_limit: VolumeChoice,
}

/// A volume and how it relates to the deadline crossing it stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum VolumeChoice {
    /// The crossing lies inside the sweep, here.
    Crossing(f64),
    /// The design stays within the deadline across the whole sweep: its
    /// largest volume.
    WithinThroughout(f64),
    /// The design is beyond the deadline across the whole sweep: its
    /// smallest volume.
    BeyondThroughout(f64),
}

impl VolumeChoice {
    fn from_crossing(crossing: Crossing) -> Self {
        match crossing {
            Crossing::At { events } => Self::Crossing(events),
            Crossing::NeverInRange { events } => Self::WithinThroughout(events),
            Crossing::BelowRange { events } => Self::BeyondThroughout(events),
        }
    }

    pub fn events(self) -> f64 {
        match self {
            Self::Crossing(e) | Self::WithinThroughout(e) | Self::BeyondThroughout(e) => e,
        }
    }

    /// Why this volume, for a description: `crossing` says what happens at
    /// the crossing ("the volume at which …").
    fn why(self, crossing: &str, option: &str, deadline: &str) -> String {
        match self {
            Self::Crossing(_) => crossing.to_string(),
            Self::WithinThroughout(_) => format!(
                "the largest volume swept ({option} stays within the {deadline} deadline \
                 throughout)"
            ),
            Self::BeyondThroughout(_) => format!(
                "the smallest volume swept ({option} is beyond the {deadline} deadline \
                 throughout)"
            ),
        }
    }
}

impl FailureVolumes {
    /// The volumes for a finished sweep and the distributed design's
    /// projector. The distributed limit is refined by bisection of the
    /// failure-free makespan (deterministic, unlike a Monte Carlo p95) over
    /// the sweep's range.
    pub fn new(crossover: &Crossover, distributed: &Projector, review_events: f64) -> Self {
        let (lo, hi) = (crossover.config.min_events, crossover.config.max_events);
        let beyond = |e: f64| distributed.project(e, 1).failure_free_s >= distributed.deadline_s;
        let distributed_limit = if beyond(lo) {
            VolumeChoice::BeyondThroughout(lo)
        } else if !beyond(hi) {
            VolumeChoice::WithinThroughout(hi)
        } else {
            VolumeChoice::Crossing(bisect(lo, hi, None, beyond))
        };
        Self {
            review_events,
            distributed_limit,
            single_node_limit: VolumeChoice::from_crossing(crossover.single_node_misses_deadline),
        }
    }
}

fn side(metric: &str, unit: &str, without: f64, with: f64) -> SideMetric {
    SideMetric {
        metric: metric.to_string(),
        unit: unit.to_string(),
        without_mitigation: without,
        with_mitigation: with,
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
    let base = projectors
        .get(option_index)
        .ok_or_else(|| AnalysisError::invalid("alternatives", "missing alternative"))?;
    let single = projectors
        .get(single_index)
        .ok_or_else(|| AnalysisError::invalid("alternatives", "missing alternative"))?;
    let option = base.option.clone();
    let rpe = base.requests_per_event;
    let vary = |change: &dyn Fn(&mut crate::review::Design)| -> Projector {
        let mut design = base.design.clone();
        change(&mut design);
        Projector::from_parts(context, &option, design, base.cache, rpe)
    };
    let deadline = format::seconds(base.deadline_s);
    let stress = volumes.distributed_limit;
    let stress_events = stress.events();
    let stress_why = stress.why(
        &format!("the volume at which its failure-free makespan fills the {deadline} window"),
        &option,
        &deadline,
    );

    // 1. Node failure mid-batch.
    let never = vary(&|d| d.checkpoint = CheckpointInterval::Never).project(stress_events, runs);
    let auto_interval = match base.design.checkpoint {
        CheckpointInterval::Never => CheckpointInterval::Auto,
        other => other,
    };
    let checkpointed = vary(&|d| d.checkpoint = auto_interval).project(stress_events, runs);
    let nf = &never.failures;
    let cf = &checkpointed.failures;
    // P(at least one failure) over the failure-free makespan.
    let failing_runs =
        -libm::expm1(-never.failure_free_s / nf.system_mtbf_s.max(f64::MIN_POSITIVE));
    let p95_note = if failing_runs < 0.05 {
        "fewer than 1 run in 20 sees a failure, so the p95 shows the checkpoints' overhead, \
         not the failures"
    } else {
        "more than 1 run in 20 sees a failure, so the p95 includes the rework"
    };
    let checkpoint_plan = match cf.interval_s {
        Some(tau) => format!(
            "checkpointing every {} ({:.0} checkpoints, {:.0} s in all)",
            format::seconds(tau),
            cf.checkpoints,
            cf.checkpoint_overhead_s
        ),
        None => {
            "checkpointing (the interval exceeds the batch: no checkpoint is written)".to_string()
        }
    };
    let node_failure = FailureMode {
        id: "node_failure_mid_batch".to_string(),
        title: "Node failure mid-batch".to_string(),
        description: format!(
            "Evaluated on {option} at {} events, {stress_why}: the longest batch it can run in \
             the window, where a lost node costs the most. Any of its {} nodes fails with system \
             MTBF {:.0} h (node MTBF {:.0} h / {} nodes): {} of runs see a failure, {:.3} \
             failures per run. Without checkpoints a failure restarts the batch: expected rework \
             {:.0} s per run and MTTR {}; {checkpoint_plan} cuts them to {:.0} s and {}. p95 \
             makespan {:.0} s without vs {:.0} s with: {p95_note}.",
            format::volume(stress_events),
            base.design.nodes,
            nf.system_mtbf_s / 3_600.0,
            base.design.node_mtbf_h,
            base.design.nodes,
            format::percent(failing_runs),
            nf.expected_failures,
            nf.expected_rework_s,
            format::seconds(nf.mttr_s),
            cf.expected_rework_s,
            format::seconds(cf.mttr_s),
            never.makespan_p95_s,
            checkpointed.makespan_p95_s,
        ),
        option: option.clone(),
        events: stress_events,
        metric: "expected_rework".to_string(),
        unit: "s per run".to_string(),
        without_mitigation: nf.expected_rework_s,
        with_mitigation: cf.expected_rework_s,
        mitigation: "Checkpoint at the Young/Daly interval so a failure loses at most one \
                     interval of work; restart only the failed worker."
            .to_string(),
        kpi_threshold: None,
        side_metrics: vec![
            side("mttr", "s", nf.mttr_s, cf.mttr_s),
            side(
                "makespan_p95",
                "s",
                never.makespan_p95_s,
                checkpointed.makespan_p95_s,
            ),
            side(
                "makespan_mean",
                "s",
                never.makespan_mean_s,
                checkpointed.makespan_mean_s,
            ),
            side(
                "expected_failures",
                "per run",
                nf.expected_failures,
                cf.expected_failures,
            ),
        ],
    };

    // 2. Skewed-partition straggler.
    let salt_buckets = match base.design.partitioning {
        Partitioning::SaltedHotKeys { salt_buckets } => salt_buckets,
        _ => base.design.nodes.max(2),
    };
    let by_domain = vary(&|d| d.partitioning = Partitioning::ByDomain).project(stress_events, runs);
    let salted = vary(&|d| d.partitioning = Partitioning::SaltedHotKeys { salt_buckets })
        .project(stress_events, runs);
    let straggler = FailureMode {
        id: "skewed_partition_straggler".to_string(),
        title: "Skewed-partition straggler".to_string(),
        description: format!(
            "Evaluated on {option} at {} events, {stress_why}, where a straggler decides \
             whether the batch still fits. Partitioned by domain, the largest domain carries \
             {:.1}% of events and its node finishes last (busiest node {:.2}× the mean load): \
             the straggler adds {} and the p95 makespan is {}. Salting hot domains into {} \
             buckets brings the busiest node to {:.2}× and the p95 to {}.",
            format::volume(stress_events),
            by_domain.partitions.largest_partition_share * 100.0,
            by_domain.partitions.node_imbalance,
            format::seconds(by_domain.straggler_s),
            format::seconds(by_domain.makespan_p95_s),
            salt_buckets,
            salted.partitions.node_imbalance,
            format::seconds(salted.makespan_p95_s),
        ),
        option: option.clone(),
        events: stress_events,
        metric: "straggler_time".to_string(),
        unit: "s".to_string(),
        without_mitigation: by_domain.straggler_s,
        with_mitigation: salted.straggler_s,
        mitigation: format!(
            "Salt hot keys: split every domain above twice its uniform share into {salt_buckets} \
             sub-keys and merge the partial aggregates."
        ),
        kpi_threshold: None,
        side_metrics: vec![
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
            side(
                "makespan_p95",
                "s",
                by_domain.makespan_p95_s,
                salted.makespan_p95_s,
            ),
        ],
    };

    // 3. Stale cache after schema drift.
    let review = context.review;
    let none = simulate_cache(
        review,
        context.facts,
        &base.design,
        InvalidationPolicy::None,
        &context.config,
    )?;
    let versioned = simulate_cache(
        review,
        context.facts,
        &base.design,
        InvalidationPolicy::Versioned,
        &context.config,
    )?;
    let reads = volumes.review_events * rpe;
    // Each simulated read stands for `s` real ones in the cache's turnover.
    let window_reads = none.simulated_requests as f64 * cache_sim_scale(review, &context.config);
    let workload = &review.workload;
    let stale_cache = FailureMode {
        id: "stale_cache_after_schema_drift".to_string(),
        title: "Stale cache after schema drift".to_string(),
        description: format!(
            "Evaluated on {option}'s cache at the review's batch of {} events ({} reads); \
             rates per read do not depend on the batch volume. {} of events change a dataset's \
             schema; cached keys belong to the {} datasets ({} domains × {}), and a change \
             affects only its dataset's entries. Without invalidation those entries are served \
             stale until evicted: {} of reads over a cache lifetime of about {} reads, {} stale \
             reads per batch. Versioned entries are refetched instead: no stale reads, at a hit \
             rate of {} against {} without invalidation (KPI > 85%).",
            format::volume(volumes.review_events),
            format::volume(reads),
            format::percent(context.facts.schema_drift_share),
            u64::from(workload.domains) * u64::from(workload.datasets_per_domain),
            workload.domains,
            workload.datasets_per_domain,
            format::percent(none.stale_read_rate),
            format::volume(window_reads),
            format::volume(none.stale_read_rate * reads),
            format::percent(versioned.overall_hit_rate),
            format::percent(none.overall_hit_rate),
        ),
        option: option.clone(),
        events: volumes.review_events,
        metric: "stale_read_rate".to_string(),
        unit: "share of reads".to_string(),
        without_mitigation: none.stale_read_rate,
        with_mitigation: versioned.stale_read_rate,
        mitigation: "Stamp cache entries with their dataset's schema version and refetch on \
                     mismatch; alert when the hit rate falls below 85%."
            .to_string(),
        kpi_threshold: None,
        side_metrics: vec![
            side(
                "cache_hit_rate",
                "share of reads",
                none.overall_hit_rate,
                versioned.overall_hit_rate,
            ),
            side(
                "stale_reads_per_batch",
                "reads",
                none.stale_read_rate * reads,
                versioned.stale_read_rate * reads,
            ),
        ],
    };

    // 4. Access-policy violation.
    let facts = context.facts;
    let allow = facts.policy_failure_rate(PolicyMode::AllowOverrides);
    let deny = facts.policy_failure_rate(PolicyMode::DenyOverrides);
    let policy = FailureMode {
        id: "access_policy_violation".to_string(),
        title: "Access-policy violation".to_string(),
        description: format!(
            "Evaluated on the {} accesses profiled with the review's batch of {} events (the \
             rate does not depend on the volume or the design). When rules conflict, \
             allow-overrides lets any matching allow win: {} of accesses are allowed although a \
             deny rule matches (KPI: policy check failures < 1%); deny-overrides gives {}.",
            facts.accesses,
            format::volume(facts.events as f64),
            format::percent(allow),
            format::percent(deny),
        ),
        option: option.clone(),
        events: facts.events as f64,
        metric: "violations_per_million_accesses".to_string(),
        unit: "per million accesses".to_string(),
        without_mitigation: allow * 1e6,
        with_mitigation: deny * 1e6,
        mitigation:
            "Combine rules with deny-overrides in policy-as-code, tested in CI against the \
                     access mix."
                .to_string(),
        kpi_threshold: Some(Kpi {
            healthy: "below".to_string(),
            value: POLICY_FAILURE_RATE_KPI * 1e6,
            label: "policy check failures < 1%".to_string(),
        }),
        side_metrics: vec![side("policy_check_failure_rate", "share", allow, deny)],
    };

    // 5. Memory exhaustion on one node.
    let limit = volumes.single_node_limit;
    let limit_events = limit.events();
    let one = single.project(limit_events, runs);
    let spread = base.project(limit_events, runs);
    let spill_note = if one.memory_fit.fits {
        format!(
            "There its working set of {:.1} GiB still fits in {:.1} GiB usable: the deadline, \
             not memory, is its limit.",
            one.memory_fit.working_set_bytes / GIB,
            one.memory_fit.capacity_bytes / GIB,
        )
    } else {
        format!(
            "There its working set is {:.0} GiB against {:.0} GiB usable: it spills {:.0} GiB \
             to disk, which adds {} to its makespan.",
            one.memory_fit.working_set_bytes / GIB,
            one.memory_fit.capacity_bytes / GIB,
            one.memory_fit.spill_bytes / GIB,
            format::seconds(one.spill_s),
        )
    };
    let memory = FailureMode {
        id: "single_node_memory_spill".to_string(),
        title: "Working set outgrows one node".to_string(),
        description: format!(
            "Evaluated at {} events, {}. {spill_note} Spread over {} nodes ({option}) the \
             busiest node holds {:.0} GiB{} and the p95 makespan is {} instead of {}.",
            format::volume(limit_events),
            limit.why(
                &format!(
                    "the volume at which {} misses the {deadline} deadline",
                    single.option
                ),
                &single.option,
                &deadline,
            ),
            base.design.nodes,
            spread.memory_fit.working_set_bytes / GIB,
            if spread.memory_fit.fits {
                String::new()
            } else {
                format!(" (spilling {:.0} GiB)", spread.memory_fit.spill_bytes / GIB)
            },
            format::seconds(spread.makespan_p95_s),
            format::seconds(one.makespan_p95_s),
        ),
        option: single.option.clone(),
        events: limit_events,
        metric: "makespan_p95".to_string(),
        unit: "s".to_string(),
        without_mitigation: one.makespan_p95_s,
        with_mitigation: spread.makespan_p95_s,
        mitigation: if spread.memory_fit.fits {
            format!(
                "Partition the batch over {} nodes ({option}) so each node's share fits in \
                 memory.",
                base.design.nodes
            )
        } else {
            format!(
                "Partition the batch over {} nodes ({option}): each node's share still spills \
                 at this volume, but onto {} disks at once.",
                base.design.nodes, base.design.nodes
            )
        },
        kpi_threshold: Some(Kpi {
            healthy: "below".to_string(),
            value: base.deadline_s,
            label: "batch deadline".to_string(),
        }),
        side_metrics: vec![
            side(
                "spill",
                "bytes",
                one.memory_fit.spill_bytes,
                spread.memory_fit.spill_bytes,
            ),
            side(
                "cost_per_run",
                "usd",
                one.cost_per_run_usd,
                spread.cost_per_run_usd,
            ),
        ],
    };
    Ok(vec![node_failure, straggler, stale_cache, policy, memory])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::crossover::{crossover, SweepConfig};
    use crate::analysis::fixtures;
    use crate::analysis::projection::ProjectionConfig;
    use crate::review::Review;

    fn check(mutate: impl FnOnce(&mut Review)) -> (Vec<FailureMode>, FailureVolumes) {
        let mut review = Review::example();
        mutate(&mut review);
        let cost = fixtures::cost_model();
        let facts = fixtures::data_facts();
        let config = ProjectionConfig {
            cache_sim_max_keys: 20_000,
            cache_sim_requests: 50_000,
            ..ProjectionConfig::default()
        };
        let context = Context::new(&review, &cost, &facts, config).unwrap();
        let projectors = context.projectors().unwrap();
        let sweep = crossover(&projectors, &SweepConfig::default()).unwrap();
        let volumes = FailureVolumes::new(&sweep, &projectors[1], review.workload.events as f64);
        let modes = failure_modes(&context, &projectors, 1, 0, &volumes, 500).unwrap();
        (modes, volumes)
    }

    fn mode<'a>(modes: &'a [FailureMode], id: &str) -> &'a FailureMode {
        modes.iter().find(|m| m.id == id).unwrap()
    }

    #[test]
    fn every_mitigation_strictly_improves_its_metric_on_the_example() {
        let (modes, volumes) = check(|_| {});
        assert_eq!(modes.len(), 5);
        for m in &modes {
            assert!(
                m.with_mitigation < m.without_mitigation,
                "{}: {} with vs {} without",
                m.id,
                m.with_mitigation,
                m.without_mitigation
            );
            // Every description names the volume it was evaluated at.
            assert!(
                m.description.contains(&format::volume(m.events)),
                "{}: {}",
                m.id,
                m.description
            );
        }
        // The stress modes run where the distributed design's failure-free
        // makespan fills the window, inside the sweep: a failure there is
        // plausible and costly.
        let VolumeChoice::Crossing(stress) = volumes.distributed_limit else {
            panic!("{volumes:?}")
        };
        let node = mode(&modes, "node_failure_mid_batch");
        assert_eq!(node.events, stress);
        assert!(node.description.contains("fills the 2 h window"));
        let failures = node
            .side_metrics
            .iter()
            .find(|s| s.metric == "expected_failures")
            .unwrap();
        assert!(failures.without_mitigation > 0.01, "{failures:?}");
        let mttr = node
            .side_metrics
            .iter()
            .find(|s| s.metric == "mttr")
            .unwrap();
        assert!(mttr.with_mitigation < mttr.without_mitigation);
        let straggler = mode(&modes, "skewed_partition_straggler");
        assert_eq!(straggler.events, stress);
        assert!(straggler.with_mitigation < straggler.without_mitigation / 2.0);
        let policy = mode(&modes, "access_policy_violation");
        assert_eq!(policy.without_mitigation, 30_000.0);
        assert_eq!(policy.with_mitigation, 0.0);
        let stale = mode(&modes, "stale_cache_after_schema_drift");
        assert!(stale.without_mitigation > 0.0);
        assert_eq!(stale.with_mitigation, 0.0);
        let memory = mode(&modes, "single_node_memory_spill");
        assert!(matches!(
            volumes.single_node_limit,
            VolumeChoice::Crossing(e) if e == memory.events
        ));
    }

    #[test]
    fn frequent_failures_also_move_the_tail() {
        // A node lost every 10 h: over a third of the runs see a failure,
        // and checkpoints shorten the p95 as well as the rework.
        let (modes, _) = check(|r| r.alternatives[1].design.node_mtbf_h = 10.0);
        let node = mode(&modes, "node_failure_mid_batch");
        let p95 = node
            .side_metrics
            .iter()
            .find(|s| s.metric == "makespan_p95")
            .unwrap();
        assert!(p95.with_mitigation < p95.without_mitigation, "{p95:?}");
        assert!(
            node.description.contains("includes the rework"),
            "{}",
            node.description
        );
    }
}
