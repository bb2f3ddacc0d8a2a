#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End-to-end: `moat threats MODEL --account-snapshot FILE --bucket-policy
//! BUCKET=FILE` shows which principals can carry out each threat on an S3
//! bucket element (docs/policy.md, "Threat reachability"), on the example
//! model examples/reachability/model.yaml and the who-can fixtures.

mod common;
use common::*;
use serde_json::Value;

const MODEL: &str = "examples/reachability/model.yaml";
const SNAPSHOT: &str = "crates/moat-policy/tests/fixtures/whocan/acme-account.json";
const POLICY: &str =
    "acme-reports=crates/moat-policy/tests/fixtures/whocan/acme-reports-bucket-policy.json";

fn with_snapshot(extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "threats",
        MODEL,
        "--account-snapshot",
        SNAPSHOT,
        "--bucket-policy",
        POLICY,
    ];
    args.extend_from_slice(extra);
    args.into_iter().map(String::from).collect()
}

fn run(args: &[String]) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&args)
}

fn result<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["threats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result {id}"))
}

fn names(reach: &Value) -> Vec<&str> {
    reach["reachable_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect()
}

#[test]
fn text_shows_who_reaches_each_bucket_threat() {
    let out = run(&with_snapshot(&["--min-severity", "high"]));
    let start = out
        .find("\nreachability (")
        .expect("a reachability section");
    let end = out.rfind("\n\n").unwrap();
    insta::assert_snapshot!("threats_reachability_text", &out[start + 1..end]);
    // Writes are reachable by the pipeline role, through its VPC endpoint only.
    assert!(out.contains(
        "  T-S3-033 on Reports bucket: reachable by: 4 principals (root, alice, role/DataPipeline, role/BreakGlass)"
    ));
    assert!(out.contains("        when s3:PutObject: only via VPC endpoint vpce-1a2b3c4d"));
    // A bucket element without a name is said, never skipped.
    assert!(out.contains(
        "  T-S3-033 on Archive bucket: reachability unknown: the element names no bucket"
    ));
}

#[test]
fn json_carries_reachable_by() {
    let json: Value = serde_json::from_str(&run(&with_snapshot(&["-f", "json"]))).unwrap();
    // s3:PutObject: bob and carol write only under prefixes, dave's boundary stops him.
    let put = &result(&json, "T-S3-033@reports")["reachability"];
    assert_eq!(put["status"], "computed");
    assert_eq!(put["bucket"], "arn:aws:s3:::acme-reports");
    assert_eq!(put["access"], "s3:PutObject");
    assert_eq!(
        names(put),
        ["root", "alice", "role/DataPipeline", "role/BreakGlass"]
    );
    let pipeline = &put["reachable_by"][2];
    assert_eq!(pipeline["kind"], "role");
    assert_eq!(
        pipeline["principal"],
        "arn:aws:iam::111122223333:role/service/DataPipeline"
    );
    assert_eq!(pipeline["decision"], "allowed_when");
    assert_eq!(pipeline["proof"], "proved");
    assert_eq!(
        pipeline["conditions"][0],
        "s3:PutObject: only via VPC endpoint vpce-1a2b3c4d"
    );
    // s3:PutObject is the whole expression: nothing optional to hold.
    assert!(put["reachable_by"][1].get("also_holds").is_none());

    // An AND with an OPTIONAL part: the optional action is "also holds".
    let copy = &result(&json, "T-S3-032@reports")["reachability"];
    assert_eq!(copy["access"], "s3:GetObject AND optional(s3:ListBucket)");
    let alice = &copy["reachable_by"][1];
    assert_eq!(alice["name"], "alice");
    assert_eq!(alice["actions"], serde_json::json!(["s3:GetObject"]));
    assert_eq!(alice["also_holds"], serde_json::json!(["s3:ListBucket"]));
    // The pipeline role can read but not list: reachable, without "also holds".
    let pipeline = copy["reachable_by"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "role/DataPipeline")
        .unwrap();
    assert!(pipeline.get("also_holds").is_none());

    // Only OPTIONAL actions: no permission needed.
    assert_eq!(
        result(&json, "T-S3-029@reports")["reachability"]["status"],
        "no_permission_needed"
    );
    // The unnamed bucket: unknown, with the reason.
    let archive = &result(&json, "T-S3-033@archive")["reachability"];
    assert_eq!(archive["status"], "unknown");
    assert!(
        archive["reason"]
            .as_str()
            .unwrap()
            .starts_with("the element names no bucket")
    );
    // Flows and actors get no reachability.
    for r in json["threats"].as_array().unwrap() {
        let on_bucket = r["target_id"] == "reports" || r["target_id"] == "archive";
        assert_eq!(r.get("reachability").is_some(), on_bucket, "{}", r["id"]);
    }
}

#[test]
fn markdown_has_a_reachability_section() {
    let out = run(&with_snapshot(&["-f", "md", "--min-severity", "high"]));
    assert!(out.contains("## Reachability"));
    assert!(out.contains(
        "- `T-S3-033` on Reports bucket: reachable by: 4 principals (root, alice, role/DataPipeline, role/BreakGlass); needs `s3:PutObject`"
    ));
    assert!(out.contains(
        "  - **role/DataPipeline** (role) via `s3:PutObject`, proved; when s3:PutObject: only via VPC endpoint vpce-1a2b3c4d"
    ));
    assert!(out.contains(
        "- `T-S3-033` on Archive bucket: reachability unknown: the element names no bucket"
    ));
}

#[test]
fn without_a_snapshot_nothing_changes() {
    let text = ok(&["threats", MODEL]);
    assert!(!text.contains("reachab"));
    let md = ok(&["threats", MODEL, "-f", "md"]);
    assert!(!md.contains("Reachability"));
    let json = ok(&["threats", MODEL, "-f", "json"]);
    assert!(!json.contains("\"reachability\""));
}

#[test]
fn without_the_bucket_policy_a_note_says_so() {
    let out = ok(&[
        "threats",
        MODEL,
        "--account-snapshot",
        SNAPSHOT,
        "--min-severity",
        "high",
    ]);
    assert!(out.contains(
        "note: no bucket policy given for `acme-reports`: decided from the snapshot's policies alone"
    ));
}

#[test]
fn bad_bucket_policy_arguments() {
    let out = moat(&[
        "threats",
        MODEL,
        "--account-snapshot",
        SNAPSHOT,
        "--bucket-policy",
        "policy.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not BUCKET=FILE"));
    // A bucket the model does not name: a warning, the run goes on.
    let out = moat(&[
        "threats",
        MODEL,
        "--account-snapshot",
        SNAPSHOT,
        "--bucket-policy",
        "other-bucket=crates/moat-policy/tests/fixtures/whocan/acme-reports-bucket-policy.json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no S3 bucket element of the model names the bucket `other-bucket`")
    );
    // --bucket-policy needs --account-snapshot.
    let out = moat(&["threats", MODEL, "--bucket-policy", POLICY]);
    assert_eq!(out.status.code(), Some(2));
    // A snapshot that cannot be read: exit 2.
    let out = moat(&["threats", MODEL, "--account-snapshot", "no/such/file.json"]);
    assert_eq!(out.status.code(), Some(2));
}
