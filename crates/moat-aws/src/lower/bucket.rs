//! A bucket's answers -> `Bucket` and its `AttachedPolicy`.

use super::{known_bool, known_text, origin, read_doc, unknown_doc};
use crate::answer::{Kind, Resource};
use crate::calls;
use crate::evidence::{Evidence, Part};
use moat_iac::Inventory;
use moat_iac::Value;
use moat_iac::inventory::*;
use moat_iac::node_util::{get, items, text};
use moat_source::node::Node;
use moat_source::{Diagnostic, Span};

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

pub(super) fn lower(
    resource: &Resource,
    account_pab: Option<&Resource>,
    inventory: &mut Inventory,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // the account's settings apply to every bucket: shown in its evidence
    let extra: Vec<_> = account_pab
        .and_then(|r| {
            r.answer(calls::GET_ACCOUNT_PAB)
                .map(|a| (calls::GET_ACCOUNT_PAB, a, r.arn.as_str()))
        })
        .into_iter()
        .collect();
    let ev = Evidence::of(resource, &extra, diagnostics);
    let origin = origin(inventory, &ev, &resource.arn, Kind::Bucket);
    let name = resource
        .arn
        .strip_prefix("arn:aws:s3:::")
        .unwrap_or(&resource.arn)
        .to_string();
    let listed = ev.data(calls::LIST_BUCKETS);
    let policy = ev.field(
        calls::GET_BUCKET_POLICY,
        |n| match get(n, "Policy") {
            Some(doc) => Value::known(read_doc(&ev, doc, diagnostics), n.span),
            None => Value::Absent,
        },
        |_| Value::Absent,
    );
    match policy {
        Value::Known { value, .. } => inventory.bucket_policies.push(AttachedPolicy {
            origin: Origin {
                resource_type: Kind::BucketPolicy.resource_type().to_string(),
                ..origin.clone()
            },
            targets: vec![Value::known(name.clone(), value.span)],
            document: value,
        }),
        // a policy that could not be read may open the bucket: checks that
        // ask about its policies answer "unknown"
        Value::Unknown { reason, span } => inventory.bucket_policies.push(AttachedPolicy {
            origin: Origin {
                resource_type: Kind::BucketPolicy.resource_type().to_string(),
                ..origin.clone()
            },
            targets: vec![Value::known(name.clone(), span)],
            document: unknown_doc(reason, span),
        }),
        Value::Absent => {}
    }
    let count = |call, list: &str| {
        ev.field(
            call,
            |n| match get(n, list).map(items) {
                Some(l) if !l.is_empty() => Value::known(l.len(), n.span),
                _ => Value::Absent,
            },
            |_| Value::Absent,
        )
    };
    let bucket = Bucket {
        name: listed.and_then(|n| get(n, "Name")).map_or_else(
            || Value::known(name.clone(), ev.start()),
            |n| known_text(Some(n)),
        ),
        standin: name,
        // no default encryption configuration: S3 still encrypts every new
        // object with SSE-S3 (since 2023-01-05), shown at the answer that says so
        encryption: ev.field(calls::GET_BUCKET_ENCRYPTION, encryption, |span| {
            Value::known(
                Encryption {
                    algorithm: Value::known("AES256".to_string(), span),
                    kms_key: Value::Absent,
                    bucket_key: Value::Absent,
                },
                span,
            )
        }),
        versioning: ev.field(
            calls::GET_BUCKET_VERSIONING,
            |n| known_text(get(n, "Status")),
            |_| Value::Absent,
        ),
        object_lock: ev.field(
            calls::GET_OBJECT_LOCK,
            |n| match get(n, "ObjectLockConfiguration").and_then(|c| get(c, "ObjectLockEnabled")) {
                Some(e) => Value::known(text(e).as_deref() == Some("Enabled"), e.span),
                None => Value::known(false, n.span),
            },
            |span| Value::known(false, span),
        ),
        object_lock_retention: ev.field(calls::GET_OBJECT_LOCK, retention, |_| Value::Absent),
        public_access_block: public_access_block(&ev),
        ownership: ev.field(
            calls::GET_OWNERSHIP,
            |n| {
                known_text(
                    get(n, "OwnershipControls")
                        .and_then(|c| get(c, "Rules"))
                        .and_then(|r| items(r).first())
                        .and_then(|r| get(r, "ObjectOwnership")),
                )
            },
            // no ownership controls: ACLs are in force, as `ObjectWriter`
            |span| Value::known("ObjectWriter".to_string(), span),
        ),
        access_control: ev.field(calls::GET_BUCKET_ACL, canned_acl, |_| Value::Absent),
        logging: ev.field(
            calls::GET_BUCKET_LOGGING,
            |n| match get(n, "LoggingEnabled") {
                Some(l) => Value::known(
                    Logging {
                        destination: known_text(get(l, "TargetBucket")),
                        prefix: known_text(get(l, "TargetPrefix")),
                    },
                    l.span,
                ),
                None => Value::Absent,
            },
            |_| Value::Absent,
        ),
        replication: ev.field(calls::GET_BUCKET_REPLICATION, replication, |_| {
            Value::Absent
        }),
        lifecycle: ev.field(calls::GET_BUCKET_LIFECYCLE, lifecycle, |_| Value::Absent),
        notifications: ev.field(calls::GET_BUCKET_NOTIFICATION, notifications, |_| {
            Value::Absent
        }),
        eventbridge: ev.field(
            calls::GET_BUCKET_NOTIFICATION,
            |n| match get(n, "EventBridgeConfiguration") {
                Some(e) => Value::known(true, e.span),
                None => Value::Absent,
            },
            |_| Value::Absent,
        ),
        website: ev.field(
            calls::GET_BUCKET_WEBSITE,
            |n| {
                Value::known(
                    Website {
                        redirect_only: get(n, "RedirectAllRequestsTo").is_some(),
                    },
                    n.span,
                )
            },
            |_| Value::Absent,
        ),
        cors: ev.field(calls::GET_BUCKET_CORS, cors, |_| Value::Absent),
        acceleration: ev.field(
            calls::GET_BUCKET_ACCELERATE,
            |n| known_text(get(n, "Status")),
            |_| Value::Absent,
        ),
        intelligent_tiering: count(
            calls::LIST_INTELLIGENT_TIERING,
            "IntelligentTieringConfigurationList",
        ),
        inventory: count(calls::LIST_INVENTORY, "InventoryConfigurationList"),
        metrics: count(calls::LIST_METRICS, "MetricsConfigurationList"),
        tags: ev.field(
            calls::GET_BUCKET_TAGGING,
            |n| {
                let tags = get(n, "TagSet")
                    .map(items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|t| {
                        Some(Tag {
                            key: get(t, "Key").and_then(text)?,
                            value: known_text(get(t, "Value")),
                            span: t.span,
                        })
                    })
                    .collect();
                Value::known(tags, n.span)
            },
            |_| Value::Absent,
        ),
        origin,
    };
    inventory.buckets.push(bucket);
}

fn encryption(n: &Node<'static>) -> Value<Encryption> {
    let rule = get(n, "ServerSideEncryptionConfiguration")
        .and_then(|c| get(c, "Rules"))
        .and_then(|r| items(r).first());
    match rule {
        Some(rule) => {
            let default = get(rule, "ApplyServerSideEncryptionByDefault");
            Value::known(
                Encryption {
                    algorithm: known_text(default.and_then(|d| get(d, "SSEAlgorithm"))),
                    kms_key: known_text(default.and_then(|d| get(d, "KMSMasterKeyID"))),
                    bucket_key: known_bool(get(rule, "BucketKeyEnabled")),
                },
                rule.span,
            )
        }
        None => Value::unknown("the encryption configuration has no rule", n.span),
    }
}

fn retention(n: &Node<'static>) -> Value<String> {
    let Some(d) = get(n, "ObjectLockConfiguration")
        .and_then(|c| get(c, "Rule"))
        .and_then(|r| get(r, "DefaultRetention"))
    else {
        return Value::Absent;
    };
    let mode = get(d, "Mode").and_then(text).unwrap_or_default();
    let days = get(d, "Days").and_then(text).map(|v| format!("{v} days"));
    let years = get(d, "Years").and_then(text).map(|v| format!("{v} years"));
    Value::known(
        format!("{mode} {}", days.or(years).unwrap_or_default())
            .trim()
            .to_string(),
        d.span,
    )
}

/// The bucket's Block Public Access as S3 applies it: each setting is on
/// when the bucket or the account turns it on (the account's place is
/// shown when it is the one that does).
fn public_access_block(ev: &Evidence) -> Value<BlockPublicAccess> {
    let settings = |call| -> Result<Option<(Node<'static>, Span)>, (String, Span)> {
        match ev.part(call) {
            Some(Part::Data(n)) => Ok(get(n, "PublicAccessBlockConfiguration")
                .cloned()
                .map(|c| (c, n.span))),
            Some(Part::NotConfigured(_)) => Ok(None),
            Some(Part::Failed(reason, span)) => Err((reason.clone(), *span)),
            None => Err((
                format!("{} was not read", calls::Call::name(&call)),
                ev.start(),
            )),
        }
    };
    let bucket = settings(calls::GET_BUCKET_PAB);
    let account = settings(calls::GET_ACCOUNT_PAB);
    let unset_span = match ev.part(calls::GET_BUCKET_PAB) {
        Some(Part::NotConfigured(span)) => *span,
        _ => ev.start(),
    };
    let one = |name: &str| -> Value<bool> {
        let read = |side: &Result<Option<(Node<'static>, Span)>, (String, Span)>| match side {
            Ok(Some((c, _))) => match known_bool(get(c, name)) {
                Value::Absent => Value::known(false, c.span),
                other => other,
            },
            Ok(None) => Value::known(false, unset_span),
            Err((reason, span)) => Value::unknown(reason.clone(), *span),
        };
        let (b, a) = (read(&bucket), read(&account));
        match (&b, &a) {
            (Value::Known { value: true, .. }, _) => b,
            (_, Value::Known { value: true, .. }) => a,
            (Value::Unknown { .. }, _) => b,
            (_, Value::Unknown { .. }) => a,
            _ => b,
        }
    };
    if let Err((reason, span)) = &bucket
        && !matches!(account, Ok(Some(_)))
    {
        return Value::unknown(reason.clone(), *span);
    }
    let span = match &bucket {
        Ok(Some((c, _))) => c.span,
        _ => unset_span,
    };
    Value::known(
        BlockPublicAccess {
            block_public_acls: one("BlockPublicAcls"),
            ignore_public_acls: one("IgnorePublicAcls"),
            block_public_policy: one("BlockPublicPolicy"),
            restrict_public_buckets: one("RestrictPublicBuckets"),
        },
        span,
    )
}

/// The grants of `GetBucketAcl` as the canned ACL that grants as much to
/// the public (the checks ask whether a canned ACL opens the bucket): any
/// `WRITE` or `FULL_CONTROL` to everyone or to any AWS account is
/// `PublicReadWrite`, `READ` to everyone `PublicRead`, to any AWS account
/// `AuthenticatedRead`; the log delivery group's `LogDeliveryWrite`; else `Private`.
fn canned_acl(n: &Node<'static>) -> Value<String> {
    let mut found: Option<(&str, Span, u8)> = None;
    for grant in get(n, "Grants").map(items).unwrap_or_default() {
        let grantee = get(grant, "Grantee");
        let uri = grantee.and_then(|g| get(g, "URI")).and_then(text);
        let permission = get(grant, "Permission").and_then(text).unwrap_or_default();
        let (read, write) = match permission.as_str() {
            "FULL_CONTROL" => (true, true),
            "READ" => (true, false),
            "WRITE" => (false, true),
            _ => (false, false),
        };
        let candidate = match uri.as_deref() {
            Some(ALL_USERS | AUTHENTICATED_USERS) if write => Some(("PublicReadWrite", 4)),
            Some(ALL_USERS) if read => Some(("PublicRead", 3)),
            Some(AUTHENTICATED_USERS) if read => Some(("AuthenticatedRead", 2)),
            Some(LOG_DELIVERY) => Some(("LogDeliveryWrite", 1)),
            _ => None,
        };
        if let Some((acl, rank)) = candidate
            && found.is_none_or(|(_, _, r)| rank > r)
        {
            found = Some((acl, grant.span, rank));
        }
    }
    match found {
        Some((acl, span, _)) => Value::known(acl.to_string(), span),
        None => Value::known("Private".to_string(), n.span),
    }
}

fn replication(n: &Node<'static>) -> Value<Replication> {
    let Some(config) = get(n, "ReplicationConfiguration") else {
        return Value::Absent;
    };
    let destinations = get(config, "Rules")
        .map(items)
        .unwrap_or_default()
        .iter()
        .filter(|r| get(r, "Status").and_then(text).as_deref() != Some("Disabled"))
        .filter_map(|r| {
            let d = get(r, "Destination")?;
            Some(ReplicationDestination {
                span: r.span,
                bucket: known_text(get(d, "Bucket")),
                account: known_text(get(d, "Account")),
                owner: known_text(get(d, "AccessControlTranslation").and_then(|a| get(a, "Owner"))),
            })
        })
        .collect();
    Value::known(
        Replication {
            role: known_text(get(config, "Role")),
            destinations,
        },
        config.span,
    )
}

fn lifecycle(n: &Node<'static>) -> Value<Vec<LifecycleRule>> {
    let Some(rules) = get(n, "Rules") else {
        return Value::Absent;
    };
    let list = items(rules)
        .iter()
        .map(|r| {
            let filter = get(r, "Filter");
            let filtered = get(r, "Prefix")
                .and_then(text)
                .is_some_and(|p| !p.is_empty())
                || filter.is_some_and(|f| {
                    [
                        "Prefix",
                        "Tag",
                        "And",
                        "ObjectSizeGreaterThan",
                        "ObjectSizeLessThan",
                    ]
                    .iter()
                    .any(|k| get(f, k).is_some_and(|v| text(v).is_none_or(|t| !t.is_empty())))
                });
            LifecycleRule {
                id: get(r, "ID").and_then(text),
                span: r.span,
                status: known_text(get(r, "Status")),
                filtered,
                expiration: get(r, "Expiration")
                    .is_some_and(|e| get(e, "Days").is_some() || get(e, "Date").is_some()),
                noncurrent_expiration: get(r, "NoncurrentVersionExpiration").is_some(),
                abort_incomplete_multipart: get(r, "AbortIncompleteMultipartUpload").is_some(),
                transitions: get(r, "Transitions")
                    .map(items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|t| get(t, "StorageClass").and_then(text))
                    .collect(),
                unknown: None,
            }
        })
        .collect();
    Value::known(list, rules.span)
}

fn notifications(n: &Node<'static>) -> Value<Vec<Notification>> {
    let mut out = Vec::new();
    for (list, target, kind) in [
        ("TopicConfigurations", "TopicArn", "sns"),
        ("QueueConfigurations", "QueueArn", "sqs"),
        (
            "LambdaFunctionConfigurations",
            "LambdaFunctionArn",
            "lambda",
        ),
    ] {
        for config in get(n, list).map(items).unwrap_or_default() {
            let events = get(config, "Events").map(items).unwrap_or_default();
            let target = known_text(get(config, target));
            if events.is_empty() {
                out.push(Notification {
                    kind,
                    target: target.clone(),
                    event: Value::Absent,
                    span: config.span,
                });
            }
            for event in events {
                out.push(Notification {
                    kind,
                    target: target.clone(),
                    event: known_text(Some(event)),
                    span: config.span,
                });
            }
        }
    }
    if out.is_empty() {
        Value::Absent
    } else {
        Value::known(out, n.span)
    }
}

fn cors(n: &Node<'static>) -> Value<Vec<CorsRule>> {
    let Some(rules) = get(n, "CORSRules") else {
        return Value::Absent;
    };
    let strings = |r: &Node<'static>, key: &str| -> Vec<String> {
        get(r, key)
            .map(items)
            .unwrap_or_default()
            .iter()
            .filter_map(text)
            .collect()
    };
    Value::known(
        items(rules)
            .iter()
            .map(|r| CorsRule {
                span: r.span,
                origins: strings(r, "AllowedOrigins"),
                methods: strings(r, "AllowedMethods"),
                unknown: None,
            })
            .collect(),
        rules.span,
    )
}
