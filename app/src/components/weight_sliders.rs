//! One slider per scoring criterion, shown as shares that always sum to
//! 100 %: moving one rescales the others in proportion (the rule is in
//! `crate::weights`). Each slider has a number box beside it for an exact
//! value; arrow keys move a slider by 1 %, Page Up/Down by 10 %.

use leptos::prelude::*;

use crate::state::Workbench;
use crate::weights::{self, CRITERIA, WHOLE};

/// Slider resolution: 1 % (shares are held in ‰).
const SLIDER_STEP: u32 = 10;

#[component]
pub fn WeightSliders() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let shares = Memo::new(move |_| bench.review.with(|r| weights::shares(&r.weights)));
    let set = move |index: usize, share: u32| {
        let next = weights::set_share(shares.get_untracked(), index, share);
        if bench
            .review
            .with_untracked(|r| weights::to_weights(next) == r.weights)
        {
            return;
        }
        // A typed value on the Alternatives step that did not parse is
        // superseded by the slider.
        if bench
            .drafts
            .with_untracked(|d| d.keys().any(|k| k.starts_with("weights")))
        {
            bench
                .drafts
                .update(|d| d.retain(|k, _| !k.starts_with("weights")));
        }
        bench.edit("weights", move |r| r.weights = weights::to_weights(next));
    };
    let rows = CRITERIA
        .iter()
        .enumerate()
        .map(|(index, (id, name))| {
            let share = move || shares.with(|s| s.get(index).copied().unwrap_or(0));
            let slider_id = format!("weight-{id}");
            let box_id = format!("weight-{id}-percent");
            view! {
                <div class="weight-row" data-criterion=*id>
                    <label for=slider_id.clone()>{*name}</label>
                    <input type="range" id=slider_id min="0" max=WHOLE.to_string() step=SLIDER_STEP.to_string()
                        aria-valuetext=move || weights::show(share())
                        prop:value=move || share().to_string()
                        on:input=move |ev| {
                            if let Ok(value) = event_target_value(&ev).parse::<u32>() {
                                set(index, value);
                            }
                        } />
                    <span class="weight-box">
                        <input type="number" id=box_id min="0" max="100" step="0.1"
                            aria-label=format!("{name} share in percent")
                            prop:value=move || format!("{:.1}", f64::from(share()) / 10.0)
                            on:change=move |ev| {
                                if let Ok(percent) = event_target_value(&ev).trim().parse::<f64>() {
                                    if percent.is_finite() {
                                        let tenths = libm::round(percent.clamp(0.0, 100.0) * 10.0) as u32;
                                        set(index, tenths);
                                    }
                                }
                            } />
                        <span class="unit">"%"</span>
                    </span>
                    <output for=format!("weight-{id}") data-testid=format!("weight-share-{id}")>{move || weights::show(share())}</output>
                </div>
            }
        })
        .collect_view();
    let total = move || weights::show(shares.with(|s| s.iter().sum::<u32>()));
    view! {
        <div class="weight-sliders" role="group" aria-labelledby="weights-slider-heading">
            {rows}
            <p class="weight-total">"Total: " <strong data-testid="weight-total">{total}</strong></p>
        </div>
    }
}
