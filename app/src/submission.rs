//! The submission's UI state (issue 5, steps 8–10 and the exports): keeping
//! the shown result in step with weight and submission-text edits without a
//! rerun (`Refresh` in the engine worker), the memo draft, and the export
//! files. Kept apart from `state.rs` (which owns the review and the runs);
//! only `Workbench` methods defined here send these requests.

use leptos::prelude::*;
use scalewise_core::review::Review;

use crate::review_diff::needs_run;
use crate::state::Finished;

/// Signals of the submission steps; a field of `Workbench`.
#[derive(Clone, Copy)]
pub struct SubmissionState {
    /// The shown result lags behind weight or submission edits (a refresh
    /// is due or in flight). Such edits never make the result stale.
    pub refresh_pending: Memo<bool>,
    /// Why the last refresh failed, if it did.
    pub refresh_error: RwSignal<Option<String>>,
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
        }
    }
}
