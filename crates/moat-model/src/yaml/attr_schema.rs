//! JSON Schemas for `attributes:` and `controls:`, built from pytm's attribute
//! table in [`crate::schema`] so editors complete and type-check the names.
//! Element attributes depend on the kind; the schema lists every kind's
//! attributes and the loader checks the kind.

use crate::model::ElementKind;
use crate::schema::{self, AttrSpec, AttrType, Target};
use schemars::{Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value};

pub(crate) fn element_attributes(_: &mut SchemaGenerator) -> Schema {
    let mut specs: Vec<(&'static AttrSpec, Vec<&'static str>)> = Vec::new();
    for kind in ElementKind::ALL {
        for spec in schema::attributes(Target::Element(kind)) {
            match specs.iter_mut().find(|(s, _)| s.name == spec.name) {
                Some((_, kinds)) => kinds.push(kind.as_str()),
                None => specs.push((spec, vec![kind.as_str()])),
            }
        }
    }
    let every_kind = ElementKind::ALL.len();
    object(specs.into_iter().map(|(spec, kinds)| {
        let note = (kinds.len() < every_kind).then(|| format!("Only for {}.", kinds.join(", ")));
        (spec, note)
    }))
}

pub(crate) fn flow_attributes(_: &mut SchemaGenerator) -> Schema {
    object(target(Target::Dataflow))
}

pub(crate) fn boundary_attributes(_: &mut SchemaGenerator) -> Schema {
    object(target(Target::Boundary))
}

pub(crate) fn data_attributes(_: &mut SchemaGenerator) -> Schema {
    object(target(Target::Data))
}

pub(crate) fn controls(_: &mut SchemaGenerator) -> Schema {
    object(schema::CONTROLS.iter().map(|spec| (spec, None)))
}

pub(crate) fn tls_version(_: &mut SchemaGenerator) -> Schema {
    value_schema(AttrType::Enum(schema::EnumKind::TlsVersion)).into()
}

pub(crate) fn decision_status(_: &mut SchemaGenerator) -> Schema {
    let names: Vec<serde_json::Value> = crate::decision::DecisionStatus::ALL
        .iter()
        .map(|s| serde_json::Value::from(s.as_str()))
        .collect();
    schemars::json_schema!({ "type": "string", "enum": names })
}

fn target(target: Target) -> impl Iterator<Item = (&'static AttrSpec, Option<String>)> {
    schema::attributes(target).iter().map(|&spec| (spec, None))
}

fn object(specs: impl Iterator<Item = (&'static AttrSpec, Option<String>)>) -> Schema {
    let mut properties = Map::new();
    for (spec, note) in specs {
        let mut property = value_schema(spec.ty);
        let default = spec.default.to_value();
        if !default.is_null() {
            property.insert("default".to_string(), default);
        }
        if let Some(note) = note {
            property.insert("description".to_string(), Value::from(note));
        }
        properties.insert(spec.name.to_string(), Value::Object(property));
    }
    json_schema!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    })
}

fn value_schema(ty: AttrType) -> Map<String, Value> {
    let schema = match ty {
        AttrType::Bool => serde_json::json!({"type": "boolean"}),
        AttrType::Int => serde_json::json!({"type": "integer"}),
        AttrType::Str => serde_json::json!({"type": "string"}),
        AttrType::FlowRef => serde_json::json!({"type": "string", "description": "A flow id."}),
        AttrType::StrList => serde_json::json!({"type": "array", "items": {"type": "string"}}),
        AttrType::IntList => serde_json::json!({"type": "array", "items": {"type": "integer"}}),
        AttrType::Enum(kind) => serde_json::json!({"type": "string", "enum": kind.members()}),
    };
    match schema {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
