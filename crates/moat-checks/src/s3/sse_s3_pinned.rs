use super::readable_policies::bucket_policies_partly;
use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use moat_iac::{Inventory, Value};
use moat_policy::document::{Effect, OperatorFamily};

pub static CHECK: Check = Check {
    id: "CHK-S3-019",
    title: "Bucket policy pins uploads to SSE-S3 (AES256)",
    category: Category::ImplementationFlaw,
    severity: Severity::Medium,
    controls: &["C-S3-031", "C-S3-033"],
    proves: &[],
    security_hub: &[],
    doc: "## What it does\nFails buckets whose policy has a condition on `s3:x-amz-server-side-encryption` whose only value is `AES256`: a `Deny` with `StringNotEquals` (or `StringNotLike`, with or without `IfExists`) `AES256`, or an `Allow` with `StringEquals` (or `StringLike`) `AES256`. Says so when the bucket's own default encryption is `aws:kms`, which the condition contradicts.\n\n## Why is this bad?\nThe condition refuses uploads that ask for SSE-KMS, so data cannot be put under a customer managed key whose policy, logging and revocation you control. It adds no protection either: since 5 January 2023 S3 encrypts every new object with SSE-S3 when nothing else is asked for. `StringNotEquals` also holds when the request carries no encryption header (a negated operator is true on a missing key, and `StringNotEqualsIfExists` is true on a missing key by definition), so every upload that relies on the bucket's default encryption is refused too; with a default of `aws:kms`, only uploads that explicitly ask for SSE-S3 get through and no object ends up under the bucket's key.\n\n## Example\n```yaml\n- Effect: Deny\n  Principal: '*'\n  Action: s3:PutObject\n  Resource: !Sub '${Data.Arn}/*'\n  Condition:\n    StringNotEquals:\n      s3:x-amz-server-side-encryption: AES256\n```\n\n## Remediation\nRemove the condition, or require SSE-KMS instead, with default encryption `aws:kms` under your key: deny uploads that send the header with another value (`StringNotEquals` `s3:x-amz-server-side-encryption` `aws:kms` together with `Null` `s3:x-amz-server-side-encryption` `false`), so uploads that send no header still get the bucket's KMS default; drop the `Null` condition only if every client must name the encryption itself. Pin the key with `s3:x-amz-server-side-encryption-aws-kms-key-id` the same way.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
    recommendation: "Drop the AES256 condition; if uploads must be encrypted a particular way, require SSE-KMS with your key.",
    fix: "- Sid: DenyOtherEncryption\n  Effect: Deny\n  Principal: '*'\n  Action: s3:PutObject\n  Resource: !Sub '${Data.Arn}/*'\n  Condition:\n    StringNotEquals:\n      s3:x-amz-server-side-encryption: aws:kms\n    'Null':\n      s3:x-amz-server-side-encryption: 'false'",
    cdk: Some(CdkFix {
        typescript: r#"// drop the statement that requires AES256 and let default encryption apply; or,
// to require SSE-KMS, refuse uploads that ask for another encryption (uploads
// without the header still get the bucket's aws:kms default: the Null check)
bucket.addToResourcePolicy(
  new iam.PolicyStatement({
    sid: 'DenyOtherEncryption',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects('*')],
    conditions: {
      StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
      Null: { 's3:x-amz-server-side-encryption': 'false' },
    },
  }),
);"#,
        python: r#"# drop the statement that requires AES256 and let default encryption apply; or,
# to require SSE-KMS, refuse uploads that ask for another encryption (uploads
# without the header still get the bucket's aws:kms default: the Null check)
bucket.add_to_resource_policy(
    iam.PolicyStatement(
        sid="DenyOtherEncryption",
        effect=iam.Effect.DENY,
        principals=[iam.AnyPrincipal()],
        actions=["s3:PutObject"],
        resources=[bucket.arn_for_objects("*")],
        conditions={
            "StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"},
            "Null": {"s3:x-amz-server-side-encryption": "false"},
        },
    )
)"#,
    }),
    terraform: Some(
        r#"# drop the statement that requires AES256 and let default encryption apply; or,
# to require SSE-KMS, refuse uploads that ask for another encryption (uploads
# without the header still get the bucket's aws:kms default: the Null test)
data "aws_iam_policy_document" "data" {
  statement {
    sid       = "DenyOtherEncryption"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.data.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["aws:kms"]
    }
    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption"
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

const KEY: &str = "s3:x-amz-server-side-encryption";

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let (docs, unknown) = bucket_policies_partly(inventory, bucket);
        let kms_default = matches!(
            &bucket.encryption,
            Value::Known { value, .. } if value.algorithm.get().is_some_and(|a| a.starts_with("aws:kms"))
        );
        let mut found = None;
        for (attached, policy) in docs {
            for s in &policy.statements {
                for c in &s.conditions {
                    let op = c.operator.value;
                    if !c.key.value.eq_ignore_ascii_case(KEY)
                        || c.values.is_empty()
                        || !c.values.iter().all(|v| v.value == "AES256")
                        || op.qualifier.is_some()
                    {
                        continue;
                    }
                    let message = match (s.effect.value, op.family) {
                        (
                            Effect::Deny,
                            OperatorFamily::StringNotEquals | OperatorFamily::StringNotLike,
                        ) => {
                            // `Null: false` on the key in the same statement
                            // spares uploads that send no header
                            let spares_absent = s.conditions.iter().any(|n| {
                                n.operator.value.family == OperatorFamily::Null
                                    && n.key.value.eq_ignore_ascii_case(KEY)
                                    && n.values
                                        .iter()
                                        .all(|v| v.value.eq_ignore_ascii_case("false"))
                            });
                            if spares_absent {
                                let clash = if kms_default {
                                    "; and it refuses uploads that ask for `aws:kms`, the bucket's own default encryption"
                                } else {
                                    ""
                                };
                                format!(
                                    "statement `{}` denies uploads that ask for any encryption but `AES256` (`{}`, with `Null` `false` sparing uploads without the header): uploads requesting SSE-KMS are refused, and S3 applies SSE-S3 to every new object since 5 January 2023 anyway, so the deny adds no protection{clash}",
                                    s.label(),
                                    op.name()
                                )
                            } else {
                                let clash = if kms_default {
                                    "; it contradicts the bucket's default encryption `aws:kms`: every accepted upload asks for SSE-S3, so no object is encrypted under the bucket's KMS key"
                                } else {
                                    ""
                                };
                                format!(
                                    "statement `{}` denies every upload that does not send `{KEY}: AES256` (`{}` also holds when the header is absent): uploads requesting SSE-KMS and uploads relying on default encryption are refused, and S3 applies SSE-S3 to every new object since 5 January 2023 anyway, so the deny adds no protection{clash}",
                                    s.label(),
                                    op.name()
                                )
                            }
                        }
                        (
                            Effect::Allow,
                            OperatorFamily::StringEquals | OperatorFamily::StringLike,
                        ) => {
                            let clash = if kms_default {
                                "; it contradicts the bucket's default encryption `aws:kms`"
                            } else {
                                ""
                            };
                            format!(
                                "statement `{}` allows uploads only when they send `{KEY}: AES256`: uploads that request SSE-KMS or send no encryption header get no access from it{clash}",
                                s.label()
                            )
                        }
                        _ => continue,
                    };
                    found.get_or_insert((attached.origin.clone(), c.values[0].span, message));
                }
            }
        }
        match found {
            Some((holder, span, message)) => out.say_in(
                o,
                &holder,
                Outcome::Fail,
                Some(span),
                "PolicyDocument.Statement.Condition",
                message,
            ),
            None => match unknown {
                Some(undecided) => undecided.say(out, o),
                None => out.pass(
                    o,
                    None,
                    "BucketPolicy",
                    format!("no bucket policy condition pins `{KEY}` to `AES256`"),
                ),
            },
        }
    }
}
