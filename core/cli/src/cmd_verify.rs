//! `scalewise verify RESULT.json`: recomputes a result document from its
//! recorded review and calibration and compares. Exit 0 and "reproduced"
//! when everything (and so the digest) matches; exit 1 naming the first
//! differing field otherwise.
//!
//! The recomputation (session replay + analysis) is passed in by `main.rs`,
//! so this module does not depend on how a run is driven.

use scalewise_core::analysis::result::{verify, ResultDocument, Verification};
use scalewise_core::profiler::Calibration;
use scalewise_core::review::Review;
use scalewise_core::submission::{verify_chain, ChainStatus};

use crate::CliError;

/// Largest result document read (results embed the review and profile).
pub const MAX_RESULT_BYTES: u64 = 64 << 20;

pub fn run<E: std::fmt::Display>(
    args: &[String],
    recompute: impl Fn(&Review, &Calibration) -> Result<ResultDocument, E>,
) -> Result<String, CliError> {
    let [path] = args else {
        return Err(CliError::usage("usage: scalewise verify RESULT.json"));
    };
    let size = std::fs::metadata(path)
        .map_err(|e| CliError::failure(format!("cannot read {path}: {e}")))?
        .len();
    if size > MAX_RESULT_BYTES {
        return Err(CliError::failure(format!(
            "{path} is {size} bytes; the limit is {MAX_RESULT_BYTES}"
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::failure(format!("cannot read {path}: {e}")))?;
    verify_text(&text, recompute).map_err(|m| CliError::failure(format!("{path}: {m}")))
}

/// The audit trail's status, one line.
pub fn chain_line(document: &ResultDocument) -> String {
    match verify_chain(&document.reproducibility.review.submission.audit) {
        ChainStatus::Intact { entries } => format!(
            "audit chain: intact ({entries} entr{})",
            if entries == 1 { "y" } else { "ies" }
        ),
        ChainStatus::Broken { seq, reason } => {
            format!("audit chain: BROKEN at entry {seq}: {reason}")
        }
    }
}

/// "reproduced" and the audit chain's status, or the first difference as
/// the error message (with the chain's status).
pub fn verify_text<E: std::fmt::Display>(
    text: &str,
    recompute: impl Fn(&Review, &Calibration) -> Result<ResultDocument, E>,
) -> Result<String, String> {
    let document: ResultDocument =
        serde_json::from_str(text).map_err(|e| format!("not a result document: {e}"))?;
    match verify(&document, recompute).map_err(|e| format!("recomputation failed: {e}"))? {
        Verification::Reproduced => Ok(format!(
            "reproduced (digest {})\n{}",
            document.reproducibility.digest,
            chain_line(&document)
        )),
        Verification::Differs {
            first_field,
            recorded,
            recomputed,
        } => Err(format!(
            "differs at {first_field}: recorded {recorded}, recomputed {recomputed}\n{}",
            chain_line(&document)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use scalewise_core::analysis::crossover::SweepConfig;
    use scalewise_core::analysis::projection::ProjectionConfig;
    use scalewise_core::analysis::result::{build, AnalysisOptions};
    use scalewise_core::profiler::Stage;

    /// A real (small) document: 20 000 events replayed on a hand-made
    /// calibration, with a cheap analysis.
    fn document() -> ResultDocument {
        let per_stage = [0.3e-6, 0.2e-6, 0.1e-6, 0.2e-6, 0.3e-6, 0.1e-6, 0.1e-6];
        let stages = Stage::ALL.iter().copied().filter(|s| !s.per_byte());
        let scaling: Vec<(u32, f64)> = [1u32, 2, 3, 4]
            .iter()
            .map(|&n| {
                let x = f64::from(n);
                (n, x / 1.2e-6 / (1.0 + 0.04 * (x - 1.0)))
            })
            .collect();
        let calibration = Calibration::from_costs(
            "test",
            10_000,
            &stages.zip(per_stage).collect(),
            0.2e-9,
            &scaling,
        );
        let mut review = Review::example();
        review.workload.events = 20_000;
        review.workload.sample_events = 20_000;
        let output = scalewise_core::session::profile_with(review.clone(), calibration).unwrap();
        let options = AnalysisOptions {
            projection: ProjectionConfig {
                failure_runs: 100,
                ..ProjectionConfig::default()
            },
            sweep: SweepConfig {
                points: 6,
                failure_runs: 20,
                ..SweepConfig::default()
            },
        };
        build(&review, output.data_profile, output.calibration, &options).unwrap()
    }

    /// A stand-in recomputation returning `document`, as if the run had
    /// produced it.
    fn fixed(
        document: &ResultDocument,
    ) -> impl Fn(&Review, &Calibration) -> Result<ResultDocument, String> + '_ {
        move |_, _| Ok(document.clone())
    }

    #[test]
    fn reports_reproduced_or_the_first_field() {
        let original = document();
        let check = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut value = serde_json::to_value(&original).unwrap();
            edit(&mut value);
            verify_text(&value.to_string(), fixed(&original))
        };
        assert!(check(&|_| {}).unwrap().starts_with("reproduced"));
        let err = check(&|v| {
            let cost = &mut v["projections"][1]["cost_per_run_usd"];
            *cost = serde_json::json!(cost.as_f64().unwrap() + 1.0);
        })
        .unwrap_err();
        assert!(
            err.contains("differs at projections[1].cost_per_run_usd"),
            "{err}"
        );
        let err = check(&|v| v["reproducibility"]["digest"] = "0".repeat(64).into()).unwrap_err();
        assert!(err.contains("reproducibility.digest"), "{err}");
        assert!(verify_text("{}", fixed(&original))
            .unwrap_err()
            .contains("not a result document"));
    }

    #[test]
    fn missing_file_and_usage() {
        let no =
            |_: &Review, _: &Calibration| -> Result<ResultDocument, String> { Err("x".into()) };
        assert_eq!(run(&[], no).unwrap_err().exit_code, 2);
        let e = run(&["/nonexistent/result.json".to_string()], no).unwrap_err();
        assert_eq!(e.exit_code, 1);
        assert!(e.message.contains("/nonexistent/result.json"));
    }
}
