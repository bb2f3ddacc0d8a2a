//! Who may talk to the server, and what a page may do once loaded.
//!
//! The server holds threat models and risk decisions, so even on loopback
//! it is not open: every request carries the access token printed at start
//! (as Jupyter does) as a bearer token, or as the cookie a first visit with
//! `?token=` sets. Writes authenticated by the cookie must also carry the
//! CSRF token the pages embed (header `x-moat-csrf` or form field `_csrf`)
//! and come from the server's own origin, so another site open in the same
//! browser cannot record decisions. The Host header must name the server
//! (DNS rebinding). Every response forbids framing, sniffing and referrers,
//! and pages get a Content-Security-Policy that allows only the server's own
//! scripts and styles and the exact inline blocks of self-contained reports
//! (by SHA-256 hash).

use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub const TOKEN_COOKIE: &str = "moat_token";
pub const CSRF_HEADER: &str = "x-moat-csrf";
pub const CSRF_FIELD: &str = "_csrf";

/// 32 random bytes as hex: the access token, or the CSRF token.
pub fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// How a request proved it may be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authenticated {
    Bearer,
    Cookie,
}

fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

pub fn authenticate(state: &AppState, headers: &HeaderMap) -> Option<Authenticated> {
    if bearer(headers).is_some_and(|t| same_secret(t, &state.token)) {
        return Some(Authenticated::Bearer);
    }
    if cookie(headers, TOKEN_COOKIE).is_some_and(|t| same_secret(t, &state.token)) {
        return Some(Authenticated::Cookie);
    }
    None
}

/// The `?token=` of a first visit, and the path and query without it.
fn token_in_query(request: &Request) -> Option<(String, String)> {
    let query = request.uri().query()?;
    let mut token = None;
    let mut rest = Vec::new();
    for pair in query.split('&') {
        match pair.strip_prefix("token=") {
            Some(value) => token = Some(value.to_string()),
            None => rest.push(pair),
        }
    }
    let path = request.uri().path();
    let target = if rest.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", rest.join("&"))
    };
    Some((token?, target))
}

/// Whether the Host header names this server (loopback names, or the address it is bound to).
fn host_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        // HTTP/1.0 clients may omit it; nothing to rebind
        return true;
    };
    state.allowed_hosts.iter().any(|allowed| allowed == host)
}

/// Whether a write authenticated by cookie comes from the server's own pages.
fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site == "cross-site" || site == "same-site")
    {
        return false;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => state
            .allowed_hosts
            .iter()
            .any(|host| origin == format!("http://{host}")),
    }
}

/// The first layer: host check, authentication, CSRF on writes, headers on every answer.
pub async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let response = check(&state, request, next).await;
    with_headers(response)
}

async fn check(state: &AppState, request: Request, next: Next) -> Response {
    if !host_allowed(state, request.headers()) {
        return refuse(StatusCode::MISDIRECTED_REQUEST, "unknown host");
    }
    // uploads from CI carry an upload token instead, checked by the handler
    let public = matches!(request.uri().path(), "/static/app.css" | "/static/app.js")
        || (request.uri().path() == "/api/upload" && request.method() == Method::POST);
    if request.method() == Method::GET
        && let Some((token, target)) = token_in_query(&request)
    {
        if !same_secret(&token, &state.token) {
            return refuse(StatusCode::UNAUTHORIZED, "wrong access token");
        }
        return login_redirect(&state.token, &target);
    }
    let auth = authenticate(state, request.headers());
    if auth.is_none() && !public {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "this server needs the access token it printed at start: open the URL it showed, or send `Authorization: Bearer TOKEN`",
        );
    }
    let writes = !matches!(*request.method(), Method::GET | Method::HEAD) && !public;
    if writes && auth == Some(Authenticated::Cookie) {
        if !same_origin(state, request.headers()) {
            return refuse(StatusCode::FORBIDDEN, "cross-origin write refused");
        }
        let header_token = request
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok());
        match header_token {
            Some(token) if same_secret(token, &state.csrf) => {}
            Some(_) => return refuse(StatusCode::FORBIDDEN, "wrong CSRF token"),
            None => return check_form_csrf(state, request, next).await,
        }
    }
    next.run(request).await
}

/// Forms posted without JavaScript carry the CSRF token as a field; the body is read,
/// checked and handed on unchanged.
async fn check_form_csrf(state: &AppState, request: Request, next: Next) -> Response {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return refuse(StatusCode::FORBIDDEN, "missing CSRF token");
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::MAX_BODY_BYTES).await else {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, "request body too large");
    };
    let field = form_field(&bytes, CSRF_FIELD);
    if !field.is_some_and(|t| same_secret(&t, &state.csrf)) {
        return refuse(StatusCode::FORBIDDEN, "missing or wrong CSRF token");
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

fn login_redirect(token: &str, target: &str) -> Response {
    let cookie = format!("{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let (Ok(cookie), Ok(location)) = (
        HeaderValue::from_str(&cookie),
        HeaderValue::from_str(target),
    ) {
        headers.insert(header::SET_COOKIE, cookie);
        headers.insert(header::LOCATION, location);
    }
    response
}

fn refuse(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "error": message }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Headers every answer gets; pages without their own policy get the strictest one.
fn with_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let fixed = [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        // not `no-referrer`: it makes browsers send `Origin: null` on form posts
        ("referrer-policy", "same-origin"),
        ("cache-control", "no-store"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP_STRICT),
        );
    }
    response
}

const CSP_STRICT: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The policy of one page: the server's own script and stylesheet, and the
/// exact inline `<script>` and `<style>` blocks of `html` (self-contained
/// reports carry theirs inline).
pub fn page_policy(html: &str) -> String {
    let scripts = inline_blocks(html, "script")
        .map(|b| format!(" 'sha256-{}'", sha256_base64(b)))
        .collect::<String>();
    let styles = inline_blocks(html, "style")
        .map(|b| format!(" 'sha256-{}'", sha256_base64(b)))
        .collect::<String>();
    format!(
        "default-src 'none'; script-src 'self'{scripts}; style-src 'self'{styles}; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
}

fn sha256_base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// The contents of every `<tag>...</tag>` block without a `src` attribute.
fn inline_blocks<'h>(html: &'h str, tag: &'static str) -> impl Iterator<Item = &'h str> + 'h {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find(&open)?;
            let after = &rest[start + open.len()..];
            let tag_end = after.find('>')?;
            let attributes = &after[..tag_end];
            // `<styles...` or `<scripted` are other tags
            if !(attributes.is_empty() || attributes.starts_with([' ', '\n', '\t'])) {
                rest = after;
                continue;
            }
            let body_start = &after[tag_end + 1..];
            let end = body_start.find(&close)?;
            let body = &body_start[..end];
            rest = &body_start[end + close.len()..];
            if attributes.contains("src=") {
                continue;
            }
            return Some(body);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_blocks_are_hashed_and_external_ones_are_not() {
        let html = "<style>a{}</style><script src=\"/static/app.js\"></script><script>x()</script><stylesheet>";
        let policy = page_policy(html);
        assert!(policy.contains(&format!("'sha256-{}'", sha256_base64("a{}"))));
        assert!(policy.contains(&format!("'sha256-{}'", sha256_base64("x()"))));
        assert!(!policy.contains(&format!("'sha256-{}'", sha256_base64(""))));
        assert!(!policy.contains("unsafe-inline"));
    }

    #[test]
    fn secrets_compare_by_content() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }

    #[test]
    fn random_tokens_are_long_and_differ() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
