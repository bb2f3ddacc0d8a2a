//! Which fields the loaded conditions read. Views are built with only those
//! fields, so a model of 50,000 flows costs a few map entries per flow rather
//! than every pytm attribute and control of both endpoints.

use cel::common::ast::Expr;
use std::collections::BTreeMap;

/// A tree of field names; `All` means the whole subtree is read (the value is
/// used as a whole: iterated, compared, passed to a function).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Need {
    #[default]
    None,
    /// Only the length of a list is read (`size(target.inputs)`): its items
    /// can be placeholders.
    Count,
    Fields(BTreeMap<String, Need>),
    All,
}

impl Need {
    /// The need of field `name`: what a view must hold below it.
    pub fn field(&self, name: &str) -> &Need {
        static NONE: Need = Need::None;
        match self {
            Need::All => self,
            Need::Fields(fields) => fields.get(name).unwrap_or(&NONE),
            Need::None | Need::Count => &NONE,
        }
    }

    pub fn wants(&self, name: &str) -> bool {
        match self {
            Need::All => true,
            Need::Fields(fields) => fields.contains_key(name),
            Need::None | Need::Count => false,
        }
    }

    /// Records that only the size of the list at `path` is read, unless more of it is.
    fn insert_count(&mut self, path: &[&str]) {
        let Some((first, rest)) = path.split_first() else {
            if *self == Need::None {
                *self = Need::Count;
            }
            return;
        };
        match self {
            Need::All => {}
            Need::None | Need::Count => {
                *self = Need::Fields(BTreeMap::new());
                self.insert_count(path);
            }
            Need::Fields(fields) => fields
                .entry((*first).to_string())
                .or_default()
                .insert_count(rest),
        }
    }

    fn insert(&mut self, path: &[&str]) {
        let Some((first, rest)) = path.split_first() else {
            *self = Need::All;
            return;
        };
        match self {
            Need::All => {}
            Need::None | Need::Count => {
                *self = Need::Fields(BTreeMap::new());
                self.insert(path);
            }
            Need::Fields(fields) => fields.entry((*first).to_string()).or_default().insert(rest),
        }
    }
}

/// The fields each root variable (`target`, `source`, `sink`) must carry for `exprs`.
#[derive(Debug, Clone, Default)]
pub struct Needs {
    pub roots: BTreeMap<String, Need>,
}

impl Needs {
    pub fn of(&self, root: &str) -> Need {
        self.roots.get(root).cloned().unwrap_or(Need::None)
    }

    /// Every view field, for tests and for tools that dump views.
    pub fn everything() -> Self {
        let roots = ["target", "source", "sink"].map(|r| (r.to_string(), Need::All));
        Needs {
            roots: roots.into_iter().collect(),
        }
    }

    pub fn add(&mut self, expr: &Expr) {
        self.walk(expr, &[]);
    }

    fn walk(&mut self, expr: &Expr, locals: &[String]) {
        if let Some(path) = select_path(expr) {
            let root = path[0];
            if !locals.iter().any(|l| l == root) {
                self.roots
                    .entry(root.to_string())
                    .or_default()
                    .insert(&path[1..]);
            }
            return;
        }
        match expr {
            Expr::Select(select) => self.walk(&select.operand.expr, locals),
            Expr::Call(call) if call.func_name == "size" => {
                // size(x) and x.size() read only the length of x
                let arg = match (&call.target, call.args.as_slice()) {
                    (None, [arg]) => Some(&arg.expr),
                    (Some(target), []) => Some(&target.expr),
                    _ => None,
                };
                match arg.and_then(select_path) {
                    Some(path) if !locals.iter().any(|l| l == path[0]) => {
                        self.roots
                            .entry(path[0].to_string())
                            .or_default()
                            .insert_count(&path[1..]);
                    }
                    _ => {
                        if let Some(target) = &call.target {
                            self.walk(&target.expr, locals);
                        }
                        call.args.iter().for_each(|a| self.walk(&a.expr, locals));
                    }
                }
            }
            Expr::Call(call) => {
                if let Some(target) = &call.target {
                    self.walk(&target.expr, locals);
                }
                for arg in &call.args {
                    self.walk(&arg.expr, locals);
                }
            }
            Expr::Comprehension(comp) => {
                self.walk(&comp.iter_range.expr, locals);
                self.walk(&comp.accu_init.expr, locals);
                let mut inner = locals.to_vec();
                inner.push(comp.iter_var.clone());
                if let Some(var2) = &comp.iter_var2 {
                    inner.push(var2.clone());
                }
                inner.push(comp.accu_var.clone());
                self.walk(&comp.loop_cond.expr, &inner);
                self.walk(&comp.loop_step.expr, &inner);
                self.walk(&comp.result.expr, &inner);
            }
            Expr::List(list) => list
                .elements
                .iter()
                .for_each(|e| self.walk(&e.expr, locals)),
            Expr::Map(map) => {
                for entry in &map.entries {
                    if let cel::common::ast::EntryExpr::MapEntry(e) = &entry.expr {
                        self.walk(&e.key.expr, locals);
                        self.walk(&e.value.expr, locals);
                    }
                }
            }
            Expr::Struct(_) | Expr::Literal(_) | Expr::Unspecified | Expr::Ident(_) => {}
        }
    }
}

/// `a.b.c` as `["a", "b", "c"]` when `expr` is an identifier with field
/// selections (a `has()` test included: it reads the same path).
fn select_path(expr: &Expr) -> Option<Vec<&str>> {
    field_path(expr, true)
}

/// The same, optionally refusing `has()` tests (which are not reads of a value).
pub(crate) fn field_path(expr: &Expr, with_tests: bool) -> Option<Vec<&str>> {
    let mut segments = Vec::new();
    let mut current = expr;
    loop {
        match current {
            Expr::Ident(name) => {
                segments.push(name.as_str());
                segments.reverse();
                return Some(segments);
            }
            Expr::Select(select) if with_tests || !select.test => {
                segments.push(select.field.as_str());
                current = &select.operand.expr;
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(src: &str) -> Needs {
        let program = cel::Program::compile(src).unwrap();
        let mut needs = Needs::default();
        needs.add(&program.expression().expr);
        needs
    }

    #[test]
    fn collects_selected_paths_and_whole_values() {
        let n = needs(
            "!target.controls.isEncrypted && target.data.exists(d, d.isPII) && source.kind == 'actor'",
        );
        let target = n.of("target");
        assert!(target.field("controls").wants("isEncrypted"));
        assert!(!target.field("controls").wants("isHardened"));
        assert_eq!(target.field("data"), &Need::All);
        assert!(n.of("source").wants("kind"));
        assert_eq!(n.of("d"), Need::None);
        assert_eq!(n.of("sink"), Need::None);
    }

    #[test]
    fn size_reads_only_the_length_unless_items_are_read_too() {
        let n = needs("size(target.inputs) > 0 && target.outputs.size() == 0");
        assert_eq!(n.of("target").field("inputs"), &Need::Count);
        assert_eq!(n.of("target").field("outputs"), &Need::Count);
        let both = needs("size(target.inputs) > 0 && target.inputs.exists(f, f.isEncrypted)");
        assert_eq!(both.of("target").field("inputs"), &Need::All);
        let reversed = needs("target.inputs.exists(f, f.isEncrypted) && size(target.inputs) > 0");
        assert_eq!(reversed.of("target").field("inputs"), &Need::All);
    }
}
