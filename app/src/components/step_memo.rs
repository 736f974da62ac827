//! Step 10: the memo — the draft the core writes from this review's own
//! numbers (six headings, 900–1200 words), editable in place as plain text.
//! A live word count flags a memo outside the range and lists missing
//! headings (`check_memo`, a few microseconds). Until the user edits it the
//! memo follows the evidence (new weights, a new run); an edit is the
//! review's `submission.memo`; "Regenerate draft" drops the edit, after
//! asking.

use leptos::prelude::*;
use scalewise_core::submission::memo::{check_memo, MEMO_HEADINGS, MEMO_WORDS_MAX, MEMO_WORDS_MIN};

use crate::components::field_errors::FieldErrors;
use crate::components::refresh_note::RefreshNote;
use crate::components::result_meta::{NoResult, ResultMeta};
use crate::components::step_header::StepHeader;
use crate::components::step_nav::StepNav;
use crate::state::{field_id, Workbench};
use crate::step::Step;

const PATH: &str = "submission.memo";

#[component]
pub fn MemoStep() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let has_result = move || bench.finished.with(Option::is_some);
    let edited = Memo::new(move |_| bench.review.with(|r| r.submission.memo.is_some()));
    // The user's text, else the result's memo (the draft: the result
    // carries the user's memo only when there is one).
    let text = Memo::new(move |_| {
        bench
            .review
            .with(|r| r.submission.memo.clone())
            .or_else(|| {
                bench
                    .finished
                    .with(|f| f.as_ref().map(|f| f.result.memo.clone()))
            })
            .unwrap_or_default()
    });
    let check = Memo::new(move |_| text.with(|t| check_memo(t)));
    let confirming = RwSignal::new(false);
    let invalid = Memo::new(move |_| bench.has_errors_at(PATH));
    let id = field_id(PATH);
    let status_id = format!("{id}-status");
    let regenerate = move || {
        confirming.set(false);
        bench.edit("submission.memo: regenerate", |r| r.submission.memo = None);
    };
    view! {
        <article class="step" aria-labelledby="step-heading">
            <StepHeader step=Step::Memo>
                <p>{format!(
                    "The memo to hand in: {MEMO_WORDS_MIN}–{MEMO_WORDS_MAX} words under the headings {}. The draft is written from this review's numbers; edit it freely (Markdown, plain text).",
                    MEMO_HEADINGS.join(", ")
                )}</p>
            </StepHeader>
            <Show when=has_result fallback=|| view! { <NoResult /> }>
                <ResultMeta />
                <RefreshNote />
                <section class="panel memo-editor" aria-labelledby="memo-heading">
                    <div class="panel-title-row">
                        <h3 id="memo-heading">"Memo"</h3>
                        <p class="hint" data-testid="memo-source">{move || if edited.get() {
                            "Edited by you: it no longer follows the evidence."
                        } else {
                            "Generated draft: it follows the evidence until you edit it."
                        }}</p>
                        <button on:click=move |_| {
                            if edited.get_untracked() {
                                confirming.set(true);
                            } else {
                                regenerate();
                            }
                        }>"Regenerate draft"</button>
                    </div>
                    <Show when=move || confirming.get()>
                        <div class="confirm" role="alertdialog" aria-labelledby="memo-confirm-text">
                            <p id="memo-confirm-text">"Replace your edited memo with a new draft? Your edits are lost."</p>
                            <button class="primary" on:click=move |_| regenerate()>"Replace with a new draft"</button>
                            <button on:click=move |_| confirming.set(false)>"Keep my memo"</button>
                        </div>
                    </Show>
                    <div class="memo-status" id=status_id.clone() aria-live="polite">
                        <span class="count" data-testid="memo-word-count"
                            class:good=move || check.with(|c| c.in_range)
                            class:bad=move || check.with(|c| !c.in_range)>
                            {move || format!("{} words", check.with(|c| c.word_count))}
                        </span>
                        <span data-testid="memo-range">{move || {
                            let c = check.get();
                            if c.in_range {
                                format!("within {MEMO_WORDS_MIN}–{MEMO_WORDS_MAX}")
                            } else if c.word_count < MEMO_WORDS_MIN {
                                format!("{} short of {MEMO_WORDS_MIN}", MEMO_WORDS_MIN - c.word_count)
                            } else {
                                format!("{} over {MEMO_WORDS_MAX}", c.word_count - MEMO_WORDS_MAX)
                            }
                        }}</span>
                        <span data-testid="memo-headings" class:bad=move || check.with(|c| !c.missing_headings.is_empty())>{move || {
                            let c = check.get();
                            if c.missing_headings.is_empty() {
                                "all six headings present".to_string()
                            } else {
                                format!("missing headings: {}", c.missing_headings.join(", "))
                            }
                        }}</span>
                        <Show when=move || text.with(|t| t.trim().is_empty())>
                            <span class="hint">"Empty: the export uses the generated draft."</span>
                        </Show>
                    </div>
                    <div class="field text-field" class:invalid=move || invalid.get()>
                        <label for=id.clone()>"Memo text"</label>
                        <textarea id=id.clone() rows="28" spellcheck="true"
                            aria-describedby=format!("{status_id} {id}-error")
                            aria-invalid=move || invalid.get().to_string()
                            prop:value=move || text.get()
                            on:input=move |ev| {
                                let value = event_target_value(&ev);
                                bench.edit(PATH, move |r| r.submission.memo = Some(value));
                            }></textarea>
                        <FieldErrors path=PATH.to_string() />
                    </div>
                </section>
                <section class="panel" aria-labelledby="memo-export-heading">
                    <h3 id="memo-export-heading">"Hand it in"</h3>
                    <p>"The memo goes into the notebook and its own Markdown file. "
                        <button class="link" on:click=move |_| bench.goto(Step::Export)>"Export the submission"</button></p>
                </section>
            </Show>
            <StepNav step=Step::Memo />
        </article>
    }
}
