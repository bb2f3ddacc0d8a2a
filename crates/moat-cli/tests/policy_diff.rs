#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `moat policy diff` and `moat policy check-access-not-granted`: exit codes
//! (0 none, 1 new access or granted, 2 input errors), JSON fields, and
//! witnesses that `moat policy eval --check` replays.

mod common;
use common::*;

const READ_PUBLIC: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/public/*"}]}"#;
const READ_WRITE_ALL: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "ReadWrite", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*"}]}"#;

#[test]
fn no_new_access_exits_zero() {
    let old = temp_file("diff-old.json", READ_WRITE_ALL);
    let new = temp_file("diff-new.json", READ_PUBLIC);
    let out = moat(&[
        "policy",
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("new access: no (proved)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn new_access_exits_one_with_a_witness_eval_replays() {
    let old = temp_file("grow-old.json", READ_PUBLIC);
    let new = temp_file("grow-new.json", READ_WRITE_ALL);
    let cases = std::env::temp_dir().join(format!("moat-diff-cases-{}.json", std::process::id()));
    let out = moat(&[
        "policy",
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "-f",
        "json",
        "--cases",
        cases.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["new_access"], true);
    assert_eq!(json["decided"], "proved");
    let witnesses = json["witnesses"].as_array().unwrap();
    assert!(!witnesses.is_empty());
    assert_eq!(witnesses[0]["expected"]["response"], "Allowed");
    // The witnesses are cases: `moat policy eval --check` agrees with them.
    let replay = moat(&["policy", "eval", cases.to_str().unwrap(), "--check"]);
    assert_eq!(replay.status.code(), Some(0), "{}", stdout(&replay));
    assert!(stdout(&replay).contains(" passed, 0 failed"));
}

#[test]
fn resource_kind_reports_a_new_account() {
    let old = temp_file(
        "bucket-old.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reader"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*"}]}"#,
    );
    let new = temp_file(
        "bucket-new.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:role/Reader", "444455556666"]},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*"}]}"#,
    );
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let out = moat(&["policy", "diff", old, new, "--kind", "resource"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("444455556666"), "{}", stdout(&out));
    let out = moat(&["policy", "diff", new, old, "--kind", "resource"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn input_errors_exit_two() {
    let good = temp_file("good.json", READ_PUBLIC);
    let bad = temp_file(
        "bad.json",
        r#"{"Statement": [{"Effect": "Alow", "Action": "s3:GetObject"}]}"#,
    );
    let out = moat(&[
        "policy",
        "diff",
        bad.to_str().unwrap(),
        good.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Alow"), "{}", stderr(&out));
    let out = moat(&[
        "policy",
        "diff",
        good.to_str().unwrap(),
        "no-such-file.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = moat(&[
        "policy",
        "diff",
        good.to_str().unwrap(),
        good.to_str().unwrap(),
        "--kind",
        "bucket",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = moat(&["policy", "check-access-not-granted", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "--action is required");
}

#[test]
fn check_access_not_granted_exit_codes() {
    let policy = temp_file("check.json", READ_WRITE_ALL);
    let p = policy.to_str().unwrap();
    let out = moat(&[
        "policy",
        "check-access-not-granted",
        p,
        "--action",
        "s3:DeleteObject",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("access granted: no (proved)"));
    let out = moat(&[
        "policy",
        "check-access-not-granted",
        p,
        "--action",
        "s3:PutObject",
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["access_granted"], true);
    assert_eq!(json["witnesses"][0]["request"]["action"], "s3:PutObject");
    // The bucket itself is not an object: no PutObject on it is granted.
    let out = moat(&[
        "policy",
        "check-access-not-granted",
        p,
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::amzn-s3-demo-bucket",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn a_search_cut_short_is_undecided_and_exits_one() {
    let old = temp_file("cut-old.json", READ_PUBLIC);
    let out = moat(&[
        "policy",
        "diff",
        old.to_str().unwrap(),
        old.to_str().unwrap(),
        "--max-evaluations",
        "1",
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["decided"], "undecided");
    assert_eq!(json["new_access"], serde_json::Value::Null);
}
