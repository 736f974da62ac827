//! The engine Web Worker's wasm module: owns a `scalewise_core::Session` per
//! run and drives it one bounded step at a time, so the worker's JS glue
//! (`js/worker.js`) can post progress and hear Cancel between steps.
//!
//! Built twice (see `scripts/build-engine.sh`): with the `threads` feature for
//! cross-origin-isolated pages (wasm-bindgen-rayon pool), without for the
//! single-threaded fallback. The code path is otherwise identical, and so are
//! the results.

use scalewise_core::analysis::result::refresh;
use scalewise_core::clock::Clock;
use scalewise_core::models;
use scalewise_core::protocol::{EngineRequest, EngineResponse, ThreadMode};
use scalewise_core::session::{CalibrateConfig, Plan, Session, Step};
use scalewise_core::submission;
use scalewise_core::units::Seconds;
use wasm_bindgen::prelude::*;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

#[wasm_bindgen]
extern "C" {
    // `performance` exists in every worker, including the pool's threads.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now_ms() -> f64;
}

/// The worker's high-resolution clock (5 µs granularity when isolated).
struct PerformanceClock;

impl Clock for PerformanceClock {
    fn now(&self) -> Seconds {
        Seconds::from_ms(performance_now_ms())
    }
}

struct Job {
    run_id: u64,
    session: Session,
    started_ms: f64,
}

#[wasm_bindgen]
pub struct Engine {
    mode: ThreadMode,
    job: Option<Job>,
}

#[wasm_bindgen]
impl Engine {
    #[wasm_bindgen(constructor)]
    pub fn new(isolated: bool) -> Engine {
        let mode = if isolated && cfg!(feature = "threads") {
            ThreadMode::Isolated
        } else {
            ThreadMode::SingleThreaded
        };
        Engine { mode, job: None }
    }

    /// The `Ready` message.
    pub fn hello(&self) -> String {
        encode(&EngineResponse::Ready {
            mode: self.mode,
            threads: rayon::current_num_threads(),
            engine_version: env!("CARGO_PKG_VERSION").to_string(),
        })
    }

    /// Handles one request; returns the immediate replies.
    pub fn receive(&mut self, message: &str) -> Vec<String> {
        let request = match serde_json::from_str::<EngineRequest>(message) {
            Ok(request) => request,
            Err(e) => {
                return vec![encode(&EngineResponse::Failed {
                    run_id: None,
                    message: format!("unreadable request: {e}"),
                    field_errors: Vec::new(),
                })]
            }
        };
        match request {
            EngineRequest::Run {
                run_id,
                review,
                calibration,
                distributed,
            } => {
                let mut replies = Vec::new();
                if let Some(old) = self.job.take() {
                    replies.push(encode(&EngineResponse::Cancelled { run_id: old.run_id }));
                }
                let plan = match calibration {
                    Some(calibration) => Plan::Replay(*calibration),
                    None => Plan::Calibrate(CalibrateConfig {
                        environment: self.environment(),
                        max_lanes: rayon::current_num_threads(),
                    }),
                };
                let session = Session::new(*review, plan).and_then(|mut session| {
                    if let Some(section) = distributed {
                        session.carry_distributed(*section)?;
                    }
                    Ok(session)
                });
                match session {
                    Ok(session) => {
                        self.job = Some(Job {
                            run_id,
                            session,
                            started_ms: performance_now_ms(),
                        });
                    }
                    Err(errors) => replies.push(encode(&EngineResponse::Failed {
                        run_id: Some(run_id),
                        message: "the review (or the imported distributed section) is not valid"
                            .to_string(),
                        field_errors: errors.0,
                    })),
                }
                replies
            }
            EngineRequest::Cancel { run_id } => match &self.job {
                Some(job) if job.run_id == run_id => {
                    self.job = None;
                    vec![encode(&EngineResponse::Cancelled { run_id })]
                }
                _ => Vec::new(),
            },
            // Small, bounded requests (≤ 50 000 events; ≤ 10 000 CSV lines):
            // answered at once, between the steps of a run in flight.
            EngineRequest::Sample {
                request_id,
                workload,
                seed,
                rows,
            } => vec![encode(&EngineResponse::Sampled {
                request_id,
                result: scalewise_core::sample::sample(&workload, seed, rows)
                    .map(Box::new)
                    .map_err(|errors| errors.0),
            })],
            EngineRequest::FitUsl { request_id, csv } => {
                let (points, result) = match models::parse_points_csv(&csv) {
                    Ok(points) => {
                        let fit = models::fit_usl(&points).map_err(|e| e.to_string());
                        (points, fit)
                    }
                    Err(e) => (Vec::new(), Err(e.to_string())),
                };
                vec![encode(&EngineResponse::UslFitted {
                    request_id,
                    points,
                    result,
                })]
            }
            // Submission requests: pure and cheap (refresh rescoring, memo,
            // export) except `Verify`, a full recomputation of the imported
            // document (about one run's analysis step); all answered at once.
            EngineRequest::Refresh {
                request_id,
                result,
                review,
            } => vec![encode(&EngineResponse::Refreshed {
                request_id,
                result: refresh(&result, &review)
                    .map(Box::new)
                    .map_err(|e| e.to_string()),
            })],
            EngineRequest::DraftMemo { request_id, result } => {
                vec![encode(&EngineResponse::MemoDrafted {
                    request_id,
                    text: submission::draft_memo(&result),
                })]
            }
            EngineRequest::Export {
                request_id,
                result,
                date,
            } => vec![encode(&EngineResponse::Exported {
                request_id,
                files: submission::export_files(&result, &date).map_err(|e| e.to_string()),
            })],
            EngineRequest::Verify {
                request_id,
                document,
            } => {
                let (document, outcome) = submission::verify_document(&document);
                vec![encode(&EngineResponse::Verified {
                    request_id,
                    document,
                    outcome,
                })]
            }
            // The browser benchmark: one synchronous pass; the worker hears
            // nothing else meanwhile (see `EngineRequest::Bench`).
            EngineRequest::Bench { request_id, events } => {
                vec![encode(&EngineResponse::Benched {
                    request_id,
                    result: scalewise_core::bench::generate_and_profile(events, &PerformanceClock)
                        .map_err(|e| match e {
                            scalewise_core::CoreError::Invalid(errors) => errors.0,
                            other => vec![scalewise_core::review::FieldError {
                                path: "events".to_string(),
                                message: other.to_string(),
                            }],
                        }),
                })]
            }
        }
    }

    /// Advances the current run by one step. `None` when there is no run.
    pub fn poll(&mut self) -> Option<Vec<String>> {
        let job = self.job.as_mut()?;
        let run_id = job.run_id;
        let reply = match job.session.step(&PerformanceClock) {
            Ok(Step::Progress(progress)) => {
                return Some(vec![encode(&EngineResponse::Progress {
                    run_id,
                    stage: progress.stage.to_string(),
                    fraction: progress.fraction,
                })])
            }
            Ok(Step::Done(result)) => EngineResponse::Finished {
                run_id,
                result,
                elapsed_s: (performance_now_ms() - job.started_ms) / 1e3,
            },
            Err(e) => EngineResponse::Failed {
                run_id: Some(run_id),
                message: e.to_string(),
                field_errors: Vec::new(),
            },
        };
        self.job = None;
        Some(vec![encode(&reply)])
    }

    fn environment(&self) -> String {
        match self.mode {
            ThreadMode::Isolated => format!(
                "wasm32, cross-origin isolated, {} threads",
                rayon::current_num_threads()
            ),
            ThreadMode::SingleThreaded => "wasm32, single-threaded".to_string(),
        }
    }
}

fn encode(response: &EngineResponse) -> String {
    serde_json::to_string(response).unwrap_or_else(|e| {
        serde_json::json!({ "fatal": { "message": format!("could not encode a reply: {e}") } })
            .to_string()
    })
}
