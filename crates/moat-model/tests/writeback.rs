#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Write-back of decisions: only the changed entries' lines move, the result
//! loads as the intended decisions, and a broken model is refused.

use moat_model::yaml::{DecisionChange, load, write_decisions};
use moat_model::{Decision, DecisionStatus, SourceFile};

const MODEL: &str = "\
# the data lake
name: lake   # keep this comment
elements:
  - id: results
    kind: datastore
    name: Query results
  - id: analyst
    kind: actor
    name: Analyst
flows:
  - source: analyst
    sink: results
    name: reads results

decisions:
  # reviewed with the data team
  - threat: T-S3-012
    target: results
    status: accepted
    justification: 'Results live 7 days: no versioning.'
  - threats: [T-GEN]
    status: false-positive
    justification: generic threats do not apply

# trailing comment stays
";

fn decision(threats: &[&str], targets: &[&str], status: DecisionStatus, why: &str) -> Decision {
    Decision {
        threats: threats.iter().map(|t| t.to_string()).collect(),
        targets: targets.iter().map(|t| t.to_string()).collect(),
        status,
        justification: why.to_string(),
        ticket: None,
        date: None,
        checked_by: None,
        expires: None,
        location: None,
        span: None,
    }
}

fn file(text: &str) -> SourceFile {
    SourceFile::new("model.yaml", text)
}

fn decisions_of(text: &str) -> Vec<(Vec<String>, Vec<String>, DecisionStatus, String)> {
    let loaded = load(&file(text));
    let model = loaded.model.expect("edited model loads");
    model
        .decisions
        .into_iter()
        .map(|d| (d.threats, d.targets, d.status, d.justification))
        .collect()
}

/// Lines of `after` not in `before` and the reverse, as a reviewer's diff would count them.
fn changed_lines(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let b: Vec<&str> = before.lines().collect();
    let a: Vec<&str> = after.lines().collect();
    let added = a
        .iter()
        .filter(|l| !b.contains(l))
        .map(|l| l.to_string())
        .collect();
    let removed = b
        .iter()
        .filter(|l| !a.contains(l))
        .map(|l| l.to_string())
        .collect();
    (added, removed)
}

#[test]
fn replacing_a_decision_touches_only_its_lines() {
    let mut d = decision(
        &["T-S3-012"],
        &["results"],
        DecisionStatus::Mitigated,
        "versioning on",
    );
    d.ticket = Some("LAKE-9".into());
    let out = write_decisions(&file(MODEL), &[DecisionChange::Set(d)]).expect("written");
    let (added, removed) = changed_lines(MODEL, &out);
    assert_eq!(
        removed,
        vec![
            "    status: accepted",
            "    justification: 'Results live 7 days: no versioning.'"
        ]
    );
    assert_eq!(
        added,
        vec![
            "    status: mitigated",
            "    justification: versioning on",
            "    ticket: LAKE-9"
        ]
    );
    assert!(out.contains("# reviewed with the data team"));
    assert!(out.ends_with("# trailing comment stays\n"));
    assert_eq!(decisions_of(&out)[0].2, DecisionStatus::Mitigated);
}

#[test]
fn a_new_decision_goes_after_the_last_entry() {
    let d = decision(
        &["T-S3-001", "T-S3-002"],
        &["results", "analyst"],
        DecisionStatus::InProgress,
        "",
    );
    let out = write_decisions(&file(MODEL), &[DecisionChange::Set(d)]).expect("written");
    let (added, removed) = changed_lines(MODEL, &out);
    assert!(removed.is_empty(), "{removed:?}");
    assert!(added.iter().all(|l| l.starts_with("  ")), "{added:?}");
    let list = decisions_of(&out);
    assert_eq!(list.len(), 3);
    assert_eq!(list[2].0, vec!["T-S3-001", "T-S3-002"]);
    assert_eq!(list[2].1, vec!["results", "analyst"]);
    assert!(out.ends_with("# trailing comment stays\n"));
}

#[test]
fn selectors_match_in_any_order_and_removal_deletes_the_entry() {
    let out = write_decisions(
        &file(MODEL),
        &[DecisionChange::Remove {
            threats: vec!["T-GEN".into()],
            targets: vec![],
        }],
    )
    .expect("written");
    let (added, removed) = changed_lines(MODEL, &out);
    assert!(added.is_empty(), "{added:?}");
    assert_eq!(removed.len(), 3, "{removed:?}");
    assert_eq!(decisions_of(&out).len(), 1);
}

#[test]
fn a_model_without_decisions_gets_a_section_and_flow_style_is_rewritten() {
    let bare = "name: lake\nelements:\n  - id: results\n    kind: datastore\n    name: Results\n";
    let d = decision(
        &["T-S3-0*"],
        &["results"],
        DecisionStatus::Accepted,
        "a: b # not a comment",
    );
    let out = write_decisions(&file(bare), &[DecisionChange::Set(d.clone())]).expect("written");
    assert!(out.starts_with(bare));
    assert_eq!(decisions_of(&out)[0].3, "a: b # not a comment");

    let flow = format!("{bare}decisions: []\n");
    let out = write_decisions(&file(&flow), &[DecisionChange::Set(d)]).expect("written");
    assert!(out.starts_with(bare));
    assert!(!out.contains("[]"));
    assert_eq!(decisions_of(&out).len(), 1);
}

#[test]
fn hostile_text_is_quoted_and_reads_back_verbatim() {
    for why in [
        "<script>alert(1)</script>",
        "line one\nline two",
        "- not: a list",
        "'quoted' \"twice\"",
        "null",
        "*alias &anchor !tag",
    ] {
        let d = decision(&["T-S3-012"], &["results"], DecisionStatus::Accepted, why);
        let out = write_decisions(&file(MODEL), &[DecisionChange::Set(d)]).expect("written");
        assert_eq!(decisions_of(&out)[0].3, why, "{out}");
    }
}

#[test]
fn a_model_that_does_not_load_is_refused() {
    let broken = "name: lake\nelements:\n  - id: x\n    kind: nonsense\n";
    let d = decision(&["T-S3-012"], &[], DecisionStatus::Accepted, "why");
    let error = write_decisions(&file(broken), &[DecisionChange::Set(d)]).expect_err("refused");
    assert!(error.to_string().contains("does not load"), "{error}");
}

#[test]
fn an_edit_that_would_not_load_is_refused() {
    // a day that is not on the calendar does not load: nothing is written
    let mut d = decision(&["T-S3-012"], &["results"], DecisionStatus::Accepted, "why");
    d.date = Some("2026-13-01".into());
    let error = write_decisions(&file(MODEL), &[DecisionChange::Set(d)]).expect_err("refused");
    assert!(error.to_string().contains("would not load"), "{error}");
}

#[test]
fn the_edited_file_reads_as_a_reviewer_expects() {
    let mut changed = decision(&["T-S3-012"], &["results"], DecisionStatus::InProgress, "");
    changed.ticket = Some("LAKE-9".into());
    changed.checked_by = Some("alice@example.com".into());
    changed.date = Some("2026-12-07".into());
    let mut new = decision(
        &["T-S3-0*"],
        &["results", "analyst"],
        DecisionStatus::Accepted,
        "risk owner signed off",
    );
    new.expires = Some("2027-06-30".into());
    let out = write_decisions(
        &file(MODEL),
        &[
            DecisionChange::Set(changed),
            DecisionChange::Set(new),
            DecisionChange::Remove {
                threats: vec!["T-GEN".into()],
                targets: vec![],
            },
        ],
    )
    .expect("written");
    insta::assert_snapshot!(out);
}
