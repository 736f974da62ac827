//! An imported CLUSTER.json: the calibration document `scalewise cluster`
//! writes, whose `distributed` section holds what the review's pipeline did
//! on timely dataflow (P processes × W workers), the exchange and
//! coordination it measured and COST against one native thread.
//!
//! The browser cannot run timely, so the page imports the section: read and
//! validated here ([`read_cluster`]), kept beside the review by
//! `Workbench::cluster`, and carried into each run while it applies to the
//! review ([`ImportedCluster::stale_for`]). The run still measures its own
//! in-browser calibration; only the section is carried, and the result
//! records it (a recomputation replays it with the rest).

use scalewise_core::profiler::calibration::distributed::Cost;
use scalewise_core::profiler::{Calibration, DistributedCalibration};
use scalewise_core::review::Review;

use crate::{format, review_diff};

/// A CLUSTER.json that passed every check, and the review it matched.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedCluster {
    /// The file's name, for the panel and the messages.
    pub name: String,
    pub section: DistributedCalibration,
    /// The review whose digest the section's `review_digest` equalled at
    /// import. Later edits keep the section while a run would not need to
    /// change ([`review_diff::needs_run`]: title, scenario, weights and text
    /// do not reach the pipeline).
    pub matched: Review,
}

/// Whether an imported text is a calibration document with a distributed
/// section rather than a review (a result document, which may record one
/// too, is told apart first by its `reproducibility` block).
pub fn looks_like_cluster(name: &str, text: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with("cluster.json") || text.contains("\"distributed\"")
}

/// At most this many validation errors are listed in a refusal.
const SHOWN_ERRORS: usize = 5;

/// Reads CLUSTER.json for `review`: a valid calibration document (schema,
/// every field), with a `distributed` section measured for this review —
/// its `review_digest` equals the review's, the rule `scalewise cluster`'s
/// processes apply to each other. Err: why not, naming the field.
pub fn read_cluster(name: &str, text: &str, review: &Review) -> Result<ImportedCluster, String> {
    let calibration = Calibration::from_json(text)
        .map_err(|e| format!("it is not a calibration document: {e}"))?;
    calibration.validate().map_err(|errors| {
        format!(
            "the calibration in it is not valid: {}",
            errors.first(SHOWN_ERRORS)
        )
    })?;
    let Some(section) = calibration.distributed else {
        return Err(
            "it is a calibration without a `distributed` section (only `scalewise cluster` \
             writes one)"
                .to_string(),
        );
    };
    section.check_review(review).map_err(|e| {
        format!(
            "it was measured for a different review: {} {}. Run `scalewise cluster` on this \
             review (Profile step: Download this review) and import its CLUSTER.json",
            e.path, e.message
        )
    })?;
    Ok(ImportedCluster {
        name: name.to_string(),
        section,
        matched: review.clone(),
    })
}

/// COST as measured, in words, through the core's formatter: the layout
/// that beat the single-threaded pipeline, or how far the search went.
pub fn cost_sentence(cost: &Cost) -> String {
    let threads = |n: u32| format!("{n} thread{}", if n == 1 { "" } else { "s" });
    match cost {
        Cost::Reached {
            processes,
            workers_per_process,
            threads: n,
            events_per_s,
            baseline_events_per_s,
        } => format!(
            "beats the single-threaded pipeline at {} ({processes} × {workers_per_process}): \
             {} vs {} on one native thread (medians)",
            threads(*n),
            format::events_per_s(*events_per_s),
            format::events_per_s(*baseline_events_per_s)
        ),
        Cost::NotReached {
            up_to_threads,
            best_processes,
            best_workers_per_process,
            best_events_per_s,
            baseline_events_per_s,
        } => format!(
            "not reached up to {}: the best layout ({best_processes} × \
             {best_workers_per_process}) ran {} vs {} on one native thread (medians)",
            threads(*up_to_threads),
            format::events_per_s(*best_events_per_s),
            format::events_per_s(*baseline_events_per_s)
        ),
    }
}

/// The fields `needs_run` leaves out: they do not reach the pipeline.
fn reaches_the_pipeline(path: &str) -> bool {
    let text_only = ["title", "scenario", "weights", "submission"]
        .iter()
        .any(|root| path == *root || path.starts_with(&format!("{root}.")));
    let alternative_text = path.starts_with("alternatives[")
        && [".strength", ".risk", ".evidence"]
            .iter()
            .any(|tail| path.contains(tail));
    !(text_only || alternative_text)
}

impl ImportedCluster {
    /// Why the section no longer applies to `review` (`None`: it does):
    /// an edit since the import that a run depends on.
    pub fn stale_for(&self, review: &Review) -> Option<String> {
        if !review_diff::needs_run(&self.matched, review) {
            return None;
        }
        let changed: Vec<String> = review_diff::changes(&self.matched, review, 50)
            .into_iter()
            .filter(|c| reaches_the_pipeline(&c.path))
            .take(3)
            .map(|c| c.path)
            .collect();
        Some(format!(
            "the review changed since “{}” was imported ({}): its measurements are of the \
             earlier review, so runs do not use them until the review is back or a new \
             CLUSTER.json is imported",
            self.name,
            if changed.is_empty() {
                "inputs of the run".to_string()
            } else {
                changed.join(", ")
            }
        ))
    }

    /// One sentence for the import panel: what the file holds.
    pub fn summary(&self) -> String {
        let s = &self.section;
        let layouts: Vec<String> = s
            .points
            .iter()
            .map(|p| format!("{} × {}", p.processes, p.workers_per_process))
            .collect();
        format!(
            "{} measured layout{} (processes × workers: {}) of this review's pipeline on {}. \
             Measured COST: {}. Your runs still calibrate in this browser and now carry \
             these measurements: the distributed designs' exchange and coordination become \
             measured terms.",
            s.points.len(),
            if s.points.len() == 1 { "" } else { "s" },
            layouts.join(", "),
            s.engine,
            cost_sentence(&s.cost)
        )
    }

    /// The section a run of `review` carries, if it applies.
    pub fn for_run(&self, review: &Review) -> Option<DistributedCalibration> {
        self.stale_for(review)
            .is_none()
            .then(|| self.section.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalewise_core::profiler::calibration::distributed::review_digest;

    /// A CLUSTER.json for `review`: the core's test calibration fixture
    /// with a distributed section (one layout per process count) whose
    /// digest is `review`'s.
    fn cluster_json(review: &Review) -> String {
        let mut calibration: serde_json::Value =
            serde_json::from_str(include_str!("../../core/tests/fixtures/calibration.json"))
                .unwrap();
        let section = serde_json::json!({
            "schema_version": 1,
            "engine": "timely 0.32.0",
            "shuffle_alternative": "scale_out",
            "shuffle_scheme": "salted_hot_keys",
            "events": 100000,
            "record_bytes": 67,
            "review_digest": review_digest(review),
            "data_digest": "b".repeat(64),
            "baseline": {
                "host": "127.0.0.1", "threads": 1,
                "wall_s": spread(0.005), "events_per_s": spread(2e7), "cpu_s": null
            },
            "points": [point(1, 0), point(2, 40000)],
            "cost": {
                "outcome": "not_reached", "up_to_threads": 2, "best_processes": 2,
                "best_workers_per_process": 1, "best_events_per_s": 1.5e7,
                "baseline_events_per_s": 2e7
            }
        });
        calibration["distributed"] = section;
        calibration.to_string()
    }

    fn spread(median: f64) -> serde_json::Value {
        serde_json::json!({ "samples": 1, "median": median, "min": median, "max": median })
    }

    fn point(processes: u32, remote: u64) -> serde_json::Value {
        let crossing = remote > 0;
        serde_json::json!({
            "processes": processes,
            "workers_per_process": 1,
            "hosts": vec!["127.0.0.1"; processes as usize],
            "wall_s": spread(0.01),
            "events_per_s": spread(if crossing { 1.5e7 } else { 1e7 }),
            "worker_cpu_s": null,
            "stage_cpu_s": scalewise_core::profiler::Stage::ALL.iter()
                .map(|s| (s.to_string(), serde_json::json!(0.01)))
                .collect::<serde_json::Map<_, _>>(),
            "engine_s": 0.02,
            "shuffle": {
                "records": 100000,
                "records_to_other_workers": if crossing { 50000 } else { 0 },
                "records_to_other_processes": remote,
                "bytes_to_other_processes": remote * 67,
                "merge_bytes_to_other_processes": 0
            },
            "exchange": {
                "records": 100000, "records_to_other_processes": remote,
                "bytes_to_other_processes": remote * 67,
                "wall_s": spread(0.01), "records_per_s": spread(1e7),
                "bytes_per_s": if crossing { spread(2.7e8) } else { serde_json::Value::Null },
                "s_per_byte": if crossing { serde_json::json!(3.7e-9) } else { serde_json::Value::Null },
                "s_per_record": 1e-7
            },
            "coordination": { "rounds": 8, "round_s": spread(1e-4) },
            "connect_s": 0.05,
            "tcp_bytes_sent": vec![serde_json::Value::Null; processes as usize]
        })
    }

    #[test]
    fn a_cluster_file_of_this_review_is_read() {
        let review = Review::example();
        let text = cluster_json(&review);
        assert!(looks_like_cluster("x.json", &text));
        let imported = read_cluster("CLUSTER.json", &text, &review).unwrap();
        assert_eq!(imported.section.points.len(), 2);
        assert_eq!(imported.section.review_digest, review_digest(&review));
        assert_eq!(imported.for_run(&review), Some(imported.section.clone()));
        let summary = imported.summary();
        assert!(
            summary.starts_with("2 measured layouts (processes × workers: 1 × 1, 2 × 1)"),
            "{summary}"
        );
        assert_eq!(
            cost_sentence(&imported.section.cost),
            format!(
                "not reached up to 2 threads: the best layout (2 × 1) ran {} vs {} on one native thread (medians)",
                format::events_per_s(1.5e7),
                format::events_per_s(2e7)
            )
        );
    }

    #[test]
    fn a_cluster_file_of_another_review_is_refused_naming_the_digest() {
        let review = Review::example();
        let mut other = review.clone();
        other.seed += 1;
        let message = read_cluster("CLUSTER.json", &cluster_json(&other), &review).unwrap_err();
        assert!(message.contains("different review"), "{message}");
        assert!(
            message.contains("calibration.distributed.review_digest"),
            "{message}"
        );
        assert!(message.contains(&review_digest(&review)), "{message}");
    }

    #[test]
    fn broken_files_are_refused_naming_the_field() {
        let review = Review::example();
        let message = read_cluster("c.json", "{", &review).unwrap_err();
        assert!(message.contains("not a calibration document"), "{message}");
        let mut value: serde_json::Value = serde_json::from_str(&cluster_json(&review)).unwrap();
        value["distributed"]["points"][1]["hosts"] = serde_json::json!(["127.0.0.1"]);
        let message = read_cluster("c.json", &value.to_string(), &review).unwrap_err();
        assert!(
            message.contains("calibration.distributed.points[1].hosts"),
            "{message}"
        );
        value.as_object_mut().unwrap().remove("distributed");
        let message = read_cluster("c.json", &value.to_string(), &review).unwrap_err();
        assert!(
            message.contains("without a `distributed` section"),
            "{message}"
        );
    }

    #[test]
    fn edits_that_reach_the_pipeline_make_it_stale_and_text_edits_do_not() {
        let review = Review::example();
        let imported = read_cluster("CLUSTER.json", &cluster_json(&review), &review).unwrap();
        let mut retitled = review.clone();
        retitled.title.push_str(" (draft 2)");
        retitled.weights.cost += 1.0;
        assert_eq!(imported.stale_for(&retitled), None);
        let mut reseeded = retitled.clone();
        reseeded.seed += 1;
        let why = imported.stale_for(&reseeded).unwrap();
        assert!(why.contains("seed"), "{why}");
        assert!(!why.contains("title"), "{why}");
        assert_eq!(imported.for_run(&reseeded), None);
    }
}
