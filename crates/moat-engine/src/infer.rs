//! The threat model a template implies (design.md, "Engine and assessment"):
//! buckets become datastores, IAM roles and users actors, KMS keys, trails,
//! notification targets, access points and VPC endpoints servers, inside the
//! stack's AWS account; flows follow what the template wires together
//! (identity policies that reach a bucket, access logs, replication,
//! notifications, encryption keys, trail delivery), and the internet reaches
//! a bucket the checks found public. What the template names but does not
//! define joins the model in boundaries of its own: principals that bucket
//! and key policies let in ([`grants`]) and replica buckets elsewhere
//! ([`replica`]). Each element declares the controls the checks found
//! implemented on its resource, with the file:line that shows it, so threat
//! status comes from the same evidence mechanism as a hand-written model's
//! `implements:`.

mod grants;
mod outside;
mod replica;

use crate::scan::{ControlState, ControlStatus};
use moat_iac::Inventory;
use moat_iac::inventory::{Bucket, Origin, PolicyDoc};
use moat_model::{Boundary, Dataflow, Element, ElementKind, Implementation, Model};
use moat_policy::document::Effect;
use moat_policy::matching::arn_matches_str;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

const ACCOUNT: &str = "aws-account";
const INTERNET: &str = "internet";

/// The model of `inventory`, with the controls `controls` show implemented per resource.
pub fn infer_model(
    name: &str,
    inventory: &Inventory,
    controls: &[ControlStatus],
    public: &BTreeSet<String>,
) -> Model {
    let implemented = implemented_by_resource(controls);
    let mut model = Model {
        name: name.to_string(),
        description: "Inferred from infrastructure code by `moat`: one element per resource, flows from what the template wires together.".to_string(),
        ..Model::default()
    };
    // the account and Region when --param or the CDK stack environment
    // gives them: a reader of the diagram sees where the stack lands
    let mut name = match &inventory.account {
        Some(account) => format!("AWS account {account}"),
        None => "AWS account".to_string(),
    };
    if let Some(region) = &inventory.region {
        name.push_str(&format!(" ({region})"));
    }
    let mut properties = BTreeMap::from([("provider".to_string(), json!("aws"))]);
    if let Some(account) = &inventory.account {
        properties.insert("account".to_string(), json!(account));
    }
    if let Some(region) = &inventory.region {
        properties.insert("region".to_string(), json!(region));
    }
    model.boundaries.push(Boundary {
        id: ACCOUNT.into(),
        name,
        description: "The account the stack deploys into".into(),
        parent: None,
        attributes: Default::default(),
        tags: Vec::new(),
        properties,
        span: None,
    });
    let element = |origin: &Origin,
                   kind: ElementKind,
                   service: &str,
                   description: String,
                   extra: Vec<(&str, serde_json::Value)>| {
        let mut properties = BTreeMap::from([("service".to_string(), json!(service))]);
        for (k, v) in extra {
            properties.insert(k.to_string(), v);
        }
        Element {
            id: origin.logical_id.clone(),
            name: origin
                .cdk_path
                .as_deref()
                .map(|p| p.strip_suffix("/Resource").unwrap_or(p).to_string())
                .unwrap_or_else(|| origin.logical_id.clone()),
            kind,
            description,
            boundary: Some(ACCOUNT.into()),
            data: Vec::new(),
            attributes: on_aws(kind, true),
            implements: implemented
                .get(origin.logical_id.as_str())
                .cloned()
                .unwrap_or_default(),
            tags: Vec::new(),
            properties,
            span: None,
        }
    };
    for b in &inventory.buckets {
        let e = element(
            &b.origin,
            ElementKind::Datastore,
            "s3:bucket",
            format!("S3 bucket `{}`", b.standin),
            vec![
                ("bucket", json!(b.standin)),
                ("features", json!(features(b))),
            ],
        );
        model.elements.push(e);
    }
    for r in &inventory.roles {
        model.elements.push(element(
            &r.origin,
            ElementKind::Actor,
            "iam:role",
            "IAM role".into(),
            Vec::new(),
        ));
    }
    for u in &inventory.users {
        model.elements.push(element(
            &u.origin,
            ElementKind::Actor,
            "iam:user",
            "IAM user".into(),
            Vec::new(),
        ));
    }
    for k in &inventory.kms_keys {
        model.elements.push(element(
            &k.origin,
            ElementKind::Server,
            "kms:key",
            "KMS key".into(),
            Vec::new(),
        ));
    }
    for t in &inventory.trails {
        model.elements.push(element(
            &t.origin,
            ElementKind::Server,
            "cloudtrail:trail",
            "CloudTrail trail".into(),
            Vec::new(),
        ));
    }
    for a in &inventory.access_points {
        model.elements.push(element(
            &a.origin,
            ElementKind::Server,
            "s3:access_point",
            "S3 access point".into(),
            Vec::new(),
        ));
    }
    for e in &inventory.vpc_endpoints {
        model.elements.push(element(
            &e.origin,
            ElementKind::Server,
            "ec2:vpc_endpoint",
            "VPC endpoint".into(),
            Vec::new(),
        ));
    }
    for t in &inventory.topics {
        model.elements.push(element(
            &t.origin,
            ElementKind::Server,
            "sns",
            "SNS topic".into(),
            Vec::new(),
        ));
    }
    for q in &inventory.queues {
        model.elements.push(element(
            &q.origin,
            ElementKind::Server,
            "sqs",
            "SQS queue".into(),
            Vec::new(),
        ));
    }
    for f in &inventory.functions {
        model.elements.push(element(
            &f.origin,
            ElementKind::Lambda,
            "lambda",
            "Lambda function".into(),
            Vec::new(),
        ));
    }
    let mut flows = Flows::default();
    // principals whose policies reach a bucket
    let principals: Vec<(&Origin, Vec<&PolicyDoc>)> = inventory
        .roles
        .iter()
        .map(|r| {
            (
                &r.origin,
                r.inline
                    .iter()
                    .chain(attached(inventory, &r.origin, &r.arn, |p| &p.roles))
                    .collect(),
            )
        })
        .chain(inventory.users.iter().map(|u| {
            (
                &u.origin,
                u.inline
                    .iter()
                    .chain(attached(inventory, &u.origin, &u.arn, |p| &p.users))
                    .collect(),
            )
        }))
        .collect();
    for (origin, docs) in principals {
        for b in &inventory.buckets {
            if docs.iter().any(|d| reaches(d, b)) {
                flows.add(
                    &origin.logical_id,
                    &b.origin.logical_id,
                    "S3 API requests",
                    "s3",
                );
            }
        }
    }
    for b in &inventory.buckets {
        let id = &b.origin.logical_id;
        if let Some(logging) = b.logging.get() {
            let dest = logging
                .destination
                .get()
                .cloned()
                .unwrap_or_else(|| b.standin.clone());
            if let Some(d) = inventory
                .bucket_named(&dest)
                .filter(|d| d.origin.logical_id != *id)
            {
                flows.add(id, &d.origin.logical_id, "server access logs", "s3");
            }
        }
        if let Some(list) = b.notifications.get() {
            for n in list {
                if let Some(target) = n.target.get().and_then(|t| logical_in(inventory, t)) {
                    flows.add(id, &target, "event notifications", n.kind);
                }
            }
        }
        if let Some(key) = b
            .encryption
            .get()
            .and_then(|e| e.kms_key.get())
            .and_then(|k| logical_in(inventory, k))
        {
            flows.add(id, &key, "data key requests (SSE-KMS)", "kms");
        }
        if public.contains(id) {
            flows.public.insert(id.clone());
        }
    }
    let mut outside = outside::Outside::new(inventory);
    replica::add(inventory, &mut outside, &mut flows);
    grants::add(inventory, public, &mut outside, &mut flows);
    for t in &inventory.trails {
        if let Some(bucket) = t.bucket.get().and_then(|n| inventory.bucket_named(n)) {
            flows.add(
                &t.origin.logical_id,
                &bucket.origin.logical_id,
                "log file delivery",
                "s3",
            );
        }
    }
    if !flows.public.is_empty() {
        model.boundaries.push(Boundary {
            id: INTERNET.into(),
            name: "Internet".into(),
            description: "Anyone, unauthenticated".into(),
            parent: None,
            attributes: Default::default(),
            tags: Vec::new(),
            properties: BTreeMap::new(),
            span: None,
        });
        model.elements.push(Element {
            id: "anyone".into(),
            name: "Anyone on the internet".into(),
            kind: ElementKind::ExternalEntity,
            description: "Reaches the buckets the checks found public".into(),
            boundary: Some(INTERNET.into()),
            data: Vec::new(),
            attributes: Default::default(),
            implements: Vec::new(),
            tags: Vec::new(),
            properties: BTreeMap::new(),
            span: None,
        });
        for b in flows.public.clone() {
            // a public policy's grants already say what anyone may do
            if !flows
                .list
                .iter()
                .any(|f| f.source == "anyone" && f.sink == b)
            {
                flows.add("anyone", &b, "public S3 requests", "s3");
            }
        }
    }
    model.boundaries.extend(outside.boundaries.into_values());
    model.elements.extend(outside.elements.into_values());
    model.flows = flows.list;
    model
}

#[derive(Default)]
struct Flows {
    list: Vec<Dataflow>,
    seen: BTreeSet<(String, String, String)>,
    public: BTreeSet<String>,
}

impl Flows {
    fn add(&mut self, source: &str, sink: &str, name: &str, protocol: &str) {
        self.add_described(source, sink, name, protocol, String::new());
    }

    fn add_described(
        &mut self,
        source: &str,
        sink: &str,
        name: &str,
        protocol: &str,
        description: String,
    ) {
        if !self
            .seen
            .insert((source.to_string(), sink.to_string(), name.to_string()))
        {
            return;
        }
        self.list.push(Dataflow {
            id: format!("{source}-to-{sink}-{}", self.list.len() + 1),
            name: name.to_string(),
            source: source.to_string(),
            sink: sink.to_string(),
            description,
            data: Vec::new(),
            attributes: BTreeMap::from([(
                "protocol".to_string(),
                json!(if protocol == "s3" || protocol == "kms" {
                    "HTTPS"
                } else {
                    protocol
                }),
            )]),
            implements: Vec::new(),
            tags: Vec::new(),
            properties: BTreeMap::new(),
            span: None,
        });
    }
}

/// The feature classes a bucket's template shows in use.
fn features(b: &Bucket) -> Vec<&'static str> {
    let mut out = vec![
        "FC-S3-BUCKET",
        "FC-S3-OBJECT",
        "FC-S3-DEFAULT-ENCRYPTION",
        "FC-S3-BPA-BUCKET",
        "FC-S3-OBJECT-OWNERSHIP",
    ];
    let present = |v: bool, fc: &'static str, out: &mut Vec<&'static str>| {
        if v {
            out.push(fc);
        }
    };
    present(
        b.versioning.get().is_some_and(|s| s == "Enabled"),
        "FC-S3-BUCKET-VERSIONING",
        &mut out,
    );
    present(
        b.versioning.get().is_some_and(|s| s == "Enabled"),
        "FC-S3-OBJECT-VERSIONING",
        &mut out,
    );
    present(!b.lifecycle.is_absent(), "FC-S3-LIFECYCLE", &mut out);
    present(!b.replication.is_absent(), "FC-S3-REPLICATION", &mut out);
    present(!b.logging.is_absent(), "FC-S3-ACCESS-LOGGING", &mut out);
    present(
        !b.notifications.is_absent(),
        "FC-S3-NOTIFICATIONS",
        &mut out,
    );
    present(!b.website.is_absent(), "FC-S3-WEBSITE", &mut out);
    present(!b.cors.is_absent(), "FC-S3-CORS", &mut out);
    present(
        b.object_lock.get().copied().unwrap_or(false),
        "FC-S3-OBJECT-LOCK",
        &mut out,
    );
    present(
        b.acceleration.get().is_some_and(|s| s == "Enabled"),
        "FC-S3-TRANSFER-ACCELERATION",
        &mut out,
    );
    present(!b.inventory.is_absent(), "FC-S3-INVENTORY", &mut out);
    present(!b.metrics.is_absent(), "FC-S3-METRICS", &mut out);
    present(!b.tags.is_absent(), "FC-S3-BUCKET-TAGGING", &mut out);
    present(
        matches!(
            b.ownership.get().map(String::as_str),
            Some("ObjectWriter" | "BucketOwnerPreferred")
        ),
        "FC-S3-ACL",
        &mut out,
    );
    out.sort_unstable();
    out
}

/// Controls implemented on each resource (and missing on none of its checks there).
fn implemented_by_resource(controls: &[ControlStatus]) -> BTreeMap<&str, Vec<Implementation>> {
    let mut out: BTreeMap<&str, Vec<Implementation>> = BTreeMap::new();
    for c in controls {
        let mut by_resource: BTreeMap<&str, Vec<&crate::scan::ControlEvidence>> = BTreeMap::new();
        for e in &c.evidence {
            by_resource.entry(&*e.resource).or_default().push(e);
        }
        for (resource, evidence) in by_resource {
            if evidence
                .iter()
                .all(|e| e.status == ControlState::Implemented)
                && let Some(first) = evidence.first()
            {
                out.entry(resource).or_default().push(Implementation {
                    control: c.control.clone(),
                    location: Some(first.location.to_location()),
                    checked_by: Some(first.check.to_string()),
                    span: None,
                });
            }
        }
    }
    out
}

/// Identity policies attached to `origin` (whose ARN is `arn`) through a
/// list of `IdentityPolicy`: by the principal's name (its ARN's last part,
/// a name or a `{LogicalId}` stand-in) or its logical id.
fn attached<'a>(
    inventory: &'a Inventory,
    origin: &'a Origin,
    arn: &'a str,
    list: impl Fn(&moat_iac::inventory::IdentityPolicy) -> &Vec<moat_iac::Value<String>> + 'a,
) -> impl Iterator<Item = &'a PolicyDoc> + 'a {
    let own_name = arn.rsplit('/').next().unwrap_or(arn);
    inventory
        .identity_policies
        .iter()
        .filter(move |p| {
            list(p).iter().any(|v| {
                v.get().is_some_and(|name| {
                    name == &origin.logical_id
                        || name == own_name
                        || name.trim_matches(['{', '}']) == origin.logical_id
                        || name.ends_with(&format!("/{}", origin.logical_id))
                })
            })
        })
        .map(|p| &p.document)
}

/// Whether an Allow statement of `doc` names an S3 action on the bucket or its objects.
fn reaches(doc: &PolicyDoc, bucket: &Bucket) -> bool {
    let Some(policy) = &doc.policy else {
        return false;
    };
    let arn = bucket.arn();
    let objects = format!("{arn}/*");
    policy.statements.iter().any(|s| {
        s.effect.value == Effect::Allow
            && s.action.patterns.iter().any(|a| {
                let a = a.value.to_ascii_lowercase();
                a == "*" || a.starts_with("s3:")
            })
            && s.resource.as_ref().is_some_and(|r| {
                !r.negated
                    && r.patterns.iter().any(|p| {
                        arn_matches_str(&p.value, &arn) || arn_matches_str(&p.value, &objects)
                    })
            })
    })
}

/// The logical id a resolved reference (ARN, name or `{LogicalId}` stand-in) names.
fn logical_in(inventory: &Inventory, reference: &str) -> Option<String> {
    let origins = inventory
        .topics
        .iter()
        .map(|t| &t.origin)
        .chain(inventory.queues.iter().map(|q| &q.origin))
        .chain(inventory.functions.iter().map(|f| &f.origin))
        .chain(inventory.kms_keys.iter().map(|k| &k.origin));
    origins
        .filter(|o| reference.contains(&format!("{{{}}}", o.logical_id)))
        .map(|o| o.logical_id.clone())
        .next()
}

/// `onAWS` for the kinds whose class has it (pytm's `Actor` does not: a model
/// written out with it would not load again).
fn on_aws(kind: ElementKind, value: bool) -> BTreeMap<String, serde_json::Value> {
    let target = moat_model::schema::Target::Element(kind);
    match moat_model::schema::attribute(target, "onAWS") {
        Some(_) => BTreeMap::from([("onAWS".to_string(), json!(value))]),
        None => BTreeMap::new(),
    }
}
