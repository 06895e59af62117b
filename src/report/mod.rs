//! The report: one sorted, serialisable view of an assessment that every format renders.
//!
//! The JSON form is the contract (`schemas/report.schema.json`); the table, CSV, SARIF,
//! Markdown and HTML formats derive from the same [`Report`]. Reporters never open files, probe
//! terminals, read the environment or the clock: width, colour, the CSV's states and delimiter
//! come in [`RenderOptions`], so one report and one set of options always give the same bytes.

pub mod csv;
pub mod csv_alerts;
#[cfg(test)]
mod fixture;
pub mod html;
pub mod json;
pub mod markdown;
pub mod sarif;
mod sarif_model;
pub mod table;

use std::io;
use std::sync::Arc;

use serde::Serialize;

/// Version of the report layout; bumped on incompatible changes.
pub const REPORT_SCHEMA_VERSION: &str = "1";

/// The tool that wrote the report.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// `posture`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

pub use crate::score::{ControlScore, Gain, Points as Overall, ScopeScore as SubscriptionScore};

/// The Secure Score section.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreSection {
    /// Overall score.
    pub overall: Overall,
    /// Per subscription, sorted by id.
    pub subscriptions: Vec<SubscriptionScore>,
    /// Per control, in catalogue order.
    pub controls: Vec<ControlScore>,
    /// How several subscriptions are combined (the rule is posture's own).
    pub aggregation: String,
}

/// Counts of resource states for a recommendation.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Healthy resources.
    pub healthy: usize,
    /// Unhealthy resources.
    pub unhealthy: usize,
    /// Not applicable resources.
    pub not_applicable: usize,
    /// Exempt resources.
    pub exempt: usize,
}

/// The exemption that covers a resource.
#[derive(Debug, Clone, Serialize)]
pub struct ExemptionRef {
    /// `mitigated` or `waiver`.
    pub category: String,
    /// Why.
    pub reason: String,
    /// Who owns it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Last day it applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A place in an input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceLocation {
    /// The file, as named in `inputs` (shared by the rows of every recommendation).
    pub file: Arc<str>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// One resource's state for a recommendation.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceState {
    /// Resource id as written in the input.
    pub id: Arc<str>,
    /// Resource type as written in the input.
    #[serde(rename = "type")]
    pub kind: Arc<str>,
    /// Subscription id, when known.
    pub subscription_id: Option<Arc<str>>,
    /// Resource group, when known.
    pub resource_group: Option<Arc<str>>,
    /// The resource's `name`, else the last segment of its id.
    pub name: Arc<str>,
    /// `healthy`, `unhealthy`, `not_applicable` or `exempt`.
    pub state: &'static str,
    /// Why it is unhealthy (several findings joined by "; ").
    pub message: Option<String>,
    /// Stable id of this (policy, resource) finding.
    pub fingerprint: String,
    /// The exemption covering it, if any. Boxed: few rows have one, and inline it was 96 of
    /// a row's 320 bytes (2.4 million rows at 1,000,000 resources).
    pub exemption: Option<Box<ExemptionRef>>,
    /// Values the policy returned for quick-fix templates (one object per deny object that
    /// had a `fix`), in the policy's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<serde_json::Value>,
    /// Where the resource's object starts in its input file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<SourceLocation>,
    /// Against the baseline (when one is given): `new`, `unchanged` or `changed` (message).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
}

/// One recommendation (policy) and its resources.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    /// Policy id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What and why.
    pub description: String,
    /// `High`, `Medium` or `Low`.
    pub severity: String,
    /// Control id.
    pub control: String,
    /// Control display name.
    pub control_name: String,
    /// Steps to fix.
    pub remediation: String,
    /// Whether quick-fix templates exist.
    pub quick_fix: bool,
    /// Types the policy assesses.
    pub resource_types: Vec<String>,
    /// Gain from fixing every unhealthy resource of this recommendation.
    pub potential_gain: Gain,
    /// State counts.
    pub counts: Counts,
    /// Per-resource states, unhealthy first, then by id.
    pub resources: Vec<ResourceState>,
}

/// An exemption of the config and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct ExemptionStatus {
    /// Policy id or `*`.
    pub policy: String,
    /// `mitigated` or `waiver`.
    pub category: String,
    /// Why.
    pub reason: String,
    /// Who owns it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Last day it applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// `active` (covers findings), `unused` (matched nothing) or `expired` (ignored).
    pub status: String,
    /// Findings it covers (0 when expired or unused).
    pub matched: usize,
}

/// A finding named in a baseline comparison.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRef {
    /// Policy id.
    pub policy: String,
    /// Recommendation title.
    pub title: String,
    /// `High`, `Medium` or `Low`.
    pub severity: String,
    /// Resource id.
    pub resource: String,
    /// The finding's message now (for resolved findings: as it was).
    pub message: Option<String>,
    /// The message in the baseline, for changed findings.
    #[serde(rename = "previousMessage", skip_serializing_if = "Option::is_none")]
    pub previous_message: Option<String>,
    /// Stable id of the finding.
    pub fingerprint: String,
}

/// A score before and after.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreChange {
    /// Control id, or `overall`.
    pub id: String,
    /// Percentage (overall) or points (control) in the baseline.
    pub before: f64,
    /// Now.
    pub after: f64,
    /// `after - before`.
    pub change: f64,
}

/// This report against an earlier one.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineDelta {
    /// The baseline report's path.
    pub path: String,
    /// The baseline's assessment time.
    pub assessed_at: String,
    /// Overall percentage before, after and the change in percentage points.
    pub overall: ScoreChange,
    /// Per-control points before, after and the change, controls in catalogue order.
    pub controls: Vec<ScoreChange>,
    /// Unhealthy now, not unhealthy in the baseline.
    pub new_findings: Vec<FindingRef>,
    /// Unhealthy in the baseline, not unhealthy now.
    pub resolved_findings: Vec<FindingRef>,
    /// Unhealthy in both, with another message.
    pub changed_findings: Vec<FindingRef>,
    /// Unhealthy in both with the same message.
    pub unchanged: usize,
}

/// An earlier report's overall score, for the score trend.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrendPoint {
    /// The earlier report's `assessedAt`.
    pub assessed_at: String,
    /// Its overall percentage.
    pub percentage: f64,
    /// The file it was read from.
    pub path: String,
}

/// A machine with agent data and the age of its snapshot.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineEntry {
    /// The resource the snapshot is attached to.
    pub id: String,
    /// Host name from the snapshot.
    pub hostname: String,
    /// Operating system.
    pub os: String,
    /// When the snapshot was collected.
    pub collected_at: String,
    /// Hours between collection and the assessment time.
    pub age_hours: f64,
    /// True when older than the freshness limit (machine-agent-health's `freshness_hours`).
    pub stale: bool,
    /// The snapshot file.
    pub source: String,
    /// Earlier snapshots of the host kept as its history (older snapshots given to the
    /// assessment and those of `--history`).
    pub history_snapshots: usize,
    /// When the oldest of them was collected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history_since: Option<String>,
}

/// A security alert raised by a detection (`custom.kind: alert`). Alerts never change the
/// Secure Score.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// Stable identity: hash of alert type, machine, start and the alert's entity key, so a
    /// repeated assessment of the same events gives the same alert.
    pub fingerprint: String,
    /// The detection's stable alert type.
    pub alert_type: String,
    /// The detection's title.
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
    /// What happened, naming the specifics.
    pub message: String,
    /// The first contributing event (RFC 3339).
    pub start: String,
    /// The last contributing event (RFC 3339).
    pub end: String,
    /// What the alert is about (accounts, addresses, processes, files ...).
    pub entities: serde_json::Value,
    /// The events or state that raised it.
    pub evidence: Vec<serde_json::Value>,
    /// What the detection looks for and why it matters.
    pub description: String,
    /// Steps to respond.
    pub remediation: String,
    /// The detection's policy id.
    pub policy: String,
    /// `detection`, `intel` or `anomaly`.
    pub source: String,
    /// The machine's snapshot file and where the snapshot starts in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<SourceLocation>,
}

/// One loaded policy and whether it ran.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyEntry {
    /// Policy id.
    pub id: String,
    /// `recommendation` or `alert` (a detection).
    pub kind: String,
    /// `bundled` or `user`.
    pub source: String,
    /// Whether it was switched on.
    pub enabled: bool,
    /// Why it is on or off.
    pub reason: String,
    /// `evaluated`, `disabled` or `failed`.
    pub status: String,
    /// The module's path.
    pub path: String,
}

/// One input file.
#[derive(Debug, Clone, Serialize)]
pub struct Input {
    /// Path as named.
    pub path: String,
    /// Hex sha256 of its bytes.
    pub sha256: String,
    /// What it was read as.
    pub kind: String,
}

/// One diagnostic, as data.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// Stable code.
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// File, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// One gate's result.
#[derive(Debug, Clone, Serialize)]
pub struct GateCheck {
    /// `min-score`, `fail-on`, ...
    pub gate: String,
    /// Whether it passed.
    pub passed: bool,
    /// What was compared.
    pub detail: String,
}

/// The outcome of the CI gates.
#[derive(Debug, Clone, Serialize)]
pub struct GateOutcome {
    /// `passed`, `failed` or `error` (inputs or policies failed: the result is not trusted).
    pub status: String,
    /// Every configured gate.
    pub checks: Vec<GateCheck>,
    /// The exit code posture returns.
    #[serde(rename = "exitCode")]
    pub exit_code: u8,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Layout version.
    pub schema_version: String,
    /// Tool name and version.
    pub tool: Tool,
    /// `input.now` of the assessment (RFC 3339).
    pub assessed_at: String,
    /// Files read.
    pub inputs: Vec<Input>,
    /// Number of resources assessed.
    pub resource_count: usize,
    /// The Secure Score.
    pub score: ScoreSection,
    /// Machines with agent data, by id, with the age of their snapshot.
    pub machines: Vec<MachineEntry>,
    /// The threat intelligence of `--intel`, when given: indicators used and those that
    /// could not be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intel: Option<crate::intel::IntelSummary>,
    /// The comparison with `--baseline`, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineDelta>,
    /// Earlier reports' overall scores (`--trend DIR`), oldest first; this report is not
    /// among them. Empty (and left out of the JSON) without `--trend`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trend: Vec<TrendPoint>,
    /// The config's exemptions and whether each is active, unused or expired.
    pub exemptions: Vec<ExemptionStatus>,
    /// Recommendations, by potential gain, then severity, then id.
    pub recommendations: Vec<Recommendation>,
    /// Security alerts, by severity, then start time, machine and alert type.
    pub alerts: Vec<Alert>,
    /// Every loaded policy, by id.
    pub policies: Vec<PolicyEntry>,
    /// Gate outcome.
    pub gate: GateOutcome,
    /// Errors, sorted by place.
    pub errors: Vec<Message>,
    /// Warnings, sorted by place.
    pub warnings: Vec<Message>,
}

/// How to render: decided by the command, never by a reporter.
///
/// Build it with struct update syntax (`RenderOptions { color, ..Default::default() }`) so
/// options added later do not break callers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colour (table only).
    pub color: bool,
    /// Table width in columns.
    pub width: u16,
    /// Resource states the CSV lists, as the report spells them (`healthy`, `unhealthy`,
    /// `not_applicable`, `exempt`); case, `-` and `_` are ignored when matching, so
    /// `NotApplicable` and `not-applicable` work too. Empty lists nothing.
    pub states: Vec<String>,
    /// The CSV field delimiter (`,` unless `--csv-delimiter` says otherwise).
    pub csv_delimiter: u8,
    /// Threads a reporter may render on (the JSON reporter's recommendations); the output
    /// does not depend on it.
    pub jobs: usize,
}

/// The states the CSV lists by default: the rows someone has to act on or review.
pub const DEFAULT_CSV_STATES: [&str; 2] = ["unhealthy", "exempt"];

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            color: false,
            width: 100,
            states: DEFAULT_CSV_STATES
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            csv_delimiter: b',',
            jobs: 1,
        }
    }
}

impl RenderOptions {
    /// Whether resources in `state` (a report state such as `not_applicable`) are listed.
    pub fn lists_state(&self, state: &str) -> bool {
        let wanted = state_key(state);
        self.states.iter().any(|s| state_key(s) == wanted)
    }
}

/// `NotApplicable`, `not-applicable` and `not_applicable` compare equal.
fn state_key(state: &str) -> String {
    state
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A report format.
pub trait Reporter: Send + Sync {
    /// Writes the report.
    fn render(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()>;
}

/// The formats posture writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Terminal tables.
    Table,
    /// The full report (the contract).
    Json,
    /// One row per recommendation and resource (the reference export's columns).
    Csv,
    /// One row per security alert (the reference's SecurityAlert columns).
    CsvAlerts,
    /// SARIF 2.1.0 for code scanning (GitHub, Azure DevOps).
    Sarif,
    /// A summary for CI job pages and pull-request comments.
    Markdown,
    /// A self-contained dashboard page that opens offline in any browser.
    Html,
}

impl Format {
    /// The reporter for this format: the only factory.
    pub fn reporter(self) -> Box<dyn Reporter> {
        match self {
            Self::Table => Box::new(table::TableReporter),
            Self::Json => Box::new(json::JsonReporter),
            Self::Csv => Box::new(csv::CsvReporter),
            Self::CsvAlerts => Box::new(csv_alerts::CsvAlertsReporter),
            Self::Sarif => Box::new(sarif::SarifReporter),
            Self::Markdown => Box::new(markdown::MarkdownReporter),
            Self::Html => Box::new(html::HtmlReporter),
        }
    }
}

/// How a gate outcome reads: formats that style it (colour, icons) key off this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateStyle {
    /// Every configured gate passed.
    Passed,
    /// A gate failed.
    Failed,
    /// Inputs or policies failed, or an unknown status.
    Error,
    /// No gate was configured.
    NotConfigured,
}

/// The gate outcome in one line (`Gate: FAILED (fail-on high: 2 findings)`), the same words
/// in every human-facing format.
pub fn gate_summary(gate: &GateOutcome) -> String {
    gate_summary_styled(gate, &|word, _| word.to_string())
}

/// How the outcome reads, for formats that mark it up beyond the words.
pub fn gate_style(gate: &GateOutcome) -> GateStyle {
    match gate.status.as_str() {
        "passed" if gate.checks.is_empty() => GateStyle::NotConfigured,
        "passed" => GateStyle::Passed,
        "failed" => GateStyle::Failed,
        _ => GateStyle::Error,
    }
}

/// [`gate_summary`] with the status word passed through `paint` (the table colours it).
pub fn gate_summary_styled(
    gate: &GateOutcome,
    paint: &dyn Fn(&str, GateStyle) -> String,
) -> String {
    match gate.status.as_str() {
        "error" => format!(
            "Gate: {} (inputs or policies failed; exit {})",
            paint("error", GateStyle::Error),
            gate.exit_code
        ),
        "passed" if gate.checks.is_empty() => "Gate: not configured".to_string(),
        "passed" => format!(
            "Gate: {} ({})",
            paint("passed", GateStyle::Passed),
            join_details(gate.checks.iter())
        ),
        "failed" => {
            let failed: Vec<&GateCheck> = gate.checks.iter().filter(|c| !c.passed).collect();
            // Only the failing gates explain the failure; fall back to all of them (or the
            // exit code) should the outcome and its checks ever disagree.
            let detail = if !failed.is_empty() {
                join_details(failed.into_iter())
            } else if !gate.checks.is_empty() {
                join_details(gate.checks.iter())
            } else {
                format!("exit {}", gate.exit_code)
            };
            format!("Gate: {} ({detail})", paint("FAILED", GateStyle::Failed))
        }
        other => format!("Gate: {other} (exit {})", gate.exit_code),
    }
}

/// The checks' own details, each led by its gate name so the line reads on its own.
fn join_details<'a>(checks: impl Iterator<Item = &'a GateCheck>) -> String {
    checks
        .map(|check| {
            if check.detail.starts_with(&check.gate) {
                check.detail.clone()
            } else {
                format!("{}: {}", check.gate, check.detail)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The state as the reference export spells it: `Healthy`, `Unhealthy`, `NotApplicable`,
/// `Exempt` (posture keeps exempt apart where Defender folds it into not applicable).
pub fn state_label(state: &str) -> String {
    match state {
        "healthy" => "Healthy".to_string(),
        "unhealthy" => "Unhealthy".to_string(),
        "not_applicable" => "NotApplicable".to_string(),
        "exempt" => "Exempt".to_string(),
        other => other.to_string(),
    }
}

/// Formats a percentage with one decimal, as every human-facing format shows it.
pub fn pct(x: f64) -> String {
    format!("{:.1}%", x)
}

/// Formats points with two decimals.
pub fn points(x: f64) -> String {
    format!("{:.2}", x)
}
