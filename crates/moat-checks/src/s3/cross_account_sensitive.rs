use super::readable_policies::bucket_policies_partly;
use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use crate::policy_questions::{allows_any, covers_action};
use moat_iac::Inventory;
use moat_iac::inventory::Origin;

use super::principals::outsiders;

pub static CHECK: Check = Check {
    id: "CHK-S3-016",
    title: "Bucket policy grants other accounts sensitive actions",
    category: Category::PolicyWeakness,
    severity: Severity::High,
    controls: &["C-S3-012"],
    proves: &["C-S3-012"],
    security_hub: &["S3.6"],
    doc: "## What it does\nFails buckets whose policy has an `Allow` statement for another account, or for everyone (`*`, or `NotPrincipal`), that covers any of `s3:DeleteBucketPolicy`, `s3:PutBucketAcl`, `s3:PutBucketPolicy`, `s3:PutEncryptionConfiguration` or `s3:PutObjectAcl` (directly or through a wildcard such as `s3:*` or `s3:Put*`). Like Security Hub S3.6, it looks at principals and actions and not at conditions; conditions, when present, are named in the message. The template's own account is `${AWS::AccountId}`; a literal account id is another account only when `--param AWS::AccountId` names a different one; without it the verdict is unknown.\n\n## Why is this bad?\nThese actions change who can access the bucket and how its data is protected. An account that may replace the bucket policy or ACLs can grant itself, or the world, everything; one that may change the encryption configuration can move new objects under a key it controls.\n\n## Example\n```yaml\n- Effect: Allow\n  Principal:\n    AWS: arn:aws:iam::111122223333:root\n  Action: s3:*\n  Resource:\n    - !GetAtt Data.Arn\n    - !Sub '${Data.Arn}/*'\n```\n\n## Remediation\nGrant other accounts only the data actions they need (`s3:GetObject`, `s3:PutObject`, `s3:ListBucket`) on the prefixes they need, naming their roles rather than their account root.\n\n## References\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-6\n- https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-blacklisted-actions-prohibited.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html",
    recommendation: "Grant other accounts only the data actions they need; keep policy, ACL and encryption changes to your own deployment role.",
    fix: "- Sid: PartnerReadsReports\n  Effect: Allow\n  Principal:\n    AWS: arn:aws:iam::111122223333:role/report-reader\n  Action: s3:GetObject\n  Resource: !Sub '${Data.Arn}/reports/*'",
    cdk: Some(CdkFix {
        typescript: r#"// the other account's role gets the data actions it needs, nothing that changes
// the bucket's policy, ACLs or encryption
bucket.addToResourcePolicy(
  new iam.PolicyStatement({
    sid: 'PartnerReadsReports',
    principals: [new iam.ArnPrincipal('arn:aws:iam::111122223333:role/report-reader')],
    actions: ['s3:GetObject'],
    resources: [bucket.arnForObjects('reports/*')],
  }),
);"#,
        python: r#"# the other account's role gets the data actions it needs, nothing that changes
# the bucket's policy, ACLs or encryption
bucket.add_to_resource_policy(
    iam.PolicyStatement(
        sid="PartnerReadsReports",
        principals=[iam.ArnPrincipal("arn:aws:iam::111122223333:role/report-reader")],
        actions=["s3:GetObject"],
        resources=[bucket.arn_for_objects("reports/*")],
    )
)"#,
    }),
    terraform: Some(
        r#"# the other account's role gets the data actions it needs, nothing that changes
# the bucket's policy, ACLs or encryption
data "aws_iam_policy_document" "data" {
  statement {
    sid       = "PartnerReadsReports"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.data.arn}/reports/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/report-reader"]
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

/// The actions Security Hub S3.6 treats as sensitive.
const SENSITIVE: &[&str] = &[
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutObjectAcl",
];

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let (docs, unknown) = bucket_policies_partly(inventory, bucket);
        let mut findings = Vec::new();
        let mut holder = None;
        let mut undecided: Option<(Origin, moat_source::Span, String)> = None;
        for (attached, policy) in docs {
            for s in &policy.statements {
                if !allows_any(s, SENSITIVE) {
                    continue;
                }
                let own = inventory.account.as_deref();
                let who: Vec<String> = outsiders(s)
                    .into_iter()
                    .filter(|w| !own.is_some_and(|a| w.contains(a)))
                    .collect();
                if who.is_empty() {
                    continue;
                }
                // literal account ids only, and no word on which account the stack is in
                let literal_only = who
                    .iter()
                    .all(|w| !w.contains('*') && !w.contains("NotPrincipal"));
                if literal_only && own.is_none() {
                    undecided.get_or_insert((
                        attached.origin.clone(),
                        s.span,
                        format!("statement `{}` grants sensitive actions to {}; whether that is another account depends on the account the stack deploys to: write `${{AWS::AccountId}}` for the own account, or pass `--param AWS::AccountId=...`", s.label(), who.join(", ")),
                    ));
                    continue;
                }
                let actions: Vec<String> = SENSITIVE
                    .iter()
                    .filter(|a| covers_action(s, a))
                    .map(|a| format!("`{a}`"))
                    .collect();
                let conditions = if s.conditions.is_empty() {
                    String::new()
                } else {
                    let keys: Vec<String> = s
                        .conditions
                        .iter()
                        .map(|c| format!("`{}`", c.key.value))
                        .collect();
                    format!(
                        " (conditions on {} do not change who is named)",
                        keys.join(", ")
                    )
                };
                findings.push(format!(
                    "statement `{}` allows {} to {}{conditions}",
                    s.label(),
                    actions.join(", "),
                    who.join(", ")
                ));
                holder.get_or_insert((attached.origin.clone(), s.span));
            }
        }
        match holder {
            Some((holder, span)) => out.say_in(o, &holder, Outcome::Fail, Some(span), "PolicyDocument.Statement", findings.join("; ")),
            None if undecided.is_some() => {
                if let Some((holder, span, reason)) = undecided {
                    out.say_in(o, &holder, Outcome::Unknown, Some(span), "PolicyDocument.Statement", format!("cannot decide: {reason}"));
                }
            }
            None => match unknown {
                Some(undecided) => undecided.say(out, o),
                None => out.pass(o, None, "BucketPolicy", "no bucket policy statement grants another account or everyone a sensitive action"),
            },
        }
    }
}
