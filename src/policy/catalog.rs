//! The policy catalog: the bundled library and user folders read into modules, each policy's
//! metadata parsed and checked, controls loaded, and every policy's on/off state resolved
//! with the reason for it.
//!
//! Nothing is dropped silently: a module that looks like a policy but has no metadata, a
//! duplicate id, an unknown control or a forbidden builtin is an error naming the file and
//! position; the policy does not run and the run exits 2.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::assets;
use crate::diag::{Problem, Problems};
use crate::load::{self, Format};
use crate::model::{Control, PolicyMeta, PolicySource};
use crate::policy::{metadata, rego_text};
use crate::source::{SourceFile, SourceId, SourceMap};

/// Display prefix of embedded files.
pub const BUNDLED_PREFIX: &str = "<bundled>/";

/// What a module is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleKind {
    /// Has a package `# METADATA` block: one recommendation or one detection.
    Policy,
    /// Helper rules for policies (no metadata, no `deny`).
    Library,
    /// `*_test.rego`: `test_` rules for `policies test`.
    Test,
}

/// One `.rego` file.
#[derive(Debug, Clone)]
pub struct Module {
    /// Path as displayed (`<bundled>/storage/x.rego` or the user's path).
    pub path: String,
    /// The file in the run's source map.
    pub source: SourceId,
    /// The text.
    pub text: Arc<String>,
    /// Package path without `data.` (`posture.storage.x`).
    pub package: String,
    /// Policy, library or test.
    pub kind: ModuleKind,
    /// Bundled or user.
    pub origin: PolicySource,
    /// False when the module must not be given to the engine (forbidden builtin).
    pub loadable: bool,
}

/// A policy with its metadata and resolved state.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Parsed metadata.
    pub meta: PolicyMeta,
    /// Index into [`Catalog::modules`].
    pub module: usize,
    /// Bundled or user.
    pub origin: PolicySource,
    /// Whether it runs.
    pub enabled: bool,
    /// Why it is (or is not) enabled, for `policies list` and the report.
    pub reason: String,
    /// Whether the module defines an `applicable` rule.
    pub has_applicable: bool,
    /// Whether the module defines an `unknown` rule (checks that lacked data).
    pub has_unknown: bool,
    /// Index into [`Catalog::controls`] (`usize::MAX` for a detection, which has none).
    pub control: usize,
}

/// Which policies to load and which to switch on or off.
#[derive(Debug, Clone, Default)]
pub struct CatalogOptions {
    /// Load the embedded library.
    pub bundled: bool,
    /// Extra folders (flags and config), in order.
    pub dirs: Vec<PathBuf>,
    /// `policies.enable` of the config file.
    pub config_enable: Vec<String>,
    /// `policies.disable` of the config file.
    pub config_disable: Vec<String>,
    /// `--enable` flags.
    pub flag_enable: Vec<String>,
    /// `--disable` flags.
    pub flag_disable: Vec<String>,
    /// Load `*_test.rego` modules too (for `policies test`).
    pub with_tests: bool,
}

/// Everything loaded.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// All modules, bundled first, each group in path order.
    pub modules: Vec<Module>,
    /// Policies sorted by id.
    pub policies: Vec<Policy>,
    /// Security controls, bundled first.
    pub controls: Vec<Control>,
}

impl Catalog {
    /// The policy with this id.
    pub fn policy(&self, id: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.meta.id == id)
    }

    /// Indices of the recommendations (policies that are not detections).
    pub fn recommendations(&self) -> impl Iterator<Item = (usize, &Policy)> {
        self.policies
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.meta.is_alert())
    }

    /// Indices of the detections (`custom.kind: alert`).
    pub fn detections(&self) -> impl Iterator<Item = (usize, &Policy)> {
        self.policies
            .iter()
            .enumerate()
            .filter(|(_, p)| p.meta.is_alert())
    }

    /// The module of a policy.
    pub fn module_of(&self, p: &Policy) -> Option<&Module> {
        self.modules.get(p.module)
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlsFile {
    controls: Vec<Control>,
}

/// Reads the catalog. Problems are collected; the catalog holds what could be loaded.
pub fn load(opts: &CatalogOptions, sources: &mut SourceMap, problems: &mut Problems) -> Catalog {
    let mut catalog = Catalog::default();
    let mut files: Vec<(String, Arc<String>, PolicySource)> = Vec::new();

    // Controls are a catalogue, not policies: user policies need them even without the
    // bundled library.
    if let Some(text) = assets::policy_file("controls.yaml") {
        let id = sources.add(format!("{BUNDLED_PREFIX}controls.yaml"), text.to_string());
        read_controls(sources, id, &mut catalog.controls, problems);
    }
    let bundled_lib = |path: &str| path.starts_with("lib/");
    if opts.bundled {
        for (path, text) in assets::POLICY_FILES {
            if path.ends_with(".rego") {
                files.push((
                    format!("{BUNDLED_PREFIX}{path}"),
                    Arc::new((*text).to_string()),
                    PolicySource::Bundled,
                ));
            }
        }
    }
    for dir in &opts.dirs {
        read_user_dir(dir, &mut files, sources, &mut catalog.controls, problems);
    }
    if !opts.bundled {
        // User policies import the bundled helpers (`data.posture.lib.*`) even without the
        // bundled policies; a user folder that defines the same package wins, so a copy of
        // the library under test (`policies test policies/`) is not loaded twice.
        let user_packages: BTreeSet<String> = files
            .iter()
            .filter_map(|(_, t, _)| rego_text::package(t).map(|(p, _)| p))
            .collect();
        for (path, text) in assets::POLICY_FILES {
            let is_lib_module =
                bundled_lib(path) && path.ends_with(".rego") && !path.ends_with("_test.rego");
            let shadowed =
                rego_text::package(text).is_some_and(|(p, _)| user_packages.contains(&p));
            if is_lib_module && !shadowed {
                files.push((
                    format!("{BUNDLED_PREFIX}{path}"),
                    Arc::new((*text).to_string()),
                    PolicySource::Bundled,
                ));
            }
        }
    }

    let mut seen_packages: BTreeMap<String, String> = BTreeMap::new();
    for (path, text, origin) in files {
        let is_test = path.ends_with("_test.rego");
        if is_test && !opts.with_tests {
            continue;
        }
        let source = sources.add_shared(path.clone(), Arc::clone(&text));
        let Some(file) = sources.get(source).cloned() else {
            continue;
        };
        let Some((package, _)) = rego_text::package(&text) else {
            problems.push(
                Problem::error(
                    "posture::policy::no_package",
                    "this module declares no package",
                )
                .at(&file, 0, 0, "no `package` line")
                .with_help("every Rego module starts with `package <name>`"),
            );
            continue;
        };
        let mut loadable = true;
        for (name, at) in rego_text::forbidden_calls(&text) {
            loadable = false;
            problems.push(
                Problem::error(
                    "posture::policy::forbidden_builtin",
                    format!("`{name}` is not allowed in posture policies"),
                )
                .at(&file, at, name.len(), "forbidden builtin")
                .with_help(
                    "policies must be deterministic and must not reach the network or the clock: \
                     use input.now for the time and pass external data as inventory",
                ),
            );
        }
        let kind = if is_test {
            ModuleKind::Test
        } else if let Some(block) = metadata::find_package_block(&text) {
            if let Some(p) = read_policy(&file, &block, origin, catalog.modules.len(), problems) {
                let rules = rego_text::rule_names(&text);
                if p.meta.is_alert() {
                    // A detection raises alerts; a `deny` in it would never run.
                    if rules.iter().any(|n| n == "alerts") {
                        catalog.policies.push(p);
                    } else {
                        problems.push(
                            Problem::error(
                                "posture::policy::no_alerts",
                                format!("detection `{}` defines no `alerts` rule", p.meta.id),
                            )
                            .at(&file, block.offset, 10, "metadata of a detection (kind: alert)")
                            .with_help(
                                "add `alerts contains {\"machine\": m.id, \"message\": msg, \"start\": t, \"end\": t, \"entities\": {...}, \"evidence\": [...]} if { ... }`",
                            ),
                        );
                    }
                } else if !rules.iter().any(|n| n == "deny") {
                    problems.push(
                        Problem::error(
                            "posture::policy::no_deny",
                            format!("policy `{}` defines no `deny` rule", p.meta.id),
                        )
                        .at(&file, block.offset, 10, "metadata of a policy")
                        .with_help(
                            "add `deny contains {\"resource\": r.id, \"message\": msg} if { ... }`",
                        ),
                    );
                } else {
                    catalog.policies.push(p);
                }
            }
            ModuleKind::Policy
        } else if let Some(rule) = rego_text::rule_names(&text)
            .into_iter()
            .find(|n| n == "deny" || n == "alerts")
        {
            problems.push(
                Problem::error(
                    "posture::policy::no_metadata",
                    format!("this module defines `{rule}` but has no `# METADATA` block, so it is not run"),
                )
                .at(&file, 0, 0, "expected a # METADATA block before `package`")
                .with_help(
                    "add a `# METADATA` block with title, description and custom.id, severity, \
                     control, resource_types and remediation (see `posture policies show storage-secure-transfer`)",
                ),
            );
            ModuleKind::Policy
        } else {
            ModuleKind::Library
        };
        if kind == ModuleKind::Policy {
            if let Some(other) = seen_packages.get(&package) {
                problems.push(
                    Problem::error(
                        "posture::policy::duplicate_package",
                        format!("package `{package}` is already the package of {other}"),
                    )
                    .at(&file, 0, 0, "same package")
                    .with_help(
                        "give each policy its own package, or the two policies' rules merge",
                    ),
                );
                catalog
                    .policies
                    .retain(|p| p.module != catalog.modules.len());
            } else {
                seen_packages.insert(package.clone(), path.clone());
            }
        }
        catalog.modules.push(Module {
            path,
            source,
            text,
            package,
            kind,
            origin,
            loadable,
        });
    }

    check_ids_and_controls(&mut catalog, sources, problems);
    resolve_states(&mut catalog, opts, problems);
    catalog.policies.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    catalog
}

fn read_user_dir(
    dir: &Path,
    files: &mut Vec<(String, Arc<String>, PolicySource)>,
    sources: &mut SourceMap,
    controls: &mut Vec<Control>,
    problems: &mut Problems,
) {
    let display = dir.display().to_string();
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            problems.push(
                Problem::error(
                    "posture::policy::not_a_folder",
                    format!("policy path {display} is not a folder"),
                )
                .in_file(display),
            );
            return;
        }
        Err(e) => {
            problems.push(
                Problem::error(
                    "posture::policy::folder",
                    format!("cannot read policy folder {display}: {e}"),
                )
                .in_file(display),
            );
            return;
        }
    }
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| display.clone(), |p| p.display().to_string());
                problems.push(
                    Problem::error(
                        "posture::policy::folder",
                        format!("cannot read {path}: {e}"),
                    )
                    .in_file(path),
                );
                continue;
            }
        };
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        let is_rego = name.ends_with(".rego");
        let is_controls = entry.depth() == 1 && (name == "controls.yaml" || name == "controls.yml");
        if !(is_rego || is_controls) {
            continue;
        }
        if entry.path_is_symlink() {
            let inside = std::fs::canonicalize(path).is_ok_and(|t| t.starts_with(&root));
            if !inside {
                problems.push(
                    Problem::warning(
                        "posture::policy::symlink_outside",
                        format!("{} links outside {display}; not followed", path.display()),
                    )
                    .in_file(path.display().to_string()),
                );
                continue;
            }
        }
        if !entry.file_type().is_file() && !entry.path_is_symlink() {
            continue;
        }
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(
                    Problem::error(
                        "posture::policy::read",
                        format!("cannot read {}: {e}", path.display()),
                    )
                    .in_file(path.display().to_string()),
                );
                continue;
            }
        };
        if is_controls {
            let id = sources.add(path.display().to_string(), text);
            read_controls(sources, id, controls, problems);
        } else {
            files.push((
                path.display().to_string(),
                Arc::new(text),
                PolicySource::User,
            ));
        }
    }
}

fn read_controls(
    sources: &SourceMap,
    id: SourceId,
    controls: &mut Vec<Control>,
    problems: &mut Problems,
) {
    let Some(file) = sources.get(id) else {
        return;
    };
    let value = match load::parse_text(file, Format::Yaml) {
        Ok(v) => v,
        Err(p) => {
            problems.push(p);
            return;
        }
    };
    match serde_json::from_value::<ControlsFile>(value) {
        Ok(parsed) => {
            for c in parsed.controls {
                if let Some(prev) = controls.iter().find(|x| x.id == c.id) {
                    let at = file.text.find(&format!("id: {}", c.id)).unwrap_or(0);
                    problems.push(
                        Problem::error(
                            "posture::policy::duplicate_control",
                            format!("control `{}` is already defined ({})", c.id, prev.name),
                        )
                        .at(
                            file,
                            at,
                            4 + c.id.len(),
                            "duplicate control id",
                        ),
                    );
                    continue;
                }
                controls.push(c);
            }
        }
        Err(e) => problems.push(
            Problem::error(
                "posture::policy::controls",
                format!("invalid controls file: {e}"),
            )
            .at(
                file,
                0,
                0,
                "expected `controls:` with id, name, max_points, description",
            )
            .with_help("each control needs `id`, `name` and `max_points`"),
        ),
    }
}

fn read_policy(
    file: &SourceFile,
    block: &metadata::Block,
    origin: PolicySource,
    module: usize,
    problems: &mut Problems,
) -> Option<Policy> {
    let masked = SourceFile {
        path: file.path.clone(),
        text: Arc::new(block.masked.clone()),
    };
    let raw: Value = match load::parse_text(&masked, Format::Yaml) {
        Ok(v) => v,
        Err(p) => {
            problems.push(
                p.retarget(file)
                    .with_help("the # METADATA block must be YAML in `# ` comments"),
            );
            return None;
        }
    };
    let mut schema_problems = Problems::default();
    let valid = load::schema::validate(
        "policy-metadata",
        &raw,
        &masked,
        Format::Yaml,
        &mut schema_problems,
    );
    for p in schema_problems.all() {
        problems.push(p.clone().retarget(file));
    }
    if !valid {
        return None;
    }
    match metadata::to_meta(&raw) {
        Ok(meta) => Some(Policy {
            meta,
            module,
            origin,
            enabled: true,
            reason: String::new(),
            has_applicable: rego_text::rule_names(&file.text)
                .iter()
                .any(|n| n == "applicable"),
            has_unknown: rego_text::rule_names(&file.text)
                .iter()
                .any(|n| n == "unknown"),
            control: usize::MAX,
        }),
        Err((pointer, reason)) => {
            let (offset, len) = load::locate::pointer_span(&masked.text, Format::Yaml, &pointer)
                .unwrap_or((block.offset, 10));
            problems.push(
                Problem::error(
                    "posture::policy::metadata",
                    format!("invalid metadata at {pointer}: {reason}"),
                )
                .at(file, offset, len, "here"),
            );
            None
        }
    }
}

fn check_ids_and_controls(catalog: &mut Catalog, sources: &SourceMap, problems: &mut Problems) {
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    let mut alert_types: BTreeMap<String, String> = BTreeMap::new();
    let mut drop: BTreeSet<usize> = BTreeSet::new();
    for (i, p) in catalog.policies.iter_mut().enumerate() {
        let Some(module) = catalog.modules.get(p.module) else {
            continue;
        };
        let Some(file) = sources.get(module.source) else {
            continue;
        };
        let locate = |pointer: &str| {
            metadata::find_package_block(&file.text)
                .and_then(|b| load::locate::pointer_span(&b.masked, Format::Yaml, pointer))
        };
        if let Some(other) = first.get(&p.meta.id) {
            let (at, len) = locate("/custom/id").unwrap_or((0, 0));
            problems.push(
                Problem::error(
                    "posture::policy::duplicate_id",
                    format!("policy id `{}` is already used by {other}", p.meta.id),
                )
                .at(file, at, len, "duplicate id")
                .with_help(
                    "policy ids are unique across the bundled library and every user folder; pass --no-default-policies to assess with a copy of the bundled library",
                ),
            );
            drop.insert(i);
            continue;
        }
        first.insert(p.meta.id.clone(), module.path.clone());
        if let Some(alert) = &p.meta.alert {
            // Alerts are matched across runs by type: two detections with one type would
            // read as one.
            if let Some(other) = alert_types.get(&alert.alert_type) {
                let (at, len) = locate("/custom/alert_type").unwrap_or((0, 0));
                problems.push(
                    Problem::error(
                        "posture::policy::duplicate_alert_type",
                        format!(
                            "alert type `{}` is already raised by detection `{other}`",
                            alert.alert_type
                        ),
                    )
                    .at(file, at, len, "duplicate alert type")
                    .with_help("give each detection its own alert_type"),
                );
                drop.insert(i);
            } else {
                alert_types.insert(alert.alert_type.clone(), p.meta.id.clone());
            }
            // Detections are not part of any control: they are never scored.
            continue;
        }
        match catalog.controls.iter().position(|c| c.id == p.meta.control) {
            Some(c) => p.control = c,
            None => {
                let (at, len) = locate("/custom/control").unwrap_or((0, 0));
                let known: Vec<&str> = catalog.controls.iter().map(|c| c.id.as_str()).collect();
                let mut help = format!("known controls: {}", known.join(", "));
                if let Some(s) = crate::suggest::closest(&p.meta.control, known.iter().copied()) {
                    help = format!("did you mean `{s}`? {help}");
                }
                problems.push(
                    Problem::error(
                        "posture::policy::unknown_control",
                        format!(
                            "policy `{}` names control `{}`, which does not exist",
                            p.meta.id, p.meta.control
                        ),
                    )
                    .at(file, at, len, "unknown control")
                    .with_help(help),
                );
                drop.insert(i);
            }
        }
    }
    let mut i = 0usize;
    catalog.policies.retain(|_| {
        let keep = !drop.contains(&i);
        i += 1;
        keep
    });
}

fn resolve_states(catalog: &mut Catalog, opts: &CatalogOptions, problems: &mut Problems) {
    let ids: Vec<String> = catalog.policies.iter().map(|p| p.meta.id.clone()).collect();
    for (list, what) in [
        (&opts.config_enable, "policies.enable in the config"),
        (&opts.config_disable, "policies.disable in the config"),
        (&opts.flag_enable, "--enable"),
        (&opts.flag_disable, "--disable"),
    ] {
        for id in list {
            if !ids.contains(id) {
                let mut p = Problem::error(
                    "posture::policy::unknown_id",
                    format!("{what} names policy `{id}`, which is not loaded"),
                );
                p = match crate::suggest::closest(id, ids.iter().map(String::as_str)) {
                    Some(s) => p.with_help(format!(
                        "did you mean `{s}`? (`posture policies list` shows every id)"
                    )),
                    None => p.with_help("`posture policies list` shows every loaded id"),
                };
                problems.push(p);
            }
        }
    }
    for id in &opts.flag_enable {
        if opts.flag_disable.contains(id) {
            problems.push(Problem::error(
                "posture::policy::enable_and_disable",
                format!("policy `{id}` is given to both --enable and --disable"),
            ));
        }
    }
    for p in &mut catalog.policies {
        let id = &p.meta.id;
        let origin = match p.origin {
            PolicySource::Bundled => "bundled".to_string(),
            PolicySource::User => "user folder".to_string(),
        };
        let (enabled, reason) = if opts.flag_disable.contains(id) {
            (false, "disabled by --disable".to_string())
        } else if opts.flag_enable.contains(id) {
            (true, "enabled by --enable".to_string())
        } else if opts.config_disable.contains(id) {
            (false, "disabled by config".to_string())
        } else if opts.config_enable.contains(id) {
            (true, "enabled by config".to_string())
        } else if !p.meta.enabled_by_default {
            (false, format!("{origin}; off by default (enabled: false)"))
        } else {
            (true, origin)
        };
        p.enabled = enabled;
        p.reason = reason;
    }
}
