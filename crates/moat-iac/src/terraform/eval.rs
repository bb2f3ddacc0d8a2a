//! Evaluates a module's expressions statically: variables (defaults,
//! `.tfvars`, module arguments), locals, references between resources,
//! `count` and `for_each` over known values, templates, conditionals, `for`
//! expressions and the common functions. Whatever only `terraform apply`
//! knows becomes an unknown value with the reason. Attributes a resource
//! gets from AWS (`id`, `arn`) are stand-ins built as the CloudFormation
//! reader builds them (`{aws_s3_bucket.data}` for an unnamed bucket), so
//! that a policy naming `aws_s3_bucket.data.arn` and the bucket meet.

use super::config::{At, Config, span_of};
use super::values::{self, Val, text};
use crate::node_util::{entries, get, items, unknown_reason};
use hcl_edit::Span as _;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::{Directive, Element, Template};
use moat_source::Span;
use moat_source::node::NodeValue;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Evaluation deeper than this gives up: a chain of references through
/// modules, locals and resources, and the nesting of each expression, all
/// count (self-reference is caught by the cycle check; this bounds the
/// stack on long chains).
const MAX_DEPTH: usize = 4096;
/// `count` and `for_each` larger than this are not expanded.
const MAX_INSTANCES: usize = 1_000;

/// One instance of a resource or data source: `aws_s3_bucket.logs[0]`.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The address, with the module path: `module.a.aws_s3_bucket.logs["x"]`.
    pub address: String,
    pub resource_type: String,
    /// A data source (read for references only).
    pub data: bool,
    /// The block's labels.
    pub span: Span,
    /// The block's body.
    pub body_span: Span,
    /// The arguments and nested blocks (blocks as lists of objects, as in
    /// `terraform show -json`), evaluated.
    pub attrs: Val,
    /// The attributes of `attrs` that AWS computes (stand-ins), not written.
    pub computed: Vec<String>,
    /// The argument whose value decides whether (or how many times) it
    /// exists, when that is not known: `count` or `for_each` with the reason.
    pub unknown_count: Option<(String, Span)>,
}

enum Slot<T> {
    Busy,
    Done(T),
}

/// How a resource block expanded.
#[derive(Clone)]
enum Shape {
    Single,
    Count,
    ForEach,
}

#[derive(Clone)]
struct Expanded {
    shape: Shape,
    /// Instance key (`0`, `"name"`) and instance.
    instances: Vec<(Option<Val>, Instance)>,
}

/// The evaluation of one module instance.
pub struct ModuleEval<'c> {
    config: &'c Config,
    module: usize,
    /// The address prefix: `""` or `module.a.`.
    prefix: String,
    inputs: BTreeMap<String, Val>,
    locals: RefCell<BTreeMap<String, Slot<Val>>>,
    resources: RefCell<BTreeMap<String, Slot<Rc<Expanded>>>>,
    /// Module calls evaluated so far; busy while their arguments are
    /// evaluated (two modules may each take an output of the other).
    children: RefCell<BTreeMap<String, Slot<Rc<ModuleEval<'c>>>>>,
    /// Shared by every module of the configuration.
    depth: Rc<std::cell::Cell<usize>>,
    /// The account and Region computed attributes are built with.
    pub env: super::computed::Env,
    /// See [`Self::block_index`].
    blocks_by_key: std::cell::OnceCell<BTreeMap<String, (&'c Block, usize)>>,
    /// Shared by every module of the configuration: see [`Self::take_notes`].
    notes: Rc<RefCell<Vec<(String, Span)>>>,
}

/// Variables in scope besides the module's: `count`, `each`, `for` and
/// `dynamic` iterators.
#[derive(Clone, Default)]
pub struct Scope {
    vars: BTreeMap<String, Val>,
}

impl Scope {
    fn with(&self, name: &str, value: Val) -> Scope {
        let mut s = self.clone();
        s.vars.insert(name.to_string(), value);
        s
    }
}

impl<'c> ModuleEval<'c> {
    /// The module `module` of `config` with `inputs` for its variables
    /// (defaults fill the rest; variables with neither are unknown).
    pub fn new(
        config: &'c Config,
        module: usize,
        prefix: String,
        given: BTreeMap<String, Val>,
    ) -> Self {
        let mut eval = ModuleEval {
            config,
            module,
            prefix,
            inputs: BTreeMap::new(),
            locals: RefCell::new(BTreeMap::new()),
            resources: RefCell::new(BTreeMap::new()),
            children: RefCell::new(BTreeMap::new()),
            depth: Rc::new(std::cell::Cell::new(0)),
            env: super::computed::Env::default(),
            notes: Rc::new(RefCell::new(Vec::new())),
            blocks_by_key: std::cell::OnceCell::new(),
        };
        let mut inputs = BTreeMap::new();
        for block in config.blocks(module, "variable") {
            let Some(name) = label(block.item, 0) else {
                continue;
            };
            let value = match given.get(&name) {
                Some(v) => v.clone(),
                None => match block.item.body.get_attribute("default") {
                    Some(attr) => eval.eval(&attr.value, block.base, &Scope::default()),
                    None => values::unknown(
                        format!(
                            "variable `{name}` has no default and no value is given (a `.tfvars` file or `--var`)"
                        ),
                        block.span(),
                    ),
                },
            };
            inputs.insert(name, value);
        }
        eval.inputs = inputs;
        eval
    }

    /// Every resource and data source instance of this module and the
    /// modules it calls, in file order.
    pub fn instances(&self) -> Vec<Instance> {
        let mut out = Vec::new();
        for kind in ["resource", "data"] {
            for block in self.config.blocks(self.module, kind) {
                let (Some(rtype), Some(name)) = (label(block.item, 0), label(block.item, 1)) else {
                    continue;
                };
                let key = if kind == "data" {
                    format!("data.{rtype}.{name}")
                } else {
                    format!("{rtype}.{name}")
                };
                if let Some(expanded) = self.expanded(&key) {
                    out.extend(expanded.instances.iter().map(|(_, i)| i.clone()));
                }
            }
        }
        let calls: Vec<String> = self.config.modules[self.module]
            .calls
            .keys()
            .cloned()
            .collect();
        for name in calls {
            for (suffix, scope) in self.module_instances(&name) {
                if let Some(child) = self.child(&name, &suffix, &scope) {
                    out.extend(child.instances());
                }
            }
        }
        out
    }

    /// What evaluation could not decide that a user should hear about
    /// (a module's `count` or `for_each` not known), with places.
    pub fn take_notes(&self) -> Vec<(String, Span)> {
        std::mem::take(&mut *self.notes.borrow_mut())
    }

    /// The instances of module call `name`: suffix (`""`, `[0]`,
    /// `["key"]`, `[?]` when `count`/`for_each` is not known) and the scope
    /// its arguments are evaluated in.
    fn module_instances(&self, name: &str) -> Vec<(String, Scope)> {
        let Some(block) = self
            .config
            .blocks(self.module, "module")
            .find(|b| label(b.item, 0).as_deref() == Some(name))
        else {
            return Vec::new();
        };
        let empty = Scope::default();
        let body = &block.item.body;
        if let Some(count) = body.get_attribute("count") {
            let n = self.eval(&count.value, block.base, &empty);
            return match values::number(&n) {
                Some(k) if k >= 0.0 && (k as usize) <= MAX_INSTANCES => (0..k as usize)
                    .map(|i| {
                        let idx = values::node(NodeValue::Int(i as i64), n.span);
                        (
                            format!("[{i}]"),
                            empty.with("count", values::map(vec![("index".into(), idx)], n.span)),
                        )
                    })
                    .collect(),
                _ => {
                    let reason = unknown_reason(&n).unwrap_or("not a number Moat can expand");
                    let reason = format!("module `{name}`'s `count` is not known: {reason}");
                    self.notes.borrow_mut().push((reason.clone(), n.span));
                    let u = values::unknown(reason, n.span);
                    vec![(
                        "[?]".into(),
                        empty.with("count", values::map(vec![("index".into(), u)], n.span)),
                    )]
                }
            };
        }
        if let Some(each) = body.get_attribute("for_each") {
            let coll = self.eval(&each.value, block.base, &empty);
            return match pairs(&coll) {
                Ok(ps) if ps.len() <= MAX_INSTANCES => ps
                    .into_iter()
                    .map(|(k, v)| {
                        let k = if matches!(coll.value, NodeValue::Seq(_)) {
                            v.clone()
                        } else {
                            k
                        };
                        let suffix = format!("[{:?}]", text(&k).unwrap_or_default());
                        let scope = empty.with(
                            "each",
                            values::map(
                                vec![("key".into(), k.clone()), ("value".into(), v)],
                                k.span,
                            ),
                        );
                        (suffix, scope)
                    })
                    .collect(),
                other => {
                    let reason = match other {
                        Err(r) => format!("module `{name}`'s `for_each` is not known: {r}"),
                        Ok(_) => format!(
                            "module `{name}`'s `for_each` has more than {MAX_INSTANCES} entries; not expanded"
                        ),
                    };
                    self.notes.borrow_mut().push((reason.clone(), coll.span));
                    let u = values::unknown(reason, coll.span);
                    vec![(
                        "[?]".into(),
                        empty.with(
                            "each",
                            values::map(
                                vec![("key".into(), u.clone()), ("value".into(), u)],
                                coll.span,
                            ),
                        ),
                    )]
                }
            };
        }
        vec![(String::new(), empty)]
    }

    fn child(&self, name: &str, suffix: &str, scope: &Scope) -> Option<Rc<ModuleEval<'c>>> {
        self.child_or_busy(name, suffix, scope).ok().flatten()
    }

    /// Instance `suffix` of module call `name`: `Err` while its own
    /// arguments are being evaluated (a reference back to it from them),
    /// `Ok(None)` when it is not on disk.
    fn child_or_busy(
        &self,
        name: &str,
        suffix: &str,
        scope: &Scope,
    ) -> Result<Option<Rc<ModuleEval<'c>>>, ()> {
        let key = format!("{name}{suffix}");
        match self.children.borrow().get(&key) {
            Some(Slot::Done(c)) => return Ok(Some(c.clone())),
            Some(Slot::Busy) => return Err(()),
            None => {}
        }
        let Some(index) = self.config.modules[self.module]
            .calls
            .get(name)
            .copied()
            .flatten()
        else {
            return Ok(None);
        };
        let Some(block) = self
            .config
            .blocks(self.module, "module")
            .find(|b| label(b.item, 0).as_deref() == Some(name))
        else {
            return Ok(None);
        };
        self.children.borrow_mut().insert(key.clone(), Slot::Busy);
        let mut given = BTreeMap::new();
        for attr in block.item.body.attributes() {
            let arg = attr.key.as_str();
            if matches!(
                arg,
                "source" | "version" | "providers" | "depends_on" | "count" | "for_each"
            ) {
                continue;
            }
            given.insert(arg.to_string(), self.eval(&attr.value, block.base, scope));
        }
        let mut child = ModuleEval::new(
            self.config,
            index,
            format!("{}module.{key}.", self.prefix),
            given,
        );
        child.depth = self.depth.clone();
        child.env = self.env.clone();
        child.notes = self.notes.clone();
        let child = Rc::new(child);
        self.children
            .borrow_mut()
            .insert(key, Slot::Done(child.clone()));
        Ok(Some(child))
    }

    /// The module instance a reference names: `module.m.out` or
    /// `module.m[KEY].out`; returns it and how many operators it used.
    fn referenced_module(
        &self,
        m: &str,
        ops: &[&TraversalOperator],
        base: usize,
        scope: &Scope,
        span: Span,
    ) -> Result<(Rc<ModuleEval<'c>>, usize), Val> {
        let instances = self.module_instances(m);
        let (suffix, used) = match ops.get(1) {
            Some(TraversalOperator::Index(e)) => {
                let k = self.eval(e, base, scope);
                if let Some(r) = unknown_reason(&k) {
                    return Err(values::unknown(r, span));
                }
                let suffix = match &k.value {
                    NodeValue::Int(_) | NodeValue::UInt(_) | NodeValue::Float(_) => {
                        format!("[{}]", text(&k).unwrap_or_default())
                    }
                    _ => format!("[{:?}]", text(&k).unwrap_or_default()),
                };
                (suffix, 2)
            }
            Some(TraversalOperator::LegacyIndex(n)) => (format!("[{}]", n.value()), 2),
            _ => match instances.as_slice() {
                [(only, _)] if only.is_empty() || only == "[?]" => (only.clone(), 1),
                _ => {
                    return Err(values::unknown(
                        format!(
                            "module `{m}` has several instances (`count`/`for_each`): a reference names one, `module.{m}[KEY]`"
                        ),
                        span,
                    ));
                }
            },
        };
        let Some((_, instance_scope)) = instances.iter().find(|(s, _)| *s == suffix) else {
            return Err(values::unknown(
                format!("module `{m}` has no instance `{suffix}`"),
                span,
            ));
        };
        match self.child_or_busy(m, &suffix, instance_scope) {
            Ok(Some(child)) => Ok((child, used)),
            Err(()) => Err(values::unknown(
                format!(
                    "module `{m}`'s output is used in its own arguments (through another module); Moat reads module arguments all at once"
                ),
                span,
            )),
            Ok(None) => Err(values::unknown(
                format!(
                    "module `{m}` is not on disk (run `terraform init` to fetch registry modules into .terraform/modules)"
                ),
                span,
            )),
        }
    }

    fn enter(&self) -> bool {
        let d = self.depth.get();
        if d >= MAX_DEPTH {
            return false;
        }
        self.depth.set(d + 1);
        true
    }

    fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }

    /// Evaluates `expr`, written in the file starting at `base`.
    pub fn eval(&self, expr: &Expression, base: usize, scope: &Scope) -> Val {
        let span = span_of(expr, base);
        if !self.enter() {
            return values::unknown("the expression is nested too deeply to evaluate", span);
        }
        let v = self.eval_inner(expr, base, scope, span);
        self.leave();
        v
    }

    fn eval_inner(&self, expr: &Expression, base: usize, scope: &Scope, span: Span) -> Val {
        match expr {
            Expression::Null(_) => values::null(span),
            Expression::Bool(b) => values::boolean(*b.value(), span),
            Expression::Number(n) => {
                let n = n.value();
                match n.as_i64() {
                    Some(i) => values::node(NodeValue::Int(i), span),
                    None => values::node(NodeValue::Float(n.as_f64().unwrap_or(0.0)), span),
                }
            }
            Expression::String(s) => values::str(s.value().as_str(), span),
            Expression::Array(list) => values::seq(
                list.iter().map(|e| self.eval(e, base, scope)).collect(),
                span,
            ),
            Expression::Object(object) => {
                let mut out = Vec::new();
                for (key, value) in object.iter() {
                    let key_text = match key {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(Expression::Variable(v)) => v.as_str().to_string(),
                        ObjectKey::Expression(e) => {
                            let k = self.eval(e, base, scope);
                            match text(&k) {
                                Some(t) => t,
                                None => {
                                    return values::unknown(
                                        unknown_reason(&k)
                                            .unwrap_or("an object key is not a string"),
                                        span,
                                    );
                                }
                            }
                        }
                    };
                    let key_span = match key {
                        ObjectKey::Ident(id) => span_of(id, base),
                        ObjectKey::Expression(e) => span_of(e, base),
                    };
                    let v = self.eval(value.expr(), base, scope);
                    out.push((values::str(key_text, key_span), v));
                }
                values::node(NodeValue::Map(out), span)
            }
            Expression::StringTemplate(t) => {
                let elements: Vec<&Element> = t.iter().collect();
                self.template(&elements, base, scope, span)
            }
            Expression::HeredocTemplate(h) => {
                let mut h = (**h).clone();
                // only `<<-` strips indentation (and hcl-edit's dedent
                // mangles a plain heredoc with interpolations)
                if h.indent().is_some() {
                    h.dedent();
                }
                let elements: Vec<&Element> = h.template.iter().collect();
                let v = self.template(&elements, base, scope, span);
                // a heredoc written without interpolation keeps its place
                // in the file, for a JSON policy read from it
                match (&v.value, h.template.as_single_element()) {
                    (NodeValue::Str(_), Some(Element::Literal(lit))) if h.indent().is_none() => {
                        let start = lit.span().map(|r| r.start + base);
                        match start {
                            Some(s) => values::node(v.value, Span::new(s, span.end as usize)),
                            None => v,
                        }
                    }
                    _ => v,
                }
            }
            Expression::Parenthesis(p) => self.eval(p.inner(), base, scope),
            Expression::Variable(v) => self.variable(v.as_str(), &[], base, scope, span),
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                match &t.expr {
                    Expression::Variable(v) => self.variable(v.as_str(), &ops, base, scope, span),
                    // hcl-edit reads `!var.x` as `(!var).x`: the operator
                    // applies to the whole traversal
                    Expression::UnaryOp(op) => {
                        let inner = match &op.expr {
                            Expression::Variable(v) => {
                                self.variable(v.as_str(), &ops, base, scope, span)
                            }
                            other => {
                                let root = self.eval(other, base, scope);
                                self.traverse(root, &ops, base, scope, span)
                            }
                        };
                        unary(*op.operator.value(), &inner, span)
                    }
                    other => {
                        let root = self.eval(other, base, scope);
                        self.traverse(root, &ops, base, scope, span)
                    }
                }
            }
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, base, scope);
                match values::truth(&cond) {
                    Some(true) => self.eval(&c.true_expr, base, scope),
                    Some(false) => self.eval(&c.false_expr, base, scope),
                    None => {
                        let a = self.eval(&c.true_expr, base, scope);
                        let b = self.eval(&c.false_expr, base, scope);
                        if values::same(&a, &b) {
                            a
                        } else {
                            let why = unknown_reason(&cond)
                                .map(str::to_string)
                                .unwrap_or_else(|| "the condition is not a boolean".into());
                            values::unknown(
                                format!("a conditional depends on a value not known: {why}"),
                                span,
                            )
                        }
                    }
                }
            }
            Expression::FuncCall(call) => {
                let name = call.name.name.as_str();
                let args: Vec<&Expression> = call.args.iter().collect();
                if call.name.is_namespaced() {
                    return values::unknown(
                        format!("provider function `{name}` is not evaluated"),
                        span,
                    );
                }
                if matches!(name, "try" | "can") {
                    return super::functions::lazy(self, name, &args, base, scope, span);
                }
                let mut vals: Vec<Val> = args.iter().map(|a| self.eval(a, base, scope)).collect();
                if call.args.expand_final()
                    && let Some(last) = vals.pop()
                {
                    match &last.value {
                        NodeValue::Seq(list) => vals.extend(list.iter().cloned()),
                        _ => return values::unknown("`...` expands a list not known", span),
                    }
                }
                super::functions::call(self, name, vals, span)
            }
            Expression::UnaryOp(op) => {
                let v = self.eval(&op.expr, base, scope);
                unary(*op.operator.value(), &v, span)
            }
            Expression::BinaryOp(op) => {
                // hcl-edit nests every chain of operators to the right
                // (`a && b > 0` as `a && (b > 0)`, but `a > 0 && b` as
                // `a > (0 && b)`): the chain is read flat and regrouped by
                // HCL's precedence
                let mut operands = vec![self.eval(&op.lhs_expr, base, scope)];
                let mut operators = vec![*op.operator.value()];
                let mut rest = &op.rhs_expr;
                while let Expression::BinaryOp(next) = rest {
                    operands.push(self.eval(&next.lhs_expr, base, scope));
                    operators.push(*next.operator.value());
                    rest = &next.rhs_expr;
                }
                operands.push(self.eval(rest, base, scope));
                by_precedence(operands, operators, span)
            }
            Expression::ForExpr(f) => self.for_expr(f, base, scope, span),
        }
    }

    fn for_expr(&self, f: &hcl_edit::expr::ForExpr, base: usize, scope: &Scope, span: Span) -> Val {
        let collection = self.eval(&f.intro.collection_expr, base, scope);
        let pairs = match pairs(&collection) {
            Ok(p) => p,
            Err(reason) => return values::unknown(reason, span),
        };
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let value_var = f.intro.value_var.as_str().to_string();
        let mut list = Vec::new();
        let mut object: Vec<(Val, Val)> = Vec::new();
        for (k, v) in pairs {
            let mut s = scope.with(&value_var, v);
            if let Some(kv) = &key_var {
                s = s.with(kv, k);
            }
            if let Some(cond) = &f.cond {
                let c = self.eval(&cond.expr, base, &s);
                match values::truth(&c) {
                    Some(true) => {}
                    Some(false) => continue,
                    None => {
                        return values::unknown(
                            "a `for` filter depends on a value not known",
                            span,
                        );
                    }
                }
            }
            let value = self.eval(&f.value_expr, base, &s);
            match &f.key_expr {
                Some(ke) => {
                    let key = self.eval(ke, base, &s);
                    let Some(kt) = text(&key) else {
                        return values::unknown("a `for` key is not known", span);
                    };
                    if f.grouping {
                        if let Some((_, existing)) = object
                            .iter_mut()
                            .find(|(k, _)| text(k).as_deref() == Some(&kt))
                        {
                            if let NodeValue::Seq(items) = &mut existing.value {
                                items.push(value);
                            }
                        } else {
                            object
                                .push((values::str(kt, key.span), values::seq(vec![value], span)));
                        }
                    } else {
                        object.push((values::str(kt, key.span), value));
                    }
                }
                None => list.push(value),
            }
        }
        if f.key_expr.is_some() {
            values::node(NodeValue::Map(object), span)
        } else {
            values::seq(list, span)
        }
    }

    fn template(&self, elements: &[&Element], base: usize, scope: &Scope, span: Span) -> Val {
        let mut out = String::new();
        for element in elements {
            match element {
                Element::Literal(lit) => out.push_str(lit.value()),
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr, base, scope);
                    if let Some(reason) = unknown_reason(&v) {
                        return values::unknown(reason, span);
                    }
                    match &v.value {
                        NodeValue::Seq(_) | NodeValue::Map(_) => match values::to_json(&v) {
                            // what jsonencode() inside "${...}" gives
                            Some(json) => out.push_str(&json),
                            None => {
                                return values::unknown(
                                    "a collection inside a string template",
                                    span,
                                );
                            }
                        },
                        _ => match text(&v) {
                            Some(t) => out.push_str(&t),
                            None => {
                                return values::unknown(
                                    "a null value inside a string template",
                                    span,
                                );
                            }
                        },
                    }
                }
                Element::Directive(d) => match d {
                    Directive::If(d) => {
                        let cond = self.eval(&d.if_expr.cond_expr, base, scope);
                        let chosen: Option<&Template> = match values::truth(&cond) {
                            Some(true) => Some(&d.if_expr.template),
                            Some(false) => d.else_expr.as_ref().map(|e| &e.template),
                            None => {
                                return values::unknown(
                                    "a template `%{if}` depends on a value not known",
                                    span,
                                );
                            }
                        };
                        if let Some(t) = chosen {
                            let els: Vec<&Element> = t.iter().collect();
                            let v = self.template(&els, base, scope, span);
                            match text(&v) {
                                Some(t) => out.push_str(&t),
                                None => return v,
                            }
                        }
                    }
                    Directive::For(d) => {
                        let coll = self.eval(&d.for_expr.collection_expr, base, scope);
                        let ps = match pairs(&coll) {
                            Ok(p) => p,
                            Err(r) => return values::unknown(r, span),
                        };
                        for (k, v) in ps {
                            let mut s = scope.with(d.for_expr.value_var.as_str(), v);
                            if let Some(kv) = &d.for_expr.key_var {
                                s = s.with(kv.as_str(), k);
                            }
                            let els: Vec<&Element> = d.for_expr.template.iter().collect();
                            let v = self.template(&els, base, &s, span);
                            match text(&v) {
                                Some(t) => out.push_str(&t),
                                None => return v,
                            }
                        }
                    }
                },
            }
        }
        values::str(out, span)
    }

    /// A name and the traversal after it.
    fn variable(
        &self,
        name: &str,
        ops: &[&TraversalOperator],
        base: usize,
        scope: &Scope,
        span: Span,
    ) -> Val {
        if let Some(v) = scope.vars.get(name) {
            return self.traverse(v.clone(), ops, base, scope, span);
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str().to_string()),
            _ => None,
        };
        match name {
            "var" => match attr(0) {
                Some(n) => match self.inputs.get(&n) {
                    Some(v) => self.traverse(v.clone(), &ops[1..], base, scope, span),
                    None => values::unknown(format!("no variable `{n}` is declared"), span),
                },
                None => values::unknown("`var` without a name", span),
            },
            "local" => match attr(0) {
                Some(n) => {
                    let v = self.local(&n, span);
                    self.traverse(v, &ops[1..], base, scope, span)
                }
                None => values::unknown("`local` without a name", span),
            },
            "path" => {
                let dir = match attr(0).as_deref() {
                    Some("root") => self.config.root.display().to_string(),
                    Some("cwd") => ".".to_string(),
                    _ => self.config.modules[self.module].dir.display().to_string(),
                };
                values::str(dir, span)
            }
            "terraform" => values::str("default", span),
            "each" | "count" | "self" => values::unknown(
                format!("`{name}` is used outside a block that defines it"),
                span,
            ),
            "module" => match attr(0) {
                Some(m) => match self.referenced_module(&m, ops, base, scope, span) {
                    Ok((child, used)) => match ops.get(used) {
                        Some(TraversalOperator::GetAttr(output)) => {
                            let v = child.output(output.as_str(), span);
                            self.traverse(v, &ops[used + 1..], base, scope, span)
                        }
                        _ => values::unknown(
                            format!("a reference to module `{m}` without an output"),
                            span,
                        ),
                    },
                    Err(v) => v,
                },
                None => values::unknown("a module output reference without a name", span),
            },
            "data" => match (attr(0), attr(1)) {
                (Some(t), Some(n)) => {
                    let v = self.resource_value(&format!("data.{t}.{n}"), span);
                    let v = self.traverse(v, &ops[2..], base, scope, span);
                    after_apply(
                        v,
                        &format!("data.{t}.{n}"),
                        "when Terraform reads the data source",
                        span,
                    )
                }
                _ => values::unknown("a data source reference without a name", span),
            },
            rtype => match attr(0) {
                Some(n) => {
                    let v = self.resource_value(&format!("{rtype}.{n}"), span);
                    let v = self.traverse(v, &ops[1..], base, scope, span);
                    after_apply(
                        v,
                        &format!("{rtype}.{n}"),
                        "only after `terraform apply`",
                        span,
                    )
                }
                None => values::unknown(format!("`{rtype}` is not a known name"), span),
            },
        }
    }

    fn traverse(
        &self,
        mut v: Val,
        ops: &[&TraversalOperator],
        base: usize,
        scope: &Scope,
        span: Span,
    ) -> Val {
        for (i, op) in ops.iter().enumerate() {
            if let Some(reason) = unknown_reason(&v) {
                return values::unknown(reason, span);
            }
            v = match op {
                TraversalOperator::GetAttr(a) => match get(&v, a.as_str()) {
                    Some(x) => x.clone(),
                    None => values::unknown(format!("no attribute `{}` here", a.as_str()), span),
                },
                TraversalOperator::Index(e) => {
                    let k = self.eval(e, base, scope);
                    index(&v, &k, span)
                }
                TraversalOperator::LegacyIndex(n) => {
                    index(&v, &values::node(NodeValue::UInt(*n.value()), span), span)
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let rest = &ops[i + 1..];
                    let list: Vec<Val> = match &v.value {
                        NodeValue::Seq(list) => list.clone(),
                        NodeValue::Null => Vec::new(),
                        _ => vec![v.clone()],
                    };
                    return values::seq(
                        list.into_iter()
                            .map(|x| self.traverse(x, rest, base, scope, span))
                            .collect(),
                        span,
                    );
                }
            };
        }
        v
    }

    fn local(&self, name: &str, span: Span) -> Val {
        match self.locals.borrow().get(name) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::Busy) => {
                return values::unknown(format!("`local.{name}` refers to itself"), span);
            }
            None => {}
        }
        let found = self.config.blocks(self.module, "locals").find_map(|b| {
            b.item
                .body
                .get_attribute(name)
                .map(|a| (a.value.clone(), b.base))
        });
        let Some((expr, base)) = found else {
            return values::unknown(format!("no local value `{name}` is declared"), span);
        };
        self.locals
            .borrow_mut()
            .insert(name.to_string(), Slot::Busy);
        let v = self.eval(&expr, base, &Scope::default());
        self.locals
            .borrow_mut()
            .insert(name.to_string(), Slot::Done(v.clone()));
        v
    }

    fn output(&self, name: &str, span: Span) -> Val {
        let found = self
            .config
            .blocks(self.module, "output")
            .find(|b| label(b.item, 0).as_deref() == Some(name));
        match found.and_then(|b| {
            b.item
                .body
                .get_attribute("value")
                .map(|a| (a.value.clone(), b.base))
        }) {
            Some((expr, base)) => self.eval(&expr, base, &Scope::default()),
            None => values::unknown(format!("the module has no output `{name}`"), span),
        }
    }

    /// What a reference to a whole resource gives: an object, or a list
    /// (`count`) or map (`for_each`) of them.
    fn resource_value(&self, key: &str, span: Span) -> Val {
        let Some(expanded) = self.expanded_or_reason(key, span) else {
            return values::unknown(format!("`{key}` is not declared in this module"), span);
        };
        let expanded = match expanded {
            Ok(e) => e,
            Err(v) => return v,
        };
        match expanded.shape {
            Shape::Single => expanded
                .instances
                .first()
                .map(|(_, i)| i.attrs.clone())
                .unwrap_or_else(|| values::null(span)),
            Shape::Count => values::seq(
                expanded
                    .instances
                    .iter()
                    .map(|(_, i)| i.attrs.clone())
                    .collect(),
                span,
            ),
            Shape::ForEach => values::node(
                NodeValue::Map(
                    expanded
                        .instances
                        .iter()
                        .map(|(k, i)| {
                            (
                                k.clone().unwrap_or_else(|| values::str("", span)),
                                i.attrs.clone(),
                            )
                        })
                        .collect(),
                ),
                span,
            ),
        }
    }

    fn expanded(&self, key: &str) -> Option<Rc<Expanded>> {
        self.expanded_or_reason(key, Span::default())?.ok()
    }

    fn expanded_or_reason(&self, key: &str, span: Span) -> Option<Result<Rc<Expanded>, Val>> {
        match self.resources.borrow().get(key) {
            Some(Slot::Done(e)) => return Some(Ok(e.clone())),
            Some(Slot::Busy) => {
                return Some(Err(values::unknown(
                    format!("`{key}` refers to itself"),
                    span,
                )));
            }
            None => {}
        }
        let rest = key.strip_prefix("data.").unwrap_or(key);
        let (rtype, _) = rest.split_once('.')?;
        let block = self
            .block_index()
            .get(key)
            .map(|&(item, base)| At { item, base })?;
        self.resources
            .borrow_mut()
            .insert(key.to_string(), Slot::Busy);
        let expanded = Rc::new(self.expand(block, key, rtype));
        self.resources
            .borrow_mut()
            .insert(key.to_string(), Slot::Done(expanded.clone()));
        Some(Ok(expanded))
    }

    /// The module's resource and data blocks by key (`T.N`, `data.T.N`), built
    /// once: looking each reference up by scanning every block made reading
    /// a module quadratic in its resources.
    fn block_index(&self) -> &BTreeMap<String, (&'c Block, usize)> {
        self.blocks_by_key.get_or_init(|| {
            let mut index = BTreeMap::new();
            for kind in ["resource", "data"] {
                for b in self.config.blocks(self.module, kind) {
                    if let (Some(t), Some(n)) = (label(b.item, 0), label(b.item, 1)) {
                        // the first block of an address wins, as the scan did
                        let key = if kind == "data" {
                            format!("data.{t}.{n}")
                        } else {
                            format!("{t}.{n}")
                        };
                        index.entry(key).or_insert((b.item, b.base));
                    }
                }
            }
            index
        })
    }

    fn expand(&self, block: At<'_, Block>, key: &str, rtype: &str) -> Expanded {
        let base = block.base;
        let body = &block.item.body;
        let labels_span = block
            .item
            .labels
            .last()
            .map(|l| span_of(l, base))
            .unwrap_or_else(|| block.span());
        let address = format!("{}{key}", self.prefix);
        let make = |scope: &Scope, suffix: String, unknown_count: Option<(String, Span)>| {
            let instance_address = format!("{address}{suffix}");
            let mut attrs = self.body(body, base, scope, block.span());
            let computed =
                super::computed::add(rtype, &instance_address, &mut attrs, labels_span, &self.env);
            Instance {
                data: key.starts_with("data."),
                computed,
                address: instance_address,
                resource_type: rtype.to_string(),
                span: labels_span,
                body_span: block.span(),
                attrs,
                unknown_count,
            }
        };
        let empty = Scope::default();
        if let Some(count) = body.get_attribute("count") {
            let n = self.eval(&count.value, base, &empty);
            return match values::number(&n) {
                Some(n) if n >= 0.0 && (n as usize) <= MAX_INSTANCES => Expanded {
                    shape: Shape::Count,
                    instances: (0..n as usize)
                        .map(|i| {
                            let idx =
                                values::node(NodeValue::Int(i as i64), n_span(&count.value, base));
                            let s = empty.with(
                                "count",
                                values::map(vec![("index".into(), idx.clone())], idx.span),
                            );
                            (Some(idx), make(&s, format!("[{i}]"), None))
                        })
                        .collect(),
                },
                _ => {
                    let reason = unknown_reason(&n)
                        .map(|r| format!("`count` is not known: {r}"))
                        .unwrap_or_else(|| "`count` is not a number Moat can expand".into());
                    let idx = values::unknown(&reason, n.span);
                    let s = empty.with("count", values::map(vec![("index".into(), idx)], n.span));
                    Expanded {
                        shape: Shape::Count,
                        instances: vec![(None, make(&s, "[?]".into(), Some((reason, n.span))))],
                    }
                }
            };
        }
        if let Some(each) = body.get_attribute("for_each") {
            let coll = self.eval(&each.value, base, &empty);
            return match pairs(&coll) {
                Ok(ps) if ps.len() <= MAX_INSTANCES => Expanded {
                    shape: Shape::ForEach,
                    instances: ps
                        .into_iter()
                        .map(|(k, v)| {
                            // a set's members are their own keys
                            let k = if matches!(coll.value, NodeValue::Seq(_)) {
                                v.clone()
                            } else {
                                k
                            };
                            let kt = text(&k).unwrap_or_default();
                            let s = empty.with(
                                "each",
                                values::map(
                                    vec![("key".into(), k.clone()), ("value".into(), v)],
                                    k.span,
                                ),
                            );
                            (Some(k), make(&s, format!("[{kt:?}]"), None))
                        })
                        .collect(),
                },
                other => {
                    let reason = match other {
                        Err(r) => format!("`for_each` is not known: {r}"),
                        Ok(_) => format!(
                            "`for_each` has more than {MAX_INSTANCES} entries; not expanded"
                        ),
                    };
                    let u = values::unknown(&reason, coll.span);
                    let s = empty.with(
                        "each",
                        values::map(
                            vec![("key".into(), u.clone()), ("value".into(), u)],
                            coll.span,
                        ),
                    );
                    Expanded {
                        shape: Shape::ForEach,
                        instances: vec![(None, make(&s, "[?]".into(), Some((reason, coll.span))))],
                    }
                }
            };
        }
        Expanded {
            shape: Shape::Single,
            instances: vec![(None, make(&empty, String::new(), None))],
        }
    }

    /// A block body as an object: arguments, and nested blocks as lists of
    /// objects under their type (`dynamic` blocks expanded).
    pub fn body(&self, body: &Body, base: usize, scope: &Scope, span: Span) -> Val {
        let mut out: Vec<(Val, Val)> = Vec::new();
        for attr in body.attributes() {
            let key = attr.key.as_str();
            if matches!(
                key,
                "count" | "for_each" | "depends_on" | "provider" | "lifecycle"
            ) {
                continue;
            }
            let v = self.eval(&attr.value, base, scope);
            // an argument set to null is not set
            if matches!(v.value, NodeValue::Null) {
                continue;
            }
            out.push((values::str(key, span_of(&attr.key, base)), v));
        }
        for block in body.blocks() {
            let ident = block.ident.as_str();
            if matches!(
                ident,
                "lifecycle" | "provisioner" | "connection" | "precondition" | "postcondition"
            ) {
                continue;
            }
            let (kind, objects) = if ident == "dynamic" {
                let Some(kind) = label(block, 0) else {
                    continue;
                };
                (kind.clone(), self.dynamic(block, &kind, base, scope))
            } else {
                (
                    ident.to_string(),
                    vec![self.body(&block.body, base, scope, span_of(block, base))],
                )
            };
            match out
                .iter_mut()
                .find(|(k, _)| text(k).as_deref() == Some(&kind))
            {
                Some((_, existing)) => {
                    if let NodeValue::Seq(list) = &mut existing.value {
                        list.extend(objects);
                    }
                }
                None => {
                    let s = span_of(&block.ident, base);
                    let list_span = objects.first().map(|o| o.span).unwrap_or(s);
                    out.push((values::str(kind, s), values::seq(objects, list_span)));
                }
            }
        }
        values::node(NodeValue::Map(out), span)
    }

    fn dynamic(&self, block: &Block, kind: &str, base: usize, scope: &Scope) -> Vec<Val> {
        let span = span_of(block, base);
        let iterator = block
            .body
            .get_attribute("iterator")
            .and_then(|a| match &a.value {
                Expression::Variable(v) => Some(v.as_str().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| kind.to_string());
        let Some(content) = block.body.get_blocks("content").next() else {
            return Vec::new();
        };
        let coll = match block.body.get_attribute("for_each") {
            Some(a) => self.eval(&a.value, base, scope),
            None => return Vec::new(),
        };
        match pairs(&coll) {
            Ok(ps) => ps
                .into_iter()
                .take(MAX_INSTANCES)
                .map(|(k, v)| {
                    let s = scope.with(
                        &iterator,
                        values::map(vec![("key".into(), k), ("value".into(), v)], span),
                    );
                    self.body(&content.body, base, &s, span_of(content, base))
                })
                .collect(),
            Err(reason) => vec![values::unknown(
                format!("a `dynamic \"{kind}\"` block's `for_each` is not known: {reason}"),
                span,
            )],
        }
    }

    /// `templatefile`: `text` rendered with `vars` (an object) as the only
    /// names in scope, as Terraform does; the result is placed at `span`.
    pub fn render_template(&self, text: &str, vars: &Val, span: Span) -> Val {
        let template = match hcl_edit::parser::parse_template(text) {
            Ok(t) => t,
            Err(e) => {
                return values::unknown(
                    format!("the template is not valid: {}", e.message()),
                    span,
                );
            }
        };
        let mut scope = Scope::default();
        for (k, v) in entries(vars) {
            if let Some(name) = text_of(k) {
                scope = scope.with(&name, v.clone());
            }
        }
        let elements: Vec<&Element> = template.iter().collect();
        // the template's own places are not in the configuration: the
        // value is placed at the call
        values::respan(self.template(&elements, 0, &scope, span), span)
    }

    pub fn module_dir(&self) -> &std::path::Path {
        &self.config.modules[self.module].dir
    }
}

/// A resource attribute that neither the configuration sets nor Moat
/// computes is one AWS gives: say so rather than "no attribute".
fn after_apply(v: Val, address: &str, when: &str, span: Span) -> Val {
    match unknown_reason(&v).and_then(|r| r.strip_prefix("no attribute ")) {
        Some(rest) => {
            let name = rest.trim_end_matches(" here");
            values::unknown(
                format!("`{address}.{}` is known {when}", name.trim_matches('`')),
                span,
            )
        }
        None => v,
    }
}

fn n_span(expr: &Expression, base: usize) -> Span {
    span_of(expr, base)
}

fn text_of(v: &Val) -> Option<String> {
    text(v)
}

pub fn label(block: &Block, i: usize) -> Option<String> {
    block.labels.get(i).map(|l| l.as_str().to_string())
}

/// The (key, value) pairs a `for` or `for_each` goes over.
fn pairs(v: &Val) -> Result<Vec<(Val, Val)>, String> {
    if let Some(reason) = unknown_reason(v) {
        return Err(reason.to_string());
    }
    match &v.value {
        NodeValue::Seq(list) => Ok(list
            .iter()
            .enumerate()
            .map(|(i, x)| (values::node(NodeValue::Int(i as i64), x.span), x.clone()))
            .collect()),
        NodeValue::Map(_) => Ok(entries(v)
            .iter()
            .map(|(k, x)| (k.clone(), x.clone()))
            .collect()),
        NodeValue::Null => Ok(Vec::new()),
        _ => Err("not a collection".into()),
    }
}

fn index(v: &Val, k: &Val, span: Span) -> Val {
    if let Some(reason) = unknown_reason(k) {
        return values::unknown(reason, span);
    }
    match &v.value {
        NodeValue::Seq(list) => match values::number(k) {
            Some(n) if n >= 0.0 => list
                .get(n as usize)
                .cloned()
                .unwrap_or_else(|| values::unknown(format!("index {n} is out of range"), span)),
            _ => values::unknown("a list index that is not a number", span),
        },
        NodeValue::Map(_) => match text(k) {
            Some(key) => get(v, &key)
                .cloned()
                .unwrap_or_else(|| values::unknown(format!("no key `{key}` here"), span)),
            None => values::unknown("a map key that is not a string", span),
        },
        _ => values::unknown("an index into a value that is not a collection", span),
    }
}

/// HCL's binding strength of a binary operator (higher binds tighter).
fn precedence(op: BinaryOperator) -> u8 {
    use BinaryOperator as B;
    match op {
        B::Mul | B::Div | B::Mod => 6,
        B::Plus | B::Minus => 5,
        B::Less | B::LessEq | B::Greater | B::GreaterEq => 4,
        B::Eq | B::NotEq => 3,
        B::And => 2,
        B::Or => 1,
    }
}

/// Evaluates `a op b op c ...`, left to right within a precedence level.
fn by_precedence(mut operands: Vec<Val>, mut operators: Vec<BinaryOperator>, span: Span) -> Val {
    for level in (1..=6).rev() {
        let mut i = 0;
        while i < operators.len() {
            if precedence(operators[i]) == level {
                let b = operands.remove(i + 1);
                let a = std::mem::replace(&mut operands[i], values::null(span));
                operands[i] = binary(operators.remove(i), &a, &b, span);
            } else {
                i += 1;
            }
        }
    }
    operands.pop().unwrap_or_else(|| values::null(span))
}

fn unary(op: UnaryOperator, v: &Val, span: Span) -> Val {
    if let Some(reason) = unknown_reason(v) {
        return values::unknown(reason, span);
    }
    match op {
        UnaryOperator::Not => match values::truth(v) {
            Some(b) => values::boolean(!b, span),
            None => values::unknown("`!` of a value that is not a boolean", span),
        },
        UnaryOperator::Neg => match values::number(v) {
            Some(n) => values::from_number(-n, span),
            None => values::unknown("`-` of a value that is not a number", span),
        },
    }
}

fn binary(op: BinaryOperator, a: &Val, b: &Val, span: Span) -> Val {
    use BinaryOperator as B;
    // `false && x` and `true || x` do not need x
    match (op, values::truth(a)) {
        (B::And, Some(false)) => return values::boolean(false, span),
        (B::Or, Some(true)) => return values::boolean(true, span),
        _ => {}
    }
    if let Some(u) = values::first_unknown([a, b], span) {
        return u;
    }
    match op {
        B::Eq => values::boolean(values::same(a, b), span),
        B::NotEq => values::boolean(!values::same(a, b), span),
        B::And | B::Or => match (values::truth(a), values::truth(b)) {
            (Some(x), Some(y)) => values::boolean(if op == B::And { x && y } else { x || y }, span),
            _ => values::unknown("a logical operator on values that are not booleans", span),
        },
        _ => match (values::number(a), values::number(b)) {
            (Some(x), Some(y)) => match op {
                B::Plus => values::from_number(x + y, span),
                B::Minus => values::from_number(x - y, span),
                B::Mul => values::from_number(x * y, span),
                B::Div if y != 0.0 => values::from_number(x / y, span),
                B::Mod if y != 0.0 => values::from_number(x % y, span),
                B::Less => values::boolean(x < y, span),
                B::LessEq => values::boolean(x <= y, span),
                B::Greater => values::boolean(x > y, span),
                B::GreaterEq => values::boolean(x >= y, span),
                _ => values::unknown("division by zero", span),
            },
            _ => values::unknown(
                format!("`{}` on values that are not numbers", op.as_str()),
                span,
            ),
        },
    }
}

/// The items of a list value (an unknown list: none, with the reason).
pub fn list_of(v: &Val) -> Result<&[Val], String> {
    match unknown_reason(v) {
        Some(r) => Err(r.to_string()),
        None => Ok(items(v)),
    }
}
