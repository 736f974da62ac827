//! The batch pipeline over the synthetic sample, measured stage by stage.
//!
//! This module owns the pipeline ([`Pipeline`]), its stages ([`Stage`]), the
//! map/reduce seam every runner uses ([`Mapper`], [`RoutedRecord`],
//! [`Pipeline::reduce`], [`MapTally`], [`ReduceTally`]), the in-process
//! streaming machinery ([`Lane`], [`Pass`]), the working-set probes
//! ([`StateProbe`]) and the two results, kept strictly apart:
//!
//! * [`DataProfile`] ([`data_profile`]) — what the data looks like (payload
//!   validity, redeliveries, quality, lineage, access decisions, partition
//!   loads, per-domain features, the dedup state at three densities).
//!   Deterministic: a pure function of the review, byte-identical for any
//!   lane count, thread count, chunk batching, map/reduce split or machine,
//!   and fingerprinted by `data_digest`.
//! * [`Calibration`] ([`calibration`]) — how fast this machine ran the
//!   stages, with the spread over repeated passes. The only measured,
//!   non-deterministic thing in Scalewise; recorded so that every later
//!   result is a pure function of `(review, calibration)`. [`Profile`] is
//!   the timing view derived from it.
//!
//! # Generation is not pipeline work
//!
//! Generating the sample's events, encoding them to fixed-width records
//! ([`crate::events::RECORD_BYTES`] bytes each) and synthesising payload
//! bytes ([`crate::payload`]) stands in for reading the input. It is timed
//! on its own (`generation_s_per_event`) and is neither a stage cost nor a
//! candidate for the bottleneck.
//!
//! # Stages
//!
//! Every chunk of [`CHUNK_EVENTS`] deliveries goes through each stage in
//! order, each a real pass over the lane's buffers. The *map side* (1–6)
//! works on a contiguous range of deliveries and turns each delivery that
//! survives dedup into one compact [`RoutedRecord`]; the *reduce side*
//! (7–8) absorbs routed records, keyed by partition, into a mergeable
//! integer tally.
//!
//! 1. **decode** — parse and validate the fixed-width metadata records; it
//!    also counts the bytes and rows of every delivery (what is read).
//! 2. **payload** — decode, validate and scan real payload rows on every
//!    `stride`-th delivery ([`crate::payload`]), measured per byte.
//! 3. **dedup** — drop redeliveries by event id over `dedup_window_s`
//!    ([`crate::dedup`]): the one stage that holds state, a window of ids
//!    whose size depends on the window, not on the event count.
//! 4. **quality** — freshness SLA breaches (and a lag histogram for
//!    quantiles), schema drift, nulls, out-of-range values.
//! 5. **lineage** — recorded vs expected upstreams, incomplete events.
//! 6. **access_policy** — every access evaluated under both policy modes
//!    ([`crate::policy`]), decisions and violations counted.
//! 7. **aggregate** — the shuffle: routing each event to its partition
//!    under each partitioning scheme ([`Scheme`]) and counting the
//!    partitions' events and bytes (routing is the map side's last step,
//!    counting the reduce side's first; both are timed as this stage).
//! 8. **features** — per-domain moments of bytes and freshness, drift share.
//!
//! Stages 4–8 see only the events that survived dedup.
//!
//! # Lanes, halos and determinism
//!
//! A pass over deliveries `0..n` with `L` lanes gives lane `j` the
//! contiguous chunks `j·C/L .. (j+1)·C/L` (C chunks in all); each batch
//! advances every lane by up to [`CHUNKS_PER_LANE`] chunks of its own slice,
//! run with `rayon::scope` on the caller's current pool (the core never
//! builds a pool: in wasm the host owns the threads). A lane whose slice
//! starts at `s > 0` first pre-loads the dedup window with the ids of
//! deliveries `s − W .. s` (its halo, from the pure [`DeliveryPlan`]), so
//! its dedup decisions are the sequential pass's. Lanes own their buffers
//! (reused for every chunk, so memory does not grow with the event count)
//! and integer tallies. All aggregates are integers — sums of bytes,
//! squared bytes and milliseconds are kept in `u128` — and merge by sums
//! (and the dedup peak by a maximum), exact, associative and commutative;
//! floats are derived once, at the end. That is what makes the
//! `DataProfile` independent of how the work was split, in this process or
//! across the workers of a distributed runner.
//!
//! # Timing
//!
//! Each lane reads the caller's [`Clock`] around every stage of every chunk
//! (and around generation and the halo) and sums per stage; each batch's
//! wall time is measured around the parallel scope.
//!
//! [`DeliveryPlan`]: crate::events::DeliveryPlan

pub mod calibration;
pub mod data_profile;

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::dedup::DedupWindow;
use crate::error::CoreError;
use crate::events::{encode_records, parse_records, DeliveryPlan, Event, EventGenerator};
use crate::limits;
use crate::payload::{PayloadFormat, PayloadTally, MAX_ROW_BYTES};
use crate::policy::{PolicySet, PolicyTally};
use crate::review::{Partitioning, Review, Workload};
use crate::rng::mix64;

pub use calibration::{
    Bottleneck, Calibration, CalibrationError, DistributedCalibration, Measured, PassTiming,
    PassWall, PayloadCalibration, Profile, ScalingPoint, StageProfile,
};
pub use data_profile::{
    AccessProfile, DataProfile, DedupProfile, DomainFeatures, LineageProfile, PartitionLoad,
    PartitioningProfile, QualityProfile, SchemeLoad, StageState, StateFit, StatePoint,
};

/// Deliveries per chunk: the unit of work, timing and buffer size. 16 Ki
/// events are ~1.3 MiB of events plus 1 MiB of records, so a lane's working
/// set stays near a core's L2 cache, while a chunk still takes long enough
/// (~1 ms) for a coarse browser clock to time its stages.
pub const CHUNK_EVENTS: usize = 16_384;

/// Chunks per lane in one batch (one [`crate::session::Session::step`]):
/// a few tens of milliseconds natively, so the browser stays responsive.
pub const CHUNKS_PER_LANE: u64 = 8;

/// Deliveries of one calibration pass: `min(sample_events,
/// CALIBRATION_EVENTS)`, the first part of the sample. 16 chunks: long
/// enough for a browser clock (the smallest stage takes ~0.5 ms of it),
/// short enough that the repeated passes at every lane count fit the
/// default review's 2 s budget in the browser.
pub const CALIBRATION_EVENTS: u64 = 16 * CHUNK_EVENTS as u64;

/// Times each calibration pass is repeated (at every lane count), for the
/// spread of every measured cost.
pub const CALIBRATION_REPEATS: u32 = 3;

/// Partitions at most counted per scheme.
pub const MAX_PROFILE_PARTITIONS: u32 = 4_096;

/// Salt buckets used when no alternative salts its hot keys.
pub const DEFAULT_SALT_BUCKETS: u32 = 8;

/// Version of the [`DataProfile`] and [`Calibration`] documents.
pub const PROFILE_SCHEMA_VERSION: u32 = 2;

/// A pipeline stage, in execution order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Decode,
    Payload,
    Dedup,
    Quality,
    Lineage,
    AccessPolicy,
    Aggregate,
    Features,
}

impl Stage {
    pub const COUNT: usize = 8;
    pub const ALL: [Stage; Stage::COUNT] = [
        Stage::Decode,
        Stage::Payload,
        Stage::Dedup,
        Stage::Quality,
        Stage::Lineage,
        Stage::AccessPolicy,
        Stage::Aggregate,
        Stage::Features,
    ];

    pub const fn index(self) -> usize {
        self as usize
    }

    /// The JSON spelling.
    pub const fn name(self) -> &'static str {
        match self {
            Stage::Decode => "decode",
            Stage::Payload => "payload",
            Stage::Dedup => "dedup",
            Stage::Quality => "quality",
            Stage::Lineage => "lineage",
            Stage::AccessPolicy => "access_policy",
            Stage::Aggregate => "aggregate",
            Stage::Features => "features",
        }
    }

    /// What the stage does, for people.
    pub const fn label(self) -> &'static str {
        match self {
            Stage::Decode => "record decode",
            Stage::Payload => "payload decode, validation and scan",
            Stage::Dedup => "deduplication by event id",
            Stage::Quality => "quality checks",
            Stage::Lineage => "lineage completeness",
            Stage::AccessPolicy => "access-policy evaluation",
            Stage::Aggregate => "shuffle aggregation",
            Stage::Features => "feature statistics",
        }
    }

    /// Whether the stage's cost is per payload byte (the payload stage)
    /// rather than per event.
    pub const fn per_byte(self) -> bool {
        matches!(self, Stage::Payload)
    }

    /// Whether the stage runs on the map side of the seam (stages 1–6).
    pub const fn map_side(self) -> bool {
        !matches!(self, Stage::Aggregate | Stage::Features)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A partitioning scheme whose loads are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    ByDomain,
    ByHash,
    SaltedHotKeys,
}

impl Scheme {
    pub const ALL: [Scheme; 3] = [Scheme::ByDomain, Scheme::ByHash, Scheme::SaltedHotKeys];

    /// The scheme a design's partitioning uses.
    pub fn of(partitioning: Partitioning) -> Scheme {
        match partitioning {
            Partitioning::ByDomain => Scheme::ByDomain,
            Partitioning::ByHash => Scheme::ByHash,
            Partitioning::SaltedHotKeys { .. } => Scheme::SaltedHotKeys,
        }
    }
}

/// How the shuffle is counted: how many partitions, which domains are hot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PartitionLayout {
    /// Target partitions: one per core of the largest alternative
    /// (`nodes · cores_per_node`), at most [`MAX_PROFILE_PARTITIONS`]. A
    /// scheme with fewer keys than this uses one partition per key.
    pub partitions: u32,
    /// Salt buckets per hot domain: the largest of the salted alternatives.
    pub salt_buckets: u32,
    /// Domains whose expected share exceeds `1 / partitions`: they would
    /// overload one partition, so the salted scheme splits them.
    pub hot_domains: Vec<u32>,
}

impl PartitionLayout {
    pub fn for_review(review: &Review, domain_shares: &[f64]) -> PartitionLayout {
        let cores = review
            .alternatives
            .iter()
            .map(|a| u64::from(a.design.nodes) * u64::from(a.design.cores_per_node))
            .max()
            .unwrap_or(1);
        let partitions = cores.clamp(1, u64::from(MAX_PROFILE_PARTITIONS)) as u32;
        let salt_buckets = review
            .alternatives
            .iter()
            .filter_map(|a| match a.design.partitioning {
                Partitioning::SaltedHotKeys { salt_buckets } => Some(salt_buckets),
                _ => None,
            })
            .max()
            .unwrap_or(DEFAULT_SALT_BUCKETS)
            .clamp(1, limits::MAX_SALT_BUCKETS);
        let hot_domains = domain_shares
            .iter()
            .enumerate()
            .filter(|(_, &share)| share * f64::from(partitions) > 1.0)
            .map(|(domain, _)| domain as u32)
            .collect();
        PartitionLayout {
            partitions,
            salt_buckets,
            hot_domains,
        }
    }
}

/// Per-event partition look-ups precomputed from a [`PartitionLayout`].
#[derive(Clone, Debug)]
struct Router {
    /// Partitions per scheme.
    counts: [u32; 3],
    /// By domain: `domain % partitions`.
    domain_partition: Vec<u32>,
    /// Salted: first partition of each domain's key range, and its salts.
    salted_base: Vec<(u32, u32)>,
    hash_key: u64,
}

impl Router {
    fn new(layout: &PartitionLayout, domains: u32, datasets: u64, seed: u64) -> Router {
        let p = layout.partitions.max(1);
        let by_domain = p.min(domains.max(1));
        let by_hash = u64::from(p).min(datasets.max(1)) as u32;
        let salts_of = |domain: u32| {
            if layout.hot_domains.binary_search(&domain).is_ok() {
                layout.salt_buckets.max(1)
            } else {
                1
            }
        };
        let keys: u64 = (0..domains).map(|d| u64::from(salts_of(d))).sum();
        let salted = u64::from(p).min(keys.max(1)) as u32;
        let mut next_key = 0u64;
        let salted_base = (0..domains)
            .map(|d| {
                let salts = salts_of(d).min(salted);
                let base = (next_key % u64::from(salted)) as u32;
                next_key += u64::from(salts_of(d));
                (base, salts)
            })
            .collect();
        Router {
            counts: [by_domain, by_hash, salted],
            domain_partition: (0..domains).map(|d| d % by_domain).collect(),
            salted_base,
            hash_key: mix64(seed ^ 0x5ca1_ab1e_0000_0001),
        }
    }

    #[inline]
    fn route(&self, event: &Event) -> [u32; 3] {
        let by_domain = self
            .domain_partition
            .get(event.domain as usize)
            .copied()
            .unwrap_or(0);
        let [_, hash_count, salted_count] = self.counts;
        // Fibonacci hashing: one multiply spreads consecutive ids evenly.
        let h = (u64::from(event.dataset_id) ^ self.hash_key).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let by_hash = (((h >> 32) * u64::from(hash_count)) >> 32) as u32;
        let (base, salts) = self
            .salted_base
            .get(event.domain as usize)
            .copied()
            .unwrap_or((0, 1));
        // Round-robin over the salts by event index (a deterministic spread).
        let spread = event.index.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32;
        let salt = ((spread * u64::from(salts)) >> 32) as u32;
        let mut salted = base + salt;
        if salted >= salted_count {
            salted -= salted_count;
        }
        [by_domain, by_hash, salted]
    }
}

/// Histogram bins of the freshness lag: 8 per octave from 2⁻⁷ s to 2²⁵ s.
pub(crate) const LAG_BINS: usize = 256;
/// `f32` bits of 2⁻⁷ shifted to keep 3 mantissa bits: the first bin.
const LAG_BIN_OFFSET: u32 = (120 << 23) >> 20;

#[inline]
fn lag_bin(lag_s: f32) -> usize {
    let key = (lag_s.max(0.0).to_bits() >> 20).saturating_sub(LAG_BIN_OFFSET);
    (key as usize).min(LAG_BINS - 1)
}

/// Upper edge of a lag bin, in seconds.
pub(crate) fn lag_bin_upper_s(bin: usize) -> f64 {
    f64::from(f32::from_bits((bin as u32 + 1 + LAG_BIN_OFFSET) << 20))
}

/// Freshness lags are summed in whole milliseconds, capped at 2⁴² ms so
/// squared sums fit `u128`.
const MAX_LAG_MS: u64 = 1 << 42;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct QualityTally {
    pub(crate) freshness_breaches: u64,
    pub(crate) schema_drift: u64,
    pub(crate) nulls: u64,
    pub(crate) out_of_range: u64,
    pub(crate) failed_any: u64,
    #[serde(with = "crate::serde_array")]
    pub(crate) lag_histogram: [u64; LAG_BINS],
}

impl Default for QualityTally {
    fn default() -> Self {
        QualityTally {
            freshness_breaches: 0,
            schema_drift: 0,
            nulls: 0,
            out_of_range: 0,
            failed_any: 0,
            lag_histogram: [0; LAG_BINS],
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LineageTally {
    pub(crate) expected: u64,
    pub(crate) recorded: u64,
    pub(crate) incomplete_events: u64,
    pub(crate) no_lineage_events: u64,
    pub(crate) source_events: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Load {
    pub(crate) events: u64,
    pub(crate) bytes: u128,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DomainMoments {
    pub(crate) events: u64,
    pub(crate) drift: u64,
    pub(crate) bytes: u128,
    pub(crate) bytes_sq: u128,
    pub(crate) lag_ms: u128,
    pub(crate) lag_ms_sq: u128,
}

/// What the map side (stages 1–6) counts over a range of deliveries:
/// integers only, merged by sums (and the dedup peak by a maximum), so any
/// split of the deliveries into ranges, merged in any order, gives the same
/// tally. Serde: a distributed runner sends partial tallies between
/// processes to merge them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapTally {
    pub(crate) deliveries: u64,
    /// Payload bytes and rows of every delivery (what is read).
    pub(crate) bytes: u128,
    pub(crate) rows: u64,
    pub(crate) payload: PayloadTally,
    pub(crate) redeliveries: u64,
    pub(crate) unique_events: u64,
    /// Most distinct ids the dedup window held after any delivery.
    pub(crate) peak_window_entries: u64,
    pub(crate) quality: QualityTally,
    pub(crate) lineage: LineageTally,
    pub(crate) policy: PolicyTally,
}

impl MapTally {
    /// Deliveries mapped.
    pub fn deliveries(&self) -> u64 {
        self.deliveries
    }

    /// Deliveries that survived dedup (the routed records emitted).
    pub fn unique_events(&self) -> u64 {
        self.unique_events
    }

    /// Adds `other` (order does not matter).
    pub fn merge(&mut self, other: &MapTally) {
        self.deliveries += other.deliveries;
        self.bytes += other.bytes;
        self.rows += other.rows;
        self.payload.merge(&other.payload);
        self.redeliveries += other.redeliveries;
        self.unique_events += other.unique_events;
        self.peak_window_entries = self.peak_window_entries.max(other.peak_window_entries);
        let (q, o) = (&mut self.quality, &other.quality);
        q.freshness_breaches += o.freshness_breaches;
        q.schema_drift += o.schema_drift;
        q.nulls += o.nulls;
        q.out_of_range += o.out_of_range;
        q.failed_any += o.failed_any;
        for (a, b) in q.lag_histogram.iter_mut().zip(&o.lag_histogram) {
            *a += b;
        }
        let (l, o) = (&mut self.lineage, &other.lineage);
        l.expected += o.expected;
        l.recorded += o.recorded;
        l.incomplete_events += o.incomplete_events;
        l.no_lineage_events += o.no_lineage_events;
        l.source_events += o.source_events;
        self.policy.merge(&other.policy);
    }
}

/// What the reduce side (stages 7–8) counts from routed records: partition
/// loads per scheme and per-domain moments. Integers only, merged by sums.
/// Serde, like [`MapTally`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReduceTally {
    pub(crate) events: u64,
    pub(crate) bytes: u128,
    pub(crate) partitions: [Vec<Load>; 3],
    pub(crate) features: Vec<DomainMoments>,
}

impl ReduceTally {
    fn new(router: &Router, domains: u32) -> ReduceTally {
        let [a, b, c] = router.counts;
        ReduceTally {
            events: 0,
            bytes: 0,
            partitions: [
                vec![Load::default(); a as usize],
                vec![Load::default(); b as usize],
                vec![Load::default(); c as usize],
            ],
            features: vec![DomainMoments::default(); domains as usize],
        }
    }

    fn clear(&mut self) {
        self.events = 0;
        self.bytes = 0;
        for loads in &mut self.partitions {
            loads.fill(Load::default());
        }
        self.features.fill(DomainMoments::default());
    }

    /// Records absorbed.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Adds `other` (order does not matter; both must come from the same
    /// pipeline).
    pub fn merge(&mut self, other: &ReduceTally) {
        self.events += other.events;
        self.bytes += other.bytes;
        for (mine, theirs) in self.partitions.iter_mut().zip(&other.partitions) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                a.events += b.events;
                a.bytes += b.bytes;
            }
        }
        for (a, b) in self.features.iter_mut().zip(&other.features) {
            a.events += b.events;
            a.drift += b.drift;
            a.bytes += b.bytes;
            a.bytes_sq += b.bytes_sq;
            a.lag_ms += b.lag_ms;
            a.lag_ms_sq += b.lag_ms_sq;
        }
    }
}

/// One event that survived the map side, as the reduce side needs it: its
/// partition under each scheme (the routing keys of the shuffle), its
/// domain and the values the reduce side aggregates. 32 bytes in memory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutedRecord {
    /// Partition per scheme, in [`Scheme::ALL`] order.
    pub partitions: [u32; 3],
    pub domain: u32,
    pub schema_drift: bool,
    /// Payload bytes.
    pub bytes: u64,
    /// Freshness lag in whole milliseconds (capped at 2⁴² ms).
    pub lag_ms: u64,
}

impl RoutedRecord {
    /// The routing key under `scheme`: a distributed runner sends the record
    /// to the worker that owns this partition.
    pub fn partition(&self, scheme: Scheme) -> u32 {
        let index = match scheme {
            Scheme::ByDomain => 0,
            Scheme::ByHash => 1,
            Scheme::SaltedHotKeys => 2,
        };
        self.partitions.get(index).copied().unwrap_or(0)
    }
}

/// The immutable part of a run, shared by all lanes (and all workers of a
/// distributed runner: it is a pure function of the review).
#[derive(Clone, Debug)]
pub struct Pipeline {
    generator: EventGenerator,
    payload: PayloadFormat,
    policies: PolicySet,
    layout: PartitionLayout,
    router: Router,
    freshness_sla_s: f32,
    seed: u64,
    workload: Workload,
}

impl Pipeline {
    /// Builds the tables for a (validated) review.
    pub fn new(review: &Review) -> Pipeline {
        let workload = &review.workload;
        let generator = EventGenerator::new(workload, review.seed);
        let layout = PartitionLayout::for_review(review, &generator.domain_shares());
        let datasets = u64::from(workload.domains) * u64::from(workload.datasets_per_domain);
        let router = Router::new(&layout, generator.domains(), datasets, review.seed);
        Pipeline {
            payload: PayloadFormat::new(workload, review.seed),
            generator,
            policies: PolicySet::builtin(),
            layout,
            router,
            freshness_sla_s: workload.freshness_sla_s as f32,
            seed: review.seed,
            workload: workload.clone(),
        }
    }

    /// Deliveries in the sample (`workload.sample_events`).
    pub fn events(&self) -> u64 {
        self.generator.events()
    }

    pub fn generator(&self) -> &EventGenerator {
        &self.generator
    }

    pub fn payload_format(&self) -> &PayloadFormat {
        &self.payload
    }

    pub fn layout(&self) -> &PartitionLayout {
        &self.layout
    }

    /// Deliveries the dedup window spans at the sample's density.
    pub fn window_events(&self) -> u64 {
        self.generator.plan().window_events()
    }

    pub fn new_map_tally(&self) -> MapTally {
        MapTally::default()
    }

    pub fn new_reduce_tally(&self) -> ReduceTally {
        ReduceTally::new(&self.router, self.generator.domains())
    }

    /// Chunks needed for `events` events.
    pub fn chunks(events: u64) -> u64 {
        events.div_ceil(CHUNK_EVENTS as u64)
    }

    /// The reduce side: absorbs routed records (any subset, in any order)
    /// into `tally` — stages 7 (aggregate) and 8 (features).
    pub fn reduce(&self, records: &[RoutedRecord], tally: &mut ReduceTally) {
        Self::aggregate(records, tally);
        Self::features(records, tally);
    }

    /// [`Pipeline::reduce`], each stage timed into `times` with `clock`
    /// (the in-process lanes and a distributed runner's reduce side).
    pub fn reduce_timed(
        &self,
        records: &[RoutedRecord],
        tally: &mut ReduceTally,
        clock: &dyn Clock,
        times: &mut StageTimes,
    ) {
        let mut watch = Stopwatch::start(clock);
        Self::aggregate(records, tally);
        watch.lap(times.stage_mut(Stage::Aggregate));
        Self::features(records, tally);
        watch.lap(times.stage_mut(Stage::Features));
    }

    /// The densities of the working-set probes: a quarter, a half and all of
    /// the sample's deliveries over the same batch window. The largest is
    /// the sample itself (its peak comes from the pass).
    pub fn state_densities(&self) -> [u64; 3] {
        let n = self.events();
        [(n / 4).max(1), (n / 2).max(1), n]
    }

    /// A dedup-only pass over the ids of `deliveries` deliveries of the
    /// production batch over the same window (the state probe at that
    /// density).
    pub fn state_probe(&self, deliveries: u64) -> StateProbe {
        StateProbe::new(DeliveryPlan::new(&self.workload, self.seed, deliveries))
    }

    fn quality(&self, events: &[Event], tally: &mut QualityTally) {
        let sla = self.freshness_sla_s;
        for e in events {
            let breach = e.freshness_lag_s > sla;
            tally.freshness_breaches += u64::from(breach);
            tally.schema_drift += u64::from(e.schema_drift);
            tally.nulls += u64::from(e.has_nulls);
            tally.out_of_range += u64::from(e.out_of_range);
            tally.failed_any += u64::from(breach | e.schema_drift | e.has_nulls | e.out_of_range);
            if let Some(bin) = tally.lag_histogram.get_mut(lag_bin(e.freshness_lag_s)) {
                *bin += 1;
            }
        }
    }

    fn lineage(events: &[Event], tally: &mut LineageTally) {
        for e in events {
            let expected = u64::from(e.lineage_expected);
            let recorded = u64::from(e.lineage_recorded);
            tally.expected += expected;
            tally.recorded += recorded;
            tally.incomplete_events += u64::from(recorded < expected);
            tally.no_lineage_events += u64::from(expected > 0 && recorded == 0);
            tally.source_events += u64::from(expected == 0);
        }
    }

    /// The map side's half of the shuffle: one routed record per event.
    fn route(&self, events: &[Event], out: &mut Vec<RoutedRecord>) {
        out.extend(events.iter().map(|e| {
            // Via i64: one instruction (u64 conversions are emulated on x86-64);
            // the clamp keeps the value in range first.
            let lag_ms = (f64::from(e.freshness_lag_s) * 1e3 + 0.5).clamp(0.0, MAX_LAG_MS as f64)
                as i64 as u64;
            RoutedRecord {
                partitions: self.router.route(e),
                domain: e.domain,
                schema_drift: e.schema_drift,
                bytes: e.bytes,
                lag_ms,
            }
        }));
    }

    fn aggregate(records: &[RoutedRecord], tally: &mut ReduceTally) {
        let [by_domain, by_hash, salted] = &mut tally.partitions;
        for r in records {
            let bytes = u128::from(r.bytes);
            tally.events += 1;
            tally.bytes += bytes;
            let [d, h, s] = r.partitions;
            if let Some(load) = by_domain.get_mut(d as usize) {
                load.events += 1;
                load.bytes += bytes;
            }
            if let Some(load) = by_hash.get_mut(h as usize) {
                load.events += 1;
                load.bytes += bytes;
            }
            if let Some(load) = salted.get_mut(s as usize) {
                load.events += 1;
                load.bytes += bytes;
            }
        }
    }

    fn features(records: &[RoutedRecord], tally: &mut ReduceTally) {
        for r in records {
            let Some(m) = tally.features.get_mut(r.domain as usize) else {
                continue;
            };
            let bytes = u128::from(r.bytes);
            let lag_ms = u128::from(r.lag_ms);
            m.events += 1;
            m.drift += u64::from(r.schema_drift);
            m.bytes += bytes;
            m.bytes_sq += bytes * bytes;
            m.lag_ms += lag_ms;
            m.lag_ms_sq += lag_ms * lag_ms;
        }
    }
}

/// Seconds a lane spent, per stage and outside the stages.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StageTimes {
    /// Per [`Stage`], in [`Stage::ALL`] order.
    pub stage_s: [f64; Stage::COUNT],
    /// Generating events, encoding records, synthesising payload bytes.
    pub generation_s: f64,
    /// Pre-loading a dedup window before a slice that does not start at 0.
    pub halo_s: f64,
}

impl StageTimes {
    fn add(&mut self, other: &StageTimes) {
        for (a, b) in self.stage_s.iter_mut().zip(&other.stage_s) {
            *a += b;
        }
        self.generation_s += other.generation_s;
        self.halo_s += other.halo_s;
    }

    fn stage_mut(&mut self, stage: Stage) -> Option<&mut f64> {
        self.stage_s.get_mut(stage.index())
    }
}

/// Reads the clock and charges the time since the previous read.
struct Stopwatch<'c> {
    clock: &'c dyn Clock,
    last: f64,
}

impl<'c> Stopwatch<'c> {
    fn start(clock: &'c dyn Clock) -> Self {
        Stopwatch {
            last: clock.now().0,
            clock,
        }
    }

    fn lap(&mut self, slot: Option<&mut f64>) {
        let now = self.clock.now().0;
        if let Some(slot) = slot {
            *slot += (now - self.last).max(0.0);
        }
        self.last = now;
    }
}

/// The map side of one worker (stages 1–6): its buffers and its dedup
/// window. Deliveries are mapped in increasing, contiguous order from the
/// first one; a range that does not continue the previous one first
/// pre-loads the window with the `W` ids before it (the halo), so the
/// decisions are those of one sequential pass over the whole sample,
/// however the sample is split among mappers.
#[derive(Debug)]
pub struct Mapper {
    events: Vec<Event>,
    records: Vec<u8>,
    payload: Vec<u8>,
    /// Per buffered payload: the event's slot in `events` and its first byte.
    payload_events: Vec<(usize, usize)>,
    window: DedupWindow,
    /// The delivery that continues the current range (`None` before the first).
    next: Option<u64>,
}

impl Mapper {
    pub fn new(pipeline: &Pipeline) -> Mapper {
        Mapper {
            events: Vec::with_capacity(CHUNK_EVENTS),
            records: Vec::with_capacity(CHUNK_EVENTS * crate::events::RECORD_BYTES),
            // Allocated at their bounds (untouched pages cost no memory), so
            // they never grow: a flush empties the payload buffer before an
            // event would overflow it, and a chunk has CHUNK_EVENTS events.
            payload: Vec::with_capacity(MAX_ROW_BYTES),
            payload_events: Vec::with_capacity(CHUNK_EVENTS),
            window: DedupWindow::new(pipeline.window_events()),
            next: None,
        }
    }

    /// Forgets the current range (the next call pre-loads its halo).
    pub fn reset(&mut self) {
        self.next = None;
    }

    /// Heap bytes of the mapper's buffers and window (capacities): bounded
    /// by the chunk size, the payload buffer and the window, never by the
    /// number of events mapped.
    pub fn heap_bytes(&self) -> u64 {
        (self.events.capacity() * std::mem::size_of::<Event>()
            + self.records.capacity()
            + self.payload.capacity()
            + self.payload_events.capacity() * std::mem::size_of::<(usize, usize)>()) as u64
            + self.window.heap_bytes()
    }

    /// Maps deliveries `range` (any range of the sample), untimed: emits the
    /// routed records of each chunk through `emit` and counts into `tally`.
    /// This is the entry point of a distributed runner's map side.
    pub fn map_range(
        &mut self,
        pipeline: &Pipeline,
        range: Range<u64>,
        tally: &mut MapTally,
        emit: &mut dyn FnMut(&[RoutedRecord]),
    ) -> Result<(), CoreError> {
        let clock = crate::clock::FrozenClock;
        let mut times = StageTimes::default();
        let mut routed = Vec::with_capacity(CHUNK_EVENTS);
        let end = range.end.min(pipeline.events());
        let mut start = range.start;
        while start < end {
            let len = (end - start).min(CHUNK_EVENTS as u64) as usize;
            routed.clear();
            self.map(pipeline, start, len, &clock, &mut times, tally, &mut routed)?;
            emit(&routed);
            start += len as u64;
        }
        Ok(())
    }

    fn preload(&mut self, pipeline: &Pipeline, first: u64) {
        let plan = pipeline.generator.plan();
        let halo = first.saturating_sub(self.window.window());
        self.window.start(halo);
        for index in halo..first {
            self.window.preload(plan.event_id(index));
        }
        self.next = Some(first);
    }

    /// Stages 1–6 over deliveries `start..start + len` (`len ≤
    /// CHUNK_EVENTS`), timed into `times`; appends one routed record per
    /// surviving event to `out`.
    #[allow(clippy::too_many_arguments)]
    pub fn map(
        &mut self,
        pipeline: &Pipeline,
        start: u64,
        len: usize,
        clock: &dyn Clock,
        times: &mut StageTimes,
        tally: &mut MapTally,
        out: &mut Vec<RoutedRecord>,
    ) -> Result<(), CoreError> {
        let mut watch = Stopwatch::start(clock);
        if self.next != Some(start) {
            self.preload(pipeline, start);
            watch.lap(Some(&mut times.halo_s));
        }
        // Generation: the synthetic input, not pipeline work.
        self.events.resize(len, Event::EMPTY);
        pipeline.generator.fill(start, &mut self.events);
        encode_records(&self.events, &mut self.records);
        watch.lap(Some(&mut times.generation_s));

        // 1. decode
        parse_records(&self.records, &mut self.events)?;
        tally.deliveries += len as u64;
        for e in &self.events {
            tally.bytes += u128::from(e.bytes);
            tally.rows += u64::from(e.rows);
        }
        watch.lap(times.stage_mut(Stage::Decode));

        // 2. payload, on the subsample; synthesis is generation.
        self.payload_stage(pipeline, start, &mut watch, times, &mut tally.payload);

        // 3. dedup: keep the deliveries whose id is not in the window.
        let window = &mut self.window;
        let mut dropped = 0u64;
        self.events.retain(|e| {
            let duplicate = window.observe(e.event_id);
            dropped += u64::from(duplicate);
            !duplicate
        });
        tally.redeliveries += dropped;
        tally.unique_events += self.events.len() as u64;
        tally.peak_window_entries = tally.peak_window_entries.max(window.peak_entries());
        self.next = Some(start + len as u64);
        watch.lap(times.stage_mut(Stage::Dedup));

        // 4.–6.
        let events = self.events.as_slice();
        pipeline.quality(events, &mut tally.quality);
        watch.lap(times.stage_mut(Stage::Quality));
        Pipeline::lineage(events, &mut tally.lineage);
        watch.lap(times.stage_mut(Stage::Lineage));
        tally.policy.record(&pipeline.policies, events);
        watch.lap(times.stage_mut(Stage::AccessPolicy));

        // The map side's half of the shuffle.
        pipeline.route(events, out);
        watch.lap(times.stage_mut(Stage::Aggregate));
        Ok(())
    }

    /// Materialises the payloads of the chunk's sampled deliveries into the
    /// buffer (at most [`MAX_ROW_BYTES`] at a time) and scans them.
    fn payload_stage(
        &mut self,
        pipeline: &Pipeline,
        start: u64,
        watch: &mut Stopwatch<'_>,
        times: &mut StageTimes,
        tally: &mut PayloadTally,
    ) {
        let format = &pipeline.payload;
        let stride = format.stride();
        let row_bytes = format.row_bytes();
        let first = (stride - start % stride) % stride;
        let len = self.events.len() as u64;
        let mut offset = first;
        while offset < len {
            self.payload.clear();
            self.payload_events.clear();
            while offset < len {
                let slot = offset as usize;
                let Some(event) = self.events.get(slot) else {
                    break;
                };
                let bytes = format.rows_of(event).0 * row_bytes;
                if !self.payload.is_empty() && self.payload.len() + bytes > MAX_ROW_BYTES {
                    break;
                }
                self.payload_events.push((slot, self.payload.len()));
                format.synthesize(event, &mut self.payload);
                offset = offset.saturating_add(stride);
            }
            watch.lap(Some(&mut times.generation_s));
            let ends = self
                .payload_events
                .iter()
                .skip(1)
                .map(|&(_, from)| from)
                .chain(std::iter::once(self.payload.len()));
            for (&(slot, from), to) in self.payload_events.iter().zip(ends) {
                if let (Some(event), Some(bytes)) =
                    (self.events.get(slot), self.payload.get(from..to))
                {
                    format.scan(event, bytes, tally);
                }
            }
            watch.lap(times.stage_mut(Stage::Payload));
        }
    }
}

/// One worker lane of the in-process pass: a mapper, the reduce side's
/// tally, its routed-record buffer and its times.
#[derive(Debug)]
pub struct Lane {
    mapper: Mapper,
    routed: Vec<RoutedRecord>,
    map: MapTally,
    reduce: ReduceTally,
    times: StageTimes,
    /// This pass's chunks for the lane, and the next one to run.
    slice: Range<u64>,
    cursor: u64,
}

impl Lane {
    pub fn new(pipeline: &Pipeline) -> Lane {
        Lane {
            mapper: Mapper::new(pipeline),
            routed: Vec::with_capacity(CHUNK_EVENTS),
            map: pipeline.new_map_tally(),
            reduce: pipeline.new_reduce_tally(),
            times: StageTimes::default(),
            slice: 0..0,
            cursor: 0,
        }
    }

    fn reset(&mut self, slice: Range<u64>) {
        self.map = MapTally::default();
        self.reduce.clear();
        self.times = StageTimes::default();
        self.mapper.reset();
        self.cursor = slice.start;
        self.slice = slice;
    }

    /// Heap bytes of the lane's buffers (see [`Mapper::heap_bytes`]).
    pub fn heap_bytes(&self) -> u64 {
        self.mapper.heap_bytes()
            + (self.routed.capacity() * std::mem::size_of::<RoutedRecord>()) as u64
    }

    /// Every stage over deliveries `start..start + len` (`len ≤
    /// CHUNK_EVENTS`): the map side, then the reduce side on the same lane.
    fn run_chunk(
        &mut self,
        pipeline: &Pipeline,
        start: u64,
        len: usize,
        clock: &dyn Clock,
    ) -> Result<(), CoreError> {
        self.routed.clear();
        self.mapper.map(
            pipeline,
            start,
            len,
            clock,
            &mut self.times,
            &mut self.map,
            &mut self.routed,
        )?;
        pipeline.reduce_timed(&self.routed, &mut self.reduce, clock, &mut self.times);
        Ok(())
    }
}

/// One streaming pass over deliveries `0..events` with a fixed number of
/// lanes, each owning a contiguous slice, advanced a batch at a time.
#[derive(Debug)]
pub struct Pass {
    lanes: usize,
    events: u64,
    chunks: u64,
    chunks_done: u64,
    /// Wall time of all batches so far.
    pub wall_s: f64,
    pub batches: u32,
    pub max_batch_wall_s: f64,
}

impl Pass {
    pub fn new(events: u64, lanes: usize) -> Pass {
        Pass {
            lanes: lanes.max(1),
            events,
            chunks: Pipeline::chunks(events),
            chunks_done: 0,
            wall_s: 0.0,
            batches: 0,
            max_batch_wall_s: 0.0,
        }
    }

    pub fn lanes(&self) -> usize {
        self.lanes
    }

    pub fn events(&self) -> u64 {
        self.events
    }

    pub fn is_done(&self) -> bool {
        self.chunks_done >= self.chunks
    }

    /// Events processed so far.
    pub fn events_done(&self) -> u64 {
        (self.chunks_done * CHUNK_EVENTS as u64).min(self.events)
    }

    /// Lane `j`'s chunks: `j·C/L .. (j+1)·C/L`.
    fn slice(&self, lane: usize) -> Range<u64> {
        let (c, l, j) = (self.chunks, self.lanes as u64, lane as u64);
        (j * c / l)..((j + 1) * c / l)
    }

    /// Gives every lane its slice and clears its tallies and times, before
    /// the first batch.
    pub fn start(&self, pipeline: &Pipeline, lanes: &mut Vec<Lane>) {
        while lanes.len() < self.lanes {
            lanes.push(Lane::new(pipeline));
        }
        for (j, lane) in lanes.iter_mut().enumerate() {
            let slice = if j < self.lanes { self.slice(j) } else { 0..0 };
            lane.reset(slice);
        }
    }

    /// Runs the next batch (up to [`CHUNKS_PER_LANE`] chunks of every lane's
    /// slice) on the current rayon pool.
    pub fn run_batch(
        &mut self,
        pipeline: &Pipeline,
        lanes: &mut [Lane],
        clock: &dyn Clock,
    ) -> Result<(), CoreError> {
        if self.is_done() {
            return Ok(());
        }
        let events = self.events;
        let mut results: Vec<Result<u64, CoreError>> = Vec::new();
        results.resize_with(self.lanes, || Ok(0));
        let begin = clock.now().0;
        rayon::scope(|scope| {
            for (lane, result) in lanes.iter_mut().zip(results.iter_mut()) {
                let to = lane.slice.end.min(lane.cursor + CHUNKS_PER_LANE);
                if lane.cursor >= to {
                    continue;
                }
                scope.spawn(move |_| {
                    let mut done = 0;
                    while lane.cursor < to {
                        let start = lane.cursor * CHUNK_EVENTS as u64;
                        let len = (events - start.min(events)).min(CHUNK_EVENTS as u64) as usize;
                        if let Err(error) = lane.run_chunk(pipeline, start, len, clock) {
                            *result = Err(error);
                            return;
                        }
                        lane.cursor += 1;
                        done += 1;
                    }
                    *result = Ok(done);
                });
            }
        });
        let wall = (clock.now().0 - begin).max(0.0);
        self.wall_s += wall;
        self.max_batch_wall_s = self.max_batch_wall_s.max(wall);
        self.batches += 1;
        for result in results {
            self.chunks_done += result?;
        }
        Ok(())
    }

    /// Per-stage times summed over lanes.
    pub fn times(&self, lanes: &[Lane]) -> StageTimes {
        let mut total = StageTimes::default();
        for lane in lanes.iter().take(self.lanes) {
            total.add(&lane.times);
        }
        total
    }

    /// The lanes' map-side tallies, merged.
    pub fn map_tally(&self, lanes: &[Lane]) -> MapTally {
        let mut total = MapTally::default();
        for lane in lanes.iter().take(self.lanes) {
            total.merge(&lane.map);
        }
        total
    }

    /// The lanes' reduce-side tallies, merged.
    pub fn reduce_tally(&self, pipeline: &Pipeline, lanes: &[Lane]) -> ReduceTally {
        let mut total = pipeline.new_reduce_tally();
        for lane in lanes.iter().take(self.lanes) {
            total.merge(&lane.reduce);
        }
        total
    }
}

/// Deliveries a [`StateProbe`] step handles at most.
pub const PROBE_EVENTS_PER_STEP: u64 = 4 * CHUNKS_PER_LANE * CHUNK_EVENTS as u64;

/// A dedup-only pass over the ids of one density of the batch: the peak
/// entries of the window, deterministic, advanced in bounded steps.
#[derive(Debug)]
pub struct StateProbe {
    plan: DeliveryPlan,
    window: DedupWindow,
    next: u64,
}

impl StateProbe {
    fn new(plan: DeliveryPlan) -> StateProbe {
        let mut window = DedupWindow::new(plan.window_events());
        window.start(0);
        StateProbe {
            plan,
            window,
            next: 0,
        }
    }

    pub fn deliveries(&self) -> u64 {
        self.plan.deliveries()
    }

    pub fn deliveries_done(&self) -> u64 {
        self.next
    }

    pub fn is_done(&self) -> bool {
        self.next >= self.plan.deliveries()
    }

    /// Observes up to `max` more deliveries.
    pub fn step(&mut self, max: u64) {
        let end = self.plan.deliveries().min(self.next.saturating_add(max));
        for index in self.next..end {
            self.window.observe(self.plan.event_id(index));
        }
        self.next = end;
    }

    /// Runs to the end.
    pub fn run(mut self) -> StatePoint {
        while !self.is_done() {
            self.step(PROBE_EVENTS_PER_STEP);
        }
        self.point()
    }

    /// The probe's result so far.
    pub fn point(&self) -> StatePoint {
        StatePoint::new(
            self.plan.deliveries(),
            self.plan.window_events(),
            self.window.peak_entries(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SteppingClock;
    use crate::units::Seconds;

    fn small_review(events: u64) -> Review {
        let mut review = Review::example();
        review.workload.events = events;
        review.workload.sample_events = events;
        review
    }

    #[expect(
        clippy::disallowed_methods,
        reason = "the tests compare thread counts: they build the pools they compare"
    )]
    fn on_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(f)
    }

    fn probes(pipeline: &Pipeline) -> Vec<StatePoint> {
        let [quarter, half, _] = pipeline.state_densities();
        vec![
            pipeline.state_probe(quarter).run(),
            pipeline.state_probe(half).run(),
        ]
    }

    /// Runs a whole pass with `lanes` lanes on a fresh pool of `threads`.
    fn run(review: &Review, threads: usize, lanes: usize) -> DataProfile {
        on_pool(threads, || {
            let pipeline = Pipeline::new(review);
            let mut lane_buffers = Vec::new();
            let mut pass = Pass::new(pipeline.events(), lanes);
            pass.start(&pipeline, &mut lane_buffers);
            let clock = SteppingClock::new(Seconds(1e-6));
            while !pass.is_done() {
                pass.run_batch(&pipeline, &mut lane_buffers, &clock)
                    .unwrap();
            }
            DataProfile::from_tallies(
                &pipeline,
                &pass.map_tally(&lane_buffers),
                &pass.reduce_tally(&pipeline, &lane_buffers),
                &probes(&pipeline),
            )
        })
    }

    /// A review with many redeliveries in a window of a few chunks, so that
    /// lane slices start inside each other's windows.
    fn redelivering_review(events: u64) -> Review {
        let mut review = small_review(events);
        review.workload.duplicate_rate = 0.2;
        // ~1.5 chunks of deliveries per window.
        review.workload.dedup_window_s =
            review.workload.batch_window_s * 1.5 * CHUNK_EVENTS as f64 / events as f64;
        review
    }

    #[test]
    fn data_profile_is_identical_for_any_lane_and_thread_count() {
        // Not a multiple of the chunk size, so the last chunk is partial, and
        // enough chunks that 3 lanes split them unevenly.
        let review = redelivering_review(5 * CHUNK_EVENTS as u64 + 1_234);
        let reference = serde_json::to_string(&run(&review, 1, 1)).unwrap();
        for (threads, lanes) in [(1, 3), (4, 1), (4, 4), (4, 7), (2, 13)] {
            let other = serde_json::to_string(&run(&review, threads, lanes)).unwrap();
            assert!(
                other == reference,
                "{threads} threads × {lanes} lanes differ"
            );
        }
    }

    #[test]
    fn dedup_drops_exactly_the_generated_redeliveries() {
        let review = redelivering_review(6 * CHUNK_EVENTS as u64 + 77);
        let generator = EventGenerator::new(&review.workload, review.seed);
        let plan = generator.plan();
        let generated = (0..generator.events())
            .filter(|&i| plan.is_redelivery(i))
            .count() as u64;
        let window = plan.window_events();
        assert!(window > CHUNK_EVENTS as u64, "{window}");
        // Every redelivery's original is within the window before it.
        for i in (0..generator.events()).filter(|&i| plan.is_redelivery(i)) {
            let origin = plan.origin(i);
            assert!(origin < i && i - origin <= window && !plan.is_redelivery(origin));
            assert_eq!(
                generator.event(i).event_id,
                generator.event(origin).event_id
            );
        }
        let share = generated as f64 / generator.events() as f64;
        assert!((0.15..=0.2).contains(&share), "{share}");
        for lanes in [1, 4] {
            let profile = run(&review, 2, lanes);
            assert_eq!(
                profile.dedup.redeliveries_dropped, generated,
                "{lanes} lanes"
            );
            assert_eq!(profile.dedup.unique_events, generator.events() - generated);
        }
    }

    #[test]
    fn digest_covers_the_content() {
        let review = small_review(20_000);
        let profile = run(&review, 1, 1);
        assert_eq!(profile.data_digest, profile.digest());
        assert_eq!(profile.data_digest.len(), 64);
        let mut changed = profile.clone();
        changed.quality.nulls += 1;
        assert_ne!(changed.digest(), profile.data_digest);
        let mut other_seed = review.clone();
        other_seed.seed += 1;
        assert_ne!(run(&other_seed, 1, 1).data_digest, profile.data_digest);
    }

    #[test]
    fn aggregates_agree_with_a_direct_count() {
        let review = redelivering_review(3 * CHUNK_EVENTS as u64 + 7);
        let profile = run(&review, 2, 2);
        let generator = EventGenerator::new(&review.workload, review.seed);
        let format = PayloadFormat::new(&review.workload, review.seed);
        let (mut breaches, mut nulls, mut incomplete, mut unique_bytes) = (0, 0, 0, 0u64);
        let (mut all_bytes, mut checked, mut flagged_nulls) = (0u64, 0u64, 0u64);
        for i in 0..generator.events() {
            let e = generator.event(i);
            all_bytes += e.bytes;
            if format.sampled(i) {
                checked += 1;
                flagged_nulls += u64::from(e.has_nulls);
            }
            if generator.plan().is_redelivery(i) {
                continue;
            }
            breaches += u64::from(f64::from(e.freshness_lag_s) > review.workload.freshness_sla_s);
            nulls += u64::from(e.has_nulls);
            incomplete += u64::from(e.lineage_recorded < e.lineage_expected);
            unique_bytes += e.bytes;
        }
        let unique = profile.dedup.unique_events;
        assert_eq!(profile.events, generator.events());
        assert_eq!(profile.total_bytes, all_bytes);
        assert_eq!(profile.quality.freshness_breaches, breaches);
        assert_eq!(profile.quality.nulls, nulls);
        assert_eq!(profile.lineage.incomplete_events, incomplete);
        for scheme in &profile.partitioning.schemes {
            let events: u64 = scheme.loads.iter().map(|l| l.events).sum();
            let scheme_bytes: u64 = scheme.loads.iter().map(|l| l.bytes).sum();
            assert_eq!(
                (events, scheme_bytes),
                (unique, unique_bytes),
                "{:?}",
                scheme.scheme
            );
        }
        let domain_events: u64 = profile.features.iter().map(|f| f.events).sum();
        assert_eq!(domain_events, unique);
        assert_eq!(profile.access.deny_overrides.events, unique);
        // The payload stage checked every stride-th delivery, and what its
        // rows showed agrees with the metadata flags.
        let payload = &profile.payload;
        assert_eq!(payload.events_checked, checked);
        assert_eq!(payload.events_with_null_rows, flagged_nulls);
        assert_eq!(payload.flag_mismatches, 0);
        assert_eq!(payload.malformed_rows, 0);
    }

    #[test]
    fn the_working_set_is_measured_at_three_densities() {
        let review = small_review(400_000);
        let profile = run(&review, 2, 2);
        let [state] = profile.state.as_slice() else {
            panic!("{:?}", profile.state)
        };
        assert_eq!(state.stage, Stage::Dedup);
        let events: Vec<u64> = state.points.iter().map(|p| p.events).collect();
        assert_eq!(events, [100_000, 200_000, 400_000]);
        // An hour of a day: 1/24 of the deliveries, most of them distinct.
        for p in &state.points {
            assert_eq!(p.window_events, p.events / 24);
            assert!(
                p.peak_entries <= p.window_events && p.peak_entries * 100 >= p.window_events * 98,
                "{p:?}"
            );
        }
        // Linear in the density: the slope is the window's share of events.
        assert!(state.fit.r2 > 0.999, "{:?}", state.fit);
        let slope = state.fit.entries_per_event;
        assert!((slope - 0.995 / 24.0).abs() < 0.002, "{slope}");
        let full = state.points[2];
        assert_eq!(full.state_bytes, DedupWindow::state_bytes(16_666));
        assert!(
            (state.bytes_per_entry - full.state_bytes as f64 / full.peak_entries as f64).abs()
                < 1e-9
        );
    }

    #[test]
    fn memory_does_not_grow_with_the_event_count() {
        // The same window in deliveries (the window is a fixed share of the
        // batch: scale it inversely) over 4× the events.
        let heap = |events: u64| {
            let mut review = small_review(events);
            review.workload.dedup_window_s = 600.0 * 400_000.0 / events as f64;
            let pipeline = Pipeline::new(&review);
            assert_eq!(pipeline.window_events(), 2_777);
            let mut lanes = Vec::new();
            let mut pass = Pass::new(pipeline.events(), 2);
            pass.start(&pipeline, &mut lanes);
            let before: u64 = lanes.iter().map(Lane::heap_bytes).sum();
            let clock = SteppingClock::new(Seconds(1e-6));
            while !pass.is_done() {
                pass.run_batch(&pipeline, &mut lanes, &clock).unwrap();
            }
            let after: u64 = lanes.iter().map(Lane::heap_bytes).sum();
            (before, after)
        };
        let (small_before, small) = heap(400_000);
        let (large_before, large) = heap(1_600_000);
        // Nothing grows while the pass runs, at either size.
        assert_eq!((small_before, large_before), (small, large));
        assert_eq!(small, large);
        // Per lane: the chunk's events, records and routed records, the
        // payload buffer and the window's exact state.
        let per_lane = CHUNK_EVENTS * std::mem::size_of::<Event>()
            + CHUNK_EVENTS * crate::events::RECORD_BYTES
            + CHUNK_EVENTS * std::mem::size_of::<RoutedRecord>()
            + CHUNK_EVENTS * std::mem::size_of::<(usize, usize)>()
            + MAX_ROW_BYTES;
        assert_eq!(
            small,
            2 * (per_lane as u64 + DedupWindow::state_bytes(2_777))
        );
    }

    /// The map/reduce seam: the sample split into ranges mapped separately
    /// (in a shuffled order), their routed records grouped by partition and
    /// absorbed by separate reducers, and the tallies merged in another
    /// order, give the byte-identical data profile of the in-process pass.
    #[test]
    fn a_map_reduce_split_gives_the_same_data_profile() {
        let review = redelivering_review(4 * CHUNK_EVENTS as u64 + 999);
        let reference = run(&review, 2, 3);
        let pipeline = Pipeline::new(&review);
        let n = pipeline.events();
        // Uneven ranges, not chunk-aligned, one starting inside the first
        // window.
        let cuts = [0, 5_000, 5_001, 31_000, 40_000, n];
        let ranges: Vec<Range<u64>> = cuts.windows(2).map(|w| w[0]..w[1]).collect();
        let workers = 3u32;
        let mut maps = Vec::new();
        let mut routed: Vec<Vec<RoutedRecord>> = vec![Vec::new(); workers as usize];
        for range in ranges.iter().rev() {
            let mut mapper = Mapper::new(&pipeline);
            let mut tally = pipeline.new_map_tally();
            mapper
                .map_range(&pipeline, range.clone(), &mut tally, &mut |records| {
                    // Exchange: by the by-hash partition.
                    for r in records {
                        let worker = r.partition(Scheme::ByHash) % workers;
                        routed[worker as usize].push(*r);
                    }
                })
                .unwrap();
            maps.push(tally);
        }
        let mut reduces = Vec::new();
        for records in &routed {
            let mut tally = pipeline.new_reduce_tally();
            pipeline.reduce(records, &mut tally);
            reduces.push(tally);
        }
        // The partial tallies cross processes in a distributed runner.
        let sent = |t: &MapTally| -> MapTally {
            serde_json::from_str(&serde_json::to_string(t).unwrap()).unwrap()
        };
        let mut map = pipeline.new_map_tally();
        for t in maps.iter().rev() {
            map.merge(&sent(t));
        }
        let mut reduce = pipeline.new_reduce_tally();
        for t in [&reduces[2], &reduces[0], &reduces[1]] {
            let t: ReduceTally = serde_json::from_str(&serde_json::to_string(t).unwrap()).unwrap();
            reduce.merge(&t);
        }
        assert_eq!(map.deliveries(), n);
        let split = DataProfile::from_tallies(&pipeline, &map, &reduce, &probes(&pipeline));
        assert_eq!(
            serde_json::to_string(&split).unwrap(),
            serde_json::to_string(&reference).unwrap()
        );
        assert!(split.dedup.redeliveries_dropped > 0);
    }

    #[test]
    fn salting_reduces_skew_of_hot_domains() {
        let profile = run(&small_review(200_000), 2, 2);
        let layout = &profile.partitioning.layout;
        assert_eq!(layout.partitions, 128);
        assert_eq!(layout.salt_buckets, 8);
        assert!(layout.hot_domains.contains(&0));
        let skew = |scheme| {
            profile
                .partitioning
                .scheme(scheme)
                .unwrap()
                .skew_max_over_median
                .unwrap()
        };
        let (by_domain, by_hash, salted) = (
            skew(Scheme::ByDomain),
            skew(Scheme::ByHash),
            skew(Scheme::SaltedHotKeys),
        );
        assert!(by_domain > 10.0, "by domain {by_domain}");
        assert!(
            salted < by_domain / 3.0,
            "salted {salted} vs by domain {by_domain}"
        );
        assert!(by_hash < by_domain / 3.0, "by hash {by_hash}");
    }

    #[test]
    fn quality_and_lineage_rates_match_the_workload() {
        let review = small_review(100_000);
        let p = run(&review, 1, 1);
        let w = &review.workload;
        assert!(
            (p.quality.freshness_breach_rate - 0.0232).abs() < 0.002,
            "{}",
            p.quality.freshness_breach_rate
        );
        assert!((p.quality.null_rate - w.null_rate).abs() < 0.002);
        assert!((p.lineage.completeness - (1.0 - w.lineage_missing_rate)).abs() < 0.002);
        assert!((p.dedup.redelivery_rate - w.duplicate_rate).abs() < 0.001);
        // p50 lag within one histogram bin (12.5%) above the median.
        let p50 = p.quality.freshness_p50_s;
        assert!(
            p50 >= w.freshness_median_s && p50 < w.freshness_median_s * 1.2,
            "{p50}"
        );
        let top = &p.features[0];
        assert!(
            (top.bytes_mean / w.bytes_per_event - 1.0).abs() < 0.1,
            "{}",
            top.bytes_mean
        );
        assert!(
            (top.freshness_mean_s / (w.freshness_median_s * libm::exp(0.405)) - 1.0).abs() < 0.1
        );
        // The null and out-of-range rows the payload scan found are the
        // metadata's.
        assert!(p.payload.events_checked > 300);
        assert!(p.payload.null_rows > 0 || w.null_rate * p.payload.events_checked as f64 <= 3.0);
        assert_eq!(p.payload.flag_mismatches, 0);
    }

    #[test]
    fn the_sample_is_a_thinning_of_the_production_batch() {
        // A sample of 10 000 of a million production events carries every
        // 100th production event, with its id and content.
        let mut review = small_review(1_000_000);
        let production = EventGenerator::new(&review.workload, review.seed);
        review.workload.sample_events = 10_000;
        let sample = EventGenerator::new(&review.workload, review.seed);
        let mut same = 0;
        for i in 0..10_000 {
            let s = sample.event(i);
            if sample.plan().is_redelivery(i) || production.plan().is_redelivery(100 * i) {
                continue;
            }
            let p = production.event(100 * i);
            assert_eq!(s.event_id, p.event_id);
            assert_eq!(
                (s.dataset_id, s.bytes, s.timestamp_s),
                (p.dataset_id, p.bytes, p.timestamp_s)
            );
            same += 1;
        }
        assert!(same > 9_800, "{same}");
    }

    #[test]
    fn lag_bins_cover_the_range_monotonically() {
        assert_eq!(lag_bin(0.0), 0);
        assert_eq!(lag_bin(1e-9), 0);
        assert_eq!(lag_bin(f32::MAX), LAG_BINS - 1);
        let mut last = 0;
        for k in 0..200 {
            let lag = 0.01 * libm::powf(1.2, k as f32);
            let bin = lag_bin(lag);
            assert!(bin >= last);
            if bin < LAG_BINS - 1 {
                assert!(
                    f64::from(lag) <= lag_bin_upper_s(bin),
                    "{lag} above bin {bin} edge"
                );
            }
            last = bin;
        }
    }

    #[test]
    fn profile_names_the_pipeline_bottleneck_without_generation() {
        let review = small_review(20_000);
        let data = run(&review, 1, 1);
        let costs = std::collections::BTreeMap::from([
            (Stage::Decode, 20e-9),
            (Stage::Dedup, 10e-9),
            (Stage::Quality, 2e-9),
            (Stage::Lineage, 1e-9),
            (Stage::AccessPolicy, 41e-9),
            (Stage::Aggregate, 30e-9),
            (Stage::Features, 6e-9),
        ]);
        // A cheap payload: the policy stage is the bottleneck; generation
        // (far slower than any stage) is not.
        let mut calibration = Calibration::from_costs("test", 20_000, &costs, 1e-15, &[]);
        calibration.generation_s_per_event = Measured::exact(500e-9);
        let profile = Profile::new(&data, &calibration);
        assert_eq!(profile.bottleneck.stage, Stage::AccessPolicy);
        assert!(
            profile.bottleneck.reason.starts_with(
                "access-policy evaluation takes 37.3 % of pipeline stage time at 41 ns/event; \
                 generating the synthetic input (500 ns/event) is measured apart and excluded"
            ),
            "{}",
            profile.bottleneck.reason
        );
        assert!((profile.generation_time_s - 500e-9 * 20_000.0).abs() < 1e-12);
        let shares: f64 = profile.stages.iter().map(|s| s.share).sum();
        assert!((shares - 1.0).abs() < 1e-12);
        // At the payload's real cost per byte, payload is the bottleneck.
        calibration.payload.cost_s_per_byte = Measured::exact(0.5e-9);
        let profile = Profile::new(&data, &calibration);
        assert_eq!(profile.bottleneck.stage, Stage::Payload);
        assert!(
            profile.bottleneck.reason.contains("/byte)"),
            "{}",
            profile.bottleneck.reason
        );
    }
}
