//! Which catalog controls need an action the guardrails deny.
//!
//! A control's `actions` mixes what it needs, what it denies and what it alerts
//! on. A listed action counts as needed unless the control's own snippets say
//! otherwise:
//! - it denies the action: every place a CloudFormation, Terraform or CDK
//!   snippet names it literally sits in a statement whose `Effect` is `Deny`
//!   (the guardrail then agrees with the control);
//! - it only watches the action: a snippet holds an EventBridge pattern on
//!   CloudTrail API calls, and the control names the action's API operation.
//!   CloudTrail records calls an SCP denies too, so the alert keeps working.
//!
//! Directive controls give guidance and apply nothing, so they need nothing.

use super::DETAIL_TYPE;
use super::events::operations_of;
use crate::{Catalog, Control, ControlType};
use moat_policy::actions;
use std::collections::{BTreeMap, BTreeSet};

/// `action -> ids of the controls that need it`, for the `denied` actions
/// (canonical), in control order of the catalog.
pub fn controls_needing(
    catalog: &Catalog,
    denied: &BTreeSet<&'static str>,
) -> BTreeMap<&'static str, Vec<String>> {
    let mut out: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for control in &catalog.controls {
        if control.kind == ControlType::Directive {
            continue;
        }
        let snippets = snippets(control);
        let alerts = snippets
            .iter()
            .any(|s| s.contains(&DETAIL_TYPE.to_ascii_lowercase()));
        let mut listed: BTreeSet<&'static str> = BTreeSet::new();
        for action in &control.actions {
            let Some(action) = actions::canonical(action.trim()) else {
                continue;
            };
            if !denied.contains(action) || !listed.insert(action) {
                continue;
            }
            if denies(&snippets, action) || (alerts && watches(control, &snippets, action)) {
                continue;
            }
            out.entry(action).or_default().push(control.id.clone());
        }
    }
    out
}

/// The control's IaC snippets, lowercased (IAM compares actions in any case).
fn snippets(control: &Control) -> Vec<String> {
    let implementation = &control.implementation;
    [
        &implementation.cloudformation,
        &implementation.terraform,
        &implementation.cdk,
    ]
    .into_iter()
    .flatten()
    .map(|s| s.to_ascii_lowercase())
    .collect()
}

/// Whether every literal mention of `action` in the snippets is in a `Deny`
/// statement (and there is at least one).
fn denies(snippets: &[String], action: &str) -> bool {
    let needle = action.to_ascii_lowercase();
    let mut any = false;
    for text in snippets {
        let effects = effects(text);
        for at in mentions(text, &needle, |c| {
            c.is_ascii_alphanumeric() || matches!(c, ':' | '*' | '-' | '_')
        }) {
            any = true;
            // The statement's Effect: the nearest one before the mention, or,
            // when the snippet declares the action list first (CDK), after it.
            let before = effects.iter().rev().find(|(pos, _)| *pos < at);
            let after = effects.iter().find(|(pos, _)| *pos > at);
            match before.or(after) {
                Some((_, true)) => {}
                _ => return false,
            }
        }
    }
    any
}

/// Whether the control names one of the action's API operations (or the action
/// name itself) as a whole word in its snippets or description.
fn watches(control: &Control, snippets: &[String], action: &str) -> bool {
    let description = control.implementation.description.to_ascii_lowercase();
    let name = action.split_once(':').map_or(action, |(_, name)| name);
    let mut words = operations_of(action);
    words.push(name);
    words.iter().any(|word| {
        let word = word.to_ascii_lowercase();
        snippets
            .iter()
            .chain(std::iter::once(&description))
            .any(|text| {
                mentions(text, &word, |c| c.is_ascii_alphanumeric())
                    .next()
                    .is_some()
            })
    })
}

/// Where `needle` occurs in `text` with no `part_of_word` character on either side.
fn mentions<'a>(
    text: &'a str,
    needle: &'a str,
    part_of_word: fn(char) -> bool,
) -> impl Iterator<Item = usize> + 'a {
    text.match_indices(needle).filter_map(move |(at, _)| {
        let before = text.get(..at).and_then(|s| s.chars().next_back());
        let after = text.get(at + needle.len()..).and_then(|s| s.chars().next());
        let bounded = !before.is_some_and(part_of_word) && !after.is_some_and(part_of_word);
        bounded.then_some(at)
    })
}

/// The `Effect` values of a lowercased snippet, `(position, is deny)`: the
/// word `effect` followed, after punctuation or `iam.effect.`, by `allow` or
/// `deny` (YAML, HCL, JSON and CDK spellings).
fn effects(text: &str) -> Vec<(usize, bool)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("effect") {
        let rest = text.get(at + "effect".len()..).unwrap_or_default();
        let value = rest.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
        if value.starts_with("deny") {
            out.push((at, true));
        } else if value.starts_with("allow") {
            out.push((at, false));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_in_every_snippet_language() {
        for (text, deny) in [
            ("effect: deny", true),
            ("effect = \"deny\"", true),
            ("\"effect\":\"allow\"", false),
            ("effect: iam.effect.deny,", true),
        ] {
            let found = effects(text);
            assert_eq!(found.last().map(|(_, d)| *d), Some(deny), "{text}");
        }
        assert!(effects("sideeffects: none").is_empty());
    }

    #[test]
    fn deny_statements_are_told_from_allow_statements() {
        let scp =
            "statement:\n  - effect: deny\n    action:\n      - s3:putbucketwebsite\n".to_string();
        assert!(denies(std::slice::from_ref(&scp), "s3:PutBucketWebsite"));
        let mixed =
            "- effect: allow\n  action: kms:decrypt\n- effect: deny\n  action: kms:decrypt\n"
                .to_string();
        assert!(!denies(std::slice::from_ref(&mixed), "kms:Decrypt"));
        // Declared before the statement (CDK): the Effect after it counts.
        let cdk = "const actions = ['s3:putbucketabac'];\nnew iam.policystatement({ effect: iam.effect.deny, actions })".to_string();
        assert!(denies(std::slice::from_ref(&cdk), "s3:PutBucketAbac"));
        // Not named, or named only as part of a longer action: not denied.
        let other = "effect: deny\naction: s3:putbucketwebsitex\n".to_string();
        assert!(!denies(std::slice::from_ref(&other), "s3:PutBucketWebsite"));
        assert!(!denies(&[], "s3:PutBucketWebsite"));
    }
}
