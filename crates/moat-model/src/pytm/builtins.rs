//! Python's built-in functions a model script uses to build values
//! (`range`, `enumerate`, `zip`, `len`, `str`, `sorted`...), and
//! `os.getenv(name, default)`. `print` does nothing: it cannot change the model.

use super::args::CallArgs;
use super::eval::Display;
use super::objects::ObjKind;
use super::operators::{COMPARE_FUEL, order};
use super::reader::{Reader, code};
use super::values::{Value, range_len};
use crate::span::Span;
use std::cmp::Ordering;

const BUILTINS: &[&str] = &[
    "range",
    "enumerate",
    "zip",
    "len",
    "str",
    "int",
    "float",
    "bool",
    "list",
    "tuple",
    "dict",
    "set",
    "sorted",
    "reversed",
    "min",
    "max",
    "sum",
    "any",
    "all",
    "print",
    "isinstance",
    "getattr",
    "setattr",
    "map",
    "filter",
    "abs",
    "format",
    "repr",
];

/// The built-in `name` stands for, when no binding of the script hides it.
pub(super) fn builtin(name: &str) -> Option<Value> {
    BUILTINS
        .iter()
        .find(|b| **b == name)
        .map(|b| Value::Builtin(b))
}

impl Reader<'_> {
    pub(super) fn call_builtin(
        &mut self,
        name: &'static str,
        args: CallArgs,
        span: Span,
    ) -> Option<Value> {
        if name == "print" {
            return Some(Value::None);
        }
        let mut positional = args.positional.clone();
        if name == "enumerate"
            && let Some(start) = args.keyword("start")
        {
            positional.push(super::args::Arg {
                value: start.value.clone(),
                span: start.value_span,
            });
        }
        let reads_keywords = matches!(name, "sorted" | "dict" | "enumerate");
        if let Some(keyword) = args
            .keywords
            .iter()
            .find(|k| !reads_keywords || (name == "enumerate" && k.name != "start"))
        {
            let keyword = keyword.name.clone();
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped `{name}(...)` with keyword `{keyword}`: moat calls it with positional arguments"),
            );
            return None;
        }
        let mut values = Vec::with_capacity(positional.len());
        for arg in &positional {
            values.push(arg.value.clone()?);
        }
        let warned_before = self.warnings_so_far();
        let result = match (name, values.as_slice()) {
            ("range", [stop]) => self.range(&Value::Int(0), stop, &Value::Int(1), span),
            ("range", [start, stop]) => self.range(start, stop, &Value::Int(1), span),
            ("range", [start, stop, step]) => self.range(start, stop, step, span),
            ("enumerate", [items]) | ("enumerate", [items, _]) => {
                let start = match values.get(1) {
                    Some(Value::Int(i)) => *i,
                    None => 0,
                    Some(_) => return self.bad_builtin_args(name, span),
                };
                let items = self.iterate(items, span)?;
                let mut pairs = Vec::with_capacity(items.len());
                for (offset, item) in items.into_iter().enumerate() {
                    let index = i64::try_from(offset)
                        .ok()
                        .and_then(|o| o.checked_add(start));
                    let index = index.map(Value::Int)?;
                    pairs.push(self.build(vec![index, item], Display::Tuple, span)?);
                }
                self.build(pairs, Display::List, span)
            }
            ("zip", iterables) => {
                let mut columns = Vec::with_capacity(iterables.len());
                for iterable in iterables {
                    columns.push(self.iterate(iterable, span)?);
                }
                let rows = columns.iter().map(Vec::len).min().unwrap_or(0);
                let mut zipped = Vec::with_capacity(rows);
                for row in 0..rows {
                    let items = columns
                        .iter()
                        .filter_map(|column| column.get(row).cloned())
                        .collect();
                    zipped.push(self.build(items, Display::Tuple, span)?);
                }
                self.build(zipped, Display::List, span)
            }
            ("len", [value]) => {
                let len = match value {
                    Value::Str(text) => {
                        let work = u64::try_from(text.len() / 64).unwrap_or(u64::MAX);
                        if !self.tick(work, span) {
                            return None;
                        }
                        Some(text.chars().count())
                    }
                    Value::Dict(dict) | Value::Set(dict) => Some(dict.borrow().entries.len()),
                    Value::Range(start, stop, step) => {
                        usize::try_from(range_len(*start, *stop, *step)).ok()
                    }
                    other => other.items().map(|items| items.len()),
                };
                len.and_then(|l| i64::try_from(l).ok()).map(Value::Int)
            }
            ("str", []) => Some(Value::str("")),
            ("str", [value]) => self.text_of(value, span).map(Value::Str),
            ("int", [value]) => match value {
                Value::Int(i) => Some(Value::Int(*i)),
                Value::Bool(b) => Some(Value::Int(i64::from(*b))),
                Value::Float(f) if f.is_finite() && f.abs() < 9.0e18 => {
                    Some(Value::Int(f.trunc() as i64))
                }
                Value::Str(text) => text.trim().parse::<i64>().ok().map(Value::Int),
                _ => None,
            },
            ("float", [value]) => match value {
                Value::Int(i) => Some(Value::Float(*i as f64)),
                Value::Float(f) => Some(Value::Float(*f)),
                Value::Str(text) => text.trim().parse::<f64>().ok().map(Value::Float),
                _ => None,
            },
            ("bool", [value]) => value.truthy().map(Value::Bool),
            ("bool", []) => Some(Value::Bool(false)),
            ("list", []) => self.build(Vec::new(), Display::List, span),
            ("tuple", []) => self.build(Vec::new(), Display::Tuple, span),
            ("set", []) => self.build(Vec::new(), Display::Set, span),
            ("list", [items]) => {
                let items = self.iterate(items, span)?;
                self.build(items, Display::List, span)
            }
            ("tuple", [items]) => {
                let items = self.iterate(items, span)?;
                self.build(items, Display::Tuple, span)
            }
            ("set", [items]) => {
                let items = self.iterate(items, span)?;
                self.build(items, Display::Set, span)
            }
            ("dict", positional) => return self.dict_builtin(positional, &args, span),
            ("sorted", [items]) => return self.sorted(items, &args, span),
            ("reversed", [items]) => {
                let mut items = self.iterate(items, span)?;
                items.reverse();
                self.build(items, Display::List, span)
            }
            ("min" | "max", [items]) => self.extreme(name, items, span),
            ("min" | "max", many) if many.len() > 1 => {
                let items = self.build(many.to_vec(), Display::Tuple, span)?;
                self.extreme(name, &items, span)
            }
            ("sum", [items]) => {
                let items = self.iterate(items, span)?;
                let mut total = Value::Int(0);
                for item in items {
                    total =
                        self.combine(rustpython_parser::ast::Operator::Add, total, item, span)?;
                }
                Some(total)
            }
            ("any" | "all", [items]) => {
                let items = self.iterate(items, span)?;
                let mut result = name == "all";
                for item in &items {
                    let truth = self.truth(item, span)?;
                    if truth == (name == "any") {
                        result = truth;
                        break;
                    }
                }
                Some(Value::Bool(result))
            }
            ("format", [value]) => self.text_of(value, span).map(Value::Str),
            ("format", [value, Value::Str(spec)]) => self
                .formatted(value, spec, span)
                .filter(|text| self.charge(text.len(), span))
                .map(Value::Str),
            ("repr", [value]) => super::eval::repr(value)
                .filter(|text| self.charge(text.len(), span))
                .map(Value::str),
            ("abs", [Value::Int(i)]) => i.checked_abs().map(Value::Int),
            ("abs", [Value::Float(f)]) => Some(Value::Float(f.abs())),
            ("isinstance", [value, classes]) => self.isinstance(value, classes),
            ("getattr", [Value::Obj(_), Value::Str(_)])
            | ("setattr", [Value::Obj(_), Value::Str(_), _]) => {
                return self.object_attr(name, &values, span);
            }
            ("map", [function, items]) => {
                let items = self.iterate(items, span)?;
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.call_value(function, vec![item], span)?);
                }
                self.build(out, Display::List, span)
            }
            ("filter", [function, items]) => {
                let items = self.iterate(items, span)?;
                let mut out = Vec::new();
                for item in items {
                    let keep = match function {
                        Value::None => item.clone(),
                        function => self.call_value(function, vec![item.clone()], span)?,
                    };
                    if self.truth(&keep, span)? {
                        out.push(item);
                    }
                }
                self.build(out, Display::List, span)
            }
            ("os.getenv", [Value::Str(variable)]) => {
                self.environment_default(variable, Value::None, "os.getenv", span)
            }
            ("os.getenv", [Value::Str(variable), default]) => {
                self.environment_default(variable, default.clone(), "os.getenv", span)
            }
            ("os.path.join", parts) if !parts.is_empty() => {
                let mut path = String::new();
                for part in parts {
                    let Value::Str(part) = part else {
                        return self.bad_builtin_args(name, span);
                    };
                    if part.starts_with('/') {
                        path.clear();
                    } else if !path.is_empty() && !path.ends_with('/') {
                        path.push('/');
                    }
                    path.push_str(part);
                }
                Some(Value::str(path))
            }
            ("os.path.dirname", [Value::Str(path)]) => {
                let dir = path.rfind('/').map_or("", |i| path.get(..i).unwrap_or(""));
                let dir = if dir.is_empty() && path.starts_with('/') {
                    "/"
                } else {
                    dir
                };
                Some(Value::str(dir))
            }
            ("os.path.basename", [Value::Str(path)]) => {
                Some(Value::str(path.rsplit('/').next().unwrap_or(path)))
            }
            _ => return self.bad_builtin_args(name, span),
        };
        // a helper that gave up has said why; otherwise say it here
        if result.is_none() && self.warnings_so_far() == warned_before {
            return self.bad_builtin_args(name, span);
        }
        result
    }

    fn bad_builtin_args(&mut self, name: &str, span: Span) -> Option<Value> {
        if !self.stopped {
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped `{name}(...)`: moat does not compute it for these arguments"),
            );
        }
        None
    }

    fn range(&mut self, start: &Value, stop: &Value, step: &Value, span: Span) -> Option<Value> {
        match (start, stop, step) {
            (Value::Int(start), Value::Int(stop), Value::Int(step)) if *step != 0 => {
                Some(Value::Range(*start, *stop, *step))
            }
            _ => self.bad_builtin_args("range", span),
        }
    }

    /// `dict()`, `dict(pairs)`, `dict(mapping, key=value)`.
    fn dict_builtin(&mut self, positional: &[Value], args: &CallArgs, span: Span) -> Option<Value> {
        let mut entries: Vec<(Value, Value)> = Vec::new();
        match positional {
            [] => {}
            [Value::Dict(dict)] => entries.extend(dict.borrow().entries.clone()),
            [pairs] => {
                for pair in self.iterate(pairs, span)? {
                    match pair.items().as_deref() {
                        Some([key, value]) => entries.push((key.clone(), value.clone())),
                        _ => return self.bad_builtin_args("dict", span),
                    }
                }
            }
            _ => return self.bad_builtin_args("dict", span),
        }
        for keyword in &args.keywords {
            entries.push((Value::str(keyword.name.as_str()), keyword.value.clone()?));
        }
        self.build_dict(entries, span)
    }

    /// `sorted(items)`, `sorted(items, reverse=True)`, `sorted(items, key=f)`.
    fn sorted(&mut self, items: &Value, args: &CallArgs, span: Span) -> Option<Value> {
        let mut items = self.iterate(items, span)?;
        let mut reverse = false;
        let mut key_function = None;
        for keyword in &args.keywords {
            match (keyword.name.as_str(), &keyword.value) {
                ("reverse", Some(value)) => reverse = value.truthy().unwrap_or(false),
                ("key", Some(function)) => key_function = Some(function.clone()),
                _ => return self.bad_builtin_args("sorted", span),
            }
        }
        let mut keyed = Vec::with_capacity(items.len());
        for item in items.drain(..) {
            let key = match &key_function {
                Some(function) => self.call_value(function, vec![item.clone()], span)?,
                None => item.clone(),
            };
            keyed.push((key, item));
        }
        if !self.tick(keyed.len() as u64, span) {
            return None;
        }
        let mut fuel = COMPARE_FUEL;
        let mut comparable = true;
        keyed.sort_by(|a, b| {
            order(&a.0, &b.0, &mut fuel).unwrap_or_else(|| {
                comparable = false;
                Ordering::Equal
            })
        });
        if !comparable {
            self.warn(
                code::SKIPPED,
                span,
                "skipped `sorted(...)`: moat sorts numbers, strings and tuples of them",
            );
            return None;
        }
        if reverse {
            keyed.reverse();
        }
        let sorted = keyed.into_iter().map(|(_, item)| item).collect();
        self.build(sorted, Display::List, span)
    }

    fn extreme(&mut self, name: &str, items: &Value, span: Span) -> Option<Value> {
        let items = self.iterate(items, span)?;
        let mut fuel = COMPARE_FUEL;
        let mut best: Option<Value> = None;
        for item in items {
            best = Some(match best {
                None => item,
                Some(current) => {
                    let ordering = order(&item, &current, &mut fuel)?;
                    let better = if name == "min" {
                        ordering == Ordering::Less
                    } else {
                        ordering == Ordering::Greater
                    };
                    if better { item } else { current }
                }
            });
        }
        best
    }

    /// `isinstance(x, Server)`, `isinstance(x, (str, int))` for pytm classes.
    fn isinstance(&self, value: &Value, classes: &Value) -> Option<Value> {
        let classes = match classes {
            Value::Tuple(seq) => seq.items.clone(),
            other => vec![other.clone()],
        };
        let mut result = false;
        for class in &classes {
            let matches = match (value, class) {
                (Value::Obj(id), Value::Class(kind)) => {
                    let obj_kind = self.obj(*id)?.kind;
                    match (obj_kind, kind) {
                        (ObjKind::Element(mine), ObjKind::Element(theirs)) => {
                            mine.pytm_classes().contains(&theirs.pytm_class())
                        }
                        (mine, theirs) => mine == *theirs,
                    }
                }
                (_, Value::Builtin(builtin)) => match (*builtin, value) {
                    ("str", Value::Str(_)) => true,
                    ("int", Value::Int(_) | Value::Bool(_)) => true,
                    ("float", Value::Float(_)) => true,
                    ("bool", Value::Bool(_)) => true,
                    ("list", Value::List(_)) => true,
                    ("tuple", Value::Tuple(_)) => true,
                    ("dict", Value::Dict(_)) => true,
                    ("set", Value::Set(_)) => true,
                    ("str" | "int" | "float" | "bool" | "list" | "tuple" | "dict" | "set", _) => {
                        false
                    }
                    _ => return None,
                },
                (Value::Obj(_), _) | (_, Value::Class(_)) => false,
                _ => return None,
            };
            result |= matches;
        }
        Some(Value::Bool(result))
    }

    /// `getattr(obj, "name")`, `setattr(obj, "name", value)` on pytm objects.
    fn object_attr(&mut self, name: &str, values: &[Value], span: Span) -> Option<Value> {
        match values {
            [Value::Obj(id), Value::Str(attr)] if name == "getattr" => {
                let attr = attr.to_string();
                self.read_attribute(*id, &attr, span)
            }
            [Value::Obj(id), Value::Str(attr), value] => {
                let attr = attr.to_string();
                self.set_attr(
                    *id,
                    &attr,
                    span,
                    value.clone(),
                    span,
                    super::assign::Origin::Assignment,
                );
                Some(Value::None)
            }
            _ => self.bad_builtin_args(name, span),
        }
    }

    /// Calls a function value (a `def`, `lambda` or built-in) with
    /// positional `args`, for `map`, `filter` and `sorted(key=...)`.
    pub(super) fn call_value(
        &mut self,
        function: &Value,
        args: Vec<Value>,
        span: Span,
    ) -> Option<Value> {
        let args = CallArgs {
            positional: args
                .into_iter()
                .map(|value| super::args::Arg {
                    value: Some(value),
                    span,
                })
                .collect(),
            keywords: Vec::new(),
        };
        match function {
            Value::Function(function) => self.call_function(function, args, span),
            Value::Builtin(name) => self.call_builtin(name, args, span),
            other => {
                let what = other.describe(&self.objects);
                self.warn(
                    code::SKIPPED,
                    span,
                    format!(
                        "skipped calling {what}: moat calls functions of the script and built-ins"
                    ),
                );
                None
            }
        }
    }
}
