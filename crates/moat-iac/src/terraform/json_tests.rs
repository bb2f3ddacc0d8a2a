//! Terraform's JSON syntax read through its HCL spelling: templates,
//! blocks against map arguments, `for_each` over a whole-string
//! interpolation, and places in the JSON file.

use super::json_config::generate;
use super::read_json_config;
use crate::node_util::owned;
use moat_source::SourceFile;
use std::collections::BTreeMap;
use std::path::Path;

fn hcl(json: &str) -> String {
    let file = SourceFile::new("cdk.tf.json", json);
    let root = owned(&moat_source::node::parse(&file).expect("JSON"));
    generate(&root).text
}

#[test]
fn strings_are_templates_and_literal_text_is_escaped() {
    let text = hcl(r#"{"resource": {"aws_s3_bucket": {"b": {
            "bucket": "${var.env}-\"q\"-$${not}-${jsonencode({\"a\" = \"}\"})}",
            "tags": {"Name": "x"},
            "versioning": {"enabled": true}
        }}}}"#);
    assert!(
        text.contains(r#"bucket = "${var.env}-\"q\"-$${not}-${jsonencode({"a" = "}"})}""#),
        "{text}"
    );
    assert!(text.contains("tags = {\n\"Name\" = \"x\"\n}"), "{text}");
    assert!(text.contains("versioning {\nenabled = true\n}"), "{text}");
}

#[test]
fn a_configuration_in_json_reads_like_its_hcl() {
    let json = r#"{
  "variable": {"names": {"default": ["a", "b"]}},
  "resource": {
    "aws_s3_bucket": {
      "each": {
        "//": {"metadata": {"path": "stack/each"}},
        "for_each": "${toset(var.names)}",
        "bucket": "logs-${each.key}"
      }
    },
    "aws_s3_bucket_versioning": {
      "v": {
        "bucket": "${aws_s3_bucket.each[\"a\"].id}",
        "versioning_configuration": {"status": "Enabled"}
      }
    }
  }
}"#;
    let mut diagnostics = Vec::new();
    let read = read_json_config(
        Path::new("cdk.tf.json"),
        json.to_string(),
        &BTreeMap::new(),
        &mut diagnostics,
    )
    .expect("JSON");
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    let buckets = &read.inventory.buckets;
    let names: Vec<String> = buckets
        .iter()
        .map(|b| b.name.get().cloned().unwrap_or_default())
        .collect();
    assert_eq!(names, ["logs-a", "logs-b"]);
    assert_eq!(
        buckets[0].versioning.get().map(String::as_str),
        Some("Enabled")
    );
    assert!(buckets[1].versioning.get().is_none());
    assert_eq!(buckets[0].origin.cdk_path.as_deref(), Some("stack/each"));
    // the place is the JSON file's: the status as written
    let file = &read.inventory.files[0];
    let span = match &buckets[0].versioning {
        crate::value::Value::Known { span, .. } => *span,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        &file.text[span.start as usize..span.end as usize],
        "\"Enabled\""
    );
}

#[test]
fn what_json_configuration_cannot_say_is_reported() {
    let mut diagnostics = Vec::new();
    let broken = r#"{"resource": {"aws_s3_bucket": {"b": {"bucket": "${var.x"}}}, "module": {}}"#;
    read_json_config(
        Path::new("cdk.tf.json"),
        broken.to_string(),
        &BTreeMap::new(),
        &mut diagnostics,
    )
    .expect("JSON");
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(
        codes.contains(&"terraform::json-not-read"),
        "{diagnostics:?}"
    );
    let error = read_json_config(
        Path::new("cdk.tf.json"),
        "{\"resource\": }".to_string(),
        &BTreeMap::new(),
        &mut Vec::new(),
    )
    .err()
    .expect("a syntax error");
    let at = error.location.as_ref().expect("located");
    assert_eq!((at.line, at.col), (1, 14));
}
