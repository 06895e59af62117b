//! The `# METADATA` annotation block of a policy (OPA's format, YAML in comments), found and
//! turned into [`PolicyMeta`].
//!
//! regorus does not read annotations, so posture does. The block is parsed from a *masked*
//! copy of the module: same length, every byte outside the block blanked and the `#` of each
//! block line replaced by a space. YAML positions in the masked text are therefore positions
//! in the `.rego` file itself, and diagnostics point at the right line and column without
//! any re-mapping.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{AlertMeta, AlertSeverity, AlertSource, PolicyMeta, QuickFix, Severity};

/// A `# METADATA` block found in a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Byte offset of the `# METADATA` line.
    pub offset: usize,
    /// The module text with everything but the block's YAML blanked (same byte length).
    pub masked: String,
    /// True when the block precedes the `package` line (or says `scope: package`).
    pub package_scope: bool,
}

/// Finds the package-scoped metadata block: the one followed by the `package` line, else
/// one whose YAML says `scope: package`.
pub fn find_package_block(text: &str) -> Option<Block> {
    let blocks = find_blocks(text);
    blocks
        .iter()
        .find(|b| b.package_scope)
        .or_else(|| {
            blocks
                .iter()
                .find(|b| b.masked.lines().any(|l| l.trim() == "scope: package"))
        })
        .cloned()
}

fn find_blocks(text: &str) -> Vec<Block> {
    let lines: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut off = 0usize;
        for l in text.split_inclusive('\n') {
            v.push((off, l));
            off += l.len();
        }
        v
    };
    let mut blocks = Vec::new();
    let mut i = 0usize;
    while let Some(&(offset, line)) = lines.get(i) {
        if line.trim() != "# METADATA" {
            i += 1;
            continue;
        }
        // Every other line becomes a YAML comment at column 0 (`#` then spaces): a blank line
        // of spaces would be taken as content by a literal block scalar (`|-`) that ends the
        // metadata, and a comment at column 0 ends any block.
        let mut masked = vec![b' '; text.len()];
        for (off, l) in &lines {
            let body = l.trim_end_matches(['\n', '\r']).len();
            if body > 0 {
                if let Some(slot) = masked.get_mut(*off) {
                    *slot = b'#';
                }
            }
            if l.ends_with('\n') {
                if let Some(slot) = masked.get_mut(off + l.len() - 1) {
                    *slot = b'\n';
                }
            }
        }
        let mut j = i + 1;
        while let Some(&(off, l)) = lines.get(j) {
            let trimmed = l.trim_start();
            if !trimmed.starts_with('#') || trimmed.trim() == "# METADATA" {
                break;
            }
            let indent = l.len() - trimmed.len();
            // Copy the comment's content after the `#` in place; the `#` (and the indentation
            // before it) become spaces.
            for k in 0..=indent {
                if let Some(slot) = masked.get_mut(off + k) {
                    *slot = b' ';
                }
            }
            for (k, b) in l.bytes().enumerate().skip(indent + 1) {
                if let Some(slot) = masked.get_mut(off + k) {
                    *slot = b;
                }
            }
            j += 1;
        }
        let next_code = lines
            .get(j..)
            .unwrap_or(&[])
            .iter()
            .map(|(_, l)| l.trim())
            .find(|l| !l.is_empty());
        let package_scope = next_code.is_some_and(|l| l.starts_with("package "));
        let masked = String::from_utf8(masked)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        blocks.push(Block {
            offset,
            masked,
            package_scope,
        });
        i = j;
    }
    blocks
}

/// Builds the typed metadata from the block's YAML, already validated against
/// `schemas/policy-metadata.schema.json`. Returns the JSON pointer and reason of the first
/// field that does not fit (only possible when validation was skipped).
pub fn to_meta(raw: &Value) -> Result<PolicyMeta, (String, String)> {
    let text = |ptr: &str| -> Result<String, (String, String)> {
        raw.pointer(ptr)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| (ptr.to_string(), "a string is required".to_string()))
    };
    let opt_text = |ptr: &str| raw.pointer(ptr).and_then(Value::as_str).map(str::to_string);
    let list = |ptr: &str| -> Vec<String> {
        raw.pointer(ptr)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let severity_text = text("/custom/severity")?;
    let is_alert = opt_text("/custom/kind").as_deref() == Some("alert");
    let alert = if is_alert {
        let severity = AlertSeverity::parse(&severity_text).ok_or_else(|| {
            (
                "/custom/severity".to_string(),
                format!(
                    "severity must be High, Medium, Low or Informational, found {severity_text:?}"
                ),
            )
        })?;
        let source = match opt_text("/custom/source").as_deref() {
            None | Some("detection") => AlertSource::Detection,
            Some("intel") => AlertSource::Intel,
            Some("anomaly") => AlertSource::Anomaly,
            Some(other) => {
                return Err((
                    "/custom/source".to_string(),
                    format!("source must be detection, intel or anomaly, found {other:?}"),
                ))
            }
        };
        Some(AlertMeta {
            alert_type: text("/custom/alert_type")?,
            severity,
            tactics: list("/custom/tactics"),
            techniques: list("/custom/techniques"),
            source,
        })
    } else {
        None
    };
    let severity = match &alert {
        Some(a) => a.severity.nearest(),
        None => Severity::parse(&severity_text).ok_or_else(|| {
            (
                "/custom/severity".to_string(),
                format!("severity must be High, Medium or Low, found {severity_text:?}"),
            )
        })?,
    };
    let quick_fix = match raw.pointer("/custom/quick_fix") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            serde_json::from_value::<QuickFix>(v.clone())
                .map_err(|e| ("/custom/quick_fix".to_string(), e.to_string()))?,
        ),
    };
    let parameters: BTreeMap<String, Value> = raw
        .pointer("/custom/parameters")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let resource_types = list("/custom/resource_types");
    // A detection sees machines, not resource types.
    if resource_types.is_empty() && alert.is_none() {
        return Err((
            "/custom/resource_types".to_string(),
            "at least one resource type is required".to_string(),
        ));
    }
    Ok(PolicyMeta {
        id: text("/custom/id")?,
        title: text("/title")?,
        description: text("/description")?,
        severity,
        control: if alert.is_some() {
            String::new()
        } else {
            text("/custom/control")?
        },
        resource_types,
        alert,
        remediation: text("/custom/remediation")?,
        quick_fix,
        parameters,
        enabled_by_default: raw
            .pointer("/custom/enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        freshness: opt_text("/custom/freshness"),
        threats: list("/custom/threats"),
        user_impact: opt_text("/custom/user_impact"),
        implementation_effort: opt_text("/custom/implementation_effort"),
        references: list("/custom/references"),
        per_resource: raw
            .pointer("/custom/per_resource")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        raw: raw.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "# a file comment\n\n# METADATA\n# title: T\n# custom:\n#   id: x-y\n\n# METADATA\n# title: rule scoped\n# scope: rule\nallow := 1\n";

    #[test]
    fn masked_block_keeps_positions() {
        let text = "# METADATA\n# title: T\n# custom:\n#   id: a-b\npackage p\n";
        let b = find_package_block(text).expect("block");
        assert!(b.package_scope);
        assert_eq!(b.masked.len(), text.len());
        let title_at = text.find("title").expect("title");
        assert_eq!(&b.masked[title_at..title_at + 8], "title: T");
        // block lines lose their `#`; every other line is a bare comment at column 0
        let lines: Vec<&str> = b.masked.lines().collect();
        assert_eq!(lines[1], "  title: T");
        assert!(lines[0].starts_with('#') && lines[0].trim_start_matches('#').trim().is_empty());
        assert!(lines[4].starts_with('#'));
        assert!(!b.masked.contains("package"));
    }

    #[test]
    fn a_block_with_scope_package_counts_without_the_package_line_after_it() {
        let text = "package p\n\n# METADATA\n# scope: package\n# title: T\nx := 1\n";
        let b = find_package_block(text).expect("block");
        assert!(!b.package_scope);
        assert!(b.masked.contains("scope: package"));
    }

    #[test]
    fn a_literal_block_that_ends_the_metadata_takes_no_blank_lines() {
        let text = "# METADATA\n# title: T\n# custom:\n#   remediation: |-\n#     1. Do it.\npackage posture.x\n\nimport data.posture.lib.util\n";
        let b = find_package_block(text).expect("block");
        let file = crate::source::SourceFile {
            path: "x.rego".into(),
            text: std::sync::Arc::new(b.masked.clone()),
        };
        let v = crate::load::parse_text(&file, crate::load::Format::Yaml).expect("yaml");
        assert_eq!(v["custom"]["remediation"], "1. Do it.");
        assert_eq!(v["title"], "T");
    }

    #[test]
    fn rule_scoped_blocks_are_not_policy_metadata() {
        assert_eq!(find_package_block(POLICY), None);
    }

    #[test]
    fn to_meta_reads_every_field_and_defaults() {
        let raw = serde_json::json!({
            "title": "T", "description": "D",
            "custom": {"id": "a-b", "severity": "High", "control": "c", "resource_types": ["A/b"],
                       "remediation": "R", "parameters": {"minimum": "TLS1_2"},
                       "quick_fix": {"bash": "az x"}, "threats": ["t"]}
        });
        let m = to_meta(&raw).expect("meta");
        assert_eq!(m.id, "a-b");
        assert_eq!(m.severity, Severity::High);
        assert!(m.enabled_by_default);
        assert_eq!(m.parameters["minimum"], "TLS1_2");
        assert_eq!(m.quick_fix.and_then(|q| q.bash).as_deref(), Some("az x"));
        let bad = serde_json::json!({"title": "T", "description": "D", "custom": {"id": "a", "severity": "Urgent"}});
        assert_eq!(to_meta(&bad).unwrap_err().0, "/custom/severity");
    }

    #[test]
    fn detections_carry_alert_fields_and_need_no_control() {
        let raw = serde_json::json!({
            "title": "T", "description": "D",
            "custom": {"id": "a-b", "kind": "alert", "alert_type": "linux-x", "severity": "Informational",
                       "tactics": ["Defense Evasion"], "techniques": ["T1070.003"], "remediation": "R",
                       "source": "anomaly"}
        });
        let m = to_meta(&raw).expect("meta");
        let a = m.alert.as_ref().expect("alert");
        assert_eq!(a.severity, AlertSeverity::Informational);
        assert_eq!(a.source, AlertSource::Anomaly);
        assert_eq!(a.tactics, vec!["Defense Evasion"]);
        assert_eq!(m.severity, Severity::Low);
        assert!(m.control.is_empty() && m.resource_types.is_empty());
        assert_eq!(m.kind(), "alert");
        // Informational is an alert severity only.
        let rec = serde_json::json!({"title": "T", "description": "D",
            "custom": {"id": "a", "severity": "Informational", "control": "c", "resource_types": ["A/b"], "remediation": "R"}});
        assert_eq!(to_meta(&rec).unwrap_err().0, "/custom/severity");
    }
}
