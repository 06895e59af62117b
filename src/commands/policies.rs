//! `posture policies list|show|test`.

use std::fmt::Write as _;

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde::Serialize;

use crate::cli::{Cli, LintArgs, ListFormat, PoliciesCommand, PolicyArgs, ShowArgs, TestArgs};
use crate::commands::{catalog_options, emit, load_config, Io};
use crate::diag::{Problem, Problems};
use crate::exit::ExitStatus;
use crate::model::PolicySource;
use crate::policy::catalog::{self, Catalog, CatalogOptions};
use crate::policy::testing::{self, Outcome};
use crate::source::SourceMap;

/// Runs a `policies` subcommand.
pub fn run(
    cli: &Cli,
    cmd: &PoliciesCommand,
    io: &mut Io<'_>,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> ExitStatus {
    match cmd {
        PoliciesCommand::List(args) => {
            let cat = load_catalog(cli, &args.policy, sources, problems);
            let text = match args.format {
                ListFormat::Table => list_table(&cat, io.width),
                ListFormat::Json => list_json(&cat),
            };
            emit(io.stdout, text.as_bytes(), problems);
            status(problems)
        }
        PoliciesCommand::Show(args) => show(cli, args, io, sources, problems),
        PoliciesCommand::Test(args) => test(args, io, sources, problems),
        PoliciesCommand::Lint(args) => lint(args, io, sources, problems),
    }
}

fn status(problems: &Problems) -> ExitStatus {
    if problems.has_errors() {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    }
}

fn load_catalog(
    cli: &Cli,
    args: &PolicyArgs,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> Catalog {
    let config = load_config(cli.global.config.as_deref(), &[], sources, problems);
    catalog::load(&catalog_options(args, &config, false), sources, problems)
}

fn list_table(cat: &Catalog, width: u16) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .force_no_tty()
        .set_header(vec![
            "Id",
            "Kind",
            "Severity",
            "Control",
            "Resource types",
            "State",
        ]);
    // Ids are what users copy into --disable and exemptions: keep them whole, and let the
    // descriptive columns wrap instead.
    for column in 0..3 {
        if let Some(c) = t.column_mut(column) {
            c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
    for p in &cat.policies {
        let state = if p.enabled { "enabled" } else { "disabled" };
        // A detection has no control and sees machines' agent snapshots, not resource types.
        let (severity, control, types) = match &p.meta.alert {
            Some(a) => (
                a.severity.to_string(),
                "-".to_string(),
                "agent snapshots".to_string(),
            ),
            None => (
                p.meta.severity.to_string(),
                p.meta.control.clone(),
                p.meta.resource_types.join("\n"),
            ),
        };
        t.add_row(vec![
            p.meta.id.clone(),
            p.meta.kind().to_string(),
            severity,
            control,
            types,
            format!("{state} ({})", p.reason),
        ]);
    }
    let recommendations: Vec<&crate::policy::catalog::Policy> =
        cat.recommendations().map(|(_, p)| p).collect();
    let enabled = recommendations.iter().filter(|p| p.enabled).count();
    let types: std::collections::BTreeSet<String> = recommendations
        .iter()
        .flat_map(|p| p.meta.resource_types.iter().map(|t| t.to_ascii_lowercase()))
        .collect();
    let controls: std::collections::BTreeSet<&str> = recommendations
        .iter()
        .map(|p| p.meta.control.as_str())
        .collect();
    let detections = cat.detections().count();
    let detections_enabled = cat.detections().filter(|(_, p)| p.enabled).count();
    format!(
        "{t}\n{} recommendations ({enabled} enabled) across {} resource types and {} controls; {detections} detections ({detections_enabled} enabled)\n",
        recommendations.len(),
        types.len(),
        controls.len()
    )
}

#[derive(Serialize)]
struct ListEntry<'a> {
    id: &'a str,
    kind: &'a str,
    title: &'a str,
    severity: &'a str,
    control: &'a str,
    resource_types: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    alert_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tactics: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    techniques: Option<&'a [String]>,
    enabled: bool,
    reason: &'a str,
    source: &'a str,
    path: &'a str,
}

fn list_json(cat: &Catalog) -> String {
    let entries: Vec<ListEntry<'_>> = cat
        .policies
        .iter()
        .map(|p| ListEntry {
            id: &p.meta.id,
            kind: p.meta.kind(),
            title: &p.meta.title,
            severity: p
                .meta
                .alert
                .as_ref()
                .map_or(p.meta.severity.as_str(), |a| a.severity.as_str()),
            control: &p.meta.control,
            resource_types: &p.meta.resource_types,
            alert_type: p.meta.alert.as_ref().map(|a| a.alert_type.as_str()),
            tactics: p.meta.alert.as_ref().map(|a| a.tactics.as_slice()),
            techniques: p.meta.alert.as_ref().map(|a| a.techniques.as_slice()),
            enabled: p.enabled,
            reason: &p.reason,
            source: match p.origin {
                PolicySource::Bundled => "bundled",
                PolicySource::User => "user",
            },
            path: cat.module_of(p).map_or("", |m| m.path.as_str()),
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&entries).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

fn show(
    cli: &Cli,
    args: &ShowArgs,
    io: &mut Io<'_>,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> ExitStatus {
    let cat = load_catalog(cli, &args.policy, sources, problems);
    let Some(p) = cat.policy(&args.id) else {
        let ids = cat.policies.iter().map(|p| p.meta.id.as_str());
        let mut prob = Problem::error(
            "posture::policy::unknown_id",
            format!("no policy has the id `{}`", args.id),
        );
        prob = match crate::suggest::closest(&args.id, ids) {
            Some(s) => prob.with_help(format!("did you mean `{s}`?")),
            None => prob.with_help("`posture policies list` shows every id"),
        };
        problems.push(prob);
        return ExitStatus::Error;
    };
    let m = &p.meta;
    let control = cat.controls.get(p.control);
    let mut s = String::new();
    let _ = writeln!(s, "{}\n{}\n", m.title, "=".repeat(m.title.chars().count()));
    let _ = writeln!(s, "id:             {}", m.id);
    if let Some(a) = &m.alert {
        let _ = writeln!(s, "kind:           alert (a detection; not scored)");
        let _ = writeln!(s, "alert type:     {}", a.alert_type);
        let _ = writeln!(s, "severity:       {}", a.severity);
        let _ = writeln!(s, "source:         {}", a.source.as_str());
        let _ = writeln!(s, "tactics:        {}", a.tactics.join(", "));
        let _ = writeln!(s, "techniques:     {}", a.techniques.join(", "));
    } else {
        let _ = writeln!(s, "severity:       {}", m.severity);
        let _ = writeln!(
            s,
            "control:        {} ({}, {} points)",
            m.control,
            control.map_or("", |c| c.name.as_str()),
            control.map_or(0.0, |c| c.max_points)
        );
        let _ = writeln!(s, "resource types: {}", m.resource_types.join(", "));
    }
    let _ = writeln!(
        s,
        "state:          {} ({})",
        if p.enabled { "enabled" } else { "disabled" },
        p.reason
    );
    let _ = writeln!(
        s,
        "file:           {}",
        cat.module_of(p).map_or("", |m| m.path.as_str())
    );
    if !m.parameters.is_empty() {
        let params: Vec<String> = m
            .parameters
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        let _ = writeln!(s, "parameters:     {}", params.join(", "));
    }
    for (label, v) in [
        ("user impact", &m.user_impact),
        ("effort", &m.implementation_effort),
    ] {
        if let Some(v) = v {
            let _ = writeln!(s, "{label:<15} {v}", label = format!("{label}:"));
        }
    }
    if !m.threats.is_empty() {
        let _ = writeln!(s, "threats:        {}", m.threats.join(", "));
    }
    if !m.references.is_empty() {
        let _ = writeln!(s, "references:     {}", m.references.join(", "));
    }
    let _ = writeln!(
        s,
        "\nDescription\n-----------\n{}\n",
        m.description.trim_end()
    );
    let _ = writeln!(s, "Remediation\n-----------\n{}", m.remediation.trim_end());
    if let Some(q) = &m.quick_fix {
        let _ = writeln!(s, "\nQuick fix\n---------");
        if let Some(b) = &q.bash {
            let _ = writeln!(s, "bash (az CLI):       {}", b.trim_end());
        }
        if let Some(ps) = &q.powershell {
            let _ = writeln!(s, "PowerShell (Az):     {}", ps.trim_end());
        }
    }
    emit(io.stdout, s.as_bytes(), problems);
    status(problems)
}

fn folder_options(dir: Option<&std::path::Path>) -> (CatalogOptions, PolicySource) {
    match dir {
        Some(dir) => (
            CatalogOptions {
                bundled: false,
                dirs: vec![dir.to_path_buf()],
                with_tests: true,
                ..CatalogOptions::default()
            },
            PolicySource::User,
        ),
        None => (
            CatalogOptions {
                bundled: true,
                with_tests: true,
                ..CatalogOptions::default()
            },
            PolicySource::Bundled,
        ),
    }
}

fn lint(
    args: &LintArgs,
    io: &mut Io<'_>,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> ExitStatus {
    let (opts, origin) = folder_options(args.dir.as_deref());
    let cat = catalog::load(&opts, sources, problems);
    crate::policy::lint::lint(&cat, sources, origin == PolicySource::User, problems);
    if problems.has_errors() {
        return ExitStatus::Error;
    }
    let policies = cat.policies.iter().filter(|p| p.origin == origin).count();
    let detections = cat.detections().filter(|(_, p)| p.origin == origin).count();
    let modules = cat.modules.iter().filter(|m| m.origin == origin).count();
    let text = format!(
        "lint: {policies} policies ({detections} detections) in {modules} modules, no problems\n"
    );
    emit(io.stdout, text.as_bytes(), problems);
    ExitStatus::Success
}

fn test(
    args: &TestArgs,
    io: &mut Io<'_>,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> ExitStatus {
    let (opts, origin) = folder_options(args.dir.as_deref());
    let cat = catalog::load(&opts, sources, problems);
    let report = testing::run(&cat, sources, origin, args.coverage, problems);
    let mut s = String::new();
    let mut last_file = "";
    for c in &report.cases {
        let failed = c.outcome != Outcome::Pass;
        if !(failed || args.verbose) {
            continue;
        }
        if c.file != last_file {
            let _ = writeln!(s, "{}:", c.file);
            last_file = &c.file;
        }
        match &c.outcome {
            Outcome::Pass => {
                let _ = writeln!(s, "{}: PASS", c.name);
            }
            Outcome::Fail => {
                let _ = writeln!(s, "{}: FAIL", c.name);
            }
            Outcome::Error(e) => {
                let _ = writeln!(s, "{}: ERROR\n  {e}", c.name);
            }
        }
    }
    for id in &report.untested {
        let _ = writeln!(
            s,
            "policy {id}: FAIL (no tests: add a _test.rego beside it)"
        );
    }
    if args.coverage {
        let _ = writeln!(s, "\nCoverage");
        for f in &report.coverage {
            let pct = if f.total == 0 {
                100.0
            } else {
                (1000.0 * f.covered as f64 / f.total as f64).floor() / 10.0
            };
            let _ = write!(s, "  {:>5.1}%  {}", pct, f.path);
            if !f.not_covered.is_empty() {
                let lines: Vec<String> = f.not_covered.iter().map(u32::to_string).collect();
                let _ = write!(s, "  (not covered: {})", lines.join(", "));
            }
            let _ = writeln!(s);
        }
        let _ = writeln!(s, "  total: {:.1}%", report.coverage_percent());
    }
    let failed = report.cases.len() - report.passed() + report.untested.len();
    let _ = writeln!(s, "{}", "-".repeat(80));
    if failed == 0 {
        let _ = writeln!(s, "PASS: {}/{}", report.passed(), report.cases.len());
    } else {
        let _ = writeln!(
            s,
            "PASS: {}/{}\nFAIL: {failed}/{}",
            report.passed(),
            report.cases.len(),
            report.cases.len() + report.untested.len()
        );
    }
    let below = args
        .threshold
        .filter(|_| args.coverage)
        .is_some_and(|t| report.coverage_percent() < t);
    if below {
        let _ = writeln!(
            s,
            "coverage {:.1}% is below the threshold {}%",
            report.coverage_percent(),
            args.threshold.unwrap_or(0.0)
        );
    }
    emit(io.stdout, s.as_bytes(), problems);
    if problems.has_errors() {
        ExitStatus::Error
    } else if !report.ok() || below {
        ExitStatus::GateFailed
    } else {
        ExitStatus::Success
    }
}
