use serde_json::{json, Value as Json};

use super::*;
use crate::bench::Rng;

fn pick<T: Clone>(rng: &mut Rng, items: &[T]) -> T {
    let n = u32::try_from(items.len()).unwrap_or(u32::MAX);
    items[rng.below(n) as usize].clone()
}

/// A source prefix: Internet spellings, internal ones, lists, and look-alikes that are
/// not the Internet (full-width letters, a dotted capital I).
fn source(rng: &mut Rng) -> Json {
    let texts = [
        "*",
        "Internet",
        "internet ",
        " INTERNET",
        "Any",
        "0.0.0.0/0",
        "::/0",
        "10.0.0.0/8",
        "10.1.0.0/16",
        "VirtualNetwork",
        "AzureLoadBalancer",
        "Internet,10.0.0.0/8",
        " , Internet",
        "",
        "1.2.3.0/24",
        "\u{130}nternet",
        "\u{ff29}nternet",
        "any/0",
        "/0",
        "**",
        "anything",
    ];
    match rng.below(12) {
        0 => json!(null),
        1 => json!(7),
        2 => json!([pick(rng, &texts), 3, null, [pick(rng, &texts)]]),
        _ => json!(pick(rng, &texts)),
    }
}

fn port(rng: &mut Rng) -> Json {
    let texts = [
        "22",
        "3389",
        "*",
        "Any",
        "80",
        "443",
        "0-65535",
        "20-25",
        "3000-3389",
        "5985-5986",
        " 0022 ",
        "8080,22",
        "1-79",
        "444-65535",
        "65535",
        "65536",
        "-5",
        "22-",
        "abc",
        "100-50",
        "",
        "22 - 80",
        "5986",
        "21",
        "0",
        "000",
        "1234567890",
        "81-442",
    ];
    match rng.below(14) {
        0 => json!(null),
        1 => json!(pick(rng, &[22.0, 22.5, 3389.0, 80.0, 1e12])),
        2 => json!(pick(rng, &[22, 80, 0, 65535, 70000, -1, 3389, 8080])),
        3 => json!([pick(rng, &texts), pick(rng, &texts), 5986]),
        4 => json!([]),
        _ => json!(pick(rng, &texts)),
    }
}

fn text_or_other(rng: &mut Rng, texts: &[&str]) -> Option<Json> {
    match rng.below(16) {
        0 => None,
        1 => Some(json!(null)),
        2 => Some(json!(6)),
        _ => Some(json!(pick(rng, texts))),
    }
}

fn rule(rng: &mut Rng) -> Json {
    if rng.percent(3) {
        return pick(rng, &[json!("rule"), json!(3), json!(null), json!([1])]);
    }
    let mut p = serde_json::Map::new();
    let put = |p: &mut serde_json::Map<String, Json>, k: &str, v: Option<Json>| {
        if let Some(v) = v {
            p.insert(k.to_string(), v);
        }
    };
    let priority = match rng.below(14) {
        0 => None,
        1 => Some(json!(" 0200 ")),
        2 => Some(json!(-5)),
        3 => Some(json!(150.5)),
        4 => Some(json!("abc")),
        5 => Some(json!("1234567890")),
        6 => Some(json!(true)),
        7 => Some(json!(200.0)),
        _ => Some(json!(pick(rng, &[100, 200, 300, 300, 4096, 65000, 65500]))),
    };
    put(&mut p, "priority", priority);
    let direction = text_or_other(
        rng,
        &[
            "Inbound",
            "Inbound",
            "Inbound",
            "inbound ",
            " INBOUND",
            "Outbound",
            "",
            "\u{130}nbound",
        ],
    );
    put(&mut p, "direction", direction);
    let access = text_or_other(rng, &["Allow", "Allow", "allow", "Deny", "DENY ", "Block"]);
    put(&mut p, "access", access);
    let protocol = text_or_other(
        rng,
        &["Tcp", "TCP", "Udp", "*", "Any", "any", "Icmp", "", " tcp"],
    );
    put(&mut p, "protocol", protocol);
    if rng.percent(80) {
        let v = source(rng);
        put(&mut p, "sourceAddressPrefix", Some(v));
    }
    if rng.percent(30) {
        let v = json!([source(rng), source(rng)]);
        put(&mut p, "sourceAddressPrefixes", Some(v));
    }
    if rng.percent(85) {
        let v = port(rng);
        put(&mut p, "destinationPortRange", Some(v));
    }
    if rng.percent(30) {
        let v = json!([port(rng), port(rng)]);
        put(&mut p, "destinationPortRanges", Some(v));
    }
    let name = pick(
        rng,
        &["AllowSSH", "AllowWeb", "DenyAll", "Open", "AllowSSH"],
    );
    match rng.below(10) {
        // The flattened shape, fields on the rule itself.
        0 => {
            p.insert("name".into(), json!(name));
            Json::Object(p)
        }
        // A name only under properties; or a rule without any name.
        1 => {
            p.insert("name".into(), json!(name));
            json!({"properties": p})
        }
        2 => json!({"name": 5, "properties": p}),
        3 => {
            json!({"name": name, "properties": "not an object", "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "*", "destinationPortRange": "22"})
        }
        _ => json!({"name": name, "properties": p}),
    }
}

fn rules(rng: &mut Rng, max: u32) -> Option<Json> {
    match rng.below(20) {
        0 => None,
        1 => Some(json!(null)),
        2 => Some(rule(rng)),
        3 => Some(json!("rules")),
        _ => {
            let n = rng.below(max + 1);
            Some(Json::Array((0..n).map(|_| rule(rng)).collect()))
        }
    }
}

fn nsg(rng: &mut Rng, i: usize) -> Json {
    let mut p = serde_json::Map::new();
    if let Some(r) = rules(rng, 10) {
        p.insert("securityRules".into(), r);
    }
    if let Some(r) = rules(rng, 4) {
        p.insert("defaultSecurityRules".into(), r);
    }
    let id = format!("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg{i}");
    match rng.below(10) {
        0 => {
            p.insert("id".into(), json!(id));
            Json::Object(p)
        }
        1 => {
            json!({"id": id, "properties": "x", "securityRules": p.get("securityRules").cloned().unwrap_or(json!([]))})
        }
        _ => json!({"id": id, "properties": p}),
    }
}

fn library(nsgs: &[Value]) -> Vec<Value> {
    library_analysis(nsgs).unwrap_or_else(|e| panic!("{e}"))
}

fn to_value(j: &Json) -> Value {
    Value::from_json_str(&j.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn native_analysis_equals_the_library_on_generated_and_hostile_nsgs() {
    let mut rng = Rng::new(7);
    let nsgs: Vec<Value> = (0..1500).map(|i| to_value(&nsg(&mut rng, i))).collect();
    let expected = library(&nsgs);
    let keys = Keys::default();
    let (mut native, mut management, mut other) = (0, 0, 0);
    for (i, (n, want)) in nsgs.iter().zip(&expected).enumerate() {
        assert!(
            !matches!(want, Value::Undefined),
            "the library has no analysis for NSG {i}"
        );
        let Some(got) = nsg_analysis(n, &keys) else {
            continue;
        };
        native += 1;
        assert_eq!(
            &got,
            want,
            "NSG {i}: {}",
            n.to_json_str().unwrap_or_default()
        );
        // Equal values could still print differently (a number's type); reports print them.
        assert_eq!(got.to_json_str().ok(), want.to_json_str().ok(), "NSG {i}");
        management += usize::from(got["management"].as_set().is_ok_and(|s| !s.is_empty()));
        other += usize::from(got["other"].as_set().is_ok_and(|s| !s.is_empty()));
    }
    // The generator must exercise the interesting paths, or the comparison proves little.
    assert!(native >= 1450, "native computed only {native} of 1500");
    assert!(
        management >= 200,
        "only {management} NSGs open a management port"
    );
    assert!(other >= 200, "only {other} NSGs open another port");
}

#[test]
fn negative_zero_ports_are_left_to_the_library() {
    let nsg = to_value(
        &json!({"properties": {"securityRules": [{"name": "z", "properties": {
        "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "*",
        "destinationPortRange": -0.0, "priority": 100}}]}}),
    );
    assert!(nsg_analysis(&nsg, &Keys::default()).is_none());
    let plain = to_value(
        &json!({"properties": {"securityRules": [{"name": "z", "properties": {
        "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "*",
        "destinationPortRange": 0, "priority": 100}}]}}),
    );
    assert_eq!(
        nsg_analysis(&plain, &Keys::default()),
        library(std::slice::from_ref(&plain)).pop()
    );
}

#[test]
fn user_modules_in_the_library_packages_turn_the_native_table_off() {
    for p in [
        "posture.lib.net",
        "posture.lib.ports",
        "posture.lib",
        "posture",
        "posture.lib.net.extra",
    ] {
        assert!(overlaps(p), "{p}");
    }
    for p in [
        "posture.lib.network",
        "posture.lib.agent",
        "posture.storage.x",
        "post",
    ] {
        assert!(!overlaps(p), "{p}");
    }
}

const PREFIX: &str = "/subscriptions/S1/resourceGroups/rg1/providers/";

/// A reference to `id`: as written, upper-cased, dangling, empty or not a reference.
fn reference(rng: &mut Rng, id: &str) -> Json {
    match rng.below(12) {
        0 => json!({"id": id.to_uppercase()}),
        1 => json!({"id": format!("{id}-missing")}),
        2 => json!({"id": ""}),
        3 => json!({"id": 7}),
        4 => json!("not a reference"),
        _ => json!({"id": id}),
    }
}

/// A small estate of NSGs, virtual networks with inline subnets, standalone subnets, NICs
/// and VMs joined by references of every shape `net.vm_nsgs` reads.
fn estate(rng: &mut Rng) -> Vec<Json> {
    let nsg_id = |i: u32| format!("{PREFIX}Microsoft.Network/networkSecurityGroups/nsg{i}");
    let subnet_id =
        |v: u32, s: u32| format!("{PREFIX}Microsoft.Network/virtualNetworks/vnet{v}/subnets/s{s}");
    let mut out = Vec::new();
    for i in 0..4 {
        let mut n = nsg(rng, i as usize);
        if rng.percent(70) {
            // An NSG that certainly opens SSH (random rules rarely do), before random ones.
            let ssh = json!({"name": "AllowSSH", "properties": {"priority": 100, "direction": "Inbound",
                "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "*", "destinationPortRange": "22"}});
            n = json!({"properties": {"securityRules": [ssh, rule(rng), rule(rng)]}});
        }
        n["id"] = json!(nsg_id(i));
        n["type"] = json!("Microsoft.Network/networkSecurityGroups");
        out.push(n);
    }
    for v in 0..2 {
        let subnets: Vec<Json> = (0..3)
            .map(|s| {
                let target = nsg_id(rng.below(5));
                let props = json!({"networkSecurityGroup": reference(rng, &target)});
                match rng.below(6) {
                    0 => json!({"name": format!("S{s}"), "properties": props}),
                    1 => json!({"name": 5, "properties": props}),
                    2 => json!("subnet"),
                    _ => {
                        json!({"id": subnet_id(v, s), "name": format!("s{s}"), "properties": props})
                    }
                }
            })
            .collect();
        out.push(json!({
            "id": format!("{PREFIX}Microsoft.Network/virtualNetworks/vnet{v}"),
            "type": "Microsoft.Network/virtualNetworks",
            "name": format!("vnet{v}"),
            "properties": {"subnets": subnets},
        }));
        if rng.percent(50) {
            let s = rng.below(3);
            let target = nsg_id(rng.below(4));
            out.push(json!({
                "id": subnet_id(v, s),
                "type": "Microsoft.Network/virtualNetworks/subnets",
                "properties": {"networkSecurityGroup": reference(rng, &target)},
            }));
        }
    }
    for n in 0..6 {
        let id = format!("{PREFIX}Microsoft.Network/networkInterfaces/nic{n}");
        let configs: Vec<Json> = (0..rng.below(3))
            .map(|_| {
                let (v, s) = (rng.below(2), rng.below(4));
                let subnet = reference(rng, &subnet_id(v, s));
                if rng.percent(20) {
                    json!({"subnet": subnet})
                } else {
                    json!({"name": "ipconfig1", "properties": {"subnet": subnet}})
                }
            })
            .collect();
        let mut props = json!({"ipConfigurations": configs});
        if rng.percent(40) {
            let target = nsg_id(rng.below(4));
            props["networkSecurityGroup"] = reference(rng, &target);
        }
        let mut nic =
            json!({"id": id, "type": "Microsoft.Network/networkInterfaces", "properties": props});
        if rng.percent(70) {
            nic["name"] = json!(format!("nic{n}"));
        }
        out.push(nic);
    }
    for m in 0..8 {
        let nics: Vec<Json> = (0..rng.below(3))
            .map(|_| {
                let n = rng.below(7);
                reference(
                    rng,
                    &format!("{PREFIX}Microsoft.Network/networkInterfaces/nic{n}"),
                )
            })
            .collect();
        let profile = match rng.below(8) {
            0 => json!({"networkInterfaces": nics.first().cloned().unwrap_or(json!(null))}),
            1 => json!("none"),
            _ => json!({"networkInterfaces": nics}),
        };
        let id = format!("{PREFIX}Microsoft.Compute/virtualMachines/vm{m}");
        let vm = if rng.percent(15) {
            json!({"id": id, "type": "Microsoft.Compute/virtualMachines", "networkProfile": profile})
        } else {
            json!({"id": id, "type": "Microsoft.Compute/virtualMachines", "properties": {"networkProfile": profile}})
        };
        out.push(vm);
    }
    out
}

#[test]
fn native_vm_findings_equal_the_library_on_generated_estates() {
    let k = Keys::default();
    let (mut vms, mut with_findings, mut by_subnet) = (0, 0, 0);
    for seed in 0..150 {
        let mut rng = Rng::new(seed);
        let mut by_key: BTreeMap<String, Value> = BTreeMap::new();
        for r in estate(&mut rng) {
            let key = r["id"].as_str().unwrap_or_default().to_lowercase();
            by_key.insert(key, to_value(&r));
        }
        let ids: Vec<&str> = by_key.keys().map(String::as_str).collect();
        let values: Vec<Value> = by_key.values().cloned().collect();
        let mut cx = Context {
            keys: Keys::default(),
            resources: Index::new(ids, &values),
            nsg_analysis: None,
        };
        let table: BTreeMap<Value, Value> = by_key
            .iter()
            .filter(|(key, _)| key.contains("/networksecuritygroups/"))
            .filter_map(|(key, v)| Some((Value::from(key.as_str()), nsg_analysis(v, &k)?)))
            .collect();
        cx.nsg_analysis = Some(Value::from(table));
        let machines: Vec<Value> = values
            .iter()
            .filter(|v| v["type"] == Value::from("Microsoft.Compute/virtualMachines"))
            .cloned()
            .collect();

        // The library on its own: no shared tables, no index (it scans the resources).
        let mut engine = library_engine(
            "{i: data.posture.lib.net._vm_management_findings(vm) | some i, vm in input}",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let resources: BTreeMap<Value, Value> = by_key
            .iter()
            .map(|(key, v)| (Value::from(key.as_str()), v.clone()))
            .collect();
        let mut posture = BTreeMap::new();
        posture.insert(Value::from("resources"), Value::from(resources));
        let mut data = BTreeMap::new();
        data.insert(Value::from("posture"), Value::from(posture));
        engine
            .add_data(Value::from(data))
            .unwrap_or_else(|e| panic!("{e}"));
        engine.set_input(Value::from(machines.clone()));
        let rows = engine
            .eval_rule("data.t.rows".into())
            .unwrap_or_else(|e| panic!("{e}"));
        for (i, vm) in machines.iter().enumerate() {
            let want = &rows[Value::from(i as u64)];
            let got = vm_management_findings(vm, &cx);
            assert_eq!(got.as_ref(), Some(want), "seed {seed}, {}", vm["id"]);
            vms += 1;
            if let Ok(s) = want.as_set() {
                with_findings += usize::from(!s.is_empty());
                by_subnet += usize::from(
                    s.iter()
                        .any(|f| f["via"].to_json_str().is_ok_and(|v| v.contains("subnet "))),
                );
            }
        }
    }
    // The generator must reach the joins, or the comparison proves little.
    assert!(vms >= 1000, "{vms}");
    assert!(
        with_findings >= 150,
        "only {with_findings} VMs with findings"
    );
    assert!(
        by_subnet >= 60,
        "only {by_subnet} VMs with findings through a subnet"
    );
}

#[test]
fn the_index_finds_resources_whether_or_not_ids_are_sorted() {
    let values: Vec<Value> = (0..3).map(|i| Value::from(i as u64)).collect();
    let sorted = Index::new(vec!["/a", "/b", "/c"], &values);
    assert!(matches!(sorted, Index::Sorted(..)));
    let unsorted = Index::new(vec!["/c", "/a", "/b"], &values);
    assert!(matches!(unsorted, Index::Map(_)));
    for (index, id, want) in [
        (&sorted, "/b", 1u64),
        (&unsorted, "/b", 2),
        (&unsorted, "/c", 0),
    ] {
        assert_eq!(index.get(id), Some(&Value::from(want)));
    }
    assert_eq!(sorted.get("/d"), None);
    assert_eq!(unsorted.get("/d"), None);
}

#[test]
fn the_fuzz_check_skips_non_objects_and_passes_library_equal_rows() {
    // A resource is always an object; the library's object.get aborts on anything else.
    for text in ["1", "[]", "\"nsg\"", "null", "not json"] {
        assert_eq!(check_against_library(text), Ok(()), "{text}");
    }
    let nsg = json!({"properties": {"securityRules": [{"name": "ssh", "properties": {
        "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
        "sourceAddressPrefix": "*", "destinationPortRange": "22"}}]}});
    assert_eq!(check_against_library(&nsg.to_string()), Ok(()));
}
