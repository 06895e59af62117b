//! `posture fix`: assess the inputs (or read an earlier JSON report), then write one script
//! per recommendation and shell, host-side scripts for agent findings, and the index
//! (`README.md`, `fixes.json`) into a folder. The scripts themselves are built by
//! [`crate::fix`]; this layer reads, decides and writes.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use crate::assess::{self, AssessOptions, Gates};
use crate::cli::{Cli, FixArgs};
use crate::commands::assess::{now_or_clock, read_report};
use crate::commands::{catalog_options, emit, load_config, Io};
use crate::diag::{Problem, Problems};
use crate::exit::ExitStatus;
use crate::fix::{self, input::Extra, OutFile};
use crate::output;
use crate::policy::catalog::{self, Catalog};
use crate::source::SourceMap;

/// The report to fix, the policies whose templates apply, and what only the inventory knows.
type Source = (serde_json::Value, Catalog, BTreeMap<String, Extra>);

/// Assesses the inputs as `posture assess` does (without gates or a baseline).
fn assess_inputs(
    cli: &Cli,
    args: &FixArgs,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> Option<Source> {
    let now = now_or_clock(args.now.as_ref(), problems)?;
    let Ok(timeout) = Duration::try_from_secs_f64(args.eval_timeout) else {
        problems.push(Problem::error(
            "posture::usage::eval_timeout",
            "--eval-timeout must be a positive number of seconds",
        ));
        return None;
    };
    let config = load_config(
        cli.global.config.as_deref(),
        &args.inputs,
        sources,
        problems,
    );
    let jobs = crate::commands::worker_count(args.jobs);
    // Fix writes scripts; its assessment is quiet (the scripts are the output).
    let progress = std::sync::Arc::new(crate::progress::Progress::hidden());
    let opts = AssessOptions {
        inputs: args.inputs.iter().chain(&args.agents).cloned().collect(),
        history: Vec::new(),
        intel: Vec::new(),
        catalog: catalog_options(&args.policy, &config, false),
        config,
        now,
        jobs,
        timeout,
        max_file_bytes: crate::load::MAX_FILE_BYTES,
        gates: Gates::default(),
        progress: progress.clone(),
        backend: crate::policy::engine::Backend::default(),
    };
    let assessment = assess::assess(opts, std::mem::take(sources), std::mem::take(problems));
    let report = assessment.report();
    *problems = assessment.problems.clone();
    *sources = assessment.sources.clone();
    let extras = assessment
        .inventory
        .resources
        .iter()
        .map(|r| (r.key.to_string(), fix::input::extra_of(&r.to_json())))
        .collect();
    match serde_json::to_value(&report) {
        Ok(v) => Some((v, assessment.catalog, extras)),
        Err(e) => {
            problems.push(Problem::error(
                "posture::fix::internal",
                format!("cannot read the report back: {e}"),
            ));
            None
        }
    }
}

/// Reads an earlier report and loads the policies for their templates.
fn read_earlier(
    cli: &Cli,
    args: &FixArgs,
    path: &Path,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> Option<Source> {
    let config = load_config(cli.global.config.as_deref(), &[], sources, problems);
    let report = read_report(path, sources, problems)?;
    let catalog = catalog::load(
        &catalog_options(&args.policy, &config, false),
        sources,
        problems,
    );
    Some((report, catalog, BTreeMap::new()))
}

/// Adds the executable bit wherever the file is readable (what `chmod +x` does under the
/// usual umask), so the owner can run the script and nobody gains write access.
#[cfg(unix)]
fn make_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut perms = std::fs::metadata(path)?.permissions();
    let mode = perms.mode();
    perms.set_mode(mode | ((mode & 0o444) >> 2));
    std::fs::set_permissions(path, perms)
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Writes every file into `dir`. Without `force` nothing is written when any file exists,
/// so a folder never ends up half old and half new.
fn write_files(dir: &Path, files: &[OutFile], force: bool, problems: &mut Problems) -> bool {
    if let Err(e) = std::fs::create_dir_all(dir) {
        problems.push(Problem::error(
            "posture::output::folder",
            format!("cannot create {}: {e}", dir.display()),
        ));
        return false;
    }
    if !force {
        let existing: Vec<&str> = files
            .iter()
            .filter(|f| dir.join(&f.name).exists())
            .map(|f| f.name.as_str())
            .collect();
        if !existing.is_empty() {
            problems.push(
                Problem::error(
                    "posture::output::exists",
                    format!(
                        "{} already holds {}; nothing was written",
                        dir.display(),
                        existing.join(", ")
                    ),
                )
                .with_help("pass --force to replace them, or choose another --out folder"),
            );
            return false;
        }
    }
    for f in files {
        let path = dir.join(&f.name);
        if let Err(p) = output::write_atomic(&path, f.text.as_bytes(), force) {
            problems.push(p);
            return false;
        }
        if f.executable {
            if let Err(e) = make_executable(&path) {
                problems.push(Problem::error(
                    "posture::output::write",
                    format!("cannot make {} executable: {e}", path.display()),
                ));
                return false;
            }
        }
    }
    true
}

/// Runs `posture fix`.
pub fn run(
    cli: &Cli,
    args: &FixArgs,
    io: &mut Io<'_>,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> ExitStatus {
    let source = match &args.report {
        Some(path) => read_earlier(cli, args, path, sources, problems),
        None => assess_inputs(cli, args, sources, problems),
    };
    // Scripts from a result that cannot be trusted (unreadable inputs, a failed policy)
    // would fix the wrong things or miss some: write nothing.
    let Some((report, catalog, extras)) = source.filter(|_| !problems.has_errors()) else {
        return ExitStatus::Error;
    };
    let input = match fix::input::from_report(
        &report,
        env!("CARGO_PKG_VERSION"),
        &|id| catalog.policy(id).map(|p| &p.meta),
        &extras,
    ) {
        Ok(i) => i,
        Err(e) => {
            let shown = args
                .report
                .as_ref()
                .map_or_else(|| "the assessment".to_string(), |p| p.display().to_string());
            problems.push(
                Problem::error(
                    "posture::fix::not_a_report",
                    format!("{shown} is not a posture JSON report: {e}"),
                )
                .with_help("--report takes the output of `posture assess ... --format json`"),
            );
            return ExitStatus::Error;
        }
    };
    let opts = fix::Options {
        shells: args.shell.clone(),
        policies: args.policy_ids.clone(),
        min_severity: args.severity,
    };
    let unknown = fix::unknown_policies(&input, &opts);
    if !unknown.is_empty() {
        let ids: Vec<&str> = input
            .recommendations
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        for id in unknown {
            let mut p = Problem::error(
                "posture::fix::unknown_policy",
                format!("--policy {id}: no such recommendation in the assessment"),
            );
            if let Some(s) = crate::suggest::closest(id, ids.iter().copied()) {
                p = p.with_help(format!("did you mean `{s}`?"));
            }
            problems.push(p);
        }
        return ExitStatus::Error;
    }
    let planned = fix::plan(&input, &opts);
    let files = fix::files(&input, &planned);
    if !write_files(&args.out, &files, args.force, problems) {
        return ExitStatus::Error;
    }
    if !cli.global.quiet {
        let scripts: usize = planned.iter().map(|p| p.scripts.len()).sum();
        let manual: usize = planned.iter().map(|p| p.manual.len()).sum();
        let mut text = format!(
            "wrote {scripts} script{} for {} recommendation{} to {}\n",
            if scripts == 1 { "" } else { "s" },
            planned.len(),
            if planned.len() == 1 { "" } else { "s" },
            args.out.display()
        );
        for p in &planned {
            for s in &p.scripts {
                text.push_str(&format!(
                    "  {:<52} {:>3} resource{}  +{:.1}%\n",
                    s.name,
                    s.resources.len(),
                    if s.resources.len() == 1 { " " } else { "s" },
                    p.rec.gain.percent
                ));
            }
        }
        if manual > 0 {
            text.push_str(&format!(
                "{manual} item{} left to fix by hand: see README.md\n",
                if manual == 1 { "" } else { "s" }
            ));
        }
        text.push_str(
            "review the scripts, run them without --apply to see the commands, then with --apply\n",
        );
        emit(io.stdout, text.as_bytes(), problems);
    }
    ExitStatus::Success
}
