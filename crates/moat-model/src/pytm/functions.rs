//! The script's functions: `def` and `lambda`, called with positional and
//! keyword arguments, defaults, `*args` and `**kwargs`, as Python binds them.
//! A call runs the body with its own locals; calls nest at most
//! [`MAX_CALL_DEPTH`] deep, past which the reading stops with an error.

use super::args::CallArgs;
use super::bound_names::{bound_names, declared_names};
use super::hash::FastMap;
use super::names::{FunctionScope, Locals, ScopeNames};
use super::reader::{Binding, MAX_CALL_DEPTH, Reader, WITHOUT_RUNNING, code};
use super::statements::Flow;
use super::values::{Dict, Value};
use crate::span::Span;
use rustpython_parser::ast::{Arguments, Expr, ExprLambda, Stmt, StmtFunctionDef};
use std::cell::RefCell;
use std::rc::Rc;

/// A parameter, with its default (evaluated when the function was defined;
/// `Some(None)`: the default could not be read).
#[derive(Debug)]
pub(super) struct Param {
    pub name: String,
    pub default: Option<Option<Value>>,
}

#[derive(Debug, Default)]
pub(super) struct Params {
    /// Positional-only parameters come first; `positional_only` says how many.
    pub positional: Vec<Param>,
    pub positional_only: usize,
    pub vararg: Option<String>,
    pub keyword_only: Vec<Param>,
    pub kwarg: Option<String>,
}

#[derive(Debug)]
pub(super) enum Body {
    Block(Rc<[Stmt]>),
    Lambda(Rc<Expr>),
}

#[derive(Debug)]
pub(super) struct Function {
    pub name: String,
    pub params: Params,
    pub body: Body,
    /// The module it was defined in: its globals are the function's.
    pub module: usize,
    pub names: Rc<ScopeNames>,
    /// The locals of the functions it was defined in, innermost first.
    pub enclosing: Rc<[Locals]>,
    /// A generator (`yield` in its body): calling it is skipped.
    pub generator: bool,
}

impl Reader<'_> {
    /// `def name(params): body`.
    pub(super) fn define(&mut self, def: &StmtFunctionDef, span: Span, depth: usize) {
        let name = def.name.as_str();
        if !def.decorator_list.is_empty() {
            self.warn(
                code::SKIPPED,
                self.first_line(span),
                format!(
                    "skipped function `{name}`: moat does not apply decorators ({WITHOUT_RUNNING})"
                ),
            );
            self.bind(name, None, span);
            return;
        }
        let params = self.params(&def.args, depth);
        let names = scope_names(&def.args, &def.body);
        let function = Function {
            name: name.to_string(),
            params,
            body: Body::Block(def.body.clone().into()),
            module: self.current_module(),
            names: Rc::new(names),
            enclosing: self.enclosing_for_new_function(),
            generator: has_yield(&def.body),
        };
        self.bind(name, Some(Value::Function(Rc::new(function))), span);
    }

    /// `lambda params: body`.
    pub(super) fn lambda(&mut self, lambda: &ExprLambda, depth: usize) -> Value {
        let params = self.params(&lambda.args, depth);
        let names = scope_names(&lambda.args, &[]);
        Value::Function(Rc::new(Function {
            name: "<lambda>".to_string(),
            params,
            body: Body::Lambda(Rc::new((*lambda.body).clone())),
            module: self.current_module(),
            names: Rc::new(names),
            enclosing: self.enclosing_for_new_function(),
            generator: false,
        }))
    }

    /// What a function defined now sees of the functions it is nested in.
    fn enclosing_for_new_function(&self) -> Rc<[Locals]> {
        match self.frame().and_then(|f| f.function.as_ref()) {
            Some(function) => std::iter::once(Rc::clone(&function.locals))
                .chain(function.enclosing.iter().cloned())
                .collect(),
            None => Rc::from([]),
        }
    }

    fn params(&mut self, args: &Arguments, depth: usize) -> Params {
        let param = |reader: &mut Self, arg: &rustpython_parser::ast::ArgWithDefault| Param {
            name: arg.def.arg.to_string(),
            default: arg
                .default
                .as_ref()
                .map(|default| reader.eval(default, depth)),
        };
        let mut params = Params {
            positional_only: args.posonlyargs.len(),
            ..Params::default()
        };
        for arg in args.posonlyargs.iter().chain(&args.args) {
            let p = param(self, arg);
            params.positional.push(p);
        }
        for arg in &args.kwonlyargs {
            let p = param(self, arg);
            params.keyword_only.push(p);
        }
        params.vararg = args.vararg.as_ref().map(|a| a.arg.to_string());
        params.kwarg = args.kwarg.as_ref().map(|a| a.arg.to_string());
        params
    }

    /// Calls `function` with `args` (from the call at `span`): its return
    /// value, or `None` with a warning.
    pub(super) fn call_function(
        &mut self,
        function: &Rc<Function>,
        args: CallArgs,
        span: Span,
    ) -> Option<Value> {
        let name = &function.name;
        if function.generator {
            self.warn(
                code::SKIPPED,
                span,
                format!("skipped call to generator function `{name}`: moat does not run `yield`"),
            );
            return None;
        }
        if self.frames.len() > MAX_CALL_DEPTH {
            self.stop(
                code::CALL_TOO_DEEP,
                span,
                format!("calls nest more than {MAX_CALL_DEPTH} deep (calling `{name}`): moat stops reading here; a function that calls itself without end does that"),
            );
            return None;
        }
        if !self.tick(1, span) {
            return None;
        }
        let locals = match self.bind_params(function, args, span) {
            Ok(locals) => locals,
            Err(message) => {
                self.warn(
                    code::PYTHON_ERROR,
                    span,
                    format!("skipped call to `{name}`: {message} (Python raises `TypeError`)"),
                );
                return None;
            }
        };
        let module = function.module;
        let file = self.modules.get(module).map(|m| m.file.clone())?;
        let saved_file = std::mem::replace(&mut self.file, file);
        let saved_anchor = self.anchor;
        self.anchor = if module == 0 {
            None
        } else {
            Some(self.site(span))
        };
        self.frames.push(super::names::Frame {
            module,
            function: Some(FunctionScope {
                locals: Rc::new(RefCell::new(locals)),
                names: Rc::clone(&function.names),
                enclosing: Rc::clone(&function.enclosing),
            }),
            comprehensions: Vec::new(),
        });
        let result = match &function.body {
            Body::Block(body) => match self.block(body, 0) {
                Flow::Return(value) => value,
                Flow::Next => Some(Value::None),
                Flow::Stop => None,
                // `break` and `continue` outside a loop were reported where they are
                Flow::Break | Flow::Continue => Some(Value::None),
            },
            Body::Lambda(body) => self.eval(body, 0),
        };
        self.frames.pop();
        self.file = saved_file;
        self.anchor = saved_anchor;
        result
    }

    /// The function's locals with its parameters bound to `args`, as
    /// Python binds them; `Err` says what Python would refuse.
    fn bind_params(
        &mut self,
        function: &Function,
        args: CallArgs,
        span: Span,
    ) -> Result<FastMap<String, Binding>, String> {
        let params = &function.params;
        let mut locals: FastMap<String, Binding> = FastMap::default();
        let line = self.line_of(span);
        let caller = self.current_module();
        let unread = Binding::Unread {
            line,
            module: caller,
        };
        let as_binding = |value: Option<Value>| match value {
            Some(value) => Binding::Value(value),
            None => unread.clone(),
        };
        let mut extra: Vec<Value> = Vec::new();
        for (index, arg) in args.positional.into_iter().enumerate() {
            match params.positional.get(index) {
                Some(param) => {
                    locals.insert(param.name.clone(), as_binding(arg.value));
                }
                None if params.vararg.is_some() => match arg.value {
                    Some(value) => extra.push(value),
                    None => return Err("an extra argument has no value".to_string()),
                },
                None => {
                    return Err(format!(
                        "it takes {} positional arguments",
                        params.positional.len()
                    ));
                }
            }
        }
        if let Some(vararg) = &params.vararg {
            let tuple = Value::tuple(extra);
            if !self.charge_container(tuple.size(), tuple.depth(), span) {
                return Err("its arguments are too large".to_string());
            }
            locals.insert(vararg.clone(), Binding::Value(tuple));
        }
        let mut kwargs = Dict::new();
        for keyword in args.keywords {
            let name = keyword.name.as_str();
            let positional = params
                .positional
                .iter()
                .skip(params.positional_only)
                .chain(&params.keyword_only)
                .any(|p| p.name == name);
            if positional {
                if locals.contains_key(name) {
                    return Err(format!("`{name}` is given twice"));
                }
                locals.insert(name.to_string(), as_binding(keyword.value));
            } else if params.kwarg.is_some() {
                match keyword.value {
                    Some(value) => {
                        kwargs.insert(Value::str(name), value);
                    }
                    None => return Err(format!("keyword argument `{name}` has no value")),
                }
            } else {
                return Err(format!("it has no parameter `{name}`"));
            }
        }
        if let Some(kwarg) = &params.kwarg {
            if !self.charge_container(kwargs.size, kwargs.depth, span) {
                return Err("its arguments are too large".to_string());
            }
            let kwargs = self.new_dict(kwargs, false);
            locals.insert(kwarg.clone(), Binding::Value(kwargs));
        }
        for param in params.positional.iter().chain(&params.keyword_only) {
            if locals.contains_key(&param.name) {
                continue;
            }
            match &param.default {
                Some(default) => {
                    locals.insert(param.name.clone(), as_binding(default.clone()));
                }
                None => return Err(format!("argument `{}` is missing", param.name)),
            }
        }
        Ok(locals)
    }
}

/// The names a function's body makes local, and those it declares
/// `global` or `nonlocal`.
fn scope_names(args: &Arguments, body: &[Stmt]) -> ScopeNames {
    let mut names = ScopeNames::default();
    let params = args
        .posonlyargs
        .iter()
        .chain(&args.args)
        .chain(&args.kwonlyargs)
        .map(|a| a.def.arg.to_string())
        .chain(args.vararg.iter().map(|a| a.arg.to_string()))
        .chain(args.kwarg.iter().map(|a| a.arg.to_string()));
    names.local.extend(params);
    for stmt in body {
        names.local.extend(bound_names(stmt));
        let (global, nonlocal) = declared_names(stmt);
        names.global.extend(global);
        names.nonlocal.extend(nonlocal);
    }
    for name in names.global.iter().chain(&names.nonlocal) {
        names.local.remove(name);
    }
    names
}

/// Whether a function body holds `yield` (outside nested functions), in
/// the places a script writes it: on its own or as an assigned value.
fn has_yield(body: &[Stmt]) -> bool {
    let is_yield = |e: &Expr| matches!(e, Expr::Yield(_) | Expr::YieldFrom(_));
    body.iter().any(|stmt| match stmt {
        Stmt::Expr(e) => is_yield(&e.value),
        Stmt::Assign(a) => is_yield(&a.value),
        Stmt::For(f) => has_yield(&f.body) || has_yield(&f.orelse),
        Stmt::While(w) => has_yield(&w.body) || has_yield(&w.orelse),
        Stmt::If(i) => has_yield(&i.body) || has_yield(&i.orelse),
        Stmt::With(w) => has_yield(&w.body),
        Stmt::Try(t) => {
            has_yield(&t.body)
                || has_yield(&t.orelse)
                || has_yield(&t.finalbody)
                || t.handlers.iter().any(|h| {
                    let rustpython_parser::ast::ExceptHandler::ExceptHandler(h) = h;
                    has_yield(&h.body)
                })
        }
        _ => false,
    })
}
