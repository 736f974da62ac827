//! The answer to the module question in one sentence, and each
//! alternative's projection at the review's own volume.

use leptos::prelude::*;

use crate::format;
use crate::state::Workbench;

#[component]
pub fn AnswerPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let answer = move || {
        bench
            .finished
            .with(|f| f.as_ref().map(|f| f.result.crossover.answer.clone()))
    };
    let rows = move || {
        bench.finished.with(|f| {
            f.as_ref()
                .map(|f| f.result.projections.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <section class="panel" aria-labelledby="answer-heading">
            <h2 id="answer-heading">"When does scale require distributed computation?"</h2>
            {move || match answer() {
                Some(text) => view! { <p class="answer" data-testid="answer">{text}</p> }.into_any(),
                None => view! { <p class="hint">"The answer appears after a run."</p> }.into_any(),
            }}
            <Show when=move || !rows().is_empty()>
                <div class="table-scroll">
                    <table data-testid="projection-table">
                        <thead>
                            <tr>
                                <th>"Alternative"</th>
                                <th class="num">"Makespan p50"</th>
                                <th class="num">"Makespan p95"</th>
                                <th class="num">"Cost per run"</th>
                                <th>"Deadline"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || rows().into_iter().map(|p| view! {
                                <tr>
                                    <td>{p.option.clone()}</td>
                                    <td class="num">{format::seconds(p.makespan_p50_s)}</td>
                                    <td class="num">{format::seconds(p.makespan_p95_s)}</td>
                                    <td class="num">{format::usd(p.cost_per_run_usd)}</td>
                                    <td>{if p.meets_deadline { "met" } else { "missed" }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}
