//! Rendering minijinja templates (the embedded Markdown report and users' own)
//! over the context of [`crate::context`], with strict undefined behaviour and
//! Moat's filters (docs/templates.md).

use crate::context::{self, kind_label, severity_label};
use crate::error::ReportError;
use crate::markdown_escape::{md_code, md_escape, md_link, md_text};
use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};
use moat_catalog::{Severity, Stride};
use moat_engine::Assessment;

pub(crate) fn render(
    a: &Assessment,
    name: &str,
    source: &str,
    options: &crate::Options,
) -> Result<String, ReportError> {
    let context = context::build(a, options)?;
    let env = environment();
    let template = env
        .template_from_named_str(name, source)
        .map_err(|e| report_error(&e, source, &[]))?;
    template.render(&context).map_err(|e| {
        let globals: Vec<&str> = env.globals().map(|(name, _)| name).collect();
        let unknown = unknown_variables(&template, &context, &globals);
        report_error(&e, source, &unknown)
    })
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Block tags on lines of their own leave no blank lines behind, so
    // templates can be indented for reading without changing the output.
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.add_filter("md_escape", |v: Value| text(&v).map(|t| md_escape(&t)));
    env.add_filter("md_text", |v: Value| text(&v).map(|t| md_text(&t)));
    env.add_filter("md_code", md_code_filter);
    env.add_filter("md_link", |v: Value| text(&v).map(|t| md_link(&t)));
    env.add_filter("severity_badge", |v: Value| {
        let name = text(&v)?;
        Ok(match Severity::parse(&name) {
            Some(s) => format!("{} {}", severity_icon(s), severity_label(s)),
            None => md_escape(&name),
        })
    });
    env.add_filter("severity_label", |v: Value| {
        let name = text(&v)?;
        Ok(Severity::parse(&name).map_or(name, |s| severity_label(s).to_string()))
    });
    env.add_filter("stride_label", |v: Value| {
        let name = text(&v)?;
        Ok(Stride::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .map_or(name, |s| s.label().to_string()))
    });
    env.add_filter("kind_label", |v: Value| text(&v).map(|t| kind_label(&t)));
    env.add_filter("first_sentence", |v: Value| {
        text(&v).map(|t| crate::wrap::first_sentence(&t).to_string())
    });
    env.set_formatter(|out, state, value| {
        // A custom formatter replaces the built-in undefined check; keep it.
        if value.is_undefined() {
            return Err(Error::from(ErrorKind::UndefinedError));
        }
        // `none` (a field that is not set) prints as nothing, not as "none".
        if value.is_none() {
            return Ok(());
        }
        minijinja::escape_formatter(out, state, value)
    });
    env
}

/// Filters templates can use: Moat's, then minijinja's built-ins (for "did you mean").
const FILTERS: &[&str] = &[
    "first_sentence",
    "md_escape",
    "md_text",
    "md_code",
    "md_link",
    "severity_badge",
    "severity_label",
    "stride_label",
    "kind_label",
    "abs",
    "attr",
    "batch",
    "bool",
    "capitalize",
    "count",
    "default",
    "dictsort",
    "escape",
    "first",
    "float",
    "groupby",
    "indent",
    "int",
    "items",
    "join",
    "last",
    "length",
    "lines",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "pprint",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "safe",
    "select",
    "selectattr",
    "slice",
    "sort",
    "split",
    "string",
    "sum",
    "title",
    "tojson",
    "trim",
    "unique",
    "upper",
];

/// A value as text for a filter: `none` is empty, strings are themselves.
/// Undefined is an error here too, or a misspelt name piped through a filter
/// would print as nothing.
fn text(value: &Value) -> Result<String, Error> {
    if value.is_undefined() {
        Err(Error::from(ErrorKind::UndefinedError))
    } else if value.is_none() {
        Ok(String::new())
    } else if let Some(s) = value.as_str() {
        Ok(s.to_string())
    } else {
        Ok(value.to_string())
    }
}

/// `{{ x | md_code }}`, or `{{ x | md_code(table=true) }}` inside a table cell.
fn md_code_filter(value: Value, kwargs: Kwargs) -> Result<String, Error> {
    let in_table: Option<bool> = kwargs.get("table")?;
    kwargs.assert_all_used()?;
    Ok(md_code(&text(&value)?, in_table.unwrap_or(false)))
}

fn severity_icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "🔴",
        Severity::High => "🟠",
        Severity::Medium => "🟡",
        Severity::Low => "🔵",
        Severity::Info => "⚪",
    }
}

/// A variable path the template reads that the context does not have.
struct UnknownVariable {
    path: String,
    hint: Option<String>,
}

/// The dotted paths the template reads from the context (not loop variables
/// or its own `set`s) that do not resolve, each with the closest existing name.
fn unknown_variables(
    template: &minijinja::Template<'_, '_>,
    context: &Value,
    globals: &[&str],
) -> Vec<UnknownVariable> {
    let mut paths: Vec<String> = template.undeclared_variables(true).into_iter().collect();
    paths.sort();
    paths
        .into_iter()
        .filter(|path| {
            let head = path.split('.').next().unwrap_or("");
            !globals.contains(&head)
        })
        .filter_map(|path| {
            let mut scope = context.clone();
            for part in path.split('.') {
                if scope.kind() != ValueKind::Map {
                    return None;
                }
                match scope.get_attr(part) {
                    Ok(next) if !next.is_undefined() => scope = next,
                    _ => {
                        let names: Vec<String> = scope
                            .try_iter()
                            .map(|keys| {
                                keys.filter_map(|k| k.as_str().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default();
                        let hint =
                            moat_source::diag::did_you_mean(part, names.iter().map(String::as_str));
                        return Some(UnknownVariable { path, hint });
                    }
                }
            }
            None
        })
        .collect()
}

/// A minijinja error as a [`ReportError`]: what went wrong, in which
/// expression, and for a misspelt name the one that was probably meant.
fn report_error(error: &Error, source: &str, unknown: &[UnknownVariable]) -> ReportError {
    let line = error.line();
    let line_text = line
        .and_then(|n| source.lines().nth(n.saturating_sub(1)))
        .unwrap_or("");
    let expression = error
        .range()
        .and_then(|r| source.get(r))
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.contains('\n'));
    let with_hint = |mut message: String, hint: Option<String>| {
        if let Some(hint) = hint {
            message.push_str(", ");
            message.push_str(&hint);
        }
        message
    };

    let specific = match (error.kind(), expression) {
        (ErrorKind::UnknownFilter, Some(name)) => Some(with_hint(
            format!("unknown filter `{name}`"),
            moat_source::diag::did_you_mean(name, FILTERS.iter().copied()),
        )),
        (ErrorKind::UnknownTest, Some(name)) => Some(format!("unknown test `{name}`")),
        _ => unknown
            .iter()
            .find(|v| line_text.contains(v.path.as_str()))
            .map(|v| with_hint(format!("undefined variable `{}`", v.path), v.hint.clone())),
    };
    let message = specific.unwrap_or_else(|| {
        let mut message = error.kind().to_string();
        if let Some(detail) = error.detail() {
            message.push_str(": ");
            message.push_str(detail);
        }
        if let Some(expression) = expression {
            message.push_str(&format!(" in `{expression}`"));
        }
        message
    });
    ReportError { message, line }
}
