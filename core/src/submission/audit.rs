//! The audit trail of a review's edits: what changed, when, chained by
//! SHA-256 so that an edited, removed or reordered entry is detected.
//!
//! Each entry's `hash` is the SHA-256 (hex) of the canonical JSON
//! ([`crate::digest`], RFC 8785) of the entry without its `hash`; its `prev` is the
//! previous entry's `hash`, 64 zeros for the first entry (`seq` 1). The core
//! has no clock: `at` is the caller's RFC 3339 timestamp.
//!
//! **Cap.** A trail keeps at most [`MAX_AUDIT_ENTRIES`]; appending beyond it
//! drops the oldest. The first kept entry (`seq` > 1) then has a `prev` that
//! is an *anchor*: the hash of a dropped entry, accepted as is. Verification
//! still proves every kept entry and their order; it cannot prove what was
//! dropped (and so cannot tell a trimmed trail from one whose head was cut).

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::limits::MAX_AUDIT_ENTRIES;

/// `prev` of the first entry of a trail.
pub const GENESIS_PREV: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One edit of the review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    /// 1, 2, 3, … in the order of the edits.
    pub seq: u64,
    /// When (RFC 3339, from the caller's clock).
    pub at: String,
    /// What changed, for people ("weights.cost 0.20 → 0.30").
    pub summary: String,
    /// The review field paths the edit touched.
    pub paths: Vec<String>,
    /// `hash` of the previous entry (64 zeros for `seq` 1).
    pub prev: String,
    /// SHA-256 (hex) of the canonical JSON of this entry without `hash`.
    pub hash: String,
}

/// Whether a trail's chain holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainStatus {
    /// Every entry's hash and link check out (`entries` may be 0).
    Intact { entries: usize },
    /// The first entry that does not: `seq` is the entry's own `seq` field.
    Broken { seq: u64, reason: String },
}

impl AuditEntry {
    /// The hash this entry should carry.
    pub fn compute_hash(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or(Value::Null);
        crate::digest::digest_without(&value, &["hash"])
    }
}

/// Appends an edit at the end of `trail`, chained to the last entry, and
/// drops the oldest entries beyond [`MAX_AUDIT_ENTRIES`].
pub fn append_entry(trail: &mut Vec<AuditEntry>, at: &str, summary: &str, paths: Vec<String>) {
    let (seq, prev) = match trail.last() {
        Some(last) => (last.seq.saturating_add(1), last.hash.clone()),
        None => (1, GENESIS_PREV.to_string()),
    };
    let mut entry = AuditEntry {
        seq,
        at: at.to_string(),
        summary: summary.to_string(),
        paths,
        prev,
        hash: String::new(),
    };
    entry.hash = entry.compute_hash();
    trail.push(entry);
    if trail.len() > MAX_AUDIT_ENTRIES {
        let excess = trail.len() - MAX_AUDIT_ENTRIES;
        trail.drain(..excess);
    }
}

fn is_hex_hash(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks every entry's hash, `seq` order and link (see the module docs for
/// the anchor of a capped trail).
pub fn verify_chain(trail: &[AuditEntry]) -> ChainStatus {
    let mut previous: Option<&AuditEntry> = None;
    for entry in trail {
        let broken = |reason: String| ChainStatus::Broken {
            seq: entry.seq,
            reason,
        };
        if !is_hex_hash(&entry.hash) || entry.hash != entry.compute_hash() {
            return broken("its contents do not match its hash (edited)".to_string());
        }
        match previous {
            None => {
                if entry.seq == 0 {
                    return broken("sequence numbers start at 1".to_string());
                }
                if entry.seq == 1 && entry.prev != GENESIS_PREV {
                    return broken("the first entry must link to 64 zeros".to_string());
                }
                if !is_hex_hash(&entry.prev) {
                    return broken("its link is not a SHA-256 hex digest".to_string());
                }
            }
            Some(before) => {
                if entry.seq != before.seq.saturating_add(1) {
                    return broken(format!(
                        "follows entry {} (entries missing or reordered)",
                        before.seq
                    ));
                }
                if entry.prev != before.hash {
                    return broken(format!(
                        "does not link to entry {} (entries missing or reordered)",
                        before.seq
                    ));
                }
            }
        }
        previous = Some(entry);
    }
    ChainStatus::Intact {
        entries: trail.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trail(n: usize) -> Vec<AuditEntry> {
        let mut trail = Vec::new();
        for i in 0..n {
            append_entry(
                &mut trail,
                &format!("2026-11-22T01:{:02}:00Z", i % 60),
                &format!("weights.cost {i} → {}", i + 1),
                vec!["weights.cost".to_string()],
            );
        }
        trail
    }

    #[test]
    fn a_fresh_trail_is_intact_and_linked() {
        let t = trail(5);
        assert_eq!(verify_chain(&t), ChainStatus::Intact { entries: 5 });
        assert_eq!(t[0].seq, 1);
        assert_eq!(t[0].prev, GENESIS_PREV);
        assert_eq!(t[3].prev, t[2].hash);
        assert_eq!(verify_chain(&[]), ChainStatus::Intact { entries: 0 });
        // The hash is a pure function of the entry.
        assert_eq!(trail(5), t);
    }

    #[test]
    fn tampering_is_detected_at_the_entry() {
        let mut t = trail(5);
        t[2].summary = "nothing to see".to_string();
        assert!(matches!(
            verify_chain(&t),
            ChainStatus::Broken { seq: 3, .. }
        ));
        // Recomputing the edited entry's hash breaks the next link instead.
        t[2].hash = t[2].compute_hash();
        assert!(matches!(
            verify_chain(&t),
            ChainStatus::Broken { seq: 4, .. }
        ));
    }

    #[test]
    fn reordering_and_removal_are_detected() {
        let mut t = trail(5);
        t.swap(1, 2);
        assert!(matches!(
            verify_chain(&t),
            ChainStatus::Broken { seq: 3, .. }
        ));
        let mut t = trail(5);
        t.remove(2);
        assert!(matches!(
            verify_chain(&t),
            ChainStatus::Broken { seq: 4, .. }
        ));
        let mut t = trail(2);
        t[0].prev = "1".repeat(64);
        t[0].hash = t[0].compute_hash();
        assert!(matches!(
            verify_chain(&t),
            ChainStatus::Broken { seq: 1, .. }
        ));
    }

    #[test]
    fn the_cap_keeps_the_newest_and_the_chain_verifies() {
        let mut t = trail(MAX_AUDIT_ENTRIES + 7);
        assert_eq!(t.len(), MAX_AUDIT_ENTRIES);
        assert_eq!(t[0].seq, 8);
        assert_ne!(t[0].prev, GENESIS_PREV);
        assert_eq!(
            verify_chain(&t),
            ChainStatus::Intact {
                entries: MAX_AUDIT_ENTRIES
            }
        );
        append_entry(&mut t, "2026-11-22T02:00:00Z", "one more", Vec::new());
        assert_eq!(t.len(), MAX_AUDIT_ENTRIES);
        assert!(matches!(verify_chain(&t), ChainStatus::Intact { .. }));
        t[10].at = "2020-01-01T00:00:00Z".to_string();
        assert!(matches!(verify_chain(&t), ChainStatus::Broken { seq, .. } if seq == t[10].seq));
    }
}
