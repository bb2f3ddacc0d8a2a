//! Lowering on answers written by hand, judged by the real checks: what
//! the API says, what "not configured" means, and that a failed call makes
//! the checks that need it answer "unknown", never "pass".

use crate::answer::{Account, Answer, Kind, Resource};
use crate::calls::{self, Call};
use moat_checks::Outcome;
use serde_json::json;

fn bucket(name: &str, answers: Vec<(Call, Answer)>) -> Resource {
    let mut r = Resource::new(format!("arn:aws:s3:::{name}"), Kind::Bucket);
    r.answers
        .push((calls::LIST_BUCKETS, Answer::Data(json!({"Name": name}))));
    r.answers.extend(answers);
    r
}

fn not_configured(call: Call, code: &str) -> (Call, Answer) {
    let a = Answer::error(call, code, "not set");
    assert!(matches!(a, Answer::NotConfigured { .. }), "{code}");
    (call, a)
}

/// An account with `resources`; without Block Public Access of its own
/// unless they give it (a bucket's settings are unknown until the account's are read).
fn account(mut resources: Vec<Resource>) -> Account {
    if !resources
        .iter()
        .any(|r| r.kind == Kind::AccountPublicAccessBlock)
    {
        let mut r = Resource::new("account 111122223333", Kind::AccountPublicAccessBlock);
        r.answers.push(not_configured(
            calls::GET_ACCOUNT_PAB,
            "NoSuchPublicAccessBlockConfiguration",
        ));
        resources.push(r);
    }
    Account {
        id: Some("111122223333".to_string()),
        regions: vec!["us-east-1".to_string()],
        resources,
        ..Account::default()
    }
}

/// The outcome of check `id` on `resource`, with its message and location.
fn verdict(account: &Account, id: &str, resource: &str) -> (Outcome, String, String) {
    let (inventory, _) = super::lower(account);
    let checks: Vec<_> = moat_checks::registry::ALL
        .iter()
        .filter(|c| c.id == id)
        .copied()
        .collect();
    let v = moat_checks::run(&checks, &inventory)
        .into_iter()
        .find(|v| v.resource == resource)
        .unwrap_or_else(|| panic!("no {id} verdict on {resource}"));
    let at = inventory.files[v.file].location(v.span);
    (
        v.outcome,
        v.message.to_string(),
        format!("{}:{}", at.file, at.line),
    )
}

const PUBLIC_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;

fn pab(all: bool) -> Answer {
    Answer::Data(json!({"PublicAccessBlockConfiguration": {
        "BlockPublicAcls": all, "IgnorePublicAcls": all,
        "BlockPublicPolicy": all, "RestrictPublicBuckets": all,
    }}))
}

#[test]
fn a_public_policy_is_found_public_at_the_statement() {
    let a = account(vec![bucket(
        "b",
        vec![
            (calls::GET_BUCKET_PAB, pab(false)),
            (
                calls::GET_BUCKET_POLICY,
                Answer::Data(
                    json!({"Policy": serde_json::from_str::<serde_json::Value>(PUBLIC_POLICY).unwrap()}),
                ),
            ),
        ],
    )]);
    let (outcome, message, at) = verdict(&a, "CHK-S3-003", "arn:aws:s3:::b");
    assert_eq!(outcome, Outcome::Fail, "{message}");
    assert_eq!(at, "s3:GetBucketPolicy arn:aws:s3:::b:4");
}

#[test]
fn a_refused_policy_read_is_unknown_not_pass() {
    let a = account(vec![bucket(
        "b",
        vec![
            (calls::GET_BUCKET_PAB, pab(false)),
            (
                calls::GET_BUCKET_POLICY,
                Answer::error(calls::GET_BUCKET_POLICY, "AccessDenied", "Access Denied"),
            ),
        ],
    )]);
    let (outcome, message, _) = verdict(&a, "CHK-S3-003", "arn:aws:s3:::b");
    assert_eq!(outcome, Outcome::Unknown);
    assert!(
        message.contains("s3:GetBucketPolicy was refused: AccessDenied: Access Denied"),
        "{message}"
    );
    let (_, diagnostics) = super::lower(&a);
    assert!(diagnostics.iter().any(|d| {
        d.is_error()
            && d.message.contains("s3:GetBucketPolicy was refused")
            && d.location
                .as_ref()
                .is_some_and(|l| l.file == "s3:GetBucketPolicy arn:aws:s3:::b")
    }));
}

#[test]
fn a_refused_versioning_read_is_unknown_and_a_missing_status_is_off() {
    let refused = account(vec![bucket(
        "b",
        vec![(
            calls::GET_BUCKET_VERSIONING,
            Answer::error(calls::GET_BUCKET_VERSIONING, "AccessDenied", ""),
        )],
    )]);
    let (outcome, message, at) = verdict(&refused, "CHK-S3-005", "arn:aws:s3:::b");
    assert_eq!(outcome, Outcome::Unknown, "{message}");
    assert_eq!(at, "s3:GetBucketVersioning arn:aws:s3:::b:3");
    // a bucket never versioned answers without a Status
    let never = account(vec![bucket(
        "b",
        vec![(calls::GET_BUCKET_VERSIONING, Answer::Data(json!({})))],
    )]);
    assert_eq!(
        verdict(&never, "CHK-S3-005", "arn:aws:s3:::b").0,
        Outcome::Fail
    );
    let on = account(vec![bucket(
        "b",
        vec![(
            calls::GET_BUCKET_VERSIONING,
            Answer::Data(json!({"Status": "Enabled"})),
        )],
    )]);
    assert_eq!(
        verdict(&on, "CHK-S3-005", "arn:aws:s3:::b").0,
        Outcome::Pass
    );
}

#[test]
fn block_public_access_not_configured_is_off_unless_the_account_turns_it_on() {
    let unset = || {
        not_configured(
            calls::GET_BUCKET_PAB,
            "NoSuchPublicAccessBlockConfiguration",
        )
    };
    let alone = account(vec![bucket("b", vec![unset()])]);
    let (outcome, _, at) = verdict(&alone, "CHK-S3-006", "arn:aws:s3:::b");
    assert_eq!(outcome, Outcome::Fail);
    assert_eq!(at, "s3:GetPublicAccessBlock arn:aws:s3:::b:3");
    // the account's settings apply to every bucket, and are shown as the evidence
    let mut account_pab = Resource::new("account 111122223333", Kind::AccountPublicAccessBlock);
    account_pab
        .answers
        .push((calls::GET_ACCOUNT_PAB, pab(true)));
    let covered = account(vec![bucket("b", vec![unset()]), account_pab]);
    let (outcome, message, _) = verdict(&covered, "CHK-S3-006", "arn:aws:s3:::b");
    assert_eq!(outcome, Outcome::Pass, "{message}");
    // and while the account's settings are unread, the bucket's are unknown
    let unread = Account {
        resources: vec![bucket("b", vec![unset()])],
        ..account(vec![])
    };
    let (outcome, message, _) = verdict(&unread, "CHK-S3-006", "arn:aws:s3:::b");
    assert_eq!(outcome, Outcome::Unknown, "{message}");
}

#[test]
fn missing_ownership_controls_mean_acls_are_in_force() {
    let a = account(vec![bucket(
        "b",
        vec![not_configured(
            calls::GET_OWNERSHIP,
            "OwnershipControlsNotFoundError",
        )],
    )]);
    let (outcome, message, _) = verdict(&a, "CHK-S3-008", "arn:aws:s3:::b");
    assert_eq!(outcome, Outcome::Fail, "{message}");
    assert!(message.contains("ObjectWriter"), "{message}");
}

#[test]
fn public_acl_grants_read_as_the_canned_acl() {
    let grants = json!({"Owner": {"ID": "o"}, "Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": "o"}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"},
    ]});
    let a = account(vec![bucket(
        "b",
        vec![
            (calls::GET_BUCKET_PAB, pab(false)),
            (
                calls::GET_OWNERSHIP,
                Answer::Data(
                    json!({"OwnershipControls": {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}}),
                ),
            ),
            (calls::GET_BUCKET_ACL, Answer::Data(grants)),
        ],
    )]);
    let (inventory, _) = super::lower(&a);
    assert_eq!(
        inventory.buckets[0]
            .access_control
            .get()
            .map(String::as_str),
        Some("PublicRead")
    );
    let (outcome, message, at) = verdict(&a, "CHK-S3-003", "arn:aws:s3:::b");
    assert_eq!(outcome, Outcome::Fail, "{message}");
    assert_eq!(at, "s3:GetBucketAcl arn:aws:s3:::b:10");
}

#[test]
fn lowering_is_deterministic_and_sorted_by_arn() {
    let a = account(vec![bucket("zeta", vec![]), bucket("alpha", vec![])]);
    let (one, _) = super::lower(&a);
    let names: Vec<&str> = one.buckets.iter().map(|b| b.standin.as_str()).collect();
    assert_eq!(names, ["alpha", "zeta"]);
    let (two, _) = super::lower(&a);
    let texts = |i: &moat_iac::Inventory| -> Vec<String> {
        i.files.iter().map(|f| f.text.to_string()).collect()
    };
    assert_eq!(texts(&one), texts(&two));
}
