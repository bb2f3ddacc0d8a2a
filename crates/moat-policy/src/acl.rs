//! Bucket and object ACLs as `aws s3api get-bucket-acl` prints them, for the
//! public-access question: a grant to the `AllUsers` or `AuthenticatedUsers`
//! group is public (any AWS account counts as "authenticated").

use moat_source::node::{Node, NodeValue};
use moat_source::{Diagnostic, SourceFile, Span};
use serde::Serialize;

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

/// One grant that opens the bucket or object to the public.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicGrant {
    /// `AllUsers` or `AuthenticatedUsers`.
    pub group: String,
    /// `READ`, `WRITE`, `READ_ACP`, `WRITE_ACP` or `FULL_CONTROL`.
    pub permission: String,
    #[serde(skip)]
    pub span: Span,
}

/// The public grants of the ACL at `node` (`{"Owner": ..., "Grants": [...]}`).
pub fn public_grants(
    node: &Node,
    file: &SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PublicGrant> {
    let NodeValue::Map(entries) = &node.value else {
        diagnostics.push(
            Diagnostic::error(
                "acl::shape",
                format!("an ACL must be a JSON object, not {}", node.describe()),
            )
            .at(file, node.span),
        );
        return Vec::new();
    };
    let grants = entries
        .iter()
        .find(|(k, _)| k.scalar_text(file).as_deref() == Some("Grants"));
    let Some((_, grants)) = grants else {
        diagnostics
            .push(Diagnostic::error("acl::shape", "the ACL has no `Grants`").at(file, node.span));
        return Vec::new();
    };
    let NodeValue::Seq(items) = &grants.value else {
        diagnostics
            .push(Diagnostic::error("acl::shape", "`Grants` must be a list").at(file, grants.span));
        return Vec::new();
    };
    let mut out = Vec::new();
    for grant in items {
        let uri = field(grant, file, &["Grantee", "URI"]);
        let permission = field(grant, file, &["Permission"]).unwrap_or_default();
        let group = match uri.as_deref() {
            Some(ALL_USERS) => "AllUsers",
            Some(AUTHENTICATED_USERS) => "AuthenticatedUsers",
            _ => continue,
        };
        out.push(PublicGrant {
            group: group.into(),
            permission,
            span: grant.span,
        });
    }
    out
}

/// The text at a path of keys.
fn field(node: &Node, file: &SourceFile, path: &[&str]) -> Option<String> {
    let mut node = node;
    for key in path {
        let NodeValue::Map(entries) = &node.value else {
            return None;
        };
        node = &entries
            .iter()
            .find(|(k, _)| k.scalar_text(file).as_deref() == Some(key))?
            .1;
    }
    node.scalar_text(file).map(|t| t.into_owned())
}
