//! Paste your own `workers,throughput` measurements and fit the Universal
//! Scalability Law to them — the same parser and fit as `scalewise usl
//! FILE`, run in the engine worker. σ and κ are shown at full precision
//! (shortest round-trip decimal), so they can be compared with the CLI's.

use leptos::prelude::*;

use crate::charts;
use crate::components::chart::Chart;
use crate::format;
use crate::state::{UslState, Workbench};

const EXAMPLE: &str = "workers,throughput\n1,980\n2,1890\n4,3420\n8,5650\n16,7600\n32,7900";

#[component]
pub fn UslFitPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let measured_csv = Memo::new(move |_| {
        bench.finished.with(|f| {
            f.as_ref().map(|f| {
                let mut csv = String::from("workers,throughput\n");
                for p in &f.result.calibration.scaling {
                    for pass in &p.passes {
                        csv.push_str(&format!("{},{}\n", p.threads, pass.events_per_s));
                    }
                }
                csv
            })
        })
    });
    let state = move || bench.usl.get();
    let spec = Signal::derive(move || match bench.usl.get() {
        UslState::Fitted { points, fit } => Some(charts::user_usl(&points, Some(&fit))),
        UslState::Failed { points, .. } if !points.is_empty() => {
            Some(charts::user_usl(&points, None))
        }
        _ => None,
    });
    let has_chart = move || spec.with(Option::is_some);
    view! {
        <section class="panel" aria-labelledby="usl-heading">
            <h3 id="usl-heading">"Fit your own measurements"</h3>
            <p class="hint">"One "<code>"workers,throughput"</code>" pair per line (a header line, "<code>"#"</code>" comments and blank lines are fine). The fit is the one "<code>"scalewise usl FILE"</code>" prints."</p>
            <div class="usl-input">
                <div class="field">
                    <label for="usl-csv">"Your measurements (workers,throughput)"</label>
                    <textarea id="usl-csv" rows="8" spellcheck="false" placeholder=EXAMPLE
                        prop:value=move || bench.usl_csv.get()
                        on:input=move |ev| bench.usl_csv.set(event_target_value(&ev))
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                                bench.fit_usl();
                            }
                        }></textarea>
                    <p class="help">"Ctrl+Enter fits."</p>
                </div>
                <div class="usl-buttons">
                    <button class="primary-outline" on:click=move |_| bench.fit_usl()
                        disabled=move || bench.usl_csv.with(|t| t.trim().is_empty())>"Fit USL"</button>
                    <button on:click=move |_| bench.usl_csv.set(EXAMPLE.to_string())>"Paste an example"</button>
                    <button disabled=move || measured_csv.with(Option::is_none)
                        on:click=move |_| if let Some(csv) = measured_csv.get() { bench.usl_csv.set(csv) }>
                        "Use this run's measurements"
                    </button>
                </div>
            </div>
            <div aria-live="polite">
                {move || match state() {
                    UslState::Empty => ().into_any(),
                    UslState::Fitting => view! { <p class="hint">"Fitting…"</p> }.into_any(),
                    UslState::Failed { message, .. } => view! {
                        <p class="error" data-testid="usl-error"><span aria-hidden="true">"⚠ "</span>{message}</p>
                    }.into_any(),
                    UslState::Fitted { fit, .. } => view! {
                        <dl class="facts" data-testid="usl-result">
                            <div><dt>"σ (contention)"</dt><dd><code data-testid="usl-sigma">{fit.sigma.to_string()}</code></dd></div>
                            <div><dt>"κ (coherency)"</dt><dd><code data-testid="usl-kappa">{fit.kappa.to_string()}</code></dd></div>
                            <div><dt>"λ (one worker)"</dt><dd><code data-testid="usl-lambda">{fit.lambda.0.to_string()}</code>
                                <span class="hint">{format!(" ≈ {}", format::count(fit.lambda.0))}</span></dd></div>
                            <div><dt>"N* (peak)"</dt><dd data-testid="usl-n-peak">{fit.n_peak.map(|n| format!("{} workers", format::number(n))).unwrap_or_else(|| "none (κ = 0)".into())}</dd></div>
                            <div><dt>"R²"</dt><dd data-testid="usl-r2">{format::fixed(fit.r2, 6)}</dd></div>
                            <div><dt>"Points"</dt><dd>{fit.points}</dd></div>
                        </dl>
                    }.into_any(),
                }}
            </div>
            <Show when=has_chart>
                <Chart id="usl-chart" label="Your measurements with their USL fit" spec=spec height=280 />
            </Show>
        </section>
    }
}
