//! The evaluator on small configurations: what is resolved, and what stays
//! unknown with which reason.

use super::eval::{Instance, ModuleEval};
use super::values::text;
use crate::node_util::{get, unknown_reason};
use std::collections::BTreeMap;

fn instances(tf: &str) -> Vec<Instance> {
    let mut diagnostics = Vec::new();
    let config = super::config::read_text("main.tf", tf, &mut diagnostics);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    ModuleEval::new(&config, 0, String::new(), BTreeMap::new()).instances()
}

fn attr(i: &Instance, key: &str) -> String {
    let v = get(&i.attrs, key).unwrap_or_else(|| panic!("no `{key}` in {}", i.address));
    match unknown_reason(v) {
        Some(r) => format!("unknown: {r}"),
        None => text(v).unwrap_or_else(|| format!("{:?}", v.value)),
    }
}

#[test]
fn variables_locals_and_templates_resolve() {
    let got = instances(
        r#"
variable "env" { default = "prod" }
variable "app" { type = string }
locals {
  name = "${var.env}-data"
  upper = upper(local.name)
}
resource "aws_s3_bucket" "b" {
  bucket = format("%s-%s", local.name, "x")
  tags = { Env = var.env, Up = local.upper }
}
resource "aws_s3_bucket" "c" {
  bucket = "${var.app}-logs"
}
"#,
    );
    assert_eq!(attr(&got[0], "bucket"), "prod-data-x");
    assert_eq!(attr(&got[0], "arn"), "arn:aws:s3:::prod-data-x");
    let tags = get(&got[0].attrs, "tags").unwrap();
    assert_eq!(text(get(tags, "Up").unwrap()).as_deref(), Some("PROD-DATA"));
    assert!(attr(&got[1], "bucket").starts_with("unknown: variable `app` has no default"));
}

#[test]
fn conditionals_logic_and_counts() {
    let got = instances(
        r#"
variable "create" { default = true }
variable "dir" { default = false }
locals { create = var.create && !var.dir }
resource "aws_s3_bucket" "b" {
  count = local.create ? 2 : 0
  bucket = "b-${count.index}"
}
resource "aws_s3_bucket_versioning" "v" {
  count = local.create && var.dir ? 1 : 0
  bucket = aws_s3_bucket.b[0].id
}
"#,
    );
    let addresses: Vec<&str> = got.iter().map(|i| i.address.as_str()).collect();
    assert_eq!(addresses, ["aws_s3_bucket.b[0]", "aws_s3_bucket.b[1]"]);
    assert_eq!(attr(&got[1], "bucket"), "b-1");
}

#[test]
fn for_each_try_and_policy_documents() {
    let got = instances(
        r#"
locals {
  buckets = { logs = "log-bucket", data = "data-bucket" }
  owner = try(var.nope["id"], null)
}
resource "aws_s3_bucket" "each" {
  for_each = local.buckets
  bucket = each.value
}
data "aws_iam_policy_document" "p" {
  statement {
    sid = "TLS"
    effect = "Deny"
    actions = ["s3:*"]
    resources = [for b in aws_s3_bucket.each : "${b.arn}/*"]
    principals {
      type = "*"
      identifiers = ["*"]
    }
    condition {
      test = "Bool"
      variable = "aws:SecureTransport"
      values = ["false"]
    }
  }
}
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.each["logs"].id
  policy = data.aws_iam_policy_document.p.json
}
"#,
    );
    let each: Vec<String> = got
        .iter()
        .filter(|i| i.resource_type == "aws_s3_bucket")
        .map(|i| attr(i, "bucket"))
        .collect();
    assert_eq!(each, ["log-bucket", "data-bucket"]);
    let policy = got
        .iter()
        .find(|i| i.resource_type == "aws_s3_bucket_policy")
        .unwrap();
    assert_eq!(attr(policy, "bucket"), "log-bucket");
    let doc = get(&policy.attrs, "policy").unwrap();
    let statement = &crate::node_util::items(get(doc, "Statement").unwrap())[0];
    assert_eq!(
        text(get(statement, "Principal").unwrap()).as_deref(),
        Some("*")
    );
    let resources: Vec<String> = crate::node_util::items(get(statement, "Resource").unwrap())
        .iter()
        .filter_map(text)
        .collect();
    assert_eq!(
        resources,
        ["arn:aws:s3:::log-bucket/*", "arn:aws:s3:::data-bucket/*"]
    );
    let cond = get(get(statement, "Condition").unwrap(), "Bool").unwrap();
    assert!(get(cond, "aws:SecureTransport").is_some());
}

#[test]
fn what_cannot_be_known_says_why() {
    let got = instances(
        r#"
resource "aws_s3_bucket" "b" {
  bucket_prefix = "x-"
}
resource "aws_s3_bucket_versioning" "v" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration { status = regex("^E", "Enabled") }
}
resource "aws_s3_bucket" "c" {
  bucket = aws_s3_bucket.c.bucket
}
"#,
    );
    assert_eq!(attr(&got[0], "id"), "{aws_s3_bucket.b}");
    let v = &crate::node_util::items(get(&got[1].attrs, "versioning_configuration").unwrap())[0];
    assert_eq!(
        unknown_reason(get(v, "status").unwrap()),
        Some("function `regex` is not evaluated by Moat")
    );
    assert!(attr(&got[2], "bucket").contains("refers to itself"));
}

#[test]
fn dynamic_blocks_expand() {
    let got = instances(
        r#"
locals { rules = [{ days = 1 }, { days = 7 }] }
resource "aws_s3_bucket_lifecycle_configuration" "l" {
  bucket = "b"
  dynamic "rule" {
    for_each = local.rules
    content {
      id = "r${rule.key}"
      status = "Enabled"
      abort_incomplete_multipart_upload { days_after_initiation = rule.value.days }
    }
  }
}
"#,
    );
    let rules = crate::node_util::items(get(&got[0].attrs, "rule").unwrap());
    assert_eq!(rules.len(), 2);
    assert_eq!(text(get(&rules[1], "id").unwrap()).as_deref(), Some("r1"));
}

#[test]
fn operators_follow_hcl_precedence() {
    let got = instances(
        r#"
locals {
  m = { a = 1 }
  on = true && length(keys(local.m)) > 0 && !false
  sum = 1 + 2 * 3 - 4
  cmp = 1 + 1 == 2 || false
  not = !true && false
  neg = -1 + 2
  cond = 1 > 0 && true ? "yes" : "no"
}
resource "aws_s3_bucket" "b" {
  bucket = "${local.on}-${local.sum}-${local.cmp}-${local.not}-${local.neg}-${local.cond}"
}
"#,
    );
    assert_eq!(attr(&got[0], "bucket"), "true-3-true-false-1-yes");
}

#[test]
fn long_reference_chains_stop_without_exhausting_the_stack() {
    // 10,000 locals each naming the next, evaluated on a thread with the
    // stack of a rayon worker (2 MiB)
    let mut tf = String::from("locals {\n");
    for i in 0..10_000 {
        tf.push_str(&format!("  l{i} = local.l{}\n", i + 1));
    }
    tf.push_str("  l10000 = \"end\"\n}\nresource \"aws_s3_bucket\" \"b\" { bucket = local.l0 }\n");
    let got = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let mut diagnostics = Vec::new();
            let read = super::read_text("main.tf", &tf, &BTreeMap::new(), &mut diagnostics);
            read.inventory.buckets[0].name.reason().map(str::to_string)
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(
        got.as_deref()
            .is_some_and(|r| r.contains("nested too deeply")),
        "{got:?}"
    );
}

#[test]
fn heredoc_policies_with_interpolation_are_documents() {
    let tf = r#"
resource "random_pet" "this" {
  length = 2
}
locals { bucket_name = "origin-${random_pet.this.id}" }
resource "aws_iam_policy" "replication" {
  name = "x"
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Action": ["s3:ListBucket"],
      "Effect": "Allow",
      "Resource": ["arn:aws:s3:::${local.bucket_name}"]
    },
    {
      "Action": ["s3:ReplicateObject"],
      "Effect": "Allow",
      "Resource": "arn:aws:s3:::${local.bucket_name}/*"
    }
  ]
}
POLICY
}
"#;
    let mut diagnostics = Vec::new();
    let read = super::read_text("main.tf", tf, &BTreeMap::new(), &mut diagnostics);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let doc = &read.inventory.identity_policies[0].document;
    assert!(doc.policy.is_some(), "{:?}", doc.node);
}

#[test]
fn a_policy_written_out_in_a_heredoc_keeps_its_places() {
    let tf = r#"resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::b/*"
    }
  ]
}
EOF
}
"#;
    let mut diagnostics = Vec::new();
    let read = super::read_text("main.tf", tf, &BTreeMap::new(), &mut diagnostics);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let doc = &read.inventory.bucket_policies[0].document;
    let statement = &crate::node_util::items(get(&doc.node, "Statement").unwrap())[0];
    let principal = get(statement, "Principal").unwrap();
    let loc = read.inventory.files[0].location(principal.span);
    assert_eq!((loc.line, loc.col), (12, 20));
}
