//! The heading of a step (focused on navigation) and its one-paragraph intro.

use leptos::prelude::*;

use crate::step::Step;

#[component]
pub fn StepHeader(step: Step, children: Children) -> impl IntoView {
    view! {
        <header class="step-header">
            <p class="step-kicker">{format!("Step {} of {}", step.number(), Step::ALL.len())}</p>
            <h2 id="step-heading" tabindex="-1">{step.title()}</h2>
            <div class="intro">{children()}</div>
        </header>
    }
}
