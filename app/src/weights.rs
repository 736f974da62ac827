//! The Scoring step's weight sliders: the six criterion weights shown as
//! shares that always sum to 100 %. Pure, tested natively.
//!
//! **The rule.** Shares are held in tenths of a percent (‰, integers, so the
//! six sum to exactly 1000 and print to exactly 100.0 %). Setting one
//! criterion to `p` ‰ gives the other five the remaining `1000 − p` in
//! proportion to their current shares (all zero: equally), rounded by the
//! largest-remainder method (ties to the earlier criterion). The review
//! stores the shares as fractions (`p / 1000`); the core normalises weights
//! by their sum anyway, so only the proportions matter.

use scalewise_core::review::Weights;

/// The criteria in [`Weights::named`] order: JSON name and display name.
pub const CRITERIA: [(&str, &str); 6] = [
    ("deadline", "Deadline"),
    ("cost", "Cost"),
    ("resilience", "Resilience"),
    ("data_quality_lineage", "Data quality & lineage"),
    ("access_risk", "Access risk"),
    ("operational_complexity", "Operational complexity"),
];

/// The display name of a criterion id (the id itself if unknown).
pub fn criterion_name(id: &str) -> &str {
    CRITERIA
        .iter()
        .find(|(key, _)| *key == id)
        .map_or(id, |(_, name)| name)
}

/// Tenths of a percent in a whole.
pub const WHOLE: u32 = 1000;

/// The review's weights as shares in ‰ summing to exactly [`WHOLE`]
/// (criterion order of [`Weights::named`]). All zero (invalid) reads as
/// equal shares.
pub fn shares(weights: &Weights) -> [u32; 6] {
    let values = weights
        .named()
        .map(|(_, w)| if w.is_finite() { w.max(0.0) } else { 0.0 });
    let mut out = [0; 6];
    for (slot, part) in out.iter_mut().zip(apportion(&values, WHOLE)) {
        *slot = part;
    }
    out
}

/// Shares after setting criterion `index` to `share` ‰ (clamped to
/// `0..=1000`); the others rescale proportionally (see the module docs).
pub fn set_share(current: [u32; 6], index: usize, share: u32) -> [u32; 6] {
    let share = share.min(WHOLE);
    let others: Vec<f64> = current
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .map(|(_, s)| f64::from(*s))
        .collect();
    let rest = apportion(&others, WHOLE - share);
    let mut out = [0; 6];
    let mut rest = rest.into_iter();
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = if i == index {
            share
        } else {
            rest.next().unwrap_or(0)
        };
    }
    out
}

/// The shares as the review's weights (fractions summing to 1).
pub fn to_weights(shares: [u32; 6]) -> Weights {
    let f = |i: usize| f64::from(shares.get(i).copied().unwrap_or(0)) / f64::from(WHOLE);
    Weights {
        deadline: f(0),
        cost: f(1),
        resilience: f(2),
        data_quality_lineage: f(3),
        access_risk: f(4),
        operational_complexity: f(5),
    }
}

/// A share in ‰ as the core writes a percentage: "25.0 %".
pub fn show(share: u32) -> String {
    crate::format::percent(f64::from(share) / f64::from(WHOLE))
}

/// Splits `total` into integers proportional to `values` (all zero: equal
/// parts), largest remainder first, ties to the earlier index.
fn apportion(values: &[f64], total: u32) -> Vec<u32> {
    if values.is_empty() {
        return Vec::new();
    }
    let sum: f64 = values.iter().sum();
    let exact: Vec<f64> = if sum > 0.0 {
        values.iter().map(|v| v * f64::from(total) / sum).collect()
    } else {
        vec![f64::from(total) / values.len() as f64; values.len()]
    };
    let mut parts: Vec<u32> = exact.iter().map(|x| libm::floor(*x) as u32).collect();
    let assigned: u32 = parts.iter().sum();
    let mut order: Vec<usize> = (0..values.len()).collect();
    // Largest remainder first; the sort is stable, so ties keep index order.
    order.sort_by(|&a, &b| {
        let remainder = |i: usize| {
            let x = exact.get(i).copied().unwrap_or(0.0);
            x - libm::floor(x)
        };
        remainder(b).total_cmp(&remainder(a))
    });
    for &i in order
        .iter()
        .cycle()
        .take(total.saturating_sub(assigned) as usize)
    {
        if let Some(part) = parts.get_mut(i) {
            *part += 1;
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalewise_core::review::Review;

    #[test]
    fn the_example_reads_as_its_percentages() {
        let shares = shares(&Review::example().weights);
        assert_eq!(shares, [250, 200, 150, 150, 150, 100]);
        assert_eq!(show(shares[0]), "25.0 %");
        assert_eq!(to_weights(shares), Review::example().weights);
    }

    #[test]
    fn any_scale_reads_as_shares_summing_to_a_whole() {
        let mut weights = Review::example().weights;
        weights.deadline = 3.0;
        weights.cost = 1.0;
        weights.resilience = 1.0;
        weights.data_quality_lineage = 1.0;
        weights.access_risk = 0.0;
        weights.operational_complexity = 0.0;
        let s = shares(&weights);
        assert_eq!(s.iter().sum::<u32>(), WHOLE);
        assert_eq!(s, [500, 167, 167, 166, 0, 0]);
    }

    #[test]
    fn moving_one_rescales_the_others_proportionally() {
        let start = [250, 200, 150, 150, 150, 100];
        let moved = set_share(start, 0, 500);
        assert_eq!(moved.iter().sum::<u32>(), WHOLE);
        assert_eq!(moved[0], 500);
        // The others keep their proportions: 200:150:150:150:100 of 500.
        assert_eq!(moved, [500, 133, 100, 100, 100, 67]);
        // All the way up leaves nothing; back down shares equally.
        let all = set_share(start, 2, 1000);
        assert_eq!(all, [0, 0, 1000, 0, 0, 0]);
        let back = set_share(all, 2, 500);
        assert_eq!(back, [100, 100, 500, 100, 100, 100]);
        // Out of range clamps.
        assert_eq!(set_share(start, 1, 5000)[1], WHOLE);
    }

    #[test]
    fn every_move_sums_to_a_whole() {
        let mut shares = [250, 200, 150, 150, 150, 100];
        for step in 0..200u32 {
            let index = (step % 6) as usize;
            shares = set_share(shares, index, (step * 37) % 1001);
            assert_eq!(shares.iter().sum::<u32>(), WHOLE, "{shares:?}");
            assert_eq!(shares[index], (step * 37) % 1001);
        }
    }
}
