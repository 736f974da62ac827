//! The seed of every random draw: always visible, editable, and "New seed"
//! draws one from the browser's CSPRNG (getrandom). A whole `u64`, so it is
//! parsed as one (a number field would round it through `f64`).

use leptos::prelude::*;

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
        let cleaned: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_')
            .collect();
        match cleaned.parse::<u64>() {
            Ok(seed) => {
                bench.drafts.update(|d| {
                    d.remove("seed");
                });
                bench.edit("seed", |r| r.seed = seed);
            }
            Err(_) => bench.drafts.update(|d| {
                d.insert(
                    "seed".to_string(),
                    (
                        raw.clone(),
                        format!(
                            "must be a whole number from 0 to {}, got “{}”",
                            scalewise_core::limits::MAX_SEED,
                            raw.trim()
                        ),
                    ),
                );
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
