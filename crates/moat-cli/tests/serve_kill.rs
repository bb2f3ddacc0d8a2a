#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `kill -9` of `moat serve` in the middle of a burst of decisions loses none
//! that the server acknowledged: an answer of 200 means the decision is on
//! disk (SQLite in WAL mode with synchronous=FULL, one transaction per write).

mod serve_common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
fn kill_9_during_a_burst_of_decisions_loses_no_acknowledged_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::copy(
        root.join("examples/s3/model.yaml"),
        dir.path().join("model.yaml"),
    )
    .unwrap();
    let mut server = serve_common::start(dir.path(), &["model.yaml", "--db", "moat.db"]);

    // four writers, each recording what the server acknowledged
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let acknowledged = Arc::clone(&acknowledged);
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                for i in 0.. {
                    let selector = format!("T-KILL-{w}-{i:04}");
                    let body = format!(r#"{{"selector":"{selector}","status":"in-progress"}}"#);
                    let path = "/api/projects/model.yaml/decisions";
                    if serve_common::request(&addr, "PUT", path, Some(&body)).0 != 200 {
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
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    for w in writers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let store = moat_store::open(dir.path().join("moat.db").to_str().unwrap()).unwrap();
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
