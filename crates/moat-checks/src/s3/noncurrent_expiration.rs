use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

use super::lifecycle_rules::{Coverage, coverage, versioned};

pub static CHECK: Check = Check {
    id: "CHK-S3-010",
    title: "Versioned bucket does not expire noncurrent versions",
    category: Category::Operational,
    severity: Severity::Low,
    controls: &["C-S3-055"],
    proves: &["C-S3-055"],
    security_hub: &["S3.10"],
    doc: "## What it does\nFor buckets that keep versions (versioning `Enabled` or `Suspended`, or Object Lock on), fails when no `Enabled` lifecycle rule has `NoncurrentVersionExpiration` (or the legacy `NoncurrentVersionExpirationInDays`), and reports partial when only rules with a prefix, tag or size filter have it. Buckets that never had versioning are not applicable. Security Hub S3.10 is satisfied by any lifecycle configuration on a versioned bucket; this check asks for the action that bounds the versions.\n\n## Why is this bad?\nIn a versioned bucket an overwrite or delete keeps the previous version as a noncurrent version, billed like any object, for ever unless a lifecycle rule expires it. Storage grows with every change, and data that should have been disposed of stays readable to anyone with `s3:GetObjectVersion`. Versioning `Suspended` stops new versions but keeps the old ones.\n\n## Example\n```yaml\nVersioningConfiguration:\n  Status: Enabled\nLifecycleConfiguration:\n  Rules:\n    - Status: Enabled\n      ExpirationInDays: 365\n```\n\n## Remediation\nAdd `NoncurrentVersionExpiration` with `NoncurrentDays` set to the recovery window (optionally `NewerNoncurrentVersions` to keep a few recent versions) to an enabled rule without a filter.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-noncurrentversionexpiration.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-10",
    recommendation: "Expire noncurrent versions after the recovery window with an enabled lifecycle rule that covers the whole bucket.",
    fix: "LifecycleConfiguration:\n  Rules:\n    - Id: expire-noncurrent\n      Status: Enabled\n      NoncurrentVersionExpiration:\n        NoncurrentDays: 90",
    cdk: Some(CdkFix {
        typescript: r#"const bucket = new s3.Bucket(this, 'Data', {
  versioned: true,
  lifecycleRules: [
    { id: 'expire-noncurrent', noncurrentVersionExpiration: cdk.Duration.days(90) },
  ],
});"#,
        python: r#"bucket = s3.Bucket(
    self,
    "Data",
    versioned=True,
    lifecycle_rules=[
        s3.LifecycleRule(
            id="expire-noncurrent",
            noncurrent_version_expiration=cdk.Duration.days(90),
        )
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
        let path = "LifecycleConfiguration.Rules";
        let why = match versioned(bucket) {
            Err((reason, span)) => {
                out.unknown(o, Some(span), "VersioningConfiguration.Status", reason);
                continue;
            }
            Ok(None) => {
                out.not_applicable(
                    o,
                    "VersioningConfiguration",
                    "versioning has never been on: the bucket keeps no noncurrent versions",
                );
                continue;
            }
            Ok(Some(why)) => why,
        };
        let (rules, span) = match &bucket.lifecycle {
            Value::Absent => {
                out.fail(o, None, "LifecycleConfiguration", format!("{why} and there is no `LifecycleConfiguration`: every overwritten or deleted object leaves a noncurrent version that is kept for ever"));
                continue;
            }
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), path, reason);
                continue;
            }
            Value::Known { value, span } => (value, *span),
        };
        match coverage(rules, |r| r.noncurrent_expiration) {
            Coverage::Whole { rule, span } => out.pass(o, Some(span), path, format!("rule {rule} expires noncurrent versions")),
            Coverage::Part { rules, span } => out.partial(o, Some(span), path, format!("only rules with a prefix, tag or size filter ({}) expire noncurrent versions: noncurrent versions of other objects are kept for ever", rules.join(", "))),
            Coverage::Disabled { rule, span } => out.fail(o, Some(span), path, format!("rule {rule} expires noncurrent versions but is not `Enabled`: a disabled rule does nothing, so noncurrent versions are kept for ever")),
            Coverage::Unknown { reason, span } => out.unknown(o, Some(span), path, reason),
            Coverage::None => out.fail(o, Some(span), path, format!("{why} and no lifecycle rule has `NoncurrentVersionExpiration`: noncurrent versions are kept for ever")),
        }
    }
}
