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

// Lint levels (no unwrap, expect, panic or indexing outside tests) are the
// workspace's, in the root Cargo.toml; the bans that keep the core pure and
// deterministic (no clock, no I/O, no pool of its own, no std transcendental
// functions, no hashed containers) are in core/clippy.toml.

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
mod serde_array;
pub mod session;
pub mod submission;
pub mod target;
pub mod units;

pub use error::CoreError;
