//! Threat intelligence for detections: indicators of compromise read from STIX 2.1 bundles
//! or CSV files (`--intel`) into `data.posture.intel`, where detections match them against
//! event source addresses, process hashes and the domains and URLs of command lines.
//!
//! Offline by design: indicators are files the user exported from a feed. An indicator
//! posture cannot use (a pattern outside the supported subset, see [`pattern`], a value that
//! does not parse, a type it does not know) is a warning naming the indicator and why, never
//! dropped silently; revoked and expired STIX indicators are not used and are counted.

pub mod pattern;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::{json, Value};

use crate::diag::{Problem, Problems};
use crate::load::{self, Format, LoadOptions};
use crate::model::{AlertSeverity, InputFile};
use crate::source::{SourceFile, SourceMap};

/// One indicator as detections see it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Indicator {
    /// `ipv4-addr`, `ipv6-addr`, `domain-name`, `url`, `file:hashes.SHA-256`,
    /// `file:hashes.SHA-1` or `file:hashes.MD5`.
    pub kind: String,
    /// The normalised value (an address or CIDR range for addresses).
    pub value: String,
    /// What the feed says about it.
    pub description: String,
    /// The feed's severity, when it gives one.
    pub severity: Option<AlertSeverity>,
    /// Where it came from: `<file>#<indicator id>` or `<file>:<line>`.
    pub source: String,
}

/// An indicator posture could not use, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsupported {
    /// The file.
    pub file: String,
    /// The STIX indicator id, or `line N` of a CSV file.
    pub indicator: String,
    /// The pattern (or `type,value` of a CSV row).
    pub pattern: String,
    /// Why it is not used.
    pub reason: String,
}

/// Every indicator of the `--intel` files.
#[derive(Debug, Clone, Default)]
pub struct Intel {
    /// The files read (for the report's inputs).
    pub files: Vec<InputFile>,
    /// Usable indicators, sorted and without repeats.
    pub indicators: Vec<Indicator>,
    /// Indicators that could not be used.
    pub unsupported: Vec<Unsupported>,
    /// Revoked or expired STIX indicators, left out.
    pub inactive: usize,
}

/// The report's summary of the intelligence used.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntelSummary {
    /// The files read.
    pub files: Vec<String>,
    /// Usable indicators.
    pub indicators: usize,
    /// Usable indicators per type.
    pub by_type: BTreeMap<String, usize>,
    /// Revoked or expired indicators left out.
    pub inactive: usize,
    /// Indicators that could not be used, and why.
    pub unsupported: Vec<Unsupported>,
}

impl Intel {
    /// `data.posture.intel`: `{"indicators": [{type, value, description, severity, source}]}`.
    pub fn to_data(&self) -> Value {
        let indicators: Vec<Value> = self
            .indicators
            .iter()
            .map(|i| {
                json!({
                    "type": i.kind,
                    "value": i.value,
                    "description": i.description,
                    "severity": i.severity.map(AlertSeverity::as_str),
                    "source": i.source,
                })
            })
            .collect();
        json!({ "indicators": indicators })
    }

    /// What the report says about the intelligence.
    pub fn summary(&self) -> IntelSummary {
        let mut by_type = BTreeMap::new();
        for i in &self.indicators {
            *by_type.entry(i.kind.clone()).or_insert(0) += 1;
        }
        IntelSummary {
            files: self.files.iter().map(|f| f.path.clone()).collect(),
            indicators: self.indicators.len(),
            by_type,
            inactive: self.inactive,
            unsupported: self.unsupported.clone(),
        }
    }
}

/// Reads every `--intel` file: `.csv` as CSV, anything else as a STIX 2.1 bundle (JSON).
/// `now` (RFC 3339) decides which STIX indicators have expired.
pub fn load(
    paths: &[PathBuf],
    now: &str,
    opts: &LoadOptions,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> Intel {
    let mut intel = Intel::default();
    let now = crate::time::unix_seconds(now);
    for path in paths {
        let display = path.display().to_string();
        let found = load::Discovered {
            path: path.clone(),
            display: display.clone(),
            format: Format::Json,
        };
        let Some((id, sha256)) = load::read_source(&found, opts, sources, problems) else {
            continue;
        };
        let Some(file) = sources.get(id).cloned() else {
            continue;
        };
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let before = intel.unsupported.len();
        if is_csv {
            read_csv(&file, &mut intel, problems);
        } else {
            read_stix(&file, now, &mut intel, problems);
        }
        for u in intel.unsupported.iter().skip(before) {
            let p = Problem::warning(
                "posture::intel::unsupported",
                format!(
                    "indicator {} is not used: {} (pattern {})",
                    u.indicator, u.reason, u.pattern
                ),
            )
            .with_help(
                "posture matches ipv4-addr, ipv6-addr, domain-name and url values and file hashes, \
                 compared with = and joined by OR",
            );
            problems.push(locate(&file, &u.pattern, p));
        }
        intel.files.push(InputFile {
            path: display,
            sha256,
            kind: "intel".into(),
        });
    }
    intel.indicators.sort();
    intel.indicators.dedup();
    intel
}

/// Labels the first place the pattern's text appears in the file, else names the file.
fn locate(file: &SourceFile, pattern: &str, p: Problem) -> Problem {
    let needle = serde_json::to_string(pattern).unwrap_or_default();
    let inner = needle.trim_matches('"');
    match file
        .text
        .find(inner)
        .filter(|_| !inner.is_empty())
        .or_else(|| file.text.find(pattern).filter(|_| !pattern.is_empty()))
    {
        Some(at) => p.at(file, at, inner.len().max(1), "this indicator"),
        None => p.in_file(file.path.clone()),
    }
}

fn read_stix(file: &SourceFile, now: Option<i64>, intel: &mut Intel, problems: &mut Problems) {
    let value = match load::parse_text(file, Format::Json) {
        Ok(v) => v,
        Err(p) => {
            problems.push(p);
            return;
        }
    };
    let objects = match (
        value.get("type").and_then(Value::as_str),
        value.get("objects").and_then(Value::as_array),
    ) {
        (Some("bundle"), Some(objects)) => objects,
        _ => {
            problems.push(
                Problem::error(
                    "posture::intel::not_stix",
                    format!(
                        "{} is not a STIX 2.1 bundle (type bundle with objects)",
                        file.path
                    ),
                )
                .at(file, 0, 1, "expected a bundle")
                .with_help("give a STIX 2.1 bundle (.json) or a CSV file (.csv) with the columns type,value,description,severity"),
            );
            return;
        }
    };
    for (i, o) in objects.iter().enumerate() {
        if o.get("type").and_then(Value::as_str) != Some("indicator") {
            continue;
        }
        let text = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let id = match text("id") {
            s if s.is_empty() => format!("objects/{i}"),
            s => s,
        };
        let expired = o
            .get("valid_until")
            .and_then(Value::as_str)
            .and_then(crate::time::unix_seconds)
            .zip(now)
            .is_some_and(|(until, now)| until <= now);
        if o.get("revoked").and_then(Value::as_bool) == Some(true) || expired {
            intel.inactive += 1;
            continue;
        }
        let pattern = text("pattern");
        let unsupported = |reason: String| Unsupported {
            file: file.path.clone(),
            indicator: id.clone(),
            pattern: pattern.clone(),
            reason,
        };
        let kind = text("pattern_type");
        if kind != "stix" {
            let why = if kind.is_empty() {
                "no pattern_type".to_string()
            } else {
                format!("pattern_type `{kind}` is not supported (only stix)")
            };
            intel.unsupported.push(unsupported(why));
            continue;
        }
        let severity = ["x_posture_severity", "x_severity"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .and_then(AlertSeverity::parse);
        let description = match text("description") {
            d if d.is_empty() => text("name"),
            d => d,
        };
        match pattern::parse(&pattern) {
            Ok(comparisons) => {
                for c in comparisons {
                    intel.indicators.push(Indicator {
                        kind: c.kind,
                        value: c.value,
                        description: description.clone(),
                        severity,
                        source: format!("{}#{id}", file.path),
                    });
                }
            }
            Err(reason) => intel.unsupported.push(unsupported(reason)),
        }
    }
}

/// The indicator type a CSV `type` cell names (STIX names and common short forms).
fn csv_type(cell: &str, value: &str) -> Option<&'static str> {
    Some(match cell.trim().to_ascii_lowercase().as_str() {
        "ipv4-addr" | "ipv4" => "ipv4-addr",
        "ipv6-addr" | "ipv6" => "ipv6-addr",
        "ip" | "ip-addr" | "address" => {
            if value.contains(':') {
                "ipv6-addr"
            } else {
                "ipv4-addr"
            }
        }
        "domain-name" | "domain" | "hostname" => "domain-name",
        "url" | "uri" => "url",
        "file:hashes.sha-256" | "file:hashes.sha256" | "sha256" | "sha-256" => {
            "file:hashes.SHA-256"
        }
        "file:hashes.sha-1" | "file:hashes.sha1" | "sha1" | "sha-1" => "file:hashes.SHA-1",
        "file:hashes.md5" | "md5" => "file:hashes.MD5",
        _ => return None,
    })
}

fn read_csv(file: &SourceFile, intel: &mut Intel, problems: &mut Problems) {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .comment(Some(b'#'))
        .trim(::csv::Trim::All)
        .from_reader(file.text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_ascii_lowercase).collect(),
        Err(e) => {
            problems.push(
                Problem::error("posture::intel::csv", format!("cannot read the CSV: {e}"))
                    .in_file(file.path.clone()),
            );
            return;
        }
    };
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(kind_at), Some(value_at)) = (column("type"), column("value")) else {
        problems.push(
            Problem::error(
                "posture::intel::csv_header",
                "the CSV has no `type` and `value` columns in its header",
            )
            .at(file, 0, file.text.find('\n').unwrap_or(0), "header")
            .with_help("start the file with the header `type,value,description,severity`"),
        );
        return;
    };
    let (description_at, severity_at) = (column("description"), column("severity"));
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(
                    Problem::error("posture::intel::csv", format!("cannot read the CSV: {e}"))
                        .in_file(file.path.clone()),
                );
                return;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("").to_string();
        let (kind_cell, value) = (cell(Some(kind_at)), cell(Some(value_at)));
        if kind_cell.is_empty() && value.is_empty() {
            continue;
        }
        let unsupported = |reason: String| Unsupported {
            file: file.path.clone(),
            indicator: format!("line {line}"),
            pattern: format!("{kind_cell},{value}"),
            reason,
        };
        let Some(kind) = csv_type(&kind_cell, &value) else {
            intel.unsupported.push(unsupported(format!(
                "type `{kind_cell}` is not supported (ipv4-addr, ipv6-addr, domain-name, url, sha256, sha1, md5)"
            )));
            continue;
        };
        let normalised = match pattern::normalise(kind, &value) {
            Ok(v) => v,
            Err(reason) => {
                intel.unsupported.push(unsupported(reason));
                continue;
            }
        };
        let severity_cell = cell(severity_at);
        let severity = AlertSeverity::parse(&severity_cell);
        if severity.is_none() && !severity_cell.is_empty() {
            problems.push(
                Problem::warning(
                    "posture::intel::severity",
                    format!(
                        "line {line}: severity {severity_cell:?} is not High, Medium, Low or Informational; the detection's own severity is used"
                    ),
                )
                .in_file(file.path.clone()),
            );
        }
        intel.indicators.push(Indicator {
            kind: kind.to_string(),
            value: normalised,
            description: cell(description_at),
            severity,
            source: format!("{}:{line}", file.path),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_texts(files: &[(&str, &str)], now: &str) -> (Intel, Problems) {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            paths.push(p);
        }
        let mut sources = SourceMap::default();
        let mut problems = Problems::default();
        let intel = load(
            &paths,
            now,
            &LoadOptions::default(),
            &mut sources,
            &mut problems,
        );
        (intel, problems)
    }

    const BUNDLE: &str = r#"{"type": "bundle", "id": "bundle--1", "objects": [
      {"type": "indicator", "spec_version": "2.1", "id": "indicator--a", "name": "Brute-force source",
       "pattern": "[ipv4-addr:value = '203.0.113.7']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
       "x_severity": "High"},
      {"type": "indicator", "id": "indicator--b", "pattern": "[process:name = 'xmrig']", "pattern_type": "stix"},
      {"type": "indicator", "id": "indicator--c", "pattern": "alert tcp any any", "pattern_type": "snort"},
      {"type": "indicator", "id": "indicator--d", "pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix", "revoked": true},
      {"type": "indicator", "id": "indicator--e", "pattern": "[ipv4-addr:value = '198.51.100.2']", "pattern_type": "stix", "valid_until": "2026-01-01T00:00:00Z"},
      {"type": "malware", "id": "malware--x", "name": "x"}
    ]}"#;

    #[test]
    fn a_bundle_gives_its_supported_indicators_and_names_the_rest() {
        let (intel, problems) = load_texts(&[("feed.json", BUNDLE)], "2026-11-26T00:00:00Z");
        assert_eq!(intel.indicators.len(), 1);
        let i = &intel.indicators[0];
        assert_eq!(
            (i.kind.as_str(), i.value.as_str()),
            ("ipv4-addr", "203.0.113.7")
        );
        assert_eq!(i.severity, Some(AlertSeverity::High));
        assert_eq!(i.description, "Brute-force source");
        assert!(i.source.ends_with("feed.json#indicator--a"));
        assert_eq!(intel.inactive, 2);
        let ids: Vec<&str> = intel
            .unsupported
            .iter()
            .map(|u| u.indicator.as_str())
            .collect();
        assert_eq!(ids, vec!["indicator--b", "indicator--c"]);
        let warnings = problems.warnings();
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0]
            .message
            .contains("indicator indicator--b is not used: object path `process:name`"));
        assert_eq!(warnings[0].line(), Some(5), "located at the pattern");
        assert!(!problems.has_errors());
        let data = intel.to_data();
        assert_eq!(data["indicators"][0]["type"], "ipv4-addr");
        assert_eq!(intel.summary().by_type["ipv4-addr"], 1);
    }

    #[test]
    fn csv_rows_with_aliases_and_bad_values() {
        let csv = "# exported 2026-11-20\ntype,value,description,severity\nip,198.51.100.0/24,scanner net,Medium\nsha256,AB00000000000000000000000000000000000000000000000000000000000000,miner,\ndomain,Pool.Example.,mining pool,urgent\nipv4-addr,not-an-ip,typo,Low\nmutex,abc,unknown type,\n";
        let (intel, problems) = load_texts(&[("iocs.csv", csv)], "2026-11-26T00:00:00Z");
        let got: Vec<(&str, &str)> = intel
            .indicators
            .iter()
            .map(|i| (i.kind.as_str(), i.value.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("domain-name", "pool.example"),
                (
                    "file:hashes.SHA-256",
                    "ab00000000000000000000000000000000000000000000000000000000000000"
                ),
                ("ipv4-addr", "198.51.100.0/24"),
            ]
        );
        assert_eq!(intel.unsupported.len(), 2);
        assert_eq!(intel.unsupported[0].indicator, "line 6");
        assert!(problems
            .warnings()
            .iter()
            .any(|w| w.message.contains("severity \"urgent\"")));
    }

    #[test]
    fn not_a_bundle_and_a_headerless_csv_are_errors() {
        let (_, p) = load_texts(
            &[("x.json", "{\"type\": \"indicator\"}")],
            "2026-11-26T00:00:00Z",
        );
        assert!(p.errors()[0].message.contains("is not a STIX 2.1 bundle"));
        let (_, p) = load_texts(&[("x.csv", "a,b\n1,2\n")], "2026-11-26T00:00:00Z");
        assert!(p.errors()[0]
            .message
            .contains("no `type` and `value` columns"));
    }
}
