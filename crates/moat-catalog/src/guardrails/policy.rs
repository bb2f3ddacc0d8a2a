//! Writing the deny lists as SCP documents: `service:Stem*` wildcards that match
//! only denied actions, one statement per service, and as many policies as the
//! AWS Organizations size quota requires.

use super::classify::leading_verb;
use super::{GuardrailError, SCP_MAX_CHARS};
use moat_policy::actions;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The most statements one service's deny list may be split into; Sids are
/// sized for a `Part999` suffix, so the names chosen after splitting never push
/// a policy over the quota.
const MAX_PARTS: usize = 999;

/// The shortest list of actions and `service:Stem*` wildcards that matches
/// exactly `actions` (known, canonical) under [`actions::expand`]. A
/// wildcard is used only where it matches two or more actions, all of them in
/// `actions`, and its stem goes past the leading verb (`s3:GetO*`, never
/// `s3:Get*` or `s3:G*`), so that actions AWS adds later match it only when they
/// resemble the denied ones closely; on equal length the exact names win.
pub fn compress(actions: &[&'static str]) -> Vec<String> {
    let mut by_prefix: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for action in actions {
        if let Some((prefix, name)) = action.split_once(':') {
            by_prefix.entry(prefix).or_default().push(name);
        }
    }
    let mut out = Vec::new();
    for (prefix, mut names) in by_prefix {
        names.sort_by_key(|n| n.to_ascii_lowercase());
        names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        let (_, entries) = cover(prefix, &names, 0);
        out.extend(entries);
    }
    out
}

/// The cheapest cover of `names` (sorted case-insensitively, all sharing their
/// first `depth` characters in any case): its cost in characters, counting the
/// quotes and comma of each JSON array entry, and its entries.
fn cover(prefix: &str, names: &[&str], depth: usize) -> (usize, Vec<String>) {
    let entry_cost = |text_len: usize| text_len + 3;
    // Every name individually or split by the next character.
    let mut split_cost = 0;
    let mut split = Vec::new();
    let mut rest = names;
    if let Some((first, tail)) = rest.split_first()
        && first.len() == depth
    {
        let text = format!("{prefix}:{first}");
        split_cost += entry_cost(text.len());
        split.push(text);
        rest = tail;
    }
    while let Some(first) = rest.first() {
        let next = first.as_bytes().get(depth).map(u8::to_ascii_lowercase);
        let group_len = rest
            .iter()
            .take_while(|n| n.as_bytes().get(depth).map(u8::to_ascii_lowercase) == next)
            .count()
            .max(1);
        let (group, tail) = rest.split_at(group_len);
        let (cost, entries) = if group.len() == 1 {
            let text = format!("{prefix}:{}", group[0]);
            (entry_cost(text.len()), vec![text])
        } else {
            cover(prefix, group, depth + 1)
        };
        split_cost += cost;
        split.extend(entries);
        rest = tail;
    }
    // One wildcard for the whole group, when it matches exactly these names.
    if names.len() >= 2
        && let Some(stem) = names.first().and_then(|n| n.get(..depth))
        && depth > leading_verb(stem).len()
    {
        let pattern = format!("{prefix}:{stem}*");
        let cost = entry_cost(pattern.len());
        if cost < split_cost && actions::expand(&pattern).len() == names.len() {
            return (cost, vec![pattern]);
        }
    }
    (split_cost, split)
}

/// One deny statement. `exempt` principals (ARN patterns) are left out with
/// `ArnNotLike` on `aws:PrincipalArn`; several values of a negated operator
/// apply together (NOR), so a principal matching any of them is exempt.
pub fn statement(sid: &str, actions: &[String], exempt: &[String]) -> Value {
    let mut statement = json!({
        "Sid": sid,
        "Effect": "Deny",
        "Action": actions,
        "Resource": "*",
    });
    let arns = match exempt {
        [] => None,
        [one] => Some(json!(one)),
        many => Some(json!(many)),
    };
    if let (Some(arns), Some(map)) = (arns, statement.as_object_mut()) {
        map.insert(
            "Condition".to_string(),
            json!({"ArnNotLike": {"aws:PrincipalArn": arns}}),
        );
    }
    statement
}

pub fn document(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

pub fn minified_len(value: &Value) -> usize {
    serde_json::to_string(value)
        .map(|s| s.len())
        .unwrap_or(usize::MAX)
}

fn json_len(text: &str) -> usize {
    serde_json::to_string(text)
        .map(|s| s.len())
        .unwrap_or(usize::MAX)
}

/// Splits `entries` greedily, in order, into groups whose document, built by
/// `build`, stays within `limit` characters minified.
pub fn pack(
    entries: &[String],
    limit: usize,
    what: &str,
    build: impl Fn(&[String]) -> Value,
) -> Result<Vec<Vec<String>>, GuardrailError> {
    let base = minified_len(&build(&[]));
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut size = base;
    for entry in entries {
        let cost = json_len(entry);
        let added = cost.saturating_add(usize::from(!current.is_empty()));
        if size.saturating_add(added) > limit && !current.is_empty() {
            groups.push(std::mem::take(&mut current));
            size = base;
        }
        let added = cost.saturating_add(usize::from(!current.is_empty()));
        if size.saturating_add(added) > limit {
            return Err(GuardrailError::TooLarge {
                what: format!("{what} with only `{entry}`"),
                limit,
            });
        }
        size += added;
        current.push(entry.clone());
    }
    if !current.is_empty() {
        groups.push(current);
    }
    Ok(groups)
}

/// A service's deny list: the Sid it is named by and its entries.
#[derive(Debug, Clone)]
pub struct DenyList {
    pub sid: String,
    pub entries: Vec<String>,
}

/// The SCP documents for `lists`, in order, each within [`SCP_MAX_CHARS`]
/// minified: entries fill the current policy, a new service opens a new
/// statement, and a full policy starts the next one. A list split over several
/// statements gets `Part1`, `Part2`... appended to its Sid.
pub fn policies(lists: &[DenyList], exempt: &[String]) -> Result<Vec<Value>, GuardrailError> {
    let limit = SCP_MAX_CHARS;
    let base = minified_len(&document(Vec::new()));
    // Policies as (list index, entries) statements.
    let mut parts: Vec<Vec<(usize, Vec<String>)>> = Vec::new();
    let mut current: Vec<(usize, Vec<String>)> = Vec::new();
    let mut size = base;
    for (index, list) in lists.iter().enumerate() {
        let sid = format!("{}Part{MAX_PARTS}", list.sid);
        for entry in &list.entries {
            let continues = current.last().is_some_and(|(i, _)| *i == index);
            let added = if continues {
                json_len(entry) + 1
            } else {
                minified_len(&statement(&sid, std::slice::from_ref(entry), exempt))
                    + usize::from(!current.is_empty())
            };
            if size.saturating_add(added) <= limit {
                size += added;
                match current.last_mut() {
                    Some((_, entries)) if continues => entries.push(entry.clone()),
                    _ => current.push((index, vec![entry.clone()])),
                }
                continue;
            }
            let alone = minified_len(&statement(&sid, std::slice::from_ref(entry), exempt));
            if current.is_empty() || base.saturating_add(alone) > limit {
                return Err(GuardrailError::TooLarge {
                    what: format!("a policy with only `{entry}`"),
                    limit,
                });
            }
            parts.push(std::mem::take(&mut current));
            current.push((index, vec![entry.clone()]));
            size = base + alone;
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }

    let mut statements_of = vec![0usize; lists.len()];
    for part in &parts {
        for (index, _) in part {
            statements_of[*index] += 1;
        }
    }
    if statements_of.iter().any(|n| *n > MAX_PARTS) {
        return Err(GuardrailError::TooLarge {
            what: format!("a deny list split into more than {MAX_PARTS} statements"),
            limit,
        });
    }
    let mut seen = vec![0usize; lists.len()];
    let mut documents = Vec::new();
    for part in parts {
        let statements = part
            .into_iter()
            .map(|(index, entries)| {
                seen[index] += 1;
                let sid = if statements_of[index] > 1 {
                    format!("{}Part{}", lists[index].sid, seen[index])
                } else {
                    lists[index].sid.clone()
                };
                statement(&sid, &entries, exempt)
            })
            .collect();
        documents.push(document(statements));
    }
    if documents.iter().any(|d| minified_len(d) > limit) {
        return Err(GuardrailError::TooLarge {
            what: "a policy".to_string(),
            limit,
        });
    }
    Ok(documents)
}

/// The name of a service in a Sid (ASCII letters and digits only).
pub fn service_label(prefix: &str) -> String {
    match prefix {
        "s3" => "S3".to_string(),
        "s3express" => "S3Express".to_string(),
        "s3-object-lambda" => "S3ObjectLambda".to_string(),
        "iam" => "IAM".to_string(),
        "sts" => "STS".to_string(),
        "kms" => "KMS".to_string(),
        "ec2" => "EC2".to_string(),
        "cloudtrail" => "CloudTrail".to_string(),
        "organizations" => "Organizations".to_string(),
        other => camel(other.split(|c: char| !c.is_ascii_alphanumeric())),
    }
}

/// The name of a feature class in a Sid: its id without the `FC` marker and
/// the service it starts with (`FC-S3-WEBSITE` -> `Website`, `S3.FC16` ->
/// `FC16`, `FC-STS` -> empty).
pub fn class_label(id: &str, service: &str) -> String {
    let service_head = service
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default();
    let mut tokens: Vec<&str> = id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.first().is_some_and(|t| t.eq_ignore_ascii_case("FC")) {
        tokens.remove(0);
    }
    if tokens
        .first()
        .is_some_and(|t| t.eq_ignore_ascii_case(service_head))
    {
        tokens.remove(0);
    }
    camel(tokens.into_iter())
}

/// Words as one CamelCase name: all-letter words capitalized, others kept.
fn camel<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for word in words.filter(|w| !w.is_empty()) {
        if word.chars().all(|c| c.is_ascii_alphabetic()) {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            }
        } else {
            out.extend(word.chars().filter(char::is_ascii_alphanumeric));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compress_uses_only_exact_wildcards() {
        let website = [
            "s3:DeleteBucketWebsite",
            "s3:GetBucketWebsite",
            "s3:PutBucketWebsite",
        ];
        assert_eq!(compress(&website), website.map(String::from).to_vec());
        let torrent = ["s3:GetObjectTorrent", "s3:GetObjectVersionTorrent"];
        for entry in compress(&torrent) {
            for action in actions::expand(&entry) {
                assert!(torrent.contains(&action), "{entry} -> {action}");
            }
        }
    }

    #[test]
    fn labels_are_sid_safe() {
        assert_eq!(service_label("s3"), "S3");
        assert_eq!(service_label("s3-object-lambda"), "S3ObjectLambda");
        assert_eq!(service_label("access-analyzer"), "AccessAnalyzer");
        assert_eq!(class_label("FC-S3-WEBSITE", "s3"), "Website");
        assert_eq!(
            class_label("FC-S3-OBJECT-LAMBDA", "s3-object-lambda"),
            "ObjectLambda"
        );
        assert_eq!(class_label("FC-STS", "sts"), "");
        assert_eq!(class_label("FC-VPC-ENDPOINT", "ec2"), "VpcEndpoint");
        assert_eq!(class_label("S3.FC16", "s3"), "FC16");
        assert_eq!(class_label("my class (beta)", "s3"), "MyClassBeta");
    }

    #[test]
    fn several_exempt_roles_make_one_list() {
        let one = statement("S", &["s3:A".to_string()], &["arn:a".to_string()]);
        assert_eq!(
            one["Condition"],
            json!({"ArnNotLike": {"aws:PrincipalArn": "arn:a"}})
        );
        let two = statement(
            "S",
            &["s3:A".to_string()],
            &["arn:a".to_string(), "arn:b".to_string()],
        );
        assert_eq!(
            two["Condition"],
            json!({"ArnNotLike": {"aws:PrincipalArn": ["arn:a", "arn:b"]}})
        );
        assert!(statement("S", &[], &[]).get("Condition").is_none());
    }

    #[test]
    fn packing_is_exact_at_the_limit() {
        // Entries sized so that a policy fills up exactly: every document stays
        // within the quota and no part could take the next entry.
        let entries: Vec<String> = (0..400).map(|i| format!("s3:Action{i:05}")).collect();
        let lists = vec![
            DenyList {
                sid: "DenyS3Test".to_string(),
                entries: entries[..250].to_vec(),
            },
            DenyList {
                sid: "DenyKMSTest".to_string(),
                entries: entries[250..].to_vec(),
            },
        ];
        let documents = policies(&lists, &[]).unwrap();
        assert!(documents.len() >= 2);
        let mut written = Vec::new();
        for (n, document) in documents.iter().enumerate() {
            let len = minified_len(document);
            assert!(len <= SCP_MAX_CHARS, "{len}");
            if n + 1 < documents.len() {
                // Full: the next entry (or a new statement for it) would not fit.
                assert!(len + 100 > SCP_MAX_CHARS, "{len}");
            }
            for statement in document["Statement"].as_array().unwrap() {
                for action in statement["Action"].as_array().unwrap() {
                    written.push(action.as_str().unwrap().to_string());
                }
            }
        }
        assert_eq!(written, entries);
    }
}
