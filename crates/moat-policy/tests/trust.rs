//! Trust analysis of the fixtures in tests/fixtures/trust, with and without
//! the account snapshot of tests/fixtures/whocan.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use moat_policy::document::read_file;
use moat_policy::evaluate::NamedPolicy;
use moat_policy::snapshot::{AccountSnapshot, read_snapshot};
use moat_policy::trust::{Finding, Severity, TrustInputs, TrustReport, analyze_trust, render};
use moat_policy::whocan::AccessDecision;
use moat_source::SourceFile;
use std::path::Path;

fn source(dir: &str, name: &str) -> SourceFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name);
    SourceFile::new(name, std::fs::read_to_string(path).unwrap())
}

fn snapshot() -> AccountSnapshot {
    read_snapshot(&source("whocan", "acme-account.json")).0
}

fn analyze(
    name: &str,
    snapshot: Option<&AccountSnapshot>,
    role: Option<&str>,
) -> (TrustReport, String) {
    let file = source("trust", name);
    let (policy, d) = read_file(&file);
    assert!(d.is_empty(), "{d:?}");
    let trust = NamedPolicy {
        name: name.into(),
        policy: policy.unwrap(),
    };
    let mut inputs = TrustInputs::new();
    inputs.file = Some(&file);
    inputs.snapshot = snapshot;
    inputs.role = role;
    let report = analyze_trust(&trust, &inputs);
    let text = render(&report, name);
    (report, text)
}

fn ids(report: &TrustReport) -> Vec<(&'static str, Severity)> {
    report.findings.iter().map(|f| (f.id, f.severity)).collect()
}

fn finding<'a>(report: &'a TrustReport, id: &str) -> &'a Finding {
    report.findings.iter().find(|f| f.id == id).unwrap()
}

#[test]
fn github_actions_subjects() {
    let (report, text) = analyze("github-org-wildcard.json", None, None);
    assert_eq!(ids(&report), [("github-subject-wildcard", Severity::High)]);
    let f = &report.findings[0];
    assert_eq!(
        f.location.as_ref().unwrap().to_string(),
        "github-org-wildcard.json:11:75"
    );
    assert!(f.doc.ends_with("#idp_oidc_Create_GitHub"));
    insta::assert_snapshot!("github_org_wildcard", text);

    let (report, _) = analyze("github-no-subject.json", None, None);
    assert_eq!(
        ids(&report),
        [("federation-no-subject", Severity::Critical)]
    );
    let (report, _) = analyze("github-one-branch.json", None, None);
    assert!(report.findings.is_empty());
}

#[test]
fn services_partners_and_everyone() {
    let (report, text) = analyze(
        "services-and-partners.json",
        None,
        Some("arn:aws:iam::111122223333:role/Pipelines"),
    );
    assert_eq!(
        ids(&report),
        [
            ("confused-deputy", Severity::Medium),
            ("cross-account", Severity::Medium),
            ("cross-account", Severity::Low)
        ]
    );
    assert_eq!(report.findings[0].statement, "GlueJobs");
    insta::assert_snapshot!("services_and_partners", text);

    let (report, _) = analyze(
        "everyone.json",
        None,
        Some("arn:aws:iam::111122223333:role/Open"),
    );
    assert_eq!(
        ids(&report),
        [
            ("everyone", Severity::Critical),
            ("everyone", Severity::Medium)
        ]
    );
    // Anonymous callers cannot call AssumeRole; any other account can.
    let who = &report.who[0];
    assert!(who.principals.iter().all(|a| a.name != "anonymous"));
    assert!(who.principals.iter().any(|a| a.name == "any other account"));
}

#[test]
fn federation_without_audience() {
    let (report, _) = analyze("cognito-no-audience.json", None, None);
    assert_eq!(
        ids(&report),
        [
            ("federation-no-audience", Severity::Critical),
            ("federation-no-subject", Severity::Medium)
        ]
    );
    let (report, _) = analyze("saml-no-audience.json", None, None);
    assert_eq!(ids(&report), [("federation-no-audience", Severity::Medium)]);
    assert_eq!(report.who[0].action, "sts:AssumeRoleWithSAML");
}

#[test]
fn with_a_snapshot_the_principals_are_listed() {
    let snapshot = snapshot();
    // EC2: who can pass DataPipeline to EC2 and launch instances.
    let (report, text) = analyze(
        "ec2-instance-role.json",
        Some(&snapshot),
        Some("DataPipeline"),
    );
    assert_eq!(
        report.role.as_deref(),
        Some("arn:aws:iam::111122223333:role/service/DataPipeline")
    );
    let pass = finding(&report, "pass-role");
    let names: Vec<&str> = pass
        .principals
        .as_ref()
        .unwrap()
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    assert_eq!(names, ["root", "alice", "grace", "BreakGlass"]);
    insta::assert_snapshot!("ec2_instance_role", text);

    // The account root with MFA: the admins, with MFA.
    let (report, _) = analyze("account-root-mfa.json", Some(&snapshot), Some("BreakGlass"));
    let root = finding(&report, "account-root");
    assert_eq!(root.severity, Severity::Low);
    let holders = root.principals.as_ref().unwrap();
    assert_eq!(
        holders.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(),
        ["alice", "BreakGlass"]
    );
    assert!(
        holders
            .iter()
            .all(|h| h.decision == AccessDecision::AllowedWhen)
    );
    assert_eq!(
        holders[0].conditions,
        ["requires MFA (aws:MultiFactorAuthPresent = true)"]
    );
}

#[test]
fn the_role_is_found_by_its_trust_policy() {
    let snapshot = snapshot();
    // Two roles (DataPipeline and LegacyReportViewer) trust EC2 alone.
    let (report, _) = analyze("ec2-instance-role.json", Some(&snapshot), None);
    assert!(report.role.is_none());
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("2 roles of the snapshot have this trust policy"))
    );
    let (report, _) = analyze("account-root-mfa.json", Some(&snapshot), None);
    assert_eq!(
        report.role.as_deref(),
        Some("arn:aws:iam::111122223333:role/BreakGlass")
    );
}
