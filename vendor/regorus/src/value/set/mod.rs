// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.

//! See [`Set`].

mod iter;
mod serde;

use alloc::collections::BTreeSet;
use core::cmp::Ordering;
use core::fmt;
use core::mem;
use core::ops::Bound;

use crate::value::Value;
use alloc::vec::Vec;

#[allow(unused_imports)] // surface for downstream PRs
pub use iter::{IntoIter, Iter};

/// Opaque, ordered set of [`Value`]s.
///
/// The inner field is private so the representation can change (hash-backed,
/// lazy, bloom-fronted, FFI-backed) without touching call sites.
///
/// posture patch (POSTURE-PATCH.md item 31): the storage is a sorted vector without
/// duplicates ([`Repr::Sorted`]) until an insertion into its middle would have to move
/// more than [`SORTED_LIMIT`] elements, then a `BTreeSet`. Appending in order costs one
/// comparison and an insertion elsewhere a binary search, where the tree compared each new
/// element (a policy's findings are objects, deep to compare) with about twenty others on
/// the way down; lookups are binary searches over one slice. Each operation keeps the
/// element `BTreeSet` keeps among equal ones (`insert` and `extend` the one already there,
/// `FromIterator` the last, `append` and `union` the receiver's, `intersection` the
/// receiver's unless the other set is at most a sixteenth of its size).
///
/// # Iteration
///
/// - [`Set::iter`] — implementation-defined order; non-resumable.
/// - [`Set::iter_sorted`] — sorted by `Value::Ord`; non-resumable.
/// - [`Set::cursor`] / [`Set::next`] — implementation-defined order,
///   resumable; cheapest per-step cost. Used by interpreter/RVM when iteration
///   must yield mid-flight.
#[derive(Default, Clone)]
pub struct Set {
    inner: Repr,
}

/// posture patch: the two storages of a [`Set`]; both iterate in sorted order.
#[derive(Clone)]
enum Repr {
    /// Strictly increasing by `Value::Ord`.
    Sorted(Vec<Value>),
    Tree(BTreeSet<Value>),
}

impl Default for Repr {
    #[inline]
    fn default() -> Self {
        Repr::Sorted(Vec::new())
    }
}

/// posture patch: the most elements an insertion into a sorted set moves; one that would
/// move more turns the set into a tree. Appending in order never does.
const SORTED_LIMIT: usize = 1024;

/// posture patch: sorted values without neighbours equal by `Value::Ord`, keeping the last of
/// each run of equal ones (as `BTreeSet::from_iter` does: it sorts stably and keeps the last).
fn sorted_last_kept(mut values: Vec<Value>) -> Vec<Value> {
    values.sort();
    values.dedup_by(|later, kept| {
        if Ord::cmp(&*later, &*kept) == Ordering::Equal {
            mem::swap(later, kept);
            true
        } else {
            false
        }
    });
    values
}

/// posture patch: one pass over two sorted runs without duplicates, keeping the elements
/// only in `a` (`take_a_only`), those in both (`take_both`, `a`'s copy) and those only in
/// `b` (`take_b_only`): union, intersection or difference.
fn merge<'a, I, J>(a: I, b: J, take_a_only: bool, take_both: bool, take_b_only: bool) -> Vec<Value>
where
    I: Iterator<Item = &'a Value>,
    J: Iterator<Item = &'a Value>,
{
    let mut out = Vec::new();
    let mut a = a.peekable();
    let mut b = b.peekable();
    loop {
        match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match Ord::cmp(*x, *y) {
                Ordering::Less => {
                    if take_a_only {
                        out.push((*x).clone());
                    }
                    a.next();
                }
                Ordering::Greater => {
                    if take_b_only {
                        out.push((*y).clone());
                    }
                    b.next();
                }
                Ordering::Equal => {
                    if take_both {
                        out.push((*x).clone());
                    }
                    a.next();
                    b.next();
                }
            },
            (Some(x), None) => {
                if !take_a_only {
                    break;
                }
                out.push((*x).clone());
                a.next();
            }
            (None, Some(y)) => {
                if !take_b_only {
                    break;
                }
                out.push((*y).clone());
                b.next();
            }
            (None, None) => break,
        }
    }
    out
}

impl Set {
    /// Create an empty `Set`.
    #[inline]
    pub const fn new() -> Self {
        Self {
            inner: Repr::Sorted(Vec::new()),
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        match &self.inner {
            Repr::Sorted(v) => v.len(),
            Repr::Tree(t) => t.len(),
        }
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    pub fn contains(&self, value: &Value) -> bool {
        match &self.inner {
            Repr::Sorted(v) => v.binary_search(value).is_ok(),
            Repr::Tree(t) => t.contains(value),
        }
    }

    #[inline]
    pub fn get(&self, value: &Value) -> Option<&Value> {
        match &self.inner {
            Repr::Sorted(v) => v.binary_search(value).ok().and_then(|i| v.get(i)),
            Repr::Tree(t) => t.get(value),
        }
    }

    /// First element in sorted order (by `Value::Ord`).
    #[inline]
    pub fn first(&self) -> Option<&Value> {
        self.iter_sorted().next()
    }

    /// Last element in sorted order (by `Value::Ord`).
    #[inline]
    pub fn last(&self) -> Option<&Value> {
        self.iter_sorted().next_back()
    }

    /// Iteration in implementation-defined order. Non-resumable.
    ///
    /// For the current storage this happens to be sorted, but
    /// callers MUST NOT depend on that. Use [`Set::iter_sorted`] when
    /// deterministic order is required, or [`Set::cursor`] when iteration
    /// must yield and resume.
    #[inline]
    pub fn iter(&self) -> Iter<'_> {
        self.iter_sorted()
    }

    /// Iteration in sorted order (by `Value::Ord`). Non-resumable.
    ///
    /// Use this for serialization, snapshots, hashing, `Debug`, etc.
    #[inline]
    pub fn iter_sorted(&self) -> Iter<'_> {
        // Both storages iterate sorted natively.
        Iter {
            inner: match &self.inner {
                Repr::Sorted(v) => iter::IterInner::Sorted(v.iter()),
                Repr::Tree(t) => iter::IterInner::Tree(t.iter()),
            },
        }
    }

    /// Insert `value`. Returns `true` if the value was newly inserted (an equal element
    /// already there stays).
    pub fn insert(&mut self, value: Value) -> bool {
        let v = match &mut self.inner {
            Repr::Sorted(v) => v,
            Repr::Tree(t) => return t.insert(value),
        };
        match v.last().map(|last| Ord::cmp(last, &value)) {
            None | Some(Ordering::Less) => {
                v.push(value);
                return true;
            }
            Some(Ordering::Equal) => return false,
            Some(Ordering::Greater) => {}
        }
        match v.binary_search(&value) {
            Ok(_) => false,
            Err(at) if v.len() - at <= SORTED_LIMIT => {
                v.insert(at, value);
                true
            }
            Err(_) => {
                // Already sorted and without duplicates: the tree is built in one pass.
                let mut tree: BTreeSet<Value> = mem::take(v).into_iter().collect();
                tree.insert(value);
                self.inner = Repr::Tree(tree);
                true
            }
        }
    }

    #[inline]
    pub fn remove(&mut self, value: &Value) -> bool {
        match &mut self.inner {
            Repr::Sorted(v) => match v.binary_search(value) {
                Ok(i) => {
                    v.remove(i);
                    true
                }
                Err(_) => false,
            },
            Repr::Tree(t) => t.remove(value),
        }
    }

    #[inline]
    pub fn retain<F>(&mut self, f: F)
    where
        F: FnMut(&Value) -> bool,
    {
        match &mut self.inner {
            Repr::Sorted(v) => v.retain(f),
            Repr::Tree(t) => t.retain(f),
        }
    }

    #[inline]
    pub fn clear(&mut self) {
        self.inner = Repr::Sorted(Vec::new());
    }

    /// Moves every element of `other` into `self`, leaving `other` empty; of two equal
    /// elements, `self`'s stays (as `BTreeSet::append`).
    pub fn append(&mut self, other: &mut Set) {
        if other.is_empty() {
            return;
        }
        if self.is_empty() {
            mem::swap(self, other);
            return;
        }
        let merged = merge(self.iter_sorted(), other.iter_sorted(), true, true, true);
        self.inner = Repr::Sorted(merged);
        other.clear();
    }

    /// Set intersection. Returns a new `Set` containing the elements
    /// present in both `self` and `other`.
    pub fn intersection(&self, other: &Set) -> Set {
        // As `BTreeSet`: sets that meet only at one end give `self`'s element; otherwise a
        // set at most a sixteenth of the other's size is looked up in it, and it is its
        // elements that are kept (`self`'s otherwise).
        let (Some(self_min), Some(self_max), Some(other_min), Some(other_max)) =
            (self.first(), self.last(), other.first(), other.last())
        else {
            return Set::new();
        };
        let found = match (Ord::cmp(self_min, other_max), Ord::cmp(self_max, other_min)) {
            (Ordering::Greater, _) | (_, Ordering::Less) => Vec::new(),
            (Ordering::Equal, _) => alloc::vec![self_min.clone()],
            (_, Ordering::Equal) => alloc::vec![self_max.clone()],
            _ => self.intersect(other),
        };
        Set {
            inner: Repr::Sorted(found),
        }
    }

    /// posture patch: the elements in both of two sets that overlap (see `intersection`).
    fn intersect(&self, other: &Set) -> Vec<Value> {
        if self.len().saturating_mul(16) <= other.len() {
            self.iter_sorted()
                .filter(|v| other.contains(v))
                .cloned()
                .collect()
        } else if other.len().saturating_mul(16) <= self.len() {
            other
                .iter_sorted()
                .filter(|v| self.contains(v))
                .cloned()
                .collect()
        } else {
            merge(self.iter_sorted(), other.iter_sorted(), false, true, false)
        }
    }

    /// Set union. Returns a new `Set` containing the elements present in
    /// either `self` or `other` (`self`'s of two equal ones).
    pub fn union(&self, other: &Set) -> Set {
        Set {
            inner: Repr::Sorted(merge(
                self.iter_sorted(),
                other.iter_sorted(),
                true,
                true,
                true,
            )),
        }
    }

    /// Set difference. Returns a new `Set` containing the elements present
    /// in `self` but not in `other`.
    pub fn difference(&self, other: &Set) -> Set {
        let left = if self.len().saturating_mul(16) <= other.len() {
            self.iter_sorted()
                .filter(|v| !other.contains(v))
                .cloned()
                .collect()
        } else {
            merge(self.iter_sorted(), other.iter_sorted(), true, false, false)
        };
        Set {
            inner: Repr::Sorted(left),
        }
    }

    #[inline]
    pub fn is_subset(&self, other: &Set) -> bool {
        self.len() <= other.len() && self.iter_sorted().all(|v| other.contains(v))
    }

    /// Wrap into a `Value::Set`.
    #[inline]
    pub fn into_value(self) -> Value {
        Value::Set(crate::Rc::new(self))
    }

    /// Create a resumable cursor over elements in implementation-defined
    /// order. Stable for the lifetime of `&self`. O(1).
    ///
    /// The cursor is fully self-owned (it stores a clone of the last-seen
    /// element, not a reference) so it can be stored as a field of a
    /// long-lived state struct — e.g. an RVM iteration frame that persists
    /// across instruction dispatches. As a consequence, mutating the `Set`
    /// between `next()` calls is not rejected by the borrow checker; the
    /// resulting iteration order in that case is unspecified.
    #[inline]
    pub const fn cursor(&self) -> SetCursor {
        SetCursor {
            inner: SetCursorInner::BTree(None, 0),
        }
    }

    /// Advance `cursor` and yield the next element. O(1) for the sorted storage, O(log n)
    /// for the tree (range probe).
    pub fn next<'a>(&'a self, cursor: &mut SetCursor) -> Option<&'a Value> {
        let SetCursorInner::BTree(ref mut last, ref mut position) = cursor.inner;
        let tree = match &self.inner {
            // posture patch: the sorted storage is indexed by the count yielded.
            Repr::Sorted(v) => {
                let v = v.get(*position)?;
                *position += 1;
                *last = Some(v.clone());
                return Some(v);
            }
            Repr::Tree(t) => t,
        };
        // posture patch: in a small set the next element is found by walking to its
        // position, which compares nothing; the range probe compares the last element with
        // others, deeply for sets of objects (normalised NSG rules, findings).
        if tree.len() <= 16 {
            let v = tree.iter().nth(*position)?;
            *position += 1;
            *last = Some(v.clone());
            return Some(v);
        }
        *position += 1;
        let next = last.as_ref().map_or_else(
            || tree.iter().next(),
            |prev| {
                // `(Bound<&T>, Bound<&T>)` impls `RangeBounds<T>` — no clone
                // needed to build the resume bound.
                tree.range((Bound::Excluded(prev), Bound::Unbounded)).next()
            },
        );
        let v = next?;
        *last = Some(v.clone());
        Some(v)
    }
}

/// Opaque resumable cursor over a [`Set`]'s elements in
/// implementation-defined order.
///
/// Self-owned: holds no borrow on the `Set`, so it can be stored as a
/// field of a long-lived state struct (e.g. an RVM iteration frame).
#[derive(Debug, Clone)]
pub struct SetCursor {
    inner: SetCursorInner,
}

#[derive(Debug, Clone)]
enum SetCursorInner {
    /// BTree backend cursor: tracks last-seen element. `None` means "before start". The
    /// count is how many elements were yielded (posture patch: small sets resume by it).
    BTree(Option<Value>, usize),
}

// ---- Hand-written Ord/PartialOrd ----------------------------------------
//
// Implemented in terms of `iter_sorted()` so ordering is consistent with the
// canonical (sorted) view of the elements and is therefore independent of
// the storage variant.

impl Ord for Set {
    fn cmp(&self, other: &Self) -> Ordering {
        self.iter_sorted().cmp(other.iter_sorted())
    }
}

impl PartialOrd for Set {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Set {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Use sorted iteration so Debug output is stable across storage
        // variants.
        f.debug_set().entries(self.iter_sorted()).finish()
    }
}

// posture patch: equality by elements, whatever the storage (it was derived from the
// `BTreeSet`'s: the same lengths and pairwise `==`).
impl PartialEq for Set {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter_sorted().eq(other.iter_sorted())
    }
}

impl Eq for Set {}

impl Extend<Value> for Set {
    fn extend<I: IntoIterator<Item = Value>>(&mut self, iter: I) {
        for value in iter {
            self.insert(value);
        }
    }
}

impl FromIterator<Value> for Set {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Self {
        Self {
            inner: Repr::Sorted(sorted_last_kept(iter.into_iter().collect())),
        }
    }
}

impl From<BTreeSet<Value>> for Set {
    #[inline]
    fn from(set: BTreeSet<Value>) -> Self {
        Self {
            inner: Repr::Sorted(set.into_iter().collect()),
        }
    }
}

impl From<Set> for Value {
    #[inline]
    fn from(s: Set) -> Self {
        s.into_value()
    }
}
