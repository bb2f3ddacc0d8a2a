use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

use super::classification;
use super::lifecycle_rules::{Coverage, coverage, versioned};

pub static CHECK: Check = Check {
    id: "CHK-S3-022",
    title: "Personal data is kept without expiry",
    category: Category::Compliance,
    severity: Severity::Medium,
    controls: &[],
    proves: &[],
    security_hub: &[],
    doc: "## What it does\nFor buckets whose data-classification tag (see CHK-S3-021 for the keys that count) marks personal data, fails when no `Enabled` lifecycle rule expires current objects (`ExpirationInDays` or `ExpirationDate`), reports partial when only rules with a filter do, or when the bucket keeps versions and nothing expires the noncurrent versions an expiration leaves behind. A value marks personal data when one of its words, ignoring case, is `pii`, `spi`, `phi`, `personal`, `personaldata` or `gdpr` (`PII`, `personal-data`, `confidential-pii`). Other buckets are not applicable.\n\n## Why is this bad?\nPrivacy law (GDPR's storage limitation principle, and its equivalents) requires personal data to be kept no longer than its purpose needs. Without an expiration rule it stays until someone remembers to delete it. In a versioned bucket an expiration only adds a delete marker: the data stays readable in the noncurrent version until `NoncurrentVersionExpiration` removes it.\n\n## Example\n```yaml\nTags:\n  - Key: DataClassification\n    Value: pii\n# and no LifecycleConfiguration\n```\n\n## Remediation\nAdd an enabled rule that expires objects after the retention period the data's purpose justifies, and, in a versioned bucket, expire noncurrent versions soon after.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html\n- https://gdpr-info.eu/art-5-gdpr/",
    recommendation: "Expire personal data (and its noncurrent versions) after the retention period its purpose justifies.",
    fix: "LifecycleConfiguration:\n  Rules:\n    - Id: personal-data-retention\n      Status: Enabled\n      ExpirationInDays: 365\n      NoncurrentVersionExpiration:\n        NoncurrentDays: 30",
    cdk: Some(CdkFix {
        typescript: r#"const bucket = new s3.Bucket(this, 'Data', {
  lifecycleRules: [
    {
      id: 'personal-data-retention',
      expiration: cdk.Duration.days(365),
      noncurrentVersionExpiration: cdk.Duration.days(30),
    },
  ],
});"#,
        python: r#"bucket = s3.Bucket(
    self,
    "Data",
    lifecycle_rules=[
        s3.LifecycleRule(
            id="personal-data-retention",
            expiration=cdk.Duration.days(365),
            noncurrent_version_expiration=cdk.Duration.days(30),
        )
    ],
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_bucket_lifecycle_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    id     = "personal-data-retention"
    status = "Enabled"
    filter {}
    expiration {
      days = 365
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        if let Value::Unknown { reason, span } = &bucket.tags {
            out.unknown(o, Some(*span), "Tags", reason);
            continue;
        }
        let Some(tag) = classification::tag(bucket) else {
            out.not_applicable(
                o,
                "Tags",
                "no data-classification tag marks the bucket as holding personal data",
            );
            continue;
        };
        let class = match &tag.value {
            Value::Known { value, .. } if classification::is_personal(value) => value.clone(),
            Value::Known { value, .. } => {
                out.not_applicable(
                    o,
                    "Tags",
                    format!("classified `{value}`, which does not mark personal data"),
                );
                continue;
            }
            Value::Unknown { reason, .. } => {
                out.unknown(
                    o,
                    Some(tag.span),
                    "Tags",
                    format!(
                        "the value of the classification tag `{}` is set at deployment: {reason}",
                        tag.key
                    ),
                );
                continue;
            }
            Value::Absent => {
                out.not_applicable(
                    o,
                    "Tags",
                    format!("the classification tag `{}` has no value", tag.key),
                );
                continue;
            }
        };
        let path = "LifecycleConfiguration.Rules";
        let (rules, span) = match &bucket.lifecycle {
            Value::Absent => {
                out.fail(o, Some(tag.span), "LifecycleConfiguration", format!("classified `{class}` but there is no `LifecycleConfiguration`: personal data is kept until someone deletes it"));
                continue;
            }
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), path, reason);
                continue;
            }
            Value::Known { value, span } => (value, *span),
        };
        match coverage(rules, |r| r.expiration) {
            Coverage::Whole { rule, span } => match versioned(bucket) {
                Err((reason, span)) => out.unknown(o, Some(span), "VersioningConfiguration.Status", reason),
                Ok(None) => out.pass(o, Some(span), path, format!("classified `{class}` and rule {rule} expires objects")),
                Ok(Some(why)) => match coverage(rules, |r| r.noncurrent_expiration) {
                    Coverage::Whole { rule: nc, .. } if nc == rule => out.pass(o, Some(span), path, format!("classified `{class}`; rule {rule} expires objects and their noncurrent versions")),
                    Coverage::Whole { rule: nc, .. } => out.pass(o, Some(span), path, format!("classified `{class}`; rule {rule} expires objects and rule {nc} their noncurrent versions")),
                    Coverage::Unknown { reason, span } => out.unknown(o, Some(span), path, reason),
                    _ => out.partial(o, Some(span), path, format!("classified `{class}` and rule {rule} expires objects, but {why}: an expiration only adds a delete marker, and the personal data stays in noncurrent versions that no enabled rule expires")),
                },
            },
            Coverage::Part { rules, span } => out.partial(o, Some(span), path, format!("classified `{class}` but only rules with a filter ({}) expire objects: personal data elsewhere in the bucket is kept until someone deletes it", rules.join(", "))),
            Coverage::Disabled { rule, span } => out.fail(o, Some(span), path, format!("classified `{class}`; rule {rule} would expire objects but is not `Enabled`, so personal data is kept until someone deletes it")),
            Coverage::Unknown { reason, span } => out.unknown(o, Some(span), path, reason),
            Coverage::None => out.fail(o, Some(span), path, format!("classified `{class}` but no lifecycle rule expires objects: personal data is kept until someone deletes it")),
        }
    }
}
