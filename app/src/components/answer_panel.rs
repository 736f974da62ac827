//! The answer to the module question in one plain sentence with the
//! numbers, and the per-criterion crossings it rests on.

use leptos::prelude::*;
use scalewise_core::analysis::crossover::{Crossing, Crossover};
use scalewise_core::analysis::crossover_text::criterion_phrase;

use crate::format;
use crate::state::Workbench;

fn crossing(c: Crossing) -> String {
    match c {
        Crossing::Always => "already at one event per run".to_string(),
        Crossing::At { events } => format!("from {} events", format::volume(events)),
        Crossing::NotReached { events } => format!("not up to {} events", format::volume(events)),
    }
}

/// Where the cluster is cheaper per run.
fn cheaper(crossover: &Crossover) -> String {
    let windows: Vec<String> = crossover
        .cheaper_windows
        .iter()
        .map(|w| {
            if w.open_ended {
                format!("from {} events on", format::volume(w.from_events))
            } else {
                format!(
                    "from {} to {} events",
                    format::volume(w.from_events),
                    format::volume(w.to_events)
                )
            }
        })
        .collect();
    if windows.is_empty() {
        "at no swept volume".to_string()
    } else {
        windows.join("; ")
    }
}

#[component]
pub fn AnswerPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let data = Memo::new(move |_| {
        bench.finished.with(|f| {
            f.as_ref().map(|f| {
                let c = &f.result.crossover;
                let rows: Vec<(String, String, bool)> = c
                    .single_node
                    .iter()
                    .map(|x| {
                        let binding = c
                            .binding
                            .as_ref()
                            .is_some_and(|b| b.criterion == x.criterion);
                        (
                            criterion_phrase(x.criterion, c),
                            crossing(x.crossing),
                            binding,
                        )
                    })
                    .collect();
                (
                    c.answer.clone(),
                    c.single_node_option.clone(),
                    c.distributed_option.clone(),
                    rows,
                    cheaper(c),
                )
            })
        })
    });
    view! {
        <section class="panel answer-panel" aria-labelledby="answer-heading">
            <h3 id="answer-heading">"When does scale require distributed computation?"</h3>
            {move || data.get().map(|(answer, single, dist, rows, cheaper)| view! {
                <p class="answer" data-testid="answer">{answer}</p>
                <dl class="facts" data-testid="crossings">
                    {rows.into_iter().map(|(phrase, value, binding)| view! {
                        <div class:binding=binding><dt>{format!("{single}: {phrase}")}{binding.then_some(" (binding)")}</dt><dd>{value}</dd></div>
                    }).collect_view()}
                    <div><dt>{format!("{dist} is cheaper per run")}</dt><dd>{cheaper}</dd></div>
                </dl>
            })}
        </section>
    }
}
