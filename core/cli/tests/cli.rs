//! The `scalewise` binary end to end: outputs, error messages, exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

fn scalewise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalewise"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A scratch file for this test, named after it.
fn scratch(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scalewise-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// The example with `events` events (all of them profiled), possibly edited.
fn review(name: &str, events: u64, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let mut value: serde_json::Value =
        serde_json::from_str(&stdout(&scalewise(&["example"]))).unwrap();
    value["workload"]["events"] = events.into();
    value["workload"]["sample_events"] = events.into();
    edit(&mut value);
    scratch(name, &value.to_string())
}

#[test]
fn example_is_a_valid_review() {
    let output = scalewise(&["example"]);
    assert_eq!(output.status.code(), Some(0));
    let review = scalewise_core::review::Review::from_json(&stdout(&output)).unwrap();
    assert_eq!(review.validate(), Ok(()));
}

#[test]
fn events_prints_csv_with_a_limit() {
    let path = review("events.json", 1_000, |_| {});
    let output = scalewise(&["events", path.to_str().unwrap(), "--limit", "3"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], scalewise_core::events::CSV_HEADER);
    assert!(lines[1].starts_with("0,"));
}

#[test]
fn run_then_replay_gives_the_same_output() {
    let path = review("run.json", 30_000, |_| {});
    let path = path.to_str().unwrap();
    let result =
        std::env::temp_dir().join(format!("scalewise-cli-{}/result.json", std::process::id()));
    let result = result.to_str().unwrap();
    let measured = scalewise(&["run", path, "-o", result, "--threads", "2"]);
    assert_eq!(measured.status.code(), Some(0), "{}", stderr(&measured));
    assert!(stderr(&measured).contains("bottleneck"));
    let first = std::fs::read_to_string(result).unwrap();
    // Replay from the run output itself, on another thread count.
    let replayed = scalewise(&["run", path, "--calibration", result, "--threads", "1"]);
    assert_eq!(replayed.status.code(), Some(0), "{}", stderr(&replayed));
    assert_eq!(stdout(&replayed).trim_end(), first.trim_end());
}

#[test]
fn invalid_input_names_the_field_and_exits_3() {
    let path = review("invalid.json", 1_000, |v| {
        v["alternatives"][1]["design"]["nodes"] = 0.into();
        v["workload"]["null_rate"] = 2.0.into();
    });
    let output = scalewise(&["run", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    let text = stderr(&output);
    assert!(
        text.contains("alternatives[1].design.nodes: must be ≥ 1, got 0"),
        "{text}"
    );
    assert!(text.contains("workload.null_rate"), "{text}");

    let unknown = review("unknown.json", 1_000, |v| {
        v["workload"]["eventz"] = 1.into()
    });
    let output = scalewise(&["events", unknown.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("unknown field `eventz`"),
        "{}",
        stderr(&output)
    );

    let broken = scratch("broken.json", "{\n  \"title\": ,\n}");
    let output = scalewise(&["run", broken.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("line 2, column 12"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn usage_and_io_errors_have_their_own_codes() {
    assert_eq!(scalewise(&[]).status.code(), Some(2));
    assert_eq!(scalewise(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(scalewise(&["run"]).status.code(), Some(2));
    assert_eq!(
        scalewise(&["run", "x.json", "--bogus", "1"]).status.code(),
        Some(2)
    );
    assert_eq!(
        scalewise(&["events", "x.json", "--limit", "many"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        scalewise(&["run", "/nonexistent/review.json"])
            .status
            .code(),
        Some(4)
    );
    let help = scalewise(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("EXIT CODES"));
}
