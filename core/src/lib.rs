//! `scalewise-core`: the pure, deterministic engine of Scalewise.
//!
//! Inputs in, values out: no I/O, no clock (see [`clock::Clock`]), no global
//! RNG (see [`rng`]). Compiles natively and to `wasm32-unknown-unknown`;
//! parallel with rayon; byte-identical results for any thread count.

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
pub mod clock;
pub mod events;
pub mod limits;
pub mod models;
pub mod policy;
pub mod review;
pub mod rng;
pub mod units;
