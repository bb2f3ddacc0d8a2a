use super::identity::{constraint, of_role};
use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use crate::policy_questions::covers_action;
use moat_iac::Inventory;
use moat_iac::inventory::Role;
use moat_policy::document::{Effect, PrincipalKind};
use moat_source::Span;

pub static CHECK: Check = Check {
    id: "CHK-S3-044",
    title: "Role trusts a service principal that the trust policy does not tie to your resources",
    category: Category::CriticalSecurity,
    severity: Severity::Medium,
    controls: &["C-S3-095", "C-S3-090"],
    proves: &["C-S3-095"],
    security_hub: &[],
    doc: "## What it does\nReads each role's trust policy for `Allow` statements that let a service principal call `sts:AssumeRole`.\n\n- `ec2.amazonaws.com`: fails, because a trust policy cannot name instances. Any instance launched with an instance profile that holds the role gets its credentials, so whoever may `iam:PassRole` the role and call `ec2:RunInstances` (or `ec2:AssociateIamInstanceProfile` on a running instance) uses its permissions. It is partial when the role's own permission policies bind every grant to the instances whose credentials they accept, with `ec2:SourceInstanceARN`, `aws:Ec2InstanceSourceVpc` or `aws:Ec2InstanceSourcePrivateIPv4`.\n- any other service: fails without an `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` or `aws:SourceOrgPaths` condition (the cross-service confused deputy). For `s3.amazonaws.com` and `batchoperations.s3.amazonaws.com` it is partial: AWS documents the trust policy of S3 replication and Batch Operations roles without these keys.\n\nRoles trusted by no service are not applicable.\n\n## Why is this bad?\nReviews often ask for an EC2 role to be limited to \"specific instances\" in its trust policy; that is not possible. What decides who uses an EC2 role is who may pass it (`iam:PassRole`, ideally with `iam:PassedToService` `ec2.amazonaws.com` and on this role's ARN only) and what the role's own policies require of the calling instance: `ec2:SourceInstanceARN` and `aws:Ec2InstanceSourceVpc` describe the instance the credentials were issued to (they travel with stolen credentials), so they select instances; comparing `aws:Ec2InstanceSourceVpc` with `${aws:SourceVpc}` (or `aws:Ec2InstanceSourcePrivateIPv4` with `${aws:VpcSourceIp}`) in a `Deny` limits where the credentials work, for requests that reach AWS through VPC endpoints. For other services, a trust without source conditions lets the service assume the role for a resource of another customer that names your role (the confused deputy). Not every service sends `aws:SourceAccount`/`aws:SourceArn` when it assumes a role: add them where the service's documentation (its \"cross-service confused deputy prevention\" page) lists them, since a condition on a key the service does not send makes `AssumeRole` fail.\n\n## Example\n```yaml\nAssumeRolePolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        Service: ec2.amazonaws.com\n      Action: sts:AssumeRole\n```\n\n## Remediation\nFor EC2 roles: allow `iam:PassRole` on this role only to the principals that launch its instances, with `iam:PassedToService: ec2.amazonaws.com`; add `ec2:SourceInstanceARN` or `aws:Ec2InstanceSourceVpc` conditions to the role's S3 grants, and, where the instances reach AWS through VPC endpoints, a `Deny` when `aws:Ec2InstanceSourceVpc` differs from `${aws:SourceVpc}`. For other services: add `aws:SourceAccount` (and `aws:SourceArn` for the resource that uses the role) where the service documents them.\n\n## References\n- https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-ec2instancesourcevpc\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html",
    recommendation: "Bind service trusts to your own resources (`aws:SourceAccount`/`aws:SourceArn` where the service sends them); for EC2, limit `iam:PassRole` and bind the role's grants to your instances.",
    fix: "# in the launching principal's policy: who may hand the role to EC2\n- Effect: Allow\n  Action: iam:PassRole\n  Resource: !GetAtt AppRole.Arn\n  Condition:\n    StringEquals:\n      iam:PassedToService: ec2.amazonaws.com\n# in the role's own policy: its S3 grant only for instances in your VPC\n- Effect: Allow\n  Action: s3:GetObject\n  Resource: !Sub '${Data.Arn}/*'\n  Condition:\n    StringEquals:\n      aws:Ec2InstanceSourceVpc: !Ref AppVpc",
    cdk: Some(CdkFix {
        typescript: r#"// who may hand the role to EC2: the principal that launches the instances, only to EC2
launcher.addToPrincipalPolicy(
  new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [role.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
  }),
);
// every grant of the role holds only for instances in your VPC
role.addToPolicy(
  new iam.PolicyStatement({
    actions: ['s3:GetObject'],
    resources: [bucket.arnForObjects('*')],
    conditions: { StringEquals: { 'aws:Ec2InstanceSourceVpc': vpc.vpcId } },
  }),
);"#,
        python: r#"# who may hand the role to EC2: the principal that launches the instances, only to EC2
launcher.add_to_principal_policy(
    iam.PolicyStatement(
        actions=["iam:PassRole"],
        resources=[role.role_arn],
        conditions={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
    )
)
# every grant of the role holds only for instances in your VPC
role.add_to_policy(
    iam.PolicyStatement(
        actions=["s3:GetObject"],
        resources=[bucket.arn_for_objects("*")],
        conditions={"StringEquals": {"aws:Ec2InstanceSourceVpc": vpc.vpc_id}},
    )
)"#,
    }),
    terraform: Some(
        r#"# who may hand the role to EC2: the principal that launches the instances, only to EC2
data "aws_iam_policy_document" "pass_app_role" {
  statement {
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.app.arn]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "launcher" {
  name   = "pass-app-role"
  role   = aws_iam_role.launcher.id
  policy = data.aws_iam_policy_document.pass_app_role.json
}

# every grant of the role holds only for instances in your VPC
data "aws_iam_policy_document" "app" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.data.arn}/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:Ec2InstanceSourceVpc"
      values   = [aws_vpc.app.id]
    }
  }
}

resource "aws_iam_role_policy" "app" {
  name   = "read-data"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.app.json
}"#,
    ),
    run,
};

const SOURCE_KEYS: &[&str] = &[
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];
const INSTANCE_KEYS: &[&str] = &[
    "ec2:SourceInstanceARN",
    "aws:Ec2InstanceSourceVpc",
    "aws:Ec2InstanceSourcePrivateIPv4",
];

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for role in &inventory.roles {
        judge(inventory, role, out);
    }
}

fn judge(inventory: &Inventory, role: &Role, out: &mut crate::Out) {
    let o = &role.origin;
    let path = "AssumeRolePolicyDocument";
    let Some(trust) = super::identity::trust_policy(role, out) else {
        return;
    };
    let Some(doc) = &role.trust else { return };
    // (outcome, message, span), most severe kept
    let mut findings: Vec<(Outcome, String, Span)> = Vec::new();
    let mut services = Vec::new();
    let mut pinned = Vec::new();
    for s in &trust.statements {
        if s.effect.value != Effect::Allow || !covers_action(s, "sts:AssumeRole") {
            continue;
        }
        let Some(principals) = &s.principal else {
            continue;
        };
        for e in principals
            .entries
            .iter()
            .filter(|e| e.kind == PrincipalKind::Service)
        {
            let service = e.value.value.to_ascii_lowercase();
            services.push(format!("`{}`", e.value.value));
            if service == "ec2.amazonaws.com" {
                findings.push(ec2(inventory, role, e.value.span));
                continue;
            }
            if let Some(c) = constraint(s, SOURCE_KEYS) {
                pinned.push(format!("`{}`", c.key.value));
                continue;
            }
            let (outcome, message) = if matches!(
                service.as_str(),
                "s3.amazonaws.com" | "batchoperations.s3.amazonaws.com"
            ) {
                (
                    Outcome::Partial,
                    format!(
                        "`{}` is trusted with no `aws:SourceAccount` or `aws:SourceArn` condition; AWS documents the trust policy of S3 replication and Batch Operations roles without them, so keep the role dedicated to that use and limit who may `iam:PassRole` it",
                        e.value.value
                    ),
                )
            } else {
                (
                    Outcome::Fail,
                    format!(
                        "`{}` is trusted with no `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` or `aws:SourceOrgPaths` condition: the service can be led to assume this role for another account's resource (confused deputy); add them where the service documents them for roles it assumes",
                        e.value.value
                    ),
                )
            };
            findings.push((outcome, message, e.value.span));
        }
    }
    if services.is_empty() {
        out.not_applicable(o, path, "no service principal is trusted");
        return;
    }
    let worst = findings
        .into_iter()
        .max_by_key(|(outcome, ..)| match outcome {
            Outcome::Fail => 2,
            Outcome::Partial => 1,
            _ => 0,
        });
    match worst {
        Some((outcome, message, span)) => out.say(o, outcome, Some(span), path, message),
        None => out.pass(
            o,
            Some(doc.span),
            path,
            format!(
                "{} {} trusted only for your own resources ({})",
                services.join(", "),
                if services.len() == 1 { "is" } else { "are" },
                pinned.join(", ")
            ),
        ),
    }
}

/// The verdict on an EC2 trust: the trust cannot name instances; what the
/// role's own grants require of the calling instance can narrow it.
fn ec2(inventory: &Inventory, role: &Role, span: Span) -> (Outcome, String, Span) {
    const WHY: &str = "`ec2.amazonaws.com` is trusted: a trust policy cannot name instances, so every instance launched with an instance profile holding this role gets its credentials, and whoever may `iam:PassRole` it and call `ec2:RunInstances` (or `ec2:AssociateIamInstanceProfile`) uses its permissions";
    let policies = of_role(inventory, role);
    let mut keys: Vec<String> = Vec::new();
    let bound = match policies.decided() {
        Ok(docs) => {
            let grants: Vec<_> = docs
                .iter()
                .flat_map(|(_, p)| p.statements.iter())
                .filter(|s| s.effect.value == Effect::Allow)
                .collect();
            !grants.is_empty()
                && policies.external.is_empty()
                && grants.iter().all(|s| match constraint(s, INSTANCE_KEYS) {
                    Some(c) => {
                        let k = format!("`{}`", c.key.value);
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                        true
                    }
                    None => false,
                })
        }
        Err(_) => false,
    };
    if bound {
        (
            Outcome::Partial,
            format!(
                "{WHY}; every grant of the role names the instances it holds for ({}), so an instance launched elsewhere with the role gets nothing, but who may pass the role is decided by `iam:PassRole` grants outside it",
                keys.join(", ")
            ),
            span,
        )
    } else {
        (
            Outcome::Fail,
            format!(
                "{WHY}; limit `iam:PassRole` on this role (with `iam:PassedToService`) and bind its grants to your instances with `ec2:SourceInstanceARN` or `aws:Ec2InstanceSourceVpc`"
            ),
            span,
        )
    }
}
