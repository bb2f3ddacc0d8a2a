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
    /// Values flagged before this reporter was made for part of the work.
    inherited: Option<&'a BTreeSet<Span>>,
}

/// What a reporter for part of the work collected, for [`Reporter::absorb`].
pub(crate) struct Reports {
    diagnostics: Diagnostics,
    flagged: BTreeSet<Span>,
}

impl<'a> Reporter<'a> {
    pub fn new(file: &'a SourceFile) -> Self {
        Reporter {
            file,
            diagnostics: RefCell::new(Vec::new()),
            flagged: RefCell::new(BTreeSet::new()),
            inherited: None,
        }
    }

    /// A reporter for part of the work that knows the values `flagged` so far
    /// (see [`Reporter::flags`]); its reports go back through [`Reporter::absorb`].
    pub fn part(file: &'a SourceFile, flagged: &'a BTreeSet<Span>) -> Self {
        Reporter {
            inherited: Some(flagged),
            ..Reporter::new(file)
        }
    }

    /// The values flagged so far.
    pub fn flags(&self) -> BTreeSet<Span> {
        let mut flags = self.flagged.borrow().clone();
        flags.extend(self.inherited.into_iter().flatten());
        flags
    }

    pub fn into_reports(self) -> Reports {
        Reports {
            diagnostics: self.diagnostics.into_inner(),
            flagged: self.flagged.into_inner(),
        }
    }

    /// Takes in what a reporter for part of the work collected, after what this one has.
    pub fn absorb(&self, reports: Reports) {
        self.diagnostics.borrow_mut().extend(reports.diagnostics);
        self.flagged.borrow_mut().extend(reports.flagged);
    }

    pub fn flag(&self, span: Span) {
        self.flagged.borrow_mut().insert(span);
    }

    pub fn is_flagged(&self, span: Span) -> bool {
        self.flagged.borrow().contains(&span)
            || self.inherited.is_some_and(|flags| flags.contains(&span))
    }

    /// Records a diagnostic that is already located.
    pub fn push(&self, diagnostic: Diagnostic) {
        self.diagnostics.borrow_mut().push(diagnostic);
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
