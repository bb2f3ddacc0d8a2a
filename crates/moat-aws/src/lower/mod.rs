//! From the account's answers to one Inventory unit, each resource with its
//! evidence file (crate::evidence), sorted by ARN so the output is the same
//! on every run.
//!
//! `Absent` means "AWS's default applies" to the checks, and the defaults they
//! assume are those of a resource created today by CloudFormation. A live
//! answer is not always that: a bucket whose `GetPublicAccessBlock` says "not
//! configured" has no Block Public Access at all, whatever new buckets get.
//! So where the live "not configured" differs from the checks' default, the
//! field is Known with what the account actually has, located on the error
//! that says so; where it agrees (no policy, no lifecycle...), it is Absent.

mod bucket;
mod iam;
mod regional;

use crate::answer::{Account, Kind, Resource};
use crate::evidence::Evidence;
use moat_iac::Inventory;
use moat_iac::Value;
use moat_iac::inventory::{Origin, PolicyDoc};
use moat_iac::node_util::{first_unknown, text, unknown_reason};
use moat_source::node::Node;
use moat_source::{Diagnostic, Span};

/// The inventory of `account`, with what could not be read in the diagnostics.
pub fn lower(account: &Account) -> (Inventory, Vec<Diagnostic>) {
    let mut inventory = Inventory {
        account: account.id.clone(),
        region: match account.regions.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        },
        ..Inventory::default()
    };
    let mut diagnostics = Vec::new();
    let mut resources: Vec<&Resource> = account.resources.iter().collect();
    resources.sort_by(|a, b| a.arn.cmp(&b.arn).then(a.kind.cmp(&b.kind)));
    let account_pab = resources
        .iter()
        .find(|r| r.kind == Kind::AccountPublicAccessBlock)
        .copied();
    for resource in resources {
        match resource.kind {
            Kind::Bucket => bucket::lower(resource, account_pab, &mut inventory, &mut diagnostics),
            Kind::AccessPoint => regional::access_point(resource, &mut inventory, &mut diagnostics),
            Kind::KmsKey => regional::kms_key(resource, &mut inventory, &mut diagnostics),
            Kind::Trail => regional::trail(resource, &mut inventory, &mut diagnostics),
            Kind::VpcEndpoint => regional::vpc_endpoint(resource, &mut inventory, &mut diagnostics),
            Kind::Role | Kind::User | Kind::Group | Kind::ManagedPolicy => {
                iam::lower(resource, &mut inventory, &mut diagnostics)
            }
            // applied in each bucket's settings (bucket::lower), and judged
            // on its own (CHK-S3-053)
            Kind::AccountPublicAccessBlock => {
                account_block(resource, &mut inventory, &mut diagnostics)
            }
            Kind::BucketPolicy => {}
        }
    }
    (inventory, diagnostics)
}

/// The account's Block Public Access: what S3 Control's `GetPublicAccessBlock`
/// answered (no configuration: all four off), or unknown when it failed.
fn account_block(
    resource: &Resource,
    inventory: &mut Inventory,
    diagnostics: &mut Vec<Diagnostic>,
) {
    use crate::evidence::Part;
    let ev = Evidence::of(resource, &[], diagnostics);
    let origin = origin(
        inventory,
        &ev,
        &resource.arn,
        Kind::AccountPublicAccessBlock,
    );
    let settings = match ev.part(crate::calls::GET_ACCOUNT_PAB) {
        Some(Part::Data(n)) => moat_iac::cloudformation::lower::block_public_access_at(
            moat_iac::node_util::get(n, "PublicAccessBlockConfiguration"),
        ),
        Some(Part::NotConfigured(span)) => Value::known(
            moat_iac::inventory::BlockPublicAccess {
                block_public_acls: Value::known(false, *span),
                ignore_public_acls: Value::known(false, *span),
                block_public_policy: Value::known(false, *span),
                restrict_public_buckets: Value::known(false, *span),
            },
            *span,
        ),
        Some(Part::Failed(reason, span)) => Value::unknown(reason.clone(), *span),
        None => return,
    };
    inventory
        .account_public_access_blocks
        .push(moat_iac::inventory::AccountPublicAccessBlock { origin, settings });
}

/// Adds `evidence`'s file to the inventory and returns the origin of a resource in it.
fn origin(inventory: &mut Inventory, evidence: &Evidence, arn: &str, kind: Kind) -> Origin {
    inventory.files.push(evidence.file.clone());
    Origin {
        format: moat_iac::inventory::SourceFormat::Account,
        file: inventory.files.len() - 1,
        logical_id: arn.to_string(),
        resource_type: kind.resource_type().to_string(),
        cdk_path: None,
        cdk_language: None,
        span: evidence.start(),
        properties: evidence.start(),
        skips: Vec::new(),
    }
}

/// A scalar at `node` as a Known value.
fn known_text(node: Option<&Node<'static>>) -> Value<String> {
    match node {
        None => Value::Absent,
        Some(n) => match (text(n), unknown_reason(n)) {
            (Some(t), _) => Value::known(t, n.span),
            (None, Some(reason)) => Value::unknown(reason, n.span),
            (None, None) if matches!(n.value, moat_source::node::NodeValue::Null) => Value::Absent,
            (None, None) => Value::unknown(
                format!("expected a single value, found {}", n.describe()),
                n.span,
            ),
        },
    }
}

fn known_bool(node: Option<&Node<'static>>) -> Value<bool> {
    match known_text(node) {
        Value::Known { value, span } => match value.to_ascii_lowercase().as_str() {
            "true" => Value::known(true, span),
            "false" => Value::known(false, span),
            other => Value::unknown(format!("`{other}` is not true or false"), span),
        },
        Value::Absent => Value::Absent,
        Value::Unknown { reason, span } => Value::unknown(reason, span),
    }
}

/// A policy document the API answered (already parsed from its string), read
/// with moat-policy so its statements keep their places in the evidence.
fn read_doc(
    evidence: &Evidence,
    node: &Node<'static>,
    diagnostics: &mut Vec<Diagnostic>,
) -> PolicyDoc {
    if let Some(raw) = text(node) {
        // the API's string was not JSON (crate::fetch keeps it as written)
        return PolicyDoc {
            policy: None,
            node: node.clone(),
            span: node.span,
            unknown: Some(format!(
                "the policy document is not JSON: `{}`",
                raw.chars().take(40).collect::<String>()
            )),
        };
    }
    let mut found = Vec::new();
    let policy = moat_policy::document::read_node(node, &evidence.file, &mut found);
    diagnostics.extend(found.into_iter().map(|mut d| {
        if d.code.starts_with("policy") {
            d.level = moat_source::Level::Warning;
        }
        d
    }));
    PolicyDoc {
        policy,
        node: node.clone(),
        span: node.span,
        unknown: first_unknown(node).map(|(reason, _)| reason),
    }
}

/// A document that could not be read: questions about it answer "unknown".
fn unknown_doc(reason: String, span: Span) -> PolicyDoc {
    PolicyDoc {
        policy: None,
        node: moat_iac::node_util::unknown(&reason, span),
        span,
        unknown: Some(reason),
    }
}

#[cfg(test)]
mod tests;
