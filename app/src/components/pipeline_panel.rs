//! What the batch pipeline saw: events, bytes, measured throughput, quality
//! and lineage, and the data fingerprint (the SHA-256 the CLI reproduces).

use leptos::prelude::*;

use crate::format;
use crate::state::Workbench;

#[component]
pub fn PipelinePanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let facts = Memo::new(move |_| {
        bench.finished.with(|f| {
            f.as_ref().map(|f| {
                let d = &f.result.profile;
                let policy = d
                    .access
                    .report(scalewise_core::review::PolicyMode::DenyOverrides);
                (
                    Some(f.result.calibration.full_pass.events_per_s).filter(|&v| v > 0.0),
                    d.events,
                    d.total_bytes,
                    d.quality.freshness_breach_rate,
                    d.lineage.completeness,
                    policy.policy_check_failure_rate,
                    d.data_digest.clone(),
                )
            })
        })
    });
    view! {
        <section class="panel" aria-labelledby="pipeline-heading">
            <h3 id="pipeline-heading">"What the pipeline saw"</h3>
            {move || facts.get().map(|(throughput, events, bytes, breaches, lineage, policy, digest)| view! {
                <div class="metrics">
                    <div class="metric"><span class="label">"Throughput (measured)"</span>
                        <span class="value">{throughput.map(format::events_per_s).unwrap_or_else(|| "—".into())}</span></div>
                    <div class="metric"><span class="label">"Events"</span>
                        <span class="value" data-testid="events">{format::count(events as f64)}</span></div>
                    <div class="metric"><span class="label">"Bytes"</span>
                        <span class="value">{format::bytes(bytes as f64)}</span></div>
                    <div class="metric"><span class="label">"Freshness SLA breaches"</span>
                        <span class="value">{format::percent(breaches)}</span></div>
                    <div class="metric"><span class="label">"Lineage completeness"</span>
                        <span class="value">{format::percent(lineage)}</span></div>
                    <div class="metric"><span class="label">"Policy check failures"</span>
                        <span class="value">{format::percent(policy)}</span></div>
                </div>
                <p class="hint digest">"Data fingerprint (SHA-256): "
                    <code data-testid="data-digest">{digest}</code></p>
            })}
        </section>
    }
}
