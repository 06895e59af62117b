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
        .replace("#   remediation: Lock the widget.", "#   remediation: Lock the widget.\n#   quick_fix:\n#     bash: az lock {{resource.idd}}\n#     powershell: Lock-Widget -Name '{{resource.name}}'");
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

fn bundled_list() -> Vec<serde_json::Value> {
    let run = posture(&["policies", "list", "-f", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    serde_json::from_str::<serde_json::Value>(&run.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn the_bundled_library_covers_45_policies_10_types_and_every_control() {
    let list = bundled_recommendations();
    assert!(list.len() >= 45, "{} policies", list.len());
    let types: std::collections::BTreeSet<String> = list
        .iter()
        .flat_map(|p| {
            p["resource_types"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_ascii_lowercase())
        })
        .collect();
    assert!(types.len() >= 10, "{types:?}");
    let controls: std::collections::BTreeSet<&str> = list
        .iter()
        .map(|p| p["control"].as_str().unwrap())
        .collect();
    let catalogue =
        std::fs::read_to_string(crate::support::root().join("policies/controls.yaml")).unwrap();
    let declared: Vec<&str> = catalogue
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- id: "))
        .collect();
    assert_eq!(declared.len(), 15);
    for c in declared {
        assert!(controls.contains(c), "no bundled policy in control {c}");
    }
}

/// Recommendations only (detections have their own checks in tests/cli/alerts.rs).
fn bundled_recommendations() -> Vec<serde_json::Value> {
    bundled_list()
        .into_iter()
        .filter(|p| p["kind"] == "recommendation")
        .collect()
}

#[test]
fn every_bundled_policy_has_complete_metadata_and_at_least_four_tests() {
    let root = crate::support::root();
    for p in bundled_recommendations() {
        let id = p["id"].as_str().unwrap();
        let show = posture(&["policies", "show", id]);
        assert_eq!(show.code, 0, "{id}");
        for field in [
            "threats:",
            "user impact:",
            "effort:",
            "references:",
            "Remediation",
        ] {
            assert!(
                show.stdout.contains(field),
                "{id} lacks {field}:\n{}",
                show.stdout
            );
        }
        let path = p["path"]
            .as_str()
            .unwrap()
            .replace("<bundled>/", "policies/");
        let test_path = root.join(path.replace(".rego", "_test.rego"));
        let tests = std::fs::read_to_string(&test_path)
            .unwrap_or_else(|e| panic!("{id}: {}: {e}", test_path.display()));
        let n = tests.lines().filter(|l| l.starts_with("test_")).count();
        assert!(n >= 4, "{id} has {n} tests in {}", test_path.display());
    }
}

#[test]
fn every_bundled_policy_is_unhealthy_and_healthy_somewhere_in_the_examples() {
    let mut args = vec![
        "assess",
        "examples",
        "-f",
        "json",
        "--now",
        "2026-11-26T00:00:00Z",
    ];
    let list = bundled_recommendations();
    // Flags override the examples' config, which switches one policy off.
    let ids: Vec<String> = list
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    for id in &ids {
        args.push("--enable");
        args.push(id);
    }
    let run = posture(&args);
    assert!(run.code <= 1, "{}", run.transcript());
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let recs = report["recommendations"].as_array().unwrap();
    assert_eq!(recs.len(), list.len(), "every policy runs");
    let mut summary = String::new();
    for r in recs {
        let (u, h) = (
            r["counts"]["unhealthy"].as_u64().unwrap(),
            r["counts"]["healthy"].as_u64().unwrap(),
        );
        assert!(u >= 1 && h >= 1, "{}: unhealthy {u}, healthy {h}", r["id"]);
        summary.push_str(&format!(
            "{}: unhealthy {u}, healthy {h}\n",
            r["id"].as_str().unwrap()
        ));
    }
    let mut lines: Vec<&str> = summary.lines().collect();
    lines.sort();
    snapshot("policies__examples_every_policy", &lines.join("\n"), None);
}
