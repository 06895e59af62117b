//! Every subcommand's --help, so a changed flag shows up in review.

use crate::support::{posture, snapshot};

#[test]
fn every_help_text() {
    for (name, args) in [
        ("help__posture", vec!["--help"]),
        ("help__assess", vec!["assess", "--help"]),
        ("help__validate", vec!["validate", "--help"]),
        ("help__diff", vec!["diff", "--help"]),
        ("help__collect", vec!["collect", "--help"]),
        ("help__bench_generate", vec!["bench", "generate", "--help"]),
        ("help__fix", vec!["fix", "--help"]),
        ("help__policies", vec!["policies", "--help"]),
        ("help__policies_list", vec!["policies", "list", "--help"]),
        ("help__policies_show", vec!["policies", "show", "--help"]),
        ("help__policies_test", vec!["policies", "test", "--help"]),
        ("help__policies_lint", vec!["policies", "lint", "--help"]),
    ] {
        let run = posture(&args);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert!(run.stdout.contains("Usage: posture"), "{name}");
        snapshot(name, &run.stdout, None);
    }
}

#[test]
fn usage_errors_exit_2() {
    let run = posture(&["assess"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("<INPUT>"), "{}", run.stderr);
    let run = posture(&["assess", "examples", "--fail-on", "critical"]);
    assert_eq!(run.code, 2);
}
