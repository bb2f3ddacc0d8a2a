//! From Terraform resources to the Inventory. Each resource's settings are
//! laid out as the CloudFormation properties they correspond to (with the
//! Terraform values and their places) and lowered by the same code that
//! lowers templates, so a setting is read one way whatever the format. The
//! split resources of AWS provider v4+ (`aws_s3_bucket_versioning`...) are
//! folded into the bucket they configure, as are the inline blocks of v3.
//! docs/terraform.md lists every mapping.

use super::eval::Instance;
use super::policy_document::as_document_in;
use super::values::{self, Val, text};
use crate::cloudformation::lower::lower_resource;
use crate::cloudformation::notifications::Elsewhere;
use crate::inventory::{Inventory, Origin, SourceFormat};
use crate::node_util::{get, items, unknown_reason};
use moat_source::node::NodeValue;
use moat_source::{Diagnostic, SourceFile, Span};
use std::collections::BTreeMap;

/// Split resources that configure one setting of a bucket: type, the
/// CloudFormation property it sets, and how.
const SPLIT: &[(&str, &str)] = &[
    (
        "aws_s3_bucket_public_access_block",
        "PublicAccessBlockConfiguration",
    ),
    (
        "aws_s3_bucket_server_side_encryption_configuration",
        "BucketEncryption",
    ),
    ("aws_s3_bucket_versioning", "VersioningConfiguration"),
    ("aws_s3_bucket_logging", "LoggingConfiguration"),
    (
        "aws_s3_bucket_lifecycle_configuration",
        "LifecycleConfiguration",
    ),
    (
        "aws_s3_bucket_replication_configuration",
        "ReplicationConfiguration",
    ),
    ("aws_s3_bucket_notification", "NotificationConfiguration"),
    ("aws_s3_bucket_ownership_controls", "OwnershipControls"),
    ("aws_s3_bucket_acl", "AccessControl"),
    (
        "aws_s3_bucket_object_lock_configuration",
        "ObjectLockConfiguration",
    ),
    ("aws_s3_bucket_cors_configuration", "CorsConfiguration"),
    (
        "aws_s3_bucket_website_configuration",
        "WebsiteConfiguration",
    ),
    (
        "aws_s3_bucket_accelerate_configuration",
        "AccelerateConfiguration",
    ),
    (
        "aws_s3_bucket_intelligent_tiering_configuration",
        "IntelligentTieringConfigurations",
    ),
    ("aws_s3_bucket_metric", "MetricsConfigurations"),
    ("aws_s3_bucket_inventory", "InventoryConfigurations"),
];

/// Terraform resource types Moat reads, beyond the bucket and its split
/// resources (listed so that an unread type is said, not skipped quietly).
pub const READ: &[&str] = &[
    "aws_s3_bucket",
    "aws_s3_bucket_policy",
    "aws_s3_account_public_access_block",
    "aws_s3_access_point",
    "aws_s3control_access_point_policy",
    "aws_s3control_multi_region_access_point",
    "aws_s3_directory_bucket",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_policy",
    "aws_iam_policy_attachment",
    "aws_iam_user",
    "aws_iam_user_policy",
    "aws_iam_user_policy_attachment",
    "aws_iam_user_group_membership",
    "aws_iam_group",
    "aws_iam_group_policy",
    "aws_iam_group_policy_attachment",
    "aws_iam_group_membership",
    "aws_kms_key",
    "aws_kms_key_policy",
    "aws_kms_alias",
    "aws_cloudtrail",
    "aws_vpc_endpoint",
    "aws_vpc_endpoint_policy",
    "aws_sns_topic",
    "aws_sns_topic_policy",
    "aws_sqs_queue",
    "aws_sqs_queue_policy",
    "aws_lambda_function",
    "aws_lambda_permission",
    "aws_cloudwatch_event_rule",
];

/// Whether Moat reads resources of this type.
pub fn is_read(rtype: &str) -> bool {
    READ.contains(&rtype) || SPLIT.iter().any(|(t, _)| *t == rtype)
}

/// CloudFormation-shaped properties being built for one resource.
struct Props {
    entries: Vec<(String, Val)>,
    span: Span,
}

impl Props {
    fn new(span: Span) -> Self {
        Props {
            entries: Vec::new(),
            span,
        }
    }

    fn set(&mut self, key: &str, v: Option<Val>) {
        if let Some(v) = v {
            match self.entries.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = v,
                None => self.entries.push((key.to_string(), v)),
            }
        }
    }

    fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    fn node(self) -> Val {
        values::map(self.entries, self.span)
    }
}

/// An argument written in the configuration (computed stand-ins left out).
fn arg<'a>(i: &'a Instance, key: &str) -> Option<&'a Val> {
    if i.computed.iter().any(|c| c == key) {
        return None;
    }
    get(&i.attrs, key).filter(|v| !matches!(v.value, NodeValue::Null))
}

/// The first block of a nested block list (`versioning { ... }`).
fn block<'a>(v: &'a Val, key: &str) -> Option<&'a Val> {
    let b = get(v, key)?;
    if unknown_reason(b).is_some() {
        return Some(b);
    }
    items(b).first()
}

fn blocks(v: &Val, key: &str) -> Vec<Val> {
    match get(v, key) {
        Some(b) if unknown_reason(b).is_some() => vec![b.clone()],
        Some(b) => items(b).to_vec(),
        None => Vec::new(),
    }
}

/// `v`'s arguments renamed: (Terraform name, CloudFormation name).
fn renamed(v: &Val, names: &[(&str, &str)]) -> Val {
    if unknown_reason(v).is_some() {
        return v.clone();
    }
    values::map(
        names
            .iter()
            .filter_map(|(from, to)| {
                get(v, from)
                    .filter(|x| !matches!(x.value, NodeValue::Null))
                    .map(|x| (to.to_string(), x.clone()))
            })
            .collect(),
        v.span,
    )
}

fn lists(v: Vec<Val>, span: Span) -> Val {
    values::seq(v, span)
}

/// The canned ACL names of the S3 API (`public-read`) as CloudFormation's
/// `AccessControl` values (`PublicRead`).
fn canned_acl(v: &Val) -> Val {
    let Some(t) = text(v) else { return v.clone() };
    let cfn = match t.as_str() {
        "private" => "Private",
        "public-read" => "PublicRead",
        "public-read-write" => "PublicReadWrite",
        "authenticated-read" => "AuthenticatedRead",
        "aws-exec-read" => "AwsExecRead",
        "bucket-owner-read" => "BucketOwnerRead",
        "bucket-owner-full-control" => "BucketOwnerFullControl",
        "log-delivery-write" => "LogDeliveryWrite",
        other => other,
    };
    values::str(cfn, v.span)
}

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

/// Grants (`grant` blocks of v3, `access_control_policy` of
/// `aws_s3_bucket_acl`) as the canned ACL they amount to for the public
/// checks: `PublicReadWrite`, `PublicRead`, `AuthenticatedRead`, or
/// `Private` when no grant goes to everyone.
fn grants_acl(grants: &[Val], span: Span) -> Option<Val> {
    if grants.is_empty() {
        return None;
    }
    let mut read = None;
    let mut write = None;
    let mut authenticated = None;
    for g in grants {
        if let Some(u) = unknown_reason(g) {
            return Some(values::unknown(u, g.span));
        }
        let grantee = block(g, "grantee").unwrap_or(g);
        let uri = get(grantee, "uri").and_then(text).unwrap_or_default();
        let perms: Vec<String> = match get(g, "permissions") {
            Some(p) => items(p).iter().filter_map(text).collect(),
            None => get(g, "permission").and_then(text).into_iter().collect(),
        };
        let has = |p: &str| perms.iter().any(|x| x == p || x == "FULL_CONTROL");
        if uri == ALL_USERS {
            if has("WRITE") {
                write = Some(g.span);
            }
            if has("READ") {
                read = Some(g.span);
            }
        } else if uri == AUTHENTICATED_USERS && has("READ") {
            authenticated = Some(g.span);
        }
    }
    Some(match (write, read, authenticated) {
        (Some(s), _, _) => values::str("PublicReadWrite", s),
        (None, Some(s), _) => values::str("PublicRead", s),
        (None, None, Some(s)) => values::str("AuthenticatedRead", s),
        _ => values::str("Private", span),
    })
}

fn tags(v: Option<&Val>) -> Option<Val> {
    let v = v?;
    if unknown_reason(v).is_some() {
        return Some(v.clone());
    }
    let NodeValue::Map(list) = &v.value else {
        return None;
    };
    Some(lists(
        list.iter()
            .map(|(k, val)| {
                values::map(
                    vec![("Key".into(), k.clone()), ("Value".into(), val.clone())],
                    k.span,
                )
            })
            .collect(),
        v.span,
    ))
}

/// `BucketEncryption` from `rule` blocks (split resource, or the v3
/// `server_side_encryption_configuration` block).
fn encryption(config: &Val) -> Val {
    // a `dynamic` configuration block (v3) or `dynamic "rule"` whose
    // `for_each` is not known: so is the encryption, for that reason
    if unknown_reason(config).is_some() {
        return config.clone();
    }
    if let Some(unknown) = blocks(config, "rule")
        .iter()
        .find(|r| unknown_reason(r).is_some())
    {
        return unknown.clone();
    }
    let rules: Vec<Val> = blocks(config, "rule")
        .iter()
        .map(|r| {
            let mut e = Vec::new();
            if let Some(d) = block(r, "apply_server_side_encryption_by_default") {
                e.push((
                    "ServerSideEncryptionByDefault".to_string(),
                    renamed(
                        d,
                        &[
                            ("sse_algorithm", "SSEAlgorithm"),
                            ("kms_master_key_id", "KMSMasterKeyID"),
                        ],
                    ),
                ));
            }
            if let Some(b) = get(r, "bucket_key_enabled") {
                e.push(("BucketKeyEnabled".to_string(), b.clone()));
            }
            values::map(e, r.span)
        })
        .collect();
    values::map(
        vec![(
            "ServerSideEncryptionConfiguration".into(),
            lists(rules, config.span),
        )],
        config.span,
    )
}

fn lifecycle_rule(r: &Val, v3: bool) -> Val {
    if unknown_reason(r).is_some() {
        return r.clone();
    }
    let mut out: Vec<(String, Val)> = Vec::new();
    if let Some(id) = get(r, "id") {
        out.push(("Id".into(), id.clone()));
    }
    let status = if v3 {
        get(r, "enabled").map(|e| match values::truth(e) {
            Some(b) => values::str(if b { "Enabled" } else { "Disabled" }, e.span),
            None => e.clone(),
        })
    } else {
        get(r, "status").cloned()
    };
    if let Some(s) = status {
        out.push(("Status".into(), s));
    }
    // a filter that narrows the rule to part of the bucket
    let filter = block(r, "filter");
    let prefix = get(r, "prefix").or_else(|| filter.and_then(|f| get(f, "prefix")));
    if let Some(p) = prefix.filter(|p| text(p).is_none_or(|t| !t.is_empty())) {
        out.push(("Prefix".into(), p.clone()));
    }
    if let Some(f) = filter {
        for (tf, cfn) in [
            ("tag", "TagFilters"),
            ("and", "TagFilters"),
            ("object_size_greater_than", "ObjectSizeGreaterThan"),
            ("object_size_less_than", "ObjectSizeLessThan"),
        ] {
            if let Some(x) = get(f, tf).filter(|x| {
                !items(x).is_empty() || text(x).is_some() || unknown_reason(x).is_some()
            }) {
                out.push((cfn.into(), x.clone()));
            }
        }
    }
    if v3 && let Some(t) = get(r, "tags").filter(|t| !crate::node_util::entries(t).is_empty()) {
        out.push(("TagFilters".into(), t.clone()));
    }
    if let Some(e) = block(r, "expiration") {
        if let Some(d) = get(e, "days") {
            out.push(("ExpirationInDays".into(), d.clone()));
        }
        if let Some(d) = get(e, "date") {
            out.push(("ExpirationDate".into(), d.clone()));
        }
        if let Some(d) = get(e, "expired_object_delete_marker") {
            out.push(("ExpiredObjectDeleteMarker".into(), d.clone()));
        }
    }
    if let Some(n) = block(r, "noncurrent_version_expiration") {
        out.push(("NoncurrentVersionExpiration".into(), n.clone()));
    }
    if v3 && let Some(d) = get(r, "abort_incomplete_multipart_upload_days") {
        out.push((
            "AbortIncompleteMultipartUpload".into(),
            values::map(vec![("DaysAfterInitiation".into(), d.clone())], d.span),
        ));
    }
    if let Some(a) = block(r, "abort_incomplete_multipart_upload") {
        out.push(("AbortIncompleteMultipartUpload".into(), a.clone()));
    }
    let transitions: Vec<Val> = blocks(r, "transition")
        .iter()
        .map(|t| {
            renamed(
                t,
                &[
                    ("storage_class", "StorageClass"),
                    ("days", "TransitionInDays"),
                ],
            )
        })
        .collect();
    if !transitions.is_empty() {
        out.push(("Transitions".into(), lists(transitions, r.span)));
    }
    values::map(out, r.span)
}

fn replication(config: &Val, rules_key: &str) -> Val {
    if unknown_reason(config).is_some() {
        return config.clone();
    }
    let rules: Vec<Val> = blocks(config, rules_key)
        .iter()
        .map(|r| {
            if unknown_reason(r).is_some() {
                return r.clone();
            }
            let mut out = Vec::new();
            if let Some(s) = get(r, "status") {
                out.push(("Status".to_string(), s.clone()));
            }
            if let Some(d) = block(r, "destination") {
                let mut dest = match renamed(
                    d,
                    &[
                        ("bucket", "Bucket"),
                        ("account", "Account"),
                        ("account_id", "Account"),
                    ],
                )
                .value
                {
                    NodeValue::Map(m) => m,
                    _ => Vec::new(),
                };
                if let Some(owner) =
                    block(d, "access_control_translation").and_then(|a| get(a, "owner"))
                {
                    dest.push((
                        values::str("AccessControlTranslation", owner.span),
                        values::map(vec![("Owner".into(), owner.clone())], owner.span),
                    ));
                }
                out.push((
                    "Destination".to_string(),
                    values::node(NodeValue::Map(dest), d.span),
                ));
            }
            values::map(out, r.span)
        })
        .collect();
    let mut out = Vec::new();
    if let Some(role) = get(config, "role") {
        out.push(("Role".to_string(), role.clone()));
    }
    out.push(("Rules".to_string(), lists(rules, config.span)));
    values::map(out, config.span)
}

fn notifications(n: &Val) -> Val {
    let mut out = Vec::new();
    for (tf, cfn, target_tf, target_cfn) in [
        ("topic", "TopicConfigurations", "topic_arn", "Topic"),
        ("queue", "QueueConfigurations", "queue_arn", "Queue"),
        (
            "lambda_function",
            "LambdaConfigurations",
            "lambda_function_arn",
            "Function",
        ),
    ] {
        let mut configs = Vec::new();
        for c in blocks(n, tf) {
            if unknown_reason(&c).is_some() {
                configs.push(c.clone());
                continue;
            }
            let target = get(&c, target_tf)
                .cloned()
                .unwrap_or_else(|| values::null(c.span));
            let events: Vec<Val> = get(&c, "events").map(items).unwrap_or_default().to_vec();
            let events = if events.is_empty() {
                vec![values::null(c.span)]
            } else {
                events
            };
            for e in events {
                configs.push(values::map(
                    vec![(target_cfn.into(), target.clone()), ("Event".into(), e)],
                    c.span,
                ));
            }
        }
        if !configs.is_empty() {
            out.push((cfn.to_string(), lists(configs, n.span)));
        }
    }
    if let Some(eb) = get(n, "eventbridge") {
        out.push((
            "EventBridgeConfiguration".into(),
            values::map(vec![("EventBridgeEnabled".into(), eb.clone())], eb.span),
        ));
    }
    values::map(out, n.span)
}

fn object_lock_retention(config: &Val) -> Option<Val> {
    let d = block(config, "rule").and_then(|r| block(r, "default_retention"))?;
    let retention = renamed(d, &[("mode", "Mode"), ("days", "Days"), ("years", "Years")]);
    Some(values::map(
        vec![(
            "Rule".into(),
            values::map(vec![("DefaultRetention".into(), retention)], d.span),
        )],
        config.span,
    ))
}

fn cors(rules: Vec<Val>, span: Span) -> Val {
    let rules = rules
        .iter()
        .map(|r| {
            renamed(
                r,
                &[
                    ("allowed_origins", "AllowedOrigins"),
                    ("allowed_methods", "AllowedMethods"),
                ],
            )
        })
        .collect();
    values::map(vec![("CorsRules".into(), lists(rules, span))], span)
}

fn website(w: &Val) -> Val {
    let mut out = Vec::new();
    if let Some(r) = get(w, "redirect_all_requests_to") {
        out.push(("RedirectAllRequestsTo".to_string(), r.clone()));
    }
    if let Some(i) = get(w, "index_document") {
        out.push(("IndexDocument".to_string(), i.clone()));
    }
    values::map(out, w.span)
}

fn pab(v: &Val) -> Val {
    renamed(
        v,
        &[
            ("block_public_acls", "BlockPublicAcls"),
            ("block_public_policy", "BlockPublicPolicy"),
            ("ignore_public_acls", "IgnorePublicAcls"),
            ("restrict_public_buckets", "RestrictPublicBuckets"),
        ],
    )
}

/// The properties of a bucket from its own arguments and v3 inline blocks.
fn bucket_props(i: &Instance) -> Props {
    let a = &i.attrs;
    let mut p = Props::new(i.body_span);
    p.set("BucketName", arg(i, "bucket").cloned());
    if let Some(prefix) = arg(i, "bucket_prefix") {
        p.set(
            "BucketName",
            Some(values::unknown(
                "the name is generated from `bucket_prefix` when Terraform creates the bucket",
                prefix.span,
            )),
        );
    }
    p.set("AccessControl", arg(i, "acl").map(canned_acl));
    p.set(
        "AccessControl",
        grants_acl(&blocks(a, "grant"), i.body_span),
    );
    if let Some(v) = block(a, "versioning") {
        let status = get(v, "enabled").map(|e| match values::truth(e) {
            Some(b) => values::str(if b { "Enabled" } else { "Suspended" }, e.span),
            None => e.clone(),
        });
        p.set(
            "VersioningConfiguration",
            status.map(|s| values::map(vec![("Status".into(), s)], v.span)),
        );
    }
    p.set(
        "BucketEncryption",
        block(a, "server_side_encryption_configuration").map(encryption),
    );
    p.set(
        "LoggingConfiguration",
        block(a, "logging").map(|l| {
            renamed(
                l,
                &[
                    ("target_bucket", "DestinationBucketName"),
                    ("target_prefix", "LogFilePrefix"),
                ],
            )
        }),
    );
    let rules = blocks(a, "lifecycle_rule");
    if !rules.is_empty() {
        let list = rules.iter().map(|r| lifecycle_rule(r, true)).collect();
        p.set(
            "LifecycleConfiguration",
            Some(values::map(
                vec![("Rules".into(), lists(list, i.body_span))],
                i.body_span,
            )),
        );
    }
    p.set(
        "ReplicationConfiguration",
        block(a, "replication_configuration").map(|r| replication(r, "rules")),
    );
    let cors_rules = blocks(a, "cors_rule");
    if !cors_rules.is_empty() {
        p.set("CorsConfiguration", Some(cors(cors_rules, i.body_span)));
    }
    p.set("WebsiteConfiguration", block(a, "website").map(website));
    p.set(
        "AccelerateConfiguration",
        arg(i, "acceleration_status")
            .map(|s| values::map(vec![("AccelerationStatus".into(), s.clone())], s.span)),
    );
    p.set("ObjectLockEnabled", arg(i, "object_lock_enabled").cloned());
    if let Some(ol) = block(a, "object_lock_configuration") {
        if let Some(e) = get(ol, "object_lock_enabled") {
            p.set(
                "ObjectLockEnabled",
                Some(values::boolean(
                    text(e).as_deref() == Some("Enabled"),
                    e.span,
                )),
            );
        }
        p.set("ObjectLockConfiguration", object_lock_retention(ol));
    }
    p.set("Tags", tags(arg(i, "tags")));
    p
}

/// Folds a split resource into its bucket's properties.
fn fold_split(p: &mut Props, i: &Instance, property: &str) {
    let a = &i.attrs;
    let span = i.body_span;
    match i.resource_type.as_str() {
        "aws_s3_bucket_public_access_block" => {
            p.set(property, Some(pab(&values::node(a.value.clone(), span))))
        }
        "aws_s3_bucket_server_side_encryption_configuration" => p.set(
            property,
            Some(encryption(&values::node(a.value.clone(), span))),
        ),
        "aws_s3_bucket_versioning" => p.set(
            property,
            block(a, "versioning_configuration")
                .map(|v| renamed(v, &[("status", "Status"), ("mfa_delete", "MfaDelete")])),
        ),
        "aws_s3_bucket_logging" => p.set(
            property,
            Some(renamed(
                &values::node(a.value.clone(), span),
                &[
                    ("target_bucket", "DestinationBucketName"),
                    ("target_prefix", "LogFilePrefix"),
                ],
            )),
        ),
        "aws_s3_bucket_lifecycle_configuration" => {
            let list = blocks(a, "rule")
                .iter()
                .map(|r| lifecycle_rule(r, false))
                .collect();
            p.set(
                property,
                Some(values::map(vec![("Rules".into(), lists(list, span))], span)),
            );
        }
        "aws_s3_bucket_replication_configuration" => p.set(
            property,
            Some(replication(&values::node(a.value.clone(), span), "rule")),
        ),
        "aws_s3_bucket_notification" => p.set(
            property,
            Some(notifications(&values::node(a.value.clone(), span))),
        ),
        "aws_s3_bucket_ownership_controls" => p.set(
            property,
            block(a, "rule").map(|r| {
                values::map(
                    vec![(
                        "Rules".into(),
                        lists(
                            vec![renamed(r, &[("object_ownership", "ObjectOwnership")])],
                            r.span,
                        ),
                    )],
                    span,
                )
            }),
        ),
        "aws_s3_bucket_acl" => {
            p.set(property, arg(i, "acl").map(canned_acl));
            if let Some(policy) = block(a, "access_control_policy") {
                p.set(property, grants_acl(&blocks(policy, "grant"), policy.span));
            }
        }
        "aws_s3_bucket_object_lock_configuration" => {
            let enabled = arg(i, "object_lock_enabled")
                .map(|e| values::boolean(text(e).as_deref() != Some("Disabled"), e.span))
                .unwrap_or_else(|| values::boolean(true, span));
            if !p.has("ObjectLockEnabled") {
                p.set("ObjectLockEnabled", Some(enabled));
            }
            p.set(
                property,
                object_lock_retention(&values::node(a.value.clone(), span)),
            );
        }
        "aws_s3_bucket_cors_configuration" => {
            p.set(property, Some(cors(blocks(a, "cors_rule"), span)))
        }
        "aws_s3_bucket_website_configuration" => p.set(
            property,
            Some(website(&values::node(a.value.clone(), span))),
        ),
        "aws_s3_bucket_accelerate_configuration" => p.set(
            property,
            arg(i, "status")
                .map(|s| values::map(vec![("AccelerationStatus".into(), s.clone())], s.span)),
        ),
        // counted configurations: one entry each
        _ => {
            let mut list = match p
                .entries
                .iter()
                .find(|(k, _)| k == property)
                .map(|(_, v)| v.value.clone())
            {
                Some(NodeValue::Seq(l)) => l,
                _ => Vec::new(),
            };
            list.push(values::map(Vec::new(), span));
            p.set(property, Some(values::seq(list, span)));
        }
    }
}

/// The documents of policy arguments, parsed where they are JSON strings.
struct Docs<'f> {
    file: &'f SourceFile,
}

impl Docs<'_> {
    /// A policy argument as a document; a string that is not JSON stays as
    /// it is (the policy reader then says what is wrong with it).
    fn doc(&self, v: Option<&Val>) -> Option<Val> {
        let v = v?;
        if matches!(v.value, NodeValue::Null) {
            return None;
        }
        Some(as_document_in(Some(self.file), v).unwrap_or_else(|| v.clone()))
    }
}

/// Lowers `instances` (one root module and its modules) into `inventory`;
/// `file` is their joined source, `file_index` its index in the inventory.
pub fn lower(
    instances: &[Instance],
    file: &SourceFile,
    file_index: usize,
    inventory: &mut Inventory,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let docs = Docs { file };
    let origin = |i: &Instance, rtype: &str| Origin {
        format: SourceFormat::Terraform,
        file: file_index,
        logical_id: i.address.clone(),
        resource_type: rtype.to_string(),
        cdk_path: None,
        cdk_language: None,
        span: i.span,
        properties: i.body_span,
        skips: Vec::new(),
    };
    let warn = |diagnostics: &mut Vec<Diagnostic>, i: &Instance, message: String| {
        diagnostics.push(Diagnostic::warning("terraform::unresolved", message).at(file, i.span));
    };
    let mut elsewhere: Vec<Elsewhere> = Vec::new();
    // the origin keeps the CloudFormation type (what checks and reports
    // reason about); the Terraform address, which names the Terraform
    // type, is its logical id
    let mut push = |inventory: &mut Inventory,
                    diagnostics: &mut Vec<Diagnostic>,
                    i: &Instance,
                    cfn: &str,
                    props: Props| {
        let node = props.node();
        hard_coded(&node, file, file_index, i, cfn, &mut inventory.hard_coded);
        lower_resource(
            file,
            origin(i, cfn),
            &node,
            inventory,
            &mut elsewhere,
            diagnostics,
        );
    };

    // buckets first, with everything that configures them
    let mut buckets: Vec<(usize, Props)> = Vec::new();
    // name -> the buckets with that name, each with where its name is
    // written and where its computed attributes (`id`, `arn`) are
    let mut by_name: BTreeMap<String, Vec<(usize, Span, Span)>> = BTreeMap::new();
    for (n, i) in instances.iter().enumerate() {
        let props = match i.resource_type.as_str() {
            "aws_s3_bucket" => bucket_props(i),
            // directory buckets take the same split resources (lifecycle)
            "aws_s3_directory_bucket" => Props::new(i.body_span),
            _ => continue,
        };
        // by name, and by stand-in when the name is not known
        for key in ["bucket", "id"] {
            if let Some(v) = get(&i.attrs, key)
                && let Some(name) = text(v)
            {
                let same = by_name.entry(name).or_default();
                if !same.iter().any(|(b, _, _)| *b == buckets.len()) {
                    same.push((buckets.len(), v.defined, i.span));
                }
            }
        }
        buckets.push((n, props));
    }
    let target_bucket = |i: &Instance, key: &str| -> Result<usize, String> {
        let v = get(&i.attrs, key);
        match v.and_then(text) {
            Some(name) => {
                let name = name
                    .strip_prefix("arn:aws:s3:::")
                    .unwrap_or(&name)
                    .to_string();
                let same = by_name.get(&name).map(Vec::as_slice).unwrap_or_default();
                // several buckets with one name (only one of them can be
                // created): a reference (`aws_s3_bucket.x.bucket`, `.id`)
                // carries the place its value is written, which picks the
                // bucket
                let defined = v.map(|v| v.defined);
                same.iter()
                    .find(|(_, name_at, computed_at)| {
                        defined == Some(*name_at) || defined == Some(*computed_at)
                    })
                    .or_else(|| same.last())
                    .map(|(b, _, _)| *b)
                    .ok_or_else(|| format!("`{}` configures bucket `{name}`, which this configuration does not create; its settings are not checked", i.address))
            }
            None => Err(format!(
                "`{}` configures a bucket Moat cannot name: {}",
                i.address,
                v.and_then(unknown_reason).unwrap_or("no `bucket` argument")
            )),
        }
    };
    for i in instances {
        if let Some((_, property)) = SPLIT.iter().find(|(t, _)| *t == i.resource_type) {
            match target_bucket(i, "bucket") {
                Ok(b) => fold_split(&mut buckets[b].1, i, property),
                Err(message) => warn(diagnostics, i, message),
            }
        }
    }
    for (n, props) in buckets {
        let i = &instances[n];
        if i.resource_type == "aws_s3_directory_bucket" {
            push(
                inventory,
                diagnostics,
                i,
                "AWS::S3Express::DirectoryBucket",
                props,
            );
            continue;
        }
        push(inventory, diagnostics, i, "AWS::S3::Bucket", props);
        // a v3 inline policy is a bucket policy of its own
        if let Some(policy) = docs.doc(arg(i, "policy")) {
            let mut p = Props::new(i.body_span);
            p.set("Bucket", get(&i.attrs, "bucket").cloned());
            p.set("PolicyDocument", Some(policy));
            push(inventory, diagnostics, i, "AWS::S3::BucketPolicy", p);
        }
    }

    for i in instances {
        let a = &i.attrs;
        let mut p = Props::new(i.body_span);
        let cfn = match i.resource_type.as_str() {
            "aws_s3_bucket_policy" => {
                p.set("Bucket", get(a, "bucket").cloned());
                p.set("PolicyDocument", docs.doc(get(a, "policy")));
                "AWS::S3::BucketPolicy"
            }
            "aws_s3_access_point" => {
                p.set("Bucket", get(a, "bucket").cloned());
                p.set(
                    "PublicAccessBlockConfiguration",
                    block(a, "public_access_block_configuration").map(pab),
                );
                p.set(
                    "VpcConfiguration",
                    block(a, "vpc_configuration").map(|v| renamed(v, &[("vpc_id", "VpcId")])),
                );
                let attached = instances.iter().find(|x| {
                    x.resource_type == "aws_s3control_access_point_policy"
                        && get(&x.attrs, "access_point_arn").and_then(text)
                            == get(a, "arn").and_then(text)
                });
                p.set(
                    "Policy",
                    docs.doc(arg(i, "policy"))
                        .or_else(|| attached.and_then(|x| docs.doc(get(&x.attrs, "policy")))),
                );
                "AWS::S3::AccessPoint"
            }
            "aws_s3control_multi_region_access_point" => {
                p.set(
                    "PublicAccessBlockConfiguration",
                    block(a, "details")
                        .and_then(|d| block(d, "public_access_block"))
                        .map(pab),
                );
                "AWS::S3::MultiRegionAccessPoint"
            }
            "aws_iam_role" => {
                p.set("RoleName", arg(i, "name").cloned());
                p.set(
                    "AssumeRolePolicyDocument",
                    docs.doc(get(a, "assume_role_policy")),
                );
                let inline: Vec<Val> = blocks(a, "inline_policy")
                    .iter()
                    .filter_map(|b| docs.doc(get(b, "policy")))
                    .map(|d| values::map(vec![("PolicyDocument".into(), d)], i.body_span))
                    .collect();
                if !inline.is_empty() {
                    p.set("Policies", Some(lists(inline, i.body_span)));
                }
                p.set(
                    "ManagedPolicyArns",
                    Some(managed_arns(i, instances, "role", "roles")),
                );
                p.set(
                    "PermissionsBoundary",
                    get(a, "permissions_boundary").cloned(),
                );
                p.set(
                    "MaxSessionDuration",
                    get(a, "max_session_duration").cloned(),
                );
                "AWS::IAM::Role"
            }
            "aws_iam_user" | "aws_iam_group" => {
                let user = i.resource_type == "aws_iam_user";
                p.set(
                    if user { "UserName" } else { "GroupName" },
                    arg(i, "name").cloned(),
                );
                let (kind, plural) = if user {
                    ("user", "users")
                } else {
                    ("group", "groups")
                };
                p.set(
                    "ManagedPolicyArns",
                    Some(managed_arns(i, instances, kind, plural)),
                );
                if user {
                    p.set("Groups", Some(user_groups(i, instances)));
                }
                if user {
                    "AWS::IAM::User"
                } else {
                    "AWS::IAM::Group"
                }
            }
            "aws_iam_policy" => {
                p.set("ManagedPolicyName", arg(i, "name").cloned());
                p.set("PolicyDocument", docs.doc(get(a, "policy")));
                "AWS::IAM::ManagedPolicy"
            }
            "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                let (arg_name, list) = match i.resource_type.as_str() {
                    "aws_iam_role_policy" => ("role", "Roles"),
                    "aws_iam_user_policy" => ("user", "Users"),
                    _ => ("group", "Groups"),
                };
                p.set("PolicyDocument", docs.doc(get(a, "policy")));
                p.set(
                    list,
                    get(a, arg_name).map(|r| values::seq(vec![r.clone()], r.span)),
                );
                "AWS::IAM::Policy"
            }
            "aws_kms_key" => {
                p.set("EnableKeyRotation", get(a, "enable_key_rotation").cloned());
                p.set(
                    "KeySpec",
                    get(a, "customer_master_key_spec")
                        .or_else(|| get(a, "key_spec"))
                        .cloned(),
                );
                let attached = instances.iter().find(|x| {
                    x.resource_type == "aws_kms_key_policy"
                        && get(&x.attrs, "key_id").and_then(text) == get(a, "id").and_then(text)
                });
                p.set(
                    "KeyPolicy",
                    docs.doc(arg(i, "policy"))
                        .or_else(|| attached.and_then(|x| docs.doc(get(&x.attrs, "policy")))),
                );
                "AWS::KMS::Key"
            }
            "aws_cloudtrail" => {
                p.set("S3BucketName", get(a, "s3_bucket_name").cloned());
                // `enable_logging` defaults to true: a trail Terraform creates logs
                p.set(
                    "IsLogging",
                    Some(
                        get(a, "enable_logging")
                            .cloned()
                            .unwrap_or_else(|| values::boolean(true, i.span)),
                    ),
                );
                p.set(
                    "IsMultiRegionTrail",
                    get(a, "is_multi_region_trail").cloned(),
                );
                p.set(
                    "EnableLogFileValidation",
                    get(a, "enable_log_file_validation").cloned(),
                );
                p.set("KMSKeyId", get(a, "kms_key_id").cloned());
                let selectors: Vec<Val> = blocks(a, "event_selector")
                    .iter()
                    .map(|s| {
                        let mut out =
                            match renamed(s, &[("read_write_type", "ReadWriteType")]).value {
                                NodeValue::Map(m) => m,
                                _ => Vec::new(),
                            };
                        let resources: Vec<Val> = blocks(s, "data_resource")
                            .iter()
                            .map(|d| renamed(d, &[("type", "Type"), ("values", "Values")]))
                            .collect();
                        out.push((
                            values::str("DataResources", s.span),
                            lists(resources, s.span),
                        ));
                        values::node(NodeValue::Map(out), s.span)
                    })
                    .collect();
                if !selectors.is_empty() {
                    p.set("EventSelectors", Some(lists(selectors, i.body_span)));
                }
                let advanced: Vec<Val> = blocks(a, "advanced_event_selector")
                    .iter()
                    .map(|s| {
                        let fields: Vec<Val> = blocks(s, "field_selector")
                            .iter()
                            .map(|f| {
                                renamed(
                                    f,
                                    &[
                                        ("field", "Field"),
                                        ("equals", "Equals"),
                                        ("not_equals", "NotEquals"),
                                        ("starts_with", "StartsWith"),
                                        ("not_starts_with", "NotStartsWith"),
                                        ("ends_with", "EndsWith"),
                                        ("not_ends_with", "NotEndsWith"),
                                    ],
                                )
                            })
                            .collect();
                        values::map(
                            vec![("FieldSelectors".into(), lists(fields, s.span))],
                            s.span,
                        )
                    })
                    .collect();
                if !advanced.is_empty() {
                    p.set("AdvancedEventSelectors", Some(lists(advanced, i.body_span)));
                }
                "AWS::CloudTrail::Trail"
            }
            "aws_vpc_endpoint" => {
                p.set("ServiceName", get(a, "service_name").cloned());
                let attached = instances.iter().find(|x| {
                    x.resource_type == "aws_vpc_endpoint_policy"
                        && get(&x.attrs, "vpc_endpoint_id").and_then(text)
                            == get(a, "id").and_then(text)
                });
                p.set(
                    "PolicyDocument",
                    docs.doc(arg(i, "policy"))
                        .or_else(|| attached.and_then(|x| docs.doc(get(&x.attrs, "policy")))),
                );
                "AWS::EC2::VPCEndpoint"
            }
            "aws_sns_topic" | "aws_sqs_queue" => {
                let topic = i.resource_type == "aws_sns_topic";
                // an inline policy is a topic/queue policy of its own
                if let Some(policy) = docs.doc(arg(i, "policy")) {
                    let mut tp = Props::new(i.body_span);
                    let target = get(a, if topic { "arn" } else { "id" }).cloned();
                    tp.set(
                        if topic { "Topics" } else { "Queues" },
                        target.map(|t| values::seq(vec![t.clone()], t.span)),
                    );
                    tp.set("PolicyDocument", Some(policy));
                    push(
                        inventory,
                        diagnostics,
                        i,
                        if topic {
                            "AWS::SNS::TopicPolicy"
                        } else {
                            "AWS::SQS::QueuePolicy"
                        },
                        tp,
                    );
                }
                if topic {
                    "AWS::SNS::Topic"
                } else {
                    "AWS::SQS::Queue"
                }
            }
            "aws_sns_topic_policy" | "aws_sqs_queue_policy" => {
                let topic = i.resource_type == "aws_sns_topic_policy";
                let target = get(a, if topic { "arn" } else { "queue_url" }).cloned();
                p.set(
                    if topic { "Topics" } else { "Queues" },
                    target.map(|t| values::seq(vec![t.clone()], t.span)),
                );
                p.set("PolicyDocument", docs.doc(get(a, "policy")));
                if topic {
                    "AWS::SNS::TopicPolicy"
                } else {
                    "AWS::SQS::QueuePolicy"
                }
            }
            "aws_lambda_function" => {
                p.set("Role", get(a, "role").cloned());
                "AWS::Lambda::Function"
            }
            "aws_lambda_permission" => {
                p.set("FunctionName", get(a, "function_name").cloned());
                p.set("Principal", get(a, "principal").cloned());
                p.set("SourceAccount", get(a, "source_account").cloned());
                p.set("SourceArn", get(a, "source_arn").cloned());
                "AWS::Lambda::Permission"
            }
            "aws_cloudwatch_event_rule" => {
                let pattern = docs.doc(get(a, "event_pattern"));
                p.set("EventPattern", pattern);
                "AWS::Events::Rule"
            }
            "aws_s3_account_public_access_block" => {
                inventory.account_public_access_blocks.push(
                    crate::inventory::AccountPublicAccessBlock {
                        origin: origin(i, "AWS::S3::AccountPublicAccessBlock"),
                        settings: crate::cloudformation::lower::block_public_access_at(Some(&pab(
                            &values::node(a.value.clone(), i.body_span),
                        ))),
                    },
                );
                continue;
            }
            _ => continue,
        };
        push(inventory, diagnostics, i, cfn, p);
    }
    crate::cloudformation::notifications::attach(elsewhere, file_index, &mut inventory.buckets);
}

/// Literal Regions and account ids written in the configuration. The
/// values are read resolved, so one that a variable or data source filled
/// in is told apart by the text at its place: only a value the text there
/// spells out is hard-coded (`"${var.region}"` is not).
fn hard_coded(
    props: &Val,
    file: &SourceFile,
    file_index: usize,
    i: &Instance,
    cfn: &str,
    out: &mut Vec<crate::inventory::HardCoded>,
) {
    let mut found = Vec::new();
    crate::cloudformation::hard_coded::find(props, file_index, &i.address, cfn, &mut found);
    out.extend(found.into_iter().filter(|h| {
        file.text
            .get(h.span.start as usize..h.span.end as usize)
            .is_some_and(|written| written.contains(&h.value))
    }));
}

/// The managed policy ARNs attached to a role, user or group: its own
/// `managed_policy_arns` and every `aws_iam_*_policy_attachment` and
/// `aws_iam_policy_attachment` naming it.
fn managed_arns(i: &Instance, all: &[Instance], kind: &str, plural: &str) -> Val {
    let mut out: Vec<Val> = arg(i, "managed_policy_arns")
        .map(items)
        .unwrap_or_default()
        .to_vec();
    let me = get(&i.attrs, "name").and_then(text);
    let attachment = format!("aws_iam_{kind}_policy_attachment");
    for x in all {
        let names_me = |v: Option<&Val>| v.and_then(text).is_some_and(|t| Some(&t) == me.as_ref());
        let hit = if x.resource_type == attachment {
            names_me(get(&x.attrs, kind))
        } else if x.resource_type == "aws_iam_policy_attachment" {
            get(&x.attrs, plural)
                .map(items)
                .unwrap_or_default()
                .iter()
                .any(|v| names_me(Some(v)))
        } else {
            false
        };
        if hit && let Some(arn) = get(&x.attrs, "policy_arn") {
            out.push(arn.clone());
        }
    }
    values::seq(out, i.body_span)
}

/// The groups a user belongs to, from `aws_iam_user_group_membership` and
/// `aws_iam_group_membership`.
fn user_groups(i: &Instance, all: &[Instance]) -> Val {
    let me = get(&i.attrs, "name").and_then(text);
    let mut out = Vec::new();
    for x in all {
        match x.resource_type.as_str() {
            "aws_iam_user_group_membership" if get(&x.attrs, "user").and_then(text) == me => {
                out.extend(
                    get(&x.attrs, "groups")
                        .map(items)
                        .unwrap_or_default()
                        .iter()
                        .cloned(),
                );
            }
            "aws_iam_group_membership"
                if get(&x.attrs, "users")
                    .map(items)
                    .unwrap_or_default()
                    .iter()
                    .any(|u| text(u) == me) =>
            {
                if let Some(g) = get(&x.attrs, "group") {
                    out.push(g.clone());
                }
            }
            _ => {}
        }
    }
    values::seq(out, i.body_span)
}
