//! Builds the node tree from a stream of parser events, with the spans and
//! scalar types serde-saphyr would give the same events, within the same
//! budget. Both fast readers ([`super::events`], [`super::lines`]) feed it;
//! whatever it cannot build the way serde-saphyr would, it refuses (`None`),
//! and the file is read by [`super::saphyr`] instead.

use super::{MAX_DEPTH, MAX_EVENTS, MAX_NODES, Node, NodeValue, saphyr};
use crate::span::Span;
use serde_saphyr::granit_parser::ScalarStyle;
use std::borrow::Cow;
use std::collections::HashMap;

/// What a reader reports, in document order, as the YAML parser's events would.
pub(super) trait Sink<'t> {
    fn scalar(&mut self, value: Cow<'t, str>, style: ScalarStyle, span: Span) -> Option<()>;
    /// A sequence or mapping starts, at `span` (the parser's start event).
    fn open(&mut self, span: Span, mapping: bool) -> Option<()>;
    fn close(&mut self, mapping: bool) -> Option<()>;
}

pub(super) struct Builder<'t> {
    /// The collections open around the next node, outermost first.
    stack: Vec<Frame<'t>>,
    /// The items and entries of the open collections, innermost last: each
    /// collection gets one allocation of its final size when it closes.
    items: Vec<Node<'t>>,
    entries: Vec<(Node<'t>, Node<'t>)>,
    root: Option<Node<'t>>,
    /// Parser events so far (the four stream and document markers included).
    events: usize,
    nodes: usize,
    /// How serde-saphyr types the plain scalars this builder cannot tell at a glance.
    typed: HashMap<String, Typed>,
    /// Anchored nodes by anchor id, with their node counts (tagged reading only).
    anchors: HashMap<usize, (Node<'t>, usize)>,
}

struct Frame<'t> {
    /// The collection's start event.
    defined: Span,
    /// With a local tag: the key the finished collection is wrapped under
    /// (`!GetAtt [a, b]` becomes `{Fn::GetAtt: [a, b]}`), and the tag's span.
    wrap: Option<(Cow<'t, str>, Span)>,
    /// The anchor id the collection defines, or 0.
    anchor: usize,
    /// Where the collection ends so far: at its last child.
    end: u32,
    /// Where its children start in the builder's `items` or `entries`.
    first: usize,
    kids: Kids<'t>,
}

enum Kids<'t> {
    Seq,
    /// A key waiting for its value.
    Map(Option<Node<'t>>),
}

/// A plain scalar's type, as serde-saphyr gives it.
#[derive(Clone, Copy)]
enum Typed {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    /// The scalar's own text.
    Text,
}

impl<'t> Builder<'t> {
    pub fn new() -> Self {
        Builder {
            stack: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            root: None,
            events: 4,
            nodes: 0,
            typed: HashMap::new(),
            anchors: HashMap::new(),
        }
    }

    /// The tree, once every collection is closed.
    pub fn finish(self) -> Option<Node<'t>> {
        if !self.stack.is_empty() {
            return None;
        }
        self.root
    }

    /// Counts an event and a node against serde-saphyr's budget.
    fn count(&mut self, nodes: usize) -> Option<()> {
        self.events += 1;
        self.nodes += nodes;
        (self.events <= MAX_EVENTS && self.nodes <= MAX_NODES).then_some(())
    }

    /// Types a plain scalar: the common spellings here, the rest as serde-saphyr does.
    fn plain(&mut self, value: Cow<'t, str>) -> Option<NodeValue<'t>> {
        if is_null(&value) {
            return Some(NodeValue::Null);
        }
        match value.as_ref() {
            "true" | "True" | "TRUE" => return Some(NodeValue::Bool(true)),
            "false" | "False" | "FALSE" => return Some(NodeValue::Bool(false)),
            _ => {}
        }
        let bytes = value.as_bytes();
        let starts_with_letter = bytes.first().is_some_and(u8::is_ascii_alphabetic);
        if starts_with_letter && !is_special_word(&value) {
            return Some(NodeValue::Str(value));
        }
        // At most 19 digits always fit a u64; a leading zero has its own rules.
        let decimal = (1..=19).contains(&bytes.len())
            && bytes.iter().all(u8::is_ascii_digit)
            && (bytes.len() == 1 || bytes.first() != Some(&b'0'));
        if decimal && let Ok(number) = value.parse::<u64>() {
            return Some(NodeValue::UInt(number));
        }
        let typed = match self.typed.get(value.as_ref()) {
            Some(typed) => *typed,
            None => {
                let typed = ask_saphyr(&value)?;
                self.typed.insert(value.to_string(), typed);
                typed
            }
        };
        Some(match typed {
            Typed::Null => NodeValue::Null,
            Typed::Bool(b) => NodeValue::Bool(b),
            Typed::Int(i) => NodeValue::Int(i),
            Typed::UInt(u) => NodeValue::UInt(u),
            Typed::Float(f) => NodeValue::Float(f),
            Typed::Text => NodeValue::Str(value),
        })
    }

    fn attach(&mut self, node: Node<'t>) -> Option<()> {
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_some() {
                return None;
            }
            self.root = Some(node);
            return Some(());
        };
        match &mut frame.kids {
            Kids::Seq => {
                frame.end = frame.end.max(node.span.end);
                self.items.push(node);
            }
            Kids::Map(key) => {
                let key = key.take()?;
                frame.end = frame.end.max(key.span.end).max(node.span.end);
                self.entries.push((key, node));
            }
        }
        Some(())
    }
}

impl<'t> Sink<'t> for Builder<'t> {
    fn scalar(&mut self, value: Cow<'t, str>, style: ScalarStyle, span: Span) -> Option<()> {
        self.count(1)?;
        let plain = style == ScalarStyle::Plain;
        if let Some(Frame {
            kids: Kids::Map(key @ None),
            ..
        }) = self.stack.last_mut()
        {
            // Keys are read as strings: a null-like key is an error and `<<` merges.
            if (plain && is_null(&value)) || value == "<<" {
                return None;
            }
            *key = Some(Node {
                span,
                defined: span,
                value: NodeValue::Str(value),
            });
            return Some(());
        }
        let value = if plain {
            self.plain(value)?
        } else {
            NodeValue::Str(value)
        };
        self.attach(Node {
            span,
            defined: span,
            value,
        })
    }

    fn open(&mut self, span: Span, mapping: bool) -> Option<()> {
        self.count(1)?;
        // A collection as a mapping key has no string form.
        if let Some(Frame {
            kids: Kids::Map(None),
            ..
        }) = self.stack.last()
        {
            return None;
        }
        if self.stack.len() >= MAX_DEPTH {
            return None;
        }
        let (kids, first) = if mapping {
            (Kids::Map(None), self.entries.len())
        } else {
            (Kids::Seq, self.items.len())
        };
        self.stack.push(Frame {
            defined: span,
            wrap: None,
            anchor: 0,
            end: span.end,
            first,
            kids,
        });
        Some(())
    }

    fn close(&mut self, mapping: bool) -> Option<()> {
        self.count(0)?;
        let Frame {
            defined,
            wrap,
            anchor,
            end,
            first,
            kids,
        } = self.stack.pop()?;
        let value = match kids {
            Kids::Seq if !mapping => NodeValue::Seq(self.items.drain(first..).collect()),
            Kids::Map(None) if mapping => NodeValue::Map(self.entries.drain(first..).collect()),
            _ => return None,
        };
        let node = Node {
            span: Span {
                start: defined.start,
                end,
            },
            defined,
            value,
        };
        let node = match wrap {
            Some((key, tag)) => wrap_in(key, tag, node),
            None => node,
        };
        self.remember(anchor, &node);
        self.attach(node)
    }
}

/// What the tagged reader adds: local tags become one-key mappings, anchors
/// and aliases are resolved by copying the anchored node (within the budget).
impl<'t> Builder<'t> {
    /// A scalar with a local tag, kept as a string under `key`.
    pub fn tagged_scalar(
        &mut self,
        key: Cow<'t, str>,
        value: Cow<'t, str>,
        tag: Span,
        span: Span,
        anchor: usize,
    ) -> Option<()> {
        self.count(2)?;
        if self.expects_key() {
            return None;
        }
        let inner = Node {
            span,
            defined: span,
            value: NodeValue::Str(value),
        };
        let node = wrap_in(key, tag, inner);
        self.remember(anchor, &node);
        self.attach(node)
    }

    /// A plain scalar that defines an anchor.
    pub fn anchored_scalar(
        &mut self,
        value: Cow<'t, str>,
        style: ScalarStyle,
        span: Span,
        anchor: usize,
    ) -> Option<()> {
        if self.expects_key() {
            return None;
        }
        self.scalar(value, style, span)?;
        let node = self.last_attached()?;
        self.remember(anchor, &node);
        Some(())
    }

    /// A collection with a local tag and/or an anchor starts.
    pub fn open_tagged(
        &mut self,
        span: Span,
        mapping: bool,
        wrap: Option<(Cow<'t, str>, Span)>,
        anchor: usize,
    ) -> Option<()> {
        self.open(span, mapping)?;
        let frame = self.stack.last_mut()?;
        frame.wrap = wrap;
        frame.anchor = anchor;
        Some(())
    }

    /// `*name`: a copy of the anchored node, placed where the alias is.
    pub fn alias(&mut self, anchor: usize, span: Span) -> Option<()> {
        if self.expects_key() {
            return None;
        }
        let (node, size) = self.anchors.get(&anchor)?;
        let mut node = node.clone();
        let size = *size;
        self.count(size)?;
        node.span = span;
        self.attach(node)
    }

    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kids: Kids::Map(None),
                ..
            })
        )
    }

    fn remember(&mut self, anchor: usize, node: &Node<'t>) {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (node.clone(), node_count(node)));
        }
    }

    fn last_attached(&self) -> Option<Node<'t>> {
        match self.stack.last() {
            None => self.root.clone(),
            Some(frame) => match frame.kids {
                Kids::Seq => self.items.last().cloned(),
                Kids::Map(_) => self.entries.last().map(|(_, v)| v.clone()),
            },
        }
    }
}

/// `{key: inner}`, the key spanning the tag.
fn wrap_in<'t>(key: Cow<'t, str>, tag: Span, inner: Node<'t>) -> Node<'t> {
    let span = Span {
        start: tag.start.min(inner.span.start),
        end: inner.span.end.max(tag.end),
    };
    let key = Node {
        span: tag,
        defined: tag,
        value: NodeValue::Str(key),
    };
    Node {
        span,
        defined: span,
        value: NodeValue::Map(vec![(key, inner)]),
    }
}

fn node_count(node: &Node<'_>) -> usize {
    1 + match &node.value {
        NodeValue::Seq(items) => items.iter().map(node_count).sum(),
        NodeValue::Map(entries) => entries.iter().map(|(_, v)| 1 + node_count(v)).sum(),
        _ => 0,
    }
}

/// YAML's null spellings, for plain scalars.
fn is_null(value: &str) -> bool {
    matches!(value, "" | "~" | "null" | "Null" | "NULL")
}

/// Words some YAML schema reads as a number or boolean; serde-saphyr decides.
fn is_special_word(value: &str) -> bool {
    const WORDS: &[&str] = &["inf", "infinity", "nan", "y", "n", "yes", "no", "on", "off"];
    WORDS.iter().any(|word| value.eq_ignore_ascii_case(word))
}

/// serde-saphyr's type for a plain scalar; `None` when reading it alone
/// might not give the scalar it was in the document.
fn ask_saphyr(value: &str) -> Option<Typed> {
    let alone = !value.is_empty()
        && !value.contains(['\n', '\r', '\t'])
        && !value.starts_with(' ')
        && !value.ends_with(' ');
    if !alone {
        return None;
    }
    Some(match saphyr::plain_scalar(value)? {
        NodeValue::Null => Typed::Null,
        NodeValue::Bool(b) => Typed::Bool(b),
        NodeValue::Int(i) => Typed::Int(i),
        NodeValue::UInt(u) => Typed::UInt(u),
        NodeValue::Float(f) => Typed::Float(f),
        NodeValue::Str(s) if s == value => Typed::Text,
        NodeValue::Str(_) | NodeValue::Seq(_) | NodeValue::Map(_) => return None,
    })
}
