//! The command line, declared with clap derive. No logic: `commands` resolves these into
//! settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::{AlertSeverity, Severity};
use crate::report::Format;

/// Offline cloud and host security posture assessment with Rego policies and a Secure Score.
#[derive(Debug, Parser)]
#[command(name = "posture", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Options every command takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,
    /// Config file (default: ./posture.yaml, else posture.yaml at the top of an input folder).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Quiet: no warnings; `assess` prints only the gate line (files given with --output are
    /// still written).
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// Which policies to load and switch on or off.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Policies")]
pub struct PolicyArgs {
    /// Extra policy folder (repeatable); added to the bundled library.
    #[arg(long = "policies", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Do not load the bundled policies (the bundled helper library stays available).
    #[arg(long)]
    pub no_default_policies: bool,
    /// Switch a policy on, including one that is off by default (repeatable).
    #[arg(long, value_name = "ID")]
    pub enable: Vec<String>,
    /// Switch a policy off (repeatable).
    #[arg(long, value_name = "ID")]
    pub disable: Vec<String>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Assess inventories with the policies and report recommendations and the Secure Score.
    Assess(AssessArgs),
    /// Check inputs (inventories, posture.yaml, policies) against their schemas; nothing is
    /// evaluated.
    Validate(ValidateArgs),
    /// List, show and test policies.
    #[command(subcommand)]
    Policies(PoliciesCommand),
    /// Compare two JSON reports: score change, new, resolved and changed findings.
    Diff(DiffArgs),
    /// Collect this host's security state as an agent snapshot (read-only; no network).
    Collect(CollectArgs),
    /// Tools for measuring posture: a synthetic estate generator.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Write reviewable quick-fix scripts (bash with az, PowerShell with Az, host-side bash
    /// for agent findings) and an index for the unhealthy resources of an assessment.
    Fix(FixArgs),
}

/// `posture bench ...`.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Write a synthetic estate (NDJSON inventories and agent snapshots) for benchmarks.
    Generate(GenerateArgs),
}

/// `posture bench generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of resources.
    #[arg(long, default_value_t = 10_000)]
    pub resources: usize,
    /// Number of agent snapshots (attached to generated VMs while there are VMs).
    #[arg(long, default_value_t = 0)]
    pub machines: usize,
    /// Seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder to write (created when missing).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    /// How the inventory files are written: JSON Lines, or JSON documents
    /// `{"value": [...]}` as ARM list responses are (the same resources in each).
    #[arg(long, value_enum, default_value_t = EstateShape::Ndjson)]
    pub shape: EstateShape,
    /// Replace files that exist.
    #[arg(long)]
    pub force: bool,
}

/// File shape of a generated estate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EstateShape {
    /// `inventory-NNNN.ndjson`, one resource per line.
    Ndjson,
    /// `inventory-NNNN.json`, one `{"value": [...]}` document per file, a resource per line.
    Json,
}

/// `posture collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Write the snapshot to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
    /// The Azure resource id of this machine, so assessments attach the snapshot to its VM.
    #[arg(long, value_name = "ID")]
    pub resource_id: Option<String>,
    /// Read a mounted image or another root instead of `/` (commands are not run then).
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,
    /// Do not run any command (sshd -T, apt-get -s, systemctl, ...): files only.
    #[arg(long)]
    pub no_commands: bool,
    /// collectedAt (RFC 3339); default: now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

/// `posture fix`.
#[derive(Debug, Args)]
pub struct FixArgs {
    /// Inventory files or folders to assess (or give --report).
    #[arg(
        value_name = "INPUT",
        required_unless_present = "report",
        conflicts_with = "report"
    )]
    pub inputs: Vec<PathBuf>,
    /// Use this earlier JSON report instead of assessing; templates come from the loaded
    /// policies.
    #[arg(long, value_name = "REPORT")]
    pub report: Option<PathBuf>,
    /// Folder for the scripts, README.md and fixes.json (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Only scripts for this shell (repeatable; default: both).
    #[arg(long, value_enum, value_name = "SHELL")]
    pub shell: Vec<crate::fix::Shell>,
    /// Only this recommendation, by policy id (repeatable).
    #[arg(long = "policy", value_name = "ID")]
    pub policy_ids: Vec<String>,
    /// Only recommendations of this severity or higher.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub severity: Option<Severity>,
    /// Overwrite files that exist in DIR.
    #[arg(long)]
    pub force: bool,
    /// Agent snapshot files or folders (snapshots inside INPUT folders are found too).
    #[arg(long, value_name = "PATH", conflicts_with = "report")]
    pub agents: Vec<PathBuf>,
    /// Assessment time given to policies as input.now (RFC 3339); default: now.
    #[arg(long, value_name = "TIME", conflicts_with = "report")]
    pub now: Option<String>,
    /// Worker threads for reading inputs and evaluation (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Wall-clock limit for evaluating one policy, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub eval_timeout: f64,
    /// Policy selection.
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// Output of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Text for a terminal.
    Text,
    /// The delta as JSON (the `baseline` section of a report).
    Json,
}

/// `posture diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier JSON report.
    pub old: PathBuf,
    /// The later JSON report.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Fail (exit 1) when a new finding has this severity or higher.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on_new: Option<Severity>,
    /// Fail (exit 1) when the score dropped by more than P percentage points.
    #[arg(long, value_name = "P")]
    pub max_score_drop: Option<f64>,
}

/// `posture assess`.
#[derive(Debug, Args)]
pub struct AssessArgs {
    /// Inventory files or folders (JSON, YAML, NDJSON; folders are read recursively).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Agent snapshot files or folders (snapshots inside INPUT folders are found too).
    #[arg(long, value_name = "PATH")]
    pub agents: Vec<PathBuf>,
    /// Earlier agent snapshots of the same hosts, files or folders (repeatable): anomaly
    /// detections compare the newest snapshot with them to flag what is new.
    #[arg(long, value_name = "DIR")]
    pub history: Vec<PathBuf>,
    /// Threat intelligence (repeatable): a STIX 2.1 bundle (.json) or a CSV file (.csv with
    /// type,value,description,severity); detections match its indicators.
    #[arg(long, value_name = "FILE")]
    pub intel: Vec<PathBuf>,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of standard output; FORMAT=FILE writes
    /// that format there as well (repeatable: e.g. -o json=report.json -o sarif=report.sarif).
    #[arg(long, short = 'o', value_name = "[FORMAT=]FILE")]
    pub output: Vec<String>,
    /// Overwrite output files that exist.
    #[arg(long)]
    pub force: bool,
    /// CSV rows to write, by state (comma-separated: unhealthy, exempt, healthy,
    /// not_applicable).
    #[arg(long, value_delimiter = ',', default_values_t = ["unhealthy".to_string(), "exempt".to_string()], value_parser = ["unhealthy", "exempt", "healthy", "not_applicable"])]
    pub states: Vec<String>,
    /// CSV field delimiter (one ASCII character).
    #[arg(long, value_name = "CHAR", default_value = ",", value_parser = parse_delimiter)]
    pub csv_delimiter: u8,
    /// An earlier JSON report: adds score changes and new, resolved and changed findings.
    #[arg(long, value_name = "REPORT")]
    pub baseline: Option<PathBuf>,
    /// A folder of earlier JSON reports: the html format charts the score over them and this
    /// one (other files there are skipped with a warning).
    #[arg(long, value_name = "DIR")]
    pub trend: Option<PathBuf>,
    /// Print GitHub Actions ::error/::warning commands for new findings (all unhealthy
    /// findings without --baseline).
    #[arg(long)]
    pub github_annotations: bool,
    /// Assessment time given to policies as input.now (RFC 3339); default: now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Worker threads for reading inputs, evaluation and writing reports (default: the number
    /// of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Wall-clock limit for evaluating one policy, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub eval_timeout: f64,
    /// Policy evaluator: the bytecode VM (fast) or the interpreter (the reference; use it
    /// to check a surprising verdict). Both give the same verdicts.
    #[arg(long, value_enum, value_name = "ENGINE", default_value = "rvm")]
    pub engine: crate::policy::engine::Backend,
    /// Refuse input files larger than this (bytes, or with a K, M or G suffix).
    #[arg(long, value_name = "SIZE", default_value = "2G", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Policy selection.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Gates.
    #[command(flatten)]
    pub gate: GateArgs,
}

/// Gates: what makes the exit code 1. They never change what is shown.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Gates (exit code 1 when one fails)")]
pub struct GateArgs {
    /// Fail when the overall Secure Score is below N percent.
    #[arg(long, value_name = "N")]
    pub min_score: Option<f64>,
    /// Fail when an unhealthy finding has this severity or higher (exempt ones excluded).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// Fail when a finding new against --baseline has this severity or higher.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on_new: Option<Severity>,
    /// Fail when the score dropped by more than P percentage points against --baseline.
    #[arg(long, value_name = "P")]
    pub max_score_drop: Option<f64>,
    /// Fail when an exemption in the config has expired.
    #[arg(long)]
    pub fail_on_expired_exemptions: bool,
    /// Fail when a security alert has this severity or higher (alerts never change the
    /// Secure Score).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on_alert: Option<AlertSeverity>,
}

/// `1048576`, `512K`, `100M`, `2G` (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{s:?} is not a size such as 500M"))?;
    let factor: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        other => return Err(format!("unknown size unit {other:?}: use K, M or G")),
    };
    n.checked_mul(factor)
        .ok_or_else(|| format!("{s:?} is too large"))
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s.as_bytes() {
        [b] if b.is_ascii()
            && !b.is_ascii_alphanumeric()
            && *b != b'"'
            && *b != b'\n'
            && *b != b'\r' =>
        {
            Ok(*b)
        }
        _ if s == "\\t" || s == "tab" => Ok(b'\t'),
        _ => Err("one ASCII punctuation character, or `tab`".into()),
    }
}

/// `posture validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or folders: inventories, posture.yaml files and .rego policies.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// `posture policies ...`.
#[derive(Debug, Subcommand)]
pub enum PoliciesCommand {
    /// List every loaded policy with its severity, control, resource types and state.
    List(ListArgs),
    /// Print a policy's full metadata and remediation.
    Show(ShowArgs),
    /// Run the `test_` rules of the bundled library or of DIR, like `opa test`.
    Test(TestArgs),
    /// Check a policy library: metadata, ids, controls, resource types, tests, placeholders.
    Lint(LintArgs),
}

/// `posture policies lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Policy folder to check (default: the bundled library).
    pub dir: Option<PathBuf>,
}

/// Output of `policies list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table.
    Table,
    /// JSON.
    Json,
}

/// `posture policies list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Policy selection.
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// `posture policies show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Policy id.
    pub id: String,
    /// Policy selection.
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// `posture policies test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Policy folder to test (default: the bundled library).
    pub dir: Option<PathBuf>,
    /// Report line coverage of the policy and library modules.
    #[arg(long)]
    pub coverage: bool,
    /// With --coverage: fail when total coverage is below N percent.
    #[arg(long, value_name = "N")]
    pub threshold: Option<f64>,
    /// List every test, not only failures.
    #[arg(long, short)]
    pub verbose: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("2T").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }
}
