//! `scalewise cluster REVIEW.json (--processes P | --hostfile FILE --process
//! I) [--workers W] …`: the review's pipeline as a timely dataflow across
//! processes (`scalewise-cluster`). This module is the command line only:
//! clap reads the options, [`run`] turns them into the runner's
//! [`scalewise_cluster::ClusterArgs`] and maps its errors to the CLI's
//! [`Error`] (exit codes 5–9 are this command's).

use std::io::Write;
use std::path::PathBuf;

use scalewise_cluster::supervisor::Launcher;
use scalewise_cluster::{ClusterError, Mode};

use crate::{print, Error, Failure};

#[derive(Debug, clap::Args)]
pub struct ClusterArgs {
    /// The review (JSON); every process must be given the same one.
    #[arg(value_name = "REVIEW.json")]
    pub review: PathBuf,
    /// Start P local processes on 127.0.0.1 (1 to 64).
    #[arg(
        long,
        value_name = "P",
        value_parser = clap::value_parser!(u32).range(1..=i64::from(scalewise_cluster::MAX_LOCAL_PROCESSES)),
        required_unless_present = "hostfile",
        conflicts_with_all = ["hostfile", "process"]
    )]
    pub processes: Option<u32>,
    /// Worker threads per process (1 to 256).
    #[arg(
        long,
        value_name = "W",
        default_value_t = 1,
        value_parser = clap::value_parser!(u32).range(1..=i64::from(scalewise_cluster::MAX_WORKERS))
    )]
    pub workers: u32,
    /// Local ports BASE..BASE+P-1 (default: free ports chosen by the system).
    #[arg(long, value_name = "BASE", requires = "processes", value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,
    /// Measure every layout P' = 1..P, W' = 1..W.
    #[arg(long, requires = "processes")]
    pub sweep: bool,
    /// One HOST:PORT line per process (timely's convention; `#` comments
    /// allowed). Every host runs the same command with its own --process;
    /// process 0 writes CLUSTER.json.
    #[arg(long, value_name = "FILE", requires = "process")]
    pub hostfile: Option<PathBuf>,
    /// This host's line of the hostfile, from 0.
    #[arg(long, value_name = "I", requires = "hostfile")]
    pub process: Option<u32>,
    /// Pipeline and exchange passes per layout (1 to 100).
    #[arg(
        long,
        value_name = "K",
        default_value_t = 3,
        value_parser = clap::value_parser!(u32).range(1..=i64::from(scalewise_cluster::MAX_REPEAT))
    )]
    pub repeat: u32,
    /// The alternative whose partitioning keys the shuffle (default: the
    /// first alternative with more than one node).
    #[arg(long, value_name = "OPTION")]
    pub alternative: Option<String>,
    /// Give up when the processes are not all connected after S seconds
    /// (1 to 3600).
    #[arg(
        long = "connect-timeout-s",
        value_name = "S",
        default_value_t = 60,
        value_parser = clap::value_parser!(u32).range(1..=i64::from(scalewise_cluster::MAX_CONNECT_TIMEOUT_S))
    )]
    pub connect_timeout_s: u32,
    /// Write the calibration document to CLUSTER.json (only when the run
    /// completed) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "CLUSTER.json")]
    pub output: Option<PathBuf>,
    /// Internal: one timely process under its supervisor.
    #[arg(long, hide = true, requires = "hostfile")]
    pub worker_process: bool,
}

impl ClusterArgs {
    /// The runner's arguments (what clap cannot check: the ports' room).
    fn to_runner(&self) -> Result<scalewise_cluster::ClusterArgs, Error> {
        let mode = match (self.processes, &self.hostfile, self.process) {
            (Some(processes), _, _) => {
                if let Some(port) = self.port {
                    if u32::from(port) + processes - 1 > u32::from(u16::MAX) {
                        return Err(Error::usage(format!(
                            "--port {port} leaves no room for {processes} ports (up to 65535)"
                        )));
                    }
                }
                Mode::Local {
                    processes,
                    port: self.port,
                }
            }
            (None, Some(path), Some(process)) if self.worker_process => Mode::WorkerProcess {
                path: path.clone(),
                process,
            },
            (None, Some(path), Some(process)) => Mode::Hostfile {
                path: path.clone(),
                process,
            },
            // clap requires one of the two forms.
            _ => {
                return Err(Error::usage(
                    "give --processes P (local processes) or --hostfile FILE --process I",
                ))
            }
        };
        Ok(scalewise_cluster::ClusterArgs {
            review: self.review.clone(),
            mode,
            workers: self.workers,
            sweep: self.sweep,
            repeat: self.repeat,
            alternative: self.alternative.clone(),
            output: self.output.clone(),
            connect_timeout_s: self.connect_timeout_s,
        })
    }
}

pub fn run(args: &ClusterArgs, out: &mut dyn Write) -> Result<(), Error> {
    let runner = args.to_runner()?;
    let launcher = Launcher::current_exe().map_err(to_error)?;
    let document = scalewise_cluster::run(&runner, &launcher).map_err(to_error)?;
    if document.is_empty() {
        Ok(())
    } else {
        print(out, &document)
    }
}

/// The runner's error as the CLI's, with the exit code `--help` lists.
fn to_error(error: ClusterError) -> Error {
    let failure = match &error {
        ClusterError::Usage(_) => Failure::Usage,
        ClusterError::Invalid(lines) => return Error::invalid_lines(lines.clone()),
        ClusterError::Io(_) => Failure::Io,
        ClusterError::Listen { .. } => Failure::Listen,
        ClusterError::Unreachable { .. } => Failure::Unreachable,
        ClusterError::LostPeer { .. } => Failure::LostPeer,
        ClusterError::Mismatch(_) => Failure::Mismatch,
        ClusterError::Internal(_) => Failure::Internal,
    };
    Error::of_kind(failure, error.message())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_processes_exit_with_the_codes_the_cli_documents() {
        use scalewise_cluster::ExitCode;
        for (code, failure) in [
            (ExitCode::Usage, Failure::Usage),
            (ExitCode::Invalid, Failure::Invalid),
            (ExitCode::Io, Failure::Io),
            (ExitCode::Listen, Failure::Listen),
            (ExitCode::Unreachable, Failure::Unreachable),
            (ExitCode::LostPeer, Failure::LostPeer),
            (ExitCode::Mismatch, Failure::Mismatch),
            (ExitCode::Internal, Failure::Internal),
        ] {
            assert_eq!(code as u8, failure.exit_code(), "{failure:?}");
        }
    }
}
