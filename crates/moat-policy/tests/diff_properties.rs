//! Properties of `diff` over random policies built from a vocabulary of the
//! element forms and operators that matter:
//!
//! - `diff(P, P)` never reports new access;
//! - every witness is allowed by NEW and not by OLD (checked with `evaluate`);
//! - removing an Allow statement or adding a Deny never yields new access;
//! - adding `Allow * on *` to a policy that grants no `iam:` action yields
//!   new access;
//! - exactness against sampling: whenever one of many sampled requests is
//!   allowed by NEW and not by OLD, `diff` reports new access (so "no new
//!   access" is never wrong on the requests tried), and the answer is proved.

#![allow(clippy::unwrap_used, clippy::panic)]

use moat_policy::diff::{Decided, DiffKind, Options, diff, evaluate_alone, request_of};
use moat_policy::document::read;
use moat_policy::request::{Context, Principal};
use moat_policy::{Decision, NamedPolicy, Request};
use proptest::prelude::*;
use serde_json::{Value, json};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:Get*",
    "s3:*",
    "s3:PutObject",
    "s3:*Object",
    "s3:GetObjec?",
    "kms:Decrypt",
    "kms:*",
    "sts:AssumeRole",
    "*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/a*",
    "arn:aws:s3:::b*",
    "arn:aws:s3:::b/*/x",
    "arn:aws:s3:::c/*",
    "arn:aws:kms:*:111122223333:key/*",
];
/// (operator, key, values)
const CONDITIONS: &[(&str, &str, &[&str])] = &[
    ("Bool", "aws:SecureTransport", &["true"]),
    ("Bool", "aws:SecureTransport", &["false"]),
    ("BoolIfExists", "aws:SecureTransport", &["false"]),
    ("StringLike", "s3:prefix", &["home/*"]),
    ("StringNotLike", "s3:prefix", &["home/*", "shared/*"]),
    ("StringEquals", "s3:prefix", &["home/"]),
    ("StringEquals", "aws:SourceVpce", &["vpce-1"]),
    ("StringNotEqualsIfExists", "aws:SourceVpce", &["vpce-1"]),
    ("StringEqualsIgnoreCase", "aws:SourceVpce", &["VPCE-1"]),
    ("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
    ("NotIpAddress", "aws:SourceIp", &["10.1.0.0/16"]),
    ("NumericLessThan", "s3:max-keys", &["10"]),
    ("NumericGreaterThanEquals", "s3:max-keys", &["5"]),
    ("DateLessThan", "aws:CurrentTime", &["2024-01-01T00:00:00Z"]),
    ("ForAnyValue:StringEquals", "aws:TagKeys", &["a", "b"]),
    ("ForAllValues:StringEquals", "aws:TagKeys", &["a", "b"]),
    ("ForAnyValue:StringLike", "aws:TagKeys", &["b*"]),
    ("Null", "aws:TokenIssueTime", &["true"]),
    ("Null", "aws:TokenIssueTime", &["false"]),
    (
        "ArnLike",
        "aws:SourceArn",
        &["arn:aws:sns:*:111122223333:t*"],
    ),
];
const PRINCIPALS: &[&str] = &[
    r#""*""#,
    r#"{"AWS": "111122223333"}"#,
    r#"{"AWS": "arn:aws:iam::444455556666:root"}"#,
    r#"{"AWS": "arn:aws:iam::444455556666:role/R"}"#,
    r#"{"AWS": "arn:aws:iam::111122223333:user/u"}"#,
    r#"{"Service": "s3.amazonaws.com"}"#,
];

/// One statement: effect, actions, resources, conditions, principal choices.
#[derive(Debug, Clone)]
struct Stmt {
    allow: bool,
    not_action: bool,
    actions: Vec<usize>,
    not_resource: bool,
    resources: Vec<usize>,
    conditions: Vec<usize>,
    principal: Option<(bool, usize)>,
}

fn stmt(with_principal: bool) -> impl Strategy<Value = Stmt> {
    (
        prop::bool::weighted(0.7),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..ACTIONS.len(), 1..3),
        prop::bool::weighted(0.1),
        prop::collection::vec(0..RESOURCES.len(), 1..3),
        prop::collection::vec(0..CONDITIONS.len(), 0..3),
        (prop::bool::weighted(0.15), 0..PRINCIPALS.len()),
    )
        .prop_map(
            move |(allow, not_action, actions, not_resource, resources, conditions, (np, p))| {
                Stmt {
                    allow,
                    not_action,
                    actions,
                    not_resource,
                    resources,
                    conditions,
                    // NotPrincipal only with Deny, as IAM accepts it.
                    principal: with_principal.then_some((np && !allow, p)),
                }
            },
        )
}

fn statement_json(s: &Stmt) -> Value {
    let mut v = json!({"Effect": if s.allow { "Allow" } else { "Deny" }});
    let actions: Vec<&str> = s.actions.iter().map(|i| ACTIONS[*i]).collect();
    v[if s.not_action { "NotAction" } else { "Action" }] = json!(actions);
    let resources: Vec<&str> = s.resources.iter().map(|i| RESOURCES[*i]).collect();
    v[if s.not_resource {
        "NotResource"
    } else {
        "Resource"
    }] = json!(resources);
    let mut condition = serde_json::Map::new();
    for i in &s.conditions {
        let (op, key, values) = CONDITIONS[*i];
        let block = condition.entry(op.to_string()).or_insert_with(|| json!({}));
        block[key] = json!(values);
    }
    if !condition.is_empty() {
        v["Condition"] = Value::Object(condition);
    }
    if let Some((not, p)) = s.principal {
        v[if not { "NotPrincipal" } else { "Principal" }] =
            serde_json::from_str(PRINCIPALS[p]).unwrap();
    }
    v
}

fn policy(name: &str, stmts: &[Stmt]) -> NamedPolicy {
    let statements: Vec<Value> = stmts.iter().map(statement_json).collect();
    let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    let (policy, diagnostics) = read(name, &text);
    assert!(
        !diagnostics.iter().any(moat_source::Diagnostic::is_error),
        "{text}: {diagnostics:?}"
    );
    NamedPolicy {
        name: name.into(),
        policy: policy.unwrap(),
    }
}

/// Requests from the same vocabulary, with values on either side of every bound.
fn sample_requests(kind: DiffKind, seed: u64, count: usize) -> Vec<Request> {
    let actions = [
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:GetObjecX",
        "kms:Decrypt",
        "kms:Encrypt",
        "sts:AssumeRole",
        "iam:PassRole",
    ];
    let resources = [
        "arn:aws:s3:::b",
        "arn:aws:s3:::b/a",
        "arn:aws:s3:::b/x/x",
        "arn:aws:s3:::b/ax",
        "arn:aws:s3:::bc",
        "arn:aws:s3:::c/k",
        "arn:aws:kms:us-east-1:111122223333:key/k",
        "*",
    ];
    let keys: &[(&str, &[&[&str]])] = &[
        ("aws:SecureTransport", &[&["true"], &["false"]]),
        (
            "s3:prefix",
            &[&["home/"], &["home/x"], &["shared/y"], &["other"]],
        ),
        ("aws:SourceVpce", &[&["vpce-1"], &["VPCE-1"], &["vpce-2"]]),
        (
            "aws:SourceIp",
            &[&["10.1.2.3"], &["10.2.0.1"], &["192.0.2.1"]],
        ),
        ("s3:max-keys", &[&["3"], &["5"], &["10"], &["20"]]),
        (
            "aws:CurrentTime",
            &[&["2023-06-01T00:00:00Z"], &["2025-01-01T00:00:00Z"]],
        ),
        (
            "aws:TagKeys",
            &[
                &["a"],
                &["a", "b"],
                &["a", "c"],
                &["c"],
                &["b2"],
                &["a", "b2"],
            ],
        ),
        ("aws:TokenIssueTime", &[&["2024-01-01T00:00:00Z"]]),
        (
            "aws:SourceArn",
            &[
                &["arn:aws:sns:us-east-1:111122223333:t1"],
                &["arn:aws:sns:us-east-1:444455556666:t1"],
            ],
        ),
    ];
    let anyone = vec![
        ("arn:aws:iam::111122223333:user/u", "111122223333"),
        ("arn:aws:iam::111122223333:user/v", "111122223333"),
        ("arn:aws:iam::444455556666:user/x", "111122223333"),
        ("arn:aws:sts::444455556666:assumed-role/R/s", "111122223333"),
        ("arn:aws:iam::444455556666:root", "111122223333"),
        ("arn:aws:iam::111122223333:root", "111122223333"),
        ("anonymous", "111122223333"),
        ("s3.amazonaws.com", "111122223333"),
        ("arn:aws:iam::444455556666:user/x", "444455556666"),
    ];
    let principals: Vec<(&str, &str)> = match kind {
        DiffKind::Resource | DiffKind::Rcp | DiffKind::Endpoint => anyone,
        DiffKind::Session => vec![
            ("arn:aws:sts::111122223333:assumed-role/R/s", "111122223333"),
            ("arn:aws:sts::111122223333:federated-user/f", "111122223333"),
        ],
        _ => vec![
            ("arn:aws:iam::111122223333:user/u", "111122223333"),
            ("arn:aws:sts::111122223333:assumed-role/R/s", "111122223333"),
        ],
    };
    let mut x = seed | 1;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    (0..count)
        .map(|_| {
            let (p, owner) = principals[next(principals.len())];
            let principal = if p == "anonymous" {
                Principal::Anonymous
            } else {
                Principal::parse(p).unwrap()
            };
            let mut context = Context::default();
            for (key, values) in keys {
                let pick = next(values.len() + 1);
                if let Some(v) = values.get(pick) {
                    context.insert(key, v.iter().map(|s| s.to_string()).collect(), v.len() > 1);
                }
            }
            Request {
                principal,
                action: actions[next(actions.len())].to_string(),
                resource: resources[next(resources.len())].to_string(),
                resource_account: Some(owner.to_string()),
                context,
            }
        })
        .collect()
}

fn allowed(kind: DiffKind, p: &NamedPolicy, r: &Request) -> bool {
    evaluate_alone(kind, p, r).is_some_and(|e| e.decision == Decision::Allowed)
}

fn options(kind: DiffKind) -> Options {
    Options {
        kind,
        max_witnesses: 2,
        ..Options::default()
    }
}

fn kind() -> impl Strategy<Value = DiffKind> {
    prop::sample::select(vec![
        DiffKind::Identity,
        DiffKind::Resource,
        DiffKind::Identity,
        DiffKind::Resource,
        DiffKind::Scp,
        DiffKind::Rcp,
        DiffKind::Boundary,
        DiffKind::Session,
        DiffKind::Endpoint,
    ])
}

fn policies() -> impl Strategy<Value = (DiffKind, Vec<Stmt>, Vec<Stmt>)> {
    kind().prop_flat_map(|kind| {
        let with_principal = matches!(
            kind,
            DiffKind::Resource | DiffKind::Rcp | DiffKind::Endpoint
        );
        (
            Just(kind),
            prop::collection::vec(stmt(with_principal), 0..5),
            prop::collection::vec(stmt(with_principal), 0..5),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn a_policy_grants_nothing_new_over_itself((kind, stmts, _) in policies()) {
        let p = policy("p", &stmts);
        let report = diff(&p, &p, &options(kind)).unwrap();
        prop_assert_eq!(report.new_access, Some(false));
        prop_assert_eq!(report.decided, Decided::Proved);
    }

    #[test]
    fn answers_agree_with_sampled_requests((kind, old, new) in policies(), seed in any::<u64>()) {
        let (old, new) = (policy("old", &old), policy("new", &new));
        let report = diff(&old, &new, &options(kind)).unwrap();
        prop_assert_eq!(report.decided, Decided::Proved, "{:?}", report.limits);
        for w in &report.witnesses {
            let r = request_of(w).unwrap();
            prop_assert!(allowed(kind, &new, &r), "witness not allowed by NEW: {}", w.request);
            prop_assert!(!allowed(kind, &old, &r), "witness allowed by OLD: {}", w.request);
        }
        for r in sample_requests(kind, seed, 300) {
            if allowed(kind, &new, &r) && !allowed(kind, &old, &r) {
                prop_assert_eq!(report.new_access, Some(true), "missed new access: {:?}", r);
            }
        }
    }

    #[test]
    fn removing_an_allow_or_adding_a_deny_grants_nothing_new(
        (kind, stmts, extra) in policies(),
        pick in any::<prop::sample::Index>(),
    ) {
        let old = policy("old", &stmts);
        let allows: Vec<usize> = (0..stmts.len()).filter(|i| stmts[*i].allow).collect();
        if !allows.is_empty() {
            let mut fewer = stmts.clone();
            fewer.remove(allows[pick.index(allows.len())]);
            let report = diff(&old, &policy("new", &fewer), &options(kind)).unwrap();
            prop_assert_eq!(report.new_access, Some(false));
        }
        if let Some(mut deny) = extra.first().cloned() {
            deny.allow = false;
            let mut more = stmts.clone();
            more.push(deny);
            let report = diff(&old, &policy("new", &more), &options(kind)).unwrap();
            prop_assert_eq!(report.new_access, Some(false));
        }
    }

    #[test]
    fn adding_allow_all_grants_new_access((_, stmts, _) in policies()) {
        // No statement names every action, so no request for iam:PassRole is
        // allowed before; after, one without any Deny's conditions is.
        let stmts: Vec<Stmt> = stmts
            .into_iter()
            .map(|mut s| {
                s.not_action = false;
                s.actions.retain(|a| ACTIONS[*a] != "*");
                if s.actions.is_empty() {
                    s.actions.push(0);
                }
                s.principal = None;
                s
            })
            .collect();
        let old = policy("old", &stmts);
        let mut more = stmts.clone();
        more.push(Stmt {
            allow: true,
            not_action: false,
            actions: vec![ACTIONS.iter().position(|a| *a == "*").unwrap()],
            not_resource: false,
            resources: vec![0],
            conditions: Vec::new(),
            principal: None,
        });
        let report = diff(&old, &policy("new", &more), &options(DiffKind::Identity)).unwrap();
        prop_assert_eq!(report.new_access, Some(true));
        prop_assert_eq!(report.decided, Decided::Proved);
    }
}
