//! Per-stage time (chart and table) and the bottleneck with its reason.

use leptos::prelude::*;

use crate::charts::{self, stage_short};
use crate::components::chart::Chart;
use crate::format;
use crate::state::Workbench;

#[component]
pub fn StagePanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let timing = Memo::new(move |_| {
        bench
            .finished
            .with(|f| f.as_ref().map(|f| f.result.timing.clone()))
    });
    let spec = Signal::derive(move || timing.with(|t| t.as_ref().map(charts::stages)));
    view! {
        <section class="panel" aria-labelledby="stages-heading">
            <h3 id="stages-heading">"Where the time goes"</h3>
            {move || timing.with(|t| t.as_ref().map(|t| view! {
                <p class="callout bad" data-testid="bottleneck">
                    <strong>{format!("Bottleneck: {}. ", stage_short(t.bottleneck.stage))}</strong>
                    {t.bottleneck.reason.clone()}
                    {format!(". All stages take {} on one thread; {} on {} threads (the best measured).",
                        format::seconds(t.single_thread_time_s), format::seconds(t.best_wall_time_s), t.best_threads)}
                </p>
            }))}
            <div class="split">
                <Chart id="stage-chart" label="Time per pipeline stage, bottleneck highlighted" spec=spec height=300 />
                <div class="table-scroll">
                    <table data-testid="stage-table">
                        <thead><tr><th>"Stage"</th><th class="num">"Time (1 thread)"</th>
                            <th class="num">"Stage alone"</th><th class="num">"Share"</th></tr></thead>
                        <tbody>
                            {move || timing.with(|t| t.as_ref().map(|t| t.stages.iter().map(|s| {
                                let is_bottleneck = s.stage == t.bottleneck.stage;
                                view! {
                                    <tr class:highlight=is_bottleneck>
                                        <td>{s.stage.label()}{is_bottleneck.then_some(" (bottleneck)")}</td>
                                        <td class="num">{format::seconds(s.time_s)}</td>
                                        <td class="num">{s.events_per_s.map(format::events_per_s).unwrap_or_else(|| "too fast to measure".into())}</td>
                                        <td class="num">{format::percent(s.share)}</td>
                                    </tr>
                                }
                            }).collect_view()))}
                        </tbody>
                    </table>
                </div>
            </div>
        </section>
    }
}
