//! The two backends behind one fixture, so every test body runs on both.
//!
//! PostgreSQL tests read `MOAT_TEST_POSTGRES_URL` (e.g.
//! `postgresql://moat@127.0.0.1:55432/moat_test`). Each test gets a schema of
//! its own in that database, dropped afterwards. Without the variable they are
//! skipped with a note, except when `CI` is set: there they fail, so CI cannot
//! pass without having tested PostgreSQL.

#![allow(dead_code)]

use moat_store::{PostgresStore, SqliteStore, Store};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

pub const POSTGRES_URL_VAR: &str = "MOAT_TEST_POSTGRES_URL";

/// A fresh, empty database on one backend.
pub trait Fixture {
    /// Opens (and migrates) a new store on the database; call it again to reopen.
    fn open(&self) -> Box<dyn Store>;
    /// Runs SQL on the database directly, outside the store.
    fn execute_raw(&self, sql: &str);
    /// The first column of the first row of a query run directly.
    fn query_i64(&self, sql: &str) -> i64;
    /// A text that [`open_spec`] turns back into a store on this database, in
    /// another process.
    fn spec(&self) -> String;
}

pub struct SqliteFixture {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl SqliteFixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("moat.db");
        SqliteFixture { _dir: dir, path }
    }
}

impl Fixture for SqliteFixture {
    fn open(&self) -> Box<dyn Store> {
        Box::new(SqliteStore::open(&self.path).unwrap())
    }

    fn execute_raw(&self, sql: &str) {
        let conn = rusqlite::Connection::open(&self.path).unwrap();
        conn.execute_batch(sql).unwrap();
    }

    fn query_i64(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.path).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn spec(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }
}

pub struct PostgresFixture {
    url: String,
    pub schema: String,
}

static SCHEMAS: AtomicU32 = AtomicU32::new(0);

/// The PostgreSQL URL for tests, or `None` (with a note) when the tests are to be
/// skipped. Panics when `CI` is set and the URL is not.
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => panic!(
            "{POSTGRES_URL_VAR} is not set, and CI is: the PostgreSQL tests must run in CI \
             (.ci/run installs and starts PostgreSQL and sets it)"
        ),
        _ => {
            // Straight to stderr, past the test harness's capture, once per binary.
            static NOTE: std::sync::Once = std::sync::Once::new();
            NOTE.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "note: {POSTGRES_URL_VAR} is not set; the PostgreSQL tests are skipped \
                     (docs/storage.md says how to run them)"
                );
            });
            None
        }
    }
}

/// Runs `f` with a client on a plain thread: the sync client must not be used,
/// nor dropped, on an async worker thread, and some tests are async.
fn with_admin(url: &str, f: impl FnOnce(&mut postgres::Client) + Send + 'static) {
    let url = url.to_string();
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        f(&mut client);
    })
    .join()
    .unwrap();
}

impl PostgresFixture {
    pub fn new() -> Option<Self> {
        let url = postgres_url()?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let schema = format!(
            "moat_test_{}_{}_{nanos}",
            std::process::id(),
            SCHEMAS.fetch_add(1, Ordering::Relaxed)
        );
        let create = format!("CREATE SCHEMA {schema}");
        with_admin(&url, move |c| c.batch_execute(&create).unwrap());
        Some(PostgresFixture { url, schema })
    }

    pub fn from_schema(schema: &str) -> Self {
        PostgresFixture {
            url: postgres_url().unwrap(),
            schema: schema.to_string(),
        }
    }

    fn config(&self) -> postgres::Config {
        let mut config: postgres::Config = self.url.parse().unwrap();
        config.options(&format!("-c search_path={}", self.schema));
        config
    }
}

impl Fixture for PostgresFixture {
    fn open(&self) -> Box<dyn Store> {
        Box::new(
            PostgresStore::open_config(self.config(), format!("test schema {}", self.schema))
                .unwrap(),
        )
    }

    fn execute_raw(&self, sql: &str) {
        let sql = format!("SET search_path TO {}; {sql}", self.schema);
        with_admin(&self.url, move |c| c.batch_execute(&sql).unwrap());
    }

    fn query_i64(&self, sql: &str) -> i64 {
        let sql = sql.to_string();
        let schema = self.schema.clone();
        let (send, receive) = std::sync::mpsc::channel();
        with_admin(&self.url, move |c| {
            c.batch_execute(&format!("SET search_path TO {schema}"))
                .unwrap();
            send.send(c.query_one(sql.as_str(), &[]).unwrap().get::<_, i64>(0))
                .unwrap();
        });
        receive.recv().unwrap()
    }

    fn spec(&self) -> String {
        format!("pg:{}", self.schema)
    }
}

impl Drop for PostgresFixture {
    fn drop(&mut self) {
        let drop_schema = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema);
        let url = self.url.clone();
        // Best effort: a schema left behind only costs space in a test database.
        let _ = std::thread::spawn(move || {
            if let Ok(mut c) = postgres::Client::connect(&url, postgres::NoTls) {
                let _ = c.batch_execute(&drop_schema);
            }
        })
        .join();
    }
}

/// The store a [`Fixture::spec`] names, opened in this process.
pub fn open_spec(spec: &str) -> Box<dyn Store> {
    if let Some(path) = spec.strip_prefix("sqlite:") {
        Box::new(SqliteStore::open(std::path::Path::new(path)).unwrap())
    } else if let Some(schema) = spec.strip_prefix("pg:") {
        let fixture = PostgresFixture::from_schema(schema);
        let store = fixture.open();
        // The schema belongs to the process that made it.
        std::mem::forget(fixture);
        store
    } else {
        panic!("unknown store spec `{spec}`")
    }
}

/// Declares each named `fn(&dyn Fixture)` as a test on SQLite
/// (`sqlite::NAME`) and on PostgreSQL (`postgres::NAME`).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let fixture = $crate::common::SqliteFixture::new();
                    super::$name(&fixture);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    let Some(fixture) = $crate::common::PostgresFixture::new() else {
                        return;
                    };
                    super::$name(&fixture);
                }
            )*
        }
    };
}
