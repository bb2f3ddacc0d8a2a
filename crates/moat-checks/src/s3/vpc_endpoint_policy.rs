use super::identity::{all_resources, constraint, s3_actions};
use crate::check::{Category, CdkFix, Check, Severity};
use crate::policy_questions::decided;
use moat_iac::{Inventory, Value};
use moat_policy::document::{Effect, PrincipalKind, Statement};

pub static CHECK: Check = Check {
    id: "CHK-S3-036",
    title: "S3 VPC endpoint without a restrictive policy",
    category: Category::MissingFeature,
    severity: Severity::Medium,
    controls: &["C-S3-107"],
    proves: &["C-S3-107"],
    security_hub: &[],
    doc: "## What it does\nFails S3 VPC endpoints (`AWS::EC2::VPCEndpoint` for `com.amazonaws.<region>.s3` or `s3express`) without `PolicyDocument`, or whose policy allows S3 actions to every principal on every bucket. Every `Allow` statement must limit the buckets it reaches (named bucket ARNs, or `aws:ResourceOrgID`, `aws:ResourceOrgPaths`, `aws:ResourceAccount`, `s3:ResourceAccount`); one that limits only the principals (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalAccount`, `aws:PrincipalArn`, named principals) is partial. Statements limited to named buckets, such as read access to AWS-owned repository buckets, pass whatever their principal: those buckets' own policies decide who gets in.\n\n## Why is this bad?\nAn endpoint without a policy gets the default one, `Allow` `*` to `*` on `*`: any credential, of any account, reaches any bucket, of any account, through the endpoint. That makes the private subnet an exfiltration route: code in the VPC can copy data to an attacker's bucket with the attacker's own keys. Limiting principals alone does not close it: your own principals can still write to buckets of any account.\n\n## Example\n```yaml\nS3Endpoint:\n  Type: AWS::EC2::VPCEndpoint\n  Properties:\n    VpcId: !Ref Vpc\n    ServiceName: !Sub com.amazonaws.${AWS::Region}.s3\n```\n\n## Remediation\nAttach a `PolicyDocument` that allows S3 actions only when both `aws:PrincipalOrgID` and `aws:ResourceOrgID` equal your organization (or name the accounts and buckets), plus read-only statements for AWS-owned buckets the VPC needs. Gateway endpoints require `Principal: '*'` and a condition on `aws:PrincipalArn` to name principals.\n\n## References\n- https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html\n- https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid",
    recommendation: "Give every S3 VPC endpoint a policy that limits which buckets it reaches (and who may use it).",
    fix: "PolicyDocument:\n  Version: '2012-10-17'\n  Statement:\n    - Sid: OrgPrincipalsToOrgBuckets\n      Effect: Allow\n      Principal: '*'\n      Action: 's3:*'\n      Resource: '*'\n      Condition:\n        StringEquals:\n          aws:PrincipalOrgID: o-a1b2c3d4e5\n          aws:ResourceOrgID: o-a1b2c3d4e5",
    cdk: Some(CdkFix {
        typescript: r#"const endpoint = vpc.addGatewayEndpoint('S3Endpoint', {
  service: ec2.GatewayVpcEndpointAwsService.S3,
});
endpoint.addToPolicy(
  new iam.PolicyStatement({
    sid: 'OrgPrincipalsToOrgBuckets',
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:*'],
    resources: ['*'],
    conditions: {
      StringEquals: {
        'aws:PrincipalOrgID': 'o-a1b2c3d4e5',
        'aws:ResourceOrgID': 'o-a1b2c3d4e5',
      },
    },
  }),
);"#,
        python: r#"endpoint = vpc.add_gateway_endpoint(
    "S3Endpoint", service=ec2.GatewayVpcEndpointAwsService.S3
)
endpoint.add_to_policy(
    iam.PolicyStatement(
        sid="OrgPrincipalsToOrgBuckets",
        principals=[iam.AnyPrincipal()],
        actions=["s3:*"],
        resources=["*"],
        conditions={
            "StringEquals": {
                "aws:PrincipalOrgID": "o-a1b2c3d4e5",
                "aws:ResourceOrgID": "o-a1b2c3d4e5",
            }
        },
    )
)"#,
    }),
    terraform: Some(
        r#"data "aws_region" "current" {}

data "aws_iam_policy_document" "s3_endpoint" {
  statement {
    sid       = "OrgPrincipalsToOrgBuckets"
    actions   = ["s3:*"]
    resources = ["*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-a1b2c3d4e5"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceOrgID"
      values   = ["o-a1b2c3d4e5"]
    }
  }
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.app.id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_vpc.app.main_route_table_id]
  policy            = data.aws_iam_policy_document.s3_endpoint.json
}"#,
    ),
    run,
};

const PRINCIPAL_KEYS: &[&str] = &[
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
];
const RESOURCE_KEYS: &[&str] = &[
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "aws:ResourceAccount",
    "s3:ResourceAccount",
];

/// Whether a statement's principal element admits every principal.
fn everyone(s: &Statement) -> bool {
    match &s.principal {
        None => true,
        Some(p) => {
            p.negated
                || p.entries.iter().any(|e| {
                    e.kind == PrincipalKind::Everyone
                        || (e.kind == PrincipalKind::Aws && e.value.value == "*")
                })
        }
    }
}

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for ep in &inventory.vpc_endpoints {
        let o = &ep.origin;
        match &ep.service {
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), "ServiceName", reason);
                continue;
            }
            Value::Known { value, .. }
                if value.ends_with(".s3") || value.ends_with(".s3express") => {}
            Value::Known { value, .. } => {
                out.not_applicable(o, "ServiceName", format!("endpoint for `{value}`, not S3"));
                continue;
            }
            Value::Absent => {
                out.not_applicable(o, "ServiceName", "no `ServiceName`");
                continue;
            }
        }
        let Some(doc) = &ep.policy else {
            out.fail(
                o,
                None,
                "PolicyDocument",
                "no `PolicyDocument`: the default endpoint policy allows every principal, of any account, every S3 action on every bucket, of any account",
            );
            continue;
        };
        let policy = match decided(doc) {
            Ok(p) => p,
            Err(reason) => {
                out.unknown(o, Some(doc.span), "PolicyDocument", reason);
                continue;
            }
        };
        let mut worst: Option<(u8, String, moat_source::Span)> = None;
        let mut allows = 0;
        for s in &policy.statements {
            if s.effect.value != Effect::Allow || s3_actions(s).is_empty() {
                continue;
            }
            allows += 1;
            let principals = !everyone(s) || constraint(s, PRINCIPAL_KEYS).is_some();
            let buckets = !all_resources(s) || constraint(s, RESOURCE_KEYS).is_some();
            let (rank, what) = match (principals, buckets) {
                (true, true) => continue,
                (false, false) => (
                    2,
                    format!(
                        "statement `{}` allows S3 actions to every principal on every bucket: credentials of any account reach buckets of any account through the endpoint",
                        s.label()
                    ),
                ),
                (true, false) => (
                    1,
                    format!(
                        "statement `{}` limits the principals but not the buckets: they can copy data to buckets of any account through the endpoint",
                        s.label()
                    ),
                ),
                // named buckets (your own, or AWS-owned repositories): their
                // own policies decide who gets in
                (false, true) => continue,
            };
            if worst.as_ref().is_none_or(|(r, ..)| rank > *r) {
                worst = Some((rank, what, s.span));
            }
        }
        match worst {
            Some((2, what, span)) => out.fail(o, Some(span), "PolicyDocument.Statement", what),
            Some((_, what, span)) => out.partial(o, Some(span), "PolicyDocument.Statement", what),
            None if allows == 0 => out.pass(
                o,
                Some(doc.span),
                "PolicyDocument",
                "the policy allows no S3 action through the endpoint",
            ),
            None => out.pass(
                o,
                Some(doc.span),
                "PolicyDocument",
                "every statement that allows S3 actions limits the buckets it reaches",
            ),
        }
    }
}
