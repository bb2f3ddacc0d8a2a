//! The values a script's expressions evaluate to, and how they become
//! attribute values of the model.

use super::objects::{ObjId, ObjKind, Objects};
use crate::schema::{AttrType, EnumKind};
use serde_json::Value as Json;
use std::rc::Rc;

/// Strings and lists are shared, so passing a name around costs nothing
/// however large its value (see `Reader::charge` for what building one costs).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    /// A list, tuple or set literal.
    List(Rc<[Value]>),
    Obj(ObjId),
    /// An enumeration member (`TLSVersion.TLSv12`).
    Member(EnumKind, &'static str),
    /// A pytm class, before it is called.
    Class(ObjKind),
    /// A pytm enumeration (`Classification`).
    Enum(EnumKind),
    /// The `pytm` package itself (`import pytm`).
    Module,
    /// A pytm name moat does not read (`Assumption`, `Threat`...).
    Unsupported(&'static str),
}

impl Value {
    pub(super) fn str(text: impl Into<Rc<str>>) -> Self {
        Value::Str(text.into())
    }

    pub(super) fn list(items: impl Into<Rc<[Value]>>) -> Self {
        Value::List(items.into())
    }

    /// Roughly how many bytes storing this value takes, for the reader's budget.
    pub(super) fn size(&self) -> usize {
        match self {
            Value::Str(text) => text.len(),
            Value::List(items) => items
                .iter()
                .map(|item| item.size().saturating_add(8))
                .fold(0, usize::saturating_add),
            _ => 8,
        }
    }

    /// How a message names this kind of value ("a string", "a `Server`").
    pub(super) fn describe(&self, objects: &Objects) -> String {
        match self {
            Value::None => "`None`".to_string(),
            Value::Bool(_) => "a boolean".to_string(),
            Value::Int(_) => "an integer".to_string(),
            Value::Float(_) => "a float".to_string(),
            Value::Str(_) => "a string".to_string(),
            Value::List(items) => {
                // the first few items say enough, however long the list
                let mut kinds: Vec<String> = Vec::new();
                for item in items.iter().take(10) {
                    let kind = item.describe(objects);
                    if !kinds.contains(&kind) {
                        kinds.push(kind);
                    }
                }
                match kinds.split_last() {
                    None => "an empty list".to_string(),
                    Some((last, [])) => format!("a list holding {last}"),
                    Some((last, rest)) => format!("a list holding {} and {last}", rest.join(", ")),
                }
            }
            Value::Obj(id) => match objects.get(*id) {
                Some(obj) => format!("a `{}`", obj.kind.class_name()),
                None => "an object".to_string(),
            },
            Value::Member(kind, _) => format!("a `{}` member", kind.pytm_name()),
            Value::Class(kind) => format!("the class `{}`", kind.class_name()),
            Value::Enum(kind) => format!("the enumeration `{}`", kind.pytm_name()),
            Value::Module => "the `pytm` module".to_string(),
            Value::Unsupported(name) => format!("pytm's `{name}`"),
        }
    }
}

/// `value` as an attribute of type `ty`, or `None` when it does not have that type.
/// Enumerations are stored as member names ("TLSv12"); a single integer is
/// accepted for a list of integers, as pytm does for `levels`.
pub(super) fn to_attribute(value: &Value, ty: AttrType) -> Option<Json> {
    let json = match (ty, value) {
        (AttrType::Enum(kind), Value::Member(member_kind, member)) if *member_kind == kind => {
            Json::from(*member)
        }
        (AttrType::Enum(_), _) => return None,
        (AttrType::IntList, Value::Int(i)) => Json::Array(vec![Json::from(*i)]),
        (_, other) => plain_json(other)?,
    };
    ty.accepts(&json).then_some(json)
}

/// Literals as JSON; objects, classes and members have no plain form.
fn plain_json(value: &Value) -> Option<Json> {
    Some(match value {
        Value::None => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => Json::from(*f),
        Value::Str(s) => Json::from(&**s),
        Value::List(items) => Json::Array(items.iter().map(plain_json).collect::<Option<_>>()?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_members_only_fit_their_own_enumeration() {
        let tls = Value::Member(EnumKind::TlsVersion, "NONE");
        assert_eq!(
            to_attribute(&tls, AttrType::Enum(EnumKind::TlsVersion)),
            Some(Json::from("NONE"))
        );
        assert_eq!(to_attribute(&tls, AttrType::Enum(EnumKind::Lifetime)), None);
        assert_eq!(
            to_attribute(
                &Value::Str("NONE".into()),
                AttrType::Enum(EnumKind::Lifetime)
            ),
            None
        );
    }

    #[test]
    fn a_single_level_becomes_a_list() {
        assert_eq!(
            to_attribute(&Value::Int(2), AttrType::IntList),
            Some(serde_json::json!([2]))
        );
        assert_eq!(to_attribute(&Value::Str("2".into()), AttrType::Int), None);
    }
}
