//! The `sarif` format: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//!
//! Responsibility: turn the [`Report`] into one run whose rules are the recommendations and
//! whose results are the unhealthy and exempt resources, shaped by what code scanning accepts
//! and what peers got wrong (reference/peers.md sections 4 and 9):
//! - every result has a physical location (file and line of the resource's object), because
//!   GitHub rejects the whole file when one result has only a logical location;
//! - `startLine` and `startColumn` are at least 1;
//! - one rule per policy id, no duplicates, sorted, so `ruleIndex` is stable;
//! - `partialFingerprints` carry posture's finding fingerprint (policy + resource id), which
//!   does not move when lines do, so alerts are tracked across runs instead of re-opened;
//! - exempt resources are results with an accepted external suppression, not silently dropped;
//! - one run per file.
//!
//! The output validates against the official schema shipped as
//! `schemas/sarif-2.1.0.schema.json` (OASIS errata01, JSON Schema draft 4).

use std::collections::BTreeMap;
use std::io;

use super::sarif_model::{
    AlertProperties, ArtifactLocation, Configuration, Descriptor, Driver, Invocation, Location,
    Log, LogicalLocation, Notification, PhysicalLocation, Properties, Region, ResultProperties,
    Rule, RuleProperties, Run, SarifResult, Suppression, Text, ToolWrapper,
};
use super::{Alert, Message, Recommendation, RenderOptions, Report, Reporter, ResourceState};

/// The `$schema` of the log: the `id` of the schema posture ships.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where code scanning shows more about the tool.
const INFORMATION_URI: &str = "https://posture.dev";

/// The `partialFingerprints` key; the version lets the scheme change without colliding.
pub const FINGERPRINT_KEY: &str = "postureFinding/v1";

/// The `partialFingerprints` key of alerts (their fingerprint is another scheme).
pub const ALERT_FINGERPRINT_KEY: &str = "postureAlert/v1";

/// Rule ids of alert types start with this, so they cannot collide with policy ids.
pub const ALERT_RULE_PREFIX: &str = "alert/";

/// Relative URIs are relative to the checkout root: GitHub resolves `%SRCROOT%` there, and CI
/// runs posture from that root.
const SRCROOT: &str = "%SRCROOT%";

/// Writes SARIF 2.1.0 logs.
#[derive(Debug, Clone, Copy)]
pub struct SarifReporter;

impl Reporter for SarifReporter {
    fn render(
        &self,
        report: &Report,
        _: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &log(report)).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}

/// The whole log.
fn log(report: &Report) -> Log {
    // Deduplicated by id and sorted: the rule list and every ruleIndex stay put between runs
    // whatever the gain order of the recommendations. A duplicate id (two policies cannot
    // share one, but the report does not forbid it) keeps the first's metadata and all
    // resources.
    let mut by_id: BTreeMap<&str, Vec<&Recommendation>> = BTreeMap::new();
    for rec in &report.recommendations {
        by_id.entry(rec.id.as_str()).or_default().push(rec);
    }
    let mut rules = Vec::with_capacity(by_id.len());
    let mut results = Vec::new();
    for (index, recs) in by_id.values().enumerate() {
        let Some(first) = recs.first() else {
            continue;
        };
        rules.push(rule(first));
        for rec in recs {
            for res in &rec.resources {
                if res.state == "unhealthy" || res.state == "exempt" {
                    results.push(result(report, first, index, res));
                }
            }
        }
    }

    // Alerts: one rule per alert type after the recommendations' rules, sorted by type, so
    // the indices of both stay put between runs.
    let mut by_type: BTreeMap<&str, Vec<&Alert>> = BTreeMap::new();
    for a in &report.alerts {
        by_type.entry(a.alert_type.as_str()).or_default().push(a);
    }
    for alerts in by_type.values() {
        let Some(first) = alerts.first() else {
            continue;
        };
        let index = rules.len();
        rules.push(alert_rule(first));
        for a in alerts {
            results.push(alert_result(report, a, index));
        }
    }

    let notifications = report
        .errors
        .iter()
        .map(|m| notification(m, "error"))
        .chain(report.warnings.iter().map(|m| notification(m, "warning")))
        .collect();

    let mut properties = BTreeMap::new();
    properties.insert(
        "secureScorePercent".to_string(),
        serde_json::Value::from(round2(report.score.overall.percentage)),
    );

    Log {
        schema: SCHEMA_URI.to_string(),
        version: "2.1.0".to_string(),
        runs: vec![Run {
            tool: ToolWrapper {
                driver: Driver {
                    name: report.tool.name.clone(),
                    version: report.tool.version.clone(),
                    information_uri: INFORMATION_URI.to_string(),
                    rules,
                },
            },
            invocations: vec![Invocation {
                // Failed inputs or policies make the result untrustworthy (exit code 2);
                // viewers show an unsuccessful run instead of a clean one.
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
            // posture counts columns in characters (source.rs, line_col_of).
            column_kind: "unicodeCodePoints".to_string(),
            results,
            properties: Some(properties),
        }],
    }
}

fn rule(rec: &Recommendation) -> Rule {
    let (level, security_severity) = severity(&rec.severity);
    let mut tags = vec!["security".to_string()];
    if !rec.control.is_empty() && rec.control != "security" {
        tags.push(rec.control.clone());
    }
    let full = if rec.description.is_empty() {
        rec.title.clone()
    } else {
        rec.description.clone()
    };
    Rule {
        id: rec.id.clone(),
        name: pascal_case(&rec.id),
        short_description: Text::plain(rec.title.clone()),
        full_description: Text::plain(full),
        help: Text {
            text: rec.remediation.clone(),
            markdown: Some(format!(
                "{}\n\n**Severity:** {} · **Control:** {}",
                rec.remediation, rec.severity, rec.control_name
            )),
        },
        default_configuration: Configuration {
            level: level.to_string(),
        },
        properties: RuleProperties {
            security_severity: security_severity.map(str::to_string),
            tags,
            precision: "high".to_string(),
        },
    }
}

fn result(
    report: &Report,
    rec: &Recommendation,
    rule_index: usize,
    res: &ResourceState,
) -> SarifResult {
    let (level, _) = severity(&rec.severity);
    let what = res.message.as_deref().unwrap_or(&rec.title);
    let text = match &res.exemption {
        Some(e) if res.state == "exempt" => {
            format!("{}: {what} (exempt: {})", res.name, e.category)
        }
        _ => format!("{}: {what}", res.name),
    };
    let suppressions = (res.state == "exempt").then(|| {
        let justification = res.exemption.as_ref().map_or_else(
            || "exempt".to_string(),
            |e| format!("{}: {}", e.category, e.reason),
        );
        vec![Suppression {
            kind: "external".to_string(),
            status: "accepted".to_string(),
            justification,
        }]
    });
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), res.fingerprint.clone());
    SarifResult {
        rule_id: rec.id.clone(),
        rule_index,
        level: level.to_string(),
        message: Text::plain(text),
        locations: vec![Location {
            physical_location: physical_location(report, res),
            logical_locations: vec![LogicalLocation {
                name: res.name.to_string(),
                fully_qualified_name: res.id.to_string(),
                kind: "resource".to_string(),
            }],
        }],
        partial_fingerprints: fingerprints,
        suppressions,
        baseline_state: res.baseline.as_deref().and_then(baseline_state),
        properties: Properties::Finding(ResultProperties {
            resource_type: res.kind.to_string(),
            subscription_id: res.subscription_id.as_deref().map(str::to_string),
            potential_gain_percent: round2(rec.potential_gain.percent),
        }),
    }
}

/// The rule of an alert type, from the first alert of that type.
fn alert_rule(a: &Alert) -> Rule {
    let (level, security_severity) = severity(&a.severity);
    let mut tags = vec!["security".to_string(), "alert".to_string()];
    tags.extend(a.tactics.iter().cloned());
    tags.extend(a.techniques.iter().map(|t| format!("external/mitre/{t}")));
    Rule {
        id: format!("{ALERT_RULE_PREFIX}{}", a.alert_type),
        name: pascal_case(&a.alert_type),
        short_description: Text::plain(a.title.clone()),
        full_description: Text::plain(a.description.clone()),
        help: Text {
            text: a.remediation.clone(),
            markdown: Some(format!(
                "{}\n\n**Severity:** {} · **Tactics:** {} · **Techniques:** {}",
                a.remediation,
                a.severity,
                a.tactics.join(", "),
                a.techniques.join(", ")
            )),
        },
        default_configuration: Configuration {
            level: level.to_string(),
        },
        properties: RuleProperties {
            security_severity: security_severity.map(str::to_string),
            tags,
            // An anomaly is only new, not necessarily bad.
            precision: if a.source == "anomaly" {
                "medium"
            } else {
                "high"
            }
            .to_string(),
        },
    }
}

/// One alert, located at the machine's snapshot file (the evidence posture read).
fn alert_result(report: &Report, a: &Alert, rule_index: usize) -> SarifResult {
    let (level, _) = severity(&a.severity);
    let (file, line, column) = match &a.location {
        Some(at) => (Some(&*at.file), at.line, at.column),
        None => (report.inputs.first().map(|i| i.path.as_str()), 1, 1),
    };
    let physical_location = file.map(|f| PhysicalLocation {
        artifact_location: artifact_location(f),
        region: Region {
            start_line: line.max(1),
            start_column: column.max(1),
        },
    });
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(ALERT_FINGERPRINT_KEY.to_string(), a.fingerprint.clone());
    SarifResult {
        rule_id: format!("{ALERT_RULE_PREFIX}{}", a.alert_type),
        rule_index,
        level: level.to_string(),
        message: Text::plain(format!("{}: {}", a.hostname, a.message)),
        locations: vec![Location {
            physical_location,
            logical_locations: vec![LogicalLocation {
                name: a.hostname.clone(),
                fully_qualified_name: a.machine.clone(),
                kind: "resource".to_string(),
            }],
        }],
        partial_fingerprints: fingerprints,
        suppressions: None,
        baseline_state: None,
        properties: Properties::Alert(AlertProperties {
            alert_severity: a.severity.clone(),
            start_time: a.start.clone(),
            end_time: a.end.clone(),
            tactics: a.tactics.clone(),
            techniques: a.techniques.clone(),
            source: a.source.clone(),
            entities: a.entities.clone(),
        }),
    }
}

/// The resource's file and line; without one, the first input at line 1.
///
/// GitHub code scanning rejects the whole upload when any result lacks a physical location
/// (codeql-action#1738, sarif-sdk#2694), and some resources have none (machines made from agent
/// snapshots). The first input is where the estate is described; the logical location still
/// names the exact resource. Only a report without inputs (which cannot have resources) gets
/// none.
fn physical_location(report: &Report, res: &ResourceState) -> Option<PhysicalLocation> {
    let (file, line, column) = match &res.location {
        Some(at) => (&*at.file, at.line, at.column),
        None => (report.inputs.first()?.path.as_str(), 1, 1),
    };
    Some(PhysicalLocation {
        artifact_location: artifact_location(file),
        region: Region {
            start_line: line.max(1),
            start_column: column.max(1),
        },
    })
}

fn notification(message: &Message, level: &str) -> Notification {
    let locations = message
        .file
        .as_deref()
        .map(|file| Location {
            physical_location: Some(PhysicalLocation {
                artifact_location: artifact_location(file),
                region: Region {
                    start_line: message.line.unwrap_or(1).max(1),
                    start_column: message.column.unwrap_or(1).max(1),
                },
            }),
            logical_locations: Vec::new(),
        })
        .into_iter()
        .collect();
    Notification {
        level: level.to_string(),
        message: Text::plain(message.message.clone()),
        descriptor: Descriptor {
            id: message.code.clone(),
        },
        locations,
    }
}

/// Result level and GitHub `security-severity` (a string: GitHub parses it) by severity, on
/// the scale peers use (High 8.9, Medium 6.9, Low 3.9). An unknown severity gets a warning and
/// no score rather than an invented one.
fn severity(severity: &str) -> (&'static str, Option<&'static str>) {
    match severity.to_ascii_lowercase().as_str() {
        "high" => ("error", Some("8.9")),
        "medium" => ("warning", Some("6.9")),
        "low" => ("note", Some("3.9")),
        // Meaningful only with other alerts: shown, never scored as a risk of its own.
        "informational" => ("note", None),
        _ => ("warning", None),
    }
}

/// posture's baseline words in SARIF's: a changed message is an `updated` result.
fn baseline_state(state: &str) -> Option<String> {
    match state {
        "new" => Some("new".to_string()),
        "unchanged" => Some("unchanged".to_string()),
        "changed" => Some("updated".to_string()),
        _ => None,
    }
}

/// `storage-public-network` -> `StoragePublicNetwork`: words split at anything that is not a
/// letter or digit, each capitalised.
pub fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
        })
        .collect()
}

/// The input path as a URI reference.
///
/// Relative paths (the usual case: CI runs posture from the checkout root) become relative
/// URIs against `%SRCROOT%`. Absolute paths become `file:` URIs without a base, which viewers
/// (GitHub included) map back into the checkout when they can. Backslashes become slashes and
/// leading `./` goes, so Windows and Unix runs point at the same alert location.
pub fn artifact_location(path: &str) -> ArtifactLocation {
    let mut path = path.replace('\\', "/");
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_string();
    }
    let drive = {
        let b = path.as_bytes();
        b.len() >= 3 && b.first().is_some_and(u8::is_ascii_alphabetic) && b.get(1..3) == Some(b":/")
    };
    if drive {
        // `C:/x` -> `file:///C:/x`: the drive colon is the one character kept as is.
        let (letter, rest) = path.split_at(2);
        ArtifactLocation {
            uri: format!("file:///{letter}{}", encode_path(rest)),
            uri_base_id: None,
        }
    } else if let Some(rest) = path.strip_prefix("//") {
        // A UNC path names a host: `//server/share` -> `file://server/share`.
        ArtifactLocation {
            uri: format!("file://{}", encode_path(rest)),
            uri_base_id: None,
        }
    } else if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", encode_path(&path)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encode_path(&path),
            uri_base_id: Some(SRCROOT.to_string()),
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/`, UTF-8 bytes as
/// `%XX`. Conservative on purpose: a `:` in a first segment would otherwise read as a scheme,
/// and `#`, `?`, `%` or a space would end or corrupt the path.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Two decimals: enough for a gain, and no `2.9137931034482758` noise in the file.
fn round2(x: f64) -> f64 {
    if x.is_finite() {
        (x * 100.0).round() / 100.0 + 0.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{load_error, sample};
    use serde_json::Value;

    const SCHEMA: &str = include_str!("../../schemas/sarif-2.1.0.schema.json");

    fn render(report: &Report) -> String {
        let mut out = Vec::new();
        SarifReporter
            .render(report, &RenderOptions::default(), &mut out)
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    fn value(report: &Report) -> Value {
        serde_json::from_str(&render(report)).unwrap()
    }

    fn results(v: &Value) -> &Vec<Value> {
        v["runs"][0]["results"].as_array().unwrap()
    }

    fn result_for<'a>(v: &'a Value, name: &str) -> &'a Value {
        results(v)
            .iter()
            .find(|r| r["locations"][0]["logicalLocations"][0]["name"].as_str() == Some(name))
            .unwrap()
    }

    fn schema() -> Value {
        serde_json::from_str(SCHEMA).unwrap()
    }

    fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
        validator
            .iter_errors(instance)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect()
    }

    #[test]
    fn shipped_schema_is_the_official_2_1_0() {
        let schema = schema();
        assert_eq!(
            schema["title"],
            "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
        );
        assert_eq!(schema["id"], SCHEMA_URI);
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
        assert_eq!(schema["properties"]["version"]["enum"][0], "2.1.0");
        // build.rs embeds it like every schema.
        assert_eq!(crate::assets::schema("sarif-2.1.0"), Some(SCHEMA));
    }

    #[test]
    fn output_validates_against_the_official_schema() {
        let schema = schema();
        // The schema declares draft 4 (`$schema`); build the validator for exactly that draft
        // rather than trusting auto-detection.
        let draft4 = jsonschema::draft4::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        // Draft 4 has no `uri-reference` format, so the artifact URIs would go unchecked; a
        // draft-7 pass over the same schema checks them (its `id` keyword is ignored there,
        // and every `$ref` is local).
        let draft7 = jsonschema::draft7::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();

        let mut with_errors = sample();
        with_errors.errors.push(load_error());
        let mut no_baseline = sample();
        no_baseline.baseline = None;
        for report in [&sample(), &with_errors, &no_baseline] {
            let v = value(report);
            assert_eq!(errors(&draft4, &v), Vec::<String>::new());
            assert_eq!(errors(&draft7, &v), Vec::<String>::new());
        }

        // The validators do bite.
        let mut broken = value(&sample());
        broken["runs"][0]["results"][0]["level"] = "fatal".into();
        assert!(!draft4.is_valid(&broken));
        let mut broken = value(&sample());
        broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
            ["startLine"] = 0.into();
        assert!(!draft4.is_valid(&broken));
        let mut broken = value(&sample());
        broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"] = "a b\\c".into();
        assert!(!draft7.is_valid(&broken));
    }

    #[test]
    fn one_run_with_the_driver() {
        let v = value(&sample());
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(v["$schema"], SCHEMA_URI);
        assert_eq!(v["runs"].as_array().unwrap().len(), 1);
        let driver = &v["runs"][0]["tool"]["driver"];
        assert_eq!(driver["name"], "posture");
        assert_eq!(driver["version"], "0.1.0");
        assert_eq!(driver["informationUri"], "https://posture.dev");
    }

    #[test]
    fn rules_are_unique_sorted_and_complete() {
        let mut report = sample();
        // A duplicate id must not produce a duplicate rule (trivy-action#22).
        let dup = report.recommendations[0].clone();
        report.recommendations.push(dup);
        let v = value(&report);
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        // Recommendations' rules first, sorted; the alert types' rules after them (tested below).
        let ids: Vec<&str> = rules
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .filter(|id| !id.starts_with(ALERT_RULE_PREFIX))
            .collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
        assert_eq!(ids.len(), 6, "every recommendation, healthy ones too");
        assert_eq!(rules.len(), 6 + 2);

        let rule = rules
            .iter()
            .find(|r| r["id"] == "storage-public-network")
            .unwrap();
        assert_eq!(rule["name"], "StoragePublicNetwork");
        assert_eq!(
            rule["shortDescription"]["text"],
            "Storage accounts should restrict network access"
        );
        assert!(rule["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("attacker"));
        assert!(rule["help"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Set publicNetworkAccess"));
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("**Severity:** High"));
        assert_eq!(rule["defaultConfiguration"]["level"], "error");
        assert_eq!(rule["properties"]["security-severity"], "8.9");
        assert_eq!(
            rule["properties"]["tags"],
            serde_json::json!(["security", "restrict-network"])
        );
        assert_eq!(rule["properties"]["precision"], "high");

        // Every result points at its own rule.
        for r in results(&v) {
            let index = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
            assert_eq!(rules[index]["id"], r["ruleId"]);
        }
    }

    #[test]
    fn severity_levels() {
        assert_eq!(severity("High"), ("error", Some("8.9")));
        assert_eq!(severity("Medium"), ("warning", Some("6.9")));
        assert_eq!(severity("Low"), ("note", Some("3.9")));
        assert_eq!(severity("Critical?"), ("warning", None));
    }

    #[test]
    fn results_are_unhealthy_and_exempt_resources_only() {
        let report = sample();
        let v = value(&report);
        let expected = report
            .recommendations
            .iter()
            .flat_map(|r| &r.resources)
            .filter(|r| r.state == "unhealthy" || r.state == "exempt")
            .count();
        assert_eq!(results(&v).len(), expected + report.alerts.len());
        let r = result_for(&v, "webassets");
        assert_eq!(r["ruleId"], "storage-public-network");
        assert_eq!(r["level"], "error");
        assert_eq!(
            r["message"]["text"],
            "webassets: public network access is Enabled and no firewall rule restricts it"
        );
        let loc = &r["locations"][0];
        assert_eq!(
            loc["physicalLocation"]["region"],
            serde_json::json!({"startLine": 12, "startColumn": 5})
        );
        assert_eq!(loc["logicalLocations"][0]["kind"], "resource");
        assert!(loc["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .ends_with("/storageAccounts/webassets"));
        assert_eq!(
            r["properties"]["resourceType"],
            "Microsoft.Storage/storageAccounts"
        );
        assert_eq!(
            r["properties"]["subscriptionId"],
            "00000000-0000-0000-0000-0000000000a1"
        );
        assert_eq!(r["properties"]["potentialGainPercent"], 2.29);
    }

    #[test]
    fn fingerprints_are_the_findings_and_stable() {
        let report = sample();
        let v = value(&report);
        let r = result_for(&v, "webassets");
        assert_eq!(
            r["partialFingerprints"],
            serde_json::json!({"postureFinding/v1": "9f2a6c1e4b7d3a8f0c5e2d1b6a9f4c7e"})
        );
        // Moving the resource in its file, or reordering recommendations, moves no fingerprint.
        let mut moved = report.clone();
        moved.recommendations.reverse();
        for rec in &mut moved.recommendations {
            for res in &mut rec.resources {
                if let Some(at) = &mut res.location {
                    at.line += 40;
                }
            }
        }
        let fingerprints = |v: &Value| {
            let mut f: Vec<String> = results(v)
                .iter()
                .filter(|r| r["partialFingerprints"].get(FINGERPRINT_KEY).is_some())
                .map(|r| {
                    r["partialFingerprints"][FINGERPRINT_KEY]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect();
            f.sort();
            f
        };
        assert_eq!(fingerprints(&v), fingerprints(&value(&moved)));
        assert_eq!(render(&report), render(&report));
    }

    #[test]
    fn exempt_results_carry_a_suppression() {
        let v = value(&sample());
        let r = result_for(&v, "legacyfiles");
        assert_eq!(
            r["suppressions"],
            serde_json::json!([{
                "kind": "external",
                "status": "accepted",
                "justification": "waiver: retired with the file server in Q1"
            }])
        );
        assert!(r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("(exempt: waiver)"));
        for r in results(&v) {
            let exempt = r["locations"][0]["logicalLocations"][0]["name"] == "legacyfiles";
            assert_eq!(r.get("suppressions").is_some(), exempt);
        }
    }

    #[test]
    fn a_resource_without_location_gets_the_first_input_line_1() {
        let v = value(&sample());
        let r = result_for(&v, "db-02");
        assert_eq!(
            r["locations"][0]["physicalLocation"],
            serde_json::json!({
                "artifactLocation": {"uri": "inventory/prod%20estate.json", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 1, "startColumn": 1}
            })
        );
        for r in results(&v) {
            assert!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string());
        }
    }

    #[test]
    fn uris_are_escaped_relative_references() {
        let uri = |p: &str| {
            let a = artifact_location(p);
            (a.uri, a.uri_base_id)
        };
        let src = Some("%SRCROOT%".to_string());
        assert_eq!(
            uri("inventory/prod estate.json"),
            ("inventory/prod%20estate.json".into(), src.clone())
        );
        assert_eq!(
            uri(".\\inventory\\dev.json"),
            ("inventory/dev.json".into(), src.clone())
        );
        assert_eq!(
            uri("./a/./b#1?.json"),
            ("a/./b%231%3F.json".into(), src.clone())
        );
        assert_eq!(uri("c:d.json"), ("c%3Ad.json".into(), src.clone()));
        assert_eq!(
            uri("données/é 100%.json"),
            ("donn%C3%A9es/%C3%A9%20100%25.json".into(), src)
        );
        assert_eq!(
            uri("/home/ci/repo/inv.json"),
            ("file:///home/ci/repo/inv.json".into(), None)
        );
        assert_eq!(
            uri("C:\\ci\\my repo\\inv.json"),
            ("file:///C:/ci/my%20repo/inv.json".into(), None)
        );
        assert_eq!(
            uri("\\\\server\\share\\inv.json"),
            ("file://server/share/inv.json".into(), None)
        );
    }

    #[test]
    fn baseline_states() {
        let v = value(&sample());
        assert_eq!(result_for(&v, "logsarchive")["baselineState"], "new");
        assert_eq!(result_for(&v, "webassets")["baselineState"], "unchanged");
        assert_eq!(result_for(&v, "nsg-jumpbox")["baselineState"], "updated");
        assert!(result_for(&v, "legacyfiles").get("baselineState").is_none());
    }

    #[test]
    fn invocation_reports_errors_and_warnings() {
        let v = value(&sample());
        let invocation = &v["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], true);
        assert_eq!(
            invocation["toolExecutionNotifications"][0]["level"],
            "warning"
        );

        let mut report = sample();
        report.errors.push(load_error());
        let v = value(&report);
        let invocation = &v["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        let error = &invocation["toolExecutionNotifications"][0];
        assert_eq!(error["level"], "error");
        assert_eq!(error["descriptor"]["id"], "load::json");
        assert_eq!(
            error["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "inventory/broken%20file.json"
        );
        assert_eq!(
            error["locations"][0]["physicalLocation"]["region"]["startLine"],
            3
        );
    }

    #[test]
    fn pascal_case_names() {
        assert_eq!(
            pascal_case("storage-public-network"),
            "StoragePublicNetwork"
        );
        assert_eq!(pascal_case("aad_mfa.owners2"), "AadMfaOwners2");
        assert_eq!(pascal_case("--x"), "X");
    }

    #[test]
    fn alerts_are_results_of_one_rule_per_alert_type() {
        let v = value(&sample());
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        let alert_rules: Vec<&str> = rules
            .iter()
            .filter_map(|r| r["id"].as_str())
            .filter(|id| id.starts_with(ALERT_RULE_PREFIX))
            .collect();
        assert_eq!(
            alert_rules,
            vec![
                "alert/anomaly-new-listening-port",
                "alert/linux-ssh-bruteforce-success"
            ]
        );
        let alerts: Vec<&Value> = results(&v)
            .iter()
            .filter(|r| r["ruleId"].as_str().unwrap().starts_with(ALERT_RULE_PREFIX))
            .collect();
        assert_eq!(alerts.len(), 2);
        for r in &alerts {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], r["ruleId"]);
        }
        let high = alerts
            .iter()
            .find(|r| r["ruleId"] == "alert/linux-ssh-bruteforce-success")
            .unwrap();
        assert_eq!(high["level"], "error");
        assert_eq!(
            high["partialFingerprints"][ALERT_FINGERPRINT_KEY],
            "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
        );
        assert_eq!(
            high["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "agents/db-02.json"
        );
        assert_eq!(high["properties"]["techniques"][0], "T1110.001");
        assert!(high["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("db-02: 203.0.113.7"));
        let info = alerts
            .iter()
            .find(|r| r["ruleId"] == "alert/anomaly-new-listening-port")
            .unwrap();
        assert_eq!(info["level"], "note");
        // No snapshot location: the first input, like resources without one.
        assert_eq!(
            info["locations"][0]["physicalLocation"]["region"]["startLine"],
            1
        );
        let anomaly_rule = rules
            .iter()
            .find(|r| r["id"] == "alert/anomaly-new-listening-port")
            .unwrap();
        assert_eq!(anomaly_rule["properties"]["precision"], "medium");
        assert!(anomaly_rule["properties"]
            .get("security-severity")
            .is_none());
    }

    /// The realistic report in this format, reviewed as `snapshots/{name}.snap`.
    #[test]
    fn snapshot() {
        let text = render(&sample());
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!("report__sarif", text)
        });
    }
}
