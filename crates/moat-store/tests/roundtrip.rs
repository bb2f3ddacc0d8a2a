#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Property: any decision text the store accepts reads back exactly, from the
//! current state and from the history, on both backends; text it refuses
//! stores nothing.

mod common;

use common::Fixture;
use moat_model::DecisionStatus;
use moat_store::{
    DecisionKey, DecisionValue, HistoryFilter, NewRun, RunKind, RunSource, StoreError,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

on_both_backends!(decision_text_round_trips, text_with_nul_is_refused);

/// Free text: any characters (newlines, quotes, backslashes, emoji, right-to-left
/// marks, ...) except NUL.
fn free_text() -> impl Strategy<Value = String> {
    "(?s).{0,120}".prop_map(|s| s.replace('\0', ""))
}

/// A name, selector or target: any characters but control characters, not blank.
fn name() -> impl Strategy<Value = String> {
    "(?s).{1,40}"
        .prop_map(|s| s.chars().filter(|c| !c.is_control()).collect::<String>())
        .prop_filter("not blank", |s| !s.trim().is_empty())
}

fn day() -> impl Strategy<Value = String> {
    (1970u32..2200, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
}

fn value() -> impl Strategy<Value = DecisionValue> {
    (
        prop::sample::select(DecisionStatus::ALL.to_vec()),
        free_text(),
        prop::option::of(free_text()),
        prop::option::of(day()),
        prop::option::of(name()),
        prop::option::of(day()),
    )
        .prop_map(
            |(status, justification, ticket, date, checked_by, expires)| DecisionValue {
                status,
                justification,
                ticket,
                date,
                checked_by,
                expires,
            },
        )
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    })
}

fn fail(e: StoreError) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

fn decision_text_round_trips(fixture: &dyn Fixture) {
    let store = fixture.open();
    let strategy = (
        name(),
        name(),
        name(),
        value(),
        name(),
        prop::option::of(free_text()),
    );
    runner()
        .run(
            &strategy,
            |(project, selector, target, value, by, label)| {
                let key = DecisionKey::new(selector, target);
                let stored = store
                    .set_decision(&project, &key, &value, &by)
                    .map_err(fail)?;
                prop_assert_eq!(&stored.value, &value);
                prop_assert_eq!(&stored.key, &key);

                let listed = store.list_decisions(&project).map_err(fail)?;
                let found = listed.iter().find(|r| r.key == key);
                prop_assert_eq!(found, Some(&stored));

                let history = store
                    .decision_history(
                        &project,
                        &HistoryFilter {
                            selector: Some(key.selector.clone()),
                            target: Some(key.target.clone()),
                            limit: Some(1),
                            ..HistoryFilter::default()
                        },
                    )
                    .map_err(fail)?;
                prop_assert_eq!(history.len(), 1);
                prop_assert_eq!(history[0].new.as_ref(), Some(&value));
                prop_assert_eq!(&history[0].changed_by, &by);
                prop_assert_eq!(&history[0].key, &key);

                // The bulk path stores the same text (on PostgreSQL it goes through arrays).
                let bulk_key =
                    DecisionKey::new(key.selector.clone(), format!("{}#bulk", key.target));
                let bulk = store
                    .set_decisions_bulk(&project, &[(bulk_key.clone(), value.clone())], &by)
                    .map_err(fail)?;
                prop_assert_eq!(&bulk[0].value, &value);
                let listed = store.list_decisions(&project).map_err(fail)?;
                let found = listed.iter().find(|r| r.key == bulk_key).map(|r| &r.value);
                prop_assert_eq!(found, Some(&value));
                let history = store
                    .decision_history(
                        &project,
                        &HistoryFilter {
                            limit: Some(1),
                            ..HistoryFilter::default()
                        },
                    )
                    .map_err(fail)?;
                prop_assert_eq!(&history[0].key, &bulk_key);
                prop_assert_eq!(history[0].new.as_ref(), Some(&value));

                // A run's label and the JSON texts come back byte for byte too.
                let assessment =
                    serde_json::json!({ "justification": value.justification }).to_string();
                let run = store
                    .add_run(&NewRun {
                        project: project.clone(),
                        kind: RunKind::Threats,
                        label: label.clone(),
                        source: RunSource::Upload,
                        assessment: assessment.clone(),
                        summary: "{}".into(),
                    })
                    .map_err(fail)?;
                let back = store.get_run(run.id).map_err(fail)?.unwrap();
                prop_assert_eq!(back.meta.label, label);
                prop_assert_eq!(back.assessment, assessment);
                Ok(())
            },
        )
        .unwrap();
}

fn text_with_nul_is_refused(fixture: &dyn Fixture) {
    let store = fixture.open();
    let strategy = (free_text(), free_text(), 0usize..4);
    runner()
        .run(&strategy, |(before, after, field)| {
            let text = format!("{before}\0{after}");
            let mut value = DecisionValue::new(DecisionStatus::Accepted);
            let mut key = DecisionKey::new("T-S3-001", "*");
            match field {
                0 => value.justification = text,
                1 => value.ticket = Some(text),
                2 => key.target = text,
                _ => key.selector = text,
            }
            let result = store.set_decision("nul", &key, &value, "alice");
            let refused = matches!(result, Err(StoreError::Invalid { .. }));
            prop_assert!(refused, "{:?}", result);
            Ok(())
        })
        .unwrap();
    assert!(store.list_projects().unwrap().is_empty());
}
