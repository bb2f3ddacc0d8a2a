//! The YAML text as a tree of spanned nodes.
//!
//! Reading into a plain tree first, rather than straight into a reader's
//! document types, is what lets each reader (the model, policies) report every
//! problem in a file instead of the first one. JSON is read as YAML 1.2 flow.
//!
//! serde-saphyr reads every YAML file ([`saphyr`]), but its general
//! deserializer costs several times the parse itself on large models. So
//! two fast readers go first and build the same tree, through [`tree`], for
//! the documents they fully understand: [`lines`] for the block style Moat
//! writes and most people type, then [`events`] for any document without
//! anchors, aliases, tags or merge keys. Whatever they refuse, and every
//! error, goes to serde-saphyr, so messages and limits stay its own: hostile
//! files stop with a located error instead of exhausting the stack or memory.
//! The tests hold all three readers to the same trees.

pub mod errors;
mod events;
mod json_syntax;
mod lines;
mod saphyr;
pub mod tagged;
#[cfg(test)]
mod tests;
mod tree;

pub use json_syntax::json_syntax_error;
pub use tagged::{TagError, parse_tagged};

use crate::diag::Diagnostic;
use crate::span::{SourceFile, Span};
use serde_saphyr::{Budget, DuplicateKeyPolicy};
use std::borrow::Cow;

/// Nesting deeper than this is rejected; a real model needs fewer than ten levels.
pub const MAX_DEPTH: usize = 48;
/// Larger files are rejected before parsing.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;
/// Bounds alias expansion; a 16 MiB file written out holds fewer values than this.
/// (Without aliases, scalars hold fewer bytes than the file, far below
/// serde-saphyr's 64 MiB budget for them, so the fast readers need not count those.)
const MAX_NODES: usize = 10_000_000;
/// Parser events allowed (values, collection ends, document markers).
const MAX_EVENTS: usize = 2 * MAX_NODES;

#[derive(Debug, Clone, PartialEq)]
pub struct Node<'t> {
    /// Where the node is written (for an alias, the alias).
    pub span: Span,
    /// Where the node's text is (for an alias, the anchored node).
    pub defined: Span,
    pub value: NodeValue<'t>,
}

/// A node's value; strings borrow the file's text where the YAML has no escapes.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue<'t> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Cow<'t, str>),
    Seq(Vec<Node<'t>>),
    /// Entries in document order, duplicates included; keys are `Str` nodes.
    Map(Vec<(Node<'t>, Node<'t>)>),
}

impl Node<'_> {
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
    pub fn scalar_text<'s>(&'s self, file: &'s SourceFile) -> Option<Cow<'s, str>> {
        let written = || {
            let start = self.defined.start as usize;
            let end = self.defined.end as usize;
            file.text
                .get(start..end)
                .filter(|t| !t.is_empty() && !t.starts_with(['*', '!', '&']))
                .map(Cow::Borrowed)
        };
        let shown = |value: String| written().unwrap_or(Cow::Owned(value));
        match &self.value {
            NodeValue::Str(s) => Some(Cow::Borrowed(s.as_ref())),
            NodeValue::Bool(b) => Some(shown(b.to_string())),
            NodeValue::Int(i) => Some(shown(i.to_string())),
            NodeValue::UInt(u) => Some(shown(u.to_string())),
            NodeValue::Float(f) => Some(shown(f.to_string())),
            NodeValue::Null | NodeValue::Seq(_) | NodeValue::Map(_) => None,
        }
    }
}

/// Parses `file` into a node tree, or reports why it cannot.
pub fn parse<'t>(file: &'t SourceFile) -> Result<Node<'t>, Box<Diagnostic>> {
    if file.text.len() > MAX_BYTES {
        let message = format!(
            "the file is too large ({} bytes; the limit is {} MiB)",
            file.text.len(),
            MAX_BYTES / (1024 * 1024)
        );
        return Err(Box::new(
            Diagnostic::error("yaml::too-large", message).at(file, Span::default()),
        ));
    }
    let text: &str = &file.text;
    match fast(text, lines::read).or_else(|| fast(text, events::read)) {
        Some(node) => Ok(node),
        None => saphyr::parse(file),
    }
}

/// The tree a fast reader builds, if it and the builder take `text`.
fn fast<'t>(
    text: &'t str,
    read: impl FnOnce(&'t str, &mut tree::Builder<'t>) -> Option<()>,
) -> Option<Node<'t>> {
    let mut builder = tree::Builder::new();
    read(text, &mut builder)?;
    builder.finish()
}

/// serde-saphyr's options for model files; [`events`] follows the same rules.
fn options() -> serde_saphyr::Options {
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.flow_nesting_limit = MAX_DEPTH;
    budget.max_nodes = MAX_NODES;
    budget.max_events = MAX_EVENTS;
    budget.max_documents = 1;
    serde_saphyr::options! {
        budget: Some(budget),
        // YAML 1.1's `yes`/`no`/`on`/`off` would turn ordinary words into booleans.
        strict_booleans: true,
        // Duplicates are reported by the checker, all of them, with both places.
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
        with_snippet: false,
        // Comments are not part of the model; kept, they cost time, and more
        // than a few dozen in a row made the parser give up on valid files.
        emit_comments: false,
    }
}
