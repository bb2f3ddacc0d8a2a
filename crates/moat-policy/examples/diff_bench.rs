//! Times `moat_policy::diff` on two 50-statement policies (run with
//! `cargo run --release -p moat-policy --example diff_bench`). Not a test:
//! the numbers go to the report, nothing asserts on them.

use moat_policy::NamedPolicy;
use moat_policy::diff::{DiffKind, Options, diff};
use moat_policy::document::read;
use serde_json::{Value, json};
use std::time::Instant;

/// A deterministic 50-statement policy in the style of real ones: per-team
/// buckets and prefixes, action families, TLS, VPC endpoint, IP and tag
/// conditions, and a few denies.
fn statements(seed: u64, count: usize, principals: bool) -> Vec<Value> {
    let families = [
        "s3:GetObject",
        "s3:Get*",
        "s3:PutObject",
        "s3:List*",
        "s3:DeleteObject",
        "s3:*Object",
        "s3:GetObjectVersion",
        "s3:PutObjectAcl",
        "s3:ListBucket",
        "s3:*",
        "kms:Decrypt",
        "kms:GenerateDataKey*",
    ];
    let mut x = seed;
    let mut next = move |n: usize| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((x >> 33) as usize) % n
    };
    (0..count)
        .map(|i| {
            let team = i % 17;
            let deny = i % 9 == 8;
            let actions: Vec<&str> = (0..1 + next(3)).map(|_| families[next(families.len())]).collect();
            let resource = match next(4) {
                0 => format!("arn:aws:s3:::team-{team}-data/*"),
                1 => format!("arn:aws:s3:::team-{team}-data/reports/{}*", next(5)),
                2 => format!("arn:aws:s3:::team-{team}-*"),
                _ => format!("arn:aws:s3:::shared-{}/team-{team}/*", next(3)),
            };
            let mut s = json!({
                "Sid": format!("S{i}"),
                "Effect": if deny { "Deny" } else { "Allow" },
                "Action": actions,
                "Resource": [resource, format!("arn:aws:s3:::team-{team}-data")],
            });
            let condition = match next(7) {
                0 => Some(json!({"Bool": {"aws:SecureTransport": if deny { "false" } else { "true" }}})),
                1 => Some(json!({"StringEquals": {"aws:SourceVpce": format!("vpce-{}", next(4))}})),
                2 => Some(json!({"IpAddress": {"aws:SourceIp": format!("10.{}.0.0/16", next(8))}})),
                3 => Some(json!({"StringLike": {"s3:prefix": [format!("team-{team}/*"), "shared/*"]}})),
                4 => Some(json!({"StringEquals": {"aws:PrincipalTag/team": format!("team-{team}")}})),
                _ => None,
            };
            if let Some(c) = condition {
                s["Condition"] = c;
            }
            if principals {
                s["Principal"] = json!({"AWS": format!("arn:aws:iam::{:012}:root", 111_122_223_333u64 + (next(5) as u64))});
            }
            s
        })
        .collect()
}

/// A harder shape: every statement has two or three conditions over twelve
/// keys (strings, patterns, numbers, dates, addresses, tag sets), so the
/// context classes of many statements must be combined; `dense` puts every
/// statement on every resource, so all of them meet in one class.
fn conditioned(seed: u64, count: usize, dense: bool) -> Vec<Value> {
    let mut x = seed;
    let mut next = move |n: usize| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((x >> 33) as usize) % n
    };
    (0..count)
        .map(|i| {
            let mut condition = serde_json::Map::new();
            for _ in 0..2 + next(2) {
                let (op, key, value) = match next(12) {
                    0 => ("Bool", "aws:SecureTransport", json!("true")),
                    1 => (
                        "StringEquals",
                        "aws:SourceVpce",
                        json!(format!("vpce-{}", next(6))),
                    ),
                    2 => (
                        "IpAddress",
                        "aws:SourceIp",
                        json!(format!("10.{}.0.0/16", next(6))),
                    ),
                    3 => (
                        "StringLike",
                        "s3:prefix",
                        json!(format!("team-{}/*", next(6))),
                    ),
                    4 => (
                        "StringEquals",
                        "aws:PrincipalTag/team",
                        json!(format!("t{}", next(6))),
                    ),
                    5 => (
                        "NumericLessThan",
                        "s3:max-keys",
                        json!(format!("{}", 10 * (1 + next(6)))),
                    ),
                    6 => (
                        "DateLessThan",
                        "aws:CurrentTime",
                        json!(format!("202{}-01-01T00:00:00Z", next(6))),
                    ),
                    7 => (
                        "ForAnyValue:StringEquals",
                        "aws:TagKeys",
                        json!([format!("k{}", next(6))]),
                    ),
                    8 => (
                        "StringNotEquals",
                        "aws:PrincipalAccount",
                        json!(format!("{:012}", next(6))),
                    ),
                    9 => (
                        "ArnLike",
                        "aws:SourceArn",
                        json!(format!("arn:aws:sns:*:*:topic-{}", next(6))),
                    ),
                    10 => ("StringEqualsIfExists", "s3:x-amz-acl", json!("private")),
                    _ => ("Null", "aws:TokenIssueTime", json!("false")),
                };
                let block = condition.entry(op.to_string()).or_insert_with(|| json!({}));
                block[key] = value;
            }
            let action = ["s3:GetObject", "s3:PutObject", "s3:List*", "s3:*"][next(4)];
            json!({
                "Sid": format!("C{i}"),
                "Effect": if i % 7 == 6 { "Deny" } else { "Allow" },
                "Action": action,
                "Resource": if dense { "*".to_string() } else { format!("arn:aws:s3:::bucket-{}/*", next(10)) },
                "Condition": condition,
            })
        })
        .collect()
}

fn policy(name: &str, statements: &[Value]) -> NamedPolicy {
    let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    let (policy, _) = read(name, &text);
    NamedPolicy {
        name: name.into(),
        policy: policy.unwrap_or_else(|| std::process::exit(2)),
    }
}

fn time(label: &str, old: &NamedPolicy, new: &NamedPolicy, kind: DiffKind) {
    let options = Options {
        kind,
        ..Options::default()
    };
    let runs = 5;
    let start = Instant::now();
    let mut last = None;
    for _ in 0..runs {
        last = Some(diff(old, new, &options));
    }
    let per = start.elapsed() / runs;
    match last {
        Some(Ok(r)) => println!(
            "{label}: {per:?} per diff; new access {:?} ({:?}), {} evaluations, {} combinations, classes: {} principal, {} action, {} resource, {} context keys",
            r.new_access,
            r.decided,
            r.stats.evaluations,
            r.stats.combinations,
            r.stats.principal_classes,
            r.stats.action_classes,
            r.stats.resource_classes,
            r.stats.context_keys
        ),
        other => println!("{label}: {other:?}"),
    }
}

fn main() {
    for (kind, principals) in [(DiffKind::Identity, false), (DiffKind::Resource, true)] {
        let base = statements(7, 50, principals);
        let old = policy("old", &base);
        // Same statements, reordered: no new access, so every class is visited.
        let mut reordered = base.clone();
        reordered.reverse();
        time(
            &format!("{kind:?} 50 vs 50, reordered"),
            &old,
            &policy("new", &reordered),
            kind,
        );
        // One statement dropped: no new access either.
        let mut fewer = base.clone();
        fewer.remove(10);
        time(
            &format!("{kind:?} 50 vs 49, one removed"),
            &old,
            &policy("new", &fewer),
            kind,
        );
        // Fifty other statements: new access, found early.
        time(
            &format!("{kind:?} 50 vs 50 others"),
            &old,
            &policy("new", &statements(8, 50, principals)),
            kind,
        );
    }
    for dense in [false, true] {
        let label = if dense {
            "conditions, all on *"
        } else {
            "conditions"
        };
        let base = conditioned(11, 50, dense);
        let old = policy("old", &base);
        let mut reordered = base.clone();
        reordered.reverse();
        time(
            &format!("{label} 50 vs 50, reordered"),
            &old,
            &policy("new", &reordered),
            DiffKind::Identity,
        );
        let mut fewer = base.clone();
        fewer.remove(3);
        time(
            &format!("{label} 50 vs 49, one removed"),
            &old,
            &policy("new", &fewer),
            DiffKind::Identity,
        );
        time(
            &format!("{label} 50 vs 50 others"),
            &old,
            &policy("new", &conditioned(12, 50, dense)),
            DiffKind::Identity,
        );
    }
}
