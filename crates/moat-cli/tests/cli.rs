#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End-to-end: the `moat` binary on the bundled examples and on bad inputs.

mod common;
use common::*;
use std::path::PathBuf;
use std::process::Command;

#[test]
fn seed_script_yields_threats_on_every_element_and_flow() {
    for model in ["examples/s3/tm.py", "examples/s3/model.yaml"] {
        let out = moat(&["threats", model, "-f", "json"]);
        assert_eq!(out.status.code(), Some(0), "{model}: {}", stderr(&out));
        let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let hit: std::collections::BTreeSet<&str> = json["threats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["target_id"].as_str().unwrap())
            .collect();
        let model_json = &json["model"];
        let elements = model_json["elements"].as_array().unwrap();
        let flows = model_json["flows"].as_array().unwrap();
        assert_eq!((elements.len(), flows.len()), (6, 6), "{model}");
        // S3 asking IAM to evaluate policies runs inside AWS: generic threats
        // leave AWS-managed services alone (docs/generic-threats.md), and the
        // S3 threats of policies land on IAM itself
        let internal = ["policy-acl-evaluation"];
        for target in elements.iter().chain(flows) {
            let id = target["id"].as_str().unwrap();
            assert_eq!(
                hit.contains(id),
                !internal.contains(&id),
                "{model}: threats on `{id}`"
            );
        }
        assert_eq!(json["schema_version"], 1);
    }
}

#[test]
fn text_report_of_the_seed_is_stable() {
    let first = moat(&["threats", "examples/s3/tm.py"]);
    let second = moat(&["threats", "examples/s3/tm.py"]);
    assert_eq!(first.status.code(), Some(0));
    assert_eq!(
        first.stdout, second.stdout,
        "same input, byte-identical report"
    );
    insta::assert_snapshot!("seed_text", stdout(&first));
    insta::assert_snapshot!("seed_notes", stderr(&first));
}

#[test]
fn every_format_renders_the_seed() {
    for args in [
        &["threats", "examples/s3/tm.py", "-f", "md"][..],
        &["threats", "examples/s3/model.yaml", "-f", "md"],
        &["diagram", "examples/s3/tm.py", "-f", "dot"],
        &["diagram", "examples/s3/tm.py", "-f", "mermaid"],
        &["diagram", "examples/s3/tm.py", "-f", "plantuml-seq"],
        &["diagram", "examples/s3/tm.py", "-f", "svg"],
        &["diagram", "examples/cdk-s3-review/cdk.out", "-f", "svg"],
        &["diagram", "examples/data-lake/model.yaml", "-f", "svg"],
        &["diagram", "examples/reachability/model.yaml", "-f", "svg"],
        &["validate", "examples/s3/tm.py", "examples/s3/model.yaml"],
    ] {
        let out = moat(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(!stdout(&out).is_empty(), "{args:?}");
    }
}

#[test]
fn fail_on_sets_exit_code_one() {
    let out = moat(&["threats", "examples/s3/tm.py", "--fail-on", "low"]);
    assert_eq!(out.status.code(), Some(1));
    let none = moat(&[
        "threats",
        "examples/s3/tm.py",
        "--fail-on",
        "critical",
        "--min-severity",
        "critical",
    ]);
    let json = moat(&[
        "threats",
        "examples/s3/tm.py",
        "-f",
        "json",
        "--min-severity",
        "critical",
    ]);
    let count = serde_json::from_str::<serde_json::Value>(&stdout(&json)).unwrap()["threats"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(none.status.code(), Some(if count > 0 { 1 } else { 0 }));
}

#[test]
fn malformed_script_is_a_located_error_with_exit_two() {
    let path = temp_file(
        "broken.py",
        "from pytm import TM\ntm = TM(\"x\"\nweb = Server(\"Web\")\n",
    );
    let out = moat(&["threats", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:", path.display())), "{err}");
    assert!(
        err.lines()
            .any(|l| l.contains("broken.py:") && l.contains(": error:")),
        "{err}"
    );
}

#[test]
fn malformed_yaml_is_a_located_error_with_exit_two() {
    let path = temp_file(
        "broken.yaml",
        "name: x\nelements:\n  - id: a\n    name: A\n    kind: server\n    colour: red\n",
    );
    let out = moat(&["threats", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("broken.yaml:6:"), "{err}");
}

#[test]
fn validate_goes_on_after_a_bad_file() {
    let bad = temp_file("bad.yaml", "name: [\n");
    let out = moat(&["validate", bad.to_str().unwrap(), "examples/s3/tm.py"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(text.contains("bad.yaml: "), "{text}");
    assert!(text.contains("examples/s3/tm.py: ok"), "{text}");
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(moat(&["threats"]).status.code(), Some(2));
    assert_eq!(
        moat(&["threats", "examples/s3/tm.py", "-f", "pdf"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        moat(&["threats", "does/not/exist.py"]).status.code(),
        Some(2)
    );
}

#[test]
fn converted_pytm_script_loads_as_the_same_yaml_model() {
    let out = moat(&["convert", "examples/s3/tm.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let yaml = temp_file("converted.yaml", &stdout(&out));
    let from_py = moat(&["convert", "examples/s3/tm.py", "-f", "json"]);
    let from_yaml = moat(&["convert", yaml.to_str().unwrap(), "-f", "json"]);
    let strip_source = |text: String| {
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v.as_object_mut().unwrap().remove("source");
        v
    };
    assert_eq!(
        strip_source(stdout(&from_py)),
        strip_source(stdout(&from_yaml))
    );
}

/// pytm's own threat library, as .ci/run installs it, and its Python.
fn pytm_venv() -> Option<(PathBuf, PathBuf)> {
    let venv = root().join("bench/.venv");
    let python = venv.join("bin/python");
    let lib = std::fs::read_dir(venv.join("lib"))
        .ok()?
        .filter_map(Result::ok)
        .find_map(|e| {
            let path = e.path().join("site-packages/pytm/threatlib/threats.json");
            path.is_file().then_some(path)
        })?;
    python.is_file().then_some((python, lib))
}

#[test]
fn with_pytm_library_moat_finds_what_pytm_finds_on_the_seed() {
    let Some((python, library)) = pytm_venv() else {
        eprintln!("skipped: pytm is not installed in bench/.venv (.ci/run installs it)");
        return;
    };
    let pytm_json =
        std::env::temp_dir().join(format!("moat-pytm-seed-{}.json", std::process::id()));
    let ran = Command::new(python)
        .arg(root().join("examples/s3/tm.py"))
        .arg("--json")
        .arg(&pytm_json)
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let pytm: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&pytm_json).unwrap()).unwrap();
    let expected: std::collections::BTreeSet<(String, String)> = pytm["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["threat_id"].as_str().unwrap().to_string(),
                f["target"].as_str().unwrap().to_string(),
            )
        })
        .collect();

    let out = moat(&[
        "threats",
        "examples/s3/tm.py",
        "--no-builtin",
        "--catalog",
        library.to_str().unwrap(),
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let names: std::collections::BTreeMap<&str, &str> = json["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_str().unwrap(), t["name"].as_str().unwrap()))
        .collect();
    let found: std::collections::BTreeSet<(String, String)> = json["threats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let target = t["target_id"].as_str().unwrap();
            (
                t["threat_id"].as_str().unwrap().to_string(),
                names[target].to_string(),
            )
        })
        .collect();
    assert_eq!(found.len(), 250);
    assert_eq!(found, expected);
}
