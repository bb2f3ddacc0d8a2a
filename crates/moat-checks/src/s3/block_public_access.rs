use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-006",
    title: "Bucket Block Public Access settings are not all on",
    category: Category::CriticalSecurity,
    severity: Severity::High,
    controls: &["C-S3-002"],
    proves: &["C-S3-002"],
    security_hub: &["S3.8"],
    doc: "## What it does\nFails buckets whose `PublicAccessBlockConfiguration` turns off any of the four settings, naming each. A bucket without the property passes: since April 2023 S3 turns all four on for every new bucket.\n\n## Why is this bad?\nBlock Public Access is the backstop that keeps a mistaken ACL or bucket policy from making data public. Each setting closes one path: `BlockPublicAcls` and `IgnorePublicAcls` for ACLs, `BlockPublicPolicy` and `RestrictPublicBuckets` for bucket policies. Inside the property an omitted setting is false.\n\n## Example\n```yaml\nPublicAccessBlockConfiguration:\n  BlockPublicAcls: true\n  BlockPublicPolicy: false\n```\n\n## Remediation\nSet all four to `true`, or remove the property; serve intended public content through CloudFront with origin access control.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html\n- https://aws.amazon.com/about-aws/whats-new/2022/12/amazon-s3-automatically-enable-block-public-access-disable-access-control-lists-buckets-april-2023/\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-8",
    recommendation: "Turn on all four Block Public Access settings (or leave the property out: new buckets get them on).",
    fix: "PublicAccessBlockConfiguration:\n  BlockPublicAcls: true\n  BlockPublicPolicy: true\n  IgnorePublicAcls: true\n  RestrictPublicBuckets: true",
    cdk: Some(CdkFix {
        typescript: r#"const bucket = new s3.Bucket(this, 'Data', {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
});"#,
        python: r#"bucket = s3.Bucket(
    self,
    "Data",
    block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_bucket_public_access_block" "data" {
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
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let path = "PublicAccessBlockConfiguration";
        match &bucket.public_access_block {
            Value::Absent => out.pass(
                o,
                None,
                path,
                "not set: all four settings are on by default for buckets created since April 2023",
            ),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value, span } => {
                let mut off = Vec::new();
                let mut undecided = Vec::new();
                let mut by_account = Vec::new();
                let mut at = *span;
                for (name, setting) in value.settings() {
                    // the account's setting applies to every bucket
                    if let Some((Value::Known { value: true, .. }, origin)) =
                        inventory.account_block(name)
                        && matches!(
                            setting,
                            Value::Known { value: false, .. } | Value::Unknown { .. }
                        )
                    {
                        by_account.push((name, origin.logical_id.as_str()));
                        continue;
                    }
                    match setting {
                        Value::Known { value: false, span } => {
                            if off.is_empty() {
                                at = *span;
                            }
                            off.push(name);
                        }
                        Value::Unknown { reason, .. } => {
                            undecided.push(format!("{name}: {reason}"))
                        }
                        _ => {}
                    }
                }
                if !off.is_empty() {
                    let names: Vec<String> = off.iter().map(|n| format!("`{n}`")).collect();
                    out.fail(
                        o,
                        Some(at),
                        &format!("{path}.{}", off[0]),
                        format!("{} off", names.join(", ")),
                    );
                } else if !undecided.is_empty() {
                    out.unknown(o, Some(*span), path, undecided.join("; "));
                } else if let Some((_, account)) = by_account.first() {
                    let names: Vec<String> =
                        by_account.iter().map(|(n, _)| format!("`{n}`")).collect();
                    out.pass(
                        o,
                        Some(*span),
                        path,
                        format!(
                            "{} off or undecided on the bucket, but on for the whole account (`{account}`), which S3 applies to every bucket",
                            names.join(", ")
                        ),
                    );
                } else {
                    out.pass(o, Some(*span), path, "all four settings are on");
                }
            }
        }
    }
}
