//! What every probe shares: the collection context (host, whether commands may run, the
//! caller's clock), the `probes` record of each probe, and how a failure becomes a reason.
//! Reasons are written for a person reading the snapshot: what could not be read and why.

use std::io;
use std::path::Path;

use serde_json::{json, Map, Value};

use super::host::{CommandOutput, FileInfo, HostAccess};

/// Everything a probe may use.
pub(crate) struct Ctx<'a> {
    pub host: &'a dyn HostAccess,
    pub run_commands: bool,
    /// The collection time in Unix seconds, when the caller's `now` parses.
    pub now: Option<i64>,
}

impl Ctx<'_> {
    pub fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        self.host.read(Path::new(path))
    }

    /// A file as text; invalid UTF-8 is replaced rather than failing the probe.
    pub fn read_text(&self, path: &str) -> io::Result<String> {
        self.read(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    pub fn metadata(&self, path: &str) -> io::Result<FileInfo> {
        self.host.metadata(Path::new(path))
    }

    /// The target of a symbolic link, as text.
    pub fn read_link(&self, path: &str) -> io::Result<String> {
        self.host
            .read_link(Path::new(path))
            .map(|p| p.to_string_lossy().into_owned())
    }

    pub fn exists(&self, path: &str) -> bool {
        self.metadata(path).is_ok()
    }

    /// Entries of a folder as host path strings, sorted.
    pub fn list(&self, path: &str) -> io::Result<Vec<String>> {
        Ok(self
            .host
            .read_dir(Path::new(path))?
            .into_iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect())
    }

    /// Runs a command when the caller allows commands; the error is already a reason.
    pub fn run(&self, program: &str, args: &[&str]) -> Result<CommandOutput, String> {
        let line = command_line(program, args);
        if !self.run_commands {
            return Err(format!("`{line}` not run: commands are disabled"));
        }
        match self.host.run(program, args) {
            Ok(out) => Ok(out),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(format!("`{line}` not run: {program} is not installed"))
            }
            Err(e) => Err(format!("`{line}` failed: {}", describe(&e))),
        }
    }

    /// Runs a command and requires exit code 0; stdout as text.
    pub fn run_ok(&self, program: &str, args: &[&str]) -> Result<String, String> {
        let out = self.run(program, args)?;
        if out.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(exit_reason(program, args, &out))
        }
    }
}

pub(crate) fn command_line(program: &str, args: &[&str]) -> String {
    std::iter::once(program)
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ")
}

/// "`cmd` exited with 1: <first line of stderr>".
pub(crate) fn exit_reason(program: &str, args: &[&str], out: &CommandOutput) -> String {
    let line = command_line(program, args);
    let code = out
        .status
        .map_or_else(|| "a signal".to_string(), |c| c.to_string());
    let stderr = String::from_utf8_lossy(&out.stderr);
    match stderr.lines().map(str::trim).find(|l| !l.is_empty()) {
        Some(first) => format!("`{line}` exited with {code}: {first}"),
        None => format!("`{line}` exited with {code}"),
    }
}

/// A short lower-case description of an I/O error, without "(os error N)".
pub(crate) fn describe(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "not found".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = e.to_string();
            let text = match text.find(" (os error") {
                Some(i) => text.get(..i).unwrap_or(&text).to_string(),
                None => text,
            };
            let mut chars = text.chars();
            match chars.next() {
                Some(c) => c.to_lowercase().chain(chars).collect(),
                None => text,
            }
        }
    }
}

/// "cannot read /etc/shadow: permission denied", plus a hint when root would help.
pub(crate) fn cannot_read(path: &str, e: &io::Error, root_hint: Option<&str>) -> String {
    let mut reason = format!("cannot read {path}: {}", describe(e));
    if let (io::ErrorKind::PermissionDenied, Some(hint)) = (e.kind(), root_hint) {
        reason.push_str(&format!(" (run as root for {hint})"));
    }
    reason
}

/// One entry of the snapshot's `probes` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Probe {
    pub name: &'static str,
    pub source: String,
    /// `None` when the probe succeeded.
    pub reason: Option<String>,
}

impl Probe {
    pub fn ok(name: &'static str, source: impl Into<String>) -> Self {
        Self {
            name,
            source: source.into(),
            reason: None,
        }
    }

    pub fn unknown(
        name: &'static str,
        source: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            name,
            source: source.into(),
            reason: Some(reason.into()),
        }
    }

    pub fn is_ok(&self) -> bool {
        self.reason.is_none()
    }

    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), json!(self.name));
        m.insert("status".into(), json!(status(self.is_ok())));
        m.insert("source".into(), json!(self.source));
        if let Some(r) = &self.reason {
            m.insert("reason".into(), json!(r));
        }
        Value::Object(m)
    }
}

fn status(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "unknown"
    }
}

/// A snapshot section: its fields plus `status`, which is `ok` when at least one of its
/// probes read something (fields it could not read are null and the `probes` entry says
/// why) and `unknown` with the probes' reasons when none did.
pub(crate) fn section(probes: &[&Probe], mut fields: Map<String, Value>) -> Value {
    let ok = probes.iter().any(|p| p.is_ok());
    fields.insert("status".into(), json!(status(ok)));
    if !ok {
        // Probes that share a source fail for the same reason: say it once.
        let mut reasons: Vec<&str> = Vec::new();
        for part in probes
            .iter()
            .filter_map(|p| p.reason.as_deref())
            .flat_map(|r| r.split("; "))
        {
            if !reasons.contains(&part) {
                reasons.push(part);
            }
        }
        fields.insert("reason".into(), json!(reasons.join("; ")));
    }
    Value::Object(fields)
}

/// Sorted, de-duplicated strings as a JSON array.
pub(crate) fn sorted_strings<I: IntoIterator<Item = String>>(items: I) -> Value {
    let set: std::collections::BTreeSet<String> = items.into_iter().collect();
    json!(set.into_iter().collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_short_and_hint_at_root() {
        let e = io::Error::from_raw_os_error(13);
        assert_eq!(
            cannot_read("/etc/shadow", &e, Some("empty-password checks")),
            "cannot read /etc/shadow: permission denied (run as root for empty-password checks)"
        );
        let e = io::Error::from_raw_os_error(21);
        assert_eq!(describe(&e), "is a directory");
    }

    #[test]
    fn a_section_is_unknown_only_when_every_probe_failed() {
        let ok = Probe::ok("a", "x");
        let bad = Probe::unknown("b", "y", "cannot read y: not found");
        assert_eq!(section(&[&ok, &bad], Map::new())["status"], "ok");
        let v = section(&[&bad], Map::new());
        assert_eq!(v["status"], "unknown");
        assert_eq!(v["reason"], "cannot read y: not found");
    }
}
