//! `baseline.sysctl`: the kernel parameters of the Linux baseline (ASLR, source routing,
//! redirects, reverse-path filtering, SYN cookies, martian logging, ...) read from
//! /proc/sys, which is what the kernel enforces now (not what sysctl.conf says at boot).

use serde_json::{json, Map, Value};

use super::probe::{cannot_read, section, Ctx, Probe};

/// The parameters read; a parameter the kernel lacks (IPv6 disabled, say) is null.
pub(crate) const KEYS: &[&str] = &[
    "fs.protected_hardlinks",
    "fs.protected_symlinks",
    "fs.suid_dumpable",
    "kernel.dmesg_restrict",
    "kernel.kptr_restrict",
    "kernel.randomize_va_space",
    "kernel.yama.ptrace_scope",
    "net.ipv4.conf.all.accept_redirects",
    "net.ipv4.conf.all.accept_source_route",
    "net.ipv4.conf.all.log_martians",
    "net.ipv4.conf.all.rp_filter",
    "net.ipv4.conf.all.secure_redirects",
    "net.ipv4.conf.all.send_redirects",
    "net.ipv4.conf.default.accept_redirects",
    "net.ipv4.conf.default.accept_source_route",
    "net.ipv4.conf.default.log_martians",
    "net.ipv4.conf.default.rp_filter",
    "net.ipv4.conf.default.secure_redirects",
    "net.ipv4.conf.default.send_redirects",
    "net.ipv4.icmp_echo_ignore_broadcasts",
    "net.ipv4.icmp_ignore_bogus_error_responses",
    "net.ipv4.ip_forward",
    "net.ipv4.tcp_syncookies",
    "net.ipv6.conf.all.accept_ra",
    "net.ipv6.conf.all.accept_redirects",
    "net.ipv6.conf.all.accept_source_route",
    "net.ipv6.conf.all.forwarding",
    "net.ipv6.conf.default.accept_ra",
    "net.ipv6.conf.default.accept_redirects",
    "net.ipv6.conf.default.accept_source_route",
];

/// The /proc/sys path of a dotted key.
pub(crate) fn path_of(key: &str) -> String {
    format!("/proc/sys/{}", key.replace('.', "/"))
}

pub(crate) fn probe(ctx: &Ctx) -> (Value, Probe) {
    let mut values = Map::new();
    let mut first_error = None;
    for key in KEYS {
        let path = path_of(key);
        let value = match ctx.read_text(&path) {
            // Multi-field values (tab separated) are written with single spaces, as sysctl does.
            Ok(t) => json!(t.split_whitespace().collect::<Vec<_>>().join(" ")),
            Err(e) => {
                first_error.get_or_insert_with(|| cannot_read(&path, &e, None));
                Value::Null
            }
        };
        values.insert((*key).to_string(), value);
    }
    let any = values.values().any(|v| !v.is_null());
    let probe = match (any, first_error) {
        (false, Some(reason)) => Probe::unknown("sysctl", "/proc/sys", reason),
        _ => Probe::ok("sysctl", "/proc/sys"),
    };
    let mut fields = Map::new();
    fields.insert("values".into(), Value::Object(values));
    (section(&[&probe], fields), probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_keys_map_to_proc_paths() {
        assert_eq!(
            path_of("net.ipv4.conf.all.rp_filter"),
            "/proc/sys/net/ipv4/conf/all/rp_filter"
        );
    }

    #[test]
    fn values_are_read_and_missing_ones_are_null() {
        use crate::collect::testutil::{ctx, host};
        let (_d, h) = host(&[
            ("/proc/sys/kernel/randomize_va_space", "2\n"),
            ("/proc/sys/fs/suid_dumpable", "0\t\n"),
        ]);
        let (v, probe) = probe(&ctx(&h, false));
        assert!(probe.is_ok());
        assert_eq!(v["values"]["kernel.randomize_va_space"], "2");
        assert_eq!(v["values"]["fs.suid_dumpable"], "0");
        assert_eq!(v["values"]["net.ipv4.ip_forward"], Value::Null);
    }
}
