use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub(crate) const CDK: CdkFix = CdkFix {
    typescript: r#"const bucket = new s3.Bucket(this, 'Data', {
  versioned: true,
  objectLockEnabled: true,
  objectLockDefaultRetention: s3.ObjectLockRetention.compliance(cdk.Duration.days(30)),
});"#,
    python: r#"bucket = s3.Bucket(
    self,
    "Data",
    versioned=True,
    object_lock_enabled=True,
    object_lock_default_retention=s3.ObjectLockRetention.compliance(
        cdk.Duration.days(30)
    ),
)"#,
};

pub static CHECK: Check = Check {
    id: "CHK-S3-014",
    title: "Object Lock is not enabled",
    category: Category::PolicyWeakness,
    severity: Severity::Low,
    controls: &["C-S3-045"],
    proves: &[],
    security_hub: &["S3.15"],
    doc: "## What it does\nFails buckets whose `ObjectLockEnabled` is absent (Object Lock is off by default) or `false`. Whether a default retention period is set is CHK-S3-029.\n\n## Why is this bad?\nWithout Object Lock, any principal that may call `s3:DeleteObjectVersion` (or change the lifecycle configuration) can destroy every version of an object, whatever versioning keeps. Object Lock in compliance mode makes locked versions undeletable until their retention date, even for the root user, which is what backups, audit logs and records need.\n\n## Example\n```yaml\nBackups:\n  Type: AWS::S3::Bucket\n  Properties:\n    VersioningConfiguration:\n      Status: Enabled\n```\n\n## Remediation\nSet `ObjectLockEnabled: true` with an `ObjectLockConfiguration` default retention on buckets whose versions must survive a compromised administrator. Object Lock needs versioning, and neither can be turned off afterwards; locked versions are billed until their retention ends.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-objectlockconfiguration.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-15",
    recommendation: "Enable Object Lock with a default retention on buckets that hold backups, logs or records.",
    fix: "ObjectLockEnabled: true\nObjectLockConfiguration:\n  ObjectLockEnabled: Enabled\n  Rule:\n    DefaultRetention:\n      Mode: COMPLIANCE\n      Days: 30\nVersioningConfiguration:\n  Status: Enabled",
    cdk: Some(CDK),
    terraform: Some(
        r#"resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

# turns Object Lock on (also for an existing bucket, once versioning is on);
# it cannot be turned off again
resource "aws_s3_bucket_object_lock_configuration" "data" {
  bucket              = aws_s3_bucket.data.id
  object_lock_enabled = "Enabled"
  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = 30
    }
  }
  depends_on = [aws_s3_bucket_versioning.data]
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let path = "ObjectLockEnabled";
        match &bucket.object_lock {
            Value::Absent => out.fail(o, None, path, "`ObjectLockEnabled` is not set, so Object Lock is off: a principal allowed to delete versions can remove every copy of an object"),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value: true, span } => out.pass(o, Some(*span), path, "Object Lock is enabled"),
            Value::Known { value: false, span } => out.fail(o, Some(*span), path, "`ObjectLockEnabled` is `false`: a principal allowed to delete versions can remove every copy of an object"),
        }
    }
}
