//! Step 11: exports.

use leptos::prelude::*;

use crate::components::step_header::StepHeader;
use crate::components::step_nav::StepNav;
use crate::step::Step;

#[component]
pub fn ExportStep() -> impl IntoView {
    view! {
        <article class="step" aria-labelledby="step-heading">
            <StepHeader step=Step::Export>
                <p>"Exports."</p>
            </StepHeader>
            <StepNav step=Step::Export />
        </article>
    }
}
