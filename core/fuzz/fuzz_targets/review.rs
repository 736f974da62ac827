//! Bytes → `Review::from_json` → `validate`; a review that validates must
//! also round-trip through JSON, start a `Session` at its full size, and run
//! to the end at a small size without panicking.
//!
//! Bounded per input: the full-size session is only constructed (that plans
//! every pass but generates nothing); the run uses the same review with at
//! most `RUN_EVENTS` events and a reduced analysis sample (see
//! `small_analysis`), so a case takes milliseconds however large the
//! workload it asks for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalewise_core::analysis::result::{build, AnalysisOptions};
use scalewise_core::clock::SteppingClock;
use scalewise_core::review::Review;
use scalewise_core::session::{profile_to_end, CalibrateConfig, Plan, Session};
use scalewise_core::units::Seconds;

/// Events of the bounded run: a few chunks, every stage still exercised.
const RUN_EVENTS: u64 = 2_000;

fn calibrate() -> Plan {
    Plan::Calibrate(CalibrateConfig {
        environment: "fuzz".to_string(),
        max_lanes: 1,
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(review) = Review::from_json(text) else {
        return;
    };
    // Whatever parses can be written back and reads as the same review
    // (exports, autosave and the result document depend on it).
    let written = review.to_json_pretty();
    match Review::from_json(&written) {
        Ok(again) => assert_eq!(again, review, "JSON round trip changed the review"),
        // Re-serialising may grow the text past MAX_REVIEW_BYTES (pretty
        // printing adds indentation); nothing else may fail.
        Err(error) => assert!(
            written.len() > scalewise_core::limits::MAX_REVIEW_BYTES,
            "own output does not parse: {error}"
        ),
    }
    if review.validate().is_err() {
        return;
    }
    let mut small = review.clone();
    Session::new(review, calibrate()).expect("a valid review must start a session");
    small.workload.events = small.workload.events.min(RUN_EVENTS);
    let clock = SteppingClock::new(Seconds(1e-6));
    let output =
        profile_to_end(small.clone(), calibrate(), &clock).expect("a valid review must run");
    build(
        &small,
        output.data_profile,
        output.calibration,
        &AnalysisOptions::reduced_samples(),
    )
    .expect("a valid review must analyse");
});
