#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `kill -9` of `moat serve` in the middle of a burst of decisions loses none
//! that the server acknowledged: an answer of 200 means the decision is on
//! disk (SQLite in WAL mode with synchronous=FULL, one transaction per write).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TOKEN: &str = "kill-test-token";

/// One PUT of a decision over a fresh connection; true when the server answered 200.
fn put_decision(addr: &str, selector: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let body = format!(r#"{{"selector":"{selector}","status":"in-progress"}}"#);
    let request = format!(
        "PUT /api/projects/model.yaml/decisions HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

#[test]
fn kill_9_during_a_burst_of_decisions_loses_no_acknowledged_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::copy(
        root.join("examples/s3/model.yaml"),
        dir.path().join("model.yaml"),
    )
    .unwrap();
    let db = dir.path().join("moat.db");
    let mut server = Command::new(env!("CARGO_BIN_EXE_moat"))
        .current_dir(dir.path())
        .args(["serve", "model.yaml", "--port", "0", "--token", TOKEN])
        .arg("--db")
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("Open http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no URL printed: {line}"))
        .to_string();

    // four writers, each recording what the server acknowledged
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let acknowledged = Arc::clone(&acknowledged);
            let addr = addr.clone();
            std::thread::spawn(move || {
                for i in 0.. {
                    let selector = format!("T-KILL-{w}-{i:04}");
                    if !put_decision(&addr, &selector) {
                        return;
                    }
                    acknowledged.lock().unwrap().push(selector);
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < 12 {
        std::thread::sleep(Duration::from_millis(20));
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    for w in writers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let store = moat_store::open(db.to_str().unwrap()).unwrap();
    let kept: Vec<String> = store
        .list_decisions("model.yaml")
        .unwrap()
        .into_iter()
        .map(|d| d.key.selector)
        .collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|s| !kept.contains(s)).collect();
    assert!(
        lost.is_empty(),
        "acknowledged but lost after kill -9: {lost:?}"
    );
    assert!(acknowledged.len() >= 12);
}
