//! The progress bar on a real terminal. Tests otherwise never give posture a terminal, and
//! a bar drawn from another thread once hung posture there (main held the stderr lock), so
//! this runs it under a pseudo-terminal made by util-linux `script`.

use std::process::Command;

use crate::support::{have, root};

// util-linux `script` (Linux's flags) makes the pseudo-terminal.
#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_the_bar_is_drawn_and_the_run_completes() {
    assert!(
        have("script") && have("timeout"),
        "util-linux `script` and coreutils `timeout` are needed to give posture a terminal"
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.json");
    let command = format!(
        "{} assess examples -f json -o {} --now 2026-11-26T00:00:00Z",
        env!("CARGO_BIN_EXE_posture"),
        out.display()
    );
    // `timeout`: a hang (the old bug) fails the test instead of stalling the suite.
    let run = Command::new("timeout")
        .args(["300", "script", "-qec", &command, "/dev/null"])
        .current_dir(root())
        // The bar at once, whatever this machine's speed; never in CI unless asked, so the
        // CI variable of the runner is removed.
        .env("POSTURE_PROGRESS_AFTER_MS", "0")
        .env_remove("CI")
        .env("TERM", "xterm")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&run.stdout);
    let code = run.status.code();
    assert!(
        code == Some(0) || code == Some(1),
        "exit {code:?} (124 is the timeout: posture hung on a terminal)\n{shown}"
    );
    // The bar's stage names and a rate (of the resources read, or of the resource checks),
    // drawn on the terminal. A short stage may go undrawn: the terminal's redraws are rate
    // limited.
    assert!(shown.contains("/s"), "no bar drawn:\n{shown}");
    assert!(
        ["load", "compile", "shared", "evaluate", "alerts", "score"]
            .iter()
            .any(|stage| shown.contains(stage)),
        "no stage named:\n{shown}"
    );
    // Reading shows the resources found; stages without a count show no "0/0".
    assert!(
        shown.contains(" resources, "),
        "no resources read:\n{shown}"
    );
    assert!(!shown.contains("0/0"), "an empty count drawn:\n{shown}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert!(report["resourceCount"].as_u64().unwrap() > 0);
}

#[test]
fn off_a_terminal_no_bar_is_drawn() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.json");
    let out_arg = out.display().to_string();
    let run = Command::new(env!("CARGO_BIN_EXE_posture"))
        .args([
            "assess",
            "examples",
            "-f",
            "json",
            "-o",
            &out_arg,
            "--now",
            "2026-11-26T00:00:00Z",
        ])
        .current_dir(root())
        .env("POSTURE_PROGRESS_AFTER_MS", "0")
        .env_remove("CI")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        !stderr.contains("/s"),
        "a bar on a redirected stderr:\n{stderr}"
    );
    assert!(out.exists());
}
