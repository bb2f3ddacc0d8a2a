use crate::check::{Category, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-029",
    title: "Object Lock is enabled without a default retention",
    category: Category::PolicyWeakness,
    severity: Severity::Medium,
    controls: &["C-S3-045"],
    proves: &["C-S3-045"],
    security_hub: &[],
    doc: "## What it does\nFails buckets with `ObjectLockEnabled: true` and no `ObjectLockConfiguration.Rule.DefaultRetention`. Buckets without Object Lock are not applicable (CHK-S3-014 reports them).\n\n## Why is this bad?\nObject Lock without a default retention protects nothing by itself: a new object version is locked only when the upload sets a retention period or legal hold. Every writer that does not send those headers leaves versions that can be deleted like in any versioned bucket, while Object Lock can no longer be turned off.\n\n## Example\n```yaml\nObjectLockEnabled: true\nVersioningConfiguration:\n  Status: Enabled\n```\n\n## Remediation\nAdd `ObjectLockConfiguration` with `ObjectLockEnabled: Enabled` and a `DefaultRetention` (`COMPLIANCE` for fixed retention duties, `GOVERNANCE` where a tightly held role must be able to intervene) and a period chosen deliberately: compliance retention cannot be shortened.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-defaultretention.html",
    recommendation: "Give Object Lock buckets a default retention so every new version is locked.",
    fix: "ObjectLockConfiguration:\n  ObjectLockEnabled: Enabled\n  Rule:\n    DefaultRetention:\n      Mode: COMPLIANCE\n      Days: 30",
    cdk: Some(super::object_lock::CDK),
    terraform: Some(
        r#"resource "aws_s3_bucket_object_lock_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = 30
    }
  }
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let path = "ObjectLockConfiguration.Rule.DefaultRetention";
        let lock_span = match &bucket.object_lock {
            Value::Known { value: true, span } => *span,
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), "ObjectLockEnabled", reason);
                continue;
            }
            _ => {
                out.not_applicable(o, "ObjectLockEnabled", "Object Lock is off");
                continue;
            }
        };
        match &bucket.object_lock_retention {
            Value::Absent => out.fail(o, Some(lock_span), path, "Object Lock is enabled without a default retention: a new version is locked only when its upload sets a retention period or legal hold"),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value, span } => out.pass(o, Some(*span), path, format!("default retention `{value}`")),
        }
    }
}
