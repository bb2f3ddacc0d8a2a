//! The names a skipped statement would have set. Binding them as unread
//! makes later uses say which skipped line they depend on, instead of
//! calling them unknown or, worse, keeping a value the script replaced.

use super::eval::MAX_EVAL_DEPTH;
use rustpython_parser::ast::{ExceptHandler, Expr, Stmt};

/// Names `stmt` binds at module level, including inside its blocks
/// (not inside function or class bodies: those are their own scopes).
pub(super) fn bound_names(stmt: &Stmt) -> Vec<String> {
    let mut names = Vec::new();
    collect(stmt, &mut names, 0);
    names
}

fn collect(stmt: &Stmt, names: &mut Vec<String>, depth: usize) {
    if depth > MAX_EVAL_DEPTH {
        return;
    }
    let depth = depth + 1;
    let block = |body: &[Stmt], names: &mut Vec<String>| {
        for stmt in body {
            collect(stmt, names, depth);
        }
    };
    match stmt {
        Stmt::FunctionDef(def) => names.push(def.name.to_string()),
        Stmt::AsyncFunctionDef(def) => names.push(def.name.to_string()),
        Stmt::ClassDef(def) => names.push(def.name.to_string()),
        Stmt::Assign(assign) => {
            for target in &assign.targets {
                targets(target, names, depth);
            }
        }
        Stmt::AnnAssign(assign) => targets(&assign.target, names, depth),
        Stmt::AugAssign(assign) => targets(&assign.target, names, depth),
        Stmt::Import(import) => {
            for alias in &import.names {
                let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                names.push(name.split('.').next().unwrap_or(name).to_string());
            }
        }
        Stmt::ImportFrom(import) => {
            for alias in &import.names {
                names.push(alias.asname.as_ref().unwrap_or(&alias.name).to_string());
            }
        }
        Stmt::For(for_) => {
            targets(&for_.target, names, depth);
            block(&for_.body, names);
            block(&for_.orelse, names);
        }
        Stmt::AsyncFor(for_) => {
            targets(&for_.target, names, depth);
            block(&for_.body, names);
            block(&for_.orelse, names);
        }
        Stmt::While(while_) => {
            block(&while_.body, names);
            block(&while_.orelse, names);
        }
        Stmt::If(if_) => {
            block(&if_.body, names);
            block(&if_.orelse, names);
        }
        Stmt::With(with) => {
            for item in &with.items {
                if let Some(vars) = &item.optional_vars {
                    targets(vars, names, depth);
                }
            }
            block(&with.body, names);
        }
        Stmt::AsyncWith(with) => {
            for item in &with.items {
                if let Some(vars) = &item.optional_vars {
                    targets(vars, names, depth);
                }
            }
            block(&with.body, names);
        }
        Stmt::Try(try_) => {
            block(&try_.body, names);
            handlers(&try_.handlers, names, depth);
            block(&try_.orelse, names);
            block(&try_.finalbody, names);
        }
        Stmt::TryStar(try_) => {
            block(&try_.body, names);
            handlers(&try_.handlers, names, depth);
            block(&try_.orelse, names);
            block(&try_.finalbody, names);
        }
        Stmt::Match(match_) => {
            for case in &match_.cases {
                block(&case.body, names);
            }
        }
        _ => {}
    }
}

fn handlers(handlers: &[ExceptHandler], names: &mut Vec<String>, depth: usize) {
    for ExceptHandler::ExceptHandler(handler) in handlers {
        if let Some(name) = &handler.name {
            names.push(name.to_string());
        }
        for stmt in &handler.body {
            collect(stmt, names, depth);
        }
    }
}

/// The names `stmt` declares `global` and `nonlocal`, in its blocks too
/// (not inside nested functions or classes).
pub(super) fn declared_names(stmt: &Stmt) -> (Vec<String>, Vec<String>) {
    let mut global = Vec::new();
    let mut nonlocal = Vec::new();
    declared(stmt, &mut global, &mut nonlocal, 0);
    (global, nonlocal)
}

fn declared(stmt: &Stmt, global: &mut Vec<String>, nonlocal: &mut Vec<String>, depth: usize) {
    if depth > MAX_EVAL_DEPTH {
        return;
    }
    let block = |body: &[Stmt], global: &mut Vec<String>, nonlocal: &mut Vec<String>| {
        for stmt in body {
            declared(stmt, global, nonlocal, depth + 1);
        }
    };
    match stmt {
        Stmt::Global(g) => global.extend(g.names.iter().map(ToString::to_string)),
        Stmt::Nonlocal(n) => nonlocal.extend(n.names.iter().map(ToString::to_string)),
        Stmt::For(s) => {
            block(&s.body, global, nonlocal);
            block(&s.orelse, global, nonlocal);
        }
        Stmt::While(s) => {
            block(&s.body, global, nonlocal);
            block(&s.orelse, global, nonlocal);
        }
        Stmt::If(s) => {
            block(&s.body, global, nonlocal);
            block(&s.orelse, global, nonlocal);
        }
        Stmt::With(s) => block(&s.body, global, nonlocal),
        Stmt::Try(s) => {
            block(&s.body, global, nonlocal);
            for ExceptHandler::ExceptHandler(h) in &s.handlers {
                block(&h.body, global, nonlocal);
            }
            block(&s.orelse, global, nonlocal);
            block(&s.finalbody, global, nonlocal);
        }
        _ => {}
    }
}

/// Names in an assignment target: `a`, `a, (b, c)`, `*rest`.
fn targets(target: &Expr, names: &mut Vec<String>, depth: usize) {
    if depth > MAX_EVAL_DEPTH {
        return;
    }
    match target {
        Expr::Name(name) => names.push(name.id.to_string()),
        Expr::Tuple(tuple) => {
            for item in &tuple.elts {
                targets(item, names, depth + 1);
            }
        }
        Expr::List(list) => {
            for item in &list.elts {
                targets(item, names, depth + 1);
            }
        }
        Expr::Starred(starred) => targets(&starred.value, names, depth + 1),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustpython_parser::{Mode, ast::Mod};

    #[test]
    fn names_set_anywhere_in_a_skipped_block() {
        let source = "for a, (b, *c) in x:\n    d = 1\n    if y:\n        e += 1\n    def f(g):\n        h = 1\nelse:\n    import i.j as k\n";
        let Ok(Mod::Module(module)) = rustpython_parser::parse(source, Mode::Module, "t.py") else {
            panic!("parses");
        };
        let names = module.body.first().map(bound_names).unwrap_or_default();
        assert_eq!(names, ["a", "b", "c", "d", "e", "f", "k"]);
    }
}
