//! The review document: everything a user types or loads, and nothing else.
//!
//! A [`Review`] is the single input of a run. Together with a recorded
//! calibration it determines every number the workbench shows, so it is also
//! what a second reviewer needs to reproduce the reasoning. It owns:
//!
//! * the JSON schema (`schema_version` 2, unknown fields rejected everywhere),
//!   and the migration of version 1 documents ([`migrate_v1`]), so that saved
//!   work is never lost,
//! * the built-in example ([`Review::example`]),
//! * parsing with a size limit ([`Review::from_json`]) and validation that
//!   reports every problem at once with its field path ([`Review::validate`]).
//!
//! Bounds live in [`crate::limits`]; the access vocabulary ([`Role`],
//! [`Sensitivity`], [`Action`]) lives here because the workload's access mix
//! is where it is first written down.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::limits;
pub use crate::target::{
    Billing, BillingMode, Exchange, Hardware, IoOverlap, ScalingChoice, StateCost, Store,
};

/// The schema version this build writes (and reads; version 1 documents are
/// migrated when read, see [`migrate_v1`]).
pub const SCHEMA_VERSION: u32 = 2;

pub use crate::limits::MAX_REVIEW_BYTES;

/// A design review: scenario, workload, alternatives, SLA, scoring weights,
/// seed and the user's own submission text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub schema_version: u32,
    /// Human title; also the stem of export file names.
    pub title: String,
    pub scenario: Scenario,
    pub workload: Workload,
    pub alternatives: Vec<Alternative>,
    pub sla: Sla,
    pub weights: Weights,
    /// Seed of every random draw of the run (see [`crate::rng`]): a whole
    /// number from 0 to 2^53 − 1 = 9007199254740991 (`limits::MAX_SEED`),
    /// so that it reads back exactly wherever JSON numbers are doubles.
    #[cfg_attr(feature = "schema", schemars(range(max = 9_007_199_254_740_991u64)))]
    pub seed: u64,
    #[serde(default)]
    pub submission: Submission,
}

/// The course framing of the review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Course module number.
    pub module: u32,
    /// The module question the review answers.
    pub decision: String,
    /// The artifact the assignment asks for, verbatim.
    pub artifact: String,
    /// The decision / system boundary, one paragraph.
    pub boundary: String,
    pub stakeholders: Vec<Stakeholder>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Stakeholder {
    pub role: String,
    pub concern: String,
}

/// The synthetic workload: what the pipeline events look like. Every field is
/// a distribution parameter of [`crate::events`]; the module docs there say
/// how each one is used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Production volume: pipeline events in one batch run, the volume the
    /// decision is about (projected, not simulated).
    pub events: u64,
    /// Events the pipeline really runs here (the profiled sample): a thinning
    /// of the production batch over the same `batch_window_s`, at most
    /// `events` and [`limits::MAX_SAMPLE_EVENTS`].
    pub sample_events: u64,
    /// Event-time span the batch covers; timestamps are spread over it.
    pub batch_window_s: f64,
    /// Partition keys (data domains).
    pub domains: u32,
    /// Zipf exponent of the domain of an event (0 = uniform; ~1 = a few
    /// domains dominate).
    pub domain_zipf_alpha: f64,
    /// Datasets per domain (uniform within the domain).
    pub datasets_per_domain: u32,
    /// Pipelines; every dataset is written by exactly one of them.
    pub pipelines: u32,
    /// Probability that an event carries a schema change.
    pub schema_drift_rate: f64,
    /// Median freshness lag (log-normal).
    pub freshness_median_s: f64,
    /// Spread of the freshness lag: sigma of its logarithm.
    pub freshness_sigma: f64,
    /// Lag above which an event breaches the freshness SLA.
    pub freshness_sla_s: f64,
    /// Mean number of upstream inputs a dataset declares.
    pub lineage_expected_upstreams: u32,
    /// Probability that one declared upstream is missing from the lineage
    /// record of an event.
    pub lineage_missing_rate: f64,
    /// Mean payload of an event (log-normal around it).
    pub bytes_per_event: f64,
    /// Spread of the payload: sigma of its logarithm.
    pub bytes_sigma: f64,
    /// Average row width, to turn bytes into rows.
    pub bytes_per_row: f64,
    /// Probability that an event contains null values in required columns.
    pub null_rate: f64,
    /// Probability that an event contains out-of-range values.
    pub out_of_range_rate: f64,
    /// Share of deliveries that are at-least-once redeliveries of an event
    /// delivered earlier within `dedup_window_s` (retries after timeouts,
    /// consumer restarts).
    pub duplicate_rate: f64,
    /// Window over which the pipeline deduplicates deliveries by event id:
    /// the ingestion layer's retry horizon (at most `batch_window_s`).
    pub dedup_window_s: f64,
    /// Who accesses the data, how sensitive it is, and what they do.
    pub access_mix: AccessMix,
    /// Catalog cardinality seen by the cache model (features, lookups).
    pub hot_keys: u64,
    /// Zipf exponent of cache-key popularity.
    pub hot_key_zipf_alpha: f64,
    /// Cache look-ups per event.
    pub requests_per_event: f64,
    /// Bytes one cached entry occupies in memory (key, value and version).
    pub cache_entry_bytes: u64,
}

/// Independent categorical weights; an access is (role, sensitivity, action)
/// drawn from their product. Weights need not sum to one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AccessMix {
    pub roles: BTreeMap<Role, f64>,
    pub sensitivities: BTreeMap<Sensitivity, f64>,
    pub actions: BTreeMap<Action, f64>,
}

/// Who performs an access: the five stakeholder roles plus automated services
/// and external parties.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Role {
    DataEngineer = 0,
    MlEngineer = 1,
    SecurityArchitect = 2,
    DataSteward = 3,
    PlatformOwner = 4,
    Service = 5,
    External = 6,
}

/// Classification of the data touched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Sensitivity {
    Public = 0,
    Internal = 1,
    Confidential = 2,
    Restricted = 3,
}

/// What the access does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Action {
    Read = 0,
    Write = 1,
    Export = 2,
    Delete = 3,
    Train = 4,
}

macro_rules! small_enum {
    ($ty:ident, $count:expr, [$($variant:ident => $name:literal),* $(,)?]) => {
        impl $ty {
            pub const COUNT: usize = $count;
            pub const ALL: [$ty; $count] = [$($ty::$variant),*];

            /// Dense index in `0..COUNT` (the declaration order).
            #[inline]
            pub const fn index(self) -> usize {
                self as usize
            }

            /// Inverse of [`Self::index`].
            #[inline]
            pub fn from_index(index: usize) -> Option<Self> {
                Self::ALL.get(index).copied()
            }

            /// The JSON spelling.
            pub const fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),*
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

small_enum!(Role, 7, [
    DataEngineer => "data_engineer",
    MlEngineer => "ml_engineer",
    SecurityArchitect => "security_architect",
    DataSteward => "data_steward",
    PlatformOwner => "platform_owner",
    Service => "service",
    External => "external",
]);
small_enum!(Sensitivity, 4, [
    Public => "public",
    Internal => "internal",
    Confidential => "confidential",
    Restricted => "restricted",
]);
small_enum!(Action, 5, [
    Read => "read",
    Write => "write",
    Export => "export",
    Delete => "delete",
    Train => "train",
]);

/// One design option compared in the review (the course's alternative object
/// plus the design parameters the models need).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    /// Short unique identifier, e.g. `single_node_baseline`.
    pub option: String,
    pub strength: String,
    pub risk: String,
    pub evidence: String,
    pub design: Design,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Design {
    pub nodes: u32,
    pub cores_per_node: u32,
    pub memory_per_node_gib: f64,
    pub partitioning: Partitioning,
    pub hot_cache: CacheTier,
    pub warm_cache: Option<CacheTier>,
    pub invalidation: InvalidationPolicy,
    pub checkpoint: CheckpointInterval,
    /// Time to write one checkpoint: seconds, or derived from the state the
    /// pipeline holds (`"from_state"`).
    pub checkpoint_cost_s: StateCost,
    /// Time to recover from a node failure (detect it, replace the node,
    /// reload the last checkpoint): seconds, or `"from_state"`.
    pub restart_cost_s: StateCost,
    /// Time until a lost node is noticed (heartbeat timeout); part of a
    /// restart derived from state.
    pub failure_detection_s: f64,
    /// Mean time between failures of one node.
    pub node_mtbf_h: f64,
    /// Per-node network bandwidth (NIC), each direction.
    pub network_gbit_per_s: f64,
    pub regions: u32,
    pub price_per_node_hour_usd: f64,
    pub egress_usd_per_gb: f64,
    pub policy_mode: PolicyMode,
    /// The nodes' hardware relative to the calibration machine.
    pub hardware: Hardware,
    /// The object store and the key-value store the run reads from.
    pub store: Store,
    /// The distributed engine's own costs.
    pub exchange: Exchange,
    /// How the nodes are paid for.
    pub billing: Billing,
}

/// Failure detection of a version 1 design: a heartbeat timeout of 30 s.
pub const DEFAULT_FAILURE_DETECTION_S: f64 = 30.0;

/// How events are assigned to partitions (the shuffle key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Partitioning {
    /// Partition key = domain: keeps a domain together, inherits its skew.
    ByDomain,
    /// Partition key = hash of the dataset id: even, but scatters domains.
    ByHash,
    /// By domain, except hot domains are spread over `salt_buckets` salted
    /// sub-keys.
    SaltedHotKeys { salt_buckets: u32 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CacheTier {
    pub capacity_keys: u64,
    pub policy: CachePolicy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CachePolicy {
    Lru,
}

/// What happens to cached entries when their dataset changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvalidationPolicy {
    /// Entries carry the dataset version; a schema change invalidates them.
    Versioned,
    /// Entries live until evicted: stale reads after a schema change.
    None,
}

/// When a running batch writes checkpoints. JSON: `"never"`, `"auto"` (the
/// models choose the optimal interval) or a number of seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CheckpointInterval {
    Never,
    Auto,
    Every { interval_s: f64 },
}

impl Serialize for CheckpointInterval {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CheckpointInterval::Never => serializer.serialize_str("never"),
            CheckpointInterval::Auto => serializer.serialize_str("auto"),
            CheckpointInterval::Every { interval_s } => serializer.serialize_f64(*interval_s),
        }
    }
}

impl<'de> Deserialize<'de> for CheckpointInterval {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntervalVisitor;

        impl Visitor<'_> for IntervalVisitor {
            type Value = CheckpointInterval;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#""never", "auto" or a number of seconds"#)
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                match value {
                    "never" => Ok(CheckpointInterval::Never),
                    "auto" => Ok(CheckpointInterval::Auto),
                    other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
                }
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
                Ok(CheckpointInterval::Every { interval_s: value })
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
                Ok(CheckpointInterval::Every {
                    interval_s: value as f64,
                })
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
                Ok(CheckpointInterval::Every {
                    interval_s: value as f64,
                })
            }
        }

        deserializer.deserialize_any(IntervalVisitor)
    }
}

// Hand-written: the serde form above is a string or a number, which no
// derive can express.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for CheckpointInterval {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CheckpointInterval".into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        concat!(module_path!(), "::CheckpointInterval").into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "When a running batch writes checkpoints: \"never\", \"auto\" (the models choose the optimal interval) or a number of seconds.",
            "anyOf": [
                { "type": "string", "enum": ["never", "auto"] },
                { "type": "number" }
            ]
        })
    }
}

/// How conflicting access rules combine (see [`crate::policy`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PolicyMode {
    /// Any matching deny wins: the safe default.
    DenyOverrides,
    /// Any matching allow wins: shown to demonstrate the failure mode.
    AllowOverrides,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Sla {
    /// The batch must finish within this time.
    pub deadline_s: f64,
    pub budget_per_run_usd: f64,
    /// Probability of missing the deadline the SLA accepts (e.g. 0.05: one
    /// night in twenty).
    pub miss_tolerance: f64,
}

/// Miss tolerance of a version 1 SLA: one run in twenty (the p95 view).
pub const DEFAULT_MISS_TOLERANCE: f64 = 0.05;

/// Relative importance of each scoring criterion (any non-negative scale;
/// normalised by their sum).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Makespan against the deadline.
    pub deadline: f64,
    /// Cost per run against the budget.
    pub cost: f64,
    /// Expected loss to failures, MTTR.
    pub resilience: f64,
    /// Freshness, quality checks and lineage completeness.
    pub data_quality_lineage: f64,
    /// Allowed high-risk accesses (policy check failures).
    pub access_risk: f64,
    /// Nodes, regions and moving parts to operate.
    pub operational_complexity: f64,
}

impl Weights {
    /// The weights in criterion order, with their JSON names.
    pub fn named(&self) -> [(&'static str, f64); 6] {
        [
            ("deadline", self.deadline),
            ("cost", self.cost),
            ("resilience", self.resilience),
            ("data_quality_lineage", self.data_quality_lineage),
            ("access_risk", self.access_risk),
            ("operational_complexity", self.operational_complexity),
        ]
    }
}

/// The user's own text; when present it overrides generated text in the
/// result document. Being input, it is covered by reproducibility.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Submission {
    #[serde(default)]
    pub recommendation: Option<RecommendationEdit>,
    #[serde(default)]
    pub memo: Option<String>,
    /// The audit trail of the review's edits (see
    /// [`crate::submission::audit`]); part of the input, so the digest
    /// covers it.
    #[serde(default)]
    pub audit: Vec<crate::submission::audit::AuditEntry>,
}

/// The course's recommendation object (its `decision` is the scenario's).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RecommendationEdit {
    pub recommended_option: String,
    pub minimum_evidence_before_pilot: Vec<String>,
    pub monitoring_metric: String,
    pub rollback_trigger: String,
    #[serde(default)]
    pub evidence_still_needed: Vec<String>,
}

/// Why a review document could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReviewError {
    #[error("review is {bytes} bytes; the limit is {max} bytes")]
    TooLarge { bytes: usize, max: usize },
    /// Syntax errors, wrong types, missing and unknown fields (serde names
    /// the field in `message`).
    #[error("line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
}

/// One invalid field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Path in the document, e.g. `alternatives[1].design.nodes`.
    pub path: String,
    /// What is wrong and what is allowed, e.g. `must be ≥ 1, got 0`.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every problem of a review, in document order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(transparent)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        write!(
            f,
            "{count} invalid field{}",
            if count == 1 { "" } else { "s" }
        )?;
        for error in &self.0 {
            write!(f, "\n  {error}")?;
        }
        Ok(())
    }
}

impl ValidationErrors {
    /// The first `shown` problems on one line, `; `-separated, then
    /// "(and N more)" when some were left out: for a message that must stay
    /// short.
    pub fn first(&self, shown: usize) -> String {
        let listed: Vec<String> = self.0.iter().take(shown).map(ToString::to_string).collect();
        let more = self.0.len().saturating_sub(listed.len());
        if more > 0 {
            format!("{} (and {more} more)", listed.join("; "))
        } else {
            listed.join("; ")
        }
    }
}

impl Review {
    /// Parses a review document (no validation: call [`Review::validate`]).
    /// A version 1 document is migrated to the current version first
    /// ([`migrate_v1`]); any other version is parsed as it is, and
    /// [`Review::validate`] names the version if it is not ours.
    pub fn from_json(text: &str) -> Result<Review, ReviewError> {
        if text.len() > MAX_REVIEW_BYTES {
            return Err(ReviewError::TooLarge {
                bytes: text.len(),
                max: MAX_REVIEW_BYTES,
            });
        }
        let json_error = |error: serde_json::Error| ReviewError::Json {
            line: error.line(),
            column: error.column(),
            message: strip_position(&error.to_string()),
        };
        let mut value: serde_json::Value = serde_json::from_str(text).map_err(json_error)?;
        if value
            .get("schema_version")
            .and_then(serde_json::Value::as_u64)
            == Some(1)
        {
            migrate_v1(&mut value);
            // The migrated document has no text positions: serde names the
            // field in its message, the position is the document's start.
            return serde_json::from_value(value).map_err(json_error);
        }
        // Parsed from the text again, so errors keep their line and column.
        serde_json::from_str(text).map_err(json_error)
    }

    /// Pretty JSON, as written by the CLI and the app's export.
    pub fn to_json_pretty(&self) -> String {
        // Serialising plain data with string map keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks every field against [`crate::limits`] and the cross-field rules;
    /// returns all problems at once.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::default();
        if self.schema_version != SCHEMA_VERSION {
            v.error(
                "schema_version",
                format!("must be {SCHEMA_VERSION}, got {}", self.schema_version),
            );
        }
        v.name("title", &self.title);
        v.int("seed", self.seed, 0, limits::MAX_SEED);
        self.scenario.validate(&mut v);
        self.workload.validate(&mut v, "workload");
        let count = self.alternatives.len();
        if !(limits::MIN_ALTERNATIVES..=limits::MAX_ALTERNATIVES).contains(&count) {
            v.error(
                "alternatives",
                format!(
                    "must list {} to {} alternatives, got {count}",
                    limits::MIN_ALTERNATIVES,
                    limits::MAX_ALTERNATIVES
                ),
            );
        }
        let mut seen = BTreeMap::new();
        for (i, alternative) in self.alternatives.iter().enumerate() {
            let path = format!("alternatives[{i}]");
            alternative.validate(&mut v, &path);
            if let Some(first) = seen.insert(alternative.option.as_str(), i) {
                v.error(
                    format!("{path}.option"),
                    format!(
                        "must be unique, \"{}\" is also alternatives[{first}]",
                        alternative.option
                    ),
                );
            }
        }
        v.float(
            "sla.deadline_s",
            self.sla.deadline_s,
            f64::MIN_POSITIVE,
            limits::MAX_DEADLINE_S,
        );
        v.float(
            "sla.budget_per_run_usd",
            self.sla.budget_per_run_usd,
            0.0,
            limits::MAX_BUDGET_PER_RUN_USD,
        );
        v.float(
            "sla.miss_tolerance",
            self.sla.miss_tolerance,
            limits::MIN_MISS_TOLERANCE,
            limits::MAX_MISS_TOLERANCE,
        );
        let mut sum = 0.0;
        for (name, weight) in self.weights.named() {
            if v.float(&format!("weights.{name}"), weight, 0.0, limits::MAX_WEIGHT) {
                sum += weight;
            }
        }
        if sum <= 0.0 {
            v.error("weights", "must have a positive sum, got 0".to_string());
        }
        self.submission.validate(&mut v, &self.alternatives);
        v.finish()
    }
}

/// Migrates a version 1 review document to version 2 in place: the fields
/// version 2 added get their defaults (a field already present is kept, so
/// a partly migrated document is not overwritten), and `schema_version`
/// becomes 2. Only the shape changes; validation happens afterwards.
///
/// Workload: `sample_events = min(events, DEFAULT_SAMPLE_EVENTS)` (version 1
/// ran every event, so a run of up to 2·10⁶ events profiles the same events
/// as before), `duplicate_rate`, `dedup_window_s` (at most the document's
/// batch window) and `cache_entry_bytes` from [`Workload::DEFAULTS`].
pub fn migrate_v1(document: &mut serde_json::Value) {
    use serde_json::Value;
    let Some(root) = document.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(workload)) = root.get_mut("workload") {
        let events = workload.get("events").and_then(Value::as_u64);
        let window_s = workload.get("batch_window_s").and_then(Value::as_f64);
        let defaults = Workload::DEFAULTS;
        let mut default = |field: &str, value: Value| {
            workload.entry(field.to_string()).or_insert(value);
        };
        default(
            "sample_events",
            Value::from(events.map_or(limits::DEFAULT_SAMPLE_EVENTS, |e| {
                e.min(limits::DEFAULT_SAMPLE_EVENTS)
            })),
        );
        default("duplicate_rate", Value::from(defaults.duplicate_rate));
        default(
            "dedup_window_s",
            Value::from(
                window_s.map_or(defaults.dedup_window_s, |w| defaults.dedup_window_s.min(w)),
            ),
        );
        default("cache_entry_bytes", Value::from(defaults.cache_entry_bytes));
    }
    // Version 1 designs stated no target: they get the example's (see
    // `crate::target` for each default and `crate::assumptions` for why).
    if let Some(Value::Array(alternatives)) = root.get_mut("alternatives") {
        for alternative in alternatives {
            let Some(Value::Object(design)) = alternative.get_mut("design") else {
                continue;
            };
            let mut default = |field: &str, value: Value| {
                design.entry(field.to_string()).or_insert(value);
            };
            let json = |value: Result<Value, serde_json::Error>| value.unwrap_or(Value::Null);
            default(
                "failure_detection_s",
                Value::from(DEFAULT_FAILURE_DETECTION_S),
            );
            default("hardware", json(serde_json::to_value(Hardware::default())));
            default("store", json(serde_json::to_value(Store::default())));
            default("exchange", json(serde_json::to_value(Exchange::default())));
            default("billing", json(serde_json::to_value(Billing::default())));
        }
    }
    if let Some(Value::Object(sla)) = root.get_mut("sla") {
        sla.entry("miss_tolerance".to_string())
            .or_insert(Value::from(DEFAULT_MISS_TOLERANCE));
    }
    root.insert("schema_version".to_string(), Value::from(SCHEMA_VERSION));
}

/// Defaults of the workload fields a version 1 document lacks (and of the
/// example): the values and their reasons are in [`Review::example`].
pub struct WorkloadDefaults {
    pub duplicate_rate: f64,
    pub dedup_window_s: f64,
    pub cache_entry_bytes: u64,
}

impl Workload {
    pub const DEFAULTS: WorkloadDefaults = WorkloadDefaults {
        duplicate_rate: 0.005,
        dedup_window_s: 3_600.0,
        cache_entry_bytes: 1_024,
    };

    /// Deliveries the deduplication window holds at the sample's density:
    /// `⌊sample_events · dedup_window_s / batch_window_s⌋` (0 when the window
    /// is shorter than the gap between two deliveries: nothing can be
    /// redelivered within it). The generator and the pipeline's dedup stage
    /// share this number.
    pub fn dedup_window_events(&self) -> u64 {
        Self::window_events(self.sample_events, self.dedup_window_s, self.batch_window_s)
    }

    /// The same at `deliveries` deliveries over the batch window.
    pub fn window_events(deliveries: u64, dedup_window_s: f64, batch_window_s: f64) -> u64 {
        if !(batch_window_s > 0.0 && dedup_window_s > 0.0) {
            return 0;
        }
        let ratio = (dedup_window_s / batch_window_s).min(1.0);
        let window = libm::floor(deliveries as f64 * ratio);
        if window.is_finite() && window >= 0.0 {
            (window as u64).min(deliveries)
        } else {
            0
        }
    }
}

impl Scenario {
    fn validate(&self, v: &mut Validator) {
        v.int("scenario.module", self.module.into(), 1, 99);
        v.text("scenario.decision", &self.decision, limits::MAX_TEXT_CHARS);
        v.text("scenario.artifact", &self.artifact, limits::MAX_TEXT_CHARS);
        v.text("scenario.boundary", &self.boundary, limits::MAX_TEXT_CHARS);
        v.list_len("scenario.stakeholders", self.stakeholders.len());
        for (i, stakeholder) in self.stakeholders.iter().enumerate() {
            v.name(
                &format!("scenario.stakeholders[{i}].role"),
                &stakeholder.role,
            );
            v.text(
                &format!("scenario.stakeholders[{i}].concern"),
                &stakeholder.concern,
                limits::MAX_TEXT_CHARS,
            );
        }
    }
}

impl Workload {
    /// Validates the workload alone, with the same messages and paths
    /// (`workload.…`) as [`Review::validate`].
    pub fn check(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::default();
        self.validate(&mut v, "workload");
        v.finish()
    }

    fn validate(&self, v: &mut Validator, path: &str) {
        let p = |field: &str| format!("{path}.{field}");
        let events_ok = v.int(&p("events"), self.events, 1, limits::MAX_PRODUCTION_EVENTS);
        let max_sample = if events_ok {
            self.events.min(limits::MAX_SAMPLE_EVENTS)
        } else {
            limits::MAX_SAMPLE_EVENTS
        };
        let sample_ok = if self.sample_events > max_sample && max_sample < limits::MAX_SAMPLE_EVENTS
        {
            v.error(
                p("sample_events"),
                format!(
                    "must be ≤ events ({max_sample}): the sample is a part of the production batch, got {}",
                    self.sample_events
                ),
            );
            false
        } else {
            v.int(&p("sample_events"), self.sample_events, 1, max_sample)
        };
        let window_ok = v.float(
            &p("batch_window_s"),
            self.batch_window_s,
            1.0,
            limits::MAX_BATCH_WINDOW_S,
        );
        v.int(
            &p("domains"),
            self.domains.into(),
            1,
            limits::MAX_DOMAINS.into(),
        );
        v.float(
            &p("domain_zipf_alpha"),
            self.domain_zipf_alpha,
            0.0,
            limits::MAX_ZIPF_ALPHA,
        );
        v.int(
            &p("datasets_per_domain"),
            self.datasets_per_domain.into(),
            1,
            limits::MAX_DATASETS_PER_DOMAIN.into(),
        );
        v.int(
            &p("pipelines"),
            self.pipelines.into(),
            1,
            limits::MAX_PIPELINES.into(),
        );
        v.rate(&p("schema_drift_rate"), self.schema_drift_rate);
        v.float(
            &p("freshness_median_s"),
            self.freshness_median_s,
            0.001,
            limits::MAX_FRESHNESS_S,
        );
        v.float(
            &p("freshness_sigma"),
            self.freshness_sigma,
            0.0,
            limits::MAX_LOG_SIGMA,
        );
        v.float(
            &p("freshness_sla_s"),
            self.freshness_sla_s,
            0.001,
            limits::MAX_FRESHNESS_S,
        );
        v.int(
            &p("lineage_expected_upstreams"),
            self.lineage_expected_upstreams.into(),
            0,
            limits::MAX_LINEAGE_UPSTREAMS.into(),
        );
        v.rate(&p("lineage_missing_rate"), self.lineage_missing_rate);
        v.float(
            &p("bytes_per_event"),
            self.bytes_per_event,
            1.0,
            limits::MAX_BYTES_PER_EVENT,
        );
        v.float(
            &p("bytes_sigma"),
            self.bytes_sigma,
            0.0,
            limits::MAX_LOG_SIGMA,
        );
        let max_row = if self.bytes_per_event.is_finite() && self.bytes_per_event >= 1.0 {
            self.bytes_per_event
        } else {
            limits::MAX_BYTES_PER_EVENT
        };
        v.float(&p("bytes_per_row"), self.bytes_per_row, 1.0, max_row);
        v.rate(&p("null_rate"), self.null_rate);
        v.rate(&p("out_of_range_rate"), self.out_of_range_rate);
        v.float(
            &p("duplicate_rate"),
            self.duplicate_rate,
            0.0,
            limits::MAX_DUPLICATE_RATE,
        );
        let max_dedup_window = if window_ok {
            self.batch_window_s
        } else {
            limits::MAX_BATCH_WINDOW_S
        };
        let dedup_ok = v.float(
            &p("dedup_window_s"),
            self.dedup_window_s,
            1.0,
            max_dedup_window,
        );
        if sample_ok && window_ok && dedup_ok {
            let held = self.dedup_window_events();
            if held > limits::MAX_DEDUP_WINDOW_EVENTS {
                v.error(
                    p("dedup_window_s"),
                    format!(
                        "holds {held} deliveries of the sample (sample_events · dedup_window_s / \
                         batch_window_s); the profiler's window holds at most {} \
                         (MAX_DEDUP_WINDOW_EVENTS): shorten the window or the sample",
                        limits::MAX_DEDUP_WINDOW_EVENTS
                    ),
                );
            }
        }
        v.weights(
            &p("access_mix.roles"),
            self.access_mix.roles.iter().map(|(k, w)| (k.name(), *w)),
        );
        v.weights(
            &p("access_mix.sensitivities"),
            self.access_mix
                .sensitivities
                .iter()
                .map(|(k, w)| (k.name(), *w)),
        );
        v.weights(
            &p("access_mix.actions"),
            self.access_mix.actions.iter().map(|(k, w)| (k.name(), *w)),
        );
        v.int(&p("hot_keys"), self.hot_keys, 1, limits::MAX_HOT_KEYS);
        v.float(
            &p("hot_key_zipf_alpha"),
            self.hot_key_zipf_alpha,
            0.0,
            limits::MAX_ZIPF_ALPHA,
        );
        v.float(
            &p("requests_per_event"),
            self.requests_per_event,
            0.0,
            limits::MAX_REQUESTS_PER_EVENT,
        );
        v.int(
            &p("cache_entry_bytes"),
            self.cache_entry_bytes,
            limits::MIN_CACHE_ENTRY_BYTES,
            limits::MAX_CACHE_ENTRY_BYTES,
        );
    }
}

impl Alternative {
    fn validate(&self, v: &mut Validator, path: &str) {
        v.name(&format!("{path}.option"), &self.option);
        v.free_text(
            &format!("{path}.strength"),
            &self.strength,
            limits::MAX_TEXT_CHARS,
        );
        v.free_text(&format!("{path}.risk"), &self.risk, limits::MAX_TEXT_CHARS);
        v.free_text(
            &format!("{path}.evidence"),
            &self.evidence,
            limits::MAX_TEXT_CHARS,
        );
        self.design.validate(v, &format!("{path}.design"));
    }
}

impl Design {
    fn validate(&self, v: &mut Validator, path: &str) {
        let p = |field: &str| format!("{path}.{field}");
        v.int(&p("nodes"), self.nodes.into(), 1, limits::MAX_NODES.into());
        v.int(
            &p("cores_per_node"),
            self.cores_per_node.into(),
            1,
            limits::MAX_CORES_PER_NODE.into(),
        );
        v.float(
            &p("memory_per_node_gib"),
            self.memory_per_node_gib,
            0.125,
            limits::MAX_MEMORY_PER_NODE_GIB,
        );
        if let Partitioning::SaltedHotKeys { salt_buckets } = self.partitioning {
            v.int(
                &p("partitioning.salted_hot_keys.salt_buckets"),
                salt_buckets.into(),
                1,
                limits::MAX_SALT_BUCKETS.into(),
            );
        }
        v.int(
            &p("hot_cache.capacity_keys"),
            self.hot_cache.capacity_keys,
            0,
            limits::MAX_CACHE_KEYS,
        );
        if let Some(warm) = &self.warm_cache {
            v.int(
                &p("warm_cache.capacity_keys"),
                warm.capacity_keys,
                0,
                limits::MAX_CACHE_KEYS,
            );
        }
        if let CheckpointInterval::Every { interval_s } = self.checkpoint {
            v.float(
                &p("checkpoint"),
                interval_s,
                limits::MIN_CHECKPOINT_INTERVAL_S,
                limits::MAX_DURATION_S,
            );
        }
        for (field, cost) in [
            ("checkpoint_cost_s", self.checkpoint_cost_s),
            ("restart_cost_s", self.restart_cost_s),
        ] {
            if let Some(seconds) = cost.fixed() {
                v.float(&p(field), seconds, 0.0, limits::MAX_DURATION_S);
            }
        }
        v.float(
            &p("failure_detection_s"),
            self.failure_detection_s,
            0.0,
            limits::MAX_DURATION_S,
        );
        v.float(
            &p("node_mtbf_h"),
            self.node_mtbf_h,
            limits::MIN_NODE_MTBF_H,
            limits::MAX_NODE_MTBF_H,
        );
        v.float(
            &p("network_gbit_per_s"),
            self.network_gbit_per_s,
            0.001,
            limits::MAX_NETWORK_GBIT_PER_S,
        );
        v.int(
            &p("regions"),
            self.regions.into(),
            1,
            limits::MAX_REGIONS.into(),
        );
        if self.regions > self.nodes && self.nodes >= 1 {
            v.error(
                p("regions"),
                format!("must be ≤ nodes ({}), got {}", self.nodes, self.regions),
            );
        }
        v.float(
            &p("price_per_node_hour_usd"),
            self.price_per_node_hour_usd,
            0.0,
            limits::MAX_PRICE_PER_NODE_HOUR_USD,
        );
        v.float(
            &p("egress_usd_per_gb"),
            self.egress_usd_per_gb,
            0.0,
            limits::MAX_EGRESS_USD_PER_GB,
        );
        self.validate_target(v, path);
    }

    /// The target's assumptions: each within its published bound.
    fn validate_target(&self, v: &mut Validator, path: &str) {
        let p = |field: &str| format!("{path}.{field}");
        let h = &self.hardware;
        v.float(
            &p("hardware.core_speed_factor"),
            h.core_speed_factor,
            limits::MIN_CORE_SPEED_FACTOR,
            limits::MAX_CORE_SPEED_FACTOR,
        );
        v.float(
            &p("hardware.usable_memory_fraction"),
            h.usable_memory_fraction,
            limits::MIN_USABLE_MEMORY_FRACTION,
            limits::MAX_USABLE_MEMORY_FRACTION,
        );
        v.float(
            &p("hardware.disk_mb_per_s"),
            h.disk_mb_per_s,
            limits::MIN_BANDWIDTH_MB_PER_S,
            limits::MAX_BANDWIDTH_MB_PER_S,
        );
        v.float(
            &p("hardware.cross_region_gbit_per_s"),
            h.cross_region_gbit_per_s,
            0.001,
            limits::MAX_NETWORK_GBIT_PER_S,
        );
        if let ScalingChoice::Assumed { sigma, kappa } = h.scaling {
            v.float(&p("hardware.scaling.assumed.sigma"), sigma, 0.0, 1.0);
            v.float(
                &p("hardware.scaling.assumed.kappa"),
                kappa,
                0.0,
                limits::MAX_USL_KAPPA,
            );
        }
        let s = &self.store;
        for (field, value) in [
            ("store.input_mb_per_s", s.input_mb_per_s),
            ("store.lookup_mb_per_s", s.lookup_mb_per_s),
        ] {
            v.float(
                &p(field),
                value,
                limits::MIN_BANDWIDTH_MB_PER_S,
                limits::MAX_STORE_MB_PER_S,
            );
        }
        for (field, value) in [
            ("store.lookup_latency_ms", s.lookup_latency_ms),
            ("store.warm_latency_ms", s.warm_latency_ms),
        ] {
            v.float(
                &p(field),
                value,
                limits::MIN_LATENCY_MS,
                limits::MAX_LATENCY_MS,
            );
        }
        v.int(
            &p("store.lookup_batch_keys"),
            s.lookup_batch_keys.into(),
            1,
            limits::MAX_LOOKUP_BATCH_KEYS.into(),
        );
        v.int(
            &p("store.lookup_concurrency"),
            s.lookup_concurrency.into(),
            1,
            limits::MAX_LOOKUP_CONCURRENCY.into(),
        );
        v.float(
            &p("exchange.cost_ns_per_byte"),
            self.exchange.cost_ns_per_byte,
            0.0,
            limits::MAX_EXCHANGE_NS_PER_BYTE,
        );
        v.float(
            &p("exchange.coordination_s"),
            self.exchange.coordination_s,
            0.0,
            limits::MAX_DURATION_S,
        );
        let b = &self.billing;
        v.float(
            &p("billing.granularity_s"),
            b.granularity_s,
            limits::MIN_BILLING_GRANULARITY_S,
            limits::MAX_DURATION_S,
        );
        v.float(
            &p("billing.minimum_s"),
            b.minimum_s,
            0.0,
            limits::MAX_DURATION_S,
        );
        v.float(
            &p("billing.provisioning_s"),
            b.provisioning_s,
            0.0,
            limits::MAX_DURATION_S,
        );
    }
}

impl Submission {
    fn validate(&self, v: &mut Validator, alternatives: &[Alternative]) {
        if let Some(edit) = &self.recommendation {
            let path = "submission.recommendation";
            let option = &edit.recommended_option;
            if !option.is_empty() && !alternatives.iter().any(|a| &a.option == option) {
                v.error(
                    format!("{path}.recommended_option"),
                    format!("must name one of the alternatives' options, got \"{option}\""),
                );
            }
            v.free_text(
                &format!("{path}.recommended_option"),
                option,
                limits::MAX_NAME_CHARS,
            );
            v.text_list(
                &format!("{path}.minimum_evidence_before_pilot"),
                &edit.minimum_evidence_before_pilot,
            );
            v.free_text(
                &format!("{path}.monitoring_metric"),
                &edit.monitoring_metric,
                limits::MAX_TEXT_CHARS,
            );
            v.free_text(
                &format!("{path}.rollback_trigger"),
                &edit.rollback_trigger,
                limits::MAX_TEXT_CHARS,
            );
            v.text_list(
                &format!("{path}.evidence_still_needed"),
                &edit.evidence_still_needed,
            );
        }
        if let Some(memo) = &self.memo {
            v.free_text("submission.memo", memo, limits::MAX_MEMO_CHARS);
        }
        if self.audit.len() > limits::MAX_AUDIT_ENTRIES {
            v.error(
                "submission.audit",
                format!(
                    "must have at most {} entries, got {}",
                    limits::MAX_AUDIT_ENTRIES,
                    self.audit.len()
                ),
            );
        }
        for (i, entry) in self.audit.iter().enumerate() {
            let p = |field: &str| format!("submission.audit[{i}].{field}");
            v.text(&p("at"), &entry.at, limits::MAX_AUDIT_TIME_CHARS);
            v.free_text(
                &p("summary"),
                &entry.summary,
                limits::MAX_AUDIT_SUMMARY_CHARS,
            );
            if entry.paths.len() > limits::MAX_AUDIT_PATHS {
                v.error(
                    p("paths"),
                    format!(
                        "must have at most {} items, got {}",
                        limits::MAX_AUDIT_PATHS,
                        entry.paths.len()
                    ),
                );
            }
            for (j, path) in entry.paths.iter().enumerate() {
                v.name(&format!("submission.audit[{i}].paths[{j}]"), path);
            }
            for (field, value) in [("prev", &entry.prev), ("hash", &entry.hash)] {
                let hex = value.len() == 64
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
                if !hex {
                    v.error(
                        p(field),
                        "must be 64 lowercase hexadecimal digits (a SHA-256)".to_string(),
                    );
                }
            }
        }
    }
}

/// Collects field errors; each check returns whether the value was valid.
#[derive(Default)]
struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    fn error(&mut self, path: impl Into<String>, message: String) {
        self.errors.push(FieldError {
            path: path.into(),
            message,
        });
    }

    fn finish(self) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(self.errors))
        }
    }

    fn int(&mut self, path: &str, value: u64, min: u64, max: u64) -> bool {
        if value < min {
            self.error(
                path,
                format!("must be ≥ {min}, got {value} (allowed {min} to {max})"),
            );
            false
        } else if value > max {
            self.error(
                path,
                format!("must be ≤ {max}, got {value} (allowed {min} to {max})"),
            );
            false
        } else {
            true
        }
    }

    /// `min == f64::MIN_POSITIVE` means "strictly positive".
    fn float(&mut self, path: &str, value: f64, min: f64, max: f64) -> bool {
        let (lower, range) = if min == f64::MIN_POSITIVE {
            (
                "> 0".to_string(),
                format!("allowed above 0 up to {}", show(max)),
            )
        } else {
            (
                format!("≥ {}", show(min)),
                format!("allowed {} to {}", show(min), show(max)),
            )
        };
        if !value.is_finite() {
            self.error(
                path,
                format!("must be a finite number, got {value} ({range})"),
            );
            false
        } else if value < min {
            self.error(
                path,
                format!("must be {lower}, got {} ({range})", show(value)),
            );
            false
        } else if value > max {
            self.error(
                path,
                format!("must be ≤ {}, got {} ({range})", show(max), show(value)),
            );
            false
        } else {
            true
        }
    }

    fn rate(&mut self, path: &str, value: f64) -> bool {
        self.float(path, value, 0.0, 1.0)
    }

    /// Categorical weights: each finite and ≥ 0, at least one positive.
    fn weights<'a>(&mut self, path: &str, weights: impl Iterator<Item = (&'a str, f64)>) {
        let mut sum = 0.0;
        for (name, weight) in weights {
            if self.float(&format!("{path}.{name}"), weight, 0.0, limits::MAX_WEIGHT) {
                sum += weight;
            }
        }
        if sum <= 0.0 {
            self.error(
                path,
                "must give at least one entry a positive weight".to_string(),
            );
        }
    }

    /// Required text: non-blank and at most `max_chars`.
    fn text(&mut self, path: &str, value: &str, max_chars: usize) {
        if value.trim().is_empty() {
            self.error(path, "must not be empty".to_string());
        }
        self.free_text(path, value, max_chars);
    }

    /// Optional text: at most `max_chars` (empty allowed).
    fn free_text(&mut self, path: &str, value: &str, max_chars: usize) {
        let chars = value.chars().count();
        if chars > max_chars {
            self.error(
                path,
                format!("must be at most {max_chars} characters, got {chars}"),
            );
        }
    }

    /// Names: non-blank, short, single line.
    fn name(&mut self, path: &str, value: &str) {
        self.text(path, value, limits::MAX_NAME_CHARS);
        if value.chars().any(char::is_control) {
            self.error(
                path,
                "must be a single line without control characters".to_string(),
            );
        }
    }

    fn list_len(&mut self, path: &str, len: usize) {
        if len > limits::MAX_LIST_ITEMS {
            self.error(
                path,
                format!(
                    "must have at most {} items, got {len}",
                    limits::MAX_LIST_ITEMS
                ),
            );
        }
    }

    fn text_list(&mut self, path: &str, items: &[String]) {
        self.list_len(path, items.len());
        for (i, item) in items.iter().enumerate() {
            self.text(&format!("{path}[{i}]"), item, limits::MAX_TEXT_CHARS);
        }
    }
}

/// Numbers as a reader would type them (`1`, not `1.0`).
fn show(value: f64) -> String {
    format!("{value}")
}

/// serde_json appends " at line L column C"; we report those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(end) => message.get(..end).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

impl Review {
    /// The built-in example: a nightly batch of a mid-sized AI data platform,
    /// comparing a single big node against a partitioned, cached,
    /// checkpointed 8-node cluster. Every number is commented with why it was
    /// chosen; they are plausible, not measured, and the memo says so.
    pub fn example() -> Review {
        let stakeholder = |role: &str, concern: &str| Stakeholder {
            role: role.to_string(),
            concern: concern.to_string(),
        };
        Review {
            schema_version: SCHEMA_VERSION,
            title: "Module 4 design review: when does scale require distributed computation".to_string(),
            scenario: Scenario {
                module: 4,
                decision: "When does scale require distributed computation?".to_string(),
                artifact: "AI data platform design review with lineage, quality checks, cost controls, \
                           and access model focused on distributed processing and scale: Profile batch \
                           processing and identify bottlenecks."
                    .to_string(),
                boundary: "The decision covers the nightly batch that ingests pipeline events for \
                           repeatable model training and monitoring: ingest and parse, quality checks \
                           (freshness, schema drift, nulls, ranges), lineage completeness, access-policy \
                           evaluation, the shuffle by partition key, and per-domain feature statistics, \
                           up to the point where features are published to the feature store. It \
                           compares running that batch on one large node with running it on a \
                           partitioned, cached, checkpointed cluster, judged on meeting the deadline, \
                           cost per model run, resilience (MTTR and lost work), data quality and lineage, \
                           and access risk. Model training itself, online serving, and the choice of \
                           cloud vendor are outside the boundary."
                    .to_string(),
                stakeholders: vec![
                    stakeholder(
                        "data engineer",
                        "The batch finishes before the deadline and is debuggable: stages, skew and retries are visible.",
                    ),
                    stakeholder(
                        "ML engineer",
                        "Features are fresh and reproducible; cache hit rate stays above 85% so training is not starved.",
                    ),
                    stakeholder(
                        "security architect",
                        "Access is policy-as-code with deny-overrides; policy check failures stay below 1%.",
                    ),
                    stakeholder(
                        "data steward",
                        "Lineage is complete enough to trace every feature to its sources; schema drift is caught.",
                    ),
                    stakeholder(
                        "platform owner",
                        "Cost per model run stays within budget and MTTR stays low as volume grows.",
                    ),
                ],
            },
            workload: Workload {
                // One event is one pipeline load: a micro-batch appended to
                // one dataset (its metadata record and payload) together with
                // the access that consumes it. 2 M loads a night is ~200 per
                // dataset, one every ~7 minutes; 2 M also keeps calibration
                // well under a second natively and a few seconds in wasm.
                // Users scale it up to explore; the sweep covers 10⁵–10¹⁰.
                events: 2_000_000,
                // The whole production batch is profiled: at 2 M the sample
                // is the batch (a larger production volume is thinned to
                // 2 M, which a tab runs in about a second).
                sample_events: 2_000_000,
                // A nightly batch covers one day of event time.
                batch_window_s: 86_400.0,
                // 200 business domains: enough that skew shows, few enough to
                // list per-domain statistics.
                domains: 200,
                // alpha 1.1: the top domain carries ~21% of events, the usual
                // "a few domains dominate" shape of enterprise data.
                domain_zipf_alpha: 1.1,
                // 50 datasets per domain: 10 000 datasets in the catalog.
                datasets_per_domain: 50,
                // 400 pipelines: about 25 datasets per pipeline.
                pipelines: 400,
                // One load in 500 carries a schema change: ~4 000 changes a
                // night over the 10 000 datasets, most of them in the busiest
                // domains (a catalog under active development).
                schema_drift_rate: 0.002,
                // Median lag 10 minutes (micro-batches land every few minutes).
                freshness_median_s: 600.0,
                // sigma 0.9: p99 lag ≈ 8× the median, the long tail of late upstreams.
                freshness_sigma: 0.9,
                // 1 h freshness SLA: ~2.3% of events breach it with the values above.
                freshness_sla_s: 3_600.0,
                // A dataset joins 4 upstreams on average.
                lineage_expected_upstreams: 4,
                // 2% of upstream edges go unrecorded (manual loads, ad-hoc scripts).
                lineage_missing_rate: 0.02,
                // 4 KiB per load (8 rows of 512 B): 2 M loads ≈ 8 GiB a night,
                // which one node holds easily. Its 64 GiB fill from ~2 × 10⁷
                // loads (~80 GiB a night) and, with spills, it misses the
                // deadline from a few × 10⁸: the volumes the question is about.
                bytes_per_event: 4_096.0,
                // sigma 1.0: a few events are 10× the mean (backfills).
                bytes_sigma: 1.0,
                // 512-byte rows: a typical wide analytics row.
                bytes_per_row: 512.0,
                // 1% of events have nulls in required columns.
                null_rate: 0.01,
                // 0.3% have out-of-range values (unit mix-ups, sentinel values).
                out_of_range_rate: 0.003,
                // 0.5% of deliveries are redeliveries: at-least-once delivery
                // with retries after timeouts and consumer restarts
                // redelivers ~0.1–1%.
                duplicate_rate: Workload::DEFAULTS.duplicate_rate,
                // Redeliveries arrive within the ingestion layer's retry
                // horizon: an hour.
                dedup_window_s: Workload::DEFAULTS.dedup_window_s,
                access_mix: AccessMix {
                    // Engineers and services do most accesses; security,
                    // stewardship and platform roles audit and administer;
                    // external partners are rare.
                    roles: BTreeMap::from([
                        (Role::DataEngineer, 0.30),
                        (Role::MlEngineer, 0.30),
                        (Role::SecurityArchitect, 0.03),
                        (Role::DataSteward, 0.07),
                        (Role::PlatformOwner, 0.05),
                        (Role::Service, 0.22),
                        (Role::External, 0.03),
                    ]),
                    // Most data is internal; 8% is restricted (personal or
                    // regulated data).
                    sensitivities: BTreeMap::from([
                        (Sensitivity::Public, 0.25),
                        (Sensitivity::Internal, 0.45),
                        (Sensitivity::Confidential, 0.22),
                        (Sensitivity::Restricted, 0.08),
                    ]),
                    // Reads dominate; training reads are 12%; exports and
                    // deletes are the rare, risky actions.
                    actions: BTreeMap::from([
                        (Action::Read, 0.62),
                        (Action::Write, 0.20),
                        (Action::Export, 0.05),
                        (Action::Delete, 0.01),
                        (Action::Train, 0.12),
                    ]),
                },
                // One million feature/lookup keys in the catalog, of
                // `cache_entry_bytes` each (below): 1 GiB in all.
                hot_keys: 1_000_000,
                // alpha 0.99, YCSB's default skew for key-value workloads:
                // popular keys are popular, but the tail is long enough that
                // a cache of a fifth of the catalog misses one read in five.
                hot_key_zipf_alpha: 0.99,
                // Each event looks up 4 keys (dimension and feature joins).
                requests_per_event: 4.0,
                // 1 KiB per cached key: a feature row of ~200 float32
                // features, its key and a version stamp.
                cache_entry_bytes: Workload::DEFAULTS.cache_entry_bytes,
            },
            alternatives: vec![
                Alternative {
                    option: "single_node_baseline".to_string(),
                    strength: "One machine: no shuffle over the network, simplest to operate and debug, \
                               lowest fixed cost."
                        .to_string(),
                    risk: "Data outgrows memory and spills; one failure restarts the whole batch; \
                           throughput is capped by one node's cores."
                        .to_string(),
                    evidence: "Profiled stage costs on synthetic events, scaled to the full batch.".to_string(),
                    design: Design {
                        // A large general-purpose VM (16 vCPU, 64 GiB).
                        nodes: 1,
                        cores_per_node: 16,
                        memory_per_node_gib: 64.0,
                        // Irrelevant on one node; by domain is the natural key.
                        partitioning: Partitioning::ByDomain,
                        // 200 000 entries ≈ 3 GiB of RAM cache: what one node
                        // spares beside the batch, whose working set fills its
                        // memory from ~2 × 10⁷ loads. A fifth of the catalog:
                        // a hit rate below the 85% KPI.
                        hot_cache: CacheTier { capacity_keys: 200_000, policy: CachePolicy::Lru },
                        warm_cache: None,
                        invalidation: InvalidationPolicy::Versioned,
                        // Baselines usually just rerun on failure.
                        checkpoint: CheckpointInterval::Never,
                        // Were it enabled, a checkpoint writes the pipeline's
                        // state to local disk.
                        checkpoint_cost_s: StateCost::FromState,
                        // Detect the failure, start a replacement VM, reload.
                        restart_cost_s: StateCost::FromState,
                        failure_detection_s: 30.0,
                        // A worker is lost about once a month: hardware faults
                        // and host maintenance (about yearly on their own) plus
                        // runtime crashes and out-of-memory kills.
                        node_mtbf_h: 720.0,
                        network_gbit_per_s: 10.0,
                        regions: 1,
                        // On-demand price of a 16 vCPU / 64 GiB instance.
                        price_per_node_hour_usd: 0.80,
                        // Typical internet egress price.
                        egress_usd_per_gb: 0.09,
                        policy_mode: PolicyMode::DenyOverrides,
                        // The node type the pipeline was measured on; the
                        // store and billing defaults are justified in
                        // `assumptions`.
                        hardware: Hardware::default(),
                        store: Store::default(),
                        exchange: Exchange::default(),
                        billing: Billing::default(),
                    },
                },
                Alternative {
                    option: "partitioned_cached_cluster".to_string(),
                    strength: "Eight times the cores and memory; salted hot keys spread the dominant \
                               domains; a warm cache raises hit rate; checkpoints bound lost work."
                        .to_string(),
                    risk: "Shuffle traffic and coordination overhead; eight times the failure rate; \
                           more moving parts to secure and operate."
                        .to_string(),
                    evidence: "Profiled stage costs and measured lane scaling, projected with a \
                               fitted scalability law; cache hit rate from an LRU simulation."
                        .to_string(),
                    design: Design {
                        // Same node type as the baseline, so the comparison is about scale-out.
                        nodes: 8,
                        cores_per_node: 16,
                        memory_per_node_gib: 64.0,
                        // 8 salt buckets: the top domain (~21%) splits into
                        // pieces smaller than one node's share (12.5%).
                        partitioning: Partitioning::SaltedHotKeys { salt_buckets: 8 },
                        // The same 200 000 entries (~3 GiB) of cache per node as
                        // the baseline, but pooled: 125 000 in each worker's hot
                        // tier, 75 000 in its shard of a warm tier spread over
                        // the 8 nodes (600 000 entries, 60% of the catalog).
                        // Hit rate above the 85% KPI.
                        hot_cache: CacheTier { capacity_keys: 125_000, policy: CachePolicy::Lru },
                        warm_cache: Some(CacheTier { capacity_keys: 600_000, policy: CachePolicy::Lru }),
                        invalidation: InvalidationPolicy::Versioned,
                        // Let the models pick the Young/Daly interval.
                        checkpoint: CheckpointInterval::Auto,
                        // Each node persists its share of the state at a
                        // barrier; all nodes reload the last checkpoint after
                        // a replacement node has started.
                        checkpoint_cost_s: StateCost::FromState,
                        restart_cost_s: StateCost::FromState,
                        failure_detection_s: 30.0,
                        // Same node type and failure causes as the baseline.
                        node_mtbf_h: 720.0,
                        // Cluster networking within one region.
                        network_gbit_per_s: 25.0,
                        regions: 1,
                        price_per_node_hour_usd: 0.80,
                        egress_usd_per_gb: 0.09,
                        policy_mode: PolicyMode::DenyOverrides,
                        hardware: Hardware::default(),
                        store: Store::default(),
                        exchange: Exchange::default(),
                        billing: Billing::default(),
                    },
                },
            ],
            sla: Sla {
                // The nightly window: 2 hours between upstream landing and training start.
                deadline_s: 7_200.0,
                // $25 per run: ~$9 000 a year for a nightly batch.
                budget_per_run_usd: 25.0,
                // One night in twenty may run late (the p95 view).
                miss_tolerance: 0.05,
            },
            weights: Weights {
                // Missing the deadline blocks training: weighted highest.
                deadline: 0.25,
                cost: 0.20,
                resilience: 0.15,
                data_quality_lineage: 0.15,
                access_risk: 0.15,
                // Complexity matters, but it is a cost paid once.
                operational_complexity: 0.10,
            },
            // Any fixed number; printed in every export for reproduction.
            seed: 20_240_904,
            submission: Submission::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mutates the example, validates, and expects an error at `path` whose
    /// message contains `fragment`.
    fn check(mutate: impl FnOnce(&mut Review), path: &str, fragment: &str) {
        let mut review = Review::example();
        mutate(&mut review);
        let errors = review.validate().expect_err("mutation should be invalid").0;
        let found = errors.iter().find(|e| e.path == path);
        let Some(found) = found else {
            panic!("no error at {path}; got {errors:#?}");
        };
        assert!(
            found.message.contains(fragment),
            "error at {path} is {:?}, expected it to contain {fragment:?}",
            found.message
        );
    }

    #[test]
    fn example_validates() {
        assert_eq!(Review::example().validate(), Ok(()));
    }

    #[test]
    fn example_round_trips_through_json() {
        let example = Review::example();
        let json = example.to_json_pretty();
        assert_eq!(Review::from_json(&json), Ok(example));
    }

    #[test]
    fn invalid_fields_are_reported_with_path_and_range() {
        check(
            |r| r.alternatives[1].design.nodes = 0,
            "alternatives[1].design.nodes",
            "must be ≥ 1, got 0",
        );
        check(
            |r| r.alternatives[0].design.nodes = 100_000,
            "alternatives[0].design.nodes",
            "must be ≤ 4096",
        );
        check(|r| r.workload.events = 0, "workload.events", "must be ≥ 1");
        check(
            |r| r.seed = limits::MAX_SEED + 1,
            "seed",
            "must be ≤ 9007199254740991",
        );
        check(
            |r| r.workload.events = limits::MAX_PRODUCTION_EVENTS + 1,
            "workload.events",
            "allowed 1 to 1000000000000",
        );
        check(
            |r| r.workload.sample_events = 0,
            "workload.sample_events",
            "must be ≥ 1",
        );
        check(
            |r| r.workload.sample_events = 2_000_001,
            "workload.sample_events",
            "must be ≤ events (2000000)",
        );
        check(
            |r| {
                r.workload.events = limits::MAX_PRODUCTION_EVENTS;
                r.workload.sample_events = limits::MAX_SAMPLE_EVENTS + 1;
            },
            "workload.sample_events",
            "allowed 1 to 200000000",
        );
        check(
            |r| r.workload.duplicate_rate = 0.6,
            "workload.duplicate_rate",
            "allowed 0 to 0.5",
        );
        check(
            |r| r.workload.dedup_window_s = 0.5,
            "workload.dedup_window_s",
            "must be ≥ 1",
        );
        check(
            |r| r.workload.dedup_window_s = 90_000.0,
            "workload.dedup_window_s",
            "allowed 1 to 86400",
        );
        check(
            |r| r.workload.cache_entry_bytes = 63,
            "workload.cache_entry_bytes",
            "allowed 64 to 1048576",
        );
        // The window of the profiler's dedup state must fit a tab.
        check(
            |r| {
                r.workload.events = 200_000_000;
                r.workload.sample_events = 200_000_000;
            },
            "workload.dedup_window_s",
            "holds 8333333 deliveries",
        );
        check(
            |r| r.workload.null_rate = 1.5,
            "workload.null_rate",
            "must be ≤ 1",
        );
        check(
            |r| r.workload.schema_drift_rate = -0.1,
            "workload.schema_drift_rate",
            "must be ≥ 0",
        );
        check(
            |r| r.workload.freshness_sigma = f64::NAN,
            "workload.freshness_sigma",
            "finite",
        );
        check(
            |r| r.workload.bytes_per_event = f64::INFINITY,
            "workload.bytes_per_event",
            "finite",
        );
        check(
            |r| r.workload.domains = 0,
            "workload.domains",
            "must be ≥ 1",
        );
        check(
            |r| r.workload.bytes_per_row = 1e9,
            "workload.bytes_per_row",
            "must be ≤ 4096",
        );
        check(
            |r| {
                r.workload.access_mix.roles.insert(Role::External, -1.0);
            },
            "workload.access_mix.roles.external",
            "must be ≥ 0",
        );
        check(
            |r| {
                for w in r.workload.access_mix.actions.values_mut() {
                    *w = 0.0;
                }
            },
            "workload.access_mix.actions",
            "positive weight",
        );
        check(
            |r| {
                r.alternatives[1].design.partitioning =
                    Partitioning::SaltedHotKeys { salt_buckets: 0 }
            },
            "alternatives[1].design.partitioning.salted_hot_keys.salt_buckets",
            "must be ≥ 1",
        );
        check(
            |r| r.alternatives[1].design.checkpoint = CheckpointInterval::Every { interval_s: 0.5 },
            "alternatives[1].design.checkpoint",
            "must be ≥ 1",
        );
        check(
            |r| r.alternatives[0].design.regions = 2,
            "alternatives[0].design.regions",
            "≤ nodes",
        );
        check(
            |r| r.alternatives.truncate(1),
            "alternatives",
            "2 to 8 alternatives, got 1",
        );
        check(
            |r| r.alternatives[1].option = r.alternatives[0].option.clone(),
            "alternatives[1].option",
            "must be unique",
        );
        check(
            |r| r.alternatives[0].option = " ".to_string(),
            "alternatives[0].option",
            "must not be empty",
        );
        check(
            |r| r.title = "x".repeat(500),
            "title",
            "at most 120 characters",
        );
        check(
            |r| r.sla.deadline_s = 0.0,
            "sla.deadline_s",
            "must be > 0, got 0",
        );
        check(
            |r| {
                r.weights = Weights {
                    deadline: 0.0,
                    cost: 0.0,
                    resilience: 0.0,
                    data_quality_lineage: 0.0,
                    access_risk: 0.0,
                    operational_complexity: 0.0,
                }
            },
            "weights",
            "positive sum",
        );
        check(|r| r.weights.cost = -1.0, "weights.cost", "must be ≥ 0");
        check(|r| r.schema_version = 3, "schema_version", "must be 2");
        check(
            |r| {
                r.submission.recommendation = Some(RecommendationEdit {
                    recommended_option: "nope".to_string(),
                    ..RecommendationEdit::default()
                })
            },
            "submission.recommendation.recommended_option",
            "one of the alternatives",
        );
    }

    #[test]
    fn audit_entries_are_validated() {
        let mut review = Review::example();
        crate::submission::append_entry(
            &mut review.submission.audit,
            "2026-11-22T01:00:00Z",
            "ok",
            vec![],
        );
        assert_eq!(review.validate(), Ok(()));
        check(
            |r| {
                crate::submission::append_entry(
                    &mut r.submission.audit,
                    "t",
                    &"s".repeat(500),
                    vec![],
                );
            },
            "submission.audit[0].summary",
            "at most 240 characters",
        );
        check(
            |r| {
                crate::submission::append_entry(&mut r.submission.audit, " ", "s", vec![]);
            },
            "submission.audit[0].at",
            "must not be empty",
        );
        check(
            |r| {
                crate::submission::append_entry(
                    &mut r.submission.audit,
                    "t",
                    "s",
                    vec!["p".to_string(); 9],
                );
            },
            "submission.audit[0].paths",
            "at most 8 items",
        );
        check(
            |r| {
                crate::submission::append_entry(&mut r.submission.audit, "t", "s", vec![]);
                r.submission.audit[0].hash = "XYZ".to_string();
            },
            "submission.audit[0].hash",
            "64 lowercase hexadecimal",
        );
        check(
            |r| {
                for _ in 0..=limits::MAX_AUDIT_ENTRIES {
                    r.submission.audit.push(crate::submission::AuditEntry {
                        seq: 1,
                        at: "t".to_string(),
                        summary: String::new(),
                        paths: Vec::new(),
                        prev: "0".repeat(64),
                        hash: "0".repeat(64),
                    });
                }
            },
            "submission.audit",
            "at most 500 entries",
        );
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let mut review = Review::example();
        review.workload.events = 0;
        review.alternatives[0].design.cores_per_node = 0;
        review.alternatives[1].design.node_mtbf_h = f64::NAN;
        review.sla.budget_per_run_usd = -5.0;
        let paths: Vec<String> = review
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(
            paths,
            [
                "workload.events",
                "alternatives[0].design.cores_per_node",
                "alternatives[1].design.node_mtbf_h",
                "sla.budget_per_run_usd",
            ]
        );
    }

    /// The example as version 1 wrote it (the committed fuzz seed).
    const V1_EXAMPLE: &str = include_str!("../fuzz/corpus/review/example_review_v1.json");

    #[test]
    fn version_1_documents_are_migrated() {
        assert!(V1_EXAMPLE.contains("\"schema_version\": 1"));
        let migrated = Review::from_json(V1_EXAMPLE).unwrap();
        assert_eq!(migrated.validate(), Ok(()));
        assert_eq!(migrated.schema_version, SCHEMA_VERSION);
        let w = &migrated.workload;
        assert_eq!(w.sample_events, w.events.min(limits::DEFAULT_SAMPLE_EVENTS));
        assert_eq!(w.duplicate_rate, Workload::DEFAULTS.duplicate_rate);
        assert_eq!(w.dedup_window_s, Workload::DEFAULTS.dedup_window_s);
        assert_eq!(w.cache_entry_bytes, Workload::DEFAULTS.cache_entry_bytes);
        // A large version 1 run profiles 2·10⁶ of its events; a short batch
        // window caps the dedup window; given fields are kept.
        let mut value: serde_json::Value = serde_json::from_str(V1_EXAMPLE).unwrap();
        value["workload"]["events"] = serde_json::json!(50_000_000u64);
        value["workload"]["batch_window_s"] = serde_json::json!(600.0);
        value["workload"]["duplicate_rate"] = serde_json::json!(0.01);
        let review = Review::from_json(&value.to_string()).unwrap();
        assert_eq!(review.workload.sample_events, 2_000_000);
        assert_eq!(review.workload.dedup_window_s, 600.0);
        assert_eq!(review.workload.duplicate_rate, 0.01);
        assert_eq!(review.validate(), Ok(()));
        // Written back, it is a version 2 document that reads as itself.
        let written = review.to_json_pretty();
        assert!(written.contains("\"schema_version\": 2"));
        assert_eq!(Review::from_json(&written), Ok(review));
        // A version 2 document is not migrated: a missing field is an error.
        let mut v2 = serde_json::to_value(Review::example()).unwrap();
        v2["workload"]
            .as_object_mut()
            .unwrap()
            .remove("sample_events");
        let error = Review::from_json(&v2.to_string()).unwrap_err();
        assert!(
            error.to_string().contains("missing field `sample_events`"),
            "{error}"
        );
    }

    #[test]
    fn unknown_fields_are_rejected_with_their_name() {
        let mut value = serde_json::to_value(Review::example()).unwrap();
        value["alternatives"][0]["design"]["nodez"] = serde_json::json!(3);
        let error = Review::from_json(&value.to_string()).unwrap_err();
        let ReviewError::Json { message, .. } = error else {
            panic!("{error:?}")
        };
        assert!(message.contains("unknown field `nodez`"), "{message}");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let error = Review::from_json("{\n  \"title\": ,\n}").unwrap_err();
        assert!(
            matches!(
                error,
                ReviewError::Json {
                    line: 2,
                    column: 12,
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn oversized_documents_are_rejected() {
        let text = " ".repeat(MAX_REVIEW_BYTES + 1);
        assert!(matches!(
            Review::from_json(&text),
            Err(ReviewError::TooLarge { .. })
        ));
    }

    #[test]
    fn checkpoint_interval_json_forms() {
        for (json, value) in [
            ("\"never\"", CheckpointInterval::Never),
            ("\"auto\"", CheckpointInterval::Auto),
            ("900", CheckpointInterval::Every { interval_s: 900.0 }),
            ("12.5", CheckpointInterval::Every { interval_s: 12.5 }),
        ] {
            let parsed: CheckpointInterval = serde_json::from_str(json).unwrap();
            assert_eq!(parsed, value);
            let back: CheckpointInterval =
                serde_json::from_str(&serde_json::to_string(&value).unwrap()).unwrap();
            assert_eq!(back, value);
        }
        assert!(serde_json::from_str::<CheckpointInterval>("\"sometimes\"").is_err());
    }

    #[test]
    fn enum_json_forms() {
        let parse = |json: &str| serde_json::from_str::<Partitioning>(json);
        assert_eq!(parse(r#""by_domain""#).unwrap(), Partitioning::ByDomain);
        assert_eq!(
            parse(r#"{"salted_hot_keys": {"salt_buckets": 4}}"#).unwrap(),
            Partitioning::SaltedHotKeys { salt_buckets: 4 }
        );
        let error = parse(r#"{"salted_hot_keys": {"salt_buckets": 4, "salt": 1}}"#).unwrap_err();
        assert!(
            error.to_string().contains("unknown field `salt`"),
            "{error}"
        );
        assert!(serde_json::from_str::<Role>(r#""auditor""#).is_err());
        let mix: BTreeMap<Role, f64> = serde_json::from_str(r#"{"ml_engineer": 1.5}"#).unwrap();
        assert_eq!(mix.get(&Role::MlEngineer), Some(&1.5));
    }

    #[test]
    fn submission_defaults_to_empty() {
        let mut value = serde_json::to_value(Review::example()).unwrap();
        value.as_object_mut().unwrap().remove("submission");
        let review = Review::from_json(&value.to_string()).unwrap();
        assert_eq!(review.submission, Submission::default());
    }
}
