//! `scalewise`: the native command-line shell over `scalewise-core`.
//!
//! The shell owns what the core must not do: reading files, the wall clock,
//! the global thread pool and the process exit code. Arguments are parsed by
//! hand to keep the dependency tree small.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use scalewise_core::clock::Clock;
use scalewise_core::events::{write_csv_row, EventGenerator, CSV_HEADER};
use scalewise_core::format;
use scalewise_core::profiler::Calibration;
use scalewise_core::review::{Review, ValidationErrors};
use scalewise_core::session::{CalibrateConfig, Plan, Session, Step};
use scalewise_core::units::Seconds;
use scalewise_core::CoreError;

const HELP: &str = "\
scalewise — design-review workbench engine: when does scale require distributed computation?

USAGE:
    scalewise example
        Print the built-in example review (JSON) on stdout.

    scalewise events REVIEW.json [--limit N]
        Print the review's synthetic sample as CSV on stdout (header + one
        row per delivery, redeliveries included; all of them unless --limit).

    scalewise run REVIEW.json [-o RESULT.json] [--calibration CAL.json] [--threads N]
        Profile the batch pipeline over the review's sample (workload.sample_events
        deliveries, a thinning of the production batch), project every
        alternative, sweep the volume, score, and print the result document
        (JSON) on stdout, or write it to RESULT.json.
        --calibration CAL.json  replay a recorded calibration (a calibration
                                document, or a run output containing one)
                                instead of measuring: the output is then a
                                pure function of the inputs.
        --threads N             size of the thread pool (default: all cores).

    scalewise verify RESULT.json
        Recompute a result from its recorded review and calibration. Prints
        `reproduced` (exit 0) when the digest matches; otherwise the first
        differing field (exit 1). A second line gives the status of the
        review's audit trail (`audit chain: intact (N entries)` or
        `audit chain: BROKEN at entry S: why`); it does not change the exit
        code, since the numbers reproduce either way.

    scalewise export RESULT.json [--out DIR] [--date YYYY-MM-DD]
        Write the submission files of a result into DIR (default: the
        current directory) and print their paths: STEM.result.json,
        STEM.scoring.csv, STEM.scoring.md, STEM.memo.md and STEM.ipynb, where
        STEM is the review title's slug and the date (default: today, UTC).
        The notebook is the page's: it embeds the result and draws its
        charts with matplotlib when run.

    scalewise usl POINTS.csv
        Fit the Universal Scalability Law to `workers,throughput` points;
        prints lambda, sigma, kappa, r2, n_peak as JSON.

    scalewise model cache --capacity K --catalog C --alpha A --requests R --seed S
        The LRU hot-tier model alone: JSON with hit_rate (and Che's approximation).

    scalewise model checkpoint --mtbf-s M --checkpoint-s C --restart-s R --work-s W
                               [--interval-s I] --runs N --seed S
        The failure/checkpoint model alone: JSON with interval_s and
        expected_makespan_s (mean over runs).

    scalewise bench [--events N] [--threads T] [--repeat K] [--json]
        Time generate + profile of the example workload over N events
        (default 2e7) on a pool of T threads (default: all cores); prints the
        median events/s of K passes (default 5), or JSON with --json.

    scalewise help | --help | -h

EXIT CODES:
    0  success
    1  `verify`: the recomputed result differs (or the file cannot be used)
    2  usage error (unknown command or option, missing argument)
    3  invalid input (JSON syntax, unknown field, or a field out of range;
       each problem is printed with its field path)
    4  I/O error (cannot read or write a file)
";

/// Why the command failed, mapped to the documented exit codes.
enum Failure {
    Usage(String),
    Invalid(Vec<String>),
    Io(String),
    /// A library subcommand's own error and exit code.
    Command(scalewise_cli::CliError),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Invalid(_) => 3,
            Failure::Io(_) => 4,
            Failure::Command(error) => u8::try_from(error.exit_code).unwrap_or(1),
        }
    }
}

impl From<ValidationErrors> for Failure {
    fn from(errors: ValidationErrors) -> Self {
        Failure::Invalid(errors.0.iter().map(|e| e.to_string()).collect())
    }
}

impl From<CoreError> for Failure {
    fn from(error: CoreError) -> Self {
        match error {
            CoreError::Invalid(errors) => errors.into(),
            other => Failure::Invalid(vec![other.to_string()]),
        }
    }
}

/// The wall clock, from the process's point of view.
struct InstantClock {
    origin: Instant,
}

impl Clock for InstantClock {
    fn now(&self) -> Seconds {
        Seconds(self.origin.elapsed().as_secs_f64())
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            match &failure {
                Failure::Usage(message) => {
                    eprintln!("error: {message}\n\nRun `scalewise --help` for usage.")
                }
                Failure::Invalid(lines) => {
                    for line in lines {
                        eprintln!("error: {line}");
                    }
                }
                Failure::Io(message) => eprintln!("error: {message}"),
                Failure::Command(error) => eprintln!("{}", error.message),
            }
            ExitCode::from(failure.exit_code())
        }
    }
}

fn dispatch(args: &[String]) -> Result<(), Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Failure::Usage("missing command".to_string()));
    };
    match command.as_str() {
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        "example" => {
            Options::parse(rest, &[])?.no_positional()?;
            println!("{}", Review::example().to_json_pretty());
            Ok(())
        }
        "events" => events(Options::parse(rest, &["--limit"])?),
        "run" => run(Options::parse(rest, &["-o", "--calibration", "--threads"])?),
        "verify" => library_command(scalewise_cli::cmd_verify::run(
            rest,
            |review, calibration| {
                scalewise_core::session::run_with(review.clone(), calibration.clone())
            },
        )),
        "export" => library_command(scalewise_cli::cmd_export::run(rest)),
        "usl" => library_command(scalewise_cli::cmd_usl::run(rest)),
        "bench" => library_command(scalewise_cli::cmd_bench::run(rest)),
        "model" => library_command(scalewise_cli::cmd_model::run(rest)),
        other => Err(Failure::Usage(format!("unknown command `{other}`"))),
    }
}

/// Prints a library command's output, or maps its error to an exit code.
fn library_command(result: Result<String, scalewise_cli::CliError>) -> Result<(), Failure> {
    match result {
        Ok(stdout) => {
            let mut out = io::stdout().lock();
            writeln!(out, "{}", stdout.trim_end()).map_err(io_error("stdout"))
        }
        Err(error) => Err(Failure::Command(error)),
    }
}

/// Positional arguments and `--option value` pairs.
struct Options {
    positional: Vec<String>,
    values: Vec<(String, String)>,
}

impl Options {
    fn parse(args: &[String], known: &[&str]) -> Result<Options, Failure> {
        let mut options = Options {
            positional: Vec::new(),
            values: Vec::new(),
        };
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            if arg.starts_with('-') && arg.len() > 1 {
                if !known.contains(&arg.as_str()) {
                    return Err(Failure::Usage(format!("unknown option `{arg}`")));
                }
                let Some(value) = iter.next() else {
                    return Err(Failure::Usage(format!("option `{arg}` needs a value")));
                };
                if options.get(arg).is_some() {
                    return Err(Failure::Usage(format!("option `{arg}` given twice")));
                }
                options.values.push((arg.clone(), value.clone()));
            } else {
                options.positional.push(arg.clone());
            }
        }
        Ok(options)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str) -> Result<Option<u64>, Failure> {
        self.get(name)
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    Failure::Usage(format!("option `{name}` needs a whole number, got `{v}`"))
                })
            })
            .transpose()
    }

    fn no_positional(&self) -> Result<(), Failure> {
        match self.positional.first() {
            Some(extra) => Err(Failure::Usage(format!("unexpected argument `{extra}`"))),
            None => Ok(()),
        }
    }

    /// Exactly one positional argument: the review file.
    fn review_path(&self) -> Result<&str, Failure> {
        match self.positional.as_slice() {
            [path] => Ok(path),
            [] => Err(Failure::Usage("missing REVIEW.json".to_string())),
            [_, extra, ..] => Err(Failure::Usage(format!("unexpected argument `{extra}`"))),
        }
    }
}

fn read(path: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::Io(format!("cannot read {path}: {e}")))
}

/// Reads, parses and validates a review.
fn load_review(path: &str) -> Result<Review, Failure> {
    let review = Review::from_json(&read(path)?)
        .map_err(|e| Failure::Invalid(vec![format!("{path}: {e}")]))?;
    review.validate()?;
    Ok(review)
}

/// A calibration document, or a run output that contains one.
fn load_calibration(path: &str) -> Result<Calibration, Failure> {
    let text = read(path)?;
    let invalid = |e: serde_json::Error| {
        Failure::Invalid(vec![format!(
            "{path}: line {}, column {}: not a calibration or run output: {e}",
            e.line(),
            e.column()
        )])
    };
    let value: serde_json::Value = serde_json::from_str(&text).map_err(invalid)?;
    let calibration = match value.get("calibration") {
        Some(inner) => inner.clone(),
        None => value,
    };
    Calibration::from_value(calibration).map_err(|e| Failure::Invalid(vec![format!("{path}: {e}")]))
}

fn io_error(what: &str) -> impl Fn(io::Error) -> Failure + '_ {
    move |e| Failure::Io(format!("cannot write {what}: {e}"))
}

fn events(options: Options) -> Result<(), Failure> {
    // Usage errors first, before touching files.
    let path = options.review_path()?;
    let limit = options.number("--limit")?.unwrap_or(u64::MAX);
    let review = load_review(path)?;
    let generator = EventGenerator::new(&review.workload, review.seed);
    let count = limit.min(generator.events());
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
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
    match result {
        // `scalewise events r.json | head` is a normal way to look.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(io_error("stdout")),
    }
}

fn run(options: Options) -> Result<(), Failure> {
    // Usage errors first, before touching files.
    let path = options.review_path()?;
    let threads = options.number("--threads")?;
    if let Some(threads @ (0 | 1025..)) = threads {
        return Err(Failure::Usage(format!(
            "--threads must be 1 to 1024, got {threads}"
        )));
    }
    let review = load_review(path)?;
    let calibration = options
        .get("--calibration")
        .map(load_calibration)
        .transpose()?;
    if let Some(threads) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads as usize)
            .build_global()
            .map_err(|e| Failure::Io(format!("cannot start {threads} threads: {e}")))?;
    }
    let plan = match calibration {
        Some(calibration) => Plan::Replay(calibration),
        None => Plan::Calibrate(CalibrateConfig {
            environment: format!("native {}", std::env::consts::ARCH),
            max_lanes: 0,
        }),
    };
    let clock = InstantClock {
        origin: Instant::now(),
    };
    let started = clock.now();
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
    let elapsed = clock.now().0 - started.0;
    eprintln!(
        "{} in {}; bottleneck: {}; data digest {}",
        format::events(output.profile.events as f64),
        format::seconds(elapsed),
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
        .map_err(|e| Failure::Io(format!("cannot serialise the output: {e}")))?;
    match options.get("-o") {
        Some(path) => std::fs::write(path, json + "\n").map_err(io_error(path)),
        None => {
            let mut out = io::stdout().lock();
            writeln!(out, "{json}").map_err(io_error("stdout"))
        }
    }
}
