//! Shapes that multiply classes: fifty statements that each test a tag of
//! their own, a chain of statements sharing one key with the next, and fifty
//! statements over the same eight keys. Each must be decided (not stopped by
//! the limits), with the answer the construction implies. No timing here:
//! `examples/diff_bench.rs` measures.

#![allow(clippy::unwrap_used)]

use moat_policy::NamedPolicy;
use moat_policy::diff::{Decided, Options, diff};
use moat_policy::document::read;
use serde_json::{Value, json};

fn policy(statements: &[Value]) -> NamedPolicy {
    let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    NamedPolicy {
        name: "p".into(),
        policy: read("p", &text).0.unwrap(),
    }
}

fn tagged(n: usize, chain: bool) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let mut condition =
                json!({"StringEquals": {format!("aws:PrincipalTag/k{i}"): format!("v{i}")}});
            if chain {
                condition["StringLike"] =
                    json!({format!("aws:PrincipalTag/k{}", (i + 1) % n): format!("w{i}*")});
            }
            json!({
                "Effect": if i % 10 == 9 { "Deny" } else { "Allow" },
                "Action": "s3:*",
                "Resource": "*",
                "Condition": condition,
            })
        })
        .collect()
}

fn dense(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let mut condition = serde_json::Map::new();
            for k in [i % 8, (i * 3 + 1) % 8, (i * 5 + 2) % 8] {
                let (op, key, value) = match k {
                    0 => (
                        "StringEquals",
                        "aws:SourceVpce",
                        json!(format!("vpce-{}", i % 10)),
                    ),
                    1 => (
                        "IpAddress",
                        "aws:SourceIp",
                        json!(format!("10.{}.0.0/16", i % 10)),
                    ),
                    2 => (
                        "StringLike",
                        "s3:prefix",
                        json!(format!("team-{}/*", i % 10)),
                    ),
                    3 => (
                        "NumericLessThan",
                        "s3:max-keys",
                        json!(format!("{}", 10 * (1 + i % 9))),
                    ),
                    4 => (
                        "StringEquals",
                        "aws:PrincipalTag/team",
                        json!(format!("t{}", i % 10)),
                    ),
                    5 => (
                        "ForAnyValue:StringEquals",
                        "aws:TagKeys",
                        json!([format!("k{}", i % 10)]),
                    ),
                    6 => (
                        "DateLessThan",
                        "aws:CurrentTime",
                        json!(format!("202{}-01-01T00:00:00Z", i % 10)),
                    ),
                    _ => (
                        "Bool",
                        "aws:SecureTransport",
                        json!(if i % 2 == 0 { "true" } else { "false" }),
                    ),
                };
                let block = condition.entry(op.to_string()).or_insert_with(|| json!({}));
                block[key] = value;
            }
            let action = ["s3:*", "s3:Get*", "s3:PutObject"][i % 3];
            json!({
                "Effect": if i % 7 == 6 { "Deny" } else { "Allow" },
                "Action": action,
                "Resource": "*",
                "Condition": condition,
            })
        })
        .collect()
}

fn check(statements: Vec<Value>) {
    let p = policy(&statements);
    let same = diff(&p, &p, &Options::default()).unwrap();
    assert_eq!(
        (same.new_access, same.decided),
        (Some(false), Decided::Proved),
        "{:?}",
        same.limits
    );
    // Without its first Allow, the policy grants less; with it back, more.
    let first = statements
        .iter()
        .position(|s| s["Effect"] == "Allow")
        .unwrap();
    let mut fewer = statements.clone();
    fewer.remove(first);
    let less = policy(&fewer);
    let narrowed = diff(&p, &less, &Options::default()).unwrap();
    assert_eq!(
        (narrowed.new_access, narrowed.decided),
        (Some(false), Decided::Proved)
    );
    let widened = diff(&less, &p, &Options::default()).unwrap();
    assert_eq!(widened.decided, Decided::Proved, "{:?}", widened.limits);
}

#[test]
fn fifty_statements_with_a_tag_each() {
    check(tagged(50, false));
}

#[test]
fn fifty_statements_in_a_chain_of_shared_keys() {
    check(tagged(50, true));
}

#[test]
fn fifty_statements_over_eight_shared_keys() {
    check(dense(50));
}
