//! The answer to the module question in one plain sentence with the
//! numbers, and the crossing points it rests on.

use leptos::prelude::*;
use scalewise_core::analysis::crossover::{Crossing, Crossover};

use crate::format;
use crate::state::Workbench;

fn crossing(c: Crossing) -> String {
    match c {
        Crossing::BelowRange { events } => format!(
            "already at {} (the smallest volume swept)",
            format::volume(events)
        ),
        Crossing::At { events } => format!("from {} events", format::volume(events)),
        Crossing::NeverInRange { events } => format!("not up to {} events", format::volume(events)),
    }
}

/// Where the cluster is cheaper per run: its crossing, or, when it is
/// cheaper only in the middle of the range, that window (the answer's words).
fn cheaper(crossover: &Crossover) -> String {
    match crossover.cheaper_only_mid_range() {
        Some(w) if w.contiguous => format!(
            "from about {} to {} events, not beyond",
            format::volume(w.first),
            format::volume(w.last)
        ),
        Some(w) => format!(
            "at some volumes between {} and {} events",
            format::volume(w.first),
            format::volume(w.last)
        ),
        None => crossing(crossover.distributed_cheaper_from),
    }
}

#[component]
pub fn AnswerPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let data = Memo::new(move |_| {
        bench.finished.with(|f| {
            f.as_ref().map(|f| {
                let c = &f.result.crossover;
                (
                    c.answer.clone(),
                    c.single_node_option.clone(),
                    c.distributed_option.clone(),
                    c.single_node_misses_deadline,
                    c.single_node_out_of_memory,
                    cheaper(c),
                    c.deadline_s,
                )
            })
        })
    });
    view! {
        <section class="panel answer-panel" aria-labelledby="answer-heading">
            <h3 id="answer-heading">"When does scale require distributed computation?"</h3>
            {move || data.get().map(|(answer, single, dist, misses, oom, cheaper, deadline)| view! {
                <p class="answer" data-testid="answer">{answer}</p>
                <dl class="facts">
                    <div><dt>{format!("{single} misses the {} deadline", format::seconds(deadline))}</dt><dd>{crossing(misses)}</dd></div>
                    <div><dt>{format!("{single} outgrows its memory")}</dt><dd>{crossing(oom)}</dd></div>
                    <div><dt>{format!("{dist} is cheaper per run")}</dt><dd>{cheaper}</dd></div>
                </dl>
            })}
        </section>
    }
}
