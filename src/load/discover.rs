//! Expands the paths a user gave into the files to read, in a stable order.
//!
//! Folders are walked recursively and only files with an inventory extension are taken.
//! Symbolic links inside a folder never lead out of it: a link whose target lies outside is
//! skipped with a warning (reading it would make the result depend on files the user did not
//! point at), and linked folders are not descended (no loops; a target inside the folder is
//! walked anyway). Paths named explicitly are followed wherever they lead: the user chose them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::text::{io_problem, not_a_file};
use super::{codes, Discovered, Format};
use crate::diag::{Problem, Problems};

/// Names of configuration files, which live beside inventories but are not inventories.
const CONFIG_NAMES: [&str; 2] = ["posture.yaml", "posture.yml"];

/// Bytes read to guess the format of an explicitly named file with another extension.
const SNIFF_BYTES: u64 = 64 * 1024;

/// Expands files and folders into the files to read, sorted by path, each file once. Also
/// returns the `posture.yaml`/`posture.yml` files found inside folders (sorted), which are
/// configuration and not read as inventories. Problems go to `problems`.
pub fn discover(paths: &[PathBuf], problems: &mut Problems) -> (Vec<Discovered>, Vec<PathBuf>) {
    let mut found = Vec::new();
    let mut configs = Vec::new();
    for path in paths {
        expand(path, &mut found, &mut configs, problems);
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    // The same file reached twice (named and inside a named folder, or through a link)
    // would make every resource in it a duplicate of itself.
    let mut seen = HashSet::new();
    found
        .retain(|d| seen.insert(std::fs::canonicalize(&d.path).unwrap_or_else(|_| d.path.clone())));
    configs.sort();
    configs.dedup();
    (found, configs)
}

fn expand(
    path: &Path,
    found: &mut Vec<Discovered>,
    configs: &mut Vec<PathBuf>,
    problems: &mut Problems,
) {
    let shown = path.display().to_string();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            let dangling =
                e.kind() == std::io::ErrorKind::NotFound && std::fs::symlink_metadata(path).is_ok();
            problems.push(if dangling {
                broken_link(&shown)
            } else {
                io_problem(&shown, &e)
            });
            return;
        }
    };
    if meta.is_dir() {
        walk(path, found, configs, problems);
    } else if meta.is_file() {
        let format = match Format::from_extension(path) {
            Some(f) => f,
            None => match sniff(path) {
                Ok(f) => f,
                Err(e) => return problems.push(io_problem(&shown, &e)),
            },
        };
        found.push(Discovered {
            path: path.to_path_buf(),
            display: shown,
            format,
        });
    } else {
        problems.push(not_a_file(&shown, &meta.file_type()));
    }
}

fn sniff(path: &Path) -> std::io::Result<Format> {
    use std::io::Read as _;
    let mut head = Vec::new();
    std::fs::File::open(path)?
        .take(SNIFF_BYTES)
        .read_to_end(&mut head)?;
    Ok(Format::sniff(&head))
}

fn walk(
    root: &Path,
    found: &mut Vec<Discovered>,
    configs: &mut Vec<PathBuf>,
    problems: &mut Problems,
) {
    let shown_root = root.display().to_string();
    let root_canon = match std::fs::canonicalize(root) {
        Ok(c) => c,
        Err(e) => return problems.push(io_problem(&shown_root, &e)),
    };
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1);
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let shown = err
                    .path()
                    .map_or(shown_root.clone(), |p| p.display().to_string());
                let p = match err.io_error() {
                    Some(io) => io_problem(&shown, io),
                    None => Problem::error(codes::IO, format!("cannot read {shown}: {err}"))
                        .in_file(shown.clone()),
                };
                problems.push(p);
                continue;
            }
        };
        let path = entry.path();
        let shown = path.display().to_string();
        let name = entry.file_name().to_string_lossy();
        let wanted = Format::from_extension(path);
        let mut file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        if file_type.is_symlink() {
            let Ok(target) = std::fs::canonicalize(path) else {
                if wanted.is_some() {
                    problems.push(broken_link(&shown));
                }
                continue;
            };
            let target_is_dir = target.is_dir();
            if !target.starts_with(&root_canon) {
                if wanted.is_some() || target_is_dir {
                    problems.push(
                        Problem::warning(
                            codes::SYMLINK_OUTSIDE,
                            format!(
                                "{shown} links to {}, outside {shown_root}; skipped",
                                target.display()
                            ),
                        )
                        .in_file(shown.clone())
                        .with_help(
                            "name the target explicitly to read it, or copy it into the folder",
                        ),
                    );
                }
                continue;
            }
            if target_is_dir {
                continue; // Inside the folder: the walk reaches it directly.
            }
            match std::fs::metadata(&target) {
                Ok(m) => file_type = m.file_type(),
                Err(e) => {
                    problems.push(io_problem(&shown, &e));
                    continue;
                }
            }
        }
        let Some(format) = wanted else { continue };
        if CONFIG_NAMES.iter().any(|c| name.eq_ignore_ascii_case(c)) {
            if file_type.is_file() {
                configs.push(path.to_path_buf());
            }
            continue;
        }
        if !file_type.is_file() {
            problems.push(not_a_file(&shown, &file_type));
            continue;
        }
        found.push(Discovered {
            path: path.to_path_buf(),
            display: shown,
            format,
        });
    }
}

fn broken_link(shown: &str) -> Problem {
    Problem::error(
        codes::NOT_FOUND,
        format!("{shown} is a symbolic link to a file that does not exist"),
    )
    .in_file(shown)
    .with_help("fix or remove the link")
}

#[cfg(test)]
#[path = "tests/discover.rs"]
mod tests;
