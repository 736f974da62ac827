//! The audit trail of the review's edits, in the sidebar: newest first,
//! each with its time (browser clock), what changed and the start of its
//! SHA-256 chain hash; above them, whether the chain is intact.

use leptos::prelude::*;
use scalewise_core::submission::audit::{verify_chain, ChainStatus};

use crate::state::Workbench;

/// Entries listed (the newest); the rest are counted.
const SHOWN_ENTRIES: usize = 50;

#[component]
pub fn AuditPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let trail = Memo::new(move |_| bench.review.with(|r| r.submission.audit.clone()));
    let status = Memo::new(move |_| trail.with(|t| verify_chain(t)));
    let status_text = move || match status.get() {
        ChainStatus::Intact { entries } => format!(
            "{entries} edit{} recorded; chain intact (SHA-256).",
            if entries == 1 { "" } else { "s" }
        ),
        ChainStatus::Broken { seq, reason } => {
            format!("Audit trail broken at entry {seq}: {reason}")
        }
    };
    let broken = move || matches!(status.get(), ChainStatus::Broken { .. });
    view! {
        <details class="audit-panel" data-testid="audit-panel">
            <summary>{move || format!("Audit trail ({})", trail.with(Vec::len))}</summary>
            <p class="chain" class:broken=broken data-testid="audit-status">{status_text}</p>
            <ol reversed>
                {move || trail.with(|t| {
                    t.iter().rev().take(SHOWN_ENTRIES).map(|entry| {
                        let hash: String = entry.hash.chars().take(12).collect();
                        view! {
                            <li data-seq=entry.seq>
                                <time datetime=entry.at.clone()>{format!("#{} · {}", entry.seq, entry.at)}</time>
                                <span>{entry.summary.clone()}</span>
                                <code class="hash" title=entry.hash.clone()>{hash}</code>
                            </li>
                        }
                    }).collect_view()
                })}
            </ol>
            {move || {
                let hidden = trail.with(Vec::len).saturating_sub(SHOWN_ENTRIES);
                (hidden > 0).then(|| view! { <p>{format!("… and {hidden} earlier entries (in the exported result).")}</p> })
            }}
        </details>
    }
}
