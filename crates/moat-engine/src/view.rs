//! What a threat condition sees of a model: CEL values shaped exactly as
//! `moat_catalog::view_schema` describes, with pytm defaults filled in and
//! ordered enumerations as numbers. Only the fields in a [`Need`] are built.

use crate::need::Need;
use cel::Value;
use cel::objects::{Key, Map};
use moat_model::schema::{self, AttrSpec, AttrType, Target};
use moat_model::{Boundary, DataAsset, Dataflow, Element, ElementKind, Model};
use std::collections::HashMap;
use std::sync::Arc;

/// Indexes over a model so views are built in time linear in its size.
pub struct ModelIndex<'m> {
    pub model: &'m Model,
    elements: HashMap<&'m str, &'m Element>,
    data: HashMap<&'m str, &'m DataAsset>,
    boundary_parent: HashMap<&'m str, Option<&'m str>>,
    inputs: HashMap<&'m str, Vec<&'m Dataflow>>,
    outputs: HashMap<&'m str, Vec<&'m Dataflow>>,
    boundary_members: HashMap<&'m str, Vec<&'m str>>,
}

impl<'m> ModelIndex<'m> {
    pub fn new(model: &'m Model) -> Self {
        let mut inputs: HashMap<&str, Vec<&Dataflow>> = HashMap::new();
        let mut outputs: HashMap<&str, Vec<&Dataflow>> = HashMap::new();
        for flow in &model.flows {
            outputs.entry(flow.source.as_str()).or_default().push(flow);
            inputs.entry(flow.sink.as_str()).or_default().push(flow);
        }
        let mut boundary_members: HashMap<&str, Vec<&str>> = HashMap::new();
        for element in &model.elements {
            if let Some(b) = &element.boundary {
                boundary_members
                    .entry(b.as_str())
                    .or_default()
                    .push(element.id.as_str());
            }
        }
        ModelIndex {
            model,
            elements: model.elements.iter().map(|e| (e.id.as_str(), e)).collect(),
            data: model.data.iter().map(|d| (d.id.as_str(), d)).collect(),
            boundary_parent: model
                .boundaries
                .iter()
                .map(|b| (b.id.as_str(), b.parent.as_deref()))
                .collect(),
            inputs,
            outputs,
            boundary_members,
        }
    }

    pub fn element(&self, id: &str) -> Option<&'m Element> {
        self.elements.get(id).copied()
    }

    /// `boundary` and its ancestors, innermost first (cycle-safe).
    pub fn boundary_chain(&self, boundary: Option<&'m str>) -> Vec<&'m str> {
        let mut chain: Vec<&str> = Vec::new();
        let mut next = boundary;
        while let Some(id) = next {
            if chain.contains(&id) {
                break;
            }
            chain.push(id);
            next = self.boundary_parent.get(id).copied().flatten();
        }
        chain
    }
}

fn string(s: &str) -> Value {
    Value::String(Arc::new(s.to_string()))
}

fn list(items: Vec<Value>) -> Value {
    Value::List(Arc::new(items))
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    list(items.into_iter().map(string).collect())
}

/// A map under construction that skips fields nobody reads.
struct ViewMap<'n> {
    need: &'n Need,
    entries: HashMap<Key, Value>,
}

impl<'n> ViewMap<'n> {
    fn new(need: &'n Need) -> Self {
        ViewMap {
            need,
            entries: HashMap::new(),
        }
    }

    fn put(&mut self, name: &str, value: impl FnOnce(&Need) -> Value) {
        if self.need.wants(name) {
            let field_need = self.need.field(name);
            self.entries
                .insert(Key::String(Arc::new(name.to_string())), value(&field_need));
        }
    }

    fn finish(self) -> Value {
        Value::Map(Map {
            map: Arc::new(self.entries),
        })
    }
}

/// A JSON attribute value as CEL sees it: ordered enum members become their ordinal.
fn attr_value(spec: &AttrSpec, value: &serde_json::Value) -> Value {
    if let (AttrType::Enum(kind), Some(member)) = (spec.ty, value.as_str())
        && let Some(v) = kind.condition_value(member)
    {
        return json_value(&v);
    }
    json_value(value)
}

pub fn json_value(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => n
                .as_u64()
                .map(Value::UInt)
                .unwrap_or(Value::Float(n.as_f64().unwrap_or(0.0))),
        },
        serde_json::Value::String(s) => string(s),
        serde_json::Value::Array(items) => list(items.iter().map(json_value).collect()),
        serde_json::Value::Object(map) => {
            let entries = map
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.clone())), json_value(v)))
                .collect();
            Value::Map(Map {
                map: Arc::new(entries),
            })
        }
    }
}

/// Puts every attribute in `specs`: the model's value, or the default.
fn put_attributes(view: &mut ViewMap<'_>, specs: &[&AttrSpec], attrs: &moat_model::Attributes) {
    for spec in specs {
        view.put(spec.name, |_| match attrs.get(spec.name) {
            Some(v) => attr_value(spec, v),
            None => attr_value(spec, &spec.default.to_value()),
        });
    }
}

fn put_controls(view: &mut ViewMap<'_>, attrs: &moat_model::Attributes) {
    view.put("controls", |need| {
        let set = attrs.get("controls").and_then(serde_json::Value::as_object);
        let mut controls = ViewMap::new(need);
        for spec in schema::CONTROLS {
            controls.put(spec.name, |_| match set.and_then(|c| c.get(spec.name)) {
                Some(v) => attr_value(spec, v),
                None => attr_value(spec, &spec.default.to_value()),
            });
        }
        controls.finish()
    });
}

#[allow(clippy::too_many_arguments)]
fn put_common(
    view: &mut ViewMap<'_>,
    index: &ModelIndex<'_>,
    id: &str,
    name: &str,
    description: &str,
    kind: &str,
    classes: &[&str],
    tags: &[String],
    properties: &moat_model::Properties,
    boundary: Option<&str>,
) {
    view.put("id", |_| string(id));
    view.put("name", |_| string(name));
    view.put("description", |_| string(description));
    view.put("kind", |_| string(kind));
    view.put("classes", |_| strings(classes.iter().copied()));
    view.put("tags", |_| strings(tags.iter().map(String::as_str)));
    view.put("properties", |_| {
        let entries = properties
            .iter()
            .map(|(k, v)| (Key::String(Arc::new(k.clone())), json_value(v)))
            .collect();
        Value::Map(Map {
            map: Arc::new(entries),
        })
    });
    view.put("boundary", |_| string(boundary.unwrap_or("")));
    view.put("boundaries", |_| strings(index.boundary_chain(boundary)));
}

fn data_view(asset: &DataAsset, need: &Need) -> Value {
    let mut view = ViewMap::new(need);
    view.put("id", |_| string(&asset.id));
    view.put("name", |_| string(&asset.name));
    view.put("description", |_| string(&asset.description));
    view.put("classification", |_| {
        Value::Int(asset.classification.rank())
    });
    view.put("tags", |_| strings(asset.tags.iter().map(String::as_str)));
    view.put("properties", |_| {
        json_value(&serde_json::Value::Object(
            asset.properties.clone().into_iter().collect(),
        ))
    });
    put_attributes(
        &mut view,
        &schema::attributes(Target::Data),
        &asset.attributes,
    );
    view.finish()
}

fn data_list(index: &ModelIndex<'_>, ids: &[String], need: &Need) -> Value {
    list(
        ids.iter()
            .filter_map(|id| index.data.get(id.as_str()))
            .map(|d| data_view(d, need))
            .collect(),
    )
}

fn flow_summary(flow: &Dataflow, need: &Need) -> Value {
    let mut view = ViewMap::new(need);
    let attr = |name: &str| schema::attribute(Target::Dataflow, name);
    view.put("id", |_| string(&flow.id));
    view.put("name", |_| string(&flow.name));
    for name in ["protocol", "dstPort", "tlsVersion"] {
        if let Some(spec) = attr(name) {
            view.put(name, |_| {
                attr_value(
                    spec,
                    flow.attributes
                        .get(name)
                        .unwrap_or(&spec.default.to_value()),
                )
            });
        }
    }
    view.put("isEncrypted", |_| {
        let set = flow
            .attributes
            .get("controls")
            .and_then(|c| c.get("isEncrypted"));
        Value::Bool(set.and_then(serde_json::Value::as_bool).unwrap_or(false))
    });
    view.finish()
}

/// An element as a flow's `source`/`sink` sees it: every attribute any kind has,
/// so conditions can read endpoints of any kind.
pub fn endpoint_view(index: &ModelIndex<'_>, element: &Element, need: &Need) -> Value {
    let mut view = ViewMap::new(need);
    put_element_fields(&mut view, index, element);
    let own = schema::attributes(Target::Element(element.kind));
    for kind in ElementKind::ALL {
        for spec in schema::attributes(Target::Element(kind)) {
            if !own.iter().any(|o| o.name == spec.name)
                && !view
                    .entries
                    .contains_key(&Key::String(Arc::new(spec.name.to_string())))
            {
                view.put(spec.name, |_| attr_value(spec, &spec.default.to_value()));
            }
        }
    }
    view.finish()
}

fn put_element_fields(view: &mut ViewMap<'_>, index: &ModelIndex<'_>, element: &Element) {
    put_common(
        view,
        index,
        &element.id,
        &element.name,
        &element.description,
        element.kind.as_str(),
        element.kind.pytm_classes(),
        &element.tags,
        &element.properties,
        element.boundary.as_deref(),
    );
    put_attributes(
        view,
        &schema::attributes(Target::Element(element.kind)),
        &element.attributes,
    );
    put_controls(view, &element.attributes);
    view.put("data", |need| data_list(index, &element.data, need));
}

pub fn element_view(index: &ModelIndex<'_>, element: &Element, need: &Need) -> Value {
    let mut view = ViewMap::new(need);
    put_element_fields(&mut view, index, element);
    let flows = |map: &HashMap<&str, Vec<&Dataflow>>, need: &Need| {
        let flows = map
            .get(element.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        list(flows.iter().map(|f| flow_summary(f, need)).collect())
    };
    view.put("inputs", |need| flows(&index.inputs, need));
    view.put("outputs", |need| flows(&index.outputs, need));
    view.finish()
}

/// A flow's view; `source_need`/`sink_need` combine `target.source` and the `source` variable.
pub fn flow_view(index: &ModelIndex<'_>, flow: &Dataflow, need: &Need) -> Value {
    let source = index.element(&flow.source);
    let sink = index.element(&flow.sink);
    let mut view = ViewMap::new(need);
    put_common(
        &mut view,
        index,
        &flow.id,
        &flow.name,
        &flow.description,
        "dataflow",
        &["Element", "Dataflow"],
        &flow.tags,
        &flow.properties,
        // a flow sits in no boundary: it connects elements that do
        None,
    );
    put_attributes(
        &mut view,
        &schema::attributes(Target::Dataflow),
        &flow.attributes,
    );
    put_controls(&mut view, &flow.attributes);
    view.put("data", |need| data_list(index, &flow.data, need));
    view.put("source", |need| {
        source
            .map(|e| endpoint_view(index, e, need))
            .unwrap_or(Value::Null)
    });
    view.put("sink", |need| {
        sink.map(|e| endpoint_view(index, e, need))
            .unwrap_or(Value::Null)
    });
    view.put("crossesBoundary", |_| {
        Value::Bool(
            source.and_then(|s| s.boundary.as_deref()) != sink.and_then(|s| s.boundary.as_deref()),
        )
    });
    view.put("isSelfFlow", |_| Value::Bool(flow.source == flow.sink));
    view.finish()
}

pub fn boundary_view(index: &ModelIndex<'_>, boundary: &Boundary, need: &Need) -> Value {
    let mut view = ViewMap::new(need);
    put_common(
        &mut view,
        index,
        &boundary.id,
        &boundary.name,
        &boundary.description,
        "boundary",
        &["Element", "Boundary"],
        &boundary.tags,
        &boundary.properties,
        boundary.parent.as_deref(),
    );
    put_attributes(
        &mut view,
        &schema::attributes(Target::Boundary),
        &boundary.attributes,
    );
    put_controls(&mut view, &boundary.attributes);
    view.put("elements", |_| {
        strings(
            index
                .boundary_members
                .get(boundary.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .copied(),
        )
    });
    view.finish()
}
