//! Names: what `pytm` exports, imports, and looking names up.

use super::objects::ObjKind;
use super::reader::{Binding, Reader, code, span_of};
use super::values::Value;
use crate::diag::did_you_mean;
use crate::model::ElementKind;
use crate::schema::EnumKind;
use crate::span::Span;
use rustpython_parser::ast::{StmtImport, StmtImportFrom};

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

fn is_pytm_module(module: &str) -> bool {
    module == "pytm" || module.starts_with("pytm.")
}

impl Reader<'_> {
    pub(super) fn bind(&mut self, name: &str, value: Option<Value>, at: Span) {
        let binding = match value {
            Some(value) => Binding::Value(value),
            None => Binding::Unread { at },
        };
        self.scope.insert(name.to_string(), binding);
    }

    /// `import pytm`, `import pytm.pytm as p`, `import os`.
    pub(super) fn import(&mut self, stmt: &StmtImport) {
        for alias in &stmt.names {
            let module = alias.name.as_str();
            // `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`
            let bound = match &alias.asname {
                Some(asname) => asname.as_str(),
                None => module.split('.').next().unwrap_or(module),
            };
            let binding = if is_pytm_module(module) {
                Binding::Value(Value::Module)
            } else {
                Binding::Foreign {
                    module: module.to_string(),
                }
            };
            self.scope.insert(bound.to_string(), binding);
        }
    }

    /// `from pytm import TM, Server`, `from pytm import *`, `from helpers import x`.
    pub(super) fn import_from(&mut self, stmt: &StmtImportFrom) {
        let level = stmt.level.map_or(0, |l| l.to_usize());
        let module = format!(
            "{}{}",
            ".".repeat(level),
            stmt.module.as_ref().map_or("", |m| m.as_str())
        );
        let from_pytm = level == 0 && is_pytm_module(&module);
        for alias in &stmt.names {
            let name = alias.name.as_str();
            let bound = alias.asname.as_ref().map_or(name, |a| a.as_str());
            if !from_pytm {
                // star imports from elsewhere bind names moat cannot know
                if name != "*" {
                    let module = module.clone();
                    self.scope
                        .insert(bound.to_string(), Binding::Foreign { module });
                }
                continue;
            }
            if name == "*" {
                for export in PYTM_EXPORTS {
                    if let Some(value) = pytm_export(export) {
                        self.bind(export, Some(value), span_of(alias));
                    }
                }
                continue;
            }
            match pytm_export(name) {
                Some(value) => self.bind(bound, Some(value), span_of(alias)),
                None => {
                    let help = did_you_mean(name, PYTM_EXPORTS.iter().copied());
                    self.warn_with_help(
                        code::UNKNOWN_IMPORT,
                        span_of(alias),
                        format!("pytm has no `{name}`"),
                        help,
                    );
                    self.bind(bound, None, span_of(alias));
                }
            }
        }
    }

    /// The value of `name`, or a warning saying why there is none.
    pub(super) fn lookup(&mut self, name: &str, span: Span) -> Option<Value> {
        let binding = self.scope.get(name);
        if let Some(Binding::Value(value)) = binding {
            return Some(value.clone());
        }
        // the rest warns, which is rare: cloning for it costs nothing that matters
        match binding.cloned() {
            Some(Binding::Value(value)) => Some(value),
            Some(Binding::Foreign { module }) => {
                let message = if module == name {
                    format!("skipped `{name}`: moat reads only pytm, not other modules")
                } else {
                    format!(
                        "skipped `{name}` from `{module}`: moat reads only pytm, not other modules"
                    )
                };
                self.warn(code::FOREIGN_NAME, span, message);
                None
            }
            Some(Binding::Unread { at }) => {
                let line = self.line_of(at);
                self.warn(
                    code::UNREAD_NAME,
                    span,
                    format!("`{name}` has no value: line {line}, which sets it, was skipped"),
                );
                None
            }
            None => {
                // comparing with every name is costly in huge scripts; skip it there
                const MAX_CANDIDATES: usize = 10_000;
                let help = if pytm_export(name).is_some() {
                    Some(format!("import it: `from pytm import {name}`"))
                } else if self.keeps_warnings() && self.scope.len() <= MAX_CANDIDATES {
                    did_you_mean(name, self.scope.keys().map(String::as_str))
                } else {
                    None
                };
                self.warn_with_help(
                    code::UNKNOWN_NAME,
                    span,
                    format!("unknown name `{name}`"),
                    help,
                );
                None
            }
        }
    }
}
