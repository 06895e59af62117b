//! The `updates` section: pending updates with their classification and whether a reboot
//! is waiting.
//!
//! Pending updates come from the package manager's simulation against its local lists,
//! never from a download: `apt-get -s dist-upgrade` (dist-upgrade rather than upgrade so
//! updates held back for new dependencies, such as kernels, still count as pending) and
//! `dnf --cacheonly check-update` plus `updateinfo list --security`. Lists can be stale;
//! `listsUpdatedAt` says how stale.
//!
//! Classification: apt has no notion of critical updates, so an apt update is `security`
//! when one of its origins is a security pocket (`-security` in the origin or suite, e.g.
//! `Debian-Security:12/stable-security`, `Ubuntu:22.04/jammy-security`), `critical` only if
//! the package's own Priority field were `critical` (Debian priorities describe how
//! essential a package is, not how urgent an update is, so in practice never), else
//! `other`. dnf updates take the advisory severity: `Critical/Sec.` is `critical`, any other
//! security advisory `security`, the rest `other`; without updateinfo the class is null.

use std::collections::{BTreeMap, BTreeSet};
use std::io;

use serde_json::{json, Map, Value};

use super::packages::{Manager, Packages};
use super::probe::{cannot_read, section, sorted_strings, Ctx, Probe};

const APT_ARGS: &[&str] = &["-s", "-q", "-o", "Debug::NoLocking=true", "dist-upgrade"];
const DNF_CHECK: &[&str] = &["-q", "--cacheonly", "check-update"];
const DNF_SECURITY: &[&str] = &["-q", "--cacheonly", "updateinfo", "list", "--security"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pending {
    pub name: String,
    pub available: String,
    pub origin: String,
    pub classification: Option<&'static str>,
}

/// The `updates` section and the `updates` and `reboot-required` probes.
pub(crate) fn probe(
    ctx: &Ctx,
    packages: &Result<Packages, (Option<Manager>, String)>,
) -> (Value, Vec<Probe>) {
    let manager = match packages {
        Ok(p) => Some(p.manager),
        Err((m, _)) => *m,
    };
    let mut fields = Map::new();
    fields.insert("manager".into(), json!(manager.map(Manager::name)));
    fields.insert(
        "installedPackages".into(),
        json!(packages.as_ref().ok().map(|p| p.installed.len())),
    );
    let (pending, pending_probe) = match (packages, manager) {
        (Err((_, reason)), _) => (
            Value::Null,
            Probe::unknown("updates", "package database", reason.clone()),
        ),
        (Ok(p), Some(Manager::Apt)) => apt_pending(ctx, p),
        (Ok(p), _) => dnf_pending(ctx, p),
    };
    let lists = match manager {
        Some(Manager::Apt) => "/var/lib/apt/lists",
        _ => "/var/cache/dnf",
    };
    let lists_at = ctx
        .metadata(lists)
        .ok()
        .and_then(|m| m.modified)
        .map(super::clock::format);
    fields.insert("listsUpdatedAt".into(), json!(lists_at));
    fields.insert("pending".into(), pending);
    let (required, pkgs, reboot_probe) = match manager {
        Some(Manager::Rpm) => rpm_reboot(ctx),
        _ => apt_reboot(ctx),
    };
    fields.insert("rebootRequired".into(), json!(required));
    fields.insert("rebootPackages".into(), pkgs);
    let value = section(&[&pending_probe, &reboot_probe], fields);
    (value, vec![pending_probe, reboot_probe])
}

fn pending_json(list: &[Pending], packages: &Packages) -> Value {
    let mut list = list.to_vec();
    list.sort_by(|a, b| (&a.name, &a.available).cmp(&(&b.name, &b.available)));
    list.dedup_by(|a, b| a.name == b.name);
    json!(list
        .iter()
        .map(|p| json!({
            "name": p.name,
            "installed": packages.installed.get(&p.name).map(|i| i.version.clone()),
            "available": p.available,
            "classification": p.classification,
            "origin": p.origin,
        }))
        .collect::<Vec<_>>())
}

fn apt_pending(ctx: &Ctx, packages: &Packages) -> (Value, Probe) {
    let source = format!("apt-get {}", APT_ARGS.join(" "));
    match ctx.run_ok("apt-get", APT_ARGS) {
        Ok(out) => {
            let mut list = parse_apt_simulation(&out);
            for p in &mut list {
                let critical = packages
                    .installed
                    .get(&p.name)
                    .and_then(|i| i.priority.as_deref())
                    .is_some_and(|pr| pr.eq_ignore_ascii_case("critical"));
                if critical {
                    p.classification = Some("critical");
                }
            }
            (pending_json(&list, packages), Probe::ok("updates", source))
        }
        Err(r) => (Value::Null, Probe::unknown("updates", source, r)),
    }
}

/// `Inst openssl [3.0.14-1~deb12u1] (3.0.15-1~deb12u1 Debian-Security:12/stable-security [amd64])`.
/// Lines without `[installed]` install new packages (dependencies) and are not updates.
pub(crate) fn parse_apt_simulation(out: &str) -> Vec<Pending> {
    let mut list = Vec::new();
    for line in out.lines() {
        let Some(rest) = line.strip_prefix("Inst ") else {
            continue;
        };
        let Some((name, rest)) = rest.split_once(' ') else {
            continue;
        };
        let Some(rest) = rest.strip_prefix('[') else {
            continue;
        };
        let Some((_, rest)) = rest.split_once("] (") else {
            continue;
        };
        let Some((inner, _)) = rest.split_once(')') else {
            continue;
        };
        let (available, origin) = inner.split_once(' ').unwrap_or((inner, ""));
        // The architecture closes the parenthesis: `... stable-security [amd64]`.
        let origin = match origin.rfind(" [") {
            Some(i) => origin.get(..i).unwrap_or(origin),
            None => origin,
        };
        let security = origin.to_ascii_lowercase().contains("-security");
        list.push(Pending {
            name: name.to_string(),
            available: available.to_string(),
            origin: origin.trim().to_string(),
            classification: Some(if security { "security" } else { "other" }),
        });
    }
    list
}

fn dnf_pending(ctx: &Ctx, packages: &Packages) -> (Value, Probe) {
    let source = format!("dnf {}", DNF_CHECK.join(" "));
    // check-update exits 100 when updates are available, 0 when none.
    let out = match ctx.run("dnf", DNF_CHECK) {
        Ok(out) if matches!(out.status, Some(0 | 100)) => {
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
        Ok(out) => {
            let reason = super::probe::exit_reason("dnf", DNF_CHECK, &out);
            return (Value::Null, Probe::unknown("updates", source, reason));
        }
        Err(r) => return (Value::Null, Probe::unknown("updates", source, r)),
    };
    let advisories = ctx
        .run_ok("dnf", DNF_SECURITY)
        .ok()
        .map(|o| parse_dnf_security(&o));
    let mut list = parse_dnf_check_update(&out);
    for p in &mut list {
        p.classification = match &advisories {
            None => None,
            Some(adv) => Some(adv.get(&p.name).copied().unwrap_or("other")),
        };
    }
    (pending_json(&list, packages), Probe::ok("updates", source))
}

/// `openssl.x86_64   1:3.0.7-28.el9   baseos`; dnf wraps a long name onto its own line.
pub(crate) fn parse_dnf_check_update(out: &str) -> Vec<Pending> {
    let mut list = Vec::new();
    let mut carry: Option<String> = None;
    for line in out.lines() {
        if line.starts_with("Obsoleting Packages") {
            break;
        }
        let mut words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        if let Some(prev) = carry.take() {
            words.insert(0, prev);
        }
        match words.as_slice() {
            [one] => carry = Some(one.clone()),
            [na, evr, repo] => {
                let name = na.rsplit_once('.').map_or(na.as_str(), |(n, _)| n);
                list.push(Pending {
                    name: name.to_string(),
                    available: evr.strip_prefix("0:").unwrap_or(evr).to_string(),
                    origin: repo.clone(),
                    classification: None,
                });
            }
            _ => {}
        }
    }
    list
}

/// `RHSA-2024:1234 Important/Sec. openssl-1:3.0.7-28.el9.x86_64` -> name -> class.
pub(crate) fn parse_dnf_security(out: &str) -> BTreeMap<String, &'static str> {
    let mut out_map = BTreeMap::new();
    for line in out.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let [_, kind, nevra] = words.as_slice() else {
            continue;
        };
        if !kind.to_ascii_lowercase().contains("sec") {
            continue;
        }
        let class = if kind.to_ascii_lowercase().starts_with("critical") {
            "critical"
        } else {
            "security"
        };
        let Some(name) = rpm_name(nevra) else {
            continue;
        };
        let entry = out_map.entry(name).or_insert(class);
        if class == "critical" {
            *entry = "critical";
        }
    }
    out_map
}

/// The name of `name-[epoch:]version-release.arch`.
fn rpm_name(nevra: &str) -> Option<String> {
    let nevr = nevra.rsplit_once('.').map_or(nevra, |(n, _)| n);
    let (nv, _release) = nevr.rsplit_once('-')?;
    let (name, _version) = nv.rsplit_once('-')?;
    Some(name.to_string())
}

const REBOOT_FILES: &[&str] = &["/var/run/reboot-required", "/run/reboot-required"];
/// What writes /var/run/reboot-required on Debian and Ubuntu. Without one of them a missing
/// file says nothing, so rebootRequired stays null.
const REBOOT_WRITERS: &[&str] = &[
    "/etc/kernel/postinst.d/unattended-upgrades",
    "/etc/kernel/postinst.d/update-notifier",
    "/usr/share/update-notifier/notify-reboot-required",
];

fn apt_reboot(ctx: &Ctx) -> (Option<bool>, Value, Probe) {
    for path in REBOOT_FILES {
        match ctx.metadata(path) {
            Ok(_) => {
                let pkgs_path = format!("{path}.pkgs");
                let pkgs = match ctx.read_text(&pkgs_path) {
                    Ok(t) => sorted_strings(
                        t.lines()
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .map(str::to_string),
                    ),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => json!([]),
                    Err(_) => Value::Null,
                };
                return (Some(true), pkgs, Probe::ok("reboot-required", *path));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                return (
                    None,
                    Value::Null,
                    Probe::unknown("reboot-required", *path, cannot_read(path, &e, None)),
                )
            }
        }
    }
    let source = REBOOT_FILES.first().copied().unwrap_or_default();
    if REBOOT_WRITERS.iter().any(|w| ctx.exists(w)) {
        (Some(false), json!([]), Probe::ok("reboot-required", source))
    } else {
        let reason = "no /var/run/reboot-required, but nothing on this host writes it (unattended-upgrades or update-notifier-common)";
        (
            None,
            Value::Null,
            Probe::unknown("reboot-required", source, reason),
        )
    }
}

/// `needs-restarting -r` exits 1 when a reboot is needed and lists the reasons as `  * pkg`.
fn rpm_reboot(ctx: &Ctx) -> (Option<bool>, Value, Probe) {
    let source = "needs-restarting -r";
    match ctx.run("needs-restarting", &["-r"]) {
        Ok(out) if matches!(out.status, Some(0 | 1)) => {
            let text = String::from_utf8_lossy(&out.stdout);
            let pkgs: BTreeSet<String> = text
                .lines()
                .filter_map(|l| l.trim().strip_prefix("* "))
                .map(|p| p.trim().to_string())
                .collect();
            let required = out.status == Some(1);
            let pkgs = if required { json!(pkgs) } else { json!([]) };
            (Some(required), pkgs, Probe::ok("reboot-required", source))
        }
        Ok(out) => {
            let reason = super::probe::exit_reason("needs-restarting", &["-r"], &out);
            (
                None,
                Value::Null,
                Probe::unknown("reboot-required", source, reason),
            )
        }
        Err(r) => (
            None,
            Value::Null,
            Probe::unknown("reboot-required", source, r),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apt_simulation_lines() {
        let out = "NOTE: This is only a simulation!\nInst openssl [3.0.14-1~deb12u1] (3.0.15-1~deb12u1 Debian-Security:12/stable-security [amd64])\nInst tzdata [2024a-0+deb12u1] (2024b-0+deb12u1 Debian:12.8/stable, Debian:12-updates/stable-updates [all])\nInst linux-image-6.1.0-27-cloud-amd64 (6.1.115-1 Debian-Security:12/stable-security [amd64])\nConf openssl (3.0.15-1~deb12u1 Debian-Security:12/stable-security [amd64])\n";
        let p = parse_apt_simulation(out);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].name, "openssl");
        assert_eq!(p[0].available, "3.0.15-1~deb12u1");
        assert_eq!(p[0].origin, "Debian-Security:12/stable-security");
        assert_eq!(p[0].classification, Some("security"));
        assert_eq!(
            p[1].origin,
            "Debian:12.8/stable, Debian:12-updates/stable-updates"
        );
        assert_eq!(p[1].classification, Some("other"));
    }

    #[test]
    fn ubuntu_security_pocket_is_security() {
        let p = parse_apt_simulation("Inst libssl3 [3.0.2-0ubuntu1.15] (3.0.2-0ubuntu1.18 Ubuntu:22.04/jammy-updates, Ubuntu:22.04/jammy-security [amd64])\n");
        assert_eq!(p[0].classification, Some("security"));
    }

    #[test]
    fn dnf_outputs() {
        let check = "\nopenssl.x86_64    1:3.0.7-28.el9    baseos\nvery-long-package-name-that-wraps.noarch\n    2.0-1.el9    appstream\ntzdata.noarch 2024b-2.el9 baseos\nObsoleting Packages\nfoo.x86_64 1-1 baseos\n";
        let p = parse_dnf_check_update(check);
        let names: Vec<&str> = p.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(
            names,
            ["openssl", "very-long-package-name-that-wraps", "tzdata"]
        );
        assert_eq!(p[0].available, "1:3.0.7-28.el9");
        let sec = parse_dnf_security("RHSA-2024:1 Important/Sec. openssl-1:3.0.7-28.el9.x86_64\nRHSA-2024:2 Critical/Sec. openssl-libs-1:3.0.7-28.el9.x86_64\nRHBA-2024:3 bugfix tzdata-2024b-2.el9.noarch\n");
        assert_eq!(sec.get("openssl"), Some(&"security"));
        assert_eq!(sec.get("openssl-libs"), Some(&"critical"));
        assert!(!sec.contains_key("tzdata"));
    }

    use crate::collect::packages;
    use crate::collect::testutil::{ctx, host};

    #[test]
    fn a_missing_reboot_file_means_false_only_when_something_writes_it() {
        let status = "Package: openssl\nStatus: install ok installed\nVersion: 3.0.14\n";
        let (_d, h) = host(&[(packages::DPKG_STATUS, status)]);
        let c = ctx(&h, false);
        let (v, probes) = probe(&c, &packages::load(&c));
        assert_eq!(v["rebootRequired"], Value::Null);
        assert_eq!(v["pending"], Value::Null);
        assert_eq!(v["status"], "unknown");
        assert!(probes.iter().all(|p| !p.is_ok()));
        let (_d, h) = host(&[
            (packages::DPKG_STATUS, status),
            ("/etc/kernel/postinst.d/unattended-upgrades", ""),
        ]);
        let h = h.with_output(
            "apt-get",
            APT_ARGS,
            0,
            "Inst openssl [3.0.14] (3.0.15 Debian-Security:12/stable-security [amd64])\n",
        );
        let c = ctx(&h, true);
        let (v, probes) = probe(&c, &packages::load(&c));
        assert_eq!(v["rebootRequired"], false);
        assert_eq!(v["pending"][0]["installed"], "3.0.14");
        assert!(probes.iter().all(Probe::is_ok));
    }

    #[test]
    fn a_failing_simulation_is_unknown_with_its_stderr() {
        let (_d, h) = host(&[(packages::DPKG_STATUS, "")]);
        let out = crate::collect::CommandOutput {
            status: Some(100),
            stdout: Vec::new(),
            stderr: b"E: The package lists or status file could not be parsed or opened.\n"
                .to_vec(),
        };
        let h = h.with_command("apt-get", APT_ARGS, out);
        let c = ctx(&h, true);
        let (v, probes) = probe(&c, &packages::load(&c));
        assert_eq!(v["pending"], Value::Null);
        assert_eq!(
            probes[0].reason.as_deref(),
            Some("`apt-get -s -q -o Debug::NoLocking=true dist-upgrade` exited with 100: E: The package lists or status file could not be parsed or opened.")
        );
    }

    #[test]
    fn no_package_database_at_all() {
        let (_d, h) = host(&[("/etc/hostname", "x")]);
        let c = ctx(&h, true);
        let (v, _) = probe(&c, &packages::load(&c));
        assert_eq!(v["manager"], Value::Null);
        assert_eq!(v["installedPackages"], Value::Null);
    }
}
