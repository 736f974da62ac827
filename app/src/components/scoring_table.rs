//! The scoring table, one row per criterion and alternative: the raw value
//! with its unit (and the share of its threshold it uses), its value on the
//! criterion's fixed scale, the weight and the weighted contribution; totals
//! per alternative below, with whether it meets the hard requirements. Sortable by any column
//! (click a header; `aria-sort` says how it is sorted). The winner's rows
//! are highlighted.

use std::cmp::Ordering;

use leptos::prelude::*;
use scalewise_core::analysis::scoring_table::ScoringResult;

use crate::format;
use crate::weights::criterion_name;

/// One cell group of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub criterion: String,
    pub option: String,
    pub unit: String,
    pub higher_is_better: bool,
    pub weight: f64,
    pub raw: f64,
    /// Share of the criterion's threshold used, if it has one.
    pub utilisation: Option<f64>,
    pub value: f64,
    pub contribution: f64,
    pub winner: bool,
}

/// The sortable columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Criterion,
    Alternative,
    Raw,
    Value,
    Weight,
    Contribution,
}

impl Column {
    const ALL: [Column; 6] = [
        Column::Criterion,
        Column::Alternative,
        Column::Raw,
        Column::Value,
        Column::Weight,
        Column::Contribution,
    ];

    fn title(self) -> &'static str {
        match self {
            Column::Criterion => "Criterion",
            Column::Alternative => "Alternative",
            Column::Raw => "Raw value",
            Column::Value => "Value (1 = best)",
            Column::Weight => "Weight",
            Column::Contribution => "Weighted contribution",
        }
    }

    fn numeric(self) -> bool {
        !matches!(self, Column::Criterion | Column::Alternative)
    }
}

/// The table's rows in document order: criteria in order, alternatives in
/// review order within each.
pub fn rows(scoring: &ScoringResult) -> Vec<Row> {
    let options: Vec<&str> = scoring.totals.iter().map(|t| t.option.as_str()).collect();
    let mut out = Vec::new();
    for criterion in &scoring.table {
        for (a, option) in options.iter().enumerate() {
            let raw = criterion.raw.get(a).copied().unwrap_or(f64::NAN);
            let value = criterion.value.get(a).copied().unwrap_or(f64::NAN);
            out.push(Row {
                criterion: criterion.id.clone(),
                option: option.to_string(),
                unit: criterion.unit.clone(),
                higher_is_better: criterion.higher_is_better,
                weight: criterion.weight,
                raw,
                utilisation: criterion.utilisation.get(a).copied().flatten(),
                value,
                contribution: criterion.weight * value,
                winner: *option == scoring.winner,
            });
        }
    }
    out
}

/// Sorts rows by `column` (stable: equal keys keep document order). Raw
/// values of different criteria are in different units: sorting by them
/// groups by criterion first.
pub fn sort(rows: &mut [Row], column: Column, ascending: bool) {
    let key = |a: &Row, b: &Row| -> Ordering {
        match column {
            Column::Criterion => Ordering::Equal,
            Column::Alternative => a.option.cmp(&b.option),
            Column::Raw => a.raw.total_cmp(&b.raw),
            Column::Value => a.value.total_cmp(&b.value),
            Column::Weight => a.weight.total_cmp(&b.weight),
            Column::Contribution => a.contribution.total_cmp(&b.contribution),
        }
    };
    let order = |a: &Row, b: &Row| {
        let ordering = key(a, b);
        if ascending {
            ordering
        } else {
            ordering.reverse()
        }
    };
    match column {
        Column::Criterion => {
            if !ascending {
                rows.reverse();
            }
        }
        Column::Raw => rows.sort_by(|a, b| a.criterion.cmp(&b.criterion).then(order(a, b))),
        _ => rows.sort_by(order),
    }
}

/// A raw criterion value in its unit, with the share of its threshold when
/// it has one (`5.8 s (0.081 % of the threshold)`).
pub fn raw_value(unit: &str, value: f64, utilisation: Option<f64>) -> String {
    match utilisation {
        Some(u) => format!(
            "{} ({} of the threshold)",
            format::with_unit(unit, value),
            format::percent(u)
        ),
        None => format::with_unit(unit, value),
    }
}

#[component]
pub fn ScoringTable(scoring: Memo<Option<ScoringResult>>) -> impl IntoView {
    let sorting = RwSignal::new((Column::Criterion, true));
    let sorted = Memo::new(move |_| {
        let mut out = scoring.with(|s| s.as_ref().map(rows).unwrap_or_default());
        let (column, ascending) = sorting.get();
        sort(&mut out, column, ascending);
        out
    });
    let totals = Memo::new(move |_| {
        scoring.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.totals
                        .iter()
                        .map(|t| {
                            let misses = s
                                .feasibility
                                .iter()
                                .find(|f| f.option == t.option)
                                .map(|f| f.misses.clone())
                                .unwrap_or_default();
                            (t.option.clone(), t.value, t.option == s.winner, misses)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let header = move |column: Column| {
        let aria = move || {
            let (current, ascending) = sorting.get();
            if current != column {
                "none"
            } else if ascending {
                "ascending"
            } else {
                "descending"
            }
        };
        let arrow = move || {
            let (current, ascending) = sorting.get();
            match (current == column, ascending) {
                (false, _) => "↕",
                (true, true) => "▲",
                (true, false) => "▼",
            }
        };
        view! {
            <th class:num=column.numeric() aria-sort=aria scope="col">
                <button class="sort" on:click=move |_| {
                    sorting.update(|(current, ascending)| {
                        if *current == column {
                            *ascending = !*ascending;
                        } else {
                            *current = column;
                            // Numbers read best-first: largest on top.
                            *ascending = !column.numeric();
                        }
                    });
                }>
                    {column.title()}<span class="sort-arrow" aria-hidden="true">{arrow}</span>
                </button>
            </th>
        }
    };
    view! {
        <div class="table-scroll">
            <table data-testid="scoring-table" class="compact">
                <caption>"Weighted sum of each criterion's value on its fixed scale; a design that misses a hard requirement ranks last. Click a column header to sort."</caption>
                <thead><tr>{Column::ALL.map(header).to_vec()}</tr></thead>
                <tbody>
                    {move || sorted.get().into_iter().map(|row| view! {
                        <tr class:winner=row.winner data-criterion=row.criterion.clone() data-option=row.option.clone()>
                            <td>{criterion_name(&row.criterion).to_string()}
                                <span class="hint">{if row.higher_is_better { " (higher is better)" } else { " (lower is better)" }}</span></td>
                            <td>{row.option.clone()}</td>
                            <td class="num">{raw_value(&row.unit, row.raw, row.utilisation)}</td>
                            <td class="num">{format::score(row.value)}</td>
                            <td class="num">{format::percent(row.weight)}</td>
                            <td class="num" data-testid="contribution">{format::score(row.contribution)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    {move || totals.get().into_iter().map(|(option, total, winner, misses)| view! {
                        <tr class:winner=winner data-option=option.clone() data-testid="score-total">
                            <th scope="row" colspan="5">{format!(
                                "Total — {option}{}{}",
                                if winner { " (winner)" } else { "" },
                                if misses.is_empty() { String::new() } else { format!(" — misses {}, ranks below every design that meets the hard requirements", misses.join(", ")) }
                            )}</th>
                            <td class="num" data-value=total.to_string()>{format::score(total)}</td>
                        </tr>
                    }).collect_view()}
                </tfoot>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalewise_core::review::Review;
    use scalewise_core::session::run_with;

    fn scoring() -> ScoringResult {
        let mut review = Review::example();
        review.workload.events = 20_000;
        review.workload.sample_events = 20_000;
        let calibration = serde_json::from_str(include_str!(
            "../../../core/tests/fixtures/calibration.json"
        ))
        .unwrap();
        run_with(review, calibration).unwrap().scoring
    }

    #[test]
    fn rows_cover_every_criterion_and_alternative_and_sum_to_the_totals() {
        let scoring = scoring();
        let rows = rows(&scoring);
        assert_eq!(rows.len(), scoring.table.len() * scoring.totals.len());
        for total in &scoring.totals {
            let sum: f64 = rows
                .iter()
                .filter(|r| r.option == total.option)
                .map(|r| r.contribution)
                .sum();
            assert!((sum - total.value).abs() < 1e-9, "{sum} vs {}", total.value);
        }
        assert!(rows.iter().any(|r| r.winner));
    }

    #[test]
    fn sorting_orders_by_the_column_and_back() {
        let mut rows = rows(&scoring());
        sort(&mut rows, Column::Contribution, false);
        assert!(rows
            .windows(2)
            .all(|w| w[0].contribution >= w[1].contribution));
        sort(&mut rows, Column::Contribution, true);
        assert!(rows
            .windows(2)
            .all(|w| w[0].contribution <= w[1].contribution));
        sort(&mut rows, Column::Raw, true);
        assert!(rows.windows(2).all(|w| w[0].criterion < w[1].criterion
            || (w[0].criterion == w[1].criterion && w[0].raw <= w[1].raw)));
    }

    #[test]
    fn raw_values_carry_their_units() {
        assert_eq!(raw_value("usd", 12.5, None), "$12.50");
        assert_eq!(raw_value("share", 0.25, None), "25.0 %");
        assert_eq!(raw_value("s", 90.0, None), "90 s");
        assert_eq!(
            raw_value("s", 5.8, Some(0.000_81)),
            "5.8 s (0.081 % of the threshold)"
        );
        assert_eq!(
            raw_value("usd", 0.004_2, Some(0.5)),
            "$0.0042 (50.0 % of the threshold)"
        );
        assert_eq!(raw_value("usd", 0.0, None), "$0.00");
        assert_eq!(raw_value("points", 6.5, None), "6.5 points");
    }
}
