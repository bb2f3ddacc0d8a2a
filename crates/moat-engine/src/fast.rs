//! A direct evaluator for the shapes most threat conditions have: fields
//! compared with literals or with each other, joined by `&&`, `||` and `!`,
//! membership (`"x" in target.features`, `target.kind in [...]`), `size()` of
//! a target's flows or data, and `exists`/`all` over its data assets or over
//! an element's `inputs` and `outputs`.
//!
//! It reads the model directly instead of building CEL values for every
//! target, which on large models is most of the engine's time. Conditions of
//! any other shape, and any case it cannot decide (a value of an unexpected
//! type), go to the CEL interpreter, so results are the same either way; a
//! test evaluates every built-in condition both ways on varied models.

use crate::view::ModelIndex;
use cel::common::ast::{Expr, LiteralValue};
use moat_model::schema::{self, AttrSpec, AttrType, Default, EnumKind, Target};
use moat_model::{Boundary, DataAsset, Dataflow, Element, ElementKind};

/// A compiled condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Fast {
    Const(bool),
    And(Vec<Fast>),
    Or(Vec<Fast>),
    Not(Box<Fast>),
    /// A boolean field.
    Truthy(Access),
    Compare(Operand, Op, Operand),
    /// `literal in list-field`.
    Contains(Access, Literal),
    /// `field in [literals]`.
    OneOf(Access, Vec<Literal>),
    /// `target.data.exists(d, ...)` (`all` when the flag is false).
    Quantified {
        exists: bool,
        over: Over,
        body: Box<Fast>,
    },
}

/// What a quantifier ranges over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Over {
    /// The data assets of the target or of a flow's end.
    Data(Root),
    /// The flows into (`inputs`) or out of (`outputs`) the target element.
    Flows(Counted),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Field(Access),
    Literal(Literal),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Str(String),
}

/// Whose field: the target, a flow's endpoints, or the data asset a
/// quantifier is looking at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Root {
    Target,
    Source,
    Sink,
    Item,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    pub root: Root,
    pub field: Field,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Id,
    Name,
    Description,
    Kind,
    Boundary,
    Service,
    Resource,
    Managed,
    Features,
    Tags,
    IsSelfFlow,
    CrossesBoundary,
    /// `size(target.inputs)` and friends.
    Count(Counted),
    /// A data asset's classification rank.
    Classification,
    /// A pytm attribute, looked up by the target's kind at run time.
    Attr(String),
    Control(&'static AttrSpec),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Counted {
    Inputs,
    Outputs,
    Data,
}

// ---------------------------------------------------------------- compile

/// Compiles `expr`, or `None` when it has a shape the fast path does not take.
pub fn compile(expr: &Expr) -> Option<Fast> {
    compile_in(expr, None)
}

/// `local` is the name a quantifier binds (`d` in `exists(d, ...)`).
fn compile_in(expr: &Expr, local: Option<&str>) -> Option<Fast> {
    match expr {
        Expr::Literal(LiteralValue::Boolean(b)) => Some(Fast::Const(*b.inner())),
        Expr::Call(call) if call.target.is_none() => {
            let args: Vec<&Expr> = call.args.iter().map(|a| &a.expr).collect();
            match (call.func_name.as_str(), args.as_slice()) {
                ("_&&_", [a, b]) => Some(Fast::And(vec![
                    compile_in(a, local)?,
                    compile_in(b, local)?,
                ])),
                ("_||_", [a, b]) => {
                    Some(Fast::Or(vec![compile_in(a, local)?, compile_in(b, local)?]))
                }
                ("!_", [a]) => Some(Fast::Not(Box::new(compile_in(a, local)?))),
                ("@in", [item, Expr::List(list)]) => {
                    let access = access(item, local)?;
                    let literals = list
                        .elements
                        .iter()
                        .map(|e| literal(&e.expr))
                        .collect::<Option<Vec<_>>>()?;
                    Some(Fast::OneOf(access, literals))
                }
                ("@in", [item, list]) => {
                    let list = access(list, local)?;
                    matches!(list.field, Field::Features | Field::Tags)
                        .then_some(())
                        .and_then(|()| Some(Fast::Contains(list, literal(item)?)))
                }
                (name, [a, b]) => {
                    let op = match name {
                        "_==_" => Op::Eq,
                        "_!=_" => Op::Ne,
                        "_<_" => Op::Lt,
                        "_<=_" => Op::Le,
                        "_>_" => Op::Gt,
                        "_>=_" => Op::Ge,
                        _ => return None,
                    };
                    Some(Fast::Compare(operand(a, local)?, op, operand(b, local)?))
                }
                _ => None,
            }
        }
        Expr::Comprehension(comp) => {
            // exists: accu = false; step = accu || body. all: accu = true; step = accu && body.
            let over = match select_path(&comp.iter_range.expr)?.as_slice() {
                ["target", "data"] => Over::Data(Root::Target),
                ["source", "data"] | ["target", "source", "data"] => Over::Data(Root::Source),
                ["sink", "data"] | ["target", "sink", "data"] => Over::Data(Root::Sink),
                ["target", "inputs"] => Over::Flows(Counted::Inputs),
                ["target", "outputs"] => Over::Flows(Counted::Outputs),
                _ => return None,
            };
            if local.is_some() || comp.iter_var2.is_some() {
                return None;
            }
            let Expr::Literal(LiteralValue::Boolean(init)) = &comp.accu_init.expr else {
                return None;
            };
            let Expr::Call(step) = &comp.loop_step.expr else {
                return None;
            };
            let exists = match (step.func_name.as_str(), *init.inner()) {
                ("_||_", false) => true,
                ("_&&_", true) => false,
                _ => return None,
            };
            let [accu, body] = step.args.as_slice() else {
                return None;
            };
            if !matches!(&accu.expr, Expr::Ident(a) if *a == comp.accu_var)
                || !matches!(&comp.result.expr, Expr::Ident(r) if *r == comp.accu_var)
            {
                return None;
            }
            let body = compile_in(&body.expr, Some(comp.iter_var.as_str()))?;
            Some(Fast::Quantified {
                exists,
                over,
                body: Box::new(body),
            })
        }
        other => access(other, local).map(Fast::Truthy),
    }
}

fn operand(expr: &Expr, local: Option<&str>) -> Option<Operand> {
    literal(expr)
        .map(Operand::Literal)
        .or_else(|| access(expr, local).map(Operand::Field))
}

fn literal(expr: &Expr) -> Option<Literal> {
    match expr {
        Expr::Literal(LiteralValue::Boolean(b)) => Some(Literal::Bool(*b.inner())),
        Expr::Literal(LiteralValue::Int(i)) => Some(Literal::Int(*i.inner())),
        Expr::Literal(LiteralValue::String(s)) => Some(Literal::Str(s.inner().to_string())),
        _ => {
            // an enumeration constant: `TLSVersion.TLSv12`, `Lifetime.LONG`
            let path = select_path(expr)?;
            let [enumeration, member] = path.as_slice() else {
                return None;
            };
            let kind = EnumKind::ALL
                .into_iter()
                .find(|k| k.pytm_name() == *enumeration)?;
            let position = kind.members().iter().position(|m| m == member)?;
            Some(if kind.is_ordered() {
                Literal::Int(i64::try_from(position).ok()?)
            } else {
                Literal::Str((*member).to_string())
            })
        }
    }
}

fn access(expr: &Expr, local: Option<&str>) -> Option<Access> {
    if let Expr::Call(call) = expr
        && call.func_name == "size"
    {
        let arg = match (&call.target, call.args.as_slice()) {
            (None, [arg]) => &arg.expr,
            (Some(target), []) => &target.expr,
            _ => return None,
        };
        let path = select_path(arg)?;
        let (root, rest) = root_of(&path, local)?;
        let counted = match rest {
            ["inputs"] => Counted::Inputs,
            ["outputs"] => Counted::Outputs,
            ["data"] => Counted::Data,
            _ => return None,
        };
        return Some(Access {
            root,
            field: Field::Count(counted),
        });
    }
    let path = select_path(expr)?;
    let (root, rest) = root_of(&path, local)?;
    let field = match rest {
        ["id"] => Field::Id,
        ["name"] => Field::Name,
        ["description"] => Field::Description,
        ["kind"] if root != Root::Item => Field::Kind,
        ["boundary"] if root != Root::Item => Field::Boundary,
        ["service"] if root != Root::Item => Field::Service,
        ["resource"] if root != Root::Item => Field::Resource,
        ["managed"] if root != Root::Item => Field::Managed,
        ["features"] if root != Root::Item => Field::Features,
        ["tags"] => Field::Tags,
        ["isSelfFlow"] if root == Root::Target => Field::IsSelfFlow,
        ["crossesBoundary"] if root == Root::Target => Field::CrossesBoundary,
        ["classification"] if root == Root::Item => Field::Classification,
        ["controls", name] if root != Root::Item => Field::Control(schema::control(name)?),
        [name] => Field::Attr((*name).to_string()),
        _ => return None,
    };
    Some(Access { root, field })
}

/// The root of a path and the fields after it; `target.source.x` is `source.x`.
fn root_of<'p>(path: &'p [&'p str], local: Option<&str>) -> Option<(Root, &'p [&'p str])> {
    match path {
        [first, rest @ ..] if Some(*first) == local => Some((Root::Item, rest)),
        ["target", "source", rest @ ..] | ["source", rest @ ..] => Some((Root::Source, rest)),
        ["target", "sink", rest @ ..] | ["sink", rest @ ..] => Some((Root::Sink, rest)),
        ["target", rest @ ..] => Some((Root::Target, rest)),
        _ => None,
    }
}

/// A field path, never a `has()` test.
fn select_path(expr: &Expr) -> Option<Vec<&str>> {
    crate::need::field_path(expr, false)
}

// ---------------------------------------------------------------- evaluate

/// What a condition is evaluated on.
#[derive(Clone, Copy)]
pub enum Part<'m> {
    Element(&'m Element),
    Flow {
        flow: &'m Dataflow,
        source: Option<&'m Element>,
        sink: Option<&'m Element>,
    },
    Boundary(&'m Boundary),
}

/// What every target has: tags, properties, data ids, attributes and the
/// schema target its attributes belong to.
type Fields<'m> = (
    &'m [String],
    &'m moat_model::Properties,
    &'m [String],
    &'m moat_model::Attributes,
    Target,
);

/// A value read from the model.
#[derive(Debug, Clone, Copy, PartialEq)]
enum V<'a> {
    Bool(bool),
    Int(i64),
    Str(&'a str),
}

/// What a quantifier is looking at.
#[derive(Clone, Copy)]
enum Item<'m> {
    Data(&'m DataAsset),
    /// A flow as `inputs` and `outputs` list it (`view_schema::flow_summary_fields`).
    Flow(&'m Dataflow),
}

struct Scope<'a, 'm> {
    index: &'a ModelIndex<'m>,
    part: Part<'m>,
    item: Option<Item<'m>>,
}

/// Evaluates `fast` on `part`; `None` when the fast path cannot decide and
/// the CEL interpreter must.
pub fn eval<'m>(fast: &Fast, index: &ModelIndex<'m>, part: Part<'m>) -> Option<bool> {
    Scope {
        index,
        part,
        item: None,
    }
    .eval(fast)
}

impl<'m> Scope<'_, 'm> {
    fn eval(&self, fast: &Fast) -> Option<bool> {
        match fast {
            Fast::Const(b) => Some(*b),
            // CEL's && and || are commutative over errors: a false (true) side decides
            Fast::And(items) => {
                let mut undecided = false;
                for item in items {
                    match self.eval(item) {
                        Some(false) => return Some(false),
                        Some(true) => {}
                        None => undecided = true,
                    }
                }
                (!undecided).then_some(true)
            }
            Fast::Or(items) => {
                let mut undecided = false;
                for item in items {
                    match self.eval(item) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => undecided = true,
                    }
                }
                (!undecided).then_some(false)
            }
            Fast::Not(inner) => self.eval(inner).map(|b| !b),
            Fast::Truthy(access) => match self.read(access)? {
                V::Bool(b) => Some(b),
                _ => None,
            },
            Fast::Compare(a, op, b) => {
                let a = self.operand(a)?;
                let b = self.operand(b)?;
                compare(a, *op, b)
            }
            Fast::OneOf(access, literals) => {
                let value = self.read(access)?;
                let mut found = false;
                for literal in literals {
                    found |= compare(value, Op::Eq, literal_value(literal))?;
                }
                Some(found)
            }
            Fast::Contains(access, literal) => {
                let Literal::Str(wanted) = literal else {
                    return None;
                };
                self.contains(access, wanted)
            }
            Fast::Quantified { exists, over, body } => match *over {
                Over::Data(root) => {
                    let ids = self.element_like(root)?.2;
                    let items = ids
                        .iter()
                        .filter_map(|id| self.index.data_asset(id).map(Item::Data));
                    self.quantify(*exists, body, items)
                }
                Over::Flows(direction) => {
                    let Part::Element(e) = self.part else {
                        return None;
                    };
                    let flows = match direction {
                        Counted::Inputs => self.index.inputs(&e.id),
                        Counted::Outputs => self.index.outputs(&e.id),
                        Counted::Data => return None,
                    };
                    self.quantify(*exists, body, flows.iter().map(|f| Item::Flow(f)))
                }
            },
        }
    }

    /// `exists` (or `all`) of `body` over `items`, deciding like CEL: a true
    /// (false) item decides even when others cannot be decided.
    fn quantify(
        &self,
        exists: bool,
        body: &Fast,
        items: impl Iterator<Item = Item<'m>>,
    ) -> Option<bool> {
        let mut undecided = false;
        for item in items {
            let scope = Scope {
                index: self.index,
                part: self.part,
                item: Some(item),
            };
            match scope.eval(body) {
                Some(b) if b == exists => return Some(exists),
                Some(_) => {}
                None => undecided = true,
            }
        }
        (!undecided).then_some(!exists)
    }

    fn operand<'s>(&'s self, operand: &'s Operand) -> Option<V<'s>> {
        match operand {
            Operand::Literal(l) => Some(literal_value(l)),
            Operand::Field(access) => self.read(access),
        }
    }

    /// (tags, properties, data ids, attributes, attribute target) of the root.
    fn element_like(&self, root: Root) -> Option<Fields<'m>> {
        match (root, self.part) {
            (Root::Target, Part::Element(e)) => Some((
                &e.tags,
                &e.properties,
                &e.data,
                &e.attributes,
                Target::Element(e.kind),
            )),
            (Root::Target, Part::Flow { flow, .. }) => Some((
                &flow.tags,
                &flow.properties,
                &flow.data,
                &flow.attributes,
                Target::Dataflow,
            )),
            (Root::Target, Part::Boundary(b)) => {
                Some((&b.tags, &b.properties, &[], &b.attributes, Target::Boundary))
            }
            (Root::Source, Part::Flow { source, .. }) => source.map(|e| {
                (
                    e.tags.as_slice(),
                    &e.properties,
                    e.data.as_slice(),
                    &e.attributes,
                    Target::Element(e.kind),
                )
            }),
            (Root::Sink, Part::Flow { sink, .. }) => sink.map(|e| {
                (
                    e.tags.as_slice(),
                    &e.properties,
                    e.data.as_slice(),
                    &e.attributes,
                    Target::Element(e.kind),
                )
            }),
            _ => None,
        }
    }

    fn element_of(&self, root: Root) -> Option<&'m Element> {
        match (root, self.part) {
            (Root::Target, Part::Element(e)) => Some(e),
            (Root::Source, Part::Flow { source, .. }) => source,
            (Root::Sink, Part::Flow { sink, .. }) => sink,
            _ => None,
        }
    }

    fn contains(&self, access: &Access, wanted: &str) -> Option<bool> {
        let (tags, properties, ..) = self.element_like(access.root)?;
        match access.field {
            Field::Tags => Some(tags.iter().any(|t| t == wanted)),
            Field::Features => {
                Some(crate::service::declared_features(properties).any(|f| f == wanted))
            }
            _ => None,
        }
    }

    fn read(&self, access: &Access) -> Option<V<'m>> {
        if access.root == Root::Item {
            let asset = match self.item? {
                Item::Data(asset) => asset,
                Item::Flow(flow) => return flow_item(flow, &access.field),
            };
            return match &access.field {
                Field::Id => Some(V::Str(&asset.id)),
                Field::Name => Some(V::Str(&asset.name)),
                Field::Description => Some(V::Str(&asset.description)),
                Field::Classification => Some(V::Int(asset.classification.rank())),
                Field::Attr(name) => {
                    attribute(schema::attribute(Target::Data, name)?, &asset.attributes)
                }
                _ => None,
            };
        }
        let (_, properties, data, attributes, target) = self.element_like(access.root)?;
        match &access.field {
            Field::Id => Some(V::Str(self.identity(access.root)?.0)),
            Field::Name => Some(V::Str(self.identity(access.root)?.1)),
            Field::Description => Some(V::Str(self.identity(access.root)?.2)),
            Field::Kind => Some(V::Str(match (access.root, self.part) {
                (Root::Target, Part::Flow { .. }) => "dataflow",
                (Root::Target, Part::Boundary(_)) => "boundary",
                _ => self.element_of(access.root)?.kind.as_str(),
            })),
            Field::Boundary => Some(V::Str(match (access.root, self.part) {
                (Root::Target, Part::Flow { .. }) => "",
                (Root::Target, Part::Boundary(b)) => b.parent.as_deref().unwrap_or(""),
                _ => self
                    .element_of(access.root)?
                    .boundary
                    .as_deref()
                    .unwrap_or(""),
            })),
            Field::Service | Field::Resource => {
                let (service, resource) = match self.element_of(access.root) {
                    Some(e) => self.index.service(&e.id),
                    None => crate::service::declared_service(properties),
                };
                Some(V::Str(if access.field == Field::Service {
                    service
                } else {
                    resource
                }))
            }
            Field::Managed => Some(V::Bool(match (access.root, self.part) {
                (Root::Target, Part::Flow { flow, .. }) => self.index.flow_managed(flow),
                (Root::Target, Part::Boundary(b)) => {
                    crate::service::declares_managed(&b.properties)
                }
                _ => self.index.is_managed(&self.element_of(access.root)?.id),
            })),
            Field::IsSelfFlow => match self.part {
                Part::Flow { flow, .. } => Some(V::Bool(flow.source == flow.sink)),
                _ => None,
            },
            Field::CrossesBoundary => match self.part {
                Part::Flow { source, sink, .. } => Some(V::Bool(
                    source?.boundary.as_deref() != sink?.boundary.as_deref(),
                )),
                _ => None,
            },
            Field::Count(counted) => {
                let n = match counted {
                    Counted::Data => data
                        .iter()
                        .filter(|id| self.index.data_asset(id).is_some())
                        .count(),
                    Counted::Inputs => self.index.input_count(&self.element_of(access.root)?.id),
                    Counted::Outputs => self.index.output_count(&self.element_of(access.root)?.id),
                };
                Some(V::Int(i64::try_from(n).ok()?))
            }
            Field::Control(spec) => {
                let set = attributes
                    .get("controls")
                    .and_then(serde_json::Value::as_object);
                match set.and_then(|c| c.get(spec.name)) {
                    Some(value) => json_scalar(spec, value),
                    None => default(spec),
                }
            }
            Field::Attr(name) => {
                let spec = schema::attribute(target, name).or_else(|| {
                    // endpoints show every kind's attributes, at their defaults when foreign
                    matches!(access.root, Root::Source | Root::Sink)
                        .then(|| any_element_attribute(name))
                        .flatten()
                })?;
                attribute(spec, attributes)
            }
            Field::Features | Field::Tags | Field::Classification => None,
        }
    }

    fn identity(&self, root: Root) -> Option<(&'m str, &'m str, &'m str)> {
        match (root, self.part) {
            (Root::Target, Part::Flow { flow, .. }) => {
                Some((&flow.id, &flow.name, &flow.description))
            }
            (Root::Target, Part::Boundary(b)) => Some((&b.id, &b.name, &b.description)),
            _ => {
                let e = self.element_of(root)?;
                Some((&e.id, &e.name, &e.description))
            }
        }
    }
}

/// A field of a flow as `inputs` and `outputs` list it: the view's
/// `flow_summary` and `view_schema::flow_summary_fields`.
fn flow_item<'m>(flow: &'m Dataflow, field: &Field) -> Option<V<'m>> {
    match field {
        Field::Id => Some(V::Str(&flow.id)),
        Field::Name => Some(V::Str(&flow.name)),
        Field::Attr(name) => match name.as_str() {
            "protocol" | "dstPort" | "tlsVersion" => {
                attribute(schema::attribute(Target::Dataflow, name)?, &flow.attributes)
            }
            "isEncrypted" | "authenticatesSource" => {
                let set = flow
                    .attributes
                    .get("controls")
                    .and_then(|c| c.get(name.as_str()));
                Some(V::Bool(
                    set.and_then(serde_json::Value::as_bool).unwrap_or(false),
                ))
            }
            _ => None,
        },
        _ => None,
    }
}

fn any_element_attribute(name: &str) -> Option<&'static AttrSpec> {
    ElementKind::ALL
        .iter()
        .find_map(|kind| schema::attribute(Target::Element(*kind), name))
}

fn attribute<'a>(spec: &AttrSpec, attributes: &'a moat_model::Attributes) -> Option<V<'a>> {
    match attributes.get(spec.name) {
        Some(value) => json_scalar(spec, value),
        None => default(spec),
    }
}

/// A stored attribute as conditions see it: ordered enumerations as ordinals.
fn json_scalar<'a>(spec: &AttrSpec, value: &'a serde_json::Value) -> Option<V<'a>> {
    match value {
        serde_json::Value::Bool(b) => Some(V::Bool(*b)),
        serde_json::Value::Number(n) => n.as_i64().map(V::Int),
        serde_json::Value::String(s) => Some(member(spec, s)),
        _ => None,
    }
}

fn default(spec: &AttrSpec) -> Option<V<'static>> {
    match spec.default {
        Default::Bool(b) => Some(V::Bool(b)),
        Default::Int(i) => Some(V::Int(i)),
        Default::Str(s) => Some(member(spec, s)),
        Default::EmptyList | Default::IntList(_) | Default::Null => None,
    }
}

fn member<'a>(spec: &AttrSpec, name: &'a str) -> V<'a> {
    match spec.ty {
        AttrType::Enum(kind) if kind.is_ordered() => V::Int(
            kind.members()
                .iter()
                .position(|m| *m == name)
                .and_then(|p| i64::try_from(p).ok())
                .unwrap_or(0),
        ),
        _ => V::Str(name),
    }
}

fn literal_value(literal: &Literal) -> V<'_> {
    match literal {
        Literal::Bool(b) => V::Bool(*b),
        Literal::Int(i) => V::Int(*i),
        Literal::Str(s) => V::Str(s),
    }
}

/// Like CEL on the types the checker lets through; anything else is undecided.
fn compare(a: V<'_>, op: Op, b: V<'_>) -> Option<bool> {
    use std::cmp::Ordering;
    let ordering: Ordering = match (a, b) {
        (V::Bool(x), V::Bool(y)) => x.cmp(&y),
        (V::Int(x), V::Int(y)) => x.cmp(&y),
        (V::Str(x), V::Str(y)) => x.cmp(y),
        _ => return None,
    };
    Some(match op {
        Op::Eq => ordering == Ordering::Equal,
        Op::Ne => ordering != Ordering::Equal,
        Op::Lt => ordering == Ordering::Less,
        Op::Le => ordering != Ordering::Greater,
        Op::Gt => ordering == Ordering::Greater,
        Op::Ge => ordering != Ordering::Less,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(src: &str) -> Option<Fast> {
        let program = cel::Program::compile(src).unwrap();
        compile(&program.expression().expr)
    }

    #[test]
    fn common_shapes_compile() {
        for src in [
            "!target.controls.isHardened",
            r#"target.service == "s3" && target.resource == "bucket""#,
            r#"!("FC-S3-EXTERNAL" in target.features)"#,
            r#"source.service in ["s3", "iam"]"#,
            "target.tlsVersion < target.sink.minTLSVersion",
            "size(target.inputs) > 0 && !target.controls.authenticatesSource",
            "target.data.exists(d, d.isCredentials && d.credentialsLife in [Lifetime.LONG, Lifetime.MANUAL])",
            "target.data.exists(d, d.classification > target.source.maxClassification)",
            "target.isSelfFlow",
            "target.inputs.exists(f, !f.authenticatesSource)",
            "target.outputs.all(f, f.isEncrypted && f.tlsVersion >= TLSVersion.TLSv12)",
        ] {
            assert!(compiled(src).is_some(), "{src}");
        }
    }

    #[test]
    fn other_shapes_are_left_to_cel() {
        for src in [
            "has(target.properties.owner)",
            r#"target.name.startsWith("a")"#,
            "target.data.map(d, d.classification).size() > 1",
            "target.source.inputs.exists(f, f.isEncrypted)",
            "1 + 1 == 2",
        ] {
            assert_eq!(compiled(src), None, "{src}");
        }
    }
}
