#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End-to-end: `moat scan` on Terraform configurations. The bundled example
//! (examples/terraform-s3-review) is the seed-003 stack of
//! examples/cdk-s3-review written in Terraform: the same review must come out.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

const TF: &str = "examples/terraform-s3-review";
const CFN: &str = "examples/cdk-s3-review/cdk.out";

fn json(args: &[&str]) -> Value {
    let out = moat(args);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stderr(&out)))
}

/// `moat scan DIR -f json --select CHECK`.
fn check(dir: &std::path::Path, id: &str) -> Value {
    json(&["scan", dir.to_str().unwrap(), "-f", "json", "--select", id])
}

fn verdicts(v: &Value) -> BTreeSet<(String, String)> {
    v["scan"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_terraform_example_gets_the_review_of_its_cloudformation_twin() {
    let tf = json(&["scan", TF, "-f", "json"]);
    let cfn = json(&["scan", CFN, "-f", "json"]);
    assert_eq!(verdicts(&tf), verdicts(&cfn));
    // every finding points at a .tf line
    for f in tf["scan"]["findings"].as_array().unwrap() {
        let file = f["location"]["file"].as_str().unwrap();
        assert!(file.ends_with(".tf"), "{file}");
        assert!(f["location"]["line"].as_u64().unwrap() > 0);
    }
    let out = moat(&["scan", TF, "-f", "md"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    insta::assert_snapshot!("terraform_example_md", stdout(&out));
}

#[test]
fn sarif_locates_terraform_findings() {
    let out = moat(&["scan", TF, "-f", "sarif"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let places: BTreeSet<String> = results
        .iter()
        .map(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            format!(
                "{} {}:{}",
                r["ruleId"].as_str().unwrap(),
                loc["artifactLocation"]["uri"].as_str().unwrap(),
                loc["region"]["startLine"]
            )
        })
        .collect();
    insta::assert_snapshot!(
        "terraform_example_sarif_places",
        places.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_inferred_diagram_is_the_cloudformation_one() {
    let tf = stdout(&moat(&["diagram", TF, "-f", "mermaid"]));
    assert!(tf.contains("123456789012 (us-"), "{tf}");
    assert!(
        tf.contains("aws_iam_role_s3_access -->|\"S3 API requests\"| aws_s3_bucket_data"),
        "{tf}"
    );
    let cfn = stdout(&moat(&["diagram", CFN, "-f", "mermaid"]));
    let edges = |d: &str| d.lines().filter(|l| l.contains("-->")).count();
    assert_eq!(edges(&tf), edges(&cfn));
}

/// A directory of `.tf` files written here.
fn config(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let anchor = temp_file(&format!("{name}.anchor"), "");
    let dir = anchor.parent().unwrap().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

#[test]
fn a_broken_file_is_an_error_with_its_place_and_the_rest_is_read() {
    let dir = config(
        "broken",
        &[
            (
                "broken.tf",
                "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \"a\"\n  acl = \n}\n",
            ),
            (
                "good.tf",
                "resource \"aws_s3_bucket\" \"ok\" {\n  bucket = \"fine\"\n}\n",
            ),
        ],
    );
    let out = moat(&["scan", dir.to_str().unwrap(), "-f", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostic = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "terraform::syntax")
        .expect("a syntax diagnostic");
    assert!(
        diagnostic["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("broken.tf")
    );
    assert!(
        diagnostic["location"]["line"].as_u64().unwrap() >= 3,
        "{diagnostic}"
    );
    // the other file's bucket is still checked
    assert!(
        v["scan"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["resource"] == "aws_s3_bucket.ok")
    );
    let text = stderr(&moat(&["scan", dir.to_str().unwrap()]));
    assert!(text.contains("broken.tf:3:"), "{text}");
}

#[test]
fn what_a_variable_leaves_open_is_unknown_with_the_reason() {
    let dir = config(
        "unknown",
        &[(
            "main.tf",
            r#"variable "versioning" {
  type = string
}

resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = var.versioning
  }
}
"#,
        )],
    );
    let d = dir.to_str().unwrap();
    let v = json(&["scan", d, "-f", "json", "--select", "CHK-S3-005"]);
    let f = &v["scan"]["findings"][0];
    assert_eq!(f["outcome"], "unknown");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("variable `versioning` has no default"),
        "{f}"
    );
    // --param sets it
    let v = json(&[
        "scan",
        d,
        "-f",
        "json",
        "--select",
        "CHK-S3-005",
        "--param",
        "versioning=Enabled",
    ]);
    assert!(v["scan"]["findings"].as_array().unwrap().is_empty(), "{v}");
}

#[test]
fn a_split_resource_for_a_bucket_created_elsewhere_is_said() {
    let dir = config(
        "elsewhere",
        &[(
            "main.tf",
            "resource \"aws_s3_bucket_versioning\" \"v\" {\n  bucket = \"made-by-another-stack\"\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}\n",
        )],
    );
    let v = json(&["scan", dir.to_str().unwrap(), "-f", "json"]);
    let said = v["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["code"] == "terraform::unresolved"
            && d["message"]
                .as_str()
                .unwrap()
                .contains("made-by-another-stack")
    });
    assert!(said, "{v}");
}

#[test]
fn local_modules_are_read_with_their_caller() {
    let dir = config(
        "modules",
        &[(
            "main.tf",
            "module \"logs\" {\n  source = \"./bucket\"\n  name   = \"example-logs\"\n}\n",
        )],
    );
    std::fs::create_dir_all(dir.join("bucket")).unwrap();
    std::fs::write(
        dir.join("bucket/main.tf"),
        "variable \"name\" {}\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = var.name\n}\nresource \"aws_s3_bucket_versioning\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}\n",
    )
    .unwrap();
    let v = check(&dir, "CHK-S3-005");
    assert!(v["scan"]["findings"].as_array().unwrap().is_empty(), "{v}");
    let files = v["scan"]["files"].as_array().unwrap();
    // the module directory is not read a second time on its own
    assert!(
        files
            .iter()
            .any(|f| f["format"] == "terraform-module" && f["status"] == "skipped")
    );
    assert_eq!(
        files
            .iter()
            .filter(|f| f["path"].as_str().unwrap().ends_with("bucket/main.tf"))
            .count(),
        1
    );
}

#[test]
fn modules_with_count_and_for_each_expand() {
    let dir = config(
        "module_each",
        &[(
            "main.tf",
            r#"module "buckets" {
  source   = "./bucket"
  for_each = toset(["logs", "data"])
  name     = "example-${each.key}"
}

module "never" {
  source = "./bucket"
  count  = 0
  name   = "never-created"
}

module "one" {
  source = "./bucket"
  count  = 1
  name   = "example-one"
}

output "arn" {
  value = module.buckets["logs"].arn
}
"#,
        )],
    );
    std::fs::create_dir_all(dir.join("bucket")).unwrap();
    std::fs::write(
        dir.join("bucket/main.tf"),
        "variable \"name\" {}\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = var.name\n}\noutput \"arn\" {\n  value = aws_s3_bucket.this.arn\n}\n",
    )
    .unwrap();
    let v = check(&dir, "CHK-S3-005");
    let resources: BTreeSet<String> = v["scan"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        resources.into_iter().collect::<Vec<_>>(),
        [
            "module.buckets[\"data\"].aws_s3_bucket.this",
            "module.buckets[\"logs\"].aws_s3_bucket.this",
            "module.one[0].aws_s3_bucket.this"
        ]
    );
}

#[test]
fn registry_modules_are_read_where_terraform_init_put_them() {
    let main = r#"module "store" {
  source  = "example/bucket/aws"
  version = "1.0.0"
  name    = "example-store"
}
"#;
    let dir = config("registry", &[("main.tf", main)]);
    // before `terraform init`: the module is not on disk, and the scan says so
    let v = json(&["scan", dir.to_str().unwrap(), "-f", "json"]);
    assert!(v["scan"]["findings"].as_array().unwrap().is_empty(), "{v}");
    let missing = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "terraform::module-missing")
        .expect("the missing module is said");
    assert!(
        missing["message"]
            .as_str()
            .unwrap()
            .contains("terraform init")
    );
    assert!(
        missing["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("main.tf")
    );
    // after: .terraform/modules/modules.json maps the module key to its directory
    let module = dir.join(".terraform/modules/store");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::write(
        module.join("main.tf"),
        "variable \"name\" {}\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = var.name\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join(".terraform/modules/modules.json"),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"store","Source":"registry.terraform.io/example/bucket/aws","Version":"1.0.0","Dir":".terraform/modules/store"}]}"#,
    )
    .unwrap();
    let v = check(&dir, "CHK-S3-005");
    let f = &v["scan"]["findings"][0];
    assert_eq!(f["resource"], "module.store.aws_s3_bucket.this", "{v}");
}

#[test]
fn policies_from_templatefile_are_read() {
    let dir = config(
        "templatefile",
        &[
            (
                "main.tf",
                r#"resource "aws_s3_bucket" "data" {
  bucket = "example-data"
}

resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = templatefile("${path.module}/policy.json.tpl", { bucket_arn = aws_s3_bucket.data.arn })
}
"#,
            ),
            (
                "policy.json.tpl",
                r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["${bucket_arn}", "${bucket_arn}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}
  }]
}
"#,
            ),
        ],
    );
    let v = check(&dir, "CHK-S3-007");
    assert!(v["scan"]["findings"].as_array().unwrap().is_empty(), "{v}");
}

#[test]
fn variables_come_from_tfvars_files_in_terraform_order() {
    let dir = config(
        "tfvars",
        &[
            (
                "main.tf",
                "variable \"status\" {\n  default = \"Suspended\"\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\nresource \"aws_s3_bucket_versioning\" \"b\" {\n  bucket = aws_s3_bucket.b.id\n  versioning_configuration {\n    status = var.status\n  }\n}\n",
            ),
            ("terraform.tfvars", "status = \"Disabled\"\n"),
            ("terraform.tfvars.json", "{\"status\": \"Suspended\"}\n"),
            // loaded last: wins
            ("z.auto.tfvars.json", "{\n  \"status\": \"Enabled\"\n}\n"),
        ],
    );
    let v = check(&dir, "CHK-S3-005");
    assert!(v["scan"]["findings"].as_array().unwrap().is_empty(), "{v}");
    let files = v["scan"]["files"].as_array().unwrap();
    assert_eq!(
        files
            .iter()
            .filter(|f| f["format"] == "terraform-vars")
            .count(),
        3,
        "{files:?}"
    );
    // the value's place is the .tfvars.json line that set it
    std::fs::write(
        dir.join("z.auto.tfvars.json"),
        "{\n  \"status\": \"Suspended\"\n}\n",
    )
    .unwrap();
    let v = check(&dir, "CHK-S3-005");
    let loc = &v["scan"]["findings"][0]["location"];
    assert!(
        loc["file"]
            .as_str()
            .unwrap()
            .ends_with("z.auto.tfvars.json"),
        "{loc}"
    );
    assert_eq!(loc["line"], 2);
}
