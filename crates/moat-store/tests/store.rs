#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The store's behaviour, with the same test bodies on SQLite and PostgreSQL.

mod common;

use common::Fixture;
use moat_model::DecisionStatus;
use moat_store::{
    DecisionKey, DecisionValue, HistoryAction, HistoryFilter, MIGRATIONS, NewRun, RunKind,
    RunSource, Store, StoreError,
};
use std::sync::Arc;

on_both_backends!(
    projects_and_runs,
    decisions_and_history,
    bulk_decisions,
    upload_tokens,
    migrations_are_idempotent,
    a_newer_schema_is_refused,
    bad_input_is_refused_and_stores_nothing,
    concurrent_writers_take_turns,
    concurrent_readers_and_writers,
);

fn run(project: &str, kind: RunKind, label: &str) -> NewRun {
    NewRun {
        project: project.to_string(),
        kind,
        label: Some(label.to_string()),
        source: RunSource::Local,
        assessment: format!(r#"{{"label":"{label}","threats":[]}}"#),
        summary: r#"{"open":1}"#.to_string(),
    }
}

fn accepted(justification: &str) -> DecisionValue {
    DecisionValue {
        status: DecisionStatus::Accepted,
        justification: justification.to_string(),
        ticket: Some("SEC-1".to_string()),
        date: Some("2026-12-08".to_string()),
        checked_by: Some("alice".to_string()),
        expires: Some("2027-06-30".to_string()),
    }
}

fn projects_and_runs(fixture: &dyn Fixture) {
    let store = fixture.open();
    assert!(store.list_projects().unwrap().is_empty());
    let a = store.ensure_project("github.com/acme/infra").unwrap();
    let again = store.ensure_project("github.com/acme/infra").unwrap();
    assert_eq!(a, again);
    assert!(a.created_at.ends_with('Z'));

    let r1 = store
        .add_run(&run("github.com/acme/infra", RunKind::Threats, "abc123"))
        .unwrap();
    let r2 = store
        .add_run(&run("github.com/acme/infra", RunKind::Scan, "abc123"))
        .unwrap();
    let r3 = store
        .add_run(&NewRun {
            source: RunSource::Upload,
            label: None,
            ..run("github.com/acme/infra", RunKind::Threats, "def456")
        })
        .unwrap();
    // A run for a project not seen yet creates it.
    let r4 = store
        .add_run(&run("examples/s3", RunKind::Threats, "main"))
        .unwrap();
    assert!(r1.id < r2.id && r2.id < r3.id && r3.id < r4.id);
    assert!(r1.created_at <= r4.created_at);

    let names: Vec<String> = store
        .list_projects()
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["examples/s3", "github.com/acme/infra"]);

    let listed = store.list_runs("github.com/acme/infra").unwrap();
    assert_eq!(listed, vec![r3.clone(), r2.clone(), r1.clone()]);
    assert!(store.list_runs("nobody").unwrap().is_empty());

    let got = store.get_run(r1.id).unwrap().unwrap();
    assert_eq!(got.meta, r1);
    assert_eq!(got.assessment, r#"{"label":"abc123","threats":[]}"#);
    assert_eq!(got.meta.summary, r#"{"open":1}"#);
    let uploaded = store.get_run(r3.id).unwrap().unwrap();
    assert_eq!(uploaded.meta.source, RunSource::Upload);
    assert_eq!(uploaded.meta.label, None);
    assert!(store.get_run(r4.id + 1000).unwrap().is_none());

    let latest = store.latest_runs().unwrap();
    assert_eq!(latest, vec![r4, r2, r3]);
}

fn decisions_and_history(fixture: &dyn Fixture) {
    let store = fixture.open();
    let project = "examples/s3";
    let key = DecisionKey::new("T-S3-001", "*");
    let other = DecisionKey::new("CHK-S3-0*", "bucket-?");
    assert!(store.list_decisions(project).unwrap().is_empty());

    let first = store
        .set_decision(
            project,
            &key,
            &DecisionValue::new(DecisionStatus::InDiscussion),
            "alice",
        )
        .unwrap();
    assert_eq!(first.project, project);
    assert_eq!(first.updated_by, "alice");
    let second = store
        .set_decision(project, &key, &accepted("behind the VPN"), "bob")
        .unwrap();
    assert_eq!(second.value, accepted("behind the VPN"));
    assert!(second.updated_at >= first.updated_at);
    store
        .set_decision(
            project,
            &other,
            &DecisionValue::new(DecisionStatus::FalsePositive),
            "carol",
        )
        .unwrap();

    // Current state: one record per key, sorted by selector then target.
    let current = store.list_decisions(project).unwrap();
    assert_eq!(current.len(), 2);
    assert_eq!(current[0].key, other);
    assert_eq!(current[1], second);
    assert_eq!(
        current[1].to_decision().threats,
        vec!["T-S3-001".to_string()]
    );

    // Deleting records the old value; deleting nothing records nothing.
    let removed = store.delete_decision(project, &other, "dave").unwrap();
    assert_eq!(removed.unwrap().key, other);
    assert!(
        store
            .delete_decision(project, &other, "dave")
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .delete_decision("no-such-project", &other, "dave")
            .unwrap()
            .is_none()
    );
    assert_eq!(store.list_decisions(project).unwrap(), vec![second.clone()]);

    // The history, newest first, with who, what before and what after.
    let history = store
        .decision_history(project, &HistoryFilter::default())
        .unwrap();
    assert_eq!(history.len(), 4);
    let [deleted, set_other, set_second, set_first] = &history[..] else {
        panic!("{history:#?}");
    };
    assert!(deleted.id > set_other.id && set_other.id > set_second.id);
    assert_eq!(deleted.action, HistoryAction::Delete);
    assert_eq!(deleted.changed_by, "dave");
    assert_eq!(
        deleted.old,
        Some(DecisionValue::new(DecisionStatus::FalsePositive))
    );
    assert_eq!(deleted.new, None);
    assert_eq!(set_other.old, None);
    assert_eq!(set_second.action, HistoryAction::Set);
    assert_eq!(
        set_second.old,
        Some(DecisionValue::new(DecisionStatus::InDiscussion))
    );
    assert_eq!(set_second.new, Some(accepted("behind the VPN")));
    assert_eq!(set_second.changed_by, "bob");
    assert_eq!(set_second.changed_at, second.updated_at);
    assert_eq!(set_first.old, None);
    assert_eq!(set_first.key, key);

    // Filters: by key, paging with before_id and limit.
    let for_key = store
        .decision_history(
            project,
            &HistoryFilter {
                selector: Some("T-S3-001".into()),
                target: Some("*".into()),
                ..HistoryFilter::default()
            },
        )
        .unwrap();
    assert_eq!(
        for_key.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![set_second.id, set_first.id]
    );
    let page = store
        .decision_history(
            project,
            &HistoryFilter {
                before_id: Some(set_other.id),
                limit: Some(1),
                ..HistoryFilter::default()
            },
        )
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].id, set_second.id);
    let by_target = store
        .decision_history(
            project,
            &HistoryFilter {
                target: Some("bucket-?".into()),
                ..HistoryFilter::default()
            },
        )
        .unwrap();
    assert_eq!(by_target.len(), 2);
    assert!(
        store
            .decision_history("nobody", &HistoryFilter::default())
            .unwrap()
            .is_empty()
    );

    // Decisions of one project do not leak into another.
    store
        .set_decision(
            "elsewhere",
            &key,
            &DecisionValue::new(DecisionStatus::Mitigated),
            "erin",
        )
        .unwrap();
    assert_eq!(store.list_decisions(project).unwrap(), vec![second]);
    assert_eq!(store.list_decisions("elsewhere").unwrap().len(), 1);
    assert_eq!(
        store
            .decision_history("elsewhere", &HistoryFilter::default())
            .unwrap()
            .len(),
        1
    );
}

fn bulk_decisions(fixture: &dyn Fixture) {
    let store = fixture.open();
    let project = "bulk";
    store
        .set_decision(
            project,
            &DecisionKey::new("T-S3-002", "*"),
            &DecisionValue::new(DecisionStatus::Unchecked),
            "alice",
        )
        .unwrap();
    let batch: Vec<(DecisionKey, DecisionValue)> = (1..=20)
        .map(|i| {
            (
                DecisionKey::new(format!("T-S3-{i:03}"), "*"),
                accepted(&format!("batch {i}")),
            )
        })
        .collect();
    let stored = store.set_decisions_bulk(project, &batch, "bob").unwrap();
    assert_eq!(stored.len(), 20);
    assert!(stored.iter().all(|r| r.updated_at == stored[0].updated_at));
    let current = store.list_decisions(project).unwrap();
    assert_eq!(current.len(), 20);
    assert!(current.iter().all(|r| r.updated_by == "bob"));
    let history = store
        .decision_history(project, &HistoryFilter::default())
        .unwrap();
    assert_eq!(history.len(), 21);
    let replaced = history
        .iter()
        .find(|h| h.key.selector == "T-S3-002" && h.changed_by == "bob")
        .unwrap();
    assert_eq!(
        replaced.old,
        Some(DecisionValue::new(DecisionStatus::Unchecked))
    );

    // One bad entry: nothing of the batch is stored.
    let mut bad = batch.clone();
    bad.iter_mut()
        .for_each(|(_, v)| v.justification = "second".into());
    bad[10].1.expires = Some("2027-02-30".into());
    let err = store
        .set_decisions_bulk(project, &bad, "mallory")
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                what: "expires",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        store
            .list_decisions(project)
            .unwrap()
            .iter()
            .all(|r| r.updated_by == "bob")
    );
    // A key given twice in one batch: its last value stays, and the history
    // has both changes in the batch's order, the second replacing the first.
    let dup = DecisionKey::new("T-DUP", "bucket");
    let twice = vec![
        (dup.clone(), accepted("first")),
        (DecisionKey::new("T-S3-001", "*"), accepted("other")),
        (dup.clone(), DecisionValue::new(DecisionStatus::Mitigated)),
    ];
    store.set_decisions_bulk(project, &twice, "carol").unwrap();
    let current = store.list_decisions(project).unwrap();
    let kept = current.iter().find(|r| r.key == dup).unwrap();
    assert_eq!(kept.value, DecisionValue::new(DecisionStatus::Mitigated));
    assert_eq!(
        current
            .iter()
            .find(|r| r.key.selector == "T-S3-001")
            .unwrap()
            .value,
        accepted("other")
    );
    let dup_history = store
        .decision_history(
            project,
            &HistoryFilter {
                selector: Some("T-DUP".into()),
                ..HistoryFilter::default()
            },
        )
        .unwrap();
    assert_eq!(dup_history.len(), 2);
    assert_eq!(
        dup_history[0].new,
        Some(DecisionValue::new(DecisionStatus::Mitigated))
    );
    assert_eq!(dup_history[0].old, Some(accepted("first")));
    assert_eq!(dup_history[1].new, Some(accepted("first")));
    assert_eq!(dup_history[1].old, None);
    let newest = store
        .decision_history(
            project,
            &HistoryFilter {
                limit: Some(3),
                ..HistoryFilter::default()
            },
        )
        .unwrap();
    let order: Vec<&str> = newest.iter().map(|h| h.key.selector.as_str()).collect();
    assert_eq!(order, ["T-DUP", "T-S3-001", "T-DUP"]);
    assert_eq!(newest[1].old, Some(accepted("batch 1")));

    // An empty batch is fine and changes nothing.
    assert!(
        store
            .set_decisions_bulk(project, &[], "bob")
            .unwrap()
            .is_empty()
    );
}

fn upload_tokens(fixture: &dyn Fixture) {
    let store = fixture.open();
    let (global, global_info) = store.add_token(None, "all repositories").unwrap();
    let (scoped, scoped_info) = store
        .add_token(Some("github.com/acme/infra"), "infra CI")
        .unwrap();
    assert_ne!(global, scoped);
    assert!(global.starts_with("moat_"));
    assert_eq!(global_info.project, None);
    assert_eq!(
        scoped_info.project.as_deref(),
        Some("github.com/acme/infra")
    );

    assert_eq!(
        store.check_token(&global, "anything").unwrap(),
        Some(global_info.clone())
    );
    assert_eq!(
        store.check_token(&scoped, "github.com/acme/infra").unwrap(),
        Some(scoped_info.clone())
    );
    assert_eq!(
        store.check_token(&scoped, "github.com/acme/other").unwrap(),
        None
    );
    assert_eq!(store.check_token("moat_guess", "anything").unwrap(), None);
    assert_eq!(store.check_token("", "anything").unwrap(), None);
    assert_eq!(
        store.list_tokens().unwrap(),
        vec![global_info.clone(), scoped_info]
    );

    assert!(store.revoke_token(global_info.id).unwrap());
    assert!(!store.revoke_token(global_info.id).unwrap());
    assert_eq!(store.check_token(&global, "anything").unwrap(), None);
    assert_eq!(store.list_tokens().unwrap().len(), 1);
}

fn migrations_are_idempotent(fixture: &dyn Fixture) {
    let latest = MIGRATIONS.last().unwrap().version;
    let store = fixture.open();
    assert_eq!(store.schema_version().unwrap(), latest);
    store
        .set_decision(
            "p",
            &DecisionKey::new("T-S3-001", "*"),
            &accepted("kept"),
            "alice",
        )
        .unwrap();
    drop(store);
    // Twice more, one of them while another store is open on the database.
    let second = fixture.open();
    let third = fixture.open();
    for store in [&second, &third] {
        assert_eq!(store.schema_version().unwrap(), latest);
        assert_eq!(store.list_decisions("p").unwrap().len(), 1);
    }
    // Each migration is recorded once.
    assert_eq!(
        fixture.query_i64("SELECT COUNT(*) FROM schema_version"),
        MIGRATIONS.len() as i64
    );
    assert_eq!(
        fixture.query_i64("SELECT COUNT(DISTINCT version) FROM schema_version"),
        MIGRATIONS.len() as i64
    );
    assert_eq!(
        third.list_decisions("p").unwrap()[0].value,
        accepted("kept")
    );
}

fn a_newer_schema_is_refused(fixture: &dyn Fixture) {
    drop(fixture.open());
    fixture.execute_raw(
        "INSERT INTO schema_version (version, name, applied_at) VALUES (9999, 'from the future', 'x')",
    );
    let Err(err) = moat_store_open(fixture) else {
        panic!("a database from a newer moat opened");
    };
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 9999, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade moat"), "{err}");
}

/// Opens without unwrapping, to look at the error.
fn moat_store_open(fixture: &dyn Fixture) -> Result<Box<dyn Store>, StoreError> {
    let spec = fixture.spec();
    if let Some(path) = spec.strip_prefix("sqlite:") {
        moat_store::open(path)
    } else {
        let url = common::postgres_url().unwrap();
        let mut config: ::postgres::Config = url.parse().unwrap();
        let schema = spec.strip_prefix("pg:").unwrap();
        config.options(&format!("-c search_path={schema}"));
        std::thread::spawn(move || {
            moat_store::PostgresStore::open_config(config, "test".into())
                .map(|s| Box::new(s) as Box<dyn Store>)
        })
        .join()
        .unwrap()
    }
}

fn bad_input_is_refused_and_stores_nothing(fixture: &dyn Fixture) {
    let store = fixture.open();
    let key = DecisionKey::new("T-S3-001", "*");
    fn invalid<T>(r: Result<T, StoreError>) -> bool {
        matches!(r, Err(StoreError::Invalid { .. }))
    }
    assert!(invalid(store.ensure_project("")));
    assert!(invalid(store.ensure_project("a\nb")));
    assert!(invalid(store.set_decision(
        "p",
        &key,
        &DecisionValue {
            justification: "nul \0 inside".into(),
            ..accepted("x")
        },
        "alice"
    )));
    assert!(invalid(store.set_decision(
        "p",
        &key,
        &DecisionValue {
            date: Some("yesterday".into()),
            ..accepted("x")
        },
        "alice"
    )));
    assert!(invalid(store.set_decision("p", &key, &accepted("x"), "")));
    assert!(invalid(store.set_decision(
        "p",
        &DecisionKey::new("T", ""),
        &accepted("x"),
        "alice"
    )));
    assert!(invalid(store.add_run(&NewRun {
        assessment: "not json".into(),
        ..run("p", RunKind::Scan, "x")
    })));
    assert!(invalid(store.add_run(&NewRun {
        summary: String::new(),
        ..run("p", RunKind::Scan, "x")
    })));
    assert!(invalid(store.delete_decision("p", &key, "")));
    assert!(invalid(store.add_token(Some(""), "x")));
    // Nothing above created a project, a run or a decision.
    assert!(store.list_projects().unwrap().is_empty());
    assert!(store.latest_runs().unwrap().is_empty());
    // A NUL escaped inside JSON is JSON, and is kept.
    let escaped = store
        .add_run(&NewRun {
            assessment: r#"{"name":"a\u0000b"}"#.into(),
            ..run("p", RunKind::Scan, "x")
        })
        .unwrap();
    assert_eq!(
        store.get_run(escaped.id).unwrap().unwrap().assessment,
        r#"{"name":"a\u0000b"}"#
    );
}

fn concurrent_writers_take_turns(fixture: &dyn Fixture) {
    const THREADS: usize = 4;
    const WRITES: usize = 25;
    let store: Arc<dyn Store> = Arc::from(fixture.open());
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let store = Arc::clone(&store);
            scope.spawn(move || {
                for i in 0..WRITES {
                    // One key of its own and one shared by every thread.
                    let own = DecisionKey::new(format!("T-OWN-{t}-{i:03}"), "*");
                    store
                        .set_decision("shared", &own, &accepted(&format!("{t}/{i}")), "w")
                        .unwrap();
                    let shared = DecisionKey::new("T-SHARED", "*");
                    store
                        .set_decision(
                            "shared",
                            &shared,
                            &accepted(&format!("{t}/{i}")),
                            &format!("writer-{t}"),
                        )
                        .unwrap();
                    if i.is_multiple_of(5) {
                        store
                            .add_run(&run("shared", RunKind::Threats, &format!("{t}/{i}")))
                            .unwrap();
                    }
                }
            });
        }
    });
    let current = store.list_decisions("shared").unwrap();
    assert_eq!(current.len(), THREADS * WRITES + 1);
    let history = store
        .decision_history("shared", &HistoryFilter::default())
        .unwrap();
    assert_eq!(history.len(), 2 * THREADS * WRITES);
    assert_eq!(
        store.list_runs("shared").unwrap().len(),
        THREADS * WRITES / 5
    );
    // The shared key's history is one chain: each change's `old` is the value
    // the change before it set, so no write was lost between a read and a write.
    let chain: Vec<_> = history
        .iter()
        .rev()
        .filter(|h| h.key.selector == "T-SHARED")
        .collect();
    assert_eq!(chain.len(), THREADS * WRITES);
    assert_eq!(chain[0].old, None);
    for pair in chain.windows(2) {
        assert_eq!(pair[1].old, pair[0].new, "history entry {}", pair[1].id);
    }
    let last = current
        .iter()
        .find(|r| r.key.selector == "T-SHARED")
        .unwrap();
    assert_eq!(Some(&last.value), chain.last().unwrap().new.as_ref());
}

fn concurrent_readers_and_writers(fixture: &dyn Fixture) {
    let store: Arc<dyn Store> = Arc::from(fixture.open());
    let big = format!(r#"{{"threats":[{}]}}"#, vec!["1"; 200_000].join(","));
    store
        .add_run(&NewRun {
            assessment: big.clone(),
            ..run("read", RunKind::Threats, "big")
        })
        .unwrap();
    std::thread::scope(|scope| {
        for t in 0..3 {
            let store = Arc::clone(&store);
            let big = &big;
            scope.spawn(move || {
                for i in 0..20 {
                    let runs = store.list_runs("read").unwrap();
                    let first = runs.last().unwrap();
                    let full = store.get_run(first.id).unwrap().unwrap();
                    assert_eq!(full.assessment.len(), big.len());
                    store
                        .set_decision(
                            "read",
                            &DecisionKey::new(format!("T-{t}-{i}"), "*"),
                            &accepted("x"),
                            "r",
                        )
                        .unwrap();
                }
            });
        }
    });
    assert_eq!(store.list_decisions("read").unwrap().len(), 60);
}

/// The server calls the store from `spawn_blocking` and drops it on an async
/// thread at shutdown; both must work on both backends.
async fn from_spawn_blocking(fixture: Arc<dyn Fixture + Send + Sync>) {
    let opener = Arc::clone(&fixture);
    let store: Arc<dyn Store> = tokio::task::spawn_blocking(move || Arc::from(opener.open()))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::task::spawn_blocking(move || {
            store.set_decision(
                "async",
                &DecisionKey::new(format!("T-ASYNC-{i}"), "*"),
                &accepted("from a blocking task"),
                "server",
            )
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let reader = Arc::clone(&store);
    let listed = tokio::task::spawn_blocking(move || reader.list_decisions("async"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(listed.len(), 8);
    // Dropped here, on a runtime worker thread.
    drop(store);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_from_spawn_blocking() {
    from_spawn_blocking(Arc::new(common::SqliteFixture::new())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_from_spawn_blocking() {
    let Some(fixture) = common::PostgresFixture::new() else {
        return;
    };
    from_spawn_blocking(Arc::new(fixture)).await;
}

/// A server's `main` is often async and opens its store there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_opens_and_drops_on_an_async_thread() {
    let Some(fixture) = common::PostgresFixture::new() else {
        return;
    };
    let store = fixture.open();
    let store: Arc<dyn Store> = Arc::from(store);
    let writer = Arc::clone(&store);
    tokio::task::spawn_blocking(move || writer.ensure_project("p"))
        .await
        .unwrap()
        .unwrap();
    drop(store);
}

#[test]
fn open_picks_the_backend_from_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let store = moat_store::open(path.to_str().unwrap()).unwrap();
    assert_eq!(store.backend(), "sqlite");
    assert!(path.exists());
    // A URL is never taken for a file name.
    let err = moat_store::open("postgresql://nobody@127.0.0.1:1/none").unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err}");
    assert!(!std::path::Path::new("postgresql:").exists());
    if let Some(url) = common::postgres_url() {
        assert_eq!(moat_store::open(&url).unwrap().backend(), "postgresql");
    }
}

#[test]
fn a_missing_directory_is_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = moat_store::open(dir.path().join("no/such/dir/x.db").to_str().unwrap()).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err}");
    assert!(err.to_string().starts_with("cannot open `"), "{err}");
}

#[test]
fn sqlite_settings_hold_on_every_connection() {
    let fixture = common::SqliteFixture::new();
    let store = fixture.open();
    store.ensure_project("p").unwrap();
    // WAL is a property of the file: a new connection sees it.
    let conn = rusqlite::Connection::open(&fixture.path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}
