//! The scoring table as files: CSV (RFC 4180, long format, safe to open in
//! a spreadsheet) and a GitHub Markdown table (safe to render), each
//! carrying the result document's digest (a `result_digest` column; the
//! Markdown's last line, [`trace_line`]).
//!
//! **CSV injection.** A spreadsheet runs a cell that starts with `=`, `+`,
//! `-`, `@`, tab or CR as a formula (OWASP "CSV injection"); [`csv_cell`]
//! prefixes such cells with `'`. A cell that is a plain number (`-0.25`,
//! `1.5e-7`) is left alone: a leading minus is then a sign, not a formula,
//! and escaping it would turn numbers into text. Every cell, numbers
//! included, goes through [`csv_cell`].

use crate::analysis::result::ResultDocument;
use crate::models::scoring::Scale;

use crate::format;

const CSV_HEADER: [&str; 13] = [
    "criterion",
    "unit",
    "higher_is_better",
    "scale",
    "threshold",
    "hard",
    "weight",
    "option",
    "raw",
    "utilisation",
    "value",
    "weighted",
    "result_digest",
];

/// `-?digits[.digits][e[+-]digits]`: what a spreadsheet reads as a number.
fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (body.get(..i).unwrap_or(""), body.get(i + 1..)),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (mantissa, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    digits(int) && frac.is_none_or(digits) && exponent_ok
}

/// One CSV cell: formula-like text prefixed with `'`, then quoted (quotes
/// doubled) when it holds `,`, `"`, CR or LF. Plain numbers pass unchanged.
pub fn csv_cell(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_plain_number(s);
    let text = if risky {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Numbers in CSV: shortest round-trip decimal (Rust's `Display`, never an
/// exponent, no locale); empty when not finite.
fn csv_number(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

fn csv_row(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A scale's kind and threshold (empty without one), as the CSV names them.
fn scale_cells(scale: &Scale) -> (String, String, String) {
    match *scale {
        Scale::AtMost { limit, hard } => ("at_most".into(), csv_number(limit), hard.to_string()),
        Scale::AtLeastShare { limit, hard } => {
            ("at_least_share".into(), csv_number(limit), hard.to_string())
        }
        Scale::Share => ("share".into(), String::new(), String::new()),
        Scale::FractionOf { reference } => {
            ("fraction_of".into(), csv_number(reference), String::new())
        }
        Scale::HalfLife { half_life, .. } => {
            ("half_life".into(), csv_number(half_life), String::new())
        }
    }
}

/// The scoring table, one row per criterion and option
/// (`criterion,unit,higher_is_better,scale,threshold,hard,weight,option,raw,
/// utilisation,value,weighted,result_digest`: the scale's kind and its
/// threshold or yardstick, weighted = weight × value), then one `total` row
/// per option with its weighted score in `weighted` (and weight 1) and
/// `hard` telling whether it meets every hard requirement. Every row carries
/// the result document's digest, so a row copied elsewhere still names the
/// result it comes from. CRLF line ends (RFC 4180).
pub fn scoring_csv(doc: &ResultDocument) -> String {
    let scoring = &doc.scoring;
    let digest = &doc.reproducibility.digest;
    let options: Vec<&str> = doc.projections.iter().map(|p| p.option.as_str()).collect();
    let mut out = csv_row(&CSV_HEADER.map(str::to_string));
    for row in &scoring.table {
        let (scale, threshold, hard) = scale_cells(&row.scale);
        for (i, option) in options.iter().enumerate() {
            let raw = row.raw.get(i).copied().unwrap_or(f64::NAN);
            let value = row.value.get(i).copied().unwrap_or(f64::NAN);
            let utilisation = row.utilisation.get(i).copied().flatten();
            out.push_str(&csv_row(&[
                row.id.clone(),
                row.unit.clone(),
                row.higher_is_better.to_string(),
                scale.clone(),
                threshold.clone(),
                hard.clone(),
                csv_number(row.weight),
                (*option).to_string(),
                csv_number(raw),
                utilisation.map_or_else(String::new, csv_number),
                csv_number(value),
                csv_number(row.weight * value),
                digest.clone(),
            ]));
        }
    }
    for total in &scoring.totals {
        let feasible = scoring
            .feasibility
            .iter()
            .find(|f| f.option == total.option)
            .is_some_and(|f| f.feasible);
        out.push_str(&csv_row(&[
            "total".to_string(),
            "weighted score".to_string(),
            "true".to_string(),
            "weighted_sum".to_string(),
            String::new(),
            feasible.to_string(),
            csv_number(1.0),
            total.option.clone(),
            String::new(),
            String::new(),
            String::new(),
            csv_number(total.value),
            digest.clone(),
        ]));
    }
    out
}

/// One Markdown table cell: characters that Markdown or HTML would
/// interpret are escaped (`|` `\` `*` `_` `` ` `` `[` `]` with a backslash;
/// `<` `>` `&` as entities), and line breaks become spaces, so user text can
/// neither inject HTML nor break the table.
pub fn markdown_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(' ');
            }
            '\n' => out.push(' '),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// How a scale reads in the Markdown table's "Scale" column.
fn scale_text(scale: &Scale, unit: &str) -> String {
    match *scale {
        Scale::AtMost { limit, hard } => format!(
            "≤ {}{}",
            format::with_unit(unit, limit),
            if hard { ", hard" } else { "" }
        ),
        Scale::AtLeastShare { limit, hard } => format!(
            "≥ {}{}",
            format::percent(limit),
            if hard { ", hard" } else { "" }
        ),
        Scale::Share => "the share itself".to_string(),
        Scale::FractionOf { reference } => {
            format!("1 − raw ÷ {}", format::with_unit(unit, reference))
        }
        Scale::HalfLife { best, half_life } => format!(
            "halves every {} above {}",
            format::number(half_life),
            format::number(best)
        ),
    }
}

/// The line that ties an export to its result document (see the module
/// docs of [`crate::submission`]).
pub fn trace_line(doc: &ResultDocument) -> String {
    let r = &doc.reproducibility;
    format!(
        "Result digest (SHA-256 of the result's canonical JSON, RFC 8785): `{}` · scalewise {} · \
         result schema {}",
        r.digest,
        markdown_cell(&r.tool_version),
        r.schema_version
    )
}

/// The scoring table as a GitHub Markdown table: per criterion its scale,
/// weight and per option the raw value and its value; a row with the
/// weighted totals and one with feasibility; then the winner, the
/// sensitivity, TOPSIS and the trace line.
pub fn scoring_markdown(doc: &ResultDocument) -> String {
    let scoring = &doc.scoring;
    let options: Vec<&str> = doc.projections.iter().map(|p| p.option.as_str()).collect();
    let mut header = vec![
        "Criterion".to_string(),
        "Scale".to_string(),
        "Weight".to_string(),
    ];
    for option in &options {
        header.push(format!("{} raw", markdown_cell(option)));
        header.push(format!("{} value", markdown_cell(option)));
    }
    let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
    let mut out = line(&header);
    let mut rule = vec!["---".to_string(), "---".to_string()];
    rule.extend(std::iter::repeat_n("---:".to_string(), header.len() - 2));
    out.push_str(&line(&rule));
    for row in &scoring.table {
        let mut cells = vec![
            markdown_cell(&row.label),
            markdown_cell(&scale_text(&row.scale, &row.unit)),
            format::percent(row.weight),
        ];
        for i in 0..options.len() {
            cells.push(markdown_cell(&format::with_unit(
                &row.unit,
                row.raw.get(i).copied().unwrap_or(f64::NAN),
            )));
            cells.push(format::score(row.value.get(i).copied().unwrap_or(f64::NAN)));
        }
        out.push_str(&line(&cells));
    }
    let mut totals = vec![
        "Weighted total".to_string(),
        String::new(),
        format::percent(scoring.table.iter().map(|r| r.weight).sum()),
    ];
    let mut feasibility = vec![
        "Meets the hard requirements".to_string(),
        String::new(),
        String::new(),
    ];
    for option in &options {
        let value = scoring
            .totals
            .iter()
            .find(|t| t.option == *option)
            .map_or(f64::NAN, |t| t.value);
        totals.push(String::new());
        totals.push(format!("**{}**", format::score(value)));
        let misses = scoring
            .feasibility
            .iter()
            .find(|f| f.option == *option)
            .map(|f| f.misses.clone())
            .unwrap_or_default();
        feasibility.push(String::new());
        feasibility.push(if misses.is_empty() {
            "yes".to_string()
        } else {
            format!("no: misses {}", markdown_cell(&misses.join(", ")))
        });
    }
    out.push_str(&line(&totals));
    out.push_str(&line(&feasibility));
    let winner_score = scoring
        .totals
        .iter()
        .find(|t| t.option == scoring.winner)
        .map_or(f64::NAN, |t| t.value);
    out.push_str(&format!(
        "\nWinner: {} (weighted score {}). It stays first in {} of {} random ±{} weight \
         perturbations and in {} of {} variants of the scoring rule. {}\n\n{}\n",
        markdown_cell(&scoring.winner),
        format::score(winner_score),
        format::percent(scoring.sensitivity.winner_stable_share),
        format::grouped(scoring.sensitivity.perturbations as f64),
        format::percent(scoring.sensitivity.spread),
        format::percent(scoring.sensitivity.rule_stable_share),
        scoring.sensitivity.rule_variants.len(),
        markdown_cell(&scoring.topsis.note),
        trace_line(doc),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_escaped_against_formulas_and_quoted() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("=1+2"), "'=1+2");
        assert_eq!(csv_cell("+1"), "+1".replacen('+', "'+", 1));
        assert_eq!(csv_cell("-cmd"), "'-cmd");
        assert_eq!(csv_cell("-1+2"), "'-1+2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "\"'\rx\"");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        // Plain numbers are numbers, minus sign included.
        for n in ["-0.25", "-3", "1.5e-7", "-2E+3", "0", "12.5"] {
            assert_eq!(csv_cell(n), n);
        }
        for text in ["-", "-.5", "-1.", "-e5", "-1e", "-1.2.3", "- 1"] {
            assert!(csv_cell(text).starts_with('\'') || csv_cell(text).starts_with("\"'"));
        }
    }

    #[test]
    fn markdown_cells_cannot_inject_html_or_break_the_table() {
        assert_eq!(
            markdown_cell("a|b\\c <script>alert(1)</script> & *x* _y_ `z` [l](u)\r\nnext\nline"),
            "a\\|b\\\\c &lt;script&gt;alert(1)&lt;/script&gt; &amp; \\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) next line"
        );
        assert_eq!(markdown_cell("plain text 1.5"), "plain text 1.5");
    }
}
