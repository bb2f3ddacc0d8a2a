//! EventBridge patterns for the CloudTrail events of blocked features: which
//! events a class's calls record, which actions authorize each, and how they
//! are grouped into patterns that fit the EventBridge quota.

use super::{DETAIL_TYPE, EVENT_PATTERN_MAX_CHARS, GuardrailError};
use crate::feature_class::FeatureClass;
use moat_policy::actions;
use moat_policy::scp::pack;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

pub fn event_pattern(service: &str, names: &[String]) -> Value {
    json!({
        "source": [format!("aws.{service}")],
        "detail-type": [DETAIL_TYPE],
        "detail": {
            "eventSource": [format!("{service}.amazonaws.com")],
            "eventName": names,
        },
    })
}

/// The event patterns for `names` of `service`, split to respect
/// [`EVENT_PATTERN_MAX_CHARS`].
pub fn event_patterns(service: &str, names: &[String]) -> Result<Vec<Value>, GuardrailError> {
    let groups = pack(
        names,
        EVENT_PATTERN_MAX_CHARS,
        "an event pattern",
        |names| event_pattern(service, names),
    )?;
    Ok(groups
        .iter()
        .map(|names| event_pattern(service, names))
        .collect())
}

/// `(service prefix, eventName)`.
pub type EventKey = (String, String);

/// What is known about one event of a class.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventInfo {
    /// The source marks it as a data event.
    pub data: bool,
    /// The known IAM actions that authorize the call, as AWS spells them.
    pub actions: BTreeSet<&'static str>,
    /// Some call recording it names no known action (a TrustOnCloud operation
    /// with `-` or an unknown permission).
    pub unauthorized: bool,
}

/// The CloudTrail events a class's calls record. From the class's operations
/// when it lists them (their event name, else their API name, else the
/// operations of their IAM permissions); for actions no operation names, from
/// the operations the vendored action list and [`MORE_OPERATIONS`] give.
pub fn class_events(class: &FeatureClass) -> BTreeMap<EventKey, EventInfo> {
    let mut events: BTreeMap<EventKey, EventInfo> = BTreeMap::new();
    let mut add = |service: &str, name: String, data: bool, actions: &[&'static str]| {
        let info = events.entry((service.to_string(), name)).or_default();
        info.data |= data;
        info.actions.extend(actions.iter().copied());
        info.unauthorized |= actions.is_empty();
    };
    let mut covered: BTreeSet<&'static str> = BTreeSet::new();
    for operation in &class.operations {
        let permissions: Vec<&str> = operation
            .iam_permission
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty() && *p != "-")
            .collect();
        let known: Vec<&'static str> = permissions
            .iter()
            .filter_map(|p| actions::canonical(p))
            .collect();
        covered.extend(known.iter().copied());
        let service = permissions
            .iter()
            .filter_map(|p| p.split_once(':').map(|(prefix, _)| prefix))
            .find(|prefix| actions::services().any(|s| s == *prefix))
            .unwrap_or(class.service.as_str());
        let recorded = event_name(&operation.event_name);
        let api = api_name(&operation.api);
        if recorded.is_some() || api.is_some() {
            // Both, when they differ: the event name is what CloudTrail
            // records, the API name what a newer recording may use.
            let data = recorded.as_ref().is_some_and(|(_, data)| *data);
            if let Some((name, data)) = recorded {
                add(service, name, data, &known);
            }
            if let Some(name) = api {
                add(service, name, data, &known);
            }
        } else {
            for action in &known {
                for name in operations_of(action) {
                    add(prefix_of(action), name.to_string(), false, &[action]);
                }
            }
        }
    }
    for action in &class.actions {
        let Some(action) = actions::canonical(action.trim()) else {
            continue;
        };
        if covered.contains(action) {
            continue;
        }
        for name in operations_of(action) {
            add(prefix_of(action), name.to_string(), false, &[action]);
        }
    }
    events
}

fn prefix_of(action: &str) -> &str {
    action.split_once(':').map_or(action, |(prefix, _)| prefix)
}

/// The eventName CloudTrail records, from a source's event name: plain
/// (`PutBucketWebsite`) or qualified with the data event resource type
/// (`Data-AWS::S3::Object-GetObject`, then also marked as a data event).
fn event_name(raw: &str) -> Option<(String, bool)> {
    let raw = raw.trim();
    let (name, data) = match raw.rsplit_once('-') {
        Some((qualifier, name)) if qualifier.contains("::") => {
            (name, qualifier.starts_with("Data-"))
        }
        _ => (raw, false),
    };
    is_operation_name(name).then(|| (name.to_string(), data))
}

/// An API name as a source writes it, without call variants (`GetObject(VersionId=)`).
fn api_name(raw: &str) -> Option<String> {
    let name = raw.split('(').next().unwrap_or_default().trim();
    is_operation_name(name).then(|| name.to_string())
}

fn is_operation_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The API operations an action authorizes: the one the vendored list records
/// and those [`MORE_OPERATIONS`] adds.
pub fn operations_of(action: &str) -> Vec<&'static str> {
    let mut operations = actions::operations(action);
    for (known, more) in MORE_OPERATIONS {
        if known.eq_ignore_ascii_case(action) {
            for operation in *more {
                if !operations.contains(operation) {
                    operations.push(operation);
                }
            }
        }
    }
    operations
}

/// S3 API calls an action authorizes besides the operation its reference page
/// names (the vendored list records one per action): other calls that need the
/// same permission per the S3 API reference, including the deletes that need
/// the matching `Put` action, the older API versions still served, and the
/// names CloudTrail records for some of them. Alerts on these catch uses of a
/// blocked feature through any of its calls.
pub const MORE_OPERATIONS: &[(&str, &[&str])] = &[
    (
        "s3:GetObject",
        &[
            "HeadObject",
            "SelectObjectContent",
            "CopyObject",
            "UploadPartCopy",
        ],
    ),
    (
        "s3:PutObject",
        &[
            "CreateMultipartUpload",
            "UploadPart",
            "CompleteMultipartUpload",
            "CopyObject",
            "UploadPartCopy",
        ],
    ),
    ("s3:GetObjectVersion", &["HeadObject"]),
    ("s3:DeleteObject", &["DeleteObjects"]),
    ("s3:DeleteObjectVersion", &["DeleteObjects"]),
    ("s3:ListBucket", &["ListObjects", "HeadBucket"]),
    ("s3:GetLifecycleConfiguration", &["GetBucketLifecycle"]),
    (
        "s3:PutLifecycleConfiguration",
        &["PutBucketLifecycle", "DeleteBucketLifecycle"],
    ),
    (
        "s3:GetBucketNotification",
        &["GetBucketNotificationConfiguration"],
    ),
    (
        "s3:PutBucketNotification",
        &["PutBucketNotificationConfiguration"],
    ),
    (
        "s3:PutReplicationConfiguration",
        &["DeleteBucketReplication"],
    ),
    ("s3:PutBucketCORS", &["DeleteBucketCors"]),
    ("s3:PutEncryptionConfiguration", &["DeleteBucketEncryption"]),
    ("s3:PutBucketTagging", &["DeleteBucketTagging"]),
    (
        "s3:PutBucketOwnershipControls",
        &["DeleteBucketOwnershipControls"],
    ),
    (
        "s3:PutBucketPublicAccessBlock",
        &["DeletePublicAccessBlock"],
    ),
    (
        "s3:PutAccountPublicAccessBlock",
        &["DeletePublicAccessBlock"],
    ),
    (
        "s3:GetAnalyticsConfiguration",
        &["ListBucketAnalyticsConfigurations"],
    ),
    (
        "s3:PutAnalyticsConfiguration",
        &["DeleteBucketAnalyticsConfiguration"],
    ),
    (
        "s3:GetInventoryConfiguration",
        &["ListBucketInventoryConfigurations"],
    ),
    (
        "s3:PutInventoryConfiguration",
        &["DeleteBucketInventoryConfiguration"],
    ),
    (
        "s3:GetMetricsConfiguration",
        &["ListBucketMetricsConfigurations"],
    ),
    (
        "s3:PutMetricsConfiguration",
        &["DeleteBucketMetricsConfiguration"],
    ),
    (
        "s3:GetIntelligentTieringConfiguration",
        &["ListBucketIntelligentTieringConfigurations"],
    ),
    (
        "s3:PutIntelligentTieringConfiguration",
        &["DeleteBucketIntelligentTieringConfiguration"],
    ),
];

/// S3 object-level calls, which CloudTrail records as data events.
const S3_DATA_EVENTS: &[&str] = &[
    "AbortMultipartUpload",
    "CompleteMultipartUpload",
    "CopyObject",
    "CreateMultipartUpload",
    "DeleteObject",
    "DeleteObjectTagging",
    "DeleteObjects",
    "GetObject",
    "GetObjectAcl",
    "GetObjectAttributes",
    "GetObjectLegalHold",
    "GetObjectRetention",
    "GetObjectTagging",
    "GetObjectTorrent",
    "HeadBucket",
    "HeadObject",
    "ListObjectVersions",
    "ListObjects",
    "ListObjectsV2",
    "ListParts",
    "PutObject",
    "PutObjectAcl",
    "PutObjectLegalHold",
    "PutObjectRetention",
    "PutObjectTagging",
    "RestoreObject",
    "SelectObjectContent",
    "UploadPart",
    "UploadPartCopy",
];

/// Whether CloudTrail records the event as a data event: S3 object-level calls,
/// the same calls and `CreateSession` on directory buckets, and every S3 Object
/// Lambda call.
pub fn is_data_event(service: &str, name: &str) -> bool {
    match service {
        "s3" => S3_DATA_EVENTS.contains(&name),
        "s3express" => name == "CreateSession" || S3_DATA_EVENTS.contains(&name),
        "s3-object-lambda" => true,
        _ => false,
    }
}

/// Whether EventBridge treats a management event as read-only (names starting
/// with `Get`, `List` or `Describe`, except the STS calls that issue credentials).
pub fn is_read_only(service: &str, name: &str) -> bool {
    let issues_credentials =
        service == "sts" && matches!(name, "GetFederationToken" | "GetSessionToken");
    !issues_credentials
        && ["Get", "List", "Describe"].iter().any(|verb| {
            name.strip_prefix(verb)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_normalize() {
        assert_eq!(
            event_name("Data-AWS::S3::Object-AbortMultipartUpload"),
            Some(("AbortMultipartUpload".to_string(), true))
        );
        assert_eq!(
            event_name(" PutBucketWebsite "),
            Some(("PutBucketWebsite".to_string(), false))
        );
        assert_eq!(event_name("-"), None);
        assert_eq!(event_name(""), None);
        assert_eq!(
            api_name("GetObjectAttributes(VersionId=)"),
            Some("GetObjectAttributes".to_string())
        );
        assert_eq!(api_name("-"), None);
    }

    #[test]
    fn read_only_follows_eventbridge() {
        assert!(is_read_only("s3", "GetBucketWebsite"));
        assert!(is_read_only("kms", "DescribeKey"));
        assert!(!is_read_only("s3", "PutBucketWebsite"));
        assert!(!is_read_only("sts", "GetSessionToken"));
        assert!(!is_read_only("s3", "Getaway"));
    }

    #[test]
    fn more_operations_name_known_actions() {
        for (action, operations) in MORE_OPERATIONS {
            assert_eq!(actions::canonical(action), Some(*action), "{action}");
            for operation in *operations {
                assert!(is_operation_name(operation), "{operation}");
            }
        }
    }
}
