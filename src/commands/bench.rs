//! `posture bench generate`: a synthetic estate written to a folder.

use crate::cli::GenerateArgs;
use crate::commands::{emit, Io};
use crate::diag::{Problem, Problems};
use crate::exit::ExitStatus;
use crate::output;

/// Runs `posture bench generate`.
pub fn run(args: &GenerateArgs, io: &mut Io<'_>, problems: &mut Problems) -> ExitStatus {
    let mut generated = crate::bench::generate(args.resources, args.machines, args.seed);
    if args.shape == crate::cli::EstateShape::Json {
        generated = crate::bench::as_json_documents(generated);
    }
    for dir in [args.out.clone(), args.out.join("agents")] {
        if generated.agents.is_empty() && dir != args.out {
            continue;
        }
        if let Err(e) = std::fs::create_dir_all(&dir) {
            problems.push(
                Problem::error(
                    "posture::bench::folder",
                    format!("cannot create {}: {e}", dir.display()),
                )
                .in_file(dir.display().to_string()),
            );
            return ExitStatus::Error;
        }
    }
    for (name, text) in generated.files.iter().chain(&generated.agents) {
        if let Err(p) = output::write_atomic(&args.out.join(name), text.as_bytes(), args.force) {
            problems.push(p);
            return ExitStatus::Error;
        }
    }
    let note = format!(
        "wrote {} resources in {} files and {} agent snapshots to {}\n",
        generated.resources,
        generated.files.len(),
        generated.agents.len(),
        args.out.display()
    );
    emit(io.stdout, note.as_bytes(), problems);
    ExitStatus::Success
}
