//! Reads a file's bytes within a size limit and decodes them as UTF-8, with diagnostics that
//! say what is wrong with the file as a whole (missing, unreadable, too large, wrong encoding).

use std::io::Read as _;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::codes;
use crate::diag::Problem;
use crate::source::SourceFile;

/// A file's decoded text and the hash of the bytes it came from.
pub(crate) struct FileText {
    /// UTF-8 text without a byte order mark.
    pub text: String,
    /// Hex sha256 of the bytes as read (with the BOM, if any).
    pub sha256: String,
}

/// Reads `path` (shown as `display`), refusing more than `max` bytes.
pub(crate) fn read(path: &Path, display: &str, max: u64) -> Result<FileText, Box<Problem>> {
    let (text, bom) = read_unhashed(path, display, max)?;
    let sha256 = sha256_of(&text, bom);
    Ok(FileText { text, sha256 })
}

/// Hex sha256 of the bytes a text was decoded from: its UTF-8, after a byte order mark when
/// it had one (decoding changes nothing else). Lets a caller hash a large file on another
/// thread while it parses the text.
pub(crate) fn sha256_of(text: &str, bom: bool) -> String {
    let mut hasher = Sha256::new();
    if bom {
        hasher.update(BOM);
    }
    hasher.update(text.as_bytes());
    hex(&hasher.finalize())
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// [`read`] without the hash: the text, and whether the bytes started with a byte order
/// mark (see [`sha256_of`]).
pub(crate) fn read_unhashed(
    path: &Path,
    display: &str,
    max: u64,
) -> Result<(String, bool), Box<Problem>> {
    let io = |e: std::io::Error| Box::new(io_problem(display, &e));
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(Box::new(not_a_file(display, &meta.file_type())));
    }
    if meta.len() > max {
        return Err(Box::new(too_large(display, meta.len(), max)));
    }
    // The file may grow between the check and the read: never take more than the limit.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(Box::new(too_large(display, bytes.len() as u64, max)));
    }
    let bom = bytes.starts_with(BOM);
    let text = decode(bytes, display)?;
    Ok((text, bom))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Decodes UTF-8 (a leading BOM is dropped); UTF-16 and invalid bytes are errors.
pub(crate) fn decode(mut bytes: Vec<u8>, display: &str) -> Result<String, Box<Problem>> {
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    let utf16_bom = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    // Without a BOM, ASCII text in UTF-16 has a NUL in every other byte.
    let utf16_nuls = matches!(bytes.get(..2), Some([a, b]) if (*a == 0) != (*b == 0));
    if utf16_bom || utf16_nuls {
        return Err(Box::new(
            Problem::error(
                codes::ENCODING,
                "the file is encoded as UTF-16; posture reads UTF-8",
            )
            .in_file(display)
            .with_help(
                "convert it, e.g. `iconv -f UTF-16 -t UTF-8 in.json > out.json`, or in PowerShell \
             write it with `Out-File -Encoding utf8`",
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bad = e.as_bytes().get(at).copied().unwrap_or(0);
        let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let file = SourceFile {
            path: display.to_string(),
            text: Arc::new(lossy),
        };
        Box::new(
            Problem::error(
                codes::ENCODING,
                format!("the file is not valid UTF-8: byte 0x{bad:02X} cannot appear here"),
            )
            .at(&file, at, 3, "invalid UTF-8")
            .with_help("save the file as UTF-8"),
        )
    })
}

/// A problem for a failed open, read or stat, with the operating system's reason.
pub(crate) fn io_problem(display: &str, e: &std::io::Error) -> Problem {
    if e.kind() == std::io::ErrorKind::NotFound {
        return Problem::error(
            codes::NOT_FOUND,
            format!("no such file or folder: {display}"),
        )
        .in_file(display)
        .with_help("check the path; folders are read recursively");
    }
    Problem::error(codes::IO, format!("cannot read {display}: {e}")).in_file(display)
}

/// A problem for a path that is neither a regular file nor a folder.
pub(crate) fn not_a_file(display: &str, ft: &std::fs::FileType) -> Problem {
    let what = describe_file_type(ft);
    Problem::error(
        codes::NOT_A_FILE,
        format!("{display} is {what}, not a regular file"),
    )
    .in_file(display)
    .with_help("give a file or folder; to read from a pipe, save its output to a file first")
}

#[cfg(unix)]
fn describe_file_type(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_char_device() {
        "a character device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn describe_file_type(_ft: &std::fs::FileType) -> &'static str {
    "a special file"
}

fn too_large(display: &str, size: u64, max: u64) -> Problem {
    Problem::error(
        codes::TOO_LARGE,
        format!("{display} is {size} bytes, more than the limit of {max} bytes"),
    )
    .in_file(display)
    .with_help("raise the limit with --max-file-size, or split the inventory into several files")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_a_utf8_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBF[]".to_vec(), "f").unwrap(), "[]");
    }

    #[test]
    fn refuses_utf16_with_and_without_bom() {
        for bytes in [&b"\xFF\xFE[\0]\0"[..], b"\xFE\xFF\0[\0]", b"[\0]\0"] {
            let p = decode(bytes.to_vec(), "f.json").unwrap_err();
            assert_eq!(p.code, codes::ENCODING);
            assert!(p.message.contains("UTF-16"), "{}", p.message);
        }
    }

    #[test]
    fn locates_the_first_invalid_byte() {
        let p = decode(b"{\n  \"a\": \"\xC3\xA9\xFF\"\n}".to_vec(), "f.json").unwrap_err();
        assert_eq!(p.code, codes::ENCODING);
        assert_eq!((p.line(), p.column()), (Some(2), Some(10)));
        assert!(p.message.contains("0xFF"), "{}", p.message);
    }

    #[test]
    fn refuses_files_over_the_limit_and_hashes_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(&path, "[1, 2, 3]").unwrap();
        let p = read(&path, "a.json", 4).err().unwrap();
        assert_eq!(p.code, codes::TOO_LARGE);
        let t = read(&path, "a.json", 9).ok().unwrap();
        assert_eq!(t.text, "[1, 2, 3]");
        assert_eq!(t.sha256.len(), 64);
    }

    /// The hash is of the bytes on disk, byte order mark included, though it is computed
    /// from the decoded text.
    #[test]
    fn hashes_the_bytes_read_with_their_byte_order_mark() {
        let dir = tempfile::tempdir().unwrap();
        for bytes in [&b"\xEF\xBB\xBF[\"\xC3\xA9\"]"[..], b"[\"\xC3\xA9\"]", b""] {
            let path = dir.path().join("a.json");
            std::fs::write(&path, bytes).unwrap();
            let t = read(&path, "a.json", 100).ok().unwrap();
            assert_eq!(
                t.text,
                String::from_utf8_lossy(bytes).trim_start_matches('\u{feff}')
            );
            assert_eq!(t.sha256, hex(&Sha256::digest(bytes)), "{bytes:?}");
            let (text, bom) = read_unhashed(&path, "a.json", 100).ok().unwrap();
            assert_eq!(sha256_of(&text, bom), t.sha256);
        }
    }

    #[test]
    fn names_missing_files() {
        let p = read(Path::new("/nonexistent/x.json"), "x.json", 10)
            .err()
            .unwrap();
        assert_eq!(p.code, codes::NOT_FOUND);
        assert!(p.message.contains("x.json"));
    }
}
