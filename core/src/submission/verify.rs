//! Checking a result document someone hands over: parse it (size-limited),
//! validate its recorded review, recompute it from the recorded review and
//! calibration, compare, and check the audit chain. What the page's import
//! and the engine's `verify` request do.

use serde::{Deserialize, Serialize};

use crate::analysis::result::{
    build, json_diff_default, AnalysisOptions, FieldDifference, ResultDocument,
};
use crate::limits::MAX_IMPORT_BYTES;

use super::audit::{verify_chain, ChainStatus};

/// The verdict on an imported result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyOutcome {
    /// Recomputed to the same digest.
    Reproduced { digest: String, chain: ChainStatus },
    /// The fields that differ (recorded on the left, recomputed on the
    /// right; at most [`crate::analysis_limits::DEFAULT_DIFF_LIMIT`]).
    Differs {
        differences: Vec<FieldDifference>,
        chain: ChainStatus,
    },
    /// Not a result document this build can check; the message says why.
    Invalid { message: String },
}

/// Refuses recorded analysis settings costlier than the defaults (every
/// document the tool writes uses the defaults or less): a hostile file
/// could otherwise ask for a sweep that keeps the engine busy for minutes.
fn check_budget(document: &ResultDocument) -> Result<(), String> {
    let projection = &document.reproducibility.projection_config;
    let sweep = &document.reproducibility.sweep_config;
    let defaults = AnalysisOptions::default();
    let checks = [
        (
            "projection_config.failure_runs",
            u64::from(projection.failure_runs),
            u64::from(defaults.projection.failure_runs),
        ),
        (
            "sweep_config.points",
            sweep.points as u64,
            defaults.sweep.points as u64,
        ),
        (
            "sweep_config.failure_runs",
            u64::from(sweep.failure_runs),
            u64::from(defaults.sweep.failure_runs),
        ),
    ];
    for (field, value, max) in checks {
        if value > max {
            return Err(format!(
                "reproducibility.{field} is {value}; this tool recomputes at most {max}"
            ));
        }
    }
    Ok(())
}

/// The document its recorded inputs give: the review replayed on the
/// recorded calibration, analysed with the recorded projection and sweep
/// settings (bounded by [`crate::analysis_limits`], checked by the analysis).
pub fn recompute(document: &ResultDocument) -> Result<ResultDocument, String> {
    check_budget(document)?;
    let review = document.reproducibility.review.clone();
    let output = crate::session::profile_with(review.clone(), document.calibration.clone())
        .map_err(|e| e.to_string())?;
    let options = AnalysisOptions {
        projection: document.reproducibility.projection_config.clone(),
        sweep: document.reproducibility.sweep_config.clone(),
    };
    build(&review, output.data_profile, output.calibration, &options).map_err(|e| e.to_string())
}

/// Parses and checks `text`; returns the document (when it parses, so the
/// page can restore it) and the verdict. Runs the whole recomputation.
pub fn verify_document(text: &str) -> (Option<Box<ResultDocument>>, VerifyOutcome) {
    let invalid = |message: String| VerifyOutcome::Invalid { message };
    if text.len() > MAX_IMPORT_BYTES {
        return (
            None,
            invalid(format!(
                "the file is {} bytes; the limit is {} bytes ({} MiB)",
                text.len(),
                MAX_IMPORT_BYTES,
                MAX_IMPORT_BYTES >> 20
            )),
        );
    }
    let document: ResultDocument = match serde_json::from_str(text) {
        Ok(document) => document,
        Err(e) => {
            return (
                None,
                invalid(format!("not a Scalewise result document: {e}")),
            )
        }
    };
    let review = document.reproducibility.review.clone();
    if let Err(errors) = review.validate() {
        return (
            Some(Box::new(document)),
            invalid(format!("the recorded review is not valid: {errors}")),
        );
    }
    let chain = verify_chain(&review.submission.audit);
    let recomputed = match recompute(&document) {
        Ok(recomputed) => recomputed,
        Err(message) => {
            return (
                Some(Box::new(document)),
                invalid(format!("the recomputation failed: {message}")),
            )
        }
    };
    let recorded_value = document.to_value();
    let recomputed_value = recomputed.to_value();
    let self_consistent = document.digest() == document.reproducibility.digest;
    let outcome = if self_consistent && recorded_value == recomputed_value {
        VerifyOutcome::Reproduced {
            digest: document.reproducibility.digest.clone(),
            chain,
        }
    } else {
        let mut differences = json_diff_default(&recorded_value, &recomputed_value);
        if differences.is_empty() {
            // Only the digest field itself was changed.
            differences.push(FieldDifference {
                path: "reproducibility.digest".to_string(),
                left: Some(serde_json::Value::String(
                    document.reproducibility.digest.clone(),
                )),
                right: Some(serde_json::Value::String(recomputed.reproducibility.digest)),
            });
        }
        VerifyOutcome::Differs { differences, chain }
    };
    (Some(Box::new(document)), outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::result::tests::document;
    use crate::submission::append_entry;

    #[test]
    fn a_document_reproduces_and_a_tampered_one_names_the_field() {
        let doc = document();
        let (parsed, outcome) = verify_document(&doc.to_json_pretty());
        assert_eq!(parsed.as_deref(), Some(doc));
        assert_eq!(
            outcome,
            VerifyOutcome::Reproduced {
                digest: doc.reproducibility.digest.clone(),
                chain: ChainStatus::Intact { entries: 0 }
            }
        );
        let mut tampered = doc.clone();
        tampered.projections[0].cost_per_run_usd *= 2.0;
        tampered.reproducibility.digest = tampered.digest();
        let (_, outcome) = verify_document(&tampered.to_json_pretty());
        let VerifyOutcome::Differs { differences, .. } = outcome else {
            panic!("{outcome:?}");
        };
        assert!(
            differences
                .iter()
                .any(|d| d.path == "projections[0].cost_per_run_usd"),
            "{differences:?}"
        );
    }

    #[test]
    fn broken_chains_oversized_and_broken_files_are_reported() {
        let mut doc = document().clone();
        let trail = &mut doc.reproducibility.review.submission.audit;
        append_entry(trail, "2026-11-22T01:00:00Z", "a", vec![]);
        append_entry(trail, "2026-11-22T01:01:00Z", "b", vec![]);
        trail[1].summary = "forged".to_string();
        let (_, outcome) = verify_document(&doc.to_json_pretty());
        let VerifyOutcome::Differs { chain, .. } = outcome else {
            panic!("{outcome:?}");
        };
        assert!(
            matches!(chain, ChainStatus::Broken { seq: 2, .. }),
            "{chain:?}"
        );

        let (parsed, outcome) = verify_document("{\"module\": 4");
        assert!(parsed.is_none());
        assert!(
            matches!(outcome, VerifyOutcome::Invalid { ref message } if message.contains("line 1")),
            "{outcome:?}"
        );
        let mut costly = document().clone();
        costly.reproducibility.sweep_config.points = 400;
        let (parsed, outcome) = verify_document(&costly.to_json_pretty());
        assert!(parsed.is_some());
        assert!(
            matches!(outcome, VerifyOutcome::Invalid { ref message } if message.contains("sweep_config.points is 400")),
            "{outcome:?}"
        );
        let big = " ".repeat(MAX_IMPORT_BYTES + 1);
        let (_, outcome) = verify_document(&big);
        assert!(
            matches!(outcome, VerifyOutcome::Invalid { ref message } if message.contains("8 MiB")),
            "{outcome:?}"
        );
    }
}
