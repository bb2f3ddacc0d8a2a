//! The plan reader on small hand-written plans: what the plan leaves to
//! `apply`, what the provider computes, and how split resources find their
//! bucket when its name is not known yet.

use super::plan::{AFTER_APPLY, without_keys};
use super::read_plan_text;
use crate::inventory::Inventory;
use crate::node_util::{get, items, text, unknown_reason};
use crate::value::Value;

/// A plan of one bucket with no name (the provider picks it), its
/// versioning (status from another resource known only after apply) and
/// its encryption, all written as Terraform 1.11 writes them.
const PLAN: &str = r#"{
  "format_version": "1.2",
  "terraform_version": "1.11.4",
  "variables": {},
  "planned_values": {
    "root_module": {
      "resources": [
        {
          "address": "aws_s3_bucket.b",
          "mode": "managed",
          "type": "aws_s3_bucket",
          "name": "b",
          "values": { "force_destroy": false, "tags": null },
          "sensitive_values": { "versioning": [] }
        },
        {
          "address": "aws_s3_bucket_versioning.b",
          "mode": "managed",
          "type": "aws_s3_bucket_versioning",
          "name": "b",
          "values": { "versioning_configuration": [ {} ] },
          "sensitive_values": {}
        },
        {
          "address": "aws_s3_bucket_server_side_encryption_configuration.b",
          "mode": "managed",
          "type": "aws_s3_bucket_server_side_encryption_configuration",
          "name": "b",
          "values": {
            "rule": [ { "apply_server_side_encryption_by_default": [ { "sse_algorithm": "aws:kms" } ] } ]
          },
          "sensitive_values": {}
        }
      ]
    }
  },
  "resource_changes": [
    {
      "address": "aws_s3_bucket.b",
      "change": { "actions": ["create"], "after_unknown": { "bucket": true, "id": true, "arn": true, "versioning": true } }
    },
    {
      "address": "aws_s3_bucket_versioning.b",
      "change": {
        "actions": ["create"],
        "after_unknown": { "bucket": true, "id": true, "versioning_configuration": [ { "status": true, "mfa_delete": true } ] }
      }
    },
    {
      "address": "aws_s3_bucket_server_side_encryption_configuration.b",
      "change": { "actions": ["create"], "after_unknown": { "bucket": true, "id": true } }
    }
  ],
  "configuration": {
    "root_module": {
      "resources": [
        { "address": "aws_s3_bucket.b", "expressions": {} },
        {
          "address": "aws_s3_bucket_versioning.b",
          "expressions": {
            "bucket": { "references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"] },
            "versioning_configuration": [ { "status": { "references": ["terraform_data.mode.output", "terraform_data.mode"] } } ]
          }
        },
        {
          "address": "aws_s3_bucket_server_side_encryption_configuration.b",
          "expressions": {
            "bucket": { "references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"] },
            "rule": [ { "apply_server_side_encryption_by_default": [ { "sse_algorithm": { "constant_value": "aws:kms" } } ] } ]
          }
        }
      ]
    }
  }
}"#;

fn read(text: &str) -> Inventory {
    let mut diagnostics = Vec::new();
    let read = read_plan_text("plan.json", text, &mut diagnostics)
        .expect("a plan")
        .expect("read as a plan");
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    read.inventory
}

#[test]
fn split_resources_find_a_bucket_whose_name_is_known_only_after_apply() {
    let inventory = read(PLAN);
    assert_eq!(inventory.buckets.len(), 1);
    let bucket = &inventory.buckets[0];
    // the provider names it: the HCL reader's stand-in
    assert_eq!(bucket.standin, "{aws_s3_bucket.b}");
    assert!(
        matches!(&bucket.encryption, Value::Known { .. }),
        "{:?}",
        bucket.encryption
    );
    // the status comes from a resource not created yet: unknown, with the plan's reason
    match &bucket.versioning {
        Value::Unknown { reason, .. } => assert_eq!(reason, AFTER_APPLY),
        other => panic!("versioning should be unknown, is {other:?}"),
    }
}

#[test]
fn attributes_the_provider_computes_are_not_arguments() {
    // the bucket's `versioning` and the rule's `mfa_delete` are left to
    // apply but not written: AWS reports them, they are not settings
    let file = moat_source::SourceFile::new("plan.json", PLAN);
    let root = crate::node_util::owned(&moat_source::node::parse(&file).expect("JSON"));
    let planned = super::plan::instances(&root, 0);
    let bucket = &planned[0].instance;
    assert!(get(&bucket.attrs, "versioning").is_none());
    assert!(bucket.computed.contains(&"id".to_string()));
    let versioning = &planned[1].instance;
    let config = get(&versioning.attrs, "versioning_configuration")
        .map(items)
        .and_then(|list| list.first())
        .expect("one block");
    assert!(get(config, "mfa_delete").is_none());
    assert_eq!(
        get(config, "status").and_then(unknown_reason),
        Some(AFTER_APPLY)
    );
    assert_eq!(
        get(&versioning.attrs, "bucket").and_then(text).as_deref(),
        Some("{aws_s3_bucket.b}")
    );
}

#[test]
fn malformed_plans_are_errors_with_their_place() {
    let mut diagnostics = Vec::new();
    let broken = "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {,}\n}";
    let error = match read_plan_text("plan.json", broken, &mut diagnostics) {
        Err(e) => e,
        Ok(_) => panic!("a malformed plan must be an error"),
    };
    let location = error.location.as_ref().expect("located");
    assert_eq!((location.line, location.col), (3, 22));
    assert_eq!(error.message, "key must be a string");
}

#[test]
fn json_that_is_not_a_plan_is_left_to_other_readers() {
    let mut diagnostics = Vec::new();
    let read = read_plan_text("t.json", r#"{"Resources": {}}"#, &mut diagnostics);
    assert!(matches!(read, Ok(None)));
}

#[test]
fn addresses_lose_their_instance_keys() {
    assert_eq!(
        without_keys(r#"module.a["x.y]"].aws_s3_bucket.b[0]"#),
        "module.a.aws_s3_bucket.b"
    );
    assert_eq!(without_keys("aws_s3_bucket.b"), "aws_s3_bucket.b");
}

#[test]
fn plans_of_odd_shapes_read_without_panic() {
    let example = include_str!("../../../../examples/terraform-s3-review/plan.json");
    let odd = [
        r#"{"format_version": "1.2", "planned_values": 1}"#,
        r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [1, {"address": 2}], "child_modules": {}}}}"#,
        r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "values": [1, 2]}]}}, "resource_changes": [{"address": "aws_s3_bucket.b", "change": {"after_unknown": {"bucket": [true, {"x": true}]}}}]}"#,
        r#"{"format_version": "1.2", "resource_changes": [], "configuration": {"root_module": {"module_calls": {"m": {"module": {"resources": [{"address": "x", "expressions": []}]}}}}}}"#,
        r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"address": "aws_s3_bucket_policy.p[\"a\"]", "type": "aws_s3_bucket_policy", "values": {"policy": "{not json"}}]}}}"#,
    ];
    let cuts = (0..example.len())
        .step_by(211)
        .filter(|&n| example.is_char_boundary(n));
    let prefixes = cuts.map(|n| &example[..n]);
    for text in odd.into_iter().chain(prefixes) {
        let mut diagnostics = Vec::new();
        let _ = read_plan_text("plan.json", text, &mut diagnostics);
    }
}

#[test]
fn what_apply_decides_inside_blocks_the_configuration_makes_stays_unknown() {
    // a `dynamic` block: the plan's configuration has no expression for it
    let plan = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
     "values": {"bucket": "b"}},
    {"address": "aws_s3_bucket_server_side_encryption_configuration.b", "mode": "managed",
     "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "b",
     "values": {"bucket": "b", "rule": [{"apply_server_side_encryption_by_default": [{}]}]}}
  ]}},
  "resource_changes": [
    {"address": "aws_s3_bucket_server_side_encryption_configuration.b", "change": {
      "after_unknown": {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": true}]}]}}}
  ],
  "configuration": {"root_module": {"resources": [
    {"address": "aws_s3_bucket.b", "expressions": {"bucket": {"constant_value": "b"}}},
    {"address": "aws_s3_bucket_server_side_encryption_configuration.b",
     "expressions": {"bucket": {"constant_value": "b"}}}
  ]}}
}"#;
    let inventory = read(plan);
    let encryption = inventory.buckets[0].encryption.get().expect("configured");
    match &encryption.algorithm {
        Value::Unknown { reason, .. } => assert_eq!(reason, AFTER_APPLY),
        other => panic!("the algorithm is decided at apply: {other:?}"),
    }
}

#[test]
fn a_block_the_hcl_reader_cannot_expand_still_gives_its_place() {
    let dir = std::env::temp_dir().join(format!("moat-plan-count-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("main.tf"),
        "variable \"n\" {}\n\nresource \"aws_s3_bucket\" \"b\" {\n  count  = var.n\n  bucket = \"b-${count.index}\"\n}\n",
    )
    .expect("main.tf");
    // the plan carries no variable values: the HCL reader cannot count
    let plan = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_s3_bucket.b[0]", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "index": 0,
     "values": {"bucket": "b-0"}},
    {"address": "aws_s3_bucket.b[1]", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "index": 1,
     "values": {"bucket": "b-1"}}
  ]}},
  "configuration": {"root_module": {"resources": [
    {"address": "aws_s3_bucket.b", "expressions": {"bucket": {"references": ["count.index"]}}}
  ]}}
}"#;
    let mut diagnostics = Vec::new();
    let read = super::read_plan(&dir.join("plan.json"), plan.to_string(), &mut diagnostics)
        .expect("JSON")
        .expect("a plan");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        !diagnostics
            .iter()
            .any(|d| d.message.contains("into the plan")),
        "{diagnostics:?}"
    );
    let inventory = read.inventory;
    let names: Vec<String> = inventory
        .buckets
        .iter()
        .map(|b| b.name.get().cloned().unwrap_or_default())
        .collect();
    assert_eq!(names, ["b-0", "b-1"]);
    let file = &inventory.files[0];
    for bucket in &inventory.buckets {
        let location = file.location(bucket.origin.span);
        assert!(location.file.ends_with("main.tf"), "{location:?}");
        assert_eq!(location.line, 3);
    }
}

#[test]
fn a_plan_terraform_could_not_finish_is_read_with_an_error() {
    let errored = PLAN.replacen(
        "\"variables\": {},",
        "\"variables\": {}, \"errored\": true,",
        1,
    );
    let mut diagnostics = Vec::new();
    let read = read_plan_text("plan.json", &errored, &mut diagnostics)
        .expect("JSON")
        .expect("a plan");
    assert!(
        read.files[0]
            .1
            .as_deref()
            .is_some_and(|e| e.contains("incomplete"))
    );
    assert!(
        diagnostics
            .iter()
            .any(|d| d.is_error() && d.code == "terraform::plan-incomplete")
    );
}

#[test]
fn a_state_reads_like_a_plan_with_nothing_left_to_apply() {
    let state = r#"{"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {"resources": [
      {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
       "values": {"bucket": "b", "id": "b", "arn": "arn:aws:s3:::b"}}]}}}"#;
    let inventory = read(state);
    assert_eq!(
        inventory.buckets[0].name.get().map(String::as_str),
        Some("b")
    );
}
