//! `endpointProtection`: which anti-malware products are present and, where the host shows
//! it without network access, whether they are on and how old their signatures are.
//!
//! - ClamAV: installed by package or binary; `enabled` = clamd's unit enabled,
//!   `realTimeProtection` = clamonacc's unit enabled, signatures = newest mtime of
//!   /var/lib/clamav/daily.{cld,cvd}. ClamAV keeps no scan record, so `lastScanAt` is null.
//! - Microsoft Defender for Endpoint: `mdatp health --output json` when commands may run
//!   (accepting snake_case or camelCase keys, plain or `{"value": ..}` values); otherwise
//!   presence (/opt/microsoft/mdatp) and its unit only.
//! - Sophos (/opt/sophos-spl, /opt/sophos-av), CrowdStrike Falcon (/opt/CrowdStrike/falconctl),
//!   Trellix/McAfee ENS (/opt/isec/ens), Trend Micro Deep Security (/opt/ds_agent): presence
//!   and unit state; their status tools need root and vendor formats, so the rest is null.
//!
//! Signature age is whole days between the signature time and the caller's `now`.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::clock;
use super::packages::{upstream_version, Manager, Packages};
use super::probe::{section, Ctx, Probe};
use super::services::any_enabled;

struct Product {
    fields: Map<String, Value>,
}

impl Product {
    fn new(name: &str, vendor: &str, source: &str) -> Self {
        let mut fields = Map::new();
        fields.insert("name".into(), json!(name));
        fields.insert("vendor".into(), json!(vendor));
        fields.insert("source".into(), json!(source));
        for k in [
            "version",
            "enabled",
            "realTimeProtection",
            "signatureUpdatedAt",
            "signatureAgeDays",
            "lastScanAt",
        ] {
            fields.insert(k.into(), Value::Null);
        }
        Self { fields }
    }

    fn set(&mut self, key: &str, value: Value) {
        self.fields.insert(key.into(), value);
    }

    fn signatures(&mut self, updated: Option<i64>, now: Option<i64>) {
        self.set("signatureUpdatedAt", json!(updated.map(clock::format)));
        let age = updated.zip(now).map(|(u, n)| (n - u).max(0) / 86_400);
        self.set("signatureAgeDays", json!(age));
    }
}

pub(crate) fn probe(
    ctx: &Ctx,
    packages: &Result<Packages, (Option<Manager>, String)>,
    enabled: Option<&BTreeSet<String>>,
) -> (Value, Probe) {
    let pkgs = packages.as_ref().ok();
    let mut products = Vec::new();
    if let Some(p) = clamav(ctx, pkgs, enabled) {
        products.push(p);
    }
    if let Some(p) = mdatp(ctx, pkgs, enabled) {
        products.push(p);
    }
    for (path, name, vendor, units) in [
        (
            "/opt/sophos-spl",
            "Sophos Protection for Linux",
            "Sophos",
            &["sophos-spl.service"][..],
        ),
        (
            "/opt/sophos-av",
            "Sophos Anti-Virus",
            "Sophos",
            &["sav-protect.service"][..],
        ),
        (
            "/opt/CrowdStrike/falconctl",
            "CrowdStrike Falcon",
            "CrowdStrike",
            &["falcon-sensor.service"][..],
        ),
        (
            "/opt/isec/ens/threatprevention",
            "Trellix Endpoint Security",
            "Trellix",
            &["mfetpd.service"][..],
        ),
        (
            "/opt/ds_agent",
            "Trend Micro Deep Security Agent",
            "Trend Micro",
            &["ds_agent.service"][..],
        ),
    ] {
        if ctx.exists(path) {
            let mut p = Product::new(name, vendor, path);
            p.set("enabled", json!(any_enabled(enabled, units)));
            products.push(p);
        }
    }
    products.sort_by(|a, b| {
        a.fields
            .get("name")
            .map(Value::to_string)
            .cmp(&b.fields.get("name").map(Value::to_string))
    });
    let probe = Probe::ok("endpoint-protection", "packages, /opt, /var/lib/clamav");
    let mut fields = Map::new();
    fields.insert(
        "products".into(),
        json!(products
            .into_iter()
            .map(|p| Value::Object(p.fields))
            .collect::<Vec<_>>()),
    );
    (section(&[&probe], fields), probe)
}

fn clamav(
    ctx: &Ctx,
    pkgs: Option<&Packages>,
    enabled: Option<&BTreeSet<String>>,
) -> Option<Product> {
    let package = pkgs.and_then(|p| {
        p.first(&[
            "clamav",
            "clamav-base",
            "clamav-daemon",
            "clamd",
            "clamav-freshclam",
            "clamav-update",
        ])
    });
    let binary = ["/usr/bin/clamscan", "/usr/sbin/clamd", "/usr/bin/freshclam"]
        .into_iter()
        .find(|b| ctx.exists(b));
    if package.is_none() && binary.is_none() {
        return None;
    }
    let source = package.map_or_else(
        || binary.unwrap_or_default().to_string(),
        |(name, _)| format!("package {name}"),
    );
    let mut p = Product::new("ClamAV", "Cisco", &source);
    p.set(
        "version",
        json!(package.map(|(_, pkg)| upstream_version(&pkg.version))),
    );
    p.set(
        "enabled",
        json!(any_enabled(
            enabled,
            &[
                "clamav-daemon.service",
                "clamd@scan.service",
                "clamd.service"
            ]
        )),
    );
    p.set(
        "realTimeProtection",
        json!(any_enabled(
            enabled,
            &["clamav-clamonacc.service", "clamonacc.service"]
        )),
    );
    p.set(
        "signatureUpdatesEnabled",
        json!(any_enabled(
            enabled,
            &["clamav-freshclam.service", "clamav-freshclam.timer"]
        )),
    );
    let updated = ["/var/lib/clamav/daily.cld", "/var/lib/clamav/daily.cvd"]
        .iter()
        .filter_map(|f| ctx.metadata(f).ok().and_then(|m| m.modified))
        .max();
    p.signatures(updated, ctx.now);
    Some(p)
}

/// A health field by its snake_case name, also accepting camelCase and `{"value": x}`.
fn field<'a>(health: &'a Value, snake: &str) -> Option<&'a Value> {
    let camel: String = snake
        .split('_')
        .enumerate()
        .map(|(i, w)| {
            if i == 0 {
                w.to_string()
            } else {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            }
        })
        .collect();
    let v = health.get(snake).or_else(|| health.get(&camel))?;
    Some(v.get("value").unwrap_or(v))
}

fn as_bool(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "enabled" || s == "true" => Some(true),
        Value::String(s) if s == "disabled" || s == "false" => Some(false),
        _ => None,
    }
}

fn mdatp(
    ctx: &Ctx,
    pkgs: Option<&Packages>,
    enabled: Option<&BTreeSet<String>>,
) -> Option<Product> {
    let present = ctx.exists("/opt/microsoft/mdatp") || pkgs.is_some_and(|p| p.has("mdatp"));
    if !present {
        return None;
    }
    let mut p = Product::new(
        "Microsoft Defender for Endpoint",
        "Microsoft",
        "/opt/microsoft/mdatp",
    );
    p.set("enabled", json!(any_enabled(enabled, &["mdatp.service"])));
    let health = ctx
        .run_ok("mdatp", &["health", "--output", "json"])
        .and_then(|out| {
            serde_json::from_str::<Value>(&out)
                .map_err(|e| format!("`mdatp health --output json` printed invalid JSON: {e}"))
        });
    match health {
        Ok(h) => {
            p.set("source", json!("mdatp health --output json"));
            p.set(
                "version",
                json!(field(&h, "app_version").and_then(Value::as_str)),
            );
            let healthy = as_bool(field(&h, "healthy"));
            p.set("healthy", json!(healthy));
            p.set("amServiceEnabled", json!(healthy));
            let rtp = as_bool(field(&h, "real_time_protection_enabled"));
            p.set("realTimeProtection", json!(rtp));
            p.set("onAccessProtectionEnabled", json!(rtp));
            p.set(
                "behaviorMonitorEnabled",
                json!(as_bool(field(&h, "behavior_monitoring"))),
            );
            p.set(
                "passiveMode",
                json!(as_bool(field(&h, "passive_mode_enabled"))),
            );
            let minutes = field(&h, "definitions_updated_minutes_ago").and_then(Value::as_i64);
            let updated = minutes.zip(ctx.now).map(|(m, now)| now - m * 60);
            p.signatures(updated, ctx.now);
        }
        Err(reason) => p.set("reason", json!(reason)),
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mdatp_fields_in_either_spelling() {
        let h: Value = serde_json::from_str(r#"{"healthy": true, "realTimeProtectionEnabled": {"value": false}, "behavior_monitoring": "enabled"}"#).unwrap();
        assert_eq!(as_bool(field(&h, "healthy")), Some(true));
        assert_eq!(
            as_bool(field(&h, "real_time_protection_enabled")),
            Some(false)
        );
        assert_eq!(as_bool(field(&h, "behavior_monitoring")), Some(true));
        assert_eq!(as_bool(field(&h, "passive_mode_enabled")), None);
    }

    #[test]
    fn clamav_and_presence_only_products() {
        use crate::collect::testutil::{ctx, host, NOW};
        use crate::collect::FileInfo;
        let (_d, h) = host(&[
            ("/usr/bin/clamscan", ""),
            ("/var/lib/clamav/daily.cvd", ""),
            ("/opt/CrowdStrike/falconctl", ""),
        ]);
        let sig = FileInfo {
            mode: 0o644,
            uid: 0,
            gid: 0,
            is_dir: false,
            modified: Some(NOW - 9 * 86_400 - 60),
            size: None,
        };
        let h = h.with_file_info("/var/lib/clamav/daily.cvd", sig);
        let enabled: BTreeSet<String> = ["clamav-daemon.service".to_string()].into();
        let (v, probe) = probe(&ctx(&h, false), &Err((None, "none".into())), Some(&enabled));
        assert!(probe.is_ok());
        let products = v["products"].as_array().unwrap();
        assert_eq!(products.len(), 2);
        assert_eq!(products[0]["name"], "ClamAV");
        assert_eq!(products[0]["version"], Value::Null);
        assert_eq!(products[0]["enabled"], true);
        assert_eq!(products[0]["realTimeProtection"], false);
        assert_eq!(products[0]["signatureAgeDays"], 9);
        assert_eq!(products[1]["name"], "CrowdStrike Falcon");
        assert_eq!(products[1]["enabled"], false);
    }

    #[test]
    fn mdatp_without_commands_is_present_with_a_reason() {
        use crate::collect::testutil::{ctx, host};
        let (_d, h) = host(&[("/opt/microsoft/mdatp/", "")]);
        let (v, _) = probe(&ctx(&h, false), &Err((None, "none".into())), None);
        let p = &v["products"][0];
        assert_eq!(p["name"], "Microsoft Defender for Endpoint");
        assert_eq!(p["realTimeProtection"], Value::Null);
        assert_eq!(
            p["reason"],
            "`mdatp health --output json` not run: commands are disabled"
        );
    }
}
