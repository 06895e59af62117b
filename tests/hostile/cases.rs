//! The cases, by kind of input.

use crate::{assess, repo, run_case, run_in, NOW};

const GOOD: &str =
    r#"{"id": "/subscriptions/s/resourceGroups/g/providers/A.B/c/x", "type": "A.B/c"}"#;

fn widget_policies() -> String {
    repo("tests/fixtures/one-policy/policies")
        .display()
        .to_string()
}

// ---- inventories -------------------------------------------------------------------------

#[test]
fn empty_file() {
    assess(&[("inv.json", b"")], "inv.json", &[])
        .expect(2, "inv.json")
        .output_only_on_success();
}

#[test]
fn whitespace_only() {
    assess(&[("inv.json", b"  \n\t \n")], "inv.json", &[])
        .expect(2, "inv.json")
        .output_only_on_success();
}

#[test]
fn truncated_json() {
    let text = format!("[{GOOD}, {{\"id\": \"/subscriptions/s/x\", \"ty");
    assess(&[("inv.json", text.as_bytes())], "inv.json", &[])
        .expect(2, "inv.json:1:")
        .output_only_on_success();
}

#[test]
fn trailing_garbage() {
    let text = format!("[{GOOD}]\n}} garbage");
    assess(&[("inv.json", text.as_bytes())], "inv.json", &[])
        .expect(2, "inv.json:2:")
        .output_only_on_success();
}

#[test]
fn invalid_utf8() {
    let mut bytes = format!("[{GOOD},\n").into_bytes();
    bytes.extend([0xff, 0xfe, b'x']);
    assess(&[("inv.json", &bytes)], "inv.json", &[])
        .expect(2, "inv.json:2:1")
        .says("UTF-8")
        .output_only_on_success();
}

#[test]
fn a_utf8_bom_is_accepted() {
    let mut bytes = vec![0xef, 0xbb, 0xbf];
    bytes.extend(format!("[{GOOD}]").bytes());
    let run = assess(&[("inv.json", &bytes)], "inv.json", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.output_only_on_success();
}

#[test]
fn utf16_file() {
    let text = format!("[{GOOD}]");
    let mut bytes = vec![0xff, 0xfe];
    for u in text.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    assess(&[("inv.json", &bytes)], "inv.json", &[])
        .expect(2, "inv.json")
        .says("UTF-16")
        .output_only_on_success();
}

#[test]
fn ten_thousand_nested_arrays() {
    let text = "[".repeat(10_000) + &"]".repeat(10_000);
    assess(&[("inv.json", text.as_bytes())], "inv.json", &[])
        .expect(2, "inv.json:1:")
        .output_only_on_success();
}

#[test]
fn a_one_megabyte_string_is_accepted() {
    let big = "x".repeat(1 << 20);
    let text = format!(
        r#"[{{"id": "/subscriptions/s/resourceGroups/g/providers/A.B/c/x", "type": "A.B/c", "properties": {{"blob": "{big}"}}}}]"#
    );
    let run = assess(&[("inv.json", text.as_bytes())], "inv.json", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.output_only_on_success();
}

#[test]
fn numbers_beyond_f64() {
    let text = format!(
        "[{GOOD},\n {{\"id\": \"/subscriptions/s/y\", \"type\": \"A.B/c\", \"n\": 1e999}}]"
    );
    assess(&[("inv.json", text.as_bytes())], "inv.json", &[])
        .expect(2, "inv.json:2:")
        .output_only_on_success();
}

#[test]
fn duplicate_object_keys_are_warned_and_the_last_is_kept() {
    let text = r#"[{"id": "/subscriptions/s/resourceGroups/g/providers/A.B/c/x", "type": "A.B/c",
  "id": "/subscriptions/s/resourceGroups/g/providers/A.B/c/y"}]"#;
    let run = assess(&[("inv.json", text.as_bytes())], "inv.json", &[]);
    run.expect(0, "inv.json:2:9")
        .says("appears more than once")
        .output_only_on_success();
}

#[test]
fn an_id_of_the_wrong_type() {
    let text = "[\n {\"id\": 42, \"type\": \"A.B/c\"}\n]";
    assess(&[("inv.json", text.as_bytes())], "inv.json", &[])
        .expect(2, "inv.json:2:9")
        .output_only_on_success();
}

#[test]
fn an_id_of_ten_thousand_characters_is_accepted() {
    let id = format!(
        "/subscriptions/s/resourceGroups/g/providers/A.B/c/{}",
        "n".repeat(10_000)
    );
    let text = format!(r#"[{{"id": "{id}", "type": "A.B/c"}}]"#);
    let run = assess(&[("inv.json", text.as_bytes())], "inv.json", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.output_only_on_success();
}

#[test]
fn data_null() {
    assess(
        &[("inv.json", br#"{"data": null, "count": 0}"#)],
        "inv.json",
        &[],
    )
    .expect(2, "inv.json:1:10")
    .output_only_on_success();
}

#[test]
fn ndjson_with_one_bad_line_fails_the_run_naming_the_line() {
    let text = format!("{GOOD}\n{{\"id\": \"/subscriptions/s/y\", \"type\": \n{GOOD}\n");
    assess(&[("inv.ndjson", text.as_bytes())], "inv.ndjson", &[])
        .expect(2, "inv.ndjson:2:")
        .output_only_on_success();
}

// ---- YAML --------------------------------------------------------------------------------

#[test]
fn a_billion_laughs_alias_bomb_is_refused_quickly() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, c) in "bcdefghi".chars().enumerate() {
        let prev = "abcdefgh".chars().nth(i).unwrap();
        text.push_str(&format!(
            "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    let start = std::time::Instant::now();
    assess(&[("bomb.yaml", text.as_bytes())], "bomb.yaml", &[])
        .expect(2, "bomb.yaml")
        .output_only_on_success();
    // Bounded, not a benchmark: a bomb that expands takes minutes and gigabytes.
    assert!(start.elapsed().as_secs() < 30);
}

#[test]
fn yaml_tags_are_accepted_and_ignored() {
    let text =
        "- id: !Sub /subscriptions/s/resourceGroups/g/providers/A.B/c/x\n  type: !!str A.B/c\n";
    let run = assess(&[("inv.yaml", text.as_bytes())], "inv.yaml", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.output_only_on_success();
}

#[test]
fn several_yaml_documents_are_each_an_inventory() {
    let text = "- id: /subscriptions/s/resourceGroups/g/providers/A.B/c/x\n  type: A.B/c\n---\n- id: /subscriptions/s/resourceGroups/g/providers/A.B/c/y\n  type: A.B/c\n";
    let run = assess(&[("inv.yaml", text.as_bytes())], "inv.yaml", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.dir.path().join("out.json")).unwrap())
            .unwrap();
    assert_eq!(report["resourceCount"], 2);
}

#[test]
fn tabs_in_yaml_indentation() {
    let text = "- id: /subscriptions/s/x\n\ttype: A.B/c\n";
    assess(&[("inv.yaml", text.as_bytes())], "inv.yaml", &[])
        .expect(2, "inv.yaml:2:")
        .output_only_on_success();
}

// ---- files and folders -------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_folder_with_a_symlink_loop() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inv");
    std::fs::create_dir(&inv).unwrap();
    std::fs::write(inv.join("a.json"), format!("[{GOOD}]")).unwrap();
    std::os::unix::fs::symlink(&inv, inv.join("loop")).unwrap();
    std::os::unix::fs::symlink(inv.join("self.json"), inv.join("self.json")).unwrap_or(());
    let run = run_in(
        dir,
        &[
            "assess", "inv", "--now", NOW, "-f", "json", "-o", "out.json",
        ],
    );
    assert!(!run.stderr.contains("panicked"));
    assert!(run.code == 0 || run.code == 2, "{}", run.stderr);
    if run.code == 2 {
        assert!(run.stderr.contains("self.json"), "{}", run.stderr);
    }
    run.output_only_on_success();
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_folder_is_not_followed_and_warned() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inv");
    std::fs::create_dir(&inv).unwrap();
    std::fs::write(inv.join("a.json"), format!("[{GOOD}]")).unwrap();
    std::fs::write(
        dir.path().join("secret.json"),
        r#"[{"id": "/subscriptions/s/outside", "type": "A.B/c"}]"#,
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.json"), inv.join("link.json")).unwrap();
    let run = run_in(
        dir,
        &[
            "assess", "inv", "--now", NOW, "-f", "json", "-o", "out.json",
        ],
    );
    run.expect(0, "link.json")
        .says("outside")
        .output_only_on_success();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.dir.path().join("out.json")).unwrap())
            .unwrap();
    assert_eq!(report["resourceCount"], 1, "the linked file was not read");
}

#[test]
fn an_unreadable_file() {
    // Root reads any mode, so use a file the kernel refuses to read whoever asks.
    let run = run_case(
        &[],
        &["assess", "/proc/self/mem", "--now", NOW, "-o", "out.json"],
    );
    run.expect(2, "/proc/self/mem")
        .says("cannot read")
        .output_only_on_success();
}

#[test]
fn a_folder_of_ten_thousand_small_files() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inv");
    std::fs::create_dir(&inv).unwrap();
    for i in 0..10_000 {
        std::fs::write(inv.join(format!("r{i:05}.json")), format!(r#"{{"id": "/subscriptions/s/resourceGroups/g/providers/A.B/c/r{i}", "type": "A.B/c"}}"#)).unwrap();
    }
    let run = run_in(
        dir,
        &[
            "assess", "inv", "--now", NOW, "-f", "json", "-o", "out.json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.dir.path().join("out.json")).unwrap())
            .unwrap();
    assert_eq!(report["resourceCount"], 10_000);
    assert_eq!(report["inputs"].as_array().unwrap().len(), 10_000);
}

#[test]
fn a_path_that_does_not_exist() {
    assess(&[], "no/such/inventory.json", &[])
        .expect(2, "no/such/inventory.json")
        .output_only_on_success();
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let run = run_in(
        dir,
        &["assess", "pipe.json", "--now", NOW, "-o", "out.json"],
    );
    run.expect(2, "pipe.json")
        .says("FIFO")
        .output_only_on_success();
}

// ---- policies ----------------------------------------------------------------------------

fn policy(id: &str, control: &str, body: &str) -> String {
    format!(
        "# METADATA\n# title: T\n# description: D\n# scope: package\n# custom:\n#   id: {id}\n#   severity: Low\n#   control: {control}\n#   resource_types: [Contoso.Test/widgets]\n#   remediation: R\npackage t.{}\n\n{body}\n",
        id.replace('-', "_")
    )
}

fn assess_policy(files: &[(&str, &[u8])], extra: &[&str]) -> crate::Run {
    let inv = repo("tests/fixtures/one-policy/inventory")
        .display()
        .to_string();
    let pol = widget_policies();
    let mut args = vec![
        "assess",
        inv.as_str(),
        "--no-default-policies",
        "--policies",
        "p",
        "--policies",
        pol.as_str(),
        "--now",
        NOW,
        "-f",
        "json",
        "-o",
        "out.json",
    ];
    args.extend(extra);
    run_case(files, &args)
}

#[test]
fn a_policy_syntax_error_shows_its_position() {
    let text = policy(
        "broken",
        "enable-mfa",
        "deny contains x if {\n\tx := [1, 2\n}",
    );
    assess_policy(&[("p/broken.rego", text.as_bytes())], &[])
        .expect(2, "p/broken.rego:1")
        .output_only_on_success();
}

#[test]
fn a_policy_runtime_error_fails_that_policy_only() {
    // Comparing values of different types is defined in Rego (as in OPA); a builtin given the
    // wrong type is the runtime type error: `count` of a boolean.
    let text = policy("type-error", "enable-mfa", "deny contains {\"resource\": r.id, \"message\": \"x\"} if {\n\tsome r in input.resources\n\tcount(r.properties.locked) > 0\n}");
    let run = assess_policy(&[("p/rt.rego", text.as_bytes())], &[]);
    run.expect(2, "type-error")
        .says("p/rt.rego:15:")
        .output_only_on_success();
}

#[test]
fn a_rule_that_explodes_is_stopped_by_the_evaluation_limit_and_the_others_run() {
    let text = policy(
        "explodes",
        "enable-mfa",
        "deny contains {\"resource\": r.id, \"message\": \"x\"} if {\n\tsome r in input.resources\n\tn := count([1 | some a in numbers.range(1, 4000); some b in numbers.range(1, 4000); a != b])\n\tn > 0\n}",
    );
    let files = [("p/explodes.rego", text.as_bytes())];
    let start = std::time::Instant::now();
    let run = assess_policy(&files, &["--eval-timeout", "0.5"]);
    run.expect(2, "p/explodes.rego")
        .says("time limit")
        .says("--eval-timeout")
        .output_only_on_success();
    assert!(start.elapsed().as_secs() < 20);
    // the other policy still ran: its recommendation is in the report on stdout? No: -o was
    // given, so check through a second run without -o.
    let inv = repo("tests/fixtures/one-policy/inventory")
        .display()
        .to_string();
    let pol = widget_policies();
    let dir = run.dir;
    let again = run_in(
        dir,
        &[
            "assess",
            inv.as_str(),
            "--no-default-policies",
            "--policies",
            "p",
            "--policies",
            pol.as_str(),
            "--now",
            NOW,
            "-f",
            "json",
            "--eval-timeout",
            "0.5",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    let ids: Vec<&str> = report["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["widget-locked"]);
}

#[test]
fn a_forbidden_builtin() {
    let text = policy("net", "enable-mfa", "deny contains {\"resource\": r.id, \"message\": x} if {\n\tsome r in input.resources\n\tx := http.send({\"url\": \"http://example.com\", \"method\": \"get\"})\n}");
    assess_policy(&[("p/net.rego", text.as_bytes())], &[])
        .expect(2, "p/net.rego:15:7")
        .says("http.send")
        .output_only_on_success();
}

#[test]
fn two_policies_with_the_same_id() {
    let a = policy("twin", "enable-mfa", "deny contains 1 if false");
    let b = a.replace("package t.twin", "package t.twin_two");
    assess_policy(
        &[("p/a.rego", a.as_bytes()), ("p/b.rego", b.as_bytes())],
        &[],
    )
    .expect(2, "p/b.rego:6:")
    .says("already used")
    .output_only_on_success();
}

#[test]
fn metadata_that_is_not_yaml() {
    let text = policy("bad-yaml", "enable-mfa", "deny contains 1 if false")
        .replace("# title: T", "# title: [unclosed");
    assess_policy(&[("p/y.rego", text.as_bytes())], &[])
        .expect(2, "p/y.rego:")
        .output_only_on_success();
}

#[test]
fn a_control_that_does_not_exist() {
    let text = policy("no-control", "enable-mfaa", "deny contains 1 if false");
    assess_policy(&[("p/c.rego", text.as_bytes())], &[])
        .expect(2, "p/c.rego:8:")
        .says("did you mean `enable-mfa`")
        .output_only_on_success();
}

// ---- config ------------------------------------------------------------------------------

fn assess_config(yaml: &str) -> crate::Run {
    let inv = repo("tests/fixtures/one-policy/inventory")
        .display()
        .to_string();
    let pol = widget_policies();
    run_case(
        &[("posture.yaml", yaml.as_bytes())],
        &[
            "assess",
            inv.as_str(),
            "--no-default-policies",
            "--policies",
            pol.as_str(),
            "--config",
            "posture.yaml",
            "--now",
            NOW,
            "-o",
            "out.json",
        ],
    )
}

#[test]
fn config_with_an_unknown_key() {
    assess_config("gate:\n  min_scor: 50\n")
        .expect(2, "posture.yaml:2:3")
        .says("did you mean `min_score`")
        .output_only_on_success();
}

#[test]
fn config_with_a_wrong_type() {
    assess_config("gate:\n  min_score: high\n")
        .expect(2, "posture.yaml:2:14")
        .output_only_on_success();
}

#[test]
fn an_exemption_without_a_reason() {
    assess_config("exemptions:\n  - policy: widget-locked\n    category: waiver\n")
        .expect(2, "posture.yaml:2:")
        .says("reason")
        .output_only_on_success();
}

#[test]
fn an_exemption_with_an_invalid_date() {
    assess_config("exemptions:\n  - policy: widget-locked\n    category: waiver\n    reason: r\n    expires: 2027-13-45\n")
        .expect(2, "posture.yaml:5:14")
        .says("not a date")
        .output_only_on_success();
}

// ---- outputs -----------------------------------------------------------------------------

#[test]
fn output_into_a_missing_folder() {
    let run = run_case(
        &[("inv.json", format!("[{GOOD}]").as_bytes())],
        &[
            "assess",
            "inv.json",
            "--now",
            NOW,
            "-o",
            "no/such/folder/out.json",
        ],
    );
    run.expect(2, "no/such/folder/out.json")
        .says("does not exist");
}

#[test]
fn output_onto_an_existing_file_without_force() {
    let run = run_case(
        &[
            ("inv.json", format!("[{GOOD}]").as_bytes()),
            ("out.json", b"precious"),
        ],
        &["assess", "inv.json", "--now", NOW, "-o", "out.json"],
    );
    run.expect(2, "out.json").says("--force");
    assert_eq!(
        std::fs::read(run.dir.path().join("out.json")).unwrap(),
        b"precious"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn output_to_dev_full_reports_the_write_error() {
    let run = run_case(
        &[("inv.json", format!("[{GOOD}]").as_bytes())],
        &[
            "assess",
            "inv.json",
            "--now",
            NOW,
            "-o",
            "/dev/full",
            "--force",
        ],
    );
    run.expect(2, "/dev/full").says("cannot write");
    let meta = std::fs::metadata("/dev/full").unwrap();
    assert!(!meta.is_file(), "the device is still a device");
}

#[cfg(unix)]
#[test]
fn stdout_closed_early_ends_quietly() {
    let examples = repo("examples").display().to_string();
    let bin = env!("CARGO_BIN_EXE_posture");
    let script = format!("set -o pipefail; '{bin}' assess '{examples}' --now {NOW} -f json | head -c 10 > /dev/null; echo \"status=${{PIPESTATUS[0]}}\" >&2");
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
    assert!(
        stderr.contains("status=0") || stderr.contains("status=1"),
        "{stderr}"
    );
}

// ---- more than the list asks -------------------------------------------------------------

#[test]
fn a_snapshot_with_a_bad_time() {
    let snap = br#"{"schemaVersion": "1", "kind": "posture-agent-snapshot",
 "collectedAt": "last tuesday", "agent": {"name": "x", "version": "1"},
 "host": {"hostname": "h", "os": {"family": "linux"}}}"#;
    assess(&[("snap.json", snap)], "snap.json", &[])
        .expect(2, "snap.json:2:17")
        .output_only_on_success();
}

#[test]
fn a_baseline_that_is_not_a_report() {
    assess(
        &[
            ("inv.json", format!("[{GOOD}]").as_bytes()),
            ("old.json", b"{\"hello\": 1}"),
        ],
        "inv.json",
        &["--baseline", "old.json"],
    )
    .expect(2, "old.json")
    .says("not a posture JSON report")
    .output_only_on_success();
}

#[test]
fn an_invalid_now() {
    assess(
        &[("inv.json", format!("[{GOOD}]").as_bytes())],
        "inv.json",
        &["--now", "2026-02-30T00:00:00Z"],
    )
    .expect(2, "--now")
    .output_only_on_success();
}

#[test]
fn a_resource_type_that_is_not_a_string() {
    let text = "[\n {\"id\": \"/subscriptions/s/x\", \"type\": [\"A.B/c\"]}\n]";
    assess(&[("inv.json", text.as_bytes())], "inv.json", &[])
        .expect(2, "inv.json:2:")
        .output_only_on_success();
}

#[test]
fn a_hostile_resource_name_is_data_not_markup() {
    let text = r#"[{"id": "/subscriptions/s/resourceGroups/g/providers/Contoso.Test/widgets/$(touch pwned)<script>", "type": "Contoso.Test/widgets", "name": "=cmd|'/c calc'!A1", "properties": {"locked": false}}]"#;
    let pol = widget_policies();
    let run = assess(
        &[("inv.json", text.as_bytes())],
        "inv.json",
        &["--no-default-policies", "--policies", pol.as_str()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.dir.path().join("pwned").exists());
}

#[test]
fn determinism_across_thread_counts() {
    let examples = repo("examples").display().to_string();
    let a = run_case(
        &[],
        &[
            "assess",
            examples.as_str(),
            "--now",
            NOW,
            "-f",
            "json",
            "--jobs",
            "1",
        ],
    );
    let b = run_case(
        &[],
        &[
            "assess",
            examples.as_str(),
            "--now",
            NOW,
            "-f",
            "json",
            "--jobs",
            "2",
        ],
    );
    let c = run_case(
        &[],
        &[
            "assess",
            examples.as_str(),
            "--now",
            NOW,
            "-f",
            "json",
            "--jobs",
            "7",
        ],
    );
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.stdout, c.stdout);
    assert!(a.stdout.len() > 1000);
}

#[test]
fn a_file_over_the_size_limit_is_refused_and_the_limit_can_be_raised() {
    let text = format!("[{GOOD}]");
    assess(
        &[("inv.json", text.as_bytes())],
        "inv.json",
        &["--max-file-size", "10"],
    )
    .expect(2, "inv.json")
    .says("--max-file-size")
    .output_only_on_success();
    let run = assess(
        &[("inv.json", text.as_bytes())],
        "inv.json",
        &["--max-file-size", "1K"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}
