use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-039",
    title: "Trail logs are not encrypted with a KMS key",
    category: Category::Compliance,
    severity: Severity::Medium,
    controls: &["C-S3-064"],
    proves: &["C-S3-064"],
    security_hub: &["CloudTrail.2"],
    doc: "## What it does\nFails CloudTrail trails without `KMSKeyId`.\n\n## Why is this bad?\nWithout `KMSKeyId` CloudTrail delivers log files encrypted with SSE-S3, which anyone allowed to read the log bucket decrypts transparently. The logs describe every S3 request, caller and source address. With SSE-KMS under a customer managed key, reading them also needs `kms:Decrypt` under a key policy you control, and every decryption is itself logged.\n\n## Example\n```yaml\nTrail:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    IsLogging: true\n    S3BucketName: !Ref TrailBucket\n```\n\n## Remediation\nSet `KMSKeyId` to a customer managed key whose policy lets `cloudtrail.amazonaws.com` encrypt (with an `aws:SourceArn` condition on the trail) and only the log readers decrypt.\n\n## References\n- https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html\n- https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-2",
    recommendation: "Encrypt the trail's log files with SSE-KMS under a customer managed key.",
    fix: "KMSKeyId: !GetAtt TrailKey.Arn",
    cdk: Some(CdkFix {
        typescript: r#"const trailKey = new kms.Key(this, 'TrailKey', { enableKeyRotation: true });
// CloudTrail may use the key only for this account's trails
trailKey.addToResourcePolicy(
  new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
    actions: ['kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: {
      StringLike: {
        'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${cdk.Aws.PARTITION}:cloudtrail:*:${cdk.Aws.ACCOUNT_ID}:trail/*`,
      },
    },
  }),
);
trailKey.grant(new iam.ServicePrincipal('cloudtrail.amazonaws.com'), 'kms:DescribeKey');
const trail = new cloudtrail.Trail(this, 'Trail', { encryptionKey: trailKey });"#,
        python: r#"trail_key = kms.Key(self, "TrailKey", enable_key_rotation=True)
# CloudTrail may use the key only for this account's trails
trail_key.add_to_resource_policy(
    iam.PolicyStatement(
        principals=[iam.ServicePrincipal("cloudtrail.amazonaws.com")],
        actions=["kms:GenerateDataKey*"],
        resources=["*"],
        conditions={
            "StringLike": {
                "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:{cdk.Aws.PARTITION}:cloudtrail:*:{cdk.Aws.ACCOUNT_ID}:trail/*"
            }
        },
    )
)
trail_key.grant(iam.ServicePrincipal("cloudtrail.amazonaws.com"), "kms:DescribeKey")
trail = cloudtrail.Trail(self, "Trail", encryption_key=trail_key)"#,
    }),
    terraform: Some(
        r#"data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

data "aws_iam_policy_document" "trail_key" {
  # the account keeps control of the key through IAM, as in the default key policy
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
  # CloudTrail may use the key only for this account's trails
  statement {
    sid       = "CloudTrailEncryptsLogs"
    actions   = ["kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:cloudtrail:arn"
      values   = ["arn:${data.aws_partition.current.partition}:cloudtrail:*:${data.aws_caller_identity.current.account_id}:trail/*"]
    }
  }
  statement {
    sid       = "CloudTrailDescribesKey"
    actions   = ["kms:DescribeKey"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "trail" {
  description         = "CloudTrail log files"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.trail_key.json
}

resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = aws_s3_bucket.trail_logs.id
  kms_key_id     = aws_kms_key.trail.arn
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for trail in &inventory.trails {
        let o = &trail.origin;
        let path = "KMSKeyId";
        match &trail.kms_key {
            Value::Absent => out.fail(
                o,
                None,
                path,
                "no `KMSKeyId`: log files are delivered with SSE-S3, so anyone who can read the log bucket reads the logs",
            ),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value, span } => out.pass(
                o,
                Some(*span),
                path,
                format!("log files are encrypted with KMS key `{value}`"),
            ),
        }
    }
}
