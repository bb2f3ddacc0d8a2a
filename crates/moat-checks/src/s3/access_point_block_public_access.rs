use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::inventory::{BlockPublicAccess, Origin};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-033",
    title: "Access point Block Public Access settings are not all on",
    category: Category::CriticalSecurity,
    severity: Severity::High,
    controls: &["C-S3-005"],
    proves: &[],
    security_hub: &["S3.19"],
    doc: "## What it does\nFails access points (`AWS::S3::AccessPoint`) whose `PublicAccessBlockConfiguration` turns off any of the four settings, naming each. An access point without the property passes: S3 creates access points with all four on.\n\n## Why is this bad?\nAn access point has its own policy, and with Block Public Access off at the access point that policy can grant access to everyone through the access point's own endpoint. The access point's settings add to those of the bucket and the account (the most restrictive wins), so an access point setting that is off is all that stands between one mistaken access point policy and public data when the bucket or account settings are off too. Inside the property an omitted setting is false, and S3 cannot change an access point's settings after it is created.\n\n## Example\n```yaml\nReports:\n  Type: AWS::S3::AccessPoint\n  Properties:\n    Bucket: !Ref Data\n    PublicAccessBlockConfiguration:\n      BlockPublicPolicy: false\n```\n\n## Remediation\nSet all four settings to `true` or remove the property. Because the settings cannot be changed on an existing access point, CloudFormation replaces it: give the new access point a new `Name` and move clients to it.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-19",
    recommendation: "Turn on all four Block Public Access settings of the access point (or leave the property out: access points are created with them on).",
    fix: "PublicAccessBlockConfiguration:\n  BlockPublicAcls: true\n  BlockPublicPolicy: true\n  IgnorePublicAcls: true\n  RestrictPublicBuckets: true",
    cdk: Some(CdkFix {
        typescript: r#"new s3.CfnAccessPoint(this, 'DataAccessPoint', {
  bucket: bucket.bucketName,
  publicAccessBlockConfiguration: {
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  },
});"#,
        python: r#"s3.CfnAccessPoint(
    self,
    "DataAccessPoint",
    bucket=bucket.bucket_name,
    public_access_block_configuration=s3.CfnAccessPoint.PublicAccessBlockConfigurationProperty(
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    ),
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_access_point" "data" {
  bucket = aws_s3_bucket.data.id
  name   = "data"
  public_access_block_configuration {
    block_public_acls       = true
    block_public_policy     = true
    ignore_public_acls      = true
    restrict_public_buckets = true
  }
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for ap in &inventory.access_points {
        judge(
            &ap.origin,
            &ap.public_access_block,
            "not set: access points are created with all four settings on",
            "access point",
            out,
        );
    }
}

/// The verdict on one access point's (or Multi-Region Access Point's) settings.
pub fn judge(
    o: &Origin,
    settings: &Value<BlockPublicAccess>,
    absent: &str,
    what: &str,
    out: &mut crate::Out,
) {
    let path = "PublicAccessBlockConfiguration";
    match settings {
        Value::Absent => out.pass(o, None, path, absent),
        Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
        Value::Known { value, span } => {
            let mut off = Vec::new();
            let mut undecided = Vec::new();
            let mut at = None;
            let mut unknown_at = None;
            for (name, setting) in value.settings() {
                match setting {
                    Value::Known {
                        value: false,
                        span: s,
                    } => {
                        // a setting left out of the property reads as false at the property
                        let omitted = s == span;
                        if at.is_none() || at == Some(*span) {
                            at = Some(*s);
                        }
                        off.push(if omitted {
                            format!("`{name}` off (left out of the property)")
                        } else {
                            format!("`{name}` off")
                        });
                    }
                    Value::Unknown { reason, span: s } => {
                        unknown_at.get_or_insert(*s);
                        undecided.push(format!("`{name}`: {reason}"))
                    }
                    _ => {}
                }
            }
            if let Some(at) = at {
                out.fail(
                    o,
                    Some(at),
                    path,
                    format!(
                        "{}; S3 cannot change the settings of an existing {what}, so fixing them replaces it",
                        off.join(", ")
                    ),
                );
            } else if !undecided.is_empty() {
                out.unknown(o, unknown_at.or(Some(*span)), path, undecided.join("; "));
            } else {
                out.pass(o, Some(*span), path, "all four settings are on");
            }
        }
    }
}
