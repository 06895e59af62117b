//! Agent snapshots joined to the inventory: the newest snapshot of each host is attached to
//! its virtual machine as `agent`, or becomes a machine resource of its own
//! (`Microsoft.HybridCompute/machines`, the type Azure gives machines outside Azure).
//!
//! Older snapshots of the same host are not assessed for recommendations and are named in a
//! warning, so nothing is dropped silently; they are kept, with the snapshots of
//! `--history`, as the host's history, which detections read to tell what is new.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::diag::{Problem, Problems};
use crate::load::{Inventory, Snapshot};
use crate::model::{Origin, Resource};
use crate::source::SourceMap;

/// The type of machines known only from their agent.
pub const HYBRID_MACHINE_TYPE: &str = "Microsoft.HybridCompute/machines";

/// An earlier snapshot of a machine.
#[derive(Debug, Clone)]
pub struct HistorySnapshot {
    /// The whole document.
    pub value: Value,
    /// `collectedAt` as written.
    pub collected_at: String,
    /// `collectedAt` in Unix seconds.
    pub collected_unix: i64,
    /// The file it was read from.
    pub source: String,
}

/// A machine with agent data.
#[derive(Debug, Clone)]
pub struct Machine {
    /// Lower-cased id of the resource the snapshot is attached to.
    pub resource: String,
    /// `host.hostname`.
    pub hostname: String,
    /// `host.os.prettyName`, else name and version.
    pub os: String,
    /// `collectedAt` as written.
    pub collected_at: String,
    /// `collectedAt` in Unix seconds.
    pub collected_unix: i64,
    /// The file it was read from.
    pub source: String,
    /// Where in that file.
    pub origin: Origin,
    /// The newest snapshot (the one attached as `agent`).
    pub snapshot: Value,
    /// Earlier snapshots of the same host, oldest first: the older snapshots given to the
    /// assessment and those of `--history`.
    pub history: Vec<HistorySnapshot>,
}

fn history_entry(s: Snapshot, source: String) -> HistorySnapshot {
    HistorySnapshot {
        value: s.value,
        collected_at: s.collected_at,
        collected_unix: s.collected_unix,
        source,
    }
}

/// Attaches every host's newest snapshot; `history` (the snapshots of `--history`) joins
/// the older ones as each host's history. Returns the machines with agent data, sorted by
/// resource id.
pub fn attach(
    inv: &mut Inventory,
    history: Vec<Snapshot>,
    sources: &SourceMap,
    problems: &mut Problems,
) -> Vec<Machine> {
    let path = |s: &Snapshot| {
        sources
            .get(s.origin.source)
            .map_or_else(String::new, |f| f.path.clone())
    };
    let mut newest: BTreeMap<String, Snapshot> = BTreeMap::new();
    let mut older: BTreeMap<String, Vec<HistorySnapshot>> = BTreeMap::new();
    for s in std::mem::take(&mut inv.snapshots) {
        match newest.get(&s.host_key) {
            None => {
                newest.insert(s.host_key.clone(), s);
            }
            Some(kept) => {
                let (older_one, newer) = if s.collected_unix >= kept.collected_unix {
                    (kept.clone(), s)
                } else {
                    (s, kept.clone())
                };
                problems.push(
                    Problem::warning(
                        "posture::agent::older_snapshot",
                        format!(
                            "an older snapshot of host {} (collected {}) is not used for recommendations (it is history for alerts); the newest, collected {} in {}, is",
                            older_one.hostname,
                            older_one.collected_at,
                            newer.collected_at,
                            path(&newer)
                        ),
                    )
                    .in_file(path(&older_one)),
                );
                let from = path(&older_one);
                older
                    .entry(older_one.host_key.clone())
                    .or_default()
                    .push(history_entry(older_one, from));
                newest.insert(newer.host_key.clone(), newer);
            }
        }
    }
    let mut unmatched: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for h in history {
        let from = path(&h);
        match newest.get(&h.host_key) {
            None => {
                let e = unmatched
                    .entry(h.host_key.clone())
                    .or_insert_with(|| (h.hostname.clone(), 0));
                e.1 += 1;
            }
            // The assessed snapshot itself, found again in the history folder.
            Some(now) if now.collected_unix == h.collected_unix => {}
            Some(now) if now.collected_unix < h.collected_unix => {
                problems.push(
                    Problem::warning(
                        "posture::agent::history_newer",
                        format!(
                            "the history snapshot of host {} collected {} is newer than the assessed one ({}); it is not used",
                            h.hostname, h.collected_at, now.collected_at
                        ),
                    )
                    .in_file(from)
                    .with_help("give the newest snapshot with --agents and earlier ones with --history"),
                );
            }
            Some(_) => older
                .entry(h.host_key.clone())
                .or_default()
                .push(history_entry(h, from)),
        }
    }
    for (hostname, n) in unmatched.into_values() {
        problems.push(
            Problem::warning(
                "posture::agent::history_unmatched",
                format!(
                    "--history holds {n} snapshot{} of host {hostname}, which has no assessed snapshot; not used",
                    if n == 1 { "" } else { "s" }
                ),
            )
            .with_help("history only serves hosts whose current snapshot is assessed (--agents)"),
        );
    }
    // The inventory is sorted by key with unique keys (see `Inventory`): found by binary
    // search rather than a copy of every key in a map (100,000 keys: 30 ms on one core).
    debug_assert!(inv.resources.is_sorted_by(|a, b| a.key < b.key));
    let find = |resources: &[Resource], key: &str| {
        resources.binary_search_by(|r| r.key.as_ref().cmp(key)).ok()
    };
    let mut machines = Vec::new();
    let mut added: Vec<Resource> = Vec::new();
    for s in newest.into_values() {
        let source = path(&s);
        let target = s
            .resource_id
            .as_ref()
            .and_then(|rid| find(&inv.resources, &rid.to_lowercase()));
        let key = if let Some(i) = target {
            let Some(r) = inv.resources.get_mut(i) else {
                continue;
            };
            with_agent(&mut r.value, regorus::Value::from(s.value.clone()));
            r.key.to_string()
        } else {
            let r = machine_resource(&s, |k| find(&inv.resources, k).is_some(), &added);
            if let Some(rid) = &s.resource_id {
                if !rid
                    .to_ascii_lowercase()
                    .contains("/microsoft.hybridcompute/machines/")
                {
                    problems.push(
                        Problem::warning(
                            "posture::agent::resource_not_found",
                            format!(
                                "the snapshot of host {} names resource {rid}, which is not in the inventory; it is assessed as machine {}",
                                s.hostname, r.id
                            ),
                        )
                        .in_file(source.clone())
                        .with_help("add the resource to the inventory, or correct host.resourceId"),
                    );
                }
            }
            let key = r.key.to_string();
            added.push(r);
            key
        };
        let mut history = older.remove(&s.host_key).unwrap_or_default();
        // Oldest first; the same time twice (a copy in two folders) counts once.
        history.sort_by(|a, b| {
            a.collected_unix
                .cmp(&b.collected_unix)
                .then_with(|| a.source.cmp(&b.source))
        });
        history.dedup_by_key(|h| h.collected_unix);
        machines.push(Machine {
            resource: key,
            hostname: s.hostname.clone(),
            os: os_name(&s.value),
            collected_at: s.collected_at.clone(),
            collected_unix: s.collected_unix,
            source,
            origin: s.origin.clone(),
            snapshot: s.value,
            history,
        });
    }
    // Still sorted unless machines were added (a pass over every key otherwise).
    if !added.is_empty() {
        inv.resources.extend(added);
        inv.resources.sort_by(|a, b| a.key.cmp(&b.key));
    }
    machines.sort_by(|a, b| a.resource.cmp(&b.resource));
    machines
}

fn os_name(snapshot: &Value) -> String {
    let get = |p: &str| snapshot.pointer(p).and_then(Value::as_str).unwrap_or("");
    let pretty = get("/host/os/prettyName");
    if !pretty.is_empty() {
        return pretty.to_string();
    }
    let joined = format!("{} {}", get("/host/os/name"), get("/host/os/version"));
    let joined = joined.trim();
    if joined.is_empty() {
        get("/host/os/family").to_string()
    } else {
        joined.to_string()
    }
}

/// A machine resource for a snapshot that names no inventory resource.
/// `in_inventory` tells whether a lower-cased id is taken by an inventory resource.
fn machine_resource(
    s: &Snapshot,
    in_inventory: impl Fn(&str) -> bool,
    added: &[Resource],
) -> Resource {
    let given = s.resource_id.clone().filter(|rid| {
        rid.to_ascii_lowercase()
            .contains("/providers/microsoft.hybridcompute/machines/")
    });
    let (sub, rg) = s
        .resource_id
        .as_deref()
        .map(scope_of)
        .unwrap_or((None, None));
    let base = given.unwrap_or_else(|| match (&sub, &rg) {
        (Some(sub), Some(rg)) => format!(
            "/subscriptions/{sub}/resourceGroups/{rg}/providers/{HYBRID_MACHINE_TYPE}/{}",
            s.hostname
        ),
        _ => format!("/providers/{HYBRID_MACHINE_TYPE}/{}", s.hostname),
    });
    // Two hosts with one hostname and no resource id: keep both, told apart by machine id.
    let taken = |id: &str| {
        let k = id.to_lowercase();
        in_inventory(&k) || added.iter().any(|r| *r.key == *k)
    };
    let mut id = base.clone();
    let mut n = 2;
    while taken(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    let family = s
        .value
        .pointer("/host/os/family")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut value = json!({
        "id": id,
        "type": HYBRID_MACHINE_TYPE,
        "name": s.hostname,
        "properties": {
            "osType": family,
            "osName": os_name(&s.value),
            "resourceId": s.resource_id,
            "source": "posture agent snapshot",
        },
        "agent": s.value,
    });
    if let Some(obj) = value.as_object_mut() {
        if let Some(sub) = &sub {
            obj.insert("subscriptionId".into(), Value::from(sub.clone()));
        }
        if let Some(rg) = &rg {
            obj.insert("resourceGroup".into(), Value::from(rg.clone()));
        }
    }
    Resource {
        key: id.to_lowercase().into(),
        id: id.into(),
        kind: HYBRID_MACHINE_TYPE.into(),
        kind_key: HYBRID_MACHINE_TYPE.to_ascii_lowercase().into(),
        subscription_id: sub.map(Into::into),
        resource_group: rg.map(Into::into),
        value: regorus::Value::from(value),
        origin: s.origin.clone(),
    }
}

/// Subscription and resource group of an ARM id.
fn scope_of(id: &str) -> (Option<String>, Option<String>) {
    let parts: Vec<&str> = id.split('/').collect();
    let after = |name: &str| {
        parts
            .iter()
            .position(|p| p.eq_ignore_ascii_case(name))
            .and_then(|i| parts.get(i + 1))
            .filter(|s| !s.is_empty())
            .map(|s| (*s).to_string())
    };
    (after("subscriptions"), after("resourceGroups"))
}

/// The resource object with its snapshot as `agent` (replacing one it had).
fn with_agent(resource: &mut regorus::Value, agent: regorus::Value) {
    if let Ok(obj) = resource.as_object_mut() {
        obj.insert(regorus::Value::from("agent"), agent);
    }
    // Inserting made the object a tree, on which every field lookup of every policy over
    // the machine compares keys one by one: stored as a sorted slice again
    // (vendor/regorus/POSTURE-PATCH.md item 38).
    resource.freeze_objects();
}

#[cfg(test)]
mod tests {
    use super::with_agent;
    use regorus::Value;

    /// The snapshot lands as `agent` among the resource's fields, in key order, and
    /// replaces an `agent` field the resource had.
    #[test]
    fn the_snapshot_is_added_as_agent_and_replaces_one() {
        let snapshot = Value::from_json_str(r#"{"host": {"hostname": "h"}}"#).unwrap();
        for (resource, want) in [
            (
                r#"{"id": "/x", "name": "n", "type": "t"}"#,
                r#"{"agent": {"host": {"hostname": "h"}}, "id": "/x", "name": "n", "type": "t"}"#,
            ),
            (
                r#"{"agent": 1, "zone": 2}"#,
                r#"{"agent": {"host": {"hostname": "h"}}, "zone": 2}"#,
            ),
            (
                r#"{"a": 1}"#,
                r#"{"a": 1, "agent": {"host": {"hostname": "h"}}}"#,
            ),
            (r#"{}"#, r#"{"agent": {"host": {"hostname": "h"}}}"#),
        ] {
            let mut got = Value::from_json_str(resource).unwrap();
            with_agent(&mut got, snapshot.clone());
            assert_eq!(got, Value::from_json_str(want).unwrap());
            assert_eq!(got["agent"]["host"]["hostname"], Value::from("h"));
            let keys: Vec<String> = got
                .as_object()
                .unwrap()
                .keys()
                .map(|k| k.to_string())
                .collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted);
        }
    }
}
