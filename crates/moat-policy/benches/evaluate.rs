//! Evaluations per second for identity policies of 1, 10 and 100 statements
//! (docs/performance.md). Run: `cargo bench -p moat-policy --bench evaluate`.
//! Prints one JSON object so compare/ can put the peer's numbers beside it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use moat_policy::{Context, NamedPolicy, PolicySet, Principal, Request, evaluate};
use serde_json::json;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// A policy of `n` statements in the shapes real policies have: wildcard
/// actions, object ARNs with wildcards, a condition on most statements; the
/// request matches only the last one, so every statement is examined.
fn policy(n: usize) -> NamedPolicy {
    let statements: Vec<_> = (0..n)
        .map(|i| {
            let last = i + 1 == n;
            let mut s = json!({
                "Sid": format!("S{i}"),
                "Effect": "Allow",
                "Action": if last { json!(["s3:GetObject", "s3:GetObjectVersion"]) } else { json!([format!("s3:Put*{i}"), "s3:List*"]) },
                "Resource": if last { json!("arn:aws:s3:::data-bucket/reports/*") } else { json!(format!("arn:aws:s3:::bucket-{i}/*")) },
            });
            if i % 3 != 2 {
                s["Condition"] = json!({
                    "Bool": {"aws:SecureTransport": "true"},
                    "StringLike": {"aws:PrincipalTag/team": ["data-*", "analytics"]},
                });
            }
            s
        })
        .collect();
    let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    let (policy, diagnostics) = moat_policy::document::read("bench.json", &text);
    assert!(diagnostics.is_empty());
    NamedPolicy {
        name: "bench".into(),
        policy: policy.unwrap(),
    }
}

fn request() -> Request {
    let mut context = Context::default();
    context.insert("aws:SecureTransport", vec!["true".into()], false);
    context.insert("aws:PrincipalTag/team", vec!["data-eng".into()], false);
    context.insert("aws:SourceIp", vec!["203.0.113.9".into()], false);
    Request {
        principal: Principal::parse("arn:aws:sts::111122223333:assumed-role/Analyst/alice")
            .unwrap(),
        action: "s3:GetObject".into(),
        resource: "arn:aws:s3:::data-bucket/reports/2026/q4.csv".into(),
        resource_account: Some("111122223333".into()),
        context,
    }
}

fn per_second(n: usize) -> f64 {
    let set = PolicySet {
        identity: vec![policy(n)],
        ..PolicySet::default()
    };
    let request = request();
    assert_eq!(
        evaluate(&request, &set).decision,
        moat_policy::Decision::Allowed
    );
    let mut count: u64 = 0;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2) {
        for _ in 0..1000 {
            black_box(evaluate(black_box(&request), black_box(&set)));
        }
        count += 1000;
    }
    count as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let results: Vec<_> = [1, 10, 100]
        .into_iter()
        .map(|n| json!({"statements": n, "evaluations_per_second": per_second(n).round()}))
        .collect();
    println!("{}", json!({"tool": "moat", "evaluate": results}));
}
