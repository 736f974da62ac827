//! Which inputs changed since a run: the leaf fields that differ between two
//! reviews, named with the same paths as the core's `FieldError`s
//! (`alternatives[1].design.nodes`). Pure; shown by the Run step when the
//! result is stale.

use scalewise_core::review::Review;
use serde_json::Value;

/// Whether `now` needs a new run to be shown, compared with the review `ran`
/// of the shown result. Not needed for what no run reads — the title, the
/// scenario, the weights, the submission (the user's recommendation and
/// memo, the audit trail) and the alternatives' strength, risk and evidence
/// text: the engine applies those to an existing result at once
/// (`Refresh`; the core's `analysis::result::refresh` draws the same line),
/// so they never make it stale.
pub fn needs_run(ran: &Review, now: &Review) -> bool {
    let mut ran_inputs = ran.clone();
    ran_inputs.title.clone_from(&now.title);
    ran_inputs.scenario = now.scenario.clone();
    ran_inputs.weights = now.weights.clone();
    ran_inputs.submission = now.submission.clone();
    if ran_inputs.alternatives.len() == now.alternatives.len() {
        for (mine, theirs) in ran_inputs.alternatives.iter_mut().zip(&now.alternatives) {
            mine.strength.clone_from(&theirs.strength);
            mine.risk.clone_from(&theirs.risk);
            mine.evidence.clone_from(&theirs.evidence);
        }
    }
    ran_inputs != *now
}

/// One changed field.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub path: String,
    pub before: String,
    pub after: String,
}

/// The first `limit` changed fields from `before` to `after`, lists in
/// order, object keys in serde_json's map order. A list whose length changed is one change (`alternatives: 2 → 3
/// items`).
pub fn changes(before: &Review, after: &Review, limit: usize) -> Vec<Change> {
    let (Ok(a), Ok(b)) = (serde_json::to_value(before), serde_json::to_value(after)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(&a, &b, String::new(), &mut out, limit);
    out
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk(a: &Value, b: &Value, path: String, out: &mut Vec<Change>, limit: usize) {
    if out.len() >= limit || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, value) in x {
                let other = y.get(key).unwrap_or(&Value::Null);
                walk(value, other, join(&path, key), out, limit);
            }
            for (key, value) in y {
                if !x.contains_key(key) {
                    walk(&Value::Null, value, join(&path, key), out, limit);
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                walk(p, q, format!("{path}[{i}]"), out, limit);
            }
        }
        (Value::Array(x), Value::Array(y)) => out.push(Change {
            path,
            before: format!("{} items", x.len()),
            after: format!("{} items", y.len()),
        }),
        _ => out.push(Change {
            path,
            before: show(a),
            after: show(b),
        }),
    }
}

/// A short rendering of a value: strings quoted and cut at 40 characters.
fn show(value: &Value) -> String {
    match value {
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            if short.len() < s.len() {
                format!("“{short}…”")
            } else {
                format!("“{short}”")
            }
        }
        Value::Null => "none".to_string(),
        Value::Object(_) | Value::Array(_) => "…".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_and_submission_need_no_run() {
        let before = Review::example();
        let mut after = before.clone();
        after.weights.cost = 0.9;
        after.submission.memo = Some("My memo".into());
        after.title = "Another title".into();
        after.scenario.decision = "Another decision".into();
        after.alternatives[0].risk = "Another risk".into();
        assert!(!needs_run(&before, &after));
        let mut renamed = after.clone();
        renamed.alternatives[0].option = "one_box".into();
        assert!(needs_run(&before, &renamed));
        after.seed += 1;
        assert!(needs_run(&before, &after));
    }

    #[test]
    fn no_changes_between_equal_reviews() {
        let review = Review::example();
        assert!(changes(&review, &review.clone(), 10).is_empty());
    }

    #[test]
    fn names_changed_leaves_with_field_error_paths() {
        let before = Review::example();
        let mut after = before.clone();
        after.alternatives[1].design.nodes = 2;
        after.seed += 1;
        after.alternatives[0].option = "one_box".to_string();
        let found = changes(&before, &after, 10);
        let paths: Vec<&str> = found.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "alternatives[0].option",
                "alternatives[1].design.nodes",
                "seed"
            ]
        );
        assert_eq!(found[1].before, "8");
        assert_eq!(found[1].after, "2");
        assert_eq!(found[0].after, "“one_box”");
    }

    #[test]
    fn a_resized_list_is_one_change_and_the_limit_holds() {
        let before = Review::example();
        let mut after = before.clone();
        after.alternatives.push(after.alternatives[1].clone());
        after.workload.events = 5;
        after.workload.domains = 7;
        let found = changes(&before, &after, 10);
        assert_eq!(found[0].path, "alternatives");
        assert_eq!(found[0].after, "3 items");
        assert_eq!(changes(&before, &after, 2).len(), 2);
    }

    #[test]
    fn optional_parts_appear_and_disappear() {
        let before = Review::example();
        let mut after = before.clone();
        after.alternatives[1].design.warm_cache = None;
        let found = changes(&before, &after, 10);
        assert_eq!(found[0].path, "alternatives[1].design.warm_cache");
        assert_eq!(found[0].after, "none");
    }
}
