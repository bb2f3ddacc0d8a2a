//! Methods of strings, lists, dictionaries and sets a model script uses
//! (`names.append(x)`, `"-".join(parts)`, `config.items()`), and
//! `os.environ.get(name, default)`, which takes the default with a note:
//! moat reads the script, not the environment it would run in.

use super::args::CallArgs;
use super::eval::{Display, interpolate, repr};
use super::format::format_value;
use super::operators::{COMPARE_FUEL, equal};
use super::reader::{Reader, code};
use super::values::{Dict, Value};
use crate::span::Span;
use std::rc::Rc;

impl Reader<'_> {
    pub(super) fn call_method(
        &mut self,
        receiver: &Value,
        name: &'static str,
        args: CallArgs,
        span: Span,
    ) -> Option<Value> {
        if !args.keywords.is_empty() && !matches!(name, "format" | "get") {
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped `{name}(...)` with keyword arguments: moat passes them to `format` only"),
            );
            return None;
        }
        let mut values = Vec::with_capacity(args.positional.len());
        for arg in &args.positional {
            values.push(arg.value.clone()?);
        }
        match receiver {
            Value::Str(text) => self.str_method(text, name, &values, &args, span),
            Value::List(list) => match (name, values.as_slice()) {
                ("append", [item]) => self
                    .list_push(list, item.clone(), span)
                    .then_some(Value::None),
                ("extend", [items]) => self.extend_list(list, items, span).then_some(Value::None),
                ("insert", [Value::Int(at), item]) => self
                    .list_insert(list, *at, item.clone(), span)
                    .then_some(Value::None),
                ("copy", []) => {
                    let items = list.borrow().items.clone();
                    self.build(items, Display::List, span)
                }
                ("index" | "count", [needle]) => {
                    let items = list.borrow().items.clone();
                    self.search(&items, needle, name, span)
                }
                _ => self.bad_method_args(receiver, name, span),
            },
            Value::Tuple(seq) => match (name, values.as_slice()) {
                ("index" | "count", [needle]) => self.search(&seq.items, needle, name, span),
                _ => self.bad_method_args(receiver, name, span),
            },
            Value::Dict(dict) => self.dict_method(dict, name, &values, &args, span),
            Value::Set(set) => match (name, values.as_slice()) {
                ("add", [item]) => self
                    .dict_insert(set, item.clone(), Value::None, span)
                    .then_some(Value::None),
                ("update", [items]) => {
                    let items = self.iterate(items, span)?;
                    for item in items {
                        if !self.dict_insert(set, item, Value::None, span) {
                            return None;
                        }
                    }
                    Some(Value::None)
                }
                ("copy", []) => {
                    let keys = set.borrow().keys();
                    self.build(keys, Display::Set, span)
                }
                _ => self.bad_method_args(receiver, name, span),
            },
            Value::Stdlib("os.environ") if name == "get" => {
                let Some(Value::Str(variable)) = values.first() else {
                    return self.bad_method_args(receiver, name, span);
                };
                let default = values.get(1).cloned().unwrap_or(Value::None);
                self.environment_default(variable, default, "os.environ.get", span)
            }
            _ => self.bad_method_args(receiver, name, span),
        }
    }

    /// `os.environ.get(name, default)` and `os.getenv(name, default)`.
    pub(super) fn environment_default(
        &mut self,
        variable: &str,
        default: Value,
        call: &str,
        span: Span,
    ) -> Option<Value> {
        let shown = match &default {
            Value::Str(text) => format!("\"{text}\""),
            other => {
                interpolate(other).map_or_else(|| other.describe(&self.objects), |t| t.to_string())
            }
        };
        self.note(
            code::ENVIRONMENT,
            span,
            format!("moat does not read the environment: `{call}(\"{variable}\")` takes its default, {shown}"),
        );
        Some(default)
    }

    fn bad_method_args(&mut self, receiver: &Value, name: &str, span: Span) -> Option<Value> {
        let what = receiver.describe(&self.objects);
        self.warn(
            code::SKIPPED,
            span,
            format!("skipped `{name}(...)` of {what}: moat does not call it with these arguments"),
        );
        None
    }

    /// `items.index(x)`, `items.count(x)`.
    fn search(&mut self, items: &[Value], needle: &Value, name: &str, span: Span) -> Option<Value> {
        let mut fuel = COMPARE_FUEL;
        let mut count = 0i64;
        let mut first = None;
        for (index, item) in items.iter().enumerate() {
            let Some(same) = equal(item, needle, &mut fuel) else {
                return self.bad_method_args(&Value::tuple(Vec::new()), name, span);
            };
            if same {
                count += 1;
                first = first.or(Some(index));
            }
        }
        if name == "count" {
            return Some(Value::Int(count));
        }
        match first.and_then(|i| i64::try_from(i).ok()) {
            Some(i) => Some(Value::Int(i)),
            None => {
                self.warn(
                    code::PYTHON_ERROR,
                    span,
                    "skipped `index(...)`: the item is not there (Python raises `ValueError`)",
                );
                None
            }
        }
    }

    fn dict_method(
        &mut self,
        dict: &Rc<std::cell::RefCell<Dict>>,
        name: &str,
        values: &[Value],
        args: &CallArgs,
        span: Span,
    ) -> Option<Value> {
        let receiver = Value::Dict(Rc::clone(dict));
        match (name, values) {
            ("items", []) => {
                let entries = dict.borrow().entries.clone();
                let mut pairs = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    pairs.push(self.build(vec![key, value], Display::Tuple, span)?);
                }
                self.build(pairs, Display::List, span)
            }
            ("keys", []) => {
                let keys = dict.borrow().keys();
                self.build(keys, Display::List, span)
            }
            ("values", []) => {
                let values: Vec<Value> = dict
                    .borrow()
                    .entries
                    .iter()
                    .map(|(_, v)| v.clone())
                    .collect();
                self.build(values, Display::List, span)
            }
            ("get", [key]) | ("get", [key, _]) if args.keywords.is_empty() => {
                let found = dict.borrow().get(key).cloned();
                Some(found.unwrap_or_else(|| values.get(1).cloned().unwrap_or(Value::None)))
            }
            ("setdefault", [key, default]) => {
                let found = dict.borrow().get(key).cloned();
                match found {
                    Some(found) => Some(found),
                    None => self
                        .dict_insert(dict, key.clone(), default.clone(), span)
                        .then(|| default.clone()),
                }
            }
            ("update", [Value::Dict(other)]) => {
                let entries = other.borrow().entries.clone();
                for (key, value) in entries {
                    if !self.dict_insert(dict, key, value, span) {
                        return None;
                    }
                }
                Some(Value::None)
            }
            ("copy", []) => {
                let entries = dict.borrow().entries.clone();
                self.build_dict(entries, span)
            }
            _ => self.bad_method_args(&receiver, name, span),
        }
    }

    fn str_method(
        &mut self,
        text: &Rc<str>,
        name: &str,
        values: &[Value],
        args: &CallArgs,
        span: Span,
    ) -> Option<Value> {
        let receiver = Value::Str(Rc::clone(text));
        let result: Option<Value> = match (name, values) {
            ("format", _) => return self.format(text, values, args, span),
            ("join", [items]) => {
                let items = self.iterate(items, span)?;
                let mut parts = Vec::with_capacity(items.len());
                for item in &items {
                    match item {
                        Value::Str(part) => parts.push(Rc::clone(part)),
                        other => {
                            let what = other.describe(&self.objects);
                            self.warn(
                                code::PYTHON_ERROR,
                                span,
                                format!("skipped `join`: it joins strings, not {what} (Python raises `TypeError`)"),
                            );
                            return None;
                        }
                    }
                }
                let joined = parts.join(text);
                if !self.charge(joined.len(), span) {
                    return None;
                }
                Some(Value::str(joined))
            }
            ("lower", []) => Some(Value::str(text.to_lowercase())),
            ("upper", []) => Some(Value::str(text.to_uppercase())),
            ("strip", []) => Some(Value::str(text.trim())),
            ("lstrip", []) => Some(Value::str(text.trim_start())),
            ("rstrip", []) => Some(Value::str(text.trim_end())),
            ("replace", [Value::Str(from), Value::Str(to)]) if !from.is_empty() => {
                let count = text.matches(&**from).count();
                let grown = count.saturating_mul(to.len());
                if !self.charge(text.len().saturating_add(grown), span) {
                    return None;
                }
                Some(Value::str(text.replace(&**from, to)))
            }
            ("split", []) => {
                let parts = text.split_whitespace().map(Value::str).collect();
                self.build(parts, Display::List, span)
            }
            ("split", [Value::Str(separator)]) if !separator.is_empty() => {
                let parts = text.split(&**separator).map(Value::str).collect();
                self.build(parts, Display::List, span)
            }
            ("startswith", [Value::Str(prefix)]) => Some(Value::Bool(text.starts_with(&**prefix))),
            ("endswith", [Value::Str(suffix)]) => Some(Value::Bool(text.ends_with(&**suffix))),
            ("title", []) => Some(Value::str(title_case(text))),
            ("capitalize", []) => {
                let mut chars = text.chars();
                let capitalized: String = match chars.next() {
                    Some(first) => first
                        .to_uppercase()
                        .chain(chars.flat_map(char::to_lowercase))
                        .collect(),
                    None => String::new(),
                };
                Some(Value::str(capitalized))
            }
            _ => None,
        };
        match result {
            Some(value) => {
                if !self.charge(value.size(), span) {
                    return None;
                }
                Some(value)
            }
            None => self.bad_method_args(&receiver, name, span),
        }
    }

    /// `"{} {name}".format(a, name=b)`: plain fields, by position, number or
    /// name; a conversion or format spec is skipped.
    fn format(
        &mut self,
        template: &str,
        values: &[Value],
        args: &CallArgs,
        span: Span,
    ) -> Option<Value> {
        let mut out = String::new();
        let mut chars = template.chars().peekable();
        let mut next_auto = 0usize;
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    out.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    out.push('}');
                }
                '{' => {
                    let mut field = String::new();
                    let mut closed = false;
                    for c in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        field.push(c);
                    }
                    // name[!conversion][:spec]
                    let (name, spec) = field.split_once(':').unwrap_or((&field, ""));
                    let (name, conversion) = name.split_once('!').unwrap_or((name, ""));
                    let value = if !closed || name.contains(['[', '.']) {
                        None
                    } else if name.is_empty() {
                        next_auto += 1;
                        values.get(next_auto - 1).cloned()
                    } else if let Ok(index) = name.parse::<usize>() {
                        values.get(index).cloned()
                    } else {
                        args.keyword(name).and_then(|k| k.value.clone())
                    };
                    let value = match (conversion, value) {
                        ("" | "s", Some(value)) if conversion.is_empty() => Some(value),
                        ("s", Some(value)) => interpolate(&value).map(Value::Str),
                        ("r", Some(value)) => repr(&value).map(Value::str),
                        _ => None,
                    };
                    let Some(text) = value.as_ref().and_then(|v| format_value(v, spec)) else {
                        self.warn(
                            code::SKIPPED,
                            span,
                            format!("skipped `format`: moat fills fields with strings and numbers, not `{{{field}}}`"),
                        );
                        return None;
                    };
                    out.push_str(&text);
                }
                other => out.push(other),
            }
        }
        if !self.charge(out.len(), span) {
            return None;
        }
        Some(Value::str(out))
    }
}

/// Python's `str.title`: each run of letters starts upper case.
fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_word = false;
    for c in text.chars() {
        if c.is_alphabetic() {
            if in_word {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            in_word = true;
        } else {
            out.push(c);
            in_word = false;
        }
    }
    out
}
