//! Resource classes: every combination of the `Resource`/`NotResource`
//! patterns of both policies (with policy variables replaced by their values
//! in the assignment at hand) that one string can match, found by the
//! product automaton with ARN part rules; a readable candidate (a pattern
//! with its wildcards filled in) represents a class where one fits.

use super::bits::Bits;
use super::glob::{Matcher, Mode, Shape, solve};
use super::project::{Stmt, bits_of, nobody, probe};
use crate::matching::{Token, tokens};
use crate::request::Context;
use crate::variables::{expand, pieces};
use std::collections::{HashMap, HashSet};

pub(crate) struct ResourceClass {
    pub resource: String,
    pub bits: Bits,
}

pub(crate) struct Resources {
    pub classes: Vec<ResourceClass>,
    pub complete: bool,
}

/// A pattern's tokens as written (`*` a wildcard, `\*` a literal star).
fn key(tokens: &[Token]) -> String {
    tokens
        .iter()
        .flat_map(|t| match t {
            Token::AnyRun => vec!['*'],
            Token::AnyOne => vec!['?'],
            Token::Char(c @ ('*' | '?' | '\\')) => vec!['\\', *c],
            Token::Char(c) => vec![*c],
        })
        .collect()
}

/// The text with each `*` replaced by `run` and each `?` by `one`.
fn fill(tokens: &[Token], run: &str, one: char) -> String {
    let mut out = String::new();
    for t in tokens {
        match t {
            Token::AnyRun => out.push_str(run),
            Token::AnyOne => out.push(one),
            Token::Char(c) => out.push(*c),
        }
    }
    out
}

/// The classes of resources matching any of `restrict` (any when empty),
/// under the variable values in `context`.
pub(crate) fn classes(
    stmts: &[Stmt],
    context: &Context,
    restrict: &[String],
    max_states: usize,
) -> Resources {
    let mut patterns: Vec<Vec<Token>> = Vec::new();
    let mut seen = HashSet::new();
    for s in stmts {
        let Some(resource) = &s.statement.resource else {
            continue;
        };
        let variables = s.policy.expands_variables();
        for p in &resource.patterns {
            let t = match pieces(&p.value).filter(|_| variables) {
                Some(pieces) => match expand(&pieces, context, true) {
                    Some(t) => t,
                    // A variable without a value: the pattern matches nothing.
                    None => continue,
                },
                None => tokens(&p.value),
            };
            if seen.insert(key(&t)) {
                patterns.push(t);
            }
        }
    }
    let restrict_from = patterns.len();
    patterns.extend(restrict.iter().map(|r| tokens(r)));
    let matchers: Vec<Matcher> = patterns
        .iter()
        .map(|t| Matcher::new(t.clone(), Mode::Arn))
        .collect();
    let solution = solve(&matchers, Shape::Any, max_states);
    let mut complete = solution.complete;
    let wanted = |v: &[bool]| restrict.is_empty() || v[restrict_from..].iter().any(|b| *b);

    // Readable strings first: an object and a bucket no pattern names, then
    // each pattern with its wildcards filled in.
    let mut candidates: Vec<String> = vec![
        "arn:aws:s3:::moat-bucket/moat-key".into(),
        "arn:aws:s3:::moat-bucket".into(),
    ];
    for t in &patterns {
        candidates.push(fill(t, "x", 'x'));
    }
    for t in &patterns {
        candidates.push(fill(t, "", 'x'));
    }
    candidates.push("*".into());
    let mut by_vector: HashMap<Vec<bool>, String> = HashMap::new();
    for c in candidates {
        let vector: Vec<bool> = matchers.iter().map(|m| m.matches(&c)).collect();
        by_vector.entry(vector).or_insert(c);
    }
    let found: HashSet<&Vec<bool>> = solution.vectors.iter().map(|(v, _)| v).collect();
    if by_vector.keys().any(|v| !found.contains(v)) {
        complete = false;
    }

    let mut out = Vec::new();
    let mut distinct = HashSet::new();
    for (vector, witness) in &solution.vectors {
        if !wanted(vector) {
            continue;
        }
        let resource = by_vector.get(vector).unwrap_or(witness).clone();
        let request = probe(nobody(), "moat:Probe", &resource, context.clone());
        let bits = bits_of(stmts, &request, false, |s| &s.resource);
        if distinct.insert(bits.clone()) {
            out.push(ResourceClass { resource, bits });
        }
    }
    Resources {
        classes: out,
        complete,
    }
}
