//! A call's arguments, evaluated once each in source order (as Python does),
//! with `*sequence` and `**mapping` spread when their values are known.

use super::reader::{Reader, code, span_of};
use super::values::Value;
use crate::span::{SourceFile, Span};
use rustpython_parser::ast::{Expr, ExprCall, Keyword};

/// One positional argument; `value` is `None` when it could not be read
/// (a warning says why).
#[derive(Debug, Clone)]
pub(super) struct Arg {
    pub value: Option<Value>,
    pub span: Span,
}

/// One keyword argument.
#[derive(Debug, Clone)]
pub(super) struct KeywordArg {
    pub name: String,
    pub name_span: Span,
    pub value: Option<Value>,
    pub value_span: Span,
}

#[derive(Debug, Clone, Default)]
pub(super) struct CallArgs {
    pub positional: Vec<Arg>,
    pub keywords: Vec<KeywordArg>,
}

impl CallArgs {
    /// The keyword argument `name`, if given.
    pub(super) fn keyword(&self, name: &str) -> Option<&KeywordArg> {
        self.keywords.iter().find(|k| k.name == name)
    }
}

impl Reader<'_> {
    /// The arguments of `call`; `None` (with a warning) when a `*` or `**`
    /// spreads a value that is not known, so even their number is not.
    pub(super) fn eval_args(&mut self, call: &ExprCall, depth: usize) -> Option<CallArgs> {
        let mut args = CallArgs {
            positional: Vec::with_capacity(call.args.len()),
            keywords: Vec::with_capacity(call.keywords.len()),
        };
        for arg in &call.args {
            let span = span_of(arg);
            if let Expr::Starred(starred) = arg {
                let value = self.eval(&starred.value, depth)?;
                let items = self.iterate(&value, span)?;
                args.positional.extend(items.into_iter().map(|value| Arg {
                    value: Some(value),
                    span,
                }));
                continue;
            }
            let value = self.eval(arg, depth);
            args.positional.push(Arg { value, span });
        }
        for keyword in &call.keywords {
            let value_span = span_of(&keyword.value);
            let Some(name) = &keyword.arg else {
                let value = self.eval(&keyword.value, depth)?;
                let Value::Dict(dict) = &value else {
                    let what = value.describe(&self.objects);
                    self.warn(
                        code::PYTHON_ERROR,
                        value_span,
                        format!("skipped a call: `**` spreads {what}, not a dictionary"),
                    );
                    return None;
                };
                let entries = dict.borrow().entries.clone();
                for (key, value) in entries {
                    let Value::Str(name) = key else {
                        self.warn(
                            code::PYTHON_ERROR,
                            value_span,
                            "skipped a call: `**` spreads a dictionary whose keys are not all strings",
                        );
                        return None;
                    };
                    args.keywords.push(KeywordArg {
                        name: name.to_string(),
                        name_span: value_span,
                        value: Some(value),
                        value_span,
                    });
                }
                continue;
            };
            let name = name.as_str();
            let value = self.eval(&keyword.value, depth);
            args.keywords.push(KeywordArg {
                name: name.to_string(),
                name_span: keyword_name_span(&self.file, keyword, name),
                value,
                value_span,
            });
        }
        Some(args)
    }
}

/// `name` in `name=value`.
pub(super) fn keyword_name_span(file: &SourceFile, keyword: &Keyword, name: &str) -> Span {
    let whole = span_of(keyword);
    let start = whole.start as usize;
    let end = start + name.len();
    match file.text.get(start..end) {
        Some(text) if text == name => Span::new(start, end),
        _ => whole,
    }
}
