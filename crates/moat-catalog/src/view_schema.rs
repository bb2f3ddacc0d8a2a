//! The shape of what a threat condition sees: the variables `target`,
//! `source`, `sink` and the enumeration constants, with every field's type.
//! The engine builds values of exactly this shape (a test there holds it to
//! this schema); the condition checker uses it to reject unknown attributes.

use crate::types::{OtherTarget, TargetKind};
use moat_model::schema::{self, AttrSpec, AttrType, EnumKind, Target};

#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    Bool,
    Int,
    String,
    List(Box<FieldType>),
    /// A map whose keys are known.
    Object(Vec<Field>),
    /// A map with user-chosen keys (`properties`): any key may be asked for.
    OpenMap,
    /// An optional reference: a string id, or null.
    OptionalString,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub ty: FieldType,
}

fn field(name: &str, ty: FieldType) -> Field {
    Field {
        name: name.to_string(),
        ty,
    }
}

fn attr_type(ty: AttrType) -> FieldType {
    match ty {
        AttrType::Bool => FieldType::Bool,
        AttrType::Int => FieldType::Int,
        AttrType::Str => FieldType::String,
        AttrType::StrList => FieldType::List(Box::new(FieldType::String)),
        AttrType::IntList => FieldType::List(Box::new(FieldType::Int)),
        AttrType::Enum(kind) if kind.is_ordered() => FieldType::Int,
        AttrType::Enum(_) => FieldType::String,
        AttrType::FlowRef => FieldType::OptionalString,
    }
}

fn attr_fields(specs: &[&AttrSpec]) -> Vec<Field> {
    specs
        .iter()
        .map(|s| field(s.name, attr_type(s.ty)))
        .collect()
}

fn controls() -> Field {
    field(
        "controls",
        FieldType::Object(
            schema::CONTROLS
                .iter()
                .map(|s| field(s.name, attr_type(s.ty)))
                .collect(),
        ),
    )
}

/// Fields every target has: identity, class chain, tags, properties, boundary.
fn common() -> Vec<Field> {
    let strings = || FieldType::List(Box::new(FieldType::String));
    vec![
        field("id", FieldType::String),
        field("name", FieldType::String),
        field("description", FieldType::String),
        // "server", "dataflow", "boundary"...
        field("kind", FieldType::String),
        // pytm's class chain, base first: ["Element", "Asset", "Server"]
        field("classes", strings()),
        field("tags", strings()),
        field("properties", FieldType::OpenMap),
        // id of the enclosing boundary, "" when none
        field("boundary", FieldType::String),
        // enclosing boundary ids, innermost first
        field("boundaries", strings()),
        // the AWS service prefix ("s3"), from the `service` property or inferred; "" when none
        field("service", FieldType::String),
        // the resource type within the service ("bucket"); "" for the service itself
        field("resource", FieldType::String),
        // an AWS-managed service (a known service AWS runs; never an actor or a
        // Lambda function); a flow is when both its ends are
        field("managed", FieldType::Bool),
        // feature-class ids the model declares in the `features` property
        field("features", strings()),
    ]
}

/// One data asset as conditions see it (pytm's `Data`).
pub fn data_fields() -> Vec<Field> {
    let mut fields = vec![
        field("id", FieldType::String),
        field("name", FieldType::String),
        field("description", FieldType::String),
        field("classification", FieldType::Int),
        field("tags", FieldType::List(Box::new(FieldType::String))),
        field("properties", FieldType::OpenMap),
    ];
    fields.extend(attr_fields(schema::attributes(Target::Data)));
    fields
}

/// A flow as listed in an element's `inputs` / `outputs`.
pub fn flow_summary_fields() -> Vec<Field> {
    vec![
        field("id", FieldType::String),
        field("name", FieldType::String),
        field("protocol", FieldType::String),
        field("dstPort", FieldType::Int),
        field("tlsVersion", FieldType::Int),
        field("isEncrypted", FieldType::Bool),
        // the flow's `controls.authenticatesSource` (`authentication:` in YAML)
        field("authenticatesSource", FieldType::Bool),
    ]
}

/// The fields of an element of `kind`, without its flows (as `source` and `sink` show it).
pub fn element_fields(kind: moat_model::ElementKind) -> Vec<Field> {
    let mut fields = common();
    fields.extend(attr_fields(schema::attributes(Target::Element(kind))));
    fields.push(controls());
    fields.push(field(
        "data",
        FieldType::List(Box::new(FieldType::Object(data_fields()))),
    ));
    fields
}

/// The fields of `target` for a threat that applies to `kind`.
pub fn target_fields(kind: TargetKind) -> Vec<Field> {
    match kind {
        TargetKind::Element(element) => {
            let mut fields = element_fields(element);
            let flows = || FieldType::List(Box::new(FieldType::Object(flow_summary_fields())));
            fields.push(field("inputs", flows()));
            fields.push(field("outputs", flows()));
            fields
        }
        TargetKind::Other(OtherTarget::Dataflow) => {
            let mut fields = common();
            fields.extend(attr_fields(schema::attributes(Target::Dataflow)));
            fields.push(controls());
            fields.push(field(
                "data",
                FieldType::List(Box::new(FieldType::Object(data_fields()))),
            ));
            // the endpoints, as elements of any kind
            fields.push(field("source", FieldType::Object(any_element_fields())));
            fields.push(field("sink", FieldType::Object(any_element_fields())));
            // source and sink sit in different boundaries
            fields.push(field("crossesBoundary", FieldType::Bool));
            // source and sink are the same element
            fields.push(field("isSelfFlow", FieldType::Bool));
            fields
        }
        TargetKind::Other(OtherTarget::Boundary) => {
            let mut fields = common();
            fields.extend(attr_fields(schema::attributes(Target::Boundary)));
            fields.push(controls());
            // ids of elements directly inside the boundary
            fields.push(field(
                "elements",
                FieldType::List(Box::new(FieldType::String)),
            ));
            fields
        }
    }
}

/// The fields every element kind has, so flow endpoints of any kind can be read.
/// Kind-specific attributes are reachable only after a `kind` or `has()` test,
/// which the checker cannot follow, so it accepts any attribute any kind has.
pub fn any_element_fields() -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    for kind in moat_model::ElementKind::ALL {
        for f in element_fields(kind) {
            if !out.iter().any(|o| o.name == f.name) {
                out.push(f);
            }
        }
    }
    out
}

/// The enumeration constants: `Classification.SECRET`, `TLSVersion.TLSv12`...
pub fn enum_constants() -> Vec<Field> {
    EnumKind::ALL
        .into_iter()
        .map(|kind| {
            let ty = if kind.is_ordered() {
                FieldType::Int
            } else {
                FieldType::String
            };
            field(
                kind.pytm_name(),
                FieldType::Object(
                    kind.members()
                        .iter()
                        .map(|m| field(m, ty.clone()))
                        .collect(),
                ),
            )
        })
        .collect()
}

/// The variables a condition of a threat applying to `kind` may use.
pub fn variables(kind: TargetKind) -> Vec<Field> {
    let mut vars = vec![field("target", FieldType::Object(target_fields(kind)))];
    if kind == TargetKind::DATAFLOW {
        vars.push(field("source", FieldType::Object(any_element_fields())));
        vars.push(field("sink", FieldType::Object(any_element_fields())));
    }
    vars.extend(enum_constants());
    vars
}
