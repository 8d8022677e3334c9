//! `--since 30d` / `--since 2026-10-01`: the start of a report window.

use crate::error::{Error, Result};
use jiff::{SignedDuration, Timestamp};

/// A point in time given as an age (`12h`, `30d`, `4w`: that long before `now`), a date
/// (`2026-10-01`, midnight UTC) or an RFC 3339 timestamp.
pub fn parse_point(text: &str, now: Timestamp, flag: &str) -> Result<Timestamp> {
    let text = text.trim();
    let bad = || {
        Error::usage(format!(
            "{flag} {text:?}: expected an age such as 30d, 4w or 12h, a date such as \
             2026-10-01, or a timestamp such as 2026-10-01T08:00:00Z"
        ))
    };
    if let Some(unit) = text.chars().last().filter(|c| c.is_ascii_alphabetic()) {
        let number = &text[..text.len() - 1];
        if let Ok(n) = number.parse::<u32>() {
            let hours = match unit {
                'h' => 1,
                'd' => 24,
                'w' => 24 * 7,
                _ => return Err(bad().into()),
            };
            let age = SignedDuration::from_hours(i64::from(n) * hours);
            return Ok(now.checked_sub(age).map_err(|_| bad())?);
        }
    }
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    if let Ok(d) = text.parse::<jiff::civil::Date>() {
        return Ok(jiff::tz::Offset::UTC
            .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            .map_err(|_| bad())?);
    }
    Err(bad().into())
}

#[cfg(test)]
mod tests {
    use super::parse_point;
    use jiff::Timestamp;

    #[test]
    fn ages_dates_and_timestamps() {
        let now: Timestamp = "2026-11-27T12:00:00Z".parse().unwrap();
        let p = |s| parse_point(s, now, "--since").unwrap().to_string();
        assert_eq!(p("30d"), "2026-10-28T12:00:00Z");
        assert_eq!(p("2w"), "2026-11-13T12:00:00Z");
        assert_eq!(p("12h"), "2026-11-27T00:00:00Z");
        assert_eq!(p("2026-10-01"), "2026-10-01T00:00:00Z");
        assert_eq!(p("2026-10-01T08:30:00+02:00"), "2026-10-01T06:30:00Z");
        for bad in ["", "30", "3y", "yesterday", "2026-13-01"] {
            let err = parse_point(bad, now, "--since").unwrap_err().to_string();
            assert!(err.contains("--since"), "{bad}: {err}");
        }
    }
}
