//! Moat's threat catalog: the data types, the YAML loader with its
//! validation (ids, CEL conditions, attributes), and the pytm threat library import.

pub mod access;
mod builtin;
pub mod condition;
pub mod control;
pub mod cvss;
pub mod feature_class;
pub mod framework;
pub mod guardrails;
pub mod priority;
pub mod py_to_cel;
pub mod pytm_library;
pub mod reference;
pub mod search;
mod sections;
pub mod services;
mod spanned_yaml;
pub mod trustoncloud;
mod type_check;
pub mod types;
pub mod validate;
pub mod view_schema;
mod yaml_loader;

pub use access::Access;
pub use builtin::{builtin, builtin_files};
pub use condition::check_condition;
pub use control::{Control, ControlType, Effort, Mitigation};
pub use feature_class::FeatureClass;
pub use framework::{Framework, Requirement};
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
    pub feature_classes: Vec<FeatureClass>,
    pub controls: Vec<Control>,
    pub frameworks: Vec<Framework>,
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
        merge_unique(
            &mut self.feature_classes,
            other.feature_classes,
            "feature class",
            |f| (&f.id, f.location.as_ref()),
            &mut diagnostics,
        );
        merge_unique(
            &mut self.controls,
            other.controls,
            "control",
            |c| (&c.id, c.location.as_ref()),
            &mut diagnostics,
        );
        merge_unique(
            &mut self.frameworks,
            other.frameworks,
            "framework",
            |f| (&f.id, f.location.as_ref()),
            &mut diagnostics,
        );
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

    pub fn feature_class(&self, id: &str) -> Option<&FeatureClass> {
        self.feature_classes.iter().find(|f| f.id == id)
    }

    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id == id)
    }
}

/// Appends `incoming` to `items`, leaving out (with an error) those whose id is taken.
fn merge_unique<T>(
    items: &mut Vec<T>,
    incoming: Vec<T>,
    what: &str,
    key: impl Fn(&T) -> (&String, Option<&moat_model::Location>),
    diagnostics: &mut Vec<Diagnostic>,
) {
    for item in incoming {
        let (id, location) = key(&item);
        if let Some(first) = items.iter().find(|existing| key(existing).0 == id) {
            let previous = key(first)
                .1
                .map(|l| format!(", first defined at {l}"))
                .unwrap_or_default();
            let mut diagnostic = Diagnostic::error(
                "catalog::duplicate-id",
                format!("duplicate {what} id `{id}`{previous}"),
            );
            diagnostic.location = location.cloned();
            diagnostics.push(diagnostic);
            continue;
        }
        items.push(item);
    }
}

/// Loads a catalog from `text`: pytm's `threats.json` shape when the text is a
/// JSON array, a TrustOnCloud ThreatModel when it is a JSON object with that
/// model's top-level keys, Moat's YAML format otherwise. `name` is how diagnostics name the
/// file. The catalog holds every threat that passed validation; `None` means the
/// text could not be read as a catalog at all.
pub fn load_str(name: &str, text: &str) -> (Option<Catalog>, Vec<Diagnostic>) {
    let file = SourceFile::new(name, text);
    let content = text.trim_start_matches('\u{feff}').trim_start();
    if content.starts_with('[') {
        pytm_library::load(&file)
    } else if content.starts_with('{') && trustoncloud::looks_like(content) {
        trustoncloud::load(&file)
    } else {
        yaml_loader::load(&file)
    }
}
