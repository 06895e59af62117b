//! The installed-package database, read once and shared by the updates, services, logging
//! and endpoint probes: dpkg's status file on Debian-family hosts (a plain file, so no
//! command is needed), `rpm -qa` on RPM hosts (the database is binary).

use std::collections::BTreeMap;
use std::io;

use super::probe::{cannot_read, Ctx};

/// The package family, which also decides how pending updates are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Manager {
    Apt,
    Rpm,
}

impl Manager {
    pub fn name(self) -> &'static str {
        match self {
            Manager::Apt => "apt",
            Manager::Rpm => "dnf",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Package {
    pub version: String,
    /// dpkg's Priority field (required, important, standard, optional, extra).
    pub priority: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Packages {
    pub manager: Manager,
    pub source: &'static str,
    pub installed: BTreeMap<String, Package>,
}

pub(crate) const DPKG_STATUS: &str = "/var/lib/dpkg/status";
const RPM_QUERY: &[&str] = &[
    "-qa",
    "--qf",
    "%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n",
];

/// The package database, or why it could not be read (`Err` with a manager when the host's
/// family is known but its database is not readable).
pub(crate) fn load(ctx: &Ctx) -> Result<Packages, (Option<Manager>, String)> {
    match ctx.read_text(DPKG_STATUS) {
        Ok(text) => {
            return Ok(Packages {
                manager: Manager::Apt,
                source: DPKG_STATUS,
                installed: parse_dpkg_status(&text),
            })
        }
        Err(e) if e.kind() != io::ErrorKind::NotFound => {
            return Err((Some(Manager::Apt), cannot_read(DPKG_STATUS, &e, None)))
        }
        Err(_) => {}
    }
    let rpm_db = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"]
        .iter()
        .any(|p| ctx.exists(p));
    if !rpm_db {
        return Err((
            None,
            format!("no package database ({DPKG_STATUS}, /var/lib/rpm or /usr/lib/sysimage/rpm)"),
        ));
    }
    match ctx.run_ok("rpm", RPM_QUERY) {
        Ok(out) => Ok(Packages {
            manager: Manager::Rpm,
            source: "rpm -qa",
            installed: parse_rpm_qa(&out),
        }),
        Err(r) => Err((Some(Manager::Rpm), r)),
    }
}

/// Installed packages from dpkg's status file. Multi-arch copies share a name; the first
/// stanza is kept (they carry the same version in a consistent system).
pub(crate) fn parse_dpkg_status(text: &str) -> BTreeMap<String, Package> {
    let mut out = BTreeMap::new();
    for stanza in text.split("\n\n") {
        let (mut name, mut status, mut version, mut priority) = (None, None, None, None);
        for line in stanza.lines() {
            if line.starts_with([' ', '\t']) {
                continue; // continuation of a multi-line field (Description, Conffiles)
            }
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            let v = v.trim();
            match k {
                "Package" => name = Some(v),
                "Status" => status = Some(v),
                "Version" => version = Some(v),
                "Priority" => priority = Some(v),
                _ => {}
            }
        }
        // "install ok installed": the third word is the state; config-files etc. are gone.
        let installed = status.is_some_and(|s| s.split_whitespace().nth(2) == Some("installed"));
        if let (Some(name), Some(version), true) = (name, version, installed) {
            out.entry(name.to_string()).or_insert_with(|| Package {
                version: version.to_string(),
                priority: priority.map(str::to_string),
            });
        }
    }
    out
}

/// `name\tepoch:version-release` lines; epoch 0 is dropped as rpm and dnf print it.
pub(crate) fn parse_rpm_qa(text: &str) -> BTreeMap<String, Package> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let Some((name, evr)) = line.split_once('\t') else {
            continue;
        };
        let version = evr.strip_prefix("0:").unwrap_or(evr);
        out.entry(name.to_string()).or_insert_with(|| Package {
            version: version.to_string(),
            priority: None,
        });
    }
    out
}

/// The upstream part of a package version: no epoch, no Debian revision or RPM release,
/// no repack suffix (`1:1.0.7+dfsg-1~deb12u1` -> `1.0.7`).
pub(crate) fn upstream_version(v: &str) -> String {
    let v = v.split_once(':').map_or(v, |(_, rest)| rest);
    let v = v.rsplit_once('-').map_or(v, |(up, _)| up);
    let v = v.split(['+', '~']).next().unwrap_or(v);
    v.to_string()
}

impl Packages {
    pub fn has(&self, name: &str) -> bool {
        self.installed.contains_key(name)
    }

    /// The first of `names` that is installed.
    pub fn first<'a>(&'a self, names: &[&str]) -> Option<(&'a str, &'a Package)> {
        names
            .iter()
            .find_map(|n| self.installed.get_key_value(*n))
            .map(|(k, v)| (k.as_str(), v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dpkg_status_keeps_installed_packages_only() {
        let text = "Package: openssl\nStatus: install ok installed\nPriority: optional\nVersion: 3.0.14-1~deb12u1\nDescription: x\n more\n\nPackage: telnet\nStatus: deinstall ok config-files\nVersion: 0.17\n\nPackage: libc6\nStatus: install ok installed\nVersion: 2.36-9\n";
        let p = parse_dpkg_status(text);
        assert_eq!(p.len(), 2);
        assert_eq!(p["openssl"].version, "3.0.14-1~deb12u1");
        assert_eq!(p["openssl"].priority.as_deref(), Some("optional"));
        assert!(!p.contains_key("telnet"));
    }

    #[test]
    fn rpm_lines_and_upstream_versions() {
        let p = parse_rpm_qa("openssl\t1:3.0.7-27.el9\nbash\t0:5.1.8-9.el9\n");
        assert_eq!(p["openssl"].version, "1:3.0.7-27.el9");
        assert_eq!(p["bash"].version, "5.1.8-9.el9");
        assert_eq!(upstream_version("1.0.7+dfsg-1~deb12u1"), "1.0.7");
        assert_eq!(upstream_version("1:3.0.7-27.el9"), "3.0.7");
        assert_eq!(upstream_version("1.0.7"), "1.0.7");
    }
}
