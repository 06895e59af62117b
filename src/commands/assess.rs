//! `posture assess`: load, evaluate, score, compare with a baseline, report, gate.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::ValueEnum;

use crate::assess::{self, AssessOptions, Gates};
use crate::baseline;
use crate::cli::{AssessArgs, Cli, Color};
use crate::commands::{catalog_options, emit, load_config, Io};
use crate::diag::{Problem, Problems};
use crate::exit::ExitStatus;
use crate::load;
use crate::output;
use crate::report::{Format, RenderOptions, Report};
use crate::source::SourceMap;

/// Where one rendering of the report goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The format.
    pub format: Format,
    /// The file; `None` is standard output.
    pub path: Option<PathBuf>,
}

/// `--format` and `--output` resolved: `-o FILE` redirects `--format` to FILE,
/// `-o FORMAT=FILE` adds a file in that format; standard output gets `--format` unless it
/// was redirected.
pub fn targets(format: Format, outputs: &[String]) -> Result<Vec<Target>, Problem> {
    let mut files = Vec::new();
    let mut redirected = false;
    for o in outputs {
        let named = o
            .split_once('=')
            .and_then(|(f, p)| Format::from_str(f, true).ok().map(|f| (f, p.to_string())));
        match named {
            Some((_, p)) if p.is_empty() => {
                return Err(Problem::error(
                    "posture::usage::output",
                    format!("--output {o}: the file is missing"),
                )
                .with_help("write --output FORMAT=FILE, e.g. --output sarif=report.sarif"));
            }
            Some((f, p)) => files.push(Target {
                format: f,
                path: Some(PathBuf::from(p)),
            }),
            None => {
                if redirected {
                    return Err(Problem::error(
                        "posture::usage::output",
                        format!("--output {o}: only one plain --output FILE is allowed; name the format of the others (FORMAT=FILE)"),
                    ));
                }
                redirected = true;
                files.push(Target {
                    format,
                    path: Some(PathBuf::from(o)),
                });
            }
        }
    }
    let mut seen: Vec<&Path> = Vec::new();
    for t in &files {
        if let Some(p) = &t.path {
            if seen.contains(&p.as_path()) {
                return Err(Problem::error(
                    "posture::usage::output",
                    format!("--output names {} twice", p.display()),
                ));
            }
            seen.push(p);
        }
    }
    if !redirected {
        files.insert(0, Target { format, path: None });
    }
    Ok(files)
}

/// `--now` when valid, else the clock; `None` (with a problem) for an invalid `--now`.
pub fn now_or_clock(given: Option<&String>, problems: &mut Problems) -> Option<String> {
    match given {
        Some(t) if crate::time::is_rfc3339(t) => Some(t.clone()),
        Some(t) => {
            problems.push(
                Problem::error(
                    "posture::usage::now",
                    format!("--now {t:?} is not an RFC 3339 time"),
                )
                .with_help("for example --now 2026-11-26T00:00:00Z"),
            );
            None
        }
        None => {
            let secs = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            Some(crate::time::rfc3339_from_unix(secs))
        }
    }
}

/// Checks the flags that clap cannot: ranges and combinations.
fn check_flags(args: &AssessArgs, gates: &Gates, problems: &mut Problems) -> bool {
    let before = problems.errors().len();
    if !(args.eval_timeout.is_finite() && args.eval_timeout > 0.0) {
        problems.push(Problem::error(
            "posture::usage::eval_timeout",
            "--eval-timeout must be a positive number of seconds",
        ));
    }
    if let Some(m) = gates.min_score {
        if !(0.0..=100.0).contains(&m) {
            problems.push(Problem::error(
                "posture::usage::min_score",
                format!("the minimum score {m} is outside 0 to 100"),
            ));
        }
    }
    if let Some(d) = gates.max_score_drop {
        if !(d.is_finite() && d >= 0.0) {
            problems.push(Problem::error(
                "posture::usage::max_score_drop",
                format!("the maximum score drop {d} must be 0 or more percentage points"),
            ));
        }
    }
    let needs = gates.needing_baseline();
    if args.baseline.is_none() && !needs.is_empty() {
        // A gate that silently does nothing is the worst kind: refuse instead.
        problems.push(
            Problem::error(
                "posture::usage::needs_baseline",
                format!("{} compare against a baseline, and none was given", needs.join(" and ")),
            )
            .with_help("pass --baseline with an earlier JSON report (posture assess ... -f json -o baseline.json)"),
        );
    }
    problems.errors().len() == before
}

/// Reads a JSON report given as a baseline; problems are located in it.
pub fn read_report(
    path: &Path,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> Option<serde_json::Value> {
    let found = load::Discovered {
        path: path.to_path_buf(),
        display: path.display().to_string(),
        format: load::Format::Json,
    };
    let (_, value) = load::read_document(&found, sources, problems)?;
    Some(value)
}

/// Compares the report with the baseline report at `path`, adding the delta to it.
fn apply_baseline(
    report: &mut Report,
    path: &Path,
    sources: &mut SourceMap,
    problems: &mut Problems,
) {
    let Some(old) = read_report(path, sources, problems) else {
        return;
    };
    let new = match serde_json::to_value(&*report) {
        Ok(v) => v,
        Err(e) => {
            problems.push(Problem::error(
                "posture::baseline::internal",
                format!("cannot compare with the baseline: {e}"),
            ));
            return;
        }
    };
    let display = path.display().to_string();
    match baseline::compare(&old, &new, &display) {
        Ok(delta) => baseline::apply(report, delta),
        Err(e) => {
            let file = sources
                .files()
                .iter()
                .rev()
                .find(|f| f.path == display)
                .cloned();
            let p = Problem::error(
                "posture::baseline::not_a_report",
                format!(
                    "{display} is not a posture JSON report: {} is missing ({})",
                    e.pointer, e.expected
                ),
            )
            .with_help("a baseline is the output of `posture assess ... --format json`");
            problems.push(match file {
                Some(f) => p.at(&f, 0, 1, "expected a posture report"),
                None => p.in_file(display),
            });
        }
    }
}

/// GitHub Actions workflow commands for new findings (all unhealthy without a baseline).
pub fn github_annotations(report: &Report) -> String {
    let escape = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let escape_prop = |s: &str| escape(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for rec in &report.recommendations {
        let level = if rec.severity == "High" {
            "error"
        } else {
            "warning"
        };
        for r in &rec.resources {
            let wanted = r.state == "unhealthy"
                && (report.baseline.is_none() || r.baseline.as_deref() == Some("new"));
            if !wanted {
                continue;
            }
            let mut props = vec![format!(
                "title={}",
                escape_prop(&format!("{} ({})", rec.title, rec.id))
            )];
            if let Some(l) = &r.location {
                props.insert(
                    0,
                    format!(
                        "file={},line={},col={}",
                        escape_prop(&l.file),
                        l.line,
                        l.column
                    ),
                );
            }
            let msg = format!("{}: {}", r.id, r.message.as_deref().unwrap_or(""));
            out.push_str(&format!(
                "::{level} {}::{}\n",
                props.join(","),
                escape(&msg)
            ));
        }
    }
    out
}

/// Runs `posture assess`.
pub fn run(
    cli: &Cli,
    args: &AssessArgs,
    io: &mut Io<'_>,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> ExitStatus {
    let Some(now) = now_or_clock(args.now.as_ref(), problems) else {
        return ExitStatus::Error;
    };
    let targets = match targets(args.format, &args.output) {
        Ok(t) => t,
        Err(p) => {
            problems.push(p);
            return ExitStatus::Error;
        }
    };
    let config = load_config(
        cli.global.config.as_deref(),
        &args.inputs,
        sources,
        problems,
    );
    let g = &args.gate;
    let gates = Gates {
        min_score: g.min_score.or(config.gate.min_score),
        fail_on: g.fail_on.or_else(|| config.fail_on()),
        fail_on_new: g.fail_on_new.or_else(|| config.fail_on_new()),
        max_score_drop: g.max_score_drop.or(config.gate.max_score_drop),
        fail_on_expired_exemptions: g.fail_on_expired_exemptions
            || config.gate.fail_on_expired_exemptions,
        fail_on_alert: g.fail_on_alert.or_else(|| config.fail_on_alert()),
    };
    if !check_flags(args, &gates, problems) {
        return ExitStatus::Error;
    }
    let jobs = crate::commands::worker_count(args.jobs);
    let progress = std::sync::Arc::new(crate::progress::Progress::for_terminal(
        io.stderr_tty,
        cli.global.quiet,
    ));
    let opts = AssessOptions {
        inputs: args.inputs.iter().chain(&args.agents).cloned().collect(),
        history: args.history.clone(),
        intel: args.intel.clone(),
        catalog: catalog_options(&args.policy, &config, false),
        config,
        now,
        jobs,
        timeout: Duration::from_secs_f64(args.eval_timeout),
        max_file_bytes: args.max_file_size,
        gates: gates.clone(),
        progress: progress.clone(),
        backend: args.engine,
    };
    let mut assessment = assess::assess(opts, std::mem::take(sources), std::mem::take(problems));
    assessment.release_values();
    progress.stage("report", 0, "");
    let mut report = assessment.report();
    *problems = assessment.problems.clone();
    *sources = assessment.sources.clone();
    if let Some(path) = &args.baseline {
        apply_baseline(&mut report, path, sources, problems);
    }
    if let Some(dir) = &args.trend {
        report.trend = super::trend::read(dir, args.max_file_size, problems);
    }
    // Gates see the whole report (baseline included), never a rendering of it.
    report.gate = crate::gate::evaluate(&report, &gates, problems.has_errors());

    if args.github_annotations {
        emit(io.stdout, github_annotations(&report).as_bytes(), problems);
    }
    progress.stage("write", 0, "");
    let untrusted = problems.has_errors();
    let mut skipped = Vec::new();
    for t in &targets {
        let color = match cli.global.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => t.path.is_none() && io.stdout_tty && !io.no_color,
        };
        let render = RenderOptions {
            color: color && t.format == Format::Table,
            width: io.width,
            states: args.states.clone(),
            csv_delimiter: args.csv_delimiter,
            jobs,
        };
        if t.path.is_none() && cli.global.quiet {
            let line = format!(
                "{}\n",
                crate::report::table::gate_line(&report.gate, render.color)
            );
            emit(io.stdout, line.as_bytes(), problems);
            continue;
        }
        let reporter = t.format.reporter();
        match &t.path {
            // A file is what later pipeline steps trust: none is written from a run whose
            // inputs or policies failed (standard output still shows the report with its
            // errors).
            Some(path) if untrusted => skipped.push(path.display().to_string()),
            // Rendered straight into the temp file: never the whole document in memory. With
            // more than one thread, rendering and writing overlap (the JSON reporter renders
            // on several threads and writes from this one itself).
            Some(path) => {
                if let Err(p) = output::write_atomic_with(path, args.force, |w| {
                    if jobs > 1 && t.format != Format::Json {
                        output::pipelined(w, |w| reporter.render(&report, &render, w))
                    } else {
                        reporter.render(&report, &render, w)
                    }
                }) {
                    problems.push(p);
                }
            }
            None => {
                let mut bytes = Vec::new();
                if let Err(e) = reporter.render(&report, &render, &mut bytes) {
                    problems.push(Problem::error(
                        "posture::output::render",
                        format!("cannot render the report: {e}"),
                    ));
                    continue;
                }
                emit(io.stdout, &bytes, problems);
            }
        }
    }
    progress.finish(io.stderr);
    if !skipped.is_empty() {
        problems.push(
            Problem::warning(
                "posture::output::not_written",
                format!(
                    "not written because of the errors above: {}",
                    skipped.join(", ")
                ),
            )
            .with_help(
                "fix the errors; a report of an untrusted run is shown on standard output only",
            ),
        );
    }
    let code = report.gate.exit_code;
    crate::drop_later((assessment, report));
    if problems.has_errors() {
        return ExitStatus::Error;
    }
    match code {
        0 => ExitStatus::Success,
        1 => ExitStatus::GateFailed,
        _ => ExitStatus::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_resolve_to_targets() {
        let t = targets(Format::Table, &[]).unwrap();
        assert_eq!(
            t,
            vec![Target {
                format: Format::Table,
                path: None
            }]
        );
        let t = targets(Format::Json, &["r.json".into()]).unwrap();
        assert_eq!(
            t,
            vec![Target {
                format: Format::Json,
                path: Some("r.json".into())
            }]
        );
        let t = targets(Format::Table, &["json=a.json".into(), "json=b.json".into()]).unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].path, None);
        assert_eq!(t[2].path.as_deref(), Some(Path::new("b.json")));
        // an unknown prefix is part of a file name
        let t = targets(Format::Json, &["a=b.json".into()]).unwrap();
        assert_eq!(
            t,
            vec![Target {
                format: Format::Json,
                path: Some("a=b.json".into())
            }]
        );
        assert!(targets(Format::Json, &["x.json".into(), "y.json".into()]).is_err());
        assert!(targets(Format::Json, &["json=".into()]).is_err());
        assert!(targets(Format::Json, &["json=x".into(), "table=x".into()]).is_err());
    }
}
