//! What the scripts are made from, read from a JSON report: the one an assessment has just
//! built, or one written earlier (`posture fix --report`). One path for both, so the scripts
//! are the same either way. Templates come from the loaded policies' metadata; the facts a
//! report does not carry (a resource's region, a machine's OS family) come in as extras
//! when posture assessed the inventory itself.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::{FixInput, Gain, Host, Recommendation, Target};
use crate::model::{PolicyMeta, Severity};

/// Resource types of machines, whose findings may have host-side fixes (lower-cased).
pub const MACHINE_TYPES: [&str; 2] = [
    "microsoft.compute/virtualmachines",
    "microsoft.hybridcompute/machines",
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportIn {
    assessed_at: String,
    #[serde(default)]
    machines: Vec<MachineIn>,
    recommendations: Vec<RecIn>,
}

#[derive(Deserialize)]
struct MachineIn {
    id: String,
    hostname: String,
    #[serde(default)]
    os: String,
}

#[derive(Deserialize, Default)]
struct GainIn {
    points: f64,
    percent: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecIn {
    id: String,
    title: String,
    #[serde(default)]
    description: String,
    severity: String,
    control: String,
    #[serde(default)]
    control_name: String,
    #[serde(default)]
    remediation: String,
    #[serde(default)]
    resource_types: Vec<String>,
    #[serde(default)]
    potential_gain: GainIn,
    resources: Vec<ResIn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResIn {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    subscription_id: Option<String>,
    resource_group: Option<String>,
    #[serde(default)]
    name: Option<String>,
    state: String,
    message: Option<String>,
    #[serde(default)]
    fixes: Vec<Value>,
}

/// Facts about a resource that a report does not carry, keyed by lower-cased id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extra {
    /// Azure region (`location`).
    pub location: Option<String>,
    /// `agent.host.hostname`.
    pub hostname: Option<String>,
    /// `agent.host.os.family`.
    pub family: Option<String>,
}

/// The extras of one inventory resource (its whole ARM object, agent attached).
pub fn extra_of(value: &Value) -> Extra {
    let s = |ptr: &str| {
        value
            .pointer(ptr)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Extra {
        location: s("/location"),
        hostname: s("/agent/host/hostname"),
        family: s("/agent/host/os/family").map(|f| f.to_ascii_lowercase()),
    }
}

/// An OS family from a report's display name of the OS.
fn family_of(os: &str) -> String {
    let os = os.to_ascii_lowercase();
    if os.contains("windows") {
        "windows".into()
    } else if os.is_empty() {
        String::new()
    } else {
        "linux".into()
    }
}

/// Builds the input from a report. `policy` finds the loaded metadata of a policy id;
/// `extras` add what only the inventory knows. Errors name the report field that is missing.
pub fn from_report<'a>(
    report: &Value,
    version: &str,
    policy: &dyn Fn(&str) -> Option<&'a PolicyMeta>,
    extras: &BTreeMap<String, Extra>,
) -> Result<FixInput, String> {
    let r: ReportIn = serde_json::from_value(report.clone()).map_err(|e| e.to_string())?;
    let machines: BTreeMap<String, &MachineIn> = r
        .machines
        .iter()
        .map(|m| (m.id.to_ascii_lowercase(), m))
        .collect();
    let mut recommendations = Vec::with_capacity(r.recommendations.len());
    for rec in &r.recommendations {
        let meta = policy(&rec.id);
        let severity = Severity::parse(&rec.severity).ok_or_else(|| {
            format!(
                "recommendation `{}` has severity {:?}, not High, Medium or Low",
                rec.id, rec.severity
            )
        })?;
        let types = meta.map_or(&rec.resource_types, |m| &m.resource_types);
        let targets =
            rec.resources
                .iter()
                .filter(|x| x.state == "unhealthy")
                .map(|x| {
                    let key = x.id.to_ascii_lowercase();
                    let extra = extras.get(&key).cloned().unwrap_or_default();
                    let machine = machines.get(&key);
                    let host = extra
                        .hostname
                        .clone()
                        .or_else(|| machine.map(|m| m.hostname.clone()))
                        .map(|hostname| Host {
                            hostname,
                            family: extra
                                .family
                                .clone()
                                .or_else(|| machine.map(|m| family_of(&m.os)))
                                .unwrap_or_default(),
                        });
                    Target {
                        id: x.id.clone(),
                        name: x.name.clone().unwrap_or_else(|| {
                            x.id.rsplit('/').next().unwrap_or(&x.id).to_string()
                        }),
                        kind: x.kind.clone(),
                        group: x.resource_group.clone(),
                        subscription: x.subscription_id.clone(),
                        location: extra.location,
                        message: x.message.clone(),
                        fixes: x.fixes.clone(),
                        host,
                    }
                })
                .collect();
        recommendations.push(Recommendation {
            id: rec.id.clone(),
            title: rec.title.clone(),
            description: meta.map_or_else(|| rec.description.clone(), |m| m.description.clone()),
            severity,
            control: if rec.control_name.is_empty() {
                rec.control.clone()
            } else {
                rec.control_name.clone()
            },
            remediation: meta.map_or_else(|| rec.remediation.clone(), |m| m.remediation.clone()),
            user_impact: meta.and_then(|m| m.user_impact.clone()),
            gain: Gain {
                points: rec.potential_gain.points,
                percent: rec.potential_gain.percent,
            },
            quick_fix: meta.and_then(|m| m.quick_fix.clone()),
            loaded: meta.is_some(),
            machines: types
                .iter()
                .any(|t| MACHINE_TYPES.contains(&t.to_ascii_lowercase().as_str())),
            targets,
            exempt: rec.resources.iter().filter(|x| x.state == "exempt").count(),
        });
    }
    Ok(FixInput {
        version: version.to_string(),
        assessed_at: r.assessed_at,
        recommendations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unhealthy_resources_become_targets_and_machines_get_their_host() {
        let report = serde_json::json!({
            "assessedAt": "2026-11-26T00:00:00Z",
            "machines": [{"id": "/S/VM", "hostname": "web-01", "os": "Debian GNU/Linux 12"}],
            "recommendations": [{
                "id": "p", "title": "T", "severity": "High", "control": "c",
                "resourceTypes": ["Microsoft.Compute/virtualMachines"],
                "potentialGain": {"points": 1.0, "percent": 2.0},
                "resources": [
                    {"id": "/s/vm", "type": "Microsoft.Compute/virtualMachines", "subscriptionId": "s",
                     "resourceGroup": null, "name": "vm", "state": "unhealthy", "message": "m",
                     "fixes": [{"rule": "r"}]},
                    {"id": "/s/b", "type": "x", "subscriptionId": null, "resourceGroup": null,
                     "state": "exempt", "message": null},
                    {"id": "/s/c", "type": "x", "subscriptionId": null, "resourceGroup": null,
                     "state": "healthy", "message": null}
                ]
            }]
        });
        let input = from_report(&report, "1", &|_| None, &BTreeMap::new()).unwrap();
        let rec = &input.recommendations[0];
        assert!(!rec.loaded);
        assert!(rec.machines);
        assert_eq!(rec.exempt, 1);
        assert_eq!(rec.targets.len(), 1);
        assert_eq!(
            rec.targets[0].host,
            Some(Host {
                hostname: "web-01".into(),
                family: "linux".into()
            })
        );
        assert!(from_report(
            &serde_json::json!({"x": 1}),
            "1",
            &|_| None,
            &BTreeMap::new()
        )
        .is_err());
    }
}
