#![allow(clippy::unwrap_used)]
use super::*;
use crate::document::read;

fn findings(text: &str, kind: Option<PolicyType>) -> Vec<String> {
    let file = SourceFile::new("p.json", text);
    let (policy, diagnostics) = crate::document::read_file(&file);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    let policy = policy.unwrap();
    let kind = kind.unwrap_or_else(|| PolicyType::guess(&policy));
    validate(&policy, kind, &file)
        .iter()
        .map(|d| format!("{:?} {}: {}", d.level, d.code, d.message))
        .collect()
}

fn has(found: &[String], code: &str) -> bool {
    found.iter().any(|f| f.contains(code))
}

#[test]
fn unknown_actions_get_a_suggestion() {
    let text = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:GetObjekt", "s3:Frob*", "lambda:InvokeFunction"], "Resource": "*"}}"#;
    let file = SourceFile::new("p.json", text);
    let (policy, _) = crate::document::read_file(&file);
    let found = validate(&policy.unwrap(), PolicyType::Identity, &file);
    let unknown = found
        .iter()
        .find(|d| d.code == "policy::unknown-action")
        .unwrap();
    assert_eq!(
        unknown.help.as_deref(),
        Some("did you mean `s3:GetObject`?")
    );
    assert!(
        found
            .iter()
            .any(|d| d.code == "policy::action-matches-nothing")
    );
    assert!(
        found
            .iter()
            .any(|d| d.code == "policy::service-not-checked")
    );
}

#[test]
fn the_access_analyzer_style_checks() {
    let f = findings(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "bucket/*"},
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:SourceVpce": "vpce-1"}}},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"s3:x-amz-acl": "private"}}},
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*", "Condition": {"NumericLessThan": {"s3:TlsVersion": "one"}}},
            {"Effect": "Allow", "Action": "s3:GetObject"}
        ]}"#,
        Some(PolicyType::Identity),
    );
    for code in [
        "principal-in-identity-policy",
        "invalid-arn",
        "allow-with-not-action",
        "pass-role-wildcard",
        "mfa-deny-misses-long-term-keys",
        "for-all-values-single-valued",
        "condition-key-not-for-actions",
        "condition-value",
        "missing-resource",
    ] {
        assert!(has(&f, code), "{code} missing from {f:#?}");
    }
}

#[test]
fn a_clean_bucket_policy_has_no_findings() {
    let f = findings(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "TLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reader"}, "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"s3:ExistingObjectTag/class": "public"}}}]}"#,
        None,
    );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn multivalued_keys_want_a_qualifier() {
    let f = findings(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:PutObjectTagging", "Resource": "*",
            "Condition": {"StringEquals": {"s3:RequestObjectTagKeys": "team"}}}}"#,
        None,
    );
    assert!(has(&f, "multivalued-without-qualifier"), "{f:#?}");
}

#[test]
fn trust_policies_are_recognised() {
    let (policy, _) = read(
        "t.json",
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}"#,
    );
    assert_eq!(PolicyType::guess(&policy.unwrap()), PolicyType::Trust);
}
