//! Importing a file: a result document (`*.result.json`), which the engine
//! worker recomputes with its recorded calibration and compares, a plain
//! review (`*.review.json`), read here (at most `MAX_REVIEW_BYTES`), or a
//! CLUSTER.json from `scalewise cluster` (`crate::cluster`), checked against
//! the current review and kept beside it.
//!
//! The size is checked from `File.size` before a byte is read; a result's
//! text goes to the worker unparsed (the main thread never parses a
//! multi-megabyte document). Nothing changes the current review until the
//! file has been read, checked and (for results) reproduced: a broken,
//! oversized or hostile file only produces a message.

use std::sync::Arc;

use leptos::prelude::*;
use scalewise_core::analysis::result::ResultDocument;
use scalewise_core::review::{Review, MAX_REVIEW_BYTES};
use wasm_bindgen_futures::JsFuture;

use crate::cluster;
use crate::engine_client::describe;
use crate::format;
use crate::state::Workbench;

/// Largest file the workbench imports (the engine's own limit).
pub const MAX_IMPORT_BYTES: usize = scalewise_core::limits::MAX_IMPORT_BYTES;
/// Differing fields listed after a failed reproduction.
pub const SHOWN_DIFFERENCES: usize = 20;

/// One field that did not reproduce, rendered for display.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub path: String,
    pub recorded: String,
    pub recomputed: String,
}

/// The import in progress or its outcome.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportState {
    Idle,
    /// Reading the file or recomputing it (`doing` says which).
    Working {
        name: String,
        doing: String,
    },
    /// The digest matched; the review and the result are loaded.
    Reproduced {
        name: String,
        digest: String,
        /// The audit trail's state (`None`: fine, or no trail).
        chain_problem: Option<String>,
        chain_entries: usize,
    },
    /// The recomputation differs; nothing was loaded. `pending` is the
    /// document's review, loadable on request.
    Differs {
        name: String,
        differences: Vec<Difference>,
        chain_problem: Option<String>,
        pending: Option<Arc<Review>>,
    },
    /// A plain review was loaded.
    ReviewLoaded {
        name: String,
    },
    /// A CLUSTER.json's distributed section was imported (the review is
    /// unchanged); `summary` says what it holds.
    ClusterLoaded {
        name: String,
        summary: String,
    },
    /// The file cannot be used; nothing changed.
    Invalid {
        name: String,
        message: String,
    },
}

/// Which reader a file goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Result,
    Review,
    /// A calibration document with a distributed section (CLUSTER.json).
    Cluster,
}

/// By the file name first (`.result.json`, `.review.json`), else by whether
/// the text has a result document's `reproducibility` block, else by
/// whether it is a CLUSTER.json ([`cluster::looks_like_cluster`]).
pub fn kind_of(name: &str, text: &str) -> Kind {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".result.json") {
        Kind::Result
    } else if lower.ends_with(".review.json") {
        Kind::Review
    } else if text.contains("\"reproducibility\"") {
        Kind::Result
    } else if cluster::looks_like_cluster(name, text) {
        Kind::Cluster
    } else {
        Kind::Review
    }
}

/// Why a file of `bytes` bytes is refused before reading, if it is.
pub fn too_large(name: &str, bytes: f64) -> Option<String> {
    (bytes > MAX_IMPORT_BYTES as f64).then(|| {
        format!(
            "“{name}” is {}; the import limit is {} ({} bytes). Nothing was loaded.",
            format::bytes(bytes),
            format::bytes(MAX_IMPORT_BYTES as f64),
            MAX_IMPORT_BYTES
        )
    })
}

/// Reads a plain review: parsed (≤ [`MAX_REVIEW_BYTES`]) and validated.
pub fn read_review(text: &str) -> Result<Review, String> {
    if text.len() > MAX_REVIEW_BYTES {
        return Err(format!(
            "a review may have at most {MAX_REVIEW_BYTES} bytes; this file has {} and is not a result document",
            text.len()
        ));
    }
    let review = Review::from_json(text)
        .map_err(|e| format!("it is neither a result document nor a review: {e}"))?;
    review
        .validate()
        .map_err(|errors| format!("the review in it is not valid: {}", errors.first(5)))?;
    Ok(review)
}

/// A JSON value for the differences list, cut to a readable length.
pub fn show_value(value: Option<&serde_json::Value>) -> String {
    let Some(value) = value else {
        return "(missing)".to_string();
    };
    let text = value.to_string();
    let short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// Imports `file`: checks the size, reads the text, then loads a review or
/// has the engine verify a result. Progress and outcome land in
/// `bench.import`.
pub async fn import_file(bench: Workbench, file: web_sys::File) {
    let name = file.name();
    if let Some(message) = too_large(&name, file.size()) {
        bench.import.set(ImportState::Invalid { name, message });
        return;
    }
    bench.import.set(ImportState::Working {
        name: name.clone(),
        doing: "Reading the file…".to_string(),
    });
    let text = match JsFuture::from(file.text()).await {
        Ok(text) => text.as_string().unwrap_or_default(),
        Err(e) => {
            bench.import.set(ImportState::Invalid {
                message: format!("“{name}” could not be read: {}", describe(&e)),
                name,
            });
            return;
        }
    };
    // `File.size` can lie for special files; the text cannot.
    if let Some(message) = too_large(&name, text.len() as f64) {
        bench.import.set(ImportState::Invalid { name, message });
        return;
    }
    match kind_of(&name, &text) {
        Kind::Review => match read_review(&text) {
            Ok(review) => {
                bench.load_imported(&name, review, None::<ResultDocument>);
                bench.import.set(ImportState::ReviewLoaded { name });
            }
            Err(reason) => bench.import.set(ImportState::Invalid {
                message: format!("“{name}” was not loaded: {reason}. Your work is unchanged."),
                name,
            }),
        },
        Kind::Cluster => {
            let review = bench.review.get_untracked();
            match cluster::read_cluster(&name, &text, &review) {
                Ok(imported) => {
                    let summary = imported.summary();
                    bench.import_cluster(imported);
                    bench
                        .import
                        .set(ImportState::ClusterLoaded { name, summary });
                }
                Err(reason) => bench.import.set(ImportState::Invalid {
                    message: format!(
                        "“{name}” was not imported: {reason}. Your work is unchanged."
                    ),
                    name,
                }),
            }
        }
        Kind::Result => {
            bench.import.set(ImportState::Working {
                name: name.clone(),
                doing: "Recomputing it in the engine worker with its recorded calibration…"
                    .to_string(),
            });
            bench.verify_document(name, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_go_to_the_right_reader() {
        assert_eq!(kind_of("a.result.json", "{}"), Kind::Result);
        assert_eq!(
            kind_of("A.Review.JSON", "\"reproducibility\""),
            Kind::Review
        );
        assert_eq!(kind_of("x.json", r#"{"reproducibility":{}}"#), Kind::Result);
        assert_eq!(kind_of("x.json", r#"{"title":"t"}"#), Kind::Review);
        assert_eq!(kind_of("CLUSTER.json", "{}"), Kind::Cluster);
        assert_eq!(
            kind_of("x.json", r#"{"scaling":[],"distributed":{}}"#),
            Kind::Cluster
        );
        // A result that records a distributed section is still a result.
        assert_eq!(
            kind_of(
                "x.json",
                r#"{"calibration":{"distributed":{}},"reproducibility":{}}"#
            ),
            Kind::Result
        );
    }

    #[test]
    fn oversized_files_are_refused_with_the_limit() {
        assert!(too_large("a", 10.0).is_none());
        let message = too_large("big.result.json", MAX_IMPORT_BYTES as f64 + 1.0).unwrap();
        assert!(message.contains("big.result.json"), "{message}");
        assert!(message.contains(&MAX_IMPORT_BYTES.to_string()), "{message}");
    }

    #[test]
    fn reviews_are_read_and_checked() {
        let review = Review::example();
        assert_eq!(read_review(&review.to_json_pretty()).unwrap(), review);
        assert!(read_review("{").unwrap_err().contains("neither"));
        let mut bad = review.clone();
        bad.alternatives[1].design.nodes = 0;
        let message = read_review(&bad.to_json_pretty()).unwrap_err();
        assert!(
            message.contains("alternatives[1].design.nodes"),
            "{message}"
        );
    }

    #[test]
    fn long_values_are_cut() {
        let long = serde_json::Value::String("x".repeat(500));
        assert!(show_value(Some(&long)).ends_with('…'));
        assert_eq!(show_value(None), "(missing)");
        assert_eq!(show_value(Some(&serde_json::json!(1.5))), "1.5");
    }
}
