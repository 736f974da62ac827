//! Step 7: failure modes — each measured on the distributed design with and
//! without its mitigation (one parameter changed, same models and seeds).

use leptos::prelude::*;

use crate::charts;
use crate::components::chart::Chart;
use crate::components::result_meta::{NoResult, ResultMeta};
use crate::components::step_header::StepHeader;
use crate::components::step_nav::StepNav;
use crate::format;
use crate::state::Workbench;
use crate::step::Step;

fn value(unit: &str, v: f64) -> String {
    format::with_unit(unit, v)
}

#[component]
pub fn FailureModesStep() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let has_result = move || bench.finished.with(Option::is_some);
    let modes = Memo::new(move |_| {
        bench.finished.with(|f| {
            f.as_ref()
                .map(|f| f.result.failure_modes.clone())
                .unwrap_or_default()
        })
    });
    let spec =
        Signal::derive(move || modes.with(|m| (!m.is_empty()).then(|| charts::failure_modes(m))));
    view! {
        <article class="step" aria-labelledby="step-heading">
            <StepHeader step=Step::FailureModes>
                <p>"What goes wrong at scale, and what the mitigation buys: each mode reruns the same models on the distributed design with exactly one parameter changed."</p>
            </StepHeader>
            <Show when=has_result fallback=|| view! { <NoResult /> }>
                <ResultMeta />
                <section class="panel" aria-labelledby="impact-heading">
                    <h3 id="impact-heading">"Impact"</h3>
                    <Chart id="failure-chart" label="Impact of each failure mode without and with mitigation" spec=spec height=340 />
                    <div class="table-scroll">
                        <table data-testid="failure-table">
                            <thead><tr><th>"Failure mode"</th><th>"Measured on"</th><th>"Metric"</th>
                                <th class="num">"Without mitigation"</th><th class="num">"With mitigation"</th><th>"KPI"</th></tr></thead>
                            <tbody>
                                {move || modes.get().into_iter().map(|m| view! {
                                    <tr>
                                        <td>{m.title.clone()}</td>
                                        <td>{format!("{} at {} events", m.option, format::volume(m.events))}</td>
                                        <td>{m.metric.replace('_', " ")}</td>
                                        <td class="num bad">{value(&m.unit, m.without_mitigation)}</td>
                                        <td class="num good">{value(&m.unit, m.with_mitigation)}</td>
                                        <td>{m.kpi_threshold.as_ref().map(|k| format!("{} (healthy {} {})", k.label, k.healthy, value(&m.unit, k.value))).unwrap_or_else(|| "—".into())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
                <section class="panel" aria-labelledby="modes-heading">
                    <h3 id="modes-heading">"Each mode and its mitigation"</h3>
                    <div class="modes">
                        {move || modes.get().into_iter().map(|m| view! {
                            <article class="mode">
                                <h4>{m.title.clone()}</h4>
                                <p>{m.description.clone()}</p>
                                <p><strong>"Mitigation: "</strong>{m.mitigation.clone()}</p>
                                {(!m.side_metrics.is_empty()).then(|| view! {
                                    <ul class="side">
                                        {m.side_metrics.iter().map(|s| view! {
                                            <li>{format!("{}: {} without, {} with", s.metric.replace('_', " "), value(&s.unit, s.without_mitigation), value(&s.unit, s.with_mitigation))}</li>
                                        }).collect_view()}
                                    </ul>
                                })}
                            </article>
                        }).collect_view()}
                    </div>
                </section>
            </Show>
            <StepNav step=Step::FailureModes />
        </article>
    }
}
