//! pytm constructors (`Server("Web", protocol="HTTPS")`) and the methods
//! of the objects they make (`tm.process()`).

use super::args::{Arg, CallArgs, KeywordArg};
use super::assign::Origin;
use super::objects::{Obj, ObjKind};
use super::reader::{Reader, code, span_of};
use super::values::Value;
use crate::span::{SourceFile, Span};
use rustpython_parser::ast::{ExprAttribute, ExprCall};

/// TM methods a script calls to run pytm or write its outputs; none changes
/// the model, so reading it needs none of them.
const QUIET_TM_METHODS: &[&str] = &["process", "resolve", "check", "dfd", "seq", "report"];

impl Reader<'_> {
    pub(super) fn method_call(
        &mut self,
        id: usize,
        method: &ExprAttribute,
        call: &ExprCall,
    ) -> Option<Value> {
        let name = method.attr.as_str();
        let is_tm = self.obj(id).is_some_and(|obj| obj.kind == ObjKind::Tm);
        if is_tm && QUIET_TM_METHODS.contains(&name) {
            return Some(Value::None);
        }
        let callee = snippet(&self.file, span_of(method));
        self.warn(
            code::SKIPPED,
            span_of(call),
            format!("skipped call to `{callee}()`: moat reads pytm scripts without running pytm's methods"),
        );
        None
    }

    /// `Kind(positional..., keyword=...)`: the object, or `None` with a warning.
    pub(super) fn construct(&mut self, kind: ObjKind, args: CallArgs, span: Span) -> Option<Value> {
        let class = kind.class_name();
        let args = self.constructor_args(kind, args);

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
        let mut obj = Obj::new(kind, name, self.site(span));
        obj.endpoints = endpoints;
        self.objects.push(obj);
        // the constructor consumed these; the rest set attributes
        let consumed: &[&str] = match kind {
            ObjKind::Dataflow => &["name", "source", "sink"],
            _ => &["name"],
        };
        for arg in args {
            if consumed.contains(&arg.name.as_str()) {
                continue;
            }
            if let Some(value) = arg.value {
                self.set_attr(
                    id,
                    &arg.name,
                    arg.name_span,
                    value,
                    arg.value_span,
                    Origin::Keyword,
                );
            }
        }
        Some(Value::Obj(id))
    }

    /// The arguments of a constructor call, positional ones named after
    /// their parameter.
    fn constructor_args(&mut self, kind: ObjKind, args: CallArgs) -> Vec<KeywordArg> {
        let class = kind.class_name();
        let params = kind.positional_params();
        let positional_count = args.positional.len();
        let mut named: Vec<KeywordArg> = Vec::with_capacity(positional_count + args.keywords.len());
        for (index, Arg { value, span }) in args.positional.into_iter().enumerate() {
            let Some(param) = params.get(index) else {
                let list = params
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.warn(
                    code::BAD_ARGUMENTS,
                    span,
                    format!("skipped an extra positional argument: `{class}` takes only {list}"),
                );
                continue;
            };
            named.push(KeywordArg {
                name: (*param).to_string(),
                name_span: span,
                value,
                value_span: span,
            });
        }
        for keyword in args.keywords {
            let name = keyword.name.as_str();
            // the parser refuses repeated keywords; a positional one may repeat
            let positional = params.iter().take(positional_count);
            let repeated = named.iter().any(|a| a.name == name);
            if repeated || positional.into_iter().any(|p| *p == name) {
                self.warn(
                    code::BAD_ARGUMENTS,
                    keyword.name_span,
                    format!("skipped `{name}=`: `{class}(...)` already has a `{name}`"),
                );
                continue;
            }
            named.push(keyword);
        }
        named
    }

    /// A flow's source or sink: an element, or `None` with a warning.
    fn endpoint(
        &mut self,
        flow: &str,
        role: &str,
        arg: Option<&KeywordArg>,
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
