//! Threat results joined with their definition and target for templates.
//! A joined result is a small view holding three shared values, not a copy:
//! an assessment with 200,000 results and 40 definitions keeps each
//! definition's text once however many results point at it.

use crate::schema_defaults::complete_as;
use minijinja::Value;
use minijinja::value::{Enumerator, Object};
use moat_engine::ThreatResult;
use std::collections::BTreeSet;
use std::sync::Arc;

/// One result as templates see it: the result's own fields, then the
/// definition's (`name`, `description`, `mitigations`...), then `target` and
/// `definition` themselves. The definition's `location` (in the catalog) is
/// only reachable as `definition.location`, so `location` cannot be mistaken
/// for where the target is.
#[derive(Debug)]
pub(crate) struct JoinedResult {
    result: Value,
    definition: Value,
    target: Value,
}

/// The kind of a target the assessment does not describe.
pub(crate) const UNKNOWN_KIND: &str = "unknown";

/// Definition fields a joined result does not lift to its own level.
const NOT_LIFTED: &[&str] = &["location"];

impl JoinedResult {
    /// `result`, `definition` and `target` are the completed JSON values.
    pub(crate) fn value(result: Value, definition: Value, target: Value) -> Value {
        Value::from_object(JoinedResult {
            result,
            definition,
            target,
        })
    }

    fn lookup(&self, key: &str) -> Option<Value> {
        match key {
            "target" => Some(self.target.clone()),
            "definition" => Some(self.definition.clone()),
            // only set with an account snapshot; `none` otherwise
            "reachability" => {
                Some(defined(self.result.get_attr(key)).unwrap_or_else(|| Value::from(())))
            }
            _ => defined(self.result.get_attr(key)).or_else(|| {
                if NOT_LIFTED.contains(&key) {
                    None
                } else {
                    defined(self.definition.get_attr(key))
                }
            }),
        }
    }
}

fn defined(value: Result<Value, minijinja::Error>) -> Option<Value> {
    value.ok().filter(|v| !v.is_undefined())
}

fn keys(map: &Value) -> Vec<String> {
    map.try_iter()
        .map(|keys| {
            keys.filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

impl Object for JoinedResult {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.lookup(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.lookup(key)
    }

    /// Only `tojson`, `items` and loops over a result's keys get here.
    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let mut seen = BTreeSet::new();
        let mut names = Vec::new();
        let lifted = keys(&self.definition)
            .into_iter()
            .filter(|k| !NOT_LIFTED.contains(&k.as_str()));
        let own = ["target", "definition"].map(str::to_string);
        for key in keys(&self.result).into_iter().chain(lifted).chain(own) {
            if seen.insert(key.clone()) {
                names.push(Value::from(key));
            }
        }
        Enumerator::Values(names)
    }
}

/// What a result whose threat is missing from `definitions` joins with, so a
/// hand-edited assessment still renders: named by its id, saying what is
/// missing, otherwise empty.
pub(crate) fn stand_in_definition(r: &ThreatResult, schema: &serde_json::Value) -> Value {
    let mut value = serde_json::json!({
        "id": r.threat_id,
        "name": r.threat_id,
        "stride": r.stride,
        "severity": r.severity,
        "description": "The assessment has no definition of this threat.",
    });
    complete_as(&mut value, schema, "ThreatDefinition");
    Value::from_serialize(&value)
}

/// What a result whose target is missing from `targets` joins with.
pub(crate) fn stand_in_target(r: &ThreatResult, schema: &serde_json::Value) -> Value {
    let mut value = serde_json::json!({
        "id": r.target_id,
        "name": r.target_id,
        "type": null,
        "kind": UNKNOWN_KIND,
    });
    complete_as(&mut value, schema, "TargetRef");
    Value::from_serialize(&value)
}
