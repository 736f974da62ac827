//! The seed of every random draw: always visible, editable, and "New seed"
//! draws one from the browser's CSPRNG (getrandom). Parsed by the core's
//! `limits::parse_seed` (0 to 2^53 − 1, as an integer: a number field would
//! round it through `f64`).

use leptos::prelude::*;
use scalewise_core::limits::parse_seed;

use crate::components::field_errors::FieldErrors;
use crate::state::{field_id, Workbench};

#[component]
pub fn SeedField() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let id = field_id("seed");
    let text = move || {
        bench
            .draft("seed")
            .unwrap_or_else(|| bench.review.with(|r| r.seed.to_string()))
    };
    let invalid = move || bench.has_errors_at("seed");
    let on_change = move |ev: leptos::ev::Event| {
        let raw = event_target_value(&ev);
        match parse_seed(&raw) {
            Ok(seed) => {
                bench.drafts.update(|d| {
                    d.remove("seed");
                });
                bench.edit("seed", |r| r.seed = seed);
            }
            Err(message) => bench.drafts.update(|d| {
                d.insert("seed".to_string(), (raw.clone(), message));
            }),
        }
    };
    view! {
        <div class="field seed-field" class:invalid=invalid>
            <label for=id.clone()>"Seed"</label>
            <div class="control">
                <input id=id type="text" inputmode="numeric" autocomplete="off" spellcheck="false"
                    aria-describedby="f-seed-help f-seed-error" aria-invalid=move || invalid().to_string()
                    prop:value=text on:change=on_change />
                <button on:click=move |_| bench.new_seed()>"New seed"</button>
            </div>
            <p class="help" id="f-seed-help">"Every random draw of the run is a function of (seed, stream, index): same seed, same events."</p>
            <FieldErrors path="seed".to_string() />
        </div>
    }
}
