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

/// Evaluations per second over every case of a file in the exchange shape
/// (compare/bench.mjs writes the peer's cases there, so both tools are timed
/// on the same inputs).
fn cases_per_second(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("case file");
    let file = moat_source::SourceFile::new(path, text);
    let (cases, diagnostics) = moat_policy::cases::read_cases(&file);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    let agree = cases
        .iter()
        .filter(|c| c.expected == Some(evaluate(&c.request, &c.policies).decision))
        .count();
    let mut count: u64 = 0;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2) {
        for case in &cases {
            black_box(evaluate(
                black_box(&case.request),
                black_box(&case.policies),
            ));
        }
        count += cases.len() as u64;
    }
    json!({
        "file": path,
        "cases": cases.len(),
        "agree_with_expected": agree,
        "evaluations_per_second": (count as f64 / start.elapsed().as_secs_f64()).round(),
    })
}

fn main() {
    let results: Vec<_> = [1, 10, 100]
        .into_iter()
        .map(|n| json!({"statements": n, "evaluations_per_second": per_second(n).round()}))
        .collect();
    // MOAT_BENCH_CASES=a.json,b.json: also time the evaluator on those cases.
    let files: Vec<_> = std::env::var("MOAT_BENCH_CASES")
        .map(|v| {
            v.split(',')
                .filter(|s| !s.is_empty())
                .map(cases_per_second)
                .collect()
        })
        .unwrap_or_default();
    println!(
        "{}",
        json!({"tool": "moat", "evaluate": results, "case_files": files})
    );
}
