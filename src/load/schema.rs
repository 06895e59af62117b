//! Validates parsed values against the embedded JSON Schemas (`schemas/*.schema.json`) and
//! reports every violation at its place in the source text, in words a user acts on
//! (`"id" must be a string, found 42`).
//!
//! Validators are compiled once per schema (and per `$defs` entry) and cached for the process.
//! Large inventories are validated piecewise by the caller (the envelope, then each resource
//! against `$defs/resource`), so errors can be capped per file and the locator, which rescans
//! text, only runs for the errors actually shown.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError, Validator};
use serde_json::Value;

use super::{codes, locate, Format};
use crate::diag::{Problem, Problems};
use crate::source::SourceFile;

/// At most this many schema errors are shown per file; the rest are counted.
pub const MAX_ERRORS_PER_FILE: usize = 50;

/// Validates `value` (a whole document of `file`) against the embedded schema `schema_name`
/// (`inventory`, `config`, ...). Pushes one problem per violation, up to
/// [`MAX_ERRORS_PER_FILE`] and then one "and N more"; returns true when valid.
pub fn validate(
    schema_name: &str,
    value: &Value,
    file: &SourceFile,
    format: Format,
    problems: &mut Problems,
) -> bool {
    let mut budget = Budget::new(file, format);
    let ok = budget.check(schema_name, None, value, "", problems);
    budget.finish(problems);
    ok
}

/// Validation of the parts of one file, sharing the per-file error cap.
pub struct Budget<'f> {
    file: &'f SourceFile,
    format: Format,
    shown: usize,
    hidden: usize,
}

impl<'f> Budget<'f> {
    /// A fresh budget for `file`.
    pub fn new(file: &'f SourceFile, format: Format) -> Self {
        Self {
            file,
            format,
            shown: 0,
            hidden: 0,
        }
    }

    /// Validates `value`, found at `pointer` in the file, against schema `schema_name`, or
    /// against its `$defs/<def>` when `def` is given. True when valid.
    pub fn check(
        &mut self,
        schema_name: &str,
        def: Option<&str>,
        value: &Value,
        pointer: &str,
        problems: &mut Problems,
    ) -> bool {
        let validator = match validator(schema_name, def) {
            Ok(v) => v,
            Err(message) => {
                // A bundled schema that does not compile is a bug, not bad input.
                problems.push(
                    Problem::error(codes::SCHEMA, message)
                        .in_file(self.file.path.clone())
                        .with_help("this is a bug in posture; please report it"),
                );
                return false;
            }
        };
        if validator.is_valid(value) {
            return true;
        }
        for err in validator.iter_errors(value) {
            if self.shown >= MAX_ERRORS_PER_FILE {
                self.hidden += 1;
                continue;
            }
            self.shown += 1;
            problems.push(self.problem(&err, pointer, def.is_some()));
        }
        false
    }

    /// Places a problem at the value at `pointer` of this budget's file.
    pub fn locate(&self, p: Problem, pointer: &str, label: &str) -> Problem {
        match super::locate::pointer_span(&self.file.text, self.format, pointer) {
            Some((o, l)) => p.at(self.file, o, l, label),
            None => p.at(self.file, 0, 0, label),
        }
    }

    /// Errors shown and errors only counted so far.
    pub fn counts(&self) -> (usize, usize) {
        (self.shown, self.hidden)
    }

    /// Pushes the "and N more" problem when errors were left out.
    pub fn finish(self, problems: &mut Problems) {
        if self.hidden > 0 {
            let text = &self.file.text;
            problems.push(
                Problem::error(
                    codes::SCHEMA,
                    format!(
                        "and {} more schema errors in this file (only the first {MAX_ERRORS_PER_FILE} are shown)",
                        self.hidden
                    ),
                )
                .at(self.file, text.len(), 0, "further errors not shown"),
            );
        }
    }

    fn problem(&self, err: &ValidationError<'_>, prefix: &str, is_resource: bool) -> Problem {
        let pointer = format!("{prefix}{}", err.instance_path().as_str());
        let name = display_name(err.instance_path().as_str(), is_resource);
        let (message, label, help) = describe(err, &name);
        let text = &self.file.text;
        let located =
            locate::pointer_span(text, self.format, &pointer).map(|s| locate::first_line(text, s));
        // Unlocatable (an unusual YAML construct): point at the start and name the pointer.
        let (message, (offset, len)) = match located {
            Some(span) => (message, span),
            None if pointer.is_empty() => (message, (0, 0)),
            None => (format!("{message} (at {pointer})"), (0, 0)),
        };
        let p = Problem::error(codes::SCHEMA, message).at(self.file, offset, len, label);
        match help {
            Some(h) => p.with_help(h),
            None => p,
        }
    }
}

type Cache = Mutex<HashMap<String, Arc<Validator>>>;

/// The compiled validator for a schema or one of its `$defs`, compiled on first use.
fn validator(schema_name: &str, def: Option<&str>) -> Result<Arc<Validator>, String> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key = match def {
        Some(d) => format!("{schema_name}#/$defs/{d}"),
        None => schema_name.to_string(),
    };
    let cache = CACHE.get_or_init(Cache::default);
    // A poisoned lock only means another thread panicked mid-insert; the map is still usable.
    let mut map = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(v) = map.get(&key) {
        return Ok(Arc::clone(v));
    }
    let compiled = Arc::new(compile(schema_name, def)?);
    map.insert(key, Arc::clone(&compiled));
    Ok(compiled)
}

fn compile(schema_name: &str, def: Option<&str>) -> Result<Validator, String> {
    let text = crate::assets::schema(schema_name)
        .ok_or_else(|| format!("internal error: no embedded schema named {schema_name:?}"))?;
    let root: Value = serde_json::from_str(text)
        .map_err(|e| format!("internal error: schema {schema_name} is not JSON: {e}"))?;
    let schema = match def {
        None => root,
        Some(d) => {
            // A `$defs` entry as a schema of its own, keeping the other definitions so that
            // its `#/$defs/...` references still resolve.
            let mut sub = root
                .get("$defs")
                .and_then(|defs| defs.get(d))
                .cloned()
                .ok_or_else(|| format!("internal error: schema {schema_name} has no $defs/{d}"))?;
            if let (Value::Object(obj), Some(defs)) = (&mut sub, root.get("$defs")) {
                obj.insert("$defs".into(), defs.clone());
                if let Some(s) = root.get("$schema") {
                    obj.insert("$schema".into(), s.clone());
                }
            }
            sub
        }
    };
    jsonschema::draft202012::new(&schema)
        .map_err(|e| format!("internal error: schema {schema_name} does not compile: {e}"))
}

/// How a message names the value at a relative instance path.
fn display_name(path: &str, is_resource: bool) -> String {
    let last = path.rsplit('/').next().unwrap_or("");
    if path.is_empty() {
        if is_resource {
            "the resource"
        } else {
            "the document"
        }
        .to_string()
    } else if locate::array_index(last).is_some() {
        let parent = path.get(..path.len() - last.len() - 1).unwrap_or("");
        let parent_name = parent.rsplit('/').next().unwrap_or("");
        if parent_name.is_empty() {
            format!("item {last}")
        } else {
            format!("item {last} of \"{}\"", unescape(parent_name))
        }
    } else {
        format!("\"{}\"", unescape(last))
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Message, label and help for one violation.
fn describe(err: &ValidationError<'_>, name: &str) -> (String, String, Option<String>) {
    let found = summary(err.instance());
    match err.kind() {
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => article(*t).to_string(),
                TypeKind::Multiple(set) => {
                    // "an object or null" reads better than the set's order (null first).
                    let mut names: Vec<&str> = set.iter().map(article).collect();
                    names.sort_by_key(|n| *n == "null");
                    names.join(" or ")
                }
            };
            (
                format!("{name} must be {expected}, found {found}"),
                format!("expected {expected}"),
                None,
            )
        }
        ValidationErrorKind::Required { property } => (
            format!("{name} has no {property}, which is required"),
            format!("{property} is missing"),
            Some(
                "every resource needs a non-empty string \"id\" (its ARM id) and a \"type\" \
                 such as \"Microsoft.Storage/storageAccounts\""
                    .to_string(),
            ),
        ),
        ValidationErrorKind::MinLength { limit: 1 } => (
            format!("{name} must not be empty"),
            "empty".to_string(),
            None,
        ),
        ValidationErrorKind::Pattern { pattern } => {
            let help = (name == "\"type\"").then(|| {
                "ARM resource types are a namespace and one or more type names, e.g. \
                 \"Microsoft.Storage/storageAccounts\""
                    .to_string()
            });
            (
                format!("{name} must match {pattern}, found {found}"),
                "does not match".to_string(),
                help,
            )
        }
        ValidationErrorKind::Enum { options } => (
            format!("{name} must be one of {options}, found {found}"),
            "not allowed".to_string(),
            None,
        ),
        other => (
            format!("{name}: {err}"),
            format!("breaks \"{}\"", other.keyword()),
            None,
        ),
    }
}

fn article(t: JsonType) -> &'static str {
    match t {
        JsonType::Null => "null",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Number => "a number",
        JsonType::String => "a string",
        JsonType::Array => "an array",
        JsonType::Object => "an object",
    }
}

/// A short rendering of a value for messages: scalars as written, containers by kind.
pub(crate) fn summary(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let short: String = s.chars().take(60).collect();
            let ellipsis = if short.len() < s.len() { "..." } else { "" };
            format!("{:?}", format!("{short}{ellipsis}"))
        }
        Value::Array(a) if a.is_empty() => "an empty array".to_string(),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
#[path = "tests/schema.rs"]
mod tests;
