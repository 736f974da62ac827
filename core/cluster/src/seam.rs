//! The one door to the core's pipeline: everything the runner needs from
//! `scalewise-core` to split the review's pipeline into a map side and a
//! keyed reduce side, and to measure the native pipeline it is compared with.
//! It uses the core's own map/reduce seam; only the placement is the
//! runner's.
//!
//! * **Map side** ([`MapSide`]), per contiguous chunk range of a worker: the
//!   core's [`Mapper`] — decode, payload, dedup (its window pre-loaded with
//!   the ids before the range, so dedup decides as one sequential pass),
//!   quality, lineage, access policy — turns each surviving delivery into
//!   one compact [`RoutedRecord`] for the shuffle.
//! * **Shuffle key** ([`Seam::key`]): the record's partition under the
//!   chosen alternative's partitioning scheme; the dataflow sends a record
//!   to worker `key mod (P·W)`.
//! * **Keyed reduce side** ([`ReduceSide`]), where the shuffle sent the
//!   records: aggregate (partition loads) and features (per-domain
//!   moments), `Pipeline::reduce_timed`.
//! * **Merge** ([`Seam::profile`]): the workers' [`Partial`] tallies merged
//!   in worker order, with the two dedup state probes, into the
//!   [`DataProfile`]. All counts are integers, so the profile is the same
//!   for any number of processes and workers.

use std::sync::OnceLock;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use scalewise_core::clock::Clock;
use scalewise_core::profiler::{
    Calibration, DataProfile, Lane, MapTally, Mapper, Pass, Pipeline, ReduceTally, RoutedRecord,
    Scheme, StageTimes, StatePoint, CHUNK_EVENTS,
};
use scalewise_core::review::Review;
use scalewise_core::session::{profile_to_end, CalibrateConfig, Plan};
use scalewise_core::units::Seconds;
use scalewise_core::CoreError;

/// What the shuffle carries: one routed record per surviving delivery.
pub type Record = RoutedRecord;

/// The pipeline of one review, shared by a process's workers.
#[derive(Debug)]
pub struct Seam {
    pipeline: Pipeline,
    scheme: Scheme,
    /// The dedup state at a quarter and a half of the sample's density
    /// (part of the data profile), computed once, before any timed pass.
    probes: OnceLock<Vec<StatePoint>>,
}

impl Seam {
    /// The pipeline of a validated review, shuffled by `scheme`.
    pub fn new(review: &Review, scheme: Scheme) -> Seam {
        Seam {
            pipeline: Pipeline::new(review),
            scheme,
            probes: OnceLock::new(),
        }
    }

    /// Deliveries of the sample.
    pub fn events(&self) -> u64 {
        self.pipeline.events()
    }

    pub fn chunks(&self) -> u64 {
        Pipeline::chunks(self.events())
    }

    /// The shuffle key of a record: its partition under the scheme.
    #[inline]
    pub fn key(&self, record: &Record) -> u64 {
        u64::from(record.partition(self.scheme))
    }

    pub fn new_partial(&self) -> Partial {
        Partial {
            map: self.pipeline.new_map_tally(),
            reduce: self.pipeline.new_reduce_tally(),
        }
    }

    /// The state probes of the data profile (computed on first use).
    pub fn probes(&self) -> &[StatePoint] {
        self.probes.get_or_init(|| state_probes(&self.pipeline))
    }

    /// The data profile of partial tallies merged in the given order.
    pub fn profile<'a>(&self, partials: impl IntoIterator<Item = &'a Partial>) -> DataProfile {
        let mut total = self.new_partial();
        for partial in partials {
            total.merge(partial);
        }
        DataProfile::from_tallies(&self.pipeline, &total.map, &total.reduce, self.probes())
    }

    /// Deliveries `start..start + len` of chunk `chunk`.
    fn chunk_range(&self, chunk: u64) -> (u64, usize) {
        let start = chunk.saturating_mul(CHUNK_EVENTS as u64);
        let len = self.events().saturating_sub(start).min(CHUNK_EVENTS as u64) as usize;
        (start, len)
    }
}

/// The dedup-only probes at the two smaller densities, as a session runs
/// them.
fn state_probes(pipeline: &Pipeline) -> Vec<StatePoint> {
    let [quarter, half, _] = pipeline.state_densities();
    vec![
        pipeline.state_probe(quarter).run(),
        pipeline.state_probe(half).run(),
    ]
}

/// A worker's share of the counts: mergeable integers, sent to worker 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    map: MapTally,
    reduce: ReduceTally,
}

impl Partial {
    pub fn merge(&mut self, other: &Partial) {
        self.map.merge(&other.map);
        self.reduce.merge(&other.reduce);
    }
}

/// The map side of one worker: the core's mapper, its counts and stage
/// times.
#[derive(Debug)]
pub struct MapSide {
    mapper: Mapper,
    records: Vec<Record>,
    tally: MapTally,
    times: StageTimes,
}

impl MapSide {
    pub fn new(seam: &Seam) -> MapSide {
        MapSide {
            mapper: Mapper::new(&seam.pipeline),
            records: Vec::with_capacity(CHUNK_EVENTS),
            tally: seam.pipeline.new_map_tally(),
            times: StageTimes::default(),
        }
    }

    /// Runs the map stages over chunk `chunk`, each timed with `clock`;
    /// returns the chunk's records for the shuffle (the buffer may be
    /// taken).
    pub fn map_chunk(
        &mut self,
        seam: &Seam,
        chunk: u64,
        clock: &dyn Clock,
    ) -> Result<&mut Vec<Record>, CoreError> {
        let (start, len) = seam.chunk_range(chunk);
        self.records.clear();
        self.mapper.map(
            &seam.pipeline,
            start,
            len,
            clock,
            &mut self.times,
            &mut self.tally,
            &mut self.records,
        )?;
        Ok(&mut self.records)
    }

    /// The routed records of chunk `chunk`, untimed and uncounted (the
    /// exchange measurement's records, prepared before its clock starts).
    pub fn records_of(seam: &Seam, chunk: u64) -> Result<Vec<Record>, CoreError> {
        let (start, len) = seam.chunk_range(chunk);
        let mut mapper = Mapper::new(&seam.pipeline);
        let mut tally = seam.pipeline.new_map_tally();
        let mut out = Vec::with_capacity(len);
        mapper.map_range(
            &seam.pipeline,
            start..start + len as u64,
            &mut tally,
            &mut |records| out.extend_from_slice(records),
        )?;
        Ok(out)
    }

    /// Seconds so far per stage ([`StageTimes::stage_s`]: the map stages and
    /// the routing half of aggregate), generation and halo apart.
    pub fn times(&self) -> &StageTimes {
        &self.times
    }

    pub fn into_tally(self) -> MapTally {
        self.tally
    }
}

/// The keyed reduce side of one worker.
#[derive(Debug)]
pub struct ReduceSide {
    tally: ReduceTally,
    times: StageTimes,
}

impl ReduceSide {
    pub fn new(seam: &Seam) -> ReduceSide {
        ReduceSide {
            tally: seam.pipeline.new_reduce_tally(),
            times: StageTimes::default(),
        }
    }

    /// Runs the keyed stages over records the shuffle sent here.
    pub fn reduce(&mut self, seam: &Seam, records: &[Record], clock: &dyn Clock) {
        seam.pipeline
            .reduce_timed(records, &mut self.tally, clock, &mut self.times);
    }

    /// Seconds so far of the keyed stages (aggregate, features).
    pub fn times(&self) -> &StageTimes {
        &self.times
    }

    pub fn tally(&self) -> &ReduceTally {
        &self.tally
    }
}

/// A worker's whole share: its map side's and reduce side's tallies.
pub fn partial(map: MapTally, reduce: &ReduceTally) -> Partial {
    Partial {
        map,
        reduce: reduce.clone(),
    }
}

/// The wall clock, for the core's profiler.
pub struct InstantClock(Instant);

impl InstantClock {
    pub fn start() -> InstantClock {
        InstantClock(Instant::now())
    }
}

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

/// Scalewise's own pipeline on one thread over the sample, `passes` times:
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
        // Outside the timed passes, as for the distributed passes.
        let probes = state_probes(&pipeline);
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
                Ok::<_, CoreError>(DataProfile::from_tallies(
                    &pipeline,
                    &pass.map_tally(&lanes),
                    &pass.reduce_tally(&pipeline, &lanes),
                    &probes,
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

/// SHA-256 of the review's canonical JSON (what the processes compare; the
/// core's rule, so the page's import checks CLUSTER.json by the same one).
pub fn review_digest(review: &Review) -> String {
    scalewise_core::profiler::calibration::distributed::review_digest(review)
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
    bincode::serialized_size(&Record::default())
        .ok()
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

/// Serialised bytes of a partial tally between processes.
pub fn partial_bytes(partial: &Partial) -> u64 {
    bincode::serialized_size(partial).unwrap_or(0)
}

/// The example review with a sample of `events` deliveries (tests and
/// examples).
pub fn example_review(events: u64) -> Review {
    let mut review = Review::example();
    review.workload.events = review.workload.events.max(events);
    review.workload.sample_events = events;
    review
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A review with redeliveries inside a window of about a chunk, so that
    /// ranges start inside each other's dedup windows.
    fn redelivering_review(events: u64) -> Review {
        let mut review = example_review(events);
        review.workload.duplicate_rate = 0.2;
        review.workload.dedup_window_s =
            review.workload.batch_window_s * 1.5 * CHUNK_EVENTS as f64 / events as f64;
        review
    }

    #[test]
    fn map_and_reduce_over_any_routing_equal_the_native_pipeline() {
        let review = redelivering_review(3 * CHUNK_EVENTS as u64 + 321);
        let (_, native) = native_single_thread(&review, 1).unwrap();
        assert!(native.dedup.redeliveries_dropped > 0);
        let seam = Seam::new(&review, Scheme::SaltedHotKeys);
        let clock = InstantClock::start();
        for workers in [1u64, 2, 5] {
            let mut reducers: Vec<ReduceSide> =
                (0..workers).map(|_| ReduceSide::new(&seam)).collect();
            let mut partials = Vec::new();
            // Two map workers over contiguous ranges of the chunks.
            for range in [0..1, 1..seam.chunks()] {
                let mut map = MapSide::new(&seam);
                for chunk in range {
                    let records = map.map_chunk(&seam, chunk, &clock).unwrap().clone();
                    for w in 0..workers {
                        let mine: Vec<Record> = records
                            .iter()
                            .filter(|r| seam.key(r) % workers == w)
                            .copied()
                            .collect();
                        reducers[w as usize].reduce(&seam, &mine, &clock);
                    }
                }
                partials.push(partial(map.into_tally(), &seam.pipeline.new_reduce_tally()));
            }
            for r in &reducers {
                partials.push(partial(MapTally::default(), r.tally()));
            }
            // Through the wire encoding.
            let sent: Vec<Partial> = partials
                .iter()
                .map(|p| bincode::deserialize(&bincode::serialize(p).unwrap()).unwrap())
                .collect();
            assert_eq!(seam.profile(&sent), native, "{workers} reducers");
        }
    }

    #[test]
    fn records_have_a_fixed_serialised_size() {
        let empty = record_bytes();
        let full = Record {
            partitions: [u32::MAX; 3],
            domain: u32::MAX,
            schema_drift: true,
            bytes: u64::MAX,
            lag_ms: u64::MAX,
        };
        assert_eq!(bincode::serialized_size(&full).unwrap(), u64::from(empty));
        assert_eq!(empty, 4 * 4 + 1 + 8 + 8);
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
        assert!(error.contains(&review.alternatives[0].option), "{error}");
    }
}
