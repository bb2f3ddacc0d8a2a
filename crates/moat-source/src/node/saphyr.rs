//! The general reader: serde-saphyr reads the text into [`RawValue`]s with
//! spans on every node, resolving anchors, aliases, merge keys and tags, and
//! reports syntax errors and budget breaches with their place.

use super::{Node, NodeValue, options};
use crate::diag::Diagnostic;
use crate::span::{SourceFile, Span};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};
use std::borrow::Cow;

/// Parses `file` into a node tree, or reports why it cannot.
pub(super) fn parse<'t>(file: &SourceFile) -> Result<Node<'t>, Box<Diagnostic>> {
    match serde_saphyr::from_str_with_options::<Spanned<RawValue>>(&file.text, options()) {
        Ok(raw) => Ok(resolve(raw, file)),
        Err(error) => {
            let budget = options().budget.unwrap_or_default();
            let (message, code) = super::errors::describe_error(&error, &budget);
            let span = error
                .location()
                .map(|loc| point(&loc, file))
                .unwrap_or_default();
            Err(Box::new(Diagnostic::error(code, message).at(file, span)))
        }
    }
}

/// The byte offset of a serde-saphyr location.
fn offset(loc: &Location, file: &SourceFile) -> usize {
    match loc.span().byte_offset() {
        Some(offset) => usize::try_from(offset).unwrap_or(usize::MAX),
        None if loc.line() == 0 => 0,
        None => file.offset(
            usize::try_from(loc.line()).unwrap_or(usize::MAX),
            usize::try_from(loc.column()).unwrap_or(usize::MAX),
        ),
    }
}

fn point(loc: &Location, file: &SourceFile) -> Span {
    let start = offset(loc, file);
    let len = loc
        .span()
        .byte_len()
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(0);
    Span::new(start, start.saturating_add(len).min(file.text.len()))
}

/// Converts serde-saphyr's tree to byte spans; a collection's span runs to its last child.
fn resolve<'t>(raw: Spanned<RawValue>, file: &SourceFile) -> Node<'t> {
    let span = point(&raw.referenced, file);
    let defined = point(&raw.defined, file);
    let mut end = span.end;
    let value = match raw.value {
        RawValue::Null => NodeValue::Null,
        RawValue::Bool(b) => NodeValue::Bool(b),
        RawValue::Int(i) => NodeValue::Int(i),
        RawValue::UInt(u) => NodeValue::UInt(u),
        RawValue::Float(f) => NodeValue::Float(f),
        RawValue::Str(s) => NodeValue::Str(Cow::Owned(s)),
        RawValue::Seq(items) => {
            let items: Vec<Node<'t>> = items.into_iter().map(|i| resolve(i, file)).collect();
            end = items.iter().map(|i| i.span.end).fold(end, u32::max);
            NodeValue::Seq(items)
        }
        RawValue::Map(entries) => {
            let entries: Vec<(Node<'t>, Node<'t>)> = entries
                .into_iter()
                .map(|(key, value)| {
                    let key_span = point(&key.referenced, file);
                    let key = Node {
                        span: key_span,
                        defined: key_span,
                        value: NodeValue::Str(Cow::Owned(key.value)),
                    };
                    (key, resolve(value, file))
                })
                .collect();
            end = entries
                .iter()
                .map(|(k, v)| k.span.end.max(v.span.end))
                .fold(end, u32::max);
            NodeValue::Map(entries)
        }
    };
    Node {
        span: Span {
            start: span.start,
            end,
        },
        defined,
        value,
    }
}

/// How serde-saphyr types `text` as a plain scalar (`443`, `1.5`, `~`):
/// read as the value of a one-key mapping, since on its own `---` or `- x`
/// would be YAML syntax. `None` unless `text` is read back as one scalar
/// spanning exactly its own characters.
pub(super) fn plain_scalar(text: &str) -> Option<NodeValue<'static>> {
    const KEY: &str = "k: ";
    let document = format!("{KEY}{text}");
    let raw = serde_saphyr::from_str_with_options::<RawValue>(&document, options()).ok()?;
    let RawValue::Map(mut entries) = raw else {
        return None;
    };
    let (key, value) = entries.pop().filter(|_| entries.is_empty())?;
    let span = value.referenced.span();
    let whole = key.value == "k"
        && span.byte_offset() == u64::try_from(KEY.len()).ok()
        && span.byte_len() == u64::try_from(text.len()).ok();
    if !whole {
        return None;
    }
    let value = match value.value {
        RawValue::Null => NodeValue::Null,
        RawValue::Bool(b) => NodeValue::Bool(b),
        RawValue::Int(i) => NodeValue::Int(i),
        RawValue::UInt(u) => NodeValue::UInt(u),
        RawValue::Float(f) => NodeValue::Float(f),
        RawValue::Str(s) if s == text => NodeValue::Str(Cow::Owned(s)),
        RawValue::Str(_) | RawValue::Seq(_) | RawValue::Map(_) => return None,
    };
    Some(value)
}

/// What serde-saphyr hands over: any YAML value, with spans on every node.
enum RawValue {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<RawValue>>),
    Map(Vec<(Spanned<String>, Spanned<RawValue>)>),
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }

    fn visit_none<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(deserializer)
    }

    fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Int(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<RawValue, E> {
        Ok(RawValue::UInt(v))
    }

    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<RawValue, E> {
        Ok(i64::try_from(v)
            .map(RawValue::Int)
            .unwrap_or(RawValue::Float(v as f64)))
    }

    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<RawValue, E> {
        Ok(u64::try_from(v)
            .map(RawValue::UInt)
            .unwrap_or(RawValue::Float(v as f64)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::Str(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::Str(v))
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<RawValue, E> {
        String::from_utf8(v.to_vec())
            .map(RawValue::Str)
            .map_err(|_| E::custom("binary values are not supported"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(RawValue::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(RawValue::Map(entries))
    }
}
