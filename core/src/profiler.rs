//! A real batch pipeline over the synthetic events, measured stage by stage.
//!
//! This module owns the pipeline ([`Pipeline`]), its stages ([`Stage`]), the
//! per-lane streaming machinery ([`Lane`], [`Pass`]) and the two results a
//! pass produces, kept strictly apart:
//!
//! * [`DataProfile`] — what the data looks like (quality, lineage, access
//!   decisions, partition loads, per-domain features). Deterministic: a pure
//!   function of the review, byte-identical for any lane count, thread count,
//!   chunk batching or machine, and fingerprinted by `data_digest`.
//! * [`Calibration`] — how fast this machine ran the stages. The only
//!   measured, non-deterministic thing in Scalewise; recorded so that every
//!   later result is a pure function of `(review, calibration)`. [`Profile`]
//!   is the timing view derived from it.
//!
//! # Stages
//!
//! Every chunk of [`CHUNK_EVENTS`] events goes through each stage in order,
//! each a real pass over the lane's chunk buffer:
//!
//! 1. **Ingest** — generate the chunk, encode it to fixed-width binary records
//!    ([`crate::events::RECORD_BYTES`] bytes each) and parse them back with
//!    validation.
//! 2. **Quality** — freshness SLA breaches (and a lag histogram for
//!    quantiles), schema drift, nulls, out-of-range values.
//! 3. **Lineage** — recorded vs expected upstreams, incomplete events.
//! 4. **Access policy** — every access evaluated under both policy modes
//!    ([`crate::policy`]), decisions and violations counted.
//! 5. **Aggregate** — the shuffle: per-partition events and bytes under each
//!    partitioning scheme ([`Scheme`]).
//! 6. **Features** — per-domain moments of bytes and freshness, drift share.
//!
//! # Streaming and determinism
//!
//! Lanes own their buffers (reused for every chunk, so memory does not grow
//! with the event count) and an integer [`Tally`]. A batch of chunks is split
//! into contiguous ranges, one per lane, run with `rayon::scope` on the
//! caller's current pool (the core never builds a pool: in wasm the host
//! owns the threads). All aggregates are integers — sums of bytes, squared
//! bytes and milliseconds are kept in `u128` — so merging is exact and
//! associative; floats are derived once, at the end, from the merged
//! integers. That is what makes the `DataProfile` independent of how the
//! work was split.
//!
//! # Timing
//!
//! Each lane reads the caller's [`Clock`] around every stage of every chunk
//! and sums per stage (stage CPU time); each batch's wall time is measured
//! around the parallel scope.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::error::CoreError;
use crate::events::{encode_records, parse_records, Event, EventGenerator};
use crate::limits;
use crate::policy::{PolicyReport, PolicySet, PolicyTally, Rule, HIGH_RISK_THRESHOLD};
use crate::review::{FieldError, Partitioning, PolicyMode, Review, ValidationErrors};
use crate::rng::mix64;

/// Events per chunk: the unit of work, timing and buffer size. 16 Ki events
/// are ~1 MiB of events plus ~0.9 MiB of records, so a lane's working set
/// stays within a core's L2 cache, while a chunk still takes long enough
/// (~0.5 ms) for a coarse browser clock to time its stages.
pub const CHUNK_EVENTS: usize = 16_384;

/// Chunks per lane in one batch (one [`crate::session::Session::step`]):
/// a few tens of milliseconds natively, so the browser stays responsive.
pub const CHUNKS_PER_LANE: u64 = 8;

/// Events of the scaling sample: `min(events, SCALING_SAMPLE_EVENTS)`.
pub const SCALING_SAMPLE_EVENTS: u64 = 1_000_000;

/// Partitions at most counted per scheme.
pub const MAX_PROFILE_PARTITIONS: u32 = 4_096;

/// Salt buckets used when no alternative salts its hot keys.
pub const DEFAULT_SALT_BUCKETS: u32 = 8;

/// Version of the [`DataProfile`] and [`Calibration`] documents.
pub const PROFILE_SCHEMA_VERSION: u32 = 1;

/// A pipeline stage, in execution order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Ingest,
    Quality,
    Lineage,
    AccessPolicy,
    Aggregate,
    Features,
}

impl Stage {
    pub const COUNT: usize = 6;
    pub const ALL: [Stage; Stage::COUNT] = [
        Stage::Ingest,
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
            Stage::Ingest => "ingest",
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
            Stage::Ingest => "ingest (generate, encode, parse)",
            Stage::Quality => "quality checks",
            Stage::Lineage => "lineage completeness",
            Stage::AccessPolicy => "access-policy evaluation",
            Stage::Aggregate => "shuffle aggregation",
            Stage::Features => "feature statistics",
        }
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
const LAG_BINS: usize = 256;
/// `f32` bits of 2⁻⁷ shifted to keep 3 mantissa bits: the first bin.
const LAG_BIN_OFFSET: u32 = (120 << 23) >> 20;

#[inline]
fn lag_bin(lag_s: f32) -> usize {
    let key = (lag_s.max(0.0).to_bits() >> 20).saturating_sub(LAG_BIN_OFFSET);
    (key as usize).min(LAG_BINS - 1)
}

/// Upper edge of a lag bin, in seconds.
fn lag_bin_upper_s(bin: usize) -> f64 {
    f64::from(f32::from_bits((bin as u32 + 1 + LAG_BIN_OFFSET) << 20))
}

/// Freshness lags are summed in whole milliseconds, capped at 2⁴² ms so
/// squared sums fit `u128`.
const MAX_LAG_MS: u64 = 1 << 42;

#[derive(Clone, Debug, PartialEq, Eq)]
struct QualityTally {
    freshness_breaches: u64,
    schema_drift: u64,
    nulls: u64,
    out_of_range: u64,
    failed_any: u64,
    lag_histogram: [u64; LAG_BINS],
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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct LineageTally {
    expected: u64,
    recorded: u64,
    incomplete_events: u64,
    no_lineage_events: u64,
    source_events: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Load {
    events: u64,
    bytes: u128,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct DomainMoments {
    events: u64,
    drift: u64,
    bytes: u128,
    bytes_sq: u128,
    lag_ms: u128,
    lag_ms_sq: u128,
}

/// Everything a pass counts: integers only, so merging is exact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    events: u64,
    bytes: u128,
    rows: u64,
    quality: QualityTally,
    lineage: LineageTally,
    policy: PolicyTally,
    partitions: [Vec<Load>; 3],
    features: Vec<DomainMoments>,
}

impl Tally {
    fn new(router: &Router, domains: u32) -> Tally {
        let [a, b, c] = router.counts;
        Tally {
            events: 0,
            bytes: 0,
            rows: 0,
            quality: QualityTally::default(),
            lineage: LineageTally::default(),
            policy: PolicyTally::default(),
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
        self.rows = 0;
        self.quality = QualityTally::default();
        self.lineage = LineageTally::default();
        self.policy = PolicyTally::default();
        for loads in &mut self.partitions {
            loads.fill(Load::default());
        }
        self.features.fill(DomainMoments::default());
    }

    fn merge(&mut self, other: &Tally) {
        self.events += other.events;
        self.bytes += other.bytes;
        self.rows += other.rows;
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

/// The immutable part of a run, shared by all lanes.
#[derive(Clone, Debug)]
pub struct Pipeline {
    generator: EventGenerator,
    policies: PolicySet,
    layout: PartitionLayout,
    router: Router,
    freshness_sla_s: f32,
    seed: u64,
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
            generator,
            policies: PolicySet::builtin(),
            layout,
            router,
            freshness_sla_s: workload.freshness_sla_s as f32,
            seed: review.seed,
        }
    }

    pub fn events(&self) -> u64 {
        self.generator.events()
    }

    pub fn generator(&self) -> &EventGenerator {
        &self.generator
    }

    pub fn new_tally(&self) -> Tally {
        Tally::new(&self.router, self.generator.domains())
    }

    /// Chunks needed for `events` events.
    pub fn chunks(events: u64) -> u64 {
        events.div_ceil(CHUNK_EVENTS as u64)
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

    fn aggregate(&self, events: &[Event], tally: &mut Tally) {
        let [by_domain, by_hash, salted] = &mut tally.partitions;
        for e in events {
            tally.bytes += u128::from(e.bytes);
            tally.rows += u64::from(e.rows);
            let [d, h, s] = self.router.route(e);
            let bytes = u128::from(e.bytes);
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

    fn features(events: &[Event], features: &mut [DomainMoments]) {
        for e in events {
            let Some(m) = features.get_mut(e.domain as usize) else {
                continue;
            };
            let bytes = u128::from(e.bytes);
            // Via i64: one instruction (u64 conversions are emulated on x86-64);
            // the clamp keeps the value in range first.
            let lag_ms = (f64::from(e.freshness_lag_s) * 1e3 + 0.5).clamp(0.0, MAX_LAG_MS as f64)
                as i64 as u64;
            let lag_ms = u128::from(lag_ms);
            m.events += 1;
            m.drift += u64::from(e.schema_drift);
            m.bytes += bytes;
            m.bytes_sq += bytes * bytes;
            m.lag_ms += lag_ms;
            m.lag_ms_sq += lag_ms * lag_ms;
        }
    }
}

/// One worker lane: its reusable buffers, its tally and its stage times.
#[derive(Debug)]
pub struct Lane {
    events: Vec<Event>,
    records: Vec<u8>,
    tally: Tally,
    stage_time_s: [f64; Stage::COUNT],
}

impl Lane {
    pub fn new(pipeline: &Pipeline) -> Lane {
        Lane {
            events: Vec::with_capacity(CHUNK_EVENTS),
            records: Vec::with_capacity(CHUNK_EVENTS * crate::events::RECORD_BYTES),
            tally: pipeline.new_tally(),
            stage_time_s: [0.0; Stage::COUNT],
        }
    }

    fn reset(&mut self) {
        self.tally.clear();
        self.stage_time_s = [0.0; Stage::COUNT];
    }

    /// Runs every stage over events `start..start + len` (`len ≤ CHUNK_EVENTS`).
    fn run_chunk(
        &mut self,
        pipeline: &Pipeline,
        start: u64,
        len: usize,
        clock: &dyn Clock,
    ) -> Result<(), CoreError> {
        let mut marks = [0.0; Stage::COUNT + 1];
        let mut mark = |i: usize| {
            if let Some(slot) = marks.get_mut(i) {
                *slot = clock.now().0;
            }
        };
        mark(0);
        self.events.resize(len, Event::EMPTY);
        pipeline.generator.fill(start, &mut self.events);
        encode_records(&self.events, &mut self.records);
        parse_records(&self.records, &mut self.events)?;
        mark(1);
        let tally = &mut self.tally;
        let events = self.events.as_slice();
        pipeline.quality(events, &mut tally.quality);
        mark(2);
        Pipeline::lineage(events, &mut tally.lineage);
        mark(3);
        tally.policy.record(&pipeline.policies, events);
        mark(4);
        pipeline.aggregate(events, tally);
        mark(5);
        Pipeline::features(events, &mut tally.features);
        mark(6);
        tally.events += len as u64;
        for (time, pair) in self.stage_time_s.iter_mut().zip(marks.windows(2)) {
            if let [begin, end] = pair {
                *time += (end - begin).max(0.0);
            }
        }
        Ok(())
    }
}

/// One streaming pass over events `0..events` with a fixed number of lanes,
/// advanced a batch at a time.
#[derive(Debug)]
pub struct Pass {
    lanes: usize,
    events: u64,
    next_chunk: u64,
    chunks: u64,
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
            next_chunk: 0,
            chunks: Pipeline::chunks(events),
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
        self.next_chunk >= self.chunks
    }

    /// Events processed so far.
    pub fn events_done(&self) -> u64 {
        (self.next_chunk * CHUNK_EVENTS as u64).min(self.events)
    }

    /// Clears the lanes' tallies and times before the first batch.
    pub fn start(&self, pipeline: &Pipeline, lanes: &mut Vec<Lane>) {
        while lanes.len() < self.lanes {
            lanes.push(Lane::new(pipeline));
        }
        for lane in lanes.iter_mut() {
            lane.reset();
        }
    }

    /// Runs the next batch (`CHUNKS_PER_LANE` chunks per lane, fewer at the
    /// end) on the current rayon pool.
    pub fn run_batch(
        &mut self,
        pipeline: &Pipeline,
        lanes: &mut [Lane],
        clock: &dyn Clock,
    ) -> Result<(), CoreError> {
        let remaining = self.chunks.saturating_sub(self.next_chunk);
        let batch = remaining.min(self.lanes as u64 * CHUNKS_PER_LANE);
        if batch == 0 {
            return Ok(());
        }
        let first = self.next_chunk;
        let lane_count = self.lanes as u64;
        let events = self.events;
        let mut results: Vec<Result<(), CoreError>> = Vec::new();
        results.resize_with(self.lanes, || Ok(()));
        let begin = clock.now().0;
        rayon::scope(|scope| {
            for (j, (lane, result)) in lanes.iter_mut().zip(results.iter_mut()).enumerate() {
                let j = j as u64;
                // Contiguous, as even as possible: lane j gets chunks
                // [first + j·batch/lanes, first + (j+1)·batch/lanes).
                let from = first + j * batch / lane_count;
                let to = first + (j + 1) * batch / lane_count;
                if from == to {
                    continue;
                }
                scope.spawn(move |_| {
                    for chunk in from..to {
                        let start = chunk * CHUNK_EVENTS as u64;
                        let len = (events - start.min(events)).min(CHUNK_EVENTS as u64) as usize;
                        if let Err(error) = lane.run_chunk(pipeline, start, len, clock) {
                            *result = Err(error);
                            return;
                        }
                    }
                });
            }
        });
        let wall = (clock.now().0 - begin).max(0.0);
        self.wall_s += wall;
        self.max_batch_wall_s = self.max_batch_wall_s.max(wall);
        self.batches += 1;
        self.next_chunk += batch;
        results.into_iter().collect()
    }

    /// Per-stage CPU time summed over lanes.
    pub fn stage_time_s(&self, lanes: &[Lane]) -> [f64; Stage::COUNT] {
        let mut total = [0.0; Stage::COUNT];
        for lane in lanes.iter().take(self.lanes) {
            for (t, lane_t) in total.iter_mut().zip(&lane.stage_time_s) {
                *t += lane_t;
            }
        }
        total
    }

    /// The lanes' tallies merged in lane order.
    pub fn tally(&self, pipeline: &Pipeline, lanes: &[Lane]) -> Tally {
        let mut total = pipeline.new_tally();
        for lane in lanes.iter().take(self.lanes) {
            total.merge(&lane.tally);
        }
        total
    }
}

// ---------------------------------------------------------------------------
// The deterministic result.

/// What the data looks like: deterministic, fingerprinted by `data_digest`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DataProfile {
    pub schema_version: u32,
    pub events: u64,
    pub seed: u64,
    pub total_bytes: u64,
    pub total_rows: u64,
    pub quality: QualityProfile,
    pub lineage: LineageProfile,
    pub access: AccessProfile,
    pub partitioning: PartitioningProfile,
    /// Per-domain feature statistics, domains in id order (empty domains left out).
    pub features: Vec<DomainFeatures>,
    /// SHA-256 (hex) of this document's canonical JSON ([`crate::digest`])
    /// without `data_digest`.
    pub data_digest: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QualityProfile {
    pub freshness_sla_s: f64,
    pub freshness_breaches: u64,
    pub freshness_breach_rate: f64,
    /// Lag quantiles, as upper edges of 1/8-octave histogram bins (≤ 9% high).
    pub freshness_p50_s: f64,
    pub freshness_p95_s: f64,
    pub freshness_p99_s: f64,
    pub schema_drift: u64,
    pub schema_drift_rate: f64,
    pub nulls: u64,
    pub null_rate: f64,
    pub out_of_range: u64,
    pub out_of_range_rate: f64,
    /// Events failing any quality check (including a freshness breach).
    pub failed_any: u64,
    pub failed_any_rate: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LineageProfile {
    pub expected_upstreams: u64,
    pub recorded_upstreams: u64,
    /// `recorded / expected` over all events (1 when nothing is expected).
    pub completeness: f64,
    /// Events missing at least one declared upstream.
    pub incomplete_events: u64,
    pub incomplete_rate: f64,
    /// Events that declare upstreams but recorded none.
    pub no_lineage_events: u64,
    /// Events of source datasets (no upstreams declared).
    pub source_events: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AccessProfile {
    pub high_risk_threshold: f64,
    pub rules: Vec<Rule>,
    pub deny_overrides: PolicyReport,
    pub allow_overrides: PolicyReport,
}

impl AccessProfile {
    pub fn report(&self, mode: PolicyMode) -> &PolicyReport {
        match mode {
            PolicyMode::DenyOverrides => &self.deny_overrides,
            PolicyMode::AllowOverrides => &self.allow_overrides,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PartitioningProfile {
    pub layout: PartitionLayout,
    pub schemes: Vec<SchemeLoad>,
}

impl PartitioningProfile {
    pub fn scheme(&self, scheme: Scheme) -> Option<&SchemeLoad> {
        self.schemes.iter().find(|s| s.scheme == scheme)
    }
}

/// Partition loads of one scheme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SchemeLoad {
    pub scheme: Scheme,
    pub partitions: u32,
    pub loads: Vec<PartitionLoad>,
    pub max_events: u64,
    pub median_events: f64,
    /// Straggler factor: `max / median` of events per partition (`null` when
    /// the median partition is empty).
    pub skew_max_over_median: Option<f64>,
    /// The same for bytes.
    pub bytes_skew_max_over_median: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PartitionLoad {
    pub partition: u32,
    pub events: u64,
    pub bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DomainFeatures {
    pub domain: u32,
    pub events: u64,
    pub share: f64,
    pub bytes_mean: f64,
    pub bytes_std: f64,
    pub freshness_mean_s: f64,
    pub freshness_std_s: f64,
    pub drift_share: f64,
}

fn rate(count: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        count as f64 / total as f64
    }
}

fn saturate(value: u128) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

/// Mean and population standard deviation from integer power sums.
fn moments(n: u64, sum: u128, sum_sq: u128) -> (f64, f64) {
    if n == 0 {
        return (0.0, 0.0);
    }
    let n_f = n as f64;
    let mean = sum as f64 / n_f;
    let variance = (sum_sq as f64 / n_f - mean * mean).max(0.0);
    (mean, libm::sqrt(variance))
}

fn median(sorted: &[u64]) -> f64 {
    let n = sorted.len();
    let upper = sorted.get(n / 2).copied().unwrap_or(0) as f64;
    if n % 2 == 1 {
        upper
    } else {
        let lower = sorted.get(n / 2 - 1).copied().unwrap_or(0) as f64;
        (lower + upper) / 2.0
    }
}

fn skew(values: impl Iterator<Item = u64>) -> (u64, f64, Option<f64>) {
    let mut sorted: Vec<u64> = values.collect();
    sorted.sort_unstable();
    let max = sorted.last().copied().unwrap_or(0);
    let median = median(&sorted);
    let ratio = if median > 0.0 {
        Some(max as f64 / median)
    } else {
        None
    };
    (max, median, ratio)
}

fn lag_quantile(histogram: &[u64], total: u64, q: f64) -> f64 {
    let target = (q * total as f64).ceil().max(1.0) as u64;
    let mut cumulative = 0;
    for (bin, count) in histogram.iter().enumerate() {
        cumulative += count;
        if cumulative >= target {
            return lag_bin_upper_s(bin);
        }
    }
    0.0
}

impl DataProfile {
    /// Derives the report from a merged tally.
    pub fn from_tally(pipeline: &Pipeline, tally: &Tally) -> DataProfile {
        let n = tally.events;
        let q = &tally.quality;
        let quality = QualityProfile {
            freshness_sla_s: f64::from(pipeline.freshness_sla_s),
            freshness_breaches: q.freshness_breaches,
            freshness_breach_rate: rate(q.freshness_breaches, n),
            freshness_p50_s: lag_quantile(&q.lag_histogram, n, 0.50),
            freshness_p95_s: lag_quantile(&q.lag_histogram, n, 0.95),
            freshness_p99_s: lag_quantile(&q.lag_histogram, n, 0.99),
            schema_drift: q.schema_drift,
            schema_drift_rate: rate(q.schema_drift, n),
            nulls: q.nulls,
            null_rate: rate(q.nulls, n),
            out_of_range: q.out_of_range,
            out_of_range_rate: rate(q.out_of_range, n),
            failed_any: q.failed_any,
            failed_any_rate: rate(q.failed_any, n),
        };
        let l = &tally.lineage;
        let lineage = LineageProfile {
            expected_upstreams: l.expected,
            recorded_upstreams: l.recorded,
            completeness: if l.expected == 0 {
                1.0
            } else {
                rate(l.recorded, l.expected)
            },
            incomplete_events: l.incomplete_events,
            incomplete_rate: rate(l.incomplete_events, n),
            no_lineage_events: l.no_lineage_events,
            source_events: l.source_events,
        };
        let policies = &pipeline.policies;
        let access = AccessProfile {
            high_risk_threshold: f64::from(HIGH_RISK_THRESHOLD),
            rules: policies.rules.clone(),
            deny_overrides: tally.policy.report(policies, PolicyMode::DenyOverrides),
            allow_overrides: tally.policy.report(policies, PolicyMode::AllowOverrides),
        };
        let schemes = Scheme::ALL
            .iter()
            .zip(&tally.partitions)
            .map(|(&scheme, loads)| {
                let (max_events, median_events, skew_events) = skew(loads.iter().map(|l| l.events));
                let (_, _, skew_bytes) = skew(loads.iter().map(|l| saturate(l.bytes)));
                SchemeLoad {
                    scheme,
                    partitions: loads.len() as u32,
                    loads: loads
                        .iter()
                        .enumerate()
                        .map(|(p, l)| PartitionLoad {
                            partition: p as u32,
                            events: l.events,
                            bytes: saturate(l.bytes),
                        })
                        .collect(),
                    max_events,
                    median_events,
                    skew_max_over_median: skew_events,
                    bytes_skew_max_over_median: skew_bytes,
                }
            })
            .collect();
        let features = tally
            .features
            .iter()
            .enumerate()
            .filter(|(_, m)| m.events > 0)
            .map(|(domain, m)| {
                let (bytes_mean, bytes_std) = moments(m.events, m.bytes, m.bytes_sq);
                let (lag_mean_ms, lag_std_ms) = moments(m.events, m.lag_ms, m.lag_ms_sq);
                DomainFeatures {
                    domain: domain as u32,
                    events: m.events,
                    share: rate(m.events, n),
                    bytes_mean,
                    bytes_std,
                    freshness_mean_s: lag_mean_ms / 1e3,
                    freshness_std_s: lag_std_ms / 1e3,
                    drift_share: rate(m.drift, m.events),
                }
            })
            .collect();
        let mut profile = DataProfile {
            schema_version: PROFILE_SCHEMA_VERSION,
            events: n,
            seed: pipeline.seed,
            total_bytes: saturate(tally.bytes),
            total_rows: tally.rows,
            quality,
            lineage,
            access,
            partitioning: PartitioningProfile {
                layout: pipeline.layout.clone(),
                schemes,
            },
            features,
            data_digest: String::new(),
        };
        profile.data_digest = profile.digest();
        profile
    }

    /// SHA-256 of the canonical JSON without `data_digest`.
    pub fn digest(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or_default();
        crate::digest::digest_without(&value, &["data_digest"])
    }
}

// ---------------------------------------------------------------------------
// The measurements.

/// Throughput with `threads` lanes on the scaling sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScalingPoint {
    pub threads: u32,
    pub events: u64,
    /// Sum of batch wall times.
    pub wall_s: f64,
    pub events_per_s: f64,
    pub batches: u32,
    pub mean_batch_wall_s: f64,
    pub max_batch_wall_s: f64,
}

/// Wall time of the full data pass (calibration runs only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PassTiming {
    pub events: u64,
    pub threads: u32,
    pub wall_s: f64,
    pub events_per_s: f64,
}

/// What this machine measured. Everything downstream takes it as input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    pub schema_version: u32,
    /// Supplied by the caller, e.g. "native x86_64" or "wasm isolated".
    pub environment: String,
    pub threads_available: u32,
    pub chunk_events: u32,
    pub sample_events: u64,
    /// CPU seconds per event of each stage, on one lane.
    pub stage_cost_s_per_event: BTreeMap<Stage, f64>,
    /// Throughput at 1..=T lanes.
    pub scaling: Vec<ScalingPoint>,
    #[serde(default)]
    pub full_pass: Option<PassTiming>,
}

impl Calibration {
    /// Checks a recorded calibration before it is replayed.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        let mut error = |path: String, message: String| errors.push(FieldError { path, message });
        if self.schema_version != PROFILE_SCHEMA_VERSION {
            error(
                "calibration.schema_version".to_string(),
                format!(
                    "must be {PROFILE_SCHEMA_VERSION}, got {}",
                    self.schema_version
                ),
            );
        }
        if self.environment.chars().count() > limits::MAX_NAME_CHARS {
            error(
                "calibration.environment".to_string(),
                format!("must be at most {} characters", limits::MAX_NAME_CHARS),
            );
        }
        for stage in Stage::ALL {
            let path = format!("calibration.stage_cost_s_per_event.{stage}");
            match self.stage_cost_s_per_event.get(&stage) {
                None => error(path, "is missing".to_string()),
                Some(cost) if !cost.is_finite() || *cost < 0.0 || *cost > 1.0 => error(
                    path,
                    format!("must be between 0 and 1 s per event, got {cost}"),
                ),
                Some(_) => {}
            }
        }
        if self.scaling.is_empty() {
            error(
                "calibration.scaling".to_string(),
                "must have at least one point".to_string(),
            );
        }
        for (i, point) in self.scaling.iter().enumerate() {
            if point.threads == 0 {
                error(
                    format!("calibration.scaling[{i}].threads"),
                    "must be ≥ 1, got 0".to_string(),
                );
            }
            if !point.events_per_s.is_finite() || point.events_per_s < 0.0 {
                error(
                    format!("calibration.scaling[{i}].events_per_s"),
                    format!("must be a finite number ≥ 0, got {}", point.events_per_s),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(errors))
        }
    }
}

/// Time of one stage over the run's events, projected from the calibration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StageProfile {
    pub stage: Stage,
    /// CPU seconds for all events on one thread.
    pub time_s: f64,
    /// One-thread throughput of this stage alone (`null` if too fast to measure).
    pub events_per_s: Option<f64>,
    /// Share of total stage time.
    pub share: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Bottleneck {
    pub stage: Stage,
    /// e.g. "access-policy evaluation takes 41.0 % of stage time at 3.1 µs/event".
    pub reason: String,
}

/// The timing view of a run: the calibration applied to the run's events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub events: u64,
    pub stages: Vec<StageProfile>,
    /// All stages, all events, one thread.
    pub single_thread_time_s: f64,
    /// The fastest measured lane count and the pass's wall time at it.
    pub best_threads: u32,
    pub best_wall_time_s: f64,
    pub bottleneck: Bottleneck,
}

impl Profile {
    /// A pure function of the event count and the calibration.
    pub fn from_calibration(events: u64, calibration: &Calibration) -> Profile {
        let cost = |stage: Stage| {
            calibration
                .stage_cost_s_per_event
                .get(&stage)
                .copied()
                .unwrap_or(0.0)
        };
        let total_cost: f64 = Stage::ALL.iter().map(|&s| cost(s)).sum();
        let n = events as f64;
        let stages: Vec<StageProfile> = Stage::ALL
            .iter()
            .map(|&stage| StageProfile {
                stage,
                time_s: cost(stage) * n,
                events_per_s: if cost(stage) > 0.0 {
                    Some(1.0 / cost(stage))
                } else {
                    None
                },
                share: if total_cost > 0.0 {
                    cost(stage) / total_cost
                } else {
                    0.0
                },
            })
            .collect();
        let top = stages
            .iter()
            .fold(None::<&StageProfile>, |best, s| match best {
                Some(b) if b.share >= s.share => Some(b),
                _ => Some(s),
            });
        let bottleneck = match top {
            Some(top) if total_cost > 0.0 => Bottleneck {
                stage: top.stage,
                reason: format!(
                    "{} takes {} of stage time at {}/event",
                    top.stage.label(),
                    crate::format::percent(top.share),
                    crate::format::seconds(cost(top.stage)),
                ),
            },
            _ => Bottleneck {
                stage: Stage::Ingest,
                reason: "no stage time was measurable with this clock".to_string(),
            },
        };
        let best = calibration
            .scaling
            .iter()
            .filter(|p| p.events_per_s > 0.0)
            .fold(None::<&ScalingPoint>, |best, p| match best {
                Some(b) if b.events_per_s >= p.events_per_s => Some(b),
                _ => Some(p),
            });
        let (best_threads, best_wall_time_s) = match best {
            Some(p) => (p.threads, n / p.events_per_s),
            None => (1, total_cost * n),
        };
        Profile {
            events,
            stages,
            single_thread_time_s: total_cost * n,
            best_threads,
            best_wall_time_s,
            bottleneck,
        }
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
        review
    }

    /// Runs a whole pass with `lanes` lanes on a fresh pool of `threads`.
    fn run(review: &Review, threads: usize, lanes: usize) -> DataProfile {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let pipeline = Pipeline::new(review);
            let mut lane_buffers = Vec::new();
            let mut pass = Pass::new(pipeline.events(), lanes);
            pass.start(&pipeline, &mut lane_buffers);
            let clock = SteppingClock::new(Seconds(1e-6));
            while !pass.is_done() {
                pass.run_batch(&pipeline, &mut lane_buffers, &clock)
                    .unwrap();
            }
            DataProfile::from_tally(&pipeline, &pass.tally(&pipeline, &lane_buffers))
        })
    }

    #[test]
    fn data_profile_is_identical_for_any_lane_and_thread_count() {
        // Not a multiple of the chunk size, so the last chunk is partial, and
        // enough chunks that 3 lanes split them unevenly.
        let review = small_review(5 * CHUNK_EVENTS as u64 + 1_234);
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
        let review = small_review(3 * CHUNK_EVENTS as u64 + 7);
        let profile = run(&review, 2, 2);
        let generator = EventGenerator::new(&review.workload, review.seed);
        let (mut breaches, mut nulls, mut incomplete, mut bytes) = (0, 0, 0, 0u64);
        for i in 0..review.workload.events {
            let e = generator.event(i);
            breaches += u64::from(f64::from(e.freshness_lag_s) > review.workload.freshness_sla_s);
            nulls += u64::from(e.has_nulls);
            incomplete += u64::from(e.lineage_recorded < e.lineage_expected);
            bytes += e.bytes;
        }
        assert_eq!(profile.events, review.workload.events);
        assert_eq!(profile.quality.freshness_breaches, breaches);
        assert_eq!(profile.quality.nulls, nulls);
        assert_eq!(profile.lineage.incomplete_events, incomplete);
        assert_eq!(profile.total_bytes, bytes);
        for scheme in &profile.partitioning.schemes {
            let events: u64 = scheme.loads.iter().map(|l| l.events).sum();
            let scheme_bytes: u64 = scheme.loads.iter().map(|l| l.bytes).sum();
            assert_eq!(
                (events, scheme_bytes),
                (profile.events, bytes),
                "{:?}",
                scheme.scheme
            );
        }
        let domain_events: u64 = profile.features.iter().map(|f| f.events).sum();
        assert_eq!(domain_events, profile.events);
        assert_eq!(profile.access.deny_overrides.events, profile.events);
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
    }

    #[test]
    fn lag_bins_cover_the_range_monotonically() {
        assert_eq!(lag_bin(0.0), 0);
        assert_eq!(lag_bin(1e-9), 0);
        assert_eq!(lag_bin(f32::MAX), LAG_BINS - 1);
        let mut last = 0;
        for k in 0..200 {
            let lag = 0.01 * 1.2f32.powi(k);
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
    fn profile_names_the_bottleneck() {
        let calibration = Calibration {
            schema_version: PROFILE_SCHEMA_VERSION,
            environment: "test".to_string(),
            threads_available: 2,
            chunk_events: CHUNK_EVENTS as u32,
            sample_events: 1_000,
            stage_cost_s_per_event: BTreeMap::from([
                (Stage::Ingest, 20e-9),
                (Stage::Quality, 2e-9),
                (Stage::Lineage, 1e-9),
                (Stage::AccessPolicy, 41e-9),
                (Stage::Aggregate, 30e-9),
                (Stage::Features, 6e-9),
            ]),
            scaling: vec![],
            full_pass: None,
        };
        let profile = Profile::from_calibration(1_000_000, &calibration);
        assert_eq!(profile.bottleneck.stage, Stage::AccessPolicy);
        assert_eq!(
            profile.bottleneck.reason,
            "access-policy evaluation takes 41.0 % of stage time at 41 ns/event"
        );
        assert!((profile.single_thread_time_s - 0.1).abs() < 1e-12);
        let shares: f64 = profile.stages.iter().map(|s| s.share).sum();
        assert!((shares - 1.0).abs() < 1e-12);
    }
}
