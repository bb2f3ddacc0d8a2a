//! Calls: of pytm classes, of the script's functions, of built-ins and of
//! methods; every other call is a warning and has no value.

use super::reader::{Reader, code, span_of};
use super::scope::pytm_export;
use super::values::Value;
use rustpython_parser::ast::{Expr, ExprCall};

impl Reader<'_> {
    pub(super) fn call(&mut self, call: &ExprCall, depth: usize) -> Option<Value> {
        let span = span_of(call);
        let callee = match &*call.func {
            Expr::Name(name)
                if self.binding(name.id.as_str()).is_none()
                    && super::builtins::builtin(name.id.as_str()).is_none() =>
            {
                let name = name.id.as_str();
                let help = pytm_export(name)
                    .is_some()
                    .then(|| format!("import it: `from pytm import {name}`"));
                self.warn_with_help(
                    code::SKIPPED,
                    span,
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
        if !self.tick(1, span) {
            return None;
        }
        match callee {
            Value::Class(kind) => {
                let args = self.eval_args(call, depth)?;
                self.construct(kind, args, span)
            }
            Value::FindingClass => {
                let args = self.eval_args(call, depth)?;
                self.finding(args, span)
            }
            Value::AssumptionClass => {
                let args = self.eval_args(call, depth)?;
                self.assumption(args, span)
            }
            Value::Function(function) => {
                let args = self.eval_args(call, depth)?;
                self.call_function(&function, args, span)
            }
            Value::Builtin(name) => {
                let args = self.eval_args(call, depth)?;
                self.call_builtin(name, args, span)
            }
            Value::Method(method) => {
                let args = self.eval_args(call, depth)?;
                let (receiver, name) = &*method;
                self.call_method(receiver, name, args, span)
            }
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
                    code::PYTHON_ERROR,
                    span,
                    format!("skipped a call of {what}: it cannot be called"),
                );
                None
            }
        }
    }
}
