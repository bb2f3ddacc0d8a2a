use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use moat_iac::{Inventory, Value};
use moat_policy::document::Effect;

pub static CHECK: Check = Check {
    id: "CHK-S3-017",
    title: "Bucket has no bucket policy that restricts access",
    category: Category::PolicyWeakness,
    severity: Severity::Low,
    controls: &["C-S3-010", "C-S3-011", "C-S3-015"],
    proves: &[],
    security_hub: &[],
    doc: "## What it does\nFails buckets that no `AWS::S3::BucketPolicy` of the template attaches to, and reports partial when the bucket policy has no `Deny` statement (it only grants). When a bucket policy names its bucket with a value only the deployment knows, the verdict is unknown.\n\n## Why is this bad?\nWithout a bucket policy, access is decided by identity policies alone: any role or user of the account whose policies allow `s3:*` reaches the data. A bucket policy is where the bucket itself refuses what it should never accept, for every principal at once: requests without TLS, principals outside the organization, requests from outside the expected networks, and changes to its own access settings. `Allow` statements only add access.\n\n## Example\n```yaml\nData:\n  Type: AWS::S3::Bucket\n# and no AWS::S3::BucketPolicy for it\n```\n\n## Remediation\nAttach a bucket policy with `Deny` statements for requests without TLS, principals outside the organization, and changes to the bucket's policy and public access settings by anyone but the deployment role.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucketpolicy.html",
    recommendation: "Attach a bucket policy whose Deny statements enforce TLS, the organization boundary and protection of the bucket's own settings.",
    fix: "DataPolicy:\n  Type: AWS::S3::BucketPolicy\n  Properties:\n    Bucket: !Ref Data\n    PolicyDocument:\n      Version: '2012-10-17'\n      Statement:\n        - Sid: DenyInsecureTransport\n          Effect: Deny\n          Principal: '*'\n          Action: 's3:*'\n          Resource:\n            - !GetAtt Data.Arn\n            - !Sub '${Data.Arn}/*'\n          Condition:\n            Bool:\n              aws:SecureTransport: 'false'",
    cdk: Some(CdkFix {
        typescript: r#"// creates the bucket policy, with a Deny on requests without TLS
const bucket = new s3.Bucket(this, 'Data', { enforceSSL: true });"#,
        python: r#"# creates the bucket policy, with a Deny on requests without TLS
bucket = s3.Bucket(self, "Data", enforce_ssl=True)"#,
    }),
    terraform: Some(
        r#"data "aws_iam_policy_document" "data" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.data.arn,
      "${aws_s3_bucket.data.arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
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

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let attached: Vec<_> = inventory.policies_of(bucket).collect();
        if attached.is_empty() {
            let undecided = inventory.bucket_policies.iter().find_map(|p| {
                (p.origin.file == o.file)
                    .then(|| {
                        p.targets.iter().find_map(|t| match t {
                            Value::Unknown { reason, span } => Some((p, reason.clone(), *span)),
                            _ => None,
                        })
                    })
                    .flatten()
            });
            match undecided {
                Some((policy, reason, span)) => out.say_in(o, &policy.origin, Outcome::Unknown, Some(span), "Bucket", format!("cannot decide: bucket policy `{}` names its bucket with a value only the deployment knows ({reason})", policy.origin.logical_id)),
                None => out.fail(o, None, "BucketPolicy", "no bucket policy: access is decided by identity policies alone, and the bucket refuses nothing on its own (no TLS, organization or network Deny)"),
            }
            continue;
        }
        for policy in attached {
            let denies: Vec<String> = policy
                .document
                .policy
                .iter()
                .flat_map(|p| &p.statements)
                .filter(|s| s.effect.value == Effect::Deny)
                .map(|s| format!("`{}`", s.label()))
                .collect();
            if let (true, Some(reason)) = (denies.is_empty(), &policy.document.unknown) {
                out.say_in(
                    o,
                    &policy.origin,
                    Outcome::Unknown,
                    Some(policy.document.span),
                    "PolicyDocument",
                    format!("cannot decide: {reason}"),
                );
            } else if denies.is_empty() {
                out.say_in(o, &policy.origin, Outcome::Partial, Some(policy.document.span), "PolicyDocument", format!("bucket policy `{}` has no `Deny` statement: it only grants access and restricts nothing", policy.origin.logical_id));
            } else {
                out.say_in(
                    o,
                    &policy.origin,
                    Outcome::Pass,
                    Some(policy.document.span),
                    "PolicyDocument",
                    format!(
                        "bucket policy `{}` restricts access with {}",
                        policy.origin.logical_id,
                        denies.join(", ")
                    ),
                );
            }
        }
    }
}
