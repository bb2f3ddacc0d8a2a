use crate::check::{Category, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-027",
    title: "SSE-KMS without an S3 Bucket Key",
    category: Category::Cost,
    severity: Severity::Low,
    controls: &["C-S3-032"],
    proves: &["C-S3-032"],
    security_hub: &[],
    doc: "## What it does\nFails buckets whose default encryption is SSE-KMS (`aws:kms`) and whose rule leaves `BucketKeyEnabled` absent (off) or `false`. Buckets on SSE-S3 make no KMS requests, and DSSE-KMS (`aws:kms:dsse`) does not support Bucket Keys; both are not applicable.\n\n## Why is this bad?\nWithout a Bucket Key, S3 calls KMS for every object it encrypts or decrypts. Busy buckets then pay for millions of KMS requests and can exhaust the account's shared KMS request quota, which throttles every other use of KMS in the Region. A Bucket Key lets S3 derive object keys from a short-lived bucket-level key, which AWS documents as cutting KMS request costs by up to 99 percent.\n\n## Example\n```yaml\nBucketEncryption:\n  ServerSideEncryptionConfiguration:\n    - ServerSideEncryptionByDefault:\n        SSEAlgorithm: aws:kms\n        KMSMasterKeyID: !GetAtt DataKey.Arn\n```\n\n## Remediation\nSet `BucketKeyEnabled: true` in the encryption rule. CloudTrail then shows fewer KMS events, and the encryption context is the bucket ARN rather than the object ARN: adjust key policy conditions on `kms:EncryptionContext:aws:s3:arn` accordingly.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-serversideencryptionrule.html",
    recommendation: "Turn on S3 Bucket Keys for SSE-KMS buckets.",
    fix: "BucketEncryption:\n  ServerSideEncryptionConfiguration:\n    - ServerSideEncryptionByDefault:\n        SSEAlgorithm: aws:kms\n        KMSMasterKeyID: !GetAtt DataKey.Arn\n      BucketKeyEnabled: true",
    cdk: Some(super::kms_encryption::CDK),
    terraform: Some(
        r#"resource "aws_kms_key" "data" {
  description         = "default encryption of the data bucket"
  enable_key_rotation = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
    bucket_key_enabled = true
  }
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let path = "BucketEncryption.ServerSideEncryptionConfiguration[0].BucketKeyEnabled";
        let enc = match &bucket.encryption {
            Value::Absent => {
                out.not_applicable(o, "BucketEncryption", "SSE-S3 by default: no KMS requests");
                continue;
            }
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), "BucketEncryption", reason);
                continue;
            }
            Value::Known { value, span } => (value, *span),
        };
        let (enc, enc_span) = enc;
        match &enc.algorithm {
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), "BucketEncryption...SSEAlgorithm", reason),
            Value::Known { value, .. } if value == "aws:kms" => match &enc.bucket_key {
                Value::Known { value: true, span } => out.pass(o, Some(*span), path, "SSE-KMS with an S3 Bucket Key"),
                Value::Known { value: false, span } => out.fail(o, Some(*span), path, "`BucketKeyEnabled` is `false`: S3 calls KMS for every object it encrypts or decrypts"),
                Value::Absent => out.fail(o, Some(enc_span), path, "SSE-KMS without `BucketKeyEnabled` (off by default): S3 calls KMS for every object it encrypts or decrypts"),
                Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            },
            Value::Known { value, .. } if value == "aws:kms:dsse" => out.not_applicable(o, "BucketEncryption", "DSSE-KMS does not support S3 Bucket Keys"),
            _ => out.not_applicable(o, "BucketEncryption", "not SSE-KMS: no KMS requests"),
        }
    }
}
