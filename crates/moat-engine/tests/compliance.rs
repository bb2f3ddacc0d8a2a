#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `moat compliance`: only satisfying controls meet a requirement, supporting
//! ones are listed apart, and a framework file that lists part of its framework
//! says so.

#[path = "../../moat-catalog/tests/common/mod.rs"]
mod common;

use common::render;
use moat_catalog::{Catalog, builtin, load_str};
use moat_engine::compliance::compliance;
use moat_engine::plan::Status;

const CATALOG: &str = r#"threats:
  - id: T-S3-001
    name: Public bucket
    stride: information_disclosure
    description: Anyone can read it.
    likelihood: 3
    impact: 5
    applies_to: [datastore]
framework:
  id: demo
  name: Demo benchmark
  subset:
    selection: the storage recommendations
    total: 10
  requirements:
    - {id: "1", title: Bucket setting on}
    - {id: "2", title: Bucket policy denies plain HTTP}
    - {id: "3", title: Nobody covers this}
controls:
  - id: C-S3-001
    name: Turn the bucket setting on
    objective: The setting is on.
    feature_classes: []
    type: preventive
    effort: low
    implementation: {description: Turn it on.}
    testing: {description: Read it back.}
    mitigates: [{threat: T-S3-001, impact: high}]
    compliance: {demo: ["1"]}
  - id: C-S3-002
    name: Keep the setting on with an SCP
    objective: Nobody turns it off.
    feature_classes: []
    type: preventive
    effort: low
    implementation: {description: Deny the change.}
    testing: {description: Try the change.}
    mitigates: [{threat: T-S3-001, impact: medium}]
    supports: {demo: ["1", "2"]}
"#;

fn load(text: &str) -> (Catalog, String) {
    let (catalog, mut diagnostics) = load_str("demo.yaml", text);
    let mut catalog = catalog.unwrap();
    diagnostics.extend(catalog.link());
    let rendered = render(&diagnostics, text);
    (catalog, rendered)
}

#[test]
fn only_satisfying_controls_meet_a_requirement() {
    let (catalog, diagnostics) = load(CATALOG);
    assert!(diagnostics.is_empty(), "{diagnostics}");
    let report = compliance(&catalog, "demo").unwrap();

    let first = &report.requirements[0];
    assert_eq!(first.controls, ["C-S3-001"]);
    assert_eq!(first.supporting, ["C-S3-002"]);
    assert_eq!(first.status, Status::NotAssessed);

    // supported only: still a gap, with its supporting control shown
    let second = &report.requirements[1];
    assert!(second.controls.is_empty());
    assert_eq!(second.supporting, ["C-S3-002"]);
    assert_eq!(second.status, Status::Missing);
    assert_eq!(report.gaps, ["2", "3"]);
    assert_eq!(report.satisfied_count(), 1);
    assert_eq!(report.supported_only_count(), 1);

    let scp = report
        .actions
        .iter()
        .find(|a| a.control == "C-S3-002")
        .unwrap();
    assert!(scp.requirements.is_empty());
    assert_eq!(scp.supports, ["1", "2"]);
}

#[test]
fn a_subset_framework_says_how_much_it_lists() {
    let (catalog, _) = load(CATALOG);
    let report = compliance(&catalog, "demo").unwrap();
    let subset = report.subset.as_ref().expect("subset");
    assert_eq!((subset.listed, subset.total), (3, Some(10)));
    assert_eq!(
        subset.summary(),
        "3 of 10 requirements (the storage recommendations)"
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["subset"]["listed"], 3);
    assert_eq!(json["subset"]["total"], 10);

    let whole = CATALOG.replace(
        "  subset:\n    selection: the storage recommendations\n    total: 10\n",
        "",
    );
    let (catalog, diagnostics) = load(&whole);
    assert!(diagnostics.is_empty(), "{diagnostics}");
    let report = compliance(&catalog, "demo").unwrap();
    assert!(report.subset.is_none());
    assert!(
        serde_json::to_value(&report)
            .unwrap()
            .get("subset")
            .is_none()
    );
}

#[test]
fn a_requirement_cannot_be_both_satisfied_and_supported() {
    let text = CATALOG.replace(
        "    supports: {demo: [\"1\", \"2\"]}",
        "    compliance: {demo: [\"2\"]}\n    supports: {demo: [\"1\", \"2\"]}",
    );
    let (_, diagnostics) = load(&text);
    assert!(
        diagnostics.contains(
            "control `C-S3-002`: `demo` requirement `2` is under both `compliance` and `supports`"
        ),
        "{diagnostics}"
    );
}

#[test]
fn supported_requirements_must_exist() {
    let text = CATALOG.replace(
        "    supports: {demo: [\"1\", \"2\"]}",
        "    supports: {demo: [\"1\", \"9\"], nist: [AC-3]}",
    );
    let (_, diagnostics) = load(&text);
    assert!(
        diagnostics.contains("control `C-S3-002`: `supports`: `demo` has no requirement `9`"),
        "{diagnostics}"
    );
    assert!(
        diagnostics.contains("control `C-S3-002`: `supports` names unknown framework `nist`"),
        "{diagnostics}"
    );
}

#[test]
fn a_subset_total_below_the_listed_count_is_an_error() {
    let text = CATALOG.replace("    total: 10\n", "    total: 2\n");
    let (_, diagnostics) = load(&text);
    assert!(
        diagnostics.contains(
            "framework `demo`: `subset.total` is 2, fewer than the 3 requirements listed"
        ),
        "{diagnostics}"
    );
    let text = CATALOG.replace("    total: 10\n", "    totl: 10\n");
    let (_, diagnostics) = load(&text);
    assert!(diagnostics.contains("totl"), "{diagnostics}");
}

/// Organization policies keep a setting from being turned off or refuse
/// requests whatever a bucket allows, but Security Hub and CIS read each
/// bucket's and account's own configuration: such a control only supports
/// those checks.
#[test]
fn organization_policies_never_satisfy_configuration_checks() {
    let (catalog, diagnostics) = builtin();
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let mut seen = 0;
    for control in &catalog.controls {
        let is_org_policy = control
            .name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| word == "SCP" || word == "RCP");
        if !is_org_policy {
            continue;
        }
        seen += 1;
        for framework in ["aws-securityhub", "cis-aws-v3", "cis-aws-v5"] {
            assert!(
                !control.compliance.contains_key(framework),
                "{} ({}) claims to satisfy {framework} {:?}",
                control.id,
                control.name,
                control.compliance[framework]
            );
        }
    }
    assert!(seen >= 6, "only {seen} SCP/RCP controls found by name");
    for (id, framework, requirement) in [
        ("C-S3-100", "aws-securityhub", "S3.1"),
        ("C-S3-101", "aws-securityhub", "S3.9"),
        ("C-S3-104", "aws-securityhub", "S3.6"),
        ("C-S3-106", "aws-securityhub", "S3.5"),
        ("C-S3-106", "cis-aws-v5", "2.1.1"),
    ] {
        let control = catalog.control(id).unwrap();
        assert!(
            control.supports[framework].iter().any(|r| r == requirement),
            "{id} does not support {framework} {requirement}"
        );
    }
}

#[test]
fn the_cis_files_say_they_are_subsets_of_the_benchmarks() {
    let (catalog, _) = builtin();
    for (framework, listed, total) in [("cis-aws-v3", 41, 62), ("cis-aws-v5", 41, 63)] {
        let report = compliance(&catalog, framework).unwrap();
        let subset = report.subset.expect("subset");
        assert_eq!((subset.listed, subset.total), (listed, Some(total)));
    }
    for framework in ["aws-securityhub", "pci-dss-v4", "nist-800-53-r5"] {
        let report = compliance(&catalog, framework).unwrap();
        assert!(
            report.subset.is_some(),
            "{framework} lists part of its framework"
        );
    }
}

#[test]
fn catalog_search_finds_controls_by_the_requirements_they_support() {
    let (catalog, _) = builtin();
    let found: Vec<String> = moat_catalog::search::search(&catalog, "S3.8")
        .into_iter()
        .map(|e| e.id)
        .collect();
    // C-S3-100 names S3.8 only under `supports`
    assert!(found.iter().any(|id| id == "C-S3-100"), "{found:?}");
    assert!(found.iter().any(|id| id == "C-S3-002"), "{found:?}");
}
