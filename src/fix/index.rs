//! The index of a fix folder: `README.md` for people and `fixes.json` for tools. Both list
//! each script, the resources it changes, its recommendation and the potential score gain,
//! and what is left to fix by hand with the reason.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{quote, FixInput, Planned, RunsOn, Shell};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Index<'a> {
    tool: Tool<'a>,
    assessed_at: &'a str,
    summary: Summary,
    recommendations: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    recommendations: usize,
    scripts: usize,
    resources_covered: usize,
    manual: usize,
}

#[derive(Serialize)]
struct GainRef {
    points: f64,
    percent: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    id: &'a str,
    title: &'a str,
    severity: &'a str,
    control: &'a str,
    potential_gain: GainRef,
    unhealthy: usize,
    exempt_left_out: usize,
    scripts: Vec<ScriptRef<'a>>,
    manual: Vec<ManualRef<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScriptRef<'a> {
    path: &'a str,
    shell: &'a str,
    runs_on: &'a str,
    resources: &'a [String],
}

#[derive(Serialize)]
struct ManualRef<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    shell: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'a str>,
    reason: &'a str,
}

fn runs_on(r: RunsOn) -> &'static str {
    match r {
        RunsOn::Azure => "azure",
        RunsOn::Host => "host",
    }
}

fn covered(planned: &[Planned<'_>]) -> usize {
    planned
        .iter()
        .flat_map(|p| &p.scripts)
        .flat_map(|s| &s.resources)
        .collect::<BTreeSet<_>>()
        .len()
}

/// `fixes.json`: the index for tools, keys in a fixed order.
pub fn json(input: &FixInput, planned: &[Planned<'_>]) -> String {
    let index = Index {
        tool: Tool {
            name: "posture",
            version: &input.version,
        },
        assessed_at: &input.assessed_at,
        summary: Summary {
            recommendations: planned.len(),
            scripts: planned.iter().map(|p| p.scripts.len()).sum(),
            resources_covered: covered(planned),
            manual: planned.iter().map(|p| p.manual.len()).sum(),
        },
        recommendations: planned
            .iter()
            .map(|p| Entry {
                id: &p.rec.id,
                title: &p.rec.title,
                severity: p.rec.severity.as_str(),
                control: &p.rec.control,
                potential_gain: GainRef {
                    points: p.rec.gain.points,
                    percent: p.rec.gain.percent,
                },
                unhealthy: p.rec.targets.len(),
                exempt_left_out: p.rec.exempt,
                scripts: p
                    .scripts
                    .iter()
                    .map(|s| ScriptRef {
                        path: &s.name,
                        shell: s.shell.as_str(),
                        runs_on: runs_on(s.runs_on),
                        resources: &s.resources,
                    })
                    .collect(),
                manual: p
                    .manual
                    .iter()
                    .map(|m| ManualRef {
                        shell: m.shell.map(Shell::as_str),
                        resource: m.resource.as_deref(),
                        reason: &m.reason,
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&index).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

fn gain(points: f64, percent: f64) -> String {
    format!("+{points:.2} points (+{percent:.1}%)")
}

fn script_label(shell: Shell, runs: RunsOn) -> &'static str {
    match (shell, runs) {
        (_, RunsOn::Host) => "bash, on the host",
        (Shell::Bash, RunsOn::Azure) => "bash, az",
        (Shell::Powershell, RunsOn::Azure) => "PowerShell, Az",
    }
}

/// `README.md`: the index for people, with the workflow.
pub fn markdown(input: &FixInput, planned: &[Planned<'_>]) -> String {
    let md = quote::markdown;
    let scripts: usize = planned.iter().map(|p| p.scripts.len()).sum();
    let manual: usize = planned.iter().map(|p| p.manual.len()).sum();
    let mut s = String::from("# posture quick fixes\n\n");
    s.push_str(&format!(
        "Written by posture {} from the assessment at {}: {scripts} script{} for {} recommendation{}, covering {} resource{}; {manual} item{} left to fix by hand.\n\n",
        md(&input.version),
        md(&input.assessed_at),
        if scripts == 1 { "" } else { "s" },
        planned.len(),
        if planned.len() == 1 { "" } else { "s" },
        covered(planned),
        if covered(planned) == 1 { "" } else { "s" },
        if manual == 1 { "" } else { "s" },
    ));
    s.push_str(
        "Nothing here has run yet. Every script only prints its commands unless it is run with\n\
         `--apply` (bash) or `-Apply` (PowerShell).\n\n\
         1. Review each script: its header says what it changes, why, on which resources, and the\n   \
            side effects the policy's remediation names.\n\
         2. Dry run: `./NAME.sh` or `pwsh ./NAME.ps1` prints the commands. Scripts named\n   \
            `*.host.sh` run on the machine itself: copy one there and run `sudo ./NAME.host.sh`.\n\
         3. Apply: `./NAME.sh --apply` (az signed in with `az login`), `pwsh ./NAME.ps1 -Apply`\n   \
            (Az signed in with `Connect-AzAccount`), or `sudo ./NAME.host.sh --apply` on the host.\n\
         4. Assess again (for host fixes, collect new agent snapshots first): the Secure Score rises\n   \
            by a recommendation's potential gain once all of its unhealthy resources are healthy.\n\n",
    );
    s.push_str("## Scripts\n\n");
    if planned.is_empty() {
        s.push_str("No selected recommendation has unhealthy resources.\n");
        return s;
    }
    s.push_str("| Recommendation | Severity | Potential gain | Unhealthy | Scripts |\n");
    s.push_str("| --- | --- | --- | --- | --- |\n");
    for p in planned {
        let links: Vec<String> = p
            .scripts
            .iter()
            .map(|x| format!("[{0}]({0}) ({1})", x.name, script_label(x.shell, x.runs_on)))
            .collect();
        s.push_str(&format!(
            "| {} (`{}`) | {} | {} | {} | {} |\n",
            md(&p.rec.title),
            quote::comment(&p.rec.id).replace('`', "'"),
            p.rec.severity,
            gain(p.rec.gain.points, p.rec.gain.percent),
            p.rec.targets.len(),
            if links.is_empty() {
                "by hand".to_string()
            } else {
                links.join(", ")
            }
        ));
    }
    for p in planned {
        s.push_str(&format!("\n## {}\n\n", md(&p.rec.title)));
        s.push_str(&format!(
            "`{}`, severity {}, control {}; potential gain {}.\n\n",
            quote::comment(&p.rec.id).replace('`', "'"),
            p.rec.severity,
            md(&p.rec.control),
            gain(p.rec.gain.points, p.rec.gain.percent)
        ));
        for x in &p.scripts {
            s.push_str(&format!(
                "- [{0}]({0}) ({1}) changes {2} resource{3}\n",
                x.name,
                script_label(x.shell, x.runs_on),
                x.resources.len(),
                if x.resources.len() == 1 { "" } else { "s" }
            ));
        }
        let changed: Vec<&String> = p
            .rec
            .targets
            .iter()
            .map(|t| &t.id)
            .filter(|id| p.scripts.iter().any(|x| x.resources.contains(id)))
            .collect();
        if !changed.is_empty() {
            s.push_str("- Resources the scripts change:\n");
            for r in changed {
                s.push_str(&format!("  - {}\n", md(r)));
            }
        }
        if !p.manual.is_empty() {
            s.push_str("- Fix by hand:\n");
            for m in &p.manual {
                let shell = m
                    .shell
                    .map_or(String::new(), |x| format!("{}: ", x.as_str()));
                match &m.resource {
                    Some(r) => s.push_str(&format!("  - {shell}{}: {}\n", md(r), md(&m.reason))),
                    None => s.push_str(&format!("  - {shell}{}\n", md(&m.reason))),
                }
            }
        }
        if p.rec.exempt > 0 {
            s.push_str(&format!("- Exempt resources left out: {}\n", p.rec.exempt));
        }
    }
    s
}
