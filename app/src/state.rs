//! The workbench's state, in one place. Components read these signals; every
//! change to the review goes through [`Workbench::edit`] (or, for undo, redo
//! and imports, [`Workbench::replace_review`]), which records the undo step,
//! appends the audit entry and schedules the autosave, and only `Workbench`
//! methods talk to the engine worker.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;
use scalewise_core::analysis::result::ResultDocument;
use scalewise_core::models::usl::{ScalingPoint, UslFit};
use scalewise_core::protocol::{EngineRequest, EngineResponse, ThreadMode};
use scalewise_core::review::{Alternative, FieldError, Review, Workload};
use scalewise_core::sample::EventSample;
use scalewise_core::submission::audit::ChainStatus;
use scalewise_core::submission::VerifyOutcome;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::cluster::ImportedCluster;
use crate::engine_client::EngineClient;
use crate::history::{History, Recorded};
use crate::import::{self, Difference, ImportState};
use crate::persist::{self, SaveStatus, SavedResult};
use crate::step::Step;

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
    /// Local wall-clock time of arrival, e.g. "14:03:12".
    pub finished_at: String,
}

/// The Data step's sample of the workload (computed by the engine worker).
#[derive(Clone, Debug, PartialEq)]
pub enum SampleState {
    /// Not asked for yet (the engine is starting).
    Waiting,
    Ready(Arc<EventSample>),
    /// The workload is invalid; the fields show why.
    Invalid(Vec<FieldError>),
}

/// The user's own scaling measurements and their USL fit.
#[derive(Clone, Debug, PartialEq)]
pub enum UslState {
    Empty,
    Fitting,
    Fitted {
        points: Vec<ScalingPoint>,
        fit: UslFit,
    },
    Failed {
        points: Vec<ScalingPoint>,
        message: String,
    },
}

/// A shared value compared by identity: a new reply is a new value, without
/// comparing hundreds of rows (for `Memo`s over large data).
#[derive(Clone, Debug)]
pub struct ByAddress<T>(pub Arc<T>);

impl<T> PartialEq for ByAddress<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Rows of the Data step's event table.
pub const SAMPLE_ROWS: u32 = 200;
/// Quiet time after the last workload edit before a new sample is asked for.
const SAMPLE_DEBOUNCE_MS: u32 = 150;

#[derive(Clone, Copy)]
pub struct Workbench {
    pub review: RwSignal<Review>,
    /// Number fields whose text did not parse: path → (text, message). The
    /// review keeps its last valid value; the field shows the text and the
    /// message, and Run waits until it is fixed.
    pub drafts: RwSignal<BTreeMap<String, (String, String)>>,
    /// Every problem of the current inputs: unparsed drafts and the core's
    /// validation, by field path.
    pub issues: Memo<Vec<FieldError>>,
    /// Whether the shown result was computed from other inputs (weights and
    /// submission text excepted: a refresh applies those without a run).
    pub stale: Memo<bool>,
    pub step: RwSignal<Step>,
    pub engine: RwSignal<EngineStatus>,
    pub run: RwSignal<RunStatus>,
    pub finished: RwSignal<Option<Finished>>,
    pub sample: RwSignal<SampleState>,
    pub usl_csv: RwSignal<String>,
    pub usl: RwSignal<UslState>,
    /// The system colour scheme (charts follow it).
    pub dark: RwSignal<bool>,
    next_id: StoredValue<u64>,
    /// The review of the run in flight (sent with `Run`).
    in_flight: StoredValue<Option<(u64, Review)>>,
    /// Retry: run again as soon as the new worker is ready.
    rerun_when_ready: StoredValue<bool>,
    sample_request: StoredValue<u64>,
    /// The workload and seed of the last sample asked for.
    sampled: StoredValue<Option<(Workload, u64)>>,
    /// Whether the sample is behind the inputs because a run is in flight.
    pub sample_waits: RwSignal<bool>,
    usl_request: StoredValue<u64>,
    sample_timer: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage>,
    client: StoredValue<Option<EngineClient>, LocalStorage>,
    /// Scoring, recommendation, memo and exports (`crate::submission`).
    pub submission: crate::submission::SubmissionState,
    /// Undo/redo stacks (`history.rs`).
    history: StoredValue<History>,
    /// What Undo and Redo would do (`None`: nothing), for the buttons.
    pub undo_label: RwSignal<Option<String>>,
    pub redo_label: RwSignal<Option<String>>,
    /// A dismissible message at the top of the page (e.g. why the autosave
    /// could not be restored).
    pub notice: RwSignal<Option<String>>,
    /// How the last autosave went (the status line in the top bar).
    pub save_status: RwSignal<SaveStatus>,
    /// Whether the autosaved result is the current one.
    result_saved: StoredValue<bool>,
    save_timer: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage>,
    /// Whether an edit is waiting for its autosave.
    save_pending: StoredValue<bool>,
    /// Whether "Reset to example" is asking for confirmation.
    pub confirm_reset: RwSignal<bool>,
    /// The file import in progress or its outcome (`import.rs`).
    pub import: RwSignal<ImportState>,
    /// The `Verify` request in flight and its file name.
    verify_request: StoredValue<Option<(u64, String)>>,
    /// The imported CLUSTER.json (`cluster.rs`). Kept beside the review, not
    /// in it, and outside the undo history: it is a measurement of a
    /// machine, like the in-browser calibration each run makes, not an input
    /// the user edits. The review (and so its undo steps, audit trail and
    /// digest) stays exactly what `scalewise cluster` measured it as; each
    /// run carries the section while it applies to the review, and the
    /// result records it. Importing replaces it; Remove drops it.
    pub cluster: RwSignal<Option<ImportedCluster>>,
}

impl Workbench {
    pub fn new() -> Self {
        let restored = persist::load();
        let (initial_review, saved_step) = match &restored.envelope {
            Some(envelope) => (envelope.review.clone(), Step::from_slug(&envelope.step)),
            None => (Review::example(), None),
        };
        let restored_result = restored.result.map(|saved| Finished {
            run_id: saved.run_id,
            review: saved.review,
            result: saved.result,
            elapsed_s: saved.elapsed_s,
            finished_at: saved.finished_at,
        });
        let first_id = restored_result.as_ref().map_or(1, |f| f.run_id + 1);
        let result_saved = restored_result.is_some();
        let review = RwSignal::new(initial_review);
        let drafts = RwSignal::new(BTreeMap::<String, (String, String)>::new());
        let issues = Memo::new(move |_| {
            let mut issues: Vec<FieldError> = Vec::new();
            if let Err(errors) = review.with(Review::validate) {
                drafts.with(|d| {
                    issues.extend(errors.0.into_iter().filter(|e| !d.contains_key(&e.path)))
                });
            }
            drafts.with(|d| {
                issues.extend(d.iter().map(|(path, (_, message))| FieldError {
                    path: path.clone(),
                    message: message.clone(),
                }))
            });
            issues
        });
        let finished: RwSignal<Option<Finished>> = RwSignal::new(restored_result);
        let stale = Memo::new(move |_| {
            finished.with(|f| {
                f.as_ref()
                    .is_some_and(|f| review.with(|r| crate::review_diff::needs_run(&f.review, r)))
            })
        });
        let bench = Self {
            review,
            drafts,
            issues,
            stale,
            step: RwSignal::new(initial_step().or(saved_step).unwrap_or(Step::Scenario)),
            engine: RwSignal::new(EngineStatus::Starting),
            run: RwSignal::new(RunStatus::Idle),
            finished,
            sample: RwSignal::new(SampleState::Waiting),
            usl_csv: RwSignal::new(String::new()),
            usl: RwSignal::new(UslState::Empty),
            dark: RwSignal::new(prefers_dark()),
            next_id: StoredValue::new(first_id),
            in_flight: StoredValue::new(None),
            rerun_when_ready: StoredValue::new(false),
            sample_request: StoredValue::new(0),
            sampled: StoredValue::new(None),
            sample_waits: RwSignal::new(false),
            usl_request: StoredValue::new(0),
            sample_timer: StoredValue::new_local(None),
            client: StoredValue::new_local(None),
            submission: crate::submission::SubmissionState::new(review, finished),
            history: StoredValue::new(History::default()),
            undo_label: RwSignal::new(None),
            redo_label: RwSignal::new(None),
            notice: RwSignal::new(restored.notice),
            save_status: RwSignal::new(SaveStatus::Nothing),
            result_saved: StoredValue::new(result_saved),
            save_timer: StoredValue::new_local(None),
            save_pending: StoredValue::new(false),
            confirm_reset: RwSignal::new(false),
            import: RwSignal::new(ImportState::Idle),
            verify_request: StoredValue::new(None),
            cluster: RwSignal::new(None),
        };
        bench.keep_autosave();
        bench.start_engine();
        bench.follow_location_hash();
        bench.follow_color_scheme();
        bench.keep_sample_fresh();
        bench.keep_result_fresh();
        bench
    }

    // ---------------------------------------------------------------------
    // Editing

    /// The one entry point for changes to the review. `what` names the edit
    /// (a field path, or an action such as `alternatives: add`). An edit that
    /// changes something becomes an undo step (rapid edits of one field
    /// merge into one) and is autosaved.
    pub fn edit(self, what: &str, change: impl FnOnce(&mut Review)) {
        let before = self.review.get_untracked();
        let mut after = before.clone();
        change(&mut after);
        if after == before {
            return;
        }
        let recorded = self
            .history
            .try_update_value(|h| h.record(crate::audit::inputs(&before), what, now_ms()))
            .unwrap_or(Recorded::New);
        // A continued edit (typing) rewrites its audit entry from where the
        // burst started.
        let coalesced = recorded == Recorded::Coalesced;
        let start = if coalesced {
            self.history
                .with_value(|h| h.last_before().cloned())
                .unwrap_or(before)
        } else {
            before
        };
        let action = what.contains(' ').then_some(what);
        crate::audit::record(&mut after, &start, action, coalesced, &persist::iso_now());
        self.review.set(after);
        self.after_change();
    }

    /// Replaces the whole review (undo, redo, an import): number fields'
    /// unparsed drafts no longer apply, so they go.
    /// The audit trail continues across it (`action` names the entry).
    fn replace_review(self, mut review: Review, action: &str) {
        let current = self.review.get_untracked();
        review.submission.audit = current.submission.audit.clone();
        crate::audit::record(
            &mut review,
            &current,
            Some(action),
            false,
            &persist::iso_now(),
        );
        if !self.drafts.with_untracked(BTreeMap::is_empty) {
            self.drafts.set(BTreeMap::new());
        }
        self.review.set(review);
        self.after_change();
    }

    fn after_change(self) {
        self.history.with_value(|h| {
            let undo = h.undo_label().map(str::to_string);
            let redo = h.redo_label().map(str::to_string);
            if self.undo_label.get_untracked() != undo {
                self.undo_label.set(undo);
            }
            if self.redo_label.get_untracked() != redo {
                self.redo_label.set(redo);
            }
        });
        self.schedule_autosave();
    }

    /// Takes back the last edit (a burst of typing in one field counts as one).
    pub fn undo(self) {
        let current = self.review.get_untracked();
        if let Some(snapshot) = self
            .history
            .try_update_value(|h| h.undo(crate::audit::inputs(&current)))
            .flatten()
        {
            self.replace_review(snapshot.review, &format!("undo {}", snapshot.what));
        }
    }

    /// Brings back the last undone edit.
    pub fn redo(self) {
        let current = self.review.get_untracked();
        if let Some(snapshot) = self
            .history
            .try_update_value(|h| h.redo(crate::audit::inputs(&current)))
            .flatten()
        {
            self.replace_review(snapshot.review, &format!("redo {}", snapshot.what));
        }
    }

    /// Replaces the review with the built-in example (asked for first by
    /// the confirm dialog; undoable).
    pub fn reset_to_example(self) {
        self.drafts.set(BTreeMap::new());
        self.edit("reset to example", |review| {
            // The trail records the reset; it is not reset.
            let audit = std::mem::take(&mut review.submission.audit);
            *review = Review::example();
            review.submission.audit = audit;
        });
    }

    /// Loads an imported review as one undoable edit; with its result, that
    /// becomes the shown result.
    pub fn load_imported(self, name: &str, review: Review, result: Option<ResultDocument>) {
        self.drafts.set(BTreeMap::new());
        let what = format!("import {name}");
        self.edit(&what, |current| *current = review.clone());
        if let Some(result) = result {
            let run_id = self.next_id();
            self.finished.set(Some(Finished {
                run_id,
                review,
                result,
                elapsed_s: 0.0,
                finished_at: format!("imported from {name}"),
            }));
        }
    }

    /// Keeps an imported CLUSTER.json for the next runs (replacing any
    /// earlier one); the review is not touched.
    pub fn import_cluster(self, imported: ImportedCluster) {
        self.cluster.set(Some(imported));
    }

    /// Drops the imported CLUSTER.json: later runs use the designs'
    /// assumed exchange and coordination again. A result already computed
    /// with it keeps recording it.
    pub fn remove_cluster(self) {
        self.cluster.set(None);
    }

    /// Has the engine worker recompute a result document's text and compare
    /// it (the answer lands in `import`).
    pub fn verify_document(self, name: String, text: String) {
        let request_id = self.next_id();
        self.verify_request.set_value(Some((request_id, name)));
        self.send(EngineRequest::Verify {
            request_id,
            document: text,
        });
    }

    /// The engine's answer to `Verify`.
    fn on_verified(
        self,
        request_id: u64,
        document: Option<Box<ResultDocument>>,
        outcome: VerifyOutcome,
    ) {
        let Some(name) = self.verify_request.with_value(|v| {
            v.as_ref()
                .filter(|(id, _)| *id == request_id)
                .map(|(_, name)| name.clone())
        }) else {
            return;
        };
        self.verify_request.set_value(None);
        let chain_state = |chain: &ChainStatus| match chain {
            ChainStatus::Intact { entries } => (None, *entries),
            ChainStatus::Broken { seq, reason } => (
                Some(format!("Audit trail broken at entry {seq}: {reason}")),
                0,
            ),
        };
        match outcome {
            VerifyOutcome::Reproduced { digest, chain } => {
                let (chain_problem, chain_entries) = chain_state(&chain);
                if let Some(document) = document {
                    let review = document.reproducibility.review.clone();
                    self.load_imported(&name, review, Some(*document));
                }
                self.import.set(ImportState::Reproduced {
                    name,
                    digest,
                    chain_problem,
                    chain_entries,
                });
            }
            VerifyOutcome::Differs { differences, chain } => {
                let (chain_problem, _) = chain_state(&chain);
                let differences = differences
                    .iter()
                    .take(import::SHOWN_DIFFERENCES)
                    .map(|d| Difference {
                        path: d.path.clone(),
                        recorded: import::show_value(d.left.as_ref()),
                        recomputed: import::show_value(d.right.as_ref()),
                    })
                    .collect();
                self.import.set(ImportState::Differs {
                    name,
                    differences,
                    chain_problem,
                    pending: document.map(|d| Arc::new(d.reproducibility.review)),
                });
            }
            VerifyOutcome::Invalid { message } => self.import.set(ImportState::Invalid {
                message: format!("“{name}” cannot be used: {message}. Your work is unchanged."),
                name,
            }),
        }
    }

    /// Loads the review of a result that did not reproduce, on request.
    pub fn load_unverified(self) {
        if let ImportState::Differs {
            name,
            pending: Some(review),
            ..
        } = self.import.get_untracked()
        {
            self.load_imported(&name, (*review).clone(), None);
            self.import.set(ImportState::ReviewLoaded { name });
        }
    }

    // ---------------------------------------------------------------------
    // Autosave (`persist.rs`)

    fn schedule_autosave(self) {
        self.save_pending.set_value(true);
        let timer = gloo_timers::callback::Timeout::new(persist::AUTOSAVE_DEBOUNCE_MS, move || {
            self.flush_autosave();
        });
        // Dropping the previous timeout cancels it.
        self.save_timer.set_value(Some(timer));
    }

    /// Writes the autosave now if an edit is waiting for it.
    pub fn flush_autosave(self) {
        if !self.save_pending.get_value() {
            return;
        }
        self.save_pending.set_value(false);
        self.save_timer.set_value(None);
        let with_result = self.result_saved.get_value();
        let step = self.step.get_untracked().slug();
        let has_result = self.finished.with_untracked(Option::is_some);
        let status = self.review.with_untracked(|review| {
            match persist::save_review(review, step, with_result) {
                Ok(at) if has_result && !with_result => SaveStatus::SavedWithoutResult { at },
                Ok(at) => SaveStatus::Saved { at, with_result },
                Err(message) => SaveStatus::Failed(message),
            }
        });
        self.save_status.set(status);
    }

    /// Autosaves on every step change and every finished result, and
    /// writes what is pending when the page is hidden or closed.
    fn keep_autosave(self) {
        Effect::new(move |previous: Option<Step>| {
            let step = self.step.get();
            if previous.is_some_and(|p| p != step) {
                self.schedule_autosave();
            }
            step
        });
        Effect::new(move |previous: Option<()>| {
            self.finished.track();
            if previous.is_none() {
                return; // the restored result is already saved
            }
            let saved = self.finished.with_untracked(|f| {
                f.as_ref().map(|f| SavedResult {
                    format: persist::RESULT_FORMAT.to_string(),
                    version: persist::AUTOSAVE_VERSION,
                    run_id: f.run_id,
                    elapsed_s: f.elapsed_s,
                    finished_at: f.finished_at.clone(),
                    review: f.review.clone(),
                    result: f.result.clone(),
                })
            });
            let outcome = persist::save_result(saved.as_ref());
            self.result_saved
                .set_value(outcome.is_ok() && saved.is_some());
            self.save_pending.set_value(true);
            self.flush_autosave();
            if let Err(reason) = outcome {
                leptos::logging::warn!("the last result was not autosaved: {reason}");
            }
        });
        let flush = Closure::<dyn FnMut()>::new(move || self.flush_autosave());
        if let Some(window) = web_sys::window() {
            let _ =
                window.add_event_listener_with_callback("pagehide", flush.as_ref().unchecked_ref());
            if let Some(document) = window.document() {
                let _ = document.add_event_listener_with_callback(
                    "visibilitychange",
                    flush.as_ref().unchecked_ref(),
                );
            }
        }
        // The page lives as long as the workbench.
        flush.forget();
    }

    /// Applies the text of a number field: parsed, it updates the review
    /// (and clears the field's draft); unparsable, it stays as a draft with
    /// a message next to the field.
    pub fn set_number(
        self,
        path: &str,
        text: &str,
        integer: bool,
        apply: impl FnOnce(&mut Review, f64),
    ) {
        match parse_number(text, integer) {
            Ok(value) => {
                if self.drafts.with_untracked(|d| d.contains_key(path)) {
                    self.drafts.update(|d| {
                        d.remove(path);
                    });
                }
                self.edit(path, |review| apply(review, value));
            }
            Err(message) => self.drafts.update(|d| {
                d.insert(path.to_string(), (text.to_string(), message));
            }),
        }
    }

    /// The unparsed text of a number field, if any.
    pub fn draft(self, path: &str) -> Option<String> {
        self.drafts
            .with(|d| d.get(path).map(|(text, _)| text.clone()))
    }

    /// Messages for the field at `path` (drafts and validation).
    pub fn errors_at(self, path: &str) -> Vec<String> {
        self.issues.with(|issues| {
            issues
                .iter()
                .filter(|e| e.path == path)
                .map(|e| e.message.clone())
                .collect()
        })
    }

    /// Whether the field at `path` has a message: its `aria-invalid` and
    /// red frame.
    pub fn has_errors_at(self, path: &str) -> bool {
        self.issues
            .with(|issues| issues.iter().any(|e| e.path == path))
    }

    /// Structural edits renumber alternatives: drafts keyed by their old
    /// indices would point at the wrong card.
    fn forget_alternative_drafts(self) {
        if self
            .drafts
            .with_untracked(|d| d.keys().any(|k| k.starts_with("alternatives")))
        {
            self.drafts
                .update(|d| d.retain(|k, _| !k.starts_with("alternatives")));
        }
    }

    pub fn add_alternative(self) {
        self.forget_alternative_drafts();
        self.edit("alternatives: add", |review| {
            let template = Review::example()
                .alternatives
                .pop()
                .or_else(|| review.alternatives.last().cloned());
            if let Some(mut alternative) = template {
                alternative.option = unique_option(&review.alternatives, "alternative");
                alternative.strength.clear();
                alternative.risk.clear();
                alternative.evidence.clear();
                review.alternatives.push(alternative);
            }
        });
    }

    pub fn duplicate_alternative(self, index: usize) {
        self.forget_alternative_drafts();
        self.edit("alternatives: duplicate", |review| {
            if let Some(original) = review.alternatives.get(index) {
                let mut copy = original.clone();
                copy.option =
                    unique_option(&review.alternatives, &format!("{}_copy", original.option));
                review.alternatives.insert(index + 1, copy);
            }
        });
    }

    pub fn remove_alternative(self, index: usize) {
        self.forget_alternative_drafts();
        self.edit("alternatives: remove", |review| {
            if index < review.alternatives.len() {
                review.alternatives.remove(index);
            }
        });
    }

    /// Moves alternative `index` one place earlier (`-1`) or later (`+1`).
    pub fn move_alternative(self, index: usize, later: bool) {
        self.forget_alternative_drafts();
        self.edit("alternatives: move", |review| {
            let other = if later {
                index + 1
            } else {
                index.wrapping_sub(1)
            };
            if index < review.alternatives.len() && other < review.alternatives.len() {
                review.alternatives.swap(index, other);
            }
        });
    }

    /// A fresh seed from the browser's CSPRNG.
    pub fn new_seed(self) {
        match getrandom::u64() {
            Ok(bits) => {
                let seed = scalewise_core::limits::seed_from_random_bits(bits);
                self.drafts.update(|d| {
                    d.remove("seed");
                });
                self.edit("seed", |review| review.seed = seed);
            }
            Err(e) => leptos::logging::warn!("no randomness available: {e}"),
        }
    }

    // ---------------------------------------------------------------------
    // Navigation

    /// Shows `step` and moves keyboard focus to its heading.
    pub fn goto(self, step: Step) {
        self.step.set(step);
        in_next_task(|| {
            focus_element("step-heading");
        });
    }

    /// Shows the step holding the field at `path` and focuses the field.
    pub fn goto_field(self, path: &str) {
        self.step.set(Step::owning(path));
        let id = field_id(path);
        in_next_task(move || {
            if !focus_element(&id) {
                focus_element("step-heading");
            }
        });
    }

    fn follow_location_hash(self) {
        // Step → fragment (a history entry per step: Back goes back a step).
        Effect::new(move |_| {
            let slug = self.step.get().slug();
            let Some(window) = web_sys::window() else {
                return;
            };
            let location = window.location();
            let current = location.hash().unwrap_or_default();
            if current.trim_start_matches('#') == slug {
                return;
            }
            if current.is_empty() {
                // The first step shown: name it without a history entry.
                // (An absolute URL: a relative one resolves against <base>.)
                let href = location.href().unwrap_or_default();
                let page = href.split('#').next().unwrap_or_default();
                if let Ok(history) = window.history() {
                    let _ = history.replace_state_with_url(
                        &JsValue::NULL,
                        "",
                        Some(&format!("{page}#{slug}")),
                    );
                }
            } else {
                let _ = location.set_hash(slug);
            }
        });
        // Fragment → step (Back/Forward, edited URLs).
        let on_hash = Closure::<dyn FnMut()>::new(move || {
            if let Some(step) = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .and_then(|hash| Step::from_slug(&hash))
            {
                if self.step.get_untracked() != step {
                    self.step.set(step);
                }
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window
                .add_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref());
        }
        // The page lives as long as the workbench.
        on_hash.forget();
    }

    fn follow_color_scheme(self) {
        let Some(query) = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        else {
            return;
        };
        let on_change = Closure::<dyn FnMut()>::new(move || self.dark.set(prefers_dark()));
        let _ =
            query.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        on_change.forget();
    }

    // ---------------------------------------------------------------------
    // The engine worker

    fn start_engine(self) {
        let on_response = move |response| self.on_response(response);
        let on_crash = move |message: String| self.engine_stopped(message);
        match EngineClient::spawn(on_response, on_crash) {
            Ok(client) => self.client.set_value(Some(client)),
            Err(message) => self.engine.set(EngineStatus::Crashed(message)),
        }
    }

    /// The worker died (terminated, a trap, an unreadable reply): the run in
    /// flight is lost, the previous result stays on screen, and Retry
    /// ([`Workbench::retry`]) starts a new worker. Only the first report
    /// counts (a dying worker may be reported by several paths).
    fn engine_stopped(self, message: String) {
        if matches!(self.engine.get_untracked(), EngineStatus::Crashed(_)) {
            return;
        }
        self.engine.set(EngineStatus::Crashed(message.clone()));
        self.in_flight.set_value(None);
        if let Some((_, name)) = self.verify_request.get_value() {
            self.verify_request.set_value(None);
            self.import.set(ImportState::Invalid {
                name,
                message: format!("the engine stopped while checking it: {message}"),
            });
        }
        if matches!(self.run.get_untracked(), RunStatus::Running { .. }) {
            self.run
                .set(RunStatus::Failed(format!("the engine stopped: {message}")));
        }
    }

    /// After the engine stopped: a new worker, and (once it is ready) a run
    /// of the current review. The previous result stays until the new one
    /// arrives.
    pub fn retry(self) {
        // Dropping the old client terminates what is left of its worker.
        self.client.set_value(None);
        self.engine.set(EngineStatus::Starting);
        self.run.set(RunStatus::Idle);
        self.rerun_when_ready.set_value(true);
        // The sample asked of the dead worker was never answered.
        self.sampled.set_value(None);
        self.start_engine();
    }

    fn on_response(self, response: EngineResponse) {
        match response {
            EngineResponse::Ready { mode, threads, .. } => {
                self.engine.set(EngineStatus::Ready { mode, threads });
                if self.rerun_when_ready.get_value() {
                    self.rerun_when_ready.set_value(false);
                    self.run_profiler();
                }
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
                in_next_task(move || {
                    self.finished.set(Some(Finished {
                        run_id,
                        review,
                        result: *result,
                        elapsed_s,
                        finished_at: clock_time(),
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
            EngineResponse::Fatal { message } => self.engine_stopped(message),
            EngineResponse::Sampled { request_id, result } => {
                if request_id == self.sample_request.get_value() {
                    self.sample.set(match result {
                        Ok(sample) => SampleState::Ready(Arc::from(sample)),
                        Err(errors) => SampleState::Invalid(errors),
                    });
                }
            }
            EngineResponse::UslFitted {
                request_id,
                points,
                result,
            } => {
                if request_id == self.usl_request.get_value() {
                    self.usl.set(match result {
                        Ok(fit) => UslState::Fitted { points, fit },
                        Err(message) => UslState::Failed { points, message },
                    });
                }
            }
            // Refresh, memo and export replies: `crate::submission`.
            response @ (EngineResponse::Refreshed { .. }
            | EngineResponse::MemoDrafted { .. }
            | EngineResponse::Exported { .. }) => self.on_submission_response(response),
            // Import and verify (`crate::import`).
            EngineResponse::Verified {
                request_id,
                document,
                outcome,
            } => self.on_verified(request_id, document, outcome),
            // Only the browser benchmark (e2e/bench) sends `bench`, straight
            // to the worker; the UI never asks.
            EngineResponse::Benched { .. } => {}
        }
    }

    fn is_current(self, run_id: u64) -> bool {
        self.in_flight
            .with_value(|f| f.as_ref().is_some_and(|(id, _)| *id == run_id))
    }

    pub(crate) fn next_id(self) -> u64 {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        id
    }

    /// Why Run is disabled, if it is.
    pub fn run_blocked(self) -> Option<String> {
        match self.engine.get() {
            EngineStatus::Starting => return Some("The engine is starting.".to_string()),
            EngineStatus::Crashed(_) => {
                return Some("The engine stopped; Retry starts it again.".to_string())
            }
            EngineStatus::Ready { .. } => {}
        }
        let count = self.issues.with(Vec::len);
        (count > 0).then(|| {
            format!(
                "Fix {count} invalid field{} first.",
                if count == 1 { "" } else { "s" }
            )
        })
    }

    /// Starts a run of the current review. A run already in flight is cancelled.
    pub fn run_profiler(self) {
        if self.run_blocked_untracked() {
            return;
        }
        if let RunStatus::Running { run_id, .. } = self.run.get_untracked() {
            self.send(EngineRequest::Cancel { run_id });
        }
        let run_id = self.next_id();
        let review = self.review.get_untracked();
        self.in_flight.set_value(Some((run_id, review.clone())));
        self.run.set(RunStatus::Running {
            run_id,
            stage: "starting".into(),
            fraction: 0.0,
            started_ms: now_ms(),
        });
        let distributed = self
            .cluster
            .with_untracked(|c| c.as_ref().and_then(|c| c.for_run(&review)))
            .map(Box::new);
        self.send(EngineRequest::Run {
            run_id,
            review: Box::new(review),
            calibration: None,
            distributed,
        });
    }

    fn run_blocked_untracked(self) -> bool {
        !matches!(self.engine.get_untracked(), EngineStatus::Ready { .. })
            || self.issues.with_untracked(|i| !i.is_empty())
    }

    /// Cancels the run in flight; the previous result stays.
    pub fn cancel(self) {
        if let RunStatus::Running { run_id, .. } = self.run.get_untracked() {
            self.send(EngineRequest::Cancel { run_id });
        }
    }

    /// Fits the USL to the pasted CSV (in the engine worker: up to 10 000
    /// points and a Levenberg–Marquardt fit from several starts is not
    /// main-thread work).
    pub fn fit_usl(self) {
        let request_id = self.next_id();
        self.usl_request.set_value(request_id);
        self.usl.set(UslState::Fitting);
        let csv = self.usl_csv.get_untracked();
        self.send(EngineRequest::FitUsl { request_id, csv });
    }

    pub(crate) fn send(self, request: EngineRequest) {
        let sent = self.client.with_value(|c| match c {
            Some(client) => client.send(&request),
            None => Err("the engine is not running".into()),
        });
        if let Err(message) = sent {
            match request {
                EngineRequest::FitUsl { .. } => self.usl.set(UslState::Failed {
                    points: Vec::new(),
                    message,
                }),
                EngineRequest::Sample { .. } => {}
                EngineRequest::Verify { .. } => {
                    if let Some((_, name)) = self.verify_request.get_value() {
                        self.import.set(ImportState::Invalid { name, message });
                    }
                }
                _ => self.run.set(RunStatus::Failed(message)),
            }
        }
    }

    /// Asks the engine for a new sample whenever the workload or the seed
    /// changes (after a short quiet time, so dragging a slider does not
    /// queue dozens of requests). While a run is in flight the request waits
    /// for its end: the engine is busy, and drawing a new table and four
    /// charts on a main thread that shares the CPU with the run's pool
    /// would make long tasks.
    fn keep_sample_fresh(self) {
        let key = Memo::new(move |_| {
            let ready = matches!(self.engine.get(), EngineStatus::Ready { .. });
            ready.then(|| self.review.with(|r| (r.workload.clone(), r.seed)))
        });
        let running = Memo::new(move |_| matches!(self.run.get(), RunStatus::Running { .. }));
        Effect::new(move |_| {
            let Some((workload, seed)) = key.get() else {
                return;
            };
            let fresh = self.sampled.with_value(|last| {
                last.as_ref()
                    .is_some_and(|(w, s)| *s == seed && *w == workload)
            });
            if fresh {
                self.sample_waits.set(false);
                return;
            }
            if running.get() {
                self.sample_waits.set(true);
                self.sample_timer.set_value(None);
                return;
            }
            self.sample_waits.set(false);
            let timer = gloo_timers::callback::Timeout::new(SAMPLE_DEBOUNCE_MS, move || {
                self.request_sample(workload, seed);
            });
            // Dropping the previous timeout cancels it.
            self.sample_timer.set_value(Some(timer));
        });
    }

    fn request_sample(self, workload: Workload, seed: u64) {
        self.sampled.set_value(Some((workload.clone(), seed)));
        let request_id = self.next_id();
        self.sample_request.set_value(request_id);
        self.send(EngineRequest::Sample {
            request_id,
            workload: Box::new(workload),
            seed,
            rows: SAMPLE_ROWS,
        });
    }
}

/// Parses a number field: spaces, thin spaces and `_` as digit-group
/// separators are ignored; integers must be whole and ≥ 0.
pub fn parse_number(text: &str, integer: bool) -> Result<f64, String> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '\u{2009}' | '\u{202f}' | '\u{a0}'))
        .collect();
    if cleaned.is_empty() {
        return Err("is empty: enter a number".to_string());
    }
    if integer {
        match cleaned.parse::<u64>() {
            Ok(value) => Ok(value as f64),
            Err(_) => Err(format!("must be a whole number ≥ 0, got “{}”", text.trim())),
        }
    } else {
        match cleaned.parse::<f64>() {
            Ok(value) => Ok(value),
            Err(_) => Err(format!("must be a number, got “{}”", text.trim())),
        }
    }
}

/// `prefix`, `prefix_2`, `prefix_3`, … whichever is not taken yet.
pub fn unique_option(alternatives: &[Alternative], prefix: &str) -> String {
    let taken = |name: &str| alternatives.iter().any(|a| a.option == name);
    if !taken(prefix) {
        return prefix.to_string();
    }
    (2..)
        .map(|n| format!("{prefix}_{n}"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| prefix.to_string())
}

/// The element ids of one field: its control, its help text, the
/// `FieldErrors` list, and the `aria-describedby` naming the last two.
pub struct FieldIds {
    pub control: String,
    pub help: String,
    pub described_by: String,
}

impl FieldIds {
    pub fn new(path: &str) -> Self {
        let control = field_id(path);
        let help = format!("{control}-help");
        let described_by = format!("{help} {control}-error");
        FieldIds {
            control,
            help,
            described_by,
        }
    }
}

/// The element id of the form control for a field path:
/// `alternatives[1].design.nodes` → `f-alternatives-1-design-nodes`.
pub fn field_id(path: &str) -> String {
    let mut id = String::from("f-");
    let mut last_dash = true;
    for c in path.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            id.push(c);
            last_dash = false;
        } else if !last_dash {
            id.push('-');
            last_dash = true;
        }
    }
    id.trim_end_matches('-').to_string()
}

fn initial_step() -> Option<Step> {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|hash| Step::from_slug(&hash))
}

pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Focuses the element with this id; whether it exists.
pub fn focus_element(id: &str) -> bool {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    match element {
        Some(element) => element.focus().is_ok(),
        None => false,
    }
}

/// Runs `f` in a task of its own (after the current one and its DOM updates).
pub fn in_next_task(f: impl FnOnce() + 'static) {
    let callback = Closure::once_into_js(f);
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback(callback.unchecked_ref());
    }
}

pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

fn clock_time() -> String {
    let date = js_sys::Date::new_0();
    format!(
        "{:02}:{:02}:{:02}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_with_group_separators_and_explain_failures() {
        assert_eq!(parse_number("2 000 000", true), Ok(2e6));
        assert_eq!(parse_number("1_000", true), Ok(1e3));
        assert_eq!(parse_number(" 42 ", true), Ok(42.0));
        assert_eq!(parse_number("0.25", false), Ok(0.25));
        assert_eq!(parse_number("1e9", false), Ok(1e9));
        assert!(parse_number("2.5", true)
            .unwrap_err()
            .contains("whole number"));
        assert!(parse_number("-1", true).unwrap_err().contains("≥ 0"));
        assert!(parse_number("abc", false).unwrap_err().contains("“abc”"));
        assert!(parse_number("", false).unwrap_err().contains("empty"));
    }

    #[test]
    fn option_names_are_made_unique() {
        let alternatives = Review::example().alternatives;
        assert_eq!(unique_option(&alternatives, "alternative"), "alternative");
        assert_eq!(
            unique_option(&alternatives, "single_node_baseline"),
            "single_node_baseline_2"
        );
    }

    #[test]
    fn field_ids_are_valid_and_distinct() {
        assert_eq!(
            field_id("alternatives[1].design.nodes"),
            "f-alternatives-1-design-nodes"
        );
        assert_eq!(field_id("seed"), "f-seed");
        assert_eq!(
            field_id("workload.access_mix.roles.data_engineer"),
            "f-workload-access_mix-roles-data_engineer"
        );
        assert_ne!(
            field_id("alternatives[1].design.nodes"),
            field_id("alternatives[11].design.nodes")
        );
    }
}
