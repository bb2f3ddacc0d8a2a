use super::identity::name_of;
use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-048",
    title: "IAM user has policies attached directly",
    category: Category::Operational,
    severity: Severity::Low,
    controls: &["C-S3-093"],
    proves: &[],
    security_hub: &["IAM.2"],
    doc: "## What it does\nFails IAM users (`AWS::IAM::User`) with inline `Policies`, `ManagedPolicyArns`, or an `AWS::IAM::Policy` / `AWS::IAM::ManagedPolicy` whose `Users` names them. Users that get permissions only through groups pass.\n\n## Why is this bad?\nPermissions attached to individual users drift apart: each user ends up with a slightly different set, nobody reviews them as a whole, and leavers keep what was added for them. Granting through groups (or, better, IAM Identity Center permission sets) keeps one reviewed definition per job.\n\n## Example\n```yaml\nAlice:\n  Type: AWS::IAM::User\n  Properties:\n    ManagedPolicyArns:\n      - !Ref DataReaders\n```\n\n## Remediation\nAttach the policies to an `AWS::IAM::Group` and list the group in the user's `Groups`; move people to IAM Identity Center where you can.\n\n## References\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-users-federation-idp\n- https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-2",
    recommendation: "Grant users permissions through groups (or IAM Identity Center), not directly.",
    fix: "Readers:\n  Type: AWS::IAM::Group\n  Properties:\n    ManagedPolicyArns:\n      - !Ref DataReaders\nAlice:\n  Type: AWS::IAM::User\n  Properties:\n    Groups:\n      - !Ref Readers",
    cdk: Some(CdkFix {
        typescript: r#"const readers = new iam.Group(this, 'Readers', { managedPolicies: [dataReaders] });
new iam.User(this, 'Alice', { groups: [readers] });"#,
        python: r#"readers = iam.Group(self, "Readers", managed_policies=[data_readers])
iam.User(self, "Alice", groups=[readers])"#,
    }),
    terraform: Some(
        r#"resource "aws_iam_group" "readers" {
  name = "readers"
}

resource "aws_iam_group_policy_attachment" "readers" {
  group      = aws_iam_group.readers.name
  policy_arn = aws_iam_policy.data_readers.arn
}

resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_user_group_membership" "alice" {
  user   = aws_iam_user.alice.name
  groups = [aws_iam_group.readers.name]
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for user in &inventory.users {
        let o = &user.origin;
        let name = name_of(&user.arn);
        if let Some(doc) = user.inline.first() {
            out.fail(
                o,
                Some(doc.span),
                "Policies",
                format!(
                    "the user has {} inline polic{} of its own (`Policies`)",
                    user.inline.len(),
                    if user.inline.len() == 1 { "y" } else { "ies" }
                ),
            );
            continue;
        }
        if let Some(m) = user.managed.first() {
            let what = m.get().map(|v| format!(" (`{v}`)")).unwrap_or_default();
            out.fail(
                o,
                m.span(),
                "ManagedPolicyArns",
                format!(
                    "{} managed polic{} attached to the user{what}",
                    user.managed.len(),
                    if user.managed.len() == 1 { "y" } else { "ies" }
                ),
            );
            continue;
        }
        let mut unknown = None;
        let attached = inventory.identity_policies.iter().find_map(|p| {
            p.users.iter().find_map(|u| match u {
                Value::Known { value, span } if name_of(value) == name => Some((p, *span)),
                Value::Unknown { reason, span } => {
                    unknown.get_or_insert((
                        format!(
                            "`{}` attaches to a user the template does not fix: {reason}",
                            p.origin.logical_id
                        ),
                        *span,
                        p,
                    ));
                    None
                }
                _ => None,
            })
        });
        if let Some((p, span)) = attached {
            out.say_in(
                o,
                &p.origin,
                crate::Outcome::Fail,
                Some(span),
                "Users",
                format!("`{}` attaches to the user directly", p.origin.logical_id),
            );
        } else if let Some((reason, span, p)) = unknown {
            out.say_in(
                o,
                &p.origin,
                crate::Outcome::Unknown,
                Some(span),
                "Users",
                format!("cannot decide: {reason}"),
            );
        } else {
            out.pass(o, None, "", "no policy is attached to the user directly");
        }
    }
}
