//! Secure Score: resolved (recommendation, resource) states in, control, subscription and
//! overall scores plus potential gains out (DESIGN.md section 4).
//!
//! Pure and deterministic: depends only on `model`, does no I/O, and its output does not
//! depend on the order of the entries (tallies are integer counts; floats are summed in
//! scope-id order and catalogue order only).
//!
//! How it works: every entry is mapped to its control and scope, the entries are sorted once by
//! (control, scope, resource) and each run of equal keys is folded into one resource verdict
//! for the control (any unhealthy wins, else any healthy, else not counted). The result is a
//! table of integer `Cell`s, one per control and scope, from which every score is a cheap
//! re-aggregation. Potential gains never re-scan the entries: flipping a recommendation (or a
//! whole control) to healthy changes only that control's cells, so the affected scopes are
//! re-summed with the patched cells and the overall weighted mean is re-taken.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::{Control, State};

/// One (recommendation, resource) state, already resolved (exemptions applied).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Index of the recommendation in [`ScoreModel::recommendation_control`].
    pub recommendation: usize,
    /// The resource, as a number: entries of one resource carry the same number, entries of
    /// different resources different ones (the caller's index of resources by id). Only
    /// equality matters; a number sorts and compares far faster than the id.
    pub resource: usize,
    /// The lower-cased subscription id, `""` when unknown (shared by the entries of a
    /// subscription: a large estate has millions of entries and a few hundred scopes).
    pub scope: Arc<str>,
    /// The resource's state for that recommendation.
    pub state: State,
}

/// A recommendation's place in the catalogue: index into `controls`. Recommendations of
/// disabled policies are simply not passed.
#[derive(Debug, Clone, Copy)]
pub struct ScoreModel<'a> {
    /// The security controls, in report order.
    pub controls: &'a [Control],
    /// For each recommendation index, the index of its control in `controls`.
    pub recommendation_control: &'a [usize],
}

/// A score: points out of a maximum, and the percentage (0 to 100).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Points {
    /// Points earned.
    pub current: f64,
    /// Points available (controls available in at least one scope).
    pub max: f64,
    /// Score in percent, 0 to 100.
    pub percentage: f64,
}

/// What fixing something would add to the overall score.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Gain {
    /// Overall points gained.
    pub points: f64,
    /// Overall percentage points gained (0 to 100 scale).
    pub percent: f64,
}

/// The score of one subscription.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeScore {
    /// The lower-cased subscription id (`""` for resources without one).
    pub id: String,
    /// Sum of the current points of the controls available here.
    pub current: f64,
    /// Sum of the max points of the controls available here.
    pub max: f64,
    /// `current / max` in percent; 0 when `max` is 0.
    pub percentage: f64,
    /// Distinct resources counted (healthy or unhealthy) for any control here.
    pub weight: f64,
}

/// The score of one security control, aggregated over every scope.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlScore {
    /// The control id.
    pub id: String,
    /// The control's display name.
    pub name: String,
    /// Points earned: weighted mean of per-scope healthy ratios times the control's max.
    pub current: f64,
    /// The control's max points when available, else 0 (an unavailable control leaves the max).
    pub max: f64,
    /// True when at least one scope counts a resource for this control.
    pub available: bool,
    /// Distinct healthy resources, summed over scopes.
    pub healthy: usize,
    /// Distinct unhealthy resources, summed over scopes.
    pub unhealthy: usize,
    /// Distinct resources seen only as not applicable or exempt, summed over scopes.
    pub not_applicable: usize,
    /// Overall gain from making every unhealthy resource of the control healthy.
    pub potential_gain: Gain,
}

/// The whole Secure Score.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Score {
    /// The combined score over every subscription.
    pub overall: Points,
    /// One score per subscription, sorted by id.
    pub subscriptions: Vec<ScopeScore>,
    /// One score per control, in catalogue order (unavailable ones included).
    pub controls: Vec<ControlScore>,
}

impl Gain {
    /// Rounded to 4 decimals, as reports keep it.
    pub fn rounded(&self) -> Self {
        Self {
            points: round4(self.points),
            percent: round4(self.percent),
        }
    }
}

impl Score {
    /// Every number rounded to 4 decimals, as reports keep them.
    pub fn rounded(&self) -> Self {
        Self {
            overall: Points {
                current: round4(self.overall.current),
                max: round4(self.overall.max),
                percentage: round4(self.overall.percentage),
            },
            subscriptions: self
                .subscriptions
                .iter()
                .map(|s| ScopeScore {
                    id: s.id.clone(),
                    current: round4(s.current),
                    max: round4(s.max),
                    percentage: round4(s.percentage),
                    weight: round4(s.weight),
                })
                .collect(),
            controls: self
                .controls
                .iter()
                .map(|c| ControlScore {
                    current: round4(c.current),
                    max: round4(c.max),
                    potential_gain: c.potential_gain.rounded(),
                    ..c.clone()
                })
                .collect(),
        }
    }
}

/// Computes the Secure Score of `entries`.
///
/// Entries whose recommendation or control index is outside the model are ignored: the
/// catalogue decides what scores, and a stray index must not abort a report.
pub fn compute(model: &ScoreModel, entries: &[Entry]) -> Score {
    let tallies = Tallies::build(model, entries);
    let base = Baseline::new(model, &tallies);
    score_of(model, &tallies, &base)
}

/// [`compute`] and [`recommendation_gains`] together, tallying the entries once.
pub fn compute_with_gains(model: &ScoreModel, entries: &[Entry]) -> (Score, Vec<Gain>) {
    let tallies = Tallies::build(model, entries);
    let base = Baseline::new(model, &tallies);
    (
        score_of(model, &tallies, &base),
        gains_of(model, &tallies, &base),
    )
}

fn score_of(model: &ScoreModel, tallies: &Tallies, base: &Baseline) -> Score {
    let subscriptions = tallies
        .scopes
        .iter()
        .zip(&base.scopes)
        .map(|(id, sums)| ScopeScore {
            id: (*id).to_owned(),
            current: sums.current,
            max: sums.max,
            percentage: sums.percentage,
            weight: sums.weight,
        })
        .collect();
    let controls = model
        .controls
        .iter()
        .zip(&tallies.cells)
        .enumerate()
        .map(|(index, (control, row))| control_score(model, tallies, base, index, control, row))
        .collect();
    Score {
        overall: base.overall.clone(),
        subscriptions,
        controls,
    }
}

/// Potential gain of each recommendation: score after flipping that recommendation's unhealthy
/// entries to healthy, minus the current score (overall points and percentage points). Exact
/// recomputation so the any-unhealthy rule holds. Index = recommendation index; length =
/// `recommendation_control.len()`.
///
/// A resource turns healthy for the control only when the flipped recommendation is the sole
/// one finding it unhealthy there, so the tally pass records, per (recommendation, scope), how
/// many resources have that recommendation as their only culprit. Each gain then patches one
/// control's cells in the affected scopes and re-aggregates: O(scopes + affected scopes ×
/// controls) per recommendation, never a re-scan of the entries.
pub fn recommendation_gains(model: &ScoreModel, entries: &[Entry]) -> Vec<Gain> {
    let tallies = Tallies::build(model, entries);
    let base = Baseline::new(model, &tallies);
    gains_of(model, &tallies, &base)
}

fn gains_of(model: &ScoreModel, tallies: &Tallies, base: &Baseline) -> Vec<Gain> {
    let mut gains: Vec<Gain> = model
        .recommendation_control
        .iter()
        .map(|_| zero_gain())
        .collect();
    for run in tallies
        .fixes
        .chunk_by(|a, b| a.recommendation == b.recommendation)
    {
        let Some(first) = run.first() else { continue };
        let Some(&control) = model.recommendation_control.get(first.recommendation) else {
            continue;
        };
        let Some(row) = tallies.cells.get(control) else {
            continue;
        };
        let patches = run.iter().filter_map(|fix| {
            let cell = row.get(fix.scope)?;
            let moved = fix.resources.min(cell.unhealthy);
            Some((
                fix.scope,
                Cell {
                    healthy: cell.healthy + moved,
                    unhealthy: cell.unhealthy - moved,
                    not_applicable: cell.not_applicable,
                },
            ))
        });
        let gain = base.gain(model, tallies, control, patches);
        if let Some(slot) = gains.get_mut(first.recommendation) {
            *slot = gain;
        }
    }
    gains
}

/// Rounds to 4 decimals (JSON keeps 4) – used by reports.
///
/// Negative zero becomes zero so a rounded-away float error never prints as `-0.0`.
pub fn round4(x: f64) -> f64 {
    let rounded = (x * 10_000.0).round() / 10_000.0;
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}

/// Distinct resources of one control in one scope, by their combined verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Cell {
    healthy: usize,
    unhealthy: usize,
    not_applicable: usize,
}

impl Cell {
    /// Healthy share of the counted resources; `None` when none count (control unavailable).
    fn ratio(&self) -> Option<f64> {
        let counted = self.healthy + self.unhealthy;
        (counted > 0).then(|| self.healthy as f64 / counted as f64)
    }
}

/// Resources that turn healthy in `scope` when `recommendation` alone is fixed.
#[derive(Debug, Clone, Copy)]
struct Fix {
    recommendation: usize,
    scope: usize,
    resources: usize,
}

/// Everything the formula needs from the entries, as integer counts.
struct Tallies<'e> {
    /// Distinct scope ids, sorted.
    scopes: Vec<&'e str>,
    /// Per scope, distinct resources counted for any control.
    weights: Vec<usize>,
    /// `cells[control][scope]`.
    cells: Vec<Vec<Cell>>,
    /// Sorted by (recommendation, scope).
    fixes: Vec<Fix>,
}

/// An entry reduced to the sort key and what the fold needs.
struct Row {
    control: usize,
    scope: usize,
    resource: usize,
    recommendation: usize,
    state: State,
}

/// Which recommendations find a resource unhealthy for a control.
#[derive(Clone, Copy, PartialEq)]
enum Culprits {
    None,
    One(usize),
    Several,
}

impl<'e> Tallies<'e> {
    fn build(model: &ScoreModel, entries: &'e [Entry]) -> Self {
        let control_of = |entry: &Entry| {
            model
                .recommendation_control
                .get(entry.recommendation)
                .copied()
                .filter(|&control| control < model.controls.len())
        };
        // Scope ids are numbered in sorted order, so every later loop over scopes runs in id
        // order and the float sums do not depend on the entry order.
        // Entries of one scope usually share its string and come in runs (a recommendation's
        // entries in resource order): an entry whose string is the previous entry's is not
        // hashed again (millions of entries at 1,000,000 resources, a few hundred scopes).
        let mut distinct: std::collections::HashSet<&str, foldhash::fast::RandomState> =
            std::collections::HashSet::default();
        let mut last: Option<&Arc<str>> = None;
        for entry in entries.iter().filter(|entry| control_of(entry).is_some()) {
            if !last.is_some_and(|l| Arc::ptr_eq(l, &entry.scope)) {
                distinct.insert(&entry.scope);
                last = Some(&entry.scope);
            }
        }
        let mut scopes: Vec<&str> = distinct.into_iter().collect();
        scopes.sort_unstable();
        // foldhash rather than SipHash: the keys are the estate's subscription ids, nobody's
        // chosen collisions.
        let scope_index: std::collections::HashMap<&str, usize, foldhash::fast::RandomState> =
            scopes.iter().enumerate().map(|(i, s)| (*s, i)).collect();

        // Sized once: growing a vector of hundreds of thousands of rows by doubling copies it
        // and touches fresh memory each time.
        let mut rows: Vec<Row> = Vec::with_capacity(entries.len());
        let mut last: Option<(&Arc<str>, usize)> = None;
        rows.extend(entries.iter().filter_map(|entry| {
            let control = control_of(entry)?;
            let scope = match last {
                Some((l, at)) if Arc::ptr_eq(l, &entry.scope) => at,
                _ => {
                    let at = *scope_index.get(&*entry.scope)?;
                    last = Some((&entry.scope, at));
                    at
                }
            };
            Some(Row {
                control,
                scope,
                resource: entry.resource,
                recommendation: entry.recommendation,
                state: entry.state,
            })
        }));
        // A stable sort, for its merging of runs already in order: the entries come a
        // recommendation at a time in resource order, and the inventory's id order keeps a
        // subscription's resources together in the scopes' order, so the rows are usually a
        // few dozen ascending runs (about 6 comparisons a row to merge 55, where a quicksort
        // of 2.4 million rows makes about 21). Any order sorts correctly, only slower.
        rows.sort_by(|a, b| {
            (a.control, a.scope, a.resource).cmp(&(b.control, b.scope, b.resource))
        });

        let mut cells = vec![vec![Cell::default(); scopes.len()]; model.controls.len()];
        let mut counted: Vec<(usize, usize)> = Vec::with_capacity(rows.len());
        let mut fixes: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        let same_key =
            |a: &Row, b: &Row| (a.control, a.scope, a.resource) == (b.control, b.scope, b.resource);
        for group in rows.chunk_by(same_key) {
            let Some(first) = group.first() else { continue };
            let mut healthy = false;
            let mut culprits = Culprits::None;
            for row in group {
                match row.state {
                    State::Healthy => healthy = true,
                    State::Unhealthy => {
                        culprits = match culprits {
                            Culprits::None => Culprits::One(row.recommendation),
                            Culprits::One(r) if r == row.recommendation => culprits,
                            _ => Culprits::Several,
                        }
                    }
                    State::Exempt | State::NotApplicable => {}
                }
            }
            let Some(cell) = cells
                .get_mut(first.control)
                .and_then(|row| row.get_mut(first.scope))
            else {
                continue;
            };
            match culprits {
                Culprits::None if healthy => cell.healthy += 1,
                Culprits::None => cell.not_applicable += 1,
                Culprits::One(_) | Culprits::Several => cell.unhealthy += 1,
            }
            if healthy || culprits != Culprits::None {
                counted.push((first.scope, first.resource));
            }
            // Fixing the sole culprit makes the resource healthy: the flipped entries are
            // healthy now and no other recommendation of the control objects.
            if let Culprits::One(recommendation) = culprits {
                *fixes.entry((recommendation, first.scope)).or_default() += 1;
            }
        }

        // A resource counted by several controls weighs its scope once.
        // Stable for the same reason: one ascending run per control.
        counted.sort();
        counted.dedup();
        let mut weights = vec![0; scopes.len()];
        for (scope, _) in counted {
            if let Some(weight) = weights.get_mut(scope) {
                *weight += 1;
            }
        }
        let fixes = fixes
            .into_iter()
            .map(|((recommendation, scope), resources)| Fix {
                recommendation,
                scope,
                resources,
            })
            .collect();
        Self {
            scopes,
            weights,
            cells,
            fixes,
        }
    }

    fn cell(&self, control: usize, scope: usize) -> Cell {
        self.cells
            .get(control)
            .and_then(|row| row.get(scope))
            .copied()
            .unwrap_or_default()
    }
}

/// One scope's sums.
#[derive(Debug, Clone, Copy)]
struct ScopeSums {
    current: f64,
    max: f64,
    percentage: f64,
    weight: f64,
}

/// The current scores, kept so gains only re-sum what a fix changes.
struct Baseline {
    scopes: Vec<ScopeSums>,
    /// Per control: available in at least one scope.
    available: Vec<bool>,
    overall: Points,
}

impl Baseline {
    fn new(model: &ScoreModel, tallies: &Tallies) -> Self {
        let scopes: Vec<ScopeSums> = tallies
            .weights
            .iter()
            .enumerate()
            .map(|(scope, &weight)| scope_sums(model, weight as f64, |c| tallies.cell(c, scope)))
            .collect();
        let available: Vec<bool> = tallies
            .cells
            .iter()
            .map(|row| row.iter().any(|cell| cell.ratio().is_some()))
            .collect();
        // A fix never changes which controls are available (a counted resource stays
        // counted), so this max holds for every gain too.
        let max = model
            .controls
            .iter()
            .zip(&available)
            .filter(|(_, &on)| on)
            .map(|(control, _)| control.max_points)
            .sum();
        let overall = overall(&scopes, max);
        Self {
            scopes,
            available,
            overall,
        }
    }

    /// Overall gain when `control`'s cells in some scopes are replaced by `patches`.
    fn gain(
        &self,
        model: &ScoreModel,
        tallies: &Tallies,
        control: usize,
        patches: impl Iterator<Item = (usize, Cell)>,
    ) -> Gain {
        let mut scopes = self.scopes.clone();
        let mut changed = false;
        for (scope, patched) in patches {
            let Some(sums) = scopes.get_mut(scope) else {
                continue;
            };
            *sums = scope_sums(model, sums.weight, |c| {
                if c == control {
                    patched
                } else {
                    tallies.cell(c, scope)
                }
            });
            changed = true;
        }
        if !changed {
            // Nothing turns healthy: report an exact zero rather than float noise.
            return zero_gain();
        }
        let after = overall(&scopes, self.overall.max);
        Gain {
            points: after.current - self.overall.current,
            percent: after.percentage - self.overall.percentage,
        }
    }
}

/// Sums of the controls available in one scope; `cell(c)` gives control `c`'s cell there.
fn scope_sums(model: &ScoreModel, weight: f64, cell: impl Fn(usize) -> Cell) -> ScopeSums {
    let (current, max) =
        model
            .controls
            .iter()
            .enumerate()
            .fold((0.0, 0.0), |(current, max), (index, control)| {
                match cell(index).ratio() {
                    Some(ratio) => (
                        current + control.max_points * ratio,
                        max + control.max_points,
                    ),
                    None => (current, max),
                }
            });
    ScopeSums {
        current,
        max,
        percentage: if max > 0.0 {
            current / max * 100.0
        } else {
            0.0
        },
        weight,
    }
}

/// Weighted mean of the scope percentages. Scopes with no max (nothing available, or only
/// 0-point controls) have no score to average, so they are left out rather than pulling the
/// mean towards 0.
fn overall(scopes: &[ScopeSums], max: f64) -> Points {
    let (weighted, weights) = scopes.iter().filter(|sums| sums.max > 0.0).fold(
        (0.0, 0.0),
        |(weighted, weights), sums| {
            (
                weighted + sums.weight * sums.percentage,
                weights + sums.weight,
            )
        },
    );
    let percentage = if weights > 0.0 {
        weighted / weights
    } else {
        0.0
    };
    Points {
        current: percentage / 100.0 * max,
        max,
        percentage,
    }
}

fn control_score(
    model: &ScoreModel,
    tallies: &Tallies,
    base: &Baseline,
    index: usize,
    control: &Control,
    row: &[Cell],
) -> ControlScore {
    let available = base.available.get(index).copied().unwrap_or(false);
    // Weighted mean of the per-scope ratios over the scopes where the control is available.
    let (weighted, weights) = row.iter().zip(&base.scopes).fold(
        (0.0, 0.0),
        |(weighted, weights), (cell, sums)| match cell.ratio() {
            Some(ratio) => (weighted + sums.weight * ratio, weights + sums.weight),
            None => (weighted, weights),
        },
    );
    let ratio = if weights > 0.0 {
        weighted / weights
    } else {
        0.0
    };
    let patches = row
        .iter()
        .enumerate()
        .filter(|(_, cell)| cell.unhealthy > 0)
        .map(|(scope, cell)| {
            (
                scope,
                Cell {
                    healthy: cell.healthy + cell.unhealthy,
                    unhealthy: 0,
                    not_applicable: cell.not_applicable,
                },
            )
        });
    ControlScore {
        id: control.id.clone(),
        name: control.name.clone(),
        current: if available {
            ratio * control.max_points
        } else {
            0.0
        },
        max: if available { control.max_points } else { 0.0 },
        available,
        healthy: row.iter().map(|cell| cell.healthy).sum(),
        unhealthy: row.iter().map(|cell| cell.unhealthy).sum(),
        not_applicable: row.iter().map(|cell| cell.not_applicable).sum(),
        potential_gain: base.gain(model, tallies, index, patches),
    }
}

fn zero_gain() -> Gain {
    Gain {
        points: 0.0,
        percent: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-9;

    fn close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < EPS,
            "expected {expected}, got {actual}"
        );
    }

    fn controls(maxes: &[f64]) -> Vec<Control> {
        maxes
            .iter()
            .enumerate()
            .map(|(i, &max_points)| Control {
                id: format!("c{i}"),
                name: format!("Control {i}"),
                max_points,
                description: String::new(),
            })
            .collect()
    }

    /// An entry of the resource named `resource` (numbered by a hash of the name: the tests
    /// use a few hundred names, and only equality matters).
    fn entry(recommendation: usize, resource: &str, scope: &str, state: State) -> Entry {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        resource.hash(&mut h);
        Entry {
            recommendation,
            resource: h.finish() as usize,
            scope: scope.into(),
            state,
        }
    }

    /// `healthy` healthy and `unhealthy` unhealthy resources for `recommendation` in `scope`.
    fn many(recommendation: usize, scope: &str, healthy: usize, unhealthy: usize) -> Vec<Entry> {
        (0..healthy + unhealthy)
            .map(|i| {
                let state = if i < healthy {
                    State::Healthy
                } else {
                    State::Unhealthy
                };
                entry(
                    recommendation,
                    &format!("{scope}/r{recommendation}-{i}"),
                    scope,
                    state,
                )
            })
            .collect()
    }

    fn score(maxes: &[f64], rec_control: &[usize], entries: &[Entry]) -> Score {
        let controls = controls(maxes);
        compute(
            &ScoreModel {
                controls: &controls,
                recommendation_control: rec_control,
            },
            entries,
        )
    }

    fn gains(maxes: &[f64], rec_control: &[usize], entries: &[Entry]) -> Vec<Gain> {
        let controls = controls(maxes);
        recommendation_gains(
            &ScoreModel {
                controls: &controls,
                recommendation_control: rec_control,
            },
            entries,
        )
    }

    /// Makes every unhealthy entry of the recommendations `fixed` healthy.
    fn flip(entries: &[Entry], fixed: impl Fn(usize) -> bool) -> Vec<Entry> {
        entries
            .iter()
            .cloned()
            .map(|mut e| {
                if fixed(e.recommendation) && e.state == State::Unhealthy {
                    e.state = State::Healthy;
                }
                e
            })
            .collect()
    }

    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

    /// Entries that share their scope's string (as assess gives them, in runs) score as
    /// entries that each carry their own copy, including where two strings of one scope
    /// alternate.
    #[test]
    fn shared_scope_strings_score_as_copies() {
        let names = ["a", "b", "c"];
        let shared: Vec<Arc<str>> = names.iter().map(|&n| Arc::from(n)).collect();
        let other_a: Arc<str> = Arc::from("a");
        let state = |rec: usize, i: usize| match (i * 7 + rec) % 3 {
            0 => State::Healthy,
            1 => State::Unhealthy,
            _ => State::NotApplicable,
        };
        let mut copies = Vec::new();
        let mut runs = Vec::new();
        for rec in 0..4 {
            for i in 0..30 {
                let scope = i / 10;
                copies.push(entry(rec, &format!("r{i}"), names[scope], state(rec, i)));
                let mut e = entry(rec, &format!("r{i}"), "", state(rec, i));
                e.scope = if scope == 0 && (i / 3) % 2 == 1 {
                    Arc::clone(&other_a)
                } else {
                    Arc::clone(&shared[scope])
                };
                runs.push(e);
            }
        }
        let maxes = [10.0, 6.0];
        let rec_control = [0, 0, 1, 1];
        let want = score(&maxes, &rec_control, &copies);
        // Each scope weighs its own ten resources (every one is healthy or unhealthy for
        // some recommendation).
        let weights: Vec<(&str, f64)> = want
            .subscriptions
            .iter()
            .map(|s| (s.id.as_str(), s.weight))
            .collect();
        assert_eq!(weights, [("a", 10.0), ("b", 10.0), ("c", 10.0)]);
        assert!(want
            .controls
            .iter()
            .all(|c| c.healthy > 0 && c.unhealthy > 0));
        assert_eq!(score(&maxes, &rec_control, &runs), want);
        assert_eq!(
            gains(&maxes, &rec_control, &runs),
            gains(&maxes, &rec_control, &copies)
        );
    }

    #[test]
    fn reference_worked_figure_six_points_four_of_seventy_eight() {
        let s = score(&[6.0], &[0], &many(0, "sub", 4, 74));
        let c = &s.controls[0];
        close(c.current, 6.0 * 4.0 / 78.0);
        assert_eq!((c.current * 100.0).round() / 100.0, 0.31);
        assert_eq!(round4(c.current), 0.3077);
        assert_eq!((c.healthy, c.unhealthy), (4, 74));
        close(c.potential_gain.points, 6.0 - 6.0 * 4.0 / 78.0);
        close(c.potential_gain.points, 6.0 / 78.0 * 74.0);
        close(s.overall.current, 6.0 * 4.0 / 78.0);
        close(s.overall.max, 6.0);
    }

    #[test]
    fn eighteen_point_three_eight_of_fifty_six_is_32_82_percent() {
        // 10 (all healthy) + 8 * 1/2 + 6 * 73/100 + 32 * 0 = 18.38 of 56.
        let mut entries = many(0, "sub", 1, 0);
        entries.extend(many(1, "sub", 1, 1));
        entries.extend(many(2, "sub", 73, 27));
        entries.extend(many(3, "sub", 0, 1));
        let s = score(&[10.0, 8.0, 6.0, 32.0], &[0, 1, 2, 3], &entries);
        close(s.overall.current, 18.38);
        close(s.overall.max, 56.0);
        assert_eq!(round4(s.overall.percentage / 100.0), 0.3282);
        assert_eq!(s.subscriptions.len(), 1);
        close(s.subscriptions[0].current, 18.38);
        assert_eq!(s.subscriptions[0].weight, 104.0);
        // Single scope: the controls' potential points add up to max - current.
        let gain: f64 = s.controls.iter().map(|c| c.potential_gain.points).sum();
        close(gain, 56.0 - 18.38);
    }

    #[test]
    fn fixing_three_of_four_unhealthy_recommendations_changes_nothing() {
        let rec_control = [0, 0, 0, 0];
        let mut entries: Vec<Entry> = (0..4)
            .map(|rec| entry(rec, "vm1", "sub", State::Unhealthy))
            .collect();
        entries.push(entry(0, "vm2", "sub", State::Healthy));
        let before = score(&[10.0], &rec_control, &entries);
        close(before.overall.percentage, 50.0);
        let g = gains(&[10.0], &rec_control, &entries);
        assert_eq!(g.len(), 4);
        for gain in &g {
            assert_eq!(gain.points, 0.0);
            assert_eq!(gain.percent, 0.0);
        }
        let three = score(&[10.0], &rec_control, &flip(&entries, |r| r < 3));
        assert_eq!(three, before);
        // The fourth fix completes the resource.
        let all = score(&[10.0], &rec_control, &flip(&entries, |_| true));
        close(all.overall.percentage, 100.0);
        close(before.controls[0].potential_gain.points, 5.0);
        close(before.controls[0].potential_gain.percent, 50.0);
    }

    #[test]
    fn one_unhealthy_recommendation_makes_the_resource_unhealthy() {
        let entries = vec![
            entry(0, "vm1", "sub", State::Healthy),
            entry(1, "vm1", "sub", State::Unhealthy),
            entry(0, "vm2", "sub", State::Healthy),
            entry(1, "vm2", "sub", State::Healthy),
        ];
        let s = score(&[4.0], &[0, 0], &entries);
        assert_eq!((s.controls[0].healthy, s.controls[0].unhealthy), (1, 1));
        close(s.overall.current, 2.0);
        let g = gains(&[4.0], &[0, 0], &entries);
        assert_eq!(g[0].points, 0.0);
        close(g[1].points, 2.0);
        close(g[1].percent, 50.0);
    }

    #[test]
    fn healthy_needs_one_healthy_finding_and_others_only_count_as_not_applicable() {
        let entries = vec![
            entry(0, "vm1", "sub", State::NotApplicable),
            entry(1, "vm1", "sub", State::Healthy),
            entry(0, "vm2", "sub", State::NotApplicable),
            entry(1, "vm2", "sub", State::Exempt),
            entry(0, "vm3", "sub", State::Unhealthy),
        ];
        let s = score(&[3.0], &[0, 0], &entries);
        let c = &s.controls[0];
        assert_eq!((c.healthy, c.unhealthy, c.not_applicable), (1, 1, 1));
        close(c.current, 1.5);
        assert_eq!(s.subscriptions[0].weight, 2.0);
    }

    #[test]
    fn exempt_and_not_applicable_leave_the_denominator() {
        let base = vec![
            entry(0, "vm1", "sub", State::Healthy),
            entry(0, "vm2", "sub", State::Unhealthy),
        ];
        close(score(&[5.0], &[0], &base).overall.percentage, 50.0);
        for state in [State::Exempt, State::NotApplicable] {
            let mut entries = base.clone();
            entries[1].state = state;
            let s = score(&[5.0], &[0], &entries);
            // The exempted unhealthy resource no longer costs points: the score rises.
            close(s.overall.percentage, 100.0);
            close(s.overall.current, 5.0);
            assert_eq!(s.controls[0].not_applicable, 1);
            assert_eq!(s.subscriptions[0].weight, 1.0);
        }
    }

    #[test]
    fn unavailable_control_leaves_the_max() {
        let entries = vec![
            entry(0, "vm1", "sub", State::Healthy),
            entry(0, "vm2", "sub", State::Unhealthy),
            entry(1, "vm1", "sub", State::NotApplicable),
            entry(1, "vm2", "sub", State::Exempt),
        ];
        let s = score(&[6.0, 10.0, 4.0], &[0, 1], &entries);
        close(s.overall.max, 6.0);
        close(s.overall.current, 3.0);
        close(s.overall.percentage, 50.0);
        let b = &s.controls[1];
        assert!(!b.available);
        assert_eq!((b.current, b.max, b.not_applicable), (0.0, 0.0, 2));
        assert_eq!(b.potential_gain, zero_gain());
        // A control with no entries at all is listed too.
        assert_eq!(s.controls.len(), 3);
        assert!(!s.controls[2].available);
        assert_eq!(s.controls[2].id, "c2");
    }

    #[test]
    fn zero_point_control_does_not_change_the_percentage() {
        let mut entries = many(0, "sub", 1, 3);
        let without = score(&[8.0, 0.0], &[0, 1], &entries);
        entries.extend(many(1, "sub", 2, 5));
        let with = score(&[8.0, 0.0], &[0, 1], &entries);
        close(with.overall.percentage, without.overall.percentage);
        close(with.overall.percentage, 25.0);
        close(with.overall.max, 8.0);
        let zero = &with.controls[1];
        assert!(zero.available);
        assert_eq!((zero.current, zero.max), (0.0, 0.0));
        assert_eq!((zero.healthy, zero.unhealthy), (2, 5));
        close(zero.potential_gain.points, 0.0);
        close(zero.potential_gain.percent, 0.0);
        // Only 0-point controls in a scope: no max, no share of the overall mean.
        let lone = score(&[8.0, 0.0], &[0, 1], &many(1, "sub", 0, 3));
        assert_eq!(lone.overall.percentage, 0.0);
        assert_eq!(lone.subscriptions[0].max, 0.0);
        assert_eq!(lone.subscriptions[0].weight, 3.0);
    }

    #[test]
    fn two_subscriptions_aggregate_as_weighted_means() {
        // s2 first: the output must still be sorted by id.
        let entries = vec![
            entry(0, "r5", "s2", State::Healthy),
            entry(0, "r1", "s1", State::Healthy),
            entry(0, "r2", "s1", State::Unhealthy),
            entry(0, "r3", "s1", State::Unhealthy),
            entry(1, "r1", "s1", State::Healthy),
            entry(1, "r4", "s1", State::Unhealthy),
        ];
        let s = score(&[10.0, 5.0], &[0, 1], &entries);
        let ids: Vec<&str> = s.subscriptions.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["s1", "s2"]);
        // s1: A 1/3 of 10, B 1/2 of 5; four distinct counted resources.
        let (cur1, max1, w1) = (10.0 / 3.0 + 2.5, 15.0, 4.0);
        // s2: A 1/1 of 10, B unavailable; one resource.
        let (cur2, max2, w2) = (10.0, 10.0, 1.0);
        let s1 = &s.subscriptions[0];
        close(s1.current, cur1);
        close(s1.max, max1);
        close(s1.percentage, cur1 / max1 * 100.0);
        assert_eq!(s1.weight, w1);
        let s2 = &s.subscriptions[1];
        close(s2.percentage, 100.0);
        assert_eq!((s2.max, s2.weight), (max2, w2));
        let expected = (w1 * cur1 / max1 * 100.0 + w2 * cur2 / max2 * 100.0) / (w1 + w2);
        close(s.overall.percentage, expected);
        close(s.overall.max, 15.0);
        close(s.overall.current, expected / 100.0 * 15.0);
        // Control A: (4 * 1/3 + 1 * 1) / 5 of 10 points; B only in s1.
        close(s.controls[0].current, (4.0 / 3.0 + 1.0) / 5.0 * 10.0);
        close(s.controls[1].current, 2.5);
        assert_eq!((s.controls[0].healthy, s.controls[0].unhealthy), (2, 2));
        // Fixing A everywhere: s1 becomes (10 + 2.5) / 15.
        let fixed = ((w1 * 12.5 / 15.0 + w2) * 100.0) / (w1 + w2);
        close(s.controls[0].potential_gain.percent, fixed - expected);
        close(
            s.controls[0].potential_gain.points,
            (fixed - expected) / 100.0 * 15.0,
        );
    }

    #[test]
    fn recommendation_gains_equal_brute_force_recomputation() {
        let mut rng = Lcg(0x5eed);
        for _ in 0..200 {
            let maxes: Vec<f64> = (0..3).map(|_| [0.0, 1.0, 4.0, 6.0][rng.below(4)]).collect();
            let rec_control: Vec<usize> = (0..6).map(|_| rng.below(3)).collect();
            let scopes = ["a", "b", "c"];
            let states = [
                State::Healthy,
                State::Unhealthy,
                State::Unhealthy,
                State::Exempt,
                State::NotApplicable,
            ];
            let entries: Vec<Entry> = (0..rng.below(30))
                .map(|_| {
                    let spread = 1 + rng.below(3);
                    let scope = scopes[rng.below(spread)];
                    let resource = format!("{scope}/r{}", rng.below(5));
                    let rec = rng.below(7); // 6 is outside the model and ignored
                    entry(rec, &resource, scope, states[rng.below(5)])
                })
                .collect();
            let base = score(&maxes, &rec_control, &entries);
            let g = gains(&maxes, &rec_control, &entries);
            assert_eq!(g.len(), 6);
            for (rec, gain) in g.iter().enumerate() {
                let after = score(&maxes, &rec_control, &flip(&entries, |r| r == rec));
                close(gain.points, after.overall.current - base.overall.current);
                close(
                    gain.percent,
                    after.overall.percentage - base.overall.percentage,
                );
                assert!(gain.points >= -EPS);
            }
            for (index, control) in base.controls.iter().enumerate() {
                let fixed = flip(&entries, |r| rec_control.get(r) == Some(&index));
                let after = score(&maxes, &rec_control, &fixed);
                close(
                    control.potential_gain.points,
                    after.overall.current - base.overall.current,
                );
                close(
                    control.potential_gain.percent,
                    after.overall.percentage - base.overall.percentage,
                );
            }
        }
    }

    #[test]
    fn shuffled_entries_give_an_identical_score() {
        let mut rng = Lcg(42);
        let rec_control = [0, 0, 1, 2, 2];
        let maxes = [6.0, 3.0, 0.0];
        let states = [
            State::Healthy,
            State::Unhealthy,
            State::Exempt,
            State::NotApplicable,
        ];
        let mut entries: Vec<Entry> = (0..400)
            .map(|_| {
                let scope = ["s9", "s1", "", "s5"][rng.below(4)];
                let resource = format!("{scope}/vm{}", rng.below(40));
                entry(rng.below(5), &resource, scope, states[rng.below(4)])
            })
            .collect();
        let first = score(&maxes, &rec_control, &entries);
        let first_gains = gains(&maxes, &rec_control, &entries);
        for _ in 0..5 {
            for i in (1..entries.len()).rev() {
                entries.swap(i, rng.below(i + 1));
            }
            assert_eq!(score(&maxes, &rec_control, &entries), first);
            assert_eq!(gains(&maxes, &rec_control, &entries), first_gains);
        }
        let ids: Vec<&str> = first.subscriptions.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["", "s1", "s5", "s9"]);
    }

    #[test]
    fn empty_input_and_stray_indices_score_zero() {
        let s = score(&[5.0], &[0, 7], &[entry(1, "vm", "s", State::Unhealthy)]);
        assert_eq!(
            s.overall,
            Points {
                current: 0.0,
                max: 0.0,
                percentage: 0.0
            }
        );
        assert!(s.subscriptions.is_empty());
        assert!(!s.controls[0].available);
        assert_eq!(gains(&[5.0], &[0, 7], &[]), vec![zero_gain(), zero_gain()]);
    }

    #[test]
    fn round4_keeps_four_decimals_and_drops_negative_zero() {
        assert_eq!(round4(0.328_214_285), 0.3282);
        assert_eq!(round4(5.692_307_69), 5.6923);
        let tiny = round4(-1e-12);
        assert_eq!(tiny, 0.0);
        assert!(tiny.is_sign_positive());
    }

    #[test]
    fn json_uses_the_contract_names() {
        let s = score(&[6.0], &[0], &many(0, "sub", 1, 1));
        let json = serde_json::to_value(&s).unwrap();
        let control = &json["controls"][0];
        assert!(control.get("notApplicable").is_some());
        assert!(control["potentialGain"].get("points").is_some());
        assert!(json["overall"].get("percentage").is_some());
        assert!(json["subscriptions"][0].get("weight").is_some());
    }
}
