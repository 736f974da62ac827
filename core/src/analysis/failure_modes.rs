//! Failure modes, each measured with and without its mitigation.
//!
//! Every mode takes the distributed design (see [`super::crossover`]) at the
//! evaluation volume, changes exactly one design parameter (the mitigation)
//! and reruns the same models with the same seeds, so the difference is the
//! mitigation's effect and nothing else.

use serde::{Deserialize, Serialize};

use super::projection::{simulate_cache, Context, Projection, Projector};
use super::AnalysisError;
use crate::review::{CheckpointInterval, InvalidationPolicy, Partitioning, PolicyMode};

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

fn side(metric: &str, unit: &str, without: f64, with: f64) -> SideMetric {
    SideMetric {
        metric: metric.to_string(),
        unit: unit.to_string(),
        without_mitigation: without,
        with_mitigation: with,
    }
}

/// Measures every failure mode on alternative `option_index` at `events`.
pub fn failure_modes(
    context: &Context,
    projectors: &[Projector],
    option_index: usize,
    single_index: usize,
    events: f64,
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
    let project = |p: &Projector| -> Projection { p.project(events, runs) };

    // 1. Node failure mid-batch.
    let never = project(&vary(&|d| d.checkpoint = CheckpointInterval::Never));
    let auto_interval = match base.design.checkpoint {
        CheckpointInterval::Never => CheckpointInterval::Auto,
        other => other,
    };
    let checkpointed = project(&vary(&|d| d.checkpoint = auto_interval));
    let node_failure = FailureMode {
        id: "node_failure_mid_batch".to_string(),
        title: "Node failure mid-batch".to_string(),
        description: format!(
            "Any of {} nodes fails (system MTBF {:.0} h); without checkpoints the batch restarts \
             from scratch. Expected failures per run {:.4}; expected rework {:.0} s without \
             checkpoints vs {:.0} s with them; MTTR {:.0} s vs {:.0} s.",
            base.design.nodes,
            never.failures.system_mtbf_s / 3_600.0,
            never.failures.expected_failures,
            never.failures.expected_rework_s,
            checkpointed.failures.expected_rework_s,
            never.failures.mttr_s,
            checkpointed.failures.mttr_s,
        ),
        option: option.clone(),
        events,
        metric: "makespan_p95".to_string(),
        unit: "s".to_string(),
        without_mitigation: never.makespan_p95_s,
        with_mitigation: checkpointed.makespan_p95_s,
        mitigation:
            "Checkpoint at the Young/Daly interval so a failure loses at most one interval \
                     of work; restart only the failed worker."
                .to_string(),
        kpi_threshold: None,
        side_metrics: vec![
            side(
                "expected_rework",
                "s",
                never.failures.expected_rework_s,
                checkpointed.failures.expected_rework_s,
            ),
            side(
                "mttr",
                "s",
                never.failures.mttr_s,
                checkpointed.failures.mttr_s,
            ),
            side(
                "makespan_p50",
                "s",
                never.makespan_p50_s,
                checkpointed.makespan_p50_s,
            ),
        ],
    };

    // 2. Skewed-partition straggler.
    let salt_buckets = match base.design.partitioning {
        Partitioning::SaltedHotKeys { salt_buckets } => salt_buckets,
        _ => base.design.nodes.max(2),
    };
    let by_domain = project(&vary(&|d| d.partitioning = Partitioning::ByDomain));
    let salted = project(&vary(&|d| {
        d.partitioning = Partitioning::SaltedHotKeys { salt_buckets }
    }));
    let straggler = FailureMode {
        id: "skewed_partition_straggler".to_string(),
        title: "Skewed-partition straggler".to_string(),
        description: format!(
            "Partitioned by domain, the largest domain carries {:.1}% of events and its node \
             finishes last (busiest node {:.2}× the mean load); salting hot domains into {} \
             buckets brings it to {:.2}×.",
            by_domain.partitions.largest_partition_share * 100.0,
            by_domain.partitions.node_imbalance,
            salt_buckets,
            salted.partitions.node_imbalance,
        ),
        option: option.clone(),
        events,
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
                "makespan_p50",
                "s",
                by_domain.makespan_p50_s,
                salted.makespan_p50_s,
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
    let stale_cache = FailureMode {
        id: "stale_cache_after_schema_drift".to_string(),
        title: "Stale cache after schema drift".to_string(),
        description: format!(
            "{:.2}% of events change a schema; without invalidation cached entries outlive the \
             change and are served stale. Versioned entries are refetched instead: hit rate \
             {:.1}% with versioning vs {:.1}% without (KPI > 85%).",
            context.facts.schema_drift_share * 100.0,
            versioned.overall_hit_rate * 100.0,
            none.overall_hit_rate * 100.0,
        ),
        option: option.clone(),
        events,
        metric: "stale_read_rate".to_string(),
        unit: "share of reads".to_string(),
        without_mitigation: none.stale_read_rate,
        with_mitigation: versioned.stale_read_rate,
        mitigation: "Stamp cache entries with the schema version and refetch on mismatch; alert \
                     when the hit rate falls below 85%."
            .to_string(),
        kpi_threshold: None,
        side_metrics: vec![side(
            "cache_hit_rate",
            "share of reads",
            none.overall_hit_rate,
            versioned.overall_hit_rate,
        )],
    };

    // 4. Access-policy violation.
    let facts = context.facts;
    let allow = facts.policy_failure_rate(PolicyMode::AllowOverrides);
    let deny = facts.policy_failure_rate(PolicyMode::DenyOverrides);
    let policy = FailureMode {
        id: "access_policy_violation".to_string(),
        title: "Access-policy violation".to_string(),
        description: format!(
            "When rules conflict, allow-overrides lets any matching allow win: {:.2}% of {} \
             profiled accesses are allowed although a deny rule matches (KPI: policy check \
             failures < 1%); deny-overrides gives {:.2}%.",
            allow * 100.0,
            facts.accesses,
            deny * 100.0,
        ),
        option: option.clone(),
        events,
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
    let one = single.project(events, runs);
    let spread = base.project(events, runs);
    let memory = FailureMode {
        id: "single_node_memory_spill".to_string(),
        title: "Working set outgrows one node".to_string(),
        description: format!(
            "At this volume the single node's working set is {:.0} GiB against {:.0} GiB usable: \
             it spills {:.0} GiB to disk. Spread over {} nodes the busiest node holds {:.0} GiB.",
            one.memory_fit.working_set_bytes / 1_073_741_824.0,
            one.memory_fit.capacity_bytes / 1_073_741_824.0,
            one.memory_fit.spill_bytes / 1_073_741_824.0,
            base.design.nodes,
            spread.memory_fit.working_set_bytes / 1_073_741_824.0,
        ),
        option: single.option.clone(),
        events,
        metric: "makespan_p95".to_string(),
        unit: "s".to_string(),
        without_mitigation: one.makespan_p95_s,
        with_mitigation: spread.makespan_p95_s,
        mitigation: format!(
            "Partition the batch over {} nodes ({}) so each node's share fits in memory.",
            base.design.nodes, option
        ),
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
    use crate::analysis::fixtures;
    use crate::analysis::projection::ProjectionConfig;
    use crate::review::Review;

    fn check(mutate: impl FnOnce(&mut Review), events: f64) -> Vec<FailureMode> {
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
        failure_modes(&context, &projectors, 1, 0, events, 500).unwrap()
    }

    fn mode<'a>(modes: &'a [FailureMode], id: &str) -> &'a FailureMode {
        modes.iter().find(|m| m.id == id).unwrap()
    }

    #[test]
    fn every_mitigation_helps() {
        let modes = check(|r| r.alternatives[1].design.node_mtbf_h = 5.0, 3e8);
        assert!(modes.len() >= 4);
        for m in &modes {
            assert!(
                m.with_mitigation <= m.without_mitigation,
                "{}: {} vs {}",
                m.id,
                m.with_mitigation,
                m.without_mitigation
            );
        }
        let node = mode(&modes, "node_failure_mid_batch");
        assert!(node.with_mitigation < node.without_mitigation, "{node:?}");
        let straggler = mode(&modes, "skewed_partition_straggler");
        assert!(straggler.with_mitigation < straggler.without_mitigation / 2.0);
        let policy = mode(&modes, "access_policy_violation");
        assert_eq!(policy.without_mitigation, 30_000.0);
        assert_eq!(policy.with_mitigation, 0.0);
        let stale = mode(&modes, "stale_cache_after_schema_drift");
        assert!(stale.without_mitigation > 0.0);
        assert_eq!(stale.with_mitigation, 0.0);
    }
}
