//! The host's local time zone, read from /etc/localtime (TZif), so syslog's zone-less
//! timestamps can be written as UTC. Only what is certain is converted: the transition
//! table, and after it a fixed-offset footer; a DST rule beyond the table (only "slim"
//! TZif files stop early) gives no answer rather than a guess.

use super::probe::Ctx;

/// Where a local wall-clock time can be turned into UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LocalZone {
    Utc,
    Table(Table),
    /// The zone could not be read; the reason says why.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Table {
    /// (UTC second the offset starts, offset in seconds east of UTC)
    transitions: Vec<(i64, i32)>,
    /// Offset before the first transition.
    initial: i32,
    /// Offset after the last transition, when the footer gives a fixed one.
    tail: Option<i32>,
}

impl LocalZone {
    /// glibc uses UTC when /etc/localtime is absent, so absence is an answer.
    pub fn load(ctx: &Ctx) -> Self {
        match ctx.read("/etc/localtime") {
            Ok(bytes) => parse_tzif(&bytes).map_or_else(
                || LocalZone::Unknown("/etc/localtime is not a TZif file".into()),
                LocalZone::Table,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => LocalZone::Utc,
            Err(e) => LocalZone::Unknown(super::probe::cannot_read("/etc/localtime", &e, None)),
        }
    }

    /// Offset east of UTC at a UTC instant.
    pub fn offset_at(&self, utc: i64) -> Option<i32> {
        match self {
            LocalZone::Utc => Some(0),
            LocalZone::Unknown(_) => None,
            LocalZone::Table(t) => {
                let idx = t.transitions.partition_point(|(at, _)| *at <= utc);
                if idx == 0 {
                    return if t.transitions.is_empty() {
                        t.tail.or(Some(t.initial))
                    } else {
                        Some(t.initial)
                    };
                }
                if idx == t.transitions.len() {
                    return t.tail;
                }
                t.transitions.get(idx - 1).map(|(_, off)| *off)
            }
        }
    }

    /// UTC of a local wall-clock time (seconds as if the local time were UTC). In a
    /// fall-back hour the earlier reading wins; both are equally plausible.
    pub fn to_utc(&self, local: i64) -> Option<i64> {
        let guess = self.offset_at(local)?;
        let off = self.offset_at(local - i64::from(guess))?;
        Some(local - i64::from(off))
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_be_bytes(b.try_into().ok()?))
    }
    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.u32()?).ok()
    }
}

struct Header {
    isut: usize,
    isstd: usize,
    leap: usize,
    time: usize,
    types: usize,
    chars: usize,
}

fn header(c: &mut Cursor) -> Option<(u8, Header)> {
    if c.take(4)? != b"TZif" {
        return None;
    }
    let version = *c.take(1)?.first()?;
    c.take(15)?;
    Some((
        version,
        Header {
            isut: c.count()?,
            isstd: c.count()?,
            leap: c.count()?,
            time: c.count()?,
            types: c.count()?,
            chars: c.count()?,
        },
    ))
}

fn parse_tzif(bytes: &[u8]) -> Option<Table> {
    let mut c = Cursor { bytes, pos: 0 };
    let (version, mut h) = header(&mut c)?;
    let mut time_size = 4;
    if version >= b'2' {
        // Skip the 32-bit block: the 64-bit one after it covers all times.
        let v1 = h.time * 5 + h.types * 6 + h.chars + h.leap * 8 + h.isstd + h.isut;
        c.take(v1)?;
        h = header(&mut c)?.1;
        time_size = 8;
    }
    let mut times = Vec::with_capacity(h.time);
    for _ in 0..h.time {
        let b = c.take(time_size)?;
        times.push(if time_size == 8 {
            i64::from_be_bytes(b.try_into().ok()?)
        } else {
            i64::from(i32::from_be_bytes(b.try_into().ok()?))
        });
    }
    let idx = c.take(h.time)?.to_vec();
    let mut types = Vec::with_capacity(h.types);
    for _ in 0..h.types {
        let b = c.take(6)?;
        let off = i32::from_be_bytes(b.get(0..4)?.try_into().ok()?);
        let dst = b.get(4).copied()? != 0;
        types.push((off, dst));
    }
    c.take(h.chars + h.leap * (time_size + 4) + h.isstd + h.isut)?;
    let footer = c
        .bytes
        .get(c.pos..)
        .map(|rest| String::from_utf8_lossy(rest).trim().to_string());
    let transitions = times
        .into_iter()
        .zip(idx)
        .map(|(t, i)| types.get(usize::from(i)).map(|(off, _)| (t, *off)))
        .collect::<Option<Vec<_>>>()?;
    let initial = types
        .iter()
        .find(|(_, dst)| !dst)
        .or(types.first())
        .map(|(off, _)| *off)?;
    let tail = match footer.as_deref() {
        Some(f) if !f.is_empty() => fixed_offset(f),
        // A v1 file has no footer: its last type is all that is known.
        _ if version < b'2' && types.len() == 1 => Some(initial),
        _ => None,
    };
    Some(Table {
        transitions,
        initial,
        tail,
    })
}

/// The offset of a POSIX TZ string without daylight saving (`UTC0`, `<+03>-3`, `EST5`);
/// `None` for one with a DST part. POSIX offsets count west of UTC, hence the sign flip.
fn fixed_offset(tz: &str) -> Option<i32> {
    let rest = if let Some(r) = tz.strip_prefix('<') {
        r.split_once('>')?.1
    } else {
        tz.trim_start_matches(|c: char| c.is_ascii_alphabetic())
    };
    let (sign, digits) = match rest.strip_prefix('-') {
        Some(d) => (1, d),
        None => (-1, rest.strip_prefix('+').unwrap_or(rest)),
    };
    let end = digits
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(digits.len());
    if end != digits.len() {
        // Something follows the offset: a DST zone name, so the offset changes.
        return None;
    }
    let mut parts = digits.split(':').map(|p| p.parse::<i32>().ok());
    let h = parts.next().flatten()?;
    let m = parts.next().flatten().unwrap_or(0);
    let s = parts.next().flatten().unwrap_or(0);
    Some(sign * (h * 3600 + m * 60 + s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_footers() {
        assert_eq!(fixed_offset("UTC0"), Some(0));
        assert_eq!(fixed_offset("<+03>-3"), Some(3 * 3600));
        assert_eq!(fixed_offset("EST5"), Some(-5 * 3600));
        assert_eq!(fixed_offset("<+0530>-5:30"), Some(5 * 3600 + 1800));
        assert_eq!(fixed_offset("CET-1CEST,M3.5.0,M10.5.0/3"), None);
    }

    #[test]
    fn system_zone_files_parse_when_present() {
        // The test machine's tzdata, when installed; nothing to check otherwise.
        let Ok(bytes) = std::fs::read("/usr/share/zoneinfo/Europe/Berlin") else {
            return;
        };
        let zone = LocalZone::Table(parse_tzif(&bytes).unwrap());
        // 2026-07-01 12:00 UTC is summer time (+2), 2026-01-15 is winter (+1).
        assert_eq!(zone.offset_at(1_782_907_200), Some(7200));
        assert_eq!(zone.offset_at(1_768_478_400), Some(3600));
        // Local 14:00 on 2026-07-01 is 12:00 UTC.
        assert_eq!(zone.to_utc(1_782_907_200 + 7200), Some(1_782_907_200));
        if let Ok(bytes) = std::fs::read("/usr/share/zoneinfo/Etc/UTC") {
            let utc = LocalZone::Table(parse_tzif(&bytes).unwrap());
            assert_eq!(utc.to_utc(1_000), Some(1_000));
        }
    }

    #[test]
    fn garbage_is_not_a_zone() {
        assert!(parse_tzif(b"not a zone").is_none());
        assert!(parse_tzif(b"TZif2").is_none());
    }
}
