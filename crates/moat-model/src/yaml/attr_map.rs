//! [`AttrMap`]: an object's `attributes:` or `controls:` as written, each
//! name and value with its place.
//!
//! A sorted list rather than a `BTreeMap`: objects set a few attributes, and
//! a B-tree node is sized for eleven, which made these maps most of the
//! memory a large model took to load. It iterates, compares and serializes
//! like the map it replaces (in name order, one entry per name).

use super::loc::Loc;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// pytm attribute or control values by name, as written, in name order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttrMap(Vec<(Loc<String>, Loc<Value>)>);

impl AttrMap {
    pub fn new() -> Self {
        AttrMap(Vec::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Sets `name` to `value`, returning the value it replaces (the name keeps its first place).
    pub fn insert(&mut self, name: Loc<String>, value: Loc<Value>) -> Option<Loc<Value>> {
        match self.0.binary_search_by(|(k, _)| k.cmp(&name)) {
            Ok(at) => self
                .0
                .get_mut(at)
                .map(|(_, old)| std::mem::replace(old, value)),
            Err(at) => {
                self.0.insert(at, (name, value));
                None
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Loc<String>, &Loc<Value>)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &Loc<String>> {
        self.0.iter().map(|(k, _)| k)
    }

    /// Entries in any order: sorted by name, the last value kept for a repeated name.
    fn from_unsorted(mut entries: Vec<(Loc<String>, Loc<Value>)>) -> Self {
        entries.reverse();
        // Stable: of equal names the last written comes first, and dedup keeps the first.
        entries.sort_by(|(a, _), (b, _)| a.cmp(b));
        entries.dedup_by(|later, kept| later.0 == kept.0);
        AttrMap(entries)
    }
}

impl<'a> IntoIterator for &'a AttrMap {
    type Item = (&'a Loc<String>, &'a Loc<Value>);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Loc<String>, Loc<Value>)>,
        fn(&'a (Loc<String>, Loc<Value>)) -> (&'a Loc<String>, &'a Loc<Value>),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl IntoIterator for AttrMap {
    type Item = (Loc<String>, Loc<Value>);
    type IntoIter = std::vec::IntoIter<(Loc<String>, Loc<Value>)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<(Loc<String>, Loc<Value>)> for AttrMap {
    fn from_iter<I: IntoIterator<Item = (Loc<String>, Loc<Value>)>>(entries: I) -> Self {
        AttrMap::from_unsorted(entries.into_iter().collect())
    }
}

impl Serialize for AttrMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for AttrMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(AttrMapVisitor)
    }
}

struct AttrMapVisitor;

impl<'de> Visitor<'de> for AttrMapVisitor {
    type Value = AttrMap;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a mapping of names to values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttrMap, A::Error> {
        // Bounded, since a hint need not be true.
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(AttrMap::from_unsorted(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn at(name: &str, start: usize) -> Loc<String> {
        Loc::new(name.to_string(), Span::new(start, start + name.len()))
    }

    #[test]
    fn keeps_names_in_order_like_a_btree_map() {
        let entries = [
            (at("b", 10), Loc::detached(Value::from(1))),
            (at("a", 20), Loc::detached(Value::from(2))),
            (at("b", 10), Loc::detached(Value::from(3))),
            (at("a", 5), Loc::detached(Value::from(4))),
        ];
        let ours: AttrMap = entries.iter().cloned().collect();
        let theirs: std::collections::BTreeMap<_, _> = entries.iter().cloned().collect();
        let ours: Vec<_> = ours.iter().collect();
        let theirs: Vec<_> = theirs.iter().collect();
        assert_eq!(ours, theirs);

        let mut inserted = AttrMap::new();
        let mut map = std::collections::BTreeMap::new();
        for (name, value) in entries {
            assert_eq!(
                inserted.insert(name.clone(), value.clone()),
                map.insert(name, value)
            );
        }
        assert_eq!(
            inserted.iter().collect::<Vec<_>>(),
            map.iter().collect::<Vec<_>>()
        );
        assert_eq!(inserted.len(), 3);
    }
}
