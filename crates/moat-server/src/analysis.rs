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
    /// Findings not suppressed (in the template, by a baseline or by a decision).
    pub findings: usize,
    /// Those findings by severity.
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
            let open = scan.findings.iter().filter(|f| f.suppressed.is_none());
            summary.findings = open.clone().count();
            for f in open {
                *summary
                    .findings_by_severity
                    .entry(f.severity.to_string())
                    .or_default() += 1;
            }
        }
        summary
    }
}

/// Decisions whose selector is a check id (`CHK-S3-001`, a prefix, or a
/// pattern) are about findings: one that closes (accepted, mitigated,
/// false-positive) and has not expired marks the findings of those checks on
/// the targeted resources suppressed, with the decision as the reason, as a
/// template's `Metadata: moat: skip` would.
pub fn apply_finding_decisions(assessment: &mut Assessment, decisions: &[Decision]) {
    let today = moat_engine::today();
    let Some(scan) = assessment.scan.as_mut() else {
        return;
    };
    let closing: Vec<&Decision> = decisions
        .iter()
        .filter(|d| is_on_findings(d))
        .filter(|d| d.status.closes())
        .filter(|d| d.expires.as_deref().is_none_or(|day| day >= today.as_str()))
        .collect();
    for finding in scan.findings.iter_mut().filter(|f| f.suppressed.is_none()) {
        let decided = closing.iter().find(|d| {
            d.threats.iter().any(|t| selects(t, &finding.check))
                && (d.targets.is_empty()
                    || d.targets
                        .iter()
                        .any(|t| moat_engine::glob::matches(t, &finding.resource)))
        });
        if let Some(d) = decided {
            finding.suppressed = Some(format!("{} in moat serve: {}", d.status, d.justification));
        }
    }
}

/// Whether a selector names checks (`CHK-S3-001`, `CHK-S3-0*`), so the
/// decision is about findings rather than threats.
pub fn is_check_selector(selector: &str) -> bool {
    selector.starts_with("CHK-")
}

fn is_on_findings(d: &Decision) -> bool {
    d.threats.iter().any(|t| is_check_selector(t))
}

/// A check id, an id prefix (`CHK-S3-0`) or a pattern (`CHK-S3-01?`).
fn selects(selector: &str, check: &str) -> bool {
    if moat_engine::glob::has_wildcards(selector) {
        moat_engine::glob::matches(selector, check)
    } else {
        check.starts_with(selector)
    }
}

/// A run as the API and the pages show it: the store's record with its
/// summary as an object rather than the JSON text the store keeps.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RunView {
    pub id: i64,
    pub project: String,
    /// UTC, RFC 3339.
    pub created_at: String,
    /// `threats` or `scan`.
    pub kind: String,
    pub label: Option<String>,
    /// `local` (analysed by this server) or `upload` (posted by a CI job).
    pub source: String,
    pub summary: Option<RunSummary>,
}

impl From<&RunMeta> for RunView {
    fn from(meta: &RunMeta) -> Self {
        RunView {
            id: meta.id,
            project: meta.project.clone(),
            created_at: meta.created_at.clone(),
            kind: meta.kind.as_str().to_string(),
            label: meta.label.clone(),
            source: meta.source.as_str().to_string(),
            summary: serde_json::from_str(&meta.summary).ok(),
        }
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
    // decisions on findings name checks and resources, which the model does not know
    let on_threats: Vec<Decision> = decisions
        .iter()
        .filter(|d| !is_on_findings(d))
        .cloned()
        .collect();
    let mut assessment = state
        .analyzer
        .analyze(project, &on_threats)
        .map_err(RunError::Analysis)?;
    apply_finding_decisions(&mut assessment, &decisions);
    let json = serde_json::to_string(&assessment).map_err(|e| RunError::Analysis(e.to_string()))?;
    let runs = state.store.list_runs(&project.name)?;
    if let Some(latest) = runs.first()
        && let Some(run) = state.store.get_run(latest.id)?
        && run.assessment == json
    {
        let _ = crate::ops::report(state, latest.id);
        return Ok(latest.clone());
    }
    let summary = serde_json::to_string(&RunSummary::of(&assessment))
        .map_err(|e| RunError::Analysis(e.to_string()))?;
    let kind = if assessment.scan.is_some() {
        RunKind::Scan
    } else {
        RunKind::Threats
    };
    let run = state.store.add_run(&NewRun {
        project: project.name.clone(),
        kind,
        label: None,
        source: RunSource::Local,
        assessment: json,
        summary,
    })?;
    // keep the assessment just made and render the run's report now, so no
    // page view waits for it (a large model's report takes a few hundred
    // milliseconds); a failure to render shows on the page
    state.runs.put(
        run.id,
        std::sync::Arc::new(crate::state::CachedRun {
            meta: run.clone(),
            assessment: std::sync::Arc::new(assessment),
            report: std::sync::OnceLock::new(),
        }),
    );
    let _ = crate::ops::report(state, run.id);
    Ok(run)
}
