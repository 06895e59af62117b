// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.

//! Opaque iterator types for [`Set`].
//!
//! These newtypes wrap the storage backend's iterators so the backend can be
//! swapped without changing any iterator type signatures observed by callers.

use alloc::collections::btree_set;
use alloc::vec;
use core::iter::FusedIterator;
use core::slice;

use super::Set;
use crate::value::Value;

/// Owned iterator over `Value` elements.
#[derive(Debug)]
pub struct IntoIter {
    pub(super) inner: IntoIterInner,
}

/// posture patch: one iterator per storage of the set (POSTURE-PATCH.md item 31).
#[derive(Debug)]
pub(super) enum IntoIterInner {
    Sorted(vec::IntoIter<Value>),
    Tree(btree_set::IntoIter<Value>),
}

/// posture patch: one iterator per storage of the set.
#[derive(Debug, Clone)]
pub(super) enum IterInner<'a> {
    Sorted(slice::Iter<'a, Value>),
    Tree(btree_set::Iter<'a, Value>),
}

/// Forwards a call to the iterator of either storage.
macro_rules! either {
    ($inner:expr, $it:ident => $call:expr) => {
        match $inner {
            IntoIterInner::Sorted($it) => $call,
            IntoIterInner::Tree($it) => $call,
        }
    };
}

macro_rules! either_ref {
    ($inner:expr, $it:ident => $call:expr) => {
        match $inner {
            IterInner::Sorted($it) => $call,
            IterInner::Tree($it) => $call,
        }
    };
}

impl Iterator for IntoIter {
    type Item = Value;
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        either!(&mut self.inner, it => it.next())
    }
    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        either!(&self.inner, it => it.size_hint())
    }
}

impl DoubleEndedIterator for IntoIter {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        either!(&mut self.inner, it => it.next_back())
    }
}

impl ExactSizeIterator for IntoIter {
    #[inline]
    fn len(&self) -> usize {
        either!(&self.inner, it => it.len())
    }
}

impl FusedIterator for IntoIter {}

/// Borrowed iterator over `&Value` elements.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    pub(super) inner: IterInner<'a>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Value;
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        either_ref!(&mut self.inner, it => it.next())
    }
    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        either_ref!(&self.inner, it => it.size_hint())
    }
}

impl<'a> DoubleEndedIterator for Iter<'a> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        either_ref!(&mut self.inner, it => it.next_back())
    }
}

impl<'a> ExactSizeIterator for Iter<'a> {
    #[inline]
    fn len(&self) -> usize {
        either_ref!(&self.inner, it => it.len())
    }
}

impl<'a> FusedIterator for Iter<'a> {}

impl IntoIterator for Set {
    type Item = Value;
    type IntoIter = IntoIter;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        IntoIter {
            inner: match self.inner {
                super::Repr::Sorted(v) => IntoIterInner::Sorted(v.into_iter()),
                super::Repr::Tree(t) => IntoIterInner::Tree(t.into_iter()),
            },
        }
    }
}

impl<'a> IntoIterator for &'a Set {
    type Item = &'a Value;
    type IntoIter = Iter<'a>;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter_sorted()
    }
}
