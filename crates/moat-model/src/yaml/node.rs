//! The YAML text as a tree of spanned nodes.
//!
//! serde-saphyr parses the text and enforces the [`Budget`] (nesting depth,
//! node count, scalar bytes), so hostile files stop with a located error
//! instead of exhausting the stack or memory. Reading into a plain tree first,
//! rather than straight into the document types, is what lets the checker in
//! [`super::de`] report every problem in a file instead of the first one.

use super::report::Reporter;
use crate::diag::Diagnostic;
use crate::span::{SourceFile, Span};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Location, MessageFormatter, Spanned};

/// Nesting deeper than this is rejected; a real model needs fewer than ten levels.
pub(crate) const MAX_DEPTH: usize = 48;
/// Larger files are rejected before parsing.
pub(crate) const MAX_BYTES: usize = 16 * 1024 * 1024;
/// Bounds alias expansion; a 16 MiB file written out holds fewer values than this.
const MAX_NODES: usize = 10_000_000;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// Where the node is written (for an alias, the alias).
    pub span: Span,
    /// Where the node's text is (for an alias, the anchored node).
    pub defined: Span,
    pub value: NodeValue,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeValue {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in document order, duplicates included; keys are `Str` nodes.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// "a list", "a string"...: what a user would call this node.
    pub fn describe(&self) -> &'static str {
        match self.value {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Int(_) | NodeValue::UInt(_) => "an integer",
            NodeValue::Float(_) => "a number",
            NodeValue::Str(_) => "a string",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }

    /// A scalar's text as written (`1.10` stays `1.10`), for scalars used as strings.
    pub fn scalar_text(&self, file: &SourceFile) -> Option<String> {
        let written = || {
            let start = self.defined.start as usize;
            let end = self.defined.end as usize;
            file.text
                .get(start..end)
                .filter(|t| !t.is_empty() && !t.starts_with(['*', '!', '&']))
                .map(str::to_string)
        };
        match &self.value {
            NodeValue::Str(s) => Some(s.clone()),
            NodeValue::Bool(b) => Some(written().unwrap_or_else(|| b.to_string())),
            NodeValue::Int(i) => Some(written().unwrap_or_else(|| i.to_string())),
            NodeValue::UInt(u) => Some(written().unwrap_or_else(|| u.to_string())),
            NodeValue::Float(f) => Some(written().unwrap_or_else(|| f.to_string())),
            NodeValue::Null | NodeValue::Seq(_) | NodeValue::Map(_) => None,
        }
    }
}

/// Parses `file` into a node tree, or reports why it cannot.
pub(crate) fn parse(file: &SourceFile, reporter: &Reporter) -> Option<Node> {
    if file.text.len() > MAX_BYTES {
        reporter.report(
            Diagnostic::error(
                "yaml::too-large",
                format!(
                    "the file is too large ({} bytes; the limit is {} MiB)",
                    file.text.len(),
                    MAX_BYTES / (1024 * 1024)
                ),
            ),
            Span::default(),
        );
        return None;
    }
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.flow_nesting_limit = MAX_DEPTH;
    budget.max_nodes = MAX_NODES;
    budget.max_events = 2 * MAX_NODES;
    budget.max_documents = 1;
    let options = serde_saphyr::options! {
        budget: Some(budget),
        // YAML 1.1's `yes`/`no`/`on`/`off` would turn ordinary words into booleans.
        strict_booleans: true,
        // Duplicates are reported by the checker, all of them, with both places.
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
        with_snippet: false,
    };
    match serde_saphyr::from_str_with_options::<Spanned<RawValue>>(&file.text, options) {
        Ok(raw) => Some(resolve(raw, file)),
        Err(error) => {
            let (message, code) = describe_error(&error);
            let span = error
                .location()
                .map(|loc| point(&loc, file))
                .unwrap_or_default();
            reporter.report(Diagnostic::error(code, message), span);
            None
        }
    }
}

fn describe_error(error: &serde_saphyr::Error) -> (String, &'static str) {
    let error = error.without_snippet();
    if let serde_saphyr::Error::Budget { breach, .. } = error {
        use serde_saphyr::budget::BudgetBreach;
        let message = match breach {
            BudgetBreach::Depth { .. } => too_deep(),
            BudgetBreach::Nodes { .. } => {
                format!("the document has too many values (the limit is {MAX_NODES})")
            }
            BudgetBreach::Documents { .. } => {
                "a model file holds one YAML document; found more than one".to_string()
            }
            other => format!("the document is too large or too complex ({other:?})"),
        };
        return (message, "yaml::limit");
    }
    if let serde_saphyr::Error::ExternalMessage { source, .. } = error
        && let serde_saphyr::ExternalMessageSource::Parser(scan) = source.as_ref()
        && matches!(
            scan.kind(),
            serde_saphyr::granit_parser::ErrorKind::RecursionLimitExceeded
        )
    {
        return (too_deep(), "yaml::limit");
    }
    let text = serde_saphyr::UserMessageFormatter.format_message(error);
    (style_message(&text), "yaml::syntax")
}

fn too_deep() -> String {
    format!("the document is nested too deeply (the limit is {MAX_DEPTH} levels)")
}

/// Moat's message style: lowercase start (acronyms kept), no final period.
fn style_message(text: &str) -> String {
    let text = text.trim().trim_end_matches('.');
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_string(),
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
fn resolve(raw: Spanned<RawValue>, file: &SourceFile) -> Node {
    let span = point(&raw.referenced, file);
    let defined = point(&raw.defined, file);
    let mut end = span.end;
    let value = match raw.value {
        RawValue::Null => NodeValue::Null,
        RawValue::Bool(b) => NodeValue::Bool(b),
        RawValue::Int(i) => NodeValue::Int(i),
        RawValue::UInt(u) => NodeValue::UInt(u),
        RawValue::Float(f) => NodeValue::Float(f),
        RawValue::Str(s) => NodeValue::Str(s),
        RawValue::Seq(items) => {
            let items: Vec<Node> = items.into_iter().map(|i| resolve(i, file)).collect();
            end = items.iter().map(|i| i.span.end).fold(end, u32::max);
            NodeValue::Seq(items)
        }
        RawValue::Map(entries) => {
            let entries: Vec<(Node, Node)> = entries
                .into_iter()
                .map(|(key, value)| {
                    let key_span = point(&key.referenced, file);
                    let key = Node {
                        span: key_span,
                        defined: key_span,
                        value: NodeValue::Str(key.value),
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
