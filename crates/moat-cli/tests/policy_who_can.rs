#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End-to-end: `moat policy who-can` and `moat policy trust` on the fixtures
//! of crates/moat-policy/tests/fixtures.

mod common;
use common::*;

const FIXTURES: &str = "crates/moat-policy/tests/fixtures";

fn fixture(path: &str) -> String {
    format!("{FIXTURES}/{path}")
}

#[test]
fn who_can_delete_the_reports() {
    let snapshot = fixture("whocan/acme-account.json");
    let bucket = fixture("whocan/acme-reports-bucket-policy.json");
    let scp = fixture("whocan/deny-deletes-scp.json");
    let rcp = fixture("whocan/org-identities-rcp.json");
    let args = [
        "policy",
        "who-can",
        "s3:DeleteObject",
        "arn:aws:s3:::acme-reports/reports/q1.csv",
        "--account-snapshot",
        &snapshot,
        "--bucket-policy",
        &bucket,
        "--scp",
        &scp,
        "--rcp",
        &rcp,
        "--org-id",
        "o-acme1234",
    ];
    let out = moat(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The snapshot names a managed policy it does not hold: a located warning.
    assert!(stderr(&out).contains("acme-account.json:324:17: warning: managed policy"));
    insta::assert_snapshot!("who_can_delete_reports", stdout(&out));

    let mut json_args = args.to_vec();
    json_args.extend(["-f", "json"]);
    let json: serde_json::Value = serde_json::from_str(&ok(&json_args)).unwrap();
    assert_eq!(json["summary"]["allowed_when"], 1);
    let principals = json["principals"].as_array().unwrap();
    let breakglass = principals
        .iter()
        .find(|p| p["name"] == "BreakGlass")
        .unwrap();
    assert_eq!(breakglass["decision"], "allowed-when");
    assert_eq!(breakglass["proof"], "proved");
    assert_eq!(
        breakglass["conditions"][0]["text"],
        "requires TLS (aws:SecureTransport = true)"
    );
    let carol = principals.iter().find(|p| p["name"] == "carol").unwrap();
    assert_eq!(carol["decision"], "denied");
    assert_eq!(carol["statements"][0]["policy"], scp);
    assert_eq!(carol["statements"][0]["location"]["line"], 4);
}

#[test]
fn who_can_with_a_broken_snapshot_answers_and_exits_2() {
    let snapshot = temp_file(
        "broken-snapshot.json",
        r#"{"UserDetailList": [
  {"UserName": "ok", "Arn": "arn:aws:iam::111122223333:user/ok", "UserPolicyList": [
    {"PolicyName": "all", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}}]},
  {"UserName": "bad", "Arn": "arn:aws:iam::111122223333:user/bad", "UserPolicyList": [
    {"PolicyName": "typo", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Acton": "s3:*", "Resource": "*"}}}]}
]}"#,
    );
    let out = moat(&[
        "policy",
        "who-can",
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        "--account-snapshot",
        snapshot.to_str().unwrap(),
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("broken-snapshot.json:5:105: error: unknown statement element `Acton`"),
        "{}",
        stderr(&out)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let principals = json["principals"].as_array().unwrap();
    let ok = principals.iter().find(|p| p["name"] == "ok").unwrap();
    assert_eq!(ok["decision"], "allowed");
    let bad = principals.iter().find(|p| p["name"] == "bad").unwrap();
    assert_eq!(bad["decision"], "not-allowed");
    assert_eq!(
        bad["proof"], "assumed",
        "its broken policy might have granted"
    );
}

#[test]
fn trust_findings_and_fail_on() {
    let policy = fixture("trust/github-org-wildcard.json");
    let out = moat(&["policy", "trust", &policy]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("trust_github_org_wildcard", stdout(&out));
    let failing = moat(&["policy", "trust", &policy, "--fail-on", "high"]);
    assert_eq!(failing.status.code(), Some(1));
    let passing = moat(&["policy", "trust", &policy, "--fail-on", "critical"]);
    assert_eq!(passing.status.code(), Some(0));

    let snapshot = fixture("whocan/acme-account.json");
    let ec2 = fixture("trust/ec2-instance-role.json");
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "policy",
        "trust",
        &ec2,
        "--account-snapshot",
        &snapshot,
        "--role",
        "DataPipeline",
        "-f",
        "json",
    ]))
    .unwrap();
    assert_eq!(
        json["role"],
        "arn:aws:iam::111122223333:role/service/DataPipeline"
    );
    let finding = &json["findings"][0];
    assert_eq!(finding["id"], "pass-role");
    assert_eq!(finding["severity"], "medium");
    assert_eq!(finding["location"]["line"], 4);
    assert!(
        finding["doc"]
            .as_str()
            .unwrap()
            .starts_with("https://docs.aws.amazon.com/")
    );
    let names: Vec<&str> = finding["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["root", "alice", "grace", "BreakGlass"]);
}

#[test]
fn trust_of_an_unreadable_policy_is_an_input_error() {
    let policy = temp_file(
        "trust-typo.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Efect": "Allow"}]}"#,
    );
    let out = moat(&["policy", "trust", policy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("trust-typo.json:1:42: error: unknown statement element `Efect`"),
        "{}",
        stderr(&out)
    );
}
