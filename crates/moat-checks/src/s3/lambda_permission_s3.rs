use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-050",
    title: "Lambda permission for S3 without SourceAccount",
    category: Category::PolicyWeakness,
    severity: Severity::Medium,
    controls: &["C-S3-095"],
    proves: &["C-S3-095"],
    security_hub: &["Lambda.1"],
    doc: "## What it does\nFails `AWS::Lambda::Permission` resources that let `s3.amazonaws.com` invoke a function without `SourceAccount` or `SourceArn`; with `SourceArn` only it is partial. Permissions for other principals are not applicable.\n\n## Why is this bad?\nWithout conditions, S3 invokes the function for a notification from any bucket of any account that names it. `SourceArn` names the bucket, but bucket ARNs carry no account: if the bucket is deleted, another account can create one with the same name and invoke the function with events it makes up. `SourceAccount` pins the bucket owner. Security Hub Lambda.1 fails functions invoked by S3 whose policy has no `AWS:SourceAccount` condition.\n\n## Example\n```yaml\nInvokeFromS3:\n  Type: AWS::Lambda::Permission\n  Properties:\n    FunctionName: !Ref Handler\n    Action: lambda:InvokeFunction\n    Principal: s3.amazonaws.com\n```\n\n## Remediation\nSet `SourceAccount: !Ref AWS::AccountId` and `SourceArn` to the bucket's ARN.\n\n## References\n- https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html#lambda-1",
    recommendation: "Give every S3 invoke permission `SourceAccount` (the bucket owner) and `SourceArn` (the bucket).",
    fix: "SourceAccount: !Ref AWS::AccountId\nSourceArn: !GetAtt Data.Arn",
    cdk: Some(CdkFix {
        typescript: r#"fn.addPermission('S3Invoke', {
  principal: new iam.ServicePrincipal('s3.amazonaws.com'),
  sourceAccount: cdk.Aws.ACCOUNT_ID,
  sourceArn: bucket.bucketArn,
});"#,
        python: r#"fn.add_permission(
    "S3Invoke",
    principal=iam.ServicePrincipal("s3.amazonaws.com"),
    source_account=cdk.Aws.ACCOUNT_ID,
    source_arn=bucket.bucket_arn,
)"#,
    }),
    terraform: Some(
        r#"data "aws_caller_identity" "current" {}

resource "aws_lambda_permission" "s3_invoke" {
  statement_id   = "S3Invoke"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.handler.function_name
  principal      = "s3.amazonaws.com"
  source_account = data.aws_caller_identity.current.account_id
  source_arn     = aws_s3_bucket.data.arn
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for p in &inventory.lambda_permissions {
        let o = &p.origin;
        match &p.principal {
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), "Principal", reason);
                continue;
            }
            Value::Known { value, .. } if value.eq_ignore_ascii_case("s3.amazonaws.com") => {}
            Value::Known { value, .. } => {
                out.not_applicable(
                    o,
                    "Principal",
                    format!("the principal is `{value}`, not S3"),
                );
                continue;
            }
            Value::Absent => {
                out.not_applicable(o, "Principal", "no `Principal`");
                continue;
            }
        }
        let principal_span = p.principal.span();
        match (&p.source_account, &p.source_arn) {
            (Value::Known { value, span }, arn) => {
                let buckets = arn
                    .get()
                    .map(|a| format!("bucket `{a}`"))
                    .unwrap_or_else(|| "buckets".to_string());
                out.pass(
                    o,
                    Some(*span),
                    "SourceAccount",
                    format!(
                        "S3 may invoke the function only for {buckets} of {}",
                        super::identity::account_text(value)
                    ),
                );
            }
            (Value::Unknown { reason, span }, _) => out.unknown(o, Some(*span), "SourceAccount", reason),
            (Value::Absent, Value::Known { value, span }) => out.partial(
                o,
                Some(*span),
                "SourceArn",
                format!("`SourceArn` `{value}` but no `SourceAccount`: bucket ARNs carry no account, so if the bucket is deleted another account can create one with that name and invoke the function"),
            ),
            (Value::Absent, Value::Unknown { reason, span }) => out.unknown(o, Some(*span), "SourceArn", reason),
            (Value::Absent, Value::Absent) => out.fail(
                o,
                principal_span,
                "SourceAccount",
                "`s3.amazonaws.com` may invoke the function with no `SourceAccount` or `SourceArn`: a notification from any bucket of any account that names the function invokes it",
            ),
        }
    }
}
