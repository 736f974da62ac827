//! The error type of runs ([`CoreError`]); review parsing and validation
//! errors live with the review ([`crate::review`]).

use crate::events::RecordError;
use crate::review::ValidationErrors;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// The ingest stage rejected a record it had just encoded: a bug, reported
    /// rather than panicking.
    #[error("ingest: {0}")]
    Record(#[from] RecordError),
    /// Projection, sweep or scoring rejected its inputs.
    #[error("analysis: {0}")]
    Analysis(#[from] crate::analysis::AnalysisError),
    #[error("the run has already finished")]
    Finished,
}
