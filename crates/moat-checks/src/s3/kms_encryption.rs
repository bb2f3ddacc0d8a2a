use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub(crate) const CDK: CdkFix = CdkFix {
    typescript: r#"const key = new kms.Key(this, 'DataKey', { enableKeyRotation: true });
const bucket = new s3.Bucket(this, 'Data', {
  encryption: s3.BucketEncryption.KMS,
  encryptionKey: key,
  bucketKeyEnabled: true,
});"#,
    python: r#"key = kms.Key(self, "DataKey", enable_key_rotation=True)
bucket = s3.Bucket(
    self,
    "Data",
    encryption=s3.BucketEncryption.KMS,
    encryption_key=key,
    bucket_key_enabled=True,
)"#,
};

pub static CHECK: Check = Check {
    id: "CHK-S3-002",
    title: "Default encryption is not SSE-KMS with a customer managed key",
    category: Category::ImplementationFlaw,
    severity: Severity::Medium,
    controls: &["C-S3-031"],
    proves: &["C-S3-031"],
    security_hub: &["S3.17"],
    doc: "## What it does\nFails buckets whose default encryption is SSE-S3 (`AES256`, also what a bucket without `BucketEncryption` gets since 5 January 2023), and reports SSE-KMS with the AWS managed key `aws/s3` as partial.\n\n## Why is this bad?\nEvery object is encrypted either way; the difference is who can decrypt. With SSE-S3 anyone with `s3:GetObject` reads the data. With a customer managed KMS key, reading also needs `kms:Decrypt` under a key policy you control, key use is logged in CloudTrail, and access can be cut off by disabling the key. The AWS managed key's policy cannot be changed or shared across accounts.\n\n## Example\n```yaml\nBucketEncryption:\n  ServerSideEncryptionConfiguration:\n    - ServerSideEncryptionByDefault:\n        SSEAlgorithm: AES256\n```\n\n## Remediation\nUse `SSEAlgorithm: aws:kms` with `KMSMasterKeyID` set to a customer managed key, and `BucketKeyEnabled: true`.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-17",
    recommendation: "Encrypt by default with SSE-KMS under a customer managed key, with S3 Bucket Keys on.",
    fix: "BucketEncryption:\n  ServerSideEncryptionConfiguration:\n    - ServerSideEncryptionByDefault:\n        SSEAlgorithm: aws:kms\n        KMSMasterKeyID: !GetAtt DataKey.Arn\n      BucketKeyEnabled: true",
    cdk: Some(CDK),
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
        let enc = match &bucket.encryption {
            Value::Absent => {
                out.fail(o, None, "BucketEncryption", "no `BucketEncryption`: objects get SSE-S3 (AES256) by default, which any principal with s3:GetObject can read; no customer managed key guards them");
                continue;
            }
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), "BucketEncryption", reason);
                continue;
            }
            Value::Known { value, .. } => value,
        };
        let path = "BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm";
        match &enc.algorithm {
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Absent => out.fail(o, bucket.encryption.span(), path, "the encryption rule names no algorithm"),
            Value::Known { value, span } if value == "AES256" => out.fail(o, Some(*span), path, "SSE-S3 (AES256): any principal with s3:GetObject can read the data; no customer managed key guards it"),
            Value::Known { value, span } => match &enc.kms_key {
                Value::Absent => out.partial(o, Some(*span), path, format!("`{value}` with the AWS managed key `aws/s3`, whose key policy cannot be changed or shared across accounts")),
                Value::Unknown { reason, span } => out.unknown(o, Some(*span), "BucketEncryption...KMSMasterKeyID", reason),
                Value::Known { value: key, span } if key.contains("alias/aws/s3") => out.partial(o, Some(*span), "BucketEncryption...KMSMasterKeyID", "the AWS managed key `aws/s3`, whose key policy cannot be changed or shared across accounts"),
                Value::Known { value: key, span } => out.pass(o, Some(*span), "BucketEncryption...KMSMasterKeyID", format!("`{value}` with key `{key}`")),
            },
        }
    }
}
