#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Names with quotes, pipes, backslashes, newlines and markup cannot break
//! out of their place in any output.

mod common;

use common::{assert_tidy_markdown, s3};
use moat_engine::{Assessment, ThreatDefinition};

const NAUGHTY: &str = "Say \"hi\" | `rm -rf` \\ <b>bold</b> #1\n- second line";

/// The S3 fixture with hostile names everywhere a user can write one.
fn hostile() -> Assessment {
    let mut a = s3();
    a.model.name = format!("Model {NAUGHTY}");
    a.model.description = format!("Description {NAUGHTY}");
    a.model.boundaries[0].name = format!("Boundary {NAUGHTY}");
    a.model.elements[0].name = format!("User {NAUGHTY}");
    a.model.elements[0].id = "user \"1\" | end".into();
    a.model.elements[1].name = format!("Service {NAUGHTY}");
    for flow in &mut a.model.flows {
        if flow.source == "user" {
            flow.source = "user \"1\" | end".into();
        }
    }
    a.model.flows[0].name = format!("Flow {NAUGHTY}");
    a.model.flows[1]
        .attributes
        .insert("note".into(), format!("Note {NAUGHTY}").into());
    let first = a.threats[0].clone();
    let definition = definition_mut(&mut a, &first.threat_id);
    definition.name = format!("Threat {NAUGHTY}");
    definition.mitigations = vec![format!("Mitigation {NAUGHTY}")];
    let target = a
        .targets
        .iter_mut()
        .find(|t| t.id == first.target_id)
        .unwrap();
    target.name = a.model.elements[0].name.clone();
    target.id = a.model.elements[0].id.clone();
    a.threats[0].target_id = a.model.elements[0].id.clone();
    a
}

fn definition_mut<'a>(a: &'a mut Assessment, threat_id: &str) -> &'a mut ThreatDefinition {
    a.definitions
        .iter_mut()
        .find(|d| d.id == threat_id)
        .unwrap()
}

#[test]
fn dot_quotes_stay_balanced() {
    let out = moat_report::dot(&hostile().model);
    for line in out.lines() {
        let unescaped_quotes = line
            .replace("\\\\", "")
            .replace("\\\"", "")
            .matches('"')
            .count();
        assert_eq!(unescaped_quotes % 2, 0, "{line}");
    }
    assert!(!out.contains("<b>bold</b>\n"));
    insta::assert_snapshot!(out);
}

#[test]
fn mermaid_labels_hold_no_delimiters() {
    let out = moat_report::mermaid(&hostile().model);
    for line in out.lines() {
        assert!(matches!(line.matches('"').count(), 0 | 2), "{line}");
        assert!(!line.contains('<') || line.contains("<br/>"), "{line}");
        assert!(!line.trim_start().starts_with("- "), "{line}");
    }
    // The id `user "1" | end` must not turn into the keyword `end`.
    assert!(!out.lines().any(|l| l.trim_start().starts_with("end ")));
    insta::assert_snapshot!(out);
}

#[test]
fn plantuml_lines_stay_single() {
    let out = moat_report::plantuml_sequence(&hostile().model);
    for line in out.lines() {
        assert!(matches!(line.matches('"').count(), 0 | 2), "{line}");
        assert!(!line.starts_with("- "), "{line}");
    }
    insta::assert_snapshot!(out);
}

#[test]
fn markdown_tables_keep_their_columns() {
    let out = moat_report::markdown(&hostile()).unwrap();
    assert_tidy_markdown(&out);
    assert!(!out.contains("<b>"));
    insta::assert_snapshot!(out);
}

#[test]
fn text_carries_no_control_characters() {
    let mut a = hostile();
    let second = a.threats[1].threat_id.clone();
    definition_mut(&mut a, &second).name = "Bell \u{7} and \u{1b}[2J clear screen".into();
    let out = moat_report::text(&a, false);
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out}");
    // The column headings and 8 rows: no name adds a line to the table.
    let table = out
        .lines()
        .skip_while(|l| !l.starts_with("SEVERITY"))
        .take_while(|l| !l.is_empty())
        .count();
    assert_eq!(table, 9, "{out}");
}

#[test]
fn json_keeps_names_exactly() {
    let a = hostile();
    let back: Assessment = serde_json::from_str(&moat_report::json(&a)).unwrap();
    assert_eq!(back.model, a.model);
}
