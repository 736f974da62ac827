//! Per-partition load of each partitioning scheme, with its skew ratio: the
//! chart for one scheme, the table for all of them.

use leptos::prelude::*;
use scalewise_core::profiler::Scheme;

use crate::charts::{self, scheme_label};
use crate::components::chart::Chart;
use crate::format;
use crate::state::Workbench;

#[component]
pub fn PartitionPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let scheme = RwSignal::new(Scheme::ByDomain);
    let schemes = Memo::new(move |_| {
        bench.finished.with(|f| {
            f.as_ref()
                .map(|f| f.result.profile.partitioning.schemes.clone())
                .unwrap_or_default()
        })
    });
    let spec = Signal::derive(move || {
        let chosen = scheme.get();
        schemes.with(|s| {
            s.iter()
                .find(|l| l.scheme == chosen)
                .map(charts::partitions)
        })
    });
    let label =
        Signal::derive(move || format!("Events per partition, {}", scheme_label(scheme.get())));
    view! {
        <section class="panel" aria-labelledby="partitions-heading">
            <h3 id="partitions-heading">"Partition load and skew"</h3>
            <div class="segmented" role="radiogroup" aria-label="Partitioning scheme shown">
                {move || schemes.with(|s| s.iter().map(|l| {
                    let this = l.scheme;
                    view! {
                        <button role="radio" aria-checked=move || (scheme.get() == this).to_string()
                            class:selected=move || scheme.get() == this
                            on:click=move |_| scheme.set(this)>{scheme_label(this)}</button>
                    }
                }).collect_view())}
            </div>
            // Mounted with the panel, so ECharts is ready when a result arrives.
            <Chart id="partition-chart" label=label spec=spec />
            <div class="table-scroll">
                <table data-testid="partition-table">
                    <thead><tr><th>"Scheme"</th><th class="num">"Partitions"</th>
                        <th class="num">"Largest partition (events)"</th><th class="num">"Median"</th>
                        <th class="num">"Skew (max / median)"</th><th class="num">"Bytes skew"</th></tr></thead>
                    <tbody>
                        {move || schemes.with(|s| s.iter().map(|s| view! {
                            <tr data-scheme=format!("{:?}", s.scheme)>
                                <td>{scheme_label(s.scheme)}</td>
                                <td class="num">{s.partitions}</td>
                                <td class="num" data-testid="max-events">{s.max_events}</td>
                                <td class="num">{format::grouped(s.median_events)}</td>
                                <td class="num">{s.skew_max_over_median.map(format::ratio).unwrap_or_else(|| "—".into())}</td>
                                <td class="num">{s.bytes_skew_max_over_median.map(format::ratio).unwrap_or_else(|| "—".into())}</td>
                            </tr>
                        }).collect_view())}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
