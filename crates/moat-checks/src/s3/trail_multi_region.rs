use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-040",
    title: "Trail is not multi-Region",
    category: Category::Compliance,
    severity: Severity::Medium,
    controls: &["C-S3-061"],
    proves: &["C-S3-061"],
    security_hub: &["CloudTrail.1"],
    doc: "## What it does\nFails CloudTrail trails whose `IsMultiRegionTrail` is absent or `false` (absent means a single-Region trail).\n\n## Why is this bad?\nA single-Region trail records only the Region it is created in. An intruder who creates buckets, copies data or changes settings in another Region leaves no record in it, and S3 buckets in other Regions get no data events from it. Security Hub CloudTrail.1 looks for at least one multi-Region trail with read and write management events in the account; a trail in another stack may provide it, but this one does not.\n\n## Example\n```yaml\nTrail:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    IsLogging: true\n    S3BucketName: !Ref TrailBucket\n```\n\n## Remediation\nSet `IsMultiRegionTrail: true` (and `IncludeGlobalServiceEvents: true`), or rely on an organization trail and remove this one.\n\n## References\n- https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-regional-and-global-services\n- https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-1",
    recommendation: "Make the trail multi-Region so activity in every Region is recorded.",
    fix: "IsMultiRegionTrail: true\nIncludeGlobalServiceEvents: true",
    cdk: Some(CdkFix {
        typescript: r#"const trail = new cloudtrail.Trail(this, 'Trail', {
  isMultiRegionTrail: true,
  includeGlobalServiceEvents: true,
});"#,
        python: r#"trail = cloudtrail.Trail(
    self,
    "Trail",
    is_multi_region_trail=True,
    include_global_service_events=True,
)"#,
    }),
    terraform: Some(
        r#"resource "aws_cloudtrail" "main" {
  name                          = "main"
  s3_bucket_name                = aws_s3_bucket.trail_logs.id
  is_multi_region_trail         = true
  include_global_service_events = true
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for trail in &inventory.trails {
        let o = &trail.origin;
        let path = "IsMultiRegionTrail";
        match &trail.multi_region {
            Value::Absent => out.fail(
                o,
                None,
                path,
                "no `IsMultiRegionTrail` (false by default): only the stack's own Region is recorded",
            ),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value: false, span } => out.fail(
                o,
                Some(*span),
                path,
                "`IsMultiRegionTrail` is `false`: only the stack's own Region is recorded",
            ),
            Value::Known { value: true, span } => out.pass(
                o,
                Some(*span),
                path,
                "the trail records every Region",
            ),
        }
    }
}
