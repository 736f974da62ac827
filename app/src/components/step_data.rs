//! Step 2: the synthetic workload — its parameters (inputs and sliders with
//! units), the seed, a live sample of the generated events and the
//! distributions of their freshness, drift, lineage completeness and access
//! risk (computed by the engine worker), and what such proxy data cannot
//! show.

use leptos::prelude::*;
use scalewise_core::events::proxy_data_limits;
use scalewise_core::review::{Action, Role, Sensitivity, Workload};

use crate::bind::{self, to_u32, to_u64, Binding};
use crate::charts;
use crate::components::chart::Chart;
use crate::components::event_table::EventTable;
use crate::components::field_errors::FieldErrors;
use crate::components::number_field::{NumberField, Slider};
use crate::components::seed_field::SeedField;
use crate::components::step_header::StepHeader;
use crate::components::step_nav::StepNav;
use crate::format::{self, Unit};
use crate::state::{ByAddress, SampleState, Workbench};
use crate::step::Step;

/// One workload parameter's form control.
struct Param {
    label: &'static str,
    field: &'static str,
    unit: &'static str,
    echo: Option<Unit>,
    integer: bool,
    hint: &'static str,
    slider: Option<Slider>,
    get: fn(&Workload) -> f64,
    set: fn(&mut Workload, f64),
}

const fn slider(name: &'static str, min: f64, max: f64, log: bool) -> Option<Slider> {
    Some(Slider {
        name,
        min,
        max,
        log,
    })
}

const VOLUME: [Param; 6] = [
    Param {
        label: "Production events per run",
        field: "events",
        unit: "events",
        echo: Some(Unit::Count),
        integer: true,
        hint: "The production volume of one batch run, the volume the decision is about: projected from the profiled sample, not run. At most 10¹².",
        slider: slider("Event volume slider", 1e4, 1e12, true),
        get: |w| w.events as f64,
        set: |w, v| w.events = to_u64(v),
    },
    Param {
        label: "Profiled sample",
        field: "sample_events",
        unit: "events",
        echo: Some(Unit::Count),
        integer: true,
        hint: "Deliveries the pipeline really runs here: a thinning of the production batch over the same batch window. At most the production volume and 200 M (200 000 000): the engine's limit, which a browser tab runs in about a minute.",
        slider: slider("Sample size slider", 1e4, 2e8, true),
        get: |w| w.sample_events as f64,
        set: |w, v| w.sample_events = to_u64(v),
    },
    Param {
        label: "Batch window",
        field: "batch_window_s",
        unit: "s",
        echo: Some(Unit::Seconds),
        integer: false,
        hint: "Event time one batch covers.",
        slider: None,
        get: |w| w.batch_window_s,
        set: |w, v| w.batch_window_s = v,
    },
    Param {
        label: "Mean payload per event",
        field: "bytes_per_event",
        unit: "bytes",
        echo: Some(Unit::Bytes),
        integer: false,
        hint: "Log-normal around this mean.",
        slider: slider("Payload size slider", 100.0, 1e8, true),
        get: |w| w.bytes_per_event,
        set: |w, v| w.bytes_per_event = v,
    },
    Param {
        label: "Payload spread (σ of log)",
        field: "bytes_sigma",
        unit: "σ",
        echo: None,
        integer: false,
        hint: "1 means a few events are 10× the mean (backfills).",
        slider: None,
        get: |w| w.bytes_sigma,
        set: |w, v| w.bytes_sigma = v,
    },
    Param {
        label: "Row width",
        field: "bytes_per_row",
        unit: "bytes",
        echo: None,
        integer: false,
        hint: "Turns bytes into rows.",
        slider: None,
        get: |w| w.bytes_per_row,
        set: |w, v| w.bytes_per_row = v,
    },
];

const KEYS: [Param; 8] = [
    Param {
        label: "Domains (partition keys)",
        field: "domains",
        unit: "keys",
        echo: None,
        integer: true,
        hint: "Business domains; the by-domain shuffle key.",
        slider: None,
        get: |w| f64::from(w.domains),
        set: |w, v| w.domains = to_u32(v),
    },
    Param {
        label: "Domain skew (Zipf α)",
        field: "domain_zipf_alpha",
        unit: "α",
        echo: None,
        integer: false,
        hint: "0 = uniform; about 1 = a few domains dominate.",
        slider: slider("Skew slider", 0.0, 3.0, false),
        get: |w| w.domain_zipf_alpha,
        set: |w, v| w.domain_zipf_alpha = v,
    },
    Param {
        label: "Datasets per domain",
        field: "datasets_per_domain",
        unit: "datasets",
        echo: None,
        integer: true,
        hint: "Uniform within a domain.",
        slider: None,
        get: |w| f64::from(w.datasets_per_domain),
        set: |w, v| w.datasets_per_domain = to_u32(v),
    },
    Param {
        label: "Pipelines",
        field: "pipelines",
        unit: "pipelines",
        echo: None,
        integer: true,
        hint: "Each dataset is written by one of them.",
        slider: None,
        get: |w| f64::from(w.pipelines),
        set: |w, v| w.pipelines = to_u32(v),
    },
    Param {
        label: "Cache catalog",
        field: "hot_keys",
        unit: "keys",
        echo: Some(Unit::Count),
        integer: true,
        hint: "Feature and lookup keys the cache model sees.",
        slider: None,
        get: |w| w.hot_keys as f64,
        set: |w, v| w.hot_keys = to_u64(v),
    },
    Param {
        label: "Key popularity (Zipf α)",
        field: "hot_key_zipf_alpha",
        unit: "α",
        echo: None,
        integer: false,
        hint: "Higher: a small cache hits more often.",
        slider: None,
        get: |w| w.hot_key_zipf_alpha,
        set: |w, v| w.hot_key_zipf_alpha = v,
    },
    Param {
        label: "Cache look-ups per event",
        field: "requests_per_event",
        unit: "per event",
        echo: None,
        integer: false,
        hint: "Dimension and feature joins.",
        slider: None,
        get: |w| w.requests_per_event,
        set: |w, v| w.requests_per_event = v,
    },
    Param {
        label: "Cache entry size",
        field: "cache_entry_bytes",
        unit: "bytes",
        echo: Some(Unit::Bytes),
        integer: true,
        hint: "Memory per cached key: a feature row of ~200 float32 features, its key and version stamp ≈ 1 KiB.",
        slider: None,
        get: |w| w.cache_entry_bytes as f64,
        set: |w, v| w.cache_entry_bytes = to_u64(v),
    },
];

const DELIVERY: [Param; 2] = [
    Param {
        label: "Redelivery rate",
        field: "duplicate_rate",
        unit: "0–0.5",
        echo: Some(Unit::Percent),
        integer: false,
        hint: "At-least-once delivery: retries after timeouts and consumer restarts redeliver ~0.1–1% of events; the dedup stage drops them.",
        slider: None,
        get: |w| w.duplicate_rate,
        set: |w, v| w.duplicate_rate = v,
    },
    Param {
        label: "Dedup window",
        field: "dedup_window_s",
        unit: "s",
        echo: Some(Unit::Seconds),
        integer: false,
        hint: "Redeliveries arrive within the ingestion layer's retry horizon (an hour); the dedup stage keeps the ids of that window, at most the batch window.",
        slider: None,
        get: |w| w.dedup_window_s,
        set: |w, v| w.dedup_window_s = v,
    },
];

const FRESHNESS: [Param; 3] = [
    Param {
        label: "Median freshness lag",
        field: "freshness_median_s",
        unit: "s",
        echo: Some(Unit::Seconds),
        integer: false,
        hint: "Log-normal lag of an event behind event time.",
        slider: slider("Lag slider", 1.0, 604_800.0, true),
        get: |w| w.freshness_median_s,
        set: |w, v| w.freshness_median_s = v,
    },
    Param {
        label: "Lag spread (σ of log)",
        field: "freshness_sigma",
        unit: "σ",
        echo: None,
        integer: false,
        hint: "0.9: p99 ≈ 8× the median.",
        slider: slider("Lag spread slider", 0.0, 3.0, false),
        get: |w| w.freshness_sigma,
        set: |w, v| w.freshness_sigma = v,
    },
    Param {
        label: "Freshness SLA",
        field: "freshness_sla_s",
        unit: "s",
        echo: Some(Unit::Seconds),
        integer: false,
        hint: "Lag above this breaches the SLA.",
        slider: slider("SLA slider", 60.0, 2_592_000.0, true),
        get: |w| w.freshness_sla_s,
        set: |w, v| w.freshness_sla_s = v,
    },
];

const QUALITY: [Param; 5] = [
    Param {
        label: "Schema drift rate",
        field: "schema_drift_rate",
        unit: "0–1",
        echo: Some(Unit::Percent),
        integer: false,
        hint: "Probability that an event carries a schema change.",
        slider: slider("Drift slider", 0.0, 0.05, false),
        get: |w| w.schema_drift_rate,
        set: |w, v| w.schema_drift_rate = v,
    },
    Param {
        label: "Null rate",
        field: "null_rate",
        unit: "0–1",
        echo: Some(Unit::Percent),
        integer: false,
        hint: "Events with nulls in required columns.",
        slider: None,
        get: |w| w.null_rate,
        set: |w, v| w.null_rate = v,
    },
    Param {
        label: "Out-of-range rate",
        field: "out_of_range_rate",
        unit: "0–1",
        echo: Some(Unit::Percent),
        integer: false,
        hint: "Unit mix-ups, sentinel values.",
        slider: None,
        get: |w| w.out_of_range_rate,
        set: |w, v| w.out_of_range_rate = v,
    },
    Param {
        label: "Declared upstreams (mean)",
        field: "lineage_expected_upstreams",
        unit: "inputs",
        echo: None,
        integer: true,
        hint: "Inputs a dataset declares; 0 = source datasets.",
        slider: None,
        get: |w| f64::from(w.lineage_expected_upstreams),
        set: |w, v| w.lineage_expected_upstreams = to_u32(v),
    },
    Param {
        label: "Missing lineage rate",
        field: "lineage_missing_rate",
        unit: "0–1",
        echo: Some(Unit::Percent),
        integer: false,
        hint: "Share of upstream edges not recorded.",
        slider: slider("Missing lineage slider", 0.0, 0.5, false),
        get: |w| w.lineage_missing_rate,
        set: |w, v| w.lineage_missing_rate = v,
    },
];

fn param_fields(params: &'static [Param]) -> impl IntoView {
    params
        .iter()
        .map(|p| {
            let binding = bind::workload(p.field, p.get, p.set);
            view! {
                <NumberField label=p.label binding=binding unit=p.unit echo=p.echo
                    integer=p.integer hint=p.hint slider=p.slider />
            }
        })
        .collect_view()
}

/// Title case for the access vocabulary: `data_engineer` → "Data engineer".
fn title_case(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn mix_field<K: Ord + Copy + Send + Sync + 'static>(
    group: &'static str,
    key: K,
    name: &'static str,
    map: fn(&Workload) -> &std::collections::BTreeMap<K, f64>,
    map_mut: fn(&mut Workload) -> &mut std::collections::BTreeMap<K, f64>,
) -> impl IntoView {
    let binding = Binding::new(
        format!("workload.access_mix.{group}.{name}"),
        move |r| Some(map(&r.workload).get(&key).copied().unwrap_or(0.0)),
        move |r, v| {
            map_mut(&mut r.workload).insert(key, v);
        },
    );
    view! { <NumberField label=title_case(name) binding=binding unit="weight" /> }
}

#[component]
pub fn DataStep() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let sample = Memo::new(move |_| match bench.sample.get() {
        SampleState::Ready(sample) => Some(ByAddress(sample)),
        _ => None,
    });
    let spec = |build: fn(&scalewise_core::sample::EventSample) -> charming::Chart| {
        Signal::derive(move || sample.with(|s| s.as_ref().map(|s| build(&s.0))))
    };
    let summary = move || {
        sample.get().map(|ByAddress(s)| {
            let m = &s.summary;
            view! {
                <div class="metrics" data-testid="sample-summary">
                    <div class="metric"><span class="label">"Deliveries profiled"</span>
                        <span class="value">{format::count(s.events_in_run as f64)}</span></div>
                    <div class="metric"><span class="label">"Mean payload"</span>
                        <span class="value">{format::bytes(m.bytes_mean)}</span></div>
                    <div class="metric"><span class="label">"Freshness SLA breaches"</span>
                        <span class="value">{format::percent(m.freshness_breach_share)}</span></div>
                    <div class="metric"><span class="label">"Schema drift"</span>
                        <span class="value">{format::percent(m.schema_drift_share)}</span></div>
                    <div class="metric"><span class="label">"Lineage completeness"</span>
                        <span class="value">{format::percent(m.lineage_completeness)}</span></div>
                    <div class="metric"><span class="label">"High-risk accesses"</span>
                        <span class="value">{format::percent(m.high_risk_share)}</span></div>
                </div>
                <p class="hint">{format!(
                    "Distributions over {} events strided across the whole run; the profiler processes all {}.",
                    format::count(s.histogram_events as f64),
                    format::count(s.events_in_run as f64)
                )}</p>
            }
        })
    };
    let invalid = move || matches!(bench.sample.get(), SampleState::Invalid(_));
    view! {
        <article class="step" aria-labelledby="step-heading">
            <StepHeader step=Step::Data>
                <p>"The proxy data set: synthetic pipeline events drawn from these distributions. Change a parameter and the sample below follows; the run profiles every event."</p>
            </StepHeader>
            <section class="panel" aria-labelledby="volume-heading">
                <h3 id="volume-heading">"Volume and seed"</h3>
                <div class="grid three">
                    {param_fields(&VOLUME)}
                    <SeedField />
                </div>
            </section>
            <section class="panel" aria-labelledby="shape-heading">
                <h3 id="shape-heading">"Keys, skew and caching"</h3>
                <div class="grid three">{param_fields(&KEYS)}</div>
            </section>
            <section class="panel" aria-labelledby="quality-heading">
                <h3 id="quality-heading">"Freshness, quality and lineage"</h3>
                <div class="grid three">
                    {param_fields(&FRESHNESS)}
                    {param_fields(&QUALITY)}
                    {param_fields(&DELIVERY)}
                </div>
            </section>
            <section class="panel" aria-labelledby="mix-heading">
                <details>
                    <summary><h3 id="mix-heading">"Access mix"</h3>
                        <span class="hint">" Who accesses the data, how sensitive it is, what they do (independent weights)."</span></summary>
                    <div class="mix">
                        <fieldset><legend>"Roles"</legend>
                            {Role::ALL.into_iter().map(|k| mix_field("roles", k, k.name(), |w| &w.access_mix.roles, |w| &mut w.access_mix.roles)).collect_view()}
                            <FieldErrors path="workload.access_mix.roles".to_string() />
                        </fieldset>
                        <fieldset><legend>"Sensitivities"</legend>
                            {Sensitivity::ALL.into_iter().map(|k| mix_field("sensitivities", k, k.name(), |w| &w.access_mix.sensitivities, |w| &mut w.access_mix.sensitivities)).collect_view()}
                            <FieldErrors path="workload.access_mix.sensitivities".to_string() />
                        </fieldset>
                        <fieldset><legend>"Actions"</legend>
                            {Action::ALL.into_iter().map(|k| mix_field("actions", k, k.name(), |w| &w.access_mix.actions, |w| &mut w.access_mix.actions)).collect_view()}
                            <FieldErrors path="workload.access_mix.actions".to_string() />
                        </fieldset>
                    </div>
                </details>
            </section>
            <section class="panel" aria-labelledby="sample-heading">
                <h3 id="sample-heading">"Sample of the generated events"</h3>
                <Show when=move || bench.sample_waits.get()>
                    <p class="note" data-testid="sample-waits">"A run is in progress: the sample follows your edits when it finishes (the engine is busy, and this page stays responsive)."</p>
                </Show>
                <Show when=invalid>
                    <p class="error">"The workload has invalid fields (marked above); the sample shows once they are fixed."</p>
                </Show>
                {summary}
                <div class="chart-grid">
                    <Chart id="freshness-chart" label="Histogram of freshness lag, with the SLA" spec=spec(charts::freshness) height=280 />
                    <Chart id="drift-chart" label="Schema drift and quality defects over the batch window" spec=spec(charts::quality_over_time) height=280 />
                    <Chart id="lineage-chart" label="Histogram of lineage completeness per event" spec=spec(charts::lineage) height=280 />
                    <Chart id="risk-chart" label="Histogram of access risk scores" spec=spec(charts::access_risk) height=280 />
                </div>
                <EventTable />
            </section>
            <section class="panel" aria-labelledby="limits-heading">
                <h3 id="limits-heading">"What proxy data cannot show"</h3>
                <ul class="limits">
                    {proxy_data_limits().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                </ul>
            </section>
            <StepNav step=Step::Data />
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample field's help states the core's limit (a changed limit
    /// must change the text too).
    #[test]
    fn the_sample_hint_states_the_limit() {
        let digits = scalewise_core::limits::MAX_SAMPLE_EVENTS.to_string();
        let mut grouped = String::new();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(' ');
            }
            grouped.push(digit);
        }
        let events = VOLUME.iter().find(|p| p.field == "sample_events").unwrap();
        assert!(events.hint.contains(&grouped), "{}", events.hint);
    }
}
