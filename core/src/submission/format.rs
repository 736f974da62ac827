//! Numbers as the memo, tables and notebook print them: fixed rules, no
//! locale (`12,345,678 events`, `$1,234.57`, `41.2%`), so that exports are
//! byte-identical everywhere.

/// Rounded to an integer, thousands separated by `,`; `n/a` when not finite.
pub fn grouped(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_string();
    }
    let rounded = x.round();
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// `12,345,678 events`.
pub fn events(x: f64) -> String {
    format!("{} events", grouped(x))
}

/// `0.125 s`, `12.5 s`, `7,200 s`.
pub fn seconds(x: f64) -> String {
    if !x.is_finite() {
        "n/a".to_string()
    } else if x.abs() < 1.0 {
        format!("{x:.3} s")
    } else if x.abs() < 100.0 {
        format!("{x:.1} s")
    } else {
        format!("{} s", grouped(x))
    }
}

/// `$1,234.57`.
pub fn usd(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_string();
    }
    let cents = (x.abs() * 100.0).round();
    let whole = (cents / 100.0).trunc();
    let rest = cents - whole * 100.0;
    let sign = if x < 0.0 && cents > 0.0 { "-" } else { "" };
    format!("{sign}${}.{:02.0}", grouped(whole), rest)
}

/// A share as a percentage with one decimal: `41.2%`.
pub fn percent(share: f64) -> String {
    if share.is_finite() {
        format!("{:.1}%", share * 100.0)
    } else {
        "n/a".to_string()
    }
}

/// A score in [0, 1]: three decimals.
pub fn score(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        "n/a".to_string()
    }
}

/// About four significant digits, for raw values of any magnitude.
pub fn sig(x: f64) -> String {
    let a = x.abs();
    if !x.is_finite() {
        "n/a".to_string()
    } else if a == 0.0 {
        "0".to_string()
    } else if a >= 1000.0 {
        grouped(x)
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else if a >= 0.001 {
        format!("{x:.4}")
    } else {
        format!("{x:.3e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_formats() {
        assert_eq!(grouped(0.0), "0");
        assert_eq!(grouped(999.4), "999");
        assert_eq!(grouped(1_000.0), "1,000");
        assert_eq!(grouped(-1_234_567.6), "-1,234,568");
        assert_eq!(grouped(f64::NAN), "n/a");
        assert_eq!(events(123_456_789.0), "123,456,789 events");
        assert_eq!(usd(1234.567), "$1,234.57");
        assert_eq!(usd(0.004), "$0.00");
        assert_eq!(usd(-2.5), "-$2.50");
        assert_eq!(usd(0.999), "$1.00");
        assert_eq!(percent(0.4123), "41.2%");
        assert_eq!(seconds(7_200.0), "7,200 s");
        assert_eq!(seconds(12.34), "12.3 s");
        assert_eq!(seconds(0.1234), "0.123 s");
        assert_eq!(score(0.71234), "0.712");
        assert_eq!(sig(0.000_001_5), "1.500e-6");
        assert_eq!(sig(12_345.0), "12,345");
    }
}
