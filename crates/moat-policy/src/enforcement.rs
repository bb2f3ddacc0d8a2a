//! Questions about what a bucket (or any resource) policy enforces for a
//! given action, each answered from the policy's own statements: is TLS
//! required, is MFA required, must writes use SSE-KMS (with a given key),
//! are deletes denied. "Enforced" means a `Deny` that applies to every
//! principal covers the action and resource and holds whenever the request
//! lacks the protection, whatever else the request carries; anything less is
//! reported with the reason it falls short.

use crate::document::{
    Condition, Effect, OperatorFamily as F, Policy, PrincipalKind, SetQualifier, Statement,
};
use crate::matching::{action_matches, arn_matches, tokens};
use serde::Serialize;

/// The answer to one enforcement question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enforcement {
    pub enforced: bool,
    /// The statements that enforce it.
    pub statements: Vec<String>,
    /// Why it is not enforced, or what limits it.
    pub reason: String,
}

/// A requirement a `Deny` can enforce: the request is denied when `key`
/// has one of the bad values (or is absent, when `absent_is_bad`).
struct Requirement<'a> {
    key: &'a str,
    /// Whether a Deny condition on the key fires for a request lacking the protection.
    fires: &'a dyn Fn(&Condition) -> bool,
}

/// Whether every request for `action` on `resource` without TLS is denied.
pub fn requires_tls(policy: &Policy, action: &str, resource: &str) -> Enforcement {
    let fires = |c: &Condition| {
        let op = c.operator.value;
        // Bool aws:SecureTransport false: plain HTTP carries `false`.
        op.family == F::Bool
            && op.qualifier.is_none()
            && c.values
                .iter()
                .any(|v| v.value.eq_ignore_ascii_case("false"))
    };
    enforced_by_deny(policy, action, resource, &Requirement { key: "aws:SecureTransport", fires: &fires })
        .unwrap_or_else(|| Enforcement {
            enforced: false,
            statements: Vec::new(),
            reason: "no Deny for every principal with `Bool` `aws:SecureTransport` `false` covers the request".into(),
        })
}

/// Whether every request for `action` on `resource` without MFA is denied.
/// `BoolIfExists aws:MultiFactorAuthPresent false` also catches long-term
/// keys, which carry no such key; plain `Bool ... false` misses them.
pub fn requires_mfa(policy: &Policy, action: &str, resource: &str) -> Enforcement {
    let fires = |c: &Condition| {
        let op = c.operator.value;
        (op.family == F::Bool
            && op.if_exists
            && c.values
                .iter()
                .any(|v| v.value.eq_ignore_ascii_case("false")))
            || (op.family == F::Null
                && c.values
                    .iter()
                    .any(|v| v.value.eq_ignore_ascii_case("true")))
    };
    if let Some(found) = enforced_by_deny(
        policy,
        action,
        resource,
        &Requirement {
            key: "aws:MultiFactorAuthPresent",
            fires: &fires,
        },
    ) {
        return found;
    }
    let plain = |c: &Condition| {
        let op = c.operator.value;
        op.family == F::Bool
            && !op.if_exists
            && c.values
                .iter()
                .any(|v| v.value.eq_ignore_ascii_case("false"))
    };
    let partial = enforced_by_deny(
        policy,
        action,
        resource,
        &Requirement {
            key: "aws:MultiFactorAuthPresent",
            fires: &plain,
        },
    );
    Enforcement {
        enforced: false,
        statements: partial.map(|p| p.statements).unwrap_or_default(),
        reason: "no Deny with `BoolIfExists` `aws:MultiFactorAuthPresent` `false` (or `Null` `true`) covers the request; `Bool ... false` alone misses requests signed with long-term access keys, which carry no MFA key".into(),
    }
}

/// Whether every write without SSE-KMS (with `key_arn`, when given) is denied.
pub fn requires_sse_kms(
    policy: &Policy,
    action: &str,
    resource: &str,
    key_arn: Option<&str>,
) -> Enforcement {
    let wrong_algorithm = |c: &Condition| {
        let op = c.operator.value;
        matches!(op.family, F::StringNotEquals | F::StringNotLike)
            && op.qualifier.is_none()
            && c.values
                .iter()
                .all(|v| v.value == "aws:kms" || v.value == "aws:kms:dsse")
    };
    let algorithm = enforced_by_deny(
        policy,
        action,
        resource,
        &Requirement {
            key: "s3:x-amz-server-side-encryption",
            fires: &wrong_algorithm,
        },
    );
    let Some(algorithm) = algorithm else {
        return Enforcement {
            enforced: false,
            statements: Vec::new(),
            reason: "no Deny for every principal with `StringNotEquals` `s3:x-amz-server-side-encryption` `aws:kms` covers the request".into(),
        };
    };
    let Some(key_arn) = key_arn else {
        return algorithm;
    };
    let wrong_key = |c: &Condition| {
        let op = c.operator.value;
        matches!(
            op.family,
            F::StringNotEquals | F::StringNotLike | F::ArnNotEquals | F::ArnNotLike
        ) && op.qualifier.is_none()
            && c.values.iter().all(|v| v.value == key_arn)
    };
    match enforced_by_deny(
        policy,
        action,
        resource,
        &Requirement {
            key: "s3:x-amz-server-side-encryption-aws-kms-key-id",
            fires: &wrong_key,
        },
    ) {
        Some(mut key) => {
            key.statements.extend(algorithm.statements);
            key
        }
        None => Enforcement {
            enforced: false,
            statements: algorithm.statements,
            reason: format!(
                "SSE-KMS is required, but no Deny pins `s3:x-amz-server-side-encryption-aws-kms-key-id` to `{key_arn}`"
            ),
        },
    }
}

/// Whether `action` on `resource` is denied to every principal unconditionally.
pub fn denies_action(policy: &Policy, action: &str, resource: &str) -> Enforcement {
    let found: Vec<String> = policy
        .statements
        .iter()
        .filter(|s| covers_everyone(s, action, resource) && s.conditions.is_empty())
        .map(Statement::label)
        .collect();
    Enforcement {
        enforced: !found.is_empty(),
        reason: if found.is_empty() {
            format!("no unconditional Deny for every principal covers `{action}` on `{resource}`")
        } else {
            format!("`{action}` is denied to every principal")
        },
        statements: found,
    }
}

/// The Deny statements that enforce `requirement`: they cover everyone, the
/// action and the resource, and every condition they have is one on the
/// requirement's key that fires when the protection is missing (any other
/// condition could let a request through, so it disqualifies the statement).
fn enforced_by_deny(
    policy: &Policy,
    action: &str,
    resource: &str,
    requirement: &Requirement,
) -> Option<Enforcement> {
    let found: Vec<String> = policy
        .statements
        .iter()
        .filter(|s| covers_everyone(s, action, resource))
        .filter(|s| {
            !s.conditions.is_empty()
                && s.conditions.iter().all(|c| {
                    c.key.value.eq_ignore_ascii_case(requirement.key)
                        && c.operator.value.qualifier != Some(SetQualifier::ForAnyValue)
                        && (requirement.fires)(c)
                })
        })
        .map(Statement::label)
        .collect();
    (!found.is_empty()).then(|| Enforcement {
        enforced: true,
        reason: format!(
            "denied when `{}` shows the protection is missing",
            requirement.key
        ),
        statements: found,
    })
}

/// A Deny for every principal whose action and resource elements cover the request.
fn covers_everyone(statement: &Statement, action: &str, resource: &str) -> bool {
    if statement.effect.value != Effect::Deny {
        return false;
    }
    let everyone = match &statement.principal {
        None => true,
        Some(p) if p.negated => false,
        Some(p) => p.entries.iter().any(|e| {
            e.kind == PrincipalKind::Everyone
                || (e.kind == PrincipalKind::Aws && e.value.value == "*")
        }),
    };
    let actions = {
        let any = statement
            .action
            .patterns
            .iter()
            .any(|p| action_matches(&p.value, action));
        any != statement.action.negated
    };
    let resources = match &statement.resource {
        None => true,
        Some(r) => {
            let any = r
                .patterns
                .iter()
                .any(|p| !p.value.contains("${") && arn_matches(&tokens(&p.value), resource));
            any != r.negated
        }
    };
    everyone && actions && resources
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::document::read;

    fn policy(text: &str) -> Policy {
        let (p, d) = read("p.json", text);
        assert!(d.is_empty(), "{d:?}");
        p.unwrap()
    }

    const OBJECT: &str = "arn:aws:s3:::b/k";

    #[test]
    fn tls_deny_is_found_and_extra_conditions_disqualify_it() {
        let p = policy(
            r#"{"Statement": {"Sid": "TLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}}"#,
        );
        let e = requires_tls(&p, "s3:PutObject", OBJECT);
        assert!(e.enforced);
        assert_eq!(e.statements, ["TLS"]);
        let p = policy(
            r#"{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}, "StringNotEquals": {"aws:SourceVpce": "vpce-1"}}}}"#,
        );
        assert!(!requires_tls(&p, "s3:PutObject", OBJECT).enforced);
    }

    #[test]
    fn mfa_needs_if_exists() {
        let plain = policy(
            r#"{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}}"#,
        );
        let e = requires_mfa(&plain, "s3:DeleteObject", OBJECT);
        assert!(!e.enforced);
        assert!(e.reason.contains("long-term"));
        let good = policy(
            r#"{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}}"#,
        );
        assert!(requires_mfa(&good, "s3:DeleteObject", OBJECT).enforced);
    }

    #[test]
    fn sse_kms_with_a_key() {
        let p = policy(
            r#"{"Statement": [
            {"Sid": "Alg", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
            {"Sid": "Key", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:111122223333:key/k"}}}]}"#,
        );
        assert!(requires_sse_kms(&p, "s3:PutObject", OBJECT, None).enforced);
        assert!(
            requires_sse_kms(
                &p,
                "s3:PutObject",
                OBJECT,
                Some("arn:aws:kms:us-east-1:111122223333:key/k")
            )
            .enforced
        );
        assert!(
            !requires_sse_kms(
                &p,
                "s3:PutObject",
                OBJECT,
                Some("arn:aws:kms:us-east-1:111122223333:key/other")
            )
            .enforced
        );
    }

    #[test]
    fn deletes_denied() {
        let p = policy(
            r#"{"Statement": {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": ["s3:DeleteObject*", "s3:DeleteBucket"], "Resource": "*"}}"#,
        );
        assert!(denies_action(&p, "s3:DeleteObjectVersion", OBJECT).enforced);
        assert!(!denies_action(&p, "s3:PutObject", OBJECT).enforced);
    }
}
