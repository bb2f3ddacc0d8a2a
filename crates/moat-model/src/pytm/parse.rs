//! Parsing one piece of a script: simple statements by `quick`, runs of
//! other statements by rustpython, each run up to the next cut point (where
//! rustpython may stop, see `pieces`).

use super::quick;
use rustpython_parser::ast::{Mod, Stmt};
use rustpython_parser::text_size::TextSize;
use rustpython_parser::{Mode, ParseError};
use std::ops::Range;

/// The statements of `piece` of `text`, or `None` if it does not parse:
/// the caller then parses the whole script, for the error the whole script
/// gives. `cut_points` are in order.
pub(super) fn piece(
    text: &str,
    name: &str,
    piece: Range<usize>,
    cut_points: &[usize],
) -> Option<Vec<Stmt>> {
    let mut body = Vec::new();
    let mut pos = piece.start;
    // where the statements left to rustpython start
    let mut run: Option<usize> = None;
    while pos < piece.end {
        match quick::statement(text, pos, piece.end) {
            Some(parsed) => {
                if let Some(start) = run.take() {
                    body.extend(parse_run(text, name, start..pos)?);
                }
                body.extend(parsed.statement);
                pos = parsed.next;
            }
            None => {
                run.get_or_insert(pos);
                let next_cut = cut_points.partition_point(|&cut| cut <= pos);
                pos = cut_points
                    .get(next_cut)
                    .copied()
                    .filter(|&cut| cut < piece.end)
                    .unwrap_or(piece.end);
            }
        }
    }
    if let Some(start) = run {
        body.extend(parse_run(text, name, start..piece.end)?);
    }
    Some(body)
}

/// Statements from `range` of `text` (named `name`) by rustpython.
fn parse_run(text: &str, name: &str, range: Range<usize>) -> Option<Vec<Stmt>> {
    let offset = TextSize::try_from(range.start).ok()?;
    match parse_at(text.get(range)?, offset, name) {
        Ok(Mod::Module(module)) => Some(module.body),
        _ => None,
    }
}

/// Parses `text`, which starts at `offset` in its file.
fn parse_at(text: &str, offset: TextSize, name: &str) -> Result<Mod, ParseError> {
    rustpython_parser::parse_starts_at(text, Mode::Module, name, offset)
}
