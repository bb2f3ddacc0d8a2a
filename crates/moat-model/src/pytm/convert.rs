//! The objects a script made, moved into the model's boundaries, elements,
//! flows and data; large scripts on several threads.

use super::objects::{Obj, ObjId, ObjKind};
use crate::model::{Boundary, DataAsset, Dataflow, Element, Model};
use rayon::prelude::*;
use serde_json::Value as Json;

/// Below this many objects, they are converted on one thread.
const PARALLEL_MIN: usize = 1024;

/// What one object becomes.
enum Converted {
    Boundary(Boundary),
    Element(Element),
    Dataflow(Dataflow),
    Data(DataAsset),
    /// The model's name and description, from the first `TM`.
    Tm(String, String),
    /// A second `TM`, or a flow without both ends.
    Nothing,
}

/// Fills `model` with `objects`, whose ids are `ids`; the first `TM` (`tm`)
/// names the model. `None` when there is no `TM`.
pub(super) fn fill(
    model: &mut Model,
    objects: Vec<Obj>,
    ids: &[String],
    tm: Option<ObjId>,
) -> Option<()> {
    let count = |wanted: fn(ObjKind) -> bool| objects.iter().filter(|o| wanted(o.kind)).count();
    model.boundaries.reserve(count(|k| k == ObjKind::Boundary));
    model
        .elements
        .reserve(count(|k| matches!(k, ObjKind::Element(_))));
    model.flows.reserve(count(|k| k == ObjKind::Dataflow));
    model.data.reserve(count(|k| k == ObjKind::Data));
    let converted: Vec<Converted> = objects
        .into_par_iter()
        .with_min_len(PARALLEL_MIN)
        .enumerate()
        .map(|(index, obj)| convert(index, obj, ids, tm))
        .collect();
    let mut named = None;
    for converted in converted {
        match converted {
            Converted::Boundary(boundary) => model.boundaries.push(boundary),
            Converted::Element(element) => model.elements.push(element),
            Converted::Dataflow(flow) => model.flows.push(flow),
            Converted::Data(data) => model.data.push(data),
            Converted::Tm(name, description) => {
                model.name = name;
                model.description = description;
                named = Some(());
            }
            Converted::Nothing => {}
        }
    }
    named
}

fn convert(index: ObjId, obj: Obj, ids: &[String], tm: Option<ObjId>) -> Converted {
    let id = |i: ObjId| ids.get(i).cloned().unwrap_or_default();
    let id_list = |list: &[ObjId]| list.iter().map(|&i| id(i)).collect::<Vec<_>>();
    let Obj {
        kind,
        name,
        description,
        span,
        mut attributes,
        in_boundary,
        endpoints,
        data,
        flow_refs,
        classification,
        properties,
        ..
    } = obj;
    match kind {
        ObjKind::Tm if tm == Some(index) => Converted::Tm(name, description),
        ObjKind::Tm => Converted::Nothing,
        ObjKind::Boundary => Converted::Boundary(Boundary {
            id: id(index),
            name,
            description,
            parent: in_boundary.map(|(b, _)| id(b)),
            attributes,
            tags: Vec::new(),
            properties: Default::default(),
            span: Some(span),
        }),
        ObjKind::Element(kind) => Converted::Element(Element {
            id: id(index),
            name,
            kind,
            description,
            boundary: in_boundary.map(|(b, _)| id(b)),
            data: id_list(&data),
            attributes,
            implements: Vec::new(),
            tags: Vec::new(),
            properties,
            span: Some(span),
        }),
        ObjKind::Dataflow => {
            let Some((source, sink)) = endpoints else {
                return Converted::Nothing;
            };
            for (key, flow) in flow_refs {
                attributes.insert(key.to_string(), Json::from(id(flow)));
            }
            Converted::Dataflow(Dataflow {
                id: id(index),
                name,
                source: id(source),
                sink: id(sink),
                description,
                data: id_list(&data),
                attributes,
                implements: Vec::new(),
                tags: Vec::new(),
                properties,
                span: Some(span),
            })
        }
        ObjKind::Data => Converted::Data(DataAsset {
            id: id(index),
            name,
            description,
            classification: classification.unwrap_or_default(),
            attributes,
            tags: Vec::new(),
            properties: Default::default(),
            span: Some(span),
        }),
    }
}
