//! The scoring table as files: CSV (RFC 4180, long format, safe to open in
//! a spreadsheet) and a GitHub Markdown table (safe to render).
//!
//! **CSV injection.** A spreadsheet runs a cell that starts with `=`, `+`,
//! `-`, `@`, tab or CR as a formula (OWASP "CSV injection"); [`csv_cell`]
//! prefixes such cells with `'`. A cell that is a plain number (`-0.25`,
//! `1.5e-7`) is left alone: a leading minus is then a sign, not a formula,
//! and escaping it would turn numbers into text. Every cell, numbers
//! included, goes through [`csv_cell`].

use crate::analysis::result::ResultDocument;

use super::format;

const CSV_HEADER: [&str; 8] = [
    "criterion",
    "unit",
    "higher_is_better",
    "weight",
    "option",
    "raw",
    "normalised",
    "weighted",
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

/// The scoring table, one row per criterion and option
/// (`criterion,unit,higher_is_better,weight,option,raw,normalised,weighted`,
/// weighted = weight × normalised), then one `total` row per option with its
/// weighted score in `weighted` (and weight 1). CRLF line ends (RFC 4180).
pub fn scoring_csv(doc: &ResultDocument) -> String {
    let scoring = &doc.scoring;
    let options: Vec<&str> = doc.projections.iter().map(|p| p.option.as_str()).collect();
    let mut out = csv_row(&CSV_HEADER.map(str::to_string));
    for row in &scoring.table {
        for (i, option) in options.iter().enumerate() {
            let raw = row.raw.get(i).copied().unwrap_or(f64::NAN);
            let normalised = row.normalised.get(i).copied().unwrap_or(f64::NAN);
            out.push_str(&csv_row(&[
                row.id.clone(),
                row.unit.clone(),
                row.higher_is_better.to_string(),
                csv_number(row.weight),
                (*option).to_string(),
                csv_number(raw),
                csv_number(normalised),
                csv_number(row.weight * normalised),
            ]));
        }
    }
    for total in &scoring.totals {
        out.push_str(&csv_row(&[
            "total".to_string(),
            "weighted score".to_string(),
            "true".to_string(),
            csv_number(1.0),
            total.option.clone(),
            String::new(),
            String::new(),
            csv_number(total.value),
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

/// The scoring table as a GitHub Markdown table: per criterion its unit,
/// direction and weight, then per option the raw value and the normalised
/// score; a last row with the weighted totals; then the winner, sensitivity
/// and TOPSIS in one line.
pub fn scoring_markdown(doc: &ResultDocument) -> String {
    let scoring = &doc.scoring;
    let options: Vec<&str> = doc.projections.iter().map(|p| p.option.as_str()).collect();
    let mut header = vec![
        "Criterion".to_string(),
        "Unit".to_string(),
        "Better".to_string(),
        "Weight".to_string(),
    ];
    for option in &options {
        header.push(format!("{} raw", markdown_cell(option)));
        header.push(format!("{} score", markdown_cell(option)));
    }
    let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
    let mut out = line(&header);
    let mut rule = vec!["---".to_string(), "---".to_string(), "---".to_string()];
    rule.extend(std::iter::repeat_n("---:".to_string(), header.len() - 3));
    out.push_str(&line(&rule));
    for row in &scoring.table {
        let mut cells = vec![
            markdown_cell(&row.label),
            markdown_cell(&row.unit),
            if row.higher_is_better {
                "higher".to_string()
            } else {
                "lower".to_string()
            },
            format::percent(row.weight),
        ];
        for i in 0..options.len() {
            cells.push(format::sig(row.raw.get(i).copied().unwrap_or(f64::NAN)));
            cells.push(format::score(
                row.normalised.get(i).copied().unwrap_or(f64::NAN),
            ));
        }
        out.push_str(&line(&cells));
    }
    let mut totals = vec![
        "Weighted total".to_string(),
        String::new(),
        "higher".to_string(),
        format::percent(scoring.table.iter().map(|r| r.weight).sum()),
    ];
    for option in &options {
        let value = scoring
            .totals
            .iter()
            .find(|t| t.option == *option)
            .map_or(f64::NAN, |t| t.value);
        totals.push(String::new());
        totals.push(format!("**{}**", format::score(value)));
    }
    out.push_str(&line(&totals));
    let winner_score = scoring
        .totals
        .iter()
        .find(|t| t.option == scoring.winner)
        .map_or(f64::NAN, |t| t.value);
    out.push_str(&format!(
        "\nWinner: {} (weighted score {}); it stays first in {} of {} ±{:.0}% weight \
         perturbations; TOPSIS {} (its winner: {}).\n",
        markdown_cell(&scoring.winner),
        format::score(winner_score),
        format::percent(scoring.sensitivity.winner_stable_share),
        scoring.sensitivity.perturbations,
        scoring.sensitivity.spread * 100.0,
        if scoring.topsis.agrees_with_weighted_sum {
            "agrees"
        } else {
            "disagrees"
        },
        markdown_cell(&scoring.topsis.winner),
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
