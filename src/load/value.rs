//! Builds a `serde_json::Value` from any serde deserializer (serde_json for JSON and NDJSON,
//! serde_yaml for YAML), noting duplicate object keys on the way; converts such trees into
//! the engine's values; and, for JSON text whose resources need no diagnostics, builds the
//! engine's values straight from the parser ([`object_entries`], [`engine_document`]).
//!
//! serde_json's own `Value` visitor silently keeps the last of two equal keys and turns
//! non-finite floats into `null`; both hide mistakes in hand-edited inventories. This visitor
//! costs the same (one map lookup per key through the entry API) and records each duplicate
//! as a JSON pointer, which is built only on that rare path. YAML tags (`!Ref x`) reach a
//! visitor as enums: the tag is dropped and the tagged value kept, so tagged documents load.
//! Nesting depth is bounded by the deserializers themselves (both stop at 128 levels), which
//! also bounds the recursion here.

use std::fmt;

use serde::de::{self, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::locate::escape_token;

/// A key that appeared twice in one object; the later value was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// JSON pointer of the later (kept) value.
    pub pointer: String,
    /// The key as written (unescaped).
    pub key: String,
}

/// Collects duplicate keys with their path in reverse, so that a parent only appends its own
/// segment to the entries its child added (nothing is done while there are none).
#[derive(Default)]
pub(crate) struct Duplicates {
    found: Vec<(Vec<String>, String)>,
}

impl Duplicates {
    /// Appends `segment` to every entry added since `since`.
    fn prefix_since(&mut self, since: usize, segment: impl Fn() -> String) {
        for (rev, _) in self.found.iter_mut().skip(since) {
            rev.push(segment());
        }
    }

    /// The duplicates as pointers under `prefix` (the pointer of the parsed value).
    pub(crate) fn into_keys(self, prefix: &str) -> Vec<DuplicateKey> {
        self.found
            .into_iter()
            .map(|(rev, key)| {
                let mut pointer = prefix.to_string();
                for seg in rev.iter().rev() {
                    pointer.push('/');
                    pointer.push_str(&escape_token(seg));
                }
                DuplicateKey { pointer, key }
            })
            .collect()
    }
}

/// Deserializes one value, recording duplicate keys into `dups`.
pub(crate) struct ValueSeed<'a> {
    pub(crate) dups: &'a mut Duplicates,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor { dups: self.dups })
    }
}

struct ValueVisitor<'a> {
    dups: &'a mut Duplicates,
}

impl<'de> Visitor<'de> for ValueVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        // Out of i64/u64 range: keep the magnitude as a float, as serde_json does for JSON.
        self.visit_f64(v as f64)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.visit_f64(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // JSON has no infinity or NaN; YAML's `.inf`, `.nan` and `1e400` would otherwise
        // become null without a word.
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("number {v} cannot be represented in JSON")))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        ValueSeed { dups: self.dups }.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            let before = self.dups.found.len();
            let Some(v) = seq.next_element_seed(ValueSeed {
                dups: &mut *self.dups,
            })?
            else {
                break;
            };
            let index = out.len();
            self.dups.prefix_since(before, || index.to_string());
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let before = self.dups.found.len();
            let v = map.next_value_seed(ValueSeed {
                dups: &mut *self.dups,
            })?;
            self.dups.prefix_since(before, || key.clone());
            match out.entry(key) {
                serde_json::map::Entry::Vacant(e) => {
                    e.insert(v);
                }
                serde_json::map::Entry::Occupied(mut e) => {
                    self.dups
                        .found
                        .push((vec![e.key().clone()], e.key().clone()));
                    e.insert(v);
                }
            }
        }
        Ok(Value::Object(out))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // Only YAML produces enums here, for tagged nodes: ignore the tag, keep the node.
        let (_tag, variant): (de::IgnoredAny, _) = data.variant()?;
        variant.newtype_variant_seed(ValueSeed { dups: self.dups })
    }
}

/// Object keys as strings. Asking for a string (not any value) makes YAML hand over a plain
/// scalar key such as `1` or `true` as written, which is also how the locator matches keys.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_string(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}

/// Shares the strings of engine values across the resources of one file: object keys
/// always, and short string values (locations, states, protocols), which repeat across
/// thousands of resources. A million resources hold each of their ~60 keys once per file
/// instead of once per resource: gigabytes at that scale.
///
/// It also lends the parser its scratch vectors: an object or array is gathered in one and
/// then copied into an allocation of its exact size, instead of a vector that grows by
/// doubling (three or four reallocations and copies for a typical object) and is then
/// shrunk to fit.
#[derive(Default)]
pub struct Interner {
    /// foldhash, not the standard SipHash (15% of loading's CPU at 100,000 resources): a
    /// fast hash with per-process random seeds, which defeats precomputed collisions. Its
    /// author does not claim resistance to an attacker who watches the hashes and retries;
    /// an inventory file is read once, by a batch run, so there is nobody to watch.
    seen: std::collections::HashSet<regorus::Rc<str>, foldhash::fast::RandomState>,
    /// Free scratch vectors for object entries and array items, one per nesting level in use.
    entries: Vec<Vec<(regorus::Value, regorus::Value)>>,
    items: Vec<Vec<regorus::Value>>,
    /// One empty array for all of them: ARM exports hold many empty lists (`ipRules: []`,
    /// `virtualNetworkRules: []`; two of every three arrays of the benchmark estate), each
    /// its own allocation otherwise (2% of the values' memory). Engine values are never
    /// changed in place while shared.
    empty_array: Option<regorus::Value>,
    /// Each resource type as written, with its lower-cased form.
    kinds: std::collections::HashMap<
        regorus::Rc<str>,
        (regorus::Rc<str>, regorus::Rc<str>),
        foldhash::fast::RandomState,
    >,
}

/// String values up to this many bytes are shared; longer ones (ids, descriptions) rarely
/// repeat. 48 takes in GUIDs (36 bytes: tenant, subscription and principal ids) and
/// resource types (`Microsoft.Network/networkSecurityGroups`), which every resource of an
/// export repeats: in the benchmark estate 47,000 strings of 33-40 bytes per 20,000
/// resources held 497 distinct values. From 32: 1,000,000 resources peak 255 MB lower and 3 s
/// less CPU (two alternating pairs). A string that does not repeat costs a hash and a set
/// entry for the file piece it is in.
const SHARED_VALUE_BYTES: usize = 48;

impl Interner {
    /// The shared empty array (see the field).
    pub(crate) fn empty_array(&mut self) -> regorus::Value {
        self.empty_array
            .get_or_insert_with(regorus::Value::new_array)
            .clone()
    }

    /// The shared copy of `s` (made on first sight).
    pub(crate) fn get(&mut self, s: &str) -> regorus::Rc<str> {
        if let Some(found) = self.seen.get(s) {
            return found.clone();
        }
        let rc: regorus::Rc<str> = s.into();
        self.seen.insert(rc.clone());
        rc
    }

    /// A resource type as written and lower-cased, the same two strings for every resource
    /// of the type.
    pub(crate) fn kind(&mut self, kind: &str) -> (regorus::Rc<str>, regorus::Rc<str>) {
        if let Some(both) = self.kinds.get(kind) {
            return both.clone();
        }
        let both = (self.get(kind), self.get(&kind.to_lowercase()));
        self.kinds.insert(both.0.clone(), both.clone());
        both
    }

    /// A string value as the engine keeps it: shared when short.
    pub(crate) fn string(&mut self, s: &str) -> regorus::Value {
        if s.len() <= SHARED_VALUE_BYTES {
            regorus::Value::String(self.get(s))
        } else {
            regorus::Value::String(s.into())
        }
    }
}

/// The entries of one JSON text's top-level object, sorted by key, as engine values built
/// straight from the parser: no JSON tree, equal to what [`engine_value`] makes of the
/// tree (a test checks). `None` for anything the general path must see: a syntax error, a
/// value that is not an object, a duplicate key at any depth (it reports them).
pub(crate) fn object_entries(
    text: &str,
    interner: &mut Interner,
) -> Option<Vec<(regorus::Value, regorus::Value)>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let entries = de::Deserializer::deserialize_map(&mut de, TopVisitor { interner }).ok()?;
    de.end().ok()?;
    Some(entries)
}

/// One JSON text as an engine value built straight from the parser, as [`object_entries`]
/// builds its entries: `None` on a syntax error or a duplicate key at any depth.
pub(crate) fn engine_document(text: &str, interner: &mut Interner) -> Option<regorus::Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = EngineSeed { interner }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(value)
}

struct TopVisitor<'a> {
    interner: &'a mut Interner,
}

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = Vec<(regorus::Value, regorus::Value)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        engine_entries(map, self.interner)
    }
}

/// `scratch`'s items moved into an allocation of exactly their size; the emptied scratch
/// goes back to `pool` for the next object or array.
fn exact<T>(mut scratch: Vec<T>, pool: &mut Vec<Vec<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(scratch.len());
    out.append(&mut scratch);
    pool.push(scratch);
    out
}

/// An object's entries sorted by key; a duplicate key is an error (see [`object_entries`]).
fn engine_entries<'de, A: MapAccess<'de>>(
    mut map: A,
    interner: &mut Interner,
) -> Result<Vec<(regorus::Value, regorus::Value)>, A::Error> {
    let mut scratch = interner.entries.pop().unwrap_or_default();
    while let Some(key) = map.next_key_seed(EngineKeySeed {
        interner: &mut *interner,
    })? {
        let value = map.next_value_seed(EngineSeed {
            interner: &mut *interner,
        })?;
        scratch.push((regorus::Value::String(key), value));
    }
    let mut out = exact(scratch, &mut interner.entries);
    // Exports usually write keys in order; otherwise sort, and leave duplicates to the
    // general path. Keys compared as strings, the order of engine string values, without
    // the enum dispatch of `Value`'s order (12% of the parser's samples).
    if !out
        .windows(2)
        .all(|w| matches!(w, [a, b] if key(a) < key(b)))
    {
        out.sort_by(|a, b| key(a).cmp(key(b)));
        if out
            .windows(2)
            .any(|w| matches!(w, [a, b] if key(a) == key(b)))
        {
            return Err(de::Error::custom("duplicate key"));
        }
    }
    Ok(out)
}

/// An entry's key: always a string here (see [`engine_entries`]).
fn key(entry: &(regorus::Value, regorus::Value)) -> &str {
    match &entry.0 {
        regorus::Value::String(s) => s,
        _ => "",
    }
}

struct EngineKeySeed<'a> {
    interner: &'a mut Interner,
}

impl<'de> DeserializeSeed<'de> for EngineKeySeed<'_> {
    type Value = regorus::Rc<str>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for EngineKeySeed<'_> {
    type Value = regorus::Rc<str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.interner.get(v))
    }
}

/// One engine value straight from the parser, as [`engine_value`] builds it from the tree:
/// numbers through regorus's own conversions, strings shared as there.
struct EngineSeed<'a> {
    interner: &'a mut Interner,
}

impl<'de> DeserializeSeed<'de> for EngineSeed<'_> {
    type Value = regorus::Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EngineSeed<'_> {
    type Value = regorus::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(regorus::Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(regorus::Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(regorus::Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() {
            Ok(regorus::Value::from(v))
        } else {
            Err(E::custom("non-finite number"))
        }
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.interner.string(v))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(regorus::Value::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(regorus::Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        EngineSeed {
            interner: self.interner,
        }
        .deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut scratch = self.interner.items.pop().unwrap_or_default();
        while let Some(v) = seq.next_element_seed(EngineSeed {
            interner: &mut *self.interner,
        })? {
            scratch.push(v);
        }
        if scratch.is_empty() {
            self.interner.items.push(scratch);
            return Ok(self.interner.empty_array());
        }
        Ok(regorus::Value::from(exact(
            scratch,
            &mut self.interner.items,
        )))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let entries = engine_entries(map, self.interner)?;
        Ok(regorus::Value::Object(regorus::Rc::new(
            regorus::value::Object::from_sorted_entries(entries),
        )))
    }
}

/// `value` as an engine value, equal to `regorus::Value::from(value)` (a test checks), with
/// strings shared through `interner`. Consumes the JSON tree as it goes.
pub fn engine_value(value: Value, interner: &mut Interner) -> regorus::Value {
    match value {
        Value::Null => regorus::Value::Null,
        Value::Bool(b) => regorus::Value::from(b),
        // Numbers take regorus's own path, so they convert exactly as before.
        n @ Value::Number(_) => regorus::Value::from(n),
        Value::String(s) => interner.string(&s),
        Value::Array(items) if items.is_empty() => interner.empty_array(),
        Value::Array(items) => regorus::Value::from(
            items
                .into_iter()
                .map(|v| engine_value(v, interner))
                .collect::<Vec<_>>(),
        ),
        // Straight into the engine's sorted storage: the map's keys come in order, so no
        // intermediate BTreeMap is built (regorus sorts them if they do not).
        Value::Object(map) => regorus::Value::Object(regorus::Rc::new(
            regorus::value::Object::from_sorted_entries(
                map.into_iter()
                    .map(|(k, v)| {
                        (
                            regorus::Value::String(interner.get(&k)),
                            engine_value(v, interner),
                        )
                    })
                    .collect(),
            ),
        )),
    }
}

#[cfg(test)]
mod engine_value_tests {
    use super::{engine_value, Interner};

    #[test]
    fn engine_values_equal_regorus_own_conversion() {
        let docs = [
            r#"{"id": "/subscriptions/s/x", "n": [1, -2, 3.5, 18446744073709551615, -9223372036854775808, 1e300],
                "b": true, "z": null, "s": "Enabled", "long": "a string longer than thirty-two bytes, not shared",
                "nested": {"a": {"b": [{"c": "d"}, []]}, "e": {}}, "unicode": "café"}"#,
            "[]",
            "{}",
            r#"{"b": 1, "a": {"z": [], "y": {}}, "B": 2, "": 0}"#,
            "\"x\"",
        ];
        let mut interner = Interner::default();
        for text in docs {
            let json: serde_json::Value = serde_json::from_str(text).unwrap();
            let expected = regorus::Value::from(json.clone());
            assert_eq!(engine_value(json, &mut interner), expected, "{text}");
        }
    }

    #[test]
    fn keys_and_short_values_are_shared() {
        let mut interner = Interner::default();
        let a = engine_value(serde_json::json!({"location": "westeurope"}), &mut interner);
        let b = engine_value(serde_json::json!({"location": "westeurope"}), &mut interner);
        let (ka, va) = a.as_object().unwrap().iter().next().unwrap();
        let (kb, vb) = b.as_object().unwrap().iter().next().unwrap();
        assert!(std::sync::Arc::ptr_eq(
            ka.as_string().unwrap(),
            kb.as_string().unwrap()
        ));
        assert!(std::sync::Arc::ptr_eq(
            va.as_string().unwrap(),
            vb.as_string().unwrap()
        ));
        // Up to 48 bytes (GUIDs, resource types), from the tree and from the parser alike;
        // longer strings are each their own.
        let guid = "5e1f0c2a-7b3d-4c8e-9f6a-2d4b8c0e1a3f";
        let long = "x".repeat(super::SHARED_VALUE_BYTES + 1);
        for (text, shared) in [(guid.to_string(), true), (long, false)] {
            let json = serde_json::json!({ "v": text });
            let tree = engine_value(json.clone(), &mut interner);
            let parsed = super::engine_document(&json.to_string(), &mut interner).unwrap();
            let (x, y) = (&tree["v"], &parsed["v"]);
            assert_eq!(x, y);
            let same = std::sync::Arc::ptr_eq(x.as_string().unwrap(), y.as_string().unwrap());
            assert_eq!(same, shared, "{text}");
        }
    }

    /// Every empty array an interner builds, from the parser or from a tree, is one shared
    /// allocation, equal to `[]`; arrays with items are not shared.
    #[test]
    fn empty_arrays_are_one_allocation() {
        let text = r#"{"a": [], "b": {"c": []}, "d": [[]], "e": [1]}"#;
        let mut interner = Interner::default();
        let parsed = super::engine_document(text, &mut interner).unwrap();
        let tree = engine_value(serde_json::from_str(text).unwrap(), &mut interner);
        assert_eq!(parsed, tree);
        assert_eq!(
            parsed,
            regorus::Value::from(serde_json::from_str::<serde_json::Value>(text).unwrap())
        );
        let array = |v: &regorus::Value| match v {
            regorus::Value::Array(a) => a.clone(),
            other => panic!("not an array: {other}"),
        };
        let empties = [
            array(&parsed["a"]),
            array(&parsed["b"]["c"]),
            array(&parsed["d"][0]),
            array(&tree["a"]),
            array(&tree["d"][0]),
        ];
        for e in &empties {
            assert!(e.is_empty());
            assert!(std::sync::Arc::ptr_eq(e, &empties[0]));
        }
        assert!(!std::sync::Arc::ptr_eq(
            &array(&parsed["e"]),
            &array(&tree["e"])
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Value, Vec<DuplicateKey>) {
        let mut dups = Duplicates::default();
        let mut de = serde_json::Deserializer::from_str(text);
        let v = ValueSeed { dups: &mut dups }.deserialize(&mut de).unwrap();
        de.end().unwrap();
        (v, dups.into_keys(""))
    }

    #[test]
    fn builds_the_same_value_as_serde_json() {
        let text = r#"{"a":[1,-2,3.5,true,null,"x"],"b":{"c":{}},"d":18446744073709551615}"#;
        let (v, dups) = parse(text);
        assert_eq!(v, serde_json::from_str::<Value>(text).unwrap());
        assert!(dups.is_empty());
    }

    #[test]
    fn records_duplicate_keys_with_their_pointer_and_keeps_the_last() {
        let (v, dups) = parse(r#"{"a":1,"x":[{"k/~":1,"k/~":2}],"a":3}"#);
        assert_eq!(v["a"], 3);
        assert_eq!(v["x"][0]["k/~"], 2);
        let pointers: Vec<&str> = dups.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(pointers, ["/x/0/k~1~0", "/a"]);
        assert_eq!(dups[0].key, "k/~");
    }

    #[test]
    fn rejects_numbers_beyond_f64() {
        let mut dups = Duplicates::default();
        let mut de = serde_json::Deserializer::from_str("[1e400]");
        let err = ValueSeed { dups: &mut dups }
            .deserialize(&mut de)
            .unwrap_err();
        assert!(err.to_string().contains("out of range"), "{err}");
    }
}
