use super::readable_policies::bucket_policies_partly;
use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use crate::policy_questions::covers_action;
use moat_iac::{Inventory, Value};
use moat_policy::document::Effect;
use moat_source::Span;

pub static CHECK: Check = Check {
    id: "CHK-S3-015",
    title: "Nothing protects the bucket's objects from deletion",
    category: Category::PolicyWeakness,
    severity: Severity::Medium,
    controls: &["C-S3-042", "C-S3-043", "C-S3-045", "C-S3-117"],
    proves: &["C-S3-042"],
    security_hub: &[],
    doc: "## What it does\nFails buckets with none of the protections a template can give against deletion: versioning `Enabled`, Object Lock, or a bucket policy `Deny` on `s3:DeleteObject`, `s3:DeleteObjectVersion` or `s3:DeleteBucket`. Passes with the protections it found. MFA delete, the remaining protection, cannot be set by CloudFormation (`VersioningConfiguration` has only `Status`): only the root user can turn it on, through the API or CLI, so Moat cannot see it in a template.\n\n## Why is this bad?\nWithout any of them a single `DeleteObject` by a faulty job or a stolen credential destroys data for good. Versioning keeps the previous version after a plain delete (though `s3:DeleteObjectVersion` still removes versions), Object Lock keeps locked versions until their retention date, and a bucket policy `Deny` stops the delete for every principal it names, whatever identity policies allow.\n\n## Example\n```yaml\nData:\n  Type: AWS::S3::Bucket\n```\n\n## Remediation\nEnable versioning (with noncurrent version expiration), add a bucket policy `Deny` on `s3:DeleteObjectVersion` and `s3:DeleteBucket` for every principal except a break-glass role, and use Object Lock for data that must outlive a compromised administrator.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-versioningconfiguration.html",
    recommendation: "Enable versioning and deny version and bucket deletion in the bucket policy to everyone but a break-glass role.",
    fix: "Data:\n  Type: AWS::S3::Bucket\n  Properties:\n    VersioningConfiguration:\n      Status: Enabled\nDataPolicy:\n  Type: AWS::S3::BucketPolicy\n  Properties:\n    Bucket: !Ref Data\n    PolicyDocument:\n      Version: '2012-10-17'\n      Statement:\n        - Sid: DenyVersionAndBucketDeletion\n          Effect: Deny\n          Principal: '*'\n          Action:\n            - s3:DeleteObjectVersion\n            - s3:DeleteBucket\n          Resource:\n            - !GetAtt Data.Arn\n            - !Sub '${Data.Arn}/*'\n          Condition:\n            ArnNotEquals:\n              aws:PrincipalArn: !Sub 'arn:aws:iam::${AWS::AccountId}:role/break-glass'",
    cdk: Some(CdkFix {
        typescript: r#"const bucket = new s3.Bucket(this, 'Data', { versioned: true });
bucket.addToResourcePolicy(
  new iam.PolicyStatement({
    sid: 'DenyVersionAndBucketDeletion',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:DeleteObjectVersion', 's3:DeleteBucket'],
    resources: [bucket.bucketArn, bucket.arnForObjects('*')],
    conditions: {
      ArnNotEquals: {
        'aws:PrincipalArn': `arn:aws:iam::${cdk.Aws.ACCOUNT_ID}:role/break-glass`,
      },
    },
  }),
);"#,
        python: r#"bucket = s3.Bucket(self, "Data", versioned=True)
bucket.add_to_resource_policy(
    iam.PolicyStatement(
        sid="DenyVersionAndBucketDeletion",
        effect=iam.Effect.DENY,
        principals=[iam.AnyPrincipal()],
        actions=["s3:DeleteObjectVersion", "s3:DeleteBucket"],
        resources=[bucket.bucket_arn, bucket.arn_for_objects("*")],
        conditions={
            "ArnNotEquals": {
                "aws:PrincipalArn": f"arn:aws:iam::{cdk.Aws.ACCOUNT_ID}:role/break-glass"
            }
        },
    )
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "data" {
  statement {
    sid       = "DenyVersionAndBucketDeletion"
    effect    = "Deny"
    actions   = ["s3:DeleteObjectVersion", "s3:DeleteBucket"]
    resources = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/break-glass"]
    }
  }
}

# a bucket has one policy: put the statements above into it if it has one
resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = data.aws_iam_policy_document.data.json
}"#,
    ),
    run,
};

const DELETES: &[&str] = &[
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:DeleteBucket",
];

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let mut found = Vec::new();
        let mut undecided: Option<(String, Span, &str)> = None;
        let mut at = None;
        match &bucket.versioning {
            Value::Known { value, span } if value == "Enabled" => {
                found.push("versioning (a plain delete leaves the previous version)".to_string());
                at.get_or_insert(*span);
            }
            Value::Unknown { reason, span } => {
                undecided.get_or_insert((reason.clone(), *span, "VersioningConfiguration.Status"));
            }
            _ => {}
        }
        match &bucket.object_lock {
            Value::Known { value: true, span } => {
                found.push("Object Lock".to_string());
                at.get_or_insert(*span);
            }
            Value::Unknown { reason, span } => {
                undecided.get_or_insert((reason.clone(), *span, "ObjectLockEnabled"));
            }
            _ => {}
        }
        let (docs, policy_unknown) = bucket_policies_partly(inventory, bucket);
        let mut in_policy = None;
        for (attached, policy) in docs {
            for s in &policy.statements {
                if s.effect.value != Effect::Deny {
                    continue;
                }
                let denied: Vec<String> = DELETES
                    .iter()
                    .filter(|a| covers_action(s, a))
                    .map(|a| format!("`{a}`"))
                    .collect();
                if !denied.is_empty() {
                    let conditional = if s.conditions.is_empty() {
                        ""
                    } else {
                        " (under conditions)"
                    };
                    found.push(format!(
                        "bucket policy statement `{}` denying {}{conditional}",
                        s.label(),
                        denied.join(", ")
                    ));
                    in_policy.get_or_insert((attached.origin.clone(), s.span));
                }
            }
        }
        if !found.is_empty() {
            let message = format!("deletes are guarded by {}", found.join("; "));
            match (at, in_policy) {
                (None, Some((holder, span))) => out.say_in(
                    o,
                    &holder,
                    Outcome::Pass,
                    Some(span),
                    "PolicyDocument.Statement",
                    message,
                ),
                _ => out.pass(o, at, "", message),
            }
        } else if let Some((reason, span, property)) = undecided {
            out.unknown(o, Some(span), property, reason);
        } else if let Some(undecided) = policy_unknown {
            undecided.say(out, o);
        } else {
            out.fail(o, None, "VersioningConfiguration", "nothing guards deletes: versioning is not `Enabled`, Object Lock is off and no bucket policy statement denies `s3:DeleteObject`, `s3:DeleteObjectVersion` or `s3:DeleteBucket`, so a delete is final (MFA delete, the other guard, cannot be set by CloudFormation)");
        }
    }
}
