//! The state of one script being read: the names it has bound, the objects
//! it has made, what it could not read and what there is to tell the user.

use super::hash::{FastMap, FastSet};
use super::modules::{Loader, ModuleState};
use super::names::Frame;
use super::objects::{Obj, ObjId, Objects};
use super::values::Value;
use crate::decision::Incomplete;
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
    /// A function calling functions more deeply than moat follows.
    pub const CALL_TOO_DEEP: &str = "pytm::call-too-deep";
    /// A script that runs longer than moat follows (loops).
    pub const TOO_MANY_STEPS: &str = "pytm::too-many-steps";
    /// An operation on values Python would refuse (`1 + "a"`, `x[99]`).
    pub const PYTHON_ERROR: &str = "pytm::python-error";
    /// A module of the script's own that could not be read.
    pub const MODULE: &str = "pytm::module";
    /// `os.environ.get(name, default)`: the default is taken.
    pub const ENVIRONMENT: &str = "pytm::environment";
    /// A call of the standard library whose result is unused.
    pub const STDLIB_CALL: &str = "pytm::stdlib-call";
    /// pytm's `overrides=[Finding(...)]` and `Assumption(exclude=...)`.
    pub const DECISION: &str = "pytm::decision";
}

/// Warnings that mean part of the script was not read, so the model may lack
/// what that part describes: each also makes the model incomplete.
const INCOMPLETE_CODES: &[&str] = &[
    code::SKIPPED,
    code::UNKNOWN_NAME,
    code::UNREAD_NAME,
    code::FOREIGN_NAME,
    code::UNSUPPORTED,
    code::BAD_ARGUMENTS,
    code::BAD_ENDPOINT,
    code::PYTHON_ERROR,
    code::MODULE,
    code::DECISION,
];

/// Why a statement or expression was skipped, for most warnings that say so.
pub(super) const WITHOUT_RUNNING: &str = "moat reads pytm scripts without running them";

/// How many bytes of strings and containers a script may build (by joining,
/// f-strings, nesting, or storing them in the model). Containers count at
/// their logical size: a tuple holding the same tuple four times counts it
/// four times, since writing it out would. Without a limit, a few lines
/// doubling a string would exhaust memory.
pub(super) const MAX_BUILT_BYTES: usize = 64 * 1024 * 1024;

/// How deeply containers may nest (lists in lists...): walking a value, and
/// dropping it, recurses that deep.
pub(super) const MAX_VALUE_DEPTH: usize = 100;

/// How many statements, loop iterations and calls moat follows: far more
/// than any model needs, few enough to stop `while True:` in about a second.
pub(super) const MAX_STEPS: u64 = 5_000_000;

/// How deeply functions may call functions.
pub(super) const MAX_CALL_DEPTH: usize = 32;

/// Warnings (and incomplete parts) beyond this many are counted, not kept:
/// a generated script can repeat one mistake a million times.
pub(super) const MAX_WARNINGS: usize = 1000;

/// What a name in the script stands for.
#[derive(Debug, Clone)]
pub(super) enum Binding {
    Value(Value),
    /// Imported from a module other than pytm that moat does not read.
    Foreign {
        module: String,
    },
    /// Assigned by a statement moat skipped (and warned about), on `line`
    /// of module `module`.
    Unread {
        line: u32,
        module: usize,
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
    /// The script being read.
    pub main: &'f SourceFile,
    /// The file whose code runs now: the script, or a module it imports.
    pub file: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    /// The parts of the script that were not read.
    pub incomplete: Vec<Incomplete>,
    /// The script (0) and the modules it imports, with their names.
    pub modules: Vec<ModuleState>,
    pub loader: &'f dyn Loader,
    /// The module and function calls running, innermost last; never empty
    /// while statements run.
    pub frames: Vec<Frame>,
    pub objects: Objects,
    /// The first `TM(...)`: the model's name and settings.
    pub tm: Option<ObjId>,
    pub boundary_keyword: Option<BoundaryKeyword>,
    /// Where in the script the code running elsewhere (a module's) was
    /// called or imported from: objects made there are located here.
    pub anchor: Option<Span>,
    /// Set once a limit is hit (an error says which): nothing more is read.
    pub stopped: bool,
    /// Every list, dictionary and set made, emptied when reading ends.
    pub kept: Vec<super::containers::Kept>,
    /// Bytes of strings and containers built so far, against [`MAX_BUILT_BYTES`].
    built_bytes: usize,
    steps: u64,
    warnings: usize,
    notes: usize,
    /// What was said where (module, span, code), to say it once.
    said: FastSet<(usize, u32, u32, String)>,
    incomplete_dropped: usize,
}

impl<'f> Reader<'f> {
    pub(super) fn new(file: &'f SourceFile, loader: &'f dyn Loader) -> Self {
        Reader {
            main: file,
            file: file.clone(),
            diagnostics: Vec::new(),
            incomplete: Vec::new(),
            modules: vec![ModuleState::main(file)],
            loader,
            frames: vec![Frame::module(0)],
            objects: Vec::new(),
            tm: None,
            boundary_keyword: None,
            anchor: None,
            stopped: false,
            kept: Vec::new(),
            built_bytes: 0,
            steps: 0,
            warnings: 0,
            notes: 0,
            said: FastSet::default(),
            incomplete_dropped: 0,
        }
    }

    /// Makes room for the names a script of about `statements` top-level
    /// statements binds (half of them, say), sparing the name table regrowing.
    pub(super) fn expect_statements(&mut self, statements: usize) {
        if let Some(main) = self.modules.first_mut() {
            main.globals.reserve(statements / 2);
        }
    }

    /// Whether another warning would be kept; callers skip costly help otherwise.
    pub(super) fn keeps_warnings(&self) -> bool {
        self.warnings < MAX_WARNINGS
    }

    /// How many warnings there have been (kept or not), to tell whether a
    /// step that gave up has said why.
    pub(super) fn warnings_so_far(&self) -> usize {
        self.warnings
    }

    /// Warnings counted but not kept.
    pub(super) fn dropped_warnings(&self) -> usize {
        self.warnings.saturating_sub(MAX_WARNINGS)
    }

    /// Incomplete parts counted but not kept.
    pub(super) fn dropped_incomplete(&self) -> usize {
        self.incomplete_dropped
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
        // a loop meets the same construct again: it is said once
        if !self.first_time(code, span) {
            return;
        }
        let message = message.into();
        if INCOMPLETE_CODES.contains(&code) {
            self.mark_incomplete(&message, span);
        }
        let keep = self.keeps_warnings();
        self.warnings += 1;
        if keep {
            let mut diagnostic = Diagnostic::warning(code, message).at(&self.file, span);
            diagnostic.help = help;
            self.diagnostics.push(diagnostic);
        }
    }

    /// Records that the part of the script at `span` (of the file running)
    /// was not read, for `reason`.
    pub(super) fn mark_incomplete(&mut self, reason: &str, span: Span) {
        if self.incomplete.len() >= MAX_WARNINGS {
            self.incomplete_dropped += 1;
            return;
        }
        self.incomplete.push(Incomplete {
            reason: reason.to_string(),
            location: Some(self.file.location(span)),
        });
    }

    pub(super) fn note(&mut self, code: &str, span: Span, message: impl Into<String>) {
        if !self.first_time(code, span) || self.notes >= MAX_WARNINGS {
            return;
        }
        self.notes += 1;
        let diagnostic = Diagnostic::note(code, message).at(&self.file, span);
        self.diagnostics.push(diagnostic);
    }

    /// Whether nothing with `code` was said yet at `span` of the file running.
    fn first_time(&mut self, code: &str, span: Span) -> bool {
        let module = self.frames.last().map_or(0, |f| f.module);
        self.said
            .insert((module, span.start, span.end, code.to_string()))
    }

    pub(super) fn error(&mut self, code: &str, span: Span, message: impl Into<String>) {
        let diagnostic = Diagnostic::error(code, message).at(&self.file, span);
        self.diagnostics.push(diagnostic);
    }

    /// An error that ends the reading: a limit that keeps hostile input from
    /// running long or exhausting memory.
    pub(super) fn stop(&mut self, code: &str, span: Span, message: impl Into<String>) {
        if !self.stopped {
            self.error(code, span, message);
            self.stopped = true;
        }
    }

    /// Accounts for building `bytes` of strings or containers; past the
    /// budget, stops the reading with an error and returns false.
    pub(super) fn charge(&mut self, bytes: usize, span: Span) -> bool {
        if self.stopped {
            return false;
        }
        let total = self.built_bytes.saturating_add(bytes);
        if total > MAX_BUILT_BYTES {
            self.stop(
                code::VALUE_TOO_LARGE,
                span,
                format!("the script builds more than {MAX_BUILT_BYTES} bytes of strings and containers (counting shared ones wherever they appear): moat stops reading it here"),
            );
            return false;
        }
        self.built_bytes = total;
        true
    }

    /// How many bytes the script may still build.
    pub(super) fn budget_left(&self) -> usize {
        MAX_BUILT_BYTES.saturating_sub(self.built_bytes)
    }

    /// Accounts for building a container holding `items`: its logical size
    /// against the budget, its depth against [`MAX_VALUE_DEPTH`].
    pub(super) fn charge_container(&mut self, size: usize, depth: usize, span: Span) -> bool {
        if depth > MAX_VALUE_DEPTH {
            self.stop(
                code::VALUE_TOO_LARGE,
                span,
                format!("the script nests containers more than {MAX_VALUE_DEPTH} levels deep: moat stops reading it here"),
            );
            return false;
        }
        self.charge(size, span)
    }

    /// Accounts for `n` steps (statements, loop iterations, calls); past
    /// [`MAX_STEPS`], stops the reading with an error and returns false.
    pub(super) fn tick(&mut self, n: u64, span: Span) -> bool {
        if self.stopped {
            return false;
        }
        self.steps = self.steps.saturating_add(n);
        if self.steps > MAX_STEPS {
            self.stop(
                code::TOO_MANY_STEPS,
                span,
                format!("the script runs more than {MAX_STEPS} statements and loop iterations: moat stops reading it here"),
            );
            return false;
        }
        true
    }

    pub(super) fn obj(&self, id: ObjId) -> Option<&Obj> {
        self.objects.get(id)
    }

    pub(super) fn obj_mut(&mut self, id: ObjId) -> Option<&mut Obj> {
        self.objects.get_mut(id)
    }

    /// The 1-based line `span` (of the file running) starts on, for messages
    /// that point elsewhere.
    pub(super) fn line_of(&self, span: Span) -> u32 {
        self.file.line_col(span.start).line
    }

    /// Whether the code running is the script's own (not a module's).
    pub(super) fn in_main(&self) -> bool {
        self.anchor.is_none()
    }

    /// Where something made at `span` of the running file is kept, in the
    /// script: there, or where the script called into the module that made it.
    pub(super) fn site(&self, span: Span) -> Span {
        self.anchor.unwrap_or(span)
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        self.release_containers();
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

/// Names bound in a module, for `Reader::modules`.
pub(super) type Globals = FastMap<String, Binding>;
