//! The submission: what the user hands in, derived from a
//! [`ResultDocument`] — the memo ([`memo`]), the scoring table as CSV and
//! Markdown ([`table`]), the Jupyter notebook ([`notebook`]), export file
//! names ([`names`]) — plus the audit trail of the review's edits
//! ([`audit`]) and the check of an imported result ([`verify`]).
//!
//! Pure like the rest of the core: documents in, text out; the caller
//! supplies the date (the core has no clock).
//!
//! **Tracing an export to its result.** Every export names the result
//! document it was made from by its digest (`reproducibility.digest`, the
//! SHA-256 of the result's canonical JSON: [`crate::digest`]), so a reviewer
//! holding any one file can find, and check, the result behind it:
//!
//! | export | carries |
//! |---|---|
//! | `.result.json` | the document itself, with its digest |
//! | `.scoring.csv` | a `result_digest` column on every row (a CSV has no comments; a column survives sorting, filtering and copying rows elsewhere; the 64 hex digits never start a formula) |
//! | `.scoring.md` | a last line with the digest, the tool version and the result schema ([`trace_line`]) |
//! | `.memo.md` | a closing HTML comment `<!-- scalewise-result sha256:… -->`: invisible when rendered, two words to a word counter, so the memo's word count is the memo's |
//! | `.ipynb` | the whole result embedded, `metadata.scalewise.result_digest`, and a cell that recomputes the digest |
//!
//! The digest covers the memo and every number the other files show, so a
//! file whose numbers differ from its result's is caught by comparing it
//! with that result; the notebook does so by itself.

pub mod audit;
pub mod memo;
pub mod names;
pub mod notebook;
pub mod table;
pub mod verify;

use serde::{Deserialize, Serialize};

use crate::analysis::result::ResultDocument;

pub use audit::{append_entry, verify_chain, AuditEntry, ChainStatus};
pub use memo::{check_memo, count_words, draft_memo, exported_memo, MemoCheck};
pub use names::{file_stem, ExportNames};
pub use notebook::{notebook, python_str, REQUIREMENTS};
pub use table::{csv_cell, markdown_cell, scoring_csv, scoring_markdown, trace_line};
pub use verify::{verify_document, VerifyOutcome};

/// Why an export could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    #[error("date must be a calendar date as YYYY-MM-DD, got \"{date}\"")]
    InvalidDate { date: String },
}

/// One file to save: its name, MIME type and text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFile {
    pub name: String,
    pub mime: String,
    pub contents: String,
}

/// The memo file: [`exported_memo`], then an HTML comment with the result's
/// digest (invisible when rendered, two words to a word counter).
pub fn memo_file(doc: &ResultDocument) -> String {
    let mut memo = exported_memo(doc);
    if !memo.ends_with('\n') {
        memo.push('\n');
    }
    memo.push_str(&format!(
        "\n<!-- scalewise-result sha256:{} -->\n",
        doc.reproducibility.digest
    ));
    memo
}

/// The text exports of `doc`, named from its title and `date`
/// (`YYYY-MM-DD`): the result JSON, the scoring table as CSV and Markdown,
/// the memo and the notebook. Chart PNGs are binary and saved by the caller
/// as [`ExportNames::chart_png`]; the notebook draws its own.
pub fn export_files(doc: &ResultDocument, date: &str) -> Result<Vec<ExportFile>, SubmissionError> {
    let stem = file_stem(&doc.reproducibility.review.title, date)?;
    let names = ExportNames::new(&stem);
    let notebook = notebook(doc);
    let memo = memo_file(doc);
    let file = |name: String, mime: &str, contents: String| ExportFile {
        name,
        mime: mime.to_string(),
        contents,
    };
    let mut notebook_text = serde_json::to_string_pretty(&notebook).unwrap_or_default();
    notebook_text.push('\n');
    let mut result_text = doc.to_json_pretty();
    result_text.push('\n');
    Ok(vec![
        file(names.result_json, "application/json", result_text),
        file(
            names.scoring_csv,
            "text/csv;charset=utf-8",
            scoring_csv(doc),
        ),
        file(
            names.scoring_md,
            "text/markdown;charset=utf-8",
            scoring_markdown(doc),
        ),
        file(names.memo_md, "text/markdown;charset=utf-8", memo),
        file(names.notebook, "application/x-ipynb+json", notebook_text),
    ])
}
