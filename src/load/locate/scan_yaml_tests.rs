//! Tests of the YAML walker, kept beside it so that file stays readable.

use super::super::{child_spans, pointer_span};
use crate::load::Format;

fn at<'t>(text: &'t str, pointer: &str) -> Option<&'t str> {
    let (o, l) = pointer_span(text, Format::Yaml, pointer)?;
    text.get(o..o + l)
}

fn line_col(text: &str, pointer: &str) -> (usize, usize) {
    let (o, _) = pointer_span(text, Format::Yaml, pointer).unwrap();
    crate::source::line_col_of(text, o)
}

const AZ: &str = "\
- id: /subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a
  name: a
  tags:
    env: prod
    \"quoted key\": 'it''s'
  properties:
    list:
    - 1
    - two   # trailing comment
    - {x: [1, 2]}
    url: http://example.com:80/x
- id: b  # comment
  type: t
";

#[test]
fn block_sequences_of_compact_mappings() {
    assert_eq!(at(AZ, "/0/name"), Some("a"));
    assert_eq!(at(AZ, "/0/tags/env"), Some("prod"));
    assert_eq!(at(AZ, "/0/tags/quoted key"), Some("'it''s'"));
    assert_eq!(at(AZ, "/0/properties/list/0"), Some("1"));
    assert_eq!(at(AZ, "/0/properties/list/1"), Some("two"));
    assert_eq!(at(AZ, "/0/properties/list/2/x/1"), Some("2"));
    assert_eq!(at(AZ, "/0/properties/url"), Some("http://example.com:80/x"));
    assert_eq!(at(AZ, "/1/id"), Some("b"));
    assert_eq!(line_col(AZ, "/1/type"), (13, 9));
    assert_eq!(line_col(AZ, "/1"), (12, 3));
    assert_eq!(at(AZ, "/0/properties/list/3"), None);
    assert_eq!(at(AZ, "/2"), None);
    assert_eq!(at(AZ, "/0/nope"), None);
    let tags = at(AZ, "/0/tags").unwrap();
    assert!(
        tags.starts_with("env: prod") && tags.ends_with("'it''s'"),
        "{tags}"
    );
}

#[test]
fn indented_sequences_under_keys_as_yq_writes_them() {
    let text = "data:\n  - id: x\n    tags: {}\n  - id: y\n    type: T/u\ncount: 2\n";
    assert_eq!(at(text, "/data/0/tags"), Some("{}"));
    assert_eq!(at(text, "/data/1/type"), Some("T/u"));
    assert_eq!(at(text, "/count"), Some("2"));
    assert_eq!(line_col(text, "/data/1"), (4, 5));
    let spans = child_spans(text, Format::Yaml, "/data").unwrap();
    assert_eq!(spans.len(), 2);
}

#[test]
fn sequences_at_the_same_indent_as_their_key() {
    let text = "data:\n- id: x\n  n: 1\n- id: y\ncount: 2\n";
    assert_eq!(at(text, "/data/1/id"), Some("y"));
    assert_eq!(at(text, "/count"), Some("2"));
    assert_eq!(at(text, "/data"), Some("- id: x\n  n: 1\n- id: y"));
}

#[test]
fn flow_collections_and_json_written_as_yaml() {
    let text =
        "{data: [\n  {id: \"a,b\", n: [1, [2, 3]]},\n  {id: 'b', \"k\": {}}, # c\n], count: 2}";
    assert_eq!(at(text, "/data/0/id"), Some("\"a,b\""));
    assert_eq!(at(text, "/data/0/n/1/0"), Some("2"));
    assert_eq!(at(text, "/data/1/k"), Some("{}"));
    assert_eq!(at(text, "/count"), Some("2"));
    let json = r#"{"data": [{"id": "x", "tags": {"a": "}"}}], "n": null}"#;
    assert_eq!(at(json, "/data/0/tags/a"), Some("\"}\""));
    assert_eq!(at(json, "/n"), Some("null"));
}

#[test]
fn block_scalars_comments_and_quotes() {
    let text = "script: |\n  echo {\n  # not a key\nmsg: \"x # y\" # real\nnext: 'a: b'\n";
    assert_eq!(at(text, "/script"), Some("|\n  echo {\n  # not a key"));
    assert_eq!(at(text, "/msg"), Some("\"x # y\""));
    assert_eq!(at(text, "/next"), Some("'a: b'"));
}

#[test]
fn anchors_tags_and_aliases() {
    let text = "base: &b {x: 1}\nuse: *b\ntagged: !Ref foo\nmap: !!map\n  k: v\n";
    assert_eq!(at(text, "/base/x"), Some("1"));
    assert_eq!(at(text, "/use"), Some("*b"));
    assert_eq!(at(text, "/use/x"), Some("*b"));
    assert_eq!(at(text, "/tagged"), Some("foo"));
    assert_eq!(at(text, "/map/k"), Some("v"));
}

#[test]
fn escaped_keys_empty_values_and_repeats() {
    let text = "a/b: 1\nm~n: 2\n\"\\u00e9\": 3\ntags:\nid: first\nid: second\n";
    assert_eq!(at(text, "/a~1b"), Some("1"));
    assert_eq!(at(text, "/m~0n"), Some("2"));
    assert_eq!(at(text, "/é"), Some("3"));
    assert_eq!(at(text, "/tags"), Some("tags"));
    assert_eq!(at(text, "/id"), Some("second"));
}

#[test]
fn nested_sequences_and_windows_line_ends() {
    let text = "- - a\n  - b\n- - c\r\n  - {k: v}\r\n";
    assert_eq!(at(text, "/0/1"), Some("b"));
    assert_eq!(at(text, "/1/0"), Some("c"));
    assert_eq!(at(text, "/1/1/k"), Some("v"));
}

#[test]
fn several_documents_take_the_document_index_first() {
    let text = "# head\na: 1\n---\nb: [x]\n...\n--- \nc: 2\n";
    assert_eq!(at(text, "/0/a"), Some("1"));
    assert_eq!(at(text, "/1/b/0"), Some("x"));
    assert_eq!(at(text, "/2/c"), Some("2"));
    let single = "%YAML 1.2\n---\na: 1\n";
    assert_eq!(at(single, "/a"), Some("1"));
    assert_eq!(at("---\n", "/a"), None);
}

#[test]
fn deep_flow_nesting_does_not_overflow() {
    let depth = 10_000;
    let text = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    assert_eq!(at(&text, "/0/0/0"), Some(&text[3..text.len() - 3]));
}

/// Every scalar of `value` with its pointer.
fn leaves(value: &serde_json::Value, pointer: String, out: &mut Vec<(String, serde_json::Value)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                leaves(
                    v,
                    format!("{pointer}/{}", super::super::escape_token(k)),
                    out,
                );
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, format!("{pointer}/{i}"), out);
            }
        }
        _ => out.push((pointer, value.clone())),
    }
}

fn parse(text: &str, format: Format) -> serde_json::Value {
    let file = crate::source::SourceFile {
        path: "t".into(),
        text: std::sync::Arc::new(text.to_string()),
    };
    crate::load::parse_text(&file, format).unwrap()
}

#[test]
fn every_scalar_is_found_where_it_is_written() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/load/mixed");
    let read = |name: &str| std::fs::read_to_string(root.join(name)).unwrap();
    let mixed = "\
# block and flow together, as people write them
data:
  - id: \"/subscriptions/s/x\"
    type: 'A/b'
    tags: {env: prod, \"a b\": 'c, d'}
    properties:
      rules: [{port: 22, from: \"*\"}, {port: 3389, from: Internet}]
      script: >
        folded text
        on two lines
      flags:
      - true
      - -1.5e3
count: 1
";
    let cases = [
        (AZ.to_string(), Format::Yaml),
        (read("sub/vms.yaml"), Format::Yaml),
        (mixed.to_string(), Format::Yaml),
        (read("arg-data.json"), Format::Json),
        (read("sub/arm-list.json"), Format::Json),
        (read("webapps.ndjson"), Format::Ndjson),
    ];
    for (text, format) in cases {
        let mut all = Vec::new();
        leaves(&parse(&text, format), String::new(), &mut all);
        assert!(all.len() > 5);
        for (pointer, leaf) in all {
            if leaf.is_null() && format == Format::Yaml {
                continue; // An empty YAML value is located at its key.
            }
            let (o, l) =
                pointer_span(&text, format, &pointer).unwrap_or_else(|| panic!("{pointer}"));
            let snippet = &text[o..o + l];
            let snippet_format = if format == Format::Ndjson {
                Format::Json
            } else {
                format
            };
            let found = parse(snippet, snippet_format);
            // A block scalar's span ends with its text; the value also has the final newline.
            let same = match (&found, &leaf) {
                (serde_json::Value::String(a), serde_json::Value::String(b)) => {
                    a.trim_end() == b.trim_end()
                }
                _ => found == leaf,
            };
            assert!(
                same,
                "{pointer}: {snippet:?} gives {found}, expected {leaf}"
            );
        }
    }
}
