//! The only place that talks to regorus: modules loaded once into an engine, the engine
//! cloned per policy (cheap: modules and values are reference-counted), each policy given
//! only the resources of its types, and its `deny`/`applicable` results turned into
//! [`Verdict`]s.
//!
//! Policies run in parallel on scoped threads; results are put back in catalog order, so
//! the output does not depend on the thread count.

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::Value as Json;

use crate::diag::{Problem, Problems};
use crate::model::{Resource, State, Verdict};
use crate::policy::catalog::{Catalog, ModuleKind};
use crate::policy::rego_text;
use crate::source::SourceMap;

/// Limits and context of an evaluation.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// `input.now`, RFC 3339.
    pub now: String,
    /// Wall-clock limit per policy; a policy past it fails, the others still run.
    pub timeout: Duration,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Parameters per policy id (defaults already merged with config).
    pub parameters: BTreeMap<String, BTreeMap<String, Json>>,
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

    /// Sets `data.posture.resources` (lower-cased id -> resource) for joins.
    pub fn set_resources(
        &mut self,
        resources: &[Resource],
        values: &[regorus::Value],
    ) -> Result<(), String> {
        let mut map = BTreeMap::new();
        for (r, v) in resources.iter().zip(values) {
            map.insert(regorus::Value::from(r.key.as_str()), v.clone());
        }
        let mut posture = BTreeMap::new();
        posture.insert(regorus::Value::from("resources"), regorus::Value::from(map));
        let mut data = BTreeMap::new();
        data.insert(
            regorus::Value::from("posture"),
            regorus::Value::from(posture),
        );
        self.engine
            .add_data(regorus::Value::from(data))
            .map_err(|e| e.to_string())
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
            by_type.entry(r.kind_key.as_str()).or_default().push(i);
        }
        let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; selected.len()]);
        let next = AtomicUsize::new(0);
        let jobs = opts.jobs.clamp(1, selected.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..jobs {
                scope.spawn(|| loop {
                    let slot = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&pi) = selected.get(slot) else {
                        break;
                    };
                    let outcome =
                        self.evaluate_one(catalog, pi, resources, values, &by_type, opts, sources);
                    if let Ok(mut guard) = results.lock() {
                        if let Some(cell) = guard.get_mut(slot) {
                            *cell = Some(outcome);
                        }
                    }
                });
            }
        });
        results
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .map(|o| {
                o.unwrap_or_else(|| {
                    Outcome::Failed(Box::new(Problem::error(
                        "posture::policy::eval",
                        "policy was not evaluated (a worker thread stopped)",
                    )))
                })
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)] // a private worker; the arguments are one evaluation's context
    fn evaluate_one(
        &self,
        catalog: &Catalog,
        pi: usize,
        resources: &[Resource],
        values: &[regorus::Value],
        by_type: &BTreeMap<&str, Vec<usize>>,
        opts: &EvalOptions,
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
        if self.failed.contains(&policy.module) {
            return Outcome::NotLoaded;
        }
        let mut members: Vec<usize> = Vec::new();
        let mut kinds: BTreeSet<String> = BTreeSet::new();
        for t in &policy.meta.resource_types {
            kinds.insert(t.to_ascii_lowercase());
        }
        for k in &kinds {
            if let Some(v) = by_type.get(k.as_str()) {
                members.extend(v);
            }
        }
        members.sort_unstable();
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

        let mut engine = match self.engine_with(catalog, &[policy.module]) {
            Ok(e) => e,
            Err((_, msg)) => return fail(format!("policy `{id}` did not load: {msg}")),
        };
        engine.set_input(regorus::Value::from(input));
        if let Some(check) = NonZeroU32::new(64) {
            engine.set_execution_timer_config(ExecutionTimerConfig {
                limit: opts.timeout,
                check_interval: check,
            });
        }
        let prefix = format!("policy `{id}`: ");
        let deny = match engine.eval_rule(format!("data.{}.deny", module.package)) {
            Ok(v) => v,
            Err(e) => {
                let mut p = engine_problem("posture::policy::eval", &prefix, &e, sources);
                if p.file().is_none() {
                    p = p.in_file(module.path.clone());
                }
                if e.to_string().contains("time limit") {
                    p = p.with_help(format!(
                        "the policy ran longer than the evaluation limit of {} s; raise it with --eval-timeout if the estate is large",
                        opts.timeout.as_secs_f64()
                    ));
                }
                return Outcome::Failed(Box::new(p));
            }
        };
        let failed = |e: &anyhow_like::Error| {
            Outcome::Failed(Box::new(engine_problem(
                "posture::policy::eval",
                &prefix,
                e,
                sources,
            )))
        };
        let applicable: Option<BTreeSet<String>> = if policy.has_applicable {
            match engine.eval_rule(format!("data.{}.applicable", module.package)) {
                Ok(v) => Some(
                    to_json(&v)
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_ascii_lowercase))
                                .collect()
                        })
                        .unwrap_or_default(),
                ),
                Err(e) => return failed(&e),
            }
        } else {
            None
        };

        let member_keys: BTreeSet<&str> = members
            .iter()
            .filter_map(|&i| resources.get(i).map(|r| r.key.as_str()))
            .collect();
        let mut denied = match findings_by_resource(&to_json(&deny), "deny", &member_keys) {
            Ok(d) => d,
            Err(msg) => return fail(format!("policy `{id}`: {msg}")),
        };
        let mut unknown = if policy.has_unknown {
            match engine.eval_rule(format!("data.{}.unknown", module.package)) {
                Ok(v) => match findings_by_resource(&to_json(&v), "unknown", &member_keys) {
                    Ok(u) => u,
                    Err(msg) => return fail(format!("policy `{id}`: {msg}")),
                },
                Err(e) => return failed(&e),
            }
        } else {
            BTreeMap::new()
        };
        let mut verdicts = Vec::with_capacity(members.len());
        for &i in &members {
            let Some(r) = resources.get(i) else { continue };
            let is_applicable = applicable.as_ref().is_none_or(|a| a.contains(&r.key));
            // Data a check needed but did not have is never counted as healthy: such a
            // resource is not applicable with the reason, unless something else failed.
            let unknowns = unknown.remove(&r.key).map(|(m, _)| m).unwrap_or_default();
            let (state, mut messages, fixes) = match denied.remove(&r.key) {
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
                resource: r.key.clone(),
                state,
                messages,
                fixes,
            });
        }
        verdicts.sort_by(|a, b| a.resource.cmp(&b.resource));
        Outcome::Verdicts(verdicts)
    }
}

/// Messages and `fix` objects of a `deny` (or `unknown`) result, by lower-cased resource id.
/// Every object must name one of the policy's input resources.
#[allow(clippy::type_complexity)] // a private map of (messages, fixes), built and read here
fn findings_by_resource(
    result: &Json,
    rule: &str,
    members: &BTreeSet<&str>,
) -> Result<BTreeMap<String, (Vec<String>, Vec<Json>)>, String> {
    let items: &[Json] = match result {
        Json::Array(a) => a,
        Json::Null => &[],
        other => {
            return Err(format!(
                "`{rule}` must be a set of objects, found {}",
                short(other)
            ))
        }
    };
    let mut out: BTreeMap<String, (Vec<String>, Vec<Json>)> = BTreeMap::new();
    for item in items {
        let Some(rid) = item.get("resource").and_then(Json::as_str) else {
            return Err(format!(
                "a `{rule}` object has no string `resource`: {}",
                short(item)
            ));
        };
        let key = rid.to_ascii_lowercase();
        if !members.contains(key.as_str()) {
            return Err(format!(
                "`{rule}` names `{rid}`, which is not one of its input resources"
            ));
        }
        let message = item
            .get("message")
            .and_then(Json::as_str)
            .map_or_else(|| rule.to_string(), str::to_string);
        let entry = out.entry(key).or_default();
        entry.0.push(message);
        if let Some(fix) = item.get("fix") {
            entry.1.push(fix.clone());
        }
    }
    Ok(out)
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
}
