//! `events.shellHistory`: each account's shell history files with their size, modification
//! time and, when the file is a symbolic link (to /dev/null, say), its target. Contents are
//! never read: a cleared or truncated history is visible from its size and time alone, and
//! history files hold passwords typed by mistake.
//!
//! Homes come from the host's /etc/passwd (plus /root), each once. A home that cannot be
//! searched is listed in `shellHistoryUnreadable` and makes the probe unknown: the list is
//! then incomplete (a non-root run cannot look into other users' homes).

use std::collections::BTreeSet;
use std::io;

use serde_json::{json, Value};

use super::clock;
use super::probe::{describe, Ctx, Probe};
use super::users::Users;

/// History files of bash, zsh, sh/ksh, ash, csh/tcsh and fish, relative to a home.
const FILES: &[&str] = &[
    ".ash_history",
    ".bash_history",
    ".history",
    ".local/share/fish/fish_history",
    ".sh_history",
    ".zsh_history",
];

/// Homes that hold no one's history.
fn ignored(home: &str) -> bool {
    home.is_empty() || home == "/" || home == "/nonexistent" || home == "/dev/null"
}

/// The history files (null when none could be looked for), the unreadable homes, and the
/// `shell-history` probe.
pub(crate) fn probe(ctx: &Ctx, users: &Users) -> (Value, Value, Probe) {
    let accounts = match &users.accounts {
        Ok(a) => a,
        Err(reason) => {
            return (
                Value::Null,
                json!([]),
                Probe::unknown("shell-history", "/etc/passwd", reason.clone()),
            )
        }
    };
    let mut homes: Vec<(String, String)> = Vec::new();
    let mut seen = BTreeSet::new();
    let root = std::iter::once(("root".to_string(), "/root".to_string()));
    for (user, home) in accounts
        .iter()
        .map(|a| (a.name.clone(), a.home.trim_end_matches('/').to_string()))
        .chain(root)
    {
        if !ignored(&home) && seen.insert(home.clone()) {
            homes.push((user, home));
        }
    }
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    for (user, home) in &homes {
        for f in FILES {
            let path = format!("{home}/{f}");
            match ctx.metadata(&path) {
                Ok(info) if !info.is_dir => {
                    found.push(json!({
                        "user": user,
                        "path": path,
                        "size": info.size,
                        "modified": info.modified.map(clock::format),
                        "linkTarget": ctx.read_link(&path).ok(),
                    }));
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => {
                    // One reason per home: every file in it fails the same way.
                    unreadable.push(json!({
                        "user": user,
                        "path": home,
                        "reason": describe(&e),
                    }));
                    break;
                }
            }
        }
    }
    found.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
    let source = "home folders of /etc/passwd";
    let probe = if unreadable.is_empty() {
        Probe::ok("shell-history", source)
    } else {
        let homes: Vec<&str> = unreadable
            .iter()
            .filter_map(|u| u["path"].as_str())
            .collect();
        Probe::unknown(
            "shell-history",
            source,
            format!(
                "cannot look into {} (run as root for every home's shell history)",
                homes.join(", ")
            ),
        )
    };
    (Value::Array(found), Value::Array(unreadable), probe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::host::FileInfo;
    use crate::collect::testutil::{ctx, host};

    #[test]
    fn history_files_with_size_time_and_link_and_denied_homes() {
        let (_d, h) = host(&[
            (
                "/etc/passwd",
                "root:x:0:0::/root:/bin/bash\ntoor:x:0:0::/root:/bin/bash\nalice:x:1001:1001::/home/alice:/bin/bash\nbob:x:1002:1002::/home/bob:/bin/bash\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n",
            ),
            ("/root/.bash_history", "ls\nid\n"),
            ("/home/alice/.zsh_history", ""),
            ("/home/bob/.bash_history", "x"),
        ]);
        let info = FileInfo {
            mode: 0o600,
            uid: 1001,
            gid: 1001,
            is_dir: false,
            modified: Some(crate::collect::testutil::NOW - 60),
            size: Some(0),
        };
        let h = h
            .with_file_info("/home/alice/.zsh_history", info)
            .with_link("/home/alice/.zsh_history", "/dev/null")
            .deny("/home/bob");
        let (files, unreadable, p) = probe(&ctx(&h, false), &Users::load(&ctx(&h, false)));
        let files = files.as_array().unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0]["path"], "/home/alice/.zsh_history");
        assert_eq!(files[0]["linkTarget"], "/dev/null");
        assert_eq!(files[0]["modified"], "2026-11-25T22:09:00Z");
        assert_eq!(files[1]["user"], "root");
        assert_eq!(files[1]["size"], 6);
        assert_eq!(unreadable[0]["path"], "/home/bob");
        assert!(!p.is_ok());
        assert!(p.reason.unwrap().contains("/home/bob"));
    }
}
