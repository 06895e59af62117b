//! Test helpers: a fake host from a handful of files written to a temporary folder.

use tempfile::TempDir;

use super::fake::FakeHost;
use super::probe::Ctx;

/// 2026-11-25T22:10:00Z, the `now` of probe tests.
pub(crate) const NOW: i64 = 1_795_644_600;

/// A temporary root holding `files` (host path, content) and a FakeHost over it. Keep the
/// TempDir alive as long as the host is used.
pub(crate) fn host(files: &[(&str, &str)]) -> (TempDir, FakeHost) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path.trim_start_matches('/'));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        if path.ends_with('/') {
            std::fs::create_dir_all(&p).unwrap();
        } else {
            std::fs::write(p, text).unwrap();
        }
    }
    let fake = FakeHost::new(dir.path());
    (dir, fake)
}

pub(crate) fn ctx(host: &FakeHost, run_commands: bool) -> Ctx<'_> {
    Ctx {
        host,
        run_commands,
        now: Some(NOW),
    }
}
