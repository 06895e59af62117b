//! Input loading: finds inventory files, reads and parses them (JSON, YAML, NDJSON) into JSON
//! values, validates them against the embedded JSON Schemas and turns them into
//! [`Resource`](crate::model::Resource)s, collecting every problem of a run instead of
//! stopping at the first.
//!
//! Depends on `source` (texts for diagnostics), `diag` (problems), `model` (resources) and
//! `assets` (schemas). Only `yaml.rs` touches serde_yaml (it is archived; one file to swap).
//!
//! Pointer conventions, shared with [`locate`]: a resource's `Origin::pointer` is its JSON
//! pointer in the parsed document (`/data/3`, `/7`, `` for a single object). An NDJSON file
//! parses as an array with one element per non-empty line. A YAML file with two or more
//! documents parses as an array of its documents, so pointers gain the document index as a
//! prefix (`/1/data/0`); empty documents in such a stream are skipped.

mod discover;
mod inventory;
mod json;
pub mod locate;
mod ndjson;
pub mod schema;
mod text;
mod value;
mod yaml;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diag::{Problem, Problems};
use crate::source::{SourceFile, SourceId, SourceMap};

pub use discover::discover;
pub use inventory::{
    document_resources_both_ways, json_resources_in_pieces, line_resource_both_ways,
    load_inventory, load_inventory_with, ndjson_resources_in_pieces, resources_from_text,
    Inventory, Snapshot, SNAPSHOT_KIND,
};
pub use value::DuplicateKey;

/// Files larger than this are refused before reading, to bound memory (2 GiB).
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Diagnostic codes of this module.
pub mod codes {
    /// A path given on the command line does not exist (or is a broken link).
    pub const NOT_FOUND: &str = "posture::load::not_found";
    /// A FIFO, socket or device where a file was expected.
    pub const NOT_A_FILE: &str = "posture::load::not_a_file";
    /// The operating system refused to read a file or folder.
    pub const IO: &str = "posture::load::io";
    /// Warning: a symbolic link points outside the folder being read; skipped.
    pub const SYMLINK_OUTSIDE: &str = "posture::load::symlink_outside";
    /// A file is larger than the limit.
    pub const TOO_LARGE: &str = "posture::load::too_large";
    /// Not UTF-8 (invalid bytes, or UTF-16).
    pub const ENCODING: &str = "posture::load::encoding";
    /// No content at all.
    pub const EMPTY: &str = "posture::load::empty";
    /// JSON or NDJSON syntax error (also too deep, or a number beyond f64).
    pub const JSON_SYNTAX: &str = "posture::load::json_syntax";
    /// YAML syntax error (also too deep, alias bombs, tabs).
    pub const YAML_SYNTAX: &str = "posture::load::yaml_syntax";
    /// Warning: an object has the same key twice; the last value is used.
    pub const DUPLICATE_KEY: &str = "posture::load::duplicate_key";
    /// The document is none of the accepted inventory shapes.
    pub const SHAPE: &str = "posture::load::shape";
    /// A value breaks the JSON Schema.
    pub const SCHEMA: &str = "posture::load::schema";
    /// Warning: two resources share a (case-insensitive) id; the later one is used.
    pub const DUPLICATE_ID: &str = "posture::load::duplicate_id";
    /// A bug in posture stopped the reading of a file (never expected; the run fails).
    pub const INTERNAL: &str = "posture::load::internal";
}

/// The syntax of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One JSON document.
    Json,
    /// One or more YAML documents.
    Yaml,
    /// JSON Lines: one JSON value per non-empty line.
    Ndjson,
}

impl Format {
    /// The format an extension stands for (`.json`, `.yaml`, `.yml`, `.ndjson`, `.jsonl`),
    /// case-insensitively.
    pub fn from_extension(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Self::Json),
            "yaml" | "yml" => Some(Self::Yaml),
            "ndjson" | "jsonl" => Some(Self::Ndjson),
            _ => None,
        }
    }

    /// Guesses from the content: JSON when the first non-space byte opens an array or object,
    /// YAML otherwise (YAML is the more permissive syntax, so its errors explain more).
    pub fn sniff(bytes: &[u8]) -> Self {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[' | b'{') => Self::Json,
            _ => Self::Yaml,
        }
    }

    /// The format discovery gives a file: by extension, else by content.
    pub fn detect(path: &str, text: &str) -> Self {
        Self::from_extension(Path::new(path)).unwrap_or_else(|| Self::sniff(text.as_bytes()))
    }

    /// Display name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "JSON",
            Self::Yaml => "YAML",
            Self::Ndjson => "NDJSON",
        }
    }
}

/// A file to read, found by [`discover`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// Where to read it.
    pub path: PathBuf,
    /// The path as the user named it (a folder joined with the file's relative path).
    pub display: String,
    /// How to parse it.
    pub format: Format,
}

/// Knobs of loading; the defaults suit the CLI.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Files larger than this many bytes are refused.
    pub max_file_bytes: u64,
    /// Threads parsing files (at least 1); the result does not depend on it.
    pub jobs: usize,
    /// Where the bytes and resources read are counted (the command's bar; none by default).
    pub progress: std::sync::Arc<crate::progress::Progress>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            max_file_bytes: MAX_FILE_BYTES,
            jobs: 1,
            progress: std::sync::Arc::default(),
        }
    }
}

/// What a parsed document is expected to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A whole document: any of the accepted shapes.
    Whole,
    /// One NDJSON line: a single resource.
    Line,
}

/// One document of a file, with the pointer prefix its values are addressed under.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// JSON pointer of this document in the file's parsed value (`` for a single document).
    pub pointer: String,
    /// The parsed value.
    pub value: Value,
    /// Whole document or NDJSON line.
    pub kind: DocumentKind,
    /// Line and column where the document starts, when known while parsing (NDJSON).
    pub place: Option<(usize, usize)>,
}

/// Parses a file's text into its documents, with every problem found (syntax errors and
/// duplicate-key warnings). An NDJSON file keeps its good lines when others are bad.
pub fn parse_documents(file: &SourceFile, format: Format) -> (Vec<Document>, Vec<Problem>) {
    let (docs, dups, mut problems) = match format {
        Format::Json => json::parse(file),
        Format::Yaml => yaml::parse(file),
        Format::Ndjson => ndjson::parse(file),
    };
    problems.extend(duplicate_key_warnings(file, format, dups));
    (docs, problems)
}

/// Like [`parse_documents`], giving each document to `f` as it is parsed: an NDJSON file
/// is parsed a line at a time, so a large file never exists as one tree. Returns the
/// problems [`parse_documents`] would.
pub fn for_each_document(
    file: &SourceFile,
    format: Format,
    mut f: impl FnMut(Document),
) -> Vec<Problem> {
    for_each_document_in(file, format, &mut f)
}

/// [`for_each_document`] into a [`Sink`], which may take NDJSON lines and JSON
/// documents before they are parsed into trees.
pub(crate) fn for_each_document_in(
    file: &SourceFile,
    format: Format,
    f: &mut impl Sink,
) -> Vec<Problem> {
    let (dups, mut problems) = match format {
        Format::Ndjson => ndjson::each(file, f),
        Format::Json if f.whole(&file.text) => (Vec::new(), Vec::new()),
        Format::Json | Format::Yaml => {
            let (docs, dups, problems) = match format {
                Format::Yaml => yaml::parse(file),
                _ => json::parse(file),
            };
            docs.into_iter().for_each(|d| f.document(d));
            (dups, problems)
        }
    };
    problems.extend(duplicate_key_warnings(file, format, dups));
    problems
}

/// Where the documents of a file go. `line` sees each non-empty NDJSON line's text, and
/// `whole` a JSON file's text, before it is parsed, and may take it without a JSON tree (the
/// inventory takes plain resources so); what they leave is parsed and given to `document`,
/// with its problems reported.
pub(crate) trait Sink {
    /// Takes the line (`true`) or leaves it to [`Sink::document`]. `place` is its line and
    /// column.
    fn line(&mut self, _text: &str, _pointer: &str, _place: (usize, usize)) -> bool {
        false
    }

    /// The same for a whole JSON document: takes the text (`true`) or leaves it to be parsed
    /// and given to [`Sink::document`].
    fn whole(&mut self, _text: &str) -> bool {
        false
    }

    fn document(&mut self, doc: Document);
}

impl<F: FnMut(Document)> Sink for F {
    fn document(&mut self, doc: Document) {
        self(doc)
    }
}

/// At most this many duplicate keys are located per file; the rest are counted.
const MAX_DUPLICATE_KEY_WARNINGS: usize = 50;

pub(crate) fn duplicate_key_warnings(
    file: &SourceFile,
    format: Format,
    dups: Vec<DuplicateKey>,
) -> Vec<Problem> {
    let total = dups.len();
    let mut out: Vec<Problem> = dups
        .into_iter()
        .take(MAX_DUPLICATE_KEY_WARNINGS)
        .map(|d| {
            let msg = format!(
                "key \"{}\" appears more than once in this object; the last value is used",
                d.key
            );
            let p = Problem::warning(codes::DUPLICATE_KEY, msg)
                .with_help("remove or rename one of the keys");
            match locate::pointer_span(&file.text, format, &d.pointer) {
                Some(span) => {
                    let (o, l) = locate::first_line(&file.text, span);
                    p.at(file, o, l, "this value replaces an earlier one")
                }
                None => p.in_file(file.path.clone()),
            }
        })
        .collect();
    if total > MAX_DUPLICATE_KEY_WARNINGS {
        let more = total - MAX_DUPLICATE_KEY_WARNINGS;
        out.push(
            Problem::warning(
                codes::DUPLICATE_KEY,
                format!("and {more} more duplicate keys in this file"),
            )
            .at(file, file.text.len(), 0, "not all shown"),
        );
    }
    out
}

/// Parses text already in memory into one JSON value. YAML with several documents gives an
/// array of them; NDJSON an array of its lines. The first error is returned; warnings
/// (duplicate keys) are dropped here, use [`parse_documents`] to get them.
#[allow(
    clippy::result_large_err,
    reason = "the documented contract; one error on a cold path, boxing would only add noise for callers"
)]
pub fn parse_text(file: &SourceFile, format: Format) -> Result<Value, Problem> {
    let (docs, problems) = parse_documents(file, format);
    if let Some(first) = problems.into_iter().find(Problem::is_error) {
        return Err(first);
    }
    Ok(assemble(docs, format))
}

/// Joins documents back into the single value their pointers address.
fn assemble(docs: Vec<Document>, format: Format) -> Value {
    let several = format == Format::Ndjson || docs.iter().any(|d| !d.pointer.is_empty());
    if several {
        // Multi-document YAML skips empty documents; keep indexes by filling with null.
        let mut out = Vec::new();
        for d in docs {
            let index = d
                .pointer
                .strip_prefix('/')
                .and_then(locate::array_index)
                .unwrap_or(out.len());
            out.resize(index, Value::Null);
            out.push(d.value);
        }
        Value::Array(out)
    } else {
        docs.into_iter().next().map_or(Value::Null, |d| d.value)
    }
}

/// Reads and parses one discovered file, registering its text in `sources`. `None` once any
/// error about the file has been pushed.
pub fn read_document(
    d: &Discovered,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> Option<(SourceId, Value)> {
    read_document_with(d, &LoadOptions::default(), sources, problems)
}

/// [`read_document`] with explicit options.
pub fn read_document_with(
    d: &Discovered,
    opts: &LoadOptions,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> Option<(SourceId, Value)> {
    let (id, _) = read_source(d, opts, sources, problems)?;
    let file = sources.get(id)?.clone();
    let (docs, found) = parse_documents(&file, d.format);
    let failed = found.iter().any(Problem::is_error);
    problems.extend(found);
    (!failed).then(|| (id, assemble(docs, d.format)))
}

/// [`read_source`] for many files, read on `opts.jobs` threads and registered in the given
/// order, so ids and problems do not depend on the thread count; not hashed, so that the
/// caller can hash them beside parsing (see [`text::sha256_of`]). One entry per file: its
/// id and whether its bytes began with a byte order mark, `None` for a file not read.
pub(crate) fn read_sources(
    found: &[Discovered],
    opts: &LoadOptions,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> Vec<Option<(SourceId, bool)>> {
    let texts = crate::parallel::map(found, opts.jobs, |d| {
        text::read_unhashed(&d.path, &d.display, opts.max_file_bytes)
    });
    found
        .iter()
        .zip(texts)
        .map(|(d, read)| {
            // A worker that died (a bug): read this one here rather than lose it.
            let read = read
                .unwrap_or_else(|| text::read_unhashed(&d.path, &d.display, opts.max_file_bytes));
            match read {
                Ok((text, bom)) => Some((sources.add(d.display.clone(), text), bom)),
                Err(p) => {
                    problems.push(*p);
                    None
                }
            }
        })
        .collect()
}

/// Reads a file and registers its text; returns its id and the sha256 of its bytes.
pub(crate) fn read_source(
    d: &Discovered,
    opts: &LoadOptions,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> Option<(SourceId, String)> {
    match text::read(&d.path, &d.display, opts.max_file_bytes) {
        Ok(t) => Some((sources.add(d.display.clone(), t.text), t.sha256)),
        Err(p) => {
            problems.push(*p);
            None
        }
    }
}

/// Strips " at line N column M" (and libyaml's " at position N") from a parser message: the
/// diagnostic shows the place itself.
pub(crate) fn strip_position(message: &str) -> String {
    let mut out = message.to_string();
    for marker in [" at line ", " at position "] {
        while let Some(start) = out.find(marker) {
            let rest = out.get(start + marker.len()..).unwrap_or("");
            let mut end = start + marker.len();
            let mut words = rest.split(' ');
            let first = words.next().unwrap_or("");
            if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
                break;
            }
            end += first.len();
            if marker == " at line " {
                let tail = out.get(end..).unwrap_or("");
                if let Some(col) = tail.strip_prefix(" column ") {
                    let digits = col.bytes().take_while(u8::is_ascii_digit).count();
                    end += " column ".len() + digits;
                }
            }
            out.replace_range(start..end, "");
        }
    }
    out
}

#[cfg(test)]
#[path = "tests/robustness.rs"]
mod tests;
