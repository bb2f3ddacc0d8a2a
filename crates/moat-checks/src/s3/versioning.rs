use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-005",
    title: "Versioning is not enabled",
    category: Category::ImplementationFlaw,
    severity: Severity::Medium,
    controls: &["C-S3-042"],
    proves: &["C-S3-042"],
    security_hub: &["S3.14"],
    doc: "## What it does\nFails buckets whose `VersioningConfiguration.Status` is absent or `Suspended`.\n\n## Why is this bad?\nWithout versioning, an overwrite or delete destroys the object: ransomware, a faulty job or a stolen credential leaves nothing to restore. Versioning is also required for replication and Object Lock.\n\n## Example\n```yaml\nVersioningConfiguration:\n  Status: Suspended\n```\n\n## Remediation\nSet `VersioningConfiguration.Status: Enabled`, with a lifecycle rule that expires noncurrent versions after the recovery window.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-14",
    recommendation: "Enable versioning, and expire noncurrent versions after the recovery window.",
    fix: "VersioningConfiguration:\n  Status: Enabled",
    cdk: Some(CdkFix {
        typescript: r#"const bucket = new s3.Bucket(this, 'Data', {
  versioned: true,
  // the recovery window: older versions go after it (CHK-S3-010)
  lifecycleRules: [{ noncurrentVersionExpiration: cdk.Duration.days(90) }],
});"#,
        python: r#"bucket = s3.Bucket(
    self,
    "Data",
    versioned=True,
    # the recovery window: older versions go after it (CHK-S3-010)
    lifecycle_rules=[
        s3.LifecycleRule(noncurrent_version_expiration=cdk.Duration.days(90))
    ],
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

# the recovery window: older versions go after it (CHK-S3-010)
resource "aws_s3_bucket_lifecycle_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    id     = "expire-noncurrent"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 90
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
        let path = "VersioningConfiguration.Status";
        match &bucket.versioning {
            Value::Absent => out.fail(
                o,
                None,
                path,
                "versioning is off: an overwrite or delete cannot be undone",
            ),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value, span } if value == "Enabled" => {
                out.pass(o, Some(*span), path, "versioning is enabled")
            }
            Value::Known { value, span } => out.fail(
                o,
                Some(*span),
                path,
                format!("versioning is `{value}`: new overwrites and deletes cannot be undone"),
            ),
        }
    }
}
