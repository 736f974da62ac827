//! The messages between the UI and the engine Web Worker.
//!
//! Both sides are Rust and share these types; on the wire each message is one
//! JSON string (`postMessage` of a string is cheap and keeps the worker's JS
//! glue free of schema knowledge). A run is `Run` → `Progress`* → one of
//! `Finished`, `Cancelled`, `Failed`.
//!
//! The enums are externally tagged (`{"finished": {…}}`): serde then parses
//! the large result in one streaming pass, where an internally tagged enum
//! would first buffer the whole document (measured: +35 ms on the main
//! thread for the example's result).

use serde::{Deserialize, Serialize};

use crate::analysis::result::ResultDocument;
use crate::profiler::Calibration;
use crate::review::{FieldError, Review};

/// UI → engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineRequest {
    /// Run the review. With a calibration the run replays it (no timing);
    /// without, the engine measures one.
    Run {
        run_id: u64,
        review: Box<Review>,
        calibration: Option<Box<Calibration>>,
    },
    /// Stop run `run_id` at its next step boundary. Unknown ids are ignored.
    Cancel { run_id: u64 },
}

/// How the engine got its threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadMode {
    /// Cross-origin isolated: shared memory and a rayon pool of N workers.
    Isolated,
    /// No shared memory: one thread, same results.
    SingleThreaded,
}

/// Engine → UI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineResponse {
    /// Sent once, when the engine (and its pool) is ready.
    Ready {
        mode: ThreadMode,
        threads: usize,
        engine_version: String,
    },
    /// `fraction` is of the whole run, 0..=1.
    Progress {
        run_id: u64,
        stage: String,
        fraction: f64,
    },
    Finished {
        run_id: u64,
        result: Box<ResultDocument>,
        elapsed_s: f64,
    },
    Cancelled {
        run_id: u64,
    },
    /// The request was invalid or the run failed; `field_errors` name fields.
    Failed {
        run_id: Option<u64>,
        message: String,
        field_errors: Vec<FieldError>,
    },
    /// The worker could not start at all (sent by its JS glue).
    Fatal {
        message: String,
    },
}
