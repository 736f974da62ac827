//! The submission: what the user hands in, derived from a
//! [`ResultDocument`] — the memo ([`memo`]), the scoring table as CSV and
//! Markdown ([`table`]), the Jupyter notebook ([`notebook`]), export file
//! names ([`names`]) — plus the audit trail of the review's edits
//! ([`audit`]) and the check of an imported result ([`verify`]).
//!
//! Pure like the rest of the core: documents in, text out; the caller
//! supplies the date and the chart images (the core draws nothing and has
//! no clock).

pub mod audit;
pub mod format;
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
pub use notebook::{notebook, python_str, ChartImage};
pub use table::{csv_cell, markdown_cell, scoring_csv, scoring_markdown};
pub use verify::{verify_document, VerifyOutcome};

/// Why an export could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    #[error("date must be a calendar date as YYYY-MM-DD, got \"{date}\"")]
    InvalidDate { date: String },
    #[error("chart \"{title}\" {reason}")]
    InvalidChart { title: String, reason: String },
    #[error("{count} charts; at most {max} can be embedded")]
    TooManyCharts { count: usize, max: usize },
}

/// One file to save: its name, MIME type and text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFile {
    pub name: String,
    pub mime: String,
    pub contents: String,
}

/// The text exports of `doc`, named from its title and `date`
/// (`YYYY-MM-DD`): the result JSON, the scoring table as CSV and Markdown,
/// the memo and the notebook (with `charts` embedded). Chart PNGs are binary
/// and saved by the caller as [`ExportNames::chart_png`].
pub fn export_files(
    doc: &ResultDocument,
    charts: &[ChartImage],
    date: &str,
) -> Result<Vec<ExportFile>, SubmissionError> {
    let stem = file_stem(&doc.reproducibility.review.title, date)?;
    let names = ExportNames::new(&stem);
    let notebook = notebook(doc, charts)?;
    let memo = exported_memo(doc);
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
