use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

use super::classification;

pub static CHECK: Check = Check {
    id: "CHK-S3-021",
    title: "Bucket has no data-classification tag",
    category: Category::MissingFeature,
    severity: Severity::Low,
    controls: &["C-S3-004"],
    proves: &[],
    security_hub: &[],
    doc: "## What it does\nFails buckets without a data-classification tag. A tag counts when its key, ignoring case and the separators `-`, `_`, `:`, `.`, `/` and spaces, ends with `classification` (`DataClassification`, `data-classification`, `Classification`, `security:classification`) or is `Sensitivity` / `DataSensitivity`, and its value is not empty. Tags given only at deployment (stack tags passed to `aws cloudformation deploy --tags`) are not in the template and so are not seen; the CDK writes `Tags.of(...)` tags into each resource, where they are. CHK-S3-022 and CHK-S3-026 read the tag's value.\n\n## Why is this bad?\nWithout a recorded classification, every bucket is protected the same way: sensitive data gets no more than the baseline, and reviews, Macie jobs, retention rules and tag-based access conditions have nothing to key on.\n\n## Example\n```yaml\nData:\n  Type: AWS::S3::Bucket\n  Properties:\n    Tags:\n      - Key: team\n        Value: analytics\n```\n\n## Remediation\nTag every bucket with its classification (for example `DataClassification: confidential`, `pii` or `public`), from a short list the organization defines, and enforce the tag with a tag policy.\n\n## References\n- https://docs.aws.amazon.com/prescriptive-guidance/latest/security-controls-by-caf-capability/data-controls.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html#cfn-s3-bucket-tags",
    recommendation: "Tag each bucket with the classification of the data it holds.",
    fix: "Tags:\n  - Key: DataClassification\n    Value: confidential",
    cdk: Some(CdkFix {
        typescript: r#"cdk.Tags.of(bucket).add('DataClassification', 'confidential');"#,
        python: r#"cdk.Tags.of(bucket).add("DataClassification", "confidential")"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_bucket" "data" {
  bucket = "example-data"
  tags = {
    DataClassification = "confidential"
  }
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let (tags, span) = match &bucket.tags {
            Value::Absent => {
                out.fail(o, None, "Tags", "no `Tags`: nothing records how sensitive this bucket's data is (tags added at deployment are not visible here)");
                continue;
            }
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), "Tags", reason);
                continue;
            }
            Value::Known { value, span } => (value, *span),
        };
        match classification::tag(bucket) {
            Some(tag) => match &tag.value {
                Value::Known { value, .. } if value.trim().is_empty() => out.fail(
                    o,
                    Some(tag.span),
                    "Tags",
                    format!("the classification tag `{}` is empty", tag.key),
                ),
                Value::Known { value, .. } => out.pass(
                    o,
                    Some(tag.span),
                    "Tags",
                    format!("classified `{value}` by tag `{}`", tag.key),
                ),
                Value::Unknown { reason, .. } => out.pass(
                    o,
                    Some(tag.span),
                    "Tags",
                    format!(
                        "classification tag `{}` is set at deployment ({reason})",
                        tag.key
                    ),
                ),
                Value::Absent => out.fail(
                    o,
                    Some(tag.span),
                    "Tags",
                    format!("the classification tag `{}` has no value", tag.key),
                ),
            },
            None => {
                let keys: Vec<String> = tags.iter().map(|t| format!("`{}`", t.key)).collect();
                let message = if keys.is_empty() {
                    "`Tags` is empty: nothing records how sensitive this bucket's data is"
                        .to_string()
                } else {
                    format!(
                        "tags {} include no data-classification tag (such as `DataClassification`)",
                        keys.join(", ")
                    )
                };
                out.fail(o, Some(span), "Tags", message);
            }
        }
    }
}
