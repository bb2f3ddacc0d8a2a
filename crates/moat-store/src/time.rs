//! Timestamps: UTC, RFC 3339 with milliseconds (`2026-12-08T01:02:03.456Z`). The
//! width is fixed, so comparing two as strings orders them in time.

use moat_model::decision::day_from_unix_days;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The current time. A clock set before 1970 reads as 1970-01-01.
pub(crate) fn now() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    format_unix_millis(since.as_millis())
}

pub(crate) fn format_unix_millis(millis: u128) -> String {
    let secs = millis / 1000;
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let of_day = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}.{:03}Z",
        day_from_unix_days(days),
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60,
        millis % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(format_unix_millis(0), "1970-01-01T00:00:00.000Z");
        // 2026-12-08T01:02:03.456Z
        assert_eq!(
            format_unix_millis(1_796_691_723_456),
            "2026-12-08T01:02:03.456Z"
        );
        let now = now();
        assert_eq!(now.len(), 24);
        assert!(now.ends_with('Z'));
    }
}
