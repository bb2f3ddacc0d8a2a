#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Moat's S3 catalog: the counts the project promises, every cross-reference,
//! every IAM action, every snippet parses, every Security Hub S3 control covered.

use moat_catalog::validate::check_action;
use moat_catalog::{Catalog, builtin};
use std::collections::BTreeSet;

fn catalog() -> Catalog {
    let (catalog, diagnostics) = builtin();
    let rendered: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert!(rendered.is_empty(), "{rendered:#?}");
    catalog
}

fn s3_threats(catalog: &Catalog) -> Vec<&moat_catalog::Threat> {
    catalog
        .threats
        .iter()
        .map(|t| &t.threat)
        .filter(|t| t.id.starts_with("T-S3-"))
        .collect()
}

#[test]
fn feature_classes_cover_every_trustoncloud_class_and_the_neighbours() {
    let catalog = catalog();
    let covered: BTreeSet<String> = catalog
        .feature_classes
        .iter()
        .flat_map(|f| f.trustoncloud.iter().cloned())
        .collect();
    for n in 1..=36 {
        assert!(
            covered.contains(&format!("S3.FC{n}")),
            "S3.FC{n} is not covered"
        );
    }
    for neighbour in [
        "FC-IAM",
        "FC-STS",
        "FC-KMS",
        "FC-CLOUDTRAIL",
        "FC-VPC-ENDPOINT",
        "FC-ORGANIZATIONS",
    ] {
        let class = catalog
            .feature_class(neighbour)
            .unwrap_or_else(|| panic!("{neighbour} missing"));
        assert!(!class.actions.is_empty(), "{neighbour} lists no actions");
    }
    for class in &catalog.feature_classes {
        assert!(!class.description.is_empty());
        for action in &class.actions {
            check_action(action).unwrap_or_else(|e| panic!("{}: {e}", class.id));
        }
    }
}

/// Threats merged into another one: their ids are not reused, so that a
/// decision or report that names one is never silently read as a new threat.
const MERGED: &[(&str, &str)] = &[("T-S3-058", "T-S3-020"), ("T-S3-082", "T-S3-003")];

#[test]
fn threats_are_complete() {
    let catalog = catalog();
    let threats = s3_threats(&catalog);
    assert!(threats.len() >= 70, "{} S3 threats", threats.len());
    let ids: Vec<String> = threats.iter().map(|t| t.id.clone()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    let highest: usize = sorted
        .last()
        .and_then(|id| id.strip_prefix("T-S3-"))
        .and_then(|n| n.parse().ok())
        .unwrap();
    let expected: Vec<String> = (1..=highest)
        .map(|n| format!("T-S3-{n:03}"))
        .filter(|id| !MERGED.iter().any(|(gone, _)| gone == id))
        .collect();
    assert_eq!(
        sorted, expected,
        "S3 threat ids are numbered without gaps other than merged threats"
    );
    for (gone, into) in MERGED {
        assert!(
            catalog.threat(into).is_some(),
            "{gone} was merged into missing {into}"
        );
    }
    for t in threats {
        assert!(t.feature_class.is_some(), "{} has no feature class", t.id);
        assert!(!t.example.is_empty(), "{} has no example", t.id);
        assert!(!t.references.is_empty(), "{} has no reference", t.id);
        assert!(
            t.references
                .iter()
                .any(|r| r.starts_with("https://docs.aws.amazon.com/")),
            "{} cites no AWS documentation",
            t.id
        );
        assert!(!t.controls.is_empty(), "{} has no mitigating control", t.id);
        for action in t.access.iter().flat_map(|a| a.actions()) {
            check_action(action).unwrap_or_else(|e| panic!("{}: {e}", t.id));
        }
        for id in &t.trustoncloud {
            assert!(
                id.starts_with("S3.T"),
                "{}: `{id}` is not a TrustOnCloud threat id",
                t.id
            );
        }
        for id in &t.mitre_attack {
            assert!(
                id.starts_with('T') || id.starts_with("TA"),
                "{}: `{id}`",
                t.id
            );
        }
    }
}

#[test]
fn controls_are_complete() {
    let catalog = catalog();
    assert!(
        catalog.controls.len() >= 100,
        "{} controls",
        catalog.controls.len()
    );
    for c in &catalog.controls {
        let id = &c.id;
        assert!(!c.feature_classes.is_empty(), "{id}: no feature class");
        assert!(!c.mitigates.is_empty(), "{id}: mitigates nothing");
        let i = &c.implementation;
        assert!(
            i.cloudformation.is_some(),
            "{id}: no CloudFormation snippet"
        );
        assert!(i.terraform.is_some(), "{id}: no Terraform snippet");
        assert!(i.cdk.is_some(), "{id}: no CDK snippet");
        assert!(!c.testing.commands.is_empty(), "{id}: no test commands");
        for command in &c.testing.commands {
            assert!(
                command.trim_start().starts_with("aws "),
                "{id}: `{command}` is not an AWS CLI command"
            );
        }
        assert!(!c.compliance.is_empty(), "{id}: no compliance ids");
        for action in &c.actions {
            check_action(action).unwrap_or_else(|e| panic!("{id}: {e}"));
        }
        assert!(!c.references.is_empty(), "{id}: no reference");
    }
}

#[test]
fn every_security_hub_s3_control_is_covered() {
    let catalog = catalog();
    let hub = catalog.framework("aws-securityhub").unwrap();
    let cited: BTreeSet<&str> = catalog
        .controls
        .iter()
        .flat_map(|c| c.compliance.get("aws-securityhub").into_iter().flatten())
        .map(String::as_str)
        .collect();
    let missing: Vec<&str> = hub
        .requirements
        .iter()
        .filter(|r| !r.retired && !cited.contains(r.id.as_str()))
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "uncovered Security Hub controls: {missing:?}"
    );
    for framework in ["cis-aws-v3", "cis-aws-v5", "pci-dss-v4", "nist-800-53-r5"] {
        assert!(
            catalog.framework(framework).is_some(),
            "{framework} missing"
        );
        assert!(
            catalog
                .controls
                .iter()
                .any(|c| c.compliance.contains_key(framework)),
            "no control cites {framework}"
        );
    }
    assert!(
        catalog
            .controls
            .iter()
            .any(|c| c.compliance.contains_key("trustoncloud"))
    );
}

/// The IAM actions a snippet lists: the items after an `Action`/`NotAction`
/// key (CloudFormation, JSON), an `actions`/`not_actions` argument (Terraform,
/// CDK): an inline list up to its `]`, a YAML block list, or a single value.
fn actions_in(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("action") {
        let at = from + found;
        from = at + 6;
        // a whole word `action(s)`, possibly `notaction(s)` / `not_actions`, quoted or not
        let after = &lower[at + 6..];
        let after = after.strip_prefix('s').unwrap_or(after);
        let after = after.trim_start_matches(['"', '\'']).trim_start();
        if !(after.starts_with(':') || after.starts_with('=')) {
            continue;
        }
        let value_start = text.len() - after.len() + 1;
        let rest = &text[value_start.min(text.len())..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let line = rest[..line_end].trim();
        let region: String = if line.starts_with('[') {
            rest[..rest.find(']').unwrap_or(rest.len())].to_string()
        } else if line.is_empty() {
            // a YAML block list on the following lines
            rest[line_end..]
                .lines()
                .skip(1)
                .take_while(|l| l.trim_start().starts_with("- "))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            line.to_string()
        };
        for token in
            region.split(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '-' || c == '*'))
        {
            if let Some((prefix, name)) = token.split_once(':')
                && !prefix.is_empty()
                && prefix
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase() || c == '*')
            {
                out.push(token.to_string());
            }
        }
    }
    out
}

#[test]
fn snippets_parse_and_name_real_actions() {
    let catalog = catalog();
    for c in &catalog.controls {
        let i = &c.implementation;
        if let Some(cfn) = &i.cloudformation {
            let parsed: Result<serde_json::Value, _> = serde_saphyr::from_str(cfn);
            assert!(
                parsed.is_ok(),
                "{}: CloudFormation snippet: {:?}",
                c.id,
                parsed.err()
            );
        }
        if let Some(tf) = &i.terraform {
            let parsed = hcl::parse(tf);
            assert!(
                parsed.is_ok(),
                "{}: Terraform snippet: {:?}",
                c.id,
                parsed.err()
            );
        }
        for snippet in [&i.cloudformation, &i.terraform, &i.cdk]
            .into_iter()
            .flatten()
        {
            for action in actions_in(snippet) {
                check_action(&action).unwrap_or_else(|e| panic!("{}: snippet: {e}", c.id));
            }
        }
    }
}

#[test]
fn actions_are_found_in_every_snippet_style() {
    let yaml = "Statement:\n  - Effect: Deny\n    Action:\n      - s3:PutBucketPolicy\n      - s3:DeleteBucket*\n    Condition:\n      StringEquals:\n        s3:TlsVersion: '1.2'\n";
    assert_eq!(actions_in(yaml), ["s3:PutBucketPolicy", "s3:DeleteBucket*"]);
    let inline = "Action: [s3:GetObject, 'kms:Decrypt']";
    assert_eq!(actions_in(inline), ["s3:GetObject", "kms:Decrypt"]);
    let hcl = "actions = [\"s3:PutObject\"]\ncondition {\n  variable = \"s3:x-amz-acl\"\n}";
    assert_eq!(actions_in(hcl), ["s3:PutObject"]);
    let cdk = "new iam.PolicyStatement({ actions: ['s3:GetObjekt'], conditions: { Bool: { 'aws:SecureTransport': 'false' } } })";
    assert_eq!(actions_in(cdk), ["s3:GetObjekt"]);
    assert!(check_action("s3:GetObjekt").is_err());
    let json = r#"{"Effect":"Deny","NotAction":"sts:AssumeRole"}"#;
    assert_eq!(actions_in(json), ["sts:AssumeRole"]);
}

/// Whoever opens a catalog file learns where its format is described: the
/// comment block at the top of every built-in file names docs/catalog.md, and
/// no header points at a path outside the repository.
#[test]
fn every_catalog_file_header_points_at_the_format_documentation() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut checked = 0;
    for name in moat_catalog::builtin_files() {
        let text = std::fs::read_to_string(root.join(name)).unwrap();
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
        assert!(!header.is_empty(), "{name} has no header comment");
        let header = header.join("\n");
        assert!(
            header.contains("docs/catalog.md"),
            "{name}: the header does not point at docs/catalog.md"
        );
        // Paths in a header are repository-relative: an absolute one names
        // a directory of the machine that wrote it.
        let absolute = header
            .split_whitespace()
            .map(|w| w.trim_start_matches(['(', '`', '"', '\'', '#']))
            .any(|w| w.starts_with('/') && w.len() > 1);
        assert!(!absolute, "{name}: the header names an absolute path");
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} catalog files");
}
