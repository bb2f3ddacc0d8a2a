use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-001",
    title: "Bucket has no server access logging",
    category: Category::CriticalSecurity,
    severity: Severity::Medium,
    controls: &["C-S3-066"],
    proves: &["C-S3-066"],
    security_hub: &["S3.9"],
    doc: "## What it does\nFails buckets without `LoggingConfiguration`, and flags buckets that log into themselves.\n\n## Why is this bad?\nServer access logs are the only record of every request to a bucket, including requests that CloudTrail data events would not cover when they are off. Without them an incident cannot be reconstructed. A bucket that logs into itself writes a log object for each log delivery, which grows without end.\n\n## Example\n```yaml\nData:\n  Type: AWS::S3::Bucket\n```\n\n## Remediation\nSet `LoggingConfiguration.DestinationBucketName` to a dedicated log bucket in the same Region and account.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-loggingconfig.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-9",
    recommendation: "Send server access logs to a dedicated log bucket in the same account and Region.",
    fix: "LoggingConfiguration:\n  DestinationBucketName: !Ref AccessLogBucket\n  LogFilePrefix: data-bucket/",
    cdk: Some(CdkFix {
        typescript: r#"// a dedicated log bucket in the same account and Region
const accessLogs = new s3.Bucket(this, 'AccessLogs', { enforceSSL: true });
const bucket = new s3.Bucket(this, 'Data', {
  serverAccessLogsBucket: accessLogs,
  serverAccessLogsPrefix: 'data-bucket/',
});"#,
        python: r#"# a dedicated log bucket in the same account and Region
access_logs = s3.Bucket(self, "AccessLogs", enforce_ssl=True)
bucket = s3.Bucket(
    self,
    "Data",
    server_access_logs_bucket=access_logs,
    server_access_logs_prefix="data-bucket/",
)"#,
    }),
    terraform: Some(
        r#"# logs go to a dedicated log bucket in the same account and Region, whose
# bucket policy lets logging.s3.amazonaws.com put objects under the prefix
resource "aws_s3_bucket_logging" "data" {
  bucket        = aws_s3_bucket.data.id
  target_bucket = "example-access-logs"
  target_prefix = "data-bucket/"
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        match &bucket.logging {
            Value::Absent => out.fail(o, None, "LoggingConfiguration", "no server access logging: requests to this bucket leave no S3 log"),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), "LoggingConfiguration", reason),
            Value::Known { value, span } => match &value.destination {
                Value::Absent => out.partial(o, Some(*span), "LoggingConfiguration.DestinationBucketName", "logs are delivered into the bucket itself; each delivery adds objects that are logged again"),
                Value::Unknown { reason, span } => out.unknown(o, Some(*span), "LoggingConfiguration.DestinationBucketName", reason),
                Value::Known { value: dest, span } if dest == &bucket.standin => out.partial(o, Some(*span), "LoggingConfiguration.DestinationBucketName", "logs are delivered into the bucket itself; each delivery adds objects that are logged again"),
                Value::Known { value: dest, span } => out.pass(o, Some(*span), "LoggingConfiguration.DestinationBucketName", format!("server access logs go to `{dest}`")),
            },
        }
    }
}
