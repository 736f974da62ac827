//! Every number a person reads — on the page, in the memo, the tables, the
//! notebook's prose, the CLI's summary — is written here, by fixed rules
//! with no locale, so that the page and every export say the same thing in
//! the same words and an export is byte-identical everywhere.
//!
//! | function | for | rule | examples |
//! |---|---|---|---|
//! | [`usd`] | money | below a cent two significant digits; cents up to $100,000; whole dollars above; thousands grouped | `$0.0031`, `$12.40`, `$1,234.57`, `$1,800,000` |
//! | [`grouped`] | an exact count | rounded to an integer, thousands grouped with `,` | `20,129,845` |
//! | [`events`] | one volume a reader may check | [`grouped`] + ` events` | `2,000,000 events` |
//! | [`volume`] | a volume on a log scale | two significant digits × a power of ten from 10⁴ up; [`grouped`] below | `2.0 × 10⁷`, `5,000` |
//! | [`volume_events`] | a projected volume (a crossing) | [`volume`] + ` events` | `1.8 × 10⁹ events` |
//! | [`count`] | a compact count (axes, dense panels) | three significant digits, metric suffix | `950`, `12.3 k`, `4.56 M`, `7.8 G`, `1 T` |
//! | [`seconds`] | a duration | three significant digits in the unit that reads best: ns, µs, ms, s (< 2 min), min (< 2 h), h (< 48 h), d (< 2 y), y | `340 ms`, `5.8 s`, `14 min`, `2 h`, `2.01 h`, `3.2 d` |
//! | [`bytes`] | data sizes | decimal units (as networks and bills count), three significant digits | `4.1 GB`, `980 kB` |
//! | [`gib`] | memory | binary GiB (as node memory is sized), three significant digits | `12.5 GiB` |
//! | [`percent`] | a share | one decimal from 1 %; below 1 %, two significant digits, so a small share never reads as 0 | `85.3 %`, `0.081 %`, `0.011 %`, `0 %` |
//! | [`ratio`] | speed-ups, skew | three significant digits and `×` | `1.21×`, `9.1×` |
//! | [`number`] | any other value | three significant digits; grouped integers from 1,000; `× 10ⁿ` from 10⁶ and below 0.001 | `0.0421`, `12,345`, `1.5 × 10⁻⁷` |
//! | [`score`] | a score in [0, 1] | three decimals | `0.712` |
//! | [`fixed`] | a fit statistic at a stated precision | exactly `n` decimals | `0.9987` |
//! | [`with_unit`] | a value with a recorded unit string | the unit's formatter, then the rest of the unit | `80.6 s per run`, `6.5 points` |
//!
//! **Significant digits, not decimals.** Measured and projected values carry
//! about three significant digits of meaning; trailing zeros after the
//! decimal point are dropped (`2 h`, not `2.00 h`), so a rounded figure does
//! not pretend to more precision than it has, and different values never
//! print alike at three digits (`7,200 s` is `2 h`, `7,240 s` is `2.01 h`).
//!
//! **Grouped or `× 10ⁿ`.** A volume the reader compares across orders of
//! magnitude (the sweep, a crossing read on a log axis, the answer to the
//! module question) is [`volume`]; a count the reader may check against data
//! or another document (the review's events, a computed crossing quoted at
//! its exact value) is [`events`] / [`grouped`]; charts and dense panels use
//! [`count`].
//!
//! **Non-finite values** never print as `NaN` or `inf`: NaN (a value that
//! could not be computed) is `—`, +∞ is `∞` (a run that never finishes, an
//! unbounded ratio) and −∞ is `−∞`, without a unit.
//!
//! Negative values keep an ASCII `-` so that the text stays machine-readable
//! where it is also data (Markdown tables, the notebook's prose).

/// A value with the unit string the evidence records for it (a failure
/// mode's metric, a scoring criterion): the first word picks the formatter
/// and the rest follows it (`"s per run"` → `80.6 s per run`, `"share of
/// reads"` → `35.8 % of reads`, `"usd"` → `$0.0013`); `s`, `usd`, `share`,
/// `bytes`, `events`, `ratio`; anything else is [`number`] and the unit
/// (`6.5 points`).
pub fn with_unit(unit: &str, value: f64) -> String {
    let (head, tail) = unit.split_once(' ').unwrap_or((unit, ""));
    let shown = match head {
        "s" => seconds(value),
        "usd" => usd(value),
        "share" => percent(value),
        "bytes" => bytes(value),
        "events" => events(value),
        "ratio" => ratio(value),
        _ => return format!("{} {unit}", number(value)).trim_end().to_string(),
    };
    if tail.is_empty() || non_finite(value).is_some() {
        shown
    } else {
        format!("{shown} {tail}")
    }
}

/// `—`, `∞` or `−∞` for a non-finite value; `None` for a finite one.
pub fn non_finite(x: f64) -> Option<&'static str> {
    if x.is_nan() {
        Some("—")
    } else if x == f64::INFINITY {
        Some("∞")
    } else if x == f64::NEG_INFINITY {
        Some("−∞")
    } else {
        None
    }
}

/// Rounded to an integer, thousands separated by `,`: `20,129,845`.
pub fn grouped(x: f64) -> String {
    if let Some(s) = non_finite(x) {
        return s.to_string();
    }
    let rounded = libm::round(x);
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if rounded < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `2,000,000 events` (`1 event`).
pub fn events(count: f64) -> String {
    match non_finite(count) {
        Some(s) => s.to_string(),
        None if libm::round(count) == 1.0 => "1 event".to_string(),
        None => format!("{} events", grouped(count)),
    }
}

/// `2.0 × 10⁷` from 10⁴ up (two significant digits: a position on a log
/// scale); below 10⁴ the [`grouped`] integer (`5,000`).
pub fn volume(events: f64) -> String {
    if let Some(s) = non_finite(events) {
        return s.to_string();
    }
    if events < 0.0 {
        return format!("-{}", volume(-events));
    }
    if libm::round(events) < 1e4 {
        return grouped(events);
    }
    let (mantissa, exponent) = mantissa_exponent(events, 2);
    format!("{mantissa:.1} × 10{}", superscript(exponent))
}

/// A projected volume of events: [`volume`] then "events" (`1.8 × 10⁹
/// events`). The page and the memo both quote crossings with it, so they
/// read the same.
pub fn volume_events(events: f64) -> String {
    format!("{} events", volume(events))
}

/// A compact count with a metric suffix, three significant digits:
/// `950`, `12.3 k`, `4.56 M`, `7.8 G`, `1 T`.
pub fn count(x: f64) -> String {
    if let Some(s) = non_finite(x) {
        return s.to_string();
    }
    let rounded = round_significant(x, 3);
    let magnitude = rounded.abs();
    let (scale, suffix) = if magnitude >= 1e15 {
        return number(x);
    } else if magnitude >= 1e12 {
        (1e12, " T")
    } else if magnitude >= 1e9 {
        (1e9, " G")
    } else if magnitude >= 1e6 {
        (1e6, " M")
    } else if magnitude >= 1e3 {
        (1e3, " k")
    } else {
        return significant(x, 3);
    };
    format!("{}{suffix}", significant(x / scale, 3))
}

/// `20 M events/s`.
pub fn events_per_s(rate: f64) -> String {
    match non_finite(rate) {
        Some(s) => s.to_string(),
        None => format!("{} events/s", count(rate)),
    }
}

/// A duration, three significant digits in the unit that reads best:
/// `12 ns`, `250 µs`, `340 ms`, `5.8 s`, `14 min`, `2 h`, `3.2 d`, `4.1 y`.
pub fn seconds(duration_s: f64) -> String {
    if let Some(s) = non_finite(duration_s) {
        return s.to_string();
    }
    if duration_s == 0.0 {
        return "0 s".to_string();
    }
    if duration_s < 0.0 {
        return format!("-{}", seconds(-duration_s));
    }
    // The unit is chosen on the rounded value, so 0.9996 s is `1 s`, not
    // `1000 ms`.
    let t = round_significant(duration_s, 3);
    let (scale, unit) = if t < 1e-6 {
        (1e-9, "ns")
    } else if t < 1e-3 {
        (1e-6, "µs")
    } else if t < 1.0 {
        (1e-3, "ms")
    } else if t < 120.0 {
        (1.0, "s")
    } else if t < 7_200.0 {
        (60.0, "min")
    } else if t < 172_800.0 {
        (3_600.0, "h")
    } else if t < 63_072_000.0 {
        (86_400.0, "d")
    } else {
        (31_536_000.0, "y")
    };
    format!("{} {unit}", significant(duration_s / scale, 3))
}

/// Bytes in decimal units, three significant digits: `4.1 GB`.
pub fn bytes(bytes: f64) -> String {
    if let Some(s) = non_finite(bytes) {
        return s.to_string();
    }
    let rounded = round_significant(bytes, 3).abs();
    for (scale, unit) in [
        (1e15, "PB"),
        (1e12, "TB"),
        (1e9, "GB"),
        (1e6, "MB"),
        (1e3, "kB"),
    ] {
        if rounded >= scale {
            return format!("{} {unit}", significant(bytes / scale, 3));
        }
    }
    format!("{} B", significant(bytes, 3))
}

/// Bytes in binary gibibytes, three significant digits: `12.5 GiB`.
pub fn gib(bytes: f64) -> String {
    match non_finite(bytes) {
        Some(s) => s.to_string(),
        None => format!("{} GiB", significant(bytes / 1_073_741_824.0, 3)),
    }
}

/// Money in US dollars: two significant digits below a cent (`$0.0031`),
/// cents below $100,000 (`$1,234.57`), whole dollars above
/// (`$1,800,000`); thousands grouped.
pub fn usd(amount: f64) -> String {
    if let Some(s) = non_finite(amount) {
        return s.to_string();
    }
    if amount < 0.0 {
        let text = usd(-amount);
        return if text == "$0.00" {
            text
        } else {
            format!("-{text}")
        };
    }
    if amount != 0.0 && round_significant(amount, 2) < 0.01 {
        // A fraction of a cent: "$0.00" would hide how alternatives compare.
        return format!("${}", significant_fixed(amount, 2));
    }
    if amount >= 100_000.0 {
        return format!("${}", grouped(amount));
    }
    let cents = libm::round(amount * 100.0);
    let whole = libm::floor(cents / 100.0);
    format!("${}.{:02.0}", grouped(whole), cents - whole * 100.0)
}

/// A share as a percentage: one decimal from 1 % (`85.3 %`), two
/// significant digits below (`0.081 %`), so a small share never reads as
/// zero; `0 %` only for zero.
pub fn percent(share: f64) -> String {
    if let Some(s) = non_finite(share) {
        return s.to_string();
    }
    let p = share * 100.0;
    if let Some(s) = non_finite(p) {
        return s.to_string();
    }
    if p == 0.0 {
        "0 %".to_string()
    } else if round_significant(p.abs(), 2) < 1.0 {
        format!("{} %", significant_fixed(p, 2))
    } else {
        format!("{p:.1} %")
    }
}

/// A ratio (speed-up, skew): three significant digits and `×`: `1.21×`.
pub fn ratio(x: f64) -> String {
    match non_finite(x) {
        Some(s) => s.to_string(),
        None => format!("{}×", number(x)),
    }
}

/// A plain number, three significant digits: `0.0421`, `12.3`; grouped
/// integers from 1,000 (`12,345`); `1.5 × 10⁻⁷` below 0.001 and from 10⁶.
pub fn number(x: f64) -> String {
    if let Some(s) = non_finite(x) {
        return s.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let magnitude = round_significant(x, 3).abs();
    if !(1e-3..1e6).contains(&magnitude) {
        let (mantissa, exponent) = mantissa_exponent(x.abs(), 3);
        let sign = if x < 0.0 { "-" } else { "" };
        return format!(
            "{sign}{} × 10{}",
            significant(mantissa, 3),
            superscript(exponent)
        );
    }
    if magnitude >= 1_000.0 {
        return grouped(x);
    }
    significant(x, 3)
}

/// A score in [0, 1]: three decimals (`0.712`).
pub fn score(x: f64) -> String {
    fixed(x, 3)
}

/// Exactly `decimals` decimals (`fixed(0.99873, 4)` = `0.9987`): for fit
/// statistics quoted at a stated precision.
pub fn fixed(x: f64, decimals: usize) -> String {
    match non_finite(x) {
        Some(s) => s.to_string(),
        None => format!("{x:.decimals$}"),
    }
}

/// `x` rounded to `digits` significant digits, trailing zeros after the
/// decimal point dropped, no grouping: `significant(0.5004, 3)` = `0.5`,
/// `significant(1234.5, 3)` = `1230`.
pub fn significant(x: f64, digits: u32) -> String {
    let text = significant_fixed(x, digits);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// `x` rounded to `digits` significant digits, written with the decimals
/// those digits need, trailing zeros kept (`0.50`).
fn significant_fixed(x: f64, digits: u32) -> String {
    if let Some(s) = non_finite(x) {
        return s.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let rounded = round_significant(x, digits);
    let magnitude = libm::floor(libm::log10(rounded.abs())) as i32;
    let decimals = (digits as i32 - 1 - magnitude).max(0) as usize;
    format!("{rounded:.decimals$}")
}

/// `x` rounded to `digits` significant digits (as a number).
fn round_significant(x: f64, digits: u32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let magnitude = libm::floor(libm::log10(x.abs())) as i32;
    let scale = libm::pow(10.0, f64::from(digits as i32 - 1 - magnitude));
    let rounded = libm::round(x * scale) / scale;
    if rounded.is_finite() {
        rounded
    } else {
        x
    }
}

/// `(m, e)` with `x ≈ m × 10^e`, `1 ≤ m < 10` after rounding `m` to
/// `digits` significant digits (a mantissa rounding up to 10 carries into
/// the exponent). `x > 0`.
fn mantissa_exponent(x: f64, digits: u32) -> (f64, i32) {
    let exponent = libm::floor(libm::log10(x)) as i32;
    let mantissa = x / libm::pow(10.0, f64::from(exponent));
    let scale = libm::pow(10.0, f64::from(digits as i32 - 1));
    let rounded = libm::round(mantissa * scale) / scale;
    if rounded >= 10.0 {
        (rounded / 10.0, exponent + 1)
    } else if rounded < 1.0 {
        (rounded * 10.0, exponent - 1)
    } else {
        (rounded, exponent)
    }
}

/// `⁷`, `¹⁰`, `⁻³`.
pub fn superscript(exponent: i32) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut out = String::new();
    if exponent < 0 {
        out.push('⁻');
    }
    for digit in exponent.unsigned_abs().to_string().chars() {
        let d = digit.to_digit(10).unwrap_or(0) as usize;
        out.push(DIGITS.get(d).copied().unwrap_or('?'));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each formatter against its pinned outputs.
    fn check(format: fn(f64) -> String, cases: &[(f64, &str)]) {
        for &(input, expected) in cases {
            assert_eq!(format(input), expected, "input {input:e}");
        }
    }

    const NON_FINITE: [(f64, &str); 3] = [
        (f64::NAN, "—"),
        (f64::INFINITY, "∞"),
        (f64::NEG_INFINITY, "−∞"),
    ];

    #[test]
    fn money() {
        check(
            usd,
            &[
                (0.0, "$0.00"),
                (0.0031, "$0.0031"),
                (0.001_3, "$0.0013"),
                (0.000_012_34, "$0.000012"),
                (0.009_94, "$0.0099"),
                (0.009_96, "$0.01"),
                (0.01, "$0.01"),
                (0.999, "$1.00"),
                (12.4, "$12.40"),
                (1_234.567, "$1,234.57"),
                (99_999.994, "$99,999.99"),
                (100_000.0, "$100,000"),
                (1.8e9, "$1,800,000,000"),
                (-2.5, "-$2.50"),
                (-0.001, "-$0.0010"),
                (-0.000_000_1, "-$0.00000010"),
                (-0.0, "$0.00"),
            ],
        );
        check(usd, &NON_FINITE);
    }

    #[test]
    fn grouped_integers_and_volumes() {
        check(
            grouped,
            &[
                (0.0, "0"),
                (-0.4, "0"),
                (999.4, "999"),
                (999.5, "1,000"),
                (20_129_845.206, "20,129,845"),
                (-1_234_567.6, "-1,234,568"),
                (1e12, "1,000,000,000,000"),
            ],
        );
        check(grouped, &NON_FINITE);
        check(events, &[(2e6, "2,000,000 events"), (1.0, "1 event")]);
        check(
            volume,
            &[
                (20_129_845.2, "2.0 × 10⁷"),
                (3.2e8, "3.2 × 10⁸"),
                (9.99e4, "1.0 × 10⁵"),
                (9_960.0, "9,960"),
                (9_999.6, "1.0 × 10⁴"),
                (1e10, "1.0 × 10¹⁰"),
                (1e12, "1.0 × 10¹²"),
                (5_000.0, "5,000"),
                (0.0, "0"),
            ],
        );
        check(volume, &NON_FINITE);
        check(
            volume_events,
            &[
                (1_845_967_211.0, "1.8 × 10⁹ events"),
                (5_000.0, "5,000 events"),
            ],
        );
    }

    #[test]
    fn compact_counts() {
        check(
            count,
            &[
                (950.0, "950"),
                (999.6, "1 k"),
                (12_345.0, "12.3 k"),
                (4_560_000.0, "4.56 M"),
                (4e7, "40 M"),
                (7.8e9, "7.8 G"),
                (1e12, "1 T"),
                (2.5e15, "2.5 × 10¹⁵"),
                (0.5, "0.5"),
                (0.0, "0"),
            ],
        );
        check(count, &NON_FINITE);
        check(events_per_s, &[(2.0e7, "20 M events/s")]);
    }

    #[test]
    fn durations() {
        check(
            seconds,
            &[
                (0.0, "0 s"),
                (12e-9, "12 ns"),
                (300e-9, "300 ns"),
                (0.000_25, "250 µs"),
                (0.34, "340 ms"),
                (0.999_6, "1 s"),
                (5.8, "5.8 s"),
                (5.834, "5.83 s"),
                (12.0, "12 s"),
                (80.6, "80.6 s"),
                (119.96, "2 min"),
                (126.26, "2.1 min"),
                (840.0, "14 min"),
                (5_400.0, "90 min"),
                (7_200.0, "2 h"),
                (7_240.0, "2.01 h"),
                (36_000.0, "10 h"),
                (1e6, "11.6 d"),
                (1e8, "3.17 y"),
                (1e12, "31700 y"),
                (-90.0, "-90 s"),
            ],
        );
        check(seconds, &NON_FINITE);
    }

    #[test]
    fn sizes() {
        check(
            bytes,
            &[
                (4.1e9, "4.1 GB"),
                (999_600.0, "1 MB"),
                (980e3, "980 kB"),
                (512.0, "512 B"),
                (2.1e17, "210 PB"),
            ],
        );
        check(bytes, &NON_FINITE);
        check(gib, &[(13_421_772_800.0, "12.5 GiB"), (0.0, "0 GiB")]);
    }

    #[test]
    fn shares() {
        check(
            percent,
            &[
                (0.853, "85.3 %"),
                (1.0, "100.0 %"),
                (0.3, "30.0 %"),
                (0.01, "1.0 %"),
                (0.009_96, "1.0 %"),
                (0.000_81, "0.081 %"),
                (0.000_11, "0.011 %"),
                (0.005, "0.50 %"),
                (0.000_000_4, "0.000040 %"),
                (0.0, "0 %"),
                (-0.25, "-25.0 %"),
            ],
        );
        check(percent, &NON_FINITE);
    }

    #[test]
    fn plain_numbers_ratios_and_scores() {
        check(
            number,
            &[
                (0.0421, "0.0421"),
                (0.5, "0.5"),
                (12.34, "12.3"),
                (999.6, "1,000"),
                (12_345.0, "12,345"),
                (0.000_15, "1.5 × 10⁻⁴"),
                (1.5e-7, "1.5 × 10⁻⁷"),
                (2.5e6, "2.5 × 10⁶"),
                (9.999e-4, "0.001"),
                (-0.0421, "-0.0421"),
                (0.0, "0"),
            ],
        );
        check(number, &NON_FINITE);
        check(ratio, &[(1.2134, "1.21×"), (9.1, "9.1×"), (2.0, "2×")]);
        check(ratio, &NON_FINITE);
        check(score, &[(0.71234, "0.712"), (1.0, "1.000"), (0.0, "0.000")]);
        check(score, &NON_FINITE);
        assert_eq!(fixed(0.998_73, 4), "0.9987");
        assert_eq!(fixed(f64::NAN, 4), "—");
        assert_eq!(significant(1_234.5, 3), "1230");
        assert_eq!(significant(0.500_4, 3), "0.5");
        assert_eq!(superscript(-12), "⁻¹²");
    }

    #[test]
    fn values_with_their_recorded_units() {
        let cases = [
            ("s", 80.6, "80.6 s"),
            ("s per run", 80.6, "80.6 s per run"),
            ("usd", 0.0013, "$0.0013"),
            ("share", 0.358, "35.8 %"),
            ("share of reads", 0.358, "35.8 % of reads"),
            ("bytes", 4.1e9, "4.1 GB"),
            ("events", 2e6, "2,000,000 events"),
            ("ratio", 1.5, "1.5×"),
            ("points", 6.5, "6.5 points"),
            ("per million accesses", 8046.5, "8,047 per million accesses"),
            ("", 3.0, "3"),
            ("s per run", f64::INFINITY, "∞"),
        ];
        for (unit, value, expected) in cases {
            assert_eq!(with_unit(unit, value), expected, "{unit} {value}");
        }
    }

    #[test]
    fn no_formatter_prints_nan_or_inf() {
        let formatters: [fn(f64) -> String; 12] = [
            usd,
            grouped,
            events,
            volume,
            count,
            events_per_s,
            seconds,
            bytes,
            gib,
            percent,
            ratio,
            number,
        ];
        for format in formatters {
            for x in [
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::MAX,
                f64::MIN_POSITIVE,
            ] {
                let text = format(x);
                assert!(
                    !text.contains("NaN") && !text.contains("inf") && !text.is_empty(),
                    "{x}: {text}"
                );
            }
        }
    }
}
