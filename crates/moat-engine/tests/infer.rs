#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The model a template implies, for what it names but does not define:
//! principals that bucket and key policies let in, and replica buckets.

use moat_iac::Inventory;

#[path = "../../moat-iac/tests/common/mod.rs"]
mod common;
use moat_model::Model;
use std::collections::BTreeSet;
use std::fmt::Write;

fn inventory(text: &str) -> Inventory {
    common::load(text).0
}

fn model(text: &str, public: &[&str]) -> Model {
    let public: BTreeSet<String> = public.iter().map(|p| p.to_string()).collect();
    moat_engine::infer::infer_model("t", &inventory(text), &[], &public)
}

/// Boundaries, elements with their boundary, and flows, one a line.
fn render(model: &Model) -> String {
    let mut out = String::new();
    for b in &model.boundaries {
        let _ = writeln!(out, "boundary {}: {}", b.id, b.name);
    }
    for e in &model.elements {
        let _ = writeln!(
            out,
            "{:?} {} in {}: {}",
            e.kind,
            e.id,
            e.boundary.as_deref().unwrap_or("-"),
            e.name
        );
    }
    for f in &model.flows {
        let _ = writeln!(out, "flow {} -> {}: {}", f.source, f.sink, f.name);
        if !f.description.is_empty() {
            let _ = writeln!(out, "  {}", f.description);
        }
    }
    out
}

const OUTSIDE: &str = include_str!("fixtures/infer/outside.yaml");

#[test]
fn principals_and_replicas_outside_the_template() {
    insta::assert_snapshot!("infer_outside", render(&model(OUTSIDE, &[])));
}

#[test]
fn the_same_template_gives_the_same_model() {
    let first = render(&model(OUTSIDE, &[]));
    assert_eq!(first, render(&model(OUTSIDE, &[])));
    // statements in another order name the same principals, with the same ids
    let partner = OUTSIDE.find("          - Sid: PartnerDrops").unwrap();
    let auditor = OUTSIDE.find("          - Sid: AuditorReads").unwrap();
    let app = OUTSIDE.find("          - Sid: AppManages").unwrap();
    let reordered = format!(
        "{}{}{}{}",
        &OUTSIDE[..partner],
        &OUTSIDE[auditor..app],
        &OUTSIDE[partner..auditor],
        &OUTSIDE[app..]
    );
    assert_ne!(reordered, OUTSIDE);
    let ids = |m: &Model| -> Vec<String> { m.elements.iter().map(|e| e.id.clone()).collect() };
    assert_eq!(ids(&model(OUTSIDE, &[])), ids(&model(&reordered, &[])));
    let flows: Vec<(String, String, String)> = model(OUTSIDE, &[])
        .flows
        .iter()
        .map(|f| (f.source.clone(), f.sink.clone(), f.name.clone()))
        .collect();
    let unique: BTreeSet<&(String, String, String)> = flows.iter().collect();
    assert_eq!(flows.len(), unique.len(), "{flows:?}");
}

#[test]
fn a_public_grant_comes_from_the_internet_with_what_it_allows() {
    let text = "Resources:\n  Site:\n    Type: AWS::S3::Bucket\n  SitePolicy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Site\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: '*'\n            Action: s3:GetObject\n            Resource: !Sub '${Site.Arn}/*'\n";
    let m = model(text, &["Site"]);
    let flows: Vec<(&str, &str, &str)> = m
        .flows
        .iter()
        .map(|f| (f.source.as_str(), f.sink.as_str(), f.name.as_str()))
        .collect();
    assert_eq!(flows, [("anyone", "Site", "S3 read requests")]);
    assert!(m.boundaries.iter().any(|b| b.id == "internet"));
    // not found public (Block Public Access): whoever the conditions admit
    let m = model(text, &[]);
    assert_eq!(m.flows[0].source, "any-principal");
    assert!(m.elements.iter().all(|e| e.id != "anyone"));
}

#[test]
fn a_replica_in_the_template_is_that_bucket() {
    let text = "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      ReplicationConfiguration:\n        Role: arn:aws:iam::000000000000:role/r\n        Rules:\n          - Status: Enabled\n            Destination:\n              Bucket: !GetAtt Copy.Arn\n              Account: !Ref AWS::AccountId\n  Copy:\n    Type: AWS::S3::Bucket\n";
    let m = model(text, &[]);
    assert_eq!(m.elements.len(), 2);
    assert_eq!(
        (m.flows[0].source.as_str(), m.flows[0].sink.as_str()),
        ("Data", "Copy")
    );
    // the stack's own account, outside the template
    let own = text.replace("!GetAtt Copy.Arn", "arn:aws:s3:::elsewhere");
    let m = model(&own, &[]);
    let replica = m
        .elements
        .iter()
        .find(|e| e.id == "replica-elsewhere")
        .unwrap();
    assert_eq!(replica.boundary.as_deref(), Some("aws-account"));
}

#[test]
fn notifications_configured_by_the_cdk_and_sam_reach_their_targets() {
    let cdk =
        include_str!("../../moat-checks/tests/fixtures/CHK-S3-012/pass_cdk_destinations.yaml");
    let sam = include_str!("../../moat-checks/tests/fixtures/CHK-S3-012/pass_sam_s3_event.yaml");
    let sinks = |text: &str| -> Vec<String> {
        model(text, &[])
            .flows
            .iter()
            .filter(|f| f.name == "event notifications")
            .map(|f| format!("{} -> {}", f.source, f.sink))
            .collect()
    };
    assert_eq!(
        sinks(cdk),
        [
            "UploadsBucket5A0C6B2E -> DeletionsTopicC2A5B8E1",
            "UploadsBucket5A0C6B2E -> IngestQueue9D1F0A33",
            "UploadsBucket5A0C6B2E -> Thumbnailer7E3A1D90",
        ]
    );
    assert_eq!(sinks(sam), ["Images -> Resize"]);
}
