#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The views the engine builds have exactly the fields `view_schema` promises
//! the condition checker, with the promised types.

use cel::Value;
use cel::objects::Key;
use moat_catalog::view_schema::{self, Field, FieldType};
use moat_catalog::{OtherTarget, TargetKind};
use moat_engine::need::Need;
use moat_engine::view::{self, ModelIndex};
use moat_model::*;
use serde_json::json;

fn model() -> Model {
    let element = |id: &str, kind: ElementKind| Element {
        id: id.into(),
        name: id.into(),
        kind,
        description: String::new(),
        boundary: Some("cloud".into()),
        data: vec!["objects".into()],
        attributes: Attributes::new(),
        tags: vec![],
        properties: Properties::new(),
        span: None,
        implements: Vec::new(),
    };
    let mut elements: Vec<Element> = ElementKind::ALL
        .iter()
        .map(|k| element(k.as_str(), *k))
        .collect();
    elements[0]
        .attributes
        .insert("controls".into(), json!({"isHardened": true}));
    Model {
        name: "m".into(),
        boundaries: vec![Boundary {
            id: "cloud".into(),
            name: "Cloud".into(),
            description: String::new(),
            parent: None,
            attributes: Attributes::new(),
            tags: vec![],
            properties: Properties::new(),
            span: None,
        }],
        flows: vec![Dataflow {
            id: "f".into(),
            name: "f".into(),
            source: "actor".into(),
            sink: "server".into(),
            description: String::new(),
            data: vec!["objects".into()],
            attributes: [("tlsVersion".to_string(), json!("TLSv12"))]
                .into_iter()
                .collect(),
            tags: vec![],
            properties: Properties::new(),
            span: None,
            implements: Vec::new(),
        }],
        data: vec![DataAsset {
            id: "objects".into(),
            name: "Objects".into(),
            description: String::new(),
            classification: Classification::Secret,
            attributes: Attributes::new(),
            tags: vec![],
            properties: Properties::new(),
            span: None,
        }],
        elements,
        ..Model::default()
    }
}

fn conforms(path: &str, value: &Value, ty: &FieldType) {
    match (ty, value) {
        (FieldType::Bool, Value::Bool(_))
        | (FieldType::Int, Value::Int(_))
        | (FieldType::String, Value::String(_)) => {}
        (FieldType::OptionalString, Value::String(_) | Value::Null) => {}
        (FieldType::OpenMap, Value::Map(_)) => {}
        (FieldType::List(item), Value::List(items)) => {
            items.iter().for_each(|v| conforms(path, v, item))
        }
        (FieldType::Object(fields), Value::Map(map)) => conforms_object(path, map, fields),
        _ => panic!("`{path}` is {value:?}, expected {ty:?}"),
    }
}

fn conforms_object(path: &str, map: &cel::objects::Map, fields: &[Field]) {
    let keys: std::collections::BTreeSet<String> = map
        .map
        .keys()
        .map(|k| match k {
            Key::String(s) => s.to_string(),
            other => panic!("non-string key {other:?} in `{path}`"),
        })
        .collect();
    let expected: std::collections::BTreeSet<String> =
        fields.iter().map(|f| f.name.clone()).collect();
    assert_eq!(keys, expected, "fields of `{path}`");
    for field in fields {
        let value = map
            .map
            .get(&Key::String(std::sync::Arc::new(field.name.clone())))
            .unwrap();
        conforms(&format!("{path}.{}", field.name), value, &field.ty);
    }
}

fn value(view: moat_engine::view::View<'_>) -> Value {
    Value::try_from(view.as_ref()).unwrap()
}

fn check(view: moat_engine::view::View<'_>, fields: Vec<Field>, path: &str) {
    let Value::Map(map) = value(view) else {
        panic!("`{path}` is not a map")
    };
    conforms_object(path, &map, &fields);
}

#[test]
fn element_views_match_the_schema_for_every_kind() {
    let model = model();
    let index = ModelIndex::new(&model);
    for element in &model.elements {
        let view = view::element_view(&index, element, &Need::All);
        check(
            view,
            view_schema::target_fields(TargetKind::Element(element.kind)),
            element.kind.as_str(),
        );
        let endpoint = view::endpoint_view(&index, element, &Need::All);
        check(endpoint, view_schema::any_element_fields(), "endpoint");
    }
}

#[test]
fn flow_and_boundary_views_match_the_schema() {
    let model = model();
    let index = ModelIndex::new(&model);
    check(
        view::flow_view(&index, &model.flows[0], &Need::All),
        view_schema::target_fields(TargetKind::DATAFLOW),
        "flow",
    );
    check(
        view::boundary_view(&index, &model.boundaries[0], &Need::All),
        view_schema::target_fields(TargetKind::Other(OtherTarget::Boundary)),
        "boundary",
    );
}

#[test]
fn values_follow_pytm_semantics() {
    let model = model();
    let index = ModelIndex::new(&model);
    let Value::Map(flow) = value(view::flow_view(&index, &model.flows[0], &Need::All)) else {
        panic!()
    };
    let get = |m: &cel::objects::Map, k: &str| {
        m.map
            .get(&Key::String(std::sync::Arc::new(k.into())))
            .cloned()
            .unwrap()
    };
    // ordered enums are ordinals, defaults are filled, boundaries compared
    assert_eq!(get(&flow, "tlsVersion"), Value::Int(6));
    assert_eq!(get(&flow, "dstPort"), Value::Int(-1));
    assert_eq!(get(&flow, "crossesBoundary"), Value::Bool(false));
    let Value::List(data) = get(&flow, "data") else {
        panic!()
    };
    let Value::Map(first) = &data[0] else {
        panic!()
    };
    assert_eq!(get(first, "classification"), Value::Int(4));
    let Value::Map(actor) = value(view::element_view(&index, &model.elements[0], &Need::All))
    else {
        panic!()
    };
    let Value::Map(controls) = get(&actor, "controls") else {
        panic!()
    };
    assert_eq!(get(&controls, "isHardened"), Value::Bool(true));
    assert_eq!(get(&controls, "isEncrypted"), Value::Bool(false));
}
