//! What `pytm` exports.

use super::objects::ObjKind;
use super::values::Value;
use crate::model::ElementKind;
use crate::schema::EnumKind;

/// Every name `from pytm import *` binds.
pub(super) const PYTM_EXPORTS: &[&str] = &[
    "TM",
    "Boundary",
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
    "Data",
    "Classification",
    "Lifetime",
    "TLSVersion",
    "DatastoreType",
    "Action",
    "Assumption",
    "Controls",
    "Element",
    "Asset",
    "Finding",
    "Threat",
    "var",
    "load",
    "loads",
];

/// What a name exported by pytm stands for.
pub(super) fn pytm_export(name: &str) -> Option<Value> {
    let class = |kind| Some(Value::Class(kind));
    let element = |kind| class(ObjKind::Element(kind));
    match name {
        "TM" => class(ObjKind::Tm),
        "Boundary" => class(ObjKind::Boundary),
        "Dataflow" => class(ObjKind::Dataflow),
        "Data" => class(ObjKind::Data),
        "Actor" => element(ElementKind::Actor),
        "Server" => element(ElementKind::Server),
        "Process" => element(ElementKind::Process),
        "SetOfProcesses" => element(ElementKind::SetOfProcesses),
        "Datastore" => element(ElementKind::Datastore),
        "Lambda" => element(ElementKind::Lambda),
        "ExternalEntity" => element(ElementKind::ExternalEntity),
        "Agent" => element(ElementKind::Agent),
        "LLM" => element(ElementKind::Llm),
        "Finding" => Some(Value::FindingClass),
        "Assumption" => Some(Value::AssumptionClass),
        // `from pytm import pytm` names the module that holds the classes
        "pytm" => Some(Value::Module),
        other => {
            if let Some(kind) = EnumKind::from_pytm_name(other) {
                return Some(Value::Enum(kind));
            }
            PYTM_EXPORTS
                .iter()
                .find(|export| **export == other)
                .map(|export| Value::Unsupported(export))
        }
    }
}

/// Whether `module` is pytm or one of its submodules (`pytm.pytm`).
pub(super) fn is_pytm_module(module: &str) -> bool {
    module == "pytm" || module.starts_with("pytm.")
}
