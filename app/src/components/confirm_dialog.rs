//! An in-page confirmation dialog (never `window.confirm`: native dialogs
//! block the page and cannot be styled or tested). Modal while open: focus
//! starts on Cancel, Escape cancels, Tab stays inside.

use leptos::prelude::*;

#[component]
pub fn ConfirmDialog(
    /// Open while true; the dialog sets it false when answered.
    open: RwSignal<bool>,
    title: &'static str,
    message: &'static str,
    /// The confirming button's label.
    confirm: &'static str,
    on_confirm: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    // Where focus was, to return it on close.
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |_| {
        if open.get() {
            opener.set_value(
                web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element())
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()),
            );
            if let Some(button) = cancel_button.get() {
                let _ = button.focus();
            }
        }
    });
    let close = move || {
        open.set(false);
        opener.with_value(|e| {
            if let Some(e) = e {
                let _ = e.focus();
            }
        });
    };
    let on_confirm = std::sync::Arc::new(on_confirm);
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close();
        }
        "Tab" => {
            // Two buttons: Tab and Shift+Tab alternate between them.
            ev.prevent_default();
            let on_cancel = cancel_button.get().is_some_and(|b| {
                web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element())
                    .is_some_and(|a| {
                        let b: &web_sys::Element = &b;
                        a == *b
                    })
            });
            let next = if on_cancel {
                confirm_button.get()
            } else {
                None
            };
            match next {
                Some(button) => {
                    let _ = button.focus();
                }
                None => {
                    if let Some(button) = cancel_button.get() {
                        let _ = button.focus();
                    }
                }
            }
        }
        _ => {}
    };
    view! {
        <Show when=move || open.get()>
            <div class="dialog-backdrop">
                <div class="dialog" role="alertdialog" aria-modal="true"
                    aria-labelledby="confirm-title" aria-describedby="confirm-message" on:keydown=on_key>
                    <h2 id="confirm-title">{title}</h2>
                    <p id="confirm-message">{message}</p>
                    <div class="dialog-buttons">
                        <button node_ref=cancel_button on:click=move |_| close()>"Cancel"</button>
                        <button node_ref=confirm_button class="danger" on:click={
                            let on_confirm = on_confirm.clone();
                            move |_| {
                                close();
                                on_confirm();
                            }
                        }>{confirm}</button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
