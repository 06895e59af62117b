//! A host made of a fixture folder plus canned command outputs, so every probe can be tested
//! (and snapshotted) without touching the machine running the tests.
//!
//! File contents come from the folder. Ownership and modes cannot be stored in git, so they
//! are fixed (files 0644, folders 0755, root:root, no mtime) unless overridden, and paths can
//! be marked unreadable to play an unprivileged run. A manifest (JSON) can carry all of it:
//!
//! ```json
//! {"files": {"/etc/shadow": {"mode": "0640", "uid": 0, "gid": 42, "modified": 1795000000}},
//!  "denied": ["/root/.ssh/authorized_keys"],
//!  "links": {"/proc/812/exe": "/tmp/.x/kswapd0"},
//!  "commands": [{"program": "sshd", "args": ["-T"], "status": 0,
//!                "stdout": "port 22\n", "stdoutFile": "sshd-T.txt", "stderr": ""}]}
//! ```
//! `stdoutFile` is relative to the manifest's folder. Commands not listed are "not installed".
//! File entries may also give `size` and `dir`; `links` are what reading a link returns.
//! Files named `.gitkeep` exist only to keep empty folders in git and are not listed.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::host::{CommandOutput, FileInfo, HostAccess, RealHost};

/// A fake host: see the module documentation.
#[derive(Debug, Clone)]
pub struct FakeHost {
    files: RealHost,
    meta: BTreeMap<PathBuf, FileInfo>,
    denied: BTreeSet<PathBuf>,
    commands: BTreeMap<(String, Vec<String>), CommandOutput>,
    links: BTreeMap<PathBuf, PathBuf>,
}

fn denied_error(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("{}: permission denied", path.display()),
    )
}

fn bad_manifest(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

impl FakeHost {
    /// A host whose filesystem is the folder `root`, with no commands.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            files: RealHost::new(root),
            meta: BTreeMap::new(),
            denied: BTreeSet::new(),
            commands: BTreeMap::new(),
            links: BTreeMap::new(),
        }
    }

    /// A host from `root` and the manifest at `manifest` (see the module documentation).
    pub fn from_manifest(root: impl Into<PathBuf>, manifest: &Path) -> io::Result<Self> {
        let mut host = Self::new(root);
        let text = std::fs::read_to_string(manifest)?;
        let doc: Value = serde_json::from_str(&text)
            .map_err(|e| bad_manifest(format!("{}: {e}", manifest.display())))?;
        let base = manifest.parent().unwrap_or(Path::new("."));
        if let Some(files) = doc.get("files").and_then(Value::as_object) {
            for (path, m) in files {
                let mode = m
                    .get("mode")
                    .and_then(Value::as_str)
                    .and_then(|s| u32::from_str_radix(s, 8).ok())
                    .ok_or_else(|| bad_manifest(format!("{path}: mode must be octal text")))?;
                let num = |k: &str| {
                    m.get(k)
                        .and_then(Value::as_u64)
                        .and_then(|n| u32::try_from(n).ok())
                        .unwrap_or(0)
                };
                let info = FileInfo {
                    mode,
                    uid: num("uid"),
                    gid: num("gid"),
                    is_dir: m.get("dir").and_then(Value::as_bool).unwrap_or(false),
                    modified: m.get("modified").and_then(Value::as_i64),
                    size: m.get("size").and_then(Value::as_u64),
                };
                host = host.with_file_info(path, info);
            }
        }
        for p in doc
            .get("denied")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(p) = p.as_str() {
                host = host.deny(p);
            }
        }
        if let Some(links) = doc.get("links").and_then(Value::as_object) {
            for (path, target) in links {
                if let Some(t) = target.as_str() {
                    host = host.with_link(path, t);
                }
            }
        }
        for c in doc
            .get("commands")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let program = c.get("program").and_then(Value::as_str).unwrap_or("");
            let args: Vec<&str> = c
                .get("args")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut stdout = c
                .get("stdout")
                .and_then(Value::as_str)
                .unwrap_or("")
                .as_bytes()
                .to_vec();
            if let Some(file) = c.get("stdoutFile").and_then(Value::as_str) {
                stdout = std::fs::read(base.join(file))?;
            }
            let out = CommandOutput {
                status: c
                    .get("status")
                    .and_then(Value::as_i64)
                    .and_then(|n| i32::try_from(n).ok()),
                stdout,
                stderr: c
                    .get("stderr")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .as_bytes()
                    .to_vec(),
            };
            host = host.with_command(program, &args, out);
        }
        Ok(host)
    }

    /// Overrides the metadata of one path (whether the folder holds it or not).
    pub fn with_file_info(mut self, path: &str, info: FileInfo) -> Self {
        self.meta.insert(PathBuf::from(path), info);
        self
    }

    /// Makes `path` a symbolic link to `target` (for [`HostAccess::read_link`] only: reads
    /// and metadata still come from the folder or the overrides).
    pub fn with_link(mut self, path: &str, target: &str) -> Self {
        self.links
            .insert(PathBuf::from(path), PathBuf::from(target));
        self
    }

    /// Makes reading or listing `path` fail with "permission denied".
    pub fn deny(mut self, path: &str) -> Self {
        self.denied.insert(PathBuf::from(path));
        self
    }

    /// Gives `program args` a canned output.
    pub fn with_command(mut self, program: &str, args: &[&str], out: CommandOutput) -> Self {
        let key = (
            program.to_string(),
            args.iter().map(|a| (*a).to_string()).collect(),
        );
        self.commands.insert(key, out);
        self
    }

    /// Convenience for a command that exits with `status` and prints `stdout`.
    pub fn with_output(self, program: &str, args: &[&str], status: i32, stdout: &str) -> Self {
        let out = CommandOutput {
            status: Some(status),
            stdout: stdout.as_bytes().to_vec(),
            stderr: Vec::new(),
        };
        self.with_command(program, args, out)
    }

    fn is_denied(&self, path: &Path) -> bool {
        self.denied.iter().any(|d| path.starts_with(d))
    }
}

impl HostAccess for FakeHost {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if self.is_denied(path) {
            return Err(denied_error(path));
        }
        self.files.read(path)
    }

    fn metadata(&self, path: &Path) -> io::Result<FileInfo> {
        // stat needs only the parent folders to be searchable, so denial of the path itself
        // does not hide its metadata; a denied parent does.
        if path.parent().is_some_and(|p| self.is_denied(p)) {
            return Err(denied_error(path));
        }
        if let Some(info) = self.meta.get(path) {
            // An override without a size keeps the size of the file the folder holds.
            let mut info = *info;
            if info.size.is_none() && !info.is_dir {
                info.size = self.files.metadata(path).ok().and_then(|m| m.size);
            }
            return Ok(info);
        }
        let real = self.files.metadata(path)?;
        Ok(FileInfo {
            mode: if real.is_dir { 0o755 } else { 0o644 },
            uid: 0,
            gid: 0,
            is_dir: real.is_dir,
            modified: None,
            size: if real.is_dir { None } else { real.size },
        })
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        if self.is_denied(path) {
            return Err(denied_error(path));
        }
        let mut entries = self.files.read_dir(path)?;
        entries.retain(|p| p.file_name().is_none_or(|n| n != ".gitkeep"));
        Ok(entries)
    }

    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        if path.parent().is_some_and(|p| self.is_denied(p)) {
            return Err(denied_error(path));
        }
        self.links.get(path).cloned().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: not a symbolic link", path.display()),
            )
        })
    }

    fn run(&self, program: &str, args: &[&str]) -> io::Result<CommandOutput> {
        let key = (
            program.to_string(),
            args.iter().map(|a| (*a).to_string()).collect::<Vec<_>>(),
        );
        self.commands.get(&key).cloned().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{program} is not installed"),
            )
        })
    }
}
