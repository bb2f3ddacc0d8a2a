//! The `aws_iam_policy_document` data source as the JSON document it
//! renders, each value keeping the place it is written in HCL, and policy
//! arguments written as JSON strings (heredocs, `file()`) read as documents.

use super::values::{self, Val, text};
use crate::node_util::{get, items, unknown_reason};
use moat_source::node::NodeValue;
use moat_source::{SourceFile, Span};

/// The document an `aws_iam_policy_document`'s arguments render
/// (Terraform AWS provider documentation, data source
/// `aws_iam_policy_document`: `statement` blocks with `sid`, `effect`
/// (default `Allow`), `actions`, `not_actions`, `resources`,
/// `not_resources`, `principals`, `not_principals` and `condition`;
/// `source_policy_documents` first, `override_policy_documents` replacing
/// statements with the same `sid`).
pub fn build(attrs: &Val, span: Span) -> Val {
    let mut statements: Vec<Val> = Vec::new();
    for key in ["source_policy_documents", "source_json"] {
        for doc in list_or_one(get(attrs, key)) {
            if let Some(u) = unknown_reason(&doc) {
                return values::unknown(u, doc.span);
            }
            if let Some(d) = as_document(&doc) {
                statements.extend(statement_list(&d));
            }
        }
    }
    for s in get(attrs, "statement").map(items).unwrap_or_default() {
        statements.push(statement(s));
    }
    for key in ["override_policy_documents", "override_json"] {
        for doc in list_or_one(get(attrs, key)) {
            if let Some(u) = unknown_reason(&doc) {
                return values::unknown(u, doc.span);
            }
            let Some(d) = as_document(&doc) else { continue };
            for o in statement_list(&d) {
                let sid = get(&o, "Sid").and_then(text);
                match statements
                    .iter_mut()
                    .find(|s| sid.is_some() && get(s, "Sid").and_then(text) == sid)
                {
                    Some(slot) => *slot = o,
                    None => statements.push(o),
                }
            }
        }
    }
    let mut doc = vec![(
        "Version".to_string(),
        get(attrs, "version")
            .cloned()
            .unwrap_or_else(|| values::str("2012-10-17", span)),
    )];
    if let Some(id) = get(attrs, "policy_id") {
        doc.push(("Id".to_string(), id.clone()));
    }
    doc.push(("Statement".to_string(), values::seq(statements, span)));
    values::map(doc, span)
}

fn list_or_one(v: Option<&Val>) -> Vec<Val> {
    match v {
        None => Vec::new(),
        Some(v) if matches!(v.value, NodeValue::Seq(_)) => items(v).to_vec(),
        Some(v) if matches!(v.value, NodeValue::Null) => Vec::new(),
        Some(v) => vec![v.clone()],
    }
}

fn statement_list(doc: &Val) -> Vec<Val> {
    match get(doc, "Statement") {
        Some(s) if matches!(s.value, NodeValue::Seq(_)) => items(s).to_vec(),
        Some(s) => vec![s.clone()],
        None => Vec::new(),
    }
}

fn statement(s: &Val) -> Val {
    let mut out: Vec<(String, Val)> = Vec::new();
    let copy = |out: &mut Vec<(String, Val)>, from: &str, to: &str| {
        if let Some(v) = get(s, from)
            && !matches!(v.value, NodeValue::Null)
        {
            out.push((to.to_string(), v.clone()));
        }
    };
    copy(&mut out, "sid", "Sid");
    match get(s, "effect") {
        Some(e) => out.push(("Effect".into(), e.clone())),
        None => out.push(("Effect".into(), values::str("Allow", s.span))),
    }
    copy(&mut out, "actions", "Action");
    copy(&mut out, "not_actions", "NotAction");
    copy(&mut out, "resources", "Resource");
    copy(&mut out, "not_resources", "NotResource");
    for (from, to) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        if let Some(p) = principals(get(s, from)) {
            out.push((to.into(), p));
        }
    }
    if let Some(c) = conditions(get(s, "condition")) {
        out.push(("Condition".into(), c));
    }
    values::map(out, s.span)
}

/// `principals { type, identifiers }` blocks as a `Principal` value; type
/// `*` is the anonymous principal `"*"`.
fn principals(blocks: Option<&Val>) -> Option<Val> {
    let blocks = blocks?;
    if let Some(u) = unknown_reason(blocks) {
        return Some(values::unknown(u, blocks.span));
    }
    let list = items(blocks);
    if list.is_empty() {
        return None;
    }
    let mut by_type: Vec<(String, Val)> = Vec::new();
    for b in list {
        let kind = get(b, "type").and_then(text).unwrap_or_default();
        let ids = get(b, "identifiers")
            .cloned()
            .unwrap_or_else(|| values::seq(Vec::new(), b.span));
        if kind == "*" {
            return Some(values::str("*", b.span));
        }
        match by_type.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, existing)) => {
                if let (NodeValue::Seq(a), NodeValue::Seq(b)) = (&mut existing.value, &ids.value) {
                    a.extend(b.iter().cloned());
                }
            }
            None => by_type.push((kind, ids)),
        }
    }
    Some(values::map(by_type, blocks.span))
}

/// `condition { test, variable, values }` blocks as a `Condition` value.
fn conditions(blocks: Option<&Val>) -> Option<Val> {
    let blocks = blocks?;
    if let Some(u) = unknown_reason(blocks) {
        return Some(values::unknown(u, blocks.span));
    }
    let list = items(blocks);
    if list.is_empty() {
        return None;
    }
    let mut tests: Vec<(String, Vec<(String, Val)>)> = Vec::new();
    for b in list {
        let test = get(b, "test").and_then(text).unwrap_or_default();
        let variable = get(b, "variable").and_then(text).unwrap_or_default();
        let vals = get(b, "values")
            .cloned()
            .unwrap_or_else(|| values::seq(Vec::new(), b.span));
        match tests.iter_mut().find(|(t, _)| *t == test) {
            Some((_, keys)) => keys.push((variable, vals)),
            None => tests.push((test, vec![(variable, vals)])),
        }
    }
    Some(values::map(
        tests
            .into_iter()
            .map(|(t, keys)| (t, values::map(keys, blocks.span)))
            .collect(),
        blocks.span,
    ))
}

/// A policy argument as a document: a structure (from `jsonencode` or a
/// policy document's `json`) as it is, a JSON string parsed, keeping the
/// place of each value when the JSON is written verbatim in `file`.
pub fn as_document_in(file: Option<&SourceFile>, v: &Val) -> Option<Val> {
    match &v.value {
        NodeValue::Map(_) => Some(v.clone()),
        NodeValue::Str(s) if unknown_reason(v).is_none() => {
            let verbatim = file.and_then(|f| {
                let start = v.span.start as usize;
                let end = (v.span.end as usize).min(f.text.len());
                let window = f.text.get(start..end)?;
                window
                    .find(s.as_ref())
                    .map(|i| u32::try_from(start + i).unwrap_or(u32::MAX))
            });
            let doc = values::from_json_text(s, v.span, verbatim)?;
            matches!(doc.value, NodeValue::Map(_)).then_some(doc)
        }
        _ => None,
    }
}

fn as_document(v: &Val) -> Option<Val> {
    as_document_in(None, v)
}
