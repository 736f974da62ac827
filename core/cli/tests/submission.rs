//! The submission files end to end: `scalewise run`, then `scalewise
//! export`, then the files checked by the tools a student and a grader use
//! (Python's `json`, `ast` and `nbformat`), and `scalewise verify`.
//!
//! Needs `python3` with `nbformat` (`scripts/setup.sh test` installs it);
//! without them these tests fail and say so, they do not skip.
// Test code: a failed unwrap, expect or index is a failed test. (The
// workspace denies them in library code: the root Cargo.toml.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scalewise_core::analysis::result::ResultDocument;
use scalewise_core::format::{score, volume};
use scalewise_core::submission::memo::{check_memo, crossover_volume};

fn scalewise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalewise"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "scalewise-submission-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `python3 -c script args…`; fails the test with set-up advice when
/// Python or nbformat is missing.
fn python(script: &str, args: &[&str]) -> String {
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("python3 is needed by this test ({e}); run `scripts/setup.sh test` (the `make test` set-up)")
        });
    let stderr = text(&output.stderr);
    if stderr.contains("No module named 'nbformat'") {
        panic!(
            "Python's nbformat is needed by this test; run `scripts/setup.sh test` (the `make \
             test` set-up), which installs it"
        );
    }
    assert!(
        output.status.success(),
        "python3 failed: {stderr}\n{}",
        text(&output.stdout)
    );
    text(&output.stdout)
}

/// The example (small), edited, run with the CLI, exported; returns the
/// exported paths by suffix.
fn export(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> (PathBuf, Vec<PathBuf>) {
    let dir = dir(name);
    let mut review: serde_json::Value =
        serde_json::from_str(&text(&scalewise(&["example"]).stdout)).unwrap();
    review["workload"]["events"] = 20_000.into();
    review["workload"]["sample_events"] = 20_000.into();
    edit(&mut review);
    let review_path = dir.join("review.json");
    std::fs::write(&review_path, review.to_string()).unwrap();
    let result = dir.join("result.json");
    let run = scalewise(&[
        "run",
        review_path.to_str().unwrap(),
        "-o",
        result.to_str().unwrap(),
        "--threads",
        "1",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let out = dir.join("out");
    let exported = scalewise(&[
        "export",
        result.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--date",
        "2026-11-22",
    ]);
    assert_eq!(
        exported.status.code(),
        Some(0),
        "{}",
        text(&exported.stderr)
    );
    let paths: Vec<PathBuf> = text(&exported.stdout).lines().map(PathBuf::from).collect();
    (result, paths)
}

fn with_suffix<'a>(paths: &'a [PathBuf], suffix: &str) -> &'a Path {
    paths
        .iter()
        .find(|p| p.to_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no {suffix} in {paths:?}"))
}

#[test]
fn exported_files_load_in_python_and_validate_as_a_notebook() {
    let (result, paths) = export("example", |_| {});
    assert_eq!(paths.len(), 5, "{paths:?}");
    let stem = "module-4-design-review-when-does-scale-require-distributed-computation-2026-11-22";
    for suffix in [
        ".result.json",
        ".scoring.csv",
        ".scoring.md",
        ".memo.md",
        ".ipynb",
    ] {
        let path = with_suffix(&paths, suffix);
        assert!(path.is_file(), "{path:?}");
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with(&stem[..60]), "{name}");
        assert!(name.ends_with(&format!("2026-11-22{suffix}")), "{name}");
    }

    // (a) The result JSON: the assignment keys and their types.
    let checked = python(
        r###"
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
assert isinstance(doc["module"], int), doc["module"]
assert isinstance(doc["decision"], str) and doc["decision"]
assert isinstance(doc["artifact"], str) and doc["artifact"]
assert isinstance(doc["alternatives"], list) and len(doc["alternatives"]) >= 2
for a in doc["alternatives"]:
    assert sorted(a) == ["evidence", "option", "risk", "strength"], a
    assert all(isinstance(v, str) for v in a.values())
r = doc["recommendation"]
assert sorted(r) == ["decision", "minimum_evidence_before_pilot", "monitoring_metric",
                     "recommended_option", "rollback_trigger"], sorted(r)
assert r["decision"] == doc["decision"]
assert isinstance(r["minimum_evidence_before_pilot"], list)
assert all(isinstance(e, str) for e in r["minimum_evidence_before_pilot"])
assert isinstance(doc["memo"], str) and "## Open questions" in doc["memo"]
assert len(doc["reproducibility"]["digest"]) == 64
print("ok", doc["module"], len(doc["alternatives"]))
"###,
        &[with_suffix(&paths, ".result.json").to_str().unwrap()],
    );
    assert_eq!(checked.trim(), "ok 4 2");
    // The exported JSON is the run's result, and it verifies.
    let exported = std::fs::read_to_string(with_suffix(&paths, ".result.json")).unwrap();
    let original = std::fs::read_to_string(&result).unwrap();
    assert_eq!(exported.trim_end(), original.trim_end());
    let verified = scalewise(&[
        "verify",
        with_suffix(&paths, ".result.json").to_str().unwrap(),
    ]);
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stderr)
    );
    let lines: Vec<String> = text(&verified.stdout).lines().map(String::from).collect();
    assert!(lines[0].starts_with("reproduced (digest "), "{lines:?}");
    assert_eq!(lines[1], "audit chain: intact (0 entries)");

    // (b) The notebook validates with nbformat; the workspace cell is the
    // course template filled in, and is valid Python.
    let workspace = python(
        r###"
import ast, sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
assert nb.nbformat == 4 and nb.nbformat_minor == 5
cell = [c for c in nb.cells if c.get("id") == "workspace"][0]
assert cell.cell_type == "code"
ast.parse(cell.source)
assert cell.outputs[0].output_type == "execute_result"
print(cell.source)
"###,
        &[with_suffix(&paths, ".ipynb").to_str().unwrap()],
    );
    let document: ResultDocument = serde_json::from_str(&original).unwrap();
    assert!(workspace.starts_with(
        "# Assignment workspace for Module 4: Distributed processing and scale\nmodule = 4\n\
         decision = \"When does scale require distributed computation?\"\nartifact = \"AI data"
    ));
    assert!(workspace
        .contains("alternatives = [\n    {\"option\": \"single_node_baseline\", \"strength\": "));
    assert!(workspace
        .contains("recommendation = {\n    \"decision\": decision,\n    \"recommended_option\": "));
    assert!(workspace.contains(&format!(
        "\"recommended_option\": \"{}\"",
        document.recommendation.recommended_option
    )));
    assert!(workspace.trim_end().ends_with(
        "{\"module\": module, \"artifact\": artifact, \"alternatives\": alternatives, \"recommendation\": recommendation}"
    ));
    // Executing the workspace gives the document's own assignment object.
    let executed = python(
        r###"
import json, sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
source = [c for c in nb.cells if c.get("id") == "workspace"][0].source
lines = source.rstrip().split("\n")
scope = {}
exec("\n".join(lines[:-1]), scope)
value = eval(lines[-1], scope)
doc = json.load(open(sys.argv[2], encoding="utf-8"))
assert value["module"] == doc["module"]
assert value["artifact"] == doc["artifact"]
assert value["alternatives"] == doc["alternatives"]
assert value["recommendation"] == doc["recommendation"]
print("same")
"###,
        &[
            with_suffix(&paths, ".ipynb").to_str().unwrap(),
            with_suffix(&paths, ".result.json").to_str().unwrap(),
        ],
    );
    assert_eq!(executed.trim(), "same");

    // (d) The memo: six headings, 900–1200 words, the key numbers.
    let memo = std::fs::read_to_string(with_suffix(&paths, ".memo.md")).unwrap();
    let check = check_memo(&memo);
    assert!(check.missing_headings.is_empty(), "{check:?}");
    assert!(check.in_range, "{} words", check.word_count);
    // Projected volumes to two significant digits, as the page writes them.
    assert!(memo.contains(&format!("{} events", volume(crossover_volume(&document)))));
    assert!(memo.contains(document.timing.bottleneck.stage.label()));
    let winner = &document.scoring.winner;
    let winner_score = document
        .scoring
        .totals
        .iter()
        .find(|t| &t.option == winner)
        .unwrap()
        .value;
    assert!(memo.contains(&format!(
        "`{winner}` wins with a weighted score of {}",
        score(winner_score)
    )));
    // The memo file is the memo, then the digest in a closing comment.
    let trace = format!(
        "\n<!-- scalewise-result sha256:{} -->\n",
        document.reproducibility.digest
    );
    assert_eq!(
        memo.strip_suffix(&trace),
        Some(format!("{}\n", document.memo.trim_end()).as_str())
    );
    // The Markdown table and every CSV row name the same result.
    let md = std::fs::read_to_string(with_suffix(&paths, ".scoring.md")).unwrap();
    assert!(md.trim_end().ends_with(&format!(
        "`{}` · scalewise {} · result schema {}",
        document.reproducibility.digest,
        document.reproducibility.tool_version,
        document.reproducibility.schema_version
    )));
    let csv = std::fs::read_to_string(with_suffix(&paths, ".scoring.csv")).unwrap();
    assert!(csv
        .lines()
        .skip(1)
        .all(|line| line.ends_with(&document.reproducibility.digest)));
}

#[test]
fn hostile_text_stays_data_in_csv_markdown_and_python() {
    let hostile = "=HYPERLINK(\"x\")";
    let (_, paths) = export("hostile", |review| {
        review["alternatives"][0]["option"] = hostile.into();
        review["alternatives"][1]["strength"] =
            "quote \" backslash \\ triple ''' \"\"\" newline\nand <script>alert(1)</script> ${x} {y}".into();
        review["title"] = "<b>Title</b> with \\ and \"quotes\"".into();
        review["scenario"]["decision"] = "Why?\r\n\tNo '''idea'''\\".into();
    });
    // (c) CSV: the option escaped (leading quote) and quoted (doubled quotes).
    let csv = std::fs::read_to_string(with_suffix(&paths, ".scoring.csv")).unwrap();
    assert!(csv.contains(",\"'=HYPERLINK(\"\"x\"\")\","), "{csv}");
    assert!(!csv.contains(",=HYPERLINK"));
    let rows = python(
        r###"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows[0] == ["criterion", "unit", "higher_is_better", "scale", "threshold", "hard", "weight",
                   "option", "raw", "utilisation", "value", "weighted", "result_digest"], rows[0]
assert all(len(r) == 13 for r in rows)
options = sorted({r[7] for r in rows[1:]})
print(options[0])
for r in rows[1:]:
    for cell in (r[4], r[8], r[9], r[10]):
        if cell:
            float(cell)
    float(r[11])
    assert len(r[12]) == 64
"###,
        &[with_suffix(&paths, ".scoring.csv").to_str().unwrap()],
    );
    assert_eq!(rows.trim(), "'=HYPERLINK(\"x\")");
    // Markdown: no raw HTML, the table intact.
    let md = std::fs::read_to_string(with_suffix(&paths, ".scoring.md")).unwrap();
    assert!(!md.contains('<'), "{md}");
    // Python: the workspace parses and round-trips the hostile strings.
    let same = python(
        r###"
import ast, json, sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
source = [c for c in nb.cells if c.get("id") == "workspace"][0].source
ast.parse(source)
lines = source.rstrip().split("\n")
scope = {}
exec("\n".join(lines[:-1]), scope)
doc = json.load(open(sys.argv[2], encoding="utf-8"))
assert scope["alternatives"] == doc["alternatives"]
assert scope["decision"] == doc["decision"]
# The embedded result is Python that reads back as the document, hostile
# text and all.
evidence = [c for c in nb.cells if c.get("id") == "evidence"][0].source
ast.parse(evidence)
scope = {"json": json}
exec(evidence, scope)
assert scope["RESULT"] == doc
print("same")
"###,
        &[
            with_suffix(&paths, ".ipynb").to_str().unwrap(),
            with_suffix(&paths, ".result.json").to_str().unwrap(),
        ],
    );
    assert_eq!(same.trim().lines().last(), Some("same"), "{same}");
    // The file names stay portable.
    for path in &paths {
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with("b-title-b-with-and-quotes-2026-11-22."),
            "{name}"
        );
    }
}

#[test]
fn export_rejects_a_bad_date_and_a_non_result() {
    let dir = dir("bad");
    let not_result = dir.join("review.json");
    std::fs::write(&not_result, text(&scalewise(&["example"]).stdout)).unwrap();
    let output = scalewise(&["export", not_result.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    assert!(text(&output.stderr).contains("not a result document"));
    let output = scalewise(&["export", "x.json", "--date", "2026-02-30", "--bogus", "1"]);
    assert_eq!(output.status.code(), Some(2));
}
