//! The target a design runs on: the hardware of its nodes, the stores it
//! reads from, the engine's exchange, and how it is billed.
//!
//! These are the *assumptions* that carry the measured pipeline to a cluster:
//! each field is part of a [`crate::review::Design`], has units in its name,
//! an editable control in the workbench, a one-line justification and a
//! plausible range (both in [`crate::assumptions`]). The projection reads
//! them and nothing else (no constant in the code sets a projected number;
//! see `docs/MODEL.md`).
//!
//! Defaults are the example's values, so a review written before these
//! fields existed (schema version 1) reads as if they had been given.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The nodes' hardware, relative to the machine the pipeline was measured on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Hardware {
    /// Per-core speed relative to the calibration machine (1 = the same
    /// core): measured stage costs are divided by it.
    pub core_speed_factor: f64,
    /// Share of a node's memory available to the pipeline's state and its
    /// caches (the rest is the OS, runtime and buffers).
    pub usable_memory_fraction: f64,
    /// Local-disk throughput for spills and checkpoints; a spilled byte is
    /// written once and read once.
    pub disk_mb_per_s: f64,
    /// Per-node throughput between regions.
    pub cross_region_gbit_per_s: f64,
    /// How a node's cores scale: the profiler's fit, or a stated law.
    pub scaling: ScalingChoice,
}

impl Default for Hardware {
    fn default() -> Self {
        Self {
            core_speed_factor: 1.0,
            usable_memory_fraction: 0.6,
            disk_mb_per_s: 500.0,
            cross_region_gbit_per_s: 2.0,
            scaling: ScalingChoice::Measured,
        }
    }
}

/// Where a node's speed-up over its cores comes from.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ScalingChoice {
    /// The scalability law fitted to the profiler's lane scaling (extrapolated
    /// to the node's cores when it has more than were measured).
    Measured,
    /// A stated Universal Scalability Law, e.g. from a measurement of the
    /// target node type: contention `sigma`, coherency `kappa`.
    Assumed { sigma: f64, kappa: f64 },
}

/// The stores a run reads: the object store holding the input, and the
/// key-value store behind the caches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Store {
    /// Aggregate read throughput of the object store holding the batch's
    /// input, shared by all nodes (each node also reads at most at its NIC's
    /// rate).
    pub input_mb_per_s: f64,
    /// Round trip of one batched point read from the key-value store (a
    /// cache miss).
    pub lookup_latency_ms: f64,
    /// Keys fetched per round trip.
    pub lookup_batch_keys: u32,
    /// Round trips a node keeps in flight.
    pub lookup_concurrency: u32,
    /// Aggregate throughput of the key-value store, shared by all nodes.
    pub lookup_mb_per_s: f64,
    /// Round trip of one batched read from the warm cache tier.
    pub warm_latency_ms: f64,
    /// Whether input reads and look-ups overlap the computation.
    pub io: IoOverlap,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            input_mb_per_s: 20_000.0,
            lookup_latency_ms: 1.0,
            lookup_batch_keys: 50,
            lookup_concurrency: 32,
            lookup_mb_per_s: 2_000.0,
            warm_latency_ms: 0.2,
            io: IoOverlap::Overlapped,
        }
    }
}

/// How the pipeline's I/O relates to its computation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IoOverlap {
    /// Reads are prefetched while earlier data is computed on: the run takes
    /// the longer of the two.
    Overlapped,
    /// Every read waits: I/O and computation add up.
    Serial,
}

/// The distributed engine's own costs (replaced by measurements when a
/// timely calibration is present).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    /// CPU cost of moving one byte through the shuffle (serialise, copy,
    /// deserialise), on one calibration-machine core.
    pub cost_ns_per_byte: f64,
    /// Fixed overhead of one distributed run: starting workers, barriers,
    /// progress tracking.
    pub coordination_s: f64,
}

impl Default for Exchange {
    fn default() -> Self {
        Self {
            cost_ns_per_byte: 1.0,
            coordination_s: 1.0,
        }
    }
}

/// How nodes are paid for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Billing {
    pub mode: BillingMode,
    /// Billing step: a run's node time is rounded up to a multiple of it.
    pub granularity_s: f64,
    /// Shortest billed time per node and run.
    pub minimum_s: f64,
    /// Time to start the nodes before the batch (on demand); it counts
    /// against the deadline and is billed.
    pub provisioning_s: f64,
}

impl Default for Billing {
    fn default() -> Self {
        Self {
            mode: BillingMode::OnDemand,
            granularity_s: 60.0,
            minimum_s: 60.0,
            provisioning_s: 120.0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BillingMode {
    /// Nodes are started for each run and billed for it (provisioning
    /// included, per the granularity and minimum).
    OnDemand,
    /// Nodes run all the time: each run pays for one batch window of every
    /// node, however short the run; nothing is provisioned.
    AlwaysOn,
}

/// The time to write a checkpoint or to restart: a stated number of seconds,
/// or derived from the state the pipeline holds (see `docs/MODEL.md`).
/// JSON: a number, or `"from_state"`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StateCost {
    FromState,
    Fixed { seconds: f64 },
}

impl StateCost {
    /// The stated seconds, if any.
    pub fn fixed(self) -> Option<f64> {
        match self {
            StateCost::FromState => None,
            StateCost::Fixed { seconds } => Some(seconds),
        }
    }
}

impl Serialize for StateCost {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            StateCost::FromState => serializer.serialize_str("from_state"),
            StateCost::Fixed { seconds } => serializer.serialize_f64(*seconds),
        }
    }
}

impl<'de> Deserialize<'de> for StateCost {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CostVisitor;

        impl Visitor<'_> for CostVisitor {
            type Value = StateCost;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a number of seconds or "from_state""#)
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                match value {
                    "from_state" => Ok(StateCost::FromState),
                    other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
                }
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
                Ok(StateCost::Fixed { seconds: value })
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
                Ok(StateCost::Fixed {
                    seconds: value as f64,
                })
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
                Ok(StateCost::Fixed {
                    seconds: value as f64,
                })
            }
        }

        deserializer.deserialize_any(CostVisitor)
    }
}

// Hand-written: a string or a number, which no derive can express.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for StateCost {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "StateCost".into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        concat!(module_path!(), "::StateCost").into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Seconds, or \"from_state\": derived from the state the pipeline holds.",
            "anyOf": [
                { "type": "string", "enum": ["from_state"] },
                { "type": "number" }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_cost_json_forms() {
        let parse = |json: &str| serde_json::from_str::<StateCost>(json);
        assert_eq!(parse("\"from_state\"").unwrap(), StateCost::FromState);
        assert_eq!(parse("20").unwrap(), StateCost::Fixed { seconds: 20.0 });
        assert_eq!(parse("2.5").unwrap(), StateCost::Fixed { seconds: 2.5 });
        assert!(parse("\"soon\"").is_err());
        assert_eq!(
            serde_json::to_string(&StateCost::FromState).unwrap(),
            "\"from_state\""
        );
    }

    #[test]
    fn scaling_choice_json_forms() {
        let measured: ScalingChoice = serde_json::from_str("\"measured\"").unwrap();
        assert_eq!(measured, ScalingChoice::Measured);
        let assumed: ScalingChoice =
            serde_json::from_str(r#"{"assumed":{"sigma":0.05,"kappa":0}}"#).unwrap();
        assert_eq!(
            assumed,
            ScalingChoice::Assumed {
                sigma: 0.05,
                kappa: 0.0
            }
        );
    }
}
