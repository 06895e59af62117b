// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.

//! posture patch (POSTURE-PATCH.md item 33): function results remembered within one run.
//!
//! Rego functions are pure within an evaluation: `input` and `data` do not change during a
//! run (the RVM refuses `with`), rule values are computed once, and the builtins that are
//! not deterministic give one value per run (`builtins_cache`). A call of a user function
//! with the same arguments as an earlier call of the same run therefore has the same value,
//! and the VM gives it without running the function again.
//!
//! Arguments are compared by identity, not by content, so that a lookup costs a hash of a
//! few words rather than a walk of a resource: numbers, booleans and `null` by their exact
//! representation, strings, arrays, sets, objects and big integers by their allocation. The
//! memo keeps a reference to every argument it has seen for the rest of the run, so an
//! allocation it names cannot be freed and reused for another value, and a shared value is
//! never changed in place (the engine copies a value on write while others refer to it).
//! Two equal values built apart are different keys: a missed chance, never a wrong value.
//!
//! A program that prints (each call's `print` must run; the compiler refuses `print` today,
//! the check keeps the memo right if it learns it) or awaits its host (each call takes the
//! next response) is not memoised, nor is the suspendable execution mode.

use alloc::vec::Vec;
use core::hash::{Hash, Hasher};

use crate::number::Number;
use crate::rvm::instructions::FunctionCallParams;
use crate::rvm::program::Program;
use crate::rvm::Instruction;
use crate::value::Value;

use super::errors::Result;
use super::machine::RegoVM;

/// The most arguments a remembered call has (most functions take one to three; a smaller
/// key is a smaller memo).
const MAX_ARGS: usize = 4;

/// The most calls a run remembers at once: past it the memo starts again, so that a run over
/// a very large input does not grow it without bound (it is a cache: emptying it changes no
/// value).
const MAX_CALLS: usize = 1 << 20;

/// A call: the function's rule index and each argument's kind and identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct MemoKey {
    rule: u16,
    count: u8,
    /// Four bits per argument.
    kinds: u32,
    bits: [u64; MAX_ARGS],
    /// The hash of the fields above, computed once by [`MemoKey::sealed`]: a call that is
    /// not remembered yet is looked up and then inserted, and each hashed the whole key
    /// (about 1.5% of a run's instructions).
    hash: u64,
}

impl MemoKey {
    /// The key with its hash computed (a multiply and rotate per word, as rustc's
    /// `FxHasher`).
    fn sealed(mut self) -> Self {
        let mut hash = MemoHasher::default();
        hash.write_u64(
            u64::from(self.rule) | u64::from(self.count) << 16 | u64::from(self.kinds) << 32,
        );
        for &b in self.bits.get(..usize::from(self.count)).unwrap_or(&[]) {
            hash.write_u64(b);
        }
        self.hash = hash.finish();
        self
    }
}

impl Hash for MemoKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// The address of a shared allocation, as its identity.
fn address<T: ?Sized>(rc: &crate::Rc<T>) -> u64 {
    crate::Rc::as_ptr(rc).cast::<u8>() as usize as u64
}

/// An argument's kind (never 0) and identity; `None` for `Undefined`.
fn identity(value: &Value) -> Option<(u32, u64)> {
    Some(match value {
        Value::Null => (1, 0),
        Value::Bool(b) => (2, u64::from(*b)),
        Value::Number(Number::UInt(u)) => (3, *u),
        Value::Number(Number::Int(i)) => (4, u64::from_ne_bytes(i.to_ne_bytes())),
        Value::Number(Number::Float(f)) => (5, f.to_bits()),
        Value::Number(Number::BigInt(b)) => (6, address(b)),
        Value::String(s) => (7, address(s)),
        Value::Array(a) => (8, address(a)),
        Value::Set(s) => (9, address(s)),
        Value::Object(o) => (10, address(o)),
        Value::Undefined => return None,
    })
}

/// Whether a program's calls may be remembered (see the module's documentation).
pub(super) fn memoisable(program: &Program) -> bool {
    !program.builtin_info_table.iter().any(|b| b.name == "print")
        && !program
            .instructions
            .iter()
            .any(|i| matches!(i, Instruction::HostAwait { .. }))
}

/// A fast hash for [`MemoKey`] (a multiply and rotate per word, as rustc's `FxHasher`):
/// the default hasher would cost a good part of what a remembered call saves.
#[derive(Default)]
pub(super) struct MemoHasher(u64);

impl Hasher for MemoHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    #[inline]
    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// The remembered calls of a run, and the arguments they name (kept alive).
#[cfg(feature = "std")]
pub(super) type MemoMap =
    std::collections::HashMap<MemoKey, Value, core::hash::BuildHasherDefault<MemoHasher>>;

#[cfg(not(feature = "std"))]
pub(super) type MemoMap = alloc::collections::BTreeMap<MemoKey, Value>;

#[cfg(feature = "std")]
fn capacity(calls: &MemoMap) -> usize {
    calls.capacity()
}

#[cfg(feature = "std")]
fn reserve(calls: &mut MemoMap, additional: usize) {
    calls.reserve(additional);
}

// A tree has no capacity to keep: it grows without rehashing.
#[cfg(not(feature = "std"))]
fn capacity(calls: &MemoMap) -> usize {
    calls.len()
}

#[cfg(not(feature = "std"))]
fn reserve(_calls: &mut MemoMap, _additional: usize) {}

#[derive(Debug, Default)]
pub(super) struct FunctionMemo {
    pub(super) calls: MemoMap,
    pub(super) kept: Vec<Value>,
    /// The sizes the previous run's memo reached: a VM runs the same program on part
    /// after part of an input, so the next run is sized once instead of growing (growing
    /// the table rehashed every entry at each doubling, 1.6% of a run's instructions).
    calls_hint: usize,
    kept_hint: usize,
}

impl FunctionMemo {
    pub(super) fn clear(&mut self) {
        self.calls.clear();
        self.kept.clear();
    }

    /// Empties the memo and gives its memory back (at the end of a run: a VM kept for the
    /// next part of an input holds no memo in between), remembering the sizes it reached.
    pub(super) fn release(&mut self) {
        // The capacity a table grew to, not its length: the memo may have been emptied at
        // `MAX_CALLS` during the run.
        let calls_hint = capacity(&self.calls).min(MAX_CALLS);
        let kept_hint = self.kept.capacity();
        *self = Self {
            calls_hint,
            kept_hint,
            ..Self::default()
        };
    }

    pub(super) fn remember(&mut self, key: MemoKey, value: Value) {
        if self.calls.len() >= MAX_CALLS {
            self.clear();
        } else if self.calls.is_empty() && self.calls_hint > 0 && capacity(&self.calls) == 0 {
            reserve(&mut self.calls, self.calls_hint);
        }
        self.calls.insert(key, value);
    }

    pub(super) fn keep(&mut self, value: Value) {
        if self.kept.capacity() == 0 {
            self.kept.reserve(self.kept_hint);
        }
        self.kept.push(value);
    }
}

impl RegoVM {
    /// posture patch: when true (and the program neither prints nor awaits its host), a
    /// run to completion gives a user function's value for arguments it has already been
    /// called with in the same run without calling it again (see `memo.rs`).
    pub fn set_memoize_functions(&mut self, memoize: bool) {
        self.memoize_functions = memoize;
    }

    /// The key of a call, or `None` when it is not remembered (an undefined argument, or
    /// more than [`MAX_ARGS`]).
    pub(super) fn memo_key(
        &self,
        rule: u16,
        params: &FunctionCallParams,
    ) -> Result<Option<MemoKey>> {
        let args = params.arg_registers();
        if args.len() > MAX_ARGS {
            return Ok(None);
        }
        let mut key = MemoKey {
            rule,
            count: u8::try_from(args.len()).unwrap_or(u8::MAX),
            kinds: 0,
            bits: [0; MAX_ARGS],
            hash: 0,
        };
        for (i, (&reg, slot)) in args.iter().zip(key.bits.iter_mut()).enumerate() {
            let Some((kind, bits)) = identity(self.get_register(reg)?) else {
                return Ok(None);
            };
            key.kinds |= kind << (4 * i);
            *slot = bits;
        }
        Ok(Some(key.sealed()))
    }

    /// Keeps the call's arguments alive for the rest of the run (their allocations are
    /// the key's identities).
    pub(super) fn memo_keep_arguments(&mut self, params: &FunctionCallParams) -> Result<()> {
        for &reg in params.arg_registers() {
            let value = self.get_register(reg)?;
            if matches!(
                value,
                Value::String(_)
                    | Value::Array(_)
                    | Value::Set(_)
                    | Value::Object(_)
                    | Value::Number(Number::BigInt(_))
            ) {
                let value = value.clone();
                self.function_memo.keep(value);
            }
        }
        Ok(())
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;

    fn key(i: u64) -> MemoKey {
        MemoKey {
            rule: 0,
            count: 1,
            kinds: 3,
            bits: [i, 0, 0, 0],
            hash: 0,
        }
        .sealed()
    }

    /// posture patch: the hash is computed once, from every field that tells calls apart.
    #[test]
    fn a_key_hashes_what_tells_calls_apart() {
        let base = MemoKey {
            rule: 1,
            count: 2,
            kinds: 0x73,
            bits: [10, 20, 0, 0],
            hash: 0,
        };
        let same = base.sealed();
        assert_eq!(same, base.sealed());
        let others = [
            MemoKey { rule: 2, ..base },
            MemoKey { count: 1, ..base },
            MemoKey {
                kinds: 0x37,
                ..base
            },
            MemoKey {
                bits: [10, 21, 0, 0],
                ..base
            },
            MemoKey {
                bits: [20, 10, 0, 0],
                ..base
            },
        ];
        let mut hashes: Vec<u64> = others.iter().map(|k| k.sealed().hash).collect();
        hashes.push(same.hash);
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), others.len() + 1, "{hashes:?}");
        // Arguments past the count do not tell calls apart.
        assert_eq!(
            MemoKey {
                bits: [10, 20, 99, 0],
                ..base
            }
            .sealed()
            .hash,
            same.hash
        );
    }

    #[test]
    fn a_released_memo_is_sized_by_its_last_run() {
        let mut memo = FunctionMemo::default();
        for i in 0..1000 {
            memo.remember(key(i), Value::Null);
            memo.keep(Value::from("argument"));
        }
        let (calls, kept) = (memo.calls.capacity(), memo.kept.capacity());
        memo.release();
        // Nothing is held between runs ...
        assert_eq!(memo.calls.capacity(), 0);
        assert_eq!(memo.kept.capacity(), 0);
        // ... and the next run's first entries take the sizes the last one reached.
        memo.remember(key(0), Value::Null);
        memo.keep(Value::from("argument"));
        assert!(
            memo.calls.capacity() >= calls,
            "{} < {calls}",
            memo.calls.capacity()
        );
        assert!(
            memo.kept.capacity() >= kept,
            "{} < {kept}",
            memo.kept.capacity()
        );
        assert_eq!(memo.calls.get(&key(0)), Some(&Value::Null));
    }
}
