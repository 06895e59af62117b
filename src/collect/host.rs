//! The collector's only door to the machine: reading files, listing folders, file metadata
//! and running a few read-only commands. Probes see host paths (`/etc/shadow`), never the
//! root they are mapped under, so the same probe code runs on a live system, a mounted disk
//! image or a fixture folder.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Files (and command outputs) larger than this are not read: a snapshot must stay bounded
/// whatever the host holds, and no file a probe wants is legitimately this large.
pub const MAX_READ: u64 = 64 * 1024 * 1024;

/// Folder listings are cut here, for the same reason.
pub const MAX_DIR_ENTRIES: usize = 100_000;

/// Ownership and permissions of a path, as `stat` reports them (symlinks followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileInfo {
    /// Permission bits including setuid, setgid and sticky (`mode & 0o7777`).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub is_dir: bool,
    /// Last modification, in seconds since the Unix epoch, when known.
    pub modified: Option<i64>,
    /// Size in bytes, when known (folders and /proc files report what the kernel says).
    pub size: Option<u64>,
}

/// What a command printed and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandOutput {
    /// The exit code; `None` when a signal ended it.
    pub status: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl CommandOutput {
    /// True when the command exited with code 0.
    pub fn success(&self) -> bool {
        self.status == Some(0)
    }
}

/// Read-only access to one host. Paths are absolute host paths.
pub trait HostAccess {
    /// The whole content of a file, refused above [`MAX_READ`].
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Mode, owner and type of a path.
    fn metadata(&self, path: &Path) -> io::Result<FileInfo>;
    /// The entries of a folder as host paths, sorted.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>>;
    /// Runs a program (no shell) and returns its output.
    fn run(&self, program: &str, args: &[&str]) -> io::Result<CommandOutput>;
    /// The target of a symbolic link (a process's `exe`, an `fd`, a history file linked to
    /// /dev/null). Hosts that cannot tell say so with an error.
    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("{}: links cannot be read on this host", path.display()),
        ))
    }
}

/// The machine posture runs on, or a filesystem tree mounted somewhere (`root`).
#[derive(Debug, Clone)]
pub struct RealHost {
    /// `/` for the live system; another folder for an offline image.
    pub root: PathBuf,
}

/// Where programs are looked up. Fixed rather than inherited, so a user's PATH cannot
/// substitute a program and so `sshd` in /usr/sbin is found by unprivileged users.
const PROGRAM_DIRS: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

impl RealHost {
    /// A host rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn map(&self, path: &Path) -> PathBuf {
        let rel = path.strip_prefix("/").unwrap_or(path);
        if rel.as_os_str().is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }

    fn is_live(&self) -> bool {
        self.root == Path::new("/")
    }
}

/// Package managers read large databases and may take longer than other tools.
fn timeout_for(program: &str) -> Duration {
    match program {
        "apt-get" | "dnf" | "yum" | "rpm" | "needs-restarting" | "journalctl" => {
            Duration::from_secs(20)
        }
        _ => Duration::from_secs(5),
    }
}

fn too_large() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("larger than {} MiB", MAX_READ / (1024 * 1024)),
    )
}

impl HostAccess for RealHost {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let file = std::fs::File::open(self.map(path))?;
        // /proc files report a size of 0, so the bound is enforced while reading.
        let mut buf = Vec::new();
        file.take(MAX_READ + 1).read_to_end(&mut buf)?;
        if buf.len() as u64 > MAX_READ {
            return Err(too_large());
        }
        Ok(buf)
    }

    fn metadata(&self, path: &Path) -> io::Result<FileInfo> {
        let m = std::fs::metadata(self.map(path))?;
        Ok(file_info(&m))
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(self.map(path))? {
            if out.len() >= MAX_DIR_ENTRIES {
                break;
            }
            out.push(path.join(entry?.file_name()));
        }
        out.sort();
        Ok(out)
    }

    fn run(&self, program: &str, args: &[&str]) -> io::Result<CommandOutput> {
        if !self.is_live() {
            // A command describes the running system, not the tree under `root`.
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "commands describe the running system and are not run against another root",
            ));
        }
        let exe = resolve(program).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{program} is not installed"),
            )
        })?;
        run_bounded(&exe, args, timeout_for(program))
    }

    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::read_link(self.map(path))
    }
}

#[cfg(unix)]
fn file_info(m: &std::fs::Metadata) -> FileInfo {
    use std::os::unix::fs::MetadataExt;
    FileInfo {
        mode: m.mode() & 0o7777,
        uid: m.uid(),
        gid: m.gid(),
        is_dir: m.is_dir(),
        modified: Some(m.mtime()),
        size: Some(m.len()),
    }
}

#[cfg(not(unix))]
fn file_info(m: &std::fs::Metadata) -> FileInfo {
    let modified = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_secs()).ok());
    FileInfo {
        mode: 0,
        uid: 0,
        gid: 0,
        is_dir: m.is_dir(),
        modified,
        size: Some(m.len()),
    }
}

fn resolve(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        let p = PathBuf::from(program);
        return p.is_file().then_some(p);
    }
    PROGRAM_DIRS
        .iter()
        .map(|d| Path::new(d).join(program))
        .find(|p| p.is_file())
}

fn spawn_reader<R: Read + Send + 'static>(
    stream: Option<R>,
    tx: mpsc::Sender<(bool, io::Result<Vec<u8>>)>,
    is_stdout: bool,
) {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let res = match stream {
            Some(s) => s.take(MAX_READ).read_to_end(&mut buf).map(|_| buf),
            None => Ok(buf),
        };
        // The receiver may have given up after a timeout; nothing to do then.
        let _ = tx.send((is_stdout, res));
    });
}

/// Runs without a shell, with a fixed PATH and the C locale (so output parses the same on
/// every host), stdin closed, output bounded and a deadline after which the child is killed.
fn run_bounded(exe: &Path, args: &[&str], timeout: Duration) -> io::Result<CommandOutput> {
    let mut child = Command::new(exe)
        .args(args)
        .env_clear()
        .env("PATH", PROGRAM_DIRS.join(":"))
        .env("LANG", "C")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let (tx, rx) = mpsc::channel();
    spawn_reader(child.stdout.take(), tx.clone(), true);
    spawn_reader(child.stderr.take(), tx, false);
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("timed out after {} s", timeout.as_secs()),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut out = CommandOutput {
        status: status.code(),
        ..CommandOutput::default()
    };
    // A grandchild may keep a pipe open after the child exited: wait for the readers only
    // until the deadline rather than joining them.
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left.max(Duration::from_millis(200))) {
            Ok((true, res)) => out.stdout = res?,
            Ok((false, res)) => out.stderr = res?,
            Err(_) => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_under_the_root() {
        let h = RealHost::new("/mnt/img");
        assert_eq!(
            h.map(Path::new("/etc/passwd")),
            Path::new("/mnt/img/etc/passwd")
        );
        assert_eq!(h.map(Path::new("/")), Path::new("/mnt/img"));
    }

    #[test]
    fn commands_are_refused_for_another_root() {
        let h = RealHost::new("/mnt/img");
        let err = h.run("true", &[]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Unsupported);
    }

    #[test]
    fn a_slow_command_is_killed() {
        let err = run_bounded(Path::new("/bin/sleep"), &["5"], Duration::from_millis(200));
        assert_eq!(err.unwrap_err().kind(), io::ErrorKind::TimedOut);
    }

    #[test]
    fn commands_run_in_the_c_locale_without_a_shell() {
        let out = run_bounded(Path::new("/usr/bin/env"), &[], Duration::from_secs(5)).unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("LANG=C"));
        assert!(out.success());
    }
}
