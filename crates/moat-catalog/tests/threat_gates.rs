#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The two threat keys that gate where a threat lands besides its condition:
//! `applies_to_managed_services` and `feature_use` (docs/catalog.md).

use moat_catalog::{FeatureUse, load_str};

fn threat(extra: &str) -> String {
    format!(
        r#"threats:
  - id: T-S3-901
    name: Example
    stride: tampering
    description: An example.
    likelihood: 2
    impact: 2
    applies_to: [server]
{extra}"#
    )
}

#[test]
fn the_keys_are_read_with_their_defaults() {
    let (catalog, diagnostics) = load_str("t.yaml", &threat(""));
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let t = &catalog.unwrap().threats[0].threat;
    assert!(t.applies_to_managed_services);
    assert_eq!(t.feature_use, None);

    let text = threat("    applies_to_managed_services: false\n    feature_use: not_required\n");
    let (catalog, diagnostics) = load_str("t.yaml", &text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let t = &catalog.unwrap().threats[0].threat;
    assert!(!t.applies_to_managed_services);
    assert_eq!(t.feature_use, Some(FeatureUse::NotRequired));
}

#[test]
fn wrong_values_are_located_errors() {
    let text = threat("    applies_to_managed_services: no-thanks\n    feature_use: requird\n");
    let (_, diagnostics) = load_str("t.yaml", &text);
    let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 2, "{shown:#?}");
    assert!(
        shown[0].starts_with(
            "t.yaml:9:34: error: threat `T-S3-901`: `applies_to_managed_services` must be `true` or `false`"
        ),
        "{}",
        shown[0]
    );
    assert!(
        shown[1].starts_with(
            "t.yaml:10:18: error: threat `T-S3-901`: unknown `feature_use` `requird`, did you mean `required`?"
        ),
        "{}",
        shown[1]
    );
}

#[test]
fn pytm_library_threats_apply_to_managed_services_as_pytm_does() {
    let text = include_str!("fixtures/pytm_threats.json");
    let (catalog, _) = load_str("threats.json", text);
    let catalog = catalog.unwrap();
    assert!(!catalog.threats.is_empty());
    assert!(
        catalog
            .threats
            .iter()
            .all(|t| t.threat.applies_to_managed_services)
    );
}

#[test]
fn builtin_generic_threats_do_and_s3_threats_do_not() {
    let (catalog, _) = moat_catalog::builtin();
    for t in catalog.threats.iter().map(|t| &t.threat) {
        assert_eq!(
            t.applies_to_managed_services,
            !t.id.starts_with("T-GEN-"),
            "{}",
            t.id
        );
    }
}
