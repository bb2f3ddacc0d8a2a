//! Storage for `moat serve`: projects, the runs of `moat threats` and `moat scan`,
//! risk decisions with every change kept in a history, and upload tokens.
//!
//! One synchronous trait, [`Store`], with two implementations: [`SqliteStore`]
//! (the embedded default, a file beside the model) and [`PostgresStore`] (a team
//! server). [`open`] picks one from a URL or a path. The trait is synchronous on
//! purpose: an async server calls it through `tokio::task::spawn_blocking`, and
//! both implementations are safe to share between threads.
//!
//! The schema, the migrations and the durability guarantees are described in
//! `docs/storage.md`.

mod migrations;
mod pg;
mod sqlite;
mod time;
mod token;
mod types;

use std::path::{Path, PathBuf};

pub use migrations::{MIGRATIONS, Migration};
pub use pg::{PostgresStore, redact};
pub use sqlite::SqliteStore;
pub use types::*;

/// The file name of the default database, beside the model.
pub const DEFAULT_DB_FILE: &str = ".moat.db";

/// Why a store operation failed. Messages are lowercase, without a final period.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A value given to the store breaks a rule (empty name, bad day, NUL character, ...).
    #[error("invalid {what}: {reason}")]
    Invalid { what: &'static str, reason: String },
    /// A project or run that does not exist.
    #[error("{what} `{name}` not found")]
    NotFound { what: &'static str, name: String },
    /// The database was migrated by a newer moat.
    #[error(
        "the database has schema version {found}, newer than the {known} this moat knows: upgrade moat"
    )]
    SchemaTooNew { found: i64, known: i64 },
    /// The database could not be opened with the settings the guarantees need.
    #[error("cannot open `{target}`: {reason}")]
    Open { target: String, reason: String },
    /// Stored data that does not read back (a hand-edited row, for instance).
    #[error("corrupt {what} in the database: {reason}")]
    Corrupt { what: &'static str, reason: String },
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgresql: {0}")]
    Postgres(#[from] postgres::Error),
    /// The operating system's random generator failed.
    #[error("no random bytes for a token: {0}")]
    Random(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What `moat serve` needs from a database. Every method is one transaction:
/// it either happens entirely or not at all, and when it returns `Ok` the change
/// is durable (see `docs/storage.md`). Methods block; call them from
/// `tokio::task::spawn_blocking` in async code.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Which backend this is (`sqlite` or `postgresql`), for logs and the UI.
    fn backend(&self) -> &'static str;

    /// The schema version the database is at (the number of the last migration applied).
    fn schema_version(&self) -> Result<i64>;

    /// The project with this name, created if it does not exist yet.
    fn ensure_project(&self, name: &str) -> Result<Project>;

    /// Every project, by name.
    fn list_projects(&self) -> Result<Vec<Project>>;

    /// Records a run (creating its project if needed) and returns what was stored.
    /// The assessment and summary must be JSON.
    fn add_run(&self, run: &NewRun) -> Result<RunMeta>;

    /// The runs of a project, newest first, without their assessments.
    fn list_runs(&self, project: &str) -> Result<Vec<RunMeta>>;

    /// One run with its assessment, or `None` when no run has this id.
    fn get_run(&self, id: i64) -> Result<Option<Run>>;

    /// The newest run of each kind for every project, by project name then kind.
    fn latest_runs(&self) -> Result<Vec<RunMeta>>;

    /// Sets the current decision for `key` in `project` (creating the project if
    /// needed) and appends the change to the history, in one transaction.
    fn set_decision(
        &self,
        project: &str,
        key: &DecisionKey,
        value: &DecisionValue,
        by: &str,
    ) -> Result<DecisionRecord>;

    /// Sets several decisions in one transaction: all of them are stored, or none.
    /// A key given twice ends with its last value, and both changes are in the history.
    fn set_decisions_bulk(
        &self,
        project: &str,
        decisions: &[(DecisionKey, DecisionValue)],
        by: &str,
    ) -> Result<Vec<DecisionRecord>>;

    /// Removes the current decision for `key`, recording the deletion in the
    /// history. Returns the decision removed, or `None` (and records nothing) when
    /// there was none.
    fn delete_decision(
        &self,
        project: &str,
        key: &DecisionKey,
        by: &str,
    ) -> Result<Option<DecisionRecord>>;

    /// The current decisions of a project, by selector then target. An unknown
    /// project has none.
    fn list_decisions(&self, project: &str) -> Result<Vec<DecisionRecord>>;

    /// The changes to a project's decisions, newest first, narrowed by `filter`.
    fn decision_history(&self, project: &str, filter: &HistoryFilter) -> Result<Vec<HistoryEntry>>;

    /// Creates an upload token for one project (which is created if needed) or,
    /// with `None`, for every project. Returns the token's text, which is shown
    /// once and never stored (only its SHA-256 digest is), and its record.
    fn add_token(&self, project: Option<&str>, label: &str) -> Result<(String, TokenInfo)>;

    /// The token's record when `token` may upload to `project`: a token of that
    /// project or a global one. `None` for anything else.
    fn check_token(&self, token: &str, project: &str) -> Result<Option<TokenInfo>>;

    /// Every token's record (never the tokens themselves), oldest first.
    fn list_tokens(&self) -> Result<Vec<TokenInfo>>;

    /// Revokes a token; `false` when no token has this id.
    fn revoke_token(&self, id: i64) -> Result<bool>;
}

/// Opens (creating and migrating as needed) the store `url_or_path` names:
/// `postgres://...` or `postgresql://...` is a PostgreSQL database, anything
/// else the path of a SQLite file.
pub fn open(url_or_path: &str) -> Result<Box<dyn Store>> {
    if is_postgres_url(url_or_path) {
        Ok(Box::new(PostgresStore::open(url_or_path)?))
    } else {
        Ok(Box::new(SqliteStore::open(Path::new(url_or_path))?))
    }
}

/// Whether `open` reads this as a PostgreSQL URL.
pub fn is_postgres_url(url_or_path: &str) -> bool {
    url_or_path.starts_with("postgres://") || url_or_path.starts_with("postgresql://")
}

/// Where `moat serve` keeps its database when `--db` is not given: `.moat.db` in
/// the directory of the model (or in the directory itself when given one).
pub fn default_db_path(model_or_dir: &Path) -> PathBuf {
    if model_or_dir.is_dir() {
        return model_or_dir.join(DEFAULT_DB_FILE);
    }
    match model_or_dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join(DEFAULT_DB_FILE),
        _ => PathBuf::from(DEFAULT_DB_FILE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_database_sits_beside_the_model() {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("model.yaml");
        assert_eq!(default_db_path(&model), dir.path().join(".moat.db"));
        assert_eq!(default_db_path(dir.path()), dir.path().join(".moat.db"));
        assert_eq!(
            default_db_path(Path::new("model.yaml")),
            PathBuf::from(".moat.db")
        );
        assert_eq!(
            default_db_path(Path::new("examples/s3/tm.py")),
            PathBuf::from("examples/s3/.moat.db")
        );
    }

    #[test]
    fn urls_pick_the_backend() {
        assert!(is_postgres_url("postgres://u@127.0.0.1/db"));
        assert!(is_postgres_url("postgresql://u@127.0.0.1/db"));
        assert!(!is_postgres_url("postgres.db"));
        assert!(!is_postgres_url("/var/lib/moat/.moat.db"));
    }
}
