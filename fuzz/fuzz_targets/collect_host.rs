//! The host agent over a fake machine whose files are the fuzzer's bytes: sshd_config (with
//! an included drop-in), auth.log, dpkg status, login.defs, os-release, passwd, shadow,
//! group, modprobe.d and journald.conf, split on NUL bytes. Every parser of `posture collect`
//! sees hostile text; commands are refused.
#![no_main]

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use posture::collect::{self, CollectOptions, CommandOutput, FileInfo, HostAccess};

const FILES: &[&str] = &[
    "/etc/ssh/sshd_config",
    "/etc/ssh/sshd_config.d/50-cloud.conf",
    "/var/log/auth.log",
    "/var/lib/dpkg/status",
    "/etc/login.defs",
    "/etc/os-release",
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/modprobe.d/blacklist.conf",
    "/etc/systemd/journald.conf",
    "/proc/modules",
];

struct Host {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl HostAccess for Host {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    fn metadata(&self, path: &Path) -> io::Result<FileInfo> {
        let is_dir = self.files.keys().any(|f| f.starts_with(path) && f != path);
        if !is_dir && !self.files.contains_key(path) {
            return Err(io::Error::from(io::ErrorKind::NotFound));
        }
        Ok(FileInfo { mode: if is_dir { 0o755 } else { 0o644 }, uid: 0, gid: 0, is_dir, modified: Some(1_700_000_000), size: Some(0) })
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let entries: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|f| f.parent() == Some(path))
            .cloned()
            .collect();
        if entries.is_empty() {
            Err(io::Error::from(io::ErrorKind::NotFound))
        } else {
            Ok(entries)
        }
    }

    fn run(&self, _program: &str, _args: &[&str]) -> io::Result<CommandOutput> {
        Err(io::Error::from(io::ErrorKind::PermissionDenied))
    }
}

fuzz_target!(|data: &[u8]| {
    let files = data
        .split(|b| *b == 0)
        .zip(FILES)
        .map(|(bytes, path)| (PathBuf::from(path), bytes.to_vec()))
        .collect();
    let host = Host { files };
    let opts = CollectOptions {
        root: "/".into(),
        now: "2026-11-26T00:00:00Z".into(),
        resource_id: None,
        run_commands: false,
    };
    let snapshot = collect::collect(&opts, &host);
    assert_eq!(snapshot["kind"], "posture-agent-snapshot");
});
