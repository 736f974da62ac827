//! Inputs found by the fuzzers (`core/fuzz`, see its README) replayed as
//! ordinary tests: each crash, once fixed, is saved under
//! `core/tests/fixtures/fuzz/<target>/` and must stay fixed. The seed corpora
//! of `core/fuzz/corpus/<target>/` are replayed too. Each input goes through
//! the same checks as its fuzz target: both call `core/fuzz/checks.rs`.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed unwrap, expect or index is a failed test. (The
// workspace denies them in library code: the root Cargo.toml.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use scalewise_core::analysis::result::ResultDocument;
use scalewise_core::review::Review;
use serde_json::Value;

#[path = "../fuzz/checks.rs"]
mod checks;

use checks::{result_case, review_case, usl_csv_case};

#[expect(
    clippy::disallowed_methods,
    reason = "the regressions are committed files"
)]
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

/// The committed seeds must reach the deep end of their checks: a seed that
/// no longer parses (say, after a schema change) would leave the fuzzer
/// mutating around the parse error and never replaying a document.
/// Regenerate `example_result.json` with `scalewise run` on the example
/// review at 2 000 events and `--calibration core/tests/fixtures/calibration.json`.
#[test]
fn seeds_parse_and_validate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (path, bytes) in inputs("review")
        .into_iter()
        .filter(|(path, _)| path.starts_with(&root))
    {
        let review = Review::from_json(std::str::from_utf8(&bytes).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        review
            .validate()
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    }
    for (path, bytes) in inputs("result")
        .into_iter()
        .filter(|(path, _)| path.starts_with(&root))
    {
        let document: ResultDocument =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            document.reproducibility.digest,
            document.digest(),
            "{}: recorded digest",
            path.display()
        );
        assert!(document.reproducibility.review.validate().is_ok());
        assert!(document.calibration.validate().is_ok());
    }
}

/// How deep a fuzz corpus reaches (not a check; run by hand):
/// `SCALEWISE_FUZZ_CORPUS=/tmp/corpus/review cargo test -p scalewise-core
/// --test fuzz_regressions corpus_depth -- --ignored --nocapture`.
#[test]
#[ignore]
#[expect(
    clippy::disallowed_methods,
    reason = "it reads the corpus directory it is given"
)]
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
