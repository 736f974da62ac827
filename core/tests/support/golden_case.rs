//! The golden case shared by `golden.rs` (native) and `wasm.rs` (wasm32 in
//! Chromium): one fixed review and calibration, and the digests their result
//! must have on every target. The expected values live in ONE place,
//! `fixtures/golden.json`; only the native test rewrites it
//! (`SCALEWISE_UPDATE_GOLDEN=1`).

#![allow(dead_code)] // each test target uses part of it

use scalewise_core::analysis::result::{digest_of, ResultDocument};
use scalewise_core::profiler::Calibration;
use scalewise_core::review::Review;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub const GOLDEN_JSON: &str = include_str!("../fixtures/golden.json");
pub const CALIBRATION_JSON: &str = include_str!("../fixtures/calibration.json");
pub const UPDATE_COMMAND: &str =
    "SCALEWISE_UPDATE_GOLDEN=1 cargo test -p scalewise-core --test golden";

/// `fixtures/golden.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Golden {
    pub about: String,
    /// The case: `Review::example()` with these events and seed, and
    /// `fixtures/calibration.json`.
    pub events: u64,
    pub seed: u64,
    /// `reproducibility.digest` of the result document.
    pub result_digest: String,
    /// `profile.data_digest`.
    pub data_digest: String,
    /// SHA-256 of each top-level section of the document (without the
    /// digest): not asserted on their own, they say *where* a mismatch is.
    pub sections: BTreeMap<String, String>,
}

impl Golden {
    pub fn committed() -> Golden {
        serde_json::from_str(GOLDEN_JSON).expect("fixtures/golden.json parses")
    }

    pub fn review(&self) -> Review {
        let mut review = Review::example();
        review.workload.events = self.events;
        review.workload.sample_events = self.events;
        review.seed = self.seed;
        review
    }

    pub fn calibration() -> Calibration {
        serde_json::from_str(CALIBRATION_JSON).expect("fixtures/calibration.json parses")
    }

    /// The same case with the digests of `document`.
    pub fn with_result_of(&self, document: &ResultDocument) -> Golden {
        Golden {
            result_digest: document.reproducibility.digest.clone(),
            data_digest: document.profile.data_digest.clone(),
            sections: sections(document),
            ..self.clone()
        }
    }

    /// `None` if `document` matches; otherwise what differs, for people.
    pub fn mismatch(&self, document: &ResultDocument) -> Option<String> {
        let actual = self.with_result_of(document);
        if actual.result_digest == self.result_digest && actual.data_digest == self.data_digest {
            return None;
        }
        let differing: Vec<&str> = actual
            .sections
            .iter()
            .filter(|(key, digest)| self.sections.get(*key) != Some(*digest))
            .map(|(key, _)| key.as_str())
            .collect();
        Some(format!(
            "result digest {} (golden {}), data digest {} (golden {}); differing sections: {:?}",
            actual.result_digest,
            self.result_digest,
            actual.data_digest,
            self.data_digest,
            differing
        ))
    }
}

/// Digest of each top-level key of the document, without the digest itself.
pub fn sections(document: &ResultDocument) -> BTreeMap<String, String> {
    let mut value = document.to_value();
    if let Some(r) = value
        .get_mut("reproducibility")
        .and_then(Value::as_object_mut)
    {
        r.remove("digest");
    }
    value
        .as_object()
        .map(|object| {
            object
                .iter()
                .map(|(key, section)| (key.clone(), digest_of(section)))
                .collect()
        })
        .unwrap_or_default()
}
