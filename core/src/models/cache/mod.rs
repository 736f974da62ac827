//! Cache hit, warm-hit and stale-read rates of a hot/warm LRU hierarchy:
//! an analytic model (what the projection uses) and an LRU simulation (its
//! independent reference, and `scalewise model cache`).
//!
//! # The system
//!
//! `nodes` hot tiers (one per node, `hot_capacity_keys` each) sit in front
//! of one shared warm tier (`warm_capacity_keys`, 0 = none) in front of the
//! source. Requests arrive at `requests_per_s` in all and are spread evenly
//! over the nodes; each asks for a key of the catalogue with Zipf(α)
//! popularity, independently of every other request (the independent
//! reference model). A request is looked up in its node's hot tier; a hot
//! miss goes to the warm tier; a warm hit is copied into the hot tier; a miss
//! in both fetches from the source and fills both (leave-copy-everywhere).
//! Every tier is LRU.
//!
//! **Change groups.** Keys belong to groups (datasets) that change version
//! independently: `changes.class_changes_per_s` lists classes of groups
//! (e.g. one per data domain, most active first), each with
//! `groups_per_class` groups sharing the class's changes uniformly, so a
//! group of class `c` changes at `μ_c = class_changes_per_s[c] /
//! groups_per_class` per second, as a Poisson process. The key of popularity
//! rank `k` (0-based) belongs to group `k mod G`, `G = classes ×
//! groups_per_class`: the most requested keys belong to the most active
//! groups. A change reaches every node: rates are per second, so a node's
//! hot tier sees `1/nodes` of the requests but every change.
//!
//! **Invalidation.** [`InvalidationPolicy::Versioned`]: entries carry their
//! group's version; a read of an older version is a miss (an invalidation)
//! and is refetched in place. [`InvalidationPolicy::None`]: entries are served
//! whatever their version; a hit on content older than its group's last
//! change is a *stale read*. Hit rates are then those without changes.
//!
//! # The analytic model ([`analyse`])
//!
//! **Che's approximation in continuous time** (H. Che, Y. Tung, Z. Wang,
//! "Hierarchical Web caching systems: modeling, design and experimental
//! results", IEEE JSAC 20(7), 2002; justified by C. Fricker, P. Robert,
//! J. Roberts, "A versatile and accurate approximation for LRU cache
//! performance", ITC 24, 2012): an LRU tier holds a key for a
//! characteristic time `T` after its last access, `T` being the root of
//! `Σ_k P(key k accessed within T) = C`. For a hot tier, with `λ_k` the
//! key's request rate at one node (`p_k · requests_per_s / nodes`),
//! `Σ_k (1 − e^{−λ_k T₁}) = C_hot`. A hit needs an access within `T` and,
//! when versioned, no change since: `P(hot hit) = λ/(λ+μ)·(1 − e^{−(λ+μ)T₁})`
//! (invalidation does not change the occupancy: a stale entry holds its slot
//! until it is read and refetched).
//!
//! **The warm tier is fed by the hot tiers' miss streams** (Che for cache
//! networks: V. Martina, M. Garetto, E. Leonardi, "A unified approach to the
//! performance analysis of caching systems", INFOCOM 2014, who show the miss
//! stream must be treated as a renewal process rather than Poisson; G.
//! Bianchi et al., "A general, tractable and accurate model for a cascade of
//! LRU caches", IEEE Comm. Letters 18(5), 2014, characterise the LRU miss
//! stream). At one node, a key's hot misses form a renewal process: a
//! request misses when the gap since the node's previous request exceeds
//! `T₁` or (versioned) a change fell into that gap. Its inter-miss time `M`
//! is computed exactly from `V₀(t) = P(no gap longer than T₁ completed by t)`,
//! which solves the delay equation `V₀' = −λe^{−λT₁}V₀(t − T₁)`: piecewise
//! polynomial, closed form on `[0, 8T₁)` (the steps of width `T₁`), then its
//! dominant exponential mode (a Lambert-W root). With `V_μ = e^{−μt}V₀`,
//!
//! ```text
//! P(M > t)           = e^{−λt} + λ ∫₀ᵗ V_μ(s) e^{−λ(t−s)} ds
//! G(t) = P(age < t)  = r ∫₀ᵗ P(M > s) ds,        r = λ(1 − P(hot hit))
//! ```
//!
//! The warm tier's characteristic time `T₂` solves
//! `Σ_k [1 − (1 − G_k(T₂))^nodes] = C_warm` (the nodes' miss streams
//! superposed as independent: exact for one node and without changes, an
//! approximation otherwise — changes reach all nodes at once). A hot miss is
//! a warm hit when:
//!
//! - the gap held no change (an eviction miss): some warm access came within
//!   `T₂` — freshness is then automatic, since the last change was followed
//!   by this node's own first access. `P = 1 − (1 − F_ii(T₂))(1 − G(T₂))^{nodes−1}`,
//!   `F_ii` the inter-miss distribution of this miss type;
//! - the gap held a change: another node read (and refreshed) the key since
//!   the change. The change came `C ~ Exp(λ+μ)` before, so
//!   `P = (n−1)λ/(nλ+μ)·(1 − e^{−(nλ+μ)T₂})`; 0 for one node.
//!
//! **Stale reads without invalidation.** Per key, with `q = 1 − e^{−λT}` and
//! `φ = λ/(λ+μ)·(1 − e^{−(λ+μ)T})/q` (the chance that a gap shorter than
//! `T` holds no change), the content read by a hit is fresh when no change
//! fell since it was fetched, that is in any of the hit gaps back to the
//! fill: `P(fresh | hit) = (1−q)φ/(1 − qφ)` (steady state). With two tiers
//! the hot content came from the warm tier at the hot fill with probability
//! `h_w` (the warm hit probability), where its own age is that of the warm
//! content: `P(fresh | hot hit) = L₁·(1 − h_w + h_w·L₂)`, `L₁` the single-tier
//! form at the node, `L₂` the same form for the warm access stream —
//! exact (renewal gaps) for one node; for several nodes an effective
//! Poisson stream with the superposed access rate and the per-key effective
//! characteristic time that reproduces `h_w`.
//!
//! **Zipf sums.** Popularity `p_k = k^{−α}/H(N, α)` is summed exactly over
//! every key for catalogues of at most [`EXACT_CATALOG_KEYS`] keys; above, the
//! first [`HEAD_RANKS`] ranks exactly and the rest by segments integrated
//! over log-rank by 4-point Gauss–Legendre (`Σ_{k=a}^{b−1} g(k) ≈
//! ∫_{a−½}^{b−½} g`): up to a factor 2 wide, one change class each below
//! `9G` (keys below `G` have groups of their own; in the next eight periods
//! of `G` ranks a class still holds markedly more popular keys than the next
//! one); above, whole periods per bucket, each class at its exact share of
//! the keys, its nodes shifted by the class's mean offset within a period,
//! with the Euler–Maclaurin term of that lattice at both ends of the
//! shifted range. `H` is summed the same way, so the model runs on the real
//! catalogue (up to [`MAX_CATALOG_KEYS`]) with no scaling of capacities.
//!
//! **Assumptions**, beyond Che's: requests are independent (no temporal
//! locality) and spread evenly over the nodes; changes are Poisson per
//! group; a request sees at most the version current when it is served;
//! the nodes' miss streams are superposed as independent renewal streams
//! (changes reach all nodes at once, which the change-miss term above
//! handles; for occupancy and eviction misses it is the approximation).
//!
//! **Accuracy** against the simulation (the tests below; release runs for
//! the larger cases): one tier on the grid capacity/catalogue ∈ {0.01, 0.1,
//! 0.2, 0.5} × α ∈ {0.6, 0.99, 1.2}, within 0.12 points; two tiers, one or
//! eight nodes, with and without changes, within 0.2 points on hit rates;
//! stale reads within 0.3 points (one tier) and 0.6 points (two tiers) for
//! caches of 10³ keys or more — with 100 keys the LRU's eviction time
//! fluctuates enough around `T` to move a stale share of 1 % by 0.2–0.4
//! points (Che's own finite-size error, which shrinks with capacity). At the
//! example's scale (10⁶ keys, 8 × 125 000 hot and 600 000 warm, 20 × 50
//! datasets): overall hit rate 0.8686 against a simulated 0.8681
//! (versioned), stale share 0.9062 against 0.9066 (no invalidation). Rank
//! buckets against key-by-key sums: within 10⁻⁷.
//!
//! # The simulation ([`simulate`])
//!
//! A real LRU per tier (O(1) per request, memory ∝ capacity), requests drawn
//! with `ItemRng::new(seed, Stream::CacheKeys, i)` (key, then node, then
//! whether a group changes before the request is served: probability
//! `Σ changes_per_s / requests_per_s`, at most one change per request). Its
//! warm-up ([`Warmup::Auto`]) runs until every tier is full — a full LRU over
//! independent requests is exactly in its stationary state, and the warm
//! tier counts as full only once its least recent entry was touched after
//! the hot tiers filled — and then until the rates over two consecutive
//! windows of doubling length agree (a stale content age has no bound, so
//! stale rates settle only after several change times). Only then are
//! `measured_requests` counted.

mod analytic;
mod simulation;

use serde::{Deserialize, Serialize};

use super::{check_range, ModelError};

pub use analytic::{analyse, che_characteristic_time, che_hit_rate, CacheAnalysis};
pub use simulation::{
    simulate, simulate_lru, LruOutcome, LruParams, SimulationOutcome, SimulationParams, Warmup,
};

/// Largest catalogue either model accepts (keys).
pub const MAX_CATALOG_KEYS: u64 = 1 << 40;
/// Catalogues up to this size are summed key by key.
pub const EXACT_CATALOG_KEYS: u64 = 4_096;
/// Larger catalogues: ranks summed key by key before the rank buckets.
pub const HEAD_RANKS: u64 = 256;
/// Most nodes (hot tiers) of a hierarchy.
pub const MAX_NODES: u64 = 65_536;
/// Most classes of change groups.
pub const MAX_GROUP_CLASSES: usize = 1 << 16;

/// How cached entries react to a version change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvalidationPolicy {
    /// Entries are stamped with the version; mismatches are refetched.
    Versioned,
    /// No invalidation: old entries are served (stale reads).
    None,
}

/// Which keys change together and how often (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupChanges {
    /// Changes per second of each class of groups, most active first (e.g.
    /// one class per data domain); finite, ≥ 0; 1 to 65 536 classes.
    pub class_changes_per_s: Vec<f64>,
    /// Groups per class (e.g. datasets per domain), ≥ 1; a class's changes
    /// hit its groups uniformly.
    pub groups_per_class: u64,
}

impl GroupChanges {
    /// Nothing ever changes.
    pub fn none() -> Self {
        Self {
            class_changes_per_s: vec![0.0],
            groups_per_class: 1,
        }
    }

    /// One group: every change invalidates every key, at `changes_per_s`.
    pub fn whole_cache(changes_per_s: f64) -> Self {
        Self {
            class_changes_per_s: vec![changes_per_s],
            groups_per_class: 1,
        }
    }

    /// Changes per second over all groups.
    pub fn total_per_s(&self) -> f64 {
        self.class_changes_per_s.iter().fold(0.0, |sum, r| sum + r)
    }

    /// `G = classes × groups_per_class`, validated.
    pub(crate) fn validate(&self) -> Result<u64, ModelError> {
        let classes = self.class_changes_per_s.len();
        if classes == 0 || classes > MAX_GROUP_CLASSES {
            return Err(ModelError::out_of_range(
                "changes.class_changes_per_s.len",
                classes as f64,
                &format!("1 ≤ classes ≤ {MAX_GROUP_CLASSES}"),
            ));
        }
        for (i, &rate) in self.class_changes_per_s.iter().enumerate() {
            check_range(
                &format!("changes.class_changes_per_s[{i}]"),
                rate,
                0.0,
                f64::MAX,
            )?;
        }
        if !self.total_per_s().is_finite() {
            return Err(ModelError::out_of_range(
                "changes.class_changes_per_s",
                self.total_per_s(),
                "a finite sum",
            ));
        }
        if self.groups_per_class == 0 {
            return Err(ModelError::out_of_range(
                "changes.groups_per_class",
                0.0,
                "groups_per_class ≥ 1",
            ));
        }
        (classes as u64)
            .checked_mul(self.groups_per_class)
            .ok_or_else(|| {
                ModelError::out_of_range(
                    "changes.groups_per_class",
                    self.groups_per_class as f64,
                    "classes × groups_per_class ≤ 2^64 − 1",
                )
            })
    }

    /// Change rate (per second) of one group of class `class`.
    fn group_rate(&self, class: usize) -> f64 {
        self.class_changes_per_s.get(class).copied().unwrap_or(0.0) / self.groups_per_class as f64
    }
}

impl Default for GroupChanges {
    fn default() -> Self {
        Self::none()
    }
}

/// A cache hierarchy under its workload: the inputs of both models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheParams {
    /// Distinct keys, `1 ≤ catalog_keys ≤ 2^40`.
    pub catalog_keys: u64,
    /// Zipf skew of key popularity, `0 ≤ alpha ≤ 10`.
    pub alpha: f64,
    /// Requests per second over all nodes, finite and > 0 (only ratios of
    /// rates matter to the rates the models return).
    pub requests_per_s: f64,
    /// Hot tiers, one per node, each seeing `1/nodes` of the requests;
    /// `1 ≤ nodes ≤ 65 536`.
    pub nodes: u64,
    /// Capacity of each node's hot tier, in keys.
    pub hot_capacity_keys: u64,
    /// Capacity of the shared warm tier, in keys (0: no warm tier).
    pub warm_capacity_keys: u64,
    /// What a version change does to cached entries.
    pub policy: InvalidationPolicy,
    /// Change groups and their rates.
    #[serde(default)]
    pub changes: GroupChanges,
}

impl CacheParams {
    /// One LRU of `capacity_keys` over Zipf(`catalog_keys`, `alpha`), nothing
    /// changing: the setting of Che's approximation.
    pub fn single_lru(capacity_keys: u64, catalog_keys: u64, alpha: f64) -> Self {
        Self {
            catalog_keys,
            alpha,
            requests_per_s: 1.0,
            nodes: 1,
            hot_capacity_keys: capacity_keys,
            warm_capacity_keys: 0,
            policy: InvalidationPolicy::Versioned,
            changes: GroupChanges::none(),
        }
    }

    /// Checks every field; returns `G`, the number of change groups.
    pub(crate) fn validate(&self) -> Result<u64, ModelError> {
        if self.catalog_keys == 0 || self.catalog_keys > MAX_CATALOG_KEYS {
            return Err(ModelError::out_of_range(
                "catalog_keys",
                self.catalog_keys as f64,
                &format!("1 ≤ catalog_keys ≤ {MAX_CATALOG_KEYS}"),
            ));
        }
        check_range("alpha", self.alpha, 0.0, super::zipf::MAX_ALPHA)?;
        check_range(
            "requests_per_s",
            self.requests_per_s,
            f64::MIN_POSITIVE,
            f64::MAX,
        )?;
        if self.nodes == 0 || self.nodes > MAX_NODES {
            return Err(ModelError::out_of_range(
                "nodes",
                self.nodes as f64,
                &format!("1 ≤ nodes ≤ {MAX_NODES}"),
            ));
        }
        self.changes.validate()
    }
}

/// Steady-state rates of a cache hierarchy, per request.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CacheRates {
    /// Requests served by a hot tier.
    pub hot_hit_rate: f64,
    /// Of the requests that reach the warm tier (hot misses), the share it
    /// serves (0 without a warm tier or when nothing reaches it).
    pub warm_hit_rate: f64,
    /// Requests served by either tier: `hot + (1 − hot) × warm`.
    pub overall_hit_rate: f64,
    /// Requests served content older than its group's last change (policy
    /// `None` only).
    pub stale_read_rate: f64,
}

impl CacheRates {
    /// Requests fetched from the source: `1 − overall_hit_rate`.
    pub fn source_fetch_rate(&self) -> f64 {
        (1.0 - self.overall_hit_rate).max(0.0)
    }

    /// Requests served by the warm tier: `overall − hot`.
    pub fn warm_hit_share(&self) -> f64 {
        (self.overall_hit_rate - self.hot_hit_rate).max(0.0)
    }
}

/// The analytic model against the simulation (its independent reference).
#[cfg(test)]
mod tests {
    use super::*;

    fn simulated(params: &CacheParams, measured_requests: u64, seed: u64) -> SimulationOutcome {
        let out = simulate(&SimulationParams {
            cache: params.clone(),
            measured_requests,
            warmup: Warmup::Auto {
                max_requests: 200_000_000,
            },
            seed,
        })
        .unwrap();
        assert!(out.tiers_full && out.rates_stable, "{params:?}: {out:?}");
        out
    }

    /// Class change rates (per request at 1 request/s) with Zipf(1.1)
    /// activity, `drift` per request in all.
    fn datasets(classes: usize, groups_per_class: u64, drift: f64) -> GroupChanges {
        let weights: Vec<f64> = (1..=classes).map(|c| libm::pow(c as f64, -1.1)).collect();
        let total: f64 = weights.iter().sum();
        GroupChanges {
            class_changes_per_s: weights.iter().map(|w| w / total * drift).collect(),
            groups_per_class,
        }
    }

    fn hierarchy(
        nodes: u64,
        hot: u64,
        warm: u64,
        catalog_keys: u64,
        policy: InvalidationPolicy,
        changes: GroupChanges,
    ) -> CacheParams {
        CacheParams {
            catalog_keys,
            alpha: 0.9,
            requests_per_s: 1.0,
            nodes,
            hot_capacity_keys: hot,
            warm_capacity_keys: warm,
            policy,
            changes,
        }
    }

    fn check(params: &CacheParams, measured_requests: u64, tolerance: [f64; 3]) {
        let model = analyse(params).unwrap().rates;
        let sim = simulated(params, measured_requests, 5).rates;
        for (name, m, s, tol) in [
            (
                "hot hit rate",
                model.hot_hit_rate,
                sim.hot_hit_rate,
                tolerance[0],
            ),
            (
                "overall hit rate",
                model.overall_hit_rate,
                sim.overall_hit_rate,
                tolerance[1],
            ),
            (
                "stale read rate",
                model.stale_read_rate,
                sim.stale_read_rate,
                tolerance[2],
            ),
        ] {
            assert!(
                (m - s).abs() <= tol,
                "{params:?}: {name} model {m} vs simulated {s}"
            );
        }
    }

    #[test]
    fn one_tier_matches_che_within_a_point() {
        for alpha in [0.6, 0.99, 1.2] {
            for share in [0.01, 0.1, 0.2, 0.5] {
                let params = CacheParams::single_lru((share * 5_000.0) as u64, 5_000, alpha);
                check(&params, 150_000, [0.01, 0.01, 0.0]);
            }
        }
    }

    #[test]
    fn two_tiers_match_the_simulation() {
        use InvalidationPolicy::Versioned;
        for params in [
            hierarchy(1, 50, 500, 5_000, Versioned, GroupChanges::none()),
            // A hot tier close to the warm one: the warm tier sees few hits.
            hierarchy(1, 200, 400, 5_000, Versioned, GroupChanges::none()),
            hierarchy(8, 50, 1_000, 5_000, Versioned, GroupChanges::none()),
            hierarchy(1, 50, 500, 5_000, Versioned, datasets(20, 10, 2e-3)),
            hierarchy(8, 50, 1_000, 5_000, Versioned, datasets(20, 10, 2e-3)),
            hierarchy(8, 50, 1_000, 5_000, Versioned, datasets(4, 5, 2e-2)),
        ] {
            check(&params, 150_000, [0.01, 0.015, 0.0]);
        }
    }

    #[test]
    fn stale_reads_match_a_long_simulation() {
        use InvalidationPolicy::None;
        for (params, stale_tolerance) in [
            (
                hierarchy(1, 1_000, 0, 10_000, None, datasets(4, 5, 3e-3)),
                0.01,
            ),
            (
                hierarchy(1, 500, 2_000, 10_000, None, datasets(4, 5, 3e-3)),
                0.015,
            ),
            (
                hierarchy(8, 300, 3_000, 10_000, None, datasets(4, 5, 3e-3)),
                0.015,
            ),
        ] {
            check(&params, 150_000, [0.01, 0.01, stale_tolerance]);
        }
    }

    #[test]
    fn stale_rate_does_not_depend_on_the_measured_window() {
        // (A warm-up of twice the capacity reads 0.311 over one window and
        // 0.331 over four: the stale share was still rising.)
        let params = hierarchy(
            1,
            1_000,
            0,
            10_000,
            InvalidationPolicy::None,
            datasets(4, 5, 1e-3),
        );
        let one = simulated(&params, 100_000, 9).rates;
        let four = simulated(&params, 400_000, 9).rates;
        assert!(
            (one.stale_read_rate - four.stale_read_rate).abs() < 0.01,
            "1 window {} vs 4 windows {}",
            one.stale_read_rate,
            four.stale_read_rate
        );
        let model = analyse(&params).unwrap().rates.stale_read_rate;
        assert!(
            (one.stale_read_rate - model).abs() < 0.01,
            "{} vs {model}",
            one.stale_read_rate
        );
    }
}
