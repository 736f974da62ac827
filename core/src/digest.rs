//! Digests: the one canonical JSON form, SHA-256 and hex, used for every
//! digest Scalewise records — the result document's
//! `reproducibility.digest`, the data profile's `data_digest` and the audit
//! trail's chain hashes.
//!
//! # The canonical form
//!
//! A digest is the SHA-256, written as 64 lowercase hex digits, of the UTF-8
//! bytes of the document's canonical JSON **with its own digest field
//! removed** (the field, not just its value: [`digest_without`]). The
//! canonical JSON is the JSON Canonicalization Scheme of RFC 8785 (JCS):
//!
//! * **No whitespace** between tokens; arrays keep their order.
//! * **Object members sorted by key, comparing the keys as sequences of
//!   UTF-16 code units** (not UTF-8 bytes and not code points: `"😀"`,
//!   U+1F600, sorts before `"דּ"`, U+FB33, because its first code unit is the
//!   surrogate 0xD83D).
//! * **Strings** as UTF-8 with the minimal escapes: `\"`, `\\`, `\b`, `\f`,
//!   `\n`, `\r`, `\t`, other characters below U+0020 as `\u00xx` (lowercase
//!   hex); everything else, `/`, DEL and non-ASCII included, as itself.
//! * **Numbers** as ECMAScript's `Number.prototype.toString` writes the
//!   IEEE-754 double: the shortest digits that read back as the same
//!   double, as an integer or decimal fraction when the decimal exponent is
//!   in −6 … 20, else as `d.ddde±x` (`2.0` → `2`, `1e21` → `1e+21`,
//!   `1.5e-7` → `1.5e-7`, `-0` → `0`). JSON cannot carry NaN or ±∞; a
//!   `serde_json::Value` cannot hold them either.
//! * `true`, `false`, `null` as themselves.
//!
//! **Integers beyond 2⁵³.** JCS reads every number as a double, so an
//! integer above 2⁵³ = 9,007,199,254,740,992 would be digested as the
//! nearest double, and two integers closer than the doubles' spacing would
//! share a digest. Scalewise writes every *integer* (a JSON number with
//! neither fraction nor exponent, a `u64`/`i64` in the Rust types) as its
//! exact decimal digits instead. Up to 2⁵³ this is exactly what JCS writes;
//! beyond, it is the exact value where JCS would round. The review's inputs
//! are bounded so that no input integer goes beyond 2⁵³ (the seed: see
//! [`crate::limits::MAX_SEED`]); the one measured count that can — the
//! profile's `total_bytes`, which reaches 2⁵³ at 2·10⁸ events of 45 MB —
//! is digested exactly by this rule, and a JavaScript reader of the file
//! would see it rounded (so would any tool that parses JSON numbers as
//! doubles).
//!
//! **In Python**, with the standard library only, [`PYTHON_CANONICAL_JSON`]
//! reproduces the form byte for byte from `json.load`: `int` → `str(n)`;
//! `float` → `repr`'s shortest digits laid out by the ECMAScript rule;
//! `str` → `json.dumps(s, ensure_ascii=False)` (whose escapes are exactly
//! the minimal ones above); keys sorted by `k.encode("utf-16-be")`. The
//! exported notebook runs that code to check the result's digest, and
//! `core/tests/digest_python.rs` runs it against this module.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The canonical JSON text of `value` (see the module docs).
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

/// Appends the canonical JSON of `value` to `out`.
pub fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else {
                out.push_str(&ecmascript_number(n.as_f64().unwrap_or(0.0)));
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, (key, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
    }
}

/// A JSON string with RFC 8785's minimal escapes.
fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let b = c as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX.get(b >> 4).copied().unwrap_or(b'0')));
                out.push(char::from(HEX.get(b & 15).copied().unwrap_or(b'0')));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// ECMAScript's `Number.prototype.toString` of a finite double (the number
/// form of RFC 8785); `"null"` for NaN and ±∞, which JSON cannot carry.
pub fn ecmascript_number(x: f64) -> String {
    if !x.is_finite() {
        return "null".to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    if x < 0.0 {
        return format!("-{}", ecmascript_number(-x));
    }
    let (digits, exponent) = shortest_digits(x);
    // ECMA-262 Number::toString: the value is 0.d₁d₂…d_k × 10^n.
    let k = digits.len() as i32;
    let n = exponent + 1;
    let zeros = |count: i32| "0".repeat(count.max(0) as usize);
    if k <= n && n <= 21 {
        format!("{digits}{}", zeros(n - k))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits
            .split_at_checked(n as usize)
            .unwrap_or((digits.as_str(), ""));
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", zeros(-n))
    } else {
        let e = n - 1;
        let sign = if e < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at_checked(1).unwrap_or(("0", ""));
        if rest.is_empty() {
            format!("{first}e{sign}{}", e.unsigned_abs())
        } else {
            format!("{first}.{rest}e{sign}{}", e.unsigned_abs())
        }
    }
}

/// The shortest decimal digits `d₁d₂…d_k` (no trailing zeros) and exponent
/// `e` with `x = d₁.d₂…d_k × 10^e` that read back as `x`; of two such
/// digit strings equally close to `x`, the even one (ECMA-262's rule, and
/// what Python's `repr` and JavaScript engines write). `x > 0`, finite.
fn shortest_digits(x: f64) -> (String, i32) {
    // Rust's `{:e}` without a precision gives the shortest round-trip digits,
    // but breaks an exact tie upwards (1424953923781206.25 → …06.3, where
    // ECMAScript writes …06.2).
    let (mut digits, exponent) = split_scientific(&format!("{x:e}"));
    let k = digits.len();
    // A tie needs x's exact decimal expansion to end in a 5 right after the
    // k-th digit. 31 correctly rounded digits rule that out cheaply; the
    // exact expansion (at most 767 significant digits) confirms it.
    let (near, near_exponent) = split_scientific_padded(&format!("{x:.30e}"));
    let tie_at = |expansion: &str| {
        expansion.as_bytes().get(k) == Some(&b'5')
            && expansion.bytes().skip(k + 1).all(|b| b == b'0')
    };
    if k < 31 && near_exponent == exponent && tie_at(&near) {
        let (exact, _) = split_scientific_padded(&format!("{x:.800e}"));
        if tie_at(&exact) {
            let lower = exact.get(..k).unwrap_or_default().to_string();
            let upper = increment_digits(&lower);
            let round_trips = |candidate: &str| {
                let (first, rest) = candidate.split_at_checked(1).unwrap_or(("0", ""));
                format!("{first}.{rest}0e{exponent}").parse::<f64>() == Ok(x)
            };
            let even = |candidate: &str| {
                candidate
                    .bytes()
                    .last()
                    .is_some_and(|d| (d - b'0').is_multiple_of(2))
            };
            let candidates: Vec<&String> = [&lower, &upper]
                .into_iter()
                .filter(|c| c.len() == k && round_trips(c))
                .collect();
            if let Some(choice) = candidates
                .iter()
                .find(|c| even(c))
                .or_else(|| candidates.first())
            {
                digits = choice.trim_end_matches('0').to_string();
            }
        }
    }
    (digits, exponent)
}

/// `"1.2345e-7"` → (`"12345"`, -7), trailing zeros dropped.
fn split_scientific(text: &str) -> (String, i32) {
    let (digits, exponent) = split_scientific_padded(text);
    let trimmed = digits.trim_end_matches('0');
    let digits = if trimmed.is_empty() { "0" } else { trimmed };
    (digits.to_string(), exponent)
}

/// `"1.2300e-7"` → (`"12300"`, -7).
fn split_scientific_padded(text: &str) -> (String, i32) {
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exponent.parse().unwrap_or(0))
}

/// The decimal digit string plus one (`"129"` → `"130"`, `"99"` → `"100"`).
fn increment_digits(digits: &str) -> String {
    let mut bytes = digits.as_bytes().to_vec();
    for b in bytes.iter_mut().rev() {
        if *b == b'9' {
            *b = b'0';
        } else {
            *b += 1;
            return String::from_utf8(bytes).unwrap_or_default();
        }
    }
    format!("1{}", String::from_utf8(bytes).unwrap_or_default())
}

/// Lowercase hex of `bytes`: the one hex encoder of the project.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        for nibble in [b >> 4, b & 15] {
            out.push(char::from(
                DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    out
}

/// SHA-256 of `bytes`, as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 hex of the canonical JSON of `value`.
pub fn digest(value: &Value) -> String {
    sha256_hex(canonical_json(value).as_bytes())
}

/// [`digest`] of `value` with the member at `path` (object keys from the
/// root) removed: how a document that records its own digest is digested.
/// A missing path removes nothing.
pub fn digest_without(value: &Value, path: &[&str]) -> String {
    let mut value = value.clone();
    remove_at(&mut value, path);
    digest(&value)
}

fn remove_at(value: &mut Value, path: &[&str]) {
    match path {
        [] => {}
        [last] => {
            if let Some(object) = value.as_object_mut() {
                object.remove(*last);
            }
        }
        [first, rest @ ..] => {
            if let Some(child) = value.get_mut(*first) {
                remove_at(child, rest);
            }
        }
    }
}

/// The canonical form in Python 3 (standard library only): what the
/// exported notebook runs to check a digest, and what
/// `core/tests/digest_python.rs` compares with this module byte for byte.
pub const PYTHON_CANONICAL_JSON: &str = r#"def ecmascript_number(x):
    """A float as JavaScript (and RFC 8785) writes it: the shortest digits
    that read back as the same double, laid out like Number.toString."""
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError("JSON has no NaN or infinity")
    if x == 0:
        return "0"
    if x < 0:
        return "-" + ecmascript_number(-x)
    text = repr(x)  # shortest round-trip digits, e.g. '1.5e-07', '100.0'
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    leading_zeros = len(whole + fraction) - len(digits)
    digits = digits.rstrip("0")
    # x = 0.d1 d2 ... dk * 10**n
    n = len(whole) + int(exponent or 0) - leading_zeros
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    e = n - 1
    sign = "+" if e >= 0 else "-"
    head = digits[0] if k == 1 else digits[0] + "." + digits[1:]
    return head + "e" + sign + str(abs(e))


def canonical_json(value):
    """RFC 8785 canonical JSON of a value read by json.load (integers are
    written exactly, also beyond 2**53)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return ecmascript_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(canonical_json(item) for item in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: key.encode("utf-16-be"))
        return "{" + ",".join(
            json.dumps(key, ensure_ascii=False) + ":" + canonical_json(value[key])
            for key in keys
        ) + "}"
    raise TypeError("not a JSON value: " + type(value).__name__)


def digest_without(document, path):
    """SHA-256 hex of the canonical JSON of `document` without the member at
    `path` (a list of keys), as Scalewise records its digests."""
    copy = json.loads(json.dumps(document))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    parent.pop(path[-1], None)
    return hashlib.sha256(canonical_json(copy).encode("utf-8")).hexdigest()
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(cases: &[(Value, &str)]) {
        for (value, expected) in cases {
            assert_eq!(canonical_json(value), *expected, "{value:?}");
        }
    }

    /// RFC 8785, Appendix B: IEEE-754 bit patterns and their canonical text
    /// (NaN and ±∞ are refused by JSON itself).
    #[test]
    fn rfc_8785_appendix_b_numbers() {
        let samples: [(u64, &str); 24] = [
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"),
            (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"),
            (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ];
        for (bits, expected) in samples {
            let x = f64::from_bits(bits);
            assert_eq!(ecmascript_number(x), expected, "{bits:#018x}");
            assert_eq!(canonical_json(&json!(x)), expected, "{bits:#018x}");
        }
        check(&[
            (json!(2.0), "2"),
            (json!(1e21), "1e+21"),
            (json!(1.5e-7), "1.5e-7"),
            (json!(1e-6), "0.000001"),
            (json!(1e-7), "1e-7"),
            (json!(123e18), "123000000000000000000"),
            (json!(0.1), "0.1"),
            (json!(-2.5), "-2.5"),
        ]);
    }

    /// RFC 8785, section 3.2.2 (values) and 3.2.3 (sorting).
    #[test]
    fn rfc_8785_examples() {
        let input: Value = serde_json::from_str(
            r#"{
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }"#,
        )
        .unwrap();
        assert_eq!(
            canonical_json(&input),
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\
             \"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}"
        );
        let sorting: Value = serde_json::from_str(
            r#"{
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }"#,
        )
        .unwrap();
        // UTF-16 order: the emoji's first code unit, the surrogate 0xD83D,
        // sorts before U+FB33.
        assert_eq!(
            canonical_json(&sorting),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\
             \"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\
             \"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        );
    }

    #[test]
    fn strings_get_the_minimal_escapes_only() {
        check(&[
            (json!("a\"b\\c"), r#""a\"b\\c""#),
            (json!("\u{8}\u{c}\n\r\t"), r#""\b\f\n\r\t""#),
            (json!("\u{0}\u{1f}"), r#""\u0000\u001f""#),
            (
                json!("/ \u{7f} é 🦀 \u{2028}"),
                "\"/ \u{7f} é 🦀 \u{2028}\"",
            ),
        ]);
    }

    #[test]
    fn integers_are_exact_also_beyond_two_to_the_53() {
        check(&[
            (json!(9_007_199_254_740_993u64), "9007199254740993"),
            (json!(u64::MAX), "18446744073709551615"),
            (json!(i64::MIN), "-9223372036854775808"),
            (json!(0u64), "0"),
            // A double with the same value is written by the JCS rule.
            (json!(9_007_199_254_740_992.0), "9007199254740992"),
        ]);
    }

    #[test]
    fn nesting_sorting_and_the_digest() {
        let value = json!({"b": [1, {"y": 2.0, "x": null}], "a": true});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":true,"b":[1,{"x":null,"y":2}]}"#
        );
        // The SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        let with = json!({"r": {"digest": "x", "seed": 1}, "a": 1});
        let without = json!({"r": {"seed": 1}, "a": 1});
        assert_eq!(digest_without(&with, &["r", "digest"]), digest(&without));
        assert_eq!(digest_without(&with, &["missing", "digest"]), digest(&with));
        assert_ne!(digest(&with), digest(&without));
    }
}
