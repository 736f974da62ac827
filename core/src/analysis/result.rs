//! The result document: the course workspace object first (`module`,
//! `decision`, `artifact`, `alternatives`, `recommendation`), then the
//! evidence (`profile`, `calibration`, `scaling`, `projections`, `crossover`,
//! `failure_modes`, `scoring`), its limits, and what reproduces it.
//!
//! **Digest.** `reproducibility.digest` is the SHA-256 (hex) of the
//! canonical JSON (RFC 8785, see [`crate::digest`]) of the document without
//! the digest field. The canonical writer sorts keys itself, so serde_json's
//! `preserve_order` feature cannot change it.
//!
//! **Verification.** A second reviewer recomputes the document from its
//! recorded review and calibration ([`verify`]); the first differing field
//! path says what does not reproduce.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::cost_metric::{cost_metric, CostMetric, MeasuredCost};
use super::crossover::MAX_SEARCH_EVENTS;
use super::crossover::{crossover, pick_pair, Criterion, Crossover, CrossoverInput, SweepConfig};
use super::crossover_text::{answer, criterion_phrase};
use super::failure_modes::{
    failure_modes, FailureMode, FailureVolumes, CACHE_HIT_RATE_KPI, POLICY_FAILURE_RATE_KPI,
};
use super::projection::{Context, Projection, ProjectionConfig, ScalingModel, ScalingSource};
use super::scoring_table::{self, scoring, ScoringResult};
use super::self_check::{self_check, SelfCheck};
use super::sensitivity::{sensitivity, Sensitivity};
use super::{bridge, AnalysisError, CostModel, DataFacts};
use crate::analysis_limits::DEFAULT_DIFF_LIMIT;
use crate::assumptions::{Scope, CATALOGUE};
use crate::format;
use crate::profiler::{Calibration, DataProfile, Profile};
use crate::review::Review;

/// Version of the result document layout.
/// 2: the top-level `memo`; the review's `submission.audit`.
/// 3: production volume and sample; classed projection terms; per-criterion
///    crossings; COST; the self-check; sensitivity; the assumption list;
///    scoring against thresholds (`scoring.rule`, each criterion's `scale`,
///    `utilisation` and `value`, `feasibility`, `kpis`, the rule variants,
///    TOPSIS on the raw values with its `note`); digests over RFC 8785 JSON.
pub const RESULT_SCHEMA_VERSION: u32 = 3;

/// Refuses a result document of another layout with a message naming its
/// version (read from the JSON before anything else is parsed).
pub fn check_schema_version(document: &Value) -> Result<(), String> {
    let version = document
        .pointer("/reproducibility/schema_version")
        .and_then(Value::as_u64);
    match version {
        Some(v) if v == u64::from(RESULT_SCHEMA_VERSION) => Ok(()),
        Some(v) if v < u64::from(RESULT_SCHEMA_VERSION) => Err(format!(
            "this result has schema version {v}, written by an earlier Scalewise whose \
             projection this build no longer computes; this build reads version \
             {RESULT_SCHEMA_VERSION}: run the review again (its review loads) to get a result"
        )),
        Some(v) => Err(format!(
            "this result has schema version {v}, newer than this build's \
             {RESULT_SCHEMA_VERSION}: open it with a newer Scalewise"
        )),
        None => Err(
            "not a Scalewise result document: reproducibility.schema_version is missing"
                .to_string(),
        ),
    }
}

/// The course's alternative object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CourseAlternative {
    pub option: String,
    pub strength: String,
    pub risk: String,
    pub evidence: String,
}

/// The course's recommendation object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    pub decision: String,
    pub recommended_option: String,
    pub minimum_evidence_before_pilot: Vec<String>,
    pub monitoring_metric: String,
    pub rollback_trigger: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UslSummary {
    pub lambda_events_per_s: f64,
    pub sigma: f64,
    pub kappa: f64,
    pub r2: f64,
    pub n_peak: Option<f64>,
    pub amdahl_serial_fraction: f64,
    /// Distinct lane counts the fit used (2: Amdahl, ≥ 3: USL).
    pub lane_counts: usize,
    pub sigma_range: Option<[f64; 2]>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NodeScaling {
    pub option: String,
    pub cores_per_node: u32,
    pub speedup: f64,
    pub efficiency: f64,
    /// Where the speed-up comes from, in words ("fitted …", "assumed …").
    pub basis: String,
    /// More cores than lanes were measured.
    pub extrapolated: bool,
}

/// The scalability fit of the measured lane scaling and what it implies per
/// node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScalingSummary {
    pub fit: Option<UslSummary>,
    pub fit_error: Option<String>,
    /// The measured law the projections use (the fit, or the labelled
    /// fallback); designs may state their own (see `nodes`).
    pub used: ScalingModel,
    /// One lane's throughput over the per-event stages (medians).
    pub single_thread_events_per_s: f64,
    /// Of the in-browser (or CLI) pool only: the fewest measured lanes whose
    /// throughput beats one lane's; `None` when none does. Not COST: see
    /// the document's `cost`.
    pub pool_lanes_beating_one: Option<f64>,
    /// The scale-out a distributed engine measured (`scalewise cluster`),
    /// when the calibration carries it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_out: Option<ScaleOutSummary>,
    pub nodes: Vec<NodeScaling>,
}

/// Throughput over the measured (processes × workers) layouts of a
/// distributed engine, and the scalability law fitted through them when
/// there are enough distinct thread counts. Recorded beside the projection;
/// the projection's node speed-up still comes from the in-process lanes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScaleOutSummary {
    pub engine: String,
    /// `threads` = P·W worker threads, median events/s of its passes.
    pub points: Vec<super::ThreadScaling>,
    pub fit: Option<UslSummary>,
    /// Why nothing was fitted.
    pub fit_error: Option<String>,
}

impl ScaleOutSummary {
    pub fn of(engine: &super::MeasuredEngine, seed: u64) -> ScaleOutSummary {
        let fit = bridge::fit_scaling(&engine.scale_out, seed);
        ScaleOutSummary {
            engine: engine.engine.clone(),
            points: engine.scale_out.clone(),
            fit: fit.as_ref().ok().map(|f| UslSummary {
                lambda_events_per_s: f.lambda_events_per_s,
                sigma: f.sigma,
                kappa: f.kappa,
                r2: f.r2,
                n_peak: f.n_peak,
                amdahl_serial_fraction: f.amdahl_serial_fraction,
                lane_counts: f.lane_counts,
                sigma_range: Some([f.sigma_range.0, f.sigma_range.1]),
            }),
            fit_error: fit.as_ref().err().map(|e| {
                format!(
                    "no scale-out fit through {} measured layout(s): {e}",
                    engine.scale_out.len()
                )
            }),
        }
    }
}

/// One assumption of the review with its value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AssumptionValue {
    pub path: String,
    pub label: String,
    pub unit: String,
    pub value: f64,
    pub plausible: [f64; 2],
    pub justification: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Reproducibility {
    pub schema_version: u32,
    pub tool_version: String,
    pub seed: u64,
    /// The full input review.
    pub review: Review,
    /// Where the measured calibration is recorded in this document: it and
    /// the review are the only inputs of a recomputation.
    pub calibration_recorded_at: String,
    pub projection_config: ProjectionConfig,
    pub sweep_config: SweepConfig,
    /// SHA-256 (hex) of the canonical JSON of everything else.
    pub digest: String,
}

/// Where the scoring rule's winner at the review's volume stops winning:
/// searched upward from the review's volume (tenfold steps, then bisection
/// of the log volume), each volume scored from projections made there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WinnerChange {
    /// The winner at the review's volume.
    pub from_option: String,
    /// The winner from `events` on.
    pub to_option: String,
    /// The first volume at which `to_option` wins (to 10⁻³ relative).
    pub events: f64,
    /// The criterion on which `to_option` gains most there (id).
    pub criterion: Option<String>,
    pub criterion_label: Option<String>,
    /// Both designs projected at `events`.
    pub at: Vec<Projection>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResultDocument {
    pub module: u32,
    pub decision: String,
    pub artifact: String,
    pub alternatives: Vec<CourseAlternative>,
    pub recommendation: Recommendation,
    /// The plain answer to the module question, with its numbers.
    pub answer: String,
    pub profile: DataProfile,
    /// The batch profile's timing view: per-stage time, events/s, share and
    /// the bottleneck with its reason (the calibration applied to the
    /// profiled sample).
    pub timing: Profile,
    pub calibration: Calibration,
    pub scaling: ScalingSummary,
    /// Every alternative at the review's production volume.
    pub projections: Vec<Projection>,
    pub crossover: Crossover,
    /// COST (McSherry et al.) of the distributed design.
    pub cost_metric: CostMetric,
    pub self_check: SelfCheck,
    pub sensitivity: Sensitivity,
    /// Every assumption the projections used, with its value.
    pub assumptions: Vec<AssumptionValue>,
    pub failure_modes: Vec<FailureMode>,
    pub scoring: ScoringResult,
    /// Where the recommendation changes with the volume (`None`: not up to
    /// the search limit).
    pub winner_change: Option<WinnerChange>,
    pub proxy_data_limits: Vec<String>,
    pub evidence_still_needed: Vec<String>,
    /// The memo handed in: the review's `submission.memo` when it is set
    /// (not blank), else the draft written from this document
    /// ([`crate::submission::memo::draft_memo`]).
    pub memo: String,
    pub reproducibility: Reproducibility,
}

/// Settings of one analysis (the tool's documented defaults unless a test
/// or a benchmark changes them); recorded in the document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AnalysisOptions {
    pub projection: ProjectionConfig,
    pub sweep: SweepConfig,
}

impl AnalysisOptions {
    /// The defaults with the sweep widened to cover the review's volume.
    pub fn for_review(review: &Review) -> AnalysisOptions {
        AnalysisOptions {
            sweep: SweepConfig::covering(review.workload.events as f64),
            ..AnalysisOptions::default()
        }
    }

    /// The documented defaults with small samples for the cache simulation
    /// and the failure Monte Carlo, and 8 sweep points: the same code paths
    /// in a fraction of the time. For property tests and fuzzing, where the
    /// defaults take seconds per case in an unoptimised or sanitised build.
    pub fn reduced_samples() -> AnalysisOptions {
        AnalysisOptions {
            projection: ProjectionConfig { failure_runs: 20 },
            sweep: SweepConfig {
                points: 8,
                failure_runs: 10,
                ..SweepConfig::default()
            },
        }
    }
}

/// The analysis' own limits, added to the profiler's proxy-data limits:
/// what the model leaves out, said once.
fn analysis_limits(scaling: &ScalingModel) -> Vec<String> {
    let scaling_line = match &scaling.source {
        ScalingSource::UslFit { r2 } => format!(
            "A node's speed-up is the Universal Scalability Law fitted to the measured lanes \
             (R² {r2:.2}); beyond {:.0} lanes it is an extrapolation.",
            scaling.measured_lanes
        ),
        ScalingSource::AmdahlFit { r2 } => format!(
            "A node's speed-up is Amdahl's law fitted through two measured lane counts (R² \
             {r2:.2}); with two points there is no coherency term and beyond {:.0} lanes it is \
             an extrapolation.",
            scaling.measured_lanes
        ),
        ScalingSource::Unfitted { reason } => format!(
            "A node's speed-up is not measured: assumed σ = {}, no fit because {reason}.",
            scaling.sigma
        ),
        ScalingSource::Design => "A node's speed-up is the law the design states.".to_string(),
    };
    vec![
        scaling_line,
        "Projected terms carry measured per-event costs to the design's hardware by its core \
         speed factor; the target's bandwidths, latencies, failure rates and prices are the \
         design's assumptions, listed in `assumptions` with their plausible ranges and moved \
         over them in `sensitivity`."
            .to_string(),
        "The shuffle repartitions every event (record and payload) by the partition key once; \
         network links are full duplex and uncongested; intra-region transfer is free."
            .to_string(),
        "Failures: independent exponential node failures; any node failure stops the run and \
         every node rolls back to the last checkpoint (or the start); restarts and checkpoints \
         take what the design states or what its state takes to move."
            .to_string(),
        "The cache model is Che's approximation per tier with the warm tier fed by the hot \
         tier's misses; keys belong to datasets and a schema change invalidates only its \
         dataset's entries."
            .to_string(),
    ]
}

/// The assumptions the review's projections use, with their values (not
/// those a measurement in the calibration replaces).
pub fn assumption_values(review: &Review, cost_model: &CostModel) -> Vec<AssumptionValue> {
    let mut out = Vec::new();
    for a in CATALOGUE
        .iter()
        .filter(|a| !cost_model.replaces_assumption(a.path))
    {
        let targets: Vec<Option<usize>> = match a.scope() {
            Scope::Review => vec![None],
            Scope::Design => (0..review.alternatives.len()).map(Some).collect(),
        };
        for alternative in targets {
            if let Some(value) = a.value(review, alternative) {
                let (low, high) = a.range.around(value);
                out.push(AssumptionValue {
                    path: a.path_in(alternative),
                    label: a.label.to_string(),
                    unit: a.unit.to_string(),
                    value,
                    plausible: [low, high],
                    justification: a.justification.to_string(),
                });
            }
        }
    }
    out
}

/// The winner of the scoring rule for projections at the review's volume.
fn winner_of(
    review: &Review,
    facts: &DataFacts,
    projections: &[Projection],
) -> Result<String, AnalysisError> {
    Ok(scoring(review, facts, projections)?.winner)
}

/// The first volume above the review's at which the scoring rule's winner
/// changes (see [`WinnerChange`]).
fn winner_change(
    review: &Review,
    facts: &DataFacts,
    projectors: &[super::projection::Projector],
    runs: u32,
) -> Result<Option<WinnerChange>, AnalysisError> {
    let at = |events: f64| -> Vec<Projection> {
        projectors.iter().map(|p| p.project(events, runs)).collect()
    };
    let winner = |events: f64| scoring_table::winner_only(review, facts, &at(events));
    let start = (review.workload.events as f64).max(1.0);
    let from = winner(start)?;
    let mut lo = start;
    let mut hi = start;
    loop {
        if hi >= MAX_SEARCH_EVENTS {
            return Ok(None);
        }
        hi = (lo * 10.0).min(MAX_SEARCH_EVENTS);
        if winner(hi)? != from {
            break;
        }
        lo = hi;
    }
    // Bisect the log volume to 10⁻³ relative.
    while hi / lo > 1.001 {
        let mid = libm::sqrt(lo * hi);
        if winner(mid)? == from {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let projections = at(hi);
    let to = scoring_table::winner_only(review, facts, &projections)?;
    let leading = scoring_table::leading_criterion(review, facts, &projections, &from, &to)?;
    Ok(Some(WinnerChange {
        from_option: from,
        to_option: to,
        events: hi,
        criterion: leading.as_ref().map(|(id, _)| id.clone()),
        criterion_label: leading.map(|(_, label)| label),
        at: projections,
    }))
}

/// A `distributed` section measures the timely pipeline over one review's
/// sample. Its exchange and coordination are evidence for this review only
/// when the sample is the same data (equal data digests); otherwise the
/// measured bytes and records belong to another workload, and using them
/// would class a foreign number as measured.
fn check_distributed_data(
    calibration: &Calibration,
    profile: &DataProfile,
) -> Result<(), AnalysisError> {
    match &calibration.distributed {
        Some(distributed) if distributed.data_digest != profile.data_digest => {
            Err(AnalysisError::invalid(
                "calibration.distributed.data_digest",
                format!(
                    "measured on another sample (data digest {}…, this review's sample {}…): \
                     run `scalewise cluster` on this review",
                    distributed
                        .data_digest
                        .get(..12)
                        .unwrap_or(&distributed.data_digest),
                    profile
                        .data_digest
                        .get(..12)
                        .unwrap_or(&profile.data_digest),
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// Runs the whole analysis for a review, its data profile and calibration.
pub fn build(
    review: &Review,
    profile: DataProfile,
    calibration: Calibration,
    options: &AnalysisOptions,
) -> Result<ResultDocument, AnalysisError> {
    check_distributed_data(&calibration, &profile)?;
    let cost_model = CostModel::from(&calibration);
    let facts = DataFacts::from(&profile);
    let context = Context::new(review, &cost_model, &facts, options.projection.clone())?;
    let projectors = context.projectors()?;
    let events = review.workload.events as f64;
    let runs = options.projection.failure_runs;
    let projections: Vec<Projection> = projectors.iter().map(|p| p.project(events, runs)).collect();
    let mut crossover = crossover(&CrossoverInput {
        projectors: &projectors,
        config: &options.sweep,
        review_events: events,
        headline_runs: runs,
    })?;
    let (single_i, dist_i) = pick_pair(&projectors)
        .ok_or_else(|| AnalysisError::invalid("alternatives", "need two alternatives"))?;
    let missing = || AnalysisError::invalid("alternatives", "missing alternative");
    let dist = projectors.get(dist_i).ok_or_else(missing)?;
    let single = projectors.get(single_i).ok_or_else(missing)?;
    let volumes = FailureVolumes::new(&crossover, dist, events);
    let failure_modes = failure_modes(&context, &projectors, dist_i, single_i, &volumes, runs)?;
    let mut cost_metric = cost_metric(single, dist, &facts, events);
    cost_metric.measured = cost_model.engine.as_ref().map(MeasuredCost::of);
    let self_check = self_check(&cost_model, &facts, &context.scaling);
    let sensitivity = sensitivity(&context, &projectors, &winner_of)?;
    let winner_change = winner_change(review, &facts, &projectors, runs)?;
    let fit = bridge::fit_scaling(&cost_model.scaling, review.seed);
    let single_thread = 1.0 / cost_model.cost_s_per_event();
    let scaling = ScalingSummary {
        fit: fit.as_ref().ok().map(|f| UslSummary {
            lambda_events_per_s: f.lambda_events_per_s,
            sigma: f.sigma,
            kappa: f.kappa,
            r2: f.r2,
            n_peak: f.n_peak,
            amdahl_serial_fraction: f.amdahl_serial_fraction,
            lane_counts: f.lane_counts,
            sigma_range: Some([f.sigma_range.0, f.sigma_range.1]),
        }),
        fit_error: fit.as_ref().err().map(ToString::to_string),
        used: context.scaling.clone(),
        single_thread_events_per_s: single_thread,
        pool_lanes_beating_one: pool_lanes_beating_one(&cost_model),
        scale_out: cost_model
            .engine
            .as_ref()
            .map(|engine| ScaleOutSummary::of(engine, review.seed)),
        nodes: projectors
            .iter()
            .map(|p| NodeScaling {
                option: p.option.clone(),
                cores_per_node: p.design.cores_per_node,
                speedup: p.parallelism.node_speedup,
                efficiency: p.parallelism.node_efficiency,
                basis: scaling_basis(&p.parallelism.scaling),
                extrapolated: p.parallelism.extrapolated,
            })
            .collect(),
    };
    let spill_effect = crossover
        .single(Criterion::Spill)
        .and_then(|c| c.crossing.at())
        .map(|e| (2.0 * e, single.project(2.0 * e, runs).term("spill")));
    crossover.answer = answer(&crossover, &projections, spill_effect);
    assemble(
        review,
        Evidence {
            profile,
            calibration,
            scaling,
            projections,
            crossover,
            cost_metric,
            self_check,
            sensitivity,
            failure_modes,
            winner_change,
        },
        options,
    )
}

/// The in-process pool's own figure: the fewest measured lanes whose median
/// throughput beats one lane's median.
fn pool_lanes_beating_one(cost: &CostModel) -> Option<f64> {
    let median_at = |threads: f64| {
        let samples: Vec<f64> = cost
            .scaling
            .iter()
            .filter(|p| p.threads == threads)
            .map(|p| p.events_per_s)
            .collect();
        super::Spread::of(&samples).median
    };
    let one = median_at(1.0);
    let mut lanes: Vec<f64> = cost.scaling.iter().map(|p| p.threads).collect();
    lanes.sort_by(f64::total_cmp);
    lanes.dedup();
    lanes
        .into_iter()
        .filter(|&l| l > 1.0)
        .find(|&l| median_at(l) > one)
}

/// Where a node's speed-up comes from, in words.
pub fn scaling_basis(scaling: &ScalingModel) -> String {
    match &scaling.source {
        ScalingSource::UslFit { r2 } => format!(
            "USL fitted to {:.0} measured lane counts (σ = {:.3}, κ = {:.2e}, R² {r2:.2})",
            scaling.measured_lanes, scaling.sigma, scaling.kappa
        ),
        ScalingSource::AmdahlFit { r2 } => format!(
            "Amdahl fitted through 2 measured lane counts (σ = {:.3}, R² {r2:.2})",
            scaling.sigma
        ),
        ScalingSource::Unfitted { reason } => {
            format!("assumed σ = {}, no fit because {reason}", scaling.sigma)
        }
        ScalingSource::Design => format!(
            "stated by the design (σ = {}, κ = {})",
            scaling.sigma, scaling.kappa
        ),
    }
}

/// The parts of a document that depend on the review only through the
/// workload, the alternatives' designs and option names, the SLA and the
/// seed: what a run computes. [`assemble`] adds everything else.
struct Evidence {
    profile: DataProfile,
    calibration: Calibration,
    scaling: ScalingSummary,
    projections: Vec<Projection>,
    crossover: Crossover,
    cost_metric: CostMetric,
    self_check: SelfCheck,
    sensitivity: Sensitivity,
    failure_modes: Vec<FailureMode>,
    winner_change: Option<WinnerChange>,
}

/// Scoring, the course objects, the recommendation, the memo and the digest.
fn assemble(
    review: &Review,
    evidence: Evidence,
    options: &AnalysisOptions,
) -> Result<ResultDocument, AnalysisError> {
    let Evidence {
        profile,
        calibration,
        scaling,
        projections,
        crossover,
        cost_metric,
        self_check,
        sensitivity,
        failure_modes,
        winner_change,
    } = evidence;
    let cost_model = CostModel::from(&calibration);
    let facts = DataFacts::from(&profile);
    let scoring = scoring(review, &facts, &projections)?;
    let alternatives = review
        .alternatives
        .iter()
        .zip(&projections)
        .zip(&scaling.nodes)
        .map(|((a, p), node)| CourseAlternative {
            option: a.option.clone(),
            strength: a.strength.clone(),
            risk: a.risk.clone(),
            evidence: if a.evidence.trim().is_empty() {
                evidence_sentence(p, review.sla.deadline_s, node)
            } else {
                a.evidence.clone()
            },
        })
        .collect();
    let (recommendation, mut evidence_still_needed) = recommend(
        review,
        &projections,
        &crossover,
        &scoring,
        winner_change.as_ref(),
        &cost_model,
        &facts,
    );
    if let Some(edit) = &review.submission.recommendation {
        if !edit.evidence_still_needed.is_empty() {
            evidence_still_needed = edit.evidence_still_needed.clone();
        }
    }
    let mut proxy_data_limits = crate::events::proxy_data_limits();
    proxy_data_limits.extend(analysis_limits(&scaling.used));

    let mut document = ResultDocument {
        module: review.scenario.module,
        decision: review.scenario.decision.clone(),
        artifact: review.scenario.artifact.clone(),
        alternatives,
        recommendation,
        answer: crossover.answer.clone(),
        timing: Profile::new(&profile, &calibration),
        profile,
        calibration,
        scaling,
        projections,
        crossover,
        cost_metric,
        self_check,
        sensitivity,
        assumptions: assumption_values(review, &cost_model),
        failure_modes,
        scoring,
        winner_change,
        proxy_data_limits,
        evidence_still_needed,
        memo: String::new(),
        reproducibility: Reproducibility {
            schema_version: RESULT_SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            seed: review.seed,
            review: review.clone(),
            calibration_recorded_at: "calibration".to_string(),
            projection_config: options.projection.clone(),
            sweep_config: options.sweep.clone(),
            digest: String::new(),
        },
    };
    // The user's memo when there is one; otherwise the draft, written from
    // the document itself (which is complete but for the memo and digest,
    // neither of which the draft reads).
    document.memo = match &review.submission.memo {
        Some(memo) if !memo.trim().is_empty() => memo.clone(),
        _ => crate::submission::memo::draft_memo(&document),
    };
    document.reproducibility.digest = document.digest();
    Ok(document)
}

fn evidence_sentence(p: &Projection, deadline_s: f64, node: &NodeScaling) -> String {
    let dominant = p
        .dominant_term()
        .map(|(t, share)| {
            format!(
                "; its largest term is {} ({} of the expected makespan, {})",
                t.term,
                format::percent(share),
                t.class.name()
            )
        })
        .unwrap_or_default();
    format!(
        "At {} events per run: p95 makespan {} against a {} deadline, {} per run, working set \
         {} node memory, cache hit rate {}{dominant}. Node speed-up: {}.",
        format::volume(p.events),
        format::seconds(p.makespan_p95_s),
        format::seconds(deadline_s),
        format::usd(p.cost_per_run_usd),
        if p.memory_fit.fits {
            "within"
        } else {
            "beyond"
        },
        format::percent(p.cache.overall_hit_rate),
        node.basis,
    )
}

fn recommend(
    review: &Review,
    projections: &[Projection],
    crossover: &Crossover,
    scoring: &ScoringResult,
    change: Option<&WinnerChange>,
    cost_model: &CostModel,
    facts: &DataFacts,
) -> (Recommendation, Vec<String>) {
    let winner = scoring.winner.clone();
    let events = review.workload.events as f64;
    let deadline = review.sla.deadline_s;
    let budget = review.sla.budget_per_run_usd;
    let chosen = projections.iter().find(|p| p.option == winner);
    let other = projections
        .iter()
        .find(|p| p.option != winner)
        .map_or_else(String::new, |p| p.option.clone());
    // The volume the recommendation holds to: for the single node, its
    // binding crossing; for the cluster, its own first limit.
    let expiry = if winner == crossover.single_node_option {
        crossover
            .binding
            .as_ref()
            .map(|b| (b.criterion, b.events, crossover.single_node_option.clone()))
    } else {
        crossover
            .distributed_limit()
            .map(|(c, e)| (c, e, crossover.distributed_option.clone()))
    };
    let mode = review
        .alternatives
        .iter()
        .find(|a| a.option == winner)
        .map(|a| a.design.policy_mode)
        .unwrap_or(crate::review::PolicyMode::DenyOverrides);
    let policy_rate = facts.policy_failure_rate(mode);
    let (p95, hit, mttr) = chosen.map_or((0.0, 0.0, 0.0), |p| {
        (
            p.makespan_p95_s,
            p.cache.overall_hit_rate,
            p.failures.mttr_s,
        )
    });
    let mut evidence = vec![format!(
        "A shadow run of {winner} on one real night of data at the review's volume ({} events) \
         with p95 makespan ≤ {} (projected {} at that volume) and cost ≤ {} per run.",
        format::volume(events),
        format::seconds(deadline),
        format::seconds(p95),
        format::usd(budget),
    )];
    // Both designs as projected at the expiry volume itself.
    let at_expiry = |option: &str| {
        expiry.as_ref().and_then(|(criterion, _, on)| {
            let list = if *on == crossover.single_node_option {
                &crossover.single_node
            } else {
                &crossover.distributed
            };
            list.iter()
                .find(|c| c.criterion == *criterion)
                .and_then(|c| c.at.iter().find(|p| p.option == option))
        })
    };
    if let Some((criterion, at, on)) = &expiry {
        let projected = at_expiry(on).map_or_else(String::new, |p| {
            format!(
                " (projected there: p95 makespan {}, P(miss) {}, {} per run)",
                format::seconds(p.makespan_p95_s),
                format::percent(p.p_miss_deadline),
                format::usd(p.cost_per_run_usd)
            )
        });
        evidence.push(format!(
            "A load test at {} events per run, where the projection says {} ({}){projected}, \
             to confirm where the recommendation expires.",
            format::volume(*at),
            criterion_phrase(*criterion, crossover).replace("its ", &format!("{on}'s ")),
            criterion.name()
        ));
    }
    evidence.push(format!(
        "Per-core throughput and scaling measured on the target node type (this calibration: \
         {}).",
        cost_model.environment
    ));
    evidence.push(format!(
        "Cache hit rate > {} on production keys (projected {}).",
        format::percent(CACHE_HIT_RATE_KPI),
        format::percent(hit)
    ));
    evidence.push(format!(
        "Policy-as-code suite in CI with policy check failures < {} (profiled {}).",
        format::percent(POLICY_FAILURE_RATE_KPI),
        format::percent(policy_rate)
    ));
    evidence.push(format!(
        "A node killed mid-run recovers within {} (projected MTTR at the review's volume).",
        format::seconds(mttr)
    ));
    let (monitoring_metric, rollback_trigger) = match &expiry {
        Some((Criterion::Budget, at, _)) => (
            format!(
                "Events per run against {} (where the {} budget binds: {winner} until then, \
                 {other} beyond), with the cost per run and the p95 makespan against the {} \
                 deadline",
                format::volume(*at),
                format::usd(budget),
                format::seconds(deadline)
            ),
            format!(
                "Switch to {other} when the volume reaches {} events per run or the cost per \
                 run exceeds {} on 2 of 7 consecutive runs.",
                format::volume(*at),
                format::usd(budget)
            ),
        ),
        Some((criterion, at, on)) => (
            format!(
                "Events per run against {} (where {}: {winner} until then, {other} beyond), \
                 with p95 makespan against the {} deadline",
                format::volume(*at),
                criterion_phrase(*criterion, crossover).replace("its ", &format!("{on}'s ")),
                format::seconds(deadline)
            ),
            format!(
                "Switch to {other} when the volume reaches {} events per run, or when the \
                 makespan exceeds {} on 2 of 7 consecutive runs, the cost per run exceeds {}, \
                 the cache hit rate stays below {} for a run, or policy check failures exceed \
                 {}.",
                format::volume(*at * 0.8),
                format::seconds(deadline),
                format::usd(budget),
                format::percent(CACHE_HIT_RATE_KPI),
                format::percent(POLICY_FAILURE_RATE_KPI)
            ),
        ),
        None => (
            format!(
                "p95 makespan against the {} deadline and cost per run against the {} budget",
                format::seconds(deadline),
                format::usd(budget)
            ),
            format!(
                "Roll back to {other} if the makespan exceeds {} on 2 of 7 consecutive runs or \
                 the cost per run exceeds {}.",
                format::seconds(deadline),
                format::usd(budget)
            ),
        ),
    };
    // Where the scoring changes its choice, when that comes first.
    let (monitoring_metric, rollback_trigger) = match change {
        Some(c)
            if c.from_option == winner
                && expiry.as_ref().is_none_or(|(_, at, _)| c.events < *at) =>
        {
            let p95 = |option: &str| {
                c.at.iter()
                    .find(|p| p.option == option)
                    .map_or_else(String::new, |p| format::seconds(p.makespan_p95_s))
            };
            let lead = c
                .criterion_label
                .as_ref()
                .map_or_else(String::new, |l| format!(", mostly on {l}"));
            (
                format!(
                    "Events per run against {} (where the scoring rule starts to prefer {}{lead}; \
                     projected there: p95 makespan {} for {} and {} for {}). {monitoring_metric}",
                    format::volume(c.events),
                    c.to_option,
                    p95(&c.from_option),
                    c.from_option,
                    p95(&c.to_option),
                    c.to_option,
                ),
                format!(
                    "Re-score at {} events per run, where {} overtakes {winner}. \
                     {rollback_trigger}",
                    format::volume(c.events),
                    c.to_option
                ),
            )
        }
        _ => (monitoring_metric, rollback_trigger),
    };
    let generated = Recommendation {
        decision: review.scenario.decision.clone(),
        recommended_option: winner.clone(),
        minimum_evidence_before_pilot: evidence,
        monitoring_metric,
        rollback_trigger,
    };
    let evidence_still_needed = vec![
        "Real event volumes, payload sizes and their growth rate, instead of the synthetic \
         workload's distributions."
            .to_string(),
        "Stage costs and thread scaling measured on the production node type, not the \
         calibration machine."
            .to_string(),
        "The target's network, store and disk bandwidths and latencies, measured: the \
         projection assumes them (see the assumption list and the sensitivity)."
            .to_string(),
        "Production cache keys and schema-change history to confirm hit and stale-read rates."
            .to_string(),
        "Observed node failure rates and restart times of the target platform (MTBF, MTTR)."
            .to_string(),
        "The institution's real access policies and access logs for the policy check failure rate."
            .to_string(),
    ];
    let recommendation = match &review.submission.recommendation {
        Some(edit) => Recommendation {
            decision: review.scenario.decision.clone(),
            recommended_option: edit.recommended_option.clone(),
            minimum_evidence_before_pilot: edit.minimum_evidence_before_pilot.clone(),
            monitoring_metric: edit.monitoring_metric.clone(),
            rollback_trigger: edit.rollback_trigger.clone(),
        },
        None => generated,
    };
    (recommendation, evidence_still_needed)
}

// ------------------------------------------------------------ refresh

/// Why [`refresh`] cannot update a document without a run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RefreshError {
    /// The review changed in fields a run depends on (JSON paths, at most
    /// [`DEFAULT_DIFF_LIMIT`]).
    #[error("a run is needed: changed {}", fields.join(", "))]
    NeedsRun { fields: Vec<String> },
    #[error("{0}")]
    Invalid(crate::review::ValidationErrors),
    #[error("{0}")]
    Analysis(String),
}

/// The review with every field a run does not depend on taken from `from`:
/// the title, the scenario (module, decision, artifact, boundary,
/// stakeholders), the weights, the submission, and each alternative's
/// strength, risk and evidence text. What is left — workload, seed, SLA,
/// the alternatives' option names and designs, their number — is what
/// profiling, projections, the sweep and the failure modes read.
fn run_inputs(review: &Review, from: &Review) -> Review {
    let mut normalised = review.clone();
    normalised.title.clone_from(&from.title);
    normalised.scenario = from.scenario.clone();
    normalised.weights = from.weights.clone();
    normalised.submission = from.submission.clone();
    if normalised.alternatives.len() == from.alternatives.len() {
        for (mine, theirs) in normalised.alternatives.iter_mut().zip(&from.alternatives) {
            mine.strength.clone_from(&theirs.strength);
            mine.risk.clone_from(&theirs.risk);
            mine.evidence.clone_from(&theirs.evidence);
        }
    }
    normalised
}

/// The document [`build`] would produce for `review` with `document`'s
/// calibration, computed without a run: valid only when `review` differs
/// from the recorded one in fields no run depends on (see [`run_inputs`]):
/// weights (rescoring), text, and the submission (recommendation edits,
/// memo, audit trail). Anything else is [`RefreshError::NeedsRun`] with the
/// changed paths.
pub fn refresh(document: &ResultDocument, review: &Review) -> Result<ResultDocument, RefreshError> {
    review.validate().map_err(RefreshError::Invalid)?;
    let recorded = &document.reproducibility.review;
    let ours = serde_json::to_value(run_inputs(review, recorded)).unwrap_or(Value::Null);
    let theirs = serde_json::to_value(recorded).unwrap_or(Value::Null);
    let fields: Vec<String> = json_diff_default(&theirs, &ours)
        .into_iter()
        .map(|d| d.path)
        .collect();
    if !fields.is_empty() || ours.is_null() {
        return Err(RefreshError::NeedsRun { fields });
    }
    let options = AnalysisOptions {
        projection: document.reproducibility.projection_config.clone(),
        sweep: document.reproducibility.sweep_config.clone(),
    };
    // The sensitivity's winners depend on the weights: re-analyse from the
    // recorded profile and calibration (no profiling pass).
    build(
        review,
        document.profile.clone(),
        document.calibration.clone(),
        &options,
    )
    .map_err(|e| RefreshError::Analysis(e.to_string()))
}

// ------------------------------------------------------------ digest

/// Where the document records its own digest (left out of what it digests).
pub const DIGEST_PATH: [&str; 2] = ["reproducibility", "digest"];

/// SHA-256 hex of the canonical JSON ([`crate::digest`]) of `value` without
/// `reproducibility.digest`.
pub fn digest_of(value: &Value) -> String {
    crate::digest::digest_without(value, &DIGEST_PATH)
}

impl ResultDocument {
    /// The headline figures a command-line run prints: the binding
    /// crossing, COST and the self-check error.
    pub fn summary_lines(&self) -> Vec<String> {
        let c = &self.crossover;
        let binding = match &c.binding {
            Some(b) => format!(
                "binding crossing: {} stops being enough at {} events per run ({}){}",
                c.single_node_option,
                format::volume(b.events),
                b.criterion.name(),
                b.events_range
                    .map(|[lo, hi]| {
                        let (lo, hi) = (format::volume(lo), format::volume(hi));
                        if lo == hi {
                            "; the same at both ends of the scaling's plausible range".to_string()
                        } else {
                            format!("; {lo} to {hi} over the scaling's plausible range")
                        }
                    })
                    .unwrap_or_default()
            ),
            None => format!(
                "binding crossing: none — {} meets every limit up to {} events per run",
                c.single_node_option,
                format::volume(crate::analysis::crossover::MAX_SEARCH_EVENTS)
            ),
        };
        let m = &self.cost_metric;
        let cost = match (m.cores, m.nodes) {
            (Some(cores), Some(nodes)) => format!(
                "COST: {} needs {cores} cores ({nodes:.2} nodes) on {}'s node type to match one \
                 thread of it at {} events ({})",
                m.distributed_option,
                m.single_node_option,
                format::volume(m.events),
                format::seconds(m.one_thread_s)
            ),
            _ => format!(
                "COST: {} does not match one thread of {} up to {} nodes",
                m.distributed_option, m.single_node_option, m.searched_up_to_nodes
            ),
        };
        let check = match &self.self_check.full_pass {
            Some(p) => format!(
                "self-check: the full pass of {} events on {} lanes took {}, predicted {} from \
                 {}-event calibration passes: error {:+.1}%",
                format::volume(p.events as f64),
                p.threads,
                format::seconds(p.measured_wall_s),
                format::seconds(p.predicted_wall_s),
                format::volume(p.calibration_events as f64),
                p.error * 100.0
            ),
            None => "self-check: none (a replayed calibration has no full pass)".to_string(),
        };
        vec![binding, cost, check]
    }

    pub fn to_value(&self) -> Value {
        // Plain data with string keys: serialisation cannot fail.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// SHA-256 hex of everything but the digest (see the module docs).
    pub fn digest(&self) -> String {
        digest_of(&self.to_value())
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

// ------------------------------------------------------------ verification

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Verification {
    Reproduced,
    Differs {
        /// JSON path, e.g. `projections[1].cost_per_run_usd`.
        first_field: String,
        recorded: Value,
        recomputed: Value,
    },
}

/// One differing field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldDifference {
    pub path: String,
    /// `None`: the field is missing on that side.
    pub left: Option<Value>,
    pub right: Option<Value>,
}

/// Differences between two JSON values, in sorted-key traversal order
/// (objects by key, arrays by index), at most `limit`.
pub fn json_diff(left: &Value, right: &Value, limit: usize) -> Vec<FieldDifference> {
    let mut out = Vec::new();
    diff_into("", Some(left), Some(right), limit, &mut out);
    out
}

/// [`json_diff`] with [`DEFAULT_DIFF_LIMIT`].
pub fn json_diff_default(left: &Value, right: &Value) -> Vec<FieldDifference> {
    json_diff(left, right, DEFAULT_DIFF_LIMIT)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn diff_into(
    path: &str,
    left: Option<&Value>,
    right: Option<&Value>,
    limit: usize,
    out: &mut Vec<FieldDifference>,
) {
    if out.len() >= limit {
        return;
    }
    match (left, right) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                diff_into(&join(path, key), a.get(key), b.get(key), limit, out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for i in 0..a.len().max(b.len()) {
                diff_into(&format!("{path}[{i}]"), a.get(i), b.get(i), limit, out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(FieldDifference {
            path: path.to_string(),
            left: a.cloned(),
            right: b.cloned(),
        }),
    }
}

/// Recomputes `document` from its recorded review and calibration and
/// compares. `recompute` is the full run (the session replaying the
/// calibration, then [`build`]); it is a parameter so this module does not
/// depend on the session.
pub fn verify<E>(
    document: &ResultDocument,
    recompute: impl Fn(&Review, &Calibration) -> Result<ResultDocument, E>,
) -> Result<Verification, E> {
    let recomputed = recompute(&document.reproducibility.review, &document.calibration)?;
    Ok(compare(&document.to_value(), &recomputed.to_value()))
}

/// Compares a recorded document (as JSON) with a recomputed one.
pub fn compare(recorded: &Value, recomputed: &Value) -> Verification {
    let recorded_digest = recorded
        .pointer("/reproducibility/digest")
        .cloned()
        .unwrap_or(Value::Null);
    let recomputed_digest = recomputed
        .pointer("/reproducibility/digest")
        .cloned()
        .unwrap_or(Value::Null);
    let self_consistent = recorded_digest == Value::String(digest_of(recorded));
    if self_consistent && recorded_digest == recomputed_digest {
        return Verification::Reproduced;
    }
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(r) = v.get_mut("reproducibility").and_then(Value::as_object_mut) {
            r.remove("digest");
        }
        v
    };
    match json_diff(&strip(recorded), &strip(recomputed), 1)
        .into_iter()
        .next()
    {
        Some(d) => Verification::Differs {
            first_field: d.path,
            recorded: d.left.unwrap_or(Value::Null),
            recomputed: d.right.unwrap_or(Value::Null),
        },
        None => Verification::Differs {
            first_field: "reproducibility.digest".to_string(),
            recorded: recorded_digest,
            recomputed: recomputed_digest,
        },
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analysis_limits::MIN_SWEEP_POINTS;
    use std::sync::OnceLock;

    /// A hand-made calibration (native-release order of magnitude).
    pub fn calibration() -> Calibration {
        use crate::profiler::Stage;
        let per_stage = [0.3e-6, 0.2e-6, 0.1e-6, 0.2e-6, 0.3e-6, 0.1e-6, 0.1e-6];
        let total: f64 = per_stage.iter().sum();
        let stages = Stage::ALL.iter().copied().filter(|s| !s.per_byte());
        let scaling: Vec<(u32, f64)> = [1u32, 2, 3, 4]
            .iter()
            .map(|&n| {
                let x = f64::from(n);
                (
                    n,
                    x / total / (1.0 + 0.04 * (x - 1.0) + 0.001 * x * (x - 1.0)),
                )
            })
            .collect();
        Calibration::from_costs(
            "test fixture",
            100_000,
            &stages.zip(per_stage).collect(),
            0.2e-9,
            &scaling,
        )
    }

    pub fn small_review() -> Review {
        let mut review = Review::example();
        review.workload.events = 20_000;
        review.workload.sample_events = 20_000;
        review
    }

    pub fn options() -> AnalysisOptions {
        AnalysisOptions {
            projection: ProjectionConfig { failure_runs: 200 },
            sweep: SweepConfig {
                points: MIN_SWEEP_POINTS + 5,
                failure_runs: 50,
                ..SweepConfig::default()
            },
        }
    }

    pub fn recompute(review: &Review, calibration: &Calibration) -> Result<ResultDocument, String> {
        let output = crate::session::profile_with(review.clone(), calibration.clone())
            .map_err(|e| e.to_string())?;
        build(review, output.data_profile, output.calibration, &options())
            .map_err(|e| e.to_string())
    }

    pub fn document() -> &'static ResultDocument {
        static DOCUMENT: OnceLock<ResultDocument> = OnceLock::new();
        DOCUMENT.get_or_init(|| recompute(&small_review(), &calibration()).unwrap())
    }

    #[test]
    fn top_level_keys_are_the_course_workspace_then_the_evidence() {
        // Pretty: a top-level key is the only one indented by two spaces.
        let text = serde_json::to_string_pretty(document()).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        let object = value.as_object().unwrap();
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        let expected = [
            "module",
            "decision",
            "artifact",
            "alternatives",
            "recommendation",
            "answer",
            "profile",
            "timing",
            "calibration",
            "scaling",
            "projections",
            "crossover",
            "cost_metric",
            "self_check",
            "sensitivity",
            "assumptions",
            "failure_modes",
            "scoring",
            "winner_change",
            "proxy_data_limits",
            "evidence_still_needed",
            "memo",
            "reproducibility",
        ];
        // Serialised order is the struct's (the text), whatever the map does.
        let positions: Vec<usize> = expected
            .iter()
            .map(|k| text.find(&format!("\n  \"{k}\":")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
        keys.sort();
        let mut sorted = expected.to_vec();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert!(value["module"].is_u64());
        assert!(value["decision"].is_string());
        assert!(value["artifact"].is_string());
        for alternative in value["alternatives"].as_array().unwrap() {
            let mut k: Vec<&String> = alternative.as_object().unwrap().keys().collect();
            k.sort();
            assert_eq!(k, ["evidence", "option", "risk", "strength"]);
            assert!(alternative
                .as_object()
                .unwrap()
                .values()
                .all(Value::is_string));
        }
        let rec = value["recommendation"].as_object().unwrap();
        let mut k: Vec<&String> = rec.keys().collect();
        k.sort();
        assert_eq!(
            k,
            [
                "decision",
                "minimum_evidence_before_pilot",
                "monitoring_metric",
                "recommended_option",
                "rollback_trigger"
            ]
        );
        assert!(rec["minimum_evidence_before_pilot"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_string));
        assert!(!rec["recommended_option"].as_str().unwrap().is_empty());
        assert_eq!(rec["decision"], value["decision"]);
        assert!(value["proxy_data_limits"].as_array().unwrap().len() >= 3);
        assert!(value["evidence_still_needed"].is_array());
        assert!(value["reproducibility"]["digest"].as_str().unwrap().len() == 64);
    }

    /// The example at `events` per run, a 20 000-event sample of it.
    fn example_at(events: u64) -> ResultDocument {
        let mut review = Review::example();
        review.workload.events = events;
        review.workload.sample_events = 20_000;
        recompute(&review, &calibration()).unwrap()
    }

    #[test]
    fn the_recommendation_names_the_option_and_where_it_changes() {
        let doc = example_at(2_000_000);
        let rec = &doc.recommendation;
        assert_eq!(rec.recommended_option, "single_node_baseline");
        let binding = doc.crossover.binding.as_ref().unwrap();
        // The volume it changes at, the binding criterion and the options.
        let at = format::volume(binding.events);
        let phrase = criterion_phrase(binding.criterion, &doc.crossover)
            .replace("its ", "single_node_baseline's ");
        let change = doc.winner_change.as_ref().unwrap();
        assert_eq!(change.from_option, "single_node_baseline");
        assert_eq!(change.to_option, "partitioned_cached_cluster");
        assert!(change.events > 2e6 && change.events <= binding.events);
        assert!(rec
            .monitoring_metric
            .contains(&format::volume(change.events)));
        let text = &rec.monitoring_metric;
        assert!(text.contains(&at), "{text}");
        assert!(text.contains(&phrase), "{text}");
        assert!(
            text.contains("single_node_baseline until then, partitioned_cached_cluster beyond"),
            "{text}"
        );
        // The numbers each item quotes are the projections at its volume.
        let here = &doc.projections[0];
        let shadow = &rec.minimum_evidence_before_pilot[0];
        assert!(shadow.contains(&format::volume(2e6)), "{shadow}");
        assert!(
            shadow.contains(&format::seconds(here.makespan_p95_s)),
            "{shadow}"
        );
        let there = doc
            .crossover
            .binding_crossing()
            .unwrap()
            .at
            .iter()
            .find(|p| p.option == "single_node_baseline")
            .unwrap();
        assert_eq!(there.events, binding.events);
        let load = &rec.minimum_evidence_before_pilot[1];
        assert!(load.contains(&at), "{load}");
        assert!(
            load.contains(&format::seconds(there.makespan_p95_s)),
            "{load}"
        );
        assert!(rec
            .rollback_trigger
            .contains(&format::volume(0.8 * binding.events)));
    }

    #[test]
    fn past_the_binding_crossing_the_cluster_is_recommended() {
        let binding = example_at(2_000_000).crossover.binding.unwrap();
        let past = example_at(libm::ceil(binding.events * 1.2) as u64);
        assert_eq!(
            past.recommendation.recommended_option,
            "partitioned_cached_cluster"
        );
        assert!(!past.projections[0].meets_deadline || !past.projections[0].within_tolerance);
        assert_eq!(past.scoring.feasibility[0].misses, ["deadline"]);
    }

    #[test]
    fn document_round_trips_and_its_digest_is_stable() {
        let doc = document();
        assert_eq!(doc.digest(), doc.reproducibility.digest);
        let parsed: ResultDocument = serde_json::from_str(&doc.to_json_pretty()).unwrap();
        assert_eq!(&parsed, doc);
        assert_eq!(parsed.digest(), doc.reproducibility.digest);
    }

    #[test]
    fn digest_changes_with_any_number_and_only_then() {
        let value = document().to_value();
        let base = digest_of(&value);
        // Same content, keys inserted in another order: same digest.
        let mut reordered = serde_json::Map::new();
        let object = value.as_object().unwrap();
        for key in object.keys().rev() {
            reordered.insert(key.clone(), object[key].clone());
        }
        assert_eq!(digest_of(&Value::Object(reordered)), base);
        // Changing the digest field itself does not change the digest.
        let mut v = value.clone();
        v["reproducibility"]["digest"] = Value::String("x".into());
        assert_eq!(digest_of(&v), base);
        // Any number, anywhere.
        for pointer in [
            "/projections/1/cost_per_run_usd",
            "/crossover/sweep/0/points/2/makespan_p50_s",
            "/scoring/totals/0/value",
            "/reproducibility/seed",
            "/calibration/scaling/0/passes/0/events_per_s",
        ] {
            let mut v = value.clone();
            let n = v
                .pointer_mut(pointer)
                .unwrap_or_else(|| panic!("{pointer}"));
            let old = n.as_f64().unwrap();
            *n = serde_json::json!(old * 1.000_000_1 + 1e-300);
            assert_ne!(digest_of(&v), base, "{pointer}");
        }
    }

    #[test]
    fn verify_reports_the_edited_field() {
        let doc = document();
        assert_eq!(verify(doc, recompute), Ok(Verification::Reproduced));
        let mut edited = doc.clone();
        edited.projections[1].cost_per_run_usd += 1.0;
        edited.reproducibility.digest = edited.digest();
        let Ok(Verification::Differs {
            first_field,
            recorded,
            recomputed,
        }) = verify(&edited, recompute)
        else {
            panic!("edited document verified");
        };
        assert_eq!(first_field, "projections[1].cost_per_run_usd");
        assert_eq!(
            recorded.as_f64().unwrap(),
            recomputed.as_f64().unwrap() + 1.0
        );
        // Only the digest tampered with.
        let mut tampered = doc.clone();
        tampered.reproducibility.digest = "0".repeat(64);
        assert!(matches!(
            verify(&tampered, recompute),
            Ok(Verification::Differs { first_field, .. }) if first_field == "reproducibility.digest"
        ));
    }

    /// Every numeric leaf of `value` (outside `skip`), with its path in
    /// [`json_diff`]'s notation.
    fn numeric_leaves(value: &Value, path: String, out: &mut Vec<String>) {
        match value {
            Value::Number(_) => out.push(path),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    numeric_leaves(item, format!("{path}[{i}]"), out);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    let child = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    numeric_leaves(item, child, out);
                }
            }
            _ => {}
        }
    }

    fn pointer_of(path: &str) -> String {
        let mut pointer = String::new();
        for part in path.split('.') {
            let (key, indices) = part
                .split_once('[')
                .map_or((part, ""), |(k, rest)| (k, rest));
            pointer.push('/');
            pointer.push_str(key);
            for index in indices.split('[').filter(|s| !s.is_empty()) {
                pointer.push('/');
                pointer.push_str(index.trim_end_matches(']'));
            }
        }
        pointer
    }

    #[test]
    fn verify_catches_an_edit_of_any_number_and_names_it() {
        // Outputs: every number in the document except the inputs recorded
        // under `reproducibility` (those change what is recomputed; the
        // session tests cover them).
        let recomputed = document().to_value();
        let mut paths = Vec::new();
        numeric_leaves(&recomputed, String::new(), &mut paths);
        paths.retain(|p| !p.starts_with("reproducibility"));
        assert!(paths.len() > 500, "only {} numbers?", paths.len());
        // Every section, evenly sampled (every number takes a minute in debug).
        let stride = (paths.len() / 250).max(1);
        let sample: Vec<&String> = paths.iter().step_by(stride).chain(paths.last()).collect();
        for section in [
            "profile",
            "timing",
            "calibration",
            "scaling",
            "projections",
            "crossover",
            "failure_modes",
            "scoring",
        ] {
            assert!(
                sample.iter().any(|p| p.starts_with(section)),
                "{section} not sampled"
            );
        }
        for path in sample {
            let mut edited = recomputed.clone();
            let leaf = edited.pointer_mut(&pointer_of(path)).unwrap();
            *leaf = match leaf.as_u64() {
                Some(n) => serde_json::json!(n.wrapping_add(1)),
                None => serde_json::json!(leaf.as_f64().unwrap() * 1.000_001 + 1e-9),
            };
            match compare(&edited, &recomputed) {
                Verification::Differs { first_field, .. } => assert_eq!(&first_field, path),
                Verification::Reproduced => panic!("an edit of {path} verified"),
            }
        }
        assert_eq!(compare(&recomputed, &recomputed), Verification::Reproduced);
    }

    #[test]
    fn json_diff_lists_paths_sorted_and_limited() {
        let a = serde_json::json!({"b": [1, 2, {"x": 1}], "a": 1, "c": "s"});
        let b = serde_json::json!({"b": [1, 3, {"x": 2}, 4], "a": 1, "d": true});
        let paths: Vec<String> = json_diff(&a, &b, 10).into_iter().map(|d| d.path).collect();
        assert_eq!(paths, ["b[1]", "b[2].x", "b[3]", "c", "d"]);
        assert_eq!(json_diff(&a, &b, 2).len(), 2);
        assert!(json_diff(&a, &a, 10).is_empty());
    }

    #[test]
    fn serde_json_maps_are_sorted_in_this_build() {
        // The canonical writer sorts anyway; this flags `preserve_order`
        // sneaking in through feature unification, which would change
        // exports' key order in `serde_json::Value` round trips.
        let v: Value = serde_json::from_str(r#"{"b":1,"a":2}"#).unwrap();
        assert_eq!(v.to_string(), r#"{"a":2,"b":1}"#);
        assert_eq!(crate::digest::canonical_json(&v), r#"{"a":2,"b":1}"#);
    }

    #[test]
    fn submission_overrides_the_generated_recommendation() {
        let mut review = small_review();
        review.submission.recommendation = Some(crate::review::RecommendationEdit {
            recommended_option: "single_node_baseline".to_string(),
            minimum_evidence_before_pilot: vec!["mine".to_string()],
            monitoring_metric: "m".to_string(),
            rollback_trigger: "r".to_string(),
            evidence_still_needed: vec!["e".to_string()],
        });
        let doc = recompute(&review, &calibration()).unwrap();
        assert_eq!(
            doc.recommendation.recommended_option,
            "single_node_baseline"
        );
        assert_eq!(doc.recommendation.minimum_evidence_before_pilot, ["mine"]);
        assert_eq!(doc.evidence_still_needed, ["e"]);
    }

    #[test]
    fn refresh_equals_a_full_recompute_for_weights_text_and_submission() {
        // As the page holds it: parsed back from JSON.
        let doc: ResultDocument = serde_json::from_str(&document().to_json_pretty()).unwrap();
        let base = small_review();
        let mut cases = Vec::new();
        for (i, weights) in [
            [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
            [0.1, 0.9, 0.3, 0.0, 0.2, 2.0],
            [5.0, 5.0, 5.0, 5.0, 5.0, 5.0],
        ]
        .into_iter()
        .enumerate()
        {
            let mut review = base.clone();
            let w = &mut review.weights;
            [
                w.deadline,
                w.cost,
                w.resilience,
                w.data_quality_lineage,
                w.access_risk,
                w.operational_complexity,
            ] = weights;
            if i % 2 == 1 {
                review.title = format!("Edited title {i}");
                review.scenario.boundary = "Another boundary.".to_string();
                review.alternatives[0].risk = "A new risk.".to_string();
                review.alternatives[1].evidence = String::new();
                review.submission.memo = Some("# My memo\n\n## Context\n\nMine.".to_string());
                review.submission.recommendation = Some(crate::review::RecommendationEdit {
                    recommended_option: "single_node_baseline".to_string(),
                    minimum_evidence_before_pilot: vec!["one".to_string()],
                    monitoring_metric: "m".to_string(),
                    rollback_trigger: "r".to_string(),
                    evidence_still_needed: vec![],
                });
                crate::submission::append_entry(
                    &mut review.submission.audit,
                    "2026-11-22T01:00:00Z",
                    "weights changed",
                    vec!["weights".to_string()],
                );
            }
            cases.push(review);
        }
        for review in cases {
            let refreshed = refresh(&doc, &review).unwrap();
            let recomputed = recompute(&review, &calibration()).unwrap();
            assert_eq!(
                crate::digest::canonical_json(&refreshed.to_value()),
                crate::digest::canonical_json(&recomputed.to_value())
            );
            assert_eq!(
                refreshed.reproducibility.digest,
                recomputed.reproducibility.digest
            );
        }
    }

    #[test]
    fn refresh_refuses_changes_that_need_a_run() {
        let doc = document();
        let mut review = small_review();
        review.workload.events += 1;
        review.alternatives[1].design.nodes = 4;
        review.weights.cost = 0.5;
        let Err(RefreshError::NeedsRun { fields }) = refresh(doc, &review) else {
            panic!("refreshed a changed workload");
        };
        assert_eq!(fields, ["alternatives[1].design.nodes", "workload.events"]);
        let mut review = small_review();
        review.seed += 1;
        let error = refresh(doc, &review).unwrap_err();
        assert!(error.to_string().contains("seed"), "{error}");
        let mut review = small_review();
        review.alternatives[0].option = "renamed".to_string();
        assert!(matches!(
            refresh(doc, &review),
            Err(RefreshError::NeedsRun { .. })
        ));
        let mut review = small_review();
        review.weights.cost = -1.0;
        assert!(matches!(
            refresh(doc, &review),
            Err(RefreshError::Invalid(_))
        ));
    }

    #[test]
    fn the_memo_is_the_users_or_the_draft() {
        let doc = document();
        assert_eq!(doc.memo, crate::submission::draft_memo(doc));
        let mut review = small_review();
        review.submission.memo = Some("Mine.".to_string());
        assert_eq!(refresh(doc, &review).unwrap().memo, "Mine.");
        review.submission.memo = Some("  ".to_string());
        assert_eq!(refresh(doc, &review).unwrap().memo, doc.memo);
    }
}
