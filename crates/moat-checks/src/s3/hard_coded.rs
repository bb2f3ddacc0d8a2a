//! Literal Region names and account ids where `AWS::Region` and
//! `AWS::AccountId` belong: the Inventory's `hard_coded` entries (found in
//! ARNs of the raw template), bucket names, and (for Regions) VPC endpoint
//! service names. Only text written in the template counts: a value that
//! `${AWS::Region}` or a parameter fills in is not hard-coded.

use moat_iac::cloudformation::lower::is_region;
use moat_iac::inventory::{HardCoded, Origin};
use moat_iac::{Inventory, Value};
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

/// The body of the hard-coded Region and account checks.
pub fn run(inventory: &Inventory, out: &mut crate::Out, kind: Kind) {
    let mut reported: Vec<(usize, String)> = Vec::new();
    for h in inventory
        .hard_coded
        .iter()
        .filter(|h| h.kind == kind.name())
    {
        let fallback;
        let origin = match origin_of(inventory, h.file, &h.logical_id) {
            Some(o) => o,
            None => {
                fallback = bare_origin(h);
                &fallback
            }
        };
        out.fail(
            origin,
            Some(h.span),
            "Properties",
            advice(kind, &h.value, "an ARN"),
        );
        reported.push((h.file, h.logical_id.clone()));
    }
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        if let Value::Known { span, .. } = &bucket.name {
            let text = raw(inventory, o.file, *span);
            let found = match kind {
                Kind::Region => regions_in(text),
                Kind::Account => accounts_in(text),
            };
            if let Some(value) = found.first() {
                out.fail(
                    o,
                    Some(*span),
                    "BucketName",
                    advice(kind, value, "the bucket name"),
                );
                reported.push((o.file, o.logical_id.clone()));
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
                out.fail(o, Some(*span), "ServiceName", advice(kind, value, &place));
                reported.push((o.file, o.logical_id.clone()));
            }
        }
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
            format!("no literal {what} in the bucket's name or ARNs"),
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
    }
}
