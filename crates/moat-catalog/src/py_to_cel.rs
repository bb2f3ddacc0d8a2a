//! Translation of pytm threat conditions (the Python subset pytm hands to
//! `eval`) into CEL over Moat's view schema. The Python is parsed, never
//! pattern-matched, and anything without an exact CEL counterpart is refused
//! with its position rather than approximated.

use rustpython_parser::Mode;
use rustpython_parser::ast::{self, BoolOp, CmpOp, Constant, Expr, Operator, Ranged, UnaryOp};

/// Why a condition has no CEL translation, and where in the Python text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untranslatable {
    pub message: String,
    /// Byte offset inside the Python condition.
    pub offset: usize,
}

pub use moat_model::PYTM_CLASSES;

/// pytm's enumerations, reachable in CEL under the same names.
const ENUMS: &[&str] = &["Classification", "TLSVersion", "Lifetime", "DatastoreType"];

/// Words CEL reserves, which cannot name a variable or attribute.
const CEL_RESERVED: &[&str] = &[
    "as",
    "break",
    "const",
    "continue",
    "else",
    "false",
    "for",
    "function",
    "if",
    "import",
    "in",
    "let",
    "loop",
    "package",
    "namespace",
    "null",
    "return",
    "true",
    "var",
    "void",
    "while",
];

/// Translates a pytm condition to CEL.
pub fn translate(python: &str) -> Result<String, Untranslatable> {
    let parsed =
        rustpython_parser::parse(python, Mode::Expression, "<condition>").map_err(|e| {
            Untranslatable {
                message: format!("invalid Python: {}", python_error(&e.error)),
                offset: e.offset.to_usize(),
            }
        })?;
    let ast::Mod::Expression(module) = parsed else {
        return Err(Untranslatable {
            message: "a condition must be a single Python expression".to_string(),
            offset: 0,
        });
    };
    let mut translator = Translator { scope: Vec::new() };
    translator.expr(&module.body).map(|cel| cel.text)
}

/// rustpython's message in Moat's style: lowercase, no sentence breaks.
fn python_error(error: &rustpython_parser::ParseErrorType) -> String {
    use rustpython_parser::{ParseErrorType, Tok};
    match error {
        ParseErrorType::Eof
        | ParseErrorType::UnrecognizedToken(Tok::Newline | Tok::EndOfFile, _) => {
            "unexpected end of the condition".to_string()
        }
        other => {
            let text = other
                .to_string()
                .replace(". Got", ", got")
                .replace(". ", ", ");
            let text = text.trim_end_matches('.');
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "invalid syntax".to_string(),
            }
        }
    }
}

// CEL precedence, loosest first.
const CONDITIONAL: u8 = 1;
const OR: u8 = 2;
const AND: u8 = 3;
const RELATION: u8 = 4;
const ADDITIVE: u8 = 5;
const MULTIPLICATIVE: u8 = 6;
const UNARY: u8 = 7;
const PRIMARY: u8 = 8;

/// A translated fragment and how tightly it binds.
struct Cel {
    text: String,
    prec: u8,
}

impl Cel {
    fn new(text: String, prec: u8) -> Self {
        Cel { text, prec }
    }

    /// The text, parenthesized unless it binds at least as tightly as `min`.
    fn at(self, min: u8) -> String {
        if self.prec >= min {
            self.text
        } else {
            format!("({})", self.text)
        }
    }
}

fn refuse<T>(node: &impl Ranged, message: impl Into<String>) -> Result<T, Untranslatable> {
    Err(Untranslatable {
        message: message.into(),
        offset: node.start().to_usize(),
    })
}

fn check_identifier(node: &impl Ranged, name: &str) -> Result<(), Untranslatable> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return refuse(node, format!("`{name}` is not a valid CEL identifier"));
    }
    if CEL_RESERVED.contains(&name) {
        return refuse(node, format!("`{name}` is a reserved word in CEL"));
    }
    Ok(())
}

/// A CEL string literal with the same value as `text`.
fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn node_kind(expr: &Expr) -> &'static str {
    match expr {
        Expr::BoolOp(_) => "a boolean operator",
        Expr::NamedExpr(_) => "an assignment expression",
        Expr::BinOp(_) => "this arithmetic",
        Expr::UnaryOp(_) => "a unary operator",
        Expr::Lambda(_) => "a lambda",
        Expr::IfExp(_) => "a conditional expression",
        Expr::Dict(_) => "a dict",
        Expr::Set(_) => "a set",
        Expr::ListComp(_) => "a list comprehension",
        Expr::SetComp(_) => "a set comprehension",
        Expr::DictComp(_) => "a dict comprehension",
        Expr::GeneratorExp(_) => "a generator expression",
        Expr::Await(_) => "`await`",
        Expr::Yield(_) | Expr::YieldFrom(_) => "`yield`",
        Expr::Compare(_) => "a comparison",
        Expr::Call(_) => "a call",
        Expr::FormattedValue(_) | Expr::JoinedStr(_) => "an f-string",
        Expr::Constant(_) => "a constant",
        Expr::Attribute(_) => "an attribute",
        Expr::Subscript(_) => "a subscript",
        Expr::Starred(_) => "a starred expression",
        Expr::Name(_) => "a name",
        Expr::List(_) => "a list",
        Expr::Tuple(_) => "a tuple",
        Expr::Slice(_) => "a slice",
    }
}

struct Translator {
    /// Comprehension variables in scope, innermost last.
    scope: Vec<String>,
}

impl Translator {
    fn expr(&mut self, expr: &Expr) -> Result<Cel, Untranslatable> {
        match expr {
            Expr::BoolOp(op) => {
                // `a || b && c` is right but easy to misread: parenthesize `&&` under `||`
                let (joiner, prec, operand_min) = match op.op {
                    BoolOp::And => (" && ", AND, AND),
                    BoolOp::Or => (" || ", OR, RELATION),
                };
                let mut parts = Vec::with_capacity(op.values.len());
                for value in &op.values {
                    parts.push(self.expr(value)?.at(operand_min));
                }
                Ok(Cel::new(parts.join(joiner), prec))
            }
            Expr::UnaryOp(op) => {
                let operand = self.expr(&op.operand)?;
                match op.op {
                    UnaryOp::Not => Ok(Cel::new(format!("!{}", operand.at(UNARY)), UNARY)),
                    UnaryOp::USub => Ok(Cel::new(format!("-{}", operand.at(UNARY)), UNARY)),
                    UnaryOp::UAdd => Ok(operand),
                    UnaryOp::Invert => refuse(expr, "`~` has no CEL equivalent"),
                }
            }
            Expr::Compare(compare) => self.compare(compare),
            Expr::BinOp(bin) => {
                let (symbol, prec) = match bin.op {
                    Operator::Add => ("+", ADDITIVE),
                    Operator::Sub => ("-", ADDITIVE),
                    Operator::Mult => ("*", MULTIPLICATIVE),
                    Operator::Div => {
                        return refuse(expr, "`/` divides differently in Python and CEL");
                    }
                    Operator::FloorDiv | Operator::Mod => {
                        return refuse(expr, "`//` and `%` round differently in Python and CEL");
                    }
                    _ => return refuse(expr, "this operator has no CEL equivalent"),
                };
                let left = self.expr(&bin.left)?.at(prec);
                let right = self.expr(&bin.right)?.at(prec + 1);
                Ok(Cel::new(format!("{left} {symbol} {right}"), prec))
            }
            Expr::IfExp(if_exp) => {
                let test = self.expr(&if_exp.test)?.at(OR);
                let body = self.expr(&if_exp.body)?.at(OR);
                let orelse = self.expr(&if_exp.orelse)?.at(CONDITIONAL);
                Ok(Cel::new(format!("{test} ? {body} : {orelse}"), CONDITIONAL))
            }
            Expr::Constant(constant) => self.constant(expr, &constant.value),
            Expr::Name(name) => self.name(expr, name.id.as_str()),
            Expr::Attribute(attribute) => self.attribute(attribute),
            Expr::Call(call) => self.call(call),
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                let mut items = Vec::with_capacity(elts.len());
                for item in elts {
                    if matches!(item, Expr::Starred(_)) {
                        return refuse(item, "unpacking with `*` has no CEL equivalent");
                    }
                    items.push(self.expr(item)?.at(CONDITIONAL));
                }
                Ok(Cel::new(format!("[{}]", items.join(", ")), PRIMARY))
            }
            Expr::Subscript(subscript) => {
                let index = match subscript.slice.as_ref() {
                    Expr::Constant(c) => match &c.value {
                        Constant::Str(key) => string_literal(key),
                        Constant::Int(n) if !n.to_string().starts_with('-') => n.to_string(),
                        _ => {
                            return refuse(
                                subscript.slice.as_ref(),
                                "only non-negative integer and string constants translate as indexes",
                            );
                        }
                    },
                    other => {
                        return refuse(
                            other,
                            "only non-negative integer and string constants translate as indexes (Python counts negative ones from the end)",
                        );
                    }
                };
                let base = self.expr(&subscript.value)?.at(PRIMARY);
                Ok(Cel::new(format!("{base}[{index}]"), PRIMARY))
            }
            Expr::GeneratorExp(_) | Expr::ListComp(_) => refuse(
                expr,
                "a comprehension translates only inside `any(...)` or `all(...)`",
            ),
            other => refuse(other, format!("{} has no CEL equivalent", node_kind(other))),
        }
    }

    fn constant(&self, node: &Expr, value: &Constant) -> Result<Cel, Untranslatable> {
        let text = match value {
            Constant::None => "null".to_string(),
            Constant::Bool(b) => b.to_string(),
            Constant::Str(s) => string_literal(s),
            Constant::Int(n) => {
                let text = n.to_string();
                if text.parse::<i64>().is_err() {
                    return refuse(node, format!("`{text}` does not fit a 64-bit integer"));
                }
                text
            }
            Constant::Float(f) if f.is_finite() => {
                let text = format!("{f:?}");
                if text.contains(['.', 'e', 'E']) {
                    text
                } else {
                    format!("{text}.0")
                }
            }
            Constant::Float(_) => return refuse(node, "infinite or NaN numbers do not translate"),
            Constant::Bytes(_) => return refuse(node, "bytes literals do not translate"),
            Constant::Complex { .. } => return refuse(node, "complex numbers do not translate"),
            Constant::Ellipsis => return refuse(node, "`...` does not translate"),
            Constant::Tuple(_) => return refuse(node, "constant tuples do not translate"),
        };
        Ok(Cel::new(text, PRIMARY))
    }

    fn name(&self, node: &Expr, name: &str) -> Result<Cel, Untranslatable> {
        if name == "target" || self.scope.iter().any(|v| v == name) {
            check_identifier(node, name)?;
            return Ok(Cel::new(name.to_string(), PRIMARY));
        }
        if PYTM_CLASSES.contains(&name) {
            return refuse(
                node,
                format!(
                    "the class `{name}` translates only as an argument of `oneOf`, `crosses`, `enters`, `exits` or `inside`"
                ),
            );
        }
        if ENUMS.contains(&name) {
            return refuse(
                node,
                format!(
                    "the enumeration `{name}` translates only with a member, like `{name}.<MEMBER>`"
                ),
            );
        }
        refuse(
            node,
            format!(
                "unknown name `{name}`: a condition reads `target` and the variables of its comprehensions"
            ),
        )
    }

    fn attribute(&mut self, attribute: &ast::ExprAttribute) -> Result<Cel, Untranslatable> {
        let field = attribute.attr.as_str();
        if let Expr::Name(name) = attribute.value.as_ref() {
            let base = name.id.as_str();
            let bound = base == "target" || self.scope.iter().any(|v| v == base);
            if !bound && ENUMS.contains(&base) {
                check_identifier(attribute, field)?;
                return Ok(Cel::new(format!("{base}.{field}"), PRIMARY));
            }
        }
        let base = self.expr(&attribute.value)?.at(PRIMARY);
        check_identifier(attribute, field)?;
        Ok(Cel::new(format!("{base}.{field}"), PRIMARY))
    }

    fn compare(&mut self, compare: &ast::ExprCompare) -> Result<Cel, Untranslatable> {
        let mut left_expr: &Expr = &compare.left;
        let mut left = self.expr(left_expr)?;
        let mut parts: Vec<Cel> = Vec::with_capacity(compare.ops.len());
        for (op, right_expr) in compare.ops.iter().zip(&compare.comparators) {
            let right = self.expr(right_expr)?;
            let part = match op {
                CmpOp::Is | CmpOp::IsNot => {
                    let symbol = if matches!(op, CmpOp::Is) { "==" } else { "!=" };
                    match right_expr {
                        Expr::Constant(c)
                            if matches!(c.value, Constant::Bool(_) | Constant::None) => {}
                        _ => {
                            return refuse(
                                right_expr,
                                "`is` translates only with `True`, `False` or `None`",
                            );
                        }
                    }
                    Cel::new(
                        format!("{} {symbol} {}", left.at(ADDITIVE), right.at(ADDITIVE)),
                        RELATION,
                    )
                }
                CmpOp::NotIn => Cel::new(
                    format!("!({} in {})", left.at(ADDITIVE), right.at(ADDITIVE)),
                    UNARY,
                ),
                _ => {
                    let symbol = match op {
                        CmpOp::Eq => "==",
                        CmpOp::NotEq => "!=",
                        CmpOp::Lt => "<",
                        CmpOp::LtE => "<=",
                        CmpOp::Gt => ">",
                        CmpOp::GtE => ">=",
                        _ => "in",
                    };
                    Cel::new(
                        format!("{} {symbol} {}", left.at(ADDITIVE), right.at(ADDITIVE)),
                        RELATION,
                    )
                }
            };
            parts.push(part);
            // a chain `a < b < c` compares `b` again: translate it afresh
            left_expr = right_expr;
            left = self.expr(left_expr)?;
        }
        if parts.len() == 1 {
            return parts
                .pop()
                .map_or_else(|| refuse(compare, "empty comparison"), Ok);
        }
        let joined: Vec<String> = parts.into_iter().map(|p| p.at(AND)).collect();
        Ok(Cel::new(joined.join(" && "), AND))
    }

    fn fresh(&self, base: &str) -> String {
        if !self.scope.iter().any(|v| v == base) {
            return base.to_string();
        }
        (1..)
            .map(|n| format!("{base}{n}"))
            .find(|candidate| !self.scope.contains(candidate))
            .unwrap_or_else(|| base.to_string())
    }

    fn call(&mut self, call: &ast::ExprCall) -> Result<Cel, Untranslatable> {
        if let Some(keyword) = call.keywords.first() {
            return refuse(keyword, "keyword arguments do not translate");
        }
        if let Some(starred) = call.args.iter().find(|a| matches!(a, Expr::Starred(_))) {
            return refuse(starred, "unpacking with `*` has no CEL equivalent");
        }
        match call.func.as_ref() {
            Expr::Name(name) => self.builtin_call(call, name.id.as_str()),
            Expr::Attribute(method) => self.method_call(call, method),
            other => refuse(
                other,
                "only builtins and pytm element methods can be called",
            ),
        }
    }

    fn one_arg<'a>(&self, call: &'a ast::ExprCall, name: &str) -> Result<&'a Expr, Untranslatable> {
        match call.args.as_slice() {
            [arg] => Ok(arg),
            _ => refuse(call, format!("`{name}` takes exactly one argument here")),
        }
    }

    fn builtin_call(&mut self, call: &ast::ExprCall, name: &str) -> Result<Cel, Untranslatable> {
        match name {
            "any" | "all" => {
                let arg = self.one_arg(call, name)?;
                self.quantifier(name == "any", arg)
            }
            "len" => {
                let arg = self.one_arg(call, name)?;
                let inner = self.expr(arg)?.at(CONDITIONAL);
                Ok(Cel::new(format!("size({inner})"), PRIMARY))
            }
            "min" | "max" | "sum" => refuse(
                call,
                format!("`{name}` has no CEL equivalent in Moat conditions"),
            ),
            other => refuse(
                call.func.as_ref(),
                format!(
                    "unknown function `{other}`: pytm conditions may call `any`, `all` and `len`"
                ),
            ),
        }
    }

    /// `any(body for v in items if cond)` -> `items.exists(v, cond && body)`;
    /// `all(...)` -> `items.all(v, !cond || body)`.
    fn quantifier(&mut self, exists: bool, arg: &Expr) -> Result<Cel, Untranslatable> {
        let macro_name = if exists { "exists" } else { "all" };
        let (elt, generators) = match arg {
            Expr::GeneratorExp(g) => (g.elt.as_ref(), &g.generators),
            Expr::ListComp(l) => (l.elt.as_ref(), &l.generators),
            other => {
                // `any(items)`: true when an item is truthy, which CEL can only
                // ask of booleans; the checker enforces that
                let items = self.expr(other)?.at(PRIMARY);
                let var = self.fresh("x");
                return Ok(Cel::new(
                    format!("{items}.{macro_name}({var}, {var})"),
                    PRIMARY,
                ));
            }
        };
        let [generator] = generators.as_slice() else {
            return refuse(
                arg,
                "a comprehension with several `for` clauses does not translate",
            );
        };
        if generator.is_async {
            return refuse(arg, "`async for` does not translate");
        }
        let Expr::Name(var) = &generator.target else {
            return refuse(&generator.target, "the loop variable must be a single name");
        };
        let var_name = var.id.as_str();
        check_identifier(&generator.target, var_name)?;
        let items = self.expr(&generator.iter)?.at(PRIMARY);
        self.scope.push(var_name.to_string());
        let body = self.quantifier_body(exists, elt, &generator.ifs);
        self.scope.pop();
        let body = body?;
        Ok(Cel::new(
            format!("{items}.{macro_name}({var_name}, {body})"),
            PRIMARY,
        ))
    }

    fn quantifier_body(
        &mut self,
        exists: bool,
        elt: &Expr,
        ifs: &[Expr],
    ) -> Result<String, Untranslatable> {
        let element = self.expr(elt)?;
        if ifs.is_empty() {
            return Ok(element.text);
        }
        let mut filters = Vec::with_capacity(ifs.len());
        for condition in ifs {
            filters.push(self.expr(condition)?);
        }
        if exists {
            let mut parts: Vec<String> = filters.into_iter().map(|f| f.at(AND)).collect();
            parts.push(element.at(AND));
            Ok(parts.join(" && "))
        } else {
            let filter = if filters.len() == 1 {
                filters.pop().map(|f| f.at(UNARY)).unwrap_or_default()
            } else {
                let joined: Vec<String> = filters.into_iter().map(|f| f.at(AND)).collect();
                format!("({})", joined.join(" && "))
            };
            Ok(format!("!{filter} || {}", element.at(RELATION)))
        }
    }

    /// The pytm classes named by `call`'s arguments.
    fn class_args(
        &self,
        call: &ast::ExprCall,
        method: &str,
    ) -> Result<Vec<String>, Untranslatable> {
        if call.args.is_empty() {
            return refuse(call, format!("`{method}` needs at least one class"));
        }
        let mut classes = Vec::with_capacity(call.args.len());
        for arg in &call.args {
            let Expr::Name(name) = arg else {
                return refuse(
                    arg,
                    format!(
                        "`{method}` translates only with pytm classes, not with specific elements"
                    ),
                );
            };
            let class = name.id.as_str();
            if self.scope.iter().any(|v| v == class) {
                return refuse(
                    arg,
                    format!(
                        "`{method}` translates only with pytm classes, not with specific elements"
                    ),
                );
            }
            if !PYTM_CLASSES.contains(&class) && class.starts_with(char::is_lowercase) {
                return refuse(
                    arg,
                    format!(
                        "`{method}` translates only with pytm classes, not with specific elements like `{class}`"
                    ),
                );
            }
            if !PYTM_CLASSES.contains(&class) {
                let suggestion =
                    moat_source::diag::did_you_mean(class, PYTM_CLASSES.iter().copied())
                        .map(|t| format!(", {t}"))
                        .unwrap_or_default();
                return refuse(arg, format!("unknown pytm class `{class}`{suggestion}"));
            }
            classes.push(class.to_string());
        }
        Ok(classes)
    }

    /// `crosses`, `enters`, `exits` and `inside` translate for the class `Boundary` only.
    fn boundary_arg(&self, call: &ast::ExprCall, method: &str) -> Result<(), Untranslatable> {
        let classes = self.class_args(call, method)?;
        if classes.iter().all(|c| c == "Boundary") {
            Ok(())
        } else {
            refuse(
                call,
                format!("`{method}` translates only with the class `Boundary`"),
            )
        }
    }

    fn method_call(
        &mut self,
        call: &ast::ExprCall,
        method: &ast::ExprAttribute,
    ) -> Result<Cel, Untranslatable> {
        let name = method.attr.as_str();
        let receiver = self.expr(&method.value)?.at(PRIMARY);
        match name {
            "oneOf" => {
                let classes = self.class_args(call, name)?;
                let list: Vec<String> = classes.iter().map(|c| string_literal(c)).collect();
                Ok(Cel::new(
                    format!("{receiver}.classes.exists(c, c in [{}])", list.join(", ")),
                    PRIMARY,
                ))
            }
            "crosses" => {
                self.boundary_arg(call, name)?;
                Ok(Cel::new(format!("{receiver}.crossesBoundary"), PRIMARY))
            }
            "enters" => {
                self.boundary_arg(call, name)?;
                Ok(Cel::new(
                    format!(
                        "{receiver}.source.boundary == \"\" && {receiver}.sink.boundary != \"\""
                    ),
                    AND,
                ))
            }
            "exits" => {
                self.boundary_arg(call, name)?;
                Ok(Cel::new(
                    format!(
                        "{receiver}.source.boundary != \"\" && {receiver}.sink.boundary == \"\""
                    ),
                    AND,
                ))
            }
            "inside" => {
                self.boundary_arg(call, name)?;
                Ok(Cel::new(format!("{receiver}.boundary != \"\""), RELATION))
            }
            "hasDataLeaks" => {
                if let Some(arg) = call.args.first() {
                    return refuse(arg, "`hasDataLeaks` takes no arguments");
                }
                let d = self.fresh("d");
                Ok(Cel::new(
                    format!(
                        "{receiver}.data.exists({d}, {d}.classification > {receiver}.source.maxClassification || {d}.classification > {receiver}.sink.maxClassification || {d}.classification > {receiver}.maxClassification)"
                    ),
                    PRIMARY,
                ))
            }
            "checkTLSVersion" => {
                let flows = self.one_arg(call, name)?;
                let flows = self.expr(flows)?.at(PRIMARY);
                let f = self.fresh("f");
                Ok(Cel::new(
                    format!("{flows}.exists({f}, {f}.tlsVersion < {receiver}.minTLSVersion)"),
                    PRIMARY,
                ))
            }
            other => refuse(
                method,
                format!(
                    "the method `{other}` does not translate: pytm conditions may call `oneOf`, `crosses`, `enters`, `exits`, `inside`, `hasDataLeaks` and `checkTLSVersion`"
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cel(python: &str) -> String {
        match translate(python) {
            Ok(text) => text,
            Err(e) => format!("ERROR at {}: {}", e.offset, e.message),
        }
    }

    #[test]
    fn precedence_survives_translation() {
        assert_eq!(
            cel("not (a.x or target.y) and target.z",),
            "ERROR at 5: unknown name `a`: a condition reads `target` and the variables of its comprehensions"
        );
        assert_eq!(
            cel("not (target.x or target.y) and target.z"),
            "!(target.x || target.y) && target.z"
        );
        assert_eq!(
            cel("target.a or target.b and target.c"),
            "target.a || (target.b && target.c)"
        );
        assert_eq!(
            cel("(target.a or target.b) and target.c"),
            "(target.a || target.b) && target.c"
        );
        assert_eq!(cel("not target.a == 1"), "!(target.a == 1)");
        assert_eq!(
            cel("target.a - (target.b - 1) > 0"),
            "target.a - (target.b - 1) > 0"
        );
    }

    #[test]
    fn chained_comparisons_repeat_the_middle() {
        assert_eq!(
            cel("1 < target.port < 1024"),
            "1 < target.port && target.port < 1024"
        );
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(
            cel(r#"target.name == 'a"b\\c'"#),
            r#"target.name == "a\"b\\c""#
        );
    }
}
