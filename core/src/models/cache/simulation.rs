//! The LRU simulation: the analytic model's independent reference.
//!
//! O(1) per request: each tier's slots sit in a flat `Vec` linked into a
//! recency list by `u32` indices, and a key → slot index by open addressing
//! with a fixed hash (deterministic, never iterated; memory ∝ capacity).

use serde::{Deserialize, Serialize};

use super::{CacheParams, CacheRates, InvalidationPolicy};
use crate::models::zipf::Zipf;
use crate::models::ModelError;
use crate::rng::{mix64, ItemRng, Stream};

/// Largest capacity of one simulated tier (keys).
pub const MAX_CAPACITY_KEYS: u64 = 10_000_000;
/// Largest number of slots over all simulated tiers (`nodes × hot + warm`).
pub const MAX_TOTAL_SLOTS: u64 = 20_000_000;
/// Most requests (warm-up plus measured) one simulation may run.
pub const MAX_TOTAL_REQUESTS: u64 = 1_000_000_000;
/// Most change groups that can hold a key, `min(G, catalog_keys)`: one
/// version counter each (128 MiB at most).
pub const MAX_KEY_GROUPS: u64 = 1 << 24;
/// First window of the stability check (requests).
const MIN_WINDOW: u64 = 16_384;
/// Policy `None`: each stability window spans this many change times of the
/// slowest-changing group.
const STALE_WINDOW_CHANGES: f64 = 4.0;
/// Requests between checks of whether the tiers are full.
const FILL_CHECK: u64 = 4_096;
/// Two windows' rates agree when within this plus three binomial standard
/// deviations.
const STABLE_TOLERANCE: f64 = 0.001;

/// How the simulation reaches its steady state before measuring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Warmup {
    /// Until every tier is full and the rates over two consecutive windows
    /// of doubling length agree, spending at most `max_requests`.
    Auto { max_requests: u64 },
    /// Exactly this many requests (rates then not checked).
    Fixed { requests: u64 },
}

/// Inputs of [`simulate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationParams {
    /// The hierarchy and its workload (as for [`super::analyse`]); the
    /// simulation needs every tier ≤ 1e7 keys, `nodes × hot + warm ≤ 2e7`,
    /// at most one change per request and `min(G, catalog) ≤ 2^24` groups.
    pub cache: CacheParams,
    /// Requests counted after the warm-up, ≥ 1.
    pub measured_requests: u64,
    pub warmup: Warmup,
    /// Seed of the request stream.
    pub seed: u64,
}

/// Result of [`simulate`]; counts cover the measured requests only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationOutcome {
    pub requests: u64,
    pub hot_hits: u64,
    pub warm_hits: u64,
    pub source_fetches: u64,
    /// Hits on content older than its group's last change (policy `None`).
    pub stale_reads: u64,
    /// Entries found with an old stamp and refetched (policy `Versioned`).
    pub invalidations: u64,
    /// Group changes during the measured requests.
    pub version_changes: u64,
    pub rates: CacheRates,
    /// Requests run before measuring.
    pub warmup_requests: u64,
    /// Every tier was full when the warm-up ended.
    pub tiers_full: bool,
    /// The automatic warm-up saw two consecutive windows agree (false for a
    /// fixed warm-up, or when `max_requests` ran out first).
    pub rates_stable: bool,
}

/// Inputs of [`simulate_lru`]: one LRU, nothing changing.
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
    pub warmup: Warmup,
}

/// Result of [`simulate_lru`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LruOutcome {
    pub requests: u64,
    pub hits: u64,
    /// `hits / requests`.
    pub hit_rate: f64,
    pub warmup_requests: u64,
    pub tiers_full: bool,
    pub rates_stable: bool,
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
    /// Request index of the last touch or fill.
    touched: u64,
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

    /// The cached version of `key`, marking it most recently used at
    /// request `now`.
    fn touch(&mut self, key: u64, now: u64) -> Option<u64> {
        let slot = self.index.get(key, &self.slots)?;
        if slot != self.head {
            self.unlink(slot);
            self.push_front(slot);
        }
        let s = self.slot_mut(slot)?;
        s.touched = now;
        Some(s.version)
    }

    /// Entries held.
    fn len(&self) -> usize {
        self.slots.len()
    }

    /// Holds as many entries as it ever can.
    fn is_full(&self) -> bool {
        self.len() >= self.capacity
    }

    /// When the least recently used entry was last touched (`None` if empty).
    fn oldest_touch(&self) -> Option<u64> {
        self.slot(self.tail).map(|s| s.touched)
    }

    /// Caches `key` at `version` as most recently used at request `now`,
    /// evicting the least recently used entry when full. Updates the stamp if
    /// already cached.
    fn put(&mut self, key: u64, version: u64, now: u64) {
        if self.capacity == 0 {
            return;
        }
        if self.touch(key, now).is_some() {
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
                touched: now,
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
                s.touched = now;
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

fn rate(numerator: u64, denominator: u64) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// Counters of a stretch of requests.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Counts {
    requests: u64,
    hot_hits: u64,
    warm_hits: u64,
    source_fetches: u64,
    stale_reads: u64,
    invalidations: u64,
    version_changes: u64,
}

impl Counts {
    fn rates(&self) -> CacheRates {
        let hot_hit_rate = rate(self.hot_hits, self.requests);
        CacheRates {
            hot_hit_rate,
            warm_hit_rate: rate(self.warm_hits, self.requests - self.hot_hits),
            overall_hit_rate: rate(self.hot_hits + self.warm_hits, self.requests),
            stale_read_rate: rate(self.stale_reads, self.requests),
        }
    }

    /// The rates of two windows agree within noise.
    fn agrees_with(&self, other: &Counts) -> bool {
        let (a, b) = (self.rates(), other.rates());
        let inverse = 1.0 / self.requests.max(1) as f64 + 1.0 / other.requests.max(1) as f64;
        [
            (a.hot_hit_rate, b.hot_hit_rate),
            (a.overall_hit_rate, b.overall_hit_rate),
            (a.stale_read_rate, b.stale_read_rate),
        ]
        .iter()
        .all(|&(x, y)| {
            let mean = 0.5 * (x + y);
            let sigma = (mean * (1.0 - mean) * inverse).sqrt();
            (x - y).abs() <= STABLE_TOLERANCE + 3.0 * sigma
        })
    }
}

/// The simulated hierarchy.
struct Hierarchy {
    zipf: Zipf,
    seed: u64,
    nodes: u64,
    versioned: bool,
    hot: Vec<Lru>,
    warm: Lru,
    /// One version per group that can hold a key.
    versions: Vec<u64>,
    groups: u64,
    groups_per_class: u64,
    /// Probability that a group changes before a request is served.
    change_probability: f64,
    /// Cumulative shares of the classes' change rates.
    class_cumulative: Vec<f64>,
    /// Index of the next request.
    next: u64,
    /// Shortest stability window: without invalidation a stale entry stays
    /// stale until evicted, so the windows must span several change times of
    /// the slowest-changing group.
    min_window: u64,
}

impl Hierarchy {
    fn new(params: &SimulationParams) -> Result<Self, ModelError> {
        let cache = &params.cache;
        let groups = cache.validate()?;
        check_count(
            "hot_capacity_keys",
            cache.hot_capacity_keys,
            0,
            MAX_CAPACITY_KEYS,
        )?;
        check_count(
            "warm_capacity_keys",
            cache.warm_capacity_keys,
            0,
            MAX_CAPACITY_KEYS,
        )?;
        let slots = cache
            .nodes
            .saturating_mul(cache.hot_capacity_keys.min(cache.catalog_keys))
            .saturating_add(cache.warm_capacity_keys.min(cache.catalog_keys));
        check_count(
            "nodes × hot_capacity_keys + warm_capacity_keys",
            slots,
            0,
            MAX_TOTAL_SLOTS,
        )?;
        let total_changes = cache.changes.total_per_s();
        let change_probability = total_changes / cache.requests_per_s;
        if !(0.0..=1.0).contains(&change_probability) {
            return Err(ModelError::out_of_range(
                "changes.class_changes_per_s",
                total_changes,
                "at most requests_per_s in all: the simulation draws at most one change per request",
            ));
        }
        let tracked = check_count(
            "min(change groups, catalog_keys)",
            groups.min(cache.catalog_keys),
            1,
            MAX_KEY_GROUPS,
        )?;
        let slowest = cache
            .changes
            .class_changes_per_s
            .iter()
            .filter(|&&r| r > 0.0)
            .fold(f64::INFINITY, |m, &r| m.min(r))
            / cache.changes.groups_per_class as f64
            / cache.requests_per_s;
        let min_window = if cache.policy == InvalidationPolicy::None && slowest.is_finite() {
            // At most the whole budget: a longer window cannot be run anyway.
            (STALE_WINDOW_CHANGES / slowest).min(MAX_TOTAL_REQUESTS as f64) as u64
        } else {
            0
        }
        .max(MIN_WINDOW);
        let class_cumulative = if total_changes > 0.0 {
            crate::models::cumulative_shares(&cache.changes.class_changes_per_s, total_changes)
        } else {
            vec![1.0]
        };
        Ok(Self {
            zipf: Zipf::new(cache.catalog_keys, cache.alpha)?,
            seed: params.seed,
            nodes: cache.nodes,
            versioned: cache.policy == InvalidationPolicy::Versioned,
            hot: (0..cache.nodes)
                .map(|_| Lru::new(cache.hot_capacity_keys, cache.catalog_keys))
                .collect(),
            warm: Lru::new(cache.warm_capacity_keys, cache.catalog_keys),
            versions: vec![0; usize::try_from(tracked).unwrap_or(0)],
            groups,
            groups_per_class: cache.changes.groups_per_class,
            change_probability,
            class_cumulative,
            next: 0,
            min_window,
        })
    }

    /// Serves the next `requests` requests.
    fn run(&mut self, requests: u64) -> Counts {
        let mut counts = Counts {
            requests,
            ..Counts::default()
        };
        for _ in 0..requests {
            self.serve(&mut counts);
        }
        counts
    }

    fn serve(&mut self, counts: &mut Counts) {
        let now = self.next;
        self.next += 1;
        let mut rng = ItemRng::new(self.seed, Stream::CacheKeys, now);
        let key = self.zipf.sample(&mut rng);
        let node = if self.nodes > 1 {
            rng.below(self.nodes)
        } else {
            0
        };
        if self.change_probability > 0.0 && rng.chance(self.change_probability) {
            let u = rng.next_f64();
            let class = self
                .class_cumulative
                .partition_point(|&c| c <= u)
                .min(self.class_cumulative.len().saturating_sub(1));
            let group = (class as u64)
                .saturating_mul(self.groups_per_class)
                .saturating_add(rng.below(self.groups_per_class));
            // A group beyond the catalogue holds no key.
            if let Some(v) = usize::try_from(group)
                .ok()
                .and_then(|g| self.versions.get_mut(g))
            {
                *v += 1;
            }
            counts.version_changes += 1;
        }
        let group = usize::try_from(key % self.groups).unwrap_or(0);
        let version = self.versions.get(group).copied().unwrap_or(0);
        let versioned = self.versioned;
        let usable = |cached: u64| !versioned || cached == version;
        let Some(hot) = self.hot.get_mut(usize::try_from(node).unwrap_or(0)) else {
            return;
        };
        match hot.touch(key, now) {
            Some(cached) if usable(cached) => {
                counts.hot_hits += 1;
                counts.stale_reads += u64::from(cached != version);
            }
            hot_entry => {
                counts.invalidations += u64::from(hot_entry.is_some());
                match self.warm.touch(key, now) {
                    Some(cached) if usable(cached) => {
                        counts.warm_hits += 1;
                        counts.stale_reads += u64::from(cached != version);
                        hot.put(key, cached, now);
                    }
                    warm_entry => {
                        counts.invalidations += u64::from(warm_entry.is_some());
                        counts.source_fetches += 1;
                        self.warm.put(key, version, now);
                        hot.put(key, version, now);
                    }
                }
            }
        }
    }
}

/// Simulates the hierarchy: warm-up (see [`Warmup`]), then
/// `measured_requests` counted requests.
pub fn simulate(params: &SimulationParams) -> Result<SimulationOutcome, ModelError> {
    check_count(
        "measured_requests",
        params.measured_requests,
        1,
        MAX_TOTAL_REQUESTS,
    )?;
    let budget = MAX_TOTAL_REQUESTS - params.measured_requests;
    let mut sim = Hierarchy::new(params)?;
    let (tiers_full, rates_stable) = match params.warmup {
        Warmup::Fixed { requests } => {
            check_count("warmup.requests", requests, 0, budget)?;
            sim.run(requests);
            (sim.tiers_full(None), false)
        }
        Warmup::Auto { max_requests } => {
            let max = check_count("warmup.max_requests", max_requests, 0, budget)?;
            sim.warm_up(max)
        }
    };
    let warmup_requests = sim.next;
    let counts = sim.run(params.measured_requests);
    Ok(SimulationOutcome {
        requests: counts.requests,
        hot_hits: counts.hot_hits,
        warm_hits: counts.warm_hits,
        source_fetches: counts.source_fetches,
        stale_reads: counts.stale_reads,
        invalidations: counts.invalidations,
        version_changes: counts.version_changes,
        rates: counts.rates(),
        warmup_requests,
        tiers_full,
        rates_stable,
    })
}

impl Hierarchy {
    /// Every hot tier full, and the warm tier full with its oldest entry
    /// touched since `hot_full_at` (when known).
    fn tiers_full(&self, hot_full_at: Option<u64>) -> bool {
        let hot_full = self.hot.iter().all(Lru::is_full);
        let warm_fresh = match hot_full_at {
            Some(at) => self.warm.oldest_touch().is_none_or(|t| t >= at),
            None => true,
        };
        hot_full && self.warm.is_full() && warm_fresh
    }

    /// [`Warmup::Auto`]: fill, then doubling windows until two agree.
    /// Returns (tiers full, rates stable).
    fn warm_up(&mut self, max: u64) -> (bool, bool) {
        let mut hot_full_at = None;
        let mut full = false;
        while self.next < max {
            if hot_full_at.is_none() && self.hot.iter().all(Lru::is_full) {
                hot_full_at = Some(self.next);
            }
            if hot_full_at.is_some() && self.tiers_full(hot_full_at) {
                full = true;
                break;
            }
            self.run(FILL_CHECK.min(max - self.next));
        }
        if !full {
            return (false, false);
        }
        let mut window = self.min_window.max(self.next / 4);
        if self.next.saturating_add(window) > max {
            return (true, false);
        }
        let mut previous = self.run(window);
        loop {
            window = window.saturating_mul(2);
            if self.next.saturating_add(window) > max {
                return (true, false);
            }
            let current = self.run(window);
            if current.agrees_with(&previous) {
                return (true, true);
            }
            previous = current;
        }
    }
}

/// Simulates one LRU (no warm tier, nothing changing).
pub fn simulate_lru(params: &LruParams) -> Result<LruOutcome, ModelError> {
    let outcome = simulate(&SimulationParams {
        cache: CacheParams::single_lru(params.capacity_keys, params.catalog_keys, params.alpha),
        measured_requests: params.requests,
        warmup: params.warmup,
        seed: params.seed,
    })?;
    Ok(LruOutcome {
        requests: outcome.requests,
        hits: outcome.hot_hits,
        hit_rate: outcome.rates.hot_hit_rate,
        warmup_requests: outcome.warmup_requests,
        tiers_full: outcome.tiers_full,
        rates_stable: outcome.rates_stable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::cache::GroupChanges;

    fn hierarchy(nodes: u64, hot: u64, warm: u64, policy: InvalidationPolicy) -> SimulationParams {
        SimulationParams {
            cache: CacheParams {
                catalog_keys: 2_000,
                alpha: 0.9,
                requests_per_s: 1.0,
                nodes,
                hot_capacity_keys: hot,
                warm_capacity_keys: warm,
                policy,
                changes: GroupChanges {
                    class_changes_per_s: vec![0.004, 0.002, 0.001],
                    groups_per_class: 4,
                },
            },
            measured_requests: 20_000,
            warmup: Warmup::Auto {
                max_requests: 50_000_000,
            },
            seed: 3,
        }
    }

    #[test]
    fn lru_list_semantics() {
        let mut cache = Lru::new(2, 10);
        cache.put(1, 0, 0);
        cache.put(2, 0, 1);
        assert_eq!(cache.touch(1, 2), Some(0)); // order now 1, 2
        assert_eq!(cache.oldest_touch(), Some(1));
        cache.put(3, 0, 3); // evicts 2
        assert!(cache.is_full());
        assert_eq!(cache.touch(2, 4), None);
        assert_eq!(cache.touch(1, 5), Some(0));
        assert_eq!(cache.touch(3, 6), Some(0));
        cache.put(3, 7, 7);
        assert_eq!(cache.touch(3, 8), Some(7));
        assert_eq!(cache.oldest_touch(), Some(5));
        let mut empty = Lru::new(0, 10);
        empty.put(1, 0, 0);
        assert_eq!(empty.touch(1, 1), None);
        assert!(empty.is_full());
        assert_eq!(empty.len(), 0);
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
            let mut cache = Lru::new(capacity, crate::models::cache::MAX_CATALOG_KEYS);
            // Most recent first: (key, version, last touch).
            let mut reference: Vec<(u64, u64, u64)> = Vec::new();
            for i in 0..20_000u64 {
                let mut rng = ItemRng::new(capacity, Stream::Sample, i);
                let mut key = rng.below(key_space);
                if high_keys && key % 2 == 1 {
                    key += 1 << 39; // exercise hashing of large keys
                }
                let expected = reference.iter().position(|&(k, _, _)| k == key).map(|at| {
                    let mut entry = reference.remove(at);
                    entry.2 = i;
                    reference.insert(0, entry);
                    entry.1
                });
                assert_eq!(cache.touch(key, i), expected, "capacity {capacity}, op {i}");
                if expected.is_none() || rng.chance(0.1) {
                    cache.put(key, i, i);
                    match reference.first_mut() {
                        Some(entry) if entry.0 == key => entry.1 = i,
                        _ => {
                            reference.insert(0, (key, i, i));
                            reference.truncate(capacity as usize);
                        }
                    }
                }
                assert_eq!(cache.oldest_touch(), reference.last().map(|e| e.2));
                assert_eq!(cache.len(), reference.len());
            }
        }
    }

    #[test]
    fn auto_warmup_fills_every_tier_from_the_stationary_hot_tiers() {
        for policy in [InvalidationPolicy::Versioned, InvalidationPolicy::None] {
            let params = hierarchy(3, 50, 600, policy);
            let out = simulate(&params).unwrap();
            assert!(out.tiers_full && out.rates_stable, "{out:?}");
            // Reproduce the warm-up and look at the tiers it left.
            let mut sim = Hierarchy::new(&params).unwrap();
            sim.warm_up(50_000_000);
            assert_eq!(sim.next, out.warmup_requests);
            assert!(sim.hot.iter().all(|h| h.len() == 50));
            assert_eq!(sim.warm.len(), 600);
        }
        // Without invalidation the stability windows span four change times
        // of the slowest group (here 1e-6 / 4 per request).
        let mut params = hierarchy(3, 50, 600, InvalidationPolicy::None);
        params.cache.changes.class_changes_per_s = vec![0.004, 1e-6];
        assert_eq!(Hierarchy::new(&params).unwrap().min_window, 16_000_000);
        params.cache.policy = InvalidationPolicy::Versioned;
        assert_eq!(Hierarchy::new(&params).unwrap().min_window, MIN_WINDOW);
        // A budget too small to fill the tiers is reported, not hidden.
        let mut params = hierarchy(3, 50, 600, InvalidationPolicy::Versioned);
        params.warmup = Warmup::Auto { max_requests: 100 };
        let out = simulate(&params).unwrap();
        assert!(!out.tiers_full && !out.rates_stable);
        params.warmup = Warmup::Fixed {
            requests: 1_000_000,
        };
        let out = simulate(&params).unwrap();
        assert_eq!(out.warmup_requests, 1_000_000);
        assert!(out.tiers_full && !out.rates_stable);
    }

    #[test]
    fn outcomes_are_deterministic_and_consistent() {
        for policy in [InvalidationPolicy::Versioned, InvalidationPolicy::None] {
            let params = hierarchy(2, 40, 400, policy);
            let out = simulate(&params).unwrap();
            assert_eq!(out, simulate(&params).unwrap());
            assert_eq!(
                out.hot_hits + out.warm_hits + out.source_fetches,
                out.requests
            );
            assert!(out.version_changes > 0);
            match policy {
                InvalidationPolicy::Versioned => {
                    assert_eq!(out.stale_reads, 0);
                    assert!(out.invalidations > 0);
                }
                InvalidationPolicy::None => {
                    assert_eq!(out.invalidations, 0);
                    assert!(out.stale_reads > 0);
                }
            }
        }
        // No changes: the policies behave alike.
        let mut a = hierarchy(2, 40, 400, InvalidationPolicy::Versioned);
        a.cache.changes = GroupChanges::none();
        let mut b = a.clone();
        b.cache.policy = InvalidationPolicy::None;
        assert_eq!(simulate(&a).unwrap(), simulate(&b).unwrap());
    }

    #[test]
    fn a_warm_tier_without_hot_tiers_is_one_lru_over_all_traffic() {
        let mut params = hierarchy(1, 0, 200, InvalidationPolicy::Versioned);
        params.cache.changes = GroupChanges::none();
        let tiers = simulate(&params).unwrap();
        let single = simulate_lru(&LruParams {
            capacity_keys: 200,
            catalog_keys: params.cache.catalog_keys,
            alpha: params.cache.alpha,
            requests: params.measured_requests,
            seed: params.seed,
            warmup: params.warmup,
        })
        .unwrap();
        assert_eq!(tiers.hot_hits, 0);
        assert_eq!(
            (tiers.warm_hits, tiers.warmup_requests),
            (single.hits, single.warmup_requests)
        );
    }

    #[test]
    fn invalid_simulations_name_their_parameter() {
        let base = hierarchy(2, 40, 400, InvalidationPolicy::None);
        let error = |change: &dyn Fn(&mut SimulationParams)| {
            let mut p = base.clone();
            change(&mut p);
            simulate(&p).unwrap_err().to_string()
        };
        assert!(error(&|p| p.measured_requests = 0).contains("measured_requests"));
        assert!(
            error(&|p| p.cache.hot_capacity_keys = MAX_CAPACITY_KEYS + 1)
                .contains("hot_capacity_keys")
        );
        assert!(
            error(&|p| p.cache.warm_capacity_keys = MAX_CAPACITY_KEYS + 1)
                .contains("warm_capacity_keys")
        );
        assert!(error(&|p| {
            p.cache.nodes = 64;
            p.cache.catalog_keys = 1 << 30;
            p.cache.hot_capacity_keys = MAX_CAPACITY_KEYS;
        })
        .contains("nodes × hot_capacity_keys"));
        assert!(error(&|p| p.cache.changes.class_changes_per_s = vec![2.0])
            .contains("one change per request"));
        assert!(error(&|p| p.warmup = Warmup::Fixed {
            requests: MAX_TOTAL_REQUESTS
        })
        .contains("warmup.requests"));
        assert!(error(&|p| {
            p.cache.catalog_keys = 1 << 30;
            p.cache.changes.groups_per_class = 1 << 30;
        })
        .contains("change groups"));
        assert!(error(&|p| p.cache.alpha = -1.0).contains("alpha"));
    }
}
