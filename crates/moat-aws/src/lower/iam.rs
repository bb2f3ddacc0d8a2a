//! IAM entries of `GetAccountAuthorizationDetails` -> roles, users, groups
//! and customer managed policies. Each entry is its own resource with its
//! own evidence (the entry as the call returned it, documents decoded).

use super::{origin, read_doc};
use crate::answer::{Kind, Resource};
use crate::calls;
use crate::evidence::{Evidence, Part};
use moat_iac::Inventory;
use moat_iac::Value;
use moat_iac::inventory::*;
use moat_iac::node_util::{get, items, text};
use moat_source::Diagnostic;

pub(super) fn lower(
    resource: &Resource,
    inventory: &mut Inventory,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let ev = Evidence::of(resource, &[], diagnostics);
    let origin = origin(inventory, &ev, &resource.arn, resource.kind);
    let Some(Part::Data(entry)) = ev.part(calls::GET_AUTHORIZATION_DETAILS) else {
        return;
    };
    let inline = |list: &str, diagnostics: &mut Vec<Diagnostic>| -> Vec<PolicyDoc> {
        get(entry, list)
            .map(items)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| get(p, "PolicyDocument"))
            .map(|doc| read_doc(&ev, doc, diagnostics))
            .collect()
    };
    let managed: Vec<Value<String>> = get(entry, "AttachedManagedPolicies")
        .map(items)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| get(p, "PolicyArn"))
        .map(|a| super::known_text(Some(a)))
        .collect();
    match resource.kind {
        Kind::Role => {
            let role = Role {
                arn: resource.arn.clone(),
                trust: get(entry, "AssumeRolePolicyDocument")
                    .map(|d| read_doc(&ev, d, diagnostics)),
                inline: inline("RolePolicyList", diagnostics),
                managed,
                boundary: super::known_text(
                    get(entry, "PermissionsBoundary")
                        .and_then(|b| get(b, "PermissionsBoundaryArn")),
                ),
                // not in GetAccountAuthorizationDetails' role entries: absent unless given
                max_session_duration: match get(entry, "MaxSessionDuration") {
                    Some(n) => match text(n).and_then(|t| t.parse().ok()) {
                        Some(v) => Value::known(v, n.span),
                        None => Value::Absent,
                    },
                    None => Value::Absent,
                },
                origin,
            };
            inventory.roles.push(role);
        }
        Kind::User | Kind::Group => {
            let user = resource.kind == Kind::User;
            let principal = Principal {
                arn: resource.arn.clone(),
                inline: inline(
                    if user {
                        "UserPolicyList"
                    } else {
                        "GroupPolicyList"
                    },
                    diagnostics,
                ),
                managed,
                groups: if user {
                    get(entry, "GroupList")
                        .map(items)
                        .unwrap_or_default()
                        .iter()
                        .map(|g| super::known_text(Some(g)))
                        .collect()
                } else {
                    Vec::new()
                },
                origin,
            };
            if user {
                inventory.users.push(principal);
            } else {
                inventory.groups.push(principal);
            }
        }
        Kind::ManagedPolicy => {
            // the default version is the one in force
            let version = get(entry, "PolicyVersionList")
                .map(items)
                .unwrap_or_default()
                .iter()
                .find(|v| get(v, "IsDefaultVersion").and_then(text).as_deref() == Some("true"));
            let document = match version.and_then(|v| get(v, "Document")) {
                Some(doc) => read_doc(&ev, doc, diagnostics),
                None => super::unknown_doc(
                    "the policy's default version is not in the answer".to_string(),
                    entry.span,
                ),
            };
            inventory.identity_policies.push(IdentityPolicy {
                arn: resource.arn.clone(),
                document,
                roles: Vec::new(),
                users: Vec::new(),
                groups: Vec::new(),
                origin,
            });
        }
        _ => {}
    }
}
