#!/usr/bin/env python3
"""Generate a Terraform corpus around S3 for benchmarks: N stacks of 4 files each.

    gen_tf_corpus.py [OUT_DIR] [--stacks 250] [--seed 1]

OUT_DIR/stacks/stack-NNNN/ is one root module of four files:
- variables.tf: variables with defaults (names, retention days, a flag, a map
  of buckets for for_each), and locals built from them;
- main.tf: the data bucket, written either as v4+ split resources
  (aws_s3_bucket_versioning, _server_side_encryption_configuration, _logging,
  _public_access_block, _ownership_controls, _lifecycle_configuration, _acl,
  _notification) or as AWS provider v3 inline blocks (versioning {},
  server_side_encryption_configuration {}, logging {}, lifecycle_rule {},
  acl = ...), about half each; extra buckets by `count` or `for_each`; a call
  of the local module ../../modules/secure-bucket in about a third;
- policy.tf: the bucket policy as jsonencode(...), a
  data.aws_iam_policy_document, or a heredoc of JSON (a third each), with a TLS
  deny and grants from narrow to public;
- iam.tf: an IAM role (trust in a service or another account), an inline or
  managed policy in one of the three styles, a KMS key (rotation varies) and a
  CloudTrail trail (data events, log validation, KMS vary), an SNS topic.
OUT_DIR/modules/secure-bucket/ is the module (bucket, versioning, encryption,
Block Public Access, a policy from aws_iam_policy_document), 3 files.

Stack i depends only on the seed and i, so the same command writes the same
bytes. Stdlib only. Default OUT_DIR: compare/checkov/out/tf-corpus.
"""
import argparse
import json
import os
import random
import sys

OTHER_ACCOUNT = "444455556666"

MODULE_MAIN = '''resource "aws_s3_bucket" "this" {
  bucket        = var.name
  force_destroy = false
  tags          = var.tags
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = var.versioning ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

data "aws_iam_policy_document" "tls" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this.arn,
      "${aws_s3_bucket.this.arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.tls.json
}
'''

MODULE_VARIABLES = '''variable "name" {
  type = string
}

variable "versioning" {
  type    = bool
  default = true
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "tags" {
  type    = map(string)
  default = {}
}
'''

MODULE_OUTPUTS = '''output "bucket_id" {
  value = aws_s3_bucket.this.id
}

output "bucket_arn" {
  value = aws_s3_bucket.this.arn
}
'''


def q(s):
    return json.dumps(s)


def hcl_value(x, indent):
    """An HCL expression for a JSON-like value (for jsonencode)."""
    sp = "  " * indent
    if isinstance(x, dict):
        if not x:
            return "{}"
        inner = "\n".join(f"{sp}  {q(k) if not k.isidentifier() else k} = {hcl_value(v, indent + 1)}"
                          for k, v in x.items())
        return "{\n" + inner + "\n" + sp + "}"
    if isinstance(x, list):
        if all(isinstance(v, str) for v in x):
            return "[" + ", ".join(hcl_value(v, indent) for v in x) + "]"
        inner = ",\n".join(f"{sp}  {hcl_value(v, indent + 1)}" for v in x)
        return "[\n" + inner + ",\n" + sp + "]"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, str) and x.startswith("@@"):
        return x[2:]  # a raw HCL expression
    return q(x)


def json_text(x, indent):
    """JSON for a heredoc: raw HCL expressions become ${...} interpolations."""
    def strip(v):
        if isinstance(v, dict):
            return {k: strip(w) for k, w in v.items()}
        if isinstance(v, list):
            return [strip(w) for w in v]
        if isinstance(v, str) and v.startswith("@@"):
            e = v[2:]
            # a quoted template is already interpolation text
            return e[1:-1] if e.startswith('"') and e.endswith('"') else "${" + e + "}"
        return v
    body = json.dumps(strip(x), indent=2)
    return "\n".join("  " * indent + line for line in body.splitlines())


def policy_doc_block(name, stmts):
    """A data.aws_iam_policy_document with the statements (dicts in IAM JSON shape)."""
    out = [f'data "aws_iam_policy_document" "{name}" {{']
    for s in stmts:
        out.append("  statement {")
        if "Sid" in s:
            out.append(f"    sid       = {q(s['Sid'])}")
        out.append(f"    effect    = {q(s['Effect'])}")
        acts = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        out.append(f"    actions   = {hcl_value(acts, 2)}")
        if "Resource" in s:
            res = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
            out.append(f"    resources = {hcl_value(res, 2)}")
        p = s.get("Principal")
        if p is not None:
            if p == "*":
                typ, ids = "*", ["*"]
            else:
                typ, ids = next(iter(p.items()))
                ids = ids if isinstance(ids, list) else [ids]
            out += ["    principals {", f"      type        = {q(typ)}", f"      identifiers = {hcl_value(ids, 3)}",
                    "    }"]
        for op, kv in (s.get("Condition") or {}).items():
            for k, v in kv.items():
                vals = v if isinstance(v, list) else [v]
                out += ["    condition {", f"      test     = {q(op)}", f"      variable = {q(k)}",
                        f"      values   = {hcl_value(vals, 3)}", "    }"]
        out.append("  }")
    out.append("}")
    return "\n".join(out)


def policy_expr(r, style, name, stmts, blocks):
    """The expression of a policy argument; data blocks it needs go to `blocks`."""
    doc = {"Version": "2012-10-17", "Statement": stmts}
    if style == "jsonencode":
        return "jsonencode(" + hcl_value(doc, 1) + ")"
    if style == "document":
        blocks.append(policy_doc_block(name, stmts))
        return f"data.aws_iam_policy_document.{name}.json"
    return "<<EOF\n" + json_text(doc, 0) + "\nEOF"


def bucket_statements(r, arn):
    kinds = r.sample(["tls", "public-read", "cross-account", "s3-star", "deny-delete", "vpce", "role-read"],
                     r.randint(1, 3))
    stmts = []
    objs = "@@\"${" + arn + "}/*\""
    for k in kinds:
        if k == "tls":
            stmts.append({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                          "Resource": ["@@" + arn, objs],
                          "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
        elif k == "public-read":
            stmts.append({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                          "Resource": objs})
        elif k == "cross-account":
            stmts.append({"Sid": "Partner", "Effect": "Allow",
                          "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                          "Action": r.choice([["s3:GetObject", "s3:PutObject"], "s3:*", ["s3:DeleteObject"]]),
                          "Resource": objs})
        elif k == "s3-star":
            stmts.append({"Sid": "Admin", "Effect": "Allow",
                          "Principal": {"AWS": "@@aws_iam_role.app.arn"}, "Action": "s3:*",
                          "Resource": ["@@" + arn, objs]})
        elif k == "deny-delete":
            stmts.append({"Sid": "DenyDelete", "Effect": "Deny", "Principal": "*",
                          "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"], "Resource": objs})
        elif k == "vpce":
            stmts.append({"Sid": "OnlyVpce", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                          "Resource": ["@@" + arn, objs],
                          "Condition": {"StringNotEquals": {"aws:SourceVpce": "@@var.vpce_id"}}})
        else:
            stmts.append({"Sid": "AppRead", "Effect": "Allow", "Principal": {"AWS": "@@aws_iam_role.app.arn"},
                          "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["@@" + arn, objs]})
    return stmts


def gen_variables(r, i):
    n_extra = r.randint(1, 3)
    buckets = {f"b{j}": {"versioning": r.choice(["Enabled", "Suspended"]), "days": r.choice([30, 90, 365])}
               for j in range(n_extra)}
    lines = [
        'variable "environment" {', "  type    = string", f"  default = {q(r.choice(['dev', 'staging', 'prod']))}",
        "}", "",
        'variable "project" {', "  type    = string", f'  default = "proj{i:04d}"', "}", "",
        'variable "retention_days" {', "  type    = number", f"  default = {r.choice([7, 30, 90, 365])}", "}", "",
        'variable "enable_replicas" {', "  type    = bool", f"  default = {'true' if r.random() < 0.5 else 'false'}",
        "}", "",
        'variable "replica_count" {', "  type    = number", f"  default = {r.randint(1, 3)}", "}", "",
        'variable "vpce_id" {', "  type    = string", f'  default = "vpce-{i:08x}"', "}", "",
        'variable "extra_buckets" {', "  type = map(object({", "    versioning = string", "    days       = number",
        "  }))", "  default = {",
    ]
    for k, v in buckets.items():
        lines.append(f'    {k} = {{ versioning = "{v["versioning"]}", days = {v["days"]} }}')
    lines += ["  }", "}", "",
              "locals {",
              '  name_prefix = "${var.project}-${var.environment}"',
              '  data_bucket = "${local.name_prefix}-data"',
              "  common_tags = {",
              "    project     = var.project",
              "    environment = var.environment",
              f'    classification = {q(r.choice(["internal", "confidential", "pii", "public"]))}',
              "  }",
              "  log_prefix = \"s3/${var.environment}/\"",
              "}", ""]
    return "\n".join(lines)


def split_bucket(r, i, out):
    out += ['resource "aws_s3_bucket" "data" {', "  bucket = local.data_bucket", "  tags   = local.common_tags",
            f"  object_lock_enabled = {'true' if r.random() < 0.15 else 'false'}", "}", ""]
    if r.random() < 0.75:
        out += ['resource "aws_s3_bucket_versioning" "data" {', "  bucket = aws_s3_bucket.data.id",
                "  versioning_configuration {", f"    status = {q(r.choice(['Enabled', 'Enabled', 'Suspended']))}",
                "  }", "}", ""]
    enc = r.choice(["none", "aes256", "kms", "kms", "kms-aws"])
    if enc != "none":
        out += ['resource "aws_s3_bucket_server_side_encryption_configuration" "data" {',
                "  bucket = aws_s3_bucket.data.id", "  rule {", "    apply_server_side_encryption_by_default {",
                f"      sse_algorithm = {q('AES256' if enc == 'aes256' else 'aws:kms')}"]
        if enc == "kms":
            out.append("      kms_master_key_id = aws_kms_key.data.arn")
        out += ["    }", f"    bucket_key_enabled = {'true' if r.random() < 0.7 else 'false'}", "  }", "}", ""]
    if r.random() < 0.6:
        out += ['resource "aws_s3_bucket_logging" "data" {', "  bucket        = aws_s3_bucket.data.id",
                "  target_bucket = aws_s3_bucket.logs.id", "  target_prefix = local.log_prefix", "}", ""]
    bpa = r.choice(["none", "all", "all", "some"])
    if bpa != "none":
        out += ['resource "aws_s3_bucket_public_access_block" "data" {', "  bucket = aws_s3_bucket.data.id"]
        for n in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
            v = True if bpa == "all" else r.choice([True, False])
            out.append(f"  {n} = {'true' if v else 'false'}")
        out += ["}", ""]
    own = r.choice(["none", "BucketOwnerEnforced", "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"])
    if own != "none":
        out += ['resource "aws_s3_bucket_ownership_controls" "data" {', "  bucket = aws_s3_bucket.data.id",
                "  rule {", f"    object_ownership = {q(own)}", "  }", "}", ""]
        if own != "BucketOwnerEnforced" and r.random() < 0.4:
            out += ['resource "aws_s3_bucket_acl" "data" {', "  bucket = aws_s3_bucket.data.id",
                    f"  acl    = {q(r.choice(['private', 'public-read', 'log-delivery-write']))}",
                    "  depends_on = [aws_s3_bucket_ownership_controls.data]", "}", ""]
    if r.random() < 0.6:
        out += ['resource "aws_s3_bucket_lifecycle_configuration" "data" {', "  bucket = aws_s3_bucket.data.id"]
        for kind in r.sample(["expire", "noncurrent", "abort", "tiering"], r.randint(1, 3)):
            out += ["  rule {", f'    id     = "{kind}"', '    status = "Enabled"', "    filter {",
                    '      prefix = ""', "    }"]
            if kind == "expire":
                out += ["    expiration {", "      days = var.retention_days", "    }"]
            elif kind == "noncurrent":
                out += ["    noncurrent_version_expiration {", "      noncurrent_days = 30", "    }"]
            elif kind == "abort":
                out += ["    abort_incomplete_multipart_upload {", "      days_after_initiation = 7", "    }"]
            else:
                out += ["    transition {", "      days          = 0",
                        '      storage_class = "INTELLIGENT_TIERING"', "    }"]
            out.append("  }")
        out += ["}", ""]
    if r.random() < 0.5:
        out += ['resource "aws_s3_bucket_notification" "data" {', "  bucket = aws_s3_bucket.data.id",
                "  topic {", "    topic_arn = aws_sns_topic.events.arn",
                f"    events    = [{q(r.choice(['s3:ObjectCreated:*', 's3:ObjectRemoved:*']))}]", "  }", "}", ""]


def inline_bucket(r, i, out):
    out += ['resource "aws_s3_bucket" "data" {', "  bucket = local.data_bucket",
            f"  acl    = {q(r.choice(['private', 'private', 'public-read', 'log-delivery-write']))}",
            "  tags   = merge(local.common_tags, { inline = \"v3\" })", ""]
    if r.random() < 0.75:
        out += ["  versioning {", f"    enabled = {'true' if r.random() < 0.7 else 'false'}", "  }", ""]
    if r.random() < 0.7:
        kms = r.random() < 0.6
        out += ["  server_side_encryption_configuration {", "    rule {",
                "      apply_server_side_encryption_by_default {",
                f"        sse_algorithm = {q('aws:kms' if kms else 'AES256')}"]
        if kms:
            out.append("        kms_master_key_id = aws_kms_key.data.arn")
        out += ["      }", "    }", "  }", ""]
    if r.random() < 0.6:
        out += ["  logging {", "    target_bucket = aws_s3_bucket.logs.id", "    target_prefix = local.log_prefix",
                "  }", ""]
    if r.random() < 0.6:
        out += ["  lifecycle_rule {", '    id      = "expire"', "    enabled = true",
                "    expiration {", "      days = var.retention_days", "    }"]
        if r.random() < 0.5:
            out += ["    abort_incomplete_multipart_upload_days = 7"]
        out += ["  }", ""]
    if r.random() < 0.2:
        out += ["  website {", '    index_document = "index.html"', "  }", ""]
    out += ["}", ""]


def gen_main(r, i, use_module):
    out = []
    (split_bucket if r.random() < 0.55 else inline_bucket)(r, i, out)
    out += ['resource "aws_s3_bucket" "logs" {', '  bucket = "${local.name_prefix}-logs"', "}", "",
            'resource "aws_s3_bucket_ownership_controls" "logs" {', "  bucket = aws_s3_bucket.logs.id",
            "  rule {", '    object_ownership = "BucketOwnerEnforced"', "  }", "}", ""]
    # extra buckets: for_each over a map variable, or count
    if r.random() < 0.5:
        out += ['resource "aws_s3_bucket" "extra" {', "  for_each = var.extra_buckets",
                '  bucket   = "${local.name_prefix}-${each.key}"', "  tags     = local.common_tags", "}", "",
                'resource "aws_s3_bucket_versioning" "extra" {', "  for_each = var.extra_buckets",
                "  bucket   = aws_s3_bucket.extra[each.key].id", "  versioning_configuration {",
                "    status = each.value.versioning", "  }", "}", ""]
    else:
        out += ['resource "aws_s3_bucket" "replica" {', "  count  = var.enable_replicas ? var.replica_count : 0",
                '  bucket = "${local.name_prefix}-replica-${count.index}"', "}", "",
                'resource "aws_s3_bucket_server_side_encryption_configuration" "replica" {',
                "  count  = var.enable_replicas ? var.replica_count : 0",
                "  bucket = aws_s3_bucket.replica[count.index].id", "  rule {",
                "    apply_server_side_encryption_by_default {", '      sse_algorithm     = "aws:kms"',
                "      kms_master_key_id = aws_kms_key.data.arn", "    }", "  }", "}", ""]
    if use_module:
        out += ['module "archive" {', '  source      = "../../modules/secure-bucket"',
                '  name        = "${local.name_prefix}-archive"',
                f"  versioning  = {'true' if r.random() < 0.8 else 'false'}",
                "  kms_key_arn = " + ("aws_kms_key.data.arn" if r.random() < 0.5 else "null"),
                "  tags        = local.common_tags", "}", ""]
    return "\n".join(out)


def gen_policy(r, i):
    blocks = []
    style = r.choice(["jsonencode", "document", "heredoc"])
    stmts = bucket_statements(r, "aws_s3_bucket.data.arn")
    expr = policy_expr(r, style, "data_bucket", stmts, blocks)
    out = ['resource "aws_s3_bucket_policy" "data" {', "  bucket = aws_s3_bucket.data.id", f"  policy = {expr}", "}",
           ""]
    return "\n\n".join(blocks + ["\n".join(out)])


def gen_iam(r, i):
    blocks = []
    out = []
    trust = r.choice(["service", "account", "account-extid"])
    if trust == "service":
        tstmt = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    else:
        tstmt = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                 "Action": "sts:AssumeRole"}
        if trust == "account-extid":
            tstmt["Condition"] = {"StringEquals": {"sts:ExternalId": f"ext-{i:04d}"}}
    tstyle = r.choice(["jsonencode", "document", "heredoc"])
    texpr = policy_expr(r, tstyle, "trust", [tstmt], blocks)
    out += ['resource "aws_iam_role" "app" {', '  name               = "${local.name_prefix}-app"',
            f"  assume_role_policy = {texpr}", "}", ""]
    breadth = r.choice(["narrow", "bucket-star", "s3-star", "star"])
    act = {"narrow": ["s3:GetObject", "s3:PutObject"], "bucket-star": ["s3:*"], "s3-star": ["s3:*"],
           "star": ["*"]}[breadth]
    res = ["@@\"${aws_s3_bucket.data.arn}/*\""] if breadth in ("narrow", "bucket-star") else ["*"]
    pstmt = [{"Sid": "Data", "Effect": "Allow", "Action": act, "Resource": res}]
    if r.random() < 0.3:
        pstmt.append({"Sid": "Delete", "Effect": "Allow", "Action": ["s3:DeleteObject"],
                      "Resource": ["@@\"${aws_s3_bucket.data.arn}/*\""]})
    pstyle = r.choice(["jsonencode", "document", "heredoc"])
    pexpr = policy_expr(r, pstyle, "app", pstmt, blocks)
    if r.random() < 0.5:
        out += ['resource "aws_iam_role_policy" "app" {', '  name   = "data"', "  role   = aws_iam_role.app.id",
                f"  policy = {pexpr}", "}", ""]
    else:
        out += ['resource "aws_iam_policy" "app" {', '  name   = "${local.name_prefix}-data"', f"  policy = {pexpr}",
                "}", "", 'resource "aws_iam_role_policy_attachment" "app" {', "  role       = aws_iam_role.app.name",
                "  policy_arn = aws_iam_policy.app.arn", "}", ""]
    rot = r.choice(["on", "off", "unset"])
    out += ['resource "aws_kms_key" "data" {', '  description = "data key"', "  deletion_window_in_days = 10"]
    if rot != "unset":
        out.append(f"  enable_key_rotation = {'true' if rot == 'on' else 'false'}")
    if r.random() < 0.5:
        kstmt = [{"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "@@\"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root\""},
                  "Action": "kms:*", "Resource": "*"}]
        if r.random() < 0.3:
            kstmt.append({"Sid": "Everyone", "Effect": "Allow", "Principal": {"AWS": "*"},
                          "Action": ["kms:Decrypt"], "Resource": "*"})
        out.append("  policy = " + policy_expr(r, "jsonencode", "key", kstmt, blocks))
    out += ["}", "", 'data "aws_caller_identity" "current" {}', ""]
    out += ['resource "aws_cloudtrail" "main" {', '  name           = "${local.name_prefix}-trail"',
            "  s3_bucket_name = aws_s3_bucket.logs.id",
            f"  enable_log_file_validation = {'true' if r.random() < 0.6 else 'false'}",
            f"  is_multi_region_trail      = {'true' if r.random() < 0.6 else 'false'}"]
    if r.random() < 0.5:
        out.append("  kms_key_id = aws_kms_key.data.arn")
    if r.random() < 0.5:
        out += ["  event_selector {", '    read_write_type           = "All"',
                "    include_management_events = true", "    data_resource {", '      type   = "AWS::S3::Object"',
                '      values = ["${aws_s3_bucket.data.arn}/"]', "    }", "  }"]
    out += ["}", "", 'resource "aws_sns_topic" "events" {', '  name = "${local.name_prefix}-events"', "}", ""]
    return "\n\n".join(blocks + ["\n".join(out)])


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text if text.endswith("\n") else text + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", nargs="?", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "out",
                                                          "tf-corpus"))
    ap.add_argument("--stacks", type=int, default=250)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    mod = os.path.join(a.out, "modules", "secure-bucket")
    write(os.path.join(mod, "main.tf"), MODULE_MAIN)
    write(os.path.join(mod, "variables.tf"), MODULE_VARIABLES)
    write(os.path.join(mod, "outputs.tf"), MODULE_OUTPUTS)
    for i in range(a.stacks):
        r = random.Random(f"{a.seed}:{i}")
        d = os.path.join(a.out, "stacks", f"stack-{i:04d}")
        use_module = r.random() < 0.35
        write(os.path.join(d, "variables.tf"), gen_variables(r, i))
        write(os.path.join(d, "main.tf"), gen_main(r, i, use_module))
        write(os.path.join(d, "policy.tf"), gen_policy(r, i))
        write(os.path.join(d, "iam.tf"), gen_iam(r, i))
    print(f"gen_tf_corpus.py: {a.stacks * 4 + 3} files in {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
