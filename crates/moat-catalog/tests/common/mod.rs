//! Test support: values in the view schema's shape, and condition evaluation,
//! so catalog conditions can be exercised without the engine.
#![allow(dead_code)]

use moat_catalog::view_schema::{self, FieldType};
use moat_catalog::{Catalog, TargetKind};
use moat_model::schema::{self, EnumKind, Target};
use moat_model::{Attributes, ElementKind};
use serde_json::{Value, json};

fn zero(ty: &FieldType) -> Value {
    match ty {
        FieldType::Bool => Value::Bool(false),
        FieldType::Int => json!(0),
        FieldType::String => json!(""),
        FieldType::List(_) => json!([]),
        FieldType::OpenMap => json!({}),
        FieldType::OptionalString => Value::Null,
        FieldType::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|f| (f.name.clone(), zero(&f.ty)))
                .collect(),
        ),
    }
}

/// Replaces enumeration member names by the values conditions see.
fn condition_values(target: Target, attrs: &mut serde_json::Map<String, Value>) {
    for spec in schema::attributes(target) {
        if let schema::AttrType::Enum(kind) = spec.ty
            && let Some(member) = attrs.get(spec.name).and_then(Value::as_str)
            && let Some(value) = kind.condition_value(member)
        {
            attrs.insert(spec.name.to_string(), value);
        }
    }
}

/// Schema defaults for `target` overlaid with `attrs` (pytm attribute names,
/// enum members by name, `controls` as a nested object).
fn attributes(target: Target, attrs: &Value) -> serde_json::Map<String, Value> {
    let given: Attributes = attrs
        .as_object()
        .map(|m| m.clone().into_iter().collect())
        .unwrap_or_default();
    let mut merged: serde_json::Map<String, Value> =
        schema::with_defaults(target, &given).into_iter().collect();
    condition_values(target, &mut merged);
    merged
}

pub struct Element {
    pub id: &'static str,
    pub kind: ElementKind,
    pub boundary: &'static str,
    pub attrs: Value,
}

pub struct Flow {
    pub id: &'static str,
    pub source: &'static str,
    pub sink: &'static str,
    pub attrs: Value,
    pub data: Vec<Value>,
}

pub struct Model {
    pub elements: Vec<Element>,
    pub flows: Vec<Flow>,
}

/// One data asset as conditions see it; `attrs` may set `classification` by member name.
pub fn data(id: &str, attrs: Value) -> Value {
    let mut fields: serde_json::Map<String, Value> = view_schema::data_fields()
        .iter()
        .map(|f| (f.name.clone(), zero(&f.ty)))
        .collect();
    fields.extend(attributes(Target::Data, &attrs));
    let classification = attrs
        .get("classification")
        .and_then(Value::as_str)
        .and_then(|m| EnumKind::Classification.condition_value(m))
        .unwrap_or(json!(0));
    fields.insert("classification".into(), classification);
    fields.insert("id".into(), json!(id));
    fields.insert("name".into(), json!(id));
    Value::Object(fields)
}

impl Model {
    fn element(&self, id: &str) -> &Element {
        self.elements.iter().find(|e| e.id == id).expect("element")
    }

    fn element_view(&self, element: &Element) -> serde_json::Map<String, Value> {
        let mut view = match zero(&FieldType::Object(view_schema::element_fields(
            element.kind,
        ))) {
            Value::Object(m) => m,
            _ => unreachable!(),
        };
        view.extend(attributes(Target::Element(element.kind), &element.attrs));
        view.insert("id".into(), json!(element.id));
        view.insert("name".into(), json!(element.id));
        view.insert("kind".into(), json!(element.kind.as_str()));
        view.insert("classes".into(), json!(element.kind.pytm_classes()));
        view.insert("boundary".into(), json!(element.boundary));
        view.insert("boundaries".into(), json!([element.boundary]));
        view
    }

    fn flow_summary(&self, flow: &Flow) -> Value {
        let attrs = attributes(Target::Dataflow, &flow.attrs);
        json!({
            "id": flow.id,
            "name": flow.id,
            "protocol": attrs["protocol"],
            "dstPort": attrs["dstPort"],
            "tlsVersion": attrs["tlsVersion"],
            "isEncrypted": attrs["controls"]["isEncrypted"],
            "authenticatesSource": attrs["controls"]["authenticatesSource"],
        })
    }

    /// Every element and flow with its view, as (id, kind, target value).
    pub fn targets(&self) -> Vec<(String, TargetKind, Value)> {
        let mut out = Vec::new();
        for element in &self.elements {
            let mut view = self.element_view(element);
            let inputs: Vec<Value> = self
                .flows
                .iter()
                .filter(|f| f.sink == element.id)
                .map(|f| self.flow_summary(f))
                .collect();
            let outputs: Vec<Value> = self
                .flows
                .iter()
                .filter(|f| f.source == element.id)
                .map(|f| self.flow_summary(f))
                .collect();
            view.insert("inputs".into(), Value::Array(inputs));
            view.insert("outputs".into(), Value::Array(outputs));
            out.push((
                element.id.to_string(),
                TargetKind::Element(element.kind),
                Value::Object(view),
            ));
        }
        for flow in &self.flows {
            let mut view = match zero(&FieldType::Object(view_schema::target_fields(
                TargetKind::DATAFLOW,
            ))) {
                Value::Object(m) => m,
                _ => unreachable!(),
            };
            view.extend(attributes(Target::Dataflow, &flow.attrs));
            let source = self.element(flow.source);
            let sink = self.element(flow.sink);
            view.insert("id".into(), json!(flow.id));
            view.insert("name".into(), json!(flow.id));
            view.insert("kind".into(), json!("dataflow"));
            view.insert("classes".into(), json!(["Element", "Dataflow"]));
            view.insert("data".into(), Value::Array(flow.data.clone()));
            view.insert("source".into(), Value::Object(self.element_view(source)));
            view.insert("sink".into(), Value::Object(self.element_view(sink)));
            view.insert(
                "crossesBoundary".into(),
                json!(source.boundary != sink.boundary),
            );
            view.insert("isSelfFlow".into(), json!(flow.source == flow.sink));
            out.push((
                flow.id.to_string(),
                TargetKind::DATAFLOW,
                Value::Object(view),
            ));
        }
        out
    }
}

/// Whether the catalog threat `id`'s condition holds on `target`.
pub fn holds(catalog: &Catalog, id: &str, target: &Value) -> bool {
    let threat = catalog.threat(id).expect("threat");
    let Some(condition) = &threat.condition else {
        return true;
    };
    let mut context = cel::Context::default();
    context.add_variable_from_value("target", cel::to_value(target).expect("target value"));
    if let (Some(source), Some(sink)) = (target.get("source"), target.get("sink")) {
        context.add_variable_from_value("source", cel::to_value(source).expect("source"));
        context.add_variable_from_value("sink", cel::to_value(sink).expect("sink"));
    }
    for kind in EnumKind::ALL {
        let members: serde_json::Map<String, Value> = kind
            .members()
            .iter()
            .filter_map(|m| kind.condition_value(m).map(|v| (m.to_string(), v)))
            .collect();
        context.add_variable_from_value(
            kind.pytm_name(),
            cel::to_value(Value::Object(members)).expect("enum"),
        );
    }
    match condition.program.execute(&context) {
        Ok(cel::Value::Bool(b)) => b,
        other => panic!("{id} on {target}: {other:?}"),
    }
}

/// The ids of the threats that apply to each target of `model`.
pub fn applicable(catalog: &Catalog, model: &Model) -> Vec<(String, Vec<String>)> {
    model
        .targets()
        .into_iter()
        .map(|(id, kind, view)| {
            let threats = catalog
                .threats
                .iter()
                .filter(|t| t.threat.applies_to.contains(&kind))
                .filter(|t| holds(catalog, &t.threat.id, &view))
                .map(|t| t.threat.id.clone())
                .collect();
            (id, threats)
        })
        .collect()
}

/// Diagnostics as a terminal shows them: the message, then the source line
/// with a caret under the column.
pub fn render(diagnostics: &[moat_model::Diagnostic], text: &str) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.to_string());
        out.push('\n');
        if let Some(location) = &d.location
            && let Some(line) = text.lines().nth(location.line.saturating_sub(1) as usize)
        {
            out.push_str(&format!("  | {line}\n"));
            let pad: String = line
                .chars()
                .take(location.col.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("  | {pad}^\n"));
        }
    }
    out
}
