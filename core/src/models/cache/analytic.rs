//! The analytic model: Che's approximation per tier, the warm tier fed by
//! the hot tiers' renewal miss streams (formulas in the parent module).
//!
//! Implementation notes. A key's hot-miss stream at one node is described by
//! [`Renewal`]: `V₀(t)`, the probability that no gap longer than `T₁` has
//! completed by `t` after a miss, as closed-form polynomial pieces on
//! `[jT₁, (j+1)T₁)` for `j < PIECES` (`V₀ = 1` on the first, a jump of
//! `−e^{−x}` at `T₁`, then `V₀' = −y/T₁·V₀(t − T₁)` with `x = λT₁`,
//! `y = xe^{−x} ≤ 1/e`, so the pieces' terms `(y·j)^i/i!` never cancel
//! badly), then its dominant mode `V₀(PIECES·T₁)·e^{−θ(t − PIECES·T₁)}`, `−θT₁`
//! the real root other than `−x` of `w e^w = −y` (`W₀` for `x > 1`, `W₋₁`
//! below). The other modes decay at least `e^{−1}` faster per `T₁`, so after
//! eight pieces they are below 10⁻⁴ of a quantity that is itself below
//! `e^{−8}` where they are slowest. Every stream quantity is a combination
//! of `J(β, γ, t) = ∫₀ᵗ V₀(s) e^{−βs − γ(t−s)} ds` for three kernels
//! ([`Kernel`]), kept as prefix sums over whole pieces so that evaluating a
//! new `t` costs one partial piece.

use std::cell::RefCell;

use super::{CacheParams, InvalidationPolicy, EXACT_CATALOG_KEYS, HEAD_RANKS};
use crate::models::ModelError;

/// Closed-form pieces of `V₀` before its exponential tail.
const PIECES: usize = 8;
/// Polynomial coefficients in the piece's local variable `η ∈ [0, 1)`.
type Poly = [f64; PIECES];

/// Gauss–Legendre nodes and weights on `[−1, 1]` (4 points).
const GAUSS_LEGENDRE: [(f64, f64); 4] = [
    (-0.861_136_311_594_052_6, 0.347_854_845_137_453_9),
    (-0.339_981_043_584_856_3, 0.652_145_154_862_546_1),
    (0.339_981_043_584_856_3, 0.652_145_154_862_546_1),
    (0.861_136_311_594_052_6, 0.347_854_845_137_453_9),
];
/// A characteristic time is found when the occupancy is within this share
/// of the capacity (a relative error of `T` of the same order).
const SOLVE_TOLERANCE: f64 = 1e-10;
/// Rank segments this narrow are summed key by key instead.
const MIN_QUADRATURE_KEYS: u64 = 16;
/// `|κη| ≤` this: Taylor series of `e^{κη}`; above: integration by parts.
const TAYLOR_LIMIT: f64 = 4.0;
/// Terms of the Taylor series: `4^48/48! < 1e−30`.
const TAYLOR_TERMS: usize = 48;
/// `1/i` for `i < TAYLOR_TERMS + PIECES + 1` (index 0 unused).
// Evaluated at compile time: an index out of bounds fails the build, it
// cannot panic at run time.
#[allow(clippy::indexing_slicing)]
const RECIPROCALS: [f64; TAYLOR_TERMS + PIECES + 1] = {
    let mut table = [0.0; TAYLOR_TERMS + PIECES + 1];
    let mut i = 1;
    while i < table.len() {
        table[i] = 1.0 / i as f64;
        i += 1;
    }
    table
};

/// Result of [`analyse`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CacheAnalysis {
    /// Steady-state rates per request.
    pub rates: super::CacheRates,
    /// Characteristic time of each hot tier, seconds (`None`: it holds the
    /// whole catalogue).
    pub hot_characteristic_time_s: Option<f64>,
    /// Characteristic time of the warm tier, seconds (`None`: no warm tier,
    /// or it holds the whole catalogue).
    pub warm_characteristic_time_s: Option<f64>,
    /// Quadrature points of the Zipf sums (each of one change rate).
    pub evaluation_points: usize,
}

// ------------------------------------------------------------ small numerics

/// `(1 − e^{−r d}) / r` for `r ≥ 0`, `d ≥ 0` (→ `d` as `r → 0`).
fn one_minus_exp_over(r: f64, d: f64) -> f64 {
    let z = r * d;
    if z < 1e-9 {
        d * (1.0 - 0.5 * z)
    } else {
        -libm::expm1(-z) / r
    }
}

/// `∫₀ᴰ e^{−r₁σ − r₂(D−σ)} dσ` for rates `r₁, r₂ ≥ 0`.
fn exp_convolution(r1: f64, r2: f64, d: f64) -> f64 {
    libm::exp(-r1.min(r2) * d) * one_minus_exp_over((r1 - r2).abs(), d)
}

/// `1 − (1 − g)^n` for `g ∈ [0, 1]`, accurate for tiny `g`.
fn any_of(g: f64, n: f64) -> f64 {
    if g >= 1.0 {
        1.0
    } else {
        -libm::expm1(n * libm::log1p(-g))
    }
}

/// `(1 − g)^n`.
fn none_of(g: f64, n: f64) -> f64 {
    if g >= 1.0 {
        0.0
    } else {
        libm::exp(n * libm::log1p(-g))
    }
}

/// `∫₀ᴸ P(η) e^{κη} dη · e^{−max(0, κL)}`: the kernel normalised to peak 1.
fn piece_integral(poly: &Poly, kappa: f64, len: f64) -> f64 {
    if len <= 0.0 {
        return 0.0;
    }
    let z = kappa * len;
    let scale = libm::exp(-z.max(0.0));
    if z.abs() <= TAYLOR_LIMIT {
        // ∫₀ᴸ ηⁱ e^{κη} dη = L^{i+1} Eᵢ(z), Eᵢ(z) = ∫₀¹ uⁱ e^{zu} du: the
        // highest by its series Σ_m zᵐ/(m!(m+i+1)), the others by the stable
        // downward recurrence E_{i−1} = (e^z − z Eᵢ)/i.
        let top = PIECES - 1;
        let mut highest = 0.0;
        let mut term = 1.0;
        for (&over_index, &over_next) in RECIPROCALS
            .iter()
            .skip(PIECES)
            .zip(RECIPROCALS.iter().skip(1))
        {
            highest += term * over_index;
            term *= z * over_next;
            if term.abs() < 1e-18 {
                break;
            }
        }
        let e_z = libm::exp(z);
        let mut powers = [0.0; PIECES];
        let mut power = 1.0;
        for p in powers.iter_mut() {
            power *= len;
            *p = power;
        }
        let mut moment = highest;
        let mut sum = 0.0;
        for (i, (&c, &p)) in poly.iter().zip(&powers).enumerate().rev() {
            if i < top {
                moment = (e_z - z * moment) / (i + 1) as f64;
            }
            sum += c * p * moment;
        }
        sum * scale
    } else {
        // ∫ P e^{κη} = e^{κη} R(η), R = Σ_m (−1)^m P^{(m)} / κ^{m+1}: the
        // coefficients of R, then R at both ends.
        let mut r = [0.0; PIECES];
        for (i, ri) in r.iter_mut().enumerate() {
            let mut factor = 1.0; // (i + m)! / i!
            let mut sign_over = 1.0 / kappa; // (−1)^m / κ^{m+1}
            for (m, &c) in poly.iter().skip(i).enumerate() {
                if m > 0 {
                    factor *= (i + m) as f64;
                    sign_over *= -1.0 / kappa;
                }
                *ri += factor * c * sign_over;
            }
        }
        let r_len = r.iter().rev().fold(0.0, |acc, &c| acc * len + c);
        let r_zero = r.first().copied().unwrap_or(0.0);
        r_len * libm::exp(z - z.max(0.0)) - r_zero * scale
    }
}

// --------------------------------------------------------------- miss stream

/// A key's hot-miss stream at one node, without changes (see the module docs).
#[derive(Debug, Clone)]
struct Renewal {
    /// Request rate of the key at one node, per second.
    lambda: f64,
    /// The hot tier's characteristic time `T₁`, seconds.
    a: f64,
    shape: Shape,
}

#[derive(Debug, Clone)]
enum Shape {
    /// `T₁ = 0`: every request misses (`V₀ ≡ 0`).
    AllMiss,
    /// `T₁ = ∞` or `e^{−λT₁}` below the smallest double: never evicted
    /// (`V₀ ≡ 1`).
    NeverEvicted,
    /// The general case.
    Pieces {
        pieces: Box<[Poly; PIECES]>,
        /// `V₀(PIECES·T₁)`.
        v_tail: f64,
        /// Decay rate of the tail, per second.
        theta: f64,
    },
}

/// `−w` for the real root `w ≠ −x` of `w e^w = −y`, `y = x e^{−x}`.
fn dominant_mode(x: f64, y: f64) -> f64 {
    let f = |w: f64| w * libm::exp(w) + y;
    if x > 1.0 {
        if y < 1e-3 {
            // W₀(−y) = −y − y² − 3y³/2 − 8y⁴/3 − …
            return y * (1.0 + y * (1.0 + y * (1.5 + y * 8.0 / 3.0)));
        }
        bisect_root(f, -1.0, 0.0)
    } else if x < 1.0 {
        let mut lo = -2.0;
        for _ in 0..64 {
            if f(lo) > 0.0 {
                break;
            }
            lo *= 2.0;
        }
        bisect_root(f, lo, -1.0)
    } else {
        1.0
    }
}

/// `−w` for the root of `f(w) = w e^w + y` in `[lo, hi]` (`f` changes sign
/// there): Newton steps (`f' = (1 + w)e^w`), bisection when a step leaves
/// the bracket.
fn bisect_root(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    let lo_positive = f(lo) > 0.0;
    let mut w = 0.5 * (lo + hi);
    for _ in 0..200 {
        let value = f(w);
        if value == 0.0 {
            break;
        }
        if (value > 0.0) == lo_positive {
            lo = w;
        } else {
            hi = w;
        }
        let slope = (1.0 + w) * libm::exp(w);
        let newton = w - value / slope;
        let next = if slope != 0.0 && newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if (next - w).abs() <= 1e-15 * w.abs().max(1e-300)
            || hi - lo <= 1e-15 * hi.abs().max(lo.abs())
        {
            w = next;
            break;
        }
        w = next;
    }
    -w
}

impl Renewal {
    fn new(lambda: f64, a: f64) -> Self {
        if a <= 0.0 || lambda <= 0.0 {
            return Self {
                lambda,
                a,
                shape: Shape::AllMiss,
            };
        }
        let x = lambda * a;
        let p = libm::exp(-x);
        if !a.is_finite() || p == 0.0 {
            return Self {
                lambda,
                a,
                shape: Shape::NeverEvicted,
            };
        }
        let y = x * p;
        let mut pieces = [[0.0; PIECES]; PIECES];
        let mut previous: Poly = [0.0; PIECES];
        for (j, piece) in pieces.iter_mut().enumerate() {
            let mut next: Poly = [0.0; PIECES];
            if j == 0 {
                next[0] = 1.0;
            } else {
                // Continuity (and the jump of −p where the first gap can
                // complete), then the integrated delay term.
                let end: f64 = previous.iter().sum();
                next[0] = if j == 1 { end - p } else { end };
                for (i, (n, &c)) in next.iter_mut().skip(1).zip(&previous).enumerate() {
                    *n = -y * c / (i + 1) as f64;
                }
            }
            *piece = next;
            previous = next;
        }
        let v_tail: f64 = previous.iter().sum();
        let theta = dominant_mode(x, y) / a;
        Self {
            lambda,
            a,
            shape: Shape::Pieces {
                pieces: Box::new(pieces),
                v_tail: v_tail.max(0.0),
                theta,
            },
        }
    }

    /// The miss rate per second of this stream when the key's group changes
    /// at `mu` and changes cause misses.
    fn miss_rate(&self, mu: f64) -> f64 {
        self.lambda * miss_probability(self.lambda, mu, self.a)
    }
}

/// `1 − λ/(λ+μ)·(1 − e^{−(λ+μ)a})`, without cancellation.
fn miss_probability(lambda: f64, mu: f64, a: f64) -> f64 {
    let total = lambda + mu;
    if total <= 0.0 {
        return 1.0;
    }
    let decay = if a.is_finite() {
        libm::exp(-total * a)
    } else {
        0.0
    };
    (mu + lambda * decay) / total
}

/// `P(hit) = λ/(λ+μ)·(1 − e^{−(λ+μ)a})`: a request within `a`, no change since.
fn hit_probability(lambda: f64, mu: f64, a: f64) -> f64 {
    let total = lambda + mu;
    if total <= 0.0 || a <= 0.0 {
        return 0.0;
    }
    if a.is_finite() {
        lambda * one_minus_exp_over(total, a)
    } else {
        lambda / total
    }
}

/// `J(β, γ, t)` for one stream, with prefix sums over whole pieces, built
/// as far as evaluations have needed them.
#[derive(Debug, Clone)]
struct Kernel {
    beta: f64,
    gamma: f64,
    /// `γ ≥ β`: the kernel peaks at `s = t` (normalised there); else at 0.
    backward: bool,
    /// `|γ − β|`, per second.
    rate: f64,
    /// Normalised `J` over the first `j` whole pieces, `j = 0, 1, …`.
    prefix: RefCell<Vec<f64>>,
}

impl Kernel {
    fn new(beta: f64, gamma: f64) -> Self {
        Self {
            beta,
            gamma,
            backward: gamma >= beta,
            rate: (gamma - beta).abs(),
            prefix: RefCell::new(vec![0.0]),
        }
    }

    /// The normalised integral over the first `j ≤ PIECES` whole pieces.
    fn prefix(&self, pieces: &[Poly; PIECES], a: f64, j: usize) -> f64 {
        let mut prefix = self.prefix.borrow_mut();
        let k = self.rate * a;
        while prefix.len() <= j {
            let done = prefix.len() - 1;
            let Some(piece) = pieces.get(done) else {
                break;
            };
            let sum = prefix.last().copied().unwrap_or(0.0);
            let next = if self.backward {
                libm::exp(-k) * sum + a * piece_integral(piece, k, 1.0)
            } else {
                sum + libm::exp(-k * done as f64) * a * piece_integral(piece, -k, 1.0)
            };
            prefix.push(next);
        }
        prefix.get(j).copied().unwrap_or(0.0)
    }

    /// `∫₀ᵗ V₀(s) e^{−βs − γ(t−s)} ds` for a finite `t ≥ 0`.
    fn eval(&self, renewal: &Renewal, t: f64) -> f64 {
        match &renewal.shape {
            Shape::AllMiss => 0.0,
            Shape::NeverEvicted => exp_convolution(self.beta, self.gamma, t),
            Shape::Pieces {
                pieces,
                v_tail,
                theta,
            } => {
                let a = renewal.a;
                let u = t / a;
                let whole = libm::floor(u);
                let k = self.rate * a;
                let partial = if whole < PIECES as f64 {
                    // `whole` is an integer in [0, PIECES).
                    let j = whole as usize;
                    let xi = u - whole;
                    let before = self.prefix(pieces, a, j);
                    let piece = pieces.get(j).copied().unwrap_or([0.0; PIECES]);
                    if self.backward {
                        libm::exp(-k * xi) * before + a * piece_integral(&piece, k, xi)
                    } else {
                        before + libm::exp(-k * whole) * a * piece_integral(&piece, -k, xi)
                    }
                } else {
                    let d = t - PIECES as f64 * a;
                    let before = self.prefix(pieces, a, PIECES);
                    if self.backward {
                        libm::exp(-self.rate * d) * before
                            + v_tail * exp_convolution(*theta, self.rate, d)
                    } else {
                        before
                            + v_tail
                                * libm::exp(-k * PIECES as f64)
                                * one_minus_exp_over(theta + self.rate, d)
                    }
                };
                // Undo the normalisation: the kernel's peak value.
                let peak = if self.backward {
                    libm::exp(-self.beta * t)
                } else {
                    libm::exp(-self.gamma * t)
                };
                peak * partial
            }
        }
    }
}

/// A key's miss stream at one node with its group changing at `mu` (0: the
/// change-free stream), with the kernels its quantities need.
#[derive(Debug, Clone)]
struct Stream {
    mu: f64,
    /// Misses per second at one node.
    miss_rate: f64,
    /// `J(μ, 0, ·) = ∫ V_μ`.
    k_plain: Kernel,
    /// `J(μ, λ, ·)`.
    k_lambda: Kernel,
    /// `J(μ, λ+μ, ·)`.
    k_total: Kernel,
}

impl Stream {
    fn new(renewal: &Renewal, mu: f64) -> Self {
        let lambda = renewal.lambda;
        Self {
            mu,
            miss_rate: renewal.miss_rate(mu),
            k_plain: Kernel::new(mu, 0.0),
            k_lambda: Kernel::new(mu, lambda),
            k_total: Kernel::new(mu, lambda + mu),
        }
    }

    /// `P(M > t)`: no miss within `t` of a miss.
    fn survival(&self, renewal: &Renewal, t: f64) -> f64 {
        let lambda = renewal.lambda;
        (libm::exp(-lambda * t) + lambda * self.k_lambda.eval(renewal, t)).clamp(0.0, 1.0)
    }

    /// `G(t)`: at a random time, a miss within the last `t`.
    fn age_cdf(&self, renewal: &Renewal, t: f64) -> f64 {
        self.age_and_survival(renewal, t).0
    }

    /// `(G(t), P(M > t))`, sharing their kernel.
    fn age_and_survival(&self, renewal: &Renewal, t: f64) -> (f64, f64) {
        let lambda = renewal.lambda;
        let j_lambda = self.k_lambda.eval(renewal, t);
        let integral = one_minus_exp_over(lambda, t) + self.k_plain.eval(renewal, t) - j_lambda;
        let survival = libm::exp(-lambda * t) + lambda * j_lambda;
        (
            (self.miss_rate * integral).clamp(0.0, 1.0),
            survival.clamp(0.0, 1.0),
        )
    }

    /// `P(the next miss comes within t and its gap held no change)`, which
    /// is also `E[e^{−μM₀}; M₀ ≤ t]` for the change-free inter-miss time.
    fn clean_miss_within(&self, renewal: &Renewal, t: f64) -> f64 {
        // λ[(1 − e^{−(λ+μ)t})/(λ+μ) + λ/(λ+μ)(∫V_μ − J_total) − ∫V_μ], grouped
        // so that no term exceeds 1/(λ+μ): `∫V_μ` alone reaches 1/r, which
        // is astronomically large for a key that is practically never evicted.
        let lambda = renewal.lambda;
        let total = lambda + self.mu;
        let value = lambda
            * (one_minus_exp_over(total, t)
                - self.mu / total * self.k_plain.eval(renewal, t)
                - lambda / total * self.k_total.eval(renewal, t));
        value.clamp(0.0, 1.0)
    }
}

// ------------------------------------------------------------- Zipf sums

/// A quadrature of the catalogue: `Σ_k g(k) ≈ Σ_j weight_j · g(rank_j)`,
/// each point standing for keys of one change rate.
#[derive(Debug)]
struct Points {
    /// 1-based rank (fractional inside buckets).
    rank: Vec<f64>,
    /// Keys the point stands for.
    weight: Vec<f64>,
    /// Index into `rates`.
    rate: Vec<usize>,
    /// Distinct per-group change rates, ascending.
    rates: Vec<f64>,
}

/// Periods of `G` ranks above `G` summed class segment by class segment
/// before the per-class shifted buckets take over.
const EXACT_PERIODS: u64 = 8;
/// Most class segments those periods may take (else buckets start at `G`).
const MAX_PERIOD_SEGMENTS: u64 = 4_096;

impl Points {
    fn new(params: &CacheParams, groups: u64, exact_limit: u64) -> Self {
        let changes = &params.changes;
        let classes = changes.class_changes_per_s.len();
        let mut rates: Vec<f64> = (0..classes).map(|c| changes.group_rate(c)).collect();
        rates.sort_by(f64::total_cmp);
        rates.dedup();
        let class_rate: Vec<usize> = (0..classes)
            .map(|c| {
                let rate = changes.group_rate(c);
                rates.partition_point(|r| r.total_cmp(&rate).is_lt())
            })
            .collect();
        let per_class = changes.groups_per_class;
        let rate_of_class = |class: u64| -> usize {
            let class = usize::try_from(class).unwrap_or(0);
            class_rate.get(class).copied().unwrap_or(0)
        };
        let rate_of_key = |key: u64| rate_of_class((key % groups) / per_class);
        let mut points = Self {
            rank: Vec::new(),
            weight: Vec::new(),
            rate: Vec::new(),
            rates,
        };
        let n = params.catalog_keys;
        let exact_end = if n <= exact_limit { n } else { HEAD_RANKS };
        for key in 0..exact_end {
            points.push(key as f64 + 1.0, 1.0, rate_of_key(key));
        }
        if exact_end == n {
            return points;
        }
        let boundary = |key: u64| -> u64 {
            // The next geometric boundary HEAD·2^m above `key`.
            let mut b = HEAD_RANKS;
            while b <= key {
                b = b.saturating_mul(2);
            }
            b
        };
        // Keys below G have groups of their own, and the first periods above
        // G are still steep within a period: one segment per run of keys of
        // one class (where its change rate changes), split at the geometric
        // boundaries.
        let periods = if (classes as u64).saturating_mul(EXACT_PERIODS) <= MAX_PERIOD_SEGMENTS {
            EXACT_PERIODS + 1
        } else {
            1
        };
        // (and to a period boundary, where the shifted buckets start)
        let segmented_end = groups
            .saturating_mul(periods)
            .max(exact_end.div_ceil(groups).saturating_mul(groups))
            .min(n);
        let mut start = exact_end;
        while start < segmented_end {
            let class_end = (start / per_class + 1).saturating_mul(per_class);
            let end = boundary(start).min(class_end).min(segmented_end);
            points.push_segment(start, end, &rate_of_key);
            start = end;
        }
        // Further up, buckets of up to a factor 2 cover many periods: each
        // class gets the exact share of the bucket's keys, at ranks shifted by
        // its mean offset within a period (first order in G/rank < 1/16). A
        // class holds runs of k = groups_per_class keys every G ranks, whose
        // sum differs from the shifted integral by share·(G² − k²)/24·f'(y₀)
        // at the window's start y₀ (Euler–Maclaurin over the lattice and
        // within the runs; over all classes these terms cancel the shifts'
        // second-order term, var(shift) = (G² − k²)/12), and its opposite at
        // the end: added as central differences over ±G/8.
        let centre = (groups as f64 - 1.0) / 2.0;
        let lattice_start = start;
        let lattice_end = (n / groups).saturating_mul(groups).max(start);
        while start < lattice_end {
            // Whole periods, so that every class's windows tile its keys.
            let end = boundary(start)
                .div_ceil(groups)
                .saturating_mul(groups)
                .min(lattice_end);
            let nodes = quadrature(start, end);
            for class in 0..classes as u64 {
                let count = keys_of_class(end, class, groups, per_class)
                    - keys_of_class(start, class, groups, per_class);
                if count == 0 {
                    continue;
                }
                let share = count as f64 / (end - start) as f64;
                let offset = (class as f64 + 0.5) * per_class as f64 - 0.5 - centre;
                let rate = rate_of_class(class);
                for &(rank, weight) in &nodes {
                    points.push((rank + offset).max(1.0), weight * share, rate);
                }
                let (g, k) = (groups as f64, per_class as f64);
                let correction = share * (g * g - k * k) / 24.0;
                if start == lattice_start && correction > 0.0 {
                    points.push_derivative(start as f64 + 0.5 + offset, correction, g, rate);
                }
                if end == lattice_end && correction > 0.0 {
                    points.push_derivative(end as f64 + 0.5 + offset, -correction, g, rate);
                }
            }
            start = end;
        }
        // The last, partial period: segments again.
        while start < n {
            let class_end = (start / per_class + 1).saturating_mul(per_class);
            let end = class_end.min(n);
            points.push_segment(start, end, &rate_of_key);
            start = end;
        }
        points
    }

    /// `weight · f'(at)` as a central difference over `±period/8`.
    fn push_derivative(&mut self, at: f64, weight: f64, period: f64, rate: usize) {
        let step = period / 8.0;
        self.push((at + step).max(1.0), weight / (2.0 * step), rate);
        self.push((at - step).max(1.0), -weight / (2.0 * step), rate);
    }

    fn push(&mut self, rank: f64, weight: f64, rate: usize) {
        self.rank.push(rank);
        self.weight.push(weight);
        self.rate.push(rate);
    }

    /// Keys `start..end` (0-based), all of one change class.
    fn push_segment(&mut self, start: u64, end: u64, rate_of_key: &dyn Fn(u64) -> usize) {
        if end - start <= MIN_QUADRATURE_KEYS {
            for key in start..end {
                self.push(key as f64 + 1.0, 1.0, rate_of_key(key));
            }
        } else {
            let rate = rate_of_key(start);
            for (rank, weight) in quadrature(start, end) {
                self.push(rank, weight, rate);
            }
        }
    }

    fn len(&self) -> usize {
        self.rank.len()
    }
}

/// Keys `start..end` (ranks `start+1..=end`) as Gauss–Legendre nodes over
/// log-rank on `[start + ½, end + ½]`: `(rank, weight)`.
fn quadrature(start: u64, end: u64) -> [(f64, f64); 4] {
    let lo = libm::log(start as f64 + 0.5);
    let hi = libm::log(end as f64 + 0.5);
    let (mid, half) = (0.5 * (lo + hi), 0.5 * (hi - lo));
    GAUSS_LEGENDRE.map(|(node, w)| {
        let rank = libm::exp(mid + half * node);
        (rank, w * half * rank)
    })
}

/// Keys `k < x` with `k mod groups` in class `class` (classes of `per_class`
/// consecutive groups).
fn keys_of_class(x: u64, class: u64, groups: u64, per_class: u64) -> u64 {
    let lo = class.saturating_mul(per_class);
    let cycles = x / groups;
    let rest = x % groups;
    cycles.saturating_mul(per_class) + rest.saturating_sub(lo).min(per_class)
}

// ------------------------------------------------------------ the model

/// Smallest `t` with `f(t) ≥ target` for increasing `f` (value and
/// derivative), starting from `guess` with `f(guess) ≤ target`; `None` when
/// `f` never reaches it. Newton in `log t`, safeguarded by bisection.
fn solve_increasing(f: impl Fn(f64) -> (f64, f64), target: f64, guess: f64) -> Option<f64> {
    let mut lo = guess.max(f64::MIN_POSITIVE);
    let mut value = f(lo).0;
    for _ in 0..2_000 {
        if value <= target {
            break;
        }
        lo *= 0.25;
        value = f(lo).0;
    }
    let mut hi = lo;
    while value < target {
        lo = hi;
        hi *= 4.0;
        if !hi.is_finite() {
            return None;
        }
        value = f(hi).0;
    }
    if hi == lo {
        return Some(hi);
    }
    let mut t = (lo * hi).sqrt();
    for _ in 0..200 {
        let (value, slope) = f(t);
        if (value - target).abs() <= SOLVE_TOLERANCE * target {
            return Some(t);
        }
        if value < target {
            lo = t;
        } else {
            hi = t;
        }
        if hi / lo - 1.0 < 1e-13 {
            break;
        }
        let newton = t + (target - value) / slope;
        t = if slope > 0.0 && newton > lo && newton < hi {
            newton
        } else {
            (lo * hi).sqrt()
        };
    }
    Some(t)
}

/// One quadrature point with its miss streams.
struct Combo {
    point: usize,
    /// Keys the combination stands for.
    keys: f64,
    /// Their group's change rate, per second.
    mu: f64,
    /// With a warm tier: the stream that feeds it (with changes if
    /// versioned), and for policy `None` the same stream with changes (its
    /// stale-read ages).
    streams: Option<(Stream, Option<Stream>)>,
}

/// Steady-state rates of the hierarchy described by `params` (see the
/// module docs for the model and its assumptions).
pub fn analyse(params: &CacheParams) -> Result<CacheAnalysis, ModelError> {
    analyse_with(params, EXACT_CATALOG_KEYS)
}

/// [`analyse`], summing catalogues of up to `exact_limit` keys key by key.
fn analyse_with(params: &CacheParams, exact_limit: u64) -> Result<CacheAnalysis, ModelError> {
    let groups = params.validate()?;
    let points = Points::new(params, groups, exact_limit);
    let nodes = params.nodes as f64;
    let node_rate = params.requests_per_s / nodes;
    // Zipf normalisation over the same quadrature.
    let weights: Vec<f64> = points
        .rank
        .iter()
        .zip(&points.weight)
        .map(|(&r, &w)| w * libm::pow(r, -params.alpha))
        .collect();
    let norm: f64 = weights.iter().sum();
    // Per point: the share of requests one of its keys receives.
    let share: Vec<f64> = points
        .rank
        .iter()
        .map(|&r| libm::pow(r, -params.alpha) / norm)
        .collect();
    let lambda: Vec<f64> = share.iter().map(|p| p * node_rate).collect();

    // Hot tier: Σ_k (1 − e^{−λ_k T₁}) = C_hot.
    let hot_capacity = params.hot_capacity_keys as f64;
    let hot_time = if params.hot_capacity_keys == 0 {
        Some(0.0)
    } else if params.hot_capacity_keys >= params.catalog_keys {
        None
    } else {
        let occupancy = |t: f64| -> (f64, f64) {
            points
                .weight
                .iter()
                .zip(&lambda)
                .fold((0.0, 0.0), |(v, d), (&w, &l)| {
                    let e = libm::exp(-l * t);
                    (v + w * (1.0 - e), d + w * l * e)
                })
        };
        solve_increasing(occupancy, hot_capacity, hot_capacity / node_rate)
    };
    let a = hot_time.unwrap_or(f64::INFINITY);

    // One combination per (point, change rate), with the miss streams the
    // warm tier needs.
    let versioned = params.policy == InvalidationPolicy::Versioned;
    let has_warm = params.warm_capacity_keys > 0;
    let renewals: Vec<Renewal> = lambda.iter().map(|&l| Renewal::new(l, a)).collect();
    let mut combos: Vec<Combo> = Vec::new();
    for (point, ((&rate_index, &keys), renewal)) in points
        .rate
        .iter()
        .zip(&points.weight)
        .zip(&renewals)
        .enumerate()
    {
        let mu = points.rates.get(rate_index).copied().unwrap_or(0.0);
        let streams = has_warm.then(|| {
            // The warm tier sees misses caused by changes only when they
            // invalidate; without invalidation the changing stream serves
            // the stale-read ages.
            let feeding = Stream::new(renewal, if versioned { mu } else { 0.0 });
            let changing = (!versioned && mu > 0.0).then(|| Stream::new(renewal, mu));
            (feeding, changing)
        });
        combos.push(Combo {
            point,
            keys,
            mu,
            streams,
        });
    }

    // Warm tier: Σ_k [1 − (1 − G_k(T₂))^nodes] = C_warm.
    let warm_capacity = params.warm_capacity_keys as f64;
    let warm_time = if !has_warm || params.warm_capacity_keys >= params.catalog_keys {
        None
    } else {
        let occupancy = |t: f64| -> (f64, f64) {
            combos.iter().fold((0.0, 0.0), |(v, d), c| {
                let (Some(renewal), Some((stream, _))) = (renewals.get(c.point), &c.streams) else {
                    return (v, d);
                };
                let (g, q) = stream.age_and_survival(renewal, t);
                let slope = nodes * none_of(g, nodes - 1.0) * stream.miss_rate * q;
                (v + c.keys * any_of(g, nodes), d + c.keys * slope)
            })
        };
        let access_rate: f64 = combos
            .iter()
            .filter_map(|c| {
                c.streams
                    .as_ref()
                    .map(|(s, _)| c.keys * nodes * s.miss_rate)
            })
            .sum();
        if access_rate <= 0.0 {
            None
        } else {
            solve_increasing(occupancy, warm_capacity, warm_capacity / access_rate)
        }
    };
    let t2 = warm_time.unwrap_or(f64::INFINITY);

    // Rates, per request.
    let mut hot_hits = 0.0;
    let mut warm_hits = 0.0;
    let mut to_warm = 0.0;
    let mut stale = 0.0;
    for c in &combos {
        let (Some(renewal), Some(&p)) = (renewals.get(c.point), share.get(c.point)) else {
            continue;
        };
        let l = renewal.lambda;
        let mu = c.mu;
        let weight = c.keys * p;
        let (hot, warm, stale_share) = if versioned {
            let hot = hit_probability(l, mu, a);
            let warm = match &c.streams {
                Some((stream, _)) => versioned_warm_hits(stream, renewal, mu, a, t2, nodes),
                None => 0.0,
            };
            (hot, warm, 0.0)
        } else {
            let hot = hit_probability(l, 0.0, a);
            let (warm_given_miss, warm_fresh) = match &c.streams {
                Some((stream, changing)) => {
                    unversioned_warm(stream, changing.as_ref(), renewal, mu, t2, nodes)
                }
                None => (0.0, 1.0),
            };
            let hot_fresh = hot_fresh_share(l, mu, a);
            let fresh_of_hot_hits =
                hot_fresh * (1.0 - warm_given_miss + warm_given_miss * warm_fresh);
            let warm = (1.0 - hot) * warm_given_miss;
            let stale_share = hot * (1.0 - fresh_of_hot_hits) + warm * (1.0 - warm_fresh);
            (hot, warm, stale_share)
        };
        hot_hits += weight * hot;
        warm_hits += weight * warm;
        to_warm += weight * (1.0 - hot);
        stale += weight * stale_share;
    }
    let warm_hit_rate = if to_warm > 0.0 {
        (warm_hits / to_warm).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let hot_hit_rate = hot_hits.clamp(0.0, 1.0);
    Ok(CacheAnalysis {
        rates: super::CacheRates {
            hot_hit_rate,
            warm_hit_rate,
            overall_hit_rate: (hot_hit_rate + warm_hits).clamp(0.0, 1.0),
            stale_read_rate: stale.clamp(0.0, 1.0),
        },
        hot_characteristic_time_s: hot_time,
        warm_characteristic_time_s: warm_time,
        evaluation_points: points.len(),
    })
}

/// Versioned warm hits per node request of a key.
fn versioned_warm_hits(
    stream: &Stream,
    renewal: &Renewal,
    mu: f64,
    a: f64,
    t2: f64,
    n: f64,
) -> f64 {
    let l = renewal.lambda;
    let total = l + mu;
    let decay = if a.is_finite() {
        libm::exp(-total * a)
    } else {
        0.0
    };
    // Hot misses whose gap held no change (evictions), and those with one.
    let clean = l / total * decay;
    let changed = mu / total;
    let miss = clean + changed;
    let (clean_hit, changed_hit) = if t2.is_finite() {
        let others = none_of(stream.age_cdf(renewal, t2), n - 1.0);
        let own = if clean > 0.0 {
            (stream.clean_miss_within(renewal, t2) * miss / clean).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let refreshed = (n - 1.0) * l / (n * l + mu) * -libm::expm1(-(n * l + mu) * t2);
        (1.0 - (1.0 - own) * others, refreshed)
    } else {
        (1.0, (n - 1.0) * l / (n * l + mu))
    };
    clean * clean_hit + changed * changed_hit
}

/// `P(fresh | hot hit)` within one tier: `(1−q)φ/(1−qφ)`.
fn hot_fresh_share(lambda: f64, mu: f64, a: f64) -> f64 {
    if mu <= 0.0 {
        return 1.0;
    }
    let q = hit_probability(lambda, 0.0, a);
    if q <= 0.0 {
        return 1.0;
    }
    let q_phi = hit_probability(lambda, mu, a);
    let not_q = if a.is_finite() {
        libm::exp(-lambda * a)
    } else {
        0.0
    };
    let not_q_phi = miss_probability(lambda, mu, a);
    (not_q * (q_phi / q) / not_q_phi).clamp(0.0, 1.0)
}

/// Policy `None`: (P(warm hit | hot miss), P(fresh | warm hit)).
fn unversioned_warm(
    stream: &Stream,
    changing: Option<&Stream>,
    renewal: &Renewal,
    mu: f64,
    t2: f64,
    n: f64,
) -> (f64, f64) {
    if !t2.is_finite() {
        return (1.0, if mu > 0.0 { 0.0 } else { 1.0 });
    }
    let survival = stream.survival(renewal, t2);
    let others = none_of(stream.age_cdf(renewal, t2), n - 1.0);
    let hit = (1.0 - survival * others).clamp(0.0, 1.0);
    let Some(changing) = changing else {
        return (hit, 1.0);
    };
    if hit <= 0.0 {
        return (hit, 1.0);
    }
    // φ₂ h_w = E[e^{−μB}; B < T₂] for the gap B back to the previous warm
    // access.
    let phi_hit = if n <= 1.0 {
        changing.clean_miss_within(renewal, t2)
    } else {
        // Effective Poisson access stream with the superposed rate and the
        // characteristic time that reproduces the warm hit probability.
        let rate = n * stream.miss_rate;
        let t_eff = -libm::log1p(-hit) / rate;
        rate * one_minus_exp_over(rate + mu, t_eff)
    };
    let fresh = (1.0 - hit) * (phi_hit / hit) / (1.0 - phi_hit);
    (hit, fresh.clamp(0.0, 1.0))
}

/// Che's characteristic time (in requests) of one LRU of `capacity_keys`
/// over Zipf(`catalog_keys`, α): the root of `Σ_k (1 − e^{−p_k T}) = C`.
/// `None` when the cache holds the whole catalogue (`C ≥ N`).
pub fn che_characteristic_time(
    capacity_keys: u64,
    catalog_keys: u64,
    alpha: f64,
) -> Result<Option<f64>, ModelError> {
    Ok(
        analyse(&CacheParams::single_lru(capacity_keys, catalog_keys, alpha))?
            .hot_characteristic_time_s,
    )
}

/// Che's approximation of the hit rate of one LRU of `capacity_keys` over
/// Zipf(`catalog_keys`, α): `Σ_k p_k (1 − e^{−p_k T})`.
pub fn che_hit_rate(capacity_keys: u64, catalog_keys: u64, alpha: f64) -> Result<f64, ModelError> {
    Ok(
        analyse(&CacheParams::single_lru(capacity_keys, catalog_keys, alpha))?
            .rates
            .hot_hit_rate,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::cache::{CacheRates, GroupChanges};
    use crate::rng::{ItemRng, Stream as RngStream};

    fn params(n: u64, hot: u64, warm: u64, policy: InvalidationPolicy) -> CacheParams {
        CacheParams {
            catalog_keys: 20_000,
            alpha: 0.9,
            requests_per_s: 50.0,
            nodes: n,
            hot_capacity_keys: hot,
            warm_capacity_keys: warm,
            policy,
            changes: GroupChanges {
                class_changes_per_s: vec![0.04, 0.02, 0.01, 0.005],
                groups_per_class: 25,
            },
        }
    }

    fn assert_rates_close(a: &CacheRates, b: &CacheRates, tolerance: f64, what: &str) {
        for (x, y, name) in [
            (a.hot_hit_rate, b.hot_hit_rate, "hot"),
            (a.warm_hit_rate, b.warm_hit_rate, "warm"),
            (a.overall_hit_rate, b.overall_hit_rate, "overall"),
            (a.stale_read_rate, b.stale_read_rate, "stale"),
        ] {
            assert!((x - y).abs() <= tolerance, "{what}: {name} {x} vs {y}");
        }
    }

    #[test]
    fn che_closed_forms() {
        // Uniform popularity: occupancy N(1 − e^{−T/N}) = C, so hit = C/N.
        let hit = che_hit_rate(250, 1000, 0.0).unwrap();
        assert!((hit - 0.25).abs() < 1e-9, "{hit}");
        let t = che_characteristic_time(250, 1000, 0.0).unwrap().unwrap();
        assert!((t - (-1000.0 * libm::log(0.75))).abs() < 1e-6 * t, "{t}");
        // The same in a bucketed catalogue.
        let hit = che_hit_rate(250_000, 1_000_000, 0.0).unwrap();
        assert!((hit - 0.25).abs() < 1e-9, "{hit}");
        assert_eq!(che_hit_rate(0, 10, 1.0).unwrap(), 0.0);
        assert_eq!(che_hit_rate(10, 10, 1.0).unwrap(), 1.0);
        assert_eq!(che_characteristic_time(10, 10, 1.0).unwrap(), None);
        // One key, cache of one: always a hit after the first request.
        assert_eq!(che_hit_rate(1, 1, 3.0).unwrap(), 1.0);
    }

    /// The stream quantities against a Monte Carlo of the gap process:
    /// requests Poisson(λ), a gap is a miss when longer than `a` or when a
    /// change (Poisson(μ)) falls into it.
    #[test]
    fn miss_stream_matches_a_monte_carlo_of_its_gaps() {
        let runs = 40_000u64;
        for (lambda, a, mu) in [
            (1.0, 0.3, 0.0),
            (2.0, 0.5, 0.0),
            (1.0, 2.5, 0.0),
            (0.5, 3.0, 0.1),
            (1.0, 1.5, 0.4),
        ] {
            let renewal = Renewal::new(lambda, a);
            let stream = Stream::new(&renewal, mu);
            let checks = [0.5 * a, 1.5 * a, 2.5 * a, 5.0 * a, 9.5 * a, 14.0 * a];
            let mut beyond = [0u64; 6];
            let mut clean_within = [0u64; 6];
            let mut truncated = [0.0f64; 6];
            let mut total = 0.0;
            for run in 0..runs {
                let mut rng = ItemRng::new(7, RngStream::Sample, run);
                let mut t = 0.0;
                let clean = loop {
                    let gap = rng.exponential(1.0 / lambda);
                    let changed = mu > 0.0 && rng.exponential(1.0 / mu) < gap;
                    t += gap;
                    if changed {
                        break false;
                    }
                    if gap > a {
                        break true;
                    }
                };
                total += t;
                for (i, &c) in checks.iter().enumerate() {
                    beyond[i] += u64::from(t > c);
                    clean_within[i] += u64::from(clean && t <= c);
                    truncated[i] += t.min(c);
                }
            }
            let n = runs as f64;
            let rate = stream.miss_rate;
            // E[M] = 1 / miss rate.
            let mean = total / n;
            assert!(
                (mean * rate - 1.0).abs() < 0.03,
                "λ={lambda} a={a} μ={mu}: mean {mean} vs {}",
                1.0 / rate
            );
            for (i, &c) in checks.iter().enumerate() {
                let sigma = |p: f64| (p * (1.0 - p) / n).sqrt() + 1e-4;
                let survival = beyond[i] as f64 / n;
                let model = stream.survival(&renewal, c);
                assert!(
                    (survival - model).abs() < 4.5 * sigma(model),
                    "λ={lambda} a={a} μ={mu} t={c}: P(M>t) {survival} vs {model}"
                );
                let clean = clean_within[i] as f64 / n;
                let model = stream.clean_miss_within(&renewal, c);
                assert!(
                    (clean - model).abs() < 4.5 * sigma(model),
                    "t={c}: clean {clean} vs {model}"
                );
                // G(t) = r E[min(M, t)].
                let age = rate * truncated[i] / n;
                let model = stream.age_cdf(&renewal, c);
                assert!(
                    (age - model).abs() < 0.02 * model.max(0.05),
                    "t={c}: G {age} vs {model}"
                );
            }
            // The first miss comes no earlier than a without changes.
            if mu == 0.0 {
                assert_eq!(stream.survival(&renewal, 0.999 * a), 1.0);
            }
        }
    }

    #[test]
    fn miss_stream_limits() {
        for (lambda, a, mu) in [
            (1.0, 0.1, 0.0),
            (1.0, 1.0, 0.0),
            (3.0, 4.0, 0.2),
            (0.01, 50.0, 0.001),
            (5.0, 9.0, 0.0),
        ] {
            let renewal = Renewal::new(lambda, a);
            let stream = Stream::new(&renewal, mu);
            let far = 1e4 * (1.0 / stream.miss_rate + a);
            // G(∞) = 1 (E[M] = 1/r), the next miss eventually comes, and it is
            // clean with probability P(clean miss)/P(miss).
            assert!(
                (stream.age_cdf(&renewal, far) - 1.0).abs() < 1e-6,
                "{lambda} {a} {mu}"
            );
            assert!(stream.survival(&renewal, far) < 1e-9);
            let clean = lambda / (lambda + mu) * libm::exp(-(lambda + mu) * a);
            let expected = clean / miss_probability(lambda, mu, a);
            let got = stream.clean_miss_within(&renewal, far);
            assert!(
                (got - expected).abs() < 1e-6,
                "λ={lambda} a={a} μ={mu}: {got} vs {expected}"
            );
            assert!((stream.survival(&renewal, 0.0) - 1.0).abs() < 1e-12);
        }
        // Every request misses without a hot tier: a Poisson stream.
        let renewal = Renewal::new(2.0, 0.0);
        let stream = Stream::new(&renewal, 0.5);
        assert!((stream.survival(&renewal, 1.0) - libm::exp(-2.0)).abs() < 1e-12);
        assert!((stream.age_cdf(&renewal, 1.0) - (1.0 - libm::exp(-2.0))).abs() < 1e-12);
    }

    /// Rank buckets against the key-by-key sums.
    #[test]
    fn bucketed_sums_match_exact_sums() {
        let groupings = [
            params(1, 1, 0, InvalidationPolicy::None).changes,
            // G = 1000: buckets above G are exact over eight periods, then
            // shifted per class.
            GroupChanges {
                class_changes_per_s: (1..=20).map(|c| 0.05 / f64::from(c)).collect(),
                groups_per_class: 50,
            },
            // G > N: every key in a group of its own.
            GroupChanges {
                class_changes_per_s: vec![0.03, 0.01, 0.002],
                groups_per_class: 10_000,
            },
        ];
        // One tier: every skew and grouping on 12 000 keys (the shifted class
        // buckets start at 9G = 9 000); two tiers (slower per key) on 5 000,
        // where G = 1 000 would add nothing the segments do not cover.
        let one_tier = [
            (1, 2_000, 0, InvalidationPolicy::Versioned),
            (1, 500, 0, InvalidationPolicy::None),
        ];
        let two_tiers = [
            (4, 200, 2_000, InvalidationPolicy::Versioned),
            (3, 150, 1_500, InvalidationPolicy::None),
        ];
        let cases = |grouping: usize| {
            let tiers = if grouping == 1 {
                &two_tiers[..0]
            } else {
                &two_tiers[..]
            };
            [0.0, 0.6, 0.99, 1.2]
                .iter()
                .flat_map(|&alpha| one_tier.iter().map(move |&c| (12_000, alpha, c)))
                .chain(tiers.iter().map(|&c| (5_000, 0.8, c)))
                .collect::<Vec<_>>()
        };
        for (grouping, changes) in groupings.iter().enumerate() {
            for (catalog_keys, alpha, (n, hot, warm, policy)) in cases(grouping) {
                let mut p = params(n, hot, warm, policy);
                p.catalog_keys = catalog_keys;
                p.alpha = alpha;
                p.changes = changes.clone();
                let exact = analyse_with(&p, p.catalog_keys).unwrap();
                let bucketed = analyse(&p).unwrap();
                assert!(exact.evaluation_points > 5 * bucketed.evaluation_points);
                assert_rates_close(
                    &exact.rates,
                    &bucketed.rates,
                    1e-6,
                    &format!("α={alpha} {p:?}"),
                );
            }
        }
    }

    #[test]
    fn a_node_sees_its_share_of_requests_and_every_change() {
        for policy in [InvalidationPolicy::Versioned, InvalidationPolicy::None] {
            let cluster = analyse(&params(8, 500, 0, policy)).unwrap();
            let mut one = params(1, 500, 0, policy);
            one.requests_per_s /= 8.0;
            let node = analyse(&one).unwrap();
            assert_rates_close(&cluster.rates, &node.rates, 1e-12, "one node of eight");
            // Fewer requests per change: more invalidation (or staleness
            // drops as content is refreshed less... either way it differs).
            let single = analyse(&params(1, 500, 0, policy)).unwrap();
            match policy {
                InvalidationPolicy::Versioned => assert!(
                    cluster.rates.hot_hit_rate < single.rates.hot_hit_rate - 0.005,
                    "{cluster:?} vs {single:?}"
                ),
                InvalidationPolicy::None => {
                    assert_eq!(cluster.rates.hot_hit_rate, single.rates.hot_hit_rate);
                    assert!(cluster.rates.stale_read_rate > single.rates.stale_read_rate + 0.01);
                }
            }
        }
    }

    #[test]
    fn rates_do_not_depend_on_the_time_unit() {
        for p in [
            params(1, 2_000, 0, InvalidationPolicy::Versioned),
            params(4, 400, 4_000, InvalidationPolicy::Versioned),
            params(3, 300, 3_000, InvalidationPolicy::None),
        ] {
            let mut fast = p.clone();
            fast.requests_per_s *= 3_600.0;
            for r in &mut fast.changes.class_changes_per_s {
                *r *= 3_600.0;
            }
            let (slow, fast) = (analyse(&p).unwrap(), analyse(&fast).unwrap());
            assert_rates_close(&slow.rates, &fast.rates, 1e-9, "seconds vs hours");
            let (t_slow, t_fast) = (
                slow.hot_characteristic_time_s.unwrap(),
                fast.hot_characteristic_time_s.unwrap(),
            );
            assert!((t_slow / t_fast / 3_600.0 - 1.0).abs() < 1e-8);
        }
    }

    #[test]
    fn unbounded_caches_have_closed_forms() {
        // Everything fits: a request hits when its key was requested before
        // (always, in steady state) with no change since: λ/(λ+μ) per key.
        let mut p = params(1, 20_000, 0, InvalidationPolicy::Versioned);
        p.catalog_keys = 1_000;
        p.hot_capacity_keys = 1_000;
        let table = crate::models::zipf::ZipfTable::new(1_000, p.alpha).unwrap();
        let mu_of = |k: usize| p.changes.group_rate((k % 100) / 25);
        let expected: f64 = table
            .probabilities()
            .iter()
            .enumerate()
            .map(|(k, &pk)| {
                let l = pk * p.requests_per_s;
                pk * l / (l + mu_of(k))
            })
            .sum();
        let out = analyse(&p).unwrap();
        assert_eq!(out.hot_characteristic_time_s, None);
        assert!(
            (out.rates.hot_hit_rate - expected).abs() < 1e-12,
            "{} vs {expected}",
            out.rates.hot_hit_rate
        );
        // Eight nodes with unbounded hot and warm tiers lose nothing to the
        // split: a change costs one source fetch, the other nodes then find
        // the refreshed entry in the warm tier: nλ/(nλ+μ) per key, as above.
        p.nodes = 8;
        p.warm_capacity_keys = 1_000;
        let out = analyse(&p).unwrap();
        assert!((out.rates.overall_hit_rate - expected).abs() < 1e-12);
        assert!(out.rates.hot_hit_rate < expected - 0.01);
        // Without invalidation an entry never evicted is stale for good.
        p.policy = InvalidationPolicy::None;
        p.nodes = 1;
        p.warm_capacity_keys = 0;
        let out = analyse(&p).unwrap();
        assert!((out.rates.hot_hit_rate - 1.0).abs() < 1e-12);
        assert!((out.rates.stale_read_rate - 1.0).abs() < 1e-12);
    }

    #[test]
    fn single_tier_stale_reads_follow_the_closed_form() {
        // One key-group rate, exact sums: Σ p_k h_k (1 − (1−q)φ/(1−qφ)).
        let mut p = params(1, 300, 0, InvalidationPolicy::None);
        p.catalog_keys = 3_000;
        p.changes = GroupChanges::whole_cache(0.2);
        let out = analyse(&p).unwrap();
        let t = out.hot_characteristic_time_s.unwrap();
        let table = crate::models::zipf::ZipfTable::new(3_000, p.alpha).unwrap();
        let mu = 0.2;
        let expected: f64 = table
            .probabilities()
            .iter()
            .map(|&pk| {
                let l = pk * p.requests_per_s;
                let q = 1.0 - libm::exp(-l * t);
                let phi = l / (l + mu) * (1.0 - libm::exp(-(l + mu) * t)) / q;
                pk * q * (1.0 - (1.0 - q) * phi / (1.0 - q * phi))
            })
            .sum();
        assert!(
            (out.rates.stale_read_rate - expected).abs() < 1e-9,
            "{} vs {expected}",
            out.rates.stale_read_rate
        );
    }

    #[test]
    fn invalid_inputs_name_their_parameter() {
        let base = params(1, 100, 0, InvalidationPolicy::Versioned);
        let error = |change: &dyn Fn(&mut CacheParams)| {
            let mut p = base.clone();
            change(&mut p);
            analyse(&p).unwrap_err().to_string()
        };
        assert!(error(&|p| p.catalog_keys = 0).contains("catalog_keys"));
        assert!(error(&|p| p.catalog_keys = (1 << 40) + 1).contains("catalog_keys"));
        assert!(error(&|p| p.alpha = f64::NAN).contains("alpha"));
        assert!(error(&|p| p.requests_per_s = 0.0).contains("requests_per_s"));
        assert!(error(&|p| p.nodes = 0).contains("nodes"));
        assert!(error(&|p| p.changes.class_changes_per_s = vec![]).contains("class_changes_per_s"));
        assert!(error(&|p| p.changes.class_changes_per_s = vec![1.0, -1.0])
            .contains("class_changes_per_s[1]"));
        assert!(error(&|p| p.changes.groups_per_class = 0).contains("groups_per_class"));
        assert!(error(&|p| p.changes.groups_per_class = u64::MAX).contains("groups_per_class"));
        let json = r#"{"catalog_keys":1,"alpha":1,"requests_per_s":1,"nodes":1,"hot_capacity_keys":1,"warm_capacity_keys":0,"policy":"None","extra":1}"#;
        assert!(serde_json::from_str::<CacheParams>(json).is_err());
    }
}
