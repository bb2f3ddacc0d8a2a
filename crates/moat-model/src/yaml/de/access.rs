//! The serde access types the checking deserializer hands to visitors:
//! lists, free-form mappings, document structs (unknown, duplicate and
//! missing keys handled here) and `Loc`'s marker struct.

use super::{DeError, Input, NodeDe};
use crate::diag::Diagnostic;
use crate::span::Span;
use crate::yaml::doc;
use crate::yaml::loc;
use crate::yaml::report::{Reporter, quoted};
use moat_source::node::{Node, NodeValue};
use serde::de::value::{StrDeserializer, U64Deserializer};
use serde::de::{self, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess};
use std::collections::BTreeMap;

/// Chooses the first entry for each key, reporting the others.
fn distinct<'a>(
    entries: &'a [(Node<'a>, Node<'a>)],
    reporter: &Reporter,
    report: bool,
) -> Vec<(&'a str, &'a Node<'a>, &'a Node<'a>)> {
    // Document mappings have a handful of keys: scanning them beats a map.
    const SCAN_LIMIT: usize = 16;
    let scan = entries.len() <= SCAN_LIMIT;
    let mut first: BTreeMap<&str, &Node> = BTreeMap::new();
    let mut out: Vec<(&'a str, &'a Node<'a>, &'a Node<'a>)> = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let NodeValue::Str(name) = &key.value else {
            continue;
        };
        let name: &'a str = name;
        let earlier = if scan {
            out.iter().find(|(n, _, _)| *n == name).map(|(_, k, _)| *k)
        } else {
            first.get(name).copied()
        };
        if let Some(earlier) = earlier {
            if report {
                reporter.report(
                    Diagnostic::error(
                        "yaml::duplicate-key",
                        format!("duplicate key {}", quoted(name)),
                    )
                    .with_help(format!(
                        "it is first set at {}; keep one",
                        reporter.line_of(earlier.span)
                    )),
                    key.span,
                );
            }
            continue;
        }
        if !scan {
            first.insert(name, key);
        }
        out.push((name, key, value));
    }
    out
}

pub(super) struct UnitVariant(pub(super) &'static str);

impl<'de> EnumAccess<'de> for UnitVariant {
    type Error = DeError;
    type Variant = <StrDeserializer<'static, DeError> as EnumAccess<'de>>::Variant;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), DeError> {
        let name: StrDeserializer<'static, DeError> = self.0.into_deserializer();
        name.variant_seed(seed)
    }
}

pub(super) struct SeqDe<'a> {
    parent: NodeDe<'a>,
    items: std::slice::Iter<'a, Node<'a>>,
}

impl<'a> SeqDe<'a> {
    pub(super) fn new(parent: NodeDe<'a>, items: &'a [Node<'a>]) -> Self {
        SeqDe {
            parent,
            items: items.iter(),
        }
    }
}

impl<'de> SeqAccess<'de> for SeqDe<'_> {
    type Error = DeError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, DeError> {
        match self.items.next() {
            Some(item) => {
                let inner = self.parent.with(Input::Node(item), self.parent.key);
                seed.deserialize(inner).map(Some)
            }
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// A free-form mapping (attributes, properties): any keys, duplicates reported.
pub(super) struct MapDe<'a> {
    parent: NodeDe<'a>,
    entries: std::vec::IntoIter<(&'a str, &'a Node<'a>, &'a Node<'a>)>,
    value: Option<(&'a str, &'a Node<'a>)>,
}

impl<'a> MapDe<'a> {
    pub(super) fn new(parent: NodeDe<'a>, entries: &'a [(Node<'a>, Node<'a>)]) -> Self {
        let report = !matches!(parent.input, Input::Placeholder(_));
        MapDe {
            parent,
            entries: distinct(entries, parent.reporter, report).into_iter(),
            value: None,
        }
    }
}

impl<'de> MapAccess<'de> for MapDe<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some((name, key, value)) => {
                self.value = Some((name, value));
                seed.deserialize(self.parent.with(Input::Node(key), None))
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, DeError> {
        match self.value.take() {
            Some((name, value)) => {
                seed.deserialize(self.parent.with(Input::Node(value), Some(name)))
            }
            None => Err(de::Error::custom("a value was requested before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A document struct: known keys only, every field offered once.
pub(super) struct StructDe<'a> {
    parent: NodeDe<'a>,
    fields: std::vec::IntoIter<(&'static str, Input<'a>)>,
    value: Option<(&'static str, Input<'a>)>,
}

impl<'a> StructDe<'a> {
    pub(super) fn new(
        parent: NodeDe<'a>,
        owner: Span,
        noun: &'static str,
        fields: &'static [&'static str],
        entries: &'a [(Node<'a>, Node<'a>)],
    ) -> Self {
        let report = !matches!(parent.input, Input::Placeholder(_));
        let mut present: Vec<(&'static str, Input<'a>)> = Vec::with_capacity(fields.len());
        // Which fields are set, by index; document structs have far fewer than 64.
        let mut set: u64 = 0;
        let bit = |index: usize| 1_u64.checked_shl(u32::try_from(index).unwrap_or(u32::MAX));
        for (name, key, value) in distinct(entries, parent.reporter, report) {
            match fields.iter().enumerate().find(|(_, f)| **f == name) {
                Some((index, field)) => {
                    set |= bit(index).unwrap_or(0);
                    present.push((field, Input::Node(value)));
                }
                None if report => {
                    let help = doc::unknown_key_help(name, fields);
                    parent.reporter.report(
                        Diagnostic::error(
                            "yaml::unknown-key",
                            format!("unknown key {} in {noun}", quoted(name)),
                        )
                        .with_help(help),
                        key.span,
                    );
                }
                None => {}
            }
        }
        let given = present.len();
        for (index, field) in fields.iter().enumerate() {
            let is_set = match bit(index) {
                Some(bit) => set & bit != 0,
                None => present.iter().take(given).any(|(p, _)| p == field),
            };
            if !is_set {
                present.push((field, Input::Missing { owner, noun }));
            }
        }
        StructDe {
            parent,
            fields: present.into_iter(),
            value: None,
        }
    }

    pub(super) fn placeholder(parent: NodeDe<'a>, fields: &'static [&'static str]) -> Self {
        let span = parent.span();
        let fields: Vec<(&'static str, Input<'a>)> = fields
            .iter()
            .map(|f| (*f, Input::Placeholder(span)))
            .collect();
        StructDe {
            parent,
            fields: fields.into_iter(),
            value: None,
        }
    }
}

impl<'de> MapAccess<'de> for StructDe<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.fields.next() {
            Some((name, input)) => {
                self.value = Some((name, input));
                let key: StrDeserializer<'static, DeError> = name.into_deserializer();
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, DeError> {
        match self.value.take() {
            Some((name, input)) => seed.deserialize(self.parent.with(input, Some(name))),
            None => Err(de::Error::custom("a value was requested before its key")),
        }
    }
}

/// Presents a node as `Loc`'s marker struct: its span, then its value.
pub(super) struct LocDe<'a> {
    inner: NodeDe<'a>,
    step: u8,
}

impl<'a> LocDe<'a> {
    pub(super) fn new(inner: NodeDe<'a>) -> Self {
        LocDe { inner, step: 0 }
    }
}

impl<'de> MapAccess<'de> for LocDe<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some(name) = loc::FIELDS.get(usize::from(self.step)) else {
            return Ok(None);
        };
        let key: StrDeserializer<'static, DeError> = name.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, DeError> {
        let span = self.inner.span();
        let step = self.step;
        self.step = self.step.saturating_add(1);
        match step {
            0 => seed.deserialize(U64Deserializer::<DeError>::new(u64::from(span.start))),
            1 => seed.deserialize(U64Deserializer::<DeError>::new(u64::from(span.end))),
            _ => seed.deserialize(self.inner),
        }
    }
}
