//! The assessment pipeline as one function over values: inventory and catalog in, verdicts
//! resolved against exemptions, Secure Score and potential gains out, and the [`Report`]
//! view built from it. No printing, no clock (the time comes in as `now`).

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::alerts;
use crate::config::{Config, Exemption};
use crate::diag::{Problem, Problems};
use crate::estate;
use crate::intel::{self, Intel};
use crate::load::{self, Inventory};
use crate::model::{PolicySource, Resource, State};
use crate::policy::catalog::{self, Catalog, CatalogOptions};
use crate::policy::engine::{EvalOptions, Outcome, PolicyEngine};
use crate::report::{self, Report};
use crate::score::{self, Entry, Score, ScoreModel};
use crate::source::SourceMap;

/// The policy whose `freshness_hours` parameter decides when agent data is stale.
const FRESHNESS_POLICY: &str = "machine-agent-health";
/// Stale after a day, as the reference service's update assessments are.
const DEFAULT_FRESHNESS_HOURS: f64 = 24.0;

pub use crate::gate::Gates;

/// Everything an assessment needs.
#[derive(Debug, Clone)]
pub struct AssessOptions {
    /// Inventory files and folders.
    pub inputs: Vec<PathBuf>,
    /// Earlier agent snapshots (`--history`): each host's history for detections.
    pub history: Vec<PathBuf>,
    /// Threat-intelligence files (`--intel`): STIX 2.1 bundles or CSV.
    pub intel: Vec<PathBuf>,
    /// Which policies.
    pub catalog: CatalogOptions,
    /// The config file (default when none).
    pub config: Config,
    /// `input.now`.
    pub now: String,
    /// Worker threads.
    pub jobs: usize,
    /// Evaluation limit per policy.
    pub timeout: Duration,
    /// Input files larger than this are refused.
    pub max_file_bytes: u64,
    /// Gates.
    pub gates: Gates,
    /// Policy evaluator.
    pub backend: crate::policy::engine::Backend,
    /// Stage reporting (a bar on a terminal, timings on request).
    pub progress: std::sync::Arc<crate::progress::Progress>,
}

/// A resource's resolved state for one recommendation.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Index into the inventory's resources.
    pub resource: usize,
    /// Final state.
    pub state: State,
    /// Deny messages.
    pub messages: Vec<String>,
    /// The deny objects' `fix` values, for quick-fix templates.
    pub fixes: Vec<Value>,
    /// Index into the config's exemptions.
    pub exemption: Option<usize>,
}

/// The result of evaluating one enabled policy.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// Index into the catalog's policies.
    pub policy: usize,
    /// Findings sorted by resource key, or `None` when the policy failed.
    pub findings: Option<Vec<Finding>>,
}

/// The assessment.
#[derive(Debug)]
pub struct Assessment {
    /// Every file read.
    pub sources: SourceMap,
    /// Every problem found.
    pub problems: Problems,
    /// The resources.
    pub inventory: Inventory,
    /// Machines with agent data.
    pub machines: Vec<estate::Machine>,
    /// Threat intelligence of `--intel`.
    pub intel: Intel,
    /// Security alerts of the detections, sorted; they never change the score.
    pub alerts: Vec<report::Alert>,
    /// Indices into the catalog's policies of detections that failed.
    pub failed_detections: std::collections::BTreeSet<usize>,
    /// Snapshots older than this many hours are stale.
    pub freshness_hours: f64,
    /// The policies.
    pub catalog: Catalog,
    /// The config used.
    pub config: Config,
    /// Enabled policies in catalog order, with their findings.
    pub evaluated: Vec<Evaluated>,
    /// Secure Score over the successfully evaluated policies.
    pub score: Score,
    /// Potential gain per entry of `scored` (same order).
    pub gains: Vec<score::Gain>,
    /// Indices into `evaluated` of the policies that count (not failed).
    pub scored: Vec<usize>,
    /// `input.now`.
    pub now: String,
    /// Gates.
    pub gates: Gates,
    /// Worker threads for building the report.
    pub jobs: usize,
}

/// Runs the pipeline. Problems are collected in the assessment, never returned early.
pub fn assess(opts: AssessOptions, mut sources: SourceMap, mut problems: Problems) -> Assessment {
    let progress = opts.progress.clone();
    progress.stage("load", 0, "resources");
    let load_options = load::LoadOptions {
        max_file_bytes: opts.max_file_bytes,
        jobs: opts.jobs,
        progress: progress.clone(),
    };
    let (mut inventory, _configs) =
        load::load_inventory_with(&opts.inputs, &load_options, &mut sources, &mut problems);
    if inventory.resources.len() > crate::memory::LARGE_ESTATE {
        crate::memory::keep_freed(false);
    }
    if inventory.resources.is_empty() && inventory.snapshots.is_empty() && !problems.has_errors() {
        // Usually an export step that produced nothing: say so rather than score an empty
        // estate quietly.
        problems.push(
            Problem::warning(
                "posture::load::no_resources",
                "the inputs hold no resources and no agent snapshots",
            )
            .with_help("check the paths and the export step that wrote them"),
        );
    }
    let history = load_history(
        &opts.history,
        &load_options,
        &mut inventory,
        &mut sources,
        &mut problems,
    );
    let machines = estate::attach(&mut inventory, history, &sources, &mut problems);
    let intel = intel::load(
        &opts.intel,
        &opts.now,
        &load_options,
        &mut sources,
        &mut problems,
    );
    inventory.inputs.extend(intel.files.iter().cloned());
    let catalog = catalog::load(&opts.catalog, &mut sources, &mut problems);
    let parameters = resolve_parameters(&catalog, &opts.config, &sources, &mut problems);
    let freshness_hours = parameters
        .get(FRESHNESS_POLICY)
        .and_then(|p| p.get("freshness_hours"))
        .and_then(Value::as_f64)
        .unwrap_or(DEFAULT_FRESHNESS_HOURS);
    check_exemptions(&opts.config, &catalog, &opts.now, &mut problems);

    progress.stage("compile", 0, "policies");
    release_located_texts(&inventory, &mut sources);
    let mut engine = PolicyEngine::new(&catalog, &sources, false, &mut problems);
    let values: Vec<regorus::Value> = inventory
        .resources
        .iter()
        .map(|r| r.value.clone())
        .collect();
    if let Err(e) = engine.set_resources(&inventory.resources, &values, opts.jobs) {
        problems.push(Problem::error(
            "posture::policy::data",
            format!("cannot give the inventory to the engine: {e}"),
        ));
    }
    // Detections raise alerts (evaluated below); only recommendations assess resources.
    let selected: Vec<usize> = catalog
        .recommendations()
        .filter(|(_, p)| p.enabled)
        .map(|(i, _)| i)
        .collect();
    let eval = EvalOptions {
        progress: progress.clone(),
        backend: opts.backend,
        piece: crate::policy::engine::PIECE,
        now: opts.now.clone(),
        timeout: opts.timeout,
        jobs: opts.jobs,
        parameters,
    };
    progress.stage("shared", 0, "tables");
    engine.share_tables(&catalog, &selected, &inventory.resources, &values, &eval);
    let outcomes = engine.evaluate(
        &catalog,
        &selected,
        &inventory.resources,
        &values,
        &eval,
        &sources,
    );
    progress.stage("alerts", 0, "machines");
    let alert_options = alerts::AlertOptions {
        now: &opts.now,
        timeout: opts.timeout,
        jobs: opts.jobs,
        parameters: &eval.parameters,
        backend: opts.backend,
    };
    let detect = |problems: &mut Problems| {
        alerts::evaluate(
            &engine,
            &catalog,
            &machines,
            &inventory,
            &intel,
            &alert_options,
            &sources,
            problems,
        )
    };
    let score_them = |outcomes| {
        score_outcomes(
            &selected,
            outcomes,
            &inventory,
            &catalog,
            &opts.config.exemptions,
            &opts.now,
        )
    };
    // Detections do not depend on the verdicts: with more than one job the score is tallied
    // on a thread beside them (the tally runs on one core). Its problems are added after the
    // detections', the order of a run on one thread.
    let (raised, scored) = if opts.jobs > 1 {
        std::thread::scope(|scope| {
            let scoring = scope.spawn(|| score_them(outcomes));
            let raised = detect(&mut problems);
            match scoring.join() {
                Ok(scored) => (raised, scored),
                // A bug: fail as the same panic would have on this thread.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    } else {
        let raised = detect(&mut problems);
        (raised, score_them(outcomes))
    };
    progress.stage("score", 0, "resources");
    let Scored {
        evaluated,
        scored,
        score,
        gains,
        problems: failed,
    } = scored;
    problems.extend(failed);
    // Freeing a large estate's engine values takes seconds; nothing waits for it.
    crate::drop_later((engine, values));

    Assessment {
        sources,
        problems,
        inventory,
        machines,
        intel,
        alerts: raised.alerts,
        failed_detections: raised.failed,
        freshness_hours,
        catalog,
        config: opts.config,
        evaluated,
        score,
        gains,
        scored,
        now: opts.now,
        gates: opts.gates,
        jobs: opts.jobs,
    }
}

/// What scoring the verdicts gives.
struct Scored {
    evaluated: Vec<Evaluated>,
    scored: Vec<usize>,
    score: Score,
    gains: Vec<score::Gain>,
    /// Policies that failed.
    problems: Vec<Problem>,
}

/// The verdicts with exemptions applied, and the score and potential gains they give.
fn score_outcomes(
    selected: &[usize],
    outcomes: Vec<Outcome>,
    inventory: &Inventory,
    catalog: &Catalog,
    exemptions: &[Exemption],
    now: &str,
) -> Scored {
    let mut failed = Vec::new();
    let mut evaluated = Vec::with_capacity(selected.len());
    for (&pi, outcome) in selected.iter().zip(outcomes) {
        let findings = match outcome {
            Outcome::Failed(p) => {
                failed.push(*p);
                None
            }
            Outcome::NotLoaded => None,
            Outcome::Verdicts(verdicts) => Some(
                verdicts
                    .into_iter()
                    .filter_map(|v| {
                        let ri = v.index;
                        let resource = inventory.resources.get(ri)?;
                        let policy_id = catalog.policies.get(pi).map(|p| p.meta.id.as_str())?;
                        let exemption = (v.state != State::NotApplicable)
                            .then(|| find_exemption(exemptions, policy_id, resource, now))
                            .flatten();
                        Some(Finding {
                            resource: ri,
                            state: if exemption.is_some() {
                                State::Exempt
                            } else {
                                v.state
                            },
                            messages: v.messages,
                            fixes: v.fixes,
                            exemption,
                        })
                    })
                    .collect(),
            ),
        };
        evaluated.push(Evaluated {
            policy: pi,
            findings,
        });
    }

    let scored: Vec<usize> = evaluated
        .iter()
        .enumerate()
        .filter(|(_, e)| e.findings.is_some())
        .map(|(i, _)| i)
        .collect();
    let rec_control: Vec<usize> = scored
        .iter()
        .filter_map(|&i| evaluated.get(i))
        .filter_map(|e| catalog.policies.get(e.policy).map(|p| p.control))
        .collect();
    let total: usize = evaluated
        .iter()
        .filter_map(|e| e.findings.as_ref())
        .map(Vec::len)
        .sum();
    let (scopes, scope_of) = resource_scopes(&inventory.resources);
    let mut entries = Vec::with_capacity(total);
    for (rec, &ei) in scored.iter().enumerate() {
        let Some(findings) = evaluated.get(ei).and_then(|e| e.findings.as_ref()) else {
            continue;
        };
        for f in findings {
            let Some(scope) = scope_of.get(f.resource).and_then(|&at| scopes.get(at)) else {
                continue;
            };
            entries.push(Entry {
                recommendation: rec,
                // The inventory holds one resource per id: its index numbers the resource.
                resource: f.resource,
                scope: Arc::clone(scope),
                state: f.state,
            });
        }
    }
    let model = ScoreModel {
        controls: &catalog.controls,
        recommendation_control: &rec_control,
    };
    let (score, gains) = score::compute_with_gains(&model, &entries);
    Scored {
        evaluated,
        scored,
        score,
        gains,
        problems: failed,
    }
}

/// Each resource's score scope (its lower-cased subscription id, `""` when unknown): the
/// distinct scopes, and for each resource the index of its own. Worked out once per resource
/// rather than once per verdict (a 1,000,000-resource estate has 2.4 million): the inventory
/// is in id order, so a subscription's resources are mostly consecutive and most lookups
/// are the previous one.
fn resource_scopes(resources: &[Resource]) -> (Vec<Arc<str>>, Vec<usize>) {
    let mut index: std::collections::HashMap<&str, usize, foldhash::fast::RandomState> =
        std::collections::HashMap::default();
    let mut scopes: Vec<Arc<str>> = Vec::new();
    let mut of: Vec<usize> = Vec::with_capacity(resources.len());
    let mut last: Option<(&str, usize)> = None;
    for r in resources {
        let sub = r.subscription_id.as_deref().unwrap_or("");
        let at = match last {
            Some((s, at)) if s == sub => at,
            _ => {
                let at = *index.entry(sub).or_insert_with_key(|s| {
                    scopes.push(s.to_ascii_lowercase().into());
                    scopes.len() - 1
                });
                last = Some((sub, at));
                at
            }
        };
        of.push(at);
    }
    (scopes, of)
}

/// Releases the text of every input file whose resources were all located while parsing
/// (NDJSON): nothing reads it after loading, and a million resources are 1.6 GB of text.
/// Diagnostics about such a file hold their own reference, so they still show snippets.
fn release_located_texts(inventory: &Inventory, sources: &mut SourceMap) {
    let mut located: BTreeMap<usize, bool> = BTreeMap::new();
    for r in &inventory.resources {
        let all = located.entry(r.origin.source).or_insert(true);
        *all &= r.origin.place.is_some();
    }
    for s in &inventory.snapshots {
        located.insert(s.origin.source, false);
    }
    for (source, all) in located {
        if all {
            sources.release(source);
        }
    }
}

/// The snapshots of the `--history` folders; their files join the report's inputs as
/// `agent-history`. Resources found there are not assessed (history is snapshots only).
fn load_history(
    paths: &[PathBuf],
    options: &load::LoadOptions,
    inventory: &mut Inventory,
    sources: &mut SourceMap,
    problems: &mut Problems,
) -> Vec<load::Snapshot> {
    if paths.is_empty() {
        return Vec::new();
    }
    let (found, _) = load::load_inventory_with(paths, options, sources, problems);
    if !found.resources.is_empty() {
        problems.push(
            Problem::warning(
                "posture::agent::history_resources",
                format!(
                    "--history holds {} inventory resources; they are not assessed",
                    found.resources.len()
                ),
            )
            .with_help("give inventories as inputs; --history takes earlier agent snapshots"),
        );
    }
    inventory
        .inputs
        .extend(found.inputs.into_iter().map(|mut i| {
            i.kind = "agent-history".into();
            i
        }));
    found.snapshots
}

fn resolve_parameters(
    catalog: &Catalog,
    config: &Config,
    sources: &SourceMap,
    problems: &mut Problems,
) -> BTreeMap<String, BTreeMap<String, Value>> {
    let config_file = config
        .path
        .as_ref()
        .and_then(|p| sources.files().iter().rev().find(|f| &f.path == p));
    // Label the offending key (the policy id or the parameter name) in the config file.
    let place = |p: Problem, pointer: &str, key: &str| match config_file {
        Some(f) => {
            let at = crate::config::key_offset(f, pointer, key);
            p.at(f, at, key.len(), "here")
        }
        None => p,
    };
    let mut out = BTreeMap::new();
    for p in &catalog.policies {
        out.insert(p.meta.id.clone(), p.meta.parameters.clone());
    }
    for (id, values) in &config.policies.parameters {
        let pointer = format!(
            "/policies/parameters/{}",
            id.replace('~', "~0").replace('/', "~1")
        );
        let Some(defaults) = out.get_mut(id) else {
            let ids: Vec<&str> = catalog
                .policies
                .iter()
                .map(|p| p.meta.id.as_str())
                .collect();
            let mut prob = place(
                Problem::error(
                    "posture::config::unknown_policy",
                    format!("parameters are set for policy `{id}`, which is not loaded"),
                ),
                &pointer,
                id,
            );
            if let Some(s) = crate::suggest::closest(id, ids) {
                prob = prob.with_help(format!("did you mean `{s}`?"));
            }
            problems.push(prob);
            continue;
        };
        for (name, v) in values {
            if !defaults.contains_key(name) {
                let known: Vec<&str> = defaults.keys().map(String::as_str).collect();
                let help = match crate::suggest::closest(name, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? `{id}` takes: {}", known.join(", ")),
                    None if known.is_empty() => format!("`{id}` takes no parameters"),
                    None => format!("`{id}` takes: {}", known.join(", ")),
                };
                problems.push(
                    place(
                        Problem::error(
                            "posture::config::unknown_parameter",
                            format!("policy `{id}` has no parameter `{name}`"),
                        ),
                        &format!("{pointer}/{name}"),
                        name,
                    )
                    .with_help(help),
                );
                continue;
            }
            defaults.insert(name.clone(), v.clone());
        }
    }
    out
}

fn check_exemptions(config: &Config, catalog: &Catalog, now: &str, problems: &mut Problems) {
    let today = now.get(0..10).unwrap_or("");
    for e in &config.exemptions {
        if e.policy != "*" && catalog.policy(&e.policy).is_none() {
            problems.push(Problem::warning(
                "posture::exemption::unknown_policy",
                format!(
                    "an exemption names policy `{}`, which is not loaded",
                    e.policy
                ),
            ));
        }
        if let Some(exp) = &e.expires {
            if exp.as_str() < today {
                problems.push(Problem::warning(
                    "posture::exemption::expired",
                    format!(
                        "the exemption of `{}` ({}) expired on {exp} and is ignored",
                        e.policy, e.reason
                    ),
                ));
            }
        }
    }
}

fn find_exemption(list: &[Exemption], policy: &str, r: &Resource, now: &str) -> Option<usize> {
    let today = now.get(0..10).unwrap_or("");
    list.iter().position(|e| {
        (e.policy == "*" || e.policy == policy)
            && e.expires.as_deref().is_none_or(|d| d >= today)
            && (e.resources.is_empty()
                || e.resources
                    .iter()
                    .any(|g| glob_match(&g.to_lowercase(), &r.key)))
            && (e.subscriptions.is_empty()
                || e.subscriptions.iter().any(|s| {
                    r.subscription_id
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(s))
                }))
            && (e.resource_groups.is_empty()
                || e.resource_groups.iter().any(|g| {
                    r.resource_group
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(g))
                }))
            && e.tags.iter().all(|(k, v)| {
                r.field("tags")
                    .and_then(|t| t.as_object().ok())
                    .and_then(|t| t.get(&regorus::Value::from(k.as_str())))
                    .and_then(|x| x.as_string().ok())
                    .is_some_and(|x| x.as_ref() == v.as_str())
            })
    })
}

/// Glob over lower-cased ids: `*` matches within one path segment, `**` across segments.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some((b'*', rest)) => {
                if let Some((b'*', rest2)) = rest.split_first() {
                    (0..=t.len()).any(|i| t.get(i..).is_some_and(|s| go(rest2, s)))
                } else {
                    let seg = t.iter().position(|&c| c == b'/').unwrap_or(t.len());
                    (0..=seg).any(|i| t.get(i..).is_some_and(|s| go(rest, s)))
                }
            }
            Some((c, rest)) => t
                .split_first()
                .is_some_and(|(tc, trest)| tc == c && go(rest, trest)),
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

/// Stable id of a (policy, resource) finding: the same in every format and in baselines.
pub fn fingerprint(policy: &str, resource_key: &str) -> String {
    let mut h = Sha256::new();
    h.update(policy.as_bytes());
    h.update(b"\n");
    h.update(resource_key.as_bytes());
    // One string, digits pushed directly: a large report has hundreds of thousands of rows.
    let mut out = String::with_capacity(32);
    for b in h.finalize().iter().take(16) {
        for nibble in [b >> 4, b & 0x0f] {
            out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    out
}

/// The key report rows are ordered by after their state: the id ignoring ASCII case, which
/// for an ASCII id is the resource's key (lower-cased when read).
fn report_key(r: &Resource) -> std::borrow::Cow<'_, str> {
    if r.id.is_ascii() && r.key.len() == r.id.len() {
        std::borrow::Cow::Borrowed(r.key.as_ref())
    } else {
        std::borrow::Cow::Owned(r.id.to_ascii_lowercase())
    }
}

/// About what the report of `rows` resource rows holds in memory: 1,000,000 resources gave
/// 2,359,262 rows and about 500 MiB (rows, messages, fingerprints), a little over 200 bytes
/// a row; counted at 256.
fn report_bytes(rows: usize) -> u64 {
    (rows as u64).saturating_mul(256)
}

/// Replaces each resource's value by an object holding only its `name` (what the report
/// reads) and returns the old values, on `jobs` threads (0.39 s on one at 1,000,000
/// resources, with the other core idle).
fn slim_values(resources: &mut [Resource], jobs: usize) -> Vec<Vec<regorus::Value>> {
    let slim = |r: &mut Resource| {
        let mut slim = BTreeMap::new();
        if let Some(name) = r.field("name") {
            slim.insert(regorus::Value::from("name"), name.clone());
        }
        std::mem::replace(&mut r.value, regorus::Value::from(slim))
    };
    let chunk = resources.len().div_ceil(jobs.max(1)).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = resources
            .chunks_mut(chunk)
            .map(|part| scope.spawn(move || part.iter_mut().map(slim).collect()))
            .collect();
        // A part whose worker died (a bug) keeps its full values: only memory is lost.
        parts.into_iter().filter_map(|h| h.join().ok()).collect()
    })
}

impl Assessment {
    /// Frees the resources' values, the bulk of a large estate's memory, before the report
    /// is built, when the machine has too little memory to spare for the report's rows
    /// beside them, keeping what the report reads (the name); the old values are then freed
    /// on a background thread, beside the report. Otherwise (and for every estate of at
    /// most [`crate::memory::LARGE_ESTATE`] resources) the values stay until the
    /// assessment is dropped, which the command does after writing: freeing them beside
    /// the report took a quarter of its CPU at 1,000,000 resources (report stage 2.5-2.7 s
    /// without it, 3.6-3.8 s with it) for about 500 MiB of rows, and replacing them by their
    /// names took 0.3 s more; at 100,000 resources 25 ms on one core.
    pub fn release_values(&mut self) {
        if self.inventory.resources.len() <= crate::memory::LARGE_ESTATE {
            return;
        }
        let rows = self
            .evaluated
            .iter()
            .filter_map(|e| e.findings.as_ref())
            .map(Vec::len)
            .sum();
        if crate::memory::to_spare(report_bytes(rows), crate::memory::available()) {
            return;
        }
        let old = slim_values(&mut self.inventory.resources, self.jobs);
        crate::drop_later(old);
    }

    /// The gate outcome over the report (recomputed by the command once a baseline is in).
    pub fn gate(&self, report: &Report) -> report::GateOutcome {
        crate::gate::evaluate(report, &self.gates, self.problems.has_errors())
    }

    /// Where each resource's object starts, parallel to the inventory's resources. One scan
    /// per file, however many resources it holds.
    pub fn resource_locations(&self) -> Vec<Option<report::SourceLocation>> {
        let mut cache = load::locate::SpanCache::default();
        let mut out = vec![None; self.inventory.resources.len()];
        // One shared copy of each file's path for all its resources.
        let mut paths: BTreeMap<usize, Arc<str>> = BTreeMap::new();
        let mut path_of = |source: usize, file: &crate::source::SourceFile| {
            Arc::clone(
                paths
                    .entry(source)
                    .or_insert_with(|| file.path.as_str().into()),
            )
        };
        // Offsets per file first, then one line/column sweep per file.
        let mut by_file: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
        let mut formats: BTreeMap<usize, load::Format> = BTreeMap::new();
        for (i, r) in self.inventory.resources.iter().enumerate() {
            let Some(file) = self.sources.get(r.origin.source) else {
                continue;
            };
            if let (Some((line, column)), Some(slot)) = (r.origin.place, out.get_mut(i)) {
                *slot = Some(report::SourceLocation {
                    file: path_of(r.origin.source, file),
                    line,
                    column,
                });
                continue;
            }
            let format = *formats
                .entry(r.origin.source)
                .or_insert_with(|| load::Format::detect(&file.path, &file.text));
            if let Some((offset, _)) = cache.span(file, format, &r.origin.pointer) {
                by_file
                    .entry(r.origin.source)
                    .or_default()
                    .push((i, offset));
            }
        }
        for (source, found) in by_file {
            let Some(file) = self.sources.get(source) else {
                continue;
            };
            let offsets: Vec<usize> = found.iter().map(|(_, o)| *o).collect();
            let places = crate::source::line_cols_of(&file.text, &offsets);
            let path = path_of(source, file);
            for ((i, _), (line, column)) in found.into_iter().zip(places) {
                if let Some(slot) = out.get_mut(i) {
                    *slot = Some(report::SourceLocation {
                        file: Arc::clone(&path),
                        line,
                        column,
                    });
                }
            }
        }
        out
    }

    /// Every exemption of the config: active (covers findings), unused or expired.
    pub fn exemption_statuses(&self) -> Vec<report::ExemptionStatus> {
        let today = self.now.get(0..10).unwrap_or("");
        self.config
            .exemptions
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let matched = self
                    .evaluated
                    .iter()
                    .filter_map(|x| x.findings.as_ref())
                    .flatten()
                    .filter(|f| f.exemption == Some(i))
                    .count();
                let expired = e.expires.as_deref().is_some_and(|d| d < today);
                report::ExemptionStatus {
                    policy: e.policy.clone(),
                    category: e.category.clone(),
                    reason: e.reason.clone(),
                    owner: e.owner.clone(),
                    expires: e.expires.clone(),
                    status: if expired {
                        "expired"
                    } else if matched > 0 {
                        "active"
                    } else {
                        "unused"
                    }
                    .into(),
                    matched,
                }
            })
            .collect()
    }

    /// Machines with agent data and how old their snapshot is at `now`.
    pub fn machine_entries(&self) -> Vec<report::MachineEntry> {
        let now = crate::time::unix_seconds(&self.now).unwrap_or(0);
        self.machines
            .iter()
            .map(|m| {
                let age_hours = (now - m.collected_unix) as f64 / 3600.0;
                let id = self
                    .inventory
                    .resources
                    .binary_search_by(|r| r.key.as_ref().cmp(m.resource.as_str()))
                    .ok()
                    .and_then(|i| self.inventory.resources.get(i))
                    .map_or_else(|| m.resource.clone(), |r| r.id.to_string());
                report::MachineEntry {
                    id,
                    hostname: m.hostname.clone(),
                    os: m.os.clone(),
                    collected_at: m.collected_at.clone(),
                    age_hours: score::round4(age_hours),
                    stale: age_hours > self.freshness_hours,
                    source: m.source.clone(),
                    history_snapshots: m.history.len(),
                    history_since: m.history.first().map(|h| h.collected_at.clone()),
                }
            })
            .collect()
    }

    /// One recommendation of the report with its resource rows, sorted.
    fn recommendation(
        &self,
        rec: usize,
        ei: usize,
        locations: &[Option<report::SourceLocation>],
        strings: &[RowStrings],
        by_index: bool,
    ) -> Option<report::Recommendation> {
        let e = self.evaluated.get(ei)?;
        let p = self.catalog.policies.get(e.policy)?;
        let gain = self.gains.get(rec);
        let control = self.catalog.controls.get(p.control);
        let mut counts = report::Counts::default();
        // Rows in report order (state, then id ignoring ASCII case; a stable sort), decided
        // on keys before any row is built: sorting built rows moved every 200-byte row
        // around, and an ASCII id's lower-cased form is the resource's key already. When
        // every id is (`by_index`), the inventory's order is that order, and rows are
        // ordered by index without reading a string (string compares of ids scattered
        // over memory were a tenth of the report stage at 1,000,000 resources).
        let mut order: Vec<(&Finding, &Resource, &RowStrings)> = e
            .findings
            .iter()
            .flatten()
            .filter_map(|f| {
                let r = self.inventory.resources.get(f.resource)?;
                Some((f, r, strings.get(f.resource)?))
            })
            .collect();
        if by_index {
            order.sort_by_key(|(f, _, _)| (state_rank(f.state.as_str()), f.resource));
        } else {
            order.sort_by_cached_key(|(f, r, _)| (state_rank(f.state.as_str()), report_key(r)));
        }
        let mut resources = Vec::with_capacity(order.len());
        for (f, r, s) in order {
            match f.state {
                State::Healthy => counts.healthy += 1,
                State::Unhealthy => counts.unhealthy += 1,
                State::NotApplicable => counts.not_applicable += 1,
                State::Exempt => counts.exempt += 1,
            }
            let exemption = f
                .exemption
                .and_then(|i| self.config.exemptions.get(i))
                .map(|x| {
                    Box::new(report::ExemptionRef {
                        category: x.category.clone(),
                        reason: x.reason.clone(),
                        owner: x.owner.clone(),
                        expires: x.expires.clone(),
                    })
                });
            resources.push(report::ResourceState {
                id: Arc::clone(&s.id),
                kind: Arc::clone(&s.kind),
                subscription_id: s.subscription_id.clone(),
                resource_group: s.resource_group.clone(),
                name: Arc::clone(&s.name),
                state: f.state.as_str(),
                message: (!f.messages.is_empty()).then(|| f.messages.join("; ")),
                fingerprint: fingerprint(&p.meta.id, &r.key),
                exemption,
                fixes: f.fixes.clone(),
                location: locations.get(f.resource).cloned().flatten(),
                baseline: None,
            });
        }
        Some(report::Recommendation {
            id: p.meta.id.clone(),
            title: p.meta.title.clone(),
            description: p.meta.description.clone(),
            severity: p.meta.severity.as_str().into(),
            control: p.meta.control.clone(),
            control_name: control.map(|c| c.name.clone()).unwrap_or_default(),
            remediation: p.meta.remediation.clone(),
            quick_fix: p.meta.quick_fix.is_some(),
            resource_types: p.meta.resource_types.clone(),
            potential_gain: gain.map_or(
                report::Gain {
                    points: 0.0,
                    percent: 0.0,
                },
                score::Gain::rounded,
            ),
            counts,
            resources,
        })
    }

    /// Builds the report view: everything sorted, numbers rounded to 4 decimals.
    pub fn report(&self) -> Report {
        let rounded = self.score.rounded();
        let locations = self.resource_locations();
        // Without a recommendation there is no row to share them (a load-only run).
        let strings = if self.scored.is_empty() {
            Vec::new()
        } else {
            row_strings(&self.inventory.resources, self.jobs)
        };
        let resources = &self.inventory.resources;
        let by_index = resources
            .iter()
            .all(|r| matches!(report_key(r), std::borrow::Cow::Borrowed(_)))
            && resources.is_sorted_by(|a, b| a.key < b.key);
        // Rows are independent per recommendation; a large estate has hundreds of thousands.
        let recs: Vec<(usize, usize)> = self.scored.iter().copied().enumerate().collect();
        let built = crate::parallel::map(&recs, self.jobs, |&(rec, ei)| {
            self.recommendation(rec, ei, &locations, &strings, by_index)
        });
        // A worker that died (a bug) leaves a gap: build that one here rather than lose it.
        let mut recommendations: Vec<report::Recommendation> = recs
            .iter()
            .zip(built)
            .filter_map(|(&(rec, ei), r)| {
                r.unwrap_or_else(|| self.recommendation(rec, ei, &locations, &strings, by_index))
            })
            .collect();
        recommendations.sort_by(|a, b| {
            b.potential_gain
                .percent
                .total_cmp(&a.potential_gain.percent)
                .then_with(|| severity_rank(&a.severity).cmp(&severity_rank(&b.severity)))
                .then_with(|| b.counts.unhealthy.cmp(&a.counts.unhealthy))
                .then_with(|| a.id.cmp(&b.id))
        });
        let failed: Vec<usize> = self
            .evaluated
            .iter()
            .filter(|e| e.findings.is_none())
            .map(|e| e.policy)
            .collect();
        let policies = self
            .catalog
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| report::PolicyEntry {
                id: p.meta.id.clone(),
                kind: p.meta.kind().into(),
                source: match p.origin {
                    PolicySource::Bundled => "bundled".into(),
                    PolicySource::User => "user".into(),
                },
                enabled: p.enabled,
                reason: p.reason.clone(),
                status: if !p.enabled {
                    "disabled".into()
                } else if failed.contains(&i) || self.failed_detections.contains(&i) {
                    "failed".into()
                } else {
                    "evaluated".into()
                },
                path: self
                    .catalog
                    .module_of(p)
                    .map(|m| m.path.clone())
                    .unwrap_or_default(),
            })
            .collect();
        let message = |p: &&Problem| report::Message {
            code: p.code.to_string(),
            message: p.message.clone(),
            file: p.file().map(str::to_string),
            line: p.line(),
            column: p.column(),
            help: p.help.clone(),
        };
        let mut report = Report {
            schema_version: report::REPORT_SCHEMA_VERSION.into(),
            tool: report::Tool {
                name: "posture".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            assessed_at: self.now.clone(),
            inputs: self
                .inventory
                .inputs
                .iter()
                .map(|i| report::Input {
                    path: i.path.clone(),
                    sha256: i.sha256.clone(),
                    kind: i.kind.clone(),
                })
                .collect(),
            resource_count: self.inventory.resources.len(),
            score: report::ScoreSection {
                overall: rounded.overall,
                subscriptions: rounded.subscriptions,
                controls: rounded.controls,
                aggregation: "Per subscription: sum of control points over sum of available control maxima. Across subscriptions: weighted mean of per-subscription ratios, weight = resources counted in the subscription (posture's rule; the reference's weights are not public).".into(),
            },
            machines: self.machine_entries(),
            intel: (!self.intel.files.is_empty()).then(|| self.intel.summary()),
            baseline: None,
            trend: Vec::new(),
            exemptions: self.exemption_statuses(),
            recommendations,
            alerts: self.alerts.clone(),
            policies,
            gate: report::GateOutcome {
                status: String::new(),
                checks: Vec::new(),
                exit_code: 0,
            },
            errors: self.problems.errors().iter().map(message).collect(),
            warnings: self.problems.warnings().iter().map(message).collect(),
        };
        report.gate = self.gate(&report);
        report
    }
}

/// A resource's `name`, else the last segment of its id.
fn resource_name(r: &Resource) -> &str {
    r.str_field("name")
        .unwrap_or_else(|| r.id.rsplit('/').next().unwrap_or(&r.id))
}

/// [`resource_name`] as a shared string: the value's own `name` string when it has one.
fn row_name(r: &Resource) -> Arc<str> {
    match r.field("name") {
        Some(regorus::Value::String(name)) => Arc::clone(name),
        _ => resource_name(r).into(),
    }
}

/// The strings every row about a resource repeats, made once per resource and shared by its
/// rows: a large estate has millions of rows, and copying five strings into each was a
/// third of the report stage at 1,000,000 resources.
#[derive(Debug, Clone)]
struct RowStrings {
    id: Arc<str>,
    kind: Arc<str>,
    subscription_id: Option<Arc<str>>,
    resource_group: Option<Arc<str>>,
    name: Arc<str>,
}

impl RowStrings {
    /// `share` gives the shared copy of a string that repeats across resources.
    fn of(r: &Resource, share: &mut impl FnMut(&str) -> Arc<str>) -> Self {
        Self {
            id: Arc::clone(&r.id),
            kind: share(&r.kind),
            subscription_id: r.subscription_id.as_deref().map(&mut *share),
            resource_group: r.resource_group.as_deref().map(&mut *share),
            name: row_name(r),
        }
    }
}

/// [`RowStrings`] of every resource, in order, on `jobs` threads; types, subscriptions and
/// resource groups are shared within each thread's part.
fn row_strings(resources: &[Resource], jobs: usize) -> Vec<RowStrings> {
    let of_part = |part: &&[Resource]| {
        let mut seen: HashSet<Arc<str>> = HashSet::new();
        let mut share = |s: &str| -> Arc<str> {
            if let Some(found) = seen.get(s) {
                return Arc::clone(found);
            }
            let new: Arc<str> = s.into();
            seen.insert(Arc::clone(&new));
            new
        };
        part.iter()
            .map(|r| RowStrings::of(r, &mut share))
            .collect::<Vec<_>>()
    };
    let chunk = resources.len().div_ceil(jobs.max(1)).max(1);
    let parts: Vec<&[Resource]> = resources.chunks(chunk).collect();
    let built = crate::parallel::map(&parts, jobs, of_part);
    // A part whose worker died (a bug) is built here rather than lost.
    parts
        .iter()
        .zip(built)
        .flat_map(|(part, b)| b.unwrap_or_else(|| of_part(part)))
        .collect()
}

fn state_rank(s: &str) -> u8 {
    match s {
        "unhealthy" => 0,
        "exempt" => 1,
        "healthy" => 2,
        _ => 3,
    }
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "High" => 0,
        "Medium" => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_segments_and_across() {
        let id = "/subscriptions/s1/resourcegroups/legacy/providers/microsoft.keyvault/vaults/kv1";
        assert!(glob_match("/subscriptions/*/resourcegroups/legacy/**", id));
        assert!(!glob_match("/subscriptions/*/resourcegroups/legacy/*", id));
        assert!(glob_match(
            "/subscriptions/*/resourcegroups/legacy/*/*/*/*",
            id
        ));
        assert!(!glob_match("/subscriptions/*/resourcegroups/prod/**", id));
        assert!(glob_match(id, id));
    }

    /// Every resource keeps only its name, in place, and every old value comes back once,
    /// in order, whatever the number of threads.
    #[test]
    fn slimming_keeps_names_and_returns_every_old_value() {
        let make = |i: usize| {
            let mut v = serde_json::json!({"id": format!("/x/{i}"), "properties": {"n": i}});
            if i % 3 != 0 {
                v["name"] = serde_json::json!(format!("r{i}"));
            }
            Resource::new(
                format!("/x/{i}"),
                "T".into(),
                (None, None),
                regorus::Value::from(v),
                crate::model::Origin {
                    source: 0,
                    pointer: String::new(),
                    place: None,
                },
            )
        };
        for jobs in [1, 2, 3, 16] {
            let mut resources: Vec<Resource> = (0..10).map(make).collect();
            let before: Vec<regorus::Value> = resources.iter().map(|r| r.value.clone()).collect();
            let old: Vec<regorus::Value> = slim_values(&mut resources, jobs)
                .into_iter()
                .flatten()
                .collect();
            assert_eq!(old, before, "jobs {jobs}");
            for (i, r) in resources.iter().enumerate() {
                let want = if i % 3 == 0 {
                    serde_json::json!({})
                } else {
                    serde_json::json!({"name": format!("r{i}")})
                };
                assert_eq!(
                    r.value,
                    regorus::Value::from(want),
                    "jobs {jobs}, resource {i}"
                );
            }
        }
        assert!(slim_values(&mut [], 2).iter().all(Vec::is_empty));
    }

    /// Every resource gets the scope of its own subscription, lower-cased, `""` without one,
    /// however the subscriptions alternate; one string per distinct subscription as written.
    #[test]
    fn resource_scopes_follow_each_resources_subscription() {
        let subs = [
            Some("S1"),
            Some("S1"),
            Some("s2"),
            None,
            Some("S1"),
            Some("s1"),
            None,
            Some("s2"),
        ];
        let resources: Vec<Resource> = subs
            .iter()
            .enumerate()
            .map(|(i, sub)| {
                Resource::new(
                    format!("/x/{i}"),
                    "T".into(),
                    (sub.map(str::to_owned), None),
                    regorus::Value::from(serde_json::json!({})),
                    crate::model::Origin {
                        source: 0,
                        pointer: String::new(),
                        place: None,
                    },
                )
            })
            .collect();
        let (scopes, of) = resource_scopes(&resources);
        assert_eq!(of.len(), resources.len());
        let got: Vec<&str> = of.iter().map(|&at| &*scopes[at]).collect();
        assert_eq!(got, ["s1", "s1", "s2", "", "s1", "s1", "", "s2"]);
        // "S1", "s2", none and "s1": one string each, reused when a subscription comes back.
        assert_eq!(scopes.len(), 4);
        assert_eq!(of[0], of[4]);
        assert_eq!(of[3], of[6]);
        assert_eq!(of[2], of[7]);
        assert_ne!(of[4], of[5]);
    }

    /// Each resource's row strings are its own, in order, whatever the number of threads;
    /// types, subscriptions and groups are one copy per thread's part.
    #[test]
    fn row_strings_are_each_resources_and_share_repeated_ones() {
        let make = |i: usize| {
            let mut v = serde_json::json!({"id": format!("/x/{i}")});
            if i % 3 != 0 {
                v["name"] = serde_json::json!(format!("r{i}"));
            }
            Resource::new(
                format!("/subscriptions/s/resourceGroups/g{}/x/{i}", i % 2),
                if i % 2 == 0 { "A/b" } else { "C/d" }.into(),
                (
                    Some("s".into()),
                    (i % 4 != 3).then(|| format!("g{}", i % 2)),
                ),
                regorus::Value::from(v),
                crate::model::Origin {
                    source: 0,
                    pointer: String::new(),
                    place: None,
                },
            )
        };
        let resources: Vec<Resource> = (0..12).map(make).collect();
        for jobs in [1, 2, 5, 16] {
            let strings = row_strings(&resources, jobs);
            assert_eq!(strings.len(), resources.len(), "jobs {jobs}");
            for (r, s) in resources.iter().zip(&strings) {
                assert_eq!(s.id, r.id, "jobs {jobs}");
                assert_eq!(s.kind, r.kind, "jobs {jobs}");
                assert_eq!(s.subscription_id.as_deref(), r.subscription_id.as_deref());
                assert_eq!(s.resource_group.as_deref(), r.resource_group.as_deref());
                assert_eq!(&*s.name, resource_name(r), "jobs {jobs}");
                // The resource's own strings, not copies.
                assert!(Arc::ptr_eq(&s.id, &r.id));
                if let Some(regorus::Value::String(name)) = r.field("name") {
                    assert!(Arc::ptr_eq(&s.name, name));
                }
            }
        }
        // One part: resources 0 and 2 share one copy of their type and subscription.
        let strings = row_strings(&resources, 1);
        let (a, b) = (&strings[0], &strings[2]);
        assert!(Arc::ptr_eq(&a.kind, &b.kind));
        assert!(Arc::ptr_eq(
            a.subscription_id.as_ref().unwrap(),
            b.subscription_id.as_ref().unwrap()
        ));
        // The value's name, else the id's last segment.
        assert_eq!(&*strings[4].name, "r4");
        assert_eq!(&*strings[3].name, "3");
    }

    #[test]
    fn fingerprints_are_stable_and_case_insensitive_by_construction() {
        let a = fingerprint("p", "/subscriptions/a/x");
        assert_eq!(a.len(), 32);
        assert_eq!(a, fingerprint("p", "/subscriptions/a/x"));
        assert_ne!(a, fingerprint("q", "/subscriptions/a/x"));
    }
}
