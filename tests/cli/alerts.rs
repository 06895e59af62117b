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

const NOW: &str = "2026-11-26T00:00:00Z";
const HOSTS: &str = "tests/fixtures/alerts/hosts";

/// Assesses the alert fixtures' hosts with the bundled policies.
fn assess_hosts(extra: &[&str]) -> crate::support::Run {
    let mut args = vec!["assess", HOSTS, "--now", NOW];
    args.extend(extra);
    posture(&args)
}

/// (hostname, alert type) of every alert, in report order.
fn kinds(report: &serde_json::Value) -> Vec<(String, String)> {
    report["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["hostname"].as_str().unwrap().to_string(),
                a["alertType"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn alert<'a>(report: &'a serde_json::Value, alert_type: &str) -> &'a serde_json::Value {
    report["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["alertType"] == alert_type)
        .unwrap_or_else(|| panic!("no {alert_type} alert"))
}

#[test]
fn the_fixture_hosts_give_exactly_the_expected_alerts_and_the_clean_host_none() {
    let run = assess_hosts(&["-f", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let r = crate::support::json(&run);
    let mut got = kinds(&r);
    got.sort();
    let expected: Vec<(String, String)> = [
        ("SQL-01", "windows-guest-added-to-administrators"),
        ("SQL-01", "windows-powershell-encoded-command"),
        ("SQL-01", "windows-rdp-bruteforce"),
        ("SQL-01", "windows-security-log-cleared"),
        ("SQL-01", "windows-wdigest-enabled"),
        ("deb-bastion", "linux-admin-group-member-added"),
        ("deb-bastion", "linux-history-cleared"),
        ("deb-bastion", "linux-logging-disabled"),
        ("deb-bastion", "linux-new-uid0-account"),
        ("deb-bastion", "linux-ssh-bruteforce-failed"),
        ("deb-bastion", "linux-ssh-bruteforce-success"),
        ("web-02", "linux-crypto-miner"),
        ("web-02", "linux-hidden-file-execution"),
        ("web-02", "linux-ssh-key-added"),
    ]
    .iter()
    .map(|(h, t)| ((*h).to_string(), (*t).to_string()))
    .collect();
    assert_eq!(got, expected);
    assert!(!got.iter().any(|(h, _)| h == "db-01"), "the clean host");

    // Sorted by severity, then time.
    let order: Vec<&str> = r["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["severity"].as_str().unwrap())
        .collect();
    let rank = |s: &str| {
        ["High", "Medium", "Low", "Informational"]
            .iter()
            .position(|x| *x == s)
    };
    assert!(
        order.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{order:?}"
    );

    let success = alert(&r, "linux-ssh-bruteforce-success");
    assert_eq!(success["severity"], "High");
    assert_eq!(
        success["entities"],
        serde_json::json!({"sourceAddress": "203.0.113.7", "account": "deploy", "accountsTried": ["deploy", "root"]})
    );
    assert_eq!(success["start"], "2026-11-25T21:00:05Z");
    assert_eq!(success["end"], "2026-11-25T21:12:40Z");
    assert_eq!(
        success["tactics"],
        serde_json::json!(["Credential Access", "Initial Access"])
    );
    let failed = alert(&r, "linux-ssh-bruteforce-failed");
    assert_eq!(failed["entities"]["sourceAddress"], "198.51.100.23");
    assert_eq!(
        failed["entities"]["accounts"],
        serde_json::json!(["admin", "root", "test", "ubuntu"])
    );
    assert_eq!(
        alert(&r, "linux-new-uid0-account")["entities"]["account"],
        "backdoor"
    );
    assert_eq!(
        alert(&r, "linux-admin-group-member-added")["entities"],
        serde_json::json!({"account": "backdoor", "group": "sudo"})
    );
    assert_eq!(
        alert(&r, "linux-ssh-key-added")["entities"]["fingerprint"],
        "SHA256:q8Xr2VtZp1LmN3bC5dF7gH9jK0lM2nO4pQ6rS8tU0vW"
    );
    assert_eq!(
        alert(&r, "linux-crypto-miner")["entities"]["process"],
        "/tmp/.x/kswapd0"
    );
    assert_eq!(
        alert(&r, "windows-rdp-bruteforce")["entities"]["sourceAddress"],
        "203.0.113.50"
    );
    assert!(alert(&r, "windows-powershell-encoded-command")["message"]
        .as_str()
        .unwrap()
        .contains("DownloadString('http://203.0.113.50/a')"));
    assert_eq!(
        alert(&r, "windows-security-log-cleared")["entities"]["account"],
        "SQL-01\\Administrator"
    );
    // Every alert points at its machine's snapshot.
    for a in r["alerts"].as_array().unwrap() {
        let file = a["location"]["file"].as_str().unwrap();
        assert!(file.starts_with(HOSTS), "{file}");
        assert_eq!(a["source"], "detection");
    }
    crate::support::snapshot(
        "alerts__fixture_hosts",
        &serde_json::to_string_pretty(&r["alerts"]).unwrap(),
        None,
    );
}

#[test]
fn alerts_in_every_format() {
    let table = assess_hosts(&[]);
    assert_eq!(table.code, 0, "{}", table.transcript());
    let section: String = table
        .stdout
        .split("\nSecurity alerts: ")
        .nth(1)
        .and_then(|s| s.split("\n\n").next())
        .map(|s| format!("Security alerts: {s}\n"))
        .expect("an alerts section");
    assert!(section.starts_with("Security alerts: 14 (4 High, 6 Medium, 3 Low, 1 Informational)"));
    crate::support::snapshot("alerts__table_section", &section, None);

    let md = assess_hosts(&["-f", "markdown"]);
    assert!(md.stdout.contains("### Security alerts"), "{}", md.stdout);
    assert!(md.stdout.contains(
        "| High | Successful SSH brute force attack (linux-ssh-bruteforce-success) | deb-bastion |"
    ));

    let csv = assess_hosts(&["-f", "csv-alerts"]);
    assert_eq!(csv.code, 0);
    let rows = ::csv::Reader::from_reader(csv.stdout.as_bytes())
        .records()
        .count();
    assert_eq!(rows, 14);
    crate::support::snapshot("alerts__csv_alerts", &csv.stdout, None);
    // The recommendations' CSV keeps its columns and rows: no alert rows in it.
    let rec_csv = assess_hosts(&["-f", "csv"]);
    assert!(!rec_csv.stdout.contains("linux-ssh-bruteforce"));

    let sarif = assess_hosts(&["-f", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let rules: Vec<&str> = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .filter(|id| id.starts_with("alert/"))
        .collect();
    assert_eq!(rules.len(), 14);
    let result = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "alert/linux-crypto-miner")
        .unwrap();
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/alerts/hosts/web-02.json"
    );
    assert_eq!(
        result["partialFingerprints"]["postureAlert/v1"]
            .as_str()
            .unwrap()
            .len(),
        32
    );
}

#[test]
fn fingerprints_are_stable_across_runs_and_history() {
    let a = crate::support::json(&assess_hosts(&["-f", "json"]));
    let b = crate::support::json(&assess_hosts(&["-f", "json", "--jobs", "1"]));
    assert_eq!(a["alerts"], b["alerts"]);
    // The same snapshot assessed on its own gives the same fingerprint for the same alert.
    let alone = crate::support::json(&posture(&[
        "assess",
        "tests/fixtures/alerts/hosts/deb-bastion.json",
        "--now",
        NOW,
        "-f",
        "json",
    ]));
    let fp = |r: &serde_json::Value, t: &str| alert(r, t)["fingerprint"].clone();
    assert_eq!(
        fp(&a, "linux-ssh-bruteforce-success"),
        fp(&alone, "linux-ssh-bruteforce-success")
    );
    let mut seen = std::collections::BTreeSet::new();
    for x in a["alerts"].as_array().unwrap() {
        assert!(seen.insert(x["fingerprint"].as_str().unwrap().to_string()));
    }
}

#[test]
fn a_stix_indicator_matching_one_event_raises_one_intel_alert_and_the_unsupported_one_is_a_warning()
{
    let run = assess_hosts(&[
        "--intel",
        "tests/fixtures/alerts/intel/feed.stix.json",
        "-f",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let r = crate::support::json(&run);
    let intel: Vec<&serde_json::Value> = r["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["source"] == "intel")
        .collect();
    assert_eq!(intel.len(), 1, "{intel:#?}");
    let a = intel[0];
    assert_eq!(a["alertType"], "intel-malicious-address");
    assert_eq!(a["hostname"], "deb-bastion");
    assert_eq!(a["severity"], "High", "the indicator's severity");
    assert_eq!(a["entities"]["sourceAddress"], "192.0.2.200");
    assert!(a["entities"]["indicatorSource"]
        .as_str()
        .unwrap()
        .ends_with("feed.stix.json#indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
    assert_eq!(r["intel"]["indicators"], 1);
    assert_eq!(
        r["intel"]["unsupported"][0]["indicator"],
        "indicator--c1f2a7a0-6a51-4a0e-9f1f-2d8f7b4b2e01"
    );
    let warning = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "posture::intel::unsupported")
        .expect("a warning for the unsupported pattern");
    assert!(warning["message"]
        .as_str()
        .unwrap()
        .contains("indicator--c1f2a7a0-6a51-4a0e-9f1f-2d8f7b4b2e01"));
    assert_eq!(
        warning["file"],
        "tests/fixtures/alerts/intel/feed.stix.json"
    );
    assert!(warning["line"].as_u64().is_some());
    assert!(r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["kind"] == "intel"));
    // The other alerts do not change.
    let plain = crate::support::json(&assess_hosts(&["-f", "json"]));
    assert_eq!(kinds(&r).len(), kinds(&plain).len() + 1);
}

#[test]
fn csv_intelligence_matches_a_process_hash_and_a_command_line_domain() {
    let r = crate::support::json(&assess_hosts(&[
        "--intel",
        "tests/fixtures/alerts/intel/iocs.csv",
        "-f",
        "json",
    ]));
    let mut intel: Vec<(String, String)> = r["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["source"] == "intel")
        .map(|a| {
            (
                a["alertType"].as_str().unwrap().to_string(),
                a["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    intel.sort();
    assert_eq!(
        intel,
        vec![
            (
                "intel-malicious-command-line".to_string(),
                "Medium".to_string()
            ),
            ("intel-malicious-file".to_string(), "High".to_string()),
        ]
    );
}

#[test]
fn three_earlier_snapshots_a_new_port_and_a_new_admin_give_one_anomaly_each_and_nothing_else() {
    let run = posture(&[
        "assess",
        "tests/fixtures/alerts/history-current",
        "--history",
        "tests/fixtures/alerts/history",
        "--now",
        NOW,
        "-f",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let r = crate::support::json(&run);
    let alerts = r["alerts"].as_array().unwrap();
    let got: Vec<(&str, &str)> = alerts
        .iter()
        .map(|a| {
            (
                a["alertType"].as_str().unwrap(),
                a["source"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("anomaly-new-listening-port", "anomaly"),
            ("anomaly-new-local-admin", "anomaly")
        ]
    );
    let window = "the 3 earlier snapshots from 2026-11-22T23:00:00Z to 2026-11-24T23:00:00Z";
    for a in alerts {
        assert!(a["message"].as_str().unwrap().contains(window), "{a}");
    }
    assert_eq!(alerts[0]["entities"]["port"], 8443);
    assert_eq!(alerts[0]["entities"]["process"], "java");
    assert_eq!(alerts[1]["entities"]["account"], "svc-ci");
    assert_eq!(r["machines"][0]["historySnapshots"], 3);
    let history_inputs = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "agent-history")
        .count();
    assert_eq!(history_inputs, 3);
    // Without the history nothing is new.
    let alone = crate::support::json(&posture(&[
        "assess",
        "tests/fixtures/alerts/history-current",
        "--now",
        NOW,
        "-f",
        "json",
    ]));
    assert_eq!(alone["alerts"].as_array().unwrap().len(), 0);
}

#[test]
fn the_alert_gate_reads_the_config_and_refuses_a_bad_severity() {
    let dir = temp_with(&[("posture.yaml", "gate:\n  fail_on_alert: high\n")]);
    let config = dir.path().join("posture.yaml");
    let run = assess_hosts(&["--config", config.to_str().unwrap(), "-q"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("fail-on-alert high: 4 High alerts"),
        "{}",
        run.stdout
    );
    // The flag overrides the file.
    let db = posture(&[
        "assess",
        "tests/fixtures/alerts/hosts/db-01.json",
        "--now",
        NOW,
        "--config",
        config.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(db.code, 0, "{}", db.transcript());
    let bad = temp_with(&[("posture.yaml", "gate:\n  fail_on_alert: urgent\n")]);
    let run = assess_hosts(&[
        "--config",
        bad.path().join("posture.yaml").to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(run.code, 2, "{}", run.transcript());
}

#[test]
fn every_bundled_detection_has_tactics_techniques_and_at_least_four_tests() {
    let run = posture(&["policies", "list", "-f", "json"]);
    let list: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let detections: Vec<&serde_json::Value> =
        list.iter().filter(|p| p["kind"] == "alert").collect();
    assert!(detections.len() >= 14, "{} detections", detections.len());
    let root = crate::support::root();
    for d in detections {
        let id = d["id"].as_str().unwrap();
        assert!(!d["tactics"].as_array().unwrap().is_empty(), "{id}");
        assert!(!d["techniques"].as_array().unwrap().is_empty(), "{id}");
        let path = d["path"]
            .as_str()
            .unwrap()
            .replace("<bundled>/", "policies/");
        assert!(path.starts_with("policies/alerts/"), "{path}");
        let tests =
            std::fs::read_to_string(root.join(path.replace(".rego", "_test.rego"))).unwrap();
        let n = tests.lines().filter(|l| l.starts_with("test_")).count();
        assert!(n >= 4, "{id} has {n} tests");
    }
}

#[test]
fn collect_on_this_machine_validates_with_the_new_sections() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snapshot.json");
    let run = posture(&["collect", "--now", NOW, "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let valid = posture(&["validate", out.to_str().unwrap()]);
    assert_eq!(valid.code, 0, "{}", valid.transcript());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    for section in ["processes", "network"] {
        assert!(doc[section]["status"].is_string(), "{section}");
    }
    for key in ["privilege", "accountChanges", "shellHistory"] {
        assert!(doc["events"].get(key).is_some(), "{key}");
    }
}

#[test]
fn reports_with_alerts_intel_and_history_match_the_report_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/report.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for run in [
        assess_hosts(&[
            "-f",
            "json",
            "--intel",
            "tests/fixtures/alerts/intel/feed.stix.json",
            "--intel",
            "tests/fixtures/alerts/intel/iocs.csv",
        ]),
        posture(&[
            "assess",
            "tests/fixtures/alerts/history-current",
            "--history",
            "tests/fixtures/alerts/history",
            "--now",
            NOW,
            "-f",
            "json",
        ]),
    ] {
        let report = crate::support::json(&run);
        assert!(!report["alerts"].as_array().unwrap().is_empty());
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}
