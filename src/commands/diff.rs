//! `posture diff OLD NEW`: the baseline comparison of two JSON reports, without assessing.

use std::fmt::Write as _;

use crate::baseline;
use crate::cli::{DiffArgs, DiffFormat};
use crate::commands::assess::read_report;
use crate::commands::{emit, Io};
use crate::diag::{Problem, Problems};
use crate::exit::ExitStatus;
use crate::report::{pct, BaselineDelta, FindingRef};
use crate::source::SourceMap;

/// Runs `posture diff`.
pub fn run(
    args: &DiffArgs,
    io: &mut Io<'_>,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> ExitStatus {
    let old = read_report(&args.old, sources, problems);
    let new = read_report(&args.new, sources, problems);
    let (Some(old), Some(new)) = (old, new) else {
        return ExitStatus::Error;
    };
    let delta = match baseline::compare(&old, &new, &args.old.display().to_string()) {
        Ok(d) => d,
        Err(e) => {
            problems.push(Problem::error(
                "posture::baseline::not_a_report",
                format!(
                    "{} or {} is not a posture JSON report: {} is missing ({})",
                    args.old.display(),
                    args.new.display(),
                    e.pointer,
                    e.expected
                ),
            ));
            return ExitStatus::Error;
        }
    };
    let text = match args.format {
        DiffFormat::Json => {
            let mut s = serde_json::to_string_pretty(&delta).unwrap_or_default();
            s.push('\n');
            s
        }
        DiffFormat::Text => render(&delta),
    };
    emit(io.stdout, text.as_bytes(), problems);
    let new_bad = args.fail_on_new.is_some_and(|sev| {
        delta
            .new_findings
            .iter()
            .any(|f| crate::model::Severity::parse(&f.severity).is_some_and(|s| s <= sev))
    });
    let dropped = args
        .max_score_drop
        .is_some_and(|max| -delta.overall.change > max);
    if new_bad || dropped {
        ExitStatus::GateFailed
    } else {
        ExitStatus::Success
    }
}

/// The delta as text.
pub fn render(d: &BaselineDelta) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Secure Score: {} -> {} ({:+.1} pts) against {} ({})",
        pct(d.overall.before),
        pct(d.overall.after),
        d.overall.change,
        d.path,
        d.assessed_at
    );
    let moved: Vec<_> = d
        .controls
        .iter()
        .filter(|c| c.change.abs() >= 0.005)
        .collect();
    if !moved.is_empty() {
        let _ = writeln!(s, "\nControls that moved:");
        for c in moved {
            let _ = writeln!(
                s,
                "  {:<40} {:.2} -> {:.2} ({:+.2})",
                c.id, c.before, c.after, c.change
            );
        }
    }
    let list = |s: &mut String, title: &str, items: &[FindingRef], previous: bool| {
        let _ = writeln!(s, "\n{title} ({}):", items.len());
        for f in items {
            let _ = writeln!(
                s,
                "  {:<6} {:<34} {}\n         {}",
                f.severity,
                f.policy,
                f.resource,
                f.message.as_deref().unwrap_or("")
            );
            if previous {
                if let Some(p) = &f.previous_message {
                    let _ = writeln!(s, "         was: {p}");
                }
            }
        }
    };
    list(&mut s, "New findings", &d.new_findings, false);
    list(&mut s, "Resolved findings", &d.resolved_findings, false);
    list(&mut s, "Changed findings", &d.changed_findings, true);
    let _ = writeln!(s, "\nUnchanged findings: {}", d.unchanged);
    s
}
