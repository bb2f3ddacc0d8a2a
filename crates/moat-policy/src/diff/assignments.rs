//! Policy variables (`${aws:username}` in a `Resource` or a condition value)
//! tie the resource and the context together, which the independent classes
//! cannot express. The search fixes the variables' keys first, to each of a
//! few values: absent, a value no policy names, each literal piece of the
//! policies' resources and string values (what makes a variable equal to a
//! piece of another pattern), the defaults written in the policies, and the
//! key's own condition values. Under each assignment the rest is exact;
//! across assignments it is not, so an answer without a witness is
//! "assumed" when variables are in play.

use super::project::Stmt;
use crate::request::Context;
use crate::variables::{Piece, pieces};
use std::collections::BTreeSet;

/// A key some policy reads as a variable.
pub(crate) struct VariableKey {
    pub lower: String,
    pub key: String,
    pub values: Vec<Option<String>>,
}

/// Most values tried per key, and assignments in all.
const PER_KEY: usize = 24;
const MAX_ASSIGNMENTS: usize = 512;

/// Every value text that the evaluator expands variables in.
fn expanding_texts<'a>(stmts: &'a [Stmt<'a>]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for s in stmts {
        if !s.policy.expands_variables() {
            continue;
        }
        if let Some(r) = &s.statement.resource {
            out.extend(r.patterns.iter().map(|p| p.value.as_str()));
        }
        for c in &s.statement.conditions {
            if c.operator.value.family.takes_variables() {
                out.extend(c.values.iter().map(|v| v.value.as_str()));
            }
        }
    }
    out
}

/// The literal pieces of every resource and string value.
fn pieces_of_texts(stmts: &[Stmt]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for s in stmts {
        let mut texts: Vec<&str> = Vec::new();
        if let Some(r) = &s.statement.resource {
            texts.extend(r.patterns.iter().map(|p| p.value.as_str()));
        }
        for c in &s.statement.conditions {
            texts.extend(c.values.iter().map(|v| v.value.as_str()));
        }
        for text in texts {
            let literal: String = match pieces(text) {
                Some(ps) => ps
                    .iter()
                    .map(|p| match p {
                        Piece::Text(t) => t.to_string(),
                        _ => "/".to_string(),
                    })
                    .collect(),
                None => text.to_string(),
            };
            for part in literal.split(['/', ':', '*', '?']) {
                if !part.is_empty() {
                    out.insert(part.to_string());
                }
            }
        }
    }
    out.into_iter().collect()
}

/// The variable keys, each with the values to try.
pub(crate) fn variable_keys(stmts: &[Stmt]) -> Vec<VariableKey> {
    let mut keys: Vec<VariableKey> = Vec::new();
    for text in expanding_texts(stmts) {
        for piece in pieces(text).unwrap_or_default() {
            let Piece::Variable { key, default } = piece else {
                continue;
            };
            let lower = key.to_ascii_lowercase();
            let at = match keys.iter().position(|k| k.lower == lower) {
                Some(at) => at,
                None => {
                    keys.push(VariableKey {
                        lower,
                        key: key.to_string(),
                        values: vec![None, Some("moat-value".into())],
                    });
                    keys.len() - 1
                }
            };
            if let Some(d) = default
                && !keys[at].values.contains(&Some(d.to_string()))
            {
                keys[at].values.push(Some(d.to_string()));
            }
        }
    }
    if keys.is_empty() {
        return keys;
    }
    let shared = pieces_of_texts(stmts);
    for k in &mut keys {
        for s in stmts {
            for c in &s.statement.conditions {
                if c.key.value.eq_ignore_ascii_case(&k.key) {
                    for v in &c.values {
                        for value in [
                            v.value.clone(),
                            v.value.replace('*', ""),
                            v.value.replace('*', "x"),
                        ] {
                            if !k.values.contains(&Some(value.clone())) {
                                k.values.push(Some(value));
                            }
                        }
                    }
                }
            }
        }
        for piece in &shared {
            if !k.values.contains(&Some(piece.clone())) {
                k.values.push(Some(piece.clone()));
            }
        }
    }
    // Keep the product small: the first values of each key.
    let mut per_key = PER_KEY;
    while per_key > 2
        && keys
            .iter()
            .map(|k| k.values.len().min(per_key))
            .product::<usize>()
            > MAX_ASSIGNMENTS
    {
        per_key -= 1;
    }
    for k in &mut keys {
        k.values.truncate(per_key);
    }
    keys
}

/// Every combination of the keys' values, as contexts (at most
/// [`MAX_ASSIGNMENTS`] times 8; the second value is whether all are there).
pub(crate) fn assignments(keys: &[VariableKey]) -> (Vec<Context>, bool) {
    let mut out = vec![Context::default()];
    let mut all = true;
    for k in keys {
        let mut next = Vec::new();
        for ctx in &out {
            for v in &k.values {
                if next.len() >= MAX_ASSIGNMENTS * 8 {
                    all = false;
                    break;
                }
                let mut c = ctx.clone();
                if let Some(v) = v {
                    c.insert(&k.key, vec![v.clone()], false);
                }
                next.push(c);
            }
        }
        out = next;
    }
    (out, all)
}
