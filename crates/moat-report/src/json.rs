//! The Assessment as JSON, and the JSON Schema that documents it.

use moat_engine::Assessment;

/// Above this many threat results and model parts, the JSON is written
/// compact: indentation made 200,000 results ~45% slower to write and ~43%
/// larger, and nobody reads a file that size unformatted anyway.
pub(crate) const PRETTY_LIMIT: usize = 10_000;

pub(crate) fn render(a: &Assessment) -> String {
    let m = &a.model;
    let size =
        a.threats.len() + m.elements.len() + m.flows.len() + m.boundaries.len() + m.data.len();
    let written = if size <= PRETTY_LIMIT {
        serde_json::to_string_pretty(a)
    } else {
        serde_json::to_string(a)
    };
    // Every key is a string and every value plain data, so serializing cannot
    // fail; should that change, the output still says what went wrong.
    let mut out = written.unwrap_or_else(|e| {
        serde_json::json!({ "error": format!("cannot serialize the assessment: {e}") }).to_string()
    });
    out.push('\n');
    out
}

pub(crate) fn schema() -> serde_json::Value {
    schemars::schema_for!(Assessment).to_value()
}
