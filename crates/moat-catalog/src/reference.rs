//! Reference tables for docs/catalog.md, generated from the definitions they
//! describe; a test fails when the document is stale.

use crate::pytm_library::{DEFAULT_STRIDE, STRIDE_BY_PREFIX};
use crate::types::{OtherTarget, Severity, TargetKind};
use crate::view_schema::{self, Field, FieldType};
use moat_model::ElementKind;
use moat_model::schema::EnumKind;
use std::fmt::Write;

fn all_kinds() -> Vec<TargetKind> {
    let mut kinds: Vec<TargetKind> = ElementKind::ALL
        .into_iter()
        .map(TargetKind::Element)
        .collect();
    kinds.push(TargetKind::Other(OtherTarget::Dataflow));
    kinds.push(TargetKind::Other(OtherTarget::Boundary));
    kinds
}

fn type_name(ty: &FieldType, field: &str) -> String {
    match ty {
        FieldType::Bool => "bool".to_string(),
        FieldType::Int => "int".to_string(),
        FieldType::String => "string".to_string(),
        FieldType::OptionalString => "string or null".to_string(),
        FieldType::OpenMap => "map (any key)".to_string(),
        FieldType::Object(_) => "object".to_string(),
        FieldType::List(item) => match item.as_ref() {
            FieldType::Object(_) if field == "data" => "list of data".to_string(),
            FieldType::Object(_) => "list of flows".to_string(),
            other => format!("list of {}", type_name(other, field)),
        },
    }
}

fn field_list(fields: &[&Field]) -> String {
    fields
        .iter()
        .map(|f| format!("`{}` ({})", f.name, type_name(&f.ty, &f.name)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The variables and fields conditions can read, per target kind.
pub fn condition_variables_markdown() -> String {
    let kinds = all_kinds();
    let fields_of: Vec<(TargetKind, Vec<Field>)> = kinds
        .iter()
        .map(|&k| (k, view_schema::target_fields(k)))
        .collect();
    let common: Vec<&Field> = fields_of
        .first()
        .map(|(_, fields)| {
            fields
                .iter()
                .filter(|f| {
                    fields_of
                        .iter()
                        .all(|(_, other)| other.iter().any(|o| o.name == f.name))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(out, "Every target has: {}.\n", field_list(&common));
    let _ = writeln!(out, "| `applies_to` kind | further fields of `target` |");
    let _ = writeln!(out, "|---|---|");
    for (kind, fields) in &fields_of {
        let own: Vec<&Field> = fields
            .iter()
            .filter(|f| !common.iter().any(|c| c.name == f.name))
            .collect();
        let _ = writeln!(out, "| `{}` | {} |", kind.as_str(), field_list(&own));
    }
    let controls: Vec<&Field> = fields_of
        .first()
        .and_then(|(_, fields)| fields.iter().find(|f| f.name == "controls"))
        .map(|f| match &f.ty {
            FieldType::Object(inner) => inner.iter().collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\n`controls` (every target): {}.\n",
        field_list(&controls)
    );
    let data = view_schema::data_fields();
    let data: Vec<&Field> = data.iter().collect();
    let _ = writeln!(out, "Items of `data`: {}.\n", field_list(&data));
    let flows = view_schema::flow_summary_fields();
    let flows: Vec<&Field> = flows.iter().collect();
    let _ = writeln!(
        out,
        "Items of `inputs` and `outputs`: {}.\n",
        field_list(&flows)
    );
    let _ = writeln!(
        out,
        "On dataflows, `target.source` and `target.sink` (also the variables `source` and `sink`) have the fields of every element kind, without `inputs` and `outputs`.\n"
    );
    let _ = writeln!(out, "| constant | members (value) |");
    let _ = writeln!(out, "|---|---|");
    for kind in EnumKind::ALL {
        let members = kind
            .members()
            .iter()
            .map(|m| {
                let value = kind
                    .condition_value(m)
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                format!("`{m}` ({value})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(out, "| `{}` | {members} |", kind.pytm_name());
    }
    out
}

/// Likelihood x impact -> severity, as [`Severity::from_risk`] computes it.
pub fn severity_table_markdown() -> String {
    let mut out =
        String::from("| likelihood \\ impact | 1 | 2 | 3 | 4 | 5 |\n|---|---|---|---|---|---|\n");
    for likelihood in 1..=5u8 {
        let row = (1..=5u8)
            .map(|impact| Severity::from_risk(likelihood, impact).as_str())
            .collect::<Vec<_>>()
            .join(" | ");
        let _ = writeln!(out, "| {likelihood} | {row} |");
    }
    out
}

/// The STRIDE category of imported pytm threats by SID prefix.
pub fn stride_prefixes_markdown() -> String {
    let mut out = String::from("| SID prefix | STRIDE category |\n|---|---|\n");
    for (prefix, stride) in STRIDE_BY_PREFIX {
        let _ = writeln!(out, "| `{prefix}` | `{}` |", stride.as_str());
    }
    let _ = writeln!(
        out,
        "| any other | `{}` (with a warning) |",
        DEFAULT_STRIDE.as_str()
    );
    out
}
