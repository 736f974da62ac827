//! `scalewise events REVIEW.json [--limit N]`: the review's synthetic sample
//! (one row per delivery, redeliveries included) as CSV, streamed (never all
//! in memory).

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use scalewise_core::events::{write_csv_row, EventGenerator, CSV_HEADER};

use crate::cmd_run::load_review;
use crate::{stdout_result, Error};

#[derive(Debug, clap::Args)]
pub struct EventsArgs {
    /// The review (JSON), e.g. as `scalewise example` prints it.
    #[arg(value_name = "REVIEW.json")]
    pub review: PathBuf,
    /// Print only the first N deliveries (default: the whole sample).
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

pub fn run(args: &EventsArgs, out: &mut dyn Write) -> Result<(), Error> {
    let review = load_review(&args.review)?;
    let generator = EventGenerator::new(&review.workload, review.seed);
    let count = args.limit.unwrap_or(u64::MAX).min(generator.events());
    let mut out = BufWriter::new(out);
    let mut row = String::with_capacity(256);
    let result = (|| {
        writeln!(out, "{CSV_HEADER}")?;
        for index in 0..count {
            row.clear();
            write_csv_row(&generator.event(index), &mut row);
            out.write_all(row.as_bytes())?;
        }
        out.flush()
    })();
    stdout_result(result)
}
