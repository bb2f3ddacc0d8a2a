use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-034",
    title: "Access point accepts requests from the Internet (no VpcConfiguration)",
    category: Category::MissingFeature,
    severity: Severity::Medium,
    controls: &["C-S3-005"],
    proves: &[],
    security_hub: &[],
    doc: "## What it does\nFails access points (`AWS::S3::AccessPoint`) without `VpcConfiguration`: their network origin is `Internet`. An access point with `VpcConfiguration.VpcId` (network origin `VPC`) passes.\n\n## Why is this bad?\nAn access point with the `Internet` network origin takes requests from any network, so a leaked credential that its policy allows works from anywhere. With a `VPC` network origin S3 refuses every request that does not come from that VPC through an S3 endpoint, whatever the policies say. The network origin cannot be changed after the access point is created.\n\n## Example\n```yaml\nReports:\n  Type: AWS::S3::AccessPoint\n  Properties:\n    Bucket: !Ref Data\n```\n\n## Remediation\nCreate the access point with `VpcConfiguration.VpcId` set to the VPC its clients run in (CloudFormation replaces the access point; give it a new `Name`), and reach it through an S3 VPC endpoint.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-accesspoint.html",
    recommendation: "Restrict the access point to a VPC with `VpcConfiguration` (the network origin is fixed at creation, so this replaces it).",
    fix: "VpcConfiguration:\n  VpcId: !Ref AppVpc",
    cdk: Some(CdkFix {
        typescript: r#"// the network origin is fixed at creation: this replaces the access point
new s3.CfnAccessPoint(this, 'DataAccessPoint', {
  bucket: bucket.bucketName,
  vpcConfiguration: { vpcId: vpc.vpcId },
});"#,
        python: r#"# the network origin is fixed at creation: this replaces the access point
s3.CfnAccessPoint(
    self,
    "DataAccessPoint",
    bucket=bucket.bucket_name,
    vpc_configuration=s3.CfnAccessPoint.VpcConfigurationProperty(vpc_id=vpc.vpc_id),
)"#,
    }),
    terraform: Some(
        r#"# the network origin is fixed at creation: this replaces the access point
resource "aws_s3_access_point" "data" {
  bucket = aws_s3_bucket.data.id
  name   = "data"
  vpc_configuration {
    vpc_id = aws_vpc.app.id
  }
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for ap in &inventory.access_points {
        let o = &ap.origin;
        let path = "VpcConfiguration.VpcId";
        match &ap.vpc {
            Value::Absent => out.fail(
                o,
                None,
                "VpcConfiguration",
                "no `VpcConfiguration`: the network origin is `Internet`, so requests its policy allows are accepted from any network",
            ),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value, span } => out.pass(
                o,
                Some(*span),
                path,
                format!("network origin `VPC`: only requests from `{value}` are accepted"),
            ),
        }
    }
}
