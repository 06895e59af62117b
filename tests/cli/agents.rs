//! Agent snapshots in an assessment: attached to their VM, or machines of their own; the
//! newest per host used and the others named; freshness in the report.

use crate::support::{fixture, json, posture, snapshot};

const NOW: &str = "2026-11-26T00:00:00Z";

fn assess_estate(extra: &[&str]) -> crate::support::Run {
    let mut args = vec![
        "assess",
        "tests/fixtures/estate/inventory.json",
        "--agents",
        "tests/fixtures/estate/agents",
        "--no-default-policies",
        "--policies",
        "tests/fixtures/estate/policies",
        "--now",
        NOW,
    ];
    args.extend(extra);
    posture(&args)
}

#[test]
fn the_newest_snapshot_is_attached_to_its_vm_whatever_the_case_of_its_id() {
    let run = assess_estate(&["-f", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let r = json(&run);
    let rec = &r["recommendations"][0];
    let vm_a = rec["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"].as_str().unwrap().ends_with("/vm-a"))
        .unwrap();
    assert_eq!(vm_a["state"], "unhealthy", "{vm_a}");
    assert_eq!(
        vm_a["message"],
        "reboot pending (snapshot of 2026-11-25T20:00:00Z)"
    );
    // vm-b has no snapshot: outside the policy's `applicable`
    let vm_b = rec["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"].as_str().unwrap().ends_with("/vm-b"))
        .unwrap();
    assert_eq!(vm_b["state"], "not_applicable");
    let warnings: Vec<&str> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|w| w
            .contains("older snapshot of host vm-a (collected 2026-11-20T08:00:00Z) is not used")),
        "{warnings:#?}"
    );
}

#[test]
fn snapshots_of_unknown_hosts_become_machines_told_apart_by_machine_id() {
    let r = json(&assess_estate(&["-f", "json"]));
    let machines = r["machines"].as_array().unwrap();
    let ids: Vec<&str> = machines.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        vec![
            "/providers/Microsoft.HybridCompute/machines/build-01",
            "/providers/Microsoft.HybridCompute/machines/build-01-2",
            "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-a",
        ]
    );
    // ages at --now, and the two-day-old snapshot is stale (default freshness 24 h)
    assert_eq!(machines[0]["ageHours"], 42.0);
    assert_eq!(machines[0]["stale"], true);
    assert_eq!(machines[1]["ageHours"], 1.0);
    assert_eq!(machines[1]["stale"], false);
    assert_eq!(machines[2]["ageHours"], 4.0);
    let kinds: Vec<(&str, &str)> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["path"].as_str().unwrap(), i["kind"].as_str().unwrap()))
        .collect();
    assert!(
        kinds.contains(&(
            "tests/fixtures/estate/agents/onprem-1.json",
            "agent-snapshot"
        )),
        "{kinds:?}"
    );
    assert!(kinds.contains(&("tests/fixtures/estate/inventory.json", "inventory")));
}

#[test]
fn the_table_marks_stale_machines() {
    let run = assess_estate(&[]);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("build-01") && l.contains("2026-11-24"))
        .unwrap();
    assert!(line.contains("STALE"), "{line}");
    snapshot("agents__estate_table", &run.stdout, None);
}

#[test]
fn a_broken_snapshot_is_a_located_error() {
    let dir = crate::support::temp_with(&[(
        "bad.json",
        "{\"schemaVersion\": \"1\", \"kind\": \"posture-agent-snapshot\",\n \"collectedAt\": \"yesterday\",\n \"agent\": {\"name\": \"x\", \"version\": \"1\"},\n \"host\": {\"hostname\": \"h\", \"os\": {\"family\": \"linux\"}}}\n",
    )]);
    let run = posture(&[
        "assess",
        fixture("estate/inventory.json").to_str().unwrap(),
        "--agents",
        dir.path().join("bad.json").to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("bad.json:2:17"), "{}", run.stderr);
}

/// Every agent policy's state on four kinds of host, with the bundled library.
#[test]
fn agent_policies_on_hardened_neglected_windows_and_stale_hosts() {
    let run = posture(&[
        "assess",
        "tests/fixtures/estate/inventory.json",
        "--agents",
        "tests/fixtures/agents/debian-hardened.json",
        "--agents",
        "tests/fixtures/agents/ubuntu-neglected.json",
        "--agents",
        "tests/fixtures/agents/windows-app-01.json",
        "--agents",
        "tests/fixtures/agents/debian-stale.json",
        "-f",
        "json",
        "--now",
        NOW,
    ]);
    assert!(run.code <= 1, "{}", run.transcript());
    let r = json(&run);
    let mut lines = Vec::new();
    let mut state = std::collections::BTreeMap::new();
    for rec in r["recommendations"].as_array().unwrap() {
        let policy = rec["id"].as_str().unwrap();
        if !policy.starts_with("machine-") {
            continue;
        }
        for x in rec["resources"].as_array().unwrap() {
            let host = x["name"].as_str().unwrap();
            let s = x["state"].as_str().unwrap();
            state.insert((policy.to_string(), host.to_string()), s.to_string());
            lines.push(format!(
                "{policy} {host}: {s}\n    {}",
                x["message"].as_str().unwrap_or("")
            ));
        }
    }
    lines.sort();
    let get = |p: &str, h: &str| {
        state
            .get(&(p.to_string(), h.to_string()))
            .cloned()
            .unwrap_or_default()
    };
    let agent_policies = [
        "machine-agent-health",
        "machine-endpoint-protection-health",
        "machine-endpoint-protection-installed",
        "machine-os-baseline",
        "machine-reboot-pending",
        "machine-system-updates",
    ];
    for p in agent_policies {
        assert_eq!(
            get(p, "deb-hardened"),
            "healthy",
            "{p} on the hardened host"
        );
    }
    for p in [
        "machine-os-baseline",
        "machine-system-updates",
        "machine-reboot-pending",
        "machine-endpoint-protection-installed",
    ] {
        assert_eq!(
            get(p, "ubu-neglected"),
            "unhealthy",
            "{p} on the neglected host"
        );
    }
    assert_eq!(get("machine-agent-health", "deb-stale"), "unhealthy");
    assert_eq!(get("machine-agent-health", "ubu-neglected"), "healthy");
    assert_eq!(get("machine-os-baseline", "APP-01"), "unhealthy");
    assert_eq!(
        get("machine-endpoint-protection-health", "APP-01"),
        "unhealthy"
    );
    let neglected = lines
        .iter()
        .find(|l| l.starts_with("machine-os-baseline ubu-neglected"))
        .unwrap();
    for rule in [
        "[linux-etc-shadow-perms]",
        "[linux-sshd-permit-root-login]",
        "[linux-sshd-password-authentication]",
        "[linux-root-only-uid0]",
    ] {
        assert!(neglected.contains(rule), "{rule} missing: {neglected}");
    }
    snapshot("agents__four_hosts", &lines.join("\n"), None);
}

/// `posture collect` on the machine running the tests, then an assessment of the snapshot
/// with the bundled machine policies: structure, not this machine's values.
#[test]
fn collect_on_this_machine_then_assess_it() {
    let dir = tempfile::tempdir().unwrap();
    let host = dir.path().join("host.json");
    let run = posture(&["collect", "-o", host.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&host).unwrap()).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/agent-snapshot.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&snapshot)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(snapshot["kind"], "posture-agent-snapshot");
    for probe in snapshot["probes"].as_array().unwrap() {
        let status = probe["status"].as_str().unwrap();
        assert!(status == "ok" || status == "unknown", "{probe}");
        if status == "unknown" {
            assert!(
                probe["reason"].as_str().is_some_and(|r| !r.is_empty()),
                "an unknown probe says why: {probe}"
            );
        }
    }
    // writing again without --force keeps the file
    let again = posture(&["collect", "-o", host.to_str().unwrap()]);
    assert_eq!(again.code, 2);

    let now = snapshot["collectedAt"].as_str().unwrap().to_string();
    let assess = posture(&[
        "assess",
        "tests/fixtures/estate/inventory.json",
        "--agents",
        host.to_str().unwrap(),
        "-f",
        "json",
        "--now",
        &now,
    ]);
    assert!(assess.code <= 1, "{}", assess.transcript());
    let r = json(&assess);
    let hostname = snapshot["host"]["hostname"].as_str().unwrap();
    let machine = r["machines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["hostname"] == hostname)
        .unwrap();
    assert_eq!(machine["stale"], false);
    assert_eq!(machine["ageHours"], 0.0);
    let assessed: Vec<&str> = r["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|rec| rec["id"].as_str().unwrap().starts_with("machine-"))
        .filter(|rec| {
            rec["resources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["name"] == hostname)
        })
        .map(|rec| rec["id"].as_str().unwrap())
        .collect();
    for p in [
        "machine-agent-health",
        "machine-os-baseline",
        "machine-system-updates",
        "machine-endpoint-protection-installed",
    ] {
        assert!(
            assessed.contains(&p),
            "{p} did not assess the collected host: {assessed:?}"
        );
    }
}
