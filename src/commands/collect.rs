//! `posture collect`: this host's security state as an agent snapshot.

use crate::cli::CollectArgs;
use crate::collect::{self, CollectOptions, RealHost};
use crate::commands::assess::now_or_clock;
use crate::commands::{emit, Io};
use crate::diag::{Problem, Problems};
use crate::exit::ExitStatus;
use crate::output;

/// Runs `posture collect`. A probe that cannot read its source records `unknown` with the
/// reason; only writing the output can fail.
pub fn run(args: &CollectArgs, io: &mut Io<'_>, problems: &mut Problems) -> ExitStatus {
    let Some(now) = now_or_clock(args.now.as_ref(), problems) else {
        return ExitStatus::Error;
    };
    let opts = CollectOptions {
        root: args.root.clone(),
        now,
        resource_id: args.resource_id.clone(),
        run_commands: !args.no_commands,
    };
    let host = RealHost::new(&args.root);
    let snapshot = collect::collect(&opts, &host);
    let mut text = match serde_json::to_string_pretty(&snapshot) {
        Ok(t) => t,
        Err(e) => {
            problems.push(Problem::error(
                "posture::collect::render",
                format!("cannot write the snapshot: {e}"),
            ));
            return ExitStatus::Error;
        }
    };
    text.push('\n');
    match &args.output {
        Some(path) => {
            if let Err(p) = output::write_atomic(path, text.as_bytes(), args.force) {
                problems.push(p);
                return ExitStatus::Error;
            }
        }
        None => emit(io.stdout, text.as_bytes(), problems),
    }
    ExitStatus::Success
}
