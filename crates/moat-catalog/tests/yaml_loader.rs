#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The YAML catalog format: what loads, and the located error for each mistake.

mod common;

use common::render;
use moat_catalog::{Severity, Stride, TargetKind, load_str};
use moat_model::ElementKind;

const VALID: &str = r#"threats:
  - id: T-S3-001
    name: Public read of a bucket
    stride: information_disclosure
    feature_class: FC-S3-ACCESS
    description: Anyone on the internet can read the objects.
    example: A scanner lists the bucket.
    likelihood: 4
    impact: 5
    applies_to: [datastore, server]
    applies_when: "!target.controls.hasAccessControl"
    mitigations: [Block public access]
    references: [https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html]
  - id: T-GEN-100
    name: Always there
    stride: repudiation
    description: A threat without a condition applies to every target of its kinds.
    likelihood: 1
    impact: 2
    applies_to: [boundary]
"#;

#[test]
fn a_valid_catalog_loads_with_derived_severity_and_locations() {
    let (catalog, diagnostics) = load_str("s3.yaml", VALID);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let catalog = catalog.unwrap();
    assert_eq!(catalog.sources, ["s3.yaml"]);
    assert_eq!(catalog.threats.len(), 2);
    let first = &catalog.threats[0].threat;
    assert_eq!(first.stride, Stride::InformationDisclosure);
    assert_eq!(first.severity, Severity::Critical);
    assert_eq!(first.feature_class.as_deref(), Some("FC-S3-ACCESS"));
    assert_eq!(
        first.applies_to,
        [
            TargetKind::Element(ElementKind::Datastore),
            TargetKind::Element(ElementKind::Server)
        ]
    );
    let location = first.location.as_ref().unwrap();
    assert_eq!(
        (location.file.as_str(), location.line, location.col),
        ("s3.yaml", 2, 5)
    );
    assert!(catalog.threats[0].condition.is_some());
    let second = &catalog.threats[1];
    assert_eq!(second.threat.severity, Severity::Info);
    assert!(second.condition.is_none());
    assert_eq!(second.threat.location.as_ref().unwrap().line, 14);
}

const BROKEN: &str = r#"threats:
  - id: T-GEN-1
    name: Bad id
    stride: spoofing
    description: x
    likelihood: 0
    impact: 6
    applies_to: []
  - id: T-GEN-002
    name: Unknown things
    stride: spoofng
    severity: high
    descripton: typo
    likelihood: 3
    impact: 3
    applies_to: [serverr, dataflow]
    controls:
      - control: C-S3-001
        impact: full
  - id: T-GEN-003
    name: Misspelt attribute
    stride: tampering
    description: x
    likelihood: 3
    impact: 3
    applies_to: [dataflow]
    applies_when: "!target.controls.isEncrptd"
  - id: T-GEN-004
    name: Attribute missing on one kind
    stride: tampering
    description: x
    likelihood: 3
    impact: 3
    applies_to: [server, process]
    applies_when: >-
      target.controls.isHardened &&
      target.usesXMLParser
  - id: T-GEN-005
    name: Syntax error
    stride: tampering
    description: x
    likelihood: 3
    impact: 3
    applies_to: [dataflow]
    applies_when: "target.isResponse &&& target.controls.isEncrypted"
  - id: T-GEN-006
    name: Type error
    stride: tampering
    description: x
    likelihood: 3
    impact: 3
    applies_to: [dataflow]
    applies_when: 'target.controls.isEncrypted == "yes"'
  - id: T-GEN-007
    name: Comprehension over data
    stride: tampering
    description: x
    likelihood: 3
    impact: 3
    applies_to: [dataflow]
    applies_when: "target.data.exists(d, d.isPIII)"
  - name: No id
    stride: denial_of_service
    description: x
    likelihood: 3
    impact: 3
    applies_to: [server]
  - id: T-GEN-008
    name: Fine
    stride: tampering
    description: x
    likelihood: 2
    impact: 2
    applies_to: [dataflow]
    applies_when: "has(target.properties.owner) && target.data.exists(d, d.isPII)"
  - id: T-GEN-008
    name: Duplicate
    stride: tampering
    description: x
    likelihood: 2
    impact: 2
    applies_to: [dataflow]
"#;

#[test]
fn every_mistake_is_a_located_error_naming_the_threat() {
    let (catalog, diagnostics) = load_str("broken.yaml", BROKEN);
    let catalog = catalog.unwrap();
    // only the valid threat survives; the other threats are dropped, not the file
    let ids: Vec<&str> = catalog
        .threats
        .iter()
        .map(|t| t.threat.id.as_str())
        .collect();
    assert_eq!(ids, ["T-GEN-008"]);
    assert!(diagnostics.iter().all(|d| d.location.is_some()));
    insta::assert_snapshot!(render(&diagnostics, BROKEN));
}

#[test]
fn unknown_top_level_keys_and_yaml_errors() {
    let text = "threats: []\ncontrols: []\nthreads: []\n";
    let (catalog, diagnostics) = load_str("top.yaml", text);
    assert!(catalog.is_some());
    let syntax = "threats:\n  - id: T-GEN-001\n    name: [unclosed\n";
    let (none, syntax_diagnostics) = load_str("syntax.yaml", syntax);
    assert!(none.is_none());
    let not_a_list = "threats: 3\n";
    let (none, list_diagnostics) = load_str("list.yaml", not_a_list);
    assert!(none.is_none());
    insta::assert_snapshot!(format!(
        "{}{}{}",
        render(&diagnostics, text),
        render(&syntax_diagnostics, syntax),
        render(&list_diagnostics, not_a_list)
    ));
}

#[test]
fn merging_catalogs_rejects_duplicate_ids() {
    let (first, _) = load_str("a.yaml", VALID);
    let (second, _) = load_str("b.yaml", VALID);
    let mut merged = first.unwrap();
    let diagnostics = merged.merge(second.unwrap());
    assert_eq!(merged.threats.len(), 2);
    assert_eq!(merged.sources, ["a.yaml", "b.yaml"]);
    let rendered: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        rendered,
        [
            "b.yaml:2:5: error: duplicate threat id `T-S3-001`, first defined at a.yaml:2:5",
            "b.yaml:14:5: error: duplicate threat id `T-GEN-100`, first defined at a.yaml:14:5",
        ]
    );
}

#[test]
fn builtin_ids_collide_with_a_copy_of_the_builtin_catalog() {
    let (mut builtin, _) = moat_catalog::builtin();
    let copy = include_str!("../../../catalog/generic/spoofing.yaml");
    let (loaded, diagnostics) = load_str("copy.yaml", copy);
    assert!(diagnostics.is_empty());
    let duplicates = builtin.merge(loaded.unwrap());
    assert_eq!(duplicates.len(), 4);
    assert!(duplicates.iter().all(|d| d.code == "catalog::duplicate-id"));
}

#[test]
fn empty_and_degenerate_files() {
    let cases = [
        ("empty.yaml", ""),
        ("comment.yaml", "# nothing here\n"),
        ("null.yaml", "threats:\n"),
        ("none.yaml", "threats: []\n"),
        ("scalar.yaml", "just text\n"),
        ("entry.yaml", "threats:\n  - 3\n"),
        ("empty.json", "[]"),
        ("object.json", "[1]"),
    ];
    let mut out = String::new();
    for (name, text) in cases {
        let (catalog, diagnostics) = load_str(name, text);
        out.push_str(&format!(
            "{name}: {}\n",
            match &catalog {
                Some(c) => format!("{} threats", c.threats.len()),
                None => "no catalog".to_string(),
            }
        ));
        out.push_str(&render(&diagnostics, text));
    }
    insta::assert_snapshot!(out);
}
