//! `baseline.files`: mode, owner and group of the files and folders the baseline checks
//! (account databases and their backups, cron, logs, sshd_config). Only `stat` is needed,
//! so this works without root. Owners are named from the host's own passwd and group.

use std::io;

use serde_json::{json, Map, Value};

use super::probe::{describe, section, Ctx, Probe};
use super::users::Users;

pub(crate) const PATHS: &[&str] = &[
    "/etc/anacrontab",
    "/etc/cron.d",
    "/etc/cron.daily",
    "/etc/cron.hourly",
    "/etc/cron.monthly",
    "/etc/cron.weekly",
    "/etc/crontab",
    "/etc/group",
    "/etc/group-",
    "/etc/gshadow",
    "/etc/gshadow-",
    "/etc/passwd",
    "/etc/passwd-",
    "/etc/shadow",
    "/etc/shadow-",
    "/etc/ssh/sshd_config",
    "/var/log",
];

pub(crate) fn probe(ctx: &Ctx, users: &Users) -> (Value, Probe) {
    let mut entries = Vec::new();
    let mut failures = 0;
    for path in PATHS {
        let entry = match ctx.metadata(path) {
            Ok(m) => json!({
                "path": path,
                "exists": true,
                "type": if m.is_dir { "directory" } else { "file" },
                "mode": format!("{:04o}", m.mode),
                "uid": m.uid,
                "gid": m.gid,
                "owner": users.user_name(m.uid),
                "group": users.group_name(m.gid),
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => json!({
                "path": path, "exists": false, "type": null, "mode": null,
                "uid": null, "gid": null, "owner": null, "group": null,
            }),
            Err(e) => {
                failures += 1;
                json!({
                    "path": path, "exists": null, "type": null, "mode": null,
                    "uid": null, "gid": null, "owner": null, "group": null,
                    "reason": format!("cannot stat {path}: {}", describe(&e)),
                })
            }
        };
        entries.push(entry);
    }
    let probe = if failures == PATHS.len() {
        Probe::unknown("files", "stat", "cannot stat any baseline file")
    } else {
        Probe::ok("files", "stat")
    };
    let mut fields = Map::new();
    fields.insert("entries".into(), json!(entries));
    (section(&[&probe], fields), probe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::testutil::{ctx, host};
    use crate::collect::FileInfo;

    #[test]
    fn modes_owners_and_missing_paths() {
        let (_d, h) = host(&[
            (
                "/etc/passwd",
                "root:x:0:0::/root:/bin/sh\nsyslog:x:104:110::/home/syslog:/usr/sbin/nologin\n",
            ),
            ("/etc/group", "root:x:0:\nadm:x:4:\n"),
            ("/var/log/", ""),
        ]);
        let info = FileInfo {
            mode: 0o2775,
            uid: 104,
            gid: 4,
            is_dir: true,
            modified: None,
            size: None,
        };
        let h = h.with_file_info("/var/log", info).deny("/etc/ssh");
        let c = ctx(&h, false);
        let (v, probe) = probe(&c, &Users::load(&c));
        assert!(probe.is_ok());
        let entry = |p: &str| {
            v["entries"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["path"] == p)
                .unwrap()
                .clone()
        };
        let log = entry("/var/log");
        assert_eq!(
            (
                log["mode"].as_str(),
                log["owner"].as_str(),
                log["group"].as_str()
            ),
            (Some("2775"), Some("syslog"), Some("adm"))
        );
        assert_eq!(entry("/etc/shadow")["exists"], false);
        let denied = entry("/etc/ssh/sshd_config");
        assert_eq!(denied["exists"], Value::Null);
        assert_eq!(
            denied["reason"],
            "cannot stat /etc/ssh/sshd_config: permission denied"
        );
    }
}
