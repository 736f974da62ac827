//! Bytes as a result document: `checks::result_case` (parse, digest,
//! compare and diff, validate, then a bounded recomputation), against the
//! example review's result document.
#![no_main]

use std::sync::OnceLock;

use serde_json::Value;

#[path = "../checks.rs"]
mod checks;

/// The example review's result, replayed from the committed calibration
/// fixture (the seed corpus holds the same document).
fn example() -> &'static Value {
    static EXAMPLE: OnceLock<Value> = OnceLock::new();
    EXAMPLE.get_or_init(|| {
        serde_json::from_str(include_str!("../corpus/result/example_result.json"))
            .expect("the example result parses")
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::result_case(data, example()));
