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

/// A duration: µs, ms, s, min or h, whichever reads best.
pub fn seconds(value: f64) -> String {
    let magnitude = value.abs();
    if !value.is_finite() {
        "—".into()
    } else if magnitude < 1e-3 {
        format!("{} µs", three_significant(value * 1e6))
    } else if magnitude < 1.0 {
        format!("{} ms", three_significant(value * 1e3))
    } else if magnitude < 120.0 {
        format!("{} s", three_significant(value))
    } else if magnitude < 7200.0 {
        format!("{} min", three_significant(value / 60.0))
    } else {
        format!("{} h", three_significant(value / 3600.0))
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
    } else {
        format!("${value:.2}")
    }
}

pub fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
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
        assert_eq!(bytes(4.1e9), "4.10 GB");
        assert_eq!(usd(12.4), "$12.40");
        assert_eq!(percent(0.853), "85.3%");
        assert_eq!(events_per_s(2.0e7), "20.0 M events/s");
    }
}
