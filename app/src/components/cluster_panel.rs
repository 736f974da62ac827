//! The Profile step's distributed measurements: how to produce CLUSTER.json
//! with `scalewise cluster` (the browser cannot run timely) and import it;
//! once imported, or recorded in the shown result, the measured layouts
//! (P × W, throughput, bytes exchanged, the exchange's own throughput)
//! beside this browser's thread scaling, and COST as measured on timely —
//! apart from the projected COST of the self-check panel.

use leptos::prelude::*;
use scalewise_core::profiler::calibration::distributed::{
    review_digest, Cost, DistributedPoint, Spread,
};
use scalewise_core::profiler::DistributedCalibration;

use crate::cluster::cost_sentence;
use crate::download;
use crate::format;
use crate::state::Workbench;

/// "median (min – max)" of a spread, each through `f`.
fn spread_text(s: &Spread, f: impl Fn(f64) -> String) -> String {
    if s.samples <= 1 || s.min == s.max {
        f(s.median)
    } else {
        format!("{} ({} – {})", f(s.median), f(s.min), f(s.max))
    }
}

/// Bytes per second through the core's byte formatter.
fn bytes_per_s(rate: f64) -> String {
    format!("{}/s", format::bytes(rate))
}

/// The exchange-alone throughput of a layout, or why there is none.
fn exchange_text(p: &DistributedPoint) -> String {
    match &p.exchange.bytes_per_s {
        Some(rate) => spread_text(rate, bytes_per_s),
        None => "— (one process: no byte crossed a process)".to_string(),
    }
}

/// The distinct hosts of a layout, in process order.
fn hosts_text(p: &DistributedPoint) -> String {
    let mut hosts: Vec<&str> = p.hosts.iter().map(String::as_str).collect();
    hosts.dedup();
    hosts.join(", ")
}

/// The shuffle's scheme as the documents spell it (`salted_hot_keys`).
fn scheme_name(s: &DistributedCalibration) -> String {
    serde_json::to_value(s.shuffle_scheme)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Which section to show and what the shown result did with it.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    section: DistributedCalibration,
    /// The imported file's name (`None`: only the shown result records it).
    imported: Option<String>,
    /// The shown result's calibration records this section.
    in_result: bool,
    /// Why the imported section does not apply to the review any more.
    stale: Option<String>,
}

#[component]
pub fn ClusterPanel() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let digest = Memo::new(move |_| bench.review.with(review_digest));
    let shown = Memo::new(move |_| {
        let recorded = bench.finished.with(|f| {
            f.as_ref()
                .and_then(|f| f.result.calibration.distributed.clone())
        });
        match bench.cluster.get() {
            Some(imported) => Some(Shown {
                in_result: recorded.as_ref() == Some(&imported.section),
                stale: bench.review.with(|r| imported.stale_for(r)),
                imported: Some(imported.name),
                section: imported.section,
            }),
            None => recorded.map(|section| Shown {
                section,
                imported: None,
                in_result: true,
                stale: None,
            }),
        }
    });
    let browser_scaling = Memo::new(move |_| {
        bench.finished.with(|f| {
            f.as_ref()
                .map(|f| {
                    f.result
                        .calibration
                        .scaling
                        .iter()
                        .map(|p| (p.threads, p.events_per_s()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let download_error = RwSignal::new(None::<String>);
    let download_review = move |_| {
        let text = bench.review.with_untracked(|r| r.to_json_pretty());
        download_error
            .set(download::save("review.json", "application/json", text.as_bytes()).err());
    };
    let instructions = move || {
        view! {
            <ol class="cluster-steps">
                <li>
                    <button on:click=download_review data-testid="download-review">"Download this review"</button>
                    " as "<code>"review.json"</code>". Its digest (SHA-256 of the review's canonical JSON), which CLUSTER.json must carry: "
                    <code data-testid="cluster-review-digest">{move || digest.get()}</code>
                    {move || download_error.get().map(|e| view! { <span class="verdict bad">{format!(" Download failed: {e}")}</span> })}
                </li>
                <li>
                    "On one machine, P local processes on 127.0.0.1 ("<code>"--workers W"</code>" threads each; "
                    <code>"--sweep"</code>" measures every layout up to P × W):"
                    <pre data-testid="cluster-command-local"><code>"cargo build --release -p scalewise-cli\ntarget/release/scalewise cluster review.json --processes 2 -o CLUSTER.json"</code></pre>
                </li>
                <li>
                    "On a cluster: a hostfile with one "<code>"HOST:PORT"</code>" line per process, copied with the review to every host; the same command on each, with its own line; process 0 writes CLUSTER.json:"
                    <pre data-testid="cluster-command-hostfile"><code>"scalewise cluster review.json --hostfile hosts.txt --process 0 --workers 8 -o CLUSTER.json   # host of line 0\nscalewise cluster review.json --hostfile hosts.txt --process 1 --workers 8                   # host of line 1"</code></pre>
                </li>
                <li>"Import CLUSTER.json (Import… in the top bar, or drop it on the page). A file measured for another review is refused and changes nothing."</li>
            </ol>
        }
    };
    view! {
        <section class="panel cluster-panel" aria-labelledby="cluster-heading" data-testid="cluster-panel">
            <h3 id="cluster-heading">"Measured on a distributed engine: scalewise cluster"</h3>
            <p class="hint">"This page cannot run timely dataflow. The command-line tool runs this review's pipeline on it — P processes × W workers, records exchanged over TCP — and writes CLUSTER.json. Imported, it makes the distributed designs' exchange and coordination measured terms, and each run records it in its result."</p>
            {move || match shown.get() {
                None => view! {
                    <div data-testid="cluster-none">
                        <p>"No CLUSTER.json imported: the exchange and coordination of the distributed designs are assumptions (Alternatives step)."</p>
                        {instructions()}
                    </div>
                }.into_any(),
                Some(shown) => {
                    let s = shown.section.clone();
                    let status = match (&shown.imported, &shown.stale, shown.in_result) {
                        (_, Some(why), _) => view! { <p class="verdict bad" data-testid="cluster-status" data-state="stale">{format!("Not used: {why}.")}</p> }.into_any(),
                        (Some(name), None, true) => view! { <p class="verdict ok" data-testid="cluster-status" data-state="used">{format!("The shown result uses “{name}”: its calibration records these measurements.")}</p> }.into_any(),
                        (Some(name), None, false) => view! { <p data-testid="cluster-status" data-state="imported">{format!("“{name}” is imported: run the profiler and the run carries it (the shown result was computed without it).")}</p> }.into_any(),
                        (None, _, _) => view! { <p data-testid="cluster-status" data-state="recorded">"The shown result records these measurements (imported with its result file)."</p> }.into_any(),
                    };
                    let cost = s.cost.clone();
                    let (outcome, cost_threads) = match &cost {
                        Cost::Reached { threads, .. } => ("reached", *threads),
                        Cost::NotReached { up_to_threads, .. } => ("not_reached", *up_to_threads),
                    };
                    let baseline = s.baseline.clone();
                    view! {
                        {status}
                        <dl class="facts" data-testid="cluster-facts">
                            <div><dt>"Engine"</dt><dd>{s.engine.clone()}</dd></div>
                            <div><dt>"Shuffle keyed by"</dt><dd>{format!("{} ({})", s.shuffle_alternative, scheme_name(&s))}</dd></div>
                            <div><dt>"Deliveries per pass"</dt><dd>{format::count(s.events as f64)}</dd></div>
                            <div><dt>"One routed record"</dt><dd>{format::bytes(f64::from(s.record_bytes))}</dd></div>
                            <div class="wide"><dt>"One native thread (COST's reference), measured on "{baseline.host.clone()}</dt>
                                <dd data-testid="cluster-baseline" data-events-per-s=baseline.events_per_s.median.to_string()>{spread_text(&baseline.events_per_s, format::events_per_s)}</dd></div>
                            <div class="wide"><dt>"COST measured on "{s.engine.clone()}" (scalewise cluster) — not the projected COST of the self-check below"</dt>
                                <dd data-testid="cluster-cost" data-outcome=outcome data-threads=cost_threads.to_string()>{cost_sentence(&cost)}</dd></div>
                        </dl>
                        <div class="split">
                            <div class="table-scroll">
                                <table class="compact" data-testid="cluster-points">
                                    <caption>{format!("Measured on {}: median over the passes (min – max)", s.engine)}</caption>
                                    <thead><tr>
                                        <th scope="col">"Processes × workers"</th>
                                        <th scope="col">"Hosts"</th>
                                        <th scope="col" class="num">"Pipeline throughput"</th>
                                        <th scope="col" class="num">"Bytes exchanged per pass"</th>
                                        <th scope="col" class="num">"Exchange alone"</th>
                                        <th scope="col" class="num">"Progress round"</th>
                                    </tr></thead>
                                    <tbody>
                                        {s.points.iter().map(|p| view! {
                                            <tr data-processes=p.processes.to_string() data-workers=p.workers_per_process.to_string()
                                                data-events-per-s=p.events_per_s.median.to_string()
                                                data-bytes=p.shuffle.bytes_to_other_processes.to_string()
                                                data-bytes-per-s=p.exchange.bytes_per_s.map(|r| r.median.to_string()).unwrap_or_default()>
                                                <td>{format!("{} × {}", p.processes, p.workers_per_process)}</td>
                                                <td>{hosts_text(p)}</td>
                                                <td class="num">{spread_text(&p.events_per_s, format::events_per_s)}</td>
                                                <td class="num">{format!("{} ({} records across processes)", format::bytes(p.shuffle.bytes_to_other_processes as f64), format::count(p.shuffle.records_to_other_processes as f64))}</td>
                                                <td class="num">{exchange_text(p)}</td>
                                                <td class="num">{spread_text(&p.coordination.round_s, format::seconds)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <div class="table-scroll">
                                <table class="compact" data-testid="cluster-browser-scaling">
                                    <caption>"This browser's thread scaling (the run's own calibration)"</caption>
                                    <thead><tr><th scope="col">"Threads"</th><th scope="col" class="num">"Throughput"</th></tr></thead>
                                    <tbody>
                                        {move || {
                                            let points = browser_scaling.get();
                                            if points.is_empty() {
                                                view! { <tr><td colspan="2">"No run yet."</td></tr> }.into_any()
                                            } else {
                                                points.into_iter().map(|(threads, rate)| view! {
                                                    <tr data-threads=threads.to_string()><td>{threads}</td>
                                                        <td class="num">{if rate.samples.len() > 1 {
                                                            format!("{} ({} – {})", format::events_per_s(rate.median), format::events_per_s(rate.min), format::events_per_s(rate.max))
                                                        } else { format::events_per_s(rate.median) }}</td></tr>
                                                }).collect_view().into_any()
                                            }
                                        }}
                                    </tbody>
                                </table>
                            </div>
                        </div>
                        {shown.imported.is_some().then(|| view! {
                            <p><button on:click=move |_| bench.remove_cluster() data-testid="cluster-remove">"Remove CLUSTER.json"</button>
                                " Later runs then use the designs' assumed exchange and coordination; a result already computed with it keeps recording it."</p>
                        })}
                        <details class="cluster-how">
                            <summary>"How to measure again"</summary>
                            {instructions()}
                        </details>
                    }.into_any()
                }
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_read_median_then_range() {
        let one = Spread {
            samples: 1,
            median: 2e6,
            min: 2e6,
            max: 2e6,
        };
        assert_eq!(
            spread_text(&one, format::events_per_s),
            format::events_per_s(2e6)
        );
        let three = Spread {
            samples: 3,
            median: 2e6,
            min: 1e6,
            max: 3e6,
        };
        assert_eq!(
            spread_text(&three, format::events_per_s),
            format!(
                "{} ({} – {})",
                format::events_per_s(2e6),
                format::events_per_s(1e6),
                format::events_per_s(3e6)
            )
        );
        assert_eq!(bytes_per_s(2048.0), format!("{}/s", format::bytes(2048.0)));
    }
}
