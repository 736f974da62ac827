//! `scalewise model cache …` and `scalewise model checkpoint …`: the cache
//! and checkpoint models from the shell, as JSON.

use scalewise_core::models;
use scalewise_core::units::Seconds;

use crate::{flag, parse_flags, CliError};

const USAGE: &str = "usage: scalewise model cache --capacity K --catalog C --alpha A --requests R --seed S\n\
       scalewise model checkpoint --mtbf-s M --checkpoint-s C --restart-s R --work-s W [--interval-s I] [--deadline-s D] --runs N --seed S";
/// Most requests `model cache` spends warming up before it measures.
const CACHE_MAX_WARMUP_REQUESTS: u64 = 500_000_000;

pub fn run(args: &[String]) -> Result<String, CliError> {
    match args.split_first() {
        Some((model, rest)) if model == "cache" => cache(rest),
        Some((model, rest)) if model == "checkpoint" => checkpoint(rest),
        Some((model, _)) => Err(CliError::usage(format!("unknown model `{model}`\n{USAGE}"))),
        None => Err(CliError::usage(USAGE)),
    }
}

fn model_error(e: models::ModelError) -> CliError {
    CliError::failure(e.to_string())
}

fn cache(args: &[String]) -> Result<String, CliError> {
    let flags = parse_flags(args, &["capacity", "catalog", "alpha", "requests", "seed"])?;
    let capacity: u64 = flag(&flags, "capacity", None)?;
    let catalog: u64 = flag(&flags, "catalog", None)?;
    let alpha: f64 = flag(&flags, "alpha", None)?;
    let requests: u64 = flag(&flags, "requests", None)?;
    let seed: u64 = flag(&flags, "seed", Some(0))?;
    // Measured in the steady state: the warm-up runs until the cache is
    // full and the hit rate stable.
    let outcome = models::simulate_lru(&models::LruParams {
        capacity_keys: capacity,
        catalog_keys: catalog,
        alpha,
        requests,
        seed,
        warmup: models::Warmup::Auto {
            max_requests: CACHE_MAX_WARMUP_REQUESTS,
        },
    })
    .map_err(model_error)?;
    let che = models::che_hit_rate(capacity, catalog, alpha).map_err(model_error)?;
    let value = serde_json::json!({
        "hit_rate": outcome.hit_rate,
        "che_hit_rate": che,
        "hits": outcome.hits,
        "requests": outcome.requests,
        "warmup_requests": outcome.warmup_requests,
        "steady_state": outcome.tiers_full && outcome.rates_stable,
    });
    Ok(serde_json::to_string_pretty(&value).unwrap_or_default())
}

fn checkpoint(args: &[String]) -> Result<String, CliError> {
    let flags = parse_flags(
        args,
        &[
            "mtbf-s",
            "checkpoint-s",
            "restart-s",
            "work-s",
            "interval-s",
            "deadline-s",
            "runs",
            "seed",
        ],
    )?;
    let mtbf: f64 = flag(&flags, "mtbf-s", None)?;
    let cost: f64 = flag(&flags, "checkpoint-s", None)?;
    let restart: f64 = flag(&flags, "restart-s", None)?;
    let work: f64 = flag(&flags, "work-s", None)?;
    let runs: u64 = flag(&flags, "runs", None)?;
    let seed: u64 = flag(&flags, "seed", Some(0))?;
    // Without --interval-s: Daly's optimum for this checkpoint cost and MTBF
    // (free checkpoints: as often as useful).
    let interval = match flags.get("interval-s") {
        Some(_) => flag::<f64>(&flags, "interval-s", None)?,
        None => {
            models::auto_interval(Seconds(cost), Seconds(mtbf))
                .map_err(model_error)?
                .0
        }
    };
    let deadline = match flags.get("deadline-s") {
        Some(_) => Some(flag::<f64>(&flags, "deadline-s", None)?),
        None => None,
    };
    let outcome = models::simulate_checkpoint(&models::CheckpointParams {
        work_s: Seconds(work),
        interval_s: Some(Seconds(interval)),
        checkpoint_s: Seconds(cost),
        restart_s: Seconds(restart),
        mtbf_s: Seconds(mtbf),
        runs,
        seed,
    })
    .map_err(model_error)?;
    let value = serde_json::json!({
        "interval_s": interval,
        "expected_makespan_s": outcome.expected_makespan_s.0,
        "closed_form_makespan_s": outcome.closed_form_makespan_s.0,
        "std_error_s": outcome.std_error_s.0,
        "p50_s": outcome.p50_s.0,
        "p95_s": outcome.p95_s.0,
        "mean_failures": outcome.mean_failures,
        "runs": outcome.runs,
        "did_not_finish_runs": outcome.did_not_finish_runs,
        "p_miss_deadline": deadline.map(|d| outcome.makespans.p_exceeds(d)),
    });
    Ok(serde_json::to_string_pretty(&value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str) -> Result<serde_json::Value, CliError> {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        run(&args).map(|text| serde_json::from_str(&text).unwrap())
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
    fn errors_name_the_flag() {
        let e = check("cache --capacity 10 --catalog 100 --alpha x --requests 10").unwrap_err();
        assert_eq!(e.exit_code, 2);
        assert!(e.message.contains("--alpha"), "{}", e.message);
        let e = check("cache --capacity 10 --catalog 100 --alpha 1").unwrap_err();
        assert!(e.message.contains("--requests"), "{}", e.message);
        let e = check("cache --capacity 10 --bogus 1").unwrap_err();
        assert!(e.message.contains("--bogus"), "{}", e.message);
        let e = check("cache --capacity").unwrap_err();
        assert!(e.message.contains("--capacity"), "{}", e.message);
        assert!(check("queue")
            .unwrap_err()
            .message
            .contains("unknown model"));
    }
}
