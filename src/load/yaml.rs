//! Parses YAML into JSON values. The only file that uses serde_yaml (archived since 0.9.34),
//! so replacing it touches nothing else.
//!
//! Decisions, all tested below:
//! - Each document of a multi-document stream is its own inventory document; with two or
//!   more, pointers carry the document index first (`/1/data/0`). Empty documents (a
//!   trailing `---`) are skipped; a stream with no content is an "empty document" error.
//! - Tags are accepted and ignored: `!Foo {a: 1}` loads as `{a: 1}`, `!!str 1` as `"1"`.
//! - Keys are taken as written (`1: x` gives the key `"1"`).
//! - Nesting is bounded by serde_yaml (128 levels, then an error: no stack overflow), and
//!   alias expansion by its repetition limit, so a "billion laughs" file fails fast.
//! - `.inf`/`.nan` are errors (JSON cannot hold them). A plain `1e400` is resolved by
//!   serde_yaml as a string before the value visitor sees it, so it loads as text.
//! - Merge keys (`<<`) are not expanded; they load as ordinary keys.

use serde::de::DeserializeSeed as _;

use super::value::{DuplicateKey, Duplicates, ValueSeed};
use super::{codes, json, Document, DocumentKind};
use crate::diag::Problem;
use crate::source::SourceFile;

/// Parses every document of the stream; stops at the first syntax error.
pub(crate) fn parse(file: &SourceFile) -> (Vec<Document>, Vec<DuplicateKey>, Vec<Problem>) {
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for de in serde_yaml::Deserializer::from_str(&file.text) {
        let mut dups = Duplicates::default();
        match (ValueSeed { dups: &mut dups }).deserialize(de) {
            Ok(value) => parsed.push((value, dups)),
            Err(e) => {
                // After an error the stream cannot be resynchronised: stop here.
                problems.push(syntax_problem(file, &e));
                break;
            }
        }
    }
    // A later document that failed still makes the stream multi-document, and the locator
    // (which counts documents in the text) must agree on the pointer prefix.
    let several = parsed.len() + usize::from(!problems.is_empty()) >= 2;
    let mut docs = Vec::new();
    let mut all_dups = Vec::new();
    for (index, (value, dups)) in parsed.into_iter().enumerate() {
        if value.is_null() {
            continue;
        }
        let pointer = if several {
            format!("/{index}")
        } else {
            String::new()
        };
        all_dups.extend(dups.into_keys(&pointer));
        docs.push(Document {
            pointer,
            value,
            kind: DocumentKind::Whole,
            place: None,
        });
    }
    if docs.is_empty() && problems.is_empty() {
        problems.push(json::empty(file));
    }
    (docs, all_dups, problems)
}

fn syntax_problem(file: &SourceFile, e: &serde_yaml::Error) -> Problem {
    let what = super::strip_position(&e.to_string());
    let offset = e.location().map_or(0, |l| l.index()).min(file.text.len());
    let here = file.text.get(offset..).and_then(|s| s.chars().next());
    let len = here.map_or(0, char::len_utf8);
    let mut p = Problem::error(codes::YAML_SYNTAX, format!("invalid YAML: {what}")).at(
        file,
        offset,
        len,
        if here.is_none() {
            "the text ends here".to_string()
        } else {
            what.clone()
        },
    );
    if here == Some('\t') || near_tab_indent(&file.text, offset) {
        p = p.with_help("YAML does not allow tabs for indentation; indent with spaces");
    } else if what.contains("recursion limit") {
        p = p.with_help("values may nest at most 128 levels deep");
    } else if what.contains("repetition limit") {
        p = p.with_help(
            "aliases (*name) expand to far more data than the file holds; this looks like an \
             alias bomb, so the file was refused",
        );
    } else if what.contains("cannot be represented in JSON") {
        p = p.with_help("JSON has no infinity or NaN; quote the value or use a finite number");
    }
    p
}

/// True when the line holding `offset` is indented with a tab.
fn near_tab_indent(text: &str, offset: usize) -> bool {
    let start = text
        .get(..offset)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |p| p + 1);
    let line = text.get(start..).unwrap_or("");
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .any(|c| c == '\t')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{locate, Format};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: "t.yaml".into(),
            text: Arc::new(text.to_string()),
        }
    }

    fn ok(text: &str) -> Vec<Document> {
        let (docs, _, problems) = parse(&file(text));
        assert!(problems.is_empty(), "{problems:?}");
        docs
    }

    fn error(text: &str) -> Problem {
        let (_, _, problems) = parse(&file(text));
        problems.into_iter().next().expect("an error")
    }

    #[test]
    fn converts_yaml_to_json_values() {
        let docs = ok("- id: a\n  n: 1\n  f: 1.5\n  b: true\n  z: ~\n  s: '2'\n  1: one\n");
        assert_eq!(
            docs[0].value,
            serde_json::json!([{"id": "a", "n": 1, "f": 1.5, "b": true, "z": null, "s": "2", "1": "one"}])
        );
    }

    #[test]
    fn tags_are_ignored() {
        let docs = ok("a: !Ref x\nb: !!str 1\nc: !Thing {k: [1]}\nd: !!map {e: 2}\n");
        assert_eq!(
            docs[0].value,
            serde_json::json!({"a": "x", "b": "1", "c": {"k": [1]}, "d": {"e": 2}})
        );
    }

    #[test]
    fn several_documents_get_index_prefixes_and_empty_ones_are_skipped() {
        let text = "- id: a\n---\n---\n{data: [{id: b}]}\n---\n";
        let docs = ok(text);
        let pointers: Vec<&str> = docs.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(pointers, ["/0", "/2"]);
        // The locator counts documents the same way.
        let (o, l) = locate::pointer_span(text, Format::Yaml, "/2/data/0/id").unwrap();
        assert_eq!(&text[o..o + l], "b");
        assert_eq!(ok("---\na: 1\n...\n")[0].pointer, "");
    }

    #[test]
    fn documents_before_a_broken_one_keep_their_index_prefix() {
        let (docs, _, problems) = parse(&file("a: 1\n---\nb: [\n"));
        assert_eq!(problems.len(), 1);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].pointer, "/0");
    }

    #[test]
    fn empty_streams_are_empty_documents() {
        for text in ["", "# only a comment\n", "---\n", "~\n"] {
            assert_eq!(error(text).code, codes::EMPTY, "{text:?}");
        }
    }

    #[test]
    fn tabs_in_indentation_are_located_errors() {
        let p = error("a:\n\tb: 1\n");
        assert_eq!(p.code, codes::YAML_SYNTAX);
        assert_eq!(p.line(), Some(2));
        assert!(p.help.unwrap().contains("tabs"));
    }

    #[test]
    fn syntax_errors_are_located_without_position_text_in_the_message() {
        let p = error("a: [1, 2\nb: 3\n");
        assert_eq!(p.code, codes::YAML_SYNTAX);
        assert!(p.line().is_some());
        assert!(!p.message.contains(" at line "), "{}", p.message);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let flow = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(error(&flow).message.contains("recursion limit"));
        let block: String = (0..500).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert!(error(&block).message.contains("recursion limit"));
    }

    #[test]
    fn alias_bombs_are_refused_quickly() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let refs = vec![format!("*{prev}"); 9].join(",");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let start = Instant::now();
        let p = error(&text);
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(p.message.contains("repetition limit"), "{}", p.message);
        assert!(p.help.unwrap().contains("alias bomb"));
    }

    #[test]
    fn non_finite_numbers_are_located_errors() {
        let p = error("a: 1\nb: .inf\n");
        assert_eq!(p.line(), Some(2));
        assert!(p.message.contains("cannot be represented"), "{}", p.message);
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let (_, dups, _) = parse(&file("a: 1\nb: {c: 1, c: 2}\n"));
        // libyaml itself accepts repeated keys; the value visitor notices them.
        assert_eq!(dups.len(), 1);
        assert_eq!(dups[0].pointer, "/b/c");
    }
}
