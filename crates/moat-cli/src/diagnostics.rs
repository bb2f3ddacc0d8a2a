//! Shows diagnostics on stderr: a grep-able `file:line:col: level: message`
//! line, then the source line with carets, rendered by miette.
//!
//! Everything shown comes from files Moat does not trust: messages quote user
//! text and snippets are source lines. Both are escaped (no control character
//! or bidirectional override reaches the terminal) and bounded (a snippet line
//! shows at most [`MAX_LINE_CHARS`] characters, a span at most
//! [`MAX_SPAN_LINES`] lines).

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, Severity,
    SourceCode, SourceSpan, SpanContents,
};
use moat_model::{Diagnostic, Level, SourceFile, Span};
use moat_source::diag::{escape_controls, needs_escape, push_escaped};
use std::fmt;

/// Characters of one source line a snippet shows; the rest becomes `…`.
const MAX_LINE_CHARS: usize = 200;
/// How far into the window the start of a span is put when the line is cut.
const LEAD_CHARS: usize = 60;
/// Lines a labelled span may cover before only its first line is shown.
const MAX_SPAN_LINES: usize = 8;
const ELLIPSIS: char = '…';

/// A moat diagnostic seen through miette's trait, for its snippet rendering.
struct Shown<'a> {
    diag: &'a Diagnostic,
    help: Option<String>,
    excerpt: Option<Excerpt>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

// The message is already on the grep-able first line; miette's header shows the code.
impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_controls(&self.diag.code))
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn severity(&self) -> Option<Severity> {
        Some(match self.diag.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Note => Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let excerpt = self.excerpt.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            None,
            excerpt.label.0,
            excerpt.label.1 - excerpt.label.0,
        ))))
    }
}

/// The few source lines around a span, escaped and cut to length, standing in
/// for the whole file: miette renders it with the file's own line numbers.
struct Excerpt {
    name: String,
    text: String,
    /// 0-based line of the file where `text` starts.
    first_line: usize,
    /// The span, as byte offsets into `text`.
    label: (usize, usize),
    /// 0-based column of the span's start in the file, for miette's header.
    column: usize,
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        // the header's column is the file's, not the escaped excerpt's
        let column = if span.offset() == self.label.0 {
            self.column
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

/// The excerpt of `file` around `span`: one line of context on each side.
fn excerpt(file: &SourceFile, span: Span) -> Excerpt {
    let text: &str = &file.text;
    let start = floor_char(text, span.start as usize);
    let mut end = floor_char(text, (span.end as usize).max(start));
    let line_start = |offset: usize| text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |offset: usize| text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let first = file.line_col(start as u32).line as usize - 1;
    let mut last = file.line_col(end as u32).line as usize - 1;
    if last > first && line_start(end) == end {
        // a span ending right after a newline ends on the line before
        last -= 1;
    }
    if last - first >= MAX_SPAN_LINES {
        end = line_end(start);
    }
    // one line of context before and after, as the handler shows
    let from = if first == 0 {
        0
    } else {
        line_start(line_start(start) - 1)
    };
    let upto = {
        let after_span = line_end(end);
        if after_span < text.len() {
            line_end(after_span + 1)
        } else {
            after_span
        }
    };
    let first_shown = if first == 0 { 0 } else { first - 1 };

    let mut out = String::new();
    let mut label = (None, None);
    let mut offset = from;
    for (n, line) in text[from..upto].split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let line_end = offset + line.len();
        let shown = line.strip_suffix('\r').unwrap_or(line);
        let chars: Vec<(usize, char)> = shown.char_indices().collect();
        let (w0, w1) = window(&chars, offset, start);
        if w0 > 0 {
            out.push(ELLIPSIS);
        }
        for &(i, c) in &chars[w0..w1] {
            let at = offset + i;
            if at == start {
                label.0 = Some(out.len());
            }
            if at == end {
                label.1 = Some(out.len());
            }
            push_escaped(&mut out, c);
        }
        // a span boundary the window cut off (or on the newline) sits at its edge
        if (offset..=line_end).contains(&start) && label.0.is_none() {
            label.0 = Some(out.len());
        }
        if (offset..=line_end).contains(&end) && label.1.is_none() {
            label.1 = Some(out.len());
        }
        if w1 < chars.len() {
            out.push(ELLIPSIS);
        }
        offset = line_end + 1;
    }
    let label_start = label.0.unwrap_or(0);
    let label_end = label.1.unwrap_or(out.len()).max(label_start);
    Excerpt {
        name: escape_controls(&file.name).into_owned(),
        text: out,
        first_line: first_shown,
        label: (label_start, label_end),
        column: file.line_col(start as u32).col as usize - 1,
    }
}

/// The range of `chars` (a line starting at byte `offset` of the file) that is
/// shown: the whole line when short, else a window holding `start`.
fn window(chars: &[(usize, char)], offset: usize, start: usize) -> (usize, usize) {
    // escapes take room too: count the characters as they will be shown
    let width = |c: char| if needs_escape(c) { 8 } else { 1 };
    let total: usize = chars.iter().map(|&(_, c)| width(c)).sum();
    if total <= MAX_LINE_CHARS {
        return (0, chars.len());
    }
    let at = chars
        .iter()
        .position(|&(i, _)| offset + i >= start)
        .filter(|_| start >= offset)
        .unwrap_or(0);
    let mut w0 = at.saturating_sub(LEAD_CHARS);
    let mut used: usize = chars[..w0].iter().map(|&(_, c)| width(c)).sum();
    if total - used < MAX_LINE_CHARS {
        // near the end: show the last full window instead
        while w0 > 0 && total - used + width(chars[w0 - 1].1) <= MAX_LINE_CHARS {
            w0 -= 1;
            used += width(chars[w0].1);
        }
    }
    let mut w1 = w0;
    let mut shown = 0;
    while w1 < chars.len() && shown + width(chars[w1].1) <= MAX_LINE_CHARS {
        shown += width(chars[w1].1);
        w1 += 1;
    }
    (w0, w1)
}

/// `offset` clamped to `text` and moved back to a character boundary.
fn floor_char(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Renders one diagnostic; `color` only on a terminal.
pub fn render(diag: &Diagnostic, color: bool) -> String {
    let message = escape_controls(&diag.message);
    let mut out = match &diag.location {
        Some(loc) => format!(
            "{}: {}: {message}\n",
            escape_controls(&loc.to_string()),
            diag.level
        ),
        None => format!("{}: {message}\n", diag.level),
    };
    let excerpt = diag
        .source
        .as_ref()
        .map(|(file, span)| excerpt(file, *span));
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_width(100);
    let shown = Shown {
        diag,
        help: diag
            .help
            .as_deref()
            .map(|h| escape_controls(h).into_owned()),
        excerpt,
    };
    let mut rendered = String::new();
    if handler.render_report(&mut rendered, &shown).is_ok() {
        out.push_str(&rendered);
    }
    out
}

/// Prints `error: message` to stderr, for errors without a place in a file;
/// the message quotes user input, so each of its lines is escaped like any
/// diagnostic (the line breaks of a message of several lines are kept).
pub fn error(message: &str) {
    let lines: Vec<String> = message
        .split('\n')
        .map(|line| escape_controls(line).into_owned())
        .collect();
    eprintln!("error: {}", lines.join("\n"));
}

/// Prints every diagnostic to stderr, in order.
pub fn print_all(diags: &[Diagnostic], color: bool) {
    for d in diags {
        eprintln!("{}", render(d, color));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(text: &str, needle: &str, message: &str) -> Diagnostic {
        let file = SourceFile::new("m.yaml", text);
        let start = text.find(needle).unwrap();
        Diagnostic::error("t::test", message).at(&file, Span::new(start, start + needle.len()))
    }

    fn no_controls(shown: &str) {
        let bad: Vec<char> = shown
            .chars()
            .filter(|&c| c != '\n' && needs_escape(c))
            .collect();
        assert!(bad.is_empty(), "raw controls {bad:?} in:\n{shown}");
    }

    #[test]
    fn escape_sequences_in_the_source_and_message_are_shown_escaped() {
        let text = "name: m\nelements:\n  - id: \"\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}x\"\n    kind: nope\n";
        let diag =
            at(text, "nope", "unknown kind `\u{1b}[2J`").with_help("did you mean `\u{9b}31m`?");
        let shown = render(&diag, false);
        no_controls(&shown);
        assert!(
            shown.starts_with("m.yaml:4:11: error: unknown kind `\\u{1b}[2J`\n"),
            "{shown}"
        );
        assert!(
            shown.contains("\\u{1b}]0;owned\\u{7}\\u{1b}[2J\\u{202e}x"),
            "{shown}"
        );
        assert!(shown.contains("did you mean `\\u{9b}31m`?"), "{shown}");
        // the caret still points at the span, under the file's own line numbers
        assert!(shown.contains("[m.yaml:4:11]"), "{shown}");
        assert!(shown.contains(" 4 │     kind: nope\n"), "{shown}");
        assert!(shown.contains("────"), "{shown}");
    }

    #[test]
    fn a_span_after_escapes_on_its_line_is_still_underlined() {
        let text = "a: \"\u{1b}\u{1b}\" bad\n";
        let shown = render(&at(text, "bad", "here"), false);
        no_controls(&shown);
        let lines: Vec<&str> = shown.lines().collect();
        let source = lines.iter().position(|l| l.contains("bad")).unwrap();
        let source_line = lines[source];
        let caret_line = lines[source + 1];
        let col = |l: &str, needle: &str| {
            l.chars().count() - l[l.find(needle).unwrap()..].chars().count()
        };
        assert_eq!(col(source_line, "bad"), col(caret_line, "───"), "{shown}");
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let text = format!("k: {}TARGET{}\n", "a".repeat(5_000), "b".repeat(5_000));
        let shown = render(&at(&text, "TARGET", "here"), false);
        let longest = shown.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(longest < MAX_LINE_CHARS + 20, "{longest}:\n{shown}");
        assert!(shown.contains("…a"), "{shown}");
        assert!(shown.contains("b…"), "{shown}");
        assert!(shown.contains("TARGET"), "{shown}");
        assert!(shown.contains("[m.yaml:1:5004]"), "{shown}");
    }

    #[test]
    fn a_span_over_many_lines_shows_its_first_line_only() {
        let text: String = (0..10_000).map(|i| format!("k{i}: v\n")).collect();
        let file = SourceFile::new("m.yaml", text.as_str());
        let diag = Diagnostic::error("t::test", "whole file").at(&file, Span::new(0, text.len()));
        let shown = render(&diag, false);
        assert!(shown.lines().count() < 12, "{shown}");
        assert!(shown.contains("k0: v"), "{shown}");
    }

    #[test]
    fn any_span_of_awkward_text_renders_escaped() {
        // multi-byte characters, CRLF, controls, an empty line, no final newline
        let text = "a\u{e9}\u{1b}b\r\n\n\t\u{202e}x\u{9b}\r\n\u{1f600}z";
        let file = SourceFile::new("m.yaml", text);
        for start in 0..=text.len() + 2 {
            for end in start..=text.len() + 2 {
                let diag = Diagnostic::error("t::test", "x").at(&file, Span::new(start, end));
                let shown = render(&diag, false);
                no_controls(&shown);
                assert!(shown.starts_with("m.yaml:"), "{start}..{end}: {shown}");
            }
        }
    }

    #[test]
    fn controls_in_a_file_name_are_escaped() {
        let file = SourceFile::new("\u{1b}[2Jm.yaml", "k: v\n");
        let diag = Diagnostic::error("t::test", "x").at(&file, Span::new(0, 1));
        let shown = render(&diag, false);
        no_controls(&shown);
        assert!(
            shown.starts_with("\\u{1b}[2Jm.yaml:1:1: error: x"),
            "{shown}"
        );
    }
}
