#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End-to-end: `moat scan` on a Terraform plan (`terraform show -json`) and
//! on cdktf's JSON configuration, against the HCL configuration they come
//! from (examples/terraform-s3-review): the same checks with the same
//! outcomes, findings at the `.tf` lines, and what a plan cannot say said.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const HCL: &str = "examples/terraform-s3-review";
const PLAN: &str = "examples/terraform-s3-review/plan.json";
const CDKTF: &str = "examples/cdktf-s3-review/cdktf.out";

fn json(args: &[&str]) -> Value {
    let out = moat(args);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stderr(&out)))
}

/// Every (check, verdict) of a scan, sorted, each as often as it occurs.
fn outcomes(path: &str) -> Vec<(String, String)> {
    let v = json(&["scan", path, "-f", "json"]);
    let mut out: Vec<(String, String)> = v["scan"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["check"].as_str().unwrap().to_string(),
                r["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_plan_reads_like_its_configuration_with_findings_at_the_tf_lines() {
    let out = moat(&["scan", PLAN]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("--> examples/terraform-s3-review/main.tf:"),
        "{text}"
    );
    assert!(!text.contains("plan.json:"), "{text}");
    insta::assert_snapshot!("plan_example_text", text);
}

#[test]
fn plan_sarif_locations_point_at_hcl_lines() {
    let v = json(&["scan", PLAN, "-f", "sarif"]);
    let mut locations: Vec<String> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let at = &r["locations"][0]["physicalLocation"];
            format!(
                "{} {}:{}:{}",
                r["ruleId"].as_str().unwrap(),
                at["artifactLocation"]["uri"].as_str().unwrap(),
                at["region"]["startLine"],
                at["region"]["startColumn"]
            )
        })
        .collect();
    locations.sort();
    insta::assert_snapshot!("plan_example_sarif_locations", locations.join("\n"));
}

#[test]
fn hcl_plan_and_cdktf_give_the_same_outcomes() {
    let hcl = outcomes(HCL);
    assert!(hcl.iter().any(|(_, v)| v == "pass"), "{hcl:?}");
    assert!(hcl.iter().any(|(_, v)| v == "fail"), "{hcl:?}");
    assert_eq!(outcomes(PLAN), hcl, "the plan");
    assert_eq!(outcomes(CDKTF), hcl, "cdktf");
}

#[test]
fn cdktf_findings_name_the_construct_and_the_json_line() {
    let v = json(&["scan", CDKTF, "-f", "json"]);
    let findings = v["scan"]["findings"].as_array().unwrap();
    let f = findings
        .iter()
        .find(|f| f["check"] == "CHK-S3-019")
        .expect("the AES256 finding");
    assert_eq!(f["cdk_path"], "secure-app/data");
    assert!(
        f["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("stacks/secure-app/cdk.tf.json")
    );
    assert_eq!(f["source_line"].as_str().unwrap().trim(), "\"AES256\"");
}

/// A directory of this run with `files` copied in.
fn temp_dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = temp_file("anchor.txt", "").parent().unwrap().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

#[test]
fn a_plan_alone_leaves_what_apply_decides_unknown_and_says_so() {
    let plan = std::fs::read_to_string(root().join(PLAN)).unwrap();
    let dir = temp_dir("plan-alone", &[("plan.json", &plan)]);
    let path = dir.join("plan.json");
    let v = json(&["scan", path.to_str().unwrap(), "-f", "json"]);
    let results = v["scan"]["results"].as_array().unwrap();
    // the bucket policy is built from the bucket's ARN, which only apply knows
    let tls = results
        .iter()
        .find(|r| r["check"] == "CHK-S3-007")
        .expect("CHK-S3-007 ran");
    assert_eq!(tls["verdict"], "unknown", "{tls}");
    assert!(
        tls["message"]
            .as_str()
            .unwrap()
            .contains("known only after apply (the plan says so)"),
        "{tls}"
    );
    // split resources still find the bucket: its versioning is read
    assert!(
        results
            .iter()
            .any(|r| r["check"] == "CHK-S3-010" && r["verdict"] == "fail")
    );
    let notes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["message"].as_str())
        .filter(|m| m.contains("into the plan"))
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
}

#[test]
fn a_malformed_plan_is_an_input_error_with_its_place() {
    let dir = temp_dir(
        "plan-broken",
        &[(
            "plan.json",
            "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {\n    \"root_module\": [,]\n  }\n}\n",
        )],
    );
    let path = dir.join("plan.json");
    let out = moat(&["scan", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("plan.json:4:21"), "{err}");
}

/// Why a fresh plan cannot be made here, if it cannot.
fn missing_terraform() -> Option<String> {
    if std::process::Command::new("terraform")
        .arg("version")
        .output()
        .is_err()
    {
        return Some("`terraform` is not installed".into());
    }
    if !Path::new("/opt/tf-plugins/registry.terraform.io/hashicorp/aws").is_dir() {
        return Some("the hashicorp/aws provider mirror /opt/tf-plugins is missing".into());
    }
    None
}

#[test]
fn a_fresh_plan_made_by_terraform_reads_like_the_committed_one() {
    if let Some(why) = missing_terraform() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the Terraform plan test cannot run under CI: {why}"
        );
        eprintln!("skipped: {why}");
        return;
    }
    // beside a copy of the configuration, so that its places are found
    let dir = temp_dir("fresh-plan", &[]);
    for entry in std::fs::read_dir(root().join(HCL)).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name.ends_with(".tf") || name.ends_with(".tfvars") {
            std::fs::copy(&path, dir.join(&name)).unwrap();
        }
    }
    let plan = dir.join("plan.json");
    let made = std::process::Command::new(root().join("scripts/terraform-plan.sh"))
        .arg(&dir)
        .arg(&plan)
        .output()
        .expect("the script runs");
    assert!(
        made.status.success(),
        "terraform-plan.sh failed: {}",
        String::from_utf8_lossy(&made.stderr)
    );
    let fresh = outcomes(plan.to_str().unwrap());
    assert_eq!(fresh, outcomes(PLAN));
    let text = stdout(&moat(&["scan", plan.to_str().unwrap()]));
    assert!(text.contains("main.tf:"), "{text}");
}
