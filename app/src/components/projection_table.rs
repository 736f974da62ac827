//! Each alternative projected to the review's own volume.

use leptos::prelude::*;

use crate::format;
use crate::state::Workbench;

#[component]
pub fn ProjectionTable() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let rows = Memo::new(move |_| {
        bench.finished.with(|f| {
            f.as_ref()
                .map(|f| f.result.projections.clone())
                .unwrap_or_default()
        })
    });
    view! {
        <section class="panel" aria-labelledby="projection-heading">
            <h3 id="projection-heading">"At your volume"</h3>
            <div class="table-scroll">
                <table data-testid="projection-table">
                    <thead>
                        <tr>
                            <th>"Alternative"</th>
                            <th class="num">"Nodes"</th>
                            <th class="num">"Makespan p50"</th>
                            <th class="num">"Makespan p95"</th>
                            <th class="num">"Cost per run"</th>
                            <th class="num">"Working set / memory"</th>
                            <th class="num">"Cache hit rate"</th>
                            <th>"Deadline"</th>
                            <th>"Budget"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || rows.get().into_iter().map(|p| view! {
                            <tr data-option=p.option.clone()>
                                <td>{p.option.clone()}</td>
                                <td class="num">{p.parallelism.nodes}</td>
                                <td class="num">{format::seconds(p.makespan_p50_s)}</td>
                                <td class="num" data-testid="makespan-p95" data-value=p.makespan_p95_s.to_string()>{format::seconds(p.makespan_p95_s)}</td>
                                <td class="num">{format::usd(p.cost_per_run_usd)}</td>
                                <td class="num">{format!("{} / {}{}", format::bytes(p.memory_fit.working_set_bytes), format::bytes(p.memory_fit.capacity_bytes), if p.memory_fit.fits { "" } else { " (spills)" })}</td>
                                <td class="num">{format::percent(p.cache.overall_hit_rate)}</td>
                                <td class:bad=!p.meets_deadline class:good=p.meets_deadline>{if p.meets_deadline { "met" } else { "missed" }}</td>
                                <td class:bad=!p.within_budget class:good=p.within_budget>{if p.within_budget { "within" } else { "over" }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
