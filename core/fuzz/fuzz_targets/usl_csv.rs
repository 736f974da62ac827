//! Bytes → `parse_points_csv` → `fit_usl` / `fit_amdahl` on success: the
//! Profile step's "fit your own measurements" box and `scalewise usl`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalewise_core::models::usl::{fit_amdahl, fit_usl, parse_points_csv};

fuzz_target!(|data: &[u8]| {
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
});
