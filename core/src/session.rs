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
//!    the pool's threads; not measured), then the scaling sample
//!    (`min(events, SCALING_SAMPLE_EVENTS)`) with exactly 1, 2, …, T lanes;
//!    the 1-lane pass yields the per-stage costs.
//! 2. **profile** — the full pass over all events with T lanes (or, when
//!    replaying, the current pool's threads): the [`DataProfile`].
//!    Replaying recomputes the aggregates but takes timings from the
//!    recorded calibration, so `profile_with(review, calibration)` is a pure
//!    function.
//!
//! Later phases (project, sweep, score) slot in as further [`Phase`]
//! variants after `Profile`: each reads the [`Results`] gathered so far and
//! adds its own, and the session finishes when the phase after the last one
//! is `Finished`.

use serde::{Deserialize, Serialize};

use crate::analysis::{self, result::AnalysisOptions, result::ResultDocument};
use crate::clock::{Clock, FrozenClock};
use crate::error::CoreError;
use crate::profiler::{
    Calibration, DataProfile, Lane, Pass, PassTiming, Pipeline, Profile, ScalingPoint, Stage,
    CHUNK_EVENTS, PROFILE_SCHEMA_VERSION, SCALING_SAMPLE_EVENTS,
};
use crate::review::{Review, ValidationErrors};

/// Where the run's timings come from.
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
    /// e.g. "calibrate: 2 lanes", "profile: pipeline pass".
    pub stage: StageName,
    /// Overall, 0..1.
    pub fraction: f64,
}

/// Share of a run's progress bar that the profiling passes fill.
const PROFILING_SHARE: f64 = 0.9;

#[derive(Debug)]
pub enum Step {
    Progress(Progress),
    /// The finished review: evidence, scoring and reproducibility digest.
    Done(Box<ResultDocument>),
}

/// Version of the [`RunOutput`] document.
pub const RUN_OUTPUT_SCHEMA_VERSION: u32 = 1;

/// Everything a run produces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunOutput {
    pub schema_version: u32,
    pub data_profile: DataProfile,
    pub calibration: Calibration,
    /// The timing view: the calibration applied to this run's events.
    pub profile: Profile,
}

/// Results gathered by the phases so far.
#[derive(Debug, Default)]
struct Results {
    data_profile: Option<DataProfile>,
    calibration: Option<Calibration>,
}

/// The measurements of a calibration in progress.
#[derive(Debug)]
struct Measuring {
    environment: String,
    threads_available: u32,
    max_lanes: usize,
    sample_events: u64,
    stage_cost_s_per_event: Option<[f64; Stage::COUNT]>,
    scaling: Vec<ScalingPoint>,
}

#[derive(Debug)]
enum Phase {
    /// Unmeasured pass with every lane, before the scaling passes.
    WarmUp(Pass),
    /// Scaling pass at `pass.lanes()` lanes.
    Calibrate(Pass),
    /// The full data pass.
    Profile(Pass),
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
    results: Results,
    /// Events processed by completed passes, and by all passes.
    work_done: u64,
    work_total: u64,
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
        let events = pipeline.events();
        let threads = rayon::current_num_threads().max(1);
        let (phase, measuring, results, work_total) = match plan {
            Plan::Calibrate(config) => {
                let max_lanes = if config.max_lanes == 0 {
                    threads
                } else {
                    config.max_lanes.min(threads)
                };
                let sample_events = events.min(SCALING_SAMPLE_EVENTS);
                let measuring = Measuring {
                    environment: config.environment,
                    threads_available: threads as u32,
                    max_lanes,
                    sample_events,
                    stage_cost_s_per_event: None,
                    scaling: Vec::new(),
                };
                let warm_up = sample_events.min(max_lanes as u64 * CHUNK_EVENTS as u64);
                let total = warm_up + sample_events * max_lanes as u64 + events;
                (
                    Phase::WarmUp(Pass::new(warm_up, max_lanes)),
                    Some(measuring),
                    Results::default(),
                    total,
                )
            }
            Plan::Replay(calibration) => {
                let results = Results {
                    calibration: Some(calibration),
                    ..Results::default()
                };
                (
                    Phase::Profile(Pass::new(events, threads)),
                    None,
                    results,
                    events,
                )
            }
        };
        let mut session = Session {
            review,
            options: AnalysisOptions::default(),
            pipeline,
            lanes: Vec::new(),
            phase,
            measuring,
            results,
            work_done: 0,
            work_total: work_total.max(1),
        };
        session.start_phase();
        Ok(session)
    }

    pub fn review(&self) -> &Review {
        &self.review
    }

    /// Does about one batch of work and reports progress, or the result.
    pub fn step(&mut self, clock: &dyn Clock) -> Result<Step, CoreError> {
        let (pass, name) = match &mut self.phase {
            Phase::WarmUp(pass) => (pass, "calibrate: warm-up".to_string()),
            Phase::Calibrate(pass) => {
                let lanes = pass.lanes();
                (
                    pass,
                    format!(
                        "calibrate: {lanes} lane{}",
                        if lanes == 1 { "" } else { "s" }
                    ),
                )
            }
            Phase::Profile(pass) => (pass, "profile: pipeline pass".to_string()),
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
        // Profiling is most of the run; the last tenth is the analysis step.
        let fraction =
            PROFILING_SHARE * (self.work_done + pass.events_done()) as f64 / self.work_total as f64;
        if !pass.is_done() {
            return Ok(Step::Progress(Progress {
                stage: StageName(name),
                fraction: fraction.min(1.0),
            }));
        }
        let phase = std::mem::replace(&mut self.phase, Phase::Finished);
        self.phase = match phase {
            Phase::WarmUp(pass) => {
                self.work_done += pass.events();
                let sample = self.measuring.as_ref().map_or(0, |m| m.sample_events);
                Phase::Calibrate(Pass::new(sample, 1))
            }
            Phase::Calibrate(pass) => self.finish_scaling(pass),
            Phase::Profile(pass) => {
                self.finish_profile(pass);
                Phase::Finished
            }
            // Handled above, before any batch runs.
            Phase::Analyse(output) => Phase::Analyse(output),
            Phase::Finished => Phase::Finished,
        };
        if matches!(self.phase, Phase::Finished) {
            let output = self.output()?;
            self.phase = Phase::Analyse(Box::new(output));
            return Ok(Step::Progress(Progress {
                stage: StageName("analyse: projection, crossover, scoring".to_string()),
                fraction: PROFILING_SHARE,
            }));
        }
        self.start_phase();
        Ok(Step::Progress(Progress {
            stage: StageName(name),
            fraction: fraction.min(1.0),
        }))
    }

    fn start_phase(&mut self) {
        if let Phase::WarmUp(pass) | Phase::Calibrate(pass) | Phase::Profile(pass) = &self.phase {
            pass.start(&self.pipeline, &mut self.lanes);
        }
    }

    /// Records a scaling point and picks the next phase.
    fn finish_scaling(&mut self, pass: Pass) -> Phase {
        self.work_done += pass.events();
        let events = self.pipeline.events();
        let Some(measuring) = &mut self.measuring else {
            return Phase::Profile(Pass::new(events, pass.lanes()));
        };
        if pass.lanes() == 1 {
            let sample = pass.events().max(1) as f64;
            measuring.stage_cost_s_per_event =
                Some(pass.stage_time_s(&self.lanes).map(|t| t / sample));
        }
        measuring.scaling.push(ScalingPoint {
            threads: pass.lanes() as u32,
            events: pass.events(),
            wall_s: pass.wall_s,
            events_per_s: if pass.wall_s > 0.0 {
                pass.events() as f64 / pass.wall_s
            } else {
                0.0
            },
            batches: pass.batches,
            mean_batch_wall_s: pass.wall_s / f64::from(pass.batches.max(1)),
            max_batch_wall_s: pass.max_batch_wall_s,
        });
        if pass.lanes() < measuring.max_lanes {
            Phase::Calibrate(Pass::new(measuring.sample_events, pass.lanes() + 1))
        } else {
            Phase::Profile(Pass::new(events, measuring.max_lanes))
        }
    }

    fn finish_profile(&mut self, pass: Pass) {
        self.work_done += pass.events();
        let tally = pass.tally(&self.pipeline, &self.lanes);
        self.results.data_profile = Some(DataProfile::from_tally(&self.pipeline, &tally));
        if let Some(measuring) = self.measuring.take() {
            let costs = measuring
                .stage_cost_s_per_event
                .unwrap_or([0.0; Stage::COUNT]);
            self.results.calibration = Some(Calibration {
                schema_version: PROFILE_SCHEMA_VERSION,
                environment: measuring.environment,
                threads_available: measuring.threads_available,
                chunk_events: CHUNK_EVENTS as u32,
                sample_events: measuring.sample_events,
                stage_cost_s_per_event: Stage::ALL.iter().copied().zip(costs).collect(),
                scaling: measuring.scaling,
                full_pass: Some(PassTiming {
                    events: pass.events(),
                    threads: pass.lanes() as u32,
                    wall_s: pass.wall_s,
                    events_per_s: if pass.wall_s > 0.0 {
                        pass.events() as f64 / pass.wall_s
                    } else {
                        0.0
                    },
                }),
            });
        }
        // The lanes' buffers are no longer needed.
        self.lanes = Vec::new();
    }

    fn output(&mut self) -> Result<RunOutput, CoreError> {
        let results = std::mem::take(&mut self.results);
        match (results.data_profile, results.calibration) {
            (Some(data_profile), Some(calibration)) => Ok(RunOutput {
                schema_version: RUN_OUTPUT_SCHEMA_VERSION,
                profile: Profile::from_calibration(data_profile.events, &calibration),
                data_profile,
                calibration,
            }),
            _ => Err(CoreError::Finished),
        }
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
    use crate::units::Seconds;

    fn small_review(events: u64) -> Review {
        let mut review = Review::example();
        review.workload.events = events;
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
        assert_eq!(measured.calibration.scaling.len(), 2);
        assert_eq!(measured.calibration.threads_available, 2);
        // Through JSON, as the CLI and the app store it.
        let json = serde_json::to_string(&measured.calibration).unwrap();
        let calibration: Calibration = serde_json::from_str(&json).unwrap();
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
        // one-chunk warm-up, the 1 M-event sample, then all events; then
        // one step of analysis.
        let batches =
            |events: u64| Pipeline::chunks(events).div_ceil(crate::profiler::CHUNKS_PER_LANE);
        let sample = events.min(SCALING_SAMPLE_EVENTS);
        assert_eq!(
            fractions.len() as u64 + 1,
            1 + batches(sample) + batches(events) + 1
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
        let errors = Session::new(small_review(1_000), Plan::Replay(calibration)).unwrap_err();
        let paths: Vec<&str> = errors.0.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "calibration.stage_cost_s_per_event.features",
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
        for (stage, value) in Stage::ALL.iter().zip(values.iter().cycle()) {
            calibration.stage_cost_s_per_event.insert(*stage, *value);
        }
        calibration.scaling[0].events_per_s = 12_345_678.901_234_567;
        let back: Calibration =
            serde_json::from_str(&serde_json::to_string(&calibration).unwrap()).unwrap();
        for (a, b) in calibration
            .stage_cost_s_per_event
            .values()
            .zip(back.stage_cost_s_per_event.values())
        {
            assert_eq!(a.to_bits(), b.to_bits());
        }
        assert_eq!(back, calibration);
    }
}
