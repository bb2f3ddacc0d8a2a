//! Checks made before parsing. The parser and the syntax tree it builds are
//! recursive (dropping a tree is too), so input nested deeply enough would
//! overflow the stack: a cheap scan refuses it first. The scan over-estimates
//! nesting (it counts every operator of an expression), which only matters
//! for scripts no one writes by hand. Since it follows brackets and strings
//! anyway, the scan also notes where unindented lines start: where a large
//! script may be cut into pieces parsed on their own (see `pieces`).

use super::reader::code;
use crate::diag::Diagnostic;
use crate::span::{SourceFile, Span};

pub const MAX_BYTES: usize = 16 * 1024 * 1024;
pub const MAX_NESTING: usize = 200;

/// An error if `file` is too large or too deeply nested to parse safely;
/// otherwise the offsets, in order, of its unindented lines outside brackets
/// and strings that start with code (not a space, comment or line end).
pub(super) fn check(file: &SourceFile) -> Result<Vec<usize>, Box<Diagnostic>> {
    let len = file.text.len();
    if len > MAX_BYTES {
        let message = format!(
            "file is {len} bytes; moat reads pytm scripts of up to {MAX_BYTES} bytes (16 MiB)"
        );
        let error = Diagnostic::error(code::TOO_LARGE, message).at(file, Span::new(0, 0));
        return Err(Box::new(error));
    }
    Scanner::new(file.text.as_bytes()).run().map_err(|offset| {
        let message = format!(
            "nesting deeper than {MAX_NESTING} levels (brackets, operators and indented blocks): moat refuses it before parsing"
        );
        let error = Diagnostic::error(code::TOO_DEEP, message);
        Box::new(error.at(file, Span::new(offset, offset + 1)))
    })
}

/// Words that nest expressions the way operators do.
const KEYWORD_OPERATORS: &[&[u8]] = &[
    b"not", b"and", b"or", b"if", b"else", b"lambda", b"await", b"yield", b"in", b"is",
];

/// Walks the source once, estimating how deep its syntax tree will be: open
/// brackets, plus operators since the last comma at each bracket level, plus
/// indented blocks. `Err(offset)` where the estimate first exceeds the limit.
struct Scanner<'a> {
    src: &'a [u8],
    pos: usize,
    /// Operators counted at each open bracket level; level 0 is the statement.
    levels: Vec<usize>,
    operators: usize,
    indents: Vec<usize>,
    unindented_lines: Vec<usize>,
}

type Scan = Result<(), usize>;

impl<'a> Scanner<'a> {
    fn new(src: &'a [u8]) -> Self {
        Scanner {
            src,
            pos: 0,
            levels: vec![0],
            operators: 0,
            indents: vec![0],
            unindented_lines: Vec::new(),
        }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.src.get(at).copied()
    }

    fn depth(&self) -> usize {
        let brackets = self.levels.len().saturating_sub(1);
        let blocks = self.indents.len().saturating_sub(1);
        brackets + self.operators + blocks
    }

    fn check(&self, extra: usize, at: usize) -> Scan {
        if self.depth() + extra > MAX_NESTING {
            Err(at)
        } else {
            Ok(())
        }
    }

    fn operator(&mut self, at: usize) -> Scan {
        if let Some(level) = self.levels.last_mut() {
            *level += 1;
            self.operators += 1;
        }
        self.check(0, at)
    }

    /// A comma or a new statement: what follows is a new operand chain.
    fn reset_level(&mut self) {
        if let Some(level) = self.levels.last_mut() {
            self.operators = self.operators.saturating_sub(*level);
            *level = 0;
        }
    }

    fn in_brackets(&self) -> bool {
        self.levels.len() > 1
    }

    /// The offsets of unindented lines, or where nesting first goes too deep.
    fn run(mut self) -> Result<Vec<usize>, usize> {
        let mut line_start = true;
        while let Some(c) = self.byte(self.pos) {
            if line_start {
                line_start = false;
                if !self.in_brackets() {
                    self.indentation()?;
                    continue;
                }
            }
            let at = self.pos;
            match c {
                b'#' => {
                    while self.byte(self.pos).is_some_and(|b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                b'\n' => {
                    self.pos += 1;
                    if !self.in_brackets() {
                        self.reset_level();
                        line_start = true;
                    }
                }
                // a line continuation joins the next line to this statement
                b'\\' => {
                    let crlf = self.byte(self.pos + 1) == Some(b'\r');
                    self.pos += if crlf { 3 } else { 2 };
                }
                b'\'' | b'"' => self.string(false)?,
                b'(' | b'[' | b'{' => {
                    self.pos += 1;
                    self.levels.push(0);
                    self.check(0, at)?;
                }
                b')' | b']' | b'}' => {
                    self.pos += 1;
                    if self.in_brackets() {
                        let closed = self.levels.pop().unwrap_or(0);
                        self.operators = self.operators.saturating_sub(closed);
                        // calls and subscripts chain on what they close: `f()()`
                        self.operator(at)?;
                    }
                }
                b',' => {
                    self.pos += 1;
                    self.reset_level();
                }
                b';' => {
                    self.pos += 1;
                    if !self.in_brackets() {
                        self.reset_level();
                    }
                }
                b'+' | b'-' | b'*' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'~' | b'<'
                | b'>' | b'.' => {
                    self.pos += 1;
                    self.operator(at)?;
                }
                c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => self.word(at)?,
                c if c.is_ascii_digit() => {
                    while self
                        .byte(self.pos)
                        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
                    {
                        self.pos += 1;
                    }
                }
                _ => self.pos += 1,
            }
        }
        Ok(self.unindented_lines)
    }

    /// Leading whitespace of a line outside brackets: blocks opened and closed.
    fn indentation(&mut self) -> Scan {
        let line = self.pos;
        let mut width = 0;
        while let Some(b) = self.byte(self.pos) {
            match b {
                b' ' => width += 1,
                b'\t' => width = (width / 8 + 1) * 8,
                b'\x0c' | b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
        if matches!(self.byte(self.pos), None | Some(b'\n' | b'#')) {
            return Ok(());
        }
        if self.pos == line {
            self.unindented_lines.push(line);
        }
        while self.indents.last().is_some_and(|&top| width < top) {
            self.indents.pop();
        }
        if self.indents.last().is_some_and(|&top| width > top) {
            self.indents.push(width);
            self.check(0, self.pos)?;
        }
        Ok(())
    }

    /// A name, keyword or number-like word; a string prefix starts a string.
    fn word(&mut self, at: usize) -> Scan {
        while self
            .byte(self.pos)
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
        {
            self.pos += 1;
        }
        let word = self.src.get(at..self.pos).unwrap_or_default();
        let next_is_quote = matches!(self.byte(self.pos), Some(b'\'' | b'"'));
        if next_is_quote && is_string_prefix(word) {
            let formatted = word.iter().any(|b| b.eq_ignore_ascii_case(&b'f'));
            return self.string(formatted);
        }
        if KEYWORD_OPERATORS.contains(&word) {
            self.operator(at)?;
        }
        Ok(())
    }

    /// A string literal starting at the quote under `pos`. In f-strings the
    /// fields are code: their brackets and operators count, conservatively
    /// never decreasing until the string ends.
    fn string(&mut self, formatted: bool) -> Scan {
        let Some(quote) = self.byte(self.pos) else {
            return Ok(());
        };
        let triple =
            self.byte(self.pos + 1) == Some(quote) && self.byte(self.pos + 2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        let mut open_fields = 0usize;
        let mut inner = 0usize;
        while let Some(c) = self.byte(self.pos) {
            let at = self.pos;
            if c == b'\\' {
                self.pos += 2;
                continue;
            }
            if c == quote {
                if !triple {
                    self.pos += 1;
                    return Ok(());
                }
                if self.byte(at + 1) == Some(quote) && self.byte(at + 2) == Some(quote) {
                    self.pos += 3;
                    return Ok(());
                }
            }
            if c == b'\n' && !triple {
                // unterminated: the parser reports it; the newline ends the statement
                return Ok(());
            }
            self.pos += 1;
            if !formatted {
                continue;
            }
            let escaped = open_fields == 0 && self.byte(self.pos) == Some(c);
            match c {
                b'{' | b'}' if escaped => self.pos += 1,
                b'{' => {
                    open_fields += 1;
                    inner += 1;
                }
                b'}' => open_fields = open_fields.saturating_sub(1),
                b'(' | b'[' if open_fields > 0 => inner += 1,
                b'+' | b'-' | b'*' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'~' | b'<'
                | b'>' | b'.'
                    if open_fields > 0 =>
                {
                    inner += 1;
                }
                _ => {}
            }
            self.check(inner, at)?;
        }
        Ok(())
    }
}

fn is_string_prefix(word: &[u8]) -> bool {
    !word.is_empty()
        && word.len() <= 2
        && word
            .iter()
            .all(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deepest_ok(src: &str) -> bool {
        Scanner::new(src.as_bytes()).run().is_ok()
    }

    #[test]
    fn brackets_operators_and_blocks_count() {
        let nested = |n: usize| format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n));
        assert!(deepest_ok(&nested(150)));
        assert!(!deepest_ok(&nested(MAX_NESTING + 1)));
        let chain = format!("x = 1{}\n", " + 1".repeat(MAX_NESTING + 1));
        assert!(!deepest_ok(&chain));
        let calls = format!("f{}\n", "()".repeat(MAX_NESTING + 1));
        assert!(!deepest_ok(&calls));
        let nots = format!("x = {}True\n", "not ".repeat(MAX_NESTING + 1));
        assert!(!deepest_ok(&nots));
    }

    #[test]
    fn commas_and_statements_reset_operator_chains() {
        let list = format!("x = [{}]\n", "a.b + 1, ".repeat(1000));
        assert!(deepest_ok(&list));
        let lines = "x = a.b.c + 1\n".repeat(1000);
        assert!(deepest_ok(&lines));
    }

    #[test]
    fn strings_and_comments_are_not_code() {
        let text = format!(
            "x = '{0}'\n# {0}\ny = \"\"\"{0}\n{0}\"\"\"\nz = r'\\'{0}'\n",
            "((((+".repeat(100)
        );
        assert!(deepest_ok(&text));
        let fstring = format!("x = f'{{{{{}'\n", "(".repeat(300));
        assert!(deepest_ok(&fstring), "`{{{{` is a literal brace");
        let field = format!("x = f'{{{}}}'\n", "(".repeat(300));
        assert!(!deepest_ok(&field));
    }
}
