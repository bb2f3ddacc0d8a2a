//! Representative request values for the typed condition operators: every
//! cell of the partition the policy's values make of numbers, dates and IP
//! addresses, plus a value of no type at all.

use crate::values::{IpRange, date_millis, number};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A value that is no number, date or address (and matches few strings).
pub const UNTYPED: &str = "moat-value";

/// Each bound, a number between each two, one below and one above. Returns
/// false when a representative could not be written exactly.
pub fn numbers(bounds: &[f64], out: &mut Vec<String>) -> bool {
    let mut b: Vec<f64> = bounds.iter().copied().filter(|x| x.is_finite()).collect();
    b.sort_by(f64::total_cmp);
    b.dedup();
    let (Some(&lo), Some(&hi)) = (b.first(), b.last()) else {
        return true;
    };
    let mut picks = vec![lo - lo.abs().max(1.0), hi + hi.abs().max(1.0)];
    for w in b.windows(2) {
        let mid = w[0] / 2.0 + w[1] / 2.0;
        if mid > w[0] && mid < w[1] {
            picks.push(mid);
        }
    }
    picks.extend(&b);
    let mut exact = true;
    for x in picks {
        let text = format!("{x}");
        if number(&text) == Some(x) {
            out.push(text);
        } else {
            exact = false;
        }
    }
    exact
}

/// Each bound and the millisecond on either side (dates compare in whole
/// milliseconds). Returns false when one cannot be written as a date.
pub fn dates(bounds: &[i128], out: &mut Vec<String>) -> bool {
    let mut exact = true;
    for b in bounds {
        for x in [*b - 1, *b, *b + 1] {
            match iso(x) {
                Some(text) if date_millis(&text) == Some(x) => out.push(text),
                _ => exact = false,
            }
        }
    }
    exact
}

/// For a key compared both as a number and as a date (`aws:EpochTime`): an
/// integer reads as both (a date in epoch seconds), a decimal only as a
/// number, an ISO date only as a date. So besides each kind's own values,
/// the integers around every threshold of either kind (numeric bounds and
/// date bounds in seconds) and each numeric value written as a decimal
/// (`5.0`) meet every combination.
pub fn epochs(bounds: &[f64], instants: &[i128], out: &mut Vec<String>) {
    let mut thresholds: Vec<f64> = bounds.iter().copied().filter(|b| b.is_finite()).collect();
    #[allow(clippy::cast_precision_loss)]
    thresholds.extend(instants.iter().map(|ms| *ms as f64 / 1000.0));
    for t in thresholds {
        let (lo, hi) = (t.floor(), t.ceil());
        for x in [lo - 1.0, lo, hi, hi + 1.0] {
            if x.abs() < 1e15 {
                #[allow(clippy::cast_possible_truncation)]
                out.push(format!("{}", x as i64));
            }
        }
    }
    let mut decimals = Vec::new();
    numbers(bounds, &mut decimals);
    for d in decimals {
        if !d.contains('.') {
            out.push(format!("{d}.0"));
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for milliseconds since the epoch (years 0-9999).
fn iso(millis: i128) -> Option<String> {
    let days = i64::try_from(millis.div_euclid(86_400_000)).ok()?;
    let rest = millis.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return None;
    }
    let (h, rest) = (rest / 3_600_000, rest % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1000, rest % 1000);
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{ms:03}Z"
    ))
}

/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// CIDR ranges nest or are disjoint, so each cell of their partition (a range
/// less the ranges inside it, or the space outside all) holds a range's first
/// or last address or the address just outside a range.
pub fn addresses(ranges: &[IpRange], out: &mut Vec<String>) {
    let mut v4 = false;
    let mut v6 = false;
    for r in ranges {
        match r.address {
            IpAddr::V4(a) => {
                v4 = true;
                let mask = u32::MAX.checked_shl(32 - u32::from(r.prefix)).unwrap_or(0);
                let start = u32::from(a) & mask;
                let end = start | !mask;
                let mut push = |x: Option<u32>| {
                    if let Some(x) = x {
                        out.push(Ipv4Addr::from(x).to_string());
                    }
                };
                push(Some(start));
                push(Some(end));
                push(start.checked_sub(1));
                push(end.checked_add(1));
            }
            IpAddr::V6(a) => {
                v6 = true;
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(r.prefix))
                    .unwrap_or(0);
                let start = u128::from(a) & mask;
                let end = start | !mask;
                let mut push = |x: Option<u128>| {
                    if let Some(x) = x {
                        out.push(Ipv6Addr::from(x).to_string());
                    }
                };
                push(Some(start));
                push(Some(end));
                push(start.checked_sub(1));
                push(end.checked_add(1));
            }
        }
    }
    if v4 {
        out.extend(["0.0.0.0".to_string(), "255.255.255.255".to_string()]);
    }
    if v6 {
        out.extend(["::".to_string(), Ipv6Addr::from(u128::MAX).to_string()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_cover_every_interval() {
        let mut out = Vec::new();
        assert!(numbers(&[1.0, 2.0], &mut out));
        for want in ["0", "1", "1.5", "2", "4"] {
            assert!(out.contains(&want.to_string()), "{out:?}");
        }
    }

    #[test]
    fn dates_round_trip() {
        let b = date_millis("2024-05-01T12:00:00Z").unwrap_or_default();
        let mut out = Vec::new();
        assert!(dates(&[b], &mut out));
        assert_eq!(out[1], "2024-05-01T12:00:00.000Z");
        assert_eq!(out[0], "2024-05-01T11:59:59.999Z");
    }

    #[test]
    fn epochs_meet_every_mix_of_number_and_date() {
        let bounds = [100.5, 1_704_067_200.0, 7.0];
        let instants = [1_704_067_200_000i128, 5_000, 1_700_000_000_500];
        let outcome = |v: &str| {
            let n = number(v);
            let d = date_millis(v);
            let mut o: Vec<Option<std::cmp::Ordering>> = Vec::new();
            o.extend(bounds.iter().map(|b| n.and_then(|n| n.partial_cmp(b))));
            o.extend(instants.iter().map(|i| d.map(|d| d.cmp(i))));
            o
        };
        let mut out = vec![UNTYPED.to_string()];
        numbers(&bounds, &mut out);
        dates(&instants, &mut out);
        epochs(&bounds, &instants, &mut out);
        let found: std::collections::HashSet<_> = out.iter().map(|v| outcome(v)).collect();
        let mut probes: Vec<String> = Vec::new();
        for center in [0i64, 5, 7, 100, 101, 1_700_000_000, 1_704_067_200] {
            for delta in -3..=3 {
                probes.push(format!("{}", center + delta));
                probes.push(format!("{}.5", center + delta));
                probes.push(format!("{}.0", center + delta));
            }
        }
        probes.extend(
            [
                "2023-12-31T23:59:59Z",
                "2024-01-01",
                "1970-01-01T00:00:05Z",
                "x",
            ]
            .map(String::from),
        );
        for p in probes {
            assert!(
                found.contains(&outcome(&p)),
                "{p} has an outcome no candidate has"
            );
        }
    }

    #[test]
    fn addresses_reach_every_cell() {
        let ranges: Vec<IpRange> = ["10.0.0.0/8", "10.1.0.0/16"]
            .iter()
            .filter_map(|r| IpRange::parse(r))
            .collect();
        let mut out = Vec::new();
        addresses(&ranges, &mut out);
        let ips: Vec<IpAddr> = out.iter().filter_map(|s| s.parse().ok()).collect();
        let cell = |ip: &IpAddr| (ranges[0].contains(*ip), ranges[1].contains(*ip));
        let cells: std::collections::HashSet<_> = ips.iter().map(cell).collect();
        assert_eq!(cells.len(), 3);
    }
}
