//! `scalewise-core`: the pure, deterministic engine of Scalewise.
//!
//! Inputs in, values out: no I/O, no clock (see [`clock::Clock`]), no global
//! RNG (see [`rng`]). Compiles natively and to `wasm32-unknown-unknown`;
//! parallel with rayon; byte-identical results for any thread count.
//!
//! The flow of a run: a [`review::Review`] (validated against [`limits`])
//! drives the [`events`] generator; the [`profiler`] streams the events
//! through a real batch pipeline (with [`policy`] evaluation) to produce a
//! deterministic data profile and a measured calibration; the [`session`]
//! advances all of this a bounded step at a time.

// A panic in wasm kills the page: non-test code returns errors instead.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod analysis;
pub mod analysis_limits;
pub mod assumptions;
pub mod bench;
pub mod clock;
pub mod dedup;
pub mod digest;
pub mod error;
pub mod events;
pub mod format;
pub mod limits;
pub mod models;
pub mod payload;
pub mod policy;
pub mod profiler;
pub mod protocol;
pub mod review;
pub mod rng;
pub mod sample;
pub mod session;
pub mod submission;
pub mod target;
pub mod units;

pub use error::CoreError;
