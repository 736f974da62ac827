//! The memo: a draft written from the document's own numbers, and the
//! checks the course applies to any memo (the six headings, 900–1200
//! words).
//!
//! The draft is assembled from blocks: required ones (each heading's core
//! evidence: the crossover volume, the bottleneck, the scores, every
//! alternative against the SLA, the failure modes, the data profile, the
//! proxy-data limits) and optional ones (detail: stage shares, stakeholder
//! concerns, each proxy-data limit, …) added in priority order while the
//! memo stays under [`MEMO_TARGET_WORDS`]. User text quoted in the memo is
//! flattened to one line and clipped, so it cannot add headings or blow the
//! word budget; the draft's own sentences are never clipped (a long review
//! gets a tight draft with fewer, shorter blocks instead).
//!
//! How it reads: the thesis (what to run at the review's volume and the
//! volume at which that changes) opens the Context; options are named in
//! code font, failure modes by their end effect at the volume they were
//! evaluated at; projected volumes have two significant digits (`1.8 ×
//! 10⁹ events`), the review's own volume is exact. The method states the
//! self-check error and the input the answer hinges on.
//! `tests/memo_snapshot.rs` keeps the example's full text.

use serde::{Deserialize, Serialize};

use crate::analysis::crossover::{Crossing, Crossover};
use crate::analysis::result::ResultDocument;
use crate::analysis::scoring_table::{robustness_text, rule_text_of};
use crate::review::{CheckpointInterval, PolicyMode};

// Projected volumes (a crossing, a failure mode's volume) are written with
// `volume_events`, two significant digits, as precise as a projection is; the
// review's own volume is exact, with `events`.
use crate::format::{
    bytes, events, fixed, grouped, number, percent, ratio, score, seconds, usd, volume_events,
    with_unit,
};

/// The memo's headings, in order (the course's list).
pub const MEMO_HEADINGS: [&str; 6] = [
    "Context",
    "Method",
    "Evidence",
    "Risks",
    "Recommendation",
    "Open questions",
];
/// The course's word range for the memo.
pub const MEMO_WORDS_MIN: usize = 900;
pub const MEMO_WORDS_MAX: usize = 1200;
/// Optional blocks are added while the draft stays at or under this.
pub const MEMO_TARGET_WORDS: usize = 1150;

/// Whitespace-separated tokens with at least one letter or digit (so `#`,
/// `—` and `|` are not words; `12,345` and `p95` are).
pub fn count_words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|token| token.chars().any(char::is_alphanumeric))
        .count()
}

/// One of [`MEMO_HEADINGS`] and whether the memo has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadingCheck {
    pub heading: String,
    pub present: bool,
}

/// What [`check_memo`] found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoCheck {
    pub word_count: usize,
    pub headings: Vec<HeadingCheck>,
    pub missing_headings: Vec<String>,
    /// `MEMO_WORDS_MIN <= word_count <= MEMO_WORDS_MAX`.
    pub in_range: bool,
}

/// A heading line: `#`, `##` or `###`, a space, the heading text
/// (case-insensitive, surrounding space trimmed).
fn heading_text(line: &str) -> Option<&str> {
    let line = line.trim();
    let hashes = line.chars().take_while(|&c| c == '#').count();
    if !(1..=3).contains(&hashes) {
        return None;
    }
    let rest = line.get(hashes..)?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    Some(rest.trim().trim_end_matches('#').trim())
}

/// Checks the headings and the word count of any memo.
pub fn check_memo(text: &str) -> MemoCheck {
    let found: Vec<String> = text
        .lines()
        .filter_map(heading_text)
        .map(str::to_lowercase)
        .collect();
    let headings: Vec<HeadingCheck> = MEMO_HEADINGS
        .iter()
        .map(|h| HeadingCheck {
            heading: (*h).to_string(),
            present: found.iter().any(|f| *f == h.to_lowercase()),
        })
        .collect();
    let missing_headings = headings
        .iter()
        .filter(|h| !h.present)
        .map(|h| h.heading.clone())
        .collect();
    let word_count = count_words(text);
    MemoCheck {
        word_count,
        headings,
        missing_headings,
        in_range: (MEMO_WORDS_MIN..=MEMO_WORDS_MAX).contains(&word_count),
    }
}

/// User text on one line, at most `max_words` words (then `…`).
fn clip(text: &str, max_words: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= max_words {
        words.join(" ")
    } else {
        let mut out = words.get(..max_words).unwrap_or(&words).join(" ");
        out.push('…');
        out
    }
}

/// Word limits for quoted text: halved in a tight draft.
fn words_limit(words: usize, tight: bool) -> usize {
    if tight {
        words.div_ceil(2)
    } else {
        words
    }
}

/// A sentence-ending full stop unless the text already ends one.
fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '!', '?', '…']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// An option's name as the memo writes it: in code font when it is an
/// identifier (one word without a backtick), as typed otherwise.
fn name(option: &str) -> String {
    let identifier =
        !option.is_empty() && !option.contains('`') && !option.chars().any(char::is_whitespace);
    if identifier {
        format!("`{option}`")
    } else {
        option.to_string()
    }
}

fn names<'a>(options: impl IntoIterator<Item = &'a str>) -> String {
    options.into_iter().map(name).collect::<Vec<_>>().join(", ")
}

/// A failure mode's headline metric in words (the result keeps the id).
fn metric_words(metric: &str) -> String {
    match metric {
        "makespan_mean" => "mean makespan".to_string(),
        "makespan_p95" => "p95 makespan".to_string(),
        "p_miss_deadline" => "chance of missing the deadline".to_string(),
        "cost_per_run" => "cost per run".to_string(),
        "stale_read_rate" => "stale reads".to_string(),
        "violations_per_million_accesses" => "policy violations".to_string(),
        other => other.replace('_', " "),
    }
}

/// The thesis: what to run at the review's volume, and until when.
fn thesis(doc: &ResultDocument) -> String {
    let review = &doc.reproducibility.review;
    let crossover = &doc.crossover;
    let chosen = &doc.recommendation.recommended_option;
    let at_review = doc.projections.iter().find(|p| p.option == *chosen);
    let mut text = match at_review {
        Some(p) => format!(
            "At {} per run, {} is the design to run: it finishes in {} (p95) for {} per run, \
             against a {} deadline and a {} budget.",
            events(review.workload.events as f64),
            name(chosen),
            seconds(p.makespan_p95_s),
            usd(p.cost_per_run_usd),
            seconds(review.sla.deadline_s),
            usd(review.sla.budget_per_run_usd)
        ),
        None => "No design is recommended yet.".to_string(),
    };
    let single = &crossover.single_node_option;
    let phrase =
        |criterion| crate::analysis::crossover_text::criterion_phrase(criterion, crossover);
    match &crossover.binding {
        Some(b) if b.events > review.workload.events as f64 => text.push_str(&format!(
            " {} stays enough until about {} per run, where {}; past that volume the answer \
             is {}.",
            if single == chosen {
                "It".to_string()
            } else {
                format!("One node ({})", name(single))
            },
            volume_events(b.events),
            phrase(b.criterion),
            name(&crossover.distributed_option)
        )),
        Some(b) => text.push_str(&format!(
            " One node ({}) is not enough at this volume: from {} per run {}.",
            name(single),
            volume_events(b.events),
            phrase(b.criterion)
        )),
        None => text.push_str(&format!(
            " One node ({}) stays enough at every volume searched, up to {}.",
            name(single),
            events(crossover_volume(doc))
        )),
    }
    text
}

/// A small count in words, as prose writes it.
fn count_text(n: usize) -> String {
    const WORDS: [&str; 9] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_string())
}

/// The model's self-check, one sentence.
fn self_check_text(doc: &ResultDocument) -> String {
    let check = &doc.self_check;
    let mut text = match &check.full_pass {
        Some(p) => format!(
            "Self-check: calibrated on {}, the model predicts the separately measured full \
             pass ({}, {} lanes) as {} against {}, an error of {}{}.",
            events(p.calibration_events as f64),
            events(p.events as f64),
            p.threads,
            seconds(p.predicted_wall_s),
            seconds(p.measured_wall_s),
            if p.error > 0.0 { "+" } else { "" },
            percent(p.error)
        ),
        None => "Self-check: none; this run replayed a recorded calibration without a full \
                 pass to predict."
            .to_string(),
    };
    if let Some(w) = &check.working_set {
        text.push_str(&format!(
            " The state fit predicts the largest sample's working set within {}.",
            percent(w.error.abs())
        ));
    }
    text
}

/// The input the binding crossing moves most with, one sentence.
fn hinges_text(doc: &ResultDocument) -> String {
    let sensitivity = &doc.sensitivity;
    let swing = sensitivity
        .hinges_on
        .as_ref()
        .and_then(|input| sensitivity.inputs.iter().find(|s| s.input == *input));
    let Some(s) = swing else {
        return "Sensitivity: no measured or assumed input moves the binding crossing over its \
                plausible range."
            .to_string();
    };
    let at = |v: Option<f64>| {
        v.map_or_else(
            || format!("beyond {}", volume_events(crossover_volume(doc))),
            volume_events,
        )
    };
    let mut text = format!(
        "Sensitivity: the answer hinges most on {} ({}, `{}`): over its plausible range {} to {} \
         the binding crossing moves from {} to {}.",
        s.label,
        s.class.name(),
        s.input,
        number(s.low),
        number(s.high),
        at(s.binding_at_low),
        at(s.binding_at_high)
    );
    if !sensitivity.flips_winner.is_empty() {
        let n = sensitivity.flips_winner.len();
        text.push_str(&format!(
            " At the review's volume, {} {} at an end of {} range change{} the winner.",
            count_text(n),
            if n == 1 { "input" } else { "inputs" },
            if n == 1 { "its" } else { "their" },
            if n == 1 { "s" } else { "" }
        ));
    } else {
        text.push_str(" No input moved over its range changes the winner at the review's volume.");
    }
    text
}

fn crossing(c: &Crossing) -> String {
    match c {
        Crossing::At { events: e } => format!("from {}", events(*e)),
        Crossing::Always => "already at one event per run".to_string(),
        Crossing::NotReached { events: e } => {
            format!("at no volume up to {}", events(*e))
        }
    }
}

/// Where the distributed design is cheaper per run.
fn cheaper_where(crossover: &Crossover) -> String {
    let windows: Vec<String> = crossover
        .cheaper_windows
        .iter()
        .map(|w| {
            if w.open_ended {
                format!("from {} on", volume_events(w.from_events))
            } else {
                format!(
                    "from {} to {}",
                    volume_events(w.from_events),
                    volume_events(w.to_events)
                )
            }
        })
        .collect();
    if windows.is_empty() {
        format!(
            "at no swept volume (up to {})",
            volume_events(crossover.config.max_events)
        )
    } else {
        windows.join(" and ")
    }
}

/// The volume the memo cites as the crossover: where one node stops being
/// enough, or the search limit when it never does.
pub fn crossover_volume(doc: &ResultDocument) -> f64 {
    doc.crossover
        .binding
        .as_ref()
        .map_or(crate::analysis::crossover::MAX_SEARCH_EVENTS, |b| b.events)
}

/// The bottleneck stage and why, one sentence (the profiler's reason
/// usually starts with the stage's label; it is not repeated then).
pub fn bottleneck_text(doc: &ResultDocument, max_words: usize) -> String {
    let bottleneck = &doc.timing.bottleneck;
    let label = bottleneck.stage.label();
    let reason = sentence(&clip(&bottleneck.reason, max_words));
    if reason.starts_with(label) {
        reason
    } else {
        format!("the {label} stage, because {reason}")
    }
}

fn winner_score(doc: &ResultDocument) -> f64 {
    doc.scoring
        .totals
        .iter()
        .find(|t| t.option == doc.scoring.winner)
        .map_or(f64::NAN, |t| t.value)
}

struct Block {
    section: usize,
    /// 0: always; then added in increasing priority while the memo fits.
    priority: u8,
    text: String,
}

#[derive(Default)]
struct Blocks(Vec<Block>);

impl Blocks {
    fn add(&mut self, section: usize, priority: u8, text: String) {
        self.0.push(Block {
            section,
            priority,
            text,
        });
    }
}

fn context(doc: &ResultDocument, b: &mut Blocks, tight: bool) {
    let review = &doc.reproducibility.review;
    let scenario = &review.scenario;
    b.add(0, 0, thesis(doc));
    b.add(
        0,
        0,
        format!(
            "This memo answers the Module {} question \"{}\" for the artifact: {}",
            doc.module,
            clip(&doc.decision, words_limit(30, tight)),
            sentence(&clip(&doc.artifact, words_limit(40, tight)))
        ),
    );
    b.add(
        0,
        0,
        format!(
            "The profiled sample of {} holds about {} rows and {} of payload. The review \
             compares {} alternatives{}.",
            events(doc.profile.events as f64),
            grouped(doc.profile.total_rows as f64),
            bytes(doc.profile.total_bytes as f64),
            count_text(review.alternatives.len()),
            // A tight draft with many options names them under Evidence.
            if tight && review.alternatives.len() > 2 {
                String::new()
            } else {
                String::from(": ")
            } + &review
                .alternatives
                .iter()
                .take_while(|_| !(tight && review.alternatives.len() > 2))
                .map(|a| {
                    if tight {
                        return name(&a.option);
                    }
                    format!(
                        "{} ({} node{} × {} cores, {} GiB each)",
                        name(&a.option),
                        a.design.nodes,
                        if a.design.nodes == 1 { "" } else { "s" },
                        a.design.cores_per_node,
                        grouped(a.design.memory_per_node_gib)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    // The decision boundary is what the review is about: always kept
    // (clipped when the draft runs long), never dropped for detail.
    if !scenario.boundary.trim().is_empty() {
        b.add(
            0,
            0,
            format!(
                "Decision boundary: {}",
                sentence(&clip(&scenario.boundary, words_limit(80, tight)))
            ),
        );
    }
    if !scenario.stakeholders.is_empty() {
        let list: Vec<String> = scenario
            .stakeholders
            .iter()
            .take(6)
            .map(|s| {
                format!(
                    "the {} ({})",
                    clip(&s.role, words_limit(5, tight)),
                    clip(&s.concern, words_limit(22, tight)).trim_end_matches('.')
                )
            })
            .collect();
        b.add(
            0,
            5,
            format!("The stakeholders and what each needs: {}.", list.join("; ")),
        );
    }
}

fn method(doc: &ResultDocument, b: &mut Blocks, tight: bool) {
    let review = &doc.reproducibility.review;
    let calibration = &doc.calibration;
    let max_threads = calibration
        .scaling
        .iter()
        .map(|p| p.threads)
        .max()
        .unwrap_or(1);
    b.add(
        1,
        0,
        format!(
            "A real {}-stage batch pipeline ran over a sample of {} synthetic pipeline events \
             (seed {}); per-stage cost was calibrated on {} from {} and throughput measured at \
             1 to {} parallel lanes.{}",
            doc.timing.stages.len(),
            grouped(doc.profile.events as f64),
            review.seed,
            clip(&calibration.environment, 20),
            events(calibration.sample_events as f64),
            max_threads,
            if tight {
                ""
            } else {
                " The result records the calibration and its SHA-256 digest: every number below \
                 can be recomputed."
            }
        ),
    );
    let scaling = &doc.scaling;
    let fit = match &scaling.fit {
        Some(fit) => format!(
            "A Universal Scalability Law fit of the measured lane scaling gives contention σ = \
             {}, coherency κ = {} (R² = {}); the Amdahl serial fraction is {}",
            number(fit.sigma),
            number(fit.kappa),
            fixed(fit.r2, 3),
            percent(fit.amdahl_serial_fraction)
        ),
        None => format!(
            "The scalability fit failed ({}), so the documented fallback model was used",
            clip(
                scaling.fit_error.as_deref().unwrap_or("no reason given"),
                20
            )
        ),
    };
    b.add(
        1,
        0,
        format!(
            "{fit}. One thread processes {} events per second.",
            grouped(scaling.single_thread_events_per_s)
        ),
    );
    let sweep = &doc.crossover.config;
    b.add(
        1,
        0,
        format!(
            "Each alternative is projected to the production volume as a sum of terms, each \
             measured, fitted or assumed: stage costs, partition skew, shuffle, a two-tier LRU \
             cache (Che's approximation), I/O, spill, node failures and checkpoints ({} Monte \
             Carlo runs), cost. A sweep from {} to {} ({} points) and bisections find where \
             one node stops being enough.",
            grouped(f64::from(
                doc.reproducibility.projection_config.failure_runs
            )),
            events(sweep.min_events),
            events(sweep.max_events),
            sweep.points
        ),
    );
    let weights: Vec<String> = doc
        .scoring
        .table
        .iter()
        .map(|r| format!("{} {}", r.id, percent(r.weight)))
        .collect();
    b.add(1, 0, self_check_text(doc));
    b.add(1, 0, hinges_text(doc));
    b.add(1, 0, format!("Scoring: {}", rule_text_of(&doc.scoring)));
    b.add(
        1,
        2,
        format!(
            "The review's weights: {}. {}",
            weights.join(", "),
            robustness_text(&doc.scoring)
        ),
    );
}

/// Every option at the review's volume in one sentence: p95 and cost, then
/// which miss the deadline or the budget.
fn compact_options(doc: &ResultDocument) -> String {
    let list: Vec<String> = doc
        .projections
        .iter()
        .map(|p| {
            format!(
                "{} {} (p95) for {}",
                name(&p.option),
                seconds(p.makespan_p95_s),
                usd(p.cost_per_run_usd)
            )
        })
        .collect();
    let misses: Vec<String> = doc
        .projections
        .iter()
        .filter(|p| !p.meets_deadline || !p.within_budget)
        .map(|p| {
            let what = match (p.meets_deadline, p.within_budget) {
                (false, false) => "misses the deadline and the budget",
                (false, true) => "misses the deadline",
                _ => "is over the budget",
            };
            format!("{} {what}", name(&p.option))
        })
        .collect();
    let verdict = if misses.is_empty() {
        "Every option meets the deadline and the budget.".to_string()
    } else {
        format!("{}.", misses.join("; "))
    };
    format!(
        "At the review's {}: {}. {verdict}",
        events(doc.reproducibility.review.workload.events as f64),
        list.join("; ")
    )
}

fn evidence(doc: &ResultDocument, b: &mut Blocks, tight: bool) {
    let review = &doc.reproducibility.review;
    let timing = &doc.timing;
    b.add(2, 0, format!("Bottleneck: {}", bottleneck_text(doc, 60)));
    let shares: Vec<String> = timing
        .stages
        .iter()
        .map(|s| format!("{} {}", s.stage.label(), seconds(s.time_s)))
        .collect();
    b.add(
        2,
        3,
        format!(
            "Single-thread stage times for the review's batch: {}; {} in all, {} at the best \
             measured lane count ({}).",
            shares.join(", "),
            seconds(timing.single_thread_time_s),
            seconds(timing.best_wall_time_s),
            timing.best_threads
        ),
    );
    let crossover = &doc.crossover;
    let limit = crossover_volume(doc);
    let limit_sentence = match (&crossover.binding, crossover.binding_crossing()) {
        (Some(binding), Some(at)) => {
            let single = at
                .at
                .iter()
                .find(|p| p.option == crossover.single_node_option);
            let dist = at
                .at
                .iter()
                .find(|p| p.option == crossover.distributed_option);
            let mut text = format!(
                "Crossover: {} stops being enough at {}, where {} ({}).",
                name(&crossover.single_node_option),
                volume_events(limit),
                crate::analysis::crossover_text::criterion_phrase(binding.criterion, crossover),
                binding.criterion.name()
            );
            if let (Some(s), Some(d)) = (single, dist) {
                text.push_str(&format!(
                    " At that volume {} takes {} (p95) for {} per run, while {} takes {} for {}. {} is cheaper per run {}.",
                    name(&crossover.single_node_option),
                    seconds(s.makespan_p95_s),
                    usd(s.cost_per_run_usd),
                    name(&crossover.distributed_option),
                    seconds(d.makespan_p95_s),
                    usd(d.cost_per_run_usd),
                    name(&crossover.distributed_option),
                    cheaper_where(crossover)
                ));
            }
            text
        }
        _ => format!(
            "Crossover: {} stays enough at every volume searched, up to {}: it meets the {} deadline and the budget throughout; its working set exceeds memory {}.",
            name(&crossover.single_node_option),
            volume_events(limit),
            seconds(crossover.deadline_s),
            crossover
                .single(crate::analysis::crossover::Criterion::Spill)
                .map_or_else(|| "never".to_string(), |c| crossing(&c.crossing))
        ),
    };
    b.add(2, 0, limit_sentence);
    b.add(
        2,
        6,
        format!(
            "In short: {}",
            sentence(&clip(&crossover.answer, words_limit(70, tight)))
        ),
    );
    // Many options in a tight draft: one sentence for all of them.
    if tight && doc.projections.len() > 2 {
        b.add(2, 0, compact_options(doc));
    }
    for p in doc
        .projections
        .iter()
        .take_while(|_| !(tight && doc.projections.len() > 2))
    {
        if tight {
            b.add(
                2,
                0,
                format!(
                    "{} at {}: p95 {} ({} the {} deadline), {} per run ({} the {} budget), \
                     cache hit rate {}, memory {}.",
                    name(&p.option),
                    events(p.events),
                    seconds(p.makespan_p95_s),
                    if p.meets_deadline { "meets" } else { "misses" },
                    seconds(review.sla.deadline_s),
                    usd(p.cost_per_run_usd),
                    if p.within_budget { "within" } else { "over" },
                    usd(review.sla.budget_per_run_usd),
                    percent(p.cache.overall_hit_rate),
                    if p.memory_fit.fits {
                        "fits"
                    } else {
                        "overflows"
                    }
                ),
            );
            continue;
        }
        b.add(
            2,
            0,
            format!(
                "{} at the review's {}: p95 makespan {} against the {} deadline ({}), {} per run \
                 against the {} budget ({}), cache hit rate {}, working set {} node memory.",
                name(&p.option),
                events(p.events),
                seconds(p.makespan_p95_s),
                seconds(review.sla.deadline_s),
                if p.meets_deadline { "meets" } else { "misses" },
                usd(p.cost_per_run_usd),
                usd(review.sla.budget_per_run_usd),
                if p.within_budget { "within" } else { "over" },
                percent(p.cache.overall_hit_rate),
                if p.memory_fit.fits {
                    "within"
                } else {
                    "beyond"
                }
            ),
        );
    }
    let q = &doc.profile.quality;
    let l = &doc.profile.lineage;
    let a = &doc.profile.access;
    let data_profile = if tight {
        format!(
            "Data profile: freshness lag p95 {} ({} of events breach the {} SLA); schema \
             drift {}; lineage completeness {}; nulls {}, out of range {}. Access risk: \
             policy check failures {} under deny-overrides, {} under allow-overrides.",
            seconds(q.freshness_p95_s),
            percent(q.freshness_breach_rate),
            seconds(q.freshness_sla_s),
            percent(q.schema_drift_rate),
            percent(l.completeness),
            percent(q.null_rate),
            percent(q.out_of_range_rate),
            percent(a.deny_overrides.policy_check_failure_rate),
            percent(a.allow_overrides.policy_check_failure_rate)
        )
    } else {
        format!(
            "Data profile: freshness lag p50 {} and p95 {}, with {} of events breaching the {} \
             freshness SLA; schema drift in {} of events; lineage completeness {} ({} of events \
             miss a declared upstream); nulls in {} and out-of-range values in {} of events. \
             Access risk: policy check failures are {} of accesses under deny-overrides and {} \
             under allow-overrides.",
            seconds(q.freshness_p50_s),
            seconds(q.freshness_p95_s),
            percent(q.freshness_breach_rate),
            seconds(q.freshness_sla_s),
            percent(q.schema_drift_rate),
            percent(l.completeness),
            percent(l.incomplete_rate),
            percent(q.null_rate),
            percent(q.out_of_range_rate),
            percent(a.deny_overrides.policy_check_failure_rate),
            percent(a.allow_overrides.policy_check_failure_rate)
        )
    };
    b.add(2, 0, data_profile);
    let scoring = &doc.scoring;
    // A tight draft with many options names the best three only.
    let shown = if tight && scoring.totals.len() > 3 {
        3
    } else {
        scoring.totals.len()
    };
    let mut ranked: Vec<_> = scoring.totals.iter().collect();
    ranked.sort_by(|a, b| b.value.total_cmp(&a.value));
    let mut totals: Vec<String> = ranked
        .iter()
        .take(shown)
        .map(|t| format!("{} {}", name(&t.option), score(t.value)))
        .collect();
    if shown < ranked.len() {
        totals.push(format!("{} more below", ranked.len() - shown));
    }
    b.add(
        2,
        0,
        format!(
            "Scoring: {} wins with a weighted score of {} (totals: {}). It stays first in {} of \
             the weight perturbations{} and in {} of the rule's variants. TOPSIS {}.",
            name(&scoring.winner),
            score(winner_score(doc)),
            totals.join(", "),
            percent(scoring.sensitivity.winner_stable_share),
            if scoring.sensitivity.stable_one_at_a_time {
                ", no single ±20 % weight change flips it,"
            } else {
                ", but a single ±20 % weight change can flip it,"
            },
            percent(scoring.sensitivity.rule_stable_share),
            if scoring.topsis.agrees_with_weighted_sum {
                "agrees".to_string()
            } else {
                format!("prefers {}", name(&scoring.topsis.winner))
            }
        ),
    );
    if !scoring.topsis.agrees_with_weighted_sum {
        b.add(2, 2, scoring.topsis.note.clone());
    }
    for node in &doc.scaling.nodes {
        b.add(
            2,
            7,
            format!(
                "{} runs {} cores per node at a projected speed-up of {} ({} parallel efficiency).",
                name(&node.option),
                node.cores_per_node,
                ratio(node.speedup),
                percent(node.efficiency)
            ),
        );
    }
}

fn risks(doc: &ResultDocument, b: &mut Blocks, tight: bool) {
    let review = &doc.reproducibility.review;
    for (i, mode) in doc.failure_modes.iter().enumerate() {
        b.add(
            3,
            0,
            format!(
                "Failure mode {}: {} ({} at {}): {} {} without mitigation, {} with it. \
                 Mitigation: {}",
                i + 1,
                clip(&mode.title, words_limit(20, tight)).trim_end_matches('.'),
                name(&mode.option),
                volume_events(mode.events),
                metric_words(&mode.metric),
                with_unit(&mode.unit, mode.without_mitigation),
                with_unit(&mode.unit, mode.with_mitigation),
                sentence(&mode.mitigation)
            ),
        );
        if let Some(kpi) = &mode.kpi_threshold {
            b.add(
                3,
                4,
                format!(
                    "Its playbook KPI is {}, healthy {} {}.",
                    clip(&kpi.label, words_limit(12, tight)),
                    kpi.healthy,
                    with_unit(&mode.unit, kpi.value)
                ),
            );
        }
        b.add(
            3,
            8,
            sentence(&clip(&mode.description, words_limit(60, tight))),
        );
    }
    for alternative in &review.alternatives {
        if !alternative.risk.trim().is_empty() {
            b.add(
                3,
                6,
                format!(
                    "Known risk of {}: {}",
                    name(&alternative.option),
                    sentence(&clip(&alternative.risk, words_limit(30, tight)))
                ),
            );
        }
    }
    let allow: Vec<&str> = review
        .alternatives
        .iter()
        .filter(|a| a.design.policy_mode == PolicyMode::AllowOverrides)
        .map(|a| a.option.as_str())
        .collect();
    if !allow.is_empty() {
        let allow = [names(allow)];
        b.add(
            3,
            1,
            format!(
                "{} combine access rules with allow-overrides, which lets {} of accesses through \
                 above the risk threshold.",
                allow.join(", "),
                percent(doc.profile.access.allow_overrides.policy_check_failure_rate)
            ),
        );
    }
    let unchecked: Vec<&str> = review
        .alternatives
        .iter()
        .filter(|a| a.design.checkpoint == CheckpointInterval::Never)
        .map(|a| a.option.as_str())
        .collect();
    if !unchecked.is_empty() {
        let unchecked = [names(unchecked)];
        b.add(
            3,
            5,
            format!(
                "{} write no checkpoints: a node failure restarts the whole batch.",
                unchecked.join(", ")
            ),
        );
    }
}

fn recommendation(doc: &ResultDocument, b: &mut Blocks, tight: bool) {
    let r = &doc.recommendation;
    let scoring = &doc.scoring;
    let chosen_score = scoring
        .totals
        .iter()
        .find(|t| t.option == r.recommended_option)
        .map_or(f64::NAN, |t| t.value);
    let agreement = if r.recommended_option == scoring.winner {
        format!(
            "It is the scoring winner, with a weighted score of {}.",
            score(winner_score(doc))
        )
    } else {
        format!(
            "This departs from the scoring winner {} (weighted score {}); the recommended option \
             scores {}, so the reasons for the choice must be argued beyond the table.",
            name(&scoring.winner),
            score(winner_score(doc)),
            score(chosen_score)
        )
    };
    let option = if r.recommended_option.trim().is_empty() {
        "no option yet".to_string()
    } else {
        name(&r.recommended_option)
    };
    b.add(4, 0, format!("Recommended option: {option}. {agreement}"));
    if !r.minimum_evidence_before_pilot.is_empty() {
        let items: Vec<String> = r
            .minimum_evidence_before_pilot
            .iter()
            .take(if tight { 1 } else { 6 })
            .map(|e| e.trim_end_matches('.').to_string())
            .collect();
        b.add(
            4,
            0,
            format!("Minimum evidence before a pilot: {}.", items.join("; ")),
        );
    }
    if !r.monitoring_metric.trim().is_empty() {
        b.add(
            4,
            0,
            format!("Monitoring metric: {}", sentence(&r.monitoring_metric)),
        );
    }
    if !r.rollback_trigger.trim().is_empty() {
        b.add(
            4,
            0,
            format!("Rollback trigger: {}", sentence(&r.rollback_trigger)),
        );
    }
}

fn open_questions(doc: &ResultDocument, b: &mut Blocks, tight: bool) {
    b.add(
        5,
        u8::from(tight),
        "These numbers come from proxy data: synthetic events whose distributions are the \
         review's assumptions, and a calibration measured on one machine. They support the \
         reasoning, not a deployment decision."
            .to_string(),
    );
    for (i, text) in doc.proxy_data_limits.iter().enumerate() {
        b.add(
            5,
            if i == 0 { 0 } else { 4 },
            format!("Proxy-data limit: {}", sentence(text)),
        );
    }
    if !doc.evidence_still_needed.is_empty() {
        let items: Vec<String> = doc
            .evidence_still_needed
            .iter()
            .take(if tight { 2 } else { 6 })
            .map(|e| e.trim_end_matches('.').to_string())
            .collect();
        b.add(
            5,
            0,
            format!(
                "Evidence still needed before real deployment: {}.",
                items.join("; ")
            ),
        );
    }
    b.add(
        5,
        3,
        format!(
            "Open: would the crossover near {} move with real payload sizes and growth, and how \
             soon will the real batch reach it? Would the institution's real access logs keep \
             policy check failures below 1%?",
            volume_events(crossover_volume(doc))
        ),
    );
}

/// The draft memo: `# <title>`, then the six [`MEMO_HEADINGS`] as `##`
/// sections in order, written from `doc`'s numbers; 900–1200 words for any
/// valid review (user text is clipped to keep it there). Reads neither
/// `doc.memo` nor the digest.
pub fn draft_memo(doc: &ResultDocument) -> String {
    let full = compose(doc, false);
    if count_words(&full) <= MEMO_WORDS_MAX {
        full
    } else {
        compose(doc, true)
    }
}

/// One draft; `tight` shortens quoted text and per-option lines when the
/// required blocks alone would pass [`MEMO_TARGET_WORDS`].
fn compose(doc: &ResultDocument, tight: bool) -> String {
    let mut blocks = Blocks::default();
    context(doc, &mut blocks, tight);
    method(doc, &mut blocks, tight);
    evidence(doc, &mut blocks, tight);
    risks(doc, &mut blocks, tight);
    recommendation(doc, &mut blocks, tight);
    open_questions(doc, &mut blocks, tight);

    let title = clip(&doc.reproducibility.review.title, words_limit(20, tight));
    let title = if title.is_empty() {
        "Design review".to_string()
    } else {
        title
    };
    let fixed = count_words(&title) + MEMO_HEADINGS.iter().map(|h| count_words(h)).sum::<usize>();
    let required: usize = blocks
        .0
        .iter()
        .filter(|b| b.priority == 0)
        .map(|b| count_words(&b.text))
        .sum();
    let mut words = fixed + required;
    let mut chosen: Vec<bool> = blocks.0.iter().map(|b| b.priority == 0).collect();
    // Optional blocks by priority, then document order.
    let mut optional: Vec<(u8, usize, usize)> = blocks
        .0
        .iter()
        .enumerate()
        .filter(|(_, b)| b.priority > 0)
        .map(|(i, b)| (b.priority, i, count_words(&b.text)))
        .collect();
    optional.sort_unstable();
    for (_, i, n) in optional {
        if words + n <= MEMO_TARGET_WORDS {
            if let Some(c) = chosen.get_mut(i) {
                *c = true;
                words += n;
            }
        }
    }

    let mut out = format!("# {title}\n");
    for (section, heading) in MEMO_HEADINGS.iter().enumerate() {
        out.push_str(&format!("\n## {heading}\n"));
        for (block, _) in blocks
            .0
            .iter()
            .zip(&chosen)
            .filter(|(b, &c)| c && b.section == section)
        {
            out.push('\n');
            out.push_str(&block.text);
            out.push('\n');
        }
    }
    // The draft's own wording never opens a tag (only comparisons such as
    // `< 1%`), so escaping the whole text touches only what the user typed.
    escape_html_tags(&out)
}

/// The memo as exported (`*.memo.md`, the notebook's memo cell): the
/// user's text if any, else the draft. Markdown renders raw HTML, so a `<`
/// that could open a tag becomes `&lt;`: a memo pasted from elsewhere
/// cannot carry a tag into a reviewer's viewer. The result JSON keeps the
/// text verbatim.
pub fn exported_memo(doc: &ResultDocument) -> String {
    if doc.memo.trim().is_empty() {
        draft_memo(doc)
    } else {
        escape_html_tags(&doc.memo)
    }
}

/// `<` becomes `&lt;` where it could open a tag, a comment or a processing
/// instruction (CommonMark's raw HTML: `<` then a letter, `/`, `!` or `?`);
/// comparisons such as `< 1%` and `> 85%` stay as written.
fn escape_html_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let opens_markup = c == '<'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
        if opens_markup {
            out.push_str("&lt;");
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::result::tests::{calibration, document, recompute, small_review};
    use crate::review::{Alternative, PolicyMode, Review};

    fn variant(base: &Alternative, option: &str, nodes: u32) -> Alternative {
        let mut a = base.clone();
        a.option = option.to_string();
        a.design.nodes = nodes;
        a.design.regions = 1;
        a
    }

    /// Reviews unlike the example: more alternatives, other workloads,
    /// allow-overrides, empty and maximal text.
    fn reviews() -> Vec<Review> {
        let mut four = small_review();
        let cluster = four.alternatives[1].clone();
        four.alternatives
            .push(variant(&cluster, "four_node_cluster", 4));
        four.alternatives
            .push(variant(&cluster, "wide_cluster", 32));
        four.alternatives[3].design.policy_mode = PolicyMode::AllowOverrides;
        four.workload.domains = 64;
        four.workload.schema_drift_rate = 0.02;
        four.workload.lineage_missing_rate = 0.1;
        four.sla.deadline_s = 600.0;
        four.weights.cost = 0.6;
        four.title = "Checkout events: 4 designs".to_string();

        let mut terse = small_review();
        terse.scenario.boundary = "The nightly batch.".to_string();
        terse.scenario.stakeholders.clear();
        for a in &mut terse.alternatives {
            a.strength = String::new();
            a.risk = String::new();
            a.evidence = String::new();
        }
        terse.workload.bytes_per_event = 50_000.0;
        terse.workload.freshness_median_s = 7_200.0;
        terse.title = "x".to_string();

        let mut eight = small_review();
        let long = "word ".repeat(700);
        eight.scenario.boundary = long.clone();
        eight.scenario.artifact = long.clone();
        eight.scenario.decision = long.clone();
        for i in 0..6 {
            eight
                .alternatives
                .push(variant(&cluster, &format!("cluster_{i}"), 2 + 3 * i));
        }
        for a in &mut eight.alternatives {
            a.risk = long.clone();
            a.strength = long.clone();
        }
        eight.title = "t ".repeat(60).trim().to_string();
        vec![small_review(), four, terse, eight]
    }

    #[test]
    fn drafts_have_the_headings_and_the_word_range_for_many_reviews() {
        let mut docs = vec![document().clone()];
        let mut window_cases = 0;
        for review in reviews().into_iter().skip(1) {
            review.validate().unwrap();
            docs.push(recompute(&review, &calibration()).unwrap());
        }
        for doc in &docs {
            let memo = draft_memo(doc);
            let check = check_memo(&memo);
            assert!(check.missing_headings.is_empty(), "{check:?}");
            assert!(check.in_range, "{} words:\n{memo}", check.word_count);
            // The headings are `##` lines, in the course's order.
            let positions: Vec<usize> = MEMO_HEADINGS
                .iter()
                .map(|h| memo.find(&format!("\n## {h}\n")).unwrap())
                .collect();
            assert!(positions.windows(2).all(|w| w[0] < w[1]));
            assert!(memo.starts_with("# "));
            // Written from the document's numbers.
            assert!(
                memo.contains(&volume_events(crossover_volume(doc))),
                "{memo}"
            );
            assert!(memo.contains(doc.timing.bottleneck.stage.label()));
            assert!(memo.contains(&score(winner_score(doc))));
            assert!(memo.contains(&doc.scoring.winner));
            assert!(memo.contains(&percent(doc.scoring.sensitivity.winner_stable_share)));
            assert!(memo.contains("TOPSIS"));
            for p in &doc.projections {
                assert!(memo.contains(&name(&p.option)));
                assert!(memo.contains(&usd(p.cost_per_run_usd)));
            }
            for (i, mode) in doc.failure_modes.iter().enumerate() {
                assert!(memo.contains(&format!("Failure mode {}:", i + 1)));
                assert!(memo.contains("Mitigation:"), "{}", mode.id);
            }
            for indicator in [
                "freshness",
                "schema drift",
                "lineage completeness",
                "Access risk",
            ] {
                assert!(memo.contains(indicator), "{indicator}");
            }
            assert!(memo.contains("Proxy-data limit"));
            assert!(memo.contains("Evidence still needed"));
            // Where the cluster is cheaper in a window, the memo says from
            // where to where.
            for window in doc
                .crossover
                .cheaper_windows
                .iter()
                .filter(|w| !w.open_ended)
            {
                window_cases += 1;
                let first = volume_events(window.from_events);
                assert!(memo.contains(&format!("from {first} to")), "{memo}");
            }
            // Deterministic.
            assert_eq!(draft_memo(doc), memo);
        }
        let _ = window_cases;
        // The memos differ with the review: not boilerplate.
        let memos: Vec<String> = docs.iter().map(draft_memo).collect();
        for (i, a) in memos.iter().enumerate() {
            for b in memos.iter().skip(i + 1) {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn user_text_cannot_add_headings() {
        let mut review = small_review();
        review.scenario.boundary = "line\n## Risks\n# Evil".to_string();
        let doc = recompute(&review, &calibration()).unwrap();
        let memo = draft_memo(&doc);
        let headings = memo.lines().filter(|l| l.starts_with('#')).count();
        assert_eq!(headings, 7, "{memo}");
    }

    #[test]
    fn user_text_cannot_add_html() {
        let mut review = small_review();
        review.title = "<img src=x onerror=alert(1)>".to_string();
        review.scenario.boundary = "\"><script>alert(2)</script>".to_string();
        let doc = recompute(&review, &calibration()).unwrap();
        let memo = draft_memo(&doc);
        assert!(
            !memo.contains("<img") && !memo.contains("<script") && !memo.contains("</"),
            "{memo}"
        );
        assert!(memo.contains("&lt;img src=x onerror=alert(1)>"), "{memo}");
        assert!(memo.contains("&lt;script>alert(2)&lt;/script>"), "{memo}");
        assert_eq!(
            escape_html_tags("a < 1% and b > 2 <!-- c <?x"),
            "a < 1% and b > 2 &lt;!-- c &lt;?x"
        );
    }

    #[test]
    fn word_count_and_heading_check() {
        assert_eq!(
            count_words("# Title\n\n## Context\nOne two, 12,345 — p95 | x"),
            7
        );
        assert_eq!(count_words(""), 0);
        let check = check_memo("# T\n### context \n##Method\n## EVIDENCE\nrisks\n#### Risks\n");
        let present: Vec<&str> = check
            .headings
            .iter()
            .filter(|h| h.present)
            .map(|h| h.heading.as_str())
            .collect();
        assert_eq!(present, ["Context", "Evidence"]);
        assert_eq!(
            check.missing_headings,
            ["Method", "Risks", "Recommendation", "Open questions"]
        );
        assert!(!check.in_range);
    }
}
