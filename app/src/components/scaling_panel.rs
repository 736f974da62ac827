//! Measured throughput at 1..N threads with the Universal Scalability Law fit
//! (σ contention, κ coherency, N* peak), and what it implies per node.

use leptos::prelude::*;
use scalewise_core::analysis::projection::ScalingSource;
use scalewise_core::analysis::result::ScalingSummary;

use crate::charts;
use crate::components::chart::Chart;
use crate::format;
use crate::state::Workbench;

/// Where the node speed-up of the projections comes from, in words:
/// fitted (with its quality), or assumed with the reason there is no fit.
pub fn used_text(s: &ScalingSummary) -> String {
    let used = &s.used;
    let band = used
        .sigma_range
        .map(|[lo, hi]| format!("; plausible σ {lo:.3} – {hi:.3}"))
        .unwrap_or_default();
    match &used.source {
        ScalingSource::UslFit { r2 } => format!(
            "fitted USL σ = {:.4}, κ = {:.6} (R² = {r2:.4}, {} lane counts{band})",
            used.sigma, used.kappa, used.measured_lanes
        ),
        ScalingSource::AmdahlFit { r2 } => format!(
            "fitted Amdahl σ = {:.4} through 2 lane counts (R² = {r2:.4}{band})",
            used.sigma
        ),
        ScalingSource::Unfitted { reason } => format!(
            "assumed σ = {}, κ = {}, no fit because {reason}{band}",
            used.sigma, used.kappa
        ),
        ScalingSource::Design => format!(
            "the law each design states (assumed σ = {}, κ = {} by default)",
            used.sigma, used.kappa
        ),
    }
}

#[component]
pub fn ScalingPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let data = Memo::new(move |_| {
        bench.finished.with(|f| {
            f.as_ref().map(|f| {
                (
                    f.result.calibration.scaling.clone(),
                    f.result.scaling.clone(),
                )
            })
        })
    });
    let spec =
        Signal::derive(move || data.with(|d| d.as_ref().map(|(p, s)| charts::scaling(p, s))));
    view! {
        <section class="panel" aria-labelledby="scaling-heading">
            <h3 id="scaling-heading">"Scaling: throughput by threads"</h3>
            <div class="split">
                <Chart id="scaling-chart" label="Measured throughput by thread count with the USL fit" spec=spec height=300 />
                <div>
                    {move || data.with(|d| d.as_ref().map(|(points, s)| {
                        let fit = s.fit.clone();
                        view! {
                            <dl class="facts" data-testid="scaling-facts">
                                {match fit {
                                    Some(fit) => view! {
                                        <div><dt>"σ (contention)"</dt><dd>{format::number(fit.sigma)}</dd></div>
                                        <div><dt>"κ (coherency)"</dt><dd>{format::number(fit.kappa)}</dd></div>
                                        <div><dt>"N* (peak)"</dt><dd>{fit.n_peak.map(|n| format!("{} threads", format::number(n))).unwrap_or_else(|| "none: κ = 0".into())}</dd></div>
                                        <div><dt>"λ (one thread)"</dt><dd>{format::events_per_s(fit.lambda_events_per_s)}</dd></div>
                                        <div><dt>"R²"</dt><dd>{format::fixed(fit.r2, 4)}</dd></div>
                                        <div><dt>"Amdahl serial fraction"</dt><dd>{format::number(fit.amdahl_serial_fraction)}</dd></div>
                                    }.into_any(),
                                    None => view! {
                                        <div class="wide"><dt>"Scaling fit"</dt><dd>{format!(
                                            "none with {} measured lane count{}.",
                                            points.len(), if points.len() == 1 { "" } else { "s" },
                                        )}</dd></div>
                                    }.into_any(),
                                }}
                                <div class="wide"><dt>"The projections use"</dt><dd data-testid="scaling-used">{used_text(s)}</dd></div>
                                <div class="wide"><dt>"Lanes of this in-browser pool beating one lane (the pool's own figure, not COST)"</dt><dd>{s.pool_lanes_beating_one.map(|c| format!("{c}")).unwrap_or_else(|| "no measured count beats one lane".into())}</dd></div>
                            </dl>
                            <table class="compact">
                                <caption>"Per node, from the scaling model"</caption>
                                <thead><tr><th>"Alternative"</th><th class="num">"Cores"</th><th class="num">"Speed-up"</th><th class="num">"Efficiency"</th></tr></thead>
                                <tbody>
                                    {s.nodes.iter().map(|n| view! {
                                        <tr><td>{n.option.clone()}</td><td class="num">{n.cores_per_node}</td>
                                            <td class="num">{format::ratio(n.speedup)}</td>
                                            <td class="num">{format::percent(n.efficiency)}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }
                    }))}
                </div>
            </div>
        </section>
    }
}
