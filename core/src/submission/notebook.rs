//! The Jupyter notebook a student hands in (nbformat 4.5), runnable by a
//! grader with nothing but Python: it embeds the result document, loads the
//! evidence into pandas DataFrames, draws its charts with matplotlib and
//! re-derives and checks the result's deterministic numbers in plain Python
//! a student can follow — the scoring table and totals, the robustness
//! checks, TOPSIS, every projection, the crossing volumes and the sweep, and
//! the digest with the standard library — so that an altered number makes a
//! check cell fail, naming the field.
//!
//! **Runs offline with pinned packages.** The first code cell installs
//! [`REQUIREMENTS`] with `%pip` (the same list is in
//! `metadata.scalewise.requirements`); nothing else is imported but the
//! standard library. `scripts/notebook-check.sh` executes the exported
//! notebook in a fresh virtual environment with the network off, and a
//! tampered copy, which must fail.
//!
//! **Cells.** Fixed ids, so the same document always gives the same
//! notebook, and the page's and the CLI's exports are the same file. The
//! course's workspace cell (module, decision, artifact, alternatives,
//! recommendation) keeps the template's shape, with its output as the
//! template shows it. The Python of the check cells lives in
//! `notebook_cells/*.py`, one file per cell; the only generated code is the
//! embedded result (`RESULT`, JSON text in a raw string), the core's
//! constants the checks need (the scoring rule's, the projection's, the
//! crossing search's) and the section digests. Python literals of user text
//! are written by [`python_str`]; the notebook never embeds user text as
//! code any other way.
//!
//! **The projection checks.** `rederive-projection` recomputes every term
//! of every recorded projection (each alternative at the review's volume,
//! both designs at each crossing) from the review's design, the
//! calibration and the profile, checkpoints and failures in Daly's closed
//! form, and p50, p95, P(miss) and the billed cost by replaying the core's
//! Monte Carlo runs (the same generator and seed); only the cache hit rates
//! and the fitted σ and κ are read as recorded. `rederive-crossings` finds
//! every crossing volume again, as the core does (tenfold bracket, then
//! bisection of the log volume), on that Python projection, solves the
//! spill crossing in closed form too, and recomputes every sweep point.

use serde_json::{json, Value};

use crate::analysis::failure_modes::POLICY_FAILURE_RATE_KPI;
use crate::analysis::result::{CourseAlternative, ResultDocument};
use crate::analysis::scoring_table::COMPLEXITY_HALF_LIFE_POINTS;
use crate::format::{events, percent, score};

use super::memo::{bottleneck_text, crossover_volume, exported_memo};
use super::table::{markdown_cell, scoring_markdown};

/// The PyPI packages the notebook needs, pinned (versions known to install
/// and import together on CPython 3.10–3.13).
pub const REQUIREMENTS: [&str; 3] = ["numpy==2.2.6", "pandas==2.2.3", "matplotlib==3.10.3"];

/// The Python the notebook needs at least (the pinned packages').
pub const PYTHON_REQUIRES: &str = ">=3.10";

const IMPORTS: &str = include_str!("notebook_cells/imports.py");
const DATAFRAMES: &str = include_str!("notebook_cells/dataframes.py");
const SCORING: &str = include_str!("notebook_cells/scoring.py");
const SENSITIVITY: &str = include_str!("notebook_cells/sensitivity.py");
const TOPSIS: &str = include_str!("notebook_cells/topsis.py");
const PROJECTION: &str = include_str!("notebook_cells/projection.py");
const CROSSINGS: &str = include_str!("notebook_cells/crossings.py");
const DIGEST: &str = include_str!("notebook_cells/digest.py");
const CHARTS: &str = include_str!("notebook_cells/charts.py");

/// A Python string literal (double-quoted) for any text: backslash, quote
/// and control characters escaped, everything else (non-ASCII, non-BMP)
/// kept as UTF-8, which Python 3 source allows.
pub fn python_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            // C1 controls and the Unicode line/paragraph separators: valid
            // in a literal, but invisible; escaped for the reader.
            c if (0x80..0xa0).contains(&(c as u32)) || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Python's `repr` of a `str` (single quotes unless the text has `'` and no
/// `"`), for the workspace cell's `text/plain` output.
fn python_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn python_list(items: &[String], literal: fn(&str) -> String) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|i| literal(i))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The module's title for the workspace comment: the artifact's "focused on
/// <topic>:" clause (the course's phrasing), else the decision question.
fn module_topic(doc: &ResultDocument) -> String {
    let from_artifact = doc
        .artifact
        .split_once("focused on ")
        .and_then(|(_, rest)| rest.split_once(':'))
        .map(|(topic, _)| topic.trim().to_string())
        .filter(|t| !t.is_empty());
    let topic = from_artifact.unwrap_or_else(|| doc.decision.trim().to_string());
    let mut chars = topic.chars();
    let capitalised: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    // A comment is one line.
    capitalised
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn alternative_line(a: &CourseAlternative, literal: fn(&str) -> String) -> String {
    format!(
        "{{{}: {}, {}: {}, {}: {}, {}: {}}}",
        literal("option"),
        literal(&a.option),
        literal("strength"),
        literal(&a.strength),
        literal("risk"),
        literal(&a.risk),
        literal("evidence"),
        literal(&a.evidence)
    )
}

/// The course's assignment workspace cell, filled with `doc`'s values.
pub fn workspace_source(doc: &ResultDocument) -> String {
    let r = &doc.recommendation;
    let mut s = format!(
        "# Assignment workspace for Module {}: {}\n",
        doc.module,
        module_topic(doc)
    );
    s.push_str(&format!("module = {}\n", doc.module));
    s.push_str(&format!("decision = {}\n", python_str(&doc.decision)));
    s.push_str(&format!("artifact = {}\n", python_str(&doc.artifact)));
    s.push_str("alternatives = [\n");
    for a in &doc.alternatives {
        s.push_str(&format!("    {},\n", alternative_line(a, python_str)));
    }
    s.push_str("]\n");
    s.push_str("recommendation = {\n");
    s.push_str("    \"decision\": decision,\n");
    s.push_str(&format!(
        "    \"recommended_option\": {},\n",
        python_str(&r.recommended_option)
    ));
    s.push_str(&format!(
        "    \"minimum_evidence_before_pilot\": {},\n",
        python_list(&r.minimum_evidence_before_pilot, python_str)
    ));
    s.push_str(&format!(
        "    \"monitoring_metric\": {},\n",
        python_str(&r.monitoring_metric)
    ));
    s.push_str(&format!(
        "    \"rollback_trigger\": {},\n",
        python_str(&r.rollback_trigger)
    ));
    s.push_str("}\n");
    s.push_str(
        "{\"module\": module, \"artifact\": artifact, \"alternatives\": alternatives, \
         \"recommendation\": recommendation}",
    );
    s
}

/// What Python prints for the workspace cell's last expression (one line;
/// Jupyter would wrap it, with the same content).
fn workspace_repr(doc: &ResultDocument) -> String {
    let r = &doc.recommendation;
    let alternatives: Vec<String> = doc
        .alternatives
        .iter()
        .map(|a| alternative_line(a, python_repr))
        .collect();
    format!(
        "{{'module': {}, 'artifact': {}, 'alternatives': [{}], 'recommendation': {{'decision': \
         {}, 'recommended_option': {}, 'minimum_evidence_before_pilot': {}, \
         'monitoring_metric': {}, 'rollback_trigger': {}}}}}",
        doc.module,
        python_repr(&doc.artifact),
        alternatives.join(", "),
        python_repr(&doc.decision),
        python_repr(&r.recommended_option),
        python_list(&r.minimum_evidence_before_pilot, python_repr),
        python_repr(&r.monitoring_metric),
        python_repr(&r.rollback_trigger)
    )
}

/// nbformat's multi-line string: the lines, each but the last ending `\n`.
fn source_lines(text: &str) -> Value {
    let mut lines: Vec<Value> = text
        .split_inclusive('\n')
        .map(|l| Value::String(l.to_string()))
        .collect();
    if lines.is_empty() {
        lines.push(Value::String(String::new()));
    }
    Value::Array(lines)
}

fn markdown(id: &str, text: &str) -> Value {
    json!({
        "cell_type": "markdown",
        "id": id,
        "metadata": {},
        "source": source_lines(text),
    })
}

fn code(id: &str, text: &str) -> Value {
    json!({
        "cell_type": "code",
        "id": id,
        "metadata": {},
        "execution_count": null,
        "source": source_lines(text.trim_end()),
        "outputs": [],
    })
}

/// The result as JSON text safe inside a Python raw string `r'''…'''`:
/// serde_json's pretty form with every `'` (only possible inside strings)
/// and the invisible line separators written as JSON escapes, which
/// `json.loads` reads back as the same characters.
pub fn embedded_result_json(doc: &ResultDocument) -> String {
    doc.to_json_pretty()
        .replace('\'', "\\u0027")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

fn evidence_source(doc: &ResultDocument) -> String {
    format!(
        "# The result document Scalewise exported, embedded whole: every number below\n\
         # is read from it or re-derived from it.\n\
         RESULT = json.loads(\n    r'''\n{}\n'''\n)\n\
         REVIEW = RESULT[\"reproducibility\"][\"review\"]\n\
         OPTIONS = [p[\"option\"] for p in RESULT[\"projections\"]]\n\
         print(f\"{{len(OPTIONS)}} alternatives; result digest {{RESULT['reproducibility']['digest']}}\")\n",
        embedded_result_json(doc)
    )
}

/// The digest of each top-level section of the document (without
/// `reproducibility.digest`), so that the digest check can say which
/// section changed.
fn section_digests(doc: &ResultDocument) -> Vec<(String, String)> {
    let mut value = doc.to_value();
    if let Some(r) = value
        .get_mut("reproducibility")
        .and_then(Value::as_object_mut)
    {
        r.remove("digest");
    }
    value
        .as_object()
        .map(|object| {
            object
                .iter()
                .map(|(key, section)| (key.clone(), crate::digest::digest(section)))
                .collect()
        })
        .unwrap_or_default()
}

fn digest_source(doc: &ResultDocument) -> String {
    let mut s = String::from(
        "# Each top-level section's digest at export, to say which one changed.\nSECTION_DIGESTS = {\n",
    );
    for (key, digest) in section_digests(doc) {
        s.push_str(&format!(
            "    {}: {},\n",
            python_str(&key),
            python_str(&digest)
        ));
    }
    s.push_str("}\n\n");
    s.push_str(DIGEST);
    s
}

fn scoring_source() -> String {
    format!(
        "# The core's constants the checks need (from the code that exported this notebook).\n\
         POLICY_FAILURE_RATE_KPI = {POLICY_FAILURE_RATE_KPI:?}\n\
         COMPLEXITY_HALF_LIFE_POINTS = {COMPLEXITY_HALF_LIFE_POINTS:?}\n\n\n{SCORING}"
    )
}

/// The projection cell: the core's constants its formulas use, then the
/// Python.
fn projection_source() -> String {
    use crate::analysis::projection::MAX_REPORTED_S;
    use crate::analysis::{HASH_PARTITIONS, HOT_DOMAIN_FACTOR};
    use crate::events::RECORD_BYTES;
    use crate::limits::MIN_CHECKPOINT_INTERVAL_S;
    use crate::models::checkpoint::{MAX_SLOWDOWN, MAX_TOTAL_FAILURES, MAX_WORK_S};
    format!(
        "# The core's constants the projection needs (from the code that exported this notebook).\n\
         RECORD_BYTES = {RECORD_BYTES}  # an event's metadata record, shuffled with its payload\n\
         MIN_CHECKPOINT_INTERVAL_S = {MIN_CHECKPOINT_INTERVAL_S:?}\n\
         MAX_REPORTED_S = {MAX_REPORTED_S:?}  # makespans are capped here\n\
         HASH_PARTITIONS = {HASH_PARTITIONS}\n\
         HOT_DOMAIN_FACTOR = {HOT_DOMAIN_FACTOR:?}\n\
         # The Monte Carlo's guards against runs that never finish.\n\
         MAX_WORK_S = {MAX_WORK_S:?}\n\
         MAX_SLOWDOWN = {MAX_SLOWDOWN:?}\n\
         MAX_TOTAL_FAILURES = {MAX_TOTAL_FAILURES:?}\n\n\n{PROJECTION}"
    )
}

/// The crossings cell: the core's search settings, then the Python.
fn crossings_source() -> String {
    use crate::analysis::crossover::MAX_SEARCH_EVENTS;
    use crate::analysis_limits::{CROSSING_BISECTION_STEPS, CROSSING_RELATIVE_TOLERANCE};
    format!(
        "# The core's crossing search settings (from the code that exported this notebook).\n\
         CROSSING_RELATIVE_TOLERANCE = {CROSSING_RELATIVE_TOLERANCE:?}\n\
         CROSSING_BISECTION_STEPS = {CROSSING_BISECTION_STEPS}\n\
         MAX_SEARCH_EVENTS = {MAX_SEARCH_EVENTS:?}\n\n\n{CROSSINGS}"
    )
}

fn canonical_json_source() -> String {
    format!(
        "# RFC 8785 canonical JSON in the standard library (core/src/digest.rs documents\n\
         # the form): what Scalewise hashes to record its digests.\n\n\n{}",
        crate::digest::PYTHON_CANONICAL_JSON
    )
}

fn key_numbers(doc: &ResultDocument) -> String {
    let scoring = &doc.scoring;
    let winner_score = scoring
        .totals
        .iter()
        .find(|t| t.option == scoring.winner)
        .map_or(f64::NAN, |t| t.value);
    let crossover = &doc.crossover;
    let limit = match crossover.binding {
        Some(_) => format!(
            "{} stops being enough at **{}**",
            markdown_cell(&crossover.single_node_option),
            events(crossover_volume(doc))
        ),
        None => format!(
            "{} stays enough up to {} (the sweep's end)",
            markdown_cell(&crossover.single_node_option),
            events(crossover_volume(doc))
        ),
    };
    let infeasible: Vec<String> = scoring
        .feasibility
        .iter()
        .filter(|f| !f.feasible)
        .map(|f| {
            format!(
                "{} misses {}",
                markdown_cell(&f.option),
                markdown_cell(&f.misses.join(" and "))
            )
        })
        .collect();
    format!(
        "## Key numbers\n\n\
         - Crossover: {limit}.\n\
         - Bottleneck: {}\n\
         - Winner: {} with a weighted score of **{}**{}; it stays first in {} of the ±{} weight \
           perturbations and {} of the scoring rule's variants.\n\
         - TOPSIS: {}\n\
         - Answer: {}\n",
        markdown_cell(&bottleneck_text(doc, 60)),
        markdown_cell(&scoring.winner),
        score(winner_score),
        if infeasible.is_empty() {
            String::new()
        } else {
            format!(" ({})", infeasible.join("; "))
        },
        percent(scoring.sensitivity.winner_stable_share),
        percent(scoring.sensitivity.spread),
        percent(scoring.sensitivity.rule_stable_share),
        markdown_cell(&scoring.topsis.note),
        markdown_cell(&crossover.answer)
    )
}

/// The notebook (nbformat 4.5) for `doc`.
pub fn notebook(doc: &ResultDocument) -> Value {
    let review = &doc.reproducibility.review;
    let title = if review.title.trim().is_empty() {
        "Design review".to_string()
    } else {
        markdown_cell(&review.title)
    };
    let requirements: Vec<String> = REQUIREMENTS.iter().map(|r| (*r).to_string()).collect();
    let cells = vec![
        markdown(
            "title",
            &format!(
                "# {title}\n\n**Module {} question:** {}\n\n## Decision boundary\n\n{}\n\n## \
                 Method\n\nA real six-stage batch pipeline was profiled on synthetic pipeline \
                 events (seed {}), calibrated on {}; each alternative was projected onto its \
                 cluster (skew, shuffle, two-tier cache, failures and checkpoints, memory, cost), \
                 swept from {} to {} to find the crossover, and scored on six weighted criteria \
                 against their thresholds, with sensitivity analysis and TOPSIS.\n\n\
                 **Running this notebook** needs CPython {PYTHON_REQUIRES} and the packages the \
                 next cell pins, nothing else (it runs offline once they are installed). It \
                 embeds the result document and re-derives its numbers; a check that fails \
                 names the field that does not follow from the evidence.\n",
                doc.module,
                markdown_cell(&doc.decision),
                markdown_cell(&review.scenario.boundary),
                review.seed,
                markdown_cell(&doc.calibration.environment),
                events(doc.crossover.config.min_events),
                events(doc.crossover.config.max_events),
            ),
        ),
        code(
            "setup",
            &format!("%pip install --quiet {}", REQUIREMENTS.join(" ")),
        ),
        json!({
            "cell_type": "code",
            "id": "workspace",
            "metadata": {},
            "execution_count": null,
            "source": source_lines(&workspace_source(doc)),
            "outputs": [{
                "output_type": "execute_result",
                "execution_count": null,
                "metadata": {},
                "data": { "text/plain": source_lines(&workspace_repr(doc)) },
            }],
        }),
        markdown(
            "evidence-intro",
            "## The evidence\n\nThe result document, embedded whole, and its numbers as \
             DataFrames. `canonical_json` is the form its digest is computed over.\n",
        ),
        code("imports", IMPORTS),
        code("evidence", &evidence_source(doc)),
        code("canonical-json", &canonical_json_source()),
        code("dataframes", DATAFRAMES),
        markdown(
            "scoring",
            &format!("## Scoring table\n\n{}", scoring_markdown(doc)),
        ),
        markdown(
            "checks-intro",
            "## Checks\n\nEach cell re-derives part of the result from the evidence and \
             stops with an `AssertionError` naming the first field that disagrees: the scoring \
             table and totals, the robustness checks, TOPSIS, every projection (its terms and \
             its Monte Carlo runs), the crossing volumes and the sweep, then the digest over the \
             whole document.\n",
        ),
        code("rederive-scoring", &scoring_source()),
        code("rederive-sensitivity", SENSITIVITY),
        code("rederive-topsis", TOPSIS),
        code("rederive-projection", &projection_source()),
        code("rederive-crossings", &crossings_source()),
        code("check-digest", &digest_source(doc)),
        markdown("charts-intro", "## Charts\n"),
        code("charts", CHARTS),
        markdown("key-numbers", &key_numbers(doc)),
        markdown("memo", &exported_memo(doc)),
        markdown(
            "reproducibility",
            &format!(
                "## Reproducibility\n\n\
                 - Digest (SHA-256 of the result's canonical JSON, RFC 8785): `{}`\n\
                 - Seed: {}\n\
                 - Tool: scalewise {} (result schema {})\n\
                 - Calibration: {}\n\n\
                 Running this notebook checks the embedded result against itself: the numbers \
                 above follow from its evidence and it hashes to its digest. To recompute the \
                 evidence too, from the recorded review and calibration, run \
                 `scalewise verify FILE.result.json` on the `.result.json` exported with this \
                 notebook: it prints \"reproduced\" when the digest matches.\n",
                doc.reproducibility.digest,
                doc.reproducibility.seed,
                markdown_cell(&doc.reproducibility.tool_version),
                doc.reproducibility.schema_version,
                markdown_cell(&doc.calibration.environment),
            ),
        ),
    ];
    json!({
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {
                "name": "python3",
                "display_name": "Python 3",
                "language": "python",
            },
            "language_info": { "name": "python" },
            "scalewise": {
                "requirements": requirements,
                "python_requires": PYTHON_REQUIRES,
                "result_digest": doc.reproducibility.digest,
                "result_schema": doc.reproducibility.schema_version,
                "tool_version": doc.reproducibility.tool_version,
            },
        },
        "cells": cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::result::tests::document;

    #[test]
    fn python_literals_escape_what_python_needs() {
        assert_eq!(python_str("plain"), "\"plain\"");
        assert_eq!(python_str("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(python_str("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
        assert_eq!(python_str("'''"), "\"'''\"");
        assert_eq!(python_str("\u{0}\u{1b}\u{7f}"), "\"\\x00\\x1b\\x7f\"");
        assert_eq!(python_str("\u{2028}"), "\"\\u2028\"");
        assert_eq!(python_str("é 🦀 <script>"), "\"é 🦀 <script>\"");
        assert_eq!(python_repr("it's"), "\"it's\"");
        assert_eq!(python_repr("a'b\"c"), "'a\\'b\"c'");
    }

    fn text(cell: &Value) -> String {
        cell["source"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect()
    }

    #[test]
    fn the_notebook_is_nbformat_4_5_with_fixed_cells() {
        let nb = notebook(document());
        assert_eq!(nb["nbformat"], 4);
        assert_eq!(nb["nbformat_minor"], 5);
        assert_eq!(nb["metadata"]["kernelspec"]["name"], "python3");
        let cells = nb["cells"].as_array().unwrap();
        let ids: Vec<&str> = cells.iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            [
                "title",
                "setup",
                "workspace",
                "evidence-intro",
                "imports",
                "evidence",
                "canonical-json",
                "dataframes",
                "scoring",
                "checks-intro",
                "rederive-scoring",
                "rederive-sensitivity",
                "rederive-topsis",
                "rederive-projection",
                "rederive-crossings",
                "check-digest",
                "charts-intro",
                "charts",
                "key-numbers",
                "memo",
                "reproducibility"
            ]
        );
        // The first code cell installs exactly the pinned requirements the
        // metadata lists.
        let first_code = cells.iter().find(|c| c["cell_type"] == "code").unwrap();
        assert_eq!(
            text(first_code),
            "%pip install --quiet numpy==2.2.6 pandas==2.2.3 matplotlib==3.10.3"
        );
        assert_eq!(
            nb["metadata"]["scalewise"]["requirements"],
            json!(["numpy==2.2.6", "pandas==2.2.3", "matplotlib==3.10.3"])
        );
        assert_eq!(
            nb["metadata"]["scalewise"]["result_digest"],
            document().reproducibility.digest
        );
        // The course's workspace cell, in the template's shape.
        let workspace = text(&cells[2]);
        assert!(workspace.starts_with(
            "# Assignment workspace for Module 4: Distributed processing and scale\nmodule = 4\n"
        ));
        assert!(workspace.ends_with(
            "{\"module\": module, \"artifact\": artifact, \"alternatives\": alternatives, \
             \"recommendation\": recommendation}"
        ));
        assert!(workspace.contains("    \"decision\": decision,\n"));
        assert_eq!(cells[2]["outputs"][0]["output_type"], "execute_result");
        // Only the workspace cell assigns `module = ` at the start of a line.
        let assigning: Vec<&str> = cells
            .iter()
            .filter(|c| {
                c["cell_type"] == "code" && format!("\n{}", text(c)).contains("\nmodule = ")
            })
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(assigning, ["workspace"]);
        assert!(text(&cells[19]).contains("## Open questions"));
        assert!(text(&cells[20]).contains(&document().reproducibility.digest));
        // Deterministic.
        assert_eq!(notebook(document()), nb);
    }

    #[test]
    fn the_embedded_result_reads_back_as_the_document() {
        let nb = notebook(document());
        let evidence = text(&nb["cells"][5]);
        let start = evidence.find("r'''").unwrap() + 4;
        let end = evidence.rfind("'''").unwrap();
        let embedded = &evidence[start..end];
        assert!(!embedded.contains('\''));
        let parsed: ResultDocument = serde_json::from_str(embedded).unwrap();
        assert_eq!(&parsed, document());
        // Quotes and line separators in user text survive as escapes.
        let mut doc = document().clone();
        doc.decision = "it's ''' \u{2028} done\\".to_string();
        let text = embedded_result_json(&doc);
        assert!(!text.contains('\'') && !text.contains('\u{2028}'));
        let back: ResultDocument = serde_json::from_str(&text).unwrap();
        assert_eq!(back.decision, doc.decision);
    }

    #[test]
    fn the_check_cells_carry_the_cores_constants_and_section_digests() {
        let nb = notebook(document());
        let scoring = text(&nb["cells"][10]);
        assert!(scoring.starts_with("# The core's constants"));
        assert!(scoring.contains("POLICY_FAILURE_RATE_KPI = 0.01\n"));
        assert!(scoring.contains("COMPLEXITY_HALF_LIFE_POINTS = 4.0\n"));
        let projection = text(&nb["cells"][13]);
        assert!(projection.starts_with("# The core's constants the projection needs"));
        assert!(projection.contains("RECORD_BYTES = 64  #"));
        assert!(projection.contains("MIN_CHECKPOINT_INTERVAL_S = 1.0\n"));
        assert!(projection.contains("MAX_REPORTED_S = 1000000000000.0  #"));
        assert!(projection.contains("HASH_PARTITIONS = 200\n"));
        assert!(projection.contains("HOT_DOMAIN_FACTOR = 2.0\n"));
        assert!(projection.contains("MAX_WORK_S = 1000000000000.0\n"));
        assert!(projection.contains("MAX_SLOWDOWN = 1000000.0\n"));
        assert!(projection.contains("MAX_TOTAL_FAILURES = 100000000.0\n"));
        assert!(projection.contains("\ndef failure_free(model, cache, events):\n"));
        let crossings = text(&nb["cells"][14]);
        assert!(crossings.contains("CROSSING_RELATIVE_TOLERANCE = 1e-6\n"));
        assert!(crossings.contains("CROSSING_BISECTION_STEPS = 40\n"));
        assert!(crossings.contains("MAX_SEARCH_EVENTS = 1000000000000000.0\n"));
        assert!(crossings.contains("\ndef find_crossing(start_events, fails):\n"));
        let digest = text(&nb["cells"][15]);
        for (key, value) in section_digests(document()) {
            assert!(
                digest.contains(&format!("    \"{key}\": \"{value}\",\n")),
                "{key}"
            );
        }
        assert_eq!(
            section_digests(document()).len(),
            document().to_value().as_object().unwrap().len()
        );
    }
}
