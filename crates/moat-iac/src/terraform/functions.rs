//! Terraform's built-in functions that S3 configurations use to build
//! names, ARNs and policies. A function Moat does not evaluate gives an
//! unknown value naming it, never a guess.

use super::eval::{ModuleEval, Scope};
use super::values::{self, Val, is_unknown, text};
use crate::node_util::{entries, items, unknown_reason};
use hcl_edit::expr::Expression;
use moat_source::Span;
use moat_source::node::NodeValue;

/// `try` and `can`, which look at their arguments before evaluating them all.
pub fn lazy(
    eval: &ModuleEval<'_>,
    name: &str,
    args: &[&Expression],
    base: usize,
    scope: &Scope,
    span: Span,
) -> Val {
    if name == "can" {
        return match args.first().map(|a| eval.eval(a, base, scope)) {
            Some(v) if crate::node_util::first_unknown(&v).is_none() => values::boolean(true, span),
            Some(v) => values::unknown(
                format!(
                    "`can` of a value not known: {}",
                    crate::node_util::first_unknown(&v)
                        .map(|u| u.0)
                        .unwrap_or_default()
                ),
                span,
            ),
            None => values::unknown("`can` without an argument", span),
        };
    }
    // try: the first argument that is known (an error in Terraform and an
    // unknown here look alike, so this is the closest static reading)
    let mut first = None;
    for a in args {
        let v = eval.eval(a, base, scope);
        if crate::node_util::first_unknown(&v).is_none() {
            return v;
        }
        first.get_or_insert(v);
    }
    first.unwrap_or_else(|| values::unknown("`try` without an argument", span))
}

pub fn call(eval: &ModuleEval<'_>, name: &str, args: Vec<Val>, span: Span) -> Val {
    // functions that pass unknowns through on their own terms
    match name {
        "jsonencode" => {
            return match args.into_iter().next() {
                // kept as a structure: a policy built with jsonencode is
                // read with the place of each value
                Some(v) => Val {
                    span,
                    defined: span,
                    ..v
                },
                None => values::unknown("`jsonencode` without an argument", span),
            };
        }
        "coalesce" => {
            for a in &args {
                if is_unknown(a) {
                    return values::unknown(unknown_reason(a).unwrap_or_default(), span);
                }
                if !matches!(a.value, NodeValue::Null) && text(a).is_none_or(|t| !t.is_empty()) {
                    return a.clone();
                }
            }
            return values::unknown("`coalesce` of only null or empty values", span);
        }
        "merge" => return merge(&args, span),
        "concat" => {
            let mut out = Vec::new();
            for a in &args {
                match super::eval::list_of(a) {
                    Ok(list) => out.extend(list.iter().cloned()),
                    Err(r) => return values::unknown(r, span),
                }
            }
            return values::seq(out, span);
        }
        // a placeholder replaced inside a policy document built as a
        // structure: each string of it, keeping their places
        "replace"
            if args
                .first()
                .is_some_and(|a| matches!(a.value, NodeValue::Map(_) | NodeValue::Seq(_))) =>
        {
            return match (args.get(1).and_then(text), args.get(2)) {
                (Some(from), Some(to)) if !(from.starts_with('/') && from.ends_with('/')) => {
                    match text(to) {
                        Some(to) => replace_within(&args[0], &from, &to),
                        None => values::unknown(
                            format!(
                                "`replace`: {}",
                                unknown_reason(to).unwrap_or("the replacement is not a string")
                            ),
                            span,
                        ),
                    }
                }
                _ => values::unknown(
                    "`replace` of a structure with a pattern Moat does not evaluate",
                    span,
                ),
            };
        }
        "tolist" | "toset" | "tomap" | "sensitive" | "nonsensitive" => {
            return args
                .into_iter()
                .next()
                .unwrap_or_else(|| values::null(span));
        }
        _ => {}
    }
    if let Some(u) = args
        .iter()
        .find_map(|a| unknown_reason(a).map(str::to_string))
    {
        return values::unknown(u, span);
    }
    let s = |i: usize| args.get(i).and_then(text);
    let unknown = |why: &str| values::unknown(format!("`{name}`: {why}"), span);
    match name {
        "format" => match s(0) {
            Some(f) => format(&f, &args[1..], span),
            None => unknown("the format is not a string"),
        },
        "join" => match (s(0), args.get(1)) {
            (Some(sep), Some(list)) => {
                let parts: Option<Vec<String>> = items(list).iter().map(text).collect();
                match parts {
                    Some(p) => values::str(p.join(&sep), span),
                    None => unknown("a list item is not a string"),
                }
            }
            _ => unknown("expects a separator and a list"),
        },
        "split" => match (s(0), s(1)) {
            (Some(sep), Some(t)) => values::seq(
                t.split(sep.as_str())
                    .map(|p| values::str(p, span))
                    .collect(),
                span,
            ),
            _ => unknown("expects a separator and a string"),
        },
        "lookup" => match (args.first(), s(1)) {
            (Some(m), Some(k)) => match crate::node_util::get(m, &k) {
                Some(v) => v.clone(),
                None => args
                    .get(2)
                    .cloned()
                    .unwrap_or_else(|| unknown(&format!("no key `{k}`"))),
            },
            _ => unknown("expects a map and a key"),
        },
        "element" => match (args.first(), args.get(1).and_then(values::number)) {
            (Some(list), Some(i)) if !items(list).is_empty() => {
                let l = items(list);
                l[(i as usize) % l.len()].clone()
            }
            _ => unknown("expects a non-empty list and an index"),
        },
        "length" => match args.first().map(|a| &a.value) {
            Some(NodeValue::Seq(l)) => values::from_number(l.len() as f64, span),
            Some(NodeValue::Map(m)) => values::from_number(m.len() as f64, span),
            Some(NodeValue::Str(t)) => values::from_number(t.chars().count() as f64, span),
            _ => unknown("expects a collection or a string"),
        },
        "keys" | "values" => match args.first() {
            Some(m) => values::seq(
                entries(m)
                    .iter()
                    .map(|(k, v)| if name == "keys" { k.clone() } else { v.clone() })
                    .collect(),
                span,
            ),
            None => unknown("expects a map"),
        },
        "contains" => match (args.first(), args.get(1)) {
            (Some(list), Some(v)) => {
                values::boolean(items(list).iter().any(|x| values::same(x, v)), span)
            }
            _ => unknown("expects a list and a value"),
        },
        "distinct" | "compact" | "flatten" | "reverse" | "sort" => {
            let Some(list) = args.first() else {
                return unknown("expects a list");
            };
            let mut out: Vec<Val> = Vec::new();
            for x in items(list) {
                match name {
                    "distinct" if out.iter().any(|o| values::same(o, x)) => {}
                    "compact" if text(x).is_none_or(|t| t.is_empty()) => {}
                    "flatten" if matches!(x.value, NodeValue::Seq(_)) => {
                        out.extend(items(x).iter().cloned())
                    }
                    _ => out.push(x.clone()),
                }
            }
            if name == "reverse" {
                out.reverse();
            }
            if name == "sort" {
                out.sort_by_key(|v| text(v).unwrap_or_default());
            }
            values::seq(out, span)
        }
        "zipmap" => match (args.first(), args.get(1)) {
            (Some(k), Some(v)) => values::map(
                items(k)
                    .iter()
                    .zip(items(v))
                    .filter_map(|(k, v)| Some((text(k)?, v.clone())))
                    .collect(),
                span,
            ),
            _ => unknown("expects two lists"),
        },
        "range" => {
            let n: Vec<f64> = args.iter().filter_map(values::number).collect();
            let (start, end, step) = match n.as_slice() {
                [e] => (0.0, *e, 1.0),
                [s, e] => (*s, *e, 1.0),
                [s, e, st] => (*s, *e, *st),
                _ => return unknown("expects one to three numbers"),
            };
            if step == 0.0 || ((end - start) / step) > 1024.0 {
                return unknown("the range is too long to expand");
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                out.push(values::from_number(x, span));
                x += step;
            }
            values::seq(out, span)
        }
        "one" => match args.first().map(items) {
            Some([]) => values::null(span),
            Some([x]) => x.clone(),
            _ => unknown("expects a list of at most one item"),
        },
        "lower" | "upper" | "trimspace" | "title" => match s(0) {
            Some(t) => values::str(
                match name {
                    "lower" => t.to_lowercase(),
                    "upper" => t.to_uppercase(),
                    "trimspace" => t.trim().to_string(),
                    _ => t,
                },
                span,
            ),
            None => unknown("expects a string"),
        },
        "replace" => match (s(0), s(1), s(2)) {
            (Some(t), Some(from), Some(to))
                if !(from.starts_with('/') && from.ends_with('/') && from.len() > 1) =>
            {
                values::str(t.replace(&from, &to), span)
            }
            (Some(_), Some(_), Some(_)) => {
                unknown("regular-expression replacement is not evaluated")
            }
            _ => unknown("expects three strings"),
        },
        "trimprefix" | "trimsuffix" => match (s(0), s(1)) {
            (Some(t), Some(p)) => values::str(
                if name == "trimprefix" {
                    t.strip_prefix(p.as_str()).unwrap_or(&t).to_string()
                } else {
                    t.strip_suffix(p.as_str()).unwrap_or(&t).to_string()
                },
                span,
            ),
            _ => unknown("expects two strings"),
        },
        "startswith" | "endswith" => match (s(0), s(1)) {
            (Some(t), Some(p)) => values::boolean(
                if name == "startswith" {
                    t.starts_with(&p)
                } else {
                    t.ends_with(&p)
                },
                span,
            ),
            _ => unknown("expects two strings"),
        },
        "tostring" => match s(0) {
            Some(t) => values::str(t, span),
            None => unknown("expects a primitive value"),
        },
        "tonumber" => match args.first().and_then(values::number) {
            Some(n) => values::from_number(n, span),
            None => unknown("expects a number"),
        },
        "tobool" => match args.first().and_then(values::truth) {
            Some(b) => values::boolean(b, span),
            None => unknown("expects a boolean"),
        },
        "min" | "max" => {
            let n: Vec<f64> = args.iter().filter_map(values::number).collect();
            if n.is_empty() || n.len() != args.len() {
                return unknown("expects numbers");
            }
            let pick = if name == "min" {
                n.iter().copied().fold(f64::INFINITY, f64::min)
            } else {
                n.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            };
            values::from_number(pick, span)
        }
        "jsondecode" => match s(0) {
            Some(t) => {
                values::from_json_text(&t, span, None).unwrap_or_else(|| unknown("not valid JSON"))
            }
            None => unknown("expects a string"),
        },
        "file" => match s(0) {
            Some(p) => read_file(eval, &p, span),
            None => unknown("expects a path"),
        },
        "templatefile" => match (s(0), args.get(1)) {
            (Some(p), Some(vars)) => {
                let file = read_file(eval, &p, span);
                match text(&file) {
                    Some(t) => eval.render_template(&t, vars, span),
                    None => file,
                }
            }
            _ => unknown("expects a path and an object of variables"),
        },
        "abspath" | "dirname" | "basename" | "pathexpand" => match s(0) {
            Some(p) => {
                let path = std::path::Path::new(&p);
                let out = match name {
                    "dirname" => path
                        .parent()
                        .map(|d| d.display().to_string())
                        .unwrap_or_default(),
                    "basename" => path
                        .file_name()
                        .map(|d| d.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    _ => p.clone(),
                };
                values::str(out, span)
            }
            None => unknown("expects a path"),
        },
        _ => values::unknown(format!("function `{name}` is not evaluated by Moat"), span),
    }
}

fn replace_within(v: &Val, from: &str, to: &str) -> Val {
    let value = match &v.value {
        NodeValue::Str(s) if unknown_reason(v).is_none() => {
            NodeValue::Str(s.replace(from, to).into())
        }
        NodeValue::Seq(items) => {
            NodeValue::Seq(items.iter().map(|i| replace_within(i, from, to)).collect())
        }
        NodeValue::Map(entries) => NodeValue::Map(
            entries
                .iter()
                .map(|(k, x)| (k.clone(), replace_within(x, from, to)))
                .collect(),
        ),
        other => other.clone(),
    };
    Val { value, ..v.clone() }
}

fn merge(args: &[Val], span: Span) -> Val {
    let mut out: Vec<(Val, Val)> = Vec::new();
    for a in args {
        if let Some(r) = unknown_reason(a) {
            return values::unknown(r, span);
        }
        for (k, v) in entries(a) {
            match out.iter_mut().find(|(ek, _)| text(ek) == text(k)) {
                Some(slot) => slot.1 = v.clone(),
                None => out.push((k.clone(), v.clone())),
            }
        }
    }
    values::node(NodeValue::Map(out), span)
}

/// `format` with the verbs configurations use (`%s`, `%d`, `%v`, `%q`, `%%`).
fn format(f: &str, args: &[Val], span: Span) -> Val {
    let mut out = String::new();
    let mut next = args.iter();
    let mut chars = f.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // flags and width are rare in names and ARNs: skip digits
        while chars
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        {
            chars.next();
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s' | 'd' | 'v' | 'f' | 't') => match next.next().and_then(text) {
                Some(t) => out.push_str(&t),
                None => {
                    return values::unknown(
                        "`format`: an argument is missing or not a primitive",
                        span,
                    );
                }
            },
            Some('q') => match next.next().and_then(text) {
                Some(t) => out.push_str(&format!("{t:?}")),
                None => return values::unknown("`format`: an argument is missing", span),
            },
            _ => return values::unknown("`format`: a verb Moat does not evaluate", span),
        }
    }
    values::str(out, span)
}

/// `file(path)`: the text of a file beside the module (policies are often
/// kept in `.json` files).
fn read_file(eval: &ModuleEval<'_>, path: &str, span: Span) -> Val {
    let p = std::path::Path::new(path);
    // `path.module` gives the module's directory as read, so a path that
    // starts with it is already complete
    let full = if p.is_absolute() || p.starts_with(eval.module_dir()) {
        p.to_path_buf()
    } else {
        eval.module_dir().join(p)
    };
    match moat_source::input::read_text_limited(&full, crate::scan::MAX_FILE_BYTES) {
        Ok(t) => values::str(t, span),
        Err(d) => values::unknown(format!("`file(\"{path}\")`: {}", d.message), span),
    }
}
