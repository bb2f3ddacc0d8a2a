use super::identity::{action_span, all_resources, documents, resources_text};
use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use crate::policy_questions::{covers_action, decided};
use moat_iac::Inventory;
use moat_policy::document::{Effect, Statement};

pub static CHECK: Check = Check {
    id: "CHK-S3-043",
    title: "Identity policy allows `*` or `s3:*` actions on `*` resources",
    category: Category::PolicyWeakness,
    severity: Severity::High,
    controls: &["C-S3-086"],
    proves: &[],
    security_hub: &["IAM.1", "IAM.21"],
    doc: "## What it does\nLooks at every identity policy in the template (`AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`, inline `Policies` of roles, users and groups, SAM function `Policies`) for `Allow` statements whose actions cover every action (`*`, or a `NotAction` that leaves out no S3 action) or every S3 action (`s3:*`). On every resource (`*`, `arn:aws:s3:::*`, `NotResource`) without conditions it fails; limited to named resources or narrowed by conditions it is partial. Prefix wildcards such as `s3:Get*` are not flagged.\n\n## Why is this bad?\n`*` on `*` is full administrator access. `s3:*` on `*` lets the principal read, overwrite and delete every object it can reach in any account that allows it, and also rewrite bucket policies, ACLs and Block Public Access settings: a stolen session of it can make any bucket of the account public. Security Hub IAM.1 and IAM.21 flag these in customer managed policies; inline policies grant the same.\n\n## Example\n```yaml\nPolicyDocument:\n  Statement:\n    - Effect: Allow\n      Action: s3:*\n      Resource: '*'\n```\n\n## Remediation\nName the actions the principal needs (`s3:GetObject`, `s3:PutObject`...) and the buckets and prefixes it works on.\n\n## References\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1\n- https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21",
    recommendation: "Replace `*` and `s3:*` with the S3 actions the principal needs, on the buckets it needs.",
    fix: "- Effect: Allow\n  Action:\n    - s3:GetObject\n    - s3:PutObject\n  Resource: !Sub '${Data.Arn}/reports/*'",
    cdk: Some(CdkFix {
        typescript: r#"// the S3 actions the role needs, on the objects it needs
role.addToPolicy(
  new iam.PolicyStatement({
    actions: ['s3:GetObject', 's3:PutObject'],
    resources: [bucket.arnForObjects('reports/*')],
  }),
);"#,
        python: r#"# the S3 actions the role needs, on the objects it needs
role.add_to_policy(
    iam.PolicyStatement(
        actions=["s3:GetObject", "s3:PutObject"],
        resources=[bucket.arn_for_objects("reports/*")],
    )
)"#,
    }),
    terraform: Some(
        r#"# the S3 actions the role needs, on the objects it needs
data "aws_iam_policy_document" "app" {
  statement {
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.data.arn}/reports/*"]
  }
}

resource "aws_iam_role_policy" "app" {
  name   = "reports"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.app.json
}"#,
    ),
    run,
};

/// What a statement's action element grants of everything, if it is a wildcard.
fn wildcard(s: &Statement) -> Option<String> {
    if s.effect.value != Effect::Allow {
        return None;
    }
    if s.action.negated {
        // NotAction: every action but those listed
        if !(covers_action(s, "s3:GetObject") && covers_action(s, "s3:PutBucketPolicy")) {
            return None;
        }
        let list: Vec<String> = s
            .action
            .patterns
            .iter()
            .map(|p| format!("`{}`", p.value))
            .collect();
        return Some(format!(
            "every action but {} (`NotAction`)",
            list.join(", ")
        ));
    }
    s.action.patterns.iter().find_map(|p| {
        let v = p.value.as_str();
        if v == "*" {
            Some("every action (`*`)".to_string())
        } else if v.ends_with('*') && "s3:".starts_with(&v.to_ascii_lowercase()[..v.len() - 1]) {
            Some(format!("every S3 action (`{v}`)"))
        } else {
            None
        }
    })
}

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
            let Some(what) = wildcard(s) else { continue };
            if super::identity::no_resource(s) {
                // `NotResource: "*"`: the statement grants nothing
                continue;
            }
            let everything = all_resources(s);
            let outcome = if everything && s.conditions.is_empty() {
                Outcome::Fail
            } else {
                Outcome::Partial
            };
            let on = if everything {
                "every resource".to_string()
            } else {
                resources_text(s)
            };
            let narrowed = if s.conditions.is_empty() {
                String::new()
            } else {
                let keys: Vec<String> = s
                    .conditions
                    .iter()
                    .map(|c| format!("`{}`", c.key.value))
                    .collect();
                format!(", narrowed only by conditions on {}", keys.join(", "))
            };
            let reach = if what.starts_with("every S3") {
                "reads, writes, deletes, and bucket policy, ACL and Block Public Access changes wherever it reaches"
            } else {
                "full administrator access, S3 included"
            };
            let message = format!(
                "statement `{}` allows {what} on {on}{narrowed}: {reach}",
                s.label()
            );
            let span = action_span(s, "s3:PutBucketPolicy");
            worst.offer(outcome, message, span);
        }
        worst.say(out, o, held.doc.span, "no statement allows `*` or `s3:*`");
    }
}
