//! Reading YAML (and JSON, which is YAML) mappings with every key and value
//! located, so validation can report each problem at its place and keep going
//! instead of stopping at the first unknown key the way `deny_unknown_fields`
//! would. Unknown keys are still rejected: by the callers, one error each.

use moat_model::{Diagnostic, SourceFile, Span};
use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A value with where it was written.
pub type Node = Spanned<serde_json::Value>;

/// One `key: value` pair of a mapping.
#[derive(Debug)]
pub struct Entry {
    pub key: Spanned<String>,
    pub value: Node,
}

/// A mapping's entries in file order, duplicates included (callers report them).
#[derive(Debug, Default)]
pub struct Mapping {
    pub entries: Vec<Entry>,
}

impl Mapping {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries
            .iter()
            .find(|e| e.key.value == key)
            .map(|e| &e.value)
    }
}

impl<'de> Deserialize<'de> for Mapping {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MappingVisitor;
        impl<'de> Visitor<'de> for MappingVisitor {
            type Value = Mapping;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Mapping, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let value = map.next_value::<Node>()?;
                    entries.push(Entry { key, value });
                }
                Ok(Mapping { entries })
            }
        }
        deserializer.deserialize_map(MappingVisitor)
    }
}

/// Parser options: duplicate keys are reported by Moat, per threat, not by the parser.
pub fn options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::LastWins;
    options
}

/// The span of a located node in `file`.
pub fn span_of(file: &SourceFile, location: &serde_saphyr::Location) -> Span {
    let start = location
        .span()
        .byte_offset()
        .and_then(|b| usize::try_from(b).ok())
        .unwrap_or_else(|| {
            file.offset(
                usize::try_from(location.line()).unwrap_or(1),
                usize::try_from(location.column()).unwrap_or(1),
            )
        });
    let len = location
        .span()
        .byte_len()
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(0);
    Span::new(start, start.saturating_add(len).min(file.text.len()))
}

/// A parse error of the whole file, at the place the parser stopped.
pub fn parse_error(file: &SourceFile, code: &str, error: &serde_saphyr::Error) -> Diagnostic {
    let budget = options().budget.unwrap_or_default();
    let (message, _) = moat_model::yaml::describe_error(error, &budget);
    // the parser speaks of events; users think in lists and mappings
    let message = match message.as_str() {
        "expected sequence start" => "expected a list".to_string(),
        "expected mapping start" => "expected a mapping of `key: value` pairs".to_string(),
        _ => message,
    };
    let diagnostic = Diagnostic::error(code, lowercase_first(&message));
    match error.location() {
        Some(location) => diagnostic.at(file, span_of(file, &location)),
        None => diagnostic.in_file(&file.name),
    }
}

pub fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The byte offset in `file` of byte `inner` of the scalar `value` whose text
/// starts at `start`. Quoted scalars are decoded step by step; plain and block
/// scalars keep their words intact, so the word at `inner` is looked up among
/// the same words in the file. Falls back to the start of the scalar.
pub fn offset_in_scalar(file: &SourceFile, start: usize, value: &str, inner: usize) -> usize {
    let raw = file.text.get(start..).unwrap_or("");
    let found = match raw.chars().next() {
        Some('"') => offset_in_double_quoted(raw, inner),
        Some('\'') => offset_in_single_quoted(raw, inner),
        _ => offset_by_word(raw, value, inner),
    };
    start + found.unwrap_or(0)
}

fn offset_in_double_quoted(raw: &str, inner: usize) -> Option<usize> {
    let mut decoded = 0usize;
    let mut chars = raw.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if decoded >= inner {
            return Some(i);
        }
        match c {
            '"' => return None,
            '\\' => {
                let (_, escape) = chars.next()?;
                let (digits, produced) = match escape {
                    'x' => (2, 1),
                    'u' => (4, 3),
                    'U' => (8, 4),
                    _ => (0, 1),
                };
                for _ in 0..digits {
                    chars.next();
                }
                decoded += produced;
            }
            other => decoded += other.len_utf8(),
        }
    }
    None
}

fn offset_in_single_quoted(raw: &str, inner: usize) -> Option<usize> {
    let mut decoded = 0usize;
    let mut chars = raw.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if decoded >= inner {
            return Some(i);
        }
        if c == '\'' {
            // `''` is one quote; a lone quote ends the scalar
            if chars.peek().map(|(_, next)| *next) == Some('\'') {
                chars.next();
            } else {
                return None;
            }
        }
        decoded += c.len_utf8();
    }
    None
}

fn offset_by_word(raw: &str, value: &str, inner: usize) -> Option<usize> {
    let tail = value.get(inner..)?;
    let word_len = tail
        .find(char::is_whitespace)
        .unwrap_or(tail.len())
        .max(tail.chars().next().map_or(0, char::len_utf8));
    let word = tail.get(..word_len)?;
    if word.is_empty() {
        return None;
    }
    let before = value
        .match_indices(word)
        .filter(|(i, _)| *i < inner)
        .count();
    raw.match_indices(word).nth(before).map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic)]
    use super::*;

    fn locate(text: &str, start: usize, value: &str, inner: usize) -> usize {
        offset_in_scalar(&SourceFile::new("t", text), start, value, inner)
    }

    #[test]
    fn a_yaml_bomb_is_refused_in_words_not_parser_types() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let file = SourceFile::new("bomb.yaml", text.as_str());
        let Err(error) = serde_saphyr::from_str_with_options::<Mapping>(&file.text, options())
        else {
            panic!("the bomb was read");
        };
        let diagnostic = parse_error(&file, "catalog::yaml", &error);
        assert!(
            diagnostic.message.starts_with("the document"),
            "{}",
            diagnostic.message
        );
        assert!(
            !diagnostic.message.contains('{') && !diagnostic.message.contains("Nodes"),
            "{}",
            diagnostic.message
        );
        assert!(diagnostic.location.is_some());
    }

    #[test]
    fn positions_inside_scalars_map_to_the_file() {
        // plain
        assert_eq!(locate("k: a && b", 3, "a && b", 5), 8);
        // double-quoted with an escape before the position
        assert_eq!(locate(r#"k: "\"x\" == y""#, 3, "\"x\" == y", 7), 13);
        // single-quoted with a doubled quote
        assert_eq!(locate("k: 'it''s x'", 3, "it's x", 5), 10);
        // folded block: words keep their place
        let text = "k: >-\n  a &&\n  a.b\n";
        assert_eq!(locate(text, 8, "a && a.b", 5), 15);
    }
}
