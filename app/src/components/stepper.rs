//! The sidebar stepper: seven steps, the current one marked with
//! `aria-current="step"`, each with a badge (invalid fields of its form,
//! or the state of the result it shows).

use leptos::prelude::*;

use crate::state::{RunStatus, Workbench};
use crate::step::Step;

#[component]
pub fn Stepper() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let items = Step::ALL
        .into_iter()
        .map(|step| {
            let errors = Memo::new(move |_| {
                bench
                    .issues
                    .with(|i| i.iter().filter(|e| Step::owning(&e.path) == step).count())
            });
            let badge = move || {
                if step.shows_results() {
                    let has = bench.finished.with(Option::is_some);
                    if !has {
                        return Some(("badge muted", "no run yet".to_string()));
                    }
                    return bench.stale.get().then(|| ("badge warn", "stale".to_string()));
                }
                if step == Step::Run {
                    return match bench.run.get() {
                        RunStatus::Running { fraction, .. } => {
                            Some(("badge info", crate::format::percent(fraction)))
                        }
                        _ => None,
                    };
                }
                let n = errors.get();
                (n > 0).then(|| ("badge bad", format!("{n} to fix")))
            };
            let current = move || bench.step.get() == step;
            view! {
                <li>
                    <button class="step-link" data-step=step.slug() class:current=current
                        aria-current=move || current().then_some("step")
                        on:click=move |_| bench.goto(step)>
                        <span class="step-number" aria-hidden="true">{step.number()}</span>
                        <span class="step-text">
                            <span class="step-title">{step.title()}</span>
                            <span class="step-summary">{step.summary()}</span>
                        </span>
                        {move || badge().map(|(class, text)| view! { <span class=class>{text}</span> })}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="stepper" aria-label="Workbench steps">
            <ol>{items}</ol>
        </nav>
    }
}
