//! The validation messages of one field, next to it (matched by
//! `FieldError.path`). Always present, so `aria-describedby` can point at it.

use leptos::prelude::*;

use crate::state::{field_id, Workbench};

#[component]
pub fn FieldErrors(path: String) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let id = format!("{}-error", field_id(&path));
    let messages = Memo::new(move |_| bench.errors_at(&path));
    view! {
        <div class="field-errors" id=id aria-live="polite">
            {move || messages.get().into_iter().map(|m| view! {
                <p class="error"><span aria-hidden="true">"⚠ "</span>{m}</p>
            }).collect_view()}
        </div>
    }
}
