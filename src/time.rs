//! Dates and times without a clock: parsing and checking RFC 3339 timestamps and dates.
//! Reading the clock happens only in `commands`.

/// True for a valid calendar date `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    parse_date(s).is_some()
}

/// (year, month, day) of a valid `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<(i64, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let y: i64 = s.get(0..4)?.parse().ok()?;
    let m: u32 = s.get(5..7)?.parse().ok()?;
    let d: u32 = s.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some((y, m, d))
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Checks an RFC 3339 timestamp (`2026-11-26T05:00:00Z`, offsets and fractions allowed).
pub fn is_rfc3339(s: &str) -> bool {
    let Some(date) = s.get(0..10) else {
        return false;
    };
    if parse_date(date).is_none() {
        return false;
    }
    let Some(rest) = s.get(10..) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(['T', 't']) else {
        return false;
    };
    let time = rest.get(0..8).unwrap_or("");
    let parts: Vec<&str> = time.split(':').collect();
    let ok_time = parts.len() == 3
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|c| c.is_ascii_digit()))
        && parts
            .first()
            .and_then(|h| h.parse::<u32>().ok())
            .is_some_and(|h| h < 24)
        && parts
            .get(1)
            .and_then(|m| m.parse::<u32>().ok())
            .is_some_and(|m| m < 60)
        && parts
            .get(2)
            .and_then(|s| s.parse::<u32>().ok())
            .is_some_and(|s| s <= 60);
    if !ok_time {
        return false;
    }
    let mut tail = rest.get(8..).unwrap_or("");
    if let Some(frac) = tail.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        tail = frac.get(digits..).unwrap_or("");
    }
    match tail {
        "Z" | "z" => true,
        t => {
            let b = t.as_bytes();
            b.len() == 6
                && matches!(b.first(), Some(b'+' | b'-'))
                && b.get(3) == Some(&b':')
                && t.get(1..3)
                    .and_then(|h| h.parse::<u32>().ok())
                    .is_some_and(|h| h < 24)
                && t.get(4..6)
                    .and_then(|m| m.parse::<u32>().ok())
                    .is_some_and(|m| m < 60)
        }
    }
}

/// Seconds since the Unix epoch of an RFC 3339 timestamp (fractions dropped, offset applied).
pub fn unix_seconds(s: &str) -> Option<i64> {
    if !is_rfc3339(s) {
        return None;
    }
    let (y, m, d) = parse_date(s.get(0..10)?)?;
    let h: i64 = s.get(11..13)?.parse().ok()?;
    let mi: i64 = s.get(14..16)?.parse().ok()?;
    let se: i64 = s.get(17..19)?.parse().ok()?;
    let tail = s.get(19..)?;
    let tail = tail
        .strip_prefix('.')
        .map_or(tail, |f| f.trim_start_matches(|c: char| c.is_ascii_digit()));
    let offset = match tail {
        "Z" | "z" => 0,
        t => {
            let sign = if t.starts_with('-') { -1 } else { 1 };
            let oh: i64 = t.get(1..3)?.parse().ok()?;
            let om: i64 = t.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + se - offset)
}

// Howard Hinnant's days-from-civil algorithm.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let (m, d) = (i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The current UTC time as RFC 3339 with seconds, from a Unix timestamp.
pub fn rfc3339_from_unix(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2027-13-01"));
        assert!(!is_date("27-01-31"));
    }

    #[test]
    fn rfc3339_forms() {
        assert!(is_rfc3339("2026-11-26T05:00:00Z"));
        assert!(is_rfc3339("2026-11-26T05:00:00.123+01:00"));
        assert!(!is_rfc3339("2026-11-26 05:00:00"));
        assert!(!is_rfc3339("2026-11-26T25:00:00Z"));
        assert!(!is_rfc3339("yesterday"));
    }

    #[test]
    fn rfc3339_to_unix_and_back() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2026-11-18T11:06:40Z"), Some(1_795_000_000));
        assert_eq!(
            unix_seconds("2026-11-18T12:06:40.5+01:00"),
            Some(1_795_000_000)
        );
        assert_eq!(unix_seconds("1969-12-31T23:00:00-01:00"), Some(0));
        assert_eq!(unix_seconds("not a time"), None);
        for t in [0_i64, 951_782_400, 1_795_000_000, 4_102_444_800] {
            assert_eq!(unix_seconds(&rfc3339_from_unix(t)), Some(t));
        }
    }

    #[test]
    fn unix_time_formats_as_utc() {
        assert_eq!(rfc3339_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_from_unix(1_795_000_000), "2026-11-18T11:06:40Z");
    }
}
