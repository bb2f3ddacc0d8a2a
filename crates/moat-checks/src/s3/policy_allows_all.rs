use super::readable_policies::bucket_policies_partly;
use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use moat_iac::Inventory;
use moat_policy::document::{Effect, PrincipalKind, Statement};
use moat_source::Span;

use super::principals::shown;

pub static CHECK: Check = Check {
    id: "CHK-S3-018",
    title: "Bucket policy allows every S3 action to a principal",
    category: Category::PolicyWeakness,
    severity: Severity::Medium,
    controls: &["C-S3-012", "C-S3-015"],
    proves: &["C-S3-012"],
    security_hub: &[],
    doc: "## What it does\nFails buckets whose policy has an `Allow` statement with `Action: s3:*` or `*`, or with `NotAction` (every action but the ones listed), naming the principals it grants them to.\n\n## Why is this bad?\n`s3:*` grants far more than reading and writing data: replacing the bucket policy, deleting the bucket, turning off Block Public Access, versioning or logging, changing encryption and replication. A principal that needs data access gets the power to open the bucket to the world or destroy it, and for a principal of another account the grant is complete once its own account allows the call.\n\n## Example\n```yaml\n- Effect: Allow\n  Principal:\n    AWS: !GetAtt AppRole.Arn\n  Action: s3:*\n  Resource:\n    - !GetAtt Data.Arn\n    - !Sub '${Data.Arn}/*'\n```\n\n## Remediation\nList the actions the principal needs (`s3:GetObject`, `s3:PutObject`, `s3:ListBucket`...) on the resources it needs them on.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    recommendation: "Grant each principal the S3 actions it needs by name, never `s3:*` or `*`.",
    fix: "- Sid: AppReadsAndWrites\n  Effect: Allow\n  Principal:\n    AWS: !GetAtt AppRole.Arn\n  Action:\n    - s3:GetObject\n    - s3:PutObject\n  Resource: !Sub '${Data.Arn}/*'",
    cdk: Some(CdkFix {
        typescript: r#"// the actions the app needs, by name, instead of 's3:*'
bucket.addToResourcePolicy(
  new iam.PolicyStatement({
    sid: 'AppReadsAndWrites',
    principals: [appRole],
    actions: ['s3:GetObject', 's3:PutObject'],
    resources: [bucket.arnForObjects('*')],
  }),
);"#,
        python: r#"# the actions the app needs, by name, instead of "s3:*"
bucket.add_to_resource_policy(
    iam.PolicyStatement(
        sid="AppReadsAndWrites",
        principals=[app_role],
        actions=["s3:GetObject", "s3:PutObject"],
        resources=[bucket.arn_for_objects("*")],
    )
)"#,
    }),
    terraform: Some(
        r#"# the actions the app needs, by name, instead of "s3:*"
data "aws_iam_policy_document" "data" {
  statement {
    sid       = "AppReadsAndWrites"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.data.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.app.arn]
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

/// What the statement allows when it allows everything, as written.
fn allows_everything(s: &Statement) -> Option<(String, Span)> {
    if s.effect.value != Effect::Allow {
        return None;
    }
    if s.action.negated {
        let listed: Vec<String> = s
            .action
            .patterns
            .iter()
            .map(|p| format!("`{}`", p.value))
            .collect();
        return Some((
            format!("every action but {} (`NotAction`)", listed.join(", ")),
            s.action.key_span,
        ));
    }
    s.action
        .patterns
        .iter()
        .find(|p| p.value == "*" || p.value.eq_ignore_ascii_case("s3:*"))
        .map(|p| (format!("`{}`", p.value), p.span))
}

fn principals(s: &Statement) -> String {
    let Some(principal) = &s.principal else {
        return "its principals".to_string();
    };
    let names: Vec<String> = principal
        .entries
        .iter()
        .map(|e| match e.kind {
            PrincipalKind::Everyone => "`*` (everyone)".to_string(),
            _ => format!("`{}`", shown(&e.value.value)),
        })
        .collect();
    if principal.negated {
        format!("everyone but {}", names.join(", "))
    } else {
        names.join(", ")
    }
}

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let (docs, unknown) = bucket_policies_partly(inventory, bucket);
        let mut findings = Vec::new();
        let mut holder = None;
        for (attached, policy) in docs {
            for s in &policy.statements {
                if let Some((what, span)) = allows_everything(s) {
                    findings.push(format!(
                        "statement `{}` allows {what} to {}",
                        s.label(),
                        principals(s)
                    ));
                    holder.get_or_insert((attached.origin.clone(), span));
                }
            }
        }
        match holder {
            Some((holder, span)) => out.say_in(
                o,
                &holder,
                Outcome::Fail,
                Some(span),
                "PolicyDocument.Statement.Action",
                format!(
                    "{}: that includes replacing the bucket policy and deleting the bucket",
                    findings.join("; ")
                ),
            ),
            None => match unknown {
                Some(undecided) => undecided.say(out, o),
                None => out.pass(
                    o,
                    None,
                    "BucketPolicy",
                    "no bucket policy statement allows every S3 action",
                ),
            },
        }
    }
}
