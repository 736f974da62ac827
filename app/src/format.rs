//! The page's numbers are the core's ([`scalewise_core::format`], re-exported
//! here), so the page and every export write a number alike. What is the
//! page's own is the chart machinery: the unit a chart value carries, the
//! marker a chart spec holds where a formatter function goes, and the short
//! form of axis ticks.

pub use scalewise_core::format::{
    bytes, count, events_per_s, fixed, grouped, number, percent, ratio, score, seconds,
    significant, usd, volume, with_unit,
};

/// Short forms for chart axes: the long form without its tails (`1 M`,
/// `10 s`, `$0.5`, `2 GB`, `25 %`), so log-axis ticks read cleanly.
pub fn short(kind: Unit, value: f64) -> String {
    if let Some(s) = scalewise_core::format::non_finite(value) {
        return s.to_string();
    }
    match kind {
        Unit::EventsPerS => count(value),
        Unit::Usd if value.abs() < 1.0 && value != 0.0 => format!("${}", significant(value, 2)),
        Unit::Usd => format!("${}", count(value)),
        Unit::Percent => format!("{} %", significant(value * 100.0, 3)),
        other => long(other, value),
    }
}

/// The unit of a chart value (see [`short`] and [`long`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
    Seconds,
    Bytes,
    Count,
    EventsPerS,
    Usd,
    Percent,
    Plain,
    /// A ratio given as decades (log₁₀), shown as the factor: 1 → "×10".
    Decades,
}

impl Unit {
    pub const ALL: [Unit; 8] = [
        Unit::Seconds,
        Unit::Bytes,
        Unit::Count,
        Unit::EventsPerS,
        Unit::Usd,
        Unit::Percent,
        Unit::Plain,
        Unit::Decades,
    ];

    /// The marker a chart spec carries where a formatter function goes
    /// (see `components::chart`).
    pub const fn marker(self, short: bool) -> &'static str {
        match (self, short) {
            (Unit::Seconds, true) => "@fmt:short:seconds",
            (Unit::Bytes, true) => "@fmt:short:bytes",
            (Unit::Count, true) => "@fmt:short:count",
            (Unit::EventsPerS, true) => "@fmt:short:events_per_s",
            (Unit::Usd, true) => "@fmt:short:usd",
            (Unit::Percent, true) => "@fmt:short:percent",
            (Unit::Plain, true) => "@fmt:short:plain",
            (Unit::Decades, true) => "@fmt:short:decades",
            (Unit::Seconds, false) => "@fmt:long:seconds",
            (Unit::Bytes, false) => "@fmt:long:bytes",
            (Unit::Count, false) => "@fmt:long:count",
            (Unit::EventsPerS, false) => "@fmt:long:events_per_s",
            (Unit::Usd, false) => "@fmt:long:usd",
            (Unit::Percent, false) => "@fmt:long:percent",
            (Unit::Plain, false) => "@fmt:long:plain",
            (Unit::Decades, false) => "@fmt:long:decades",
        }
    }
}

/// The value with its unit, for tooltips and tables.
pub fn long(kind: Unit, value: f64) -> String {
    match kind {
        Unit::Seconds => seconds(value),
        Unit::Bytes => bytes(value),
        Unit::Count => count(value),
        Unit::EventsPerS => events_per_s(value),
        Unit::Usd => usd(value),
        Unit::Percent => percent(value),
        Unit::Plain => number(value),
        Unit::Decades => factor_of_decades(value),
    }
}

/// `decades` (log₁₀ of a ratio) as the factor it stands for: 1 → "×10",
/// −0.301 → "÷2", 0 → "×1".
pub fn factor_of_decades(decades: f64) -> String {
    if !decades.is_finite() {
        return "—".into();
    }
    let factor = libm::pow(10.0, decades.abs());
    let sign = if decades < 0.0 { "÷" } else { "×" };
    format!("{sign}{}", significant(factor, 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_for_axes() {
        let cases = [
            (Unit::Count, 1e6, "1 M"),
            (Unit::Count, 1e8, "100 M"),
            (Unit::Count, 2.5e9, "2.5 G"),
            (Unit::Count, 500.0, "500"),
            (Unit::Seconds, 7200.0, "2 h"),
            (Unit::Seconds, 0.5, "500 ms"),
            (Unit::Seconds, 10.0, "10 s"),
            (Unit::Seconds, 1e5, "27.8 h"),
            (Unit::Seconds, 0.0, "0 s"),
            (Unit::Seconds, f64::NAN, "—"),
            (Unit::Bytes, 4e9, "4 GB"),
            (Unit::Usd, 0.5, "$0.5"),
            (Unit::Usd, 0.0123, "$0.012"),
            (Unit::Usd, 25.0, "$25"),
            (Unit::Usd, 1500.0, "$1.5 k"),
            (Unit::Usd, 0.0, "$0"),
            (Unit::Percent, 0.25, "25 %"),
            (Unit::Percent, 0.0, "0 %"),
            (Unit::EventsPerS, 2e7, "20 M"),
        ];
        for (unit, value, expected) in cases {
            assert_eq!(short(unit, value), expected, "{unit:?} {value}");
        }
    }

    #[test]
    fn long_forms_are_the_cores_and_markers_are_unique() {
        assert_eq!(long(Unit::Usd, 12.4), "$12.40");
        assert_eq!(long(Unit::Usd, 0.0013), "$0.0013");
        assert_eq!(long(Unit::EventsPerS, 2e7), "20 M events/s");
        assert_eq!(long(Unit::Percent, 0.5), "50.0 %");
        assert_eq!(long(Unit::Seconds, 5.8), "5.8 s");
        let markers: std::collections::BTreeSet<_> = Unit::ALL
            .iter()
            .flat_map(|u| [u.marker(true), u.marker(false)])
            .collect();
        assert_eq!(markers.len(), 16);
    }

    #[test]
    fn decades_read_as_factors() {
        assert_eq!(factor_of_decades(1.0), "×10");
        assert_eq!(factor_of_decades(0.0), "×1");
        assert_eq!(factor_of_decades(-libm::log10(2.0)), "÷2");
        assert_eq!(factor_of_decades(0.5), "×3.16");
        assert_eq!(short(Unit::Decades, 2.0), "×100");
        assert_eq!(factor_of_decades(f64::NAN), "—");
    }
}
