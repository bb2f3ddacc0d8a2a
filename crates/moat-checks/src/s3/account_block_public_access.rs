use crate::check::{Category, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-053",
    title: "Account Block Public Access settings are not all on",
    category: Category::CriticalSecurity,
    severity: Severity::Medium,
    controls: &["C-S3-001"],
    proves: &["C-S3-001"],
    security_hub: &["S3.1"],
    doc: "## What it does\nFails account-level Block Public Access configurations (Terraform's `aws_s3_account_public_access_block`, or a live account's S3 Control `GetPublicAccessBlock`) that turn off any of the four settings, naming each. Nothing is reported when the code configures no account-level block: it may be managed elsewhere (an organization baseline), and the bucket-level check still applies.\n\n## Why is this bad?\nThe account-level settings apply to every bucket and access point in the account, present and future; S3 uses the most restrictive of the account's and the bucket's settings. With them off, each bucket's own settings are the only backstop, and a bucket created without them (by a script, another tool, or an older template) can be made public by one policy or ACL. Inside the configuration an omitted setting is false.\n\n## Example\n```hcl\nresource \"aws_s3_account_public_access_block\" \"this\" {\n  block_public_acls   = true\n  block_public_policy = false\n}\n```\n\n## Remediation\nTurn on all four settings for the account, and serve intended public content through CloudFront with origin access control instead of public buckets.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-account.html\n- https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_PutPublicAccessBlock.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-1",
    recommendation: "Turn on all four Block Public Access settings for the account.",
    // CloudFormation (and so the CDK) has no resource for the account's
    // settings: the S3 console, `aws s3control put-public-access-block`, or
    // Terraform set them
    fix: "",
    cdk: None,
    terraform: Some(
        "resource \"aws_s3_account_public_access_block\" \"this\" {\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}",
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for block in &inventory.account_public_access_blocks {
        let o = &block.origin;
        let path = "PublicAccessBlockConfiguration";
        match &block.settings {
            Value::Absent => {}
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value, span } => {
                let mut off = Vec::new();
                let mut undecided = Vec::new();
                let mut at = None;
                for (name, setting) in value.settings() {
                    match setting {
                        Value::Known {
                            value: false,
                            span: s,
                        } => {
                            at.get_or_insert(*s);
                            off.push(format!("`{name}`"));
                        }
                        Value::Unknown { reason, .. } => {
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
                            "{} off for the whole account: each bucket's own settings are the only backstop",
                            off.join(", ")
                        ),
                    );
                } else if !undecided.is_empty() {
                    out.unknown(o, Some(*span), path, undecided.join("; "));
                } else {
                    out.pass(
                        o,
                        Some(*span),
                        path,
                        "all four settings are on for the account",
                    );
                }
            }
        }
    }
}
