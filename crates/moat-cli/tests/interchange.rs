#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `moat threats -f threat-composer|otm|threat-dragon`, and Threat Composer
//! and OTM files read as models by every command (docs/interchange.md).

mod common;
use common::*;

/// Each result's id, status and decision, from `threats -f json`.
fn results(model: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "threats",
        model,
        "-f",
        "json",
        "--as-of",
        "2026-12-01",
    ]))
    .unwrap();
    json["threats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{} {} {}", t["id"], t["status"], t["decision"]["status"]))
        .collect()
}

#[test]
fn exports_read_back_as_models_in_every_command() {
    let source = "examples/data-lake/model.yaml";
    let before = results(source);
    assert!(before.iter().any(|r| r.contains("accepted")));
    for (format, name) in [
        ("threat-composer", "lake.tc.json"),
        ("otm", "lake.otm.json"),
    ] {
        let text = ok(&["threats", source, "-f", format, "--as-of", "2026-12-01"]);
        let path = temp_file(name, &text);
        let path = path.to_str().unwrap();
        assert_eq!(results(path), before, "{format}");
        let validated = ok(&["validate", path]);
        assert!(validated.contains(": ok ("), "{validated}");
        let yaml = ok(&["convert", path, "-f", "yaml"]);
        assert!(yaml.contains("decisions:"), "{yaml}");
        ok(&["diagram", path, "-f", "mermaid"]);
    }
    let dragon = ok(&["threats", source, "-f", "threat-dragon"]);
    let dragon: serde_json::Value = serde_json::from_str(&dragon).unwrap();
    assert_eq!(dragon["version"], "2.3.0");
}

#[test]
fn a_broken_interchange_file_is_a_located_input_error() {
    let path = temp_file("broken.tc.json", "{\"schema\": 1,\n  \"threats\": [,]}\n");
    let out = moat(&["threats", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("broken.tc.json:2:15: error:"), "{err}");

    let path = temp_file(
        "design.otm.yaml",
        "otmVersion: 0.2.0\nproject: {name: x, id: x}\ncomponents:\n  - {id: a, name: A, type: x, parent: {trustZone: nowhere}}\n",
    );
    let out = moat(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("design.otm.yaml:4:51: error: unknown trust zone `nowhere`"),
        "{err}"
    );
}
