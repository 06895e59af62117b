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
