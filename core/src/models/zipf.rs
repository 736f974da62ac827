//! Zipf(n, α) popularity over ranks `0..n`: rank `k` has probability
//! `p_k = (k + 1)^(−α) / H(n, α)` with `H(n, α) = Σ_{j=1..n} j^(−α)`.
//!
//! `α = 0` is the uniform distribution; `α = 1` is classic Zipf (handled
//! exactly, no special-casing needed: the formulas below use `log1p`/`expm1`
//! helpers that are smooth through `α = 1`).
//!
//! Two samplers, same distribution:
//!
//! - [`ZipfTable`] (n ≤ 2^16): the exact cumulative table, sampled by binary
//!   search on a caller-supplied uniform `u ∈ [0, 1)`, so the caller owns the
//!   randomness. Also exposes the exact pmf ([`ZipfTable::probabilities`]).
//! - [`ZipfSampler`] (n up to 2^48, tested to 1e8): rejection-inversion of
//!   W. Hörmann and G. Derflinger, "Rejection-inversion to generate variates
//!   from monotone discrete distributions", ACM TOMACS 6(3), 1996, in the
//!   formulation of Apache Commons RNG's `RejectionInversionZipfSampler`.
//!   O(1) memory and expected O(1) time per draw (rejections are rare).
//!
//! [`Zipf`] picks the table for small catalogues and the sampler otherwise.
//!
//! All transcendental functions go through `libm`, so native and wasm draws
//! are bit-identical.

use super::{check_range, ModelError};
use crate::rng::ItemRng;

/// Largest catalogue [`ZipfTable`] accepts (2^16 ranks, 1 MiB of tables).
pub const MAX_TABLE_RANKS: usize = 1 << 16;
/// Largest catalogue [`ZipfSampler`] accepts (2^48 ranks: still exact in f64).
pub const MAX_SAMPLER_RANKS: u64 = 1 << 48;
/// Largest skew accepted by both samplers.
pub const MAX_ALPHA: f64 = 10.0;

fn check_alpha(alpha: f64) -> Result<f64, ModelError> {
    check_range("alpha", alpha, 0.0, MAX_ALPHA)
}

/// Exact Zipf(n, α) table: pmf plus cumulative distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct ZipfTable {
    alpha: f64,
    probabilities: Vec<f64>,
    /// `cumulative[k] = P(rank ≤ k)`; the last entry is exactly 1.
    cumulative: Vec<f64>,
}

impl ZipfTable {
    /// Builds the table for ranks `0..n`, `1 ≤ n ≤ 2^16`, `0 ≤ α ≤ 10`.
    pub fn new(n: usize, alpha: f64) -> Result<Self, ModelError> {
        check_alpha(alpha)?;
        if n == 0 || n > MAX_TABLE_RANKS {
            return Err(ModelError::out_of_range(
                "n",
                n as f64,
                &format!("1 ≤ n ≤ {MAX_TABLE_RANKS}"),
            ));
        }
        let weights: Vec<f64> = (1..=n).map(|j| libm::pow(j as f64, -alpha)).collect();
        // Summed in rank order: deterministic.
        let total: f64 = weights.iter().sum();
        let probabilities: Vec<f64> = weights.iter().map(|w| w / total).collect();
        let cumulative = super::cumulative_shares(&weights, total);
        Ok(Self {
            alpha,
            probabilities,
            cumulative,
        })
    }

    /// Number of ranks `n`.
    pub fn len(&self) -> usize {
        self.probabilities.len()
    }

    /// Always false: a table has at least one rank.
    pub fn is_empty(&self) -> bool {
        self.probabilities.is_empty()
    }

    /// The skew α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// `p_k` for every rank `k` in `0..n` (sums to 1 up to rounding).
    pub fn probabilities(&self) -> &[f64] {
        &self.probabilities
    }

    /// `P(rank ≤ k)` for every rank; the last entry is exactly 1.
    pub fn cumulative(&self) -> &[f64] {
        &self.cumulative
    }

    /// The rank whose cumulative interval contains `u` (inverse CDF):
    /// the smallest `k` with `u < P(rank ≤ k)`. `u` should be uniform in
    /// `[0, 1)`; values outside clamp to the first/last rank (NaN → rank 0).
    pub fn sample(&self, u: f64) -> usize {
        let k = self.cumulative.partition_point(|&c| c <= u);
        k.min(self.len().saturating_sub(1))
    }

    /// [`Self::sample`] with `u` drawn from `rng`.
    pub fn sample_rng(&self, rng: &mut ItemRng) -> u64 {
        self.sample(rng.next_f64()) as u64
    }
}

/// `log1p(x) / x`, continuous at 0.
fn log1p_over_x(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        libm::log1p(x) / x
    } else {
        1.0 - x * (0.5 - x * (1.0 / 3.0 - x * 0.25))
    }
}

/// `expm1(x) / x`, continuous at 0.
fn expm1_over_x(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        libm::expm1(x) / x
    } else {
        1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + x * 0.25))
    }
}

/// Zipf(n, α) by rejection-inversion: O(1) memory, any `n` up to 2^48.
#[derive(Debug, Clone, PartialEq)]
pub struct ZipfSampler {
    n: u64,
    alpha: f64,
    h_integral_x1: f64,
    h_integral_n: f64,
    s: f64,
}

/// Rejection loops are capped so a draw can never hang. Each try is accepted
/// with high probability (the hat hugs the pmf everywhere except near rank 1,
/// where the `s` shortcut accepts outright), so the cap is never reached in
/// practice; if it were, the last candidate is returned.
const MAX_REJECTIONS: usize = 100;

impl ZipfSampler {
    /// Sampler for ranks `0..n`, `1 ≤ n ≤ 2^48`, `0 ≤ α ≤ 10`.
    pub fn new(n: u64, alpha: f64) -> Result<Self, ModelError> {
        check_alpha(alpha)?;
        if n == 0 || n > MAX_SAMPLER_RANKS {
            return Err(ModelError::out_of_range(
                "n",
                n as f64,
                &format!("1 ≤ n ≤ {MAX_SAMPLER_RANKS}"),
            ));
        }
        let mut sampler = Self {
            n,
            alpha,
            h_integral_x1: 0.0,
            h_integral_n: 0.0,
            s: 0.0,
        };
        sampler.h_integral_x1 = sampler.h_integral(1.5) - 1.0;
        sampler.h_integral_n = sampler.h_integral(n as f64 + 0.5);
        sampler.s = 2.0 - sampler.h_integral_inverse(sampler.h_integral(2.5) - sampler.h(2.0));
        Ok(sampler)
    }

    /// Number of ranks `n`.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// Always false: a sampler has at least one rank.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The skew α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// `h(x) = x^(−α)`, the (unnormalised) density.
    fn h(&self, x: f64) -> f64 {
        libm::exp(-self.alpha * libm::log(x))
    }

    /// `H(x) = ∫_1^x h = (x^(1−α) − 1) / (1 − α)` (or `ln x` at α = 1).
    fn h_integral(&self, x: f64) -> f64 {
        let log_x = libm::log(x);
        expm1_over_x((1.0 - self.alpha) * log_x) * log_x
    }

    /// `H⁻¹`.
    fn h_integral_inverse(&self, x: f64) -> f64 {
        // t < −1 only through rounding; clamp to the domain of log1p.
        let t = (x * (1.0 - self.alpha)).max(-1.0);
        libm::exp(log1p_over_x(t) * x)
    }

    /// One rank in `0..n`, consuming as many draws from `rng` as the
    /// rejection step needs (usually one).
    pub fn sample(&self, rng: &mut ItemRng) -> u64 {
        let mut k = 1.0;
        for _ in 0..MAX_REJECTIONS {
            let u = self.h_integral_n + rng.next_f64() * (self.h_integral_x1 - self.h_integral_n);
            let x = self.h_integral_inverse(u);
            k = (x + 0.5).floor().clamp(1.0, self.n as f64);
            if k - x <= self.s || u >= self.h_integral(k + 0.5) - self.h(k) {
                break;
            }
        }
        // k is an integer in [1, n] ≤ 2^48: the cast is exact.
        k as u64 - 1
    }
}

/// A Zipf(n, α) key generator that uses the exact table for `n ≤ 2^16`
/// and rejection-inversion above.
#[derive(Debug, Clone, PartialEq)]
pub enum Zipf {
    /// Exact table (small catalogues).
    Table(ZipfTable),
    /// Rejection-inversion (large catalogues).
    Sampler(ZipfSampler),
}

impl Zipf {
    /// Chooses the sampler by size; `1 ≤ n ≤ 2^48`, `0 ≤ α ≤ 10`.
    pub fn new(n: u64, alpha: f64) -> Result<Self, ModelError> {
        match usize::try_from(n) {
            Ok(small) if small <= MAX_TABLE_RANKS => ZipfTable::new(small, alpha).map(Self::Table),
            _ => ZipfSampler::new(n, alpha).map(Self::Sampler),
        }
    }

    /// Number of ranks `n`.
    pub fn len(&self) -> u64 {
        match self {
            Self::Table(table) => table.len() as u64,
            Self::Sampler(sampler) => sampler.len(),
        }
    }

    /// Always false.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// One rank in `0..n`.
    pub fn sample(&self, rng: &mut ItemRng) -> u64 {
        match self {
            Self::Table(table) => table.sample_rng(rng),
            Self::Sampler(sampler) => sampler.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    /// Counts per rank for `draws` samples, request `i` using its own rng.
    fn counts(n: usize, draws: u64, mut sample: impl FnMut(&mut ItemRng) -> u64) -> Vec<u64> {
        let mut counts = vec![0u64; n];
        for i in 0..draws {
            let mut rng = ItemRng::new(42, Stream::Sample, i);
            counts[sample(&mut rng) as usize] += 1;
        }
        counts
    }

    /// |empirical − p| ≤ 5 σ for the top ranks.
    fn assert_top_ranks_match(counts: &[u64], pmf: &[f64], draws: u64, top: usize) {
        for (k, (&c, &p)) in counts.iter().zip(pmf).take(top).enumerate() {
            let freq = c as f64 / draws as f64;
            let sigma = (p * (1.0 - p) / draws as f64).sqrt();
            assert!(
                (freq - p).abs() <= 5.0 * sigma + 1e-12,
                "rank {k}: frequency {freq} vs pmf {p} (σ {sigma})"
            );
        }
    }

    /// Kolmogorov distance between the empirical CDF and the exact one.
    fn ks_distance(counts: &[u64], cumulative: &[f64], draws: u64) -> f64 {
        let mut running = 0u64;
        counts
            .iter()
            .zip(cumulative)
            .map(|(&c, &f)| {
                running += c;
                (running as f64 / draws as f64 - f).abs()
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn table_pmf_matches_closed_form() {
        let table = ZipfTable::new(4, 1.0).unwrap();
        let h = 1.0 + 1.0 / 2.0 + 1.0 / 3.0 + 1.0 / 4.0;
        for (k, &p) in table.probabilities().iter().enumerate() {
            assert!((p - 1.0 / ((k + 1) as f64 * h)).abs() < 1e-15);
        }
        assert_eq!(table.cumulative().last(), Some(&1.0));
        let uniform = ZipfTable::new(5, 0.0).unwrap();
        assert!(uniform
            .probabilities()
            .iter()
            .all(|&p| (p - 0.2).abs() < 1e-15));
    }

    #[test]
    fn table_inverse_cdf_boundaries() {
        let table = ZipfTable::new(4, 0.0).unwrap();
        assert_eq!(table.sample(0.0), 0);
        assert_eq!(table.sample(0.2499), 0);
        assert_eq!(table.sample(0.25), 1);
        assert_eq!(table.sample(0.9999), 3);
        assert_eq!(table.sample(1.0), 3);
        assert_eq!(table.sample(-3.0), 0);
        assert_eq!(table.sample(f64::NAN), 0);
        assert_eq!(ZipfTable::new(1, 2.0).unwrap().sample(0.7), 0);
    }

    #[test]
    fn table_frequencies_match_pmf() {
        let draws = 200_000;
        for alpha in [0.0, 0.8, 1.0, 1.4] {
            let table = ZipfTable::new(1000, alpha).unwrap();
            let counts = counts(1000, draws, |rng| table.sample_rng(rng));
            assert_top_ranks_match(&counts, table.probabilities(), draws, 10);
            assert!(ks_distance(&counts, table.cumulative(), draws) < 2.0 / (draws as f64).sqrt());
        }
    }

    #[test]
    fn sampler_agrees_with_table_in_distribution() {
        let draws = 200_000;
        for alpha in [0.0, 0.5, 1.0, 1.2, 2.5] {
            let table = ZipfTable::new(1000, alpha).unwrap();
            let sampler = ZipfSampler::new(1000, alpha).unwrap();
            let counts = counts(1000, draws, |rng| sampler.sample(rng));
            assert_top_ranks_match(&counts, table.probabilities(), draws, 10);
            let d = ks_distance(&counts, table.cumulative(), draws);
            assert!(
                d < 2.0 / (draws as f64).sqrt(),
                "alpha {alpha}: KS distance {d}"
            );
        }
    }

    #[test]
    fn sampler_handles_tiny_catalogues() {
        let one = ZipfSampler::new(1, 1.0).unwrap();
        let mut rng = ItemRng::new(1, Stream::Sample, 0);
        assert!((0..100).all(|_| one.sample(&mut rng) == 0));
        let draws = 100_000;
        let table = ZipfTable::new(2, 1.0).unwrap();
        let sampler = ZipfSampler::new(2, 1.0).unwrap();
        let counts = counts(2, draws, |rng| sampler.sample(rng));
        assert_top_ranks_match(&counts, table.probabilities(), draws, 2);
    }

    #[test]
    fn sampler_large_catalogue_top_rank() {
        // n = 1e8, α = 1: p_0 = 1 / H_n, H_n = ln n + γ + 1/(2n) − …
        let n = 100_000_000u64;
        let sampler = ZipfSampler::new(n, 1.0).unwrap();
        let h_n = libm::log(n as f64) + 0.577_215_664_901_532_9 + 0.5 / n as f64;
        let p0 = 1.0 / h_n;
        let p1 = p0 / 2.0;
        let draws = 100_000u64;
        let (mut top0, mut top1) = (0u64, 0u64);
        for i in 0..draws {
            let rank = sampler.sample(&mut ItemRng::new(9, Stream::Sample, i));
            assert!(rank < n);
            top0 += u64::from(rank == 0);
            top1 += u64::from(rank == 1);
        }
        let n_draws = draws as f64;
        for (c, p) in [(top0, p0), (top1, p1)] {
            let sigma = (p * (1.0 - p) / n_draws).sqrt();
            assert!((c as f64 / n_draws - p).abs() < 5.0 * sigma, "{c} vs {p}");
        }
    }

    #[test]
    fn zipf_chooses_by_size_and_rejects_bad_parameters() {
        assert!(matches!(Zipf::new(10, 1.0).unwrap(), Zipf::Table(_)));
        assert!(matches!(Zipf::new(1 << 20, 1.0).unwrap(), Zipf::Sampler(_)));
        assert!(ZipfTable::new(0, 1.0).is_err());
        assert!(ZipfTable::new(MAX_TABLE_RANKS + 1, 1.0).is_err());
        assert!(ZipfSampler::new(0, 1.0).is_err());
        for alpha in [-0.1, f64::NAN, f64::INFINITY, 11.0] {
            assert!(ZipfTable::new(10, alpha).is_err());
            assert!(ZipfSampler::new(10, alpha).is_err());
        }
        let err = ZipfSampler::new(10, -1.0).unwrap_err().to_string();
        assert!(err.contains("alpha"), "{err}");
    }

    #[test]
    fn sampler_is_deterministic_per_index() {
        let sampler = ZipfSampler::new(1_000_000, 0.9).unwrap();
        let a: Vec<u64> = (0..100)
            .map(|i| sampler.sample(&mut ItemRng::new(3, Stream::Sample, i)))
            .collect();
        let b: Vec<u64> = (0..100)
            .rev()
            .map(|i| sampler.sample(&mut ItemRng::new(3, Stream::Sample, i)))
            .rev()
            .collect();
        assert_eq!(a, b);
    }
}
