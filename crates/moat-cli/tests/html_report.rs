#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `-f html` on every command that writes it: one page, the bundled example's
//! well under the 1 MB the issue allows, the diagram in it, the scan's
//! findings at their lines.

mod common;
use common::*;

fn is_page(html: &str) {
    assert!(
        html.starts_with("<!DOCTYPE html>\n"),
        "{}",
        &html[..80.min(html.len())]
    );
    assert!(html.trim_end().ends_with("</html>"));
    assert_eq!(html.matches("<script").count(), 1);
    assert_eq!(html.matches("<style").count(), 1);
}

#[test]
fn the_bundled_example_report_is_one_page_under_a_megabyte() {
    for example in ["examples/s3/tm.py", "examples/data-lake/model.yaml"] {
        let html = ok(&["threats", example, "-f", "html"]);
        is_page(&html);
        assert!(html.len() < 1_000_000, "{example}: {} bytes", html.len());
        assert!(
            html.contains("<div class=\"diagram\" id=\"diagram\">"),
            "{example}"
        );
        assert!(html.contains("data-row=\"threats\""), "{example}");
    }
}

#[test]
fn a_scan_page_has_the_findings_at_their_lines() {
    let out = moat(&["scan", "examples/cdk-s3-review/cdk.out", "-f", "html"]);
    // findings at or above --fail-on's default keep their exit code
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let html = stdout(&out);
    is_page(&html);
    assert!(html.contains("id=\"sec-findings\""));
    assert!(html.contains("data-row=\"findings\""));
    assert!(html.contains(".template.json:"), "file:line evidence");

    // the threat model of the same templates: diagram, threats and findings together
    let html = ok(&["threats", "examples/cdk-s3-review/cdk.out", "-f", "html"]);
    is_page(&html);
    assert!(html.contains("<div class=\"diagram\" id=\"diagram\">"));
    assert!(html.contains("data-row=\"threats\""));
}

#[test]
fn plan_review_and_compliance_write_pages() {
    for args in [
        &["plan", "-f", "html"][..],
        &[
            "review",
            "--feature-class",
            "FC-S3-REPLICATION",
            "-f",
            "html",
        ],
        &["compliance", "--framework", "aws-securityhub", "-f", "html"],
    ] {
        let html = ok(args);
        is_page(&html);
        assert!(
            html.contains(&format!("id=\"sec-{}\"", args[0])),
            "{args:?}"
        );
    }
}
