//! `posture assess` end to end: the examples, the score formula, config, gates, outputs.

use crate::support::{fixture, json, posture, posture_in, root, snapshot, temp_with};

const NOW: &str = "2026-11-26T00:00:00Z";

fn one_policy(extra: &[&str]) -> Vec<String> {
    let mut v = vec![
        "assess".to_string(),
        fixture("one-policy/inventory").display().to_string(),
        "--no-default-policies".into(),
        "--policies".into(),
        fixture("one-policy/policies").display().to_string(),
        "--now".into(),
        NOW.into(),
    ];
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn run_strs(args: &[String]) -> crate::support::Run {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    posture(&a)
}

#[test]
fn examples_table() {
    let run = posture(&["assess", "examples", "--now", NOW]);
    assert!(run.code == 0 || run.code == 1, "{}", run.transcript());
    assert!(run.stdout.starts_with("Secure Score: "), "{}", run.stdout);
    assert!(run
        .stdout
        .trim_end()
        .lines()
        .last()
        .unwrap_or("")
        .starts_with("Gate: "));
    snapshot("assess__examples_table", &run.stdout, None);
}

#[test]
fn examples_json_is_valid_against_the_report_schema() {
    let run = posture(&["assess", "examples", "--format", "json", "--now", NOW]);
    assert!(run.code == 0 || run.code == 1, "{}", run.transcript());
    let report = json(&run);
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/report.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report["assessedAt"], NOW);
    assert!(report["resourceCount"].as_u64().unwrap() >= 60);
    assert_eq!(
        report["errors"].as_array().unwrap().len(),
        0,
        "{}",
        run.stderr
    );
    // every input is listed with its hash
    for input in report["inputs"].as_array().unwrap() {
        assert_eq!(input["sha256"].as_str().unwrap().len(), 64);
    }
    snapshot("assess__examples_json", &run.stdout, None);
}

#[test]
fn examples_config_disables_a_policy_and_sets_a_parameter() {
    let run = posture(&["assess", "examples", "--format", "json", "--now", NOW]);
    let report = json(&run);
    let disabled: Vec<&serde_json::Value> = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["reason"] == "disabled by config")
        .collect();
    assert_eq!(disabled.len(), 1, "{:#?}", report["policies"]);
    let id = disabled[0]["id"].as_str().unwrap();
    assert!(
        !report["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == id),
        "a disabled policy must not be a recommendation"
    );
}

#[test]
fn same_inputs_give_byte_identical_json_whatever_the_thread_count() {
    let a = posture(&[
        "assess", "examples", "-f", "json", "--now", NOW, "--jobs", "1",
    ]);
    let b = posture(&[
        "assess", "examples", "-f", "json", "--now", NOW, "--jobs", "4",
    ]);
    let c = posture(&["assess", "examples", "-f", "json", "--now", NOW]);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.stdout, c.stdout);
    assert!(!a.stdout.is_empty());
}

#[test]
fn one_policy_and_three_resources_score_as_the_formula_predicts() {
    let run = run_strs(&one_policy(&["-f", "json"]));
    assert_eq!(run.code, 0, "{}", run.transcript());
    let r = json(&run);
    // control encrypt-data-in-transit (4 points): 2 healthy of 3 -> 4 * 2/3 points
    let overall = &r["score"]["overall"];
    assert_eq!(overall["max"], 4.0);
    assert_eq!(overall["current"], 2.6667);
    assert_eq!(overall["percentage"], 66.6667);
    let rec = &r["recommendations"][0];
    assert_eq!(rec["id"], "widget-locked");
    assert_eq!(rec["counts"]["unhealthy"], 1);
    assert_eq!(rec["counts"]["healthy"], 2);
    assert_eq!(rec["potentialGain"]["points"], 1.3333);
    assert_eq!(rec["potentialGain"]["percent"], 33.3333);
    assert_eq!(rec["resources"][0]["state"], "unhealthy");
    assert_eq!(rec["resources"][0]["message"], "widget is not locked");
    // the type was written in another case and still matched
    assert_eq!(rec["resources"][0]["type"], "contoso.test/WIDGETS");
    let controls = r["score"]["controls"].as_array().unwrap();
    let unavailable = controls.iter().filter(|c| c["available"] == false).count();
    assert_eq!(
        unavailable,
        controls.len() - 1,
        "only the policy's control counts"
    );
}

#[test]
fn several_subscriptions_use_the_weighted_mean() {
    let (inv, pol) = (fixture("two-subscriptions"), fixture("one-policy/policies"));
    let args = [
        "assess",
        inv.to_str().unwrap(),
        "--no-default-policies",
        "--policies",
        pol.to_str().unwrap(),
        "-f",
        "json",
        "--now",
        NOW,
    ];
    let run = posture(&args);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let r = json(&run);
    // subscription a: 1 healthy of 4 = 25 %, weight 4; subscription b: 1 of 1 = 100 %, weight 1
    let subs = r["score"]["subscriptions"].as_array().unwrap();
    assert_eq!(subs.len(), 2);
    assert_eq!(subs[0]["percentage"], 25.0);
    assert_eq!(subs[0]["weight"], 4.0);
    assert_eq!(subs[1]["percentage"], 100.0);
    assert_eq!(r["score"]["overall"]["percentage"], 40.0);
    let table = posture(
        &args[..args.len() - 4]
            .iter()
            .chain(["--now", NOW].iter())
            .copied()
            .collect::<Vec<_>>(),
    );
    assert!(
        table
            .stdout
            .contains("aaaaaaaa-0000-0000-0000-000000000001"),
        "{}",
        table.stdout
    );
}

#[test]
fn config_parameters_reach_the_policy() {
    let dir = temp_with(&[(
        "posture.yaml",
        "policies:\n  parameters:\n    widget-locked:\n      label: sealed\n",
    )]);
    let mut args = one_policy(&["-f", "json"]);
    args.push("--config".into());
    args.push(dir.path().join("posture.yaml").display().to_string());
    let run = run_strs(&args);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(
        json(&run)["recommendations"][0]["resources"][0]["message"],
        "widget is not sealed"
    );
}

#[test]
fn gates_set_the_exit_code_and_never_the_output() {
    let pass = run_strs(&one_policy(&["--min-score", "60"]));
    assert_eq!(pass.code, 0, "{}", pass.transcript());
    assert!(pass.stdout.trim_end().ends_with(')'), "{}", pass.stdout);
    let last = pass.stdout.trim_end().lines().last().unwrap().to_string();
    assert!(last.starts_with("Gate: passed"), "{last}");

    let fail = run_strs(&one_policy(&["--min-score", "70"]));
    assert_eq!(fail.code, 1);
    let last = fail.stdout.trim_end().lines().last().unwrap().to_string();
    assert!(
        last.starts_with("Gate: FAILED") && last.contains("66.7%"),
        "{last}"
    );

    let high = run_strs(&one_policy(&["--fail-on", "high"]));
    assert_eq!(high.code, 1);
    let low = run_strs(&one_policy(&[
        "--fail-on",
        "low",
        "--disable",
        "widget-locked",
    ]));
    assert_eq!(low.code, 0, "{}", low.transcript());

    // the report is the same whatever the gates
    let a = run_strs(&one_policy(&["-f", "json", "--fail-on", "high"]));
    let b = run_strs(&one_policy(&["-f", "json"]));
    let (mut ja, mut jb) = (json(&a), json(&b));
    ja.as_object_mut().unwrap().remove("gate");
    jb.as_object_mut().unwrap().remove("gate");
    assert_eq!(ja, jb);
}

#[test]
fn output_is_written_atomically_and_not_over_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let out_s = out.display().to_string();
    let first = run_strs(&one_policy(&["-f", "json", "-o", &out_s]));
    assert_eq!(first.code, 0, "{}", first.transcript());
    assert!(first.stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("\"widget-locked\""));

    std::fs::write(&out, "keep me").unwrap();
    let refused = run_strs(&one_policy(&["-f", "json", "-o", &out_s]));
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");

    let forced = run_strs(&one_policy(&["-f", "json", "-o", &out_s, "--force"]));
    assert_eq!(forced.code, 0);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), written);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "a temp file was left behind");

    let missing = run_strs(&one_policy(&[
        "-o",
        &dir.path().join("no/such/dir/r.txt").display().to_string(),
    ]));
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("does not exist"),
        "{}",
        missing.stderr
    );
}

#[test]
fn config_is_found_at_the_top_of_an_input_folder() {
    let examples = root().join("examples");
    let run = posture_in(&examples, &["assess", ".", "-f", "json", "--now", NOW]);
    let here = json(&run);
    let from_root = json(&posture(&[
        "assess", "examples", "-f", "json", "--now", NOW,
    ]));
    assert_eq!(here["policies"], from_root["policies"]);
}

#[test]
fn missing_data_is_never_counted_as_healthy() {
    let policy = "# METADATA\n# title: T\n# description: D\n# scope: package\n# custom:\n#   id: widget-known\n#   severity: Low\n#   control: encrypt-data-in-transit\n#   resource_types: [Contoso.Test/widgets]\n#   remediation: R\npackage t.known\n\ndeny contains {\"resource\": r.id, \"message\": \"unlocked\"} if {\n\tsome r in input.resources\n\tr.properties.locked == false\n}\n\nunknown contains {\"resource\": r.id, \"message\": \"unknown: no lock state\"} if {\n\tsome r in input.resources\n\tnot \"locked\" in object.keys(r.properties)\n}\n";
    let dir = temp_with(&[
        ("p/known.rego", policy),
        (
            "inv.json",
            r#"[{"id": "/subscriptions/s/resourceGroups/g/providers/Contoso.Test/widgets/a", "type": "Contoso.Test/widgets", "properties": {"locked": true}},
                {"id": "/subscriptions/s/resourceGroups/g/providers/Contoso.Test/widgets/b", "type": "Contoso.Test/widgets", "properties": {"locked": false}},
                {"id": "/subscriptions/s/resourceGroups/g/providers/Contoso.Test/widgets/c", "type": "Contoso.Test/widgets", "properties": {}}]"#,
        ),
    ]);
    let run = posture(&[
        "assess",
        dir.path().join("inv.json").to_str().unwrap(),
        "--no-default-policies",
        "--policies",
        dir.path().join("p").to_str().unwrap(),
        "-f",
        "json",
        "--now",
        NOW,
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let r = json(&run);
    let rec = &r["recommendations"][0];
    assert_eq!(rec["counts"]["healthy"], 1);
    assert_eq!(rec["counts"]["unhealthy"], 1);
    assert_eq!(rec["counts"]["notApplicable"], 1);
    let c = rec["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"].as_str().unwrap().ends_with("/c"))
        .unwrap();
    assert_eq!(c["state"], "not_applicable");
    assert_eq!(c["message"], "unknown: no lock state");
    // 1 healthy of 2 counted: the unknown one leaves the denominator
    assert_eq!(r["score"]["overall"]["percentage"], 50.0);
}

/// CSV, SARIF and Markdown of the sample estate: snapshots, the SARIF against the bundled
/// SARIF 2.1.0 schema, the CSV through Python's csv module.
#[test]
fn examples_in_every_export_format() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, sarif, md) = (
        dir.path().join("r.csv"),
        dir.path().join("r.sarif"),
        dir.path().join("r.md"),
    );
    let args: Vec<String> = vec![
        "assess".into(),
        "examples".into(),
        "--now".into(),
        NOW.into(),
        "-q".into(),
        "--states".into(),
        "unhealthy,exempt,healthy,not_applicable".into(),
        "-o".into(),
        format!("csv={}", csv.display()),
        "-o".into(),
        format!("sarif={}", sarif.display()),
        "-o".into(),
        format!("markdown={}", md.display()),
    ];
    let run = run_strs(&args);
    assert!(run.code <= 1, "{}", run.transcript());
    let (csv_text, sarif_text, md_text) = (
        std::fs::read_to_string(&csv).unwrap(),
        std::fs::read_to_string(&sarif).unwrap(),
        std::fs::read_to_string(&md).unwrap(),
    );

    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/sarif-2.1.0.schema.json")).unwrap();
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let log: serde_json::Value = serde_json::from_str(&sarif_text).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let rules: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let mut unique = rules.clone();
    unique.dedup();
    assert_eq!(rules, unique, "no duplicate rules");
    for result in log["runs"][0]["results"].as_array().unwrap() {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1, "{result}");
    }

    // Python's csv module reads back as many rows as the report has (recommendation, resource) pairs.
    let script = "import csv,sys,json\nrows=list(csv.DictReader(open(sys.argv[1],newline='',encoding='utf-8')))\nprint(json.dumps({'rows':len(rows),'first':rows[0]['recommendationId'],'cols':len(rows[0])}))";
    let out = std::process::Command::new("python3")
        .args(["-c", script, csv.to_str().unwrap()])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let report = json(&run_strs(&[
        "assess".into(),
        "examples".into(),
        "-f".into(),
        "json".into(),
        "--now".into(),
        NOW.into(),
    ]));
    let pairs: usize = report["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resources"].as_array().unwrap().len())
        .sum();
    assert_eq!(read["rows"].as_u64().unwrap() as usize, pairs);

    snapshot("assess__examples_csv", &csv_text, None);
    snapshot("assess__examples_sarif", &sarif_text, None);
    snapshot("assess__examples_markdown", &md_text, None);
}

/// Rows of one recommendation in the JSON report: (state, id).
fn rows_of(report: &serde_json::Value, rec: &str) -> Vec<(String, String)> {
    let recs = report["recommendations"].as_array().unwrap();
    let r = recs.iter().find(|r| r["id"] == rec).unwrap();
    r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["state"].as_str().unwrap().to_string(),
                x["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn rows_are_ordered_by_state_then_id_ignoring_ascii_case() {
    // Names whose raw order, ASCII-case-insensitive order and Unicode-lower-cased order
    // (the inventory's) differ: "B" < "a" raw, "éa" < "éb" lower-cased but "Éb" < "éa"
    // ignoring ASCII case only (both healthy, so compared). Without a non-ASCII id rows are
    // ordered by inventory position; with one, by comparing ids. An id with a non-ASCII
    // capital also has to be matched to the policy's verdicts (they were looked up by
    // ASCII lower case against Unicode-lower-cased keys: every storage policy failed).
    let account = |name: &str, https: bool| {
        serde_json::json!({
            "id": format!("/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/{name}"),
            "name": name,
            "type": "Microsoft.Storage/storageAccounts",
            "properties": {"supportsHttpsTrafficOnly": https}
        })
    };
    for names in [
        &["B", "a", "C", "d", "Aa", "b2"][..],
        &["B", "a", "éa", "Éc", "Éb", "d"][..],
    ] {
        let resources: Vec<serde_json::Value> = names
            .iter()
            .enumerate()
            .map(|(i, n)| account(n, i % 2 == 0))
            .collect();
        let text = serde_json::to_string(&resources).unwrap();
        let dir = temp_with(&[("inventory.json", &text)]);
        let run = posture(&[
            "assess",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
            "--now",
            NOW,
        ]);
        assert!(run.code == 0 || run.code == 1, "{}", run.transcript());
        let rows = rows_of(&json(&run), "storage-secure-transfer");
        assert_eq!(rows.len(), names.len(), "{rows:?}");
        let rank = |s: &str| {
            ["unhealthy", "exempt", "healthy", "not-applicable"]
                .iter()
                .position(|x| *x == s)
                .unwrap()
        };
        let mut expected = rows.clone();
        expected.sort_by_key(|(s, id)| (rank(s), id.to_ascii_lowercase()));
        assert_eq!(rows, expected, "{names:?}");
        assert_eq!(rows[0].0, "unhealthy", "{rows:?}");
    }
}
