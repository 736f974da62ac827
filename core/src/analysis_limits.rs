//! Bounds and budgets of the analysis half of the core ([`crate::analysis`]).
//!
//! Kept apart from [`crate::limits`] (which bounds the review *input*): these
//! bound the work one analysis does, so that the default review projects,
//! sweeps and scores in well under a second natively and stays interactive in
//! a browser tab.

/// Sweep points per alternative. 4 points cannot span the ≥ 4 decades the
/// crossover needs with any resolution; 400 is ~80 per decade, far beyond what
/// a chart can show.
pub const MIN_SWEEP_POINTS: usize = 4;
pub const MAX_SWEEP_POINTS: usize = 400;
/// Default: 8 points per decade over the default five decades, plus the end.
pub const DEFAULT_SWEEP_POINTS: usize = 41;

/// Default sweep range: 10⁵ to 10¹⁰ events per batch (five decades, the
/// course question's "when" lives somewhere in there for any plausible design).
pub const DEFAULT_SWEEP_MIN_EVENTS: f64 = 1e5;
pub const DEFAULT_SWEEP_MAX_EVENTS: f64 = 1e10;
/// Smallest and largest volume a sweep may cover. Below 1 event a batch is
/// meaningless; 10¹⁵ events of even 1 byte is a petabyte per batch.
pub const MIN_SWEEP_EVENTS: f64 = 1.0;
pub const MAX_SWEEP_EVENTS: f64 = 1e15;
/// A sweep must span at least this ratio (max / min) to deserve the name.
pub const MIN_SWEEP_SPAN: f64 = 10.0;

/// Monte Carlo runs of the failure model for the headline projections: the
/// p95 of 2 000 runs has a standard error of about ±1% of the p95–p50 spread
/// for the exponential-tailed makespans seen here.
pub const PROJECTION_FAILURE_RUNS: u32 = 2_000;
/// Monte Carlo runs per sweep point: 10× fewer than the headline, since the
/// sweep has ~40 points per alternative and only needs the trend (p95 of 200
/// runs: about ±3% of the spread). Every point uses the same run seeds, so
/// the sweep curve is smooth rather than noisy.
pub const SWEEP_FAILURE_RUNS: u32 = 200;
/// Upper bound on any failure Monte Carlo.
pub const MAX_FAILURE_RUNS: u32 = 100_000;

/// Bisection steps refining a crossing between two sweep points: the bracket
/// is at most a factor 10 wide (one decade); 40 halvings of its logarithm
/// leave a relative error below 10⁻¹¹, far inside the 1% the UI shows.
pub const CROSSING_BISECTION_STEPS: u32 = 40;
/// Stop refining once the bracket's ratio is this close to 1.
pub const CROSSING_RELATIVE_TOLERANCE: f64 = 1e-6;

/// Largest number of partitions the partition model assigns to nodes
/// (4 096 domains × 256 salt buckets, the review bounds).
pub const MAX_PARTITIONS: usize = 4_096 * 256;

/// Differences [`crate::analysis::result::json_diff`] returns by default.
pub const DEFAULT_DIFF_LIMIT: usize = 20;
