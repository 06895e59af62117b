//! The fast path (regorus's RVM, shared library tables, several threads) and the plain
//! interpreter on one thread must give the same report, byte for byte.

use std::path::Path;

use crate::support::posture;

const NOW: &str = "2026-11-26T00:00:00Z";

/// The JSON report of `posture assess INPUTS...` (inputs and their options) with the given
/// engine and thread count.
fn report(inputs: &[&str], out: &Path, engine: &str, jobs: &str) -> Vec<u8> {
    let out_arg = out.display().to_string();
    let mut args = vec!["assess"];
    args.extend(inputs);
    args.extend([
        "-f", "json", "-o", &out_arg, "--now", NOW, "--engine", engine, "--jobs", jobs,
    ]);
    let run = posture(&args);
    // 1 is a failed gate (the sample estate has some); 2 would mean the run is untrusted.
    assert!(run.code == 0 || run.code == 1, "{}", run.transcript());
    std::fs::read(out).unwrap()
}

/// The report's recommendation with this id.
fn recommendation<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    let recs = report["recommendations"].as_array().unwrap();
    recs.iter().find(|x| x["id"] == id).unwrap()
}

/// Asserts both reports are equal and judge something: every policy evaluated, findings
/// in both states.
fn assert_same(fast: &[u8], plain: &[u8], resources: u64) {
    let r: serde_json::Value = serde_json::from_slice(plain).unwrap();
    assert_eq!(r["resourceCount"].as_u64(), Some(resources));
    let recs = r["recommendations"].as_array().unwrap();
    assert!(recs.len() >= 50, "{} recommendations", recs.len());
    let states: std::collections::BTreeSet<&str> = recs
        .iter()
        .flat_map(|x| x["resources"].as_array().unwrap())
        .filter_map(|f| f["state"].as_str())
        .collect();
    assert!(
        states.contains("healthy") && states.contains("unhealthy"),
        "{states:?}"
    );
    assert!(
        r["errors"].as_array().is_none_or(Vec::is_empty),
        "{}",
        r["errors"]
    );
    if fast != plain {
        let f: serde_json::Value = serde_json::from_slice(fast).unwrap();
        for (a, b) in recs.iter().zip(f["recommendations"].as_array().unwrap()) {
            assert_eq!(a, b, "recommendation {} differs", a["id"]);
        }
        panic!("the reports differ outside the recommendations");
    }
}

#[test]
fn rvm_and_interpreter_agree_on_the_examples() {
    let tmp = tempfile::tempdir().unwrap();
    let examples = crate::support::root().join("examples");
    let examples = examples.display().to_string();
    let plain = report(
        &[&examples],
        &tmp.path().join("plain.json"),
        "interpreter",
        "1",
    );
    let fast = report(&[&examples], &tmp.path().join("fast.json"), "rvm", "2");
    let count = serde_json::from_slice::<serde_json::Value>(&plain).unwrap()["resourceCount"]
        .as_u64()
        .unwrap();
    assert_same(&fast, &plain, count);
}

#[test]
fn rvm_and_interpreter_agree_on_a_generated_estate_of_20000_resources() {
    let tmp = tempfile::tempdir().unwrap();
    let estate = tmp.path().join("estate");
    let dir = estate.display().to_string();
    let gen = posture(&[
        "bench",
        "generate",
        "--resources",
        "20000",
        "--machines",
        "200",
        "--seed",
        "7",
        "-o",
        &dir,
    ]);
    assert_eq!(gen.code, 0, "{}", gen.transcript());
    let plain = report(&[&dir], &tmp.path().join("plain.json"), "interpreter", "1");
    let fast = report(&[&dir], &tmp.path().join("fast.json"), "rvm", "2");
    // Every snapshot attaches to a generated VM, so no machine resources are added.
    assert_same(&fast, &plain, 20_000);
}

/// Detections run on the RVM too: the alert fixtures (with threat intelligence, and a host
/// with earlier snapshots for the anomaly detections) give the same report either way.
#[test]
fn rvm_and_interpreter_agree_on_detections() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str]); 2] = [
        (
            "tests/fixtures/alerts/hosts",
            &[
                "--intel",
                "tests/fixtures/alerts/intel/feed.stix.json",
                "--intel",
                "tests/fixtures/alerts/intel/iocs.csv",
            ],
        ),
        (
            "tests/fixtures/alerts/history-current",
            &["--history", "tests/fixtures/alerts/history"],
        ),
    ];
    for (i, (input, extra)) in cases.iter().enumerate() {
        let mut inputs = vec![*input];
        inputs.extend(extra.iter());
        let run = |engine: &str, jobs: &str| {
            report(
                &inputs,
                &tmp.path().join(format!("{i}-{engine}.json")),
                engine,
                jobs,
            )
        };
        let plain = run("interpreter", "1");
        let fast = run("rvm", "2");
        let report: serde_json::Value = serde_json::from_slice(&plain).unwrap();
        let alerts = report["alerts"].as_array().unwrap();
        assert!(alerts.len() >= 2, "{input}: {} alerts", alerts.len());
        assert!(
            report["errors"].as_array().is_none_or(Vec::is_empty),
            "{}",
            report["errors"]
        );
        if fast != plain {
            let f: serde_json::Value = serde_json::from_slice(&fast).unwrap();
            assert_eq!(report["alerts"], f["alerts"], "{input}: alerts differ");
            panic!("{input}: the reports differ outside the alerts");
        }
    }
}

/// The agent fixtures hold what generated estates lack: hardened, neglected, Windows, stale
/// and minimal hosts, so every kind of OS baseline rule passes, fails or is unknown somewhere.
/// (A file rule's finding was lost on the RVM once, and only this comparison shows it.)
#[test]
fn rvm_and_interpreter_agree_on_the_agent_fixtures() {
    let tmp = tempfile::tempdir().unwrap();
    let agents: Vec<String> = [
        "debian-hardened",
        "debian-stale",
        "linux-minimal",
        "linux-web-01",
        "ubuntu-neglected",
        "windows-app-01",
    ]
    .iter()
    .map(|host| format!("tests/fixtures/agents/{host}.json"))
    .collect();
    let mut inputs = vec!["tests/fixtures/estate/inventory.json"];
    for a in &agents {
        inputs.extend(["--agents", a.as_str()]);
    }
    let run = |engine: &str, jobs: &str| {
        report(
            &inputs,
            &tmp.path().join(format!("{engine}.json")),
            engine,
            jobs,
        )
    };
    let plain = run("interpreter", "1");
    let fast = run("rvm", "2");
    let r: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    let baseline = recommendation(&r, "machine-os-baseline").to_string();
    for finding in ["[linux-etc-shadow-perms]", "[windows-", "unknown:"] {
        assert!(baseline.contains(finding), "{finding} missing: {baseline}");
    }
    let count = r["resourceCount"].as_u64().unwrap();
    assert_same(&fast, &plain, count);
}

/// The shared NSG tables are computed in Rust only while the network library is the
/// bundled one: a user module that extends `posture.lib.net` (here: a private range counted
/// as the Internet) must be honoured by the NSG policies, which the Rust copy would not do.
#[test]
fn a_user_extension_of_the_network_library_turns_the_native_tables_off() {
    let nsg = r#"[{
      "id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-corp",
      "name": "nsg-corp",
      "type": "Microsoft.Network/networkSecurityGroups",
      "location": "westeurope",
      "properties": {"securityRules": [{"name": "ssh-from-corp", "properties": {
        "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
        "sourceAddressPrefix": "10.0.0.0/8", "sourcePortRange": "*",
        "destinationAddressPrefix": "*", "destinationPortRange": "22"}}]}
    }]"#;
    let extension = "package posture.lib.net\n\n\
        internet_prefix(s) if s == \"10.0.0.0/8\"\n\n\
        _maybe_internet(r) if contains(json.marshal(r), \"10.0.0.0/8\")\n";
    let dir = crate::support::temp_with(&[("inv/nsg.json", nsg), ("pol/corp.rego", extension)]);
    let inv = dir.path().join("inv").display().to_string();
    let pol = dir.path().join("pol").display().to_string();
    let state = |extra: &[&str]| {
        let mut args = vec![
            "assess",
            inv.as_str(),
            "-f",
            "json",
            "--now",
            NOW,
            "--jobs",
            "2",
        ];
        args.extend(extra);
        let run = posture(&args);
        let r = crate::support::json(&run);
        assert!(
            r["errors"].as_array().is_some_and(Vec::is_empty),
            "{}",
            run.transcript()
        );
        r["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == "nsg-management-ports-internet")
            .map(|x| x["resources"][0]["state"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(state(&[]), "healthy");
    assert_eq!(state(&["--policies", pol.as_str()]), "unhealthy");
}

/// A user policy whose function has a default (`default f(_) := ...`) is judged with the
/// default applied, on the default engine as on the interpreter: regorus's VM never
/// applied a function's default (its calls came out undefined), so its compiler refuses
/// such a function (POSTURE-PATCH.md item 28) and posture runs the policy on the
/// interpreter.
#[test]
fn a_function_default_is_applied_on_every_engine() {
    let widgets = r#"[
      {"id": "/subscriptions/s/resourceGroups/rg/providers/Contoso.Test/widgets/a", "type": "Contoso.Test/widgets", "name": "a", "properties": {"level": 3}},
      {"id": "/subscriptions/s/resourceGroups/rg/providers/Contoso.Test/widgets/b", "type": "Contoso.Test/widgets", "name": "b", "properties": {"level": 0}}
    ]"#;
    let policy = "# METADATA\n# title: Widgets should have a level\n# description: d\n\
        # scope: package\n# custom:\n#   id: widget-level\n#   severity: Low\n\
        #   control: encrypt-data-in-transit\n#   resource_types: [Contoso.Test/widgets]\n\
        #   remediation: r\npackage fixture.widget_level\n\n\
        default grade(_) := \"none\"\n\ngrade(n) := \"some\" if n > 0\n\n\
        deny contains {\"resource\": r.id, \"message\": sprintf(\"grade %s\", [grade(r.properties.level)])} if {\n\
        \tsome r in input.resources\n\tgrade(r.properties.level) == \"none\"\n}\n";
    let dir = crate::support::temp_with(&[("inv/w.json", widgets), ("pol/level.rego", policy)]);
    let inv = dir.path().join("inv").display().to_string();
    let pol = dir.path().join("pol").display().to_string();
    let findings = |engine: &str| {
        let run = posture(&[
            "assess",
            inv.as_str(),
            "--no-default-policies",
            "--policies",
            pol.as_str(),
            "-f",
            "json",
            "--now",
            NOW,
            "--engine",
            engine,
        ]);
        let r = crate::support::json(&run);
        assert!(
            r["errors"].as_array().is_some_and(Vec::is_empty),
            "{}",
            run.transcript()
        );
        recommendation(&r, "widget-level")["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {} {}", f["name"], f["state"], f["message"]))
            .collect::<Vec<_>>()
    };
    let want = vec![
        "\"b\" \"unhealthy\" \"grade none\"".to_string(),
        "\"a\" \"healthy\" null".to_string(),
    ];
    assert_eq!(findings("interpreter"), want);
    assert_eq!(findings("rvm"), want);
}

/// The same generated estate as JSON Lines and as `{"value": [...]}` documents (read with
/// their lists in pieces, each resource placed while parsing) gives the same report, but
/// for the input files and each resource's line, one further down in a document.
#[test]
fn an_estate_as_json_documents_assesses_as_the_same_estate_as_json_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let assess = |shape: &str| {
        let dir = tmp.path().join(shape).display().to_string();
        let gen = posture(&[
            "bench",
            "generate",
            "--resources",
            "3000",
            "--machines",
            "30",
            "--seed",
            "5",
            "--shape",
            shape,
            "-o",
            &dir,
        ]);
        assert_eq!(gen.code, 0, "{}", gen.transcript());
        let out = tmp.path().join(format!("{shape}.json"));
        let mut r: serde_json::Value =
            serde_json::from_slice(&report(&[&dir], &out, "rvm", "2")).unwrap();
        let inputs = r["inputs"].take();
        (r, inputs)
    };
    let (mut lines, line_inputs) = assess("ndjson");
    let (docs, doc_inputs) = assess("json");
    assert_eq!(docs["resourceCount"].as_u64(), Some(3000));
    let kinds = |inputs: &serde_json::Value| {
        inputs
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["kind"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&doc_inputs), kinds(&line_inputs));
    // Resource lines: line n of an NDJSON file is line n + 1 of its document.
    let mut placed = 0;
    for rec in lines["recommendations"].as_array_mut().unwrap() {
        for res in rec["resources"].as_array_mut().unwrap() {
            let loc = &mut res["location"];
            if let Some(file) = loc["file"].as_str() {
                if file.ends_with(".ndjson") {
                    loc["file"] = file.replace(".ndjson", ".json").into();
                    loc["line"] = (loc["line"].as_u64().unwrap() + 1).into();
                    placed += 1;
                }
            }
        }
    }
    assert!(placed > 3000, "{placed} resource rows placed");
    // The estates' folders differ by name only (snapshot sources, resource files).
    let lines: serde_json::Value =
        serde_json::from_str(&lines.to_string().replace("/ndjson/", "/json/")).unwrap();
    for (key, value) in lines.as_object().unwrap() {
        assert!(&docs[key] == value, "{key} differs");
    }
    assert_eq!(lines, docs);
}
