//! A parser for the simple statements most of a large pytm script is made
//! of (`web = Server("Web", inBoundary=dmz)`, `web.protocol = "HTTPS"`,
//! `web.controls.isHardened = True`), building the very syntax tree
//! rustpython's parser builds for them, several times faster.
//!
//! It knows a small part of Python: names, attributes, calls with positional
//! and keyword arguments, plain strings, decimal integers, `True`, `False`,
//! `None` and lists, in assignments and expression statements. At anything
//! else (another statement, an operator, a string prefix or escape, another
//! form of number, a name that is not ASCII, a line continuation...) it
//! declines, and rustpython parses the statement: this parser only has to be
//! right about what it accepts.

use rustpython_parser::ast::bigint::BigInt;
use rustpython_parser::ast::{
    Constant, Expr, ExprAttribute, ExprCall, ExprConstant, ExprContext, ExprList, ExprName,
    Identifier, Keyword, Stmt, StmtAssign, StmtExpr,
};
use rustpython_parser::text_size::{TextRange, TextSize};

/// Brackets nested deeper than this are left to rustpython.
const MAX_DEPTH: usize = 32;

/// Integers of more digits are left to rustpython, which makes big integers.
const MAX_DIGITS: usize = 18;

/// Python's keywords, which are never names (`True`, `False` and `None` are
/// constants here).
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Names that open a statement of their own kind at the start of a line.
const SOFT_KEYWORDS: &[&str] = &["match", "case", "type"];

/// What starts at a line start: a simple statement (with the blank and
/// comment lines after it), or only blank and comment lines up to the end.
/// `next` is where the next statement starts.
pub(super) struct Parsed {
    pub statement: Option<Stmt>,
    pub next: usize,
}

/// The statement starting at line start `pos` of `text` (after blank and
/// comment lines), read no further than `end`, a line start too; `None`
/// where it is not simple or not valid, for rustpython to parse.
pub(super) fn statement(text: &str, pos: usize, end: usize) -> Option<Parsed> {
    let bytes = text.as_bytes().get(..end)?;
    let mut parser = Parser {
        bytes,
        pos,
        brackets: 0,
        at_end_of_text: end == text.len(),
    };
    parser.skip_blank_lines();
    if parser.pos >= end {
        return Some(Parsed {
            statement: None,
            next: end,
        });
    }
    let statement = parser.statement()?;
    parser.end_of_line()?;
    parser.skip_blank_lines();
    Some(Parsed {
        statement: Some(statement),
        next: parser.pos,
    })
}

struct Parser<'t> {
    /// The text up to where this parser may read.
    bytes: &'t [u8],
    pos: usize,
    /// Open brackets: inside them, line ends and comments are spaces.
    brackets: usize,
    /// Whether the end of `bytes` is the end of the script, which ends a
    /// line as a line end does.
    at_end_of_text: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    /// Lines holding nothing but spaces and a comment.
    fn skip_blank_lines(&mut self) {
        loop {
            let start = self.pos;
            self.skip_spaces();
            self.skip_comment();
            match self.line_end() {
                Some(len) => self.pos += len,
                None => {
                    if self.pos < self.bytes.len() || !self.at_end_of_text {
                        self.pos = start;
                    }
                    return;
                }
            }
        }
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn skip_comment(&mut self) {
        if self.peek() == Some(b'#') {
            while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                self.pos += 1;
            }
        }
    }

    /// The length of the line end under `pos`, if there is one.
    fn line_end(&self) -> Option<usize> {
        match (self.peek(), self.peek_at(1)) {
            (Some(b'\n'), _) => Some(1),
            (Some(b'\r'), Some(b'\n')) => Some(2),
            _ => None,
        }
    }

    /// Spaces between tokens; inside brackets, comments and line ends too.
    fn skip_gaps(&mut self) {
        loop {
            self.skip_spaces();
            if self.brackets == 0 {
                return;
            }
            self.skip_comment();
            match self.line_end() {
                Some(len) => self.pos += len,
                None => return,
            }
        }
    }

    /// After a statement: spaces, a comment, and the line end (or the end of
    /// the script).
    fn end_of_line(&mut self) -> Option<()> {
        self.skip_spaces();
        self.skip_comment();
        match self.line_end() {
            Some(len) => {
                self.pos += len;
                Some(())
            }
            None => (self.pos == self.bytes.len() && self.at_end_of_text).then_some(()),
        }
    }

    fn range(&self, start: usize) -> Option<TextRange> {
        let start = TextSize::try_from(start).ok()?;
        let end = TextSize::try_from(self.pos).ok()?;
        Some(TextRange::new(start, end))
    }

    /// `target = ... = value`, or an expression on its own.
    fn statement(&mut self) -> Option<Stmt> {
        let start = self.pos;
        let first = self.name_at(self.pos)?;
        if SOFT_KEYWORDS.contains(&first) {
            return None;
        }
        let mut exprs = vec![self.expr(0)?];
        loop {
            self.skip_gaps();
            if self.peek() != Some(b'=') || self.peek_at(1) == Some(b'=') {
                break;
            }
            self.pos += 1;
            self.skip_gaps();
            exprs.push(self.expr(0)?);
        }
        let value = Box::new(exprs.pop()?);
        let range = TextRange::new(TextSize::try_from(start).ok()?, value_end(&value));
        if exprs.is_empty() {
            return Some(Stmt::Expr(StmtExpr { range, value }));
        }
        let targets = exprs.into_iter().map(target).collect::<Option<Vec<_>>>()?;
        Some(Stmt::Assign(StmtAssign {
            range,
            targets,
            value,
            type_comment: None,
        }))
    }

    /// The name starting at `at`: ASCII letters, digits and underscores, not
    /// followed by what would make it something else (a non-ASCII letter, or
    /// a quote making it a string prefix).
    fn name_at(&self, at: usize) -> Option<&str> {
        let rest = self.bytes.get(at..)?;
        let first = rest.first()?;
        if !(first.is_ascii_alphabetic() || *first == b'_') {
            return None;
        }
        let len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        if matches!(rest.get(len), Some(b'\'' | b'"') | Some(0x80..)) {
            return None;
        }
        std::str::from_utf8(rest.get(..len)?).ok()
    }

    /// A name that is not a keyword, as an identifier.
    fn identifier(&mut self) -> Option<(Identifier, usize)> {
        let start = self.pos;
        let name = self.name_at(start)?;
        if KEYWORDS.contains(&name) {
            return None;
        }
        let identifier = Identifier::new(name);
        self.pos += name.len();
        Some((identifier, start))
    }

    fn expr(&mut self, depth: usize) -> Option<Expr> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' | b'\'' => self.string(),
            b'0'..=b'9' => self.integer(),
            b'[' => self.list(depth),
            _ => self.name_or_constant(depth),
        }
    }

    fn constant(&self, start: usize, value: Constant) -> Option<Expr> {
        Some(Expr::Constant(ExprConstant {
            range: self.range(start)?,
            value,
            kind: None,
        }))
    }

    /// A plain string on one line, without escapes.
    fn string(&mut self) -> Option<Expr> {
        let start = self.pos;
        let quote = self.peek()?;
        if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
            return None;
        }
        let content_start = start + 1;
        let len = self
            .bytes
            .get(content_start..)?
            .iter()
            .position(|&b| matches!(b, b'\\' | b'\n' | b'\r') || b == quote)?;
        let content_end = content_start + len;
        if self.bytes.get(content_end) != Some(&quote) {
            return None;
        }
        let content = std::str::from_utf8(self.bytes.get(content_start..content_end)?).ok()?;
        let value = Constant::Str(content.to_string());
        self.pos = content_end + 1;
        self.constant(start, value)
    }

    /// A decimal integer: `0`, or digits not starting with `0`.
    fn integer(&mut self) -> Option<Expr> {
        let start = self.pos;
        let rest = self.bytes.get(start..)?;
        let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let next = rest.get(len).copied();
        let continues_number =
            next.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b >= 0x80);
        if len > MAX_DIGITS || continues_number || (len > 1 && rest.first() == Some(&b'0')) {
            return None;
        }
        let digits = std::str::from_utf8(rest.get(..len)?).ok()?;
        let value: u64 = digits.parse().ok()?;
        self.pos += len;
        self.constant(start, Constant::Int(BigInt::from(value)))
    }

    /// `[item, ...]`.
    fn list(&mut self, depth: usize) -> Option<Expr> {
        let start = self.pos;
        let elts = self.items(b']', depth, |parser, depth| parser.expr(depth + 1))?;
        Some(Expr::List(ExprList {
            range: self.range(start)?,
            elts,
            ctx: ExprContext::Load,
        }))
    }

    /// Items between the bracket under `pos` and `close`, separated by
    /// commas, with an optional trailing comma.
    fn items<T>(
        &mut self,
        close: u8,
        depth: usize,
        mut item: impl FnMut(&mut Self, usize) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.pos += 1;
        self.brackets += 1;
        let mut items = Vec::new();
        loop {
            self.skip_gaps();
            if self.peek() == Some(close) {
                break;
            }
            items.push(item(self, depth)?);
            self.skip_gaps();
            match self.peek()? {
                b',' => self.pos += 1,
                b if b == close => break,
                _ => return None,
            }
        }
        self.pos += 1;
        self.brackets -= 1;
        Some(items)
    }

    /// A name with the attributes and calls after it, or a constant.
    fn name_or_constant(&mut self, depth: usize) -> Option<Expr> {
        let start = self.pos;
        let word = self.name_at(start)?;
        let constant = match word {
            "True" => Some(Constant::Bool(true)),
            "False" => Some(Constant::Bool(false)),
            "None" => Some(Constant::None),
            _ => None,
        };
        if let Some(value) = constant {
            self.pos += word.len();
            return self.constant(start, value);
        }
        let (id, _) = self.identifier()?;
        let mut expr = Expr::Name(ExprName {
            range: self.range(start)?,
            id,
            ctx: ExprContext::Load,
        });
        loop {
            let before_gap = self.pos;
            self.skip_gaps();
            match self.peek() {
                Some(b'.') => {
                    self.pos += 1;
                    self.skip_gaps();
                    let (attr, _) = self.identifier()?;
                    expr = Expr::Attribute(ExprAttribute {
                        range: self.range(start)?,
                        value: Box::new(expr),
                        attr,
                        ctx: ExprContext::Load,
                    });
                }
                Some(b'(') => expr = self.call(start, expr, depth)?,
                _ => {
                    self.pos = before_gap;
                    return Some(expr);
                }
            }
        }
    }

    /// `func(positional..., keyword=value...)`.
    fn call(&mut self, start: usize, func: Expr, depth: usize) -> Option<Expr> {
        let arguments = self.items(b')', depth, |parser, depth| parser.argument(depth))?;
        let mut args = Vec::new();
        let mut keywords: Vec<Keyword> = Vec::new();
        for argument in arguments {
            match argument {
                // after a keyword, a positional argument is a syntax error
                Argument::Positional(_) if !keywords.is_empty() => return None,
                Argument::Positional(expr) => args.push(expr),
                Argument::Keyword(keyword) => {
                    let repeated = keywords.iter().any(|k| k.arg == keyword.arg);
                    if repeated {
                        return None;
                    }
                    keywords.push(keyword);
                }
            }
        }
        Some(Expr::Call(ExprCall {
            range: self.range(start)?,
            func: Box::new(func),
            args,
            keywords,
        }))
    }

    fn argument(&mut self, depth: usize) -> Option<Argument> {
        let start = self.pos;
        if let Some((arg, _)) = self.identifier() {
            self.skip_gaps();
            if self.peek() == Some(b'=') && self.peek_at(1) != Some(b'=') {
                self.pos += 1;
                self.skip_gaps();
                let value = self.expr(depth + 1)?;
                return Some(Argument::Keyword(Keyword {
                    range: TextRange::new(TextSize::try_from(start).ok()?, value_end(&value)),
                    arg: Some(arg),
                    value,
                }));
            }
            self.pos = start;
        }
        self.expr(depth + 1).map(Argument::Positional)
    }
}

enum Argument {
    Positional(Expr),
    Keyword(Keyword),
}

fn value_end(expr: &Expr) -> TextSize {
    use rustpython_parser::ast::Ranged;
    expr.range().end()
}

/// `expr` as an assignment target: a name, or attributes of names.
fn target(expr: Expr) -> Option<Expr> {
    match expr {
        Expr::Name(name) => Some(Expr::Name(ExprName {
            ctx: ExprContext::Store,
            ..name
        })),
        Expr::Attribute(attribute) if only_names(&attribute.value) => {
            Some(Expr::Attribute(ExprAttribute {
                ctx: ExprContext::Store,
                ..attribute
            }))
        }
        _ => None,
    }
}

fn only_names(expr: &Expr) -> bool {
    match expr {
        Expr::Name(_) => true,
        Expr::Attribute(attribute) => only_names(&attribute.value),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustpython_parser::{Mode, ast::Mod};

    /// Every statement of `text`, read by this parser alone.
    fn quick(text: &str) -> Option<Vec<Stmt>> {
        let mut pos = 0;
        let mut body = Vec::new();
        while pos < text.len() {
            let parsed = statement(text, pos, text.len())?;
            body.extend(parsed.statement);
            pos = parsed.next;
        }
        Some(body)
    }

    fn rustpython(text: &str) -> Option<Vec<Stmt>> {
        match rustpython_parser::parse(text, Mode::Module, "t.py") {
            Ok(Mod::Module(module)) => Some(module.body),
            _ => None,
        }
    }

    #[test]
    fn builds_the_tree_rustpython_builds() {
        let texts = [
            "x = 1\n",
            "x=0",
            "web = Server(\"Web\", inBoundary=dmz)\n",
            "web.controls.isHardened = True  # why\n\n# more\n   \n",
            "a = b = c.d\n",
            "f()\n",
            "tm.process( )\r\n",
            "x = f(\n    'a',  # first\n    k = [1, None,\n  False],\n)\n",
            "x = []\n",
            "x = ''\n",
            "x = \"é ü 'q'\"\n",
            "x . y = z . w ( ) . v\n",
            "f(a)(b)\n",
            "x = f(__debug__=1)\n",
            "\n\n# only comments\n",
        ];
        for text in texts {
            let quick = quick(text);
            assert!(quick.is_some(), "{text:?} is simple");
            assert_eq!(quick, rustpython(text), "{text:?}");
        }
    }

    #[test]
    fn declines_what_it_does_not_know() {
        let texts = [
            "x = -1\n",
            "x = 1.5\n",
            "x = 007\n",
            "x = 1_000\n",
            "x = 1if y else 2\n",
            "x = b'a'\n",
            "x = f'{a}'\n",
            "x = 'a' 'b'\n",
            "x = 'a\\n'\n",
            "x = '''a'''\n",
            "x = (1)\n",
            "x = a[1]\n",
            "x = {}\n",
            "x == 1\n",
            "x += 1\n",
            "x: int = 1\n",
            "x = 1; y = 2\n",
            "x = 1 + \\\n 2\n",
            "if x: y = 1\n",
            "    x = 1\n",
            "match = 1\n",
            "type = 1\n",
            "True = 1\n",
            "x.if = 1\n",
            "f(a=1, a=2)\n",
            "f(a=1, b)\n",
            "f(*a)\n",
            "f(**a)\n",
            "f(a for a in b)\n",
            "f() = 1\n",
            "f().x = 1\n",
            "[a] = 1\n",
            "x = 'unterminated\n",
            "x = f(\n",
            "x = 1\n  y = 2\n",
            "é = 1\n",
            "x = aé\n",
            "\u{feff}x = 1\n",
            "x = 1\ry = 2\n",
            "x = 12345678901234567890\n",
        ];
        for text in texts {
            assert_eq!(quick(text), None, "{text:?} is left to rustpython");
        }
    }
}
