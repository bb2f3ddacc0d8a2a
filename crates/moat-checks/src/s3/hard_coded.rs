//! Literal Region names and account ids where `AWS::Region` and
//! `AWS::AccountId` belong: the Inventory's `hard_coded` entries, which the
//! reader finds in the raw template (moat_iac::cloudformation::hard_coded),
//! so that a value `${AWS::Region}` or a parameter fills in is not taken for
//! one written out.

use moat_iac::Inventory;
use moat_iac::inventory::{HardCoded, Origin, SourceFormat};
use moat_source::Span;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Region,
    Account,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Region => "region",
            Kind::Account => "account",
        }
    }
}

/// The origin of the resource `logical_id` in file `file`, if the Inventory has it.
fn origin_of<'a>(inventory: &'a Inventory, file: usize, logical_id: &str) -> Option<&'a Origin> {
    let i = inventory;
    let all = i
        .buckets
        .iter()
        .map(|r| &r.origin)
        .chain(i.directory_buckets.iter().map(|r| &r.origin))
        .chain(i.bucket_policies.iter().map(|r| &r.origin))
        .chain(i.access_points.iter().map(|r| &r.origin))
        .chain(i.multi_region_access_points.iter().map(|r| &r.origin))
        .chain(i.roles.iter().map(|r| &r.origin))
        .chain(i.users.iter().map(|r| &r.origin))
        .chain(i.groups.iter().map(|r| &r.origin))
        .chain(i.identity_policies.iter().map(|r| &r.origin))
        .chain(i.kms_keys.iter().map(|r| &r.origin))
        .chain(i.trails.iter().map(|r| &r.origin))
        .chain(i.vpc_endpoints.iter().map(|r| &r.origin))
        .chain(i.queue_topic_policies.iter().map(|r| &r.origin))
        .chain(i.topics.iter().map(|r| &r.origin))
        .chain(i.queues.iter().map(|r| &r.origin))
        .chain(i.functions.iter().map(|r| &r.origin))
        .chain(i.lambda_permissions.iter().map(|r| &r.origin))
        .chain(i.event_rules.iter().map(|r| &r.origin));
    let mut all = all;
    all.find(|o| o.file == file && o.logical_id == logical_id)
}

/// An origin for a resource type the Inventory does not lower.
fn bare_origin(h: &HardCoded) -> Origin {
    Origin {
        format: Default::default(),
        file: h.file,
        logical_id: h.logical_id.clone(),
        resource_type: String::new(),
        cdk_path: None,
        cdk_language: None,
        span: h.span,
        properties: h.span,
        skips: Vec::new(),
    }
}

fn advice(kind: Kind, value: &str, place: &str, format: SourceFormat) -> String {
    if format == SourceFormat::Terraform {
        return match kind {
            Kind::Region => format!(
                "the Region `{value}` is written out in {place}: use `data.aws_region.current.name` (or the provider's Region through a variable) if it is the configuration's own Region, or a variable if another Region is meant, so the configuration applies unchanged in any Region"
            ),
            Kind::Account => format!(
                "the account id `{value}` is written out in {place}: use `data.aws_caller_identity.current.account_id` if it is the configuration's own account, or a variable if another account is meant, so the configuration applies unchanged in any account and does not publish the id"
            ),
        };
    }
    match kind {
        Kind::Region => format!(
            "the Region `{value}` is written out in {place}: use `${{AWS::Region}}` with `!Sub` if it is the stack's own Region, or a parameter if another Region is meant, so the template deploys unchanged in any Region"
        ),
        Kind::Account => format!(
            "the account id `{value}` is written out in {place}: use `${{AWS::AccountId}}` with `!Sub` if it is the stack's own account, or a parameter if another account is meant, so the template deploys unchanged in any account and does not publish the id"
        ),
    }
}

/// Whether two spans overlap.
fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

/// The body of the hard-coded Region and account checks.
pub fn run(inventory: &Inventory, out: &mut crate::Out, kind: Kind) {
    let fallbacks: Vec<Origin> = inventory
        .hard_coded
        .iter()
        .filter(|h| origin_of(inventory, h.file, &h.logical_id).is_none())
        .map(bare_origin)
        .collect();
    let mut found: Vec<(&Origin, &HardCoded)> = Vec::new();
    for h in inventory
        .hard_coded
        .iter()
        .filter(|h| h.kind == kind.name())
    {
        let Some(origin) = origin_of(inventory, h.file, &h.logical_id).or_else(|| {
            fallbacks
                .iter()
                .find(|o| o.file == h.file && o.logical_id == h.logical_id)
        }) else {
            continue;
        };
        found.push((origin, h));
    }
    // one finding per place: the first entry that names it wins
    let mut said: Vec<(usize, Span)> = Vec::new();
    let mut reported: Vec<(usize, String)> = Vec::new();
    for (origin, h) in found {
        if said
            .iter()
            .any(|(file, s)| *file == origin.file && overlaps(*s, h.span))
        {
            continue;
        }
        said.push((origin.file, h.span));
        out.fail(
            origin,
            Some(h.span),
            &h.property,
            advice(kind, &h.value, &h.place, origin.format),
        );
        reported.push((origin.file, origin.logical_id.clone()));
    }
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        if reported
            .iter()
            .any(|(f, id)| *f == o.file && *id == o.logical_id)
        {
            continue;
        }
        let what = match kind {
            Kind::Region => "Region name",
            Kind::Account => "account id",
        };
        out.pass(
            o,
            bucket.name.span(),
            "BucketName",
            format!("no literal {what} found in the bucket's name or ARNs"),
        );
    }
}
