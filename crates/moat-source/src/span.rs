//! Source locations. Spans store byte ranges; line and column are computed
//! only when a location is shown, through one [`LineIndex`] per file.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A byte range `start..end` in one source file.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Span {
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Maps byte offsets of one text to 1-based line/column pairs.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    /// The line and column of byte `offset` in `text` (the text this index was built from).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = self
            .line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let col = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            col: u32::try_from(col + 1).unwrap_or(u32::MAX),
        }
    }

    /// Byte offset of a 1-based line and column, clamped to the text.
    pub fn offset(&self, text: &str, line: usize, col: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return text.len();
        };
        let rest = text.get(start..).unwrap_or("");
        rest.char_indices()
            .nth(col.saturating_sub(1))
            .map(|(i, _)| start + i)
            .unwrap_or(text.len())
    }
}

/// A file's name (as the user gave it) and text, shared by the diagnostics that point into it.
///
/// A file may also be several files joined ([`SourceFile::joined`]): a
/// Terraform module is one unit of configuration spread over `.tf` files,
/// and one resource's settings may be written in several of them. Spans
/// then run over the joined text, and locations name the part they fall in.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: Arc<str>,
    pub text: Arc<str>,
    index: Arc<LineIndex>,
    /// The files joined, in order, with where each starts in `text`.
    parts: Option<Arc<[(u32, SourceFile)]>>,
}

impl SourceFile {
    pub fn new(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        let index = Arc::new(LineIndex::new(&text));
        SourceFile {
            name: name.into(),
            text,
            index,
            parts: None,
        }
    }

    /// `files` joined into one, named `name`; each starts on a line of its own.
    pub fn joined(name: impl Into<Arc<str>>, files: Vec<SourceFile>) -> Self {
        let mut text = String::new();
        let mut parts = Vec::with_capacity(files.len());
        for file in files {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            parts.push((u32::try_from(text.len()).unwrap_or(u32::MAX), file.clone()));
            text.push_str(&file.text);
        }
        let mut joined = SourceFile::new(name, text);
        joined.parts = Some(parts.into());
        joined
    }

    /// The files a joined file was made of, in order (none for a plain
    /// file): joining them again with more files keeps every span valid.
    pub fn parts(&self) -> Vec<SourceFile> {
        self.parts
            .as_deref()
            .map(|parts| parts.iter().map(|(_, f)| f.clone()).collect())
            .unwrap_or_default()
    }

    /// Where the file starts in the joined text, for a part of a joined file.
    pub fn part_start(&self, name: &str) -> Option<u32> {
        self.parts
            .as_deref()?
            .iter()
            .find(|(_, f)| &*f.name == name)
            .map(|(start, _)| *start)
    }

    /// The file `span` is in and the span within it: for a joined file, the
    /// part it starts in; otherwise this file.
    pub fn resolve(&self, span: Span) -> (SourceFile, Span) {
        let Some(parts) = self.parts.as_deref() else {
            return (self.clone(), span);
        };
        let at = parts.partition_point(|(start, _)| *start <= span.start);
        match at.checked_sub(1).and_then(|i| parts.get(i)) {
            Some((start, file)) => {
                let len = u32::try_from(file.text.len()).unwrap_or(u32::MAX);
                let rebase = |o: u32| o.saturating_sub(*start).min(len);
                (
                    file.clone(),
                    Span {
                        start: rebase(span.start),
                        end: rebase(span.end),
                    },
                )
            }
            None => (self.clone(), span),
        }
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        self.index.line_col(&self.text, offset as usize)
    }

    pub fn offset(&self, line: usize, col: usize) -> usize {
        self.index.offset(&self.text, line, col)
    }

    /// The text of the line `span` starts on, without its line break
    /// (found through the line index: a report quotes a line per finding,
    /// and a plan is one large file).
    pub fn line_of(&self, span: Span) -> String {
        let (file, span) = self.resolve(span);
        let line = file.line_col(span.start).line as usize;
        let start = file.offset(line, 1);
        let rest = file.text.get(start..).unwrap_or("");
        let end = rest.find('\n').unwrap_or(rest.len());
        rest[..end]
            .strip_suffix('\r')
            .unwrap_or(&rest[..end])
            .to_string()
    }

    /// A location for `span`, as shown to users.
    pub fn location(&self, span: Span) -> Location {
        if self.parts.is_some() {
            let (file, span) = self.resolve(span);
            return file.location(span);
        }
        let start = self.line_col(span.start);
        let end = self.line_col(span.end);
        Location {
            file: self.name.to_string(),
            line: start.line,
            col: start.col,
            end_line: end.line,
            end_col: end.col,
        }
    }
}

/// A rendered location: file and 1-based start and end positions.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let text = "ab\nc\u{e9}d\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, col: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, col: 1 });
        // 'd' follows a two-byte character: byte 6, column 3
        assert_eq!(idx.line_col(text, 6), LineCol { line: 2, col: 3 });
        assert_eq!(idx.offset(text, 2, 3), 6);
        assert_eq!(idx.line_col(text, 999), LineCol { line: 3, col: 1 });
    }

    #[test]
    fn a_joined_file_locates_spans_in_its_parts() {
        let a = SourceFile::new("a.tf", "x = 1");
        let b = SourceFile::new("b.tf", "y = 2\nz = 3\n");
        let joined = SourceFile::joined("module", vec![a, b]);
        assert_eq!(&*joined.text, "x = 1\ny = 2\nz = 3\n");
        let z = joined.text.find('z').unwrap();
        let loc = joined.location(Span::new(z, z + 1));
        assert_eq!((loc.file.as_str(), loc.line, loc.col), ("b.tf", 2, 1));
        let loc = joined.location(Span::new(4, 5));
        assert_eq!((loc.file.as_str(), loc.line, loc.col), ("a.tf", 1, 5));
        let (file, span) = joined.resolve(Span::new(z, z + 5));
        assert_eq!(
            (
                &*file.name,
                &file.text[span.start as usize..span.end as usize]
            ),
            ("b.tf", "z = 3")
        );
        assert_eq!(joined.part_start("b.tf"), Some(6));
        assert_eq!(joined.parts().len(), 2);
    }

    #[test]
    fn line_of_quotes_the_line_a_span_starts_on() {
        let file = SourceFile::new("t", "one\r\ntwo\n\nlast");
        let at = |s: usize| file.line_of(Span::new(s, s + 1));
        assert_eq!(at(1), "one");
        assert_eq!(at(6), "two");
        assert_eq!(at(9), "");
        assert_eq!(at(11), "last");
        assert_eq!(at(99), "last");
        let joined = SourceFile::joined("m", vec![SourceFile::new("a", "a1\na2"), file]);
        assert_eq!(joined.line_of(Span::new(3, 4)), "a2");
        assert_eq!(joined.line_of(Span::new(12, 13)), "two");
    }
}
