//! The first evidence panel: what the batch pipeline saw — events, bytes,
//! the data fingerprint, and the load of each partition with its skew.

use charming::component::{Axis, Grid, Legend, Title};
use charming::element::{AxisType, Tooltip, Trigger};
use charming::series::{Bar, Line};
use charming::Chart as ChartSpec;
use leptos::prelude::*;
use scalewise_core::profiler::{Scheme, SchemeLoad};

use crate::components::chart::Chart;
use crate::format;
use crate::state::Workbench;

fn scheme_label(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::ByDomain => "by domain",
        Scheme::ByHash => "by hash",
        Scheme::SaltedHotKeys => "salted hot keys",
    }
}

/// Partitions drawn: the largest ones carry the story (the straggler), and
/// 128 bars with labels cost ECharts a long main-thread task to lay out.
const CHART_PARTITIONS: usize = 32;

fn partition_chart(load: &SchemeLoad) -> ChartSpec {
    let mut largest: Vec<_> = load.loads.iter().collect();
    largest.sort_by(|a, b| b.events.cmp(&a.events).then(a.partition.cmp(&b.partition)));
    largest.truncate(CHART_PARTITIONS);
    let labels: Vec<String> = largest
        .iter()
        .map(|p| format!("p{}", p.partition))
        .collect();
    let events: Vec<f64> = largest.iter().map(|p| p.events as f64).collect();
    let median = vec![load.median_events; largest.len()];
    ChartSpec::new()
        .title(Title::new().text(format!(
            "Largest {} of {} partitions ({})",
            largest.len(),
            load.partitions,
            scheme_label(load.scheme)
        )))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .legend(Legend::new().top("bottom"))
        .grid(Grid::new().left("70").right("30").bottom("70"))
        .x_axis(
            Axis::new()
                .type_(AxisType::Category)
                .name("partition")
                .data(labels),
        )
        .y_axis(Axis::new().type_(AxisType::Value).name("events"))
        .series(Bar::new().name("events in partition").data(events))
        .series(Line::new().name("median partition").data(median))
}

#[component]
pub fn PartitionPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let data = move || {
        bench
            .finished
            .with(|f| f.as_ref().map(|f| f.result.profile.clone()))
    };
    let stale = move || bench.is_stale();
    let by_domain = Signal::derive(move || {
        bench.finished.with(|f| {
            f.as_ref().and_then(|f| {
                f.result
                    .profile
                    .partitioning
                    .scheme(Scheme::ByDomain)
                    .cloned()
            })
        })
    });
    let spec = Signal::derive(move || by_domain.get().map(|load| partition_chart(&load)));
    view! {
        <section class="panel" aria-labelledby="data-heading">
            <h2 id="data-heading">"Batch pipeline output"</h2>
            <Show when=move || data().is_none()>
                <p class="hint">"Run the profiler to see what the pipeline saw."</p>
            </Show>
            // Mounted before any data, so that ECharts is ready when a result
            // arrives (see Chart).
            <Chart id="partition-chart" label=Signal::derive(|| "Largest partitions by events, partitioned by domain, with the median partition".to_string()) spec=spec />
            <Show when=move || data().is_some()>
                <Show when=stale>
                    <p class="stale" data-testid="stale-marker">
                        "Stale: the inputs changed since this run. Run the profiler again."
                    </p>
                </Show>
                {move || data().map(|d| view! {
                    <div class="metrics">
                        <div class="metric"><span class="label">"Throughput (measured)"</span>
                            <span class="value">{bench.finished.with(|f| f.as_ref()
                                .and_then(|f| f.result.calibration.full_pass.as_ref())
                                .map(|p| format::events_per_s(p.events_per_s))
                                .unwrap_or_default())}</span></div>
                        <div class="metric"><span class="label">"Events"</span>
                            <span class="value" data-testid="events">{format::count(d.events as f64)}</span></div>
                        <div class="metric"><span class="label">"Bytes"</span>
                            <span class="value">{format::bytes(d.total_bytes as f64)}</span></div>
                        <div class="metric"><span class="label">"Freshness SLA breaches"</span>
                            <span class="value">{format::percent(d.quality.freshness_breach_rate)}</span></div>
                        <div class="metric"><span class="label">"Lineage completeness"</span>
                            <span class="value">{format::percent(d.lineage.completeness)}</span></div>
                    </div>
                    <p class="hint">"Data fingerprint (SHA-256): "
                        <code data-testid="data-digest">{d.data_digest.clone()}</code></p>
                })}
                <div class="table-scroll">
                    <table data-testid="partition-table">
                        <thead><tr><th>"Scheme"</th><th class="num">"Partitions"</th>
                            <th class="num">"Largest partition (events)"</th><th class="num">"Median"</th>
                            <th class="num">"Skew (max / median)"</th></tr></thead>
                        <tbody>
                            {move || data().map(|d| d.partitioning.schemes.iter().map(|s| view! {
                                <tr data-scheme=format!("{:?}", s.scheme)>
                                    <td>{scheme_label(s.scheme)}</td>
                                    <td class="num">{s.partitions}</td>
                                    <td class="num" data-testid="max-events">{s.max_events}</td>
                                    <td class="num">{format!("{:.0}", s.median_events)}</td>
                                    <td class="num">{s.skew_max_over_median.map(|x| format!("{x:.2}×")).unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }).collect_view())}
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}
