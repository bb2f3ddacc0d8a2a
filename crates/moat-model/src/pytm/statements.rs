//! Statements: imports, assignments, expression statements, `if`, `for`,
//! `while`, `def`, `return`, `try` and the rest of what a model script runs,
//! on values known statically. A statement that cannot be read (a loop over
//! something not known, a `class`) is skipped with a warning; the names it
//! would have set are then bound as unread, so later uses say which line.

use super::bound_names::bound_names;
use super::eval::MAX_EVAL_DEPTH;
use super::reader::{Binding, Reader, WITHOUT_RUNNING, code, span_of};
use super::values::Value;
use crate::span::Span;
use rustpython_parser::ast::{Expr, Stmt, StmtAugAssign, StmtFor, StmtIf, StmtTry, StmtWhile};

/// What running a statement leads to.
#[derive(Debug)]
pub(super) enum Flow {
    Next,
    Break,
    Continue,
    /// `return`, with its value (`None`: it could not be read, and a
    /// warning says why).
    Return(Option<Value>),
    /// A limit was hit: the reading stops.
    Stop,
}

impl Reader<'_> {
    /// Reads the statements of a module, top level.
    pub(super) fn statements(&mut self, body: &[Stmt], depth: usize) {
        for stmt in body {
            match self.statement(stmt, depth) {
                Flow::Next => {}
                Flow::Stop => return,
                flow @ (Flow::Break | Flow::Continue | Flow::Return(_)) => {
                    let what = match flow {
                        Flow::Break => "`break`",
                        Flow::Continue => "`continue`",
                        _ => "`return`",
                    };
                    let span = self.first_line(span_of(stmt));
                    self.warn(
                        code::PYTHON_ERROR,
                        span,
                        format!(
                            "skipped {what} outside a function or loop (Python refuses the script)"
                        ),
                    );
                }
            }
        }
    }

    /// Runs a block: its statements until one breaks the flow.
    pub(super) fn block(&mut self, body: &[Stmt], depth: usize) -> Flow {
        for stmt in body {
            match self.statement(stmt, depth) {
                Flow::Next => {}
                other => return other,
            }
        }
        Flow::Next
    }

    fn statement(&mut self, stmt: &Stmt, depth: usize) -> Flow {
        let span = span_of(stmt);
        if self.stopped || !self.tick(1, span) {
            return Flow::Stop;
        }
        if depth > MAX_EVAL_DEPTH {
            let span = self.first_line(span);
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped a statement nested deeper than {MAX_EVAL_DEPTH} levels"),
            );
            return Flow::Next;
        }
        match stmt {
            Stmt::Import(import) => self.import(import),
            Stmt::ImportFrom(import) => self.import_from(import),
            Stmt::Assign(assign) => {
                let value = self.eval(&assign.value, depth);
                let value_span = span_of(&*assign.value);
                for target in &assign.targets {
                    self.assign(target, value.clone(), value_span, span, depth);
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value_expr) = &assign.value {
                    let value = self.eval(value_expr, depth);
                    self.assign(&assign.target, value, span_of(&**value_expr), span, depth);
                }
            }
            Stmt::AugAssign(assign) => self.aug_assign(assign, span, depth),
            Stmt::Expr(expr) => self.expression_statement(&expr.value, depth),
            Stmt::If(if_) => return self.if_statement(if_, span, depth),
            Stmt::For(for_) => return self.for_loop(for_, span, depth),
            Stmt::While(while_) => return self.while_loop(while_, span, depth),
            Stmt::FunctionDef(def) => self.define(def, span, depth),
            Stmt::Return(ret) => {
                let in_function = self.frame().is_some_and(|f| f.function.is_some());
                if !in_function {
                    return Flow::Return(None);
                }
                let value = match &ret.value {
                    Some(value) => self.eval(value, depth),
                    None => Some(Value::None),
                };
                return Flow::Return(value);
            }
            Stmt::Break(_) => return Flow::Break,
            Stmt::Continue(_) => return Flow::Continue,
            Stmt::Try(try_) => return self.try_statement(try_, span, depth),
            Stmt::Assert(assert) => {
                let holds = self
                    .eval(&assert.test, depth)
                    .and_then(|test| self.truth(&test, span_of(&*assert.test)));
                if holds == Some(false) {
                    self.warn(
                        code::PYTHON_ERROR,
                        self.first_line(span),
                        "skipped the rest of the script: this `assert` fails (Python stops with `AssertionError`)",
                    );
                    return Flow::Stop;
                }
            }
            // declared for the whole function when it was defined
            Stmt::Global(_) | Stmt::Nonlocal(_) | Stmt::Pass(_) => {}
            other => self.skip_statement(other, span, None),
        }
        Flow::Next
    }

    /// Warns that `stmt` was skipped (`why`, or because reading it would
    /// mean running the script) and binds what it would have set as unread.
    fn skip_statement(&mut self, stmt: &Stmt, span: Span, why: Option<&str>) {
        let what = describe_stmt(stmt);
        let line = self.first_line(span);
        let why = why.unwrap_or(WITHOUT_RUNNING);
        self.warn(code::SKIPPED, line, format!("skipped {what}: {why}"));
        for name in bound_names(stmt) {
            self.bind(&name, None, span);
        }
    }

    /// A call for its effect; a docstring; a call of the standard library
    /// whose result is unused, which cannot change the model.
    fn expression_statement(&mut self, value: &Expr, depth: usize) {
        if let Expr::Call(call) = value
            && let Some(module) = self.quiet_standard_call(call)
        {
            let span = span_of(call);
            self.note(
                code::STDLIB_CALL,
                span,
                format!("moat does not run this call of `{module}`: a standard-library call whose result is unused cannot change the model"),
            );
            return;
        }
        let _ = self.eval(value, depth);
    }

    fn if_statement(&mut self, if_: &StmtIf, span: Span, depth: usize) -> Flow {
        let test = self.eval(&if_.test, depth);
        let truth = test.and_then(|test| self.truth(&test, span_of(&*if_.test)));
        match truth {
            Some(true) => self.block(&if_.body, depth + 1),
            Some(false) => self.block(&if_.orelse, depth + 1),
            None => {
                let stmt = Stmt::If(if_.clone());
                self.skip_statement(
                    &stmt,
                    span,
                    Some("its condition is not known without running the script"),
                );
                Flow::Next
            }
        }
    }

    fn for_loop(&mut self, for_: &StmtFor, span: Span, depth: usize) -> Flow {
        let iter_span = span_of(&*for_.iter);
        let items = self
            .eval(&for_.iter, depth)
            .and_then(|iterable| self.items_of(&iterable, iter_span));
        let Some(items) = items else {
            let stmt = Stmt::For(for_.clone());
            self.skip_statement(
                &stmt,
                span,
                Some("what it iterates over is not known without running the script"),
            );
            return Flow::Next;
        };
        let mut flow = Flow::Next;
        let mut broke = false;
        for item in items {
            if !self.tick(1, iter_span) {
                flow = Flow::Stop;
                break;
            }
            self.bind_target(&for_.target, Some(item), span, false, depth);
            match self.block(&for_.body, depth + 1) {
                Flow::Next | Flow::Continue => {}
                Flow::Break => {
                    broke = true;
                    break;
                }
                other => {
                    flow = other;
                    break;
                }
            }
        }
        match flow {
            Flow::Next if !broke => self.block(&for_.orelse, depth + 1),
            Flow::Next => Flow::Next,
            other => other,
        }
    }

    fn while_loop(&mut self, while_: &StmtWhile, span: Span, depth: usize) -> Flow {
        let test_span = span_of(&*while_.test);
        let mut flow = Flow::Next;
        let mut broke = false;
        loop {
            if !self.tick(1, test_span) {
                flow = Flow::Stop;
                break;
            }
            let truth = self
                .eval(&while_.test, depth)
                .and_then(|test| self.truth(&test, test_span));
            match truth {
                Some(true) => {}
                Some(false) => break,
                None => {
                    let stmt = Stmt::While(while_.clone());
                    self.skip_statement(
                        &stmt,
                        span,
                        Some("its condition is not known without running the script"),
                    );
                    broke = true;
                    break;
                }
            }
            match self.block(&while_.body, depth + 1) {
                Flow::Next | Flow::Continue => {}
                Flow::Break => {
                    broke = true;
                    break;
                }
                other => {
                    flow = other;
                    break;
                }
            }
        }
        match flow {
            Flow::Next if !broke => self.block(&while_.orelse, depth + 1),
            Flow::Next => Flow::Next,
            other => other,
        }
    }

    /// `try:` runs as if nothing raised (moat models no exceptions): its
    /// body, `else` and `finally`. When the body had something moat could
    /// not read, a handler may have run in Python: that part is skipped, so
    /// the model says it may be incomplete.
    fn try_statement(&mut self, try_: &StmtTry, span: Span, depth: usize) -> Flow {
        let warned_before = self.warnings_so_far();
        let mut flow = self.block(&try_.body, depth + 1);
        // a body read without a warning did nothing Python raises for
        if !try_.handlers.is_empty() && self.warnings_so_far() != warned_before {
            let line = self.first_line(span);
            self.warn(
                code::SKIPPED,
                line,
                "skipped the `except` handlers of this `try`: moat reads the script as if nothing raised",
            );
            for rustpython_parser::ast::ExceptHandler::ExceptHandler(handler) in &try_.handlers {
                for stmt in &handler.body {
                    for name in bound_names(stmt) {
                        // a handler's names keep what the body set, if anything
                        if self.binding(&name).is_none() {
                            self.bind(&name, None, span);
                        }
                    }
                }
            }
        }
        if matches!(flow, Flow::Next) {
            flow = self.block(&try_.orelse, depth + 1);
        }
        match self.block(&try_.finalbody, depth + 1) {
            Flow::Next => flow,
            other => other,
        }
    }

    /// Binds or sets `target` to `value` (`None`: the value was not read, and
    /// a warning already says why).
    pub(super) fn assign(
        &mut self,
        target: &Expr,
        value: Option<Value>,
        value_span: Span,
        stmt_span: Span,
        depth: usize,
    ) {
        match target {
            Expr::Name(name) => self.bind(name.id.as_str(), value, stmt_span),
            Expr::Attribute(attribute) => {
                if let Some(value) = value {
                    self.assign_attribute(attribute, value, value_span, depth);
                }
            }
            Expr::Tuple(_) | Expr::List(_) => {
                let targets = match target {
                    Expr::Tuple(tuple) => &tuple.elts,
                    Expr::List(list) => &list.elts,
                    _ => return,
                };
                let values = self.unpack(targets, value, span_of(target));
                for (target, value) in targets.iter().zip(values) {
                    self.assign(target, value, value_span, stmt_span, depth + 1);
                }
            }
            Expr::Starred(starred) => {
                self.assign(&starred.value, value, value_span, stmt_span, depth + 1);
            }
            Expr::Subscript(subscript) => {
                if let Some(value) = value {
                    self.assign_subscript(subscript, value, depth);
                }
            }
            other => {
                let span = span_of(other);
                self.warn(
                    code::SKIPPED,
                    span,
                    format!("skipped an assignment to this target: {WITHOUT_RUNNING}"),
                );
            }
        }
    }

    /// `target += value` (and the other operators): the target is read,
    /// combined and set again; `items += more` extends the list in place,
    /// as Python does.
    fn aug_assign(&mut self, assign: &StmtAugAssign, span: Span, depth: usize) {
        let target = &*assign.target;
        let current = self.eval(target, depth);
        let operand = self.eval(&assign.value, depth);
        let value = match (current, operand) {
            (Some(Value::List(list)), Some(operand))
                if assign.op == rustpython_parser::ast::Operator::Add =>
            {
                self.extend_list(&list, &operand, span)
                    .then_some(Value::List(list))
            }
            (Some(current), Some(operand)) => self.combine(assign.op, current, operand, span),
            _ => None,
        };
        match target {
            Expr::Name(name) => self.bind(name.id.as_str(), value, span),
            // an attribute or item keeps its value when the new one is not known
            _ if value.is_none() => {}
            _ => self.assign(target, value, span_of(&*assign.value), span, depth),
        }
    }

    /// The part of `span` on its first line: where a warning about a whole
    /// block should point.
    pub(super) fn first_line(&self, span: Span) -> Span {
        let text = self
            .file
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("");
        let len = text.find('\n').unwrap_or(text.len());
        Span::new(span.start as usize, span.start as usize + len)
    }

    /// The standard-library module an unused call like `random.seed(0)` or
    /// `sys.path.append(...)` goes to, when it passes no function of the
    /// script (which the call could run).
    fn quiet_standard_call(&self, call: &rustpython_parser::ast::ExprCall) -> Option<String> {
        const QUIET: &[&str] = &[
            "os", "random", "logging", "warnings", "sys", "time", "datetime", "math", "json", "re",
            "pathlib", "textwrap", "pprint", "argparse", "typing", "string", "uuid", "hashlib",
        ];
        let mut base = &*call.func;
        while let Expr::Attribute(attribute) = base {
            base = &attribute.value;
        }
        let Expr::Name(name) = base else {
            return None;
        };
        let module = match self.binding(name.id.as_str()) {
            Some(Binding::Foreign { module }) => module,
            Some(Binding::Value(Value::Stdlib(module))) => module.to_string(),
            _ => return None,
        };
        let top = module.split('.').next().unwrap_or(&module);
        if !QUIET.contains(&top) {
            return None;
        }
        let passes_code = call
            .args
            .iter()
            .chain(call.keywords.iter().map(|k| &k.value))
            .any(|arg| match arg {
                Expr::Lambda(_) => true,
                Expr::Name(n) => matches!(
                    self.binding(n.id.as_str()),
                    Some(Binding::Value(Value::Function(_)))
                ),
                _ => false,
            });
        (!passes_code).then_some(module)
    }
}

/// How a warning names a statement moat does not read.
fn describe_stmt(stmt: &Stmt) -> String {
    match stmt {
        Stmt::For(_) => "`for` loop".to_string(),
        Stmt::AsyncFor(_) => "`async for` loop".to_string(),
        Stmt::While(_) => "`while` loop".to_string(),
        Stmt::FunctionDef(def) => format!("function `{}`", def.name.as_str()),
        Stmt::AsyncFunctionDef(def) => format!("async function `{}`", def.name.as_str()),
        Stmt::ClassDef(def) => format!("class `{}`", def.name.as_str()),
        Stmt::If(_) => "`if` statement".to_string(),
        Stmt::With(_) | Stmt::AsyncWith(_) => "`with` block".to_string(),
        Stmt::Try(_) | Stmt::TryStar(_) => "`try` block".to_string(),
        Stmt::Match(_) => "`match` statement".to_string(),
        Stmt::Delete(_) => "`del`".to_string(),
        Stmt::Raise(_) => "`raise`".to_string(),
        Stmt::TypeAlias(_) => "type alias".to_string(),
        _ => "statement".to_string(),
    }
}
