pub mod catalog;
pub mod compliance;
pub mod convert;
pub mod diagram;
pub mod guardrails;
pub mod live;
pub mod plan;
pub mod policy;
pub mod review;
pub mod scan;
pub mod serve;
pub mod source;
pub mod threats;
pub mod validate;

use crate::Outcome;
use std::path::Path;

/// Writes `text` to `output`, or stdout when none; a write failure is an input/output error.
pub fn emit(text: &str, output: Option<&Path>) -> Result<(), Outcome> {
    use std::io::Write;
    let result = match output {
        Some(path) => std::fs::write(path, text),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    result.map_err(|e| {
        let target = output
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "stdout".into());
        eprintln!("error: cannot write `{target}`: {e}");
        Outcome::InputError
    })
}

/// Writes a rendered result, or ends with the outcome that stopped it.
pub fn finish(text: Result<String, Outcome>, output: Option<&Path>) -> Outcome {
    match text.and_then(|t| emit(&t, output)) {
        Ok(()) => Outcome::Ok,
        Err(outcome) => outcome,
    }
}
