//! The workbench's state, in one place. Components read and write these
//! signals; only `Workbench` methods talk to the engine worker.

use leptos::prelude::*;
use scalewise_core::analysis::result::ResultDocument;
use scalewise_core::protocol::{EngineRequest, EngineResponse, ThreadMode};
use scalewise_core::review::Review;

use crate::engine_client::EngineClient;

/// What the UI knows about the engine worker.
#[derive(Clone, Debug, PartialEq)]
pub enum EngineStatus {
    Starting,
    Ready { mode: ThreadMode, threads: usize },
    Crashed(String),
}

/// The run in flight, if any.
#[derive(Clone, Debug, PartialEq)]
pub enum RunStatus {
    Idle,
    Running {
        run_id: u64,
        stage: String,
        fraction: f64,
        started_ms: f64,
    },
    Failed(String),
    Cancelled,
}

/// A finished run, with the exact review it was computed from (so the UI can
/// tell when the inputs have changed since: "stale").
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    pub run_id: u64,
    pub review: Review,
    pub result: ResultDocument,
    pub elapsed_s: f64,
}

#[derive(Clone, Copy)]
pub struct Workbench {
    pub review: RwSignal<Review>,
    pub engine: RwSignal<EngineStatus>,
    pub run: RwSignal<RunStatus>,
    pub finished: RwSignal<Option<Finished>>,
    next_run_id: StoredValue<u64>,
    /// The review of the run in flight (sent with `Run`).
    in_flight: StoredValue<Option<(u64, Review)>>,
    client: StoredValue<Option<EngineClient>, LocalStorage>,
}

impl Workbench {
    pub fn new() -> Self {
        let bench = Self {
            review: RwSignal::new(Review::example()),
            engine: RwSignal::new(EngineStatus::Starting),
            run: RwSignal::new(RunStatus::Idle),
            finished: RwSignal::new(None),
            next_run_id: StoredValue::new(1),
            in_flight: StoredValue::new(None),
            client: StoredValue::new_local(None),
        };
        bench.start_engine();
        bench
    }

    fn start_engine(self) {
        let on_response = move |response| self.on_response(response);
        let on_crash = move |message: String| {
            self.engine.set(EngineStatus::Crashed(message.clone()));
            if matches!(self.run.get_untracked(), RunStatus::Running { .. }) {
                self.run.set(RunStatus::Failed(message));
            }
        };
        match EngineClient::spawn(on_response, on_crash) {
            Ok(client) => self.client.set_value(Some(client)),
            Err(message) => self.engine.set(EngineStatus::Crashed(message)),
        }
    }

    fn on_response(self, response: EngineResponse) {
        match response {
            EngineResponse::Ready { mode, threads, .. } => {
                self.engine.set(EngineStatus::Ready { mode, threads });
            }
            EngineResponse::Progress {
                run_id,
                stage,
                fraction,
            } => {
                self.run.update(|run| {
                    if let RunStatus::Running {
                        run_id: current,
                        stage: s,
                        fraction: f,
                        ..
                    } = run
                    {
                        if *current == run_id {
                            *s = stage;
                            *f = fraction;
                        }
                    }
                });
            }
            EngineResponse::Finished {
                run_id,
                result,
                elapsed_s,
            } => {
                let review = self.in_flight.with_value(|f| {
                    f.as_ref()
                        .filter(|(id, _)| *id == run_id)
                        .map(|(_, r)| r.clone())
                });
                let Some(review) = review else { return };
                self.in_flight.set_value(None);
                // Parsing the result was this task's work; rendering it is
                // the next one's (keeps each main-thread task short).
                crate::schedule::in_next_task(move || {
                    self.finished.set(Some(Finished {
                        run_id,
                        review,
                        result: *result,
                        elapsed_s,
                    }));
                    self.run.set(RunStatus::Idle);
                });
            }
            EngineResponse::Cancelled { run_id } => {
                if self.is_current(run_id) {
                    self.run.set(RunStatus::Cancelled);
                    self.in_flight.set_value(None);
                }
            }
            EngineResponse::Failed {
                run_id,
                message,
                field_errors,
            } => {
                if run_id.is_none_or(|id| self.is_current(id)) {
                    let detail = field_errors
                        .iter()
                        .map(|e| format!("{}: {}", e.path, e.message))
                        .collect::<Vec<_>>()
                        .join("; ");
                    let text = if detail.is_empty() {
                        message
                    } else {
                        format!("{message}: {detail}")
                    };
                    self.run.set(RunStatus::Failed(text));
                    self.in_flight.set_value(None);
                }
            }
            EngineResponse::Fatal { message } => {
                self.engine.set(EngineStatus::Crashed(message));
            }
        }
    }

    fn is_current(self, run_id: u64) -> bool {
        self.in_flight
            .with_value(|f| f.as_ref().is_some_and(|(id, _)| *id == run_id))
    }

    /// Starts a run of the current review. A run already in flight is cancelled.
    pub fn run_profiler(self) {
        if let RunStatus::Running { run_id, .. } = self.run.get_untracked() {
            self.send(EngineRequest::Cancel { run_id });
        }
        let run_id = self.next_run_id.get_value();
        self.next_run_id.set_value(run_id + 1);
        let review = self.review.get_untracked();
        self.in_flight.set_value(Some((run_id, review.clone())));
        self.run.set(RunStatus::Running {
            run_id,
            stage: "starting".into(),
            fraction: 0.0,
            started_ms: now_ms(),
        });
        self.send(EngineRequest::Run {
            run_id,
            review: Box::new(review),
            calibration: None,
        });
    }

    /// Cancels the run in flight; the previous result stays.
    pub fn cancel(self) {
        if let RunStatus::Running { run_id, .. } = self.run.get_untracked() {
            self.send(EngineRequest::Cancel { run_id });
        }
    }

    fn send(self, request: EngineRequest) {
        let sent = self.client.with_value(|c| match c {
            Some(client) => client.send(&request),
            None => Err("the engine is not running".into()),
        });
        if let Err(message) = sent {
            self.run.set(RunStatus::Failed(message));
        }
    }

    /// Whether the shown result was computed from other inputs than the
    /// current review.
    pub fn is_stale(self) -> bool {
        self.finished.with(|f| {
            f.as_ref()
                .is_some_and(|f| self.review.with(|r| *r != f.review))
        })
    }
}

pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}
