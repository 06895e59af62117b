//! `posture validate`: every input checked against its schema, nothing evaluated.

use std::path::PathBuf;

use crate::cli::{Cli, ValidateArgs};
use crate::commands::{emit, Io};
use crate::config;
use crate::diag::Problems;
use crate::exit::ExitStatus;
use crate::load;
use crate::policy::catalog::{self, CatalogOptions};
use crate::source::SourceMap;

/// Runs `posture validate`.
pub fn run(
    cli: &Cli,
    args: &ValidateArgs,
    io: &mut Io<'_>,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> ExitStatus {
    let mut inventories = Vec::new();
    let mut configs: Vec<PathBuf> = cli.global.config.iter().cloned().collect();
    let mut policy_dirs = Vec::new();
    for p in &args.paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if name == "posture.yaml" || name == "posture.yml" {
            configs.push(p.clone());
        } else if p.extension().is_some_and(|e| e == "rego") {
            policy_dirs.push(
                p.parent()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from(".")),
            );
        } else if p.is_dir() && has_rego(p) {
            policy_dirs.push(p.clone());
            inventories.push(p.clone());
        } else {
            inventories.push(p.clone());
        }
    }
    let (inventory, found_configs) = load::load_inventory(&inventories, sources, problems);
    configs.extend(found_configs);
    configs.sort();
    configs.dedup();
    for c in &configs {
        let _ = config::read(c, sources, problems);
    }
    let mut policies = 0usize;
    if !policy_dirs.is_empty() {
        let cat = catalog::load(
            &CatalogOptions {
                bundled: false,
                dirs: policy_dirs,
                ..CatalogOptions::default()
            },
            sources,
            problems,
        );
        policies = cat
            .policies
            .iter()
            .filter(|p| p.origin == crate::model::PolicySource::User)
            .count();
    }
    if problems.has_errors() {
        return ExitStatus::Error;
    }
    if !cli.global.quiet {
        let text = format!(
            "valid: {} input file{} ({} resources, {} agent snapshots), {} config file{}, {} polic{}\n",
            inventory.inputs.len(),
            if inventory.inputs.len() == 1 { "" } else { "s" },
            inventory.resources.len(),
            inventory.snapshots.len(),
            configs.len(),
            if configs.len() == 1 { "" } else { "s" },
            policies,
            if policies == 1 { "y" } else { "ies" },
        );
        emit(io.stdout, text.as_bytes(), problems);
    }
    ExitStatus::Success
}

fn has_rego(dir: &std::path::Path) -> bool {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .any(|e| e.path().extension().is_some_and(|x| x == "rego"))
}
