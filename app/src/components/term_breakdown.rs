//! What each projected makespan is made of: per alternative, at the review's
//! volume and at the single node's binding crossing, every term in seconds
//! with its class (measured, fitted, assumed), as a stacked bar and a table,
//! and how far each projection extrapolates beyond the profiled sample.

use leptos::prelude::*;
use scalewise_core::analysis::projection::{Projection, TermClass};
use scalewise_core::analysis::result::ResultDocument;
use scalewise_core::format::volume as format_volume;

use crate::charts::{self, BreakdownBar};
use crate::components::chart::Chart;
use crate::format;
use crate::state::Workbench;

/// One projection shown: where it was computed and what it says.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub label: String,
    pub projection: Projection,
}

/// The projections of the breakdown: each alternative at the review's
/// volume, then each at the binding crossing (when there is one).
pub fn columns(result: &ResultDocument) -> Vec<Column> {
    let review = result.projections.iter().map(|p| Column {
        label: format!("{} at your {} events", p.option, format_volume(p.events)),
        projection: p.clone(),
    });
    let binding = result
        .crossover
        .binding_crossing()
        .map(|b| b.at.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|p| Column {
            label: format!(
                "{} at the binding {} events",
                p.option,
                format_volume(p.events)
            ),
            projection: p,
        });
    review.chain(binding).collect()
}

/// Every (term, class) of the columns in first-seen order, with its seconds
/// per column (`None`: the column has no such term).
pub fn term_rows(columns: &[Column]) -> Vec<(String, TermClass, Vec<Option<f64>>)> {
    let mut keys: Vec<(String, TermClass)> = Vec::new();
    for c in columns {
        for t in &c.projection.terms {
            let key = (t.term.clone(), t.class);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys.into_iter()
        .map(|(term, class)| {
            let cells = columns
                .iter()
                .map(|c| {
                    c.projection
                        .terms
                        .iter()
                        .find(|t| t.term == term && t.class == class)
                        .map(|t| t.seconds)
                })
                .collect();
            (term, class, cells)
        })
        .collect()
}

/// Where a measured term's value comes from when it is not this browser's
/// profiler (`timely 0.32.0, 2 × 1, on 127.0.0.1`): the first column's
/// source for that (term, class).
pub fn term_source(columns: &[Column], term: &str, class: TermClass) -> Option<String> {
    columns
        .iter()
        .flat_map(|c| &c.projection.terms)
        .find(|t| t.term == term && t.class == class && t.source.is_some())
        .and_then(|t| t.source.clone())
}

/// "×1000 beyond the profiled 2.0·10⁶ events" for projections past the
/// sample, one sentence per column.
pub fn extrapolation_notes(columns: &[Column], sample_events: f64) -> Vec<String> {
    let sample = sample_events.max(1.0);
    columns
        .iter()
        .filter(|c| c.projection.events > sample)
        .map(|c| {
            format!(
                "{}: extrapolates ×{} beyond the profiled sample of {} events.",
                c.label,
                format::number(c.projection.events / sample),
                format_volume(sample)
            )
        })
        .collect()
}

#[component]
pub fn TermBreakdown() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let data = Memo::new(move |_| {
        bench.finished.with(|f| {
            f.as_ref()
                .map(|f| (columns(&f.result), f.review.workload.sample_events as f64))
        })
    });
    let spec = Signal::derive(move || {
        data.with(|d| {
            d.as_ref().map(|(cols, sample)| {
                let bars: Vec<BreakdownBar> = cols
                    .iter()
                    .map(|c| BreakdownBar {
                        label: c.label.clone(),
                        terms: c.projection.terms.clone(),
                    })
                    .collect();
                charts::term_breakdown(
                    &bars,
                    &format!(
                        "seconds per term, coloured by class; profiled sample {} events",
                        format_volume(*sample)
                    ),
                )
            })
        })
    });
    view! {
        <section class="panel" aria-labelledby="breakdown-heading">
            <h3 id="breakdown-heading">"What the makespan is made of"</h3>
            <p class="hint">"Measured terms come from the profiler (with their spread) or, named beside them, from an imported CLUSTER.json (the exchange and coordination measured on timely), fitted ones from the scaling fit, assumed ones from the design's target and the workload — each editable on the Alternatives and Data steps."</p>
            <Chart id="breakdown-chart" label="Makespan by term and class, per alternative at your volume and at the binding crossing" spec=spec height=520 />
            {move || data.get().map(|(cols, sample)| {
                let notes = extrapolation_notes(&cols, sample);
                let rows: Vec<_> = term_rows(&cols)
                    .into_iter()
                    .map(|(term, class, cells)| {
                        let source = term_source(&cols, &term, class);
                        (term, class, cells, source)
                    })
                    .collect();
                let shares = cols.iter().map(|c| {
                    let s = &c.projection.class_shares;
                    (s.measured_s, s.fitted_s, s.assumed_s)
                }).collect::<Vec<_>>();
                view! {
                    <ul class="notes" data-testid="extrapolation-notes">
                        {notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                    </ul>
                    <div class="table-scroll">
                        <table data-testid="term-table" class="compact">
                            <thead>
                                <tr>
                                    <th>"Term"</th>
                                    <th>"Class"</th>
                                    {cols.iter().map(|c| view! { <th class="num">{c.label.clone()}</th> }).collect_view()}
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|(term, class, cells, source)| { let source_attr = source.clone().unwrap_or_default(); view! {
                                    <tr data-term=term.clone() data-class=class.name() data-source=source_attr>
                                        <td>{term.clone()}</td>
                                        <td><span class=format!("term-class {}", class.name())>{class.name()}</span>
                                            {source.map(|s| view! { <span class="term-source">{s}</span> })}</td>
                                        {cells.into_iter().map(|c| view! {
                                            <td class="num" data-seconds=c.map(|s| s.to_string()).unwrap_or_default()>
                                                {c.map(format::seconds).unwrap_or_else(|| "—".to_string())}
                                            </td>
                                        }).collect_view()}
                                    </tr>
                                }}).collect_view()}
                            </tbody>
                            <tfoot>
                                {[(TermClass::Measured, 0usize), (TermClass::Fitted, 1), (TermClass::Assumed, 2)].into_iter().map(|(class, k)| view! {
                                    <tr data-share=class.name()>
                                        <th colspan="2">{format!("all {} terms", class.name())}</th>
                                        {shares.iter().map(|s| {
                                            let v = match k { 0 => s.0, 1 => s.1, _ => s.2 };
                                            view! { <td class="num" data-seconds=v.to_string()>{format::seconds(v)}</td> }
                                        }).collect_view()}
                                    </tr>
                                }).collect_view()}
                            </tfoot>
                        </table>
                    </div>
                }
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalewise_core::review::Review;
    use scalewise_core::session::run_with;

    fn result() -> ResultDocument {
        let mut review = Review::example();
        review.workload.events = 2_000_000;
        review.workload.sample_events = 20_000;
        let calibration = serde_json::from_str(include_str!(
            "../../../core/tests/fixtures/calibration.json"
        ))
        .unwrap();
        run_with(review, calibration).unwrap()
    }

    #[test]
    fn columns_are_the_review_volume_then_the_binding_crossing() {
        let result = result();
        let cols = columns(&result);
        let alternatives = result.projections.len();
        let at_binding = result
            .crossover
            .binding_crossing()
            .map_or(0, |b| b.at.len());
        assert_eq!(cols.len(), alternatives + at_binding);
        for c in cols.iter().take(alternatives) {
            assert_eq!(
                c.projection.events,
                result.reproducibility.review.workload.events as f64
            );
        }
        if let Some(b) = &result.crossover.binding {
            for c in cols.iter().skip(alternatives) {
                assert_eq!(c.projection.events, b.events);
            }
        }
        // The table holds every term of every column, in seconds.
        for (i, c) in cols.iter().enumerate() {
            let rows = term_rows(&cols);
            let total: f64 = rows
                .iter()
                .filter_map(|r| r.2.get(i).copied().flatten())
                .sum();
            let direct: f64 = c.projection.terms.iter().map(|t| t.seconds).sum();
            assert!((total - direct).abs() <= 1e-9 * direct.max(1.0));
        }
    }

    #[test]
    fn projections_past_the_sample_say_by_how_much() {
        let result = result();
        let cols = columns(&result);
        let notes = extrapolation_notes(&cols, 20_000.0);
        // The review's volume is 100 × the sample.
        assert!(notes.iter().any(|n| n.contains("×100 ")), "{notes:?}");
        assert!(extrapolation_notes(&cols, 1e15).is_empty());
    }
}
