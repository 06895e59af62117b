//! CI gates: decided from the complete report, never from what a format shows, so changing
//! `--format` or `--states` cannot change the exit code.

use crate::model::{AlertSeverity, Severity};
use crate::report::{self, GateCheck, GateOutcome, Report};

/// Gate thresholds (flags override the config's `gate`).
#[derive(Debug, Clone, Default)]
pub struct Gates {
    /// Fail below this overall percentage.
    pub min_score: Option<f64>,
    /// Fail on an unhealthy (not exempt) finding at or above this severity.
    pub fail_on: Option<Severity>,
    /// Fail on a finding new against the baseline at or above this severity.
    pub fail_on_new: Option<Severity>,
    /// Fail when the overall score dropped by more than this many percentage points.
    pub max_score_drop: Option<f64>,
    /// Fail when an exemption has expired.
    pub fail_on_expired_exemptions: bool,
    /// Fail on a security alert at or above this severity.
    pub fail_on_alert: Option<AlertSeverity>,
}

impl Gates {
    /// Gates that need a baseline to mean anything, named as the flags are.
    pub fn needing_baseline(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.fail_on_new.is_some() {
            v.push("--fail-on-new");
        }
        if self.max_score_drop.is_some() {
            v.push("--max-score-drop");
        }
        v
    }
}

fn at_or_above(severity: &str, threshold: Severity) -> bool {
    Severity::parse(severity).is_some_and(|s| s <= threshold)
}

fn which(sev: Severity) -> String {
    match sev {
        Severity::High => "High".to_string(),
        s => format!("{s} or higher"),
    }
}

/// Evaluates every configured gate. `errors`: inputs or policies failed, so the result is
/// untrusted and the outcome is `error` (exit 2) whatever the gates say.
pub fn evaluate(report: &Report, gates: &Gates, errors: bool) -> GateOutcome {
    let mut checks = Vec::new();
    if let Some(min) = gates.min_score {
        let pct = report.score.overall.percentage;
        let passed = pct >= min;
        checks.push(GateCheck {
            gate: "min-score".into(),
            passed,
            detail: format!(
                "min-score {min}: {} {} {min}",
                report::pct(pct),
                if passed { ">=" } else { "<" }
            ),
        });
    }
    if let Some(sev) = gates.fail_on {
        let n: usize = report
            .recommendations
            .iter()
            .filter(|r| at_or_above(&r.severity, sev))
            .map(|r| r.counts.unhealthy)
            .sum();
        checks.push(GateCheck {
            gate: "fail-on".into(),
            passed: n == 0,
            detail: format!(
                "fail-on {}: {n} unhealthy {} findings",
                sev.as_str().to_ascii_lowercase(),
                which(sev)
            ),
        });
    }
    if let (Some(sev), Some(delta)) = (gates.fail_on_new, &report.baseline) {
        let n = delta
            .new_findings
            .iter()
            .filter(|f| at_or_above(&f.severity, sev))
            .count();
        checks.push(GateCheck {
            gate: "fail-on-new".into(),
            passed: n == 0,
            detail: format!(
                "fail-on-new {}: {n} new {} findings against {}",
                sev.as_str().to_ascii_lowercase(),
                which(sev),
                delta.path
            ),
        });
    }
    if let (Some(max), Some(delta)) = (gates.max_score_drop, &report.baseline) {
        let drop = -delta.overall.change;
        let passed = drop <= max;
        checks.push(GateCheck {
            gate: "max-score-drop".into(),
            passed,
            detail: format!(
                "max-score-drop {max}: score changed {:+.1} pts ({} -> {})",
                delta.overall.change,
                report::pct(delta.overall.before),
                report::pct(delta.overall.after)
            ),
        });
    }
    if gates.fail_on_expired_exemptions {
        let expired: Vec<&str> = report
            .exemptions
            .iter()
            .filter(|e| e.status == "expired")
            .map(|e| e.policy.as_str())
            .collect();
        checks.push(GateCheck {
            gate: "fail-on-expired-exemptions".into(),
            passed: expired.is_empty(),
            detail: if expired.is_empty() {
                "fail-on-expired-exemptions: none expired".into()
            } else {
                format!(
                    "fail-on-expired-exemptions: {} expired ({})",
                    expired.len(),
                    expired.join(", ")
                )
            },
        });
    }
    if let Some(sev) = gates.fail_on_alert {
        let n = report
            .alerts
            .iter()
            .filter(|a| AlertSeverity::parse(&a.severity).is_some_and(|s| s <= sev))
            .count();
        let which = match sev {
            AlertSeverity::High => "High".to_string(),
            s => format!("{s} or higher"),
        };
        checks.push(GateCheck {
            gate: "fail-on-alert".into(),
            passed: n == 0,
            detail: format!(
                "fail-on-alert {}: {n} {which} alert{}",
                sev.as_str().to_ascii_lowercase(),
                if n == 1 { "" } else { "s" }
            ),
        });
    }
    let (status, exit_code) = if errors {
        ("error", 2)
    } else if checks.iter().any(|c| !c.passed) {
        ("failed", 1)
    } else {
        ("passed", 0)
    };
    GateOutcome {
        status: status.into(),
        checks,
        exit_code,
    }
}
