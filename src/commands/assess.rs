//! `posture assess`: load, evaluate, score, report, gate.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::assess::{self, AssessOptions, Gates};
use crate::cli::{AssessArgs, Cli};
use crate::commands::{catalog_options, emit, load_config, Io};
use crate::diag::{Problem, Problems};
use crate::exit::ExitStatus;
use crate::output;
use crate::report::{Format, RenderOptions};
use crate::source::SourceMap;

/// Runs `posture assess`.
pub fn run(
    cli: &Cli,
    args: &AssessArgs,
    io: &mut Io<'_>,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> ExitStatus {
    let now = match &args.now {
        Some(t) if crate::time::is_rfc3339(t) => t.clone(),
        Some(t) => {
            problems.push(
                Problem::error(
                    "posture::usage::now",
                    format!("--now {t:?} is not an RFC 3339 time"),
                )
                .with_help("for example --now 2026-11-26T00:00:00Z"),
            );
            return ExitStatus::Error;
        }
        None => {
            let secs = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            crate::time::rfc3339_from_unix(secs)
        }
    };
    if !(args.eval_timeout.is_finite() && args.eval_timeout > 0.0) {
        problems.push(Problem::error(
            "posture::usage::eval_timeout",
            "--eval-timeout must be a positive number of seconds",
        ));
        return ExitStatus::Error;
    }
    if let Some(m) = args.gate.min_score {
        if !(0.0..=100.0).contains(&m) {
            problems.push(Problem::error(
                "posture::usage::min_score",
                format!("--min-score {m} is outside 0 to 100"),
            ));
            return ExitStatus::Error;
        }
    }
    let config = load_config(
        cli.global.config.as_deref(),
        &args.inputs,
        sources,
        problems,
    );
    let gates = Gates {
        min_score: args.gate.min_score.or(config.gate.min_score),
        fail_on: args.gate.fail_on.or_else(|| config.fail_on()),
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let opts = AssessOptions {
        inputs: args.inputs.iter().chain(&args.agents).cloned().collect(),
        catalog: catalog_options(&args.policy, &config, false),
        config,
        now,
        jobs,
        timeout: Duration::from_secs_f64(args.eval_timeout),
        gates,
    };
    let assessment = assess::assess(opts, std::mem::take(sources), std::mem::take(problems));
    let report = assessment.report();
    *problems = assessment.problems.clone();
    *sources = assessment.sources.clone();

    let color = match cli.global.color {
        crate::cli::Color::Always => true,
        crate::cli::Color::Never => false,
        crate::cli::Color::Auto => args.output.is_none() && io.stdout_tty && !io.no_color,
    };
    let render = RenderOptions {
        color: color && args.format == Format::Table,
        width: io.width,
        ..RenderOptions::default()
    };
    let mut bytes = Vec::new();
    if let Err(e) = args.format.reporter().render(&report, &render, &mut bytes) {
        problems.push(Problem::error(
            "posture::output::render",
            format!("cannot render the report: {e}"),
        ));
        return ExitStatus::Error;
    }
    match &args.output {
        Some(path) => {
            if let Err(p) = output::write_atomic(path, &bytes, args.force) {
                problems.push(p);
            }
        }
        None => emit(io.stdout, &bytes, problems),
    }
    match report.gate.exit_code {
        0 => ExitStatus::Success,
        1 => ExitStatus::GateFailed,
        _ => ExitStatus::Error,
    }
}
