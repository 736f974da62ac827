//! A dismissible message at the top of the page: why the autosave could
//! not be restored (and where the unreadable copy is kept).

use leptos::prelude::*;

use crate::state::Workbench;

#[component]
pub fn NoticeBanner() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    view! {
        {move || bench.notice.get().map(|text| view! {
            <div class="notice" role="alert" data-testid="notice">
                <p>{text}</p>
                <button on:click=move |_| bench.notice.set(None)>"Dismiss"</button>
            </div>
        })}
    }
}
