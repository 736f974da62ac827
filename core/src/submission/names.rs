//! Export file names: a slug of the review's title and the date, so that a
//! folder of downloads sorts by review and day
//! (`checkout-events-review-2026-11-22.memo.md`).

use super::SubmissionError;

/// Longest slug of the title (the date and the suffix come on top).
pub const MAX_SLUG_CHARS: usize = 60;

/// Lowercase ASCII slug: alphanumerics kept, runs of anything else become
/// one `-`, trimmed, at most [`MAX_SLUG_CHARS`]; `review` when nothing is
/// left. Non-ASCII letters count as separators (file names stay portable).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if out.len() >= MAX_SLUG_CHARS {
                break;
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            if out.len() + 1 >= MAX_SLUG_CHARS {
                break;
            }
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "review".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Checks `YYYY-MM-DD` (a real calendar date, years 1000–9999).
pub fn validate_date(date: &str) -> Result<(), SubmissionError> {
    let bad = || SubmissionError::InvalidDate {
        date: date.chars().take(40).collect(),
    };
    let bytes = date.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return Err(bad());
    }
    let number = |range: std::ops::Range<usize>| -> Result<u32, SubmissionError> {
        let part = date.get(range).ok_or_else(bad)?;
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse().map_err(|_| bad())
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if year < 1000 || day == 0 || day > days {
        return Err(bad());
    }
    Ok(())
}

/// `{slug(title)}-{date}`, e.g. `checkout-events-review-2026-11-22`.
pub fn file_stem(title: &str, date: &str) -> Result<String, SubmissionError> {
    validate_date(date)?;
    Ok(format!("{}-{date}", slug(title)))
}

/// The export names of one stem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportNames {
    pub result_json: String,
    pub scoring_csv: String,
    pub scoring_md: String,
    pub memo_md: String,
    pub notebook: String,
}

impl ExportNames {
    pub fn new(stem: &str) -> ExportNames {
        ExportNames {
            result_json: format!("{stem}.result.json"),
            scoring_csv: format!("{stem}.scoring.csv"),
            scoring_md: format!("{stem}.scoring.md"),
            memo_md: format!("{stem}.memo.md"),
            notebook: format!("{stem}.ipynb"),
        }
    }

    /// `{stem}.chart-<slug of the chart title>.png`.
    pub fn chart_png(stem: &str, chart_title: &str) -> String {
        format!("{stem}.chart-{}.png", slug(chart_title))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_portable_slugs_with_the_date() {
        assert_eq!(
            file_stem("Checkout events review", "2026-11-22").unwrap(),
            "checkout-events-review-2026-11-22"
        );
        assert_eq!(
            file_stem("  --Módulo 4: «scale»?!  ", "2024-02-29").unwrap(),
            "m-dulo-4-scale-2024-02-29"
        );
        assert_eq!(file_stem("", "2026-01-01").unwrap(), "review-2026-01-01");
        assert_eq!(file_stem("???", "2026-01-01").unwrap(), "review-2026-01-01");
        assert_eq!(
            file_stem("../../etc/passwd", "2026-01-01").unwrap(),
            "etc-passwd-2026-01-01"
        );
        let long = file_stem(&"ab ".repeat(100), "2026-01-01").unwrap();
        assert!(long.len() <= MAX_SLUG_CHARS + 11, "{long}");
        assert!(!long.contains("--"));
        assert!(!long.starts_with('-'));
        assert!(long.ends_with("b-2026-01-01"), "{long}");
    }

    #[test]
    fn dates_are_checked() {
        for bad in [
            "2026-13-01",
            "2026-02-29",
            "2026-1-01",
            "26-01-01",
            "2026-01-32",
            "2026-00-10",
            "2026/01/01",
            "x",
            "2026-01-0١",
        ] {
            assert!(file_stem("t", bad).is_err(), "{bad}");
        }
        assert!(file_stem("t", "2000-02-29").is_ok());
    }

    #[test]
    fn names() {
        let names = ExportNames::new("s-2026-01-01");
        assert_eq!(names.notebook, "s-2026-01-01.ipynb");
        assert_eq!(names.result_json, "s-2026-01-01.result.json");
        assert_eq!(
            ExportNames::chart_png("s", "Crossover: makespan vs volume"),
            "s.chart-crossover-makespan-vs-volume.png"
        );
    }
}
