//! Embeds `policies/` and `schemas/` in the binary, so an installed posture needs no files
//! beside it. The list is generated from the folders, so it cannot drift from them.

// Build scripts talk to cargo through stdout.
#![allow(clippy::disallowed_macros)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut code = String::new();
    for (name, dir) in [("POLICY_FILES", "policies"), ("SCHEMA_FILES", "schemas")] {
        println!("cargo:rerun-if-changed={dir}");
        let base = root.join(dir);
        let mut files = Vec::new();
        collect(&base, &mut files);
        let _ = writeln!(
            code,
            "/// Embedded files of `{dir}/`: path relative to it, text."
        );
        let _ = writeln!(code, "pub static {name}: &[(&str, &str)] = &[");
        for f in files {
            let rel = f
                .strip_prefix(&base)
                .unwrap_or(&f)
                .to_string_lossy()
                .replace('\\', "/");
            if rel.starts_with('.') || rel.contains("/.") {
                continue;
            }
            println!("cargo:rerun-if-changed={}", f.display());
            let _ = writeln!(
                code,
                "    ({rel:?}, include_str!({:?})),",
                f.display().to_string()
            );
        }
        let _ = writeln!(code, "];");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("assets.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
