//! Step 10: the memo.

use leptos::prelude::*;

use crate::components::step_header::StepHeader;
use crate::components::step_nav::StepNav;
use crate::step::Step;

#[component]
pub fn MemoStep() -> impl IntoView {
    view! {
        <article class="step" aria-labelledby="step-heading">
            <StepHeader step=Step::Memo>
                <p>"The memo."</p>
            </StepHeader>
            <StepNav step=Step::Memo />
        </article>
    }
}
