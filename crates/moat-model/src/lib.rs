//! Moat's system model: boundaries, elements, data flows and data assets,
//! read from Moat's YAML format or from a pytm script (without Python).

pub mod decision;
pub mod model;
pub mod pytm;
pub mod schema;
pub mod yaml;

// Spans, diagnostics and reading live in `moat-source`, shared by every crate;
// re-exported so `moat_model::diag::...` keeps meaning the same thing.
pub use moat_source::{diag, input, span};

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
/// `.py` is a pytm script, anything else Moat's YAML format (`.json` files
/// included: the same document in JSON, which is YAML, once checked to be JSON).
pub fn load(file_name: &str, text: &str) -> Loaded {
    load_file(&SourceFile::new(file_name, text))
}

/// Loads a model from a source the caller keeps (to locate threats in it later).
pub fn load_file(file: &SourceFile) -> Loaded {
    if file.name.ends_with(".py") {
        pytm::read(file)
    } else if file.name.to_ascii_lowercase().ends_with(".json") {
        match json_syntax(file) {
            Some(error) => Loaded {
                model: None,
                diagnostics: vec![error],
            },
            None => yaml::load(file),
        }
    } else {
        yaml::load(file)
    }
}

/// A JSON syntax error in `file`, at serde_json's line and column: a `.json`
/// model is held to JSON, not to the laxer YAML that reads it.
fn json_syntax(file: &SourceFile) -> Option<Diagnostic> {
    if file.text.trim().is_empty() {
        // the YAML reader says it plainly: the file holds no model
        return None;
    }
    json_syntax_error(file)
}

pub use moat_source::node::json_syntax_error;
