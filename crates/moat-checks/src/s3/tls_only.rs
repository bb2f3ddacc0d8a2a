use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use crate::policy_questions::bucket_policies;
use moat_iac::Inventory;
use moat_policy::enforcement::requires_tls;

pub static CHECK: Check = Check {
    id: "CHK-S3-007",
    title: "Bucket policy does not deny requests without TLS",
    category: Category::PolicyWeakness,
    severity: Severity::Medium,
    controls: &["C-S3-010"],
    proves: &["C-S3-010"],
    security_hub: &["S3.5"],
    doc: "## What it does\nFails buckets whose policies have no `Deny` for every principal on `aws:SecureTransport` `false` covering both object and bucket requests; Moat's policy engine decides whether a statement really enforces it (conditions, principals, actions and resources).\n\n## Why is this bad?\nS3 accepts plain HTTP on its endpoints. Without the deny, a misconfigured client sends data and credentials-signed requests in clear text.\n\n## Example\nA bucket with no bucket policy, or one whose TLS statement only covers `s3:GetObject`.\n\n## Remediation\nAdd a `Deny` on `s3:*` for `Principal: '*'` on the bucket and its objects when `aws:SecureTransport` is `false` (and consider `s3:TlsVersion` below 1.2).\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-5",
    recommendation: "Deny every request to the bucket and its objects made without TLS (`aws:SecureTransport` false).",
    fix: "- Sid: DenyInsecureTransport\n  Effect: Deny\n  Principal: '*'\n  Action: 's3:*'\n  Resource:\n    - !GetAtt Bucket.Arn\n    - !Sub '${Bucket.Arn}/*'\n  Condition:\n    Bool:\n      aws:SecureTransport: 'false'",
    cdk: Some(CdkFix {
        typescript: r#"// adds a Deny on aws:SecureTransport false to the bucket policy
const bucket = new s3.Bucket(this, 'Data', { enforceSSL: true });"#,
        python: r#"# adds a Deny on aws:SecureTransport false to the bucket policy
bucket = s3.Bucket(self, "Data", enforce_ssl=True)"#,
    }),
    terraform: Some(
        r#"data "aws_iam_policy_document" "data" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.data.arn,
      "${aws_s3_bucket.data.arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
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

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let docs = match bucket_policies(inventory, bucket) {
            Ok(d) => d,
            Err(reason) => {
                out.unknown(o, None, "BucketPolicy", reason);
                continue;
            }
        };
        if docs.is_empty() {
            out.fail(
                o,
                None,
                "BucketPolicy",
                "no bucket policy, so nothing denies requests made without TLS",
            );
            continue;
        }
        let arn = bucket.arn();
        let objects = format!("{arn}/*");
        let mut enforced = (false, false);
        let mut reason = String::new();
        for doc in &docs {
            let Some(policy) = &doc.policy else { continue };
            let on_objects = requires_tls(policy, "s3:GetObject", &objects);
            let on_bucket = requires_tls(policy, "s3:ListBucket", &arn);
            enforced.0 |= on_objects.enforced;
            enforced.1 |= on_bucket.enforced;
            if !on_objects.enforced {
                reason = on_objects.reason;
            } else if !on_bucket.enforced {
                reason = on_bucket.reason;
            }
        }
        let holder = inventory
            .policies_of(bucket)
            .next()
            .map(|p| p.origin.clone())
            .unwrap_or_else(|| o.clone());
        let (outcome, message) = match enforced {
            (true, true) => (
                Outcome::Pass,
                "every request without TLS is denied".to_string(),
            ),
            (false, false) => (
                Outcome::Fail,
                format!("no statement denies requests without TLS: {reason}"),
            ),
            _ => (
                Outcome::Partial,
                format!("TLS is required for part of the bucket only: {reason}"),
            ),
        };
        out.say_in(o, &holder, outcome, None, "PolicyDocument", message);
    }
}
