//! The schema, as a numbered list of migrations. Each backend applies the ones
//! a database lacks, in order, in one transaction, and records each in
//! `schema_version`. A migration is never edited once released: a change to the
//! schema is a new migration at the end of the list.
//!
//! The SQL is written once; `{id}` stands for the auto-increment primary key,
//! which is the one thing the two dialects spell differently.

/// One step of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// 1, 2, 3, ... in order, without gaps.
    pub version: i64,
    pub name: &'static str,
    /// Statements separated by `;`, with `{id}` for an auto-increment primary key.
    pub sql: &'static str,
}

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "projects, runs, decisions, decision history, upload tokens",
    sql: r#"
CREATE TABLE projects (
    id {id},
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE runs (
    id {id},
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('threats', 'scan')),
    label TEXT,
    source TEXT NOT NULL CHECK (source IN ('local', 'upload')),
    assessment TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX runs_by_project ON runs (project_id, kind, id);

CREATE TABLE decisions (
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    selector TEXT NOT NULL,
    target TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN
        ('unchecked', 'in-discussion', 'accepted', 'in-progress', 'mitigated', 'false-positive')),
    justification TEXT NOT NULL,
    ticket TEXT,
    decision_date TEXT,
    checked_by TEXT,
    expires TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (project_id, selector, target)
);

CREATE TABLE decision_history (
    id {id},
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    selector TEXT NOT NULL,
    target TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('set', 'delete')),
    old_value TEXT,
    new_value TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX decision_history_by_key ON decision_history (project_id, selector, target, id);

CREATE TABLE upload_tokens (
    id {id},
    token_sha256 TEXT NOT NULL UNIQUE,
    project_id BIGINT REFERENCES projects (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL
)
"#,
}];

/// The newest schema version this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The statements of a migration for a dialect, `{id}` filled in.
pub(crate) fn statements(migration: &Migration, id_column: &str) -> Vec<String> {
    migration
        .sql
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.replace("{id}", id_column))
        .collect()
}

/// `schema_version`, the same in both dialects.
pub(crate) const SCHEMA_VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_up_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
        }
        assert_eq!(latest_version(), MIGRATIONS.len() as i64);
    }

    #[test]
    fn statements_are_split_and_filled_in() {
        let s = statements(&MIGRATIONS[0], "INTEGER PRIMARY KEY AUTOINCREMENT");
        assert!(s.iter().all(|s| !s.contains("{id}")));
        assert!(s[0].starts_with("CREATE TABLE projects"));
        assert_eq!(s.len(), 7);
    }
}
