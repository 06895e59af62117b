//! The `markdown` format: a compact, GitHub-flavoured summary for CI job pages
//! (`$GITHUB_STEP_SUMMARY`) and pull-request comments.
//!
//! Responsibility: the score (and its change against a baseline), the gate outcome in the
//! table's words, the controls, the ten recommendations with the most to gain, new and
//! resolved findings against a baseline, and how many errors and warnings there were. It is a
//! summary, bounded in size whatever the estate: the JSON report has everything.
//!
//! Every text that comes from inputs or policies (names, ids, messages, titles, paths) goes
//! through [`escape`], so a resource named `x | <img src=...>` can neither break a table row
//! nor inject HTML into a pull-request comment.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::io;

use super::{
    gate_style, gate_summary, BaselineDelta, ControlScore, FindingRef, GateStyle, Recommendation,
    RenderOptions, Report, Reporter,
};

/// Recommendations listed: a summary, not the report.
const TOP_RECOMMENDATIONS: usize = 10;

/// Alerts listed before the rest is counted.
const MAX_ALERTS: usize = 20;

/// New findings listed before the rest is counted.
const MAX_NEW_FINDINGS: usize = 20;

/// Messages are cut here (in characters) so one verbose policy cannot flood a comment.
const MAX_MESSAGE: usize = 200;

/// Changes smaller than this read as "no change": they print as 0.0.
const NO_CHANGE: f64 = 0.05;

/// Gains below this print as `-` (they would round to zero).
const ZERO: f64 = 0.005;

/// Writes the Markdown summary.
#[derive(Debug, Clone, Copy)]
pub struct MarkdownReporter;

impl Reporter for MarkdownReporter {
    fn render(
        &self,
        report: &Report,
        _: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        out.write_all(summary(report).as_bytes())
    }
}

/// The whole document. Built in memory: it is small, and `write!` to a `String` cannot fail.
fn summary(report: &Report) -> String {
    let mut s = String::new();
    let overall = &report.score.overall;
    let _ = write!(
        s,
        "## posture: Secure Score {}",
        percent(overall.percentage)
    );
    if let Some(baseline) = &report.baseline {
        let _ = write!(s, " · {}", change(baseline.overall.change));
    }
    s.push_str("\n\n");

    let unhealthy = report
        .recommendations
        .iter()
        .filter(|r| r.counts.unhealthy > 0)
        .count();
    let _ = writeln!(
        s,
        "{:.2} of {:.2} points · {} resources assessed · {} of {} recommendations unhealthy · \
         assessed at {}",
        overall.current,
        overall.max,
        report.resource_count,
        unhealthy,
        report.recommendations.len(),
        escape(&report.assessed_at)
    );
    s.push('\n');

    let icon = match gate_style(&report.gate) {
        GateStyle::Passed => "✅ ",
        GateStyle::Failed => "❌ ",
        GateStyle::Error => "⚠️ ",
        GateStyle::NotConfigured => "",
    };
    let _ = writeln!(s, "{icon}{}", escape(&gate_summary(&report.gate)));

    write_controls(&mut s, &report.score.controls);
    write_recommendations(&mut s, &report.recommendations);
    write_alerts(&mut s, report);
    if let Some(baseline) = &report.baseline {
        write_baseline(&mut s, baseline);
    }

    let _ = writeln!(
        s,
        "\n**Diagnostics:** {}, {}",
        plural(report.errors.len(), "error"),
        plural(report.warnings.len(), "warning")
    );
    s
}

fn write_controls(s: &mut String, controls: &[ControlScore]) {
    // Controls with nothing assessed have no score to show; the table and JSON list them.
    let mut shown: Vec<&ControlScore> = controls.iter().filter(|c| c.available).collect();
    if shown.is_empty() {
        return;
    }
    // Stable: the biggest gain first, ties in catalogue order.
    shown.sort_by(|a, b| by_gain_desc(a.potential_gain.percent, b.potential_gain.percent));
    s.push_str("\n### Controls\n\n| Control | Score | Potential gain |\n| --- | ---: | ---: |\n");
    for c in shown {
        // Some controls carry no points (Defender's "best practices" kind): a ratio of 0 / 0
        // would read as a failing 0 %.
        let score = if c.max > 0.0 {
            format!(
                "{:.2} / {} ({})",
                c.current,
                compact(c.max),
                percent(c.current / c.max * 100.0)
            )
        } else {
            "not scored".to_string()
        };
        let gain = if c.potential_gain.points.abs() < ZERO {
            "-".to_string()
        } else {
            format!(
                "+{:.2} pts (+{})",
                c.potential_gain.points,
                percent(c.potential_gain.percent)
            )
        };
        let _ = writeln!(s, "| {} | {score} | {gain} |", escape(&c.name));
    }
}

fn write_recommendations(s: &mut String, recommendations: &[Recommendation]) {
    let mut unhealthy: Vec<&Recommendation> = recommendations
        .iter()
        .filter(|r| r.counts.unhealthy > 0)
        .collect();
    s.push_str("\n### Top recommendations\n\n");
    if unhealthy.is_empty() {
        s.push_str("No unhealthy resources.\n");
        return;
    }
    unhealthy.sort_by(|a, b| by_gain_desc(a.potential_gain.percent, b.potential_gain.percent));
    s.push_str(
        "| Severity | Recommendation | Unhealthy | Potential gain |\n| --- | --- | ---: | ---: |\n",
    );
    for r in unhealthy.iter().take(TOP_RECOMMENDATIONS) {
        let gain = if r.potential_gain.percent.abs() < ZERO {
            "-".to_string()
        } else {
            format!("+{:.2} %", r.potential_gain.percent)
        };
        let _ = writeln!(
            s,
            "| {} | {} ({}) | {} | {gain} |",
            escape(&r.severity),
            escape(&r.title),
            escape(&r.id),
            r.counts.unhealthy
        );
    }
    if unhealthy.len() > TOP_RECOMMENDATIONS {
        let more = unhealthy.len() - TOP_RECOMMENDATIONS;
        let _ = writeln!(
            s,
            "\nand {more} more {} (see the JSON or table report)",
            if more == 1 {
                "recommendation"
            } else {
                "recommendations"
            }
        );
    }
}

/// Security alerts, most severe first, bounded like the other lists. Nothing without
/// machines (alerts come only from agent snapshots).
fn write_alerts(s: &mut String, report: &Report) {
    if report.alerts.is_empty() {
        if !report.machines.is_empty() {
            s.push_str("\n### Security alerts\n\nNo security alerts.\n");
        }
        return;
    }
    let _ = write!(
        s,
        "\n### Security alerts\n\n{}\n\n| Severity | Alert | Machine | Start | Message |\n| --- | --- | --- | --- | --- |\n",
        escape(&super::table::alert_counts(&report.alerts))
    );
    for a in report.alerts.iter().take(MAX_ALERTS) {
        let _ = writeln!(
            s,
            "| {} | {} ({}) | {} | {} | {} |",
            escape(&a.severity),
            escape(&a.title),
            escape(&a.alert_type),
            escape(&a.hostname),
            escape(&a.start),
            escape(&truncate(&a.message, MAX_MESSAGE))
        );
    }
    if report.alerts.len() > MAX_ALERTS {
        let _ = writeln!(
            s,
            "\nand {} more (see the JSON or table report)",
            report.alerts.len() - MAX_ALERTS
        );
    }
}

fn write_baseline(s: &mut String, baseline: &BaselineDelta) {
    let _ = writeln!(
        s,
        "\n### Since the baseline\n\nCompared with {} (assessed at {}): {} new, {} resolved, {} \
         changed, {} unchanged.",
        escape(&baseline.path),
        escape(&baseline.assessed_at),
        baseline.new_findings.len(),
        baseline.resolved_findings.len(),
        baseline.changed_findings.len(),
        baseline.unchanged
    );
    if !baseline.new_findings.is_empty() {
        s.push_str("\n**New findings**\n\n");
        let mut new: Vec<&FindingRef> = baseline.new_findings.iter().collect();
        // Stable: the most severe first, the given order within a severity.
        new.sort_by_key(|f| severity_rank(&f.severity));
        for f in new.iter().take(MAX_NEW_FINDINGS) {
            let _ = write!(
                s,
                "- **{}** {} on {}",
                escape(&f.severity),
                escape(&f.policy),
                escape(&f.resource)
            );
            if let Some(m) = &f.message {
                let _ = write!(s, ": {}", escape(&truncate(m, MAX_MESSAGE)));
            }
            s.push('\n');
        }
        if new.len() > MAX_NEW_FINDINGS {
            let _ = writeln!(s, "- and {} more", new.len() - MAX_NEW_FINDINGS);
        }
    }
    let _ = writeln!(s, "\n**Resolved:** {}", baseline.resolved_findings.len());
}

/// Escapes what Markdown or HTML would interpret in text from inputs: table pipes, emphasis,
/// code, links, tags and the backslash itself (else `a\|b` would turn our `\|` back into a
/// cell break). Line breaks become spaces: a table row or list item is one line.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push(' ');
                }
            }
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The score change in percentage points: `▲ +2.1 pts`, `▼ -3.0 pts` or `no change`.
fn change(points: f64) -> String {
    if !points.is_finite() || points.abs() < NO_CHANGE {
        "no change".to_string()
    } else if points > 0.0 {
        format!("▲ {points:+.1} pts")
    } else {
        format!("▼ {points:+.1} pts")
    }
}

/// `57.9 %`.
fn percent(x: f64) -> String {
    format!("{x:.1} %")
}

/// Maximum points are usually whole: `4`, not `4.00`.
fn compact(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// At most `max` characters, an ellipsis marking a cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

fn severity_rank(severity: &str) -> u8 {
    match severity {
        "High" => 0,
        "Medium" => 1,
        "Low" => 2,
        _ => 3,
    }
}

/// Descending, NaN as zero, so a stable sort keeps ties in their given order.
fn by_gain_desc(a: f64, b: f64) -> Ordering {
    let key = |x: f64| if x.is_nan() { 0.0 } else { x + 0.0 };
    key(b).total_cmp(&key(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{load_error, sample};

    fn render(report: &Report) -> String {
        let mut out = Vec::new();
        MarkdownReporter
            .render(report, &RenderOptions::default(), &mut out)
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn heading_with_score_and_change() {
        let mut report = sample();
        assert!(render(&report).starts_with("## posture: Secure Score 57.9 % · ▲ +2.1 pts\n"));
        if let Some(b) = &mut report.baseline {
            b.overall.change = -3.0;
        }
        assert!(render(&report).starts_with("## posture: Secure Score 57.9 % · ▼ -3.0 pts\n"));
        if let Some(b) = &mut report.baseline {
            b.overall.change = 0.01;
        }
        assert!(render(&report).starts_with("## posture: Secure Score 57.9 % · no change\n"));
        report.baseline = None;
        assert!(render(&report).starts_with("## posture: Secure Score 57.9 %\n"));
    }

    #[test]
    fn gate_line_uses_the_table_wording() {
        let mut report = sample();
        let text = render(&report);
        let expected = format!("❌ {}", escape(&gate_summary(&report.gate)));
        assert!(text.lines().any(|l| l == expected), "{text}");
        assert!(text.contains("❌ Gate: FAILED (fail-on high: 3 unhealthy High findings)"));

        report.errors.push(load_error());
        report.gate.status = "error".into();
        report.gate.exit_code = 2;
        let text = render(&report);
        assert!(text.contains("⚠️ Gate: error (inputs or policies failed; exit 2)"));
        assert!(text.contains("**Diagnostics:** 1 error, 1 warning"));
    }

    #[test]
    fn controls_and_top_recommendations() {
        let text = render(&sample());
        assert!(text.contains(
            "| Restrict unauthorized network access | 2.00 / 4 (50.0 %) | +2.00 pts (+3.5 %) |"
        ));
        // Unavailable controls (nothing assessed) are left out.
        assert!(!text.contains("| Enable MFA |"));
        assert!(text.contains(
            "| High | Storage accounts should restrict network access \
             (storage-public-network) | 2 | +2.29 % |"
        ));
        // Only recommendations with unhealthy resources.
        assert!(!text.contains("keyvault-soft-delete"));

        let mut many = sample();
        let template = many.recommendations[0].clone();
        many.recommendations = (0..13)
            .map(|i| {
                let mut r = template.clone();
                r.id = format!("policy-{i:02}");
                r
            })
            .collect();
        let text = render(&many);
        assert_eq!(text.matches("| High | Storage accounts").count(), 10);
        assert!(text.contains("and 3 more recommendations (see the JSON or table report)"));

        let mut unscored = sample();
        unscored.score.controls[1].max = 0.0;
        unscored.score.controls[1].current = 0.0;
        assert!(render(&unscored).contains(
            "| Restrict unauthorized network access | not scored | +2.00 pts (+3.5 %) |"
        ));
    }

    #[test]
    fn baseline_section_only_with_a_baseline() {
        let report = sample();
        let text = render(&report);
        assert!(text.contains("### Since the baseline"));
        assert!(text.contains("2 new, 1 resolved, 1 changed, 1 unchanged."));
        assert!(text.contains("**Resolved:** 1"));
        // Most severe first.
        let high = text.find("- **High** storage-public-network on").unwrap();
        let medium = text.find("- **Medium** vm-system-updates on").unwrap();
        assert!(high < medium);

        let mut none = sample();
        none.baseline = None;
        let text = render(&none);
        assert!(!text.contains("Since the baseline"));
        assert!(!text.contains("New findings"));
        assert!(!text.contains("Resolved"));
    }

    #[test]
    fn new_findings_are_capped() {
        let mut report = sample();
        if let Some(b) = &mut report.baseline {
            let f = b.new_findings[0].clone();
            b.new_findings = vec![f; 25];
        }
        let text = render(&report);
        assert_eq!(
            text.matches("- **Medium** vm-system-updates on").count(),
            20
        );
        assert!(text.contains("- and 5 more\n"));
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape("a|b *c* _d_ `e` <img src=x> [l](u) \\ ~~s~~"),
            "a\\|b \\*c\\* \\_d\\_ \\`e\\` \\<img src=x\\> \\[l\\](u) \\\\ \\~\\~s\\~\\~"
        );
        assert_eq!(escape("two\r\nlines\nhere\rnow"), "two lines here now");
        assert_eq!(escape("café 日本 🚀"), "café 日本 🚀");
    }

    #[test]
    fn hostile_names_cannot_break_tables_or_inject_html() {
        let hostile = "evil | <script>alert(1)</script> **x** [y](javascript:z)\n| row |";
        let mut report = sample();
        report.score.controls[1].name = hostile.into();
        report.recommendations[0].title = hostile.into();
        if let Some(b) = &mut report.baseline {
            b.new_findings[1].resource = hostile.into();
            b.new_findings[1].message = Some(hostile.into());
        }
        let text = render(&report);
        assert!(!text.contains("<script>"), "{text}");
        // A link needs an unescaped `](`.
        assert!(!text.replace("\\]", "").contains("]("), "{text}");
        // Every table row still has exactly its columns: no unescaped pipe was added.
        for line in text.lines().filter(|l| l.starts_with('|')) {
            let cells = line.replace("\\|", "").matches('|').count();
            assert!((4..=6).contains(&cells), "{line}");
        }
        // And the hostile text is still there, readable.
        assert!(text.contains("evil \\| \\<script\\>alert(1)\\</script\\>"));
    }

    #[test]
    fn long_messages_are_cut() {
        let mut report = sample();
        if let Some(b) = &mut report.baseline {
            b.new_findings[0].message = Some("x".repeat(500));
        }
        let text = render(&report);
        assert!(text.contains(&format!("{}…", "x".repeat(199))));
        assert!(!text.contains(&"x".repeat(200)));
    }

    #[test]
    fn deterministic() {
        let report = sample();
        assert_eq!(render(&report), render(&report));
        assert!(render(&report).ends_with("warning\n"));
    }

    #[test]
    fn alerts_are_listed_escaped_and_absent_without_machines() {
        let text = render(&sample());
        assert!(
            text.contains("### Security alerts\n\n2 (1 High, 1 Informational)"),
            "{text}"
        );
        assert!(text.contains("| High | Successful SSH brute force attack (linux-ssh-bruteforce-success) | db-02 |"), "{text}");
        assert!(
            text.contains("=tcp port 4444 \\| \\<b\\>new\\</b\\>"),
            "{text}"
        );
        let mut none = sample();
        none.alerts.clear();
        assert!(!render(&none).contains("Security alerts"));
    }

    /// The realistic report in this format, reviewed as `snapshots/{name}.snap`.
    #[test]
    fn snapshot() {
        let text = render(&sample());
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!("report__markdown", text)
        });
    }
}
