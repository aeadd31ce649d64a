//! Calendar days without a clock: the core is given `now`, never reads it. Shared by reviews
//! (dates) and collection (audit-record times).
//!
//! Reviews are due on days, not instants, so a date is a civil date (proleptic Gregorian, years
//! -9999 to 9999: jiff's calendar arithmetic). Parsing accepts `YYYY-MM-DD` and the date part of
//! an RFC 3339 timestamp, since Jira and the edges speak timestamps.

use std::fmt;

use jiff::civil;
use jiff::{SignedDuration, Span};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(civil::Date);

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

const EPOCH: civil::Date = civil::Date::constant(1970, 1, 1);

/// The calendar's first or last day, for arithmetic that runs past it.
fn bound(negative: bool) -> civil::Date {
    if negative { civil::Date::MIN } else { civil::Date::MAX }
}

impl Date {
    /// The date, if the day exists in the month.
    pub fn from_ymd(y: i64, m: i64, d: i64) -> Option<Date> {
        let (y, m, d) = (i16::try_from(y).ok()?, i8::try_from(m).ok()?, i8::try_from(d).ok()?);
        civil::Date::new(y, m, d).ok().map(Date)
    }

    /// Days since 1970-01-01, clamped to the calendar's range.
    pub fn from_days(days: i64) -> Date {
        Date(EPOCH).add_days(days)
    }

    pub fn days(self) -> i64 {
        self.0.duration_since(EPOCH).as_hours() / 24
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

    /// Adds days, clamped to the calendar's range.
    pub fn add_days(self, days: i64) -> Date {
        let duration = SignedDuration::try_from_hours(days.saturating_mul(24));
        Date(duration.map_or_else(|| bound(days < 0), |d| self.0.saturating_add(d)))
    }

    /// Adds calendar months, clamping the day (31 January + 1 month = 28 or 29 February).
    pub fn add_months(self, months: i64) -> Date {
        let span = Span::new().try_months(months);
        Date(span.map_or_else(|_| bound(months < 0), |s| self.0.saturating_add(s)))
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        self.0.duration_until(later.0).as_hours() / 24
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
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
    fn days_count_from_the_epoch_and_clamp_to_the_calendar() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::parse("2026-11-23").unwrap().days(), 20_780);
        assert_eq!(Date::from_days(-1).to_string(), "1969-12-31");
        assert_eq!(Date::from_days(i64::MAX).to_string(), "9999-12-31");
        assert_eq!(Date::from_days(0).add_months(i64::MIN), Date::from_days(i64::MIN));
        let day = Date::parse("2024-03-01").unwrap();
        assert_eq!(day.days_until(day.add_days(-30)), -30);
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in ["2024-02-30", "2024-13-01", "24-01-01", "2024-01-01x", "", "2024/01/01"] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Date::parse("2026-03-01T10:00:00Z").unwrap().to_string(), "2026-03-01");
    }
}
