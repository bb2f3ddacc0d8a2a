//! Turns a checked document into a [`Model`]: flattens nested boundaries,
//! gives flows their default ids, checks names, attributes and references.

use super::attrs::{self, Checked};
use super::doc::{BoundaryDoc, DataDoc, ElementDoc, FlowDoc, ModelDoc};
use super::flow_fields;
use super::loc::Loc;
use super::refs::{self, Declaration, IdKind, Ids};
use super::report::{Reporter, quoted};
use crate::diag::Diagnostic;
use crate::model::{Boundary, DataAsset, Dataflow, Element, Model, slug};
use crate::schema::Target;

pub(crate) fn lower(doc: &ModelDoc, reporter: &Reporter) -> Model {
    check_name(reporter, &doc.name, "the model");
    let boundaries = flatten(reporter, &doc.boundaries, None);
    let flow_ids: Vec<Loc<String>> = doc.flows.iter().map(|f| flow_id(&f.value)).collect();

    let mut declarations: Vec<Declaration> = Vec::new();
    for (boundary, _) in &boundaries {
        declarations.push(declare(&boundary.value.id, IdKind::Boundary));
    }
    for element in &doc.elements {
        declarations.push(declare(&element.value.id, IdKind::Element));
    }
    for data in &doc.data {
        declarations.push(declare(&data.value.id, IdKind::Data));
    }
    for (flow, id) in doc.flows.iter().zip(&flow_ids) {
        declarations.push(Declaration {
            id,
            kind: IdKind::Flow,
            derived: flow.value.id.is_none(),
        });
    }
    let mut ids = Ids::declare_all(reporter, declarations);

    let model_boundaries: Vec<Boundary> = boundaries
        .iter()
        .map(|(b, parent)| boundary(reporter, &mut ids, b, parent.as_ref()))
        .collect();
    let parents: Vec<(&str, &Loc<String>)> = boundaries
        .iter()
        .filter_map(|(b, parent)| parent.as_ref().map(|p| (b.value.id.value.as_str(), p)))
        .collect();
    refs::check_parent_cycles(reporter, &parents);

    let elements = doc
        .elements
        .iter()
        .map(|e| element(reporter, &mut ids, e))
        .collect();
    let flows = doc
        .flows
        .iter()
        .zip(flow_ids)
        .map(|(f, id)| flow(reporter, &mut ids, f, id))
        .collect();
    let data: Vec<DataAsset> = doc.data.iter().map(|d| data_asset(reporter, d)).collect();
    for asset in &doc.data {
        let id = &asset.value.id;
        if ids.is_unused(&id.value, id.span) {
            reporter.report(
                Diagnostic::warning(
                    "yaml::unused-data",
                    format!(
                        "data asset {} is not used by any element or flow",
                        quoted(&id.value)
                    ),
                )
                .with_help("list it under an element's or a flow's `data:`, or remove it"),
                id.span,
            );
        }
    }

    Model {
        name: doc.name.value.clone(),
        description: doc.description.clone().unwrap_or_default(),
        source: Some(reporter.file.name.to_string()),
        boundaries: model_boundaries,
        elements,
        flows,
        data,
    }
}

fn declare(id: &Loc<String>, kind: IdKind) -> Declaration<'_> {
    Declaration {
        id,
        kind,
        derived: false,
    }
}

/// A flow's explicit id, or its name's slug (located at the name).
fn flow_id(flow: &FlowDoc) -> Loc<String> {
    match &flow.id {
        Some(id) => id.clone(),
        None => Loc::new(slug(&flow.name.value), flow.name.span),
    }
}

fn check_name(reporter: &Reporter, name: &Loc<String>, owner: &str) {
    if name.value.trim().is_empty() && !reporter.is_flagged(name.span) {
        reporter.report(
            Diagnostic::error("yaml::empty-name", format!("{owner} has an empty name"))
                .with_help("give it a `name:` people will recognise in reports"),
            name.span,
        );
    }
}

/// Boundaries in document order (parents before their nested children),
/// each with its parent: the enclosing boundary's id or its own `parent:`.
fn flatten<'a>(
    reporter: &Reporter,
    boundaries: &'a [Loc<BoundaryDoc>],
    enclosing: Option<&Loc<String>>,
) -> Vec<(&'a Loc<BoundaryDoc>, Option<Loc<String>>)> {
    let mut out = Vec::new();
    for boundary in boundaries {
        let parent = match (&boundary.value.parent, enclosing) {
            (Some(own), Some(outer)) if own.value != outer.value => {
                reporter.report(
                    Diagnostic::error(
                        "yaml::conflict",
                        format!(
                            "boundary {} is nested in {} but names {} as its parent",
                            quoted(&boundary.value.id.value),
                            quoted(&outer.value),
                            quoted(&own.value)
                        ),
                    )
                    .with_help("remove `parent:`; nesting already sets it"),
                    own.span,
                );
                Some(own.clone())
            }
            (Some(own), _) => Some(own.clone()),
            (None, Some(outer)) => Some(Loc::new(outer.value.clone(), boundary.value.id.span)),
            (None, None) => None,
        };
        out.push((boundary, parent));
        out.extend(flatten(
            reporter,
            &boundary.value.boundaries,
            Some(&boundary.value.id),
        ));
    }
    out
}

fn boundary(
    reporter: &Reporter,
    ids: &mut Ids,
    boundary: &Loc<BoundaryDoc>,
    parent: Option<&Loc<String>>,
) -> Boundary {
    let doc = &boundary.value;
    check_name(
        reporter,
        &doc.name,
        &format!("boundary {}", quoted(&doc.id.value)),
    );
    // A nested boundary's parent is declared by construction; only `parent:` can dangle.
    if let Some(own) = &doc.parent {
        ids.resolve(reporter, own, IdKind::Boundary);
    }
    let Checked { attributes, .. } = attrs::check(
        reporter,
        Target::Boundary,
        &doc.attributes,
        Some(&doc.controls),
    );
    Boundary {
        id: doc.id.value.clone(),
        name: doc.name.value.clone(),
        description: doc.description.clone().unwrap_or_default(),
        parent: parent.map(|p| p.value.clone()),
        attributes,
        tags: doc.tags.clone(),
        properties: doc.properties.clone(),
        span: Some(boundary.span),
    }
}

fn element(reporter: &Reporter, ids: &mut Ids, element: &Loc<ElementDoc>) -> Element {
    let doc: &ElementDoc = &element.value;
    check_name(
        reporter,
        &doc.name,
        &format!("element {}", quoted(&doc.id.value)),
    );
    if let Some(boundary) = &doc.boundary {
        ids.resolve(reporter, boundary, IdKind::Boundary);
    }
    for data in &doc.data {
        ids.resolve(reporter, data, IdKind::Data);
    }
    let kind = doc.kind.value;
    // With an unknown kind there is no telling which attributes are right.
    let attributes = if reporter.is_flagged(doc.kind.span) {
        Default::default()
    } else {
        attrs::check(
            reporter,
            Target::Element(kind),
            &doc.attributes,
            Some(&doc.controls),
        )
        .attributes
    };
    Element {
        id: doc.id.value.clone(),
        name: doc.name.value.clone(),
        kind,
        description: doc.description.clone().unwrap_or_default(),
        boundary: doc.boundary.as_ref().map(|b| b.value.clone()),
        data: doc.data.iter().map(|d| d.value.clone()).collect(),
        attributes,
        tags: doc.tags.clone(),
        properties: doc.properties.clone(),
        span: Some(element.span),
    }
}

fn flow(reporter: &Reporter, ids: &mut Ids, flow: &Loc<FlowDoc>, id: Loc<String>) -> Dataflow {
    let doc: &FlowDoc = &flow.value;
    check_name(reporter, &doc.name, &format!("flow {}", quoted(&id.value)));
    ids.resolve(reporter, &doc.source, IdKind::Element);
    ids.resolve(reporter, &doc.sink, IdKind::Element);
    for data in &doc.data {
        ids.resolve(reporter, data, IdKind::Data);
    }
    let Checked {
        mut attributes,
        flow_refs,
    } = attrs::check(
        reporter,
        Target::Dataflow,
        &doc.attributes,
        Some(&doc.controls),
    );
    for flow in &flow_refs {
        ids.resolve(reporter, flow, IdKind::Flow);
    }
    flow_fields::apply(reporter, doc, &mut attributes);
    Dataflow {
        id: id.value,
        name: doc.name.value.clone(),
        source: doc.source.value.clone(),
        sink: doc.sink.value.clone(),
        description: doc.description.clone().unwrap_or_default(),
        data: doc.data.iter().map(|d| d.value.clone()).collect(),
        attributes,
        tags: doc.tags.clone(),
        properties: doc.properties.clone(),
        span: Some(flow.span),
    }
}

fn data_asset(reporter: &Reporter, data: &Loc<DataDoc>) -> DataAsset {
    let doc: &DataDoc = &data.value;
    check_name(
        reporter,
        &doc.name,
        &format!("data asset {}", quoted(&doc.id.value)),
    );
    let Checked { attributes, .. } = attrs::check(reporter, Target::Data, &doc.attributes, None);
    DataAsset {
        id: doc.id.value.clone(),
        name: doc.name.value.clone(),
        description: doc.description.clone().unwrap_or_default(),
        classification: doc
            .classification
            .as_ref()
            .map(|c| c.value)
            .unwrap_or_default(),
        attributes,
        tags: doc.tags.clone(),
        properties: doc.properties.clone(),
        span: Some(data.span),
    }
}
