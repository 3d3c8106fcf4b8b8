//! Numbers with units, as a design doc writes them: `15k/s`, `250ms`, `2GiB`,
//! `99.95%`. Each parser returns the value in base units (requests/s,
//! seconds, bytes, fractions) or an error that lists the accepted forms.

use std::fmt;

/// What kind of quantity a field holds; it decides the units accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuantityKind {
    Count,
    Rate,
    Duration,
    Bytes,
    Percent,
}

impl QuantityKind {
    /// The forms accepted, for error messages.
    pub fn accepted_forms(self) -> &'static str {
        match self {
            QuantityKind::Count => "a count such as `1200`, `2.5k`, `50M` or `1B`",
            QuantityKind::Rate => {
                "a rate such as `2000/s`, `15k/s`, `3/min`, `40/h`, `90M/day`, `10M/month`, `1B/year` or a bare number (per second)"
            }
            QuantityKind::Duration => {
                "a duration such as `90us`, `0.5ms`, `250ms`, `2s`, `5min`, `1h`, `30d` or `5y`"
            }
            QuantityKind::Bytes => {
                "a size such as `500B`, `1KiB`, `2MB`, `3.5GiB`, `2TB` or a bare number of bytes"
            }
            QuantityKind::Percent => "a percentage such as `99.95%` or a fraction such as `0.9995`",
        }
    }
}

impl fmt::Display for QuantityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuantityKind::Count => "count",
            QuantityKind::Rate => "rate",
            QuantityKind::Duration => "duration",
            QuantityKind::Bytes => "size",
            QuantityKind::Percent => "percentage",
        })
    }
}

/// Why a quantity was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum QuantityError {
    /// The text is not of any accepted form.
    Malformed,
    /// It parsed, but it is negative, zero, NaN or infinite.
    NotPositive,
    /// A percentage above 100%.
    AboveOne,
}

pub type QuantityResult = Result<f64, QuantityError>;

const SECONDS_PER_MINUTE: f64 = 60.0;
const SECONDS_PER_HOUR: f64 = 3_600.0;
const SECONDS_PER_DAY: f64 = 86_400.0;
const SECONDS_PER_MONTH: f64 = 30.0 * SECONDS_PER_DAY;
const SECONDS_PER_YEAR: f64 = 365.0 * SECONDS_PER_DAY;

/// Splits `15.5k/s` into the number `15.5` and the rest `k/s`.
fn split_number(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || c == '.'
                || c == '_'
                || (i == 0 && (c == '-' || c == '+'))
                || ((c == 'e' || c == 'E') && exponent_follows(&text[i..])))
        })
        .map_or(text.len(), |(i, _)| i);
    let digits: String = text[..end].chars().filter(|&c| c != '_').collect();
    if digits.is_empty() || !digits.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let number = digits.parse::<f64>().ok()?;
    Some((number, text[end..].trim_start()))
}

/// `e5` in `1e5` is an exponent; the `e` of a unit is not.
fn exponent_follows(rest: &str) -> bool {
    let mut chars = rest.chars().skip(1);
    match chars.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('-' | '+') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// The decimal multiplier of a count suffix (`k`, `M`, `B`/`G`), or none.
fn count_multiplier(suffix: &str) -> Option<f64> {
    match suffix {
        "" => Some(1.0),
        "k" | "K" => Some(1e3),
        "M" => Some(1e6),
        "B" | "G" => Some(1e9),
        "T" => Some(1e12),
        _ => None,
    }
}

fn positive(value: f64) -> QuantityResult {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(QuantityError::NotPositive)
    }
}

fn non_negative(value: f64) -> QuantityResult {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(QuantityError::NotPositive)
    }
}

/// A count: `1200`, `2.5k`, `50M`, `1B`. Zero is allowed; callers that need
/// more check the value themselves.
pub fn parse_count(text: &str) -> QuantityResult {
    let (number, suffix) = split_number(text).ok_or(QuantityError::Malformed)?;
    let multiplier = count_multiplier(suffix).ok_or(QuantityError::Malformed)?;
    non_negative(number * multiplier)
}

/// A rate in requests per second: `2000/s`, `15k/s`, `90M/day`, or a bare
/// number, which is per second.
pub fn parse_rate(text: &str) -> QuantityResult {
    let (count_text, per) = match text.split_once('/') {
        Some((count, per)) => (count, Some(per.trim())),
        None => (text, None),
    };
    let count = parse_count(count_text)?;
    let seconds = match per {
        None => 1.0,
        Some(unit) => match unit {
            "s" | "sec" | "second" => 1.0,
            "min" | "minute" => SECONDS_PER_MINUTE,
            "h" | "hr" | "hour" => SECONDS_PER_HOUR,
            "d" | "day" => SECONDS_PER_DAY,
            "month" | "mo" => SECONDS_PER_MONTH,
            "y" | "yr" | "year" => SECONDS_PER_YEAR,
            _ => return Err(QuantityError::Malformed),
        },
    };
    positive(count / seconds)
}

/// A duration in seconds: `90us`, `250ms`, `2s`, `5min`, `1h`, `30d`, `5y`.
/// A unit is required: a bare `250` could be seconds or milliseconds.
pub fn parse_duration(text: &str) -> QuantityResult {
    let (number, unit) = split_number(text).ok_or(QuantityError::Malformed)?;
    let seconds = match unit {
        "ns" => 1e-9,
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" | "sec" => 1.0,
        "m" | "min" => SECONDS_PER_MINUTE,
        "h" | "hr" => SECONDS_PER_HOUR,
        "d" | "day" | "days" => SECONDS_PER_DAY,
        "w" | "week" | "weeks" => 7.0 * SECONDS_PER_DAY,
        "y" | "year" | "years" => SECONDS_PER_YEAR,
        _ => return Err(QuantityError::Malformed),
    };
    positive(number * seconds)
}

/// A size in bytes: `500B`, `1KiB` (1024), `2MB` (10^6), or a bare number.
pub fn parse_bytes(text: &str) -> QuantityResult {
    let (number, unit) = split_number(text).ok_or(QuantityError::Malformed)?;
    let multiplier = match unit {
        "" | "B" => 1.0,
        "KB" | "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "TB" => 1e12,
        "PB" => 1e15,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "GiB" => 1024.0 * 1024.0 * 1024.0,
        "TiB" => 1024.0f64.powi(4),
        "PiB" => 1024.0f64.powi(5),
        _ => return Err(QuantityError::Malformed),
    };
    positive(number * multiplier)
}

/// A fraction in 0..=1 from `99.95%` or `0.9995`.
pub fn parse_percent(text: &str) -> QuantityResult {
    let text = text.trim();
    let fraction = match text.strip_suffix('%') {
        Some(percent) => {
            let (number, rest) = split_number(percent).ok_or(QuantityError::Malformed)?;
            if !rest.is_empty() {
                return Err(QuantityError::Malformed);
            }
            number / 100.0
        }
        None => {
            let (number, rest) = split_number(text).ok_or(QuantityError::Malformed)?;
            if !rest.is_empty() {
                return Err(QuantityError::Malformed);
            }
            number
        }
    };
    let fraction = positive(fraction)?;
    if fraction > 1.0 {
        return Err(QuantityError::AboveOne);
    }
    Ok(fraction)
}

/// Parses `text` as a quantity of `kind`.
pub fn parse(kind: QuantityKind, text: &str) -> QuantityResult {
    match kind {
        QuantityKind::Count => parse_count(text),
        QuantityKind::Rate => parse_rate(text),
        QuantityKind::Duration => parse_duration(text),
        QuantityKind::Bytes => parse_bytes(text),
        QuantityKind::Percent => parse_percent(text),
    }
}

/// Formats a number for people: `1.2k`, `15M`, `950`, `0.25`.
pub fn format_count(value: f64) -> String {
    let magnitude = value.abs();
    let (scaled, suffix) = if magnitude >= 1e9 {
        (value / 1e9, "B")
    } else if magnitude >= 1e6 {
        (value / 1e6, "M")
    } else if magnitude >= 1e4 {
        (value / 1e3, "k")
    } else {
        (value, "")
    };
    format!("{}{suffix}", trim_number(scaled))
}

/// A rate for people: `1.2k/s`.
pub fn format_rate(per_second: f64) -> String {
    format!("{}/s", format_count(per_second))
}

/// A duration for people, in the unit that reads best: `850us`, `4.2ms`, `1.5s`.
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "∞".to_string();
    }
    let magnitude = seconds.abs();
    if magnitude == 0.0 {
        "0ms".to_string()
    } else if magnitude < 1e-3 {
        format!("{}us", trim_number(seconds * 1e6))
    } else if magnitude < 1.0 {
        format!("{}ms", trim_number(seconds * 1e3))
    } else if magnitude < 120.0 {
        format!("{}s", trim_number(seconds))
    } else if magnitude < 2.0 * SECONDS_PER_HOUR {
        format!("{}min", trim_number(seconds / SECONDS_PER_MINUTE))
    } else if magnitude < 2.0 * SECONDS_PER_DAY {
        format!("{}h", trim_number(seconds / SECONDS_PER_HOUR))
    } else {
        format!("{}d", trim_number(seconds / SECONDS_PER_DAY))
    }
}

/// A size for people, in decimal units: `3.4 TB`.
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut value = bytes;
    let mut unit = 0;
    while value.abs() >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{} {}", trim_number(value), UNITS[unit])
}

/// A fraction as a percentage with up to four decimals, so that nines stay
/// apart: `99.95%`, `97%`, `99.9987%`.
pub fn format_percent(fraction: f64) -> String {
    if !fraction.is_finite() {
        return "∞".to_string();
    }
    let text = format!("{:.4}", fraction * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    // Four decimals round 99.99999% up to 100%: a figure below one must not
    // read as certainty (nor one above zero as none).
    match text {
        "100" if fraction < 1.0 => "> 99.9999%".to_string(),
        "0" if fraction > 0.0 => "< 0.0001%".to_string(),
        _ => format!("{text}%"),
    }
}

/// Three significant figures at most, without trailing zeros.
pub fn trim_number(value: f64) -> String {
    if !value.is_finite() {
        return "∞".to_string();
    }
    let magnitude = value.abs();
    if magnitude >= 1e9 || (magnitude > 0.0 && magnitude < 1e-6) {
        return format!("{value:.2e}");
    }
    let decimals = if magnitude >= 100.0 {
        0
    } else if magnitude >= 10.0 {
        1
    } else if magnitude >= 1.0 {
        2
    } else {
        3
    };
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::format_percent;

    #[test]
    fn nearly_certain_is_not_certain() {
        assert_eq!(format_percent(0.9995), "99.95%");
        assert_eq!(format_percent(0.999_999_998), "> 99.9999%");
        assert_eq!(format_percent(1.0), "100%");
        assert_eq!(format_percent(0.000_000_1), "< 0.0001%");
        assert_eq!(format_percent(0.0), "0%");
    }

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts() {
        assert_eq!(parse_count("1200"), Ok(1200.0));
        assert_eq!(parse_count("2.5k"), Ok(2500.0));
        assert_eq!(parse_count("50M"), Ok(50e6));
        assert_eq!(parse_count("1B"), Ok(1e9));
        assert_eq!(parse_count("1G"), Ok(1e9));
        assert_eq!(parse_count("1_000"), Ok(1000.0));
        assert_eq!(parse_count("12x"), Err(QuantityError::Malformed));
        assert_eq!(parse_count("-3"), Err(QuantityError::NotPositive));
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("2000/s"), Ok(2000.0));
        assert_eq!(parse_rate("15k/s"), Ok(15_000.0));
        assert_eq!(parse_rate("3/min"), Ok(0.05));
        assert_eq!(parse_rate("36/h"), Ok(0.01));
        assert_eq!(parse_rate("86.4k/day"), Ok(1.0));
        assert_eq!(parse_rate("2.592M/month"), Ok(1.0));
        assert_eq!(parse_rate("31.536M/year"), Ok(1.0));
        assert_eq!(parse_rate("1200"), Ok(1200.0));
        assert_eq!(parse_rate("0/s"), Err(QuantityError::NotPositive));
        assert_eq!(parse_rate("5/fortnight"), Err(QuantityError::Malformed));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Ok(0.25));
        assert_eq!(parse_duration("0.5ms"), Ok(0.0005));
        assert_eq!(parse_duration("2s"), Ok(2.0));
        assert!((parse_duration("90us").unwrap() - 90e-6).abs() < 1e-15);
        assert_eq!(parse_duration("1h"), Ok(3600.0));
        assert_eq!(parse_duration("30d"), Ok(30.0 * 86400.0));
        assert_eq!(parse_duration("5y"), Ok(5.0 * 365.0 * 86400.0));
        assert_eq!(parse_duration("250"), Err(QuantityError::Malformed));
        assert_eq!(parse_duration("NaNms"), Err(QuantityError::Malformed));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_bytes("1KiB"), Ok(1024.0));
        assert_eq!(parse_bytes("500B"), Ok(500.0));
        assert_eq!(parse_bytes("2MB"), Ok(2e6));
        assert_eq!(parse_bytes("3.5GiB"), Ok(3.5 * 1024.0 * 1024.0 * 1024.0));
        assert_eq!(parse_bytes("2TB"), Ok(2e12));
        assert_eq!(parse_bytes("2 TB"), Ok(2e12));
    }

    #[test]
    fn percents() {
        assert_eq!(parse_percent("99.95%"), Ok(0.9995));
        assert_eq!(parse_percent("0.9995"), Ok(0.9995));
        assert_eq!(parse_percent("100%"), Ok(1.0));
        assert_eq!(parse_percent("101%"), Err(QuantityError::AboveOne));
        assert_eq!(parse_percent("0%"), Err(QuantityError::NotPositive));
        assert_eq!(parse_percent("ninety%"), Err(QuantityError::Malformed));
    }

    #[test]
    fn formatting() {
        assert_eq!(format_rate(1234.0), "1234/s");
        assert_eq!(format_rate(12_345.0), "12.3k/s");
        assert_eq!(format_rate(120_000.0), "120k/s");
        assert_eq!(format_duration(0.0042), "4.2ms");
        assert_eq!(format_duration(0.000_85), "850us");
        assert_eq!(format_bytes(3.4e12), "3.4 TB");
        assert_eq!(trim_number(1.5e300), "1.50e300");
        assert_eq!(trim_number(2e-9), "2.00e-9");
        assert_eq!(trim_number(0.0), "0");
        assert_eq!(format_percent(0.9995), "99.95%");
        assert_eq!(format_percent(0.97), "97%");
        assert_eq!(format_percent(0.999_987), "99.9987%");
    }

    proptest! {
        #[test]
        fn no_parser_panics(text in "\\PC{0,24}") {
            for kind in [QuantityKind::Count, QuantityKind::Rate, QuantityKind::Duration, QuantityKind::Bytes, QuantityKind::Percent] {
                if let Ok(value) = parse(kind, &text) {
                    prop_assert!(value.is_finite() && value >= 0.0);
                }
            }
        }

        #[test]
        fn rates_round_trip(value in 1u32..1_000_000, unit in prop::sample::select(vec![("s", 1.0), ("min", 60.0), ("h", 3600.0), ("day", 86400.0)])) {
            let parsed = parse_rate(&format!("{value}/{}", unit.0)).unwrap();
            prop_assert!((parsed * unit.1 - f64::from(value)).abs() < 1e-6 * f64::from(value));
        }

        #[test]
        fn counts_round_trip(value in 0u64..1_000_000_000_000, suffix in prop::sample::select(vec![("", 1.0), ("k", 1e3), ("M", 1e6), ("B", 1e9)])) {
            let scaled = value as f64 / suffix.1;
            let parsed = parse_count(&format!("{scaled}{}", suffix.0)).unwrap();
            prop_assert!((parsed - value as f64).abs() <= 1e-6 * value as f64 + 1e-6);
        }

        #[test]
        fn durations_round_trip(millis in 1u32..10_000_000) {
            let parsed = parse_duration(&format!("{millis}ms")).unwrap();
            prop_assert!((parsed * 1e3 - f64::from(millis)).abs() < 1e-6 * f64::from(millis));
        }
    }
}
