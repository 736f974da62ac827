//! The catalogue of assumptions: every review field that sets a projected
//! number without being measured, with its unit, a one-line justification
//! and the range a skeptical reader would still call plausible.
//!
//! The projection reads these fields and nothing else that is not measured
//! or fitted; the workbench shows each with its unit and justification next
//! to its control; the result lists them with their values; the sensitivity
//! analysis moves each over its plausible range. Design *choices* (node
//! count, cores, memory, caches, partitioning, checkpoint policy) are not
//! here: they are what the alternatives compare.

use crate::review::{Design, Review, StateCost, Workload};

/// Where an assumption lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A field of `workload` (or `sla`), shared by all alternatives.
    Review,
    /// A field of each alternative's `design`.
    Design,
}

/// The plausible range of an assumption around its current value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Range {
    /// `value × low … value × high`.
    Relative { low: f64, high: f64 },
    /// Fixed bounds, whatever the value.
    Absolute { low: f64, high: f64 },
}

impl Range {
    /// The default when nothing better is known: ±50 %.
    pub const HALF: Range = Range::Relative {
        low: 0.5,
        high: 1.5,
    };

    /// Low and high values around `value`.
    pub fn around(self, value: f64) -> (f64, f64) {
        match self {
            Range::Relative { low, high } => (value * low, value * high),
            Range::Absolute { low, high } => (low, high),
        }
    }
}

/// Reads or writes one assumption of a review (`Review` scope) or a design.
#[derive(Clone, Copy)]
pub enum Access {
    Review {
        get: fn(&Review) -> Option<f64>,
        set: fn(&mut Review, f64),
    },
    Design {
        get: fn(&Design) -> Option<f64>,
        set: fn(&mut Design, f64),
    },
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Access::Review { .. } => "Access::Review",
            Access::Design { .. } => "Access::Design",
        })
    }
}

/// One assumed field.
#[derive(Clone, Copy, Debug)]
pub struct Assumption {
    /// Field path: `workload.…`/`sla.…`, or relative to a design
    /// (`design.store.lookup_latency_ms` stands for
    /// `alternatives[i].design.store.lookup_latency_ms`).
    pub path: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub justification: &'static str,
    pub range: Range,
    pub access: Access,
}

impl Assumption {
    pub fn scope(&self) -> Scope {
        match self.access {
            Access::Review { .. } => Scope::Review,
            Access::Design { .. } => Scope::Design,
        }
    }

    /// The field path in a review: design assumptions are prefixed with
    /// their alternative.
    pub fn path_in(&self, alternative: Option<usize>) -> String {
        match (self.scope(), alternative) {
            (Scope::Design, Some(i)) => format!("alternatives[{i}].{}", self.path),
            _ => self.path.to_string(),
        }
    }

    /// The value in `review` (for design assumptions, of alternative `i`);
    /// `None` when the field does not apply (a cost derived from state).
    pub fn value(&self, review: &Review, alternative: Option<usize>) -> Option<f64> {
        match self.access {
            Access::Review { get, .. } => get(review),
            Access::Design { get, .. } => alternative
                .and_then(|i| review.alternatives.get(i))
                .and_then(|a| get(&a.design)),
        }
    }

    /// A copy of `review` with this assumption set to `value`.
    pub fn with_value(&self, review: &Review, alternative: Option<usize>, value: f64) -> Review {
        let mut changed = review.clone();
        match self.access {
            Access::Review { set, .. } => set(&mut changed, value),
            Access::Design { set, .. } => {
                if let Some(a) = alternative.and_then(|i| changed.alternatives.get_mut(i)) {
                    set(&mut a.design, value);
                }
            }
        }
        changed
    }
}

fn workload(review: &Review) -> &Workload {
    &review.workload
}

macro_rules! review_field {
    ($($field:tt)+) => {
        Access::Review {
            get: |r| Some(f64::from(workload(r).$($field)+)),
            set: |r, v| r.workload.$($field)+ = v,
        }
    };
}

macro_rules! design_field {
    ($($field:tt)+) => {
        Access::Design {
            get: |d| Some(f64::from(d.$($field)+)),
            set: |d, v| d.$($field)+ = v,
        }
    };
}

macro_rules! design_count {
    ($($field:tt)+) => {
        Access::Design {
            get: |d| Some(f64::from(d.$($field)+)),
            set: |d, v| d.$($field)+ = libm::round(v).clamp(1.0, f64::from(u32::MAX)) as u32,
        }
    };
}

/// Every assumption, in the order the workbench lists them.
pub const CATALOGUE: &[Assumption] = &[
    Assumption {
        path: "workload.requests_per_event",
        label: "look-ups per event",
        unit: "keys",
        justification: "dimension and feature joins per event: count them in the pipeline's code",
        range: Range::HALF,
        access: review_field!(requests_per_event),
    },
    Assumption {
        path: "workload.hot_keys",
        label: "look-up catalogue",
        unit: "keys",
        justification: "distinct feature and dimension keys the batch reads; from the feature store's catalogue",
        range: Range::Relative {
            low: 0.25,
            high: 4.0,
        },
        access: Access::Review {
            get: |r| Some(r.workload.hot_keys as f64),
            set: |r, v| r.workload.hot_keys = libm::round(v).max(1.0) as u64,
        },
    },
    Assumption {
        path: "workload.hot_key_zipf_alpha",
        label: "look-up skew (Zipf α)",
        unit: "",
        justification: "YCSB's default skew for key-value workloads is 0.99; measured key logs usually lie in 0.6–1.2",
        range: Range::Absolute {
            low: 0.6,
            high: 1.2,
        },
        access: review_field!(hot_key_zipf_alpha),
    },
    Assumption {
        path: "workload.cache_entry_bytes",
        label: "bytes per cached key",
        unit: "B",
        justification: "a feature row: about 200 float32 features, the key and a version stamp",
        range: Range::Relative {
            low: 0.25,
            high: 4.0,
        },
        access: Access::Review {
            get: |r| Some(r.workload.cache_entry_bytes as f64),
            set: |r, v| r.workload.cache_entry_bytes = libm::round(v).max(1.0) as u64,
        },
    },
    Assumption {
        path: "design.hardware.core_speed_factor",
        label: "core speed vs the calibration machine",
        unit: "×",
        justification: "server cores differ from a laptop's or a browser's by up to 2–3× either way; measure the target node type",
        range: Range::Relative {
            low: 0.5,
            high: 2.0,
        },
        access: design_field!(hardware.core_speed_factor),
    },
    Assumption {
        path: "design.hardware.usable_memory_fraction",
        label: "usable memory",
        unit: "share",
        justification: "Spark's default spark.memory.fraction is 0.6; the rest is the OS, the runtime and buffers",
        range: Range::Absolute {
            low: 0.4,
            high: 0.8,
        },
        access: design_field!(hardware.usable_memory_fraction),
    },
    Assumption {
        path: "design.hardware.disk_mb_per_s",
        label: "local disk",
        unit: "MB/s",
        justification: "a cloud local NVMe or a provisioned SSD volume sustains about 500 MB/s",
        range: Range::HALF,
        access: design_field!(hardware.disk_mb_per_s),
    },
    Assumption {
        path: "design.hardware.cross_region_gbit_per_s",
        label: "cross-region bandwidth per node",
        unit: "Gbit/s",
        justification: "TCP over 50–100 ms round trips sustains a few Gbit/s per node at best",
        range: Range::HALF,
        access: design_field!(hardware.cross_region_gbit_per_s),
    },
    Assumption {
        path: "design.network_gbit_per_s",
        label: "NIC bandwidth per node",
        unit: "Gbit/s",
        justification: "the instance type's published network bandwidth, each direction",
        range: Range::HALF,
        access: design_field!(network_gbit_per_s),
    },
    Assumption {
        path: "design.store.input_mb_per_s",
        label: "input store throughput (all nodes)",
        unit: "MB/s",
        justification: "an object store serves tens of GB/s to many parallel readers; a single prefix or a small bucket much less",
        range: Range::Relative {
            low: 0.25,
            high: 2.0,
        },
        access: design_field!(store.input_mb_per_s),
    },
    Assumption {
        path: "design.store.lookup_latency_ms",
        label: "look-up round trip",
        unit: "ms",
        justification: "a batched point read from a key-value store in the same zone takes about 1 ms",
        range: Range::Relative {
            low: 0.5,
            high: 3.0,
        },
        access: design_field!(store.lookup_latency_ms),
    },
    Assumption {
        path: "design.store.lookup_batch_keys",
        label: "keys per look-up round trip",
        unit: "keys",
        justification: "multi-get batches of 50 keys keep latency flat on common key-value stores",
        range: Range::HALF,
        access: design_count!(store.lookup_batch_keys),
    },
    Assumption {
        path: "design.store.lookup_concurrency",
        label: "look-ups in flight per node",
        unit: "requests",
        justification: "an async client keeps a few dozen requests in flight per node",
        range: Range::HALF,
        access: design_count!(store.lookup_concurrency),
    },
    Assumption {
        path: "design.store.lookup_mb_per_s",
        label: "key-value store throughput (all nodes)",
        unit: "MB/s",
        justification: "a small key-value cluster serves a few GB/s; it is shared by every node",
        range: Range::HALF,
        access: design_field!(store.lookup_mb_per_s),
    },
    Assumption {
        path: "design.store.warm_latency_ms",
        label: "warm-tier round trip",
        unit: "ms",
        justification: "an in-memory cache one network hop away answers in about 0.2 ms",
        range: Range::HALF,
        access: design_field!(store.warm_latency_ms),
    },
    Assumption {
        path: "design.exchange.cost_ns_per_byte",
        label: "shuffle CPU per byte",
        unit: "ns/B",
        justification: "serialising, copying and deserialising a record costs about 1 ns per byte per core; measure it with `scalewise cluster`",
        range: Range::Relative {
            low: 0.25,
            high: 4.0,
        },
        access: design_field!(exchange.cost_ns_per_byte),
    },
    Assumption {
        path: "design.exchange.coordination_s",
        label: "coordination per distributed run",
        unit: "s",
        justification: "starting workers and their barriers take about a second on a warm cluster; measure it with `scalewise cluster`",
        range: Range::Relative {
            low: 0.25,
            high: 10.0,
        },
        access: design_field!(exchange.coordination_s),
    },
    Assumption {
        path: "design.node_mtbf_h",
        label: "node MTBF",
        unit: "h",
        justification: "hardware faults, host maintenance, crashes and out-of-memory kills lose a worker about once a month",
        range: Range::Relative {
            low: 0.1,
            high: 2.0,
        },
        access: design_field!(node_mtbf_h),
    },
    Assumption {
        path: "design.failure_detection_s",
        label: "failure detection",
        unit: "s",
        justification: "a heartbeat timeout of about 30 s",
        range: Range::HALF,
        access: design_field!(failure_detection_s),
    },
    Assumption {
        path: "design.checkpoint_cost_s",
        label: "checkpoint time",
        unit: "s",
        justification: "stated by the design (otherwise derived from the state the pipeline holds)",
        range: Range::HALF,
        access: Access::Design {
            get: |d| d.checkpoint_cost_s.fixed(),
            set: |d, v| d.checkpoint_cost_s = StateCost::Fixed { seconds: v },
        },
    },
    Assumption {
        path: "design.restart_cost_s",
        label: "restart time",
        unit: "s",
        justification: "stated by the design (otherwise detection + provisioning + reloading the state)",
        range: Range::HALF,
        access: Access::Design {
            get: |d| d.restart_cost_s.fixed(),
            set: |d, v| d.restart_cost_s = StateCost::Fixed { seconds: v },
        },
    },
    Assumption {
        path: "design.billing.provisioning_s",
        label: "provisioning",
        unit: "s",
        justification: "starting on-demand VMs and joining them to the cluster takes about two minutes",
        range: Range::Relative {
            low: 0.25,
            high: 3.0,
        },
        access: design_field!(billing.provisioning_s),
    },
    Assumption {
        path: "design.price_per_node_hour_usd",
        label: "price per node-hour",
        unit: "$",
        justification: "the on-demand list price of the node type; reserved or spot capacity costs 30–70 % less",
        range: Range::Relative {
            low: 0.3,
            high: 1.2,
        },
        access: design_field!(price_per_node_hour_usd),
    },
    Assumption {
        path: "design.egress_usd_per_gb",
        label: "egress price",
        unit: "$/GB",
        justification: "typical internet egress list price",
        range: Range::HALF,
        access: design_field!(egress_usd_per_gb),
    },
];

/// The catalogue entry for a path (`workload.…` or `design.…`).
pub fn find(path: &str) -> Option<&'static Assumption> {
    CATALOGUE.iter().find(|a| a.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_assumption_reads_and_writes_its_own_field() {
        let review = Review::example();
        for a in CATALOGUE {
            let alternative = (a.scope() == Scope::Design).then_some(1);
            let Some(value) = a.value(&review, alternative) else {
                // A cost derived from state has no stated value.
                assert!(a.path.ends_with("cost_s"), "{}", a.path);
                continue;
            };
            let changed = a.with_value(&review, alternative, value * 2.0 + 1.0);
            assert_ne!(changed, review, "{} did not change the review", a.path);
            let back = a.value(&changed, alternative).unwrap();
            assert!(
                (back - (value * 2.0 + 1.0)).abs() <= 0.5 + 1e-9 * back.abs(),
                "{}: wrote {}, read {back}",
                a.path,
                value * 2.0 + 1.0
            );
            // Only the named field changed: the validator names it if the
            // write made the review invalid, nothing else.
            if let Err(errors) = changed.validate() {
                for e in errors.0 {
                    assert_eq!(e.path, a.path_in(alternative), "{}", a.path);
                }
            }
        }
    }

    #[test]
    fn paths_are_unique_and_ranges_ordered() {
        let review = Review::example();
        for (i, a) in CATALOGUE.iter().enumerate() {
            assert!(
                CATALOGUE[i + 1..].iter().all(|b| b.path != a.path),
                "{} twice",
                a.path
            );
            assert!(!a.justification.is_empty() && !a.label.is_empty());
            let alternative = (a.scope() == Scope::Design).then_some(0);
            if let Some(value) = a.value(&review, alternative) {
                let (low, high) = a.range.around(value);
                assert!(low < high, "{}: {low} ≥ {high}", a.path);
            }
        }
    }
}
