//! A bucket's event notifications, from the three places a template sets
//! them:
//! - the bucket's own `NotificationConfiguration` (CloudFormation's shape:
//!   `TopicConfigurations[].Topic`, `QueueConfigurations[].Queue`,
//!   `LambdaConfigurations[].Function`, one `Event` each);
//! - a `Custom::S3BucketNotifications` resource, which the CDK synthesizes
//!   for `bucket.addEventNotification(...)`: its handler passes
//!   `NotificationConfiguration` to `PutBucketNotificationConfiguration`, so
//!   it has the S3 API's shape (`TopicArn`, `QueueArn`, `LambdaFunctionArn`,
//!   `LambdaFunctionConfigurations`, a list of `Events`) and names the bucket
//!   in `BucketName` (aws-cdk-lib, `aws-s3/lib/notifications-resource`);
//! - the `S3` events of a SAM function, which SAM turns into
//!   `LambdaConfigurations` on the bucket, one per event type, with the
//!   function's ARN (AWS SAM Developer Guide, "S3" event source type; the
//!   SAM translator's `samtranslator/model/eventsources/push.py`).

use super::lower::{value_bool, value_text};
use crate::inventory::{Bucket, Notification};
use crate::node_util::{entries, get, items, text, unknown_reason};
use crate::value::Value;
use moat_source::Span;
use moat_source::node::{Node, NodeValue};

/// What one place configures.
#[derive(Debug, Clone, Default)]
pub struct Configured {
    pub notifications: Value<Vec<Notification>>,
    pub eventbridge: Value<bool>,
}

/// Notifications a resource other than the bucket configures on it.
#[derive(Debug, Clone)]
pub struct Elsewhere {
    /// The bucket's name (or ARN), resolved with stand-ins.
    pub bucket: Value<String>,
    /// The resource, for a reason: "`Custom::S3BucketNotifications` `X`".
    pub by: String,
    pub configured: Configured,
}

/// The three shapes: which list, which kind, which key names the target.
struct Shape {
    lists: [(&'static str, &'static str, &'static str); 3],
    /// `Event` (one) in CloudFormation, `Events` (a list) in the S3 API.
    event: &'static str,
}

const CLOUDFORMATION: Shape = Shape {
    lists: [
        ("TopicConfigurations", "sns", "Topic"),
        ("QueueConfigurations", "sqs", "Queue"),
        ("LambdaConfigurations", "lambda", "Function"),
    ],
    event: "Event",
};

const S3_API: Shape = Shape {
    lists: [
        ("TopicConfigurations", "sns", "TopicArn"),
        ("QueueConfigurations", "sqs", "QueueArn"),
        (
            "LambdaFunctionConfigurations",
            "lambda",
            "LambdaFunctionArn",
        ),
    ],
    event: "Events",
};

/// A bucket's own `NotificationConfiguration` (resolved), if it has one.
pub fn of_bucket(config: Option<&Node<'static>>) -> Configured {
    read(config, &CLOUDFORMATION)
}

/// What a `Custom::S3BucketNotifications` resource's (resolved) properties configure.
pub fn cdk(props: &Node<'static>, logical_id: &str) -> Elsewhere {
    Elsewhere {
        bucket: value_text(get(props, "BucketName")),
        by: format!("`Custom::S3BucketNotifications` `{logical_id}`"),
        configured: read(get(props, "NotificationConfiguration"), &S3_API),
    }
}

/// What the `S3` events of a SAM function (resolved properties) configure;
/// `function_arn` is the function's `Arn`.
pub fn sam(
    props: &Node<'static>,
    logical_id: &str,
    function_arn: &Value<String>,
) -> Vec<Elsewhere> {
    let Some(events) = get(props, "Events") else {
        return Vec::new();
    };
    // SAM's generated `AWS::Lambda::Permission` always carries
    // `SourceAccount: !Ref AWS::AccountId`, so it is not lowered: there is
    // nothing in it to check
    entries(events)
        .iter()
        .filter(|(_, event)| get(event, "Type").and_then(text).as_deref() == Some("S3"))
        .map(|(name, event)| {
            let props = get(event, "Properties");
            let list = event_types(props.and_then(|p| get(p, "Events")))
                .into_iter()
                .map(|e| Notification {
                    kind: "lambda",
                    target: function_arn.clone(),
                    event: e,
                    span: event.span,
                })
                .collect();
            Elsewhere {
                bucket: value_text(props.and_then(|p| get(p, "Bucket"))),
                by: format!(
                    "the `S3` event `{}` of SAM function `{logical_id}`",
                    text(name).unwrap_or_default()
                ),
                configured: Configured {
                    notifications: Value::known(list, event.span),
                    eventbridge: Value::Absent,
                },
            }
        })
        .collect()
}

/// Adds what other resources configure to the buckets of file `file` they
/// name. One whose bucket only the deployment knows may be any of them: each
/// bucket that configures nothing itself is then unknown.
pub fn attach(elsewhere: Vec<Elsewhere>, file: usize, buckets: &mut [Bucket]) {
    let (known, undecided): (Vec<Elsewhere>, Vec<Elsewhere>) =
        elsewhere.into_iter().partition(|e| !e.bucket.is_unknown());
    for e in known {
        let Some(name) = e.bucket.get() else { continue };
        let name = name.strip_prefix("arn:aws:s3:::").unwrap_or(name);
        if let Some(bucket) = buckets
            .iter_mut()
            .find(|b| b.origin.file == file && b.standin == name)
        {
            merge(bucket, e.configured);
        }
    }
    for e in undecided {
        let Value::Unknown { reason, span } = &e.bucket else {
            continue;
        };
        let reason = format!(
            "{} configures notifications on a bucket named by a value known only at deployment ({reason})",
            e.by
        );
        for bucket in buckets
            .iter_mut()
            .filter(|b| b.origin.file == file && b.notifications.is_absent())
        {
            bucket.notifications = Value::unknown(reason.clone(), *span);
            if bucket.eventbridge.is_absent() {
                bucket.eventbridge = Value::unknown(reason.clone(), *span);
            }
        }
    }
}

fn merge(bucket: &mut Bucket, other: Configured) {
    let mine = std::mem::take(&mut bucket.notifications);
    bucket.notifications = match (mine, other.notifications) {
        (Value::Absent, theirs) => theirs,
        (mine @ Value::Unknown { .. }, _) => mine,
        (_, theirs @ Value::Unknown { .. }) => theirs,
        (Value::Known { mut value, span }, Value::Known { value: more, .. }) => {
            value.extend(more);
            Value::known(value, span)
        }
        (mine, Value::Absent) => mine,
    };
    bucket.eventbridge = match (std::mem::take(&mut bucket.eventbridge), other.eventbridge) {
        (mine @ Value::Unknown { .. }, _) => mine,
        // turning EventBridge on elsewhere wins over leaving it off here
        (_, on @ Value::Known { value: true, .. }) => on,
        (Value::Absent, theirs) => theirs,
        (mine, _) => mine,
    };
}

/// A `NotificationConfiguration` read in one of the shapes.
fn read(config: Option<&Node<'static>>, shape: &Shape) -> Configured {
    let Some(config) = config else {
        return Configured::default();
    };
    if let Some(reason) = unknown_reason(config) {
        return Configured {
            notifications: Value::unknown(reason, config.span),
            eventbridge: Value::unknown(reason, config.span),
        };
    }
    let mut list = Vec::new();
    let mut unknown: Option<(String, Span)> = None;
    for (key, kind, target) in shape.lists {
        let Some(configs) = get(config, key) else {
            continue;
        };
        if let Some(reason) = unknown_reason(configs) {
            unknown.get_or_insert((reason.to_string(), configs.span));
            continue;
        }
        for c in items(configs) {
            let target = value_text(get(c, target));
            for event in event_types(get(c, shape.event)) {
                list.push(Notification {
                    kind,
                    target: target.clone(),
                    event,
                    span: c.span,
                });
            }
        }
    }
    let notifications = match unknown {
        Some((reason, span)) => Value::unknown(reason, span),
        None => Value::known(list, config.span),
    };
    let eventbridge_config = get(config, "EventBridgeConfiguration");
    let eventbridge = match (
        value_bool(eventbridge_config.and_then(|e| get(e, "EventBridgeEnabled"))),
        eventbridge_config,
    ) {
        // the configuration without the flag (the S3 API's `{}`) turns it on
        (Value::Absent, Some(e)) if unknown_reason(e).is_none() => Value::known(true, e.span),
        (Value::Absent, Some(e)) => value_bool(Some(e)),
        (other, _) => other,
    };
    Configured {
        notifications,
        eventbridge,
    }
}

/// The event types of one configuration: one value, or each of a list.
fn event_types(node: Option<&Node<'static>>) -> Vec<Value<String>> {
    match node.map(|n| &n.value) {
        Some(NodeValue::Seq(list)) if !list.is_empty() => {
            list.iter().map(|e| value_text(Some(e))).collect()
        }
        Some(NodeValue::Seq(_)) | None => vec![Value::Absent],
        Some(_) => vec![value_text(node)],
    }
}
