use super::identity::{action_span, all_resources, documents, resources_text};
use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use crate::policy_questions::{covers_action, decided};
use moat_iac::Inventory;
use moat_policy::document::Effect;

pub static CHECK: Check = Check {
    id: "CHK-S3-047",
    title: "Identity policy grants S3 permissions-management actions",
    category: Category::PolicyWeakness,
    severity: Severity::High,
    controls: &["C-S3-086", "C-S3-087"],
    proves: &[],
    security_hub: &[],
    doc: "## What it does\nLooks at every identity policy in the template for `Allow` statements that cover the S3 actions that decide who can reach a bucket: `s3:PutBucketPolicy`, `s3:DeleteBucketPolicy`, `s3:PutBucketAcl`, `s3:PutBucketPublicAccessBlock` and `s3:PutBucketOwnershipControls` (written out, or through `s3:*`, `s3:Put*`, `*` or `NotAction`). On every bucket (`*`, `arn:aws:s3:::*`) it fails; on named buckets only it is partial (a deployment role may need them there).\n\n## Why is this bad?\nThese actions change access, not data. A principal that has them can replace the bucket policy with one that grants everyone read, turn off Block Public Access, or re-enable ACLs, and so undo every other protection of the bucket. Workloads never need them; only the deployment pipeline does, and an SCP should keep it that way.\n\n## Example\n```yaml\n- Effect: Allow\n  Action: s3:Put*\n  Resource: '*'\n```\n\n## Remediation\nRemove these actions from workload and human policies (replace `s3:*` and `s3:Put*` with the data actions needed); leave them to the deployment role, on the buckets it manages, and reserve them to it with an SCP.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html\n- https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html\n- https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples.html",
    recommendation: "Keep bucket policy, ACL, Block Public Access and Object Ownership changes to the deployment role; grant workloads data actions only.",
    fix: "- Effect: Allow\n  Action:\n    - s3:GetObject\n    - s3:PutObject\n  Resource: !Sub '${Data.Arn}/*'",
    cdk: Some(CdkFix {
        typescript: r#"// data actions only; bucket policy, ACL, Block Public Access and Object
// Ownership changes stay with the deployment
role.addToPolicy(
  new iam.PolicyStatement({
    actions: ['s3:GetObject', 's3:PutObject'],
    resources: [bucket.arnForObjects('*')],
  }),
);"#,
        python: r#"# data actions only; bucket policy, ACL, Block Public Access and Object
# Ownership changes stay with the deployment
role.add_to_policy(
    iam.PolicyStatement(
        actions=["s3:GetObject", "s3:PutObject"],
        resources=[bucket.arn_for_objects("*")],
    )
)"#,
    }),
    terraform: Some(
        r#"# data actions only; bucket policy, ACL, Block Public Access and Object
# Ownership changes stay with the deployment
data "aws_iam_policy_document" "app" {
  statement {
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.data.arn}/*"]
  }
}

resource "aws_iam_role_policy" "app" {
  name   = "data"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.app.json
}"#,
    ),
    run,
};

/// The permissions-management actions the check looks for.
pub const MANAGEMENT: &[&str] = &[
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketOwnershipControls",
];

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for held in documents(inventory) {
        let o = held.holder;
        let policy = match decided(held.doc) {
            Ok(p) => p,
            Err(reason) => {
                out.unknown(o, Some(held.doc.span), "PolicyDocument", reason);
                continue;
            }
        };
        let mut worst = super::identity::Worst::default();
        for s in &policy.statements {
            if s.effect.value != Effect::Allow {
                continue;
            }
            let found: Vec<&str> = MANAGEMENT
                .iter()
                .copied()
                .filter(|a| covers_action(s, a))
                .collect();
            let Some(first) = found.first() else { continue };
            let covered: Vec<String> = found.iter().map(|a| format!("`{a}`")).collect();
            let everything = all_resources(s);
            let (outcome, on) = if everything {
                (Outcome::Fail, "every bucket".to_string())
            } else {
                (Outcome::Partial, resources_text(s))
            };
            let message = format!(
                "statement `{}` allows {} on {on}: whoever holds it can rewrite who may reach the data",
                s.label(),
                covered.join(", ")
            );
            let span = action_span(s, first);
            worst.offer(outcome, message, span);
        }
        worst.say(out, o, held.doc.span, "no statement allows bucket policy, ACL, Block Public Access or Object Ownership changes");
    }
}
