//! Starts worker processes, watches them and says what went wrong.
//!
//! A supervisor owns one or more worker processes (all P of a local run, or
//! the one of its host in hostfile mode). It reads their event lines,
//! bounds the wait for the connections (timely retries for ever), and when
//! one process fails gives the others [`GRACE`] to stop on their own before
//! it kills them: no run outlives a failure by more than that. The error
//! names the root cause — the process that died, the peer a survivor lost,
//! the address that could not be reached or listened on.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crate::hostfile::Hostfile;
use crate::protocol::{parse_line, ChildEvent, ChildFailure, Line, ProcessReport};
use crate::ClusterError;

/// How long the other processes have to stop after one fails.
pub const GRACE: Duration = Duration::from_secs(2);
/// Lines of a process's standard error kept for an unexplained failure.
const STDERR_TAIL: usize = 8;

/// How to start this program as a worker process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Launcher {
    pub program: PathBuf,
    /// Arguments before the cluster command's own, e.g. `["cluster"]`.
    pub prefix: Vec<OsString>,
}

impl Launcher {
    /// This executable's `cluster` subcommand.
    pub fn current_exe() -> Result<Launcher, ClusterError> {
        let program = std::env::current_exe().map_err(|e| {
            ClusterError::Io(format!("cannot find this program to start workers: {e}"))
        })?;
        Ok(Launcher {
            program,
            prefix: vec![OsString::from("cluster")],
        })
    }
}

/// One worker process to start: its index and its command-line arguments.
pub struct Spec {
    pub process: u32,
    pub args: Vec<OsString>,
}

/// What a finished process left.
#[derive(Clone, Debug)]
pub struct Finished {
    pub report: ProcessReport,
    /// Start → connected, as the supervisor saw it.
    pub connect_s: f64,
}

struct Running {
    process: u32,
    child: Child,
    /// Held open: the worker exits when it closes.
    _stdin: Option<ChildStdin>,
    spawned: Instant,
    connected: Option<Instant>,
    exit: Option<ExitStatus>,
    /// Stopped by the supervisor (after another's failure or a timeout).
    killed: bool,
    failure: Option<ChildFailure>,
    lost_peer: Option<(u32, String)>,
    panicked: Option<String>,
    retry: Option<(u32, String)>,
    awaiting: Option<(u32, u32)>,
    report: Option<ProcessReport>,
    stderr: VecDeque<String>,
}

enum Output {
    Stdout(String),
    Stderr(String),
}

/// Starts the processes, waits for all of them and returns their reports,
/// or the error that explains the failure. `phase` hears each reported
/// phase (`process`, `phase`).
pub fn run(
    launcher: &Launcher,
    specs: Vec<Spec>,
    hostfile: &Hostfile,
    connect_timeout: Duration,
    phase: &mut dyn FnMut(u32, &str),
) -> Result<Vec<Finished>, ClusterError> {
    let (sender, receiver) = mpsc::channel();
    let mut running = Vec::new();
    for (slot, spec) in specs.into_iter().enumerate() {
        match start(launcher, &spec, slot, &sender) {
            Ok(process) => running.push(process),
            Err(error) => {
                stop_all(&mut running);
                return Err(error);
            }
        }
    }
    drop(sender);
    watch(&mut running, &receiver, connect_timeout, phase);
    conclude(running, hostfile, connect_timeout)
}

fn start(
    launcher: &Launcher,
    spec: &Spec,
    slot: usize,
    sender: &Sender<(usize, Output)>,
) -> Result<Running, ClusterError> {
    let mut child = Command::new(&launcher.program)
        .args(&launcher.prefix)
        .args(&spec.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            ClusterError::Io(format!(
                "cannot start process {} ({}): {e}",
                spec.process,
                launcher.program.display()
            ))
        })?;
    eprintln!("  process {} started (pid {})", spec.process, child.id());
    if let Some(stdout) = child.stdout.take() {
        forward(stdout, slot, sender.clone(), Output::Stdout);
    }
    if let Some(stderr) = child.stderr.take() {
        forward(stderr, slot, sender.clone(), Output::Stderr);
    }
    Ok(Running {
        process: spec.process,
        _stdin: child.stdin.take(),
        child,
        spawned: Instant::now(),
        connected: None,
        exit: None,
        killed: false,
        failure: None,
        lost_peer: None,
        panicked: None,
        retry: None,
        awaiting: None,
        report: None,
        stderr: VecDeque::new(),
    })
}

/// Sends each line of `stream` to the supervisor until it closes.
fn forward<R: std::io::Read + Send + 'static>(
    stream: R,
    slot: usize,
    sender: Sender<(usize, Output)>,
    kind: fn(String) -> Output,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if sender.send((slot, kind(line))).is_err() {
                break;
            }
        }
    });
}

fn watch(
    running: &mut [Running],
    receiver: &Receiver<(usize, Output)>,
    connect_timeout: Duration,
    phase: &mut dyn FnMut(u32, &str),
) {
    let started = Instant::now();
    let mut stop_at: Option<Instant> = None;
    let mut all_exited_at: Option<Instant> = None;
    let mut streams_open = true;
    loop {
        let waiting = if streams_open {
            Duration::from_millis(50)
        } else {
            Duration::from_millis(20)
        };
        match receiver.recv_timeout(waiting) {
            Ok((slot, output)) => {
                if let Some(process) = running.get_mut(slot) {
                    handle(process, output, phase);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                streams_open = false;
                std::thread::sleep(waiting);
            }
        }
        let now = Instant::now();
        for process in running.iter_mut() {
            if process.exit.is_none() {
                if let Ok(Some(status)) = process.child.try_wait() {
                    process.exit = Some(status);
                }
            }
        }
        let failed = running.iter().any(|p| {
            p.failure.is_some()
                || p.lost_peer.is_some()
                || p.panicked.is_some()
                || p.exit.is_some_and(|s| !s.success())
        });
        if failed && stop_at.is_none() {
            stop_at = Some(now + GRACE);
        }
        let unconnected = running
            .iter()
            .any(|p| p.connected.is_none() && p.exit.is_none());
        if unconnected && now.duration_since(started) > connect_timeout && stop_at.is_none() {
            stop_at = Some(now);
        }
        if stop_at.is_some_and(|at| now >= at) {
            stop_all(running);
        }
        let all_exited = running.iter().all(|p| p.exit.is_some());
        // After the last exit, read what is left in the pipes (the report
        // line may come after the exit status).
        if all_exited && !streams_open {
            return;
        }
        if all_exited && all_exited_at.is_none() {
            all_exited_at = Some(now);
        }
        // The pipes close with the processes; this only bounds the wait.
        if all_exited_at.is_some_and(|at| now >= at + GRACE) {
            return;
        }
    }
}

fn handle(process: &mut Running, output: Output, phase: &mut dyn FnMut(u32, &str)) {
    match output {
        Output::Stderr(line) => {
            if process.stderr.len() == STDERR_TAIL {
                process.stderr.pop_front();
            }
            process.stderr.push_back(line);
        }
        Output::Stdout(line) => match parse_line(&line) {
            Line::Event(event) => match event {
                ChildEvent::Connected { .. } => process.connected = Some(Instant::now()),
                ChildEvent::Phase {
                    process: index,
                    phase: name,
                } => phase(index, &name),
                ChildEvent::Failed { failure, .. } => process.failure = Some(failure),
                ChildEvent::LostPeer { peer, message, .. } => {
                    process.lost_peer = Some((peer, message))
                }
                ChildEvent::Panicked {
                    thread, message, ..
                } => process.panicked = Some(format!("thread `{thread}` panicked: {message}")),
                ChildEvent::Report(report) => process.report = Some(*report),
            },
            Line::ConnectRetry { peer, message } => process.retry = Some((peer, message)),
            Line::Awaiting {
                connected,
                expected,
            } => process.awaiting = Some((connected, expected)),
            Line::Other(_) => {}
        },
    }
}

fn stop_all(running: &mut [Running]) {
    for process in running.iter_mut() {
        if process.exit.is_none() {
            process.killed = true;
            let _ = process.child.kill();
            if let Ok(status) = process.child.wait() {
                process.exit = Some(status);
            }
        }
    }
}

/// How a process ended, for people.
fn ended(status: Option<ExitStatus>) -> String {
    let Some(status) = status else {
        return "still running".to_string();
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                9 => " (SIGKILL)",
                15 => " (SIGTERM)",
                6 => " (SIGABRT)",
                11 => " (SIGSEGV)",
                _ => "",
            };
            return format!("killed by signal {signal}{name}");
        }
    }
    match status.code() {
        Some(code) => format!("exited with status {code}"),
        None => "exited".to_string(),
    }
}

fn conclude(
    running: Vec<Running>,
    hostfile: &Hostfile,
    connect_timeout: Duration,
) -> Result<Vec<Finished>, ClusterError> {
    let address = |process: u32| hostfile.address(process as usize).to_string();
    // Errors every process understood, in order of precedence.
    for p in &running {
        match &p.failure {
            Some(ChildFailure::Mismatch { message }) => {
                return Err(ClusterError::Mismatch(message.clone()))
            }
            Some(ChildFailure::Listen { address, message }) => {
                return Err(ClusterError::Listen {
                    process: p.process,
                    address: address.clone(),
                    message: message.clone(),
                })
            }
            Some(ChildFailure::Invalid { message }) => {
                return Err(ClusterError::Invalid(vec![message.clone()]))
            }
            _ => {}
        }
    }
    for p in &running {
        if let Some(ChildFailure::Pipeline { message }) = &p.failure {
            return Err(ClusterError::Internal(format!(
                "process {}: {message}",
                p.process
            )));
        }
        if let Some(message) = &p.panicked {
            return Err(ClusterError::Internal(format!(
                "process {}: {message}",
                p.process
            )));
        }
    }
    // A process that died on its own (not one we stopped after a failure):
    // the root cause when the others lost it.
    let noticed: Vec<(u32, u32, String)> = running
        .iter()
        .filter_map(|p| p.lost_peer.clone().map(|(peer, m)| (p.process, peer, m)))
        .collect();
    let died = running.iter().find(|p| {
        !p.killed
            && p.report.is_none()
            && p.lost_peer.is_none()
            && p.connected.is_some()
            && !p.exit.is_some_and(|s| s.success())
    });
    if let Some(dead) =
        died.filter(|d| noticed.iter().any(|(_, peer, _)| *peer == d.process) || noticed.is_empty())
    {
        let survivors = noticed
            .iter()
            .filter(|(_, peer, _)| *peer == dead.process)
            .map(|(process, _, message)| {
                format!("process {process} lost its connection to it ({message})")
            })
            .collect::<Vec<_>>();
        return Err(ClusterError::LostPeer {
            peer: dead.process,
            address: address(dead.process),
            how: ended(dead.exit),
            noticed: survivors,
            stderr: dead.stderr.iter().cloned().collect(),
        });
    }
    if let Some((process, peer, message)) = noticed.first() {
        return Err(ClusterError::LostPeer {
            peer: *peer,
            address: address(*peer),
            how: "its connection broke".to_string(),
            noticed: vec![format!(
                "process {process} lost its connection to it ({message})"
            )],
            stderr: Vec::new(),
        });
    }
    if let Some(p) = running.iter().find(|p| p.connected.is_none()) {
        return Err(unreachable(p, hostfile, connect_timeout));
    }
    let mut finished = Vec::new();
    for p in running {
        match p.report {
            Some(report) if p.exit.is_some_and(|s| s.success()) => finished.push(Finished {
                report,
                connect_s: p
                    .connected
                    .map_or(0.0, |at| at.duration_since(p.spawned).as_secs_f64()),
            }),
            _ => {
                return Err(ClusterError::Internal(format!(
                    "process {} {} without a report{}",
                    p.process,
                    ended(p.exit),
                    tail(&p.stderr)
                )))
            }
        }
    }
    Ok(finished)
}

fn tail(stderr: &VecDeque<String>) -> String {
    if stderr.is_empty() {
        String::new()
    } else {
        format!(
            "; its last words: {}",
            stderr.iter().cloned().collect::<Vec<_>>().join(" | ")
        )
    }
}

/// The peers a process was still waiting for.
fn unreachable(p: &Running, hostfile: &Hostfile, timeout: Duration) -> ClusterError {
    let me = p.process as usize;
    let here = hostfile.address(me).to_string();
    let detail = if let Some((peer, message)) = &p.retry {
        format!(
            "it could not connect to process {peer} at {} ({message})",
            hostfile.address(*peer as usize)
        )
    } else {
        let later: Vec<String> = (me + 1..hostfile.processes())
            .map(|q| format!("{q} ({})", hostfile.address(q)))
            .collect();
        let connected = p.awaiting.map_or(String::new(), |(a, b)| {
            format!(" ({a} of those {b} had connected)")
        });
        if later.is_empty() {
            "it was still connecting".to_string()
        } else {
            format!(
                "it was waiting for process{} {} to connect to it at {here}{connected}",
                if later.len() == 1 { "" } else { "es" },
                later.join(", ")
            )
        }
    };
    ClusterError::Unreachable {
        process: p.process,
        timeout_s: timeout.as_secs_f64(),
        detail,
    }
}
