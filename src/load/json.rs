//! Parses a JSON document into a value, turning serde_json's errors into located problems.
//!
//! serde_json stops at 128 levels of nesting (no stack overflow on hostile input) and refuses
//! numbers beyond f64; both surface as syntax errors at their position.

use serde::de::DeserializeSeed as _;

use super::value::{DuplicateKey, Duplicates, ValueSeed};
use super::{codes, Document, DocumentKind};
use crate::diag::Problem;
use crate::source::SourceFile;

/// Parses the whole text as one JSON document.
pub(crate) fn parse(file: &SourceFile) -> (Vec<Document>, Vec<DuplicateKey>, Vec<Problem>) {
    if file.text.trim().is_empty() {
        return (Vec::new(), Vec::new(), vec![empty(file)]);
    }
    match parse_value(&file.text, "") {
        Ok((value, dups)) => {
            let doc = Document {
                pointer: String::new(),
                value,
                kind: DocumentKind::Whole,
                place: None,
            };
            (vec![doc], dups, Vec::new())
        }
        Err(e) => {
            let p = syntax_problem(file, 0, file.text.len(), &e, false);
            (Vec::new(), Vec::new(), vec![p])
        }
    }
}

/// Parses one JSON value that must fill `text`; duplicate keys are reported under `prefix`.
pub(crate) fn parse_value(
    text: &str,
    prefix: &str,
) -> Result<(serde_json::Value, Vec<DuplicateKey>), serde_json::Error> {
    let mut dups = Duplicates::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let value = ValueSeed { dups: &mut dups }.deserialize(&mut de)?;
    de.end()?;
    Ok((value, dups.into_keys(prefix)))
}

/// The "empty document" problem shared by every format.
pub(crate) fn empty(file: &SourceFile) -> Problem {
    Problem::error(codes::EMPTY, "empty document: the file has no content")
        .at(file, 0, 0, "nothing here")
        .with_help(
            "an inventory is a JSON array of resources, {\"data\": [...]} or {\"value\": [...]}, \
             one resource object, the same in YAML, or NDJSON; delete the file if it is not one",
        )
}

/// A located problem for a serde_json error in the `len` bytes at `base` of `file`.
/// `ndjson` adjusts the hints (each line stands alone there).
pub(crate) fn syntax_problem(
    file: &SourceFile,
    base: usize,
    len: usize,
    e: &serde_json::Error,
    ndjson: bool,
) -> Problem {
    let segment = file.text.get(base..base + len).unwrap_or("");
    let offset = base
        + if e.is_eof() {
            // Past the last character: that is where something is missing.
            segment.len()
        } else {
            number_start(segment, byte_offset(segment, e.line(), e.column()))
        };
    let len = file
        .text
        .get(offset..)
        .and_then(|s| s.chars().next())
        .map_or(0, char::len_utf8);
    let what = super::strip_position(&e.to_string());
    let kind = if ndjson { "NDJSON line" } else { "JSON" };
    let label = if e.is_eof() {
        "the text ends here".to_string()
    } else {
        what.clone()
    };
    let mut p = Problem::error(codes::JSON_SYNTAX, format!("invalid {kind}: {what}"))
        .at(file, offset, len, label);
    if what.contains("trailing characters") && !ndjson {
        p = p.with_help(
            "a JSON file holds one value; for one resource per line name the file .ndjson or .jsonl",
        );
    } else if what.contains("recursion limit") {
        p = p.with_help("values may nest at most 128 levels deep");
    } else if what.contains("out of range") {
        p = p.with_help("numbers must fit in a 64-bit float; quote very large numbers");
    } else if ndjson {
        p = p.with_help("each line of an NDJSON file must be one complete JSON object");
    }
    p
}

/// serde_json reports an out-of-range number at its last digit; point at its first.
fn number_start(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    if !bytes.get(offset).is_some_and(u8::is_ascii_digit) {
        return offset;
    }
    let mut start = offset;
    while start > 0
        && bytes
            .get(start - 1)
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        start -= 1;
    }
    start
}

/// serde_json reports a 1-based line and a byte column that is 0 at the start of a line and
/// otherwise counts the bytes up to and including the offending one.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0usize;
    for _ in 1..line {
        match text.get(start..).and_then(|s| s.find('\n')) {
            Some(nl) => start += nl + 1,
            None => return text.len(),
        }
    }
    (start + column.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: "t.json".into(),
            text: Arc::new(text.to_string()),
        }
    }

    fn error(text: &str) -> Problem {
        let (docs, _, problems) = parse(&file(text));
        assert!(docs.is_empty());
        problems.into_iter().next().unwrap()
    }

    #[test]
    fn parses_a_document() {
        let (docs, dups, problems) = parse(&file(" [ {\"id\": \"a\"} ] "));
        assert!(problems.is_empty() && dups.is_empty());
        assert_eq!(docs[0].value[0]["id"], "a");
        assert_eq!(docs[0].pointer, "");
    }

    #[test]
    fn empty_and_whitespace_only_files_are_empty_documents() {
        for text in ["", " \n\t\r\n"] {
            let p = error(text);
            assert_eq!(p.code, codes::EMPTY);
            assert_eq!(p.line(), Some(1));
        }
    }

    #[test]
    fn truncated_json_points_at_the_end() {
        let p = error("[{\"id\": \"a\",\n  \"type\": ");
        assert_eq!(p.code, codes::JSON_SYNTAX);
        assert_eq!((p.line(), p.column()), (Some(2), Some(11)));
        assert_eq!(p.label(), Some("the text ends here"));
        assert!(p.message.contains("EOF"), "{}", p.message);
        assert!(!p.message.contains("line 2"), "{}", p.message);
    }

    #[test]
    fn syntax_errors_point_at_the_offending_character() {
        let p = error("{\n  \"é\": 1,\n  \"b\" 2\n}");
        assert_eq!((p.line(), p.column()), (Some(3), Some(7)));
        assert!(p.message.contains("expected `:`"), "{}", p.message);
    }

    #[test]
    fn trailing_garbage_is_an_error_with_an_ndjson_hint() {
        let p = error("{\"id\": \"a\"}\n{\"id\": \"b\"}\n");
        assert_eq!((p.line(), p.column()), (Some(2), Some(1)));
        assert!(p.help.unwrap().contains(".ndjson"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let p = error(&text);
        assert!(p.message.contains("recursion limit"), "{}", p.message);
        assert_eq!(p.column(), Some(128));
    }

    #[test]
    fn numbers_beyond_f64_are_errors_with_a_position() {
        let p = error("{\"n\": 1e400}");
        assert!(p.message.contains("out of range"), "{}", p.message);
        assert_eq!((p.line(), p.column()), (Some(1), Some(7)));
    }

    #[test]
    fn big_strings_are_accepted() {
        let big = "x".repeat(1 << 20);
        let (docs, _, problems) = parse(&file(&format!("{{\"s\": \"{big}\"}}")));
        assert!(problems.is_empty());
        assert_eq!(docs[0].value["s"].as_str().map(str::len), Some(1 << 20));
    }
}
