//! Whole-result determinism: the result document is a pure function of the
//! review and the calibration, whatever the size of the rayon pool it runs
//! on, and a measured calibration replays to the same document.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed unwrap, expect or index is a failed test. (The
// workspace denies them in library code: the root Cargo.toml.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use scalewise_core::analysis::result::ResultDocument;
use scalewise_core::clock::SteppingClock;
use scalewise_core::profiler::Calibration;
use scalewise_core::review::Review;
use scalewise_core::session::{profile_with, run_to_end, run_with, CalibrateConfig, Plan};
use scalewise_core::units::Seconds;

/// The hand-written calibration shared with the golden tests.
fn calibration() -> Calibration {
    serde_json::from_str(include_str!("fixtures/calibration.json")).unwrap()
}

fn review(events: u64, seed: u64) -> Review {
    let mut review = Review::example();
    review.workload.events = events;
    review.workload.sample_events = events;
    review.seed = seed;
    review
}

#[expect(
    clippy::disallowed_methods,
    reason = "these tests compare thread counts: they build the pools it compares"
)]
fn on_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

fn json(document: &ResultDocument) -> String {
    serde_json::to_string(document).unwrap()
}

#[test]
fn the_whole_result_is_byte_identical_on_1_2_and_4_threads() {
    let review = review(200_000, 20_240_917);
    let calibration = calibration();
    let runs: Vec<(usize, String)> = [1, 2, 4]
        .into_iter()
        .map(|threads| {
            let document =
                on_pool(threads, || run_with(review.clone(), calibration.clone())).unwrap();
            assert_eq!(document.digest(), document.reproducibility.digest);
            (threads, json(&document))
        })
        .collect();
    let (_, reference) = &runs[0];
    for (threads, text) in &runs[1..] {
        assert!(
            text == reference,
            "the result on {threads} threads differs from the result on 1 thread"
        );
    }
}

proptest! {
    // Each case profiles a few chunks on three pools: keep them few and small.
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn the_data_profile_digest_does_not_depend_on_threads(
        seed in 0..=scalewise_core::limits::MAX_SEED,
        // Up to a few chunks (16 384 events each), not a multiple of one.
        events in 1u64..70_000,
    ) {
        let review = review(events, seed);
        let calibration = calibration();
        let profiles: Vec<_> = [1, 2, 3]
            .into_iter()
            .map(|threads| {
                on_pool(threads, || profile_with(review.clone(), calibration.clone()))
                    .unwrap()
                    .data_profile
            })
            .collect();
        prop_assert_eq!(profiles[0].data_digest.len(), 64);
        prop_assert_eq!(profiles[0].events, events);
        prop_assert_eq!(profiles[0].seed, seed);
        for profile in &profiles[1..] {
            prop_assert_eq!(&profile.data_digest, &profiles[0].data_digest);
            prop_assert_eq!(profile, &profiles[0]);
        }
    }
}

#[test]
fn a_measured_calibration_replays_to_the_same_document() {
    let review = review(50_000, 7);
    // Stepping: every read of the clock advances it, so the measured
    // timings are plausible but (on several threads) not reproducible —
    // which is the point: only the recorded calibration must be.
    let clock = SteppingClock::new(Seconds(3.7e-6));
    let plan = Plan::Calibrate(CalibrateConfig {
        environment: "determinism test".to_string(),
        max_lanes: 0,
    });
    let measured = on_pool(2, || run_to_end(review.clone(), plan, &clock)).unwrap();
    assert_eq!(measured.calibration.scaling.len(), 2);
    assert_eq!(measured.calibration.full_pass.events, 50_000);
    assert!(measured
        .calibration
        .scaling
        .iter()
        .all(|p| p.passes.len() == 3));
    // Through JSON, as the CLI and the page store it.
    let recorded: ResultDocument = serde_json::from_str(&measured.to_json_pretty()).unwrap();
    for threads in [1, 2, 3] {
        let replayed = on_pool(threads, || {
            run_with(
                recorded.reproducibility.review.clone(),
                recorded.calibration.clone(),
            )
        })
        .unwrap();
        assert_eq!(
            replayed.reproducibility.digest, measured.reproducibility.digest,
            "replay on {threads} threads"
        );
        assert_eq!(json(&replayed), json(&measured));
    }
}
