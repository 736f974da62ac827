//! The messages between the UI and the engine Web Worker.
//!
//! Both sides are Rust and share these types; on the wire each message is one
//! JSON string (`postMessage` of a string is cheap and keeps the worker's JS
//! glue free of schema knowledge). A run is `Run` → `Progress`* → one of
//! `Finished`, `Cancelled`, `Failed`.
//!
//! The enums are externally tagged (`{"finished": {…}}`): serde then parses
//! the large result in one streaming pass, where an internally tagged enum
//! would first buffer the whole document (measured: +35 ms on the main
//! thread for the example's result).

use serde::{Deserialize, Serialize};

use crate::analysis::result::ResultDocument;
use crate::bench::BenchOutcome;
use crate::models::usl::{ScalingPoint, UslFit};
use crate::profiler::{Calibration, DistributedCalibration};
use crate::review::{FieldError, Review, Workload};
use crate::sample::EventSample;
use crate::submission::{ExportFile, VerifyOutcome};

/// UI → engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineRequest {
    /// Run the review. With a calibration the run replays it (no timing);
    /// without, the engine measures one. `distributed` (an imported
    /// CLUSTER.json's section, checked by the page against the review) is
    /// recorded in the run's calibration and used by the analysis
    /// ([`crate::session::Session::carry_distributed`]).
    Run {
        run_id: u64,
        review: Box<Review>,
        calibration: Option<Box<Calibration>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        distributed: Option<Box<DistributedCalibration>>,
    },
    /// Stop run `run_id` at its next step boundary. Unknown ids are ignored.
    Cancel { run_id: u64 },
    /// The Data step's look at the workload: the first `rows` events and
    /// their distributions ([`crate::sample::sample`]). Answered at once,
    /// between the steps of a run in flight, which it does not disturb.
    Sample {
        request_id: u64,
        workload: Box<Workload>,
        seed: u64,
        rows: u32,
    },
    /// Fit the Universal Scalability Law to the user's `workers,throughput`
    /// CSV ([`crate::models::usl::parse_points_csv`], then
    /// [`crate::models::usl::fit_usl`]). Answered at once, like `Sample`.
    FitUsl { request_id: u64, csv: String },
    /// Re-derive `result` for an edited `review` without a run (new
    /// weights, text, recommendation edits, memo, audit trail; see
    /// [`crate::analysis::result::refresh`]). Answered at once.
    Refresh {
        request_id: u64,
        result: Box<ResultDocument>,
        review: Box<Review>,
    },
    /// Draft the memo for `result` ([`crate::submission::draft_memo`]).
    DraftMemo {
        request_id: u64,
        result: Box<ResultDocument>,
    },
    /// The export files of `result` ([`crate::submission::export_files`]);
    /// `date` is `YYYY-MM-DD`.
    Export {
        request_id: u64,
        result: Box<ResultDocument>,
        date: String,
    },
    /// Check an imported result document's text: parse (at most
    /// [`crate::limits::MAX_IMPORT_BYTES`]), recompute, compare, check the
    /// audit chain ([`crate::submission::verify_document`]). Runs a whole
    /// recomputation before answering.
    Verify { request_id: u64, document: String },
    /// Time generate + profile of the example workload over `events` events
    /// on the engine's pool ([`crate::bench::generate_and_profile`]): the
    /// browser benchmark's entry point. Answered at once; the worker is busy
    /// for the whole pass, so send it only while no run is in flight.
    Bench { request_id: u64, events: u64 },
}

/// How the engine got its threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadMode {
    /// Cross-origin isolated: shared memory and a rayon pool of N workers.
    Isolated,
    /// No shared memory: one thread, same results.
    SingleThreaded,
}

/// Engine → UI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineResponse {
    /// Sent once, when the engine (and its pool) is ready.
    Ready {
        mode: ThreadMode,
        threads: usize,
        engine_version: String,
    },
    /// `fraction` is of the whole run, 0..=1.
    Progress {
        run_id: u64,
        stage: String,
        fraction: f64,
    },
    Finished {
        run_id: u64,
        result: Box<ResultDocument>,
        elapsed_s: f64,
    },
    Cancelled {
        run_id: u64,
    },
    /// The request was invalid or the run failed; `field_errors` name fields.
    Failed {
        run_id: Option<u64>,
        message: String,
        field_errors: Vec<FieldError>,
    },
    /// The worker could not start at all (sent by its JS glue).
    Fatal {
        message: String,
    },
    /// The answer to `Sample`: the sample, or why the workload is invalid.
    Sampled {
        request_id: u64,
        result: Result<Box<EventSample>, Vec<FieldError>>,
    },
    /// The answer to `FitUsl`: the points read (empty when the CSV does not
    /// parse) and the fit, or what is wrong (the message names the line and
    /// column of a CSV error).
    UslFitted {
        request_id: u64,
        points: Vec<ScalingPoint>,
        result: Result<UslFit, String>,
    },
    /// The answer to `Refresh`: the updated document, or why a run is
    /// needed (the message names the changed fields).
    Refreshed {
        request_id: u64,
        result: Result<Box<ResultDocument>, String>,
    },
    /// The answer to `DraftMemo`.
    MemoDrafted {
        request_id: u64,
        text: String,
    },
    /// The answer to `Export`: the files, or what is wrong (date, charts).
    Exported {
        request_id: u64,
        files: Result<Vec<ExportFile>, String>,
    },
    /// The answer to `Verify`: the parsed document (when it parsed, so the
    /// page can restore it) and the verdict.
    Verified {
        request_id: u64,
        document: Option<Box<ResultDocument>>,
        outcome: VerifyOutcome,
    },
    /// The answer to `Bench`: the timed pass, or why `events` is refused.
    Benched {
        request_id: u64,
        result: Result<BenchOutcome, Vec<FieldError>>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::usl::{fit_usl, parse_points_csv};
    use crate::sample::sample;

    fn round_trip_request(request: EngineRequest) -> String {
        let text = serde_json::to_string(&request).unwrap();
        assert_eq!(
            serde_json::from_str::<EngineRequest>(&text).unwrap(),
            request
        );
        text
    }

    fn round_trip_response(response: EngineResponse) -> String {
        let text = serde_json::to_string(&response).unwrap();
        assert_eq!(
            serde_json::from_str::<EngineResponse>(&text).unwrap(),
            response
        );
        text
    }

    #[test]
    fn requests_are_externally_tagged_and_round_trip() {
        let review = Review::example();
        let text = round_trip_request(EngineRequest::Sample {
            request_id: 3,
            workload: Box::new(review.workload.clone()),
            seed: review.seed,
            rows: 200,
        });
        assert!(text.starts_with(r#"{"sample":{"request_id":3,"#), "{text}");
        let text = round_trip_request(EngineRequest::FitUsl {
            request_id: 4,
            csv: "workers,throughput\n1,100\n".to_string(),
        });
        assert!(text.starts_with(r#"{"fit_usl":{"#), "{text}");
        round_trip_request(EngineRequest::Cancel { run_id: 9 });
        // A run without a distributed section does not mention it; with one,
        // the section travels whole.
        let text = round_trip_request(EngineRequest::Run {
            run_id: 5,
            review: Box::new(review.clone()),
            calibration: None,
            distributed: None,
        });
        assert!(!text.contains(r#""distributed""#), "{text}");
        let section = crate::profiler::calibration::distributed::tests::example()
            .distributed
            .map(Box::new);
        let text = round_trip_request(EngineRequest::Run {
            run_id: 6,
            review: Box::new(review.clone()),
            calibration: None,
            distributed: section,
        });
        assert!(
            text.contains(r#""distributed":{"schema_version":1"#),
            "{text}"
        );
        let text = round_trip_request(EngineRequest::Bench {
            request_id: 7,
            events: 2_000_000,
        });
        assert_eq!(text, r#"{"bench":{"request_id":7,"events":2000000}}"#);
    }

    #[test]
    fn bench_replies_round_trip() {
        let outcome =
            crate::bench::generate_and_profile(20_000, &crate::clock::FrozenClock).unwrap();
        let text = round_trip_response(EngineResponse::Benched {
            request_id: 8,
            result: Ok(outcome),
        });
        assert!(
            text.starts_with(r#"{"benched":{"request_id":8,"result":{"Ok":{"events":20000,"#),
            "{text}"
        );
        round_trip_response(EngineResponse::Benched {
            request_id: 9,
            result: Err(crate::bench::check_events(0).unwrap_err().0),
        });
    }

    #[test]
    fn submission_messages_round_trip() {
        use crate::analysis::result::tests::document;
        use crate::submission::{export_files, ChainStatus};
        let doc = Box::new(document().clone());
        let text = round_trip_request(EngineRequest::Refresh {
            request_id: 7,
            result: doc.clone(),
            review: Box::new(doc.reproducibility.review.clone()),
        });
        assert!(
            text.starts_with(r#"{"refresh":{"request_id":7,"#),
            "{}",
            &text[..40]
        );
        round_trip_request(EngineRequest::DraftMemo {
            request_id: 8,
            result: doc.clone(),
        });
        let text = round_trip_request(EngineRequest::Export {
            request_id: 9,
            result: doc.clone(),
            date: "2026-11-22".to_string(),
        });
        assert!(text.starts_with(r#"{"export":{"#));
        let text = round_trip_request(EngineRequest::Verify {
            request_id: 10,
            document: "{}".to_string(),
        });
        assert_eq!(text, r#"{"verify":{"request_id":10,"document":"{}"}}"#);

        round_trip_response(EngineResponse::Refreshed {
            request_id: 7,
            result: Ok(doc.clone()),
        });
        round_trip_response(EngineResponse::Refreshed {
            request_id: 7,
            result: Err("a run is needed: changed workload.events".to_string()),
        });
        let text = round_trip_response(EngineResponse::MemoDrafted {
            request_id: 8,
            text: doc.memo.clone(),
        });
        assert!(text.starts_with(r#"{"memo_drafted":{"#));
        round_trip_response(EngineResponse::Exported {
            request_id: 9,
            files: Ok(export_files(&doc, "2026-11-22").unwrap()),
        });
        round_trip_response(EngineResponse::Exported {
            request_id: 9,
            files: Err("date must be …".to_string()),
        });
        let text = round_trip_response(EngineResponse::Verified {
            request_id: 10,
            document: Some(doc.clone()),
            outcome: VerifyOutcome::Reproduced {
                digest: doc.reproducibility.digest.clone(),
                chain: ChainStatus::Intact { entries: 0 },
            },
        });
        assert!(
            text.contains(r#""outcome":{"reproduced":{"digest":"#),
            "{}",
            &text[text.len() - 200..]
        );
        round_trip_response(EngineResponse::Verified {
            request_id: 11,
            document: None,
            outcome: VerifyOutcome::Invalid {
                message: "not a Scalewise result document".to_string(),
            },
        });
        let text = round_trip_response(EngineResponse::Verified {
            request_id: 12,
            document: None,
            outcome: VerifyOutcome::Differs {
                differences: vec![crate::analysis::result::FieldDifference {
                    path: "projections[1].cost_per_run_usd".to_string(),
                    left: Some(serde_json::json!(2.5)),
                    right: Some(serde_json::json!(1.5)),
                }],
                chain: ChainStatus::Broken {
                    seq: 3,
                    reason: "edited".to_string(),
                },
            },
        });
        assert!(text.contains(r#""broken":{"seq":3"#), "{text}");
    }

    #[test]
    fn sample_and_fit_replies_round_trip() {
        let review = Review::example();
        let events = sample(&review.workload, review.seed, 20).unwrap();
        let text = round_trip_response(EngineResponse::Sampled {
            request_id: 1,
            result: Ok(Box::new(events)),
        });
        assert!(text.starts_with(r#"{"sampled":{"request_id":1,"result":{"Ok":"#));
        round_trip_response(EngineResponse::Sampled {
            request_id: 2,
            result: Err(vec![FieldError {
                path: "workload.domains".to_string(),
                message: "must be ≥ 1, got 0 (allowed 1 to 4096)".to_string(),
            }]),
        });
        let points = parse_points_csv("1,100\n2,190\n4,340\n8,560\n").unwrap();
        let fit = fit_usl(&points).unwrap();
        let text = round_trip_response(EngineResponse::UslFitted {
            request_id: 5,
            points,
            result: Ok(fit),
        });
        assert!(text.contains(r#""sigma":"#), "{text}");
        round_trip_response(EngineResponse::UslFitted {
            request_id: 6,
            points: Vec::new(),
            result: Err("line 2, column `throughput`: `x` is not a number".to_string()),
        });
    }
}
