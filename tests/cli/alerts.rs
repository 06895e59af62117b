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
