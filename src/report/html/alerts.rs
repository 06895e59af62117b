//! The security alerts section of the HTML format.
//!
//! Alerts come from detections on agent data (another part of posture). This module knows
//! only [`AlertView`], the few fields the page shows, so it does not depend on how the
//! report stores alerts: whoever adds alerts to the [`Report`](super::super::Report) maps
//! them to views and passes them to [`super::page`].

use std::fmt::Write as _;

use super::escape::{Attr, Text};
use super::{anchor, plural, severity_class};

/// One entity an alert names: an account, an address, a process, a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertEntity {
    /// What kind of entity (`account`, `ip`, `process`).
    pub kind: String,
    /// The entity itself, as the detection reported it.
    pub value: String,
}

/// What the page shows of one security alert.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertView {
    /// Stable id of the alert.
    pub fingerprint: String,
    /// The detection's stable alert type.
    pub alert_type: String,
    /// Display name.
    pub title: String,
    /// `High`, `Medium`, `Low` or `Informational`.
    pub severity: String,
    /// MITRE ATT&CK tactics.
    pub tactics: Vec<String>,
    /// MITRE ATT&CK technique ids.
    pub techniques: Vec<String>,
    /// The machine's resource id.
    pub machine: String,
    /// The machine's host name.
    pub hostname: String,
    /// What happened.
    pub message: String,
    /// First activity (RFC 3339), empty when unknown.
    pub start: String,
    /// Last activity (RFC 3339), empty when unknown.
    pub end: String,
    /// The entities involved.
    pub entities: Vec<AlertEntity>,
}

/// Rank for ordering: the most severe first, unknown severities last.
pub fn alert_rank(severity: &str) -> u8 {
    match severity {
        "High" => 0,
        "Medium" => 1,
        "Low" => 2,
        "Informational" => 3,
        _ => 4,
    }
}

/// Counts per severity, most severe first, for the overview: `(severity, count)`.
pub fn counts(alerts: &[AlertView]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for severity in ["High", "Medium", "Low", "Informational"] {
        let n = alerts.iter().filter(|a| a.severity == severity).count();
        out.push((severity.to_string(), n));
    }
    let other = alerts
        .iter()
        .filter(|a| alert_rank(&a.severity) == 4)
        .count();
    if other > 0 {
        out.push(("Other".to_string(), other));
    }
    out
}

/// The alerts section: every alert as an expandable entry, the most severe first, then the
/// most recent, with severity, tactics and host in its summary line and the message,
/// techniques, time window and entities inside.
pub fn alerts_section(alerts: &[AlertView]) -> String {
    let mut s = String::from("<section id=\"alerts\">\n<h2>Security alerts</h2>\n");
    if alerts.is_empty() {
        s.push_str("<p class=\"note\">No security alerts.</p>\n</section>\n");
        return s;
    }
    let mut sorted: Vec<&AlertView> = alerts.iter().collect();
    sorted.sort_by(|a, b| {
        alert_rank(&a.severity)
            .cmp(&alert_rank(&b.severity))
            .then_with(|| b.start.cmp(&a.start))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    let summary: Vec<String> = counts(alerts)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
    let _ = writeln!(
        s,
        "<p class=\"note\">{}: {}. Most severe first, then the most recent.</p>",
        plural(alerts.len(), "alert"),
        Text(&summary.join(", "))
    );
    for (i, a) in sorted.iter().enumerate() {
        write_alert(&mut s, a, i);
    }
    s.push_str("</section>\n");
    s
}

fn write_alert(s: &mut String, a: &AlertView, index: usize) {
    let host = if a.hostname.is_empty() {
        a.machine.as_str()
    } else {
        a.hostname.as_str()
    };
    let _ = write!(
        s,
        "<details class=\"alert\" id=\"{}\" data-severity=\"{}\">\n<summary><span class=\"sev {}\">{}</span> \
         <span class=\"t\">{}</span> <span class=\"m\">{}",
        Attr(&anchor("alert", &a.fingerprint, index)),
        Attr(&a.severity),
        severity_class(&a.severity),
        Text(&a.severity),
        Text(&a.title),
        Text(host)
    );
    if !a.tactics.is_empty() {
        let _ = write!(s, " · {}", Text(&a.tactics.join(", ")));
    }
    if !a.start.is_empty() {
        let _ = write!(s, " · {}", Text(&a.start));
    }
    s.push_str("</span></summary>\n<div class=\"body\">\n");
    let _ = writeln!(s, "<p>{}</p>", Text(&a.message));
    s.push_str("<dl class=\"facts\">");
    let mut fact = |name: &str, value: &str, code: bool| {
        if value.is_empty() {
            return;
        }
        if code {
            let _ = write!(s, "<dt>{name}</dt><dd><code>{}</code></dd>", Text(value));
        } else {
            let _ = write!(s, "<dt>{name}</dt><dd>{}</dd>", Text(value));
        }
    };
    fact("Tactics", &a.tactics.join(", "), false);
    fact("Techniques", &a.techniques.join(", "), false);
    fact("Host", &a.hostname, false);
    fact("Machine", &a.machine, true);
    let window = match (a.start.as_str(), a.end.as_str()) {
        ("", "") => String::new(),
        (start, "") => start.to_string(),
        (start, end) if start == end => start.to_string(),
        (start, end) => format!("{start} to {end}"),
    };
    fact("Activity", &window, false);
    fact("Alert type", &a.alert_type, true);
    fact("Fingerprint", &a.fingerprint, true);
    s.push_str("</dl>\n");
    if !a.entities.is_empty() {
        s.push_str(
            "<div class=\"scroll\"><table class=\"entities\"><thead><tr><th>Entity</th><th>Value</th></tr></thead><tbody>\n",
        );
        for e in &a.entities {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td><code>{}</code></td></tr>",
                Text(&e.kind),
                Text(&e.value)
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    s.push_str("</div>\n</details>\n");
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// Two alerts as the detections would raise them, one with hostile text.
    pub fn sample_alerts() -> Vec<AlertView> {
        vec![
            AlertView {
                fingerprint: "a1b2c3".into(),
                alert_type: "linux-ssh-bruteforce-success".into(),
                title: "Successful SSH brute force attack".into(),
                severity: "High".into(),
                tactics: vec!["Credential Access".into(), "Initial Access".into()],
                techniques: vec!["T1110.001".into()],
                machine: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-jump01".into(),
                hostname: "vm-jump01".into(),
                message: "412 failed logins for root from 203.0.113.7, then a success".into(),
                start: "2026-11-25T20:01:00Z".into(),
                end: "2026-11-25T20:14:00Z".into(),
                entities: vec![
                    AlertEntity { kind: "account".into(), value: "root".into() },
                    AlertEntity { kind: "ip".into(), value: "203.0.113.7".into() },
                ],
            },
            AlertView {
                fingerprint: "d4e5f6".into(),
                alert_type: "linux-new-authorized-key".into(),
                title: "A key was added to <authorized_keys>".into(),
                severity: "Informational".into(),
                tactics: vec!["Persistence".into()],
                techniques: vec!["T1098.004".into()],
                machine: "/providers/Microsoft.HybridCompute/machines/onprem-db-01".into(),
                hostname: String::new(),
                message: "key comment \"><img src=x onerror=alert(1)> added for deploy".into(),
                start: "2026-11-25T21:00:00Z".into(),
                end: "2026-11-25T21:00:00Z".into(),
                entities: vec![AlertEntity { kind: "file".into(), value: "/home/deploy/.ssh/authorized_keys".into() }],
            },
            AlertView {
                fingerprint: "0a0b0c".into(),
                title: "Unusual process".into(),
                severity: "Medium".into(),
                ..AlertView::default()
            },
        ]
    }

    #[test]
    fn alerts_show_severity_tactics_and_entities_most_severe_first() {
        let html = alerts_section(&sample_alerts());
        assert!(html.contains("<p class=\"note\">3 alerts: 1 High, 1 Medium, 1 Informational."));
        let high = html.find("Successful SSH brute force attack").unwrap();
        let medium = html.find("Unusual process").unwrap();
        let info = html.find("A key was added").unwrap();
        assert!(high < medium && medium < info);
        assert!(html.contains(
            "<span class=\"sev sev-high\">High</span> <span class=\"t\">Successful SSH brute force attack</span> \
             <span class=\"m\">vm-jump01 · Credential Access, Initial Access · 2026-11-25T20:01:00Z</span>"
        ));
        assert!(html.contains("<tr><td>ip</td><td><code>203.0.113.7</code></td></tr>"));
        assert!(html.contains("<dt>Techniques</dt><dd>T1110.001</dd>"));
        assert!(
            html.contains("<dt>Activity</dt><dd>2026-11-25T20:01:00Z to 2026-11-25T20:14:00Z</dd>")
        );
        // A host without a name is named by its machine id; one instant is one time.
        assert!(html.contains("<span class=\"m\">/providers/Microsoft.HybridCompute/machines/onprem-db-01 · Persistence"));
        assert!(html.contains("<dt>Activity</dt><dd>2026-11-25T21:00:00Z</dd>"));
        // Severity is a word as well as a colour.
        assert!(html.contains("<span class=\"sev sev-informational\">Informational</span>"));
    }

    #[test]
    fn alert_text_is_escaped() {
        let html = alerts_section(&sample_alerts());
        assert!(!html.contains("<img"));
        assert!(!html.contains("<authorized_keys>"));
        assert!(html.contains("A key was added to &lt;authorized_keys&gt;"));
        assert!(html.contains("key comment \"&gt;&lt;img src=x onerror=alert(1)&gt; added"));
    }

    #[test]
    fn no_alerts_says_so() {
        let html = alerts_section(&[]);
        assert!(html.contains("No security alerts."));
        assert_eq!(counts(&[]).iter().map(|(_, n)| n).sum::<usize>(), 0);
    }
}
