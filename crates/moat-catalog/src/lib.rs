//! Moat's threat catalog: the data types, the YAML loader with its
//! validation (ids, CEL conditions, attributes), and the pytm threat library import.

mod builtin;
pub mod condition;
pub mod iam_actions;
pub mod py_to_cel;
pub mod pytm_library;
pub mod reference;
mod spanned_yaml;
mod type_check;
pub mod types;
pub mod view_schema;
mod yaml_loader;

pub use builtin::builtin;
pub use condition::check_condition;
pub use types::*;

use moat_model::{Diagnostic, SourceFile};

/// A compiled CEL condition and the text it came from.
#[derive(Debug)]
pub struct Condition {
    pub source: String,
    pub program: cel::Program,
}

/// A threat with its condition compiled.
#[derive(Debug)]
pub struct CatalogThreat {
    pub threat: Threat,
    pub condition: Option<Condition>,
}

#[derive(Debug, Default)]
pub struct Catalog {
    pub threats: Vec<CatalogThreat>,
    /// Where the threats came from (`builtin:generic`, file names).
    pub sources: Vec<String>,
}

impl Catalog {
    /// Adds the threats of `other`; a threat whose id is already taken is left
    /// out, with an error at its definition.
    pub fn merge(&mut self, other: Catalog) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for threat in other.threats {
            if let Some(duplicate) = self.add(threat) {
                diagnostics.push(duplicate);
            }
        }
        for source in other.sources {
            if !self.sources.contains(&source) {
                self.sources.push(source);
            }
        }
        diagnostics
    }

    /// Adds one threat unless its id is taken; the error names both places.
    pub(crate) fn add(&mut self, threat: CatalogThreat) -> Option<Diagnostic> {
        let Some(first) = self
            .threats
            .iter()
            .find(|t| t.threat.id == threat.threat.id)
        else {
            self.threats.push(threat);
            return None;
        };
        let previous = first
            .threat
            .location
            .as_ref()
            .map(|l| format!(", first defined at {l}"))
            .unwrap_or_default();
        let mut diagnostic = Diagnostic::error(
            "catalog::duplicate-id",
            format!("duplicate threat id `{}`{previous}", threat.threat.id),
        );
        diagnostic.location = threat.threat.location.clone();
        Some(diagnostic)
    }

    pub fn threat(&self, id: &str) -> Option<&CatalogThreat> {
        self.threats.iter().find(|t| t.threat.id == id)
    }
}

/// Loads a catalog from `text`: pytm's `threats.json` shape when the text is a
/// JSON array, Moat's YAML format otherwise. `name` is how diagnostics name the
/// file. The catalog holds every threat that passed validation; `None` means the
/// text could not be read as a catalog at all.
pub fn load_str(name: &str, text: &str) -> (Option<Catalog>, Vec<Diagnostic>) {
    let file = SourceFile::new(name, text);
    let content = text.trim_start_matches('\u{feff}').trim_start();
    if content.starts_with('[') {
        pytm_library::load(&file)
    } else {
        yaml_loader::load(&file)
    }
}
