//! `baseline.logging`: is there a syslog daemon, does journald keep logs across reboots, is
//! auditd on. A daemon counts when its package is installed and its unit enabled; each half
//! is reported too, and an answer depending on an unknown half is null.
//!
//! journald's `Storage=` is read from journald.conf and its drop-ins (/usr/lib, /run, /etc;
//! drop-ins in file-name order, /etc winning a name clash), the last assignment winning.
//! `persistent` keeps logs; `auto` (the default) keeps them when /var/log/journal exists.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::packages::{Manager, Packages};
use super::probe::{cannot_read, section, Ctx, Probe};
use super::services::any_enabled;

const DROPIN_DIRS: &[&str] = &[
    "/usr/lib/systemd/journald.conf.d",
    "/usr/local/lib/systemd/journald.conf.d",
    "/run/systemd/journald.conf.d",
    "/etc/systemd/journald.conf.d",
];

fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// The `Storage=` value of one file's `[Journal]` section, if set.
pub(crate) fn storage_setting(text: &str) -> Option<String> {
    let mut in_journal = false;
    let mut value = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_journal = line == "[Journal]";
        } else if in_journal && !line.starts_with(['#', ';']) {
            if let Some((k, v)) = line.split_once('=') {
                if k.trim() == "Storage" {
                    value = Some(v.trim().to_ascii_lowercase());
                }
            }
        }
    }
    value
}

fn journald_storage(ctx: &Ctx) -> Result<String, String> {
    let mut files = vec!["/etc/systemd/journald.conf".to_string()];
    let mut dropins: BTreeMap<String, String> = BTreeMap::new();
    for dir in DROPIN_DIRS {
        for f in ctx.list(dir).unwrap_or_default() {
            if let Some(name) = f.rsplit('/').next().filter(|n| n.ends_with(".conf")) {
                dropins.insert(name.to_string(), f.clone());
            }
        }
    }
    files.extend(dropins.into_values());
    let mut storage = "auto".to_string();
    for f in files {
        match ctx.read_text(&f) {
            Ok(text) => {
                if let Some(v) = storage_setting(&text) {
                    storage = v;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(cannot_read(&f, &e, None)),
        }
    }
    Ok(storage)
}

pub(crate) fn probe(
    ctx: &Ctx,
    packages: &Result<Packages, (Option<Manager>, String)>,
    enabled: Option<&BTreeSet<String>>,
    running: Option<&BTreeSet<String>>,
) -> (Value, Probe) {
    let installed = |names: &[&str]| {
        packages
            .as_ref()
            .ok()
            .map(|p| names.iter().any(|n| p.has(n)))
    };
    let rsyslog_installed = installed(&["rsyslog"]);
    let rsyslog_enabled = any_enabled(enabled, &["rsyslog.service"]);
    let syslog_ng_installed = installed(&["syslog-ng", "syslog-ng-core"]);
    let syslog_ng_enabled = any_enabled(enabled, &["syslog-ng.service"]);
    let auditd_installed = installed(&["auditd", "audit"]);
    let auditd_enabled = any_enabled(enabled, &["auditd.service"]);
    let mut fields = Map::new();
    fields.insert(
        "rsyslog".into(),
        json!(and(rsyslog_installed, rsyslog_enabled)),
    );
    fields.insert("rsyslogInstalled".into(), json!(rsyslog_installed));
    fields.insert("rsyslogEnabled".into(), json!(rsyslog_enabled));
    fields.insert(
        "syslogNg".into(),
        json!(and(syslog_ng_installed, syslog_ng_enabled)),
    );
    fields.insert(
        "auditd".into(),
        json!(and(auditd_installed, auditd_enabled)),
    );
    fields.insert("auditdInstalled".into(), json!(auditd_installed));
    fields.insert("auditdEnabled".into(), json!(auditd_enabled));
    // Running now, from the process list: enabled says what starts at boot, not whether
    // someone stopped it since.
    let runs = |name: &str| running.map(|r| r.contains(name));
    fields.insert("auditdRunning".into(), json!(runs("auditd")));
    fields.insert("journaldRunning".into(), json!(runs("systemd-journald")));
    let probe = match journald_storage(ctx) {
        Ok(storage) => {
            let persistent = match storage.as_str() {
                "persistent" => true,
                "auto" => ctx.metadata("/var/log/journal").is_ok_and(|m| m.is_dir),
                _ => false,
            };
            fields.insert("journaldStorage".into(), json!(storage));
            fields.insert("journaldPersistent".into(), json!(persistent));
            Probe::ok("logging", "/etc/systemd/journald.conf")
        }
        Err(r) => {
            fields.insert("journaldStorage".into(), Value::Null);
            fields.insert("journaldPersistent".into(), Value::Null);
            Probe::unknown("logging", "/etc/systemd/journald.conf", r)
        }
    };
    (section(&[&probe], fields), probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_is_read_from_the_journal_section_only() {
        assert_eq!(
            storage_setting("[Journal]\n#Storage=auto\nStorage=persistent\n"),
            Some("persistent".into())
        );
        assert_eq!(storage_setting("[Other]\nStorage=volatile\n"), None);
        assert_eq!(and(Some(true), None), None);
        assert_eq!(and(Some(false), None), Some(false));
    }

    #[test]
    fn journald_drop_ins_override_and_auto_follows_the_folder() {
        use crate::collect::packages;
        use crate::collect::testutil::{ctx, host};
        let (_d, h) = host(&[
            (
                "/etc/systemd/journald.conf",
                "[Journal]\nStorage=volatile\n",
            ),
            (
                "/usr/lib/systemd/journald.conf.d/10-vendor.conf",
                "[Journal]\nStorage=persistent\n",
            ),
            (
                "/etc/systemd/journald.conf.d/90-local.conf",
                "[Journal]\nStorage=auto\n",
            ),
            ("/var/log/journal/", ""),
            (
                packages::DPKG_STATUS,
                "Package: rsyslog\nStatus: install ok installed\nVersion: 8\n",
            ),
        ]);
        let c = ctx(&h, false);
        let running: BTreeSet<String> = ["systemd-journald".to_string()].into();
        let (v, probe) = probe(&c, &packages::load(&c), None, Some(&running));
        assert!(probe.is_ok());
        assert_eq!(v["journaldStorage"], "auto");
        assert_eq!(v["journaldPersistent"], true);
        // Installed, but whether it is enabled is unknown.
        assert_eq!(v["rsyslog"], Value::Null);
        assert_eq!(v["auditd"], false);
        assert_eq!(v["auditdRunning"], false);
        assert_eq!(v["journaldRunning"], true);
    }
}
