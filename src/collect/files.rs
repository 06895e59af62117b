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
