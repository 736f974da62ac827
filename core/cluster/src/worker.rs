//! One timely process under a supervisor (`--worker-process`, internal).
//!
//! It connects to the other processes of the hostfile, runs the workers
//! ([`crate::dataflow`]) and reports on its standard output
//! ([`crate::protocol`]). Three things make its end observable:
//!
//! * **A lost peer.** timely's communication threads are named
//!   `timely:send-J` / `timely:recv-J` after the remote process *J* and panic
//!   when its connection breaks; the panic hook reports the peer and exits
//!   at once (a survivor otherwise aborts inside timely's cleanup, with no
//!   word on who was lost).
//! * **A lost supervisor.** Standard input is a pipe the supervisor never
//!   writes; end of file means it is gone, and the process exits, so its
//!   peers see the connection break.
//! * **Connection progress.** timely prints its connection retries on
//!   standard output; the supervisor reads them to name an unreachable peer.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use timely::communication::allocator::AllocatorBuilder;
use timely::communication::logging::{
    CommunicationEvent, CommunicationEventBuilder, CommunicationSetup,
};
use timely::communication::Hooks;
use timely::logging_core::Logger;
use timely::{CommunicationConfig, WorkerConfig};

use crate::dataflow::{self, Context, Hello, WorkerFailure};
use crate::hostfile::Hostfile;
use crate::protocol::{event_line, ChildEvent, ChildFailure, ProcessReport};
use crate::seam::Seam;
use crate::ExitCode;

/// What a worker process is told by its supervisor.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    pub review: scalewise_core::review::Review,
    pub review_digest: String,
    pub hostfile: Hostfile,
    pub process: u32,
    pub workers_per_process: u32,
    pub passes: u32,
    pub alternative: String,
    pub scheme: scalewise_core::profiler::Scheme,
}

static STDOUT: Mutex<()> = Mutex::new(());

/// Writes one event line, flushed (timely prints to the same stream).
pub fn emit(event: &ChildEvent) {
    let _guard = STDOUT.lock();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", event_line(event));
    let _ = out.flush();
}

/// Runs the process to its end and exits.
pub fn main(settings: WorkerSettings) -> ! {
    let process = settings.process;
    install_panic_hook(process);
    watch_supervisor();
    let code = match run(&settings) {
        Ok(report) => {
            emit(&ChildEvent::Report(Box::new(report)));
            ExitCode::Success
        }
        Err((failure, code)) => {
            emit(&ChildEvent::Failed { process, failure });
            code
        }
    };
    std::process::exit(code as i32)
}

fn run(settings: &WorkerSettings) -> Result<ProcessReport, (ChildFailure, ExitCode)> {
    let process = settings.process;
    let processes = settings.hostfile.processes();
    let workers = settings.workers_per_process.max(1) as usize;
    let tcp_bytes_sent = Arc::new(AtomicU64::new(0));
    let communication = if processes == 1 {
        CommunicationConfig::Process(workers)
    } else {
        CommunicationConfig::Cluster {
            threads: workers,
            process: process as usize,
            addresses: settings.hostfile.addresses().to_vec(),
            report: false,
            zerocopy: false,
        }
    };
    // Blocks until every connection is up (timely retries for ever; the
    // supervisor bounds the wait).
    let (builders, others) = communication
        .try_build_with(counting_hooks(Arc::clone(&tcp_bytes_sent)))
        .map_err(|message| {
            (
                ChildFailure::Listen {
                    address: settings.hostfile.address(process as usize).to_string(),
                    message,
                },
                ExitCode::Listen,
            )
        })?;
    emit(&ChildEvent::Connected { process });

    let context = Arc::new(Context {
        seam: Arc::new(Seam::new(&settings.review, settings.scheme)),
        workers_per_process: settings.workers_per_process,
        passes: settings.passes,
        hello: Hello {
            process,
            review_digest: settings.review_digest.clone(),
            settings: format!(
                "--workers {} --repeat {} --alternative {} (scalewise {})",
                settings.workers_per_process,
                settings.passes,
                settings.alternative,
                env!("CARGO_PKG_VERSION")
            ),
        },
        phase: Arc::new(move |phase| emit(&ChildEvent::Phase { process, phase })),
    });
    let results = run_workers(builders, others, context)?;
    let mut point = None;
    for result in results {
        match result {
            Ok(Ok(Some(report))) => point = Some(report),
            Ok(Ok(None)) => {}
            Ok(Err(WorkerFailure::Mismatch(message))) => {
                return Err((ChildFailure::Mismatch { message }, ExitCode::Mismatch))
            }
            Ok(Err(WorkerFailure::Pipeline(message))) => {
                return Err((ChildFailure::Pipeline { message }, ExitCode::Internal))
            }
            Err(message) => return Err((ChildFailure::Pipeline { message }, ExitCode::Internal)),
        }
    }
    Ok(ProcessReport {
        process,
        // Final: the communication threads have been joined.
        tcp_bytes_sent: tcp_bytes_sent.load(Ordering::Relaxed),
        point,
    })
}

type WorkerResult = Result<Result<Option<crate::protocol::PointReport>, WorkerFailure>, String>;

/// Runs the workers and joins them and timely's communication threads.
fn run_workers(
    builders: Vec<AllocatorBuilder>,
    others: Box<dyn std::any::Any + Send>,
    context: Arc<Context>,
) -> Result<Vec<WorkerResult>, (ChildFailure, ExitCode)> {
    let guards =
        timely::execute::execute_from(builders, others, WorkerConfig::default(), move |worker| {
            dataflow::run(worker, &context)
        })
        .map_err(|message| (ChildFailure::Pipeline { message }, ExitCode::Internal))?;
    // `join` also drops the communication guard, which joins the send
    // threads: their byte counts are final afterwards.
    Ok(guards.join())
}

/// Hooks whose communication log counts the bytes every send thread writes.
fn counting_hooks(counter: Arc<AtomicU64>) -> Hooks {
    Hooks {
        log_fn: Arc::new(move |setup: CommunicationSetup| {
            if !setup.sender {
                return None;
            }
            let counter = Arc::clone(&counter);
            Some(Logger::<CommunicationEventBuilder>::new(
                Instant::now(),
                Duration::ZERO,
                move |_time, batch: &mut Option<Vec<(Duration, CommunicationEvent)>>| {
                    for (_, event) in batch.iter().flatten() {
                        if let CommunicationEvent::Message(message) = event {
                            if message.is_send {
                                counter.fetch_add(
                                    message.header.required_bytes() as u64,
                                    Ordering::Relaxed,
                                );
                            }
                        }
                    }
                },
            ))
        }),
        ..Hooks::default()
    }
}

/// How timely 0.32's communication threads begin the panic of a broken
/// connection (`timely_communication/src/allocator/zero_copy/tcp.rs`, which
/// asks that the wording be kept).
const CONNECTION_BROKE: &str = "timely communication error:";

/// The remote process a timely communication thread talks to.
fn peer_of_thread(name: &str) -> Option<u32> {
    name.strip_prefix("timely:recv-")
        .or_else(|| name.strip_prefix("timely:send-"))
        .and_then(|peer| peer.parse().ok())
}

fn install_panic_hook(process: u32) {
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_string();
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if let Some(peer) = peer_of_thread(&thread) {
            // timely words a broken connection this way; any other panic of
            // a communication thread is a disagreement on the layout (the
            // processes' worker counts differ, so a message names a worker
            // this process does not have).
            if payload.starts_with(CONNECTION_BROKE) {
                emit(&ChildEvent::LostPeer {
                    process,
                    peer,
                    message: payload,
                });
                std::process::exit(ExitCode::LostPeer as i32);
            }
            emit(&ChildEvent::Failed {
                process,
                failure: ChildFailure::Mismatch {
                    message: format!(
                        "process {process}'s connection to process {peer} failed inside timely \
                         ({payload}): the processes probably run with different --workers; \
                         every process must be given the same options"
                    ),
                },
            });
            std::process::exit(ExitCode::Mismatch as i32);
        }
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        emit(&ChildEvent::Panicked {
            process,
            thread,
            message: format!("{payload}{location}"),
        });
        std::process::exit(ExitCode::Internal as i32);
    }));
}

/// Exits when the supervisor's end of standard input closes.
fn watch_supervisor() {
    let spawned = std::thread::Builder::new()
        .name("supervisor-watch".to_string())
        .spawn(|| {
            let mut buffer = [0u8; 64];
            let mut stdin = std::io::stdin();
            loop {
                match stdin.read(&mut buffer) {
                    Ok(0) | Err(_) => std::process::exit(ExitCode::LostPeer as i32),
                    Ok(_) => {}
                }
            }
        });
    // Without the watch the process still runs; its supervisor's own
    // timeouts bound it.
    drop(spawned);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn communication_threads_name_their_peer() {
        assert_eq!(peer_of_thread("timely:recv-3"), Some(3));
        assert_eq!(peer_of_thread("timely:send-0"), Some(0));
        assert_eq!(peer_of_thread("timely:work-1"), None);
        assert_eq!(peer_of_thread("main"), None);
    }
}
