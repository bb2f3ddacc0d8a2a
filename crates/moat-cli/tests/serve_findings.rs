#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A decision on a finding (a check id on a resource) recorded in `moat
//! serve` marks that finding suppressed in the next run, with the decision as
//! the reason, and the run's counts drop by one.

mod serve_common;

#[test]
fn an_accepted_finding_is_suppressed_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let template = root.join("examples/cdk-s3-review/cdk.out/SecureS3Stack.template.json");
    std::fs::copy(template, dir.path().join("stack.template.json")).unwrap();
    let server = serve_common::start(dir.path(), &["stack.template.json", "--db", "moat.db"]);
    let project = "stack.template.json";
    let latest = || {
        let (_, runs) = serve_common::request(
            &server.addr,
            "GET",
            &format!("/api/projects/{project}/runs"),
            None,
        );
        let runs: serde_json::Value = serde_json::from_str(&runs).unwrap();
        let id = runs[0]["id"].as_i64().unwrap();
        let (_, run) = serve_common::request(&server.addr, "GET", &format!("/api/runs/{id}"), None);
        serde_json::from_str::<serde_json::Value>(&run).unwrap()
    };
    let before = latest();
    let findings = before["assessment"]["scan"]["findings"]
        .as_array()
        .unwrap()
        .clone();
    let open = |run: &serde_json::Value| {
        run["assessment"]["scan"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["suppressed"].is_null())
            .count()
    };
    let first = findings.iter().find(|f| f["suppressed"].is_null()).unwrap();
    let (check, resource) = (
        first["check"].as_str().unwrap(),
        first["resource"].as_str().unwrap(),
    );
    let body = serde_json::json!({"selector": check, "target": resource, "status": "accepted", "justification": "the data is public by design"}).to_string();
    let (status, answer) = serde_common_put(&server.addr, project, &body);
    assert_eq!(status, 200, "{answer}");

    let after = latest();
    let same = after["assessment"]["scan"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == check && f["resource"] == resource)
        .unwrap();
    assert_eq!(
        same["suppressed"],
        "accepted in moat serve: the data is public by design"
    );
    assert_eq!(
        open(&after),
        open(&before)
            - findings
                .iter()
                .filter(|f| f["check"] == check
                    && f["resource"] == resource
                    && f["suppressed"].is_null())
                .count()
    );
    assert!(
        after["assessment"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["level"] != "error"),
        "a finding decision is not read as a threat decision: {}",
        after["assessment"]["diagnostics"]
    );
}

fn serde_common_put(addr: &str, project: &str, body: &str) -> (u16, String) {
    serve_common::request(
        addr,
        "PUT",
        &format!("/api/projects/{project}/decisions"),
        Some(body),
    )
}
