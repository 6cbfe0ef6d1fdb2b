//! Lenient date parsing: OCDS dates with or without time and time zone.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Milliseconds since the Unix epoch (UTC) of an OCDS date, or `None` if it does not parse.
///
/// Accepts RFC 3339 (`2020-01-31T10:00:00Z`, `2020-01-31T10:00:00+07:00`), a date-time with
/// no zone (taken as UTC), a zone written without a colon (`+0700`), a space instead of `T`,
/// fractional seconds, and a bare date (midnight UTC).
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(date_time) = DateTime::parse_from_rfc3339(text) {
        return Some(date_time.timestamp_millis());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(date_time) = DateTime::parse_from_str(text, format) {
            return Some(date_time.timestamp_millis());
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(date_time) = NaiveDateTime::parse_from_str(text, format) {
            return Some(date_time.and_utc().timestamp_millis());
        }
    }
    // A bare date, possibly followed by a zone (`2020-01-31Z`).
    let date_part = text.get(..10)?;
    let rest = &text[10..];
    if rest.is_empty() || rest == "Z" {
        return NaiveDate::parse_from_str(date_part, "%Y-%m-%d")
            .ok()
            .and_then(|date| date.and_hms_opt(0, 0, 0))
            .map(|date_time| date_time.and_utc().timestamp_millis());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::parse_timestamp;

    #[test]
    fn dates_with_and_without_time_and_zone() {
        let utc = parse_timestamp("2000-01-01T18:00:00Z").unwrap();
        assert_eq!(parse_timestamp("2000-01-01T18:00:00"), Some(utc));
        assert_eq!(parse_timestamp("2000-01-01 18:00:00"), Some(utc));
        assert_eq!(parse_timestamp("2000-01-02T01:00:00+07:00"), Some(utc));
        assert_eq!(parse_timestamp("2000-01-02T01:00:00+0700"), Some(utc));
        assert_eq!(parse_timestamp("2000-01-01T18:00:00.000Z"), Some(utc));
        assert_eq!(parse_timestamp("2000-01-01").unwrap(), utc - 18 * 3_600_000);
        assert_eq!(parse_timestamp("invalid"), None);
        assert_eq!(parse_timestamp("2000-13-01"), None);
    }
}
