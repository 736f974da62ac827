//! What each timely worker runs, in order, one dataflow per phase:
//!
//! 1. **Handshake** — every worker sends every other its process's review
//!    digest and settings; any difference stops every process with the same
//!    message, before any work.
//! 2. **Coordination** — empty rounds: each worker advances its input by one
//!    epoch and waits until the frontier shows every worker has. Worker 0
//!    times each round: the price of one progress round among all workers.
//! 3. **Exchange** — routed records prepared beforehand, through the
//!    shuffle's exchange, no stage work on either side: what moving records
//!    costs.
//! 4. **Pipeline passes** — the map side over the worker's contiguous chunk
//!    range, the routed records exchanged by partition key, the keyed reduce
//!    where they land, then every worker's partial tally and counts
//!    exchanged to worker 0, which merges them in worker order into the data
//!    profile.
//!
//! Inputs advance one epoch per chunk and a worker maps at most [`WINDOW`]
//! epochs ahead of the slowest consumer, so memory stays bounded. Worker *i*
//! of *P·W* belongs to process `i / W` (timely's numbering).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use timely::container::CapacityContainerBuilder;
use timely::dataflow::channels::pact::Exchange as ExchangePact;
use timely::dataflow::operators::generic::Operator;
use timely::dataflow::operators::{Exchange, Input, Inspect, Probe};
use timely::dataflow::InputHandle;
use timely::worker::Worker;
use timely::ExchangeData;

use crate::protocol::{ExchangeReport, PassReport, PointReport};
use crate::seam::{self, InstantClock, MapSide, Partial, Record, ReduceSide, Seam};
use scalewise_core::profiler::Stage;

/// Epochs a worker may run ahead of the dataflow's frontier.
pub const WINDOW: u64 = 4;
/// Empty rounds of the coordination measurement.
pub const COORDINATION_ROUNDS: u32 = 32;
/// Records of the exchange measurement: the first `min(events, this)`.
pub const EXCHANGE_EVENTS: u64 = 1 << 20;

/// What every process must agree on before the first pass.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    pub process: u32,
    pub review_digest: String,
    /// Options that change the measurement, and the program's version.
    pub settings: String,
}

/// Shared by the workers of one process.
pub struct Context {
    pub seam: Arc<Seam>,
    pub workers_per_process: u32,
    pub passes: u32,
    pub hello: Hello,
    /// Reports a phase (called by the first worker of each process).
    pub phase: Arc<dyn Fn(String) + Send + Sync>,
}

/// Why a worker stopped early.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerFailure {
    Mismatch(String),
    Pipeline(String),
}

/// Everything one worker does; worker 0 returns the point's measurements.
pub fn run(worker: &mut Worker, context: &Context) -> Result<Option<PointReport>, WorkerFailure> {
    let index = worker.index();
    let reports = index.is_multiple_of(context.workers_per_process.max(1) as usize);
    let phase = |name: String| {
        if reports {
            (context.phase)(name);
        }
    };

    phase("handshake".to_string());
    let hellos = gather(worker, context.hello.clone(), Gather::Everyone);
    check_hellos(&hellos)?;

    phase("coordination".to_string());
    let round_s = coordination(worker, COORDINATION_ROUNDS);

    let exchange_chunks = exchange_records(worker, context)?;
    let mut exchange_walls = Vec::new();
    let mut exchange_counts = (0, 0);
    for pass in 1..=context.passes {
        phase(format!("exchange {pass}/{}", context.passes));
        let (wall_s, counts) = exchange_pass(worker, context, &exchange_chunks);
        exchange_walls.push(wall_s);
        exchange_counts = counts;
    }
    let exchange_totals = gather(worker, exchange_counts, Gather::ToWorkerZero);

    if index == 0 {
        // The merge's state probes, once, before any timed pass.
        context.seam.probes();
    }
    let mut passes = Vec::new();
    for pass in 1..=context.passes {
        phase(format!("pass {pass}/{}", context.passes));
        passes.push(pipeline_pass(worker, context)?);
    }

    if index != 0 {
        return Ok(None);
    }
    Ok(Some(PointReport {
        round_s,
        exchange: ExchangeReport {
            records: exchange_totals
                .iter()
                .map(|(_, (records, _))| records)
                .sum(),
            records_to_other_processes: exchange_totals.iter().map(|(_, (_, remote))| remote).sum(),
            wall_s: exchange_walls,
        },
        passes: passes.into_iter().flatten().collect(),
    }))
}

/// Compares every process's hello with process 0's; the same message at
/// every worker, so every process stops alike.
fn check_hellos(hellos: &[(u64, Hello)]) -> Result<(), WorkerFailure> {
    let Some((_, reference)) = hellos.first() else {
        return Ok(());
    };
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (_, hello) in hellos {
        if !seen.insert(hello.process) {
            continue;
        }
        if hello.review_digest != reference.review_digest {
            problems.push(format!(
                "process {} runs a different review (digest {}…) than process {} ({}…)",
                hello.process,
                short(&hello.review_digest),
                reference.process,
                short(&reference.review_digest)
            ));
        } else if hello.settings != reference.settings {
            problems.push(format!(
                "process {} runs with `{}`, process {} with `{}`",
                hello.process, hello.settings, reference.process, reference.settings
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(WorkerFailure::Mismatch(format!(
            "{}: every process must be given the same REVIEW.json and options",
            problems.join("; ")
        )))
    }
}

fn short(digest: &str) -> &str {
    digest.get(..12).unwrap_or(digest)
}

/// Where a gathered value goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gather {
    Everyone,
    ToWorkerZero,
}

/// Sends `item` to every worker or to worker 0; returns what arrived here,
/// in sender order (empty at workers that receive nothing).
fn gather<T: ExchangeData + Clone>(worker: &mut Worker, item: T, to: Gather) -> Vec<(u64, T)> {
    let index = worker.index() as u64;
    let peers = worker.peers() as u64;
    let collected = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&collected);
    let mut input = InputHandle::<u64, CapacityContainerBuilder<Vec<(u64, u64, T)>>>::new();
    let probe = worker.dataflow::<u64, _, _>(|scope| {
        scope
            .input_from(&mut input)
            .exchange(|(target, _, _): &(u64, u64, T)| *target)
            .inspect(move |(_, from, value): &(u64, u64, T)| {
                sink.borrow_mut().push((*from, value.clone()))
            })
            .probe()
            .0
    });
    let targets = match to {
        Gather::Everyone => 0..peers,
        Gather::ToWorkerZero => 0..1,
    };
    for target in targets {
        input.send((target, index, item.clone()));
    }
    input.close();
    while !probe.done() {
        worker.step_or_park(None);
    }
    let mut gathered = collected.take();
    gathered.sort_by_key(|(from, _)| *from);
    gathered
}

/// Wall time of each empty round, as this worker saw it.
fn coordination(worker: &mut Worker, rounds: u32) -> Vec<f64> {
    let mut input = InputHandle::<u64, CapacityContainerBuilder<Vec<()>>>::new();
    let probe = worker.dataflow::<u64, _, _>(|scope| scope.input_from(&mut input).probe().0);
    let mut round_s = Vec::new();
    for round in 1..=u64::from(rounds) {
        let started = Instant::now();
        input.advance_to(round);
        while probe.less_than(&round) {
            worker.step_or_park(None);
        }
        round_s.push(started.elapsed().as_secs_f64());
    }
    input.close();
    while !probe.done() {
        worker.step_or_park(None);
    }
    round_s
}

/// Chunks `[i·C/n, (i+1)·C/n)` of `chunks` for worker `i` of `n`: contiguous
/// and as even as possible, like the native lanes.
fn my_chunks(worker: &Worker, chunks: u64) -> std::ops::Range<u64> {
    let (i, n) = (worker.index() as u64, worker.peers() as u64);
    (i * chunks / n)..((i + 1) * chunks / n)
}

/// This worker's share of the exchange measurement's records.
fn exchange_records(worker: &Worker, context: &Context) -> Result<Vec<Vec<Record>>, WorkerFailure> {
    let seam = &context.seam;
    let chunks = seam
        .chunks()
        .min(EXCHANGE_EVENTS.div_ceil(scalewise_core::profiler::CHUNK_EVENTS as u64));
    my_chunks(worker, chunks)
        .map(|chunk| {
            MapSide::records_of(seam, chunk).map_err(|e| WorkerFailure::Pipeline(e.to_string()))
        })
        .collect()
}

/// Counts a worker's records by destination. timely routes (and calls the
/// key function) only when there is more than one worker; `records` is
/// counted where the records enter the exchange.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Routed {
    records: u64,
    to_other_workers: u64,
    to_other_processes: u64,
}

impl Routed {
    fn note(&mut self, me: u64, target: u64, workers_per_process: u64) {
        self.to_other_workers += u64::from(target != me);
        self.to_other_processes +=
            u64::from(target / workers_per_process != me / workers_per_process);
    }
}

/// The exchange alone: worker 0's wall time, and (records received here,
/// records this worker sent to other processes).
fn exchange_pass(
    worker: &mut Worker,
    context: &Context,
    chunks: &[Vec<Record>],
) -> (f64, (u64, u64)) {
    let (me, peers) = (worker.index() as u64, worker.peers() as u64);
    let workers = u64::from(context.workers_per_process.max(1));
    let routed = Rc::new(Cell::new(Routed::default()));
    let received = Rc::new(Cell::new(0u64));
    let mut input = InputHandle::<u64, CapacityContainerBuilder<Vec<Record>>>::new();
    let probe = {
        let (seam, routed, received) = (
            Arc::clone(&context.seam),
            Rc::clone(&routed),
            Rc::clone(&received),
        );
        let handle = &mut input;
        worker.dataflow::<u64, _, _>(move |scope| {
            let pact = ExchangePact::new(move |record: &Record| {
                let target = seam.key(record) % peers;
                let mut counts = routed.get();
                counts.note(me, target, workers);
                routed.set(counts);
                target
            });
            scope
                .input_from(handle)
                .unary::<CapacityContainerBuilder<Vec<()>>, _, _, _>(
                    pact,
                    "Receive",
                    move |_, _| {
                        move |input, _output| {
                            input.for_each(|_, data| {
                                received.set(received.get() + data.len() as u64)
                            });
                        }
                    },
                )
                .probe()
                .0
        })
    };
    // Copies made before the clock starts: the pass only moves records.
    let mut batches: Vec<Vec<Record>> = chunks.to_vec();
    let started = Instant::now();
    for (epoch, batch) in (1..).zip(batches.iter_mut()) {
        input.send_batch(batch);
        input.advance_to(epoch);
        worker.step();
        while probe.less_than(&epoch.saturating_sub(WINDOW)) {
            worker.step_or_park(None);
        }
    }
    input.close();
    while !probe.done() {
        worker.step_or_park(None);
    }
    let wall_s = started.elapsed().as_secs_f64();
    (wall_s, (received.get(), routed.get().to_other_processes))
}

/// One worker's share of a pass, sent to worker 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct WorkerPass {
    partial: Partial,
    stage_s: [f64; Stage::COUNT],
    /// Time in `worker.step` minus the keyed stages' time.
    engine_s: f64,
    routed: Routed,
    /// Serialised size of `partial` when it crosses to process 0.
    merge_bytes: u64,
    cpu_s: Option<f64>,
}

/// One pipeline pass; worker 0 returns its report.
fn pipeline_pass(
    worker: &mut Worker,
    context: &Context,
) -> Result<Option<PassReport>, WorkerFailure> {
    let (me, peers) = (worker.index() as u64, worker.peers() as u64);
    let workers = u64::from(context.workers_per_process.max(1));
    let seam = Arc::clone(&context.seam);
    let reduce = Rc::new(RefCell::new(ReduceSide::new(&seam)));
    let routed = Rc::new(Cell::new(Routed::default()));
    let mut input = InputHandle::<u64, CapacityContainerBuilder<Vec<Record>>>::new();
    let probe = {
        let (key_seam, reduce_seam) = (Arc::clone(&seam), Arc::clone(&seam));
        let (reduce, routed) = (Rc::clone(&reduce), Rc::clone(&routed));
        let handle = &mut input;
        worker.dataflow::<u64, _, _>(move |scope| {
            let pact = ExchangePact::new(move |record: &Record| {
                let target = key_seam.key(record) % peers;
                let mut counts = routed.get();
                counts.note(me, target, workers);
                routed.set(counts);
                target
            });
            scope
                .input_from(handle)
                .unary::<CapacityContainerBuilder<Vec<()>>, _, _, _>(
                    pact,
                    "KeyedReduce",
                    move |_, _| {
                        let clock = InstantClock::start();
                        move |input, _output| {
                            input.for_each(|_, records| {
                                reduce.borrow_mut().reduce(&reduce_seam, records, &clock)
                            });
                        }
                    },
                )
                .probe()
                .0
        })
    };
    let started = Instant::now();
    let cpu_started = crate::cpu::thread_cpu_s();
    let clock = InstantClock::start();
    let mut map = MapSide::new(&seam);
    let mut step_s = 0.0;
    let mut entered = 0u64;
    for (epoch, chunk) in (1..).zip(my_chunks(worker, seam.chunks())) {
        let records = map
            .map_chunk(&seam, chunk, &clock)
            .map_err(|e| WorkerFailure::Pipeline(e.to_string()))?;
        entered += records.len() as u64;
        input.send_batch(records);
        input.advance_to(epoch);
        let stepping = Instant::now();
        worker.step();
        while probe.less_than(&epoch.saturating_sub(WINDOW)) {
            worker.step_or_park(None);
        }
        step_s += stepping.elapsed().as_secs_f64();
    }
    input.close();
    let stepping = Instant::now();
    while !probe.done() {
        worker.step_or_park(None);
    }
    step_s += stepping.elapsed().as_secs_f64();

    // Per stage: the map side's and the reduce side's (aggregate is
    // routed on the map side and counted on the reduce side, as in the
    // in-process lanes).
    let mut stage_s = map.times().stage_s;
    let (reduce_s, partial) = {
        let reduce = reduce.borrow();
        let reduce_s = reduce.times().stage_s;
        for (total, seconds) in stage_s.iter_mut().zip(reduce_s) {
            *total += seconds;
        }
        let reduce_s: f64 = reduce_s.iter().sum();
        (reduce_s, seam::partial(map.into_tally(), reduce.tally()))
    };
    let merge_bytes = if me / workers == 0 {
        0
    } else {
        seam::partial_bytes(&partial)
    };
    let mine = WorkerPass {
        partial,
        stage_s,
        engine_s: (step_s - reduce_s).max(0.0),
        routed: Routed {
            records: entered,
            ..routed.get()
        },
        merge_bytes,
        cpu_s: cpu_started
            .zip(crate::cpu::thread_cpu_s())
            .map(|(a, b)| (b - a).max(0.0)),
    };
    let gathered = gather(worker, mine, Gather::ToWorkerZero);
    if me != 0 {
        return Ok(None);
    }
    let profile = seam.profile(gathered.iter().map(|(_, pass)| &pass.partial));
    let wall_s = started.elapsed().as_secs_f64();
    let mut report = PassReport {
        wall_s,
        stage_s: [0.0; Stage::COUNT],
        engine_s: 0.0,
        worker_cpu_s: Some(0.0),
        records: 0,
        records_to_other_workers: 0,
        records_to_other_processes: 0,
        merge_bytes_to_other_processes: 0,
        data_digest: profile.data_digest,
    };
    for (_, pass) in &gathered {
        for (total, seconds) in report.stage_s.iter_mut().zip(pass.stage_s) {
            *total += seconds;
        }
        report.engine_s += pass.engine_s;
        report.worker_cpu_s = report.worker_cpu_s.zip(pass.cpu_s).map(|(a, b)| a + b);
        report.records += pass.routed.records;
        report.records_to_other_workers += pass.routed.to_other_workers;
        report.records_to_other_processes += pass.routed.to_other_processes;
        report.merge_bytes_to_other_processes += pass.merge_bytes;
    }
    Ok(Some(report))
}
