//! The reader for YAML that gives local tags a meaning, such as
//! CloudFormation's short forms: the caller maps each tag (`Ref`, `GetAtt`)
//! to the key of the long form (`Ref`, `Fn::GetAtt`), and the tagged node is
//! read as a one-key mapping under it, so readers see one spelling. Anchors
//! and aliases are resolved by copying the anchored node. Unknown tags are
//! located errors, never silently dropped: reading `!Rain::Module x` as the
//! string `x` would hide a whole construct from every check.

use super::events::parser_options;
use super::tree::{Builder, Sink};
use super::{MAX_BYTES, Node};
use crate::diag::Diagnostic;
use crate::span::{SourceFile, Span};
use serde_saphyr::granit_parser::{Event, Parser, StrInput, Tag};
use std::borrow::Cow;

/// Why a tag has no long form.
pub enum TagError {
    /// Not a tag of this language; the message names it.
    Unknown(String),
}

/// Parses `file`, turning each local tag `!Name` into a mapping under
/// `long_form(Name)`. Core-schema tags (`!!str`) are refused like unknown ones.
pub fn parse_tagged<'t>(
    file: &'t SourceFile,
    long_form: &dyn Fn(&str) -> Result<&'static str, TagError>,
) -> Result<Node<'t>, Box<Diagnostic>> {
    if file.text.len() > MAX_BYTES {
        return super::parse(file);
    }
    let text: &'t str = &file.text;
    let mut builder = Builder::new();
    let mut documents = 0;
    let refuse = |span: Span, message: String| {
        Err(Box::new(
            Diagnostic::error("yaml::unsupported", message).at(file, span),
        ))
    };
    for item in Parser::with_options(StrInput::new(text), parser_options()) {
        let Ok((event, place)) = item else {
            // serde-saphyr words syntax errors best; it finds the same one
            return super::saphyr::parse(file)
                .and_then(|_| refuse(Span::default(), "the file is not valid YAML".to_string()));
        };
        let span = {
            let start = place.start.byte_offset().unwrap_or(0);
            let end = place.end.byte_offset().unwrap_or(start);
            Span::new(start, end.min(text.len()))
        };
        let tag_key =
            |tag: &Option<Cow<'_, Tag>>| -> Result<Option<(Cow<'t, str>, Span)>, Box<Diagnostic>> {
                let Some(tag) = tag else { return Ok(None) };
                let name = if tag.handle() == "!" {
                    tag.suffix().to_string()
                } else {
                    format!("{}{}", tag.original_handle(), tag.suffix())
                };
                let at = tag_span(text, span, &name);
                match long_form(&name) {
                    Ok(key) if tag.handle() == "!" => Ok(Some((Cow::Borrowed(key), at))),
                    Ok(_) | Err(TagError::Unknown(_)) => {
                        let message = match long_form(&name) {
                            Err(TagError::Unknown(message)) => message,
                            Ok(_) => format!("unknown tag `!{name}`"),
                        };
                        Err(Box::new(
                            Diagnostic::error("yaml::unknown-tag", message).at(file, at),
                        ))
                    }
                }
            };
        let accepted = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => Some(()),
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return refuse(span, "a template holds one YAML document".to_string());
                }
                Some(())
            }
            Event::Scalar(value, style, anchor, tag) => match tag_key(&tag)? {
                Some((key, at)) => builder.tagged_scalar(key, value, at, span, anchor),
                None if anchor != 0 => builder.anchored_scalar(value, style, span, anchor),
                None => builder.scalar(value, style, span),
            },
            Event::SequenceStart(_, anchor, tag) => {
                let wrap = tag_key(&tag)?;
                builder.open_tagged(span, false, wrap, anchor)
            }
            Event::MappingStart(_, anchor, tag) => {
                let wrap = tag_key(&tag)?;
                builder.open_tagged(span, true, wrap, anchor)
            }
            Event::SequenceEnd => builder.close(false),
            Event::MappingEnd => builder.close(true),
            Event::Alias(anchor) => builder.alias(anchor, span),
            _ => Some(()),
        };
        if accepted.is_none() {
            return refuse(
                span,
                "unsupported YAML here: a merge key (`<<`), a null, tagged or collection mapping key, nesting deeper than 48 levels, or too many nodes".to_string(),
            );
        }
    }
    match builder.finish() {
        Some(node) => Ok(node),
        None => refuse(
            Span::default(),
            "the file holds no YAML document".to_string(),
        ),
    }
}

/// The tag as written (`!GetAtt`) just before `node`, if it is there (a
/// tag's properties may sit up to a short way before its node); else the node.
fn tag_span(text: &str, node: Span, name: &str) -> Span {
    const WINDOW: usize = 256;
    let start = node.start as usize;
    let mut from = start.saturating_sub(WINDOW);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = text.get(from..start).unwrap_or("");
    let written = format!("!{name}");
    match before.rfind(&written) {
        Some(at) if before[at + written.len()..].trim().is_empty() => {
            Span::new(from + at, from + at + written.len())
        }
        _ => node,
    }
}
