//! The `scalewise` binary end to end: outputs, error messages, and every
//! exit code that `--help` documents, each produced by the real binary.
// Test code: a failed unwrap, expect or index is a failed test. (The
// workspace denies them in library code: the root Cargo.toml.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use scalewise_cli::EXIT_CODES;

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

/// This test process's scratch directory.
fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scalewise-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A scratch file for this test, named after it.
fn scratch(name: &str, contents: &str) -> PathBuf {
    let path = scratch_dir().join(name);
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

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs `args` and checks the exit code and that stderr contains `needle`.
fn check(args: &[&str], code: i32, needle: &str) {
    let output = scalewise(args);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(code), "{args:?}: {text}");
    assert!(text.contains(needle), "{args:?}: {text}");
    if code != 0 {
        // After any progress lines (`run`), the error.
        assert!(
            text.lines().any(|line| line.starts_with("error: ")),
            "{args:?}: {text}"
        );
    }
}

/// A small run's result document, written once per test process.
fn result_file() -> PathBuf {
    static RESULT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    RESULT
        .get_or_init(|| {
            let review = review("for-result.json", 20_000, |_| {});
            let result = scratch_dir().join("result.json");
            let run = scalewise(&["run", path(&review), "-o", path(&result), "--threads", "1"]);
            assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
            result
        })
        .clone()
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
    let result = scratch_dir().join("run-result.json");
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
fn help_lists_every_exit_code_and_every_command() {
    for args in [&["--help"][..], &["help"], &["-h"]] {
        let help = scalewise(args);
        assert_eq!(help.status.code(), Some(0));
        let text = stdout(&help);
        assert!(text.contains(EXIT_CODES), "{text}");
        for command in [
            "example", "events", "run", "verify", "export", "usl", "model", "bench",
        ] {
            assert!(text.contains(&format!("  {command} ")), "{command}: {text}");
        }
    }
    // The codes listed are exactly the ones tested below.
    let listed: Vec<&str> = EXIT_CODES
        .lines()
        .filter_map(|line| line.strip_prefix("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|word| word.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(listed, ["0", "1", "2", "3", "4"]);
    let run = scalewise(&["help", "run"]);
    assert_eq!(run.status.code(), Some(0));
    assert!(stdout(&run).contains("--calibration <CAL.json>"));
}

#[test]
fn exit_0_success_and_exit_1_a_result_that_does_not_reproduce() {
    let result = result_file();
    let verified = scalewise(&["verify", path(&result)]);
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
    assert!(stdout(&verified).starts_with("reproduced (digest "));

    let mut tampered: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&result).unwrap()).unwrap();
    let cost = &mut tampered["projections"][1]["cost_per_run_usd"];
    *cost = (cost.as_f64().unwrap() + 1.0).into();
    let tampered = scratch("tampered.json", &tampered.to_string());
    check(
        &["verify", path(&tampered)],
        1,
        "differs at projections[1].cost_per_run_usd",
    );
    let output = scalewise(&["verify", path(&tampered)]);
    assert!(stderr(&output).contains("\naudit chain: intact"));
}

#[test]
fn exit_2_usage_errors() {
    let example = review("usage.json", 1_000, |_| {});
    let example = path(&example);
    for (args, needle) in [
        (&[][..], "requires a subcommand"),
        (&["frobnicate"], "unrecognized subcommand 'frobnicate'"),
        (&["run"], "<REVIEW.json>"),
        (&["run", example, "--bogus", "1"], "'--bogus'"),
        (&["run", example, "--threads", "0"], "--threads"),
        (&["run", example, "--threads", "1025"], "--threads"),
        (
            &["run", example, "-o", "a.json", "-o", "b.json"],
            "cannot be used multiple times",
        ),
        (&["run", example, "extra.json"], "'extra.json'"),
        (&["events", example, "--limit", "many"], "--limit"),
        (&["export", example, "--date", "2026-02-30"], "YYYY-MM-DD"),
        (&["verify"], "<RESULT.json>"),
        (&["usl"], "<POINTS.csv>"),
        (&["model"], "requires a subcommand"),
        (&["model", "queue"], "'queue'"),
        (&["model", "cache", "--capacity", "10"], "--catalog"),
        (&["bench", "--events", "0"], "--events"),
        (&["bench", "--repeat", "0"], "--repeat"),
        (&["bench", "--json", "--json"], "--json"),
    ] {
        check(args, 2, needle);
    }
}

#[test]
fn exit_3_invalid_input_names_the_field() {
    let invalid = review("invalid.json", 1_000, |v| {
        v["alternatives"][1]["design"]["nodes"] = 0.into();
        v["workload"]["null_rate"] = 2.0.into();
    });
    check(
        &["run", path(&invalid)],
        3,
        "alternatives[1].design.nodes: must be ≥ 1, got 0",
    );
    // Every problem, one `error:` line each.
    check(
        &["run", path(&invalid)],
        3,
        "error: workload.null_rate: must be ≤ 1",
    );
    let unknown = review("unknown.json", 1_000, |v| {
        v["workload"]["eventz"] = 1.into()
    });
    check(&["events", path(&unknown)], 3, "unknown field `eventz`");
    let broken = scratch("broken.json", "{\n  \"title\": ,\n}");
    check(&["run", path(&broken)], 3, "line 2, column 12");
    let huge = scratch(
        "huge.json",
        &" ".repeat(scalewise_core::limits::MAX_REVIEW_BYTES + 1),
    );
    check(&["run", path(&huge)], 3, "the limit is");
    check(&["export", path(&invalid)], 3, "not a result document");
    check(&["verify", path(&invalid)], 3, "not a result document");
    let points = scratch("points.csv", "workers,throughput\n1,100\n2,abc\n");
    check(&["usl", path(&points)], 3, "line 3");
    check(
        &[
            "model",
            "cache",
            "--capacity",
            "10",
            "--catalog",
            "100",
            "--alpha",
            "-1",
            "--requests",
            "10",
        ],
        3,
        "alpha",
    );
    let calibration = scratch("calibration.json", "{\"calibration\": 1}");
    let example = review("with-calibration.json", 1_000, |_| {});
    check(
        &["run", path(&example), "--calibration", path(&calibration)],
        3,
        "not a calibration or run output",
    );
}

#[test]
fn exit_4_io_errors_for_every_file_a_command_reads_or_writes() {
    let missing = "/nonexistent/file.json";
    for command in ["run", "events", "verify", "export", "usl"] {
        check(&[command, missing], 4, "cannot read /nonexistent/file.json");
    }
    let example = review("io.json", 1_000, |_| {});
    check(
        &["run", path(&example), "--calibration", missing],
        4,
        "cannot read /nonexistent/file.json",
    );
    check(
        &["run", path(&example), "-o", "/nonexistent/dir/result.json"],
        4,
        "cannot write /nonexistent/dir/result.json",
    );
    // A regular file where the output directory should be.
    let file = scratch("not-a-dir", "");
    let inside = format!("{}/out", path(&file));
    check(
        &["export", path(&result_file()), "--out", &inside],
        4,
        "cannot create",
    );
}

#[test]
fn exit_4_when_stdout_cannot_be_written_and_0_when_it_is_closed() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not Linux: no device that fails every write
    };
    let output = Command::new(env!("CARGO_BIN_EXE_scalewise"))
        .arg("example")
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(stderr(&output).contains("cannot write stdout"));

    // `scalewise events r.json | head -1`: the reader leaves early.
    let example = review("pipe.json", 100_000, |_| {});
    let mut child = Command::new(env!("CARGO_BIN_EXE_scalewise"))
        .args(["events", path(&example)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// The `seed` of the JSON `text` as `program` reads it: `program flag
/// script` reads the JSON on stdin and prints the seed.
fn read_seed(program: &str, flag: &str, script: &str, text: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(program)
        .args([flag, script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("{program} is needed by this test ({e}); run `scripts/setup.sh test` (the `make test` set-up)")
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{program} failed");
    stdout(&output).trim().to_string()
}

/// JavaScript's `JSON.parse`, and Python once the number passes through a
/// float (pandas, NumPy, a spreadsheet), read JSON numbers as doubles: the
/// largest seed `validate` accepts reads back exactly, the next seeds above
/// it do not, and those are refused (exit 3, naming `seed`).
#[test]
fn seeds_stop_where_javascript_and_python_stop_reading_them_exactly() {
    let javascript = |text: &str| {
        read_seed(
            "node",
            "-e",
            "let s = ''; process.stdin.on('data', d => s += d).on('end', () => \
             console.log(BigInt(JSON.parse(s).seed).toString()))",
            text,
        )
    };
    let python = |text: &str| {
        read_seed(
            "python3",
            "-c",
            "import json, sys; print(int(float(json.load(sys.stdin)['seed'])))",
            text,
        )
    };
    let max = scalewise_core::limits::MAX_SEED;
    let largest = review("largest-seed.json", 1_000, |v| v["seed"] = max.into());
    check(&["events", path(&largest), "--limit", "1"], 0, "");
    let text = std::fs::read_to_string(&largest).unwrap();
    assert_eq!(javascript(&text), max.to_string());
    assert_eq!(python(&text), max.to_string());

    // 2^53 + 1 reads back as 2^53: another seed, another run.
    let above = max + 2;
    let beyond = review("seed-above.json", 1_000, |v| v["seed"] = above.into());
    let text = std::fs::read_to_string(&beyond).unwrap();
    assert_eq!(javascript(&text), (max + 1).to_string());
    assert_eq!(python(&text), (max + 1).to_string());
    check(
        &["run", path(&beyond)],
        3,
        "error: seed: must be ≤ 9007199254740991, got 9007199254740993",
    );
    let next = review("seed-next.json", 1_000, |v| v["seed"] = (max + 1).into());
    check(&["events", path(&next)], 3, "error: seed:");
}
