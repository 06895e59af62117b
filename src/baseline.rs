//! Comparing two reports: score change overall and per control, and findings matched by
//! fingerprint (policy id + lower-cased resource id) into new, resolved, changed and
//! unchanged. Works on JSON reports, so `posture diff OLD NEW` and `assess --baseline OLD`
//! share it; no I/O here.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::report::{BaselineDelta, FindingRef, Report, ScoreChange};
use crate::score::round4;

/// Why a document cannot serve as a baseline: the JSON pointer of what is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAReport {
    /// Where the document lacks what a report has.
    pub pointer: String,
    /// What was expected there.
    pub expected: String,
}

/// The unhealthy findings of a JSON report, by fingerprint.
fn unhealthy(report: &Value) -> Result<BTreeMap<String, FindingRef>, NotAReport> {
    let recs = report
        .get("recommendations")
        .and_then(Value::as_array)
        .ok_or_else(|| NotAReport {
            pointer: "/recommendations".into(),
            expected: "an array of recommendations".into(),
        })?;
    let mut out = BTreeMap::new();
    for (i, rec) in recs.iter().enumerate() {
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let resources = rec
            .get("resources")
            .and_then(Value::as_array)
            .ok_or_else(|| NotAReport {
                pointer: format!("/recommendations/{i}/resources"),
                expected: "an array of resources".into(),
            })?;
        for (j, r) in resources.iter().enumerate() {
            if r.get("state").and_then(Value::as_str) != Some("unhealthy") {
                continue;
            }
            let fingerprint = r
                .get("fingerprint")
                .and_then(Value::as_str)
                .ok_or_else(|| NotAReport {
                    pointer: format!("/recommendations/{i}/resources/{j}/fingerprint"),
                    expected: "the finding's fingerprint".into(),
                })?;
            out.insert(
                fingerprint.to_string(),
                FindingRef {
                    policy: text(rec, "id"),
                    title: text(rec, "title"),
                    severity: text(rec, "severity"),
                    resource: text(r, "id"),
                    message: r.get("message").and_then(Value::as_str).map(str::to_string),
                    previous_message: None,
                    fingerprint: fingerprint.to_string(),
                },
            );
        }
    }
    Ok(out)
}

fn overall(report: &Value) -> Result<f64, NotAReport> {
    report
        .pointer("/score/overall/percentage")
        .and_then(Value::as_f64)
        .ok_or_else(|| NotAReport {
            pointer: "/score/overall/percentage".into(),
            expected: "the overall score percentage".into(),
        })
}

fn control_points(report: &Value) -> BTreeMap<String, f64> {
    report
        .pointer("/score/controls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some((
                c.get("id")?.as_str()?.to_string(),
                c.get("current")?.as_f64()?,
            ))
        })
        .collect()
}

/// Compares `new` against `old` (both JSON reports). Findings are sorted by severity, then
/// policy, then resource.
pub fn compare(old: &Value, new: &Value, old_path: &str) -> Result<BaselineDelta, NotAReport> {
    let before = unhealthy(old)?;
    let after = unhealthy(new)?;
    let mut new_findings = Vec::new();
    let mut changed_findings = Vec::new();
    let mut unchanged = 0usize;
    for (fp, f) in &after {
        match before.get(fp) {
            None => new_findings.push(f.clone()),
            Some(b) if b.message != f.message => {
                let mut c = f.clone();
                c.previous_message.clone_from(&b.message);
                changed_findings.push(c);
            }
            Some(_) => unchanged += 1,
        }
    }
    let resolved_findings: Vec<FindingRef> = before
        .iter()
        .filter(|(fp, _)| !after.contains_key(*fp))
        .map(|(_, f)| f.clone())
        .collect();
    let (o, n) = (overall(old)?, overall(new)?);
    let old_controls = control_points(old);
    let controls = new
        .pointer("/score/controls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let id = c.get("id")?.as_str()?.to_string();
            let after = c.get("current")?.as_f64()?;
            let before = old_controls.get(&id).copied().unwrap_or(0.0);
            Some(ScoreChange {
                id,
                before,
                after,
                change: round4(after - before),
            })
        })
        .collect();
    let mut delta = BaselineDelta {
        path: old_path.to_string(),
        assessed_at: old
            .get("assessedAt")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        overall: ScoreChange {
            id: "overall".into(),
            before: o,
            after: n,
            change: round4(n - o),
        },
        controls,
        new_findings,
        resolved_findings,
        changed_findings,
        unchanged,
    };
    for list in [
        &mut delta.new_findings,
        &mut delta.resolved_findings,
        &mut delta.changed_findings,
    ] {
        list.sort_by(|a, b| {
            severity_rank(&a.severity)
                .cmp(&severity_rank(&b.severity))
                .then_with(|| a.policy.cmp(&b.policy))
                .then_with(|| {
                    a.resource
                        .to_ascii_lowercase()
                        .cmp(&b.resource.to_ascii_lowercase())
                })
        });
    }
    Ok(delta)
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "High" => 0,
        "Medium" => 1,
        "Low" => 2,
        _ => 3,
    }
}

/// Adds the comparison to a report and marks each unhealthy resource new, changed or
/// unchanged.
pub fn apply(report: &mut Report, delta: BaselineDelta) {
    let new: std::collections::BTreeSet<&str> = delta
        .new_findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let changed: std::collections::BTreeSet<&str> = delta
        .changed_findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    for rec in &mut report.recommendations {
        for r in &mut rec.resources {
            if r.state != "unhealthy" {
                continue;
            }
            let fp = r.fingerprint.as_str();
            r.baseline = Some(
                if new.contains(fp) {
                    "new"
                } else if changed.contains(fp) {
                    "changed"
                } else {
                    "unchanged"
                }
                .to_string(),
            );
        }
    }
    report.baseline = Some(delta);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(pct: f64, findings: &[(&str, &str, &str, &str)]) -> Value {
        // (policy, severity, fingerprint, message)
        let mut recs: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        let mut sev: BTreeMap<&str, &str> = BTreeMap::new();
        for (p, s, fp, m) in findings {
            sev.insert(p, s);
            recs.entry(p).or_default().push(json!({"id": format!("/r/{fp}"), "state": "unhealthy", "fingerprint": fp, "message": m}));
        }
        json!({
            "assessedAt": "2026-11-01T00:00:00Z",
            "score": {"overall": {"percentage": pct}, "controls": [{"id": "c1", "current": pct / 10.0}]},
            "recommendations": recs.iter().map(|(p, rs)| json!({"id": p, "title": p, "severity": sev[p], "resources": rs})).collect::<Vec<_>>(),
        })
    }

    #[test]
    fn one_fixed_one_new_one_unchanged_one_changed() {
        let old = report(
            50.0,
            &[
                ("a", "High", "f1", "x"),
                ("a", "High", "f2", "y"),
                ("b", "Low", "f3", "z"),
            ],
        );
        let new = report(
            55.0,
            &[
                ("a", "High", "f2", "y"),
                ("b", "Low", "f3", "z2"),
                ("b", "Low", "f4", "w"),
            ],
        );
        let d = compare(&old, &new, "old.json").unwrap();
        let fps = |v: &[FindingRef]| v.iter().map(|f| f.fingerprint.clone()).collect::<Vec<_>>();
        assert_eq!(fps(&d.resolved_findings), ["f1"]);
        assert_eq!(fps(&d.new_findings), ["f4"]);
        assert_eq!(fps(&d.changed_findings), ["f3"]);
        assert_eq!(d.changed_findings[0].previous_message.as_deref(), Some("z"));
        assert_eq!(d.unchanged, 1);
        assert_eq!(d.overall.change, 5.0);
        assert_eq!(d.controls[0].change, 0.5);
    }

    #[test]
    fn a_document_that_is_not_a_report_is_refused_with_the_place() {
        let e = compare(&json!({"score": {}}), &report(1.0, &[]), "x").unwrap_err();
        assert_eq!(e.pointer, "/recommendations");
        let e = compare(&report(1.0, &[]), &json!({"recommendations": []}), "x").unwrap_err();
        assert_eq!(e.pointer, "/score/overall/percentage");
    }
}
