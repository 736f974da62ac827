//! The golden digests in wasm32, in headless Chromium: the same constants as
//! the native `golden.rs`, so a difference between the targets fails here.
//! Run as `scripts/test.sh` does:
//!
//! ```text
//! CHROMEDRIVER=/usr/bin/chromedriver \
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test -p scalewise-core --target wasm32-unknown-unknown --test wasm
//! ```
#![cfg(target_arch = "wasm32")]
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

use golden_case::Golden;
use scalewise_core::session::run_with;
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_golden_review_has_the_golden_digests_in_wasm() {
    let golden = Golden::committed();
    let document = run_with(golden.review(), Golden::calibration()).unwrap();
    assert_eq!(document.digest(), document.reproducibility.digest);
    if let Some(mismatch) = golden.mismatch(&document) {
        panic!(
            "wasm32 computes a different result than the native golden: {mismatch}.\n\
             Native and wasm must agree bit for bit (see ARCHITECTURE.md, Determinism)."
        );
    }
}

#[wasm_bindgen_test]
fn the_golden_data_profile_is_the_same_in_wasm() {
    let golden = Golden::committed();
    let output =
        scalewise_core::session::profile_with(golden.review(), Golden::calibration()).unwrap();
    assert_eq!(output.data_profile.data_digest, golden.data_digest);
}
