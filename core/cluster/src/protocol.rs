//! What a worker process tells its supervisor: one JSON line per event on
//! its standard output, after [`PREFIX`]. timely writes its own connection
//! messages to the same stream; [`parse_line`] recognises both.
//!
//! A worker process is the same binary started with `--worker-process`
//! (internal, not in the help). Its standard input is a pipe from the
//! supervisor that is never written: when it closes, the supervisor is gone,
//! and the worker exits (see `worker.rs`), so no process outlives the one
//! that answers for it.

use serde::{Deserialize, Serialize};

/// Marks the runner's lines among timely's.
pub const PREFIX: &str = "@scalewise-cluster ";

/// One event of a worker process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChildEvent {
    /// Every TCP connection to the other processes is up.
    Connected { process: u32 },
    /// A phase began (worker 0 of each process reports).
    Phase { process: u32, phase: String },
    /// The process stops with an error it understood.
    Failed { process: u32, failure: ChildFailure },
    /// A timely communication thread lost its connection to `peer`.
    LostPeer {
        process: u32,
        peer: u32,
        message: String,
    },
    /// Any other panic (a bug).
    Panicked {
        process: u32,
        thread: String,
        message: String,
    },
    /// The process finished; its measurements.
    Report(Box<ProcessReport>),
}

/// An error a worker process understood.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChildFailure {
    /// timely could not listen on this process's address.
    Listen { address: String, message: String },
    /// The processes do not run the same review or settings.
    Mismatch { message: String },
    /// The review, the hostfile or an option is unusable.
    Invalid { message: String },
    /// A pipeline stage failed (a bug, reported rather than panicking).
    Pipeline { message: String },
}

/// What one process measured. Only process 0 holds the point: worker 0
/// gathers every worker's counts and times.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessReport {
    pub process: u32,
    /// TCP bytes this process sent in the whole session, from timely's
    /// communication log.
    pub tcp_bytes_sent: u64,
    pub point: Option<PointReport>,
}

/// The measurements of one layout, as worker 0 gathered them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointReport {
    /// Wall time of each empty coordination round.
    pub round_s: Vec<f64>,
    pub exchange: ExchangeReport,
    pub passes: Vec<PassReport>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExchangeReport {
    pub records: u64,
    pub records_to_other_processes: u64,
    /// Wall time of each exchange-only pass.
    pub wall_s: Vec<f64>,
}

/// One pipeline pass, summed over every worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PassReport {
    pub wall_s: f64,
    /// Seconds per stage in `Stage::ALL` order.
    pub stage_s: [f64; scalewise_core::profiler::Stage::COUNT],
    /// Seconds in timely's scheduler outside the keyed stages.
    pub engine_s: f64,
    /// CPU seconds of the worker threads during the pass (`None` when the
    /// OS does not say).
    pub worker_cpu_s: Option<f64>,
    pub records: u64,
    pub records_to_other_workers: u64,
    pub records_to_other_processes: u64,
    pub merge_bytes_to_other_processes: u64,
    pub data_digest: String,
}

/// A line of a worker process's standard output.
#[derive(Clone, Debug, PartialEq)]
pub enum Line {
    Event(ChildEvent),
    /// timely: `worker I:\terror connecting to worker J: MESSAGE; retrying`.
    ConnectRetry {
        peer: u32,
        message: String,
    },
    /// timely: `awaiting connections (at A/B)`.
    Awaiting {
        connected: u32,
        expected: u32,
    },
    Other(String),
}

/// The line a worker writes for an event.
pub fn event_line(event: &ChildEvent) -> String {
    // Plain data with string keys: serialising cannot fail.
    format!(
        "{PREFIX}{}",
        serde_json::to_string(event).unwrap_or_default()
    )
}

/// Recognises a line of a worker process's standard output.
pub fn parse_line(line: &str) -> Line {
    if let Some(json) = line.strip_prefix(PREFIX) {
        if let Ok(event) = serde_json::from_str(json) {
            return Line::Event(event);
        }
    }
    if let Some(rest) = line
        .split_once("error connecting to worker ")
        .map(|(_, r)| r)
    {
        if let Some((peer, message)) = rest.split_once(": ") {
            if let Ok(peer) = peer.trim().parse() {
                let message = message.trim_end().trim_end_matches("; retrying");
                return Line::ConnectRetry {
                    peer,
                    message: message.to_string(),
                };
            }
        }
    }
    if let Some(counts) = line
        .strip_prefix("awaiting connections (at ")
        .and_then(|r| r.trim_end().strip_suffix(')'))
    {
        if let Some((a, b)) = counts.split_once('/') {
            if let (Ok(connected), Ok(expected)) = (a.parse(), b.parse()) {
                return Line::Awaiting {
                    connected,
                    expected,
                };
            }
        }
    }
    Line::Other(line.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_and_timelys_messages_are_recognised() {
        let event = ChildEvent::LostPeer {
            process: 0,
            peer: 1,
            message: "socket closed".to_string(),
        };
        assert_eq!(parse_line(&event_line(&event)), Line::Event(event));
        // timely 0.32's own wording (timely_communication/src/networking.rs).
        assert_eq!(
            parse_line("worker 1:\terror connecting to worker 0: Connection refused (os error 111); retrying"),
            Line::ConnectRetry {
                peer: 0,
                message: "Connection refused (os error 111)".to_string()
            }
        );
        assert_eq!(
            parse_line("awaiting connections (at 0/1)"),
            Line::Awaiting {
                connected: 0,
                expected: 1
            }
        );
        assert_eq!(
            parse_line("@scalewise-cluster {broken"),
            Line::Other("@scalewise-cluster {broken".to_string())
        );
    }
}
