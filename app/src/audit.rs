//! The review's audit trail, as the workbench writes it: every committed
//! edit (including undo, redo, reset and imports) appends one entry to
//! `review.submission.audit` — when (browser clock, ISO 8601), which field
//! paths changed and a one-line summary (`title: “A” → “B”`, long values
//! cut) — chained by SHA-256 to the previous one by the core
//! (`scalewise_core::submission::audit`). A burst of typing in one field
//! is one entry, rewritten as the burst goes on, like its undo step.

use scalewise_core::review::Review;
use scalewise_core::submission::audit::append_entry;

use crate::review_diff;

/// Changed paths recorded per entry (the core's limit).
const MAX_PATHS: usize = scalewise_core::limits::MAX_AUDIT_PATHS;
/// Summary length (the core's limit), in characters.
const MAX_SUMMARY_CHARS: usize = scalewise_core::limits::MAX_AUDIT_SUMMARY_CHARS;

/// A review without its trail: what undo snapshots keep (undo restores
/// inputs; the trail always continues from the current one) and what
/// summaries compare.
pub fn inputs(review: &Review) -> Review {
    let mut review = review.clone();
    review.submission.audit.clear();
    review
}

/// The entry's summary and changed paths for `before` → `after`.
/// `action` prefixes non-field edits (`undo`, `import x.result.json`).
pub fn describe(action: Option<&str>, before: &Review, after: &Review) -> (String, Vec<String>) {
    let changes = review_diff::changes(&inputs(before), &inputs(after), MAX_PATHS);
    // The core checks paths like names: one line, at most MAX_NAME_CHARS.
    let paths: Vec<String> = changes
        .iter()
        .map(|c| c.path.clone())
        .filter(|p| {
            !p.trim().is_empty()
                && p.chars().count() <= scalewise_core::limits::MAX_NAME_CHARS
                && !p.chars().any(char::is_control)
        })
        .collect();
    let first = changes
        .first()
        .map(|c| format!("{}: {} → {}", c.path, c.before, c.after));
    let more = match changes.len() {
        0 | 1 => String::new(),
        n if n >= MAX_PATHS => format!(" (and {}+ more fields)", n - 1),
        n => format!(
            " (and {} more field{})",
            n - 1,
            if n == 2 { "" } else { "s" }
        ),
    };
    let summary = match (action, first) {
        (Some(action), Some(first)) => format!("{action} — {first}{more}"),
        (Some(action), None) => action.to_string(),
        (None, Some(first)) => format!("{first}{more}"),
        (None, None) => "no change".to_string(),
    };
    (cut(&summary, MAX_SUMMARY_CHARS), paths)
}

/// `text` cut to `max` characters (the last one an ellipsis).
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// Appends the entry for `before` → `review` to `review`'s own trail.
/// `replace_last`: the edit continues the previous one (same field,
/// moments apart), whose entry is rewritten rather than followed.
pub fn record(
    review: &mut Review,
    before: &Review,
    action: Option<&str>,
    replace_last: bool,
    at: &str,
) {
    let (summary, paths) = describe(action, before, review);
    if replace_last {
        review.submission.audit.pop();
    }
    append_entry(&mut review.submission.audit, at, &summary, paths);
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalewise_core::submission::audit::{verify_chain, ChainStatus};

    #[test]
    fn entries_say_what_changed_and_chain() {
        let before = Review::example();
        let mut after = before.clone();
        after.alternatives[1].option = "B".repeat(100);
        record(&mut after, &before, None, false, "2026-11-22T01:00:00.000Z");
        let entry = after.submission.audit.last().unwrap();
        assert!(
            entry
                .summary
                .starts_with("alternatives[1].option: “partitioned_cached_cluster” → “BBB"),
            "{}",
            entry.summary
        );
        assert!(entry.summary.len() < 200);
        assert_eq!(entry.paths, ["alternatives[1].option"]);
        let mut later = after.clone();
        later.title = "T".into();
        later.seed += 1;
        record(
            &mut later,
            &after,
            Some("undo"),
            false,
            "2026-11-22T01:00:01.000Z",
        );
        let entry = later.submission.audit.last().unwrap();
        assert!(entry.summary.starts_with("undo — "), "{}", entry.summary);
        assert!(
            entry.summary.ends_with("(and 1 more field)"),
            "{}",
            entry.summary
        );
        assert!(matches!(
            verify_chain(&later.submission.audit),
            ChainStatus::Intact { entries: 2 }
        ));
    }

    #[test]
    fn a_continued_edit_rewrites_its_entry() {
        let start = Review::example();
        let mut one = start.clone();
        one.title = "A".into();
        record(&mut one, &start, None, false, "t1");
        let mut two = one.clone();
        two.title = "AB".into();
        record(&mut two, &start, None, true, "t2");
        assert_eq!(two.submission.audit.len(), 1);
        assert!(two.submission.audit[0].summary.ends_with("→ “AB”"));
        assert!(matches!(
            verify_chain(&two.submission.audit),
            ChainStatus::Intact { entries: 1 }
        ));
    }
}
