//! Regional resources: access points, KMS keys, trails, VPC endpoints.

use super::{known_bool, known_text, origin, read_doc, unknown_doc};
use crate::answer::{Kind, Resource};
use crate::calls;
use crate::evidence::{Evidence, Part};
use moat_iac::Inventory;
use moat_iac::Value;
use moat_iac::cloudformation::lower::{advanced_selector, basic_selector};
use moat_iac::inventory::*;
use moat_iac::node_util::{get, items, text};
use moat_source::Diagnostic;
use moat_source::node::Node;

/// A policy from `call`'s `Policy` (or `field`) answer: none when not
/// configured, unknown when the call failed.
fn policy_of(
    ev: &Evidence,
    call: calls::Call,
    field: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<PolicyDoc> {
    match ev.part(call) {
        Some(Part::Data(n)) => get(n, field).map(|doc| read_doc(ev, doc, diagnostics)),
        Some(Part::NotConfigured(_)) => None,
        Some(Part::Failed(reason, span)) => Some(unknown_doc(reason.clone(), *span)),
        None => Some(unknown_doc(
            format!("{} was not read", call.name()),
            ev.start(),
        )),
    }
}

pub(super) fn access_point(
    resource: &Resource,
    inventory: &mut Inventory,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let ev = Evidence::of(resource, &[], diagnostics);
    let origin = origin(inventory, &ev, &resource.arn, Kind::AccessPoint);
    let listed = ev.data(calls::LIST_ACCESS_POINTS);
    let public_access_block = ev.field(
        calls::GET_ACCESS_POINT,
        |n| match get(n, "PublicAccessBlockConfiguration") {
            Some(c) => {
                let setting = |name: &str| match known_bool(get(c, name)) {
                    Value::Absent => Value::known(false, c.span),
                    other => other,
                };
                Value::known(
                    BlockPublicAccess {
                        block_public_acls: setting("BlockPublicAcls"),
                        ignore_public_acls: setting("IgnorePublicAcls"),
                        block_public_policy: setting("BlockPublicPolicy"),
                        restrict_public_buckets: setting("RestrictPublicBuckets"),
                    },
                    c.span,
                )
            }
            None => Value::Absent,
        },
        |_| Value::Absent,
    );
    let vpc = listed
        .and_then(|n| get(n, "VpcConfiguration"))
        .and_then(|v| get(v, "VpcId"));
    let policy = policy_of(&ev, calls::GET_ACCESS_POINT_POLICY, "Policy", diagnostics);
    inventory.access_points.push(AccessPoint {
        bucket: known_text(listed.and_then(|n| get(n, "Bucket"))),
        public_access_block,
        vpc: known_text(vpc),
        policy,
        origin,
    });
}

pub(super) fn kms_key(
    resource: &Resource,
    inventory: &mut Inventory,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let ev = Evidence::of(resource, &[], diagnostics);
    let metadata = ev
        .data(calls::DESCRIBE_KEY)
        .and_then(|n| get(n, "KeyMetadata"));
    // AWS managed keys (`aws/s3`...) are AWS's to configure: rotated yearly,
    // their policies fixed; a finding on one could not be acted on
    if metadata
        .and_then(|m| get(m, "KeyManager"))
        .and_then(text)
        .as_deref()
        == Some("AWS")
    {
        return;
    }
    let origin = origin(inventory, &ev, &resource.arn, Kind::KmsKey);
    let meta = |key: &str| {
        ev.field(
            calls::DESCRIBE_KEY,
            |n| known_text(get(n, "KeyMetadata").and_then(|m| get(m, key))),
            |_| Value::Absent,
        )
    };
    let key = KmsKey {
        arn: resource.arn.clone(),
        rotation: ev.field(
            calls::GET_KEY_ROTATION,
            |n| known_bool(get(n, "KeyRotationEnabled")),
            |span| Value::known(false, span),
        ),
        key_spec: meta("KeySpec"),
        key_origin: meta("Origin"),
        policy: policy_of(&ev, calls::GET_KEY_POLICY, "Policy", diagnostics),
        origin,
    };
    inventory.kms_keys.push(key);
}

pub(super) fn trail(
    resource: &Resource,
    inventory: &mut Inventory,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let ev = Evidence::of(resource, &[], diagnostics);
    let origin = origin(inventory, &ev, &resource.arn, Kind::Trail);
    let described = |key: &str| {
        ev.field(
            calls::DESCRIBE_TRAILS,
            |n| known_text(get(n, key)),
            |_| Value::Absent,
        )
    };
    let flag = |key: &str| {
        ev.field(
            calls::DESCRIBE_TRAILS,
            |n| known_bool(get(n, key)),
            |_| Value::Absent,
        )
    };
    let mut selectors = Vec::new();
    let mut selectors_unknown = None;
    match ev.part(calls::GET_EVENT_SELECTORS) {
        Some(Part::Data(n)) => {
            selectors.extend(
                get(n, "EventSelectors")
                    .map(items)
                    .unwrap_or_default()
                    .iter()
                    .map(basic_selector),
            );
            selectors.extend(
                get(n, "AdvancedEventSelectors")
                    .map(items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(advanced_selector),
            );
        }
        Some(Part::Failed(reason, span)) => selectors_unknown = Some((reason.clone(), *span)),
        Some(Part::NotConfigured(_)) => {}
        None => {
            selectors_unknown = Some((
                format!("{} was not read", calls::GET_EVENT_SELECTORS.name()),
                ev.start(),
            ))
        }
    }
    inventory.trails.push(Trail {
        logging: ev.field(
            calls::GET_TRAIL_STATUS,
            |n| known_bool(get(n, "IsLogging")),
            |_| Value::Absent,
        ),
        bucket: described("S3BucketName"),
        multi_region: flag("IsMultiRegionTrail"),
        log_file_validation: flag("LogFileValidationEnabled"),
        kms_key: described("KmsKeyId"),
        s3_data_events: selectors,
        selectors_unknown,
        origin,
    });
}

pub(super) fn vpc_endpoint(
    resource: &Resource,
    inventory: &mut Inventory,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let ev = Evidence::of(resource, &[], diagnostics);
    let origin = origin(inventory, &ev, &resource.arn, Kind::VpcEndpoint);
    let entry: Option<&Node<'static>> = ev.data(calls::DESCRIBE_VPC_ENDPOINTS);
    inventory.vpc_endpoints.push(VpcEndpoint {
        service: known_text(entry.and_then(|n| get(n, "ServiceName"))),
        policy: entry
            .and_then(|n| get(n, "PolicyDocument"))
            .map(|doc| read_doc(&ev, doc, diagnostics)),
        origin,
    });
}
