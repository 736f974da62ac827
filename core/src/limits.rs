//! Published bounds on every review input.
//!
//! [`crate::review::Review::validate`] enforces them and quotes them in its
//! messages; the app shows them next to the fields. They exist so that a typo
//! (`nodes: 80000`) is reported instead of freezing the page, and so that every
//! run fits in a browser tab's memory and time budget.

/// Largest seed: 2⁵³ − 1, the largest integer every JSON reader (JavaScript,
/// Python's `float`, a spreadsheet) holds exactly, so an exported seed reads
/// back as the seed that ran (and the canonical JSON of [`crate::digest`]
/// agrees with RFC 8785 on it).
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// Largest review document accepted by [`crate::review::Review::from_json`].
pub const MAX_REVIEW_BYTES: usize = 1 << 20;

/// Events simulated in one run. At ~20 M events/s per thread this is seconds
/// natively and under a minute in wasm; beyond it, project instead of simulate.
pub const MAX_EVENTS_PER_RUN: u64 = 200_000_000;
/// A review compares at least this many alternatives (the course asks for two).
pub const MIN_ALTERNATIVES: usize = 2;
/// More alternatives than this no longer fit a readable scoring table.
pub const MAX_ALTERNATIVES: usize = 8;

/// Free-text fields (boundary, strengths, risks, evidence, …), in characters.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// Short names: title, option names, metric names.
pub const MAX_NAME_CHARS: usize = 120;
/// The memo (the course asks for 900–1200 words; this leaves room for drafts).
pub const MAX_MEMO_CHARS: usize = 20_000;
/// Items in any list of free text (stakeholders, evidence lists).
pub const MAX_LIST_ITEMS: usize = 32;

/// Partition keys (domains). Per-domain statistics are kept for each.
pub const MAX_DOMAINS: u32 = 4_096;
/// Datasets per domain (dataset ids are `domain * datasets_per_domain + k`).
pub const MAX_DATASETS_PER_DOMAIN: u32 = 100_000;
/// Distinct pipelines writing the datasets.
pub const MAX_PIPELINES: u32 = 1_000_000;
/// Zipf exponents beyond this put essentially all mass on one key.
pub const MAX_ZIPF_ALPHA: f64 = 4.0;
/// Longest event-time window of one batch: a year.
pub const MAX_BATCH_WINDOW_S: f64 = 366.0 * 86_400.0;
/// Freshness medians and SLAs: thirty days.
pub const MAX_FRESHNESS_S: f64 = 30.0 * 86_400.0;
/// Log-normal spread (sigma of the log); 4 already spans eight decades.
pub const MAX_LOG_SIGMA: f64 = 4.0;
/// Upstream inputs a dataset can declare.
pub const MAX_LINEAGE_UPSTREAMS: u32 = 32;
/// Mean bytes per event: 1 GiB.
pub const MAX_BYTES_PER_EVENT: f64 = 1_073_741_824.0;
/// Catalog keys for the cache model.
pub const MAX_HOT_KEYS: u64 = 1_000_000_000;
/// Cache look-ups per event.
pub const MAX_REQUESTS_PER_EVENT: f64 = 1_000.0;

/// Nodes in one design.
pub const MAX_NODES: u32 = 4_096;
/// Cores per node.
pub const MAX_CORES_PER_NODE: u32 = 512;
/// Memory per node: 24 TiB (the largest single machines sold).
pub const MAX_MEMORY_PER_NODE_GIB: f64 = 24_576.0;
/// Salt buckets per hot key.
pub const MAX_SALT_BUCKETS: u32 = 256;
/// Keys one cache tier holds.
pub const MAX_CACHE_KEYS: u64 = 10_000_000_000;
/// Checkpoint interval, checkpoint and restart costs: one day.
pub const MAX_DURATION_S: f64 = 86_400.0;
/// Smallest checkpoint interval: checkpointing more often than every second
/// is a misconfiguration, not a design.
pub const MIN_CHECKPOINT_INTERVAL_S: f64 = 1.0;
/// Node mean time between failures: 0.1 h to ~114 years.
pub const MIN_NODE_MTBF_H: f64 = 0.1;
pub const MAX_NODE_MTBF_H: f64 = 1_000_000.0;
/// Network bandwidth per node.
pub const MAX_NETWORK_GBIT_PER_S: f64 = 1_600.0;
/// Regions one design spans.
pub const MAX_REGIONS: u32 = 16;
/// Price of one node for one hour.
pub const MAX_PRICE_PER_NODE_HOUR_USD: f64 = 1_000.0;
/// Egress price per GB.
pub const MAX_EGRESS_USD_PER_GB: f64 = 10.0;

/// Run deadline: thirty days.
pub const MAX_DEADLINE_S: f64 = 30.0 * 86_400.0;
/// Budget per run.
pub const MAX_BUDGET_PER_RUN_USD: f64 = 10_000_000.0;
/// Any single weight (scoring criteria, access-mix weights).
pub const MAX_WEIGHT: f64 = 1_000_000.0;

/// Entries kept in a review's audit trail (`submission.audit`); appending
/// beyond it drops the oldest. 500 entries at their largest (below) are
/// ~0.7 MB, inside [`MAX_REVIEW_BYTES`] with the rest of a review.
pub const MAX_AUDIT_ENTRIES: usize = 500;
/// An audit entry's summary ("weights.cost 0.2 → 0.3"), in characters.
pub const MAX_AUDIT_SUMMARY_CHARS: usize = 240;
/// Field paths one audit entry names.
pub const MAX_AUDIT_PATHS: usize = 8;
/// An audit entry's timestamp (RFC 3339 is ≤ 35 characters).
pub const MAX_AUDIT_TIME_CHARS: usize = 40;

/// Largest result document the page's import and `verify` accept: results
/// embed the review, the profile and the sweep (the example's is well under
/// 1 MiB).
pub const MAX_IMPORT_BYTES: usize = 8 << 20;
