//! Published bounds on every review input.
//!
//! [`crate::review::Review::validate`] enforces them and quotes them in its
//! messages; the app shows them next to the fields. They exist so that a typo
//! (`nodes: 80000`) is reported instead of freezing the page, and so that every
//! run fits in a browser tab's memory and time budget.

/// Largest review document accepted by [`crate::review::Review::from_json`].
pub const MAX_REVIEW_BYTES: usize = 1 << 20;

/// Production events per run (`workload.events`): the volume the decision is
/// about. It is projected, never simulated, so it may be far beyond what a
/// tab can run.
pub const MAX_PRODUCTION_EVENTS: u64 = 1_000_000_000_000;
/// Events the pipeline really runs (`workload.sample_events`). At ~10 M
/// events/s per thread this is seconds natively and under a minute in wasm;
/// beyond it, project instead of simulate.
pub const MAX_SAMPLE_EVENTS: u64 = 200_000_000;
/// `workload.sample_events` when a document does not say (and for documents
/// of schema version 1): `min(events, DEFAULT_SAMPLE_EVENTS)`.
pub const DEFAULT_SAMPLE_EVENTS: u64 = 2_000_000;
/// Deliveries the profiler's deduplication window may hold
/// (`sample_events · dedup_window_s / batch_window_s`): 4 Mi ids are 32 MiB
/// of ids in the ring plus 32 MiB of open-addressing table per lane, which a
/// tab with a few lanes still holds.
pub const MAX_DEDUP_WINDOW_EVENTS: u64 = 4 << 20;
/// Share of deliveries that are redeliveries: beyond one half a delivery is
/// more often a retry than not — a broken consumer, not a design.
pub const MAX_DUPLICATE_RATE: f64 = 0.5;
/// Bytes of one cached entry: at least a key and a version stamp, at most a
/// large feature row (an embedding of 256 Ki float32).
pub const MIN_CACHE_ENTRY_BYTES: u64 = 64;
pub const MAX_CACHE_ENTRY_BYTES: u64 = 1 << 20;
/// Largest seed: 2⁵³ − 1. Every integer up to it is exactly a double, so a
/// seed survives any reader that holds JSON numbers as doubles (JavaScript's
/// `JSON.parse`, spreadsheets, Python's `json` once a value passes through a
/// float); above it, `9007199254740993` reads back as `…992` and replays a
/// different run (and the canonical JSON of [`crate::digest`] agrees with
/// RFC 8785 on every seed).
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// "New seed" draws below this: twelve digits are easy to read back and
/// copy, and far inside [`MAX_SEED`].
pub const NEW_SEED_SPAN: u64 = 1_000_000_000_000;

/// A seed as a person types it: white space (thin and no-break spaces
/// included) and `_` as digit-group separators are ignored; the rest must be a whole number from
/// 0 to [`MAX_SEED`]. The error says what is allowed and quotes the text.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    let cleaned: String = text
        .chars()
        .filter(|c| !(c.is_whitespace() || *c == '_'))
        .collect();
    match cleaned.parse::<u64>() {
        Ok(seed) if seed <= MAX_SEED => Ok(seed),
        _ => Err(format!(
            "must be a whole number from 0 to {MAX_SEED} (2^53 − 1), got “{}”",
            text.trim()
        )),
    }
}

/// The seed "New seed" makes of 64 random bits: below [`NEW_SEED_SPAN`].
pub fn seed_from_random_bits(bits: u64) -> u64 {
    bits % NEW_SEED_SPAN
}

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

/// Charts embedded in one notebook export.
pub const MAX_CHARTS: usize = 16;
/// One chart's PNG in base64 (~6 MB of image).
pub const MAX_CHART_PNG_BASE64_CHARS: usize = 8 << 20;

/// Per-core speed of a design's nodes relative to the calibration machine:
/// a tenth to ten times (the spread between an old laptop core and a current
/// server core is about 3×).
pub const MIN_CORE_SPEED_FACTOR: f64 = 0.1;
pub const MAX_CORE_SPEED_FACTOR: f64 = 10.0;
/// Share of node memory usable by the pipeline and its caches.
pub const MIN_USABLE_MEMORY_FRACTION: f64 = 0.05;
pub const MAX_USABLE_MEMORY_FRACTION: f64 = 0.95;
/// Disk and store bandwidths, MB/s: 1 MB/s (a throttled volume) up to
/// 100 GB/s per node (striped NVMe).
pub const MIN_BANDWIDTH_MB_PER_S: f64 = 1.0;
pub const MAX_BANDWIDTH_MB_PER_S: f64 = 100_000.0;
/// Aggregate store throughput, MB/s: up to 10 TB/s.
pub const MAX_STORE_MB_PER_S: f64 = 10_000_000.0;
/// Round trips, ms: 1 µs (in-process) to 10 s (a stalled service).
pub const MIN_LATENCY_MS: f64 = 0.001;
pub const MAX_LATENCY_MS: f64 = 10_000.0;
/// Keys per batched look-up.
pub const MAX_LOOKUP_BATCH_KEYS: u32 = 100_000;
/// Look-ups a node keeps in flight.
pub const MAX_LOOKUP_CONCURRENCY: u32 = 100_000;
/// CPU cost of exchanging one byte, ns (a copy is ~0.1 ns/byte; 1 µs/byte
/// is a pathological serialiser).
pub const MAX_EXCHANGE_NS_PER_BYTE: f64 = 1_000.0;
/// Coherency κ of a stated scalability law.
pub const MAX_USL_KAPPA: f64 = 1.0;
/// Billing step: per second at the finest.
pub const MIN_BILLING_GRANULARITY_S: f64 = 1.0;
/// The SLA's accepted probability of missing the deadline: from one run in
/// ten thousand to one in two.
pub const MIN_MISS_TOLERANCE: f64 = 0.0001;
pub const MAX_MISS_TOLERANCE: f64 = 0.5;
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_parse_up_to_max_seed_with_separators() {
        let check = |text: &str, expected: Result<u64, ()>| {
            assert_eq!(parse_seed(text).map_err(|_| ()), expected, "{text:?}");
        };
        check("20240904", Ok(20_240_904));
        check(" 20 240 904 ", Ok(20_240_904));
        check("20_240_904", Ok(20_240_904));
        check("20\u{2009}240\u{a0}904", Ok(20_240_904));
        check("0", Ok(0));
        check("9007199254740991", Ok(MAX_SEED));
        check("9007199254740992", Err(()));
        check(&u64::MAX.to_string(), Err(()));
        check("18446744073709551616", Err(()));
        check("-1", Err(()));
        check("1e6", Err(()));
        check("", Err(()));
        let message = parse_seed(" 12x ").unwrap_err();
        assert!(message.contains("9007199254740991"), "{message}");
        assert!(message.contains("“12x”"), "{message}");
    }

    #[test]
    fn max_seed_is_the_largest_integer_a_double_holds_exactly() {
        assert_eq!(MAX_SEED, 9_007_199_254_740_991);
        assert_eq!(MAX_SEED as f64 as u64, MAX_SEED);
        // One above is still exact, two above is not: reading 2^53 + 1 as a
        // double gives 2^53, so the limit stops one short of any collision.
        assert_ne!((MAX_SEED + 2) as f64 as u64, MAX_SEED + 2);
    }

    #[test]
    fn new_seeds_stay_in_range() {
        for bits in [0, 1, NEW_SEED_SPAN - 1, NEW_SEED_SPAN, u64::MAX] {
            let seed = seed_from_random_bits(bits);
            assert!(seed < NEW_SEED_SPAN, "{bits} → {seed}");
        }
        assert_eq!(seed_from_random_bits(NEW_SEED_SPAN + 7), 7);
        const { assert!(NEW_SEED_SPAN <= MAX_SEED) };
    }
}
