//! What the answer hinges on: every measured and assumed input moved over
//! its plausible range, one at a time, with the single node's binding
//! crossing and the winner at the review's volume at each end (the tornado
//! chart, widest first, and its table).

use leptos::prelude::*;
use scalewise_core::analysis::crossover::MAX_SEARCH_EVENTS;
use scalewise_core::analysis::sensitivity::Sensitivity;
use scalewise_core::format::volume as format_volume;

use crate::charts;
use crate::components::chart::Chart;
use crate::format;
use crate::state::Workbench;

/// Bars the chart shows (the table lists every input).
pub const TORNADO_BARS: usize = 12;

fn volume(events: Option<f64>) -> String {
    events.map_or_else(
        || format!("not reached up to {}", format_volume(MAX_SEARCH_EVENTS)),
        format_volume,
    )
}

/// The sentence under the chart: the input with the widest span and every
/// input that changes the winner, by their labels.
pub fn summary(s: &Sensitivity) -> String {
    let label = |id: &str| {
        s.inputs
            .iter()
            .find(|i| i.input == id)
            .map_or_else(|| id.to_string(), |i| i.label.clone())
    };
    let hinge = match &s.hinges_on {
        Some(h) => format!("The binding crossing hinges on {}.", label(h)),
        None => "No input moves the binding crossing.".to_string(),
    };
    let flips = if s.flips_winner.is_empty() {
        format!(
            "No input changes the winner at your volume ({}).",
            s.base_winner
        )
    } else {
        format!(
            "Changes the winner at your volume (base: {}): {}.",
            s.base_winner,
            s.flips_winner
                .iter()
                .map(|f| label(f))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    format!("{hinge} {flips}")
}

#[component]
pub fn SensitivityTornado() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let data = Memo::new(move |_| {
        bench
            .finished
            .with(|f| f.as_ref().map(|f| f.result.sensitivity.clone()))
    });
    let spec =
        Signal::derive(move || data.with(|d| d.as_ref().map(|s| charts::tornado(s, TORNADO_BARS))));
    view! {
        <section class="panel" aria-labelledby="tornado-heading">
            <h3 id="tornado-heading">"What the answer hinges on"</h3>
            {move || data.with(|d| d.as_ref().map(|s| view! {
                <p data-testid="sensitivity-summary"
                    data-hinges-on=s.hinges_on.clone().unwrap_or_default()
                    data-flips=s.flips_winner.join(",")>
                    {summary(s)}
                </p>
                <p class="hint">{format!(
                    "Each input moved alone to the ends of its plausible range (measured inputs ±50 %, σ over its band, assumptions over their stated range); {} Monte Carlo runs per crossing. Base binding crossing: {} events.",
                    s.failure_runs, volume(s.base_binding)
                )}</p>
            }))}
            <Chart id="tornado-chart" label="Binding crossing at the low and high end of each input, widest first" spec=spec height=460 />
            {move || data.with(|d| d.as_ref().map(|s| view! {
                <div class="table-scroll">
                    <table data-testid="sensitivity-table" class="compact">
                        <thead>
                            <tr>
                                <th>"Input"</th>
                                <th>"Class"</th>
                                <th class="num">"Value"</th>
                                <th class="num">"Low – high"</th>
                                <th class="num">"Binding at low"</th>
                                <th class="num">"Binding at high"</th>
                                <th>"Winner at low / high"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {s.inputs.iter().map(|i| {
                                let flips = s.flips_winner.contains(&i.input);
                                let hinge = s.hinges_on.as_deref() == Some(i.input.as_str());
                                view! {
                                    <tr data-input=i.input.clone() class:hinge=hinge class:flips=flips>
                                        <td>{i.label.clone()}{hinge.then_some(" (hinges on)")}</td>
                                        <td><span class=format!("term-class {}", i.class.name())>{i.class.name()}</span></td>
                                        <td class="num">{format::number(i.base)}</td>
                                        <td class="num">{format!("{} – {}", format::number(i.low), format::number(i.high))}</td>
                                        <td class="num" data-events=i.binding_at_low.map(|e| e.to_string()).unwrap_or_default()>{volume(i.binding_at_low)}</td>
                                        <td class="num" data-events=i.binding_at_high.map(|e| e.to_string()).unwrap_or_default()>{volume(i.binding_at_high)}</td>
                                        <td class:bad=flips>{format!("{} / {}", i.winner_at_low, i.winner_at_high)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }))}
        </section>
    }
}
