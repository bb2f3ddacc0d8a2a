//! Evaluating expressions without running Python: literals, names bound
//! earlier, string and integer arithmetic, f-strings, enumeration members and
//! constructor calls. Anything else is a warning, and the expression has no
//! value. Every `None` returned here comes with at least one warning.

use super::reader::{Reader, WITHOUT_RUNNING, code, span_of};
use super::scope::{PYTM_EXPORTS, pytm_export};
use super::values::Value;
use crate::diag::did_you_mean;
use crate::span::Span;
use rustpython_parser::ast::{
    Constant, ConversionFlag, Expr, ExprAttribute, ExprBinOp, ExprJoinedStr, ExprUnaryOp, Operator,
    UnaryOp, bigint::BigInt,
};
use std::rc::Rc;

/// How deep this reader follows nested expressions. The guard has already
/// refused deeper nesting than the parser can take; this bounds our own stack.
pub(super) const MAX_EVAL_DEPTH: usize = 100;

impl Reader<'_> {
    pub(super) fn eval(&mut self, expr: &Expr, depth: usize) -> Option<Value> {
        let span = span_of(expr);
        if depth > MAX_EVAL_DEPTH {
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped an expression nested deeper than {MAX_EVAL_DEPTH} levels"),
            );
            return None;
        }
        let depth = depth + 1;
        match expr {
            Expr::Constant(constant) => self.constant(&constant.value, span),
            Expr::JoinedStr(fstring) => self.fstring(fstring, depth),
            Expr::BinOp(binop) => self.binop(binop, depth),
            Expr::UnaryOp(unary) => self.unary(unary, depth),
            Expr::List(list) => self.sequence(&list.elts, depth),
            Expr::Tuple(tuple) => self.sequence(&tuple.elts, depth),
            Expr::Set(set) => self.sequence(&set.elts, depth),
            Expr::Name(name) => self.lookup(name.id.as_str(), span),
            Expr::Attribute(attribute) => {
                let base = self.eval(&attribute.value, depth)?;
                self.attribute_of(base, attribute)
            }
            Expr::Call(call) => self.call(call, depth),
            other => {
                let what = describe_expr(other);
                self.warn(
                    code::SKIPPED,
                    span,
                    format!("skipped {what}: {WITHOUT_RUNNING}"),
                );
                None
            }
        }
    }

    fn constant(&mut self, constant: &Constant, span: Span) -> Option<Value> {
        let unsupported = match constant {
            Constant::None => return Some(Value::None),
            Constant::Bool(b) => return Some(Value::Bool(*b)),
            Constant::Str(s) => return Some(Value::str(s.as_str())),
            Constant::Float(f) => return Some(Value::Float(*f)),
            Constant::Int(i) => return self.int(i, span),
            Constant::Tuple(items) => {
                let values = items
                    .iter()
                    .map(|item| self.constant(item, span))
                    .collect::<Vec<_>>();
                return values
                    .into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(Value::list);
            }
            Constant::Bytes(_) => "a bytes literal",
            Constant::Complex { .. } => "a complex number",
            Constant::Ellipsis => "`...`",
        };
        self.warn(
            code::SKIPPED,
            span,
            format!("skipped {unsupported}: no pytm attribute takes one"),
        );
        None
    }

    fn int(&mut self, value: &BigInt, span: Span) -> Option<Value> {
        match i64::try_from(value) {
            Ok(i) => Some(Value::Int(i)),
            Err(_) => {
                self.warn(
                    code::SKIPPED,
                    span,
                    "skipped an integer that does not fit in 64 bits",
                );
                None
            }
        }
    }

    /// Every item, or `None` if any could not be read (each one is reported).
    fn sequence(&mut self, items: &[Expr], depth: usize) -> Option<Value> {
        let mut values = Vec::with_capacity(items.len());
        let mut complete = true;
        for item in items {
            if let Expr::Starred(starred) = item {
                self.warn(
                    code::SKIPPED,
                    span_of(starred),
                    format!("skipped `*` unpacking: {WITHOUT_RUNNING}"),
                );
                complete = false;
                continue;
            }
            match self.eval(item, depth) {
                Some(value) => values.push(value),
                None => complete = false,
            }
        }
        complete.then(|| Value::list(values))
    }

    /// f-strings whose fields are strings, numbers or booleans.
    fn fstring(&mut self, fstring: &ExprJoinedStr, depth: usize) -> Option<Value> {
        let mut out = String::new();
        let mut complete = true;
        for part in &fstring.values {
            let Some(text) = self.fstring_part(part, depth) else {
                complete = false;
                continue;
            };
            if complete && self.charge(text.len(), span_of(part)) {
                out.push_str(&text);
            } else {
                complete = false;
            }
        }
        complete.then(|| Value::str(out))
    }

    /// The text of one part of an f-string, or `None` with a warning.
    fn fstring_part(&mut self, part: &Expr, depth: usize) -> Option<Rc<str>> {
        let Expr::FormattedValue(field) = part else {
            // literal text (or a nested f-string) between fields
            return match self.eval(part, depth)? {
                Value::Str(text) => Some(text),
                _ => {
                    self.warn(
                        code::SKIPPED,
                        span_of(part),
                        "skipped an f-string part moat does not understand",
                    );
                    None
                }
            };
        };
        let span = span_of(field);
        if field.format_spec.is_some()
            || !matches!(field.conversion, ConversionFlag::None | ConversionFlag::Str)
        {
            self.warn(
                code::SKIPPED,
                span,
                "skipped an f-string field with a conversion or format spec: moat only inserts plain values",
            );
            return None;
        }
        let value = self.eval(&field.value, depth)?;
        let text = interpolate(&value);
        if text.is_none() {
            let what = value.describe(&self.objects);
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped an f-string field holding {what}: moat only inserts strings, numbers and booleans"),
            );
        }
        text
    }

    fn binop(&mut self, binop: &ExprBinOp, depth: usize) -> Option<Value> {
        let left = self.eval(&binop.left, depth);
        let right = self.eval(&binop.right, depth);
        self.combine(binop.op, left?, right?, span_of(binop))
    }

    /// `left op right` (also for `+=`).
    pub(super) fn combine(
        &mut self,
        op: Operator,
        left: Value,
        right: Value,
        span: Span,
    ) -> Option<Value> {
        let result = match (op, &left, &right) {
            (Operator::Add, Value::Str(a), Value::Str(b)) => {
                if !self.charge(a.len().saturating_add(b.len()), span) {
                    return None;
                }
                Some(Value::str(format!("{a}{b}")))
            }
            (Operator::Add, Value::List(a), Value::List(b)) => {
                let items = a.len().saturating_add(b.len());
                if !self.charge(items.saturating_mul(size_of::<Value>()), span) {
                    return None;
                }
                Some(Value::list(
                    a.iter().chain(b.iter()).cloned().collect::<Vec<_>>(),
                ))
            }
            (Operator::Add, Value::Int(a), Value::Int(b)) => a.checked_add(*b).map(Value::Int),
            (Operator::Sub, Value::Int(a), Value::Int(b)) => a.checked_sub(*b).map(Value::Int),
            (Operator::Mult, Value::Int(a), Value::Int(b)) => a.checked_mul(*b).map(Value::Int),
            _ => {
                let symbol = operator_symbol(op);
                let (a, b) = (left.describe(&self.objects), right.describe(&self.objects));
                self.warn(
                    code::SKIPPED,
                    span,
                    format!("skipped `{symbol}` of {a} and {b}: moat only joins strings and lists and adds, subtracts and multiplies integers"),
                );
                return None;
            }
        };
        if result.is_none() {
            self.warn(
                code::SKIPPED,
                span,
                "skipped an integer expression that overflows 64 bits",
            );
        }
        result
    }

    fn unary(&mut self, unary: &ExprUnaryOp, depth: usize) -> Option<Value> {
        let operand = self.eval(&unary.operand, depth)?;
        let result = match (unary.op, &operand) {
            (UnaryOp::USub, Value::Int(i)) => i.checked_neg().map(Value::Int),
            (UnaryOp::USub, Value::Float(f)) => Some(Value::Float(-f)),
            (UnaryOp::UAdd, Value::Int(_) | Value::Float(_)) => Some(operand.clone()),
            (UnaryOp::Not, Value::Bool(b)) => Some(Value::Bool(!b)),
            _ => None,
        };
        if result.is_none() {
            let what = operand.describe(&self.objects);
            self.warn(
                code::SKIPPED,
                span_of(unary),
                format!("skipped a unary operator on {what}"),
            );
        }
        result
    }

    /// `base.name` where `base` has been evaluated already.
    pub(super) fn attribute_of(&mut self, base: Value, attribute: &ExprAttribute) -> Option<Value> {
        let name = attribute.attr.as_str();
        let span = span_of(attribute);
        match base {
            Value::Module => {
                let value = pytm_export(name);
                if value.is_none() {
                    let help = did_you_mean(name, PYTM_EXPORTS.iter().copied());
                    self.warn_with_help(
                        code::UNKNOWN_NAME,
                        span,
                        format!("pytm has no `{name}`"),
                        help,
                    );
                }
                value
            }
            Value::Enum(kind) => {
                let member = kind.members().iter().find(|m| **m == name);
                if member.is_none() {
                    let help = did_you_mean(name, kind.members().iter().copied());
                    let enumeration = kind.pytm_name();
                    self.warn_with_help(
                        code::UNKNOWN_MEMBER,
                        span,
                        format!("`{enumeration}` has no member `{name}`"),
                        help,
                    );
                }
                member.map(|m| Value::Member(kind, m))
            }
            Value::Obj(id) => self.read_attribute(id, name, span),
            Value::Unsupported(pytm_name) => {
                self.warn(
                    code::UNSUPPORTED,
                    span,
                    format!(
                        "skipped `{pytm_name}.{name}`: moat does not read pytm's `{pytm_name}`"
                    ),
                );
                None
            }
            other => {
                let what = other.describe(&self.objects);
                self.warn(
                    code::SKIPPED,
                    span,
                    format!("skipped reading `{name}` of {what}: {WITHOUT_RUNNING}"),
                );
                None
            }
        }
    }

    /// Reading an object's attribute back (`web.name`, `flow.source`).
    fn read_attribute(&mut self, id: usize, name: &str, span: Span) -> Option<Value> {
        if matches!(name, "name" | "description") {
            let text = |obj: &super::objects::Obj| match name {
                "name" => obj.name.clone(),
                _ => obj.description.clone(),
            };
            let len = self.obj(id).map_or(0, |o| text(o).len());
            // copying a long name many times is building, too
            if !self.charge(len, span) {
                return None;
            }
            return self.obj(id).map(|o| Value::str(text(o)));
        }
        let obj = self.obj(id)?;
        let value = match name {
            "inBoundary" => Some(obj.in_boundary.map_or(Value::None, |(b, _)| Value::Obj(b))),
            "source" => obj.endpoints.map(|(source, _)| Value::Obj(source)),
            "sink" => obj.endpoints.map(|(_, sink)| Value::Obj(sink)),
            _ => None,
        };
        if value.is_none() {
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped reading `{name}` back: moat reads only `name`, `description`, `inBoundary`, `source` and `sink` of objects"),
            );
        }
        value
    }
}

/// The text an f-string inserts for `value`, as Python prints it.
fn interpolate(value: &Value) -> Option<Rc<str>> {
    match value {
        Value::Str(s) => Some(Rc::clone(s)),
        Value::Int(i) => Some(i.to_string().into()),
        Value::Bool(true) => Some("True".into()),
        Value::Bool(false) => Some("False".into()),
        Value::None => Some("None".into()),
        _ => None,
    }
}

fn operator_symbol(op: Operator) -> &'static str {
    match op {
        Operator::Add => "+",
        Operator::Sub => "-",
        Operator::Mult => "*",
        Operator::MatMult => "@",
        Operator::Div => "/",
        Operator::Mod => "%",
        Operator::Pow => "**",
        Operator::LShift => "<<",
        Operator::RShift => ">>",
        Operator::BitOr => "|",
        Operator::BitXor => "^",
        Operator::BitAnd => "&",
        Operator::FloorDiv => "//",
    }
}

/// How a warning names an expression moat does not evaluate.
fn describe_expr(expr: &Expr) -> &'static str {
    match expr {
        Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::GeneratorExp(_) => {
            "a comprehension"
        }
        Expr::Lambda(_) => "a `lambda`",
        Expr::Dict(_) => "a dictionary",
        Expr::IfExp(_) => "a conditional expression",
        Expr::BoolOp(_) => "an `and`/`or` expression",
        Expr::Compare(_) => "a comparison",
        Expr::Subscript(_) => "a subscript",
        Expr::Starred(_) => "`*` unpacking",
        Expr::NamedExpr(_) => "a `:=` assignment",
        Expr::Await(_) => "an `await`",
        Expr::Yield(_) | Expr::YieldFrom(_) => "a `yield`",
        Expr::Slice(_) => "a slice",
        _ => "an expression",
    }
}
