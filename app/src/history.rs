//! Undo and redo of review edits: two bounded stacks of whole-review
//! snapshots. Pure (the caller passes the time), so it is tested natively.
//!
//! A review is a few kilobytes, so snapshots are simpler and safer than
//! inverse operations: any edit, however structural (reorder, import, reset),
//! is undone exactly. Rapid edits of the same field (typing, dragging a
//! slider) within [`COALESCE_MS`] of each other form one entry, so Undo takes
//! back a word or a drag, not a character or a pixel.

use scalewise_core::review::Review;

/// Undo steps kept; older ones are dropped first.
pub const HISTORY_LIMIT: usize = 200;
/// Edits of the same field closer together than this form one undo step.
pub const COALESCE_MS: f64 = 1_000.0;

/// One undo (or redo) step: the review before (after) the edit.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub review: Review,
    /// What the edit was (a field path, or an action such as
    /// `alternatives: add`); shown in the buttons' titles.
    pub what: String,
}

/// What [`History::record`] did with an edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// A new undo step.
    New,
    /// Merged into the previous step (same field, moments apart).
    Coalesced,
}

#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    /// The field and time of the last recorded edit, while it may still
    /// absorb the next one; cleared by undo and redo.
    open: Option<(String, f64)>,
}

/// Whether edits named `what` may merge: single fields do (`title`,
/// `alternatives[1].design.nodes`); actions (`alternatives: add`,
/// `reset to example`) never do.
fn coalesces(what: &str) -> bool {
    !what.contains(' ')
}

impl History {
    /// Records an edit that turned `before` into the current review at time
    /// `now_ms`. Clears the redo stack (a new edit starts a new branch).
    pub fn record(&mut self, before: Review, what: &str, now_ms: f64) -> Recorded {
        self.redo.clear();
        let merge = coalesces(what)
            && !self.undo.is_empty()
            && self
                .open
                .as_ref()
                .is_some_and(|(field, at)| field == what && now_ms - at < COALESCE_MS);
        self.open = coalesces(what).then(|| (what.to_string(), now_ms));
        if merge {
            return Recorded::Coalesced;
        }
        self.undo.push(Snapshot {
            review: before,
            what: what.to_string(),
        });
        if self.undo.len() > HISTORY_LIMIT {
            let excess = self.undo.len() - HISTORY_LIMIT;
            self.undo.drain(..excess);
        }
        Recorded::New
    }

    /// The review before the last recorded step (the start of a coalesced
    /// group), if any.
    pub fn last_before(&self) -> Option<&Review> {
        self.undo.last().map(|s| &s.review)
    }

    /// Steps back: returns the snapshot to restore; `current` becomes redoable.
    pub fn undo(&mut self, current: Review) -> Option<Snapshot> {
        let snapshot = self.undo.pop()?;
        self.open = None;
        self.redo.push(Snapshot {
            review: current,
            what: snapshot.what.clone(),
        });
        Some(snapshot)
    }

    /// Steps forward again after an undo.
    pub fn redo(&mut self, current: Review) -> Option<Snapshot> {
        let snapshot = self.redo.pop()?;
        self.open = None;
        self.undo.push(Snapshot {
            review: current,
            what: snapshot.what.clone(),
        });
        Some(snapshot)
    }

    /// What Undo would take back.
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|s| s.what.as_str())
    }

    /// What Redo would bring back.
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|s| s.what.as_str())
    }

    #[cfg(test)]
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titled(title: &str) -> Review {
        let mut review = Review::example();
        review.title = title.to_string();
        review
    }

    #[test]
    fn undo_and_redo_walk_the_edits_exactly() {
        let mut history = History::default();
        assert_eq!(history.record(titled("a"), "title", 0.0), Recorded::New);
        assert_eq!(history.record(titled("b"), "seed", 10.0), Recorded::New);
        // Current is "c"; undo twice, redo once.
        let back = history.undo(titled("c")).unwrap();
        assert_eq!(back.review.title, "b");
        assert_eq!(back.what, "seed");
        let back = history.undo(back.review).unwrap();
        assert_eq!(back.review.title, "a");
        assert!(history.undo(back.review.clone()).is_none());
        assert_eq!(history.redo_label(), Some("title"));
        let forward = history.redo(back.review).unwrap();
        assert_eq!(forward.review.title, "b");
        let forward = history.redo(forward.review).unwrap();
        assert_eq!(forward.review.title, "c");
        assert!(history.redo(forward.review).is_none());
    }

    #[test]
    fn typing_in_one_field_coalesces_until_a_pause_or_another_field() {
        let mut history = History::default();
        assert_eq!(history.record(titled(""), "title", 0.0), Recorded::New);
        assert_eq!(
            history.record(titled("a"), "title", 300.0),
            Recorded::Coalesced
        );
        assert_eq!(
            history.record(titled("ab"), "title", 900.0),
            Recorded::Coalesced
        );
        // A pause of a second or more starts a new step.
        assert_eq!(
            history.record(titled("abc"), "title", 2_000.0),
            Recorded::New
        );
        // Another field starts a new step, and so does returning to this one.
        assert_eq!(
            history.record(titled("abcd"), "seed", 2_100.0),
            Recorded::New
        );
        assert_eq!(
            history.record(titled("abcd"), "title", 2_200.0),
            Recorded::New
        );
        assert_eq!(history.undo_len(), 4);
        assert_eq!(history.last_before().unwrap().title, "abcd");
    }

    #[test]
    fn actions_never_coalesce_and_undo_closes_the_group() {
        let mut history = History::default();
        history.record(titled("a"), "alternatives: add", 0.0);
        assert_eq!(
            history.record(titled("b"), "alternatives: add", 10.0),
            Recorded::New
        );
        history.record(titled("c"), "title", 20.0);
        history.undo(titled("d"));
        assert_eq!(history.record(titled("c"), "title", 30.0), Recorded::New);
    }

    #[test]
    fn a_new_edit_clears_redo_and_the_history_is_bounded() {
        let mut history = History::default();
        history.record(titled("a"), "title", 0.0);
        history.undo(titled("b"));
        assert!(history.redo_label().is_some());
        history.record(titled("a"), "seed", 5_000.0);
        assert!(history.redo_label().is_none());
        for i in 0..HISTORY_LIMIT + 50 {
            history.record(titled(&i.to_string()), "alternatives: add", i as f64);
        }
        assert_eq!(history.undo_len(), HISTORY_LIMIT);
        // The oldest were dropped: the bottom of the stack is edit 50.
        let mut last = None;
        let mut current = titled("now");
        while let Some(s) = history.undo(current.clone()) {
            current = s.review.clone();
            last = Some(s);
        }
        assert_eq!(last.unwrap().review.title, "50");
    }
}
