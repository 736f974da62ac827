//! Back / Next at the foot of a step.

use leptos::prelude::*;

use crate::state::Workbench;
use crate::step::Step;

#[component]
pub fn StepNav(step: Step) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    view! {
        <nav class="step-nav" aria-label="Previous and next step">
            {step.previous().map(|p| view! {
                <button on:click=move |_| bench.goto(p)>
                    <span aria-hidden="true">"← "</span>{format!("Back: {}", p.title())}
                </button>
            })}
            <span class="spacer"></span>
            {step.next().map(|n| view! {
                <button class="next" on:click=move |_| bench.goto(n)>
                    {format!("Next: {}", n.title())}<span aria-hidden="true">" →"</span>
                </button>
            })}
        </nav>
    }
}
