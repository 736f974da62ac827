//! `scalewise verify RESULT.json`: recomputes a result document from its
//! recorded review and calibration and compares. Exit 0 and "reproduced"
//! when everything (and so the digest) matches; exit 1 naming the first
//! differing field otherwise.
//!
//! The recomputation (session replay + analysis) is passed in by
//! [`crate::Command::run`], so this module does not depend on how a run is
//! driven.

use std::io::Write;
use std::path::PathBuf;

use scalewise_core::analysis::result::{verify, ResultDocument, Verification};
use scalewise_core::limits::MAX_IMPORT_BYTES;
use scalewise_core::profiler::Calibration;
use scalewise_core::review::Review;
use scalewise_core::submission::{verify_chain, ChainStatus};

use crate::{print, read_text, Error};

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// A result document (`scalewise run`'s output, or the page's
    /// `*.result.json`), at most 8 MiB.
    #[arg(value_name = "RESULT.json")]
    pub result: PathBuf,
}

pub fn run<E: std::fmt::Display>(
    args: &VerifyArgs,
    out: &mut dyn Write,
    recompute: impl Fn(&Review, &Calibration) -> Result<ResultDocument, E>,
) -> Result<(), Error> {
    let path = args.result.display();
    let text = read_text(&args.result, MAX_IMPORT_BYTES)?;
    let document: ResultDocument = serde_json::from_str(&text)
        .map_err(|e| Error::invalid(format!("{path}: not a result document: {e}")))?;
    let report = verify_document(&document, recompute)
        .map_err(|message| Error::failed(format!("{path}: {message}")))?;
    print(out, &report)
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

/// "reproduced" and the audit chain's status, or the first difference (or
/// why the recomputation failed) as the error message, with the chain's
/// status.
pub fn verify_document<E: std::fmt::Display>(
    document: &ResultDocument,
    recompute: impl Fn(&Review, &Calibration) -> Result<ResultDocument, E>,
) -> Result<String, String> {
    match verify(document, recompute).map_err(|e| format!("recomputation failed: {e}"))? {
        Verification::Reproduced => Ok(format!(
            "reproduced (digest {})\n{}",
            document.reproducibility.digest,
            chain_line(document)
        )),
        Verification::Differs {
            first_field,
            recorded,
            recomputed,
        } => Err(format!(
            "differs at {first_field}: recorded {recorded}, recomputed {recomputed}\n{}",
            chain_line(document)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Failure;

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
            projection: ProjectionConfig { failure_runs: 100 },
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
            let edited: ResultDocument = serde_json::from_value(value).unwrap();
            verify_document(&edited, fixed(&original))
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
    }

    #[test]
    fn a_missing_file_is_io_and_a_non_result_is_invalid() {
        let no =
            |_: &Review, _: &Calibration| -> Result<ResultDocument, String> { Err("x".into()) };
        let check = |path: &std::path::Path, failure: Failure, needle: &str| {
            let args = VerifyArgs {
                result: path.to_path_buf(),
            };
            let error = run(&args, &mut Vec::new(), no).unwrap_err();
            assert_eq!(error.failure(), failure);
            assert!(error.message().contains(needle), "{}", error.message());
        };
        let missing = std::path::Path::new("/nonexistent/result.json");
        check(missing, Failure::Io, "cannot read /nonexistent/result.json");
        let dir = std::env::temp_dir().join(format!("scalewise-verify-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.json");
        std::fs::write(&empty, "{}").unwrap();
        check(&empty, Failure::Invalid, "not a result document");
    }
}
