//! Whether a bucket or access-point policy is public by Amazon S3's own
//! meaning of the word, the one Block Public Access acts on (docs/policy.md,
//! "Public"): an `Allow` to everyone (`*`, `{"AWS": "*"}` or `NotPrincipal`)
//! is public unless a condition pins it to fixed values of a key S3 accepts
//! as limiting: a set of IP ranges no broader than /8 (IPv4) or /32 (IPv6) on
//! `aws:SourceIp`, or a fixed `aws:SourceArn`, `aws:SourceVpc`,
//! `aws:SourceVpce`, `aws:SourceOwner`, `aws:SourceAccount`,
//! `aws:PrincipalOrgID`, `s3:x-amz-server-side-encryption-aws-kms-key-id`,
//! or `aws:userid` (not of the form `AROLEID:*`).

use crate::document::{Condition, Effect, OperatorFamily as F, Policy, PrincipalKind, Statement};
use crate::values::IpRange;
use serde::Serialize;

/// Keys whose fixed values make a grant to everyone non-public.
pub const LIMITING_KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceOwner",
    "aws:SourceAccount",
    "aws:PrincipalOrgID",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
];

/// Why a statement makes its policy public.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicStatement {
    /// The `Sid`, or `#n`.
    pub statement: String,
    pub index: usize,
    /// What opens it: `Principal "*"`, `NotPrincipal`...
    pub grants_to: String,
    /// The conditions it has, none of which limits it (empty when it has none).
    pub unlimiting_conditions: Vec<String>,
}

/// The statements that make `policy` public; empty when it is not public.
pub fn public_statements(policy: &Policy) -> Vec<PublicStatement> {
    policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
        .filter_map(|s| {
            let grants_to = open_principal(s)?;
            if s.conditions.iter().any(limits) {
                return None;
            }
            Some(PublicStatement {
                statement: s.label(),
                index: s.index,
                grants_to,
                unlimiting_conditions: s
                    .conditions
                    .iter()
                    .map(|c| {
                        let values: Vec<&str> = c.values.iter().map(|v| v.value.as_str()).collect();
                        format!("{} {} {:?}", c.operator.value.name(), c.key.value, values)
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Whether `policy` is public.
pub fn is_public(policy: &Policy) -> bool {
    !public_statements(policy).is_empty()
}

/// How the statement's principal element admits everyone, if it does.
fn open_principal(statement: &Statement) -> Option<String> {
    let principal = statement.principal.as_ref()?;
    if principal.negated {
        return Some("`NotPrincipal` (everyone not listed)".into());
    }
    principal.entries.iter().find_map(|e| match e.kind {
        PrincipalKind::Everyone => Some("`Principal: \"*\"`".to_string()),
        PrincipalKind::Aws if e.value.value == "*" => {
            Some("`Principal: {\"AWS\": \"*\"}`".to_string())
        }
        _ => None,
    })
}

/// Whether a condition limits a grant to fixed values S3 accepts.
fn limits(condition: &Condition) -> bool {
    let operator = condition.operator.value;
    // Absent keys make IfExists and ForAllValues hold: they limit nothing.
    if operator.if_exists || operator.qualifier == Some(crate::document::SetQualifier::ForAllValues)
    {
        return false;
    }
    let key = condition.key.value.as_str();
    if key.eq_ignore_ascii_case("aws:SourceIp") {
        return operator.family == F::IpAddress
            && condition.values.iter().all(|v| {
                IpRange::parse(&v.value)
                    .is_some_and(|r| r.prefix >= if r.address.is_ipv4() { 8 } else { 32 })
            });
    }
    let limiting = LIMITING_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key));
    let positive = matches!(
        operator.family,
        F::StringEquals | F::StringEqualsIgnoreCase | F::StringLike | F::ArnEquals | F::ArnLike
    );
    limiting
        && positive
        && condition.values.iter().all(|v| {
            let fixed = !v.value.contains(['*', '?']) && !v.value.contains("${");
            let role_pattern = key.eq_ignore_ascii_case("aws:userid") && v.value.ends_with(":*");
            fixed && !role_pattern
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::document::read;

    fn public(text: &str) -> bool {
        let (policy, d) = read("p.json", text);
        assert!(d.is_empty(), "{d:?}");
        is_public(&policy.unwrap())
    }

    #[test]
    fn the_documented_examples() {
        let open = r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}}"#;
        assert!(public(open));
        let vpc = r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-91237329"}}}}"#;
        assert!(!public(vpc));
        let wildcard = r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringLike": {"aws:SourceVpc": "vpc-*"}}}}"#;
        assert!(public(wildcard));
        let broad = r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}}}"#;
        assert!(public(broad));
        let account = r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*"}}"#;
        assert!(!public(account));
        let if_exists = r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}}}"#;
        assert!(public(if_exists));
    }
}
