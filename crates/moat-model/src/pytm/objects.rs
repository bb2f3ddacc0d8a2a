//! The objects a script creates, held in creation order until the model is
//! built: ids are handed out in that order, so it is the definition order.

use super::overrides::{AssumptionSpec, FindingSpec};
use crate::model::{Attributes, Classification, ElementKind};
use crate::schema::Target;
use crate::span::Span;
use std::collections::{BTreeMap, BTreeSet};

/// An index into [`Objects`].
pub(super) type ObjId = usize;

/// The pytm classes Moat reads; a class and the objects it makes share this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ObjKind {
    Tm,
    Boundary,
    Element(ElementKind),
    Dataflow,
    Data,
}

impl ObjKind {
    /// The pytm class name, as a script spells it.
    pub(super) fn class_name(self) -> &'static str {
        match self {
            ObjKind::Tm => "TM",
            ObjKind::Boundary => "Boundary",
            ObjKind::Element(kind) => kind.pytm_class(),
            ObjKind::Dataflow => "Dataflow",
            ObjKind::Data => "Data",
        }
    }

    pub(super) fn target(self) -> Target {
        match self {
            ObjKind::Tm => Target::Tm,
            ObjKind::Boundary => Target::Boundary,
            ObjKind::Element(kind) => Target::Element(kind),
            ObjKind::Dataflow => Target::Dataflow,
            ObjKind::Data => Target::Data,
        }
    }

    /// The positional parameters of the constructor, in order.
    pub(super) fn positional_params(self) -> &'static [&'static str] {
        match self {
            ObjKind::Tm => &["name", "description"],
            ObjKind::Dataflow => &["source", "sink", "name"],
            _ => &["name"],
        }
    }
}

/// One object a constructor call made.
#[derive(Debug, Clone)]
pub(super) struct Obj {
    pub kind: ObjKind,
    pub name: String,
    pub description: String,
    /// The constructor call.
    pub span: Span,
    /// Schema attributes, `controls` nested.
    pub attributes: Attributes,
    /// An element's boundary, or a boundary's parent, and where it was set.
    pub in_boundary: Option<(ObjId, Span)>,
    /// A flow's source and sink.
    pub endpoints: Option<(ObjId, ObjId)>,
    /// Data assets an element or flow carries, in the order they were added.
    pub data: Vec<ObjId>,
    /// The same, to keep `data` free of repeats in linear time.
    data_seen: BTreeSet<ObjId>,
    /// A flow's `response` and `responseTo`.
    pub flow_refs: BTreeMap<&'static str, ObjId>,
    /// A data asset's classification.
    pub classification: Option<Classification>,
    /// Moat's own properties set from the script (`service`, `features`).
    pub properties: crate::model::Properties,
    /// pytm's `overrides`: findings with a response, as decisions.
    pub overrides: Vec<FindingSpec>,
    /// pytm's `assumptions`: those excluding threats, as decisions.
    pub assumptions: Vec<AssumptionSpec>,
}

impl Obj {
    pub(super) fn new(kind: ObjKind, name: String, span: Span) -> Self {
        Obj {
            kind,
            name,
            description: String::new(),
            span,
            attributes: Attributes::new(),
            in_boundary: None,
            endpoints: None,
            data: Vec::new(),
            data_seen: BTreeSet::new(),
            flow_refs: BTreeMap::new(),
            classification: None,
            properties: Default::default(),
            overrides: Vec::new(),
            assumptions: Vec::new(),
        }
    }

    pub(super) fn is_element(&self) -> bool {
        matches!(self.kind, ObjKind::Element(_))
    }

    /// Adds `data` unless the object already carries it.
    pub(super) fn add_data(&mut self, data: ObjId) {
        if self.data_seen.insert(data) {
            self.data.push(data);
        }
    }

    /// Replaces the data carried (an assignment to `data`).
    pub(super) fn set_data(&mut self, data: impl IntoIterator<Item = ObjId>) {
        self.data.clear();
        self.data_seen.clear();
        for d in data {
            self.add_data(d);
        }
    }
}

/// Every object of one script, in creation order.
pub(super) type Objects = Vec<Obj>;
