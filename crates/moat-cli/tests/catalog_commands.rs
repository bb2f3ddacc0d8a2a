#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The catalog commands (plan, review, compliance, guardrails, catalog) on both
//! kinds of catalog: Moat's built-in one and a TrustOnCloud ThreatModel file
//! (a small invented fixture for snapshots; the real file, when present, for counts).

mod common;
use common::*;

const MINI: &str = "crates/moat-catalog/tests/fixtures/trustoncloud/mini.json";

/// Every compliance format says when the framework file lists part of its
/// framework, and a control that only supports a requirement is kept apart
/// from those that satisfy it.
#[test]
fn compliance_states_subsets_and_supporting_controls() {
    // every format says that the CIS file lists part of the benchmark
    for format in ["text", "md", "csv"] {
        let out = ok(&["compliance", "--framework", "cis-aws-v5", "-f", format]);
        assert!(out.contains("41 of 63"), "{format}: {out}");
    }
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "compliance",
        "--framework",
        "cis-aws-v5",
        "-f",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["subset"]["listed"], 41);
    assert_eq!(json["subset"]["total"], 63);
    // an SCP that keeps Block Public Access on supports S3.1 and S3.8 but meets neither
    let hub: serde_json::Value = serde_json::from_str(&ok(&[
        "compliance",
        "--framework",
        "aws-securityhub",
        "-f",
        "json",
    ]))
    .unwrap();
    let s3_8 = hub["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "S3.8")
        .unwrap();
    assert!(
        s3_8["supporting"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "C-S3-100")
    );
    assert!(
        !s3_8["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "C-S3-100")
    );
}

fn real_file() -> Option<String> {
    let path = root().join("../shared/trustoncloud/threatmodel-aws-s3.json");
    if path.exists() {
        Some(path.display().to_string())
    } else {
        eprintln!("skipped: {} is absent", path.display());
        None
    }
}

#[test]
fn builtin_plan() {
    insta::assert_snapshot!("builtin_plan_text", ok(&["plan"]));
    let csv = ok(&["plan", "-f", "csv"]);
    assert!(csv.starts_with("rank,control,name,priority,score"));
    assert_eq!(
        csv.lines().count(),
        1 + ok(&["catalog", "list", "-f", "json"])
            .matches("\"control\"")
            .count()
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&["plan", "-f", "json"])).unwrap();
    assert!(json["rows"].as_array().unwrap().len() >= 100);
    let md = ok(&["plan", "-f", "md", "--details"]);
    assert!(md.contains("## C-S3-001 ") && md.contains("```hcl"));
}

#[test]
fn builtin_compliance() {
    insta::assert_snapshot!(
        "builtin_compliance_securityhub",
        ok(&["compliance", "--framework", "aws-securityhub"])
    );
    insta::assert_snapshot!(
        "builtin_compliance_cis_v5_csv",
        ok(&["compliance", "--framework", "cis-aws-v5", "-f", "csv"])
    );
    for framework in ["cis-aws-v3", "pci-dss-v4", "nist-800-53-r5"] {
        let md = ok(&["compliance", "--framework", framework, "-f", "md"]);
        assert!(
            md.contains("## Gaps") && md.contains("## Action plan"),
            "{framework}"
        );
    }
    let out = moat(&["compliance", "--framework", "cis-aws-v6"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `cis-aws-v"));
    // too far from any one id to guess: the ids are listed instead
    let out = moat(&["compliance", "--framework", "cis"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("did you mean") && err.contains("cis-aws-v5"),
        "{err}"
    );
}

#[test]
fn builtin_review() {
    insta::assert_snapshot!(
        "builtin_review_replication_md",
        ok(&[
            "review",
            "--feature-class",
            "FC-S3-REPLICATION",
            "--min-severity",
            "medium",
            "-f",
            "md"
        ])
    );
    let dot = ok(&["review", "--feature-class", "S3.FC21", "--diagram", "dot"]);
    assert!(dot.contains("FC-S3-TORRENT") && dot.contains("digraph"));
    let from_model = ok(&[
        "review",
        "--features-from",
        "examples/s3/tm.py",
        "-f",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&from_model).unwrap();
    let ids: Vec<&str> = json["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for expected in [
        "FC-S3-BUCKET",
        "FC-S3-BUCKET-POLICY",
        "FC-KMS",
        "FC-CLOUDTRAIL",
        "FC-IAM",
    ] {
        assert!(ids.contains(&expected), "{expected} not in {ids:?}");
    }
}

#[test]
fn builtin_guardrails() {
    insta::assert_snapshot!(
        "builtin_guardrails_torrent_website_replication",
        ok(&[
            "guardrails",
            "--block",
            "FC-S3-TORRENT",
            "--block",
            "static website hosting",
            "--block",
            "FC-S3-REPLICATION"
        ])
    );
    // The README example: only the action that enables a website is denied.
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "guardrails",
        "--block",
        "FC-S3-WEBSITE",
        "-f",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["actions"], serde_json::json!(["s3:PutBucketWebsite"]));
    for policy in json["policies"].as_array().unwrap() {
        assert!(serde_json::to_string(policy).unwrap().len() <= 5120);
    }
    let out = moat(&["guardrails", "--block", "FC-S3-WEBSITES"]);
    assert_eq!(out.status.code(), Some(2));

    // Reads and remediation on request.
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "guardrails",
        "--block",
        "FC-S3-WEBSITE",
        "--include-reads",
        "--include-remediation",
        "-f",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["actions"].as_array().unwrap().len(), 3);

    // Several exempt roles.
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "guardrails",
        "--block",
        "FC-S3-WEBSITE",
        "--exempt-role",
        "arn:aws:iam::111122223333:role/BreakGlass",
        "--exempt-role",
        "arn:aws:iam::*:role/s3-remediation",
        "-f",
        "json",
    ]))
    .unwrap();
    assert_eq!(
        json["policies"][0]["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalArn"],
        serde_json::json!([
            "arn:aws:iam::111122223333:role/BreakGlass",
            "arn:aws:iam::*:role/s3-remediation"
        ])
    );
    let out = moat(&[
        "guardrails",
        "--block",
        "FC-S3-WEBSITE",
        "--exempt-role",
        "BreakGlass",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn builtin_guardrails_refuse_core_classes() {
    let out = moat(&["guardrails", "--block", "FC-STS"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!(
        "builtin_guardrails_refuse_sts",
        String::from_utf8(out.stderr).unwrap()
    );
    for (class, phrase) in [
        ("FC-KMS", "kms:Decrypt"),
        ("FC-S3-BPA-ACCOUNT", "account-level Block Public Access on"),
        ("FC-S3-OBJECT", "s3:GetObject"),
    ] {
        let out = moat(&["guardrails", "--block", class]);
        assert_eq!(out.status.code(), Some(2), "{class}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(phrase) && stderr.contains("--force"),
            "{stderr}"
        );
    }
    // Forced: written, with the consequence in the report, and on stderr for JSON.
    let text = ok(&["guardrails", "--block", "FC-STS", "--force"]);
    assert!(
        text.contains("warning: forced: core feature class `FC-STS`"),
        "{text}"
    );
    let out = moat(&["guardrails", "--block", "FC-STS", "--force", "-f", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: forced: "));
}

#[test]
fn builtin_guardrails_files_are_minified() {
    let dir = std::env::temp_dir().join(format!("moat-guardrails-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut args = vec!["guardrails".to_string()];
    for id in [
        "FC-S3-OBJECT",
        "FC-S3-OBJECT-LAMBDA",
        "FC-S3-ACCESS-POINT",
        "FC-S3-MULTI-REGION-ACCESS-POINT",
        "FC-S3-STORAGE-LENS",
        "FC-S3-INVENTORY",
        "FC-KMS",
        "FC-IAM",
        "FC-CLOUDTRAIL",
        "FC-ORGANIZATIONS",
    ] {
        args.push("--block".to_string());
        args.push(id.to_string());
    }
    for flag in ["--force", "--include-reads", "--include-remediation"] {
        args.push(flag.to_string());
    }
    args.push("--out-dir".to_string());
    args.push(dir.display().to_string());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&refs);
    let mut patterns = 0;
    let mut longer_pretty = 0;
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let body = text.strip_suffix('\n').unwrap();
        assert!(!body.contains('\n'), "{}", path.display());
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), body);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("event-pattern-") {
            patterns += 1;
            assert!(body.len() <= 2048, "{name}: {}", body.len());
            if serde_json::to_string_pretty(&value).unwrap().len() > 2048 {
                longer_pretty += 1;
            }
        } else {
            assert!(name.starts_with("scp-"), "{name}");
            assert!(body.len() <= 5120, "{name}: {}", body.len());
        }
    }
    assert!(patterns >= 2);
    // Pretty-printed, some of these patterns would exceed the quota.
    assert!(longer_pretty >= 1, "{longer_pretty}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn builtin_catalog_browsing() {
    insta::assert_snapshot!(
        "builtin_search_presigned",
        ok(&["catalog", "search", "presigned url"])
    );
    insta::assert_snapshot!("builtin_show_control", ok(&["catalog", "show", "C-S3-010"]));
    let list = ok(&["catalog", "list", "-f", "csv"]);
    assert!(list.lines().count() > 200);
    let html = ok(&["catalog", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("id=\"C-S3-116\""));
    let out = moat(&["catalog", "show", "C-S3-9999"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn trustoncloud_fixture_through_every_command() {
    let c = ["--catalog", MINI, "--no-builtin"];
    let with = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(c);
        ok(&all)
    };
    insta::assert_snapshot!("toc_plan_text", with(&["plan"]));
    insta::assert_snapshot!("toc_plan_csv", with(&["plan", "-f", "csv"]));
    insta::assert_snapshot!(
        "toc_compliance_scf",
        with(&["compliance", "--framework", "scf"])
    );
    insta::assert_snapshot!("toc_list", with(&["catalog", "list"]));
    let review = with(&["review", "--feature-class", "S3.FC1", "-f", "md"]);
    insta::assert_snapshot!("toc_review", review);
    // S3.FC2 of the fixture reads and writes objects: refused unless forced.
    let mut refused = vec!["guardrails", "--block", "S3.FC2"];
    refused.extend(c);
    let out = moat(&refused);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`s3:GetObject` (from `S3.FC2`)"));
    let guard: serde_json::Value = serde_json::from_str(&with(&[
        "guardrails",
        "--block",
        "S3.FC2",
        "--force",
        "-f",
        "json",
    ]))
    .unwrap();
    assert!(!guard["policies"].as_array().unwrap().is_empty());
    assert!(with(&["catalog", "html"]).contains("<!DOCTYPE html>"));
}

#[test]
fn trustoncloud_real_file_counts() {
    let Some(path) = real_file() else { return };
    let c = ["--catalog", path.as_str(), "--no-builtin"];
    let with = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(c);
        ok(&all)
    };
    let plan: serde_json::Value = serde_json::from_str(&with(&["plan", "-f", "json"])).unwrap();
    assert_eq!(plan["rows"].as_array().unwrap().len(), 173);
    assert_eq!(plan["stated_summary"]["reproduced"], 173);
    let guard: serde_json::Value = serde_json::from_str(&with(&[
        "guardrails",
        "--block",
        "S3.FC21",
        "--block",
        "S3.FC16",
        "-f",
        "json",
    ]))
    .unwrap();
    assert!(
        guard["event_names"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "PutBucketWebsite")
    );
    let scf: serde_json::Value =
        serde_json::from_str(&with(&["compliance", "--framework", "scf", "-f", "json"])).unwrap();
    assert!(!scf["requirements"].as_array().unwrap().is_empty());
    let review: serde_json::Value = serde_json::from_str(&with(&[
        "review",
        "--features-from",
        "examples/s3/tm.py",
        "-f",
        "json",
    ]))
    .unwrap();
    assert!(
        review["classes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "S3.FC5")
    );
}
