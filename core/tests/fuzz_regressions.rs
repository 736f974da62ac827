//! Inputs found by the fuzzers (`core/fuzz`, see its README) replayed as
//! ordinary tests: each crash, once fixed, is saved under
//! `core/tests/fixtures/fuzz/<target>/` and must stay fixed. The seed corpora
//! of `core/fuzz/corpus/<target>/` are replayed too. Each input goes through
//! the same checks as its fuzz target (`core/fuzz/fuzz_targets/*.rs`), with
//! a plain panic for a failed check.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use scalewise_core::analysis::result::{
    build, compare, json_diff, AnalysisOptions, ResultDocument, Verification,
};
use scalewise_core::clock::SteppingClock;
use scalewise_core::models::usl::{fit_amdahl, fit_usl, parse_points_csv};
use scalewise_core::review::Review;
use scalewise_core::session::{profile_to_end, profile_with, CalibrateConfig, Plan, Session};
use scalewise_core::units::Seconds;
use serde_json::Value;

const RUN_EVENTS: u64 = 2_000;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        root.join("tests/fixtures/fuzz").join(target),
        root.join("fuzz/corpus").join(target),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths.into_iter().filter(|p| p.is_file()) {
            let bytes = std::fs::read(&path).unwrap();
            out.push((path, bytes));
        }
    }
    out
}

fn calibrate() -> Plan {
    Plan::Calibrate(CalibrateConfig {
        environment: "fuzz".to_string(),
        max_lanes: 1,
    })
}

/// `core/fuzz/fuzz_targets/review.rs`.
fn review_case(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(review) = Review::from_json(text) else {
        return;
    };
    let written = review.to_json_pretty();
    match Review::from_json(&written) {
        Ok(again) => assert_eq!(again, review, "JSON round trip changed the review"),
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
}

/// `core/fuzz/fuzz_targets/result.rs`.
fn result_case(data: &[u8], example: &Value) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let _ = compare(&value, example);
    let _ = compare(example, &value);
    assert!(json_diff(&value, &value, 20).is_empty());
    let _ = json_diff(&value, example, 20);
    let Ok(document) = serde_json::from_str::<ResultDocument>(text) else {
        return;
    };
    let recorded = document.to_value();
    let verdict = compare(&recorded, &recorded);
    if document.reproducibility.digest == document.digest() {
        assert_eq!(verdict, Verification::Reproduced);
    } else {
        assert!(matches!(verdict, Verification::Differs { .. }));
    }
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
}

/// `core/fuzz/fuzz_targets/usl_csv.rs`.
fn usl_csv_case(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(points) = parse_points_csv(text) else {
        return;
    };
    assert!(!points.is_empty());
    if let Ok(fit) = fit_usl(&points) {
        for n in [1.0, 2.0, 64.0, 1e6] {
            let _ = fit.throughput_at(n);
            let _ = fit.speedup_at(n);
        }
        let _ = fit.cost_workers(fit.lambda);
    }
    let _ = fit_amdahl(&points);
}

#[test]
fn review_inputs_stay_fixed() {
    let cases = inputs("review");
    assert!(!cases.is_empty());
    for (path, bytes) in cases {
        eprintln!("{}", path.display());
        review_case(&bytes);
    }
}

#[test]
fn result_inputs_stay_fixed() {
    let cases = inputs("result");
    assert!(!cases.is_empty());
    let example: Value =
        serde_json::from_str(include_str!("../fuzz/corpus/result/example_result.json")).unwrap();
    for (path, bytes) in cases {
        eprintln!("{}", path.display());
        result_case(&bytes, &example);
    }
}

#[test]
fn usl_csv_inputs_stay_fixed() {
    let cases = inputs("usl_csv");
    assert!(!cases.is_empty());
    for (path, bytes) in cases {
        eprintln!("{}", path.display());
        usl_csv_case(&bytes);
    }
}

/// How deep a fuzz corpus reaches (not a check; run by hand):
/// `SCALEWISE_FUZZ_CORPUS=/tmp/corpus/review cargo test -p scalewise-core
/// --test fuzz_regressions corpus_depth -- --ignored --nocapture`.
#[test]
#[ignore]
fn corpus_depth() {
    let Ok(dir) = std::env::var("SCALEWISE_FUZZ_CORPUS") else {
        return;
    };
    let (mut total, mut utf8, mut parsed, mut valid) = (0, 0, 0, 0);
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        total += 1;
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        utf8 += 1;
        if let Ok(review) = Review::from_json(text) {
            parsed += 1;
            valid += usize::from(review.validate().is_ok());
        } else if let Ok(document) = serde_json::from_str::<ResultDocument>(text) {
            parsed += 1;
            valid += usize::from(
                document.reproducibility.review.validate().is_ok()
                    && document.calibration.validate().is_ok(),
            );
        }
    }
    eprintln!("{total} inputs, {utf8} UTF-8, {parsed} parse, {valid} valid");
}
