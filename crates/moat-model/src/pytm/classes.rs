//! Calls: pytm constructors (`Server("Web", protocol="HTTPS")`), the TM's
//! `process()` and `resolve()`, and warnings for every other call.

use super::assign::Origin;
use super::objects::{Obj, ObjKind};
use super::reader::{Reader, code, span_of};
use super::scope::pytm_export;
use super::values::Value;
use crate::span::{SourceFile, Span};
use rustpython_parser::ast::{Expr, ExprAttribute, ExprCall, Keyword};

/// TM methods a script calls to run pytm; reading the model needs neither.
const QUIET_TM_METHODS: &[&str] = &["process", "resolve"];

/// One argument of a constructor call, evaluated.
struct Arg<'c> {
    name: &'c str,
    name_span: Span,
    value_span: Span,
    value: Option<Value>,
}

impl Reader<'_> {
    pub(super) fn call(&mut self, call: &ExprCall, depth: usize) -> Option<Value> {
        let callee = match &*call.func {
            Expr::Name(name) if !self.scope.contains_key(name.id.as_str()) => {
                let name = name.id.as_str();
                let help = pytm_export(name)
                    .is_some()
                    .then(|| format!("import it: `from pytm import {name}`"));
                self.warn_with_help(
                    code::SKIPPED,
                    span_of(call),
                    format!("skipped call to unknown function `{name}`"),
                    help,
                );
                return None;
            }
            Expr::Attribute(attribute) => match self.eval(&attribute.value, depth)? {
                Value::Obj(id) => return self.method_call(id, attribute, call),
                base => self.attribute_of(base, attribute)?,
            },
            func => self.eval(func, depth)?,
        };
        let span = span_of(call);
        match callee {
            Value::Class(kind) => self.construct(kind, call, depth),
            Value::Unsupported(name) => {
                self.warn(
                    code::UNSUPPORTED,
                    span,
                    format!("skipped `{name}(...)`: moat does not read pytm's `{name}`"),
                );
                None
            }
            Value::Enum(kind) => {
                let name = kind.pytm_name();
                let example = kind.members().last().copied().unwrap_or("NONE");
                self.warn(
                    code::SKIPPED,
                    span,
                    format!(
                        "skipped call to `{name}`: name a member instead, as in `{name}.{example}`"
                    ),
                );
                None
            }
            other => {
                let what = other.describe(&self.objects);
                self.warn(
                    code::SKIPPED,
                    span,
                    format!("skipped a call of {what}: it is not a pytm class"),
                );
                None
            }
        }
    }

    fn method_call(&mut self, id: usize, method: &ExprAttribute, call: &ExprCall) -> Option<Value> {
        let name = method.attr.as_str();
        let is_tm = self.obj(id).is_some_and(|obj| obj.kind == ObjKind::Tm);
        if is_tm && QUIET_TM_METHODS.contains(&name) {
            return Some(Value::None);
        }
        let callee = snippet(self.file, span_of(method));
        self.warn(
            code::SKIPPED,
            span_of(call),
            format!("skipped call to `{callee}()`: moat reads pytm scripts without running pytm's methods"),
        );
        None
    }

    /// `Kind(positional..., keyword=...)`: the object, or `None` with a warning.
    fn construct(&mut self, kind: ObjKind, call: &ExprCall, depth: usize) -> Option<Value> {
        let class = kind.class_name();
        let span = span_of(call);
        let args = self.constructor_args(kind, call, depth)?;

        let required = |param: &str| args.iter().find(|a| a.name == param);
        let Some(name_arg) = required("name") else {
            self.warn(
                code::BAD_ARGUMENTS,
                span,
                format!("skipped `{class}(...)` without a name"),
            );
            return None;
        };
        let name = match &name_arg.value {
            Some(Value::Str(name)) => {
                if !self.charge(name.len(), name_arg.value_span) {
                    return None;
                }
                name.to_string()
            }
            Some(other) => {
                let what = other.describe(&self.objects);
                self.warn(
                    code::TYPE_MISMATCH,
                    name_arg.value_span,
                    format!("skipped `{class}(...)`: its name must be a string, not {what}"),
                );
                return None;
            }
            None => return None,
        };
        let endpoints = if kind == ObjKind::Dataflow {
            let source = self.endpoint(&name, "source", required("source"), span)?;
            let sink = self.endpoint(&name, "sink", required("sink"), span)?;
            Some((source, sink))
        } else {
            None
        };
        let id = self.objects.len();
        if kind == ObjKind::Tm {
            self.check_single_tm(id, span);
        }
        let mut obj = Obj::new(kind, name, span);
        obj.endpoints = endpoints;
        self.objects.push(obj);
        // the constructor consumed these; the rest set attributes
        let consumed: &[&str] = match kind {
            ObjKind::Dataflow => &["name", "source", "sink"],
            _ => &["name"],
        };
        for arg in args {
            if consumed.contains(&arg.name) {
                continue;
            }
            if let Some(value) = arg.value {
                self.set_attr(
                    id,
                    arg.name,
                    arg.name_span,
                    value,
                    arg.value_span,
                    Origin::Keyword,
                );
            }
        }
        Some(Value::Obj(id))
    }

    /// The arguments of a constructor call, positional ones named after their
    /// parameter, each evaluated once, in source order (as Python does).
    fn constructor_args<'c>(
        &mut self,
        kind: ObjKind,
        call: &'c ExprCall,
        depth: usize,
    ) -> Option<Vec<Arg<'c>>> {
        let class = kind.class_name();
        let params = kind.positional_params();
        let mut args: Vec<Arg> = Vec::with_capacity(call.args.len() + call.keywords.len());
        for (index, arg) in call.args.iter().enumerate() {
            let arg_span = span_of(arg);
            if matches!(arg, Expr::Starred(_)) {
                self.warn(
                    code::SKIPPED,
                    arg_span,
                    format!(
                        "skipped `{class}(...)` with `*` unpacking: moat reads arguments one by one"
                    ),
                );
                return None;
            }
            let Some(param) = params.get(index) else {
                let list = params
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.warn(
                    code::BAD_ARGUMENTS,
                    arg_span,
                    format!("skipped an extra positional argument: `{class}` takes only {list}"),
                );
                continue;
            };
            let value = self.eval(arg, depth);
            args.push(Arg {
                name: param,
                name_span: arg_span,
                value_span: arg_span,
                value,
            });
        }
        for keyword in &call.keywords {
            let Some(name) = &keyword.arg else {
                self.warn(
                    code::SKIPPED,
                    span_of(keyword),
                    "skipped `**` unpacking: moat reads keyword arguments one by one",
                );
                continue;
            };
            let name = name.as_str();
            // the parser refuses repeated keywords; a positional one may repeat
            let positional = params.iter().take(call.args.len());
            if positional.into_iter().any(|p| *p == name) {
                self.warn(
                    code::BAD_ARGUMENTS,
                    span_of(keyword),
                    format!("skipped `{name}=`: `{class}(...)` already has a `{name}`"),
                );
                continue;
            }
            let value = self.eval(&keyword.value, depth);
            args.push(Arg {
                name,
                name_span: keyword_name_span(self.file, keyword, name),
                value_span: span_of(&keyword.value),
                value,
            });
        }
        Some(args)
    }

    /// A flow's source or sink: an element, or `None` with a warning.
    fn endpoint(
        &mut self,
        flow: &str,
        role: &str,
        arg: Option<&Arg<'_>>,
        call: Span,
    ) -> Option<usize> {
        let Some(arg) = arg else {
            self.warn(
                code::BAD_ARGUMENTS,
                call,
                format!("skipped data flow `{flow}` without a {role}"),
            );
            return None;
        };
        match &arg.value {
            Some(Value::Obj(id)) if self.obj(*id).is_some_and(Obj::is_element) => Some(*id),
            Some(other) => {
                let what = other.describe(&self.objects);
                self.warn(
                    code::BAD_ENDPOINT,
                    arg.value_span,
                    format!("skipped data flow `{flow}`: its {role} is {what}, not an element"),
                );
                None
            }
            None => None,
        }
    }

    fn check_single_tm(&mut self, id: usize, span: Span) {
        let Some(first) = self.tm else {
            self.tm = Some(id);
            return;
        };
        if let Some(first) = self.obj(first) {
            let name = first.name.clone();
            self.warn(
                code::SECOND_TM,
                span,
                format!("a second `TM`: moat reads one model per script, the first one (`{name}`)"),
            );
        }
    }
}

/// `name` in `name=value`.
fn keyword_name_span(file: &SourceFile, keyword: &Keyword, name: &str) -> Span {
    let whole = span_of(keyword);
    let start = whole.start as usize;
    let end = start + name.len();
    match file.text.get(start..end) {
        Some(text) if text == name => Span::new(start, end),
        _ => whole,
    }
}

/// The source text of `span`, shortened for a message.
fn snippet(file: &SourceFile, span: Span) -> String {
    const MAX_CHARS: usize = 40;
    let text = file
        .text
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > MAX_CHARS || line.len() < text.len() {
        let short: String = line.chars().take(MAX_CHARS).collect();
        format!("{short}...")
    } else {
        line.to_string()
    }
}
