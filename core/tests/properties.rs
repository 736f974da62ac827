//! Property tests of validation:
//!
//! * any review drawn from the valid ranges validates and runs to the end
//!   without panicking (a small number of events, so a case takes
//!   milliseconds), and its review and result documents survive a JSON round
//!   trip unchanged;
//! * every numeric field of [`Review`], set below its minimum, above its
//!   maximum or (floats) to NaN or ±∞, is rejected with an error whose path is
//!   exactly that field's path — driven by [`numeric_fields`], a table that
//!   must list every numeric leaf of a review (a new field without a row fails
//!   `the_table_covers_every_numeric_field`).
//!
//! Proptest regression files: on a failure proptest writes the shrunk case to
//! `core/tests/properties.proptest-regressions`; commit that file with the fix
//! so the case is replayed first on every later run (it is not generated
//! otherwise).
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed unwrap, expect or index is a failed test. (The
// workspace denies them in library code: the root Cargo.toml.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use proptest::prelude::*;
use scalewise_core::analysis::result::ResultDocument;
use scalewise_core::analysis::result::{build, AnalysisOptions};
use scalewise_core::clock::{FrozenClock, SteppingClock};
use scalewise_core::limits;
use scalewise_core::review::{
    Action, Alternative, CacheTier, CheckpointInterval, InvalidationPolicy, Partitioning,
    PolicyMode, Review, Role, Sensitivity, StateCost, SCHEMA_VERSION,
};
use scalewise_core::session::{profile_to_end, CalibrateConfig, Plan};
use scalewise_core::units::Seconds;
use serde_json::Value;

/// Events of a generated review: enough for several chunks and every stage,
/// few enough that a case runs in milliseconds.
const MAX_TEST_EVENTS: u64 = 3_000;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    }
}

fn calibrate() -> Plan {
    Plan::Calibrate(CalibrateConfig {
        environment: "proptest".to_string(),
        max_lanes: 2,
    })
}

// ------------------------------------------------------------ the table

/// How a field holds its number.
#[derive(Clone, Copy)]
enum Setter {
    Int(fn(&mut Review, u64)),
    Float(fn(&mut Review, f64)),
}

/// One numeric field of a review, its valid range and how to set it.
#[derive(Clone, Copy)]
struct NumericField {
    path: &'static str,
    min: f64,
    max: f64,
    /// `min` itself is invalid (strictly greater than).
    min_exclusive: bool,
    set: Setter,
}

const fn int(path: &'static str, min: u64, max: u64, set: fn(&mut Review, u64)) -> NumericField {
    NumericField {
        path,
        min: min as f64,
        max: max as f64,
        min_exclusive: false,
        set: Setter::Int(set),
    }
}

const fn float(path: &'static str, min: f64, max: f64, set: fn(&mut Review, f64)) -> NumericField {
    NumericField {
        path,
        min,
        max,
        min_exclusive: false,
        set: Setter::Float(set),
    }
}

const fn positive(path: &'static str, max: f64, set: fn(&mut Review, f64)) -> NumericField {
    NumericField {
        path,
        min: 0.0,
        max,
        min_exclusive: true,
        set: Setter::Float(set),
    }
}

fn u32_of(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Alternative 1 of [`full_review`] carries every optional numeric field
/// (salt buckets, a warm tier, a checkpoint interval in seconds); each
/// design row is tested on both alternatives, see [`design_rows`].
macro_rules! design_rows {
    ($i:literal) => {
        [
            int(
                concat!("alternatives[", $i, "].design.nodes"),
                1,
                limits::MAX_NODES as u64,
                |r, v| r.alternatives[$i].design.nodes = u32_of(v),
            ),
            int(
                concat!("alternatives[", $i, "].design.cores_per_node"),
                1,
                limits::MAX_CORES_PER_NODE as u64,
                |r, v| r.alternatives[$i].design.cores_per_node = u32_of(v),
            ),
            float(
                concat!("alternatives[", $i, "].design.memory_per_node_gib"),
                0.125,
                limits::MAX_MEMORY_PER_NODE_GIB,
                |r, v| r.alternatives[$i].design.memory_per_node_gib = v,
            ),
            int(
                concat!(
                    "alternatives[",
                    $i,
                    "].design.partitioning.salted_hot_keys.salt_buckets"
                ),
                1,
                limits::MAX_SALT_BUCKETS as u64,
                |r, v| {
                    r.alternatives[$i].design.partitioning = Partitioning::SaltedHotKeys {
                        salt_buckets: u32_of(v),
                    }
                },
            ),
            int(
                concat!("alternatives[", $i, "].design.hot_cache.capacity_keys"),
                0,
                limits::MAX_CACHE_KEYS,
                |r, v| r.alternatives[$i].design.hot_cache.capacity_keys = v,
            ),
            int(
                concat!("alternatives[", $i, "].design.warm_cache.capacity_keys"),
                0,
                limits::MAX_CACHE_KEYS,
                |r, v| {
                    let tier = r.alternatives[$i].design.hot_cache;
                    r.alternatives[$i].design.warm_cache = Some(CacheTier {
                        capacity_keys: v,
                        ..tier
                    })
                },
            ),
            float(
                concat!("alternatives[", $i, "].design.checkpoint"),
                limits::MIN_CHECKPOINT_INTERVAL_S,
                limits::MAX_DURATION_S,
                |r, v| {
                    r.alternatives[$i].design.checkpoint =
                        CheckpointInterval::Every { interval_s: v }
                },
            ),
            float(
                concat!("alternatives[", $i, "].design.checkpoint_cost_s"),
                0.0,
                limits::MAX_DURATION_S,
                |r, v| {
                    r.alternatives[$i].design.checkpoint_cost_s = StateCost::Fixed { seconds: v }
                },
            ),
            float(
                concat!("alternatives[", $i, "].design.restart_cost_s"),
                0.0,
                limits::MAX_DURATION_S,
                |r, v| r.alternatives[$i].design.restart_cost_s = StateCost::Fixed { seconds: v },
            ),
            float(
                concat!("alternatives[", $i, "].design.node_mtbf_h"),
                limits::MIN_NODE_MTBF_H,
                limits::MAX_NODE_MTBF_H,
                |r, v| r.alternatives[$i].design.node_mtbf_h = v,
            ),
            float(
                concat!("alternatives[", $i, "].design.network_gbit_per_s"),
                0.001,
                limits::MAX_NETWORK_GBIT_PER_S,
                |r, v| r.alternatives[$i].design.network_gbit_per_s = v,
            ),
            float(
                concat!("alternatives[", $i, "].design.failure_detection_s"),
                0.0,
                limits::MAX_DURATION_S,
                |r, v| r.alternatives[$i].design.failure_detection_s = v,
            ),
            float(
                concat!("alternatives[", $i, "].design.hardware.core_speed_factor"),
                limits::MIN_CORE_SPEED_FACTOR,
                limits::MAX_CORE_SPEED_FACTOR,
                |r, v| r.alternatives[$i].design.hardware.core_speed_factor = v,
            ),
            float(
                concat!(
                    "alternatives[",
                    $i,
                    "].design.hardware.usable_memory_fraction"
                ),
                limits::MIN_USABLE_MEMORY_FRACTION,
                limits::MAX_USABLE_MEMORY_FRACTION,
                |r, v| r.alternatives[$i].design.hardware.usable_memory_fraction = v,
            ),
            float(
                concat!("alternatives[", $i, "].design.hardware.disk_mb_per_s"),
                limits::MIN_BANDWIDTH_MB_PER_S,
                limits::MAX_BANDWIDTH_MB_PER_S,
                |r, v| r.alternatives[$i].design.hardware.disk_mb_per_s = v,
            ),
            float(
                concat!(
                    "alternatives[",
                    $i,
                    "].design.hardware.cross_region_gbit_per_s"
                ),
                0.001,
                limits::MAX_NETWORK_GBIT_PER_S,
                |r, v| r.alternatives[$i].design.hardware.cross_region_gbit_per_s = v,
            ),
            float(
                concat!("alternatives[", $i, "].design.store.input_mb_per_s"),
                limits::MIN_BANDWIDTH_MB_PER_S,
                limits::MAX_STORE_MB_PER_S,
                |r, v| r.alternatives[$i].design.store.input_mb_per_s = v,
            ),
            float(
                concat!("alternatives[", $i, "].design.store.lookup_mb_per_s"),
                limits::MIN_BANDWIDTH_MB_PER_S,
                limits::MAX_STORE_MB_PER_S,
                |r, v| r.alternatives[$i].design.store.lookup_mb_per_s = v,
            ),
            float(
                concat!("alternatives[", $i, "].design.store.lookup_latency_ms"),
                limits::MIN_LATENCY_MS,
                limits::MAX_LATENCY_MS,
                |r, v| r.alternatives[$i].design.store.lookup_latency_ms = v,
            ),
            float(
                concat!("alternatives[", $i, "].design.store.warm_latency_ms"),
                limits::MIN_LATENCY_MS,
                limits::MAX_LATENCY_MS,
                |r, v| r.alternatives[$i].design.store.warm_latency_ms = v,
            ),
            int(
                concat!("alternatives[", $i, "].design.store.lookup_batch_keys"),
                1,
                limits::MAX_LOOKUP_BATCH_KEYS as u64,
                |r, v| r.alternatives[$i].design.store.lookup_batch_keys = u32_of(v),
            ),
            int(
                concat!("alternatives[", $i, "].design.store.lookup_concurrency"),
                1,
                limits::MAX_LOOKUP_CONCURRENCY as u64,
                |r, v| r.alternatives[$i].design.store.lookup_concurrency = u32_of(v),
            ),
            float(
                concat!("alternatives[", $i, "].design.exchange.cost_ns_per_byte"),
                0.0,
                limits::MAX_EXCHANGE_NS_PER_BYTE,
                |r, v| r.alternatives[$i].design.exchange.cost_ns_per_byte = v,
            ),
            float(
                concat!("alternatives[", $i, "].design.exchange.coordination_s"),
                0.0,
                limits::MAX_DURATION_S,
                |r, v| r.alternatives[$i].design.exchange.coordination_s = v,
            ),
            float(
                concat!("alternatives[", $i, "].design.billing.granularity_s"),
                limits::MIN_BILLING_GRANULARITY_S,
                limits::MAX_DURATION_S,
                |r, v| r.alternatives[$i].design.billing.granularity_s = v,
            ),
            float(
                concat!("alternatives[", $i, "].design.billing.minimum_s"),
                0.0,
                limits::MAX_DURATION_S,
                |r, v| r.alternatives[$i].design.billing.minimum_s = v,
            ),
            float(
                concat!("alternatives[", $i, "].design.billing.provisioning_s"),
                0.0,
                limits::MAX_DURATION_S,
                |r, v| r.alternatives[$i].design.billing.provisioning_s = v,
            ),
            // Regions must also be ≤ nodes; the nodes are raised to the
            // maximum first so that only the range is tested here.
            int(
                concat!("alternatives[", $i, "].design.regions"),
                1,
                limits::MAX_REGIONS as u64,
                |r, v| {
                    r.alternatives[$i].design.nodes = limits::MAX_NODES;
                    r.alternatives[$i].design.regions = u32_of(v)
                },
            ),
            float(
                concat!("alternatives[", $i, "].design.price_per_node_hour_usd"),
                0.0,
                limits::MAX_PRICE_PER_NODE_HOUR_USD,
                |r, v| r.alternatives[$i].design.price_per_node_hour_usd = v,
            ),
            float(
                concat!("alternatives[", $i, "].design.egress_usd_per_gb"),
                0.0,
                limits::MAX_EGRESS_USD_PER_GB,
                |r, v| r.alternatives[$i].design.egress_usd_per_gb = v,
            ),
        ]
    };
}

macro_rules! access_rows {
    ($map:ident, $ty:ident, [$($variant:ident => $name:literal),*]) => {
        [$(
            float(
                concat!("workload.access_mix.", stringify!($map), ".", $name),
                0.0,
                limits::MAX_WEIGHT,
                |r, v| {
                    r.workload.access_mix.$map.insert($ty::$variant, v);
                },
            )
        ),*]
    };
}

/// Every numeric field of a review with its valid range, from
/// [`scalewise_core::limits`].
fn numeric_fields() -> Vec<NumericField> {
    let mut rows = vec![
        int(
            "schema_version",
            SCHEMA_VERSION as u64,
            SCHEMA_VERSION as u64,
            |r, v| r.schema_version = u32_of(v),
        ),
        int("seed", 0, limits::MAX_SEED, |r, v| r.seed = v),
        int("scenario.module", 1, 99, |r, v| {
            r.scenario.module = u32_of(v)
        }),
        // The sample is at most the production volume: it follows the
        // volume down, so that only the volume's own range is tested.
        int(
            "workload.events",
            1,
            limits::MAX_PRODUCTION_EVENTS,
            |r, v| {
                r.workload.sample_events = r.workload.sample_events.min(v).max(1);
                r.workload.events = v
            },
        ),
        // The volume at its maximum and the dedup window at its minimum
        // first, so that neither the volume nor the dedup state limits it.
        int(
            "workload.sample_events",
            1,
            limits::MAX_SAMPLE_EVENTS,
            |r, v| {
                r.workload.events = limits::MAX_PRODUCTION_EVENTS;
                r.workload.dedup_window_s = 1.0;
                r.workload.sample_events = v
            },
        ),
        // The dedup window is at most the batch window: it follows a valid
        // batch window down.
        float(
            "workload.batch_window_s",
            1.0,
            limits::MAX_BATCH_WINDOW_S,
            |r, v| {
                if v >= 1.0 {
                    r.workload.dedup_window_s = r.workload.dedup_window_s.min(v);
                }
                r.workload.batch_window_s = v
            },
        ),
        int("workload.domains", 1, limits::MAX_DOMAINS as u64, |r, v| {
            r.workload.domains = u32_of(v)
        }),
        float(
            "workload.domain_zipf_alpha",
            0.0,
            limits::MAX_ZIPF_ALPHA,
            |r, v| r.workload.domain_zipf_alpha = v,
        ),
        int(
            "workload.datasets_per_domain",
            1,
            limits::MAX_DATASETS_PER_DOMAIN as u64,
            |r, v| r.workload.datasets_per_domain = u32_of(v),
        ),
        int(
            "workload.pipelines",
            1,
            limits::MAX_PIPELINES as u64,
            |r, v| r.workload.pipelines = u32_of(v),
        ),
        float("workload.schema_drift_rate", 0.0, 1.0, |r, v| {
            r.workload.schema_drift_rate = v
        }),
        float(
            "workload.freshness_median_s",
            0.001,
            limits::MAX_FRESHNESS_S,
            |r, v| r.workload.freshness_median_s = v,
        ),
        float(
            "workload.freshness_sigma",
            0.0,
            limits::MAX_LOG_SIGMA,
            |r, v| r.workload.freshness_sigma = v,
        ),
        float(
            "workload.freshness_sla_s",
            0.001,
            limits::MAX_FRESHNESS_S,
            |r, v| r.workload.freshness_sla_s = v,
        ),
        int(
            "workload.lineage_expected_upstreams",
            0,
            limits::MAX_LINEAGE_UPSTREAMS as u64,
            |r, v| r.workload.lineage_expected_upstreams = u32_of(v),
        ),
        float("workload.lineage_missing_rate", 0.0, 1.0, |r, v| {
            r.workload.lineage_missing_rate = v
        }),
        // The row width is bounded by the event size; the event size is set
        // to the maximum first so that only the range is tested.
        float(
            "workload.bytes_per_event",
            1.0,
            limits::MAX_BYTES_PER_EVENT,
            |r, v| {
                r.workload.bytes_per_row = 1.0;
                r.workload.bytes_per_event = v
            },
        ),
        float(
            "workload.bytes_sigma",
            0.0,
            limits::MAX_LOG_SIGMA,
            |r, v| r.workload.bytes_sigma = v,
        ),
        float(
            "workload.bytes_per_row",
            1.0,
            limits::MAX_BYTES_PER_EVENT,
            |r, v| {
                r.workload.bytes_per_event = limits::MAX_BYTES_PER_EVENT;
                r.workload.bytes_per_row = v
            },
        ),
        float("workload.null_rate", 0.0, 1.0, |r, v| {
            r.workload.null_rate = v
        }),
        float("workload.out_of_range_rate", 0.0, 1.0, |r, v| {
            r.workload.out_of_range_rate = v
        }),
        float(
            "workload.duplicate_rate",
            0.0,
            limits::MAX_DUPLICATE_RATE,
            |r, v| r.workload.duplicate_rate = v,
        ),
        // At most the example's batch window (a day).
        float("workload.dedup_window_s", 1.0, 86_400.0, |r, v| {
            r.workload.dedup_window_s = v
        }),
        int("workload.hot_keys", 1, limits::MAX_HOT_KEYS, |r, v| {
            r.workload.hot_keys = v
        }),
        float(
            "workload.hot_key_zipf_alpha",
            0.0,
            limits::MAX_ZIPF_ALPHA,
            |r, v| r.workload.hot_key_zipf_alpha = v,
        ),
        float(
            "workload.requests_per_event",
            0.0,
            limits::MAX_REQUESTS_PER_EVENT,
            |r, v| r.workload.requests_per_event = v,
        ),
        int(
            "workload.cache_entry_bytes",
            limits::MIN_CACHE_ENTRY_BYTES,
            limits::MAX_CACHE_ENTRY_BYTES,
            |r, v| r.workload.cache_entry_bytes = v,
        ),
        positive("sla.deadline_s", limits::MAX_DEADLINE_S, |r, v| {
            r.sla.deadline_s = v
        }),
        float(
            "sla.budget_per_run_usd",
            0.0,
            limits::MAX_BUDGET_PER_RUN_USD,
            |r, v| r.sla.budget_per_run_usd = v,
        ),
        float(
            "sla.miss_tolerance",
            limits::MIN_MISS_TOLERANCE,
            limits::MAX_MISS_TOLERANCE,
            |r, v| r.sla.miss_tolerance = v,
        ),
        float("weights.deadline", 0.0, limits::MAX_WEIGHT, |r, v| {
            r.weights.deadline = v
        }),
        float("weights.cost", 0.0, limits::MAX_WEIGHT, |r, v| {
            r.weights.cost = v
        }),
        float("weights.resilience", 0.0, limits::MAX_WEIGHT, |r, v| {
            r.weights.resilience = v
        }),
        float(
            "weights.data_quality_lineage",
            0.0,
            limits::MAX_WEIGHT,
            |r, v| r.weights.data_quality_lineage = v,
        ),
        float("weights.access_risk", 0.0, limits::MAX_WEIGHT, |r, v| {
            r.weights.access_risk = v
        }),
        float(
            "weights.operational_complexity",
            0.0,
            limits::MAX_WEIGHT,
            |r, v| r.weights.operational_complexity = v,
        ),
    ];
    rows.extend(access_rows!(roles, Role, [
        DataEngineer => "data_engineer",
        MlEngineer => "ml_engineer",
        SecurityArchitect => "security_architect",
        DataSteward => "data_steward",
        PlatformOwner => "platform_owner",
        Service => "service",
        External => "external"
    ]));
    rows.extend(access_rows!(sensitivities, Sensitivity, [
        Public => "public",
        Internal => "internal",
        Confidential => "confidential",
        Restricted => "restricted"
    ]));
    rows.extend(access_rows!(actions, Action, [
        Read => "read",
        Write => "write",
        Export => "export",
        Delete => "delete",
        Train => "train"
    ]));
    rows.extend(design_rows!(0));
    rows.extend(design_rows!(1));
    rows
}

/// The example with every optional numeric field present: salt buckets, a
/// warm tier and a checkpoint interval in seconds on both alternatives, and
/// every role, sensitivity and action in the access mix.
fn full_review() -> Review {
    let mut review = Review::example();
    for alternative in &mut review.alternatives {
        let design = &mut alternative.design;
        design.partitioning = Partitioning::SaltedHotKeys { salt_buckets: 8 };
        design.warm_cache = Some(CacheTier {
            capacity_keys: 1_000_000,
            ..design.hot_cache
        });
        design.checkpoint = CheckpointInterval::Every { interval_s: 600.0 };
        design.checkpoint_cost_s = StateCost::Fixed { seconds: 30.0 };
        design.restart_cost_s = StateCost::Fixed { seconds: 120.0 };
    }
    let mix = &mut review.workload.access_mix;
    for role in Role::ALL {
        mix.roles.entry(role).or_insert(1.0);
    }
    for sensitivity in Sensitivity::ALL {
        mix.sensitivities.entry(sensitivity).or_insert(1.0);
    }
    for action in Action::ALL {
        mix.actions.entry(action).or_insert(1.0);
    }
    review
}

/// Paths of every number in a JSON value (`a.b[2].c`).
fn numeric_paths(value: &Value, path: &str, out: &mut BTreeSet<String>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Number(_) => {
            out.insert(path.to_string());
        }
        Value::Object(map) => {
            for (key, child) in map {
                numeric_paths(child, &join(key), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                numeric_paths(child, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Out-of-range values of a field: just below the minimum, just above the
/// maximum, far outside, and (floats) NaN and ±∞.
fn bad_values(field: &NumericField) -> Vec<f64> {
    let mut values = Vec::new();
    match field.set {
        Setter::Int(_) => {
            if field.min >= 1.0 {
                values.push(field.min - 1.0);
            }
            values.push(field.max + 1.0);
            values.push(u64::MAX as f64);
        }
        Setter::Float(_) => {
            values.push(if field.min_exclusive {
                field.min
            } else {
                field.min.next_down()
            });
            values.push(-1e300);
            values.push(field.max.next_up());
            values.push(field.max * 1e6 + 1.0);
            values.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
        }
    }
    values
}

fn set(review: &mut Review, field: &NumericField, value: f64) {
    match field.set {
        // Saturating: u64::MAX as f64 rounds up to 2^64, which saturates back.
        Setter::Int(setter) => setter(review, value as u64),
        Setter::Float(setter) => setter(review, value),
    }
}

/// Every error is on `field.path` (and there is at least one).
fn assert_rejected_at(review: &Review, field: &NumericField, value: f64) {
    let errors = match review.validate() {
        Ok(()) => panic!("{} = {value}: accepted", field.path),
        Err(errors) => errors.0,
    };
    assert!(
        errors.iter().all(|e| e.path == field.path),
        "{} = {value}: errors at other paths: {errors:?}",
        field.path
    );
}

#[test]
fn the_table_covers_every_numeric_field() {
    let review = full_review();
    review.validate().unwrap();
    let mut in_document = BTreeSet::new();
    numeric_paths(
        &serde_json::to_value(&review).unwrap(),
        "",
        &mut in_document,
    );
    let in_table: BTreeSet<String> = numeric_fields()
        .iter()
        .map(|f| f.path.to_string())
        .collect();
    let untested: Vec<_> = in_document.difference(&in_table).collect();
    let unknown: Vec<_> = in_table.difference(&in_document).collect();
    assert!(
        untested.is_empty(),
        "numeric fields without a row in numeric_fields(): {untested:?}"
    );
    assert!(
        unknown.is_empty(),
        "rows for fields the review does not have: {unknown:?}"
    );
}

#[test]
fn every_numeric_field_accepts_its_bounds() {
    for field in numeric_fields() {
        let mut lowest = vec![field.max];
        if !field.min_exclusive {
            lowest.push(field.min);
        }
        for value in lowest {
            let mut review = full_review();
            set(&mut review, &field, value);
            // A weight map or the criteria weights at 0 everywhere would
            // fail the positive-sum rule; one zero among others does not.
            if let Err(errors) = review.validate() {
                panic!("{} = {value} rejected: {errors}", field.path);
            }
        }
    }
}

#[test]
fn every_numeric_field_rejects_out_of_range_values_at_its_path() {
    let mut checked = 0;
    for field in numeric_fields() {
        for value in bad_values(&field) {
            let mut review = full_review();
            set(&mut review, &field, value);
            assert_rejected_at(&review, &field, value);
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} bad values checked");
}

/// A float outside `[min, max]` (or not finite), for random rejections.
fn float_outside(min: f64, max: f64, min_exclusive: bool) -> impl Strategy<Value = f64> {
    let below_limit = if min_exclusive { min } else { min.next_down() };
    prop_oneof![
        (-1e300..=below_limit),
        (max.next_up()..=1e300),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
    ]
}

fn int_outside(min: u64, max: u64) -> BoxedStrategy<u64> {
    if min >= 1 {
        prop_oneof![0..min, (max + 1)..=u64::MAX].boxed()
    } else {
        ((max + 1)..=u64::MAX).boxed()
    }
}

fn any_bad_value() -> impl Strategy<Value = (usize, f64, u64)> {
    let count = numeric_fields().len();
    (0..count).prop_flat_map(|index| {
        let field = numeric_fields()[index];
        let floats = float_outside(field.min, field.max, field.min_exclusive);
        let ints = int_outside(field.min as u64, field.max as u64);
        (Just(index), floats, ints)
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_random_out_of_range_value_is_rejected_at_its_path((index, float_value, int_value) in any_bad_value()) {
        let field = numeric_fields()[index];
        let mut review = full_review();
        let shown = match field.set {
            Setter::Int(setter) => { setter(&mut review, int_value); int_value as f64 }
            Setter::Float(setter) => { setter(&mut review, float_value); float_value }
        };
        // u32 fields saturate at u32::MAX, which is still above their max.
        assert_rejected_at(&review, &field, shown);
    }
}

// ------------------------------------------------------------ valid reviews

fn design_strategy() -> impl Strategy<Value = scalewise_core::review::Design> {
    let sizes = (
        1..=limits::MAX_NODES,
        1..=limits::MAX_CORES_PER_NODE,
        0.125..=limits::MAX_MEMORY_PER_NODE_GIB,
        prop_oneof![
            Just(Partitioning::ByDomain),
            Just(Partitioning::ByHash),
            (1..=limits::MAX_SALT_BUCKETS)
                .prop_map(|salt_buckets| Partitioning::SaltedHotKeys { salt_buckets }),
        ],
        0..=limits::MAX_CACHE_KEYS,
        proptest::option::of(0..=limits::MAX_CACHE_KEYS),
        any::<bool>(),
    );
    let failures = (
        prop_oneof![
            Just(CheckpointInterval::Never),
            Just(CheckpointInterval::Auto),
            (limits::MIN_CHECKPOINT_INTERVAL_S..=limits::MAX_DURATION_S)
                .prop_map(|interval_s| CheckpointInterval::Every { interval_s }),
        ],
        0.0..=limits::MAX_DURATION_S,
        0.0..=limits::MAX_DURATION_S,
        limits::MIN_NODE_MTBF_H..=limits::MAX_NODE_MTBF_H,
        0.001..=limits::MAX_NETWORK_GBIT_PER_S,
        1..=limits::MAX_REGIONS,
        0.0..=limits::MAX_PRICE_PER_NODE_HOUR_USD,
        0.0..=limits::MAX_EGRESS_USD_PER_GB,
        any::<bool>(),
    );
    (sizes, failures).prop_map(
        |(
            (nodes, cores_per_node, memory_per_node_gib, partitioning, hot, warm, versioned),
            (
                checkpoint,
                checkpoint_cost_s,
                restart_cost_s,
                node_mtbf_h,
                network,
                regions,
                price,
                egress,
                deny,
            ),
        )| {
            let mut design = Review::example().alternatives[1].design.clone();
            design.nodes = nodes;
            design.cores_per_node = cores_per_node;
            design.memory_per_node_gib = memory_per_node_gib;
            design.partitioning = partitioning;
            design.hot_cache.capacity_keys = hot;
            design.warm_cache = warm.map(|capacity_keys| CacheTier {
                capacity_keys,
                ..design.hot_cache
            });
            design.invalidation = if versioned {
                InvalidationPolicy::Versioned
            } else {
                InvalidationPolicy::None
            };
            design.checkpoint = checkpoint;
            design.checkpoint_cost_s = StateCost::Fixed {
                seconds: checkpoint_cost_s,
            };
            design.restart_cost_s = StateCost::Fixed {
                seconds: restart_cost_s,
            };
            design.node_mtbf_h = node_mtbf_h;
            design.network_gbit_per_s = network;
            design.regions = regions.min(nodes);
            design.price_per_node_hour_usd = price;
            design.egress_usd_per_gb = egress;
            design.policy_mode = if deny {
                PolicyMode::DenyOverrides
            } else {
                PolicyMode::AllowOverrides
            };
            design
        },
    )
}

/// Categorical weights: each in range, at least one positive.
fn weight_map<K: Ord + Copy + std::fmt::Debug>(
    keys: &'static [K],
) -> impl Strategy<Value = std::collections::BTreeMap<K, f64>> {
    (
        proptest::collection::vec(prop_oneof![Just(0.0), 0.0..=limits::MAX_WEIGHT], keys.len()),
        0..keys.len(),
        0.001..=limits::MAX_WEIGHT,
    )
        .prop_map(move |(weights, positive, weight)| {
            let mut map: std::collections::BTreeMap<K, f64> =
                keys.iter().copied().zip(weights).collect();
            map.insert(keys[positive], weight);
            map
        })
}

fn review_strategy() -> impl Strategy<Value = Review> {
    let volume = (
        1..=MAX_TEST_EVENTS,
        1..=1_000_000u64,
        0.0..=limits::MAX_DUPLICATE_RATE,
        0.0..=1.0f64,
        limits::MIN_CACHE_ENTRY_BYTES..=limits::MAX_CACHE_ENTRY_BYTES,
    );
    let workload = (
        (
            1..=MAX_TEST_EVENTS,
            1.0..=limits::MAX_BATCH_WINDOW_S,
            1..=limits::MAX_DOMAINS,
            0.0..=limits::MAX_ZIPF_ALPHA,
            1..=limits::MAX_DATASETS_PER_DOMAIN,
            1..=limits::MAX_PIPELINES,
            0.0..=1.0f64,
            0.001..=limits::MAX_FRESHNESS_S,
            0.0..=limits::MAX_LOG_SIGMA,
            0.001..=limits::MAX_FRESHNESS_S,
        ),
        (
            0..=limits::MAX_LINEAGE_UPSTREAMS,
            0.0..=1.0f64,
            1.0..=limits::MAX_BYTES_PER_EVENT,
            0.0..=limits::MAX_LOG_SIGMA,
            0.0..=1.0f64,
            0.0..=1.0f64,
            0.0..=1.0f64,
            1..=limits::MAX_HOT_KEYS,
            0.0..=limits::MAX_ZIPF_ALPHA,
            0.0..=limits::MAX_REQUESTS_PER_EVENT,
        ),
        (
            weight_map(&Role::ALL),
            weight_map(&Sensitivity::ALL),
            weight_map(&Action::ALL),
        ),
    );
    let rest = (
        proptest::collection::vec(
            design_strategy(),
            limits::MIN_ALTERNATIVES..=limits::MAX_ALTERNATIVES,
        ),
        f64::MIN_POSITIVE..=limits::MAX_DEADLINE_S,
        0.0..=limits::MAX_BUDGET_PER_RUN_USD,
        weight_map(&[0usize, 1, 2, 3, 4, 5]),
        0..=limits::MAX_SEED,
        1..=99u32,
    );
    (workload, rest, volume).prop_map(|(workload, rest, volume)| {
        let (
            (
                events,
                window,
                domains,
                domain_alpha,
                datasets,
                pipelines,
                drift,
                fresh_median,
                fresh_sigma,
                fresh_sla,
            ),
            (
                upstreams,
                missing,
                bytes_per_event,
                bytes_sigma,
                row_fraction,
                nulls,
                out_of_range,
                hot_keys,
                hot_alpha,
                requests,
            ),
            (roles, sensitivities, actions),
        ) = workload;
        let (designs, deadline_s, budget, criteria, seed, module) = rest;
        let (sample, volume_factor, duplicates, dedup_fraction, entry_bytes) = volume;
        let mut review = Review::example();
        let w = &mut review.workload;
        // The pipeline runs `sample` (and the production volume is drawn
        // independently, above it); the first draw is unused since the
        // volume was split.
        let _ = events;
        w.sample_events = sample;
        w.events = sample * volume_factor;
        w.duplicate_rate = duplicates;
        w.dedup_window_s = (window * dedup_fraction).max(1.0);
        w.cache_entry_bytes = entry_bytes;
        w.batch_window_s = window;
        w.domains = domains;
        w.domain_zipf_alpha = domain_alpha;
        w.datasets_per_domain = datasets;
        w.pipelines = pipelines;
        w.schema_drift_rate = drift;
        w.freshness_median_s = fresh_median;
        w.freshness_sigma = fresh_sigma;
        w.freshness_sla_s = fresh_sla;
        w.lineage_expected_upstreams = upstreams;
        w.lineage_missing_rate = missing;
        w.bytes_per_event = bytes_per_event;
        w.bytes_sigma = bytes_sigma;
        w.bytes_per_row = (bytes_per_event * row_fraction).max(1.0);
        w.null_rate = nulls;
        w.out_of_range_rate = out_of_range;
        w.hot_keys = hot_keys;
        w.hot_key_zipf_alpha = hot_alpha;
        w.requests_per_event = requests;
        w.access_mix.roles = roles;
        w.access_mix.sensitivities = sensitivities;
        w.access_mix.actions = actions;
        let template = review.alternatives[0].clone();
        review.alternatives = designs
            .into_iter()
            .enumerate()
            .map(|(i, design)| Alternative {
                option: format!("option_{i}"),
                design,
                ..template.clone()
            })
            .collect();
        review.sla.deadline_s = deadline_s;
        review.sla.budget_per_run_usd = budget;
        let weight = |i: usize| criteria.get(&i).copied().unwrap_or(0.0);
        review.weights.deadline = weight(0);
        review.weights.cost = weight(1);
        review.weights.resilience = weight(2);
        review.weights.data_quality_lineage = weight(3);
        review.weights.access_risk = weight(4);
        review.weights.operational_complexity = weight(5);
        review.seed = seed;
        review.scenario.module = module;
        // The example's recommendation names its own options.
        review.submission.recommendation = None;
        review
    })
}

/// A whole run of a random review (up to eight alternatives, every
/// sensitivity input, every crossing bisected) costs minutes per case in a
/// test build on two cores: a few cases here, the fuzz targets for breadth.
fn run_config() -> ProptestConfig {
    ProptestConfig {
        cases: 3,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(run_config())]

    /// (a) and (c): valid in, a result out, both documents round-trip. (The
    /// whole session with the default analysis, `run_to_end`, is what the
    /// `review` fuzz target runs on every valid input.)
    #[test]
    fn a_valid_review_runs_to_the_end_and_round_trips(review in review_strategy()) {
        prop_assert!(review.validate().is_ok(), "generated review invalid: {:?}", review.validate());
        let text = review.to_json_pretty();
        prop_assert_eq!(&Review::from_json(&text).unwrap(), &review);

        let clock = SteppingClock::new(Seconds(1e-6));
        let output = profile_to_end(review.clone(), calibrate(), &clock).unwrap();
        let document = build(&review, output.data_profile, output.calibration, &AnalysisOptions::reduced_samples()).unwrap();
        let json = serde_json::to_string(&document).unwrap();
        let parsed: ResultDocument = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&parsed, &document);
        prop_assert_eq!(parsed.digest(), document.reproducibility.digest.clone());
    }

    /// (a) with the frozen clock: every stage measures zero time, the
    /// degenerate calibration must still profile without panicking.
    #[test]
    fn a_valid_review_profiles_with_a_frozen_clock(review in review_strategy()) {
        let output = profile_to_end(review, calibrate(), &FrozenClock);
        prop_assert!(output.is_ok(), "{:?}", output.err());
    }
}
