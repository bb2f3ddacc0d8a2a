//! Names, as Python resolves them: a function's locals (the names it
//! assigns), the functions it is nested in, its module's globals, then the
//! built-ins. Comprehensions bind their loop variables in a scope of their own.

use super::builtins::builtin;
use super::hash::{FastMap, FastSet};
use super::reader::{Binding, Reader, code};
use super::scope::pytm_export;
use super::values::Value;
use crate::diag::did_you_mean;
use crate::span::Span;
use std::cell::RefCell;
use std::rc::Rc;

/// A function call's local names, shared with the functions defined in it.
pub(super) type Locals = Rc<RefCell<FastMap<String, Binding>>>;

/// Which names a function's body binds, and which it declares `global` or
/// `nonlocal`: Python decides this before running the body.
#[derive(Debug, Default)]
pub(super) struct ScopeNames {
    pub local: FastSet<String>,
    pub global: FastSet<String>,
    pub nonlocal: FastSet<String>,
}

/// A running function's names.
#[derive(Debug, Clone)]
pub(super) struct FunctionScope {
    pub locals: Locals,
    pub names: Rc<ScopeNames>,
    /// The locals of the functions this one is nested in, innermost first.
    pub enclosing: Rc<[Locals]>,
}

/// A module or function running.
#[derive(Debug, Clone)]
pub(super) struct Frame {
    pub module: usize,
    pub function: Option<FunctionScope>,
    /// Loop variables of the comprehensions being evaluated, innermost last.
    pub comprehensions: Vec<FastMap<String, Value>>,
}

impl Frame {
    pub(super) fn module(module: usize) -> Self {
        Frame {
            module,
            function: None,
            comprehensions: Vec::new(),
        }
    }
}

/// Where a name lives for the frame running.
enum Place {
    Globals(usize),
    Locals(Locals),
}

impl Reader<'_> {
    pub(super) fn frame(&self) -> Option<&Frame> {
        self.frames.last()
    }

    pub(super) fn frame_mut(&mut self) -> Option<&mut Frame> {
        self.frames.last_mut()
    }

    /// The module whose code runs now.
    pub(super) fn current_module(&self) -> usize {
        self.frame().map_or(0, |f| f.module)
    }

    /// Binds `name` where an assignment in the running code binds it;
    /// `None`: the value was not read (a warning says why), and later uses
    /// of the name say which line that was.
    pub(super) fn bind(&mut self, name: &str, value: Option<Value>, at: Span) {
        let binding = match value {
            Some(value) => Binding::Value(value),
            None => Binding::Unread {
                line: self.line_of(at),
                module: self.current_module(),
            },
        };
        self.bind_binding(name, binding);
    }

    pub(super) fn bind_binding(&mut self, name: &str, binding: Binding) {
        match self.place_of(name) {
            Place::Globals(module) => {
                if let Some(state) = self.modules.get_mut(module) {
                    state.globals.insert(name.to_string(), binding);
                }
            }
            Place::Locals(locals) => {
                locals.borrow_mut().insert(name.to_string(), binding);
            }
        }
    }

    /// Binds a comprehension's loop variable in its own scope.
    pub(super) fn bind_comprehension(&mut self, name: &str, value: Value) {
        if let Some(scope) = self
            .frame_mut()
            .and_then(|frame| frame.comprehensions.last_mut())
        {
            scope.insert(name.to_string(), value);
        }
    }

    fn place_of(&self, name: &str) -> Place {
        let Some(frame) = self.frame() else {
            return Place::Globals(0);
        };
        let Some(function) = &frame.function else {
            return Place::Globals(frame.module);
        };
        if function.names.global.contains(name) {
            return Place::Globals(frame.module);
        }
        if function.names.nonlocal.contains(name) {
            let holder = function
                .enclosing
                .iter()
                .find(|locals| locals.borrow().contains_key(name))
                .or_else(|| function.enclosing.first());
            if let Some(locals) = holder {
                return Place::Locals(Rc::clone(locals));
            }
        }
        Place::Locals(Rc::clone(&function.locals))
    }

    /// What `name` is bound to, without warning: `None` when it is not
    /// bound anywhere the running code can see (built-ins aside).
    pub(super) fn binding(&self, name: &str) -> Option<Binding> {
        let frame = self.frame()?;
        for scope in frame.comprehensions.iter().rev() {
            if let Some(value) = scope.get(name) {
                return Some(Binding::Value(value.clone()));
            }
        }
        if let Some(function) = &frame.function {
            let global = function.names.global.contains(name);
            if !global {
                if let Some(binding) = function.locals.borrow().get(name) {
                    return Some(binding.clone());
                }
                for locals in function.enclosing.iter() {
                    if let Some(binding) = locals.borrow().get(name) {
                        return Some(binding.clone());
                    }
                }
            }
        }
        self.modules
            .get(frame.module)
            .and_then(|m| m.globals.get(name))
            .cloned()
    }

    /// Whether `name` is a local of the running function that is not bound yet.
    fn unbound_local(&self, name: &str) -> bool {
        self.frame()
            .and_then(|frame| frame.function.as_ref())
            .is_some_and(|function| {
                function.names.local.contains(name)
                    && !function.names.global.contains(name)
                    && !function.names.nonlocal.contains(name)
                    && !function.locals.borrow().contains_key(name)
            })
    }

    /// The value of `name`, or a warning saying why there is none.
    pub(super) fn lookup(&mut self, name: &str, span: Span) -> Option<Value> {
        // the hot path of large scripts: a global of the script, at its top level
        if let Some(frame) = self.frames.last()
            && frame.function.is_none()
            && frame.comprehensions.is_empty()
            && let Some(Binding::Value(value)) = self
                .modules
                .get(frame.module)
                .and_then(|m| m.globals.get(name))
        {
            return Some(value.clone());
        }
        if self.unbound_local(name) {
            self.warn(
                code::PYTHON_ERROR,
                span,
                format!("`{name}` is used before the function sets it (Python raises `UnboundLocalError`)"),
            );
            return None;
        }
        match self.binding(name) {
            Some(binding) => self.resolve(name, binding, span),
            None => {
                if let Some(value) = builtin(name) {
                    return Some(value);
                }
                self.unknown_name(name, span);
                None
            }
        }
    }

    /// The value a binding holds, or a warning saying why there is none.
    pub(super) fn resolve(&mut self, name: &str, binding: Binding, span: Span) -> Option<Value> {
        match binding {
            Binding::Value(value) => Some(value),
            Binding::Foreign { module } => {
                let message = if module == name {
                    format!(
                        "skipped `{name}`: moat reads only pytm and the script's own modules, not `{module}`"
                    )
                } else {
                    format!(
                        "skipped `{name}` from `{module}`: moat reads only pytm and the script's own modules"
                    )
                };
                self.warn(code::FOREIGN_NAME, span, message);
                None
            }
            Binding::Unread { line, module } => {
                let place = if module == self.current_module() {
                    format!("line {line}")
                } else {
                    let file = self
                        .modules
                        .get(module)
                        .map(|m| m.file.name.to_string())
                        .unwrap_or_default();
                    format!("line {line} of `{file}`")
                };
                self.warn(
                    code::UNREAD_NAME,
                    span,
                    format!("`{name}` has no value: {place}, which sets it, was skipped"),
                );
                None
            }
        }
    }

    fn unknown_name(&mut self, name: &str, span: Span) {
        // comparing with every name is costly in huge scripts; skip it there
        const MAX_CANDIDATES: usize = 10_000;
        let help = if pytm_export(name).is_some() {
            Some(format!("import it: `from pytm import {name}`"))
        } else if self.keeps_warnings() {
            let module = self.current_module();
            let globals = self.modules.get(module).map(|m| &m.globals);
            let candidates: Vec<String> = globals
                .filter(|g| g.len() <= MAX_CANDIDATES)
                .map(|g| g.keys().cloned().collect())
                .unwrap_or_default();
            did_you_mean(name, candidates.iter().map(String::as_str))
        } else {
            None
        };
        self.warn_with_help(
            code::UNKNOWN_NAME,
            span,
            format!("unknown name `{name}`"),
            help,
        );
    }
}
