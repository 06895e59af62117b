//! Tests of schema validation: every error reported, located and worded for people.

use std::sync::Arc;

use super::*;
use crate::load::parse_text;

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        text: Arc::new(text.to_string()),
    }
}

fn run(path: &str, text: &str, format: Format) -> (bool, Vec<Problem>) {
    let f = file(path, text);
    let value = parse_text(&f, format).unwrap();
    let mut problems = Problems::default();
    let ok = validate("inventory", &value, &f, format, &mut problems);
    (ok, problems.all().into_iter().cloned().collect())
}

fn brief(p: &Problem) -> (Option<usize>, Option<usize>, &str) {
    (p.line(), p.column(), p.message.as_str())
}

#[test]
fn accepts_every_document_shape() {
    let id = r#""id": "/subscriptions/s/resourceGroups/r/providers/A.B/c/n", "type": "A.B/c""#;
    for text in [
        format!("[{{{id}}}]"),
        format!("{{\"data\": [{{{id}}}], \"count\": 1, \"skip_token\": null, \"totalRecords\": 1, \"resultTruncated\": \"false\", \"facets\": []}}"),
        format!("{{\"value\": [{{{id}, \"tags\": null, \"sku\": null}}], \"nextLink\": \"x\"}}"),
        format!("{{{id}, \"tags\": {{\"env\": \"prod\"}}, \"extra\": [1, 2]}}"),
        "[]".to_string(),
    ] {
        let (ok, problems) = run("ok.json", &text, Format::Json);
        assert!(ok && problems.is_empty(), "{text}: {problems:?}");
    }
}

#[test]
fn reports_every_error_located_and_worded() {
    let text = r#"[
  {"id": 42, "type": "Microsoft.Storage/storageAccounts"},
  {"type": "storageAccounts"},
  {"id": "", "type": "Microsoft.Web/sites", "tags": {"env": 1}}
]"#;
    let (ok, problems) = run("inv.json", text, Format::Json);
    assert!(!ok);
    assert!(problems.iter().all(|p| p.code == codes::SCHEMA));
    let got: Vec<_> = problems.iter().map(brief).collect();
    assert_eq!(
        got,
        [
            (Some(2), Some(10), "\"id\" must be a string, found 42"),
            (Some(3), Some(3), "item 1 has no \"id\", which is required"),
            (
                Some(3),
                Some(12),
                "\"type\" must match ^[^/]+(/[^/]+)+$, found \"storageAccounts\""
            ),
            (Some(4), Some(10), "\"id\" must not be empty"),
            (Some(4), Some(61), "\"env\" must be a string, found 1"),
        ]
    );
    assert_eq!(problems[0].label(), Some("expected a string"));
    assert!(problems[2]
        .help
        .as_deref()
        .unwrap()
        .contains("Microsoft.Storage"));
    assert_eq!(problems[0].file(), Some("inv.json"));
}

#[test]
fn yaml_type_errors_point_at_the_yaml_value() {
    let text = "- id: 42\n  type: Microsoft.Storage/storageAccounts\n  tags: \"x\"\n";
    let (ok, problems) = run("inv.yaml", text, Format::Yaml);
    assert!(!ok);
    let got: Vec<_> = problems.iter().map(brief).collect();
    assert_eq!(
        got,
        [
            (Some(1), Some(7), "\"id\" must be a string, found 42"),
            (
                Some(3),
                Some(9),
                "\"tags\" must be an object or null, found \"x\""
            ),
        ]
    );
}

#[test]
fn envelope_errors_point_at_the_offending_value() {
    let (ok, problems) = run("e.json", "{\n  \"data\": null\n}", Format::Json);
    assert!(!ok);
    assert_eq!(
        brief(&problems[0]),
        (Some(2), Some(11), "\"data\" must be an array, found null")
    );
}

#[test]
fn caps_errors_per_file_and_counts_the_rest() {
    let items: Vec<String> = (0..60)
        .map(|i| format!("{{\"id\": {i}, \"type\": \"A/b\"}}"))
        .collect();
    let text = format!("[\n{}\n]", items.join(",\n"));
    let (ok, problems) = run("many.json", &text, Format::Json);
    assert!(!ok);
    assert_eq!(problems.len(), MAX_ERRORS_PER_FILE + 1);
    let last = problems.last().unwrap();
    assert!(
        last.message.starts_with("and 10 more schema errors"),
        "{}",
        last.message
    );
}

#[test]
fn definitions_validate_alone_and_validators_are_cached() {
    let a = validator("inventory", Some("resource")).unwrap();
    let b = validator("inventory", Some("resource")).unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    assert!(a.is_valid(&serde_json::json!({"id": "x", "type": "A/b"})));
    assert!(!a.is_valid(&serde_json::json!([])));
    let f = file("x.json", "{}");
    let mut budget = Budget::new(&f, Format::Json);
    let mut problems = Problems::default();
    assert!(!budget.check(
        "inventory",
        Some("resource"),
        &serde_json::json!({"id": "x"}),
        "/data/0",
        &mut problems
    ));
    // Not locatable in this text: the pointer is named instead.
    assert_eq!(
        problems.errors()[0].message,
        "the resource has no \"type\", which is required (at /data/0)"
    );
}

#[test]
fn a_missing_schema_is_reported_not_panicked() {
    let f = file("x.json", "{}");
    let mut problems = Problems::default();
    assert!(!validate(
        "no-such-schema",
        &serde_json::json!({}),
        &f,
        Format::Json,
        &mut problems
    ));
    assert!(problems.errors()[0].message.contains("no-such-schema"));
}

#[test]
fn summaries_are_short() {
    assert_eq!(summary(&serde_json::json!("x".repeat(100))).len(), 65);
    assert_eq!(summary(&serde_json::json!({"a": 1})), "an object");
    assert_eq!(summary(&serde_json::json!([])), "an empty array");
    assert_eq!(summary(&serde_json::json!(null)), "null");
}
