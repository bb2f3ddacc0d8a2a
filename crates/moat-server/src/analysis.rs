//! Running Moat on a served path and keeping the result as a run.
//!
//! The server does not know how to read models or templates: the CLI hands it
//! an [`Analyzer`] that runs the same pipeline as `moat threats PATH`, so a
//! page shows exactly what the command prints. Decisions recorded in the
//! browser are passed along and weigh as decisions written last in the model
//! (they win over the file's own, as a later entry does).

use crate::state::AppState;
use moat_engine::Assessment;
use moat_model::Decision;
use moat_store::{NewRun, RunKind, RunMeta, RunSource, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Runs Moat on one served path.
pub trait Analyzer: Send + Sync {
    /// The assessment of `project`, with `decisions` recorded after the model's own.
    fn analyze(
        &self,
        project: &ServedProject,
        decisions: &[Decision],
    ) -> Result<Assessment, String>;
}

/// A path given to `moat serve`: a model, a template, a directory.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServedProject {
    /// The project's name in the store and the URLs (the path as given).
    pub name: String,
    #[schema(value_type = String)]
    pub path: PathBuf,
    /// The YAML model decisions can be written back to; `None` for templates,
    /// pytm scripts and JSON models.
    #[schema(value_type = Option<String>)]
    pub model_file: Option<PathBuf>,
}

/// What goes into a run's `summary`: counts a list of runs can show without
/// reading every assessment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RunSummary {
    pub threats: usize,
    pub threats_open: usize,
    /// Threats by status (`open`, `partly_mitigated`, `mitigated`, `accepted`, `false_positive`).
    pub threats_by_status: BTreeMap<String, usize>,
    pub findings: usize,
    /// Findings by severity.
    pub findings_by_severity: BTreeMap<String, usize>,
    pub errors: usize,
}

impl RunSummary {
    pub fn of(a: &Assessment) -> Self {
        let mut summary = RunSummary {
            threats: a.threats.len(),
            threats_open: a.threats.iter().filter(|t| t.is_open()).count(),
            errors: a.diagnostics.iter().filter(|d| d.is_error()).count(),
            ..RunSummary::default()
        };
        for t in &a.threats {
            *summary
                .threats_by_status
                .entry(t.status.as_str().to_string())
                .or_default() += 1;
        }
        if let Some(scan) = &a.scan {
            summary.findings = scan.findings.len();
            for f in &scan.findings {
                *summary
                    .findings_by_severity
                    .entry(f.severity.to_string())
                    .or_default() += 1;
            }
        }
        summary
    }
}

/// Why a project could not be analysed or its run kept.
#[derive(Debug)]
pub enum RunError {
    Analysis(String),
    Store(StoreError),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Analysis(why) => write!(f, "analysis failed: {why}"),
            RunError::Store(e) => write!(f, "the store failed: {e}"),
        }
    }
}

impl From<StoreError> for RunError {
    fn from(e: StoreError) -> Self {
        RunError::Store(e)
    }
}

/// Analyses `project` with the decisions recorded in the store and keeps the
/// result as a new run, unless it is the same as the latest one. Blocking.
pub fn run_project(state: &AppState, project: &ServedProject) -> Result<RunMeta, RunError> {
    let decisions: Vec<Decision> = state
        .store
        .list_decisions(&project.name)?
        .iter()
        .map(|record| record.to_decision())
        .collect();
    let assessment = state
        .analyzer
        .analyze(project, &decisions)
        .map_err(RunError::Analysis)?;
    let json = serde_json::to_string(&assessment).map_err(|e| RunError::Analysis(e.to_string()))?;
    let runs = state.store.list_runs(&project.name)?;
    if let Some(latest) = runs.first()
        && let Some(run) = state.store.get_run(latest.id)?
        && run.assessment == json
    {
        return Ok(latest.clone());
    }
    let summary = serde_json::to_string(&RunSummary::of(&assessment))
        .map_err(|e| RunError::Analysis(e.to_string()))?;
    let kind = if assessment.scan.is_some() {
        RunKind::Scan
    } else {
        RunKind::Threats
    };
    Ok(state.store.add_run(&NewRun {
        project: project.name.clone(),
        kind,
        label: None,
        source: RunSource::Local,
        assessment: json,
        summary,
    })?)
}
