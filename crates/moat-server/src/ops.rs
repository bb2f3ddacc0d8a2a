//! What the pages and the API both do, once: each operation is blocking
//! (the store is synchronous) and is called through `blocking`.

use crate::analysis::{RunSummary, RunView, ServedProject, run_project};
use crate::diff::{RunDiff, diff};
use crate::error::ApiError;
use crate::state::{AppState, CachedRun};
use moat_engine::Assessment;
use moat_model::SourceFile;
use moat_model::yaml::{DecisionChange, write_decisions};
use moat_store::{DecisionKey, DecisionRecord, DecisionValue, RunMeta};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};

/// Runs `work` on the blocking pool with the shared state.
pub async fn blocking<T: Send + 'static>(
    state: &Arc<AppState>,
    work: impl FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || work(&state)).await?
}

pub fn served<'s>(state: &'s AppState, name: &str) -> Result<&'s ServedProject, ApiError> {
    state
        .project(name)
        .ok_or_else(|| ApiError::not_found(format!("served project `{name}`")))
}

/// A project as the index lists it: where it is, its latest run and counts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProjectView {
    pub name: String,
    /// Where it is on disk; `None` for projects only uploaded to this server.
    pub path: Option<String>,
    pub writable_model: Option<String>,
    pub latest_run: Option<RunView>,
    pub summary: Option<RunSummary>,
    pub decisions: usize,
}

pub fn projects(state: &AppState) -> Result<Vec<ProjectView>, ApiError> {
    let latest = state.store.latest_runs()?;
    let mut names: Vec<String> = state.projects.iter().map(|p| p.name.clone()).collect();
    for p in state.store.list_projects()? {
        if !names.contains(&p.name) {
            names.push(p.name);
        }
    }
    names
        .into_iter()
        .map(|name| {
            let served = state.project(&name);
            let latest_run = latest
                .iter()
                .filter(|r| r.project == name)
                .max_by_key(|r| r.id)
                .map(RunView::from);
            let summary = latest_run.as_ref().and_then(|r| r.summary.clone());
            Ok(ProjectView {
                path: served.map(|p| p.path.display().to_string()),
                writable_model: served
                    .and_then(|p| p.model_file.as_ref())
                    .map(|f| f.display().to_string()),
                decisions: state.store.list_decisions(&name)?.len(),
                latest_run,
                summary,
                name,
            })
        })
        .collect()
}

/// A run's metadata and its assessment, read once: runs never change, so the
/// parsed assessments of the last few are kept (a large assessment takes
/// longer to parse than any page takes to render).
pub fn run_with_assessment(
    state: &AppState,
    id: i64,
) -> Result<(RunMeta, Arc<Assessment>), ApiError> {
    let run = cached_run(state, id)?;
    Ok((run.meta.clone(), Arc::clone(&run.assessment)))
}

/// The run `id` as cached, reading and parsing it on a miss.
pub fn cached_run(state: &AppState, id: i64) -> Result<Arc<CachedRun>, ApiError> {
    if let Some(hit) = state.runs.get(id) {
        return Ok(hit);
    }
    let run = state
        .store
        .get_run(id)?
        .ok_or_else(|| ApiError::not_found(format!("run {id}")))?;
    let assessment: Assessment = serde_json::from_str(&run.assessment).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            format!("run {id} holds an assessment this version cannot read: {e}"),
        )
    })?;
    let entry = Arc::new(CachedRun {
        meta: run.meta,
        assessment: Arc::new(assessment),
        report: OnceLock::new(),
    });
    state.runs.put(id, Arc::clone(&entry));
    Ok(entry)
}

/// A run's HTML report and its Content-Security-Policy, rendered once per run.
pub fn report(state: &AppState, id: i64) -> Result<(axum::body::Bytes, String), ApiError> {
    let run = cached_run(state, id)?;
    run.report
        .get_or_init(|| {
            crate::report::html(&run.assessment).map(|html| {
                let policy = crate::security::page_policy(&html);
                (axum::body::Bytes::from(html), policy)
            })
        })
        .clone()
        .map_err(|e| ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, e))
}

/// The newest run of a project, analysing it first when it has none.
pub fn latest_run(
    state: &AppState,
    project: &str,
) -> Result<Option<(RunMeta, Arc<Assessment>)>, ApiError> {
    let mut runs = state.store.list_runs(project)?;
    if runs.is_empty()
        && let Some(served) = state.project(project)
    {
        run_project(state, served)?;
        runs = state.store.list_runs(project)?;
    }
    runs.first()
        .map(|r| run_with_assessment(state, r.id))
        .transpose()
}

pub fn run_diff(state: &AppState, from: i64, to: i64) -> Result<RunDiff, ApiError> {
    let (from_run, a) = run_with_assessment(state, from)?;
    let (to_run, b) = run_with_assessment(state, to)?;
    if from_run.project != to_run.project {
        return Err(ApiError::bad_request(format!(
            "runs {from} and {to} belong to different projects"
        )));
    }
    Ok(diff(from, &a, to, &b))
}

/// A decision as a form or a JSON body gives it.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct DecisionInput {
    /// A threat id, id prefix or pattern (`T-S3-012`, `T-GEN`, `T-S3-0*`), or a check id for a finding (`CHK-S3-001`).
    pub selector: String,
    /// A target id or name, with `*` and `?` wildcards; `*` or empty for every target.
    #[serde(default)]
    pub target: String,
    /// `unchecked`, `in-discussion`, `accepted`, `in-progress`, `mitigated` or `false-positive`.
    pub status: String,
    #[serde(default)]
    pub justification: String,
    #[serde(default)]
    pub ticket: Option<String>,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub checked_by: Option<String>,
    /// `YYYY-MM-DD`: after this day the decision no longer holds.
    #[serde(default)]
    pub expires: Option<String>,
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl DecisionInput {
    pub fn key(&self) -> Result<DecisionKey, ApiError> {
        let selector = self.selector.trim();
        if selector.is_empty() {
            return Err(ApiError::bad_request(
                "a decision needs a threat id, prefix or check id",
            ));
        }
        let target = match self.target.trim() {
            "" => DecisionKey::EVERY_TARGET,
            t => t,
        };
        Ok(DecisionKey::new(selector, target))
    }

    pub fn value(&self) -> Result<DecisionValue, ApiError> {
        let status = moat_model::DecisionStatus::parse(self.status.trim()).ok_or_else(|| {
            ApiError::bad_request(format!(
                "`{}` is not a status: use unchecked, in-discussion, accepted, in-progress, mitigated or false-positive",
                self.status
            ))
        })?;
        let justification = self.justification.trim().to_string();
        if status.closes() && justification.is_empty() {
            return Err(ApiError::bad_request(format!(
                "`{status}` closes the threat: say why in the justification"
            )));
        }
        for (name, day) in [("date", &self.date), ("expires", &self.expires)] {
            if let Some(day) = non_empty(day)
                && !moat_model::decision::is_valid_day(&day)
            {
                return Err(ApiError::bad_request(format!(
                    "`{name}` `{day}` is not a day: write YYYY-MM-DD"
                )));
            }
        }
        Ok(DecisionValue {
            status,
            justification,
            ticket: non_empty(&self.ticket),
            date: non_empty(&self.date).or_else(|| Some(moat_engine::today())),
            checked_by: non_empty(&self.checked_by),
            expires: non_empty(&self.expires),
        })
    }
}

/// Records decisions in one transaction, then analyses the project again so
/// its pages show the new statuses.
pub fn record_decisions(
    state: &AppState,
    project: &str,
    inputs: &[DecisionInput],
    by: &str,
) -> Result<Vec<DecisionRecord>, ApiError> {
    let decisions = inputs
        .iter()
        .map(|i| Ok((i.key()?, i.value()?)))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let records = state.store.set_decisions_bulk(project, &decisions, by)?;
    if let Some(served) = state.project(project) {
        run_project(state, served)?;
    }
    Ok(records)
}

pub fn remove_decision(
    state: &AppState,
    project: &str,
    key: &DecisionKey,
    by: &str,
) -> Result<Option<DecisionRecord>, ApiError> {
    let removed = state.store.delete_decision(project, key, by)?;
    if let Some(served) = state.project(project) {
        run_project(state, served)?;
    }
    Ok(removed)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WriteBack {
    pub file: String,
    /// Decisions written (threat decisions; finding decisions stay in the store).
    pub written: usize,
    /// Decisions on findings (check ids), which a model file cannot hold.
    pub kept_in_store: usize,
}

/// Puts the store's threat decisions into the project's YAML model, as the
/// smallest edit of its `decisions:` section.
pub fn write_back(state: &AppState, project: &str) -> Result<WriteBack, ApiError> {
    let served = served(state, project)?;
    let Some(file) = &served.model_file else {
        return Err(ApiError::bad_request(format!(
            "`{project}` is not a YAML model: decisions can be written back only into a model file"
        )));
    };
    let records = state.store.list_decisions(project)?;
    let (threat_records, finding_records): (Vec<_>, Vec<_>) = records
        .iter()
        .partition(|r| !crate::analysis::is_check_selector(&r.key.selector));
    let changes: Vec<DecisionChange> = threat_records
        .iter()
        .map(|r| DecisionChange::Set(r.to_decision()))
        .collect();
    let text = std::fs::read_to_string(file).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot read `{}`: {e}", file.display()),
        )
    })?;
    let source = SourceFile::new(file.display().to_string(), text.as_str());
    let edited = write_decisions(&source, &changes)
        .map_err(|e| ApiError::new(axum::http::StatusCode::CONFLICT, e.to_string()))?;
    if edited != text {
        // write beside, then rename: a crash leaves the old file or the new one, never half
        let temporary = file.with_extension("yaml.moat-tmp");
        std::fs::write(&temporary, &edited)
            .and_then(|()| std::fs::rename(&temporary, file))
            .map_err(|e| {
                ApiError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    format!("cannot write `{}`: {e}", file.display()),
                )
            })?;
    }
    // the file now holds them: it is the source of truth again, and the
    // history says where they went
    let by = format!("write-back to {}", file.display());
    for record in &threat_records {
        state.store.delete_decision(project, &record.key, &by)?;
    }
    run_project(state, served)?;
    Ok(WriteBack {
        file: file.display().to_string(),
        written: changes.len(),
        kept_in_store: finding_records.len(),
    })
}
