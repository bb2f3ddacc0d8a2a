use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

use super::lifecycle_rules::{enabled, label};

pub static CHECK: Check = Check {
    id: "CHK-S3-009",
    title: "Bucket has no lifecycle configuration",
    category: Category::Operational,
    severity: Severity::Low,
    controls: &["C-S3-054", "C-S3-055"],
    proves: &[],
    security_hub: &["S3.13"],
    doc: "## What it does\nFails buckets without `LifecycleConfiguration`, with an empty rule list, or whose rules are all `Disabled`; passes when at least one rule is `Enabled`. What the rules do is left to CHK-S3-010 (noncurrent versions), CHK-S3-011 (incomplete multipart uploads) and CHK-S3-022 (expiry of personal data).\n\n## Why is this bad?\nWithout lifecycle rules S3 keeps every object, every noncurrent version and every part of an abandoned multipart upload until someone deletes it: storage and cost grow without bound, and data is kept past any retention commitment. A `Disabled` rule does nothing.\n\n## Example\n```yaml\nData:\n  Type: AWS::S3::Bucket\n  Properties:\n    VersioningConfiguration:\n      Status: Enabled\n```\n\n## Remediation\nAdd a `LifecycleConfiguration` with at least one `Enabled` rule: abort incomplete multipart uploads after a few days, expire noncurrent versions after the recovery window, and expire or transition current objects as the data's retention requires.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-lifecycleconfiguration.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-13",
    recommendation: "Add an enabled lifecycle rule that aborts incomplete multipart uploads and expires noncurrent versions (and current objects where retention allows).",
    fix: "LifecycleConfiguration:\n  Rules:\n    - Id: housekeeping\n      Status: Enabled\n      AbortIncompleteMultipartUpload:\n        DaysAfterInitiation: 7\n      NoncurrentVersionExpiration:\n        NoncurrentDays: 90",
    cdk: Some(CdkFix {
        typescript: r#"const bucket = new s3.Bucket(this, 'Data', {
  lifecycleRules: [
    {
      id: 'housekeeping',
      abortIncompleteMultipartUploadAfter: cdk.Duration.days(7),
      noncurrentVersionExpiration: cdk.Duration.days(90),
    },
  ],
});"#,
        python: r#"bucket = s3.Bucket(
    self,
    "Data",
    lifecycle_rules=[
        s3.LifecycleRule(
            id="housekeeping",
            abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
            noncurrent_version_expiration=cdk.Duration.days(90),
        )
    ],
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_bucket_lifecycle_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    id     = "housekeeping"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let path = "LifecycleConfiguration.Rules";
        let rules = match &bucket.lifecycle {
            Value::Absent => {
                out.fail(o, None, "LifecycleConfiguration", "no `LifecycleConfiguration`: no lifecycle rules, so objects, noncurrent versions and parts of abandoned multipart uploads stay until someone deletes them");
                continue;
            }
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), path, reason);
                continue;
            }
            Value::Known { value, span } => (value, *span),
        };
        let (rules, span) = rules;
        if rules.is_empty() {
            out.fail(
                o,
                Some(span),
                path,
                "`LifecycleConfiguration.Rules` is empty: no lifecycle rule applies",
            );
            continue;
        }
        let mut on = Vec::new();
        let mut undecided = None;
        for (i, rule) in rules.iter().enumerate() {
            match enabled(rule) {
                Ok(true) => on.push(label(rule, i)),
                Ok(false) => {}
                Err(e) => {
                    undecided.get_or_insert(e);
                }
            }
        }
        if !on.is_empty() {
            let first = rules
                .iter()
                .find(|r| enabled(r) == Ok(true))
                .map(|r| r.span);
            out.pass(
                o,
                first,
                path,
                format!("enabled lifecycle rules: {}", on.join(", ")),
            );
        } else if let Some((reason, at)) = undecided {
            out.unknown(o, Some(at), &format!("{path}[].Status"), reason);
        } else {
            out.fail(
                o,
                Some(rules[0].span),
                path,
                format!(
                    "every lifecycle rule is `Disabled` ({}): a disabled rule does nothing",
                    rules
                        .iter()
                        .enumerate()
                        .map(|(i, r)| label(r, i))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
}
