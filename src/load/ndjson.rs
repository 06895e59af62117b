//! Parses NDJSON / JSON Lines: one JSON value per non-empty line, each parsed on its own so
//! that one bad line is reported at its place while the good lines still load.

use super::{json, Document, DocumentKind};
use crate::diag::Problem;
use crate::load::value::DuplicateKey;
use crate::source::SourceFile;

/// Parses every non-empty line; the pointer of line value `i` is `/i` (blank lines are not
/// counted, as in the locator).
pub(crate) fn parse(file: &SourceFile) -> (Vec<Document>, Vec<DuplicateKey>, Vec<Problem>) {
    let mut docs = Vec::new();
    let (dups, problems) = each(file, |d| docs.push(d));
    (docs, dups, problems)
}

/// Parses the file line by line, giving each good line's document to `f` as soon as it is
/// parsed, so that only one line's tree exists at a time.
pub(crate) fn each(
    file: &SourceFile,
    mut f: impl FnMut(Document),
) -> (Vec<DuplicateKey>, Vec<Problem>) {
    let mut dups = Vec::new();
    let mut problems = Vec::new();
    let mut index = 0usize;
    let mut start = 0usize;
    for (line_no, raw) in file.text.split('\n').enumerate() {
        let here = start;
        start += raw.len() + 1;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let pointer = format!("/{index}");
        index += 1;
        match json::parse_value(line, &pointer) {
            Ok((value, found)) => {
                dups.extend(found);
                f(Document {
                    pointer,
                    value,
                    kind: DocumentKind::Line,
                    // A line's resource is located at its start, as the locator does.
                    place: Some((line_no + 1, 1)),
                });
            }
            Err(e) => problems.push(json::syntax_problem(file, here, line.len(), &e, true)),
        }
    }
    if index == 0 {
        problems.push(json::empty(file));
    }
    (dups, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::codes;
    use std::sync::Arc;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: "t.ndjson".into(),
            text: Arc::from(text),
        }
    }

    #[test]
    fn places_known_while_parsing_match_the_locator() {
        let f = file("\n  {\"id\":\"a\"}\r\n\n\t{\"id\":\"b\"}\n{\"id\":\"c\"}");
        let mut docs = Vec::new();
        let (_, problems) = each(&f, |d| docs.push(d));
        assert!(problems.is_empty());
        assert_eq!(docs.len(), 3);
        let mut cache = crate::load::locate::SpanCache::default();
        for d in &docs {
            let (offset, _) = cache
                .span(&f, crate::load::Format::Ndjson, &d.pointer)
                .unwrap();
            let expected = crate::source::line_col_of(&f.text, offset);
            assert_eq!(d.place, Some(expected), "{}", d.pointer);
        }
        assert_eq!(docs[2].place, Some((5, 1)));
    }

    #[test]
    fn one_value_per_non_empty_line() {
        let (docs, dups, problems) = parse(&file(
            "{\"id\":\"a\"}\r\n\n{\"id\":\"b\",\"x\":1,\"x\":2}\n",
        ));
        assert!(problems.is_empty());
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].pointer, "/1");
        assert_eq!(docs[1].kind, DocumentKind::Line);
        assert_eq!(dups[0].pointer, "/1/x");
    }

    #[test]
    fn a_bad_line_is_located_and_the_good_lines_kept() {
        let text = "{\"id\":\"a\"}\n{\"id\": \"b\",}\n{\"id\":\"c\"}\n";
        let (docs, _, problems) = parse(&file(text));
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].pointer, "/2");
        assert_eq!(problems.len(), 1);
        let p = &problems[0];
        assert_eq!(p.code, codes::JSON_SYNTAX);
        assert_eq!((p.line(), p.column()), (Some(2), Some(12)));
        assert!(p.message.contains("NDJSON line"), "{}", p.message);
    }

    #[test]
    fn a_truncated_last_line_is_located() {
        let (_, _, problems) = parse(&file("{\"id\":\"a\"}\n{\"id\":"));
        assert_eq!(problems[0].line(), Some(2));
    }

    #[test]
    fn no_lines_is_an_empty_document() {
        let (_, _, problems) = parse(&file("\n  \n"));
        assert_eq!(problems[0].code, codes::EMPTY);
    }
}
