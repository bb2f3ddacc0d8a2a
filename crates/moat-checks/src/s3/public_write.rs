use crate::check::{Category, Check, Severity};
use moat_iac::Inventory;

pub static CHECK: Check = Check {
    id: "CHK-S3-004",
    title: "Bucket can be written by the public",
    category: Category::CriticalSecurity,
    severity: Severity::Critical,
    controls: &["C-S3-002", "C-S3-004"],
    proves: &[],
    security_hub: &["S3.3"],
    doc: "## What it does\nFails buckets that anyone can write to: a canned ACL granting `AllUsers` write (`PublicReadWrite`) that ACL settings leave in force, or a bucket policy statement that is public by S3's own definition (Moat's policy engine decides, conditions included) and that Block Public Access does not neutralize.\n\n## Why is this bad?\nPublic write lets anyone plant, overwrite or delete objects: malware served from your domain, ransom, or a bill for the storage.\n\n## Example\n```yaml\nPolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal: '*'\n      Action: s3:PutObject\n      Resource: !Sub '${Bucket.Arn}/*'\n```\n\n## Remediation\nRemove the public grant; serve public content through CloudFront with origin access control, and keep Block Public Access on.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-3",
    recommendation: "Remove public grants; serve public content through CloudFront with origin access control.",
    fix: "PublicAccessBlockConfiguration:\n  BlockPublicAcls: true\n  BlockPublicPolicy: true\n  IgnorePublicAcls: true\n  RestrictPublicBuckets: true",
    cdk: Some(super::public_read::CDK),
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
    super::public::run(inventory, out, true);
}
