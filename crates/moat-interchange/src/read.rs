//! Reading an interchange file's spanned node tree (JSON read as YAML flow, or
//! OTM's YAML) field by field: wrong types are located errors, unknown fields
//! located warnings that also mark the model `incomplete`.

use moat_model::{Diagnostic, Incomplete, SourceFile, Span};
use moat_source::node::{Node, NodeValue};

pub struct Reader<'f> {
    pub file: &'f SourceFile,
    /// The diagnostic code prefix (`threat-composer`, `otm`).
    pub code: &'static str,
    pub diagnostics: Vec<Diagnostic>,
    pub incomplete: Vec<Incomplete>,
}

/// A mapping's entries, once its keys have been checked.
pub struct Fields<'n, 't> {
    pub span: Span,
    entries: &'n [(Node<'t>, Node<'t>)],
}

impl<'n, 't> Fields<'n, 't> {
    /// The value of `key`; `null` counts as absent (OTM allows it everywhere).
    pub fn get(&self, key: &str) -> Option<&'n Node<'t>> {
        self.entries
            .iter()
            .find(|(k, _)| key_text(k) == Some(key))
            .map(|(_, v)| v)
            .filter(|v| !matches!(v.value, NodeValue::Null))
    }
}

pub fn key_text<'a>(node: &'a Node<'_>) -> Option<&'a str> {
    match &node.value {
        NodeValue::Str(s) => Some(s.as_ref()),
        _ => None,
    }
}

impl<'f> Reader<'f> {
    pub fn new(file: &'f SourceFile, code: &'static str) -> Self {
        Reader {
            file,
            code,
            diagnostics: Vec::new(),
            incomplete: Vec::new(),
        }
    }

    fn code(&self, what: &str) -> String {
        format!("{}::{what}", self.code)
    }

    pub fn error(&mut self, span: Span, message: impl Into<String>) {
        let code = self.code("invalid");
        self.diagnostics
            .push(Diagnostic::error(&code, message).at(self.file, span));
    }

    pub fn warning(&mut self, what: &str, span: Span, message: impl Into<String>) {
        let code = self.code(what);
        self.diagnostics
            .push(Diagnostic::warning(&code, message).at(self.file, span));
    }

    /// Something the file says that the model cannot hold: a warning, and a
    /// reason on the model's `incomplete` list.
    pub fn not_carried(&mut self, span: Span, reason: String) {
        self.incomplete.push(Incomplete {
            reason: reason.clone(),
            location: Some(self.file.location(span)),
        });
        self.warning("not-carried", span, reason);
    }

    /// [`Self::fields`] of an object that must have an `id` and a `name`
    /// (each missing one is reported), with both.
    pub fn identified<'n, 't>(
        &mut self,
        node: &'n Node<'t>,
        what: &str,
        known: &[&str],
    ) -> Option<(Fields<'n, 't>, String, String)> {
        let fields = self.fields(node, what, known)?;
        let id = self.required(&fields, "id", what);
        let name = self.required(&fields, "name", what);
        Some((fields, id?, name?))
    }

    /// `node` as a mapping whose keys are among `known`; every other key is
    /// reported (with a suggestion when one is close) and not read.
    pub fn fields<'n, 't>(
        &mut self,
        node: &'n Node<'t>,
        what: &str,
        known: &[&str],
    ) -> Option<Fields<'n, 't>> {
        let NodeValue::Map(entries) = &node.value else {
            self.error(
                node.span,
                format!("{what} must be a mapping, not {}", node.describe()),
            );
            return None;
        };
        for (key, _) in entries {
            match key_text(key) {
                Some(name) if known.contains(&name) => {}
                Some(name) => {
                    let mut message = format!("unknown field `{name}` in {what} is not read");
                    if let Some(hint) = moat_source::diag::did_you_mean(name, known.iter().copied())
                    {
                        message.push_str(&format!(" ({hint})"));
                    }
                    self.incomplete.push(Incomplete {
                        reason: format!("unknown field `{name}` in {what} is not read"),
                        location: Some(self.file.location(key.span)),
                    });
                    self.warning("unknown-field", key.span, message);
                }
                None => self.error(key.span, format!("{what} has a key that is not a string")),
            }
        }
        Some(Fields {
            span: node.span,
            entries,
        })
    }

    /// A string field (numbers and booleans are taken as written).
    pub fn string(&mut self, fields: &Fields<'_, '_>, key: &str, what: &str) -> Option<String> {
        let node = fields.get(key)?;
        match &node.value {
            NodeValue::Str(s) => Some(s.to_string()),
            NodeValue::Map(_) | NodeValue::Seq(_) => {
                self.error(
                    node.span,
                    format!(
                        "`{key}` of {what} must be a string, not {}",
                        node.describe()
                    ),
                );
                None
            }
            _ => node.scalar_text(self.file).map(|t| t.to_string()),
        }
    }

    /// A string field that must be there.
    pub fn required(&mut self, fields: &Fields<'_, '_>, key: &str, what: &str) -> Option<String> {
        let value = self.string(fields, key, what);
        if value.is_none() && fields.get(key).is_none() {
            self.error(fields.span, format!("{what} has no `{key}`"));
        }
        value
    }

    /// A list field's items (absent: none).
    pub fn list<'n, 't>(
        &mut self,
        fields: &Fields<'n, 't>,
        key: &str,
        what: &str,
    ) -> &'n [Node<'t>] {
        let Some(node) = fields.get(key) else {
            return &[];
        };
        match &node.value {
            NodeValue::Seq(items) => items,
            _ => {
                self.error(
                    node.span,
                    format!("`{key}` of {what} must be a list, not {}", node.describe()),
                );
                &[]
            }
        }
    }

    /// A list of strings (a single string counts as a list of one).
    pub fn strings(&mut self, fields: &Fields<'_, '_>, key: &str, what: &str) -> Vec<String> {
        let Some(node) = fields.get(key) else {
            return Vec::new();
        };
        if let NodeValue::Str(s) = &node.value {
            return vec![s.to_string()];
        }
        let items = self.list(fields, key, what);
        let mut out = Vec::new();
        for item in items {
            match &item.value {
                NodeValue::Str(s) => out.push(s.to_string()),
                NodeValue::Null => {}
                _ => self.error(
                    item.span,
                    format!(
                        "items of `{key}` of {what} must be strings, not {}",
                        item.describe()
                    ),
                ),
            }
        }
        out
    }

    /// A number field.
    pub fn number(&mut self, fields: &Fields<'_, '_>, key: &str, what: &str) -> Option<f64> {
        let node = fields.get(key)?;
        match node.value {
            NodeValue::Int(i) => Some(i as f64),
            NodeValue::UInt(u) => Some(u as f64),
            NodeValue::Float(f) => Some(f),
            _ => {
                self.error(
                    node.span,
                    format!(
                        "`{key}` of {what} must be a number, not {}",
                        node.describe()
                    ),
                );
                None
            }
        }
    }
}

/// A node as plain JSON (for free-form `attributes`).
pub fn to_json(node: &Node<'_>) -> serde_json::Value {
    use serde_json::Value;
    match &node.value {
        NodeValue::Null => Value::Null,
        NodeValue::Bool(b) => Value::Bool(*b),
        NodeValue::Int(i) => Value::from(*i),
        NodeValue::UInt(u) => Value::from(*u),
        NodeValue::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        NodeValue::Str(s) => Value::String(s.to_string()),
        NodeValue::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeValue::Map(entries) => Value::Object(
            entries
                .iter()
                .filter_map(|(k, v)| key_text(k).map(|k| (k.to_string(), to_json(v))))
                .collect(),
        ),
    }
}
