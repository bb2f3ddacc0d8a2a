#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every output format, snapshotted on the fixtures.

mod common;

use common::{assert_tidy_markdown, nested, s3};

#[test]
fn text_without_colour() {
    let out = moat_report::text(&s3(), false);
    assert!(!out.contains('\u{1b}'));
    insta::assert_snapshot!(out);
}

#[test]
fn text_with_colour() {
    let out = moat_report::text(&s3(), true);
    // Only severities are painted: one per table row, one per summary entry.
    assert_eq!(out.matches("\u{1b}[0m").count(), 8 + 5);
    insta::assert_snapshot!(out.replace('\u{1b}', "\\e"));
}

#[test]
fn text_without_threats() {
    let mut a = s3();
    a.retain(|_| false);
    insta::assert_snapshot!(moat_report::text(&a, true));
}

#[test]
fn json_round_trips() {
    let a = s3();
    let out = moat_report::json(&a);
    assert!(out.ends_with("}\n"));
    let back: moat_engine::Assessment = serde_json::from_str(&out).unwrap();
    assert_eq!(moat_report::json(&back), out);
    insta::assert_snapshot!(out);
}

#[test]
fn markdown_s3() {
    insta::assert_snapshot!(moat_report::markdown(&s3()).unwrap());
}

#[test]
fn markdown_nested() {
    insta::assert_snapshot!(moat_report::markdown(&nested()).unwrap());
}

#[test]
fn dot_s3() {
    insta::assert_snapshot!(moat_report::dot(&s3().model));
}

#[test]
fn dot_nested() {
    insta::assert_snapshot!(moat_report::dot(&nested().model));
}

#[test]
fn mermaid_s3() {
    insta::assert_snapshot!(moat_report::mermaid(&s3().model));
}

#[test]
fn mermaid_nested() {
    insta::assert_snapshot!(moat_report::mermaid(&nested().model));
}

#[test]
fn plantuml_s3() {
    insta::assert_snapshot!(moat_report::plantuml_sequence(&s3().model));
}

#[test]
fn plantuml_nested() {
    insta::assert_snapshot!(moat_report::plantuml_sequence(&nested().model));
}

#[test]
fn markdown_is_tidy() {
    assert_tidy_markdown(&moat_report::markdown(&s3()).unwrap());
    assert_tidy_markdown(&moat_report::markdown(&nested()).unwrap());
    let mut empty = s3();
    empty.retain(|_| false);
    empty.diagnostics.clear();
    empty.model = moat_model::Model::default();
    let out = moat_report::markdown(&empty).unwrap();
    assert_tidy_markdown(&out);
    insta::assert_snapshot!(out);
}
