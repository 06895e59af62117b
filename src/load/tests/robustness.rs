//! Hostile and odd inputs through the public reading API: every one gives a located problem
//! (or loads), none panics or overflows the stack.

use std::sync::Arc;

use super::*;

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        text: Arc::new(text.to_string()),
    }
}

/// Writes `bytes` to a temporary file and reads it through [`read_document`].
fn read_bytes(name: &str, bytes: &[u8]) -> (Option<Value>, Problems, SourceMap) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let d = Discovered {
        format: Format::from_extension(&path).unwrap_or(Format::Json),
        display: name.to_string(),
        path,
    };
    let mut sources = SourceMap::default();
    let mut problems = Problems::default();
    let value = read_document(&d, &mut sources, &mut problems).map(|(_, v)| v);
    (value, problems, sources)
}

fn first_error(problems: &Problems) -> Problem {
    problems
        .errors()
        .first()
        .copied()
        .cloned()
        .expect("an error")
}

#[test]
fn reads_and_registers_the_text() {
    let (value, problems, sources) = read_bytes("a.json", b"[{\"id\": \"x\"}]");
    assert!(problems.is_empty());
    assert_eq!(value.unwrap()[0]["id"], "x");
    assert_eq!(sources.files()[0].path, "a.json");
}

#[test]
fn a_utf8_bom_is_accepted_and_not_kept() {
    let (value, problems, sources) = read_bytes("a.json", b"\xEF\xBB\xBF{\"id\": \"x\"}");
    assert!(problems.is_empty());
    assert_eq!(value.unwrap()["id"], "x");
    assert!(sources.files()[0].text.starts_with('{'));
    let (value, problems, _) = read_bytes("a.yaml", b"\xEF\xBB\xBFid: x\n");
    assert!(problems.is_empty());
    assert_eq!(value.unwrap()["id"], "x");
}

#[test]
fn utf16_is_an_error_saying_so() {
    let text: Vec<u8> = "[]".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let bytes = [&b"\xFF\xFE"[..], &text].concat();
    let (value, problems, sources) = read_bytes("a.json", &bytes);
    assert!(value.is_none());
    let e = first_error(&problems);
    assert_eq!(e.code, codes::ENCODING);
    assert!(e.message.contains("UTF-16"));
    assert!(sources.files().is_empty());
}

#[test]
fn invalid_utf8_is_located_at_the_first_bad_byte() {
    let (value, problems, _) = read_bytes("a.yaml", b"a: 1\nb: \"x\xC0\"\n");
    assert!(value.is_none());
    let e = first_error(&problems);
    assert_eq!(e.code, codes::ENCODING);
    assert_eq!((e.line(), e.column()), (Some(2), Some(6)));
}

#[test]
fn empty_and_blank_files_are_empty_documents_in_every_format() {
    for (name, bytes) in [
        ("a.json", &b""[..]),
        ("b.json", b"  \n\t\n"),
        ("c.yaml", b""),
        ("d.yaml", b"\n# nothing\n"),
        ("e.ndjson", b"\n\n"),
        ("f.json", b"\xEF\xBB\xBF"),
    ] {
        let (value, problems, _) = read_bytes(name, bytes);
        assert!(value.is_none(), "{name}");
        assert_eq!(first_error(&problems).code, codes::EMPTY, "{name}");
    }
}

#[test]
fn truncated_and_trailing_garbage_json_are_located() {
    let (_, problems, _) = read_bytes("a.json", b"{\"data\": [1, 2");
    let e = first_error(&problems);
    assert_eq!(
        (e.code, e.line(), e.column()),
        (codes::JSON_SYNTAX, Some(1), Some(15))
    );
    let (_, problems, _) = read_bytes("b.json", b"[1]\n]");
    let e = first_error(&problems);
    assert_eq!((e.line(), e.column()), (Some(2), Some(1)));
    assert!(e.message.contains("trailing characters"), "{}", e.message);
}

#[test]
fn ten_thousand_levels_of_nesting_are_errors_in_every_format() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    for name in ["a.json", "a.yaml", "a.ndjson"] {
        let (value, problems, _) = read_bytes(name, deep.as_bytes());
        assert!(value.is_none(), "{name}");
        let e = first_error(&problems);
        assert!(
            e.message.contains("recursion limit"),
            "{name}: {}",
            e.message
        );
        assert_eq!(e.line(), Some(1));
    }
    let objects = format!("{}{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let (value, _, _) = read_bytes("o.json", objects.as_bytes());
    assert!(value.is_none());
}

#[test]
fn a_one_megabyte_string_is_accepted() {
    let big = "é".repeat(512 * 1024);
    for (name, text) in [
        ("a.json", format!("{{\"s\": \"{big}\"}}")),
        ("a.yaml", format!("s: \"{big}\"\n")),
    ] {
        let (value, problems, _) = read_bytes(name, text.as_bytes());
        assert!(problems.is_empty(), "{name}");
        assert_eq!(
            value.unwrap()["s"].as_str().map(str::len),
            Some(1024 * 1024)
        );
    }
}

#[test]
fn numbers_beyond_f64_are_located_errors() {
    for (name, text, line, col) in [
        ("a.json", "{\"n\": -2e308}", 1, 7),
        ("a.yaml", "a: 1\nn: -.inf\n", 2, 4),
    ] {
        let (value, problems, _) = read_bytes(name, text.as_bytes());
        assert!(value.is_none(), "{name}");
        let e = first_error(&problems);
        assert_eq!((e.line(), e.column()), (Some(line), Some(col)), "{name}");
    }
    // serde_yaml resolves a plain `1e400` (not a finite float) as a string before any visitor
    // sees it, and the scalar's style is not exposed: YAML keeps it as text.
    let (value, problems, _) = read_bytes("b.yaml", b"n: 1e400\n");
    assert!(problems.is_empty());
    assert_eq!(value.unwrap()["n"], "1e400");
}

#[test]
fn duplicate_keys_are_warnings_at_the_later_key() {
    let text = "{\n  \"id\": \"a\",\n  \"tags\": {\"x\": \"1\", \"x\": \"2\"},\n  \"id\": \"b\"\n}";
    let (docs, problems) = parse_documents(&file("d.json", text), Format::Json);
    assert_eq!(docs[0].value["id"], "b");
    let got: Vec<(Option<usize>, Option<usize>, &str)> = problems
        .iter()
        .map(|p| (p.line(), p.column(), p.code))
        .collect();
    assert_eq!(
        got,
        [
            (Some(3), Some(27), codes::DUPLICATE_KEY),
            (Some(4), Some(9), codes::DUPLICATE_KEY),
        ]
    );
    assert!(problems.iter().all(|p| !p.is_error()));
    assert!(problems[0].message.contains("\"x\""));
    let yaml = "id: a\ntags:\n  x: 1\n  x: 2\n";
    let (_, problems) = parse_documents(&file("d.yaml", yaml), Format::Yaml);
    assert_eq!(
        (problems[0].line(), problems[0].column()),
        (Some(4), Some(6))
    );
}

#[test]
fn an_ndjson_file_with_a_bad_line_reads_as_an_error() {
    let (value, problems, _) = read_bytes("a.ndjson", b"{\"id\":\"a\"}\nnope\n");
    assert!(value.is_none());
    let e = first_error(&problems);
    // serde_json reads `n` as the start of `null` and stops at the `o`.
    assert_eq!((e.line(), e.column()), (Some(2), Some(2)));
}

#[test]
fn parse_text_joins_documents_as_the_pointers_address_them() {
    let v = parse_text(&file("m.yaml", "a: 1\n---\n---\nb: 2\n"), Format::Yaml).unwrap();
    assert_eq!(v, serde_json::json!([{"a": 1}, null, {"b": 2}]));
    let v = parse_text(&file("l.ndjson", "1\n\n[2]\n"), Format::Ndjson).unwrap();
    assert_eq!(v, serde_json::json!([1, [2]]));
    let e = parse_text(&file("x.json", "[1,]"), Format::Json).unwrap_err();
    assert_eq!(e.code, codes::JSON_SYNTAX);
}

#[test]
fn formats_come_from_extensions_or_content() {
    use std::path::Path;
    assert_eq!(
        Format::from_extension(Path::new("a.JSONL")),
        Some(Format::Ndjson)
    );
    assert_eq!(
        Format::from_extension(Path::new("a.yml")),
        Some(Format::Yaml)
    );
    assert_eq!(Format::from_extension(Path::new("json")), None);
    assert_eq!(Format::sniff(b"\xEF\xBB\xBF \n [1]"), Format::Json);
    assert_eq!(Format::sniff(b"- id: x"), Format::Yaml);
    assert_eq!(Format::sniff(b""), Format::Yaml);
    assert_eq!(Format::detect("x.out", "{}"), Format::Json);
}

#[test]
fn positions_are_stripped_from_parser_messages() {
    assert_eq!(
        strip_position("expected `,` at line 3 column 14"),
        "expected `,`"
    );
    assert_eq!(
        strip_position("did not find expected key at line 2 column 1, while parsing a block mapping at line 1 column 1"),
        "did not find expected key, while parsing a block mapping"
    );
    assert_eq!(strip_position("bad at position 7"), "bad");
    assert_eq!(strip_position("at line x"), "at line x");
}

#[test]
fn deep_block_yaml_is_an_error_not_a_stack_overflow() {
    let text = format!("{}x\n", "- ".repeat(10_000));
    let (value, problems, _) = read_bytes("deep.yaml", text.as_bytes());
    assert!(value.is_none());
    assert!(first_error(&problems).message.contains("recursion limit"));
}
