//! Calendar days without a clock: the core is given `now`, never reads it. Shared by reviews
//! (dates) and collection (audit-record times).
//!
//! Reviews are due on days, not instants, so a date is a count of days since 1970-01-01 (civil
//! calendar, proleptic Gregorian). Parsing accepts `YYYY-MM-DD` and the date part of an RFC 3339
//! timestamp, since Jira and the edges speak timestamps.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    pub input: String,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a date; use YYYY-MM-DD or an RFC 3339 timestamp", self.input)
    }
}

impl std::error::Error for DateError {}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil). Does not check
/// that the day exists in the month: [`Date::from_ymd`] does.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    pub fn from_ymd(y: i64, m: i64, d: i64) -> Option<Date> {
        ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then(|| Date(days_from_civil(y, m, d)))
    }

    pub fn from_days(days: i64) -> Date {
        Date(days)
    }

    pub fn days(self) -> i64 {
        self.0
    }

    pub fn parse(input: &str) -> Result<Date, DateError> {
        let error = || DateError { input: input.to_owned() };
        let text = input.trim();
        let date = text.get(..10).ok_or_else(error)?;
        let rest = text.get(10..).unwrap_or_default();
        if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
            return Err(error());
        }
        let mut parts = date.split('-');
        let mut next = |len: usize| -> Result<i64, DateError> {
            let part = parts.next().ok_or_else(error)?;
            if part.len() != len || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(error());
            }
            part.parse().map_err(|_| error())
        };
        let (y, m, d) = (next(4)?, next(2)?, next(2)?);
        Date::from_ymd(y, m, d).ok_or_else(error)
    }

    pub fn add_days(self, days: i64) -> Date {
        Date(self.0.saturating_add(days))
    }

    /// Adds calendar months, clamping the day (31 January + 1 month = 28 or 29 February).
    pub fn add_months(self, months: i64) -> Date {
        let (y, m, d) = civil_from_days(self.0);
        let total = y * 12 + (m - 1) + months;
        let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
        Date(days_from_civil(y, m, d.min(days_in_month(y, m))))
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.0 - self.0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        let start = Date::parse("1900-01-01").unwrap();
        for n in 0..146_097 {
            let day = start.add_days(n);
            assert_eq!(Date::parse(&day.to_string()).unwrap(), day);
        }
    }

    #[test]
    fn months_clamp_to_the_last_day() {
        let jan31 = Date::parse("2024-01-31").unwrap();
        assert_eq!(jan31.add_months(1).to_string(), "2024-02-29");
        assert_eq!(jan31.add_months(13).to_string(), "2025-02-28");
        assert_eq!(jan31.add_months(-2).to_string(), "2023-11-30");
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in ["2024-02-30", "2024-13-01", "24-01-01", "2024-01-01x", "", "2024/01/01"] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Date::parse("2026-03-01T10:00:00Z").unwrap().to_string(), "2026-03-01");
    }
}
