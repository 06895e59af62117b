//! Hostile input: whatever a pipeline hands posture, it answers with a clear diagnostic and
//! a defined exit code, never a panic, a hang or a half-written file.
//!
//! Every case runs the binary in a fresh folder with `-o out.json` and asserts the exit
//! code, that stderr names the file (and line and column where one exists), that nothing
//! panicked, and that no output file (nor a temp file) is left behind when the run failed.

mod cases;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const NOW: &str = "2026-11-26T00:00:00Z";

/// One run's outcome.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub dir: tempfile::TempDir,
}

impl Run {
    /// Asserts the exit code, no panic, and the place named on stderr.
    pub fn expect(&self, code: i32, place: &str) -> &Self {
        assert_eq!(self.code, code, "exit code\n{}", self.stderr);
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("posture crashed"),
            "panic:\n{}",
            self.stderr
        );
        assert!(
            self.stderr.contains(place),
            "stderr does not name {place:?}:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts stderr says `text`.
    pub fn says(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts no output or temp file was left in the run's folder when it failed, and the
    /// report file exists when it succeeded.
    pub fn output_only_on_success(&self) -> &Self {
        let out = self.dir.path().join("out.json");
        if self.code == 2 {
            assert!(!out.exists(), "a failed run left out.json behind");
        } else {
            assert!(out.exists(), "a successful run wrote no report");
        }
        let leftovers: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with(".posture-"))
            .collect();
        assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
        self
    }
}

/// A case folder: files to write (relative path, bytes), then the arguments after
/// `posture`; `{dir}` in an argument is the case folder.
pub fn run_case(files: &[(&str, &[u8])], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in files {
        let p = dir.path().join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
    }
    run_in(dir, args)
}

/// Runs posture in `dir` (its working folder).
pub fn run_in(dir: tempfile::TempDir, args: &[&str]) -> Run {
    let d = dir.path().display().to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace("{dir}", &d)).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(&args)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        dir,
    }
}

/// `posture assess <input> --now NOW -f json -o out.json` in a case folder.
pub fn assess(files: &[(&str, &[u8])], input: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "assess", input, "--now", NOW, "-f", "json", "-o", "out.json",
    ];
    args.extend(extra);
    run_case(files, &args)
}

/// The repository's fixture folder.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}
