//! Collects the diagnostics of one load, each pointed at its place in the file.

use crate::diag::{Diagnostic, Diagnostics};
use crate::span::{SourceFile, Span};
use std::cell::RefCell;
use std::collections::BTreeSet;

pub(crate) struct Reporter<'a> {
    pub file: &'a SourceFile,
    diagnostics: RefCell<Diagnostics>,
    /// Values already reported as wrong or missing. Checks after parsing
    /// skip them, so one mistake gives one error, not a cascade.
    flagged: RefCell<BTreeSet<Span>>,
}

impl<'a> Reporter<'a> {
    pub fn new(file: &'a SourceFile) -> Self {
        Reporter {
            file,
            diagnostics: RefCell::new(Vec::new()),
            flagged: RefCell::new(BTreeSet::new()),
        }
    }

    pub fn flag(&self, span: Span) {
        self.flagged.borrow_mut().insert(span);
    }

    pub fn is_flagged(&self, span: Span) -> bool {
        self.flagged.borrow().contains(&span)
    }

    pub fn report(&self, diagnostic: Diagnostic, span: Span) {
        self.diagnostics
            .borrow_mut()
            .push(diagnostic.at(self.file, span));
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.borrow().iter().any(Diagnostic::is_error)
    }

    /// "line 4": how a message refers to another place in the same file.
    pub fn line_of(&self, span: Span) -> String {
        format!("line {}", self.file.line_col(span.start).line)
    }

    /// "line 4, column 7"
    pub fn place_of(&self, span: Span) -> String {
        let at = self.file.line_col(span.start);
        format!("line {}, column {}", at.line, at.col)
    }

    /// Everything reported, in file order (stable: same place, reported order).
    pub fn finish(self) -> Diagnostics {
        let mut diagnostics = self.diagnostics.into_inner();
        diagnostics.sort_by_key(|d| d.source.as_ref().map(|(_, span)| span.start));
        diagnostics
    }
}

/// User input for a message: in backticks, shortened when long, on one line.
pub(crate) fn quoted(text: &str) -> String {
    const LIMIT: usize = 60;
    let mut shown: String = text
        .chars()
        .take(LIMIT)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > LIMIT {
        shown.push('…');
    }
    format!("`{shown}`")
}

/// "`a`, `b` or `c`"
pub(crate) fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}
