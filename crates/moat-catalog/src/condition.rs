//! Compiling a threat's `applies_when` and checking it against the view schema
//! of every kind the threat applies to.

use crate::type_check;
use crate::types::TargetKind;
use moat_model::SourceFile;

/// Why a condition was rejected, with where inside the condition text.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionError {
    pub message: String,
    /// Byte offset inside the condition, when the error has a position.
    pub offset: Option<usize>,
}

/// Compiles `source` and checks it for each of `kinds`; the first problem found
/// wins. With no kinds only the syntax is checked.
pub fn compile_checked(source: &str, kinds: &[TargetKind]) -> Result<cel::Program, ConditionError> {
    if source.trim().is_empty() {
        return Err(ConditionError {
            message: "the condition is empty".to_string(),
            offset: None,
        });
    }
    let program = cel::Program::compile(source).map_err(|errors| parse_error(source, &errors))?;
    let mut seen: Vec<TargetKind> = Vec::new();
    for &kind in kinds {
        if seen.contains(&kind) {
            continue;
        }
        seen.push(kind);
        type_check::check(program.expression(), kind).map_err(|e| ConditionError {
            message: e.message,
            offset: program
                .source_info()
                .offset_for(e.expr_id)
                .map(|(start, _)| node_start(source, char_to_byte(source, start as usize))),
        })?;
    }
    Ok(program)
}

/// Compiles `expr` and checks that every variable, attribute and operator it
/// uses exists with a fitting type for every kind in `kinds`.
pub fn check_condition(expr: &str, kinds: &[TargetKind]) -> Result<cel::Program, String> {
    compile_checked(expr, kinds).map_err(|e| e.message)
}

fn parse_error(source: &str, errors: &cel::ParseErrors) -> ConditionError {
    let Some(first) = errors.errors.first() else {
        return ConditionError {
            message: "cannot parse the condition".to_string(),
            offset: None,
        };
    };
    let (line, col) = first.pos;
    let line = usize::try_from(line).unwrap_or(0).max(1);
    let col = usize::try_from(col).unwrap_or(0).max(1);
    let position = if source.contains('\n') {
        format!("line {line}, column {col}")
    } else {
        format!("column {col}")
    };
    let offset = SourceFile::new("", source).offset(line, col);
    ConditionError {
        message: format!(
            "syntax error at {position} of the condition: {}",
            explain_parse_message(&first.msg)
        ),
        offset: Some(offset),
    }
}

/// ANTLR's messages, shortened and put in Moat's style.
fn explain_parse_message(message: &str) -> String {
    let message = message.strip_prefix("Syntax error: ").unwrap_or(message);
    let quoted = |rest: &str| -> Option<String> {
        let rest = rest.strip_prefix('\'')?;
        let end = rest.find('\'')?;
        rest.get(..end).map(str::to_string)
    };
    if message.starts_with("mismatched input '<EOF>'") || message.contains("at input '<EOF>'") {
        return "unexpected end of the condition".to_string();
    }
    if let Some((token, at)) = message
        .strip_prefix("missing ")
        .and_then(|rest| rest.split_once(" at "))
    {
        let token = token.trim_matches('\'');
        let at = at.trim_matches('\'');
        return if at == "<EOF>" {
            format!("missing `{token}` at the end of the condition")
        } else {
            format!("missing `{token}` before `{at}`")
        };
    }
    for prefix in [
        "mismatched input ",
        "extraneous input ",
        "no viable alternative at input ",
    ] {
        if let Some(token) = message.strip_prefix(prefix).and_then(quoted) {
            return format!("unexpected `{token}`");
        }
    }
    if let Some(rest) = message.strip_prefix("token recognition error at: ") {
        // ANTLR quotes the offending text: `''a'` is the unterminated string `'a`
        let token = rest
            .strip_prefix('\'')
            .and_then(|r| r.strip_suffix('\''))
            .unwrap_or(rest);
        if token.starts_with(['\'', '"']) {
            return "unterminated string".to_string();
        }
        return format!("unexpected character `{}`", token.trim());
    }
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "cannot parse the condition".to_string(),
    }
}

/// CEL places a selection at its dot and a call at its parenthesis; users
/// look for the attribute or function name, so point there instead.
fn node_start(source: &str, offset: usize) -> usize {
    let rest = source.get(offset..).unwrap_or("");
    if rest.starts_with('.') {
        return offset + 1;
    }
    if rest.starts_with('(') {
        let before = source.get(..offset).unwrap_or("");
        let name_len: usize = before
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum();
        return offset - name_len;
    }
    offset
}

/// CEL reports offsets in characters; diagnostics need bytes.
fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map(|(i, _)| i)
        .unwrap_or(text.len())
}
