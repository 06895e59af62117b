//! Security alerts: detections as policies, threat intelligence, anomalies against history,
//! and alerts in every report format and gate.

use crate::support::{posture, temp_with};

/// A detection with the given metadata lines after `custom:` and the given rule body.
fn detection(custom: &str, rules: &str) -> String {
    format!(
        "# METADATA\n# title: A test detection\n# description: Fires in tests.\n# scope: package\n# custom:\n{custom}\npackage test.alerts.x\n\n{rules}"
    )
}

const CUSTOM: &str = "#   id: test-detection\n#   kind: alert\n#   alert_type: test-thing\n#   severity: Informational\n#   tactics: [Defense Evasion]\n#   techniques: [T1070]\n#   remediation: Look at it.";

const RULE: &str = "alerts contains {\"machine\": m.id, \"message\": \"seen\", \"start\": input.now, \"end\": input.now, \"entities\": {}, \"evidence\": []} if {\n\tsome m in input.machines\n}\n";

#[test]
fn a_detection_is_listed_with_its_kind_and_needs_no_control() {
    let dir = temp_with(&[("x.rego", &detection(CUSTOM, RULE))]);
    let run = posture(&[
        "policies",
        "list",
        "-f",
        "json",
        "--no-default-policies",
        "--policies",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let p = &v[0];
    assert_eq!(p["kind"], "alert");
    assert_eq!(p["severity"], "Informational");
    assert_eq!(p["alert_type"], "test-thing");
    assert_eq!(p["tactics"][0], "Defense Evasion");
    let show = posture(&[
        "policies",
        "show",
        "test-detection",
        "--no-default-policies",
        "--policies",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        show.stdout.contains("alert type:     test-thing"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains("techniques:     T1070"),
        "{}",
        show.stdout
    );
}

#[test]
fn detection_metadata_is_checked() {
    // No `alerts` rule.
    let no_rule = detection(CUSTOM, "x := 1\n");
    // A detection needs tactics; a control makes no sense for it.
    let no_tactics = detection(
        &CUSTOM.replace("#   tactics: [Defense Evasion]\n", "#   control: x\n"),
        RULE,
    );
    // Two detections, one alert type.
    let twin = detection(&CUSTOM.replace("test-detection", "test-twin"), RULE)
        .replace("test.alerts.x", "test.alerts.y");
    for (files, expected) in [
        (vec![("x.rego", no_rule)], "defines no `alerts` rule"),
        (vec![("x.rego", no_tactics)], "tactics"),
        (
            vec![("x.rego", detection(CUSTOM, RULE)), ("y.rego", twin)],
            "alert type `test-thing` is already raised by detection `test-detection`",
        ),
    ] {
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let dir = temp_with(&files);
        let run = posture(&[
            "policies",
            "list",
            "--no-default-policies",
            "--policies",
            dir.path().to_str().unwrap(),
        ]);
        assert_eq!(run.code, 2, "{}", run.transcript());
        assert!(run.stderr.contains(expected), "{expected}:\n{}", run.stderr);
    }
}

/// Assesses the estate fixture with only the given detection.
fn assess_with(detection_text: &str, extra: &[&str]) -> (crate::support::Run, tempfile::TempDir) {
    let dir = temp_with(&[("x.rego", detection_text)]);
    let mut args = vec![
        "assess",
        "tests/fixtures/estate/inventory.json",
        "--agents",
        "tests/fixtures/estate/agents",
        "--no-default-policies",
        "--policies",
        dir.path().to_str().unwrap(),
        "--now",
        "2026-11-26T00:00:00Z",
    ];
    args.extend(extra);
    (posture(&args), dir)
}

#[test]
fn a_user_detection_raises_alerts_that_gate_and_never_score() {
    let (run, _dir) = assess_with(&detection(CUSTOM, RULE), &["-f", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let r = crate::support::json(&run);
    let alerts = r["alerts"].as_array().unwrap();
    // One per machine with a snapshot; the older snapshot of vm-a is its history.
    assert_eq!(alerts.len(), 3, "{alerts:#?}");
    for a in alerts {
        assert_eq!(a["alertType"], "test-thing");
        assert_eq!(a["severity"], "Informational");
        assert_eq!(a["source"], "detection");
        assert_eq!(a["fingerprint"].as_str().unwrap().len(), 32);
        assert!(a["location"]["file"].as_str().unwrap().contains("agents"));
    }
    let vm_a = r["machines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["hostname"] == "vm-a")
        .unwrap();
    assert_eq!(vm_a["historySnapshots"], 1);
    assert_eq!(vm_a["historySince"], "2026-11-20T08:00:00Z");
    // Alerts never change the score: the same run without the detection scores the same.
    let (quiet, _d) = assess_with(
        &detection(CUSTOM, RULE),
        &["-f", "json", "--disable", "test-detection"],
    );
    let q = crate::support::json(&quiet);
    assert_eq!(q["score"], r["score"]);
    assert_eq!(q["alerts"].as_array().unwrap().len(), 0);
    // Repeated assessments give the same fingerprints.
    let (again, _d) = assess_with(&detection(CUSTOM, RULE), &["-f", "json"]);
    assert_eq!(crate::support::json(&again)["alerts"], r["alerts"]);

    let (gated, _d) = assess_with(
        &detection(CUSTOM, RULE),
        &["--fail-on-alert", "informational", "-q"],
    );
    assert_eq!(gated.code, 1, "{}", gated.transcript());
    assert!(gated
        .stdout
        .contains("fail-on-alert informational: 3 Informational or higher alerts"));
    let (passed, _d) = assess_with(&detection(CUSTOM, RULE), &["--fail-on-alert", "low", "-q"]);
    assert_eq!(passed.code, 0, "{}", passed.transcript());

    let (csv, _d) = assess_with(&detection(CUSTOM, RULE), &["-f", "csv-alerts"]);
    assert_eq!(csv.code, 0);
    assert!(csv
        .stdout
        .starts_with("TimeGenerated,AlertName,AlertType,Severity"));
    assert_eq!(csv.stdout.lines().count(), 4);
}

#[test]
fn an_alert_that_names_no_input_machine_fails_its_detection() {
    let bad = "alerts contains {\"machine\": \"/nowhere\", \"message\": \"x\", \"start\": input.now} if true\n";
    let (run, _dir) = assess_with(&detection(CUSTOM, bad), &["-f", "json"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    let r = crate::support::json(&run);
    let error = r["errors"][0]["message"].as_str().unwrap();
    assert!(
        error.contains("`alerts` names machine `/nowhere`, which is not one of input.machines"),
        "{error}"
    );
    let p = r["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "test-detection")
        .unwrap();
    assert_eq!(p["status"], "failed");
    assert_eq!(p["kind"], "alert");
}
