//! The fastest reader, for the block style Moat writes and most people type:
//! `key: value` lines, `- ` items, one-line plain and quoted scalars, `>-`
//! and `|` text blocks, `[]` and `{}`, comments and blank lines. It reports
//! the events the YAML parser would, with the same spans, several times
//! faster; everything else (tabs, carriage returns, multi-line plain or
//! quoted scalars, escapes, other block scalars, flow collections with
//! content, anchors, tags, document markers, unusual keys) it refuses
//! (`None`), and [`super::events`] reads the file instead.

use super::tree::Sink;
use crate::span::Span;
use serde_saphyr::granit_parser::ScalarStyle;
use std::borrow::Cow;

/// Feeds the events of `text` to `sink`; `None` if `text` is not in this reader's subset.
pub(super) fn read<'t>(text: &'t str, sink: &mut impl Sink<'t>) -> Option<()> {
    if !plain_characters(text) {
        return None;
    }
    let mut reader = Reader { text, next: 0 };
    let first = reader.peek()??;
    reader.take(first);
    reader.mapping(first.indent, first.content, first.end, sink)?;
    match reader.peek()? {
        None => Some(()),
        Some(_) => None,
    }
}

/// Keys longer than this are left to the parser, which limits simple keys.
const MAX_KEY_BYTES: usize = 512;

/// A line with content (not blank, not only a comment).
#[derive(Clone, Copy)]
struct Line {
    /// Spaces before the content.
    indent: usize,
    /// Byte offsets of the content and of the line's end (its `\n` or the text's end).
    content: usize,
    end: usize,
}

struct Reader<'t> {
    text: &'t str,
    /// Where the next unread line starts.
    next: usize,
}

impl<'t> Reader<'t> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    fn slice(&self, from: usize, to: usize) -> Option<&'t str> {
        self.text.get(from..to)
    }

    /// The next line with content, without reading it: `Some(None)` at the
    /// end of the text, `None` at a document marker.
    fn peek(&self) -> Option<Option<Line>> {
        let mut start = self.next;
        while start < self.text.len() {
            let rest = self.text.get(start..)?;
            let end = rest.find('\n').map_or(self.text.len(), |i| start + i);
            let line = self.text.get(start..end)?;
            let indent = line.len() - line.trim_start_matches(' ').len();
            let content = start + indent;
            let blank = content == end || self.byte(content) == Some(b'#');
            if !blank {
                if indent == 0 && (line.starts_with("---") || line.starts_with("...")) {
                    return None;
                }
                return Some(Some(Line {
                    indent,
                    content,
                    end,
                }));
            }
            start = end + 1;
        }
        Some(None)
    }

    fn take(&mut self, line: Line) {
        self.next = line.end + 1;
    }

    /// Whether `line` is a sequence item (`- ` or a lone `-`).
    fn is_item(&self, line: Line) -> bool {
        self.byte(line.content) == Some(b'-')
            && matches!(self.byte(line.content + 1), None | Some(b'\n' | b' '))
    }

    /// A block mapping at column `indent` whose first key is at `first`
    /// (on the line ending at `end`, already taken).
    fn mapping(
        &mut self,
        indent: usize,
        first: usize,
        end: usize,
        sink: &mut impl Sink<'t>,
    ) -> Option<()> {
        sink.open(Span::new(first, first), true)?;
        self.entry(indent, first, end, sink)?;
        while let Some(line) = self.peek()? {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || self.is_item(line) {
                return None;
            }
            self.take(line);
            self.entry(indent, line.content, line.end, sink)?;
        }
        sink.close(true)
    }

    /// `key: value`, or `key:` with its value on the following lines.
    fn entry(
        &mut self,
        indent: usize,
        at: usize,
        end: usize,
        sink: &mut impl Sink<'t>,
    ) -> Option<()> {
        let colon = self.key_end(at, end)?;
        let key = self.slice(at, colon)?;
        sink.scalar(Cow::Borrowed(key), ScalarStyle::Plain, Span::new(at, colon))?;
        let value = self.skip_spaces(colon + 1, end);
        if value == end || self.byte(value) == Some(b'#') {
            return self.block_value(indent, colon, sink);
        }
        self.inline(value, end, indent, sink)
    }

    /// Where the key starting at `at` ends (at its `:`), if a plain key starts there.
    fn key_end(&self, at: usize, end: usize) -> Option<usize> {
        let line = self.slice(at, end)?;
        let first = line.bytes().next()?;
        if !(first.is_ascii_alphanumeric() || first == b'_') {
            return None;
        }
        let len = line
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/')))?;
        let colon = at + len;
        let spaced = matches!(self.byte(colon + 1), None | Some(b'\n' | b' '));
        (len <= MAX_KEY_BYTES && self.byte(colon) == Some(b':') && spaced).then_some(colon)
    }

    /// The value of a key at column `indent` with nothing after its `:` (at `colon`).
    fn block_value(&mut self, indent: usize, colon: usize, sink: &mut impl Sink<'t>) -> Option<()> {
        match self.peek()? {
            Some(line) if line.indent > indent && self.is_item(line) => {
                self.sequence(line, false, sink)
            }
            Some(line) if line.indent == indent && self.is_item(line) => {
                self.sequence(line, true, sink)
            }
            Some(line) if line.indent > indent => {
                self.take(line);
                self.mapping(line.indent, line.content, line.end, sink)
            }
            // Nothing: the parser gives `~`, placed at the `:`.
            _ => sink.scalar(
                Cow::Borrowed("~"),
                ScalarStyle::Plain,
                Span::new(colon, colon),
            ),
        }
    }

    /// A block sequence whose first item is `first` (not yet taken). An
    /// indentless sequence (`key:` then `- ` at the key's column) starts at
    /// its first item's content, an indented one at its first `-`.
    fn sequence(&mut self, first: Line, indentless: bool, sink: &mut impl Sink<'t>) -> Option<()> {
        let start = if indentless {
            self.skip_spaces(first.content + 1, first.end)
        } else {
            first.content
        };
        sink.open(Span::new(start, start), false)?;
        let mut line = first;
        loop {
            self.take(line);
            self.item(line, sink)?;
            match self.peek()? {
                Some(next) if next.indent == first.indent && self.is_item(next) => line = next,
                Some(next) if next.indent > first.indent => return None,
                _ => break,
            }
        }
        sink.close(false)
    }

    /// One `- ` item: a scalar, `[]`/`{}`, or a mapping starting on the item's line.
    fn item(&mut self, line: Line, sink: &mut impl Sink<'t>) -> Option<()> {
        let at = self.skip_spaces(line.content + 1, line.end);
        if at == line.end || matches!(self.byte(at), Some(b'#')) {
            return None;
        }
        if self.key_end(at, line.end).is_some() {
            let column = at - (line.content - line.indent);
            return self.mapping(column, at, line.end, sink);
        }
        self.inline(at, line.end, line.indent, sink)
    }

    /// A value that starts at `at` on a line ending at `end`, in a block at
    /// column `parent`: it ends on its line, or is a block scalar below it.
    fn inline(
        &mut self,
        at: usize,
        end: usize,
        parent: usize,
        sink: &mut impl Sink<'t>,
    ) -> Option<()> {
        let first = self.byte(at)?;
        let next = self.byte(at + 1);
        match first {
            b'"' | b'\'' => {
                let close = at + 1 + self.slice(at + 1, end)?.find(first as char)?;
                let value = self.slice(at + 1, close)?;
                // Escapes and doubled quotes need unescaping; the parser does that.
                if (first == b'"' && value.contains('\\')) || self.byte(close + 1) == Some(first) {
                    return None;
                }
                let style = if first == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                self.line_ends(close + 1, end)?;
                sink.scalar(Cow::Borrowed(value), style, Span::new(at, close + 1))
            }
            b'[' | b'{' => {
                let mapping = first == b'{';
                let closing = if mapping { b'}' } else { b']' };
                if next != Some(closing) {
                    return None;
                }
                self.line_ends(at + 2, end)?;
                sink.open(Span::new(at, at + 1), mapping)?;
                sink.close(mapping)
            }
            b'|' | b'>' => self.block_scalar(at, end, parent, sink),
            b'-' if matches!(next, None | Some(b' ' | b'\n')) => None,
            b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b',' | b']' | b'}' | b'#' | b'?' | b':' => {
                None
            }
            _ => self.plain(at, end, sink),
        }
    }

    /// A block scalar as Moat writes long text: `>`, `>-`, `|` or `|-` ending
    /// its line, then lines indented alike (more than `parent` columns),
    /// without blank lines between them or spaces after them.
    fn block_scalar(
        &mut self,
        at: usize,
        end: usize,
        parent: usize,
        sink: &mut impl Sink<'t>,
    ) -> Option<()> {
        let (style, strip) = match self.slice(at, end)? {
            ">" => (ScalarStyle::Folded, false),
            ">-" => (ScalarStyle::Folded, true),
            "|" => (ScalarStyle::Literal, false),
            "|-" => (ScalarStyle::Literal, true),
            _ => return None,
        };
        let mut lines: Vec<&str> = Vec::new();
        let (mut indent, mut start) = (0, 0);
        let mut next = end + 1;
        // Content lines, then (after the last) any empty lines.
        let (after, stop) = loop {
            let Some(rest) = self.text.get(next..).filter(|rest| !rest.is_empty()) else {
                break (next.min(self.text.len()), None);
            };
            let line = rest
                .find('\n')
                .map_or(rest, |i| rest.get(..i).unwrap_or(rest));
            let spaces = line.len() - line.trim_start_matches(' ').len();
            if line.is_empty() || (!lines.is_empty() && spaces < indent) {
                break (next, Some((line, spaces)));
            }
            if lines.is_empty() {
                (indent, start) = (spaces, next + spaces);
            }
            if spaces != indent || spaces <= parent || spaces == line.len() || line.ends_with(' ') {
                return None;
            }
            lines.push(line.get(spaces..)?);
            next += line.len() + 1;
        };
        if lines.is_empty() {
            return None;
        }
        // Empty lines after the content belong to the scalar.
        let (mut resume, mut stop) = (after, stop);
        while let Some(("", _)) = stop {
            resume += 1;
            let rest = self.text.get(resume..).unwrap_or("");
            let line = rest
                .find('\n')
                .map_or(rest, |i| rest.get(..i).unwrap_or(rest));
            let spaces = line.len() - line.trim_start_matches(' ').len();
            stop = (!rest.is_empty()).then_some((line, spaces));
        }
        let end = match stop {
            // The parser's span runs to the content of the line that ends the scalar.
            Some((line, spaces)) if spaces <= parent && spaces < line.len() => resume + spaces,
            Some(_) => return None,
            // A last line without `\n` keeps no line break.
            None if !strip && !self.text.ends_with('\n') => return None,
            None => {
                resume = self.text.len();
                resume
            }
        };
        self.next = resume;
        let separator = if style == ScalarStyle::Folded {
            " "
        } else {
            "\n"
        };
        let mut value = lines.join(separator);
        if !strip {
            value.push('\n');
        }
        sink.scalar(Cow::Owned(value), style, Span::new(start, end))
    }

    /// A one-line plain scalar, ended by a comment or the line's end.
    fn plain(&mut self, at: usize, end: usize, sink: &mut impl Sink<'t>) -> Option<()> {
        let line = self.slice(at, end)?;
        let line = line
            .find(" #")
            .map_or(line, |i| line.get(..i).unwrap_or(line));
        let value = line.trim_end_matches(' ');
        // `a: b` here would be a mapping the parser rejects or reads otherwise.
        if value.contains(": ") || value.ends_with(':') {
            return None;
        }
        sink.scalar(
            Cow::Borrowed(value),
            ScalarStyle::Plain,
            Span::new(at, at + value.len()),
        )
    }

    /// Nothing but spaces and a comment from `at` to the line's `end`.
    fn line_ends(&self, at: usize, end: usize) -> Option<()> {
        let rest = self.skip_spaces(at, end);
        (rest == end || (rest > at && self.byte(rest) == Some(b'#'))).then_some(())
    }

    fn skip_spaces(&self, at: usize, end: usize) -> usize {
        let spaces = self
            .slice(at, end)
            .map_or(0, |s| s.len() - s.trim_start_matches(' ').len());
        at + spaces
    }
}

/// Whether `text` holds only characters the subset allows: printable ones
/// and `\n` (no tabs, carriage returns, byte order marks or Unicode line breaks).
fn plain_characters(text: &str) -> bool {
    let simple = |b: u8| b == b'\n' || (0x20..0x7F).contains(&b);
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(offset) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| !simple(b)))
    {
        at += offset;
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
            return false;
        };
        let printable = matches!(c, '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
            && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}');
        if !printable {
            return false;
        }
        at += c.len_utf8();
    }
    true
}
