//! `events.authentication`: sshd logins and failures with account and source address.
//!
//! Read from /var/log/auth.log (Debian, Ubuntu) or /var/log/secure (RHEL family); when
//! neither exists, or they cannot be read, from `journalctl -u ssh.service -u sshd.service
//! -o json` if commands may run. The newest [`MAX_EVENTS`] events are kept.
//!
//! Recognised sshd messages: `Accepted <method> for <user> from <ip>` (success),
//! `Failed <method> for [invalid user] <user> from <ip>` (failure) and `Invalid user <user>
//! from <ip>` (failure with a null method: it marks the connection, and the attempts that
//! follow are logged separately, so count attempts with `method != null`).
//!
//! Timestamps become UTC RFC 3339. High-precision syslog stamps carry their offset.
//! Traditional ones (`Nov 25 21:58:02`) carry neither year nor zone: the zone is the host's
//! /etc/localtime, the year is the year of `now`, or the year before when that would put
//! the event after `now`. When the local zone cannot be read, `time` is null and
//! `localTime` keeps the wall-clock reading.

use std::collections::VecDeque;
use std::io;

use serde_json::{json, Map, Value};

use super::authlog;
use super::clock;
use super::probe::{cannot_read, Ctx, Probe};
use super::tz::LocalZone;

pub(crate) const MAX_EVENTS: usize = 10_000;
const LOGS: &[&str] = &["/var/log/auth.log", "/var/log/secure"];
const JOURNAL_ARGS: &[&str] = &[
    "-u",
    "ssh.service",
    "-u",
    "sshd.service",
    "-o",
    "json",
    "--no-pager",
    "-n",
    "10000",
];

/// One authentication event (before its time is rendered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthEvent {
    pub result: &'static str,
    pub user: String,
    pub source: Option<String>,
    pub method: Option<String>,
    pub invalid_user: bool,
}

/// Parses the message part of an sshd log line.
pub(crate) fn parse_message(msg: &str) -> Option<AuthEvent> {
    let msg = msg.trim();
    let (result, rest, method) = if let Some(rest) = msg.strip_prefix("Accepted ") {
        let (method, rest) = rest.split_once(" for ")?;
        ("success", rest, Some(method.to_string()))
    } else if let Some(rest) = msg.strip_prefix("Failed ") {
        let (method, rest) = rest.split_once(" for ")?;
        ("failure", rest, Some(method.to_string()))
    } else if let Some(rest) = msg.strip_prefix("Invalid user ") {
        let (user, rest) = split_from(rest)?;
        return Some(AuthEvent {
            result: "failure",
            user: user.to_string(),
            source: source(rest),
            method: None,
            invalid_user: true,
        });
    } else {
        return None;
    };
    let (invalid_user, rest) = match rest.strip_prefix("invalid user ") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let (user, rest) = split_from(rest)?;
    Some(AuthEvent {
        result,
        user: user.to_string(),
        source: source(rest),
        method,
        invalid_user,
    })
}

/// `<user> from <ip> port N ...`; the user may be empty (`Invalid user  from ...`).
fn split_from(s: &str) -> Option<(&str, &str)> {
    let i = s.rfind(" from ")?;
    Some((s.get(..i)?.trim(), s.get(i + 6..)?))
}

fn source(rest: &str) -> Option<String> {
    let ip = rest.split_whitespace().next()?;
    ip.parse::<std::net::IpAddr>().ok().map(|a| a.to_string())
}

/// A syslog line split into (timestamp text, program, message).
fn split_syslog(line: &str) -> Option<(Stamp<'_>, &str, &str)> {
    let (stamp, rest) = if line.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        let (s, rest) = line.split_once(' ')?;
        (Stamp::Rfc3339(s), rest)
    } else {
        // "Nov 25 21:58:02" is 15 characters; days are space-padded ("Nov  5").
        (Stamp::Traditional(line.get(..15)?), line.get(16..)?)
    };
    let (_host, rest) = rest.split_once(' ')?;
    let (tag, msg) = rest.split_once(": ")?;
    let program = tag.split('[').next()?;
    Some((stamp, program, msg))
}

enum Stamp<'a> {
    Rfc3339(&'a str),
    Traditional(&'a str),
}

/// Renders a time: (UTC RFC 3339 or null, local reading when the zone was unknown).
struct Clock<'a> {
    zone: &'a LocalZone,
    now: Option<i64>,
}

impl Clock<'_> {
    fn resolve(&self, stamp: &Stamp) -> (Option<i64>, Option<String>) {
        match stamp {
            Stamp::Rfc3339(s) => (clock::parse_rfc3339(s), None),
            Stamp::Traditional(s) => {
                let mut words = s.split_whitespace();
                let (Some(mon), Some(day), Some(time)) = (words.next(), words.next(), words.next())
                else {
                    return (None, None);
                };
                let (Some(mon), Ok(day)) = (clock::month_number(mon), day.parse::<u32>()) else {
                    return (None, None);
                };
                let hms: Vec<u32> = time.split(':').filter_map(|p| p.parse().ok()).collect();
                let [h, mi, sec] = hms.as_slice() else {
                    return (None, None);
                };
                let Some(now) = self.now else {
                    return (None, None);
                };
                let year = clock::year_of(now);
                let at = |y: i64| self.zone.to_utc(clock::unix(y, mon, day, *h, *mi, *sec));
                match at(year) {
                    Some(t) if t > now => (at(year - 1), None),
                    Some(t) => (Some(t), None),
                    None => {
                        let local = format!("{year:04}-{mon:02}-{day:02}T{h:02}:{mi:02}:{sec:02}");
                        (None, Some(local))
                    }
                }
            }
        }
    }
}

fn to_json(time: Option<i64>, local: Option<String>, e: &AuthEvent) -> Value {
    let mut m = Map::new();
    m.insert("time".into(), json!(time.map(clock::format)));
    if let Some(l) = local {
        m.insert("localTime".into(), json!(l));
    }
    m.insert("result".into(), json!(e.result));
    m.insert("user".into(), json!(e.user));
    m.insert("sourceAddress".into(), json!(e.source));
    m.insert("method".into(), json!(e.method));
    m.insert("invalidUser".into(), json!(e.invalid_user));
    m.insert("service".into(), json!("sshd"));
    Value::Object(m)
}

fn is_sshd(program: &str) -> bool {
    program == "sshd" || program == "sshd-session"
}

fn push(events: &mut VecDeque<Value>, v: Value) {
    if events.len() == MAX_EVENTS {
        events.pop_front();
    }
    events.push_back(v);
}

/// Everything one log gives, each list the newest [`MAX_EVENTS`], oldest first.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub auth: VecDeque<Value>,
    pub privilege: VecDeque<Value>,
    pub accounts: VecDeque<Value>,
}

impl Parsed {
    /// Files one record by its program: sshd logins, sudo/su use, account changes.
    fn add(&mut self, program: &str, msg: &str, time: Option<i64>, local: Option<String>) {
        if is_sshd(program) {
            if let Some(e) = parse_message(msg) {
                push(&mut self.auth, to_json(time, local, &e));
            }
            return;
        }
        if !authlog::PROGRAMS.contains(&program) {
            return;
        }
        let stamped = |mut m: Map<String, Value>| {
            m.insert("time".into(), json!(time.map(clock::format)));
            if let Some(l) = &local {
                m.insert("localTime".into(), json!(l));
            }
            Value::Object(m)
        };
        if let Some(m) = authlog::privilege(program, msg) {
            push(&mut self.privilege, stamped(m));
        } else if let Some(m) = authlog::account_change(program, msg) {
            push(&mut self.accounts, stamped(m));
        }
    }
}

pub(crate) fn parse_all(text: &str, zone: &LocalZone, now: Option<i64>) -> Parsed {
    let clock = Clock { zone, now };
    let mut parsed = Parsed::default();
    for line in text.lines() {
        let Some((stamp, program, msg)) = split_syslog(line) else {
            continue;
        };
        if !is_sshd(program) && !authlog::PROGRAMS.contains(&program) {
            continue;
        }
        let (t, local) = clock.resolve(&stamp);
        parsed.add(program, msg, t, local);
    }
    parsed
}

/// The logins of a log (what the tests of the sshd parser look at).
#[cfg(test)]
pub(crate) fn parse_log(text: &str, zone: &LocalZone, now: Option<i64>) -> Vec<Value> {
    parse_all(text, zone, now).auth.into()
}

/// journalctl's JSON lines: MESSAGE (text or byte array), __REALTIME_TIMESTAMP (µs).
pub(crate) fn parse_journal_all(out: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for line in out.lines() {
        let Ok(rec) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let ident = rec
            .get("SYSLOG_IDENTIFIER")
            .and_then(Value::as_str)
            .unwrap_or("sshd");
        let msg = match rec.get("MESSAGE") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(bytes)) => {
                let b: Vec<u8> = bytes
                    .iter()
                    .filter_map(|x| x.as_u64().and_then(|n| u8::try_from(n).ok()))
                    .collect();
                String::from_utf8_lossy(&b).into_owned()
            }
            _ => continue,
        };
        let time = rec
            .get("__REALTIME_TIMESTAMP")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<i64>().ok())
            .map(|us| us.div_euclid(1_000_000));
        parsed.add(ident, &msg, time, None);
    }
    parsed
}

/// The logins of journal records.
#[cfg(test)]
pub(crate) fn parse_journal(out: &str) -> Vec<Value> {
    parse_journal_all(out).auth.into()
}

/// Phrases journalctl prints when the caller may not see the system journal.
fn journal_hidden(stderr: &str) -> bool {
    stderr.contains("insufficient permissions") || stderr.contains("not seeing messages")
}

/// What the log probes found: each list null when unknown.
pub(crate) struct Events {
    pub authentication: Value,
    pub privilege: Value,
    pub account_changes: Value,
    /// `auth-events`: sshd logins.
    pub auth_probe: Probe,
    /// `privilege-events`: sudo, su and account changes.
    pub privilege_probe: Probe,
}

fn list(v: VecDeque<Value>) -> Value {
    Value::Array(v.into())
}

/// The log events and their two probes. The auth log (or secure) gives all of them; without
/// one, the journal is asked twice: for the sshd units, then for the other programs.
pub(crate) fn probe(ctx: &Ctx, zone: &LocalZone) -> Events {
    let mut reasons = Vec::new();
    for path in LOGS {
        match ctx.read_text(path) {
            Ok(text) => {
                if ctx.now.is_none() {
                    let reason =
                        "collectedAt is not an RFC 3339 time, so syslog years cannot be inferred";
                    return Events {
                        authentication: Value::Null,
                        privilege: Value::Null,
                        account_changes: Value::Null,
                        auth_probe: Probe::unknown("auth-events", *path, reason),
                        privilege_probe: Probe::unknown("privilege-events", *path, reason),
                    };
                }
                let parsed = parse_all(&text, zone, ctx.now);
                return Events {
                    authentication: list(parsed.auth),
                    privilege: list(parsed.privilege),
                    account_changes: list(parsed.accounts),
                    auth_probe: Probe::ok("auth-events", *path),
                    privilege_probe: Probe::ok("privilege-events", *path),
                };
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => reasons.push(cannot_read(path, &e, Some("authentication events"))),
        }
    }
    let (auth, auth_probe) = journal(ctx, JOURNAL_ARGS, "auth-events", &reasons);
    let privilege_args = privilege_journal_args();
    let args: Vec<&str> = privilege_args.iter().map(String::as_str).collect();
    let (others, privilege_probe) = journal(ctx, &args, "privilege-events", &reasons);
    let (privilege, account_changes) = match others {
        Some(p) => (list(p.privilege), list(p.accounts)),
        None => (Value::Null, Value::Null),
    };
    Events {
        authentication: auth.map_or(Value::Null, |p| list(p.auth)),
        privilege,
        account_changes,
        auth_probe,
        privilege_probe,
    }
}

/// `journalctl -t sudo -t su ... -o json`: the programs of [`authlog::PROGRAMS`].
fn privilege_journal_args() -> Vec<String> {
    let mut args = Vec::new();
    for p in authlog::PROGRAMS {
        args.push("-t".to_string());
        args.push((*p).to_string());
    }
    for a in ["-o", "json", "--no-pager", "-n", "10000"] {
        args.push(a.to_string());
    }
    args
}

/// Asks the journal with `args`: the parsed records, or none and why (after the reasons the
/// log files gave).
fn journal(
    ctx: &Ctx,
    args: &[&str],
    name: &'static str,
    earlier: &[String],
) -> (Option<Parsed>, Probe) {
    let mut reasons = earlier.to_vec();
    let source = format!("journalctl {}", args.join(" "));
    match ctx.run("journalctl", args) {
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            if journal_hidden(&stderr) {
                reasons.push("journalctl cannot read the system journal (run as root or in group systemd-journal for authentication events)".into());
            } else if out.success() {
                let parsed = parse_journal_all(&String::from_utf8_lossy(&out.stdout));
                return (Some(parsed), Probe::ok(name, source));
            } else {
                reasons.push(super::probe::exit_reason("journalctl", args, &out));
            }
        }
        Err(r) => {
            if reasons.is_empty() {
                reasons.push("no /var/log/auth.log or /var/log/secure".into());
            }
            reasons.push(r);
        }
    }
    let tried = format!("{}, {source}", LOGS.join(", "));
    (None, Probe::unknown(name, tried, reasons.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_644_600; // 2026-11-25T22:10:00Z

    #[test]
    fn sshd_messages() {
        let e = parse_message(
            "Failed password for invalid user admin from 203.0.113.7 port 52122 ssh2",
        )
        .unwrap();
        assert_eq!(
            (e.result, e.user.as_str(), e.method.as_deref()),
            ("failure", "admin", Some("password"))
        );
        assert!(e.invalid_user);
        assert_eq!(e.source.as_deref(), Some("203.0.113.7"));
        let e = parse_message(
            "Accepted publickey for deploy from 10.20.0.5 port 40022 ssh2: ED25519 SHA256:abc",
        )
        .unwrap();
        assert_eq!(
            (e.result, e.user.as_str(), e.method.as_deref()),
            ("success", "deploy", Some("publickey"))
        );
        let e = parse_message("Invalid user oracle from 198.51.100.9 port 1").unwrap();
        assert_eq!((e.result, e.method), ("failure", None));
        assert!(parse_message("Connection closed by 1.2.3.4 port 5 [preauth]").is_none());
    }

    #[test]
    fn traditional_stamps_take_the_year_of_now_unless_that_is_the_future() {
        let log = "Nov 25 21:58:02 web-01 sshd[811]: Failed password for root from 203.0.113.7 port 1 ssh2\nDec 31 23:59:59 web-01 sshd[1]: Accepted password for bob from 10.0.0.1 port 2 ssh2\nNov 25 21:59:00 web-01 CRON[9]: Accepted password for x from 1.1.1.1\n";
        let ev = parse_log(log, &LocalZone::Utc, Some(NOW));
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0]["time"], "2026-11-25T21:58:02Z");
        assert_eq!(ev[1]["time"], "2025-12-31T23:59:59Z");
    }

    #[test]
    fn rfc3339_stamps_and_unknown_zones() {
        let log = "2026-11-25T22:58:02.123456+01:00 web-01 sshd-session[811]: Failed publickey for root from 2001:db8::1 port 1 ssh2\n";
        let ev = parse_log(log, &LocalZone::Utc, Some(NOW));
        assert_eq!(ev[0]["time"], "2026-11-25T21:58:02Z");
        assert_eq!(ev[0]["sourceAddress"], "2001:db8::1");
        let ev = parse_log(
            "Nov  5 01:02:03 h sshd[1]: Accepted password for a from 10.0.0.1 port 2 ssh2\n",
            &LocalZone::Unknown("x".into()),
            Some(NOW),
        );
        assert_eq!(ev[0]["time"], Value::Null);
        assert_eq!(ev[0]["localTime"], "2026-11-05T01:02:03");
    }

    #[test]
    fn only_the_newest_events_are_kept() {
        let line =
            "Nov 25 21:58:02 h sshd[1]: Failed password for root from 10.0.0.1 port 1 ssh2\n";
        let last =
            "Nov 25 21:58:03 h sshd[1]: Failed password for last from 10.0.0.1 port 1 ssh2\n";
        let log = line.repeat(MAX_EVENTS + 5) + last;
        let ev = parse_log(&log, &LocalZone::Utc, Some(NOW));
        assert_eq!(ev.len(), MAX_EVENTS);
        assert_eq!(ev[MAX_EVENTS - 1]["user"], "last");
    }

    #[test]
    fn sudo_su_and_account_changes_come_from_the_same_log() {
        let log = "Nov 25 22:02:00 h sudo:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/id\nNov 25 22:03:00 h useradd[9]: new user: name=svc, UID=0, GID=0, home=/home/svc, shell=/bin/bash, from=/dev/pts/0\nNov 25 22:03:01 h useradd[9]: add 'svc' to group 'sudo'\nNov 25 22:03:01 h useradd[9]: add 'svc' to shadow group 'sudo'\nNov 25 22:04:00 h su[12]: (to root) deploy on pts/0\n";
        let p = parse_all(log, &LocalZone::Utc, Some(NOW));
        assert_eq!(p.auth.len(), 0);
        assert_eq!(p.privilege.len(), 2);
        assert_eq!(p.privilege[0]["time"], "2026-11-25T22:02:00Z");
        assert_eq!(p.privilege[1]["tool"], "su");
        let actions: Vec<&str> = p
            .accounts
            .iter()
            .map(|a| a["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, vec!["user-added", "group-member-added"]);
        let j = parse_journal_all(
            r#"{"__REALTIME_TIMESTAMP":"1795644600000000","SYSLOG_IDENTIFIER":"gpasswd","MESSAGE":"user bob added by root to group wheel"}"#,
        );
        assert_eq!(j.accounts[0]["group"], "wheel");
    }

    #[test]
    fn journal_records() {
        let out = r#"{"__REALTIME_TIMESTAMP":"1795644600000000","SYSLOG_IDENTIFIER":"sshd","MESSAGE":"Accepted publickey for deploy from 10.20.0.5 port 1 ssh2"}
{"__REALTIME_TIMESTAMP":"1795644601000000","SYSLOG_IDENTIFIER":"systemd","MESSAGE":"Started"}"#;
        let ev = parse_journal(out);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0]["time"], "2026-11-25T22:10:00Z");
    }

    #[test]
    fn logs_first_then_the_journal() {
        use crate::collect::testutil::{ctx, host};
        let line =
            "Nov 25 21:58:02 h sshd[1]: Failed password for root from 10.0.0.1 port 1 ssh2\n";
        let (_d, h) = host(&[("/var/log/secure", line)]);
        let e = probe(&ctx(&h, false), &LocalZone::Utc);
        let (v, p) = (e.authentication, e.auth_probe);
        assert_eq!(
            (p.source.as_str(), v.as_array().unwrap().len()),
            ("/var/log/secure", 1)
        );

        let journal = r#"{"__REALTIME_TIMESTAMP":"1795644600000000","SYSLOG_IDENTIFIER":"sshd-session","MESSAGE":"Accepted publickey for deploy from 10.20.0.5 port 1 ssh2"}"#;
        let (_d, h) = host(&[("/etc/hostname", "x")]);
        let h = h.with_output("journalctl", JOURNAL_ARGS, 0, journal);
        let e = probe(&ctx(&h, true), &LocalZone::Utc);
        let (v, p) = (e.authentication, e.auth_probe);
        assert!(p.is_ok());
        assert_eq!(v[0]["user"], "deploy");
        // The other programs are asked for separately; not answered here, so unknown.
        assert_eq!(e.privilege, Value::Null);
        assert!(!e.privilege_probe.is_ok());

        let e = probe(&ctx(&h, false), &LocalZone::Utc);
        let (v, p) = (e.authentication, e.auth_probe);
        assert_eq!(v, Value::Null);
        assert_eq!(
            p.reason.as_deref(),
            Some("no /var/log/auth.log or /var/log/secure; `journalctl -u ssh.service -u sshd.service -o json --no-pager -n 10000` not run: commands are disabled")
        );
    }
}
