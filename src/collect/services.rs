//! `baseline.services`: enabled systemd units and installed packages the baseline cares
//! about (legacy clear-text services, unneeded servers, logging and audit tools).
//!
//! Enabled units come from `systemctl list-unit-files --state=enabled` when commands may
//! run, else from the symlinks `systemctl enable` creates under /etc/systemd/system
//! (`*.wants/`, `*.requires/`); vendor presets are not states and are not read.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::packages::{Manager, Packages};
use super::probe::{cannot_read, section, Ctx, Probe};

/// Packages reported when installed.
pub(crate) const PACKAGES_OF_INTEREST: &[&str] = &[
    "aide",
    "apache2",
    "audit",
    "auditd",
    "avahi",
    "avahi-daemon",
    "bind",
    "bind9",
    "clamav",
    "clamav-daemon",
    "clamav-freshclam",
    "clamd",
    "cups",
    "dhcp-server",
    "dovecot",
    "dovecot-core",
    "httpd",
    "inetutils-inetd",
    "inetutils-telnetd",
    "isc-dhcp-server",
    "ldap-utils",
    "mdatp",
    "net-snmp",
    "nfs-kernel-server",
    "nfs-utils",
    "nginx",
    "nis",
    "openbsd-inetd",
    "openldap-clients",
    "openldap-servers",
    "openssh-server",
    "portmap",
    "postfix",
    "prelink",
    "rpcbind",
    "rsh-client",
    "rsh-redone-client",
    "rsh-redone-server",
    "rsh-server",
    "rsync",
    "rsyslog",
    "samba",
    "sendmail",
    "slapd",
    "snmpd",
    "squid",
    "sudo",
    "syslog-ng",
    "talk",
    "talkd",
    "telnet",
    "telnet-server",
    "telnetd",
    "tftp",
    "tftp-hpa",
    "tftp-server",
    "tftpd",
    "tftpd-hpa",
    "vsftpd",
    "xinetd",
    "xserver-xorg-core",
    "ypbind",
    "ypserv",
];

const UNIT_DIR: &str = "/etc/systemd/system";
const SYSTEMCTL: &[&str] = &[
    "list-unit-files",
    "--state=enabled",
    "--no-legend",
    "--no-pager",
];

/// The section, its probes, and the enabled units for other probes (None when unknown).
pub(crate) fn probe(
    ctx: &Ctx,
    packages: &Result<Packages, (Option<Manager>, String)>,
) -> (Value, Vec<Probe>, Option<BTreeSet<String>>) {
    let (enabled, units_probe) = enabled_units(ctx);
    let (pkgs, pkg_probe) = match packages {
        Ok(p) => {
            let names: Vec<&str> = PACKAGES_OF_INTEREST
                .iter()
                .copied()
                .filter(|n| p.has(n))
                .collect();
            (json!(names), Probe::ok("packages", p.source))
        }
        Err((_, reason)) => (
            Value::Null,
            Probe::unknown("packages", "package database", reason.clone()),
        ),
    };
    let mut fields = Map::new();
    fields.insert("enabled".into(), json!(enabled));
    fields.insert("packages".into(), pkgs);
    let value = section(&[&units_probe, &pkg_probe], fields);
    (value, vec![units_probe, pkg_probe], enabled)
}

fn enabled_units(ctx: &Ctx) -> (Option<BTreeSet<String>>, Probe) {
    let mut reasons = Vec::new();
    if ctx.run_commands {
        match ctx.run_ok("systemctl", SYSTEMCTL) {
            Ok(out) => {
                let units = out
                    .lines()
                    .filter_map(|l| l.split_whitespace().next())
                    .map(str::to_string)
                    .collect();
                let source = format!("systemctl {}", SYSTEMCTL.join(" "));
                return (Some(units), Probe::ok("services", source));
            }
            Err(r) => reasons.push(r),
        }
    }
    match ctx.list(UNIT_DIR) {
        Ok(entries) => {
            let mut units = BTreeSet::new();
            for dir in entries
                .iter()
                .filter(|e| e.ends_with(".wants") || e.ends_with(".requires"))
            {
                // A .wants folder that cannot be listed hides units: say so.
                match ctx.list(dir) {
                    Ok(links) => units.extend(
                        links
                            .iter()
                            .filter_map(|l| l.rsplit('/').next())
                            .map(str::to_string),
                    ),
                    Err(e) => {
                        let reason = cannot_read(dir, &e, None);
                        return (None, Probe::unknown("services", UNIT_DIR, reason));
                    }
                }
            }
            (Some(units), Probe::ok("services", UNIT_DIR))
        }
        Err(e) => {
            reasons.push(cannot_read(UNIT_DIR, &e, None));
            (
                None,
                Probe::unknown("services", UNIT_DIR, reasons.join("; ")),
            )
        }
    }
}

/// Whether any of `units` is enabled; None when the enabled list is unknown.
pub(crate) fn any_enabled(enabled: Option<&BTreeSet<String>>, units: &[&str]) -> Option<bool> {
    enabled.map(|set| units.iter().any(|u| set.contains(*u)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::packages;
    use crate::collect::testutil::{ctx, host};

    #[test]
    fn enabled_units_from_wants_folders_and_packages_from_dpkg() {
        let (_d, h) = host(&[
            ("/etc/systemd/system/multi-user.target.wants/ssh.service", ""),
            ("/etc/systemd/system/sockets.target.requires/avahi-daemon.socket", ""),
            ("/etc/systemd/system/sshd.service", ""),
            (packages::DPKG_STATUS, "Package: xinetd\nStatus: install ok installed\nVersion: 1\n\nPackage: vim\nStatus: install ok installed\nVersion: 9\n"),
        ]);
        let c = ctx(&h, false);
        let (v, probes, enabled) = probe(&c, &packages::load(&c));
        assert_eq!(v["enabled"], json!(["avahi-daemon.socket", "ssh.service"]));
        assert_eq!(v["packages"], json!(["xinetd"]));
        assert!(probes.iter().all(Probe::is_ok));
        assert_eq!(any_enabled(enabled.as_ref(), &["ssh.service"]), Some(true));
    }

    #[test]
    fn systemctl_is_preferred_and_failures_fall_back_to_files() {
        let (_d, h) = host(&[(
            "/etc/systemd/system/multi-user.target.wants/cron.service",
            "",
        )]);
        let h = h.with_output(
            "systemctl",
            SYSTEMCTL,
            0,
            "cron.service enabled enabled\nssh.service enabled enabled\n",
        );
        let c = ctx(&h, true);
        let (v, probes, _) = probe(&c, &packages::load(&c));
        assert_eq!(v["enabled"], json!(["cron.service", "ssh.service"]));
        assert!(probes[0].source.starts_with("systemctl"));
        assert_eq!(v["packages"], Value::Null);
        let (_d, h) = host(&[("/etc/hostname", "x")]);
        let c = ctx(&h, true);
        let (v, probes, enabled) = probe(&c, &packages::load(&c));
        assert_eq!(v["enabled"], Value::Null);
        assert!(enabled.is_none());
        assert_eq!(
            probes[0].reason.as_deref(),
            Some("`systemctl list-unit-files --state=enabled --no-legend --no-pager` not run: systemctl is not installed; cannot read /etc/systemd/system: not found")
        );
    }

    #[test]
    fn the_package_list_is_sorted() {
        assert!(PACKAGES_OF_INTEREST.windows(2).all(|w| w[0] < w[1]));
    }
}
