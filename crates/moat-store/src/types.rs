//! The values the store keeps and returns. All of them serialize to JSON for
//! the server's API.

use crate::{Result, StoreError};
use moat_model::decision::is_valid_day;
use moat_model::{Decision, DecisionStatus};
use serde::{Deserialize, Serialize};

/// The longest project name, selector, target or user name the store accepts, in
/// bytes. PostgreSQL indexes the decision key, and a B-tree entry must stay well
/// under its page size.
pub const MAX_NAME_BYTES: usize = 512;

/// The longest justification, ticket or token label, in bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// A repository or served path whose runs and decisions the store keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: i64,
    /// Unique: a repository (`github.com/acme/infra`) or a served path.
    pub name: String,
    /// UTC, RFC 3339 (`2026-12-08T01:02:03.456Z`).
    pub created_at: String,
}

/// Which command produced a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunKind {
    Threats,
    Scan,
}

impl RunKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Threats => "threats",
            RunKind::Scan => "scan",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [RunKind::Threats, RunKind::Scan]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// How a run reached the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunSource {
    /// `moat serve` ran it on a served path.
    Local,
    /// A CI job pushed it (`--upload URL`).
    Upload,
}

impl RunSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RunSource::Local => "local",
            RunSource::Upload => "upload",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [RunSource::Local, RunSource::Upload]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// A run to record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewRun {
    pub project: String,
    pub kind: RunKind,
    /// What was assessed, in the user's words: a git commit, a branch, a tag.
    pub label: Option<String>,
    pub source: RunSource,
    /// The Assessment, as JSON text (stored as given).
    pub assessment: String,
    /// Counts by status and severity, as JSON text (stored as given).
    pub summary: String,
}

/// A stored run without its assessment (what lists show).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunMeta {
    pub id: i64,
    pub project: String,
    /// UTC, RFC 3339.
    pub created_at: String,
    pub kind: RunKind,
    pub label: Option<String>,
    pub source: RunSource,
    /// The counts summary, JSON text.
    pub summary: String,
}

/// A stored run with its assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    #[serde(flatten)]
    pub meta: RunMeta,
    /// The Assessment, JSON text.
    pub assessment: String,
}

/// What a decision is about: one threat or finding id selector (`T-S3-001`,
/// `T-GEN`, `CHK-S3-0*`) and one target selector (an element, flow or resource id
/// or name with `*` and `?` wildcards; `*` for every target).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DecisionKey {
    pub selector: String,
    pub target: String,
}

impl DecisionKey {
    /// The target selector that means every target (a model decision without `targets`).
    pub const EVERY_TARGET: &'static str = "*";

    pub fn new(selector: impl Into<String>, target: impl Into<String>) -> Self {
        DecisionKey {
            selector: selector.into(),
            target: target.into(),
        }
    }

    /// The keys a model's decision stands for: each of its threat selectors with
    /// each of its targets (or [`Self::EVERY_TARGET`] when it has none).
    pub fn all_of(decision: &Decision) -> Vec<DecisionKey> {
        let targets: Vec<&str> = if decision.targets.is_empty() {
            vec![Self::EVERY_TARGET]
        } else {
            decision.targets.iter().map(String::as_str).collect()
        };
        decision
            .threats
            .iter()
            .flat_map(|threat| targets.iter().map(move |t| DecisionKey::new(threat, *t)))
            .collect()
    }

    pub(crate) fn validate(&self) -> Result<()> {
        check_name("selector", &self.selector)?;
        check_name("target", &self.target)
    }
}

/// The fields of [`moat_model::Decision`] the store keeps for a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionValue {
    pub status: DecisionStatus,
    #[serde(default)]
    pub justification: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// When it was decided, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_by: Option<String>,
    /// After this day, `YYYY-MM-DD`, the decision no longer holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl DecisionValue {
    pub fn new(status: DecisionStatus) -> Self {
        DecisionValue {
            status,
            justification: String::new(),
            ticket: None,
            date: None,
            checked_by: None,
            expires: None,
        }
    }

    pub fn from_decision(decision: &Decision) -> Self {
        DecisionValue {
            status: decision.status,
            justification: decision.justification.clone(),
            ticket: decision.ticket.clone(),
            date: decision.date.clone(),
            checked_by: decision.checked_by.clone(),
            expires: decision.expires.clone(),
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        check_text("justification", &self.justification, MAX_TEXT_BYTES)?;
        if let Some(ticket) = &self.ticket {
            check_text("ticket", ticket, MAX_TEXT_BYTES)?;
        }
        if let Some(by) = &self.checked_by {
            check_text("checked_by", by, MAX_NAME_BYTES)?;
        }
        for (what, day) in [("date", &self.date), ("expires", &self.expires)] {
            if let Some(day) = day
                && !is_valid_day(day)
            {
                return Err(StoreError::Invalid {
                    what,
                    reason: format!("`{day}` is not a day written YYYY-MM-DD"),
                });
            }
        }
        Ok(())
    }

    pub(crate) fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| StoreError::Invalid {
            what: "decision",
            reason: e.to_string(),
        })
    }

    pub(crate) fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
            what: "decision history value",
            reason: e.to_string(),
        })
    }
}

/// A project's current decision for one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub project: String,
    #[serde(flatten)]
    pub key: DecisionKey,
    #[serde(flatten)]
    pub value: DecisionValue,
    /// UTC, RFC 3339.
    pub updated_at: String,
    pub updated_by: String,
}

impl DecisionRecord {
    /// The decision as a model's `decisions:` entry holds it (for write-back).
    pub fn to_decision(&self) -> Decision {
        let targets = if self.key.target == DecisionKey::EVERY_TARGET {
            Vec::new()
        } else {
            vec![self.key.target.clone()]
        };
        Decision {
            threats: vec![self.key.selector.clone()],
            targets,
            status: self.value.status,
            justification: self.value.justification.clone(),
            ticket: self.value.ticket.clone(),
            date: self.value.date.clone(),
            checked_by: self.value.checked_by.clone(),
            expires: self.value.expires.clone(),
            location: None,
            span: None,
        }
    }
}

/// What a history entry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HistoryAction {
    Set,
    Delete,
}

impl HistoryAction {
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryAction::Set => "set",
            HistoryAction::Delete => "delete",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [HistoryAction::Set, HistoryAction::Delete]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// One change to a decision: who, when, and the values before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Increases with every change in the database.
    pub id: i64,
    pub project: String,
    #[serde(flatten)]
    pub key: DecisionKey,
    pub action: HistoryAction,
    /// The decision before the change; `None` when there was none.
    pub old: Option<DecisionValue>,
    /// The decision after the change; `None` for a deletion.
    pub new: Option<DecisionValue>,
    /// UTC, RFC 3339.
    pub changed_at: String,
    pub changed_by: String,
}

/// Which history entries [`crate::Store::decision_history`] returns. The default
/// is every entry of the project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryFilter {
    /// Only entries for this exact selector.
    pub selector: Option<String>,
    /// Only entries for this exact target.
    pub target: Option<String>,
    /// Only entries older than this id (for paging back through the history).
    pub before_id: Option<i64>,
    /// At most this many entries.
    pub limit: Option<u32>,
}

/// An upload token's record; the token itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: i64,
    /// The project it may upload to; `None` for every project.
    pub project: Option<String>,
    pub label: String,
    /// UTC, RFC 3339.
    pub created_at: String,
}

/// A name-like value: non-empty, at most [`MAX_NAME_BYTES`], no control characters.
pub(crate) fn check_name(what: &'static str, text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(StoreError::Invalid {
            what,
            reason: "it is empty".to_string(),
        });
    }
    if text.chars().any(char::is_control) {
        return Err(StoreError::Invalid {
            what,
            reason: "it contains a control character".to_string(),
        });
    }
    check_text(what, text, MAX_NAME_BYTES)
}

/// Free text: any characters but NUL (which PostgreSQL's text type cannot hold,
/// refused on both backends alike), at most `max` bytes.
pub(crate) fn check_text(what: &'static str, text: &str, max: usize) -> Result<()> {
    if text.contains('\0') {
        return Err(StoreError::Invalid {
            what,
            reason: "it contains a NUL character".to_string(),
        });
    }
    if text.len() > max {
        return Err(StoreError::Invalid {
            what,
            reason: format!("it is {} bytes long, over the limit of {max}", text.len()),
        });
    }
    Ok(())
}

/// Checks a run before it is stored.
pub(crate) fn check_run(run: &NewRun) -> Result<()> {
    check_name("project", &run.project)?;
    if let Some(label) = &run.label {
        check_text("label", label, MAX_TEXT_BYTES)?;
    }
    for (what, text) in [("assessment", &run.assessment), ("summary", &run.summary)] {
        // A NUL can only appear escaped (`\u0000`) in JSON text, so this holds on
        // both backends; the text itself must be JSON.
        check_text(what, text, usize::MAX)?;
        serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| StoreError::Invalid {
            what,
            reason: format!("not JSON: {e}"),
        })?;
    }
    Ok(())
}

/// Checks one decision write before it is stored.
pub(crate) fn check_decision(
    project: &str,
    key: &DecisionKey,
    value: &DecisionValue,
    by: &str,
) -> Result<()> {
    check_name("project", project)?;
    key.validate()?;
    value.validate()?;
    check_name("user", by)
}

/// Reads an enum column back, or says the row is corrupt.
pub(crate) fn parse_column<T>(
    what: &'static str,
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T> {
    parse(text).ok_or_else(|| StoreError::Corrupt {
        what,
        reason: format!("unknown value `{text}`"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_decision_stands_for_each_selector_and_target() {
        let decision = Decision {
            threats: vec!["T-S3-001".into(), "T-GEN".into()],
            targets: vec!["bucket".into(), "role*".into()],
            status: DecisionStatus::Accepted,
            justification: "why".into(),
            ticket: None,
            date: None,
            checked_by: None,
            expires: None,
            location: None,
            span: None,
        };
        let keys = DecisionKey::all_of(&decision);
        assert_eq!(keys.len(), 4);
        assert_eq!(keys[1], DecisionKey::new("T-S3-001", "role*"));
        let every = Decision {
            targets: vec![],
            ..decision
        };
        assert_eq!(
            DecisionKey::all_of(&every),
            vec![
                DecisionKey::new("T-S3-001", "*"),
                DecisionKey::new("T-GEN", "*")
            ]
        );
        let record = DecisionRecord {
            project: "p".into(),
            key: DecisionKey::new("T-GEN", "*"),
            value: DecisionValue::from_decision(&every),
            updated_at: String::new(),
            updated_by: "me".into(),
        };
        let back = record.to_decision();
        assert!(back.targets.is_empty());
        assert_eq!(back.threats, vec!["T-GEN".to_string()]);
        assert_eq!(back.justification, "why");
    }

    #[test]
    fn values_are_checked() {
        let mut value = DecisionValue::new(DecisionStatus::Mitigated);
        assert!(value.validate().is_ok());
        value.expires = Some("2026-02-30".into());
        assert!(matches!(
            value.validate(),
            Err(StoreError::Invalid {
                what: "expires",
                ..
            })
        ));
        value.expires = None;
        value.justification = "a\0b".into();
        assert!(value.validate().is_err());
        assert!(DecisionKey::new("", "*").validate().is_err());
        assert!(DecisionKey::new("T\n", "*").validate().is_err());
        assert!(DecisionKey::new("T", "x".repeat(513)).validate().is_err());
    }
}
