use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-013",
    title: "Bucket is not replicated to another Region",
    category: Category::ImplementationFlaw,
    severity: Severity::Low,
    controls: &["C-S3-048"],
    proves: &["C-S3-048"],
    security_hub: &["S3.7"],
    doc: "## What it does\nFails buckets without `ReplicationConfiguration`, whose replication rules are all `Disabled`, or that replicate only to buckets of the same template (a stack creates all its resources in one Region, so that is same-Region replication). A destination outside the template gives an unknown verdict: a bucket ARN names no Region, so only the deployment knows where the copy is. Record the answer with `Metadata: moat: skip` on the bucket.\n\n## Why is this bad?\nWithout a copy in another Region, a Regional outage makes the data unavailable, and a deletion or encryption by a compromised principal in the account reaches every copy there is.\n\n## Example\n```yaml\nData:\n  Type: AWS::S3::Bucket\n  Properties:\n    VersioningConfiguration:\n      Status: Enabled\n```\n\n## Remediation\nReplicate critical buckets (versioning on at both ends) to a bucket in another Region, preferably owned by a separate account, with a role scoped to the two buckets.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-replicationconfiguration.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-7",
    recommendation: "Replicate critical buckets to a versioned bucket in another Region (and account).",
    fix: "ReplicationConfiguration:\n  Role: !GetAtt ReplicationRole.Arn\n  Rules:\n    - Id: to-dr-region\n      Status: Enabled\n      Priority: 1\n      Filter:\n        Prefix: ''\n      DeleteMarkerReplication:\n        Status: Disabled\n      Destination:\n        Bucket: !Sub 'arn:aws:s3:::${ReplicaBucketName}'",
    cdk: Some(CdkFix {
        typescript: r#"// the copy: a versioned bucket that a stack in another Region (and account) creates
const replica = s3.Bucket.fromBucketName(this, 'Replica', 'data-replica-eu-west-1');
const bucket = new s3.Bucket(this, 'Data', {
  versioned: true,
  replicationRules: [{ id: 'to-dr-region', destination: replica, priority: 1 }],
});"#,
        python: r#"# the copy: a versioned bucket that a stack in another Region (and account) creates
replica = s3.Bucket.from_bucket_name(self, "Replica", "data-replica-eu-west-1")
bucket = s3.Bucket(
    self,
    "Data",
    versioned=True,
    replication_rules=[
        s3.ReplicationRule(id="to-dr-region", destination=replica, priority=1)
    ],
)"#,
    }),
    terraform: Some(
        r#"resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

# S3 assumes this role to read the versions and write the copies
data "aws_iam_policy_document" "replication_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "replication" {
  statement {
    actions   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [aws_s3_bucket.data.arn]
  }
  statement {
    actions = [
      "s3:GetObjectVersionForReplication",
      "s3:GetObjectVersionAcl",
      "s3:GetObjectVersionTagging",
    ]
    resources = ["${aws_s3_bucket.data.arn}/*"]
  }
  statement {
    actions   = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
    resources = ["arn:aws:s3:::data-replica-eu-west-1/*"]
  }
}

resource "aws_iam_role" "replication" {
  name               = "data-replication"
  assume_role_policy = data.aws_iam_policy_document.replication_trust.json
}

resource "aws_iam_role_policy" "replication" {
  name   = "replicate-data"
  role   = aws_iam_role.replication.id
  policy = data.aws_iam_policy_document.replication.json
}

# the copy: a versioned bucket that a configuration for another Region (and
# account) creates
resource "aws_s3_bucket_replication_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  role   = aws_iam_role.replication.arn
  rule {
    id       = "to-dr-region"
    status   = "Enabled"
    priority = 1
    filter {}
    delete_marker_replication {
      status = "Disabled"
    }
    destination {
      bucket = "arn:aws:s3:::data-replica-eu-west-1"
    }
  }
  # replication needs versioning on first
  depends_on = [aws_s3_bucket_versioning.data]
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let path = "ReplicationConfiguration.Rules";
        let (replication, span) = match &bucket.replication {
            Value::Absent => {
                out.fail(
                    o,
                    None,
                    "ReplicationConfiguration",
                    "no `ReplicationConfiguration`: the data exists in this bucket's Region only",
                );
                continue;
            }
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), "ReplicationConfiguration", reason);
                continue;
            }
            Value::Known { value, span } => (value, *span),
        };
        if replication.destinations.is_empty() {
            out.fail(
                o,
                Some(span),
                path,
                "no enabled replication rule: every rule is `Disabled`, so nothing is replicated",
            );
            continue;
        }
        let mut local = Vec::new();
        let mut outside = None;
        let mut undecided = None;
        for dest in &replication.destinations {
            match &dest.bucket {
                Value::Known { value, span } => {
                    let here = inventory
                        .bucket_named(value)
                        .filter(|b| b.origin.file == o.file);
                    match here {
                        Some(b) => local.push((b.origin.logical_id.clone(), *span)),
                        None => {
                            outside.get_or_insert((value.clone(), *span));
                        }
                    }
                }
                Value::Unknown { reason, span } => {
                    undecided.get_or_insert((reason.clone(), *span));
                }
                Value::Absent => {}
            }
        }
        if let Some((reason, at)) = undecided {
            out.unknown(
                o,
                Some(at),
                "ReplicationConfiguration.Rules[].Destination.Bucket",
                reason,
            );
        } else if let Some((dest, at)) = outside {
            out.unknown(o, Some(at), "ReplicationConfiguration.Rules[].Destination.Bucket", format!("replicates to `{dest}`, which this template does not define: a bucket ARN names no Region, so whether the copy is in another Region is known only at deployment"));
        } else if let Some((_, at)) = local.first() {
            let names: Vec<String> = local.iter().map(|(n, _)| format!("`{n}`")).collect();
            out.fail(o, Some(*at), "ReplicationConfiguration.Rules[].Destination.Bucket", format!("replicates only to {}, defined in this template and so created in the same Region: same-Region replication does not survive a Regional outage", names.join(", ")));
        } else {
            out.fail(
                o,
                Some(span),
                path,
                "no enabled replication rule names a destination bucket",
            );
        }
    }
}
