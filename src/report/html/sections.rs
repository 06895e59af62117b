//! The HTML format's secondary sections: subscriptions, baseline changes, exemptions,
//! machines, the gate, the inputs and policies, and the diagnostics.
//!
//! Plain tables: each is readable without script, on a narrow screen (they scroll
//! sideways inside their box) and on paper.

use std::fmt::Write as _;

use super::escape::Text;
use super::{charts, gate_mark, plural, severity_class};
use crate::report::{
    gate_summary, pct, points, BaselineDelta, ExemptionStatus, FindingRef, GateOutcome,
    MachineEntry, Message, Report,
};

/// Findings listed per baseline list; the JSON report has all of them.
const MAX_FINDINGS: usize = 200;

/// Per-subscription scores, for the overview.
pub fn subscriptions_card(report: &Report) -> String {
    let subs = &report.score.subscriptions;
    let mut s =
        String::from("<div class=\"card wide\" id=\"subscriptions\">\n<h2>Subscriptions</h2>\n");
    if subs.is_empty() {
        s.push_str("<p class=\"note\">No subscription was assessed.</p>\n</div>\n");
        return s;
    }
    s.push_str(
        "<div class=\"scroll\"><table><thead><tr><th>Subscription</th><th>Score</th><th class=\"n\">Percent</th>\
         <th class=\"n\">Points</th><th class=\"n\">Weight</th></tr></thead><tbody>\n",
    );
    for sub in subs {
        let name = if sub.id.is_empty() {
            "(no subscription)".to_string()
        } else {
            format!("<code>{}</code>", Text(&sub.id))
        };
        let _ = writeln!(
            s,
            "<tr><td>{name}</td><td class=\"barcell\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{} / {}</td><td class=\"n\">{}</td></tr>",
            charts::bar(sub.percentage, 100.0, false),
            pct(sub.percentage),
            points(sub.current),
            points(sub.max),
            Text(&weight(sub.weight))
        );
    }
    let _ = writeln!(
        s,
        "</tbody></table></div>\n<p class=\"note\">Aggregation: {}</p>\n</div>",
        Text(&report.score.aggregation)
    );
    s
}

/// Weights are resource counts: whole numbers print without decimals.
fn weight(w: f64) -> String {
    if w.is_finite() && w.fract() == 0.0 {
        format!("{w:.0}")
    } else {
        points(w)
    }
}

/// New, resolved and changed findings against the baseline.
pub fn baseline_section(b: &BaselineDelta) -> String {
    let mut s = String::from("<section id=\"baseline\">\n<h2>Since the baseline</h2>\n");
    let _ = writeln!(
        s,
        "<p>Compared with <code>{}</code> (assessed at {}): score {} → {} ({:+.1} pts); {} new, {} \
         resolved, {} changed, {} unchanged.</p>",
        Text(&b.path),
        Text(&b.assessed_at),
        pct(b.overall.before),
        pct(b.overall.after),
        if b.overall.change.is_finite() {
            b.overall.change + 0.0
        } else {
            0.0
        },
        b.new_findings.len(),
        b.resolved_findings.len(),
        b.changed_findings.len(),
        b.unchanged
    );
    findings(&mut s, "New findings", &b.new_findings, false);
    findings(&mut s, "Resolved findings", &b.resolved_findings, false);
    findings(&mut s, "Changed findings", &b.changed_findings, true);
    s.push_str("</section>\n");
    s
}

fn findings(s: &mut String, title: &str, list: &[FindingRef], changed: bool) {
    if list.is_empty() {
        return;
    }
    let _ = write!(
        s,
        "<h3>{title} ({})</h3>\n<div class=\"scroll\"><table><thead><tr><th>Severity</th><th>Recommendation</th>\
         <th>Resource</th><th>Message</th></tr></thead><tbody>\n",
        list.len()
    );
    for f in list.iter().take(MAX_FINDINGS) {
        let _ = write!(
            s,
            "<tr><td><span class=\"sev {}\">{}</span></td><td>{}<br><code>{}</code></td><td><code>{}</code></td><td>{}",
            severity_class(&f.severity),
            Text(&f.severity),
            Text(&f.title),
            Text(&f.policy),
            Text(&f.resource),
            Text(f.message.as_deref().unwrap_or(""))
        );
        if let (true, Some(before)) = (changed, &f.previous_message) {
            let _ = write!(s, "<br><small>was: {}</small>", Text(before));
        }
        s.push_str("</td></tr>\n");
    }
    s.push_str("</tbody></table></div>\n");
    if list.len() > MAX_FINDINGS {
        let _ = writeln!(
            s,
            "<p class=\"note\">And {} more: the JSON report lists every one.</p>",
            list.len() - MAX_FINDINGS
        );
    }
}

/// The config's exemptions: active, then expired, then unused.
pub fn exemptions_section(exemptions: &[ExemptionStatus]) -> String {
    let mut s = String::from("<section id=\"exemptions\">\n<h2>Exemptions</h2>\n");
    if exemptions.is_empty() {
        s.push_str("<p class=\"note\">No exemptions are configured.</p>\n</section>\n");
        return s;
    }
    let count = |status: &str| exemptions.iter().filter(|e| e.status == status).count();
    let _ = writeln!(
        s,
        "<p>{} active, {} expired (ignored: their findings count again), {} unused (matched nothing).</p>",
        count("active"),
        count("expired"),
        count("unused")
    );
    s.push_str(
        "<div class=\"scroll\"><table><thead><tr><th>Status</th><th>Policy</th><th>Category</th>\
         <th class=\"n\">Findings covered</th><th>Reason</th><th>Owner</th><th>Expires</th></tr></thead><tbody>\n",
    );
    let rank = |status: &str| match status {
        "active" => 0,
        "expired" => 1,
        "unused" => 2,
        _ => 3,
    };
    let mut sorted: Vec<&ExemptionStatus> = exemptions.iter().collect();
    sorted.sort_by_key(|e| rank(&e.status));
    for e in sorted {
        let _ = writeln!(
            s,
            "<tr><td><span class=\"tag\">{}</span></td><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            Text(&e.status),
            Text(&e.policy),
            Text(&e.category),
            e.matched,
            Text(&e.reason),
            Text(e.owner.as_deref().unwrap_or("")),
            Text(e.expires.as_deref().unwrap_or(""))
        );
    }
    s.push_str("</tbody></table></div>\n</section>\n");
    s
}

/// Machines with agent data and the age of their snapshots.
pub fn machines_section(machines: &[MachineEntry]) -> String {
    let mut s = String::from(
        "<section id=\"machines\">\n<h2>Machines</h2>\n<div class=\"scroll\"><table><thead><tr><th>Host</th>\
         <th>Operating system</th><th>Collected at</th><th class=\"n\">Age</th><th>Snapshot</th></tr></thead><tbody>\n",
    );
    for m in machines {
        let _ = writeln!(
            s,
            "<tr><td><b>{}</b><br><code>{}</code></td><td>{}</td><td>{}</td><td class=\"n\">{:.1} h</td>\
             <td>{}<br><small>{}</small></td></tr>",
            Text(&m.hostname),
            Text(&m.id),
            Text(&m.os),
            Text(&m.collected_at),
            if m.age_hours.is_finite() {
                m.age_hours + 0.0
            } else {
                0.0
            },
            if m.stale {
                "<span class=\"state s-unhealthy\">stale</span>"
            } else {
                "fresh"
            },
            Text(&m.source)
        );
    }
    s.push_str("</tbody></table></div>\n</section>\n");
    s
}

/// The gate outcome and every configured check.
pub fn gate_section(gate: &GateOutcome) -> String {
    let (class, mark) = gate_mark(gate);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<section id=\"gate\">\n<h2>Gate</h2>\n<p class=\"gate {class}\">{mark} {}</p>",
        Text(&gate_summary(gate))
    );
    if gate.checks.is_empty() {
        s.push_str("<p class=\"note\">No gate was configured (--min-score, --fail-on, --fail-on-new, --max-score-drop, --fail-on-expired-exemptions or gate: in posture.yaml).</p>\n");
    } else {
        s.push_str(
            "<div class=\"scroll\"><table><thead><tr><th>Gate</th><th>Result</th><th>Detail</th></tr></thead><tbody>\n",
        );
        for c in &gate.checks {
            let _ = writeln!(
                s,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                Text(&c.gate),
                if c.passed {
                    "<span class=\"state s-healthy\">✔ passed</span>"
                } else {
                    "<span class=\"state s-unhealthy\">✖ failed</span>"
                },
                Text(&c.detail)
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    let _ = writeln!(
        s,
        "<p class=\"note\">posture exits with {} for this report.</p>\n</section>",
        gate.exit_code
    );
    s
}

/// The files read and the policies loaded.
pub fn inputs_section(report: &Report) -> String {
    let mut s = String::from("<section id=\"inputs\">\n<h2>Inputs and policies</h2>\n");
    let _ = write!(
        s,
        "<h3>{}</h3>\n<div class=\"scroll\"><table><thead><tr><th>Path</th><th>Kind</th><th>SHA-256</th></tr></thead><tbody>\n",
        plural(report.inputs.len(), "input file")
    );
    for i in &report.inputs {
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td></tr>",
            Text(&i.path),
            Text(&i.kind),
            Text(&i.sha256)
        );
    }
    s.push_str("</tbody></table></div>\n");
    let count = |status: &str| {
        report
            .policies
            .iter()
            .filter(|p| p.status == status)
            .count()
    };
    let _ = write!(
        s,
        "<details class=\"rec\" id=\"policies\"><summary><span class=\"t\">{}: {} evaluated, {} disabled, {} failed</span></summary>\n\
         <div class=\"scroll\"><table><thead><tr><th>Policy</th><th>Source</th><th>Status</th><th>Why</th>\
         <th>Module</th></tr></thead><tbody>\n",
        match report.policies.len() {
            1 => "1 policy".to_string(),
            n => format!("{n} policies"),
        },
        count("evaluated"),
        count("disabled"),
        count("failed")
    );
    for p in &report.policies {
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            Text(&p.id),
            Text(&p.source),
            Text(&p.status),
            Text(&p.reason),
            Text(&p.path)
        );
    }
    let _ = writeln!(
        s,
        "</tbody></table></div>\n</details>\n<p class=\"note\">Report layout version {}.</p>\n</section>",
        Text(&report.schema_version)
    );
    s
}

/// Errors and warnings, as the JSON report has them.
pub fn diagnostics_section(report: &Report) -> String {
    let mut s = String::from("<section id=\"diagnostics\">\n<h2>Diagnostics</h2>\n");
    if report.errors.is_empty() && report.warnings.is_empty() {
        s.push_str("<p class=\"note\">No errors or warnings.</p>\n</section>\n");
        return s;
    }
    let _ = writeln!(
        s,
        "<p>{}, {}.</p>",
        plural(report.errors.len(), "error"),
        plural(report.warnings.len(), "warning")
    );
    s.push_str("<div class=\"scroll\"><table><thead><tr><th>Level</th><th>Code</th><th>Message</th><th>Where</th></tr></thead><tbody>\n");
    for (level, m) in report
        .errors
        .iter()
        .map(|m| ("error", m))
        .chain(report.warnings.iter().map(|m| ("warning", m)))
    {
        write_message(&mut s, level, m);
    }
    s.push_str("</tbody></table></div>\n</section>\n");
    s
}

fn write_message(s: &mut String, level: &str, m: &Message) {
    let place = match (&m.file, m.line, m.column) {
        (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}"),
        (Some(f), Some(l), None) => format!("{f}:{l}"),
        (Some(f), _, _) => f.clone(),
        _ => String::new(),
    };
    let _ = write!(
        s,
        "<tr><td><span class=\"state {}\">{level}</span></td><td><code>{}</code></td><td>{}",
        if level == "error" {
            "s-unhealthy"
        } else {
            "s-exempt"
        },
        Text(&m.code),
        Text(&m.message)
    );
    if let Some(help) = &m.help {
        let _ = write!(s, "<br><small>help: {}</small>", Text(help));
    }
    let _ = writeln!(s, "</td><td><code>{}</code></td></tr>", Text(&place));
}

/// The score over time: the earlier reports of `--trend` and this one, as a chart and, for
/// exact numbers (and readers who do not see the chart), as a table.
pub fn trend_card(report: &Report) -> String {
    let mut rows: Vec<(charts::TrendPoint<'_>, &str)> = report
        .trend
        .iter()
        .map(|t| {
            (
                charts::TrendPoint {
                    assessed_at: &t.assessed_at,
                    unix: crate::time::unix_seconds(&t.assessed_at),
                    percentage: t.percentage,
                    current: false,
                },
                t.path.as_str(),
            )
        })
        .collect();
    rows.push((
        charts::TrendPoint {
            assessed_at: &report.assessed_at,
            unix: crate::time::unix_seconds(&report.assessed_at),
            percentage: report.score.overall.percentage,
            current: true,
        },
        "this report",
    ));
    // Stable: by time, reports of one time in the order they were read (this one last).
    rows.sort_by(|(a, _), (b, _)| {
        a.unix
            .cmp(&b.unix)
            .then_with(|| a.assessed_at.cmp(b.assessed_at))
    });
    let points: Vec<charts::TrendPoint<'_>> = rows.iter().map(|(p, _)| p.clone()).collect();
    let mut s = String::from("<div class=\"card wide\" id=\"trend\">\n<h2>Score over time</h2>\n");
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let _ = writeln!(
            s,
            "<p class=\"note\">{} from {} ({}) to {} ({}).</p>",
            plural(points.len(), "report"),
            Text(first.assessed_at),
            pct(first.percentage),
            Text(last.assessed_at),
            pct(last.percentage)
        );
    }
    s.push_str(&charts::trend(&points));
    s.push_str(
        "\n<details><summary>Every report</summary>\n<div class=\"scroll\"><table><thead><tr><th>Assessed at</th>\
         <th class=\"n\">Score</th><th>Report</th></tr></thead><tbody>\n",
    );
    for (p, path) in &rows {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td class=\"n\">{}</td><td><code>{}</code></td></tr>",
            Text(p.assessed_at),
            pct(p.percentage),
            Text(path)
        );
    }
    s.push_str("</tbody></table></div>\n</details>\n</div>\n");
    s
}
