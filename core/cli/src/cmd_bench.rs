//! `scalewise bench [--events N] [--threads T] [--repeat K] [--json]`: native
//! throughput of generate + profile ([`scalewise_core::bench`]) on a pool of
//! `T` threads, the median of `K` passes. The browser benchmark
//! (`scripts/bench-browser.sh`) divides its figures by this one, measured on
//! the same machine.

use std::io::Write;

use scalewise_core::bench::{check_events, generate_and_profile, BenchOutcome};
use serde::Serialize;

use crate::{print, Error, WallClock};

/// Defaults: large enough that set-up is noise, small enough for seconds.
pub const DEFAULT_EVENTS: u64 = 20_000_000;
pub const DEFAULT_REPEAT: u32 = 5;
pub const MAX_REPEAT: u32 = 1_000;

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Events per pass, 1 to 2e8 (2e7 and 20_000_000 both work).
    #[arg(long, value_name = "N", default_value = "2e7", value_parser = parse_events)]
    pub events: u64,
    /// Threads of the pool, 1 to 1024 (default: all cores).
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Passes, 1 to 1000; the median is reported.
    #[arg(long, value_name = "K", default_value_t = DEFAULT_REPEAT,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_REPEAT)))]
    pub repeat: u32,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

impl BenchArgs {
    /// The run this asks for, with the thread count resolved.
    pub fn config(&self) -> BenchConfig {
        BenchConfig {
            events: self.events,
            threads: self.threads.map_or_else(
                || std::thread::available_parallelism().map_or(1, usize::from),
                usize::from,
            ),
            repeat: self.repeat,
            json: self.json,
        }
    }
}

/// What `bench` was asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenchConfig {
    pub events: u64,
    pub threads: usize,
    pub repeat: u32,
    pub json: bool,
}

/// The passes and their median, as printed with `--json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenchReport {
    pub events: u64,
    pub threads: u32,
    pub repeat: u32,
    /// Median over the passes.
    pub events_per_s: f64,
    pub events_per_s_per_thread: f64,
    pub elapsed_s: f64,
    /// Every pass's events per second, in run order.
    pub passes_events_per_s: Vec<f64>,
    /// Events per second of CPU time the process's threads got (median over
    /// the passes; Linux only). On a loaded machine the wall-clock rate
    /// measures the share of the CPU the benchmark got; this one measures the
    /// code.
    pub events_per_cpu_s: Option<f64>,
    pub data_digest: String,
}

/// CPU time of every thread of this process so far, in seconds, from
/// `/proc/self/task/*/schedstat` (nanoseconds on the CPU). `None` off Linux.
/// Threads that ended are not counted, so read it around work done by a
/// pool that outlives the reading.
fn process_cpu_s() -> Option<f64> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    let mut total_ns: u64 = 0;
    for task in tasks.flatten() {
        // A thread that ended between the listing and this read (another
        // pool's, or a test harness thread) has nothing left to count.
        let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) else {
            continue;
        };
        total_ns += text.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total_ns as f64 / 1e9)
}

fn median_of(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => 0.0,
        n if n % 2 == 1 => sorted.get(n / 2).copied().unwrap_or(0.0),
        n => {
            (sorted.get(n / 2 - 1).copied().unwrap_or(0.0)
                + sorted.get(n / 2).copied().unwrap_or(0.0))
                / 2.0
        }
    }
}

/// `--events`: a whole number within the benchmark's bounds.
fn parse_events(text: &str) -> Result<u64, String> {
    let events = parse_count(text)
        .ok_or_else(|| format!("`{text}` is not a whole number (1e7 and 10000000 both work)"))?;
    check_events(events).map_err(|errors| {
        errors
            .0
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    Ok(events)
}

/// A whole number, also written as `2e7` or `20_000_000`.
fn parse_count(text: &str) -> Option<u64> {
    let text = text.replace('_', "");
    if let Ok(n) = text.parse::<u64>() {
        return Some(n);
    }
    let (mantissa, exponent) = text.split_once(['e', 'E'])?;
    let mantissa: u64 = mantissa.parse().ok()?;
    let exponent: u32 = exponent.parse().ok()?;
    mantissa.checked_mul(10u64.checked_pow(exponent)?)
}

/// Runs the passes on a fresh pool of `config.threads` threads.
pub fn measure(config: &BenchConfig) -> Result<BenchReport, Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .map_err(|e| Error::failed(format!("cannot start {} threads: {e}", config.threads)))?;
    let clock = WallClock::start();
    let mut passes: Vec<BenchOutcome> = Vec::new();
    let mut cpu_rates: Vec<f64> = Vec::new();
    for _ in 0..config.repeat {
        let cpu_before = process_cpu_s();
        let outcome = pool
            .install(|| generate_and_profile(config.events, &clock))
            .map_err(|e| Error::failed(e.to_string()))?;
        if let (Some(before), Some(after)) = (cpu_before, process_cpu_s()) {
            if after > before {
                cpu_rates.push(outcome.events as f64 / (after - before));
            }
        }
        passes.push(outcome);
    }
    let passes_events_per_s: Vec<f64> = passes.iter().map(|p| p.events_per_s).collect();
    let median = median_of(&passes_events_per_s);
    let events_per_cpu_s = (cpu_rates.len() == passes.len()).then(|| median_of(&cpu_rates));
    let first = passes.first().ok_or_else(|| Error::failed("no pass ran"))?;
    if let Some(other) = passes.iter().find(|p| p.data_digest != first.data_digest) {
        return Err(Error::failed(format!(
            "the passes disagree: data digest {} then {}",
            first.data_digest, other.data_digest
        )));
    }
    let threads = first.threads;
    Ok(BenchReport {
        events: first.events,
        threads,
        repeat: config.repeat,
        events_per_s: median,
        events_per_s_per_thread: median / f64::from(threads.max(1)),
        elapsed_s: if median > 0.0 {
            first.events as f64 / median
        } else {
            0.0
        },
        passes_events_per_s,
        events_per_cpu_s,
        data_digest: first.data_digest.clone(),
    })
}

/// `scalewise bench …`: the report as text, or JSON with `--json`.
pub fn run(args: &BenchArgs, out: &mut dyn Write) -> Result<(), Error> {
    let text = report_text(&args.config())?;
    print(out, &text)
}

/// The report of the passes `config` asks for.
pub fn report_text(config: &BenchConfig) -> Result<String, Error> {
    let report = measure(config)?;
    if config.json {
        return serde_json::to_string_pretty(&report)
            .map_err(|e| Error::failed(format!("cannot serialise the report: {e}")));
    }
    let passes = report
        .passes_events_per_s
        .iter()
        .map(|r| format!("{:.1}", r / 1e6))
        .collect::<Vec<_>>()
        .join(", ");
    let cpu = match report.events_per_cpu_s {
        Some(rate) => format!("\n{:.1} M events per CPU second", rate / 1e6),
        None => String::new(),
    };
    Ok(format!(
        "generate + profile: {} events on {} thread(s), median of {}\n\
         {:.1} M events/s ({:.1} M events/s per thread, {:.3} s a pass)\n\
         passes (M events/s): {passes}{cpu}\n\
         data digest {}",
        report.events,
        report.threads,
        report.repeat,
        report.events_per_s / 1e6,
        report.events_per_s_per_thread / 1e6,
        report.elapsed_s,
        report.data_digest
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cli, Command};

    /// `scalewise bench …` parsed as the binary parses it.
    fn parse(list: &[&str]) -> Result<BenchConfig, Error> {
        let args = std::iter::once("bench").chain(list.iter().copied());
        match Cli::parse_args(args, &mut Vec::new())? {
            Some(Cli {
                command: Command::Bench(args),
            }) => Ok(args.config()),
            other => panic!("not a bench command: {other:?}"),
        }
    }

    fn run(list: &[&str]) -> Result<String, Error> {
        report_text(&parse(list)?)
    }

    #[test]
    fn parses_flags_and_scientific_counts() {
        let config = parse(&[
            "--events",
            "2e6",
            "--threads",
            "2",
            "--repeat",
            "3",
            "--json",
        ])
        .unwrap();
        assert_eq!(
            config,
            BenchConfig {
                events: 2_000_000,
                threads: 2,
                repeat: 3,
                json: true
            }
        );
        assert_eq!(parse_count("20_000_000"), Some(20_000_000));
        assert_eq!(parse_count("1.5e6"), None);
    }

    #[test]
    fn refuses_bad_flags_with_the_flag_named() {
        for (list, needle) in [
            (&["--events", "0"][..], "--events"),
            (&["--events", "1e12"][..], "--events"),
            (&["--threads", "0"][..], "--threads"),
            (&["--repeat", "x"][..], "--repeat"),
            (&["--repeat", "1001"][..], "--repeat"),
            (&["--json", "--json"][..], "--json"),
            (&["--events", "1", "--events", "2"][..], "--events"),
            (&["--fast"][..], "--fast"),
            (&["--events"][..], "--events"),
        ] {
            let error = parse(list).unwrap_err();
            assert_eq!(error.exit_code(), 2);
            assert!(
                error.message().contains(needle),
                "{list:?}: {}",
                error.message()
            );
        }
    }

    #[test]
    fn json_report_has_the_median_and_one_digest_for_any_thread_count() {
        let report = |threads: &str| -> serde_json::Value {
            serde_json::from_str(
                &run(&[
                    // Large enough that each pass outlasts the scheduler
                    // tick at which schedstat CPU time advances.
                    "--events",
                    "300000",
                    "--threads",
                    threads,
                    "--repeat",
                    "3",
                    "--json",
                ])
                .unwrap(),
            )
            .unwrap()
        };
        let one = report("1");
        let two = report("2");
        assert_eq!(one["events"], 300_000);
        assert_eq!(one["threads"], 1);
        assert_eq!(two["threads"], 2);
        assert_eq!(one["passes_events_per_s"].as_array().unwrap().len(), 3);
        let mut passes: Vec<f64> = one["passes_events_per_s"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        passes.sort_by(f64::total_cmp);
        assert_eq!(one["events_per_s"].as_f64().unwrap(), passes[1]);
        assert!(passes[0] > 0.0);
        assert_eq!(one["data_digest"], two["data_digest"]);
        if cfg!(target_os = "linux") {
            assert!(one["events_per_cpu_s"].as_f64().unwrap() > 0.0, "{one}");
        }
    }

    #[test]
    fn text_report_names_the_rate() {
        let text = run(&["--events", "30000", "--threads", "1", "--repeat", "1"]).unwrap();
        assert!(text.contains("30000 events on 1 thread(s)"), "{text}");
        assert!(text.contains("M events/s per thread"), "{text}");
    }
}
