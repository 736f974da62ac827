//! The plain answer to the module question, written from the crossover.
//!
//! Every number in it comes from a projection at the volume it names: the
//! review's own volume, or a crossing (whose projections the crossover
//! carries).

use super::crossover::{Criterion, Crossover};
use super::projection::Projection;
use crate::format::{seconds as format_duration, usd, volume as format_volume};

/// What a criterion's crossing means, for a sentence.
pub fn criterion_phrase(criterion: Criterion, c: &Crossover) -> String {
    match criterion {
        Criterion::DeadlineP95 => format!(
            "its p95 makespan exceeds the {} deadline",
            format_duration(c.deadline_s)
        ),
        Criterion::DeadlineTolerance => format!(
            "its chance of missing the {} deadline exceeds the SLA's {}",
            format_duration(c.deadline_s),
            crate::format::percent(c.miss_tolerance)
        ),
        Criterion::Budget => format!("its cost per run exceeds the {} budget", usd(c.budget_usd)),
        Criterion::Spill => "its working set exceeds its usable memory".to_string(),
    }
}

/// The answer to the module question at the review's volume.
/// `spill_effect`: the single node's spill term at a volume past where it
/// starts to spill, `(events, seconds)`.
pub fn answer(c: &Crossover, at_review: &[Projection], spill_effect: Option<(f64, f64)>) -> String {
    let find = |option: &str| at_review.iter().find(|p| p.option == option);
    let single = find(&c.single_node_option);
    let dist = find(&c.distributed_option);
    let deadline = format_duration(c.deadline_s);
    let mut out = String::new();
    if let (Some(s), Some(d)) = (single, dist) {
        out.push_str(&format!(
            "At the review's {} events per run, one node ({}) has a p95 makespan of {} and the \
             cluster ({}) {}, against a {deadline} deadline, at {} and {} per run.",
            format_volume(s.events),
            c.single_node_option,
            format_duration(s.makespan_p95_s),
            c.distributed_option,
            format_duration(d.makespan_p95_s),
            usd(s.cost_per_run_usd),
            usd(d.cost_per_run_usd),
        ));
    }
    match (&c.binding, c.binding_crossing()) {
        (Some(binding), Some(crossing)) => {
            let range = binding
                .events_range
                .filter(|[lo, hi]| hi / lo > 1.01)
                .map(|[lo, hi]| {
                    format!(
                        " (between {} and {} over the plausible range of the node's scaling)",
                        format_volume(lo),
                        format_volume(hi)
                    )
                })
                .unwrap_or_default();
            out.push_str(&format!(
                " One machine stops being enough at about {} events per run{range}, where {}",
                format_volume(binding.events),
                criterion_phrase(binding.criterion, c),
            ));
            match crossing
                .at
                .iter()
                .find(|p| p.option == c.distributed_option)
            {
                Some(d) if d.meets_deadline && d.within_budget => out.push_str(&format!(
                    "; there the cluster's p95 is {} at {} per run.",
                    format_duration(d.makespan_p95_s),
                    usd(d.cost_per_run_usd)
                )),
                Some(d) => out.push_str(&format!(
                    "; there the cluster fails too (p95 {}, {} per run), so it needs more nodes.",
                    format_duration(d.makespan_p95_s),
                    usd(d.cost_per_run_usd)
                )),
                None => out.push('.'),
            }
        }
        (Some(binding), None) if binding.events <= 1.0 => out.push_str(&format!(
            " One node fails already at a single event per run: {}.",
            criterion_phrase(binding.criterion, c)
        )),
        _ => out.push_str(&format!(
            " One node meets the deadline, the SLA's tolerance and the budget at every volume \
             searched (up to {} events per run): at this scale distributed computation is not \
             required.",
            format_volume(super::crossover::MAX_SEARCH_EVENTS)
        )),
    }
    if let Some(events) = c.single(Criterion::Spill).and_then(|x| x.crossing.at()) {
        out.push_str(&format!(
            " It starts to spill at {} events",
            format_volume(events)
        ));
        match spill_effect {
            Some((at, seconds)) => out.push_str(&format!(
                "; at {} events spilling adds {}.",
                format_volume(at),
                format_duration(seconds)
            )),
            None => out.push('.'),
        }
    }
    for w in &c.cheaper_windows {
        if w.open_ended {
            out.push_str(&format!(
                " The cluster is cheaper per run from {} events on.",
                format_volume(w.from_events)
            ));
        } else {
            out.push_str(&format!(
                " The cluster is cheaper per run from {} to {} events.",
                format_volume(w.from_events),
                format_volume(w.to_events)
            ));
        }
    }
    out
}
