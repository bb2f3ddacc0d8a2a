use crate::check::{Category, Check, Severity};
use moat_iac::Inventory;

use super::hard_coded::Kind;

pub static CHECK: Check = Check {
    id: "CHK-S3-032",
    title: "Account id written out instead of AWS::AccountId",
    category: Category::ImplementationFlaw,
    severity: Severity::Low,
    controls: &["C-S3-110"],
    proves: &[],
    security_hub: &[],
    doc: "## What it does\nFails each place where the template writes a 12-digit account id literally: in an ARN's account field in any property of any resource (an ARN written as one string, in a `!Sub` template after `${AWS::Region}` or `${AWS::Partition}`, or built with `Fn::Join`); anywhere in a `Principal` (of a policy statement or a Lambda permission); in a property or condition key whose value is an account (`SourceAccount`, a replication rule's `Destination.Account`, `ExpectedBucketOwner`, `aws:SourceAccount`, `aws:PrincipalAccount`, `aws:ResourceAccount`, `s3:ResourceAccount`); or in a bucket name. Only text written in the template counts: `${AWS::AccountId}`, a parameter or an import is not hard-coded. Each bucket without one passes. An account id that is deliberately another account (a partner, a log archive) is reported too: pass it as a parameter.\n\n## Why is this bad?\nA literal account id ties the template to one account: deployed in another (staging, a second production account) it grants access to, or points at, resources of the first account. Account ids in templates also end up in repositories and logs, which helps anyone mapping the organization.\n\n## Example\n```yaml\nBucketName: secure-app-data-123456789012\nPrincipal:\n  AWS: arn:aws:iam::123456789012:role/app\n```\n\n## Remediation\nUse `!Sub` with `${AWS::AccountId}` for the stack's own account (`!Sub 'arn:aws:iam::${AWS::AccountId}:role/app'`), and a parameter for other accounts.\n\n## References\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html\n- https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html",
    recommendation: "Write `${AWS::AccountId}` (with `!Sub`) wherever the stack's own account is meant, and parameters for other accounts.",
    fix: "Principal:\n  AWS: !Sub 'arn:aws:iam::${AWS::AccountId}:role/app'",
    cdk: Some(super::hard_coded_region::CDK),
    terraform: Some(
        r#"# the configuration's own account, read at plan time; a variable for another account
data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "data" {
  statement {
    sid       = "AppReads"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.data.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/app"]
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
    super::hard_coded::run(inventory, out, Kind::Account);
}
