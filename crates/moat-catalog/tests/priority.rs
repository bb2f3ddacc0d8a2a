#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The priority formula of docs/prioritization.md, on a catalog small enough to
//! compute by hand.

use moat_catalog::priority::{Band, prioritize};

const CATALOG: &str = r#"
feature_classes:
  - id: FC-S3-BUCKET
    name: Bucket
    service: s3
    description: Buckets.
threats:
  - id: T-S3-001
    name: Critical one
    stride: tampering
    feature_class: FC-S3-BUCKET
    description: Critical.
    likelihood: 5
    impact: 5
    applies_to: [datastore]
  - id: T-S3-002
    name: Medium one
    stride: tampering
    feature_class: FC-S3-BUCKET
    description: Medium.
    likelihood: 2
    impact: 3
    applies_to: [datastore]
controls:
  - id: C-S3-001
    name: Strong and cheap
    objective: Stops both.
    feature_classes: [FC-S3-BUCKET]
    type: preventive
    effort: very_low
    implementation: {description: Do it.}
    testing: {description: Check it.}
    mitigates:
      - {threat: T-S3-001, impact: full}
      - {threat: T-S3-002, impact: medium}
    depends_on: [C-S3-003]
    assured_by: [C-S3-004]
  - id: C-S3-002
    name: Weak and costly
    objective: Helps a bit.
    feature_classes: [FC-S3-BUCKET]
    type: detective
    effort: very_high
    implementation: {description: Do it.}
    testing: {description: Check it.}
    mitigates:
      - {threat: T-S3-002, impact: low}
  - id: C-S3-003
    name: Prerequisite
    objective: Needed by the first.
    feature_classes: [FC-S3-BUCKET]
    type: directive
    effort: high
    implementation: {description: Do it.}
    testing: {description: Check it.}
    mitigates: []
  - id: C-S3-004
    name: The check
    objective: Tells whether the first still works.
    feature_classes: [FC-S3-BUCKET]
    type: detective
    effort: medium
    implementation: {description: Do it.}
    testing: {description: Check it.}
    mitigates: []
"#;

#[test]
fn scores_follow_the_documented_formula() {
    let (catalog, diagnostics) = moat_catalog::load_str("p.yaml", CATALOG);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let mut catalog = catalog.unwrap();
    assert!(catalog.link().is_empty());
    let by_id = |id: &str| {
        prioritize(&catalog)
            .into_iter()
            .find(|p| p.control == id)
            .unwrap()
    };
    // critical (5) x full (1.0) + medium (3) x medium (0.5) = 6.5, over very low effort (1)
    let first = by_id("C-S3-001");
    assert_eq!(
        (first.own_score, first.score, first.band),
        (6.5, 6.5, Band::VeryHigh)
    );
    // medium (3) x low (0.25) = 0.75, over very high effort (5) = 0.15
    let second = by_id("C-S3-002");
    assert_eq!((second.own_score, second.band), (0.15, Band::VeryLow));
    // a prerequisite and an assurance control inherit the first one's score
    for id in ["C-S3-003", "C-S3-004"] {
        let p = by_id(id);
        assert_eq!((p.own_score, p.score), (0.0, 6.5), "{id}");
        assert_eq!(p.inherited_from.as_deref(), Some("C-S3-001"));
    }
    let order: Vec<String> = prioritize(&catalog)
        .into_iter()
        .map(|p| p.control)
        .collect();
    assert_eq!(order, ["C-S3-001", "C-S3-003", "C-S3-004", "C-S3-002"]);
    catalog.controls.clear();
    assert!(prioritize(&catalog).is_empty());
}

#[test]
fn the_documented_bands_are_the_code_bands() {
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/prioritization.md"),
    )
    .unwrap();
    for (band, min) in Band::THRESHOLDS {
        let row = format!("| {} | {min:.1} ", band.label());
        assert!(page.contains(&row), "docs/prioritization.md lacks `{row}`");
    }
    assert!(page.contains("| Very Low | below 0.4 |"));
}
