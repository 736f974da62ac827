//! `scalewise cluster` end to end: real processes talking timely over TCP on
//! 127.0.0.1, killed, unreachable, misconfigured. Every command runs under
//! a deadline (`Run::wait`), so a hang fails the test instead of CI.
// Test code: a failed unwrap, expect or index is a failed test. (The
// workspace denies them in library code: the root Cargo.toml.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Longest any command here may take (debug build, two shared cores).
const DEADLINE: Duration = Duration::from_secs(120);

fn scratch_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scalewise-cluster-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The example review with a sample of `events` deliveries (and as many
/// production events) and `seed`, written to `dir`.
fn review(dir: &Path, name: &str, events: u64, seed: u64) -> PathBuf {
    let output = Command::new(env!("CARGO_BIN_EXE_scalewise"))
        .arg("example")
        .output()
        .unwrap();
    let mut value: Value = serde_json::from_slice(&output.stdout).unwrap();
    value["workload"]["events"] = events.into();
    value["workload"]["sample_events"] = events.into();
    value["seed"] = seed.into();
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).unwrap();
    path
}

/// Two loopback addresses nobody listens on (yet).
fn hostfile(dir: &Path, processes: usize) -> (PathBuf, Vec<u16>) {
    let listeners: Vec<TcpListener> = (0..processes)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let ports: Vec<u16> = listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect();
    let text: String = ports.iter().map(|p| format!("127.0.0.1:{p}\n")).collect();
    let path = dir.join("hostfile");
    std::fs::write(&path, format!("# test cluster\n{text}")).unwrap();
    (path, ports)
}

/// A running `scalewise` whose stderr lines arrive on a channel.
struct Run {
    child: Child,
    lines: Receiver<String>,
    stderr: Vec<String>,
    started: Instant,
}

impl Run {
    fn start(args: &[&str]) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_scalewise"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (sender, lines) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Run {
            child,
            lines,
            stderr: Vec::new(),
            started: Instant::now(),
        }
    }

    /// Reads stderr until a line contains `text`; returns that line.
    fn until(&mut self, text: &str) -> String {
        loop {
            let left = DEADLINE.saturating_sub(self.started.elapsed());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.stderr.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("no `{text}` on stderr: {:#?}", self.stderr);
                }
            }
        }
    }

    /// The pid a supervisor printed for its worker process `process`.
    fn worker_pid(&mut self, process: u32) -> u32 {
        let line = self.until(&format!("process {process} started (pid "));
        line.rsplit("(pid ")
            .next()
            .and_then(|rest| rest.trim_end_matches(')').parse().ok())
            .unwrap()
    }

    /// Waits for the end (killing it after `limit`): status and all stderr.
    fn wait(mut self, limit: Duration) -> (ExitStatus, String) {
        let begun = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if begun.elapsed() > limit {
                let _ = self.child.kill();
                panic!("still running after {limit:?}: {:#?}", self.stderr);
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.stderr.push(line);
        }
        (status, self.stderr.join("\n"))
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn kill(pid: u32) {
    let status = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -9 {pid}");
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

#[test]
fn local_layouts_reproduce_the_single_process_profile_and_replay() {
    let dir = scratch_dir("local");
    let review = review(&dir, "review.json", 40_000, 7);
    let out = dir.join("CLUSTER.json");

    // The single-process reference: `scalewise run` on one thread.
    let single = Command::new(env!("CARGO_BIN_EXE_scalewise"))
        .args(["run", path(&review), "--threads", "1"])
        .output()
        .unwrap();
    assert_eq!(
        single.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&single.stderr)
    );
    let single: Value = serde_json::from_slice(&single.stdout).unwrap();
    let digest = &single["profile"]["data_digest"];
    let unique = &single["profile"]["dedup"]["unique_events"];
    assert!(
        single["profile"]["dedup"]["redeliveries_dropped"]
            .as_u64()
            .unwrap()
            > 0
    );

    // P = 1 and P = 2, W = 1.
    let begun = Instant::now();
    let run = Run::start(&[
        "cluster",
        path(&review),
        "--processes",
        "2",
        "--workers",
        "1",
        "--sweep",
        "--repeat",
        "2",
        "-o",
        path(&out),
    ]);
    let (status, stderr) = run.wait(DEADLINE);
    assert_eq!(status.code(), Some(0), "{stderr}");
    eprintln!("sweep of 2 layouts: {:.1} s", begun.elapsed().as_secs_f64());
    let document: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let distributed = &document["distributed"];
    assert_eq!(
        &distributed["data_digest"], digest,
        "the single process's digest"
    );
    let layouts: Vec<(u64, u64)> = distributed["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["processes"].as_u64().unwrap(),
                p["workers_per_process"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(layouts, [(1, 1), (2, 1)]);
    for point in distributed["points"].as_array().unwrap() {
        let processes = point["processes"].as_u64().unwrap();
        let shuffle = &point["shuffle"];
        // Every delivery that survived dedup crosses the shuffle once.
        assert_eq!(&shuffle["records"], unique, "{point}");
        let tcp: Vec<&Value> = point["tcp_bytes_sent"].as_array().unwrap().iter().collect();
        if processes == 2 {
            assert!(
                shuffle["bytes_to_other_processes"].as_u64().unwrap() > 0,
                "{point}"
            );
            assert!(
                point["exchange"]["s_per_byte"].as_f64().unwrap() > 0.0,
                "{point}"
            );
            // timely's own log: real bytes over the sockets, both ways.
            assert!(tcp.iter().all(|b| b.as_u64().unwrap() > 0), "{point}");
        } else {
            assert_eq!(shuffle["bytes_to_other_processes"], 0);
            assert_eq!(tcp, [&Value::from(0)]);
        }
    }
    assert!(
        stderr.contains("COST: "),
        "the COST figure is printed: {stderr}"
    );

    // `scalewise run` accepts the document and recomputes the profile in one
    // process: the same digest every layout produced; the projection's
    // exchange and coordination are then the measured ones.
    let replay = Command::new(env!("CARGO_BIN_EXE_scalewise"))
        .args([
            "run",
            path(&review),
            "--calibration",
            path(&out),
            "--threads",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(
        replay.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let result: Value = serde_json::from_slice(&replay.stdout).unwrap();
    assert_eq!(&result["profile"]["data_digest"], digest);
    assert_eq!(result["calibration"], document);
    let mut measured = 0;
    for projection in result["projections"].as_array().unwrap() {
        for term in projection["terms"].as_array().unwrap() {
            let id = term["term"].as_str().unwrap();
            if id == "exchange_cpu" || id == "coordination" {
                assert_eq!(term["class"], "measured", "{term}");
                let source = term["source"].as_str().unwrap();
                assert!(source.starts_with("timely 0.32"), "{source}");
                assert!(source.ends_with("2 × 1, on 127.0.0.1"), "{source}");
                measured += 1;
            }
        }
    }
    assert!(measured >= 2, "no distributed projection: {measured}");
    // Without the section the same terms are assumed.
    for projection in single["projections"].as_array().unwrap() {
        for term in projection["terms"].as_array().unwrap() {
            if term["term"] == "exchange_cpu" {
                assert_eq!(term["class"], "assumed", "{term}");
            }
        }
    }
    let cost = &result["cost_metric"]["measured"];
    assert!(
        cost["summary"].as_str().unwrap().starts_with("COST: "),
        "{cost}"
    );
    assert_eq!(cost["outcome"], distributed["cost"]);

    // Another sample (another seed): the measured exchange belongs to other
    // data, so the run refuses it, naming the field, and writes nothing.
    let other = review_with_seed(&dir, &review, 8);
    let foreign_out = dir.join("foreign.result.json");
    let foreign = Command::new(env!("CARGO_BIN_EXE_scalewise"))
        .args([
            "run",
            path(&other),
            "--calibration",
            path(&out),
            "-o",
            path(&foreign_out),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&foreign.stderr);
    assert_eq!(foreign.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("calibration.distributed.data_digest") && stderr.contains("another sample"),
        "{stderr}"
    );
    assert!(!foreign_out.exists(), "nothing written for a refused run");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A copy of the review file at `original` with another seed.
fn review_with_seed(dir: &Path, original: &Path, seed: u64) -> PathBuf {
    let mut value: Value =
        serde_json::from_str(&std::fs::read_to_string(original).unwrap()).unwrap();
    value["seed"] = seed.into();
    let path = dir.join(format!("review-seed-{seed}.json"));
    std::fs::write(&path, value.to_string()).unwrap();
    path
}

#[test]
fn a_process_killed_mid_run_is_named_and_the_other_stops() {
    let dir = scratch_dir("kill");
    let review = review(&dir, "review.json", 20_000, 7);
    let out = dir.join("CLUSTER.json");
    let mut run = Run::start(&[
        "cluster",
        path(&review),
        "--processes",
        "2",
        "--repeat",
        "100",
        "-o",
        path(&out),
    ]);
    let victim = run.worker_pid(1);
    // Mid-run: records are flowing between the processes.
    run.until("process 1: exchange 2/100");
    kill(victim);
    let killed = Instant::now();
    let (status, stderr) = run.wait(Duration::from_secs(20));
    let stopped_s = killed.elapsed().as_secs_f64();
    assert_eq!(status.code(), Some(7), "{stderr}");
    assert!(
        stderr.contains("error: lost process 1 (127.0.0.1:")
            && stderr.contains("killed by signal 9"),
        "{stderr}"
    );
    assert!(
        stderr.contains("process 0 lost its connection to it"),
        "{stderr}"
    );
    assert!(stopped_s < 10.0, "took {stopped_s:.1} s to stop");
    assert!(!out.exists(), "nothing is written after a failure");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hostfile_mode_runs_and_a_lost_host_is_named() {
    let dir = scratch_dir("hostfile");
    let review = review(&dir, "review.json", 20_000, 7);
    let (hosts, ports) = hostfile(&dir, 2);
    let out = dir.join("CLUSTER.json");
    let args = |process: &'static str, repeat: &'static str| {
        vec![
            "cluster".to_string(),
            path(&review).to_string(),
            "--hostfile".to_string(),
            path(&hosts).to_string(),
            "--process".to_string(),
            process.to_string(),
            "--repeat".to_string(),
            repeat.to_string(),
            "-o".to_string(),
            path(&out).to_string(),
        ]
    };
    let start =
        |args: Vec<String>| Run::start(&args.iter().map(String::as_str).collect::<Vec<_>>());

    // Two hosts, each its own command: process 0 writes the document.
    let zero = start(args("0", "1"));
    let one = start(args("1", "1"));
    let (status, stderr) = one.wait(DEADLINE);
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("process 0 writes the results"), "{stderr}");
    let (status, stderr) = zero.wait(DEADLINE);
    assert_eq!(status.code(), Some(0), "{stderr}");
    let document: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let point = &document["distributed"]["points"][0];
    assert_eq!(point["processes"], 2);
    assert_eq!(
        point["hosts"],
        serde_json::json!(["127.0.0.1", "127.0.0.1"])
    );
    // Process 0 saw only its own socket counters.
    assert!(point["tcp_bytes_sent"][0].as_u64().unwrap() > 0);
    assert_eq!(point["tcp_bytes_sent"][1], Value::Null);
    std::fs::remove_file(&out).unwrap();

    // Now host 1's command dies (SIGKILL, no chance to clean up): its worker
    // process notices its supervisor is gone and exits, and host 0 names it.
    let mut zero = start(args("0", "100"));
    let mut one = start(args("1", "100"));
    let orphan = one.worker_pid(1);
    zero.until("process 0: exchange 2/100");
    kill(one.child.id());
    let killed = Instant::now();
    let (status, stderr) = zero.wait(Duration::from_secs(20));
    assert_eq!(status.code(), Some(7), "{stderr}");
    assert!(
        stderr.contains(&format!("error: lost process 1 (127.0.0.1:{})", ports[1])),
        "{stderr}"
    );
    assert!(killed.elapsed() < Duration::from_secs(10));
    let _ = one.wait(Duration::from_secs(5));
    let gone = Instant::now();
    while alive(orphan) && gone.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!alive(orphan), "the worker of a killed supervisor exits");
    assert!(!out.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unreachable_peer_is_named_after_the_timeout() {
    let dir = scratch_dir("unreachable");
    let review = review(&dir, "review.json", 20_000, 7);
    let (hosts, ports) = hostfile(&dir, 2);
    for (process, expected) in [
        // Process 1 connects to process 0, which is not running.
        (
            "1",
            format!(
                "it could not connect to process 0 at 127.0.0.1:{}",
                ports[0]
            ),
        ),
        // Process 0 waits for process 1 to connect to it.
        (
            "0",
            format!("it was waiting for process 1 (127.0.0.1:{})", ports[1]),
        ),
    ] {
        let begun = Instant::now();
        let run = Run::start(&[
            "cluster",
            path(&review),
            "--hostfile",
            path(&hosts),
            "--process",
            process,
            "--connect-timeout-s",
            "2",
        ]);
        let (status, stderr) = run.wait(Duration::from_secs(30));
        assert_eq!(status.code(), Some(6), "{stderr}");
        assert!(stderr.contains(&expected), "{expected} not in {stderr}");
        assert!(
            stderr.contains(&format!(
                "process {process} was not connected to every peer after 2 s"
            )),
            "{stderr}"
        );
        assert!(begun.elapsed() < Duration::from_secs(15));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_busy_port_is_named() {
    let dir = scratch_dir("busy");
    let review = review(&dir, "review.json", 20_000, 7);
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let run = Run::start(&[
        "cluster",
        path(&review),
        "--processes",
        "2",
        "--port",
        &port.to_string(),
        "--connect-timeout-s",
        "20",
    ]);
    let (status, stderr) = run.wait(Duration::from_secs(30));
    assert_eq!(status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains(&format!("process 0 cannot listen on 127.0.0.1:{port}"))
            && stderr.contains("in use"),
        "{stderr}"
    );
    drop(busy);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn processes_with_different_reviews_refuse_to_run() {
    let dir = scratch_dir("mismatch");
    let first = review(&dir, "first.json", 20_000, 7);
    let second = review(&dir, "second.json", 20_000, 8);
    let (hosts, _) = hostfile(&dir, 2);
    let start = |review: &Path, process: &str, workers: &str| {
        Run::start(&[
            "cluster",
            path(review),
            "--hostfile",
            path(&hosts),
            "--process",
            process,
            "--workers",
            workers,
            "--connect-timeout-s",
            "30",
        ])
    };
    let zero = start(&first, "0", "1");
    let one = start(&second, "1", "1");
    for run in [zero, one] {
        let (status, stderr) = run.wait(DEADLINE);
        assert_eq!(status.code(), Some(8), "{stderr}");
        assert!(
            stderr.contains("process 1 runs a different review (digest ")
                && stderr.contains("than process 0 ("),
            "{stderr}"
        );
    }
    // Different worker counts garble timely's own routing before any
    // dataflow can compare them: the process that notices says so.
    let zero = start(&first, "0", "2");
    let one = start(&first, "1", "1");
    let (status, stderr) = one.wait(DEADLINE);
    assert_eq!(status.code(), Some(8), "{stderr}");
    assert!(
        stderr.contains("the processes probably run with different --workers"),
        "{stderr}"
    );
    let (status, stderr) = zero.wait(DEADLINE);
    assert!(!status.success(), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_is_refused_before_any_process_starts() {
    let dir = scratch_dir("input");
    let review = review(&dir, "review.json", 20_000, 7);
    let hosts = dir.join("hosts");
    std::fs::write(&hosts, "127.0.0.1:2101\nlocalhost\n").unwrap();
    let good_hosts = dir.join("good-hosts");
    std::fs::write(&good_hosts, "127.0.0.1:2101\n127.0.0.1:2102\n").unwrap();
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"title\": ").unwrap();
    for (args, code, expected) in [
        (
            vec!["--hostfile", path(&hosts), "--process", "0"],
            3,
            "line 2: `localhost` is not HOST:PORT (no port)".to_string(),
        ),
        (
            vec!["--hostfile", path(&good_hosts), "--process", "2"],
            2,
            "--process 2 is not a line of".to_string(),
        ),
        (
            vec!["--processes", "2", "--alternative", "nope"],
            3,
            "--alternative `nope` is not an alternative".to_string(),
        ),
        (
            vec!["--processes", "0"],
            2,
            "0 is not in 1..=64".to_string(),
        ),
        (
            vec!["--processes", "2", "--hostfile", path(&good_hosts)],
            2,
            "cannot be used with".to_string(),
        ),
        (
            vec!["--processes", "3", "--port", "65534"],
            2,
            "--port 65534 leaves no room for 3 ports".to_string(),
        ),
        (
            vec!["--hostfile", "/nonexistent/hosts", "--process", "0"],
            4,
            "cannot read the hostfile /nonexistent/hosts".to_string(),
        ),
    ] {
        let mut full = vec!["cluster", path(&review)];
        full.extend(args);
        let (status, stderr) = Run::start(&full).wait(Duration::from_secs(30));
        assert_eq!(status.code(), Some(code), "{full:?}: {stderr}");
        assert!(stderr.contains(&expected), "{full:?}: {stderr}");
        assert!(!stderr.contains("started (pid"), "{full:?}: {stderr}");
    }
    let (status, stderr) =
        Run::start(&["cluster", path(&broken), "--processes", "1"]).wait(Duration::from_secs(30));
    assert_eq!(status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("line 1"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
