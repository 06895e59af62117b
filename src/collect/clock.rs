//! Calendar arithmetic for the collector: RFC 3339 and civil times to Unix seconds and back.
//! The collector never reads the clock; "now" is the caller's `collectedAt`.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix seconds of a civil date and time (no zone: the caller applies the offset).
pub(crate) fn unix(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    days_from_civil(y, mo, d) * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)
}

/// The year (UTC) of a Unix time. Mirrors `crate::time`'s private days-to-civil.
pub(crate) fn year_of(secs: i64) -> i64 {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let y = yoe + era * 400;
    if mp >= 10 {
        y + 1
    } else {
        y
    }
}

/// UTC RFC 3339 with seconds.
pub(crate) fn format(secs: i64) -> String {
    crate::time::rfc3339_from_unix(secs)
}

fn num<T: std::str::FromStr>(s: &str, from: usize, to: usize) -> Option<T> {
    s.get(from..to)?.parse().ok()
}

/// Unix seconds of an RFC 3339 timestamp (fractions dropped, offset applied).
pub(crate) fn parse_rfc3339(s: &str) -> Option<i64> {
    if !crate::time::is_rfc3339(s) {
        return None;
    }
    let base = unix(
        num(s, 0, 4)?,
        num(s, 5, 7)?,
        num(s, 8, 10)?,
        num(s, 11, 13)?,
        num(s, 14, 16)?,
        num(s, 17, 19)?,
    );
    let mut tail = s.get(19..)?;
    if let Some(frac) = tail.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        tail = frac.get(digits..)?;
    }
    if tail.eq_ignore_ascii_case("z") {
        return Some(base);
    }
    let sign = if tail.starts_with('-') { -1 } else { 1 };
    let h: i64 = num(tail, 1, 3)?;
    let m: i64 = num(tail, 4, 6)?;
    Some(base - sign * (h * 3600 + m * 60))
}

/// Month number of an English three-letter abbreviation, as syslog writes it.
pub(crate) fn month_number(abbr: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS
        .iter()
        .position(|m| *m == abbr)
        .and_then(|i| u32::try_from(i + 1).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_and_rfc3339_round_trip() {
        assert_eq!(unix(1970, 1, 1, 0, 0, 0), 0);
        assert_eq!(unix(2026, 11, 18, 11, 6, 40), 1_795_000_000);
        assert_eq!(parse_rfc3339("2026-11-18T11:06:40Z"), Some(1_795_000_000));
        assert_eq!(
            parse_rfc3339("2026-11-18T12:06:40.5+01:00"),
            Some(1_795_000_000)
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(format(1_795_000_000), "2026-11-18T11:06:40Z");
    }

    #[test]
    fn years_and_months() {
        assert_eq!(year_of(1_795_000_000), 2026);
        assert_eq!(year_of(unix(2024, 12, 31, 23, 59, 59)), 2024);
        assert_eq!(year_of(unix(2025, 1, 1, 0, 0, 0)), 2025);
        assert_eq!(year_of(unix(2024, 2, 29, 0, 0, 0)), 2024);
        assert_eq!(month_number("Nov"), Some(11));
        assert_eq!(month_number("nov"), None);
    }
}
