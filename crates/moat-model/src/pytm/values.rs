//! The values a script's expressions evaluate to, and how they become
//! attribute values of the model.
//!
//! Containers are shared, as in Python: passing a list around costs nothing
//! and `append` is seen through every name bound to it. Each container knows
//! its logical size (what writing it out in full would take, counting shared
//! parts as often as they appear) and its nesting depth, so a few lines that
//! nest a tuple in itself are refused when built, before anything walks them.

use super::functions::Function;
use super::hash::{FastMap, WordHasher};
use super::objects::{ObjId, ObjKind, Objects};
use super::overrides::{AssumptionSpec, FindingSpec};
use crate::schema::{AttrType, EnumKind};
use serde_json::Value as Json;
use std::cell::RefCell;
use std::rc::Rc;

/// What a reference to a value costs in a container, for the logical size.
pub(super) const SLOT_BYTES: usize = 8;

#[derive(Debug, Clone)]
pub(super) enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    /// A tuple: never changes once built.
    Tuple(Rc<Seq>),
    /// A list: shared and changed in place (`append`).
    List(Rc<RefCell<Seq>>),
    /// A set, kept in insertion order so that reading is deterministic
    /// (its items are the keys, values `None`).
    Set(Rc<RefCell<Dict>>),
    Dict(Rc<RefCell<Dict>>),
    /// `range(start, stop, step)`, never materialized unless asked to.
    Range(i64, i64, i64),
    Obj(ObjId),
    /// An enumeration member (`TLSVersion.TLSv12`).
    Member(EnumKind, &'static str),
    /// A pytm class, before it is called.
    Class(ObjKind),
    /// A pytm enumeration (`Classification`).
    Enum(EnumKind),
    /// The `pytm` package itself (`import pytm`).
    Module,
    /// A module of the script's own (`import common`).
    UserModule(usize),
    /// A pytm name moat does not read (`Threat`, `Controls`...).
    Unsupported(&'static str),
    /// pytm's `Finding(...)`, as written in `overrides=[...]`.
    Finding(Rc<FindingSpec>),
    /// pytm's `Assumption(...)`.
    Assumption(Rc<AssumptionSpec>),
    /// The classes `Finding` and `Assumption`, before they are called.
    FindingClass,
    AssumptionClass,
    /// A `def` or `lambda` of the script.
    Function(Rc<Function>),
    /// A built-in function (`range`, `len`...) or standard-library one
    /// moat knows (`os.getenv`).
    Builtin(&'static str),
    /// A method of a value (`names.append`, `"-".join`), before it is called.
    Method(Rc<(Value, &'static str)>),
    /// A standard-library module or object moat knows a little of
    /// (`os`, `os.environ`).
    Stdlib(&'static str),
}

/// The items of a tuple, list or set, with what they add up to.
#[derive(Debug, Clone, Default)]
pub(super) struct Seq {
    pub items: Vec<Value>,
    /// The logical size in bytes: see [`Value::size`].
    pub size: usize,
    /// How deeply containers nest inside this one (1: no container inside).
    pub depth: usize,
}

impl Seq {
    pub(super) fn new(items: Vec<Value>) -> Self {
        let mut seq = Seq {
            items: Vec::new(),
            size: 0,
            depth: 1,
        };
        seq.items.reserve(items.len());
        for item in items {
            seq.push(item);
        }
        seq
    }

    pub(super) fn push(&mut self, item: Value) {
        let (size, depth) = (item.size(), item.depth());
        self.push_measured(item, size, depth);
    }

    /// Adds `item`, whose size and depth the caller measured before
    /// borrowing this list (the item may be the list itself).
    pub(super) fn push_measured(&mut self, item: Value, size: usize, depth: usize) {
        self.size = self.size.saturating_add(size).saturating_add(SLOT_BYTES);
        self.depth = self.depth.max(depth.saturating_add(1));
        self.items.push(item);
    }
}

/// A dictionary (or set: values `None`) in insertion order, with its keys
/// hashed so that building a large one stays linear. Keys are the hashable
/// values a script uses (strings, numbers, tuples of them, objects), of at
/// most [`MAX_KEY_BYTES`], so comparing two is cheap.
#[derive(Debug, Clone, Default)]
pub(super) struct Dict {
    pub entries: Vec<(Value, Value)>,
    index: FastMap<u64, Vec<usize>>,
    pub size: usize,
    pub depth: usize,
}

/// The largest key (logical size) a dictionary or set takes.
pub(super) const MAX_KEY_BYTES: usize = 4096;

impl Dict {
    pub(super) fn new() -> Self {
        Dict {
            entries: Vec::new(),
            index: FastMap::default(),
            size: 0,
            depth: 1,
        }
    }

    fn position(&self, key: &Value) -> Option<usize> {
        let hash = key_hash(key)?;
        self.index
            .get(&hash)?
            .iter()
            .copied()
            .find(|&p| self.entries.get(p).is_some_and(|(k, _)| same_key(k, key)))
    }

    /// Sets `key` to `value`, in place when the key is there already; false
    /// (and nothing set) when `key` cannot be a key: see [`is_key`].
    pub(super) fn insert(&mut self, key: Value, value: Value) -> bool {
        let (size, depth) = (value.size(), value.depth());
        self.insert_measured(key, value, size, depth)
    }

    /// [`Dict::insert`], with the value's size and depth measured by the
    /// caller before borrowing this dictionary (the value may be itself).
    pub(super) fn insert_measured(
        &mut self,
        key: Value,
        value: Value,
        size: usize,
        depth: usize,
    ) -> bool {
        let Some(hash) = key_hash(&key) else {
            return false;
        };
        self.size = self
            .size
            .saturating_add(key.size())
            .saturating_add(size)
            .saturating_add(2 * SLOT_BYTES);
        self.depth = self
            .depth
            .max(key.depth().saturating_add(1))
            .max(depth.saturating_add(1));
        match self.position(&key) {
            Some(p) => {
                if let Some(entry) = self.entries.get_mut(p) {
                    entry.1 = value;
                }
            }
            None => {
                self.index.entry(hash).or_default().push(self.entries.len());
                self.entries.push((key, value));
            }
        }
        true
    }

    pub(super) fn get(&self, key: &Value) -> Option<&Value> {
        self.position(key)
            .and_then(|p| self.entries.get(p))
            .map(|(_, v)| v)
    }

    /// The keys, in insertion order.
    pub(super) fn keys(&self) -> Vec<Value> {
        self.entries.iter().map(|(k, _)| k.clone()).collect()
    }
}

/// Whether `key` can be a dictionary key or set item here: hashable in
/// Python, and small enough to compare cheaply.
pub(super) fn is_key(key: &Value) -> bool {
    key.size() <= MAX_KEY_BYTES && key_hash(key).is_some()
}

/// A hash equal for keys [`same_key`] holds equal; `None` for values that
/// cannot be keys (lists, dictionaries, sets, or too large).
fn key_hash(key: &Value) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    if key.size() > MAX_KEY_BYTES {
        return None;
    }
    let mut hasher = WordHasher::default();
    fn feed(value: &Value, hasher: &mut WordHasher) -> Option<()> {
        match value {
            Value::Str(s) => {
                0u8.hash(hasher);
                s.hash(hasher);
            }
            Value::None => 1u8.hash(hasher),
            Value::Obj(id) => {
                2u8.hash(hasher);
                id.hash(hasher);
            }
            Value::Member(kind, name) => {
                3u8.hash(hasher);
                kind.pytm_name().hash(hasher);
                name.hash(hasher);
            }
            Value::Tuple(seq) => {
                4u8.hash(hasher);
                seq.items.len().hash(hasher);
                for item in &seq.items {
                    feed(item, hasher)?;
                }
            }
            other => {
                // numbers equal in Python hash alike: 1 == 1.0 == True
                let n = number(other)?;
                5u8.hash(hasher);
                if n.fract() == 0.0 && n.abs() < 9.0e15 {
                    (n as i64).hash(hasher);
                } else {
                    n.to_bits().hash(hasher);
                }
            }
        }
        Some(())
    }
    feed(key, &mut hasher)?;
    Some(hasher.finish())
}

/// Key equality, as Python compares the keys [`key_hash`] takes.
pub(super) fn same_key(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Tuple(a), Value::Tuple(b)) => {
            Rc::ptr_eq(a, b)
                || (a.items.len() == b.items.len()
                    && a.items.iter().zip(&b.items).all(|(a, b)| same_key(a, b)))
        }
        (Value::Str(a), Value::Str(b)) => a == b,
        (Value::None, Value::None) => true,
        (Value::Obj(a), Value::Obj(b)) => a == b,
        (Value::Member(ka, a), Value::Member(kb, b)) => ka == kb && a == b,
        _ => match (number(a), number(b)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
    }
}

/// A number as Python compares numbers (`True == 1 == 1.0`).
pub(super) fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

impl Value {
    pub(super) fn str(text: impl Into<Rc<str>>) -> Self {
        Value::Str(text.into())
    }

    pub(super) fn tuple(items: Vec<Value>) -> Self {
        Value::Tuple(Rc::new(Seq::new(items)))
    }

    /// The logical size in bytes: strings by length, containers by the sum
    /// of their items (each counted wherever it appears) plus a slot each.
    /// Constant time: containers keep it up to date.
    pub(super) fn size(&self) -> usize {
        match self {
            Value::Str(text) => text.len(),
            Value::Tuple(seq) => seq.size,
            Value::List(seq) => seq.borrow().size,
            Value::Dict(dict) | Value::Set(dict) => dict.borrow().size,
            _ => SLOT_BYTES,
        }
    }

    /// How deeply containers nest in this value (0 for a scalar).
    pub(super) fn depth(&self) -> usize {
        match self {
            Value::Tuple(seq) => seq.depth,
            Value::List(seq) => seq.borrow().depth,
            Value::Dict(dict) | Value::Set(dict) => dict.borrow().depth,
            _ => 0,
        }
    }

    /// The items of a tuple, list or set (a copy of the references).
    pub(super) fn items(&self) -> Option<Vec<Value>> {
        match self {
            Value::Tuple(seq) => Some(seq.items.clone()),
            Value::List(seq) => Some(seq.borrow().items.clone()),
            Value::Set(set) => Some(set.borrow().keys()),
            _ => None,
        }
    }

    /// How a message names this kind of value ("a string", "a `Server`").
    /// Shallow on purpose: a value nested in itself many times is named in
    /// constant time.
    pub(super) fn describe(&self, objects: &Objects) -> String {
        match self {
            Value::None => "`None`".to_string(),
            Value::Bool(_) => "a boolean".to_string(),
            Value::Int(_) => "an integer".to_string(),
            Value::Float(_) => "a float".to_string(),
            Value::Str(_) => "a string".to_string(),
            Value::Tuple(seq) => describe_items("tuple", &seq.items, objects),
            Value::List(seq) => describe_items("list", &seq.borrow().items, objects),
            Value::Set(set) => describe_items("set", &set.borrow().keys(), objects),
            Value::Dict(_) => "a dictionary".to_string(),
            Value::Range(..) => "a `range`".to_string(),
            Value::Obj(id) => match objects.get(*id) {
                Some(obj) => format!("a `{}`", obj.kind.class_name()),
                None => "an object".to_string(),
            },
            Value::Member(kind, _) => format!("a `{}` member", kind.pytm_name()),
            Value::Class(kind) => format!("the class `{}`", kind.class_name()),
            Value::Enum(kind) => format!("the enumeration `{}`", kind.pytm_name()),
            Value::Module => "the `pytm` module".to_string(),
            Value::UserModule(_) => "a module".to_string(),
            Value::Unsupported(name) => format!("pytm's `{name}`"),
            Value::Finding(_) => "a `Finding`".to_string(),
            Value::Assumption(_) => "an `Assumption`".to_string(),
            Value::FindingClass => "the class `Finding`".to_string(),
            Value::AssumptionClass => "the class `Assumption`".to_string(),
            Value::Function(function) => format!("the function `{}`", function.name),
            Value::Builtin(name) => format!("the built-in `{name}`"),
            Value::Method(method) => format!("the method `{}`", method.1),
            Value::Stdlib(name) => format!("`{name}`"),
        }
    }

    /// Python's truth value, where it does not depend on running anything.
    pub(super) fn truthy(&self) -> Option<bool> {
        Some(match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Tuple(seq) => !seq.items.is_empty(),
            Value::List(seq) => !seq.borrow().items.is_empty(),
            Value::Dict(dict) | Value::Set(dict) => !dict.borrow().entries.is_empty(),
            Value::Range(start, stop, step) => range_len(*start, *stop, *step) > 0,
            Value::Stdlib(_) | Value::Method(_) => return None,
            _ => true,
        })
    }
}

/// "a list holding strings and a `Server`": the kinds of the first few
/// items, each named without looking inside it.
fn describe_items(container: &str, items: &[Value], objects: &Objects) -> String {
    let mut kinds: Vec<String> = Vec::new();
    for item in items.iter().take(10) {
        let kind = match item {
            Value::Tuple(_) => "a tuple".to_string(),
            Value::List(_) => "a list".to_string(),
            Value::Set(_) => "a set".to_string(),
            other => other.describe(objects),
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    match kinds.split_last() {
        None => format!("an empty {container}"),
        Some((last, [])) => format!("a {container} holding {last}"),
        Some((last, rest)) => format!("a {container} holding {} and {last}", rest.join(", ")),
    }
}

/// How many numbers `range(start, stop, step)` yields.
pub(super) fn range_len(start: i64, stop: i64, step: i64) -> u64 {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let len = if step > 0 && start < stop {
        (stop - start + step - 1) / step
    } else if step < 0 && start > stop {
        (start - stop - step - 1) / -step
    } else {
        0
    };
    u64::try_from(len).unwrap_or(0)
}

/// What writing a value out as JSON may still take: containers changed
/// after being nested can be larger than their cached size says.
pub(super) struct Fuel {
    pub left: usize,
    pub out: bool,
}

impl Fuel {
    pub(super) fn new(left: usize) -> Self {
        Fuel { left, out: false }
    }

    fn burn(&mut self, bytes: usize) -> Option<()> {
        match self.left.checked_sub(bytes) {
            Some(left) => {
                self.left = left;
                Some(())
            }
            None => {
                self.out = true;
                None
            }
        }
    }
}

/// `value` as an attribute of type `ty`, or `None` when it does not have that
/// type (or `fuel` runs out: then `fuel.out`). Enumerations are stored as
/// member names ("TLSv12"); a single integer is accepted for a list of
/// integers, as pytm does for `levels`.
pub(super) fn to_attribute(value: &Value, ty: AttrType, fuel: &mut Fuel) -> Option<Json> {
    let json = match (ty, value) {
        (AttrType::Enum(kind), Value::Member(member_kind, member)) if *member_kind == kind => {
            Json::from(*member)
        }
        (AttrType::Enum(_), _) => return None,
        (AttrType::IntList, Value::Int(i)) => Json::Array(vec![Json::from(*i)]),
        (_, other) => plain_json(other, fuel, 0)?,
    };
    ty.accepts(&json).then_some(json)
}

/// Literals as JSON, and flat lists of them (the only containers an
/// attribute holds); objects, classes and members have no plain form.
fn plain_json(value: &Value, fuel: &mut Fuel, depth: usize) -> Option<Json> {
    if depth > 0 && value.depth() > 0 {
        return None;
    }
    fuel.burn(SLOT_BYTES)?;
    let list = |items: &[Value], fuel: &mut Fuel| {
        items
            .iter()
            .map(|item| plain_json(item, fuel, depth + 1))
            .collect::<Option<Vec<_>>>()
            .map(Json::Array)
    };
    Some(match value {
        Value::None => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => Json::from(*f),
        Value::Str(s) => {
            fuel.burn(s.len())?;
            Json::from(&**s)
        }
        Value::Tuple(seq) => list(&seq.items, fuel)?,
        Value::List(seq) => {
            let items = seq.borrow().items.clone();
            list(&items, fuel)?
        }
        Value::Set(set) => {
            let keys = set.borrow().keys();
            list(&keys, fuel)?
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(value: &Value, ty: AttrType) -> Option<Json> {
        to_attribute(value, ty, &mut Fuel::new(1 << 20))
    }

    #[test]
    fn enum_members_only_fit_their_own_enumeration() {
        let tls = Value::Member(EnumKind::TlsVersion, "NONE");
        assert_eq!(
            convert(&tls, AttrType::Enum(EnumKind::TlsVersion)),
            Some(Json::from("NONE"))
        );
        assert_eq!(convert(&tls, AttrType::Enum(EnumKind::Lifetime)), None);
        assert_eq!(
            convert(
                &Value::Str("NONE".into()),
                AttrType::Enum(EnumKind::Lifetime)
            ),
            None
        );
    }

    #[test]
    fn a_single_level_becomes_a_list() {
        assert_eq!(
            convert(&Value::Int(2), AttrType::IntList),
            Some(serde_json::json!([2]))
        );
        assert_eq!(convert(&Value::Str("2".into()), AttrType::Int), None);
        assert_eq!(
            convert(
                &Value::tuple(vec![Value::Int(1), Value::Int(2)]),
                AttrType::IntList
            ),
            Some(serde_json::json!([1, 2]))
        );
    }

    #[test]
    fn writing_out_stops_when_the_fuel_does() {
        let strings = Value::tuple(vec![Value::str("x".repeat(100)); 100]);
        let mut fuel = Fuel::new(1000);
        assert_eq!(to_attribute(&strings, AttrType::StrList, &mut fuel), None);
        assert!(fuel.out);
    }

    #[test]
    fn shared_tuples_count_every_time_they_appear() {
        let mut value = Value::str("z");
        for _ in 0..20 {
            value = Value::tuple(vec![value.clone(), value.clone(), value.clone(), value]);
        }
        // 4^20 copies of one byte, plus slots: far more than memory holds
        assert!(value.size() > 1 << 40, "{}", value.size());
        assert_eq!(value.depth(), 20);
        assert_eq!(value.describe(&Vec::new()), "a tuple holding a tuple");
    }

    #[test]
    fn ranges_count_like_python() {
        assert_eq!(range_len(0, 10, 1), 10);
        assert_eq!(range_len(0, 10, 3), 4);
        assert_eq!(range_len(10, 0, -3), 4);
        assert_eq!(range_len(5, 5, 1), 0);
        assert_eq!(range_len(i64::MIN, i64::MAX, 1), u64::MAX);
    }
}
