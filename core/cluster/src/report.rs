//! From the processes' reports to the calibration document's distributed
//! section, and the lines printed for people.

use std::collections::BTreeMap;

use scalewise_core::profiler::calibration::distributed::{
    Baseline, CoordinationMeasurement, Cost, DistributedCalibration, DistributedPoint,
    ExchangeMeasurement, ShuffleCounts, Spread, DISTRIBUTED_SCHEMA_VERSION,
};
use scalewise_core::profiler::{Scheme, Stage};

use crate::hostfile::Hostfile;
use crate::protocol::{PassReport, PointReport};
use crate::seam;
use crate::supervisor::Finished;
use crate::ClusterError;

/// The engine, as recorded (checked against `Cargo.lock` by a test).
pub const ENGINE: &str = "timely 0.32.0";

/// What every point shares.
pub struct Common {
    /// Deliveries of the sample.
    pub events: u64,
    /// Of those, the deliveries that survive dedup: the records every pass
    /// shuffles (the single-process profile's count).
    pub unique_events: u64,
    pub record_bytes: u32,
    /// The single-threaded native pipeline's digest: every pass must match.
    pub data_digest: String,
}

fn spread(samples: &[f64], what: &str) -> Result<Spread, ClusterError> {
    Spread::of(samples)
        .ok_or_else(|| ClusterError::Internal(format!("no valid measurement of {what}")))
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let values: Vec<f64> = values.collect();
    Spread::of(&values).map_or(0.0, |s| s.median)
}

/// One measured layout from its processes' reports.
pub fn point(
    common: &Common,
    hostfile: &Hostfile,
    workers_per_process: u32,
    finished: &[Finished],
) -> Result<DistributedPoint, ClusterError> {
    let processes = hostfile.processes();
    let Some(report) = finished.iter().find_map(|f| {
        (f.report.process == 0)
            .then_some(f.report.point.as_ref())
            .flatten()
    }) else {
        return Err(ClusterError::Internal(
            "process 0 reported no measurements".to_string(),
        ));
    };
    check_passes(common, &report.passes)?;
    let first = report
        .passes
        .first()
        .ok_or_else(|| ClusterError::Internal("no pipeline pass was measured".to_string()))?;
    let events = common.events as f64;
    let walls: Vec<f64> = report.passes.iter().map(|p| p.wall_s).collect();
    let rates: Vec<f64> = walls
        .iter()
        .map(|w| events / w.max(f64::MIN_POSITIVE))
        .collect();
    let cpu: Option<Vec<f64>> = report.passes.iter().map(|p| p.worker_cpu_s).collect();
    let stage_cpu_s: BTreeMap<Stage, f64> = Stage::ALL
        .iter()
        .enumerate()
        .map(|(i, &stage)| {
            let seconds = median(
                report
                    .passes
                    .iter()
                    .map(|p| p.stage_s.get(i).copied().unwrap_or(0.0)),
            );
            (stage, seconds)
        })
        .collect();
    let record_bytes = u64::from(common.record_bytes);
    let mut tcp_bytes_sent = vec![None; processes];
    for f in finished {
        if let Some(slot) = tcp_bytes_sent.get_mut(f.report.process as usize) {
            *slot = Some(f.report.tcp_bytes_sent);
        }
    }
    Ok(DistributedPoint {
        processes: processes as u32,
        workers_per_process,
        hosts: (0..processes).map(|p| hostfile.host(p)).collect(),
        wall_s: spread(&walls, "the pipeline pass")?,
        events_per_s: spread(&rates, "the pipeline's throughput")?,
        worker_cpu_s: cpu.as_deref().and_then(Spread::of),
        stage_cpu_s,
        engine_s: median(report.passes.iter().map(|p| p.engine_s)),
        shuffle: ShuffleCounts {
            records: first.records,
            records_to_other_workers: first.records_to_other_workers,
            records_to_other_processes: first.records_to_other_processes,
            bytes_to_other_processes: first.records_to_other_processes * record_bytes,
            merge_bytes_to_other_processes: first.merge_bytes_to_other_processes,
        },
        exchange: exchange(report, record_bytes)?,
        coordination: CoordinationMeasurement {
            rounds: report.round_s.len() as u32,
            round_s: spread(&report.round_s, "the coordination rounds")?,
        },
        connect_s: finished.iter().map(|f| f.connect_s).fold(0.0, f64::max),
        tcp_bytes_sent,
    })
}

/// Every pass produced the single-process profile and exchanged the same.
fn check_passes(common: &Common, passes: &[PassReport]) -> Result<(), ClusterError> {
    for (i, pass) in passes.iter().enumerate() {
        if pass.data_digest != common.data_digest {
            return Err(ClusterError::Internal(format!(
                "pass {}'s data profile (digest {}) differs from the single-process pipeline's ({})",
                i + 1,
                pass.data_digest,
                common.data_digest
            )));
        }
        if pass.records != common.unique_events {
            return Err(ClusterError::Internal(format!(
                "pass {} shuffled {} records, not the {} deliveries that survive dedup",
                i + 1,
                pass.records,
                common.unique_events
            )));
        }
    }
    let counts = |p: &PassReport| {
        (
            p.records_to_other_workers,
            p.records_to_other_processes,
            p.merge_bytes_to_other_processes,
        )
    };
    if passes
        .windows(2)
        .any(|w| matches!(w, [a, b] if counts(a) != counts(b)))
    {
        return Err(ClusterError::Internal(
            "the passes routed records differently".to_string(),
        ));
    }
    Ok(())
}

fn exchange(report: &PointReport, record_bytes: u64) -> Result<ExchangeMeasurement, ClusterError> {
    let e = &report.exchange;
    let bytes = e.records_to_other_processes * record_bytes;
    let wall = spread(&e.wall_s, "the exchange")?;
    let per_wall = |amount: u64| -> Result<Spread, ClusterError> {
        let rates: Vec<f64> = e
            .wall_s
            .iter()
            .map(|w| amount as f64 / w.max(f64::MIN_POSITIVE))
            .collect();
        spread(&rates, "the exchange's throughput")
    };
    Ok(ExchangeMeasurement {
        records: e.records,
        records_to_other_processes: e.records_to_other_processes,
        bytes_to_other_processes: bytes,
        wall_s: wall,
        records_per_s: per_wall(e.records)?,
        bytes_per_s: if bytes > 0 {
            Some(per_wall(bytes)?)
        } else {
            None
        },
        s_per_byte: (bytes > 0).then(|| wall.median / bytes as f64),
        s_per_record: wall.median / e.records.max(1) as f64,
    })
}

/// The section from the points and the native baseline.
#[allow(clippy::too_many_arguments)]
pub fn section(
    common: &Common,
    alternative: &str,
    scheme: Scheme,
    review_digest: &str,
    baseline_host: &str,
    baseline: &[seam::NativePass],
    mut points: Vec<DistributedPoint>,
) -> Result<DistributedCalibration, ClusterError> {
    points.sort_by_key(|p| (p.threads(), p.processes));
    let walls: Vec<f64> = baseline.iter().map(|p| p.wall_s).collect();
    let rates: Vec<f64> = walls
        .iter()
        .map(|w| common.events as f64 / w.max(f64::MIN_POSITIVE))
        .collect();
    let cpu: Option<Vec<f64>> = baseline.iter().map(|p| p.cpu_s).collect();
    let baseline = Baseline {
        host: baseline_host.to_string(),
        threads: 1,
        wall_s: spread(&walls, "the native pipeline")?,
        events_per_s: spread(&rates, "the native pipeline's throughput")?,
        cpu_s: cpu.as_deref().and_then(Spread::of),
    };
    let cost = Cost::from_points(&baseline, &points);
    Ok(DistributedCalibration {
        schema_version: DISTRIBUTED_SCHEMA_VERSION,
        engine: ENGINE.to_string(),
        shuffle_alternative: alternative.to_string(),
        shuffle_scheme: scheme,
        events: common.events,
        record_bytes: common.record_bytes,
        review_digest: review_digest.to_string(),
        data_digest: common.data_digest.clone(),
        baseline,
        points,
        cost,
    })
}

fn rate(per_s: f64, unit: &str) -> String {
    if per_s >= 1e9 {
        format!("{:.2} G{unit}/s", per_s / 1e9)
    } else if per_s >= 1e6 {
        format!("{:.2} M{unit}/s", per_s / 1e6)
    } else {
        format!("{:.1} k{unit}/s", per_s / 1e3)
    }
}

fn duration(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{:.1} µs", seconds * 1e6)
    }
}

/// What one point measured, in a few lines.
pub fn describe(point: &DistributedPoint) -> String {
    let s = &point.shuffle;
    let e = &point.exchange;
    let per_cpu = point
        .worker_cpu_s
        .map(|cpu| {
            format!(
                "; {} per worker CPU second",
                rate(
                    point.shuffle.records as f64 / cpu.median.max(f64::MIN_POSITIVE),
                    " events"
                )
            )
        })
        .unwrap_or_default();
    let mut text = format!(
        "{} process{} × {} worker{} on {}: {} (median of {}; {}–{}){per_cpu}\n",
        point.processes,
        if point.processes == 1 { "" } else { "es" },
        point.workers_per_process,
        if point.workers_per_process == 1 {
            ""
        } else {
            "s"
        },
        point.hosts.join(", "),
        rate(point.events_per_s.median, " events"),
        point.events_per_s.samples,
        rate(point.events_per_s.min, ""),
        rate(point.events_per_s.max, ""),
    );
    text += &format!(
        "  shuffle: {} records, {} to other workers, {} to other processes ({} bytes); merge {} bytes\n",
        s.records,
        s.records_to_other_workers,
        s.records_to_other_processes,
        s.bytes_to_other_processes,
        s.merge_bytes_to_other_processes
    );
    text += &format!(
        "  exchange alone: {} records in {}: {}{}\n",
        e.records,
        duration(e.wall_s.median),
        rate(e.records_per_s.median, " records"),
        e.bytes_per_s
            .map(|b| format!(", {} between processes", rate(b.median, "B")))
            .unwrap_or_default()
    );
    text += &format!(
        "  coordination round: {} (median of {}); connected in {}",
        duration(point.coordination.round_s.median),
        point.coordination.rounds,
        duration(point.connect_s)
    );
    text
}
