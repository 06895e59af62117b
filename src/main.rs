//! The posture binary: parse the command line, run, exit with the status's code.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

// The estate is hundreds of thousands of small, short-lived allocations (parse trees,
// engine values); glibc's allocator spends seconds consolidating their free lists.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    posture::memory::keep_freed(true);
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default_hook(info);
        report_bug();
    }));
    let cli = posture::cli::Cli::parse();
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(120);
    let mut io = posture::commands::Io {
        stdout_tty: stdout.is_terminal(),
        stderr_tty: stderr.is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        width,
        stdout: &mut stdout.lock(),
        // Not locked for the whole run: the progress bar draws to stderr from its own
        // threads, and would wait forever on a lock this thread holds.
        stderr: &mut std::io::stderr(),
    };
    ExitCode::from(posture::commands::run(cli, &mut io).code())
}

/// A panic is a bug in posture, never the user's input: say so and how to report it.
#[allow(clippy::disallowed_macros)] // the one place that must print directly: the process is dying
fn report_bug() {
    eprintln!(
        "posture crashed; this is a bug. Please report it with the command line and the inputs that caused it."
    );
}
