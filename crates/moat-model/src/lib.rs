//! Moat's system model: boundaries, elements, data flows and data assets,
//! read from Moat's YAML format or from a pytm script (without Python).

pub mod decision;
pub mod diag;
pub mod input;
pub mod model;
pub mod pytm;
pub mod schema;
pub mod span;
pub mod yaml;

pub use decision::{Decision, DecisionStatus, Implementation, Incomplete};
pub use diag::{Diagnostic, Diagnostics, Level};
pub use model::*;
pub use span::{Location, SourceFile, Span};

/// The result of loading a model: the model, if one could be built, and
/// everything worth telling the user (errors, warnings, notes).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub model: Option<Model>,
    pub diagnostics: Diagnostics,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads a model from `text`, choosing the reader by the file name:
/// `.py` is a pytm script, anything else Moat's YAML format.
pub fn load(file_name: &str, text: &str) -> Loaded {
    load_file(&SourceFile::new(file_name, text))
}

/// Loads a model from a source the caller keeps (to locate threats in it later).
pub fn load_file(file: &SourceFile) -> Loaded {
    if file.name.ends_with(".py") {
        pytm::read(file)
    } else {
        yaml::load(file)
    }
}
