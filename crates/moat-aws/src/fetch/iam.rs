//! IAM: `GetAccountAuthorizationDetails`, every page, split into one
//! resource per role, user, group and customer managed policy (AWS managed
//! policies are known by name to the checks and are not AWS's customers' to fix).

use super::{Clients, error_answer};
use crate::answer::{Account, Answer, Kind, Resource, ScopeFailure};
use crate::calls;
use serde_json::{Value as Json, json};

/// A policy document as IAM returns it: URL-encoded JSON (RFC 3986), which
/// some emulators send decoded; kept as the string when it is neither.
pub(crate) fn document(text: &str) -> Json {
    if let Ok(v) = serde_json::from_str(text) {
        return v;
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| Json::String(text.to_string()))
}

fn inline(list: &[aws_sdk_iam::types::PolicyDetail]) -> Json {
    let mut out: Vec<Json> = list
        .iter()
        .map(|p| {
            json!({
                "PolicyName": p.policy_name(),
                "PolicyDocument": p.policy_document().map(document),
            })
        })
        .collect();
    out.sort_by(|a, b| a["PolicyName"].as_str().cmp(&b["PolicyName"].as_str()));
    Json::Array(out)
}

fn attached(list: &[aws_sdk_iam::types::AttachedPolicy]) -> Json {
    let mut arns: Vec<&str> = list.iter().filter_map(|p| p.policy_arn()).collect();
    arns.sort_unstable();
    Json::Array(arns.iter().map(|a| json!({"PolicyArn": a})).collect())
}

pub async fn read(clients: &Clients, _id: &str, account: &mut Account) {
    let iam = aws_sdk_iam::Client::new(&clients.base);
    let mut marker: Option<String> = None;
    loop {
        account.calls_made += 1;
        let page = iam
            .get_account_authorization_details()
            .set_marker(marker.clone())
            .send()
            .await;
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                if let Answer::Failed { code, message } | Answer::NotConfigured { code, message } =
                    error_answer(calls::GET_AUTHORIZATION_DETAILS, &e)
                {
                    account.failures.push(ScopeFailure {
                        call: calls::GET_AUTHORIZATION_DETAILS,
                        scope: "account".to_string(),
                        code,
                        message,
                    });
                }
                return;
            }
        };
        let mut push = |arn: Option<&str>, kind: Kind, entry: Json| {
            if let Some(arn) = arn {
                let mut r = Resource::new(arn, kind);
                r.answers
                    .push((calls::GET_AUTHORIZATION_DETAILS, Answer::Data(entry)));
                account.resources.push(r);
            }
        };
        for role in page.role_detail_list() {
            let mut entry = json!({
                "RoleName": role.role_name(),
                "Arn": role.arn(),
                "AssumeRolePolicyDocument": role.assume_role_policy_document().map(document),
                "RolePolicyList": inline(role.role_policy_list()),
                "AttachedManagedPolicies": attached(role.attached_managed_policies()),
            });
            if let Some(b) = role.permissions_boundary() {
                entry["PermissionsBoundary"] =
                    json!({"PermissionsBoundaryArn": b.permissions_boundary_arn()});
            }
            push(role.arn(), Kind::Role, entry);
        }
        for user in page.user_detail_list() {
            let mut groups: Vec<&String> = user.group_list().iter().collect();
            groups.sort_unstable();
            let entry = json!({
                "UserName": user.user_name(),
                "Arn": user.arn(),
                "UserPolicyList": inline(user.user_policy_list()),
                "AttachedManagedPolicies": attached(user.attached_managed_policies()),
                "GroupList": groups,
            });
            push(user.arn(), Kind::User, entry);
        }
        for group in page.group_detail_list() {
            let entry = json!({
                "GroupName": group.group_name(),
                "Arn": group.arn(),
                "GroupPolicyList": inline(group.group_policy_list()),
                "AttachedManagedPolicies": attached(group.attached_managed_policies()),
            });
            push(group.arn(), Kind::Group, entry);
        }
        for policy in page.policies() {
            if policy
                .arn()
                .is_some_and(|a| a.starts_with("arn:aws:iam::aws:policy/"))
            {
                continue;
            }
            // only the default version is in force
            let versions: Vec<Json> = policy
                .policy_version_list()
                .iter()
                .filter(|v| v.is_default_version())
                .map(|v| {
                    json!({
                        "VersionId": v.version_id(),
                        "IsDefaultVersion": true,
                        "Document": v.document().map(document),
                    })
                })
                .collect();
            let entry = json!({
                "PolicyName": policy.policy_name(),
                "Arn": policy.arn(),
                "DefaultVersionId": policy.default_version_id(),
                "PolicyVersionList": versions,
            });
            push(policy.arn(), Kind::ManagedPolicy, entry);
        }
        marker = if page.is_truncated() {
            page.marker().map(str::to_string)
        } else {
            None
        };
        if marker.is_none() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_decoded_only_when_encoded() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%7D";
        assert_eq!(document(encoded), json!({"Version": "2012-10-17"}));
        // a decoded document with a `%` in a value stays as written
        let plain = r#"{"Sid":"100%25"}"#;
        assert_eq!(document(plain), json!({"Sid": "100%25"}));
        assert_eq!(document("not json"), json!("not json"));
    }
}
