//! `posture policies test`: runs every `test_*` rule of the test modules, like `opa test`,
//! with line coverage of the policy and library modules from regorus's coverage API.
//!
//! A policy without a test module is a failure: an untested policy is not trustworthy.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::diag::Problems;
use crate::model::PolicySource;
use crate::policy::catalog::{Catalog, ModuleKind};
use crate::policy::engine::{engine_problem, PolicyEngine};
use crate::policy::rego_text;
use crate::source::SourceMap;

/// Result of one test rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "outcome", content = "detail")]
pub enum Outcome {
    /// The rule was true.
    Pass,
    /// The rule was false or undefined.
    Fail,
    /// Evaluation failed; the engine's message.
    Error(String),
}

/// One test rule's result.
#[derive(Debug, Clone, Serialize)]
pub struct TestCase {
    /// The test module's path.
    pub file: String,
    /// `data.<package>.<rule>`.
    pub name: String,
    /// Pass, fail or error.
    pub outcome: Outcome,
}

/// Line coverage of one policy or library module.
#[derive(Debug, Clone, Serialize)]
pub struct FileCoverage {
    /// Module path.
    pub path: String,
    /// Lines evaluated.
    pub covered: usize,
    /// Lines that could have been evaluated.
    pub total: usize,
    /// Lines never evaluated, 1-based.
    pub not_covered: Vec<u32>,
}

/// Everything `policies test` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TestReport {
    /// Every test, in module then rule order.
    pub cases: Vec<TestCase>,
    /// Policy ids with no test module.
    pub untested: Vec<String>,
    /// Coverage per module, when asked for.
    pub coverage: Vec<FileCoverage>,
}

impl TestReport {
    /// Number of passing tests.
    pub fn passed(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| c.outcome == Outcome::Pass)
            .count()
    }

    /// True when every test passed and every policy has tests.
    pub fn ok(&self) -> bool {
        self.passed() == self.cases.len() && self.untested.is_empty()
    }

    /// Covered lines over coverable lines, in percent (100 when nothing is coverable).
    pub fn coverage_percent(&self) -> f64 {
        let (c, t) = self
            .coverage
            .iter()
            .fold((0usize, 0usize), |(c, t), f| (c + f.covered, t + f.total));
        if t == 0 {
            100.0
        } else {
            // Floor to one decimal so 99.96 % never shows as 100.0 % with lines uncovered.
            (1000.0 * c as f64 / t as f64).floor() / 10.0
        }
    }
}

/// Runs the tests of the modules of `origin` (bundled or user) in `catalog`, which must have
/// been loaded with tests.
pub fn run(
    catalog: &Catalog,
    sources: &SourceMap,
    origin: PolicySource,
    coverage: bool,
    problems: &mut Problems,
) -> TestReport {
    let engine = PolicyEngine::new(catalog, sources, true, problems);
    let mut report = TestReport::default();
    let mut tested_packages: BTreeSet<&str> = BTreeSet::new();
    let mut covered: BTreeMap<String, (BTreeSet<u32>, BTreeSet<u32>)> = BTreeMap::new();
    for (ti, m) in catalog
        .modules
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind == ModuleKind::Test && m.origin == origin)
    {
        let base = m.package.strip_suffix("_test").unwrap_or(&m.package);
        tested_packages.insert(m.package.as_str());
        tested_packages.insert(base);
        // The test runs with the modules it tests (same package, or `<package>_test`).
        let mut modules: Vec<usize> = catalog
            .modules
            .iter()
            .enumerate()
            .filter(|(_, x)| {
                x.kind == ModuleKind::Policy && (x.package == m.package || x.package == base)
            })
            .map(|(i, _)| i)
            .collect();
        modules.push(ti);
        let rules: Vec<String> = rego_text::rule_names(&m.text)
            .into_iter()
            .filter(|n| n.starts_with("test_"))
            .collect();
        let mut engine = match engine.engine_with(catalog, &modules) {
            Ok(e) => e,
            Err((_, msg)) => {
                for rule in rules {
                    report.cases.push(TestCase {
                        file: m.path.clone(),
                        name: format!("data.{}.{rule}", m.package),
                        outcome: Outcome::Error(msg.clone()),
                    });
                }
                continue;
            }
        };
        engine.set_enable_coverage(coverage);
        for rule in rules {
            let name = format!("data.{}.{rule}", m.package);
            let outcome = match engine.eval_rule(name.clone()) {
                Ok(regorus::Value::Bool(true)) => Outcome::Pass,
                Ok(_) => Outcome::Fail,
                Err(e) => {
                    let p = engine_problem("posture::policy::test", "", &e, sources);
                    Outcome::Error(match p.location() {
                        Some(loc) => format!("{loc}: {}", p.message),
                        None => p.message,
                    })
                }
            };
            report.cases.push(TestCase {
                file: m.path.clone(),
                name,
                outcome,
            });
        }
        if coverage {
            if let Ok(cov) = engine.get_coverage_report() {
                for f in cov.files {
                    let entry = covered.entry(f.path).or_default();
                    entry.0.extend(f.covered);
                    entry.1.extend(f.not_covered);
                }
            }
        }
    }
    for p in &catalog.policies {
        let Some(m) = catalog.module_of(p) else {
            continue;
        };
        if m.origin == origin && !tested_packages.contains(m.package.as_str()) {
            report.untested.push(p.meta.id.clone());
        }
    }
    if coverage {
        // A line evaluated by any test module's engine is covered.
        for m in catalog
            .modules
            .iter()
            .filter(|m| m.kind != ModuleKind::Test && m.origin == origin)
        {
            let (hit, missed) = covered
                .remove(&m.path)
                .unwrap_or_else(|| (BTreeSet::new(), code_lines(&m.text)));
            let not_covered: Vec<u32> = missed.difference(&hit).copied().collect();
            report.coverage.push(FileCoverage {
                path: m.path.clone(),
                covered: hit.len(),
                total: hit.len() + not_covered.len(),
                not_covered,
            });
        }
        report.coverage.sort_by(|a, b| a.path.cmp(&b.path));
    }
    report
}

/// The lines of a module that hold code (not blank, not comments, not `package` or
/// `import`). regorus reports coverage only for files a test touched, so a module no test
/// touches counts these lines as uncovered: a slight over-count that can only lower the
/// figure, never flatter it.
fn code_lines(text: &str) -> BTreeSet<u32> {
    rego_text::code_only(text)
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with("package ") && !t.starts_with("import ") && t != "}"
        })
        .filter_map(|(i, _)| u32::try_from(i + 1).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_modules_count_their_code_lines() {
        let text = "# c\npackage p\n\nimport rego.v1\n\nx if {\n\tinput.a # why\n}\n";
        assert_eq!(code_lines(text), BTreeSet::from([6, 7]));
    }
}
