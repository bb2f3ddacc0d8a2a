//! `who-can` over a realistic account snapshot (tests/fixtures/whocan):
//! users in groups, managed and inline policies, a permissions boundary,
//! a URL-encoded legacy policy, a bucket policy, an SCP and an RCP.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/snapshot_gen.rs"]
mod snapshot_gen;

use moat_policy::document::read_file;
use moat_policy::evaluate::{NamedPolicy, OrgLevel};
use moat_policy::snapshot::{AccountSnapshot, PolicySources, read_snapshot};
use moat_policy::whocan::{
    Access, AccessDecision, Inputs, PrincipalClass, Proof, Query, WhoCan, scp_levels, text, who_can,
};
use moat_source::SourceFile;
use std::path::Path;

fn fixture(name: &str) -> SourceFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/whocan")
        .join(name);
    SourceFile::new(name, std::fs::read_to_string(path).unwrap())
}

fn policy(name: &str, sources: &mut PolicySources) -> NamedPolicy {
    let file = fixture(name);
    let (policy, d) = read_file(&file);
    assert!(d.is_empty(), "{d:?}");
    sources.insert(name, &file);
    NamedPolicy {
        name: name.into(),
        policy: policy.unwrap(),
    }
}

struct World {
    snapshot: AccountSnapshot,
    bucket: NamedPolicy,
    scps: Vec<OrgLevel>,
    rcps: Vec<OrgLevel>,
    sources: PolicySources,
}

fn world() -> World {
    let (snapshot, diagnostics) = read_snapshot(&fixture("acme-account.json"));
    let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "acme-account.json:324:17: warning: managed policy `arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy` is attached but not in `Policies`; answers for the principals it is attached to are assumed"
        ]
    );
    let mut sources = PolicySources::default();
    let bucket = policy("acme-reports-bucket-policy.json", &mut sources);
    let (scps, _) = scp_levels(vec![policy("deny-deletes-scp.json", &mut sources)]);
    let rcps = vec![OrgLevel {
        id: "rcp".into(),
        policies: vec![policy("org-identities-rcp.json", &mut sources)],
    }];
    World {
        snapshot,
        bucket,
        scps,
        rcps,
        sources,
    }
}

fn ask(world: &World, action: &str, resource: &str, with_org: bool) -> WhoCan {
    let mut inputs = Inputs::new(&world.snapshot);
    inputs.resource_policy = Some(&world.bucket);
    inputs.scps = &world.scps;
    inputs.rcps = &world.rcps;
    inputs.sources = Some(&world.sources);
    if with_org {
        inputs.organization = Some("o-acme1234");
    }
    who_can(&Query::new(action, resource), &inputs)
}

fn access<'a>(result: &'a WhoCan, name: &str) -> &'a Access {
    result
        .principals
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no principal `{name}` in {:?}",
                result
                    .principals
                    .iter()
                    .map(|a| &a.name)
                    .collect::<Vec<_>>()
            )
        })
}

fn texts(access: &Access) -> Vec<&str> {
    access
        .conditions
        .iter()
        .filter(|c| !c.met)
        .map(|c| c.text.as_str())
        .collect()
}

const REPORTS: &str = "arn:aws:s3:::acme-reports/reports/q1.csv";

#[test]
fn the_snapshot_is_read_whole() {
    let w = world();
    let s = &w.snapshot;
    assert_eq!(s.account.as_deref(), Some("111122223333"));
    assert_eq!(
        (
            s.users.len(),
            s.groups.len(),
            s.roles.len(),
            s.policies.len()
        ),
        (7, 3, 5, 4)
    );
    let dave = s.user("dave").unwrap();
    assert_eq!(dave.boundary.as_ref().unwrap().name, "ContractorBoundary");
    let legacy = s.role("LegacyReportViewer").unwrap();
    // Both URL-encoded documents (trust and inline) were decoded and read.
    assert_eq!(legacy.trust.as_ref().unwrap().policy.statements.len(), 1);
    assert_eq!(
        legacy.inline[0].policy.statements[0].label(),
        "ReadReportsFromIntranet"
    );
    // The default version of AmazonS3FullAccess is v2, not v1.
    let s3full = s
        .managed("arn:aws:iam::aws:policy/AmazonS3FullAccess")
        .unwrap();
    assert_eq!(
        s3full.document.as_ref().unwrap().policy.statements[0]
            .action
            .patterns
            .len(),
        2
    );
    let bob = s.user_policies(s.user("bob").unwrap());
    assert_eq!(
        bob.identity
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["group/Developers/HomeFolders"]
    );
    assert!(
        s.role("AWSServiceRoleForSupport")
            .unwrap()
            .is_service_linked()
    );
}

#[test]
fn who_can_read_the_reports() {
    let w = world();
    let result = ask(&w, "s3:GetObject", REPORTS, true);
    insta::assert_snapshot!("get_reports", text::render(&result, true));
    // Everyone is subject to the bucket policy's TLS deny.
    assert_eq!(
        texts(access(&result, "alice")),
        ["requires TLS (aws:SecureTransport = true)"]
    );
    // erin's tag is a fact of the snapshot: the condition is met.
    let erin = access(&result, "erin");
    assert!(
        erin.conditions
            .iter()
            .any(|c| c.met && c.text == "requires principal tag team=analytics")
    );
    // The boundary stops dave, although AmazonS3FullAccess allows.
    assert_eq!(access(&result, "dave").decision, AccessDecision::NotAllowed);
    assert_eq!(
        access(&result, "dave").reason,
        "the permissions boundary `ContractorBoundary` does not allow the request"
    );
    // The pipeline only through its endpoint.
    let pipeline = access(&result, "DataPipeline");
    assert_eq!(pipeline.decision, AccessDecision::AllowedWhen);
    assert_eq!(texts(pipeline)[0], "only via VPC endpoint vpce-1a2b3c4d");
    assert_eq!(pipeline.proof, Proof::Proved);
    // The legacy role's Referer condition limits nothing.
    let legacy = access(&result, "LegacyReportViewer");
    assert_eq!(legacy.proof, Proof::Assumed);
    assert!(legacy.assumptions[0].contains("aws:Referer is written by the caller"));
    // A policy missing from the snapshot makes the answer assumed.
    assert_eq!(
        access(&result, "AWSServiceRoleForSupport").proof,
        Proof::Assumed
    );
    // The RCP lets no one outside the organization in.
    assert_eq!(
        access(&result, "anonymous").decision,
        AccessDecision::Denied
    );
}

#[test]
fn who_can_delete_the_reports() {
    let w = world();
    // Without the SCP: carol only with MFA.
    let mut inputs = Inputs::new(&w.snapshot);
    inputs.resource_policy = Some(&w.bucket);
    inputs.sources = Some(&w.sources);
    let result = who_can(&Query::new("s3:DeleteObject", REPORTS), &inputs);
    let carol = access(&result, "carol");
    assert_eq!(carol.decision, AccessDecision::AllowedWhen);
    assert_eq!(
        texts(carol),
        [
            "requires MFA (aws:MultiFactorAuthPresent = true)",
            "requires TLS (aws:SecureTransport = true)"
        ]
    );
    assert_eq!(
        carol.context.get("aws:MultiFactorAuthPresent").unwrap(),
        &["true"]
    );
    // With it: only BreakGlass (and no one else, root included).
    let result = ask(&w, "s3:DeleteObject", REPORTS, true);
    insta::assert_snapshot!("delete_reports_with_scp", text::render(&result, false));
    let can: Vec<&str> = result.can().map(|a| a.name.as_str()).collect();
    assert_eq!(can, ["BreakGlass"]);
    assert_eq!(access(&result, "carol").decision, AccessDecision::Denied);
    assert_eq!(access(&result, "root").decision, AccessDecision::Denied);
}

#[test]
fn prefixes_partners_services_and_the_public() {
    let w = world();
    let list = ask(&w, "s3:ListBucket", "arn:aws:s3:::acme-reports", true);
    let bob = access(&list, "bob");
    assert_eq!(texts(bob)[0], "only for prefix home/bob/*");
    assert_eq!(bob.proof, Proof::Assumed, "a policy variable decides");
    assert_eq!(
        bob.conditions[0].clauses[0].values,
        ["home/${aws:username}/*"]
    );

    let shared = ask(
        &w,
        "s3:GetObject",
        "arn:aws:s3:::acme-reports/shared/q1.csv",
        false,
    );
    insta::assert_snapshot!("get_shared_without_org", text::render(&shared, false));
    let partner = access(&shared, "arn:aws:iam::444455556666:root");
    assert_eq!(partner.kind, PrincipalClass::ExternalPrincipal);
    assert_eq!(partner.proof, Proof::Assumed);
    assert!(texts(partner).contains(&"only for principals of organization o-acme1234"));
    // Without --org-id, the snapshot's own principals are in the organization only if...
    assert!(
        texts(access(&shared, "alice")).contains(&"only for principals of organization o-acme1234")
    );

    let logs = ask(
        &w,
        "s3:PutObject",
        "arn:aws:s3:::acme-reports/logs/2024/01/01.log",
        true,
    );
    let delivery = access(&logs, "logging.s3.amazonaws.com");
    assert_eq!(delivery.kind, PrincipalClass::Service);
    assert_eq!(texts(delivery)[0], "only on behalf of account 111122223333");

    // Without the RCP, the public prefix is open to anyone who sends the
    // right Referer: assumed, since anyone can.
    let mut inputs = Inputs::new(&w.snapshot);
    inputs.resource_policy = Some(&w.bucket);
    let public = who_can(
        &Query::new(
            "s3:GetObject",
            "arn:aws:s3:::acme-reports/public/index.html",
        ),
        &inputs,
    );
    let anonymous = access(&public, "anonymous");
    assert_eq!(anonymous.decision, AccessDecision::AllowedWhen);
    assert_eq!(anonymous.proof, Proof::Assumed);
    assert_eq!(
        texts(anonymous)[0],
        "requires aws:Referer like https://www.acme.example/*"
    );
    // dave reads the public prefix through his boundary, with no Referer.
    let dave = access(&public, "dave");
    assert_eq!(texts(dave), ["requires TLS (aws:SecureTransport = true)"]);
    assert_eq!(dave.proof, Proof::Proved);
    assert!(
        !dave.alternatives.is_empty(),
        "the Referer route is listed as an alternative"
    );
}

#[test]
fn keys_the_service_never_sets_are_absent() {
    // A deny that means "only encrypted uploads" but names every S3 action:
    // GetObject never has the header, so StringNotEquals holds and denies.
    let w = world();
    let (policy, d) = moat_policy::document::read(
        "bucket.json",
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "EncryptedOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::acme-reports/*",
             "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}}]}"#,
    );
    assert!(d.is_empty());
    let bucket = NamedPolicy {
        name: "bucket.json".into(),
        policy: policy.unwrap(),
    };
    let mut inputs = Inputs::new(&w.snapshot);
    inputs.resource_policy = Some(&bucket);
    let get = who_can(&Query::new("s3:GetObject", REPORTS), &inputs);
    let alice = access(&get, "alice");
    assert_eq!(alice.decision, AccessDecision::Denied);
    assert_eq!(alice.proof, Proof::Assumed);
    assert!(
        alice.assumptions[0].starts_with("s3:x-amz-server-side-encryption treated as absent"),
        "{:?}",
        alice.assumptions
    );
    // PutObject has the header: allowed when it is aws:kms.
    let put = who_can(&Query::new("s3:PutObject", REPORTS), &inputs);
    let alice = access(&put, "alice");
    assert_eq!(
        texts(alice),
        ["requires s3:x-amz-server-side-encryption = aws:kms"]
    );
    assert_eq!(alice.proof, Proof::Proved);
}

#[test]
fn json_names_every_field() {
    let w = world();
    let result = ask(&w, "s3:DeleteObject", REPORTS, true);
    let json = serde_json::to_value(&result).unwrap();
    let breakglass = json["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "BreakGlass")
        .unwrap();
    assert_eq!(breakglass["decision"], "allowed-when");
    assert_eq!(breakglass["proof"], "proved");
    assert_eq!(breakglass["kind"], "role");
    assert_eq!(
        breakglass["conditions"][0]["clauses"][0]["key"],
        "aws:SecureTransport"
    );
    assert_eq!(breakglass["conditions"][0]["clauses"][0]["holds"], false);
    assert_eq!(breakglass["conditions"][0]["effect"], "Deny");
    assert_eq!(breakglass["statements"][1]["policy"], "AdministratorAccess");
    assert_eq!(
        breakglass["statements"][1]["location"]["file"],
        "acme-account.json"
    );
}

#[test]
fn a_broken_snapshot_is_reported_and_read_on() {
    let text = r#"{
  "UserDetailList": [
    {"UserName": "ok", "Arn": "arn:aws:iam::111122223333:user/ok", "UserPolicyList": [
      {"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Alow", "Action": "s3:*", "Resource": "*"}}}]},
    {"Arn": "arn:aws:iam::111122223333:user/nameless"},
    {"UserName": "enc", "Arn": "arn:aws:iam::111122223333:user/enc", "UserPolicyList": [
      {"PolicyName": "q", "PolicyDocument": "%7B%22Statement%22%3A%20%5B%5D"}]}
  ],
  "RoleDetailList": "not a list",
  "Polices": []
}"#;
    let (snapshot, diagnostics) = read_snapshot(&SourceFile::new("broken.json", text));
    let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!("broken_snapshot", shown.join("\n"));
    assert_eq!(
        snapshot.users.len(),
        2,
        "the user without a name is left out, the others read"
    );
    assert_eq!(snapshot.incomplete, ["user/ok/p", "user/enc/q"]);
    let enc = snapshot.user_policies(snapshot.user("enc").unwrap());
    assert_eq!(
        enc.incomplete,
        ["user/enc/q"],
        "an unreadable policy makes its principal's answers assumed"
    );
}

#[test]
fn a_thousand_principals() {
    let text = snapshot_gen::generate(1000);
    let (snapshot, diagnostics) = read_snapshot(&SourceFile::new("generated.json", text));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(snapshot.users.len() + snapshot.roles.len(), 1000);
    let (bucket, _) = moat_policy::document::read("bucket.json", snapshot_gen::BUCKET_POLICY);
    let bucket = NamedPolicy {
        name: "bucket.json".into(),
        policy: bucket.unwrap(),
    };
    let mut inputs = Inputs::new(&snapshot);
    inputs.resource_policy = Some(&bucket);
    let result = who_can(&Query::new("s3:GetObject", REPORTS), &inputs);
    // users, roles, root, the partner, any other account, anonymous, 2 services
    assert_eq!(result.principals.len(), 1006);
    let can = result.can().count();
    assert!(can > 100 && can < 1000, "{can}");
    // Every answer that can is backed by statements, and says why when assumed.
    for a in result.can() {
        assert!(
            !a.statements.is_empty() || a.kind == PrincipalClass::Root,
            "{}",
            a.name
        );
        assert_eq!(
            a.proof == Proof::Assumed,
            !a.assumptions.is_empty(),
            "{}",
            a.name
        );
    }
}

#[test]
fn a_bucket_policy_naming_a_role_grants_its_sessions() {
    let w = world();
    let (policy, d) = moat_policy::document::read(
        "bucket.json",
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "DeployerReadsSite", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/GitHubDeploy"},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-reports/site/*"}]}"#,
    );
    assert!(d.is_empty());
    let bucket = NamedPolicy {
        name: "bucket.json".into(),
        policy: policy.unwrap(),
    };
    let mut inputs = Inputs::new(&w.snapshot);
    inputs.resource_policy = Some(&bucket);
    let result = who_can(
        &Query::new("s3:GetObject", "arn:aws:s3:::acme-reports/site/index.html"),
        &inputs,
    );
    let deployer = access(&result, "GitHubDeploy");
    assert_eq!(deployer.decision, AccessDecision::Allowed);
    assert_eq!(
        deployer.principal,
        "arn:aws:iam::111122223333:role/GitHubDeploy"
    );
    assert_eq!(
        deployer.statements[0].statement.statement,
        "DeployerReadsSite"
    );
    let roles: Vec<&str> = result
        .can()
        .filter(|a| a.kind == PrincipalClass::Role)
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(roles, ["DataPipeline", "BreakGlass", "GitHubDeploy"]);
}
