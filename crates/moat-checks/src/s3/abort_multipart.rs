use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

use super::lifecycle_rules::{Coverage, coverage};

pub static CHECK: Check = Check {
    id: "CHK-S3-011",
    title: "Lifecycle does not abort incomplete multipart uploads",
    category: Category::Operational,
    severity: Severity::Low,
    controls: &["C-S3-054"],
    proves: &["C-S3-054"],
    security_hub: &[],
    doc: "## What it does\nFails buckets where no `Enabled` lifecycle rule has `AbortIncompleteMultipartUpload`, and reports partial when only rules with a filter have it.\n\n## Why is this bad?\nThe parts of a multipart upload that is never completed or aborted stay in the bucket and are billed as storage, but they are not objects: object listings do not show them (only `ListMultipartUploads` does). Failed clients, or a principal that may only call `s3:PutObject`, can pile up storage nobody sees.\n\n## Example\n```yaml\nLifecycleConfiguration:\n  Rules:\n    - Status: Enabled\n      NoncurrentVersionExpiration:\n        NoncurrentDays: 90\n```\n\n## Remediation\nAdd `AbortIncompleteMultipartUpload.DaysAfterInitiation` (a few days) to an enabled rule without a filter.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpu-abort-incomplete-mpu-lifecycle-config.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-abortincompletemultipartupload.html",
    recommendation: "Abort incomplete multipart uploads after a few days with an enabled lifecycle rule that covers the whole bucket.",
    fix: "LifecycleConfiguration:\n  Rules:\n    - Id: abort-incomplete-uploads\n      Status: Enabled\n      AbortIncompleteMultipartUpload:\n        DaysAfterInitiation: 7",
    cdk: Some(CdkFix {
        typescript: r#"const bucket = new s3.Bucket(this, 'Data', {
  lifecycleRules: [
    {
      id: 'abort-incomplete-uploads',
      abortIncompleteMultipartUploadAfter: cdk.Duration.days(7),
    },
  ],
});"#,
        python: r#"bucket = s3.Bucket(
    self,
    "Data",
    lifecycle_rules=[
        s3.LifecycleRule(
            id="abort-incomplete-uploads",
            abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
        )
    ],
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_bucket_lifecycle_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
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
        let (rules, span) = match &bucket.lifecycle {
            Value::Absent => {
                out.fail(o, None, "LifecycleConfiguration", "no `LifecycleConfiguration`: parts of multipart uploads that are never completed stay, billed and invisible in object listings");
                continue;
            }
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), path, reason);
                continue;
            }
            Value::Known { value, span } => (value, *span),
        };
        match coverage(rules, |r| r.abort_incomplete_multipart) {
            Coverage::Whole { rule, span } => out.pass(o, Some(span), path, format!("rule {rule} aborts incomplete multipart uploads")),
            Coverage::Part { rules, span } => out.partial(o, Some(span), path, format!("only rules with a filter ({}) abort incomplete multipart uploads: uploads to other keys are never cleaned up", rules.join(", "))),
            Coverage::Disabled { rule, span } => out.fail(o, Some(span), path, format!("rule {rule} aborts incomplete multipart uploads but is not `Enabled`: a disabled rule does nothing")),
            Coverage::Unknown { reason, span } => out.unknown(o, Some(span), path, reason),
            Coverage::None => out.fail(o, Some(span), path, "no lifecycle rule has `AbortIncompleteMultipartUpload`: parts of uploads that are never completed stay, billed and invisible in object listings"),
        }
    }
}
