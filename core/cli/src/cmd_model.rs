//! `scalewise model cache …` and `scalewise model checkpoint …`: the cache
//! and checkpoint models from the shell, as JSON.

use std::io::Write;

use scalewise_core::models;
use scalewise_core::units::Seconds;

use crate::{print, Error};

/// Most requests `model cache` spends warming up before it measures.
const CACHE_MAX_WARMUP_REQUESTS: u64 = 500_000_000;

#[derive(Debug, clap::Subcommand)]
// `scalewise model` alone is a usage error (exit 2), not a request for help.
#[command(arg_required_else_help = false)]
pub enum Model {
    /// The LRU hot tier over a Zipf catalogue: simulated hit rate, and Che's
    /// approximation where the catalogue fits in memory.
    Cache(CacheArgs),
    /// Failures and checkpoints: the expected makespan of W seconds of work
    /// (mean over the runs) at the interval given, or Daly's optimum.
    Checkpoint(CheckpointArgs),
}

#[derive(Debug, clap::Args)]
pub struct CacheArgs {
    /// Keys the cache holds.
    #[arg(long, value_name = "K")]
    pub capacity: u64,
    /// Keys in the catalogue.
    #[arg(long, value_name = "C")]
    pub catalog: u64,
    /// Zipf exponent of the key popularity.
    #[arg(long, value_name = "A", allow_negative_numbers = true)]
    pub alpha: f64,
    /// Requests measured after the warm-up (which runs until the cache is
    /// full and its hit rate stable).
    #[arg(long, value_name = "R")]
    pub requests: u64,
    /// Seed of the simulation.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
}

#[derive(Debug, clap::Args)]
pub struct CheckpointArgs {
    /// Mean time between failures, in seconds.
    #[arg(long = "mtbf-s", value_name = "M", allow_negative_numbers = true)]
    pub mtbf_s: f64,
    /// Cost of one checkpoint, in seconds.
    #[arg(long = "checkpoint-s", value_name = "C", allow_negative_numbers = true)]
    pub checkpoint_s: f64,
    /// Cost of one restart, in seconds.
    #[arg(long = "restart-s", value_name = "R", allow_negative_numbers = true)]
    pub restart_s: f64,
    /// Work to finish, in seconds without failures.
    #[arg(long = "work-s", value_name = "W", allow_negative_numbers = true)]
    pub work_s: f64,
    /// Checkpoint interval, in seconds (default: Daly's optimum for this
    /// checkpoint cost and MTBF).
    #[arg(long = "interval-s", value_name = "I", allow_negative_numbers = true)]
    pub interval_s: Option<f64>,
    /// Deadline, in seconds: also report the share of runs that miss it.
    #[arg(long = "deadline-s", value_name = "D", allow_negative_numbers = true)]
    pub deadline_s: Option<f64>,
    /// Simulated runs to average.
    #[arg(long, value_name = "N")]
    pub runs: u64,
    /// Seed of the simulation.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
}

pub fn run(model: &Model, out: &mut dyn Write) -> Result<(), Error> {
    let value = match model {
        Model::Cache(args) => cache(args)?,
        Model::Checkpoint(args) => checkpoint(args)?,
    };
    print(
        out,
        &serde_json::to_string_pretty(&value).unwrap_or_default(),
    )
}

/// A model's refusal names the parameter: invalid input.
fn model_error(e: models::ModelError) -> Error {
    Error::invalid(e.to_string())
}

fn cache(args: &CacheArgs) -> Result<serde_json::Value, Error> {
    // Measured in the steady state: the warm-up runs until the cache is
    // full and the hit rate stable.
    let outcome = models::simulate_lru(&models::LruParams {
        capacity_keys: args.capacity,
        catalog_keys: args.catalog,
        alpha: args.alpha,
        requests: args.requests,
        seed: args.seed,
        warmup: models::Warmup::Auto {
            max_requests: CACHE_MAX_WARMUP_REQUESTS,
        },
    })
    .map_err(model_error)?;
    // Che's approximation needs the pmf in memory: only for catalogs it accepts.
    let che = models::che_hit_rate(args.capacity, args.catalog, args.alpha).ok();
    Ok(serde_json::json!({
        "hit_rate": outcome.hit_rate,
        "che_hit_rate": che,
        "hits": outcome.hits,
        "requests": outcome.requests,
        "warmup_requests": outcome.warmup_requests,
        "steady_state": outcome.tiers_full && outcome.rates_stable,
    }))
}

fn checkpoint(args: &CheckpointArgs) -> Result<serde_json::Value, Error> {
    // Without --interval-s: Daly's optimum for this checkpoint cost and MTBF
    // (free checkpoints: as often as useful).
    let interval = match args.interval_s {
        Some(interval) => interval,
        None => {
            models::auto_interval(Seconds(args.checkpoint_s), Seconds(args.mtbf_s))
                .map_err(model_error)?
                .0
        }
    };
    let outcome = models::simulate_checkpoint(&models::CheckpointParams {
        work_s: Seconds(args.work_s),
        interval_s: Some(Seconds(interval)),
        checkpoint_s: Seconds(args.checkpoint_s),
        restart_s: Seconds(args.restart_s),
        mtbf_s: Seconds(args.mtbf_s),
        runs: args.runs,
        seed: args.seed,
    })
    .map_err(model_error)?;
    Ok(serde_json::json!({
        "interval_s": interval,
        "expected_makespan_s": outcome.expected_makespan_s.0,
        "closed_form_makespan_s": outcome.closed_form_makespan_s.0,
        "std_error_s": outcome.std_error_s.0,
        "p50_s": outcome.p50_s.0,
        "p95_s": outcome.p95_s.0,
        "mean_failures": outcome.mean_failures,
        "runs": outcome.runs,
        "did_not_finish_runs": outcome.did_not_finish_runs,
        "p_miss_deadline": args.deadline_s.map(|d| outcome.makespans.p_exceeds(d)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cli, Command, Failure};

    /// `scalewise model …` parsed as the binary parses it, then run.
    fn check(line: &str) -> Result<serde_json::Value, Error> {
        let args = std::iter::once("model").chain(line.split_whitespace());
        let Some(Cli {
            command: Command::Model(model),
        }) = Cli::parse_args(args, &mut Vec::new())?
        else {
            panic!("not a model command: {line}");
        };
        let mut out = Vec::new();
        run(&model, &mut out)?;
        Ok(serde_json::from_slice(&out).unwrap())
    }

    #[test]
    fn cache_matches_che() {
        let v = check("cache --capacity 100 --catalog 1000 --alpha 0.9 --requests 50000 --seed 1")
            .unwrap();
        let hit = v["hit_rate"].as_f64().unwrap();
        let che = v["che_hit_rate"].as_f64().unwrap();
        assert!((hit - che).abs() < 0.01, "{hit} vs {che}");
        assert_eq!(v["steady_state"], true);
        // A large cache: warmed up until full, on the full catalogue.
        let v = check(
            "cache --capacity 200000 --catalog 1000000 --alpha 0.99 --requests 300000 --seed 1",
        )
        .unwrap();
        let hit = v["hit_rate"].as_f64().unwrap();
        let che = v["che_hit_rate"].as_f64().unwrap();
        assert!((che - 0.8325).abs() < 5e-4, "{che}");
        assert!((hit - che).abs() < 0.01, "{hit} vs {che}");
        assert!(v["warmup_requests"].as_u64().unwrap() > 1_000_000, "{v}");
    }

    #[test]
    fn checkpoint_mean_is_near_the_closed_form() {
        let v = check(
            "checkpoint --mtbf-s 3600 --checkpoint-s 30 --restart-s 60 --work-s 36000 --runs 2000 --seed 7",
        )
        .unwrap();
        let mean = v["expected_makespan_s"].as_f64().unwrap();
        let closed = v["closed_form_makespan_s"].as_f64().unwrap();
        assert!((mean / closed - 1.0).abs() < 0.02, "{mean} vs {closed}");
        assert!(v["interval_s"].as_f64().unwrap() > 400.0);
        let fixed = check(
            "checkpoint --mtbf-s 3600 --checkpoint-s 30 --restart-s 60 --work-s 36000 --interval-s 900 --runs 10 --seed 7",
        )
        .unwrap();
        assert_eq!(fixed["interval_s"], 900.0);
        assert_eq!(fixed["p_miss_deadline"], serde_json::Value::Null);
        // Free checkpoints: every second; without checkpoints a run misses a
        // deadline between W and W + R exactly when it fails.
        let free = check(
            "checkpoint --mtbf-s 3600 --checkpoint-s 0 --restart-s 60 --work-s 36000 --runs 100 --seed 7",
        )
        .unwrap();
        assert_eq!(free["interval_s"], 1.0);
        let v = check(
            "checkpoint --mtbf-s 3600 --checkpoint-s 1 --restart-s 600 --work-s 1800 --interval-s 1e9 --deadline-s 2000 --runs 4000 --seed 7",
        )
        .unwrap();
        let p = v["p_miss_deadline"].as_f64().unwrap();
        let expected = 0.393_469_340_287_366_6; // 1 − e^{−W/M}, W/M = 1/2
        assert!((p - expected).abs() < 0.03, "{p} vs {expected}");
    }

    #[test]
    fn errors_name_the_flag_or_the_parameter() {
        for (line, failure, needle) in [
            (
                "cache --capacity 10 --catalog 100 --alpha x --requests 10",
                Failure::Usage,
                "--alpha",
            ),
            (
                "cache --capacity 10 --catalog 100 --alpha 1",
                Failure::Usage,
                "--requests",
            ),
            ("cache --capacity 10 --bogus 1", Failure::Usage, "--bogus"),
            ("cache --capacity", Failure::Usage, "--capacity"),
            (
                "cache --capacity 1 --capacity 2 --catalog 100 --alpha 1 --requests 10",
                Failure::Usage,
                "--capacity",
            ),
            ("queue", Failure::Usage, "queue"),
            (
                "cache --capacity 10 --catalog 100 --alpha -1 --requests 10",
                Failure::Invalid,
                "alpha",
            ),
        ] {
            let error = check(line).unwrap_err();
            assert_eq!(error.failure(), failure, "{line}: {}", error.message());
            assert!(
                error.message().contains(needle),
                "{line}: {}",
                error.message()
            );
        }
    }
}
