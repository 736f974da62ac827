//! The deterministic result of a pass: what the data looks like.
//!
//! A [`DataProfile`] is a pure function of the review: byte-identical for
//! any lane, thread or worker count and any split of the sample into map
//! ranges, because it is derived once from merged integer tallies
//! ([`MapTally`], [`ReduceTally`]) and the deterministic state probes.

use serde::{Deserialize, Serialize};

use super::{
    lag_bin_upper_s, MapTally, PartitionLayout, Pipeline, ReduceTally, Scheme, Stage,
    PROFILE_SCHEMA_VERSION,
};
use crate::dedup::DedupWindow;
use crate::payload::PayloadProfile;
use crate::policy::{PolicyReport, Rule, HIGH_RISK_THRESHOLD};
use crate::review::PolicyMode;

/// What the data looks like: deterministic, fingerprinted by `data_digest`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DataProfile {
    pub schema_version: u32,
    /// Deliveries the pipeline ran (the sample, redeliveries included).
    pub events: u64,
    pub seed: u64,
    /// Payload bytes and rows of every delivery (what is read and decoded).
    pub total_bytes: u64,
    pub total_rows: u64,
    /// The payload stage's subsample: rows checked, invalid rows, bytes.
    pub payload: PayloadProfile,
    /// Redeliveries dropped by the dedup stage. The sections below it
    /// (quality … features) count the `dedup.unique_events` it kept.
    pub dedup: DedupProfile,
    pub quality: QualityProfile,
    pub lineage: LineageProfile,
    pub access: AccessProfile,
    pub partitioning: PartitioningProfile,
    /// Per-domain feature statistics, domains in id order (empty domains left out).
    pub features: Vec<DomainFeatures>,
    /// Working set of each stateful stage (today: dedup) at three densities
    /// of the batch; the other stages stream in constant memory.
    pub state: Vec<StageState>,
    /// SHA-256 (hex) of this document's canonical JSON ([`crate::digest`])
    /// without `data_digest`.
    pub data_digest: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QualityProfile {
    pub freshness_sla_s: f64,
    pub freshness_breaches: u64,
    pub freshness_breach_rate: f64,
    /// Lag quantiles, as upper edges of 1/8-octave histogram bins (≤ 9% high).
    pub freshness_p50_s: f64,
    pub freshness_p95_s: f64,
    pub freshness_p99_s: f64,
    pub schema_drift: u64,
    pub schema_drift_rate: f64,
    pub nulls: u64,
    pub null_rate: f64,
    pub out_of_range: u64,
    pub out_of_range_rate: f64,
    /// Events failing any quality check (including a freshness breach).
    pub failed_any: u64,
    pub failed_any_rate: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LineageProfile {
    pub expected_upstreams: u64,
    pub recorded_upstreams: u64,
    /// `recorded / expected` over all events (1 when nothing is expected).
    pub completeness: f64,
    /// Events missing at least one declared upstream.
    pub incomplete_events: u64,
    pub incomplete_rate: f64,
    /// Events that declare upstreams but recorded none.
    pub no_lineage_events: u64,
    /// Events of source datasets (no upstreams declared).
    pub source_events: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AccessProfile {
    pub high_risk_threshold: f64,
    pub rules: Vec<Rule>,
    pub deny_overrides: PolicyReport,
    pub allow_overrides: PolicyReport,
}

impl AccessProfile {
    pub fn report(&self, mode: PolicyMode) -> &PolicyReport {
        match mode {
            PolicyMode::DenyOverrides => &self.deny_overrides,
            PolicyMode::AllowOverrides => &self.allow_overrides,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PartitioningProfile {
    pub layout: PartitionLayout,
    pub schemes: Vec<SchemeLoad>,
}

impl PartitioningProfile {
    pub fn scheme(&self, scheme: Scheme) -> Option<&SchemeLoad> {
        self.schemes.iter().find(|s| s.scheme == scheme)
    }
}

/// Partition loads of one scheme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SchemeLoad {
    pub scheme: Scheme,
    pub partitions: u32,
    pub loads: Vec<PartitionLoad>,
    pub max_events: u64,
    pub median_events: f64,
    /// Straggler factor: `max / median` of events per partition (`null` when
    /// the median partition is empty).
    pub skew_max_over_median: Option<f64>,
    /// The same for bytes.
    pub bytes_skew_max_over_median: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PartitionLoad {
    pub partition: u32,
    pub events: u64,
    pub bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DomainFeatures {
    pub domain: u32,
    pub events: u64,
    pub share: f64,
    pub bytes_mean: f64,
    pub bytes_std: f64,
    pub freshness_mean_s: f64,
    pub freshness_std_s: f64,
    pub drift_share: f64,
}

fn rate(count: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        count as f64 / total as f64
    }
}

fn saturate(value: u128) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

/// Mean and population standard deviation from integer power sums.
fn moments(n: u64, sum: u128, sum_sq: u128) -> (f64, f64) {
    if n == 0 {
        return (0.0, 0.0);
    }
    let n_f = n as f64;
    let mean = sum as f64 / n_f;
    let variance = (sum_sq as f64 / n_f - mean * mean).max(0.0);
    (mean, libm::sqrt(variance))
}

fn median(sorted: &[u64]) -> f64 {
    let n = sorted.len();
    let upper = sorted.get(n / 2).copied().unwrap_or(0) as f64;
    if n % 2 == 1 {
        upper
    } else {
        let lower = sorted.get(n / 2 - 1).copied().unwrap_or(0) as f64;
        (lower + upper) / 2.0
    }
}

fn skew(values: impl Iterator<Item = u64>) -> (u64, f64, Option<f64>) {
    let mut sorted: Vec<u64> = values.collect();
    sorted.sort_unstable();
    let max = sorted.last().copied().unwrap_or(0);
    let median = median(&sorted);
    let ratio = if median > 0.0 {
        Some(max as f64 / median)
    } else {
        None
    };
    (max, median, ratio)
}

fn lag_quantile(histogram: &[u64], total: u64, q: f64) -> f64 {
    let target = (q * total as f64).ceil().max(1.0) as u64;
    let mut cumulative = 0;
    for (bin, count) in histogram.iter().enumerate() {
        cumulative += count;
        if cumulative >= target {
            return lag_bin_upper_s(bin);
        }
    }
    0.0
}

impl DataProfile {
    /// Derives the report from merged tallies and the state probes at the
    /// smaller densities ([`Pipeline::state_densities`]; the full sample's
    /// peak comes from `map`).
    pub fn from_tallies(
        pipeline: &Pipeline,
        map: &MapTally,
        reduce: &ReduceTally,
        probes: &[StatePoint],
    ) -> DataProfile {
        let n = map.unique_events;
        let q = &map.quality;
        let quality = QualityProfile {
            freshness_sla_s: f64::from(pipeline.freshness_sla_s),
            freshness_breaches: q.freshness_breaches,
            freshness_breach_rate: rate(q.freshness_breaches, n),
            freshness_p50_s: lag_quantile(&q.lag_histogram, n, 0.50),
            freshness_p95_s: lag_quantile(&q.lag_histogram, n, 0.95),
            freshness_p99_s: lag_quantile(&q.lag_histogram, n, 0.99),
            schema_drift: q.schema_drift,
            schema_drift_rate: rate(q.schema_drift, n),
            nulls: q.nulls,
            null_rate: rate(q.nulls, n),
            out_of_range: q.out_of_range,
            out_of_range_rate: rate(q.out_of_range, n),
            failed_any: q.failed_any,
            failed_any_rate: rate(q.failed_any, n),
        };
        let l = &map.lineage;
        let lineage = LineageProfile {
            expected_upstreams: l.expected,
            recorded_upstreams: l.recorded,
            completeness: if l.expected == 0 {
                1.0
            } else {
                rate(l.recorded, l.expected)
            },
            incomplete_events: l.incomplete_events,
            incomplete_rate: rate(l.incomplete_events, n),
            no_lineage_events: l.no_lineage_events,
            source_events: l.source_events,
        };
        let policies = &pipeline.policies;
        let access = AccessProfile {
            high_risk_threshold: f64::from(HIGH_RISK_THRESHOLD),
            rules: policies.rules.clone(),
            deny_overrides: map.policy.report(policies, PolicyMode::DenyOverrides),
            allow_overrides: map.policy.report(policies, PolicyMode::AllowOverrides),
        };
        let schemes = Scheme::ALL
            .iter()
            .zip(&reduce.partitions)
            .map(|(&scheme, loads)| {
                let (max_events, median_events, skew_events) = skew(loads.iter().map(|l| l.events));
                let (_, _, skew_bytes) = skew(loads.iter().map(|l| saturate(l.bytes)));
                SchemeLoad {
                    scheme,
                    partitions: loads.len() as u32,
                    loads: loads
                        .iter()
                        .enumerate()
                        .map(|(p, l)| PartitionLoad {
                            partition: p as u32,
                            events: l.events,
                            bytes: saturate(l.bytes),
                        })
                        .collect(),
                    max_events,
                    median_events,
                    skew_max_over_median: skew_events,
                    bytes_skew_max_over_median: skew_bytes,
                }
            })
            .collect();
        let features = reduce
            .features
            .iter()
            .enumerate()
            .filter(|(_, m)| m.events > 0)
            .map(|(domain, m)| {
                let (bytes_mean, bytes_std) = moments(m.events, m.bytes, m.bytes_sq);
                let (lag_mean_ms, lag_std_ms) = moments(m.events, m.lag_ms, m.lag_ms_sq);
                DomainFeatures {
                    domain: domain as u32,
                    events: m.events,
                    share: rate(m.events, reduce.events),
                    bytes_mean,
                    bytes_std,
                    freshness_mean_s: lag_mean_ms / 1e3,
                    freshness_std_s: lag_std_ms / 1e3,
                    drift_share: rate(m.drift, m.events),
                }
            })
            .collect();
        let window_s = pipeline.workload.dedup_window_s;
        let dedup = DedupProfile {
            window_s,
            window_events: pipeline.window_events(),
            deliveries: map.deliveries,
            redeliveries_dropped: map.redeliveries,
            unique_events: map.unique_events,
            redelivery_rate: rate(map.redeliveries, map.deliveries),
        };
        let full = StatePoint::new(
            map.deliveries,
            pipeline.window_events(),
            map.peak_window_entries,
        );
        let mut points: Vec<StatePoint> = probes.to_vec();
        points.push(full);
        let state = vec![StageState::new(Stage::Dedup, window_s, points)];
        let mut profile = DataProfile {
            schema_version: PROFILE_SCHEMA_VERSION,
            events: map.deliveries,
            seed: pipeline.seed,
            total_bytes: saturate(map.bytes),
            total_rows: map.rows,
            payload: PayloadProfile::from_tally(&pipeline.payload, &map.payload),
            dedup,
            quality,
            lineage,
            access,
            partitioning: PartitioningProfile {
                layout: pipeline.layout.clone(),
                schemes,
            },
            features,
            state,
            data_digest: String::new(),
        };
        profile.data_digest = profile.digest();
        profile
    }

    /// SHA-256 of the canonical JSON without `data_digest`.
    pub fn digest(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or_default();
        crate::digest::digest_without(&value, &["data_digest"])
    }
}

/// What the dedup stage dropped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DedupProfile {
    pub window_s: f64,
    /// Deliveries the window spans at the sample's density.
    pub window_events: u64,
    pub deliveries: u64,
    /// Deliveries whose id was delivered within the window before them.
    pub redeliveries_dropped: u64,
    /// Deliveries kept: what the later stages see.
    pub unique_events: u64,
    pub redelivery_rate: f64,
}

/// A stateful stage's peak working set at one density of the batch.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StatePoint {
    /// Deliveries over the batch window at this density.
    pub events: u64,
    /// Deliveries the window spans.
    pub window_events: u64,
    /// Most entries held after any delivery.
    pub peak_entries: u64,
    /// Bytes of the state at that size (table capacity × slot + ring).
    pub state_bytes: u64,
}

impl StatePoint {
    pub fn new(events: u64, window_events: u64, peak_entries: u64) -> StatePoint {
        StatePoint {
            events,
            window_events,
            peak_entries,
            state_bytes: DedupWindow::state_bytes(window_events),
        }
    }
}

/// `entries = intercept_entries + entries_per_event · events`, least squares.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StateFit {
    pub intercept_entries: f64,
    pub entries_per_event: f64,
    /// Coefficient of determination (1 when every point lies on the line).
    pub r2: f64,
}

impl StateFit {
    /// The least-squares line through `(events, peak_entries)`; a single
    /// density (all `events` equal) gives a flat line through the mean.
    pub fn of(points: &[StatePoint]) -> StateFit {
        let n = points.len().max(1) as f64;
        let mean_x = points.iter().map(|p| p.events as f64).sum::<f64>() / n;
        let mean_y = points.iter().map(|p| p.peak_entries as f64).sum::<f64>() / n;
        let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
        for p in points {
            let (dx, dy) = (p.events as f64 - mean_x, p.peak_entries as f64 - mean_y);
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
        let intercept = mean_y - slope * mean_x;
        let residual: f64 = points
            .iter()
            .map(|p| {
                let e = p.peak_entries as f64 - (intercept + slope * p.events as f64);
                e * e
            })
            .sum();
        let r2 = if syy > 0.0 {
            (1.0 - residual / syy).clamp(0.0, 1.0)
        } else if residual <= 0.0 {
            1.0
        } else {
            0.0
        };
        StateFit {
            intercept_entries: intercept,
            entries_per_event: slope,
            r2,
        }
    }

    /// Entries at `events` deliveries over the batch window.
    pub fn entries_at(&self, events: f64) -> f64 {
        (self.intercept_entries + self.entries_per_event * events).max(0.0)
    }
}

/// The working set of one stateful stage as a function of volume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StageState {
    pub stage: Stage,
    /// The window the state spans, in event time.
    pub window_s: f64,
    /// Peaks at a quarter, a half and all of the sample's density, in that
    /// order (the last from the pipeline pass, the others from dedup-only
    /// probes over generated ids).
    pub points: Vec<StatePoint>,
    /// State bytes per entry at the full sample (`state_bytes / peak_entries`).
    pub bytes_per_entry: f64,
    /// The line through the points: the working set at any volume is
    /// `fit.entries_at(N) · bytes_per_entry`.
    pub fit: StateFit,
}

impl StageState {
    pub fn new(stage: Stage, window_s: f64, points: Vec<StatePoint>) -> StageState {
        let bytes_per_entry = points.last().map_or(0.0, |p| {
            if p.peak_entries == 0 {
                0.0
            } else {
                p.state_bytes as f64 / p.peak_entries as f64
            }
        });
        StageState {
            stage,
            window_s,
            fit: StateFit::of(&points),
            points,
            bytes_per_entry,
        }
    }
}
