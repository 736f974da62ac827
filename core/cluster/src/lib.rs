//! `scalewise cluster`: the review's pipeline as a timely dataflow across
//! processes, measured — a shell beside the CLI; the core stays pure and
//! knows nothing of timely.
//!
//! ```text
//! supervisor (this command)                      worker processes (same binary, --worker-process)
//!   ├─ validates the review, picks the shuffle     ├─ connect over TCP (timely, hostfile addresses)
//!   ├─ starts and watches the processes ─────────► ├─ handshake: compare review digests
//!   │    (supervisor.rs: timeouts, lost peers)     ├─ coordination, exchange, pipeline passes
//!   ├─ single-threaded native baseline + the       │    (dataflow.rs; the core behind seam.rs)
//!   │    normal calibration, in-process (seam.rs)  └─ report on stdout (protocol.rs)
//!   └─ CALIBRATION document: calibration + `distributed` section (report.rs)
//! ```
//!
//! Locally (`--processes P`) the supervisor starts all P processes on
//! 127.0.0.1 with a hostfile of free (or `--port BASE..`) ports. On a
//! cluster every host runs `--hostfile FILE --process I`; each host's
//! command supervises its own worker process, and process 0 writes the
//! document. `scalewise help cluster` lists the options; the CLI maps each
//! [`ClusterError`] to one of the exit codes its help documents.

// A panic in a worker process would end it without the report its
// supervisor waits for: non-test code returns errors instead (the
// workspace's lints deny unwrap, expect, panics and indexing).

pub mod cpu;
pub mod dataflow;
pub mod hostfile;
pub mod protocol;
pub mod report;
pub mod seam;
pub mod supervisor;
pub mod worker;

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use scalewise_core::profiler::Scheme;
use scalewise_core::review::Review;

use crate::hostfile::Hostfile;
use crate::supervisor::{Launcher, Spec};

/// The exit codes of a worker process: the numbers the CLI's error kinds
/// use for the same failures (the CLI tests that they agree).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    Success = 0,
    Usage = 2,
    Invalid = 3,
    Io = 4,
    Listen = 5,
    Unreachable = 6,
    LostPeer = 7,
    Mismatch = 8,
    Internal = 9,
}

/// Why `scalewise cluster` failed; the CLI maps each kind to its exit code.
#[derive(Clone, Debug, PartialEq)]
pub enum ClusterError {
    Usage(String),
    /// The review, the hostfile or `--alternative`: each problem named.
    Invalid(Vec<String>),
    Io(String),
    Listen {
        process: u32,
        address: String,
        message: String,
    },
    Unreachable {
        process: u32,
        timeout_s: f64,
        detail: String,
    },
    LostPeer {
        peer: u32,
        address: String,
        /// e.g. "killed by signal 9 (SIGKILL)".
        how: String,
        /// What the survivors said.
        noticed: Vec<String>,
        /// The lost process's last lines on standard error.
        stderr: Vec<String>,
    },
    Mismatch(String),
    Internal(String),
}

impl ClusterError {
    /// The message without the `error: ` prefix of [`fmt::Display`].
    pub fn message(&self) -> String {
        let text = self.to_string();
        text.strip_prefix("error: ")
            .map(str::to_string)
            .unwrap_or(text)
    }
}

impl fmt::Display for ClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClusterError::Usage(message) => write!(f, "error: {message}"),
            ClusterError::Invalid(lines) => {
                let lines: Vec<String> = lines.iter().map(|l| format!("error: {l}")).collect();
                f.write_str(&lines.join("\n"))
            }
            ClusterError::Io(message) => write!(f, "error: {message}"),
            ClusterError::Listen {
                process,
                address,
                message,
            } => write!(
                f,
                "error: process {process} cannot listen on {address} ({message}); is the port \
                 in use? Free it or choose other ports (--port, or the hostfile)"
            ),
            ClusterError::Unreachable {
                process,
                timeout_s,
                detail,
            } => write!(
                f,
                "error: process {process} was not connected to every peer after {timeout_s:.0} \
                 s: {detail}. Is every process started, with the same hostfile, and can the \
                 hosts reach each other? (--connect-timeout-s)"
            ),
            ClusterError::LostPeer {
                peer,
                address,
                how,
                noticed,
                stderr,
            } => {
                write!(f, "error: lost process {peer} ({address}) mid-run: {how}")?;
                for line in noticed {
                    write!(f, "; {line}")?;
                }
                if !stderr.is_empty() {
                    write!(f, "; its last words: {}", stderr.join(" | "))?;
                }
                Ok(())
            }
            ClusterError::Mismatch(message) => write!(f, "error: {message}"),
            ClusterError::Internal(message) => write!(f, "error: internal: {message}"),
        }
    }
}

/// Where the processes run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Start `processes` local processes on 127.0.0.1.
    Local { processes: u32, port: Option<u16> },
    /// This host's process of a hostfile.
    Hostfile { path: PathBuf, process: u32 },
    /// Internal: one timely process under a supervisor.
    WorkerProcess { path: PathBuf, process: u32 },
}

/// What `scalewise cluster` was asked to do (the CLI's `cmd_cluster` reads
/// the command line into it).
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterArgs {
    pub review: PathBuf,
    pub mode: Mode,
    pub workers: u32,
    pub sweep: bool,
    pub repeat: u32,
    pub alternative: Option<String>,
    pub output: Option<PathBuf>,
    pub connect_timeout_s: u32,
}

/// Most local processes, worker threads per process, passes per layout and
/// seconds of the connection timeout the command accepts.
pub const MAX_LOCAL_PROCESSES: u32 = 64;
pub const MAX_WORKERS: u32 = 256;
pub const MAX_REPEAT: u32 = 100;
pub const MAX_CONNECT_TIMEOUT_S: u32 = 3_600;

fn read(path: &Path, what: &str) -> Result<String, ClusterError> {
    std::fs::read_to_string(path)
        .map_err(|e| ClusterError::Io(format!("cannot read {what} {}: {e}", path.display())))
}

fn load_review(path: &Path) -> Result<Review, ClusterError> {
    let text = read(path, "the review")?;
    let review = Review::from_json(&text)
        .map_err(|e| ClusterError::Invalid(vec![format!("{}: {e}", path.display())]))?;
    review.validate().map_err(|errors| {
        ClusterError::Invalid(errors.0.iter().map(|e| e.to_string()).collect())
    })?;
    Ok(review)
}

fn load_hostfile(path: &Path) -> Result<Hostfile, ClusterError> {
    let text = read(path, "the hostfile")?;
    Hostfile::parse(&text)
        .map_err(|why| ClusterError::Invalid(vec![format!("{}: {why}", path.display())]))
}

/// The review and the shuffle every mode starts from.
struct Prepared {
    review: Review,
    review_digest: String,
    alternative: String,
    scheme: Scheme,
}

fn prepare(args: &ClusterArgs) -> Result<Prepared, ClusterError> {
    let review = load_review(&args.review)?;
    let (alternative, scheme) = seam::shuffle_alternative(&review, args.alternative.as_deref())
        .map_err(|why| ClusterError::Invalid(vec![why]))?;
    Ok(Prepared {
        review_digest: seam::review_digest(&review),
        review,
        alternative,
        scheme,
    })
}

/// Runs the command; returns what to print on stdout (the document, when
/// not written to `-o`). Progress goes to stderr.
pub fn run(args: &ClusterArgs, launcher: &Launcher) -> Result<String, ClusterError> {
    let prepared = prepare(args)?;
    match &args.mode {
        Mode::WorkerProcess { path, process } => {
            let hostfile = load_hostfile(path)?;
            check_process(&hostfile, *process, path)?;
            worker::main(worker::WorkerSettings {
                review: prepared.review,
                review_digest: prepared.review_digest,
                hostfile,
                process: *process,
                workers_per_process: args.workers,
                passes: args.repeat,
                alternative: prepared.alternative,
                scheme: prepared.scheme,
            })
        }
        Mode::Local { processes, port } => {
            let layouts: Vec<(u32, u32)> = if args.sweep {
                (1..=*processes)
                    .flat_map(|p| (1..=args.workers).map(move |w| (p, w)))
                    .collect()
            } else {
                vec![(*processes, args.workers)]
            };
            let mut points = Vec::new();
            for (p, w) in layouts {
                points.push(run_local_point(args, launcher, p, w, *port)?);
            }
            finish(args, &prepared, "127.0.0.1", points)
        }
        Mode::Hostfile { path, process } => {
            let hostfile = load_hostfile(path)?;
            check_process(&hostfile, *process, path)?;
            eprintln!(
                "process {process} of {} at {}: {} worker(s)",
                hostfile.processes(),
                hostfile.address(*process as usize),
                args.workers
            );
            let specs = vec![Spec {
                process: *process,
                args: worker_args(args, path, *process),
            }];
            let finished = supervise(launcher, specs, &hostfile, args)?;
            if *process != 0 {
                if let Some(f) = finished.first() {
                    eprintln!(
                        "process {process} finished: sent {} TCP bytes; process 0 writes the results",
                        f.report.tcp_bytes_sent
                    );
                }
                return Ok(String::new());
            }
            let host = hostfile.host(0);
            finish(
                args,
                &prepared,
                &host,
                vec![(hostfile, args.workers, finished)],
            )
        }
    }
}

fn check_process(hostfile: &Hostfile, process: u32, path: &Path) -> Result<(), ClusterError> {
    if process as usize >= hostfile.processes() {
        return Err(ClusterError::Usage(format!(
            "--process {process} is not a line of {} (processes 0 to {})",
            path.display(),
            hostfile.processes() - 1
        )));
    }
    Ok(())
}

/// The worker process's command line.
fn worker_args(args: &ClusterArgs, hostfile: &Path, process: u32) -> Vec<OsString> {
    let mut out: Vec<OsString> = vec![
        args.review.clone().into(),
        "--hostfile".into(),
        hostfile.into(),
        "--process".into(),
        process.to_string().into(),
        "--workers".into(),
        args.workers.to_string().into(),
        "--repeat".into(),
        args.repeat.to_string().into(),
        "--worker-process".into(),
    ];
    if let Some(alternative) = &args.alternative {
        out.push("--alternative".into());
        out.push(alternative.into());
    }
    out
}

fn supervise(
    launcher: &Launcher,
    specs: Vec<Spec>,
    hostfile: &Hostfile,
    args: &ClusterArgs,
) -> Result<Vec<supervisor::Finished>, ClusterError> {
    let mut last = String::new();
    supervisor::run(
        launcher,
        specs,
        hostfile,
        Duration::from_secs(u64::from(args.connect_timeout_s)),
        &mut |process, phase| {
            let line = format!("  process {process}: {phase}");
            if line != last {
                eprintln!("{line}");
                last = line;
            }
        },
    )
}

/// A scratch directory for a local run's hostfile, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, ClusterError> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "scalewise-cluster-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)
            .map_err(|e| ClusterError::Io(format!("cannot create {}: {e}", dir.display())))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Free ports picked by the kernel can be taken before timely binds them:
/// a local run with chosen ports is retried this many times.
const PORT_ATTEMPTS: u32 = 3;

fn run_local_point(
    args: &ClusterArgs,
    launcher: &Launcher,
    processes: u32,
    workers: u32,
    port: Option<u16>,
) -> Result<Measured, ClusterError> {
    let scratch = Scratch::new()?;
    let mut attempt = 1;
    loop {
        let ports: Vec<u16> = match port {
            Some(base) => (0..processes as u16).map(|i| base + i).collect(),
            None => hostfile::free_loopback_ports(processes as usize)
                .map_err(|e| ClusterError::Io(format!("cannot find free loopback ports: {e}")))?,
        };
        let hostfile = Hostfile::loopback(&ports);
        let path = scratch.0.join("hostfile");
        std::fs::write(&path, hostfile.to_text())
            .map_err(|e| ClusterError::Io(format!("cannot write {}: {e}", path.display())))?;
        eprintln!(
            "{processes} process{} × {workers} worker{} on {}",
            if processes == 1 { "" } else { "es" },
            if workers == 1 { "" } else { "s" },
            hostfile.addresses().join(", ")
        );
        let point_args = ClusterArgs {
            workers,
            ..args.clone()
        };
        let specs = (0..processes)
            .map(|process| Spec {
                process,
                args: worker_args(&point_args, &path, process),
            })
            .collect();
        match supervise(launcher, specs, &hostfile, &point_args) {
            Ok(finished) => return Ok((hostfile, workers, finished)),
            Err(ClusterError::Listen { .. }) if port.is_none() && attempt < PORT_ATTEMPTS => {
                eprintln!("  a chosen port was taken meanwhile; choosing others");
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    }
}

/// A layout as its processes reported it: the hostfile, the workers per
/// process and each process's report.
type Measured = (Hostfile, u32, Vec<supervisor::Finished>);

/// The native measurements, the section, the document; written or returned.
fn finish(
    args: &ClusterArgs,
    prepared: &Prepared,
    host: &str,
    measured: Vec<Measured>,
) -> Result<String, ClusterError> {
    eprintln!(
        "native pipeline on one thread ({} passes) and the calibration",
        args.repeat
    );
    let internal = |e: seam::NativeError| ClusterError::Internal(e.to_string());
    let (baseline, native_profile) =
        seam::native_single_thread(&prepared.review, args.repeat).map_err(internal)?;
    let (calibration, calibrated_profile) =
        seam::native_calibration(&prepared.review).map_err(internal)?;
    if calibrated_profile.data_digest != native_profile.data_digest {
        return Err(ClusterError::Internal(
            "the calibration's data profile differs from the single-threaded pass's".to_string(),
        ));
    }
    let common = report::Common {
        events: prepared.review.workload.sample_events,
        unique_events: native_profile.dedup.unique_events,
        record_bytes: seam::record_bytes(),
        data_digest: native_profile.data_digest.clone(),
    };
    let mut points = Vec::new();
    for (hostfile, workers, finished) in &measured {
        let point = report::point(&common, hostfile, *workers, finished)?;
        eprintln!("{}", report::describe(&point));
        points.push(point);
    }
    let section = report::section(
        &common,
        &prepared.alternative,
        prepared.scheme,
        &prepared.review_digest,
        host,
        &baseline,
        points,
    )?;
    let baseline = &section.baseline;
    eprintln!(
        "native, 1 thread: {:.2} M events/s (median of {}; {:.2}–{:.2}){}; data digest {} (equal at every layout)",
        baseline.events_per_s.median / 1e6,
        baseline.events_per_s.samples,
        baseline.events_per_s.min / 1e6,
        baseline.events_per_s.max / 1e6,
        baseline
            .cpu_s
            .map(|cpu| format!(
                ", {:.2} M events per CPU second",
                section.events as f64 / cpu.median.max(f64::MIN_POSITIVE) / 1e6
            ))
            .unwrap_or_default(),
        section.data_digest
    );
    eprintln!("{}", section.cost.summary());
    let mut document = calibration;
    document.distributed = Some(section);
    document.validate().map_err(|errors| {
        ClusterError::Internal(format!("the document does not validate: {errors}"))
    })?;
    let text = serde_json::to_string_pretty(&document)
        .map_err(|e| ClusterError::Internal(format!("cannot serialise the document: {e}")))?
        + "\n";
    match &args.output {
        Some(path) => {
            write_atomically(path, &text)?;
            eprintln!("wrote {}", path.display());
            Ok(String::new())
        }
        None => Ok(text),
    }
}

/// Writes through a temporary file in the same directory and a rename, so
/// `path` holds either its old contents or the whole new document.
fn write_atomically(path: &Path, text: &str) -> Result<(), ClusterError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "cluster.json".to_string());
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let io = |e: std::io::Error| ClusterError::Io(format!("cannot write {}: {e}", path.display()));
    std::fs::write(&temporary, text).map_err(io)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        io(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_engine_is_the_locked_timely() {
        let lock =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock"))
                .unwrap();
        let version = report::ENGINE.strip_prefix("timely ").unwrap();
        assert!(
            lock.contains(&format!("name = \"timely\"\nversion = \"{version}\"")),
            "Cargo.lock does not lock timely {version}"
        );
    }

    #[test]
    fn writes_replace_the_file_whole() {
        let dir =
            std::env::temp_dir().join(format!("scalewise-cluster-write-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.json");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
        assert!(write_atomically(&dir.join("missing/out.json"), "x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
