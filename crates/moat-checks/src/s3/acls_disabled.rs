use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-008",
    title: "ACLs are enabled (Object Ownership is not BucketOwnerEnforced)",
    category: Category::PolicyWeakness,
    severity: Severity::Medium,
    controls: &["C-S3-007"],
    proves: &["C-S3-007"],
    security_hub: &["S3.12"],
    doc: "## What it does\nFails buckets whose `OwnershipControls` rule is `ObjectWriter` or `BucketOwnerPreferred`. Without the property a bucket created since April 2023 has `BucketOwnerEnforced`: ACLs disabled.\n\n## Why is this bad?\nWith ACLs enabled, access is decided in two places, and object ACLs set by writers (including other accounts) can grant read access that no policy shows. `BucketOwnerEnforced` makes the bucket owner own every object and ignores ACLs.\n\n## Example\n```yaml\nOwnershipControls:\n  Rules:\n    - ObjectOwnership: ObjectWriter\n```\n\n## Remediation\nSet `ObjectOwnership: BucketOwnerEnforced` and grant access with policies only.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-12",
    recommendation: "Disable ACLs with Object Ownership `BucketOwnerEnforced` and grant access with policies only.",
    fix: "OwnershipControls:\n  Rules:\n    - ObjectOwnership: BucketOwnerEnforced",
    cdk: Some(CdkFix {
        typescript: r#"const bucket = new s3.Bucket(this, 'Data', {
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
});"#,
        python: r#"bucket = s3.Bucket(
    self,
    "Data",
    object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_bucket_ownership_controls" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let path = "OwnershipControls.Rules[0].ObjectOwnership";
        match &bucket.ownership {
            Value::Absent => match bucket.access_control.get() {
                Some(acl) if acl != "Private" => out.fail(o, bucket.access_control.span(), "AccessControl", format!("canned ACL `{acl}` needs ACLs enabled; without `OwnershipControls` the bucket is `BucketOwnerEnforced` and CloudFormation cannot apply it")),
                _ => out.pass(o, None, path, "not set: `BucketOwnerEnforced` (ACLs disabled) by default since April 2023"),
            },
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value, span } if value == "BucketOwnerEnforced" => out.pass(o, Some(*span), path, "ACLs are disabled"),
            Value::Known { value, span } => out.fail(o, Some(*span), path, format!("`{value}` keeps ACLs in force: object ACLs can grant access that no policy shows")),
        }
    }
}
