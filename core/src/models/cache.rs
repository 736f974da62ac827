//! Cache hit-rate models: a real LRU simulation, Che's approximation, and a
//! two-tier (hot in front of warm) LRU with schema/model-version drift per
//! key group.
//!
//! **Workload.** Independent reference model: request `i` asks for key
//! `Zipf(catalog_keys, α)` drawn with `ItemRng::new(seed, Stream::CacheKeys, i)`
//! (see [`super::zipf`]), so every request's key depends only on
//! `(seed, i)`. The first `warmup_requests` requests fill the caches and are
//! not counted; the next `requests` are measured.
//!
//! **LRU.** O(1) per request: slots in a flat `Vec` linked into a recency
//! list by `u32` indices, and a key → slot index by open addressing with a
//! fixed hash (deterministic, never iterated; memory ∝ capacity). No code
//! path depends on the number of requests.
//!
//! **Che's approximation** (H. Che, Y. Tung, Z. Wang, "Hierarchical Web
//! caching systems: modeling, design and experimental results", IEEE JSAC
//! 20(7), 2002; justified by C. Fricker, P. Robert, J. Roberts, ITC 2012):
//! an LRU of capacity `C` behaves as if every key stays cached for a
//! characteristic time `T` after its last request, where
//! `Σ_i (1 − e^{−p_i T}) = C`; then `hit = Σ_i p_i (1 − e^{−p_i T})`.
//! `T` (in requests) is found by bisection.
//!
//! **Two tiers.** [`simulate_two_tier`]: a hot LRU in front of a warm LRU.
//! A request is looked up in hot; a hot miss goes to warm; a warm hit is
//! copied into hot (promotion); a miss in both fetches from the source and
//! fills warm and hot (inclusive read-through fill). Hot therefore sees every
//! request and is exactly an LRU over the full stream.
//!
//! **Version drift, per key group.** Keys belong to *groups* that change
//! version independently, the way cached features belong to the dataset
//! whose schema (or producing model) they follow. [`KeyGroups`] describes
//! `G = classes × groups_per_class` groups: group rank `r` lies in class
//! `r / groups_per_class`, and classes are listed most active first (e.g.
//! one class per data domain, ordered by the domain's event share, with one
//! group per dataset of the domain).
//!
//! - *Which keys a group holds.* The key of popularity rank `k` belongs to
//!   group rank `k mod G`: every group holds about `N / G` keys, and the most
//!   requested keys belong to the most active groups (key popularity and
//!   group activity are ranked consistently; a catalogue smaller than `G`
//!   puts each key in a group of its own).
//! - *Which group changes.* Before request `i` is served, with probability
//!   `drift_rate` one group changes version (draws made after the key, from
//!   the same per-request generator): its class is drawn by the class
//!   weights, the group uniformly within the class.
//!
//! Every group has its own version counter (a `Vec` indexed by group, so a
//! request stays O(1); a change costs O(log classes)). A cached entry stores
//! the version its group had when it was filled.
//! - [`InvalidationPolicy::Versioned`]: a read compares the stamp with its
//!   group's version; a mismatched entry counts as an invalidation and a
//!   miss, and is refetched (overwritten in place). Only the changed group's
//!   entries miss; no stale reads.
//! - [`InvalidationPolicy::None`]: entries are served whatever their stamp; a
//!   hit on an entry older than its group's version is a stale read, and the
//!   entry stays stale until it is evicted. Hit rates are exactly those
//!   without drift.
//!
//! [`KeyGroups::whole_cache`] (one group) is the coarse model in which any
//! change invalidates every cached entry.
//!
//! With unbounded capacity and versioning, the steady-state hit rate has the
//! closed form `Σ_k p_k² (1 − b_k) / (b_k + p_k − b_k p_k)`, where
//! `b_k = drift_rate × P(the change hits k's group)` (a hit needs an earlier
//! request for the key with no change of its group since); the tests check
//! the simulation against it.

use serde::{Deserialize, Serialize};

use super::zipf::Zipf;
use super::{check_range, ModelError};
use crate::rng::{mix64, ItemRng, Stream};

/// Largest cache capacity accepted (keys per tier).
pub const MAX_CAPACITY_KEYS: u64 = 10_000_000;
/// Largest catalogue accepted by the simulations.
pub const MAX_CATALOG_KEYS: u64 = 1 << 40;
/// Largest catalogue accepted by [`che_hit_rate`] (it holds the pmf).
pub const MAX_CHE_CATALOG_KEYS: u64 = 1 << 22;
/// Most requests (warm-up plus measured) one simulation may run.
pub const MAX_TOTAL_REQUESTS: u64 = 1_000_000_000;
/// Most classes of key groups ([`KeyGroups::class_weights`]).
pub const MAX_GROUP_CLASSES: usize = 1 << 16;
/// Most key groups that can hold a key, `min(G, catalog_keys)`: one version
/// counter each (128 MiB at most).
pub const MAX_KEY_GROUPS: u64 = 1 << 24;

/// Inputs of a single LRU simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LruParams {
    /// Cache capacity in keys, `0 ≤ capacity_keys ≤ 1e7`.
    pub capacity_keys: u64,
    /// Number of distinct keys, `1 ≤ catalog_keys ≤ 2^40`.
    pub catalog_keys: u64,
    /// Zipf skew, `0 ≤ alpha ≤ 10`.
    pub alpha: f64,
    /// Measured requests, ≥ 1.
    pub requests: u64,
    /// Seed of the key stream.
    pub seed: u64,
    /// Requests served before measuring (fills the cache).
    pub warmup_requests: u64,
}

/// Result of [`simulate_lru`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LruOutcome {
    /// Measured requests.
    pub requests: u64,
    /// Measured hits.
    pub hits: u64,
    /// `hits / requests`.
    pub hit_rate: f64,
}

/// How cached entries react to a version change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvalidationPolicy {
    /// Entries are stamped with the version; mismatches are refetched.
    Versioned,
    /// No invalidation: old entries are served (stale reads).
    None,
}

/// How keys fall into groups that change version independently (see the
/// module docs): `class_weights.len() × groups_per_class` groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyGroups {
    /// Relative change frequency of each class of groups, most active first
    /// (e.g. each data domain's share of events); finite, ≥ 0, positive sum,
    /// at most 65 536 classes.
    pub class_weights: Vec<f64>,
    /// Groups per class (e.g. datasets per domain), ≥ 1; a change hits the
    /// groups of its class uniformly.
    pub groups_per_class: u64,
}

impl KeyGroups {
    /// One group: any change invalidates every cached entry.
    pub fn whole_cache() -> Self {
        Self {
            class_weights: vec![1.0],
            groups_per_class: 1,
        }
    }
}

impl Default for KeyGroups {
    fn default() -> Self {
        Self::whole_cache()
    }
}

/// Schema/model-version drift and how the caches handle it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invalidation {
    /// What happens to entries cached under an older version.
    pub policy: InvalidationPolicy,
    /// Probability per request that one key group changes version, in [0, 1].
    pub drift_rate: f64,
    /// Which keys a change affects (default: the whole cache).
    #[serde(default)]
    pub groups: KeyGroups,
}

/// Inputs of a two-tier simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwoTierParams {
    /// Hot (front) tier capacity in keys, `0 ≤ … ≤ 1e7`.
    pub hot_capacity_keys: u64,
    /// Warm (second) tier capacity in keys, `0 ≤ … ≤ 1e7`.
    pub warm_capacity_keys: u64,
    /// Number of distinct keys, `1 ≤ catalog_keys ≤ 2^40`.
    pub catalog_keys: u64,
    /// Zipf skew, `0 ≤ alpha ≤ 10`.
    pub alpha: f64,
    /// Measured requests, ≥ 1.
    pub requests: u64,
    /// Requests served before measuring.
    pub warmup_requests: u64,
    /// Seed of the key and drift streams.
    pub seed: u64,
    /// Version drift and invalidation policy.
    pub invalidation: Invalidation,
}

/// Result of [`simulate_two_tier`]; counts cover measured requests only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwoTierOutcome {
    /// Measured requests.
    pub requests: u64,
    /// Requests served by the hot tier.
    pub hot_hits: u64,
    /// Requests served by the warm tier.
    pub warm_hits: u64,
    /// Requests fetched from the source.
    pub source_fetches: u64,
    /// Hits on entries older than the current version (policy `None` only).
    pub stale_reads: u64,
    /// Entries found with an old stamp and refetched (policy `Versioned`).
    pub invalidations: u64,
    /// Group version changes during the measured requests.
    pub version_changes: u64,
    /// `hot_hits / requests`.
    pub hot_hit_rate: f64,
    /// `warm_hits / (requests − hot_hits)`: hit rate of the traffic that
    /// reaches warm (0 when none does).
    pub warm_hit_rate: f64,
    /// `(hot_hits + warm_hits) / requests`.
    pub overall_hit_rate: f64,
    /// `stale_reads / requests`.
    pub stale_read_rate: f64,
}

const NIL: u32 = u32::MAX;

/// Key → slot: open addressing with linear probing in a power-of-two table
/// at most two-thirds full. Each position holds a 32-bit hash of the key
/// (SplitMix64's high half; its low bits pick the home position) and the slot
/// number, so probing stays inside the table and the slot's key is read only
/// to confirm a hash match. Deterministic (fixed hash, never iterated), O(1)
/// expected per operation, memory proportional to the cache capacity rather
/// than the catalogue. Deletion shifts entries back, so there are no
/// tombstones.
#[derive(Debug)]
struct KeyIndex {
    /// `(hash, slot)`; slot `NIL` marks an empty position.
    table: Vec<(u32, u32)>,
    mask: usize,
}

enum Probe {
    /// The key is at this table position and refers to this slot.
    Found(usize, u32),
    /// The key is absent; this is the empty position ending its probe run.
    Vacant(usize),
}

fn key_hash(key: u64) -> u32 {
    (mix64(key) >> 32) as u32
}

impl KeyIndex {
    fn new(entries: usize) -> Self {
        let size = (entries + entries / 2 + 1).next_power_of_two();
        Self {
            table: vec![(0, NIL); size],
            mask: size - 1,
        }
    }

    fn home(&self, hash: u32) -> usize {
        hash as usize & self.mask
    }

    fn probe(&self, key: u64, slots: &[Slot]) -> Option<Probe> {
        let hash = key_hash(key);
        let mut pos = self.home(hash);
        // The table is never full, so an empty position ends every run.
        for _ in 0..self.table.len() {
            let (entry_hash, slot) = *self.table.get(pos)?;
            if slot == NIL {
                return Some(Probe::Vacant(pos));
            }
            if entry_hash == hash && slots.get(slot as usize).is_some_and(|s| s.key == key) {
                return Some(Probe::Found(pos, slot));
            }
            pos = (pos + 1) & self.mask;
        }
        None
    }

    fn get(&self, key: u64, slots: &[Slot]) -> Option<u32> {
        match self.probe(key, slots)? {
            Probe::Found(_, slot) => Some(slot),
            Probe::Vacant(_) => None,
        }
    }

    /// Records `key → slot` (`key` must be absent).
    fn insert(&mut self, key: u64, slot: u32, slots: &[Slot]) {
        if let Some(Probe::Vacant(pos)) = self.probe(key, slots) {
            if let Some(cell) = self.table.get_mut(pos) {
                *cell = (key_hash(key), slot);
            }
        }
    }

    /// Forgets `key`, shifting later members of its probe run back.
    fn remove(&mut self, key: u64, slots: &[Slot]) {
        let Some(Probe::Found(mut hole, _)) = self.probe(key, slots) else {
            return;
        };
        let mut pos = hole;
        for _ in 0..self.table.len() {
            pos = (pos + 1) & self.mask;
            let Some(&entry) = self.table.get(pos) else {
                break;
            };
            if entry.1 == NIL {
                break;
            }
            // The entry may fill the hole unless its home lies in (hole, pos].
            let home_to_pos = pos.wrapping_sub(self.home(entry.0)) & self.mask;
            let hole_to_pos = pos.wrapping_sub(hole) & self.mask;
            if home_to_pos >= hole_to_pos {
                if let Some(cell) = self.table.get_mut(hole) {
                    *cell = entry;
                }
                hole = pos;
            }
        }
        if let Some(cell) = self.table.get_mut(hole) {
            *cell = (0, NIL);
        }
    }
}

/// One cached entry, linked into the recency list.
#[derive(Debug, Clone, Copy)]
struct Slot {
    key: u64,
    version: u64,
    /// Towards the most recently used end.
    prev: u32,
    /// Towards the least recently used end.
    next: u32,
}

/// A fixed-capacity LRU over keys `0..catalog_keys` with version stamps.
#[derive(Debug)]
struct Lru {
    capacity: usize,
    slots: Vec<Slot>,
    index: KeyIndex,
    /// Most recently used slot.
    head: u32,
    /// Least recently used slot.
    tail: u32,
}

impl Lru {
    fn new(capacity_keys: u64, catalog_keys: u64) -> Self {
        // Validated ≤ 1e7 by callers; clamp anyway.
        let capacity = usize::try_from(capacity_keys.min(MAX_CAPACITY_KEYS)).unwrap_or(0);
        // Only the slots that can ever be used.
        let capacity = capacity.min(usize::try_from(catalog_keys).unwrap_or(usize::MAX));
        Self {
            capacity,
            slots: Vec::with_capacity(capacity),
            index: KeyIndex::new(capacity),
            head: NIL,
            tail: NIL,
        }
    }

    fn slot(&self, slot: u32) -> Option<&Slot> {
        self.slots.get(slot as usize)
    }

    fn slot_mut(&mut self, slot: u32) -> Option<&mut Slot> {
        self.slots.get_mut(slot as usize)
    }

    fn unlink(&mut self, slot: u32) {
        let Some(&Slot { prev, next, .. }) = self.slot(slot) else {
            return;
        };
        match self.slot_mut(prev) {
            Some(p) => p.next = next,
            None => self.head = next,
        }
        match self.slot_mut(next) {
            Some(n) => n.prev = prev,
            None => self.tail = prev,
        }
    }

    fn push_front(&mut self, slot: u32) {
        let old_head = self.head;
        if let Some(s) = self.slot_mut(slot) {
            s.prev = NIL;
            s.next = old_head;
        }
        match self.slot_mut(old_head) {
            Some(h) => h.prev = slot,
            None => self.tail = slot,
        }
        self.head = slot;
    }

    /// The cached version of `key`, marking it most recently used.
    fn touch(&mut self, key: u64) -> Option<u64> {
        let slot = self.index.get(key, &self.slots)?;
        if slot != self.head {
            self.unlink(slot);
            self.push_front(slot);
        }
        self.slot(slot).map(|s| s.version)
    }

    /// Caches `key` at `version` as most recently used, evicting the least
    /// recently used entry when full. Updates the stamp if already cached.
    fn put(&mut self, key: u64, version: u64) {
        if self.capacity == 0 {
            return;
        }
        if self.touch(key).is_some() {
            // `touch` made it the head.
            let head = self.head;
            if let Some(s) = self.slot_mut(head) {
                s.version = version;
            }
            return;
        }
        let slot = if self.slots.len() < self.capacity {
            let Ok(slot) = u32::try_from(self.slots.len()) else {
                return;
            };
            self.slots.push(Slot {
                key,
                version,
                prev: NIL,
                next: NIL,
            });
            slot
        } else {
            let victim = self.tail;
            let Some(&Slot { key: old_key, .. }) = self.slot(victim) else {
                return;
            };
            self.index.remove(old_key, &self.slots);
            self.unlink(victim);
            if let Some(s) = self.slot_mut(victim) {
                s.key = key;
                s.version = version;
            }
            victim
        };
        self.index.insert(key, slot, &self.slots);
        self.push_front(slot);
    }
}

fn check_count(name: &str, value: u64, min: u64, max: u64) -> Result<u64, ModelError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ModelError::out_of_range(
            name,
            value as f64,
            &format!("{min} ≤ {name} ≤ {max}"),
        ))
    }
}

fn check_requests(requests: u64, warmup_requests: u64) -> Result<(), ModelError> {
    check_count("requests", requests, 1, MAX_TOTAL_REQUESTS)?;
    check_count(
        "warmup_requests",
        warmup_requests,
        0,
        MAX_TOTAL_REQUESTS - requests,
    )?;
    Ok(())
}

fn rate(numerator: u64, denominator: u64) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// Validated [`KeyGroups`]: the group of a key and the group a change hits.
#[derive(Debug)]
struct GroupDrift {
    /// `G`, ≥ 1.
    groups: u64,
    groups_per_class: u64,
    /// Normalised cumulative class weights; the last entry is exactly 1.
    cumulative: Vec<f64>,
}

impl GroupDrift {
    fn new(groups: &KeyGroups) -> Result<Self, ModelError> {
        let weights = &groups.class_weights;
        check_count(
            "invalidation.groups.class_weights.len",
            weights.len() as u64,
            1,
            MAX_GROUP_CLASSES as u64,
        )?;
        for (i, &w) in weights.iter().enumerate() {
            check_range(
                &format!("invalidation.groups.class_weights[{i}]"),
                w,
                0.0,
                f64::MAX,
            )?;
        }
        let total = weights.iter().fold(0.0, |sum, w| sum + w);
        if !(total.is_finite() && total > 0.0) {
            return Err(ModelError::out_of_range(
                "invalidation.groups.class_weights",
                total,
                "a finite, positive sum",
            ));
        }
        let groups_per_class = check_count(
            "invalidation.groups.groups_per_class",
            groups.groups_per_class,
            1,
            u64::MAX,
        )?;
        let count = (weights.len() as u64)
            .checked_mul(groups_per_class)
            .ok_or_else(|| {
                ModelError::out_of_range(
                    "invalidation.groups.groups_per_class",
                    groups_per_class as f64,
                    "classes × groups_per_class ≤ 2^64 − 1",
                )
            })?;
        let cumulative = super::cumulative_shares(weights, total);
        Ok(Self {
            groups: count,
            groups_per_class,
            cumulative,
        })
    }

    /// Groups that can hold a key of a catalogue of `catalog_keys`: the
    /// length of the version table.
    fn tracked(&self, catalog_keys: u64) -> Result<usize, ModelError> {
        let tracked = self.groups.min(catalog_keys);
        check_count("min(key groups, catalog_keys)", tracked, 1, MAX_KEY_GROUPS)?;
        usize::try_from(tracked).map_err(|_| ModelError::Invalid("too many key groups".to_owned()))
    }

    /// Group of the key of popularity rank `key`.
    fn group_of(&self, key: u64) -> usize {
        // < min(G, catalog) ≤ MAX_KEY_GROUPS, which fits usize.
        (key % self.groups) as usize
    }

    /// The group a change hits: its class by weight, then uniformly within.
    fn draw(&self, rng: &mut ItemRng) -> u64 {
        let u = rng.next_f64();
        let class = self
            .cumulative
            .partition_point(|&c| c <= u)
            .min(self.cumulative.len().saturating_sub(1));
        let within = rng.below(self.groups_per_class);
        (class as u64)
            .saturating_mul(self.groups_per_class)
            .saturating_add(within)
    }
}

/// Simulates one LRU cache under a Zipf independent-reference stream.
pub fn simulate_lru(params: &LruParams) -> Result<LruOutcome, ModelError> {
    check_count("capacity_keys", params.capacity_keys, 0, MAX_CAPACITY_KEYS)?;
    check_count("catalog_keys", params.catalog_keys, 1, MAX_CATALOG_KEYS)?;
    check_requests(params.requests, params.warmup_requests)?;
    let zipf = Zipf::new(params.catalog_keys, params.alpha)?;
    let mut cache = Lru::new(params.capacity_keys, params.catalog_keys);
    let mut hits = 0u64;
    let total = params.warmup_requests + params.requests;
    for i in 0..total {
        let key = zipf.sample(&mut ItemRng::new(params.seed, Stream::CacheKeys, i));
        let hit = cache.touch(key).is_some();
        if !hit {
            cache.put(key, 0);
        }
        if i >= params.warmup_requests {
            hits += u64::from(hit);
        }
    }
    Ok(LruOutcome {
        requests: params.requests,
        hits,
        hit_rate: rate(hits, params.requests),
    })
}

/// Zipf pmf over `catalog_keys` ranks (summed in rank order).
fn zipf_pmf(catalog_keys: usize, alpha: f64) -> Vec<f64> {
    let weights: Vec<f64> = (1..=catalog_keys)
        .map(|j| libm::pow(j as f64, -alpha))
        .collect();
    let total: f64 = weights.iter().sum();
    weights.into_iter().map(|w| w / total).collect()
}

/// Expected number of cached keys at characteristic time `t`.
fn che_occupancy(pmf: &[f64], t: f64) -> f64 {
    pmf.iter().map(|&p| -libm::expm1(-p * t)).sum()
}

fn validate_che(capacity_keys: u64, catalog_keys: u64, alpha: f64) -> Result<(), ModelError> {
    check_count("catalog_keys", catalog_keys, 1, MAX_CHE_CATALOG_KEYS)?;
    check_range("alpha", alpha, 0.0, super::zipf::MAX_ALPHA)?;
    check_count("capacity_keys", capacity_keys, 0, u64::MAX)?;
    Ok(())
}

/// Che's characteristic time `T` (in requests) for an LRU of
/// `capacity_keys` over Zipf(`catalog_keys`, α): the root of
/// `Σ_i (1 − e^{−p_i T}) = C`. `None` when `C = 0` (T = 0) or `C ≥ N`
/// (T = ∞: everything fits).
pub fn che_characteristic_time(
    capacity_keys: u64,
    catalog_keys: u64,
    alpha: f64,
) -> Result<Option<f64>, ModelError> {
    validate_che(capacity_keys, catalog_keys, alpha)?;
    if capacity_keys == 0 || capacity_keys >= catalog_keys {
        return Ok(None);
    }
    let pmf = zipf_pmf(usize::try_from(catalog_keys).unwrap_or(0), alpha);
    Ok(che_time_for_pmf(&pmf, capacity_keys as f64))
}

fn che_time_for_pmf(pmf: &[f64], capacity: f64) -> Option<f64> {
    // occupancy(T) ≤ T, so T ≥ C; double until the occupancy reaches C.
    let mut lo = capacity;
    let mut hi = capacity;
    while che_occupancy(pmf, hi) < capacity {
        lo = hi;
        hi *= 2.0;
        if !hi.is_finite() {
            return None; // C so close to N that T is beyond f64.
        }
    }
    for _ in 0..200 {
        if hi - lo <= 1e-13 * hi {
            break;
        }
        let mid = 0.5 * (lo + hi);
        if che_occupancy(pmf, mid) < capacity {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(0.5 * (lo + hi))
}

/// Che's approximation of the LRU hit rate, `Σ_i p_i (1 − e^{−p_i T})`.
///
/// 1 when the cache holds the whole catalogue, 0 when it holds nothing.
/// Cost O(N) memory and O(N · 60) time: `catalog_keys ≤ 2^22`.
pub fn che_hit_rate(capacity_keys: u64, catalog_keys: u64, alpha: f64) -> Result<f64, ModelError> {
    validate_che(capacity_keys, catalog_keys, alpha)?;
    if capacity_keys == 0 {
        return Ok(0.0);
    }
    if capacity_keys >= catalog_keys {
        return Ok(1.0);
    }
    let pmf = zipf_pmf(usize::try_from(catalog_keys).unwrap_or(0), alpha);
    Ok(match che_time_for_pmf(&pmf, capacity_keys as f64) {
        Some(t) => pmf.iter().map(|&p| p * -libm::expm1(-p * t)).sum(),
        None => 1.0,
    })
}

/// Simulates a hot LRU in front of a warm LRU with per-group version drift.
pub fn simulate_two_tier(params: &TwoTierParams) -> Result<TwoTierOutcome, ModelError> {
    check_count(
        "hot_capacity_keys",
        params.hot_capacity_keys,
        0,
        MAX_CAPACITY_KEYS,
    )?;
    check_count(
        "warm_capacity_keys",
        params.warm_capacity_keys,
        0,
        MAX_CAPACITY_KEYS,
    )?;
    check_count("catalog_keys", params.catalog_keys, 1, MAX_CATALOG_KEYS)?;
    check_requests(params.requests, params.warmup_requests)?;
    let drift_rate = check_range(
        "invalidation.drift_rate",
        params.invalidation.drift_rate,
        0.0,
        1.0,
    )?;
    let versioned = params.invalidation.policy == InvalidationPolicy::Versioned;
    let groups = GroupDrift::new(&params.invalidation.groups)?;
    // One version counter per group that can hold a key; a change of a group
    // beyond the catalogue (G > catalog_keys) touches no cached entry.
    let mut versions = vec![0u64; groups.tracked(params.catalog_keys)?];
    let zipf = Zipf::new(params.catalog_keys, params.alpha)?;
    let mut hot = Lru::new(params.hot_capacity_keys, params.catalog_keys);
    let mut warm = Lru::new(params.warm_capacity_keys, params.catalog_keys);

    let mut out = TwoTierOutcome {
        requests: params.requests,
        hot_hits: 0,
        warm_hits: 0,
        source_fetches: 0,
        stale_reads: 0,
        invalidations: 0,
        version_changes: 0,
        hot_hit_rate: 0.0,
        warm_hit_rate: 0.0,
        overall_hit_rate: 0.0,
        stale_read_rate: 0.0,
    };
    // Counters advance during warm-up too; the measured part is the difference.
    let mut warmup_snapshot = out.clone();
    let total = params.warmup_requests + params.requests;
    for i in 0..total {
        if i == params.warmup_requests {
            warmup_snapshot = out.clone();
        }
        let mut rng = ItemRng::new(params.seed, Stream::CacheKeys, i);
        let key = zipf.sample(&mut rng);
        if rng.chance(drift_rate) {
            let changed = groups.draw(&mut rng);
            if let Some(v) = usize::try_from(changed)
                .ok()
                .and_then(|g| versions.get_mut(g))
            {
                *v += 1;
            }
            out.version_changes += 1;
        }
        let version = versions.get(groups.group_of(key)).copied().unwrap_or(0);
        let usable = |cached: u64| !versioned || cached == version;
        match hot.touch(key) {
            Some(cached) if usable(cached) => {
                out.hot_hits += 1;
                out.stale_reads += u64::from(cached != version);
            }
            hot_entry => {
                out.invalidations += u64::from(hot_entry.is_some());
                match warm.touch(key) {
                    Some(cached) if usable(cached) => {
                        out.warm_hits += 1;
                        out.stale_reads += u64::from(cached != version);
                        hot.put(key, cached);
                    }
                    warm_entry => {
                        out.invalidations += u64::from(warm_entry.is_some());
                        out.source_fetches += 1;
                        warm.put(key, version);
                        hot.put(key, version);
                    }
                }
            }
        }
    }
    let w = &warmup_snapshot;
    let mut measured = TwoTierOutcome {
        requests: params.requests,
        hot_hits: out.hot_hits - w.hot_hits,
        warm_hits: out.warm_hits - w.warm_hits,
        source_fetches: out.source_fetches - w.source_fetches,
        stale_reads: out.stale_reads - w.stale_reads,
        invalidations: out.invalidations - w.invalidations,
        version_changes: out.version_changes - w.version_changes,
        ..out
    };
    measured.hot_hit_rate = rate(measured.hot_hits, measured.requests);
    measured.warm_hit_rate = rate(measured.warm_hits, measured.requests - measured.hot_hits);
    measured.overall_hit_rate = rate(measured.hot_hits + measured.warm_hits, measured.requests);
    measured.stale_read_rate = rate(measured.stale_reads, measured.requests);
    Ok(measured)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lru(capacity_keys: u64, catalog_keys: u64, alpha: f64, requests: u64) -> LruParams {
        LruParams {
            capacity_keys,
            catalog_keys,
            alpha,
            requests,
            seed: 11,
            warmup_requests: 20 * capacity_keys,
        }
    }

    fn two_tier(hot: u64, warm: u64, policy: InvalidationPolicy, drift_rate: f64) -> TwoTierParams {
        TwoTierParams {
            hot_capacity_keys: hot,
            warm_capacity_keys: warm,
            catalog_keys: 5_000,
            alpha: 0.9,
            requests: 60_000,
            warmup_requests: 10_000,
            seed: 3,
            invalidation: Invalidation {
                policy,
                drift_rate,
                groups: KeyGroups::whole_cache(),
            },
        }
    }

    /// 20 domains with Zipf(1.1) activity, 10 datasets each: 200 groups.
    fn datasets() -> KeyGroups {
        KeyGroups {
            class_weights: (1..=20).map(|d| libm::pow(f64::from(d), -1.1)).collect(),
            groups_per_class: 10,
        }
    }

    fn grouped(hot: u64, warm: u64, policy: InvalidationPolicy, drift_rate: f64) -> TwoTierParams {
        let mut params = two_tier(hot, warm, policy, drift_rate);
        params.invalidation.groups = datasets();
        params
    }

    /// `P(a change hits group g)` for every group of `groups`.
    fn group_change_shares(groups: &KeyGroups) -> Vec<f64> {
        let total: f64 = groups.class_weights.iter().sum();
        groups
            .class_weights
            .iter()
            .flat_map(|w| {
                (0..groups.groups_per_class)
                    .map(move |_| w / total / groups.groups_per_class as f64)
            })
            .collect()
    }

    #[test]
    fn lru_list_semantics() {
        let mut cache = Lru::new(2, 10);
        cache.put(1, 0);
        cache.put(2, 0);
        assert_eq!(cache.touch(1), Some(0)); // order now 1, 2
        cache.put(3, 0); // evicts 2
        assert_eq!(cache.touch(2), None);
        assert_eq!(cache.touch(1), Some(0));
        assert_eq!(cache.touch(3), Some(0));
        cache.put(3, 7);
        assert_eq!(cache.touch(3), Some(7));
        let mut empty = Lru::new(0, 10);
        empty.put(1, 0);
        assert_eq!(empty.touch(1), None);
    }

    #[test]
    fn che_closed_forms() {
        // Uniform popularity: p = 1/N, occupancy N(1 − e^{−T/N}) = C,
        // so hit = C/N exactly.
        let hit = che_hit_rate(250, 1000, 0.0).unwrap();
        assert!((hit - 0.25).abs() < 1e-12, "{hit}");
        let t = che_characteristic_time(250, 1000, 0.0).unwrap().unwrap();
        assert!((t - (-1000.0 * libm::log(0.75))).abs() < 1e-6, "{t}");
        assert_eq!(che_hit_rate(0, 10, 1.0).unwrap(), 0.0);
        assert_eq!(che_hit_rate(10, 10, 1.0).unwrap(), 1.0);
        assert!(che_hit_rate(1, 0, 1.0).is_err());
        assert!(che_hit_rate(1, 10, -1.0).is_err());
    }

    #[test]
    fn simulation_matches_che() {
        for (capacity, catalog, alpha) in [
            (100, 10_000, 0.8),
            (50, 1_000, 1.2),
            (500, 100_000, 1.0),
            (200, 1_000, 0.0),
        ] {
            let sim = simulate_lru(&lru(capacity, catalog, alpha, 100_000)).unwrap();
            let che = che_hit_rate(capacity, catalog, alpha).unwrap();
            assert!(
                (sim.hit_rate - che).abs() < 0.02,
                "C={capacity} N={catalog} α={alpha}: simulated {} vs Che {che}",
                sim.hit_rate
            );
        }
    }

    #[test]
    fn lru_outcome_is_deterministic_and_validated() {
        let a = simulate_lru(&lru(64, 5_000, 1.0, 30_000)).unwrap();
        assert_eq!(a, simulate_lru(&lru(64, 5_000, 1.0, 30_000)).unwrap());
        assert!(a.hits > 0 && a.hits < a.requests);
        let mut big = lru(64, 5_000, 1.0, 30_000);
        big.capacity_keys = MAX_CAPACITY_KEYS + 1;
        assert!(simulate_lru(&big)
            .unwrap_err()
            .to_string()
            .contains("capacity_keys"));
        assert!(simulate_lru(&lru(64, 0, 1.0, 10)).is_err());
        assert!(simulate_lru(&lru(64, 10, 1.0, 0)).is_err());
        assert!(simulate_lru(&lru(64, 10, f64::NAN, 10)).is_err());
        assert_eq!(simulate_lru(&lru(0, 10, 1.0, 100)).unwrap().hits, 0);
    }

    /// The LRU against an obviously correct O(capacity) reference.
    #[test]
    fn lru_matches_reference_model() {
        for (capacity, key_space, high_keys) in [
            (1, 5, false),
            (7, 20, false),
            (37, 120, true),
            (64, 64, false),
        ] {
            let mut cache = Lru::new(capacity, MAX_CATALOG_KEYS);
            // Most recent first.
            let mut reference: Vec<(u64, u64)> = Vec::new();
            for i in 0..20_000u64 {
                let mut rng = ItemRng::new(capacity, Stream::Sample, i);
                let mut key = rng.below(key_space);
                if high_keys && key % 2 == 1 {
                    key += 1 << 39; // exercise hashing of large keys
                }
                let expected = reference.iter().position(|&(k, _)| k == key).map(|at| {
                    let entry = reference.remove(at);
                    reference.insert(0, entry);
                    entry.1
                });
                assert_eq!(cache.touch(key), expected, "capacity {capacity}, op {i}");
                if expected.is_none() || rng.chance(0.1) {
                    cache.put(key, i);
                    match reference.first_mut() {
                        Some(entry) if entry.0 == key => entry.1 = i,
                        _ => {
                            reference.insert(0, (key, i));
                            reference.truncate(capacity as usize);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn single_tier_equivalence_without_hot_tier() {
        let params = two_tier(0, 200, InvalidationPolicy::Versioned, 0.0);
        let tiers = simulate_two_tier(&params).unwrap();
        let single = simulate_lru(&LruParams {
            capacity_keys: 200,
            catalog_keys: params.catalog_keys,
            alpha: params.alpha,
            requests: params.requests,
            seed: params.seed,
            warmup_requests: params.warmup_requests,
        })
        .unwrap();
        assert_eq!(tiers.hot_hits, 0);
        assert_eq!(tiers.warm_hits, single.hits);
        assert_eq!(tiers.overall_hit_rate, single.hit_rate);
    }

    #[test]
    fn hot_tier_is_an_lru_over_all_traffic() {
        let out =
            simulate_two_tier(&two_tier(50, 500, InvalidationPolicy::Versioned, 0.0)).unwrap();
        // Without drift the key groups change nothing.
        for policy in [InvalidationPolicy::Versioned, InvalidationPolicy::None] {
            assert_eq!(
                simulate_two_tier(&grouped(50, 500, policy, 0.0)).unwrap(),
                out
            );
        }
        let che_hot = che_hit_rate(50, 5_000, 0.9).unwrap();
        let che_warm = che_hit_rate(500, 5_000, 0.9).unwrap();
        let che_both = che_hit_rate(550, 5_000, 0.9).unwrap();
        assert!(
            (out.hot_hit_rate - che_hot).abs() < 0.02,
            "{} vs {che_hot}",
            out.hot_hit_rate
        );
        assert!(out.overall_hit_rate > che_warm - 0.02 && out.overall_hit_rate < che_both + 0.02);
        assert_eq!(
            out.hot_hits + out.warm_hits + out.source_fetches,
            out.requests
        );
        assert_eq!(
            (out.stale_reads, out.invalidations, out.version_changes),
            (0, 0, 0)
        );
    }

    #[test]
    fn versioned_drift_matches_closed_form_and_is_never_stale() {
        // Caches larger than the catalogue: only compulsory and drift misses.
        let d = 0.01;
        let mut params = two_tier(100, 6_000, InvalidationPolicy::Versioned, d);
        params.catalog_keys = 1_000;
        let out = simulate_two_tier(&params).unwrap();
        let expected: f64 = zipf_pmf(1_000, 0.9)
            .iter()
            .map(|&p| p * p * (1.0 - d) / (d + p - d * p))
            .sum();
        assert!(
            (out.overall_hit_rate - expected).abs() < 0.01,
            "{} vs {expected}",
            out.overall_hit_rate
        );
        assert_eq!(out.stale_reads, 0);
        assert!(out.invalidations > 0);
        let expected_changes = d * params.requests as f64;
        assert!(
            (out.version_changes as f64 - expected_changes).abs() < 5.0 * expected_changes.sqrt()
        );
    }

    #[test]
    fn no_invalidation_serves_stale_at_undrifted_hit_rate() {
        let clean = simulate_two_tier(&two_tier(50, 500, InvalidationPolicy::None, 0.0)).unwrap();
        let drifting =
            simulate_two_tier(&two_tier(50, 500, InvalidationPolicy::None, 0.001)).unwrap();
        let versioned =
            simulate_two_tier(&two_tier(50, 500, InvalidationPolicy::Versioned, 0.001)).unwrap();
        assert_eq!(clean.overall_hit_rate, drifting.overall_hit_rate);
        assert_eq!(clean.hot_hits, drifting.hot_hits);
        assert_eq!(clean.stale_reads, 0);
        assert!(
            drifting.stale_read_rate > 0.0 && drifting.stale_read_rate <= drifting.overall_hit_rate
        );
        assert_eq!(drifting.invalidations, 0);
        assert!(versioned.overall_hit_rate < clean.overall_hit_rate);
        assert_eq!(versioned.stale_reads, 0);
        // Constant drift with no invalidation: nearly every hit is eventually stale.
        let heavy = simulate_two_tier(&two_tier(50, 500, InvalidationPolicy::None, 0.5)).unwrap();
        assert!(heavy.stale_read_rate > 0.9 * heavy.overall_hit_rate);
    }

    #[test]
    fn versioned_group_drift_matches_closed_form() {
        // Caches larger than the catalogue; per key, b_k = d × P(change hits
        // the key's group), the key of rank k being in group k mod G.
        let d = 0.05;
        for groups in [
            datasets(),
            // More groups than keys: every key in a group of its own.
            KeyGroups {
                class_weights: vec![4.0, 2.0, 1.0, 1.0],
                groups_per_class: 400,
            },
        ] {
            let mut params = two_tier(100, 6_000, InvalidationPolicy::Versioned, d);
            params.catalog_keys = 1_000;
            params.invalidation.groups = groups.clone();
            let out = simulate_two_tier(&params).unwrap();
            let shares = group_change_shares(&groups);
            let expected: f64 = zipf_pmf(1_000, 0.9)
                .iter()
                .enumerate()
                .map(|(k, &p)| {
                    let b = d * shares[k % shares.len()];
                    p * p * (1.0 - b) / (b + p - b * p)
                })
                .sum();
            assert!(
                (out.overall_hit_rate - expected).abs() < 0.01,
                "{} vs {expected}",
                out.overall_hit_rate
            );
            assert_eq!(out.stale_reads, 0);
            assert!(out.invalidations > 0);
        }
    }

    #[test]
    fn per_group_invalidation_keeps_more_hits_than_whole_cache() {
        for d in [1e-4, 1e-3, 1e-2, 0.1] {
            let whole =
                simulate_two_tier(&two_tier(50, 500, InvalidationPolicy::Versioned, d)).unwrap();
            let per_group =
                simulate_two_tier(&grouped(50, 500, InvalidationPolicy::Versioned, d)).unwrap();
            let clean =
                simulate_two_tier(&grouped(50, 500, InvalidationPolicy::Versioned, 0.0)).unwrap();
            assert!(
                per_group.overall_hit_rate >= whole.overall_hit_rate,
                "d={d}: per group {} vs whole cache {}",
                per_group.overall_hit_rate,
                whole.overall_hit_rate
            );
            assert!(per_group.overall_hit_rate <= clean.overall_hit_rate);
            assert!(per_group.invalidations < whole.invalidations, "d={d}");
        }
        // At a drift that empties the whole cache every ~100 requests, one
        // group at a time still leaves most entries valid.
        let whole =
            simulate_two_tier(&two_tier(50, 500, InvalidationPolicy::Versioned, 0.01)).unwrap();
        let per_group =
            simulate_two_tier(&grouped(50, 500, InvalidationPolicy::Versioned, 0.01)).unwrap();
        assert!(per_group.overall_hit_rate > whole.overall_hit_rate + 0.2);
    }

    #[test]
    fn stale_reads_only_without_versioning() {
        for d in [1e-3, 1e-2] {
            let versioned =
                simulate_two_tier(&grouped(50, 500, InvalidationPolicy::Versioned, d)).unwrap();
            let none = simulate_two_tier(&grouped(50, 500, InvalidationPolicy::None, d)).unwrap();
            let clean =
                simulate_two_tier(&grouped(50, 500, InvalidationPolicy::None, 0.0)).unwrap();
            assert_eq!(versioned.stale_reads, 0);
            assert!(versioned.invalidations > 0);
            assert!(none.stale_reads > 0, "d={d}");
            assert_eq!(none.invalidations, 0);
            // No invalidation: hits as without drift, some of them stale.
            assert_eq!(none.hot_hits, clean.hot_hits);
            assert_eq!(none.overall_hit_rate, clean.overall_hit_rate);
            assert!(none.stale_read_rate <= none.overall_hit_rate);
            assert_eq!(clean.stale_reads, 0);
        }
    }

    #[test]
    fn stale_read_rate_grows_with_drift_rate() {
        let mut last = 0.0;
        for d in [1e-4, 1e-3, 1e-2, 0.1] {
            let none = simulate_two_tier(&grouped(50, 500, InvalidationPolicy::None, d)).unwrap();
            assert!(
                none.stale_read_rate > last,
                "d={d}: {} after {last}",
                none.stale_read_rate
            );
            last = none.stale_read_rate;
        }
    }

    #[test]
    fn two_tier_validation_names_parameters() {
        let mut params = two_tier(50, 500, InvalidationPolicy::None, 1.5);
        let err = simulate_two_tier(&params).unwrap_err().to_string();
        assert!(err.contains("drift_rate"), "{err}");
        params.invalidation.drift_rate = 0.0;
        params.warm_capacity_keys = u64::MAX;
        assert!(simulate_two_tier(&params)
            .unwrap_err()
            .to_string()
            .contains("warm_capacity_keys"));
        let json = r#"{"policy":"Versioned","drift_rate":0.1,"extra":1}"#;
        assert!(serde_json::from_str::<Invalidation>(json).is_err());
        // Without `groups`: the whole cache.
        let json = r#"{"policy":"Versioned","drift_rate":0.1}"#;
        let parsed: Invalidation = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.groups, KeyGroups::whole_cache());
        let error = |groups: KeyGroups| {
            let mut params = grouped(50, 500, InvalidationPolicy::None, 0.01);
            params.invalidation.groups = groups;
            simulate_two_tier(&params).unwrap_err().to_string()
        };
        let err = error(KeyGroups {
            class_weights: Vec::new(),
            groups_per_class: 1,
        });
        assert!(err.contains("class_weights"), "{err}");
        let err = error(KeyGroups {
            class_weights: vec![1.0, -1.0],
            groups_per_class: 1,
        });
        assert!(err.contains("class_weights[1]"), "{err}");
        let err = error(KeyGroups {
            class_weights: vec![0.0, 0.0],
            groups_per_class: 1,
        });
        assert!(err.contains("positive sum"), "{err}");
        let err = error(KeyGroups {
            class_weights: vec![1.0],
            groups_per_class: 0,
        });
        assert!(err.contains("groups_per_class"), "{err}");
        let mut huge = grouped(50, 500, InvalidationPolicy::None, 0.01);
        huge.catalog_keys = MAX_CATALOG_KEYS;
        huge.invalidation.groups.groups_per_class = MAX_KEY_GROUPS;
        let err = simulate_two_tier(&huge).unwrap_err().to_string();
        assert!(err.contains("key groups"), "{err}");
    }
}
