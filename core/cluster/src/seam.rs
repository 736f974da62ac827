//! The one door to the core's pipeline: everything the runner needs from
//! `scalewise-core` to split the review's pipeline into a map side and a
//! keyed reduce side, and to measure the native pipeline it is compared with.
//!
//! * **Map side** ([`MapSide`]), per contiguous chunk range of a worker:
//!   ingest (generate, encode, parse), quality, lineage, access policy. It
//!   hands each chunk's events to the shuffle as [`Record`]s.
//! * **Shuffle key** ([`Seam::key`]): the event's partition under the chosen
//!   alternative's partitioning scheme; the dataflow sends a record to worker
//!   `key mod (P·W)`.
//! * **Keyed reduce side** ([`ReduceSide`]), where the shuffle sent the
//!   records: aggregate (partition loads) and features (per-domain moments).
//! * **Merge** ([`Seam::profile`]): the workers' [`Partial`] tallies, merged
//!   in worker order into the [`DataProfile`]. All counts are integers, so the
//!   profile is the same for any number of processes and workers.
//!
//! The stages are the core's own (`Pipeline::run_stage`); only their
//! placement is the runner's. When the core grows its own map/reduce seam
//! (a compact routed record per event instead of the whole event, a public
//! mergeable tally), this module is the only one to change.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use scalewise_core::clock::Clock;
use scalewise_core::events::{encode_records, parse_records, Event};
use scalewise_core::profiler::{
    Calibration, DataProfile, Lane, Pass, Pipeline, Scheme, Stage, Tally, CHUNK_EVENTS,
};
use scalewise_core::review::Review;
use scalewise_core::session::{profile_to_end, CalibrateConfig, Plan};
use scalewise_core::units::Seconds;
use scalewise_core::CoreError;

/// What the shuffle carries: one event.
pub type Record = Event;

/// The stages run on the map side, in order.
pub const MAP_STAGES: [Stage; 4] = [
    Stage::Ingest,
    Stage::Quality,
    Stage::Lineage,
    Stage::AccessPolicy,
];
/// The stages run on the keyed reduce side, in order.
pub const REDUCE_STAGES: [Stage; 2] = [Stage::Aggregate, Stage::Features];

/// The pipeline of one review, shared by a process's workers.
#[derive(Debug)]
pub struct Seam {
    pipeline: Pipeline,
    /// Position of the shuffle's scheme in `Pipeline::partition_keys`.
    scheme_index: usize,
}

impl Seam {
    /// The pipeline of a validated review, shuffled by `scheme`.
    pub fn new(review: &Review, scheme: Scheme) -> Seam {
        Seam {
            pipeline: Pipeline::new(review),
            scheme_index: Scheme::ALL.iter().position(|&s| s == scheme).unwrap_or(0),
        }
    }

    pub fn events(&self) -> u64 {
        self.pipeline.events()
    }

    pub fn chunks(&self) -> u64 {
        Pipeline::chunks(self.events())
    }

    /// The shuffle key of a record: its partition under the scheme.
    #[inline]
    pub fn key(&self, record: &Record) -> u64 {
        let keys = self.pipeline.partition_keys(record);
        u64::from(keys.get(self.scheme_index).copied().unwrap_or(0))
    }

    pub fn new_partial(&self) -> Partial {
        Partial(self.pipeline.new_tally())
    }

    /// The data profile of partial tallies merged in the given order.
    pub fn profile<'a>(&self, partials: impl IntoIterator<Item = &'a Partial>) -> DataProfile {
        let mut total = self.pipeline.new_tally();
        for partial in partials {
            total.merge(&partial.0);
        }
        DataProfile::from_tally(&self.pipeline, &total)
    }

    /// Events `start..start + len` of chunk `chunk`.
    fn chunk_range(&self, chunk: u64) -> (u64, usize) {
        let start = chunk.saturating_mul(CHUNK_EVENTS as u64);
        let len = self.events().saturating_sub(start).min(CHUNK_EVENTS as u64) as usize;
        (start, len)
    }
}

/// A worker's share of the counts: mergeable integers, sent to worker 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Partial(Tally);

impl Partial {
    pub fn merge(&mut self, other: &Partial) {
        self.0.merge(&other.0);
    }
}

/// The map side of one worker: its buffers, its counts and its stage times.
#[derive(Debug)]
pub struct MapSide {
    events: Vec<Event>,
    encoded: Vec<u8>,
    partial: Partial,
    stage_s: [f64; MAP_STAGES.len()],
}

impl MapSide {
    pub fn new(seam: &Seam) -> MapSide {
        MapSide {
            events: Vec::with_capacity(CHUNK_EVENTS),
            encoded: Vec::with_capacity(CHUNK_EVENTS * scalewise_core::events::RECORD_BYTES),
            partial: seam.new_partial(),
            stage_s: [0.0; MAP_STAGES.len()],
        }
    }

    /// Runs the map stages over chunk `chunk`, each timed; returns the
    /// chunk's records for the shuffle (the buffer may be taken).
    pub fn map_chunk(&mut self, seam: &Seam, chunk: u64) -> Result<&mut Vec<Record>, CoreError> {
        let (start, len) = seam.chunk_range(chunk);
        let mut marks = [Instant::now(); MAP_STAGES.len() + 1];
        self.events.clear();
        self.events.resize(len, Event::EMPTY);
        seam.pipeline.generator().fill(start, &mut self.events);
        encode_records(&self.events, &mut self.encoded);
        parse_records(&self.encoded, &mut self.events)?;
        for (i, stage) in MAP_STAGES.iter().enumerate() {
            seam.pipeline
                .run_stage(*stage, &self.events, &mut self.partial.0);
            if let Some(mark) = marks.get_mut(i + 1) {
                *mark = Instant::now();
            }
        }
        for (time, pair) in self.stage_s.iter_mut().zip(marks.windows(2)) {
            if let [begin, end] = pair {
                *time += end.duration_since(*begin).as_secs_f64();
            }
        }
        Ok(&mut self.events)
    }

    /// Only generates chunk `chunk` (the exchange measurement's records).
    pub fn generate_chunk(&mut self, seam: &Seam, chunk: u64) -> Vec<Record> {
        let (start, len) = seam.chunk_range(chunk);
        let mut events = vec![Event::EMPTY; len];
        seam.pipeline.generator().fill(start, &mut events);
        events
    }

    /// CPU seconds of each map stage so far, in [`MAP_STAGES`] order.
    pub fn stage_s(&self) -> [f64; MAP_STAGES.len()] {
        self.stage_s
    }

    pub fn into_partial(self) -> Partial {
        self.partial
    }
}

/// The keyed reduce side of one worker.
#[derive(Debug)]
pub struct ReduceSide {
    partial: Partial,
    stage_s: [f64; REDUCE_STAGES.len()],
}

impl ReduceSide {
    pub fn new(seam: &Seam) -> ReduceSide {
        ReduceSide {
            partial: seam.new_partial(),
            stage_s: [0.0; REDUCE_STAGES.len()],
        }
    }

    /// Runs the keyed stages over records the shuffle sent here.
    pub fn reduce(&mut self, seam: &Seam, records: &[Record]) {
        let mut begin = Instant::now();
        for (stage, time) in REDUCE_STAGES.iter().zip(self.stage_s.iter_mut()) {
            seam.pipeline
                .run_stage(*stage, records, &mut self.partial.0);
            let end = Instant::now();
            *time += end.duration_since(begin).as_secs_f64();
            begin = end;
        }
    }

    /// CPU seconds of each keyed stage so far, in [`REDUCE_STAGES`] order.
    pub fn stage_s(&self) -> [f64; REDUCE_STAGES.len()] {
        self.stage_s
    }

    pub fn partial(&self) -> &Partial {
        &self.partial
    }
}

/// The wall clock, for the core's profiler.
struct InstantClock(Instant);

impl Clock for InstantClock {
    fn now(&self) -> Seconds {
        Seconds(self.0.elapsed().as_secs_f64())
    }
}

/// One pass of the native pipeline: wall and CPU seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NativePass {
    pub wall_s: f64,
    pub cpu_s: Option<f64>,
}

/// Scalewise's own pipeline on one thread over all events, `passes` times:
/// each pass's times (first chunk → data profile) and the profile.
pub fn native_single_thread(
    review: &Review,
    passes: u32,
) -> Result<(Vec<NativePass>, DataProfile), NativeError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .map_err(|e| NativeError::Pool(e.to_string()))?;
    pool.install(|| {
        let pipeline = Pipeline::new(review);
        let clock = InstantClock(Instant::now());
        let mut lanes: Vec<Lane> = Vec::new();
        let mut walls = Vec::new();
        let mut profile = None;
        for _ in 0..passes.max(1) {
            let mut pass = Pass::new(pipeline.events(), 1);
            pass.start(&pipeline, &mut lanes);
            let started = Instant::now();
            // The pool's one thread runs the batches and this closure.
            let (this, cpu_s) = crate::cpu::measure(|| {
                while !pass.is_done() {
                    pass.run_batch(&pipeline, &mut lanes, &clock)?;
                }
                Ok::<_, CoreError>(DataProfile::from_tally(
                    &pipeline,
                    &pass.tally(&pipeline, &lanes),
                ))
            });
            let this = this?;
            walls.push(NativePass {
                wall_s: started.elapsed().as_secs_f64(),
                cpu_s,
            });
            match &profile {
                Some(first) if *first != this => return Err(NativeError::Nondeterministic),
                _ => profile = Some(this),
            }
        }
        profile
            .map(|p| (walls, p))
            .ok_or(NativeError::Nondeterministic)
    })
}

/// The calibration `scalewise run` measures, on a pool of every core.
pub fn native_calibration(review: &Review) -> Result<(Calibration, DataProfile), NativeError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| NativeError::Pool(e.to_string()))?;
    let clock = InstantClock(Instant::now());
    let output = pool.install(|| {
        profile_to_end(
            review.clone(),
            Plan::Calibrate(CalibrateConfig {
                environment: format!("native {}", std::env::consts::ARCH),
                max_lanes: 0,
            }),
            &clock,
        )
    })?;
    Ok((output.calibration, output.data_profile))
}

/// Why a native measurement failed.
#[derive(Debug, thiserror::Error)]
pub enum NativeError {
    #[error("cannot start the native pipeline's thread pool: {0}")]
    Pool(String),
    #[error("native pipeline: {0}")]
    Core(#[from] CoreError),
    #[error("two passes of the native pipeline produced different data profiles")]
    Nondeterministic,
}

/// SHA-256 of the review's canonical JSON (what the processes compare).
pub fn review_digest(review: &Review) -> String {
    scalewise_core::analysis::result::digest_of(&serde_json::to_value(review).unwrap_or_default())
}

/// The alternative whose partitioning keys the shuffle: the one named, or
/// else the first that spans more than one node (the first when none does).
pub fn shuffle_alternative(
    review: &Review,
    option: Option<&str>,
) -> Result<(String, Scheme), String> {
    let chosen = match option {
        Some(name) => review.alternatives.iter().find(|a| a.option == name),
        None => review
            .alternatives
            .iter()
            .find(|a| a.design.nodes > 1)
            .or_else(|| review.alternatives.first()),
    };
    match chosen {
        Some(a) => Ok((a.option.clone(), Scheme::of(a.design.partitioning))),
        None => Err(format!(
            "--alternative `{}` is not an alternative of the review (its options: {})",
            option.unwrap_or_default(),
            review
                .alternatives
                .iter()
                .map(|a| a.option.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Serialised bytes of one record between processes (timely's bincode).
pub fn record_bytes() -> u32 {
    bincode::serialized_size(&Event::EMPTY)
        .ok()
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

/// Serialised bytes of a partial tally between processes.
pub fn partial_bytes(partial: &Partial) -> u64 {
    bincode::serialized_size(partial).unwrap_or(0)
}

/// The example review with `events` events (tests and examples).
pub fn example_review(events: u64) -> Review {
    let mut review = Review::example();
    review.workload.events = events;
    review
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_and_reduce_over_any_routing_equal_the_native_pipeline() {
        let review = example_review(2 * CHUNK_EVENTS as u64 + 321);
        let (_, native) = native_single_thread(&review, 1).unwrap();
        let seam = Seam::new(&review, Scheme::SaltedHotKeys);
        for workers in [1u64, 2, 5] {
            let mut reducers: Vec<ReduceSide> =
                (0..workers).map(|_| ReduceSide::new(&seam)).collect();
            let mut partials = Vec::new();
            // Two map workers over contiguous halves of the chunks.
            for range in [0..1, 1..seam.chunks()] {
                let mut map = MapSide::new(&seam);
                for chunk in range {
                    let records = map.map_chunk(&seam, chunk).unwrap().clone();
                    for w in 0..workers {
                        let mine: Vec<Record> = records
                            .iter()
                            .filter(|r| seam.key(r) % workers == w)
                            .copied()
                            .collect();
                        reducers[w as usize].reduce(&seam, &mine);
                    }
                }
                partials.push(map.into_partial());
            }
            partials.extend(reducers.iter().map(|r| r.partial().clone()));
            assert_eq!(seam.profile(&partials), native, "{workers} reducers");
        }
    }

    #[test]
    fn records_have_a_fixed_serialised_size() {
        let mut event = Event::EMPTY;
        let empty = record_bytes();
        event.index = u64::MAX;
        event.bytes = u64::MAX;
        assert_eq!(bincode::serialized_size(&event).unwrap(), u64::from(empty));
        assert!(empty > 50 && empty < 100, "{empty}");
    }

    #[test]
    fn the_shuffle_follows_the_first_distributed_alternative() {
        let review = example_review(1_000);
        let (option, scheme) = shuffle_alternative(&review, None).unwrap();
        let first_distributed = review
            .alternatives
            .iter()
            .find(|a| a.design.nodes > 1)
            .unwrap();
        assert_eq!(option, first_distributed.option);
        assert_eq!(scheme, Scheme::of(first_distributed.design.partitioning));
        let error = shuffle_alternative(&review, Some("nope")).unwrap_err();
        assert!(error.contains("single_node_baseline"), "{error}");
    }
}
