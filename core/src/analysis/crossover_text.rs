//! The plain answer to the module question, written from the crossover.
//!
//! Every number in it comes from a projection at the volume it names: the
//! review's own volume, or a crossing (whose projections the crossover
//! carries).

use super::crossover::{Criterion, Crossover};
use super::projection::Projection;

/// `3.2 × 10⁸`: two significant digits and a superscript exponent.
pub fn format_volume(value: f64) -> String {
    if !(value.is_finite() && value > 0.0) {
        return format!("{value}");
    }
    let exponent = libm::floor(libm::log10(value)) as i32;
    let mantissa = value / libm::pow(10.0, f64::from(exponent));
    // Rounding can give 10.0: carry into the exponent.
    let (mantissa, exponent) = if libm::round(mantissa * 10.0) >= 100.0 {
        (1.0, exponent + 1)
    } else {
        (mantissa, exponent)
    };
    const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut power = String::new();
    if exponent < 0 {
        power.push('⁻');
    }
    for digit in exponent.unsigned_abs().to_string().chars() {
        let d = digit.to_digit(10).unwrap_or(0) as usize;
        power.push(SUPERSCRIPTS.get(d).copied().unwrap_or('?'));
    }
    format!("{mantissa:.1} × 10{power}")
}

/// `2 h`, `90 min`, `45 s`, `0.8 s`.
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "never".to_string();
    }
    if seconds >= 3_600.0 {
        let h = seconds / 3_600.0;
        if (h - libm::round(h)).abs() < 1e-9 {
            format!("{h:.0} h")
        } else {
            format!("{h:.1} h")
        }
    } else if seconds >= 60.0 {
        format!("{:.0} min", seconds / 60.0)
    } else if seconds >= 10.0 {
        format!("{seconds:.0} s")
    } else {
        format!("{seconds:.1} s")
    }
}

fn usd(value: f64) -> String {
    if value != 0.0 && value.abs() < 0.01 {
        format!("${value:.4}")
    } else {
        format!("${value:.2}")
    }
}

/// What a criterion's crossing means, for a sentence.
pub fn criterion_phrase(criterion: Criterion, c: &Crossover) -> String {
    match criterion {
        Criterion::DeadlineP95 => format!(
            "its p95 makespan exceeds the {} deadline",
            format_duration(c.deadline_s)
        ),
        Criterion::DeadlineTolerance => format!(
            "its chance of missing the {} deadline exceeds the SLA's {:.0}%",
            format_duration(c.deadline_s),
            c.miss_tolerance * 100.0
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_volume(3.2e8), "3.2 × 10⁸");
        assert_eq!(format_volume(9.99e4), "1.0 × 10⁵");
        assert_eq!(format_volume(1e10), "1.0 × 10¹⁰");
        assert_eq!(format_duration(7_200.0), "2 h");
        assert_eq!(format_duration(5_400.0), "1.5 h");
        assert_eq!(format_duration(900.0), "15 min");
        assert_eq!(format_duration(0.84), "0.8 s");
    }
}
