use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-038",
    title: "Trail without log file validation",
    category: Category::Compliance,
    severity: Severity::Medium,
    controls: &["C-S3-063"],
    proves: &["C-S3-063"],
    security_hub: &["CloudTrail.4"],
    doc: "## What it does\nFails CloudTrail trails whose `EnableLogFileValidation` is absent or `false` (absent means off).\n\n## Why is this bad?\nWith validation on, CloudTrail delivers an hourly digest file, signed and chained to the previous one, that lists the hash of every log file it delivered. Without it, someone who can write to the log bucket can delete or edit log files (the record of what they did to your S3 data) and nothing proves it.\n\n## Example\n```yaml\nTrail:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    IsLogging: true\n    S3BucketName: !Ref TrailBucket\n```\n\n## Remediation\nSet `EnableLogFileValidation: true` and check the digests with `aws cloudtrail validate-logs` when logs are used as evidence.\n\n## References\n- https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-4",
    recommendation: "Turn on log file integrity validation for the trail.",
    fix: "EnableLogFileValidation: true",
    cdk: Some(CdkFix {
        typescript: r#"const trail = new cloudtrail.Trail(this, 'Trail', { enableFileValidation: true });"#,
        python: r#"trail = cloudtrail.Trail(self, "Trail", enable_file_validation=True)"#,
    }),
    terraform: Some(
        r#"resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = aws_s3_bucket.trail_logs.id
  enable_log_file_validation = true
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for trail in &inventory.trails {
        let o = &trail.origin;
        let path = "EnableLogFileValidation";
        match &trail.log_file_validation {
            Value::Absent => out.fail(
                o,
                None,
                path,
                "no `EnableLogFileValidation` (off by default): deleted or edited log files cannot be detected",
            ),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value: false, span } => out.fail(
                o,
                Some(*span),
                path,
                "`EnableLogFileValidation` is `false`: deleted or edited log files cannot be detected",
            ),
            Value::Known { value: true, span } => out.pass(
                o,
                Some(*span),
                path,
                "CloudTrail delivers signed digest files that prove whether log files changed",
            ),
        }
    }
}
