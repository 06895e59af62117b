//! Finds values in JSON text by pointer without building a tree: skips strings (with their
//! escapes) and containers by counting brackets, so only the path to the target is decoded.

use super::array_index;

/// Span of the value at `tokens`, starting the scan at byte `from` (a value or whitespace).
pub(super) fn span(text: &str, from: usize, tokens: &[String]) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let start = descend(b, from, tokens)?;
    let end = value_end(b, start)?;
    Some((start, end - start))
}

/// Spans of the elements of the array at `tokens`.
pub(super) fn children(text: &str, from: usize, tokens: &[String]) -> Option<Vec<(usize, usize)>> {
    let b = text.as_bytes();
    let start = descend(b, from, tokens)?;
    if *b.get(start)? != b'[' {
        return None;
    }
    let mut out = Vec::new();
    for_each_child(b, start, |_, vstart, vend| {
        out.push((vstart, vend - vstart));
        false
    })?;
    Some(out)
}

fn descend(b: &[u8], from: usize, tokens: &[String]) -> Option<usize> {
    let mut at = skip_ws(b, from);
    for token in tokens {
        at = child(b, at, token)?;
    }
    b.get(at).is_some().then_some(at)
}

/// Start of the child named `token` of the container starting at `at` (last one on repeats).
fn child(b: &[u8], at: usize, token: &str) -> Option<usize> {
    let wanted = match b.get(at)? {
        b'[' => Some(array_index(token)?),
        _ => None,
    };
    let mut found = None;
    for_each_child(b, at, |key, vstart, _| {
        let hit = match (wanted, key) {
            (Some(index), Key::Index(i)) => index == i,
            (None, Key::Name(name)) => name == token,
            _ => false,
        };
        if hit {
            found = Some(vstart);
        }
        // An array index is unique: stop there. A key may repeat: the last one wins.
        hit && wanted.is_some()
    })?;
    found
}

enum Key {
    Index(usize),
    Name(String),
}

/// Calls `f(key, value_start, value_end)` for each child of the container at `at`, until it
/// returns true. `None` when `at` is not a container or the text is malformed.
fn for_each_child(b: &[u8], at: usize, mut f: impl FnMut(Key, usize, usize) -> bool) -> Option<()> {
    let (is_object, close) = match b.get(at)? {
        b'{' => (true, b'}'),
        b'[' => (false, b']'),
        _ => return None,
    };
    let mut i = skip_ws(b, at + 1);
    let mut index = 0usize;
    if *b.get(i)? == close {
        return Some(());
    }
    loop {
        let key = if is_object {
            let kend = string_end(b, i)?;
            let name = decode_string(b.get(i + 1..kend - 1)?)?;
            i = skip_ws(b, kend);
            if *b.get(i)? != b':' {
                return None;
            }
            i = skip_ws(b, i + 1);
            Key::Name(name)
        } else {
            Key::Index(index)
        };
        let vend = value_end(b, i)?;
        if f(key, i, vend) {
            return Some(());
        }
        index += 1;
        i = skip_ws(b, vend);
        match *b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            c if c == close => return Some(()),
            _ => return None,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Index just past the closing quote of the string starting at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    if *b.get(i)? != b'"' {
        return None;
    }
    let mut j = i + 1;
    loop {
        match *b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// Index just past the value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match *b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while let Some(c) = b.get(j) {
                if matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// Decodes the inside of a JSON string (escapes, surrogate pairs) to compare it with a key.
fn decode_string(raw: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?;
    if !text.contains('\\') {
        return Some(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let decoded = match chars.next()? {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'u' => {
                let hi = hex4(&mut chars)?;
                if (0xD800..0xDC00).contains(&hi) {
                    if chars.next()? != '\\' || chars.next()? != 'u' {
                        return None;
                    }
                    let lo = hex4(&mut chars)?;
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)?))?
                } else {
                    char::from_u32(hi)?
                }
            }
            other => other,
        };
        out.push(decoded);
    }
    Some(out)
}

fn hex4(chars: &mut std::str::Chars<'_>) -> Option<u32> {
    let mut v = 0u32;
    for _ in 0..4 {
        v = v * 16 + chars.next()?.to_digit(16)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::super::pointer_span;
    use crate::load::Format;

    fn at<'t>(text: &'t str, pointer: &str) -> Option<&'t str> {
        let (o, l) = pointer_span(text, Format::Json, pointer)?;
        text.get(o..o + l)
    }

    #[test]
    fn finds_nested_values() {
        let text = r#" {"data": [ {"id": "a", "tags": {"x": "1"}}, {"id": "b", "n": [1, [2, 3], {"k": null}]} ],
            "count": 2 }"#;
        assert_eq!(at(text, ""), Some(&text[1..]));
        assert_eq!(at(text, "/data/0/id"), Some("\"a\""));
        assert_eq!(at(text, "/data/0/tags"), Some(r#"{"x": "1"}"#));
        assert_eq!(at(text, "/data/1/n/1/1"), Some("3"));
        assert_eq!(at(text, "/data/1/n/2/k"), Some("null"));
        assert_eq!(at(text, "/count"), Some("2"));
        assert_eq!(at(text, "/data/2"), None);
        assert_eq!(at(text, "/data/x"), None);
        assert_eq!(at(text, "/missing"), None);
        assert_eq!(at(text, "/count/0"), None);
    }

    #[test]
    fn skips_strings_containing_brackets_quotes_and_escapes() {
        let text = r#"[{"a": "}]\"{[", "b\"]": "x\\", "c": 1}, {"d": "\\\"", "e": true}]"#;
        assert_eq!(at(text, "/0/b\"]"), Some(r#""x\\""#));
        assert_eq!(at(text, "/0/c"), Some("1"));
        assert_eq!(at(text, "/1/e"), Some("true"));
    }

    #[test]
    fn matches_escaped_keys_and_pointer_escapes() {
        let text = r#"{"a/b": 1, "m~n": 2, "\u00e9t\u00E9": 3, "\ud83d\ude00": 4, "": 5}"#;
        assert_eq!(at(text, "/a~1b"), Some("1"));
        assert_eq!(at(text, "/m~0n"), Some("2"));
        assert_eq!(at(text, "/été"), Some("3"));
        assert_eq!(at(text, "/\u{1F600}"), Some("4"));
        assert_eq!(at(text, "/"), Some("5"));
    }

    #[test]
    fn finds_the_last_of_repeated_keys() {
        let text = r#"{"id": 1, "x": {}, "id": 2}"#;
        assert_eq!(at(text, "/id"), Some("2"));
    }

    #[test]
    fn survives_deep_nesting_and_lists_children() {
        let depth = 10_000;
        let text = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let pointer = "/0".repeat(depth);
        assert_eq!(at(&text, &pointer), Some("1"));
        let spans = super::children(r#"{"a": [1, "x", {}], "b": 2}"#, 0, &["a".into()]).unwrap();
        assert_eq!(spans, vec![(7, 1), (10, 3), (15, 2)]);
        assert_eq!(super::children(r#"{"a": 1}"#, 0, &[]), None);
    }
}
