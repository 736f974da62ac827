//! The committed JSON Schemas (`core/schema/*.schema.json`) are generated
//! from the types: this test regenerates them and fails when the committed
//! files are stale. To update them:
//!
//! ```text
//! SCALEWISE_UPDATE_SCHEMAS=1 cargo test -p scalewise-core --features schema --test schema
//! ```
#![cfg(all(feature = "schema", not(target_arch = "wasm32")))]
// Test code: a failed unwrap, expect or index is a failed test. (The
// workspace denies them in library code: the root Cargo.toml.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use scalewise_core::analysis::result::ResultDocument;
use scalewise_core::review::Review;
use serde_json::Value;

const UPDATE_VAR: &str = "SCALEWISE_UPDATE_SCHEMAS";
const UPDATE_COMMAND: &str =
    "SCALEWISE_UPDATE_SCHEMAS=1 cargo test -p scalewise-core --features schema --test schema";

fn schema_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(format!("{name}.schema.json"))
}

/// Pretty JSON with a trailing newline, as committed.
fn pretty(schema: &schemars::Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap();
    text.push('\n');
    text
}

fn review_schema() -> schemars::Schema {
    schemars::schema_for!(Review)
}

fn result_schema() -> schemars::Schema {
    schemars::schema_for!(ResultDocument)
}

/// Compares (or, with `SCALEWISE_UPDATE_SCHEMAS` set, writes) one file.
#[expect(
    clippy::disallowed_methods,
    reason = "the test compares the committed schema files with the types"
)]
fn check_committed(name: &str, generated: &str) {
    let path = schema_path(name);
    if std::env::var_os(UPDATE_VAR).is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let first_line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "{} is out of date with the Rust types (first difference at line {}).\n\
             If the change is intended, regenerate the schemas and commit them:\n    {UPDATE_COMMAND}",
            path.display(),
            first_line + 1,
        );
    }
}

#[test]
fn committed_review_schema_is_up_to_date() {
    check_committed("review", &pretty(&review_schema()));
}

#[test]
fn committed_result_schema_is_up_to_date() {
    check_committed("result", &pretty(&result_schema()));
}

/// Follows a local `$ref` (`#/$defs/Name`) of `root`.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').unwrap();
            root.pointer(pointer)
                .unwrap_or_else(|| panic!("unresolved $ref {reference}"))
        }
        None => schema,
    }
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => value.is_u64() || value.is_i64(),
        other => panic!("unknown type {other}"),
    }
}

/// A light structural check (no validator dependency): `$ref`, `type`,
/// `enum`, `const`, `anyOf`/`oneOf`, `required`, `properties`,
/// `additionalProperties` and `items`. Returns the first problem's path.
fn conforms(root: &Value, schema: &Value, value: &Value, path: &str) -> Result<(), String> {
    let schema = resolve(root, schema);
    if let Value::Bool(allowed) = schema {
        return if *allowed {
            Ok(())
        } else {
            Err(format!("{path}: not allowed"))
        };
    }
    if let Some(types) = schema.get("type") {
        let ok = match types {
            Value::String(t) => type_matches(t, value),
            Value::Array(ts) => ts.iter().any(|t| type_matches(t.as_str().unwrap(), value)),
            _ => panic!("bad type in schema"),
        };
        if !ok {
            return Err(format!("{path}: {value} is not of type {types}"));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            return Err(format!("{path}: {value} is not one of {options:?}"));
        }
    }
    if let Some(constant) = schema.get("const") {
        if constant != value {
            return Err(format!("{path}: {value} is not {constant}"));
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let matching = options
                .iter()
                .filter(|o| conforms(root, o, value, path).is_ok())
                .count();
            if matching == 0 || (key == "oneOf" && matching > 1) {
                return Err(format!("{path}: {matching} of the {key} options match"));
            }
        }
    }
    if let Some(object) = value.as_object() {
        for key in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = key.as_str().unwrap();
            if !object.contains_key(key) {
                return Err(format!("{path}: required key {key:?} is missing"));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (key, item) in object {
            let item_path = format!("{path}.{key}");
            match (
                properties.and_then(|p| p.get(key)),
                schema.get("additionalProperties"),
            ) {
                (Some(property), _) => conforms(root, property, item, &item_path)?,
                (None, Some(Value::Bool(false))) => {
                    return Err(format!("{item_path}: key not in the schema"));
                }
                (None, Some(additional)) => conforms(root, additional, item, &item_path)?,
                (None, None) => {}
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            conforms(root, items, item, &format!("{path}[{i}]"))?;
        }
    }
    Ok(())
}

#[test]
fn the_example_review_has_every_required_top_level_key() {
    let schema = serde_json::to_value(review_schema()).unwrap();
    let example = serde_json::to_value(Review::example()).unwrap();
    let object = example.as_object().unwrap();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .expect("the review schema lists required keys")
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    for key in [
        "schema_version",
        "title",
        "scenario",
        "workload",
        "alternatives",
        "sla",
        "weights",
        "seed",
    ] {
        assert!(required.contains(&key), "{key} should be required");
    }
    // `submission` has a serde default, so it is optional.
    assert!(!required.contains(&"submission"));
    for key in &required {
        assert!(object.contains_key(*key), "example lacks required {key}");
    }
    let properties = schema["properties"].as_object().unwrap();
    assert_eq!(schema["additionalProperties"], Value::Bool(false));
    for key in object.keys() {
        assert!(properties.contains_key(key), "{key} is not in the schema");
    }
}

#[test]
fn the_example_review_conforms_to_the_review_schema() {
    let schema = serde_json::to_value(review_schema()).unwrap();
    let example = serde_json::to_value(Review::example()).unwrap();
    conforms(&schema, &schema, &example, "review").unwrap();
    // The check has teeth: an unknown field, a missing field, a wrong type.
    let mut extra = example.clone();
    extra["workload"]["surprise"] = Value::Bool(true);
    assert!(conforms(&schema, &schema, &extra, "review").is_err());
    let mut missing = example.clone();
    missing["sla"].as_object_mut().unwrap().remove("deadline_s");
    assert!(conforms(&schema, &schema, &missing, "review").is_err());
    let mut wrong = example.clone();
    wrong["alternatives"][0]["design"]["checkpoint"] = Value::String("sometimes".into());
    assert!(conforms(&schema, &schema, &wrong, "review").is_err());
}

#[test]
fn checkpoint_interval_schema_accepts_every_serde_form() {
    let schema = serde_json::to_value(review_schema()).unwrap();
    let interval = &schema["$defs"]["CheckpointInterval"];
    for form in [
        serde_json::json!("never"),
        serde_json::json!("auto"),
        serde_json::json!(600),
        serde_json::json!(90.5),
    ] {
        conforms(&schema, interval, &form, "checkpoint").unwrap();
        // And serde agrees.
        serde_json::from_value::<scalewise_core::review::CheckpointInterval>(form).unwrap();
    }
    for form in [serde_json::json!("hourly"), serde_json::json!(null)] {
        assert!(conforms(&schema, interval, &form, "checkpoint").is_err());
    }
}

#[test]
fn result_schema_describes_the_evidence_fully() {
    // No `serde_json::Value` placeholders left: the profile, timing and
    // calibration are described by their own definitions.
    let schema = serde_json::to_value(result_schema()).unwrap();
    for key in ["profile", "timing", "calibration"] {
        let property = &schema["properties"][key];
        assert!(
            property.get("$ref").is_some(),
            "result.{key} should reference its definition, got {property}"
        );
    }
    for name in ["DataProfile", "Profile", "Calibration", "Review"] {
        assert!(schema["$defs"].get(name).is_some(), "no $defs/{name}");
    }
}
