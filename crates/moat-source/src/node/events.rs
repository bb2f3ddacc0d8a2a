//! A fast reader for any plain document: the YAML parser serde-saphyr uses,
//! with the options serde-saphyr gives it, its events fed straight to the
//! tree builder. Anchors, aliases, tags, directives, several documents and
//! syntax errors are left to serde-saphyr.

use super::MAX_DEPTH;
use super::tree::Sink;
use crate::span::Span;
use serde_saphyr::granit_parser::{Event, Options, Parser, StrInput};

/// Feeds the events of `text` to `sink`; `None` if serde-saphyr must read it.
pub(super) fn read<'t>(text: &'t str, sink: &mut impl Sink<'t>) -> Option<()> {
    let mut documents = 0;
    for item in Parser::with_options(StrInput::new(text), parser_options()) {
        let (event, place) = item.ok()?;
        let span = || {
            let start = place.start.byte_offset()?;
            let len = place.end.byte_offset()?.saturating_sub(start);
            Some(Span::new(start, start.saturating_add(len).min(text.len())))
        };
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart(_, version) => {
                documents += 1;
                if documents > 1 || version.is_some() {
                    return None;
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                sink.scalar(value, style, span()?)?;
            }
            Event::SequenceStart(_, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                sink.open(span()?, false)?;
            }
            Event::MappingStart(_, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                sink.open(span()?, true)?;
            }
            Event::SequenceEnd => sink.close(false)?,
            Event::MappingEnd => sink.close(true)?,
            _ => return None,
        }
    }
    Some(())
}

/// The parser options serde-saphyr derives from [`super::options`].
pub(super) fn parser_options() -> Options {
    let mut options = Options::default();
    options.flow_nesting_limit = MAX_DEPTH;
    options.block_nesting_limit = options.block_nesting_limit.max(MAX_DEPTH + 1);
    options.emit_comments = false;
    options
}
