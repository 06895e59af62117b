//! `posture policies lint`: the checks a policy library must pass before anyone runs it.
//!
//! Loading the catalog already checks metadata against its schema, unique ids, known controls
//! and forbidden builtins; lint adds what only matters to authors: resource types that exist
//! (a typo makes a policy silently see nothing), test modules that belong to a policy or
//! library, quick-fix placeholders that posture can fill, and a syntax check of every module.

use std::collections::BTreeSet;

use crate::assets;
use crate::diag::{Problem, Problems};
use crate::load::{self, Format};
use crate::policy::catalog::{Catalog, ModuleKind};
use crate::policy::engine::PolicyEngine;
use crate::policy::metadata;
use crate::source::SourceMap;

/// Placeholders a quick-fix template may use besides `{{fix.<key>}}`.
pub const PLACEHOLDERS: &[&str] = &[
    "resource.id",
    "resource.name",
    "resource.group",
    "resource.subscription",
    "resource.type",
    "resource.location",
];

/// Lower-cased resource types from `policies/resource-types.txt`.
pub fn known_types() -> BTreeSet<String> {
    assets::policy_file("resource-types.txt")
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The `{{...}}` placeholders of a template, with their byte offsets.
pub fn placeholders(template: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut from = 0usize;
    while let Some(start) = template.get(from..).and_then(|s| s.find("{{")) {
        let open = from + start;
        let Some(len) = template.get(open + 2..).and_then(|s| s.find("}}")) else {
            break;
        };
        let name = template.get(open + 2..open + 2 + len).unwrap_or("").trim();
        out.push((name.to_string(), open));
        from = open + 2 + len + 2;
    }
    out
}

/// True when posture can fill this placeholder.
pub fn placeholder_known(name: &str) -> bool {
    PLACEHOLDERS.contains(&name)
        || name.strip_prefix("fix.").is_some_and(|k| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Runs every lint over the catalog's modules of interest (`only_user`: skip bundled ones).
pub fn lint(catalog: &Catalog, sources: &SourceMap, only_user: bool, problems: &mut Problems) {
    // Syntax of every module, tests included: the engine reports parse errors with positions.
    let _ = PolicyEngine::new(catalog, sources, true, problems);
    let wanted = |origin: crate::model::PolicySource| {
        !only_user || origin == crate::model::PolicySource::User
    };
    let types = known_types();
    for p in catalog.policies.iter().filter(|p| wanted(p.origin)) {
        let Some(module) = catalog.module_of(p) else {
            continue;
        };
        let Some(file) = sources.get(module.source) else {
            continue;
        };
        let Some(block) = metadata::find_package_block(&file.text) else {
            continue;
        };
        let locate = |ptr: &str| {
            load::locate::pointer_span(&block.masked, Format::Yaml, ptr)
                .unwrap_or((block.offset, 10))
        };
        for (i, t) in p.meta.resource_types.iter().enumerate() {
            if types.contains(&t.to_ascii_lowercase()) {
                continue;
            }
            let (at, len) = locate(&format!("/custom/resource_types/{i}"));
            let mut prob = Problem::error(
                "posture::lint::unknown_type",
                format!(
                    "policy `{}` assesses `{t}`, which is not a known resource type",
                    p.meta.id
                ),
            )
            .at(file, at, len, "unknown type");
            prob = match crate::suggest::closest(
                &t.to_ascii_lowercase(),
                types.iter().map(String::as_str),
            ) {
                Some(s) => prob.with_help(format!(
                    "did you mean `{s}`? Known types are in policies/resource-types.txt"
                )),
                None => prob.with_help("add the type to policies/resource-types.txt if it is real"),
            };
            problems.push(prob);
        }
        if let Some(q) = &p.meta.quick_fix {
            for (shell, template) in [("bash", &q.bash), ("powershell", &q.powershell)] {
                let Some(template) = template else { continue };
                // The template must be one that `posture fix` can quote safely; otherwise
                // every fix for this policy would be listed as manual.
                let parsed = match shell {
                    "bash" => crate::fix::template::parse_bash(template).map(|_| ()),
                    _ => crate::fix::template::parse_powershell(template).map(|_| ()),
                };
                if let Err(why) = parsed {
                    let (at, len) = locate(&format!("/custom/quick_fix/{shell}"));
                    problems.push(
                        Problem::error(
                            "posture::lint::template",
                            format!(
                                "quick fix ({shell}) of `{}` cannot be generated safely: {why}",
                                p.meta.id
                            ),
                        )
                        .at(file, at, len, "in this template")
                        .with_help(
                            "use plain words and placeholders; posture quotes every value itself",
                        ),
                    );
                }
                for (name, _) in placeholders(template) {
                    if placeholder_known(&name) {
                        continue;
                    }
                    let (at, len) = locate(&format!("/custom/quick_fix/{shell}"));
                    problems.push(
                        Problem::error(
                            "posture::lint::placeholder",
                            format!("quick fix ({shell}) of `{}` uses unknown placeholder `{{{{{name}}}}}`", p.meta.id),
                        )
                        .at(file, at, len, "in this template")
                        .with_help(format!(
                            "placeholders: {}, or fix.<key> for a value the deny object returns in `fix`",
                            PLACEHOLDERS.join(", ")
                        )),
                    );
                }
            }
        }
    }
    let packages: BTreeSet<&str> = catalog
        .modules
        .iter()
        .filter(|m| m.kind != ModuleKind::Test)
        .map(|m| m.package.as_str())
        .collect();
    for m in catalog
        .modules
        .iter()
        .filter(|m| m.kind == ModuleKind::Test && wanted(m.origin))
    {
        let base = m.package.strip_suffix("_test").unwrap_or(&m.package);
        if packages.contains(m.package.as_str()) || packages.contains(base) {
            continue;
        }
        if let Some(file) = sources.get(m.source) {
            let at = crate::policy::rego_text::package(&file.text).map_or(0, |(_, at)| at);
            problems.push(
                Problem::error(
                    "posture::lint::orphan_test",
                    format!(
                        "test package `{}` belongs to no policy or library",
                        m.package
                    ),
                )
                .at(file, at, 7 + m.package.len(), "no module has this package")
                .with_help(
                    "a test module uses the package of the policy it tests (or `<package>_test`)",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_and_checked() {
        let t = "az x --ids {{resource.id}} --rule {{ fix.rule_name }} {{resourceid}}";
        let names: Vec<String> = placeholders(t).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec!["resource.id", "fix.rule_name", "resourceid"]);
        assert!(placeholder_known("resource.id"));
        assert!(placeholder_known("fix.rule_name"));
        assert!(!placeholder_known("resourceid"));
        assert!(!placeholder_known("fix."));
    }

    #[test]
    fn known_types_come_from_the_bundled_list() {
        let t = known_types();
        assert!(t.contains("microsoft.storage/storageaccounts"));
        assert!(!t.iter().any(|x| x.starts_with('#')));
    }
}
