//! The golden digests, natively. `wasm.rs` asserts the same constants in
//! Chromium: together they show native and wasm compute the same result.
//! Regenerate (after an intended change of the results) with
//!
//! ```text
//! SCALEWISE_UPDATE_GOLDEN=1 cargo test -p scalewise-core --test golden
//! ```
//! and then run the wasm test (see `wasm.rs`).
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed unwrap, expect or index is a failed test. (The
// workspace denies them in library code: the root Cargo.toml.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/golden_case.rs"]
mod golden_case;

use golden_case::{Golden, UPDATE_COMMAND};
use scalewise_core::session::run_with;

#[test]
#[expect(
    clippy::disallowed_methods,
    reason = "regenerating the golden file writes it"
)]
fn the_golden_review_has_the_golden_digests() {
    let golden = Golden::committed();
    let document = run_with(golden.review(), Golden::calibration()).unwrap();
    assert_eq!(document.digest(), document.reproducibility.digest);
    if std::env::var_os("SCALEWISE_UPDATE_GOLDEN").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/golden.json");
        let mut text = serde_json::to_string_pretty(&golden.with_result_of(&document)).unwrap();
        text.push('\n');
        std::fs::write(path, text).unwrap();
        return;
    }
    if let Some(mismatch) = golden.mismatch(&document) {
        panic!(
            "the golden review's result changed natively: {mismatch}.\n\
             If the change is intended, regenerate tests/fixtures/golden.json and commit it:\n    \
             {UPDATE_COMMAND}\nthen check that the wasm test agrees (scripts/test.sh)."
        );
    }
}

#[test]
fn the_golden_fixtures_are_valid_inputs() {
    let golden = Golden::committed();
    assert_eq!(golden.review().validate(), Ok(()));
    assert_eq!(Golden::calibration().validate(), Ok(()));
    // (While the update runs, this build still holds the old file.)
    if std::env::var_os("SCALEWISE_UPDATE_GOLDEN").is_some() {
        return;
    }
    assert_eq!(golden.result_digest.len(), 64);
    assert_eq!(golden.data_digest.len(), 64);
}
