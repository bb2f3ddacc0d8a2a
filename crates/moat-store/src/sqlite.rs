//! The embedded store: one SQLite file in WAL mode with `synchronous=FULL`.
//!
//! Connections: one writer behind a mutex, and a small pool of read-only
//! connections. SQLite lets one writer at a time into a database whatever we
//! do, so serializing writes on a mutex costs nothing and spares threads from
//! spinning on `SQLITE_BUSY`; in WAL mode readers do not block the writer nor
//! each other, so a page that reads a large assessment does not hold up a
//! decision being recorded, and several pages are read at once. Other processes
//! (a second `moat serve` on the same file) are handled by `busy_timeout`.

use crate::migrations::{MIGRATIONS, SCHEMA_VERSION_TABLE, latest_version, statements};
use crate::types::{check_decision, check_name, check_run, check_text, parse_column};
use crate::{
    DecisionKey, DecisionRecord, DecisionValue, HistoryAction, HistoryEntry, HistoryFilter,
    MAX_NAME_BYTES, NewRun, Project, Result, Run, RunKind, RunMeta, RunSource, Store, StoreError,
    TokenInfo, time, token,
};
use moat_model::DecisionStatus;
use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// How long a connection waits for another process's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Read connections kept open between calls; more are opened when needed and
/// closed after use.
const MAX_IDLE_READERS: usize = 4;

const ID_COLUMN: &str = "INTEGER PRIMARY KEY AUTOINCREMENT";

/// A store in one SQLite file.
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// A mutex whose holder panicked is still usable here: a panic inside a
/// transaction drops the transaction, which rolls it back.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SqliteStore {
    /// Opens the database file at `path`, creating it if it does not exist, and
    /// applies the migrations it lacks.
    pub fn open(path: &Path) -> Result<Self> {
        let open_error = |reason: String| StoreError::Open {
            target: path.display().to_string(),
            reason,
        };
        if path.as_os_str().is_empty() || path.as_os_str() == ":memory:" {
            return Err(open_error("the store needs a file path".to_string()));
        }
        let mut writer = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open_error(e.to_string()))?;
        configure(&writer)?;
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(open_error(format!(
                "the file system does not support SQLite's WAL mode (journal mode is `{mode}`)"
            )));
        }
        migrate(&mut writer)?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in an immediate transaction on the writer and commits it. With
    /// `synchronous=FULL` the commit is on disk when this returns `Ok`.
    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` in a read transaction (one consistent snapshot) on a pooled
    /// read-only connection.
    fn read<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let pooled = lock(&self.readers).pop();
        let mut conn = match pooled {
            Some(conn) => conn,
            None => {
                let conn = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&conn)?;
                conn
            }
        };
        let out = {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let out = f(&tx)?;
            tx.commit()?;
            out
        };
        let mut idle = lock(&self.readers);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        Ok(out)
    }
}

/// The settings every connection needs: foreign keys enforced, `synchronous=FULL`
/// (a commit is fsynced before it is acknowledged), and a busy timeout.
fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(SCHEMA_VERSION_TABLE)?;
    let current: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_version",
        [],
        |r| r.get(0),
    )?;
    if current > latest_version() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known: latest_version(),
        });
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        for statement in statements(migration, ID_COLUMN) {
            tx.execute_batch(&statement)?;
        }
        tx.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![migration.version, migration.name, time::now()],
        )?;
    }
    tx.commit()?;
    Ok(())
}

fn project_id(tx: &Transaction<'_>, name: &str) -> Result<Option<i64>> {
    Ok(tx
        .query_row("SELECT id FROM projects WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?)
}

fn ensure_project(tx: &Transaction<'_>, name: &str) -> Result<Project> {
    check_name("project", name)?;
    tx.execute(
        "INSERT INTO projects (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
        params![name, time::now()],
    )?;
    Ok(tx.query_row(
        "SELECT id, name, created_at FROM projects WHERE name = ?1",
        [name],
        |r| {
            Ok(Project {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: r.get(2)?,
            })
        },
    )?)
}

/// The columns of a run's metadata, in the order `run_meta` reads them.
const RUN_META_COLUMNS: &str = "r.id, p.name, r.created_at, r.kind, r.label, r.source, r.summary";

type RawRunMeta = (i64, String, String, String, Option<String>, String, String);

fn raw_run_meta(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRunMeta> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn run_meta(raw: RawRunMeta) -> Result<RunMeta> {
    let (id, project, created_at, kind, label, source, summary) = raw;
    Ok(RunMeta {
        id,
        project,
        created_at,
        kind: parse_column("run kind", &kind, RunKind::parse)?,
        label,
        source: parse_column("run source", &source, RunSource::parse)?,
        summary,
    })
}

/// The columns of a decision, in the order `decision_value` reads them.
const DECISION_COLUMNS: &str = "d.selector, d.target, d.status, d.justification, d.ticket, \
     d.decision_date, d.checked_by, d.expires, d.updated_at, d.updated_by";

struct RawDecision {
    selector: String,
    target: String,
    status: String,
    justification: String,
    ticket: Option<String>,
    date: Option<String>,
    checked_by: Option<String>,
    expires: Option<String>,
    updated_at: String,
    updated_by: String,
}

fn raw_decision(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawDecision> {
    Ok(RawDecision {
        selector: r.get(0)?,
        target: r.get(1)?,
        status: r.get(2)?,
        justification: r.get(3)?,
        ticket: r.get(4)?,
        date: r.get(5)?,
        checked_by: r.get(6)?,
        expires: r.get(7)?,
        updated_at: r.get(8)?,
        updated_by: r.get(9)?,
    })
}

fn decision_record(project: &str, raw: RawDecision) -> Result<DecisionRecord> {
    Ok(DecisionRecord {
        project: project.to_string(),
        key: DecisionKey {
            selector: raw.selector,
            target: raw.target,
        },
        value: DecisionValue {
            status: parse_column("decision status", &raw.status, DecisionStatus::parse)?,
            justification: raw.justification,
            ticket: raw.ticket,
            date: raw.date,
            checked_by: raw.checked_by,
            expires: raw.expires,
        },
        updated_at: raw.updated_at,
        updated_by: raw.updated_by,
    })
}

fn current_decision(
    tx: &Transaction<'_>,
    project_id: i64,
    project: &str,
    key: &DecisionKey,
) -> Result<Option<DecisionRecord>> {
    let raw = tx
        .prepare_cached(&format!(
            "SELECT {DECISION_COLUMNS} FROM decisions d \
             WHERE d.project_id = ?1 AND d.selector = ?2 AND d.target = ?3"
        ))?
        .query_row(params![project_id, key.selector, key.target], raw_decision)
        .optional()?;
    raw.map(|raw| decision_record(project, raw)).transpose()
}

#[expect(
    clippy::too_many_arguments,
    reason = "one row of decision_history, column by column"
)]
fn record_history(
    tx: &Transaction<'_>,
    project_id: i64,
    key: &DecisionKey,
    action: HistoryAction,
    old: Option<&DecisionValue>,
    new: Option<&DecisionValue>,
    at: &str,
    by: &str,
) -> Result<()> {
    let old = old.map(DecisionValue::to_json).transpose()?;
    let new = new.map(DecisionValue::to_json).transpose()?;
    tx.prepare_cached(
        "INSERT INTO decision_history \
         (project_id, selector, target, action, old_value, new_value, changed_at, changed_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        project_id,
        key.selector,
        key.target,
        action.as_str(),
        old,
        new,
        at,
        by
    ])?;
    Ok(())
}

fn set_one(
    tx: &Transaction<'_>,
    project: &Project,
    key: &DecisionKey,
    value: &DecisionValue,
    at: &str,
    by: &str,
) -> Result<DecisionRecord> {
    let old = current_decision(tx, project.id, &project.name, key)?;
    tx.prepare_cached(
        "INSERT INTO decisions (project_id, selector, target, status, justification, ticket, \
             decision_date, checked_by, expires, updated_at, updated_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
         ON CONFLICT (project_id, selector, target) DO UPDATE SET \
             status = excluded.status, justification = excluded.justification, \
             ticket = excluded.ticket, decision_date = excluded.decision_date, \
             checked_by = excluded.checked_by, expires = excluded.expires, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )?
    .execute(params![
        project.id,
        key.selector,
        key.target,
        value.status.as_str(),
        value.justification,
        value.ticket,
        value.date,
        value.checked_by,
        value.expires,
        at,
        by
    ])?;
    record_history(
        tx,
        project.id,
        key,
        HistoryAction::Set,
        old.as_ref().map(|o| &o.value),
        Some(value),
        at,
        by,
    )?;
    Ok(DecisionRecord {
        project: project.name.clone(),
        key: key.clone(),
        value: value.clone(),
        updated_at: at.to_string(),
        updated_by: by.to_string(),
    })
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn schema_version(&self) -> Result<i64> {
        self.read(|tx| {
            Ok(tx.query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version",
                [],
                |r| r.get(0),
            )?)
        })
    }

    fn ensure_project(&self, name: &str) -> Result<Project> {
        check_name("project", name)?;
        self.write(|tx| ensure_project(tx, name))
    }

    fn list_projects(&self) -> Result<Vec<Project>> {
        self.read(|tx| {
            let mut stmt = tx.prepare("SELECT id, name, created_at FROM projects ORDER BY name")?;
            let rows = stmt.query_map([], |r| {
                Ok(Project {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    created_at: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn add_run(&self, run: &NewRun) -> Result<RunMeta> {
        check_run(run)?;
        self.write(|tx| {
            let project = ensure_project(tx, &run.project)?;
            let created_at = time::now();
            tx.execute(
                "INSERT INTO runs (project_id, created_at, kind, label, source, assessment, summary) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    project.id,
                    created_at,
                    run.kind.as_str(),
                    run.label,
                    run.source.as_str(),
                    run.assessment,
                    run.summary
                ],
            )?;
            Ok(RunMeta {
                id: tx.last_insert_rowid(),
                project: project.name,
                created_at,
                kind: run.kind,
                label: run.label.clone(),
                source: run.source,
                summary: run.summary.clone(),
            })
        })
    }

    fn list_runs(&self, project: &str) -> Result<Vec<RunMeta>> {
        self.read(|tx| {
            let mut stmt = tx.prepare(&format!(
                "SELECT {RUN_META_COLUMNS} FROM runs r JOIN projects p ON p.id = r.project_id \
                 WHERE p.name = ?1 ORDER BY r.id DESC"
            ))?;
            let rows = stmt.query_map([project], raw_run_meta)?;
            rows.map(|raw| run_meta(raw?)).collect()
        })
    }

    fn get_run(&self, id: i64) -> Result<Option<Run>> {
        self.read(|tx| {
            let row = tx
                .query_row(
                    &format!(
                        "SELECT {RUN_META_COLUMNS}, r.assessment FROM runs r \
                         JOIN projects p ON p.id = r.project_id WHERE r.id = ?1"
                    ),
                    [id],
                    |r| Ok((raw_run_meta(r)?, r.get::<_, String>(7)?)),
                )
                .optional()?;
            row.map(|(raw, assessment)| {
                Ok(Run {
                    meta: run_meta(raw)?,
                    assessment,
                })
            })
            .transpose()
        })
    }

    fn latest_runs(&self) -> Result<Vec<RunMeta>> {
        self.read(|tx| {
            let mut stmt = tx.prepare(&format!(
                "SELECT {RUN_META_COLUMNS} FROM runs r JOIN projects p ON p.id = r.project_id \
                 WHERE r.id IN (SELECT MAX(id) FROM runs GROUP BY project_id, kind) \
                 ORDER BY p.name, r.kind"
            ))?;
            let rows = stmt.query_map([], raw_run_meta)?;
            rows.map(|raw| run_meta(raw?)).collect()
        })
    }

    fn set_decision(
        &self,
        project: &str,
        key: &DecisionKey,
        value: &DecisionValue,
        by: &str,
    ) -> Result<DecisionRecord> {
        check_decision(project, key, value, by)?;
        self.write(|tx| {
            let project = ensure_project(tx, project)?;
            set_one(tx, &project, key, value, &time::now(), by)
        })
    }

    fn set_decisions_bulk(
        &self,
        project: &str,
        decisions: &[(DecisionKey, DecisionValue)],
        by: &str,
    ) -> Result<Vec<DecisionRecord>> {
        for (key, value) in decisions {
            check_decision(project, key, value, by)?;
        }
        check_name("user", by)?;
        self.write(|tx| {
            let project = ensure_project(tx, project)?;
            let at = time::now();
            decisions
                .iter()
                .map(|(key, value)| set_one(tx, &project, key, value, &at, by))
                .collect()
        })
    }

    fn delete_decision(
        &self,
        project: &str,
        key: &DecisionKey,
        by: &str,
    ) -> Result<Option<DecisionRecord>> {
        check_name("project", project)?;
        key.validate()?;
        check_name("user", by)?;
        self.write(|tx| {
            let Some(project_id) = project_id(tx, project)? else {
                return Ok(None);
            };
            let Some(old) = current_decision(tx, project_id, project, key)? else {
                return Ok(None);
            };
            tx.execute(
                "DELETE FROM decisions WHERE project_id = ?1 AND selector = ?2 AND target = ?3",
                params![project_id, key.selector, key.target],
            )?;
            record_history(
                tx,
                project_id,
                key,
                HistoryAction::Delete,
                Some(&old.value),
                None,
                &time::now(),
                by,
            )?;
            Ok(Some(old))
        })
    }

    fn list_decisions(&self, project: &str) -> Result<Vec<DecisionRecord>> {
        self.read(|tx| {
            let mut stmt = tx.prepare(&format!(
                "SELECT {DECISION_COLUMNS} FROM decisions d JOIN projects p ON p.id = d.project_id \
                 WHERE p.name = ?1 ORDER BY d.selector, d.target"
            ))?;
            let rows = stmt.query_map([project], raw_decision)?;
            rows.map(|raw| decision_record(project, raw?)).collect()
        })
    }

    fn decision_history(&self, project: &str, filter: &HistoryFilter) -> Result<Vec<HistoryEntry>> {
        self.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT h.id, h.selector, h.target, h.action, h.old_value, h.new_value, \
                     h.changed_at, h.changed_by \
                 FROM decision_history h JOIN projects p ON p.id = h.project_id \
                 WHERE p.name = ?1 AND (?2 IS NULL OR h.selector = ?2) \
                     AND (?3 IS NULL OR h.target = ?3) AND (?4 IS NULL OR h.id < ?4) \
                 ORDER BY h.id DESC LIMIT ?5",
            )?;
            let limit = filter.limit.map_or(-1, i64::from);
            let rows = stmt.query_map(
                params![
                    project,
                    filter.selector,
                    filter.target,
                    filter.before_id,
                    limit
                ],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                    ))
                },
            )?;
            rows.map(|row| {
                let (id, selector, target, action, old, new, changed_at, changed_by) = row?;
                Ok(HistoryEntry {
                    id,
                    project: project.to_string(),
                    key: DecisionKey { selector, target },
                    action: parse_column("history action", &action, HistoryAction::parse)?,
                    old: old.as_deref().map(DecisionValue::from_json).transpose()?,
                    new: new.as_deref().map(DecisionValue::from_json).transpose()?,
                    changed_at,
                    changed_by,
                })
            })
            .collect()
        })
    }

    fn add_token(&self, project: Option<&str>, label: &str) -> Result<(String, TokenInfo)> {
        check_text("label", label, MAX_NAME_BYTES)?;
        if let Some(project) = project {
            check_name("project", project)?;
        }
        let secret = token::generate()?;
        let info = self.write(|tx| {
            let project_id = project
                .map(|name| ensure_project(tx, name))
                .transpose()?
                .map(|p| p.id);
            let created_at = time::now();
            tx.execute(
                "INSERT INTO upload_tokens (token_sha256, project_id, label, created_at) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![token::digest(&secret), project_id, label, created_at],
            )?;
            Ok(TokenInfo {
                id: tx.last_insert_rowid(),
                project: project.map(str::to_string),
                label: label.to_string(),
                created_at,
            })
        })?;
        Ok((secret, info))
    }

    fn check_token(&self, token: &str, project: &str) -> Result<Option<TokenInfo>> {
        let digest = token::digest(token);
        let info = self.read(|tx| {
            Ok(tx
                .query_row(
                    "SELECT t.id, p.name, t.label, t.created_at FROM upload_tokens t \
                     LEFT JOIN projects p ON p.id = t.project_id WHERE t.token_sha256 = ?1",
                    [digest],
                    |r| {
                        Ok(TokenInfo {
                            id: r.get(0)?,
                            project: r.get(1)?,
                            label: r.get(2)?,
                            created_at: r.get(3)?,
                        })
                    },
                )
                .optional()?)
        })?;
        Ok(info.filter(|info| info.project.as_deref().is_none_or(|p| p == project)))
    }

    fn list_tokens(&self) -> Result<Vec<TokenInfo>> {
        self.read(|tx| {
            let mut stmt = tx.prepare(
                "SELECT t.id, p.name, t.label, t.created_at FROM upload_tokens t \
                 LEFT JOIN projects p ON p.id = t.project_id ORDER BY t.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(TokenInfo {
                    id: r.get(0)?,
                    project: r.get(1)?,
                    label: r.get(2)?,
                    created_at: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn revoke_token(&self, id: i64) -> Result<bool> {
        self.write(|tx| Ok(tx.execute("DELETE FROM upload_tokens WHERE id = ?1", [id])? > 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pragma(conn: &Connection, name: &str) -> i64 {
        conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn every_connection_is_durable_and_checks_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        // Open a read connection through the pool.
        store.list_projects().unwrap();
        let writer = lock(&store.writer);
        let readers = lock(&store.readers);
        assert_eq!(readers.len(), 1);
        for conn in std::iter::once(&*writer).chain(readers.iter()) {
            assert_eq!(pragma(conn, "synchronous"), 2, "FULL");
            assert_eq!(pragma(conn, "foreign_keys"), 1);
            assert_eq!(pragma(conn, "busy_timeout"), 10_000);
        }
        let mode: String = writer
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let orphan = writer.execute(
            "INSERT INTO runs (project_id, created_at, kind, source, assessment, summary) \
             VALUES (999, 'x', 'scan', 'local', '{}', '{}')",
            [],
        );
        assert!(orphan.is_err(), "a run of no project was accepted");
    }

    #[test]
    fn readers_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let err = store
            .read(|tx| Ok(tx.execute("DELETE FROM projects", [])?))
            .unwrap_err();
        assert!(err.to_string().contains("readonly"), "{err}");
    }
}
