#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End-to-end: `--fail-on` over open threats, decisions, `--strict`,
//! `--summary`, and every report format on every way a service is decided.

mod common;
use common::*;
use std::process::Command;

const LAKE: &str = "examples/data-lake/model.yaml";

/// The data lake with `more` appended to its `decisions:` (the last key of the file).
fn lake_with(more: &str) -> String {
    let text = std::fs::read_to_string(root().join(LAKE)).unwrap();
    assert!(
        text.trim_end()
            .ends_with("checked_by: security-architecture")
    );
    format!("{}\n{more}\n", text.trim_end())
}

/// Decisions accepting T-S3-001 on the data lake's other flows into S3.
const OTHER_CREDENTIAL_FLOWS: &str = "  - threat: T-S3-001\n    target: upload-feeds\n    status: accepted\n    justification: partner keys are scoped to one prefix\n  - threat: T-S3-001\n    target: read-raw-write-curated\n    status: accepted\n    justification: the job runs with IMDSv2 only";

#[test]
fn fail_on_counts_open_threats_and_says_how_to_close_them() {
    let out = moat(&[
        "threats",
        LAKE,
        "--fail-on",
        "critical",
        "--as-of",
        "2026-12-07",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let last = stderr(&out).lines().last().unwrap().to_string();
    assert_eq!(
        last,
        "moat: 3 open threats at or above critical (3 critical); implement a control (`implements:`) or record a decision (`decisions:`, docs/model.md#decisions)"
    );

    // accepting the critical threats (stolen credentials on the three flows that
    // sign requests to S3) lets the run pass
    let accepted = lake_with(&format!(
        "  - threat: T-S3-001\n    target: bi-reads-results\n    status: accepted\n    justification: the partner's keys are rotated daily by their IdP\n    ticket: LAKE-7\n{OTHER_CREDENTIAL_FLOWS}",
    ));
    let path = temp_str("lake-accepted.yaml", &accepted);
    let out = moat(&[
        "threats",
        &path,
        "--fail-on",
        "critical",
        "--as-of",
        "2026-12-07",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("T-S3-001 on BI reads results: accepted: decision `accepted`"));

    // ... until the acceptance expires
    let expiring = lake_with(&format!(
        "  - threat: T-S3-001\n    target: bi-reads-results\n    status: accepted\n    justification: temporary\n    expires: 2026-12-01\n{OTHER_CREDENTIAL_FLOWS}",
    ));
    let path = temp_str("lake-expired.yaml", &expiring);
    let out = moat(&[
        "threats",
        &path,
        "--fail-on",
        "critical",
        "--as-of",
        "2026-12-07",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("expired on 2026-12-01: 1 threat is open again"));
}

#[test]
fn fail_on_sees_threats_that_min_severity_hides() {
    let out = moat(&[
        "threats",
        LAKE,
        "--min-severity",
        "critical",
        "--fail-on",
        "high",
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let shown = json["threats"].as_array().unwrap();
    assert!(shown.iter().all(|t| t["severity"] == "critical"));
    let line = stderr(&out).lines().last().unwrap().to_string();
    assert!(line.contains("at or above high (3 critical, "), "{line}");
}

#[test]
fn strict_turns_warnings_into_an_input_error() {
    let nothing = lake_with(
        "  - threat: T-S3-001\n    target: raw\n    status: accepted\n    justification: T-S3-001 never lands on a bucket",
    );
    let path = temp_str("lake-nothing.yaml", &nothing);
    let out = moat(&["threats", &path, "-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "a warning alone does not fail");
    assert!(stderr(&out).contains("matches no threat of this model"));
    let out = moat(&["threats", &path, "-f", "json", "--strict"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("moat: --strict: 1 warning"),
        "{}",
        stderr(&out)
    );
    // validate reports what only the catalog can tell, too
    let out = moat(&["validate", &path]);
    assert!(stderr(&out).contains("matches no threat of this model"));
}

#[test]
fn unknown_ids_in_implements_and_decisions_fail_the_run() {
    let typo = lake_with("  - threat: T-S3-0O1\n    status: accepted\n    justification: typo")
        .replace(
            "  - C-S3-061   # organization trail",
            "  - C-S3-61   # organization trail",
        );
    let path = temp_str("lake-typo.yaml", &typo);
    for command in ["threats", "validate"] {
        let out = moat(&[command, &path]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        let err = stderr(&out);
        assert!(
            err.contains("`implements` names unknown control `C-S3-61`"),
            "{err}"
        );
        assert!(err.contains("unknown threat `T-S3-0O1`"), "{err}");
    }
}

#[test]
fn the_bundled_markdown_reports_fit_a_pull_request_comment() {
    for model in ["examples/s3/tm.py", "examples/s3/model.yaml", LAKE] {
        let out = moat(&["threats", model, "-f", "md"]);
        assert_eq!(out.status.code(), Some(0), "{model}: {}", stderr(&out));
        let md = stdout(&out);
        assert!(md.len() < 65_536, "{model}: {} bytes", md.len());
        // nothing dropped: every result's threat and target is named
        let json: serde_json::Value =
            serde_json::from_str(&stdout(&moat(&["threats", model, "-f", "json"]))).unwrap();
        for t in json["threats"].as_array().unwrap() {
            let threat = t["threat_id"].as_str().unwrap();
            let target = t["target_id"].as_str().unwrap();
            assert!(md.contains(&format!(" {threat}: ")), "{model}: {threat}");
            assert!(md.contains(&format!("`{target}`")), "{model}: {target}");
        }
        let summary = stdout(&moat(&["threats", model, "-f", "md", "--summary"]));
        assert!(summary.len() < md.len() / 3, "{model}: summary is short");
        assert!(summary.contains("| Severity | Threat | Targets | Open |"));
    }
}

#[test]
fn the_text_table_fits_the_terminal() {
    let out = Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(["threats", LAKE])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let text = stdout(&out);
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("SEVERITY"))
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(table.len() > 10);
    for line in table {
        assert!(line.chars().count() <= 100, "{line}");
    }
}

/// A Lambda (service from its kind), a pytm `Datastore` of type AWS_S3, and
/// elements named after a service: every format must render each.
#[test]
fn every_format_renders_every_inference_path() {
    let pytm = temp_str(
        "inferred.py",
        r#"from pytm import TM, Actor, Lambda, Datastore, Dataflow, Boundary, DatastoreType
tm = TM("Inferred services")
cloud = Boundary("AWS")
user = Actor("User")
fn = Lambda("Resize function")
fn.inBoundary = cloud
store = Datastore("Images")
store.type = DatastoreType.AWS_S3
store.inBoundary = cloud
kms = Datastore("KMS")
kms.inBoundary = cloud
Dataflow(user, fn, "Upload")
Dataflow(fn, store, "Write")
Dataflow(fn, kms, "Decrypt")
tm.process()
"#,
    );
    let yaml = temp_str(
        "inferred.yaml",
        "name: Inferred services\nelements:\n  - {id: fn, name: Resize function, kind: lambda}\n  - {id: b, name: S3 Bucket, kind: datastore}\nflows:\n  - {name: Write, source: fn, sink: b}\n",
    );
    for model in [&pytm, &yaml] {
        let json: serde_json::Value =
            serde_json::from_str(&stdout(&moat(&["threats", model, "-f", "json"]))).unwrap();
        let origins: Vec<&str> = json["inferred_services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["origin"]["from"].as_str().unwrap())
            .collect();
        assert!(origins.contains(&"kind"), "{model}: {origins:?}");
        for args in [
            vec!["-f", "text"],
            vec!["-f", "md"],
            vec!["-f", "json"],
            vec!["-f", "md", "--summary"],
            vec!["-f", "text", "--summary"],
        ] {
            let mut all = vec!["threats", model.as_str()];
            all.extend(args.iter().copied());
            let out = moat(&all);
            assert_eq!(out.status.code(), Some(0), "{all:?}: {}", stderr(&out));
            assert!(!stdout(&out).is_empty(), "{all:?}");
        }
    }
    let pytm_json: serde_json::Value =
        serde_json::from_str(&stdout(&moat(&["threats", &pytm, "-f", "json"]))).unwrap();
    let origins: Vec<&str> = pytm_json["inferred_services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["origin"]["from"].as_str().unwrap())
        .collect();
    assert!(origins.contains(&"datastore_type"), "{origins:?}");
    assert!(origins.contains(&"name"), "{origins:?}");
}

#[test]
fn the_plan_in_markdown_fits_a_pull_request_comment() {
    let out = moat(&["plan", "-f", "md"]);
    assert_eq!(out.status.code(), Some(0));
    let md = stdout(&out);
    assert!(md.len() < 65_536, "{} bytes", md.len());
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&moat(&["plan", "-f", "json"]))).unwrap();
    let rows = json["rows"].as_array().unwrap();
    assert!(rows.len() > 100);
    for row in rows {
        let id = row["control"]["id"].as_str().unwrap();
        assert!(md.contains(&format!("`{id}`")), "{id} is in the table");
    }
    // --details keeps every snippet
    let full = stdout(&moat(&["plan", "-f", "md", "--details"]));
    assert!(full.len() > md.len() * 5);
    assert!(full.contains("```hcl"));
}

#[test]
fn an_incomplete_model_says_so_in_every_format_and_fails_strict_runs() {
    let script = temp_str(
        "incomplete.py",
        "from pytm import TM, Server, Datastore, Dataflow\ntm = TM(\"Incomplete\")\nweb = Server(\"Web\")\ndb = Datastore(\"DB\")\nwith open(\"x\") as f:\n    Dataflow(web, db, \"Query\")\ntm.process()\n",
    );
    let text = moat(&["threats", &script]);
    assert_eq!(text.status.code(), Some(0));
    assert!(stdout(&text).contains("warning: the model is incomplete, threats may be missing"));
    assert!(stderr(&text).contains("is incomplete: 1 part of the source could not be interpreted"));
    let md = stdout(&moat(&["threats", &script, "-f", "md"]));
    assert!(
        md.contains("**The model is incomplete: threats may be missing.**"),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&moat(&["threats", &script, "-f", "json"]))).unwrap();
    let reasons = json["model"]["incomplete"].as_array().unwrap();
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0]["location"]["line"], 5);
    assert_eq!(
        moat(&["threats", &script, "--strict"]).status.code(),
        Some(2)
    );
    let validate = moat(&["validate", &script]);
    assert_eq!(validate.status.code(), Some(0));
    assert!(stdout(&validate).contains(": incomplete (1 part of the source skipped"));
    assert_eq!(
        moat(&["validate", "--strict", &script]).status.code(),
        Some(2)
    );
}

fn temp_str(name: &str, text: &str) -> String {
    temp_file(name, text).display().to_string()
}
