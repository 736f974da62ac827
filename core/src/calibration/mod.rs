//! Calibration documents: what a machine (or a cluster) measured, as one JSON
//! object.
//!
//! A document is a [`Calibration`] (the single-process measurements, the
//! object's own fields) with, optionally, a [`DistributedCalibration`] under
//! the key `distributed` — what `scalewise cluster` measured on a real
//! distributed engine. [`CalibrationDocument`] reads and writes that shape;
//! the section is kept out of [`Calibration`] itself so that every result
//! recorded with a plain calibration stays byte-identical.
//!
//! Today a run replays the [`Calibration`] part and ignores the section; the
//! projection will consume it.

pub mod distributed;

use serde_json::Value;

use crate::profiler::Calibration;
use crate::review::{FieldError, ValidationErrors};

pub use distributed::DistributedCalibration;

/// The key of the distributed section in a calibration document.
pub const DISTRIBUTED_KEY: &str = "distributed";

/// A calibration and, optionally, the distributed section beside its fields.
#[derive(Clone, Debug, PartialEq)]
pub struct CalibrationDocument {
    pub calibration: Calibration,
    pub distributed: Option<DistributedCalibration>,
}

/// Why a document could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DocumentError {
    /// Not JSON, or JSON of another shape (an unknown field, a wrong type).
    #[error("{path}: {message}")]
    Shape { path: String, message: String },
    /// Read, but a field is out of range.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
}

impl CalibrationDocument {
    /// Reads a document from its JSON value and validates both parts.
    pub fn from_value(value: Value) -> Result<CalibrationDocument, DocumentError> {
        let Value::Object(mut object) = value else {
            return Err(DocumentError::Shape {
                path: "calibration".to_string(),
                message: "must be a JSON object".to_string(),
            });
        };
        let distributed = match object.remove(DISTRIBUTED_KEY) {
            None | Some(Value::Null) => None,
            Some(section) => Some(
                serde_json::from_value::<DistributedCalibration>(section).map_err(|e| {
                    DocumentError::Shape {
                        path: format!("calibration.{DISTRIBUTED_KEY}"),
                        message: e.to_string(),
                    }
                })?,
            ),
        };
        let calibration =
            serde_json::from_value::<Calibration>(Value::Object(object)).map_err(|e| {
                DocumentError::Shape {
                    path: "calibration".to_string(),
                    message: e.to_string(),
                }
            })?;
        let document = CalibrationDocument {
            calibration,
            distributed,
        };
        document.validate()?;
        Ok(document)
    }

    /// Every problem of both parts, with field paths.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors: Vec<FieldError> = self
            .calibration
            .validate()
            .err()
            .map(|e| e.0)
            .unwrap_or_default();
        if let Some(distributed) = &self.distributed {
            errors.extend(
                distributed
                    .validate()
                    .err()
                    .map(|e| e.0)
                    .unwrap_or_default(),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(errors))
        }
    }

    /// The document as one JSON object: the calibration's fields, then the
    /// section under [`DISTRIBUTED_KEY`] when there is one.
    pub fn to_value(&self) -> Value {
        let mut value = serde_json::to_value(&self.calibration).unwrap_or(Value::Null);
        if let (Value::Object(object), Some(distributed)) = (&mut value, &self.distributed) {
            object.insert(
                DISTRIBUTED_KEY.to_string(),
                serde_json::to_value(distributed).unwrap_or(Value::Null),
            );
        }
        value
    }

    pub fn to_json_pretty(&self) -> String {
        // Plain data with string keys: serialising cannot fail.
        serde_json::to_string_pretty(&self.to_value()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::distributed::tests::example;
    use super::*;

    #[test]
    fn round_trips_and_a_plain_calibration_is_a_document() {
        let document = example();
        let text = document.to_json_pretty();
        let back = CalibrationDocument::from_value(serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(back, document);
        // The calibration's own JSON is unchanged by the section's presence.
        let plain = serde_json::to_value(&document.calibration).unwrap();
        let read = CalibrationDocument::from_value(plain).unwrap();
        assert_eq!(read.calibration, document.calibration);
        assert_eq!(read.distributed, None);
    }

    #[test]
    fn errors_name_the_part() {
        let mut value = example().to_value();
        value["distributed"]["points"][0]["processes"] = 0.into();
        value["scaling"][0]["threads"] = 0.into();
        let Err(DocumentError::Invalid(errors)) = CalibrationDocument::from_value(value) else {
            panic!("accepted");
        };
        let paths: Vec<&str> = errors.0.iter().map(|e| e.path.as_str()).collect();
        assert!(
            paths.contains(&"calibration.scaling[0].threads"),
            "{paths:?}"
        );
        assert!(
            paths.contains(&"calibration.distributed.points[0].processes"),
            "{paths:?}"
        );

        let mut value = example().to_value();
        value["distributed"]["bogus"] = 1.into();
        let error = CalibrationDocument::from_value(value)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("calibration.distributed: unknown field `bogus`"),
            "{error}"
        );
        let error = CalibrationDocument::from_value(Value::from(3))
            .unwrap_err()
            .to_string();
        assert_eq!(error, "calibration: must be a JSON object");
    }
}
