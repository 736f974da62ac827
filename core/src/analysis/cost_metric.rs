//! COST — the Configuration that Outperforms a Single Thread (McSherry,
//! Isard, Murray, "Scalability! But at what COST?", HotOS 2015): how many
//! cores a distributed design needs before it matches one good thread.
//!
//! On this workload, at the review's volume, on the **same hardware** (as in
//! the paper: the single-node baseline's node type — cores, NIC, stores,
//! memory): `T₁` is the single-node design's failure-free time on one core.
//! The distributed design — its engine (exchange, coordination), its
//! partitioning and caches — runs on `k` cores of that node type: one node
//! of `k` cores while `k ≤ cores_per_node`, then `n` full nodes. COST is the
//! smallest configuration whose failure-free time (provisioning excluded, as
//! for `T₁`) is at most `T₁`, in cores and in nodes.
//!
//! On one node the search is over cores (time falls with cores up to the
//! USL peak); beyond, over node counts, doubling then bisecting. A run that
//! is I/O-bound on one node is not helped by its cores: then only more nodes
//! (more NICs) get there, and COST says so by its node count.

use serde::{Deserialize, Serialize};

use super::projection::Projector;
use super::DataFacts;

/// Nodes the search goes up to.
pub const MAX_COST_NODES: u32 = crate::limits::MAX_NODES;

/// COST of the distributed design against one thread of the single node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CostMetric {
    pub single_node_option: String,
    pub distributed_option: String,
    pub events: f64,
    /// The single-node design on one core, failure-free.
    pub one_thread_s: f64,
    /// Cores of the distributed design (on the baseline's node type)
    /// needed to match it; `None`: not reached up to `searched_up_to_nodes`.
    pub cores: Option<u32>,
    /// Nodes of that configuration (fractional below one node:
    /// `cores / cores_per_node`).
    pub nodes: Option<f64>,
    /// The distributed design's failure-free time at COST.
    pub time_at_cost_s: Option<f64>,
    pub searched_up_to_nodes: u32,
    /// COST measured on a real distributed engine (`scalewise cluster`),
    /// when the calibration carries it: beside the projected figure above,
    /// never mixed with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<MeasuredCost>,
}

/// COST as `scalewise cluster` measured it: the smallest (processes,
/// workers) layout whose median throughput beat the single-threaded native
/// pipeline on the same sample, or the largest layout tried.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MeasuredCost {
    /// The engine and its version.
    pub engine: String,
    pub outcome: crate::profiler::calibration::distributed::Cost,
    /// One sentence for people.
    pub summary: String,
}

impl MeasuredCost {
    pub fn of(engine: &super::MeasuredEngine) -> MeasuredCost {
        MeasuredCost {
            engine: engine.engine.clone(),
            summary: format!("{} (measured on {})", engine.cost.summary(), engine.engine),
            outcome: engine.cost.clone(),
        }
    }
}

/// COST on the projections at `events`.
pub fn cost_metric(
    single: &Projector,
    dist: &Projector,
    facts: &DataFacts,
    events: f64,
) -> CostMetric {
    let one_thread_s = single.resized(1, 1, facts).failure_free(events).total_s;
    let engine = dist.on_hardware_of(single);
    let per_node = single.design.cores_per_node.max(1);
    let time = |nodes: u32, cores: u32| {
        engine
            .resized(nodes, cores, facts)
            .failure_free(events)
            .total_s
    };
    let beats = |nodes: u32, cores: u32| time(nodes, cores) <= one_thread_s;
    // Smallest x in (lo, hi] with ok(x), given ok(hi) and not ok(lo).
    let smallest = |mut lo: u32, mut hi: u32, ok: &dyn Fn(u32) -> bool| {
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if ok(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    };
    let found = if beats(1, per_node) {
        let k = if beats(1, 1) {
            1
        } else {
            smallest(1, per_node, &|k| beats(1, k))
        };
        Some((1, k))
    } else {
        let mut lo = 1;
        let mut n = 2;
        loop {
            if beats(n, per_node) {
                break Some((smallest(lo, n, &|m| beats(m, per_node)), per_node));
            }
            if n >= MAX_COST_NODES {
                break None;
            }
            lo = n;
            n = n.saturating_mul(2).min(MAX_COST_NODES);
        }
    };
    CostMetric {
        single_node_option: single.option.clone(),
        distributed_option: dist.option.clone(),
        events,
        one_thread_s,
        cores: found.map(|(n, k)| n * k),
        nodes: found.map(|(n, k)| f64::from(n) * f64::from(k) / f64::from(per_node)),
        time_at_cost_s: found.map(|(n, k)| time(n, k)),
        searched_up_to_nodes: MAX_COST_NODES,
        measured: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures;
    use crate::analysis::projection::Context;
    use crate::review::{Review, ScalingChoice};

    #[test]
    fn cost_is_the_closed_form_for_a_compute_bound_run() {
        // Both designs compute-bound with perfect scaling and no I/O: one
        // thread takes T₁; the distributed engine on k cores of one node
        // takes T₁/k + coordination, so COST = ⌈T₁ / (T₁ − coordination)⌉.
        let mut review = Review::example();
        for a in &mut review.alternatives {
            let d = &mut a.design;
            d.network_gbit_per_s = crate::limits::MAX_NETWORK_GBIT_PER_S;
            d.store.input_mb_per_s = crate::limits::MAX_STORE_MB_PER_S;
            d.store.lookup_mb_per_s = crate::limits::MAX_STORE_MB_PER_S;
            d.store.lookup_latency_ms = crate::limits::MIN_LATENCY_MS;
            d.store.warm_latency_ms = crate::limits::MIN_LATENCY_MS;
            d.memory_per_node_gib = crate::limits::MAX_MEMORY_PER_NODE_GIB;
            d.hardware.scaling = ScalingChoice::Assumed {
                sigma: 0.0,
                kappa: 0.0,
            };
        }
        let cost = fixtures::cost_model();
        let facts = fixtures::data_facts();
        let context = Context::new(&review, &cost, &facts, fixtures::fast_config()).unwrap();
        let projectors = context.projectors().unwrap();
        let events = 1e8;
        let t1 = projectors[0]
            .resized(1, 1, &facts)
            .failure_free(events)
            .total_s;
        for coordination in [0.0, 0.3 * t1, 0.77 * t1] {
            let mut dist = projectors[1].clone();
            dist.design.exchange.coordination_s = coordination;
            let metric = cost_metric(&projectors[0], &dist, &facts, events);
            let expected = libm::ceil(t1 / (t1 - coordination) - 1e-12) as u32;
            assert_eq!(
                metric.cores,
                Some(expected.max(1)),
                "coordination {coordination}"
            );
            assert!(metric.time_at_cost_s.unwrap() <= t1);
        }
        // An engine that never gets there.
        let mut dist = projectors[1].clone();
        dist.design.exchange.coordination_s = 2.0 * t1;
        let metric = cost_metric(&projectors[0], &dist, &facts, events);
        assert_eq!(metric.cores, None);
        assert_eq!(metric.searched_up_to_nodes, MAX_COST_NODES);
    }
}
