//! An editable list of short texts (the recommendation's evidence lists):
//! one labelled text area per row with a Remove button, and Add. Validation
//! messages show under each row (`path[i]`) and under the list (`path`).

use std::sync::Arc;

use leptos::prelude::*;

use crate::components::field_errors::FieldErrors;
use crate::state::{field_id, Workbench};

/// Reads the list from the review; applies a new list (through
/// `Workbench::edit`, named by the path).
pub type ListRead = Arc<dyn Fn() -> Vec<String> + Send + Sync>;
pub type ListWrite = Arc<dyn Fn(&str, Vec<String>) + Send + Sync>;

#[component]
pub fn ListField(
    #[prop(into)] label: String,
    /// The field path (`submission.recommendation.evidence_still_needed`).
    path: String,
    /// The singular of a row, for button and input names ("evidence item").
    item: &'static str,
    read: ListRead,
    write: ListWrite,
    #[prop(optional, into)] hint: String,
) -> impl IntoView {
    let _bench = expect_context::<Workbench>();
    let items = {
        let read = read.clone();
        Memo::new(move |_| read())
    };
    let heading_id = format!("{}-label", field_id(&path));
    // A memo: typing in a row must not rebuild the rows (focus would go).
    let count = Memo::new(move |_| items.with(Vec::len));
    let rows = {
        let path = path.clone();
        let write = write.clone();
        move || {
            (0..count.get())
                .map(|i| {
                    let row_path = format!("{path}[{i}]");
                    let id = field_id(&row_path);
                    let write_text = write.clone();
                    let write_remove = write.clone();
                    let path_text = row_path.clone();
                    let path_remove = path.clone();
                    let text = move || items.with(|l| l.get(i).cloned().unwrap_or_default());
                    view! {
                        <li class="list-row">
                            <textarea id=id rows="2"
                                aria-label=format!("{item} {}", i + 1)
                                aria-describedby=format!("{}-error", field_id(&row_path))
                                prop:value=text
                                on:input=move |ev| {
                                    let value = event_target_value(&ev);
                                    let mut list = items.get_untracked();
                                    if let Some(slot) = list.get_mut(i) {
                                        *slot = value;
                                        write_text(&path_text, list);
                                    }
                                }></textarea>
                            <button class="icon" aria-label=format!("Remove {item} {}", i + 1)
                                on:click=move |_| {
                                    let mut list = items.get_untracked();
                                    if i < list.len() {
                                        list.remove(i);
                                        write_remove(&format!("{path_remove}: remove"), list);
                                    }
                                }>"Remove"</button>
                            <FieldErrors path=row_path.clone() />
                        </li>
                    }
                })
                .collect_view()
        }
    };
    let add = {
        let path = path.clone();
        move |_| {
            let mut list = items.get_untracked();
            list.push(String::new());
            let last = list.len() - 1;
            write(&format!("{path}: add"), list);
            let id = field_id(&format!("{path}[{last}]"));
            crate::state::in_next_task(move || {
                crate::state::focus_element(&id);
            });
        }
    };
    view! {
        <div class="field list-field" role="group" aria-labelledby=heading_id.clone()>
            <span class="list-label" id=heading_id.clone()>{label}</span>
            {(!hint.is_empty()).then(|| view! { <p class="help">{hint}</p> })}
            <ol class="list-rows">{rows}</ol>
            <div><button class="primary-outline" on:click=add>{format!("Add {item}")}</button></div>
            <FieldErrors path=path />
        </div>
    }
}
