//! `baseline.sshd`: the OpenSSH server's effective global settings.
//!
//! `sshd -T` is the truth when it can run (it needs root to load host keys). Otherwise
//! /etc/ssh/sshd_config is parsed the way sshd reads it:
//! - keywords are case-insensitive (reported lower-cased) and take `key value` or `key=value`;
//! - the first value wins, except list keywords that accumulate ([`LIST_KEYS`]);
//! - `Include` expands globs (relative paths under /etc/ssh, matches in lexical order) in
//!   place, at most 16 levels deep;
//! - a `Match` block applies only to matching connections, so it is skipped for global
//!   settings; it ends at the next `Match` or the end of the file it is in (sshd restores the
//!   global context after an included file); `Match all` returns to global scope;
//! - enumerated values are lower-cased, `LogLevel`/`SyslogFacility` upper-cased and time
//!   values converted to seconds, as `sshd -T` prints them; `without-password` is reported as
//!   its current name `prohibit-password` (from both sources), and `ChallengeResponse-
//!   Authentication` as its successor `kbdinteractiveauthentication`;
//! - what is not set takes OpenSSH's compiled default ([`DEFAULTS`]). `sshd -T` no longer
//!   prints `protocol` (only protocol 2 exists since OpenSSH 7.4), so `protocol 2` is added.

use std::collections::BTreeMap;
use std::io;

use serde_json::{json, Map, Value};

use super::glob::glob;
use super::probe::{cannot_read, section, Ctx, Probe};

pub(crate) const CONFIG: &str = "/etc/ssh/sshd_config";
const MAX_DEPTH: usize = 16;

/// OpenSSH's compiled defaults (servconf.c, portable 9.x) for settings policies ask about.
/// Algorithm lists are left out: they depend on the version and build.
pub(crate) const DEFAULTS: &[(&str, &str)] = &[
    ("addressfamily", "any"),
    ("allowagentforwarding", "yes"),
    ("allowtcpforwarding", "yes"),
    (
        "authorizedkeysfile",
        ".ssh/authorized_keys .ssh/authorized_keys2",
    ),
    ("banner", "none"),
    ("clientalivecountmax", "3"),
    ("clientaliveinterval", "0"),
    ("compression", "yes"),
    ("gatewayports", "no"),
    ("gssapiauthentication", "no"),
    ("hostbasedauthentication", "no"),
    ("ignorerhosts", "yes"),
    ("kbdinteractiveauthentication", "yes"),
    ("kerberosauthentication", "no"),
    ("logingracetime", "120"),
    ("loglevel", "INFO"),
    ("maxauthtries", "6"),
    ("maxsessions", "10"),
    ("maxstartups", "10:30:100"),
    ("passwordauthentication", "yes"),
    ("permitemptypasswords", "no"),
    ("permitrootlogin", "prohibit-password"),
    ("permittunnel", "no"),
    ("permituserenvironment", "no"),
    ("port", "22"),
    ("printmotd", "yes"),
    ("protocol", "2"),
    ("pubkeyauthentication", "yes"),
    ("strictmodes", "yes"),
    ("syslogfacility", "AUTH"),
    ("tcpkeepalive", "yes"),
    ("usedns", "no"),
    ("usepam", "no"),
    ("x11forwarding", "no"),
];

/// Keywords whose lines accumulate instead of first-wins; values are joined by spaces.
const LIST_KEYS: &[&str] = &[
    "acceptenv",
    "allowgroups",
    "allowusers",
    "denygroups",
    "denyusers",
    "hostkey",
    "listenaddress",
    "port",
    "setenv",
];

/// Keywords with enumerated values that sshd compares case-insensitively.
const LOWER_VALUES: &[&str] = &[
    "addressfamily",
    "allowagentforwarding",
    "allowtcpforwarding",
    "compression",
    "gatewayports",
    "gssapiauthentication",
    "hostbasedauthentication",
    "ignorerhosts",
    "kbdinteractiveauthentication",
    "kerberosauthentication",
    "passwordauthentication",
    "permitemptypasswords",
    "permitrootlogin",
    "permittunnel",
    "permituserenvironment",
    "printmotd",
    "pubkeyauthentication",
    "strictmodes",
    "tcpkeepalive",
    "usedns",
    "usepam",
    "x11forwarding",
];

const TIME_VALUES: &[&str] = &["clientaliveinterval", "logingracetime"];

/// The effective settings: the `baseline.sshd` section, its probe, and the settings for
/// the authorized_keys probe (which needs AuthorizedKeysFile).
pub(crate) fn probe(ctx: &Ctx) -> (Value, Probe, Option<BTreeMap<String, String>>) {
    let mut reasons = Vec::new();
    match ctx.run_ok("sshd", &["-T"]) {
        Ok(out) => {
            let settings = finish(parse_sshd_t(&out), false);
            return done(Probe::ok("sshd", "sshd -T"), true, Some(settings), None);
        }
        Err(r) => reasons.push(r),
    }
    let mut parsed = Parsed::default();
    match read_config(ctx, CONFIG, 0, &mut parsed) {
        Ok(()) => {
            let probe = Probe::ok("sshd", CONFIG);
            done(
                probe,
                true,
                Some(finish(parsed.settings, true)),
                Some(parsed.match_blocks),
            )
        }
        Err(e) if e.path == CONFIG && e.kind == Some(io::ErrorKind::NotFound) => {
            if ["/usr/sbin/sshd", "/usr/bin/sshd", "/sbin/sshd"]
                .iter()
                .any(|p| ctx.exists(p))
            {
                let probe = Probe::ok("sshd", "OpenSSH compiled defaults (no sshd_config)");
                done(probe, true, Some(finish(BTreeMap::new(), true)), Some(0))
            } else {
                done(Probe::ok("sshd", CONFIG), false, None, None)
            }
        }
        Err(e) => {
            reasons.push(e.reason);
            done(
                Probe::unknown("sshd", CONFIG, reasons.join("; ")),
                true,
                None,
                None,
            )
        }
    }
}

fn done(
    probe: Probe,
    installed: bool,
    settings: Option<BTreeMap<String, String>>,
    match_blocks: Option<usize>,
) -> (Value, Probe, Option<BTreeMap<String, String>>) {
    let mut fields = Map::new();
    fields.insert("source".into(), json!(probe.source));
    fields.insert("installed".into(), json!(installed));
    fields.insert("settings".into(), json!(settings));
    if let Some(n) = match_blocks {
        fields.insert("matchBlocksIgnored".into(), json!(n));
    }
    let value = section(&[&probe], fields);
    (value, probe, settings)
}

/// Normalises names and fills defaults. `fill` is false for `sshd -T`, which prints every
/// setting itself (except `protocol`).
fn finish(mut settings: BTreeMap<String, String>, fill: bool) -> BTreeMap<String, String> {
    if let Some(v) = settings.get_mut("permitrootlogin") {
        if v == "without-password" {
            *v = "prohibit-password".into();
        }
    }
    for (k, v) in DEFAULTS {
        if fill || *k == "protocol" {
            settings
                .entry((*k).to_string())
                .or_insert_with(|| (*v).to_string());
        }
    }
    settings
}

/// `sshd -T` prints `key value` per line, lists as repeated lines.
pub(crate) fn parse_sshd_t(out: &str) -> BTreeMap<String, String> {
    let mut settings = BTreeMap::new();
    for line in out.lines() {
        let Some((k, v)) = line.trim().split_once(' ') else {
            continue;
        };
        set(&mut settings, &k.to_ascii_lowercase(), v.trim().to_string());
    }
    settings
}

fn set(settings: &mut BTreeMap<String, String>, key: &str, value: String) {
    if LIST_KEYS.contains(&key) {
        settings
            .entry(key.to_string())
            .and_modify(|v| {
                v.push(' ');
                v.push_str(&value);
            })
            .or_insert(value);
    } else {
        settings.entry(key.to_string()).or_insert(value);
    }
}

#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub settings: BTreeMap<String, String>,
    pub match_blocks: usize,
}

#[derive(Debug)]
pub(crate) struct ReadError {
    path: String,
    kind: Option<io::ErrorKind>,
    reason: String,
}

/// Reads one configuration file (and what it includes) into `parsed`.
pub(crate) fn read_config(
    ctx: &Ctx,
    path: &str,
    depth: usize,
    parsed: &mut Parsed,
) -> Result<(), ReadError> {
    if depth > MAX_DEPTH {
        return Err(ReadError {
            path: path.into(),
            kind: None,
            reason: format!("{path}: Include nested deeper than {MAX_DEPTH} levels"),
        });
    }
    let text = ctx.read_text(path).map_err(|e| ReadError {
        path: path.into(),
        kind: Some(e.kind()),
        reason: cannot_read(path, &e, None),
    })?;
    let mut in_match = false;
    for line in text.lines() {
        let Some((key, args)) = split_line(line) else {
            continue;
        };
        match key.as_str() {
            "match" => {
                let all =
                    args.len() == 1 && args.first().is_some_and(|a| a.eq_ignore_ascii_case("all"));
                in_match = !all;
                if in_match {
                    parsed.match_blocks += 1;
                }
            }
            _ if in_match => {}
            "include" => {
                for pattern in &args {
                    let full = if pattern.starts_with('/') {
                        pattern.clone()
                    } else {
                        format!("/etc/ssh/{pattern}")
                    };
                    for file in glob(ctx, &full) {
                        read_config(ctx, &file, depth + 1, parsed)?;
                    }
                }
            }
            _ => {
                let key = if key == "challengeresponseauthentication" {
                    "kbdinteractiveauthentication".to_string()
                } else {
                    key
                };
                let value = normalise(&key, &args.join(" "));
                set(&mut parsed.settings, &key, value);
            }
        }
    }
    Ok(())
}

fn normalise(key: &str, value: &str) -> String {
    if LOWER_VALUES.contains(&key) {
        value.to_ascii_lowercase()
    } else if key == "loglevel" || key == "syslogfacility" {
        value.to_ascii_uppercase()
    } else if TIME_VALUES.contains(&key) {
        seconds(value).map_or_else(|| value.to_string(), |s| s.to_string())
    } else {
        value.to_string()
    }
}

/// sshd's time format: `90`, `2m`, `1h30m` (s, m, h, d, w; case-insensitive).
pub(crate) fn seconds(value: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in value.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(num.parse::<u64>().ok()?.checked_mul(unit)?)?;
        num.clear();
    }
    if !num.is_empty() {
        total = total.checked_add(num.parse().ok()?)?;
    }
    Some(total)
}

/// A line's lower-cased keyword and its arguments (double quotes group words).
/// `None` for blanks and comments.
pub(crate) fn split_line(line: &str) -> Option<(String, Vec<String>)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let end = line
        .find(|c: char| c.is_whitespace() || c == '=')
        .unwrap_or(line.len());
    let key = line.get(..end)?.to_ascii_lowercase();
    let rest = line.get(end..)?.trim_start();
    let rest = rest.strip_prefix('=').unwrap_or(rest);
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut has = false;
    for c in rest.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                has = true;
            }
            '#' if !quoted && !has => break, // a comment after the arguments
            c if c.is_whitespace() && !quoted => {
                if has {
                    args.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            c => {
                cur.push(c);
                has = true;
            }
        }
    }
    if has {
        args.push(cur);
    }
    Some((key, args))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::testutil::{ctx, host};

    fn settings(files: &[(&str, &str)]) -> (BTreeMap<String, String>, usize) {
        let (_dir, host) = host(files);
        let (v, probe, s) = probe(&ctx(&host, false));
        assert!(probe.is_ok(), "{probe:?}");
        (
            s.unwrap(),
            v["matchBlocksIgnored"].as_u64().unwrap_or(0) as usize,
        )
    }

    #[test]
    fn first_value_wins_and_keys_are_case_insensitive() {
        let (s, _) = settings(&[(
            CONFIG,
            "# comment\nPermitRootLogin No\npermitrootlogin yes\nPASSWORDAUTHENTICATION=No\nMaxAuthTries 4 # trailing\nLoginGraceTime 1m30s\n",
        )]);
        assert_eq!(s["permitrootlogin"], "no");
        assert_eq!(s["passwordauthentication"], "no");
        assert_eq!(s["maxauthtries"], "4");
        assert_eq!(s["logingracetime"], "90");
    }

    #[test]
    fn includes_come_first_in_lexical_order_relative_to_etc_ssh() {
        let (s, _) = settings(&[
            (
                CONFIG,
                "Include sshd_config.d/*.conf\nPasswordAuthentication yes\nX11Forwarding yes\n",
            ),
            (
                "/etc/ssh/sshd_config.d/50-cloud.conf",
                "PasswordAuthentication no\nX11Forwarding no\n",
            ),
            (
                "/etc/ssh/sshd_config.d/10-first.conf",
                "X11Forwarding yes\n",
            ),
            ("/etc/ssh/sshd_config.d/README", "PermitRootLogin yes\n"),
        ]);
        assert_eq!(s["passwordauthentication"], "no");
        assert_eq!(s["x11forwarding"], "yes");
        // README does not match *.conf.
        assert_eq!(s["permitrootlogin"], "prohibit-password");
    }

    #[test]
    fn match_blocks_are_ignored_until_match_all_or_the_end_of_their_file() {
        let (s, n) = settings(&[
            (
                CONFIG,
                "Include /etc/ssh/extra.conf\nMatch User backup\n  PasswordAuthentication yes\n  PermitRootLogin yes\nMatch all\nPasswordAuthentication no\n",
            ),
            ("/etc/ssh/extra.conf", "Match Address 10.0.0.0/8\n  X11Forwarding yes\n"),
        ]);
        assert_eq!(n, 2);
        assert_eq!(s["passwordauthentication"], "no");
        assert_eq!(s["permitrootlogin"], "prohibit-password");
        assert_eq!(s["x11forwarding"], "no");
    }

    #[test]
    fn defaults_fill_what_is_not_set() {
        let (s, _) = settings(&[(CONFIG, "Port 2222\nPort 22\nChallengeResponseAuthentication no\nPermitRootLogin without-password\n")]);
        assert_eq!(s["port"], "2222 22");
        assert_eq!(s["kbdinteractiveauthentication"], "no");
        assert_eq!(s["permitrootlogin"], "prohibit-password");
        for (k, v) in [
            ("passwordauthentication", "yes"),
            ("permitemptypasswords", "no"),
            ("maxauthtries", "6"),
            ("clientaliveinterval", "0"),
            ("x11forwarding", "no"),
            ("protocol", "2"),
        ] {
            assert_eq!(s[k], v, "{k}");
        }
    }

    #[test]
    fn sshd_t_output_is_taken_as_is_plus_protocol() {
        let s = finish(
            parse_sshd_t("port 22\npermitrootlogin without-password\nhostkey /a\nhostkey /b\n"),
            false,
        );
        assert_eq!(s["permitrootlogin"], "prohibit-password");
        assert_eq!(s["hostkey"], "/a /b");
        assert_eq!(s["protocol"], "2");
        assert!(!s.contains_key("x11forwarding"));
    }

    #[test]
    fn an_unreadable_include_makes_the_probe_unknown() {
        let (_dir, host) = host(&[
            (CONFIG, "Include sshd_config.d/*.conf\n"),
            ("/etc/ssh/sshd_config.d/a.conf", "X11Forwarding yes\n"),
        ]);
        let host = host.deny("/etc/ssh/sshd_config.d/a.conf");
        let (v, probe, s) = probe(&ctx(&host, false));
        assert!(s.is_none());
        assert_eq!(v["status"], "unknown");
        assert!(probe
            .reason
            .unwrap()
            .contains("cannot read /etc/ssh/sshd_config.d/a.conf: permission denied"));
    }

    #[test]
    fn no_sshd_means_not_installed() {
        let (_dir, host) = host(&[("/etc/hostname", "x\n")]);
        let (v, probe, _) = probe(&ctx(&host, false));
        assert!(probe.is_ok());
        assert_eq!(v["installed"], false);
        assert_eq!(v["settings"], Value::Null);
    }

    #[test]
    fn sshd_t_wins_when_it_runs() {
        let (_dir, host) = host(&[(CONFIG, "PermitRootLogin yes\n")]);
        let host = host.with_output("sshd", &["-T"], 0, "permitrootlogin no\nport 22\n");
        let (v, probe, s) = probe(&ctx(&host, true));
        assert_eq!(probe.source, "sshd -T");
        assert_eq!(v["source"], "sshd -T");
        assert_eq!(s.unwrap()["permitrootlogin"], "no");
    }

    #[test]
    fn times_and_quoting() {
        assert_eq!(seconds("1h30m"), Some(5400));
        assert_eq!(seconds("120"), Some(120));
        assert_eq!(seconds("2m"), Some(120));
        assert_eq!(seconds("2M"), Some(120));
        assert_eq!(seconds("2x"), None);
        let (k, a) = split_line("  Banner \"/etc/issue net\"  ").unwrap();
        assert_eq!(
            (k.as_str(), a),
            ("banner", vec!["/etc/issue net".to_string()])
        );
    }
}
