//! What a threat condition sees of a model: CEL values shaped exactly as
//! `moat_catalog::view_schema` describes, with pytm defaults filled in and
//! ordered enumerations as numbers. Only the fields in a [`Need`] are built,
//! straight as CEL values that borrow the model's strings: on a model of
//! 60,000 elements and flows this is most of the engine's work.

use crate::need::Need;
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt,
};
use cel::common::value::Val;
use moat_model::schema::{self, AttrSpec, AttrType, Default, Target};
use moat_model::{Boundary, DataAsset, Dataflow, Element, ElementKind, Model};
use std::collections::HashMap;

/// Indexes over a model so views are built in time linear in its size.
pub struct ModelIndex<'m> {
    pub model: &'m Model,
    elements: HashMap<&'m str, &'m Element>,
    data: HashMap<&'m str, &'m DataAsset>,
    boundary_parent: HashMap<&'m str, Option<&'m str>>,
    inputs: HashMap<&'m str, Vec<&'m Dataflow>>,
    outputs: HashMap<&'m str, Vec<&'m Dataflow>>,
    boundary_members: HashMap<&'m str, Vec<&'m str>>,
    services: HashMap<&'m str, (&'m str, &'m str)>,
    managed: std::collections::HashSet<&'m str>,
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
            services: model
                .elements
                .iter()
                .filter_map(|e| Some((e.id.as_str(), crate::service::service_ref(e)?)))
                .collect(),
            managed: model
                .elements
                .iter()
                .filter(|e| crate::service::is_managed(e))
                .map(|e| e.id.as_str())
                .collect(),
        }
    }

    pub fn element(&self, id: &str) -> Option<&'m Element> {
        self.elements.get(id).copied()
    }

    pub fn data_asset(&self, id: &str) -> Option<&'m DataAsset> {
        self.data.get(id).copied()
    }

    pub fn input_count(&self, id: &str) -> usize {
        self.inputs.get(id).map_or(0, Vec::len)
    }

    pub fn output_count(&self, id: &str) -> usize {
        self.outputs.get(id).map_or(0, Vec::len)
    }

    /// The flows into the element.
    pub fn inputs(&self, id: &str) -> &[&'m Dataflow] {
        self.inputs.get(id).map_or(&[], Vec::as_slice)
    }

    /// The flows out of the element.
    pub fn outputs(&self, id: &str) -> &[&'m Dataflow] {
        self.outputs.get(id).map_or(&[], Vec::as_slice)
    }

    /// The element's service and resource, `("", "")` when it is none.
    pub fn service(&self, id: &str) -> (&'m str, &'m str) {
        self.services.get(id).copied().unwrap_or(("", ""))
    }

    /// Whether the element is an AWS-managed service ([`crate::service::is_managed`]).
    pub fn is_managed(&self, id: &str) -> bool {
        self.managed.contains(id)
    }

    /// A flow is AWS-managed when both its ends are: AWS runs both sides of it.
    pub fn flow_managed(&self, flow: &Dataflow) -> bool {
        self.is_managed(&flow.source) && self.is_managed(&flow.sink)
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

/// A CEL value borrowing from the model.
pub type View<'m> = Box<dyn Val + 'm>;

fn string(s: &str) -> View<'_> {
    Box::new(CelString::from(s))
}

fn int(i: i64) -> View<'static> {
    Box::new(CelInt::from(i))
}

fn boolean(b: bool) -> View<'static> {
    Box::new(CelBool::from(b))
}

fn list(items: Vec<View<'_>>) -> View<'_> {
    Box::new(CelList::from(items))
}

fn strings<'m>(items: impl IntoIterator<Item = &'m str>) -> View<'m> {
    list(items.into_iter().map(string).collect())
}

/// A map under construction that skips fields nobody reads.
struct ViewMap<'n, 'm> {
    need: &'n Need,
    entries: HashMap<CelMapKey<'m>, View<'m>>,
}

impl<'n, 'm> ViewMap<'n, 'm> {
    fn new(need: &'n Need) -> Self {
        ViewMap {
            need,
            entries: HashMap::new(),
        }
    }

    fn put(&mut self, name: &'static str, value: impl FnOnce(&Need) -> View<'m>) {
        if self.need.wants(name) {
            let field_need = self.need.field(name);
            self.entries
                .insert(CelMapKey::String(CelString::from(name)), value(field_need));
        }
    }

    fn finish(self) -> View<'m> {
        Box::new(CelMap::from(self.entries))
    }
}

/// A JSON value as CEL sees it, borrowing its strings.
pub fn json_value(value: &serde_json::Value) -> View<'_> {
    match value {
        serde_json::Value::Null => Box::new(CelNull),
        serde_json::Value::Bool(b) => boolean(*b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => int(i),
            (None, Some(u)) => Box::new(CelUInt::from(u)),
            _ => Box::new(CelDouble::from(n.as_f64().unwrap_or(0.0))),
        },
        serde_json::Value::String(s) => string(s),
        serde_json::Value::Array(items) => list(items.iter().map(json_value).collect()),
        serde_json::Value::Object(map) => {
            let entries = map.iter().map(|(k, v)| {
                (
                    CelMapKey::String(CelString::from(k.as_str())),
                    json_value(v),
                )
            });
            Box::new(CelMap::from(entries.collect::<HashMap<_, _>>()))
        }
    }
}

/// An enumeration member as conditions see it: ordered ones as their ordinal.
fn member<'m>(spec: &AttrSpec, name: &'m str) -> View<'m> {
    match spec.ty {
        AttrType::Enum(kind) if kind.is_ordered() => int(kind
            .members()
            .iter()
            .position(|m| *m == name)
            .map(|p| p as i64)
            .unwrap_or(0)),
        _ => string(name),
    }
}

fn attr_value<'m>(spec: &AttrSpec, value: Option<&'m serde_json::Value>) -> View<'m> {
    match value {
        Some(serde_json::Value::String(s)) => member(spec, s),
        Some(v) => json_value(v),
        None => match spec.default {
            Default::Bool(b) => boolean(b),
            Default::Int(i) => int(i),
            Default::Str(s) => member(spec, s),
            Default::EmptyList => list(Vec::new()),
            Default::IntList(items) => list(items.iter().map(|i| int(*i)).collect()),
            Default::Null => Box::new(CelNull),
        },
    }
}

/// The specs among `specs` a view must hold. Walks the few needed names
/// rather than testing every attribute against the need: views are built
/// for every element and flow of large models.
fn wanted(need: &Need, specs: &[&'static AttrSpec]) -> Vec<&'static AttrSpec> {
    match need {
        Need::All => specs.to_vec(),
        Need::None | Need::Count => Vec::new(),
        Need::Fields(fields) => fields
            .keys()
            .filter_map(|name| specs.iter().find(|s| s.name == name.as_str()).copied())
            .collect(),
    }
}

/// Puts every attribute in `specs`: the model's value, or the default.
fn put_attributes<'m>(
    view: &mut ViewMap<'_, 'm>,
    specs: &[&'static AttrSpec],
    attrs: &'m moat_model::Attributes,
) {
    for spec in wanted(view.need, specs) {
        view.put(spec.name, |_| attr_value(spec, attrs.get(spec.name)));
    }
}

fn put_controls<'m>(view: &mut ViewMap<'_, 'm>, attrs: &'m moat_model::Attributes) {
    static CONTROLS: std::sync::OnceLock<Vec<&'static AttrSpec>> = std::sync::OnceLock::new();
    let all = CONTROLS.get_or_init(|| schema::CONTROLS.iter().collect());
    view.put("controls", |need| {
        let set = attrs.get("controls").and_then(serde_json::Value::as_object);
        let mut controls = ViewMap::new(need);
        for spec in wanted(need, all) {
            controls.put(spec.name, |_| {
                attr_value(spec, set.and_then(|c| c.get(spec.name)))
            });
        }
        controls.finish()
    });
}

/// The identity fields every target has.
struct Common<'m> {
    id: &'m str,
    name: &'m str,
    description: &'m str,
    kind: &'static str,
    classes: &'static [&'static str],
    tags: &'m [String],
    properties: &'m moat_model::Properties,
    boundary: Option<&'m str>,
    /// `service`, `resource`.
    service: (&'m str, &'m str),
    managed: bool,
}

fn put_common<'m>(view: &mut ViewMap<'_, 'm>, index: &ModelIndex<'m>, c: Common<'m>) {
    view.put("id", |_| string(c.id));
    view.put("name", |_| string(c.name));
    view.put("description", |_| string(c.description));
    view.put("kind", |_| string(c.kind));
    view.put("classes", |_| strings(c.classes.iter().copied()));
    view.put("tags", |_| strings(c.tags.iter().map(String::as_str)));
    view.put("properties", |_| properties(c.properties));
    view.put("boundary", |_| string(c.boundary.unwrap_or("")));
    view.put("boundaries", |_| strings(index.boundary_chain(c.boundary)));
    view.put("service", |_| string(c.service.0));
    view.put("resource", |_| string(c.service.1));
    view.put("managed", |_| boolean(c.managed));
    view.put("features", |_| {
        strings(crate::service::declared_features(c.properties))
    });
}

fn properties(props: &moat_model::Properties) -> View<'_> {
    let entries = props.iter().map(|(k, v)| {
        (
            CelMapKey::String(CelString::from(k.as_str())),
            json_value(v),
        )
    });
    Box::new(CelMap::from(entries.collect::<HashMap<_, _>>()))
}

fn data_view<'m>(asset: &'m DataAsset, need: &Need) -> View<'m> {
    let mut view = ViewMap::new(need);
    view.put("id", |_| string(&asset.id));
    view.put("name", |_| string(&asset.name));
    view.put("description", |_| string(&asset.description));
    view.put("classification", |_| int(asset.classification.rank()));
    view.put("tags", |_| strings(asset.tags.iter().map(String::as_str)));
    view.put("properties", |_| properties(&asset.properties));
    put_attributes(
        &mut view,
        schema::attributes(Target::Data),
        &asset.attributes,
    );
    view.finish()
}

fn data_list<'m>(index: &ModelIndex<'m>, ids: &'m [String], need: &Need) -> View<'m> {
    if *need == Need::Count {
        return list(
            ids.iter()
                .filter(|id| index.data.contains_key(id.as_str()))
                .map(|_| Box::new(CelNull) as View<'m>)
                .collect(),
        );
    }
    list(
        ids.iter()
            .filter_map(|id| index.data.get(id.as_str()))
            .map(|d| data_view(d, need))
            .collect(),
    )
}

fn flow_summary<'m>(flow: &'m Dataflow, need: &Need) -> View<'m> {
    let mut view = ViewMap::new(need);
    view.put("id", |_| string(&flow.id));
    view.put("name", |_| string(&flow.name));
    for name in ["protocol", "dstPort", "tlsVersion"] {
        if let Some(spec) = schema::attribute(Target::Dataflow, name) {
            view.put(spec.name, |_| attr_value(spec, flow.attributes.get(name)));
        }
    }
    for name in ["isEncrypted", "authenticatesSource"] {
        view.put(name, |_| {
            let set = flow.attributes.get("controls").and_then(|c| c.get(name));
            boolean(set.and_then(serde_json::Value::as_bool).unwrap_or(false))
        });
    }
    view.finish()
}

/// Attributes other kinds have and `kind` lacks, each once: endpoints show
/// them at their defaults.
fn foreign_attributes(kind: ElementKind) -> &'static [&'static AttrSpec] {
    static CACHE: std::sync::OnceLock<Vec<Vec<&'static AttrSpec>>> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(|| {
        ElementKind::ALL
            .iter()
            .map(|&own_kind| {
                let own = schema::attributes(Target::Element(own_kind));
                let mut foreign: Vec<&'static AttrSpec> = Vec::new();
                for other in ElementKind::ALL {
                    for &spec in schema::attributes(Target::Element(other)) {
                        if !own
                            .iter()
                            .chain(foreign.iter())
                            .any(|o| o.name == spec.name)
                        {
                            foreign.push(spec);
                        }
                    }
                }
                foreign
            })
            .collect()
    });
    let position = ElementKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(0);
    cache.get(position).map(Vec::as_slice).unwrap_or(&[])
}

/// An element as a flow's `source`/`sink` sees it: every attribute any kind has,
/// so conditions can read endpoints of any kind.
pub fn endpoint_view<'m>(index: &ModelIndex<'m>, element: &'m Element, need: &Need) -> View<'m> {
    let mut view = ViewMap::new(need);
    put_element_fields(&mut view, index, element);
    for spec in wanted(need, foreign_attributes(element.kind)) {
        view.put(spec.name, |_| attr_value(spec, None));
    }
    view.finish()
}

fn put_element_fields<'m>(
    view: &mut ViewMap<'_, 'm>,
    index: &ModelIndex<'m>,
    element: &'m Element,
) {
    let common = Common {
        id: &element.id,
        name: &element.name,
        description: &element.description,
        kind: element.kind.as_str(),
        classes: element.kind.pytm_classes(),
        tags: &element.tags,
        properties: &element.properties,
        boundary: element.boundary.as_deref(),
        service: index.service(&element.id),
        managed: index.is_managed(&element.id),
    };
    put_common(view, index, common);
    put_attributes(
        view,
        schema::attributes(Target::Element(element.kind)),
        &element.attributes,
    );
    put_controls(view, &element.attributes);
    view.put("data", |need| data_list(index, &element.data, need));
}

pub fn element_view<'m>(index: &ModelIndex<'m>, element: &'m Element, need: &Need) -> View<'m> {
    let mut view = ViewMap::new(need);
    put_element_fields(&mut view, index, element);
    let flows = |map: &HashMap<&'m str, Vec<&'m Dataflow>>, need: &Need| {
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

pub fn flow_view<'m>(index: &ModelIndex<'m>, flow: &'m Dataflow, need: &Need) -> View<'m> {
    let source = index.element(&flow.source);
    let sink = index.element(&flow.sink);
    let mut view = ViewMap::new(need);
    let common = Common {
        id: &flow.id,
        name: &flow.name,
        description: &flow.description,
        kind: "dataflow",
        classes: &["Element", "Dataflow"],
        tags: &flow.tags,
        properties: &flow.properties,
        // a flow sits in no boundary: it connects elements that do
        boundary: None,
        service: crate::service::declared_service(&flow.properties),
        managed: index.flow_managed(flow),
    };
    put_common(&mut view, index, common);
    put_attributes(
        &mut view,
        schema::attributes(Target::Dataflow),
        &flow.attributes,
    );
    put_controls(&mut view, &flow.attributes);
    view.put("data", |need| data_list(index, &flow.data, need));
    let endpoint = |element: Option<&'m Element>, need: &Need| match element {
        Some(e) => endpoint_view(index, e, need),
        None => Box::new(CelNull) as View<'m>,
    };
    view.put("source", |need| endpoint(source, need));
    view.put("sink", |need| endpoint(sink, need));
    view.put("crossesBoundary", |_| {
        boolean(
            source.and_then(|s| s.boundary.as_deref()) != sink.and_then(|s| s.boundary.as_deref()),
        )
    });
    view.put("isSelfFlow", |_| boolean(flow.source == flow.sink));
    view.finish()
}

pub fn boundary_view<'m>(index: &ModelIndex<'m>, boundary: &'m Boundary, need: &Need) -> View<'m> {
    let mut view = ViewMap::new(need);
    let common = Common {
        id: &boundary.id,
        name: &boundary.name,
        description: &boundary.description,
        kind: "boundary",
        classes: &["Element", "Boundary"],
        tags: &boundary.tags,
        properties: &boundary.properties,
        boundary: boundary.parent.as_deref(),
        service: crate::service::declared_service(&boundary.properties),
        managed: crate::service::declares_managed(&boundary.properties),
    };
    put_common(&mut view, index, common);
    put_attributes(
        &mut view,
        schema::attributes(Target::Boundary),
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
