//! Evaluating expressions without running Python: literals, containers,
//! names, operators, comparisons, f-strings, comprehensions and calls, on
//! values known from the script itself. Anything else is a warning, and the
//! expression has no value. Every `None` returned here comes with at least
//! one warning (or the error that stopped the reading).

use super::format::format_value;
use super::reader::{Reader, WITHOUT_RUNNING, code, span_of};
use super::values::{Dict, MAX_KEY_BYTES, Seq, Value, is_key};
use crate::span::Span;
use rustpython_parser::ast::{
    BoolOp, Constant, ConversionFlag, Expr, ExprBoolOp, ExprDict, ExprJoinedStr, bigint::BigInt,
};
use std::rc::Rc;

/// How deep this reader follows nested expressions (and statements) in one
/// function. The guard has already refused deeper nesting than the parser
/// can take; this bounds our own stack.
pub(super) const MAX_EVAL_DEPTH: usize = 100;

/// Which container a display builds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Display {
    Tuple,
    List,
    Set,
}

impl Reader<'_> {
    pub(super) fn eval(&mut self, expr: &Expr, depth: usize) -> Option<Value> {
        let span = span_of(expr);
        if self.stopped {
            return None;
        }
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
            Expr::BoolOp(boolop) => self.boolop(boolop, depth),
            Expr::Compare(compare) => self.compare(compare, depth),
            Expr::IfExp(ifexp) => {
                let test = self.eval(&ifexp.test, depth)?;
                match self.truth(&test, span_of(&*ifexp.test))? {
                    true => self.eval(&ifexp.body, depth),
                    false => self.eval(&ifexp.orelse, depth),
                }
            }
            Expr::List(list) => self.display(&list.elts, Display::List, span, depth),
            Expr::Tuple(tuple) => self.display(&tuple.elts, Display::Tuple, span, depth),
            Expr::Set(set) => self.display(&set.elts, Display::Set, span, depth),
            Expr::Dict(dict) => self.dict(dict, span, depth),
            Expr::Name(name) => self.lookup(name.id.as_str(), span),
            Expr::Attribute(attribute) => {
                let base = self.eval(&attribute.value, depth)?;
                self.attribute_of(base, attribute)
            }
            Expr::Subscript(subscript) => self.subscript(subscript, depth),
            Expr::Call(call) => self.call(call, depth),
            Expr::Lambda(lambda) => Some(self.lambda(lambda, depth)),
            Expr::ListComp(comp) => self.comprehension(
                &comp.elt,
                None,
                &comp.generators,
                Display::List,
                span,
                depth,
            ),
            Expr::GeneratorExp(comp) => self.comprehension(
                &comp.elt,
                None,
                &comp.generators,
                Display::List,
                span,
                depth,
            ),
            Expr::SetComp(comp) => {
                self.comprehension(&comp.elt, None, &comp.generators, Display::Set, span, depth)
            }
            Expr::DictComp(comp) => self.comprehension(
                &comp.key,
                Some(&comp.value),
                &comp.generators,
                Display::List,
                span,
                depth,
            ),
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
                let values = values.into_iter().collect::<Option<Vec<_>>>()?;
                return self.build(values, Display::Tuple, span);
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

    /// A tuple, list or set display: every item, or `None` if any could not
    /// be read (each one is reported). `*items` spreads a known iterable.
    fn display(
        &mut self,
        items: &[Expr],
        display: Display,
        span: Span,
        depth: usize,
    ) -> Option<Value> {
        let mut values = Vec::with_capacity(items.len());
        let mut complete = true;
        for item in items {
            if let Expr::Starred(starred) = item {
                let spread = self
                    .eval(&starred.value, depth)
                    .and_then(|value| self.iterate(&value, span_of(item)));
                match spread {
                    Some(spread) => values.extend(spread),
                    None => complete = false,
                }
                continue;
            }
            match self.eval(item, depth) {
                Some(value) => values.push(value),
                None => complete = false,
            }
        }
        if !complete {
            return None;
        }
        self.build(values, display, span)
    }

    /// A new container of `items`, charged to the budget at its logical size.
    pub(super) fn build(
        &mut self,
        items: Vec<Value>,
        display: Display,
        span: Span,
    ) -> Option<Value> {
        let seq = Seq::new(items);
        if !self.charge_container(seq.size, seq.depth, span) {
            return None;
        }
        match display {
            Display::Tuple => Some(Value::Tuple(Rc::new(seq))),
            Display::List => Some(self.new_list(seq)),
            Display::Set => {
                let mut set = Dict::new();
                for item in seq.items {
                    if !is_key(&item) {
                        self.not_a_key(&item, span);
                        return None;
                    }
                    set.insert(item, Value::None);
                }
                Some(self.new_dict(set, true))
            }
        }
    }

    /// A new dictionary of `entries`, charged like a container.
    pub(super) fn build_dict(&mut self, entries: Vec<(Value, Value)>, span: Span) -> Option<Value> {
        let mut dict = Dict::new();
        for (key, value) in entries {
            if !is_key(&key) {
                self.not_a_key(&key, span);
                return None;
            }
            dict.insert(key, value);
        }
        if !self.charge_container(dict.size, dict.depth, span) {
            return None;
        }
        Some(self.new_dict(dict, false))
    }

    /// Warns that `key` cannot be a dictionary key or set item.
    pub(super) fn not_a_key(&mut self, key: &Value, span: Span) {
        let what = key.describe(&self.objects);
        let message = if key.size() > MAX_KEY_BYTES {
            format!(
                "skipped a dictionary or set: a key of more than {MAX_KEY_BYTES} bytes is more than moat compares"
            )
        } else {
            format!(
                "skipped a dictionary or set: {what} cannot be a key (Python raises `TypeError`)"
            )
        };
        self.warn(code::PYTHON_ERROR, span, message);
    }

    /// `{key: value, **other}`.
    fn dict(&mut self, dict: &ExprDict, span: Span, depth: usize) -> Option<Value> {
        let mut entries: Vec<(Value, Value)> = Vec::with_capacity(dict.values.len());
        let mut complete = true;
        for (key, value) in dict.keys.iter().zip(&dict.values) {
            let Some(key) = key else {
                // `**other`: its entries, in order
                match self.eval(value, depth) {
                    Some(Value::Dict(other)) => entries.extend(other.borrow().entries.clone()),
                    Some(other) => {
                        let what = other.describe(&self.objects);
                        self.warn(
                            code::PYTHON_ERROR,
                            span_of(value),
                            format!("skipped `**` of {what}: it is not a dictionary"),
                        );
                        complete = false;
                    }
                    None => complete = false,
                }
                continue;
            };
            let key = self.eval(key, depth);
            let value = self.eval(value, depth);
            match (key, value) {
                (Some(key), Some(value)) => entries.push((key, value)),
                _ => complete = false,
            }
        }
        if !complete {
            return None;
        }
        self.build_dict(entries, span)
    }

    /// `a and b`, `a or b`: Python's short circuit, on truth values known.
    fn boolop(&mut self, boolop: &ExprBoolOp, depth: usize) -> Option<Value> {
        let mut last = None;
        for operand in &boolop.values {
            let value = self.eval(operand, depth)?;
            let truth = self.truth(&value, span_of(operand))?;
            let decided = match boolop.op {
                BoolOp::And => !truth,
                BoolOp::Or => truth,
            };
            if decided {
                return Some(value);
            }
            last = Some(value);
        }
        last
    }

    /// The truth value of `value`, or a warning when it depends on running.
    pub(super) fn truth(&mut self, value: &Value, span: Span) -> Option<bool> {
        let truth = value.truthy();
        if truth.is_none() {
            let what = value.describe(&self.objects);
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped a condition on {what}: its truth value is not known without running the script"),
            );
        }
        truth
    }

    /// f-strings whose fields are strings, numbers, booleans or `None`.
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
        let value = self.eval(&field.value, depth)?;
        let value = match field.conversion {
            ConversionFlag::None => value,
            ConversionFlag::Str => Value::Str(self.text_of(&value, span)?),
            ConversionFlag::Repr => match repr(&value) {
                Some(text) => Value::str(text),
                None => {
                    let what = value.describe(&self.objects);
                    self.warn(
                        code::SKIPPED,
                        span,
                        format!("skipped `!r` of {what}: moat writes out strings and numbers only"),
                    );
                    return None;
                }
            },
            ConversionFlag::Ascii => {
                self.warn(code::SKIPPED, span, "skipped an f-string field with `!a`");
                return None;
            }
        };
        let Some(spec) = &field.format_spec else {
            return self.text_of(&value, span);
        };
        let spec = match self.eval(spec, depth)? {
            Value::Str(spec) => spec,
            _ => return None,
        };
        self.formatted(&value, &spec, span)
    }

    /// `format(value, spec)`, or `None` with a warning.
    pub(super) fn formatted(&mut self, value: &Value, spec: &str, span: Span) -> Option<Rc<str>> {
        match format_value(value, spec) {
            Some(text) => Some(text.into()),
            None => {
                let what = value.describe(&self.objects);
                self.warn(
                    code::SKIPPED,
                    span,
                    format!("skipped formatting {what} with `{spec}`: moat formats strings and numbers with fill, alignment, width, precision and the types `s`, `d`, `f`, `x`, `o`, `b`, `%`"),
                );
                None
            }
        }
    }

    /// What `str(value)` gives, for the values whose text does not depend on
    /// Python's object printing; `None` with a warning for the others.
    pub(super) fn text_of(&mut self, value: &Value, span: Span) -> Option<Rc<str>> {
        let text = interpolate(value);
        if text.is_none() {
            let what = value.describe(&self.objects);
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped the text of {what}: moat only writes out strings, numbers, booleans and `None`"),
            );
        }
        text
    }
}

/// The text Python prints for `value`, for strings, numbers and constants.
pub(super) fn interpolate(value: &Value) -> Option<Rc<str>> {
    match value {
        Value::Str(s) => Some(Rc::clone(s)),
        Value::Int(i) => Some(i.to_string().into()),
        Value::Float(f) => float_text(*f).map(Into::into),
        Value::Bool(true) => Some("True".into()),
        Value::Bool(false) => Some("False".into()),
        Value::None => Some("None".into()),
        _ => None,
    }
}

/// Python's `repr`, for strings that need no escape and the values whose
/// `repr` is their text.
pub(super) fn repr(value: &Value) -> Option<String> {
    match value {
        Value::Str(text) => {
            let plain = text.chars().all(|c| !c.is_control() && c != '\\');
            match (plain, text.contains('\''), text.contains('"')) {
                (true, false, _) => Some(format!("'{text}'")),
                (true, true, false) => Some(format!("\"{text}\"")),
                _ => None,
            }
        }
        Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::None => {
            interpolate(value).map(|t| t.to_string())
        }
        _ => None,
    }
}

/// A float as Python's `repr` writes it, where Rust's shortest form agrees:
/// `1.0`, `0.25`, `1e-05` is left out.
fn float_text(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let magnitude = f.abs();
    if f.fract() == 0.0 && magnitude < 1e16 {
        return Some(format!("{f:.1}"));
    }
    (1e-4..1e16).contains(&magnitude).then(|| format!("{f}"))
}

/// How a warning names an expression moat does not evaluate.
pub(super) fn describe_expr(expr: &Expr) -> &'static str {
    match expr {
        Expr::Starred(_) => "`*` unpacking",
        Expr::NamedExpr(_) => "a `:=` assignment",
        Expr::Await(_) => "an `await`",
        Expr::Yield(_) | Expr::YieldFrom(_) => "a `yield`",
        Expr::Slice(_) => "a slice",
        _ => "an expression",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_python_prints_them() {
        assert_eq!(float_text(1.0).as_deref(), Some("1.0"));
        assert_eq!(float_text(0.25).as_deref(), Some("0.25"));
        assert_eq!(float_text(-3.5).as_deref(), Some("-3.5"));
        assert_eq!(float_text(1e-5), None);
        assert_eq!(float_text(f64::NAN), None);
    }
}
