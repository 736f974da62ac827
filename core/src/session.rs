//! The step-wise runner that the app's worker and the CLI drive.
//!
//! A [`Session`] owns one run: the validated review, the pipeline tables,
//! the worker lanes' buffers and the current phase. [`Session::step`] does a
//! bounded amount of work (about one batch: tens of milliseconds natively)
//! and returns, so a browser worker can post progress and receive a cancel
//! between steps. Cancelling is simply dropping the session.
//!
//! Phases, in order:
//!
//! 1. **calibrate** (only with [`Plan::Calibrate`]) — a short warm-up (one
//!    chunk per lane: faults in the lanes' buffers, warms caches and wakes
//!    the pool's threads; not measured), then calibration passes over the
//!    first `min(sample_events, CALIBRATION_EVENTS)` deliveries with exactly
//!    1, 2, …, T lanes, the whole round repeated [`CALIBRATION_REPEATS`]
//!    times (rounds interleave, so a burst of load on the machine spreads
//!    over lane counts instead of bending one). Each 1-lane pass yields one
//!    sample of every stage cost, of the payload's cost per byte and of the
//!    generation cost; every pass yields one throughput sample of its lane
//!    count.
//! 2. **profile** — the full pass over the sample's deliveries with T lanes
//!    (or, when replaying, the current pool's threads): the tallies of the
//!    [`DataProfile`], and (calibrating) the full pass's wall time, which the
//!    self-check predicts from the rest.
//! 3. **state probes** — dedup-only passes over the ids of a quarter and a
//!    half of the sample's density ([`Pipeline::state_densities`]):
//!    deterministic, so they run when replaying too.
//!
//! Replaying recomputes the aggregates but takes timings from the recorded
//! calibration, so `profile_with(review, calibration)` is a pure function.
//! The analysis (projection, sweep, failure modes, scoring) is one more
//! step at the end.

use serde::{Deserialize, Serialize};

use crate::analysis::{self, result::AnalysisOptions, result::ResultDocument};
use crate::clock::{Clock, FrozenClock};
use crate::error::CoreError;
use crate::profiler::DistributedCalibration;
use crate::profiler::{
    Calibration, DataProfile, Lane, MapTally, Measured, Pass, PassTiming, PassWall,
    PayloadCalibration, Pipeline, Profile, ReduceTally, ScalingPoint, Stage, StatePoint,
    StateProbe, CALIBRATION_EVENTS, CALIBRATION_REPEATS, CHUNK_EVENTS, PROBE_EVENTS_PER_STEP,
    PROFILE_SCHEMA_VERSION,
};
use crate::review::{Review, ValidationErrors};

/// Where the run's timings come from.
// One plan per run, moved into the session: the size of the recorded
// calibration does not matter, and boxing it would change every caller.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Plan {
    /// Measure this machine, then profile.
    Calibrate(CalibrateConfig),
    /// Profile with the timings of a recorded calibration (reproduction).
    Replay(Calibration),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalibrateConfig {
    /// Recorded in the calibration, e.g. "native x86_64" or "wasm isolated".
    pub environment: String,
    /// Most lanes to measure; 0 = every thread of the current rayon pool.
    /// Never more than the pool's threads (oversubscribed lanes measure
    /// nothing useful).
    pub max_lanes: usize,
}

/// What the session is doing, for a progress bar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StageName(pub String);

impl std::fmt::Display for StageName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// e.g. "calibrate: 2 lanes (pass 1 of 3)", "profile: pipeline pass".
    pub stage: StageName,
    /// Overall, 0..1.
    pub fraction: f64,
}

/// Share of a run's progress bar that the profiling passes fill.
const PROFILING_SHARE: f64 = 0.9;

/// A probed id costs about a quarter of a delivery through the pipeline:
/// its weight in the progress bar.
const PROBE_WEIGHT: f64 = 0.25;

#[derive(Debug)]
pub enum Step {
    Progress(Progress),
    /// The finished review: evidence, scoring and reproducibility digest.
    Done(Box<ResultDocument>),
}

/// Version of the [`RunOutput`] document.
pub const RUN_OUTPUT_SCHEMA_VERSION: u32 = 2;

/// Everything a run produces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunOutput {
    pub schema_version: u32,
    pub data_profile: DataProfile,
    pub calibration: Calibration,
    /// The timing view: the calibration applied to this run's sample.
    pub profile: Profile,
}

/// The measurements of a calibration in progress.
#[derive(Debug)]
struct Measuring {
    environment: String,
    threads_available: u32,
    max_lanes: usize,
    calibration_events: u64,
    /// Per stage, one sample per 1-lane pass (seconds per delivery).
    stage_samples: [Vec<f64>; Stage::COUNT],
    generation_samples: Vec<f64>,
    payload_samples: Vec<f64>,
    payload_bytes_per_pass: u64,
    /// Lane count `l` at index `l − 1`.
    scaling: Vec<ScalingPoint>,
    full_pass: Option<PassTiming>,
}

impl Measuring {
    fn record(&mut self, pass: &Pass, lanes: &[Lane]) {
        let events = pass.events();
        if pass.lanes() == 1 {
            let times = pass.times(lanes);
            let per_event = events.max(1) as f64;
            for (samples, (stage, time)) in self
                .stage_samples
                .iter_mut()
                .zip(Stage::ALL.iter().zip(times.stage_s))
            {
                if !stage.per_byte() {
                    samples.push(time / per_event);
                }
            }
            self.generation_samples.push(times.generation_s / per_event);
            let bytes = pass.map_tally(lanes).payload.bytes;
            self.payload_bytes_per_pass = bytes;
            let payload_s = times
                .stage_s
                .get(Stage::Payload.index())
                .copied()
                .unwrap_or(0.0);
            self.payload_samples.push(if bytes > 0 {
                payload_s / bytes as f64
            } else {
                0.0
            });
        }
        let threads = pass.lanes() as u32;
        let wall = PassWall::new(events, pass.wall_s);
        match self.scaling.iter_mut().find(|p| p.threads == threads) {
            Some(point) => point.passes.push(wall),
            None => self.scaling.push(ScalingPoint {
                threads,
                events,
                passes: vec![wall],
            }),
        }
    }

    fn finish(self, sample_events: u64, stride: u64) -> Calibration {
        let Measuring {
            environment,
            threads_available,
            max_lanes,
            calibration_events,
            stage_samples,
            generation_samples,
            payload_samples,
            payload_bytes_per_pass,
            scaling,
            full_pass,
        } = self;
        Calibration {
            schema_version: PROFILE_SCHEMA_VERSION,
            environment,
            threads_available,
            chunk_events: CHUNK_EVENTS as u32,
            sample_events,
            calibration_events,
            repeats: CALIBRATION_REPEATS,
            generation_s_per_event: Measured::from_samples(generation_samples),
            stage_cost_s_per_event: Stage::ALL
                .iter()
                .zip(stage_samples)
                .filter(|(stage, _)| !stage.per_byte())
                .map(|(&stage, samples)| (stage, Measured::from_samples(samples)))
                .collect(),
            payload: PayloadCalibration {
                stride,
                bytes_per_pass: payload_bytes_per_pass,
                cost_s_per_byte: Measured::from_samples(payload_samples),
            },
            scaling,
            full_pass: full_pass.unwrap_or(PassTiming {
                events: sample_events,
                threads: max_lanes as u32,
                wall_s: 0.0,
                events_per_s: 0.0,
            }),
            distributed: None,
        }
    }
}

#[derive(Debug)]
enum Phase {
    /// Unmeasured pass with every lane, before the calibration passes.
    WarmUp(Pass),
    /// Calibration pass at `pass.lanes()` lanes in round `round`.
    Calibrate {
        pass: Pass,
        round: u32,
    },
    /// The full pass over the sample.
    Profile(Pass),
    /// The dedup-only probe at density `probe.deliveries()`.
    Probe(StateProbe),
    /// Projection, crossover sweep, failure modes and scoring over the
    /// profile (one step: it is pure arithmetic on the calibration).
    Analyse(Box<RunOutput>),
    Finished,
}

/// One run, advanced by [`Session::step`].
#[derive(Debug)]
pub struct Session {
    review: Review,
    options: AnalysisOptions,
    pipeline: Pipeline,
    lanes: Vec<Lane>,
    phase: Phase,
    measuring: Option<Measuring>,
    /// The recorded calibration when replaying.
    replayed: Option<Calibration>,
    /// A distributed section to record in the run's calibration
    /// ([`Session::carry_distributed`]).
    carried: Option<DistributedCalibration>,
    /// The full pass's tallies, and the probes done so far.
    tallies: Option<(MapTally, ReduceTally)>,
    probes: Vec<StatePoint>,
    /// Work (weighted deliveries) of completed phases, and of all phases.
    work_done: f64,
    work_total: f64,
}

impl Session {
    /// Validates the review (and a replayed calibration) and prepares the run.
    pub fn new(review: Review, plan: Plan) -> Result<Session, ValidationErrors> {
        let mut errors = review.validate().err().map(|e| e.0).unwrap_or_default();
        if let Plan::Replay(calibration) = &plan {
            errors.extend(
                calibration
                    .validate()
                    .err()
                    .map(|e| e.0)
                    .unwrap_or_default(),
            );
        }
        if !errors.is_empty() {
            return Err(ValidationErrors(errors));
        }
        let pipeline = Pipeline::new(&review);
        let sample = pipeline.events();
        let threads = rayon::current_num_threads().max(1);
        let [quarter, half, _] = pipeline.state_densities();
        let probe_work = PROBE_WEIGHT * (quarter + half) as f64;
        let (phase, measuring, replayed, work_total) = match plan {
            Plan::Calibrate(config) => {
                let max_lanes = if config.max_lanes == 0 {
                    threads
                } else {
                    config.max_lanes.min(threads)
                };
                let calibration_events = sample.min(CALIBRATION_EVENTS);
                let measuring = Measuring {
                    environment: config.environment,
                    threads_available: threads as u32,
                    max_lanes,
                    calibration_events,
                    stage_samples: Default::default(),
                    generation_samples: Vec::new(),
                    payload_samples: Vec::new(),
                    payload_bytes_per_pass: 0,
                    scaling: Vec::new(),
                    full_pass: None,
                };
                let warm_up = calibration_events.min(max_lanes as u64 * CHUNK_EVENTS as u64);
                let calibration_work =
                    u64::from(CALIBRATION_REPEATS) * calibration_events * max_lanes as u64;
                let total = (warm_up + calibration_work + sample) as f64 + probe_work;
                (
                    Phase::WarmUp(Pass::new(warm_up, max_lanes)),
                    Some(measuring),
                    None,
                    total,
                )
            }
            Plan::Replay(calibration) => (
                Phase::Profile(Pass::new(sample, threads)),
                None,
                Some(calibration),
                sample as f64 + probe_work,
            ),
        };
        let mut session = Session {
            review,
            options: AnalysisOptions::default(),
            pipeline,
            lanes: Vec::new(),
            phase,
            measuring,
            replayed,
            carried: None,
            tallies: None,
            probes: Vec::new(),
            work_done: 0.0,
            work_total: work_total.max(1.0),
        };
        session.start_phase();
        Ok(session)
    }

    /// Records `distributed` (validated) in the run's calibration in place
    /// of any it had: a run that measures this machine can carry what
    /// `scalewise cluster` measured elsewhere (the page's imported
    /// CLUSTER.json), so the analysis uses the measured exchange and
    /// coordination and the result records the section (a recomputation
    /// replays it with the rest). Whether the section belongs to this review
    /// is the caller's rule ([`DistributedCalibration::check_review`]).
    pub fn carry_distributed(
        &mut self,
        distributed: DistributedCalibration,
    ) -> Result<(), ValidationErrors> {
        distributed.validate()?;
        self.carried = Some(distributed);
        Ok(())
    }

    pub fn review(&self) -> &Review {
        &self.review
    }

    fn progress(&self, name: String, in_phase: f64) -> Step {
        let fraction = PROFILING_SHARE * (self.work_done + in_phase) / self.work_total;
        Step::Progress(Progress {
            stage: StageName(name),
            fraction: fraction.clamp(0.0, 1.0),
        })
    }

    /// Does about one batch of work and reports progress, or the result.
    pub fn step(&mut self, clock: &dyn Clock) -> Result<Step, CoreError> {
        let rounds = CALIBRATION_REPEATS;
        let (pass, name) = match &mut self.phase {
            Phase::WarmUp(pass) => (pass, "calibrate: warm-up".to_string()),
            Phase::Calibrate { pass, round } => {
                let lanes = pass.lanes();
                let name = format!(
                    "calibrate: {lanes} lane{} (pass {} of {rounds})",
                    if lanes == 1 { "" } else { "s" },
                    *round + 1
                );
                (pass, name)
            }
            Phase::Profile(pass) => (pass, "profile: pipeline pass".to_string()),
            Phase::Probe(probe) => {
                probe.step(PROBE_EVENTS_PER_STEP);
                let name = format!("profile: dedup state at {} deliveries", probe.deliveries());
                let done = PROBE_WEIGHT * probe.deliveries_done() as f64;
                if !probe.is_done() {
                    return Ok(self.progress(name, done));
                }
                self.work_done += PROBE_WEIGHT * probe.deliveries() as f64;
                let point = probe.point();
                self.probes.push(point);
                return self.next_probe(name);
            }
            Phase::Analyse(_) => {
                let Phase::Analyse(output) = std::mem::replace(&mut self.phase, Phase::Finished)
                else {
                    return Err(CoreError::Finished);
                };
                let RunOutput {
                    data_profile,
                    calibration,
                    ..
                } = *output;
                let document = analysis::result::build(
                    &self.review,
                    data_profile,
                    calibration,
                    &self.options,
                )?;
                return Ok(Step::Done(Box::new(document)));
            }
            Phase::Finished => return Err(CoreError::Finished),
        };
        pass.run_batch(&self.pipeline, &mut self.lanes, clock)?;
        if !pass.is_done() {
            let done = pass.events_done() as f64;
            return Ok(self.progress(name, done));
        }
        let phase = std::mem::replace(&mut self.phase, Phase::Finished);
        self.phase = match phase {
            Phase::WarmUp(pass) => {
                self.work_done += pass.events() as f64;
                let events = self.measuring.as_ref().map_or(0, |m| m.calibration_events);
                Phase::Calibrate {
                    pass: Pass::new(events, 1),
                    round: 0,
                }
            }
            Phase::Calibrate { pass, round } => self.finish_calibration_pass(pass, round),
            Phase::Profile(pass) => self.finish_profile(pass),
            other => other,
        };
        self.start_phase();
        Ok(self.progress(name, 0.0))
    }

    fn start_phase(&mut self) {
        if let Phase::WarmUp(pass) | Phase::Calibrate { pass, .. } | Phase::Profile(pass) =
            &self.phase
        {
            pass.start(&self.pipeline, &mut self.lanes);
        }
    }

    /// Records a calibration pass and picks the next phase.
    fn finish_calibration_pass(&mut self, pass: Pass, round: u32) -> Phase {
        self.work_done += pass.events() as f64;
        let sample = self.pipeline.events();
        let Some(measuring) = &mut self.measuring else {
            return Phase::Profile(Pass::new(sample, pass.lanes()));
        };
        measuring.record(&pass, &self.lanes);
        let events = measuring.calibration_events;
        if pass.lanes() < measuring.max_lanes {
            Phase::Calibrate {
                pass: Pass::new(events, pass.lanes() + 1),
                round,
            }
        } else if round + 1 < CALIBRATION_REPEATS {
            Phase::Calibrate {
                pass: Pass::new(events, 1),
                round: round + 1,
            }
        } else {
            Phase::Profile(Pass::new(sample, measuring.max_lanes))
        }
    }

    fn finish_profile(&mut self, pass: Pass) -> Phase {
        self.work_done += pass.events() as f64;
        self.tallies = Some((
            pass.map_tally(&self.lanes),
            pass.reduce_tally(&self.pipeline, &self.lanes),
        ));
        if let Some(measuring) = &mut self.measuring {
            let wall = PassWall::new(pass.events(), pass.wall_s);
            measuring.full_pass = Some(PassTiming {
                events: pass.events(),
                threads: pass.lanes() as u32,
                wall_s: wall.wall_s,
                events_per_s: wall.events_per_s,
            });
        }
        // The lanes' buffers are no longer needed.
        self.lanes = Vec::new();
        let [quarter, _, _] = self.pipeline.state_densities();
        Phase::Probe(self.pipeline.state_probe(quarter))
    }

    /// After a probe: the next density, or the data profile.
    fn next_probe(&mut self, name: String) -> Result<Step, CoreError> {
        let [_, half, _] = self.pipeline.state_densities();
        if self.probes.len() == 1 {
            self.phase = Phase::Probe(self.pipeline.state_probe(half));
            return Ok(self.progress(name, 0.0));
        }
        let output = self.output()?;
        self.phase = Phase::Analyse(Box::new(output));
        Ok(Step::Progress(Progress {
            stage: StageName("analyse: projection, crossover, scoring".to_string()),
            fraction: PROFILING_SHARE,
        }))
    }

    fn output(&mut self) -> Result<RunOutput, CoreError> {
        let Some((map, reduce)) = self.tallies.take() else {
            return Err(CoreError::Finished);
        };
        let data_profile = DataProfile::from_tallies(&self.pipeline, &map, &reduce, &self.probes);
        let calibration = match (self.measuring.take(), self.replayed.take()) {
            (Some(measuring), _) => measuring.finish(
                self.pipeline.events(),
                self.pipeline.payload_format().stride(),
            ),
            (None, Some(calibration)) => calibration,
            (None, None) => return Err(CoreError::Finished),
        };
        let calibration = match self.carried.take() {
            Some(distributed) => Calibration {
                distributed: Some(distributed),
                ..calibration
            },
            None => calibration,
        };
        Ok(RunOutput {
            schema_version: RUN_OUTPUT_SCHEMA_VERSION,
            profile: Profile::new(&data_profile, &calibration),
            data_profile,
            calibration,
        })
    }
}

/// Runs a session to the end: the result document.
pub fn run_to_end(
    review: Review,
    plan: Plan,
    clock: &dyn Clock,
) -> Result<ResultDocument, CoreError> {
    let mut session = Session::new(review, plan)?;
    loop {
        if let Step::Done(document) = session.step(clock)? {
            return Ok(*document);
        }
    }
}

/// The pure recomputation of a result: aggregates recomputed, timings from
/// `calibration` (what `scalewise verify` and the page's import do).
pub fn run_with(review: Review, calibration: Calibration) -> Result<ResultDocument, CoreError> {
    run_to_end(review, Plan::Replay(calibration), &FrozenClock)
}

/// Runs only the profiling phases (no analysis): the data profile and the
/// calibration.
pub fn profile_to_end(
    review: Review,
    plan: Plan,
    clock: &dyn Clock,
) -> Result<RunOutput, CoreError> {
    let mut session = Session::new(review, plan)?;
    loop {
        if let Phase::Analyse(output) = &session.phase {
            return Ok((**output).clone());
        }
        session.step(clock)?;
    }
}

/// The pure run: aggregates recomputed, timings from `calibration`.
pub fn profile_with(review: Review, calibration: Calibration) -> Result<RunOutput, CoreError> {
    profile_to_end(review, Plan::Replay(calibration), &FrozenClock)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SteppingClock;
    use crate::profiler::CHUNKS_PER_LANE;
    use crate::units::Seconds;

    fn small_review(events: u64) -> Review {
        let mut review = Review::example();
        review.workload.events = events;
        review.workload.sample_events = events;
        review
    }

    fn calibrate(max_lanes: usize) -> Plan {
        Plan::Calibrate(CalibrateConfig {
            environment: "test".to_string(),
            max_lanes,
        })
    }

    #[expect(
        clippy::disallowed_methods,
        reason = "tests compare thread counts: they build the pools it compares"
    )]
    fn on_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(f)
    }

    #[test]
    fn calibrate_then_replay_reproduces_the_output() {
        let review = small_review(40_000);
        let clock = SteppingClock::new(Seconds(1.234_567e-5));
        let measured = on_pool(2, || profile_to_end(review.clone(), calibrate(0), &clock)).unwrap();
        let calibration = &measured.calibration;
        assert_eq!(calibration.threads_available, 2);
        assert_eq!(calibration.repeats, CALIBRATION_REPEATS);
        assert_eq!(calibration.calibration_events, 40_000);
        // Every lane count, every repeat; every per-event stage, every repeat.
        let lanes: Vec<(u32, usize)> = calibration
            .scaling
            .iter()
            .map(|p| (p.threads, p.passes.len()))
            .collect();
        assert_eq!(lanes, [(1, 3), (2, 3)]);
        assert_eq!(calibration.stage_cost_s_per_event.len(), Stage::COUNT - 1);
        for cost in calibration.stage_cost_s_per_event.values() {
            assert_eq!(cost.samples.len(), 3);
        }
        assert_eq!(calibration.generation_s_per_event.samples.len(), 3);
        assert_eq!(calibration.payload.cost_s_per_byte.samples.len(), 3);
        assert!(calibration.payload.bytes_per_pass > 0);
        assert_eq!(
            (calibration.full_pass.events, calibration.full_pass.threads),
            (40_000, 2)
        );
        // Through JSON, as the CLI and the app store it.
        let json = serde_json::to_string(calibration).unwrap();
        let calibration = Calibration::from_json(&json).unwrap();
        assert_eq!(calibration, measured.calibration);
        for threads in [1, 3] {
            let replayed = on_pool(threads, || {
                profile_with(review.clone(), calibration.clone())
            })
            .unwrap();
            assert_eq!(
                serde_json::to_string(&replayed).unwrap(),
                serde_json::to_string(&measured).unwrap()
            );
        }
    }

    #[test]
    fn a_measuring_run_carries_a_distributed_section_and_replays_with_it() {
        let review = small_review(2 * CHUNK_EVENTS as u64);
        let mut distributed = crate::profiler::calibration::distributed::tests::example()
            .distributed
            .unwrap();
        let clock = SteppingClock::new(Seconds(1e-6));
        // A section applies to the sample it measured: this review's.
        let plain = on_pool(1, || run_to_end(review.clone(), calibrate(1), &clock)).unwrap();
        distributed.data_digest = plain.profile.data_digest.clone();
        let mut session = Session::new(review.clone(), calibrate(1)).unwrap();
        let mut bad = distributed.clone();
        bad.points.clear();
        let errors = session.carry_distributed(bad).unwrap_err();
        assert!(errors
            .0
            .iter()
            .any(|e| e.path == "calibration.distributed.points"));
        session.carry_distributed(distributed.clone()).unwrap();
        let document = on_pool(1, || loop {
            if let Step::Done(document) = session.step(&clock).unwrap() {
                return *document;
            }
        });
        assert_eq!(document.calibration.distributed, Some(distributed));
        // The distributed design's exchange and coordination are measured.
        let measured: Vec<&str> = document
            .projections
            .iter()
            .flat_map(|p| &p.terms)
            .filter(|t| t.class == crate::analysis::projection::TermClass::Measured)
            .map(|t| t.term.as_str())
            .collect();
        assert!(measured.contains(&"exchange_cpu"), "{measured:?}");
        assert!(measured.contains(&"coordination"), "{measured:?}");
        assert!(document.cost_metric.measured.is_some());
        // What verify does: replay the recorded calibration.
        let again = on_pool(1, || run_with(review, document.calibration.clone())).unwrap();
        assert_eq!(
            again.reproducibility.digest,
            document.reproducibility.digest
        );
    }

    #[test]
    fn generation_is_measured_apart_from_the_stages() {
        // Every clock read advances 1 µs: each timed interval is one read
        // apart, so the counts of reads per bucket show what was timed where.
        let review = small_review(3 * CHUNK_EVENTS as u64);
        let clock = SteppingClock::new(Seconds(1e-6));
        let output = on_pool(1, || profile_to_end(review, calibrate(1), &clock)).unwrap();
        let c = &output.calibration;
        assert!(c.generation_s_per_event.median > 0.0);
        for (stage, cost) in &c.stage_cost_s_per_event {
            assert!(cost.median > 0.0, "{stage}");
        }
        assert!(c.payload.cost_s_per_byte.median > 0.0);
        // The profile's stage time leaves generation out, and says so.
        let p = &output.profile;
        let stage_sum: f64 = p.stages.iter().map(|s| s.time_s).sum();
        assert!((stage_sum - p.single_thread_time_s).abs() <= 1e-9 * stage_sum);
        assert!(p.generation_time_s > 0.0);
        assert!(
            p.bottleneck
                .reason
                .contains("generating the synthetic input"),
            "{}",
            p.bottleneck.reason
        );
    }

    #[test]
    fn steps_are_bounded_and_progress_is_monotonic() {
        let events = 40 * CHUNK_EVENTS as u64;
        let mut session = on_pool(1, || Session::new(small_review(events), calibrate(1))).unwrap();
        let clock = SteppingClock::new(Seconds(1e-6));
        let mut fractions = Vec::new();
        let output = loop {
            match on_pool(1, || session.step(&clock)).unwrap() {
                Step::Progress(p) => fractions.push(p.fraction),
                Step::Done(output) => break output,
            }
        };
        // Each step is one batch of CHUNKS_PER_LANE chunks on one lane: a
        // one-chunk warm-up, the calibration pass three times, the whole
        // sample, then the two state probes, a bounded number of ids per
        // step; then one step of analysis.
        let batches = |events: u64| Pipeline::chunks(events).div_ceil(CHUNKS_PER_LANE);
        let probe_steps = |events: u64| events.div_ceil(PROBE_EVENTS_PER_STEP);
        let calibration = events.min(CALIBRATION_EVENTS);
        assert_eq!(
            fractions.len() as u64,
            1 + u64::from(CALIBRATION_REPEATS) * batches(calibration)
                + batches(events)
                + probe_steps(events / 4)
                + probe_steps(events / 2)
        );
        assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
        assert!(fractions.iter().all(|&f| (0.0..=1.0).contains(&f)));
        assert_eq!(output.profile.events, events);
        assert!(matches!(session.step(&clock), Err(CoreError::Finished)));
    }

    #[test]
    fn invalid_reviews_and_calibrations_are_rejected_up_front() {
        let mut review = small_review(1_000);
        review.alternatives[0].design.nodes = 0;
        let errors = Session::new(review, calibrate(1)).unwrap_err();
        assert_eq!(errors.0[0].path, "alternatives[0].design.nodes");

        let measured = on_pool(1, || {
            profile_to_end(
                small_review(1_000),
                calibrate(1),
                &SteppingClock::new(Seconds(1e-6)),
            )
        })
        .unwrap();
        let mut calibration = measured.calibration;
        calibration.stage_cost_s_per_event.remove(&Stage::Features);
        calibration.scaling[0].threads = 0;
        calibration.payload.cost_s_per_byte.median = f64::NAN;
        let errors = Session::new(small_review(1_000), Plan::Replay(calibration)).unwrap_err();
        let paths: Vec<&str> = errors.0.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "calibration.stage_cost_s_per_event.features",
                "calibration.payload.cost_s_per_byte.median",
                "calibration.scaling[0].threads"
            ]
        );
    }

    #[test]
    fn calibration_floats_round_trip_exactly() {
        let mut calibration = on_pool(1, || {
            profile_to_end(
                small_review(1_000),
                calibrate(1),
                &SteppingClock::new(Seconds(1e-6)),
            )
        })
        .unwrap()
        .calibration;
        // Awkward values: subnormal-ish, many digits, large.
        let values = [
            1.0 / 3.0,
            2.2250738585072014e-308,
            9.007_199_254_740_993e15,
            0.1 + 0.2,
            1e-9 / 7.0,
        ];
        for (cost, value) in calibration
            .stage_cost_s_per_event
            .values_mut()
            .zip(values.iter().cycle())
        {
            *cost = Measured::from_samples(vec![*value, value / 3.0, value * 1.1]);
        }
        calibration.scaling[0].passes[0].events_per_s = 12_345_678.901_234_567;
        let back = Calibration::from_json(&serde_json::to_string(&calibration).unwrap()).unwrap();
        for (a, b) in calibration
            .stage_cost_s_per_event
            .values()
            .zip(back.stage_cost_s_per_event.values())
        {
            for (x, y) in a.samples.iter().zip(&b.samples) {
                assert_eq!(x.to_bits(), y.to_bits());
            }
            assert_eq!(a.median.to_bits(), b.median.to_bits());
        }
        assert_eq!(back, calibration);
    }
}
