//! The throughput benchmark's one entry point: generate + profile of the
//! example workload over `events` events on the current rayon pool, timed by
//! the caller's clock.
//!
//! `scalewise bench` (natively) and the engine worker's `bench` request (in
//! Chromium) both call [`generate_and_profile`], so the browser benchmark's
//! ratio to native compares the same work. The pass is the one a replayed
//! calibration runs (`scalewise verify`, the page's import): the full
//! pipeline over every event, without the calibration's warm-up and scaling
//! passes. The data digest proves that both sides computed the same profile.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::clock::{Clock, FrozenClock};
use crate::limits;
use crate::profiler::{Calibration, Stage};
use crate::review::{Review, ValidationErrors};
use crate::session::{profile_to_end, Plan};
use crate::CoreError;

/// One timed generate + profile pass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchOutcome {
    pub events: u64,
    /// Threads of the rayon pool the pass ran on.
    pub threads: u32,
    pub elapsed_s: f64,
    pub events_per_s: f64,
    /// The profile's digest: equal for equal `events`, on any machine and
    /// thread count.
    pub data_digest: String,
}

/// The example review profiling `events` deliveries (production volume and
/// sample both `events`; validated by the session). The dedup window stays
/// the example's hour unless that would hold more than
/// [`limits::MAX_DEDUP_WINDOW_EVENTS`] deliveries, then it shrinks to fit
/// (from ~10⁸ events on), so the state per lane stays bounded.
pub fn review(events: u64) -> Review {
    let mut review = Review::example();
    let w = &mut review.workload;
    w.events = events;
    w.sample_events = events;
    if events > 0 {
        let fits = limits::MAX_DEDUP_WINDOW_EVENTS as f64 / events as f64 * w.batch_window_s;
        w.dedup_window_s = w.dedup_window_s.min(libm::floor(fits)).max(1.0);
    }
    review
}

/// A placeholder calibration to replay: the pass's timings are not recorded,
/// only the data profile is computed.
fn placeholder_calibration() -> Calibration {
    let zero: BTreeMap<Stage, f64> = BTreeMap::new();
    Calibration::from_costs("benchmark placeholder", 1, &zero, 0.0, &[(1, 0.0)])
}

/// Generates and profiles `events` events of the example workload on the
/// current rayon pool. `clock` times the whole pass (session set-up, every
/// batch, the final merge); the pass itself reads no clock.
pub fn generate_and_profile(events: u64, clock: &dyn Clock) -> Result<BenchOutcome, CoreError> {
    let review = review(events);
    let threads = u32::try_from(rayon::current_num_threads()).unwrap_or(u32::MAX);
    let started = clock.now();
    let output = profile_to_end(
        review,
        Plan::Replay(placeholder_calibration()),
        &FrozenClock,
    )?;
    let elapsed_s = (clock.now().0 - started.0).max(0.0);
    Ok(BenchOutcome {
        events: output.data_profile.events,
        threads,
        elapsed_s,
        events_per_s: if elapsed_s > 0.0 {
            output.data_profile.events as f64 / elapsed_s
        } else {
            0.0
        },
        data_digest: output.data_profile.data_digest,
    })
}

/// Why a benchmark size is refused, naming the field like the review does.
pub fn check_events(events: u64) -> Result<(), ValidationErrors> {
    review(events).validate()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SteppingClock;
    use crate::units::Seconds;

    #[test]
    fn outcome_counts_every_event_and_divides_by_the_clock() {
        let clock = SteppingClock::new(Seconds(0.5));
        let outcome = generate_and_profile(50_000, &clock).unwrap();
        assert_eq!(outcome.events, 50_000);
        // Two clock reads, 0.5 s apart.
        assert_eq!(outcome.elapsed_s, 0.5);
        assert_eq!(outcome.events_per_s, 100_000.0);
        assert_eq!(outcome.data_digest.len(), 64);
    }

    #[test]
    #[expect(
        clippy::disallowed_methods,
        reason = "the test compares thread counts: it builds the pools it compares"
    )]
    fn digest_is_the_same_on_one_and_two_threads() {
        let digest = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| generate_and_profile(70_000, &FrozenClock).unwrap())
        };
        let one = digest(1);
        let two = digest(2);
        assert_eq!(one.threads, 1);
        assert_eq!(two.threads, 2);
        assert_eq!(one.data_digest, two.data_digest);
    }

    #[test]
    fn out_of_range_sizes_name_the_field() {
        let errors = check_events(0).unwrap_err();
        assert!(
            errors.0.iter().any(|e| e.path == "workload.events"),
            "{errors:?}"
        );
        assert!(matches!(
            generate_and_profile(0, &FrozenClock),
            Err(CoreError::Invalid(_))
        ));
    }
}
