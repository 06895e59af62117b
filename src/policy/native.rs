//! Native computation of the shared tables (see `engine::SHARED_TABLES`): the values of the
//! bundled library's `data.posture.lib.net.analysis(nsg)` and `_vm_management_findings(vm)`,
//! built in Rust.
//!
//! The library functions normalise every NSG rule and join VMs to NICs, subnets and NSGs in
//! comprehensions; on the RVM that was about 120 microseconds per NSG and 30 per VM (a
//! quarter of all policy CPU on a generated estate), here it is a few. The Rego stays the
//! definition: this is used only while the library packages it depends on are the bundled
//! ones, the interpreter path (the reference) never uses it, and a row this code does not
//! reproduce (a port number of negative zero) returns `None`, so the library computes that
//! one itself. Tests compare both on thousands of generated NSGs and VM estates, hostile
//! shapes included, a fuzz target does the same for NSGs, and the verdict-equality tests
//! compare whole reports with the interpreter.
//!
//! Only Internet-facing inbound rules affect an NSG's analysis: every finding is about a
//! rule that holds `from_internet`, and only such rules decide a port or shadow one. The
//! library narrows the rules with a superset filter (`_maybe_internet`); this keeps exactly
//! the rules for which `from_internet` holds, which gives the same result.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use regorus::Value;

/// The packages whose functions the native table reproduces. A user module in one of them
/// (or in a package that contains one of them) could change the definition, so the table
/// is then computed by the library.
pub const DEPENDS_ON: &[&str] = &["posture.lib.net", "posture.lib.ports", "posture.lib.util"];

/// Whether a module of package `package` can add to or replace one of [`DEPENDS_ON`].
pub fn overlaps(package: &str) -> bool {
    DEPENDS_ON.iter().any(|dep| {
        let (short, long) = if package.len() <= dep.len() {
            (package, *dep)
        } else {
            (*dep, package)
        };
        long == short
            || (long.starts_with(short) && long.as_bytes().get(short.len()) == Some(&b'.'))
    })
}

/// Object keys, built once: a lookup with a fresh `Value` key would allocate.
pub struct Keys {
    properties: Value,
    name: Value,
    security_rules: Value,
    default_rules: Value,
    priority: Value,
    direction: Value,
    access: Value,
    protocol: Value,
    source: Value,
    source_list: Value,
    sources: Value,
    port: Value,
    port_ranges: Value,
    default: Value,
    rule: Value,
    ports: Value,
    exposures: Value,
    management: Value,
    other: Value,
    id: Value,
    network_profile: Value,
    network_interfaces: Value,
    network_security_group: Value,
    ip_configurations: Value,
    subnet: Value,
    subnets: Value,
    nsg: Value,
    via: Value,
}

impl Default for Keys {
    fn default() -> Self {
        Self {
            properties: Value::from("properties"),
            name: Value::from("name"),
            security_rules: Value::from("securityRules"),
            default_rules: Value::from("defaultSecurityRules"),
            priority: Value::from("priority"),
            direction: Value::from("direction"),
            access: Value::from("access"),
            protocol: Value::from("protocol"),
            source: Value::from("sourceAddressPrefix"),
            source_list: Value::from("sourceAddressPrefixes"),
            sources: Value::from("sources"),
            port: Value::from("destinationPortRange"),
            port_ranges: Value::from("destinationPortRanges"),
            default: Value::from("default"),
            rule: Value::from("rule"),
            ports: Value::from("ports"),
            exposures: Value::from("exposures"),
            management: Value::from("management"),
            other: Value::from("other"),
            id: Value::from("id"),
            network_profile: Value::from("networkProfile"),
            network_interfaces: Value::from("networkInterfaces"),
            network_security_group: Value::from("networkSecurityGroup"),
            ip_configurations: Value::from("ipConfigurations"),
            subnet: Value::from("subnet"),
            subnets: Value::from("subnets"),
            nsg: Value::from("nsg"),
            via: Value::from("via"),
        }
    }
}

/// What a native table row may read besides its resource: the object keys, the estate
/// (`data.posture.resources`) and the tables computed before it.
pub struct Context<'a> {
    /// Object keys.
    pub keys: Keys,
    /// `data.posture.resources`: lower-cased id -> resource.
    pub resources: Index<'a>,
    /// `data.posture.shared.nsg_analysis`, once computed.
    pub nsg_analysis: Option<Value>,
}

/// Resources by lower-cased id. The loader gives them in id order, so a binary search over
/// the ids needs nothing built; a map is built only if they are not sorted.
pub enum Index<'a> {
    /// Ids sorted and unique, parallel to the values.
    Sorted(Vec<&'a str>, &'a [Value]),
    /// Any other order.
    Map(HashMap<&'a str, &'a Value>),
}

impl<'a> Index<'a> {
    /// The index of `values` by `ids` (parallel).
    pub fn new(ids: Vec<&'a str>, values: &'a [Value]) -> Self {
        if ids.len() == values.len() && ids.windows(2).all(|w| matches!(w, [a, b] if a < b)) {
            Self::Sorted(ids, values)
        } else {
            Self::Map(ids.into_iter().zip(values).collect())
        }
    }

    fn get(&self, id: &str) -> Option<&'a Value> {
        match self {
            Self::Sorted(ids, values) => ids.binary_search(&id).ok().and_then(|i| values.get(i)),
            Self::Map(m) => m.get(id).copied(),
        }
    }
}

/// The `nsg_analysis` table's row.
pub fn nsg_row(nsg: &Value, cx: &Context) -> Option<Value> {
    nsg_analysis(nsg, &cx.keys)
}

/// `data.posture.lib.net._vm_management_findings(vm)` (the `vm_management_findings` table's
/// row): the NSGs on the VM's network path (its interfaces', and those of the subnets of
/// their IP configurations) with the rules that open management ports, read from the
/// `nsg_analysis` table; `None` without that table.
pub fn vm_management_findings(vm: &Value, cx: &Context) -> Option<Value> {
    let table = cx.nsg_analysis.as_ref()?;
    let k = &cx.keys;
    let resource = |id: &Value| match id {
        Value::String(s) => cx.resources.get(&s.to_lowercase()),
        _ => None,
    };
    let interfaces = object_get(props(vm, k), &k.network_profile)
        .and_then(|p| object_get(p, &k.network_interfaces));
    let nics: Vec<&Value> = match interfaces {
        Some(v) => list(v)
            .into_iter()
            .filter_map(|r| resource(object_get(r, &k.id)?))
            .collect(),
        None => Vec::new(),
    };

    // vm_nsgs(vm), grouped: NSG id -> where it is attached ("via"), sorted.
    let mut path: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for nic in nics {
        let Some(name) = name_of(nic, k) else {
            continue;
        };
        let nic_props = props(nic, k);
        if let Some(id) = ref_id(object_get(nic_props, &k.network_security_group), k) {
            path.entry(id)
                .or_default()
                .insert(format!("network interface {name}"));
        }
        let configs = object_get(nic_props, &k.ip_configurations).map_or_else(Vec::new, list);
        for c in configs {
            if !matches!(c, Value::Object(_)) {
                continue;
            }
            let Some(subnet) = ref_id(object_get(props(c, k), &k.subnet), k) else {
                continue;
            };
            let segment = subnet.rsplit('/').next().unwrap_or_default();
            for id in subnet_nsgs(&subnet, cx) {
                path.entry(id)
                    .or_default()
                    .insert(format!("subnet {segment} of network interface {name}"));
            }
        }
    }

    let mut findings = BTreeSet::new();
    for (id, vias) in path {
        let Some(nsg) = cx.resources.get(&id.to_lowercase()) else {
            continue;
        };
        let Ok(found) = table[&Value::from(id.as_str())][&k.management].as_set() else {
            continue;
        };
        let vias = Value::from(
            vias.iter()
                .map(|v| Value::from(v.as_str()))
                .collect::<Vec<Value>>(),
        );
        for f in found.iter() {
            let (rule, ports) = (&f[&k.rule], &f[&k.ports]);
            if matches!(rule, Value::Undefined) || matches!(ports, Value::Undefined) {
                continue;
            }
            let mut o = BTreeMap::new();
            o.insert(k.nsg.clone(), nsg.clone());
            o.insert(k.via.clone(), vias.clone());
            o.insert(k.rule.clone(), rule.clone());
            o.insert(k.ports.clone(), ports.clone());
            findings.insert(Value::from(o));
        }
    }
    Some(Value::from(findings))
}

/// `net.subnet_nsgs(subnet_id)`: the NSG ids of every representation of the subnet (its own
/// resource, and its entry in the virtual network's `subnets`).
fn subnet_nsgs(subnet_id: &str, cx: &Context) -> BTreeSet<String> {
    let k = &cx.keys;
    let lower = subnet_id.to_lowercase();
    let mut entries: Vec<&Value> = Vec::new();
    if let Some(s) = cx.resources.get(&lower) {
        entries.push(s);
    }
    let parts: Vec<&str> = lower.split("/subnets/").collect();
    if let [vnet_id, _] = parts.as_slice() {
        let vnet = cx.resources.get(&vnet_id.to_lowercase());
        if let Some(subnets) = vnet.and_then(|v| object_get(props(v, k), &k.subnets)) {
            let last = lower.rsplit('/').next().unwrap_or_default();
            for s in list(subnets) {
                if same_subnet(s, &lower, last, k) {
                    entries.push(s);
                }
            }
        }
    }
    entries
        .into_iter()
        .filter_map(|s| ref_id(object_get(props(s, k), &k.network_security_group), k))
        .collect()
}

/// `net.same_subnet(s, subnet_id)`, with the id already lower-cased and its last segment.
fn same_subnet(s: &Value, lower_id: &str, last: &str, k: &Keys) -> bool {
    let id = object_get(s, &k.id);
    if id.is_some() && lc(id) == lower_id {
        return true;
    }
    if matches!(id, Some(Value::String(_))) {
        return false;
    }
    match object_get(s, &k.name) {
        Some(name) => lc(Some(name)) == last,
        None => false,
    }
}

/// `util.ref_id(x)`: the lower-cased `id` of a reference, when it is a non-empty string.
fn ref_id(x: Option<&Value>, k: &Keys) -> Option<String> {
    match object_get(x?, &k.id) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.to_lowercase()),
        _ => None,
    }
}

/// `util.name_of(r)`: its `name`, else the last segment of its `id`.
fn name_of(r: &Value, k: &Keys) -> Option<String> {
    match (object_get(r, &k.name), object_get(r, &k.id)) {
        (Some(Value::String(s)), _) => Some(s.to_string()),
        (_, Some(Value::String(id))) => Some(id.rsplit('/').next().unwrap_or_default().to_string()),
        _ => None,
    }
}

/// The library's `default_priority`.
const DEFAULT_PRIORITY: u64 = 4096;
/// `ports.management`, by number.
const MANAGEMENT_PORTS: [u64; 4] = [22, 3389, 5985, 5986];
/// `net.expected`: web and management ports, excluded from the all-ports check.
const EXPECTED: [(i64, i64); 6] = [
    (22, 22),
    (80, 80),
    (443, 443),
    (3389, 3389),
    (5985, 5985),
    (5986, 5986),
];
const ALL_PORTS: u64 = 65535;

/// One normalised rule: its value as the library builds it, and the fields the analysis
/// reads.
struct Rule {
    value: Value,
    priority: Value,
    access: String,
    protocol: String,
    ports: Vec<(i64, i64)>,
}

impl Rule {
    fn covers_protocol(&self, proto: &str) -> bool {
        self.protocol == "*" || self.protocol == proto
    }

    fn decides(&self) -> bool {
        self.access == "allow" || self.access == "deny"
    }
}

/// `data.posture.lib.net.analysis(nsg)`, or `None` when the NSG holds a value this code
/// does not reproduce (the caller then asks the library).
pub fn nsg_analysis(nsg: &Value, k: &Keys) -> Option<Value> {
    let props = props(nsg, k);
    let mut rules: BTreeMap<Value, Rule> = BTreeMap::new();
    for (field, is_default) in [(&k.security_rules, false), (&k.default_rules, true)] {
        let list = match object_get(props, field) {
            Some(v) => list(v),
            None => Vec::new(),
        };
        for r in list {
            if !matches!(r, Value::Object(_)) {
                continue;
            }
            if let Some(rule) = normalise(r, is_default, k)? {
                rules.entry(rule.value.clone()).or_insert(rule);
            }
        }
    }
    let rules: Vec<&Rule> = rules.values().collect();

    // management: each management port's deciding rule, when it allows; grouped by rule.
    let mut opened: BTreeMap<&Value, Vec<u64>> = BTreeMap::new();
    for port in MANAGEMENT_PORTS {
        if let Some(r) = open_rule(&rules, "tcp", port as i64) {
            opened.entry(&r.value).or_default().push(port);
        }
    }
    let mut management = BTreeSet::new();
    for (rule, mut ports) in opened {
        ports.sort_unstable();
        let ports: Vec<Value> = ports.into_iter().map(Value::from).collect();
        let mut f = BTreeMap::new();
        f.insert(k.rule.clone(), rule.clone());
        f.insert(k.ports.clone(), Value::from(ports));
        management.insert(Value::from(f));
    }

    // other: per allowing rule, the lowest port per protocol it is first to let in.
    let mut other = BTreeSet::new();
    for rule in &rules {
        if rule.access != "allow" {
            continue;
        }
        let mut exposures = BTreeSet::new();
        for proto in ["tcp", "udp"] {
            if !rule.covers_protocol(proto) {
                continue;
            }
            let mut holes: Vec<(i64, i64)> = EXPECTED.to_vec();
            for x in &rules {
                if x.priority < rule.priority && x.decides() && x.covers_protocol(proto) {
                    holes.extend_from_slice(&x.ports);
                }
            }
            if let Some(p) = first_outside(&rule.ports, &holes) {
                exposures.insert(format!("{p}/{proto}"));
            }
        }
        if !exposures.is_empty() {
            let exposures: Vec<Value> = exposures.iter().map(|e| Value::from(e.as_str())).collect();
            let mut f = BTreeMap::new();
            f.insert(k.rule.clone(), rule.value.clone());
            f.insert(k.exposures.clone(), Value::from(exposures));
            other.insert(Value::from(f));
        }
    }

    let mut out = BTreeMap::new();
    out.insert(k.management.clone(), Value::from(management));
    out.insert(k.other.clone(), Value::from(other));
    Some(Value::from(out))
}

/// `open_rule(rs, proto, port)`: the first rule (lowest priority number) deciding Internet
/// traffic to the port, when it allows; an Allow wins a priority tie.
fn open_rule<'a>(rules: &[&'a Rule], proto: &str, port: i64) -> Option<&'a Rule> {
    let matching: Vec<&Rule> = rules
        .iter()
        .copied()
        .filter(|r| r.decides() && r.covers_protocol(proto) && covers(&r.ports, port))
        .collect();
    let top = matching.iter().map(|r| &r.priority).min()?;
    matching
        .into_iter()
        .filter(|r| &r.priority == top && r.access == "allow")
        .min_by(|a, b| a.value.cmp(&b.value))
}

fn covers(ranges: &[(i64, i64)], port: i64) -> bool {
    ranges.iter().any(|&(lo, hi)| lo <= port && port <= hi)
}

/// `ports.first_outside(rs, holes)`: the lowest port in `ranges` and in none of `holes`.
fn first_outside(ranges: &[(i64, i64)], holes: &[(i64, i64)]) -> Option<i64> {
    ranges
        .iter()
        .map(|r| r.0)
        .chain(holes.iter().map(|h| h.1 + 1))
        .filter(|&p| covers(ranges, p) && !covers(holes, p))
        .min()
}

/// `net.normalise(r, is_default)`, kept only when `from_internet` holds for it:
/// `Some(None)` for a rule that does not face the Internet, `None` for a value this code
/// does not reproduce.
fn normalise(r: &Value, is_default: bool, k: &Keys) -> Option<Option<Rule>> {
    let p = props(r, k);
    let direction = lc(object_get(p, &k.direction));
    if direction != "inbound" {
        return Some(None);
    }
    let mut sources = BTreeSet::new();
    for field in [&k.source, &k.source_list] {
        let Some(v) = object_get(p, field) else {
            continue;
        };
        for item in list(v) {
            if let Value::String(s) = item {
                for piece in s.split(',') {
                    let s = lc_str(piece);
                    if !s.is_empty() {
                        sources.insert(s);
                    }
                }
            }
        }
    }
    let internet = sources
        .iter()
        .any(|s| matches!(s.as_str(), "*" | "internet" | "any") || s.ends_with("/0"));
    if !internet {
        return Some(None);
    }

    let mut ports: BTreeMap<(i64, i64), Value> = BTreeMap::new();
    for field in [&k.port, &k.port_ranges] {
        let Some(v) = object_get(p, field) else {
            continue;
        };
        for item in list(v) {
            match item {
                Value::String(s) => {
                    for piece in s.split(',') {
                        if let Some((lo, hi)) = parse_port_text(piece) {
                            ports.entry((lo as i64, hi as i64)).or_insert_with(|| {
                                Value::from(vec![Value::from(lo), Value::from(hi)])
                            });
                        }
                    }
                }
                Value::Number(_) => {
                    if let Some(n) = port_number(item)? {
                        ports
                            .entry((n, n))
                            .or_insert_with(|| Value::from(vec![item.clone(), item.clone()]));
                    }
                }
                _ => {}
            }
        }
    }

    let priority = match object_get(p, &k.priority).and_then(int) {
        Some(v) => v,
        None => Value::from(DEFAULT_PRIORITY),
    };
    let access = lc(object_get(p, &k.access));
    let protocol = match lc(object_get(p, &k.protocol)).as_str() {
        "" | "*" | "any" => "*".to_string(),
        other => other.to_string(),
    };
    let name = match (object_get(r, &k.name), object_get(r, &k.properties)) {
        (Some(Value::String(s)), _) => Value::String(s.clone()),
        (_, Some(inner @ Value::Object(_))) => match object_get(inner, &k.name) {
            Some(Value::String(s)) => Value::String(s.clone()),
            _ => Value::from("(unnamed rule)"),
        },
        _ => Value::from("(unnamed rule)"),
    };

    let mut value = BTreeMap::new();
    value.insert(k.access.clone(), Value::from(access.as_str()));
    value.insert(k.default.clone(), Value::from(is_default));
    value.insert(k.direction.clone(), Value::from(direction.as_str()));
    value.insert(k.name.clone(), name);
    value.insert(
        k.ports.clone(),
        Value::from(ports.values().cloned().collect::<BTreeSet<Value>>()),
    );
    value.insert(k.priority.clone(), priority.clone());
    value.insert(k.protocol.clone(), Value::from(protocol.as_str()));
    value.insert(
        k.sources.clone(),
        Value::from(
            sources
                .iter()
                .map(|s| Value::from(s.as_str()))
                .collect::<BTreeSet<Value>>(),
        ),
    );
    Some(Some(Rule {
        value: Value::from(value),
        priority,
        access,
        protocol,
        ports: ports.into_keys().collect(),
    }))
}

/// `ports.parse(s)` of a number: `Some(Some(n))` for a whole number 0-65535 (a float
/// such as 22.0 included: it prints and compares as 22), `Some(None)` for one the library
/// ignores, `None` for negative zero (which the library would print as "-0").
fn port_number(v: &Value) -> Option<Option<i64>> {
    let Value::Number(n) = v else {
        return Some(None);
    };
    match n.as_i64() {
        Some(i) if n.format_decimal() != i.to_string() => None,
        Some(i) => Some((0..=ALL_PORTS as i64).contains(&i).then_some(i)),
        None => Some(None),
    }
}

/// `ports.parse(s)` of a string: "*"/"any", a port, or a "from-to" range.
fn parse_port_text(s: &str) -> Option<(u64, u64)> {
    if matches!(lc_str(s).as_str(), "*" | "any") {
        return Some((0, ALL_PORTS));
    }
    if let Some(n) = int_text(s) {
        return (n <= ALL_PORTS).then_some((n, n));
    }
    let bounds: Vec<&str> = s.trim().split('-').collect();
    if let [a, b] = bounds.as_slice() {
        let (a, b) = (int_text(a)?, int_text(b)?);
        if a <= ALL_PORTS && b <= ALL_PORTS {
            return Some((a.min(b), a.max(b)));
        }
    }
    None
}

/// `util.int(v)` of a string: one to nine digits, surrounding white space allowed.
fn int_text(s: &str) -> Option<u64> {
    let t = s.trim();
    if t.is_empty() || t.len() > 9 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// `util.int(v)`: a number as it is, a digit string as its number.
fn int(v: &Value) -> Option<Value> {
    match v {
        Value::Number(_) => Some(v.clone()),
        Value::String(s) => int_text(s).map(Value::from),
        _ => None,
    }
}

/// `util.props(x)`: `x.properties` when that is an object, else `x`.
fn props<'a>(x: &'a Value, k: &Keys) -> &'a Value {
    match object_get(x, &k.properties) {
        Some(p @ Value::Object(_)) => p,
        _ => x,
    }
}

fn object_get<'a>(x: &'a Value, key: &Value) -> Option<&'a Value> {
    match x {
        Value::Object(o) => o.get(key),
        _ => None,
    }
}

/// `util.list(v)`: an array's items, a set's in order, nothing for null, else `[v]`.
fn list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Set(s) => s.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// `util.lc(v)`: a string trimmed and lower-cased, "" for anything else.
fn lc(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => lc_str(s),
        _ => String::new(),
    }
}

fn lc_str(s: &str) -> String {
    let t = s.trim();
    // Most values are ASCII, where the cheaper conversion gives the same string.
    if t.is_ascii() {
        t.to_ascii_lowercase()
    } else {
        t.to_lowercase()
    }
}

/// An engine with the bundled network library and its imports, and `data.t.rows` defined
/// as `rows` (a comprehension over `input`).
fn library_engine(rows: &str) -> Result<regorus::Engine, String> {
    let mut engine = regorus::Engine::new();
    for lib in ["lib/util.rego", "lib/ports.rego", "lib/net.rego"] {
        let text = crate::assets::policy_file(lib).ok_or(format!("{lib} is not bundled"))?;
        engine
            .add_policy(lib.to_string(), text.to_string())
            .map_err(|e| format!("{lib}: {e}"))?;
    }
    engine
        .add_policy("rows.rego".into(), format!("package t\n\nrows := {rows}\n"))
        .map_err(|e| e.to_string())?;
    Ok(engine)
}

/// The library's own `analysis` of each NSG, from the interpreter (the reference), for the
/// tests and the `nsg_analysis` fuzz target; `Value::Undefined` where it has none.
pub fn library_analysis(nsgs: &[Value]) -> Result<Vec<Value>, String> {
    thread_local! {
        static LIBRARY: std::cell::RefCell<Option<regorus::Engine>> =
            const { std::cell::RefCell::new(None) };
    }
    let mut engine = LIBRARY.with(|cell| -> Result<regorus::Engine, String> {
        let mut cached = cell.borrow_mut();
        if let Some(engine) = cached.as_ref() {
            return Ok(engine.clone());
        }
        let engine = library_engine("{i: data.posture.lib.net.analysis(n) | some i, n in input}")?;
        *cached = Some(engine.clone());
        Ok(engine)
    })?;
    engine.set_input(Value::from(nsgs.to_vec()));
    let rows = engine
        .eval_rule("data.t.rows".into())
        .map_err(|e| e.to_string())?;
    Ok((0..nsgs.len())
        .map(|i| rows[Value::from(i as u64)].clone())
        .collect())
}

/// For the `nsg_analysis` fuzz target: when `json` is an object (every resource is; the
/// library's `object.get` aborts on anything else) whose row the native table computes,
/// the native value and the library's must be equal and print the same; `Err` says how
/// they differ.
pub fn check_against_library(json: &str) -> Result<(), String> {
    let Ok(nsg @ Value::Object(_)) = Value::from_json_str(json) else {
        return Ok(());
    };
    let Some(native) = nsg_analysis(&nsg, &Keys::default()) else {
        return Ok(());
    };
    let library = library_analysis(std::slice::from_ref(&nsg))
        .map_err(|e| format!("the library failed where the native table did not: {e}"))?
        .pop()
        .unwrap_or(Value::Undefined);
    let (a, b) = (native.to_json_str().ok(), library.to_json_str().ok());
    if native != library || a != b {
        return Err(format!("native {a:?}, library {b:?}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
