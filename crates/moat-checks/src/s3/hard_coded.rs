//! Literal Region names and account ids where `AWS::Region` and
//! `AWS::AccountId` belong: the Inventory's `hard_coded` entries (found in
//! ARNs of the raw template), bucket names, and (for Regions) VPC endpoint
//! service names. Only text written in the template counts: a value that
//! `${AWS::Region}` or a parameter fills in is not hard-coded.

use moat_iac::cloudformation::lower::is_region;
use moat_iac::inventory::{HardCoded, Origin, PolicyDoc};
use moat_iac::{Inventory, Value};
use moat_source::Span;
use moat_source::node::{Node, NodeValue};

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

/// The first two parts of every commercial, China and GovCloud Region name.
const AREAS: &[&str] = &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn"];
const DIRECTIONS: &[&str] = &[
    "east",
    "west",
    "north",
    "south",
    "central",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "gov",
    "iso",
    "isob",
];

/// Region names written in `text` (`us-east-1`, `us-gov-west-1`), as whole
/// `-`/`.`-separated words.
pub fn regions_in(text: &str) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .flat_map(|w| w.split('-'))
        .collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut matched = 0;
        for n in [4, 3] {
            let Some(window) = words.get(i..i + n) else {
                continue;
            };
            let candidate = window.join("-");
            if AREAS.contains(&window[0])
                && DIRECTIONS.contains(&window[1])
                && is_region(&candidate)
            {
                found.push(candidate);
                matched = n;
                break;
            }
        }
        i += matched.max(1);
    }
    found
}

/// 12-digit runs in `text` not part of a longer run of digits.
pub fn accounts_in(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 12)
        .map(str::to_string)
        .collect()
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

/// The raw template text at `span`.
fn raw(inventory: &Inventory, file: usize, span: Span) -> &str {
    inventory
        .files
        .get(file)
        .and_then(|f| f.text.get(span.start as usize..span.end as usize))
        .unwrap_or("")
}

fn advice(kind: Kind, value: &str, place: &str) -> String {
    match kind {
        Kind::Region => format!(
            "the Region `{value}` is written out in {place}: use `${{AWS::Region}}` with `!Sub` if it is the stack's own Region, or a parameter if another Region is meant, so the template deploys unchanged in any Region"
        ),
        Kind::Account => format!(
            "the account id `{value}` is written out in {place}: use `${{AWS::AccountId}}` with `!Sub` if it is the stack's own account, or a parameter if another account is meant, so the template deploys unchanged in any account and does not publish the id"
        ),
    }
}

/// 12-digit runs in `text` that sit in an ARN's account field (`:` on
/// both sides), whatever precedes them (`arn:${AWS::Partition}:iam::`, a
/// `${AWS::Region}` or a piece of `Fn::Join`).
pub fn arn_accounts_in(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 12
                && start > 0
                && bytes[start - 1] == b':'
                && bytes.get(i) == Some(&b':')
            {
                found.push(text[start..i].to_string());
            }
        } else {
            i += 1;
        }
    }
    found
}

/// The scalar values of a policy document, each with whether it sits under
/// `Principal` / `NotPrincipal`.
fn leaves(node: &Node<'static>, principal: bool, out: &mut Vec<(Span, bool)>) {
    match &node.value {
        NodeValue::Map(entries) => {
            for (k, v) in entries {
                let key = matches!(&k.value, NodeValue::Str(s) if s == "Principal" || s == "NotPrincipal");
                leaves(v, principal || key, out);
            }
        }
        NodeValue::Seq(items) => items.iter().for_each(|v| leaves(v, principal, out)),
        NodeValue::Null => {}
        _ => out.push((node.span, principal)),
    }
}

/// Every policy document with the resource that holds it.
fn documents(inventory: &Inventory) -> Vec<(&Origin, &PolicyDoc)> {
    let i = inventory;
    let mut docs: Vec<(&Origin, &PolicyDoc)> = Vec::new();
    for r in &i.roles {
        docs.extend(r.trust.iter().chain(&r.inline).map(|d| (&r.origin, d)));
    }
    for p in i.users.iter().chain(&i.groups) {
        docs.extend(p.inline.iter().map(|d| (&p.origin, d)));
    }
    docs.extend(i.identity_policies.iter().map(|p| (&p.origin, &p.document)));
    for f in &i.functions {
        docs.extend(f.policies.iter().map(|d| (&f.origin, d)));
    }
    docs.extend(i.bucket_policies.iter().map(|p| (&p.origin, &p.document)));
    docs.extend(
        i.queue_topic_policies
            .iter()
            .map(|p| (&p.origin, &p.document)),
    );
    for a in &i.access_points {
        docs.extend(a.policy.iter().map(|d| (&a.origin, d)));
    }
    for k in &i.kms_keys {
        docs.extend(k.policy.iter().map(|d| (&k.origin, d)));
    }
    for e in &i.vpc_endpoints {
        docs.extend(e.policy.iter().map(|d| (&e.origin, d)));
    }
    docs
}

/// Whether two spans overlap.
fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

/// One literal found: where, in which resource and property, and how to say where.
struct Found<'a> {
    origin: &'a Origin,
    span: Span,
    property: String,
    value: String,
    place: String,
}

/// The body of the hard-coded Region and account checks.
pub fn run(inventory: &Inventory, out: &mut crate::Out, kind: Kind) {
    let fallbacks: Vec<Origin> = inventory
        .hard_coded
        .iter()
        .filter(|h| origin_of(inventory, h.file, &h.logical_id).is_none())
        .map(bare_origin)
        .collect();
    let mut found: Vec<Found> = Vec::new();
    // the Inventory's own list: ARNs written as one string
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
        found.push(Found {
            origin,
            span: h.span,
            property: "Properties".to_string(),
            value: h.value.clone(),
            place: "an ARN".to_string(),
        });
    }
    // what that list misses: ARNs built with `Fn::Join` or `${AWS::Partition}`,
    // and bare account ids in principals
    let scan = |text: &str, principal: bool| -> Vec<String> {
        match kind {
            Kind::Region => regions_in(text),
            Kind::Account if principal => accounts_in(text),
            Kind::Account => arn_accounts_in(text),
        }
    };
    for (origin, doc) in documents(inventory) {
        let mut values = Vec::new();
        leaves(&doc.node, false, &mut values);
        for (span, principal) in values {
            if let Some(value) = scan(raw(inventory, origin.file, span), principal)
                .into_iter()
                .next()
            {
                let place = if principal {
                    "a policy principal"
                } else {
                    "a policy"
                };
                found.push(Found {
                    origin,
                    span,
                    property: "PolicyDocument".to_string(),
                    value,
                    place: place.to_string(),
                });
            }
        }
    }
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let mut values: Vec<(&str, Option<Span>)> = Vec::new();
        if let Value::Known { value: enc, .. } = &bucket.encryption {
            values.push(("BucketEncryption...KMSMasterKeyID", enc.kms_key.span()));
        }
        if let Value::Known { value: r, .. } = &bucket.replication {
            values.push(("ReplicationConfiguration.Role", r.role.span()));
            values.extend(r.destinations.iter().map(|d| {
                (
                    "ReplicationConfiguration.Rules[].Destination.Bucket",
                    d.span(),
                )
            }));
        }
        if let Value::Known { value: list, .. } = &bucket.notifications {
            values.extend(
                list.iter()
                    .map(|n| ("NotificationConfiguration", n.target.span())),
            );
        }
        for (property, span) in values {
            let Some(span) = span else { continue };
            if let Some(value) = scan(raw(inventory, o.file, span), false).into_iter().next() {
                found.push(Found {
                    origin: o,
                    span,
                    property: property.to_string(),
                    value,
                    place: format!("`{}`", property.rsplit('.').next().unwrap_or(property)),
                });
            }
        }
        if let Value::Known { span, .. } = &bucket.name
            && let Some(value) = scan(raw(inventory, o.file, *span), true).into_iter().next()
        {
            found.push(Found {
                origin: o,
                span: *span,
                property: "BucketName".to_string(),
                value,
                place: "the bucket name".to_string(),
            });
        }
    }
    for p in &inventory.lambda_permissions {
        let o = &p.origin;
        for (property, value, principal) in [
            ("SourceAccount", &p.source_account, true),
            ("SourceArn", &p.source_arn, false),
        ] {
            let Some(span) = value.span() else { continue };
            if let Some(value) = scan(raw(inventory, o.file, span), principal)
                .into_iter()
                .next()
            {
                found.push(Found {
                    origin: o,
                    span,
                    property: property.to_string(),
                    value,
                    place: format!("`{property}`"),
                });
            }
        }
    }
    if kind == Kind::Region {
        for endpoint in &inventory.vpc_endpoints {
            let o = &endpoint.origin;
            let Value::Known {
                value: service,
                span,
            } = &endpoint.service
            else {
                continue;
            };
            if let Some(value) = regions_in(raw(inventory, o.file, *span)).first() {
                let place = format!(
                    "the endpoint service name (write `!Sub '{}'`)",
                    service.replace(value.as_str(), "${AWS::Region}")
                );
                found.push(Found {
                    origin: o,
                    span: *span,
                    property: "ServiceName".to_string(),
                    value: value.clone(),
                    place,
                });
            }
        }
    }
    // one finding per place: the first source that saw it wins
    let mut said: Vec<(usize, Span)> = Vec::new();
    let mut reported: Vec<(usize, String)> = Vec::new();
    for f in &found {
        if said
            .iter()
            .any(|(file, s)| *file == f.origin.file && overlaps(*s, f.span))
        {
            continue;
        }
        said.push((f.origin.file, f.span));
        out.fail(
            f.origin,
            Some(f.span),
            &f.property,
            advice(kind, &f.value, &f.place),
        );
        reported.push((f.origin.file, f.origin.logical_id.clone()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_whole_words() {
        assert_eq!(
            regions_in("secure-app-data-123456789012-us-east-1"),
            ["us-east-1"]
        );
        assert_eq!(
            regions_in("com.amazonaws.us-gov-west-1.s3"),
            ["us-gov-west-1"]
        );
        assert_eq!(
            regions_in("arn:aws:kms:ap-southeast-4:1:key/k"),
            ["ap-southeast-4"]
        );
        assert!(regions_in("my-db-v-2").is_empty());
        assert!(regions_in("${AWS::Region}").is_empty());
        assert!(regions_in("us-east").is_empty());
    }

    #[test]
    fn accounts_are_exactly_twelve_digits() {
        assert_eq!(accounts_in("data-123456789012-x"), ["123456789012"]);
        assert!(accounts_in("data-1234567890123").is_empty());
        assert!(accounts_in("data-${AWS::AccountId}").is_empty());
        assert_eq!(
            arn_accounts_in("arn:${AWS::Partition}:iam::444455556666:root"),
            ["444455556666"]
        );
        assert_eq!(
            arn_accounts_in("arn:aws:kms:${AWS::Region}:123456789012:key/k"),
            ["123456789012"]
        );
        assert!(arn_accounts_in("key/1234abcd-12ab-34cd-56ef-123456789012").is_empty());
    }
}
