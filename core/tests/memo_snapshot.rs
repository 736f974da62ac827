//! The example's memo, word for word: the review `scalewise example`
//! writes, replayed with `fixtures/calibration.json`, exported as
//! `*.memo.md`. Any change of wording or of a number shows up as a diff of
//! `snapshots/example_memo.md` to review; accept an intended one with
//!
//! ```text
//! UPDATE_EXPECT=1 cargo test -p scalewise-core --test memo_snapshot
//! ```
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use scalewise_core::review::Review;
use scalewise_core::session::run_with;
use scalewise_core::submission::{check_memo, memo_file};

#[test]
fn the_example_memo_reads_as_recorded() {
    let calibration = serde_json::from_str(include_str!("fixtures/calibration.json")).unwrap();
    let document = run_with(Review::example(), calibration).unwrap();
    let memo = memo_file(&document);
    expect_test::expect_file!["snapshots/example_memo.md"].assert_eq(&memo);
    // What the snapshot records must be a memo the course accepts.
    let check = check_memo(&memo);
    assert!(
        check.in_range && check.missing_headings.is_empty(),
        "{check:?}"
    );
}
