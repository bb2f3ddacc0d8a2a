use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-025",
    title: "CORS allows any origin to use write methods",
    category: Category::PolicyWeakness,
    severity: Severity::Medium,
    controls: &["C-S3-025"],
    proves: &["C-S3-025"],
    security_hub: &[],
    doc: "## What it does\nFails each CORS rule whose `AllowedOrigins` contains `*` and whose `AllowedMethods` include `PUT`, `POST` or `DELETE`. Buckets without `CorsConfiguration` pass: browsers then refuse cross-origin requests to the bucket.\n\n## Why is this bad?\nCORS grants no S3 permission, but it decides which web pages a browser lets call the bucket. With `*` and write methods, a script on any website can upload to or delete from the bucket wherever the request is otherwise allowed: with a presigned URL or form it got hold of, or on a bucket that allows public writes. Limiting origins to your applications keeps other sites from driving those requests from users' browsers.\n\n## Example\n```yaml\nCorsConfiguration:\n  CorsRules:\n    - AllowedOrigins: ['*']\n      AllowedMethods: [GET, PUT, POST, DELETE]\n```\n\n## Remediation\nList the exact HTTPS origins of your applications, allow only the methods they use, and remove CORS from buckets no browser calls.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-corsrule.html",
    recommendation: "Allow write methods only from the exact origins of your own applications.",
    fix: "CorsConfiguration:\n  CorsRules:\n    - AllowedOrigins:\n        - https://app.example.com\n      AllowedMethods:\n        - GET\n        - PUT\n      AllowedHeaders:\n        - content-type\n      MaxAge: 3000",
    cdk: Some(CdkFix {
        typescript: r#"const bucket = new s3.Bucket(this, 'Data', {
  cors: [
    {
      allowedOrigins: ['https://app.example.com'],
      allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.PUT],
      allowedHeaders: ['content-type'],
      maxAge: 3000,
    },
  ],
});"#,
        python: r#"bucket = s3.Bucket(
    self,
    "Data",
    cors=[
        s3.CorsRule(
            allowed_origins=["https://app.example.com"],
            allowed_methods=[s3.HttpMethods.GET, s3.HttpMethods.PUT],
            allowed_headers=["content-type"],
            max_age=3000,
        )
    ],
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_bucket_cors_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  cors_rule {
    allowed_origins = ["https://app.example.com"]
    allowed_methods = ["GET", "PUT"]
    allowed_headers = ["content-type"]
    max_age_seconds = 3000
  }
}"#,
    ),
    run,
};

const WRITES: &[&str] = &["PUT", "POST", "DELETE"];

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let path = "CorsConfiguration.CorsRules";
        let (rules, span) = match &bucket.cors {
            Value::Absent => {
                out.pass(
                    o,
                    None,
                    "CorsConfiguration",
                    "no `CorsConfiguration`: browsers refuse cross-origin requests to the bucket",
                );
                continue;
            }
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), path, reason);
                continue;
            }
            Value::Known { value, span } => (value, *span),
        };
        let mut any = false;
        let mut undecided = None;
        for (i, rule) in rules.iter().enumerate() {
            if let Some(e) = &rule.unknown {
                undecided.get_or_insert(e.clone());
            }
            if !rule.origins.iter().any(|o| o == "*") {
                continue;
            }
            let writes: Vec<String> = rule
                .methods
                .iter()
                .filter(|m| WRITES.iter().any(|w| m.eq_ignore_ascii_case(w)))
                .map(|m| format!("`{m}`"))
                .collect();
            if writes.is_empty() {
                continue;
            }
            any = true;
            out.fail(o, Some(rule.span), &format!("{path}[{i}]"), format!("CORS rule #{} lets pages from any origin (`*`) send {} requests: any website's scripts can write to the bucket wherever a presigned URL or public access allows it", i + 1, writes.join(", ")));
        }
        if !any && let Some((reason, at)) = undecided {
            out.unknown(o, Some(at), path, reason);
        } else if !any {
            out.pass(
                o,
                Some(span),
                path,
                "no CORS rule allows write methods from any origin",
            );
        }
    }
}
