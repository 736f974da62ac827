//! The scoring table, one row per criterion and alternative: the raw value
//! with its unit, the min–max normalised score, the weight and the weighted
//! contribution; totals per alternative below. Sortable by any column
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
    pub normalised: f64,
    pub contribution: f64,
    pub winner: bool,
}

/// The sortable columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Criterion,
    Alternative,
    Raw,
    Normalised,
    Weight,
    Contribution,
}

impl Column {
    const ALL: [Column; 6] = [
        Column::Criterion,
        Column::Alternative,
        Column::Raw,
        Column::Normalised,
        Column::Weight,
        Column::Contribution,
    ];

    fn title(self) -> &'static str {
        match self {
            Column::Criterion => "Criterion",
            Column::Alternative => "Alternative",
            Column::Raw => "Raw value",
            Column::Normalised => "Normalised (1 = best)",
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
            let normalised = criterion.normalised.get(a).copied().unwrap_or(f64::NAN);
            out.push(Row {
                criterion: criterion.id.clone(),
                option: option.to_string(),
                unit: criterion.unit.clone(),
                higher_is_better: criterion.higher_is_better,
                weight: criterion.weight,
                raw,
                normalised,
                contribution: criterion.weight * normalised,
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
            Column::Normalised => a.normalised.total_cmp(&b.normalised),
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

/// A raw criterion value in its unit (small ratios and costs keep two
/// significant digits rather than rounding to zero).
pub fn raw_value(unit: &str, value: f64) -> String {
    match unit {
        "ratio" => format!("{} of the deadline", small_percent(value)),
        "usd" if value.abs() < 0.01 && value != 0.0 => format!("${}", two_significant(value)),
        "usd" => format::usd(value),
        "s" => format::seconds(value),
        "share" => format::percent(value),
        "points" => format!("{} points", format::number(value)),
        other => format!("{} {other}", format::number(value)),
    }
}

/// `value` as a percentage; below 1 % with two significant digits.
fn small_percent(value: f64) -> String {
    let percent = value * 100.0;
    if percent.abs() >= 1.0 || percent == 0.0 || !percent.is_finite() {
        format::percent(value)
    } else {
        format!("{}%", two_significant(percent))
    }
}

/// Two significant digits in plain decimal notation: 0.00081, 0.12.
fn two_significant(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let magnitude = libm::floor(libm::log10(value.abs())) as i32;
    let decimals = (1 - magnitude).max(0) as usize;
    format!("{value:.decimals$}")
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
                        .map(|t| (t.option.clone(), t.value, t.option == s.winner))
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
                <caption>"Weighted sum of min–max normalised criteria. Click a column header to sort."</caption>
                <thead><tr>{Column::ALL.map(header).to_vec()}</tr></thead>
                <tbody>
                    {move || sorted.get().into_iter().map(|row| view! {
                        <tr class:winner=row.winner data-criterion=row.criterion.clone() data-option=row.option.clone()>
                            <td>{criterion_name(&row.criterion).to_string()}
                                <span class="hint">{if row.higher_is_better { " (higher is better)" } else { " (lower is better)" }}</span></td>
                            <td>{row.option.clone()}</td>
                            <td class="num">{raw_value(&row.unit, row.raw)}</td>
                            <td class="num">{format!("{:.3}", row.normalised)}</td>
                            <td class="num">{format::percent(row.weight)}</td>
                            <td class="num" data-testid="contribution">{format!("{:.3}", row.contribution)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    {move || totals.get().into_iter().map(|(option, total, winner)| view! {
                        <tr class:winner=winner data-option=option.clone() data-testid="score-total">
                            <th scope="row" colspan="5">{format!("Total — {option}{}", if winner { " (winner)" } else { "" })}</th>
                            <td class="num" data-value=total.to_string()>{format!("{total:.3}")}</td>
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
        assert_eq!(raw_value("usd", 12.5), "$12.50");
        assert_eq!(raw_value("share", 0.25), "25.0%");
        assert_eq!(raw_value("s", 90.0), "90.0 s");
        assert_eq!(raw_value("ratio", 0.5), "50.0% of the deadline");
        assert_eq!(raw_value("ratio", 0.000_81), "0.081% of the deadline");
        assert_eq!(raw_value("usd", 0.004_2), "$0.0042");
        assert_eq!(raw_value("usd", 0.0), "$0.00");
    }
}
