//! A text input or text area bound to a review field; the core's validation
//! message (e.g. "must not be empty") shows next to it.

use leptos::prelude::*;

use crate::bind::Binding;
use crate::components::field_errors::FieldErrors;
use crate::state::{FieldIds, Workbench};

#[component]
pub fn TextField(
    #[prop(into)] label: String,
    binding: Binding<String>,
    /// A text area of this many rows instead of a one-line input.
    #[prop(optional)]
    rows: u32,
    #[prop(optional, into)] hint: String,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let path = binding.path.clone();
    let FieldIds {
        control: id,
        help: help_id,
        described_by: described,
    } = FieldIds::new(&path);
    let get = binding.get.clone();
    let value = Memo::new(move |_| bench.review.with(|r| get(r)).unwrap_or_default());
    let invalid = {
        let path = path.clone();
        Memo::new(move |_| bench.has_errors_at(&path))
    };
    let on_input = {
        let path = path.clone();
        let set = binding.set.clone();
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            let set = set.clone();
            bench.edit(&path, move |r| set(r, text));
        }
    };
    let label_for = id.clone();
    let control = if rows > 0 {
        view! {
            <textarea id=id rows=rows aria-describedby=described placeholder=placeholder
                aria-invalid=move || invalid.get().to_string()
                prop:value=move || value.get() on:input=on_input></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id type="text" autocomplete="off" aria-describedby=described placeholder=placeholder
                aria-invalid=move || invalid.get().to_string()
                prop:value=move || value.get() on:input=on_input />
        }
        .into_any()
    };
    view! {
        <div class="field text-field" class:invalid=move || invalid.get()>
            <label for=label_for>{label}</label>
            {control}
            <p class="help" id=help_id>{hint}</p>
            <FieldErrors path=path />
        </div>
    }
}
