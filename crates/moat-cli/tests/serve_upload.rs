#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A CI job's `moat threats ... --upload URL` lands on a running `moat serve`
//! with an upload token, and a wrong token fails the command loudly.

mod serve_common;

use std::process::Command;

#[test]
fn a_ci_run_is_uploaded_with_its_token_and_refused_without() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::copy(
        root.join("examples/s3/model.yaml"),
        dir.path().join("model.yaml"),
    )
    .unwrap();
    let args = [
        "model.yaml",
        "--db",
        "moat.db",
        "--add-upload-token",
        "team/repo",
    ];
    let server = serve_common::start(dir.path(), &args);
    let upload_token = server.preamble[0].rsplit(' ').next().unwrap().to_string();
    let upload = |token: &str| {
        Command::new(env!("CARGO_BIN_EXE_moat"))
            .arg("threats")
            .arg(root.join("examples/data-lake/model.yaml"))
            .args(["-f", "json", "-o"])
            .arg(dir.path().join("run.json"))
            .args(["--upload", &format!("http://{}/", server.addr)])
            .args(["--upload-project", "team/repo", "--upload-label", "abc123"])
            .env("MOAT_UPLOAD_TOKEN", token)
            .output()
            .unwrap()
    };
    let refused = upload("not-the-token");
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("refused the upload (401"), "{stderr}");

    let accepted = upload(&upload_token);
    let stderr = String::from_utf8_lossy(&accepted.stderr);
    assert!(stderr.contains("run uploaded"), "{stderr}");
    let (status, projects) = serve_common::request(&server.addr, "GET", "/api/projects", None);
    assert_eq!(status, 200);
    assert!(projects.contains(r#""name":"team/repo""#), "{projects}");
    assert!(projects.contains("abc123 (by upload token"), "{projects}");
}
