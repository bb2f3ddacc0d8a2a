//! Fills in the fields JSON output leaves out when empty (`example`,
//! `mitigations`, `boundary`...), guided by the Assessment's JSON Schema. Templates
//! run with strict undefined behaviour, so a misspelt name is an error; with
//! every field present, a correctly spelt but empty one is not.

use serde_json::{Map, Value};

/// Inserts every property `schema` declares but `value` lacks, recursively.
/// Linear in the size of `value`.
pub(crate) fn complete(value: &mut Value, schema: &Value) {
    let defs = schema.get("$defs").and_then(Value::as_object);
    let empty = Map::new();
    complete_with(value, schema, defs.unwrap_or(&empty));
}

/// Like [`complete`], for a value of the type `schema` defines as `definition`
/// (a name under `$defs`, such as `TargetRef`).
pub(crate) fn complete_as(value: &mut Value, schema: &Value, definition: &str) {
    let empty = Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    if let Some(type_schema) = defs.get(definition) {
        complete_with(value, type_schema, defs);
    }
}

fn complete_with(value: &mut Value, schema: &Value, defs: &Map<String, Value>) {
    let schema = resolve(schema, defs);
    match value {
        Value::Object(object) => {
            if let Some(properties) = object_schema(schema, defs)
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
            {
                for (key, property) in properties {
                    let slot = object
                        .entry(key.clone())
                        .or_insert_with(|| default_for(property, defs));
                    complete_with(slot, property, defs);
                }
            } else if let Some(values) =
                schema.get("additionalProperties").filter(|s| s.is_object())
            {
                for slot in object.values_mut() {
                    complete_with(slot, values, defs);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items").filter(|s| s.is_object()) {
                for item in items {
                    complete_with(item, item_schema, defs);
                }
            }
        }
        _ => {}
    }
}

/// The schema itself if it describes an object's properties, else the first
/// `anyOf`/`oneOf` branch that does (how `Option<Struct>` is written).
fn object_schema<'s>(schema: &'s Value, defs: &'s Map<String, Value>) -> Option<&'s Value> {
    if schema.get("properties").is_some() {
        return Some(schema);
    }
    ["anyOf", "oneOf"]
        .iter()
        .filter_map(|k| schema.get(k).and_then(Value::as_array))
        .flatten()
        .map(|branch| resolve(branch, defs))
        .find(|branch| branch.get("properties").is_some())
}

/// Follows `$ref`s into `$defs` (a bounded number of hops, in case of a loop).
fn resolve<'s>(mut schema: &'s Value, defs: &'s Map<String, Value>) -> &'s Value {
    for _ in 0..16 {
        let Some(target) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .and_then(|name| defs.get(name))
        else {
            break;
        };
        schema = target;
    }
    schema
}

/// What an absent property means: `null` if it may be null, else the empty
/// value of its type (serde's default for the skipped `String`, `Vec`, map).
fn default_for(property: &Value, defs: &Map<String, Value>) -> Value {
    let property = resolve(property, defs);
    let types: Vec<&str> = match property.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"null") || property.get("enum").is_some() {
        return Value::Null;
    }
    match types.first().copied() {
        Some("string") => Value::String(String::new()),
        Some("array") => Value::Array(Vec::new()),
        Some("object") => Value::Object(Map::new()),
        Some("boolean") => Value::Bool(false),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_absent_fields_by_type_through_refs() {
        let schema = json!({
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
                "note": {"type": ["string", "null"]},
            },
            "$defs": {
                "Item": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "attrs": {"type": "object", "additionalProperties": true},
                        "kind": {"type": "string", "enum": ["a", "b"]},
                        "where": {"anyOf": [{"$ref": "#/$defs/Loc"}, {"type": "null"}]},
                    }
                },
                "Loc": {"type": "object", "properties": {"line": {"type": "integer"}, "file": {"type": "string"}}}
            }
        });
        let mut value = json!({"items": [{"name": "x", "where": {"line": 3}}, {"tags": ["t"]}]});
        complete(&mut value, &schema);
        assert_eq!(
            value,
            json!({
                "note": null,
                "items": [
                    {"name": "x", "tags": [], "attrs": {}, "kind": null, "where": {"line": 3, "file": ""}},
                    {"name": "", "tags": ["t"], "attrs": {}, "kind": null, "where": null},
                ]
            })
        );
    }
}
