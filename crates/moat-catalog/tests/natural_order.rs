#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Ids sort naturally wherever equal results are ordered by id: `S3.C4`
//! before `S3.C38`, while zero-padded Moat ids keep their order.

use moat_catalog::priority::prioritize;
use moat_catalog::search::natural;

const MINI: &str = include_str!("fixtures/trustoncloud/mini.json");

#[test]
fn controls_of_equal_priority_sort_naturally() {
    // give the fixture's controls two-digit ids, so text order would differ
    let text = MINI.replace("S3.C1\"", "S3.C10\"");
    let (catalog, diagnostics) = moat_catalog::load_str("mini.json", &text);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{diagnostics:#?}"
    );
    let list = prioritize(&catalog.unwrap());
    assert!(list.iter().any(|c| c.control == "S3.C10"));
    for pair in list.windows(2) {
        if pair[0].score == pair[1].score {
            assert_ne!(
                natural(&pair[0].control, &pair[1].control),
                std::cmp::Ordering::Greater,
                "{} before {}",
                pair[0].control,
                pair[1].control
            );
        }
    }
}

#[test]
fn natural_order_of_ids() {
    let mut ids = vec!["S3.T38", "S3.T4", "T-S3-010", "T-S3-004", "S3.T10"];
    ids.sort_by(|a, b| natural(a, b));
    assert_eq!(ids, ["S3.T4", "S3.T10", "S3.T38", "T-S3-004", "T-S3-010"]);
}
