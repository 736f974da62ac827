//! Criterion benchmarks of the engine: `cargo bench -p scalewise-core`
//! (`make bench`). Sample sizes are criterion's minimum so the whole run
//! stays within a few minutes on a 2-core machine.
//!
//! - `profile`: generate + profile (the full pipeline pass of a replayed
//!   calibration, as `scalewise verify` and the page's import run it) at one
//!   thread and at every thread, in events per second;
//! - `analysis/projectors`: per-alternative set-up (partition layout, the
//!   two-tier cache simulation, the scaling model);
//! - `analysis/project_alternatives`: the Monte Carlo projection of every
//!   alternative at the review's volume (default failure runs);
//! - `analysis/crossover_sweep`: the default volume sweep of every
//!   alternative and the crossover search;
//! - `analysis/build`: the whole analysis of the example (projection, sweep,
//!   failure modes, scoring) from its profile;
//! - `events/generate`, `events/encode`, `events/parse`: the event
//!   generator and the ingest record codec, per event;
//! - `cache/two_tier`: 10⁶ requests through the two-tier cache model, for
//!   catalogues of 10⁶ and 10⁷ keys.
// Test code: a failed unwrap, expect or index is a failed test. (The
// workspace denies them in library code: the root Cargo.toml.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[cfg(not(target_arch = "wasm32"))]
mod engine {
    use std::hint::black_box;
    use std::time::Duration;

    use criterion::{criterion_group, BenchmarkId, Criterion, SamplingMode, Throughput};
    use scalewise_core::analysis::crossover::{crossover, CrossoverInput, SweepConfig};
    use scalewise_core::analysis::projection::{Context, ProjectionConfig};
    use scalewise_core::analysis::result::{build, AnalysisOptions};
    use scalewise_core::analysis::{CostModel, DataFacts};
    use scalewise_core::clock::FrozenClock;
    use scalewise_core::events::{encode_records, parse_records, Event, EventGenerator};
    use scalewise_core::models::{
        simulate_cache, CacheParams, GroupChanges, InvalidationPolicy, SimulationParams, Warmup,
    };
    use scalewise_core::profiler::{Calibration, DataProfile};
    use scalewise_core::review::Review;
    use scalewise_core::session::{profile_to_end, profile_with, Plan};

    /// Events of the profiling benchmark.
    const PROFILE_EVENTS: u64 = 2_000_000;

    fn calibration() -> Calibration {
        serde_json::from_str(include_str!("../tests/fixtures/calibration.json"))
            .expect("fixture calibration parses")
    }

    fn review(events: u64) -> Review {
        let mut review = Review::example();
        review.workload.events = events;
        review.workload.sample_events = events;
        review
    }

    #[expect(
        clippy::disallowed_methods,
        reason = "the benchmarks measure each thread count on its own pool"
    )]
    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
    }

    fn profile(c: &mut Criterion) {
        let all = std::thread::available_parallelism().map_or(1, usize::from);
        let mut thread_counts = vec![1];
        if all > 1 {
            thread_counts.push(all);
        }
        let review = review(PROFILE_EVENTS);
        let calibration = calibration();
        let mut group = c.benchmark_group("profile");
        group
            .sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5))
            .throughput(Throughput::Elements(PROFILE_EVENTS));
        for threads in thread_counts {
            let pool = pool(threads);
            group.bench_with_input(
                BenchmarkId::new("generate_and_profile/threads", threads),
                &threads,
                |b, _| {
                    b.iter(|| {
                        pool.install(|| {
                            profile_to_end(
                                black_box(review.clone()),
                                Plan::Replay(calibration.clone()),
                                &FrozenClock,
                            )
                            .expect("profile")
                        })
                    });
                },
            );
        }
        group.finish();
    }

    fn analysis(c: &mut Criterion) {
        // The example review at its own volume, profiled once.
        let review = Review::example();
        let calibration = calibration();
        let profile: DataProfile = profile_with(review.clone(), calibration.clone())
            .expect("profile")
            .data_profile;
        let cost_model = CostModel::from(&calibration);
        let facts = DataFacts::from(&profile);
        let config = ProjectionConfig::default();
        let context = Context::new(&review, &cost_model, &facts, config.clone()).expect("context");
        let projectors = context.projectors().expect("projectors");
        let events = review.workload.events as f64;
        let sweep = SweepConfig::default();

        let mut group = c.benchmark_group("analysis");
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(4));
        // ~0.1 s an iteration: flat sampling, as for the profile.
        group.sampling_mode(SamplingMode::Flat);
        group.bench_function("projectors", |b| {
            b.iter(|| context.projectors().expect("projectors"));
        });
        group.sampling_mode(SamplingMode::Auto);
        group.throughput(Throughput::Elements(projectors.len() as u64));
        group.bench_function("project_alternatives", |b| {
            b.iter(|| {
                projectors
                    .iter()
                    .map(|p| p.project(black_box(events), config.failure_runs))
                    .collect::<Vec<_>>()
            });
        });
        group.throughput(Throughput::Elements(
            (projectors.len() * sweep.points) as u64,
        ));
        group.bench_function("crossover_sweep", |b| {
            b.iter(|| {
                crossover(&CrossoverInput {
                    projectors: black_box(&projectors),
                    config: &sweep,
                    review_events: events,
                    headline_runs: config.failure_runs,
                })
                .expect("crossover")
            });
        });
        group.throughput(Throughput::Elements(1));
        group.sampling_mode(SamplingMode::Flat);
        group.bench_function("build", |b| {
            b.iter(|| {
                build(
                    black_box(&review),
                    profile.clone(),
                    calibration.clone(),
                    &AnalysisOptions::default(),
                )
                .expect("analysis")
            });
        });
        group.finish();
    }

    /// Events per batch of the event benchmarks (the profiler's chunk).
    const BATCH_EVENTS: usize = 16_384;

    fn events(c: &mut Criterion) {
        let review = Review::example();
        let generator = EventGenerator::new(&review.workload, review.seed);
        let mut batch = vec![Event::EMPTY; BATCH_EVENTS];
        generator.fill(0, &mut batch);
        let mut records = Vec::new();
        encode_records(&batch, &mut records);
        let mut group = c.benchmark_group("events");
        group
            .sample_size(20)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
            .throughput(Throughput::Elements(BATCH_EVENTS as u64));
        let mut start = 0;
        group.bench_function("generate", |b| {
            let mut out = vec![Event::EMPTY; BATCH_EVENTS];
            b.iter(|| {
                start += BATCH_EVENTS as u64;
                generator.fill(black_box(start), &mut out);
            });
        });
        group.bench_function("encode", |b| {
            let mut out = Vec::new();
            b.iter(|| encode_records(black_box(&batch), &mut out));
        });
        group.bench_function("parse", |b| {
            let mut out = vec![Event::EMPTY; BATCH_EVENTS];
            b.iter(|| parse_records(black_box(&records), &mut out).expect("records parse"));
        });
        group.finish();
    }

    /// Requests of the cache benchmark.
    const CACHE_REQUESTS: u64 = 1_000_000;

    fn cache(c: &mut Criterion) {
        let mut group = c.benchmark_group("cache");
        group
            .sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5))
            .throughput(Throughput::Elements(CACHE_REQUESTS));
        for catalog_keys in [1_000_000u64, 10_000_000] {
            let cache = CacheParams {
                catalog_keys,
                alpha: 0.9,
                requests_per_s: 1_000.0,
                nodes: 4,
                hot_capacity_keys: 10_000,
                warm_capacity_keys: 100_000,
                policy: InvalidationPolicy::Versioned,
                changes: GroupChanges::whole_cache(0.1),
            };
            let params = SimulationParams {
                cache,
                measured_requests: CACHE_REQUESTS,
                warmup: Warmup::Fixed { requests: 0 },
                seed: 3,
            };
            group.bench_with_input(
                BenchmarkId::new("two_tier/catalog_keys", catalog_keys),
                &params,
                |b, params| b.iter(|| simulate_cache(black_box(params)).expect("cache")),
            );
        }
        group.finish();
    }

    criterion_group!(benches, profile, analysis, events, cache);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(engine::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
