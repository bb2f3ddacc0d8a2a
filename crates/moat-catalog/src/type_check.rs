//! Static checks of a parsed condition against the view schema: every variable
//! and attribute must exist for the target kind, and every operator and
//! function must get operands it accepts. The engine evaluates conditions over
//! values of exactly that schema, so a condition that passes cannot fail at run
//! time on a misspelt attribute (pytm silently treats such failures as "no
//! threat"; Moat refuses them up front).

use crate::types::{OtherTarget, TargetKind};
use crate::view_schema::{self, Field, FieldType};
use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue, operators};
use moat_source::diag::{closest, did_you_mean};

/// Why a condition was rejected, and the node of the expression at fault.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeError {
    pub message: String,
    pub expr_id: u64,
}

/// Functions (besides operators and macros) a condition may call.
const FUNCTIONS: &[&str] = &[
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "string",
    "int",
    "uint",
    "double",
];

/// Checks `expr` as a condition of a threat that applies to `kind`.
pub fn check(expr: &IdedExpr, kind: TargetKind) -> Result<(), TypeError> {
    let env = Env::new(kind);
    let mut checker = Checker {
        scopes: env.roots(),
        kind,
    };
    let ty = checker.check(expr)?;
    match ty {
        Ty::Bool | Ty::Dyn => Ok(()),
        other => Err(TypeError {
            message: format!("a condition must be a boolean, found {}", other.describe()),
            expr_id: expr.id,
        }),
    }
}

/// The variables a condition sees, with the labels diagnostics use for them.
struct Env {
    vars: Vec<Field>,
    target_label: String,
}

impl Env {
    fn new(kind: TargetKind) -> Self {
        let target_label = match kind {
            TargetKind::Element(element) => element.label().to_string(),
            TargetKind::Other(OtherTarget::Dataflow) => "dataflow".to_string(),
            TargetKind::Other(OtherTarget::Boundary) => "boundary".to_string(),
        };
        Env {
            vars: view_schema::variables(kind),
            target_label,
        }
    }

    fn roots(&self) -> Vec<(String, Ty<'_>)> {
        self.vars
            .iter()
            .map(|var| {
                let (owner, members) = match var.name.as_str() {
                    "target" => (Owner::Target(&self.target_label), false),
                    "source" | "sink" => (Owner::Variable(&var.name), false),
                    // everything else is an enumeration: `Classification.SECRET`
                    _ => (Owner::Variable(&var.name), true),
                };
                let ty = match &var.ty {
                    FieldType::Object(fields) => Ty::Object(Obj {
                        fields,
                        owner,
                        path: String::new(),
                        members,
                    }),
                    other => Ty::from_field(other, owner, String::new()),
                };
                (var.name.clone(), ty)
            })
            .collect()
    }
}

/// Whose attributes an object holds, for messages: `on dataflow`, `on \`source\``.
#[derive(Debug, Clone, Copy)]
enum Owner<'s> {
    Target(&'s str),
    Variable(&'s str),
}

impl Owner<'_> {
    fn describe(self) -> String {
        match self {
            Owner::Target(label) => label.to_string(),
            Owner::Variable(name) => format!("`{name}`"),
        }
    }
}

/// An object whose fields the schema knows.
#[derive(Debug, Clone)]
struct Obj<'s> {
    fields: &'s [Field],
    owner: Owner<'s>,
    /// The path from the owner to this object: `controls`, `data[]`; empty at the root.
    path: String,
    /// Enumeration members rather than attributes.
    members: bool,
}

impl<'s> Obj<'s> {
    fn field_path(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    fn field(&self, name: &str) -> Option<Ty<'s>> {
        let field = self.fields.iter().find(|f| f.name == name)?;
        Some(Ty::from_field(&field.ty, self.owner, self.field_path(name)))
    }

    fn unknown(&self, name: &str) -> String {
        let suggestion = closest(name, self.fields.iter().map(|f| f.name.as_str()))
            .map(|f| format!(", did you mean `{}`?", self.field_path(f)))
            .unwrap_or_default();
        if self.members {
            format!(
                "unknown member `{name}` of {}{suggestion}",
                self.owner.describe()
            )
        } else {
            format!(
                "unknown attribute `{}` on {}{suggestion}",
                self.field_path(name),
                self.owner.describe()
            )
        }
    }
}

#[derive(Debug, Clone)]
enum Ty<'s> {
    Bool,
    Int,
    Uint,
    Double,
    Str,
    Bytes,
    Null,
    /// A string or null (an optional reference).
    OptStr,
    List(Box<Ty<'s>>),
    Object(Obj<'s>),
    /// A map with keys nobody declared (user properties, map literals).
    Map,
    /// Not known before run time.
    Dyn,
}

impl<'s> Ty<'s> {
    fn from_field(ty: &'s FieldType, owner: Owner<'s>, path: String) -> Self {
        match ty {
            FieldType::Bool => Ty::Bool,
            FieldType::Int => Ty::Int,
            FieldType::String => Ty::Str,
            FieldType::OptionalString => Ty::OptStr,
            FieldType::OpenMap => Ty::Map,
            FieldType::List(item) => {
                Ty::List(Box::new(Ty::from_field(item, owner, format!("{path}[]"))))
            }
            FieldType::Object(fields) => Ty::Object(Obj {
                fields,
                owner,
                path,
                members: false,
            }),
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Ty::Bool => "a boolean",
            Ty::Int => "an integer",
            Ty::Uint => "an unsigned integer",
            Ty::Double => "a double",
            Ty::Str => "a string",
            Ty::Bytes => "bytes",
            Ty::Null => "null",
            Ty::OptStr => "an optional string",
            Ty::List(_) => "a list",
            Ty::Object(_) => "an object",
            Ty::Map => "a map",
            Ty::Dyn => "a value",
        }
    }

    fn is_bool(&self) -> bool {
        matches!(self, Ty::Bool | Ty::Dyn)
    }

    fn is_number(&self) -> bool {
        matches!(self, Ty::Int | Ty::Uint | Ty::Double)
    }

    fn is_string(&self) -> bool {
        matches!(self, Ty::Str | Ty::OptStr)
    }

    fn is_dyn(&self) -> bool {
        matches!(self, Ty::Dyn)
    }

    fn is_mapping(&self) -> bool {
        matches!(self, Ty::Object(_) | Ty::Map)
    }

    /// Whether `==` between values of these types can be true.
    fn comparable(&self, other: &Ty<'_>) -> bool {
        match (self, other) {
            (Ty::Dyn, _) | (_, Ty::Dyn) => true,
            (Ty::Null, b) | (b, Ty::Null) => {
                matches!(b, Ty::Null | Ty::OptStr | Ty::Object(_) | Ty::Map)
            }
            (a, b) if a.is_number() && b.is_number() => true,
            (a, b) if a.is_string() && b.is_string() => true,
            (Ty::Bool, Ty::Bool) | (Ty::Bytes, Ty::Bytes) => true,
            (Ty::List(a), Ty::List(b)) => a.comparable(b),
            (a, b) => a.is_mapping() && b.is_mapping(),
        }
    }

    /// The type of values that may be either `self` or `other`.
    fn join(self, other: Ty<'s>) -> Ty<'s> {
        match (self, other) {
            (Ty::Bool, Ty::Bool) => Ty::Bool,
            (Ty::Int, Ty::Int) => Ty::Int,
            (Ty::Uint, Ty::Uint) => Ty::Uint,
            (Ty::Double, Ty::Double) => Ty::Double,
            (Ty::Str, Ty::Str) => Ty::Str,
            (Ty::Bytes, Ty::Bytes) => Ty::Bytes,
            (Ty::Null, Ty::Null) => Ty::Null,
            (a, b) if a.is_string() && b.is_string() => Ty::OptStr,
            (Ty::Str | Ty::OptStr, Ty::Null) | (Ty::Null, Ty::Str | Ty::OptStr) => Ty::OptStr,
            (Ty::List(a), Ty::List(b)) => Ty::List(Box::new(a.join(*b))),
            _ => Ty::Dyn,
        }
    }
}

/// The source text of a variable or attribute chain, for messages.
fn chain_text(expr: &IdedExpr) -> Option<String> {
    match &expr.expr {
        Expr::Ident(name) => Some(name.clone()),
        Expr::Select(select) if !select.test => {
            chain_text(&select.operand).map(|base| format!("{base}.{}", select.field))
        }
        _ => None,
    }
}

/// `a boolean (`target.x`)`, or just `a boolean` when the operand is not a chain.
fn operand(expr: &IdedExpr, ty: &Ty<'_>) -> String {
    match chain_text(expr) {
        Some(text) => format!("{} (`{text}`)", ty.describe()),
        None => ty.describe().to_string(),
    }
}

struct Checker<'s> {
    /// Variables in scope, innermost last.
    scopes: Vec<(String, Ty<'s>)>,
    kind: TargetKind,
}

fn error<T>(expr: &IdedExpr, message: String) -> Result<T, TypeError> {
    Err(TypeError {
        message,
        expr_id: expr.id,
    })
}

impl<'s> Checker<'s> {
    fn check(&mut self, expr: &IdedExpr) -> Result<Ty<'s>, TypeError> {
        match &expr.expr {
            Expr::Unspecified => error(expr, "incomplete expression".to_string()),
            Expr::Literal(literal) => Ok(match literal {
                LiteralValue::Boolean(_) => Ty::Bool,
                LiteralValue::Bytes(_) => Ty::Bytes,
                LiteralValue::Double(_) => Ty::Double,
                LiteralValue::Int(_) => Ty::Int,
                LiteralValue::Null => Ty::Null,
                LiteralValue::String(_) => Ty::Str,
                LiteralValue::UInt(_) => Ty::Uint,
            }),
            Expr::Ident(name) => self.ident(expr, name),
            Expr::Select(select) => {
                let operand_ty = self.check(&select.operand)?;
                self.select(
                    expr,
                    &select.operand,
                    operand_ty,
                    &select.field,
                    select.test,
                )
            }
            Expr::Call(call) => {
                let target = match &call.target {
                    Some(target) => Some((target.as_ref(), self.check(target)?)),
                    None => None,
                };
                let mut args = Vec::with_capacity(call.args.len());
                for arg in &call.args {
                    args.push((arg, self.check(arg)?));
                }
                self.call(expr, &call.func_name, target, args)
            }
            Expr::List(list) => {
                let mut item = None::<Ty<'s>>;
                for element in &list.elements {
                    let ty = self.check(element)?;
                    item = Some(match item {
                        Some(previous) => previous.join(ty),
                        None => ty,
                    });
                }
                Ok(Ty::List(Box::new(item.unwrap_or(Ty::Dyn))))
            }
            Expr::Map(map) => {
                for entry in &map.entries {
                    match &entry.expr {
                        EntryExpr::MapEntry(entry) => {
                            self.check(&entry.key)?;
                            self.check(&entry.value)?;
                        }
                        EntryExpr::StructField(field) => {
                            self.check(&field.value)?;
                        }
                    }
                }
                Ok(Ty::Map)
            }
            Expr::Struct(structure) => error(
                expr,
                format!(
                    "message literals like `{}{{...}}` are not supported in conditions",
                    structure.type_name
                ),
            ),
            Expr::Comprehension(comprehension) => {
                let range = self.check(&comprehension.iter_range)?;
                let (first, second) = match range {
                    Ty::List(item) => (Ty::Int, *item),
                    Ty::Object(_) | Ty::Map => (Ty::Str, Ty::Dyn),
                    Ty::Dyn => (Ty::Dyn, Ty::Dyn),
                    other => {
                        return error(
                            &comprehension.iter_range,
                            format!(
                                "a macro like `exists` needs a list or a map, found {}",
                                operand(&comprehension.iter_range, &other)
                            ),
                        );
                    }
                };
                let depth = self.scopes.len();
                match &comprehension.iter_var2 {
                    // two variables: index (or key) and value
                    Some(second_var) => {
                        self.scopes.push((comprehension.iter_var.clone(), first));
                        self.scopes.push((second_var.clone(), second));
                    }
                    None => {
                        let single = if matches!(first, Ty::Int) {
                            second
                        } else {
                            first
                        };
                        self.scopes.push((comprehension.iter_var.clone(), single));
                    }
                }
                let result = self.comprehension_body(comprehension);
                self.scopes.truncate(depth);
                result
            }
        }
    }

    fn comprehension_body(
        &mut self,
        comprehension: &cel::common::ast::ComprehensionExpr,
    ) -> Result<Ty<'s>, TypeError> {
        let accu = self.check(&comprehension.accu_init)?;
        self.scopes.push((comprehension.accu_var.clone(), accu));
        let condition = self.check(&comprehension.loop_cond)?;
        if !condition.is_bool() {
            return error(
                &comprehension.loop_cond,
                format!(
                    "a loop condition must be a boolean, found {}",
                    condition.describe()
                ),
            );
        }
        let step = self.check(&comprehension.loop_step)?;
        // the accumulator holds what the step computes from here on
        if let Some(slot) = self.scopes.last_mut() {
            let previous = std::mem::replace(&mut slot.1, Ty::Dyn);
            slot.1 = previous.join(step);
        }
        self.check(&comprehension.result)
    }

    fn ident(&self, expr: &IdedExpr, name: &str) -> Result<Ty<'s>, TypeError> {
        if let Some((_, ty)) = self.scopes.iter().rev().find(|(n, _)| n == name) {
            return Ok(ty.clone());
        }
        if matches!(name, "source" | "sink") && self.kind != TargetKind::DATAFLOW {
            return error(
                expr,
                format!(
                    "`{name}` is only defined for threats on dataflows, not on {}",
                    self.kind.as_str()
                ),
            );
        }
        let suggestion = did_you_mean(
            name,
            self.scopes
                .iter()
                .map(|(n, _)| n.as_str())
                .filter(|n| !n.starts_with('@')),
        )
        .map(|text| format!(", {text}"))
        .unwrap_or_default();
        error(expr, format!("unknown variable `{name}`{suggestion}"))
    }

    fn select(
        &self,
        expr: &IdedExpr,
        operand_expr: &IdedExpr,
        operand_ty: Ty<'s>,
        field: &str,
        test: bool,
    ) -> Result<Ty<'s>, TypeError> {
        let ty = match operand_ty {
            Ty::Object(obj) => match obj.field(field) {
                Some(ty) => ty,
                None => return error(expr, obj.unknown(field)),
            },
            Ty::Map | Ty::Dyn => Ty::Dyn,
            other => {
                return error(
                    expr,
                    format!(
                        "{} has no attribute `{field}`",
                        operand(operand_expr, &other)
                    ),
                );
            }
        };
        Ok(if test { Ty::Bool } else { ty })
    }

    fn call(
        &self,
        expr: &IdedExpr,
        function: &str,
        target: Option<(&IdedExpr, Ty<'s>)>,
        args: Vec<(&IdedExpr, Ty<'s>)>,
    ) -> Result<Ty<'s>, TypeError> {
        let op = operator_symbol(function);
        match (function, target, args.as_slice()) {
            (operators::LOGICAL_AND | operators::LOGICAL_OR, None, args) => {
                for (arg, ty) in args {
                    if !ty.is_bool() {
                        return error(
                            arg,
                            format!("`{op}` needs booleans, found {}", operand(arg, ty)),
                        );
                    }
                }
                Ok(Ty::Bool)
            }
            (operators::LOGICAL_NOT | operators::NOT_STRICTLY_FALSE, None, [(arg, ty)]) => {
                if ty.is_bool() {
                    Ok(Ty::Bool)
                } else {
                    error(
                        arg,
                        format!("`!` needs a boolean, found {}", operand(arg, ty)),
                    )
                }
            }
            (operators::EQUALS | operators::NOT_EQUALS, None, [(left, lt), (right, rt)]) => {
                if lt.comparable(rt) {
                    Ok(Ty::Bool)
                } else {
                    error(
                        expr,
                        format!(
                            "`{op}` compares {} with {}, which is never equal",
                            operand(left, lt),
                            operand(right, rt)
                        ),
                    )
                }
            }
            (
                operators::LESS
                | operators::LESS_EQUALS
                | operators::GREATER
                | operators::GREATER_EQUALS,
                None,
                [(left, lt), (right, rt)],
            ) => {
                let ordered = lt.is_dyn()
                    || rt.is_dyn()
                    || (lt.is_number() && rt.is_number())
                    || (matches!(lt, Ty::Str) && matches!(rt, Ty::Str));
                if ordered {
                    Ok(Ty::Bool)
                } else {
                    error(
                        expr,
                        format!(
                            "`{op}` cannot order {} and {}",
                            operand(left, lt),
                            operand(right, rt)
                        ),
                    )
                }
            }
            (operators::IN, None, [(left, lt), (right, rt)]) => match rt {
                Ty::List(item) if !lt.comparable(item) => error(
                    expr,
                    format!(
                        "`in` looks for {} in a list of {}",
                        operand(left, lt),
                        plural(item)
                    ),
                ),
                Ty::List(_) | Ty::Dyn => Ok(Ty::Bool),
                Ty::Object(_) | Ty::Map if lt.is_string() || lt.is_dyn() => Ok(Ty::Bool),
                Ty::Str | Ty::OptStr => error(
                    right,
                    format!(
                        "`in` needs a list or a map on its right, found {}; use `contains()` for substrings",
                        operand(right, rt)
                    ),
                ),
                other => error(
                    right,
                    format!(
                        "`in` needs a list or a map on its right, found {}",
                        operand(right, other)
                    ),
                ),
            },
            (operators::ADD, None, [(left, lt), (right, rt)]) => match (lt, rt) {
                (Ty::Dyn, _) | (_, Ty::Dyn) => Ok(Ty::Dyn),
                (Ty::Str, Ty::Str) => Ok(Ty::Str),
                (Ty::List(_), Ty::List(_)) => Ok(lt.clone().join(rt.clone())),
                (a, b)
                    if a.is_number() && std::mem::discriminant(a) == std::mem::discriminant(b) =>
                {
                    Ok(a.clone())
                }
                _ => error(
                    expr,
                    format!(
                        "`+` cannot add {} and {}",
                        operand(left, lt),
                        operand(right, rt)
                    ),
                ),
            },
            (
                operators::SUBSTRACT | operators::MULTIPLY | operators::DIVIDE | operators::MODULO,
                None,
                [(left, lt), (right, rt)],
            ) => match (lt, rt) {
                (Ty::Dyn, _) | (_, Ty::Dyn) => Ok(Ty::Dyn),
                (a, b)
                    if a.is_number() && std::mem::discriminant(a) == std::mem::discriminant(b) =>
                {
                    Ok(a.clone())
                }
                _ => error(
                    expr,
                    format!(
                        "`{op}` needs two numbers of the same type, found {} and {}",
                        operand(left, lt),
                        operand(right, rt)
                    ),
                ),
            },
            (operators::NEGATE, None, [(arg, ty)]) => {
                if ty.is_number() || ty.is_dyn() {
                    Ok(ty.clone())
                } else {
                    error(
                        arg,
                        format!("`-` needs a number, found {}", operand(arg, ty)),
                    )
                }
            }
            (operators::CONDITIONAL, None, [(cond, ct), (_, yes), (_, no)]) => {
                if ct.is_bool() {
                    Ok(yes.clone().join(no.clone()))
                } else {
                    error(
                        cond,
                        format!(
                            "the condition of `? :` must be a boolean, found {}",
                            operand(cond, ct)
                        ),
                    )
                }
            }
            (operators::INDEX, None, [(base, bt), (index, it)]) => match bt {
                Ty::List(item) if matches!(it, Ty::Int | Ty::Uint | Ty::Dyn) => {
                    Ok((**item).clone())
                }
                Ty::Object(obj) => match &index.expr {
                    Expr::Literal(LiteralValue::String(key)) => {
                        let key: &str = key.as_ref();
                        obj.field(key)
                            .map_or_else(|| error(index, obj.unknown(key)), Ok)
                    }
                    _ if it.is_string() || it.is_dyn() => Ok(Ty::Dyn),
                    _ => error(
                        index,
                        format!("an object's keys are strings, found {}", operand(index, it)),
                    ),
                },
                Ty::Map | Ty::Dyn => Ok(Ty::Dyn),
                other => error(
                    base,
                    format!(
                        "cannot index {} with {}",
                        operand(base, other),
                        operand(index, it)
                    ),
                ),
            },
            (name, target, args) => self.function(expr, name, target, args),
        }
    }

    fn function(
        &self,
        expr: &IdedExpr,
        name: &str,
        target: Option<(&IdedExpr, Ty<'s>)>,
        args: &[(&IdedExpr, Ty<'s>)],
    ) -> Result<Ty<'s>, TypeError> {
        // `size(x)` and `x.size()` are the same call
        let mut all: Vec<(&IdedExpr, &Ty<'s>)> = Vec::with_capacity(args.len() + 1);
        if let Some((t, ty)) = &target {
            all.push((t, ty));
        }
        all.extend(args.iter().map(|(a, ty)| (*a, ty)));
        let arity = |n: usize| -> Result<(), TypeError> {
            if all.len() == n {
                Ok(())
            } else {
                error(
                    expr,
                    format!(
                        "`{name}` takes {}, found {}",
                        moat_source::diag::count(n, "argument"),
                        all.len()
                    ),
                )
            }
        };
        match name {
            "size" => {
                arity(1)?;
                match all.first() {
                    Some((
                        _,
                        Ty::Str | Ty::Bytes | Ty::List(_) | Ty::Object(_) | Ty::Map | Ty::Dyn,
                    )) => Ok(Ty::Int),
                    Some((arg, ty)) => error(
                        arg,
                        format!(
                            "`size` needs a string, list or map, found {}",
                            operand(arg, ty)
                        ),
                    ),
                    None => error(expr, "`size` needs an argument".to_string()),
                }
            }
            "contains" | "startsWith" | "endsWith" | "matches" => {
                let Some((receiver, receiver_ty)) = &target else {
                    return error(
                        expr,
                        format!("`{name}` is called on a string: `text.{name}(...)`"),
                    );
                };
                arity(2)?;
                if !(receiver_ty.is_string() || receiver_ty.is_dyn()) {
                    return error(
                        receiver,
                        format!(
                            "`{name}` needs a string, found {}",
                            operand(receiver, receiver_ty)
                        ),
                    );
                }
                for (arg, ty) in args {
                    if !(ty.is_string() || ty.is_dyn()) {
                        return error(
                            arg,
                            format!(
                                "`{name}` needs a string argument, found {}",
                                operand(arg, ty)
                            ),
                        );
                    }
                }
                Ok(Ty::Bool)
            }
            "string" | "int" | "uint" | "double" => {
                arity(1)?;
                Ok(match name {
                    "string" => Ty::Str,
                    "int" => Ty::Int,
                    "uint" => Ty::Uint,
                    _ => Ty::Double,
                })
            }
            "exists" | "all" | "exists_one" | "existsOne" | "map" | "filter" => error(
                expr,
                format!("`{name}` takes a variable and an expression: `list.{name}(x, x > 0)`"),
            ),
            "has" => error(
                expr,
                "`has` takes one attribute: `has(target.properties.owner)`".to_string(),
            ),
            _ => {
                let suggestion = did_you_mean(name, FUNCTIONS.iter().copied())
                    .map(|text| format!(", {text}"))
                    .unwrap_or_default();
                error(expr, format!("unknown function `{name}`{suggestion}"))
            }
        }
    }
}

fn operator_symbol(function: &str) -> &str {
    match function {
        operators::LOGICAL_AND => "&&",
        operators::LOGICAL_OR => "||",
        operators::LOGICAL_NOT => "!",
        operators::EQUALS => "==",
        operators::NOT_EQUALS => "!=",
        operators::LESS => "<",
        operators::LESS_EQUALS => "<=",
        operators::GREATER => ">",
        operators::GREATER_EQUALS => ">=",
        operators::ADD => "+",
        operators::SUBSTRACT => "-",
        operators::MULTIPLY => "*",
        operators::DIVIDE => "/",
        operators::MODULO => "%",
        operators::IN => "in",
        other => other,
    }
}

fn plural(ty: &Ty<'_>) -> &'static str {
    match ty {
        Ty::Bool => "booleans",
        Ty::Int => "integers",
        Ty::Uint => "unsigned integers",
        Ty::Double => "doubles",
        Ty::Str => "strings",
        Ty::Bytes => "bytes",
        Ty::Null => "nulls",
        Ty::OptStr => "optional strings",
        Ty::List(_) => "lists",
        Ty::Object(_) => "objects",
        Ty::Map => "maps",
        Ty::Dyn => "values",
    }
}
