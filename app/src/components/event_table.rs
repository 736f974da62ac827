//! The first events of the run, as the pipeline will ingest them (the same
//! rows `scalewise events REVIEW.json --limit N` prints).
//!
//! A new sample can arrive while a run keeps every core busy, so its rows
//! are rendered in chunks, one task each: no piece of main-thread work gets
//! long.

use leptos::prelude::*;
use scalewise_core::sample::{EventRow, EventSample};

use crate::format;
use crate::state::{in_next_task, ByAddress, SampleState, Workbench};

/// Rows rendered per task.
const CHUNK_ROWS: usize = 40;

fn flag(on: bool) -> &'static str {
    if on {
        "yes"
    } else {
        ""
    }
}

fn row(e: &EventRow) -> impl IntoView {
    view! {
        <tr>
            <td class="num">{e.index}</td>
            <td class="num">{format::seconds(e.timestamp_s)}</td>
            <td>{format!("dom_{:04}", e.domain)}</td>
            <td>{format!("ds_{:06}", e.dataset_id)}</td>
            <td>{format!("pl_{:04}", e.pipeline_id)}</td>
            <td class="num">{format::bytes(e.bytes as f64)}</td>
            <td class="num">{format::count(f64::from(e.rows))}</td>
            <td class="num">{format::seconds(f64::from(e.freshness_lag_s))}</td>
            <td class="num">{e.schema_version}</td>
            <td>{flag(e.schema_drift)}</td>
            <td class="num">{format!("{}/{}", e.lineage_recorded, e.lineage_expected)}</td>
            <td>{flag(e.has_nulls)}</td>
            <td>{flag(e.out_of_range)}</td>
            <td>{e.role.name()}</td>
            <td>{e.sensitivity.name()}</td>
            <td>{e.action.name()}</td>
            <td class="num">{format::fixed(f64::from(e.access_risk), 2)}</td>
        </tr>
    }
}

/// Rows `[chunk · CHUNK_ROWS, …)` of the sample.
fn chunk(sample: &EventSample, chunk: usize) -> impl IntoView {
    sample
        .rows
        .iter()
        .skip(chunk * CHUNK_ROWS)
        .take(CHUNK_ROWS)
        .map(row)
        .collect_view()
}

#[component]
pub fn EventTable() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let current = Memo::new(move |_| match bench.sample.get() {
        SampleState::Ready(sample) => Some(ByAddress(sample)),
        _ => None,
    });
    // How many chunks are shown; grows by one per task after a new sample.
    let shown = RwSignal::new(0usize);
    Effect::new(move |_| {
        let chunks = current.with(|s| {
            s.as_ref()
                .map_or(0, |s| s.0.rows.len().div_ceil(CHUNK_ROWS))
        });
        shown.set(chunks.min(1));
        fn grow(shown: RwSignal<usize>, chunks: usize) {
            in_next_task(move || {
                let Some(now) = shown.try_get_untracked() else {
                    return;
                };
                if now < chunks {
                    shown.set(now + 1);
                    grow(shown, chunks);
                }
            });
        }
        grow(shown, chunks);
    });
    let rows = move || {
        current.with(|s| {
            s.as_ref().map(|s| {
                let sample = s.0.clone();
                let count = sample.rows.len().div_ceil(CHUNK_ROWS);
                (0..count)
                    .map(|c| {
                        let sample = sample.clone();
                        // Changes once (hidden → shown): the chunk renders once.
                        let visible = Memo::new(move |_| shown.get() > c);
                        move || visible.get().then(|| chunk(&sample, c))
                    })
                    .collect_view()
            })
        })
    };
    let caption = move || match bench.sample.get() {
        SampleState::Ready(sample) => format!(
            "The first {} of {} events of the run (seed {}).",
            sample.rows.len(),
            format::count(sample.events_in_run as f64),
            sample.seed
        ),
        SampleState::Waiting => "Generating a sample in the engine…".to_string(),
        SampleState::Invalid(_) => "No sample: fix the workload's invalid fields.".to_string(),
    };
    view! {
        <div class="table-scroll events-table" tabindex="0" role="region" aria-label="Sample events">
            <table data-testid="event-table">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th class="num">"#"</th><th class="num">"Event time"</th><th>"Domain"</th>
                        <th>"Dataset"</th><th>"Pipeline"</th><th class="num">"Payload"</th><th class="num">"Rows"</th>
                        <th class="num">"Freshness lag"</th><th class="num">"Schema v."</th><th>"Drift"</th>
                        <th class="num">"Lineage rec./exp."</th><th>"Nulls"</th><th>"Out of range"</th>
                        <th>"Role"</th><th>"Sensitivity"</th><th>"Action"</th><th class="num">"Risk"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
