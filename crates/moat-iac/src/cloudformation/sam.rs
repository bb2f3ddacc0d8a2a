//! The `Policies` of a SAM function: inline documents, and the SAM policy
//! templates that grant S3 access, expanded into the statements SAM
//! generates for them (AWS SAM Developer Guide, "AWS SAM policy template
//! table"). Other policy templates are noted, not guessed.

use super::lower::read_doc;
use super::template::Template;
use crate::inventory::{Origin, PolicyDoc};
use crate::node_util::{get, string, text, unknown_reason};
use moat_source::node::{Node, NodeValue};
use moat_source::{Diagnostic, Span};

const READ: &[&str] = &[
    "s3:GetObject",
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetObjectVersion",
    "s3:GetLifecycleConfiguration",
];
const WRITE: &[&str] = &[
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:PutLifecycleConfiguration",
];
const CRUD: &[&str] = &[
    "s3:GetObject",
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetObjectVersion",
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:GetLifecycleConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:DeleteObject",
];
const FULL_OBJECT: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectAcl",
    "s3:GetObjectVersion",
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:DeleteObject",
    "s3:DeleteObjectTagging",
    "s3:DeleteObjectVersionTagging",
    "s3:GetObjectTagging",
    "s3:GetObjectVersionTagging",
    "s3:PutObjectTagging",
];
const FULL_BUCKET: &[&str] = &[
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetLifecycleConfiguration",
    "s3:PutLifecycleConfiguration",
];

/// The S3 policy templates: name -> statements as (actions, object-level only?).
fn s3_template(name: &str) -> Option<Vec<(&'static [&'static str], Scope)>> {
    Some(match name {
        "S3ReadPolicy" => vec![(READ, Scope::Both)],
        "S3WritePolicy" => vec![(WRITE, Scope::Both)],
        "S3CrudPolicy" => vec![(CRUD, Scope::Both)],
        "S3FullAccessPolicy" => vec![(FULL_OBJECT, Scope::Objects), (FULL_BUCKET, Scope::Bucket)],
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum Scope {
    Bucket,
    Objects,
    Both,
}

/// The identity policies a SAM function's `Policies` (resolved) give its role.
pub fn policies(
    origin: &Origin,
    props: &Node<'static>,
    template: &Template<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PolicyDoc> {
    let Some(list) = get(props, "Policies") else {
        return Vec::new();
    };
    let entries: Vec<&Node<'static>> = match &list.value {
        NodeValue::Seq(items) => items.iter().collect(),
        _ => vec![list],
    };
    let mut out = Vec::new();
    for entry in entries {
        if unknown_reason(entry).is_some() || text(entry).is_some() {
            // a managed policy name or ARN: its document is not in the template
            continue;
        }
        if get(entry, "Statement").is_some() {
            out.push(read_doc(template.file, entry.clone(), diagnostics));
            continue;
        }
        let NodeValue::Map(list) = &entry.value else {
            continue;
        };
        for (key, args) in list {
            let name = text(key).unwrap_or_default();
            match s3_template(&name) {
                Some(statements) => {
                    let bucket = get(args, "BucketName");
                    let doc = expand(&statements, bucket, entry.span);
                    out.push(read_doc(template.file, doc, diagnostics));
                }
                None if name.starts_with("S3") => diagnostics.push(
                    Diagnostic::warning(
                        "sam::policy-template",
                        format!("SAM policy template `{name}` on `{}` is not expanded: the S3 access it grants is not checked", origin.logical_id),
                    )
                    .at(template.file, key.span),
                ),
                None => {}
            }
        }
    }
    out
}

/// The document SAM generates for a template on `bucket`.
fn expand(
    statements: &[(&[&str], Scope)],
    bucket: Option<&Node<'static>>,
    span: Span,
) -> Node<'static> {
    let name = bucket.cloned().unwrap_or_else(|| string("*", span));
    let arn = |suffix: &str| -> Node<'static> {
        match text(&name) {
            Some(n) => string(format!("arn:aws:s3:::{n}{suffix}"), name.span),
            None => name.clone(),
        }
    };
    let map = |pairs: Vec<(&str, Node<'static>)>| Node {
        span,
        defined: span,
        value: NodeValue::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (string(k, span), v))
                .collect(),
        ),
    };
    let seq = |list: Vec<Node<'static>>| Node {
        span,
        defined: span,
        value: NodeValue::Seq(list),
    };
    let statements = statements
        .iter()
        .map(|(actions, scope)| {
            let resources = match scope {
                Scope::Bucket => vec![arn("")],
                Scope::Objects => vec![arn("/*")],
                Scope::Both => vec![arn(""), arn("/*")],
            };
            map(vec![
                ("Effect", string("Allow", span)),
                (
                    "Action",
                    seq(actions.iter().map(|a| string(*a, span)).collect()),
                ),
                ("Resource", seq(resources)),
            ])
        })
        .collect();
    map(vec![
        ("Version", string("2012-10-17", span)),
        ("Statement", seq(statements)),
    ])
}
