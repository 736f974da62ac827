//! A look at the synthetic data before any run: the first events as table
//! rows, and the distributions of their freshness, size, lineage
//! completeness, access risk and quality defects over a strided sample of the
//! whole batch.
//!
//! Everything here is a pure function of `(workload, seed)` and reads the
//! same [`EventGenerator`] as the pipeline, so the rows are exactly what
//! `scalewise events REVIEW.json --limit N` prints and what a run ingests.
//! The workbench's Data step shows it (computed in the engine worker).

use serde::{Deserialize, Serialize};

use crate::events::{Event, EventGenerator};
use crate::policy::HIGH_RISK_THRESHOLD;
use crate::review::{Action, Role, Sensitivity, ValidationErrors, Workload};

/// Most event rows one sample returns (a table, not an export).
pub const MAX_SAMPLE_ROWS: u32 = 1_000;
/// Events the distributions are computed from (strided over the batch).
pub const HISTOGRAM_EVENTS: u64 = 50_000;
/// Bins of each continuous histogram.
pub const HISTOGRAM_BINS: usize = 24;
/// Bins of the access-risk and lineage histograms over `[0, 1]`.
pub const UNIT_BINS: usize = 20;
/// Time buckets of the quality-defect series.
pub const TIME_BUCKETS: usize = 12;
/// Log-normal histograms span the median · e^(±SPAN_SIGMAS·σ).
const SPAN_SIGMAS: f64 = 3.5;

/// One event, as a table row (names are the JSON spellings).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    /// Position of the delivery in the sample.
    pub index: u64,
    /// The event's id: a redelivery repeats its original's.
    pub event_id: u64,
    pub timestamp_s: f64,
    pub pipeline_id: u32,
    pub dataset_id: u32,
    pub domain: u32,
    pub rows: u32,
    pub bytes: u64,
    pub freshness_lag_s: f32,
    pub schema_version: u16,
    pub schema_drift: bool,
    pub lineage_recorded: u8,
    pub lineage_expected: u8,
    pub has_nulls: bool,
    pub out_of_range: bool,
    pub role: Role,
    pub sensitivity: Sensitivity,
    pub action: Action,
    pub access_risk: f32,
}

impl From<&Event> for EventRow {
    fn from(e: &Event) -> Self {
        EventRow {
            index: e.index,
            event_id: e.event_id,
            timestamp_s: e.timestamp_s,
            pipeline_id: e.pipeline_id,
            dataset_id: e.dataset_id,
            domain: e.domain,
            rows: e.rows,
            bytes: e.bytes,
            freshness_lag_s: e.freshness_lag_s,
            schema_version: e.schema_version,
            schema_drift: e.schema_drift,
            lineage_recorded: e.lineage_recorded,
            lineage_expected: e.lineage_expected,
            has_nulls: e.has_nulls,
            out_of_range: e.out_of_range,
            role: e.role,
            sensitivity: e.sensitivity,
            action: e.action,
            access_risk: e.access_risk,
        }
    }
}

/// Counts per bin; bin `k` is `[edges[k], edges[k + 1])`, the last bin also
/// holds its upper edge. Values beyond the end edges are counted in the end
/// bins (`clamped` says how many were).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// `counts.len() + 1` ascending edges.
    pub edges: Vec<f64>,
    pub counts: Vec<u64>,
    /// Whether the edges are spaced logarithmically.
    pub log: bool,
    /// Values outside `[first edge, last edge]`, counted in the end bins.
    pub clamped: u64,
}

impl Histogram {
    fn linear(min: f64, max: f64, bins: usize) -> Histogram {
        let bins = bins.max(1);
        let edges = (0..=bins)
            .map(|k| min + (max - min) * k as f64 / bins as f64)
            .collect();
        Histogram {
            edges,
            counts: vec![0; bins],
            log: false,
            clamped: 0,
        }
    }

    fn logarithmic(min: f64, max: f64, bins: usize) -> Histogram {
        let bins = bins.max(1);
        let (lo, hi) = (libm::log(min), libm::log(max));
        let edges = (0..=bins)
            .map(|k| libm::exp(lo + (hi - lo) * k as f64 / bins as f64))
            .collect();
        Histogram {
            edges,
            counts: vec![0; bins],
            log: true,
            clamped: 0,
        }
    }

    /// A histogram of a log-normal variable with this median and log-sigma,
    /// widened to include `include` (e.g. the SLA) with a factor of 2 to spare.
    fn for_log_normal(median: f64, sigma: f64, include: Option<f64>, bins: usize) -> Histogram {
        let median = if median.is_finite() && median > 0.0 {
            median
        } else {
            1.0
        };
        let spread = if sigma.is_finite() && sigma > 0.0 {
            libm::exp(SPAN_SIGMAS * sigma)
        } else {
            2.0
        };
        let (mut min, mut max) = (median / spread, median * spread);
        if let Some(x) = include.filter(|x| x.is_finite() && *x > 0.0) {
            min = min.min(x / 2.0);
            max = max.max(x * 2.0);
        }
        Histogram::logarithmic(min, max, bins)
    }

    fn add(&mut self, value: f64) {
        let bins = self.counts.len();
        let (Some(&first), Some(&last)) = (self.edges.first(), self.edges.last()) else {
            return;
        };
        if !(first..=last).contains(&value) {
            self.clamped += 1;
        }
        let position = if self.log {
            if value <= 0.0 || first <= 0.0 {
                0.0
            } else {
                libm::log(value / first) / libm::log(last / first)
            }
        } else if last > first {
            (value - first) / (last - first)
        } else {
            0.0
        };
        let bin = if position.is_nan() || position <= 0.0 {
            0
        } else {
            ((position * bins as f64) as usize).min(bins - 1)
        };
        if let Some(count) = self.counts.get_mut(bin) {
            *count += 1;
        }
    }

    /// Events counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Quality defects in one slice of the batch window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeBucket {
    /// Event time at the start and end of the slice.
    pub from_s: f64,
    pub to_s: f64,
    pub events: u64,
    pub schema_drift: u64,
    pub nulls: u64,
    pub out_of_range: u64,
    pub freshness_breaches: u64,
}

/// Shares over the histogram sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SampleSummary {
    pub freshness_sla_s: f64,
    pub freshness_breach_share: f64,
    pub schema_drift_share: f64,
    pub null_share: f64,
    pub out_of_range_share: f64,
    /// Recorded over declared upstreams, over all events.
    pub lineage_completeness: f64,
    /// Events of source datasets (no declared upstreams).
    pub source_share: f64,
    pub high_risk_threshold: f64,
    pub high_risk_share: f64,
    pub bytes_mean: f64,
}

/// The Data step's view of a workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventSample {
    pub seed: u64,
    /// Deliveries of the profiled sample (`workload.sample_events`): what the
    /// pipeline runs.
    pub events_in_run: u64,
    /// The first events of the run.
    pub rows: Vec<EventRow>,
    /// Events the distributions below summarise (strided over the run).
    pub histogram_events: u64,
    /// Freshness lag, seconds (log bins).
    pub freshness_lag_s: Histogram,
    /// Payload per event, bytes (log bins).
    pub bytes: Histogram,
    /// Per event with declared upstreams: the share recorded in lineage.
    pub lineage_completeness: Histogram,
    pub access_risk: Histogram,
    pub quality_over_time: Vec<TimeBucket>,
    pub summary: SampleSummary,
}

/// The first `rows` events (at most [`MAX_SAMPLE_ROWS`]) and the
/// distributions over [`HISTOGRAM_EVENTS`] events strided over the run.
/// Refuses an invalid workload with the same field errors as
/// [`crate::review::Review::validate`].
pub fn sample(workload: &Workload, seed: u64, rows: u32) -> Result<EventSample, ValidationErrors> {
    workload.check()?;
    let generator = EventGenerator::new(workload, seed);
    let events = generator.events();
    let row_count = u64::from(rows.min(MAX_SAMPLE_ROWS)).min(events);
    let rows: Vec<EventRow> = (0..row_count)
        .map(|i| EventRow::from(&generator.event(i)))
        .collect();

    let n = HISTOGRAM_EVENTS.min(events).max(1);
    let sla = workload.freshness_sla_s;
    let mut freshness = Histogram::for_log_normal(
        workload.freshness_median_s,
        workload.freshness_sigma,
        Some(sla),
        HISTOGRAM_BINS,
    );
    let bytes_median =
        workload.bytes_per_event * libm::exp(-0.5 * workload.bytes_sigma * workload.bytes_sigma);
    let mut bytes = Histogram::for_log_normal(
        bytes_median,
        workload.bytes_sigma,
        Some(workload.bytes_per_event),
        HISTOGRAM_BINS,
    );
    let mut lineage = Histogram::linear(0.0, 1.0, UNIT_BINS);
    let mut risk = Histogram::linear(0.0, 1.0, UNIT_BINS);
    let window = workload.batch_window_s;
    let mut buckets: Vec<TimeBucket> = (0..TIME_BUCKETS)
        .map(|k| TimeBucket {
            from_s: window * k as f64 / TIME_BUCKETS as f64,
            to_s: window * (k + 1) as f64 / TIME_BUCKETS as f64,
            events: 0,
            schema_drift: 0,
            nulls: 0,
            out_of_range: 0,
            freshness_breaches: 0,
        })
        .collect();
    let (mut breaches, mut drift, mut nulls, mut out_of_range) = (0u64, 0u64, 0u64, 0u64);
    let (mut expected, mut recorded, mut sources, mut high_risk) = (0u64, 0u64, 0u64, 0u64);
    let mut bytes_sum = 0.0;
    for k in 0..n {
        // Strided over the whole run, so the sample spans the batch window.
        let index = (u128::from(k) * u128::from(events) / u128::from(n)) as u64;
        let event = generator.event(index);
        let lag = f64::from(event.freshness_lag_s);
        freshness.add(lag);
        bytes.add(event.bytes as f64);
        bytes_sum += event.bytes as f64;
        risk.add(f64::from(event.access_risk));
        if event.lineage_expected == 0 {
            sources += 1;
        } else {
            lineage.add(f64::from(event.lineage_recorded) / f64::from(event.lineage_expected));
        }
        expected += u64::from(event.lineage_expected);
        recorded += u64::from(event.lineage_recorded);
        let breach = lag > sla;
        breaches += u64::from(breach);
        drift += u64::from(event.schema_drift);
        nulls += u64::from(event.has_nulls);
        out_of_range += u64::from(event.out_of_range);
        high_risk += u64::from(event.access_risk > HIGH_RISK_THRESHOLD);
        let bucket = ((k as usize) * TIME_BUCKETS / n as usize).min(TIME_BUCKETS - 1);
        if let Some(b) = buckets.get_mut(bucket) {
            b.events += 1;
            b.schema_drift += u64::from(event.schema_drift);
            b.nulls += u64::from(event.has_nulls);
            b.out_of_range += u64::from(event.out_of_range);
            b.freshness_breaches += u64::from(breach);
        }
    }
    let share = |count: u64| count as f64 / n as f64;
    let summary = SampleSummary {
        freshness_sla_s: sla,
        freshness_breach_share: share(breaches),
        schema_drift_share: share(drift),
        null_share: share(nulls),
        out_of_range_share: share(out_of_range),
        lineage_completeness: if expected == 0 {
            1.0
        } else {
            recorded as f64 / expected as f64
        },
        source_share: share(sources),
        high_risk_threshold: f64::from(HIGH_RISK_THRESHOLD),
        high_risk_share: share(high_risk),
        bytes_mean: bytes_sum / n as f64,
    };
    Ok(EventSample {
        seed,
        events_in_run: events,
        rows,
        histogram_events: n,
        freshness_lag_s: freshness,
        bytes,
        lineage_completeness: lineage,
        access_risk: risk,
        quality_over_time: buckets,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{events_csv, write_csv_row};
    use crate::review::Review;

    fn example() -> (Workload, u64) {
        let review = Review::example();
        (review.workload, review.seed)
    }

    #[test]
    fn rows_are_the_first_events_of_the_run() {
        let (workload, seed) = example();
        let sample = sample(&workload, seed, 25).unwrap();
        assert_eq!(sample.rows.len(), 25);
        assert_eq!(sample.events_in_run, workload.sample_events);
        // The same events the CLI's `events` command prints.
        let generator = EventGenerator::new(&workload, seed);
        let csv = events_csv(&generator, 25);
        let mut mine = String::new();
        for (i, row) in sample.rows.iter().enumerate() {
            assert_eq!(row.index, i as u64);
            write_csv_row(&generator.event(row.index), &mut mine);
            assert_eq!(row, &EventRow::from(&generator.event(i as u64)));
        }
        assert!(csv.ends_with(&mine));
    }

    #[test]
    fn is_deterministic_and_depends_on_the_seed() {
        let (workload, seed) = example();
        let a = sample(&workload, seed, 10).unwrap();
        assert_eq!(a, sample(&workload, seed, 10).unwrap());
        let b = sample(&workload, seed + 1, 10).unwrap();
        assert_ne!(a.rows, b.rows);
        assert_ne!(a.freshness_lag_s, b.freshness_lag_s);
    }

    #[test]
    fn histograms_count_every_sampled_event() {
        let (workload, seed) = example();
        let s = sample(&workload, seed, 0).unwrap();
        assert!(s.rows.is_empty());
        assert_eq!(s.histogram_events, HISTOGRAM_EVENTS);
        assert_eq!(s.freshness_lag_s.total(), HISTOGRAM_EVENTS);
        assert_eq!(s.bytes.total(), HISTOGRAM_EVENTS);
        assert_eq!(s.access_risk.total(), HISTOGRAM_EVENTS);
        let sources = (s.summary.source_share * HISTOGRAM_EVENTS as f64).round() as u64;
        assert_eq!(s.lineage_completeness.total() + sources, HISTOGRAM_EVENTS);
        let in_buckets: u64 = s.quality_over_time.iter().map(|b| b.events).sum();
        assert_eq!(in_buckets, HISTOGRAM_EVENTS);
        assert_eq!(s.quality_over_time.len(), TIME_BUCKETS);
        for h in [&s.freshness_lag_s, &s.bytes] {
            assert_eq!(h.edges.len(), HISTOGRAM_BINS + 1);
            assert!(h.edges.windows(2).all(|w| w[0] < w[1]));
            assert!(h.log);
        }
        // ±3.5σ leaves only the far tails outside.
        assert!(s.freshness_lag_s.clamped < HISTOGRAM_EVENTS / 500);
    }

    #[test]
    fn shares_follow_the_workload() {
        let (workload, seed) = example();
        let s = sample(&workload, seed, 0).unwrap().summary;
        // The example's comments: ~2.3% breach a 1 h SLA with median 10 min, σ 0.9.
        assert!((s.freshness_breach_share - 0.023).abs() < 0.004, "{s:?}");
        assert!((s.null_share - workload.null_rate).abs() < 0.003, "{s:?}");
        assert!((s.schema_drift_share - workload.schema_drift_rate).abs() < 0.001);
        // Recorded lineage misses lineage_missing_rate of the declared edges.
        assert!((s.lineage_completeness - (1.0 - workload.lineage_missing_rate)).abs() < 0.003);
        // Mean payload is the workload's mean (log-normal around it).
        assert!(
            (s.bytes_mean / workload.bytes_per_event - 1.0).abs() < 0.05,
            "{s:?}"
        );
        assert!(s.high_risk_share > 0.0 && s.high_risk_share < 1.0);
    }

    #[test]
    fn the_sla_is_inside_the_freshness_range() {
        let (mut workload, seed) = example();
        workload.freshness_sla_s = 20.0 * 86_400.0;
        let h = sample(&workload, seed, 0).unwrap().freshness_lag_s;
        assert!(*h.edges.last().unwrap() >= workload.freshness_sla_s);
    }

    #[test]
    fn small_runs_and_degenerate_spreads_work() {
        let (mut workload, seed) = example();
        workload.events = 7;
        workload.sample_events = 7;
        workload.freshness_sigma = 0.0;
        workload.bytes_sigma = 0.0;
        workload.lineage_expected_upstreams = 0;
        let s = sample(&workload, seed, 500).unwrap();
        assert_eq!(s.rows.len(), 7);
        assert_eq!(s.histogram_events, 7);
        assert_eq!(s.freshness_lag_s.total(), 7);
        assert_eq!(s.summary.source_share, 1.0);
        assert_eq!(s.summary.lineage_completeness, 1.0);
        assert_eq!(s.lineage_completeness.total(), 0);
    }

    #[test]
    fn rows_are_capped() {
        let (workload, seed) = example();
        let s = sample(&workload, seed, u32::MAX).unwrap();
        assert_eq!(s.rows.len(), MAX_SAMPLE_ROWS as usize);
    }

    #[test]
    fn invalid_workloads_are_refused_with_field_paths() {
        let (mut workload, seed) = example();
        workload.domains = 0;
        workload.null_rate = 2.0;
        let errors = sample(&workload, seed, 10).unwrap_err().0;
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["workload.domains", "workload.null_rate"]);
    }

    #[test]
    fn histogram_bins_values_and_clamps_outliers() {
        let mut h = Histogram::linear(0.0, 1.0, 4);
        for v in [0.0, 0.24, 0.25, 0.99, 1.0, -3.0, 7.0, f64::NAN] {
            h.add(v);
        }
        assert_eq!(h.counts, vec![4, 1, 0, 3]);
        assert_eq!(h.clamped, 3);
        let mut log = Histogram::logarithmic(1.0, 10_000.0, 4);
        for v in [1.0, 9.0, 11.0, 999.0, 1_001.0, 10_000.0, 0.0] {
            log.add(v);
        }
        assert_eq!(log.counts, vec![3, 1, 1, 2]);
        assert_eq!(log.clamped, 1);
    }
}
