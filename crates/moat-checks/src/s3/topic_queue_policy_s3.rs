use super::identity::constraint;
use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use crate::policy_questions::{covers_action, decided};
use moat_iac::Inventory;
use moat_policy::document::{Effect, PrincipalKind};
use moat_source::Span;

pub static CHECK: Check = Check {
    id: "CHK-S3-051",
    title: "SNS topic or SQS queue policy lets S3 publish without SourceAccount",
    category: Category::PolicyWeakness,
    severity: Severity::Medium,
    controls: &["C-S3-013"],
    proves: &["C-S3-013"],
    security_hub: &[],
    doc: "## What it does\nReads `AWS::SNS::TopicPolicy` and `AWS::SQS::QueuePolicy` documents for `Allow` statements that let the service principal `s3.amazonaws.com` call `sns:Publish` or `sqs:SendMessage`. Without an `aws:SourceAccount` condition it fails, or is partial when an `aws:SourceArn` condition names the bucket. Policies with no such statement are not applicable.\n\n## Why is this bad?\nS3 delivers event notifications for any bucket whose owner configures your topic or queue as the destination. Without conditions, any account can point its buckets at your topic or queue and fill it with events your consumers act on. `aws:SourceArn` names the bucket, but bucket ARNs carry no account: once the bucket is deleted, another account can re-create the name. `aws:SourceAccount` pins the bucket owner.\n\n## Example\n```yaml\nPolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        Service: s3.amazonaws.com\n      Action: sqs:SendMessage\n      Resource: !GetAtt Events.Arn\n```\n\n## Remediation\nAdd `StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}` and `ArnLike: {aws:SourceArn: <bucket ARN>}`.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount",
    recommendation: "Limit S3 publishing to your own buckets with `aws:SourceAccount` and `aws:SourceArn` conditions.",
    fix: "Condition:\n  StringEquals:\n    aws:SourceAccount: !Ref AWS::AccountId\n  ArnLike:\n    aws:SourceArn: !GetAtt Data.Arn",
    cdk: Some(CdkFix {
        typescript: r#"topic.addToResourcePolicy(
  new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': cdk.Aws.ACCOUNT_ID },
      ArnLike: { 'aws:SourceArn': bucket.bucketArn },
    },
  }),
);"#,
        python: r#"topic.add_to_resource_policy(
    iam.PolicyStatement(
        principals=[iam.ServicePrincipal("s3.amazonaws.com")],
        actions=["sns:Publish"],
        resources=[topic.topic_arn],
        conditions={
            "StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID},
            "ArnLike": {"aws:SourceArn": bucket.bucket_arn},
        },
    )
)"#,
    }),
    terraform: Some(
        r#"data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "events" {
  statement {
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.events.arn]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [aws_s3_bucket.data.arn]
    }
  }
}

resource "aws_sns_topic_policy" "events" {
  arn    = aws_sns_topic.events.arn
  policy = data.aws_iam_policy_document.events.json
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for p in &inventory.queue_topic_policies {
        let o = &p.origin;
        let policy = match decided(&p.document) {
            Ok(policy) => policy,
            Err(reason) => {
                out.unknown(o, Some(p.document.span), "PolicyDocument", reason);
                continue;
            }
        };
        let mut worst: Option<(Outcome, String, Span)> = None;
        let mut found = 0;
        for s in &policy.statements {
            if s.effect.value != Effect::Allow
                || !(covers_action(s, "sns:Publish") || covers_action(s, "sqs:SendMessage"))
            {
                continue;
            }
            let Some(principals) = &s.principal else {
                continue;
            };
            let Some(e) = principals.entries.iter().find(|e| {
                e.kind == PrincipalKind::Service
                    && e.value.value.eq_ignore_ascii_case("s3.amazonaws.com")
            }) else {
                continue;
            };
            found += 1;
            if constraint(s, &["aws:SourceAccount"]).is_some() {
                continue;
            }
            let (outcome, message) = match constraint(s, &["aws:SourceArn"]) {
                Some(c) => (
                    Outcome::Partial,
                    format!(
                        "statement `{}` lets S3 publish for `{}` but has no `aws:SourceAccount`: bucket ARNs carry no account, so a bucket re-created with that name by another account is admitted",
                        s.label(),
                        c.values
                            .first()
                            .map(|v| v.value.as_str())
                            .unwrap_or_default()
                    ),
                ),
                None => (
                    Outcome::Fail,
                    format!(
                        "statement `{}` lets `s3.amazonaws.com` publish with no `aws:SourceAccount` or `aws:SourceArn` condition: buckets of any account can send events here",
                        s.label()
                    ),
                ),
            };
            if worst
                .as_ref()
                .is_none_or(|(w, ..)| outcome == Outcome::Fail && *w != Outcome::Fail)
            {
                worst = Some((outcome, message, e.value.span));
            }
        }
        match worst {
            Some((outcome, message, span)) => {
                out.say(o, outcome, Some(span), "PolicyDocument.Statement", message)
            }
            None if found == 0 => out.not_applicable(
                o,
                "PolicyDocument",
                "no statement lets `s3.amazonaws.com` publish",
            ),
            None => out.pass(
                o,
                Some(p.document.span),
                "PolicyDocument",
                "S3 may publish only for buckets of the account named by `aws:SourceAccount`",
            ),
        }
    }
}
