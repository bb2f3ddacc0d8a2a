//! Where a script may be cut into pieces that parse on their own: to parse
//! a large script on several threads, and to hand rustpython the runs of
//! statements the quick parser leaves.
//!
//! A cut goes before an unindented line outside brackets and strings that
//! starts a statement of its own: not a clause continuing the one before
//! (`else:`, `except:`...), nor a `def` or `class` under a decorator. A cut
//! in a wrong place (in a string the scan misread, say) leaves a piece that
//! does not parse, and the caller then parses the whole script again: it
//! costs time, never a different result.

use std::ops::Range;

/// Unindented words that continue the statement before them.
const CONTINUING_WORDS: &[&[u8]] = &[b"else", b"elif", b"except", b"finally", b"case"];

/// The offsets among `unindented_lines` (in order, as the guard's scan finds
/// them) where `text` may be cut.
pub(super) fn cut_points(text: &str, unindented_lines: &[usize]) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut points = Vec::with_capacity(unindented_lines.len());
    let mut after_decorator = false;
    for &line in unindented_lines {
        let decorated = after_decorator;
        after_decorator = bytes.get(line) == Some(&b'@');
        if line > 0 && !decorated && starts_statement(bytes.get(line..).unwrap_or_default()) {
            points.push(line);
        }
    }
    points
}

/// Cuts a text of `len` bytes at some of its `cut_points` into pieces of at
/// least `piece_bytes` (the last may be shorter).
pub(super) fn pieces(len: usize, cut_points: &[usize], piece_bytes: usize) -> Vec<Range<usize>> {
    let mut pieces = Vec::with_capacity(len / piece_bytes.max(1) + 1);
    let mut start: usize = 0;
    for &point in cut_points {
        if point >= start.saturating_add(piece_bytes) && point < len {
            pieces.push(start..point);
            start = point;
        }
    }
    pieces.push(start..len);
    pieces
}

/// Whether an unindented line starting with `line` is a statement of its own.
/// Only lines starting with a plain (ASCII) name qualify, which leaves out
/// decorators, bracketed expressions and strings: no script needs them cut.
fn starts_statement(line: &[u8]) -> bool {
    let is_name = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let word_len = line.iter().take_while(|b| is_name(b)).count();
    let word = line.get(..word_len).unwrap_or_default();
    let first_is_letter = word.first().is_some_and(|b| !b.is_ascii_digit());
    first_is_letter && !CONTINUING_WORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::SourceFile;

    fn cut(text: &str, piece_bytes: usize) -> Vec<&str> {
        let file = SourceFile::new("t.py", text);
        let Ok(lines) = super::super::guard::check(&file) else {
            return Vec::new();
        };
        pieces(text.len(), &cut_points(text, &lines), piece_bytes)
            .into_iter()
            .filter_map(|range| text.get(range))
            .collect()
    }

    #[test]
    fn cuts_between_statements_only() {
        let text = "a = 1\nif a:\n    b = 2\nelse:\n    b = 3\nc = (\n1)\n@d\ndef f():\n    pass\ns = '''\nx = 1\n'''\n# note\nt = 2\n";
        assert_eq!(
            cut(text, 1),
            [
                "a = 1\n",
                "if a:\n    b = 2\nelse:\n    b = 3\n",
                "c = (\n1)\n@d\ndef f():\n    pass\n",
                "s = '''\nx = 1\n'''\n# note\n",
                "t = 2\n",
            ]
        );
        assert_eq!(cut(text, 1000), [text]);
        assert_eq!(cut(text, 12).len(), 4);
    }

    #[test]
    fn continued_lines_and_continuing_words_stay_together() {
        let text = "x = 1 + \\\ny\ntry:\n    pass\nexcept E:\n    pass\nfinally:\n    pass\nelsewhere = 1\n";
        assert_eq!(
            cut(text, 1),
            [
                "x = 1 + \\\ny\n",
                "try:\n    pass\nexcept E:\n    pass\nfinally:\n    pass\n",
                "elsewhere = 1\n",
            ]
        );
    }
}
