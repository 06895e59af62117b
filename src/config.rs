//! `posture.yaml`: extra policy folders, policies switched on or off, parameters,
//! exemptions and gates (DESIGN.md section 2). Keys are a contract; an unknown key is an
//! error with a "did you mean" hint rather than a silently ignored setting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::diag::{Problem, Problems};
use crate::load::{self, Format};
use crate::model::{AlertSeverity, Severity};
use crate::source::{SourceFile, SourceMap};

/// The `policies` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoliciesSection {
    /// Extra policy folders, relative to the config file.
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// Policy ids to switch off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Policy ids to switch on (for `enabled: false` policies).
    #[serde(default)]
    pub enable: Vec<String>,
    /// Parameter values per policy id.
    #[serde(default)]
    pub parameters: BTreeMap<String, BTreeMap<String, Value>>,
}

/// One exemption.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    /// Policy id or `*`.
    pub policy: String,
    /// Resource ids or globs (case-insensitive).
    #[serde(default)]
    pub resources: Vec<String>,
    /// Subscription ids.
    #[serde(default)]
    pub subscriptions: Vec<String>,
    /// Resource group names.
    #[serde(default)]
    pub resource_groups: Vec<String>,
    /// Tags that must all match.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// `mitigated` or `waiver`.
    pub category: String,
    /// Why.
    pub reason: String,
    /// Who owns it.
    #[serde(default)]
    pub owner: Option<String>,
    /// Last day it applies (YYYY-MM-DD).
    #[serde(default)]
    pub expires: Option<String>,
}

/// The `gate` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateSection {
    /// Fail below this overall percentage.
    pub min_score: Option<f64>,
    /// Fail on an unhealthy finding at or above this severity.
    pub fail_on: Option<String>,
    /// Fail on a new finding (against the baseline) at or above this severity.
    pub fail_on_new: Option<String>,
    /// Fail when the score drops by more than this many percentage points.
    pub max_score_drop: Option<f64>,
    /// Fail when an exemption has expired.
    #[serde(default)]
    pub fail_on_expired_exemptions: bool,
    /// Fail on a security alert at or above this severity.
    pub fail_on_alert: Option<String>,
}

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Policy selection and parameters.
    #[serde(default)]
    pub policies: PoliciesSection,
    /// Exemptions.
    #[serde(default)]
    pub exemptions: Vec<Exemption>,
    /// Gates.
    #[serde(default)]
    pub gate: GateSection,
    /// The folder the file is in (relative paths resolve against it).
    #[serde(skip)]
    pub base: PathBuf,
    /// The file's display path.
    #[serde(skip)]
    pub path: Option<String>,
}

impl Config {
    /// `gate.fail_on` as a severity (already validated).
    pub fn fail_on(&self) -> Option<Severity> {
        self.gate.fail_on.as_deref().and_then(Severity::parse)
    }

    /// `gate.fail_on_new` as a severity (already validated).
    pub fn fail_on_new(&self) -> Option<Severity> {
        self.gate.fail_on_new.as_deref().and_then(Severity::parse)
    }

    /// `gate.fail_on_alert` as an alert severity (already validated).
    pub fn fail_on_alert(&self) -> Option<AlertSeverity> {
        self.gate
            .fail_on_alert
            .as_deref()
            .and_then(AlertSeverity::parse)
    }

    /// Extra policy folders resolved against the config file's folder.
    pub fn policy_dirs(&self) -> Vec<PathBuf> {
        self.policies
            .paths
            .iter()
            .map(|p| {
                if p.is_absolute() {
                    p.clone()
                } else {
                    self.base.join(p)
                }
            })
            .collect()
    }
}

const TOP: &[&str] = &["policies", "exemptions", "gate"];
const POLICIES: &[&str] = &["paths", "disable", "enable", "parameters"];
const EXEMPTION: &[&str] = &[
    "policy",
    "resources",
    "subscriptions",
    "resource_groups",
    "tags",
    "category",
    "reason",
    "owner",
    "expires",
];
const GATE: &[&str] = &[
    "min_score",
    "fail_on",
    "fail_on_new",
    "max_score_drop",
    "fail_on_expired_exemptions",
    "fail_on_alert",
];

/// Reads and checks a config file. Problems are collected; `None` when it cannot be used.
pub fn read(path: &Path, sources: &mut SourceMap, problems: &mut Problems) -> Option<Config> {
    let display = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            problems.push(
                Problem::error(
                    "posture::config::read",
                    format!("cannot read config {display}: {e}"),
                )
                .in_file(display),
            );
            return None;
        }
    };
    let id = sources.add(display.clone(), text);
    let file = sources.get(id)?.clone();
    let mut config = parse(&file, problems)?;
    config.base = path
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    config.path = Some(display);
    Some(config)
}

/// Parses config text (already registered in the source map).
pub fn parse(file: &SourceFile, problems: &mut Problems) -> Option<Config> {
    let value = match load::parse_text(file, Format::Yaml) {
        Ok(Value::Null) => return Some(Config::default()),
        Ok(v) => v,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    let before = problems.errors().len();
    unknown_keys(&value, file, problems);
    if problems.errors().len() > before {
        return None;
    }
    if !load::schema::validate("config", &value, file, Format::Yaml, problems) {
        return None;
    }
    let config: Config = match serde_json::from_value(value.clone()) {
        Ok(c) => c,
        Err(e) => {
            problems.push(
                Problem::error("posture::config::invalid", format!("invalid config: {e}")).at(
                    file,
                    0,
                    0,
                    "in this file",
                ),
            );
            return None;
        }
    };
    check_values(&config, &value, file, problems);
    Some(config)
}

fn locate(file: &SourceFile, pointer: &str) -> (usize, usize) {
    load::locate::pointer_span(&file.text, Format::Yaml, pointer).unwrap_or((0, 0))
}

/// Byte offset of the key whose value is at `pointer`: it stands just before its value, in
/// YAML and JSON alike.
pub fn key_offset(file: &SourceFile, pointer: &str, key: &str) -> usize {
    let (value_at, _) = locate(file, pointer);
    file.text
        .get(..value_at)
        .and_then(|before| before.rfind(key))
        .unwrap_or(value_at)
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn unknown_keys(value: &Value, file: &SourceFile, problems: &mut Problems) {
    let mut check = |obj: Option<&serde_json::Map<String, Value>>, base: &str, known: &[&str]| {
        for key in obj.into_iter().flat_map(|o| o.keys()) {
            if known.contains(&key.as_str()) {
                continue;
            }
            let pointer = format!("{base}/{}", escape(key));
            let at = key_offset(file, &pointer, key);
            let mut help = format!("known keys here: {}", known.join(", "));
            if let Some(s) = crate::suggest::closest(key, known.iter().copied()) {
                help = format!("did you mean `{s}`? {help}");
            }
            problems.push(
                Problem::error(
                    "posture::config::unknown_key",
                    format!("unknown key `{key}`"),
                )
                .at(file, at, key.len(), "not a posture.yaml key")
                .with_help(help),
            );
        }
    };
    let Some(top) = value.as_object() else {
        return;
    };
    check(Some(top), "", TOP);
    check(
        value.get("policies").and_then(Value::as_object),
        "/policies",
        POLICIES,
    );
    check(value.get("gate").and_then(Value::as_object), "/gate", GATE);
    if let Some(list) = value.get("exemptions").and_then(Value::as_array) {
        for (i, e) in list.iter().enumerate() {
            check(e.as_object(), &format!("/exemptions/{i}"), EXEMPTION);
        }
    }
}

fn check_values(config: &Config, value: &Value, file: &SourceFile, problems: &mut Problems) {
    for (ptr, sev) in [
        ("/gate/fail_on", &config.gate.fail_on),
        ("/gate/fail_on_new", &config.gate.fail_on_new),
    ] {
        if let Some(s) = sev {
            if Severity::parse(s).is_none() {
                let (at, len) = locate(file, ptr);
                problems.push(
                    Problem::error(
                        "posture::config::severity",
                        format!("`{s}` is not a severity"),
                    )
                    .at(file, at, len, "expected high, medium or low"),
                );
            }
        }
    }
    if let Some(s) = &config.gate.fail_on_alert {
        if AlertSeverity::parse(s).is_none() {
            let (at, len) = locate(file, "/gate/fail_on_alert");
            problems.push(
                Problem::error(
                    "posture::config::severity",
                    format!("`{s}` is not an alert severity"),
                )
                .at(file, at, len, "expected high, medium, low or informational"),
            );
        }
    }
    for (i, e) in config.exemptions.iter().enumerate() {
        if e.reason.trim().is_empty() {
            let (at, len) = locate(file, &format!("/exemptions/{i}/reason"));
            problems.push(
                Problem::error(
                    "posture::config::exemption_reason",
                    "an exemption needs a reason",
                )
                .at(file, at, len, "empty reason")
                .with_help(
                    "say why the finding is accepted or mitigated; it is shown in every report",
                ),
            );
        }
        if let Some(d) = &e.expires {
            if !crate::time::is_date(d) {
                let (at, len) = locate(file, &format!("/exemptions/{i}/expires"));
                problems.push(
                    Problem::error("posture::config::date", format!("`{d}` is not a date"))
                        .at(file, at, len, "expected YYYY-MM-DD")
                        .with_help("write the last day the exemption applies, e.g. 2027-01-31"),
                );
            }
        }
    }
    let _ = value;
}
