use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-052",
    title: "S3 Express directory bucket without lifecycle rules",
    category: Category::Operational,
    severity: Severity::Low,
    controls: &["C-S3-054"],
    proves: &[],
    security_hub: &["S3.25"],
    doc: "## What it does\nFails directory buckets (`AWS::S3Express::DirectoryBucket`) without `LifecycleConfiguration.Rules`, or whose rules are all `Disabled`.\n\n## Why is this bad?\nDirectory buckets (S3 Express One Zone) hold short-lived, high-throughput data at a higher storage price, in one Availability Zone. Without lifecycle rules objects stay until someone deletes them, and parts of multipart uploads that never complete stay too, invisible in listings but billed. Directory buckets support expiration and abort-incomplete-multipart-upload rules (no transitions).\n\n## Example\n```yaml\nScratch:\n  Type: AWS::S3Express::DirectoryBucket\n  Properties:\n    DataRedundancy: SingleAvailabilityZone\n    LocationName: use1-az4--x-s3\n```\n\n## Remediation\nAdd a rule that expires objects after the time the data is needed and aborts incomplete multipart uploads after a few days.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/directory-buckets-objects-lifecycle.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3express-directorybucket.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-25",
    recommendation: "Give directory buckets lifecycle rules that expire objects and abort incomplete multipart uploads.",
    fix: "LifecycleConfiguration:\n  Rules:\n    - Id: ExpireScratch\n      Status: Enabled\n      ExpirationInDays: 7\n      AbortIncompleteMultipartUpload:\n        DaysAfterInitiation: 1",
    cdk: Some(CdkFix {
        typescript: r#"new s3express.CfnDirectoryBucket(this, 'Scratch', {
  dataRedundancy: 'SingleAvailabilityZone',
  locationName: 'use1-az4',
  lifecycleConfiguration: {
    rules: [
      {
        id: 'ExpireScratch',
        status: 'Enabled',
        expirationInDays: 7,
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ],
  },
});"#,
        python: r#"s3express.CfnDirectoryBucket(
    self,
    "Scratch",
    data_redundancy="SingleAvailabilityZone",
    location_name="use1-az4",
    lifecycle_configuration=s3express.CfnDirectoryBucket.LifecycleConfigurationProperty(
        rules=[
            s3express.CfnDirectoryBucket.RuleProperty(
                id="ExpireScratch",
                status="Enabled",
                expiration_in_days=7,
                abort_incomplete_multipart_upload=s3express.CfnDirectoryBucket.AbortIncompleteMultipartUploadProperty(
                    days_after_initiation=1
                ),
            )
        ]
    ),
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_bucket_lifecycle_configuration" "scratch" {
  bucket = aws_s3_directory_bucket.scratch.bucket
  rule {
    id     = "ExpireScratch"
    status = "Enabled"
    filter {}
    expiration {
      days = 7
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.directory_buckets {
        let o = &bucket.origin;
        let path = "LifecycleConfiguration.Rules";
        match &bucket.lifecycle {
            Value::Absent => out.fail(
                o,
                None,
                "LifecycleConfiguration",
                "no `LifecycleConfiguration`: objects and incomplete multipart uploads stay until deleted",
            ),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value: rules, span } => {
                let mut enabled = Vec::new();
                let mut undecided = None;
                for r in rules {
                    match &r.status {
                        Value::Known { value, .. } if value == "Enabled" => enabled.push(r),
                        Value::Unknown { reason, .. } => {
                            undecided.get_or_insert(reason.clone());
                        }
                        _ => {}
                    }
                }
                if let Some(r) = enabled.first() {
                    let mut does = Vec::new();
                    if enabled.iter().any(|r| r.expiration) {
                        does.push("expires objects");
                    }
                    if enabled.iter().any(|r| r.abort_incomplete_multipart) {
                        does.push("aborts incomplete multipart uploads");
                    }
                    let what = if does.is_empty() {
                        "has enabled rules".to_string()
                    } else {
                        does.join(" and ")
                    };
                    out.pass(o, Some(r.span), path, format!("the lifecycle configuration {what}"));
                } else if let Some(reason) = undecided {
                    out.unknown(o, Some(*span), path, reason);
                } else if rules.is_empty() {
                    out.fail(o, Some(*span), path, "`Rules` is empty: objects and incomplete multipart uploads stay until deleted");
                } else {
                    out.fail(o, Some(*span), path, "every lifecycle rule is `Disabled`: objects and incomplete multipart uploads stay until deleted");
                }
            }
        }
    }
}
