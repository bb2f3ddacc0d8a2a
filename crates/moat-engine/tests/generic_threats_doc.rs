#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! docs/generic-threats.md stays true to the catalog: one row per generic
//! threat with its name and kinds, none of them on managed services, and every
//! S3 threat it points to exists.

use std::path::PathBuf;

fn doc() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/generic-threats.md");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn every_generic_threat_has_its_row() {
    let (catalog, _) = moat_catalog::builtin();
    let text = doc();
    let generic: Vec<_> = catalog
        .threats
        .iter()
        .map(|t| &t.threat)
        .filter(|t| t.id.starts_with("T-GEN-"))
        .collect();
    assert_eq!(generic.len(), 23);
    for threat in generic {
        assert!(
            !threat.applies_to_managed_services,
            "{} lands on managed services",
            threat.id
        );
        let row = text
            .lines()
            .find(|l| l.starts_with(&format!("| {} |", threat.id)))
            .unwrap_or_else(|| panic!("no row for {}", threat.id));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[2], threat.name, "{}", threat.id);
        let kinds: Vec<&str> = threat
            .applies_to
            .iter()
            .map(|k| match k.as_str() {
                "dataflow" => "flow",
                other => other,
            })
            .collect();
        assert_eq!(cells[3], kinds.join(", "), "{}", threat.id);
    }
}

#[test]
fn every_threat_the_page_names_exists() {
    let (catalog, _) = moat_catalog::builtin();
    let text = doc();
    let mut named = 0;
    for (at, _) in text.match_indices("T-") {
        let id: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if id.len() > 5 && id.chars().last().is_some_and(|c| c.is_ascii_digit()) {
            assert!(catalog.threat(&id).is_some(), "{id} is not in the catalog");
            named += 1;
        }
    }
    assert!(named > 40, "{named}");
}
