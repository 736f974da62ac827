//! `scalewise run REVIEW.json [-o RESULT.json] [--calibration CAL.json]
//! [--threads N]`: a whole review, as the page runs it, on this machine's
//! clock and threads; and the review and calibration loaders the other
//! commands share.

use std::io::Write;
use std::path::{Path, PathBuf};

use scalewise_core::format;
use scalewise_core::limits::{MAX_IMPORT_BYTES, MAX_REVIEW_BYTES};
use scalewise_core::profiler::Calibration;
use scalewise_core::review::Review;
use scalewise_core::session::{CalibrateConfig, Plan, Session, Step};

use crate::{print, read_text, Error, WallClock};

/// Most threads `--threads` accepts.
pub const MAX_THREADS: u16 = 1_024;

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The review (JSON), e.g. as `scalewise example` prints it. The pipeline
    /// runs over its sample (`workload.sample_events` deliveries, a thinning
    /// of the production batch); every alternative is projected to the
    /// production volume.
    #[arg(value_name = "REVIEW.json")]
    pub review: PathBuf,
    /// Write the result document to RESULT.json instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "RESULT.json")]
    pub output: Option<PathBuf>,
    /// Replay a recorded calibration (a calibration document, or a run output
    /// containing one) instead of measuring: the output is then a pure
    /// function of the inputs.
    #[arg(long, value_name = "CAL.json")]
    pub calibration: Option<PathBuf>,
    /// Size of the thread pool, 1 to 1024 (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=i64::from(MAX_THREADS)))]
    pub threads: Option<u16>,
}

/// Reads, parses and validates a review.
pub fn load_review(path: &Path) -> Result<Review, Error> {
    let review = Review::from_json(&read_text(path, MAX_REVIEW_BYTES)?)
        .map_err(|e| Error::invalid(format!("{}: {e}", path.display())))?;
    review.validate()?;
    Ok(review)
}

/// A calibration document, or a run output that contains one.
pub fn load_calibration(path: &Path) -> Result<Calibration, Error> {
    let text = read_text(path, MAX_IMPORT_BYTES)?;
    let invalid = |e: serde_json::Error| {
        Error::invalid(format!(
            "{}: line {}, column {}: not a calibration or run output: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    };
    let value: serde_json::Value = serde_json::from_str(&text).map_err(invalid)?;
    let calibration = match value.get("calibration") {
        Some(inner) => inner.clone(),
        None => value,
    };
    if !calibration.is_object() {
        return Err(Error::invalid(format!(
            "{}: not a calibration or run output: expected a JSON object (a calibration \
             document, or a run output with a `calibration` object)",
            path.display()
        )));
    }
    Calibration::from_value(calibration)
        .map_err(|e| Error::invalid(format!("{}: {e}", path.display())))
}

pub fn run(args: &RunArgs, out: &mut dyn Write) -> Result<(), Error> {
    let review = load_review(&args.review)?;
    let calibration = args
        .calibration
        .as_deref()
        .map(load_calibration)
        .transpose()?;
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(threads))
            .build_global()
            .map_err(|e| Error::failed(format!("cannot start {threads} threads: {e}")))?;
    }
    let plan = match calibration {
        Some(calibration) => Plan::Replay(calibration),
        None => Plan::Calibrate(CalibrateConfig {
            environment: format!("native {}", std::env::consts::ARCH),
            max_lanes: 0,
        }),
    };
    let clock = WallClock::start();
    let mut session = Session::new(review, plan)?;
    let mut last_stage = String::new();
    let output = loop {
        match session.step(&clock)? {
            Step::Progress(progress) => {
                if progress.stage.0 != last_stage {
                    eprintln!(
                        "{} ({})",
                        progress.stage,
                        format::percent(progress.fraction)
                    );
                    last_stage = progress.stage.0;
                }
            }
            Step::Done(output) => break output,
        }
    };
    let elapsed_s = scalewise_core::clock::Clock::now(&clock).0;
    eprintln!(
        "{} in {}; bottleneck: {}; data digest {}",
        format::events(output.profile.events as f64),
        format::seconds(elapsed_s),
        output.timing.bottleneck.reason,
        output.profile.data_digest
    );
    eprintln!("{}", output.answer);
    for line in output.summary_lines() {
        eprintln!("{line}");
    }
    eprintln!("result digest {}", output.reproducibility.digest);
    let pass = &output.calibration.full_pass;
    if pass.events_per_s > 0.0 {
        eprintln!(
            "measured full pass: {} deliveries of the sample at {} on {} thread(s)",
            format::grouped(pass.events as f64),
            format::events_per_s(pass.events_per_s),
            pass.threads
        );
    }
    let json = serde_json::to_string_pretty(&output)
        .map_err(|e| Error::failed(format!("cannot serialise the output: {e}")))?;
    match &args.output {
        Some(path) => std::fs::write(path, json + "\n")
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), &e)),
        None => print(out, &json),
    }
}
