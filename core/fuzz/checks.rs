//! What must hold for each fuzzed input, shared by the fuzz targets
//! (`fuzz_targets/*.rs`, one line each) and their replay as ordinary tests
//! (`core/tests/fuzz_regressions.rs`), which include this file with
//! `#[path]`: a check changed here changes both, so a saved crash is always
//! replayed through the check that found it. A failed check panics, which
//! libFuzzer reports as a crash and `cargo test` as a failure.
//!
//! Per-input work is bounded so that a case takes milliseconds: runs use at
//! most `RUN_EVENTS` events in the sample (the production volume stays as
//! given: it is projected, not run) and the analysis its reduced samples
//! (`AnalysisOptions::reduced_samples`); the full-size session is only
//! constructed (that plans every pass but generates nothing).

// Each fuzz target includes the whole file and calls one check.
#![allow(dead_code)]

use scalewise_core::analysis::result::{
    build, compare, json_diff, AnalysisOptions, ResultDocument, Verification,
};
use scalewise_core::clock::SteppingClock;
use scalewise_core::models::usl::{fit_amdahl, fit_usl, parse_points_csv};
use scalewise_core::review::Review;
use scalewise_core::session::{profile_to_end, profile_with, CalibrateConfig, Plan, Session};
use scalewise_core::units::Seconds;
use serde_json::Value;

/// Events of a bounded run: a few chunks, every stage still exercised.
pub const RUN_EVENTS: u64 = 2_000;
/// What `scalewise verify` and the page's import read at most.
pub const MAX_RESULT_BYTES: usize = scalewise_core::limits::MAX_IMPORT_BYTES;

fn calibrate() -> Plan {
    Plan::Calibrate(CalibrateConfig {
        environment: "fuzz".to_string(),
        max_lanes: 1,
    })
}

/// Bytes → `Review::from_json` → `validate`; a review that parses must
/// round-trip through JSON, and one that validates must start a `Session`
/// at its full size and run to the end (profiling and analysis) at a
/// bounded size.
pub fn review_case(data: &[u8]) {
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
    small.workload.sample_events = small.workload.sample_events.min(RUN_EVENTS);
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
}

/// Bytes → a result document, the way `scalewise verify` and the page's
/// import read one: parse (as JSON, then as a `ResultDocument`), digest,
/// `compare` and `json_diff` against itself and against `example` (the
/// example review's result document), validate the recorded review and
/// calibration, and recompute a bounded version of it (the real `verify`
/// replays every recorded event, up to the 200 M limit; the work per event
/// does not depend on the document beyond the validated review).
pub fn result_case(data: &[u8], example: &Value) {
    if data.len() > MAX_RESULT_BYTES {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Any JSON at all: the diff and compare helpers take untyped values.
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let _ = compare(&value, example);
    let _ = compare(example, &value);
    assert!(
        json_diff(&value, &value, 20).is_empty(),
        "a value differs from itself"
    );
    let _ = json_diff(&value, example, 20);

    let Ok(document) = serde_json::from_str::<ResultDocument>(text) else {
        return;
    };
    let recorded = document.to_value();
    let verdict = compare(&recorded, &recorded);
    // A document compared with itself reproduces exactly when its digest is
    // its own; otherwise the difference is the digest.
    if document.reproducibility.digest == document.digest() {
        assert_eq!(verdict, Verification::Reproduced);
    } else {
        assert!(matches!(verdict, Verification::Differs { .. }));
    }
    let _ = compare(&recorded, example);

    // verify: the recorded inputs are validated before any recomputation.
    let review = &document.reproducibility.review;
    let calibration = &document.calibration;
    if review.validate().is_err() || calibration.validate().is_err() {
        return;
    }
    let mut small = review.clone();
    small.workload.sample_events = small.workload.sample_events.min(RUN_EVENTS);
    let output =
        profile_with(small.clone(), calibration.clone()).expect("valid inputs must replay");
    let recomputed = build(
        &small,
        output.data_profile,
        output.calibration,
        &AnalysisOptions::reduced_samples(),
    )
    .expect("valid inputs must analyse");
    let _ = compare(&recorded, &recomputed.to_value());
}

/// Bytes → `parse_points_csv` → `fit_usl` / `fit_amdahl` on success: the
/// Profile step's "fit your own measurements" box and `scalewise usl`.
pub fn usl_csv_case(data: &[u8]) {
    // The page and the CLI hand the parser a `&str`; invalid UTF-8 never
    // reaches it (the browser decodes, the CLI's read_to_string rejects).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(points) = parse_points_csv(text) else {
        return;
    };
    assert!(!points.is_empty(), "parse_points_csv returned Ok(empty)");
    if let Ok(fit) = fit_usl(&points) {
        // What the app draws from a fit: the curve at the measured and a few
        // projected worker counts.
        for n in [1.0, 2.0, 64.0, 1e6] {
            let _ = fit.throughput_at(n);
            let _ = fit.speedup_at(n);
        }
        let _ = fit.cost_workers(fit.lambda);
    }
    let _ = fit_amdahl(&points);
}
