//! `scalewise`: the native command-line shell over `scalewise-core`.
//!
//! The shell owns what the core must not do: reading and writing files, the
//! wall clock, building thread pools and the process exit code (which is why
//! this crate has its own `clippy.toml`, without the core's bans on them).
//!
//! One parser: clap's derive reads the command line into [`Cli`]. Each
//! subcommand's arguments are a struct in its `cmd_*` module, whose `run`
//! writes the command's output to the `out` it is given (stdout) and returns
//! the one error type, [`Error`]; the error's [`Failure`] is one of the exit
//! codes that `--help` lists ([`EXIT_CODES`]). `main.rs` parses, calls
//! [`Command::run`] and prints an error once.
//!
//! # Adding a subcommand
//!
//! A subcommand whose work lives in another crate (`scalewise cluster …`,
//! from `core/cluster`) is two edits here, once that crate is a dependency:
//!
//! 1. one variant of [`Command`] holding the crate's arguments type (a
//!    `#[derive(clap::Args)]` struct, or a `#[derive(clap::Subcommand)]` enum
//!    behind `#[command(subcommand)]`); its doc comment is the help text;
//! 2. one arm in [`Command::run`] that calls the crate with those arguments
//!    and `out`, and maps its error to an [`Error`] of the kind that matches
//!    (`Error::invalid`, `Error::io`, `Error::failed`, …).
//!
//! An exit code that [`EXIT_CODES`] does not list yet also needs a
//! [`Failure`] kind and a test in `tests/cli.rs` that makes the real binary
//! exit with it.

use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use clap::{Parser, Subcommand};
use scalewise_core::clock::Clock;
use scalewise_core::units::Seconds;

pub mod cmd_bench;
pub mod cmd_cluster;
pub mod cmd_events;
pub mod cmd_export;
pub mod cmd_model;
pub mod cmd_run;
pub mod cmd_usl;
pub mod cmd_verify;
pub mod error;

pub use error::{Error, Failure};

/// The exit codes, as `--help` prints them; [`Failure::exit_code`] maps
/// each kind to its number and `tests/cli.rs` makes the binary exit with
/// every one of them.
pub const EXIT_CODES: &str = "\
EXIT CODES:
  0  success (`verify`: the result reproduced)
  1  the command could not finish: `verify` found a field that differs, or
     could not recompute the result; a thread pool could not start; the
     passes of `bench` disagreed
  2  usage error: unknown command or option, a missing or repeated argument,
     a value that does not parse or is outside the option's range
  3  invalid input: JSON or CSV syntax, an unknown field, a field or model
     parameter out of range, a file over its size limit (each problem is
     printed with its field path or parameter name)
  4  I/O error: a file (or stdout) cannot be read or written
  5  `cluster`: a process cannot listen on its address (the port is busy)
  6  `cluster`: a peer could not be reached within --connect-timeout-s
  7  `cluster`: a peer was lost mid-run (the error names it)
  8  `cluster`: the processes run different reviews or options
  9  `cluster`: internal failure (a worker crashed, or a result differs from
     the single-process run)";

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "scalewise",
    version,
    about = "scalewise — design-review workbench engine: when does scale require distributed computation?",
    after_help = EXIT_CODES,
    max_term_width = 100,
    // No command is a usage error (exit 2), not a request for help.
    arg_required_else_help = false
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses `args` (without the program name). `Ok(None)`: help or the
    /// version was asked for and has been written to `out`.
    pub fn parse_args<I, T>(args: I, out: &mut dyn Write) -> Result<Option<Cli>, Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let program = std::iter::once(std::ffi::OsString::from("scalewise"));
        match Cli::try_parse_from(program.chain(args.into_iter().map(Into::into))) {
            Ok(cli) => Ok(Some(cli)),
            // `--help`, `help`, `--version`: output, not an error.
            Err(error) if !error.use_stderr() => {
                print(out, &error.render().to_string())?;
                Ok(None)
            }
            Err(error) => Err(Error::from_clap(&error)),
        }
    }
}

/// Every subcommand. Each variant's doc comment is its help: the first
/// paragraph for `scalewise --help`, all of it for `scalewise help NAME`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the built-in example review (JSON) on stdout.
    Example,
    /// Print the review's synthetic pipeline events as CSV on stdout.
    ///
    /// The header, then one row per event: all of the review's events, or
    /// the first N with --limit.
    Events(cmd_events::EventsArgs),
    /// Run a review: profile, project, sweep, score; print the result (JSON).
    ///
    /// Profiles the batch pipeline over the review's events, projects every
    /// alternative, sweeps the volume, scores, and prints the result document
    /// (JSON) on stdout, or writes it to RESULT.json. Progress and a summary
    /// go to stderr.
    Run(cmd_run::RunArgs),
    /// Recompute a result from its recorded review and calibration.
    ///
    /// Prints `reproduced (digest …)` when the digest matches (exit 0);
    /// otherwise the first differing field (exit 1). A second line gives the
    /// status of the review's audit trail (`audit chain: intact (N entries)`
    /// or `audit chain: BROKEN at entry S: why`); it does not change the exit
    /// code, since the numbers reproduce either way.
    Verify(cmd_verify::VerifyArgs),
    /// Write the submission files of a result into a directory.
    ///
    /// Writes STEM.result.json, STEM.scoring.csv, STEM.scoring.md,
    /// STEM.memo.md and STEM.ipynb into DIR (default: the current directory)
    /// and prints their paths, where STEM is the review title's slug and the
    /// date (default: today, UTC). The notebook is the page's: it embeds the
    /// result and draws its charts with matplotlib when run.
    Export(cmd_export::ExportArgs),
    /// Fit the Universal Scalability Law to `workers,throughput` points.
    ///
    /// Prints lambda, sigma, kappa, r2, n_peak, the Amdahl serial fraction
    /// and the points as JSON.
    Usl(cmd_usl::UslArgs),
    /// One model alone, as JSON: the LRU hot tier or failures with checkpoints.
    #[command(subcommand)]
    Model(cmd_model::Model),
    /// Time generate + profile of the example workload.
    ///
    /// Runs N events (default 2e7) on a pool of T threads (default: all
    /// cores) K times (default 5) and prints the median events/s, or JSON
    /// with --json.
    Bench(cmd_bench::BenchArgs),
    /// Run the review's pipeline as a timely dataflow across processes.
    ///
    /// P processes × W worker threads: the map stages where deliveries are
    /// generated, routed records exchanged over TCP by the alternative's
    /// partition key, the keyed stages where they land, partial tallies
    /// merged at worker 0. Measures per layout the pass wall time, per-stage
    /// time, records and bytes exchanged, the exchange alone and a
    /// coordination round; then Scalewise's own pipeline on one thread
    /// (COST's reference) and the normal calibration. Writes a calibration
    /// document with the measurements under `distributed` (`scalewise run
    /// --calibration` accepts it) to CLUSTER.json only when the run
    /// completed, or prints it on stdout. Locally, `--processes P` starts the
    /// P processes on 127.0.0.1; on a cluster every host runs the same
    /// command with `--hostfile FILE --process I`. Exit codes 5–9 are this
    /// command's (see EXIT CODES).
    Cluster(cmd_cluster::ClusterArgs),
}

impl Command {
    /// Runs the command, writing its output to `out` (stdout).
    pub fn run(self, out: &mut dyn Write) -> Result<(), Error> {
        match self {
            Command::Example => print(
                out,
                &scalewise_core::review::Review::example().to_json_pretty(),
            ),
            Command::Events(args) => cmd_events::run(&args, out),
            Command::Run(args) => cmd_run::run(&args, out),
            Command::Verify(args) => cmd_verify::run(&args, out, |review, calibration| {
                scalewise_core::session::run_with(review.clone(), calibration.clone())
            }),
            Command::Export(args) => cmd_export::run(&args, out),
            Command::Usl(args) => cmd_usl::run(&args, out),
            Command::Model(model) => cmd_model::run(&model, out),
            Command::Bench(args) => cmd_bench::run(&args, out),
            Command::Cluster(args) => cmd_cluster::run(&args, out),
        }
    }
}

/// Writes `text` and one newline to `out`. A closed stdout
/// (`scalewise events r.json | head`) ends the output quietly.
pub fn print(out: &mut dyn Write, text: &str) -> Result<(), Error> {
    let result = writeln!(out, "{}", text.trim_end()).and_then(|()| out.flush());
    stdout_result(result)
}

/// A write to stdout: a closed pipe is not a failure, anything else is
/// exit 4.
pub fn stdout_result(result: io::Result<()>) -> Result<(), Error> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| Error::io("cannot write stdout", &e)),
    }
}

/// Reads a text file of at most `max_bytes`: a file that cannot be read is
/// exit 4, a larger one exit 3 (checked before reading it).
pub fn read_text(path: &Path, max_bytes: usize) -> Result<String, Error> {
    let cannot_read = |e: &io::Error| Error::io(format!("cannot read {}", path.display()), e);
    let size = std::fs::metadata(path).map_err(|e| cannot_read(&e))?.len();
    if size > max_bytes as u64 {
        return Err(Error::invalid(format!(
            "{} is {size} bytes; the limit is {max_bytes}",
            path.display()
        )));
    }
    std::fs::read_to_string(path).map_err(|e| cannot_read(&e))
}

/// The wall clock, from the process's point of view: seconds since it was
/// made.
pub struct WallClock {
    origin: Instant,
}

impl WallClock {
    pub fn start() -> Self {
        Self {
            origin: Instant::now(),
        }
    }
}

impl Clock for WallClock {
    fn now(&self) -> Seconds {
        Seconds(self.origin.elapsed().as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn help_is_output_and_a_bad_command_is_a_usage_error() {
        let mut out = Vec::new();
        assert!(Cli::parse_args(["--help"], &mut out).unwrap().is_none());
        let help = String::from_utf8(out).unwrap();
        assert!(help.contains(EXIT_CODES), "{help}");
        let error = Cli::parse_args(["frobnicate"], &mut Vec::new()).unwrap_err();
        assert_eq!(error.failure(), Failure::Usage);
        assert!(
            error.message().contains("frobnicate"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn a_file_over_its_limit_is_invalid_and_a_missing_one_is_io() {
        let dir = std::env::temp_dir().join(format!("scalewise-cli-lib-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.txt");
        std::fs::write(&path, "12345").unwrap();
        assert_eq!(read_text(&path, 5).unwrap(), "12345");
        let error = read_text(&path, 4).unwrap_err();
        assert_eq!(error.failure(), Failure::Invalid);
        assert!(error.message().contains("is 5 bytes; the limit is 4"));
        let error = read_text(&dir.join("missing.txt"), 4).unwrap_err();
        assert_eq!(error.failure(), Failure::Io);
        assert!(
            error.message().contains("cannot read"),
            "{}",
            error.message()
        );
    }
}
