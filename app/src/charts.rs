//! Every chart's specification, built with charming from core types. Pure
//! functions (tested natively): `components::chart::Chart` draws them.
//!
//! House rules, checked by the tests: a title, named axes with units, a
//! legend and a tooltip on every chart; values formatted with units through
//! the formatter markers of [`Unit::marker`] (replaced by functions when
//! drawn); a transparent background, so light and dark themes show through.

use charming::component::{Axis, Grid, Legend, LegendType, Title};
use charming::datatype::{CompositeValue, DataPoint};
use charming::element::{
    AxisLabel, AxisType, Color, Formatter, ItemStyle, Label, LabelPosition, LineStyle,
    LineStyleType, MarkLine, MarkLineData, MarkLineVariant, NameLocation, Symbol, TextStyle,
    Tooltip, Trigger,
};
use charming::series::{Bar, Line, Scatter};
use charming::Chart as ChartSpec;
use scalewise_core::analysis::crossover::{Crossover, SweepPoint, MAX_SEARCH_EVENTS};
use scalewise_core::analysis::failure_modes::FailureMode;
use scalewise_core::analysis::projection::{Term, TermClass};
use scalewise_core::analysis::result::{ResultDocument, ScalingSummary};
use scalewise_core::analysis::scoring_table::ScoringResult;
use scalewise_core::analysis::sensitivity::{InputSwing, Sensitivity};
use scalewise_core::format::volume as format_volume;
use scalewise_core::models::usl::{ScalingPoint as UserPoint, UslFit};
use scalewise_core::profiler::{Profile, ScalingPoint, Scheme, SchemeLoad, Stage};
use scalewise_core::sample::{EventSample, Histogram};

use crate::format::{self, Unit};

/// Series colours, readable on light and dark backgrounds.
pub const PALETTE: [&str; 8] = [
    "#3b82f6", "#f59e0b", "#10b981", "#a855f7", "#ef4444", "#06b6d4", "#ec4899", "#84cc16",
];
const GOOD: &str = "#10b981";
const WARN: &str = "#f59e0b";
const BAD: &str = "#ef4444";
const NEUTRAL: &str = "#3b82f6";
const GUIDE: &str = "#94a3b8";

fn base(title: &str, subtitle: &str) -> ChartSpec {
    let mut heading = Title::new()
        .text(title)
        .left(8)
        .text_style(TextStyle::new().font_size(14));
    if !subtitle.is_empty() {
        heading = heading.subtext(subtitle);
    }
    ChartSpec::new()
        .background_color(Color::from("transparent"))
        .color(PALETTE.to_vec())
        .animation_duration(350)
        .title(heading)
        .legend(Legend::new().type_(LegendType::Scroll).bottom(0))
}

/// The plot area: `top` leaves room for the title (and the y axis name
/// above the axis); the bottom holds the x axis name and the legend.
fn grid(top: i32) -> Grid {
    Grid::new()
        .left(16)
        .right(28)
        .top(top + 22)
        .bottom(58)
        .contain_label(true)
}

/// A numeric x axis named `name (unit)` below it, labels in short units.
fn value_axis(name: &str, unit: Unit, log: bool) -> Axis {
    Axis::new()
        .type_(if log { AxisType::Log } else { AxisType::Value })
        .name(name)
        .name_location(NameLocation::Middle)
        .name_gap(28)
        .axis_label(AxisLabel::new().formatter(Formatter::String(unit.marker(true).into())))
}

/// A numeric y axis, its name above it (clear of the tick labels).
fn y_axis(name: &str, unit: Unit, log: bool) -> Axis {
    Axis::new()
        .type_(if log { AxisType::Log } else { AxisType::Value })
        .name(name)
        .name_location(NameLocation::End)
        .name_gap(10)
        .name_text_style(TextStyle::new().align("left"))
        .axis_label(AxisLabel::new().formatter(Formatter::String(unit.marker(true).into())))
}

fn category_axis(name: &str, labels: Vec<String>) -> Axis {
    Axis::new()
        .type_(AxisType::Category)
        .name(name)
        .name_location(NameLocation::Middle)
        .name_gap(28)
        .data(labels)
}

fn tooltip(trigger: Trigger, unit: Unit) -> Tooltip {
    Tooltip::new()
        .trigger(trigger)
        .value_formatter(Formatter::String(unit.marker(false).into()))
}

fn dashed(color: &str) -> LineStyle {
    LineStyle::new()
        .type_(LineStyleType::Dashed)
        .color(color)
        .width(1.5)
}

fn vertical_marker(x: f64, text: String) -> MarkLineVariant {
    MarkLineVariant::Simple(
        MarkLineData::new().x_axis(x).label(
            Label::new()
                .formatter(Formatter::String(text))
                .position(LabelPosition::InsideEndTop),
        ),
    )
}

fn marker_line(data: Vec<MarkLineVariant>, color: &str) -> MarkLine {
    MarkLine::new()
        .silent(true)
        .symbol(vec![Symbol::None, Symbol::None])
        .line_style(dashed(color))
        .data(data)
}

// ---------------------------------------------------------------------------
// Data step: distributions of the sample.

/// Shares of a histogram split into two stacked series at `threshold`
/// (by bin centre): counts below and above, as shares of `total`.
fn split_shares(h: &Histogram, threshold: Option<f64>, total: f64) -> (Vec<f64>, Vec<f64>) {
    let total = total.max(1.0);
    let mut below = Vec::with_capacity(h.counts.len());
    let mut above = Vec::with_capacity(h.counts.len());
    for (k, &count) in h.counts.iter().enumerate() {
        let lo = h.edges.get(k).copied().unwrap_or(0.0);
        let hi = h.edges.get(k + 1).copied().unwrap_or(lo);
        let centre = if h.log {
            libm::sqrt(lo.max(0.0) * hi.max(0.0))
        } else {
            (lo + hi) / 2.0
        };
        let share = count as f64 / total;
        if threshold.is_some_and(|t| centre > t) {
            below.push(0.0);
            above.push(share);
        } else {
            below.push(share);
            above.push(0.0);
        }
    }
    (below, above)
}

fn bin_labels(h: &Histogram, unit: Unit) -> Vec<String> {
    h.edges
        .iter()
        .take(h.counts.len())
        .map(|&edge| match unit {
            Unit::Plain => format::fixed(edge, 2),
            _ => format::short(unit, edge),
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn histogram(
    title: &str,
    subtitle: &str,
    x_name: &str,
    h: &Histogram,
    label_unit: Unit,
    threshold: Option<f64>,
    names: (&str, &str),
    colors: (&str, &str),
    total: f64,
) -> ChartSpec {
    let (below, above) = split_shares(h, threshold, total);
    base(title, subtitle)
        .tooltip(tooltip(Trigger::Axis, Unit::Percent))
        .grid(grid(if subtitle.is_empty() { 40 } else { 56 }))
        .x_axis(category_axis(x_name, bin_labels(h, label_unit)))
        .y_axis(y_axis("share of sampled events", Unit::Percent, false))
        .series(
            Bar::new()
                .name(names.0)
                .stack("share")
                .item_style(ItemStyle::new().color(colors.0))
                .data(below),
        )
        .series(
            Bar::new()
                .name(names.1)
                .stack("share")
                .item_style(ItemStyle::new().color(colors.1))
                .data(above),
        )
}

pub fn freshness(sample: &EventSample) -> ChartSpec {
    let sla = sample.summary.freshness_sla_s;
    histogram(
        "Freshness lag",
        &format!(
            "{} of events breach the {} SLA",
            format::percent(sample.summary.freshness_breach_share),
            format::seconds(sla)
        ),
        "lag behind event time (log bins, lower edge)",
        &sample.freshness_lag_s,
        Unit::Seconds,
        Some(sla),
        ("within SLA", "beyond SLA"),
        (NEUTRAL, BAD),
        sample.histogram_events as f64,
    )
}

pub fn lineage(sample: &EventSample) -> ChartSpec {
    let with_upstreams = sample.histogram_events as f64 * (1.0 - sample.summary.source_share);
    // The last bin holds complete lineage (1.0); everything left of it misses
    // at least one declared upstream.
    let last_edge = sample
        .lineage_completeness
        .edges
        .iter()
        .rev()
        .nth(1)
        .copied()
        .unwrap_or(0.95);
    histogram(
        "Lineage completeness",
        &format!(
            "{} of declared upstream edges recorded; {} of events are sources",
            format::percent(sample.summary.lineage_completeness),
            format::percent(sample.summary.source_share)
        ),
        "share of an event's declared upstreams recorded",
        &sample.lineage_completeness,
        Unit::Percent,
        Some(last_edge),
        ("missing upstreams", "complete"),
        (WARN, GOOD),
        with_upstreams,
    )
}

pub fn access_risk(sample: &EventSample) -> ChartSpec {
    let threshold = sample.summary.high_risk_threshold;
    histogram(
        "Access risk",
        &format!(
            "{} of accesses above the high-risk threshold {}",
            format::percent(sample.summary.high_risk_share),
            format::fixed(threshold, 2)
        ),
        "risk score (sensitivity × action × role × volume)",
        &sample.access_risk,
        Unit::Plain,
        Some(threshold),
        ("below threshold", "high risk"),
        (NEUTRAL, BAD),
        sample.histogram_events as f64,
    )
}

pub fn quality_over_time(sample: &EventSample) -> ChartSpec {
    let buckets = &sample.quality_over_time;
    let labels = buckets
        .iter()
        .map(|b| format::short(Unit::Seconds, b.to_s))
        .collect();
    let share = |f: fn(&scalewise_core::sample::TimeBucket) -> u64| -> Vec<f64> {
        buckets
            .iter()
            .map(|b| f(b) as f64 / (b.events.max(1)) as f64)
            .collect()
    };
    let line = |name: &str, data: Vec<f64>| Line::new().name(name).symbol_size(5).data(data);
    base(
        "Schema drift and quality defects over the batch",
        &format!(
            "drift {} · nulls {} · out of range {} of sampled events",
            format::percent(sample.summary.schema_drift_share),
            format::percent(sample.summary.null_share),
            format::percent(sample.summary.out_of_range_share)
        ),
    )
    .tooltip(tooltip(Trigger::Axis, Unit::Percent))
    .grid(grid(56))
    .x_axis(category_axis("event time (end of slice)", labels))
    .y_axis(y_axis("share of events in slice", Unit::Percent, false))
    .series(line("schema drift", share(|b| b.schema_drift)))
    .series(line("nulls", share(|b| b.nulls)))
    .series(line("out of range", share(|b| b.out_of_range)))
    .series(line("freshness breaches", share(|b| b.freshness_breaches)))
}

// ---------------------------------------------------------------------------
// Profile step.

pub const fn stage_short(stage: Stage) -> &'static str {
    match stage {
        Stage::Decode => "decode",
        Stage::Payload => "payload",
        Stage::Dedup => "dedup",
        Stage::Quality => "quality",
        Stage::Lineage => "lineage",
        Stage::AccessPolicy => "access policy",
        Stage::Aggregate => "aggregate",
        Stage::Features => "features",
    }
}

pub fn stages(profile: &Profile) -> ChartSpec {
    let labels = profile
        .stages
        .iter()
        .map(|s| stage_short(s.stage).to_string())
        .collect();
    let bottleneck = profile.bottleneck.stage;
    let pick = |is_bottleneck: bool| -> Vec<f64> {
        profile
            .stages
            .iter()
            .map(|s| {
                if (s.stage == bottleneck) == is_bottleneck {
                    s.time_s
                } else {
                    0.0
                }
            })
            .collect()
    };
    base(
        "Time per stage, one thread",
        &format!("{} events", format::count(profile.events as f64)),
    )
    .tooltip(tooltip(Trigger::Axis, Unit::Seconds))
    .grid(grid(56))
    .x_axis(value_axis(
        "CPU time for all events (s)",
        Unit::Seconds,
        false,
    ))
    .y_axis(
        Axis::new()
            .type_(AxisType::Category)
            .name("stage")
            .name_location(NameLocation::Start)
            .name_gap(10)
            .name_text_style(TextStyle::new().align("right"))
            .inverse(true)
            .data(labels),
    )
    .series(
        Bar::new()
            .name("bottleneck")
            .stack("time")
            .item_style(ItemStyle::new().color(BAD))
            .data(pick(true)),
    )
    .series(
        Bar::new()
            .name("other stages")
            .stack("time")
            .item_style(ItemStyle::new().color(NEUTRAL))
            .data(pick(false)),
    )
}

pub const fn scheme_label(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::ByDomain => "by domain",
        Scheme::ByHash => "by hash",
        Scheme::SaltedHotKeys => "salted hot keys",
    }
}

pub fn partitions(load: &SchemeLoad) -> ChartSpec {
    let labels = load
        .loads
        .iter()
        .map(|p| format!("p{}", p.partition))
        .collect();
    let events: Vec<f64> = load.loads.iter().map(|p| p.events as f64).collect();
    let skew = load
        .skew_max_over_median
        .map(|x| format!("skew {} (largest / median)", format::ratio(x)))
        .unwrap_or_else(|| "skew undefined (empty median)".to_string());
    base(
        &format!("Events per partition ({})", scheme_label(load.scheme)),
        &format!("{} partitions · {skew}", load.partitions),
    )
    .tooltip(tooltip(Trigger::Axis, Unit::Count))
    .grid(grid(56))
    .x_axis(category_axis("partition", labels))
    .y_axis(y_axis("events", Unit::Count, false))
    .series(
        Bar::new()
            .name("events in partition")
            .item_style(ItemStyle::new().color(NEUTRAL))
            .data(events),
    )
    .series(
        Line::new()
            .name("median partition")
            .symbol(Symbol::None)
            .line_style(dashed(WARN))
            .item_style(ItemStyle::new().color(WARN))
            .data(vec![load.median_events; load.loads.len()]),
    )
}

/// `X(N) = λN / (1 + σ(N − 1) + κN(N − 1))`.
pub fn usl(lambda: f64, sigma: f64, kappa: f64, n: f64) -> f64 {
    lambda * n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))
}

/// Workers 1..=max, 60 points, for a smooth curve.
fn curve(max: f64, f: impl Fn(f64) -> f64) -> Vec<Vec<f64>> {
    let max = max.max(2.0);
    (0..=60)
        .map(|k| {
            let n = 1.0 + (max - 1.0) * f64::from(k) / 60.0;
            vec![n, f(n)]
        })
        .collect()
}

pub fn scaling(points: &[ScalingPoint], summary: &ScalingSummary) -> ChartSpec {
    // Every repeated pass is a point.
    let measured: Vec<Vec<f64>> = points
        .iter()
        .flat_map(|p| {
            p.passes
                .iter()
                .map(|pass| vec![f64::from(p.threads), pass.events_per_s])
        })
        .collect();
    let max_threads = points.iter().map(|p| p.threads).max().unwrap_or(1);
    let peak = summary.fit.as_ref().and_then(|f| f.n_peak);
    let x_max = match peak {
        Some(n) if n.is_finite() => (2.0 * f64::from(max_threads)).max((n * 1.3).min(256.0)),
        _ => 2.0 * f64::from(max_threads),
    };
    let (lambda, sigma, kappa, name) = match &summary.fit {
        Some(fit) => (fit.lambda_events_per_s, fit.sigma, fit.kappa, "USL fit"),
        None => (
            summary.single_thread_events_per_s,
            summary.used.sigma,
            summary.used.kappa,
            "assumed model (too few points to fit)",
        ),
    };
    let subtitle = match &summary.fit {
        Some(fit) => format!(
            "σ = {} · κ = {} · N* = {} · R² = {}",
            format::number(fit.sigma),
            format::number(fit.kappa),
            fit.n_peak
                .map(format::number)
                .unwrap_or_else(|| "none (κ = 0)".into()),
            format::fixed(fit.r2, 3)
        ),
        None => format!(
            "{} measured thread counts; projections assume σ = {}, κ = {}",
            points.len(),
            format::number(summary.used.sigma),
            format::number(summary.used.kappa)
        ),
    };
    let mut fit_line = Line::new()
        .name(name)
        .symbol(Symbol::None)
        .line_style(LineStyle::new().width(2).color(NEUTRAL))
        .item_style(ItemStyle::new().color(NEUTRAL))
        .data(curve(x_max, |n| usl(lambda, sigma, kappa, n)));
    if let Some(n) = peak.filter(|n| *n >= 1.0 && *n <= x_max) {
        fit_line = fit_line.mark_line(marker_line(
            vec![vertical_marker(n, format!("N* = {}", format::number(n)))],
            WARN,
        ));
    }
    base("Throughput by threads", &subtitle)
        .tooltip(tooltip(Trigger::Item, Unit::EventsPerS))
        .grid(grid(56))
        .x_axis(
            value_axis("threads", Unit::Plain, false)
                .min(1)
                .min_interval(1),
        )
        .y_axis(y_axis("throughput (events/s)", Unit::EventsPerS, false))
        .series(
            Scatter::new()
                .name("measured")
                .symbol_size(11)
                .item_style(ItemStyle::new().color(WARN))
                .data(measured),
        )
        .series(fit_line)
        .series(
            Line::new()
                .name("linear scaling")
                .symbol(Symbol::None)
                .line_style(dashed(GUIDE))
                .item_style(ItemStyle::new().color(GUIDE))
                .data(curve(x_max, |n| lambda * n)),
        )
}

pub fn user_usl(points: &[UserPoint], fit: Option<&UslFit>) -> ChartSpec {
    let measured: Vec<Vec<f64>> = points
        .iter()
        .map(|p| vec![p.workers, p.throughput.0])
        .collect();
    let max_workers = points.iter().map(|p| p.workers).fold(1.0, f64::max);
    let mut chart = base(
        "Your measurements",
        &fit.map(|f| {
            format!(
                "σ = {} · κ = {} · R² = {}",
                format::number(f.sigma),
                format::number(f.kappa),
                format::fixed(f.r2, 3)
            )
        })
        .unwrap_or_default(),
    )
    .tooltip(tooltip(Trigger::Item, Unit::Plain))
    .grid(grid(56))
    .x_axis(value_axis("workers", Unit::Plain, false).min(1))
    .y_axis(y_axis("throughput (your unit)", Unit::Plain, false))
    .series(
        Scatter::new()
            .name("your points")
            .symbol_size(11)
            .item_style(ItemStyle::new().color(WARN))
            .data(measured),
    );
    if let Some(fit) = fit {
        chart = chart.series(
            Line::new()
                .name("USL fit")
                .symbol(Symbol::None)
                .item_style(ItemStyle::new().color(NEUTRAL))
                .data(curve(max_workers * 1.25, |n| {
                    usl(fit.lambda.0, fit.sigma, fit.kappa, n)
                })),
        );
    }
    chart
}

// ---------------------------------------------------------------------------
// Crossover step.

/// The swept volume range.
fn sweep_range(crossover: &Crossover) -> (f64, f64) {
    let xs = crossover
        .sweep
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.events));
    let (lo, hi) = xs.fold((f64::INFINITY, 0.0_f64), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    if lo.is_finite() && hi > 0.0 {
        (lo, hi)
    } else {
        (crossover.config.min_events, crossover.config.max_events)
    }
}

fn positive_points(points: impl Iterator<Item = (f64, f64)>) -> Vec<Vec<f64>> {
    points
        .filter(|(x, y)| *x > 0.0 && *y > 0.0 && x.is_finite() && y.is_finite())
        .map(|(x, y)| vec![x, y])
        .collect()
}

fn horizontal(name: &str, y: f64, range: (f64, f64), color: &str) -> Line {
    Line::new()
        .name(name)
        .symbol(Symbol::None)
        .line_style(dashed(color))
        .item_style(ItemStyle::new().color(color))
        .data(vec![vec![range.0, y], vec![range.1, y]])
}

pub fn makespan(crossover: &Crossover, review_events: f64) -> ChartSpec {
    let range = sweep_range(crossover);
    let mut markers = vec![vertical_marker(
        review_events,
        format!("your volume {}", format::volume(review_events)),
    )];
    if let Some(limit) = crossover.binding.as_ref().map(|b| b.events) {
        markers.push(vertical_marker(
            limit,
            format!("one node not enough from {}", format::volume(limit)),
        ));
    }
    let deadline = format::seconds(crossover.deadline_s);
    let chart = base(
        "Makespan p95 by event volume",
        &format!("log–log · deadline {deadline}"),
    )
    .tooltip(tooltip(Trigger::Axis, Unit::Seconds))
    .grid(grid(56))
    .x_axis(value_axis("events per batch", Unit::Count, true))
    .y_axis(y_axis("makespan p95", Unit::Seconds, true))
    .series(
        horizontal(
            &format!("deadline ({deadline})"),
            crossover.deadline_s,
            range,
            BAD,
        )
        .mark_line(marker_line(markers, GUIDE)),
    );
    sweep_lines(chart, crossover, |point| point.makespan_p95_s)
}

pub fn cost(crossover: &Crossover, budget_usd: f64, review_events: f64) -> ChartSpec {
    let range = sweep_range(crossover);
    let mut markers = vec![vertical_marker(
        review_events,
        format!("your volume {}", format::volume(review_events)),
    )];
    for window in &crossover.cheaper_windows {
        markers.push(vertical_marker(
            window.from_events,
            format!(
                "cluster cheaper from {}",
                format::volume(window.from_events)
            ),
        ));
        if !window.open_ended {
            markers.push(vertical_marker(
                window.to_events,
                format!("cluster cheaper up to {}", format::volume(window.to_events)),
            ));
        }
    }
    let budget = format::usd(budget_usd);
    let chart = base(
        "Cost per run by event volume",
        &format!("log–log · budget {budget}"),
    )
    .tooltip(tooltip(Trigger::Axis, Unit::Usd))
    .grid(grid(56))
    .x_axis(value_axis("events per batch", Unit::Count, true))
    .y_axis(y_axis("cost per run ($)", Unit::Usd, true))
    .series(
        horizontal(&format!("budget ({budget})"), budget_usd, range, BAD)
            .mark_line(marker_line(markers, GUIDE)),
    );
    sweep_lines(chart, crossover, |point| point.cost_per_run_usd)
}

/// One line per swept option: `value` of each point against its event
/// volume (the makespan and the cost chart plot the same sweep).
fn sweep_lines(
    mut chart: ChartSpec,
    crossover: &Crossover,
    value: fn(&SweepPoint) -> f64,
) -> ChartSpec {
    for series in &crossover.sweep {
        chart = chart.series(
            Line::new()
                .name(format!(
                    "{} ({} node{})",
                    series.option,
                    series.nodes,
                    plural(series.nodes)
                ))
                .symbol_size(5)
                .data(positive_points(
                    series.points.iter().map(|p| (p.events, value(p))),
                )),
        );
    }
    chart
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

// ---------------------------------------------------------------------------
// Failure modes step.

/// The formatter unit of a failure mode's metric unit.
pub fn failure_unit(unit: &str) -> Unit {
    match unit {
        "s" => Unit::Seconds,
        "bytes" => Unit::Bytes,
        "usd" => Unit::Usd,
        u if u.starts_with("share") => Unit::Percent,
        _ => Unit::Plain,
    }
}

/// One small chart per failure mode (their units differ), side by side:
/// each panel titled with its mode, bars without and with mitigation.
pub fn failure_modes(modes: &[FailureMode]) -> ChartSpec {
    let count = modes.len().max(1);
    let width = 100.0 / count as f64;
    let mut chart = base(
        "Impact without and with mitigation",
        "each panel in its own unit; lower is better",
    )
    .tooltip(Tooltip::new().trigger(Trigger::Item));
    for (i, mode) in modes.iter().enumerate() {
        let unit = failure_unit(&mode.unit);
        let left = width * i as f64;
        chart = chart
            .title(
                Title::new()
                    .text(wrap(&mode.title, 24))
                    .left(format!("{:.1}%", left + 1.0))
                    .top(52)
                    .text_style(
                        TextStyle::new()
                            .font_size(12)
                            .line_height(16)
                            .font_weight("normal"),
                    ),
            )
            .grid(
                Grid::new()
                    .left(format!("{:.1}%", left + 1.0))
                    .width(format!("{:.1}%", width - 3.0))
                    .top(118)
                    .bottom(58)
                    .contain_label(true),
            )
            .x_axis(
                Axis::new()
                    .type_(AxisType::Category)
                    .grid_index(i as f64)
                    .name("mitigation")
                    .name_location(NameLocation::Middle)
                    .name_gap(26)
                    .data(vec!["without".to_string(), "with".to_string()]),
            )
            .y_axis(
                Axis::new()
                    .type_(AxisType::Value)
                    .grid_index(i as f64)
                    .name(unit_name(&mode.unit))
                    .name_location(NameLocation::End)
                    .name_gap(10)
                    .name_text_style(TextStyle::new().align("left"))
                    .axis_label(
                        AxisLabel::new().formatter(Formatter::String(unit.marker(true).into())),
                    ),
            );
        // Two series per panel (one bar each), so the legend names them.
        for (name, value, slot, color) in [
            ("without mitigation", mode.without_mitigation, 0, BAD),
            ("with mitigation", mode.with_mitigation, 1, GOOD),
        ] {
            let mut data = vec![DataPoint::from(CompositeValue::from("-")); 2];
            if let Some(cell) = data.get_mut(slot) {
                *cell = DataPoint::from(value);
            }
            chart = chart.series(
                Bar::new()
                    .name(name)
                    .x_axis_index(i as f64)
                    .y_axis_index(i as f64)
                    .stack(format!("panel{i}"))
                    .bar_width("55%")
                    .item_style(ItemStyle::new().color(color))
                    .tooltip(
                        Tooltip::new()
                            .value_formatter(Formatter::String(unit.marker(false).into())),
                    )
                    .data(data),
            );
        }
    }
    chart
}

// ---------------------------------------------------------------------------
// Scoring step.

/// Weighted contribution of each criterion to each alternative's score,
/// stacked: a bar's height is the alternative's weighted-sum total.
pub fn contributions(scoring: &ScoringResult) -> ChartSpec {
    let options: Vec<String> = scoring.totals.iter().map(|t| t.option.clone()).collect();
    let mut chart = base(
        "Score by criterion",
        &format!(
            "weighted sum of each criterion's value on its fixed scale; winner: {}",
            scoring.winner
        ),
    )
    .tooltip(tooltip(Trigger::Axis, Unit::Plain))
    .grid(grid(56))
    .x_axis(category_axis("alternative", options.clone()))
    .y_axis(y_axis("score (0–1)", Unit::Plain, false));
    for row in &scoring.table {
        let data: Vec<f64> = (0..options.len())
            .map(|a| row.weight * row.value.get(a).copied().unwrap_or(0.0))
            .collect();
        chart = chart.series(
            Bar::new()
                .name(crate::weights::criterion_name(&row.id))
                .stack("score")
                .bar_width("45%")
                .data(data),
        );
    }
    chart
}

// ---------------------------------------------------------------------------
// Crossover step: what the projection is made of, and what it hinges on.

/// Series colours per term class: blues for measured, ambers for fitted,
/// purples and pinks for assumed, so a bar shows at a glance how much of it
/// rests on assumptions.
const MEASURED_COLOURS: [&str; 6] = [
    "#1d4ed8", "#3b82f6", "#60a5fa", "#0ea5e9", "#2563eb", "#38bdf8",
];
const FITTED_COLOURS: [&str; 2] = ["#d97706", "#fbbf24"];
const ASSUMED_COLOURS: [&str; 8] = [
    "#7c3aed", "#a855f7", "#c084fc", "#db2777", "#ec4899", "#f472b6", "#9333ea", "#be185d",
];

/// The colour of the `nth` series of a class.
pub fn class_colour(class: TermClass, nth: usize) -> &'static str {
    let pick = |list: &[&'static str]| list.get(nth % list.len().max(1)).copied();
    match class {
        TermClass::Measured => pick(&MEASURED_COLOURS),
        TermClass::Fitted => pick(&FITTED_COLOURS),
        TermClass::Assumed => pick(&ASSUMED_COLOURS),
    }
    .unwrap_or(NEUTRAL)
}

/// One bar of the breakdown: its label and the projection's terms.
pub struct BreakdownBar {
    pub label: String,
    pub terms: Vec<Term>,
}

/// Legend rows a horizontal legend of `names` takes at about 900 px.
fn legend_rows(names: &[String]) -> i32 {
    let mut rows = 1;
    let mut width = 0;
    for name in names {
        // Symbol, gap and about 7 px per character at 12 px.
        let item = 40 + 7 * name.chars().count() as i32;
        if width > 0 && width + item > 880 {
            rows += 1;
            width = 0;
        }
        width += item;
    }
    rows
}

/// The projected makespan split into its terms (seconds), one stacked bar
/// per alternative and volume, each term named with its class and coloured
/// by it. Terms that are zero in every bar are left out.
pub fn term_breakdown(bars: &[BreakdownBar], subtitle: &str) -> ChartSpec {
    let mut keys: Vec<(String, TermClass)> = Vec::new();
    for bar in bars {
        for t in &bar.terms {
            let key = (t.term.clone(), t.class);
            if t.seconds > 0.0 && !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    let names: Vec<String> = keys
        .iter()
        .map(|(term, class)| format!("{term} · {}", class.name()))
        .collect();
    let rows = legend_rows(&names);
    let labels = bars.iter().map(|b| b.label.clone()).collect();
    let mut chart = base("Makespan by term", subtitle)
        .legend(
            Legend::new()
                .type_(LegendType::Plain)
                .bottom(0)
                .left(8)
                .right(8)
                .item_gap(12.0),
        )
        .tooltip(tooltip(Trigger::Item, Unit::Seconds))
        .grid(
            Grid::new()
                .left(16)
                .right(28)
                .top(78)
                .bottom(44 + 22 * rows)
                .contain_label(true),
        )
        .x_axis(value_axis(
            "failure-free time per node (s)",
            Unit::Seconds,
            false,
        ))
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .name("alternative at volume")
                .name_location(NameLocation::Start)
                .name_gap(10)
                .name_text_style(TextStyle::new().align("right"))
                .inverse(true)
                .data(labels),
        );
    let mut nth = [0usize; 3];
    for ((term, class), name) in keys.iter().zip(names) {
        let slot = match class {
            TermClass::Measured => 0,
            TermClass::Fitted => 1,
            TermClass::Assumed => 2,
        };
        let index = nth.get(slot).copied().unwrap_or(0);
        if let Some(n) = nth.get_mut(slot) {
            *n += 1;
        }
        let data: Vec<DataPoint> = bars
            .iter()
            .map(|b| {
                b.terms
                    .iter()
                    .find(|t| &t.term == term && t.class == *class)
                    .map_or(DataPoint::from(CompositeValue::from("-")), |t| {
                        DataPoint::from(t.seconds)
                    })
            })
            .collect();
        chart = chart.series(
            Bar::new()
                .name(name)
                .stack("makespan")
                .bar_width("55%")
                .item_style(ItemStyle::new().color(class_colour(*class, index)))
                .data(data),
        );
    }
    chart
}

/// The tornado: for each input, the binding crossing with the input at the
/// low and at the high end of its plausible range, in decades from the
/// crossing with every input at its value (widest first, at most `limit`).
pub fn tornado(sensitivity: &Sensitivity, limit: usize) -> ChartSpec {
    let base_events = sensitivity.base_binding.unwrap_or(MAX_SEARCH_EVENTS);
    let decades = |e: Option<f64>| {
        libm::log10(e.unwrap_or(MAX_SEARCH_EVENTS).max(1.0)) - libm::log10(base_events.max(1.0))
    };
    let inputs: Vec<&InputSwing> = sensitivity.inputs.iter().take(limit).collect();
    let label_of = |id: &str| {
        sensitivity
            .inputs
            .iter()
            .find(|i| i.input == id)
            .map_or_else(|| id.to_string(), |i| i.label.clone())
    };
    let labels: Vec<String> = inputs
        .iter()
        .map(|i| {
            if sensitivity.flips_winner.contains(&i.input) {
                format!("{} (flips the winner)", i.label)
            } else {
                i.label.clone()
            }
        })
        .collect();
    let hinge = sensitivity
        .hinges_on
        .as_deref()
        .map(|h| format!("hinges on {}", label_of(h)))
        .unwrap_or_else(|| "no input moves it".to_string());
    let base_text = sensitivity.base_binding.map_or_else(
        || format!("not reached up to {}", format_volume(MAX_SEARCH_EVENTS)),
        scalewise_core::format::volume_events,
    );
    base(
        "Sensitivity of the binding crossing",
        &format!("each input at the ends of its plausible range; base {base_text}; {hinge}"),
    )
    .tooltip(tooltip(Trigger::Item, Unit::Decades))
    .grid(grid(56))
    .x_axis(value_axis(
        "binding crossing relative to the base (factor, log scale)",
        Unit::Decades,
        false,
    ))
    .y_axis(
        Axis::new()
            .type_(AxisType::Category)
            .name("input")
            .name_location(NameLocation::Start)
            .name_gap(10)
            .name_text_style(TextStyle::new().align("right"))
            .inverse(true)
            .data(labels),
    )
    .series(
        Bar::new()
            .name("input at the low end")
            .bar_gap("-100%")
            .bar_width("55%")
            .item_style(ItemStyle::new().color(NEUTRAL))
            .data(
                inputs
                    .iter()
                    .map(|i| decades(i.binding_at_low))
                    .collect::<Vec<f64>>(),
            ),
    )
    .series(
        Bar::new()
            .name("input at the high end")
            .bar_gap("-100%")
            .bar_width("55%")
            .item_style(ItemStyle::new().color(WARN))
            .data(
                inputs
                    .iter()
                    .map(|i| decades(i.binding_at_high))
                    .collect::<Vec<f64>>(),
            ),
    )
}

// ---------------------------------------------------------------------------
// Exports.

/// A result chart as exported: its title (which names the PNG file), its
/// spec and the height it is drawn at (width: [`EXPORT_WIDTH_PX`]).
pub struct ExportChart {
    pub title: &'static str,
    pub spec: ChartSpec,
    pub height_px: u32,
}

/// Width of exported charts, in CSS pixels (PNG: twice that).
pub const EXPORT_WIDTH_PX: u32 = 960;

/// Every chart of the result steps, built from the document alone (its
/// recorded review supplies the volume and the budget), in step order.
pub fn export_charts(result: &ResultDocument) -> Vec<ExportChart> {
    let review = &result.reproducibility.review;
    let events = review.workload.events as f64;
    let mut charts = vec![ExportChart {
        title: "Time per stage",
        spec: stages(&result.timing),
        height_px: 420,
    }];
    if let Some(load) = result.profile.partitioning.schemes.first() {
        charts.push(ExportChart {
            title: "Partition load and skew",
            spec: partitions(load),
            height_px: 420,
        });
    }
    charts.extend([
        ExportChart {
            title: "Throughput by threads with the USL fit",
            spec: scaling(&result.calibration.scaling, &result.scaling),
            height_px: 420,
        },
        ExportChart {
            title: "Makespan by event volume",
            spec: makespan(&result.crossover, events),
            height_px: 460,
        },
        ExportChart {
            title: "Cost per run by event volume",
            spec: cost(&result.crossover, review.sla.budget_per_run_usd, events),
            height_px: 460,
        },
    ]);
    if !result.failure_modes.is_empty() {
        charts.push(ExportChart {
            title: "Failure modes without and with mitigation",
            spec: failure_modes(&result.failure_modes),
            height_px: 420,
        });
    }
    charts.push(ExportChart {
        title: "Score by criterion",
        spec: contributions(&result.scoring),
        height_px: 420,
    });
    charts
}

fn unit_name(unit: &str) -> String {
    match unit {
        "s" => "time (s)".to_string(),
        other => other.to_string(),
    }
}

/// Breaks `text` into lines of at most about `width` characters.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        if line > 0 && line + 1 + word.chars().count() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.chars().count();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalewise_core::review::Review;
    use scalewise_core::session::run_with;
    use serde_json::Value;

    /// One small run of the example (replayed calibration: no timing).
    fn result() -> scalewise_core::analysis::result::ResultDocument {
        let mut review = Review::example();
        review.workload.events = 20_000;
        review.workload.sample_events = 20_000;
        run_with(review, fixture_calibration()).unwrap()
    }

    fn fixture_calibration() -> scalewise_core::profiler::Calibration {
        let text = include_str!("../../core/tests/fixtures/calibration.json");
        serde_json::from_str(text).unwrap()
    }

    fn sample() -> EventSample {
        let review = Review::example();
        scalewise_core::sample::sample(&review.workload, review.seed, 10).unwrap()
    }

    fn json(chart: &ChartSpec) -> Value {
        serde_json::to_value(chart).unwrap()
    }

    fn axes(value: &Value, key: &str) -> Vec<Value> {
        match value.get(key) {
            Some(Value::Array(items)) => items.clone(),
            Some(item) => vec![item.clone()],
            None => Vec::new(),
        }
    }

    /// The house rules every chart must follow.
    fn check(chart: &ChartSpec) {
        let v = json(chart);
        let title = &v["title"][0]["text"];
        assert!(
            title.as_str().is_some_and(|t| !t.is_empty()),
            "no title: {v}"
        );
        assert!(v.get("legend").is_some(), "no legend: {title}");
        assert!(v.get("tooltip").is_some(), "no tooltip: {title}");
        assert_eq!(v["backgroundColor"], "transparent");
        for key in ["xAxis", "yAxis"] {
            let list = axes(&v, key);
            assert!(!list.is_empty(), "{title}: no {key}");
            for axis in list {
                let name = axis["name"].as_str().unwrap_or_default();
                assert!(!name.is_empty(), "{title}: unnamed {key}");
            }
        }
        let series = v["series"].as_array().unwrap();
        assert!(!series.is_empty(), "{title}: no series");
        for s in series {
            assert!(s["name"].as_str().is_some(), "{title}: unnamed series");
        }
        // Every value axis formats its labels with units.
        for key in ["xAxis", "yAxis"] {
            for axis in axes(&v, key) {
                if axis["type"] == "value" || axis["type"] == "log" {
                    let marker = axis["axisLabel"]["formatter"].as_str().unwrap_or_default();
                    assert!(marker.starts_with("@fmt:short:"), "{title}: {key} {axis}");
                }
            }
        }
    }

    #[test]
    fn every_chart_follows_the_house_rules() {
        let result = result();
        let s = sample();
        let charts = vec![
            freshness(&s),
            lineage(&s),
            access_risk(&s),
            quality_over_time(&s),
            stages(&result.timing),
            partitions(&result.profile.partitioning.schemes[0]),
            scaling(&result.calibration.scaling, &result.scaling),
            user_usl(&[], None),
            makespan(&result.crossover, 2e6),
            cost(&result.crossover, 25.0, 2e6),
            failure_modes(&result.failure_modes),
            contributions(&result.scoring),
            term_breakdown(&breakdown_bars(&result), "at the review's volume"),
            tornado(&result.sensitivity, 12),
        ];
        for chart in &charts {
            check(chart);
        }
    }

    fn breakdown_bars(result: &ResultDocument) -> Vec<BreakdownBar> {
        result
            .projections
            .iter()
            .map(|p| BreakdownBar {
                label: p.option.clone(),
                terms: p.terms.clone(),
            })
            .collect()
    }

    #[test]
    fn the_breakdown_stacks_every_nonzero_term_by_class() {
        let result = result();
        let bars = breakdown_bars(&result);
        let v = json(&term_breakdown(&bars, "x"));
        let series = v["series"].as_array().unwrap();
        for (i, p) in result.projections.iter().enumerate() {
            // The stacked segments of a bar add up to the projection's terms.
            let stacked: f64 = series.iter().filter_map(|s| s["data"][i].as_f64()).sum();
            let terms: f64 = p.terms.iter().map(|t| t.seconds).sum();
            assert!(
                (stacked - terms).abs() <= 1e-9 * terms.max(1.0),
                "{stacked} vs {terms}"
            );
        }
        for s in series {
            let name = s["name"].as_str().unwrap();
            let class = name.rsplit(" · ").next().unwrap();
            assert!(["measured", "fitted", "assumed"].contains(&class), "{name}");
            assert_eq!(s["stack"], "makespan");
        }
        // The legend wraps instead of scrolling, so no entry is hidden.
        assert_eq!(v["legend"]["type"], "plain");
    }

    #[test]
    fn the_tornado_shows_the_widest_inputs_first_relative_to_the_base() {
        let result = result();
        let s = &result.sensitivity;
        let v = json(&tornado(s, 5));
        let labels = v["yAxis"]["data"].as_array().unwrap();
        assert_eq!(labels.len(), s.inputs.len().min(5));
        assert!(labels[0].as_str().unwrap().starts_with(&s.inputs[0].label));
        let low = v["series"][0]["data"].as_array().unwrap();
        let high = v["series"][1]["data"].as_array().unwrap();
        for (k, input) in s.inputs.iter().take(5).enumerate() {
            let span = (high[k].as_f64().unwrap() - low[k].as_f64().unwrap()).abs();
            assert!(
                (span - input.span_decades()).abs() < 1e-9,
                "{}",
                input.input
            );
        }
    }

    #[test]
    fn histograms_show_shares_that_sum_to_one() {
        let s = sample();
        let v = json(&freshness(&s));
        let total: f64 = v["series"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|series| series["data"].as_array().unwrap().clone())
            .map(|x| x.as_f64().unwrap())
            .sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        // The beyond-SLA series carries about the breach share.
        let beyond: f64 = v["series"][1]["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .sum();
        assert!((beyond - s.summary.freshness_breach_share).abs() < 0.02);
    }

    #[test]
    fn the_crossover_chart_marks_deadline_and_limit() {
        let result = result();
        let v = json(&makespan(&result.crossover, 2e6));
        let deadline = &v["series"][0];
        assert_eq!(deadline["data"][0][1], result.crossover.deadline_s);
        let marks = deadline["markLine"]["data"].as_array().unwrap();
        let expected = 1 + usize::from(result.crossover.binding.is_some());
        assert_eq!(marks.len(), expected);
        // One series per alternative besides the deadline.
        assert_eq!(
            v["series"].as_array().unwrap().len(),
            1 + result.crossover.sweep.len()
        );
        let axis = &v["xAxis"];
        assert_eq!(axis["type"], "log");
        assert_eq!(v["yAxis"]["type"], "log");
    }

    #[test]
    fn the_usl_curve_passes_through_lambda_at_one() {
        assert_eq!(usl(1000.0, 0.1, 0.01, 1.0), 1000.0);
        let c = curve(8.0, |n| n);
        assert_eq!(c.first().unwrap(), &vec![1.0, 1.0]);
        assert_eq!(c.last().unwrap(), &vec![8.0, 8.0]);
    }

    #[test]
    fn failure_panels_use_each_modes_unit() {
        let result = result();
        let v = json(&failure_modes(&result.failure_modes));
        let grids = v["grid"].as_array().unwrap();
        assert_eq!(grids.len(), result.failure_modes.len());
        assert_eq!(
            v["series"].as_array().unwrap().len(),
            2 * result.failure_modes.len()
        );
        assert_eq!(failure_unit("s"), Unit::Seconds);
        assert_eq!(failure_unit("share of reads"), Unit::Percent);
        assert_eq!(failure_unit("per million accesses"), Unit::Plain);
    }

    #[test]
    fn every_result_chart_is_exported_once() {
        let result = result();
        let charts = export_charts(&result);
        let titles: Vec<&str> = charts.iter().map(|c| c.title).collect();
        assert_eq!(titles.len(), 7);
        let mut unique = titles.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), titles.len(), "{titles:?}");
        for chart in &charts {
            check(&chart.spec);
        }
    }

    #[test]
    fn contributions_stack_to_the_totals() {
        let result = result();
        let v = json(&contributions(&result.scoring));
        let series = v["series"].as_array().unwrap();
        assert_eq!(series.len(), result.scoring.table.len());
        for (a, total) in result.scoring.totals.iter().enumerate() {
            let sum: f64 = series.iter().map(|s| s["data"][a].as_f64().unwrap()).sum();
            assert!((sum - total.value).abs() < 1e-9);
        }
    }

    #[test]
    fn titles_wrap_at_word_boundaries() {
        assert_eq!(
            wrap("Skewed-partition straggler", 12),
            "Skewed-partition\nstraggler"
        );
        assert_eq!(wrap("a b c", 80), "a b c");
    }
}
