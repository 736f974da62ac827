//! A `<select>` bound to a review field (enumerations of the design).

use leptos::prelude::*;

use crate::bind::Binding;
use crate::components::field_errors::FieldErrors;
use crate::state::{FieldIds, Workbench};

#[component]
pub fn SelectField(
    #[prop(into)] label: String,
    binding: Binding<String>,
    /// (value, label) pairs.
    options: Vec<(&'static str, &'static str)>,
    #[prop(optional, into)] hint: String,
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
    let on_change = {
        let path = path.clone();
        let set = binding.set.clone();
        move |ev: leptos::ev::Event| {
            let choice = event_target_value(&ev);
            let set = set.clone();
            bench.edit(&path, move |r| set(r, choice));
        }
    };
    view! {
        <div class="field select-field" class:invalid=move || invalid.get()>
            <label for=id.clone()>{label}</label>
            <select id=id aria-describedby=described
                aria-invalid=move || invalid.get().to_string() prop:value=move || value.get() on:change=on_change>
                {options.into_iter().map(|(v, l)| view! {
                    <option value=v selected=move || value.get() == v>{l}</option>
                }).collect_view()}
            </select>
            <p class="help" id=help_id>{hint}</p>
            <FieldErrors path=path />
        </div>
    }
}
