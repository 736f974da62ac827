//! Bytes as the `workers,throughput` CSV: `checks::usl_csv_case` (parse,
//! then the USL and Amdahl fits and what the app reads off them).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::usl_csv_case(data));
