//! Bad inputs and bad policies: a diagnostic naming the file (and line and column), exit 2,
//! never a panic, and the rest of the run still done.

use crate::support::{fixture, posture, snapshot, temp_with};

const NOW: &str = "2026-11-26T00:00:00Z";

#[test]
fn three_bad_inputs_give_three_located_diagnostics() {
    // A relative path keeps the snapshot independent of where the repository is checked out.
    let run = posture(&[
        "assess",
        "tests/fixtures/bad-inputs",
        "--now",
        NOW,
        "-f",
        "json",
    ]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    let err = &run.stderr;
    assert!(err.contains("malformed.json:3:"), "{err}");
    assert!(err.contains("type-error.yaml:3:"), "{err}");
    assert!(err.contains("no-id.json:3:"), "{err}");
    assert!(err.contains("3 errors"), "{err}");
    // the report still lists them, and still assesses the good resources
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        report["errors"].as_array().unwrap().len(),
        3,
        "{}",
        run.stdout
    );
    assert_eq!(report["gate"]["status"], "error");
    snapshot("errors__three_bad_inputs", &run.stderr, None);
}

#[test]
fn validate_reports_the_same_diagnostics() {
    let dir = fixture("bad-inputs");
    let run = posture(&["validate", dir.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("3 errors"), "{}", run.stderr);
    let ok = posture(&["validate", "examples"]);
    assert_eq!(ok.code, 0, "{}", ok.transcript());
    assert!(ok.stdout.starts_with("valid: "), "{}", ok.stdout);
}

#[test]
fn a_path_that_does_not_exist() {
    let run = posture(&["assess", "no/such/inventory.json", "--now", NOW]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no/such/inventory.json"),
        "{}",
        run.stderr
    );
}

const META: &str = "# METADATA\n# title: T\n# description: D\n# scope: package\n# custom:\n#   id: ID\n#   severity: High\n#   control: CONTROL\n#   resource_types: [Contoso.Test/widgets]\n#   remediation: R\n";

fn policy(id: &str, control: &str, package: &str, body: &str) -> String {
    format!(
        "{}package {package}\n\n{body}\n",
        META.replace("ID", id).replace("CONTROL", control)
    )
}

fn assess_with(policies: &tempfile::TempDir) -> crate::support::Run {
    posture(&[
        "assess",
        fixture("one-policy/inventory").to_str().unwrap(),
        "--policies",
        policies.path().to_str().unwrap(),
        "--policies",
        fixture("one-policy/policies").to_str().unwrap(),
        "--no-default-policies",
        "-f",
        "json",
        "--now",
        NOW,
    ])
}

#[test]
fn a_forbidden_builtin_is_rejected_at_load_and_the_others_still_run() {
    let body = "deny contains {\"resource\": r.id, \"message\": \"x\"} if {\n\tsome r in input.resources\n\ttime.now_ns() > 0\n}";
    let dir = temp_with(&[(
        "clock.rego",
        &policy("uses-clock", "enable-mfa", "t.clock", body),
    )]);
    let run = assess_with(&dir);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("`time.now_ns` is not allowed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("clock.rego:15:2"), "{}", run.stderr);
    assert!(
        run.stderr.contains("1 error;"),
        "one cause, one error: {}",
        run.stderr
    );
    let r: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let ids: Vec<&str> = r["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["widget-locked"]);
    let failed: Vec<&serde_json::Value> = r["policies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["id"], "uses-clock");
}

#[test]
fn a_syntax_error_is_shown_at_its_position() {
    let body = "deny contains x if {\n\tx := \n}";
    let dir = temp_with(&[(
        "broken.rego",
        &policy("broken", "enable-mfa", "t.broken", body),
    )]);
    let run = assess_with(&dir);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("broken.rego:1"), "{}", run.stderr);
    assert!(run.stdout.contains("\"widget-locked\""));
}

#[test]
fn a_runtime_error_fails_only_that_policy() {
    let body = "deny contains {\"resource\": r.id, \"message\": \"x\"} if {\n\tsome r in input.resources\n\tto_number(\"not a number\") > 1\n}";
    let dir = temp_with(&[(
        "runtime.rego",
        &policy("runtime-error", "enable-mfa", "t.runtime", body),
    )]);
    let run = assess_with(&dir);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("runtime-error"), "{}", run.stderr);
    assert!(run.stderr.contains("runtime.rego"), "{}", run.stderr);
    let r: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(r["recommendations"].as_array().unwrap().len(), 1);
}

#[test]
fn an_unknown_control_and_a_duplicate_id_are_errors() {
    let ok = "deny contains {\"resource\": r.id, \"message\": \"x\"} if {\n\tsome r in input.resources\n\tr.x\n}";
    let dir = temp_with(&[
        ("a.rego", &policy("widget-locked", "enable-mfa", "t.a", ok)),
        ("b.rego", &policy("typo-control", "enable-mfaa", "t.b", ok)),
    ]);
    let run = assess_with(&dir);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("policy id `widget-locked` is already used"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `enable-mfa`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_policy_module_without_metadata_is_not_silently_skipped() {
    let dir = temp_with(&[("bare.rego", "package t.bare\n\ndeny contains 1 if true\n")]);
    let run = assess_with(&dir);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no `# METADATA` block"),
        "{}",
        run.stderr
    );
}

#[test]
fn config_errors_name_the_key_and_suggest_a_fix() {
    let dir = temp_with(&[(
        "posture.yaml",
        "policies:\n  disabel: [widget-locked]\ngate:\n  min_score: 50\nexemptions:\n  - policy: widget-locked\n    category: waiver\n    reason: \"\"\n    expires: 2027-02-30\n",
    )]);
    let run = posture(&[
        "assess",
        fixture("one-policy/inventory").to_str().unwrap(),
        "--config",
        dir.path().join("posture.yaml").to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("unknown key `disabel`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `disable`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("posture.yaml:2:3"), "{}", run.stderr);
}

#[test]
fn config_values_are_checked() {
    let dir = temp_with(&[(
        "posture.yaml",
        "exemptions:\n  - policy: widget-locked\n    category: waiver\n    reason: \"\"\n    expires: 2027-02-30\npolicies:\n  parameters:\n    widget-locked:\n      lable: x\n",
    )]);
    let mut args = vec![
        "assess".to_string(),
        fixture("one-policy/inventory").display().to_string(),
        "--no-default-policies".into(),
        "--policies".into(),
        fixture("one-policy/policies").display().to_string(),
        "--config".into(),
        dir.path().join("posture.yaml").display().to_string(),
    ];
    args.extend(["--now".to_string(), NOW.to_string()]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = posture(&a);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("an exemption needs a reason"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`2027-02-30` is not a date"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("has no parameter `lable`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `label`"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    let run = posture(&["assess", "examples", "--now", "yesterday"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("RFC 3339"), "{}", run.stderr);
    let run = posture(&["assess", "examples", "--enable", "storage-secure-transfr"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("did you mean `storage-secure-transfer`"),
        "{}",
        run.stderr
    );
}

/// Regression: a diagnostic far along one huge line (minified `az graph query` output) made
/// miette's renderer panic past 65,535 columns.
#[test]
fn an_error_at_the_end_of_a_minified_inventory_is_named_without_a_panic() {
    let mut text = String::from("[");
    for i in 0..2_000 {
        text.push_str(&format!("{{\"id\":\"/subscriptions/s/resourceGroups/g/providers/A.B/c/r{i}\",\"type\":\"A.B/c\",\"tags\":{{}}}},"));
    }
    text.push_str("{\"id\":42,\"type\":\"A.B/c\"}]");
    let dir = temp_with(&[("min.json", &text)]);
    let run = posture(&[
        "assess",
        dir.path().join("min.json").to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    let col = text.rfind("42").unwrap() + 1;
    assert!(
        run.stderr.contains(&format!("min.json:1:{col}")),
        "{}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
    assert!(run.stderr.len() < 5_000, "the line is not printed");
}
