//! Bytes as a review document: `checks::review_case` (parse, round trip,
//! validate, then a bounded run of whatever validates).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::review_case(data));
