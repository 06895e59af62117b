//! `processes`: what runs on the host, from /proc: pid, parent, user, executable path,
//! command line, and the SHA-256 of the executable where that is cheap (a readable file
//! under [`MAX_READ`], each distinct file hashed once). Detections match miners, hidden
//! executables and threat-intelligence hashes against it.
//!
//! Kernel threads (no command line) are left out. At most [`MAX_PROCESSES`] processes are
//! kept, lowest pids first, and `truncated` says when more ran. Without root, other users'
//! executables cannot be resolved: their `exe` and `sha256` are null and `unreadable` counts
//! them. The socket inodes each process holds are read on the way, so listening ports can
//! name their process.

use std::collections::{BTreeMap, BTreeSet};
use std::io;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::host::MAX_READ;
use super::probe::{cannot_read, section, Ctx, Probe};
use super::users::Users;

/// Processes kept: enough for any server, bounded for the snapshot's size.
pub(crate) const MAX_PROCESSES: usize = 2_000;
/// Command lines are cut here (in characters).
const MAX_COMMAND_LINE: usize = 4_096;
/// File descriptors looked at per process, for socket owners.
const MAX_FDS: usize = 1_024;

/// What the process probe found.
pub(crate) struct Processes {
    /// The `processes` section.
    pub section: Value,
    pub probe: Probe,
    /// Socket inode -> (pid, process name), for listening ports.
    pub sockets: BTreeMap<u64, (u32, String)>,
    /// Names of the running processes (command name and executable file name); `None`
    /// when /proc could not be read.
    pub names: Option<BTreeSet<String>>,
}

/// `Name`, `PPid` and the real `Uid` of /proc/<pid>/status.
pub(crate) fn parse_status(text: &str) -> (Option<String>, Option<u32>, Option<u32>) {
    let mut name = None;
    let mut ppid = None;
    let mut uid = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("Name:") {
            name = Some(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("PPid:") {
            ppid = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("Uid:") {
            uid = v.split_whitespace().next().and_then(|u| u.parse().ok());
        }
    }
    (name, ppid, uid)
}

/// The NUL-separated arguments of /proc/<pid>/cmdline joined with spaces, cut to a bound.
pub(crate) fn command_line(bytes: &[u8]) -> String {
    let args: Vec<String> = bytes
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let line = args.join(" ");
    if line.chars().count() > MAX_COMMAND_LINE {
        line.chars().take(MAX_COMMAND_LINE).collect()
    } else {
        line
    }
}

/// `socket:[12345]` -> 12345.
pub(crate) fn socket_inode(link: &str) -> Option<u64> {
    link.strip_prefix("socket:[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of an executable when it is a readable file under the read limit. A deleted
/// executable is read through the process's own link, which still reaches it.
fn hash_of(
    ctx: &Ctx,
    pid: u32,
    exe: &str,
    cache: &mut BTreeMap<String, Option<String>>,
) -> Option<String> {
    let (path, key) = match exe.strip_suffix(" (deleted)") {
        Some(_) => (format!("/proc/{pid}/exe"), format!("{exe}#{pid}")),
        None => (exe.to_string(), exe.to_string()),
    };
    if let Some(known) = cache.get(&key) {
        return known.clone();
    }
    let hash = ctx
        .metadata(&path)
        .ok()
        .filter(|m| !m.is_dir && m.size.is_some_and(|s| s < MAX_READ))
        .and_then(|_| ctx.read(&path).ok())
        .map(|bytes| hex(&Sha256::digest(&bytes)));
    cache.insert(key, hash.clone());
    hash
}

pub(crate) fn probe(ctx: &Ctx, users: &Users) -> Processes {
    let entries = match ctx.list("/proc") {
        Ok(e) => e,
        Err(e) => {
            let reason = cannot_read("/proc", &e, None);
            let mut fields = Map::new();
            fields.insert("running".into(), Value::Null);
            let p = Probe::unknown("processes", "/proc", reason);
            return Processes {
                section: section(&[&p], fields),
                probe: p,
                sockets: BTreeMap::new(),
                names: None,
            };
        }
    };
    let mut pids: Vec<u32> = entries
        .iter()
        .filter_map(|p| p.rsplit('/').next())
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|n| n.parse().ok())
        .collect();
    pids.sort_unstable();
    let mut running = Vec::new();
    let mut sockets = BTreeMap::new();
    let mut names = BTreeSet::new();
    let mut hashes = BTreeMap::new();
    let mut unreadable = 0usize;
    let mut seen = 0usize;
    for pid in pids {
        // A process that ended since the listing is simply gone.
        let Ok(status) = ctx.read_text(&format!("/proc/{pid}/status")) else {
            continue;
        };
        let cmdline = ctx
            .read(&format!("/proc/{pid}/cmdline"))
            .map(|b| command_line(&b))
            .unwrap_or_default();
        if cmdline.is_empty() {
            continue;
        }
        seen += 1;
        if running.len() >= MAX_PROCESSES {
            continue;
        }
        let (name, ppid, uid) = parse_status(&status);
        let name = name.unwrap_or_default();
        let exe = match ctx.read_link(&format!("/proc/{pid}/exe")) {
            Ok(e) => Some(e),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(_) => {
                unreadable += 1;
                None
            }
        };
        let sha256 = exe
            .as_deref()
            .and_then(|e| hash_of(ctx, pid, e, &mut hashes));
        if let Ok(fds) = ctx.list(&format!("/proc/{pid}/fd")) {
            for fd in fds.iter().take(MAX_FDS) {
                if let Some(inode) = ctx.read_link(fd).ok().as_deref().and_then(socket_inode) {
                    sockets.entry(inode).or_insert_with(|| (pid, name.clone()));
                }
            }
        }
        names.insert(name.clone());
        if let Some(file) = exe
            .as_deref()
            .map(|e| e.trim_end_matches(" (deleted)"))
            .and_then(|e| e.rsplit('/').next())
        {
            names.insert(file.to_string());
        }
        running.push(json!({
            "pid": pid,
            "ppid": ppid,
            "name": name,
            "uid": uid,
            "user": uid.and_then(|u| users.user_name(u)),
            "exe": exe,
            "commandLine": cmdline,
            "sha256": sha256,
        }));
    }
    let mut fields = Map::new();
    fields.insert("running".into(), Value::Array(running));
    fields.insert("truncated".into(), json!(seen > MAX_PROCESSES));
    fields.insert("unreadable".into(), json!(unreadable));
    let p = Probe::ok("processes", "/proc");
    Processes {
        section: section(&[&p], fields),
        probe: p,
        sockets,
        names: Some(names),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::testutil::{ctx, host};

    #[test]
    fn status_cmdline_and_socket_links_parse() {
        let (name, ppid, uid) =
            parse_status("Name:\tsshd\nUmask:\t0022\nState:\tS\nPPid:\t1\nUid:\t0\t0\t0\t0\n");
        assert_eq!(
            (name.as_deref(), ppid, uid),
            (Some("sshd"), Some(1), Some(0))
        );
        assert_eq!(command_line(b"/usr/sbin/sshd\0-D\0\0"), "/usr/sbin/sshd -D");
        assert_eq!(command_line(b""), "");
        assert_eq!(command_line(&vec![b'a'; 10_000]).len(), MAX_COMMAND_LINE);
        assert_eq!(socket_inode("socket:[4242]"), Some(4242));
        assert_eq!(socket_inode("pipe:[1]"), None);
    }

    #[test]
    fn processes_with_owner_hash_and_sockets_kernel_threads_left_out() {
        let (_d, h) = host(&[
            ("/etc/passwd", "root:x:0:0::/root:/bin/bash\n"),
            (
                "/proc/1/status",
                "Name:\tsystemd\nPPid:\t0\nUid:\t0\t0\t0\t0\n",
            ),
            ("/proc/1/cmdline", "/sbin/init\0"),
            (
                "/proc/2/status",
                "Name:\tkthreadd\nPPid:\t0\nUid:\t0\t0\t0\t0\n",
            ),
            ("/proc/2/cmdline", ""),
            (
                "/proc/10/status",
                "Name:\tminer\nPPid:\t1\nUid:\t0\t0\t0\t0\n",
            ),
            (
                "/proc/10/cmdline",
                "./x\0--pool\0stratum+tcp://p.example:3333\0",
            ),
            ("/proc/10/fd/3", ""),
            ("/tmp/.x/x", "not really a miner"),
            ("/proc/self", ""),
        ]);
        let h = h
            .with_link("/proc/10/exe", "/tmp/.x/x")
            .with_link("/proc/10/fd/3", "socket:[777]");
        let c = ctx(&h, false);
        let users = Users::load(&c);
        let p = probe(&c, &users);
        assert!(p.probe.is_ok());
        let running = p.section["running"].as_array().unwrap();
        let pids: Vec<u64> = running.iter().map(|r| r["pid"].as_u64().unwrap()).collect();
        assert_eq!(pids, vec![1, 10]);
        let miner = &running[1];
        assert_eq!(miner["exe"], "/tmp/.x/x");
        assert_eq!(miner["user"], "root");
        assert_eq!(
            miner["commandLine"],
            "./x --pool stratum+tcp://p.example:3333"
        );
        assert_eq!(miner["sha256"], hex(&Sha256::digest(b"not really a miner")));
        // Without a readable link the executable is unknown, not guessed.
        assert_eq!(running[0]["exe"], Value::Null);
        assert_eq!(p.sockets.get(&777), Some(&(10, "miner".to_string())));
        assert!(p.names.unwrap().contains("x"));
        assert_eq!(p.section["truncated"], false);
    }

    #[test]
    fn an_unreadable_proc_is_unknown() {
        let (_d, h) = host(&[("/etc/hostname", "x")]);
        let h = h.deny("/proc");
        let c = ctx(&h, false);
        let p = probe(&c, &Users::load(&c));
        assert_eq!(p.section["status"], "unknown");
        assert_eq!(p.section["running"], Value::Null);
        assert!(p.names.is_none());
    }
}
