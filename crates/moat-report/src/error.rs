//! The one error a renderer can return: a template that does not parse or render.

use moat_model::{Diagnostic, Location};

/// A template failed to parse or render. `line` is 1-based, in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportError {
    pub message: String,
    pub line: Option<usize>,
}

impl ReportError {
    /// The error as a diagnostic located in `template_file` (the path the user gave).
    pub fn diagnostic(&self, template_file: &str) -> Diagnostic {
        let mut diagnostic = Diagnostic::error("report::template", self.message.clone());
        let line = self
            .line
            .and_then(|l| u32::try_from(l).ok())
            .unwrap_or(1)
            .max(1);
        diagnostic.location = Some(Location {
            file: template_file.to_string(),
            line,
            col: 1,
            end_line: line,
            end_col: 1,
        });
        diagnostic
    }
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ReportError {}
