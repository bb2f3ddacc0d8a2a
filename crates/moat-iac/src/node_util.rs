//! Small readers over the node tree: a key's value, a scalar's text, and
//! the marker that stands for a value known only at deployment.

use moat_source::Span;
use moat_source::node::{Node, NodeValue};
use std::borrow::Cow;

/// Resolved values that cannot be known statically are strings that start
/// with this marker (a control character no template can hold), followed by
/// the reason; [`unknown_reason`] reads them back.
pub const UNKNOWN_MARK: &str = "\u{1}unknown\u{1}";

pub fn get<'a, 't>(node: &'a Node<'t>, key: &str) -> Option<&'a Node<'t>> {
    match &node.value {
        NodeValue::Map(entries) => entries
            .iter()
            .find(|(k, _)| matches!(&k.value, NodeValue::Str(s) if s == key))
            .map(|(_, v)| v),
        _ => None,
    }
}

pub fn entries<'a, 't>(node: &'a Node<'t>) -> &'a [(Node<'t>, Node<'t>)] {
    match &node.value {
        NodeValue::Map(entries) => entries,
        _ => &[],
    }
}

pub fn items<'a, 't>(node: &'a Node<'t>) -> &'a [Node<'t>] {
    match &node.value {
        NodeValue::Seq(items) => items,
        _ => &[],
    }
}

/// A scalar as text (`true`, `30`, `AES256`); `None` for collections, nulls and unknowns.
pub fn text(node: &Node<'_>) -> Option<String> {
    match &node.value {
        NodeValue::Str(s) if s.starts_with(UNKNOWN_MARK) => None,
        NodeValue::Str(s) => Some(s.to_string()),
        NodeValue::Bool(b) => Some(b.to_string()),
        NodeValue::Int(i) => Some(i.to_string()),
        NodeValue::UInt(u) => Some(u.to_string()),
        NodeValue::Float(f) => Some(f.to_string()),
        NodeValue::Null | NodeValue::Seq(_) | NodeValue::Map(_) => None,
    }
}

/// Why `node` is unknown, if it is the unknown marker.
pub fn unknown_reason<'a>(node: &'a Node<'_>) -> Option<&'a str> {
    match &node.value {
        NodeValue::Str(s) => s.strip_prefix(UNKNOWN_MARK),
        _ => None,
    }
}

/// The first unknown inside `node` (itself included), with its place.
pub fn first_unknown(node: &Node<'_>) -> Option<(String, Span)> {
    if let Some(reason) = unknown_reason(node) {
        return Some((reason.to_string(), node.span));
    }
    match &node.value {
        NodeValue::Seq(items) => items.iter().find_map(first_unknown),
        NodeValue::Map(entries) => entries.iter().find_map(|(_, v)| first_unknown(v)),
        _ => None,
    }
}

/// An unknown value at `span`.
pub fn unknown(reason: impl AsRef<str>, span: Span) -> Node<'static> {
    Node {
        span,
        defined: span,
        value: NodeValue::Str(Cow::Owned(format!("{UNKNOWN_MARK}{}", reason.as_ref()))),
    }
}

pub fn string(value: impl Into<String>, span: Span) -> Node<'static> {
    Node {
        span,
        defined: span,
        value: NodeValue::Str(Cow::Owned(value.into())),
    }
}

/// A copy of `node` that owns its text.
pub fn owned(node: &Node<'_>) -> Node<'static> {
    let value = match &node.value {
        NodeValue::Null => NodeValue::Null,
        NodeValue::Bool(b) => NodeValue::Bool(*b),
        NodeValue::Int(i) => NodeValue::Int(*i),
        NodeValue::UInt(u) => NodeValue::UInt(*u),
        NodeValue::Float(f) => NodeValue::Float(*f),
        NodeValue::Str(s) => NodeValue::Str(Cow::Owned(s.to_string())),
        NodeValue::Seq(items) => NodeValue::Seq(items.iter().map(owned).collect()),
        NodeValue::Map(entries) => {
            NodeValue::Map(entries.iter().map(|(k, v)| (owned(k), owned(v))).collect())
        }
    };
    Node {
        span: node.span,
        defined: node.defined,
        value,
    }
}
