//! The state of one script being read: the names it has bound, the objects
//! it has made and what there is to tell the user.

use super::hash::FastMap;
use super::objects::{Obj, ObjId, Objects};
use super::values::Value;
use crate::diag::Diagnostic;
use crate::span::{SourceFile, Span};
use rustpython_parser::ast::Ranged;

/// Diagnostic codes of the pytm reader.
pub(super) mod code {
    pub const TOO_LARGE: &str = "pytm::too-large";
    pub const TOO_DEEP: &str = "pytm::too-deep";
    pub const SYNTAX: &str = "pytm::syntax-error";
    /// A statement or expression moat cannot read without running Python.
    pub const SKIPPED: &str = "pytm::skipped";
    pub const UNKNOWN_NAME: &str = "pytm::unknown-name";
    pub const UNREAD_NAME: &str = "pytm::unread-name";
    pub const FOREIGN_NAME: &str = "pytm::foreign-name";
    pub const UNKNOWN_IMPORT: &str = "pytm::unknown-import";
    /// A pytm feature moat does not read.
    pub const UNSUPPORTED: &str = "pytm::unsupported";
    pub const UNKNOWN_ATTRIBUTE: &str = "pytm::unknown-attribute";
    pub const UNKNOWN_CONTROL: &str = "pytm::unknown-control";
    pub const UNKNOWN_MEMBER: &str = "pytm::unknown-member";
    pub const TYPE_MISMATCH: &str = "pytm::type-mismatch";
    pub const BAD_ARGUMENTS: &str = "pytm::bad-arguments";
    pub const BAD_ENDPOINT: &str = "pytm::bad-endpoint";
    pub const READ_ONLY: &str = "pytm::read-only";
    pub const BOUNDARY_KEYWORD: &str = "pytm::boundary-keyword";
    pub const BOUNDARY_CYCLE: &str = "pytm::boundary-cycle";
    pub const NO_TM: &str = "pytm::no-tm";
    pub const SECOND_TM: &str = "pytm::second-tm";
    pub const THREATS_FILE: &str = "pytm::threats-file";
    pub const VALUE_TOO_LARGE: &str = "pytm::value-too-large";
    pub const TOO_MANY_WARNINGS: &str = "pytm::too-many-warnings";
}

/// Why a statement or expression was skipped, for most warnings that say so.
pub(super) const WITHOUT_RUNNING: &str = "moat reads pytm scripts without running them";

/// How many bytes of strings and lists a script may build (by joining,
/// f-strings, or storing them in the model). Without a limit, a few lines
/// doubling a string would exhaust memory.
pub(super) const MAX_BUILT_BYTES: usize = 64 * 1024 * 1024;

/// Warnings beyond this many are counted, not kept: a generated script can
/// repeat one mistake a million times.
pub(super) const MAX_WARNINGS: usize = 1000;

/// What a name in the script stands for.
#[derive(Debug, Clone)]
pub(super) enum Binding {
    Value(Value),
    /// Imported from a module other than pytm.
    Foreign {
        module: String,
    },
    /// Assigned by a statement moat skipped (and warned about).
    Unread {
        at: Span,
    },
}

/// Where the seed's `boundary=` keyword was used (pytm ignores it).
#[derive(Debug, Clone, Copy)]
pub(super) struct BoundaryKeyword {
    pub first: Span,
    pub elements: usize,
    pub boundaries: usize,
}

pub(super) struct Reader<'f> {
    pub file: &'f SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    /// Names bound so far. Never iterated in an order that shows: looking
    /// names up is what large scripts do most.
    pub scope: FastMap<String, Binding>,
    pub objects: Objects,
    /// The first `TM(...)`: the model's name and settings.
    pub tm: Option<ObjId>,
    pub boundary_keyword: Option<BoundaryKeyword>,
    /// Bytes of strings and lists built so far, against [`MAX_BUILT_BYTES`].
    built_bytes: usize,
    warnings: usize,
}

impl<'f> Reader<'f> {
    pub(super) fn new(file: &'f SourceFile) -> Self {
        Reader {
            file,
            diagnostics: Vec::new(),
            scope: FastMap::default(),
            objects: Vec::new(),
            tm: None,
            boundary_keyword: None,
            built_bytes: 0,
            warnings: 0,
        }
    }

    /// Makes room for the names a script of about `statements` top-level
    /// statements binds (half of them, say), sparing the name table regrowing.
    pub(super) fn expect_statements(&mut self, statements: usize) {
        self.scope.reserve(statements / 2);
    }

    /// Whether another warning would be kept; callers skip costly help otherwise.
    pub(super) fn keeps_warnings(&self) -> bool {
        self.warnings < MAX_WARNINGS
    }

    /// Warnings counted but not kept.
    pub(super) fn dropped_warnings(&self) -> usize {
        self.warnings.saturating_sub(MAX_WARNINGS)
    }

    pub(super) fn warn(&mut self, code: &str, span: Span, message: impl Into<String>) {
        self.warn_with_help(code, span, message, None);
    }

    pub(super) fn warn_with_help(
        &mut self,
        code: &str,
        span: Span,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let keep = self.keeps_warnings();
        self.warnings += 1;
        if keep {
            let mut diagnostic = Diagnostic::warning(code, message).at(self.file, span);
            diagnostic.help = help;
            self.diagnostics.push(diagnostic);
        }
    }

    /// Accounts for building `bytes` of strings or lists; past the budget,
    /// warns and returns false, and the value is not built.
    pub(super) fn charge(&mut self, bytes: usize, span: Span) -> bool {
        let total = self.built_bytes.saturating_add(bytes);
        if total > MAX_BUILT_BYTES {
            self.warn(
                code::VALUE_TOO_LARGE,
                span,
                format!("skipped a value: the script builds more than {MAX_BUILT_BYTES} bytes of strings and lists"),
            );
            return false;
        }
        self.built_bytes = total;
        true
    }

    pub(super) fn note(&mut self, code: &str, span: Span, message: impl Into<String>) {
        let diagnostic = Diagnostic::note(code, message).at(self.file, span);
        self.diagnostics.push(diagnostic);
    }

    pub(super) fn error(&mut self, code: &str, span: Span, message: impl Into<String>) {
        let diagnostic = Diagnostic::error(code, message).at(self.file, span);
        self.diagnostics.push(diagnostic);
    }

    pub(super) fn obj(&self, id: ObjId) -> Option<&Obj> {
        self.objects.get(id)
    }

    pub(super) fn obj_mut(&mut self, id: ObjId) -> Option<&mut Obj> {
        self.objects.get_mut(id)
    }

    /// The 1-based line `span` starts on, for messages that point elsewhere.
    pub(super) fn line_of(&self, span: Span) -> u32 {
        self.file.line_col(span.start).line
    }
}

/// The span of any AST node.
pub(super) fn span_of(node: &impl Ranged) -> Span {
    let range = node.range();
    Span::new(range.start().to_usize(), range.end().to_usize())
}

/// The span of the trailing identifier of `node` (`isSql` in `db.isSql`),
/// or the whole node where the source does not end with it.
pub(super) fn trailing_name_span(file: &SourceFile, node: &impl Ranged, name: &str) -> Span {
    let whole = span_of(node);
    let end = whole.end as usize;
    let start = end.saturating_sub(name.len());
    match file.text.get(start..end) {
        Some(text) if text == name && start >= whole.start as usize => Span::new(start, end),
        _ => whole,
    }
}
