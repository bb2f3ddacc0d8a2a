//! Iterating over known values: tuples, lists, sets, dictionaries (their
//! keys), strings and `range`s, for `for` loops, comprehensions, `*`
//! spreading and the built-ins that take an iterable. A `range` is walked
//! without being built, so `for i in range(10**12)` meets the step limit,
//! not the memory one.

use super::eval::Display;
use super::reader::{Reader, code, span_of};
use super::values::{SLOT_BYTES, Value, range_len};
use crate::span::Span;
use rustpython_parser::ast::{Comprehension, Expr};

/// Items of an iterable, one at a time.
pub(super) enum Items {
    Listed(std::vec::IntoIter<Value>),
    Range { next: i64, left: u64, step: i64 },
}

impl Iterator for Items {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        match self {
            Items::Listed(items) => items.next(),
            Items::Range { next, left, step } => {
                if *left == 0 {
                    return None;
                }
                let value = *next;
                *left -= 1;
                *next = next.wrapping_add(*step);
                Some(Value::Int(value))
            }
        }
    }
}

impl Reader<'_> {
    /// The items of `value`, one at a time; `None` with a warning when it
    /// is not something moat can iterate over.
    pub(super) fn items_of(&mut self, value: &Value, span: Span) -> Option<Items> {
        let listed = match value {
            Value::Range(start, stop, step) => {
                return Some(Items::Range {
                    next: *start,
                    left: range_len(*start, *stop, *step),
                    step: *step,
                });
            }
            Value::Tuple(_) | Value::List(_) | Value::Set(_) => value.items().unwrap_or_default(),
            Value::Dict(dict) => dict.borrow().keys(),
            Value::Str(text) => {
                if !self.walkable(value, span) {
                    return None;
                }
                let chars: Vec<Value> = text.chars().map(|c| Value::str(c.to_string())).collect();
                if !self.charge(chars.len().saturating_mul(SLOT_BYTES), span) {
                    return None;
                }
                chars
            }
            other => {
                let what = other.describe(&self.objects);
                self.warn(
                    code::SKIPPED,
                    span,
                    format!("skipped iterating over {what}: moat iterates over tuples, lists, sets, dictionaries, strings and `range`"),
                );
                return None;
            }
        };
        Some(Items::Listed(listed.into_iter()))
    }

    /// Every item of `value`, built (and charged to the budget).
    pub(super) fn iterate(&mut self, value: &Value, span: Span) -> Option<Vec<Value>> {
        if let Value::Range(start, stop, step) = value {
            let len = range_len(*start, *stop, *step);
            let bytes = usize::try_from(len)
                .unwrap_or(usize::MAX)
                .saturating_mul(SLOT_BYTES * 2);
            if !self.charge(bytes, span) {
                return None;
            }
        }
        Some(self.items_of(value, span)?.collect())
    }

    /// Binds a loop target (`x`, `k, v`, `(a, (b, c))`) to `value`; in a
    /// comprehension, in its own scope.
    pub(super) fn bind_target(
        &mut self,
        target: &Expr,
        value: Option<Value>,
        stmt_span: Span,
        comprehension: bool,
        depth: usize,
    ) {
        match target {
            Expr::Name(name) if comprehension => match value {
                Some(value) => self.bind_comprehension(name.id.as_str(), value),
                None => self.bind(name.id.as_str(), None, stmt_span),
            },
            Expr::Tuple(_) | Expr::List(_) if comprehension => {
                let targets = match target {
                    Expr::Tuple(t) => &t.elts,
                    Expr::List(l) => &l.elts,
                    _ => return,
                };
                let values = self.unpack(targets, value, span_of(target));
                for (target, value) in targets.iter().zip(values) {
                    self.bind_target(target, value, stmt_span, true, depth + 1);
                }
            }
            Expr::Starred(starred) if comprehension => {
                self.bind_target(&starred.value, value, stmt_span, true, depth + 1);
            }
            _ => self.assign(target, value, stmt_span, stmt_span, depth),
        }
    }

    /// `value` spread over `targets`, one value each (a `*rest` target gets
    /// a list of what the others leave); `None`s after a warning when the
    /// counts do not fit.
    pub(super) fn unpack(
        &mut self,
        targets: &[Expr],
        value: Option<Value>,
        span: Span,
    ) -> Vec<Option<Value>> {
        let count = targets.len();
        let Some(value) = value else {
            return vec![None; count];
        };
        let items = match &value {
            Value::Tuple(_) | Value::List(_) => value.items(),
            Value::Str(_) | Value::Dict(_) | Value::Set(_) | Value::Range(..) => {
                self.iterate(&value, span)
            }
            _ => None,
        };
        let Some(mut items) = items else {
            let what = value.describe(&self.objects);
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped unpacking {what} into {count} names"),
            );
            return vec![None; count];
        };
        let starred = targets.iter().position(|t| matches!(t, Expr::Starred(_)));
        let fits = match starred {
            Some(_) => items.len() + 1 >= count,
            None => items.len() == count,
        };
        if !fits {
            self.warn(
                code::PYTHON_ERROR,
                span,
                format!(
                    "skipped unpacking {} values into {count} names (Python raises `ValueError`)",
                    items.len()
                ),
            );
            return vec![None; count];
        }
        let Some(star) = starred else {
            return items.into_iter().map(Some).collect();
        };
        let after = count - star - 1;
        let tail = items.split_off(items.len() - after);
        let middle = items.split_off(star);
        let rest = self.build(middle, Display::List, span);
        items
            .into_iter()
            .map(Some)
            .chain(std::iter::once(rest))
            .chain(tail.into_iter().map(Some))
            .collect()
    }

    /// `[elt for target in iter if cond ...]` and its set, dictionary and
    /// generator forms (a generator is built at once, as a list).
    pub(super) fn comprehension(
        &mut self,
        elt: &Expr,
        value: Option<&Expr>,
        generators: &[Comprehension],
        display: Display,
        span: Span,
        depth: usize,
    ) -> Option<Value> {
        let mut out: Vec<Value> = Vec::new();
        let mut entries: Vec<(Value, Value)> = Vec::new();
        // the first iterable is evaluated where the comprehension is
        let first = generators.first()?;
        let iterable = self.eval(&first.iter, depth)?;
        if let Some(frame) = self.frame_mut() {
            frame.comprehensions.push(Default::default());
        }
        let complete = self.generate(
            elt,
            value,
            generators,
            0,
            Some(iterable),
            &mut out,
            &mut entries,
            depth,
        );
        if let Some(frame) = self.frame_mut() {
            frame.comprehensions.pop();
        }
        if !complete {
            return None;
        }
        match value {
            Some(_) => self.build_dict(entries, span),
            None => self.build(out, display, span),
        }
    }

    /// Runs generator `index` (and those after it) of a comprehension;
    /// false when something could not be read.
    #[allow(clippy::too_many_arguments)]
    fn generate(
        &mut self,
        elt: &Expr,
        value: Option<&Expr>,
        generators: &[Comprehension],
        index: usize,
        iterable: Option<Value>,
        out: &mut Vec<Value>,
        entries: &mut Vec<(Value, Value)>,
        depth: usize,
    ) -> bool {
        let Some(generator) = generators.get(index) else {
            match value {
                Some(value) => {
                    let key = self.eval(elt, depth);
                    let value = self.eval(value, depth);
                    match (key, value) {
                        (Some(key), Some(value)) => entries.push((key, value)),
                        _ => return false,
                    }
                }
                None => match self.eval(elt, depth) {
                    Some(item) => {
                        if !self.charge(item.size().saturating_add(SLOT_BYTES), span_of(elt)) {
                            return false;
                        }
                        out.push(item)
                    }
                    None => return false,
                },
            }
            return true;
        };
        let iter_span = span_of(&generator.iter);
        if generator.is_async {
            self.warn(code::SKIPPED, iter_span, "skipped an `async` comprehension");
            return false;
        }
        let iterable = match iterable {
            Some(iterable) => iterable,
            None => match self.eval(&generator.iter, depth) {
                Some(iterable) => iterable,
                None => return false,
            },
        };
        let Some(items) = self.items_of(&iterable, iter_span) else {
            return false;
        };
        for item in items {
            if !self.tick(1, iter_span) {
                return false;
            }
            self.bind_target(&generator.target, Some(item), iter_span, true, depth);
            let mut keep = true;
            for condition in &generator.ifs {
                let Some(test) = self.eval(condition, depth) else {
                    return false;
                };
                match self.truth(&test, span_of(condition)) {
                    Some(true) => {}
                    Some(false) => {
                        keep = false;
                        break;
                    }
                    None => return false,
                }
            }
            if keep && !self.generate(elt, value, generators, index + 1, None, out, entries, depth)
            {
                return false;
            }
        }
        true
    }
}
