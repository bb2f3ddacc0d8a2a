//! What every HTML page shares: one minijinja environment whose formatter
//! HTML-escapes every value, strict about undefined values, with the prose
//! filters of [`crate::prose`] (`prose`, `inline`, `url`) as the only way
//! text becomes markup.

use crate::prose;
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};

/// An environment for the embedded HTML templates.
pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    // macros' output is markup: with escaping on, minijinja marks it safe
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_formatter(|out, _state, value| {
        if value.is_undefined() {
            return Err(Error::from(ErrorKind::UndefinedError));
        }
        if value.is_none() {
            return Ok(());
        }
        if value.is_safe() {
            out.write_str(value.as_str().unwrap_or_default())?;
        } else {
            out.write_str(&prose::esc(&value.to_string()))?;
        }
        Ok(())
    });
    env.add_filter("prose", |text: String| {
        Value::from_safe_string(prose::prose(&text))
    });
    env.add_filter("inline", |text: String| {
        Value::from_safe_string(prose::inline(&text))
    });
    env.add_filter("url", |text: String| {
        Value::from_safe_string(prose::url(&text))
    });
    env
}

/// The page shown when an embedded template fails (a bug: they are tested).
pub(crate) fn error_page(what: &str, error: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>error</title>\n</head>\n<body>\n<p>{} could not be rendered: {}</p>\n</body>\n</html>\n",
        prose::esc(what),
        prose::esc(error)
    )
}
