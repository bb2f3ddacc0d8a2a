use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::Inventory;

use super::hard_coded::Kind;

pub(crate) const CDK: CdkFix = CdkFix {
    typescript: r#"// tokens for the Region and account the stack deploys to; not this.region,
// which is the literal again when the stack's env names a Region
const bucket = new s3.Bucket(this, 'Data', {
  bucketName: `secure-app-data-${cdk.Aws.ACCOUNT_ID}-${cdk.Aws.REGION}`,
});
const logGroups = `arn:${cdk.Aws.PARTITION}:logs:${cdk.Aws.REGION}:${cdk.Aws.ACCOUNT_ID}:log-group:/app/*`;"#,
    python: r#"# tokens for the Region and account the stack deploys to; not self.region,
# which is the literal again when the stack's env names a Region
bucket = s3.Bucket(
    self,
    "Data",
    bucket_name=f"secure-app-data-{cdk.Aws.ACCOUNT_ID}-{cdk.Aws.REGION}",
)
log_groups = f"arn:{cdk.Aws.PARTITION}:logs:{cdk.Aws.REGION}:{cdk.Aws.ACCOUNT_ID}:log-group:/app/*""#,
};

pub static CHECK: Check = Check {
    id: "CHK-S3-031",
    title: "Region written out instead of AWS::Region",
    category: Category::ImplementationFlaw,
    severity: Severity::Low,
    controls: &["C-S3-110"],
    proves: &[],
    security_hub: &[],
    doc: "## What it does\nFails each place where the template writes a Region name (`us-east-1`, `eu-central-2`, `us-gov-west-1`) literally: in an ARN's Region field in any property of any resource (an ARN written as one string, in a `!Sub` template, or built with `Fn::Join`), anywhere in a value of a policy document, in a bucket name (a bucket's `BucketName`, or that of a SAM policy template), or in a VPC endpoint's `ServiceName`. Only text written in the template counts: `${AWS::Region}`, a parameter or an import is not hard-coded. Each bucket without one passes.\n\n## Why is this bad?\nA literal Region ties the template to one Region: deployed elsewhere (a second Region, disaster recovery, another environment) it creates resources that point back at the first Region, or fails. A bucket name with a Region in it cannot be created in a second Region under the same name, so copies of the stack collide.\n\n## Example\n```yaml\nBucketName: secure-app-data-us-east-1\nPolicyDocument:\n  Statement:\n    - Resource: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\n```\n\n## Remediation\nUse `!Sub` with `${AWS::Region}` (for example `!Sub 'secure-app-data-${AWS::AccountId}-${AWS::Region}'`, `!Sub 'com.amazonaws.${AWS::Region}.s3'`), and a parameter where another Region is meant on purpose.\n\n## References\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/best-practices.html",
    recommendation: "Write `${AWS::Region}` (with `!Sub`) wherever the stack's own Region is meant.",
    fix: "BucketName: !Sub 'secure-app-data-${AWS::AccountId}-${AWS::Region}'",
    cdk: Some(CDK),
    terraform: Some(
        r#"# the account and Region the provider works in, read at plan time
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

resource "aws_s3_bucket" "data" {
  bucket = "secure-app-data-${data.aws_caller_identity.current.account_id}-${data.aws_region.current.name}"
}

locals {
  log_groups = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/app/*"
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    super::hard_coded::run(inventory, out, Kind::Region);
}
