//! Reading `base.name`: pytm names and enumeration members, attributes of
//! the objects a script made, the script's modules, the methods of strings
//! and containers, and the little of `os` a model script uses.

use super::reader::{Reader, WITHOUT_RUNNING, code, span_of};
use super::scope::{PYTM_EXPORTS, pytm_export};
use super::values::Value;
use crate::diag::did_you_mean;
use crate::schema::{self, AttrType, Default as AttrDefault};
use crate::span::Span;
use rustpython_parser::ast::ExprAttribute;
use serde_json::Value as Json;
use std::rc::Rc;

const STR_METHODS: &[&str] = &[
    "format",
    "join",
    "lower",
    "upper",
    "strip",
    "lstrip",
    "rstrip",
    "replace",
    "split",
    "startswith",
    "endswith",
    "title",
    "capitalize",
];
const LIST_METHODS: &[&str] = &["append", "extend", "insert", "copy", "index", "count"];
const TUPLE_METHODS: &[&str] = &["index", "count"];
const DICT_METHODS: &[&str] = &[
    "items",
    "keys",
    "values",
    "get",
    "update",
    "copy",
    "setdefault",
];
const SET_METHODS: &[&str] = &["add", "update", "copy"];

impl Reader<'_> {
    /// `base.name` where `base` has been evaluated already.
    pub(super) fn attribute_of(&mut self, base: Value, attribute: &ExprAttribute) -> Option<Value> {
        let name = attribute.attr.as_str();
        let span = span_of(attribute);
        let methods: &[&'static str] = match &base {
            Value::Str(_) => STR_METHODS,
            Value::List(_) => LIST_METHODS,
            Value::Tuple(_) => TUPLE_METHODS,
            Value::Dict(_) => DICT_METHODS,
            Value::Set(_) => SET_METHODS,
            _ => &[],
        };
        if let Some(method) = methods.iter().find(|m| **m == name) {
            return Some(Value::Method(Rc::new((base, method))));
        }
        match base {
            Value::Module => {
                let value = pytm_export(name);
                if value.is_none() {
                    let help = did_you_mean(name, PYTM_EXPORTS.iter().copied());
                    self.warn_with_help(
                        code::UNKNOWN_NAME,
                        span,
                        format!("pytm has no `{name}`"),
                        help,
                    );
                }
                value
            }
            Value::Enum(kind) => {
                let member = kind.members().iter().find(|m| **m == name);
                if member.is_none() {
                    let help = did_you_mean(name, kind.members().iter().copied());
                    let enumeration = kind.pytm_name();
                    self.warn_with_help(
                        code::UNKNOWN_MEMBER,
                        span,
                        format!("`{enumeration}` has no member `{name}`"),
                        help,
                    );
                }
                member.map(|m| Value::Member(kind, m))
            }
            Value::Member(_, member) if name == "name" => Some(Value::str(member)),
            Value::Obj(id) => self.read_attribute(id, name, span),
            Value::UserModule(id) => self.module_attribute(id, name, span),
            Value::Stdlib(module) => self.standard_attribute(module, name, span),
            Value::Unsupported(pytm_name) => {
                self.warn(
                    code::UNSUPPORTED,
                    span,
                    format!(
                        "skipped `{pytm_name}.{name}`: moat does not read pytm's `{pytm_name}`"
                    ),
                );
                None
            }
            other => {
                let what = other.describe(&self.objects);
                self.warn(
                    code::SKIPPED,
                    span,
                    format!("skipped reading `{name}` of {what}: {WITHOUT_RUNNING}"),
                );
                None
            }
        }
    }

    /// `os.environ`, `os.getenv`, `os.path.join`...
    fn standard_attribute(&mut self, module: &str, name: &str, span: Span) -> Option<Value> {
        let value = match (module, name) {
            ("os", "environ") => Some(Value::Stdlib("os.environ")),
            ("os", "getenv") => Some(Value::Builtin("os.getenv")),
            ("os", "path") => Some(Value::Stdlib("os.path")),
            ("os.environ", "get") => {
                Some(Value::Method(Rc::new((Value::Stdlib("os.environ"), "get"))))
            }
            ("os.path", "join") => Some(Value::Builtin("os.path.join")),
            ("os.path", "dirname") => Some(Value::Builtin("os.path.dirname")),
            ("os.path", "basename") => Some(Value::Builtin("os.path.basename")),
            _ => None,
        };
        if value.is_none() {
            self.warn(
                code::FOREIGN_NAME,
                span,
                format!("skipped `{module}.{name}`: moat reads only pytm, the script's own modules and a little of `os`"),
            );
        }
        value
    }

    /// Reading an object's attribute back (`web.name`, `flow.source`,
    /// `web.protocol`): what the script set, or pytm's default.
    pub(super) fn read_attribute(&mut self, id: usize, name: &str, span: Span) -> Option<Value> {
        if matches!(name, "name" | "description") {
            let text = |obj: &super::objects::Obj| match name {
                "name" => obj.name.clone(),
                _ => obj.description.clone(),
            };
            let len = self.obj(id).map_or(0, |o| text(o).len());
            // copying a long name many times is building, too
            if !self.charge(len, span) {
                return None;
            }
            return self.obj(id).map(|o| Value::str(text(o)));
        }
        let obj = self.obj(id)?;
        let value = match name {
            "inBoundary" => Some(obj.in_boundary.map_or(Value::None, |(b, _)| Value::Obj(b))),
            "source" => obj.endpoints.map(|(source, _)| Value::Obj(source)),
            "sink" => obj.endpoints.map(|(_, sink)| Value::Obj(sink)),
            "response" | "responseTo" => Some(
                obj.flow_refs
                    .get(name)
                    .map_or(Value::None, |flow| Value::Obj(*flow)),
            ),
            _ => schema::attribute(obj.kind.target(), name).and_then(|spec| {
                let stored = obj.attributes.get(spec.name);
                match stored {
                    Some(json) => from_json(json, spec.ty),
                    None => default_value(spec.default, spec.ty),
                }
            }),
        };
        if value.is_none() {
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped reading `{name}` back: moat reads back `name`, `description`, `inBoundary`, `source`, `sink` and plain attributes of objects"),
            );
        }
        value
    }
}

/// An attribute's stored value as the script sees it.
fn from_json(json: &Json, ty: AttrType) -> Option<Value> {
    Some(match (ty, json) {
        (AttrType::Enum(kind), Json::String(member)) => {
            let member = kind.members().iter().find(|m| **m == member)?;
            Value::Member(kind, member)
        }
        (_, Json::Bool(b)) => Value::Bool(*b),
        (_, Json::Number(n)) => Value::Int(n.as_i64()?),
        (_, Json::String(s)) => Value::str(s.as_str()),
        (_, Json::Array(items)) => Value::tuple(
            items
                .iter()
                .map(|item| from_json(item, AttrType::Str))
                .collect::<Option<Vec<_>>>()?,
        ),
        _ => return None,
    })
}

/// pytm's default for an attribute the script did not set.
fn default_value(default: AttrDefault, ty: AttrType) -> Option<Value> {
    from_json(&default.to_value(), ty).or(match default.to_value() {
        Json::Null => Some(Value::None),
        _ => None,
    })
}
