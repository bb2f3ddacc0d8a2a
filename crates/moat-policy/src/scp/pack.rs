//! Splitting deny lists over statements and documents that each stay within
//! a size limit: the SCP quota for policies, any limit for other documents
//! (the guardrails' EventBridge patterns use [`pack`] too).

use super::document::{document, json_len, minified_len, statement};
use super::{SCP_MAX_CHARS, ScpError};
use serde_json::Value;

/// The most statements one service's deny list may be split into; Sids are
/// sized for a `Part999` suffix, so the names chosen after splitting never push
/// a policy over the quota.
pub const MAX_PARTS: usize = 999;

/// Splits `entries` greedily, in order, into groups whose document, built by
/// `build`, stays within `limit` characters minified.
pub fn pack(
    entries: &[String],
    limit: usize,
    what: &str,
    build: impl Fn(&[String]) -> Value,
) -> Result<Vec<Vec<String>>, ScpError> {
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
            return Err(ScpError::TooLarge {
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
pub fn policies(lists: &[DenyList], exempt: &[String]) -> Result<Vec<Value>, ScpError> {
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
                return Err(ScpError::TooLarge {
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
        return Err(ScpError::TooLarge {
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
        return Err(ScpError::TooLarge {
            what: "a policy".to_string(),
            limit,
        });
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;

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
