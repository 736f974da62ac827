//! Autosave: the review (and the step) in `localStorage` on every change,
//! restored on reload; the last finished result beside it, so the evidence
//! reappears without a rerun.
//!
//! Two keys, because they change at different rates: the small envelope
//! ([`AUTOSAVE_KEY`], rewritten ~300 ms after each edit) and the result
//! ([`RESULT_KEY`], hundreds of kilobytes, rewritten only when a run
//! finishes or a file is imported). Whatever cannot be restored is copied to
//! [`BACKUP_KEY`] / [`RESULT_BACKUP_KEY`] before anything overwrites it, and
//! the page says why it started from the example: nothing is destroyed.
//!
//! The decoding is pure (`decode_*`), so every rejection is tested natively.

use scalewise_core::analysis::result::ResultDocument;
use scalewise_core::limits::MAX_ALTERNATIVES;
use scalewise_core::review::{Review, MAX_REVIEW_BYTES};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

pub const AUTOSAVE_KEY: &str = "scalewise.autosave";
pub const RESULT_KEY: &str = "scalewise.autosave.result";
pub const BACKUP_KEY: &str = "scalewise.autosave.unreadable";
pub const RESULT_BACKUP_KEY: &str = "scalewise.autosave.result.unreadable";
pub const AUTOSAVE_FORMAT: &str = "scalewise.autosave";
pub const RESULT_FORMAT: &str = "scalewise.autosave.result";
pub const AUTOSAVE_VERSION: u32 = 1;
/// Quiet time after the last edit before the autosave is written.
pub const AUTOSAVE_DEBOUNCE_MS: u32 = 300;
/// The envelope holds one review (≤ [`MAX_REVIEW_BYTES`]) and a little more.
pub const MAX_AUTOSAVE_BYTES: usize = MAX_REVIEW_BYTES + 64 * 1024;
/// A saved result larger than this is not read back (the engine's results
/// are a few hundred kilobytes; the browser's quota is about 5 MB).
pub const MAX_SAVED_RESULT_BYTES: usize = 8 << 20;

/// The autosaved review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub format: String,
    pub version: u32,
    /// ISO 8601, browser clock.
    pub saved_at: String,
    /// The step's slug (`data`, `alternatives`, …).
    pub step: String,
    pub review: Review,
    /// Whether the last result was saved beside it ([`RESULT_KEY`]).
    #[serde(default)]
    pub has_result: bool,
}

/// The autosaved last result, with the review it was computed from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedResult {
    pub format: String,
    pub version: u32,
    pub run_id: u64,
    pub elapsed_s: f64,
    pub finished_at: String,
    pub review: Review,
    pub result: ResultDocument,
}

/// Reads an autosaved envelope; the error says why it cannot be restored,
/// in words for the notice.
pub fn decode_envelope(text: &str) -> Result<Envelope, String> {
    if text.len() > MAX_AUTOSAVE_BYTES {
        return Err(format!(
            "it is {} bytes, over the {} byte limit",
            text.len(),
            MAX_AUTOSAVE_BYTES
        ));
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("it is not valid JSON ({e})"))?;
    let format = value.get("format").and_then(|f| f.as_str());
    if format != Some(AUTOSAVE_FORMAT) {
        return Err(match format {
            Some(other) => format!("its format is “{other}”, not “{AUTOSAVE_FORMAT}”"),
            None => format!("it has no “format”: “{AUTOSAVE_FORMAT}” field"),
        });
    }
    let version = value.get("version").and_then(|v| v.as_u64());
    if version != Some(u64::from(AUTOSAVE_VERSION)) {
        return Err(format!(
            "it was written by another version of the workbench (autosave version {}, this one reads {AUTOSAVE_VERSION})",
            version.map_or("none".to_string(), |v| v.to_string())
        ));
    }
    let envelope: Envelope =
        serde_json::from_value(value).map_err(|e| format!("its review cannot be read: {e}"))?;
    check_review(&envelope.review)?;
    Ok(envelope)
}

/// What makes a parsed review unfit to restore. Ordinary invalid values
/// (an empty title, 0 nodes) are the user's work in progress: they are
/// restored and shown next to their fields, as when typed. What the form
/// could never produce is refused.
fn check_review(review: &Review) -> Result<(), String> {
    if review.schema_version != scalewise_core::review::SCHEMA_VERSION {
        return Err(format!(
            "its review has schema version {}, this workbench reads {}",
            review.schema_version,
            scalewise_core::review::SCHEMA_VERSION
        ));
    }
    if review.alternatives.len() > MAX_ALTERNATIVES {
        return Err(format!(
            "its review has {} alternatives, more than the limit of {MAX_ALTERNATIVES}",
            review.alternatives.len()
        ));
    }
    Ok(())
}

/// Reads an autosaved result.
pub fn decode_result(text: &str) -> Result<SavedResult, String> {
    if text.len() > MAX_SAVED_RESULT_BYTES {
        return Err(format!(
            "it is {} bytes, over the {} byte limit",
            text.len(),
            MAX_SAVED_RESULT_BYTES
        ));
    }
    let saved: SavedResult =
        serde_json::from_str(text).map_err(|e| format!("it cannot be read ({e})"))?;
    if saved.format != RESULT_FORMAT || saved.version != AUTOSAVE_VERSION {
        return Err(format!(
            "its format is “{}” version {}, not “{RESULT_FORMAT}” version {AUTOSAVE_VERSION}",
            saved.format, saved.version
        ));
    }
    Ok(saved)
}

/// What the page starts from.
#[derive(Clone, Debug, PartialEq)]
pub struct Restored {
    pub envelope: Option<Envelope>,
    pub result: Option<SavedResult>,
    /// Why something was not restored (for the notice).
    pub notice: Option<String>,
}

/// Reads both keys; copies anything unreadable to its backup key.
pub fn load() -> Restored {
    let Some(storage) = storage() else {
        return Restored {
            envelope: None,
            result: None,
            notice: None,
        };
    };
    let text = storage.get_item(AUTOSAVE_KEY).ok().flatten();
    let Some(text) = text else {
        return Restored {
            envelope: None,
            result: None,
            notice: None,
        };
    };
    let envelope = match decode_envelope(&text) {
        Ok(envelope) => envelope,
        Err(reason) => {
            let kept = backup(&storage, BACKUP_KEY, &text, AUTOSAVE_KEY);
            leptos::logging::warn!("autosave not restored: {reason}");
            return Restored {
                envelope: None,
                result: None,
                notice: Some(format!(
                    "Your autosaved review could not be restored: {reason}. Started from the example. {kept}"
                )),
            };
        }
    };
    let mut notice = None;
    let result = if envelope.has_result {
        match storage.get_item(RESULT_KEY).ok().flatten() {
            Some(text) => match decode_result(&text) {
                Ok(saved) => Some(saved),
                Err(reason) => {
                    let kept = backup(&storage, RESULT_BACKUP_KEY, &text, RESULT_KEY);
                    leptos::logging::warn!("autosaved result not restored: {reason}");
                    notice = Some(format!(
                        "Your review was restored, but its last result could not be: {reason}. Run the profiler again to see the evidence. {kept}"
                    ));
                    None
                }
            },
            None => None,
        }
    } else {
        None
    };
    Restored {
        envelope: Some(envelope),
        result,
        notice,
    }
}

/// Moves unreadable text to `backup_key`; says where it is.
fn backup(storage: &web_sys::Storage, backup_key: &str, text: &str, key: &str) -> String {
    let saved = storage.set_item(backup_key, text).is_ok();
    let _ = storage.remove_item(key);
    if saved {
        format!("The unreadable copy is kept in this browser's storage under “{backup_key}”.")
    } else {
        "The unreadable copy was too large to keep.".to_string()
    }
}

/// How the last write went (the status line under the toolbar).
#[derive(Clone, Debug, PartialEq)]
pub enum SaveStatus {
    Nothing,
    Saved {
        at: String,
        with_result: bool,
    },
    /// The result did not fit; the review did.
    SavedWithoutResult {
        at: String,
    },
    Failed(String),
}

/// Writes the envelope. `result_saved` says whether [`RESULT_KEY`] holds
/// the current result.
pub fn save_review(review: &Review, step: &str, result_saved: bool) -> Result<String, String> {
    let storage = storage().ok_or("this browser offers no local storage")?;
    let saved_at = iso_now();
    let envelope = Envelope {
        format: AUTOSAVE_FORMAT.to_string(),
        version: AUTOSAVE_VERSION,
        saved_at: saved_at.clone(),
        step: step.to_string(),
        review: review.clone(),
        has_result: result_saved,
    };
    let text = serde_json::to_string(&envelope).map_err(|e| e.to_string())?;
    storage
        .set_item(AUTOSAVE_KEY, &text)
        .map_err(|e| describe_storage_error(&e))?;
    Ok(saved_at)
}

/// Writes (or, with `None`, removes) the last result. `Err` when it did
/// not fit; the key is then removed, so a stale result is never restored.
pub fn save_result(saved: Option<&SavedResult>) -> Result<(), String> {
    let storage = storage().ok_or("this browser offers no local storage")?;
    let Some(saved) = saved else {
        let _ = storage.remove_item(RESULT_KEY);
        return Ok(());
    };
    let text = serde_json::to_string(saved).map_err(|e| e.to_string())?;
    match storage.set_item(RESULT_KEY, &text) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = storage.remove_item(RESULT_KEY);
            Err(describe_storage_error(&e))
        }
    }
}

fn describe_storage_error(error: &wasm_bindgen::JsValue) -> String {
    match error.dyn_ref::<web_sys::DomException>() {
        Some(e) if e.name() == "QuotaExceededError" => {
            "the browser's storage for this site is full".to_string()
        }
        Some(e) => e.message(),
        None => crate::engine_client::describe(error),
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The browser clock as ISO 8601 UTC (`2026-11-22T01:02:03.456Z`).
pub fn iso_now() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope_text(review: &Review) -> String {
        serde_json::to_string(&Envelope {
            format: AUTOSAVE_FORMAT.to_string(),
            version: AUTOSAVE_VERSION,
            saved_at: "2026-11-22T01:00:00.000Z".to_string(),
            step: "data".to_string(),
            review: review.clone(),
            has_result: false,
        })
        .unwrap()
    }

    #[test]
    fn a_saved_envelope_round_trips() {
        let mut review = Review::example();
        review.title = "Mine".to_string();
        let envelope = decode_envelope(&envelope_text(&review)).unwrap();
        assert_eq!(envelope.review, review);
        assert_eq!(envelope.step, "data");
    }

    #[test]
    fn work_in_progress_with_invalid_values_is_restored() {
        let mut review = Review::example();
        review.title.clear();
        review.alternatives[1].design.nodes = 0;
        assert!(review.validate().is_err());
        assert_eq!(
            decode_envelope(&envelope_text(&review)).unwrap().review,
            review
        );
    }

    #[test]
    fn every_kind_of_damage_is_refused_with_a_reason() {
        let reason = |text: &str| decode_envelope(text).unwrap_err();
        assert!(reason("{not json").contains("not valid JSON"));
        assert!(reason(r#"{"format":"other","version":1}"#).contains("“other”"));
        assert!(reason(r#"{"version":1}"#).contains("no “format”"));
        assert!(reason(r#"{"format":"scalewise.autosave","version":7}"#).contains("version 7"));
        let good = envelope_text(&Review::example());
        let wrong_type = good.replacen(r#""seed":"#, r#""seed":"x","ignored":"#, 1);
        assert!(reason(&wrong_type).contains("review cannot be read"));
        let mut crowded = Review::example();
        while crowded.alternatives.len() <= MAX_ALTERNATIVES {
            crowded.alternatives.push(crowded.alternatives[0].clone());
        }
        assert!(reason(&envelope_text(&crowded)).contains("alternatives"));
        let huge = format!("{}{}", " ".repeat(MAX_AUTOSAVE_BYTES), good);
        assert!(reason(&huge).contains("byte limit"));
    }

    #[test]
    fn a_damaged_result_is_refused() {
        assert!(decode_result("[]").unwrap_err().contains("cannot be read"));
    }
}
