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
        let mut w = Staged::new(Writeback {
            file: tmp.as_file(),
            written: 0,
            started: 0,
        });
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

/// Bytes are gathered into stretches of [`STAGE`] bytes. The first full stretch switches
/// the temp file to direct I/O (`O_DIRECT`, where the file system takes it) and each full
/// stretch is then written straight to the disk, bypassing the page cache: a 1.7 GB report
/// written through the page cache cost the kernel 1.7 GB of fresh cache pages and a copy
/// (write stage 3.4-5.5 s at 1,000,000 resources on the benchmark machine, where `dd` writes
/// 1.6 GB in 1.0 s directly and 1.3-5.2 s through the cache), and evicted other files'
/// pages for a file posture never reads back. What is left at the end (less than a
/// stretch, at an offset that is no longer aligned) is written through the cache, as is a
/// whole output smaller than a stretch. A file system that refuses direct I/O, at the
/// switch or at a write, gets the buffered writes of [`Writeback`] from then on; the bytes
/// are the same either way, and the final fsync still runs.
struct Staged<'a> {
    out: Writeback<'a>,
    /// Holds the stretch at `start..start + STAGE`, aligned for direct I/O.
    buf: Vec<u8>,
    start: usize,
    /// Bytes of the stretch filled.
    len: usize,
    direct: Direct,
}

/// Whether the temp file is written directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direct {
    /// No full stretch yet.
    Untried,
    On,
    /// Refused, or no longer possible (the offset is not aligned any more).
    Off,
}

/// See [`Staged`]: large enough that a direct write costs one request of several
/// megabytes, small enough to stay in the cache.
const STAGE: usize = 8 << 20;

/// Alignment of buffer, offset and length that direct I/O asks for (the page size covers
/// every logical block size in use).
const ALIGN: usize = 4096;

impl<'a> Staged<'a> {
    fn new(out: Writeback<'a>) -> Self {
        Self {
            out,
            buf: Vec::new(),
            start: 0,
            len: 0,
            direct: Direct::Untried,
        }
    }

    /// The stretch, allocated on first use (a small output never needs it).
    fn stage(&mut self) -> &mut [u8] {
        if self.buf.is_empty() {
            self.buf = vec![0; STAGE + ALIGN];
            let misaligned = self.buf.as_ptr() as usize % ALIGN;
            self.start = (ALIGN - misaligned) % ALIGN;
        }
        let start = self.start;
        self.buf.get_mut(start..start + STAGE).unwrap_or_default()
    }

    /// Writes through the cache from here on (the next offset may not be aligned).
    fn stop_direct(&mut self) -> std::io::Result<()> {
        let was = std::mem::replace(&mut self.direct, Direct::Off);
        if was == Direct::On && !set_direct(self.out.file, false) {
            return Err(std::io::Error::other(
                "cannot switch the output file back from direct I/O",
            ));
        }
        Ok(())
    }

    /// Writes the full stretch: directly when the file takes it, else buffered.
    fn write_stage(&mut self) -> std::io::Result<()> {
        if self.direct == Direct::Untried {
            self.direct = if set_direct(self.out.file, true) {
                Direct::On
            } else {
                Direct::Off
            };
        }
        let (start, len) = (self.start, self.len);
        let mut done = 0;
        if self.direct == Direct::On {
            while done < len {
                let chunk = self.buf.get(start + done..start + len).unwrap_or_default();
                match self.out.file.write(chunk) {
                    Ok(0) => break,
                    Ok(n) => {
                        done += n;
                        self.out.written += n as u64;
                        self.out.started = self.out.written;
                        if n % ALIGN != 0 {
                            break;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    // EINVAL and the like: the file system takes no direct writes after
                    // all; the buffered path reports any real error.
                    Err(_) => break,
                }
            }
            if done < len {
                self.stop_direct()?;
            }
        }
        let rest = self.buf.get(start + done..start + len).unwrap_or_default();
        self.out.write_all(rest)?;
        self.len = 0;
        Ok(())
    }
}

impl Write for Staged<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let len = self.len;
        let stage = self.stage();
        let room = stage.len().saturating_sub(len);
        let n = buf.len().min(room);
        if let (Some(to), Some(from)) = (stage.get_mut(len..len + n), buf.get(..n)) {
            to.copy_from_slice(from);
        }
        self.len += n;
        if self.len == STAGE {
            self.write_stage()?;
        }
        Ok(n)
    }

    /// Writes what is gathered. A part of a stretch leaves the file at an offset that
    /// direct I/O cannot continue from, so the file is written buffered from then on.
    fn flush(&mut self) -> std::io::Result<()> {
        if self.len > 0 {
            self.stop_direct()?;
            let (start, len) = (self.start, self.len);
            let rest = self.buf.get(start..start + len).unwrap_or_default();
            self.out.write_all(rest)?;
            self.len = 0;
        }
        self.out.flush()
    }
}

/// Switches direct I/O on or off for an open file; `false` when the system refuses.
#[cfg(target_os = "linux")]
fn set_direct(file: &std::fs::File, on: bool) -> bool {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl with F_GETFL/F_SETFL takes and returns integers only; the descriptor
    // stays open while `file` is borrowed.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 {
            return false;
        }
        let want = if on {
            flags | libc::O_DIRECT
        } else {
            flags & !libc::O_DIRECT
        };
        want == flags || libc::fcntl(fd, libc::F_SETFL, want) == 0
    }
}

/// Elsewhere the file is always written through the cache.
#[cfg(not(target_os = "linux"))]
fn set_direct(_: &std::fs::File, on: bool) -> bool {
    !on
}

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

    /// Deterministic bytes that differ at every offset of a stretch.
    fn pattern(len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| (i % 251) as u8 ^ (i >> 12) as u8)
            .collect()
    }

    /// Writes `bytes` in pieces of uneven sizes (small ones and ones larger than a stretch).
    fn write_unevenly(w: &mut dyn Write, bytes: &[u8]) -> std::io::Result<()> {
        let sizes = [1, 7, ALIGN - 1, 65_536, STAGE + 3, 1 << 20];
        let (mut at, mut i) = (0, 0);
        while at < bytes.len() {
            let n = sizes[i % sizes.len()].min(bytes.len() - at);
            w.write_all(&bytes[at..at + n])?;
            (at, i) = (at + n, i + 1);
        }
        Ok(())
    }

    /// Whether files in `dir` can be opened for direct I/O, and whether a direct write from
    /// a misaligned buffer is refused there (ext4 and xfs refuse it).
    #[cfg(target_os = "linux")]
    fn direct_io_in(dir: &Path) -> (bool, bool) {
        use std::os::unix::fs::OpenOptionsExt;
        let Ok(mut probe) = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .custom_flags(libc::O_DIRECT)
            .open(dir.join("probe"))
        else {
            return (false, false);
        };
        let buf = vec![0u8; 3 * ALIGN];
        let misaligned = ALIGN - buf.as_ptr() as usize % ALIGN + 1;
        let refused = probe.write(&buf[misaligned..misaligned + ALIGN]).is_err();
        drop(probe);
        std::fs::remove_file(dir.join("probe")).unwrap();
        (true, refused)
    }

    /// Whether the open file has O_DIRECT set, from /proc (the flags line is octal).
    #[cfg(target_os = "linux")]
    fn has_direct_flag(file: &std::fs::File) -> bool {
        use std::os::fd::AsRawFd;
        let info =
            std::fs::read_to_string(format!("/proc/self/fdinfo/{}", file.as_raw_fd())).unwrap();
        let flags = info
            .lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .map(|f| i64::from_str_radix(f.trim(), 8).unwrap())
            .unwrap();
        flags & i64::from(libc::O_DIRECT) != 0
    }

    #[cfg(target_os = "linux")]
    fn staged(file: &std::fs::File) -> Staged<'_> {
        Staged::new(Writeback {
            file,
            written: 0,
            started: 0,
        })
    }

    #[test]
    fn outputs_of_every_size_are_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        for len in [
            0,
            1,
            ALIGN - 1,
            STAGE - 1,
            STAGE,
            STAGE + 1,
            2 * STAGE + 12_345,
        ] {
            let bytes = pattern(len);
            write_atomic_with(&path, true, |w| write_unevenly(w, &bytes)).unwrap();
            let back = std::fs::read(&path).unwrap();
            assert!(
                back == bytes,
                "{len} bytes written, {} read back",
                back.len()
            );
        }
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn full_stretches_go_straight_to_the_disk_and_the_rest_through_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let (direct, _) = direct_io_in(dir.path());
        let file = std::fs::File::create(dir.path().join("out")).unwrap();
        let bytes = pattern(2 * STAGE + 100);
        let mut w = staged(&file);
        w.write_all(&bytes[..STAGE - 1]).unwrap();
        assert_eq!(
            w.direct,
            Direct::Untried,
            "nothing written before a full stretch"
        );
        assert!(!has_direct_flag(&file));
        w.write_all(&bytes[STAGE - 1..2 * STAGE]).unwrap();
        let on = if direct { Direct::On } else { Direct::Off };
        assert_eq!(w.direct, on);
        assert_eq!(has_direct_flag(&file), direct);
        assert_eq!(w.out.written, 2 * STAGE as u64);
        w.write_all(&bytes[2 * STAGE..]).unwrap();
        w.flush().unwrap();
        assert_eq!(
            w.direct,
            Direct::Off,
            "the tail leaves the offset unaligned"
        );
        assert!(
            !has_direct_flag(&file),
            "the tail is written through the cache"
        );
        drop(w);
        assert!(std::fs::read(dir.path().join("out")).unwrap() == bytes);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_refused_direct_write_is_written_through_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let (_, refused) = direct_io_in(dir.path());
        let file = std::fs::File::create(dir.path().join("out")).unwrap();
        let bytes = pattern(3 * STAGE + 5);
        let mut w = staged(&file);
        // A stretch that starts one byte past the alignment: the file system refuses to
        // write it directly.
        let _ = w.stage();
        w.start += 1;
        w.write_all(&bytes[..STAGE]).unwrap();
        if refused {
            assert_eq!(w.direct, Direct::Off);
            assert!(!has_direct_flag(&file));
        }
        w.write_all(&bytes[STAGE..]).unwrap();
        w.flush().unwrap();
        drop(w);
        assert!(std::fs::read(dir.path().join("out")).unwrap() == bytes);
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
