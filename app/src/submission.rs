//! The submission's UI state (the Scoring, Recommendation and Memo steps,
//! and the exports). Kept apart from `state.rs`, which owns the review and
//! the runs; the engine requests below are sent only from here.
//!
//! * **Refresh.** Weights, the title, the scenario, the alternatives' text
//!   and the submission (recommendation, memo, audit trail) are applied to
//!   the shown result in the engine worker (`Refresh`, a re-scoring with
//!   no pipeline), ~150 ms after the last such edit. They never make the
//!   result stale (`review_diff::needs_run`); the reply makes the result and
//!   its recorded review match the current review again, so an export
//!   verifies.
//! * **Exports.** The charts are drawn off-screen into PNGs (so they do not
//!   depend on the step on screen, the window or the colour scheme; see
//!   `components::chart::render_png`), one per task, for the PNG downloads;
//!   then the engine worker builds the text files (`Export`: result JSON,
//!   CSV, Markdown, memo, and the notebook, which draws its own charts with
//!   matplotlib, so the page's notebook is the CLI's). The UI wasm formats
//!   nothing heavy itself.

use std::sync::Arc;

use leptos::prelude::*;
use scalewise_core::protocol::{EngineRequest, EngineResponse};
use scalewise_core::review::Review;
use scalewise_core::submission::{file_stem, ExportFile, ExportNames};

use crate::charts;
use crate::components::chart::render_png;
use crate::review_diff::needs_run;
use crate::state::{in_next_task, Finished, Workbench};

/// Quiet time after the last edit before the result is refreshed.
const REFRESH_DEBOUNCE_MS: u32 = 150;

/// One exported chart.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartPng {
    pub title: String,
    pub file_name: String,
    pub png_base64: String,
}

/// The text files of an export.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportFiles {
    Preparing,
    Ready(Vec<ExportFile>),
    Failed(String),
}

/// The exports of one result on one day.
#[derive(Clone, Debug, PartialEq)]
pub struct Exports {
    /// The result's digest and the date: a new key, a new export.
    pub key: String,
    pub stem: String,
    /// Drawn so far (all of them once `charts_done`).
    pub charts: Vec<ChartPng>,
    pub charts_done: bool,
    pub chart_error: Option<String>,
    pub files: ExportFiles,
}

/// Signals of the submission steps; a field of `Workbench`.
#[derive(Clone, Copy)]
pub struct SubmissionState {
    /// The shown result lags behind edits a refresh applies (one is due or
    /// in flight). Such edits never make the result stale.
    pub refresh_pending: Memo<bool>,
    /// Why the last refresh failed, if it did.
    pub refresh_error: RwSignal<Option<String>>,
    pub exports: RwSignal<Option<Arc<Exports>>>,
    refresh_request: StoredValue<Option<(u64, Review)>>,
    refresh_timer: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage>,
    export_request: StoredValue<u64>,
}

impl SubmissionState {
    pub fn new(review: RwSignal<Review>, finished: RwSignal<Option<Finished>>) -> Self {
        let refresh_pending = Memo::new(move |_| {
            finished.with(|f| {
                f.as_ref()
                    .is_some_and(|f| review.with(|r| *r != f.review && !needs_run(&f.review, r)))
            })
        });
        Self {
            refresh_pending,
            refresh_error: RwSignal::new(None),
            exports: RwSignal::new(None),
            refresh_request: StoredValue::new(None),
            refresh_timer: StoredValue::new_local(None),
            export_request: StoredValue::new(0),
        }
    }
}

/// Today's date from the browser's clock, `YYYY-MM-DD` (local time): the
/// export names carry it. The core has no clock.
pub fn today() -> String {
    let date = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date()
    )
}

impl Workbench {
    /// Refreshes the shown result after edits that need no run (see the
    /// module docs); called once by `Workbench::new`.
    pub fn keep_result_fresh(self) {
        let state = self.submission;
        Effect::new(move |_| {
            let due = state.refresh_pending.get() && self.issues.with(Vec::is_empty);
            // Any newer edit restarts the quiet time (dropping the timer
            // cancels it).
            self.review.track();
            if !due {
                state.refresh_timer.set_value(None);
                return;
            }
            let timer = gloo_timers::callback::Timeout::new(REFRESH_DEBOUNCE_MS, move || {
                self.refresh_now();
            });
            state.refresh_timer.set_value(Some(timer));
        });
    }

    fn refresh_now(self) {
        let Some(result) = self
            .finished
            .with_untracked(|f| f.as_ref().map(|f| f.result.clone()))
        else {
            return;
        };
        let review = self.review.get_untracked();
        let request_id = self.next_id();
        self.submission
            .refresh_request
            .set_value(Some((request_id, review.clone())));
        self.send(EngineRequest::Refresh {
            request_id,
            result: Box::new(result),
            review: Box::new(review),
        });
    }

    /// The engine's replies to the submission's requests.
    pub(crate) fn on_submission_response(self, response: EngineResponse) {
        let state = self.submission;
        match response {
            EngineResponse::Refreshed { request_id, result } => {
                let Some(review) = state.refresh_request.with_value(|r| {
                    r.as_ref()
                        .filter(|(id, _)| *id == request_id)
                        .map(|(_, review)| review.clone())
                }) else {
                    return;
                };
                state.refresh_request.set_value(None);
                match result {
                    Ok(document) => {
                        // Applying the reply is the next task's work (it
                        // re-renders the shown step).
                        in_next_task(move || {
                            self.finished.update(|f| {
                                if let Some(f) = f {
                                    f.result = *document;
                                    f.review = review;
                                }
                            });
                            state.refresh_error.set(None);
                        });
                    }
                    Err(message) => state.refresh_error.set(Some(message)),
                }
            }
            EngineResponse::Exported { request_id, files } => {
                if request_id != state.export_request.get_value() {
                    return;
                }
                state.exports.update(|exports| {
                    if let Some(exports) = exports {
                        let mut next = (**exports).clone();
                        next.files = match files {
                            Ok(files) => ExportFiles::Ready(files),
                            Err(message) => ExportFiles::Failed(message),
                        };
                        *exports = Arc::new(next);
                    }
                });
            }
            _ => {}
        }
    }

    /// Prepares the exports of the shown result (charts, then files), unless
    /// they are ready or under way for it and today. Waits while a refresh
    /// is due: the files must carry the current edits.
    pub fn prepare_exports(self) {
        let state = self.submission;
        if state.refresh_pending.get_untracked() {
            return;
        }
        let Some((result, title)) = self.finished.with_untracked(|f| {
            f.as_ref()
                .map(|f| (f.result.clone(), f.review.title.clone()))
        }) else {
            return;
        };
        let date = today();
        let key = format!("{}|{date}", result.reproducibility.digest);
        if state
            .exports
            .with_untracked(|e| e.as_ref().is_some_and(|e| e.key == key))
        {
            return;
        }
        let stem = match file_stem(&title, &date) {
            Ok(stem) => stem,
            Err(e) => {
                state.exports.set(Some(Arc::new(Exports {
                    key,
                    stem: String::new(),
                    charts: Vec::new(),
                    charts_done: true,
                    chart_error: None,
                    files: ExportFiles::Failed(e.to_string()),
                })));
                return;
            }
        };
        state.exports.set(Some(Arc::new(Exports {
            key: key.clone(),
            stem,
            charts: Vec::new(),
            charts_done: false,
            chart_error: None,
            files: ExportFiles::Preparing,
        })));
        let specs = Arc::new(charts::export_charts(&result));
        let result = Arc::new(result);
        self.render_chart(key, specs, 0, result, date);
    }

    /// Draws chart `index` (one per task, so none of them makes a long
    /// task), then the next; after the last, asks the engine for the files.
    fn render_chart(
        self,
        key: String,
        specs: Arc<Vec<charts::ExportChart>>,
        index: usize,
        result: Arc<scalewise_core::analysis::result::ResultDocument>,
        date: String,
    ) {
        in_next_task(move || {
            let state = self.submission;
            let current = state
                .exports
                .with_untracked(|e| e.as_ref().is_some_and(|e| e.key == key));
            if !current {
                return; // superseded by a newer result
            }
            let Some(chart) = specs.get(index) else {
                self.request_files(&key, &result, date);
                return;
            };
            let drawn = render_png(&chart.spec, charts::EXPORT_WIDTH_PX, chart.height_px);
            state.exports.update(|exports| {
                if let Some(exports) = exports {
                    let mut next = (**exports).clone();
                    match drawn {
                        Ok(png_base64) => next.charts.push(ChartPng {
                            title: chart.title.to_string(),
                            file_name: ExportNames::chart_png(&next.stem, chart.title),
                            png_base64,
                        }),
                        Err(message) => {
                            next.chart_error = Some(format!("{}: {message}", chart.title))
                        }
                    }
                    *exports = Arc::new(next);
                }
            });
            self.render_chart(key, specs, index + 1, result, date);
        });
    }

    fn request_files(
        self,
        key: &str,
        result: &scalewise_core::analysis::result::ResultDocument,
        date: String,
    ) {
        let state = self.submission;
        state.exports.update(|exports| {
            if let Some(exports) = exports.as_mut().filter(|e| e.key == key) {
                let mut next = (**exports).clone();
                next.charts_done = true;
                *exports = Arc::new(next);
            }
        });
        let request_id = self.next_id();
        state.export_request.set_value(request_id);
        self.send(EngineRequest::Export {
            request_id,
            result: Box::new(result.clone()),
            date,
        });
    }
}
