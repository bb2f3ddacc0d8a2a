//! Moat's YAML model format (described in `docs/model.md`).
//!
//! Loading runs in three steps, each reporting every problem it finds:
//! `node` parses the text within a budget into a spanned tree, `de` checks
//! the tree against the document types in `doc` ([`ModelDoc`]...), and
//! `lower` builds the [`Model`], checking names, ids, attributes and
//! references. Any error means no model; warnings keep it.
//!
//! Large models load in a fraction of a second: plain YAML is read without
//! serde-saphyr's general machinery (see `node`), the items of long
//! `elements:` and `flows:` lists are checked and lowered on all cores
//! (`parallel`), and each step hands its values on to the next instead of
//! copying them. None of this changes what is reported, or in what order.

mod attr_map;
mod attr_schema;
mod attrs;
mod de;
mod decisions;
mod doc;
mod export;
mod flow_fields;
mod loc;
mod lower;
mod parallel;
mod refs;
mod report;
mod writeback;

pub use doc::{AttrMap, BoundaryDoc, DataDoc, ElementDoc, FlowDoc, ModelDoc, PropertyMap};
pub use export::document;
pub use loc::Loc;
pub use moat_source::node::errors::describe_error;
pub use writeback::{DecisionChange, WriteBackError, write_decisions};

use crate::{Loaded, Model, SourceFile};
use moat_source::node;
use report::Reporter;

/// Loads a model from `file`, reporting every problem found.
pub fn load(file: &SourceFile) -> Loaded {
    let reporter = Reporter::new(file);
    let model = node::parse(file)
        .map_err(|error| reporter.push(*error))
        .ok()
        .filter(|node| !is_empty(node, &reporter))
        .and_then(|node| de::check_model(node, &reporter))
        .map(|doc| lower::lower(doc, &reporter));
    let model = if reporter.has_errors() { None } else { model };
    Loaded {
        model,
        diagnostics: reporter.finish(),
    }
}

/// A file with nothing but comments and blank lines: said plainly, not as a type error.
fn is_empty(node: &node::Node, reporter: &Reporter) -> bool {
    if !matches!(node.value, node::NodeValue::Null) {
        return false;
    }
    reporter.report(
        crate::Diagnostic::error("yaml::empty", "the file holds no model")
            .with_help("a model needs at least `name:`; see docs/model.md"),
        node.span,
    );
    true
}

/// `model` in Moat's YAML format; [`load`] reads it back as the same model.
pub fn to_string(model: &Model) -> Result<String, serde_saphyr::SerializeError> {
    serde_saphyr::to_string(&document(model))
}

/// `model` as the same document in JSON: a `.json` model file that every
/// command reads back (JSON is YAML, read and checked by [`load`]).
pub fn to_json(model: &Model) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(&document(model)).map(|text| text + "\n")
}

/// The JSON Schema of the YAML format (`docs/model.schema.json`).
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(ModelDoc);
    schema.to_value()
}
