//! Numbers with units for people: `1.2 M events`, `340 ms`, `4.1 GB`, `$12.40`.
//! Pure functions, tested natively.

/// A count with a metric suffix: 950, 12.3 k, 4.56 M, 7.8 G.
pub fn count(value: f64) -> String {
    let magnitude = value.abs();
    let (scaled, suffix) = if magnitude >= 1e9 {
        (value / 1e9, " G")
    } else if magnitude >= 1e6 {
        (value / 1e6, " M")
    } else if magnitude >= 1e3 {
        (value / 1e3, " k")
    } else {
        return format!("{value:.0}");
    };
    format!("{}{suffix}", three_significant(scaled))
}

/// A duration: µs, ms, s, min, h, d or y, whichever reads best.
pub fn seconds(value: f64) -> String {
    let magnitude = value.abs();
    if !value.is_finite() {
        "—".into()
    } else if value == 0.0 {
        "0 s".into()
    } else if magnitude < 1e-3 {
        format!("{} µs", three_significant(value * 1e6))
    } else if magnitude < 1.0 {
        format!("{} ms", three_significant(value * 1e3))
    } else if magnitude < 120.0 {
        format!("{} s", three_significant(value))
    } else if magnitude < 7200.0 {
        format!("{} min", three_significant(value / 60.0))
    } else if magnitude < 172_800.0 {
        format!("{} h", three_significant(value / 3600.0))
    } else if magnitude < 63_072_000.0 {
        format!("{} d", three_significant(value / 86_400.0))
    } else {
        format!("{} y", three_significant(value / 31_536_000.0))
    }
}

/// Bytes in decimal units (what networks and cloud bills use).
pub fn bytes(value: f64) -> String {
    let units = [
        (1e15, "PB"),
        (1e12, "TB"),
        (1e9, "GB"),
        (1e6, "MB"),
        (1e3, "kB"),
    ];
    for (scale, unit) in units {
        if value.abs() >= scale {
            return format!("{} {unit}", three_significant(value / scale));
        }
    }
    format!("{value:.0} B")
}

pub fn events_per_s(value: f64) -> String {
    format!("{} events/s", count(value))
}

pub fn usd(value: f64) -> String {
    if value.abs() >= 100.0 {
        format!("${value:.0}")
    } else if value != 0.0 && value.abs() < 0.01 {
        // Small runs cost fractions of a cent; "$0.00" would hide how the
        // alternatives compare. Two significant digits instead.
        let decimals = (1.0 - libm::floor(libm::log10(value.abs()))).clamp(3.0, 12.0) as usize;
        format!("${value:.decimals$}")
    } else {
        format!("${value:.2}")
    }
}

pub fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// A plain number with three significant digits and no unit.
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return "—".into();
    }
    if value != 0.0 && value.abs() < 0.01 {
        return format!("{value:.2e}");
    }
    three_significant(value)
}

/// An event volume: `320 M events`.
pub fn events(value: f64) -> String {
    format!("{} events", count(value))
}

/// Short forms for chart axes: `1 M`, `10 s`, `$0.5`, `2 GB`; trailing
/// zeros trimmed, so log-axis ticks read cleanly.
pub fn short(kind: Unit, value: f64) -> String {
    if !value.is_finite() {
        return "—".into();
    }
    let long = match kind {
        Unit::Seconds => seconds(value),
        Unit::Bytes => bytes(value),
        Unit::Count => count(value),
        Unit::EventsPerS => count(value),
        Unit::Usd => {
            if value.abs() >= 1.0 || value == 0.0 {
                format!("${}", three_significant(value))
            } else {
                format!("${}", significant(value, 2))
            }
        }
        Unit::Percent => format!("{}%", three_significant(value * 100.0)),
        Unit::Plain => number(value),
        Unit::Decades => factor_of_decades(value),
    };
    // Trim zeros of the number part only: "1.00 M" → "1 M", "$0.50" → "$0.5".
    let split = long.find([' ', '%']).unwrap_or(long.len());
    let (number, rest) = long.split_at(split);
    format!("{}{rest}", trim_zeros(number))
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
    format!("{sign}{}", trim_zeros(&three_significant(factor)))
}

fn significant(value: f64, digits: usize) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let magnitude = libm::floor(libm::log10(value.abs())) as i32;
    let decimals = (digits as i32 - 1 - magnitude).max(0) as usize;
    format!("{value:.decimals$}")
}

fn trim_zeros(number: &str) -> String {
    if number.contains('.') && !number.contains('e') {
        number
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        number.to_string()
    }
}

fn three_significant(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_units() {
        assert_eq!(count(950.0), "950");
        assert_eq!(count(12_345.0), "12.3 k");
        assert_eq!(count(4_560_000.0), "4.56 M");
        assert_eq!(seconds(0.000_25), "250 µs");
        assert_eq!(seconds(0.34), "340 ms");
        assert_eq!(seconds(12.0), "12.0 s");
        assert_eq!(seconds(600.0), "10.0 min");
        assert_eq!(seconds(36_000.0), "10.0 h");
        assert_eq!(seconds(1e6), "11.6 d");
        assert_eq!(seconds(1e8), "3.17 y");
        assert_eq!(seconds(0.0), "0 s");
        assert_eq!(bytes(4.1e9), "4.10 GB");
        assert_eq!(usd(12.4), "$12.40");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(0.0031), "$0.0031");
        assert_eq!(usd(0.000_012_34), "$0.000012");
        assert_eq!(usd(0.01), "$0.01");
        assert_eq!(percent(0.853), "85.3%");
        assert_eq!(events_per_s(2.0e7), "20.0 M events/s");
        assert_eq!(events(3.2e8), "320 M events");
        assert_eq!(number(0.0421), "0.04");
        assert_eq!(number(0.004), "4.00e-3");
    }

    #[test]
    fn short_forms_trim_zeros_for_axes() {
        assert_eq!(short(Unit::Count, 1e6), "1 M");
        assert_eq!(short(Unit::Count, 1e8), "100 M");
        assert_eq!(short(Unit::Count, 2.5e9), "2.5 G");
        assert_eq!(short(Unit::Count, 500.0), "500");
        assert_eq!(short(Unit::Seconds, 7200.0), "2 h");
        assert_eq!(short(Unit::Seconds, 0.5), "500 ms");
        assert_eq!(short(Unit::Seconds, 10.0), "10 s");
        assert_eq!(short(Unit::Bytes, 4e9), "4 GB");
        assert_eq!(short(Unit::Usd, 0.5), "$0.5");
        assert_eq!(short(Unit::Usd, 0.0123), "$0.012");
        assert_eq!(short(Unit::Usd, 25.0), "$25");
        assert_eq!(short(Unit::Usd, 1500.0), "$1500");
        assert_eq!(short(Unit::Percent, 0.25), "25%");
        assert_eq!(short(Unit::EventsPerS, 2e7), "20 M");
        assert_eq!(short(Unit::Seconds, f64::NAN), "—");
        assert_eq!(short(Unit::Seconds, 0.0), "0 s");
        assert_eq!(short(Unit::Seconds, 1e5), "27.8 h");
        assert_eq!(short(Unit::Percent, 0.0), "0%");
    }

    #[test]
    fn long_forms_carry_units() {
        assert_eq!(long(Unit::Usd, 12.4), "$12.40");
        assert_eq!(long(Unit::EventsPerS, 2e7), "20.0 M events/s");
        assert_eq!(long(Unit::Percent, 0.5), "50.0%");
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
