use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-028",
    title: "Transfer Acceleration is enabled",
    category: Category::PolicyWeakness,
    severity: Severity::Low,
    controls: &["C-S3-028"],
    proves: &["C-S3-028"],
    security_hub: &[],
    doc: "## What it does\nFails buckets whose `AccelerateConfiguration.AccelerationStatus` is `Enabled`. Absent means off; `Suspended` passes.\n\n## Why is this bad?\nTransfer Acceleration opens a second endpoint, `<bucket>.s3-accelerate.amazonaws.com`, reached through CloudFront edge locations. Requests to it do not travel through S3 gateway VPC endpoints, so endpoint policies do not see them, and each accelerated transfer is billed on top of normal data transfer. It pays off only for long-distance transfers that a measurement shows it speeds up.\n\n## Example\n```yaml\nAccelerateConfiguration:\n  AccelerationStatus: Enabled\n```\n\n## Remediation\nRemove `AccelerateConfiguration` (or set `Suspended`) unless a measured need justifies it, and deny `s3:PutAccelerateConfiguration` outside an approved role.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/transfer-acceleration.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-accelerateconfiguration.html",
    recommendation: "Keep Transfer Acceleration off unless a measured need justifies it.",
    fix: "AccelerateConfiguration:\n  AccelerationStatus: Suspended",
    cdk: Some(CdkFix {
        typescript: r#"// drop transferAcceleration: true; the prop can only turn it on, so say
// Suspended on the L1 bucket
(bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride(
  'AccelerateConfiguration.AccelerationStatus',
  'Suspended',
);"#,
        python: r#"# drop transfer_acceleration=True; the prop can only turn it on, so say
# Suspended on the L1 bucket (an s3.CfnBucket)
bucket.node.default_child.add_property_override(
    "AccelerateConfiguration.AccelerationStatus", "Suspended"
)"#,
    }),
    terraform: Some(
        r#"# drop an "Enabled" status: "Suspended" turns acceleration off
resource "aws_s3_bucket_accelerate_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  status = "Suspended"
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let path = "AccelerateConfiguration.AccelerationStatus";
        match &bucket.acceleration {
            Value::Absent => out.pass(o, None, "AccelerateConfiguration", "Transfer Acceleration is off (not configured)"),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value, span } if value == "Enabled" => out.fail(o, Some(*span), path, "Transfer Acceleration is `Enabled`: the accelerate endpoint bypasses S3 gateway VPC endpoints and their policies, and accelerated transfers cost extra"),
            Value::Known { value, span } => out.pass(o, Some(*span), path, format!("Transfer Acceleration is `{value}`")),
        }
    }
}
