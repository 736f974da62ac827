//! Step 11: the export — every file a student hands in, named from the
//! review's title and today's date: the result JSON, the scoring table as
//! CSV and Markdown, the memo, the Jupyter notebook and each chart as PNG.
//! Disabled, with the reason, until a result exists; a stale result is
//! exported as it is, with a warning. While the step is shown the files
//! are prepared for the current result (charts drawn off-screen, then the
//! text files built in the engine worker), so each button saves at once.

use leptos::prelude::*;

use crate::components::result_meta::ResultMeta;
use crate::components::step_header::StepHeader;
use crate::components::step_nav::StepNav;
use crate::download;
use crate::state::{RunStatus, Workbench};
use crate::step::Step;
use crate::submission::ExportFiles;

/// What each text file is, by its suffix.
fn describe(name: &str) -> &'static str {
    if name.ends_with(".result.json") {
        "The result document: the course keys, the evidence, your edits and the reproducibility digest; scalewise verify recomputes it."
    } else if name.ends_with(".scoring.csv") {
        "The scoring table for spreadsheets (cells that could run as formulas are escaped)."
    } else if name.ends_with(".scoring.md") {
        "The scoring table in Markdown."
    } else if name.ends_with(".memo.md") {
        "The memo."
    } else if name.ends_with(".ipynb") {
        "The Jupyter notebook to hand in: boundary and method, the filled workspace cell, the table, the charts and the memo."
    } else {
        ""
    }
}

#[component]
pub fn ExportStep() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let state = bench.submission;
    let has_result = Memo::new(move |_| bench.finished.with(Option::is_some));
    // Prepare (or re-prepare) whenever the result or its refresh changes.
    Effect::new(move |_| {
        let _digest = bench
            .finished
            .with(|f| f.as_ref().map(|f| f.result.reproducibility.digest.clone()));
        if !state.refresh_pending.get() {
            bench.prepare_exports();
        }
    });
    let blocked = move || -> Option<String> {
        if !has_result.get() {
            return Some(match bench.run.get() {
                RunStatus::Running { .. } => {
                    "A run is in progress: exports are built from its result when it finishes."
                        .to_string()
                }
                _ => "No result yet: run the profiler first (Run profiler, in the sidebar); every export is built from a result.".to_string(),
            });
        }
        if state.refresh_pending.get() {
            return Some(if bench.issues.with(|i| i.is_empty()) {
                "Applying your latest edits to the result…".to_string()
            } else {
                "Fix the invalid fields first: the export must carry your edits.".to_string()
            });
        }
        None
    };
    let exports = move || state.exports.get().filter(|_| has_result.get());
    let files = move || {
        let Some(exports) = exports() else {
            return Vec::new();
        };
        match &exports.files {
            ExportFiles::Ready(files) => files.clone(),
            _ => Vec::new(),
        }
    };
    let file_status = move || -> Option<String> {
        let exports = exports()?;
        match &exports.files {
            ExportFiles::Preparing => Some(if exports.charts_done {
                "Building the files…".to_string()
            } else {
                format!("Drawing the charts ({} so far)…", exports.charts.len())
            }),
            ExportFiles::Failed(message) => {
                Some(format!("The files could not be built: {message}"))
            }
            ExportFiles::Ready(_) => None,
        }
    };
    let save_error = RwSignal::new(None::<String>);
    let save = move |name: String, mime: String, bytes: Vec<u8>| {
        save_error.set(download::save(&name, &mime, &bytes).err());
    };
    let placeholder = [
        "result.json",
        "scoring.csv",
        "scoring.md",
        "memo.md",
        "ipynb",
    ];
    view! {
        <article class="step" aria-labelledby="step-heading">
            <StepHeader step=Step::Export>
                <p>"Everything to hand in, each a download named after the review's title and today's date. Nothing leaves this machine."</p>
            </StepHeader>
            <Show when=move || has_result.get()>
                <ResultMeta />
            </Show>
            {move || blocked().map(|reason| view! {
                <p class="note" data-testid="export-blocked" role="status">{reason}</p>
            })}
            <Show when=move || bench.stale.get()>
                <p class="note" data-testid="export-stale">"The result is stale: these files describe the inputs of the last run, not your current ones. Run the profiler to export the current inputs."</p>
            </Show>
            <section class="panel" aria-labelledby="files-heading">
                <h3 id="files-heading">"Files"</h3>
                {move || file_status().map(|s| view! { <p class="hint" role="status" data-testid="export-status">{s}</p> })}
                <ul class="exports" data-testid="export-files">
                    {move || {
                        let ready = files();
                        if ready.is_empty() {
                            let reason = blocked().unwrap_or_else(|| "Preparing…".to_string());
                            placeholder.iter().map(|suffix| view! {
                                <li>
                                    <button disabled=true title=reason.clone()>{format!("Download .{suffix}")}</button>
                                </li>
                            }).collect_view().into_any()
                        } else {
                            let disabled = blocked().is_some();
                            ready.into_iter().map(|file| {
                                let suffix = file.name.split_once('.').map(|(_, s)| s.to_string()).unwrap_or_default();
                                let name = file.name.clone();
                                view! {
                                    <li data-file=suffix.clone()>
                                        <button class="primary-outline" disabled=disabled on:click=move |_| {
                                            save(file.name.clone(), file.mime.clone(), file.contents.clone().into_bytes())
                                        }>{format!("Download .{suffix}")}</button>
                                        <span class="file-name">{name.clone()}</span>
                                        <p class="what">{describe(&name)}</p>
                                    </li>
                                }
                            }).collect_view().into_any()
                        }
                    }}
                </ul>
            </section>
            <section class="panel" aria-labelledby="charts-heading">
                <h3 id="charts-heading">"Charts as PNG"</h3>
                <p class="hint">"Each chart of the result steps, drawn at 960 px wide on white at twice the pixel density (the same images the notebook embeds)."</p>
                {move || exports().and_then(|e| e.chart_error.clone()).map(|m| view! { <p class="note">{format!("A chart could not be drawn: {m}")}</p> })}
                <ul class="exports" data-testid="export-charts">
                    {move || {
                        let disabled = blocked().is_some();
                        exports().map(|e| e.charts.clone()).unwrap_or_default().into_iter().map(|chart| {
                            let name = chart.file_name.clone();
                            let thumbnail = format!("data:image/png;base64,{}", chart.png_base64);
                            view! {
                                <li data-chart=chart.title.clone()>
                                    <button class="primary-outline" disabled=disabled on:click=move |_| {
                                        match download::base64_decode(&chart.png_base64) {
                                            Some(bytes) => save(chart.file_name.clone(), "image/png".to_string(), bytes),
                                            None => save_error.set(Some("the chart's PNG data is damaged".to_string())),
                                        }
                                    }>{format!("Download PNG: {}", chart.title)}</button>
                                    <span class="file-name">{name}</span>
                                    <img class="thumb" alt="" src=thumbnail />
                                </li>
                            }
                        }).collect_view()
                    }}
                </ul>
            </section>
            {move || save_error.get().map(|m| view! { <p class="note" role="alert">{format!("Could not save the file: {m}")}</p> })}
            <StepNav step=Step::Export />
        </article>
    }
}
