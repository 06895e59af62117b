//! Security alerts: every enabled detection (`custom.kind: alert`) evaluated over the
//! machines' agent snapshots, its `alerts` objects checked and turned into report alerts
//! with a stable fingerprint, repeats merged, everything sorted.
//!
//! Detections go through the policy engine's public API only (`engine_with`, then input and
//! `eval_rule`): each gets its own engine with the libraries, `data.posture.resources`, the
//! threat intelligence as `data.posture.intel`, and an input of
//! `{"machines": [...], "parameters": {...}, "now": ...}`. A machine is
//! `{"id", "name", "type", "hostname", "collectedAt", "snapshot", "history"}`: the newest
//! snapshot and the earlier ones, oldest first. Alerts never change the Secure Score.
//!
//! Like a recommendation's `deny`, an `alerts` object that does not fit the contract (no
//! message, a machine that is not in the input, a start that is not RFC 3339) fails the
//! detection with a located error: an alert that cannot be placed is not trustworthy.

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};

use crate::diag::{Problem, Problems};
use crate::estate::Machine;
use crate::intel::Intel;
use crate::load::Inventory;
use crate::model::AlertSeverity;
use crate::policy::catalog::Catalog;
use crate::policy::engine::{engine_problem, rvm_eval, to_json, Backend, PolicyEngine, RvmError};
use crate::report::{Alert, SourceLocation};
use crate::source::SourceMap;

/// What an evaluation of the detections needs besides the policies.
#[derive(Debug, Clone)]
pub struct AlertOptions<'a> {
    /// `input.now`, RFC 3339.
    pub now: &'a str,
    /// Wall-clock limit per detection.
    pub timeout: Duration,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Parameters per policy id (defaults merged with config).
    pub parameters: &'a BTreeMap<String, BTreeMap<String, Json>>,
    /// The engine that runs detections (the RVM falls back to the interpreter as for
    /// recommendations).
    pub backend: Backend,
}

/// The alerts of a run and the detections that failed.
#[derive(Debug, Clone, Default)]
pub struct Raised {
    /// Alerts, sorted (see [`sort`]) and without repeated fingerprints.
    pub alerts: Vec<Alert>,
    /// Indices into `catalog.policies` of detections that could not be evaluated.
    pub failed: BTreeSet<usize>,
}

/// The machines as detections see them (`input.machines`), in machine order, as engine
/// values. A snapshot is the value already attached to its resource as `agent` (the same
/// conversion of the same document), not converted again: 1,000 snapshots were copied
/// twice and converted on one core before any detection ran.
pub fn machines_input(machines: &[Machine], inventory: &Inventory) -> regorus::Value {
    let list: Vec<regorus::Value> = machines
        .iter()
        .map(|m| {
            let r = inventory
                .resources
                .binary_search_by(|r| r.key.as_ref().cmp(m.resource.as_str()))
                .ok()
                .and_then(|i| inventory.resources.get(i));
            let snapshot = r
                .and_then(|r| r.field("agent"))
                .filter(|a| a.as_object().is_ok())
                .cloned()
                .unwrap_or_else(|| regorus::Value::from(m.snapshot.clone()));
            let text = |s: &str| regorus::Value::from(s);
            let mut o = BTreeMap::new();
            o.insert(
                text("id"),
                text(r.map_or(m.resource.as_str(), |r| r.id.as_ref())),
            );
            o.insert(
                text("name"),
                r.and_then(|r| r.field("name"))
                    .cloned()
                    .unwrap_or(regorus::Value::Null),
            );
            o.insert(
                text("type"),
                r.map_or(regorus::Value::Null, |r| text(&r.kind)),
            );
            o.insert(text("hostname"), text(&m.hostname));
            o.insert(text("collectedAt"), text(&m.collected_at));
            o.insert(text("snapshot"), snapshot);
            o.insert(
                text("history"),
                regorus::Value::from(
                    m.history
                        .iter()
                        .map(|h| regorus::Value::from(h.value.clone()))
                        .collect::<Vec<_>>(),
                ),
            );
            regorus::Value::from(o)
        })
        .collect();
    regorus::Value::from(list)
}

/// One detection's alerts, or why it failed.
type Outcome = Result<Vec<Alert>, Problem>;

/// Everything one detection's evaluation shares with the others.
struct Shared<'a> {
    engine: &'a PolicyEngine,
    catalog: &'a Catalog,
    machines: &'a [Machine],
    /// Resource ids as written, by lower-cased id.
    ids: BTreeMap<String, String>,
    machines_value: regorus::Value,
    intel_data: regorus::Value,
    locations: BTreeMap<String, SourceLocation>,
    opts: &'a AlertOptions<'a>,
    sources: &'a SourceMap,
}

/// Evaluates every enabled detection. Problems (a detection that fails, an alert object
/// that does not fit) are pushed; the other detections still run.
#[allow(clippy::too_many_arguments)] // one evaluation's context, passed once from assess
pub fn evaluate(
    engine: &PolicyEngine,
    catalog: &Catalog,
    machines: &[Machine],
    inventory: &Inventory,
    intel: &Intel,
    opts: &AlertOptions<'_>,
    sources: &SourceMap,
    problems: &mut Problems,
) -> Raised {
    let selected: Vec<usize> = catalog
        .detections()
        .filter(|(_, p)| p.enabled)
        .map(|(i, _)| i)
        .collect();
    let mut raised = Raised::default();
    if selected.is_empty() {
        return raised;
    }
    let ids: BTreeMap<String, String> = machines
        .iter()
        .map(|m| {
            let id = inventory
                .resources
                .binary_search_by(|r| r.key.as_ref().cmp(m.resource.as_str()))
                .ok()
                .and_then(|i| inventory.resources.get(i))
                .map_or_else(|| m.resource.clone(), |r| r.id.to_string());
            (m.resource.clone(), id)
        })
        .collect();
    let shared = Shared {
        engine,
        catalog,
        machines,
        ids,
        machines_value: machines_input(machines, inventory),
        intel_data: regorus::Value::from(json!({"posture": {"intel": intel.to_data()}})),
        locations: snapshot_locations(machines, sources),
        opts,
        sources,
    };
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; selected.len()]);
    let next = AtomicUsize::new(0);
    let jobs = opts.jobs.clamp(1, selected.len());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let slot = next.fetch_add(1, Ordering::Relaxed);
                let Some(&pi) = selected.get(slot) else {
                    break;
                };
                let outcome = evaluate_one(&shared, pi);
                if let Ok(mut guard) = results.lock() {
                    if let Some(cell) = guard.get_mut(slot) {
                        *cell = Some(outcome);
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_default();
    for (&pi, outcome) in selected.iter().zip(results) {
        match outcome {
            Some(Ok(alerts)) => raised.alerts.extend(alerts),
            Some(Err(p)) => {
                problems.push(p);
                raised.failed.insert(pi);
            }
            None => {
                problems.push(Problem::error(
                    "posture::alert::eval",
                    "detection was not evaluated (a worker thread stopped)",
                ));
                raised.failed.insert(pi);
            }
        }
    }
    sort(&mut raised.alerts);
    let mut seen = BTreeSet::new();
    raised.alerts.retain(|a| seen.insert(a.fingerprint.clone()));
    raised
}

/// Severity (High first), then start time, machine, alert type and fingerprint.
pub fn sort(alerts: &mut [Alert]) {
    let rank = |s: &str| AlertSeverity::parse(s).map_or(9, |s| s as u8);
    alerts.sort_by(|a, b| {
        rank(&a.severity)
            .cmp(&rank(&b.severity))
            .then_with(|| time_key(&a.start).cmp(&time_key(&b.start)))
            .then_with(|| {
                a.machine
                    .to_ascii_lowercase()
                    .cmp(&b.machine.to_ascii_lowercase())
            })
            .then_with(|| a.alert_type.cmp(&b.alert_type))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
}

/// Orders times by instant whatever their offset; unparsable ones last, by text.
fn time_key(t: &str) -> (i64, String) {
    (
        crate::time::unix_seconds(t).unwrap_or(i64::MAX),
        t.to_string(),
    )
}

/// Where each machine's snapshot starts in its file, by lower-cased resource id.
fn snapshot_locations(
    machines: &[Machine],
    sources: &SourceMap,
) -> BTreeMap<String, SourceLocation> {
    let mut cache = crate::load::locate::SpanCache::default();
    let mut out = BTreeMap::new();
    for m in machines {
        let Some(file) = sources.get(m.origin.source) else {
            continue;
        };
        let format = crate::load::Format::detect(&file.path, &file.text);
        let offset = cache
            .span(file, format, &m.origin.pointer)
            .map_or(0, |(o, _)| o);
        let (line, column) = crate::source::line_col_of(&file.text, offset);
        out.insert(
            m.resource.clone(),
            SourceLocation {
                file: file.path.as_str().into(),
                line,
                column,
            },
        );
    }
    out
}

fn evaluate_one(shared: &Shared<'_>, pi: usize) -> Outcome {
    let fail = |msg: String| Problem::error("posture::alert::eval", msg);
    let policy = shared
        .catalog
        .policies
        .get(pi)
        .ok_or_else(|| fail("unknown detection".into()))?;
    let module = shared
        .catalog
        .module_of(policy)
        .ok_or_else(|| fail(format!("detection `{}` has no module", policy.meta.id)))?;
    let meta = &policy.meta;
    let alert_meta = meta
        .alert
        .as_ref()
        .ok_or_else(|| fail(format!("`{}` is not a detection", meta.id)))?;
    let id = &meta.id;
    if shared.engine.module_failed(policy.module) {
        // Its syntax error is already reported; the run exits 2.
        return Err(fail(format!("detection `{id}` did not load")).in_file(module.path.clone()));
    }
    let mut engine = shared
        .engine
        .engine_with(shared.catalog, &[policy.module])
        .map_err(|(_, msg)| fail(format!("detection `{id}` did not load: {msg}")))?;
    engine
        .add_data(shared.intel_data.clone())
        .map_err(|e| fail(format!("cannot give the intelligence to `{id}`: {e}")))?;
    let params = shared.opts.parameters.get(id).cloned().unwrap_or_default();
    let mut input = BTreeMap::new();
    input.insert(
        regorus::Value::from("machines"),
        shared.machines_value.clone(),
    );
    input.insert(
        regorus::Value::from("parameters"),
        regorus::Value::from(Json::Object(params.into_iter().collect())),
    );
    input.insert(
        regorus::Value::from("now"),
        regorus::Value::from(shared.opts.now),
    );
    let input = regorus::Value::from(input);
    let entry = format!("data.{}.alerts", module.package);
    let prefix = format!("detection `{id}`: ");
    let time_help = || {
        format!(
            "the detection ran longer than the evaluation limit of {} s; raise it with --eval-timeout",
            shared.opts.timeout.as_secs_f64()
        )
    };
    let compiled = match shared.opts.backend {
        Backend::Rvm => rvm_eval(&mut engine, &entry, input.clone(), shared.opts.timeout),
        Backend::Interpreter => Err(RvmError::Fallback),
    };
    let value = match compiled {
        Ok(v) => v,
        Err(RvmError::TimeLimit(msg)) => {
            return Err(fail(format!("{prefix}{msg}"))
                .in_file(module.path.clone())
                .with_help(time_help()))
        }
        // The interpreter reports any error with its position.
        Err(RvmError::Fallback) => {
            engine.set_input(input);
            if let Some(check) = NonZeroU32::new(64) {
                engine.set_execution_timer_config(ExecutionTimerConfig {
                    limit: shared.opts.timeout,
                    check_interval: check,
                });
            }
            engine.eval_rule(entry).map_err(|e| {
                let mut p = engine_problem("posture::alert::eval", &prefix, &e, shared.sources);
                if p.file().is_none() {
                    p = p.in_file(module.path.clone());
                }
                if e.to_string().contains("time limit") {
                    p = p.with_help(time_help());
                }
                p
            })?
        }
    };
    let items = match to_json(&value) {
        Json::Array(a) => a,
        Json::Null => Vec::new(),
        other => {
            return Err(fail(format!(
                "{prefix}`alerts` must be a set of objects, found {}",
                short(&other)
            ))
            .in_file(module.path.clone()))
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let alert = to_alert(shared, meta, alert_meta, &item)
            .map_err(|why| fail(format!("{prefix}{why}")).in_file(module.path.clone()))?;
        out.push(alert);
    }
    Ok(out)
}

/// One `alerts` object checked and completed with the detection's metadata.
fn to_alert(
    shared: &Shared<'_>,
    meta: &crate::model::PolicyMeta,
    alert_meta: &crate::model::AlertMeta,
    item: &Json,
) -> Result<Alert, String> {
    let text = |k: &str| item.get(k).and_then(Json::as_str);
    let machine = text("machine").ok_or_else(|| {
        format!(
            "an `alerts` object has no string `machine`: {}",
            short(item)
        )
    })?;
    let key = machine.to_lowercase();
    let Some(m) = shared.machines.iter().find(|m| m.resource == key) else {
        return Err(format!(
            "`alerts` names machine `{machine}`, which is not one of input.machines"
        ));
    };
    let message = text("message")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("an `alerts` object has no `message`: {}", short(item)))?;
    let start = text("start")
        .filter(|s| crate::time::is_rfc3339(s))
        .ok_or_else(|| {
            format!(
                "an `alerts` object's `start` is not an RFC 3339 time: {}",
                short(item)
            )
        })?;
    let end = match item.get("end") {
        None | Some(Json::Null) => start,
        Some(Json::String(s)) if crate::time::is_rfc3339(s) => s.as_str(),
        Some(_) => {
            return Err(format!(
                "an `alerts` object's `end` is not an RFC 3339 time: {}",
                short(item)
            ))
        }
    };
    let entities = match item.get("entities") {
        None | Some(Json::Null) => json!({}),
        Some(e @ Json::Object(_)) => e.clone(),
        Some(_) => {
            return Err(format!(
                "an `alerts` object's `entities` is not an object: {}",
                short(item)
            ))
        }
    };
    let evidence = match item.get("evidence") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(a)) => a.clone(),
        Some(_) => {
            return Err(format!(
                "an `alerts` object's `evidence` is not an array: {}",
                short(item)
            ))
        }
    };
    // An intel alert may carry its indicator's severity; anything else uses the metadata's.
    let severity = match item.get("severity") {
        None | Some(Json::Null) => alert_meta.severity,
        Some(Json::String(s)) => AlertSeverity::parse(s).ok_or_else(|| {
            format!(
                "an `alerts` object's `severity` {s:?} is not High, Medium, Low or Informational"
            )
        })?,
        Some(other) => {
            return Err(format!(
                "an `alerts` object's `severity` is not a string: {}",
                short(other)
            ))
        }
    };
    // The entity key: what makes two alerts of one type, machine and start different. The
    // detection may name it; otherwise the entities in canonical form (sorted keys).
    let entity_key = match text("key") {
        Some(k) => k.to_string(),
        None => entities.to_string(),
    };
    Ok(Alert {
        fingerprint: fingerprint(&alert_meta.alert_type, &m.resource, start, &entity_key),
        alert_type: alert_meta.alert_type.clone(),
        title: meta.title.clone(),
        severity: severity.as_str().to_string(),
        tactics: alert_meta.tactics.clone(),
        techniques: alert_meta.techniques.clone(),
        machine: shared
            .ids
            .get(&m.resource)
            .cloned()
            .unwrap_or_else(|| m.resource.clone()),
        hostname: m.hostname.clone(),
        message: message.to_string(),
        start: start.to_string(),
        end: end.to_string(),
        entities,
        evidence,
        description: meta.description.clone(),
        remediation: meta.remediation.clone(),
        policy: meta.id.clone(),
        source: alert_meta.source.as_str().to_string(),
        location: shared.locations.get(&m.resource).cloned(),
    })
}

/// Stable id of an alert: 32 hex digits of the SHA-256 of alert type, lower-cased machine
/// id, start and entity key.
pub fn fingerprint(alert_type: &str, machine_key: &str, start: &str, entity_key: &str) -> String {
    let mut h = Sha256::new();
    for part in [alert_type, machine_key, start, entity_key] {
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn short(v: &Json) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        let cut: String = s.chars().take(117).collect();
        format!("{cut}...")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(severity: &str, start: &str, machine: &str, kind: &str) -> Alert {
        Alert {
            fingerprint: fingerprint(kind, machine, start, "{}"),
            alert_type: kind.into(),
            title: "t".into(),
            severity: severity.into(),
            tactics: vec![],
            techniques: vec![],
            machine: machine.into(),
            hostname: "h".into(),
            message: "m".into(),
            start: start.into(),
            end: start.into(),
            entities: json!({}),
            evidence: vec![],
            description: "d".into(),
            remediation: "r".into(),
            policy: "p".into(),
            source: "detection".into(),
            location: None,
        }
    }

    #[test]
    fn alerts_sort_by_severity_then_instant() {
        let mut v = vec![
            alert("Low", "2026-11-25T10:00:00Z", "/m/a", "x"),
            alert("High", "2026-11-25T12:00:00+01:00", "/m/b", "y"),
            alert("High", "2026-11-25T10:30:00Z", "/m/a", "z"),
            alert("Informational", "2026-11-25T09:00:00Z", "/m/a", "w"),
            alert("Medium", "2026-11-25T09:00:00Z", "/m/a", "v"),
        ];
        sort(&mut v);
        let order: Vec<&str> = v.iter().map(|a| a.alert_type.as_str()).collect();
        // 12:00+01:00 is 11:00Z, after 10:30Z.
        assert_eq!(order, vec!["z", "y", "v", "x", "w"]);
    }

    #[test]
    fn fingerprints_are_32_hex_and_depend_on_every_part() {
        let f = fingerprint("t", "/m", "2026-11-25T10:00:00Z", "{}");
        assert_eq!(f.len(), 32);
        assert!(f.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(f, fingerprint("t", "/m", "2026-11-25T10:00:00Z", "{}"));
        for other in [
            fingerprint("u", "/m", "2026-11-25T10:00:00Z", "{}"),
            fingerprint("t", "/n", "2026-11-25T10:00:00Z", "{}"),
            fingerprint("t", "/m", "2026-11-25T10:00:01Z", "{}"),
            fingerprint("t", "/m", "2026-11-25T10:00:00Z", "{\"a\":1}"),
            // the separator keeps parts from running into each other
            fingerprint("t\n/m", "", "2026-11-25T10:00:00Z", "{}"),
        ] {
            assert_ne!(f, other);
        }
    }
}
