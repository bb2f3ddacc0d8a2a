//! `Loc<T>`: a value read from a model file together with its span, so a
//! problem found long after parsing still points at the text to edit.
//!
//! Only the checking deserializer in [`super::de`] knows how to fill it: it
//! answers a request for the marker struct below with the node's byte range.
//! Serialized, a `Loc<T>` is just its value, and its JSON Schema is `T`'s.

use crate::span::Span;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::marker::PhantomData;

pub(crate) const MARKER: &str = "$moat::yaml::Loc";
pub(crate) const START: &str = "$start";
pub(crate) const END: &str = "$end";
pub(crate) const VALUE: &str = "$value";
pub(crate) const FIELDS: &[&str] = &[START, END, VALUE];

/// A value and the byte range it was read from. Values built in memory
/// (not read from a file) have an empty span at offset 0.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Loc<T> {
    pub fn new(value: T, span: Span) -> Self {
        Loc { value, span }
    }

    /// A value with no place in any file.
    pub fn detached(value: T) -> Self {
        Loc {
            value,
            span: Span::default(),
        }
    }
}

impl Loc<String> {
    /// The same text and place, borrowed.
    pub fn as_deref(&self) -> Loc<&str> {
        Loc::new(self.value.as_str(), self.span)
    }
}

impl<T> From<T> for Loc<T> {
    fn from(value: T) -> Self {
        Loc::detached(value)
    }
}

impl<T: Serialize> Serialize for Loc<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Loc<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct(MARKER, FIELDS, LocVisitor(PhantomData))
    }
}

struct LocVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for LocVisitor<T> {
    type Value = Loc<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a value read from a model file")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loc<T>, A::Error> {
        let (mut start, mut end, mut value) = (0_u64, 0_u64, None);
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                START => start = map.next_value()?,
                END => end = map.next_value()?,
                VALUE => value = Some(map.next_value()?),
                other => return Err(de::Error::unknown_field(other, FIELDS)),
            }
        }
        let value = value.ok_or_else(|| de::Error::missing_field(VALUE))?;
        let offset = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        Ok(Loc::new(value, Span::new(offset(start), offset(end))))
    }
}

impl<T: JsonSchema> JsonSchema for Loc<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}
