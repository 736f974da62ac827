//! The model's self-check: predict a measurement the calibration did not use.
//!
//! * **Full pass.** The stage costs are measured on calibration passes over
//!   part of the sample; with the scalability fit they predict the wall time
//!   of the full-sample pass at the most lanes, which is measured separately:
//!   `predicted = events × (generation + Σ stages as run) / S(T)`. The error
//!   `predicted / measured − 1` says how well per-event costs measured on a
//!   part carry to a larger volume and to T lanes — the two extrapolations
//!   every projection makes.
//! * **Working set.** The state fit over all but the largest measured
//!   density predicts the peak entries at the largest.
//!
//! Both are reported in the result, the Run and Profile steps, the CLI
//! summary and the memo's method.

use serde::{Deserialize, Serialize};

use super::projection::ScalingModel;
use super::{CostModel, DataFacts, StatePoint};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PassCheck {
    pub events: u64,
    pub threads: u32,
    pub calibration_events: u64,
    pub predicted_wall_s: f64,
    pub measured_wall_s: f64,
    /// `predicted / measured − 1`.
    pub error: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StateCheck {
    /// The density predicted (events of the batch).
    pub events: f64,
    /// The fit used the densities below it.
    pub fitted_on: Vec<f64>,
    pub predicted_entries: f64,
    pub measured_entries: f64,
    pub error: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SelfCheck {
    /// `None` when the run replayed a calibration without a full pass.
    pub full_pass: Option<PassCheck>,
    /// `None` when fewer than three densities were measured.
    pub working_set: Option<StateCheck>,
}

impl SelfCheck {
    /// The larger of the two errors, for one-line summaries.
    pub fn worst_error(&self) -> Option<f64> {
        [
            self.full_pass.as_ref().map(|c| c.error),
            self.working_set.as_ref().map(|c| c.error),
        ]
        .into_iter()
        .flatten()
        .max_by(|a, b| a.abs().total_cmp(&b.abs()))
    }
}

pub fn self_check(cost: &CostModel, facts: &DataFacts, scaling: &ScalingModel) -> SelfCheck {
    let full_pass = cost.full_pass.filter(|p| p.wall_s > 0.0).map(|pass| {
        let per_event = cost.generation_s_per_event.median
            + cost.cost_s_per_event()
            + cost.payload_cost_s_per_byte.median * cost.payload_bytes_per_pass_event;
        let speedup = scaling.node_speedup(pass.threads.max(1));
        let predicted_wall_s = pass.events as f64 * per_event / speedup;
        PassCheck {
            events: pass.events,
            threads: pass.threads,
            calibration_events: cost.calibration_events,
            predicted_wall_s,
            measured_wall_s: pass.wall_s,
            error: predicted_wall_s / pass.wall_s - 1.0,
        }
    });
    SelfCheck {
        full_pass,
        working_set: state_check(&facts.state.points),
    }
}

/// Least-squares line through all points but the last, evaluated at the last.
fn state_check(points: &[StatePoint]) -> Option<StateCheck> {
    let (last, fit) = points.split_last()?;
    if fit.len() < 2 {
        return None;
    }
    let n = fit.len() as f64;
    let mean_x = fit.iter().map(|p| p.events).sum::<f64>() / n;
    let mean_y = fit.iter().map(|p| p.entries).sum::<f64>() / n;
    let sxx: f64 = fit
        .iter()
        .map(|p| (p.events - mean_x) * (p.events - mean_x))
        .sum();
    let sxy: f64 = fit
        .iter()
        .map(|p| (p.events - mean_x) * (p.entries - mean_y))
        .sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let predicted = mean_y + slope * (last.events - mean_x);
    let error = if last.entries > 0.0 {
        predicted / last.entries - 1.0
    } else if predicted == 0.0 {
        0.0
    } else {
        f64::INFINITY
    };
    Some(StateCheck {
        events: last.events,
        fitted_on: fit.iter().map(|p| p.events).collect(),
        predicted_entries: predicted,
        measured_entries: last.entries,
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linear_state_is_predicted_exactly() {
        let points: Vec<StatePoint> = [5e5, 1e6, 2e6]
            .iter()
            .map(|&e| StatePoint {
                events: e,
                entries: 100.0 + e / 24.0,
            })
            .collect();
        let check = state_check(&points).unwrap();
        assert!(check.error.abs() < 1e-12, "{check:?}");
        assert_eq!(check.fitted_on, [5e5, 1e6]);
    }

    #[test]
    fn a_saturating_state_shows_as_an_error() {
        // Grows, then stops growing: a line through the first two points
        // over-predicts the third.
        let points = [(5e5, 1_000.0), (1e6, 2_000.0), (2e6, 2_100.0)]
            .map(|(events, entries)| StatePoint { events, entries });
        let check = state_check(&points).unwrap();
        assert!(check.error > 0.8, "{check:?}");
        assert!(state_check(&points[1..]).is_none());
    }
}
