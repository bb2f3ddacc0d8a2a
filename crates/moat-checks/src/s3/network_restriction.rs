use super::readable_policies::bucket_policies_partly;
use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use crate::policy_questions::covers_action;
use moat_iac::{Inventory, Value};
use moat_policy::document::{Effect, OperatorFamily};

pub static CHECK: Check = Check {
    id: "CHK-S3-020",
    title: "Access is not limited to VPC endpoints or access points",
    category: Category::MissingFeature,
    severity: Severity::Medium,
    controls: &["C-S3-109", "C-S3-020"],
    proves: &[],
    security_hub: &[],
    doc: "## What it does\nPasses buckets whose policy has a `Deny` on object or bucket requests that do not come through the expected VPC endpoints (`aws:SourceVpce`), VPCs (`aws:SourceVpc`) or access points (`s3:DataAccessPointArn`, or the weaker `s3:DataAccessPointAccount`), written with a negated operator (`StringNotEquals`, `StringNotLike`, `ArnNotEquals`, `ArnNotLike`, with or without `IfExists`). Reports partial when those keys appear only in `Allow` statements, and fails when no statement uses them. Access points defined for the bucket are named in the message: they add a path, but the bucket stays reachable directly unless its policy refuses it.\n\n## Why is this bad?\nWithout a network condition, valid credentials (a leaked access key, a stolen session, a presigned URL) work from any network on the internet. An `Allow` conditioned on a VPC endpoint only limits what that statement grants: principals of the account whose identity policies allow S3 still reach the bucket from anywhere. Only a `Deny` binds them.\n\n## Example\nA bucket policy that only grants an application role `s3:GetObject`, with no `aws:SourceVpce` condition.\n\n## Remediation\nAdd a `Deny` for `s3:*` on the bucket and its objects when `aws:SourceVpce` is not one of your endpoints (`StringNotEqualsIfExists`), exempting AWS services acting for you (`aws:PrincipalIsAWSService`, `aws:ViaAWSService`) and a break-glass role; or delegate access to named access points with `s3:DataAccessPointArn`.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpce",
    recommendation: "Deny requests to the bucket that do not arrive through your VPC endpoints or named access points.",
    fix: "- Sid: DenyOutsideVpcEndpoint\n  Effect: Deny\n  Principal: '*'\n  Action: 's3:*'\n  Resource:\n    - !GetAtt Data.Arn\n    - !Sub '${Data.Arn}/*'\n  Condition:\n    StringNotEqualsIfExists:\n      aws:SourceVpce: !Ref S3Endpoint\n    BoolIfExists:\n      aws:PrincipalIsAWSService: 'false'\n      aws:ViaAWSService: 'false'",
    cdk: Some(CdkFix {
        typescript: r#"const endpoint = vpc.addGatewayEndpoint('S3Endpoint', {
  service: ec2.GatewayVpcEndpointAwsService.S3,
});
bucket.addToResourcePolicy(
  new iam.PolicyStatement({
    sid: 'DenyOutsideVpcEndpoint',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:*'],
    resources: [bucket.bucketArn, bucket.arnForObjects('*')],
    conditions: {
      StringNotEqualsIfExists: { 'aws:SourceVpce': endpoint.vpcEndpointId },
      BoolIfExists: {
        'aws:PrincipalIsAWSService': 'false',
        'aws:ViaAWSService': 'false',
      },
    },
  }),
);"#,
        python: r#"endpoint = vpc.add_gateway_endpoint(
    "S3Endpoint", service=ec2.GatewayVpcEndpointAwsService.S3
)
bucket.add_to_resource_policy(
    iam.PolicyStatement(
        sid="DenyOutsideVpcEndpoint",
        effect=iam.Effect.DENY,
        principals=[iam.AnyPrincipal()],
        actions=["s3:*"],
        resources=[bucket.bucket_arn, bucket.arn_for_objects("*")],
        conditions={
            "StringNotEqualsIfExists": {"aws:SourceVpce": endpoint.vpc_endpoint_id},
            "BoolIfExists": {
                "aws:PrincipalIsAWSService": "false",
                "aws:ViaAWSService": "false",
            },
        },
    )
)"#,
    }),
    terraform: Some(
        r#"data "aws_region" "current" {}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.app.id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_vpc.app.main_route_table_id]
}

data "aws_iam_policy_document" "data" {
  statement {
    sid       = "DenyOutsideVpcEndpoint"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "StringNotEqualsIfExists"
      variable = "aws:SourceVpce"
      values   = [aws_vpc_endpoint.s3.id]
    }
    condition {
      test     = "BoolIfExists"
      variable = "aws:PrincipalIsAWSService"
      values   = ["false"]
    }
    condition {
      test     = "BoolIfExists"
      variable = "aws:ViaAWSService"
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

const KEYS: &[&str] = &[
    "aws:SourceVpce",
    "aws:SourceVpc",
    "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount",
];

const DATA: &[&str] = &["s3:GetObject", "s3:PutObject", "s3:ListBucket"];

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let (docs, unknown) = bucket_policies_partly(inventory, bucket);
        let access_points: Vec<String> = inventory
            .access_points
            .iter()
            .filter(|a| a.origin.file == o.file)
            .filter(|a| match &a.bucket {
                Value::Known { value, .. } => inventory
                    .bucket_named(value)
                    .is_some_and(|b| b.standin == bucket.standin),
                _ => false,
            })
            .map(|a| format!("`{}`", a.origin.logical_id))
            .collect();
        let mut denies = Vec::new();
        let mut allows = None;
        let mut holder = None;
        for (attached, policy) in docs {
            for s in &policy.statements {
                for c in &s.conditions {
                    let Some(key) = KEYS.iter().find(|k| c.key.value.eq_ignore_ascii_case(k))
                    else {
                        continue;
                    };
                    let negated = matches!(
                        c.operator.value.family,
                        OperatorFamily::StringNotEquals
                            | OperatorFamily::StringNotLike
                            | OperatorFamily::ArnNotEquals
                            | OperatorFamily::ArnNotLike
                    );
                    let covers: Vec<&str> = DATA
                        .iter()
                        .copied()
                        .filter(|a| covers_action(s, a))
                        .collect();
                    if s.effect.value == Effect::Deny && negated && !covers.is_empty() {
                        let weak = if *key == "s3:DataAccessPointAccount" {
                            " (which trusts every access point of that account)"
                        } else {
                            ""
                        };
                        denies.push(format!(
                            "statement `{}` denies {} unless `{key}` matches{weak}",
                            s.label(),
                            covers
                                .iter()
                                .map(|a| format!("`{a}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                        holder.get_or_insert((attached.origin.clone(), c.key.span));
                    } else if s.effect.value == Effect::Allow && !negated {
                        allows.get_or_insert((
                            attached.origin.clone(),
                            c.key.span,
                            s.label(),
                            *key,
                        ));
                    }
                }
            }
        }
        let ap_note = if access_points.is_empty() {
            String::new()
        } else {
            format!(
                "; the bucket's access points ({}) add a path but do not close the direct one",
                access_points.join(", ")
            )
        };
        if let Some((holder, span)) = holder {
            out.say_in(
                o,
                &holder,
                Outcome::Pass,
                Some(span),
                "PolicyDocument.Statement.Condition",
                denies.join("; "),
            );
        } else if let Some(undecided) = unknown {
            undecided.say(out, o);
        } else if let Some((holder, span, label, key)) = allows {
            out.say_in(o, &holder, Outcome::Partial, Some(span), "PolicyDocument.Statement.Condition", format!("`{key}` limits only what statement `{label}` grants: principals of this account whose identity policies allow S3 still reach the bucket from any network, since no `Deny` refuses other paths{ap_note}"));
        } else {
            out.fail(o, None, "BucketPolicy", format!("no bucket policy statement limits access to VPC endpoints (`aws:SourceVpce`, `aws:SourceVpc`) or access points (`s3:DataAccessPointArn`): valid credentials reach the bucket from any network{ap_note}"));
        }
    }
}
