//! A serde deserializer over the node tree that reports problems instead of
//! stopping at them.
//!
//! Derived serde code gives up at the first wrong value, which would make a
//! user fix a file one error at a time. This deserializer checks each value
//! against the shape the document type asks for; on a mismatch it reports the
//! problem (located, with a suggestion where one helps) and hands the type a
//! placeholder of the right shape so the rest of the file is still checked.
//! Unknown and duplicate keys are reported and skipped before the derived
//! code sees them; absent keys are offered as "missing" values, which become
//! `None` or empty for optional fields and an error for required ones.
//! A load with any error produces no model, so placeholders never escape.

mod access;
mod model;

use super::doc;
use super::loc;
use super::report::{Reporter, list, quoted};
use crate::diag::{Diagnostic, did_you_mean};
use crate::span::Span;
use access::{LocDe, MapDe, SeqDe, StructDe, UnitVariant};
use moat_source::node::{Node, NodeValue};
pub(crate) use model::check_model;
use serde::de::{self, Deserializer, Visitor};
use std::borrow::Cow;

/// Deserializes `T` from `node`, reporting every problem to `reporter`.
/// `None` only when the type itself gave up (already reported).
pub(crate) fn check<T: de::DeserializeOwned>(node: &Node<'_>, reporter: &Reporter) -> Option<T> {
    match deserialize(node, reporter) {
        Ok(value) => Some(value),
        Err(error) => {
            reporter.report(
                Diagnostic::error("yaml::invalid", error.message),
                error.span.unwrap_or(node.span),
            );
            None
        }
    }
}

/// Deserializes `T` from `node`, reporting every problem but an error that stops it.
fn deserialize<T: de::DeserializeOwned>(
    node: &Node<'_>,
    reporter: &Reporter,
) -> Result<T, DeError> {
    T::deserialize(NodeDe {
        reporter,
        input: Input::Node(node),
        key: None,
    })
}

/// An error a visitor returned; the checker's own findings are reported, not returned.
#[derive(Debug)]
pub(crate) struct DeError {
    message: String,
    span: Option<Span>,
}

impl DeError {
    fn at(mut self, span: Span) -> Self {
        self.span.get_or_insert(span);
        self
    }
}

impl std::fmt::Display for DeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        DeError {
            message: message.to_string(),
            span: None,
        }
    }
}

#[derive(Clone, Copy)]
enum Input<'a> {
    Node(&'a Node<'a>),
    /// A key the mapping at `owner` does not have.
    Missing {
        owner: Span,
        noun: &'static str,
    },
    /// Stands in for a value already reported (at the span), so checking can
    /// go on; reports nothing.
    Placeholder(Span),
}

#[derive(Clone, Copy)]
struct NodeDe<'a> {
    reporter: &'a Reporter<'a>,
    input: Input<'a>,
    /// The key this value sits under, for messages.
    key: Option<&'a str>,
}

impl<'a> NodeDe<'a> {
    fn with(self, input: Input<'a>, key: Option<&'a str>) -> Self {
        NodeDe {
            reporter: self.reporter,
            input,
            key,
        }
    }

    fn span(&self) -> Span {
        match self.input {
            Input::Node(node) => node.span,
            Input::Missing { owner, .. } => owner,
            Input::Placeholder(span) => span,
        }
    }

    fn for_key(&self) -> String {
        self.key
            .map(|k| format!(" for {}", quoted(k)))
            .unwrap_or_default()
    }

    /// Reports a problem with this value; later checks leave the value alone.
    fn report(&self, diagnostic: Diagnostic, span: Span) {
        self.reporter.flag(span);
        self.reporter.report(diagnostic, span);
    }

    /// Reports that the value is not `expected` (or is missing).
    fn mismatch(&self, expected: &str) {
        match self.input {
            Input::Node(node) => {
                let mut diagnostic = Diagnostic::error(
                    "yaml::invalid-type",
                    format!(
                        "expected {expected}{}, found {}",
                        self.for_key(),
                        node.describe()
                    ),
                );
                if matches!(node.value, NodeValue::Null) && expected.starts_with("a list") {
                    diagnostic = diagnostic.with_help("write `[]` for an empty list");
                }
                self.report(diagnostic, node.span);
            }
            Input::Missing { owner, noun } => {
                let key = self.key.unwrap_or("?");
                self.report(
                    Diagnostic::error(
                        "yaml::missing-key",
                        format!("{noun} is missing required key `{key}`"),
                    ),
                    owner,
                );
            }
            Input::Placeholder(_) => {}
        }
    }

    fn node_value(&self) -> Option<&'a NodeValue<'a>> {
        match self.input {
            Input::Node(node) => Some(&node.value),
            _ => None,
        }
    }

    /// An integer within `min..=max`, or a report and 0.
    fn integer<'de, V: Visitor<'de>>(
        self,
        visitor: V,
        min: i128,
        max: i128,
    ) -> Result<V::Value, DeError> {
        let value = match self.node_value() {
            Some(NodeValue::Int(i)) => Some(i128::from(*i)),
            Some(NodeValue::UInt(u)) => Some(i128::from(*u)),
            _ => None,
        };
        match value {
            Some(v) if (min..=max).contains(&v) => match i64::try_from(v) {
                Ok(i) => visitor.visit_i64(i),
                Err(_) => visitor.visit_u64(u64::try_from(v).unwrap_or(0)),
            },
            Some(v) => {
                self.report(
                    Diagnostic::error(
                        "yaml::invalid-type",
                        format!(
                            "expected an integer from {min} to {max}{}, found `{v}`",
                            self.for_key()
                        ),
                    ),
                    self.span(),
                );
                visitor.visit_u64(0)
            }
            None => {
                self.mismatch("an integer");
                visitor.visit_u64(0)
            }
        }
    }
}

/// `deserialize_<int>` methods, each checking its type's range.
macro_rules! integer_methods {
    ($($method:ident: $ty:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let span = self.span();
            self.integer(visitor, i128::from(<$ty>::MIN), i128::from(<$ty>::MAX))
                .map_err(|e: DeError| e.at(span))
        }
    )*};
}

impl<'de> Deserializer<'de> for NodeDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let span = self.span();
        let result = match self.input {
            Input::Node(node) => match &node.value {
                NodeValue::Null => visitor.visit_unit(),
                NodeValue::Bool(b) => visitor.visit_bool(*b),
                NodeValue::Int(i) => visitor.visit_i64(*i),
                NodeValue::UInt(u) => visitor.visit_u64(*u),
                NodeValue::Float(f) => visitor.visit_f64(*f),
                NodeValue::Str(s) => visitor.visit_str(s),
                NodeValue::Seq(items) => visitor.visit_seq(SeqDe::new(self, items)),
                NodeValue::Map(entries) => visitor.visit_map(MapDe::new(self, entries)),
            },
            Input::Missing { .. } => {
                self.mismatch("a value");
                visitor.visit_unit()
            }
            Input::Placeholder(_) => visitor.visit_unit(),
        };
        result.map_err(|e: DeError| e.at(span))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let span = self.span();
        match self.node_value() {
            Some(NodeValue::Bool(b)) => visitor.visit_bool(*b),
            _ => {
                self.mismatch("a boolean (`true` or `false`)");
                visitor.visit_bool(false)
            }
        }
        .map_err(|e: DeError| e.at(span))
    }

    integer_methods! {
        deserialize_i8: i8, deserialize_i16: i16, deserialize_i32: i32, deserialize_i64: i64,
        deserialize_u8: u8, deserialize_u16: u16, deserialize_u32: u32, deserialize_u64: u64,
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let span = self.span();
        match self.node_value() {
            Some(NodeValue::Int(i)) => visitor.visit_i64(*i),
            Some(NodeValue::UInt(u)) => visitor.visit_u64(*u),
            Some(NodeValue::Float(f)) => visitor.visit_f64(*f),
            _ => {
                self.mismatch("a number");
                visitor.visit_f64(0.0)
            }
        }
        .map_err(|e: DeError| e.at(span))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let span = self.span();
        let mut chars = match self.node_value() {
            Some(NodeValue::Str(s)) => s.chars(),
            _ => "".chars(),
        };
        match (chars.next(), chars.next()) {
            (Some(c), None) => visitor.visit_char(c),
            _ => {
                self.mismatch("a single character");
                visitor.visit_char(' ')
            }
        }
        .map_err(|e: DeError| e.at(span))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let span = self.span();
        // A plain scalar is text to YAML; `name: 2024` is the string "2024".
        let text = match self.input {
            Input::Node(node) => node.scalar_text(self.reporter.file),
            _ => None,
        };
        match text {
            Some(Cow::Borrowed(text)) => visitor.visit_str(text),
            Some(Cow::Owned(text)) => visitor.visit_string(text),
            None => {
                self.mismatch("a string");
                visitor.visit_str("")
            }
        }
        .map_err(|e: DeError| e.at(span))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.mismatch("binary data");
        visitor
            .visit_bytes(&[])
            .map_err(|e: DeError| e.at(self.span()))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let span = self.span();
        match self.input {
            Input::Node(node) if !matches!(node.value, NodeValue::Null) => visitor.visit_some(self),
            _ => visitor.visit_none(),
        }
        .map_err(|e: DeError| e.at(span))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if !matches!(self.node_value(), Some(NodeValue::Null)) {
            self.mismatch("null");
        }
        visitor.visit_unit().map_err(|e: DeError| e.at(self.span()))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let span = self.span();
        visitor
            .visit_newtype_struct(self)
            .map_err(|e: DeError| e.at(span))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let span = self.span();
        match self.input {
            Input::Node(Node {
                value: NodeValue::Seq(items),
                ..
            }) => visitor.visit_seq(SeqDe::new(self, items)),
            // An absent list is an empty one; every list in the format is optional.
            Input::Missing { .. } | Input::Placeholder(_) => {
                visitor.visit_seq(SeqDe::new(self, &[]))
            }
            Input::Node(_) => {
                self.mismatch("a list");
                visitor.visit_seq(SeqDe::new(self, &[]))
            }
        }
        .map_err(|e: DeError| e.at(span))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let span = self.span();
        match self.input {
            Input::Node(Node {
                value: NodeValue::Map(entries),
                ..
            }) => visitor.visit_map(MapDe::new(self, entries)),
            // An absent mapping is an empty one; every mapping in the format is optional.
            Input::Missing { .. } | Input::Placeholder(_) => {
                visitor.visit_map(MapDe::new(self, &[]))
            }
            Input::Node(_) => {
                self.mismatch("a mapping");
                visitor.visit_map(MapDe::new(self, &[]))
            }
        }
        .map_err(|e: DeError| e.at(span))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let span = self.span();
        if name == loc::MARKER {
            return visitor.visit_map(LocDe::new(self));
        }
        let noun = doc::noun(name);
        match self.input {
            Input::Node(Node {
                value: NodeValue::Map(entries),
                span: owner,
                ..
            }) => visitor.visit_map(StructDe::new(self, *owner, noun, fields, entries)),
            Input::Node(_) | Input::Missing { .. } => {
                self.mismatch(&format!("a mapping ({noun})"));
                visitor.visit_map(StructDe::placeholder(self, fields))
            }
            Input::Placeholder(_) => visitor.visit_map(StructDe::placeholder(self, fields)),
        }
        .map_err(|e: DeError| e.at(span))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let span = self.span();
        let Some(&fallback) = variants.first() else {
            return Err(<DeError as de::Error>::custom("an enumeration without variants").at(span));
        };
        let named = match self.node_value() {
            Some(NodeValue::Str(s)) => variants.iter().find(|v| **v == s.as_ref()).copied(),
            _ => None,
        };
        let chosen = match (named, self.input) {
            (Some(variant), _) => variant,
            (
                None,
                Input::Node(Node {
                    value: NodeValue::Str(s),
                    span,
                    ..
                }),
            ) => {
                let what = self.key.unwrap_or("value").replace('_', " ");
                let help = did_you_mean(s, variants.iter().copied()).unwrap_or_else(|| {
                    format!("expected one of {}", list(variants.iter().copied()))
                });
                self.report(
                    Diagnostic::error(
                        "yaml::invalid-value",
                        format!("unknown {what} {}", quoted(s)),
                    )
                    .with_help(help),
                    *span,
                );
                fallback
            }
            (None, _) => {
                self.mismatch(&format!("one of {}", list(variants.iter().copied())));
                fallback
            }
        };
        visitor
            .visit_enum(UnitVariant(chosen))
            .map_err(|e: DeError| e.at(span))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}
