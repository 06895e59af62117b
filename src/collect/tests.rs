//! Whole-snapshot tests: the fixture hosts against snapshots and the schema, the real
//! machine against the schema, failure isolation, determinism, and the schema itself.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::*;

const NOW: &str = "2026-11-25T22:10:00Z";
const VM: &str = "/subscriptions/3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b/resourceGroups/rg-web-prod/providers/Microsoft.Compute/virtualMachines/vm-web-01";

/// Every probe the Linux collector records.
const PROBES: &[&str] = &[
    "accounts",
    "addresses",
    "auth-events",
    "authorized-keys",
    "empty-passwords",
    "endpoint-protection",
    "files",
    "kernel-modules",
    "listening-ports",
    "loaded-modules",
    "logging",
    "login-defs",
    "os",
    "packages",
    "privilege-events",
    "processes",
    "reboot-required",
    "services",
    "shell-history",
    "sshd",
    "sysctl",
    "updates",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fake(name: &str) -> FakeHost {
    let hosts = fixtures().join("hosts");
    FakeHost::from_manifest(hosts.join(name), &hosts.join(format!("{name}.fake.json"))).unwrap()
}

fn opts(run_commands: bool) -> CollectOptions {
    CollectOptions {
        root: PathBuf::from("/"),
        now: NOW.into(),
        resource_id: Some(VM.into()),
        run_commands,
    }
}

fn schema() -> Value {
    serde_json::from_str(crate::assets::schema("agent-snapshot").unwrap()).unwrap()
}

fn assert_valid(doc: &Value) {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema())
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn is_valid(doc: &Value) -> bool {
    jsonschema::validator_for(&schema()).unwrap().is_valid(doc)
}

fn probe<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no probe {name}"))
}

/// The snapshot with the agent version masked, so a version bump does not churn it.
fn snapshot(name: &str, mut doc: Value) {
    doc["agent"]["version"] = "[version]".into();
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_json_snapshot!(name, doc);
    });
}

#[test]
fn debian_fixture_matches_its_snapshot_and_the_schema() {
    let doc = collect(&opts(true), &fake("debian12"));
    assert_valid(&doc);
    for p in doc["probes"].as_array().unwrap() {
        assert_eq!(p["status"], "ok", "{p}");
    }
    // What detections need: processes with owner and hash, listening ports with their
    // process, sudo/su and account changes, shell history, admins, running daemons.
    let sshd = doc["processes"]["running"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pid"] == 812)
        .unwrap();
    assert_eq!(sshd["user"], "root");
    assert_eq!(sshd["exe"], "/usr/sbin/sshd");
    assert_eq!(sshd["sha256"].as_str().unwrap().len(), 64);
    let ssh_port = &doc["network"]["listening"][0];
    assert_eq!(
        (ssh_port["port"].as_u64(), ssh_port["process"].as_str()),
        (Some(22), Some("sshd"))
    );
    assert_eq!(
        doc["events"]["privilege"][0]["command"],
        "/usr/bin/apt-get update"
    );
    assert_eq!(
        doc["events"]["accountChanges"][0]["action"],
        "password-changed"
    );
    assert_eq!(
        doc["events"]["shellHistory"][0]["path"],
        "/home/deploy/.bash_history"
    );
    assert_eq!(
        doc["baseline"]["accounts"]["privilegedGroups"]["sudo"][0],
        "deploy"
    );
    assert_eq!(doc["baseline"]["logging"]["journaldRunning"], true);
    assert_eq!(doc["baseline"]["logging"]["auditdRunning"], false);
    // Password fields never leave the collector, even locked markers.
    let text = doc.to_string();
    assert!(!text.contains("!locked") && !text.contains("19700"));
    snapshot("collect__debian12", doc);
}

#[test]
fn rhel_fixture_as_an_unprivileged_user() {
    let doc = collect(&opts(true), &fake("rhel9"));
    assert_valid(&doc);
    for name in [
        "empty-passwords",
        "auth-events",
        "authorized-keys",
        "reboot-required",
    ] {
        let p = probe(&doc, name);
        if name == "reboot-required" {
            assert_eq!(p["status"], "ok");
        } else {
            assert_eq!(p["status"], "unknown", "{name}");
            assert!(p["reason"].as_str().unwrap().contains("run as root"), "{p}");
        }
    }
    snapshot("collect__rhel9", doc);
}

#[test]
fn an_unreadable_file_makes_only_its_probe_unknown() {
    let whole = collect(&opts(true), &fake("debian12"));
    let host = fake("debian12").deny("/etc/shadow");
    let doc = collect(&opts(true), &host);
    assert_valid(&doc);
    let shadow = probe(&doc, "empty-passwords");
    assert_eq!(shadow["status"], "unknown");
    assert_eq!(
        shadow["reason"],
        "cannot read /etc/shadow: permission denied (run as root for empty-password checks)"
    );
    assert_eq!(doc["baseline"]["accounts"]["emptyPassword"], Value::Null);
    assert_eq!(doc["baseline"]["accounts"]["status"], "ok");
    assert_eq!(
        doc["baseline"]["accounts"]["uid0"],
        whole["baseline"]["accounts"]["uid0"]
    );
    for name in PROBES.iter().filter(|n| **n != "empty-passwords") {
        assert_eq!(probe(&doc, name)["status"], "ok", "{name}");
    }
    assert_eq!(doc["baseline"]["sshd"], whole["baseline"]["sshd"]);
}

#[test]
fn a_section_whose_every_source_fails_is_unknown_with_reasons() {
    let host = fake("debian12").deny("/etc/login.defs").deny("/proc");
    let doc = collect(&opts(false), &host);
    assert_valid(&doc);
    let defs = &doc["baseline"]["loginDefs"];
    assert_eq!(defs["status"], "unknown");
    assert_eq!(
        defs["reason"],
        "cannot read /etc/login.defs: permission denied"
    );
    assert_eq!(defs["values"], Value::Null);
    assert_eq!(doc["baseline"]["sysctl"]["status"], "unknown");
    assert_eq!(doc["host"]["addresses"], Value::Null);
}

#[test]
fn without_commands_pending_updates_are_unknown_not_empty() {
    let doc = collect(&opts(false), &fake("debian12"));
    assert_valid(&doc);
    assert_eq!(doc["updates"]["pending"], Value::Null);
    assert_eq!(doc["updates"]["rebootRequired"], true);
    let p = probe(&doc, "updates");
    assert_eq!(p["status"], "unknown");
    assert!(p["reason"]
        .as_str()
        .unwrap()
        .contains("commands are disabled"));
}

#[test]
fn collecting_twice_gives_the_same_bytes() {
    let a = serde_json::to_string(&collect(&opts(true), &fake("debian12"))).unwrap();
    let b = serde_json::to_string(&collect(&opts(true), &fake("debian12"))).unwrap();
    assert_eq!(a, b);
}

#[test]
fn the_real_machine_gives_a_valid_snapshot_with_every_probe() {
    let doc = collect(&opts(true), &RealHost::new("/"));
    assert_valid(&doc);
    let names: Vec<&str> = doc["probes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, PROBES);
    for p in doc["probes"].as_array().unwrap() {
        match p["status"].as_str() {
            Some("ok") => assert!(p.get("reason").is_none(), "{p}"),
            Some("unknown") => assert!(!p["reason"].as_str().unwrap().is_empty(), "{p}"),
            other => panic!("bad status {other:?}"),
        }
    }
    for section in [
        &doc["updates"],
        &doc["endpointProtection"],
        &doc["events"],
        &doc["baseline"]["sshd"],
        &doc["baseline"]["sysctl"],
        &doc["baseline"]["files"],
        &doc["baseline"]["loginDefs"],
        &doc["baseline"]["accounts"],
        &doc["baseline"]["services"],
        &doc["baseline"]["kernelModules"],
        &doc["baseline"]["logging"],
        &doc["processes"],
        &doc["network"],
    ] {
        assert!(
            matches!(section["status"].as_str(), Some("ok" | "unknown")),
            "{section}"
        );
    }
    assert_eq!(doc["host"]["os"]["family"], "linux");
    // The test runner itself is running: the process list cannot be empty when readable.
    if doc["processes"]["status"] == "ok" {
        assert!(!doc["processes"]["running"].as_array().unwrap().is_empty());
    }
}

#[test]
fn the_example_snapshot_validates() {
    let text = std::fs::read_to_string(fixtures().join("agents/linux-web-01.json")).unwrap();
    assert_valid(&serde_json::from_str(&text).unwrap());
}

#[test]
fn a_windows_snapshot_validates() {
    let doc = serde_json::json!({
        "schemaVersion": "1",
        "kind": "posture-agent-snapshot",
        "collectedAt": "2026-11-25T22:10:00Z",
        "agent": {"name": "contoso-agent", "version": "2.3"},
        "host": {"hostname": "SQL-01", "os": {"family": "windows", "version": "10.0.20348"}},
        "endpointProtection": {"status": "ok", "products": [{
            "name": "Microsoft Defender Antivirus", "amServiceEnabled": true, "antispywareEnabled": true,
            "realTimeProtection": true, "behaviorMonitorEnabled": true, "ioavProtectionEnabled": false,
            "onAccessProtectionEnabled": true, "antivirusSignatureAgeDays": 9, "antispywareSignatureAgeDays": 9
        }]},
        "baseline": {
            "registry": [{"path": "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\WDigest", "name": "UseLogonCredential", "value": 0, "type": "REG_DWORD"}],
            "auditPolicy": {"Logon": "Success and Failure", "Credential Validation": "No Auditing"},
            "firewallProfiles": {"domain": {"enabled": true}, "private": {"enabled": true}, "public": {"enabled": false}},
            "accountPolicy": {"lockoutThreshold": 0, "minimumPasswordLength": 14},
            "accounts": {"status": "ok", "admins": ["CONTOSO\\admin", "SQL-01\\Administrator"]}
        },
        "events": {"status": "ok", "windows": [
            {"time": "2026-11-25T21:00:00Z", "eventId": 4625, "channel": "Security", "account": "CONTOSO\\admin", "data": {"IpAddress": "203.0.113.7", "LogonType": "3"}},
            {"time": "2026-11-25T21:05:00Z", "eventId": 4688, "channel": "Security", "account": "CONTOSO\\admin", "data": {"NewProcessName": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "CommandLine": "powershell -enc SQBFAFgA"}}
        ]},
        "processes": {"status": "ok", "running": [
            {"pid": 4120, "ppid": 812, "name": "powershell.exe", "user": "CONTOSO\\admin",
             "exe": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
             "commandLine": "powershell -enc SQBFAFgA", "sha256": null, "startTime": "2026-11-25T21:05:00Z"}
        ]},
        "network": {"status": "ok", "listening": [{"protocol": "tcp", "family": "ipv4", "address": "0.0.0.0", "port": 3389}]}
    });
    assert_valid(&doc);
}

#[test]
fn the_schema_rejects_what_it_should() {
    let good = collect(&opts(true), &fake("debian12"));
    let mut bad = good.clone();
    bad["surprise"] = 1.into();
    assert!(!is_valid(&bad), "unknown top-level key");
    let mut bad = good.clone();
    bad["baseline"]["sshd"]["status"] = "unknown".into();
    assert!(!is_valid(&bad), "unknown without reason");
    let mut bad = good.clone();
    bad["host"]["os"]["family"] = "beos".into();
    assert!(!is_valid(&bad), "family");
    let mut bad = good.clone();
    bad.as_object_mut().unwrap().remove("collectedAt");
    assert!(!is_valid(&bad), "collectedAt required");
    let mut bad = good.clone();
    bad["updates"]["pending"][0]["classification"] = "important".into();
    assert!(!is_valid(&bad), "classification");
    let mut ok = good;
    ok["baseline"]["sshd"]["futureField"] = true.into();
    assert!(is_valid(&ok), "sections are open for additions");
}

/// The schema is the documentation other agents write against.
#[test]
fn every_schema_property_is_described() {
    fn walk(node: &Value, path: &str, missing: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    for (name, prop) in props {
                        let under_defs = path.contains("$defs/section") || name == "status";
                        if prop.get("description").is_none() && !under_defs {
                            missing.push(format!("{path}/{name}"));
                        }
                    }
                }
                for (k, v) in map {
                    walk(v, &format!("{path}/{k}"), missing);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, path, missing)),
            _ => {}
        }
    }
    let mut missing = Vec::new();
    walk(&schema(), "", &mut missing);
    assert!(missing.is_empty(), "{missing:#?}");
}
