//! A [`Model`] as a YAML document: how models built in memory (inferred from
//! infrastructure code, imported from pytm) are written in Moat's format.

use super::doc::{AttrMap, BoundaryDoc, DataDoc, DecisionDoc, ElementDoc, FlowDoc, ModelDoc};
use super::loc::Loc;
use crate::decision::{Decision, Implementation};
use crate::model::{Attributes, Boundary, Classification, DataAsset, Dataflow, Element, Model};
use serde_json::Value;

/// The document for `model`: flat boundaries with `parent:`, explicit flow
/// ids, attributes and controls as set (no convenience keys).
pub fn document(model: &Model) -> ModelDoc {
    ModelDoc {
        name: Loc::detached(model.name.clone()),
        description: non_empty(&model.description),
        boundaries: model
            .boundaries
            .iter()
            .map(boundary)
            .map(Loc::detached)
            .collect(),
        elements: model
            .elements
            .iter()
            .map(element)
            .map(Loc::detached)
            .collect(),
        flows: model.flows.iter().map(flow).map(Loc::detached).collect(),
        data: model.data.iter().map(data).map(Loc::detached).collect(),
        implements: implemented(&model.implements),
        decisions: model.decisions.iter().map(decision).collect(),
    }
}

fn implemented(list: &[Implementation]) -> Vec<Loc<String>> {
    list.iter()
        .map(|i| Loc::detached(i.control.clone()))
        .collect()
}

pub(super) fn decision(d: &Decision) -> Loc<DecisionDoc> {
    let many = |items: &[String]| -> Vec<Loc<String>> {
        items.iter().map(|t| Loc::detached(t.clone())).collect()
    };
    Loc::detached(DecisionDoc {
        threat: None,
        threats: many(&d.threats),
        target: None,
        targets: many(&d.targets),
        status: Loc::detached(d.status.as_str().to_string()),
        justification: non_empty(&d.justification),
        ticket: d.ticket.clone(),
        date: d.date.clone().map(Loc::detached),
        checked_by: d.checked_by.clone(),
        expires: d.expires.clone().map(Loc::detached),
    })
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

fn ids(ids: &[String]) -> Vec<Loc<String>> {
    ids.iter().cloned().map(Loc::detached).collect()
}

/// Splits model attributes into `attributes:` and `controls:`.
fn split(attributes: &Attributes) -> (AttrMap, AttrMap) {
    let mut plain = AttrMap::new();
    let mut controls = AttrMap::new();
    for (name, value) in attributes {
        match (name.as_str(), value) {
            ("controls", Value::Object(flags)) => {
                for (flag, on) in flags {
                    controls.insert(Loc::detached(flag.clone()), Loc::detached(on.clone()));
                }
            }
            _ => {
                plain.insert(Loc::detached(name.clone()), Loc::detached(value.clone()));
            }
        }
    }
    (plain, controls)
}

fn boundary(boundary: &Boundary) -> BoundaryDoc {
    let (attributes, controls) = split(&boundary.attributes);
    BoundaryDoc {
        id: Loc::detached(boundary.id.clone()),
        name: Loc::detached(boundary.name.clone()),
        description: non_empty(&boundary.description),
        parent: boundary.parent.clone().map(Loc::detached),
        boundaries: Vec::new(),
        attributes,
        controls,
        tags: boundary.tags.clone(),
        properties: boundary.properties.clone(),
    }
}

fn element(element: &Element) -> ElementDoc {
    let (attributes, controls) = split(&element.attributes);
    ElementDoc {
        id: Loc::detached(element.id.clone()),
        name: Loc::detached(element.name.clone()),
        kind: Loc::detached(element.kind),
        boundary: element.boundary.clone().map(Loc::detached),
        description: non_empty(&element.description),
        data: ids(&element.data),
        attributes,
        controls,
        implements: implemented(&element.implements),
        tags: element.tags.clone(),
        properties: element.properties.clone(),
    }
}

fn flow(flow: &Dataflow) -> FlowDoc {
    let (attributes, controls) = split(&flow.attributes);
    FlowDoc {
        id: Some(Loc::detached(flow.id.clone())),
        name: Loc::detached(flow.name.clone()),
        source: Loc::detached(flow.source.clone()),
        sink: Loc::detached(flow.sink.clone()),
        description: non_empty(&flow.description),
        protocol: None,
        port: None,
        encrypted: None,
        tls_version: None,
        authentication: None,
        authorization: None,
        data: ids(&flow.data),
        attributes,
        controls,
        implements: implemented(&flow.implements),
        tags: flow.tags.clone(),
        properties: flow.properties.clone(),
    }
}

fn data(asset: &DataAsset) -> DataDoc {
    let (attributes, _) = split(&asset.attributes);
    DataDoc {
        id: Loc::detached(asset.id.clone()),
        name: Loc::detached(asset.name.clone()),
        description: non_empty(&asset.description),
        classification: (asset.classification != Classification::Unknown)
            .then(|| Loc::detached(asset.classification)),
        attributes,
        tags: asset.tags.clone(),
        properties: asset.properties.clone(),
    }
}
