//! `posture policies list|show|test`.

use crate::support::{fixture, posture, snapshot, temp_with};

#[test]
fn list_shows_every_bundled_policy() {
    let run = posture(&["policies", "list"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("storage-secure-transfer"));
    snapshot("policies__list", &run.stdout, None);
    let json = posture(&["policies", "list", "-f", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[test]
fn list_reports_why_a_policy_is_off() {
    let run = posture(&[
        "policies",
        "list",
        "-f",
        "json",
        "--disable",
        "storage-secure-transfer",
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let p = v
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "storage-secure-transfer")
        .unwrap();
    assert_eq!(p["enabled"], false);
    assert_eq!(p["reason"], "disabled by --disable");
}

#[test]
fn show_prints_metadata_and_remediation() {
    let run = posture(&["policies", "show", "storage-secure-transfer"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Remediation"));
    assert!(run.stdout.contains("az storage account update"));
    snapshot("policies__show", &run.stdout, None);
    let missing = posture(&["policies", "show", "storage-secure-transfr"]);
    assert_eq!(missing.code, 2);
    assert!(missing
        .stderr
        .contains("did you mean `storage-secure-transfer`"));
}

#[test]
fn bundled_tests_pass_with_full_coverage_report() {
    let run = posture(&["policies", "test", "--coverage", "--threshold", "90"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("total: "), "{}", run.stdout);
    assert!(!run.stdout.contains("FAIL"), "{}", run.stdout);
}

#[test]
fn a_user_folder_is_tested_and_a_failure_exits_1() {
    let ok = posture(&[
        "policies",
        "test",
        fixture("one-policy/policies").to_str().unwrap(),
        "-v",
    ]);
    assert_eq!(ok.code, 0, "{}", ok.transcript());
    assert!(ok.stdout.contains("test_locked_widget_passes: PASS"));
    assert!(ok.stdout.contains("PASS: 2/2"));

    let src = std::fs::read_to_string(fixture("one-policy/policies/widget_locked.rego")).unwrap();
    let dir = temp_with(&[
        ("p.rego", &src),
        ("p_test.rego", "package fixture.widget_locked\n\ntest_wrong if {\n\tcount(deny) == 5 with input as {\"resources\": [], \"parameters\": {\"label\": \"x\"}}\n}\n"),
    ]);
    let bad = posture(&["policies", "test", dir.path().to_str().unwrap()]);
    assert_eq!(bad.code, 1, "{}", bad.transcript());
    assert!(bad.stdout.contains("test_wrong: FAIL"), "{}", bad.stdout);
}

#[test]
fn a_policy_without_tests_fails_the_run() {
    let src = std::fs::read_to_string(fixture("one-policy/policies/widget_locked.rego")).unwrap();
    let dir = temp_with(&[("p.rego", &src)]);
    let run = posture(&["policies", "test", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("policy widget-locked: FAIL (no tests"),
        "{}",
        run.stdout
    );
}

#[test]
fn lint_passes_on_the_bundled_library() {
    let run = posture(&["policies", "lint"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("no problems"));
}

#[test]
fn lint_finds_a_typo_type_an_unknown_placeholder_and_an_orphan_test() {
    let src = std::fs::read_to_string(fixture("one-policy/policies/widget_locked.rego")).unwrap();
    let broken = src
        .replace("[Contoso.Test/widgets]", "[Microsoft.Storage/storageAcounts]")
        .replace("#   remediation: Lock the widget.", "#   remediation: Lock the widget.\n#   quick_fix:\n#     bash: az lock {{resource.idd}}");
    let dir = temp_with(&[
        ("p.rego", &broken),
        (
            "p_test.rego",
            "package fixture.widget_locked\n\ntest_x if true\n",
        ),
        (
            "orphan_test.rego",
            "package nothing.here\n\ntest_y if true\n",
        ),
    ]);
    let run = posture(&["policies", "lint", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    let err = &run.stderr;
    assert!(
        err.contains("did you mean `microsoft.storage/storageaccounts`"),
        "{err}"
    );
    assert!(
        err.contains("unknown placeholder `{{resource.idd}}`"),
        "{err}"
    );
    assert!(
        err.contains("test package `nothing.here` belongs to no policy"),
        "{err}"
    );
    assert!(err.contains("p.rego:9:"), "{err}");
}
