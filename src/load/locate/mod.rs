//! Maps a JSON pointer (RFC 6901) back to the byte span of its value in the original text, so
//! that schema errors, duplicate ids and later SARIF results can name a line and column.
//!
//! Parsers give positions only for syntax errors; the parsed `Value` has none. Rather than
//! building a second tree with positions for every file (memory for huge inventories), the
//! text is rescanned along one pointer when a diagnostic needs it. This is the error path, so
//! clarity beats speed; the scanners are iterative, so deep nesting cannot overflow the stack.
//!
//! Conventions shared with the parsers (see `super::parse_documents`):
//! - NDJSON: the first token is the index among non-empty lines (`/7` is line 8 when the
//!   file has no blank lines).
//! - YAML with two or more documents: the first token is the document index (`/1/data/0`).
//! - When a key occurs twice in one object the last occurrence is found, because that is the
//!   value the parsers keep.

mod scan_json;
mod scan_yaml;

pub(crate) use scan_json::list as json_list;

use std::collections::HashMap;

use super::Format;
use crate::source::SourceFile;

/// The byte offset and length of the value at `pointer` in `text`, or `None` when the pointer
/// does not resolve (or the YAML is too unusual for the best-effort walker).
pub fn pointer_span(text: &str, format: Format, pointer: &str) -> Option<(usize, usize)> {
    let tokens = parse_pointer(pointer)?;
    match format {
        Format::Json => scan_json::span(text, 0, &tokens),
        Format::Yaml => scan_yaml::span(text, &tokens),
        Format::Ndjson => {
            let (first, rest) = tokens.split_first()?;
            let (start, end) = ndjson_line(text, array_index(first)?)?;
            scan_json::span(text.get(..end)?, start, rest)
        }
    }
}

/// The spans of the elements of the array at `pointer` (`None` for anything else). Lets a
/// caller locate thousands of resources in one pass; see [`SpanCache`].
pub fn child_spans(text: &str, format: Format, pointer: &str) -> Option<Vec<(usize, usize)>> {
    let tokens = parse_pointer(pointer)?;
    match format {
        Format::Json => scan_json::children(text, 0, &tokens),
        Format::Yaml => scan_yaml::children(text, &tokens),
        Format::Ndjson => match tokens.split_first() {
            None => Some(ndjson_lines(text).collect()),
            Some((first, rest)) => {
                let (start, end) = ndjson_line(text, array_index(first)?)?;
                scan_json::children(text.get(..end)?, start, rest)
            }
        },
    }
}

/// Locates many pointers of the same files quickly: the elements of an array are found in
/// one scan and remembered, so `/data/0` ... `/data/99999` cost one pass, not one each.
#[derive(Debug, Default)]
pub struct SpanCache {
    elements: HashMap<(String, String), Option<Vec<Span>>>,
}

/// A byte offset and length.
type Span = (usize, usize);

impl SpanCache {
    /// Like [`pointer_span`] for `file`'s text, answered from the cache when the pointer names
    /// an array element.
    pub fn span(
        &mut self,
        file: &SourceFile,
        format: Format,
        pointer: &str,
    ) -> Option<(usize, usize)> {
        if let Some((parent, last)) = pointer.rsplit_once('/') {
            if let Some(index) = array_index(last) {
                let spans = self
                    .elements
                    .entry((file.path.clone(), parent.to_string()))
                    .or_insert_with(|| child_spans(&file.text, format, parent));
                if let Some(span) = spans.as_ref().and_then(|v| v.get(index)) {
                    return Some(*span);
                }
            }
        }
        pointer_span(&file.text, format, pointer)
    }
}

/// Narrows a span to its first line, so a label on a large object does not paint all of it.
pub fn first_line(text: &str, (offset, len): (usize, usize)) -> (usize, usize) {
    let tail = text.get(offset..offset.saturating_add(len)).unwrap_or("");
    let line = tail.split('\n').next().unwrap_or("").trim_end_matches('\r');
    (offset, line.len())
}

/// Escapes one pointer token (`~` as `~0`, `/` as `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Splits a pointer into unescaped tokens; `None` when it is not a valid pointer.
pub(crate) fn parse_pointer(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/').map(unescape_token).collect()
}

fn unescape_token(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next()? {
                '0' => out.push('~'),
                '1' => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// An array index token: digits without a leading zero (RFC 6901 section 4).
pub(crate) fn array_index(token: &str) -> Option<usize> {
    let ok = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && (token == "0" || !token.starts_with('0'));
    ok.then(|| token.parse().ok()).flatten()
}

/// Spans of the non-empty lines of an NDJSON text, without the line break.
fn ndjson_lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0usize;
    text.split('\n').filter_map(move |line| {
        let here = start;
        start += line.len() + 1;
        let body = line.trim_end_matches('\r');
        (!body.trim().is_empty()).then_some((here, body.len()))
    })
}

/// Start and end offsets of the `n`-th non-empty NDJSON line.
fn ndjson_line(text: &str, n: usize) -> Option<(usize, usize)> {
    ndjson_lines(text)
        .nth(n)
        .map(|(start, len)| (start, start + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'t>(text: &'t str, format: Format, pointer: &str) -> Option<&'t str> {
        let (o, l) = pointer_span(text, format, pointer)?;
        text.get(o..o + l)
    }

    #[test]
    fn parses_pointers_with_escapes() {
        assert_eq!(parse_pointer(""), Some(vec![]));
        assert_eq!(parse_pointer("/"), Some(vec![String::new()]));
        assert_eq!(
            parse_pointer("/a~1b/m~0n/0"),
            Some(vec!["a/b".to_string(), "m~n".to_string(), "0".to_string()])
        );
        assert_eq!(parse_pointer("a"), None);
        assert_eq!(parse_pointer("/~2"), None);
        assert_eq!(escape_token("a/b~c"), "a~1b~0c");
        assert_eq!(array_index("01"), None);
        assert_eq!(array_index("-"), None);
        assert_eq!(array_index("12"), Some(12));
    }

    #[test]
    fn ndjson_pointers_count_non_empty_lines() {
        let text = "{\"id\":\"a\"}\n\n  \r\n{\"id\":\"b\",\"tags\":{\"x\":1}}\r\n";
        assert_eq!(at(text, Format::Ndjson, "/0"), Some("{\"id\":\"a\"}"));
        assert_eq!(at(text, Format::Ndjson, "/1/tags/x"), Some("1"));
        assert_eq!(at(text, Format::Ndjson, "/2"), None);
        let (o, _) = pointer_span(text, Format::Ndjson, "/1/id").unwrap();
        assert_eq!(crate::source::line_col_of(text, o), (4, 7));
        assert_eq!(child_spans(text, Format::Ndjson, "").unwrap().len(), 2);
    }

    #[test]
    fn first_line_narrows_multi_line_spans() {
        let text = "[{\n \"a\": 1\n}]";
        let span = pointer_span(text, Format::Json, "/0").unwrap();
        assert_eq!(span, (1, 11));
        assert_eq!(first_line(text, span), (1, 1));
    }
}
