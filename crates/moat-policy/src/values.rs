//! Typed readings of condition values: dates, numbers, IP ranges.

use std::net::IpAddr;

/// Milliseconds since the epoch for an ISO 8601 date or date-time
/// (`2024-05-01`, `2024-05-01T12:00:00Z`, with fractions or an offset) or an
/// epoch time in seconds (`1714564800`), as IAM's date operators accept.
pub fn date_millis(text: &str) -> Option<i128> {
    let text = text.trim();
    if !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && !text[1..].contains('-')
    {
        return text.parse::<i128>().ok().map(|s| s * 1000);
    }
    let (date, time) = match text.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let mut millis = i128::from(days) * 86_400_000;
    if let Some(time) = time {
        let (clock, offset_minutes) = split_offset(time)?;
        let mut fields = clock.split(':');
        let hours: i128 = fields.next()?.parse().ok()?;
        let minutes: i128 = fields.next()?.parse().ok()?;
        let seconds = match fields.next() {
            Some(s) => s.parse::<f64>().ok()?,
            None => 0.0,
        };
        if fields.next().is_some() || hours > 24 || minutes > 59 || !(0.0..61.0).contains(&seconds)
        {
            return None;
        }
        millis += hours * 3_600_000 + minutes * 60_000;
        // Whole milliseconds: finer fractions do not change a comparison IAM documents.
        #[allow(clippy::cast_possible_truncation)]
        {
            millis += (seconds * 1000.0).round() as i128;
        }
        millis -= i128::from(offset_minutes) * 60_000;
    }
    Some(millis)
}

/// `12:00:00Z` -> (`12:00:00`, 0); `12:00+02:00` -> (`12:00`, 120).
fn split_offset(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    if let Some(at) = time.rfind(['+', '-']) {
        let (clock, offset) = time.split_at(at);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let offset = &offset[1..];
        let (h, m) = match offset.split_once(':') {
            Some((h, m)) => (h, m),
            None if offset.len() == 4 => offset.split_at(2),
            None => (offset, "0"),
        };
        let minutes = h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?;
        return Some((clock, sign * minutes));
    }
    // No zone: read as UTC.
    Some((time, 0))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's method).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A number as IAM's numeric operators read it (integers and decimals).
pub fn number(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() || text.contains(['e', 'E', 'i', 'I', 'n', 'N']) {
        return None;
    }
    text.parse::<f64>().ok()
}

/// An IP range: `10.0.0.0/8`, `2001:db8::/32`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    pub address: IpAddr,
    pub prefix: u8,
}

impl IpRange {
    pub fn parse(text: &str) -> Option<IpRange> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(IpRange { address, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn dates_in_every_form_agree() {
        let a = date_millis("2024-05-01T12:00:00Z").unwrap();
        assert_eq!(date_millis("1714564800").unwrap(), a);
        assert_eq!(date_millis("2024-05-01T14:00:00+02:00").unwrap(), a);
        assert_eq!(date_millis("2024-05-01T12:00:00.000Z").unwrap(), a);
        assert_eq!(date_millis("2024-05-01").unwrap() + 12 * 3_600_000, a);
        assert!(date_millis("2024-13-01").is_none());
        assert!(date_millis("yesterday").is_none());
    }

    #[test]
    fn ranges_contain_their_addresses() {
        let r = IpRange::parse("203.0.113.0/24").unwrap();
        assert!(r.contains("203.0.113.9".parse().unwrap()));
        assert!(!r.contains("203.0.114.9".parse().unwrap()));
        let r = IpRange::parse("2001:db8::/32").unwrap();
        assert!(r.contains("2001:db8:1::1".parse().unwrap()));
        assert!(
            IpRange::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert!(IpRange::parse("10.0.0.0/33").is_none());
    }
}
