#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What every command shares: a converted model reads back, `--catalog` means
//! the same everywhere, counts agree with their number.

mod common;
use common::*;
use std::path::Path;

use std::collections::BTreeSet;

const MINI: &str = "crates/moat-catalog/tests/fixtures/trustoncloud/mini.json";

/// The findings of `threats -f json`: threat and target ids, severities,
/// and the model's element, flow and boundary ids.
fn findings(model: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["threats", model, "-f", "json"])).unwrap();
    let threats = json["threats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{} {} {}", t["id"], t["severity"], t["stride"]))
        .collect();
    let parts = ["boundaries", "elements", "flows", "data"]
        .iter()
        .flat_map(|key| json["model"][key].as_array().unwrap().iter())
        .map(|part| {
            let mut part = part.clone();
            // where it was read from differs by construction
            part.as_object_mut().unwrap().remove("span");
            part.to_string()
        })
        .collect();
    (threats, parts)
}

#[test]
fn a_model_converted_to_json_reads_back_with_the_same_results() {
    for source in ["examples/s3/tm.py", "examples/s3/model.yaml"] {
        let json = ok(&["convert", source, "-f", "json"]);
        let stem = Path::new(source).file_stem().unwrap().to_str().unwrap();
        let path = temp_file(&format!("{stem}.json"), &json);
        let path = path.to_str().unwrap();
        let validated = ok(&["validate", path]);
        assert!(validated.contains(": ok ("), "{validated}");
        let (threats, parts) = findings(source);
        assert!(threats.len() > 20, "{source}: {}", threats.len());
        assert_eq!(findings(path), (threats, parts), "{source}");
        // and it is a model document: converting it again gives the same JSON
        assert_eq!(ok(&["convert", path, "-f", "json"]), json, "{source}");
    }
}

#[test]
fn a_json_model_is_held_to_json_with_located_errors() {
    let path = temp_file(
        "trailing.json",
        "{\"name\": \"m\",\n \"elements\": [{\"id\": \"a\", \"name\": \"A\", \"kind\": \"server\",}]}\n",
    );
    let out = moat(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("trailing.json:2:57: error:"), "{err}");
    let path = temp_file(
        "kind.json",
        "{\"name\": \"m\",\n \"elements\": [{\"id\": \"a\", \"name\": \"A\", \"kind\": \"serverr\"}]}\n",
    );
    let out = moat(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("kind.json:2:48: error: unknown kind `serverr`"),
        "{err}"
    );
}

/// The ids `catalog list -f csv` shows, by whether they are built-in (`C-S3-`,
/// `T-S3-`...) or TrustOnCloud's (`S3.`).
fn catalog_kinds(listing: &str) -> (bool, bool) {
    let ids: Vec<&str> = listing
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .collect();
    (
        ids.iter().any(|id| id.starts_with("C-S3-")),
        ids.iter().any(|id| id.starts_with("S3.")),
    )
}

#[test]
fn catalog_adds_to_the_builtin_one_in_every_command_and_no_builtin_replaces_it() {
    assert_eq!(
        catalog_kinds(&ok(&["catalog", "list", "-f", "csv"])),
        (true, false)
    );
    assert_eq!(
        catalog_kinds(&ok(&["catalog", "list", "-f", "csv", "--catalog", MINI])),
        (true, true)
    );
    assert_eq!(
        catalog_kinds(&ok(&[
            "catalog",
            "list",
            "-f",
            "csv",
            "--catalog",
            MINI,
            "--no-builtin"
        ])),
        (false, true)
    );
    // the plan, threats and validate count the same catalogs
    let rows = |extra: &[&str]| {
        let mut args = vec!["plan", "-f", "json"];
        args.extend(extra);
        let plan: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
        plan["rows"].as_array().unwrap().len()
    };
    let (builtin, mini) = (rows(&[]), rows(&["--catalog", MINI, "--no-builtin"]));
    assert_eq!(rows(&["--catalog", MINI]), builtin + mini);
    let sources = |extra: &[&str]| {
        let mut args = vec!["threats", "examples/s3/model.yaml", "-f", "json"];
        args.extend(extra);
        let json: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
        json["catalog"]["sources"].to_string()
    };
    let both = sources(&["--catalog", MINI]);
    assert!(
        both.contains("mini.json") && both.contains("builtin:"),
        "{both}"
    );
    let alone = sources(&["--catalog", MINI, "--no-builtin"]);
    assert!(
        alone.contains("mini.json") && !alone.contains("builtin:"),
        "{alone}"
    );
    let validated = ok(&["validate", "examples/s3/model.yaml", "--catalog", MINI]);
    assert!(
        validated.contains("builtin:") && validated.contains("mini.json"),
        "{validated}"
    );
    // leaving out the built-in catalog with nothing in its place would find nothing
    for command in [
        &["plan", "--no-builtin"][..],
        &["threats", "examples/s3/model.yaml", "--no-builtin"],
    ] {
        let out = moat(command);
        assert_eq!(out.status.code(), Some(2), "{command:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--catalog"));
    }
}

#[test]
fn counts_agree_with_their_number() {
    let path = temp_file(
        "one.yaml",
        "name: m\nboundaries:\n  - id: b\n    name: B\nelements:\n  - id: a\n    name: A\n    kind: server\n    boundary: b\ndata:\n  - id: d\n    name: D\n",
    );
    let out = ok(&["validate", path.to_str().unwrap()]);
    assert!(
        out.contains(": ok (1 boundary, 1 element, 0 flows, 1 data; 1 warning, 0 notes)"),
        "{out}"
    );
    let bad = temp_file(
        "bad.yaml",
        "name: m\nelements:\n  - id: a\n    kind: nope\n",
    );
    let out = moat(&["validate", bad.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(": 2 errors"), "{text}");
}
