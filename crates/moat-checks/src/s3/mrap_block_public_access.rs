use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::Inventory;

pub static CHECK: Check = Check {
    id: "CHK-S3-035",
    title: "Multi-Region Access Point Block Public Access settings are not all on",
    category: Category::CriticalSecurity,
    severity: Severity::High,
    controls: &["C-S3-006"],
    proves: &["C-S3-006"],
    security_hub: &["S3.24"],
    doc: "## What it does\nFails Multi-Region Access Points (`AWS::S3::MultiRegionAccessPoint`) whose `PublicAccessBlockConfiguration` turns off any of the four settings, naming each. One without the property passes: S3 creates Multi-Region Access Points with all four on.\n\n## Why is this bad?\nA Multi-Region Access Point fronts buckets in several Regions through one global endpoint. With its Block Public Access settings off, its policy and the underlying buckets' policies can make that endpoint a public entry point to every replica. Inside the property an omitted setting is false, and the settings cannot be changed after creation.\n\n## Example\n```yaml\nGlobal:\n  Type: AWS::S3::MultiRegionAccessPoint\n  Properties:\n    Regions:\n      - Bucket: !Ref Data\n    PublicAccessBlockConfiguration:\n      RestrictPublicBuckets: false\n```\n\n## Remediation\nSet all four settings to `true` or remove the property; CloudFormation replaces the Multi-Region Access Point, so give it a new `Name`.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/multi-region-access-point-block-public-access.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-24",
    recommendation: "Turn on all four Block Public Access settings of the Multi-Region Access Point (or leave the property out).",
    fix: "PublicAccessBlockConfiguration:\n  BlockPublicAcls: true\n  BlockPublicPolicy: true\n  IgnorePublicAcls: true\n  RestrictPublicBuckets: true",
    cdk: Some(CdkFix {
        typescript: r#"new s3.CfnMultiRegionAccessPoint(this, 'DataMrap', {
  regions: [{ bucket: bucket.bucketName }],
  publicAccessBlockConfiguration: {
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  },
});"#,
        python: r#"s3.CfnMultiRegionAccessPoint(
    self,
    "DataMrap",
    regions=[s3.CfnMultiRegionAccessPoint.RegionProperty(bucket=bucket.bucket_name)],
    public_access_block_configuration=s3.CfnMultiRegionAccessPoint.PublicAccessBlockConfigurationProperty(
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    ),
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3control_multi_region_access_point" "data" {
  details {
    name = "data"
    public_access_block {
      block_public_acls       = true
      block_public_policy     = true
      ignore_public_acls      = true
      restrict_public_buckets = true
    }
    region {
      bucket = aws_s3_bucket.data.id
    }
  }
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for mrap in &inventory.multi_region_access_points {
        super::access_point_block_public_access::judge(
            &mrap.origin,
            &mrap.public_access_block,
            "not set: Multi-Region Access Points are created with all four settings on",
            "Multi-Region Access Point",
            out,
        );
    }
}
