//! Plain data shared by every stage: resources, policies, controls, verdicts.
//!
//! No I/O and no dependency on other modules of the crate, so every stage can be tested with
//! values built by hand.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::source::SourceId;

/// Where a resource was read from: the file and the JSON pointer of its object there
/// (`/data/3`, `` for a single-resource document, `/7` for NDJSON line 8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file in the run's source map.
    pub source: SourceId,
    /// JSON pointer of the resource object inside the parsed document.
    pub pointer: String,
    /// Line and column of the object, when known while parsing (NDJSON lines): the file's
    /// text is then not needed to locate it, and is released for large estates.
    pub place: Option<(usize, usize)>,
}

/// A shared string: a resource's names are read by many stages (the engine's index, the
/// report's rows) and repeat across resources (types, subscriptions, resource groups), so
/// they are held once and shared rather than copied.
pub type Text = std::sync::Arc<str>;

/// One ARM resource as loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The id as written in the input.
    pub id: Text,
    /// The lower-cased id: ARM ids are case-insensitive, so this is the key everywhere.
    pub key: Text,
    /// The type as written in the input.
    pub kind: Text,
    /// The lower-cased type.
    pub kind_key: Text,
    /// From the document, else derived from the id.
    pub subscription_id: Option<Text>,
    /// From the document, else derived from the id.
    pub resource_group: Option<Text>,
    /// The whole object, with `subscriptionId` and `resourceGroup` filled in when derivable,
    /// as the engine's value: the one tree of the resource kept after loading (policies get
    /// it without a copy).
    pub value: regorus::Value,
    /// Where it came from.
    pub origin: Origin,
}

impl Resource {
    /// A resource with its lower-cased keys; `scope` is its subscription id and resource
    /// group.
    pub fn new(
        id: String,
        kind: String,
        scope: (Option<String>, Option<String>),
        value: regorus::Value,
        origin: Origin,
    ) -> Self {
        let (subscription_id, resource_group) = scope;
        let kind_key = kind.to_lowercase().into();
        Self::named(
            id.into(),
            (kind.into(), kind_key),
            (
                subscription_id.map(Text::from),
                resource_group.map(Text::from),
            ),
            value,
            origin,
        )
    }

    /// A resource whose type (as written and lower-cased) and scope are given as shared
    /// strings: the loader gives every resource of one type, subscription or resource group
    /// the same ones.
    pub fn named(
        id: Text,
        kind: (Text, Text),
        scope: (Option<Text>, Option<Text>),
        value: regorus::Value,
        origin: Origin,
    ) -> Self {
        let (kind, kind_key) = kind;
        let (subscription_id, resource_group) = scope;
        // Most ids are written in mixed case; an id that is its own key is held once.
        let lower = id.to_lowercase();
        let key: Text = if lower == *id {
            Text::clone(&id)
        } else {
            lower.into()
        };
        Self {
            id,
            key,
            kind,
            kind_key,
            subscription_id,
            resource_group,
            value,
            origin,
        }
    }

    /// A top-level field of the resource.
    pub fn field(&self, name: &str) -> Option<&regorus::Value> {
        self.value
            .as_object()
            .ok()?
            .get(&regorus::Value::from(name))
    }

    /// A top-level string field.
    pub fn str_field(&self, name: &str) -> Option<&str> {
        self.field(name)?.as_string().ok().map(|s| s.as_ref())
    }

    /// The resource as JSON, for the few places that work on JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.value).unwrap_or(serde_json::Value::Null)
    }
}

/// A file that fed the assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub struct InputFile {
    /// The path as the user named it (folders expanded to their files).
    pub path: String,
    /// Hex sha256 of the bytes read.
    pub sha256: String,
    /// `inventory`, `agent-snapshot`, `config`, `baseline`.
    pub kind: String,
}

/// Severity of a recommendation, highest first in the ordering.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
pub enum Severity {
    /// Fix first.
    #[serde(rename = "High")]
    #[value(name = "high")]
    High,
    /// Fix soon.
    #[serde(rename = "Medium")]
    #[value(name = "medium")]
    Medium,
    /// Fix when convenient.
    #[serde(rename = "Low")]
    #[value(name = "low")]
    Low,
}

impl Severity {
    /// The display name (`High`, `Medium`, `Low`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::High => "High",
            Self::Medium => "Medium",
            Self::Low => "Low",
        }
    }

    /// Parses `High`/`high`/`HIGH` and friends.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "high" => Some(Self::High),
            "medium" => Some(Self::Medium),
            "low" => Some(Self::Low),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Severity of a security alert: the reference's four levels, highest first in the ordering.
/// Informational alerts matter only in the context of others (an incident).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
pub enum AlertSeverity {
    /// High confidence of compromise and malicious intent.
    #[serde(rename = "High")]
    #[value(name = "high")]
    High,
    /// Probably suspicious; often anomaly based.
    #[serde(rename = "Medium")]
    #[value(name = "medium")]
    Medium,
    /// Benign positive or a blocked attack.
    #[serde(rename = "Low")]
    #[value(name = "low")]
    Low,
    /// Meaningful only with other alerts.
    #[serde(rename = "Informational")]
    #[value(name = "informational")]
    Informational,
}

impl AlertSeverity {
    /// The display name (`High`, `Medium`, `Low`, `Informational`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::High => "High",
            Self::Medium => "Medium",
            Self::Low => "Low",
            Self::Informational => "Informational",
        }
    }

    /// Parses any case of the four names.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "high" => Some(Self::High),
            "medium" => Some(Self::Medium),
            "low" => Some(Self::Low),
            "informational" => Some(Self::Informational),
            _ => None,
        }
    }

    /// The nearest recommendation severity (Informational reads as Low), for code that
    /// only knows recommendations.
    pub fn nearest(self) -> Severity {
        match self {
            Self::High => Severity::High,
            Self::Medium => Severity::Medium,
            Self::Low | Self::Informational => Severity::Low,
        }
    }
}

impl fmt::Display for AlertSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What raised an alert: a behavioural detection, a threat-intelligence match, or an
/// anomaly against the host's own history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertSource {
    /// Behavioural analytics over the snapshot's events and state.
    Detection,
    /// An indicator of `--intel` matched.
    Intel,
    /// Something the host has not shown before (needs history).
    Anomaly,
}

impl AlertSource {
    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Detection => "detection",
            Self::Intel => "intel",
            Self::Anomaly => "anomaly",
        }
    }
}

/// What a detection's metadata adds to a policy's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertMeta {
    /// Stable alert type (`linux-ssh-bruteforce-failed`): the alert's identity across
    /// versions, like the reference's `AlertType`.
    pub alert_type: String,
    /// The four-level alert severity.
    pub severity: AlertSeverity,
    /// MITRE ATT&CK tactics (`Credential Access`).
    pub tactics: Vec<String>,
    /// MITRE ATT&CK technique ids (`T1110.001`).
    pub techniques: Vec<String>,
    /// Detection, intel or anomaly.
    pub source: AlertSource,
}

/// The state of one resource for one recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// A deny rule named the resource.
    Unhealthy,
    /// Applicable and not denied.
    Healthy,
    /// Denied or not, an active exemption covers it.
    Exempt,
    /// Of the policy's types but outside its `applicable` set.
    NotApplicable,
}

impl State {
    /// The contract spelling (`not_applicable`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unhealthy => "unhealthy",
            Self::Healthy => "healthy",
            Self::Exempt => "exempt",
            Self::NotApplicable => "not_applicable",
        }
    }
}

/// A security control: a group of recommendations worth `max_points` of the Secure Score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// Stable kebab-case id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Points the control is worth when all its resources are healthy.
    pub max_points: f64,
    /// What the control is about.
    #[serde(default)]
    pub description: String,
}

/// Quick-fix templates per shell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuickFix {
    /// az CLI template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bash: Option<String>,
    /// Az PowerShell template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub powershell: Option<String>,
}

/// A policy's metadata, from its `# METADATA` block.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyMeta {
    /// Stable kebab-case id (`custom.id`).
    pub id: String,
    /// One-line title.
    pub title: String,
    /// What and why.
    pub description: String,
    /// High, Medium or Low. For a detection, the nearest of these to its alert severity
    /// (see [`AlertMeta::severity`] for the real one).
    pub severity: Severity,
    /// Security control id (empty for a detection: alerts are not scored).
    pub control: String,
    /// ARM types the policy sees, as written (empty for a detection, which sees machines).
    pub resource_types: Vec<String>,
    /// Present for a detection (`custom.kind: alert`): a policy that raises security
    /// alerts instead of assessing resources.
    pub alert: Option<AlertMeta>,
    /// Steps a person follows.
    pub remediation: String,
    /// Optional fix templates.
    pub quick_fix: Option<QuickFix>,
    /// Parameter defaults.
    pub parameters: BTreeMap<String, serde_json::Value>,
    /// False: off unless enabled by config or flag.
    pub enabled_by_default: bool,
    /// How old agent data may be (e.g. `24h`).
    pub freshness: Option<String>,
    /// Threats the recommendation addresses.
    pub threats: Vec<String>,
    /// Impact on users of fixing it.
    pub user_impact: Option<String>,
    /// Effort of fixing it.
    pub implementation_effort: Option<String>,
    /// Benchmark references.
    pub references: Vec<String>,
    /// `custom.per_resource`: the verdict for each resource depends on that resource and
    /// `data` only, never on the other resources in `input.resources`, so the policy may be
    /// given the inventory in parts (faster on large estates).
    pub per_resource: bool,
    /// The whole block as parsed, for `policies show` and extension fields.
    pub raw: serde_json::Value,
}

impl PolicyMeta {
    /// True for a detection (`custom.kind: alert`).
    pub fn is_alert(&self) -> bool {
        self.alert.is_some()
    }

    /// `recommendation` or `alert`, as the metadata spells the kind.
    pub fn kind(&self) -> &'static str {
        if self.is_alert() {
            "alert"
        } else {
            "recommendation"
        }
    }
}

/// Where a policy came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicySource {
    /// Embedded in the binary.
    Bundled,
    /// A folder given with `--policies` or `policies.paths`.
    User,
}

/// The verdict a policy gave about one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The resource's position in the inventory the policy was evaluated over.
    pub index: usize,
    /// Healthy, unhealthy or not applicable (exemptions are applied later).
    pub state: State,
    /// Why, for unhealthy verdicts: one line per deny object naming the resource, sorted.
    pub messages: Vec<String>,
    /// Values for quick-fix templates, from the deny objects' `fix`.
    pub fixes: Vec<serde_json::Value>,
}
