//! Operators on values known statically: arithmetic, joining strings and
//! containers, comparisons, membership, and subscripts. Where Python would
//! raise (`1 + "a"`, `[][0]`) or the result depends on running (`is` on
//! strings), the expression is skipped with a warning.

use super::eval::Display;
use super::reader::{Reader, code, span_of};
use super::values::{Value, number, range_len};
use crate::span::Span;
use rustpython_parser::ast::{
    CmpOp, Expr, ExprBinOp, ExprCompare, ExprSubscript, ExprUnaryOp, Operator, UnaryOp,
};
use std::cmp::Ordering;
use std::rc::Rc;

impl Reader<'_> {
    pub(super) fn binop(&mut self, binop: &ExprBinOp, depth: usize) -> Option<Value> {
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
        match (op, &left, &right) {
            (Operator::Add, Value::Str(a), Value::Str(b)) => {
                if !self.charge(a.len().saturating_add(b.len()), span) {
                    return None;
                }
                Some(Value::str(format!("{a}{b}")))
            }
            (Operator::Add, Value::List(_), Value::List(_))
            | (Operator::Add, Value::Tuple(_), Value::Tuple(_)) => {
                let mut items = left.items().unwrap_or_default();
                items.extend(right.items().unwrap_or_default());
                let display = if matches!(left, Value::List(_)) {
                    Display::List
                } else {
                    Display::Tuple
                };
                self.build(items, display, span)
            }
            (Operator::Mult, Value::Str(_) | Value::List(_) | Value::Tuple(_), Value::Int(n))
            | (Operator::Mult, Value::Int(n), Value::Str(_) | Value::List(_) | Value::Tuple(_)) => {
                let repeated = if matches!(left, Value::Int(_)) {
                    &right
                } else {
                    &left
                };
                self.repeat(repeated, *n, span)
            }
            (Operator::Mod, Value::Str(format), _) => self.percent_format(format, &right, span),
            _ => self.arithmetic(op, &left, &right, span),
        }
    }

    /// `"ab" * 3`, `[x] * 3`.
    fn repeat(&mut self, value: &Value, times: i64, span: Span) -> Option<Value> {
        let times = usize::try_from(times).unwrap_or(0);
        if !self.charge(value.size().saturating_mul(times), span) {
            return None;
        }
        match value {
            Value::Str(text) => Some(Value::str(text.repeat(times))),
            _ => {
                let items = value.items().unwrap_or_default();
                let mut repeated = Vec::with_capacity(items.len().saturating_mul(times));
                for _ in 0..times {
                    repeated.extend(items.iter().cloned());
                }
                let display = if matches!(value, Value::List(_)) {
                    Display::List
                } else {
                    Display::Tuple
                };
                self.build(repeated, display, span)
            }
        }
    }

    /// `"%s-%d" % (a, b)`: `%s`, `%d`, `%i` and `%%` only.
    fn percent_format(&mut self, format: &str, args: &Value, span: Span) -> Option<Value> {
        let args = match args {
            Value::Tuple(seq) => seq.items.clone(),
            other => vec![other.clone()],
        };
        let mut args = args.into_iter();
        let mut out = String::new();
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let conversion = chars.next();
            let text = match conversion {
                Some('%') => {
                    out.push('%');
                    continue;
                }
                Some('s') => args.next().as_ref().and_then(super::eval::interpolate),
                Some('d' | 'i') => match args.next() {
                    Some(Value::Int(i)) => Some(i.to_string().into()),
                    Some(Value::Bool(b)) => Some(i64::from(b).to_string().into()),
                    _ => None,
                },
                _ => None,
            };
            let Some(text) = text else {
                self.warn(
                    code::SKIPPED,
                    span,
                    "skipped a `%` format: moat only fills `%s` and `%d` with strings and numbers",
                );
                return None;
            };
            out.push_str(&text);
        }
        if args.next().is_some() {
            self.warn(
                code::PYTHON_ERROR,
                span,
                "skipped a `%` format with more values than fields (Python raises `TypeError`)",
            );
            return None;
        }
        if !self.charge(out.len(), span) {
            return None;
        }
        Some(Value::str(out))
    }

    /// Arithmetic on integers (exact, in 64 bits) and floats.
    fn arithmetic(
        &mut self,
        op: Operator,
        left: &Value,
        right: &Value,
        span: Span,
    ) -> Option<Value> {
        let ints = match (left, right) {
            (Value::Int(a), Value::Int(b)) => Some((*a, *b)),
            (Value::Bool(a), Value::Int(b)) => Some((i64::from(*a), *b)),
            (Value::Int(a), Value::Bool(b)) => Some((*a, i64::from(*b))),
            _ => None,
        };
        let result = if let Some((a, b)) = ints {
            match op {
                Operator::Add => a.checked_add(b).map(Value::Int),
                Operator::Sub => a.checked_sub(b).map(Value::Int),
                Operator::Mult => a.checked_mul(b).map(Value::Int),
                Operator::FloorDiv if b != 0 => floor_div(a, b).map(Value::Int),
                Operator::Mod if b != 0 => a
                    .checked_rem_euclid(b)
                    .map(|r| Value::Int(if b < 0 && r != 0 { r + b } else { r })),
                Operator::Pow if b < 0 => Some(Value::Float((a as f64).powf(b as f64))),
                Operator::Pow => u32::try_from(b)
                    .ok()
                    .and_then(|e| a.checked_pow(e))
                    .map(Value::Int),
                Operator::Div if b != 0 => Some(Value::Float(a as f64 / b as f64)),
                _ => None,
            }
        } else if let (Some(a), Some(b)) = (number(left), number(right)) {
            match op {
                Operator::Add => Some(Value::Float(a + b)),
                Operator::Sub => Some(Value::Float(a - b)),
                Operator::Mult => Some(Value::Float(a * b)),
                Operator::Div if b != 0.0 => Some(Value::Float(a / b)),
                _ => None,
            }
        } else {
            None
        };
        if result.is_none() {
            let symbol = operator_symbol(op);
            let message = match (ints, op) {
                (Some((_, 0)), Operator::Div | Operator::FloorDiv | Operator::Mod) => {
                    format!("skipped `{symbol}` by zero (Python raises `ZeroDivisionError`)")
                }
                (Some(_), Operator::Add | Operator::Sub | Operator::Mult | Operator::Pow) => {
                    "skipped an integer expression that overflows 64 bits".to_string()
                }
                _ => {
                    let (a, b) = (left.describe(&self.objects), right.describe(&self.objects));
                    format!(
                        "skipped `{symbol}` of {a} and {b}: moat computes numbers that fit in 64 bits and joins strings and containers"
                    )
                }
            };
            self.warn(code::SKIPPED, span, message);
        }
        result
    }

    pub(super) fn unary(&mut self, unary: &ExprUnaryOp, depth: usize) -> Option<Value> {
        let operand = self.eval(&unary.operand, depth)?;
        let result = match (unary.op, &operand) {
            (UnaryOp::USub, Value::Int(i)) => i.checked_neg().map(Value::Int),
            (UnaryOp::USub, Value::Float(f)) => Some(Value::Float(-f)),
            (UnaryOp::UAdd, Value::Int(_) | Value::Float(_)) => Some(operand.clone()),
            (UnaryOp::Not, value) => value.truthy().map(|t| Value::Bool(!t)),
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

    /// `a < b <= c`, `x in items`, `y is None`.
    pub(super) fn compare(&mut self, compare: &ExprCompare, depth: usize) -> Option<Value> {
        let mut left = self.eval(&compare.left, depth)?;
        for (op, right) in compare.ops.iter().zip(&compare.comparators) {
            let right_value = self.eval(right, depth)?;
            let span = span_of(compare);
            let holds = self.compare_values(*op, &left, &right_value, span)?;
            if !holds {
                return Some(Value::Bool(false));
            }
            left = right_value;
        }
        Some(Value::Bool(true))
    }

    fn compare_values(
        &mut self,
        op: CmpOp,
        left: &Value,
        right: &Value,
        span: Span,
    ) -> Option<bool> {
        // comparing strings costs steps by their length
        let bytes = left.size().saturating_add(right.size());
        if !self.tick(u64::try_from(bytes / 64).unwrap_or(u64::MAX), span) {
            return None;
        }
        let mut fuel = COMPARE_FUEL;
        let result = match op {
            CmpOp::Eq => equal(left, right, &mut fuel),
            CmpOp::NotEq => equal(left, right, &mut fuel).map(|e| !e),
            CmpOp::In => contains(right, left, &mut fuel),
            CmpOp::NotIn => contains(right, left, &mut fuel).map(|c| !c),
            CmpOp::Is => identical(left, right),
            CmpOp::IsNot => identical(left, right).map(|i| !i),
            CmpOp::Lt => order(left, right, &mut fuel).map(|o| o == Ordering::Less),
            CmpOp::LtE => order(left, right, &mut fuel).map(|o| o != Ordering::Greater),
            CmpOp::Gt => order(left, right, &mut fuel).map(|o| o == Ordering::Greater),
            CmpOp::GtE => order(left, right, &mut fuel).map(|o| o != Ordering::Less),
        };
        // a comparison costs steps by the items it looked at
        if !self.tick((COMPARE_FUEL - fuel) / 64, span) {
            return None;
        }
        if result.is_none() {
            let (a, b) = (left.describe(&self.objects), right.describe(&self.objects));
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped a comparison of {a} and {b}: its result is not known without running the script"),
            );
        }
        result
    }

    /// `value[index]`, `value[a:b]`, `mapping[key]`.
    pub(super) fn subscript(&mut self, subscript: &ExprSubscript, depth: usize) -> Option<Value> {
        let span = span_of(subscript);
        let value = self.eval(&subscript.value, depth)?;
        if let Expr::Slice(slice) = &*subscript.slice {
            let bound = |reader: &mut Self, e: &Option<Box<Expr>>| -> Option<Option<i64>> {
                match e.as_deref() {
                    None => Some(None),
                    Some(e) => match reader.eval(e, depth)? {
                        Value::Int(i) => Some(Some(i)),
                        Value::None => Some(None),
                        other => {
                            let what = other.describe(&reader.objects);
                            reader.warn(
                                code::PYTHON_ERROR,
                                span_of(e),
                                format!("skipped a slice bound that is {what}, not an integer"),
                            );
                            None
                        }
                    },
                }
            };
            let lower = bound(self, &slice.lower)?;
            let upper = bound(self, &slice.upper)?;
            let step = bound(self, &slice.step)?;
            return self.slice(&value, lower, upper, step, span);
        }
        let index = self.eval(&subscript.slice, depth)?;
        self.index(&value, &index, span)
    }

    pub(super) fn index(&mut self, value: &Value, index: &Value, span: Span) -> Option<Value> {
        if let Value::Dict(dict) = value {
            let found = dict.borrow().get(index).cloned();
            if found.is_none() {
                self.warn(
                    code::PYTHON_ERROR,
                    span,
                    "skipped a key the dictionary does not hold (Python raises `KeyError`)",
                );
            }
            return found;
        }
        if let Value::Stdlib("os.environ") = value {
            self.warn(
                code::SKIPPED,
                span,
                "skipped `os.environ[...]`: moat does not read the environment; use `os.environ.get(name, default)` for a value moat can take",
            );
            return None;
        }
        let Value::Int(i) = index else {
            let what = index.describe(&self.objects);
            let container = value.describe(&self.objects);
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped indexing {container} with {what}"),
            );
            return None;
        };
        if !self.walkable(value, span) {
            return None;
        }
        let found = match value {
            Value::Str(text) => {
                let chars: Vec<char> = text.chars().collect();
                position(*i, chars.len())
                    .and_then(|p| chars.get(p))
                    .map(|c| Value::str(c.to_string()))
            }
            Value::Range(start, stop, step) => {
                let len = range_len(*start, *stop, *step);
                position(*i, usize::try_from(len).unwrap_or(usize::MAX))
                    .and_then(|p| i64::try_from(p).ok())
                    .and_then(|p| p.checked_mul(*step))
                    .and_then(|offset| start.checked_add(offset))
                    .map(Value::Int)
            }
            Value::Tuple(_) | Value::List(_) => {
                let items = value.items().unwrap_or_default();
                position(*i, items.len()).and_then(|p| items.get(p).cloned())
            }
            other => {
                let what = other.describe(&self.objects);
                self.warn(code::SKIPPED, span, format!("skipped indexing {what}"));
                return None;
            }
        };
        if found.is_none() {
            self.warn(
                code::PYTHON_ERROR,
                span,
                format!("skipped index {i}: it is out of range (Python raises `IndexError`)"),
            );
        }
        found
    }

    fn slice(
        &mut self,
        value: &Value,
        lower: Option<i64>,
        upper: Option<i64>,
        step: Option<i64>,
        span: Span,
    ) -> Option<Value> {
        let step = step.unwrap_or(1);
        if step == 0 {
            self.warn(
                code::PYTHON_ERROR,
                span,
                "skipped a slice with step 0 (Python raises `ValueError`)",
            );
            return None;
        }
        if !self.walkable(value, span) {
            return None;
        }
        let (items, display): (Vec<Value>, Option<Display>) = match value {
            Value::Str(text) => (
                text.chars().map(|c| Value::str(c.to_string())).collect(),
                None,
            ),
            Value::Tuple(seq) => (seq.items.clone(), Some(Display::Tuple)),
            Value::List(_) => (value.items().unwrap_or_default(), Some(Display::List)),
            other => {
                let what = other.describe(&self.objects);
                self.warn(code::SKIPPED, span, format!("skipped slicing {what}"));
                return None;
            }
        };
        let picked = slice_positions(items.len(), lower, upper, step)
            .into_iter()
            .filter_map(|p| items.get(p).cloned())
            .collect::<Vec<_>>();
        match display {
            Some(display) => self.build(picked, display, span),
            None => {
                let text: String = picked
                    .iter()
                    .filter_map(|v| match v {
                        Value::Str(s) => Some(s.to_string()),
                        _ => None,
                    })
                    .collect();
                Some(Value::str(text))
            }
        }
    }
}

/// How many items one comparison may look at; past it the comparison is
/// skipped with a warning, so a loop comparing huge values stays bounded.
pub(super) const COMPARE_FUEL: u64 = 100_000;

/// The longest string moat indexes, slices or iterates over character by
/// character: a model's strings are names and descriptions.
pub(super) const MAX_WALKED_TEXT: usize = 1024 * 1024;

impl Reader<'_> {
    /// Whether `value` may be walked character by character; a warning if not.
    pub(super) fn walkable(&mut self, value: &Value, span: Span) -> bool {
        match value {
            Value::Str(text) if text.len() > MAX_WALKED_TEXT => {
                self.warn(
                    code::SKIPPED,
                    span,
                    format!("skipped indexing or iterating over a string of more than {MAX_WALKED_TEXT} bytes"),
                );
                false
            }
            _ => true,
        }
    }
}

/// Python's `==`: values of different kinds are unequal, numbers compare
/// by value, containers item by item, objects by identity. `None` when
/// Python would ask an object moat does not model, or `fuel` runs out.
pub(super) fn equal(a: &Value, b: &Value, fuel: &mut u64) -> Option<bool> {
    *fuel = fuel.checked_sub(1)?;
    let items_equal = |x: &[Value], y: &[Value], fuel: &mut u64| -> Option<bool> {
        if x.len() != y.len() {
            return Some(false);
        }
        for (x, y) in x.iter().zip(y) {
            if !equal(x, y, fuel)? {
                return Some(false);
            }
        }
        Some(true)
    };
    Some(match (a, b) {
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Tuple(x), Value::Tuple(y)) => {
            return if Rc::ptr_eq(x, y) {
                Some(true)
            } else {
                items_equal(&x.items, &y.items, fuel)
            };
        }
        (Value::List(x), Value::List(y)) => {
            if Rc::ptr_eq(x, y) {
                return Some(true);
            }
            let (x, y) = (x.borrow().items.clone(), y.borrow().items.clone());
            return items_equal(&x, &y, fuel);
        }
        (Value::Set(x), Value::Set(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.entries.len() == y.entries.len() && x.entries.iter().all(|(k, _)| y.get(k).is_some())
        }
        (Value::Dict(x), Value::Dict(y)) => {
            if Rc::ptr_eq(x, y) {
                return Some(true);
            }
            let (x, y) = (x.borrow().clone(), y.borrow().clone());
            if x.entries.len() != y.entries.len() {
                return Some(false);
            }
            for (key, value) in &x.entries {
                match y.get(key) {
                    Some(other) if equal(value, other, fuel)? => {}
                    _ => return Some(false),
                }
            }
            true
        }
        (Value::None, Value::None) => true,
        (Value::Obj(x), Value::Obj(y)) => x == y,
        (Value::Member(kx, x), Value::Member(ky, y)) => kx == ky && x == y,
        (Value::Range(a1, b1, c1), Value::Range(a2, b2, c2)) => (a1, b1, c1) == (a2, b2, c2),
        (Value::Class(x), Value::Class(y)) => x == y,
        (Value::Enum(x), Value::Enum(y)) => x == y,
        (Value::Function(x), Value::Function(y)) => Rc::ptr_eq(x, y),
        (Value::UserModule(x), Value::UserModule(y)) => x == y,
        (Value::Builtin(x), Value::Builtin(y)) => x == y,
        (Value::Stdlib(_) | Value::Method(_), _) | (_, Value::Stdlib(_) | Value::Method(_)) => {
            return None;
        }
        _ => match (number(a), number(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    })
}

/// `needle in haystack`; `None` when it cannot be told.
pub(super) fn contains(haystack: &Value, needle: &Value, fuel: &mut u64) -> Option<bool> {
    match haystack {
        Value::Str(text) => match needle {
            Value::Str(part) => Some(text.contains(&**part)),
            _ => None,
        },
        Value::Dict(dict) | Value::Set(dict) => Some(dict.borrow().get(needle).is_some()),
        Value::Range(start, stop, step) => match needle {
            Value::Int(n) => {
                let inside = if *step > 0 {
                    start <= n && n < stop
                } else {
                    stop < n && n <= start
                };
                Some(inside && (i128::from(*n) - i128::from(*start)) % i128::from(*step) == 0)
            }
            _ => Some(false),
        },
        _ => {
            for item in &haystack.items()? {
                if equal(item, needle, fuel)? {
                    return Some(true);
                }
            }
            Some(false)
        }
    }
}

/// `a is b` where Python's answer does not depend on how it stores values:
/// `None`, booleans, objects and containers.
fn identical(a: &Value, b: &Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::None, _) | (_, Value::None) => matches!((a, b), (Value::None, Value::None)),
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Bool(_), _) | (_, Value::Bool(_)) => false,
        (Value::Obj(x), Value::Obj(y)) => x == y,
        (Value::Member(kx, x), Value::Member(ky, y)) => kx == ky && x == y,
        (Value::List(x), Value::List(y)) => Rc::ptr_eq(x, y),
        (Value::Dict(x), Value::Dict(y)) => Rc::ptr_eq(x, y),
        (Value::Class(x), Value::Class(y)) => x == y,
        (Value::Function(x), Value::Function(y)) => Rc::ptr_eq(x, y),
        _ => return None,
    })
}

/// Python's `<` family on numbers, strings and sequences of them.
pub(super) fn order(a: &Value, b: &Value, fuel: &mut u64) -> Option<Ordering> {
    *fuel = fuel.checked_sub(1)?;
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::Tuple(_), Value::Tuple(_)) | (Value::List(_), Value::List(_)) => {
            let (x, y) = (a.items()?, b.items()?);
            for (x, y) in x.iter().zip(&y) {
                if equal(x, y, fuel)? {
                    continue;
                }
                return order(x, y, fuel);
            }
            Some(x.len().cmp(&y.len()))
        }
        _ => number(a)?.partial_cmp(&number(b)?),
    }
}

/// Python's `a // b`: the quotient rounded down (Euclid's rounds so the
/// remainder is positive, which differs when `b` is negative).
fn floor_div(a: i64, b: i64) -> Option<i64> {
    let q = a.checked_div_euclid(b)?;
    if b < 0 && a.checked_rem_euclid(b)? != 0 {
        q.checked_sub(1)
    } else {
        Some(q)
    }
}

/// The position index `i` (negative from the end) names in `len` items.
fn position(i: i64, len: usize) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let p = if i < 0 { i.checked_add(len)? } else { i };
    (0 <= p && p < len)
        .then(|| usize::try_from(p).ok())
        .flatten()
}

/// The positions `[lower:upper:step]` picks from `len` items, as Python does.
fn slice_positions(len: usize, lower: Option<i64>, upper: Option<i64>, step: i64) -> Vec<usize> {
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    let clamp = |v: i64, low: i64, high: i64| v.max(low).min(high);
    let resolve = |v: i64| if v < 0 { v.saturating_add(len) } else { v };
    let mut out = Vec::new();
    if step > 0 {
        let start = clamp(lower.map_or(0, resolve), 0, len);
        let stop = clamp(upper.map_or(len, resolve), 0, len);
        let mut i = start;
        while i < stop {
            out.extend(usize::try_from(i).ok());
            i = i.saturating_add(step);
        }
    } else {
        let start = clamp(lower.map_or(len - 1, resolve), -1, len - 1);
        let stop = clamp(upper.map_or(-1, resolve), -1, len - 1);
        let mut i = start;
        while i > stop {
            out.extend(usize::try_from(i).ok());
            i = i.saturating_add(step);
        }
    }
    out
}

pub(super) fn operator_symbol(op: Operator) -> &'static str {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_pick_what_python_picks() {
        assert_eq!(slice_positions(5, None, None, 1), [0, 1, 2, 3, 4]);
        assert_eq!(slice_positions(5, Some(1), Some(-1), 1), [1, 2, 3]);
        assert_eq!(slice_positions(5, None, None, -1), [4, 3, 2, 1, 0]);
        assert_eq!(slice_positions(5, None, None, 2), [0, 2, 4]);
        assert_eq!(slice_positions(5, Some(-2), None, 1), [3, 4]);
        assert_eq!(
            slice_positions(3, Some(10), Some(20), 1),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn floor_division_rounds_down_as_python_does() {
        assert_eq!(floor_div(7, 2), Some(3));
        assert_eq!(floor_div(-7, 2), Some(-4));
        assert_eq!(floor_div(7, -2), Some(-4));
        assert_eq!(floor_div(-7, -2), Some(3));
        assert_eq!(floor_div(6, -2), Some(-3));
        assert_eq!(floor_div(i64::MIN, -1), None);
    }

    #[test]
    fn positions_count_from_either_end() {
        assert_eq!(position(0, 3), Some(0));
        assert_eq!(position(-1, 3), Some(2));
        assert_eq!(position(3, 3), None);
        assert_eq!(position(-4, 3), None);
    }

    #[test]
    fn equality_follows_python() {
        let fuel = &mut COMPARE_FUEL.clone();
        assert_eq!(equal(&Value::Int(1), &Value::Float(1.0), fuel), Some(true));
        assert_eq!(equal(&Value::Bool(true), &Value::Int(1), fuel), Some(true));
        assert_eq!(equal(&Value::str("1"), &Value::Int(1), fuel), Some(false));
        let a = Value::tuple(vec![Value::Int(1), Value::str("x")]);
        let b = Value::tuple(vec![Value::Int(1), Value::str("x")]);
        assert_eq!(equal(&a, &b, fuel), Some(true));
        assert_eq!(
            order(&Value::Int(1), &Value::Int(2), fuel),
            Some(Ordering::Less)
        );
        assert_eq!(order(&Value::str("a"), &Value::Int(2), fuel), None);
    }

    #[test]
    fn comparing_huge_shared_values_runs_out_of_fuel() {
        let mut a = Value::str("z");
        let mut b = Value::str("z");
        for _ in 0..30 {
            a = Value::tuple(vec![a.clone(), a]);
            b = Value::tuple(vec![b.clone(), b]);
        }
        let mut fuel = COMPARE_FUEL;
        assert_eq!(equal(&a, &b, &mut fuel), None);
        let mut fuel = COMPARE_FUEL;
        assert_eq!(
            equal(&a, &a, &mut fuel),
            Some(true),
            "the same tuple is equal at once"
        );
    }
}
