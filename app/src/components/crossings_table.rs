//! The crossover's per-criterion crossings of both designs as a table: the
//! volume where each criterion fails (or how far it was searched), which
//! one binds, and the binding volume's range over the scaling fit's σ band.

use leptos::prelude::*;
use scalewise_core::analysis::crossover::{CriterionCrossing, Crossing, Crossover};
use scalewise_core::analysis::crossover_text::criterion_phrase;
use scalewise_core::format::volume as format_volume;

use crate::state::Workbench;

/// One row: design, criterion, crossing text, the crossing's volume (for
/// tests and tooltips), binding, σ range text.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub option: String,
    pub criterion: &'static str,
    pub phrase: String,
    pub crossing: String,
    pub events: Option<f64>,
    pub binding: bool,
    pub sigma_range: String,
}

/// The crossing in words: a volume, "already at one event", or how far the
/// search went without reaching it.
pub fn crossing_text(c: Crossing) -> String {
    match c {
        Crossing::Always => "already at one event per run".to_string(),
        Crossing::At { events } => scalewise_core::format::volume_events(events),
        Crossing::NotReached { events } => {
            format!("not reached up to {} events", format_volume(events))
        }
    }
}

/// The table's rows: the single node's criteria, then the distributed
/// design's.
pub fn rows(c: &Crossover) -> Vec<Row> {
    let sigma = c
        .binding_crossing()
        .and_then(|b| b.at.iter().find(|p| p.option == c.single_node_option))
        .and_then(|p| p.parallelism.scaling.sigma_range);
    let row = |x: &CriterionCrossing, single: bool| {
        let binding = single
            && c.binding
                .as_ref()
                .is_some_and(|b| b.criterion == x.criterion);
        let sigma_range = match (binding, c.binding.as_ref().and_then(|b| b.events_range)) {
            (true, Some([low, high])) => format!(
                "{} – {} events{}",
                format_volume(low.min(high)),
                format_volume(low.max(high)),
                sigma
                    .map(|[a, b]| format!(" (σ {a:.3} – {b:.3})"))
                    .unwrap_or_default()
            ),
            (true, None) => "none: the design states its scaling law".to_string(),
            (false, _) => String::new(),
        };
        Row {
            option: x.option.clone(),
            criterion: x.criterion.name(),
            phrase: criterion_phrase(x.criterion, c),
            crossing: crossing_text(x.crossing),
            events: x.crossing.from_events(),
            binding,
            sigma_range,
        }
    };
    c.single_node
        .iter()
        .map(|x| row(x, true))
        .chain(c.distributed.iter().map(|x| row(x, false)))
        .collect()
}

#[component]
pub fn CrossingsTable() -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let data = Memo::new(move |_| {
        bench
            .finished
            .with(|f| f.as_ref().map(|f| rows(&f.result.crossover)))
            .unwrap_or_default()
    });
    view! {
        <section class="panel" aria-labelledby="crossings-heading">
            <h3 id="crossings-heading">"Crossings per criterion"</h3>
            <p class="hint">"Each volume is found exactly (bisection on the log volume); both designs are projected there. Spill is an effect on time, not a limit by itself. The binding crossing is the smallest of the single node's deadline and budget crossings; its range moves σ over the fit's band."</p>
            <div class="table-scroll">
                <table data-testid="crossings-table">
                    <thead>
                        <tr>
                            <th>"Design"</th>
                            <th>"Criterion"</th>
                            <th class="num">"Crosses at"</th>
                            <th>"Binding"</th>
                            <th class="num">"Over the σ band"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || data.get().into_iter().map(|r| view! {
                            <tr data-option=r.option.clone() data-criterion=r.criterion
                                data-events=r.events.map(|e| e.to_string()).unwrap_or_default()
                                class:binding=r.binding>
                                <td>{r.option.clone()}</td>
                                <td>{r.phrase.clone()}</td>
                                <td class="num" data-testid="crossing-volume">{r.crossing.clone()}</td>
                                <td>{if r.binding { "binding" } else { "" }}</td>
                                <td class="num">{r.sigma_range.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalewise_core::review::Review;
    use scalewise_core::session::run_with;

    #[test]
    fn one_row_per_criterion_of_each_design_and_one_binding() {
        let mut review = Review::example();
        review.workload.events = 20_000;
        review.workload.sample_events = 20_000;
        let calibration = serde_json::from_str(include_str!(
            "../../../core/tests/fixtures/calibration.json"
        ))
        .unwrap();
        let result = run_with(review, calibration).unwrap();
        let c = &result.crossover;
        let table = rows(c);
        assert_eq!(table.len(), c.single_node.len() + c.distributed.len());
        let binding: Vec<&Row> = table.iter().filter(|r| r.binding).collect();
        assert_eq!(binding.len(), usize::from(c.binding.is_some()));
        if let (Some(row), Some(b)) = (binding.first(), c.binding.as_ref()) {
            assert_eq!(row.criterion, b.criterion.name());
            assert_eq!(row.events, Some(b.events));
            assert!(row.crossing.contains(&format_volume(b.events)));
        }
        for r in &table {
            assert!(!r.crossing.is_empty());
        }
    }

    #[test]
    fn crossings_read_as_volumes_or_search_limits() {
        assert_eq!(
            crossing_text(Crossing::NotReached { events: 1e15 }),
            format!("not reached up to {} events", format_volume(1e15))
        );
        assert_eq!(
            crossing_text(Crossing::At { events: 2.5e8 }),
            format!("{} events", format_volume(2.5e8))
        );
    }
}
