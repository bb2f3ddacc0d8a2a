//! From a resolved template to Inventory entries, one resource type at a time.

use super::resolve::{Resolver, Truth};
use super::template::Template;
use crate::inventory::*;
use crate::node_util::{entries, first_unknown, get, items, text, unknown_reason};
use crate::value::Value;
use moat_source::node::{Node, NodeValue};
use moat_source::{Diagnostic, SourceFile, Span};

/// Lowers every resource of `template` into `inventory`; `file` is the
/// template's index in `inventory.files`.
pub fn lower(
    template: &Template<'_>,
    resolver: &Resolver<'_, '_>,
    file: usize,
    inventory: &mut Inventory,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // notifications other resources configure on buckets, which may come
    // before or after the bucket
    let mut elsewhere = Vec::new();
    for raw in &template.resources {
        let mark = resolver.undecided_mark();
        if let Some(condition) = &raw.condition
            && resolver.decide(condition, raw.span) == Truth::Known(false)
        {
            continue;
        }
        let Some(node) = template.resource_node(raw.index) else {
            continue;
        };
        let props_key = match &node.value {
            NodeValue::Map(list) => list
                .iter()
                .find(|(k, _)| matches!(&k.value, NodeValue::Str(s) if s == "Properties"))
                .map(|(k, _)| k.span),
            _ => None,
        };
        let metadata = get(node, "Metadata");
        let origin = Origin {
            format: SourceFormat::Template,
            file,
            logical_id: raw.logical_id.clone(),
            resource_type: raw.resource_type.clone(),
            cdk_path: metadata.and_then(|m| get(m, "aws:cdk:path")).and_then(text),
            cdk_language: None,
            span: raw.span,
            properties: props_key.unwrap_or(raw.span),
            skips: metadata.map(skips).unwrap_or_default(),
        };
        if let Some(raw_props) = get(node, "Properties") {
            super::hard_coded::find(
                raw_props,
                file,
                &raw.logical_id,
                &raw.resource_type,
                &mut inventory.hard_coded,
            );
        }
        let props = match get(node, "Properties") {
            Some(p) => resolver.resolve(p).unwrap_or_else(|| empty(p.span)),
            None => empty(raw.span),
        };
        let sam_function = raw.resource_type == "AWS::Serverless::Function";
        let sam_policies = if sam_function {
            let arn = function_arn(resolver, &raw.logical_id, raw.span);
            elsewhere.extend(super::notifications::sam(&props, &raw.logical_id, &arn));
            super::sam::policies(&origin, &props, template, diagnostics)
        } else {
            Vec::new()
        };
        let lowered = lower_resource(
            template.file,
            origin,
            &props,
            inventory,
            &mut elsewhere,
            diagnostics,
        );
        if !lowered {
            // nothing lowered depends on this resource's conditions: assuming
            // them would only read the template again to the same inventory
            resolver.forget_undecided(mark);
        } else if sam_function && let Some(function) = inventory.functions.last_mut() {
            function.policies = sam_policies;
        }
    }
    super::notifications::attach(elsewhere, file, &mut inventory.buckets);
}

/// Lowers one resource, whose properties are in CloudFormation's shape
/// (resolved, with unknown markers), into `inventory`; notifications it
/// configures on buckets go to `elsewhere`. Returns whether the resource's
/// type is one Moat lowers. Other formats (Terraform) shape their resources'
/// settings as CloudFormation properties and lower them here, so one reading
/// of each property serves every format.
pub(crate) fn lower_resource(
    file: &SourceFile,
    origin: Origin,
    props: &Node<'static>,
    inventory: &mut Inventory,
    elsewhere: &mut Vec<super::notifications::Elsewhere>,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let resource_type = origin.resource_type.clone();
    let mut ctx = Ctx {
        file,
        origin,
        props,
        diagnostics,
    };
    match resource_type.as_str() {
        "AWS::S3::Bucket" => inventory.buckets.push(ctx.bucket()),
        "AWS::S3Express::DirectoryBucket" => inventory.directory_buckets.push(DirectoryBucket {
            lifecycle: ctx.lifecycle(),
            origin: ctx.origin.clone(),
        }),
        "AWS::S3::BucketPolicy" => {
            let document = ctx.doc("PolicyDocument");
            inventory.bucket_policies.push(AttachedPolicy {
                targets: vec![ctx.string("Bucket")],
                document: document.unwrap_or_else(|| missing_doc(ctx.origin.properties)),
                origin: ctx.origin,
            });
        }
        "AWS::SNS::TopicPolicy" | "AWS::SQS::QueuePolicy" => {
            let list = if resource_type == "AWS::SNS::TopicPolicy" {
                "Topics"
            } else {
                "Queues"
            };
            let targets = ctx.strings(list);
            let document = ctx.doc("PolicyDocument");
            inventory.queue_topic_policies.push(AttachedPolicy {
                targets,
                document: document.unwrap_or_else(|| missing_doc(ctx.origin.properties)),
                origin: ctx.origin,
            });
        }
        "AWS::S3::AccessPoint" => inventory.access_points.push(AccessPoint {
            bucket: ctx.string("Bucket"),
            public_access_block: ctx.block_public_access("PublicAccessBlockConfiguration"),
            vpc: ctx.path_string(&["VpcConfiguration", "VpcId"]),
            policy: ctx.doc("Policy"),
            origin: ctx.origin,
        }),
        "AWS::S3::MultiRegionAccessPoint" => {
            inventory
                .multi_region_access_points
                .push(MultiRegionAccessPoint {
                    public_access_block: ctx.block_public_access("PublicAccessBlockConfiguration"),
                    origin: ctx.origin,
                })
        }
        "AWS::IAM::Role" => {
            let arn = stand_in_arn(&ctx, "role", "RoleName");
            inventory.roles.push(Role {
                arn,
                trust: ctx.doc("AssumeRolePolicyDocument"),
                inline: ctx.inline_policies(),
                managed: ctx.strings("ManagedPolicyArns"),
                boundary: ctx.string("PermissionsBoundary"),
                max_session_duration: ctx.uint("MaxSessionDuration"),
                origin: ctx.origin,
            })
        }
        "AWS::IAM::User" | "AWS::IAM::Group" => {
            let user = resource_type == "AWS::IAM::User";
            let (kind, name) = if user {
                ("user", "UserName")
            } else {
                ("group", "GroupName")
            };
            let principal = Principal {
                arn: stand_in_arn(&ctx, kind, name),
                inline: ctx.inline_policies(),
                managed: ctx.strings("ManagedPolicyArns"),
                groups: if user {
                    ctx.strings("Groups")
                } else {
                    Vec::new()
                },
                origin: ctx.origin,
            };
            if user {
                inventory.users.push(principal);
            } else {
                inventory.groups.push(principal);
            }
        }
        "AWS::IAM::ManagedPolicy" | "AWS::IAM::Policy" => {
            let arn = if resource_type == "AWS::IAM::ManagedPolicy" {
                stand_in_arn(&ctx, "policy", "ManagedPolicyName")
            } else {
                String::new()
            };
            let document = ctx.doc("PolicyDocument");
            inventory.identity_policies.push(IdentityPolicy {
                arn,
                document: document.unwrap_or_else(|| missing_doc(ctx.origin.properties)),
                roles: ctx.strings("Roles"),
                users: ctx.strings("Users"),
                groups: ctx.strings("Groups"),
                origin: ctx.origin,
            })
        }
        "AWS::KMS::Key" => inventory.kms_keys.push(KmsKey {
            arn: format!(
                "arn:aws:kms:{{AWS::Region}}:{}:key/{{{}}}",
                super::resolve::DEFAULT_ACCOUNT,
                ctx.origin.logical_id
            ),
            rotation: ctx.bool("EnableKeyRotation"),
            key_spec: ctx.string("KeySpec"),
            key_origin: ctx.string("Origin"),
            policy: ctx.doc("KeyPolicy"),
            origin: ctx.origin,
        }),
        "AWS::CloudTrail::Trail" => inventory.trails.push(ctx.trail()),
        "AWS::EC2::VPCEndpoint" => inventory.vpc_endpoints.push(VpcEndpoint {
            service: ctx.string("ServiceName"),
            policy: ctx.doc("PolicyDocument"),
            origin: ctx.origin,
        }),
        "AWS::SNS::Topic" | "AWS::SQS::Queue" => {
            let topic = resource_type == "AWS::SNS::Topic";
            let entry = Simple {
                arn: String::new(),
                origin: ctx.origin,
            };
            if topic {
                inventory.topics.push(entry);
            } else {
                inventory.queues.push(entry);
            }
        }
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
            inventory.functions.push(Function {
                arn: String::new(),
                role: ctx.string("Role"),
                policies: Vec::new(),
                origin: ctx.origin,
            })
        }
        "AWS::Lambda::Permission" => inventory.lambda_permissions.push(LambdaPermission {
            function: ctx.string("FunctionName"),
            principal: ctx.string("Principal"),
            source_account: ctx.string("SourceAccount"),
            source_arn: ctx.string("SourceArn"),
            origin: ctx.origin,
        }),
        "AWS::Events::Rule" => {
            let s3_events = get(props, "EventPattern")
                .and_then(|p| get(p, "source"))
                .is_some_and(|s| match &s.value {
                    NodeValue::Seq(list) => {
                        list.iter().any(|v| text(v).as_deref() == Some("aws.s3"))
                    }
                    _ => text(s).as_deref() == Some("aws.s3"),
                });
            inventory.event_rules.push(EventRule {
                s3_events,
                origin: ctx.origin,
            })
        }
        "Custom::S3BucketNotifications" => {
            elsewhere.push(super::notifications::cdk(props, &ctx.origin.logical_id))
        }
        _ => return false,
    }
    true
}

/// The function's `Fn::GetAtt Arn`, as the template's other references to it resolve.
fn function_arn(resolver: &Resolver<'_, '_>, logical_id: &str, span: Span) -> Value<String> {
    let get_att = Node {
        span,
        defined: span,
        value: NodeValue::Map(vec![(
            crate::node_util::string("Fn::GetAtt", span),
            Node {
                span,
                defined: span,
                value: NodeValue::Seq(vec![
                    crate::node_util::string(logical_id, span),
                    crate::node_util::string("Arn", span),
                ]),
            },
        )]),
    };
    value_text(resolver.resolve(&get_att).as_ref())
}

fn empty(span: Span) -> Node<'static> {
    Node {
        span,
        defined: span,
        value: NodeValue::Map(Vec::new()),
    }
}

fn missing_doc(span: Span) -> PolicyDoc {
    PolicyDoc {
        policy: None,
        node: empty(span),
        span,
        unknown: Some("the resource has no policy document".to_string()),
    }
}

fn stand_in_arn(ctx: &Ctx<'_, '_>, kind: &str, name_property: &str) -> String {
    let name = ctx
        .string(name_property)
        .get()
        .cloned()
        .unwrap_or_else(|| format!("{{{}}}", ctx.origin.logical_id));
    format!(
        "arn:aws:iam::{}:{kind}/{name}",
        super::resolve::DEFAULT_ACCOUNT
    )
}

/// `Metadata: moat: skip: [{id, reason}]`.
fn skips(metadata: &Node<'_>) -> Vec<Skip> {
    let Some(list) = get(metadata, "moat").and_then(|m| get(m, "skip")) else {
        return Vec::new();
    };
    items(list)
        .iter()
        .filter_map(|entry| {
            Some(Skip {
                id: get(entry, "id").and_then(text)?,
                reason: get(entry, "reason").and_then(text).unwrap_or_default(),
                span: entry.span,
            })
        })
        .collect()
}

struct Ctx<'a, 'r> {
    file: &'a SourceFile,
    origin: Origin,
    props: &'r Node<'static>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

/// A value at a node: known text, unknown, or absent.
pub(super) fn value_text(node: Option<&Node<'static>>) -> Value<String> {
    match node {
        None => Value::Absent,
        Some(n) => match (text(n), unknown_reason(n)) {
            (Some(t), _) => Value::known(t, n.span),
            (None, Some(reason)) => Value::unknown(reason, n.span),
            (None, None) => Value::unknown(
                format!("expected a single value, found {}", n.describe()),
                n.span,
            ),
        },
    }
}

pub(super) fn value_bool(node: Option<&Node<'static>>) -> Value<bool> {
    match value_text(node) {
        Value::Known { value, span } => match value.to_ascii_lowercase().as_str() {
            "true" => Value::known(true, span),
            "false" => Value::known(false, span),
            other => Value::unknown(format!("`{other}` is not true or false"), span),
        },
        Value::Absent => Value::Absent,
        Value::Unknown { reason, span } => Value::unknown(reason, span),
    }
}

fn node_value<'n>(
    node: Option<&'n Node<'static>>,
) -> Result<Option<&'n Node<'static>>, (String, Span)> {
    match node {
        Some(n) => match unknown_reason(n) {
            Some(reason) => Err((reason.to_string(), n.span)),
            None => Ok(Some(n)),
        },
        None => Ok(None),
    }
}

impl Ctx<'_, '_> {
    fn at(&self, path: &[&str]) -> Option<&Node<'static>> {
        let mut node = self.props;
        for key in path {
            if unknown_reason(node).is_some() {
                return Some(node);
            }
            node = get(node, key)?;
        }
        Some(node)
    }

    fn string(&self, key: &str) -> Value<String> {
        value_text(self.at(&[key]))
    }

    fn path_string(&self, path: &[&str]) -> Value<String> {
        value_text(self.at(path))
    }

    fn bool(&self, key: &str) -> Value<bool> {
        value_bool(self.at(&[key]))
    }

    fn uint(&self, key: &str) -> Value<u64> {
        match self.string(key) {
            Value::Known { value, span } => match value.parse() {
                Ok(n) => Value::known(n, span),
                Err(_) => Value::unknown(format!("`{value}` is not a number"), span),
            },
            Value::Absent => Value::Absent,
            Value::Unknown { reason, span } => Value::unknown(reason, span),
        }
    }

    fn strings(&self, key: &str) -> Vec<Value<String>> {
        match self.at(&[key]) {
            Some(n) if unknown_reason(n).is_some() => vec![value_text(Some(n))],
            Some(n) => items(n).iter().map(|i| value_text(Some(i))).collect(),
            None => Vec::new(),
        }
    }

    /// A policy document at `key`.
    fn doc(&mut self, key: &str) -> Option<PolicyDoc> {
        let node = self.at(&[key])?.clone();
        Some(self.doc_of(node))
    }

    fn doc_of(&mut self, node: Node<'static>) -> PolicyDoc {
        read_doc(self.file, node, self.diagnostics)
    }

    fn inline_policies(&mut self) -> Vec<PolicyDoc> {
        let Some(list) = self.at(&["Policies"]).cloned() else {
            return Vec::new();
        };
        if let Some(reason) = unknown_reason(&list) {
            return vec![PolicyDoc {
                policy: None,
                node: list.clone(),
                span: list.span,
                unknown: Some(reason.to_string()),
            }];
        }
        items(&list)
            .iter()
            .filter_map(|p| get(p, "PolicyDocument").cloned())
            .map(|doc| self.doc_of(doc))
            .collect()
    }

    fn block_public_access(&self, key: &str) -> Value<BlockPublicAccess> {
        block_public_access_at(self.at(&[key]))
    }

    fn lifecycle(&self) -> Value<Vec<LifecycleRule>> {
        match node_value(self.at(&["LifecycleConfiguration", "Rules"])) {
            Err((reason, span)) => Value::unknown(reason, span),
            Ok(None) => Value::Absent,
            Ok(Some(rules)) => {
                let list = items(rules)
                    .iter()
                    .map(|r| LifecycleRule {
                        id: get(r, "Id").and_then(text),
                        span: r.span,
                        status: value_text(get(r, "Status")),
                        filtered: [
                            "Prefix",
                            "TagFilters",
                            "ObjectSizeGreaterThan",
                            "ObjectSizeLessThan",
                        ]
                        .iter()
                        .any(|k| get(r, k).is_some_and(|v| text(v).is_none_or(|t| !t.is_empty()))),
                        expiration: get(r, "ExpirationInDays").is_some()
                            || get(r, "ExpirationDate").is_some(),
                        noncurrent_expiration: get(r, "NoncurrentVersionExpiration").is_some()
                            || get(r, "NoncurrentVersionExpirationInDays").is_some(),
                        abort_incomplete_multipart: get(r, "AbortIncompleteMultipartUpload")
                            .is_some(),
                        transitions: ["Transitions", "Transition"]
                            .iter()
                            .filter_map(|k| get(r, k))
                            .flat_map(|t| match &t.value {
                                NodeValue::Seq(list) => list.iter().collect::<Vec<_>>(),
                                _ => vec![t],
                            })
                            .filter_map(|t| get(t, "StorageClass").and_then(text))
                            .collect(),
                        unknown: first_unknown(r),
                    })
                    .collect();
                Value::known(list, rules.span)
            }
        }
    }

    fn bucket(&mut self) -> Bucket {
        let name = self.string("BucketName");
        let standin = name
            .get()
            .cloned()
            .unwrap_or_else(|| format!("{{{}}}", self.origin.logical_id));
        let encryption = match node_value(self.at(&["BucketEncryption"])) {
            Err((r, s)) => Value::unknown(r, s),
            Ok(None) => Value::Absent,
            Ok(Some(enc)) => {
                let rule =
                    get(enc, "ServerSideEncryptionConfiguration").and_then(|c| match &c.value {
                        NodeValue::Seq(list) => list.first(),
                        _ => None,
                    });
                match rule {
                    Some(rule) if unknown_reason(rule).is_some() => {
                        Value::unknown(unknown_reason(rule).unwrap_or_default(), rule.span)
                    }
                    Some(rule) => {
                        let default = get(rule, "ServerSideEncryptionByDefault");
                        Value::known(
                            Encryption {
                                algorithm: value_text(default.and_then(|d| get(d, "SSEAlgorithm"))),
                                kms_key: value_text(default.and_then(|d| get(d, "KMSMasterKeyID"))),
                                bucket_key: value_bool(get(rule, "BucketKeyEnabled")),
                            },
                            enc.span,
                        )
                    }
                    None => Value::unknown("`BucketEncryption` has no rule", enc.span),
                }
            }
        };
        let object_lock_retention =
            match self.at(&["ObjectLockConfiguration", "Rule", "DefaultRetention"]) {
                None => Value::Absent,
                Some(n) => match unknown_reason(n) {
                    Some(r) => Value::unknown(r, n.span),
                    None => {
                        let mode = get(n, "Mode").and_then(text).unwrap_or_default();
                        let days = get(n, "Days").and_then(text).map(|d| format!("{d} days"));
                        let years = get(n, "Years").and_then(text).map(|y| format!("{y} years"));
                        Value::known(
                            format!("{mode} {}", days.or(years).unwrap_or_default())
                                .trim()
                                .to_string(),
                            n.span,
                        )
                    }
                },
            };
        let logging = match node_value(self.at(&["LoggingConfiguration"])) {
            Err((r, s)) => Value::unknown(r, s),
            Ok(None) => Value::Absent,
            Ok(Some(n)) => Value::known(
                Logging {
                    destination: value_text(get(n, "DestinationBucketName")),
                    prefix: value_text(get(n, "LogFilePrefix")),
                },
                n.span,
            ),
        };
        let replication = match node_value(self.at(&["ReplicationConfiguration"])) {
            Err((r, s)) => Value::unknown(r, s),
            Ok(None) => Value::Absent,
            Ok(Some(n)) => super::replication::read(n),
        };
        let notifications =
            super::notifications::of_bucket(self.at(&["NotificationConfiguration"]));
        let cors = match node_value(self.at(&["CorsConfiguration", "CorsRules"])) {
            Err((r, s)) => Value::unknown(r, s),
            Ok(None) => Value::Absent,
            Ok(Some(rules)) => Value::known(
                items(rules)
                    .iter()
                    .map(|r| CorsRule {
                        span: r.span,
                        origins: get(r, "AllowedOrigins")
                            .map(items)
                            .unwrap_or_default()
                            .iter()
                            .filter_map(text)
                            .collect(),
                        methods: get(r, "AllowedMethods")
                            .map(items)
                            .unwrap_or_default()
                            .iter()
                            .filter_map(text)
                            .collect(),
                        unknown: first_unknown(r),
                    })
                    .collect(),
                rules.span,
            ),
        };
        let count = |key: &str| match node_value(self.at(&[key])) {
            Err((r, s)) => Value::unknown(r, s),
            Ok(None) => Value::Absent,
            Ok(Some(n)) => Value::known(items(n).len(), n.span),
        };
        let tags = match node_value(self.at(&["Tags"])) {
            Err((r, s)) => Value::unknown(r, s),
            Ok(None) => Value::Absent,
            Ok(Some(n)) => Value::known(
                items(n)
                    .iter()
                    .filter_map(|t| {
                        Some(Tag {
                            key: get(t, "Key").and_then(text)?,
                            value: value_text(get(t, "Value")),
                            span: t.span,
                        })
                    })
                    .collect(),
                n.span,
            ),
        };
        let website = match node_value(self.at(&["WebsiteConfiguration"])) {
            Err((r, s)) => Value::unknown(r, s),
            Ok(None) => Value::Absent,
            Ok(Some(n)) => Value::known(
                Website {
                    redirect_only: get(n, "RedirectAllRequestsTo").is_some(),
                },
                n.span,
            ),
        };
        Bucket {
            name,
            standin,
            encryption,
            versioning: self.path_string(&["VersioningConfiguration", "Status"]),
            object_lock: self.bool("ObjectLockEnabled"),
            object_lock_retention,
            public_access_block: self.block_public_access("PublicAccessBlockConfiguration"),
            ownership: match self.at(&["OwnershipControls", "Rules"]) {
                Some(rules) if unknown_reason(rules).is_some() => value_text(Some(rules)),
                Some(rules) => {
                    value_text(items(rules).first().and_then(|r| get(r, "ObjectOwnership")))
                }
                None => Value::Absent,
            },
            access_control: self.string("AccessControl"),
            logging,
            replication,
            lifecycle: self.lifecycle(),
            notifications: notifications.notifications,
            eventbridge: notifications.eventbridge,
            website,
            cors,
            acceleration: self.path_string(&["AccelerateConfiguration", "AccelerationStatus"]),
            intelligent_tiering: count("IntelligentTieringConfigurations"),
            inventory: count("InventoryConfigurations"),
            metrics: count("MetricsConfigurations"),
            tags,
            origin: self.origin.clone(),
        }
    }

    fn trail(&mut self) -> Trail {
        let mut selectors = Vec::new();
        let mut selectors_unknown = None;
        match node_value(self.at(&["EventSelectors"])) {
            Err(e) => selectors_unknown = Some(e),
            Ok(None) => {}
            Ok(Some(list)) => {
                for s in items(list) {
                    if let Some(e) = first_unknown(s) {
                        selectors_unknown = Some(e);
                    }
                    selectors.push(basic_selector(s));
                }
            }
        }
        match node_value(self.at(&["AdvancedEventSelectors"])) {
            Err(e) => selectors_unknown = Some(e),
            Ok(None) => {}
            Ok(Some(list)) => {
                for s in items(list) {
                    if let Some(e) = first_unknown(s) {
                        selectors_unknown = Some(e);
                    }
                    if let Some(sel) = advanced_selector(s) {
                        selectors.push(sel);
                    }
                }
            }
        }
        Trail {
            logging: self.bool("IsLogging"),
            bucket: self.string("S3BucketName"),
            multi_region: self.bool("IsMultiRegionTrail"),
            log_file_validation: self.bool("EnableLogFileValidation"),
            kms_key: self.string("KMSKeyId"),
            s3_data_events: selectors,
            selectors_unknown,
            origin: self.origin.clone(),
        }
    }
}

/// The S3 data events a basic event selector records (`ReadWriteType`,
/// `DataResources` of type `AWS::S3::Object`): the same shape in a template
/// and in CloudTrail's `GetEventSelectors` answer, so the live reader uses it too.
pub fn basic_selector(s: &Node<'static>) -> DataEventSelector {
    let rw = get(s, "ReadWriteType")
        .and_then(text)
        .unwrap_or_else(|| "All".to_string());
    let resources: Vec<String> = get(s, "DataResources")
        .map(items)
        .unwrap_or_default()
        .iter()
        .filter(|d| get(d, "Type").and_then(text).as_deref() == Some("AWS::S3::Object"))
        .flat_map(|d| {
            get(d, "Values")
                .map(items)
                .unwrap_or_default()
                .iter()
                .filter_map(text)
                .collect::<Vec<_>>()
        })
        .collect();
    DataEventSelector {
        span: s.span,
        resources,
        excludes: Vec::new(),
        narrowed_by: Vec::new(),
        read: rw != "WriteOnly",
        write: rw != "ReadOnly",
    }
}

/// The S3 data events an advanced event selector records, if it records any:
/// `eventCategory = Data`, `resources.type = AWS::S3::Object`, optional
/// `readOnly` and `resources.ARN` (`StartsWith` / `Equals` keep,
/// `NotStartsWith` / `NotEquals` leave out) fields; any other field, or
/// another operator, records only some of the events (`narrowed_by`).
pub fn advanced_selector(selector: &Node<'static>) -> Option<DataEventSelector> {
    let fields = get(selector, "FieldSelectors")
        .map(items)
        .unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|f| get(f, "Field").and_then(text).as_deref() == Some(name))
    };
    let values = |f: &Node<'static>, op: &str| -> Vec<String> {
        get(f, op)
            .map(items)
            .unwrap_or_default()
            .iter()
            .filter_map(text)
            .collect()
    };
    let category = field("eventCategory")?;
    if !values(category, "Equals").iter().any(|v| v == "Data") {
        return None;
    }
    let kind = field("resources.type")?;
    if !values(kind, "Equals")
        .iter()
        .any(|v| v == "AWS::S3::Object")
    {
        return None;
    }
    let (read, write) = match field("readOnly").map(|f| values(f, "Equals")) {
        Some(v) if v.iter().any(|x| x == "true") => (true, false),
        Some(v) if v.iter().any(|x| x == "false") => (false, true),
        _ => (true, true),
    };
    let mut narrowed_by: Vec<String> = fields
        .iter()
        .filter_map(|f| get(f, "Field").and_then(text))
        .filter(|name| {
            !matches!(
                name.as_str(),
                "eventCategory" | "resources.type" | "readOnly" | "resources.ARN"
            )
        })
        .collect();
    let (resources, excludes) = match field("resources.ARN") {
        Some(f) => {
            let mut keep = values(f, "StartsWith");
            keep.extend(values(f, "Equals"));
            let mut leave = values(f, "NotStartsWith");
            leave.extend(values(f, "NotEquals"));
            if get(f, "EndsWith").is_some() || get(f, "NotEndsWith").is_some() {
                narrowed_by.push("resources.ARN (EndsWith)".to_string());
            }
            if keep.is_empty() && get(f, "StartsWith").is_none() && get(f, "Equals").is_none() {
                // only exclusions: every other object is recorded
                keep.push("arn:aws:s3".to_string());
            }
            (keep, leave)
        }
        None => (vec!["arn:aws:s3".to_string()], Vec::new()),
    };
    Some(DataEventSelector {
        span: selector.span,
        resources,
        excludes,
        narrowed_by,
        read,
        write,
    })
}

/// A `PublicAccessBlockConfiguration` value; inside it an absent setting is false.
pub fn block_public_access_at(node: Option<&Node<'static>>) -> Value<BlockPublicAccess> {
    match node_value(node) {
        Err((reason, span)) => Value::unknown(reason, span),
        Ok(None) => Value::Absent,
        Ok(Some(n)) => {
            let setting = |name: &str| match value_bool(get(n, name)) {
                Value::Absent => Value::known(false, n.span),
                other => other,
            };
            Value::known(
                BlockPublicAccess {
                    block_public_acls: setting("BlockPublicAcls"),
                    ignore_public_acls: setting("IgnorePublicAcls"),
                    block_public_policy: setting("BlockPublicPolicy"),
                    restrict_public_buckets: setting("RestrictPublicBuckets"),
                },
                n.span,
            )
        }
    }
}

/// Reads a resolved policy document with moat-policy, noting the first unknown value in it.
pub fn read_doc(
    file: &SourceFile,
    node: Node<'static>,
    diagnostics: &mut Vec<Diagnostic>,
) -> PolicyDoc {
    let unknown = first_unknown(&node).map(|(reason, _)| reason);
    let span = node.span;
    let policy = if entries(&node).is_empty() && unknown.is_some() {
        None
    } else {
        let mut found = Vec::new();
        let policy = moat_policy::document::read_node(&node, file, &mut found);
        // a policy's own problems are worth hearing; those that come from
        // unknown stand-ins are not the user's to fix
        diagnostics.extend(
            found
                .into_iter()
                .filter(|d| !d.message.contains('\u{1}'))
                .map(|mut d| {
                    if d.code.starts_with("policy") {
                        d.level = moat_source::Level::Warning;
                    }
                    d
                }),
        );
        policy
    };
    PolicyDoc {
        policy,
        node,
        span,
        unknown,
    }
}
