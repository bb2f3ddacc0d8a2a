use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::Inventory;

pub(crate) const CDK: CdkFix = CdkFix {
    typescript: r#"// and no publicReadAccess, grantPublicAccess() or public policy statement
const bucket = new s3.Bucket(this, 'Data', {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
});"#,
    python: r#"# and no public_read_access, grant_public_access() or public policy statement
bucket = s3.Bucket(
    self,
    "Data",
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
)"#,
};

pub static CHECK: Check = Check {
    id: "CHK-S3-003",
    title: "Bucket can be read by the public",
    category: Category::CriticalSecurity,
    severity: Severity::Critical,
    controls: &["C-S3-002", "C-S3-004"],
    proves: &[],
    security_hub: &["S3.2"],
    doc: "## What it does\nFails buckets that anyone can read: a canned ACL granting `AllUsers` or `AuthenticatedUsers` read that ACL settings leave in force, or a bucket policy statement that is public by S3's own definition (Moat's policy engine decides, conditions included) and that Block Public Access does not neutralize.\n\n## Why is this bad?\nPublic read exposes every object to the internet, and `AuthenticatedRead` to every AWS account in the world.\n\n## Example\n```yaml\nPolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal: '*'\n      Action: s3:GetObject\n      Resource: !Sub '${Bucket.Arn}/*'\n```\n\n## Remediation\nRemove the public grant; serve public content through CloudFront with origin access control, and keep Block Public Access on.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-2",
    recommendation: "Remove public grants; serve public content through CloudFront with origin access control.",
    fix: "PublicAccessBlockConfiguration:\n  BlockPublicAcls: true\n  BlockPublicPolicy: true\n  IgnorePublicAcls: true\n  RestrictPublicBuckets: true",
    cdk: Some(CDK),
    terraform: Some(
        r#"# and no public-read aws_s3_bucket_acl or public bucket policy statement
resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    super::public::run(inventory, out, false);
}
