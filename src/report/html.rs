//! The `html` format: a dashboard in one self-contained file that opens offline in any
//! browser and can be attached to a pipeline run.
//!
//! Responsibility: the Secure Score as a gauge with its change against the baseline, the
//! score per subscription and over time (`--trend`), a bar per security control, every
//! recommendation expandable to its description, remediation, quick-fix availability and
//! affected resources, security alerts, exemptions, baseline changes, machines, the gate
//! outcome, the inputs and policies that produced the report, and its diagnostics.
//!
//! Self-contained and safe to open: the CSS and the one script are inlined from
//! `html/style.css` and `html/script.js`, charts are inline SVG, and a Content-Security-Policy
//! allows nothing else (no network, no other script: both inline blocks are allowed by their
//! SHA-256 hashes). Every text from inputs or policies goes through
//! [`escape`](escape::escape) or [`escape_attr`](escape::escape_attr), and never into a
//! script, style, URL or attribute name. The page is complete with scripts off: the server
//! side order is by potential gain, then severity, and `<details>` expands without script;
//! filtering and sorting are an enhancement. Bytes depend on the report alone: no clock.

mod alerts;
mod charts;
pub mod escape;
mod recommendations;
mod sections;

use std::fmt::Write as _;
use std::io;

use sha2::{Digest, Sha256};

pub use alerts::{alerts_section, AlertEntity, AlertView};
use escape::{base64, Attr, Text};

use super::{gate_style, gate_summary, pct, points, GateStyle, RenderOptions, Report, Reporter};

/// The page's stylesheet, inlined.
const STYLE: &str = include_str!("html/style.css");

/// The page's script (filters and sorting), inlined.
const SCRIPT: &str = include_str!("html/script.js");

/// Changes smaller than this read as "no change".
const NO_CHANGE: f64 = 0.05;

/// Writes the HTML dashboard.
///
/// The alerts section is drawn from [`AlertView`]s by [`page`], mapped from the report.
#[derive(Debug, Clone, Copy)]
pub struct HtmlReporter;

impl Reporter for HtmlReporter {
    fn render(
        &self,
        report: &Report,
        _: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        // Alerts are always assessed, so the section is always there (saying so when empty).
        let alerts: Vec<AlertView> = report.alerts.iter().map(alert_view).collect();
        out.write_all(page(report, Some(&alerts)).as_bytes())
    }
}

/// What the page shows of a report alert: its entities flattened to (kind, value) pairs.
pub fn alert_view(a: &super::Alert) -> AlertView {
    let mut entities = Vec::new();
    if let Some(obj) = a.entities.as_object() {
        for (kind, value) in obj {
            let values: Vec<String> = match value {
                serde_json::Value::Array(items) => items.iter().map(entity_text).collect(),
                other => vec![entity_text(other)],
            };
            for v in values {
                entities.push(AlertEntity {
                    kind: kind.clone(),
                    value: v,
                });
            }
        }
    }
    AlertView {
        fingerprint: a.fingerprint.clone(),
        alert_type: a.alert_type.clone(),
        title: a.title.clone(),
        severity: a.severity.clone(),
        tactics: a.tactics.clone(),
        techniques: a.techniques.clone(),
        machine: a.machine.clone(),
        hostname: a.hostname.clone(),
        message: a.message.clone(),
        start: a.start.clone(),
        end: a.end.clone(),
        entities,
    }
}

fn entity_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The whole document. `alerts` is `None` when the report has no alerts data (the section
/// is left out), `Some(&[])` when it has and there are none (the section says so).
pub fn page(report: &Report, alerts: Option<&[AlertView]>) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let pct_text = pct(report.score.overall.percentage);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"generator\" content=\"{} {}\">\n\
         <title>Secure Score {} · posture · {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        Attr(&content_security_policy()),
        Attr(&report.tool.name),
        Attr(&report.tool.version),
        Text(&pct_text),
        Text(&report.assessed_at),
    );
    s.push_str(charts::DEFS);
    s.push('\n');
    write_header(&mut s, report, alerts.is_some());
    s.push_str("<main>\n");
    write_overview(&mut s, report, alerts);
    s.push_str(&recommendations::controls_section(report));
    s.push_str(&recommendations::recommendations_section(report));
    if let Some(alerts) = alerts {
        s.push_str(&alerts_section(alerts));
    }
    if let Some(baseline) = &report.baseline {
        s.push_str(&sections::baseline_section(baseline));
    }
    s.push_str(&sections::exemptions_section(&report.exemptions));
    if !report.machines.is_empty() {
        s.push_str(&sections::machines_section(&report.machines));
    }
    s.push_str(&sections::gate_section(&report.gate));
    s.push_str(&sections::inputs_section(report));
    s.push_str(&sections::diagnostics_section(report));
    let _ = write!(
        s,
        "</main>\n<footer>Written by {} {} for the assessment at {}. This file is \
         self-contained: it loads nothing from the network.</footer>\n<script>{SCRIPT}</script>\n\
         </body>\n</html>\n",
        Text(&report.tool.name),
        Text(&report.tool.version),
        Text(&report.assessed_at)
    );
    s
}

/// Nothing but the page's own stylesheet and script, each allowed by its hash, so neither
/// an injected tag nor a later edit that adds one can load or run anything.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; base-uri 'none'; \
         form-action 'none'",
        sha256_source(STYLE),
        sha256_source(SCRIPT)
    )
}

/// A CSP hash source: `sha256-` and the base64 of the block's exact bytes.
fn sha256_source(block: &str) -> String {
    format!("sha256-{}", base64(&Sha256::digest(block.as_bytes())))
}

fn write_header(s: &mut String, report: &Report, has_alerts: bool) {
    let _ = writeln!(
        s,
        "<header class=\"top\">\n<h1>Security posture</h1>\n<p>Assessed at <time datetime=\"{}\">{}</time> \
         · {} · {} {}</p>",
        Attr(&report.assessed_at),
        Text(&report.assessed_at),
        plural(report.resource_count, "resource"),
        Text(&report.tool.name),
        Text(&report.tool.version)
    );
    let mut links = vec![
        ("overview", "Overview"),
        ("controls", "Controls"),
        ("recommendations", "Recommendations"),
    ];
    if has_alerts {
        links.push(("alerts", "Alerts"));
    }
    if report.baseline.is_some() {
        links.push(("baseline", "Since the baseline"));
    }
    links.push(("exemptions", "Exemptions"));
    if !report.machines.is_empty() {
        links.push(("machines", "Machines"));
    }
    links.extend([
        ("gate", "Gate"),
        ("inputs", "Inputs and policies"),
        ("diagnostics", "Diagnostics"),
    ]);
    s.push_str("<nav class=\"toc\" aria-label=\"Sections\">");
    for (id, name) in links {
        let _ = write!(s, "<a href=\"#{id}\">{name}</a>");
    }
    s.push_str("</nav>\n</header>\n");
}

fn write_overview(s: &mut String, report: &Report, alerts: Option<&[AlertView]>) {
    let overall = &report.score.overall;
    // The small cards share a grid that stretches them to the width; the wide ones follow.
    s.push_str("<section id=\"overview\" aria-label=\"Overview\">\n<div class=\"cards\">\n");

    // The score and its change.
    let label = pct(overall.percentage);
    let _ = write!(
        s,
        "<div class=\"card gauge-card\" id=\"score\" data-percentage=\"{:.4}\">\n<h2>Secure Score</h2>\n{}\n\
         <p class=\"points\">{} of {} points</p>\n",
        finite(overall.percentage),
        charts::gauge(overall.percentage, &label),
        points(overall.current),
        points(overall.max)
    );
    if let Some(b) = &report.baseline {
        let change = b.overall.change;
        let (class, words) = if !change.is_finite() || change.abs() < NO_CHANGE {
            ("delta", "= no change".to_string())
        } else if change > 0.0 {
            ("delta up", format!("▲ up {change:+.1} pts"))
        } else {
            ("delta down", format!("▼ down {change:+.1} pts"))
        };
        let _ = writeln!(
            s,
            "<p class=\"{class}\">{}</p><p class=\"points\">since the baseline of {} ({:.1}%)</p>",
            Text(&words),
            Text(&b.assessed_at),
            finite(b.overall.before)
        );
    }
    s.push_str("</div>\n");

    // Recommendations at a glance.
    let unhealthy: Vec<_> = report
        .recommendations
        .iter()
        .filter(|r| r.counts.unhealthy > 0)
        .collect();
    let _ = write!(
        s,
        "<div class=\"card\">\n<h2>Recommendations</h2>\n<p>{} of {} need attention.</p>\n<ul class=\"plain\">",
        unhealthy.len(),
        plural(report.recommendations.len(), "recommendation")
    );
    for severity in ["High", "Medium", "Low"] {
        let n = unhealthy.iter().filter(|r| r.severity == severity).count();
        let _ = write!(
            s,
            "<li><span class=\"sev {}\">{severity}</span> {} unhealthy</li>",
            severity_class(severity),
            n
        );
    }
    let resources: usize = unhealthy.iter().map(|r| r.counts.unhealthy).sum();
    let _ = writeln!(
        s,
        "</ul>\n<p class=\"points\">{} across them.</p>\n</div>",
        plural(resources, "unhealthy finding")
    );

    // The gate, in the words every format uses.
    let (class, mark) = gate_mark(&report.gate);
    let _ = writeln!(
        s,
        "<div class=\"card\">\n<h2>Gate</h2>\n<p class=\"gate {class}\">{mark} {}</p>\n\
         <p class=\"points\">Exit code {}. <a href=\"#gate\">Every check</a></p>\n</div>",
        Text(&gate_summary(&report.gate)),
        report.gate.exit_code
    );

    if let Some(alerts) = alerts {
        let _ = write!(
            s,
            "<div class=\"card\">\n<h2>Security alerts</h2>\n<p>{}.</p>\n<ul class=\"plain\">",
            plural(alerts.len(), "alert")
        );
        for (severity, n) in alerts::counts(alerts) {
            let _ = write!(
                s,
                "<li><span class=\"sev {}\">{}</span> {n}</li>",
                severity_class(&severity),
                Text(&severity)
            );
        }
        s.push_str("</ul>\n<p class=\"points\"><a href=\"#alerts\">Every alert</a></p>\n</div>\n");
    }

    s.push_str("</div>\n");
    s.push_str(&sections::subscriptions_card(report));
    if !report.trend.is_empty() {
        s.push_str(&sections::trend_card(report));
    }
    s.push_str("</section>\n");
}

/// The gate's class and a mark that does not rely on colour.
fn gate_mark(gate: &super::GateOutcome) -> (&'static str, &'static str) {
    match gate_style(gate) {
        GateStyle::Passed => ("gate-passed", "✔"),
        GateStyle::Failed => ("gate-failed", "✖"),
        GateStyle::Error => ("gate-error", "⚠"),
        GateStyle::NotConfigured => ("gate-none", "○"),
    }
}

/// A stable element id: `prefix-id` when `id` is kebab-case (as policy and control ids
/// are), else `prefix_index`, which no kebab-case id can produce.
fn anchor(prefix: &str, id: &str, index: usize) -> String {
    let kebab = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if kebab {
        format!("{prefix}-{id}")
    } else {
        format!("{prefix}_{index}")
    }
}

/// The CSS class of a severity word; unknown words share one neutral style.
fn severity_class(severity: &str) -> &'static str {
    match severity {
        "High" => "sev-high",
        "Medium" => "sev-medium",
        "Low" => "sev-low",
        "Informational" => "sev-informational",
        _ => "sev-other",
    }
}

/// Rank for ordering recommendations: High first, unknown last.
fn severity_rank(severity: &str) -> u8 {
    match severity {
        "High" => 0,
        "Medium" => 1,
        "Low" => 2,
        _ => 3,
    }
}

/// `1 resource`, `2 resources`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// NaN and infinities print as 0 rather than as words a data attribute cannot parse.
fn finite(x: f64) -> f64 {
    if x.is_finite() {
        x + 0.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests;
