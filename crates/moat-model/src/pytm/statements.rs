//! Statements: imports, assignments, expression statements and the
//! `if __name__ == "__main__":` guard are read; every other statement is
//! reported as skipped, since reading it would mean running the script.

use super::bound_names::bound_names;
use super::eval::MAX_EVAL_DEPTH;
use super::reader::{Reader, WITHOUT_RUNNING, code, span_of};
use super::values::Value;
use crate::span::Span;
use rustpython_parser::ast::{CmpOp, Constant, Expr, Stmt, StmtAugAssign};

impl Reader<'_> {
    pub(super) fn statements(&mut self, body: &[Stmt], depth: usize) {
        for stmt in body {
            self.statement(stmt, depth);
        }
    }

    fn statement(&mut self, stmt: &Stmt, depth: usize) {
        let span = span_of(stmt);
        if depth > MAX_EVAL_DEPTH {
            let span = self.first_line(span);
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped a statement nested deeper than {MAX_EVAL_DEPTH} levels"),
            );
            return;
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
            Stmt::Expr(expr) => {
                // a call's effect is all that matters; docstrings evaluate quietly
                let _ = self.eval(&expr.value, depth);
            }
            Stmt::If(guard) if is_main_guard(&guard.test) => {
                self.statements(&guard.body, depth + 1);
                if let Some(first) = guard.orelse.first() {
                    let span = self.first_line(span_of(first));
                    self.warn(
                        code::SKIPPED,
                        span,
                        "skipped the `else` branch of `if __name__ == \"__main__\"`: moat reads the script as run directly",
                    );
                }
            }
            Stmt::Pass(_) => {}
            other => {
                let what = describe_stmt(other);
                let span = self.first_line(span);
                self.warn(
                    code::SKIPPED,
                    span,
                    format!("skipped {what}: {WITHOUT_RUNNING}"),
                );
                for name in bound_names(other) {
                    self.bind(&name, None, span);
                }
            }
        }
    }

    /// Binds or sets `target` to `value` (`None`: the value was not read, and
    /// a warning already says why).
    fn assign(
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
                let values: Vec<Option<Value>> = match value {
                    Some(Value::List(items)) if items.len() == targets.len() => {
                        items.iter().cloned().map(Some).collect()
                    }
                    Some(other) => {
                        let what = match other {
                            Value::List(items) => format!("{} values", items.len()),
                            other => other.describe(&self.objects),
                        };
                        self.warn(
                            code::SKIPPED,
                            span_of(target),
                            format!("skipped unpacking {what} into {} names", targets.len()),
                        );
                        vec![None; targets.len()]
                    }
                    None => vec![None; targets.len()],
                };
                for (target, value) in targets.iter().zip(values) {
                    self.assign(target, value, value_span, stmt_span, depth + 1);
                }
            }
            other => {
                let span = span_of(other);
                self.warn(
                    code::SKIPPED,
                    span,
                    format!(
                        "skipped an assignment to a subscript or `*` target: {WITHOUT_RUNNING}"
                    ),
                );
            }
        }
    }

    /// `name += value` for strings, lists and integers.
    fn aug_assign(&mut self, assign: &StmtAugAssign, span: Span, depth: usize) {
        let Expr::Name(name) = &*assign.target else {
            let span = span_of(&*assign.target);
            self.warn(
                code::SKIPPED,
                span,
                "skipped an augmented assignment to an attribute: write `x.attr = value` instead",
            );
            return;
        };
        let name = name.id.as_str();
        let current = self.lookup(name, span_of(&*assign.target));
        let operand = self.eval(&assign.value, depth);
        let value = match (current, operand) {
            (Some(current), Some(operand)) => self.combine(assign.op, current, operand, span),
            _ => None,
        };
        self.bind(name, value, span);
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
}

/// `__name__ == "__main__"`, either way round.
fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(compare) = test else {
        return false;
    };
    let ([CmpOp::Eq], [right]) = (compare.ops.as_slice(), compare.comparators.as_slice()) else {
        return false;
    };
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main =
        |e: &Expr| matches!(e, Expr::Constant(c) if c.value == Constant::Str("__main__".into()));
    (is_name(&compare.left) && is_main(right)) || (is_main(&compare.left) && is_name(right))
}

/// How a warning names a statement moat does not read.
fn describe_stmt(stmt: &Stmt) -> String {
    match stmt {
        Stmt::For(_) | Stmt::AsyncFor(_) => "`for` loop".to_string(),
        Stmt::While(_) => "`while` loop".to_string(),
        Stmt::FunctionDef(def) => format!("function `{}`", def.name.as_str()),
        Stmt::AsyncFunctionDef(def) => format!("function `{}`", def.name.as_str()),
        Stmt::ClassDef(def) => format!("class `{}`", def.name.as_str()),
        Stmt::If(_) => "`if` statement".to_string(),
        Stmt::With(_) | Stmt::AsyncWith(_) => "`with` block".to_string(),
        Stmt::Try(_) | Stmt::TryStar(_) => "`try` block".to_string(),
        Stmt::Match(_) => "`match` statement".to_string(),
        Stmt::Return(_) => "`return`".to_string(),
        Stmt::Delete(_) => "`del`".to_string(),
        Stmt::Raise(_) => "`raise`".to_string(),
        Stmt::Assert(_) => "`assert`".to_string(),
        Stmt::Global(_) => "`global`".to_string(),
        Stmt::Nonlocal(_) => "`nonlocal`".to_string(),
        Stmt::Break(_) => "`break`".to_string(),
        Stmt::Continue(_) => "`continue`".to_string(),
        Stmt::TypeAlias(_) => "type alias".to_string(),
        _ => "statement".to_string(),
    }
}
