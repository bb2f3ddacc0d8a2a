//! The JSON API: everything the pages show and do, for scripts and CI jobs.
//! Its OpenAPI document is generated from these handlers (`/api/openapi.json`).

use crate::analysis::{RunView, run_project};
use crate::catalog_query::{self, CatalogFilter, ControlRow, FeatureClassRow, ThreatRow};
use crate::diff::RunDiff;
use crate::error::ApiError;
use crate::ops::{self, DecisionInput, ProjectView, WriteBack, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use moat_store::{
    DecisionKey, DecisionRecord, HistoryEntry, HistoryFilter, NewRun, RunKind, RunSource,
};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::OpenApi;

type S = State<Arc<AppState>>;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Moat",
        description = "Threat models, scans and risk decisions of the projects `moat serve` serves. Every request needs the access token (`Authorization: Bearer TOKEN`)."
    ),
    paths(
        list_projects,
        list_runs,
        analyse,
        get_run,
        run_diff,
        list_decisions,
        put_decision,
        put_decisions_bulk,
        delete_decision,
        history,
        write_back,
        upload,
        catalog_threats,
        catalog_controls,
        catalog_feature_classes
    ),
    components(schemas(
        ProjectView,
        RunView,
        RunDiff,
        DecisionInput,
        WriteBack,
        ThreatRow,
        ControlRow,
        FeatureClassRow
    ))
)]
pub struct ApiDoc;

pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

pub async fn openapi() -> ([(header::HeaderName, &'static str); 1], String) {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json())
}

/// Served and uploaded projects with their latest run.
#[utoipa::path(get, path = "/api/projects", responses((status = 200, body = [ProjectView])))]
pub async fn list_projects(State(state): S) -> Result<Json<Vec<ProjectView>>, ApiError> {
    blocking(&state, ops::projects).await.map(Json)
}

/// A project's runs, newest first.
#[utoipa::path(get, path = "/api/projects/{project}/runs",
    params(("project" = String, Path, description = "the project's name")),
    responses((status = 200, description = "runs without their assessments", body = [RunView])))]
pub async fn list_runs(
    State(state): S,
    Path(project): Path<String>,
) -> Result<Json<Vec<RunView>>, ApiError> {
    blocking(&state, move |s| {
        Ok(s.store
            .list_runs(&project)?
            .iter()
            .map(RunView::from)
            .collect())
    })
    .await
    .map(Json)
}

/// Analyses a served project again (after its files changed); a run the same as the latest is not kept twice.
#[utoipa::path(post, path = "/api/projects/{project}/runs",
    params(("project" = String, Path, description = "the project's name")),
    responses((status = 200, description = "the latest run", body = RunView), (status = 404), (status = 422, description = "the project could not be analysed")))]
pub async fn analyse(
    State(state): S,
    Path(project): Path<String>,
) -> Result<Json<RunView>, ApiError> {
    blocking(&state, move |s| {
        let served = ops::served(s, &project)?;
        Ok(RunView::from(&run_project(s, served)?))
    })
    .await
    .map(Json)
}

/// One run with its assessment (docs/json-output.md).
#[utoipa::path(get, path = "/api/runs/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 404)))]
pub async fn get_run(
    State(state): S,
    Path(id): Path<i64>,
) -> Result<([(header::HeaderName, &'static str); 1], String), ApiError> {
    blocking(&state, move |s| {
        let run = s
            .store
            .get_run(id)?
            .ok_or_else(|| ApiError::not_found(format!("run {id}")))?;
        let meta =
            serde_json::to_string(&run.meta).map_err(|e| ApiError::bad_request(e.to_string()))?;
        // the assessment is stored as JSON: sent as stored, not parsed and written again
        Ok((
            [(header::CONTENT_TYPE, "application/json")],
            format!("{{\"run\":{meta},\"assessment\":{}}}", run.assessment),
        ))
    })
    .await
}

/// New, fixed and unchanged threats and findings from run `id` to run `other`.
#[utoipa::path(get, path = "/api/runs/{id}/diff/{other}", params(("id" = i64, Path), ("other" = i64, Path)),
    responses((status = 200, body = RunDiff), (status = 400), (status = 404)))]
pub async fn run_diff(
    State(state): S,
    Path((id, other)): Path<(i64, i64)>,
) -> Result<Json<RunDiff>, ApiError> {
    blocking(&state, move |s| ops::run_diff(s, id, other))
        .await
        .map(Json)
}

/// Decisions recorded in the store for a project (not yet written back).
#[utoipa::path(get, path = "/api/projects/{project}/decisions", params(("project" = String, Path)),
    responses((status = 200, body = Object)))]
pub async fn list_decisions(
    State(state): S,
    Path(project): Path<String>,
) -> Result<Json<Vec<DecisionRecord>>, ApiError> {
    blocking(&state, move |s| Ok(s.store.list_decisions(&project)?))
        .await
        .map(Json)
}

fn who(state: &AppState, input: &DecisionInput) -> String {
    input
        .checked_by
        .clone()
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| state.local_user.clone())
}

/// Records one decision (replacing the one with the same selector and target) and analyses the project again.
#[utoipa::path(put, path = "/api/projects/{project}/decisions", params(("project" = String, Path)),
    request_body = DecisionInput, responses((status = 200, body = Object), (status = 400)))]
pub async fn put_decision(
    State(state): S,
    Path(project): Path<String>,
    Json(input): Json<DecisionInput>,
) -> Result<Json<DecisionRecord>, ApiError> {
    blocking(&state, move |s| {
        let by = who(s, &input);
        let mut records = ops::record_decisions(s, &project, std::slice::from_ref(&input), &by)?;
        records
            .pop()
            .ok_or_else(|| ApiError::bad_request("nothing recorded"))
    })
    .await
    .map(Json)
}

/// Records several decisions in one transaction: all or none.
#[utoipa::path(post, path = "/api/projects/{project}/decisions/bulk", params(("project" = String, Path)),
    request_body = [DecisionInput], responses((status = 200, body = Object), (status = 400)))]
pub async fn put_decisions_bulk(
    State(state): S,
    Path(project): Path<String>,
    Json(inputs): Json<Vec<DecisionInput>>,
) -> Result<Json<Vec<DecisionRecord>>, ApiError> {
    blocking(&state, move |s| {
        let by = inputs
            .first()
            .map_or_else(|| s.local_user.clone(), |i| who(s, i));
        ops::record_decisions(s, &project, &inputs, &by)
    })
    .await
    .map(Json)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct KeyQuery {
    pub selector: String,
    /// `*` (or absent) for every target.
    #[serde(default)]
    pub target: Option<String>,
}

/// Removes a decision; the history keeps it.
#[utoipa::path(delete, path = "/api/projects/{project}/decisions", params(("project" = String, Path), KeyQuery),
    responses((status = 200, body = Object), (status = 404)))]
pub async fn delete_decision(
    State(state): S,
    Path(project): Path<String>,
    Query(key): Query<KeyQuery>,
) -> Result<Json<DecisionRecord>, ApiError> {
    blocking(&state, move |s| {
        let target = key
            .target
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| DecisionKey::EVERY_TARGET.to_string());
        let key = DecisionKey::new(key.selector, target);
        let by = s.local_user.clone();
        ops::remove_decision(s, &project, &key, &by)?.ok_or_else(|| {
            ApiError::not_found(format!(
                "decision for `{}` on `{}`",
                key.selector, key.target
            ))
        })
    })
    .await
    .map(Json)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct HistoryQuery {
    pub selector: Option<String>,
    pub target: Option<String>,
    /// Entries older than this id (paging).
    pub before_id: Option<i64>,
    pub limit: Option<u32>,
}

/// Every change to a project's decisions, newest first.
#[utoipa::path(get, path = "/api/projects/{project}/history", params(("project" = String, Path), HistoryQuery),
    responses((status = 200, body = Object)))]
pub async fn history(
    State(state): S,
    Path(project): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    blocking(&state, move |s| {
        let filter = HistoryFilter {
            selector: q.selector,
            target: q.target,
            before_id: q.before_id,
            limit: q.limit,
        };
        Ok(s.store.decision_history(&project, &filter)?)
    })
    .await
    .map(Json)
}

/// Writes the project's threat decisions into its YAML model (`decisions:`) and clears them from the store.
#[utoipa::path(post, path = "/api/projects/{project}/writeback", params(("project" = String, Path)),
    responses((status = 200, body = WriteBack), (status = 400, description = "not a YAML model"), (status = 409, description = "the model cannot take the edit")))]
pub async fn write_back(
    State(state): S,
    Path(project): Path<String>,
) -> Result<Json<WriteBack>, ApiError> {
    blocking(&state, move |s| ops::write_back(s, &project))
        .await
        .map(Json)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UploadQuery {
    pub project: String,
    /// A label for the run (a commit, a branch).
    pub label: Option<String>,
}

/// A CI job's run (`moat threats|scan ... --upload URL`): the assessment JSON as the body,
/// authenticated by an upload token of the project (or a global one).
#[utoipa::path(post, path = "/api/upload", params(UploadQuery), request_body(content = Object, description = "the assessment (`-f json`)"),
    responses((status = 200, body = RunView), (status = 400), (status = 401)))]
pub async fn upload(
    State(state): S,
    headers: HeaderMap,
    Query(q): Query<UploadQuery>,
    body: String,
) -> Result<Json<RunView>, ApiError> {
    let upload_token = headers
        .get("x-moat-upload-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // a person holding the access token may upload too (as a bearer token: a
    // cookie would let another site upload through the browser)
    let by_access_token = crate::security::authenticate(&state, &headers)
        == Some(crate::security::Authenticated::Bearer);
    blocking(&state, move |s| {
        let by = match upload_token {
            Some(t) => s.store.check_token(&t, &q.project)?.map(|info| format!("upload token `{}`", info.label)),
            None => None,
        };
        let by = match (by, by_access_token) {
            (Some(by), _) => by,
            (None, true) => s.local_user.clone(),
            (None, false) => {
                return Err(ApiError::new(
                    axum::http::StatusCode::UNAUTHORIZED,
                    format!("uploading to `{}` needs an upload token of the project (header `x-moat-upload-token`; `moat serve --add-upload-token` makes one)", q.project),
                ));
            }
        };
        let assessment: moat_engine::Assessment = serde_json::from_str(&body)
            .map_err(|e| ApiError::bad_request(format!("the body is not an assessment (`moat threats|scan -f json`): {e}")))?;
        let summary = serde_json::to_string(&crate::analysis::RunSummary::of(&assessment))
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let kind = if assessment.scan.is_some() { RunKind::Scan } else { RunKind::Threats };
        let label = Some(match q.label {
            Some(l) => format!("{l} (by {by})"),
            None => format!("by {by}"),
        });
        let run = s.store.add_run(&NewRun { project: q.project, kind, label, source: RunSource::Upload, assessment: body, summary })?;
        Ok(RunView::from(&run))
    })
    .await
    .map(Json)
}

/// Catalog threats, filtered.
#[utoipa::path(get, path = "/api/catalog/threats", params(CatalogFilter), responses((status = 200, body = [ThreatRow])))]
pub async fn catalog_threats(
    State(state): S,
    Query(f): Query<CatalogFilter>,
) -> Json<Vec<ThreatRow>> {
    Json(catalog_query::threats(&state.catalog, &f))
}

/// Catalog controls, highest priority first, filtered.
#[utoipa::path(get, path = "/api/catalog/controls", params(CatalogFilter), responses((status = 200, body = [ControlRow])))]
pub async fn catalog_controls(
    State(state): S,
    Query(f): Query<CatalogFilter>,
) -> Json<Vec<ControlRow>> {
    Json(catalog_query::controls(&state.catalog, &f))
}

/// Feature classes, filtered by text.
#[utoipa::path(get, path = "/api/catalog/feature-classes", params(CatalogFilter), responses((status = 200, body = [FeatureClassRow])))]
pub async fn catalog_feature_classes(
    State(state): S,
    Query(f): Query<CatalogFilter>,
) -> Json<Vec<FeatureClassRow>> {
    Json(catalog_query::feature_classes(&state.catalog, &f))
}
