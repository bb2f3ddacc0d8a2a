//! The browser pages: server-rendered HTML from minijinja templates with
//! every value escaped, the server's own stylesheet and script (no inline
//! code, so the Content-Security-Policy needs no exceptions), and forms that
//! work without JavaScript.

use crate::catalog_query::{self, CatalogFilter};
use crate::error::ApiError;
use crate::ops::{self, DecisionInput, blocking};
use crate::security::page_policy;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{AutoEscape, Environment, Value, context};
use moat_catalog::{Catalog, Stride};
use moat_store::{DecisionKey, HistoryFilter};
use serde::Deserialize;
use std::sync::{Arc, LazyLock};

type S = State<Arc<AppState>>;

pub const APP_CSS: &str = include_str!("templates/app.css");
pub const APP_JS: &str = include_str!("templates/app.js");

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_filter("urlencode", |text: String| percent_encode(&text));
    let templates = [
        ("base.html", include_str!("templates/base.html.j2")),
        ("index.html", include_str!("templates/index.html.j2")),
        ("project.html", include_str!("templates/project.html.j2")),
        ("diff.html", include_str!("templates/diff.html.j2")),
        ("catalog.html", include_str!("templates/catalog.html.j2")),
        ("error.html", include_str!("templates/error.html.j2")),
    ];
    for (name, source) in templates {
        // the templates are embedded and covered by tests
        if let Err(e) = env.add_template(name, source) {
            eprintln!("moat serve: template {name}: {e}");
        }
    }
    env
});

/// A page as a response with its own Content-Security-Policy.
pub fn html_response(status: StatusCode, html: String) -> Response {
    let policy = page_policy(&html);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

fn render(state: &AppState, name: &str, ctx: Value) -> Response {
    let page = TEMPLATES.get_template(name).and_then(|t| {
        t.render(context! {
            csrf => state.csrf,
            trustoncloud => state.trustoncloud.is_some(),
            ..ctx
        })
    });
    match page {
        Ok(html) => html_response(StatusCode::OK, html),
        Err(e) => error_page(
            state,
            &ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("page `{name}`: {e}"),
            ),
        ),
    }
}

fn error_page(state: &AppState, error: &ApiError) -> Response {
    let html = TEMPLATES
        .get_template("error.html")
        .and_then(|t| t.render(context! { csrf => state.csrf, trustoncloud => false, status => error.status.as_u16(), message => error.message }))
        .unwrap_or_else(|_| format!("error {}", error.status.as_u16()));
    html_response(error.status, html)
}

fn page(state: &AppState, result: Result<(&'static str, Value), ApiError>) -> Response {
    match result {
        Ok((name, ctx)) => render(state, name, ctx),
        Err(e) => error_page(state, &e),
    }
}

pub async fn app_css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], APP_CSS)
}

pub async fn app_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        APP_JS,
    )
}

pub async fn index(State(state): S) -> Response {
    let result = blocking(&state, |s| {
        let projects = ops::projects(s)?;
        Ok(("index.html", context! { projects => projects }))
    })
    .await;
    page(&state, result)
}

#[derive(Debug, Default, Deserialize)]
pub struct Prefill {
    pub selector: Option<String>,
    pub target: Option<String>,
    /// Words every threat row shown must contain (id, name, target, status...).
    pub q: Option<String>,
    /// Which page of threats, from 1.
    pub page: Option<usize>,
}

/// Threat rows per page: a large model has tens of thousands, and a page of
/// them all would take seconds to render and to scroll.
const THREATS_PER_PAGE: usize = 500;

pub async fn project(
    State(state): S,
    Path(name): Path<String>,
    Query(prefill): Query<Prefill>,
) -> Response {
    let result = blocking(&state, move |s| {
        let latest = ops::latest_run(s, &name)?;
        let runs = s.store.list_runs(&name)?;
        if latest.is_none() && s.project(&name).is_none() {
            return Err(ApiError::not_found(format!("project `{name}`")));
        }
        let decisions = s.store.list_decisions(&name)?;
        let history = s.store.decision_history(&name, &HistoryFilter { limit: Some(50), ..HistoryFilter::default() })?;
        let served = s.project(&name);
        let (run, assessment) = match latest {
            Some((run, a)) => (Some(run), Some(a)),
            None => (None, None),
        };
        let names: std::collections::BTreeMap<&str, &str> = assessment
            .iter()
            .flat_map(|a| a.targets.iter().map(|t| (t.id.as_str(), t.name.as_str())))
            .collect();
        let titles: std::collections::BTreeMap<&str, &str> = assessment
            .iter()
            .flat_map(|a| a.definitions.iter().map(|d| (d.id.as_str(), d.name.as_str())))
            .collect();
        // open threats first, worst first; then by id and target
        let mut rows: Vec<&moat_engine::assessment::ThreatResult> =
            assessment.iter().flat_map(|a| a.threats.iter()).collect();
        rows.sort_by(|a, b| {
            (!a.is_open(), std::cmp::Reverse(a.severity), &a.threat_id, &a.target_id)
                .cmp(&(!b.is_open(), std::cmp::Reverse(b.severity), &b.threat_id, &b.target_id))
        });
        let words: Vec<String> = prefill
            .q
            .as_deref()
            .unwrap_or_default()
            .to_lowercase()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let matching: Vec<_> = rows
            .into_iter()
            .filter(|t| {
                if words.is_empty() {
                    return true;
                }
                let text = format!(
                    "{} {} {} {} {} {} {}",
                    t.threat_id,
                    titles.get(t.threat_id.as_str()).unwrap_or(&""),
                    t.target_id,
                    names.get(t.target_id.as_str()).unwrap_or(&""),
                    t.severity,
                    t.stride.as_str(),
                    t.status.as_str()
                )
                .to_lowercase();
                words.iter().all(|w| text.contains(w.as_str()))
            })
            .collect();
        let pages = matching.len().div_ceil(THREATS_PER_PAGE).max(1);
        let page = prefill.page.unwrap_or(1).clamp(1, pages);
        let threats: Vec<Value> = matching
            .iter()
            .skip((page - 1) * THREATS_PER_PAGE)
            .take(THREATS_PER_PAGE)
            .map(|t| {
                context! {
                    id => t.threat_id, name => titles.get(t.threat_id.as_str()), target => t.target_id,
                    target_name => names.get(t.target_id.as_str()), severity => t.severity.to_string(),
                    stride => t.stride.as_str(), status => t.status.as_str(), status_label => t.status.label(),
                    decision => t.decision.as_ref().map(|d| d.status.as_str()),
                }
            })
            .collect();
        let threat_count = assessment.as_ref().map_or(0, |a| a.threats.len());
        let open_count = assessment.as_ref().map_or(0, |a| a.threats.iter().filter(|t| t.is_open()).count());
        let findings: Vec<Value> = assessment
            .iter()
            .flat_map(|a| a.scan_results().findings.iter())
            .map(|f| {
                context! {
                    check => f.check.to_string(), title => f.title.to_string(), severity => f.severity.to_string(),
                    resource => f.resource.to_string(), message => f.message.to_string(),
                    location => format!("{}:{}:{}", f.location.file, f.location.line, f.location.col),
                    suppressed => f.suppressed,
                    decision => decisions.iter().find(|d| d.key.selector == *f.check && (d.key.target == *f.resource || d.key.target == DecisionKey::EVERY_TARGET)).map(|d| d.value.status.as_str()),
                }
            })
            .collect();
        let diagnostics: Vec<String> = assessment
            .iter()
            .flat_map(|a| a.diagnostics.iter())
            .map(|d| d.to_string())
            .collect();
        Ok(("project.html", context! {
            name => name,
            path => served.map(|p| p.path.display().to_string()),
            model_file => served.and_then(|p| p.model_file.as_ref()).map(|f| f.display().to_string()),
            run => run, runs => runs.iter().map(|r| {
                let summary: Option<crate::analysis::RunSummary> = serde_json::from_str(&r.summary).ok();
                context! { ..Value::from_serialize(r), ..context! { counts => summary } }
            }).collect::<Vec<_>>(), threats => threats, findings => findings,
            decisions => decisions, history => history, diagnostics => diagnostics,
            statuses => moat_model::DecisionStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            threat_count => threat_count, open_count => open_count, matching => matching.len(),
            page => page, pages => pages, q => prefill.q.clone().unwrap_or_default(),
            prefill_selector => prefill.selector.unwrap_or_default(),
            prefill_target => prefill.target.unwrap_or_default(),
        }))
    })
    .await;
    page(&state, result)
}

/// The self-contained HTML report of one run.
pub async fn run_report(State(state): S, Path(id): Path<i64>) -> Response {
    let result = blocking(&state, move |s| ops::report(s, id)).await;
    match result {
        Ok((html, policy)) => {
            let mut response =
                ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
            if let Ok(value) = HeaderValue::from_str(&policy) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_SECURITY_POLICY, value);
            }
            response
        }
        Err(e) => error_page(&state, &e),
    }
}

/// A run in a format other tools open: Threat Composer, OTM or Threat Dragon (docs/interchange.md).
pub async fn export(State(state): S, Path((id, format)): Path<(i64, String)>) -> Response {
    let result = blocking(&state, move |s| {
        let (_, assessment) = ops::run_with_assessment(s, id)?;
        if assessment.model.is_empty() {
            return Err(ApiError::bad_request(format!(
                "run {id} has no threat model to export (a scan without one)"
            )));
        }
        let (export, file): (fn(_, _) -> _, _) = match format.as_str() {
            "threat-composer" => (
                moat_interchange::tc::export,
                format!("moat-run-{id}.tc.json"),
            ),
            "otm" => (
                moat_interchange::otm::export,
                format!("moat-run-{id}.otm.json"),
            ),
            "threat-dragon" => (
                moat_interchange::dragon::export,
                format!("moat-run-{id}.threat-dragon.json"),
            ),
            other => {
                return Err(ApiError::not_found(format!(
                    "export format `{other}`: use threat-composer, otm or threat-dragon"
                )));
            }
        };
        let text = export(&assessment, &s.catalog)
            .map_err(|d| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, d.message))?;
        Ok((text, file))
    })
    .await;
    match result {
        Ok((text, file)) => (
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}\""),
                ),
            ],
            text,
        )
            .into_response(),
        Err(e) => error_page(&state, &e),
    }
}

pub async fn diff(State(state): S, Path((from, to)): Path<(i64, i64)>) -> Response {
    let result = blocking(&state, move |s| {
        let diff = ops::run_diff(s, from, to)?;
        let project = s
            .store
            .get_run(to)?
            .map(|r| r.meta.project)
            .unwrap_or_default();
        Ok(("diff.html", context! { diff => diff, project => project }))
    })
    .await;
    page(&state, result)
}

#[derive(Debug, Default, Deserialize)]
pub struct CatalogPageQuery {
    /// `trustoncloud` for the file given with `--trustoncloud`.
    pub source: Option<String>,
    #[serde(flatten)]
    pub filter: CatalogFilter,
}

fn chosen_catalog<'s>(
    state: &'s AppState,
    source: Option<&str>,
) -> Result<(&'s Catalog, &'static str), ApiError> {
    match source.filter(|s| !s.is_empty()) {
        None | Some("builtin") => Ok((&state.catalog, "Catalog")),
        Some("trustoncloud") => state
            .trustoncloud
            .as_deref()
            .map(|c| (c, "TrustOnCloud ThreatModel"))
            .ok_or_else(|| {
                ApiError::not_found(
                    "TrustOnCloud catalog: start the server with `--trustoncloud FILE`",
                )
            }),
        Some(other) => Err(ApiError::bad_request(format!(
            "unknown catalog `{other}`: use builtin or trustoncloud"
        ))),
    }
}

/// The catalog filtered by the query: controls in priority order, threats, feature classes.
pub async fn catalog(State(state): S, Query(query): Query<CatalogPageQuery>) -> Response {
    let result = chosen_catalog(&state, query.source.as_deref()).map(|(catalog, title)| {
        let f = &query.filter;
        let mut frameworks: Vec<&str> = catalog.controls.iter().flat_map(|c| c.compliance.keys().map(String::as_str)).collect();
        frameworks.sort_unstable();
        frameworks.dedup();
        let everything = CatalogFilter::default();
        ("catalog.html", context! {
            title => title,
            source => query.source,
            full_page => if query.source.as_deref() == Some("trustoncloud") { "/catalog/page?source=trustoncloud" } else { "/catalog/page" },
            filter => context! { q => f.q, stride => f.stride, severity => f.severity, priority => f.priority, feature_class => f.feature_class, framework => f.framework },
            counts => context! { threats => catalog.threats.len(), controls => catalog.controls.len(), feature_classes => catalog.feature_classes.len() },
            controls => catalog_query::controls(catalog, f),
            threats => catalog_query::threats(catalog, f),
            feature_classes => catalog_query::feature_classes(catalog, f),
            all_feature_classes => catalog_query::feature_classes(catalog, &everything),
            frameworks => frameworks,
            strides => Stride::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            severities => ["critical", "high", "medium", "low", "info"],
            priorities => ["very high", "high", "medium", "low", "very low"],
        })
    });
    page(&state, result)
}

/// The whole catalog as the one-page ControlCatalog view (`moat catalog html`), with its own search.
pub async fn catalog_page(State(state): S, Query(query): Query<CatalogPageQuery>) -> Response {
    match chosen_catalog(&state, query.source.as_deref()) {
        Ok((catalog, title)) => {
            html_response(StatusCode::OK, moat_report::catalog_html(catalog, title))
        }
        Err(e) => error_page(&state, &e),
    }
}

fn back_to(project: &str) -> Redirect {
    Redirect::to(&format!("/projects/{}", percent_encode(project)))
}

/// `text` as one URL path segment or query value: everything but unreserved characters escaped.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

pub async fn post_decision(
    State(state): S,
    Path(name): Path<String>,
    Form(input): Form<DecisionInput>,
) -> Response {
    let project = name.clone();
    let result = blocking(&state, move |s| {
        let by = input
            .checked_by
            .clone()
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| s.local_user.clone());
        ops::record_decisions(s, &project, std::slice::from_ref(&input), &by)
    })
    .await;
    match result {
        Ok(_) => back_to(&name).into_response(),
        Err(e) => error_page(&state, &e),
    }
}

#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    pub selector: String,
    pub target: String,
}

pub async fn post_remove(
    State(state): S,
    Path(name): Path<String>,
    Form(form): Form<RemoveForm>,
) -> Response {
    let project = name.clone();
    let result = blocking(&state, move |s| {
        let by = s.local_user.clone();
        ops::remove_decision(
            s,
            &project,
            &DecisionKey::new(form.selector, form.target),
            &by,
        )
    })
    .await;
    match result {
        Ok(_) => back_to(&name).into_response(),
        Err(e) => error_page(&state, &e),
    }
}

pub async fn post_analyse(State(state): S, Path(name): Path<String>) -> Response {
    let project = name.clone();
    let result = blocking(&state, move |s| {
        Ok(crate::analysis::run_project(s, ops::served(s, &project)?)?)
    })
    .await;
    match result {
        Ok(_) => back_to(&name).into_response(),
        Err(e) => error_page(&state, &e),
    }
}

pub async fn post_write_back(State(state): S, Path(name): Path<String>) -> Response {
    let project = name.clone();
    let result = blocking(&state, move |s| ops::write_back(s, &project)).await;
    match result {
        Ok(_) => back_to(&name).into_response(),
        Err(e) => error_page(&state, &e),
    }
}

pub async fn not_found(State(state): S) -> Response {
    error_page(&state, &ApiError::not_found("such page"))
}
