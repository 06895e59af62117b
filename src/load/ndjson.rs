//! Parses NDJSON / JSON Lines: one JSON value per non-empty line, each parsed on its own so
//! that one bad line is reported at its place while the good lines still load.

use super::{json, Document, DocumentKind, Sink};
use crate::diag::Problem;
use crate::load::value::DuplicateKey;
use crate::source::SourceFile;

/// Parses every non-empty line; the pointer of line value `i` is `/i` (blank lines are not
/// counted, as in the locator).
pub(crate) fn parse(file: &SourceFile) -> (Vec<Document>, Vec<DuplicateKey>, Vec<Problem>) {
    let mut docs = Vec::new();
    let (dups, problems) = each(file, &mut |d| docs.push(d));
    (docs, dups, problems)
}

/// Parses the file line by line, giving each good line's document to `f` as soon as it is
/// parsed, so that only one line's tree exists at a time.
pub(crate) fn each(file: &SourceFile, f: &mut impl Sink) -> (Vec<DuplicateKey>, Vec<Problem>) {
    let whole = Piece {
        start: 0,
        end: file.text.len(),
        line: 0,
        index: 0,
    };
    let (dups, mut problems, count) = each_in(file, &whole, f);
    if count == 0 {
        problems.push(json::empty(file));
    }
    (dups, problems)
}

/// A run of whole lines of an NDJSON file: bytes `start..end` (`start` at a line's start,
/// `end` after a line break or at the end of the text), whose first line is line `line`
/// (from 0) and whose first non-empty line is value `index` (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Piece {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub index: usize,
}

/// Splits a file's text into runs of whole lines of about `size` bytes each (the last may be
/// shorter), with `line` and `index` still to be numbered: see [`number`].
pub(crate) fn split(text: &str, size: usize) -> Vec<Piece> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let want = start.saturating_add(size.max(1)).min(bytes.len());
        // The piece ends after the first line break at or past `want`.
        let end = bytes
            .get(want..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map_or(bytes.len(), |at| want + at + 1);
        out.push(Piece {
            start,
            end,
            line: 0,
            index: 0,
        });
        start = end;
    }
    out
}

/// The line breaks and the non-empty lines of one piece (counted as [`each_in`] counts them).
pub(crate) fn count(text: &str, piece: &Piece) -> (usize, usize) {
    let Some(body) = text.get(piece.start..piece.end) else {
        return (0, 0);
    };
    let breaks = memchr::memchr_iter(b'\n', body.as_bytes()).count();
    let values = lines(body)
        .filter(|raw| !raw.trim_end_matches('\r').trim().is_empty())
        .count();
    (breaks, values)
}

/// `text.split('\n')`, with the line breaks found by the memchr crate's vectorised search:
/// std's is a word-at-a-time loop, and these two passes over every NDJSON file were 4% of
/// loading's CPU.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut breaks = memchr::memchr_iter(b'\n', text.as_bytes());
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let from = start?;
        // A line break is ASCII, so both ends are character boundaries.
        match breaks.next() {
            Some(at) => {
                start = Some(at + 1);
                Some(text.get(from..at).unwrap_or_default())
            }
            None => {
                start = None;
                Some(text.get(from..).unwrap_or_default())
            }
        }
    })
}

/// Gives each piece the numbers of its first line and first value, from the counts of the
/// pieces before it (`counts` parallel to `pieces`).
pub(crate) fn number(pieces: &mut [Piece], counts: &[(usize, usize)]) {
    let (mut line, mut index) = (0, 0);
    for (piece, (breaks, values)) in pieces.iter_mut().zip(counts) {
        piece.line = line;
        piece.index = index;
        line += breaks;
        index += values;
    }
}

/// [`each`] over one piece of the file; also returns the number of values (good or bad) it
/// holds. Pointers, places and offsets are the whole file's.
pub(crate) fn each_in(
    file: &SourceFile,
    piece: &Piece,
    f: &mut impl Sink,
) -> (Vec<DuplicateKey>, Vec<Problem>, usize) {
    let mut dups = Vec::new();
    let mut problems = Vec::new();
    let mut index = piece.index;
    let mut start = piece.start;
    let body = file.text.get(piece.start..piece.end).unwrap_or_default();
    for (line_no, raw) in lines(body).enumerate() {
        let here = start;
        start += raw.len() + 1;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let pointer = format!("/{index}");
        index += 1;
        // A line's resource is located at its start, as the locator does.
        let place = (piece.line + line_no + 1, 1);
        if f.line(line, &pointer, place) {
            continue;
        }
        match json::parse_value(line, &pointer) {
            Ok((value, found)) => {
                dups.extend(found);
                f.document(Document {
                    pointer,
                    value,
                    kind: DocumentKind::Line,
                    place: Some(place),
                });
            }
            Err(e) => problems.push(json::syntax_problem(file, here, line.len(), &e, true)),
        }
    }
    (dups, problems, index - piece.index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::codes;
    use std::sync::Arc;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: "t.ndjson".into(),
            text: Arc::new(text.to_string()),
        }
    }

    /// The same lines as `str::split('\n')`, at the edges too.
    #[test]
    fn lines_split_as_std_does() {
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "\na",
            "a\nb",
            "a\r\n\nb\n",
            "é\n€\n\u{10348}",
        ] {
            let ours: Vec<&str> = lines(text).collect();
            let std: Vec<&str> = text.split('\n').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn places_known_while_parsing_match_the_locator() {
        let f = file("\n  {\"id\":\"a\"}\r\n\n\t{\"id\":\"b\"}\n{\"id\":\"c\"}");
        let mut docs = Vec::new();
        let (_, problems) = each(&f, &mut |d| docs.push(d));
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

    /// [`each`] over the whole file, and over pieces of every size joined, in order.
    fn whole_and_pieces(text: &str, size: usize) -> [(Vec<Document>, Vec<String>, Vec<String>); 2] {
        let f = file(text);
        let render = |(docs, dups, problems): (Vec<Document>, Vec<DuplicateKey>, Vec<Problem>)| {
            (
                docs,
                dups.iter()
                    .map(|d| format!("{} {}", d.pointer, d.key))
                    .collect(),
                problems
                    .iter()
                    .map(|p| format!("{:?}:{:?} {}", p.line(), p.column(), p.message))
                    .collect(),
            )
        };
        let whole = render(parse(&f));
        let mut pieces = split(text, size);
        assert_eq!(pieces.first().map_or(0, |p| p.start), 0);
        assert_eq!(pieces.last().map_or(0, |p| p.end), text.len());
        assert!(pieces.windows(2).all(|w| w[0].end == w[1].start));
        let counts: Vec<(usize, usize)> = pieces.iter().map(|p| count(text, p)).collect();
        number(&mut pieces, &counts);
        let (mut docs, mut dups, mut problems) = (Vec::new(), Vec::new(), Vec::new());
        for p in &pieces {
            let (d, pr, _) = each_in(&f, p, &mut |doc| docs.push(doc));
            dups.extend(d);
            problems.extend(pr);
        }
        [whole, render((docs, dups, problems))]
    }

    #[test]
    fn pieces_give_what_the_whole_file_gives() {
        let text = "{\"id\":\"a\"}\r\n\n  \n{\"id\":\"b\",\"x\":1,\"x\":2}\n{\"id\": \"c\",}\n\
                    \t{\"id\":\"d\"}\n\n{\"id\":\"e\",\"y\":[1,\n{\"id\":\"f\"}";
        for size in 1..=text.len() + 1 {
            let [whole, joined] = whole_and_pieces(text, size);
            assert_eq!(whole, joined, "pieces of {size} bytes");
        }
        let [whole, _] = whole_and_pieces(text, 1);
        let pointers: Vec<&str> = whole.0.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(pointers, ["/0", "/1", "/3", "/5"]);
        assert_eq!(whole.0[2].place, Some((6, 1)));
        assert_eq!(whole.1, ["/1/x x"]);
        assert_eq!(whole.2.len(), 2, "{:?}", whole.2);
        assert!(whole.2[0].starts_with("Some(5):Some(12)"), "{:?}", whole.2);
    }

    #[test]
    fn pieces_end_after_a_line_break() {
        let text = "aaaa\nbb\n\ncccccc\nd";
        let pieces = split(text, 3);
        let bodies: Vec<&str> = pieces.iter().map(|p| &text[p.start..p.end]).collect();
        assert_eq!(bodies, ["aaaa\n", "bb\n\n", "cccccc\n", "d"]);
        assert_eq!(count(text, &pieces[1]), (2, 1));
        assert!(split("", 8).is_empty());
    }

    #[test]
    fn no_lines_is_an_empty_document() {
        let (_, _, problems) = parse(&file("\n  \n"));
        assert_eq!(problems[0].code, codes::EMPTY);
    }
}
