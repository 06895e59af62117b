//! A synthetic estate for benchmarks: `posture bench generate`.
//!
//! The sample estate in `examples/` is the template: it has every bundled policy healthy
//! somewhere and unhealthy somewhere, with the joins real inventories have (VM -> NIC -> NSG,
//! vault -> diagnostic settings, SQL server -> firewall rules). The generator copies it unit
//! by unit, renaming subscription, resource groups and names consistently inside a unit so
//! the joins hold, spreads units over many subscriptions, pads NSGs to 5-50 rules, and flips
//! a few properties per copy from a seeded generator so the estate is not one pattern
//! repeated. The same seed gives the same bytes.

use std::fmt::Write as _;

use serde_json::Value;

use crate::load::{self, Format};
use crate::source::SourceFile;

const TEMPLATES: &[(&str, &str)] = &[
    (
        "network.json",
        include_str!("../examples/inventory/network.json"),
    ),
    (
        "compute.yaml",
        include_str!("../examples/inventory/compute.yaml"),
    ),
    (
        "storage-keyvault.json",
        include_str!("../examples/inventory/storage-keyvault.json"),
    ),
    (
        "sql-web.json",
        include_str!("../examples/inventory/sql-web.json"),
    ),
    (
        "containers.ndjson",
        include_str!("../examples/inventory/containers.ndjson"),
    ),
    (
        "subscriptions.json",
        include_str!("../examples/inventory/subscriptions.json"),
    ),
];

const AGENT_TEMPLATES: &[&str] = &[
    include_str!("../examples/agents/vm-prod-web01.json"),
    include_str!("../examples/agents/vm-prod-app01.json"),
    include_str!("../examples/agents/vm-prod-jump01.json"),
    include_str!("../examples/agents/vm-prod-nva01.json"),
    include_str!("../examples/agents/onprem-db-01.json"),
];

/// The template subscriptions (prod, dev), replaced by generated ones.
const TEMPLATE_SUB_PROD: &str = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const TEMPLATE_SUB_DEV: &str = "8d7c6b5a-4e3f-4a1b-9c8d-7e6f5a4b3c2d";

/// A small deterministic generator (PCG-style LCG); no dependency for a benchmark fixture.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeded.
    pub fn new(seed: u64) -> Self {
        Self(
            seed.wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407),
        )
    }

    /// The next 32 random bits.
    pub fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // The high bits of an LCG are the good ones.
        u32::try_from(self.0 >> 33).unwrap_or(0)
    }

    /// A number in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: u32) -> u32 {
        if n == 0 {
            0
        } else {
            self.next_u32() % n
        }
    }

    /// True with probability `p` percent.
    pub fn percent(&mut self, p: u32) -> bool {
        self.below(100) < p
    }
}

/// The template resources, parsed once.
pub fn templates() -> Vec<Value> {
    let mut out = Vec::new();
    for (name, text) in TEMPLATES {
        let format = load::Format::detect(name, text);
        let file = SourceFile {
            path: (*name).to_string(),
            text: std::sync::Arc::new((*text).to_string()),
        };
        let (docs, _) = load::parse_documents(&file, format);
        for doc in docs {
            match doc.value {
                Value::Array(items) => out.extend(items),
                Value::Object(mut obj) => {
                    if let Some(Value::Array(items)) =
                        obj.remove("data").or_else(|| obj.remove("value"))
                    {
                        out.extend(items);
                    } else if format == Format::Ndjson || obj.contains_key("id") {
                        out.push(Value::Object(obj));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn subscription(n: u32) -> String {
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        0x5eed_0000_u32.wrapping_add(n),
        u64::from(n)
    )
}

/// Renames one unit's copy of a template resource: template subscriptions become the unit's
/// subscriptions and every resource group and name gains the unit's suffix, consistently, so
/// ids that refer to each other still match.
fn rename(text: &str, unit: u32, subs: (&str, &str)) -> String {
    let s = replace_ci(text, TEMPLATE_SUB_PROD, |_| subs.0.to_string());
    let mut s = replace_ci(&s, TEMPLATE_SUB_DEV, |_| subs.1.to_string());
    for prefix in ["/resourcegroups/rg-", "\"resourcegroup\":\"rg-"] {
        s = replace_ci(&s, prefix, |found| format!("{found}u{unit}-"));
    }
    s
}

/// Replaces every ASCII-case-insensitive occurrence of `needle` with `with(found text)`:
/// the templates write some ids in odd case on purpose.
fn replace_ci(text: &str, needle: &str, with: impl Fn(&str) -> String) -> String {
    let lower = text.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len() + 64);
    let mut from = 0usize;
    while let Some(pos) = lower.get(from..).and_then(|l| l.find(&needle)) {
        let at = from + pos;
        out.push_str(text.get(from..at).unwrap_or(""));
        out.push_str(&with(text.get(at..at + needle.len()).unwrap_or("")));
        from = at + needle.len();
    }
    out.push_str(text.get(from..).unwrap_or(""));
    out
}

/// Pads an NSG to `n` security rules with plausible internal rules (private sources, high
/// priorities): more work for the port logic without changing which NSGs are open.
fn pad_rules(value: &mut Value, rng: &mut Rng) {
    let Some(rules) = value
        .pointer_mut("/properties/securityRules")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    let want = 5 + rng.below(46) as usize;
    let mut i = 0u32;
    while rules.len() < want {
        let port = [443, 8443, 1433, 5432, 6379, 9000, 22, 3389]
            .get(rng.below(8) as usize)
            .copied()
            .unwrap_or(443);
        rules.push(serde_json::json!({
            "name": format!("allow-internal-{i}"),
            "properties": {
                "priority": 3000 + i,
                "direction": "Inbound",
                "access": if rng.percent(80) { "Allow" } else { "Deny" },
                "protocol": "Tcp",
                "sourceAddressPrefix": format!("10.{}.0.0/16", rng.below(250)),
                "sourcePortRange": "*",
                "destinationAddressPrefix": "VirtualNetwork",
                "destinationPortRange": port.to_string()
            }
        }));
        i += 1;
    }
}

/// Flips one boolean-ish property the policies read, so copies differ.
fn perturb(value: &mut Value, rng: &mut Rng) {
    const FLIPS: &[&str] = &[
        "/properties/supportsHttpsTrafficOnly",
        "/properties/allowBlobPublicAccess",
        "/properties/enableSoftDelete",
        "/properties/enablePurgeProtection",
        "/properties/httpsOnly",
        "/properties/adminUserEnabled",
        "/properties/enableRBAC",
        "/properties/enableIPForwarding",
    ];
    if !rng.percent(30) {
        return;
    }
    for ptr in FLIPS {
        if let Some(v) = value.pointer_mut(ptr) {
            if let Some(b) = v.as_bool() {
                *v = Value::Bool(!b);
                return;
            }
        }
    }
}

/// What `generate` wrote.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// NDJSON inventory files: (file name, text).
    pub files: Vec<(String, String)>,
    /// Agent snapshots: (file name, text).
    pub agents: Vec<(String, String)>,
    /// Resources written.
    pub resources: usize,
}

/// The same estate with each NDJSON inventory file written as one JSON document,
/// `{"value": [...]}`, a resource per line, named `.json`.
pub fn as_json_documents(mut g: Generated) -> Generated {
    for (name, text) in &mut g.files {
        if let Some(stem) = name.strip_suffix(".ndjson") {
            *name = format!("{stem}.json");
        }
        let items: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        *text = format!("{{\"value\": [\n{}\n]}}\n", items.join(",\n"));
    }
    g
}

/// Generates `resources` resources (units of the template, two subscriptions each), and `machines` agent snapshots attached to
/// generated VMs, in NDJSON files of at most 50,000 lines.
pub fn generate(resources: usize, machines: usize, seed: u64) -> Generated {
    let templates = templates();
    let texts: Vec<String> = templates.iter().map(Value::to_string).collect();
    let mut rng = Rng::new(seed);
    let mut out = Generated::default();
    let mut current = String::new();
    let mut lines = 0usize;
    let mut vms: Vec<String> = Vec::new();
    let mut unit = 0u32;
    while out.resources < resources {
        // Each unit is its own pair of subscriptions: subscription-scoped resources (role
        // assignments, Defender plans) then stay unique.
        let subs = (subscription(unit * 2), subscription(unit * 2 + 1));
        for text in &texts {
            if out.resources >= resources {
                break;
            }
            let renamed = rename(text, unit, (&subs.0, &subs.1));
            let Ok(mut value) = serde_json::from_str::<Value>(&renamed) else {
                continue;
            };
            let kind = value
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_ascii_lowercase();
            if kind == "microsoft.network/networksecuritygroups" {
                pad_rules(&mut value, &mut rng);
            }
            if kind == "microsoft.compute/virtualmachines" {
                if let Some(id) = value.get("id").and_then(Value::as_str) {
                    vms.push(id.to_string());
                }
            }
            perturb(&mut value, &mut rng);
            let _ = writeln!(current, "{value}");
            lines += 1;
            out.resources += 1;
            if lines == 50_000 {
                out.files.push((
                    format!("inventory-{:04}.ndjson", out.files.len()),
                    std::mem::take(&mut current),
                ));
                lines = 0;
            }
        }
        unit += 1;
    }
    if !current.is_empty() {
        out.files
            .push((format!("inventory-{:04}.ndjson", out.files.len()), current));
    }
    for i in 0..machines {
        let Some(template) = AGENT_TEMPLATES.get(i % AGENT_TEMPLATES.len()) else {
            continue;
        };
        let Ok(mut snap) = serde_json::from_str::<Value>(template) else {
            continue;
        };
        let host = format!("gen-host-{i:06}");
        if let Some(h) = snap.get_mut("host").and_then(Value::as_object_mut) {
            h.insert("hostname".into(), Value::from(host.clone()));
            h.insert("machineId".into(), Value::from(format!("{:032x}", i)));
            match vms.get(i) {
                Some(vm) => h.insert("resourceId".into(), Value::from(vm.clone())),
                None => h.remove("resourceId"),
            };
        }
        let text = serde_json::to_string(&snap).unwrap_or_default();
        out.agents.push((format!("agents/{host}.json"), text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_documents_hold_the_resources_of_the_ndjson_files() {
        let lines = generate(120, 0, 3);
        let docs = as_json_documents(lines.clone());
        assert_eq!(docs.files.len(), lines.files.len());
        for ((ln, lt), (dn, dt)) in lines.files.iter().zip(&docs.files) {
            assert_eq!(dn, &ln.replace(".ndjson", ".json"));
            let doc: Value = serde_json::from_str(dt).unwrap();
            let items: Vec<Value> = lt
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            assert_eq!(doc["value"], Value::Array(items));
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_estate_and_another_seed_another() {
        let a = generate(1_000, 3, 7);
        let b = generate(1_000, 3, 7);
        let c = generate(1_000, 3, 8);
        assert_eq!(a.resources, 1_000);
        assert_eq!(a.files, b.files);
        assert_eq!(a.agents, b.agents);
        assert_ne!(a.files, c.files);
        assert_eq!(a.agents.len(), 3);
    }

    #[test]
    fn ids_are_unique_and_joins_stay_inside_a_unit() {
        let g = generate(2_000, 0, 1);
        let mut ids = std::collections::BTreeSet::new();
        for (_, text) in &g.files {
            for line in text.lines() {
                let v: Value = serde_json::from_str(line).unwrap();
                let id = v["id"].as_str().unwrap().to_ascii_lowercase();
                assert!(ids.insert(id.clone()), "duplicate {id}");
            }
        }
        assert_eq!(ids.len(), 2_000);
    }
}
