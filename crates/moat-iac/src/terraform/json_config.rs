//! Terraform's JSON configuration syntax (`*.tf.json`, cdktf's
//! `cdk.tf.json`) spelled as HCL text, with a map from every expression,
//! block and label written back to the JSON value it came from. The JSON
//! syntax is another spelling of the same blocks, and its strings are HCL
//! templates (`"${aws_s3_bucket.b.arn}/*"`): written out as HCL, it is
//! read by the one evaluator the `.tf` reader uses (references, `count`,
//! `for_each`, functions), and the map puts every value back at its place
//! in the JSON file. A second evaluator over the JSON tree would have to
//! repeat all of that.
//!
//! One thing the JSON syntax leaves to the provider's schema, which Moat
//! does not have: whether an object is an argument or a nested block. An
//! object (or a list of objects) is read as nested blocks, except under the
//! arguments in [`MAP_ARGUMENTS`], which are maps.

use super::values::Val;
use crate::node_util::{entries, get, text};
use moat_source::Span;
use moat_source::node::NodeValue;
use std::collections::BTreeMap;

/// Arguments whose value is a map, not a nested block.
const MAP_ARGUMENTS: &[&str] = &[
    "tags",
    "tags_all",
    "variables",
    "triggers",
    "for_each",
    "count",
    "request_parameters",
    "request_templates",
    "response_parameters",
    "input",
];

/// Meta-arguments with nothing to say about a resource's settings.
const SKIPPED: &[&str] = &[
    "//",
    "depends_on",
    "provider",
    "lifecycle",
    "provisioner",
    "connection",
];

/// The HCL spelling of a JSON configuration.
pub struct Generated {
    pub text: String,
    /// (range in `text`, JSON span), parents before children.
    map: Vec<(Span, Span)>,
    /// Resource address (`aws_s3_bucket.b`) -> cdktf construct path
    /// (`//` -> `metadata` -> `path`).
    pub construct_paths: BTreeMap<String, String>,
    /// What is not read, and where.
    pub not_read: Vec<(String, Span)>,
}

impl Generated {
    /// The JSON span of the innermost value written at `span` of `text`.
    pub fn remap(&self, span: Span) -> Span {
        let last = self.map.partition_point(|(g, _)| g.start <= span.start);
        self.map[..last]
            .iter()
            .rev()
            .find(|(g, _)| g.end >= span.end)
            .map(|(_, j)| *j)
            .unwrap_or_default()
    }

    /// `v` with every span in the JSON file.
    pub fn remap_value(&self, v: &mut Val) {
        v.span = self.remap(v.span);
        v.defined = self.remap(v.defined);
        match &mut v.value {
            NodeValue::Seq(list) => list.iter_mut().for_each(|x| self.remap_value(x)),
            NodeValue::Map(list) => list.iter_mut().for_each(|(k, x)| {
                self.remap_value(k);
                self.remap_value(x);
            }),
            _ => {}
        }
    }
}

/// `root`, a parsed JSON configuration, as HCL text.
pub fn generate(root: &Val) -> Generated {
    let mut w = Writer {
        out: String::new(),
        map: Vec::new(),
        construct_paths: BTreeMap::new(),
        not_read: Vec::new(),
    };
    for (key, value) in entries(root) {
        match text(key).as_deref() {
            Some(kind @ ("resource" | "data")) => w.resources(kind, value),
            Some("locals") => {
                for locals in objects(value) {
                    w.out.push_str("locals {\n");
                    w.arguments(locals);
                    w.out.push_str("}\n");
                }
            }
            Some("variable") => w.variables(value),
            Some("output" | "provider" | "terraform" | "//") => {}
            Some(other) => w.not_read.push((
                format!("`{other}` blocks are not read from JSON configuration"),
                key.span,
            )),
            None => {}
        }
    }
    Generated {
        text: w.out,
        map: w.map,
        construct_paths: w.construct_paths,
        not_read: w.not_read,
    }
}

/// A block's bodies: one object, or a list of them.
fn objects(v: &Val) -> Vec<&Val> {
    match &v.value {
        NodeValue::Map(_) => vec![v],
        NodeValue::Seq(list) => list
            .iter()
            .filter(|x| matches!(x.value, NodeValue::Map(_)))
            .collect(),
        _ => Vec::new(),
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

struct Writer {
    out: String,
    map: Vec<(Span, Span)>,
    construct_paths: BTreeMap<String, String>,
    not_read: Vec<(String, Span)>,
}

impl Writer {
    /// Starts a range of the output that comes from `json`.
    fn open(&mut self, json: Span) -> usize {
        let at = Span::new(self.out.len(), self.out.len());
        self.map.push((at, json));
        self.map.len() - 1
    }

    fn close(&mut self, mark: usize) {
        self.map[mark].0.end = u32::try_from(self.out.len()).unwrap_or(u32::MAX);
    }

    fn resources(&mut self, kind: &str, types: &Val) {
        for (rtype, names) in entries(types) {
            let Some(rtype) = text(rtype).filter(|t| is_ident(t)) else {
                continue;
            };
            for (name_node, body) in entries(names) {
                let Some(name) = text(name_node).filter(|n| is_ident(n)) else {
                    self.not_read.push((
                        format!("a `{rtype}` name that Terraform does not accept"),
                        name_node.span,
                    ));
                    continue;
                };
                let Some(body) = objects(body).into_iter().next() else {
                    continue;
                };
                if let Some(path) = get(body, "//")
                    .and_then(|c| get(c, "metadata"))
                    .and_then(|m| get(m, "path"))
                    .and_then(text)
                {
                    let prefix = if kind == "data" { "data." } else { "" };
                    self.construct_paths
                        .insert(format!("{prefix}{rtype}.{name}"), path);
                }
                let block = self.open(body.span);
                self.out.push_str(&format!("{kind} \"{rtype}\" "));
                let label = self.open(name_node.span);
                self.out.push_str(&format!("\"{name}\""));
                self.close(label);
                self.out.push_str(" {\n");
                self.body(body);
                self.out.push_str("}\n");
                self.close(block);
            }
        }
    }

    fn variables(&mut self, declared: &Val) {
        for (name, decl) in entries(declared) {
            let Some(name) = text(name).filter(|n| is_ident(n)) else {
                continue;
            };
            let block = self.open(decl.span);
            self.out.push_str(&format!("variable \"{name}\" {{\n"));
            if let Some(default) = get(decl, "default") {
                self.out.push_str("default = ");
                self.expression(default);
                self.out.push('\n');
            }
            self.out.push_str("}\n");
            self.close(block);
        }
    }

    /// Every entry of `body` as an argument (`locals`).
    fn arguments(&mut self, body: &Val) {
        for (key, value) in entries(body) {
            let Some(k) = text(key).filter(|k| is_ident(k)) else {
                continue;
            };
            self.argument(key, &k, value);
        }
    }

    fn argument(&mut self, key: &Val, k: &str, value: &Val) {
        let name = self.open(key.span);
        self.out.push_str(k);
        self.close(name);
        self.out.push_str(" = ");
        self.expression(value);
        self.out.push('\n');
    }

    /// A resource's (or nested block's) body: arguments and nested blocks.
    fn body(&mut self, body: &Val) {
        for (key, value) in entries(body) {
            let Some(k) = text(key) else { continue };
            if SKIPPED.contains(&k.as_str()) {
                continue;
            }
            if k == "dynamic" {
                self.dynamic(value);
                continue;
            }
            if !is_ident(&k) {
                self.not_read
                    .push((format!("argument `{k}` is not a Terraform name"), key.span));
                continue;
            }
            let blocks = !MAP_ARGUMENTS.contains(&k.as_str())
                && match &value.value {
                    NodeValue::Map(_) => true,
                    NodeValue::Seq(list) => {
                        !list.is_empty()
                            && list.iter().all(|x| matches!(x.value, NodeValue::Map(_)))
                    }
                    _ => false,
                };
            if blocks {
                for object in objects(value) {
                    let block = self.open(object.span);
                    let name = self.open(key.span);
                    self.out.push_str(&k);
                    self.close(name);
                    self.out.push_str(" {\n");
                    self.body(object);
                    self.out.push_str("}\n");
                    self.close(block);
                }
            } else {
                self.argument(key, &k, value);
            }
        }
    }

    /// `"dynamic": {"rule": {"for_each": ..., "iterator": ..., "content": {...}}}`.
    fn dynamic(&mut self, kinds: &Val) {
        for (kind, specs) in entries(kinds) {
            let Some(kind_name) = text(kind).filter(|k| is_ident(k)) else {
                continue;
            };
            for spec in objects(specs) {
                let block = self.open(spec.span);
                self.out.push_str(&format!("dynamic \"{kind_name}\" {{\n"));
                for (key, value) in entries(spec) {
                    match text(key).as_deref() {
                        Some("for_each") => self.argument(key, "for_each", value),
                        Some("iterator") => {
                            if let Some(it) = text(value).filter(|i| is_ident(i)) {
                                self.out.push_str(&format!("iterator = {it}\n"));
                            }
                        }
                        Some("content") => {
                            for content in objects(value) {
                                let inner = self.open(content.span);
                                self.out.push_str("content {\n");
                                self.body(content);
                                self.out.push_str("}\n");
                                self.close(inner);
                            }
                        }
                        _ => {}
                    }
                }
                self.out.push_str("}\n");
                self.close(block);
            }
        }
    }

    fn expression(&mut self, v: &Val) {
        let mark = self.open(v.span);
        match &v.value {
            NodeValue::Null => self.out.push_str("null"),
            NodeValue::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            NodeValue::Int(i) => self.out.push_str(&i.to_string()),
            NodeValue::UInt(u) => self.out.push_str(&u.to_string()),
            NodeValue::Float(f) if f.is_finite() => self.out.push_str(&f.to_string()),
            NodeValue::Float(_) => self.out.push_str("null"),
            NodeValue::Str(s) => self.template(s),
            NodeValue::Seq(list) => {
                self.out.push('[');
                for (n, item) in list.iter().enumerate() {
                    if n > 0 {
                        self.out.push_str(", ");
                    }
                    self.expression(item);
                }
                self.out.push(']');
            }
            NodeValue::Map(list) => {
                self.out.push_str("{\n");
                for (key, value) in list {
                    let k = text(key).unwrap_or_default();
                    let name = self.open(key.span);
                    self.out.push('"');
                    // a key is a name, never a template
                    literal(&mut self.out, &k.replace("${", "$${").replace("%{", "%%{"));
                    self.out.push('"');
                    self.close(name);
                    self.out.push_str(" = ");
                    self.expression(value);
                    self.out.push('\n');
                }
                self.out.push('}');
            }
        }
        self.close(mark);
    }

    /// A JSON string: a template, whose interpolations are HCL expressions
    /// and whose literal text is escaped for an HCL string. A string that is
    /// one interpolation and nothing else is its expression's value (a list
    /// stays a list), as in Terraform.
    fn template(&mut self, s: &str) {
        let parts = split_template(s);
        if let [Part::Interpolation(inner)] = parts.as_slice() {
            self.out.push('(');
            self.out.push_str(inner);
            self.out.push_str("\n)");
            return;
        }
        self.out.push('"');
        for part in parts {
            match part {
                Part::Literal(t) => literal(&mut self.out, t),
                Part::Escape(t) => self.out.push_str(t),
                Part::Interpolation(inner) => {
                    self.out.push_str("${");
                    self.out.push_str(inner);
                    self.out.push('}');
                }
                Part::Directive(inner) => {
                    self.out.push_str("%{");
                    self.out.push_str(inner);
                    self.out.push('}');
                }
            }
        }
        self.out.push('"');
    }
}

enum Part<'s> {
    Literal(&'s str),
    /// `$${` or `%%{`: kept as written (HCL reads them the same way).
    Escape(&'s str),
    Interpolation(&'s str),
    Directive(&'s str),
}

/// `s` cut into literal text and `${...}` / `%{...}` sequences.
fn split_template(s: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < bytes.len() {
        let rest = &s[i..];
        if rest.starts_with("$${") || rest.starts_with("%%{") {
            if start < i {
                parts.push(Part::Literal(&s[start..i]));
            }
            parts.push(Part::Escape(&s[i..i + 3]));
            i += 3;
            start = i;
            continue;
        }
        if (rest.starts_with("${") || rest.starts_with("%{"))
            && let Some(end) = closing(&s[i + 2..])
        {
            if start < i {
                parts.push(Part::Literal(&s[start..i]));
            }
            let inner = &s[i + 2..i + 2 + end];
            parts.push(if rest.starts_with('$') {
                Part::Interpolation(inner)
            } else {
                Part::Directive(inner)
            });
            i += 2 + end + 1;
            start = i;
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    if start < s.len() {
        parts.push(Part::Literal(&s[start..]));
    }
    parts
}

/// Where the `}` that closes an interpolation is in `s` (which follows
/// its `${`): braces nest, and quoted strings inside it are skipped.
fn closing(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// `t` escaped for an HCL quoted string; an interpolation that never
/// closes stays literal text.
fn literal(out: &mut String, t: &str) {
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
}
