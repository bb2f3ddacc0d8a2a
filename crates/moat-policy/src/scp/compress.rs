//! Shortening a deny list with `service:Stem*` wildcards that match exactly
//! the denied actions, so that more of them fit in one SCP.

use crate::actions::{expand, leading_verb};
use std::collections::BTreeMap;

/// The shortest list of actions and `service:Stem*` wildcards that matches
/// exactly `actions` (known, canonical) under [`expand`]. A
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
        if cost < split_cost && expand(&pattern).len() == names.len() {
            return (cost, vec![pattern]);
        }
    }
    (split_cost, split)
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
            for action in expand(&entry) {
                assert!(torrent.contains(&action), "{entry} -> {action}");
            }
        }
    }
}
