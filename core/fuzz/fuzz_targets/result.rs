//! Bytes → a result document, the way `scalewise verify` and the page's
//! import read one: parse (as JSON, then as a `ResultDocument`), digest,
//! `compare` and `json_diff` against itself and against the example's
//! document, validate the recorded review and calibration, and recompute a
//! bounded version of it.
//!
//! Bounded per input: the recomputation replays the recorded calibration
//! over at most `RUN_EVENTS` events with a reduced analysis sample (the real `verify` replays every event
//! of the recorded workload, up to the 200 M limit; the work per event does
//! not depend on the document beyond the validated review).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scalewise_core::analysis::result::{
    build, compare, json_diff, AnalysisOptions, ResultDocument, Verification,
};
use scalewise_core::session::profile_with;
use serde_json::Value;

const RUN_EVENTS: u64 = 2_000;
/// What `scalewise verify` reads at most.
const MAX_RESULT_BYTES: usize = 64 << 20;

/// The example review's result, replayed from the committed calibration
/// fixture (the seed corpus holds the same document).
fn example() -> &'static Value {
    static EXAMPLE: OnceLock<Value> = OnceLock::new();
    EXAMPLE.get_or_init(|| {
        serde_json::from_str(include_str!("../corpus/result/example_result.json"))
            .expect("the example result parses")
    })
}

fuzz_target!(|data: &[u8]| {
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
    let _ = compare(&value, example());
    let _ = compare(example(), &value);
    assert!(
        json_diff(&value, &value, 20).is_empty(),
        "a value differs from itself"
    );
    let _ = json_diff(&value, example(), 20);

    let Ok(document) = serde_json::from_str::<ResultDocument>(text) else {
        return;
    };
    let recorded = document.to_value();
    let digest = document.digest();
    let verdict = compare(&recorded, &recorded);
    // A document compared with itself reproduces exactly when its digest is
    // its own; otherwise the difference is the digest.
    if document.reproducibility.digest == digest {
        assert_eq!(verdict, Verification::Reproduced);
    } else {
        assert!(matches!(verdict, Verification::Differs { .. }));
    }
    let _ = compare(&recorded, example());

    // verify: the recorded inputs are validated before any recomputation.
    let review = &document.reproducibility.review;
    let calibration = &document.calibration;
    if review.validate().is_err() || calibration.validate().is_err() {
        return;
    }
    let mut small = review.clone();
    small.workload.events = small.workload.events.min(RUN_EVENTS);
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
});
