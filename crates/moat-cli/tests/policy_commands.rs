//! `moat policy eval` and `moat policy public` end to end: decisions with the
//! statements that decide them, exit codes, located errors.

mod common;
use common::{moat, stderr, stdout};

const DIR: &str = "crates/moat-cli/tests/fixtures/policy";

#[test]
fn eval_check_reports_each_case_and_fails_on_a_mismatch() {
    let out = moat(&["policy", "eval", &format!("{DIR}/cases.json"), "--check"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("ok     anonymous-read-through-public-policy: Allowed"),
        "{text}"
    );
    assert!(
        text.contains("FAILED plain-http-is-denied: ExplicitlyDenied (expected Allowed)"),
        "{text}"
    );
    assert!(
        text.contains(
            "Deny statement `DenyInsecureTransport` of resource-based policy `resourcePolicy`"
        ),
        "{text}"
    );
    assert!(text.ends_with("1 passed, 1 failed\n"), "{text}");
}

#[test]
fn eval_json_carries_every_decision() {
    let out = moat(&["policy", "eval", &format!("{DIR}/cases.json"), "-f", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap_or_default();
    assert_eq!(value["results"][1]["response"], "ExplicitlyDenied");
    assert_eq!(
        value["results"][1]["statements"][0]["statement"],
        "DenyInsecureTransport"
    );
    assert_eq!(value["summary"]["cases"], 2);
}

#[test]
fn a_broken_case_is_a_located_error_not_a_pass() {
    let out = moat(&[
        "policy",
        "eval",
        &format!("{DIR}/broken-cases.json"),
        "--check",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("broken-cases.json:3:75: error: unknown statement element `Acton`"),
        "{err}"
    );
    assert!(stdout(&out).contains("0 passed, 0 failed"));
}

#[test]
fn public_policy_is_reported_and_fails_the_run() {
    let out = moat(&["policy", "public", &format!("{DIR}/public-read.json")]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("public-read.json: PUBLIC"), "{text}");
    assert!(
        text.contains("statement `PublicRead` allows `Principal: \"*\"` with no condition"),
        "{text}"
    );
}

#[test]
fn restrict_public_buckets_blocks_it() {
    let out = moat(&[
        "policy",
        "public",
        &format!("{DIR}/public-read.json"),
        "--block-public-access",
        "restrict-public-buckets",
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap_or_default();
    assert_eq!(value[0]["public"], true);
    assert_eq!(value[0]["public_access_effective"], false);
}

#[test]
fn a_fixed_endpoint_makes_a_policy_not_public() {
    let out = moat(&["policy", "public", &format!("{DIR}/vpce-only.json")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("vpce-only.json: not public"));
}

#[test]
fn validate_locates_each_finding_and_strict_fails_on_warnings() {
    let file = format!("{DIR}/risky-bucket-policy.json");
    let out = moat(&["policy", "validate", &file]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("risky-bucket-policy.json:9:83: warning: `ForAllValues` on the single-valued key `aws:SourceVpce`"), "{err}");
    assert!(err.contains("risky-bucket-policy.json:11:20: warning: this `Deny` does not apply to requests signed with long-term access keys"), "{err}");
    assert!(stdout(&out).contains("(read as a resource-based policy): 0 errors, 2 warnings"));
    let strict = moat(&["policy", "validate", &file, "--strict"]);
    assert_eq!(strict.status.code(), Some(2));
}

#[test]
fn validate_refuses_a_principal_in_an_identity_policy() {
    let out = moat(&[
        "policy",
        "validate",
        &format!("{DIR}/public-read.json"),
        "--kind",
        "identity",
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap_or_default();
    let codes: Vec<&str> = value[0]["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|d| d["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        codes.contains(&"policy::principal-in-identity-policy"),
        "{codes:?}"
    );
}
