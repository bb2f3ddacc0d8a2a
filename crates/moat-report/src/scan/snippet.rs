//! Fix snippets in the format of the file they fix: the checks write
//! CloudFormation YAML; for a JSON template the snippet is shown as JSON
//! with the short-form tags in their long form.

use moat_source::SourceFile;
use moat_source::node::{Node, NodeValue};

/// The language tag and text of `yaml` for a finding in `file`.
pub fn for_file(yaml: &str, file: &str) -> (&'static str, String) {
    if !file.ends_with(".json") {
        return ("yaml", yaml.to_string());
    }
    let source = SourceFile::new("fix", yaml);
    match moat_source::node::parse_tagged(&source, &moat_iac::cloudformation::tags::long_form) {
        Ok(node) => (
            "json",
            to_json(&node)
                .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
                .unwrap_or_else(|| yaml.to_string()),
        ),
        Err(_) => ("yaml", yaml.to_string()),
    }
}

fn to_json(node: &Node<'_>) -> Option<serde_json::Value> {
    Some(match &node.value {
        NodeValue::Null => serde_json::Value::Null,
        NodeValue::Bool(b) => serde_json::Value::Bool(*b),
        NodeValue::Int(i) => serde_json::Value::from(*i),
        NodeValue::UInt(u) => serde_json::Value::from(*u),
        NodeValue::Float(f) => serde_json::Value::from(*f),
        NodeValue::Str(s) => serde_json::Value::String(s.to_string()),
        NodeValue::Seq(items) => {
            serde_json::Value::Array(items.iter().filter_map(to_json).collect())
        }
        NodeValue::Map(entries) => {
            let mut map = serde_json::Map::new();
            for (k, v) in entries {
                let NodeValue::Str(key) = &k.value else {
                    return None;
                };
                map.insert(key.to_string(), to_json(v)?);
            }
            serde_json::Value::Object(map)
        }
    })
}
