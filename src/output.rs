//! Writing outputs: atomically (a temp file in the target folder, then a rename), and never
//! over an existing file without `--force`. A failed write leaves nothing behind.

use std::io::Write;
use std::path::Path;

use crate::diag::Problem;

/// Writes `bytes` to `path`. Without `force`, an existing file is an error and is left as
/// it was (the final rename refuses to replace it, so a file created meanwhile is safe too).
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool) -> Result<(), Problem> {
    write_atomic_with(path, force, |w| w.write_all(bytes))
}

/// [`write_atomic`] with the content written by `fill`, straight into the temp file: a
/// 1.7 GB report is never held in memory whole. If `fill` fails nothing is left behind.
pub fn write_atomic_with(
    path: &Path,
    force: bool,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Problem> {
    let display = path.display().to_string();
    let err = |code: &'static str, msg: String| Problem::error(code, msg).in_file(display.clone());
    // A device, FIFO or socket (/dev/stdout, /dev/full, a pipe) is written in place: renaming a
    // temp file over it would replace the device node itself.
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_dir() {
            return Err(err(
                "posture::output::folder",
                format!("{display} is a folder; name a file inside it"),
            ));
        }
        if !meta.is_file() {
            return std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|f| {
                    let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
                    fill(&mut w).and_then(|()| w.flush())
                })
                .map_err(|e| {
                    err(
                        "posture::output::write",
                        format!("cannot write {display}: {e}"),
                    )
                });
        }
    }
    if !force && path.exists() {
        return Err(err(
            "posture::output::exists",
            format!("{display} exists; not overwritten"),
        )
        .with_help("pass --force to replace it, or choose another file"));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(err(
            "posture::output::folder",
            format!(
                "cannot write {display}: folder {} does not exist",
                dir.display()
            ),
        )
        .with_help("create the folder first"));
    }
    let tmp = tempfile::Builder::new()
        .prefix(".posture-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| {
            err(
                "posture::output::write",
                format!("cannot write {display}: {e}"),
            )
        })?;
    let filled = {
        let file = Writeback {
            file: tmp.as_file(),
            written: 0,
            started: 0,
        };
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        fill(&mut w).and_then(|()| w.flush())
    };
    filled
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| {
            err(
                "posture::output::write",
                format!("cannot write {display}: {e}"),
            )
        })?;
    let result = if force {
        tmp.persist(path).map(|_| ())
    } else {
        tmp.persist_noclobber(path).map(|_| ())
    };
    // On failure the temp file is dropped with the error, which deletes it.
    result.map_err(|e| {
        err(
            "posture::output::write",
            format!("cannot write {display}: {}", e.error),
        )
    })
}

/// The temp file, whose pages the kernel is asked to start writing to disk every
/// [`WRITEBACK`] bytes: the fsync before the rename then waits for the last stretch only
/// (a 175 MB report's fsync took 74 ms at the end of the run, all of it waiting).
struct Writeback<'a> {
    file: &'a std::fs::File,
    written: u64,
    /// Bytes whose writeback has been started.
    started: u64,
}

/// See [`Writeback`].
const WRITEBACK: u64 = 8 << 20;

impl Write for Writeback<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.started >= WRITEBACK {
            start_writeback(self.file, self.started, self.written - self.started);
            self.started = self.written;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Starts writing a range of the file to disk without waiting for it. Best effort: if the
/// kernel refuses, the final fsync does all the work, as without this.
#[cfg(target_os = "linux")]
fn start_writeback(file: &std::fs::File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return;
    };
    // SAFETY: sync_file_range takes no pointers; the descriptor stays open while `file` is
    // borrowed. Its result is ignored on purpose (see above).
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_: &std::fs::File, _: u64, _: u64) {}

/// Runs `produce` on a second thread and writes what it writes to `out` on this one, so that
/// rendering a large report and copying it into the file (system time) overlap. `out`
/// receives the same bytes as from `produce(out)`; at most a few blocks of a megabyte wait
/// between the two. The first error, of either side, is returned.
pub fn pipelined(
    out: &mut dyn Write,
    produce: impl FnOnce(&mut dyn Write) -> std::io::Result<()> + Send,
) -> std::io::Result<()> {
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
    let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            let mut w = Blocks {
                full: full_tx,
                empty: empty_rx,
                block: Vec::with_capacity(BLOCK),
            };
            produce(&mut w).and_then(|()| w.flush())
        });
        let mut written = Ok(());
        // Ends when the producer is done (its sender is dropped) or, on a write error, here:
        // the receiver is dropped with the loop, and the producer's next send fails.
        for block in full_rx {
            written = out.write_all(&block);
            if written.is_err() {
                break;
            }
            // Recycled: fresh blocks would be fresh pages for the kernel to zero.
            let _ = empty_tx.send(block);
        }
        let produced = producer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the report renderer stopped")));
        written.and(produced)
    })
}

/// Size of the blocks [`pipelined`] hands over.
const BLOCK: usize = 1 << 20;

/// The producer's side of [`pipelined`]: bytes gathered into blocks, full blocks sent.
struct Blocks {
    full: std::sync::mpsc::SyncSender<Vec<u8>>,
    empty: std::sync::mpsc::Receiver<Vec<u8>>,
    block: Vec<u8>,
}

impl Write for Blocks {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.block.extend_from_slice(buf);
        if self.block.len() >= BLOCK {
            self.flush()?;
        }
        Ok(buf.len())
    }

    /// Sends what is gathered so far.
    fn flush(&mut self) -> std::io::Result<()> {
        if self.block.is_empty() {
            return Ok(());
        }
        let next = self
            .empty
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BLOCK));
        let full = std::mem::replace(&mut self.block, next);
        self.full.send(full).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the output stopped taking the report",
            )
        })?;
        self.block.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that fails after `room` bytes.
    struct Full {
        taken: Vec<u8>,
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.taken.len() + buf.len() > self.room {
                return Err(std::io::Error::other("disk full"));
            }
            self.taken.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn produce(w: &mut dyn Write) -> std::io::Result<()> {
        for i in 0..200_000u32 {
            writeln!(w, "line {i}")?;
            if i % 70_000 == 0 {
                w.flush()?;
            }
        }
        Ok(())
    }

    #[test]
    fn pipelined_writes_the_same_bytes() {
        let mut direct = Vec::new();
        produce(&mut direct).unwrap();
        assert!(direct.len() > 2 * BLOCK, "several blocks: {}", direct.len());
        let mut through = Vec::new();
        pipelined(&mut through, produce).unwrap();
        assert_eq!(through, direct);
    }

    #[test]
    fn pipelined_returns_the_first_error_of_either_side() {
        let mut out = Full {
            taken: Vec::new(),
            room: BLOCK + 10,
        };
        let e = pipelined(&mut out, produce).unwrap_err();
        assert_eq!(e.to_string(), "disk full");
        let mut direct = Vec::new();
        produce(&mut direct).unwrap();
        assert!(
            direct.starts_with(&out.taken),
            "what was written is the start"
        );
        let mut sink = Vec::new();
        let e = pipelined(&mut sink, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::other("render failed"))
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "render failed");
    }

    #[test]
    fn a_failed_fill_leaves_nothing_behind_and_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, "old").unwrap();
        let r = write_atomic_with(&path, true, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::other("render failed"))
        });
        let p = r.unwrap_err();
        assert!(p.to_string().contains("render failed"), "{p}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "a temp file was left: {names:?}");
    }

    #[test]
    fn a_streamed_write_is_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        let line = [b'x'; 1000];
        write_atomic_with(&path, false, |w| {
            for _ in 0..1000 {
                w.write_all(&line)?;
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 1_000_000);
    }

    #[test]
    fn refuses_to_overwrite_without_force_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write_atomic(&path, b"one", false).unwrap();
        let e = write_atomic(&path, b"two", false).unwrap_err();
        assert_eq!(e.code, "posture::output::exists");
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"three", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn a_device_is_written_in_place_and_its_errors_reported() {
        // /dev/null swallows the bytes and stays a device; /dev/full fails with ENOSPC.
        write_atomic(Path::new("/dev/null"), b"x", false).unwrap();
        assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
        if Path::new("/dev/full").exists() {
            let e = write_atomic(Path::new("/dev/full"), b"x", true).unwrap_err();
            assert_eq!(e.code, "posture::output::write");
            assert!(!std::fs::metadata("/dev/full").unwrap().is_file());
        }
    }

    #[test]
    fn a_folder_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_atomic(dir.path(), b"x", true).unwrap_err();
        assert_eq!(e.code, "posture::output::folder");
    }

    #[test]
    fn missing_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_atomic(&dir.path().join("nope/out.json"), b"x", false).unwrap_err();
        assert_eq!(e.code, "posture::output::folder");
    }
}
