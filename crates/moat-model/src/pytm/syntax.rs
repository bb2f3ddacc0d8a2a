//! Python syntax errors as diagnostics, in Moat's wording.

use super::reader::code;
use crate::diag::Diagnostic;
use crate::span::{SourceFile, Span};
use rustpython_parser::{ParseError, ParseErrorType, Tok};

pub(super) fn syntax_error(file: &SourceFile, error: &ParseError) -> Diagnostic {
    let offset = error.offset.to_usize().min(file.text.len());
    let message = format!("python syntax error: {}", describe(&error.error));
    Diagnostic::error(code::SYNTAX, message).at(file, Span::new(offset, offset))
}

fn describe(error: &ParseErrorType) -> String {
    match error {
        ParseErrorType::Eof => "unexpected end of file".to_string(),
        ParseErrorType::InvalidToken => "invalid token".to_string(),
        ParseErrorType::ExtraToken(tok) => format!("unexpected {}", token(tok)),
        ParseErrorType::UnrecognizedToken(Tok::Indent, _) => "unexpected indent".to_string(),
        ParseErrorType::UnrecognizedToken(_, Some(expected)) if expected == "Indent" => {
            "expected an indented block".to_string()
        }
        ParseErrorType::UnrecognizedToken(tok, _) => format!("unexpected {}", token(tok)),
        ParseErrorType::Lexical(lexical) => sentence_case(&lexical.to_string()),
    }
}

/// A token as a message names it: `)`, `foo`, "a string", "end of line".
fn token(tok: &Tok) -> String {
    match tok {
        Tok::Newline => "end of line".to_string(),
        Tok::Indent => "indent".to_string(),
        Tok::Dedent => "dedent".to_string(),
        Tok::EndOfFile => "end of file".to_string(),
        Tok::String { .. } => "a string".to_string(),
        other => {
            let text = other.to_string();
            let bare = text
                .strip_prefix('\'')
                .and_then(|t| t.strip_suffix('\''))
                .unwrap_or(&text);
            format!("`{bare}`")
        }
    }
}

/// The parser's own messages start with a capital and may end in a period.
fn sentence_case(message: &str) -> String {
    let message = message.trim_end_matches('.');
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
