//! Synthetic pipeline events: the proxy data set of the review.
//!
//! This module owns the [`Event`] record, its generator, its fixed-width
//! binary encoding (parsed by the profiler's ingest stage), its CSV rendering
//! and the honest list of what such proxy data cannot show
//! ([`proxy_data_limits`]).
//!
//! An event is one load of a dataset by a pipeline in the nightly batch,
//! together with the access that consumes it.
//!
//! # Production batch, sample and deliveries
//!
//! The *production batch* has `workload.events` events (N) over
//! `batch_window_s`; the pipeline runs a *sample* of `sample_events` (n)
//! deliveries over the same window: a thinning of the production batch, in
//! which sample position `o` is production event `p(o) = ⌊o · N / n⌋`. The
//! content of production event `p` is a pure function of `(seed, p)`: it
//! draws from one [`ItemRng`] seeded with `(seed, Stream::Events, p)`, four
//! 64-bit words in all, so events can be generated in any order, chunking or
//! thread count, and a sample contains exactly the production events it
//! thins to. Dataset properties (pipeline, declared upstreams, base schema
//! version) come from one more pure word keyed by the dataset id
//! (`rng::word(seed, Stream::Scenario, dataset)`), so they are stable across
//! events of the same dataset. Its id, `event_id`, is a keyed bijection of
//! `p` (`Stream::EventIds`): unique in the production batch.
//!
//! Delivery is at least once ([`DeliveryPlan`]): sample position `i` is a
//! *redelivery* with probability `duplicate_rate` (21-bit Bernoulli from
//! `(seed, Stream::Deliveries, i)`), of an original delivered `k` positions
//! earlier, `k` uniform in `1..=W`, where `W` is the dedup window in
//! deliveries ([`Workload::window_events`]). A redelivery is a copy of its
//! original (same id, content and payload) at position `i`. Its target is
//! always an original within the window: when the drawn position is itself
//! a redelivery, the plan steps back to the nearest original, and when that
//! leaves the window (or takes more than [`MAX_REDELIVERY_SCAN`] steps) the
//! delivery is an original after all. So the redelivery share is at most
//! `duplicate_rate` (a little below it for windows of a few deliveries), and
//! every redelivery is one the pipeline's dedup stage can catch.
//!
//! # Distributions (parameters from [`Workload`])
//!
//! * `timestamp_s` — event time of production event `p`, uniform arrivals:
//!   `(p + u) · batch_window_s / N` with `u ~ U[0, 1)` (11 bits), so time
//!   grows with the index.
//! * `domain` — Zipf over `0..domains` with exponent `domain_zipf_alpha`
//!   (`P(d) ∝ (d + 1)^-alpha`; domain 0 is the most popular), by alias table.
//! * `dataset_id` — `domain · datasets_per_domain + k`, `k` uniform.
//! * `pipeline_id` — fixed per dataset, uniform over `0..pipelines`.
//! * `bytes` — log-normal with mean `bytes_per_event` and log-sigma
//!   `bytes_sigma` (`bytes_per_event · exp(sigma·z − sigma²/2)`), clamped to
//!   `1..=2^44`; `rows = max(1, round(bytes / bytes_per_row))`.
//! * `freshness_lag_s` — log-normal with median `freshness_median_s` and
//!   log-sigma `freshness_sigma`.
//! * `schema_drift` — Bernoulli(`schema_drift_rate`); `schema_version` is the
//!   dataset's base version (1–4) plus one when drifted.
//! * `lineage_expected` — fixed per dataset, uniform over
//!   `0..=2·lineage_expected_upstreams` (mean `lineage_expected_upstreams`;
//!   0 = a source dataset); `lineage_recorded = expected − missing` with
//!   `missing ~ Binomial(expected, lineage_missing_rate)`.
//! * `has_nulls`, `out_of_range` — Bernoulli(`null_rate`), Bernoulli(`out_of_range_rate`).
//! * `(role, sensitivity, action)` — independent categorical draws from the
//!   `access_mix` weights (one alias table over their product).
//! * `access_risk` — `base(role, sensitivity, action) · volume` in `[0, 1]`,
//!   where `base` is the product of the factors in [`risk_factors`] and
//!   `volume = 0.75 + 0.25 · min(1, bytes / (4 · bytes_per_event))`: bulk
//!   transfers are riskier than small ones.
//!
//! Normal quantiles come from a 1024-interval table interpolated linearly,
//! with the exact inverse CDF (Acklam's approximation via `libm`) in the
//! outer 1/1024 tails, so the heavy upper tail that carries a log-normal's
//! mean is not clipped. Bernoulli draws use 21-bit thresholds (resolution
//! 4.8·10⁻⁷; lineage's binomial also uses 21 bits), categorical and
//! continuous draws 32 bits.

use std::fmt::Write as _;

use crate::models::zipf::ZipfTable;
use crate::review::{Action, Role, Sensitivity, Workload};
use crate::rng::{Stream, StreamKey};

/// One synthetic pipeline event. Small and `Copy`: ids are integers; names
/// are rendered only when exported.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    /// Position of the delivery in the sample.
    pub index: u64,
    /// The event's id (a redelivery carries its original's).
    pub event_id: u64,
    pub timestamp_s: f64,
    pub bytes: u64,
    pub pipeline_id: u32,
    pub dataset_id: u32,
    pub domain: u32,
    pub rows: u32,
    pub freshness_lag_s: f32,
    /// 0..1, see the module docs.
    pub access_risk: f32,
    pub schema_version: u16,
    pub lineage_recorded: u8,
    pub lineage_expected: u8,
    pub schema_drift: bool,
    pub has_nulls: bool,
    pub out_of_range: bool,
    pub role: Role,
    pub sensitivity: Sensitivity,
    pub action: Action,
}

impl Event {
    /// A placeholder to size buffers with.
    pub const EMPTY: Event = Event {
        index: 0,
        event_id: 0,
        timestamp_s: 0.0,
        bytes: 0,
        pipeline_id: 0,
        dataset_id: 0,
        domain: 0,
        rows: 0,
        freshness_lag_s: 0.0,
        access_risk: 0.0,
        schema_version: 0,
        lineage_recorded: 0,
        lineage_expected: 0,
        schema_drift: false,
        has_nulls: false,
        out_of_range: false,
        role: Role::DataEngineer,
        sensitivity: Sensitivity::Public,
        action: Action::Read,
    };

    /// Dense index of the event's (role, sensitivity, action) combination,
    /// in `0..ACCESS_COMBOS`.
    #[inline]
    pub fn access_combo(&self) -> usize {
        access_combo(self.role, self.sensitivity, self.action)
    }
}

/// Number of (role, sensitivity, action) combinations.
pub const ACCESS_COMBOS: usize = Role::COUNT * Sensitivity::COUNT * Action::COUNT;

/// Dense index of a (role, sensitivity, action) combination.
#[inline]
pub const fn access_combo(role: Role, sensitivity: Sensitivity, action: Action) -> usize {
    (role.index() * Sensitivity::COUNT + sensitivity.index()) * Action::COUNT + action.index()
}

/// Inverse of [`access_combo`].
pub fn access_from_combo(combo: usize) -> Option<(Role, Sensitivity, Action)> {
    let action = Action::from_index(combo % Action::COUNT)?;
    let rest = combo / Action::COUNT;
    let sensitivity = Sensitivity::from_index(rest % Sensitivity::COUNT)?;
    let role = Role::from_index(rest / Sensitivity::COUNT)?;
    Some((role, sensitivity, action))
}

/// Factors of the base access risk, documented so reviewers can argue with
/// them: sensitivity (how bad a leak is), action (how much an action exposes
/// or destroys) and role (how far outside the data's owners the actor is).
pub mod risk_factors {
    use crate::review::{Action, Role, Sensitivity};

    pub const fn sensitivity(sensitivity: Sensitivity) -> f32 {
        match sensitivity {
            Sensitivity::Public => 0.05,
            Sensitivity::Internal => 0.3,
            Sensitivity::Confidential => 0.7,
            Sensitivity::Restricted => 1.0,
        }
    }

    pub const fn action(action: Action) -> f32 {
        match action {
            Action::Read => 0.4,
            Action::Write => 0.6,
            Action::Train => 0.6,
            Action::Delete => 0.9,
            Action::Export => 1.0,
        }
    }

    pub const fn role(role: Role) -> f32 {
        match role {
            Role::SecurityArchitect => 0.5,
            Role::DataSteward => 0.6,
            Role::PlatformOwner => 0.7,
            Role::DataEngineer => 0.8,
            Role::MlEngineer => 0.8,
            Role::Service => 0.9,
            Role::External => 1.0,
        }
    }
}

/// Largest bytes of one event: keeps squared sums in the profiler's `u128`s.
pub const MAX_EVENT_BYTES: u64 = 1 << 44;

/// Steps a redelivery may take back past other redeliveries to find its
/// original (64 consecutive redeliveries at the largest rate, 0.5, happen
/// with probability 5·10⁻²⁰).
pub const MAX_REDELIVERY_SCAN: u32 = 64;

/// Which deliveries of a sample are redeliveries, of which original, and
/// every delivery's event id: a pure function of `(seed, index)`, cheap
/// enough to regenerate a dedup window's ids (a lane's halo, the state
/// probes at other densities) without generating events.
#[derive(Clone, Copy, Debug)]
pub struct DeliveryPlan {
    deliveries: u64,
    production_events: u64,
    /// `N = per_position · n + remainder`: the thinning in u64 arithmetic.
    per_position: u64,
    remainder: u64,
    window_events: u64,
    duplicate_threshold: u64,
    deliveries_key: StreamKey,
    ids_key: StreamKey,
}

impl DeliveryPlan {
    /// The plan of `deliveries` deliveries of the workload's production batch
    /// over its batch window (the sample is `workload.sample_events`; the
    /// state probes use smaller densities).
    pub fn new(workload: &Workload, seed: u64, deliveries: u64) -> DeliveryPlan {
        let deliveries = deliveries.max(1);
        let production_events = workload.events.max(deliveries);
        DeliveryPlan {
            deliveries,
            production_events,
            per_position: production_events / deliveries,
            remainder: production_events % deliveries,
            window_events: Workload::window_events(
                deliveries,
                workload.dedup_window_s,
                workload.batch_window_s,
            ),
            duplicate_threshold: threshold_21(workload.duplicate_rate),
            deliveries_key: StreamKey::new(seed, Stream::Deliveries),
            ids_key: StreamKey::new(seed, Stream::EventIds),
        }
    }

    /// Deliveries in the sample.
    pub fn deliveries(&self) -> u64 {
        self.deliveries
    }

    /// Deliveries the dedup window spans (`W`).
    pub fn window_events(&self) -> u64 {
        self.window_events
    }

    /// Production event of sample position `o`: `⌊o · N / n⌋`, computed as
    /// `o · q + ⌊o · r / n⌋` with `N = q · n + r` — exact, and in u64
    /// (`o · r < n² ≤ 4·10¹⁶`), where a u128 division would cost a
    /// software call per event.
    #[inline]
    pub fn production_index(&self, position: u64) -> u64 {
        let whole = position.wrapping_mul(self.per_position);
        if self.remainder == 0 {
            whole
        } else {
            whole + position.wrapping_mul(self.remainder) / self.deliveries
        }
    }

    /// Production events of the batch this plan thins.
    pub fn production_events(&self) -> u64 {
        self.production_events
    }

    /// Whether position `i` drew a redelivery, and the drawn distance back.
    #[inline]
    fn draw(&self, index: u64) -> (bool, u64) {
        let w = self.deliveries_key.word(index);
        let marked =
            index > 0 && self.window_events > 0 && (w & BITS_21) < self.duplicate_threshold;
        let distance = 1 + (((w >> 32) * self.window_events) >> 32);
        (marked, distance)
    }

    /// The sample position of the original that delivery `index` carries:
    /// `index` itself for an original.
    #[inline]
    pub fn origin(&self, index: u64) -> u64 {
        let (marked, distance) = self.draw(index);
        if !marked || distance > index {
            return index;
        }
        let mut position = index - distance;
        for _ in 0..MAX_REDELIVERY_SCAN {
            if !self.draw(position).0 {
                return position;
            }
            if position == 0 || index - position >= self.window_events {
                break;
            }
            position -= 1;
        }
        index
    }

    /// Whether delivery `index` is a redelivery of an earlier original.
    #[inline]
    pub fn is_redelivery(&self, index: u64) -> bool {
        self.origin(index) != index
    }

    /// The id of production event `p`.
    #[inline]
    pub fn id_of_production(&self, production_index: u64) -> u64 {
        self.ids_key.word(production_index)
    }

    /// The event id delivery `index` carries.
    #[inline]
    pub fn event_id(&self, index: u64) -> u64 {
        self.id_of_production(self.production_index(self.origin(index)))
    }
}

/// Generates events; built once per run (tables), then shared by all lanes.
#[derive(Clone, Debug)]
pub struct EventGenerator {
    events_key: StreamKey,
    catalog_key: StreamKey,
    plan: DeliveryPlan,
    /// `batch_window_s / N`: production events are spread over the window.
    seconds_per_production_event: f64,
    domains: AliasTable,
    datasets_per_domain: u32,
    pipelines: u32,
    bytes: LogNormalTable,
    /// `1 / (4 · bytes_per_event)`: the volume factor's scale.
    volume_scale: f64,
    /// `1 / bytes_per_row`.
    rows_per_byte: f64,
    freshness: LogNormalTable,
    drift_threshold: u64,
    null_threshold: u64,
    out_of_range_threshold: u64,
    lineage_span: u64,
    /// `missing_cdf[expected · lineage_span + k]`: P(missing ≤ k) as a 32-bit
    /// threshold (entries past `expected` are 2^32: never reached).
    missing_cdf: Vec<u64>,
    access: AliasTable,
    /// Per access combination: (role, sensitivity, action, base risk).
    combos: Vec<(Role, Sensitivity, Action, f32)>,
}

impl EventGenerator {
    /// Builds the tables. `workload` must have passed validation (the
    /// generator stays panic-free on any input, but its distributions are
    /// meaningless outside the limits).
    pub fn new(workload: &Workload, seed: u64) -> EventGenerator {
        let domains = AliasTable::new(&domain_weights(
            workload.domains,
            workload.domain_zipf_alpha,
        ));
        let mut combos = Vec::with_capacity(ACCESS_COMBOS);
        let mut combo_weights = Vec::with_capacity(ACCESS_COMBOS);
        let mix = &workload.access_mix;
        for combo in 0..ACCESS_COMBOS {
            let Some((role, sensitivity, action)) = access_from_combo(combo) else {
                continue;
            };
            let weight = mix.roles.get(&role).copied().unwrap_or(0.0)
                * mix.sensitivities.get(&sensitivity).copied().unwrap_or(0.0)
                * mix.actions.get(&action).copied().unwrap_or(0.0);
            combo_weights.push(weight);
            let base = risk_factors::sensitivity(sensitivity)
                * risk_factors::action(action)
                * risk_factors::role(role);
            combos.push((role, sensitivity, action, base.min(1.0)));
        }
        let lineage_span = u64::from(workload.lineage_expected_upstreams) * 2 + 1;
        let mut missing_cdf = Vec::with_capacity((lineage_span * lineage_span) as usize);
        for expected in 0..lineage_span {
            let row = binomial_cdf(expected, workload.lineage_missing_rate);
            missing_cdf.extend(
                row.iter()
                    .copied()
                    .chain(std::iter::repeat(1 << 32))
                    .take(lineage_span as usize),
            );
        }
        let sigma = workload.bytes_sigma;
        EventGenerator {
            events_key: StreamKey::new(seed, Stream::Events),
            catalog_key: StreamKey::new(seed, Stream::Scenario),
            plan: DeliveryPlan::new(workload, seed, workload.sample_events),
            seconds_per_production_event: workload.batch_window_s
                / workload.events.max(workload.sample_events).max(1) as f64,
            domains,
            datasets_per_domain: workload.datasets_per_domain.max(1),
            pipelines: workload.pipelines.max(1),
            bytes: LogNormalTable::new(
                workload.bytes_per_event * libm::exp(-0.5 * sigma * sigma),
                sigma,
            ),
            volume_scale: 1.0 / (4.0 * workload.bytes_per_event.max(1.0)),
            rows_per_byte: 1.0 / workload.bytes_per_row.max(1.0),
            freshness: LogNormalTable::new(workload.freshness_median_s, workload.freshness_sigma),
            drift_threshold: threshold_21(workload.schema_drift_rate),
            null_threshold: threshold_21(workload.null_rate),
            out_of_range_threshold: threshold_21(workload.out_of_range_rate),
            lineage_span,
            missing_cdf,
            access: AliasTable::new(&combo_weights),
            combos,
        }
    }

    /// Deliveries in the sample: what the pipeline runs.
    pub fn events(&self) -> u64 {
        self.plan.deliveries()
    }

    /// Redeliveries and event ids of the sample.
    pub fn plan(&self) -> &DeliveryPlan {
        &self.plan
    }

    /// Expected share of events in each domain (from the domain table).
    pub fn domain_shares(&self) -> Vec<f64> {
        self.domains.probabilities()
    }

    /// Number of domains.
    pub fn domains(&self) -> u32 {
        self.domains.len() as u32
    }

    /// Delivery `index` of the sample: its original's content (a pure
    /// function of `(seed, p)`, `p` its production index) at this position.
    #[inline(always)]
    pub fn event(&self, index: u64) -> Event {
        let production = self.plan.production_index(self.plan.origin(index));
        self.content(index, production)
    }

    /// Production event `production` delivered at sample position `index`.
    #[inline(always)]
    fn content(&self, index: u64, production: u64) -> Event {
        let mut rng = self.events_key.item(production);
        // Four words, split into fields: 32 bits per categorical or
        // continuous draw, 21 per Bernoulli, 11 for the arrival jitter.
        let w_pick = rng.next_u64(); // domain | access
        let w_place = rng.next_u64(); // dataset | bytes
        let w_timing = rng.next_u64(); // freshness | lineage (21) | jitter (11)
        let w_flags = rng.next_u64(); // drift | nulls | out of range (21 each)

        let domain = self.domains.sample((w_pick >> 32) as u32);
        let combo = self.access.sample(w_pick as u32);
        let local = ((w_place >> 32) * u64::from(self.datasets_per_domain)) >> 32;
        let dataset_id = (u64::from(domain) * u64::from(self.datasets_per_domain) + local) as u32;
        // Signed and 32-bit conversions: one instruction each, where u64 ↔
        // f64 is emulated on x86-64. Indices stay below 2^63 (and far below
        // 2^53 in any run), so the signed detour is exact.
        let jitter = f64::from((w_timing & 0x7ff) as u32) * (1.0 / 2_048.0);
        let timestamp_s = (production as i64 as f64 + jitter) * self.seconds_per_production_event;

        // Dataset properties: stable for every event of the dataset.
        let catalog = self.catalog_key.word(u64::from(dataset_id));
        let pipeline_id = (((catalog >> 32) * u64::from(self.pipelines)) >> 32) as u32;
        let lineage_expected = ((catalog & 0xffff_ffff) * self.lineage_span) >> 32;
        let base_version = 1 + ((catalog >> 16) & 3) as u16;

        let bytes_f = self
            .bytes
            .sample(open_unit_32(w_place as u32))
            .clamp(1.0, MAX_EVENT_BYTES as f64);
        // Through i64: bytes_f ≤ 2^44, and a signed conversion is one
        // instruction where an unsigned one is emulated.
        let bytes = (bytes_f + 0.5) as i64 as u64;
        let rows =
            (bytes_f * self.rows_per_byte + 0.5).clamp(1.0, f64::from(u32::MAX)) as i64 as u32;
        let freshness_lag_s = self.freshness.sample(open_unit_32((w_timing >> 32) as u32)) as f32;

        let schema_drift = (w_flags & BITS_21) < self.drift_threshold;
        let has_nulls = ((w_flags >> 21) & BITS_21) < self.null_threshold;
        let out_of_range = ((w_flags >> 42) & BITS_21) < self.out_of_range_threshold;

        // 21 random bits scaled to the 32-bit thresholds of the table.
        let lineage_draw = ((w_timing >> 11) & BITS_21) << 11;
        let row_start = (lineage_expected * self.lineage_span) as usize;
        let missing = self
            .missing_cdf
            .get(row_start..row_start + self.lineage_span as usize)
            .map_or(0, |cdf| {
                cdf.iter().take_while(|&&t| lineage_draw >= t).count() as u64
            })
            .min(lineage_expected);

        let (role, sensitivity, action, base_risk) = self
            .combos
            .get(combo as usize)
            .copied()
            .unwrap_or((Role::DataEngineer, Sensitivity::Public, Action::Read, 0.0));
        let volume = 0.75 + 0.25 * (bytes_f * self.volume_scale).min(1.0);
        let access_risk = (base_risk * volume as f32).min(1.0);

        Event {
            index,
            event_id: self.plan.id_of_production(production),
            timestamp_s,
            bytes,
            pipeline_id,
            dataset_id,
            domain,
            rows,
            freshness_lag_s,
            access_risk,
            schema_version: base_version + u16::from(schema_drift),
            lineage_recorded: (lineage_expected - missing) as u8,
            lineage_expected: lineage_expected as u8,
            schema_drift,
            has_nulls,
            out_of_range,
            role,
            sensitivity,
            action,
        }
    }

    /// Fills `out` with events `start, start + 1, …`.
    pub fn fill(&self, start: u64, out: &mut [Event]) {
        for (offset, slot) in out.iter_mut().enumerate() {
            *slot = self.event(start + offset as u64);
        }
    }
}

const BITS_21: u64 = (1 << 21) - 1;

/// A probability as a 21-bit threshold: `draw < threshold` has that probability.
fn threshold_21(p: f64) -> u64 {
    (p.clamp(0.0, 1.0) * (1u64 << 21) as f64 + 0.5) as u64
}

/// 32 random bits as a uniform in the open interval (0, 1): safe for both
/// tails of an inverse CDF (|z| ≤ 6.3, far beyond any visible quantile).
#[inline]
fn open_unit_32(bits: u32) -> f64 {
    (f64::from(bits) + 0.5) * (1.0 / 4_294_967_296.0)
}

/// Domain popularity: the exact Zipf pmf of [`ZipfTable`], sampled by our
/// alias table (one comparison per event instead of a binary search).
/// Validation keeps `domains` and `alpha` inside the table's limits; outside
/// them the domains fall back to uniform rather than panic.
fn domain_weights(domains: u32, alpha: f64) -> Vec<f64> {
    match ZipfTable::new(domains.max(1) as usize, alpha) {
        Ok(table) => table.probabilities().to_vec(),
        Err(_) => vec![1.0; domains.max(1) as usize],
    }
}

/// `P(missing ≤ k)` for `k in 0..expected`, `missing ~ Binomial(expected, p)`,
/// as 32-bit thresholds. (The last point, k = expected, is 1 and implied.)
fn binomial_cdf(expected: u64, p: f64) -> Vec<u64> {
    let p = p.clamp(0.0, 1.0);
    let mut cdf = Vec::with_capacity(expected as usize);
    let mut cumulative = 0.0;
    for k in 0..expected {
        cumulative += binomial_pmf(expected, k, p);
        cdf.push((cumulative.min(1.0) * 4_294_967_296.0) as u64);
    }
    cdf
}

fn binomial_pmf(n: u64, k: u64, p: f64) -> f64 {
    // ln C(n, k) by summing logs: n ≤ 64, built once per run.
    let ln_choose: f64 = (0..k)
        .map(|i| libm::log((n - i) as f64) - libm::log((i + 1) as f64))
        .sum();
    let ln_p = if k == 0 { 0.0 } else { k as f64 * libm::log(p) };
    let ln_q = if n == k {
        0.0
    } else {
        (n - k) as f64 * libm::log1p(-p)
    };
    libm::exp(ln_choose + ln_p + ln_q)
}

/// Walker/Vose alias table over 32-bit draws: one draw, one comparison.
#[derive(Clone, Debug)]
pub struct AliasTable {
    /// Per column: (accept threshold in 0..=2^32, alias).
    columns: Vec<(u64, u32)>,
}

impl AliasTable {
    /// Weights need not be normalised; all-zero or empty weights give a
    /// table that always returns 0.
    pub fn new(weights: &[f64]) -> AliasTable {
        let n = weights.len();
        let total: f64 = weights.iter().map(|w| w.max(0.0)).sum();
        if n == 0 || total <= 0.0 || !total.is_finite() {
            return AliasTable {
                columns: vec![(1 << 32, 0)],
            };
        }
        let mut scaled: Vec<f64> = weights
            .iter()
            .map(|w| w.max(0.0) * n as f64 / total)
            .collect();
        let mut columns = vec![(1u64 << 32, 0u32); n];
        let mut small: Vec<usize> = Vec::new();
        let mut large: Vec<usize> = Vec::new();
        for (i, &p) in scaled.iter().enumerate().rev() {
            if p < 1.0 {
                small.push(i);
            } else {
                large.push(i);
            }
        }
        while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
            small.pop();
            let p_small = scaled.get(s).copied().unwrap_or(1.0);
            if let Some(column) = columns.get_mut(s) {
                *column = ((p_small * 4_294_967_296.0) as u64, l as u32);
            }
            if let Some(p_large) = scaled.get_mut(l) {
                *p_large -= 1.0 - p_small;
                if *p_large < 1.0 {
                    large.pop();
                    small.push(l);
                }
            }
        }
        // Leftovers (rounding) keep their own column with certainty.
        AliasTable { columns }
    }

    /// The category for a uniform 32-bit draw.
    #[inline]
    pub fn sample(&self, draw: u32) -> u32 {
        let product = u64::from(draw) * self.columns.len() as u64;
        let column = (product >> 32) as usize;
        let fraction = product & 0xffff_ffff;
        match self.columns.get(column) {
            Some(&(threshold, alias)) => {
                if fraction < threshold {
                    column as u32
                } else {
                    alias
                }
            }
            None => 0,
        }
    }

    /// Number of categories.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Always false: an empty weight list becomes one certain category.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The probability of every category, in one pass.
    pub fn probabilities(&self) -> Vec<f64> {
        let n = self.columns.len() as f64;
        let mut p = vec![0.0; self.columns.len()];
        for (column, &(threshold, alias)) in self.columns.iter().enumerate() {
            let accept = threshold.min(1 << 32) as f64 / 4_294_967_296.0;
            if let Some(own) = p.get_mut(column) {
                *own += accept / n;
            }
            if let Some(other) = p.get_mut(alias as usize) {
                *other += (1.0 - accept) / n;
            }
        }
        p
    }

    /// The probability of category `i` (for tests and reports).
    pub fn probability(&self, i: usize) -> f64 {
        let n = self.columns.len() as f64;
        let mut p = 0.0;
        for (column, &(threshold, alias)) in self.columns.iter().enumerate() {
            let accept = threshold.min(1 << 32) as f64 / 4_294_967_296.0;
            if column == i {
                p += accept / n;
            }
            if alias as usize == i {
                p += (1.0 - accept) / n;
            }
        }
        p
    }
}

/// Quantiles of a log-normal `scale · exp(sigma · z)`: a linear-interpolation
/// table over the body, the exact inverse CDF in the outer tails.
#[derive(Clone, Debug)]
struct LogNormalTable {
    scale: f64,
    sigma: f64,
    /// `segments[k]` = (quantile at `k / INTERVALS`, rise to the next
    /// knot), for `k in 1..INTERVALS - 1` (`segments[0]` unused).
    segments: Vec<(f64, f64)>,
}

impl LogNormalTable {
    const INTERVALS: usize = 1024;

    fn new(scale: f64, sigma: f64) -> LogNormalTable {
        let mut table = LogNormalTable {
            scale,
            sigma,
            segments: Vec::new(),
        };
        let knot = |k: usize| table.exact(k as f64 / Self::INTERVALS as f64);
        let segments = (0..Self::INTERVALS - 1)
            .map(|k| {
                if k == 0 {
                    (0.0, 0.0)
                } else {
                    let low = knot(k);
                    (low, knot(k + 1) - low)
                }
            })
            .collect();
        table.segments = segments;
        table
    }

    fn exact(&self, u: f64) -> f64 {
        self.scale * libm::exp(self.sigma * normal_quantile(u))
    }

    /// `u` in the open interval (0, 1).
    #[inline]
    fn sample(&self, u: f64) -> f64 {
        let t = u * Self::INTERVALS as f64;
        // `t` is in (0, INTERVALS): the signed 32-bit conversion is exact
        // and one instruction.
        let k = t as i32;
        match self.segments.get(k as usize) {
            Some(&(low, rise)) if k > 0 => low + (t - f64::from(k)) * rise,
            // The outer 1/INTERVALS of each tail (and k = 0).
            _ => self.exact(u),
        }
    }
}

/// Standard normal quantile, Acklam's rational approximation (relative error
/// < 1.2·10⁻⁹), via `libm` so native and wasm agree bit for bit.
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.02425;
    let [a0, a1, a2, a3, a4, a5] = A;
    let [b0, b1, b2, b3, b4] = B;
    let [c0, c1, c2, c3, c4, c5] = C;
    let [d0, d1, d2, d3] = D;
    let tail = |q: f64| {
        (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5)
            / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1.0)
    };
    let p = p.clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0);
    if p < P_LOW {
        tail(libm::sqrt(-2.0 * libm::log(p)))
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q
            / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1.0)
    } else {
        -tail(libm::sqrt(-2.0 * libm::log1p(-p)))
    }
}

// ---------------------------------------------------------------------------
// Fixed-width binary record: what the generator writes and the decode stage
// parses.

/// Bytes of one encoded event.
pub const RECORD_BYTES: usize = 64;

/// Why a record did not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("record {index}: invalid {field} byte {value}")]
    InvalidEnum {
        index: u64,
        field: &'static str,
        value: u8,
    },
    #[error("record {index}: lineage recorded {recorded} exceeds expected {expected}")]
    Lineage {
        index: u64,
        recorded: u8,
        expected: u8,
    },
    #[error("record buffer of {bytes} bytes is not a whole number of records")]
    Truncated { bytes: usize },
}

const FLAG_DRIFT: u8 = 1;
const FLAG_NULLS: u8 = 2;
const FLAG_OUT_OF_RANGE: u8 = 4;

/// Encodes `event` little-endian into `out`.
#[inline]
pub fn encode_record(event: &Event, out: &mut [u8; RECORD_BYTES]) {
    let mut flags = 0;
    if event.schema_drift {
        flags |= FLAG_DRIFT;
    }
    if event.has_nulls {
        flags |= FLAG_NULLS;
    }
    if event.out_of_range {
        flags |= FLAG_OUT_OF_RANGE;
    }
    let mut writer = Writer { rest: out };
    writer.put(event.index.to_le_bytes());
    writer.put(event.event_id.to_le_bytes());
    writer.put(event.timestamp_s.to_le_bytes());
    writer.put(event.bytes.to_le_bytes());
    writer.put(event.pipeline_id.to_le_bytes());
    writer.put(event.dataset_id.to_le_bytes());
    writer.put(event.domain.to_le_bytes());
    writer.put(event.rows.to_le_bytes());
    writer.put(event.freshness_lag_s.to_le_bytes());
    writer.put(event.access_risk.to_le_bytes());
    writer.put(event.schema_version.to_le_bytes());
    writer.put([
        event.lineage_recorded,
        event.lineage_expected,
        flags,
        event.role as u8,
        event.sensitivity as u8,
        event.action as u8,
    ]);
}

/// Parses and checks one record.
#[inline]
pub fn parse_record(record: &[u8; RECORD_BYTES]) -> Result<Event, RecordError> {
    let mut reader = Reader { rest: record };
    let index = u64::from_le_bytes(reader.take());
    let event_id = u64::from_le_bytes(reader.take());
    let timestamp_s = f64::from_le_bytes(reader.take());
    let bytes = u64::from_le_bytes(reader.take());
    let pipeline_id = u32::from_le_bytes(reader.take());
    let dataset_id = u32::from_le_bytes(reader.take());
    let domain = u32::from_le_bytes(reader.take());
    let rows = u32::from_le_bytes(reader.take());
    let freshness_lag_s = f32::from_le_bytes(reader.take());
    let access_risk = f32::from_le_bytes(reader.take());
    let schema_version = u16::from_le_bytes(reader.take());
    let [lineage_recorded, lineage_expected, flags, role, sensitivity, action] = reader.take();
    let invalid = |field, value| RecordError::InvalidEnum {
        index,
        field,
        value,
    };
    if flags & !(FLAG_DRIFT | FLAG_NULLS | FLAG_OUT_OF_RANGE) != 0 {
        return Err(invalid("flags", flags));
    }
    if lineage_recorded > lineage_expected {
        return Err(RecordError::Lineage {
            index,
            recorded: lineage_recorded,
            expected: lineage_expected,
        });
    }
    Ok(Event {
        index,
        event_id,
        timestamp_s,
        bytes,
        pipeline_id,
        dataset_id,
        domain,
        rows,
        freshness_lag_s,
        access_risk,
        schema_version,
        lineage_recorded,
        lineage_expected,
        schema_drift: flags & FLAG_DRIFT != 0,
        has_nulls: flags & FLAG_NULLS != 0,
        out_of_range: flags & FLAG_OUT_OF_RANGE != 0,
        role: Role::from_index(role.into()).ok_or(invalid("role", role))?,
        sensitivity: Sensitivity::from_index(sensitivity.into())
            .ok_or(invalid("sensitivity", sensitivity))?,
        action: Action::from_index(action.into()).ok_or(invalid("action", action))?,
    })
}

/// Encodes `events` into `out` (resized to fit; reused across chunks).
pub fn encode_records(events: &[Event], out: &mut Vec<u8>) {
    out.resize(events.len() * RECORD_BYTES, 0);
    for (event, record) in events.iter().zip(out.chunks_exact_mut(RECORD_BYTES)) {
        if let Some(record) = record.first_chunk_mut::<RECORD_BYTES>() {
            encode_record(event, record);
        }
    }
}

/// Parses `records` into `out` (which must hold one event per record).
pub fn parse_records(records: &[u8], out: &mut [Event]) -> Result<(), RecordError> {
    if records.len() != out.len() * RECORD_BYTES {
        return Err(RecordError::Truncated {
            bytes: records.len(),
        });
    }
    for (record, slot) in records.chunks_exact(RECORD_BYTES).zip(out.iter_mut()) {
        if let Some(record) = record.first_chunk::<RECORD_BYTES>() {
            *slot = parse_record(record)?;
        }
    }
    Ok(())
}

/// Sequential little-endian reads from a record; reads past the end yield
/// zeros (cannot happen for a whole record, but must not panic).
struct Reader<'a> {
    rest: &'a [u8],
}

impl Reader<'_> {
    #[inline]
    fn take<const N: usize>(&mut self) -> [u8; N] {
        match self.rest.split_first_chunk::<N>() {
            Some((head, rest)) => {
                self.rest = rest;
                *head
            }
            None => [0; N],
        }
    }
}

/// Sequential little-endian writes into a record; writes past the end are
/// dropped (cannot happen for a whole record, but must not panic).
struct Writer<'a> {
    rest: &'a mut [u8],
}

impl Writer<'_> {
    #[inline]
    fn put<const N: usize>(&mut self, bytes: [u8; N]) {
        let rest = std::mem::take(&mut self.rest);
        if let Some((head, tail)) = rest.split_first_chunk_mut::<N>() {
            *head = bytes;
            self.rest = tail;
        }
    }
}

// ---------------------------------------------------------------------------
// CSV export.

/// Header of [`write_csv_row`].
pub const CSV_HEADER: &str = "index,event_id,timestamp_s,pipeline,dataset,domain,rows,bytes,freshness_lag_s,\
schema_version,schema_drift,lineage_recorded,lineage_expected,has_nulls,out_of_range,role,sensitivity,\
action,access_risk";

/// Appends one CSV row (with trailing newline), names rendered from ids.
pub fn write_csv_row(event: &Event, out: &mut String) {
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "{},{:016x},{},pl_{:04},ds_{:06},dom_{:04},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        event.index,
        event.event_id,
        event.timestamp_s,
        event.pipeline_id,
        event.dataset_id,
        event.domain,
        event.rows,
        event.bytes,
        event.freshness_lag_s,
        event.schema_version,
        event.schema_drift,
        event.lineage_recorded,
        event.lineage_expected,
        event.has_nulls,
        event.out_of_range,
        event.role,
        event.sensitivity,
        event.action,
        event.access_risk,
    );
}

/// Most bytes [`events_csv`] reserves up front (the string still grows).
const MAX_CSV_RESERVE_BYTES: usize = 64 << 20;

/// Bytes to reserve for `count` CSV rows: about 160 a row, computed without
/// overflow on 32-bit `usize` (wasm32, where `count · 160` wraps above 26 M
/// rows) and capped, so a large export never asks for gigabytes at once.
fn csv_reserve_bytes(count: u64) -> usize {
    usize::try_from(count)
        .unwrap_or(usize::MAX)
        .saturating_mul(160)
        .saturating_add(CSV_HEADER.len() + 1)
        .min(MAX_CSV_RESERVE_BYTES)
}

/// CSV of the first `limit` events (header included).
pub fn events_csv(generator: &EventGenerator, limit: u64) -> String {
    let count = limit.min(generator.events());
    let mut out = String::with_capacity(csv_reserve_bytes(count));
    out.push_str(CSV_HEADER);
    out.push('\n');
    for index in 0..count {
        write_csv_row(&generator.event(index), &mut out);
    }
    out
}

/// What synthetic events cannot show, and what would change with real
/// institutional data. Quoted in the memo's risks and open questions.
pub fn proxy_data_limits() -> Vec<String> {
    [
        "Every distribution here is parametric (Zipf domains, log-normal sizes and lags, independent \
         Bernoulli quality defects); real pipelines have correlated failures, e.g. one broken upstream \
         makes a whole domain late, drifted and null-ridden at once, which concentrates risk and skew \
         beyond what these numbers show.",
        "Stage costs are measured on a compact in-memory record, not on real file formats (Parquet, \
         Avro, JSON) or object storage; real ingest is usually I/O- and decode-bound, so the bottleneck \
         may move from policy or aggregation to ingest.",
        "The shuffle is counted, not sent: partition loads and skew are exact for the synthetic keys, \
         but network time, serialization and stragglers on a real cluster must be measured on a pilot.",
        "Access events are independent draws from a fixed role × sensitivity × action mix; real access \
         logs have sessions, service accounts with bursts, and rare but clustered misuse, so policy \
         check failure rates need validation against the institution's audit logs.",
        "Lineage completeness is drawn per upstream edge; in practice missing lineage clusters in \
         manual or legacy pipelines, so the share of datasets with no usable lineage could be much \
         higher than the average completeness suggests.",
        "Event volume, byte sizes and growth are assumptions: with real data, the crossover where one \
         node stops meeting the deadline must be recomputed from measured daily volumes and their \
         growth rate, including peak days, not means.",
        "Risk scores are a documented heuristic (sensitivity × action × role × volume), not a threat \
         model; the security architect should replace the factors with the institution's data \
         classification and incident history.",
    ]
    .into_iter()
    .map(str::to_string)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::Review;
    use proptest::prelude::*;

    fn generator() -> EventGenerator {
        let review = Review::example();
        EventGenerator::new(&review.workload, review.seed)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn event_is_a_pure_function_of_seed_and_index(
            seed in any::<u64>(),
            start in 0u64..1_000_000_000,
            len in 1usize..64,
            split in 0usize..64,
        ) {
            let workload = Review::example().workload;
            let generator = EventGenerator::new(&workload, seed);
            let mut whole = vec![Event::EMPTY; len];
            generator.fill(start, &mut whole);
            // The same range in two pieces, filled back to front.
            let split = split.min(len);
            let mut pieces = vec![Event::EMPTY; len];
            let (head, tail) = pieces.split_at_mut(split);
            generator.fill(start + split as u64, tail);
            generator.fill(start, head);
            prop_assert_eq!(&whole, &pieces);
            for (offset, event) in whole.iter().enumerate() {
                prop_assert_eq!(*event, generator.event(start + offset as u64));
            }
            // A fresh generator (tables rebuilt) agrees.
            let again = EventGenerator::new(&workload, seed);
            prop_assert_eq!(whole[0], again.event(start));
        }

        #[test]
        fn records_round_trip(seed in any::<u64>(), index in any::<u64>()) {
            let workload = Review::example().workload;
            let event = EventGenerator::new(&workload, seed).event(index);
            let mut record = [0u8; RECORD_BYTES];
            encode_record(&event, &mut record);
            prop_assert_eq!(parse_record(&record), Ok(event));
        }
    }

    #[test]
    fn the_thinning_is_exact_in_u64() {
        let mut workload = Review::example().workload;
        for (events, sample) in [
            (1_000_000_000_000u64, 200_000_000u64),
            (999_999_999_989, 199_999_991),
            (7, 3),
            (2_000_000, 2_000_000),
            (1_000_000_007, 1_000),
        ] {
            workload.events = events;
            let plan = DeliveryPlan::new(&workload, 1, sample);
            assert_eq!(plan.production_events(), events);
            for o in [0, 1, 2, sample / 3, sample / 2 + 1, sample - 1] {
                let exact = (u128::from(o) * u128::from(events) / u128::from(sample)) as u64;
                assert_eq!(plan.production_index(o), exact, "{events} {sample} {o}");
            }
        }
    }

    #[test]
    fn different_seeds_give_different_events() {
        let workload = Review::example().workload;
        let a = EventGenerator::new(&workload, 1).event(5);
        let b = EventGenerator::new(&workload, 2).event(5);
        assert_ne!(a, b);
    }

    #[test]
    fn corrupt_records_are_rejected() {
        let event = generator().event(3);
        let mut record = [0u8; RECORD_BYTES];
        encode_record(&event, &mut record);
        let mut bad_role = record;
        bad_role[RECORD_BYTES - 3] = 9;
        assert_eq!(
            parse_record(&bad_role),
            Err(RecordError::InvalidEnum {
                index: 3,
                field: "role",
                value: 9
            })
        );
        let mut bad_lineage = record;
        bad_lineage[RECORD_BYTES - 6] = 200;
        assert!(matches!(
            parse_record(&bad_lineage),
            Err(RecordError::Lineage { .. })
        ));
    }

    #[test]
    fn sample_means_match_the_workload() {
        let review = Review::example();
        let w = &review.workload;
        let generator = EventGenerator::new(w, review.seed);
        let n = 200_000u64;
        let mut bytes = 0.0;
        let mut log_lag = Vec::with_capacity(n as usize);
        let (mut drift, mut nulls, mut oor, mut recorded, mut expected) =
            (0u64, 0u64, 0u64, 0u64, 0u64);
        for i in 0..n {
            let e = generator.event(i);
            bytes += e.bytes as f64;
            log_lag.push(f64::from(e.freshness_lag_s));
            drift += u64::from(e.schema_drift);
            nulls += u64::from(e.has_nulls);
            oor += u64::from(e.out_of_range);
            recorded += u64::from(e.lineage_recorded);
            expected += u64::from(e.lineage_expected);
        }
        let n_f = n as f64;
        let near = |name: &str, got: f64, want: f64, tolerance: f64| {
            assert!(
                (got - want).abs() <= tolerance * want,
                "{name}: got {got}, want {want} ± {tolerance:.0e} rel"
            );
        };
        near("bytes mean", bytes / n_f, w.bytes_per_event, 0.02);
        log_lag.sort_by(f64::total_cmp);
        near(
            "freshness median",
            log_lag[log_lag.len() / 2],
            w.freshness_median_s,
            0.02,
        );
        near("drift rate", drift as f64 / n_f, w.schema_drift_rate, 0.15);
        near("null rate", nulls as f64 / n_f, w.null_rate, 0.05);
        near(
            "out-of-range rate",
            oor as f64 / n_f,
            w.out_of_range_rate,
            0.1,
        );
        // Declared upstreams are a per-dataset property: with skewed domains
        // a few heavy datasets dominate the event-weighted mean, so check
        // the catalog mean with every dataset equally likely.
        let mut uniform = w.clone();
        uniform.domain_zipf_alpha = 0.0;
        let flat = EventGenerator::new(&uniform, review.seed);
        let declared: u64 = (0..n)
            .map(|i| u64::from(flat.event(i).lineage_expected))
            .sum();
        near(
            "lineage upstreams",
            declared as f64 / n_f,
            f64::from(w.lineage_expected_upstreams),
            0.03,
        );
        near(
            "lineage missing",
            1.0 - recorded as f64 / expected as f64,
            w.lineage_missing_rate,
            0.05,
        );
        // The SLA breach share of a log-normal: P(z > ln(sla/median)/sigma).
        let breaches = log_lag.iter().filter(|&&l| l > w.freshness_sla_s).count() as f64 / n_f;
        near("freshness breaches", breaches, 0.0232, 0.05);
    }

    #[test]
    fn categorical_draws_follow_the_weights() {
        let generator = generator();
        let n = 200_000u64;
        let mut by_domain = vec![0u64; 200];
        let mut by_role = [0u64; Role::COUNT];
        for i in 0..n {
            let e = generator.event(i);
            by_domain[e.domain as usize] += 1;
            by_role[e.role.index()] += 1;
        }
        let zipf = ZipfTable::new(200, 1.1).unwrap();
        let top_share = by_domain[0] as f64 / n as f64;
        assert!(
            (top_share - zipf.probabilities()[0]).abs() < 0.005,
            "top domain share {top_share}"
        );
        let ml_share = by_role[Role::MlEngineer.index()] as f64 / n as f64;
        assert!(
            (ml_share - 0.30).abs() < 0.005,
            "ml engineer share {ml_share}"
        );
    }

    #[test]
    fn alias_table_reproduces_probabilities() {
        let table = AliasTable::new(&[1.0, 0.0, 3.0, 4.0]);
        let expected = [0.125, 0.0, 0.375, 0.5];
        for (i, p) in expected.iter().enumerate() {
            assert!(
                (table.probability(i) - p).abs() < 1e-9,
                "{i}: {}",
                table.probability(i)
            );
        }
        assert_eq!(AliasTable::new(&[]).sample(12345), 0);
        assert_eq!(AliasTable::new(&[0.0, 0.0]).sample(u32::MAX), 0);
    }

    #[test]
    fn normal_quantile_matches_known_values() {
        for (p, z) in [
            (0.5, 0.0),
            (0.975, 1.959_963_984_540_054),
            (0.01, -2.326_347_874_040_841),
            (1e-10, -6.361_340_902_404_056),
        ] {
            assert!(
                (normal_quantile(p) - z).abs() < 1e-8 * z.abs().max(1.0),
                "{p}: {}",
                normal_quantile(p)
            );
        }
    }

    #[test]
    fn csv_reserve_never_overflows_and_is_capped() {
        assert_eq!(csv_reserve_bytes(0), CSV_HEADER.len() + 1);
        assert_eq!(csv_reserve_bytes(3), CSV_HEADER.len() + 1 + 480);
        // 200 M rows (the sample limit) overflow a 32-bit `count · 160`.
        assert_eq!(
            csv_reserve_bytes(crate::limits::MAX_SAMPLE_EVENTS),
            MAX_CSV_RESERVE_BYTES
        );
        assert_eq!(csv_reserve_bytes(u64::MAX), MAX_CSV_RESERVE_BYTES);
    }

    #[test]
    fn csv_has_header_and_named_ids() {
        let csv = events_csv(&generator(), 3);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], CSV_HEADER);
        let columns = CSV_HEADER.split(',').count();
        for line in &lines[1..] {
            assert_eq!(line.split(',').count(), columns, "{line}");
            assert!(
                line.contains(",dom_") && line.contains(",ds_") && line.contains(",pl_"),
                "{line}"
            );
        }
    }

    #[test]
    fn proxy_limits_are_concrete() {
        let limits = proxy_data_limits();
        assert!(limits.len() >= 5);
        assert!(limits.iter().all(|l| l.len() > 80));
    }
}
