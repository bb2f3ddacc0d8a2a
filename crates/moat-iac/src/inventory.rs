//! The Inventory: the resources every reader lowers into, independent of the
//! format they came from (design.md, "Inventory"). Each field is a
//! [`Value`]; the AWS default that applies when a field is absent is stated
//! on the field (docs/inventory.md lists them with their sources).

use crate::value::Value;
use moat_policy::document::Policy;
use moat_source::node::Node;
use moat_source::{SourceFile, Span};
use std::collections::BTreeMap;

#[derive(Debug, Default, Clone)]
pub struct Inventory {
    /// The files the resources come from; `Origin::file` indexes this.
    pub files: Vec<SourceFile>,
    pub buckets: Vec<Bucket>,
    pub directory_buckets: Vec<DirectoryBucket>,
    pub bucket_policies: Vec<AttachedPolicy>,
    pub access_points: Vec<AccessPoint>,
    /// Block Public Access for the whole account (Terraform's
    /// `aws_s3_account_public_access_block`, S3 Control's
    /// `GetPublicAccessBlock` for a live account). S3 applies the most
    /// restrictive of the account's and a bucket's settings.
    pub account_public_access_blocks: Vec<AccountPublicAccessBlock>,
    pub multi_region_access_points: Vec<MultiRegionAccessPoint>,
    pub roles: Vec<Role>,
    pub users: Vec<Principal>,
    pub groups: Vec<Principal>,
    /// `AWS::IAM::ManagedPolicy` and `AWS::IAM::Policy`, with what they attach to.
    pub identity_policies: Vec<IdentityPolicy>,
    pub kms_keys: Vec<KmsKey>,
    pub trails: Vec<Trail>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    /// SNS topic and SQS queue policies (`AWS::SNS::TopicPolicy`, `AWS::SQS::QueuePolicy`).
    pub queue_topic_policies: Vec<AttachedPolicy>,
    pub topics: Vec<Simple>,
    pub queues: Vec<Simple>,
    pub functions: Vec<Function>,
    pub lambda_permissions: Vec<LambdaPermission>,
    pub event_rules: Vec<EventRule>,
    /// Literal Region names and account ids written where a pseudo parameter belongs.
    pub hard_coded: Vec<HardCoded>,
    /// Conditions no `--param` decides that something lowered depends on (an
    /// `Fn::If` in a value read, a resource's `Condition`), in file order and
    /// then order of first use: the ways the unit may deploy
    /// ([`crate::variants`] reads it under each).
    pub undecided: Vec<UndecidedCondition>,
    /// The account the stack deploys to, when `--param AWS::AccountId=...`
    /// gives it; otherwise `AWS::AccountId` stands in as `000000000000`, and
    /// whether a literal account id is the stack's own is not known.
    pub account: Option<String>,
    /// The Region the stack deploys to, when `--param AWS::Region=...` or the
    /// CDK stack's environment gives it.
    pub region: Option<String>,
    /// File index -> the parameters it was read with, for files whose CDK
    /// stack environment fixed pseudo parameters the user did not pass
    /// (re-reading a file, as [`crate::variants`] does, needs the same).
    pub file_params: BTreeMap<usize, BTreeMap<String, String>>,
}

/// A template's condition that no `--param` decides.
#[derive(Debug, Clone, PartialEq)]
pub struct UndecidedCondition {
    /// Index into [`Inventory::files`]: each template has its own conditions.
    pub file: usize,
    pub name: String,
    /// Its first use: an `Fn::If`, or a resource's `Condition`.
    pub span: Span,
    /// Why it is undecided (the parameter it depends on).
    pub reason: String,
}

/// The kind of source a resource was read from: findings phrase their
/// advice in its terms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SourceFormat {
    /// CloudFormation, SAM, CDK output.
    #[default]
    Template,
    /// Terraform configuration (HCL).
    Terraform,
    /// A live account, read through the AWS APIs.
    Account,
}

/// Where a resource is defined.
#[derive(Debug, Clone)]
pub struct Origin {
    pub format: SourceFormat,
    /// Index into [`Inventory::files`].
    pub file: usize,
    pub logical_id: String,
    pub resource_type: String,
    /// The CDK construct path (`aws:cdk:path` metadata), for CDK output.
    pub cdk_path: Option<String>,
    /// The language of the CDK app the resource was synthesized from, for
    /// resources of a cloud assembly (or of a template with construct paths).
    pub cdk_language: Option<crate::cdk::CdkLanguage>,
    /// The logical id's key.
    pub span: Span,
    /// The `Properties` key, or the logical id when there is none: where a
    /// missing property is reported.
    pub properties: Span,
    /// `Metadata: moat: skip:` entries: check id (or prefix) and reason.
    pub skips: Vec<Skip>,
}

#[derive(Debug, Clone)]
pub struct Skip {
    pub id: String,
    pub reason: String,
    pub span: Span,
}

/// A policy document read from a template, resolved as far as the template allows.
#[derive(Debug, Clone)]
pub struct PolicyDoc {
    /// `None` when the document has no usable shape (diagnostics say why).
    pub policy: Option<Policy>,
    /// The resolved document (with unknown markers).
    pub node: Node<'static>,
    pub span: Span,
    /// The first value in it that only a deployment knows, if any: questions
    /// about the policy are then answered "unknown" with this reason.
    pub unknown: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Bucket {
    pub origin: Origin,
    /// `BucketName`; absent: CloudFormation generates a name.
    pub name: Value<String>,
    /// The name policies refer to: `BucketName`, or `{LogicalId}` as a stand-in.
    pub standin: String,
    /// `BucketEncryption`; absent: SSE-S3 (AES256) since 2023-01-05.
    pub encryption: Value<Encryption>,
    /// `VersioningConfiguration.Status`; absent: never enabled.
    pub versioning: Value<String>,
    /// `ObjectLockEnabled`; absent: off.
    pub object_lock: Value<bool>,
    /// `ObjectLockConfiguration.Rule.DefaultRetention`; absent: none.
    pub object_lock_retention: Value<String>,
    /// `PublicAccessBlockConfiguration`; absent: all four on for buckets created since April 2023.
    pub public_access_block: Value<BlockPublicAccess>,
    /// `OwnershipControls` rule; absent: `BucketOwnerEnforced` (ACLs disabled) since April 2023.
    pub ownership: Value<String>,
    /// `AccessControl` (canned ACL); absent: `private`.
    pub access_control: Value<String>,
    /// `LoggingConfiguration`; absent: no server access logs.
    pub logging: Value<Logging>,
    /// `ReplicationConfiguration`; absent: none.
    pub replication: Value<Replication>,
    /// `LifecycleConfiguration.Rules`; absent: none.
    pub lifecycle: Value<Vec<LifecycleRule>>,
    /// Notification targets: the bucket's `NotificationConfiguration`, plus
    /// what a CDK `Custom::S3BucketNotifications` resource or a SAM function's
    /// `S3` event configures on it; absent: none.
    pub notifications: Value<Vec<Notification>>,
    /// `EventBridgeConfiguration` (`EventBridgeEnabled`, or present without
    /// it), from the same places; absent: off.
    pub eventbridge: Value<bool>,
    /// `WebsiteConfiguration`; absent: no website endpoint. The value says
    /// whether it only redirects (`RedirectAllRequestsTo`), serving no object.
    pub website: Value<Website>,
    /// `CorsConfiguration.CorsRules`; absent: no CORS.
    pub cors: Value<Vec<CorsRule>>,
    /// `AccelerateConfiguration.AccelerationStatus`; absent: off.
    pub acceleration: Value<String>,
    /// `IntelligentTieringConfigurations`: how many; absent: none.
    pub intelligent_tiering: Value<usize>,
    /// `InventoryConfigurations`: how many; absent: none.
    pub inventory: Value<usize>,
    /// `MetricsConfigurations`: how many; absent: no request metrics.
    pub metrics: Value<usize>,
    /// `Tags`; absent: none.
    pub tags: Value<Vec<Tag>>,
}

impl Bucket {
    /// `arn:aws:s3:::NAME` with the stand-in name.
    pub fn arn(&self) -> String {
        format!("arn:aws:s3:::{}", self.standin)
    }

    pub fn tag(&self, key: &str) -> Option<&Tag> {
        self.tags
            .get()?
            .iter()
            .find(|t| t.key.eq_ignore_ascii_case(key))
    }
}

#[derive(Debug, Clone)]
pub struct Encryption {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub algorithm: Value<String>,
    /// `KMSMasterKeyID`; absent with aws:kms: the AWS managed key `aws/s3`.
    pub kms_key: Value<String>,
    /// `BucketKeyEnabled`; absent: off.
    pub bucket_key: Value<bool>,
}

#[derive(Debug, Clone)]
pub struct BlockPublicAccess {
    /// Each setting; absent inside a present configuration: `false`.
    pub block_public_acls: Value<bool>,
    pub ignore_public_acls: Value<bool>,
    pub block_public_policy: Value<bool>,
    pub restrict_public_buckets: Value<bool>,
}

impl BlockPublicAccess {
    /// The four settings with their CloudFormation names.
    pub fn settings(&self) -> [(&'static str, &Value<bool>); 4] {
        [
            ("BlockPublicAcls", &self.block_public_acls),
            ("BlockPublicPolicy", &self.block_public_policy),
            ("IgnorePublicAcls", &self.ignore_public_acls),
            ("RestrictPublicBuckets", &self.restrict_public_buckets),
        ]
    }
}

#[derive(Debug, Clone)]
pub struct Logging {
    /// `DestinationBucketName`; absent: the bucket logs to itself.
    pub destination: Value<String>,
    pub prefix: Value<String>,
}

#[derive(Debug, Clone)]
pub struct Replication {
    pub role: Value<String>,
    /// Each enabled rule's destination (rules with `Status: Disabled` are left out).
    pub destinations: Vec<ReplicationDestination>,
}

/// `ReplicationConfiguration.Rules[].Destination` of one enabled rule.
#[derive(Debug, Clone)]
pub struct ReplicationDestination {
    /// The rule.
    pub span: Span,
    /// `Bucket`: the destination bucket's ARN.
    pub bucket: Value<String>,
    /// `Account`: the destination bucket owner's account id; absent: not
    /// stated (S3 checks it only with `AccessControlTranslation`).
    pub account: Value<String>,
    /// `AccessControlTranslation.Owner` (`Destination` is the only value S3
    /// accepts); absent: replicas stay owned by the source object's owner.
    pub owner: Value<String>,
}

#[derive(Debug, Clone)]
pub struct LifecycleRule {
    pub id: Option<String>,
    pub span: Span,
    /// `Enabled` or `Disabled`.
    pub status: Value<String>,
    /// Applies to part of the bucket only (a prefix or tag filter).
    pub filtered: bool,
    pub expiration: bool,
    pub noncurrent_expiration: bool,
    pub abort_incomplete_multipart: bool,
    /// Storage classes objects move to.
    pub transitions: Vec<String>,
    /// A value in the rule only the deployment knows (its filter, an action,
    /// a storage class): what the rule does is then not decided.
    pub unknown: Option<(String, Span)>,
}

/// One destination of a bucket's event notifications, from the bucket's
/// `NotificationConfiguration`, a CDK `Custom::S3BucketNotifications`
/// resource, or a SAM function's `S3` event.
#[derive(Debug, Clone)]
pub struct Notification {
    /// `sns`, `sqs` or `lambda`.
    pub kind: &'static str,
    /// The topic, queue or function ARN.
    pub target: Value<String>,
    /// One event type (`s3:ObjectCreated:*`); absent: none given.
    pub event: Value<String>,
    /// Where it is configured (in the bucket or in the resource that configures it).
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Website {
    /// `RedirectAllRequestsTo` is set: every request is redirected, no object is served.
    pub redirect_only: bool,
}

#[derive(Debug, Clone)]
pub struct CorsRule {
    pub span: Span,
    pub origins: Vec<String>,
    pub methods: Vec<String>,
    /// An origin or method only the deployment knows.
    pub unknown: Option<(String, Span)>,
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub key: String,
    pub value: Value<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct DirectoryBucket {
    pub origin: Origin,
    pub lifecycle: Value<Vec<LifecycleRule>>,
}

/// A resource policy that attaches to other resources: a bucket policy (one
/// bucket) or an SNS topic / SQS queue policy (several).
#[derive(Debug, Clone)]
pub struct AttachedPolicy {
    pub origin: Origin,
    /// The names, ARNs or URLs of what it attaches to, resolved with stand-ins.
    pub targets: Vec<Value<String>>,
    pub document: PolicyDoc,
}

#[derive(Debug, Clone)]
pub struct AccessPoint {
    pub origin: Origin,
    pub bucket: Value<String>,
    /// Absent: all four on (access points are created with Block Public Access on).
    pub public_access_block: Value<BlockPublicAccess>,
    /// `VpcConfiguration.VpcId`; absent: the `Internet` network origin.
    pub vpc: Value<String>,
    pub policy: Option<PolicyDoc>,
}

#[derive(Debug, Clone)]
pub struct AccountPublicAccessBlock {
    pub origin: Origin,
    pub settings: Value<BlockPublicAccess>,
}

#[derive(Debug, Clone)]
pub struct MultiRegionAccessPoint {
    pub origin: Origin,
    pub public_access_block: Value<BlockPublicAccess>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub origin: Origin,
    pub arn: String,
    pub trust: Option<PolicyDoc>,
    pub inline: Vec<PolicyDoc>,
    pub managed: Vec<Value<String>>,
    pub boundary: Value<String>,
    pub max_session_duration: Value<u64>,
}

/// An IAM user or group.
#[derive(Debug, Clone)]
pub struct Principal {
    pub origin: Origin,
    pub arn: String,
    pub inline: Vec<PolicyDoc>,
    pub managed: Vec<Value<String>>,
    /// For users: the groups they belong to.
    pub groups: Vec<Value<String>>,
}

#[derive(Debug, Clone)]
pub struct IdentityPolicy {
    pub origin: Origin,
    /// The ARN of a managed policy (stand-in); empty for `AWS::IAM::Policy`.
    pub arn: String,
    pub document: PolicyDoc,
    pub roles: Vec<Value<String>>,
    pub users: Vec<Value<String>>,
    pub groups: Vec<Value<String>>,
}

#[derive(Debug, Clone)]
pub struct KmsKey {
    pub origin: Origin,
    pub arn: String,
    /// `EnableKeyRotation`; absent: off.
    pub rotation: Value<bool>,
    /// `KeySpec`; absent: `SYMMETRIC_DEFAULT`. Rotation exists only for symmetric keys.
    pub key_spec: Value<String>,
    /// `Origin`; absent: `AWS_KMS`. Keys with imported key material (`EXTERNAL`)
    /// cannot rotate automatically.
    pub key_origin: Value<String>,
    pub policy: Option<PolicyDoc>,
}

#[derive(Debug, Clone)]
pub struct Trail {
    pub origin: Origin,
    /// `IsLogging`.
    pub logging: Value<bool>,
    /// `S3BucketName`: where the log files go.
    pub bucket: Value<String>,
    /// `IsMultiRegionTrail`; absent: false.
    pub multi_region: Value<bool>,
    /// `EnableLogFileValidation`; absent: false.
    pub log_file_validation: Value<bool>,
    /// `KMSKeyId`; absent: SSE-S3 only.
    pub kms_key: Value<String>,
    /// The S3 data events the trail records.
    pub s3_data_events: Vec<DataEventSelector>,
    /// A selector Moat cannot read statically.
    pub selectors_unknown: Option<(String, Span)>,
}

/// S3 data events a trail selector records.
#[derive(Debug, Clone)]
pub struct DataEventSelector {
    pub span: Span,
    /// ARN prefixes (`arn:aws:s3` or `arn:aws:s3:::bucket/`); empty: none.
    pub resources: Vec<String>,
    /// ARN prefixes left out (`resources.ARN` `NotStartsWith` / `NotEquals`
    /// of an advanced selector).
    pub excludes: Vec<String>,
    /// Other fields of an advanced selector that record only some of the
    /// events (`eventName`, `userIdentity.arn`, `resources.ARN` `EndsWith`...).
    pub narrowed_by: Vec<String>,
    pub read: bool,
    pub write: bool,
}

#[derive(Debug, Clone)]
pub struct VpcEndpoint {
    pub origin: Origin,
    pub service: Value<String>,
    /// `PolicyDocument`; absent: full access.
    pub policy: Option<PolicyDoc>,
}

/// A resource Moat needs only by name: SNS topic, SQS queue.
#[derive(Debug, Clone)]
pub struct Simple {
    pub origin: Origin,
    pub arn: String,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub origin: Origin,
    pub arn: String,
    pub role: Value<String>,
    /// SAM `Policies` expanded into documents.
    pub policies: Vec<PolicyDoc>,
}

#[derive(Debug, Clone)]
pub struct LambdaPermission {
    pub origin: Origin,
    pub function: Value<String>,
    pub principal: Value<String>,
    pub source_account: Value<String>,
    pub source_arn: Value<String>,
}

#[derive(Debug, Clone)]
pub struct EventRule {
    pub origin: Origin,
    /// Whether the rule's event pattern matches S3 events (`source: aws.s3`).
    pub s3_events: bool,
}

/// A Region name or account id written literally where a pseudo parameter
/// belongs, found in the raw (unresolved) properties: in an ARN (written as
/// one string, in a `Fn::Sub` template, or built with `Fn::Join`), anywhere
/// in a policy value (Regions) or principal (accounts), in an
/// account-valued property or condition key, in a bucket name, or in a VPC
/// endpoint's service name (Regions).
#[derive(Debug, Clone)]
pub struct HardCoded {
    pub file: usize,
    pub logical_id: String,
    /// The value (string, `Fn::Sub` or `Fn::Join`) that holds it.
    pub span: Span,
    /// `region` or `account`.
    pub kind: &'static str,
    pub value: String,
    /// The pseudo parameter to use instead.
    pub instead: &'static str,
    /// The property path (`PolicyDocument.Statement[].Principal.AWS`).
    pub property: String,
    /// How to name the place in a message: `an ARN`, `a policy principal`,
    /// `the bucket name`...
    pub place: String,
}

impl Inventory {
    pub fn file(&self, origin: &Origin) -> Option<&SourceFile> {
        self.files.get(origin.file)
    }

    /// The bucket a name, ARN or stand-in refers to.
    pub fn bucket_named(&self, name: &str) -> Option<&Bucket> {
        let name = name
            .strip_prefix("arn:aws:s3:::")
            .unwrap_or(name)
            .trim_end_matches("/*");
        self.buckets.iter().find(|b| b.standin == name)
    }

    /// The account-level Block Public Access setting `name`
    /// (`BlockPublicAcls`...) that applies to every bucket: `Known(true)`
    /// with the resource that turns it on, `Unknown` when an account block
    /// leaves it undecided, `None` when no account block turns it on.
    pub fn account_block(&self, name: &str) -> Option<(Value<bool>, &Origin)> {
        let mut undecided = None;
        for block in &self.account_public_access_blocks {
            match &block.settings {
                Value::Known { value, .. } => {
                    if let Some((_, v)) = value.settings().into_iter().find(|(n, _)| *n == name) {
                        match v {
                            Value::Known { value: true, .. } => {
                                return Some((v.clone(), &block.origin));
                            }
                            Value::Unknown { .. } => undecided = Some((v.clone(), &block.origin)),
                            _ => {}
                        }
                    }
                }
                Value::Unknown { reason, span } => {
                    undecided = Some((Value::unknown(reason.clone(), *span), &block.origin))
                }
                Value::Absent => {}
            }
        }
        undecided
    }

    /// The policies attached to `bucket`.
    pub fn policies_of<'a>(
        &'a self,
        bucket: &'a Bucket,
    ) -> impl Iterator<Item = &'a AttachedPolicy> {
        self.bucket_policies.iter().filter(move |p| {
            p.origin.file == bucket.origin.file
                && p.targets.iter().any(|t| {
                    t.get().is_some_and(|name| {
                        name.strip_prefix("arn:aws:s3:::").unwrap_or(name) == bucket.standin
                    })
                })
        })
    }
}

impl Inventory {
    /// Every resource's origin.
    pub fn origins(&self) -> Vec<&Origin> {
        let mut out: Vec<&Origin> = Vec::new();
        let inv = self;
        out.extend(inv.buckets.iter().map(|r| &r.origin));
        out.extend(inv.directory_buckets.iter().map(|r| &r.origin));
        out.extend(inv.bucket_policies.iter().map(|r| &r.origin));
        out.extend(inv.access_points.iter().map(|r| &r.origin));
        out.extend(inv.account_public_access_blocks.iter().map(|r| &r.origin));
        out.extend(inv.multi_region_access_points.iter().map(|r| &r.origin));
        out.extend(inv.roles.iter().map(|r| &r.origin));
        out.extend(inv.users.iter().map(|r| &r.origin));
        out.extend(inv.groups.iter().map(|r| &r.origin));
        out.extend(inv.identity_policies.iter().map(|r| &r.origin));
        out.extend(inv.kms_keys.iter().map(|r| &r.origin));
        out.extend(inv.trails.iter().map(|r| &r.origin));
        out.extend(inv.vpc_endpoints.iter().map(|r| &r.origin));
        out.extend(inv.queue_topic_policies.iter().map(|r| &r.origin));
        out.extend(inv.topics.iter().map(|r| &r.origin));
        out.extend(inv.queues.iter().map(|r| &r.origin));
        out.extend(inv.functions.iter().map(|r| &r.origin));
        out.extend(inv.lambda_permissions.iter().map(|r| &r.origin));
        out.extend(inv.event_rules.iter().map(|r| &r.origin));
        out
    }

    /// Every resource's origin, for fixing up file indices and construct paths.
    pub fn origins_mut(&mut self) -> Vec<&mut Origin> {
        let mut out: Vec<&mut Origin> = Vec::new();
        let inv = self;
        out.extend(inv.buckets.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.directory_buckets.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.bucket_policies.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.access_points.iter_mut().map(|r| &mut r.origin));
        out.extend(
            inv.account_public_access_blocks
                .iter_mut()
                .map(|r| &mut r.origin),
        );
        out.extend(
            inv.multi_region_access_points
                .iter_mut()
                .map(|r| &mut r.origin),
        );
        out.extend(inv.roles.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.users.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.groups.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.identity_policies.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.kms_keys.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.trails.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.vpc_endpoints.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.queue_topic_policies.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.topics.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.queues.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.functions.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.lambda_permissions.iter_mut().map(|r| &mut r.origin));
        out.extend(inv.event_rules.iter_mut().map(|r| &mut r.origin));
        out
    }

    /// Appends `other`, renumbering its files after this inventory's.
    pub fn merge(&mut self, mut other: Inventory) {
        let offset = self.files.len();
        for origin in other.origins_mut() {
            origin.file += offset;
        }
        for h in &mut other.hard_coded {
            h.file += offset;
        }
        for u in &mut other.undecided {
            u.file += offset;
        }
        let first = self.files.is_empty();
        self.files.append(&mut other.files);
        self.hard_coded.append(&mut other.hard_coded);
        self.undecided.append(&mut other.undecided);
        self.file_params.extend(
            std::mem::take(&mut other.file_params)
                .into_iter()
                .map(|(file, params)| (file + offset, params)),
        );
        // one account for the unit only when every file agrees on it (CDK
        // stacks of one assembly may deploy to different accounts)
        if first {
            self.account = other.account.take();
            self.region = other.region.take();
        } else {
            if self.account != other.account {
                self.account = None;
            }
            if self.region != other.region {
                self.region = None;
            }
        }
        append_all(self, other);
    }
}

fn append_all(me: &mut Inventory, mut other: Inventory) {
    me.buckets.append(&mut other.buckets);
    me.directory_buckets.append(&mut other.directory_buckets);
    me.bucket_policies.append(&mut other.bucket_policies);
    me.access_points.append(&mut other.access_points);
    me.account_public_access_blocks
        .append(&mut other.account_public_access_blocks);
    me.multi_region_access_points
        .append(&mut other.multi_region_access_points);
    me.roles.append(&mut other.roles);
    me.users.append(&mut other.users);
    me.groups.append(&mut other.groups);
    me.identity_policies.append(&mut other.identity_policies);
    me.kms_keys.append(&mut other.kms_keys);
    me.trails.append(&mut other.trails);
    me.vpc_endpoints.append(&mut other.vpc_endpoints);
    me.queue_topic_policies
        .append(&mut other.queue_topic_policies);
    me.topics.append(&mut other.topics);
    me.queues.append(&mut other.queues);
    me.functions.append(&mut other.functions);
    me.lambda_permissions.append(&mut other.lambda_permissions);
    me.event_rules.append(&mut other.event_rules);
}
