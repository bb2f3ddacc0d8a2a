use super::identity::{
    MfaDeny, Policies, allow_needs_mfa, deny_without_mfa, grants_s3, of_role, of_user,
    principal_text, s3_actions,
};
use crate::check::{Category, CdkFix, Check, Severity};
use crate::policy_questions::covers_action;
use moat_iac::Inventory;
use moat_iac::inventory::Origin;
use moat_policy::document::{Effect, PrincipalKind, Statement};
use moat_source::Span;

pub static CHECK: Check = Check {
    id: "CHK-S3-046",
    title: "Human principal can act on S3 without MFA",
    category: Category::CriticalSecurity,
    severity: Severity::High,
    controls: &["C-S3-092"],
    proves: &["C-S3-092"],
    security_hub: &[],
    doc: "## What it does\nFinds the principals people use and asks whether their S3 access needs MFA:\n\n- IAM users whose policies (inline, managed, attached, and through their groups) grant S3 actions: each grant must hold only with MFA (`Bool aws:MultiFactorAuthPresent true` or a bound on `aws:MultiFactorAuthAge` in the `Allow`), or a `Deny` with `BoolIfExists aws:MultiFactorAuthPresent false` (or `Null ... true`) must cover it. A `Deny` with plain `Bool ... false` is not enough: requests signed with long-term access keys carry no MFA key, so it never matches them.\n- Roles whose trust policy lets an account (its root, so any of its users), an IAM user or every principal assume them, and whose policies grant S3 actions: the trust statement must require MFA.\n\nRoles trusted only by services are not applicable: a service assumes the role itself, and MFA cannot apply to its `AssumeRole` (CHK-S3-044 covers who can hand the role to the service). Roles trusted only through federation are not applicable either: the identity provider enforces MFA.\n\n## Why is this bad?\nA password or access key of a person is the credential most often phished, leaked in code or reused. With MFA required for S3 access, a stolen key alone cannot read or delete data.\n\n## Example\n```yaml\nAssumeRolePolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: !Sub arn:aws:iam::${AWS::AccountId}:root\n      Action: sts:AssumeRole\n```\n\n## Remediation\nAdd `Bool: {aws:MultiFactorAuthPresent: 'true'}` to the trust statements that people use; for IAM users attach a group policy that denies S3 actions with `BoolIfExists: {aws:MultiFactorAuthPresent: 'false'}`, so access keys work only through an MFA-backed `sts:GetSessionToken` session. Better, move people to IAM Identity Center and require MFA there at every sign-in.\n\n## References\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html",
    recommendation: "Require MFA for people's S3 access: an MFA condition in the trust statements people use, and a `BoolIfExists aws:MultiFactorAuthPresent false` deny for IAM users.",
    fix: "- Effect: Allow\n  Principal:\n    AWS: !Sub arn:aws:iam::${AWS::AccountId}:root\n  Action: sts:AssumeRole\n  Condition:\n    Bool:\n      aws:MultiFactorAuthPresent: 'true'",
    cdk: Some(CdkFix {
        typescript: r#"const role = new iam.Role(this, 'Operator', {
  assumedBy: new iam.AccountRootPrincipal().withConditions({
    Bool: { 'aws:MultiFactorAuthPresent': 'true' },
  }),
});"#,
        python: r#"role = iam.Role(
    self,
    "Operator",
    assumed_by=iam.AccountRootPrincipal().with_conditions(
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    ),
)"#,
    }),
    terraform: Some(
        r#"data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "operator_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

resource "aws_iam_role" "operator" {
  name               = "operator"
  assume_role_policy = data.aws_iam_policy_document.operator_trust.json
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for user in &inventory.users {
        let policies = of_user(inventory, user);
        judge_user(&user.origin, &policies, out);
    }
    for role in &inventory.roles {
        judge_role(inventory, role, out);
    }
}

/// The S3 grants of `policies`: (statement, where it is written).
fn s3_grants<'a>(
    policies: &'a [(&'a Origin, &'a moat_policy::Policy)],
) -> Vec<(&'a Origin, &'a Statement)> {
    policies
        .iter()
        .flat_map(|(o, p)| p.statements.iter().map(move |s| (*o, s)))
        .filter(|(_, s)| grants_s3(s))
        .collect()
}

/// What the policies say when they grant no S3 action themselves.
fn no_grant(policies: &Policies<'_>, out: &mut crate::Out, o: &Origin, path: &str, who: &str) {
    if let Some(arn) = policies.external_s3() {
        out.fail(
            o,
            None,
            path,
            format!("{who} has AWS managed policy `{arn}`, which grants S3 actions with no MFA condition"),
        );
    } else if let Some(arn) = policies.external.first() {
        out.unknown(
            o,
            None,
            path,
            format!("managed policy `{arn}` is not in the template: whether it grants S3 actions is not known"),
        );
    } else {
        out.not_applicable(
            o,
            path,
            format!("no policy in the template grants {who} S3 actions"),
        );
    }
}

fn judge_user(o: &Origin, policies: &Policies<'_>, out: &mut crate::Out) {
    let path = "Policies";
    let docs = match policies.decided() {
        Ok(d) => d,
        Err(reason) => {
            out.unknown(o, None, path, reason);
            return;
        }
    };
    let grants = s3_grants(&docs);
    let denies: Vec<(&Statement, MfaDeny)> = docs
        .iter()
        .flat_map(|(_, p)| p.statements.iter())
        .filter_map(|s| deny_without_mfa(s).map(|k| (s, k)))
        .collect();
    // a deny on every S3 action without MFA guards grants the template cannot see too
    let denied_all = denies.iter().any(|(d, k)| {
        *k == MfaDeny::All
            && super::identity::S3_ACTIONS
                .iter()
                .all(|a| covers_action(d, a))
    });
    if grants.is_empty() {
        if denied_all && !policies.external.is_empty() {
            out.pass(
                o,
                None,
                path,
                "a deny on every S3 action without MFA guards all of the user's S3 access",
            );
        } else {
            no_grant(policies, out, o, path, "the user");
        }
        return;
    }
    let mut open: Vec<(&Origin, &Statement)> = Vec::new();
    let mut sessions_only = false;
    for (holder, g) in &grants {
        if allow_needs_mfa(g).is_some() {
            continue;
        }
        let actions = s3_actions(g);
        let guard = |kind: MfaDeny| {
            denies
                .iter()
                .any(|(d, k)| *k == kind && actions.iter().all(|a| covers_action(d, a)))
        };
        if guard(MfaDeny::All) {
            continue;
        }
        if guard(MfaDeny::SessionsOnly) {
            sessions_only = true;
        }
        open.push((holder, g));
    }
    let Some((holder, first)) = open.first() else {
        if let Some(arn) = policies.external_s3().filter(|_| !denied_all) {
            out.fail(
                o,
                None,
                path,
                format!(
                    "AWS managed policy `{arn}` grants the user S3 actions with no MFA condition"
                ),
            );
        } else if denied_all {
            out.pass(
                o,
                None,
                path,
                "a deny on every S3 action without MFA guards all of the user's S3 access",
            );
        } else if let Some(arn) = policies.external.first() {
            out.unknown(o, None, path, format!("its S3 grants in the template need MFA, but managed policy `{arn}` is not in the template"));
        } else {
            out.pass(o, None, path, "every S3 grant of the user needs MFA");
        }
        return;
    };
    let keys = if sessions_only {
        "; the `Deny` on `Bool aws:MultiFactorAuthPresent false` misses requests signed with the user's long-term access keys, which carry no MFA key (use `BoolIfExists`)"
    } else {
        ""
    };
    let message = format!(
        "statement `{}` grants the user S3 actions ({}) without MFA: a stolen password or access key is enough{keys}",
        first.label(),
        s3_actions(first)
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let outcome = if open.len() == grants.len() {
        crate::Outcome::Fail
    } else {
        crate::Outcome::Partial
    };
    out.say_in(o, holder, outcome, Some(first.span), path, message);
}

fn judge_role(inventory: &Inventory, role: &moat_iac::inventory::Role, out: &mut crate::Out) {
    let o = &role.origin;
    let path = "AssumeRolePolicyDocument";
    let Some(trust) = super::identity::trust_policy(role, out) else {
        return;
    };
    let Some(doc) = &role.trust else { return };
    let mut human: Vec<(&Statement, Span, String)> = Vec::new();
    let mut services = Vec::new();
    let mut federated = false;
    let mut roles = false;
    for s in &trust.statements {
        if s.effect.value != Effect::Allow || !covers_action(s, "sts:AssumeRole") {
            continue;
        }
        let Some(principals) = &s.principal else {
            continue;
        };
        if principals.negated {
            human.push((
                s,
                principals.key_span,
                "every principal not listed in `NotPrincipal`".into(),
            ));
            continue;
        }
        for e in &principals.entries {
            let v = &e.value.value;
            match e.kind {
                PrincipalKind::Service => services.push(format!("`{v}`")),
                PrincipalKind::Federated => federated = true,
                PrincipalKind::Aws if v.contains(":role/") || v.contains(":assumed-role/") => {
                    roles = true
                }
                PrincipalKind::Everyone => {
                    human.push((s, e.value.span, "every principal of every account".into()))
                }
                PrincipalKind::Aws => human.push((s, e.value.span, principal_text(v))),
                PrincipalKind::CanonicalUser => {}
            }
        }
    }
    if human.is_empty() {
        let why = if !services.is_empty() {
            format!(
                "trusted only by {}: a service assumes the role itself and MFA cannot apply to its `AssumeRole`; who may hand the role to the service is what matters (CHK-S3-044)",
                services.join(", ")
            )
        } else if federated {
            "trusted through federation: the identity provider enforces MFA".to_string()
        } else if roles {
            "trusted only by other roles: MFA is required, or not, where those roles are assumed"
                .to_string()
        } else {
            "no principal a person signs in as is trusted".to_string()
        };
        out.not_applicable(o, path, why);
        return;
    }
    let policies = of_role(inventory, role);
    let docs = match policies.decided() {
        Ok(d) => d,
        Err(reason) => {
            out.unknown(o, None, "Policies", reason);
            return;
        }
    };
    if s3_grants(&docs).is_empty() && policies.external_s3().is_none() {
        no_grant(&policies, out, o, "Policies", "the role");
        return;
    }
    let guarded = trust
        .statements
        .iter()
        .any(|d| deny_without_mfa(d) == Some(MfaDeny::All) && covers_action(d, "sts:AssumeRole"));
    let open: Vec<&(&Statement, Span, String)> = human
        .iter()
        .filter(|(s, ..)| allow_needs_mfa(s).is_none() && !guarded)
        .collect();
    match open.first() {
        None => out.pass(
            o,
            Some(doc.span),
            path,
            "every statement that lets people assume the role requires MFA",
        ),
        Some((s, span, who)) => {
            let outcome = if open.len() == human.len() {
                crate::Outcome::Fail
            } else {
                crate::Outcome::Partial
            };
            out.say(
                o,
                outcome,
                Some(*span),
                path,
                format!(
                    "statement `{}` lets {who} assume this role, which has S3 permissions, with no `aws:MultiFactorAuthPresent` or `aws:MultiFactorAuthAge` condition: a person's stolen access key is enough",
                    s.label()
                ),
            );
        }
    }
}
