use super::identity::{actions_text, literal_account_note, own_account, pinned, principal_account};
use crate::check::{Category, CdkFix, Check, Severity};
use crate::policy_questions::{covers_action, decided};
use moat_iac::Inventory;
use moat_policy::document::{Effect, PrincipalKind};
use moat_source::Span;

pub static CHECK: Check = Check {
    id: "CHK-S3-042",
    title: "Key policy grants decryption to every principal or to a whole other account",
    category: Category::PolicyWeakness,
    severity: Severity::High,
    controls: &["C-S3-035"],
    proves: &[],
    security_hub: &["KMS.5"],
    doc: "## What it does\nFails KMS key policies with an `Allow` covering `kms:Decrypt` (so `kms:*` and `*` too) to every principal (`Principal: '*'`, `{AWS: '*'}`, `NotPrincipal`) without a condition that pins the caller's account or organization to fixed values (`kms:CallerAccount`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`), or to a whole other account (its id or `:root` ARN) with no condition at all. Grants to the stack's own account, to named roles and users, and to service principals pass. A key without `KeyPolicy` gets the default key policy, which trusts only its own account.\n\n## Why is this bad?\nSSE-KMS protects S3 data only as far as the key policy limits who can decrypt. A wildcard principal lets any AWS account decrypt data it can read (a leaked object, a replicated copy); a whole-account grant hands the decision to every administrator of that account, who can allow any of its principals to decrypt, and with `kms:CreateGrant` (part of `kms:*`) pass the key on through grants. (Key administration such as `kms:PutKeyPolicy` cannot be used from another account.)\n\n## Example\n```yaml\nKeyPolicy:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: arn:aws:iam::111122223333:root\n      Action: kms:*\n      Resource: '*'\n```\n\n## Remediation\nName the roles that need the key, limit other accounts to `kms:Decrypt` (and `kms:GenerateDataKey*` where they write) with `kms:ViaService` `s3.<region>.amazonaws.com` and `kms:CallerAccount`, and keep key administration in your own account.\n\n## References\n- https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html\n- https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html\n- https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account\n- https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-5",
    recommendation: "Grant key use to named principals, and limit other accounts with conditions (`kms:ViaService`, `kms:CallerAccount`).",
    fix: "- Sid: PartnerDecryptViaS3\n  Effect: Allow\n  Principal:\n    AWS: arn:aws:iam::111122223333:role/reader\n  Action: kms:Decrypt\n  Resource: '*'\n  Condition:\n    StringEquals:\n      kms:ViaService: !Sub s3.${AWS::Region}.amazonaws.com",
    cdk: Some(CdkFix {
        typescript: r#"// a named role of the other account, decrypting only through S3
key.addToResourcePolicy(
  new iam.PolicyStatement({
    sid: 'PartnerDecryptViaS3',
    principals: [new iam.ArnPrincipal('arn:aws:iam::111122223333:role/reader')],
    actions: ['kms:Decrypt'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'kms:ViaService': `s3.${cdk.Aws.REGION}.amazonaws.com` },
    },
  }),
);"#,
        python: r#"# a named role of the other account, decrypting only through S3
key.add_to_resource_policy(
    iam.PolicyStatement(
        sid="PartnerDecryptViaS3",
        principals=[iam.ArnPrincipal("arn:aws:iam::111122223333:role/reader")],
        actions=["kms:Decrypt"],
        resources=["*"],
        conditions={
            "StringEquals": {"kms:ViaService": f"s3.{cdk.Aws.REGION}.amazonaws.com"}
        },
    )
)"#,
    }),
    terraform: Some(
        r#"data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

data "aws_iam_policy_document" "data_key" {
  # the whole key policy is replaced: keep the account's own statement
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
  # a named role of the other account, decrypting only through S3
  statement {
    sid       = "PartnerDecryptViaS3"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/reader"]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
}

resource "aws_kms_key_policy" "data" {
  key_id = aws_kms_key.data.id
  policy = data.aws_iam_policy_document.data_key.json
}"#,
    ),
    run,
};

const CALLER_KEYS: &[&str] = &[
    "kms:CallerAccount",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalArn",
    "aws:SourceAccount",
    "aws:SourceArn",
];

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for key in &inventory.kms_keys {
        let o = &key.origin;
        let Some(doc) = &key.policy else {
            out.pass(
                o,
                None,
                "KeyPolicy",
                "no `KeyPolicy`: KMS attaches the default key policy, which trusts only the key's own account",
            );
            continue;
        };
        let policy = match decided(doc) {
            Ok(p) => p,
            Err(reason) => {
                out.unknown(o, Some(doc.span), "KeyPolicy", reason);
                continue;
            }
        };
        let mut finding: Option<(String, Span)> = None;
        let mut notes = Vec::new();
        let mut undecided: Option<(String, Span)> = None;
        for s in &policy.statements {
            if s.effect.value != Effect::Allow || !covers_action(s, "kms:Decrypt") {
                continue;
            }
            let Some(principals) = &s.principal else {
                continue;
            };
            let actions = actions_text(s);
            let label = s.label();
            let everyone = principals.negated
                || principals.entries.iter().any(|e| {
                    e.kind == PrincipalKind::Everyone
                        || (e.kind == PrincipalKind::Aws && e.value.value == "*")
                });
            if everyone {
                match pinned(s, CALLER_KEYS) {
                    Some(c) => notes.push(format!(
                        "statement `{label}` allows every principal only where `{}` is {}",
                        c.key.value,
                        c.values
                            .iter()
                            .map(|v| if v.value == super::identity::STACK_ACCOUNT {
                                "the stack's own account (`AWS::AccountId`)".to_string()
                            } else {
                                format!("`{}`", v.value)
                            })
                            .collect::<Vec<_>>()
                            .join(" or ")
                    )),
                    None => {
                        let span = if principals.negated {
                            principals.key_span
                        } else {
                            principals
                                .entries
                                .iter()
                                .find(|e| e.kind == PrincipalKind::Everyone || e.value.value == "*")
                                .map_or(principals.key_span, |e| e.value.span)
                        };
                        finding.get_or_insert((
                            format!("statement `{label}` allows {actions} to every principal of every account, with no condition pinning the caller's account or organization: anyone who obtains data encrypted under this key can decrypt it"),
                            span,
                        ));
                    }
                }
                continue;
            }
            for e in &principals.entries {
                if e.kind != PrincipalKind::Aws {
                    continue;
                }
                let Some((account, true)) = principal_account(&e.value.value) else {
                    continue;
                };
                if own_account(inventory, account) {
                    continue;
                }
                if s.conditions.is_empty() && super::identity::account_undecided(inventory, account)
                {
                    undecided
                        .get_or_insert((super::identity::undecided_reason(account), e.value.span));
                    continue;
                }
                if s.conditions.is_empty() {
                    let grants = if covers_action(s, "kms:CreateGrant") {
                        ", and can pass the key on with `kms:CreateGrant`"
                    } else {
                        ""
                    };
                    finding.get_or_insert((
                        format!(
                            "statement `{label}` allows {actions} to the whole account `{account}` with no condition: every principal its IAM policies allow can decrypt{grants}{}",
                            literal_account_note(inventory, account)
                        ),
                        e.value.span,
                    ));
                } else {
                    notes.push(format!(
                        "statement `{label}` allows account `{account}` under conditions"
                    ));
                }
            }
        }
        match finding {
            Some((message, span)) => out.fail(o, Some(span), "KeyPolicy.Statement", message),
            None if undecided.is_some() => {
                let (reason, span) = undecided.unwrap_or_default();
                out.unknown(o, Some(span), "KeyPolicy.Statement", reason)
            }
            None if notes.is_empty() => out.pass(
                o,
                Some(doc.span),
                "KeyPolicy",
                "decryption is granted only to this account and to named principals",
            ),
            None => out.pass(o, Some(doc.span), "KeyPolicy", notes.join("; ")),
        }
    }
}
