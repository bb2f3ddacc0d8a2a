//! The Assessment as JSON, and the JSON Schema that documents it.

use moat_engine::Assessment;

pub(crate) fn render(a: &Assessment) -> String {
    // Every key is a string and every value plain data, so serializing cannot
    // fail; should that change, the output still says what went wrong.
    let mut out = serde_json::to_string_pretty(a).unwrap_or_else(|e| {
        serde_json::json!({ "error": format!("cannot serialize the assessment: {e}") }).to_string()
    });
    out.push('\n');
    out
}

pub(crate) fn schema() -> serde_json::Value {
    schemars::schema_for!(Assessment).to_value()
}
