//! The part of the SARIF 2.1.0 object model posture writes, as serde types.
//!
//! Responsibility: field names and nesting only; what goes in them is `sarif.rs`'s business.
//! Typed structs rather than `json!` so a misspelt property is a compile error, and field order
//! here is the key order in the file (deterministic bytes, readable diffs). Optional fields are
//! left out rather than written as `null`, which the schema rejects for most of them.

use std::collections::BTreeMap;

use serde::Serialize;

/// The top-level `sarifLog`.
#[derive(Debug, Serialize)]
pub struct Log {
    /// The schema the log conforms to.
    #[serde(rename = "$schema")]
    pub schema: String,
    /// Always `2.1.0`.
    pub version: String,
    /// Exactly one run: since July 2025 GitHub no longer merges several runs of one tool.
    pub runs: Vec<Run>,
}

/// One run of the tool.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// The tool and its rules.
    pub tool: ToolWrapper,
    /// How the run went (one invocation).
    pub invocations: Vec<Invocation>,
    /// Unit of `startColumn`.
    pub column_kind: String,
    /// The findings.
    pub results: Vec<SarifResult>,
    /// Run-level facts (the Secure Score).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<BTreeMap<String, serde_json::Value>>,
}

/// `tool`.
#[derive(Debug, Serialize)]
pub struct ToolWrapper {
    /// The analysis tool.
    pub driver: Driver,
}

/// `tool.driver`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    /// `posture`.
    pub name: String,
    /// Crate version.
    pub version: String,
    /// Project home.
    pub information_uri: String,
    /// One per recommendation, sorted by id.
    pub rules: Vec<Rule>,
}

/// A `reportingDescriptor` for one policy.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Policy id.
    pub id: String,
    /// PascalCase of the id.
    pub name: String,
    /// Title.
    pub short_description: Text,
    /// Description.
    pub full_description: Text,
    /// Remediation.
    pub help: Text,
    /// Level by severity.
    pub default_configuration: Configuration,
    /// `security-severity`, tags, precision.
    pub properties: RuleProperties,
}

/// A `multiformatMessageString` or `message`.
#[derive(Debug, Serialize)]
pub struct Text {
    /// Plain text.
    pub text: String,
    /// The Markdown variant, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markdown: Option<String>,
}

impl Text {
    /// Plain text only.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            markdown: None,
        }
    }
}

/// `reportingConfiguration`.
#[derive(Debug, Serialize)]
pub struct Configuration {
    /// `error`, `warning` or `note`.
    pub level: String,
}

/// A rule's property bag.
#[derive(Debug, Serialize)]
pub struct RuleProperties {
    /// GitHub's severity score, as a string (GitHub parses a string).
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    pub security_severity: Option<String>,
    /// `security` and the control id.
    pub tags: Vec<String>,
    /// How often the rule is right.
    pub precision: String,
}

/// A `result`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    /// Policy id.
    pub rule_id: String,
    /// Index of the rule in `driver.rules`.
    pub rule_index: usize,
    /// `error`, `warning` or `note`.
    pub level: String,
    /// The finding, naming the resource.
    pub message: Text,
    /// Where: the inventory file and line, and the resource id.
    pub locations: Vec<Location>,
    /// Stable identity for alert tracking.
    pub partial_fingerprints: BTreeMap<String, String>,
    /// Present for exempt resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressions: Option<Vec<Suppression>>,
    /// Against `--baseline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_state: Option<String>,
    /// Resource type, subscription, potential gain; or an alert's times and ATT&CK ids.
    pub properties: Properties,
}

/// A result's property bag: a finding's or an alert's.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Properties {
    /// An unhealthy or exempt resource.
    Finding(ResultProperties),
    /// A security alert.
    Alert(AlertProperties),
}

/// An alert result's property bag.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertProperties {
    /// `High`, `Medium`, `Low` or `Informational`.
    pub alert_severity: String,
    /// First contributing event.
    pub start_time: String,
    /// Last contributing event.
    pub end_time: String,
    /// MITRE ATT&CK tactics.
    pub tactics: Vec<String>,
    /// MITRE ATT&CK technique ids.
    pub techniques: Vec<String>,
    /// `detection`, `intel` or `anomaly`.
    pub source: String,
    /// What the alert is about.
    pub entities: serde_json::Value,
}

/// A `location`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// File and region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical_location: Option<PhysicalLocation>,
    /// The resource.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logical_locations: Vec<LogicalLocation>,
}

/// A `physicalLocation`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    /// The file.
    pub artifact_location: ArtifactLocation,
    /// Where in it.
    pub region: Region,
}

/// An `artifactLocation`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    /// Percent-encoded URI reference.
    pub uri: String,
    /// `%SRCROOT%` for relative paths.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri_base_id: Option<String>,
}

/// A `region`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    /// 1-based line.
    pub start_line: usize,
    /// 1-based column.
    pub start_column: usize,
}

/// A `logicalLocation`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogicalLocation {
    /// Short name.
    pub name: String,
    /// ARM id.
    pub fully_qualified_name: String,
    /// `resource`.
    pub kind: String,
}

/// A `suppression`.
#[derive(Debug, Serialize)]
pub struct Suppression {
    /// `external`: the exemption lives in posture's config, not the inventory.
    pub kind: String,
    /// `accepted`.
    pub status: String,
    /// `<category>: <reason>`.
    pub justification: String,
}

/// A result's property bag.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultProperties {
    /// Resource type.
    pub resource_type: String,
    /// Subscription, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// The recommendation's potential gain in percentage points.
    pub potential_gain_percent: f64,
}

/// An `invocation`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    /// False when inputs or policies failed.
    pub execution_successful: bool,
    /// Errors and warnings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification>,
}

/// A `notification`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// `error` or `warning`.
    pub level: String,
    /// What went wrong.
    pub message: Text,
    /// The diagnostic's code.
    pub descriptor: Descriptor,
    /// The file it is about, when known.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
}

/// A `reportingDescriptorReference` by id.
#[derive(Debug, Serialize)]
pub struct Descriptor {
    /// The diagnostic code.
    pub id: String,
}
