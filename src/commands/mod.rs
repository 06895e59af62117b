//! Orchestration: each subcommand resolves its settings, runs the pipeline and writes to
//! the writers it is given. This is the only layer that reads the clock, the environment
//! and the config file, and the only one that decides exit statuses.

pub mod assess;
pub mod bench;
pub mod collect;
pub mod diff;
pub mod fix;
pub mod policies;
pub mod trend;
pub mod validate;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::cli::{Cli, Color, Command, PolicyArgs};
use crate::config::{self, Config};
use crate::diag::{Problem, Problems};
use crate::exit::ExitStatus;
use crate::policy::catalog::CatalogOptions;
use crate::source::SourceMap;

/// Where a command writes and what it may assume about the terminal.
pub struct Io<'a> {
    /// Reports.
    pub stdout: &'a mut dyn Write,
    /// Diagnostics and progress.
    pub stderr: &'a mut dyn Write,
    /// Whether stdout is a terminal (colour and table width).
    pub stdout_tty: bool,
    /// Whether stderr is a terminal (diagnostic colour).
    pub stderr_tty: bool,
    /// Value of NO_COLOR being set.
    pub no_color: bool,
    /// Terminal width for tables and diagnostics.
    pub width: u16,
}

impl std::fmt::Debug for Io<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Io")
    }
}

impl Io<'_> {
    fn color_for(&self, cli: Color, tty: bool) -> bool {
        match cli {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => tty && !self.no_color,
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli, io: &mut Io<'_>) -> ExitStatus {
    let color = cli.global.color;
    let mut problems = Problems::default();
    let mut sources = SourceMap::default();
    let status = match &cli.command {
        Command::Assess(args) => assess::run(&cli, args, io, &mut sources, &mut problems),
        Command::Validate(args) => validate::run(&cli, args, io, &mut sources, &mut problems),
        Command::Policies(cmd) => policies::run(&cli, cmd, io, &mut sources, &mut problems),
        Command::Diff(args) => diff::run(args, io, &mut sources, &mut problems),
        Command::Collect(args) => collect::run(args, io, &mut problems),
        Command::Bench(crate::cli::BenchCommand::Generate(args)) => {
            bench::run(args, io, &mut problems)
        }
        Command::Fix(args) => fix::run(&cli, args, io, &mut sources, &mut problems),
    };
    let diag_color = io.color_for(color, io.stderr_tty);
    if !(cli.global.quiet && problems.errors().is_empty()) {
        render_problems(&problems, diag_color, io.width, io.stderr);
    }
    if problems.has_errors() {
        ExitStatus::Error
    } else {
        status
    }
}

/// Writes every problem, errors first, each group sorted by place.
pub fn render_problems(problems: &Problems, color: bool, width: u16, out: &mut dyn Write) {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(usize::from(width));
    for p in problems.all() {
        let mut text = String::new();
        if handler.render_report(&mut text, p).is_err() {
            text = format!("{}: {}\n", p.code, p);
        }
        if out.write_all(text.as_bytes()).is_err() {
            return;
        }
    }
    let (e, w) = (problems.errors().len(), problems.warnings().len());
    if e > 0 {
        let _ = writeln!(
            out,
            "{e} error{}{}; the result cannot be trusted (exit 2)",
            if e == 1 { "" } else { "s" },
            if w > 0 {
                format!(", {w} warning{}", if w == 1 { "" } else { "s" })
            } else {
                String::new()
            }
        );
    }
}

/// Writes a command's main output; a closed pipe (`| head`) ends the output quietly.
pub fn emit(out: &mut dyn Write, bytes: &[u8], problems: &mut Problems) {
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => problems.push(Problem::error(
            "posture::output::stdout",
            format!("cannot write to standard output: {e}"),
        )),
    }
}

/// Finds and reads the config: `--config`, else `./posture.yaml`, else `posture.yaml` at
/// the top of an input folder.
pub fn load_config(
    explicit: Option<&Path>,
    inputs: &[PathBuf],
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> Config {
    let candidate = explicit.map(Path::to_path_buf).or_else(|| {
        let here = PathBuf::from("posture.yaml");
        if here.is_file() {
            return Some(here);
        }
        inputs
            .iter()
            .filter(|p| p.is_dir())
            .map(|p| p.join("posture.yaml"))
            .find(|p| p.is_file())
    });
    match candidate {
        Some(path) => config::read(&path, sources, problems).unwrap_or_default(),
        None => Config::default(),
    }
}

/// Worker threads: `--jobs`, else the number of cores (at least 1).
pub fn worker_count(requested: Option<usize>) -> usize {
    requested
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1)
}

/// Catalog options from flags and config.
pub fn catalog_options(args: &PolicyArgs, config: &Config, with_tests: bool) -> CatalogOptions {
    let mut dirs = config.policy_dirs();
    dirs.extend(args.policies.iter().cloned());
    CatalogOptions {
        bundled: !args.no_default_policies,
        dirs,
        config_enable: config.policies.enable.clone(),
        config_disable: config.policies.disable.clone(),
        flag_enable: args.enable.clone(),
        flag_disable: args.disable.clone(),
        with_tests,
    }
}
