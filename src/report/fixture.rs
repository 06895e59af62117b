//! A realistic hand-built [`Report`] shared by the export formats' tests and snapshots: two
//! subscriptions, every resource state, an exemption, a resource without a location, an input
//! path with a space, a baseline comparison, an error and a warning, a failed gate.

use super::{
    Alert, BaselineDelta, ControlScore, Counts, ExemptionRef, ExemptionStatus, FindingRef, Gain,
    GateCheck, GateOutcome, Input, Message, Overall, PolicyEntry, Recommendation, Report,
    ResourceState, ScoreChange, ScoreSection, SourceLocation, SubscriptionScore, Tool,
};

const SUB_A: &str = "00000000-0000-0000-0000-0000000000a1";
const SUB_B: &str = "00000000-0000-0000-0000-0000000000b2";
const PROD: &str = "inventory/prod estate.json";
const DEV: &str = "inventory/dev.json";

fn gain(points: f64, percent: f64) -> Gain {
    Gain { points, percent }
}

fn control(
    id: &str,
    name: &str,
    current: f64,
    max: f64,
    counts: (usize, usize, usize),
    g: Gain,
) -> ControlScore {
    ControlScore {
        id: id.into(),
        name: name.into(),
        current,
        max,
        available: counts.0 + counts.1 > 0,
        healthy: counts.0,
        unhealthy: counts.1,
        not_applicable: counts.2,
        potential_gain: g,
    }
}

/// A resource in subscription `sub`, group `rg`, found at `file:line`.
#[allow(clippy::too_many_arguments)]
fn resource(
    sub: &str,
    rg: &str,
    kind: &str,
    name: &str,
    state: &'static str,
    message: Option<&str>,
    at: Option<(&str, usize)>,
    fingerprint: &str,
) -> ResourceState {
    ResourceState {
        id: format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/{kind}/{name}").into(),
        kind: kind.into(),
        subscription_id: Some(sub.into()),
        resource_group: Some(rg.into()),
        name: name.into(),
        state,
        message: message.map(Into::into),
        fingerprint: fingerprint.into(),
        exemption: None,
        fixes: Vec::new(),
        location: at.map(|(file, line)| SourceLocation {
            file: file.into(),
            line,
            column: 5,
        }),
        baseline: None,
    }
}

fn recommendation(
    id: &str,
    title: &str,
    severity: &str,
    control: (&str, &str),
    remediation: &str,
    g: Gain,
    resources: Vec<ResourceState>,
) -> Recommendation {
    let count = |s: &str| resources.iter().filter(|r| r.state == s).count();
    Recommendation {
        id: id.into(),
        title: title.into(),
        description: format!("{title}: without it, an attacker has an easier way in."),
        severity: severity.into(),
        control: control.0.into(),
        control_name: control.1.into(),
        remediation: remediation.into(),
        quick_fix: false,
        resource_types: resources
            .iter()
            .map(|r| r.kind.to_string())
            .take(1)
            .collect(),
        potential_gain: g,
        counts: Counts {
            healthy: count("healthy"),
            unhealthy: count("unhealthy"),
            not_applicable: count("not_applicable"),
            exempt: count("exempt"),
        },
        resources,
    }
}

/// The shared report.
pub fn sample() -> Report {
    const SA: &str = "Microsoft.Storage/storageAccounts";
    const NSG: &str = "Microsoft.Network/networkSecurityGroups";
    const VM: &str = "Microsoft.Compute/virtualMachines";
    const KV: &str = "Microsoft.KeyVault/vaults";
    let network = ("restrict-network", "Restrict unauthorized network access");
    let encrypt = ("encrypt-data-in-transit", "Encrypt data in transit");
    let mfa = ("enable-mfa", "Enable MFA");
    let updates = ("apply-system-updates", "Apply system updates");

    let mut legacy = resource(
        SUB_A,
        "rg-legacy",
        SA,
        "legacyfiles",
        "exempt",
        None,
        Some((PROD, 88)),
        "3c5d0b6f0e1a4b2c8d9e7f6a5b4c3d2e",
    );
    legacy.exemption = Some(Box::new(ExemptionRef {
        category: "waiver".into(),
        reason: "retired with the file server in Q1".into(),
        owner: Some("platform-team".into()),
        expires: Some("2027-03-31".into()),
    }));
    let mut public = resource(
        SUB_A,
        "rg-web",
        SA,
        "webassets",
        "unhealthy",
        Some("public network access is Enabled and no firewall rule restricts it"),
        Some((PROD, 12)),
        "9f2a6c1e4b7d3a8f0c5e2d1b6a9f4c7e",
    );
    public.baseline = Some("unchanged".into());
    let mut logs = resource(
        SUB_B,
        "rg-data",
        SA,
        "logsarchive",
        "unhealthy",
        Some("public network access is Enabled"),
        Some((DEV, 40)),
        "1b8e3d5f7a9c2e4d6f8a0b1c3d5e7f9a",
    );
    logs.baseline = Some("new".into());
    let mut ssh = resource(
        SUB_B,
        "rg-jump",
        NSG,
        "nsg-jumpbox",
        "unhealthy",
        Some("rule allow-ssh opens port 22 to 0.0.0.0/0 (Internet)"),
        Some((DEV, 7)),
        "7c4e1a9b3d6f2e8a5c0b7d4f1e9a3c6b",
    );
    ssh.baseline = Some("changed".into());
    // Agent-made machines have no inventory object, hence no location.
    let mut vm = resource(
        SUB_A,
        "rg-hybrid",
        VM,
        "db-02",
        "unhealthy",
        Some("12 security updates are missing, 3 of them critical"),
        None,
        "5e0a7c2f9b4d1e6a3c8f5b2d7e4a1c9f",
    );
    vm.baseline = Some("new".into());

    let recommendations = vec![
        recommendation(
            "storage-public-network",
            "Storage accounts should restrict network access",
            "High",
            network,
            "Set publicNetworkAccess to Disabled, or add firewall rules and private endpoints.",
            gain(1.33, 2.29),
            vec![
                public,
                logs,
                legacy,
                resource(
                    SUB_A,
                    "rg-web",
                    SA,
                    "privatestore",
                    "healthy",
                    None,
                    Some((PROD, 61)),
                    "0d2f4a6c8e1b3d5f7a9c2e4b6d8f0a1c",
                ),
            ],
        ),
        recommendation(
            "vm-system-updates",
            "System updates should be installed on your machines",
            "Medium",
            updates,
            "Install the missing updates with your package manager, then collect a new snapshot.",
            gain(1.0, 1.72),
            vec![vm],
        ),
        recommendation(
            "nsg-open-management-ports",
            "Management ports should be closed on your virtual machines",
            "High",
            network,
            "Remove rules that allow 22 or 3389 from the Internet; use Bastion or just-in-time access.",
            gain(0.67, 1.15),
            vec![ssh],
        ),
        recommendation(
            "storage-secure-transfer",
            "Secure transfer to storage accounts should be enabled",
            "Medium",
            encrypt,
            "Set supportsHttpsTrafficOnly to true.",
            gain(0.0, 0.0),
            vec![
                resource(
                    SUB_A,
                    "rg-web",
                    SA,
                    "webassets",
                    "healthy",
                    None,
                    Some((PROD, 12)),
                    "2a4c6e8f0b1d3f5a7c9e1b3d5f7a9c0e",
                ),
                resource(
                    SUB_B,
                    "rg-data",
                    SA,
                    "logsarchive",
                    "not_applicable",
                    Some("the account has no blob service"),
                    Some((DEV, 40)),
                    "8e6c4a2f0d9b7e5c3a1f8d6b4e2c0a9f",
                ),
            ],
        ),
        recommendation(
            "keyvault-soft-delete",
            "Key vaults should have soft delete enabled",
            "Low",
            ("enable-data-protection", "Enable encryption at rest"),
            "Enable soft delete and purge protection on the vault.",
            gain(0.0, 0.0),
            vec![resource(
                SUB_B,
                "rg-data",
                KV,
                "kv-prod-01",
                "healthy",
                None,
                Some((DEV, 70)),
                "6b9d1f3a5c7e0b2d4f6a8c1e3b5d7f9a",
            )],
        ),
        recommendation(
            "aad-mfa-owners",
            "Accounts with owner permissions should be MFA enabled",
            "High",
            mfa,
            "Require MFA for every account with the Owner role.",
            gain(0.0, 0.0),
            Vec::new(),
        ),
    ];

    Report {
        schema_version: "1".into(),
        tool: Tool {
            name: "posture".into(),
            version: "0.1.0".into(),
        },
        assessed_at: "2026-11-26T00:00:00Z".into(),
        inputs: vec![
            Input {
                path: PROD.into(),
                sha256: "ab".repeat(32),
                kind: "azure-resource-graph".into(),
            },
            Input {
                path: DEV.into(),
                sha256: "cd".repeat(32),
                kind: "azure-resource-graph".into(),
            },
        ],
        resource_count: 9,
        score: ScoreSection {
            overall: Overall {
                current: 33.6,
                max: 58.0,
                percentage: 57.931_034,
            },
            subscriptions: vec![
                SubscriptionScore {
                    id: SUB_A.into(),
                    current: 35.0,
                    max: 58.0,
                    percentage: 60.344_827,
                    weight: 5.0,
                },
                SubscriptionScore {
                    id: SUB_B.into(),
                    current: 31.5,
                    max: 58.0,
                    percentage: 54.310_344,
                    weight: 4.0,
                },
            ],
            controls: vec![
                control(mfa.0, mfa.1, 0.0, 0.0, (0, 0, 0), gain(0.0, 0.0)),
                control(network.0, network.1, 2.0, 4.0, (1, 3, 1), gain(2.0, 3.45)),
                control(updates.0, updates.1, 5.0, 6.0, (4, 1, 0), gain(1.0, 1.72)),
                control(encrypt.0, encrypt.1, 4.0, 4.0, (1, 0, 1), gain(0.0, 0.0)),
                control(
                    "enable-data-protection",
                    "Enable encryption at rest",
                    4.0,
                    4.0,
                    (1, 0, 0),
                    gain(0.0, 0.0),
                ),
            ],
            aggregation: "weighted mean of per-subscription ratios, weight = counted resources"
                .into(),
        },
        machines: Vec::new(),
        intel: None,
        baseline: Some(BaselineDelta {
            path: "baseline/posture.json".into(),
            assessed_at: "2026-11-19T00:00:00Z".into(),
            overall: ScoreChange {
                id: "overall".into(),
                before: 55.862_068,
                after: 57.931_034,
                change: 2.068_966,
            },
            controls: vec![ScoreChange {
                id: network.0.into(),
                before: 1.5,
                after: 2.0,
                change: 0.5,
            }],
            new_findings: vec![
                finding(
                    "vm-system-updates",
                    "System updates should be installed on your machines",
                    "Medium",
                    &format!(
                        "/subscriptions/{SUB_A}/resourceGroups/rg-hybrid/providers/{VM}/db-02"
                    ),
                    "12 security updates are missing, 3 of them critical",
                    "5e0a7c2f9b4d1e6a3c8f5b2d7e4a1c9f",
                ),
                finding(
                    "storage-public-network",
                    "Storage accounts should restrict network access",
                    "High",
                    &format!(
                        "/subscriptions/{SUB_B}/resourceGroups/rg-data/providers/{SA}/logsarchive"
                    ),
                    "public network access is Enabled",
                    "1b8e3d5f7a9c2e4d6f8a0b1c3d5e7f9a",
                ),
            ],
            resolved_findings: vec![finding(
                "storage-secure-transfer",
                "Secure transfer to storage accounts should be enabled",
                "Medium",
                &format!("/subscriptions/{SUB_A}/resourceGroups/rg-web/providers/{SA}/webassets"),
                "supportsHttpsTrafficOnly is false",
                "2a4c6e8f0b1d3f5a7c9e1b3d5f7a9c0e",
            )],
            changed_findings: vec![FindingRef {
                previous_message: Some("rule allow-ssh opens port 22 to 10.0.0.0/8".into()),
                ..finding(
                    "nsg-open-management-ports",
                    "Management ports should be closed on your virtual machines",
                    "High",
                    &format!(
                        "/subscriptions/{SUB_B}/resourceGroups/rg-jump/providers/{NSG}/nsg-jumpbox"
                    ),
                    "rule allow-ssh opens port 22 to 0.0.0.0/0 (Internet)",
                    "7c4e1a9b3d6f2e8a5c0b7d4f1e9a3c6b",
                )
            }],
            unchanged: 1,
        }),
        trend: Vec::new(),
        exemptions: vec![ExemptionStatus {
            policy: "storage-public-network".into(),
            category: "waiver".into(),
            reason: "retired with the file server in Q1".into(),
            owner: Some("platform-team".into()),
            expires: Some("2027-03-31".into()),
            status: "active".into(),
            matched: 1,
        }],
        recommendations,
        alerts: alerts(),
        policies: vec![PolicyEntry {
            kind: "recommendation".into(),
            id: "storage-public-network".into(),
            source: "bundled".into(),
            enabled: true,
            reason: "default".into(),
            status: "evaluated".into(),
            path: "policies/azure/storage_public_network.rego".into(),
        }],
        gate: GateOutcome {
            status: "failed".into(),
            checks: vec![
                GateCheck {
                    gate: "min-score".into(),
                    passed: true,
                    detail: "min-score 50: 57.9% >= 50".into(),
                },
                GateCheck {
                    gate: "fail-on".into(),
                    passed: false,
                    detail: "fail-on high: 3 unhealthy High findings".into(),
                },
            ],
            exit_code: 1,
        },
        errors: Vec::new(),
        warnings: vec![Message {
            code: "exemption::expired".into(),
            message: "the exemption for storage-min-tls expired on 2026-10-01".into(),
            file: None,
            line: None,
            column: None,
            help: None,
        }],
    }
}

/// Two alerts: a High detection located in its snapshot, an Informational anomaly without a
/// location and with text a spreadsheet or Markdown would interpret.
fn alerts() -> Vec<Alert> {
    let machine = format!(
        "/subscriptions/{SUB_A}/resourceGroups/rg-hybrid/providers/Microsoft.Compute/virtualMachines/db-02"
    );
    vec![
        Alert {
            fingerprint: "0f1e2d3c4b5a69788796a5b4c3d2e1f0".into(),
            alert_type: "linux-ssh-bruteforce-success".into(),
            title: "Successful SSH brute force attack".into(),
            severity: "High".into(),
            tactics: vec!["Credential Access".into(), "Initial Access".into()],
            techniques: vec!["T1110.001".into(), "T1078".into()],
            machine: machine.clone(),
            hostname: "db-02".into(),
            message: "203.0.113.7 failed 12 SSH logins (root, admin) then logged in as deploy"
                .into(),
            start: "2026-11-25T21:00:02Z".into(),
            end: "2026-11-25T21:09:40Z".into(),
            entities: serde_json::json!({"sourceAddress": "203.0.113.7", "accounts": ["deploy"]}),
            evidence: vec![
                serde_json::json!({"time": "2026-11-25T21:09:40Z", "result": "success"}),
            ],
            description: "Many failed SSH logins from one address, then a success from it.".into(),
            remediation: "1. Isolate the machine.\n2. Reset the account's credentials.".into(),
            policy: "linux-ssh-bruteforce-success".into(),
            source: "detection".into(),
            location: Some(SourceLocation {
                file: "agents/db-02.json".into(),
                line: 1,
                column: 1,
            }),
        },
        Alert {
            fingerprint: "a0b1c2d3e4f5061728394a5b6c7d8e9f".into(),
            alert_type: "anomaly-new-listening-port".into(),
            title: "A port is listening for the first time".into(),
            severity: "Informational".into(),
            tactics: vec!["Command and Control".into()],
            techniques: vec!["T1571".into()],
            machine,
            hostname: "db-02".into(),
            message: "=tcp port 4444 | <b>new</b> since 2026-11-20".into(),
            start: "2026-11-25T22:00:00Z".into(),
            end: "2026-11-25T22:00:00Z".into(),
            entities: serde_json::json!({"port": 4444}),
            evidence: Vec::new(),
            description: "A listening port the host's history never showed.".into(),
            remediation: "Find the process and confirm it is expected.".into(),
            policy: "anomaly-new-listening-port".into(),
            source: "anomaly".into(),
            location: None,
        },
    ]
}

/// A load error, as a test adds it (a report with errors has an `error` gate).
pub fn load_error() -> Message {
    Message {
        code: "load::json".into(),
        message: "expected `,` or `}`".into(),
        file: Some("inventory/broken file.json".into()),
        line: Some(3),
        column: Some(7),
        help: Some("check the file is JSON".into()),
    }
}

fn finding(
    policy: &str,
    title: &str,
    severity: &str,
    resource: &str,
    message: &str,
    fp: &str,
) -> FindingRef {
    FindingRef {
        policy: policy.into(),
        title: title.into(),
        severity: severity.into(),
        resource: resource.into(),
        message: Some(message.into()),
        previous_message: None,
        fingerprint: fp.into(),
    }
}
