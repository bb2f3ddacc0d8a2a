//! Turns a checked document into a [`Model`]: flattens nested boundaries,
//! gives flows their default ids, checks names, attributes and references.

use super::attrs::{self, Checked};
use super::decisions;
use super::doc::{BoundaryDoc, DataDoc, ElementDoc, FlowDoc, ModelDoc};
use super::flow_fields;
use super::loc::Loc;
use super::parallel;
use super::refs::{self, Declaration, IdKind, Ids};
use super::report::{Reporter, quoted};
use crate::diag::Diagnostic;
use crate::model::{Boundary, DataAsset, Dataflow, Element, Model, slug};
use crate::schema::Target;

pub(crate) fn lower(doc: ModelDoc, reporter: &Reporter) -> Model {
    let ModelDoc {
        name,
        description,
        boundaries,
        mut elements,
        mut flows,
        data,
        implements,
        decisions,
    } = doc;
    check_name(reporter, &name, || "the model".to_string());
    let boundaries = flatten(reporter, &boundaries, None);
    // Elements and flows are moved into the model, so their ids are taken out
    // first: the id table borrows them while the rest moves.
    let element_ids: Vec<Loc<String>> = elements
        .iter_mut()
        .map(|e| take_id(&mut e.value.id))
        .collect();
    let flow_ids: Vec<(Loc<String>, bool)> =
        flows.iter_mut().map(|f| flow_id(&mut f.value)).collect();

    let mut declarations: Vec<Declaration> =
        Vec::with_capacity(boundaries.len() + element_ids.len() + data.len() + flow_ids.len());
    for (boundary, _) in &boundaries {
        declarations.push(declare(&boundary.value.id, IdKind::Boundary));
    }
    for id in &element_ids {
        declarations.push(declare(id, IdKind::Element));
    }
    for asset in &data {
        declarations.push(declare(&asset.value.id, IdKind::Data));
    }
    for (id, derived) in &flow_ids {
        declarations.push(Declaration {
            id: id.as_deref(),
            kind: IdKind::Flow,
            derived: *derived,
        });
    }
    let ids = Ids::declare_all(reporter, declarations);

    let model_boundaries: Vec<Boundary> = boundaries
        .iter()
        .map(|(b, parent)| boundary(reporter, &ids, b, parent.as_ref()))
        .collect();
    let parents: Vec<(&str, &Loc<String>)> = boundaries
        .iter()
        .filter_map(|(b, parent)| parent.as_ref().map(|p| (b.value.id.value.as_str(), p)))
        .collect();
    refs::check_parent_cycles(reporter, &parents);

    let elements = parallel::map(
        reporter,
        elements.into_iter().zip(&element_ids),
        |reporter, (e, id)| element(reporter, &ids, e, id),
    );
    let flows = parallel::map(
        reporter,
        flows.into_iter().zip(&flow_ids),
        |reporter, (f, (id, _))| flow(reporter, &ids, f, id),
    );
    let data_assets: Vec<DataAsset> = data.iter().map(|d| data_asset(reporter, d)).collect();
    for asset in &data {
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
        name: name.value,
        description: description.unwrap_or_default(),
        source: Some(reporter.file.name.to_string()),
        boundaries: model_boundaries,
        elements,
        flows,
        data: data_assets,
        implements: decisions::implements(reporter, implements),
        decisions: decisions::decisions(reporter, decisions),
        incomplete: Vec::new(),
    }
}

/// The id, taken out of the document (its place kept).
fn take_id(id: &mut Loc<String>) -> Loc<String> {
    Loc::new(std::mem::take(&mut id.value), id.span)
}

fn declare(id: &Loc<String>, kind: IdKind) -> Declaration<'_> {
    Declaration {
        id: id.as_deref(),
        kind,
        derived: false,
    }
}

/// A flow's explicit id (taken out of the document), or its name's slug
/// (located at the name); and whether it is the slug.
fn flow_id(flow: &mut FlowDoc) -> (Loc<String>, bool) {
    match flow.id.take() {
        Some(id) => (id, false),
        None => (Loc::new(slug(&flow.name.value), flow.name.span), true),
    }
}

/// Reports an empty name; `owner` says whose ("element `x`"), worked out only then.
fn check_name(reporter: &Reporter, name: &Loc<String>, owner: impl FnOnce() -> String) {
    if name.value.trim().is_empty() && !reporter.is_flagged(name.span) {
        reporter.report(
            Diagnostic::error("yaml::empty-name", format!("{} has an empty name", owner()))
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
    ids: &Ids,
    boundary: &Loc<BoundaryDoc>,
    parent: Option<&Loc<String>>,
) -> Boundary {
    let doc = &boundary.value;
    check_name(reporter, &doc.name, || {
        format!("boundary {}", quoted(&doc.id.value))
    });
    // A nested boundary's parent is declared by construction; only `parent:` can dangle.
    if let Some(own) = &doc.parent {
        ids.resolve(reporter, own.as_deref(), IdKind::Boundary);
    }
    let Checked { attributes, .. } = attrs::check(
        reporter,
        Target::Boundary,
        doc.attributes.clone(),
        Some(doc.controls.clone()),
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

fn element(reporter: &Reporter, ids: &Ids, element: Loc<ElementDoc>, id: &Loc<String>) -> Element {
    let Loc { value: doc, span } = element;
    check_name(reporter, &doc.name, || {
        format!("element {}", quoted(&id.value))
    });
    if let Some(boundary) = &doc.boundary {
        ids.resolve(reporter, boundary.as_deref(), IdKind::Boundary);
    }
    for data in &doc.data {
        ids.resolve(reporter, data.as_deref(), IdKind::Data);
    }
    let kind = doc.kind.value;
    // With an unknown kind there is no telling which attributes are right.
    let attributes = if reporter.is_flagged(doc.kind.span) {
        Default::default()
    } else {
        attrs::check(
            reporter,
            Target::Element(kind),
            doc.attributes,
            Some(doc.controls),
        )
        .attributes
    };
    Element {
        id: id.value.clone(),
        name: doc.name.value,
        kind,
        description: doc.description.unwrap_or_default(),
        boundary: doc.boundary.map(|b| b.value),
        data: doc.data.into_iter().map(|d| d.value).collect(),
        attributes,
        implements: decisions::implements(reporter, doc.implements),
        tags: doc.tags,
        properties: doc.properties,
        span: Some(span),
    }
}

fn flow(reporter: &Reporter, ids: &Ids, flow: Loc<FlowDoc>, id: &Loc<String>) -> Dataflow {
    let Loc { value: doc, span } = flow;
    check_name(reporter, &doc.name, || {
        format!("flow {}", quoted(&id.value))
    });
    ids.resolve(reporter, doc.source.as_deref(), IdKind::Element);
    ids.resolve(reporter, doc.sink.as_deref(), IdKind::Element);
    for data in &doc.data {
        ids.resolve(reporter, data.as_deref(), IdKind::Data);
    }
    // Read before `attributes:` and `controls:` move; what it reports is
    // elsewhere in the file, so the order of reports does not change.
    let convenience = flow_fields::read(reporter, &doc);
    let Checked {
        mut attributes,
        flow_refs,
    } = attrs::check(
        reporter,
        Target::Dataflow,
        doc.attributes,
        Some(doc.controls),
    );
    for flow in &flow_refs {
        ids.resolve(reporter, flow.as_deref(), IdKind::Flow);
    }
    convenience.apply(&mut attributes);
    Dataflow {
        id: id.value.clone(),
        name: doc.name.value,
        source: doc.source.value,
        sink: doc.sink.value,
        description: doc.description.unwrap_or_default(),
        data: doc.data.into_iter().map(|d| d.value).collect(),
        attributes,
        implements: decisions::implements(reporter, doc.implements),
        tags: doc.tags,
        properties: doc.properties,
        span: Some(span),
    }
}

fn data_asset(reporter: &Reporter, data: &Loc<DataDoc>) -> DataAsset {
    let doc: &DataDoc = &data.value;
    check_name(reporter, &doc.name, || {
        format!("data asset {}", quoted(&doc.id.value))
    });
    let Checked { attributes, .. } =
        attrs::check(reporter, Target::Data, doc.attributes.clone(), None);
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
