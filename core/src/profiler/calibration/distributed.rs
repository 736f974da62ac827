//! The distributed section of a calibration document: the review's pipeline
//! measured on a real distributed engine by `scalewise cluster` (timely
//! dataflow, P processes × W worker threads, records exchanged over TCP).
//!
//! Pure data and its validation; the core never runs the engine. What each
//! field measures, and how, is documented on the field; the units are in the
//! names. Every time is a wall-clock or CPU measurement with its spread over
//! the passes (`Spread`); every count is exact (the routing is deterministic,
//! so counts are equal in every pass).
//!
//! [`Cost`] — the smallest layout whose median throughput beats Scalewise's
//! own pipeline on one thread over the same events (McSherry, Isard and
//! Murray's COST) — is a pure function of the points and the baseline
//! ([`Cost::from_points`]); validation checks that the recorded one follows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::limits;
use crate::profiler::{Scheme, Stage};
use crate::review::{FieldError, Review, ValidationErrors};

/// Version of [`DistributedCalibration`].
pub const DISTRIBUTED_SCHEMA_VERSION: u32 = 1;

/// Most processes, and most worker threads per process, a point may have.
pub const MAX_PROCESSES: u32 = 1_024;
pub const MAX_WORKERS_PER_PROCESS: u32 = 1_024;
/// Most measured layouts in one document.
pub const MAX_POINTS: usize = 4_096;

/// The distributed measurements of one review's pipeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DistributedCalibration {
    pub schema_version: u32,
    /// The engine and its version, e.g. `timely 0.32.0`.
    pub engine: String,
    /// The alternative (its `option`) whose partitioning keyed the shuffle.
    pub shuffle_alternative: String,
    /// That alternative's partitioning scheme: records go to worker
    /// `partition mod (P·W)`.
    pub shuffle_scheme: Scheme,
    /// Deliveries in every pipeline pass: the review's sample
    /// (`workload.sample_events`).
    pub events: u64,
    /// Bytes of one record as serialised between processes (timely's bincode
    /// encoding of one routed record: the event's partition under every
    /// scheme, its domain, drift flag, bytes and lag), without timely's
    /// message framing.
    pub record_bytes: u32,
    /// SHA-256 (hex) of the review's canonical JSON; every process compared
    /// it with the others' before the first pass.
    pub review_digest: String,
    /// The data profile's digest: produced by every pass of every point and
    /// equal to the single-process pipeline's (`scalewise run`).
    pub data_digest: String,
    /// Scalewise's own pipeline on one thread over the same events, measured
    /// in the same command: COST's reference.
    pub baseline: Baseline,
    /// One per measured layout, ordered by threads (`P·W`), then processes.
    pub points: Vec<DistributedPoint>,
    pub cost: Cost,
}

/// Several measurements of one quantity.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Spread {
    pub samples: u32,
    /// The middle sample (the mean of the two middle ones for an even count).
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    /// The spread of `samples`; `None` when there are none or one is not a
    /// finite number.
    pub fn of(samples: &[f64]) -> Option<Spread> {
        if samples.is_empty() || samples.iter().any(|s| !s.is_finite()) {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let upper = *sorted.get(n / 2)?;
        let median = if n % 2 == 1 {
            upper
        } else {
            (sorted.get(n / 2 - 1)? + upper) / 2.0
        };
        Some(Spread {
            samples: u32::try_from(n).unwrap_or(u32::MAX),
            median,
            min: *sorted.first()?,
            max: *sorted.last()?,
        })
    }
}

/// The single-threaded native pipeline (the calibration's `Pass` with one
/// lane), timed from the first chunk to the data profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Where it ran (the host of process 0).
    pub host: String,
    /// Always 1.
    pub threads: u32,
    pub wall_s: Spread,
    /// `events / wall_s` of each pass.
    pub events_per_s: Spread,
    /// CPU seconds the thread ran in each pass (`null` when the OS does not
    /// report per-thread CPU time): on a shared machine, what the pass got.
    pub cpu_s: Option<Spread>,
}

/// One layout: `processes` × `workers_per_process` timely workers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DistributedPoint {
    pub processes: u32,
    pub workers_per_process: u32,
    /// The host of each process (its address in the hostfile), in process
    /// order.
    pub hosts: Vec<String>,
    /// One pipeline pass, timed by worker 0: from its first chunk to the
    /// merged data profile (map side, shuffle, keyed reduce, the partial
    /// tallies' exchange to worker 0 and the merge).
    pub wall_s: Spread,
    /// `events / wall_s` of each pass.
    pub events_per_s: Spread,
    /// CPU seconds of all worker threads in each pass, summed (each worker
    /// from its first chunk to its partial tally's send; `null` when the OS
    /// does not report per-thread CPU time). timely's communication threads
    /// (socket reads and writes) are not included.
    pub worker_cpu_s: Option<Spread>,
    /// Seconds in each stage summed over all workers (median over the
    /// passes), timed around each stage's call on the worker's thread like
    /// the native profiler's stage costs (on a loaded machine this includes
    /// time the thread waited for a CPU). Ingest … access policy run where
    /// the events are generated; aggregate and features where the shuffle
    /// sent them.
    pub stage_cpu_s: BTreeMap<Stage, f64>,
    /// Seconds the workers spent in timely's scheduler other than in the
    /// keyed stages — exchange, (de)serialisation, progress tracking, waiting
    /// for peers — summed over workers (median over the passes).
    pub engine_s: f64,
    /// What one pipeline pass exchanged (equal in every pass).
    pub shuffle: ShuffleCounts,
    /// The exchange alone, without stage work.
    pub exchange: ExchangeMeasurement,
    /// The cost of one progress round among all workers, without data.
    pub coordination: CoordinationMeasurement,
    /// Process start → every process connected to every other (the slowest
    /// process), once per point.
    pub connect_s: f64,
    /// TCP bytes each process sent during the whole session (every dataflow:
    /// data, timely's framing and progress messages), from timely's
    /// communication log; `null` for a process whose count the writer did
    /// not see (another host, in hostfile mode).
    pub tcp_bytes_sent: Vec<Option<u64>>,
}

/// Counts of one pipeline pass's exchanges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ShuffleCounts {
    /// Records through the shuffle: every delivery that survived dedup, once.
    pub records: u64,
    /// Of those, records sent to another worker (thread or process).
    pub records_to_other_workers: u64,
    /// Of those, records sent to a worker of another process (serialised,
    /// over TCP).
    pub records_to_other_processes: u64,
    /// `records_to_other_processes · record_bytes`.
    pub bytes_to_other_processes: u64,
    /// Serialised bytes of the partial tallies that other processes sent to
    /// worker 0 for the merge.
    pub merge_bytes_to_other_processes: u64,
}

/// Pre-generated events pushed through the same exchange, with no stage
/// work on either side: what moving records costs on this network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExchangeMeasurement {
    /// Records per pass (the first `min(events, 2^20)` events).
    pub records: u64,
    pub records_to_other_processes: u64,
    /// `records_to_other_processes · record_bytes`.
    pub bytes_to_other_processes: u64,
    /// Worker 0's wall time from its first record to every worker's last.
    pub wall_s: Spread,
    /// `records / wall_s` of each pass.
    pub records_per_s: Spread,
    /// `bytes_to_other_processes / wall_s` of each pass; `null` at one
    /// process (nothing crosses a process boundary).
    pub bytes_per_s: Option<Spread>,
    /// Median `wall_s / bytes_to_other_processes`: the exchange cost per
    /// byte between processes; `null` at one process.
    pub s_per_byte: Option<f64>,
    /// Median `wall_s / records`. Records have a fixed size, so this and
    /// `s_per_byte` come from the same passes and cannot separate a
    /// per-record cost from a per-byte one.
    pub s_per_record: f64,
}

/// Empty rounds: every worker advances its input by one epoch and waits
/// until the frontier shows that every worker has.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CoordinationMeasurement {
    pub rounds: u32,
    /// Wall time of one round at worker 0.
    pub round_s: Spread,
}

/// COST: the smallest layout that beats one native thread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "outcome", rename_all = "snake_case", deny_unknown_fields)]
pub enum Cost {
    /// The first layout (fewest threads, then fewest processes) whose median
    /// events/s exceeds the baseline's median.
    Reached {
        processes: u32,
        workers_per_process: u32,
        threads: u32,
        events_per_s: f64,
        baseline_events_per_s: f64,
    },
    /// No measured layout did; `up_to_threads` is the largest measured.
    NotReached {
        up_to_threads: u32,
        best_processes: u32,
        best_workers_per_process: u32,
        best_events_per_s: f64,
        baseline_events_per_s: f64,
    },
}

impl Cost {
    /// COST from the measured points (in any order) and the baseline,
    /// comparing medians.
    pub fn from_points(baseline: &Baseline, points: &[DistributedPoint]) -> Cost {
        let reference = baseline.events_per_s.median;
        let mut ordered: Vec<&DistributedPoint> = points.iter().collect();
        ordered.sort_by_key(|p| (p.threads(), p.processes));
        if let Some(p) = ordered.iter().find(|p| p.events_per_s.median > reference) {
            return Cost::Reached {
                processes: p.processes,
                workers_per_process: p.workers_per_process,
                threads: p.threads(),
                events_per_s: p.events_per_s.median,
                baseline_events_per_s: reference,
            };
        }
        let best = ordered
            .iter()
            .copied()
            .fold(None::<&DistributedPoint>, |best, p| match best {
                Some(b) if b.events_per_s.median >= p.events_per_s.median => Some(b),
                _ => Some(p),
            });
        Cost::NotReached {
            up_to_threads: ordered.iter().map(|p| p.threads()).max().unwrap_or(0),
            best_processes: best.map_or(0, |p| p.processes),
            best_workers_per_process: best.map_or(0, |p| p.workers_per_process),
            best_events_per_s: best.map_or(0.0, |p| p.events_per_s.median),
            baseline_events_per_s: reference,
        }
    }

    /// One sentence for people.
    pub fn summary(&self) -> String {
        let rate = |r: f64| format!("{:.2} M events/s", r / 1e6);
        match self {
            Cost::Reached {
                processes,
                workers_per_process,
                threads,
                events_per_s,
                baseline_events_per_s,
            } => format!(
                "COST: {threads} thread{} ({processes} process{} × {workers_per_process} \
                 worker{}) beat one native thread: {} vs {} (medians)",
                plural(*threads),
                if *processes == 1 { "" } else { "es" },
                plural(*workers_per_process),
                rate(*events_per_s),
                rate(*baseline_events_per_s),
            ),
            Cost::NotReached {
                up_to_threads,
                best_processes,
                best_workers_per_process,
                best_events_per_s,
                baseline_events_per_s,
            } => format!(
                "COST: not reached up to {up_to_threads} thread{}: the best layout \
                 ({best_processes} × {best_workers_per_process}) ran {} vs {} on one native \
                 thread (medians)",
                plural(*up_to_threads),
                rate(*best_events_per_s),
                rate(*baseline_events_per_s),
            ),
        }
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

impl DistributedPoint {
    /// All worker threads: `processes · workers_per_process`.
    pub fn threads(&self) -> u32 {
        self.processes.saturating_mul(self.workers_per_process)
    }
}

/// Collects field errors under a path prefix.
struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError {
            path: path.into(),
            message: message.into(),
        });
    }

    fn range_u32(&mut self, path: String, value: u32, min: u32, max: u32) {
        if value < min || value > max {
            self.error(path, format!("must be {min} to {max}, got {value}"));
        }
    }

    fn non_negative(&mut self, path: String, value: f64) {
        if !value.is_finite() || value < 0.0 {
            self.error(path, format!("must be a finite number ≥ 0, got {value}"));
        }
    }

    fn name(&mut self, path: String, value: &str) {
        if value.is_empty() {
            self.error(path, "must not be empty");
        } else if value.chars().count() > limits::MAX_NAME_CHARS {
            self.error(
                path,
                format!("must be at most {} characters", limits::MAX_NAME_CHARS),
            );
        }
    }

    fn digest(&mut self, path: String, value: &str) {
        if value.len() != 64 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
            self.error(path, "must be 64 hexadecimal digits (SHA-256)");
        }
    }

    fn spread(&mut self, path: &str, spread: &Spread) {
        if spread.samples == 0 {
            self.error(format!("{path}.samples"), "must be ≥ 1, got 0");
        }
        for (name, value) in [
            ("min", spread.min),
            ("median", spread.median),
            ("max", spread.max),
        ] {
            self.non_negative(format!("{path}.{name}"), value);
        }
        if !(spread.min <= spread.median && spread.median <= spread.max) {
            self.error(path.to_string(), "must have min ≤ median ≤ max");
        }
    }
}

/// SHA-256 (hex) of the review's canonical JSON: what the processes of
/// `scalewise cluster` compare before the first pass and record as
/// [`DistributedCalibration::review_digest`].
pub fn review_digest(review: &Review) -> String {
    crate::digest::digest(&serde_json::to_value(review).unwrap_or_default())
}

impl DistributedCalibration {
    /// Whether the section was measured for `review`: its `review_digest`
    /// equals [`review_digest`] of `review` (the rule the processes apply to
    /// each other). A digest cannot say which fields differ, so the error
    /// gives both digests.
    pub fn check_review(&self, review: &Review) -> Result<(), FieldError> {
        let expected = review_digest(review);
        if self.review_digest == expected {
            Ok(())
        } else {
            Err(FieldError {
                path: "calibration.distributed.review_digest".to_string(),
                message: format!(
                    "is {}, but this review's digest is {}: measured for another review",
                    self.review_digest, expected
                ),
            })
        }
    }

    /// Checks every field (paths under `calibration.distributed`).
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        const ROOT: &str = "calibration.distributed";
        let mut c = Check { errors: Vec::new() };
        if self.schema_version != DISTRIBUTED_SCHEMA_VERSION {
            c.error(
                format!("{ROOT}.schema_version"),
                format!(
                    "must be {DISTRIBUTED_SCHEMA_VERSION}, got {}",
                    self.schema_version
                ),
            );
        }
        c.name(format!("{ROOT}.engine"), &self.engine);
        c.name(
            format!("{ROOT}.shuffle_alternative"),
            &self.shuffle_alternative,
        );
        if self.events == 0 || self.events > limits::MAX_SAMPLE_EVENTS {
            c.error(
                format!("{ROOT}.events"),
                format!(
                    "must be 1 to {}, got {}",
                    limits::MAX_SAMPLE_EVENTS,
                    self.events
                ),
            );
        }
        if self.record_bytes == 0 {
            c.error(format!("{ROOT}.record_bytes"), "must be ≥ 1, got 0");
        }
        c.digest(format!("{ROOT}.review_digest"), &self.review_digest);
        c.digest(format!("{ROOT}.data_digest"), &self.data_digest);
        c.name(format!("{ROOT}.baseline.host"), &self.baseline.host);
        if self.baseline.threads != 1 {
            c.error(
                format!("{ROOT}.baseline.threads"),
                format!("must be 1, got {}", self.baseline.threads),
            );
        }
        c.spread(&format!("{ROOT}.baseline.wall_s"), &self.baseline.wall_s);
        c.spread(
            &format!("{ROOT}.baseline.events_per_s"),
            &self.baseline.events_per_s,
        );
        if let Some(cpu) = &self.baseline.cpu_s {
            c.spread(&format!("{ROOT}.baseline.cpu_s"), cpu);
        }
        if self.points.is_empty() || self.points.len() > MAX_POINTS {
            c.error(
                format!("{ROOT}.points"),
                format!(
                    "must have 1 to {MAX_POINTS} points, got {}",
                    self.points.len()
                ),
            );
        }
        for (i, point) in self.points.iter().enumerate() {
            self.check_point(&mut c, &format!("{ROOT}.points[{i}]"), point);
        }
        let layouts: Vec<(u32, u32)> = self
            .points
            .iter()
            .map(|p| (p.threads(), p.processes))
            .collect();
        if layouts.windows(2).any(|w| matches!(w, [a, b] if a >= b)) {
            c.error(
                format!("{ROOT}.points"),
                "must be ordered by threads, then processes, each layout once",
            );
        }
        if c.errors.is_empty() && self.cost != Cost::from_points(&self.baseline, &self.points) {
            c.error(
                format!("{ROOT}.cost"),
                "does not follow from the points and the baseline",
            );
        }
        if c.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(c.errors))
        }
    }

    fn check_point(&self, c: &mut Check, path: &str, p: &DistributedPoint) {
        c.range_u32(format!("{path}.processes"), p.processes, 1, MAX_PROCESSES);
        c.range_u32(
            format!("{path}.workers_per_process"),
            p.workers_per_process,
            1,
            MAX_WORKERS_PER_PROCESS,
        );
        let processes = p.processes as usize;
        if p.hosts.len() != processes {
            c.error(
                format!("{path}.hosts"),
                format!(
                    "must name one host per process ({processes}), got {}",
                    p.hosts.len()
                ),
            );
        }
        for (j, host) in p.hosts.iter().enumerate() {
            c.name(format!("{path}.hosts[{j}]"), host);
        }
        c.spread(&format!("{path}.wall_s"), &p.wall_s);
        c.spread(&format!("{path}.events_per_s"), &p.events_per_s);
        if let Some(cpu) = &p.worker_cpu_s {
            c.spread(&format!("{path}.worker_cpu_s"), cpu);
        }
        for stage in Stage::ALL {
            let stage_path = format!("{path}.stage_cpu_s.{stage}");
            match p.stage_cpu_s.get(&stage) {
                None => c.error(stage_path, "is missing"),
                Some(&seconds) => c.non_negative(stage_path, seconds),
            }
        }
        c.non_negative(format!("{path}.engine_s"), p.engine_s);
        let s = &p.shuffle;
        if s.records > self.events {
            c.error(
                format!("{path}.shuffle.records"),
                format!(
                    "must be at most the deliveries ({}), got {}",
                    self.events, s.records
                ),
            );
        }
        if p.threads() == 1 && s.records_to_other_workers > 0 {
            c.error(
                format!("{path}.shuffle.records_to_other_workers"),
                format!(
                    "must be 0 with one worker, got {}",
                    s.records_to_other_workers
                ),
            );
        }
        if s.records_to_other_workers > s.records
            || s.records_to_other_processes > s.records_to_other_workers
        {
            c.error(
                format!("{path}.shuffle"),
                "must have records ≥ records_to_other_workers ≥ records_to_other_processes",
            );
        }
        self.check_bytes(
            c,
            &format!("{path}.shuffle"),
            p.processes,
            s.records_to_other_processes,
            s.bytes_to_other_processes,
        );
        let e = &p.exchange;
        if e.records == 0 || e.records > self.events || e.records_to_other_processes > e.records {
            c.error(
                format!("{path}.exchange.records"),
                format!(
                    "must be 1 to the events ({}) and ≥ records_to_other_processes",
                    self.events
                ),
            );
        }
        self.check_bytes(
            c,
            &format!("{path}.exchange"),
            p.processes,
            e.records_to_other_processes,
            e.bytes_to_other_processes,
        );
        c.spread(&format!("{path}.exchange.wall_s"), &e.wall_s);
        c.spread(&format!("{path}.exchange.records_per_s"), &e.records_per_s);
        match (&e.bytes_per_s, e.s_per_byte, e.bytes_to_other_processes) {
            (None, None, 0) => {}
            (Some(rate), Some(cost), bytes) if bytes > 0 => {
                c.spread(&format!("{path}.exchange.bytes_per_s"), rate);
                c.non_negative(format!("{path}.exchange.s_per_byte"), cost);
            }
            _ => c.error(
                format!("{path}.exchange"),
                "bytes_per_s and s_per_byte must be given exactly when bytes crossed processes",
            ),
        }
        c.non_negative(format!("{path}.exchange.s_per_record"), e.s_per_record);
        if p.coordination.rounds == 0 {
            c.error(format!("{path}.coordination.rounds"), "must be ≥ 1, got 0");
        }
        c.spread(
            &format!("{path}.coordination.round_s"),
            &p.coordination.round_s,
        );
        c.non_negative(format!("{path}.connect_s"), p.connect_s);
        if p.tcp_bytes_sent.len() != processes {
            c.error(
                format!("{path}.tcp_bytes_sent"),
                format!(
                    "must have one entry per process ({processes}), got {}",
                    p.tcp_bytes_sent.len()
                ),
            );
        }
    }

    fn check_bytes(&self, c: &mut Check, path: &str, processes: u32, records: u64, bytes: u64) {
        if processes == 1 && records > 0 {
            c.error(
                format!("{path}.records_to_other_processes"),
                format!("must be 0 at one process, got {records}"),
            );
        }
        if records.checked_mul(u64::from(self.record_bytes)) != Some(bytes) {
            c.error(
                format!("{path}.bytes_to_other_processes"),
                format!(
                    "must be records_to_other_processes · record_bytes = {records} · {}, got {bytes}",
                    self.record_bytes
                ),
            );
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::profiler::Calibration;

    fn spread(median: f64) -> Spread {
        Spread {
            samples: 3,
            median,
            min: median * 0.9,
            max: median * 1.1,
        }
    }

    pub(crate) fn point(processes: u32, workers: u32, events_per_s: f64) -> DistributedPoint {
        let events = 100_000u64;
        let remote = if processes > 1 { 40_000 } else { 0 };
        DistributedPoint {
            processes,
            workers_per_process: workers,
            hosts: vec!["127.0.0.1".to_string(); processes as usize],
            wall_s: spread(events as f64 / events_per_s),
            events_per_s: spread(events_per_s),
            worker_cpu_s: Some(spread(0.01 * f64::from(processes * workers))),
            stage_cpu_s: Stage::ALL.iter().map(|&s| (s, 0.01)).collect(),
            engine_s: 0.02,
            shuffle: ShuffleCounts {
                records: events,
                records_to_other_workers: if processes * workers > 1 { 60_000 } else { 0 },
                records_to_other_processes: remote,
                bytes_to_other_processes: remote * 67,
                merge_bytes_to_other_processes: if processes > 1 { 9_000 } else { 0 },
            },
            exchange: ExchangeMeasurement {
                records: events,
                records_to_other_processes: remote,
                bytes_to_other_processes: remote * 67,
                wall_s: spread(0.01),
                records_per_s: spread(1e7),
                bytes_per_s: (remote > 0).then(|| spread(2.7e8)),
                s_per_byte: (remote > 0).then_some(3.7e-9),
                s_per_record: 1e-7,
            },
            coordination: CoordinationMeasurement {
                rounds: 32,
                round_s: spread(1e-4),
            },
            connect_s: 0.05,
            tcp_bytes_sent: vec![Some(1_000); processes as usize],
        }
    }

    pub(crate) fn example() -> Calibration {
        let baseline = Baseline {
            host: "127.0.0.1".to_string(),
            threads: 1,
            wall_s: spread(0.005),
            events_per_s: spread(2e7),
            cpu_s: Some(spread(0.005)),
        };
        let points = vec![point(1, 1, 1e7), point(1, 2, 1.8e7), point(2, 1, 1.5e7)];
        let cost = Cost::from_points(&baseline, &points);
        let costs = Stage::ALL
            .iter()
            .filter(|s| !s.per_byte())
            .map(|&s| (s, 1e-8))
            .collect();
        let mut calibration = Calibration::from_costs(
            "native x86_64",
            100_000,
            &costs,
            1e-9,
            &[(1, 1e7), (2, 1.8e7)],
        );
        calibration.distributed = Some(DistributedCalibration {
            schema_version: DISTRIBUTED_SCHEMA_VERSION,
            engine: "timely 0.32.0".to_string(),
            shuffle_alternative: "scale_out".to_string(),
            shuffle_scheme: Scheme::SaltedHotKeys,
            events: 100_000,
            record_bytes: 67,
            review_digest: "a".repeat(64),
            data_digest: "b".repeat(64),
            baseline,
            points,
            cost,
        });
        calibration
    }

    #[test]
    fn round_trips_and_a_plain_calibration_has_no_section() {
        let calibration = example();
        let text = serde_json::to_string_pretty(&calibration).unwrap();
        let back = Calibration::from_json(&text).unwrap();
        assert_eq!(back, calibration);
        assert_eq!(back.validate(), Ok(()));
        let plain = Calibration {
            distributed: None,
            ..calibration
        };
        let text = serde_json::to_string(&plain).unwrap();
        assert!(!text.contains("distributed"), "{text}");
        let mut value = serde_json::to_value(example()).unwrap();
        value["distributed"]["points"][0]["processes"] = 0.into();
        value["scaling"][0]["threads"] = 0.into();
        let errors = Calibration::from_value(value)
            .unwrap()
            .validate()
            .unwrap_err();
        let paths: Vec<&str> = errors.0.iter().map(|e| e.path.as_str()).collect();
        assert!(
            paths.contains(&"calibration.scaling[0].threads"),
            "{paths:?}"
        );
        assert!(
            paths.contains(&"calibration.distributed.points[0].processes"),
            "{paths:?}"
        );
    }

    fn distributed() -> DistributedCalibration {
        example().distributed.unwrap()
    }

    fn check(edit: impl FnOnce(&mut DistributedCalibration), path: &str, message: &str) {
        let mut d = distributed();
        edit(&mut d);
        let errors = d.validate().unwrap_err().0;
        assert!(
            errors
                .iter()
                .any(|e| e.path == path && e.message.contains(message)),
            "{path}: {message} not in {errors:?}"
        );
    }

    #[test]
    fn the_example_is_valid() {
        assert_eq!(distributed().validate(), Ok(()));
    }

    #[test]
    fn every_rule_names_its_field() {
        let p = "calibration.distributed";
        check(
            |d| d.schema_version = 2,
            &format!("{p}.schema_version"),
            "must be 1",
        );
        check(
            |d| d.engine.clear(),
            &format!("{p}.engine"),
            "must not be empty",
        );
        check(|d| d.events = 0, &format!("{p}.events"), "must be 1 to");
        check(|d| d.record_bytes = 0, &format!("{p}.record_bytes"), "≥ 1");
        check(
            |d| d.data_digest = "xyz".into(),
            &format!("{p}.data_digest"),
            "SHA-256",
        );
        check(
            |d| d.baseline.threads = 2,
            &format!("{p}.baseline.threads"),
            "must be 1",
        );
        check(
            |d| d.baseline.wall_s.min = 1.0,
            &format!("{p}.baseline.wall_s"),
            "min ≤ median ≤ max",
        );
        check(|d| d.points.clear(), &format!("{p}.points"), "1 to");
        check(
            |d| d.points[0].processes = 0,
            &format!("{p}.points[0].processes"),
            "must be 1 to 1024, got 0",
        );
        check(
            |d| {
                d.points[2].hosts.pop();
            },
            &format!("{p}.points[2].hosts"),
            "one host per process (2), got 1",
        );
        check(
            |d| {
                d.points[0].stage_cpu_s.remove(&Stage::Features);
            },
            &format!("{p}.points[0].stage_cpu_s.features"),
            "is missing",
        );
        check(
            |d| d.points[0].engine_s = f64::NAN,
            &format!("{p}.points[0].engine_s"),
            "finite",
        );
        check(
            |d| d.points[1].shuffle.records = 100_001,
            &format!("{p}.points[1].shuffle.records"),
            "must be at most the deliveries (100000)",
        );
        check(
            |d| d.points[0].shuffle.records_to_other_workers = 1,
            &format!("{p}.points[0].shuffle.records_to_other_workers"),
            "must be 0 with one worker",
        );
        check(
            |d| d.points[1].shuffle.records_to_other_processes = 1,
            &format!("{p}.points[1].shuffle.records_to_other_processes"),
            "must be 0 at one process",
        );
        check(
            |d| d.points[2].shuffle.bytes_to_other_processes += 1,
            &format!("{p}.points[2].shuffle.bytes_to_other_processes"),
            "40000 · 67",
        );
        check(
            |d| d.points[2].exchange.s_per_byte = None,
            &format!("{p}.points[2].exchange"),
            "exactly when bytes crossed processes",
        );
        check(
            |d| d.points[0].coordination.rounds = 0,
            &format!("{p}.points[0].coordination.rounds"),
            "≥ 1",
        );
        check(
            |d| d.points[2].tcp_bytes_sent.push(None),
            &format!("{p}.points[2].tcp_bytes_sent"),
            "one entry per process (2), got 3",
        );
        check(
            |d| d.points.swap(1, 2),
            &format!("{p}.points"),
            "ordered by threads",
        );
        check(
            |d| d.cost = Cost::from_points(&d.baseline, &d.points[..1]),
            &format!("{p}.cost"),
            "does not follow",
        );
    }

    #[test]
    fn the_section_names_the_review_it_was_measured_for() {
        let review = Review::example();
        let mut d = distributed();
        d.review_digest = review_digest(&review);
        assert_eq!(d.review_digest.len(), 64);
        assert_eq!(d.check_review(&review), Ok(()));
        let mut other = review.clone();
        other.seed += 1;
        let error = d.check_review(&other).unwrap_err();
        assert_eq!(error.path, "calibration.distributed.review_digest");
        assert!(error.message.contains(&d.review_digest), "{error}");
        assert!(error.message.contains(&review_digest(&other)), "{error}");
        // The digest of the canonical JSON: key order does not matter.
        let value = serde_json::to_value(&review).unwrap();
        assert_eq!(review_digest(&review), crate::digest::digest(&value));
    }

    #[test]
    fn spread_of_samples() {
        let s = Spread::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.samples, s.min, s.median, s.max), (3, 1.0, 2.0, 3.0));
        let s = Spread::of(&[4.0, 1.0, 2.0, 3.0]).unwrap();
        assert_eq!(s.median, 2.5);
        assert_eq!(Spread::of(&[]), None);
        assert_eq!(Spread::of(&[1.0, f64::INFINITY]), None);
    }

    #[test]
    fn cost_is_the_fewest_threads_that_beat_the_baseline() {
        let baseline = distributed().baseline; // 2e7 events/s
                                               // Given out of order: the order of the search is threads, then processes.
        let points = [
            point(2, 2, 3e7),
            point(2, 1, 2.1e7),
            point(1, 2, 2.5e7),
            point(1, 1, 1e7),
        ];
        let Cost::Reached {
            processes,
            workers_per_process,
            threads,
            ..
        } = Cost::from_points(&baseline, &points)
        else {
            panic!("not reached");
        };
        assert_eq!((processes, workers_per_process, threads), (1, 2, 2));

        let slow = [point(1, 1, 1e7), point(2, 2, 1.9e7), point(1, 2, 2e7)];
        let cost = Cost::from_points(&baseline, &slow);
        assert_eq!(
            cost,
            Cost::NotReached {
                up_to_threads: 4,
                best_processes: 1,
                best_workers_per_process: 2,
                best_events_per_s: 2e7,
                baseline_events_per_s: 2e7,
            }
        );
        assert_eq!(
            cost.summary(),
            "COST: not reached up to 4 threads: the best layout (1 × 2) ran 20.00 M events/s \
             vs 20.00 M events/s on one native thread (medians)"
        );
    }
}
