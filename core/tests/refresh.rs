//! `refresh` against the real thing: for several weight vectors and
//! submissions, re-deriving a document without a run gives, byte for byte,
//! what a full recomputation (`session::run_with`) gives — with the
//! document as the page holds it (parsed back from its JSON).
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

use golden_case::Golden;
use scalewise_core::analysis::result::{refresh, ResultDocument};
use scalewise_core::digest::canonical_json;
use scalewise_core::review::RecommendationEdit;
use scalewise_core::session::run_with;
use scalewise_core::submission::append_entry;

#[test]
fn refresh_equals_run_with_byte_for_byte() {
    let review = Golden::committed().review();
    let original = run_with(review.clone(), Golden::calibration()).unwrap();
    let held: ResultDocument = serde_json::from_str(&original.to_json_pretty()).unwrap();
    let vectors = [
        [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
        [3.0, 0.5, 0.0, 2.0, 0.1, 9.0],
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    ];
    for (i, v) in vectors.into_iter().enumerate() {
        let mut edited = review.clone();
        let w = &mut edited.weights;
        [
            w.deadline,
            w.cost,
            w.resilience,
            w.data_quality_lineage,
            w.access_risk,
            w.operational_complexity,
        ] = v;
        edited.title = format!("Refreshed review {i}");
        if i > 0 {
            edited.submission.recommendation = Some(RecommendationEdit {
                recommended_option: edited.alternatives[0].option.clone(),
                minimum_evidence_before_pilot: vec![format!("evidence {i}")],
                monitoring_metric: "p95 makespan".to_string(),
                rollback_trigger: "two missed nights".to_string(),
                evidence_still_needed: vec!["real volumes".to_string()],
            });
            append_entry(
                &mut edited.submission.audit,
                "2026-11-22T01:40:00Z",
                "weights and recommendation edited",
                vec![
                    "weights".to_string(),
                    "submission.recommendation".to_string(),
                ],
            );
        }
        if i == 2 {
            edited.submission.memo = Some("# Mine\n\n## Context\n\nShort.".to_string());
        }
        let refreshed = refresh(&held, &edited).unwrap();
        let recomputed = run_with(edited.clone(), Golden::calibration()).unwrap();
        assert_eq!(
            canonical_json(&refreshed.to_value()),
            canonical_json(&recomputed.to_value()),
            "weights {v:?}"
        );
        assert_eq!(refreshed.to_json_pretty(), recomputed.to_json_pretty());
        assert_ne!(
            refreshed.reproducibility.digest,
            original.reproducibility.digest
        );
    }
}
