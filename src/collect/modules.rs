//! `baseline.kernelModules`: which rarely needed filesystem, storage and network modules are
//! disabled through modprobe.d, and which modules are loaded now (/proc/modules).
//!
//! A module counts as disabled by `install <module> /bin/true` (or `false`, any path) or by
//! `blacklist <module>`; the two are also reported apart because blacklisting does not stop
//! an explicit `modprobe`. Module names are compared with `-` and `_` as equal (as modprobe
//! does) and reported in the spelling of [`MODULES`]; `loaded` lists every loaded module as
//! the kernel names it (with underscores: `usb_storage`).

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::probe::{cannot_read, section, Ctx, Probe};

pub(crate) const MODULES: &[&str] = &[
    "cramfs",
    "dccp",
    "freevxfs",
    "hfs",
    "hfsplus",
    "jffs2",
    "rds",
    "sctp",
    "squashfs",
    "tipc",
    "udf",
    "usb-storage",
];

/// modprobe.d locations, highest precedence first (all are read; only presence matters).
const DIRS: &[&str] = &[
    "/etc/modprobe.d",
    "/run/modprobe.d",
    "/usr/local/lib/modprobe.d",
    "/usr/lib/modprobe.d",
    "/lib/modprobe.d",
];

fn canonical(name: &str) -> String {
    name.replace('-', "_")
}

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Disabled {
    pub install: BTreeSet<String>,
    pub blacklist: BTreeSet<String>,
}

/// Adds one modprobe.d file's directives (canonical names).
pub(crate) fn parse_modprobe(text: &str, out: &mut Disabled) {
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default();
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["install", module, cmd, ..] => {
                let prog = cmd.rsplit('/').next().unwrap_or(cmd);
                if prog == "true" || prog == "false" {
                    out.install.insert(canonical(module));
                }
            }
            ["blacklist", module, ..] => {
                out.blacklist.insert(canonical(module));
            }
            _ => {}
        }
    }
}

fn watched(set: &BTreeSet<String>) -> Vec<&'static str> {
    MODULES
        .iter()
        .copied()
        .filter(|m| set.contains(&canonical(m)))
        .collect()
}

pub(crate) fn probe(ctx: &Ctx) -> (Value, Vec<Probe>) {
    let mut disabled = Disabled::default();
    let mut reason = None;
    for dir in DIRS {
        let files = match ctx.list(dir) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                reason.get_or_insert_with(|| cannot_read(dir, &e, None));
                continue;
            }
        };
        for file in files.iter().filter(|f| f.ends_with(".conf")) {
            match ctx.read_text(file) {
                Ok(text) => parse_modprobe(&text, &mut disabled),
                Err(e) => {
                    reason.get_or_insert_with(|| cannot_read(file, &e, None));
                }
            }
        }
    }
    let mut fields = Map::new();
    let config_probe = match reason {
        None => {
            let both: BTreeSet<String> = disabled
                .install
                .union(&disabled.blacklist)
                .cloned()
                .collect();
            fields.insert("disabled".into(), json!(watched(&both)));
            fields.insert(
                "disabledByInstall".into(),
                json!(watched(&disabled.install)),
            );
            fields.insert("blacklisted".into(), json!(watched(&disabled.blacklist)));
            Probe::ok("kernel-modules", "/etc/modprobe.d")
        }
        Some(r) => {
            for k in ["disabled", "disabledByInstall", "blacklisted"] {
                fields.insert(k.into(), Value::Null);
            }
            Probe::unknown("kernel-modules", "/etc/modprobe.d", r)
        }
    };
    let loaded_probe = match ctx.read_text("/proc/modules") {
        Ok(text) => {
            let names: BTreeSet<&str> = text
                .lines()
                .filter_map(|l| l.split_whitespace().next())
                .collect();
            fields.insert("loaded".into(), json!(names));
            Probe::ok("loaded-modules", "/proc/modules")
        }
        Err(e) => {
            fields.insert("loaded".into(), Value::Null);
            Probe::unknown(
                "loaded-modules",
                "/proc/modules",
                cannot_read("/proc/modules", &e, None),
            )
        }
    };
    let value = section(&[&config_probe, &loaded_probe], fields);
    (value, vec![config_probe, loaded_probe])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_and_blacklist_directives() {
        let mut d = Disabled::default();
        parse_modprobe(
            "install usb_storage /bin/true\ninstall cramfs /usr/bin/false # off\ninstall sctp /sbin/modprobe --ignore-install sctp\nblacklist dccp\n# blacklist tipc\n",
            &mut d,
        );
        assert_eq!(watched(&d.install), ["cramfs", "usb-storage"]);
        assert_eq!(watched(&d.blacklist), ["dccp"]);
    }

    #[test]
    fn modprobe_folders_and_proc_modules() {
        use crate::collect::testutil::{ctx, host};
        let (_d, h) = host(&[
            (
                "/etc/modprobe.d/cis.conf",
                "install usb-storage /bin/true\n",
            ),
            ("/etc/modprobe.d/ignored.txt", "install sctp /bin/true\n"),
            ("/usr/lib/modprobe.d/vendor.conf", "blacklist tipc\n"),
            (
                "/proc/modules",
                "usb_storage 81920 0 - Live 0x0\nsctp 1 0 - Live 0x0\n",
            ),
        ]);
        let (v, probes) = probe(&ctx(&h, false));
        assert_eq!(v["disabled"], json!(["tipc", "usb-storage"]));
        assert_eq!(v["loaded"], json!(["sctp", "usb_storage"]));
        assert!(probes.iter().all(Probe::is_ok));
        let h = h.deny("/etc/modprobe.d/cis.conf");
        let (v, probes) = probe(&ctx(&h, false));
        assert_eq!(v["disabled"], Value::Null);
        assert_eq!(v["status"], "ok");
        assert_eq!(
            probes[0].reason.as_deref(),
            Some("cannot read /etc/modprobe.d/cis.conf: permission denied")
        );
    }
}
