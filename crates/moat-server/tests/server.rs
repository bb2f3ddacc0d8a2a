#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The server through its router, without a socket: who may call it, what
//! pages may run, and the decision workflow from a click to the YAML file.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use moat_engine::Assessment;
use moat_model::{Decision, SourceFile};
use moat_server::{Analyzer, AppState, ServedProject};
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;

const TOKEN: &str = "access-token-for-tests-0123456789abcdef";
const CSRF: &str = "csrf-token-for-tests-0123456789abcdef";
const HOST: &str = "127.0.0.1:8765";

/// A model whose names carry markup and script: every page must show them as text.
const MODEL: &str = r#"name: "Lake <script>alert('model')</script>"
elements:
  - id: results
    kind: datastore
    name: "Results <img src=x onerror=alert(1)>"
    properties: {service: s3}
  - id: analyst
    kind: actor
    name: Analyst "&" co
flows:
  - source: analyst
    sink: results
    name: "reads </td><script>alert(2)</script>"
"#;

/// Reads YAML models as `moat threats` does (the CLI's analyzer also reads templates).
struct YamlAnalyzer;

impl Analyzer for YamlAnalyzer {
    fn analyze(
        &self,
        project: &ServedProject,
        decisions: &[Decision],
    ) -> Result<Assessment, String> {
        let text = std::fs::read_to_string(&project.path).map_err(|e| e.to_string())?;
        let file = SourceFile::new(project.path.display().to_string(), text);
        let loaded = moat_model::load_file(&file);
        let Some(mut model) = loaded.model else {
            return Err(format!("the model does not load: {:?}", loaded.diagnostics));
        };
        model.decisions.extend(decisions.iter().cloned());
        let (catalog, _) = moat_catalog::builtin();
        let options = moat_engine::Options {
            today: "2026-12-07".into(),
        };
        Ok(moat_engine::assess_with(
            model,
            Some(&file),
            &catalog,
            loaded.diagnostics,
            &options,
        ))
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    model: PathBuf,
    state: Arc<AppState>,
}

fn fixture() -> Fixture {
    fixture_on(None)
}

/// The server on SQLite in a temporary directory, or on the PostgreSQL database `url`.
fn fixture_on(url: Option<&str>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.yaml");
    std::fs::write(&model, MODEL).unwrap();
    let sqlite = dir.path().join("moat.db").display().to_string();
    let store = moat_store::open(url.unwrap_or(&sqlite)).unwrap();
    let (catalog, _) = moat_catalog::builtin();
    let state = Arc::new(AppState {
        store: Arc::from(store),
        analyzer: Arc::new(YamlAnalyzer),
        projects: vec![ServedProject {
            name: "lake".into(),
            path: model.clone(),
            model_file: Some(model.clone()),
        }],
        catalog: Arc::new(catalog),
        trustoncloud: None,
        token: TOKEN.into(),
        csrf: CSRF.into(),
        allowed_hosts: moat_server::allowed_hosts(HOST.parse().unwrap()),
        local_user: "tester".into(),
        runs: Default::default(),
    });
    Fixture {
        _dir: dir,
        model,
        state,
    }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

async fn send(state: &Arc<AppState>, request: Request<Body>) -> Answer {
    let response = moat_server::router(Arc::clone(state))
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn get(uri: &str) -> axum::http::request::Builder {
    Request::get(uri).header(header::HOST, HOST)
}

fn bearer(builder: axum::http::request::Builder) -> axum::http::request::Builder {
    builder.header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
}

fn cookie(builder: axum::http::request::Builder) -> axum::http::request::Builder {
    builder.header(header::COOKIE, format!("moat_token={TOKEN}"))
}

fn json_body(method: &str, uri: &str, body: serde_json::Value) -> axum::http::request::Builder {
    let _ = body;
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/json")
}

async fn put_decision(state: &Arc<AppState>, body: serde_json::Value) -> Answer {
    let request = bearer(json_body(
        "PUT",
        "/api/projects/lake/decisions",
        body.clone(),
    ))
    .body(Body::from(body.to_string()))
    .unwrap();
    send(state, request).await
}

#[tokio::test]
async fn requests_without_the_token_are_refused() {
    let f = fixture();
    for uri in [
        "/",
        "/projects/lake",
        "/api/projects",
        "/api/openapi.json",
        "/catalog",
        "/runs/1/report",
    ] {
        let answer = send(&f.state, get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{uri}");
        assert!(!answer.body.contains("Lake"), "{uri} leaked content");
    }
    let wrong = get("/api/projects").header(header::AUTHORIZATION, "Bearer nope");
    assert_eq!(
        send(&f.state, wrong.body(Body::empty()).unwrap())
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let ok = bearer(get("/api/projects")).body(Body::empty()).unwrap();
    assert_eq!(send(&f.state, ok).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_printed_url_sets_a_strict_cookie_and_drops_the_token_from_the_address() {
    let f = fixture();
    let answer = send(
        &f.state,
        get(&format!("/projects/lake?token={TOKEN}&x=1"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.headers[header::LOCATION], "/projects/lake?x=1");
    let cookie = answer.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let wrong = send(&f.state, get("/?token=guess").body(Body::empty()).unwrap()).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_foreign_host_name_is_refused() {
    let f = fixture();
    let request = Request::get("/api/projects")
        .header(header::HOST, "attacker.example:8765")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(&f.state, request).await.status,
        StatusCode::MISDIRECTED_REQUEST
    );
}

#[tokio::test]
async fn cookie_writes_need_the_csrf_token_and_the_servers_own_origin() {
    let f = fixture();
    let body = serde_json::json!({"selector": "T-GEN", "status": "in-discussion"}).to_string();
    let write = || {
        cookie(Request::put("/api/projects/lake/decisions"))
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/json")
    };
    let no_csrf = send(&f.state, write().body(Body::from(body.clone())).unwrap()).await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let wrong = write()
        .header("x-moat-csrf", "guess")
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(send(&f.state, wrong).await.status, StatusCode::FORBIDDEN);
    let cross_origin = write()
        .header("x-moat-csrf", CSRF)
        .header(header::ORIGIN, "https://attacker.example")
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(
        send(&f.state, cross_origin).await.status,
        StatusCode::FORBIDDEN
    );
    let cross_site = write()
        .header("x-moat-csrf", CSRF)
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(
        send(&f.state, cross_site).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(f.state.store.list_decisions("lake").unwrap().is_empty());
    let same_origin = write()
        .header("x-moat-csrf", CSRF)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .body(Body::from(body))
        .unwrap();
    let answer = send(&f.state, same_origin).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(f.state.store.list_decisions("lake").unwrap().len(), 1);
}

#[tokio::test]
async fn a_form_posted_without_javascript_carries_the_csrf_field() {
    let f = fixture();
    let form = |csrf: &str| {
        cookie(Request::post("/projects/lake/decisions"))
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "_csrf={csrf}&selector=T-S3-0*&target=results&status=accepted&justification=owner+signed+off"
            )))
            .unwrap()
    };
    assert_eq!(
        send(&f.state, form("guess")).await.status,
        StatusCode::FORBIDDEN
    );
    let answer = send(&f.state, form(CSRF)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.headers[header::LOCATION], "/projects/lake");
    let stored = f.state.store.list_decisions("lake").unwrap();
    assert_eq!(stored[0].key.selector, "T-S3-0*");
    assert_eq!(stored[0].value.justification, "owner signed off");
}

#[tokio::test]
async fn pages_show_hostile_names_as_text_under_a_strict_policy() {
    let f = fixture();
    for uri in [
        "/",
        "/projects/lake",
        "/catalog?q=encryption",
        "/catalog/page",
        "/runs/1/report",
    ] {
        let answer = send(&f.state, bearer(get(uri)).body(Body::empty()).unwrap()).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
        for raw in ["<script>alert", "<img src=x", "</td><script>"] {
            assert!(!answer.body.contains(raw), "{uri} carries raw `{raw}`");
        }
        let csp = answer.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
            "{uri}: {csp}"
        );
        assert_eq!(answer.headers["x-frame-options"], "DENY");
    }
    let project = send(
        &f.state,
        bearer(get("/projects/lake")).body(Body::empty()).unwrap(),
    )
    .await;
    assert!(
        project
            .body
            .contains("Results &lt;img src=x onerror=alert(1)&gt;"),
        "{}",
        project.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_decision_changes_the_status_is_kept_in_the_history_and_is_written_back() {
    decision_workflow(fixture()).await;
}

/// The same workflow with the store on PostgreSQL (a schema of its own, dropped after).
#[tokio::test(flavor = "multi_thread")]
async fn the_decision_workflow_runs_on_postgresql() {
    let Some(url) = std::env::var("MOAT_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "MOAT_TEST_POSTGRES_URL is not set under CI"
        );
        eprintln!("note: MOAT_TEST_POSTGRES_URL is not set; the PostgreSQL server test is skipped");
        return;
    };
    let schema = format!("moat_server_test_{}", std::process::id());
    let admin = |sql: String| {
        let url = url.clone();
        std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            client.batch_execute(&sql).unwrap();
        })
        .join()
        .unwrap();
    };
    admin(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    ));
    let separator = if url.contains('?') { '&' } else { '?' };
    let scoped = format!("{url}{separator}options=-csearch_path%3D{schema}");
    let f = tokio::task::block_in_place(|| fixture_on(Some(&scoped)));
    assert_eq!(f.state.store.backend(), "postgresql");
    decision_workflow(f).await;
    admin(format!("DROP SCHEMA {schema} CASCADE"));
}

async fn decision_workflow(f: Fixture) {
    // the store blocks (PostgreSQL runs its own runtime): never on an async worker
    let runs = |state: &Arc<AppState>| {
        tokio::task::block_in_place(|| state.store.list_runs("lake").unwrap())
    };
    // the first page view analyses the project
    send(
        &f.state,
        bearer(get("/projects/lake")).body(Body::empty()).unwrap(),
    )
    .await;
    let before = runs(&f.state)[0].id;
    let answer = put_decision(
        &f.state,
        serde_json::json!({"selector": "T-S3-0*", "target": "results", "status": "accepted", "justification": "risk owner signed off", "ticket": "LAKE-1", "expires": "2027-06-30"}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let after = runs(&f.state)[0].id;
    assert!(after > before, "a decision analyses the project again");

    let run = send(
        &f.state,
        bearer(get(&format!("/api/runs/{after}")))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    let threats = run["assessment"]["threats"].as_array().unwrap();
    let on_results: Vec<_> = threats
        .iter()
        .filter(|t| {
            t["target_id"] == "results" && t["threat_id"].as_str().unwrap().starts_with("T-S3-0")
        })
        .collect();
    assert!(!on_results.is_empty());
    assert!(
        on_results.iter().all(|t| t["status"] == "accepted"),
        "{on_results:?}"
    );

    let diff = send(
        &f.state,
        bearer(get(&format!("/api/runs/{before}/diff/{after}")))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    assert_eq!(
        diff["threats"]["fixed"].as_array().unwrap().len(),
        on_results.len()
    );
    assert!(diff["threats"]["new"].as_array().unwrap().is_empty());

    let history = send(
        &f.state,
        bearer(get("/api/projects/lake/history"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    assert_eq!(history[0]["action"], "set");
    assert_eq!(history[0]["changed_by"], "tester");

    let write = bearer(Request::post("/api/projects/lake/writeback").header(header::HOST, HOST))
        .body(Body::empty())
        .unwrap();
    let answer = send(&f.state, write).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let yaml = std::fs::read_to_string(&f.model).unwrap();
    assert!(
        yaml.starts_with(MODEL),
        "the model's own lines are kept:\n{yaml}"
    );
    assert!(
        yaml.contains(
            "decisions:\n  - threat: T-S3-0*\n    target: results\n    status: accepted\n"
        ),
        "{yaml}"
    );
    assert!(
        tokio::task::block_in_place(|| f.state.store.list_decisions("lake").unwrap()).is_empty(),
        "the file holds them now"
    );
    // the statuses stay: they now come from the file
    let latest = runs(&f.state)[0].id;
    let run = send(
        &f.state,
        bearer(get(&format!("/api/runs/{latest}")))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    let accepted = run["assessment"]["threats"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "accepted")
        .count();
    assert_eq!(accepted, on_results.len());
}

#[tokio::test]
async fn bad_decisions_are_refused_with_a_reason_and_bulk_is_all_or_nothing() {
    let f = fixture();
    let closing_without_reason = put_decision(
        &f.state,
        serde_json::json!({"selector": "T-GEN", "status": "accepted"}),
    )
    .await;
    assert_eq!(closing_without_reason.status, StatusCode::BAD_REQUEST);
    assert!(
        closing_without_reason.json()["error"]
            .as_str()
            .unwrap()
            .contains("justification")
    );
    let bad_status = put_decision(
        &f.state,
        serde_json::json!({"selector": "T-GEN", "status": "done"}),
    )
    .await;
    assert_eq!(bad_status.status, StatusCode::BAD_REQUEST);
    let bad_day = put_decision(
        &f.state,
        serde_json::json!({"selector": "T-GEN", "status": "in-progress", "expires": "2027-02-30"}),
    )
    .await;
    assert_eq!(bad_day.status, StatusCode::BAD_REQUEST);

    let bulk = serde_json::json!([
        {"selector": "T-GEN", "status": "in-discussion"},
        {"selector": "T-S3-001", "status": "accepted"}
    ]);
    let request = bearer(json_body(
        "POST",
        "/api/projects/lake/decisions/bulk",
        bulk.clone(),
    ))
    .body(Body::from(bulk.to_string()))
    .unwrap();
    assert_eq!(
        send(&f.state, request).await.status,
        StatusCode::BAD_REQUEST
    );
    assert!(f.state.store.list_decisions("lake").unwrap().is_empty());
}

#[tokio::test]
async fn uploads_need_an_upload_token_of_the_project() {
    let f = fixture();
    let project = f.state.projects[0].clone();
    let assessment = YamlAnalyzer.analyze(&project, &[]).unwrap();
    let body = serde_json::to_string(&assessment).unwrap();
    let upload = |token: Option<&str>| {
        let mut builder = Request::post("/api/upload?project=team%2Frepo&label=abc123")
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            builder = builder.header("x-moat-upload-token", t);
        }
        builder.body(Body::from(body.clone())).unwrap()
    };
    assert_eq!(
        send(&f.state, upload(None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&f.state, upload(Some("guess"))).await.status,
        StatusCode::UNAUTHORIZED
    );
    let (other, _) = f.state.store.add_token(Some("other/repo"), "ci").unwrap();
    assert_eq!(
        send(&f.state, upload(Some(&other))).await.status,
        StatusCode::UNAUTHORIZED
    );
    let (token, _) = f
        .state
        .store
        .add_token(Some("team/repo"), "ci of team/repo")
        .unwrap();
    let answer = send(&f.state, upload(Some(&token))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let projects = send(
        &f.state,
        bearer(get("/api/projects")).body(Body::empty()).unwrap(),
    )
    .await
    .json();
    let uploaded = projects
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "team/repo")
        .unwrap();
    assert_eq!(uploaded["latest_run"]["source"], "upload");
    assert!(
        uploaded["latest_run"]["summary"]["threats"]
            .as_u64()
            .unwrap()
            > 0,
        "the summary is an object"
    );
    assert!(
        uploaded["latest_run"]["label"]
            .as_str()
            .unwrap()
            .starts_with("abc123")
    );
    let page = send(
        &f.state,
        bearer(get("/projects/team%2Frepo"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}

#[tokio::test]
async fn the_catalog_filters_by_stride_severity_priority_feature_class_and_framework() {
    let f = fixture();
    let threats = send(
        &f.state,
        bearer(get("/api/catalog/threats?stride=tampering&severity=high"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    let threats = threats.as_array().unwrap();
    assert!(!threats.is_empty());
    assert!(
        threats
            .iter()
            .all(|t| t["stride"] == "tampering" && t["severity"] == "high")
    );
    let controls = send(
        &f.state,
        bearer(get("/api/catalog/controls?framework=cis-aws-v5"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    let controls = controls.as_array().unwrap();
    assert!(!controls.is_empty());
    assert!(
        controls
            .iter()
            .all(|c| c["compliance"]["cis-aws-v5"].is_array())
    );
    let scores: Vec<f64> = controls
        .iter()
        .map(|c| c["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "highest priority first"
    );
    let page = send(
        &f.state,
        bearer(get(
            "/catalog?feature_class=FC-S3-ENCRYPTION&priority=very+high",
        ))
        .body(Body::empty())
        .unwrap(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"catalog-controls\""));
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let f = fixture();
    let doc = send(
        &f.state,
        bearer(get("/api/openapi.json"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/projects",
        "/api/projects/{project}/runs",
        "/api/projects/{project}/decisions",
        "/api/projects/{project}/decisions/bulk",
        "/api/projects/{project}/history",
        "/api/projects/{project}/writeback",
        "/api/runs/{id}",
        "/api/runs/{id}/diff/{other}",
        "/api/upload",
        "/api/catalog/threats",
        "/api/catalog/controls",
        "/api/catalog/feature-classes",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
}

#[tokio::test]
async fn unknown_projects_and_runs_are_not_found() {
    let f = fixture();
    for uri in [
        "/projects/nope",
        "/runs/999/report",
        "/api/runs/999",
        "/nothing-here",
    ] {
        let answer = send(&f.state, bearer(get(uri)).body(Body::empty()).unwrap()).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn the_threat_list_searches_every_threat_and_puts_the_worst_open_first() {
    let f = fixture();
    let page = send(
        &f.state,
        bearer(get("/projects/lake")).body(Body::empty()).unwrap(),
    )
    .await;
    let rows = page.body.matches("<tr data-selector=").count();
    assert!(rows > 3, "{rows} rows");
    let severities: Vec<&str> = page
        .body
        .match_indices("<span class=\"sev sev-")
        .map(|(i, _)| page.body[i + 21..].split('"').next().unwrap())
        .collect();
    let rank = |s: &str| {
        ["critical", "high", "medium", "low", "info"]
            .iter()
            .position(|x| *x == s)
            .unwrap()
    };
    assert!(
        severities.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{severities:?}"
    );
    let searched = send(
        &f.state,
        bearer(get("/projects/lake?q=spoofing"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let found = searched.body.matches("<tr data-selector=").count();
    assert!(found > 0 && found < rows, "{found} of {rows}");
    assert!(searched.body.contains("match “spoofing”"));
}

#[tokio::test]
async fn a_run_exports_to_the_tools_people_already_use() {
    let f = fixture();
    send(
        &f.state,
        bearer(get("/projects/lake")).body(Body::empty()).unwrap(),
    )
    .await;
    for (format, name) in [
        ("threat-composer", ".tc.json"),
        ("otm", ".otm.json"),
        ("threat-dragon", ".threat-dragon.json"),
    ] {
        let answer = send(
            &f.state,
            bearer(get(&format!("/runs/1/export/{format}")))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{format}: {}", answer.body);
        assert!(
            answer.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains(name)
        );
        let _: serde_json::Value = answer.json();
    }
    let unknown = send(
        &f.state,
        bearer(get("/runs/1/export/visio"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}
