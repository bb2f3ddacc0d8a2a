use super::identity::{
    Held, Policies, all_resources, direct, of_role, of_user, own_account, principal_account,
};
use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use crate::policy_questions::covers_action;
use moat_iac::Inventory;
use moat_iac::inventory::{Bucket, Origin};
use moat_policy::document::{Effect, PrincipalKind, Statement};
use moat_policy::matching::arn_matches_str;
use moat_source::Span;

pub static CHECK: Check = Check {
    id: "CHK-S3-049",
    title: "Identity policy grants object deletion with nothing guarding it",
    category: Category::PolicyWeakness,
    severity: Severity::Medium,
    controls: &["C-S3-043"],
    proves: &[],
    security_hub: &[],
    doc: "## What it does\nFor each role, user (with its groups), group without members in the template, SAM function and unattached policy, finds `Allow` statements covering `s3:DeleteObjectVersion` (permanent deletion of a version) or `s3:DeleteObject`, and asks what stops them:\n\n- a `Deny` covering the action in the principal's own policies, or in the bucket policy of a bucket of the template the statement reaches (one that applies to the principal; conditions allowed, e.g. deny unless MFA);\n- for `s3:DeleteObjectVersion`, Object Lock with a default retention on the bucket;\n- for `s3:DeleteObject`, versioning on the bucket: the delete only adds a delete marker and the data stays as a noncurrent version (until a lifecycle rule expires it).\n\n`s3:DeleteObjectVersion`, or `s3:DeleteObject` on a bucket that is not versioned (or not in the template), with none of these fails; `s3:DeleteObject` guarded only by versioning is partial.\n\n## Why is this bad?\nA workload that may delete objects is one stolen session away from a mass deletion or a ransom: the attacker copies the data out and deletes it. Seed reviews often ask for \"an explicit deny on delete\" in the same policy that allows it, which would just cancel the grant; what protects data is versioning plus keeping `s3:DeleteObjectVersion` away from workloads, Object Lock for data that must survive, or a conditional deny (MFA, a break-glass role) in the bucket policy.\n\n## Example\n```yaml\n- Effect: Allow\n  Action:\n    - s3:GetObject\n    - s3:DeleteObjectVersion\n  Resource: !Sub '${Data.Arn}/*'\n```\n\n## Remediation\nGrant `s3:DeleteObject` only where the workload must delete, on versioned buckets, and never `s3:DeleteObjectVersion`; add a bucket policy `Deny` on `s3:DeleteObjectVersion` for every principal but a break-glass role, or Object Lock for records that must be kept.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
    recommendation: "Keep permanent deletion (`s3:DeleteObjectVersion`) away from workloads; version the buckets they delete in, and guard deletion with a bucket policy deny or Object Lock.",
    fix: "- Sid: DenyVersionDeletion\n  Effect: Deny\n  Principal: '*'\n  Action: s3:DeleteObjectVersion\n  Resource: !Sub '${Data.Arn}/*'\n  Condition:\n    ArnNotEquals:\n      aws:PrincipalArn: !GetAtt BreakGlassRole.Arn",
    cdk: Some(CdkFix {
        typescript: r#"bucket.addToResourcePolicy(
  new iam.PolicyStatement({
    sid: 'DenyVersionDeletion',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:DeleteObjectVersion'],
    resources: [bucket.arnForObjects('*')],
    conditions: { ArnNotEquals: { 'aws:PrincipalArn': breakGlassRole.roleArn } },
  }),
);"#,
        python: r#"bucket.add_to_resource_policy(
    iam.PolicyStatement(
        sid="DenyVersionDeletion",
        effect=iam.Effect.DENY,
        principals=[iam.AnyPrincipal()],
        actions=["s3:DeleteObjectVersion"],
        resources=[bucket.arn_for_objects("*")],
        conditions={"ArnNotEquals": {"aws:PrincipalArn": break_glass_role.role_arn}},
    )
)"#,
    }),
    terraform: Some(
        r#"data "aws_iam_policy_document" "data" {
  statement {
    sid       = "DenyVersionDeletion"
    effect    = "Deny"
    actions   = ["s3:DeleteObjectVersion"]
    resources = ["${aws_s3_bucket.data.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = [aws_iam_role.break_glass.arn]
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

const DELETES: [&str; 2] = ["s3:DeleteObjectVersion", "s3:DeleteObject"];

/// A principal with its policies, or a policy attached to none in the template.
struct Subject<'a> {
    origin: &'a Origin,
    /// The principal's ARN, when it is one.
    arn: Option<&'a str>,
    policies: Policies<'a>,
}

fn subjects(inventory: &Inventory) -> Vec<Subject<'_>> {
    let mut out = Vec::new();
    for r in &inventory.roles {
        out.push(Subject {
            origin: &r.origin,
            arn: Some(&r.arn),
            policies: of_role(inventory, r),
        });
    }
    for u in &inventory.users {
        out.push(Subject {
            origin: &u.origin,
            arn: Some(&u.arn),
            policies: of_user(inventory, u),
        });
    }
    for g in &inventory.groups {
        // a group with members in the template is judged through them
        let name = super::identity::name_of(&g.arn);
        let has_members = inventory.users.iter().any(|u| {
            u.groups
                .iter()
                .any(|v| v.get().is_some_and(|v| super::identity::name_of(v) == name))
        });
        if !has_members {
            out.push(Subject {
                origin: &g.origin,
                arn: None,
                policies: direct(inventory, g, |p| &p.groups),
            });
        }
    }
    for f in &inventory.functions {
        let mut policies = Policies::default();
        policies.docs.extend(f.policies.iter().map(|doc| Held {
            holder: &f.origin,
            doc,
        }));
        out.push(Subject {
            origin: &f.origin,
            arn: None,
            policies,
        });
    }
    for p in &inventory.identity_policies {
        if p.roles.is_empty() && p.users.is_empty() && p.groups.is_empty() {
            let attached = inventory
                .roles
                .iter()
                .flat_map(|r| &r.managed)
                .chain(inventory.users.iter().flat_map(|u| &u.managed))
                .chain(inventory.groups.iter().flat_map(|g| &g.managed))
                .any(|m| {
                    m.get().is_some_and(|v| {
                        !p.arn.is_empty()
                            && super::identity::name_of(v) == super::identity::name_of(&p.arn)
                    })
                });
            if !attached {
                let mut policies = Policies::default();
                policies.docs.push(Held {
                    holder: &p.origin,
                    doc: &p.document,
                });
                out.push(Subject {
                    origin: &p.origin,
                    arn: None,
                    policies,
                });
            }
        }
    }
    out
}

/// Whether a `Deny` of a bucket policy applies to the principal `arn`.
fn applies_to(inventory: &Inventory, s: &Statement, arn: Option<&str>) -> bool {
    let Some(p) = &s.principal else { return true };
    if p.negated {
        return arn.is_none_or(|a| !p.entries.iter().any(|e| e.value.value == a));
    }
    p.entries.iter().any(|e| match e.kind {
        PrincipalKind::Everyone => true,
        PrincipalKind::Aws if e.value.value == "*" => true,
        PrincipalKind::Aws => {
            arn.is_some_and(|a| a == e.value.value)
                || principal_account(&e.value.value)
                    .is_some_and(|(acct, whole)| whole && own_account(inventory, acct))
        }
        _ => false,
    })
}

/// Whether a `Deny` covers `action` on the objects `resource` (a pattern) names.
fn deny_covers(d: &Statement, action: &str, resource: &str) -> bool {
    d.effect.value == Effect::Deny
        && covers_action(d, action)
        && (all_resources(d)
            || d.resource.as_ref().is_some_and(|r| {
                r.patterns
                    .iter()
                    .any(|p| p.value == resource || arn_matches_str(&p.value, resource))
            }))
}

/// The buckets of the template whose objects `pattern` matches.
fn buckets_of<'a>(inventory: &'a Inventory, pattern: &str) -> Vec<&'a Bucket> {
    inventory
        .buckets
        .iter()
        .filter(|b| arn_matches_str(pattern, &format!("{}/any-key", b.arn())))
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Risk {
    Guarded,
    Recoverable,
    Open,
}

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for subject in subjects(inventory) {
        judge(inventory, &subject, out);
    }
}

fn judge(inventory: &Inventory, subject: &Subject<'_>, out: &mut crate::Out) {
    let o = subject.origin;
    let docs = match subject.policies.decided() {
        Ok(d) => d,
        Err(reason) => {
            out.unknown(o, None, "Policies", reason);
            return;
        }
    };
    let own_denies: Vec<&Statement> = docs
        .iter()
        .flat_map(|(_, p)| p.statements.iter())
        .filter(|s| s.effect.value == Effect::Deny)
        .collect();
    let mut worst: Option<(Risk, String, &Origin, Span)> = None;
    let mut undecided: Option<String> = None;
    let mut guards: Vec<String> = Vec::new();
    for (holder, policy) in &docs {
        for s in policy
            .statements
            .iter()
            .filter(|s| s.effect.value == Effect::Allow)
        {
            for action in DELETES {
                if !covers_action(s, action) {
                    continue;
                }
                let patterns: Vec<String> = match &s.resource {
                    Some(r) if !r.negated => r.patterns.iter().map(|p| p.value.clone()).collect(),
                    _ => vec!["*".to_string()],
                };
                for pattern in patterns.iter().filter(|p| names_objects(p)) {
                    let (risk, why) = match assess(inventory, subject, &own_denies, action, pattern)
                    {
                        Ok(found) => found,
                        Err(reason) => {
                            undecided.get_or_insert(reason);
                            continue;
                        }
                    };
                    if risk == Risk::Guarded && !guards.contains(&why) {
                        guards.push(why.clone());
                    }
                    if worst.as_ref().is_none_or(|(w, ..)| risk > *w) {
                        let message = format!(
                            "statement `{}` allows `{action}` on `{pattern}`: {why}",
                            s.label()
                        );
                        let span = super::identity::action_span(s, action);
                        worst = Some((risk, message, holder, span));
                    }
                }
            }
        }
    }
    if let Some(reason) = undecided
        && worst.as_ref().is_none_or(|(w, ..)| *w != Risk::Open)
    {
        out.unknown(o, None, "Policies", reason);
        return;
    }
    match worst {
        None => out.pass(
            o,
            None,
            "Policies",
            "no statement allows deleting objects or object versions",
        ),
        Some((Risk::Guarded, _, _, _)) => out.pass(
            o,
            None,
            "Policies",
            format!("every delete grant is guarded, by {}", guards.join("; ")),
        ),
        Some((risk, message, holder, span)) => {
            let outcome = if risk == Risk::Open {
                Outcome::Fail
            } else {
                Outcome::Partial
            };
            out.say_in(
                o,
                holder,
                outcome,
                Some(span),
                "PolicyDocument.Statement",
                message,
            );
        }
    }
}

/// How exposed one delete grant is, and why.
fn assess(
    inventory: &Inventory,
    subject: &Subject<'_>,
    own_denies: &[&Statement],
    action: &str,
    pattern: &str,
) -> Result<(Risk, String), String> {
    if let Some(d) = own_denies.iter().find(|d| deny_covers(d, action, pattern)) {
        return Ok((
            Risk::Guarded,
            format!("deny `{}` in its own policies", d.label()),
        ));
    }
    let every = pattern == "*" || all_resources_text(pattern);
    let buckets = if every {
        Vec::new()
    } else {
        buckets_of(inventory, pattern)
    };
    if buckets.is_empty() {
        let what = if every {
            "every bucket the principal can reach"
        } else {
            "a bucket that is not in the template (its policy, versioning and Object Lock are not known here)"
        };
        let permanent = if action == "s3:DeleteObjectVersion" {
            "permanent deletion on "
        } else {
            "deletion on "
        };
        return Ok((
            Risk::Open,
            format!("{permanent}{what}, and no deny in its own policies guards it"),
        ));
    }
    let mut worst = (Risk::Guarded, String::new());
    for b in buckets {
        let (risk, why) = bucket_risk(inventory, subject, action, b)?;
        if risk > worst.0 || worst.1.is_empty() {
            worst = (risk, why);
        }
    }
    Ok(worst)
}

/// How exposed a delete grant is in one bucket of the template.
fn bucket_risk(
    inventory: &Inventory,
    subject: &Subject<'_>,
    action: &str,
    b: &Bucket,
) -> Result<(Risk, String), String> {
    let name = &b.origin.logical_id;
    let object = format!("{}/any-key", b.arn());
    let policies = crate::policy_questions::bucket_policies(inventory, b)?;
    let guard = policies
        .iter()
        .filter_map(|p| p.policy.as_ref())
        .flat_map(|p| p.statements.iter())
        .find(|d| deny_covers(d, action, &object) && applies_to(inventory, d, subject.arn));
    if let Some(d) = guard {
        return Ok((
            Risk::Guarded,
            format!("bucket policy deny `{}` of `{name}`", d.label()),
        ));
    }
    if action == "s3:DeleteObjectVersion" {
        if let Some(reason) = b.object_lock.reason().or(b.object_lock_retention.reason()) {
            return Err(reason.to_string());
        }
        let locked = b.object_lock.get() == Some(&true) && b.object_lock_retention.get().is_some();
        return Ok(if locked {
            (
                Risk::Guarded,
                format!("the Object Lock retention of `{name}`"),
            )
        } else {
            (
                Risk::Open,
                format!(
                    "permanent deletion in bucket `{name}`, with no deny and no Object Lock retention guarding it"
                ),
            )
        });
    }
    if let Some(reason) = b.versioning.reason() {
        return Err(reason.to_string());
    }
    Ok(
        if b.versioning.get().map(String::as_str) == Some("Enabled") {
            (
                Risk::Recoverable,
                format!(
                    "bucket `{name}` is versioned, so deleted objects stay as noncurrent versions (until a lifecycle rule expires them), but no deny guards the grant"
                ),
            )
        } else {
            (
                Risk::Open,
                format!(
                    "bucket `{name}` is not versioned, so deleted objects are gone, and no deny guards the grant"
                ),
            )
        },
    )
}

/// Whether a `Resource` pattern can name S3 objects (object actions on a
/// bucket ARN grant nothing).
fn names_objects(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    super::identity::is_s3_pattern(pattern)
        && pattern
            .splitn(6, ':')
            .nth(5)
            .is_some_and(|r| r.contains(['/', '*']))
}

fn all_resources_text(pattern: &str) -> bool {
    matches!(
        pattern,
        "arn:aws:s3:::*" | "arn:aws:s3:::*/*" | "arn:*:s3:::*"
    )
}
