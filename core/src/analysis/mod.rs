//! The analysis half of the core: a calibration and a data profile in,
//! evidence out.
//!
//! This module owns the *input boundary* of the analysis, so that nothing here
//! depends on how the profiler represents its measurements:
//!
//! * [`CostModel`]: what a projection needs from a calibration (per-event
//!   stage costs at one thread, the measured thread scaling, the environment,
//!   and — when the calibration has a `distributed` section — what a real
//!   distributed engine measured: [`MeasuredEngine`]).
//! * [`DataFacts`]: what it needs from a data profile (partition loads per
//!   partitioning scheme, drift, freshness, lineage, policy outcomes, bytes
//!   per event).
//!
//! and, in submodules, everything computed from them:
//!
//! * [`projection`]: one alternative at one event volume on its cluster;
//! * [`crossover`]: the volume sweep and the answer to the module question;
//! * [`failure_modes`]: failure modes measured with and without mitigation;
//! * [`scoring_table`]: the weighted criteria table, sensitivity and TOPSIS;
//! * [`result`]: the result document, its digest and verification.
//!
//! Model calls go through [`bridge`], the one place that knows the signatures
//! of [`crate::models`].

pub mod bridge;
pub mod cost_metric;
pub mod crossover;
pub mod crossover_text;
pub mod failure_modes;
pub mod projection;
pub mod result;
pub mod scoring_table;
pub mod self_check;
pub mod sensitivity;

use serde::{Deserialize, Serialize};

use crate::review::Partitioning;

/// Why an analysis could not be computed. Inputs that passed
/// [`crate::review::Review::validate`] never produce one except through a
/// malformed calibration or profile.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    /// A field of the cost model, the data facts or a configuration is out of
    /// range; `field` is its path.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// A model refused its inputs.
    #[error("model: {0}")]
    Model(String),
}

impl AnalysisError {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<crate::models::ModelError> for AnalysisError {
    fn from(error: crate::models::ModelError) -> Self {
        Self::Model(error.to_string())
    }
}

/// A measured quantity: the median of repeated passes and their range.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    /// One value, no spread (a single pass, a fixture).
    pub fn exact(value: f64) -> Spread {
        Spread {
            median: value,
            min: value,
            max: value,
        }
    }

    /// Median, min and max of `samples` (none: all 0).
    pub fn of(samples: &[f64]) -> Spread {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        if n == 0 {
            return Spread::exact(0.0);
        }
        let upper = sorted.get(n / 2).copied().unwrap_or(0.0);
        let median = if n % 2 == 1 {
            upper
        } else {
            (sorted.get(n / 2 - 1).copied().unwrap_or(0.0) + upper) / 2.0
        };
        Spread {
            median,
            min: sorted.first().copied().unwrap_or(0.0),
            max: sorted.last().copied().unwrap_or(0.0),
        }
    }

    /// The same spread moved to a median of `median` (min and max in
    /// proportion).
    pub fn rescaled(self, median: f64) -> Spread {
        if self.median > 0.0 {
            let k = median / self.median;
            Spread {
                median,
                min: self.min * k,
                max: self.max * k,
            }
        } else {
            Spread::exact(median)
        }
    }

    fn valid(&self) -> bool {
        [self.median, self.min, self.max]
            .iter()
            .all(|v| v.is_finite() && *v >= 0.0)
            && self.min <= self.median
            && self.median <= self.max
    }
}

/// The measured cost of one pipeline stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StageCost {
    pub stage: String,
    /// Seconds of one core per event, measured at one lane over repeated
    /// passes.
    pub cost_s_per_event: Spread,
}

/// One measured throughput at a thread count (one pass).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ThreadScaling {
    pub threads: f64,
    pub events_per_s: f64,
}

/// The measured pass the self-check predicts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MeasuredPass {
    pub events: u64,
    pub threads: u32,
    pub wall_s: f64,
}

/// What a projection needs from a calibration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CostModel {
    /// Per-stage cost per event at one lane, in pipeline order, for every
    /// stage whose work is per event (the payload stage is per byte, below).
    pub stage_cost_s_per_event: Vec<StageCost>,
    /// Seconds of one core per payload byte decoded, validated and scanned.
    pub payload_cost_s_per_byte: Spread,
    /// Seconds per event of generating the synthetic input: measured, but
    /// not pipeline work (kept out of every projection; the self-check
    /// needs it because the measured passes include it).
    pub generation_s_per_event: Spread,
    /// Every measured pass at every lane count: its scalability fit gives
    /// the parallel efficiency of a node's cores.
    pub scaling: Vec<ThreadScaling>,
    /// Events of each calibration pass.
    pub calibration_events: u64,
    /// Payload bytes the profiler decoded per event of a pass (it decodes a
    /// subsample): what the measured passes did, for the self-check.
    pub payload_bytes_per_pass_event: f64,
    /// The full-sample pass, measured at the most lanes.
    pub full_pass: Option<MeasuredPass>,
    /// Where it was measured (target, threads available, …), for the record.
    pub environment: String,
    /// What a distributed engine measured (`scalewise cluster`), when the
    /// calibration carries it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<MeasuredEngine>,
}

/// What `scalewise cluster` measured on a distributed engine, as the
/// projection uses it (from a calibration's `distributed` section).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MeasuredEngine {
    /// The engine and its version, e.g. `timely 0.32.0`.
    pub engine: String,
    /// The exchange and coordination costs, from the layout with the most
    /// processes; `None` when every measured layout had one process (no
    /// byte crossed a process boundary).
    pub exchange: Option<MeasuredExchange>,
    /// Why `exchange` is missing.
    pub exchange_missing: Option<String>,
    /// Every measured layout: `P·W` worker threads and the median
    /// events/s of its pipeline passes (the scale-out points).
    pub scale_out: Vec<ThreadScaling>,
    /// COST measured on the engine against the single-threaded native
    /// pipeline over the same sample.
    pub cost: crate::profiler::calibration::distributed::Cost,
}

/// The measured exchange of one layout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MeasuredExchange {
    /// Where and how: `timely 0.32.0, 2 × 1, on 127.0.0.1`.
    pub source: String,
    /// Index of the layout in `calibration.distributed.points`.
    pub point: usize,
    /// Core-seconds per byte a node sends or receives in the shuffle:
    /// the exchange-alone pass's wall time × P·W worker threads over
    /// 2 × the bytes that crossed processes (each crossing byte is sent by
    /// one process and received by another). It charges the whole pass —
    /// local routing, progress messages, timely's communication threads —
    /// to the crossing bytes, so it is an upper bound of the per-byte cost.
    pub cost_s_per_byte: Spread,
    /// The fixed cost of one distributed run: every process connected to
    /// every other (`connect_s`) plus one progress round among all
    /// workers (the final merge's), spread over the measured rounds.
    pub coordination_s: Spread,
}

impl MeasuredEngine {
    /// The projection's view of a calibration's distributed section.
    pub fn of(d: &crate::profiler::DistributedCalibration) -> MeasuredEngine {
        let mut crossing: Vec<(
            usize,
            &crate::profiler::calibration::distributed::DistributedPoint,
        )> = d
            .points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.processes > 1 && p.exchange.bytes_to_other_processes > 0)
            .collect();
        crossing.sort_by_key(|(i, p)| (p.processes, p.workers_per_process, *i));
        let exchange = crossing.last().map(|&(i, p)| {
            let threads = f64::from(p.threads());
            let per_byte = threads / (2.0 * p.exchange.bytes_to_other_processes as f64);
            let wall = &p.exchange.wall_s;
            let round = &p.coordination.round_s;
            let mut hosts: Vec<&str> = p.hosts.iter().map(String::as_str).collect();
            hosts.dedup();
            MeasuredExchange {
                source: format!(
                    "{}, {} × {}, on {}",
                    d.engine,
                    p.processes,
                    p.workers_per_process,
                    hosts.join(", ")
                ),
                point: i,
                cost_s_per_byte: Spread {
                    median: wall.median * per_byte,
                    min: wall.min * per_byte,
                    max: wall.max * per_byte,
                },
                coordination_s: Spread {
                    median: p.connect_s + round.median,
                    min: p.connect_s + round.min,
                    max: p.connect_s + round.max,
                },
            }
        });
        MeasuredEngine {
            engine: d.engine.clone(),
            exchange_missing: exchange.is_none().then(|| {
                format!(
                    "{} measured only layouts of one process: no byte crossed a process \
                     boundary, so the exchange cost per byte and the coordination stay assumed",
                    d.engine
                )
            }),
            exchange,
            scale_out: d
                .points
                .iter()
                .map(|p| ThreadScaling {
                    threads: f64::from(p.threads()),
                    events_per_s: p.events_per_s.median,
                })
                .collect(),
            cost: d.cost.clone(),
        }
    }

    /// The measured exchange cost per byte and coordination replace these
    /// assumed design fields (paths relative to a design).
    pub const REPLACES: [&'static str; 2] = [
        "design.exchange.cost_ns_per_byte",
        "design.exchange.coordination_s",
    ];
}

impl CostModel {
    /// Whether a measurement replaces the assumption at `path` (a
    /// [`crate::assumptions`] path): then the projection does not read it.
    pub fn replaces_assumption(&self, path: &str) -> bool {
        self.engine
            .as_ref()
            .is_some_and(|e| e.exchange.is_some() && MeasuredEngine::REPLACES.contains(&path))
    }
}

impl CostModel {
    /// Core-seconds per event over the per-event stages (medians), summed
    /// in pipeline order.
    pub fn cost_s_per_event(&self) -> f64 {
        self.stage_cost_s_per_event
            .iter()
            .map(|s| s.cost_s_per_event.median)
            .fold(0.0, |sum, c| sum + c)
    }

    /// The most lanes measured.
    pub fn max_lanes(&self) -> f64 {
        self.scaling.iter().map(|p| p.threads).fold(1.0, f64::max)
    }

    pub fn validate(&self) -> Result<(), AnalysisError> {
        if self.stage_cost_s_per_event.is_empty() {
            return Err(AnalysisError::invalid(
                "cost_model.stage_cost_s_per_event",
                "needs at least one stage",
            ));
        }
        for (i, stage) in self.stage_cost_s_per_event.iter().enumerate() {
            if !stage.cost_s_per_event.valid() {
                return Err(AnalysisError::invalid(
                    format!("cost_model.stage_cost_s_per_event[{i}].cost_s_per_event"),
                    format!(
                        "must be finite, ≥ 0 and ordered min ≤ median ≤ max, got {:?}",
                        stage.cost_s_per_event
                    ),
                ));
            }
        }
        for (field, spread) in [
            ("payload_cost_s_per_byte", &self.payload_cost_s_per_byte),
            ("generation_s_per_event", &self.generation_s_per_event),
        ] {
            if !spread.valid() {
                return Err(AnalysisError::invalid(
                    format!("cost_model.{field}"),
                    format!("must be finite, ≥ 0 and ordered, got {spread:?}"),
                ));
            }
        }
        let total = self.cost_s_per_event();
        if !(total.is_finite() && total > 0.0) {
            return Err(AnalysisError::invalid(
                "cost_model.stage_cost_s_per_event",
                format!("total must be > 0, got {total}"),
            ));
        }
        for (i, point) in self.scaling.iter().enumerate() {
            let ok = point.threads.is_finite()
                && point.threads >= 1.0
                && point.events_per_s.is_finite()
                && point.events_per_s > 0.0;
            if !ok {
                return Err(AnalysisError::invalid(
                    format!("cost_model.scaling[{i}]"),
                    format!(
                        "threads must be ≥ 1 and events_per_s > 0, got {} and {}",
                        point.threads, point.events_per_s
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Which events go to which partition: the review's [`Partitioning`] without
/// its JSON quirks, usable as a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "scheme")]
pub enum PartitionScheme {
    ByDomain,
    ByHash,
    SaltedHotKeys { salt_buckets: u32 },
}

impl From<Partitioning> for PartitionScheme {
    fn from(p: Partitioning) -> Self {
        match p {
            Partitioning::ByDomain => Self::ByDomain,
            Partitioning::ByHash => Self::ByHash,
            Partitioning::SaltedHotKeys { salt_buckets } => Self::SaltedHotKeys { salt_buckets },
        }
    }
}

/// Measured load of every partition under one scheme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PartitionLoad {
    pub scheme: PartitionScheme,
    /// Share of all events in each partition (sums to 1).
    pub shares: Vec<f64>,
}

/// Access decisions of the policy engine under one combining mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PolicyOutcome {
    pub allowed: u64,
    pub denied: u64,
    /// Accesses allowed although a rule says they must be denied (a
    /// restricted export by an external party, …): policy check failures.
    pub violations: u64,
}

/// What the analysis needs from a data profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DataFacts {
    /// Events profiled.
    pub events: u64,
    /// Mean payload per event, measured.
    pub bytes_per_event: f64,
    /// Share of events per domain, by domain id (sums to 1).
    pub domain_shares: Vec<f64>,
    /// Datasets per domain (uniform within a domain).
    pub datasets_per_domain: u32,
    /// Measured partition loads per scheme; a scheme not listed is derived
    /// from `domain_shares` (see [`DataFacts::partition_shares`]).
    pub partition_loads: Vec<PartitionLoad>,
    /// Share of events carrying a schema change.
    pub schema_drift_share: f64,
    /// Share of events whose freshness lag breaches the SLA.
    pub freshness_breach_share: f64,
    /// Recorded upstream edges over declared ones.
    pub lineage_completeness: f64,
    /// Share of events failing a quality check (nulls, out of range).
    pub quality_failure_share: f64,
    /// Accesses evaluated by the policy engine.
    pub accesses: u64,
    pub deny_overrides: PolicyOutcome,
    pub allow_overrides: PolicyOutcome,
    /// Bytes of an event's metadata record, which travels with its payload
    /// through the shuffle.
    pub record_bytes: f64,
    /// The state the pipeline holds, measured as a function of volume.
    pub state: StateFacts,
}

/// The pipeline's working set, measured: the stateful stages' entries at
/// several densities of the same batch window, fitted linearly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StateFacts {
    /// Entries held at 0 events (the fit's intercept).
    pub entries_intercept: f64,
    /// Entries held per event of the batch (the fit's slope).
    pub entries_per_event: f64,
    /// Quality of the linear fit over the measured densities.
    pub r2: f64,
    /// Memory per entry of the stateful stages' tables.
    pub bytes_per_entry: f64,
    /// State that does not grow with the volume (partition and feature
    /// tallies).
    pub constant_bytes: f64,
    /// Largest batch size measured (events): beyond it the fit extrapolates.
    pub measured_up_to_events: f64,
    /// The measured points (events of the batch, peak entries held),
    /// ascending by events.
    pub points: Vec<StatePoint>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StatePoint {
    pub events: f64,
    pub entries: f64,
}

impl StateFacts {
    /// No state at all (a pipeline that streams in constant memory).
    pub const NONE: StateFacts = StateFacts {
        entries_intercept: 0.0,
        entries_per_event: 0.0,
        r2: 1.0,
        bytes_per_entry: 0.0,
        constant_bytes: 0.0,
        measured_up_to_events: 0.0,
        points: Vec::new(),
    };

    /// Bytes held at `events` events on one machine holding all of it.
    pub fn bytes_at(&self, events: f64) -> f64 {
        (self.entries_intercept + self.entries_per_event * events).max(0.0) * self.bytes_per_entry
            + self.constant_bytes
    }
}

/// Spark's default `spark.sql.shuffle.partitions`: the partition count of a
/// hash-partitioned shuffle when nothing else is said.
pub const HASH_PARTITIONS: u32 = 200;

/// A domain is "hot" (salted) when it carries more than this multiple of its
/// uniform share `1/domains`: the usual rule of salting what is visibly above
/// average, leaving the long tail alone.
pub const HOT_DOMAIN_FACTOR: f64 = 2.0;

impl DataFacts {
    /// Policy check failures per access under a combining mode.
    pub fn policy_failure_rate(&self, mode: crate::review::PolicyMode) -> f64 {
        let outcome = match mode {
            crate::review::PolicyMode::DenyOverrides => self.deny_overrides,
            crate::review::PolicyMode::AllowOverrides => self.allow_overrides,
        };
        if self.accesses == 0 {
            0.0
        } else {
            outcome.violations as f64 / self.accesses as f64
        }
    }

    /// Partition load shares under `scheme`: the measured ones when the
    /// profile has them, else derived from the domain shares:
    ///
    /// * `ByDomain`: one partition per domain.
    /// * `ByHash`: each domain's load is spread over its datasets (at most
    ///   [`HASH_PARTITIONS`] pieces per domain, since more pieces land on the
    ///   same partitions anyway), each piece hashed to one of
    ///   [`HASH_PARTITIONS`] partitions: near-uniform, with the hash's own
    ///   imbalance.
    /// * `SaltedHotKeys { b }`: hot domains (above [`HOT_DOMAIN_FACTOR`] ×
    ///   uniform share) split into `b` equal pieces; the rest by domain.
    pub fn partition_shares(&self, scheme: PartitionScheme) -> Vec<f64> {
        if let Some(load) = self.partition_loads.iter().find(|l| l.scheme == scheme) {
            return load.shares.clone();
        }
        match scheme {
            PartitionScheme::ByDomain => self.domain_shares.clone(),
            PartitionScheme::ByHash => {
                let partitions = HASH_PARTITIONS as usize;
                let mut shares = vec![0.0; partitions];
                let pieces = self.datasets_per_domain.clamp(1, HASH_PARTITIONS);
                for (domain, &share) in self.domain_shares.iter().enumerate() {
                    let piece = share / f64::from(pieces);
                    for k in 0..pieces {
                        let key = ((domain as u64) << 32) | u64::from(k);
                        let slot = (crate::rng::mix64(key) % partitions as u64) as usize;
                        if let Some(s) = shares.get_mut(slot) {
                            *s += piece;
                        }
                    }
                }
                shares
            }
            PartitionScheme::SaltedHotKeys { salt_buckets } => {
                let domains = self.domain_shares.len().max(1) as f64;
                let hot = HOT_DOMAIN_FACTOR / domains;
                let buckets = salt_buckets.max(1);
                let mut shares = Vec::with_capacity(self.domain_shares.len());
                for &share in &self.domain_shares {
                    if share > hot {
                        let piece = share / f64::from(buckets);
                        shares.extend((0..buckets).map(|_| piece));
                    } else {
                        shares.push(share);
                    }
                }
                shares
            }
        }
    }

    pub fn validate(&self) -> Result<(), AnalysisError> {
        let rate = |field: &str, value: f64| {
            if value.is_finite() && (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(AnalysisError::invalid(
                    format!("data_facts.{field}"),
                    format!("must be in [0, 1], got {value}"),
                ))
            }
        };
        rate("schema_drift_share", self.schema_drift_share)?;
        rate("freshness_breach_share", self.freshness_breach_share)?;
        rate("lineage_completeness", self.lineage_completeness)?;
        rate("quality_failure_share", self.quality_failure_share)?;
        if !(self.bytes_per_event.is_finite() && self.bytes_per_event >= 0.0) {
            return Err(AnalysisError::invalid(
                "data_facts.bytes_per_event",
                format!("must be finite and ≥ 0, got {}", self.bytes_per_event),
            ));
        }
        shares_valid("data_facts.domain_shares", &self.domain_shares)?;
        for (i, load) in self.partition_loads.iter().enumerate() {
            shares_valid(
                &format!("data_facts.partition_loads[{i}].shares"),
                &load.shares,
            )?;
        }
        Ok(())
    }
}

fn shares_valid(field: &str, shares: &[f64]) -> Result<(), AnalysisError> {
    if shares.is_empty() || shares.len() > crate::analysis_limits::MAX_PARTITIONS {
        return Err(AnalysisError::invalid(
            field,
            format!(
                "needs 1 to {} shares, got {}",
                crate::analysis_limits::MAX_PARTITIONS,
                shares.len()
            ),
        ));
    }
    if let Some(bad) = shares.iter().find(|s| !(s.is_finite() && **s >= 0.0)) {
        return Err(AnalysisError::invalid(
            field,
            format!("shares must be finite and ≥ 0, got {bad}"),
        ));
    }
    let total = shares.iter().fold(0.0, |sum, s| sum + s);
    if (total - 1.0).abs() > 1e-6 {
        return Err(AnalysisError::invalid(
            field,
            format!("shares must sum to 1, got {total}"),
        ));
    }
    Ok(())
}

impl From<&crate::profiler::Measured> for Spread {
    fn from(m: &crate::profiler::Measured) -> Self {
        Spread {
            median: m.median,
            min: m.min,
            max: m.max,
        }
    }
}

impl From<&crate::profiler::Calibration> for CostModel {
    fn from(calibration: &crate::profiler::Calibration) -> Self {
        let events = calibration.calibration_events.max(1) as f64;
        Self {
            // BTreeMap<Stage, _> iterates in pipeline order (Stage's Ord);
            // the payload stage's cost is per byte, below.
            stage_cost_s_per_event: calibration
                .stage_cost_s_per_event
                .iter()
                .map(|(stage, cost)| StageCost {
                    stage: stage.name().to_string(),
                    cost_s_per_event: Spread::from(cost),
                })
                .collect(),
            payload_cost_s_per_byte: Spread::from(&calibration.payload.cost_s_per_byte),
            generation_s_per_event: Spread::from(&calibration.generation_s_per_event),
            // Every repeated pass is a point of the fit.
            scaling: calibration
                .scaling
                .iter()
                .flat_map(|p| {
                    p.passes.iter().map(|pass| ThreadScaling {
                        threads: f64::from(p.threads),
                        events_per_s: pass.events_per_s,
                    })
                })
                .collect(),
            calibration_events: calibration.calibration_events,
            payload_bytes_per_pass_event: calibration.payload.bytes_per_pass as f64 / events,
            full_pass: Some(MeasuredPass {
                events: calibration.full_pass.events,
                threads: calibration.full_pass.threads,
                wall_s: calibration.full_pass.wall_s,
            }),
            environment: calibration.environment.clone(),
            engine: calibration.distributed.as_ref().map(MeasuredEngine::of),
        }
    }
}

/// The stateful stages' measurements as one working set. One stateful
/// stage (dedup) keeps its entries; several are added up in bytes.
fn state_facts(profile: &crate::profiler::DataProfile) -> StateFacts {
    // The constant tallies: partition loads (events and bytes per
    // partition) and per-domain moments, as the pipeline holds them.
    let loads: usize = profile
        .partitioning
        .schemes
        .iter()
        .map(|s| s.loads.len())
        .sum();
    let constant_bytes = (loads * 24 + profile.features.len() * 96) as f64;
    let mut stages = profile.state.iter();
    let (Some(only), None) = (stages.next(), stages.next()) else {
        // Several stages, or none: in bytes (one "entry" = one byte).
        let mut points: Vec<StatePoint> = Vec::new();
        for stage in &profile.state {
            for (k, p) in stage.points.iter().enumerate() {
                match points.get_mut(k) {
                    Some(point) => point.entries += p.state_bytes as f64,
                    None => points.push(StatePoint {
                        events: p.events as f64,
                        entries: p.state_bytes as f64,
                    }),
                }
            }
        }
        let (a, b, r2) = profile
            .state
            .iter()
            .fold((0.0, 0.0, 1.0f64), |(a, b, r2), s| {
                (
                    a + s.fit.intercept_entries * s.bytes_per_entry,
                    b + s.fit.entries_per_event * s.bytes_per_entry,
                    r2.min(s.fit.r2),
                )
            });
        return StateFacts {
            entries_intercept: a,
            entries_per_event: b,
            r2,
            bytes_per_entry: if profile.state.is_empty() { 0.0 } else { 1.0 },
            constant_bytes,
            measured_up_to_events: points.iter().map(|p| p.events).fold(0.0, f64::max),
            points,
        };
    };
    let points: Vec<StatePoint> = only
        .points
        .iter()
        .map(|p| StatePoint {
            events: p.events as f64,
            entries: p.peak_entries as f64,
        })
        .collect();
    StateFacts {
        entries_intercept: only.fit.intercept_entries,
        entries_per_event: only.fit.entries_per_event,
        r2: only.fit.r2,
        bytes_per_entry: only.bytes_per_entry,
        constant_bytes,
        measured_up_to_events: points.iter().map(|p| p.events).fold(0.0, f64::max),
        points,
    }
}

impl From<&crate::profiler::DataProfile> for DataFacts {
    /// The profile measures all three schemes, so `datasets_per_domain`
    /// (only used to derive an unmeasured by-hash layout) is left at 1.
    fn from(profile: &crate::profiler::DataProfile) -> Self {
        use crate::profiler::Scheme;
        let events = profile.events;
        let total_domain_events = profile
            .features
            .iter()
            .fold(0u64, |sum, f| sum.saturating_add(f.events));
        let max_domain = profile.features.iter().map(|f| f.domain).max().unwrap_or(0);
        let mut domain_shares = vec![0.0; max_domain as usize + 1];
        for feature in &profile.features {
            if let Some(share) = domain_shares.get_mut(feature.domain as usize) {
                *share = feature.events as f64 / total_domain_events.max(1) as f64;
            }
        }
        let layout = &profile.partitioning.layout;
        let partition_loads = profile
            .partitioning
            .schemes
            .iter()
            .map(|load| {
                let total = load
                    .loads
                    .iter()
                    .fold(0u64, |sum, l| sum.saturating_add(l.events))
                    .max(1) as f64;
                PartitionLoad {
                    scheme: match load.scheme {
                        Scheme::ByDomain => PartitionScheme::ByDomain,
                        Scheme::ByHash => PartitionScheme::ByHash,
                        Scheme::SaltedHotKeys => PartitionScheme::SaltedHotKeys {
                            salt_buckets: layout.salt_buckets,
                        },
                    },
                    shares: load.loads.iter().map(|l| l.events as f64 / total).collect(),
                }
            })
            .collect();
        let q = &profile.quality;
        let access = &profile.access;
        let outcome = |r: &crate::policy::PolicyReport| PolicyOutcome {
            allowed: r.allowed,
            denied: r.denied,
            violations: r.violations,
        };
        Self {
            events,
            bytes_per_event: profile.total_bytes as f64 / events.max(1) as f64,
            domain_shares,
            datasets_per_domain: 1,
            partition_loads,
            schema_drift_share: q.schema_drift_rate,
            freshness_breach_share: q.freshness_breach_rate,
            lineage_completeness: profile.lineage.completeness,
            quality_failure_share: (q.null_rate + q.out_of_range_rate).min(1.0),
            accesses: access.deny_overrides.events,
            deny_overrides: outcome(&access.deny_overrides),
            allow_overrides: outcome(&access.allow_overrides),
            record_bytes: crate::events::RECORD_BYTES as f64,
            state: state_facts(profile),
        }
    }
}

/// Hand-built inputs for tests and the default review until the profiler's
/// measurements are wired: numbers of the order a native release build
/// measures for the example review.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    /// The default projection with small cache simulations (fast in debug).
    pub fn fast_config() -> projection::ProjectionConfig {
        projection::ProjectionConfig { failure_runs: 200 }
    }

    /// Zipf(α) shares over `n` domains.
    pub fn zipf_shares(n: usize, alpha: f64) -> Vec<f64> {
        let weights: Vec<f64> = (1..=n).map(|k| libm::pow(k as f64, -alpha)).collect();
        let total: f64 = weights.iter().sum();
        weights.iter().map(|w| w / total).collect()
    }

    /// Stage costs of the order a native release build measures, with a
    /// ±10 % spread; USL with σ = 0.03, κ = 0.0005 over 1–8 lanes.
    pub fn cost_model() -> CostModel {
        let stage = |stage: &str, cost: f64| StageCost {
            stage: stage.to_string(),
            cost_s_per_event: Spread {
                median: cost,
                min: cost * 0.9,
                max: cost * 1.1,
            },
        };
        let per_event = 0.4e-6;
        CostModel {
            stage_cost_s_per_event: vec![
                stage("decode", 0.05e-6),
                stage("dedup", 0.08e-6),
                stage("quality", 0.05e-6),
                stage("lineage", 0.02e-6),
                stage("access_policy", 0.1e-6),
                stage("aggregate", 0.06e-6),
                stage("features", 0.04e-6),
            ],
            // 2 GB/s per core: a decode-validate-scan loop over rows.
            payload_cost_s_per_byte: Spread {
                median: 0.5e-9,
                min: 0.45e-9,
                max: 0.55e-9,
            },
            generation_s_per_event: Spread::exact(0.3e-6),
            scaling: [1.0, 2.0, 4.0, 8.0]
                .iter()
                .map(|&n| ThreadScaling {
                    threads: n,
                    events_per_s: (1.0 / per_event) * n
                        / (1.0 + 0.03 * (n - 1.0) + 0.0005 * n * (n - 1.0)),
                })
                .collect(),
            calibration_events: 500_000,
            payload_bytes_per_pass_event: 64.0,
            full_pass: None,
            environment: "test fixture".to_string(),
            engine: None,
        }
    }

    /// A windowed dedup state: 1/24 of the run's events (a 1 h window of a
    /// 24 h batch) at 40 bytes each, plus 1 MB of tallies.
    pub fn state() -> StateFacts {
        let per_event = 1.0 / 24.0;
        StateFacts {
            entries_intercept: 0.0,
            entries_per_event: per_event,
            r2: 1.0,
            bytes_per_entry: 40.0,
            constant_bytes: 1e6,
            measured_up_to_events: 2e6,
            points: [5e5, 1e6, 2e6]
                .iter()
                .map(|&events| StatePoint {
                    events,
                    entries: events * per_event,
                })
                .collect(),
        }
    }

    pub fn data_facts() -> DataFacts {
        DataFacts {
            events: 2_000_000,
            bytes_per_event: 4_096.0,
            domain_shares: zipf_shares(200, 1.1),
            datasets_per_domain: 50,
            partition_loads: Vec::new(),
            schema_drift_share: 0.002,
            freshness_breach_share: 0.023,
            lineage_completeness: 0.98,
            quality_failure_share: 0.013,
            accesses: 2_000_000,
            deny_overrides: PolicyOutcome {
                allowed: 1_900_000,
                denied: 100_000,
                violations: 0,
            },
            allow_overrides: PolicyOutcome {
                allowed: 1_960_000,
                denied: 40_000,
                violations: 60_000,
            },
            record_bytes: 48.0,
            state: state(),
        }
    }
}
