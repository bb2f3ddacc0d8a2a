#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `moat validate` and `moat threats` report a mistyped `service` or feature
//! class where it is written, instead of quietly dropping the element's threats.

use std::path::PathBuf;
use std::process::{Command, Output};

fn moat(dir: &PathBuf, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("moat runs")
}

const MODEL: &str = r#"name: typos
elements:
  - id: data
    name: Data
    kind: datastore
    properties:
      service: "s3:bukket"
      features: [FC-S3-REPLICATON]
  - id: keys
    name: Keys
    kind: server
    properties: {service: KMS}
  - id: other
    name: Other
    kind: server
    properties: {service: s4}
"#;

fn workdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("moat-vocabulary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("typos.yaml"), MODEL).unwrap();
    dir
}

/// `file:line:col: level: message` lines of stderr.
fn headlines(out: &Output) -> Vec<String> {
    String::from_utf8(out.stderr.clone())
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("typos.yaml:"))
        .map(str::to_string)
        .collect()
}

#[test]
fn validate_reports_each_typo_at_its_value() {
    let dir = workdir();
    let out = moat(&dir, &["validate", "typos.yaml"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(headlines(&out).join("\n"), @r"
    typos.yaml:7:17: warning: unknown service `s3:bukket` on element `data`, did you mean `s3:bucket`?
    typos.yaml:8:18: warning: unknown feature class `FC-S3-REPLICATON` on element `data`, did you mean `FC-S3-REPLICATION`?
    typos.yaml:12:27: note: `service` `KMS` of element `keys` is read as `kms`
    typos.yaml:16:27: warning: unknown service `s4` on element `other`, did you mean `s3`?
    ");
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(summary.contains("4 warnings/notes"), "{summary}");
}

#[test]
fn threats_reports_them_too_and_keeps_the_threats() {
    let dir = workdir();
    let out = moat(&dir, &["threats", "typos.yaml", "-f", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(headlines(&out).len(), 4);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "model::unknown-service",
            "model::unknown-feature",
            "model::service-case",
            "model::unknown-service"
        ]
    );
    let on = |target: &str| -> Vec<String> {
        json["threats"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["target_id"] == target)
            .map(|t| t["threat_id"].as_str().unwrap().to_string())
            .collect()
    };
    // `KMS` is kms: its threats apply
    assert!(on("keys").contains(&"T-S3-026".to_string()));
    // unknown services keep the generic threats of what they are
    assert!(on("data").contains(&"T-GEN-011".to_string()));
    assert!(on("other").contains(&"T-GEN-021".to_string()));
}
