//! Lists, dictionaries and sets a script changes in place (`append`,
//! `d[k] = v`). Every one is also kept by the reader until it is done, and
//! emptied then: a script can nest containers through changes their cached
//! depth does not see, or put a list in itself, and dropping such values
//! naively would recurse without bound.

use super::reader::{MAX_VALUE_DEPTH, Reader, code, span_of};
use super::values::{Dict, SLOT_BYTES, Seq, Value, is_key};
use crate::span::Span;
use rustpython_parser::ast::{Expr, ExprSubscript};
use std::cell::RefCell;
use std::rc::Rc;

/// A container the reader keeps until it is done.
pub(super) enum Kept {
    List(Rc<RefCell<Seq>>),
    Dict(Rc<RefCell<Dict>>),
}

impl Reader<'_> {
    /// A new list, kept.
    pub(super) fn new_list(&mut self, seq: Seq) -> Value {
        let list = Rc::new(RefCell::new(seq));
        self.kept.push(Kept::List(Rc::clone(&list)));
        Value::List(list)
    }

    /// A new dictionary (or set), kept.
    pub(super) fn new_dict(&mut self, dict: Dict, set: bool) -> Value {
        let dict = Rc::new(RefCell::new(dict));
        self.kept.push(Kept::Dict(Rc::clone(&dict)));
        if set {
            Value::Set(dict)
        } else {
            Value::Dict(dict)
        }
    }

    /// Accounts for adding `item` to a container now `depth` deep.
    fn charge_item(&mut self, item: &Value, depth: usize, span: Span) -> bool {
        if depth > MAX_VALUE_DEPTH {
            self.stop(
                code::VALUE_TOO_LARGE,
                span,
                format!("the script nests containers more than {MAX_VALUE_DEPTH} levels deep: moat stops reading it here"),
            );
            return false;
        }
        self.charge(item.size().saturating_add(SLOT_BYTES), span)
    }

    /// `list.append(item)`.
    pub(super) fn list_push(&mut self, list: &Rc<RefCell<Seq>>, item: Value, span: Span) -> bool {
        let (size, item_depth) = (item.size(), item.depth());
        let depth = list.borrow().depth.max(item_depth.saturating_add(1));
        if !self.charge_item(&item, depth, span) {
            return false;
        }
        list.borrow_mut().push_measured(item, size, item_depth);
        true
    }

    /// `list.insert(index, item)`.
    pub(super) fn list_insert(
        &mut self,
        list: &Rc<RefCell<Seq>>,
        index: i64,
        item: Value,
        span: Span,
    ) -> bool {
        if !self.list_push(list, item, span) {
            return false;
        }
        let mut seq = list.borrow_mut();
        let len = i64::try_from(seq.items.len()).unwrap_or(i64::MAX) - 1;
        let at = if index < 0 {
            (index + len).max(0)
        } else {
            index.min(len)
        };
        if let (Ok(at), Some(item)) = (usize::try_from(at), seq.items.pop()) {
            let at = at.min(seq.items.len());
            seq.items.insert(at, item);
        }
        true
    }

    /// `list.extend(iterable)` and `list += iterable`.
    pub(super) fn extend_list(
        &mut self,
        list: &Rc<RefCell<Seq>>,
        from: &Value,
        span: Span,
    ) -> bool {
        let Some(items) = self.iterate(from, span) else {
            return false;
        };
        items
            .into_iter()
            .all(|item| self.list_push(list, item, span))
    }

    /// `dict[key] = value`, `set.add(key)`.
    pub(super) fn dict_insert(
        &mut self,
        dict: &Rc<RefCell<Dict>>,
        key: Value,
        value: Value,
        span: Span,
    ) -> bool {
        if !is_key(&key) {
            self.not_a_key(&key, span);
            return false;
        }
        let (size, value_depth) = (value.size(), value.depth());
        let depth = dict
            .borrow()
            .depth
            .max(key.depth().saturating_add(1))
            .max(value_depth.saturating_add(1));
        if !self.charge_item(&key, depth, span) || !self.charge(size, span) {
            return false;
        }
        dict.borrow_mut()
            .insert_measured(key, value, size, value_depth);
        true
    }

    /// `target[index] = value`.
    pub(super) fn assign_subscript(&mut self, target: &ExprSubscript, value: Value, depth: usize) {
        let span = span_of(target);
        let Some(container) = self.eval(&target.value, depth) else {
            return;
        };
        if matches!(&*target.slice, Expr::Slice(_)) {
            self.warn(
                code::SKIPPED,
                span,
                "skipped an assignment to a slice: moat sets single items",
            );
            return;
        }
        let Some(index) = self.eval(&target.slice, depth) else {
            return;
        };
        match (&container, &index) {
            (Value::Dict(dict), _) => {
                self.dict_insert(dict, index, value, span);
            }
            (Value::List(list), Value::Int(i)) => {
                let len = i64::try_from(list.borrow().items.len()).unwrap_or(i64::MAX);
                let at = if *i < 0 { i + len } else { *i };
                if !(0..len).contains(&at) {
                    self.warn(
                        code::PYTHON_ERROR,
                        span,
                        format!("skipped setting index {i}: it is out of range (Python raises `IndexError`)"),
                    );
                    return;
                }
                let size = value.size();
                let new_depth = list.borrow().depth.max(value.depth().saturating_add(1));
                if !self.charge_item(&value, new_depth, span) {
                    return;
                }
                let mut seq = list.borrow_mut();
                seq.size = seq.size.saturating_add(size);
                seq.depth = new_depth;
                if let Some(slot) = usize::try_from(at).ok().and_then(|p| seq.items.get_mut(p)) {
                    *slot = value;
                }
            }
            _ => {
                let what = container.describe(&self.objects);
                self.warn(
                    code::SKIPPED,
                    span,
                    format!("skipped setting an item of {what}: moat sets items of lists and dictionaries"),
                );
            }
        }
    }

    /// Empties every container kept, so that dropping them recurses no deeper
    /// than one level, whatever the script nested.
    pub(super) fn release_containers(&mut self) {
        for kept in std::mem::take(&mut self.kept) {
            match kept {
                Kept::List(list) => drop(std::mem::take(&mut list.borrow_mut().items)),
                Kept::Dict(dict) => drop(std::mem::take(&mut *dict.borrow_mut())),
            }
        }
    }
}
