//! The YAML model document as written: the keys a model file may contain,
//! with the place of every value a later check may point at. These types are
//! the format's one definition: the loader reads them, [`super::to_string`]
//! writes them and `docs/model.schema.json` is generated from them.

use super::attr_schema;
use super::loc::Loc;
use super::report::list;
use crate::diag::did_you_mean;
use crate::model::{Classification, ElementKind};
use crate::schema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use super::attr_map::AttrMap;

/// Free-form values: `service: s3`, `owner: team-a`.
pub type PropertyMap = BTreeMap<String, serde_json::Value>;

/// A Moat threat model: trust boundaries, elements, the data flows between
/// them and the data they carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Moat model")]
pub struct ModelDoc {
    /// The model's name.
    pub name: Loc<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Trust boundaries. Nest them with `parent:` or a nested `boundaries:` list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boundaries: Vec<Loc<BoundaryDoc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<Loc<ElementDoc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<Loc<FlowDoc>>,
    /// Data assets that elements hold and flows carry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<Loc<DataDoc>>,
    /// Catalog controls implemented across the whole model (`C-S3-001`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implements: Vec<Loc<String>>,
    /// Recorded risk decisions (docs/model.md, "Decisions").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Loc<DecisionDoc>>,
}

/// A risk decision: which threats on which targets, and what was decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Decision")]
pub struct DecisionDoc {
    /// One threat id or id prefix (`T-S3-001`, `T-GEN`); `threats:` takes several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<Loc<String>>,
    /// Threat ids or id prefixes; `*` and `?` are wildcards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threats: Vec<Loc<String>>,
    /// One target id or name; `targets:` takes several. Neither means every target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Loc<String>>,
    /// Target ids or names of elements, flows and boundaries; `*` and `?` are wildcards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Loc<String>>,
    /// `unchecked`, `in-discussion`, `accepted`, `in-progress`, `mitigated` or `false-positive`.
    #[schemars(schema_with = "attr_schema::decision_status")]
    pub status: Loc<String>,
    /// Why: required for `accepted`, `mitigated` and `false-positive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// The ticket that tracks the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// When it was decided, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Loc<String>>,
    /// Who checked it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_by: Option<String>,
    /// After this day (`YYYY-MM-DD`) the decision lapses and the threat is open again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Loc<String>>,
}

/// A trust boundary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Boundary")]
pub struct BoundaryDoc {
    /// Unique across boundaries, elements, flows and data.
    pub id: Loc<String>,
    pub name: Loc<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The id of the enclosing boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Loc<String>>,
    /// Boundaries inside this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boundaries: Vec<Loc<BoundaryDoc>>,
    /// pytm `Boundary` attributes (`inScope`, `levels`...).
    #[serde(default, skip_serializing_if = "AttrMap::is_empty")]
    #[schemars(schema_with = "attr_schema::boundary_attributes")]
    pub attributes: AttrMap,
    /// pytm `Controls` flags.
    #[serde(default, skip_serializing_if = "AttrMap::is_empty")]
    #[schemars(schema_with = "attr_schema::controls")]
    pub controls: AttrMap,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: PropertyMap,
}

/// An actor, server, process, datastore or other model element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Element")]
pub struct ElementDoc {
    /// Unique across boundaries, elements, flows and data.
    pub id: Loc<String>,
    pub name: Loc<String>,
    pub kind: Loc<ElementKind>,
    /// The id of the boundary the element sits in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<Loc<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Ids of the data assets the element holds or handles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<Loc<String>>,
    /// pytm attributes of the element's kind (`isAdmin`, `onAWS`, `type`...).
    #[serde(default, skip_serializing_if = "AttrMap::is_empty")]
    #[schemars(schema_with = "attr_schema::element_attributes")]
    pub attributes: AttrMap,
    /// pytm `Controls` flags (`isHardened`, `isEncryptedAtRest`...).
    #[serde(default, skip_serializing_if = "AttrMap::is_empty")]
    #[schemars(schema_with = "attr_schema::controls")]
    pub controls: AttrMap,
    /// Catalog controls implemented on this element (`C-S3-001`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implements: Vec<Loc<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: PropertyMap,
}

/// A data flow from one element to another (or to itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Flow")]
pub struct FlowDoc {
    /// Defaults to the slug of `name`; unique across boundaries, elements, flows and data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Loc<String>>,
    pub name: Loc<String>,
    /// The id of the element the flow starts at.
    pub source: Loc<String>,
    /// The id of the element the flow ends at; may equal `source`.
    pub sink: Loc<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Sets `attributes.protocol`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Loc<String>>,
    /// Sets `attributes.dstPort`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<Loc<u16>>,
    /// Sets `controls.isEncrypted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<Loc<bool>>,
    /// Sets `attributes.tlsVersion` (a `TLSVersion` member such as `TLSv12`);
    /// `TLSv12` and `TLSv13` also set `controls.isEncrypted` and
    /// `controls.authenticatesDestination` unless the flow sets them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "attr_schema::tls_version")]
    pub tls_version: Option<Loc<String>>,
    /// Sets `controls.authenticationScheme`, and `controls.authenticatesSource`
    /// unless the value is `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<Loc<String>>,
    /// Sets `controls.authorizesSource`: the sink authorizes this flow's source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<Loc<bool>>,
    /// Ids of the data assets the flow carries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<Loc<String>>,
    /// pytm `Dataflow` attributes (`dstPort`, `tlsVersion`, `isResponse`...).
    #[serde(default, skip_serializing_if = "AttrMap::is_empty")]
    #[schemars(schema_with = "attr_schema::flow_attributes")]
    pub attributes: AttrMap,
    /// pytm `Controls` flags.
    #[serde(default, skip_serializing_if = "AttrMap::is_empty")]
    #[schemars(schema_with = "attr_schema::controls")]
    pub controls: AttrMap,
    /// Catalog controls implemented on this flow (`C-S3-010`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implements: Vec<Loc<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: PropertyMap,
}

/// A data asset (pytm's `Data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "DataAsset")]
pub struct DataDoc {
    /// Unique across boundaries, elements, flows and data.
    pub id: Loc<String>,
    pub name: Loc<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Defaults to `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<Loc<Classification>>,
    /// pytm `Data` attributes (`isPII`, `isCredentials`, `credentialsLife`, `format`...).
    #[serde(default, skip_serializing_if = "AttrMap::is_empty")]
    #[schemars(schema_with = "attr_schema::data_attributes")]
    pub attributes: AttrMap,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: PropertyMap,
}

/// What messages call a document struct ("unknown key `x` in element").
pub(crate) fn noun(struct_name: &str) -> &'static str {
    match struct_name {
        "ModelDoc" => "the model",
        "BoundaryDoc" => "boundary",
        "ElementDoc" => "element",
        "FlowDoc" => "flow",
        "DataDoc" => "data asset",
        "DecisionDoc" => "decision",
        _ => "mapping",
    }
}

/// Help for an unknown key: the closest key, where pytm habits belong, or the keys allowed.
pub(crate) fn unknown_key_help(key: &str, fields: &[&str]) -> String {
    let pytm_fields: &[(&str, &str)] = &[
        ("inBoundary", "boundary"),
        ("boundary", "parent"),
        ("dstPort", "port"),
        ("tlsVersion", "tls_version"),
        ("isEncrypted", "encrypted"),
    ];
    if let Some((_, field)) = pytm_fields
        .iter()
        .find(|(pytm, field)| *pytm == key && fields.contains(field))
    {
        return format!("did you mean `{field}`?");
    }
    if let Some(suggestion) = did_you_mean(key, fields.iter().copied()) {
        return suggestion;
    }
    let takes_attributes = fields.contains(&"attributes");
    if takes_attributes && is_any_attribute(key) {
        return format!("pytm attributes go under `attributes:` (`attributes: {{{key}: ...}}`)");
    }
    if fields.contains(&"controls") && schema::control(key).is_some() {
        return format!("controls go under `controls:` (`controls: {{{key}: ...}}`)");
    }
    format!("expected {}", list(fields.iter().copied()))
}

fn is_any_attribute(name: &str) -> bool {
    let targets = ElementKind::ALL
        .into_iter()
        .map(schema::Target::Element)
        .chain([
            schema::Target::Dataflow,
            schema::Target::Boundary,
            schema::Target::Data,
        ]);
    targets
        .flat_map(schema::attributes)
        .any(|spec| spec.name == name)
}
