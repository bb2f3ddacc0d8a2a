//! Strict JSON syntax errors, located: readers of JSON formats hold their
//! files to JSON, not to the laxer YAML the node tree is parsed as.

/// The first JSON syntax error in `file`, located at serde_json's line and
/// column (for readers of JSON formats, which hold files to strict JSON).
pub fn json_syntax_error(file: &crate::SourceFile) -> Option<crate::Diagnostic> {
    let error = serde_json::from_str::<serde::de::IgnoredAny>(&file.text).err()?;
    let offset = file.offset(error.line().max(1), error.column().max(1));
    let message = error.to_string();
    // serde_json appends the place; the diagnostic carries it
    let message = match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_string(),
        None => message,
    };
    Some(crate::Diagnostic::error("json::syntax", message).at(
        file,
        crate::Span::new(offset, offset.saturating_add(1).min(file.text.len())),
    ))
}
