//! `scalewise export RESULT.json [--out DIR] [--date YYYY-MM-DD]`: writes the
//! submission files of a result document (`scalewise_core::submission::
//! export_files`: result JSON, scoring CSV and Markdown, memo, notebook)
//! into DIR and prints their paths. The notebook is the page's, byte for
//! byte: it draws its charts itself when run.

use std::io::Write;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use scalewise_core::analysis::result::ResultDocument;
use scalewise_core::limits::MAX_IMPORT_BYTES;
use scalewise_core::submission::export_files;
use scalewise_core::submission::names::validate_date;

use crate::{print, read_text, Error};

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// A result document (`scalewise run`'s output), at most 8 MiB.
    #[arg(value_name = "RESULT.json")]
    pub result: PathBuf,
    /// Where to write the files (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// The date in the file names (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<String>,
}

/// `--date`: a calendar date, checked as the export names check it.
fn parse_date(text: &str) -> Result<String, String> {
    validate_date(text).map_err(|e| e.to_string())?;
    Ok(text.to_string())
}

/// Today's UTC date as `YYYY-MM-DD` (the civil-from-days algorithm of
/// Howard Hinnant's date library; no time-zone database needed).
pub fn today_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// `YYYY-MM-DD` of a day count since 1970-01-01.
pub fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

pub fn run(args: &ExportArgs, out: &mut dyn Write) -> Result<(), Error> {
    let path = args.result.display();
    let date = args.date.clone().unwrap_or_else(today_utc);
    let text = read_text(&args.result, MAX_IMPORT_BYTES)?;
    let document: ResultDocument = serde_json::from_str(&text)
        .map_err(|e| Error::invalid(format!("{path}: not a result document: {e}")))?;
    let files = export_files(&document, &date).map_err(|e| Error::invalid(e.to_string()))?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Error::io(format!("cannot create {}", args.out.display()), &e))?;
    let mut written = Vec::new();
    for file in files {
        let target = args.out.join(&file.name);
        std::fs::write(&target, file.contents.as_bytes())
            .map_err(|e| Error::io(format!("cannot write {}", target.display()), &e))?;
        written.push(target.display().to_string());
    }
    print(out, &written.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_779), "2026-11-22");
        assert_eq!(civil_date(-1), "1969-12-31");
        assert_eq!(today_utc().len(), 10);
    }

    #[test]
    fn a_bad_date_is_refused_and_a_missing_file_is_io() {
        assert!(parse_date("2026-02-30").unwrap_err().contains("YYYY-MM-DD"));
        assert_eq!(parse_date("2026-02-28").unwrap(), "2026-02-28");
        let args = ExportArgs {
            result: "missing.json".into(),
            out: ".".into(),
            date: None,
        };
        let error = run(&args, &mut Vec::new()).unwrap_err();
        assert_eq!(error.failure(), crate::Failure::Io);
        assert!(error.message().contains("cannot read missing.json"));
    }
}
