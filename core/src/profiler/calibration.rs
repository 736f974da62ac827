//! What this machine measured, and the timing view derived from it.
//!
//! A [`Calibration`] (schema version 2) records, with the spread over
//! repeated passes ([`Measured`]):
//!
//! * the cost of generating the synthetic input, per delivery — measured
//!   apart, never a stage cost;
//! * the cost of every stage per delivery on one lane (every stage except
//!   `payload`), and the payload stage's cost per payload byte;
//! * the wall time of calibration passes over the first
//!   `calibration_events` deliveries at 1…T lanes, each repeated `repeats`
//!   times (wall time of the whole pass: generation runs on the same lanes);
//! * the full-sample pass at T lanes, measured on its own: what the
//!   self-check predicts from the rest.
//!
//! * optionally, under `distributed` ([`distributed`]), the same pipeline
//!   measured on a real distributed engine by `scalewise cluster`: the
//!   exchange cost per byte, the coordination, throughput per
//!   (processes, workers) layout and COST. Absent from a single-process
//!   calibration (and then not serialised), so a plain calibration's JSON,
//!   and every result recorded with one, is unchanged by the field.
//!
//! [`Profile`] applies a calibration to a data profile: each stage's time
//! over the sample's deliveries (the payload's over its bytes), the share of
//! each, and the bottleneck — the pipeline stage that takes the most time,
//! generation excluded.

pub mod distributed;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use distributed::DistributedCalibration;

use super::{DataProfile, Stage, CHUNK_EVENTS, PROFILE_SCHEMA_VERSION};
use crate::limits;
use crate::review::{FieldError, ValidationErrors};

/// A measured quantity: every sample in measurement order, and its median
/// (the mean of the middle two for an even count), minimum and maximum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Measured {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub samples: Vec<f64>,
}

impl Measured {
    /// The statistics of `samples` (empty: all 0).
    pub fn from_samples(samples: Vec<f64>) -> Measured {
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let at = |i: usize| sorted.get(i).copied().unwrap_or(0.0);
        let median = match n {
            0 => 0.0,
            _ if n % 2 == 1 => at(n / 2),
            _ => (at(n / 2 - 1) + at(n / 2)) / 2.0,
        };
        Measured {
            median,
            min: sorted.first().copied().unwrap_or(0.0),
            max: sorted.last().copied().unwrap_or(0.0),
            samples,
        }
    }

    /// One exact value (hand-written calibrations, placeholders).
    pub fn exact(value: f64) -> Measured {
        Measured::from_samples(vec![value])
    }

    fn problems(&self, path: &str, max: f64, errors: &mut Vec<FieldError>) {
        let ok = |v: f64| v.is_finite() && (0.0..=max).contains(&v);
        if self.samples.is_empty() {
            errors.push(FieldError {
                path: format!("{path}.samples"),
                message: "must have at least one sample".to_string(),
            });
        }
        for (field, value) in [
            ("median", self.median),
            ("min", self.min),
            ("max", self.max),
        ] {
            if !ok(value) {
                errors.push(FieldError {
                    path: format!("{path}.{field}"),
                    message: format!("must be between 0 and {max}, got {value}"),
                });
            }
        }
        if let Some((i, bad)) = self.samples.iter().enumerate().find(|(_, v)| !ok(**v)) {
            errors.push(FieldError {
                path: format!("{path}.samples[{i}]"),
                message: format!("must be between 0 and {max}, got {bad}"),
            });
        }
        if ok(self.min)
            && ok(self.median)
            && ok(self.max)
            && !(self.min <= self.median && self.median <= self.max)
        {
            errors.push(FieldError {
                path: path.to_string(),
                message: format!(
                    "must have min ≤ median ≤ max, got {} ≤ {} ≤ {}",
                    self.min, self.median, self.max
                ),
            });
        }
    }
}

/// The wall time of one pass.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PassWall {
    pub wall_s: f64,
    pub events_per_s: f64,
}

impl PassWall {
    pub fn new(events: u64, wall_s: f64) -> PassWall {
        PassWall {
            wall_s,
            events_per_s: if wall_s > 0.0 {
                events as f64 / wall_s
            } else {
                0.0
            },
        }
    }
}

/// Throughput with `threads` lanes on the calibration passes, one entry per
/// repeat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScalingPoint {
    pub threads: u32,
    /// Deliveries of each pass.
    pub events: u64,
    pub passes: Vec<PassWall>,
}

impl ScalingPoint {
    /// Events per second over the repeats.
    pub fn events_per_s(&self) -> Measured {
        Measured::from_samples(self.passes.iter().map(|p| p.events_per_s).collect())
    }
}

/// Wall time of one measured pass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PassTiming {
    pub events: u64,
    pub threads: u32,
    pub wall_s: f64,
    pub events_per_s: f64,
}

/// The payload stage's measurement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PayloadCalibration {
    /// Every `stride`-th delivery was scanned.
    pub stride: u64,
    /// Payload bytes one calibration pass scanned.
    pub bytes_per_pass: u64,
    /// Seconds per payload byte decoded, validated and scanned, one lane.
    pub cost_s_per_byte: Measured,
}

/// What this machine measured (schema version 2). Everything downstream
/// takes it as input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    pub schema_version: u32,
    /// Supplied by the caller, e.g. "native x86_64" or "wasm isolated".
    pub environment: String,
    pub threads_available: u32,
    pub chunk_events: u32,
    /// Deliveries of the profiled sample.
    pub sample_events: u64,
    /// Deliveries of each calibration pass (the first part of the sample).
    pub calibration_events: u64,
    /// Times each calibration pass was repeated at each lane count.
    pub repeats: u32,
    /// Generating events, encoding records and synthesising payload bytes,
    /// seconds per delivery on one lane: not pipeline work.
    pub generation_s_per_event: Measured,
    /// Seconds per delivery of every stage except `payload`, on one lane.
    pub stage_cost_s_per_event: BTreeMap<Stage, Measured>,
    pub payload: PayloadCalibration,
    /// Calibration passes at 1..=T lanes.
    pub scaling: Vec<ScalingPoint>,
    /// The full-sample pass at T lanes, measured apart from the rest.
    pub full_pass: PassTiming,
    /// What `scalewise cluster` measured on a distributed engine; absent
    /// from a single-process calibration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distributed: Option<DistributedCalibration>,
}

/// Why a calibration document could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibrationError {
    #[error(
        "calibration schema_version {found} is not supported: this build reads version \
         {PROFILE_SCHEMA_VERSION} (stage costs with their spread over repeated passes, \
         generation measured apart, payload cost per byte); measure again with `scalewise run`"
    )]
    Version { found: String },
    #[error("calibration: line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
}

impl Calibration {
    /// Parses a calibration document, refusing another schema version with
    /// a message that names it (before any field is read, so an old
    /// document is not reported as a list of missing fields).
    pub fn from_value(value: serde_json::Value) -> Result<Calibration, CalibrationError> {
        let version = value.get("schema_version");
        if version.and_then(serde_json::Value::as_u64) != Some(u64::from(PROFILE_SCHEMA_VERSION)) {
            return Err(CalibrationError::Version {
                found: version.map_or_else(|| "(missing)".to_string(), |v| v.to_string()),
            });
        }
        serde_json::from_value(value).map_err(|e| CalibrationError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }

    /// [`Calibration::from_value`] of a JSON text.
    pub fn from_json(text: &str) -> Result<Calibration, CalibrationError> {
        let value = serde_json::from_str(text).map_err(|e| CalibrationError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        Self::from_value(value)
    }

    /// A calibration from exact costs, one pass per lane count, no spread:
    /// for hand-written fixtures, tests and the benchmark's placeholder.
    /// `scaling` is `(threads, events_per_s)`; the full pass is the last
    /// point's throughput over `sample_events`.
    pub fn from_costs(
        environment: &str,
        sample_events: u64,
        stage_cost_s_per_event: &BTreeMap<Stage, f64>,
        payload_cost_s_per_byte: f64,
        scaling: &[(u32, f64)],
    ) -> Calibration {
        let pass = |events_per_s: f64| PassWall {
            wall_s: if events_per_s > 0.0 {
                sample_events as f64 / events_per_s
            } else {
                0.0
            },
            events_per_s,
        };
        let (threads, last) = scaling.last().copied().unwrap_or((1, 0.0));
        Calibration {
            schema_version: PROFILE_SCHEMA_VERSION,
            environment: environment.to_string(),
            threads_available: threads,
            chunk_events: CHUNK_EVENTS as u32,
            sample_events,
            calibration_events: sample_events,
            repeats: 1,
            generation_s_per_event: Measured::exact(0.0),
            stage_cost_s_per_event: Stage::ALL
                .iter()
                .filter(|s| !s.per_byte())
                .map(|&s| {
                    let cost = stage_cost_s_per_event.get(&s).copied().unwrap_or(0.0);
                    (s, Measured::exact(cost))
                })
                .collect(),
            payload: PayloadCalibration {
                stride: 1,
                bytes_per_pass: 0,
                cost_s_per_byte: Measured::exact(payload_cost_s_per_byte),
            },
            scaling: scaling
                .iter()
                .map(|&(threads, events_per_s)| ScalingPoint {
                    threads,
                    events: sample_events,
                    passes: vec![pass(events_per_s)],
                })
                .collect(),
            full_pass: PassTiming {
                events: sample_events,
                threads,
                wall_s: pass(last).wall_s,
                events_per_s: last,
            },
            distributed: None,
        }
    }

    /// The median cost per delivery of a per-event stage (0 if missing or
    /// the payload stage).
    pub fn stage_cost_median_s(&self, stage: Stage) -> f64 {
        self.stage_cost_s_per_event
            .get(&stage)
            .map_or(0.0, |m| m.median)
    }

    /// Checks a recorded calibration before it is replayed.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        let mut error = |path: String, message: String| errors.push(FieldError { path, message });
        if self.schema_version != PROFILE_SCHEMA_VERSION {
            error(
                "calibration.schema_version".to_string(),
                format!(
                    "must be {PROFILE_SCHEMA_VERSION} (this build reads calibration version \
                     {PROFILE_SCHEMA_VERSION}), got version {}: measure again",
                    self.schema_version
                ),
            );
        }
        if self.environment.chars().count() > limits::MAX_NAME_CHARS {
            error(
                "calibration.environment".to_string(),
                format!("must be at most {} characters", limits::MAX_NAME_CHARS),
            );
        }
        if self.repeats == 0 {
            error(
                "calibration.repeats".to_string(),
                "must be ≥ 1, got 0".to_string(),
            );
        }
        let mut nested = Vec::new();
        self.generation_s_per_event.problems(
            "calibration.generation_s_per_event",
            1.0,
            &mut nested,
        );
        for stage in Stage::ALL.iter().filter(|s| !s.per_byte()) {
            let path = format!("calibration.stage_cost_s_per_event.{stage}");
            match self.stage_cost_s_per_event.get(stage) {
                None => nested.push(FieldError {
                    path,
                    message: "is missing".to_string(),
                }),
                Some(cost) => cost.problems(&path, 1.0, &mut nested),
            }
        }
        if self.stage_cost_s_per_event.contains_key(&Stage::Payload) {
            nested.push(FieldError {
                path: "calibration.stage_cost_s_per_event.payload".to_string(),
                message: "must not be given: the payload's cost is per byte \
                          (calibration.payload.cost_s_per_byte)"
                    .to_string(),
            });
        }
        if self.payload.stride == 0 {
            nested.push(FieldError {
                path: "calibration.payload.stride".to_string(),
                message: "must be ≥ 1, got 0".to_string(),
            });
        }
        self.payload.cost_s_per_byte.problems(
            "calibration.payload.cost_s_per_byte",
            1e-3,
            &mut nested,
        );
        errors.extend(nested);
        let mut error = |path: String, message: String| errors.push(FieldError { path, message });
        if self.scaling.is_empty() {
            error(
                "calibration.scaling".to_string(),
                "must have at least one point".to_string(),
            );
        }
        for (i, point) in self.scaling.iter().enumerate() {
            if point.threads == 0 {
                error(
                    format!("calibration.scaling[{i}].threads"),
                    "must be ≥ 1, got 0".to_string(),
                );
            }
            if point.passes.is_empty() {
                error(
                    format!("calibration.scaling[{i}].passes"),
                    "must have at least one pass".to_string(),
                );
            }
            for (k, pass) in point.passes.iter().enumerate() {
                for (field, value) in [("wall_s", pass.wall_s), ("events_per_s", pass.events_per_s)]
                {
                    if !value.is_finite() || value < 0.0 {
                        error(
                            format!("calibration.scaling[{i}].passes[{k}].{field}"),
                            format!("must be a finite number ≥ 0, got {value}"),
                        );
                    }
                }
            }
        }
        let full = &self.full_pass;
        for (field, value) in [("wall_s", full.wall_s), ("events_per_s", full.events_per_s)] {
            if !value.is_finite() || value < 0.0 {
                error(
                    format!("calibration.full_pass.{field}"),
                    format!("must be a finite number ≥ 0, got {value}"),
                );
            }
        }
        if let Some(Err(nested)) = self
            .distributed
            .as_ref()
            .map(DistributedCalibration::validate)
        {
            errors.extend(nested.0);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(errors))
        }
    }
}

/// Time of one stage over the sample, from the calibration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StageProfile {
    pub stage: Stage,
    /// CPU seconds for all of the sample's deliveries on one thread (the
    /// payload stage: its cost per byte times every delivery's bytes).
    pub time_s: f64,
    /// One-thread throughput of this stage alone (`null` if too fast to measure).
    pub events_per_s: Option<f64>,
    /// Share of the pipeline's stage time (generation excluded).
    pub share: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Bottleneck {
    pub stage: Stage,
    /// e.g. "payload decode, validation and scan takes 91% of pipeline stage
    /// time at 1.9 µs/event (0.46 ns/byte); generating the synthetic input
    /// (0.6 µs/event) is measured apart and excluded".
    pub reason: String,
}

/// The timing view of a run: the calibration applied to the sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Deliveries of the sample.
    pub events: u64,
    pub stages: Vec<StageProfile>,
    /// All pipeline stages, all deliveries, one thread (generation excluded).
    pub single_thread_time_s: f64,
    /// Generating the synthetic input for all deliveries, one thread: not
    /// pipeline work, shown for what it is.
    pub generation_time_s: f64,
    /// The fastest measured lane count and the sample's wall time at it
    /// (from the calibration passes, whose wall time includes generation).
    pub best_threads: u32,
    pub best_wall_time_s: f64,
    pub bottleneck: Bottleneck,
}

impl Profile {
    /// A pure function of the data profile and the calibration.
    pub fn new(data: &DataProfile, calibration: &Calibration) -> Profile {
        let events = data.events;
        let n = events as f64;
        let bytes_per_event = if events == 0 {
            0.0
        } else {
            data.total_bytes as f64 / n
        };
        let per_byte = calibration.payload.cost_s_per_byte.median;
        let cost = |stage: Stage| {
            if stage.per_byte() {
                per_byte * bytes_per_event
            } else {
                calibration.stage_cost_median_s(stage)
            }
        };
        let total_cost: f64 = Stage::ALL.iter().map(|&s| cost(s)).sum();
        let stages: Vec<StageProfile> = Stage::ALL
            .iter()
            .map(|&stage| StageProfile {
                stage,
                time_s: cost(stage) * n,
                events_per_s: if cost(stage) > 0.0 {
                    Some(1.0 / cost(stage))
                } else {
                    None
                },
                share: if total_cost > 0.0 {
                    cost(stage) / total_cost
                } else {
                    0.0
                },
            })
            .collect();
        let generation = calibration.generation_s_per_event.median;
        let excluded = format!(
            "generating the synthetic input ({}/event) is measured apart and excluded",
            crate::format::seconds(generation)
        );
        let top = stages
            .iter()
            .fold(None::<&StageProfile>, |best, s| match best {
                Some(b) if b.share >= s.share => Some(b),
                _ => Some(s),
            });
        let bottleneck = match top {
            Some(top) if total_cost > 0.0 => {
                let detail = if top.stage.per_byte() {
                    format!(" ({}/byte)", crate::format::seconds(per_byte))
                } else {
                    String::new()
                };
                Bottleneck {
                    stage: top.stage,
                    reason: format!(
                        "{} takes {} of pipeline stage time at {}/event{detail}; {excluded}",
                        top.stage.label(),
                        crate::format::percent(top.share),
                        crate::format::seconds(cost(top.stage)),
                    ),
                }
            }
            _ => Bottleneck {
                stage: Stage::Decode,
                reason: format!("no stage time was measurable with this clock; {excluded}"),
            },
        };
        let best = calibration
            .scaling
            .iter()
            .map(|p| (p.threads, p.events_per_s().median))
            .filter(|(_, eps)| *eps > 0.0)
            .fold(None::<(u32, f64)>, |best, p| match best {
                Some(b) if b.1 >= p.1 => Some(b),
                _ => Some(p),
            });
        let (best_threads, best_wall_time_s) = match best {
            Some((threads, eps)) => (threads, n / eps),
            None => (1, total_cost * n),
        };
        Profile {
            events,
            stages,
            single_thread_time_s: total_cost * n,
            generation_time_s: generation * n,
            best_threads,
            best_wall_time_s,
            bottleneck,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measured_statistics() {
        let m = Measured::from_samples(vec![3.0, 1.0, 2.0]);
        assert_eq!((m.median, m.min, m.max), (2.0, 1.0, 3.0));
        assert_eq!(m.samples, [3.0, 1.0, 2.0]);
        let even = Measured::from_samples(vec![4.0, 1.0, 3.0, 2.0]);
        assert_eq!(even.median, 2.5);
        let none = Measured::from_samples(vec![]);
        assert_eq!((none.median, none.min, none.max), (0.0, 0.0, 0.0));
    }

    #[test]
    fn old_versions_are_refused_by_name() {
        let old = r#"{"schema_version": 1, "environment": "x", "stage_cost_s_per_event": {"ingest": 1e-7}}"#;
        let error = Calibration::from_json(old).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("schema_version 1 is not supported")
                && error.to_string().contains("reads version 2"),
            "{error}"
        );
        let missing = Calibration::from_json("{}").unwrap_err();
        assert!(missing.to_string().contains("(missing)"), "{missing}");
        let costs = BTreeMap::from([(Stage::Decode, 1e-7)]);
        let good = Calibration::from_costs("t", 1_000, &costs, 1e-10, &[(1, 1e6)]);
        let text = serde_json::to_string(&good).unwrap();
        assert_eq!(Calibration::from_json(&text), Ok(good.clone()));
        let mut stale = good;
        stale.schema_version = 1;
        let errors = stale.validate().unwrap_err().0;
        assert_eq!(errors[0].path, "calibration.schema_version");
        assert!(
            errors[0].message.contains("got version 1"),
            "{}",
            errors[0].message
        );
    }
}
