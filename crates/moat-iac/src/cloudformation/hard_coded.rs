//! Literal Region names and account ids where `AWS::Region` and
//! `AWS::AccountId` belong ([`HardCoded`]). The raw (unresolved) properties
//! are read, not the resolved ones: once resolved, a value that
//! `${AWS::Region}` or a parameter fills in looks the same as one written out.
//!
//! `Fn::Sub` templates are read with their `${...}` placeholders, and
//! `Fn::Join` is read as the text it builds, each part that is not a literal
//! standing as a placeholder, so an ARN's fields are found however the ARN is
//! put together (`arn:${AWS::Partition}:iam::111122223333:root`,
//! `arn:aws:kms:${AWS::Region}:111122223333:key/...`, or the same from `!Join`).

use crate::inventory::HardCoded;
use moat_source::Span;
use moat_source::node::{Node, NodeValue};

/// Properties and condition keys whose value is an account id.
const ACCOUNT_KEYS: &[&str] = &[
    "Account",
    "SourceAccount",
    "BucketAccountId",
    "ExpectedBucketOwner",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:PrincipalAccount",
    "aws:ResourceAccount",
    "s3:ResourceAccount",
];

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

/// Appends what the raw `Properties` of resource `logical_id` write out.
pub fn find(
    props: &Node<'_>,
    file: usize,
    logical_id: &str,
    resource_type: &str,
    out: &mut Vec<HardCoded>,
) {
    let mut walker = Walker {
        file,
        logical_id,
        resource_type,
        out,
    };
    walker.walk(props, &mut Vec::new(), Context::default());
}

#[derive(Clone, Copy, Default)]
struct Context {
    /// Inside a policy document (a mapping with `Statement`).
    policy: bool,
    /// Under `Principal` or `NotPrincipal`.
    principal: bool,
}

struct Walker<'a> {
    file: usize,
    logical_id: &'a str,
    resource_type: &'a str,
    out: &'a mut Vec<HardCoded>,
}

fn key_text<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    match &node.value {
        NodeValue::Str(s) => Some(s),
        _ => None,
    }
}

/// A scalar's text as written; `None` for collections and nulls.
fn literal(node: &Node<'_>) -> Option<String> {
    match &node.value {
        NodeValue::Str(s) => Some(s.to_string()),
        // an unquoted account id in YAML is a number
        NodeValue::Int(i) => Some(i.to_string()),
        NodeValue::UInt(u) => Some(u.to_string()),
        _ => None,
    }
}

impl Walker<'_> {
    fn walk(&mut self, node: &Node<'_>, path: &mut Vec<String>, ctx: Context) {
        match &node.value {
            NodeValue::Map(entries) => {
                if let [(key, arg)] = entries.as_slice()
                    && let Some(name) = key_text(key)
                {
                    match name {
                        "Fn::Sub" => return self.sub(arg, node.span, path, ctx),
                        "Fn::Join" => return self.join(arg, node.span, path, ctx),
                        // an intrinsic's name and argument list are no part of the property path
                        _ if name.starts_with("Fn::") || name == "Ref" => {
                            match &arg.value {
                                NodeValue::Seq(items) => {
                                    items.iter().for_each(|i| self.walk(i, path, ctx))
                                }
                                _ => self.walk(arg, path, ctx),
                            }
                            return;
                        }
                        _ => {}
                    }
                }
                let policy = ctx.policy
                    || entries
                        .iter()
                        .any(|(k, _)| key_text(k) == Some("Statement"));
                for (key, value) in entries {
                    let Some(name) = key_text(key) else { continue };
                    let ctx = Context {
                        policy,
                        principal: ctx.principal || name == "Principal" || name == "NotPrincipal",
                    };
                    path.push(name.to_string());
                    self.walk(value, path, ctx);
                    path.pop();
                }
            }
            NodeValue::Seq(items) => {
                if let Some(last) = path.last_mut() {
                    last.push_str("[]");
                }
                for item in items {
                    self.walk(item, path, ctx);
                }
                if let Some(last) = path.last_mut() {
                    last.truncate(last.len().saturating_sub(2));
                }
            }
            _ => {
                if let Some(text) = literal(node) {
                    self.text(&text, node.span, path, ctx);
                }
            }
        }
    }

    /// `Fn::Sub`: the template as written, and the values of its variables.
    fn sub(&mut self, arg: &Node<'_>, span: Span, path: &mut Vec<String>, ctx: Context) {
        match &arg.value {
            NodeValue::Str(template) => self.text(template, span, path, ctx),
            NodeValue::Seq(items) => {
                if let Some(template) = items.first()
                    && let NodeValue::Str(text) = &template.value
                {
                    self.text(text, span, path, ctx);
                }
                if let Some(NodeValue::Map(vars)) = items.get(1).map(|v| &v.value) {
                    for (_, value) in vars {
                        self.walk(value, path, ctx);
                    }
                }
            }
            _ => self.walk(arg, path, ctx),
        }
    }

    /// `Fn::Join`: the text it builds, with a placeholder for each part that
    /// is not a literal (those parts are read on their own).
    fn join(&mut self, arg: &Node<'_>, span: Span, path: &mut Vec<String>, ctx: Context) {
        let (Some(delimiter), Some(parts)) = (match &arg.value {
            NodeValue::Seq(items) if items.len() == 2 => (
                key_text(&items[0]),
                match &items[1].value {
                    NodeValue::Seq(parts) => Some(parts),
                    _ => None,
                },
            ),
            _ => (None, None),
        }) else {
            return self.walk(arg, path, ctx);
        };
        let mut built = String::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                built.push_str(delimiter);
            }
            match literal(part) {
                Some(text) => built.push_str(&text),
                None => {
                    built.push_str(&placeholder(part));
                    self.walk(part, path, ctx);
                }
            }
        }
        self.text(&built, span, path, ctx);
    }

    /// What one piece of text writes out: at most one Region and one account.
    fn text(&mut self, text: &str, span: Span, path: &[String], ctx: Context) {
        let key = path
            .last()
            .map(|k| k.trim_end_matches("[]"))
            .unwrap_or_default();
        let mut region: Option<(String, String)> = None;
        let mut account: Option<(String, String)> = None;
        let first = |found: Vec<String>, place: &str| {
            found.into_iter().next().map(|v| (v, place.to_string()))
        };
        if key == "BucketName" {
            region = first(regions_in(text), "the bucket name");
            account = first(accounts_in(text), "the bucket name");
        }
        if self.resource_type == "AWS::EC2::VPCEndpoint" && path == ["ServiceName"] {
            region = regions_in(text).into_iter().next().map(|r| {
                let place = format!(
                    "the endpoint service name (write `!Sub '{}'`)",
                    text.replace(r.as_str(), "${AWS::Region}")
                );
                (r, place)
            });
        }
        if ctx.principal {
            let place = if ctx.policy {
                "a policy principal"
            } else {
                "`Principal`"
            };
            account = account.or_else(|| first(accounts_in(text), place));
        }
        if ACCOUNT_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            account = account.or_else(|| first(accounts_in(text), &format!("`{key}`")));
        }
        for arn in arns(text) {
            if region.is_none() && is_region(arn.region) {
                region = Some((arn.region.to_string(), "an ARN".to_string()));
            }
            if account.is_none() && is_account(arn.account) {
                account = Some((arn.account.to_string(), "an ARN".to_string()));
            }
        }
        if ctx.policy {
            region = region.or_else(|| first(regions_in(text), "a policy"));
            account = account.or_else(|| first(arn_accounts_in(text), "a policy"));
        }
        let property = path.join(".");
        for (kind, instead, found) in [
            ("region", "AWS::Region", region),
            ("account", "AWS::AccountId", account),
        ] {
            if let Some((value, place)) = found {
                self.out.push(HardCoded {
                    file: self.file,
                    logical_id: self.logical_id.to_string(),
                    span,
                    kind,
                    value,
                    instead,
                    property: property.clone(),
                    place,
                });
            }
        }
    }
}

/// How a `Fn::Join` part that is not a literal reads: the pseudo parameter
/// it names, or an opaque placeholder.
fn placeholder(part: &Node<'_>) -> String {
    if let NodeValue::Map(entries) = &part.value
        && let [(key, arg)] = entries.as_slice()
        && key_text(key) == Some("Ref")
        && let Some(name) = key_text(arg)
        && name.starts_with("AWS::")
    {
        return format!("${{{name}}}");
    }
    "${?}".to_string()
}

/// The Region and account fields of an ARN.
struct ArnFields<'a> {
    region: &'a str,
    account: &'a str,
}

/// The ARNs in `text` whose partition is written out (`aws`, `aws-cn`...)
/// or a placeholder (`${AWS::Partition}`); `${...}` counts as one piece
/// whatever colons it holds.
fn arns(text: &str) -> Vec<ArnFields<'_>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|rest| rest.find("arn:")) {
        let start = from + at;
        from = start + 4;
        let glued = start > 0
            && bytes
                .get(start - 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
        if glued {
            continue;
        }
        let fields = arn_fields(&text[start..]);
        let (Some(partition), Some(region), Some(account)) =
            (fields.get(1), fields.get(3), fields.get(4))
        else {
            continue;
        };
        if partition.starts_with("aws") || partition.starts_with("${") {
            found.push(ArnFields { region, account });
        }
    }
    found
}

/// The first five `:`-separated fields of an ARN, which ends at a quote,
/// comma or white space outside `${...}`.
fn arn_fields(arn: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let bytes = arn.as_bytes();
    let mut i = 0;
    while i < bytes.len() && fields.len() < 5 {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 => {
                fields.push(&arn[start..i]);
                start = i + 1;
            }
            b'"' | b'\'' | b',' | b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => break,
            _ => {}
        }
        i += 1;
    }
    if fields.len() < 5 {
        fields.push(&arn[start..i.min(arn.len())]);
    }
    fields
}

fn is_account(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-4`...
pub fn is_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    (3..=4).contains(&parts.len())
        && first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

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

/// 12-digit runs in `text` that sit in an ARN's account field (`:` on
/// both sides), whatever precedes them.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<(String, String)> {
        arns(text)
            .iter()
            .map(|a| (a.region.to_string(), a.account.to_string()))
            .collect()
    }

    #[test]
    fn arn_fields_keep_placeholders_whole() {
        assert_eq!(
            fields("arn:aws:kms:${AWS::Region}:123456789012:key/k"),
            [("${AWS::Region}".into(), "123456789012".into())]
        );
        assert_eq!(
            fields("arn:${AWS::Partition}:iam::444455556666:root"),
            [(String::new(), "444455556666".into())]
        );
        assert_eq!(
            fields("x arn:aws:sns:eu-west-1:${AWS::AccountId}:alerts"),
            [("eu-west-1".into(), "${AWS::AccountId}".into())]
        );
        assert!(fields("learn:aws:s3:::b").is_empty());
        assert!(fields("arn:other:s3:us-east-1:123456789012:x").is_empty());
        assert!(fields("arn:").is_empty());
    }

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
        assert!(arn_accounts_in("key/1234abcd-12ab-34cd-56ef-123456789012").is_empty());
    }
}
