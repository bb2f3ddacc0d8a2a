#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A CI job's `moat threats ... --upload URL` lands on a running `moat serve`
//! with an upload token, and a wrong token fails the command loudly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

const TOKEN: &str = "upload-test-access-token";

fn get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn a_ci_run_is_uploaded_with_its_token_and_refused_without() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::copy(
        root.join("examples/s3/model.yaml"),
        dir.path().join("model.yaml"),
    )
    .unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_moat"))
        .current_dir(dir.path())
        .args(["serve", "model.yaml", "--port", "0", "--token", TOKEN])
        .args(["--db", "moat.db", "--add-upload-token", "team/repo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(server.stdout.take().unwrap());
    let (mut first, mut second) = (String::new(), String::new());
    out.read_line(&mut first).unwrap();
    out.read_line(&mut second).unwrap();
    let upload_token = first.trim().rsplit(' ').next().unwrap().to_string();
    let addr = second
        .trim()
        .strip_prefix("Open http://")
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();

    let upload = |token: &str| {
        Command::new(env!("CARGO_BIN_EXE_moat"))
            .arg("threats")
            .arg(root.join("examples/data-lake/model.yaml"))
            .args(["-f", "json", "-o"])
            .arg(dir.path().join("run.json"))
            .args([
                "--upload",
                &format!("http://{addr}/"),
                "--upload-project",
                "team/repo",
            ])
            .args(["--upload-label", "abc123"])
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
    assert!(
        accepted.status.success() || accepted.status.code() == Some(1),
        "{stderr}"
    );
    assert!(stderr.contains("run uploaded"), "{stderr}");
    let projects = get(&addr, "/api/projects");
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(projects.contains(r#""name":"team/repo""#), "{projects}");
    assert!(projects.contains("abc123 (by upload token"), "{projects}");
}
