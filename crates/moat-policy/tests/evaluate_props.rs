//! Properties every evaluation must have, over random policies and requests.

#![allow(clippy::unwrap_used)]

use moat_policy::{Context, Decision, NamedPolicy, PolicySet, Principal, Request, evaluate};
use proptest::prelude::*;
use serde_json::{Value, json};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "kms:Decrypt",
];
const PATTERNS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "s3:*Object",
    "s3:GetObject",
    "kms:*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/a?c",
    "arn:aws:s3:::other/*",
];
const KEYS: &[&str] = &[
    "aws:SourceIp",
    "aws:SecureTransport",
    "s3:prefix",
    "aws:PrincipalTag/team",
];
const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::111122223333:assumed-role/R/s",
    "arn:aws:iam::444455556666:user/bob",
];

fn condition() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(json!({"Bool": {"aws:SecureTransport": "true"}}))),
        Just(Some(
            json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
        )),
        Just(Some(
            json!({"StringLike": {"s3:prefix": ["home/*", "data/?"]}})
        )),
        Just(Some(
            json!({"StringNotEqualsIfExists": {"aws:PrincipalTag/team": "red"}})
        )),
        Just(Some(
            json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}})
        )),
    ]
}

fn statement(resource_policy: bool) -> impl Strategy<Value = Value> {
    (
        prop::bool::ANY,
        prop::bool::ANY,
        prop::sample::subsequence(PATTERNS, 1..3),
        prop::sample::subsequence(RESOURCES, 1..3),
        condition(),
        prop::sample::select(vec![
            "*",
            "111122223333",
            "arn:aws:iam::444455556666:user/bob",
            "arn:aws:iam::111122223333:role/R",
        ]),
    )
        .prop_map(
            move |(allow, not_action, actions, resources, condition, principal)| {
                let mut s = json!({
                    "Effect": if allow { "Allow" } else { "Deny" },
                    if not_action { "NotAction" } else { "Action" }: actions,
                    "Resource": resources,
                });
                if resource_policy {
                    s["Principal"] = json!({"AWS": principal});
                }
                if let Some(c) = condition {
                    s["Condition"] = c;
                }
                s
            },
        )
}

fn policy(resource_policy: bool) -> impl Strategy<Value = Value> {
    prop::collection::vec(statement(resource_policy), 1..4)
        .prop_map(|statements| json!({"Version": "2012-10-17", "Statement": statements}))
}

fn named(value: &Value, name: &str) -> NamedPolicy {
    let (policy, diagnostics) = moat_policy::document::read(name, &value.to_string());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    NamedPolicy {
        name: name.into(),
        policy: policy.unwrap(),
    }
}

fn request() -> impl Strategy<Value = Request> {
    (
        prop::sample::select(PRINCIPALS),
        prop::sample::select(ACTIONS),
        prop::sample::select(vec![
            "arn:aws:s3:::b",
            "arn:aws:s3:::b/abc",
            "arn:aws:s3:::b/x",
            "arn:aws:s3:::other/k",
        ]),
        prop::sample::subsequence(KEYS, 0..4),
    )
        .prop_map(|(principal, action, resource, keys)| {
            let mut context = Context::default();
            for key in keys {
                let value = match key {
                    "aws:SourceIp" => "203.0.113.9",
                    "aws:SecureTransport" => "true",
                    "s3:prefix" => "home/a",
                    _ => "blue",
                };
                context.insert(key, vec![value.into()], false);
            }
            Request {
                principal: Principal::parse(principal).unwrap(),
                action: action.into(),
                resource: resource.into(),
                resource_account: Some("111122223333".into()),
                context,
            }
        })
}

fn set(identity: &Value, resource: &Value) -> PolicySet {
    PolicySet {
        identity: vec![named(identity, "identity")],
        resource: Some(named(resource, "resource")),
        ..PolicySet::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn an_applicable_deny_always_wins(identity in policy(false), resource in policy(true), request in request()) {
        let mut with_deny = identity.clone();
        with_deny["Statement"].as_array_mut().unwrap().push(json!({"Effect": "Deny", "Action": "*", "Resource": "*"}));
        let decision = evaluate(&request, &set(&with_deny, &resource)).decision;
        prop_assert_eq!(decision, Decision::ExplicitlyDenied);
    }

    #[test]
    fn adding_an_allow_never_removes_access(identity in policy(false), resource in policy(true), request in request(), extra in statement(false)) {
        let before = evaluate(&request, &set(&identity, &resource)).decision;
        let mut extra = extra;
        extra["Effect"] = json!("Allow");
        let mut more = identity.clone();
        more["Statement"].as_array_mut().unwrap().push(extra);
        let after = evaluate(&request, &set(&more, &resource)).decision;
        if before == Decision::Allowed {
            prop_assert_eq!(after, Decision::Allowed);
        }
        if before == Decision::ExplicitlyDenied {
            prop_assert_eq!(after, Decision::ExplicitlyDenied);
        }
    }

    #[test]
    fn adding_a_deny_never_grants(identity in policy(false), resource in policy(true), request in request(), extra in statement(false)) {
        let before = evaluate(&request, &set(&identity, &resource)).decision;
        let mut extra = extra;
        extra["Effect"] = json!("Deny");
        let mut more = identity.clone();
        more["Statement"].as_array_mut().unwrap().push(extra);
        let after = evaluate(&request, &set(&more, &resource)).decision;
        if before != Decision::Allowed {
            prop_assert_ne!(after, Decision::Allowed);
        }
    }

    #[test]
    fn if_exists_holds_on_an_absent_key(op in prop::sample::select(vec![
        "StringEqualsIfExists", "StringLikeIfExists", "NumericLessThanIfExists", "DateGreaterThanIfExists",
        "BoolIfExists", "IpAddressIfExists", "ArnLikeIfExists", "BinaryEqualsIfExists"]), request in request()) {
        let mut request = request;
        request.principal = Principal::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        request.action = "s3:GetObject".into();
        let identity = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {op: {"aws:NoSuchKey": "x"}}}});
        let set = PolicySet { identity: vec![named(&identity, "i")], ..PolicySet::default() };
        prop_assert_eq!(evaluate(&request, &set).decision, Decision::Allowed);
    }

    #[test]
    fn evaluation_is_deterministic(identity in policy(false), resource in policy(true), request in request()) {
        let s = set(&identity, &resource);
        prop_assert_eq!(evaluate(&request, &s), evaluate(&request, &s));
    }
}
