use super::identity::{
    allow_needs_mfa, constraint, literal_account_note, own_account, principal_account,
};
use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use crate::policy_questions::covers_action;
use moat_iac::Inventory;
use moat_policy::document::{Effect, PrincipalKind};
use moat_source::Span;

pub static CHECK: Check = Check {
    id: "CHK-S3-045",
    title: "Role trusts another account without ExternalId, MFA or organization conditions",
    category: Category::PolicyWeakness,
    severity: Severity::High,
    controls: &["C-S3-094"],
    proves: &["C-S3-094"],
    security_hub: &[],
    doc: "## What it does\nReads each role's trust policy for `Allow` statements that let a whole other account (its id or `arn:aws:iam::<account>:root`), or every principal (`*`, `NotPrincipal`), call `sts:AssumeRole`, and fails those without a condition that narrows who may: `sts:ExternalId`, `aws:PrincipalOrgID` / `aws:PrincipalOrgPaths` (fixed values), or MFA (`Bool aws:MultiFactorAuthPresent true`, `aws:MultiFactorAuthAge`). A trust to every principal passes only with an organization condition. Named roles and users of other accounts pass: naming the principal is the pin. The stack's own account, services and identity providers are not this check's concern (see CHK-S3-044 and CHK-S3-046).\n\n## Why is this bad?\nTrusting an account's root delegates the decision to every administrator of that account: any principal whose identity policies there allow `sts:AssumeRole` on the role gets its S3 permissions. When that account is a vendor serving many customers, without `sts:ExternalId` another customer can make the vendor assume your role (the confused deputy).\n\n## Example\n```yaml\nAssumeRolePolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: arn:aws:iam::111122223333:root\n      Action: sts:AssumeRole\n```\n\n## Remediation\nName the role of the other account that needs access; for a third party add the `sts:ExternalId` it gave you; for accounts of your organization add `aws:PrincipalOrgID`.\n\n## References\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid",
    recommendation: "Trust a named role of the other account, with `sts:ExternalId` for a third party or `aws:PrincipalOrgID` for your organization.",
    fix: "- Effect: Allow\n  Principal:\n    AWS: arn:aws:iam::111122223333:role/partner-reader\n  Action: sts:AssumeRole\n  Condition:\n    StringEquals:\n      sts:ExternalId: 6b3d8f0e-partner",
    cdk: Some(CdkFix {
        typescript: r#"const role = new iam.Role(this, 'PartnerReader', {
  assumedBy: new iam.ArnPrincipal('arn:aws:iam::111122223333:role/partner-reader'),
  externalIds: ['6b3d8f0e-partner'],
});"#,
        python: r#"role = iam.Role(
    self,
    "PartnerReader",
    assumed_by=iam.ArnPrincipal("arn:aws:iam::111122223333:role/partner-reader"),
    external_ids=["6b3d8f0e-partner"],
)"#,
    }),
    terraform: Some(
        r#"data "aws_iam_policy_document" "partner_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/partner-reader"]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = ["6b3d8f0e-partner"]
    }
  }
}

resource "aws_iam_role" "partner_reader" {
  name               = "partner-reader"
  assume_role_policy = data.aws_iam_policy_document.partner_trust.json
}"#,
    ),
    run,
};

const ORG_KEYS: &[&str] = &["aws:PrincipalOrgID", "aws:PrincipalOrgPaths"];

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for role in &inventory.roles {
        let o = &role.origin;
        let path = "AssumeRolePolicyDocument";
        let Some(trust) = super::identity::trust_policy(role, out) else {
            continue;
        };
        let Some(doc) = &role.trust else { continue };
        let mut finding: Option<(String, Span)> = None;
        let mut pinned = Vec::new();
        let mut foreign = false;
        let mut undecided: Option<(String, Span)> = None;
        for s in &trust.statements {
            if s.effect.value != Effect::Allow || !covers_action(s, "sts:AssumeRole") {
                continue;
            }
            let Some(principals) = &s.principal else {
                continue;
            };
            let org = constraint(s, ORG_KEYS).filter(|c| super::identity::pins(c));
            let external = constraint(s, &["sts:ExternalId"]);
            let mfa = allow_needs_mfa(s);
            let everyone = principals.negated
                || principals.entries.iter().any(|e| {
                    e.kind == PrincipalKind::Everyone
                        || (e.kind == PrincipalKind::Aws && e.value.value == "*")
                });
            if everyone {
                foreign = true;
                match org {
                    Some(c) => pinned.push(format!(
                        "every principal is trusted only where `{}` is `{}`",
                        c.key.value,
                        c.values
                            .first()
                            .map(|v| v.value.as_str())
                            .unwrap_or_default()
                    )),
                    None => {
                        let span = principals
                            .entries
                            .iter()
                            .find(|e| e.kind == PrincipalKind::Everyone || e.value.value == "*")
                            .map_or(principals.key_span, |e| e.value.span);
                        let id_only = if external.is_some() {
                            "; `sts:ExternalId` alone only asks callers for a value, it limits no account"
                        } else {
                            ""
                        };
                        finding.get_or_insert((
                            format!(
                                "statement `{}` lets every principal of every account assume this role ({}), with no `aws:PrincipalOrgID` condition{id_only}",
                                s.label(),
                                if principals.negated { "`NotPrincipal`" } else { "`*`" }
                            ),
                            span,
                        ));
                    }
                }
                continue;
            }
            for e in principals
                .entries
                .iter()
                .filter(|e| e.kind == PrincipalKind::Aws)
            {
                let Some((account, true)) = principal_account(&e.value.value) else {
                    continue;
                };
                if own_account(inventory, account) {
                    continue;
                }
                foreign = true;
                let by = org
                    .map(|c| format!("`{}`", c.key.value))
                    .or_else(|| external.map(|_| "`sts:ExternalId`".to_string()))
                    .or_else(|| mfa.map(|c| format!("MFA (`{}`)", c.key.value)));
                match by {
                    Some(by) => {
                        pinned.push(format!("account `{account}` is trusted only with {by}"))
                    }
                    None if super::identity::account_undecided(inventory, account) => {
                        undecided.get_or_insert((
                            super::identity::undecided_reason(account),
                            e.value.span,
                        ));
                    }
                    None => {
                        finding.get_or_insert((
                            format!(
                                "statement `{}` lets the whole account `{account}` assume this role with no `sts:ExternalId`, MFA or `aws:PrincipalOrgID` condition: every principal its administrators allow gets the role{}",
                                s.label(),
                                literal_account_note(inventory, account)
                            ),
                            e.value.span,
                        ));
                    }
                }
            }
        }
        match finding {
            Some((message, span)) => out.say(o, Outcome::Fail, Some(span), path, message),
            None if undecided.is_some() => {
                let (reason, span) = undecided.unwrap_or_default();
                out.unknown(o, Some(span), path, reason)
            }
            None if !foreign => out.not_applicable(
                o,
                path,
                "trusts neither a whole other account nor every principal",
            ),
            None => out.pass(o, Some(doc.span), path, pinned.join("; ")),
        }
    }
}
