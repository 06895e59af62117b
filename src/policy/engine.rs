//! The only place that talks to regorus: modules loaded once into an engine, the engine
//! cloned per policy (cheap: modules and values are reference-counted), each policy given
//! only the resources of its types, and its `deny`/`applicable` results turned into
//! [`Verdict`]s.
//!
//! Policies run in parallel on scoped threads; results are put back in catalog order, so
//! the output does not depend on the thread count.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::Value as Json;

use crate::diag::{Problem, Problems};
use crate::model::PolicySource;
use crate::model::{Resource, State, Verdict};
use crate::policy::catalog::{Catalog, ModuleKind};
use crate::policy::{native, rego_text};
use crate::source::SourceMap;

/// Limits and context of an evaluation.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// Where finished resource evaluations are counted.
    pub progress: std::sync::Arc<crate::progress::Progress>,
    /// `input.now`, RFC 3339.
    pub now: String,
    /// Wall-clock limit per policy; a policy past it fails, the others still run.
    pub timeout: Duration,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Parameters per policy id (defaults already merged with config).
    pub parameters: BTreeMap<String, BTreeMap<String, Json>>,
    /// Which evaluator runs the policies.
    pub backend: Backend,
    /// Inventory positions a per-resource policy (`custom.per_resource`) is given at a time
    /// on the RVM; 0: every policy sees all its resources at once.
    pub piece: usize,
}

/// The default [`EvalOptions::piece`]. Measured on the benchmark estates (two cores, every
/// bundled policy per-resource): the evaluate stage at 100,000 resources took 1.15-1.33 s in
/// parts of 2,500, 5,000 or 10,000 against 1.40-1.43 s whole (three alternating runs, a
/// slow phase of the machine), at 1,000,000 13.6 s in parts of 5,000, 14.6 s of 10,000,
/// 15.7 s of 20,000 and 18.1 s whole.
pub const PIECE: usize = 5_000;

/// How policies are evaluated. Both give the same verdicts (a test runs the bundled library
/// both ways over the examples and a generated estate); the interpreter is the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Backend {
    /// regorus's register VM: each policy compiled to bytecode, 3-10x faster. A policy the
    /// compiler does not support, or whose run fails, is evaluated by the interpreter instead
    /// (so errors keep their file, line and column).
    #[default]
    Rvm,
    /// regorus's tree-walking interpreter, with nothing precomputed for the policies (no
    /// shared tables): the reference path.
    Interpreter,
}

/// What one policy produced.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Verdicts for every resource of the policy's types, sorted by resource key.
    Verdicts(Vec<Verdict>),
    /// The policy could not be evaluated; the problem names it.
    Failed(Box<Problem>),
    /// The policy's module did not load; that error is already reported.
    NotLoaded,
}

/// A loaded engine ready to evaluate the catalog's policies.
pub struct PolicyEngine {
    /// Libraries and data; policies are added to clones of it.
    engine: regorus::Engine,
    /// Modules that did not load (syntax error, forbidden builtin): their policies fail.
    failed: BTreeSet<usize>,
}

impl std::fmt::Debug for PolicyEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PolicyEngine")
    }
}

/// Turns a regorus error into a problem at the position its text names.
pub fn engine_problem(
    code: &'static str,
    prefix: &str,
    err: &anyhow_like::Error,
    sources: &SourceMap,
) -> Problem {
    let text = err.to_string();
    let summary = rego_text::error_summary(&text);
    let mut p = Problem::error(code, format!("{prefix}{summary}"));
    if let Some((path, line, col)) = rego_text::error_position(&text) {
        if let Some(file) = sources.files().iter().rev().find(|f| f.path == path) {
            p = p.at_line_col(file, line, col, summary.clone());
        } else {
            p = p.in_file(format!("{path}:{line}:{col}"));
        }
    }
    p
}

/// regorus returns `anyhow::Error`; name it without depending on anyhow ourselves.
pub mod anyhow_like {
    /// Any displayable error.
    pub type Error = dyn std::fmt::Display;
}

impl PolicyEngine {
    /// Loads every loadable policy and library module. Parse errors become problems and the
    /// failing module's policies are reported as failed by [`PolicyEngine::evaluate`].
    pub fn new(
        catalog: &Catalog,
        sources: &SourceMap,
        with_tests: bool,
        problems: &mut Problems,
    ) -> Self {
        let mut base = regorus::Engine::new();
        let mut failed = BTreeSet::new();
        for (i, m) in catalog.modules.iter().enumerate() {
            if m.kind == ModuleKind::Test && !with_tests {
                continue;
            }
            if !m.loadable {
                failed.insert(i);
                continue;
            }
            // Parse each module on its own so one syntax error is reported once and blames
            // only its own file.
            let mut scratch = regorus::Engine::new();
            if let Err(e) = scratch.add_policy(m.path.clone(), m.text.to_string()) {
                problems.push(
                    engine_problem("posture::policy::syntax", "", &e, sources).with_help(
                        "fix the Rego syntax; `posture policies test` shows the same error",
                    ),
                );
                failed.insert(i);
                continue;
            }
            if m.kind == ModuleKind::Library {
                if let Err(e) = base.add_policy(m.path.clone(), m.text.to_string()) {
                    problems.push(engine_problem("posture::policy::syntax", "", &e, sources));
                    failed.insert(i);
                }
            }
        }
        // The library is analysed once, here: each policy's engine is a clone that adds the
        // policy's modules and analyses only those (vendored regorus, POSTURE-PATCH.md item
        // 16); analysing the whole library again for every policy and detection was about
        // half the CPU of a small assessment. A library that does not analyse keeps no
        // analysis (keep_analysis keeps nothing then), and the error is reported where a
        // policy using it is evaluated.
        base.keep_analysis().ok();
        Self {
            engine: base,
            failed,
        }
    }

    /// An engine with the libraries, the data and the given modules. Each policy gets its
    /// own: regorus analyses all loaded modules together on first evaluation, so a policy
    /// whose rules conflict would otherwise fail every other policy too.
    pub fn engine_with(
        &self,
        catalog: &Catalog,
        modules: &[usize],
    ) -> Result<regorus::Engine, (usize, String)> {
        let mut engine = self.engine.clone();
        for &i in modules {
            let Some(m) = catalog.modules.get(i) else {
                continue;
            };
            if self.failed.contains(&i) {
                return Err((i, format!("{} did not load", m.path)));
            }
            if m.kind == ModuleKind::Library {
                continue;
            }
            engine
                .add_policy(m.path.clone(), m.text.to_string())
                .map_err(|e| (i, e.to_string()))?;
        }
        Ok(engine)
    }

    /// Whether a module did not load.
    pub fn module_failed(&self, module: usize) -> bool {
        self.failed.contains(&module)
    }

    /// Sets `data.posture`: `resources` (lower-cased id -> resource) for joins, and the
    /// indexes that keep joins linear on large estates (see [`estate_data`]).
    pub fn set_resources(
        &mut self,
        resources: &[Resource],
        values: &[regorus::Value],
        jobs: usize,
    ) -> Result<(), String> {
        let mut data = BTreeMap::new();
        data.insert(
            regorus::Value::from("posture"),
            estate_data(resources, values, jobs),
        );
        self.engine
            .add_data(regorus::Value::from(data))
            .map_err(|e| e.to_string())
    }

    /// Computes the library's shared tables (see [`SHARED_TABLES`]) once, on `jobs`
    /// threads, and gives them to policies as `data.posture.shared`. A table whose library
    /// function is missing or fails is left out: the library then computes it per policy,
    /// and any error surfaces there with its position.
    pub fn share_tables(
        &mut self,
        catalog: &Catalog,
        selected: &[usize],
        resources: &[Resource],
        values: &[regorus::Value],
        opts: &EvalOptions,
    ) {
        // The interpreter is the reference path: the library computes its tables itself,
        // so comparing both paths also checks the shared tables.
        if opts.backend == Backend::Interpreter {
            return;
        }
        // The native tables reproduce the bundled library; a user module in one of its
        // packages could change what the library computes.
        let native = !catalog
            .modules
            .iter()
            .any(|m| m.origin == PolicySource::User && native::overlaps(&m.package));
        let mut cx = native.then(|| native::Context {
            keys: native::Keys::default(),
            resources: native::Index::new(
                resources.iter().map(|r| r.key.as_ref()).collect(),
                values,
            ),
            nsg_analysis: None,
        });
        for table in SHARED_TABLES {
            let provided = catalog.modules.iter().enumerate().any(|(i, m)| {
                m.kind == ModuleKind::Library
                    && m.package == table.package
                    && !self.failed.contains(&i)
            });
            let members: Vec<usize> = resources
                .iter()
                .enumerate()
                .filter(|(_, r)| &*r.kind_key == table.kind)
                .map(|(i, _)| i)
                .collect();
            // Only when a policy that runs imports the library (disabled ones cost nothing).
            let import = format!("data.{}", table.package);
            let wanted = selected.iter().any(|&pi| {
                catalog
                    .policies
                    .get(pi)
                    .and_then(|p| catalog.module_of(p))
                    .is_some_and(|m| m.text.contains(import.as_str()))
            });
            if !provided || !wanted || members.is_empty() {
                continue;
            }
            let Some(t) = self.table(table, &members, resources, values, opts, cx.as_ref()) else {
                continue;
            };
            if let Some(cx) = cx.as_mut().filter(|_| table.name == "nsg_analysis") {
                cx.nsg_analysis = Some(t.clone());
            }
            // Given to the engine at once: a later table may read an earlier one.
            let mut shared = BTreeMap::new();
            shared.insert(regorus::Value::from(table.name), t);
            let mut posture = BTreeMap::new();
            posture.insert(regorus::Value::from("shared"), regorus::Value::from(shared));
            let mut data = BTreeMap::new();
            data.insert(
                regorus::Value::from("posture"),
                regorus::Value::from(posture),
            );
            // A failure only means policies compute the table themselves.
            let _ = self.engine.add_data(regorus::Value::from(data));
        }
    }

    /// One table: the function applied to every member, the members split across threads.
    /// With a native context, the members the table's native function computes are not
    /// given to the library.
    fn table(
        &self,
        table: &SharedTable,
        members: &[usize],
        resources: &[Resource],
        values: &[regorus::Value],
        opts: &EvalOptions,
        native: Option<&native::Context>,
    ) -> Option<regorus::Value> {
        let mut rows = Vec::with_capacity(members.len());
        let mut rest = members.to_vec();
        if let (Some(cx), Some(f)) = (native, table.native) {
            let (done, left) = native_rows(f, cx, members, values, opts.jobs);
            rows = done;
            rest = left;
        }
        if !rest.is_empty() {
            rows.extend(self.library_rows(table, &rest, values, opts)?);
        }
        let mut out = BTreeMap::new();
        for (i, v) in rows {
            let r = resources.get(i)?;
            out.insert(regorus::Value::String(r.key.clone()), v);
        }
        Some(regorus::Value::from(out))
    }

    /// Table rows computed by the library function, the members split across threads.
    fn library_rows(
        &self,
        table: &SharedTable,
        members: &[usize],
        values: &[regorus::Value],
        opts: &EvalOptions,
    ) -> Option<Rows> {
        let module = format!(
            "package posture.shared_table\n\nrows := [[i, data.{}.{}(r)] | some i, r in input.resources]\n",
            table.package, table.function
        );
        let chunk = members.len().div_ceil(opts.jobs.max(1)).max(1);
        let parts: Vec<Option<Vec<(usize, regorus::Value)>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = members
                .chunks(chunk)
                .map(|part| {
                    let module = module.clone();
                    scope.spawn(move || {
                        let mut engine = self.engine.clone();
                        engine
                            .add_policy("posture-shared-table.rego".into(), module)
                            .ok()?;
                        let input: Vec<regorus::Value> = part
                            .iter()
                            .filter_map(|&i| values.get(i).cloned())
                            .collect();
                        let mut obj = BTreeMap::new();
                        obj.insert(
                            regorus::Value::from("resources"),
                            regorus::Value::from(input),
                        );
                        let input = regorus::Value::from(obj);
                        let entry = "data.posture.shared_table.rows";
                        let rows = match rvm_eval(&mut engine, entry, input.clone(), opts.timeout) {
                            Ok(r) => r,
                            Err(_) => {
                                engine.set_input(input);
                                if let Some(t) = timer(opts.timeout) {
                                    engine.set_execution_timer_config(t);
                                }
                                engine.eval_rule(entry.to_string()).ok()?
                            }
                        };
                        let mut out = Vec::new();
                        for row in rows.as_array().ok()?.iter() {
                            let pair = row.as_array().ok()?;
                            let at = usize::try_from(pair.first()?.as_u64().ok()?).ok()?;
                            out.push((*part.get(at)?, pair.get(1)?.clone()));
                        }
                        Some(out)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().ok().flatten())
                .collect()
        });
        let mut rows = Vec::with_capacity(members.len());
        for part in parts {
            rows.extend(part?);
        }
        Some(rows)
    }

    /// Evaluates the given policies (indices into `catalog.policies`). `values` are the
    /// resources converted once to engine values, parallel to `resources`.
    pub fn evaluate(
        &self,
        catalog: &Catalog,
        selected: &[usize],
        resources: &[Resource],
        values: &[regorus::Value],
        opts: &EvalOptions,
        sources: &SourceMap,
    ) -> Vec<Outcome> {
        let mut by_type: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, r) in resources.iter().enumerate() {
            by_type.entry(r.kind_key.as_ref()).or_default().push(i);
        }
        // Every resource by key, once for all policies: the ids their results name. Built
        // by the first worker to finish a policy, while the others still evaluate theirs
        // (100,000 keys: about 20 ms that otherwise ran on one core before any policy).
        let by_key = std::sync::LazyLock::new(|| {
            let mut m: KeyMap<'_> = HashMap::with_capacity_and_hasher(
                resources.len(),
                foldhash::fast::RandomState::default(),
            );
            m.extend(
                resources
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (r.key.as_ref(), i)),
            );
            m
        });
        // Each policy's resources, found once: for the progress total, the worker and its step.
        let members: Vec<Vec<usize>> = selected
            .iter()
            .map(|&pi| {
                catalog
                    .policies
                    .get(pi)
                    .map(|p| members_of(&p.meta.resource_types, &by_type))
                    .unwrap_or_default()
            })
            .collect();
        let total: usize = members.iter().map(Vec::len).sum();
        opts.progress
            .stage("evaluate", total as u64, "resource checks");
        // Time each policy's evaluation took, summed over its parts (the evaluation limit
        // applies to the sum), and its preparation (for `POSTURE_TIMINGS=policies`).
        let spent: Vec<AtomicU64> = selected.iter().map(|_| AtomicU64::new(0)).collect();
        let preparing: Vec<AtomicU64> = selected.iter().map(|_| AtomicU64::new(0)).collect();
        let add_time = |to: &[AtomicU64], slot: usize, t0: std::time::Instant| {
            if let Some(s) = to.get(slot) {
                let nanos = u64::try_from(t0.elapsed().as_nanos()).unwrap_or(u64::MAX);
                s.fetch_add(nanos, Ordering::Relaxed);
            }
        };
        let jobs = opts.jobs.max(1);
        // Each policy loaded and compiled once, by the first thread to need it.
        let prepared: Vec<std::sync::OnceLock<Result<Prepared, Outcome>>> = selected
            .iter()
            .map(|_| std::sync::OnceLock::new())
            .collect();
        // The work: per-resource policies in parts of `opts.piece` inventory positions, every
        // such policy over one part before the next part (its resources are then still in
        // the processor's caches for the next policy, and each policy's result sets stay
        // small); other policies, and every policy under `--engine interpreter` (the
        // reference), whole. Within a part, policies with the most resources
        // first, so that the last items taken are small: in catalog order a 0.15 s policy
        // near the end left one core idle for 0.07-0.1 s at 100,000 resources (perf thread
        // timeline). Results are put back in catalog and inventory order.
        let mut order: Vec<usize> = (0..selected.len()).collect();
        order.sort_by_key(|&slot| std::cmp::Reverse(members.get(slot).map_or(0, Vec::len)));
        let split = |slot: usize| {
            opts.piece > 0
                && opts.backend == Backend::Rvm
                && selected
                    .get(slot)
                    .and_then(|&pi| catalog.policies.get(pi))
                    .is_some_and(|p| p.meta.per_resource)
        };
        let parts = if opts.piece > 0 {
            resources.len().div_ceil(opts.piece).max(1)
        } else {
            1
        };
        let mut work: Vec<Item> = Vec::new();
        for k in 0..parts {
            for &slot in &order {
                let Some(mine) = members.get(slot) else {
                    continue;
                };
                let range = if split(slot) && !mine.is_empty() {
                    let lo = mine.partition_point(|&i| i < k.saturating_mul(opts.piece));
                    let hi = mine.partition_point(|&i| i < (k + 1).saturating_mul(opts.piece));
                    if lo == hi {
                        continue;
                    }
                    lo..hi
                } else if k == 0 {
                    // Whole, or with no resources at all: evaluated once all the same, so
                    // that an error in it is reported whatever the estate holds.
                    0..mine.len()
                } else {
                    continue;
                };
                work.push(Item {
                    slot,
                    part: k,
                    range,
                });
            }
        }
        // Per policy, the first part that failed (usize::MAX: none).
        let failed_at: Vec<AtomicUsize> = selected
            .iter()
            .map(|_| AtomicUsize::new(usize::MAX))
            .collect();
        let results: Mutex<Vec<Vec<(usize, Outcome)>>> =
            Mutex::new(selected.iter().map(|_| Vec::new()).collect());
        let next = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..jobs.min(work.len()) {
                scope.spawn(|| {
                    // This thread's VM for each policy it evaluated a part of: a VM keeps
                    // the values of the rules that do not read `input` (tables built from
                    // `data`) from one part to the next.
                    let mut vms: HashMap<usize, regorus::rvm::vm::RegoVM> = HashMap::new();
                    while let Some(item) = work.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let slot = item.slot;
                        let (Some(&pi), Some(part), Some(cell)) = (
                            selected.get(slot),
                            members.get(slot).and_then(|m| m.get(item.range.clone())),
                            prepared.get(slot),
                        ) else {
                            break;
                        };
                        let ready = cell.get_or_init(|| {
                            let t0 = std::time::Instant::now();
                            let p = self.prepare(catalog, pi, opts);
                            add_time(&preparing, slot, t0);
                            p
                        });
                        // A policy that failed in one part fails as a whole, with the
                        // error of its first failing part: parts after a failed one are
                        // not evaluated, parts before it are (so the error reported does
                        // not depend on which thread got there first).
                        if failed_at
                            .get(slot)
                            .is_some_and(|f| f.load(Ordering::Relaxed) < item.part)
                        {
                            opts.progress.inc(part.len() as u64);
                            continue;
                        }
                        let t0 = std::time::Instant::now();
                        let used = spent.get(slot).map_or(0, |s| s.load(Ordering::Relaxed));
                        let left = opts.timeout.saturating_sub(Duration::from_nanos(used));
                        let outcome = match ready {
                            Ok(p) => {
                                let vm = match &p.program {
                                    Some(program) => match vms.entry(slot) {
                                        Entry::Occupied(e) => Some(e.into_mut()),
                                        Entry::Vacant(e) => {
                                            new_vm(program, &p.data).ok().map(|vm| e.insert(vm))
                                        }
                                    },
                                    None => None,
                                };
                                self.evaluate_part(
                                    p, vm, catalog, pi, resources, values, part, &by_key, opts,
                                    left, sources,
                                )
                            }
                            Err(o) => o.clone(),
                        };
                        add_time(&spent, slot, t0);
                        opts.progress.inc(part.len() as u64);
                        if !matches!(outcome, Outcome::Verdicts(_)) {
                            if let Some(f) = failed_at.get(slot) {
                                f.fetch_min(item.part, Ordering::Relaxed);
                            }
                        }
                        if let Ok(mut guard) = results.lock() {
                            if let Some(cell) = guard.get_mut(slot) {
                                cell.push((item.part, outcome));
                            }
                        }
                    }
                });
            }
        });
        for (slot, &pi) in selected.iter().enumerate() {
            if let (Some(p), Some(s), Some(q)) = (
                catalog.policies.get(pi),
                spent.get(slot),
                preparing.get(slot),
            ) {
                let nanos = s
                    .load(Ordering::Relaxed)
                    .saturating_add(q.load(Ordering::Relaxed));
                opts.progress
                    .policy_time(&p.meta.id, Duration::from_nanos(nanos));
            }
        }
        let mut expected = vec![0usize; selected.len()];
        for item in &work {
            if let Some(n) = expected.get_mut(item.slot) {
                *n += 1;
            }
        }
        let merge = |(mut parts, expected): Parts| {
            parts.sort_by_key(|(k, _)| *k);
            if let Some(i) = parts
                .iter()
                .position(|(_, o)| !matches!(o, Outcome::Verdicts(_)))
            {
                return parts.swap_remove(i).1;
            }
            if parts.len() != expected {
                return not_evaluated();
            }
            if parts.len() == 1 {
                if let Some((_, whole)) = parts.pop() {
                    return whole;
                }
            }
            let total = parts
                .iter()
                .map(|(_, o)| match o {
                    Outcome::Verdicts(v) => v.len(),
                    _ => 0,
                })
                .sum();
            let mut verdicts = Vec::with_capacity(total);
            for (_, o) in parts {
                if let Outcome::Verdicts(v) = o {
                    verdicts.extend(v);
                }
            }
            Outcome::Verdicts(verdicts)
        };
        // Joining the parts copies every verdict (2.3 million at 1,000,000 resources) into
        // fresh memory: on all threads, policies split between them.
        let mut per_slot: Vec<Parts> = results
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .zip(expected)
            .collect();
        let chunk = per_slot.len().div_ceil(jobs).max(1);
        std::thread::scope(|scope| {
            let handles: Vec<_> = per_slot
                .chunks_mut(chunk)
                .map(|slice| {
                    let n = slice.len();
                    let merged = scope.spawn(move || {
                        slice
                            .iter_mut()
                            .map(|p| merge(std::mem::take(p)))
                            .collect::<Vec<_>>()
                    });
                    (n, merged)
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|(n, h)| {
                    h.join()
                        .unwrap_or_else(|_| (0..n).map(|_| not_evaluated()).collect())
                })
                .collect()
        })
    }

    /// Loads one policy into a clone of the engine and compiles its results rule.
    fn prepare(
        &self,
        catalog: &Catalog,
        pi: usize,
        opts: &EvalOptions,
    ) -> Result<Prepared, Outcome> {
        let fail =
            |msg: String| Outcome::Failed(Box::new(Problem::error("posture::policy::eval", msg)));
        let Some(policy) = catalog.policies.get(pi) else {
            return Err(fail("unknown policy".into()));
        };
        let Some(module) = catalog.module_of(policy) else {
            return Err(fail(format!("policy `{}` has no module", policy.meta.id)));
        };
        if self.failed.contains(&policy.module) {
            return Err(Outcome::NotLoaded);
        }
        let rules = Rules::new(&module.package, policy.has_applicable, policy.has_unknown);
        let mut engine = self.policy_engine(catalog, policy, &module.package, &rules)?;
        let program = match opts.backend {
            Backend::Rvm => compile(&mut engine, &rules.entry).ok(),
            Backend::Interpreter => None,
        };
        let mut data = engine.get_data();
        // The levels merging built (`data`, `data.posture`, `data.posture.shared`) are
        // trees; every policy's path into `data` goes through them (POSTURE-PATCH.md 38).
        data.freeze_objects();
        Ok(Prepared {
            // A compiled policy's engine (about 1 MB: its analysis of every module) is
            // built again only if a run fails and the interpreter must report the error;
            // kept for all policies at once, they were 50 MB at 10,000 resources.
            engine: if program.is_some() {
                None
            } else {
                Some(engine)
            },
            rules,
            program,
            data,
        })
    }

    /// An engine with the libraries, the data, the policy and its results rule.
    fn policy_engine(
        &self,
        catalog: &Catalog,
        policy: &crate::policy::catalog::Policy,
        package: &str,
        rules: &Rules,
    ) -> Result<regorus::Engine, Outcome> {
        let id = &policy.meta.id;
        let fail = |msg: String| {
            Outcome::Failed(Box::new(Problem::error(
                "posture::policy::eval",
                format!("policy `{id}` did not load: {msg}"),
            )))
        };
        let mut engine = self
            .engine_with(catalog, &[policy.module])
            .map_err(|(_, msg)| fail(msg))?;
        engine
            .add_policy(format!("posture-results/{id}.rego"), rules.module(package))
            .map_err(|e| fail(e.to_string()))?;
        Ok(engine)
    }

    /// Evaluates a prepared policy over some of its members (all of them, or those in one
    /// part of the inventory) within `limit`.
    #[allow(clippy::too_many_arguments)] // a private worker; the arguments are one evaluation's context
    fn evaluate_part(
        &self,
        prepared: &Prepared,
        vm: Option<&mut regorus::rvm::vm::RegoVM>,
        catalog: &Catalog,
        pi: usize,
        resources: &[Resource],
        values: &[regorus::Value],
        members: &[usize],
        // Dereferenced only once the policy has run (see `evaluate`).
        by_key: &dyn std::ops::Deref<Target = KeyMap<'_>>,
        opts: &EvalOptions,
        limit: Duration,
        sources: &SourceMap,
    ) -> Outcome {
        let fail =
            |msg: String| Outcome::Failed(Box::new(Problem::error("posture::policy::eval", msg)));
        let Some(policy) = catalog.policies.get(pi) else {
            return fail("unknown policy".into());
        };
        let Some(module) = catalog.module_of(policy) else {
            return fail(format!("policy `{}` has no module", policy.meta.id));
        };
        let id = &policy.meta.id;
        if limit.is_zero() {
            return Outcome::Failed(Box::new(
                Problem::error(
                    "posture::policy::eval",
                    format!("policy `{id}`: execution exceeded the time limit ({} s) over the parts of the inventory evaluated so far", opts.timeout.as_secs_f64()),
                )
                .in_file(module.path.clone())
                .with_help(timeout_help(opts)),
            ));
        }
        let input_resources: Vec<regorus::Value> = members
            .iter()
            .filter_map(|&i| values.get(i).cloned())
            .collect();
        let params = opts.parameters.get(id).cloned().unwrap_or_default();
        let mut input = BTreeMap::new();
        input.insert(
            regorus::Value::from("resources"),
            regorus::Value::from(input_resources),
        );
        input.insert(
            regorus::Value::from("parameters"),
            regorus::Value::from(Json::Object(params.into_iter().collect())),
        );
        input.insert(
            regorus::Value::from("now"),
            regorus::Value::from(opts.now.as_str()),
        );
        let input = regorus::Value::from(input);
        let rules = &prepared.rules;
        let compiled = match vm {
            Some(vm) => rules.values(|entry| run_on(vm, entry, input.clone(), limit)),
            None => Err(RvmError::Fallback),
        };
        let results = match compiled {
            Ok(r) => r,
            Err(RvmError::TimeLimit(msg)) => {
                return Outcome::Failed(Box::new(
                    Problem::error("posture::policy::eval", format!("policy `{id}`: {msg}"))
                        .in_file(module.path.clone())
                        .with_help(timeout_help(opts)),
                ))
            }
            Err(RvmError::Fallback) => {
                let mut engine = match &prepared.engine {
                    Some(e) => e.clone(),
                    None => match self.policy_engine(catalog, policy, &module.package, rules) {
                        Ok(e) => e,
                        Err(o) => return o,
                    },
                };
                match run_interpreter(&mut engine, rules, input, limit) {
                    Ok(r) => r,
                    Err(e) => {
                        let mut p = engine_problem(
                            "posture::policy::eval",
                            &format!("policy `{id}`: "),
                            e.as_ref(),
                            sources,
                        );
                        if p.file().is_none() {
                            p = p.in_file(module.path.clone());
                        }
                        if e.to_string().contains("time limit") {
                            p = p.with_help(timeout_help(opts));
                        }
                        return Outcome::Failed(Box::new(p));
                    }
                }
            }
        };
        // A member's position from the ids `deny`, `unknown` and `applicable` name: the
        // inventory index by hashing, then the position among the (sorted) member indexes.
        // What is found is kept by position: keys are long ids with long common prefixes,
        // which ordered maps compare byte by byte.
        let position = |key: &str| by_key.get(key).and_then(|i| members.binary_search(i).ok());
        let applicable: Option<Vec<bool>> = results.applicable.as_ref().map(|v| {
            let mut marked = vec![false; members.len()];
            for x in elements(v).into_iter().flatten() {
                if let regorus::Value::String(s) = x {
                    if let Some(m) = position(&s.to_lowercase()).and_then(|j| marked.get_mut(j)) {
                        *m = true;
                    }
                }
            }
            marked
        });
        let mut denied = match findings_by_member(&results.deny, "deny", &position, members.len()) {
            Ok(d) => d,
            Err(msg) => return fail(format!("policy `{id}`: {msg}")),
        };
        let mut unknown = match &results.unknown {
            Some(v) => match findings_by_member(v, "unknown", &position, members.len()) {
                Ok(u) => u,
                Err(msg) => return fail(format!("policy `{id}`: {msg}")),
            },
            None => Vec::new(),
        };
        // In member order, which is inventory order and so resource key order.
        let mut verdicts = Vec::with_capacity(members.len());
        for (j, &i) in members.iter().enumerate() {
            if resources.get(i).is_none() {
                continue;
            }
            let is_applicable = applicable
                .as_ref()
                .is_none_or(|a| a.get(j).copied().unwrap_or(false));
            // Data a check needed but did not have is never counted as healthy: such a
            // resource is not applicable with the reason, unless something else failed.
            let unknowns = unknown
                .get_mut(j)
                .and_then(Option::take)
                .map(|(m, _)| m)
                .unwrap_or_default();
            let (state, mut messages, fixes) = match denied.get_mut(j).and_then(Option::take) {
                Some((m, f)) => (State::Unhealthy, m, f),
                None if !is_applicable => (State::NotApplicable, Vec::new(), Vec::new()),
                None if !unknowns.is_empty() => (State::NotApplicable, Vec::new(), Vec::new()),
                None => (State::Healthy, Vec::new(), Vec::new()),
            };
            messages.sort();
            messages.dedup();
            if is_applicable {
                let mut u = unknowns;
                u.sort();
                u.dedup();
                messages.extend(u);
            }
            verdicts.push(Verdict {
                index: i,
                state,
                messages,
                fixes,
            });
        }
        Outcome::Verdicts(verdicts)
    }
}

/// A policy loaded and compiled once, ready to run on any part of the inventory.
struct Prepared {
    /// The libraries, the data, the policy and its results rule, when the policy is not
    /// compiled: the interpreter runs a clone of it.
    engine: Option<regorus::Engine>,
    rules: Rules,
    /// The results rule compiled for the RVM; `None` when the compiler does not support the
    /// policy (a per-resource one then runs on the interpreter part by part) or the
    /// interpreter was asked for (every policy then runs whole).
    program: Option<std::sync::Arc<regorus::rvm::program::Program>>,
    /// `data` as the engine holds it, for each VM.
    data: regorus::Value,
}

/// A policy whose evaluation was lost: a worker thread stopped (a bug).
fn not_evaluated() -> Outcome {
    Outcome::Failed(Box::new(Problem::error(
        "posture::policy::eval",
        "policy was not evaluated (a worker thread stopped)",
    )))
}

/// One policy's outcomes by part, and how many parts it was given.
type Parts = (Vec<(usize, Outcome)>, usize);

/// One policy's evaluation over some of its resources.
struct Item {
    /// Index into the selected policies.
    slot: usize,
    /// Which part of the inventory (0 for a policy evaluated whole).
    part: usize,
    /// The policy's members evaluated, as positions in its member list.
    range: std::ops::Range<usize>,
}

/// Resources by key. foldhash rather than SipHash, as for the loader's interner (see
/// `load::value::Interner` on its seeding).
type KeyMap<'a> = HashMap<&'a str, usize, foldhash::fast::RandomState>;

/// `data.posture` for an inventory. Policies join through it (`data.posture.lib.util`):
///
/// - `resources[key]`: every resource by lower-cased id;
///
/// and under `index`, the same resources grouped:
/// - `children[parent][key]`: resources directly beneath a resource or scope (see
///   [`parent_key`]), so "the auditing settings of this server" is a lookup, not a scan;
/// - `by_type[type][key]`: resources by lower-cased type;
/// - `by_subscription[subscription][type][key]`: resources by `/subscriptions/<id>` prefix
///   of their id and type.
///
/// Without `index` the library's join functions scan `resources` with the same results
/// (policy unit tests mock only `resources`); a test checks both ways agree.
pub fn estate_data(
    resources: &[Resource],
    values: &[regorus::Value],
    jobs: usize,
) -> regorus::Value {
    // Entries are gathered in the inventory's order, which is key order, so every group is
    // built sorted, without a BTreeMap of engine values (regorus sorts any that is not).
    // The resources' own keys, shared rather than copied (a million ids at 1,000,000).
    let keys: Vec<regorus::Value> = resources
        .iter()
        .map(|r| regorus::Value::String(r.key.clone()))
        .collect();
    let entries = || resources.iter().zip(&keys).zip(values);
    let build_children = || {
        let mut children: BTreeMap<&str, Group> = BTreeMap::new();
        for ((r, key), v) in entries() {
            if let Some(parent) = parent_key(&r.key) {
                children
                    .entry(parent)
                    .or_default()
                    .push((key.clone(), v.clone()));
            }
        }
        nest(children)
    };
    let build_rest = || {
        let mut all: Group = Vec::with_capacity(resources.len());
        let mut by_type: BTreeMap<&str, Group> = BTreeMap::new();
        let mut by_sub: BTreeMap<&str, BTreeMap<&str, Group>> = BTreeMap::new();
        for ((r, key), v) in entries() {
            all.push((key.clone(), v.clone()));
            by_type
                .entry(r.kind_key.as_ref())
                .or_default()
                .push((key.clone(), v.clone()));
            if let Some(sub) = subscription_key(&r.key) {
                by_sub
                    .entry(sub)
                    .or_default()
                    .entry(r.kind_key.as_ref())
                    .or_default()
                    .push((key.clone(), v.clone()));
            }
        }
        let by_sub: Group = by_sub
            .into_iter()
            .map(|(k, types)| (regorus::Value::from(k), nest(types)))
            .collect();
        (object(all), nest(by_type), object(by_sub))
    };
    // The children index, the costliest group (a parent per id, long keys), is built on a
    // second thread beside the others: this stage otherwise runs on one core.
    let (children, (all, by_type, by_sub)) = if jobs > 1 {
        std::thread::scope(|scope| {
            let children = scope.spawn(build_children);
            let rest = build_rest();
            // A worker that died (a bug) is redone here rather than leave joins without
            // children.
            (children.join().unwrap_or_else(|_| build_children()), rest)
        })
    } else {
        (build_children(), build_rest())
    };
    let index: Group = vec![
        (regorus::Value::from("by_subscription"), by_sub),
        (regorus::Value::from("by_type"), by_type),
        (regorus::Value::from("children"), children),
    ];
    object(vec![
        (regorus::Value::from("index"), object(index)),
        (regorus::Value::from("resources"), all),
    ])
}

/// A group of `data.posture`: (key, value) entries in key order.
type Group = Vec<(regorus::Value, regorus::Value)>;

fn object(entries: Group) -> regorus::Value {
    regorus::Value::Object(regorus::Rc::new(
        regorus::value::Object::from_sorted_entries(entries),
    ))
}

/// Groups by key as an object of objects.
fn nest(m: BTreeMap<&str, Group>) -> regorus::Value {
    object(
        m.into_iter()
            .map(|(k, g)| (regorus::Value::from(k), object(g)))
            .collect(),
    )
}

/// The resource or scope directly above an ARM id: the id without its last `type/name`
/// pair, and without a `providers/<namespace>` left behind (so a top-level resource's
/// parent is its resource group, and an extension resource's such as
/// `<vault>/providers/Microsoft.Insights/diagnosticSettings/x` is the vault). `None` for a
/// subscription or anything shorter. Mirrors `util.parent_key` in Rego.
pub fn parent_key(key: &str) -> Option<&str> {
    let parts: Vec<&str> = key.split('/').collect();
    let n = parts.len();
    if n <= 3 {
        return None;
    }
    let mut keep = n - 2;
    if keep >= 2 && parts.get(keep - 2) == Some(&"providers") {
        keep -= 2;
    }
    let len: usize = parts.iter().take(keep).map(|p| p.len() + 1).sum();
    key.get(..len.saturating_sub(1))
}

/// `/subscriptions/<id>` of an id that starts with it. Mirrors `util.subscription_key`.
pub fn subscription_key(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("/subscriptions/")?;
    let id_len = rest.find('/').unwrap_or(rest.len());
    if id_len == 0 {
        return None;
    }
    key.get(..("/subscriptions/".len() + id_len))
}

/// A library table worth computing once per assessment rather than once per policy: the
/// library function applied to every resource of one type, by lower-cased id. The library
/// reads `data.posture.shared.<name>` when present and computes the same table itself
/// otherwise (policy unit tests, other hosts); the verdict-equality test compares both.
pub struct SharedTable {
    /// Key under `data.posture.shared`.
    pub name: &'static str,
    /// Lower-cased resource type.
    pub kind: &'static str,
    /// Package of the library function.
    pub package: &'static str,
    /// The function of one resource.
    pub function: &'static str,
    /// The same function in Rust, used while the library is the bundled one; `None` for a
    /// resource it leaves to the library.
    pub native: Option<NativeRow>,
}

/// Table rows: resource index and the function's value.
type Rows = Vec<(usize, regorus::Value)>;

/// A shared table's function computed natively (see [`native`]).
pub type NativeRow = fn(&regorus::Value, &native::Context) -> Option<regorus::Value>;

/// Rows of a native table for `members`, split across `jobs` threads, and the members it
/// left to the library.
fn native_rows(
    f: NativeRow,
    cx: &native::Context,
    members: &[usize],
    values: &[regorus::Value],
    jobs: usize,
) -> (Rows, Vec<usize>) {
    let chunk = members.len().div_ceil(jobs.max(1)).max(1);
    let parts: Vec<(Rows, Vec<usize>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = members
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut done = Vec::with_capacity(part.len());
                    let mut left = Vec::new();
                    for &i in part {
                        match values.get(i).and_then(|v| f(v, cx)) {
                            Some(row) => done.push((i, row)),
                            None => left.push(i),
                        }
                    }
                    (done, left)
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(members.chunks(chunk))
            // A panic in a native row is a bug; the library then computes the whole part.
            .map(|(h, part)| h.join().unwrap_or_else(|_| (Vec::new(), part.to_vec())))
            .collect()
    });
    let mut done = Vec::with_capacity(members.len());
    let mut left = Vec::new();
    for (d, l) in parts {
        done.extend(d);
        left.extend(l);
    }
    (done, left)
}

/// The shared tables, computed in this order (a table may read the ones before it). NSG rule
/// evaluation is the costliest logic of the library and five policies need it for every NSG:
/// `analysis` normalises an NSG's Internet-facing rules once and answers both the
/// management-port and the all-ports questions. Two VM policies need the management-port
/// findings on each VM's network path (NIC -> subnet -> NSG joins).
/// Both are computed in Rust (`native`) while the network library is the bundled one.
pub const SHARED_TABLES: &[SharedTable] = &[
    SharedTable {
        name: "nsg_analysis",
        kind: "microsoft.network/networksecuritygroups",
        package: "posture.lib.net",
        function: "analysis",
        native: Some(native::nsg_row),
    },
    SharedTable {
        name: "vm_management_findings",
        kind: "microsoft.compute/virtualmachines",
        package: "posture.lib.net",
        function: "vm_management_findings",
        native: Some(native::vm_management_findings),
    },
    // Three identity policies read each subscription's role assignments; computed once,
    // by the library, rather than once per policy.
    SharedTable {
        name: "subscription_roles",
        kind: "microsoft.resources/subscriptions",
        package: "posture.lib.identity",
        function: "summarise_roles",
        native: None,
    },
];

/// The rules one policy is asked for, gathered into one generated rule of the policy's
/// package: one evaluation then answers them all, so what `deny`, `applicable` and `unknown`
/// share (a partial rule over every NSG, say) is computed once, not once per rule.
struct Rules {
    entry: String,
    applicable: bool,
    unknown: bool,
}

/// The generated rule's name. A policy that defines it too fails with a rule conflict.
const RESULTS_RULE: &str = "__posture_results";

impl Rules {
    fn new(package: &str, applicable: bool, unknown: bool) -> Self {
        Self {
            entry: format!("data.{package}.{RESULTS_RULE}"),
            applicable,
            unknown,
        }
    }

    /// The module that defines the combined rule. Comprehensions, because regorus leaves a
    /// multi-value rule without values undefined, which would make the whole object so.
    fn module(&self, package: &str) -> String {
        let mut fields = vec!["\"deny\": [x | some x in deny]"];
        if self.applicable {
            fields.push("\"applicable\": [x | some x in applicable]");
        }
        if self.unknown {
            fields.push("\"unknown\": [x | some x in unknown]");
        }
        format!(
            "package {package}\n\n{RESULTS_RULE} := {{{}}}\n",
            fields.join(", ")
        )
    }

    /// Runs the combined rule and splits its value.
    fn values<E>(
        &self,
        mut run: impl FnMut(&str) -> Result<regorus::Value, E>,
    ) -> Result<RuleValues, E> {
        let all = run(&self.entry)?;
        let field = |name: &str| {
            all.as_object()
                .ok()
                .and_then(|o| o.get(&regorus::Value::from(name)).cloned())
                .unwrap_or(regorus::Value::Undefined)
        };
        Ok(RuleValues {
            deny: field("deny"),
            applicable: self.applicable.then(|| field("applicable")),
            unknown: self.unknown.then(|| field("unknown")),
        })
    }
}

/// Their values.
struct RuleValues {
    deny: regorus::Value,
    applicable: Option<regorus::Value>,
    unknown: Option<regorus::Value>,
}

/// Why the RVM did not produce the results.
pub(crate) enum RvmError {
    /// The policy ran out of time: the interpreter would too, so report it.
    TimeLimit(String),
    /// Anything else (a construct the compiler does not support, a builtin error): the
    /// interpreter evaluates the policy and reports any error with its position.
    Fallback,
}

fn timeout_help(opts: &EvalOptions) -> String {
    format!(
        "the policy ran longer than the evaluation limit of {} s; raise it with --eval-timeout if the estate is large",
        opts.timeout.as_secs_f64()
    )
}

/// The wall-clock limit of one evaluation. The clock is read once per 1,024 instructions
/// (microseconds of work): reading it every 64, as before, took about 2% of the CPU of a
/// 100,000-resource assessment (perf).
fn timer(limit: Duration) -> Option<ExecutionTimerConfig> {
    NonZeroU32::new(1024).map(|check| ExecutionTimerConfig {
        limit,
        check_interval: check,
    })
}

/// Compiles one rule of the engine's modules to bytecode.
fn compile(
    engine: &mut regorus::Engine,
    entry: &str,
) -> Result<std::sync::Arc<regorus::rvm::program::Program>, RvmError> {
    use regorus::languages::rego::compiler::Compiler;
    let entry_points = [entry];
    let policy = engine
        .compile_with_entrypoint(&entry.into())
        .map_err(|_| RvmError::Fallback)?;
    Compiler::compile_from_policy(&policy, &entry_points).map_err(|_| RvmError::Fallback)
}

/// A VM for a compiled program and the data it runs on. It keeps the values of the rules
/// that do not read `input` from one run to the next (vendored regorus, POSTURE-PATCH.md
/// item 18): a policy given the inventory in parts computes its tables over `data` once.
fn new_vm(
    program: &std::sync::Arc<regorus::rvm::program::Program>,
    data: &regorus::Value,
) -> Result<regorus::rvm::vm::RegoVM, RvmError> {
    let mut vm = regorus::rvm::vm::RegoVM::new();
    vm.load_program(program.clone());
    // The instruction budget is a guard against runaway loops; the wall-clock limit is the
    // one users set, so the budget must never be what stops a large estate.
    vm.set_max_instructions(usize::MAX);
    // As in the interpreter: a builtin given bad arguments is an error, not undefined.
    vm.set_strict_builtin_errors(true);
    vm.set_keep_input_free_rules(true);
    // Rego functions are pure within a run: a call repeated with the same arguments (the
    // same resource, the same field of it) takes the first call's value (POSTURE-PATCH.md
    // item 33; 41% of the library's calls at 10,000 resources).
    vm.set_memoize_functions(true);
    vm.set_data(data.clone()).map_err(|_| RvmError::Fallback)?;
    Ok(vm)
}

/// Runs a compiled rule on a VM with the given input, within `limit`.
fn run_on(
    vm: &mut regorus::rvm::vm::RegoVM,
    entry: &str,
    input: regorus::Value,
    limit: Duration,
) -> Result<regorus::Value, RvmError> {
    vm.set_execution_timer_config(timer(limit));
    vm.set_input(input);
    match vm.execute_entry_point_by_name(entry) {
        Ok(v) => Ok(v),
        Err(e) => {
            let text = e.to_string();
            if text.contains("time limit") {
                Err(RvmError::TimeLimit(text))
            } else {
                Err(RvmError::Fallback)
            }
        }
    }
}

/// Compiles one rule to bytecode and runs it on a fresh VM.
pub(crate) fn rvm_eval(
    engine: &mut regorus::Engine,
    entry: &str,
    input: regorus::Value,
    limit: Duration,
) -> Result<regorus::Value, RvmError> {
    let program = compile(engine, entry)?;
    run_on(
        &mut new_vm(&program, &engine.get_data())?,
        entry,
        input,
        limit,
    )
}

/// Evaluates the policy's rules with the interpreter.
fn run_interpreter(
    engine: &mut regorus::Engine,
    rules: &Rules,
    input: regorus::Value,
    limit: Duration,
) -> Result<RuleValues, Box<dyn std::fmt::Display>> {
    engine.set_input(input);
    if let Some(t) = timer(limit) {
        engine.set_execution_timer_config(t);
    }
    let run = |name: &str| {
        engine
            .eval_rule(name.to_string())
            .map_err(|e| Box::new(e) as Box<dyn std::fmt::Display>)
    };
    rules.values(run)
}

/// Indices of the resources of the given types, in inventory order.
fn members_of(types: &[String], by_type: &BTreeMap<&str, Vec<usize>>) -> Vec<usize> {
    let kinds: BTreeSet<String> = types.iter().map(|t| t.to_ascii_lowercase()).collect();
    let mut members: Vec<usize> = kinds
        .iter()
        .filter_map(|k| by_type.get(k.as_str()))
        .flatten()
        .copied()
        .collect();
    members.sort_unstable();
    members
}

/// Messages and `fix` objects of one member, from a `deny` (or `unknown`) result.
type Found = (Vec<String>, Vec<Json>);

/// The messages and `fix` objects of a `deny` (or `unknown`) result by member position
/// (`position`: lower-cased id -> position, `None` for a resource that is not a member).
/// Every object must name one of the policy's input resources.
fn findings_by_member(
    result: &regorus::Value,
    rule: &str,
    position: &impl Fn(&str) -> Option<usize>,
    members: usize,
) -> Result<Vec<Option<Found>>, String> {
    let mut out: Vec<Option<Found>> = std::iter::repeat_with(|| None).take(members).collect();
    if matches!(result, regorus::Value::Null | regorus::Value::Undefined) {
        return Ok(out);
    }
    let Some(items) = elements(result) else {
        return Err(format!(
            "`{rule}` must be a set of objects, found {}",
            short(&to_json(result))
        ));
    };
    let (resource, message, fix) = (
        regorus::Value::from("resource"),
        regorus::Value::from("message"),
        regorus::Value::from("fix"),
    );
    for item in items {
        let object = item.as_object().ok();
        let Some(regorus::Value::String(rid)) = object.and_then(|o| o.get(&resource)) else {
            return Err(format!(
                "a `{rule}` object has no string `resource`: {}",
                short(&to_json(item))
            ));
        };
        let Some(found) = position(&rid.to_lowercase()).and_then(|j| out.get_mut(j)) else {
            return Err(format!(
                "`{rule}` names `{rid}`, which is not one of its input resources"
            ));
        };
        let found = found.get_or_insert_with(Found::default);
        found.0.push(match object.and_then(|o| o.get(&message)) {
            Some(regorus::Value::String(m)) => m.to_string(),
            _ => rule.to_string(),
        });
        if let Some(f) = object.and_then(|o| o.get(&fix)) {
            found.1.push(to_json(f));
        }
    }
    Ok(out)
}

/// The elements of an array or a set (sets come back from the engine as either).
fn elements(v: &regorus::Value) -> Option<Box<dyn Iterator<Item = &regorus::Value> + '_>> {
    match v {
        regorus::Value::Array(a) => Some(Box::new(a.iter())),
        regorus::Value::Set(s) => Some(Box::new(s.iter())),
        _ => None,
    }
}

/// An engine value as JSON (sets become arrays).
pub fn to_json(v: &regorus::Value) -> Json {
    match v {
        regorus::Value::Undefined => Json::Null,
        other => serde_json::to_value(other).unwrap_or(Json::Null),
    }
}

fn short(v: &Json) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        let cut: String = s.chars().take(117).collect();
        format!("{cut}...")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::{parent_key, subscription_key, PolicyEngine, Rules, SourceMap};
    use crate::model::State;
    use std::collections::BTreeMap;
    use std::time::Duration;

    #[test]
    fn parents_drop_type_name_pairs_and_provider_namespaces() {
        let rg = "/subscriptions/s/resourcegroups/rg";
        let vm =
            "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm";
        assert_eq!(parent_key(&format!("{vm}/extensions/e")), Some(vm));
        assert_eq!(parent_key(vm), Some(rg));
        assert_eq!(parent_key(rg), Some("/subscriptions/s"));
        assert_eq!(parent_key("/subscriptions/s"), None);
        assert_eq!(
            parent_key(&format!(
                "{vm}/providers/microsoft.insights/diagnosticsettings/d"
            )),
            Some(vm)
        );
        assert_eq!(
            parent_key("/subscriptions/s/providers/microsoft.authorization/roleassignments/x"),
            Some("/subscriptions/s")
        );
        assert_eq!(parent_key("vm1"), None);
        assert_eq!(parent_key("a/b/c/d"), Some("a/b"));
    }

    /// The host's index and the library's scanning fallback (used when no index is loaded,
    /// as in policy unit tests) give the same joins.
    /// A bundled policy the RVM cannot compile still gives the right verdicts (the
    /// interpreter runs it) but several times slower, and nothing else would notice.
    #[test]
    fn every_bundled_policy_and_detection_compiles_for_the_rvm() {
        let (catalog, engine) = bundled();
        let mut refused = Vec::new();
        let mut checked = 0;
        for (_, p) in catalog.recommendations().chain(catalog.detections()) {
            if let Err(why) = compiled(&engine, &catalog, p, false) {
                refused.push(format!("{}: {why}", p.meta.id));
            }
            checked += 1;
        }
        assert!(
            checked > 70,
            "only {checked} policies and detections checked"
        );
        assert!(refused.is_empty(), "{refused:#?}");
    }

    /// The bundled catalog and its engine.
    fn bundled() -> (crate::policy::catalog::Catalog, PolicyEngine) {
        use crate::policy::catalog::{self, CatalogOptions};
        let mut sources = SourceMap::default();
        let mut problems = crate::diag::Problems::default();
        let opts = CatalogOptions {
            bundled: true,
            ..CatalogOptions::default()
        };
        let catalog = catalog::load(&opts, &mut sources, &mut problems);
        let engine = PolicyEngine::new(&catalog, &sources, false, &mut problems);
        assert!(!problems.has_errors(), "{problems:?}");
        (catalog, engine)
    }

    /// A bundled policy's or detection's RVM program, compiled as `evaluate` and the
    /// detections compile it; `from_scratch` analyses every module instead of taking the
    /// library's kept analysis.
    fn compiled(
        engine: &PolicyEngine,
        catalog: &crate::policy::catalog::Catalog,
        p: &crate::policy::catalog::Policy,
        from_scratch: bool,
    ) -> Result<regorus::Rc<regorus::rvm::program::Program>, String> {
        use regorus::languages::rego::compiler::Compiler;
        let module = catalog.module_of(p).ok_or("no module")?;
        let mut e = engine
            .engine_with(catalog, &[p.module])
            .map_err(|(_, why)| why)?;
        if from_scratch {
            e.forget_analysis();
        }
        let entry = if p.meta.alert.is_some() {
            format!("data.{}.alerts", module.package)
        } else {
            let rules = Rules::new(&module.package, p.has_applicable, p.has_unknown);
            e.add_policy("results.rego".into(), rules.module(&module.package))
                .map_err(|err| err.to_string())?;
            rules.entry
        };
        let policy = e
            .compile_with_entrypoint(&entry.as_str().into())
            .map_err(|err| err.to_string())?;
        Compiler::compile_from_policy(&policy, &[entry.as_str()]).map_err(|err| format!("{err:?}"))
    }

    /// The library's analysis, kept once and reused by each policy's engine (vendored regorus,
    /// POSTURE-PATCH.md item 16), gives every bundled policy the same verdicts on the examples
    /// as analysing all of its modules from scratch. The interpreter reads that analysis (the
    /// statement order and loop hoisting); so does the RVM compiler, for loops (item 17).
    #[test]
    fn kept_library_analysis_gives_the_verdicts_of_a_full_analysis() {
        use super::{Backend, EvalOptions, Outcome};
        let estate = examples_estate(None);
        let Estate {
            sources,
            catalog,
            resources,
            values,
        } = &estate;
        let problems = crate::diag::Problems::default();
        let selected: Vec<usize> = catalog.recommendations().map(|(i, _)| i).collect();
        let eval = EvalOptions {
            progress: std::sync::Arc::default(),
            now: "2026-11-26T00:00:00Z".into(),
            timeout: Duration::from_secs(60),
            jobs: 2,
            parameters: catalog
                .policies
                .iter()
                .map(|p| (p.meta.id.clone(), p.meta.parameters.clone()))
                .collect(),
            backend: Backend::Interpreter,
            piece: super::PIECE,
        };
        let verdicts = |from_scratch: bool| {
            let mut engine = PolicyEngine::new(catalog, sources, false, &mut problems.clone());
            if from_scratch {
                engine.engine.forget_analysis();
            }
            engine.set_resources(resources, values, 2).unwrap();
            let outcomes = engine.evaluate(catalog, &selected, resources, values, &eval, sources);
            let unhealthy = outcomes
                .iter()
                .filter_map(|o| match o {
                    Outcome::Verdicts(v) => Some(v),
                    _ => None,
                })
                .flatten()
                .filter(|v| v.state == State::Unhealthy)
                .count();
            (format!("{outcomes:#?}"), unhealthy)
        };
        let (kept, unhealthy) = verdicts(false);
        let (scratch, _) = verdicts(true);
        assert!(selected.len() > 50, "only {} policies", selected.len());
        assert!(
            unhealthy > 20,
            "only {unhealthy} unhealthy verdicts: {kept}"
        );
        assert!(!kept.contains("Failed"), "{kept}");
        assert_eq!(kept, scratch);
    }

    /// The examples estate with the bundled library, for tests that evaluate policies.
    struct Estate {
        sources: SourceMap,
        catalog: crate::policy::catalog::Catalog,
        resources: Vec<crate::model::Resource>,
        values: Vec<regorus::Value>,
    }

    fn examples_estate(user_policies: Option<&std::path::Path>) -> Estate {
        use crate::load::{self, LoadOptions};
        use crate::policy::catalog::{self, CatalogOptions};
        let mut sources = SourceMap::default();
        let mut problems = crate::diag::Problems::default();
        let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let (inventory, _) = load::load_inventory_with(
            &[examples],
            &LoadOptions::default(),
            &mut sources,
            &mut problems,
        );
        let opts = CatalogOptions {
            bundled: user_policies.is_none(),
            dirs: user_policies
                .map(|d| vec![d.to_path_buf()])
                .unwrap_or_default(),
            ..CatalogOptions::default()
        };
        let catalog = catalog::load(&opts, &mut sources, &mut problems);
        assert!(!problems.has_errors(), "{problems:?}");
        let values = inventory
            .resources
            .iter()
            .map(|r| r.value.clone())
            .collect();
        Estate {
            sources,
            catalog,
            resources: inventory.resources,
            values,
        }
    }

    /// The outcomes of every recommendation on the estate, on the RVM, the inventory given
    /// to per-resource policies in parts of `piece` resources (0: whole).
    fn outcomes_in_parts(estate: &Estate, piece: usize, jobs: usize) -> Vec<super::Outcome> {
        use super::{Backend, EvalOptions};
        let selected: Vec<usize> = estate.catalog.recommendations().map(|(i, _)| i).collect();
        let eval = EvalOptions {
            progress: std::sync::Arc::default(),
            now: "2026-11-26T00:00:00Z".into(),
            timeout: Duration::from_secs(60),
            jobs,
            parameters: estate
                .catalog
                .policies
                .iter()
                .map(|p| (p.meta.id.clone(), p.meta.parameters.clone()))
                .collect(),
            backend: Backend::Rvm,
            piece,
        };
        let mut problems = crate::diag::Problems::default();
        let mut engine = PolicyEngine::new(&estate.catalog, &estate.sources, false, &mut problems);
        assert!(!problems.has_errors(), "{problems:?}");
        engine
            .set_resources(&estate.resources, &estate.values, jobs)
            .unwrap();
        engine.evaluate(
            &estate.catalog,
            &selected,
            &estate.resources,
            &estate.values,
            &eval,
            &estate.sources,
        )
    }

    /// Every bundled policy is marked per-resource, and gives the same verdicts, in the same
    /// order, whether it sees all its resources at once or a few at a time (down to one):
    /// none compares or counts its input resources.
    #[test]
    fn bundled_policies_give_the_same_verdicts_in_parts() {
        let estate = examples_estate(None);
        for (_, p) in estate.catalog.recommendations() {
            assert!(
                p.meta.per_resource,
                "{} is not marked per_resource",
                p.meta.id
            );
        }
        let whole = format!("{:#?}", outcomes_in_parts(&estate, 0, 2));
        assert!(!whole.contains("Failed"), "{whole}");
        assert!(whole.matches("Unhealthy").count() > 20, "{whole}");
        assert!(estate.resources.len() > 100, "{}", estate.resources.len());
        for (piece, jobs) in [(1, 2), (7, 2), (7, 1), (64, 2)] {
            let parts = format!("{:#?}", outcomes_in_parts(&estate, piece, jobs));
            assert!(whole == parts, "pieces of {piece} on {jobs} threads differ");
        }
    }

    /// Only a policy marked `per_resource` is given its resources in parts: one that counts
    /// them sees them all unless it claims otherwise.
    #[test]
    fn only_per_resource_policies_are_split() {
        let dir = std::env::temp_dir().join(format!("posture-parts-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let policy = |per_resource: bool| {
            format!(
                "# METADATA\n# title: Counts\n# description: Unhealthy when there are two or more.\n# custom:\n#   id: count-vnets\n#   per_resource: {per_resource}\n#   severity: Low\n#   control: enable-mfa\n#   resource_types: [Microsoft.Network/virtualNetworks]\n#   remediation: None.\npackage user.count_vnets\n\ndeny contains {{\"resource\": r.id, \"message\": \"many\"}} if {{\n\tcount(input.resources) > 1\n\tsome r in input.resources\n}}\n"
            )
        };
        let unhealthy = |per_resource: bool| {
            std::fs::write(dir.join("count.rego"), policy(per_resource)).unwrap();
            let estate = examples_estate(Some(&dir));
            let vnets = estate
                .resources
                .iter()
                .filter(|r| r.kind_key.as_ref() == "microsoft.network/virtualnetworks")
                .count();
            assert!(vnets > 1, "the examples have {vnets} virtual networks");
            let found = outcomes_in_parts(&estate, 1, 2);
            let [super::Outcome::Verdicts(v)] = found.as_slice() else {
                panic!("{found:?}");
            };
            assert_eq!(v.len(), vnets);
            v.iter().filter(|v| v.state == State::Unhealthy).count()
        };
        let (whole, split) = (unhealthy(false), unhealthy(true));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(whole > 1, "{whole}");
        assert_eq!(split, 0);
    }

    /// A per-resource policy the VM refuses runs on the interpreter part by part, with the
    /// verdicts it has whole; one whose evaluation fails (here in every part) fails once,
    /// with the error's file and line, as it does whole.
    #[test]
    fn per_resource_policies_the_vm_refuses_or_fails_on() {
        let dir = std::env::temp_dir().join(format!("posture-refused-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let head = |id: &str| {
            format!("# METADATA\n# title: T\n# description: D.\n# custom:\n#   id: {id}\n#   per_resource: true\n#   severity: Low\n#   control: enable-mfa\n#   resource_types: [Microsoft.Network/virtualNetworks]\n#   remediation: None.\npackage user.{}\n\n", id.replace('-', "_"))
        };
        // A multi-value rule with a key: the RVM compiler refuses it (POSTURE-PATCH.md 2).
        let refused = format!(
            "{}_spaces[k] contains p if {{\n\tsome r in input.resources\n\tk := lower(r.id)\n\tsome p in r.properties.addressSpace.addressPrefixes\n}}\n\ndeny contains {{\"resource\": r.id, \"message\": concat(\", \", sort(_spaces[lower(r.id)]))}} if {{\n\tsome r in input.resources\n\tcount(_spaces[lower(r.id)]) < 2\n}}\n",
            head("refused-by-vm")
        );
        let failing = format!(
            "{}deny contains {{\"resource\": r.id, \"message\": \"x\"}} if {{\n\tsome r in input.resources\n\tcount(true) > 0\n}}\n",
            head("fails-at-run")
        );
        std::fs::write(dir.join("refused.rego"), refused).unwrap();
        std::fs::write(dir.join("failing.rego"), failing).unwrap();
        let estate = examples_estate(Some(&dir));
        let by_id = |outcomes: Vec<super::Outcome>| -> BTreeMap<String, String> {
            estate
                .catalog
                .recommendations()
                .map(|(_, p)| p.meta.id.clone())
                .zip(outcomes.iter().map(|o| format!("{o:#?}")))
                .collect()
        };
        let engine = PolicyEngine::new(
            &estate.catalog,
            &estate.sources,
            false,
            &mut crate::diag::Problems::default(),
        );
        let (_, p) = estate
            .catalog
            .recommendations()
            .find(|(_, p)| p.meta.id == "refused-by-vm")
            .unwrap();
        assert!(compiled(&engine, &estate.catalog, p, false).is_err());
        let whole = by_id(outcomes_in_parts(&estate, 0, 2));
        let in_parts = outcomes_in_parts(&estate, 1, 2);
        let at = estate
            .catalog
            .recommendations()
            .position(|(_, p)| p.meta.id == "fails-at-run")
            .unwrap();
        let super::Outcome::Failed(problem) = &in_parts[at] else {
            panic!("{:?}", in_parts[at]);
        };
        assert!(
            problem.file().unwrap().ends_with("failing.rego"),
            "{problem:?}"
        );
        assert_eq!(problem.line(), Some(15), "{problem:?}");
        let parts = by_id(in_parts);
        let _ = std::fs::remove_dir_all(&dir);
        let refused = &whole["refused-by-vm"];
        assert!(refused.starts_with("Verdicts"), "{refused}");
        assert!(refused.contains("Unhealthy"), "{refused}");
        assert_eq!(&parts["refused-by-vm"], refused);
        assert_eq!(parts["fails-at-run"], whole["fails-at-run"]);
    }

    /// The compiler marks the rules whose values do not depend on `input` (vendored regorus,
    /// POSTURE-PATCH.md item 18): through any chain of rules and functions, and never a rule
    /// that looks up `data` by a computed path (which may evaluate any rule).
    #[test]
    fn rules_that_never_read_input_are_marked() {
        use regorus::languages::rego::compiler::Compiler;
        let module = r#"package t

table := count(data.things)

plus_table(x) := x + count(data.things)

via_function := plus_table(1)

plus_input(x) := x + count(input.items)

via_input_function := plus_input(1)

direct := count(input.items)

indirect := direct + table

dynamic := [v | some k in ["value"]; v := data.other[k]]

results := [table, via_function, via_input_function, direct, indirect, dynamic]
"#;
        let mut engine = regorus::Engine::new();
        engine.add_policy("t.rego".into(), module.into()).unwrap();
        engine
            .add_policy("other.rego".into(), "package other\n\nvalue := 1\n".into())
            .unwrap();
        engine
            .add_data(regorus::Value::from_json_str(r#"{"things": [1, 2, 3]}"#).unwrap())
            .unwrap();
        let policy = engine
            .compile_with_entrypoint(&"data.t.results".into())
            .unwrap();
        let program = Compiler::compile_from_policy(&policy, &["data.t.results"]).unwrap();
        let free: BTreeMap<&str, bool> = program
            .rule_infos
            .iter()
            .zip(&program.input_free_rules)
            .map(|(r, f)| (r.name.trim_start_matches("data.t."), *f))
            .collect();
        let expected: BTreeMap<&str, bool> = [
            ("data.other.value", true),
            ("table", true),
            ("plus_table", true),
            ("via_function", true),
            ("plus_input", false),
            ("via_input_function", false),
            ("direct", false),
            ("indirect", false),
            ("dynamic", false),
            ("results", false),
        ]
        .into_iter()
        .collect();
        assert_eq!(free, expected);
    }

    /// A VM told to keep them starts each run with the input-free rules' values of its last
    /// successful run; new data discards them. `time.now_ns` (not allowed in policies) makes
    /// a recomputation visible.
    #[test]
    fn a_vm_keeps_input_free_rule_values_until_the_data_changes() {
        let module =
            "package t\n\nstamp := time.now_ns()\n\nresults := [stamp, count(input.items)]\n";
        let (engine, program) = program_of(module);
        let mut vm = super::new_vm(&program, &engine.get_data()).ok().unwrap();
        let run = |vm: &mut regorus::rvm::vm::RegoVM, items: &str| {
            let input = regorus::Value::from_json_str(&format!(r#"{{"items": {items}}}"#)).unwrap();
            let v = super::run_on(vm, "data.t.results", input, Duration::from_secs(10))
                .ok()
                .unwrap();
            let a = v.as_array().unwrap().clone();
            (a[0].clone(), a[1].clone())
        };
        let (first, n1) = run(&mut vm, "[1]");
        let (second, n2) = run(&mut vm, "[1, 2]");
        assert_eq!(
            (n1, n2),
            (regorus::Value::from(1u64), regorus::Value::from(2u64))
        );
        assert_eq!(first, second, "the input-free rule was computed again");
        vm.set_data(engine.get_data()).unwrap();
        let (third, _) = run(&mut vm, "[1]");
        assert_ne!(first, third, "new data kept an old value");
        // Without the option every run computes it.
        vm.set_keep_input_free_rules(false);
        let (fourth, _) = run(&mut vm, "[1]");
        let (fifth, _) = run(&mut vm, "[1]");
        assert_ne!(fourth, fifth);
    }

    /// ... and every bundled policy and detection compiles to the same RVM program,
    /// instruction for instruction: the compiler takes its loops from that analysis.
    #[test]
    fn kept_library_analysis_compiles_every_policy_as_a_full_analysis_does() {
        use regorus::rvm::program::{generate_assembly_listing, AssemblyListingConfig};
        let (catalog, engine) = bundled();
        let mut checked = 0;
        for (_, p) in catalog.recommendations().chain(catalog.detections()) {
            let listing = |from_scratch| {
                let program = compiled(&engine, &catalog, p, from_scratch).unwrap();
                generate_assembly_listing(&program, &AssemblyListingConfig::default())
            };
            let (kept, scratch) = (listing(false), listing(true));
            assert!(kept.contains("LoopStart"), "{}: {kept}", p.meta.id);
            assert_eq!(kept, scratch, "{}", p.meta.id);
            checked += 1;
        }
        assert!(
            checked > 70,
            "only {checked} policies and detections checked"
        );
    }

    /// Policies and detections take the library's kept analysis; an engine told to forget it,
    /// and a module in a library package (as the library's own tests are), analyse
    /// everything.
    #[test]
    fn policies_take_the_kept_library_analysis() {
        let (catalog, engine) = bundled();
        let prepared = |modules: &[usize], forget: bool| {
            let mut e = engine.engine_with(&catalog, modules).unwrap();
            if forget {
                e.forget_analysis();
            }
            e.eval_query("true".into(), false).unwrap();
            e.reused_analysis()
        };
        let mut checked = 0;
        for (_, p) in catalog.recommendations().chain(catalog.detections()) {
            assert!(prepared(&[p.module], false), "{}", p.meta.id);
            assert!(!prepared(&[p.module], true), "{}", p.meta.id);
            checked += 1;
        }
        assert!(
            checked > 70,
            "only {checked} policies and detections checked"
        );
        let mut e = engine.engine.clone();
        e.add_policy(
            "util_test.rego".into(),
            "package posture.lib.util\n\ntest_true if true\n".into(),
        )
        .unwrap();
        e.eval_query("true".into(), false).unwrap();
        assert!(!e.reused_analysis());
    }

    /// A module added in a package of the kept analysis changes what that package's names
    /// mean, so the engine analyses everything again: here `y = 5` in the library binds a
    /// local variable until a rule `y` joins the package, and then compares with it.
    #[test]
    fn a_module_joining_a_kept_package_is_analysed_with_it() {
        let library = "package lib\n\ng := v if {\n\ty = 5\n\tv := y\n}\n";
        let mut base = regorus::Engine::new();
        base.add_policy("lib.rego".into(), library.into()).unwrap();
        base.keep_analysis().unwrap();
        let results = |extra: Option<&str>| {
            let mut e = base.clone();
            if let Some(text) = extra {
                e.add_policy("more.rego".into(), text.into()).unwrap();
            }
            on_both_engines(e, "data.lib.g", regorus::Value::new_object())
        };
        let five = regorus::Value::from(5);
        assert_eq!(results(None), (five.clone(), five.clone()));
        // Another package: the kept analysis holds.
        assert_eq!(
            results(Some("package other\n\ny := 6\n")),
            (five.clone(), five)
        );
        // The same package: `y` is the rule now, 6, so `y = 5` fails and `g` is undefined.
        let undefined = regorus::Value::Undefined;
        assert_eq!(
            results(Some("package lib\n\ny := 6\n")),
            (undefined.clone(), undefined)
        );
    }

    /// A policy's results are checked before they become verdicts: every object names one
    /// of its input resources by a string `resource` (any case), a missing message is the
    /// rule's name, fixes are kept, and anything else is an error naming what was wrong.
    #[test]
    fn findings_are_matched_to_members_and_bad_results_are_errors() {
        use super::findings_by_member;
        let members = ["/subs/s/a", "/subs/s/b"];
        let position = |key: &str| members.iter().position(|m| *m == key);
        let value = |json: &str| regorus::Value::from_json_str(json).unwrap();

        let found = findings_by_member(
            &value(
                r#"[{"resource": "/SUBS/s/B", "message": "m1", "fix": {"x": 1}},
                    {"resource": "/subs/s/b"},
                    {"resource": "/subs/s/b", "message": 7, "fix": null}]"#,
            ),
            "deny",
            &position,
            members.len(),
        )
        .unwrap();
        assert_eq!(found.len(), 2);
        assert!(found[0].is_none());
        let (messages, fixes) = found[1].clone().unwrap();
        assert_eq!(messages, ["m1", "deny", "deny"]);
        assert_eq!(
            fixes,
            [serde_json::json!({"x": 1}), serde_json::Value::Null]
        );

        for empty in [regorus::Value::Undefined, regorus::Value::Null, value("[]")] {
            let none = findings_by_member(&empty, "deny", &position, 2).unwrap();
            assert!(none.iter().all(Option::is_none));
        }

        let err =
            |json: &str| findings_by_member(&value(json), "unknown", &position, 2).unwrap_err();
        assert_eq!(
            err(r#"[{"resource": "/subs/s/c"}]"#),
            "`unknown` names `/subs/s/c`, which is not one of its input resources"
        );
        assert!(err(r#"[{"message": "m"}]"#)
            .starts_with("a `unknown` object has no string `resource`: "));
        assert!(err(r#"[{"resource": 3}]"#)
            .starts_with("a `unknown` object has no string `resource`: "));
        assert!(
            err(r#"["/subs/s/a"]"#).starts_with("a `unknown` object has no string `resource`: ")
        );
        assert!(err(r#"{"resource": "/subs/s/a"}"#)
            .starts_with("`unknown` must be a set of objects, found "));
    }

    /// `data.t.results` of a module on the RVM and on the interpreter, with input
    /// `{"xs": [1, 2]}`.
    fn both_engines(module: &str) -> (regorus::Value, regorus::Value) {
        let mut engine = regorus::Engine::new();
        engine.add_policy("t.rego".into(), module.into()).unwrap();
        let input = regorus::Value::from_json_str(r#"{"xs": [1, 2]}"#).unwrap();
        on_both_engines(engine, "data.t.results", input)
    }

    /// A one-module engine and its RVM program for `data.t.results`.
    fn program_of(module: &str) -> (regorus::Engine, regorus::Rc<regorus::rvm::program::Program>) {
        use regorus::languages::rego::compiler::Compiler;
        let mut engine = regorus::Engine::new();
        engine.add_policy("t.rego".into(), module.into()).unwrap();
        let policy = engine
            .compile_with_entrypoint(&"data.t.results".into())
            .unwrap();
        let program = Compiler::compile_from_policy(&policy, &["data.t.results"]).unwrap();
        (engine, program)
    }

    /// Asserts that `data.t.results` of the module is `want` (JSON) on the interpreter and
    /// on the RVM.
    fn assert_both_engines_give(module: &str, want: &str) {
        let (rvm, interpreter) = both_engines(module);
        let want = regorus::Value::from_json_str(want).unwrap();
        assert_eq!(interpreter, want);
        assert_eq!(rvm, want);
    }

    /// A rule's value on the RVM and on the interpreter.
    fn on_both_engines(
        mut engine: regorus::Engine,
        rule: &str,
        input: regorus::Value,
    ) -> (regorus::Value, regorus::Value) {
        let rvm = super::rvm_eval(
            &mut engine.clone(),
            rule,
            input.clone(),
            std::time::Duration::from_secs(10),
        );
        let Ok(rvm) = rvm else {
            panic!("the RVM refused or failed the module");
        };
        engine.set_input(input);
        let interpreter = engine.eval_rule(rule.into()).unwrap();
        (rvm, interpreter)
    }

    /// An `else` chain whose body iterates and finds nothing goes on to the `else` body on
    /// the RVM as in the interpreter (a fix of the vendored regorus: the chain used to stop,
    /// leaving the function undefined, and machine-os-baseline lost file findings).
    #[test]
    fn else_follows_a_body_whose_iteration_finds_nothing() {
        let module = r#"package t

first(xs) := "first" if {
	some x in xs
	x == 99
} else := "second"

middle(xs) := "a" if {
	count(xs) == 0
} else := "b" if {
	xs[_] == 99
} else := "c"

found(xs) := "first" if {
	some x in xs
	x == 2
} else := "second"

complete := "first" if {
	some x in input.xs
	x == 99
} else := "second"

results := [first([1, 2]), middle([1, 2]), found([1, 2]), complete]
"#;
        assert_both_engines_give(module, r#"["second", "c", "first", "second"]"#);
    }

    /// A function body that holds but whose value is undefined has not succeeded: the `else`
    /// answers, as in OPA and on the RVM. The vendored interpreter used to stop there and
    /// leave the function undefined (a fix of the vendored regorus), so a policy written
    /// that way had other verdicts under `posture policies test` than under `assess`.
    #[test]
    fn else_follows_a_body_whose_value_is_undefined() {
        let module = r#"package t

table := {"a": "from the table"}

lookup(k) := table[k] if is_string(k)

else := "from else"

nested(k) := v if {
	v := table[k]
} else := "from else"

complete := input.missing if {
	true
} else := "from else"

results := [lookup("a"), lookup("zz"), lookup(1), nested("zz"), complete]
"#;
        assert_both_engines_give(
            module,
            r#"["from the table", "from else", "from else", "from else", "from else"]"#,
        );
    }

    /// The variables of `every` are bound in its body on the RVM as in the interpreter (a
    /// fix of the vendored regorus, POSTURE-PATCH.md item 25): the loop analysis left them
    /// unbound, so `every k in ks { obj[k] == 1 }` compiled as "some value of obj is 1" and
    /// held for keys whose values fail.
    #[test]
    fn every_binds_its_variables_in_its_body() {
        let module = r#"package t

obj := {"a": 1, "b": 2, "c": 1}

all_one(ks) := true if {
	every k in ks {
		obj[k] == 1
	}
} else := false

all_in(ks, allowed) := true if {
	every k in ks {
		obj[k] in allowed
	}
} else := false

at_position(ks) := true if {
	every i, k in ks {
		obj[k] == i + 1
	}
} else := false

results := {
	"one": [all_one(["a"]), all_one(["a", "c"]), all_one(["b"]), all_one(["a", "b"]), all_one([])],
	"in": [all_in(["a"], {1}), all_in(["b"], {1}), all_in(["a", "b"], {1, 2}), all_in(["a", "b"], {0})],
	"position": [at_position(["a", "b"]), at_position(["b", "a"])],
}
"#;
        assert_both_engines_give(
            module,
            r#"{"one": [true, true, false, false, true],
                "in": [true, false, true, false],
                "position": [true, false]}"#,
        );
    }

    /// Function parameters that are plain variables name their argument registers on the RVM
    /// (POSTURE-PATCH.md item 26: no destructuring block, the VM checks the arguments
    /// instead), and every kind of parameter binds as in the interpreter: an undefined
    /// argument makes the call undefined whatever the parameter (`_`, a variable the body
    /// does not use, one it negates), patterns still check their values, and the arguments
    /// stay bound through `else` bodies and several definitions.
    #[test]
    fn function_parameters_bind_as_in_the_interpreter() {
        let module = r#"package t

plain(x, y) := x + y

ignored(_) := 1

unused(x) := 1

negated(x) if not x

pattern([a, b]) := a + b

mixed(x, "k") := x

mixed(x, y) := y if y != "k"

chain(x) := "big" if x > 10
else := "small" if x > 0
else := x

guard(x) if x.a == 1

nested(x) := plain(x, 1) + 1

results := {
	"plain": [plain(1, 2), [v | v := plain(input.nope, 1)], [v | v := plain(1, input.nope)]],
	"ignored": [ignored(1), [v | v := ignored(input.nope)]],
	"unused": [unused(false), [v | v := unused(input.nope)]],
	"negated": [negated(false), [v | negated(input.nope); v := 1], [v | negated(true); v := 1]],
	"pattern": [pattern([1, 2]), [v | v := pattern(input.nope)], [v | v := pattern([1])]],
	"mixed": [mixed(1, "k"), mixed(1, "j")],
	"chain": [chain(11), chain(5), chain(-3), [v | v := chain(input.nope)]],
	"guard": [guard({"a": 1}), [v | guard({"a": 2}); v := 1], [v | guard(input.nope); v := 1]],
	"not": [v | not guard(input.nope); v := 1],
	"nested": nested(2),
}
"#;
        assert_both_engines_give(
            module,
            r#"{"plain": [3, [], []], "ignored": [1, []], "unused": [1, []],
                "negated": [true, [], []], "pattern": [3, [], []], "mixed": [1, "j"],
                "chain": ["big", "small", -3, []], "guard": [true, [], []], "not": [1],
                "nested": 4}"#,
        );

        // Only the definitions with a pattern among their parameters keep a block.
        use regorus::rvm::program::{generate_assembly_listing, AssemblyListingConfig};
        let (_, program) = program_of(module);
        let listing = generate_assembly_listing(&program, &AssemblyListingConfig::default());
        assert_eq!(
            listing.matches("DestructuringSuccess").count(),
            2,
            "{listing}"
        );
    }

    /// Values keep regorus's order (POSTURE-PATCH.md item 30 writes it out with a shortcut
    /// for two references to one value): kinds in declaration order, then contents, strings
    /// by bytes, arrays and objects entry by entry, and a value equal to itself whether it
    /// is the same reference or a copy built apart.
    #[test]
    fn values_keep_their_order() {
        use std::cmp::Ordering;
        let v = |json: &str| regorus::Value::from_json_str(json).unwrap();
        let set = |items: &[&str]| {
            regorus::Value::from(
                items
                    .iter()
                    .map(|j| v(j))
                    .collect::<std::collections::BTreeSet<_>>(),
            )
        };
        let ascending = [
            v("null"),
            v("false"),
            v("true"),
            v("-1"),
            v("2.5"),
            v("10"),
            v(r#""""#),
            v(r#""a""#),
            v(r#""ab""#),
            v(r#""b""#),
            v("[]"),
            v("[1]"),
            v("[1, 2]"),
            v(r#"[1, "a"]"#),
            v("[2]"),
            set(&[]),
            set(&["1"]),
            set(&["1", "2"]),
            set(&["2"]),
            v("{}"),
            v(r#"{"a": 1}"#),
            v(r#"{"a": 1, "b": 1}"#),
            v(r#"{"a": 2}"#),
            v(r#"{"b": 0}"#),
            regorus::Value::Undefined,
        ];
        // Each built twice: the copies are equal without being the same reference.
        let again: Vec<regorus::Value> = ascending
            .iter()
            .map(|x| match x {
                regorus::Value::Set(s) => regorus::Value::from(
                    s.iter().cloned().collect::<std::collections::BTreeSet<_>>(),
                ),
                regorus::Value::Undefined => regorus::Value::Undefined,
                other => v(&other.to_json_str().unwrap()),
            })
            .collect();
        for (i, a) in ascending.iter().enumerate() {
            for (j, b) in ascending.iter().enumerate() {
                let want = i.cmp(&j);
                assert_eq!(a.cmp(b), want, "{a} against {b}");
                assert_eq!(a.partial_cmp(b), Some(want), "{a} against {b}");
                assert_eq!(again[i].cmp(b), want, "a copy of {a} against {b}");
                assert_eq!(a.cmp(&again[j]), want, "{a} against a copy of {b}");
            }
            assert_eq!(a.cmp(&a.clone()), Ordering::Equal);
        }
        // Objects inside objects, by reference and by copy.
        let inner = v(r#"{"k": [1, {"x": "y"}]}"#);
        let outer = |x: &regorus::Value| {
            let mut m = std::collections::BTreeMap::new();
            m.insert(regorus::Value::from("v"), x.clone());
            regorus::Value::from(m)
        };
        assert_eq!(outer(&inner).cmp(&outer(&inner)), Ordering::Equal);
        assert_eq!(
            outer(&inner).cmp(&outer(&v(r#"{"k": [1, {"x": "z"}]}"#))),
            Ordering::Less
        );
    }

    /// regorus's `Set` is a sorted vector until an insertion into the middle of a large one
    /// turns it into a tree (POSTURE-PATCH.md item 31). Run against a `BTreeSet` in
    /// lockstep (the storage it replaced, whose choices the policies' values depend on),
    /// over 8,000 pseudo-random steps that cross the switch: the same answers, the same
    /// elements in the same order and, of two equal elements (copies built apart), the same
    /// one kept by every operation.
    #[test]
    fn sets_keep_what_a_tree_keeps() {
        use regorus::value::Set;
        use regorus::Value;
        use std::collections::BTreeSet;
        // Which copy a value is: strings, arrays and objects by their allocation.
        fn at(v: &Value) -> usize {
            match v {
                Value::String(s) => s.as_ptr() as usize,
                Value::Array(a) => std::ptr::from_ref(&**a) as usize,
                Value::Object(o) => std::ptr::from_ref(&**o) as usize,
                _ => 0,
            }
        }
        fn same(set: &Set, model: &BTreeSet<Value>, what: &str) {
            assert_eq!(set.len(), model.len(), "{what}: length");
            assert_eq!(set.is_empty(), model.is_empty(), "{what}");
            for (i, (a, b)) in set.iter_sorted().zip(model.iter()).enumerate() {
                assert_eq!(a, b, "{what}: element {i}");
                assert_eq!(at(a), at(b), "{what}: element {i} is another copy");
            }
            assert!(set.iter().eq(model.iter()), "{what}: iter");
            assert!(
                set.iter_sorted().rev().eq(model.iter().rev()),
                "{what}: reversed"
            );
            assert_eq!(set.first(), model.first(), "{what}: first");
            assert_eq!(set.last(), model.last(), "{what}: last");
            let mut cursor = set.cursor();
            let mut walked = Vec::new();
            while let Some(v) = set.next(&mut cursor) {
                walked.push(v.clone());
            }
            assert!(walked.iter().eq(model.iter()), "{what}: cursor");
            let owned: Vec<Value> = set.clone().into_iter().collect();
            assert!(owned.iter().eq(model.iter()), "{what}: into_iter");
        }
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        // A fresh copy of value k each time (strings, findings-like objects, arrays).
        let make = |k: u64| -> Value {
            match k % 3 {
                0 => Value::from(format!("/subscriptions/s/resourcegroups/g/{k:05}")),
                1 => Value::from_json_str(&format!(
                    r#"{{"message": "m{}", "resource": "/subscriptions/s/{k:05}"}}"#,
                    k % 7
                ))
                .unwrap(),
                _ => Value::from_json_str(&format!("[{}, \"{k:05}\"]", k % 5)).unwrap(),
            }
        };
        let mut set = Set::new();
        let mut model = BTreeSet::new();
        let pool = 3_000;
        for step in 0..8_000u64 {
            let what = format!("step {step}");
            match next(12) {
                // Mostly insertions, some in ascending order (how results arrive).
                0..=4 => {
                    let k = next(pool);
                    let v = make(k);
                    assert_eq!(set.insert(v.clone()), model.insert(v), "{what}: insert");
                }
                5 => {
                    let base = next(pool);
                    for k in base..base + next(40) {
                        let v = make(k);
                        assert_eq!(set.insert(v.clone()), model.insert(v), "{what}: run");
                    }
                }
                6 => {
                    let v = make(next(pool));
                    assert_eq!(set.remove(&v), model.remove(&v), "{what}: remove");
                }
                7 => {
                    let v = make(next(pool));
                    assert_eq!(set.contains(&v), model.contains(&v), "{what}: contains");
                    assert_eq!(set.get(&v).map(at), model.get(&v).map(at), "{what}: get");
                }
                8 => {
                    // Another set, built from a vector with duplicates and by `extend`.
                    let items: Vec<Value> = (0..next(300)).map(|_| make(next(pool))).collect();
                    let other = items.iter().cloned().collect::<Set>();
                    let other_model = items.iter().cloned().collect::<BTreeSet<_>>();
                    same(&other, &other_model, &format!("{what}: from_iter"));
                    let mut grown = set.clone();
                    let mut grown_model = model.clone();
                    grown.extend(items.iter().cloned());
                    grown_model.extend(items.iter().cloned());
                    same(&grown, &grown_model, &format!("{what}: extend"));
                    for (a, b, name) in [
                        (&set, &other, "set with other"),
                        (&other, &set, "other with set"),
                    ] {
                        let (ma, mb) = if name == "set with other" {
                            (&model, &other_model)
                        } else {
                            (&other_model, &model)
                        };
                        let w = format!("{what}: {name}");
                        let union: BTreeSet<Value> = ma.union(mb).cloned().collect();
                        let inter: BTreeSet<Value> = ma.intersection(mb).cloned().collect();
                        let diff: BTreeSet<Value> = ma.difference(mb).cloned().collect();
                        same(&a.union(b), &union, &format!("{w} union"));
                        same(&a.intersection(b), &inter, &format!("{w} intersection"));
                        same(&a.difference(b), &diff, &format!("{w} difference"));
                        assert_eq!(a.is_subset(b), ma.is_subset(mb), "{w} subset");
                        assert_eq!(a == b, ma == mb, "{w} ==");
                        assert_eq!(a.cmp(b), ma.iter().cmp(mb.iter()), "{w} order");
                    }
                    if next(4) == 0 {
                        let mut moved = other.clone();
                        let mut moved_model = other_model.clone();
                        set.append(&mut moved);
                        model.append(&mut moved_model);
                        same(&moved, &moved_model, &format!("{what}: appended from"));
                    }
                }
                9 => {
                    let m = usize::try_from(next(5) + 2).unwrap();
                    let keep = |v: &Value| v.to_json_str().unwrap().len() % m != 0;
                    set.retain(keep);
                    model.retain(keep);
                }
                10 => {
                    // The same elements stored the other way are the same set.
                    let rebuilt: Set = set.iter_sorted().cloned().collect();
                    assert!(rebuilt == set, "{what}: rebuilt ==");
                    assert_eq!(rebuilt.cmp(&set), std::cmp::Ordering::Equal, "{what}");
                    let mut grown = Set::new();
                    for v in set.iter_sorted().rev() {
                        grown.insert(v.clone());
                    }
                    assert!(grown == set, "{what}: grown backwards ==");
                }
                _ => {
                    if next(50) == 0 {
                        set.clear();
                        model.clear();
                    }
                }
            }
            // A difference stays, so a full comparison every few steps finds it.
            assert_eq!(set.len(), model.len(), "{what}: length");
            if step % 32 == 0 {
                same(&set, &model, &what);
            }
        }
        same(&set, &model, "the end");
        // Sets that meet only at one end, one of them much smaller: `BTreeSet` answers with
        // the receiver's copy of the element they share, where it otherwise keeps the smaller
        // set's.
        let big: Vec<Value> = (0..40).map(make).collect();
        let big_set: Set = big.iter().cloned().collect();
        let big_model: BTreeSet<Value> = big.iter().cloned().collect();
        let ends = [
            big_model.first(),
            big_model.last(),
            big_model.iter().nth(20),
        ];
        for (k, end) in ends.into_iter().flatten().enumerate() {
            // A copy built apart.
            let copy = Value::from_json_str(&end.to_json_str().unwrap()).unwrap();
            let one: Set = [copy].into_iter().collect();
            let one_model: BTreeSet<Value> = one.iter_sorted().cloned().collect();
            for (a, b, ma, mb) in [
                (&big_set, &one, &big_model, &one_model),
                (&one, &big_set, &one_model, &big_model),
            ] {
                let inter: BTreeSet<Value> = ma.intersection(mb).cloned().collect();
                same(&a.intersection(b), &inter, &format!("meeting at {k}"));
            }
        }
    }

    /// A function of one definition runs its bodies straight from the call on the RVM
    /// (POSTURE-PATCH.md item 29), with the interpreter's values: the first body that gives
    /// a value wins (`false` and `null` too), a body that fails or ends without a value
    /// (an iteration that finds nothing, an undefined value) goes on to its `else`, the
    /// arguments stay bound through the chain while the body's own variables do not, loops
    /// and comprehensions inside the function leave the caller's loop going, a function
    /// may return its argument, call another or fail as a whole, and a builtin's error in a
    /// body stops the evaluation as before.
    #[test]
    fn single_definition_functions_run_as_in_the_interpreter() {
        let module = r#"package t

one(x) := x * 10 if x > 1

same(x) := x

falsy(x) := false if x == 0
else := null if x == 1
else := x

table := {"a": "A"}

looked(k) := table[k] if is_string(k)
else := "other"

found(xs) := "nine" if {
	some x in xs
	x == 9
} else := "none"

scoped(x) := y if {
	y := x + 1
	y > 5
} else := y if {
	y := x - 1
} else := "unbound"

counted(xs) := count([x | some x in xs; x > 1])

any_big(xs) if {
	some x in xs
	x > 1
}

calls(x) := one(x) + same(x)

results := {
	"one": [one(2), [v | v := one(1)], [v | some x in input.xs; v := one(x)]],
	"same": [same("s"), [v | v := same(input.nope)]],
	"falsy": [falsy(0), falsy(1), falsy(2)],
	"looked": [looked("a"), looked("b"), looked(1)],
	"found": [found([1, 9]), found([1, 2]), found([])],
	"scoped": [scoped(10), scoped(1)],
	"counted": [c | some x in input.xs; c := counted([x, x + 1, x + 2])],
	"any_big": [[x, v] | some x in input.xs; v := any_big([x, 0])],
	"not": [x | some x in input.xs; not any_big([x])],
	"calls": [calls(2), [v | v := calls(1)]],
}
"#;
        assert_both_engines_give(
            module,
            r#"{"one": [20, [], [20]], "same": ["s", []], "falsy": [false, null, 2],
                "looked": ["A", "other", "other"], "found": ["nine", "none", "none"],
                "scoped": [11, 0], "counted": [2, 3], "any_big": [[2, true]], "not": [1],
                "calls": [22, []]}"#,
        );

        // A builtin's error in a body is the evaluation's error on both engines.
        let failing =
            "package t\n\nbad(x) := to_number(x)\n\nresults := [bad(\"1\"), bad(\"x\")]\n";
        let mut engine = regorus::Engine::new();
        engine.add_policy("t.rego".into(), failing.into()).unwrap();
        let rvm = super::rvm_eval(
            &mut engine.clone(),
            "data.t.results",
            regorus::Value::new_object(),
            std::time::Duration::from_secs(10),
        );
        assert!(
            matches!(rvm, Err(super::RvmError::Fallback)),
            "the RVM gave {:?}",
            rvm.ok()
        );
        assert!(engine.eval_rule("data.t.results".into()).is_err());
    }

    /// An array or object comprehension whose output is undefined for an iteration adds
    /// nothing for it on the RVM, as in the interpreter and as set comprehensions already
    /// did (POSTURE-PATCH.md item 32): the RVM kept undefined elements, so
    /// `count([f(x) | some x in xs])` counted the `x` for which `f(x)` is undefined.
    #[test]
    fn comprehensions_leave_out_undefined_outputs_as_in_the_interpreter() {
        let module = r#"package t

big(x) := x if x > 1

results := {
	"array": [big(x) | some x in input.xs],
	"nested": [[big(x)] | some x in input.xs],
	"object_value": {x: big(x) | some x in input.xs},
	"object_key": {big(x): x | some x in input.xs},
	"field": [x.nope | some x in input.xs],
	"in_object": [{"v": big(x)} | some x in input.xs],
	"counted": count([big(x) | some x in input.xs]),
	"set": {big(x) | some x in input.xs},
	"defined": [y | some x in input.xs; y := big(x)],
}
"#;
        let mut engine = regorus::Engine::new();
        engine.add_policy("t.rego".into(), module.into()).unwrap();
        let input = regorus::Value::from_json_str(r#"{"xs": [0, 1, 2, 3]}"#).unwrap();
        let (rvm, interpreter) = on_both_engines(engine, "data.t.results", input);
        let want = regorus::Value::from_json_str(r#"{"array": [2, 3], "counted": 2}"#).unwrap();
        assert_eq!(interpreter["counted"], want["counted"]);
        assert_eq!(rvm["array"], want["array"]);
        assert_eq!(rvm["counted"], want["counted"]);
        assert_eq!(rvm, interpreter);
    }

    /// A user function called again with the same arguments in one run takes the first
    /// call's value on the RVM (POSTURE-PATCH.md item 33), and every value stays the
    /// interpreter's: thousands of strings built one by one and dropped as the loop goes on
    /// (a remembered call names its arguments by allocation, which must not be reused for
    /// another value), the same value called again, equal values built apart, numbers of
    /// each kind, objects and their fields, undefined values, `not` and `else`.
    #[test]
    fn repeated_calls_give_the_first_value_as_in_the_interpreter() {
        let module = r#"package t

tag(x) := sprintf("<%v>", [x])

kind(x) := type_name(x)

size(x) := count(x)

pick(o, k) := o[k]

plus(a, b) := a + b

big(x) if x > 1

maybe(x) := x if x > 1
else := "small" if x == 1

fresh := [tag(s) | some i in numbers.range(1, 3000); s := sprintf("%d", [i])]

results := {
	"again": [tag("a"), tag("a"), tag(concat("", ["a"])), tag(1), tag(1.0), tag(-1), tag(null)],
	"kinds": [kind(1), kind(1.5), kind(true), kind(null), kind([]), kind({}), kind(set())],
	"sizes": [size(o) | some o in input.objs],
	"fields": [[pick(o, "k"), pick(o, "k"), size(o)] | some o in input.objs],
	"sums": [plus(x, y) | some x in input.xs; some y in input.xs],
	"not": [x | some x in input.xs; not big(x)],
	"maybe": [[maybe(x), maybe(x)] | some x in array.concat(input.xs, input.xs)],
	"undefined": [v | some x in input.xs; v := maybe(x - 5)],
}
"#;
        let input = regorus::Value::from_json_str(
            r#"{"xs": [0, 1, 2, 2.5], "objs": [{"k": 1}, {"k": 2, "l": 3}, {"k": 1}]}"#,
        )
        .unwrap();
        let mut engine = regorus::Engine::new();
        engine.add_policy("t.rego".into(), module.into()).unwrap();
        let (rvm, interpreter) = on_both_engines(engine.clone(), "data.t.results", input.clone());
        assert_eq!(rvm, interpreter);
        assert_eq!(
            rvm["fields"],
            regorus::Value::from_json_str("[[1, 1, 1], [2, 2, 2], [1, 1, 1]]").unwrap()
        );
        assert_eq!(
            rvm["maybe"],
            regorus::Value::from_json_str(
                r#"[["small", "small"], [2, 2], [2.5, 2.5], ["small", "small"], [2, 2], [2.5, 2.5]]"#
            )
            .unwrap()
        );
        let (rvm, interpreter) = on_both_engines(engine, "data.t.fresh", input);
        assert_eq!(rvm, interpreter);
        let tags = rvm.as_array().unwrap();
        assert_eq!(tags.len(), 3000);
        for (i, tag) in tags.iter().enumerate() {
            assert_eq!(tag, &regorus::Value::from(format!("<{}>", i + 1)));
        }
    }

    /// `lower`, `upper` and `trim_space` give a string with nothing to change back as it is,
    /// without a copy (POSTURE-PATCH.md item 34), lower and raise ASCII byte by byte, and
    /// give every other string what they gave before (Unicode rules: the Kelvin sign lowers
    /// to `k`, `ß` raises to `SS`, a no-break space is trimmed), on both engines.
    #[test]
    fn case_and_space_builtins_share_unchanged_strings() {
        let module = r#"package t

results := {
	"lower": [lower(s) | some s in input.strings],
	"upper": [upper(s) | some s in input.strings],
	"trimmed": [trim_space(s) | some s in input.strings],
}

same := [lower(input.lower), upper(input.upper), trim_space(input.lower)]
"#;
        let input = regorus::Value::from_json_str(
            r#"{"strings": ["abc", "ABC", "MiXeD-1.Id", "", "ÀÉ", "stra\u00dfe", "\u212a", " pad\t", "\u00a0nbsp", "a b"],
                "lower": "microsoft.compute/virtualmachines", "upper": "HKLM\\SOFTWARE"}"#,
        )
        .unwrap();
        let mut engine = regorus::Engine::new();
        engine.add_policy("t.rego".into(), module.into()).unwrap();
        let (rvm, interpreter) = on_both_engines(engine.clone(), "data.t.results", input.clone());
        assert_eq!(rvm, interpreter);
        let want = regorus::Value::from_json_str(
            r#"{"lower": ["abc", "abc", "mixed-1.id", "", "àé", "stra\u00dfe", "k", " pad\t", "\u00a0nbsp", "a b"],
                "upper": ["ABC", "ABC", "MIXED-1.ID", "", "ÀÉ", "STRASSE", "\u212a", " PAD\t", "\u00a0NBSP", "A B"],
                "trimmed": ["abc", "ABC", "MiXeD-1.Id", "", "ÀÉ", "stra\u00dfe", "\u212a", "pad", "nbsp", "a b"]}"#,
        )
        .unwrap();
        assert_eq!(rvm, want);
        let text = |v: &regorus::Value| match v {
            regorus::Value::String(s) => s.as_ptr(),
            other => panic!("not a string: {other}"),
        };
        let (rvm, interpreter) = on_both_engines(engine, "data.t.same", input.clone());
        for got in [&rvm, &interpreter] {
            let got = got.as_array().unwrap();
            assert_eq!(
                text(&got[0]),
                text(&input["lower"]),
                "lower copied its argument"
            );
            assert_eq!(
                text(&got[1]),
                text(&input["upper"]),
                "upper copied its argument"
            );
            assert_eq!(
                text(&got[2]),
                text(&input["lower"]),
                "trim_space copied its argument"
            );
        }
    }

    /// `sprintf` gives what it gave before its result was sized in advance and `%v` of a
    /// string appended it directly (POSTURE-PATCH.md item 35): strings longer and shorter
    /// than the format, several verbs, widths, numbers, collections, on both engines.
    #[test]
    fn sprintf_formats_as_before_on_both_engines() {
        let module = r#"package t

results := [
	sprintf("%v", [input.long]),
	sprintf("[%s] %v: %v", ["id", input.long, input.short]),
	sprintf("%v|%s|%d|%05d|%.2f|%x", [input.short, "", 42, 7, 1.5, 255]),
	sprintf("%v %v %v %v", [null, true, [1, "a"], {"k": "v"}]),
	sprintf("100%% %v", [input.accented]),
	sprintf("", []),
	sprintf("\u00e9 %v apr\u00e8s %s fin", ["a", "b"]),
	sprintf("only text, \u00fc", []),
	sprintf("a%%b%05dc%vd", [3, "%"]),
]
"#;
        let input = regorus::Value::from_json_str(&format!(
            r#"{{"long": "{}", "short": "x", "accented": "\u00e9t\u00e9"}}"#,
            "ab".repeat(200)
        ))
        .unwrap();
        let mut engine = regorus::Engine::new();
        engine.add_policy("t.rego".into(), module.into()).unwrap();
        let (rvm, interpreter) = on_both_engines(engine, "data.t.results", input);
        assert_eq!(rvm, interpreter);
        let long = "ab".repeat(200);
        let want = regorus::Value::from(
            [
                long.clone(),
                format!("[id] {long}: x"),
                "x||42|00007|1.50|ff".to_string(),
                r#"null true [1, "a"] {"k": "v"}"#.to_string(),
                "100% \u{e9}t\u{e9}".to_string(),
                String::new(),
                "\u{e9} a apr\u{e8}s b fin".to_string(),
                "only text, \u{fc}".to_string(),
                "a%b00003c%d".to_string(),
            ]
            .into_iter()
            .map(regorus::Value::from)
            .collect::<Vec<_>>(),
        );
        assert_eq!(rvm, want);
    }

    /// A width that is not an ASCII number, or a million or more, is an error of the
    /// policy on both engines, not a panic of the process or a string of gigabytes
    /// (POSTURE-PATCH.md item 44); widths below that format as before.
    #[test]
    fn sprintf_refuses_widths_it_cannot_honour() {
        let module = r#"package t

results := [sprintf("[%5d|%05d|%.1f]", [7, 42, 2.25]), count(sprintf("%999999d", [1]))]
"#;
        let mut engine = regorus::Engine::new();
        engine.add_policy("t.rego".into(), module.into()).unwrap();
        let (rvm, interpreter) =
            on_both_engines(engine, "data.t.results", regorus::Value::new_object());
        let want = regorus::Value::from_json_str(r#"["[    7|00042|2.3]", 999999]"#).unwrap();
        assert_eq!(rvm, want);
        assert_eq!(interpreter, want);
        for format in [
            "%\u{663}v",
            "%.\u{663}f",
            "%1000000v",
            "%99999999999999999999v",
        ] {
            let module = format!("package t\n\nx := sprintf(\"{format}\", [1])\n");
            let mut engine = regorus::Engine::new();
            engine.add_policy("t.rego".into(), module).unwrap();
            let rvm = super::rvm_eval(
                &mut engine.clone(),
                "data.t.x",
                regorus::Value::new_object(),
                std::time::Duration::from_secs(10),
            );
            assert!(rvm.is_err(), "{format}: the RVM gave a value");
            let Err(error) = engine.eval_rule("data.t.x".into()) else {
                panic!("{format}: the interpreter gave a value");
            };
            assert!(
                error.to_string().contains("not a number below 1000000"),
                "{format}: {error}"
            );
        }
    }

    /// The memo is what a repeated call costs: fifty calls of a function that walks a
    /// thousand numbers, with the same argument, fit in 20,000 VM instructions when calls
    /// are remembered and exceed them when they are not (about fifty times as many).
    #[test]
    fn a_repeated_call_runs_once() {
        let module = r#"package t

scan(n) := count([y | some y in numbers.range(1, n); y > 0])

results := [scan(1000) | some _ in numbers.range(1, 50)]
"#;
        let (_, program) = program_of(module);
        let run = |memoize: bool| {
            let mut vm = regorus::rvm::vm::RegoVM::new();
            vm.load_program(program.clone());
            vm.set_max_instructions(20_000);
            vm.set_memoize_functions(memoize);
            vm.set_input(regorus::Value::new_object());
            vm.execute_entry_point_by_name("data.t.results")
        };
        let remembered = run(true).expect("fifty remembered calls fit the limit");
        assert_eq!(remembered.as_array().unwrap().len(), 50);
        assert!(remembered
            .as_array()
            .unwrap()
            .iter()
            .all(|v| *v == regorus::Value::from(1000u64)));
        let error = run(false).expect_err("fifty calls run in full exceed the limit");
        assert!(
            error.to_string().contains("nstruction"),
            "another error: {error}"
        );
    }

    /// An assignment names the register its expression was computed into and a constant
    /// value is loaded straight into the result register on the RVM (POSTURE-PATCH.md item
    /// 27), and values stay as in the interpreter: assignments in loops take each
    /// iteration's value, comprehensions and nested loops see the outer variables, `x := y`
    /// keeps its own copy, and constant results (`true`, `false`, `null`, literals) come
    /// out of bodies, `else` chains and defaults.
    #[test]
    fn assignments_and_constant_results_as_in_the_interpreter() {
        let module = r#"package t

doubled := [d | some x in input.xs; d := x * 2]

pairs := [[a, b] | some x in input.xs; a := x; b := a + 10]

nested := [s | some x in input.xs; n := x; s := [m | some y in input.xs; m := y + n]]

copied := [[c, x] | some x in input.xs; c := x; c == x]

after_loop := total if {
	total := sum(input.xs)
	some x in input.xs
	x == 2
}

kind(x) := "one" if x == 1
else := false if x == 2
else := null if x == 3
else := 4

flag(x) if x > 1

default fallback := 7

fallback := 1 if input.nope

obj := {k: v | some k in ["a", "b"]; v := upper(k)}

results := {
	"doubled": doubled, "pairs": pairs, "nested": nested, "copied": copied,
	"after_loop": after_loop,
	"kind": [kind(1), kind(2), kind(3), kind(9)],
	"flag": [[v | flag(2); v := 1], [v | flag(1); v := 1]],
	"fallback": fallback, "obj": obj,
}
"#;
        assert_both_engines_give(
            module,
            r#"{"doubled": [2, 4], "pairs": [[1, 11], [2, 12]], "nested": [[2, 3], [3, 4]],
                "copied": [[1, 1], [2, 2]], "after_loop": 3,
                "kind": ["one", false, null, 4], "flag": [[1], []], "fallback": 7,
                "obj": {"a": "A", "b": "B"}}"#,
        );

        // Neither `total := sum(...)` nor the `true` of `flag` is copied.
        use regorus::rvm::program::{generate_assembly_listing, AssemblyListingConfig};
        let (_, program) = program_of(
            "package t\n\nflag(x) if x > 1\n\nresults := total if {\n\ttotal := sum(input.xs)\n\tflag(total)\n}\n",
        );
        let listing = generate_assembly_listing(&program, &AssemblyListingConfig::default());
        let moves: Vec<&str> = listing.lines().filter(|l| l.contains(" Move ")).collect();
        assert_eq!(moves.len(), 1, "{listing}");
        assert!(moves[0].contains("r0 ←"), "{listing}");
        assert!(listing.contains("LoadBool     r0 ← true"), "{listing}");
    }

    /// Iterating a set of more than 16 elements (a policy's findings, the vendored RVM's
    /// copy of the elements, see POSTURE-PATCH.md) yields every element once and in order,
    /// in loops, comprehensions, `every`, nested loops over the same set and loops that
    /// stop early, as the interpreter does; sets of 16 and 17 elements lie on either side
    /// of the switch.
    #[test]
    fn large_sets_iterate_as_in_the_interpreter() {
        let module = r#"package t

small := {x | some x in numbers.range(1, 16)}

large := {{"resource": sprintf("/r/%03d", [x]), "message": sprintf("m%d", [x % 3])} | some x in numbers.range(1, 40)}

edge := {x | some x in numbers.range(1, 17)}

in_order(s) := [x | some x in s]

keys(s) := [k | some k, _ in s]

indexed(s) := [x | s[x]]

pairs(s) := count([1 | some x in s; some y in s; x == y])

over(s, n) := true if {
	some x in s
	x > n
} else := false

all_positive(s) if {
	every x in s {
		x > 0
	}
}

found contains f.resource if {
	some f in large
	f.message == "m1"
}

results := {
	"small": in_order(small),
	"edge": in_order(edge),
	"edge_keys": keys(edge),
	"edge_indexed": indexed(edge),
	"large": in_order(large),
	"pairs": pairs(large),
	"over": [over(edge, 16), over(edge, 17)],
	"every": all_positive(edge),
	"found": count(found),
}
"#;
        let (rvm, interpreter) = both_engines(module);
        assert_eq!(rvm, interpreter);
        assert!(rvm.as_object().is_ok(), "results are undefined");
        let field = |name: &str| rvm[&regorus::Value::from(name)].clone();
        let numbers =
            |n: i64| regorus::Value::from((1..=n).map(regorus::Value::from).collect::<Vec<_>>());
        assert_eq!(field("small"), numbers(16));
        assert_eq!(field("edge"), numbers(17));
        assert_eq!(field("edge_keys"), numbers(17));
        assert_eq!(field("edge_indexed"), numbers(17));
        assert_eq!(field("pairs"), regorus::Value::from(40));
        assert_eq!(
            field("over"),
            regorus::Value::from_json_str("[true, false]").unwrap()
        );
        assert_eq!(field("every"), regorus::Value::from(true));
        assert_eq!(field("found"), regorus::Value::from(14));
        // In the set's order: by message, then by resource.
        let large = field("large");
        let Ok(large) = large.as_array() else {
            panic!("large is not an array: {large}");
        };
        assert_eq!(large.len(), 40);
        let mut sorted = large.clone();
        sorted.sort();
        assert_eq!(*large, sorted);
    }

    #[test]
    fn host_index_and_rego_fallback_agree() {
        use crate::model::{Origin, Resource};
        let ids = [
            ("/subscriptions/S1", "Microsoft.Resources/subscriptions"),
            ("/subscriptions/s1/resourceGroups/rg", "Microsoft.Resources/resourceGroups"),
            ("/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/a1", "Microsoft.Authorization/roleAssignments"),
            ("/subscriptions/s2/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments/a2", "Microsoft.Authorization/roleAssignments"),
            ("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", "Microsoft.Compute/virtualMachines"),
            ("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/extensions/ade", "Microsoft.Compute/virtualMachines/extensions"),
            ("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Insights/diagnosticSettings/d", "Microsoft.Insights/diagnosticSettings"),
            ("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv", "Microsoft.KeyVault/vaults"),
            ("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Sql/servers/db1/databases/d/transparentDataEncryption/current", "Microsoft.Sql/servers/databases/transparentDataEncryption"),
            ("hybrid-host-1", "Microsoft.HybridCompute/machines"),
        ];
        let resources: Vec<Resource> = ids
            .iter()
            .map(|(id, kind)| Resource {
                id: (*id).into(),
                key: id.to_lowercase().into(),
                kind: (*kind).into(),
                kind_key: kind.to_lowercase().into(),
                subscription_id: None,
                resource_group: None,
                value: regorus::Value::from(serde_json::json!({"id": id, "type": kind})),
                origin: Origin {
                    source: 0,
                    pointer: String::new(),
                    place: None,
                },
            })
            .collect();
        let values: Vec<regorus::Value> = resources.iter().map(|r| r.value.clone()).collect();
        let estate = super::estate_data(&resources, &values, 2);
        // Built on one thread or two, the same data.
        assert_eq!(estate, super::estate_data(&resources, &values, 1));
        // Its keys are the resources' own key strings, not copies.
        let all = estate["resources"].as_object().unwrap();
        assert_eq!(all.len(), resources.len());
        for r in &resources {
            let (k, _) = all
                .iter()
                .find(|(k, _)| k.as_string().is_ok_and(|s| *s == r.key))
                .unwrap();
            assert!(
                std::sync::Arc::ptr_eq(k.as_string().unwrap(), &r.key),
                "{k}"
            );
        }
        let mut data = std::collections::BTreeMap::new();
        data.insert(regorus::Value::from("posture"), estate);
        let mut e = regorus::Engine::new();
        let util = crate::assets::policy_file("lib/util.rego").unwrap_or_default();
        e.add_policy("util.rego".into(), util.into()).unwrap();
        e.add_data(regorus::Value::from(data)).unwrap();
        e.add_policy(
            "t.rego".into(),
            r#"package t
import data.posture.lib.util
joins := {"children": {k: util.children(k) | some k, _ in data.posture.resources},
          "types": {t: util.of_type(t) | some r in data.posture.resources; t := r.type},
          "subs": {[s, t]: util.in_subscription(s, t) |
              some r in data.posture.resources
              s := util.subscription_key(lower(r.id))
              t := r.type}}
indexed := x if { x := joins }
scanned := x if { x := joins with data.posture.index as false }
# With the index loaded, joins do not read data.posture.resources at all.
from_index := x if { x := count(util.of_type("microsoft.authorization/roleassignments")) with data.posture.resources as {} }
"#
            .into(),
        )
        .unwrap();
        let indexed = e.eval_rule("data.t.indexed".into()).unwrap();
        let scanned = e.eval_rule("data.t.scanned".into()).unwrap();
        assert_eq!(indexed, scanned);
        assert_eq!(
            e.eval_rule("data.t.from_index".into()).unwrap(),
            regorus::Value::from(2u64)
        );
        // Not vacuous: the VM has its extension, the subscription its direct assignment.
        let json = super::to_json(&indexed);
        let vm = ids[4].0.to_lowercase();
        assert_eq!(
            json["children"][&vm].as_object().map(|o| o.len()),
            Some(1),
            "{json}"
        );
        assert_eq!(
            json["children"]["/subscriptions/s1"]
                .as_object()
                .map(|o| o.len()),
            Some(2),
            "{json}"
        );
    }

    #[test]
    fn subscription_keys_need_an_id() {
        assert_eq!(
            subscription_key("/subscriptions/s/x/y"),
            Some("/subscriptions/s")
        );
        assert_eq!(
            subscription_key("/subscriptions/s"),
            Some("/subscriptions/s")
        );
        assert_eq!(subscription_key("/subscriptions//x"), None);
        assert_eq!(subscription_key("/providers/x"), None);
    }

    #[test]
    fn regex_has_perl_classes_and_case_folding_as_in_opa() {
        let mut e = regorus::Engine::new();
        e.add_policy(
            "t.rego".into(),
            "package t\nx if regex.match(`^\\d+\\s(?i)abc$`, \"12 ABC\")\n".into(),
        )
        .unwrap();
        assert_eq!(
            e.eval_rule("data.t.x".into()).unwrap(),
            regorus::Value::from(true)
        );
    }

    /// Objects built while a policy runs are stored as sorted slices on the RVM
    /// (POSTURE-PATCH.md item 38: object literals with computed values, constant objects,
    /// the merged levels of `data`), and every value, lookup, order, comparison and
    /// serialisation stays the interpreter's: literal and computed keys, keys of several
    /// kinds, a computed key among literal ones, nested constants, undefined fields,
    /// objects compared with and put in sets beside constants, iteration over them.
    #[test]
    fn objects_built_at_run_time_are_the_interpreters() {
        let module = r#"package t

table := {"b": 2, "a": [{"z": 1, "y": {"x": true}}], 3: "three", "c": {"n": null}}

rows contains row if {
	some i, x in input.xs
	k := sprintf("k%d", [x])
	row := {"x": x, "const": "c", k: i, "a": table.a[0].y.x, 2: "two", "zz": {"in": k}}
}

by_k[k] := {"x": x, "n": i} if {
	some i, x in input.xs
	k := sprintf("k%d", [x])
}

pairs contains [k, v] if {
	some row in rows
	some k, v in row
}

results := {
	"rows": rows,
	"lookups": [v | some r in rows; v := [r.x, r[sprintf("k%d", [r.x])], r[2], r.const, r.zz["in"], object.get(r, "nope", 0)]],
	"pairs": pairs,
	"equal": [r | some r in rows; r == {"x": 1, "const": "c", "k1": 0, "a": true, 2: "two", "zz": {"in": "k1"}}],
	"mixed": {{"x": 1}, {"x": input.xs[0]}, {"y": 0}, {"x": input.xs[1], "w": 1}},
	"undefined": [r | some x in input.xs; r := {"x": x, "u": input.nope}],
	"table": [table.b, table[3], table.c.n, count(table), json.marshal(table)],
	"marshal": [json.marshal(r) | some r in rows],
	"data": data.t.table.a[0].z,
	"by_k": [by_k, by_k.k2.n, object.get(by_k, ["k1", "x"], 0), [k | some k, _ in by_k]],
}
"#;
        let mut engine = regorus::Engine::new();
        engine.add_policy("t.rego".into(), module.into()).unwrap();
        let input = regorus::Value::from_json_str(r#"{"xs": [1, 2]}"#).unwrap();
        let (rvm, interpreter) = on_both_engines(engine, "data.t.results", input);
        assert_eq!(
            rvm["marshal"][0],
            regorus::Value::from(
                r#"{"2":"two","a":true,"const":"c","k1":0,"x":1,"zz":{"in":"k1"}}"#
            )
        );
        assert_eq!(rvm["equal"].as_array().map(|a| a.len()).ok(), Some(1));
        assert_eq!(
            rvm["undefined"],
            regorus::Value::from_json_str("[]").unwrap()
        );
        assert_eq!(rvm["by_k"][1], regorus::Value::from(1));
        assert_eq!(rvm["by_k"][2], regorus::Value::from(1));
        assert_eq!(rvm, interpreter);
    }
}
