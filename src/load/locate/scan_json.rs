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

/// The resource list of a JSON document, found by scanning: a top-level array, or the
/// `data` (else `value`) member of a top-level object without `id`, as the loader reads
/// them. Only the document's outline is checked here (strictly: the separators, the
/// top-level keys as JSON strings, nothing but whitespace around); the caller parses every
/// element and every other member and must fall back to parsing the whole document when
/// one of them does not parse, or when an element nests deeper than it allows.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct List {
    /// The list's pointer: `""`, `"/data"` or `"/value"`.
    pub pointer: &'static str,
    /// Each element's start and end; every element starts with `{`.
    pub elements: Vec<(usize, usize)>,
    /// How deeply containers nest in the deepest element or other member (1 for a flat
    /// object), not counting the containers around them.
    pub deepest: usize,
    /// The start and end of the value of every other member of the top-level object.
    pub others: Vec<(usize, usize)>,
}

/// See [`List`]; `None` when the document has another outline or is not well formed.
pub(crate) fn list(text: &str) -> Option<List> {
    let b = text.as_bytes();
    let start = skip_ws(b, 0);
    let mut deepest = 0;
    // The list's start; for a list inside an object, also the list's end as the object's
    // scan found it and the object's end.
    let (pointer, at, others, ends) = match *b.get(start)? {
        b'[' => ("", start, Vec::new(), None),
        b'{' => {
            let (members, end) = top_members(text, start)?;
            let mut names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
            names.sort_unstable();
            // A repeated key is reported by the general path; `id` makes the document one
            // resource.
            if names.windows(2).any(|w| w.first() == w.get(1)) || names.contains(&"id") {
                return None;
            }
            let (pointer, key) = if names.contains(&"data") {
                ("/data", "data")
            } else {
                ("/value", "value")
            };
            let (at, list_end, _) = members.iter().find(|(k, _)| k == key)?.1;
            let others = members
                .iter()
                .filter(|(k, _)| k != key)
                .map(|(_, (s, e, depth))| {
                    deepest = deepest.max(*depth);
                    (*s, *e)
                })
                .collect();
            (pointer, at, others, Some((list_end, end)))
        }
        _ => return None,
    };
    if *b.get(at)? != b'[' {
        return None;
    }
    let mut elements = Vec::new();
    let mut i = skip_ws(b, at + 1);
    let close = if *b.get(i)? == b']' {
        i
    } else {
        loop {
            if *b.get(i)? != b'{' {
                return None;
            }
            let (vend, depth) = nested_value_end(b, i)?;
            elements.push((i, vend));
            deepest = deepest.max(depth);
            i = skip_ws(b, vend);
            match *b.get(i)? {
                b',' => i = skip_ws(b, i + 1),
                b']' => break i,
                _ => return None,
            }
        }
    };
    let end = match ends {
        None => close + 1,
        Some((list_end, end)) if list_end == close + 1 => end,
        Some(_) => return None,
    };
    (skip_ws(b, end) == b.len()).then_some(List {
        pointer,
        elements,
        deepest,
        others,
    })
}

/// A member of the top-level object: its key decoded, its value's start, end and nesting.
type Member = (String, (usize, usize, usize));

/// The members of the top-level object at `at` and the index just past it.
fn top_members(text: &str, at: usize) -> Option<(Vec<Member>, usize)> {
    let b = text.as_bytes();
    let mut members = Vec::new();
    let mut i = skip_ws(b, at + 1);
    if *b.get(i)? == b'}' {
        return Some((members, i + 1));
    }
    loop {
        let kend = string_end(b, i)?;
        let key: String = serde_json::from_str(text.get(i..kend)?).ok()?;
        i = skip_ws(b, kend);
        if *b.get(i)? != b':' {
            return None;
        }
        i = skip_ws(b, i + 1);
        let (vend, depth) = nested_value_end(b, i)?;
        members.push((key, (i, vend, depth)));
        i = skip_ws(b, vend);
        match *b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            b'}' => return Some((members, i + 1)),
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
    // Strings are most of an inventory's bytes: skip eight at a time while none is a quote
    // or a backslash.
    loop {
        while let Some(word) = b.get(j..j + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
            let w = u64::from_le_bytes(word);
            let found = has_byte(w, b'"') | has_byte(w, b'\\');
            if found != 0 {
                // The lowest flag is exact (see `has_byte`): the first quote or backslash.
                j += (found.trailing_zeros() / 8) as usize;
                break;
            }
            j += 8;
        }
        match *b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// Flags (the high bit) the bytes of `w` that are `c`, read little-endian: the classic test
/// for a zero byte, on `w ^ c...`. Only the lowest flag is exact (a borrow may flag a byte
/// above a match), which is all the callers use.
const fn has_byte(w: u64, c: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let x = w ^ (ONES * c as u64);
    x.wrapping_sub(ONES) & !x & (ONES << 7)
}

/// Index just past the value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    nested_value_end(b, i).map(|(end, _)| end)
}

/// Index just past the value starting at `i`, and how deeply containers nest in it (0 for a
/// scalar, 1 for `[]` or `{"a": 1}`).
fn nested_value_end(b: &[u8], i: usize) -> Option<(usize, usize)> {
    match *b.get(i)? {
        b'"' => string_end(b, i).map(|end| (end, 0)),
        b'{' | b'[' => {
            let (mut depth, mut deepest) = (0usize, 0usize);
            let mut j = i;
            loop {
                match *b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => {
                        depth += 1;
                        deepest = deepest.max(depth);
                    }
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some((j + 1, deepest));
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
            (j > i).then_some((j, 0))
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

    /// `string_end` a byte at a time, as it was first written: the reference for the word at
    /// a time one.
    fn string_end_bytewise(b: &[u8], i: usize) -> Option<usize> {
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

    #[test]
    fn strings_end_where_a_byte_at_a_time_finds_them() {
        // Quotes, backslashes (runs of one to three) and multi-byte characters at every
        // position of an eight-byte word, unterminated strings and text ending in an escape.
        let pieces = [
            "a",
            "\\\"",
            "\\\\",
            "\\\\\\\"",
            "é",
            "\u{10348}",
            "\"",
            "\\",
        ];
        let mut texts = Vec::new();
        for len in 0..20 {
            for (k, piece) in pieces.iter().enumerate() {
                let mut t = String::from("\"");
                for n in 0..len {
                    t.push_str(if n % 7 == k % 7 { piece } else { "x" });
                }
                texts.push(t.clone());
                t.push_str(piece);
                texts.push(t.clone());
                t.push_str("\" tail\"");
                texts.push(t);
            }
        }
        for t in &texts {
            let b = t.as_bytes();
            for i in 0..b.len() {
                assert_eq!(
                    super::string_end(b, i),
                    string_end_bytewise(b, i),
                    "{t:?} at {i}"
                );
            }
        }
    }

    /// The elements, pointer, nesting and other members `list` finds, as text.
    fn outline(text: &str) -> Option<(&'static str, Vec<&str>, usize, Vec<&str>)> {
        let l = super::list(text)?;
        let cut = |spans: &[(usize, usize)]| spans.iter().map(|&(s, e)| &text[s..e]).collect();
        Some((l.pointer, cut(&l.elements), l.deepest, cut(&l.others)))
    }

    #[test]
    fn finds_the_resource_list_of_a_document() {
        assert_eq!(
            outline(" [ {\"a\": \"}]\\\"\"} ,\n{\"b\": [[1]]}\r\n]\n"),
            Some(("", vec![r#"{"a": "}]\""}"#, r#"{"b": [[1]]}"#], 3, vec![]))
        );
        assert_eq!(
            outline(r#"{"count": 2, "data": [{}], "facets": [[]], "value": [{"x": 1}]}"#),
            Some(("/data", vec!["{}"], 2, vec!["2", "[[]]", r#"[{"x": 1}]"#]))
        );
        assert_eq!(
            outline(r#"{"nextLink": null, "\u0076alue": []}"#),
            Some(("/value", vec![], 0, vec!["null"]))
        );
        for not_a_list in [
            "",
            "1",
            r#""[]""#,
            r#"{"id": "x", "value": []}"#,
            r#"{"value": [], "value": []}"#,
            r#"{"other": []}"#,
            r#"{"value": {}}"#,
            "[1]",
            "[{}, []]",
            "[{},]",
            "[,{}]",
            "[{} {}]",
            "[{}",
            "[{}] []",
            r#"{"value": [{}] "x": 1}"#,
            r#"{"value": [{}],}"#,
            r#"{"value": [{}]"#,
            r#"{"value" [{}]}"#,
            r#"{"va\qlue": [{}]}"#,
            r#"{"value": [{}}]}"#,
        ] {
            assert_eq!(outline(not_a_list), None, "{not_a_list}");
        }
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
