use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

use super::lifecycle_rules::{enabled, label};

pub static CHECK: Check = Check {
    id: "CHK-S3-023",
    title: "Fixed-age transitions to infrequent-access classes instead of Intelligent-Tiering",
    category: Category::Cost,
    severity: Severity::Info,
    controls: &[],
    proves: &[],
    security_hub: &[],
    doc: "## What it does\nFails buckets whose enabled lifecycle rules move current objects to an infrequent-access class after a fixed age (`STANDARD_IA`, `ONEZONE_IA`, `GLACIER_IR`) while nothing uses S3 Intelligent-Tiering: no rule transitions to `INTELLIGENT_TIERING` and the bucket has no `IntelligentTieringConfigurations`. Transitions to the archive classes `GLACIER` and `DEEP_ARCHIVE` are a deliberate archiving decision and are not counted. Buckets without transitions are not applicable.\n\n## Why is this bad?\nA fixed age is a guess about access. Objects that are still read after the transition pay per-GB retrieval fees in the infrequent-access classes, and objects deleted early still pay their 30-day (Standard-IA, One Zone-IA) or 90-day (Glacier Instant Retrieval) minimum. Intelligent-Tiering moves each object between access tiers by its own access pattern, with no retrieval fee, for a small monitoring charge per object. It is not always cheaper: objects smaller than 128 KB are never moved to a cheaper tier, and for well-known access patterns a fixed transition is the right choice.\n\n## Example\n```yaml\nLifecycleConfiguration:\n  Rules:\n    - Status: Enabled\n      Transitions:\n        - StorageClass: STANDARD_IA\n          TransitionInDays: 30\n```\n\n## Remediation\nWhere access patterns are unknown or change, transition to `INTELLIGENT_TIERING` (or upload objects in that class) instead of a fixed-age infrequent-access class.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html",
    recommendation: "Where access patterns are unknown, transition to Intelligent-Tiering rather than to a fixed-age infrequent-access class.",
    fix: "LifecycleConfiguration:\n  Rules:\n    - Id: to-intelligent-tiering\n      Status: Enabled\n      Transitions:\n        - StorageClass: INTELLIGENT_TIERING\n          TransitionInDays: 0",
    cdk: Some(CdkFix {
        typescript: r#"const bucket = new s3.Bucket(this, 'Data', {
  lifecycleRules: [
    {
      id: 'to-intelligent-tiering',
      transitions: [
        {
          storageClass: s3.StorageClass.INTELLIGENT_TIERING,
          transitionAfter: cdk.Duration.days(0),
        },
      ],
    },
  ],
});"#,
        python: r#"bucket = s3.Bucket(
    self,
    "Data",
    lifecycle_rules=[
        s3.LifecycleRule(
            id="to-intelligent-tiering",
            transitions=[
                s3.Transition(
                    storage_class=s3.StorageClass.INTELLIGENT_TIERING,
                    transition_after=cdk.Duration.days(0),
                )
            ],
        )
    ],
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_bucket_lifecycle_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    id     = "to-intelligent-tiering"
    status = "Enabled"
    filter {}
    transition {
      days          = 0
      storage_class = "INTELLIGENT_TIERING"
    }
  }
}"#,
    ),
    run,
};

const FIXED: &[&str] = &["STANDARD_IA", "ONEZONE_IA", "GLACIER_IR"];

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let path = "LifecycleConfiguration.Rules";
        let rules = match &bucket.lifecycle {
            Value::Absent => {
                out.not_applicable(
                    o,
                    "LifecycleConfiguration",
                    "no lifecycle rules, so no transitions",
                );
                continue;
            }
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), path, reason);
                continue;
            }
            Value::Known { value, .. } => value,
        };
        let mut fixed = Vec::new();
        let mut tiering = None;
        let mut undecided = None;
        for (i, rule) in rules.iter().enumerate() {
            if rule.transitions.is_empty() {
                continue;
            }
            match enabled(rule) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    undecided.get_or_insert(e);
                    continue;
                }
            }
            if rule.transitions.iter().any(|c| c == "INTELLIGENT_TIERING") {
                tiering.get_or_insert((label(rule, i), rule.span));
            }
            for class in rule
                .transitions
                .iter()
                .filter(|c| FIXED.contains(&c.as_str()))
            {
                fixed.push((
                    format!("rule {} moves objects to `{class}`", label(rule, i)),
                    rule.span,
                ));
            }
        }
        if let Some((rule, span)) = tiering {
            out.pass(
                o,
                Some(span),
                path,
                format!("rule {rule} transitions to `INTELLIGENT_TIERING`"),
            );
            continue;
        }
        if let Some((reason, span)) = undecided {
            out.unknown(o, Some(span), path, reason);
            continue;
        }
        let Some((_, at)) = fixed.first() else {
            out.not_applicable(
                o,
                path,
                "no enabled rule moves objects to an infrequent-access class",
            );
            continue;
        };
        let at = *at;
        let what: Vec<String> = fixed.into_iter().map(|(m, _)| m).collect();
        match &bucket.intelligent_tiering {
            Value::Known { value, span } if *value > 0 => out.pass(o, Some(*span), "IntelligentTieringConfigurations", format!("{} after a fixed age, and the bucket also configures Intelligent-Tiering archive tiers for objects stored in that class", what.join(", "))),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), "IntelligentTieringConfigurations", reason),
            _ => out.fail(o, Some(at), path, format!("{} after a fixed age and nothing uses Intelligent-Tiering: objects still read after the move pay retrieval fees, and objects deleted early pay the class's minimum storage duration", what.join(", "))),
        }
    }
}
