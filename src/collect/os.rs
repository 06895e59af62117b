//! The `host` object: hostname, machine id, operating system (/etc/os-release), kernel,
//! architecture and the machine's addresses (`ip -o addr`, or /proc/net without commands).

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv6Addr};

use serde_json::{json, Map, Value};

use super::probe::{cannot_read, Ctx, Probe};

/// os-release values: `KEY=value` with optional shell-style quoting.
pub(crate) fn parse_os_release(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            if l.starts_with('#') {
                return None;
            }
            let (k, v) = l.split_once('=')?;
            Some((k.trim().to_string(), unquote(v.trim())))
        })
        .collect()
}

fn unquote(v: &str) -> String {
    if let Some(inner) = v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.extend(chars.next()),
                c => out.push(c),
            }
        }
        out
    } else if let Some(inner) = v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        inner.to_string()
    } else {
        v.to_string()
    }
}

fn first_line(ctx: &Ctx, path: &str) -> Option<String> {
    let text = ctx.read_text(path).ok()?;
    let line = text.lines().next()?.trim().to_string();
    (!line.is_empty()).then_some(line)
}

/// The `host` object and the `os` and `addresses` probes.
pub(crate) fn probe(ctx: &Ctx, resource_id: Option<&str>) -> (Value, Vec<Probe>) {
    let mut problems = Vec::new();
    let mut release = Vec::new();
    let mut release_source = "/etc/os-release";
    // os-release(5): /etc/os-release, falling back to /usr/lib/os-release.
    match ctx.read_text("/etc/os-release") {
        Ok(t) => release = parse_os_release(&t),
        Err(e) => match ctx.read_text("/usr/lib/os-release") {
            Ok(t) => {
                release = parse_os_release(&t);
                release_source = "/usr/lib/os-release";
            }
            Err(_) => problems.push(cannot_read("/etc/os-release", &e, None)),
        },
    }
    let get = |k: &str| {
        release
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let hostname = first_line(ctx, "/proc/sys/kernel/hostname")
        .or_else(|| first_line(ctx, "/etc/hostname"))
        .unwrap_or_else(|| {
            problems.push(
                "cannot read the hostname from /proc/sys/kernel/hostname or /etc/hostname".into(),
            );
            // The schema requires a name; this placeholder is flagged by the os probe.
            "unknown".into()
        });
    let kernel = first_line(ctx, "/proc/sys/kernel/osrelease");
    let architecture = first_line(ctx, "/proc/sys/kernel/arch").or_else(|| {
        ctx.run_ok("uname", &["-m"])
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    });
    let machine_id = first_line(ctx, "/etc/machine-id")
        .filter(|s| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()));
    let os = json!({
        "family": "linux",
        "id": get("ID"),
        "name": get("NAME"),
        "version": get("VERSION_ID"),
        "prettyName": get("PRETTY_NAME"),
        "versionCodename": get("VERSION_CODENAME"),
        "kernel": kernel,
        "architecture": architecture,
    });
    let os_probe = if problems.is_empty() {
        Probe::ok("os", release_source)
    } else {
        Probe::unknown("os", release_source, problems.join("; "))
    };
    let (addresses, addr_probe) = addresses(ctx);
    let mut host = Map::new();
    host.insert("hostname".into(), json!(hostname));
    host.insert("machineId".into(), json!(machine_id));
    host.insert("os".into(), os);
    host.insert("addresses".into(), addresses);
    host.insert("resourceId".into(), json!(resource_id));
    (Value::Object(host), vec![os_probe, addr_probe])
}

fn keep(ip: &IpAddr) -> bool {
    !ip.is_loopback() && !ip.is_unspecified()
}

fn addresses(ctx: &Ctx) -> (Value, Probe) {
    let mut reasons = Vec::new();
    if ctx.run_commands {
        match ctx.run_ok("ip", &["-o", "addr", "show"]) {
            Ok(out) => {
                let set = parse_ip_addr(&out);
                return (to_json(&set), Probe::ok("addresses", "ip -o addr show"));
            }
            Err(r) => reasons.push(r),
        }
    }
    let v4 = ctx.read_text("/proc/net/fib_trie");
    let v6 = ctx.read_text("/proc/net/if_inet6");
    let mut set = BTreeSet::new();
    match &v4 {
        Ok(t) => set.extend(parse_fib_trie(t)),
        Err(e) => reasons.push(cannot_read("/proc/net/fib_trie", e, None)),
    }
    match &v6 {
        Ok(t) => set.extend(parse_if_inet6(t)),
        // A kernel without IPv6 has no if_inet6: that is a complete answer.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => reasons.push(cannot_read("/proc/net/if_inet6", e, None)),
    }
    let source = "/proc/net/fib_trie, /proc/net/if_inet6";
    if v4.is_ok() {
        (to_json(&set), Probe::ok("addresses", source))
    } else {
        (
            Value::Null,
            Probe::unknown("addresses", source, reasons.join("; ")),
        )
    }
}

fn to_json(set: &BTreeSet<IpAddr>) -> Value {
    json!(set.iter().map(ToString::to_string).collect::<Vec<_>>())
}

/// `2: eth0    inet 10.20.1.4/24 brd ... scope global eth0\ ...`
pub(crate) fn parse_ip_addr(out: &str) -> BTreeSet<IpAddr> {
    let mut set = BTreeSet::new();
    for line in out.lines() {
        let mut words = line.split_whitespace();
        while let Some(w) = words.next() {
            if w == "inet" || w == "inet6" {
                if let Some(ip) = words
                    .next()
                    .and_then(|a| a.split('/').next())
                    .and_then(|a| a.parse::<IpAddr>().ok())
                {
                    if keep(&ip) {
                        set.insert(ip);
                    }
                }
            }
        }
    }
    set
}

/// Local IPv4 addresses are the `/32 host LOCAL` leaves of the routing trie.
pub(crate) fn parse_fib_trie(text: &str) -> BTreeSet<IpAddr> {
    let mut set = BTreeSet::new();
    let mut last: Option<IpAddr> = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(addr) = t.strip_prefix("|-- ") {
            last = addr.trim().parse().ok();
        } else if t.starts_with("/32 host LOCAL") {
            if let Some(ip) = last.filter(keep) {
                set.insert(ip);
            }
        }
    }
    set
}

/// `fe80000000000000020d3afffe123456 02 40 20 80 eth0`
pub(crate) fn parse_if_inet6(text: &str) -> BTreeSet<IpAddr> {
    text.lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter_map(|hex| u128::from_str_radix(hex, 16).ok())
        .map(|n| IpAddr::V6(Ipv6Addr::from(n)))
        .filter(keep)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_quoting() {
        let r =
            parse_os_release("NAME=\"Debian GNU/Linux\"\nID=debian\n# c\nX='a b'\nY=\"q\\\"d\"\n");
        assert_eq!(r[0], ("NAME".into(), "Debian GNU/Linux".into()));
        assert_eq!(r[1], ("ID".into(), "debian".into()));
        assert_eq!(r[2].1, "a b");
        assert_eq!(r[3].1, "q\"d");
    }

    #[test]
    fn addresses_from_ip_and_proc() {
        let ip = "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n2: eth0    inet 10.20.1.4/24 brd 10.20.1.255 scope global eth0\n2: eth0    inet6 fe80::20d:3aff:fe12:3456/64 scope link \n";
        let set: Vec<String> = parse_ip_addr(ip).iter().map(ToString::to_string).collect();
        assert_eq!(set, ["10.20.1.4", "fe80::20d:3aff:fe12:3456"]);
        let trie = "Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 10.20.1.4\n        /32 host LOCAL\n     |-- 10.20.1.255\n        /32 link BROADCAST\n     |-- 127.0.0.1\n        /32 host LOCAL\n";
        let v4: Vec<String> = parse_fib_trie(trie)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(v4, ["10.20.1.4"]);
        let v6 = parse_if_inet6("fe80000000000000020d3afffe123456 02 40 20 80 eth0\n00000000000000000000000000000001 01 80 10 80 lo\n");
        let v6: Vec<String> = v6.iter().map(ToString::to_string).collect();
        assert_eq!(v6, ["fe80::20d:3aff:fe12:3456"]);
    }

    #[test]
    fn host_identity_from_files_without_commands() {
        use crate::collect::testutil::{ctx, host};
        let (_d, h) = host(&[
            ("/usr/lib/os-release", "ID=fedora\nVERSION_ID=41\n"),
            ("/proc/sys/kernel/hostname", "box\n"),
            ("/etc/machine-id", "not-an-id\n"),
            (
                "/proc/net/fib_trie",
                "Main:\n     |-- 192.168.1.9\n        /32 host LOCAL\n",
            ),
        ]);
        let (v, probes) = probe(&ctx(&h, false), None);
        assert_eq!(v["hostname"], "box");
        assert_eq!(v["os"]["id"], "fedora");
        assert_eq!(v["machineId"], Value::Null);
        assert_eq!(v["os"]["kernel"], Value::Null);
        assert_eq!(v["addresses"], json!(["192.168.1.9"]));
        assert!(probes.iter().all(Probe::is_ok), "{probes:?}");
        assert_eq!(probes[0].source, "/usr/lib/os-release");
    }

    #[test]
    fn missing_os_release_is_unknown() {
        use crate::collect::testutil::{ctx, host};
        let (_d, h) = host(&[("/etc/hostname", "box\n")]);
        let (v, probes) = probe(&ctx(&h, false), Some("/subscriptions/x"));
        assert_eq!(v["hostname"], "box");
        assert_eq!(v["resourceId"], "/subscriptions/x");
        assert_eq!(
            probes[0].reason.as_deref(),
            Some("cannot read /etc/os-release: not found")
        );
        assert_eq!(v["addresses"], Value::Null);
    }
}
