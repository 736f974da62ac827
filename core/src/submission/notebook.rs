//! The Jupyter notebook a student hands in (nbformat 4.5): the boundary and
//! method, the course's assignment workspace cell filled with this review's
//! values (with its output, as if run), the scoring table, the charts as PNG
//! outputs, the key numbers, the memo and how to reproduce it all.
//!
//! Cell ids are fixed names (`title`, `workspace`, `chart-1`, …), so the
//! same document always gives the same notebook. Python literals are
//! written by [`python_str`]; the notebook never embeds user text as code
//! any other way.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::analysis::result::{CourseAlternative, ResultDocument};

use super::format::{events, percent, score};
use super::memo::{bottleneck_text, crossover_volume, exported_memo};
use super::table::{markdown_cell, scoring_markdown};
use super::SubmissionError;
use crate::limits::{MAX_CHARTS, MAX_CHART_PNG_BASE64_CHARS};

/// A chart drawn by the page, as a PNG in base64 (no `data:` prefix).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartImage {
    pub title: String,
    pub png_base64: String,
}

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

/// Standard base64 (`A–Z a–z 0–9 + /`, `=` padding only at the end, length
/// a multiple of 4): what `image/png` outputs carry.
fn check_base64(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("is empty".to_string());
    }
    if !text.len().is_multiple_of(4) {
        return Err(format!(
            "is not base64: length {} is not a multiple of 4",
            text.len()
        ));
    }
    let body = text.trim_end_matches('=');
    if text.len() - body.len() > 2 {
        return Err("is not base64: too much `=` padding".to_string());
    }
    if let Some((i, c)) = body
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '+' || *c == '/'))
    {
        return Err(format!("is not base64: {c:?} at offset {i}"));
    }
    // A PNG starts with 0x89 'P' 'N' 'G', which is "iVBORw" in base64.
    if !text.starts_with("iVBORw") {
        return Err("is not a PNG (no PNG signature)".to_string());
    }
    Ok(())
}

fn check_charts(charts: &[ChartImage]) -> Result<(), SubmissionError> {
    if charts.len() > MAX_CHARTS {
        return Err(SubmissionError::TooManyCharts {
            count: charts.len(),
            max: MAX_CHARTS,
        });
    }
    for chart in charts {
        let title: String = chart.title.chars().take(80).collect();
        if chart.png_base64.len() > MAX_CHART_PNG_BASE64_CHARS {
            return Err(SubmissionError::InvalidChart {
                title,
                reason: format!(
                    "is {} characters of base64; the limit is {MAX_CHART_PNG_BASE64_CHARS}",
                    chart.png_base64.len()
                ),
            });
        }
        check_base64(&chart.png_base64)
            .map_err(|reason| SubmissionError::InvalidChart { title, reason })?;
    }
    Ok(())
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
    format!(
        "## Key numbers\n\n\
         - Crossover: {limit}.\n\
         - Bottleneck: {}\n\
         - Winner: {} with a weighted score of **{}**; stable in {} of ±{:.0}% weight \
           perturbations; TOPSIS {}.\n\
         - Answer: {}\n",
        markdown_cell(&bottleneck_text(doc, 60)),
        markdown_cell(&scoring.winner),
        score(winner_score),
        percent(scoring.sensitivity.winner_stable_share),
        scoring.sensitivity.spread * 100.0,
        if scoring.topsis.agrees_with_weighted_sum {
            "agrees"
        } else {
            "disagrees"
        },
        markdown_cell(&crossover.answer)
    )
}

/// The notebook (nbformat 4.5) for `doc` with the page's `charts`.
/// Fails when a chart is not a base64 PNG or there are too many.
pub fn notebook(doc: &ResultDocument, charts: &[ChartImage]) -> Result<Value, SubmissionError> {
    check_charts(charts)?;
    let review = &doc.reproducibility.review;
    let title = if review.title.trim().is_empty() {
        "Design review".to_string()
    } else {
        markdown_cell(&review.title)
    };
    let mut cells = vec![
        markdown(
            "title",
            &format!(
                "# {title}\n\n**Module {} question:** {}\n\n## Decision boundary\n\n{}\n\n## \
                 Method\n\nA real six-stage batch pipeline was profiled on synthetic pipeline \
                 events (seed {}), calibrated on {}; each alternative was projected onto its \
                 cluster (skew, shuffle, two-tier cache, failures and checkpoints, memory, cost), \
                 swept from {} to {} to find the crossover, and scored on six weighted criteria \
                 with sensitivity analysis and TOPSIS. Everything below is recomputable from the \
                 recorded review and calibration.\n",
                doc.module,
                markdown_cell(&doc.decision),
                markdown_cell(&review.scenario.boundary),
                review.seed,
                markdown_cell(&doc.calibration.environment),
                events(doc.crossover.config.min_events),
                events(doc.crossover.config.max_events),
            ),
        ),
        json!({
            "cell_type": "code",
            "id": "workspace",
            "metadata": {},
            "execution_count": 1,
            "source": source_lines(&workspace_source(doc)),
            "outputs": [{
                "output_type": "execute_result",
                "execution_count": 1,
                "metadata": {},
                "data": { "text/plain": source_lines(&workspace_repr(doc)) },
            }],
        }),
        markdown(
            "scoring",
            &format!("## Scoring table\n\n{}", scoring_markdown(doc)),
        ),
    ];
    for (i, chart) in charts.iter().enumerate() {
        let comment: String = chart
            .title
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        cells.push(json!({
            "cell_type": "code",
            "id": format!("chart-{}", i + 1),
            "metadata": {},
            "execution_count": null,
            "source": source_lines(&format!("# Chart: {comment} (drawn by Scalewise; the PNG is this cell's output)")),
            "outputs": [{
                "output_type": "display_data",
                "metadata": {},
                "data": {
                    "image/png": chart.png_base64,
                    "text/plain": [format!("<Figure: {comment}>")],
                },
            }],
        }));
    }
    cells.push(markdown("key-numbers", &key_numbers(doc)));
    let memo = exported_memo(doc);
    cells.push(markdown("memo", &memo));
    cells.push(markdown(
        "reproducibility",
        &format!(
            "## Reproducibility\n\n\
             - Digest (SHA-256): `{}`\n\
             - Seed: {}\n\
             - Tool: scalewise {} (result schema {})\n\
             - Calibration: {}\n\n\
             To verify, download the `.result.json` exported with this notebook and run \
             `scalewise verify FILE.result.json`: it recomputes every number from the recorded \
             review and calibration and prints \"reproduced\" when the digest matches.\n",
            doc.reproducibility.digest,
            doc.reproducibility.seed,
            markdown_cell(&doc.reproducibility.tool_version),
            doc.reproducibility.schema_version,
            markdown_cell(&doc.calibration.environment),
        ),
    ));
    Ok(json!({
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {
                "name": "python3",
                "display_name": "Python 3",
                "language": "python",
            },
            "language_info": { "name": "python" },
        },
        "cells": cells,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::result::tests::document;

    /// 1×1 transparent PNG.
    const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

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

    #[test]
    fn the_notebook_is_nbformat_4_5_with_unique_fixed_ids() {
        let charts = vec![
            ChartImage {
                title: "Crossover".to_string(),
                png_base64: PNG.to_string(),
            },
            ChartImage {
                title: "Stage times\n<b>".to_string(),
                png_base64: PNG.to_string(),
            },
        ];
        let nb = notebook(document(), &charts).unwrap();
        assert_eq!(nb["nbformat"], 4);
        assert_eq!(nb["nbformat_minor"], 5);
        assert_eq!(nb["metadata"]["kernelspec"]["name"], "python3");
        let cells = nb["cells"].as_array().unwrap();
        let ids: Vec<&str> = cells.iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            [
                "title",
                "workspace",
                "scoring",
                "chart-1",
                "chart-2",
                "key-numbers",
                "memo",
                "reproducibility"
            ]
        );
        for id in &ids {
            assert!(id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        }
        let text = |cell: &Value| -> String {
            cell["source"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap())
                .collect()
        };
        let workspace = text(&cells[1]);
        assert!(workspace.starts_with(
            "# Assignment workspace for Module 4: Distributed processing and scale\nmodule = 4\n"
        ));
        assert!(workspace.ends_with(
            "{\"module\": module, \"artifact\": artifact, \"alternatives\": alternatives, \
             \"recommendation\": recommendation}"
        ));
        assert!(workspace.contains("    \"decision\": decision,\n"));
        assert_eq!(cells[1]["outputs"][0]["output_type"], "execute_result");
        assert_eq!(cells[3]["outputs"][0]["data"]["image/png"], PNG);
        assert!(text(&cells[6]).contains("## Open questions"));
        assert!(text(&cells[7]).contains(&document().reproducibility.digest));
        assert!(text(&cells[7]).contains("scalewise verify"));
        // Deterministic.
        assert_eq!(notebook(document(), &charts).unwrap(), nb);
    }

    #[test]
    fn charts_must_be_base64_pngs() {
        for bad in ["", "iVBORw0", "iVBORw0KGgo<>==", "aGVsbG8=", "iVBORw0K===="] {
            let charts = [ChartImage {
                title: "c".to_string(),
                png_base64: bad.to_string(),
            }];
            let error = notebook(document(), &charts).unwrap_err();
            assert!(
                matches!(error, SubmissionError::InvalidChart { .. }),
                "{bad}: {error}"
            );
        }
        let many = vec![
            ChartImage {
                title: "c".to_string(),
                png_base64: PNG.to_string()
            };
            MAX_CHARTS + 1
        ];
        assert!(matches!(
            notebook(document(), &many),
            Err(SubmissionError::TooManyCharts { .. })
        ));
    }
}
