use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-012",
    title: "Bucket has no event notifications",
    category: Category::Operational,
    severity: Severity::Low,
    controls: &["C-S3-078"],
    proves: &[],
    security_hub: &["S3.11"],
    doc: "## What it does\nFails buckets without event notifications, or whose configuration names no SNS topic, SQS queue or Lambda function and leaves EventBridge off. Notifications count wherever the template configures them: the bucket's `NotificationConfiguration`, a `Custom::S3BucketNotifications` resource (what the CDK synthesizes for `bucket.addEventNotification(...)` and `eventBridgeEnabled`), or the `S3` events of a SAM function. When such a resource names its bucket with a value only the deployment knows, the buckets that configure nothing themselves are unknown.\n\n## Why is this bad?\nEvent notifications are how deletions, restores and ACL changes reach someone as they happen. Without them a mass deletion (including one by a lifecycle rule an attacker added) or an unexpected restore is only found in logs, if anyone reads them.\n\n## Example\n```yaml\nData:\n  Type: AWS::S3::Bucket\n```\n\n## Remediation\nTurn on `EventBridgeConfiguration.EventBridgeEnabled` (S3 then sends every event type to the default event bus) and add rules for `Object Deleted`, `Object Restore Initiated` and `Object ACL Updated`; or name SNS, SQS or Lambda destinations for the events that matter.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-notificationconfiguration.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-11",
    recommendation: "Send the bucket's events to EventBridge (or SNS, SQS, Lambda) and alert on deletions, restores and ACL changes.",
    fix: "NotificationConfiguration:\n  EventBridgeConfiguration:\n    EventBridgeEnabled: true",
    cdk: Some(CdkFix {
        typescript: r#"// every event to EventBridge; alert there on deletions, restores and ACL changes
const bucket = new s3.Bucket(this, 'Data', { eventBridgeEnabled: true });"#,
        python: r#"# every event to EventBridge; alert there on deletions, restores and ACL changes
bucket = s3.Bucket(self, "Data", event_bridge_enabled=True)"#,
    }),
    terraform: Some(
        r#"# every event to EventBridge; alert there on deletions, restores and ACL changes
resource "aws_s3_bucket_notification" "data" {
  bucket      = aws_s3_bucket.data.id
  eventbridge = true
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let path = "NotificationConfiguration";
        if let Value::Known { value: true, span } = bucket.eventbridge {
            out.pass(
                o,
                Some(span),
                "NotificationConfiguration.EventBridgeConfiguration",
                "events go to Amazon EventBridge",
            );
            continue;
        }
        match &bucket.notifications {
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value, span } if !value.is_empty() => {
                let targets: Vec<String> = value
                    .iter()
                    .map(|n| {
                        let kind = match n.kind {
                            "sns" => "an SNS topic",
                            "sqs" => "an SQS queue",
                            _ => "a Lambda function",
                        };
                        match &n.event {
                            Value::Known { value, .. } => format!("`{value}` events to {kind}"),
                            _ => format!("events to {kind}"),
                        }
                    })
                    .collect();
                out.pass(o, Some(*span), path, format!("S3 sends {}", targets.join(", ")));
            }
            Value::Known { span, .. } => match &bucket.eventbridge {
                Value::Unknown { reason, span } => out.unknown(o, Some(*span), "NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", reason),
                _ => out.fail(o, Some(*span), path, "`NotificationConfiguration` names no SNS topic, SQS queue or Lambda function and EventBridge is off: S3 sends no event"),
            },
            Value::Absent => out.fail(o, None, path, "no `NotificationConfiguration`: S3 sends no event when objects are created, deleted or restored"),
        }
    }
}
