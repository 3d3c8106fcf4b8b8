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
    /// A price per replica over time, normalised to a month of
    /// [`HOURS_PER_MONTH`] hours.
    Cost,
}

/// The month a cost is normalised to: 730 hours, a year of 8,760 hours over
/// twelve (what cloud price lists use).
pub const HOURS_PER_MONTH: f64 = 730.0;

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
            QuantityKind::Cost => {
                "a price per replica such as `0.12/h`, `2.9/day`, `90/month` or `1000/year` (no currency sign; a month is 730 hours)"
            }
        }
    }
}

impl QuantityKind {
    /// The largest value accepted, in base units: beyond any real system, so
    /// that a figure derived from it stays finite and printable.
    pub fn maximum(self) -> f64 {
        match self {
            // A thousand million million: people, objects or requests a day.
            QuantityKind::Count => 1e15,
            // A million million requests a second, a thousand times the
            // busiest services on the internet together.
            QuantityKind::Rate => 1e12,
            // A hundred years.
            QuantityKind::Duration => 100.0 * SECONDS_PER_YEAR,
            // An exabyte.
            QuantityKind::Bytes => 1e18,
            QuantityKind::Percent => 1.0,
            // A thousand million a month for one replica.
            QuantityKind::Cost => 1e9,
        }
    }

    /// The smallest positive value accepted (zero stays an error where it
    /// was one): a nanosecond is below any network or disk.
    pub fn minimum(self) -> f64 {
        match self {
            QuantityKind::Duration => 1e-9,
            _ => 0.0,
        }
    }

    /// [`QuantityKind::maximum`] for people: `1000T/s`, `100y`.
    pub fn maximum_text(self) -> &'static str {
        match self {
            QuantityKind::Count => "1000T (10^15)",
            QuantityKind::Rate => "1T/s (10^12 a second)",
            QuantityKind::Duration => "100 years",
            QuantityKind::Bytes => "1EB (10^18 bytes)",
            QuantityKind::Percent => "100%",
            QuantityKind::Cost => "1B/month (10^9 a month)",
        }
    }

    /// [`QuantityKind::minimum`] for people.
    pub fn minimum_text(self) -> &'static str {
        match self {
            QuantityKind::Duration => "1ns",
            _ => "0",
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
            QuantityKind::Cost => "cost",
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
    /// Beyond the largest value of its kind that blueprint takes
    /// ([`QuantityKind::maximum`]).
    TooLarge,
    /// Positive but below the smallest value of its kind
    /// ([`QuantityKind::minimum`]).
    TooSmall,
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
                || ((c == '-' || c == '+') && (i == 0 || after_exponent(text, i)))
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

/// Whether the sign at byte `i` follows the `e` of an exponent (`5e-3`).
fn after_exponent(text: &str, i: usize) -> bool {
    let before = &text[..i];
    (before.ends_with('e') || before.ends_with('E'))
        && before[..before.len() - 1]
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
        && exponent_follows(&text[i - 1..])
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

/// Refuses a value beyond the bounds of its kind.
fn within(kind: QuantityKind, value: f64) -> QuantityResult {
    if value > kind.maximum() {
        Err(if kind == QuantityKind::Percent {
            QuantityError::AboveOne
        } else {
            QuantityError::TooLarge
        })
    } else if value > 0.0 && value < kind.minimum() {
        Err(QuantityError::TooSmall)
    } else {
        Ok(value)
    }
}

/// `number * multiplier`, where a product past the largest float is too
/// large rather than infinite (`1e300PB`).
fn scaled(number: f64, multiplier: f64) -> QuantityResult {
    let value = number * multiplier;
    if value.is_infinite() && number.is_finite() {
        Err(QuantityError::TooLarge)
    } else {
        Ok(value)
    }
}

/// A count: `1200`, `2.5k`, `50M`, `1B`. Zero is allowed; callers that need
/// more check the value themselves.
pub fn parse_count(text: &str) -> QuantityResult {
    within(QuantityKind::Count, count_value(text)?)
}

/// A count with no upper bound: the numerator of a rate (`2e15/year`).
fn count_value(text: &str) -> QuantityResult {
    let (number, suffix) = split_number(text).ok_or(QuantityError::Malformed)?;
    let multiplier = count_multiplier(suffix).ok_or(QuantityError::Malformed)?;
    non_negative(scaled(number, multiplier)?)
}

/// A rate in requests per second: `2000/s`, `15k/s`, `90M/day`, or a bare
/// number, which is per second.
pub fn parse_rate(text: &str) -> QuantityResult {
    let (count_text, per) = match text.split_once('/') {
        Some((count, per)) => (count, Some(per.trim())),
        None => (text, None),
    };
    let count = count_value(count_text)?;
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
    within(QuantityKind::Rate, positive(count / seconds)?)
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
    within(QuantityKind::Duration, positive(scaled(number, seconds)?)?)
}

/// A time counted from some start, in seconds: a duration as
/// [`parse_duration`] reads it, or the start itself, zero with or without
/// a unit (`0`, `0s`). The ends of a `--fail` window, in `simulate` and
/// in `estimate` alike.
pub fn parse_instant(text: &str) -> QuantityResult {
    match split_number(text) {
        Some((number, unit))
            if number == 0.0
                && (unit.is_empty() || parse_duration(&format!("1{unit}")).is_ok()) =>
        {
            Ok(0.0)
        }
        _ => parse_duration(text),
    }
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
        "EB" => 1e18,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "GiB" => 1024.0 * 1024.0 * 1024.0,
        "TiB" => 1024.0f64.powi(4),
        "PiB" => 1024.0f64.powi(5),
        "EiB" => 1024.0f64.powi(6),
        _ => return Err(QuantityError::Malformed),
    };
    within(QuantityKind::Bytes, positive(scaled(number, multiplier)?)?)
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

/// A price per replica, per month of [`HOURS_PER_MONTH`] hours: `0.12/h`
/// (87.6 a month), `2.9/day`, `90/month`, `1000/year`. The period is
/// required: a bare `90` could be an hour's price or a month's. Zero is a
/// price (a free tier).
pub fn parse_cost(text: &str) -> QuantityResult {
    let (amount, per) = text.split_once('/').ok_or(QuantityError::Malformed)?;
    let amount = count_value(amount)?;
    let months = match per.trim() {
        "h" | "hr" | "hour" => 1.0 / HOURS_PER_MONTH,
        "d" | "day" => 24.0 / HOURS_PER_MONTH,
        "month" | "mo" => 1.0,
        "y" | "yr" | "year" => 12.0,
        _ => return Err(QuantityError::Malformed),
    };
    within(QuantityKind::Cost, non_negative(amount / months)?)
}

/// A cost a month for people: `87.6/month`, `1.2k/month`.
pub fn format_cost(per_month: f64) -> String {
    format!("{}/month", format_count(per_month))
}

/// Parses `text` as a quantity of `kind`.
pub fn parse(kind: QuantityKind, text: &str) -> QuantityResult {
    match kind {
        QuantityKind::Count => parse_count(text),
        QuantityKind::Rate => parse_rate(text),
        QuantityKind::Duration => parse_duration(text),
        QuantityKind::Bytes => parse_bytes(text),
        QuantityKind::Percent => parse_percent(text),
        QuantityKind::Cost => parse_cost(text),
    }
}

/// Beyond this a count for people is only "more than": `> 10^15`.
const COUNT_SATURATION: f64 = 1e15;
/// Beyond this a rate for people is only "more than": `> 10^12/s`.
const RATE_SATURATION: f64 = 1e12;
/// Beyond this a size for people is only "more than": `> 10^21 B`.
const BYTES_SATURATION: f64 = 1e21;

/// What is printed for a value that is not a number at all.
const NOT_A_NUMBER: &str = "n/a";

/// `> 10^N` or `< -10^N` for a value at or beyond `10^exponent`.
fn saturated(value: f64, exponent: u32, unit: &str) -> String {
    if value > 0.0 {
        format!("> 10^{exponent}{unit}")
    } else {
        format!("< -10^{exponent}{unit}")
    }
}

/// Formats a number for people: `1.2k`, `15M`, `950`, `0.25`; beyond
/// 10^15 only `> 10^15`.
pub fn format_count(value: f64) -> String {
    if value.is_nan() {
        return NOT_A_NUMBER.to_string();
    }
    let magnitude = value.abs();
    if magnitude >= COUNT_SATURATION {
        return saturated(value, 15, "");
    }
    let (scaled, suffix) = if magnitude >= 1e12 {
        (value / 1e12, "T")
    } else if magnitude >= 1e9 {
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

/// A rate for people: `1.2k/s`; beyond 10^12 a second only `> 10^12/s`.
pub fn format_rate(per_second: f64) -> String {
    if per_second.abs() >= RATE_SATURATION {
        return saturated(per_second, 12, "/s");
    }
    format!("{}/s", format_count(per_second))
}

/// A duration for people, in the unit that reads best: `850us`, `4.2ms`,
/// `1.5s`, `3d`; `unbounded` when infinite, `> 100y` beyond a century,
/// `< 1ns` below a nanosecond.
pub fn format_duration(seconds: f64) -> String {
    if seconds.is_nan() {
        return NOT_A_NUMBER.to_string();
    }
    if seconds.is_infinite() {
        return "unbounded".to_string();
    }
    let magnitude = seconds.abs();
    if magnitude == 0.0 {
        "0ms".to_string()
    } else if magnitude < 1e-9 {
        if seconds > 0.0 { "< 1ns" } else { "> -1ns" }.to_string()
    } else if magnitude < 1e-6 {
        format!("{}ns", trim_number(seconds * 1e9))
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
    } else if magnitude < 2.0 * SECONDS_PER_YEAR {
        format!("{}d", trim_number(seconds / SECONDS_PER_DAY))
    } else if magnitude <= 100.0 * SECONDS_PER_YEAR {
        format!("{}y", trim_number(seconds / SECONDS_PER_YEAR))
    } else if seconds > 0.0 {
        "> 100y".to_string()
    } else {
        "< -100y".to_string()
    }
}

/// A size for people, in decimal units: `3.4 TB`; beyond 10^21 bytes only
/// `> 10^21 B`.
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 7] = ["B", "KB", "MB", "GB", "TB", "PB", "EB"];
    if bytes.is_nan() {
        return NOT_A_NUMBER.to_string();
    }
    if bytes.abs() >= BYTES_SATURATION {
        return saturated(bytes, 21, " B");
    }
    let mut value = bytes;
    let mut unit = 0;
    while value.abs() >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{} {}", trim_number(value), UNITS[unit])
}

/// A fraction as a percentage with up to four decimals, so that nines stay
/// apart: `99.95%`, `97%`, `99.9987%`; beyond a million per cent only
/// `> 10^6%`.
pub fn format_percent(fraction: f64) -> String {
    if fraction.is_nan() {
        return NOT_A_NUMBER.to_string();
    }
    let percent = fraction * 100.0;
    if percent.abs() >= 1e6 {
        return saturated(percent, 6, "%");
    }
    // Four decimals tell nines apart; past a thousand per cent they are
    // noise.
    let decimals = if percent.abs() >= 1000.0 { 0 } else { 4 };
    let text = format!("{percent:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    // Four decimals round 99.99999% up to 100%: a figure below one must not
    // read as certainty (nor one above zero as none).
    match text {
        "100" if fraction < 1.0 => "> 99.9999%".to_string(),
        "0" if fraction > 0.0 => "< 0.0001%".to_string(),
        _ => format!("{text}%"),
    }
}

/// A relative change for people, signed, one decimal: `+12.5%`, `-3%`;
/// beyond a million per cent only `> 10^6%`.
pub fn format_change(fraction: f64) -> String {
    if fraction.is_nan() {
        return NOT_A_NUMBER.to_string();
    }
    let percent = fraction * 100.0;
    if percent.abs() >= 1e6 {
        return saturated(percent, 6, "%");
    }
    format!("{percent:+.1}%")
}

/// Three significant figures at most, without trailing zeros; beyond
/// 10^15 only `> 10^15`, and `n/a` for what is not a number.
pub fn trim_number(value: f64) -> String {
    if value.is_nan() {
        return NOT_A_NUMBER.to_string();
    }
    let magnitude = value.abs();
    if magnitude >= COUNT_SATURATION {
        return saturated(value, 15, "");
    }
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

/// A calendar date `YYYY-MM-DD` that exists (the Gregorian calendar, leap
/// years included): `2028-02-29` is one, `2027-02-29` and `9999-99-99`
/// are not.
pub fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return false;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1 && (1..=days).contains(&day)
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

    /// The ends of a window: a duration, or its start, zero with or
    /// without a unit; never a negative time or a zero in a unit that is
    /// none.
    #[test]
    fn instants() {
        assert_eq!(parse_instant("0"), Ok(0.0));
        assert_eq!(parse_instant("0s"), Ok(0.0));
        assert_eq!(parse_instant("0.0min"), Ok(0.0));
        assert_eq!(parse_instant("5m"), Ok(300.0));
        assert!(parse_instant("0parsecs").is_err());
        assert!(parse_instant("-1s").is_err());
        assert!(parse_instant("soon").is_err());
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
    fn costs_are_per_month_of_730_hours() {
        assert!((parse_cost("0.12/h").unwrap() - 87.6).abs() < 1e-9);
        assert_eq!(parse_cost("90/month"), Ok(90.0));
        assert_eq!(parse_cost("90/mo"), Ok(90.0));
        assert!((parse_cost("2.4/day").unwrap() - 73.0).abs() < 1e-9);
        assert_eq!(parse_cost("1200/year"), Ok(100.0));
        assert_eq!(parse_cost("1.2k/month"), Ok(1200.0));
        assert_eq!(parse_cost("0/h"), Ok(0.0));
        assert_eq!(parse_cost("90"), Err(QuantityError::Malformed));
        assert_eq!(parse_cost("$90/month"), Err(QuantityError::Malformed));
        assert_eq!(parse_cost("90/week"), Err(QuantityError::Malformed));
        assert_eq!(parse_cost("-1/h"), Err(QuantityError::NotPositive));
        assert_eq!(parse_cost("2B/month"), Err(QuantityError::TooLarge));
        assert_eq!(format_cost(87.6), "87.6/month");
        assert_eq!(format_cost(12_345.0), "12.3k/month");
    }

    #[test]
    fn formatting() {
        assert_eq!(format_rate(1234.0), "1234/s");
        assert_eq!(format_rate(12_345.0), "12.3k/s");
        assert_eq!(format_rate(120_000.0), "120k/s");
        assert_eq!(format_duration(0.0042), "4.2ms");
        assert_eq!(format_duration(0.000_85), "850us");
        assert_eq!(format_bytes(3.4e12), "3.4 TB");
        assert_eq!(trim_number(1.5e300), "> 10^15");
        assert_eq!(trim_number(2e-9), "2.00e-9");
        assert_eq!(trim_number(0.0), "0");
        assert_eq!(format_percent(0.9995), "99.95%");
        assert_eq!(format_percent(0.97), "97%");
        assert_eq!(format_percent(0.999_987), "99.9987%");
    }

    /// Issue 14: `5e-3s` and `1e-3/s` were refused while `5e3us` was taken.
    #[test]
    fn signed_exponents_in_every_quantity() {
        assert_eq!(parse_duration("5e-3s"), Ok(5e-3));
        assert_eq!(parse_duration("5E+3us"), Ok(5e-3));
        assert_eq!(parse_rate("1e-3/s"), Ok(1e-3));
        assert_eq!(parse_rate("2.5e+3/min"), Ok(2500.0 / 60.0));
        assert_eq!(parse_count("1.5e-1k"), Ok(150.0));
        assert_eq!(parse_bytes("1e-3MB"), Ok(1000.0));
        assert_eq!(parse_percent("9.995e1%"), Ok(0.9995));
        assert_eq!(parse_percent("9.995e-1"), Ok(0.9995));
        // A sign that does not follow an exponent is still not a number.
        assert_eq!(parse_duration("5-3s"), Err(QuantityError::Malformed));
        assert_eq!(parse_duration("e-3s"), Err(QuantityError::Malformed));
    }

    /// Issue 14: `object_size: 1e300PB` was "not more than zero".
    #[test]
    fn every_kind_has_a_stated_maximum() {
        assert_eq!(parse_bytes("1e300PB"), Err(QuantityError::TooLarge));
        assert_eq!(parse_bytes("2EB"), Err(QuantityError::TooLarge));
        assert_eq!(parse_bytes("1000PB"), Ok(1e18));
        assert_eq!(parse_rate("2T/s"), Err(QuantityError::TooLarge));
        assert_eq!(parse_rate("1T/s"), Ok(1e12));
        assert_eq!(parse_rate("1e300/s"), Err(QuantityError::TooLarge));
        // A large count over a long period is a modest rate.
        assert_eq!(parse_rate("31.536e15/year"), Ok(1e9));
        assert_eq!(parse_duration("101y"), Err(QuantityError::TooLarge));
        assert_eq!(parse_duration("1e6s"), Ok(1e6));
        assert_eq!(parse_duration("0.1ns"), Err(QuantityError::TooSmall));
        assert_eq!(parse_count("2e15"), Err(QuantityError::TooLarge));
        assert_eq!(parse_percent("1e300%"), Err(QuantityError::AboveOne));
    }

    /// Issue 14: "about inf replicas", "∞B component visits", a
    /// 300-digit percentage and `1.00e299B/s`.
    #[test]
    fn figures_for_people_saturate() {
        assert_eq!(format_count(f64::INFINITY), "> 10^15");
        assert_eq!(format_count(1e300), "> 10^15");
        assert_eq!(format_count(-1e300), "< -10^15");
        assert_eq!(format_count(2.5e12), "2.5T");
        assert_eq!(format_count(f64::NAN), "n/a");
        assert_eq!(format_rate(1e308), "> 10^12/s");
        assert_eq!(format_rate(9.9e11), "990B/s");
        assert_eq!(format_duration(f64::INFINITY), "unbounded");
        assert_eq!(format_duration(1e300), "> 100y");
        assert_eq!(format_duration(5.0 * 365.0 * 86_400.0), "5y");
        assert_eq!(format_duration(5e-7), "500ns");
        assert_eq!(format_duration(1e-12), "< 1ns");
        assert_eq!(format_bytes(1e300), "> 10^21 B");
        assert_eq!(format_bytes(2e18), "2 EB");
        assert_eq!(format_percent(1e298), "> 10^6%");
        assert_eq!(format_percent(f64::NAN), "n/a");
        assert_eq!(format_change(1e298), "> 10^6%");
        assert_eq!(format_change(-0.5), "-50.0%");
        assert_eq!(format_change(0.125), "+12.5%");
        assert_eq!(trim_number(f64::NEG_INFINITY), "< -10^15");
    }

    #[test]
    fn dates_exist() {
        assert!(is_date("2027-03-31"));
        assert!(is_date("2028-02-29"));
        assert!(is_date("2000-02-29"));
        assert!(!is_date("1900-02-29"));
        assert!(!is_date("2027-02-29"));
        assert!(!is_date("2027-04-31"));
        assert!(!is_date("9999-99-99"));
        assert!(!is_date("2027-13-01"));
        assert!(!is_date("2027-00-10"));
        assert!(!is_date("27-03-31"));
        assert!(!is_date("2027-3-31"));
        assert!(!is_date("tomorrow"));
        assert!(!is_date("0000-01-01"));
    }

    proptest! {
        /// Whatever the value, a figure for people is short and names no
        /// infinity.
        #[test]
        fn figures_stay_short(value in prop::num::f64::ANY) {
            for text in [format_count(value), format_rate(value), format_duration(value), format_bytes(value), format_percent(value), format_change(value), trim_number(value)] {
                prop_assert!(text.chars().count() <= 12, "{text}");
                prop_assert!(!text.contains("inf") && !text.contains("NaN") && !text.contains('∞'), "{text}");
            }
        }

        #[test]
        fn no_parser_panics(text in "\\PC{0,24}") {
            for kind in [QuantityKind::Count, QuantityKind::Rate, QuantityKind::Duration, QuantityKind::Bytes, QuantityKind::Percent, QuantityKind::Cost] {
                if let Ok(value) = parse(kind, &text) {
                    prop_assert!(value.is_finite() && value >= 0.0 && value <= kind.maximum());
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
