//! The canonical JSON of `scalewise_core::digest` against a second
//! implementation: the Python code the exported notebook runs
//! (`digest::PYTHON_CANONICAL_JSON`, standard library only), executed by
//! `python3` on the same values. Every case must give the same text, byte for
//! byte. Needs `python3` (≥ 3.8) on the PATH, as the notebook check does.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed unwrap, expect or index is a failed test, and this
// test writes its cases to a scratch directory for python3 to read.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

use std::path::PathBuf;
use std::process::Command;

use scalewise_core::digest::{canonical_json, digest_without, PYTHON_CANONICAL_JSON};
use scalewise_core::rng::{ItemRng, Stream};
use serde_json::{json, Value};

/// Doubles that exercise every branch of the number form: random bit
/// patterns (any exponent, subnormals included), short decimals, integers
/// around 2^53, and dyadic fractions whose shortest form is an exact tie
/// between two digit strings (the round-half-even rule).
fn doubles() -> Vec<f64> {
    let mut out = vec![
        0.0,
        -0.0,
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
        1e21,
        1e-7,
        1e-6,
        123e18,
        // 1424953923781206.25: a tie between …06.2 and …06.3 (RFC 8785's sample).
        f64::from_bits(0x43143ff3c1cb0959),
        0.1 + 0.2,
    ];
    for i in 0..3_000u64 {
        let mut rng = ItemRng::new(8785, Stream::Sample, i);
        let bits = rng.next_u64();
        let x = f64::from_bits(bits);
        if x.is_finite() {
            out.push(x);
        }
        let decimal = (rng.below(2_000_000) as f64 - 1e6) / libm::pow(10.0, rng.below(12) as f64);
        out.push(decimal);
        let dyadic = (rng.below(1 << 53) as f64) / f64::from(1u32 << rng.below(6));
        out.push(dyadic);
        let near_2_53 = 9_007_199_254_740_992.0 + (rng.below(64) as f64 - 32.0) * 2.0;
        out.push(near_2_53);
        let scaled = rng.next_f64() * libm::pow(10.0, rng.below(60) as f64 - 30.0);
        out.push(scaled);
    }
    out
}

fn cases() -> Vec<Value> {
    let mut cases: Vec<Value> = doubles().into_iter().map(|x| json!(x)).collect();
    cases.extend([
        json!(9_007_199_254_740_993u64),
        json!(u64::MAX),
        json!(i64::MIN),
        json!("plain"),
        json!("\"quotes\" \\ / \u{0} \u{8} \u{c} \n \r \t \u{1f} \u{7f} é € 🦀 \u{2028}"),
        json!({"\u{20ac}": 1, "\r": 2, "\u{fb33}": 3, "1": 4, "😀": 5, "\u{80}": 6, "ö": 7}),
        json!({"b": [1, 2.5, {"z": null, "a": [true, false]}], "a": {"": -0.0}}),
        json!([]),
        json!({}),
    ]);
    // A whole result document, as exported.
    let review = {
        let mut review = scalewise_core::review::Review::example();
        review.workload.events = 2_000;
        review.workload.sample_events = 2_000;
        review
    };
    let calibration = serde_json::from_str(include_str!("fixtures/calibration.json")).unwrap();
    let document = scalewise_core::session::run_with(review, calibration).unwrap();
    cases.push(serde_json::from_str(&document.to_json_pretty()).unwrap());
    cases
}

#[test]
fn python_reproduces_the_canonical_form_byte_for_byte() {
    let cases = cases();
    let dir = std::env::temp_dir().join(format!("scalewise-jcs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("cases.json");
    std::fs::write(&input, serde_json::to_string(&cases).unwrap()).unwrap();
    let script: PathBuf = dir.join("jcs.py");
    std::fs::write(
        &script,
        format!(
            "import hashlib, json, sys\n\n{PYTHON_CANONICAL_JSON}\n\n\
             cases = json.load(open(sys.argv[1], encoding='utf-8'))\n\
             out = [canonical_json(case) for case in cases]\n\
             out.append(digest_without(cases[-1], ['reproducibility', 'digest']))\n\
             sys.stdout.buffer.write(json.dumps(out, ensure_ascii=True).encode('ascii'))\n"
        ),
    )
    .unwrap();
    let output = Command::new("python3")
        .arg(&script)
        .arg(&input)
        .output()
        .expect("python3 on the PATH (the notebook check needs it too)");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        output.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let python: Vec<String> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(python.len(), cases.len() + 1);
    let mut mismatches = Vec::new();
    for (case, theirs) in cases.iter().zip(&python) {
        let ours = canonical_json(case);
        if &ours != theirs {
            mismatches.push(format!("rust {ours:.200} / python {theirs:.200}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ, e.g. {:?}",
        mismatches.len(),
        cases.len(),
        &mismatches[..mismatches.len().min(5)]
    );
    let document = cases.last().unwrap();
    let digest = digest_without(document, &["reproducibility", "digest"]);
    assert_eq!(python.last().unwrap(), &digest);
    assert_eq!(
        document["reproducibility"]["digest"].as_str().unwrap(),
        digest,
        "the recorded digest is the canonical one"
    );
}
