use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-024",
    title: "Bucket publishes no request metrics",
    category: Category::Cost,
    severity: Severity::Low,
    controls: &["C-S3-079"],
    proves: &[],
    security_hub: &[],
    doc: "## What it does\nFails buckets without `MetricsConfigurations` (absent means no request metrics), or with an empty list.\n\n## Why is this bad?\nWithout a metrics configuration S3 publishes only the daily storage metrics (`BucketSizeBytes`, `NumberOfObjects`). Request floods, error spikes (`4xxErrors`, `5xxErrors`), latency and unusual download volume (`BytesDownloaded`, `GetRequests`) are invisible until the bill arrives, and nothing can alarm on them. Request metrics are billed as CloudWatch custom metrics.\n\n## Example\n```yaml\nData:\n  Type: AWS::S3::Bucket\n```\n\n## Remediation\nAdd a `MetricsConfigurations` entry with `Id: EntireBucket` and no filter (plus filtered ones for sensitive prefixes), and alarm on errors and download volume.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudwatch-monitoring.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-metricsconfiguration.html",
    recommendation: "Publish request metrics for the whole bucket and alarm on error rates and download volume.",
    fix: "MetricsConfigurations:\n  - Id: EntireBucket",
    cdk: Some(CdkFix {
        typescript: r#"const bucket = new s3.Bucket(this, 'Data', {
  metrics: [{ id: 'EntireBucket' }],
});"#,
        python: r#"bucket = s3.Bucket(
    self,
    "Data",
    metrics=[s3.BucketMetrics(id="EntireBucket")],
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_bucket_metric" "data" {
  bucket = aws_s3_bucket.data.id
  name   = "EntireBucket"
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let path = "MetricsConfigurations";
        match &bucket.metrics {
            Value::Absent => out.fail(o, None, path, "no `MetricsConfigurations`: S3 publishes no request metrics for this bucket, only the daily storage metrics"),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value: 0, span } => out.fail(o, Some(*span), path, "`MetricsConfigurations` is empty: S3 publishes no request metrics for this bucket"),
            Value::Known { value, span } => out.pass(o, Some(*span), path, format!("S3 publishes request metrics ({value} configurations)")),
        }
    }
}
