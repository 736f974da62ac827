//! `scalewise export RESULT.json [--out DIR] [--date YYYY-MM-DD]`: writes the
//! submission files of a result document (`scalewise_core::submission::
//! export_files`: result JSON, scoring CSV and Markdown, memo, notebook)
//! into DIR and prints their paths. The notebook is the page's, byte for
//! byte: it draws its charts itself when run.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use scalewise_core::analysis::result::ResultDocument;
use scalewise_core::limits::MAX_IMPORT_BYTES;
use scalewise_core::submission::export_files;

use crate::{parse_flags, CliError};

const USAGE: &str = "usage: scalewise export RESULT.json [--out DIR] [--date YYYY-MM-DD]";

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

pub fn run(args: &[String]) -> Result<String, CliError> {
    let (path, rest) = match args.split_first() {
        Some((path, rest)) if !path.starts_with("--") => (path, rest),
        _ => return Err(CliError::usage(USAGE)),
    };
    let flags = parse_flags(rest, &["out", "date"])?;
    let out = PathBuf::from(flags.get("out").map_or(".", String::as_str));
    let date = flags.get("date").cloned().unwrap_or_else(today_utc);
    let size = std::fs::metadata(path)
        .map_err(|e| CliError::failure(format!("cannot read {path}: {e}")))?
        .len();
    if size > MAX_IMPORT_BYTES as u64 {
        return Err(CliError::failure(format!(
            "{path} is {size} bytes; the limit is {MAX_IMPORT_BYTES}"
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::failure(format!("cannot read {path}: {e}")))?;
    let document: ResultDocument = serde_json::from_str(&text)
        .map_err(|e| CliError::failure(format!("{path}: not a result document: {e}")))?;
    let files = export_files(&document, &date).map_err(|e| CliError::usage(e.to_string()))?;
    std::fs::create_dir_all(&out)
        .map_err(|e| CliError::failure(format!("cannot create {}: {e}", out.display())))?;
    let mut written = Vec::new();
    for file in files {
        let target: PathBuf = Path::new(&out).join(&file.name);
        std::fs::write(&target, file.contents.as_bytes())
            .map_err(|e| CliError::failure(format!("cannot write {}: {e}", target.display())))?;
        written.push(target.display().to_string());
    }
    Ok(written.join("\n"))
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
    fn usage_errors() {
        assert_eq!(run(&[]).unwrap_err().exit_code, 2);
        assert_eq!(
            run(&["--out".to_string(), "x".to_string()])
                .unwrap_err()
                .exit_code,
            2
        );
        let error = run(&["missing.json".to_string()]).unwrap_err();
        assert_eq!(error.exit_code, 1);
        assert!(error.message.contains("cannot read missing.json"));
    }
}
