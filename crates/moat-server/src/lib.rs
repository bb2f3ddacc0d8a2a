//! `moat serve`: a local web UI and JSON API over the catalog, the
//! assessments of the served paths, and the risk decisions people record on
//! them (docs/ui.md).
//!
//! The model and its decisions stay code: the server reads the paths it is
//! given through an [`Analyzer`] the CLI provides (the same pipeline as
//! `moat threats PATH`), keeps every analysis as a run in a store (SQLite
//! beside the model, or PostgreSQL for a team), records decisions with their
//! history, and writes them back into the model's YAML on request.

mod analysis;
mod api;
mod catalog_query;
mod diff;
mod error;
mod ops;
mod pages;
mod report;
pub mod security;
mod state;

pub use analysis::{Analyzer, RunSummary, ServedProject, run_project};
pub use api::openapi_json;
pub use pages::percent_encode;
pub use state::AppState;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use std::net::SocketAddr;
use std::sync::Arc;

/// Request bodies larger than this are refused (an uploaded assessment of a
/// large deployment is a few MiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Every route, behind the security layer.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(pages::index))
        .route("/projects/{project}", get(pages::project))
        .route("/projects/{project}/decisions", post(pages::post_decision))
        .route(
            "/projects/{project}/decisions/remove",
            post(pages::post_remove),
        )
        .route("/projects/{project}/analyse", post(pages::post_analyse))
        .route(
            "/projects/{project}/writeback",
            post(pages::post_write_back),
        )
        .route("/runs/{id}/report", get(pages::run_report))
        .route("/runs/{id}/diff/{other}", get(pages::diff))
        .route("/runs/{id}/export/{format}", get(pages::export))
        .route("/catalog", get(pages::catalog))
        .route("/catalog/page", get(pages::catalog_page))
        .route("/static/app.css", get(pages::app_css))
        .route("/static/app.js", get(pages::app_js))
        .route(
            "/favicon.ico",
            get(|| async { axum::http::StatusCode::NO_CONTENT }),
        )
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/projects", get(api::list_projects))
        .route(
            "/api/projects/{project}/runs",
            get(api::list_runs).post(api::analyse),
        )
        .route(
            "/api/projects/{project}/decisions",
            get(api::list_decisions)
                .put(api::put_decision)
                .delete(api::delete_decision),
        )
        .route(
            "/api/projects/{project}/decisions/bulk",
            post(api::put_decisions_bulk),
        )
        .route("/api/projects/{project}/history", get(api::history))
        .route("/api/projects/{project}/writeback", post(api::write_back))
        .route("/api/runs/{id}", get(api::get_run))
        .route("/api/runs/{id}/diff/{other}", get(api::run_diff))
        .route("/api/upload", post(api::upload))
        .route("/api/catalog/threats", get(api::catalog_threats))
        .route("/api/catalog/controls", get(api::catalog_controls))
        .route(
            "/api/catalog/feature-classes",
            get(api::catalog_feature_classes),
        )
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            security::guard,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// The `host:port` names a browser may use for a server bound to `addr`.
pub fn allowed_hosts(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut hosts = vec![
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ];
    if !addr.ip().is_loopback() && !addr.ip().is_unspecified() {
        hosts.push(addr.to_string());
    }
    hosts
}

/// Serves `state` on `listener` until Ctrl-C.
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<AppState>) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
