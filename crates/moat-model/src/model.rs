//! The system model: what both the YAML format and the pytm reader produce.
//!
//! Element, flow and data attributes follow pytm 1.4's names (`protocol`,
//! `dstPort`, `controls.isEncrypted`, ...) so threat conditions read the same
//! whichever format a model came from. Only attributes a model sets are stored;
//! [`crate::schema`] knows every attribute's type and default.

use crate::decision::{Decision, Implementation, Incomplete};
use crate::span::Span;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Attribute values by pytm attribute name; `controls` is a nested object.
pub type Attributes = BTreeMap<String, serde_json::Value>;

/// Free-form user properties (`service: s3`, `owner: team-a`).
pub type Properties = BTreeMap<String, serde_json::Value>;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Model {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The file the model was read from, as the user named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default)]
    pub boundaries: Vec<Boundary>,
    #[serde(default)]
    pub elements: Vec<Element>,
    #[serde(default)]
    pub flows: Vec<Dataflow>,
    #[serde(default)]
    pub data: Vec<DataAsset>,
    /// Controls implemented across the whole model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implements: Vec<Implementation>,
    /// Recorded risk decisions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
    /// Why the model may be incomplete (parts of the source the reader skipped);
    /// empty when everything was read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<Incomplete>,
}

impl Model {
    /// Whether nothing was modelled (a scan's assessment carries no model).
    pub fn is_empty(&self) -> bool {
        *self == Model::default()
    }
}

/// pytm's model classes, as `oneOf` and `isinstance` know them: every class in
/// [`ElementKind::pytm_classes`], plus flows and boundaries.
pub const PYTM_CLASSES: &[&str] = &[
    "Element",
    "Asset",
    "Actor",
    "Server",
    "Process",
    "SetOfProcesses",
    "Datastore",
    "Lambda",
    "ExternalEntity",
    "Agent",
    "LLM",
    "Dataflow",
    "Boundary",
];

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ElementKind {
    Actor,
    Server,
    Process,
    SetOfProcesses,
    Datastore,
    Lambda,
    ExternalEntity,
    Agent,
    Llm,
}

impl ElementKind {
    pub const ALL: [ElementKind; 9] = [
        ElementKind::Actor,
        ElementKind::Server,
        ElementKind::Process,
        ElementKind::SetOfProcesses,
        ElementKind::Datastore,
        ElementKind::Lambda,
        ElementKind::ExternalEntity,
        ElementKind::Agent,
        ElementKind::Llm,
    ];

    /// The name used in YAML, JSON and CEL (`target.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            ElementKind::Actor => "actor",
            ElementKind::Server => "server",
            ElementKind::Process => "process",
            ElementKind::SetOfProcesses => "set_of_processes",
            ElementKind::Datastore => "datastore",
            ElementKind::Lambda => "lambda",
            ElementKind::ExternalEntity => "external_entity",
            ElementKind::Agent => "agent",
            ElementKind::Llm => "llm",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The pytm class this kind corresponds to.
    pub fn pytm_class(self) -> &'static str {
        self.pytm_classes().last().copied().unwrap_or("Element")
    }

    /// The pytm class chain, base first: what `isinstance` (and so pytm's
    /// `target.oneOf(Process)`) sees.
    pub fn pytm_classes(self) -> &'static [&'static str] {
        match self {
            ElementKind::Actor => &["Element", "Actor"],
            ElementKind::Server => &["Element", "Asset", "Server"],
            ElementKind::Process => &["Element", "Asset", "Process"],
            ElementKind::SetOfProcesses => &["Element", "Asset", "Process", "SetOfProcesses"],
            ElementKind::Datastore => &["Element", "Asset", "Datastore"],
            ElementKind::Lambda => &["Element", "Asset", "Lambda"],
            ElementKind::ExternalEntity => &["Element", "Asset", "ExternalEntity"],
            ElementKind::Agent => &["Element", "Asset", "Agent"],
            ElementKind::Llm => &["Element", "Asset", "LLM"],
        }
    }

    /// A human label ("external entity").
    pub fn label(self) -> &'static str {
        match self {
            ElementKind::SetOfProcesses => "set of processes",
            ElementKind::ExternalEntity => "external entity",
            ElementKind::Llm => "LLM",
            other => other.as_str(),
        }
    }
}

impl std::fmt::Display for ElementKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Boundary {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The enclosing boundary's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Properties::is_empty")]
    pub properties: Properties,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Element {
    pub id: String,
    pub name: String,
    pub kind: ElementKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The id of the boundary the element sits in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<String>,
    /// Ids of the data assets the element holds or handles (pytm's `data`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<String>,
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
    /// Controls implemented on this element or flow.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implements: Vec<Implementation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Properties::is_empty")]
    pub properties: Properties,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Dataflow {
    pub id: String,
    pub name: String,
    /// The source element's id.
    pub source: String,
    /// The sink element's id (may equal `source`: a self-flow).
    pub sink: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Ids of the data assets the flow carries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<String>,
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
    /// Controls implemented on this element or flow.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implements: Vec<Implementation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Properties::is_empty")]
    pub properties: Properties,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Option<Span>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    #[default]
    Unknown,
    Public,
    Restricted,
    Sensitive,
    Secret,
    TopSecret,
}

impl Classification {
    pub const ALL: [Classification; 6] = [
        Classification::Unknown,
        Classification::Public,
        Classification::Restricted,
        Classification::Sensitive,
        Classification::Secret,
        Classification::TopSecret,
    ];

    /// pytm's ordinal (`Classification.SECRET` is 4).
    pub fn rank(self) -> i64 {
        self as i64
    }

    /// pytm's member name (`TOP_SECRET`).
    pub fn pytm_name(self) -> &'static str {
        match self {
            Classification::Unknown => "UNKNOWN",
            Classification::Public => "PUBLIC",
            Classification::Restricted => "RESTRICTED",
            Classification::Sensitive => "SENSITIVE",
            Classification::Secret => "SECRET",
            Classification::TopSecret => "TOP_SECRET",
        }
    }

    pub fn from_pytm_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.pytm_name() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Unknown => "unknown",
            Classification::Public => "public",
            Classification::Restricted => "restricted",
            Classification::Sensitive => "sensitive",
            Classification::Secret => "secret",
            Classification::TopSecret => "top_secret",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DataAsset {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub classification: Classification,
    /// pytm `Data` attributes other than classification (`isPII`, `format`, ...).
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Properties::is_empty")]
    pub properties: Properties,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Option<Span>,
}

impl Model {
    pub fn element(&self, id: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.id == id)
    }

    pub fn boundary(&self, id: &str) -> Option<&Boundary> {
        self.boundaries.iter().find(|b| b.id == id)
    }

    pub fn data_asset(&self, id: &str) -> Option<&DataAsset> {
        self.data.iter().find(|d| d.id == id)
    }

    /// The ids of `boundary` and its ancestors, innermost first. Stops on a
    /// cycle instead of looping (loaders reject cycles; this stays safe anyway).
    pub fn boundary_chain(&self, boundary: Option<&str>) -> Vec<String> {
        let mut chain: Vec<String> = Vec::new();
        let mut next = boundary.map(str::to_string);
        while let Some(id) = next {
            if chain.contains(&id) {
                break;
            }
            next = self.boundary(&id).and_then(|b| b.parent.clone());
            chain.push(id);
        }
        chain
    }
}

/// A lower-case, dash-separated id from a display name ("S3 Bucket" -> `s3-bucket`).
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        "unnamed".to_string()
    } else {
        out
    }
}

/// Hands out unique ids: the slug of a name, then `-2`, `-3`... on collisions.
/// Remembers the next suffix per slug, so many equal names stay linear.
#[derive(Debug, Default)]
pub struct IdAllocator {
    used: std::collections::HashSet<String>,
    next_suffix: std::collections::HashMap<String, usize>,
}

impl IdAllocator {
    pub fn reserve(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    pub fn allocate(&mut self, name: &str) -> String {
        let base = slug(name);
        if self.used.insert(base.clone()) {
            return base;
        }
        let next = self.next_suffix.entry(base.clone()).or_insert(2);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_class_is_a_known_pytm_class() {
        for kind in ElementKind::ALL {
            for class in kind.pytm_classes() {
                assert!(PYTM_CLASSES.contains(class), "{class}");
            }
        }
    }

    #[test]
    fn slugs_are_stable_and_unique() {
        assert_eq!(slug("S3 Bucket"), "s3-bucket");
        assert_eq!(
            slug("Server\u{2011}Side Encryption/Decryption"),
            "server-side-encryption-decryption"
        );
        assert_eq!(slug("!!"), "unnamed");
        let mut ids = IdAllocator::default();
        assert_eq!(ids.allocate("KMS"), "kms");
        assert_eq!(ids.allocate("kms"), "kms-2");
        assert!(ids.reserve("kms-3"));
        assert_eq!(ids.allocate("KMS"), "kms-4");
    }
}
