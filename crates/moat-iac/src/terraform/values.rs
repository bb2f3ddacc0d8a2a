//! Terraform values as the spanned nodes every reader lowers from: strings,
//! numbers, booleans, lists and objects, plus the unknown marker
//! ([`crate::node_util::UNKNOWN_MARK`]) for what only `terraform apply` knows.

use crate::node_util::{UNKNOWN_MARK, unknown_reason};
use moat_source::Span;
use moat_source::node::{Node, NodeValue};
use std::borrow::Cow;

pub type Val = Node<'static>;

pub fn node(value: NodeValue<'static>, span: Span) -> Val {
    Node {
        span,
        defined: span,
        value,
    }
}

pub fn str(text: impl Into<String>, span: Span) -> Val {
    node(NodeValue::Str(Cow::Owned(text.into())), span)
}

pub fn unknown(reason: impl AsRef<str>, span: Span) -> Val {
    crate::node_util::unknown(reason, span)
}

pub fn null(span: Span) -> Val {
    node(NodeValue::Null, span)
}

pub fn boolean(b: bool, span: Span) -> Val {
    node(NodeValue::Bool(b), span)
}

pub fn seq(items: Vec<Val>, span: Span) -> Val {
    node(NodeValue::Seq(items), span)
}

pub fn map(entries: Vec<(String, Val)>, span: Span) -> Val {
    node(
        NodeValue::Map(
            entries
                .into_iter()
                .map(|(k, v)| (str(k, v.span), v))
                .collect(),
        ),
        span,
    )
}

pub fn is_unknown(v: &Val) -> bool {
    unknown_reason(v).is_some()
}

/// The first unknown among `vals`, as a value at `span`.
pub fn first_unknown<'a>(vals: impl IntoIterator<Item = &'a Val>, span: Span) -> Option<Val> {
    vals.into_iter()
        .find_map(unknown_reason)
        .map(|r| unknown(r, span))
}

/// The string form Terraform gives a primitive in a template or a string
/// argument; `None` for collections and null.
pub fn text(v: &Val) -> Option<String> {
    match &v.value {
        NodeValue::Str(s) if s.starts_with(UNKNOWN_MARK) => None,
        NodeValue::Str(s) => Some(s.to_string()),
        NodeValue::Bool(b) => Some(b.to_string()),
        NodeValue::Int(i) => Some(i.to_string()),
        NodeValue::UInt(u) => Some(u.to_string()),
        NodeValue::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        NodeValue::Float(f) => Some(f.to_string()),
        NodeValue::Null | NodeValue::Seq(_) | NodeValue::Map(_) => None,
    }
}

pub fn number(v: &Val) -> Option<f64> {
    match &v.value {
        NodeValue::Int(i) => Some(*i as f64),
        NodeValue::UInt(u) => Some(*u as f64),
        NodeValue::Float(f) => Some(*f),
        NodeValue::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn from_number(n: f64, span: Span) -> Val {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        node(NodeValue::Int(n as i64), span)
    } else {
        node(NodeValue::Float(n), span)
    }
}

pub fn truth(v: &Val) -> Option<bool> {
    match &v.value {
        NodeValue::Bool(b) => Some(*b),
        NodeValue::Str(s) if s == "true" => Some(true),
        NodeValue::Str(s) if s == "false" => Some(false),
        _ => None,
    }
}

/// Equal as Terraform values (spans aside).
pub fn same(a: &Val, b: &Val) -> bool {
    match (&a.value, &b.value) {
        (NodeValue::Seq(x), NodeValue::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (NodeValue::Map(x), NodeValue::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| text(ka) == text(kb) && same(va, vb))
        }
        (NodeValue::Null, NodeValue::Null) => true,
        _ => match (number(a), number(b)) {
            (Some(x), Some(y)) if !matches!(a.value, NodeValue::Str(_)) => x == y,
            _ => text(a).is_some() && text(a) == text(b),
        },
    }
}

/// `v` with every span set to `span` (a value read from a file or a string
/// whose own positions are not in the configuration).
pub fn respan(v: Val, span: Span) -> Val {
    let value = match v.value {
        NodeValue::Seq(items) => {
            NodeValue::Seq(items.into_iter().map(|i| respan(i, span)).collect())
        }
        NodeValue::Map(entries) => NodeValue::Map(
            entries
                .into_iter()
                .map(|(k, v)| (respan(k, span), respan(v, span)))
                .collect(),
        ),
        other => other,
    };
    node(value, span)
}

/// `v` with every span moved by `by` bytes (a JSON document written
/// verbatim inside the configuration, parsed on its own).
pub fn shift(v: Val, by: u32) -> Val {
    let moved = |s: Span| Span {
        start: s.start.saturating_add(by),
        end: s.end.saturating_add(by),
    };
    let value = match v.value {
        NodeValue::Seq(items) => NodeValue::Seq(items.into_iter().map(|i| shift(i, by)).collect()),
        NodeValue::Map(entries) => NodeValue::Map(
            entries
                .into_iter()
                .map(|(k, v)| (shift(k, by), shift(v, by)))
                .collect(),
        ),
        other => other,
    };
    Node {
        span: moved(v.span),
        defined: moved(v.defined),
        value,
    }
}

/// JSON text of a value (for `jsonencode` used inside a string).
pub fn to_json(v: &Val) -> Option<String> {
    fn walk(v: &Val) -> Option<serde_json::Value> {
        Some(match &v.value {
            NodeValue::Null => serde_json::Value::Null,
            NodeValue::Bool(b) => serde_json::Value::Bool(*b),
            NodeValue::Int(i) => serde_json::Value::from(*i),
            NodeValue::UInt(u) => serde_json::Value::from(*u),
            NodeValue::Float(f) => serde_json::Value::from(*f),
            NodeValue::Str(s) if s.starts_with(UNKNOWN_MARK) => return None,
            NodeValue::Str(s) => serde_json::Value::String(s.to_string()),
            NodeValue::Seq(items) => {
                serde_json::Value::Array(items.iter().map(walk).collect::<Option<_>>()?)
            }
            NodeValue::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| Some((text(k)?, walk(v)?)))
                    .collect::<Option<_>>()?,
            ),
        })
    }
    serde_json::to_string(&walk(v)?).ok()
}

/// A JSON document as a value: spans at `span` unless `verbatim_at` says
/// where its text is written in the configuration.
pub fn from_json_text(text: &str, span: Span, verbatim_at: Option<u32>) -> Option<Val> {
    let file = moat_source::SourceFile::new("", text.to_string());
    let parsed = moat_source::node::parse(&file).ok()?;
    let owned = crate::node_util::owned(&parsed);
    Some(match verbatim_at {
        Some(at) => shift(owned, at),
        None => respan(owned, span),
    })
}
