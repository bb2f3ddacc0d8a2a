//! Context classes, one condition key at a time. Whether a condition holds
//! depends on its key's values only (and on policy variables, fixed by the
//! assignment at hand), so each key is treated apart:
//!
//! 1. single values: every combination of the key's conditions' value tests
//!    that one request value can produce (string tests by the product
//!    automaton, numbers and dates by the intervals of their bounds, IP
//!    addresses by the cells of their ranges);
//! 2. absent;
//! 3. several values, for keys a request can carry several values of (AWS's
//!    multivalued keys, and keys a policy reads with `ForAnyValue:` or
//!    `ForAllValues:`): the operators combine the per-value tests by "any" or
//!    "all", so the outcomes for a set of values are the closure of the single
//!    outcomes under union.
//!
//! Each class gives the statements whose conditions on the key all hold.

use super::bits::Bits;
use super::glob::{Matcher, Mode, Shape, solve};
use super::project::Stmt;
use super::values::{UNTYPED, addresses, dates, epochs, numbers};
use crate::condition::holds;
use crate::document::{Condition, OperatorFamily as F};
use crate::matching::{Token, tokens};
use crate::request::Context;
use crate::values::{IpRange, date_millis, number};
use crate::variables::{expand, expand_text, pieces};
use std::collections::{BTreeSet, HashMap};

/// The conditions on one key: (statement index, condition, whether the
/// statement's policy expands variables).
pub(crate) struct KeyConditions<'a> {
    /// The key as first written.
    pub key: String,
    pub conditions: Vec<(usize, &'a Condition, bool)>,
}

/// One class of values for a key: `None` is absent.
pub(crate) struct KeyClass {
    pub values: Option<Vec<String>>,
    pub bits: Bits,
}

pub(crate) struct KeyClasses {
    pub key: String,
    pub classes: Vec<KeyClass>,
}

/// Why a key's classes may be incomplete.
#[derive(Default)]
pub(crate) struct KeyNotes {
    /// Assumptions (the answer holds under them).
    pub assumed: Vec<String>,
    /// Limits hit (the answer is undecided unless a witness is found).
    pub stopped: Vec<String>,
}

/// The conditions of every statement, by key (case-insensitive), leaving out
/// the keys in `skip` (policy variables, handled by assignment).
pub(crate) fn by_key<'a>(stmts: &[Stmt<'a>], skip: &BTreeSet<String>) -> Vec<KeyConditions<'a>> {
    let mut out: Vec<KeyConditions<'a>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, s) in stmts.iter().enumerate() {
        let variables = s.policy.expands_variables();
        for c in &s.statement.conditions {
            let lower = c.key.value.to_ascii_lowercase();
            if skip.contains(&lower) {
                continue;
            }
            let at = *index.entry(lower).or_insert_with(|| {
                out.push(KeyConditions {
                    key: c.key.value.clone(),
                    conditions: Vec::new(),
                });
                out.len() - 1
            });
            out[at].conditions.push((i, c, variables));
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Domain {
    Text,
    Number,
    Date,
    Address,
    Presence,
}

fn domain(family: F) -> Domain {
    match family.positive() {
        F::NumericEquals
        | F::NumericLessThan
        | F::NumericLessThanEquals
        | F::NumericGreaterThan
        | F::NumericGreaterThanEquals => Domain::Number,
        F::DateEquals
        | F::DateLessThan
        | F::DateLessThanEquals
        | F::DateGreaterThan
        | F::DateGreaterThanEquals => Domain::Date,
        F::IpAddress => Domain::Address,
        F::Null => Domain::Presence,
        _ => Domain::Text,
    }
}

/// The pattern a string-compared policy value stands for, as `compare` in
/// `condition` reads it (`None`: the value can match nothing).
fn text_matcher(family: F, value: &str, context: &Context, variables: bool) -> Option<Matcher> {
    let literal =
        |text: String, mode: Mode| Matcher::new(text.chars().map(Token::Char).collect(), mode);
    let exact = || match pieces(value).filter(|_| variables && family.takes_variables()) {
        Some(p) => expand_text(&p, context),
        None => Some(value.to_string()),
    };
    let like = || match pieces(value).filter(|_| variables) {
        Some(p) => expand(&p, context, true),
        None => Some(tokens(value)),
    };
    match family {
        F::StringEquals => exact().map(|t| literal(t, Mode::Glob)),
        F::StringEqualsIgnoreCase => exact().map(|t| literal(t, Mode::Fold)),
        F::BinaryEquals => Some(literal(value.to_string(), Mode::Glob)),
        F::Bool => (value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false"))
            .then(|| literal(value.to_string(), Mode::Fold)),
        F::StringLike => like().map(|t| Matcher::new(t, Mode::Glob)),
        F::ArnEquals | F::ArnLike => like().map(|t| Matcher::new(t, Mode::Arn)),
        _ => None,
    }
}

/// A pattern's text with each wildcard replaced by `x`.
fn fill(tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|t| match t {
            Token::Char(c) => *c,
            Token::AnyRun | Token::AnyOne => 'x',
        })
        .collect()
}

/// Values worth trying for one key: together they meet every outcome of the
/// key's conditions that a single value can have.
fn candidates(
    conditions: &KeyConditions,
    context: &Context,
    max_states: usize,
    notes: &mut KeyNotes,
) -> Vec<String> {
    let mut out = vec![UNTYPED.to_string()];
    let mut matchers = Vec::new();
    let mut bounds = Vec::new();
    let mut instants = Vec::new();
    let mut ranges = Vec::new();
    let mut domains = BTreeSet::new();
    for (_, c, variables) in &conditions.conditions {
        let family = c.operator.value.family.positive();
        let d = domain(family);
        if d != Domain::Presence {
            domains.insert(d);
        }
        for v in &c.values {
            let value = v.value.as_str();
            match d {
                Domain::Text => {
                    if let Some(m) = text_matcher(family, value, context, *variables) {
                        // The value with its wildcards filled in reads best.
                        if m.mode != Mode::Fold {
                            out.push(fill(&m.tokens));
                        }
                        matchers.push(m);
                    }
                    out.push(value.to_string());
                }
                Domain::Number => bounds.extend(number(value)),
                Domain::Date => instants.extend(date_millis(value)),
                Domain::Address => ranges.extend(IpRange::parse(value)),
                Domain::Presence => {}
            }
        }
    }
    // Numbers and dates mix exactly (see `values::epochs`); any other mix
    // is covered by each kind's values apart.
    let exact_mix = domains
        .iter()
        .all(|d| matches!(d, Domain::Number | Domain::Date));
    if domains.len() > 1 && !exact_mix {
        notes.assumed.push(format!(
            "`{}` is compared as {}: values are built for each kind of comparison apart, not for their mix",
            conditions.key,
            domains
                .iter()
                .map(|d| format!("{d:?}").to_lowercase())
                .collect::<Vec<_>>()
                .join(" and ")
        ));
    }
    if !matchers.is_empty() {
        let solution = solve(&matchers, Shape::Any, max_states);
        if !solution.complete {
            notes.stopped.push(format!(
                "the string patterns of `{}` need more than {max_states} automaton states",
                conditions.key
            ));
        }
        out.extend(solution.vectors.into_iter().map(|(_, w)| w));
    }
    if !numbers(&bounds, &mut out) {
        notes.assumed.push(format!(
            "`{}`: a number between two bounds cannot be written exactly",
            conditions.key
        ));
    }
    if domains.contains(&Domain::Number) && domains.contains(&Domain::Date) {
        epochs(&bounds, &instants, &mut out);
    }
    if !dates(&instants, &mut out) {
        notes.assumed.push(format!(
            "`{}`: a date next to a bound is outside years 0-9999",
            conditions.key
        ));
    }
    addresses(&ranges, &mut out);
    out
}

/// Whether each condition on the key holds, for the key's `values` (absent
/// when `None`) on top of `context`.
fn outcome(conditions: &KeyConditions, context: &Context, values: Option<&[String]>) -> Vec<bool> {
    let mut ctx = context.clone();
    if let Some(values) = values {
        ctx.insert(&conditions.key, values.to_vec(), values.len() > 1);
    }
    conditions
        .conditions
        .iter()
        .map(|(_, c, variables)| holds(c, &ctx, *variables))
        .collect()
}

/// Multivalued keys the action data may not know (services it does not cover).
const MULTIVALUED: &[&str] = &[
    "aws:TagKeys",
    "aws:PrincipalOrgPaths",
    "aws:ResourceOrgPaths",
    "aws:SourceOrgPaths",
    "aws:CalledVia",
    "aws:PrincipalServiceNamesList",
];

/// Whether requests may carry several values of the key: a key the action
/// data types as a list (`ArrayOfString`...), a known multivalued global key,
/// or one a policy reads with `ForAnyValue:`/`ForAllValues:`.
fn multivalued(conditions: &KeyConditions) -> bool {
    crate::actions::condition_key(&conditions.key).is_some_and(|k| k.multivalued)
        || MULTIVALUED
            .iter()
            .any(|k| k.eq_ignore_ascii_case(&conditions.key))
        || conditions
            .conditions
            .iter()
            .any(|(_, c, _)| c.operator.value.qualifier.is_some())
}

/// The most value sets tried for one key before giving up.
const MAX_SETS: usize = 4096;

/// The classes of `conditions`' key over `statements` statements, under the
/// variable values in `context`.
pub(crate) fn classes(
    conditions: &KeyConditions,
    statements: usize,
    context: &Context,
    max_states: usize,
    notes: &mut KeyNotes,
) -> KeyClasses {
    let mut seen: HashMap<Vec<bool>, ()> = HashMap::new();
    let mut sets: Vec<(Option<Vec<String>>, Vec<bool>)> = Vec::new();
    let absent = outcome(conditions, context, None);
    seen.insert(absent.clone(), ());
    sets.push((None, absent));
    let mut singles: Vec<(Vec<String>, Vec<bool>)> = Vec::new();
    let mut single_seen: HashMap<Vec<bool>, ()> = HashMap::new();
    for value in candidates(conditions, context, max_states, notes) {
        let values = vec![value];
        let o = outcome(conditions, context, Some(&values));
        if single_seen.insert(o.clone(), ()).is_none() {
            singles.push((values, o));
        }
    }
    // Closure under union: sets of values, each new outcome kept once (only
    // for keys a request can carry several values of).
    let mut present: Vec<(Vec<String>, Vec<bool>)> = singles.clone();
    let mut present_seen = single_seen;
    let mut i = if multivalued(conditions) {
        0
    } else {
        present.len()
    };
    while i < present.len() {
        for (one, _) in &singles {
            if present[i].0.contains(&one[0]) {
                continue;
            }
            let mut union = present[i].0.clone();
            union.push(one[0].clone());
            let o = outcome(conditions, context, Some(&union));
            if present_seen.insert(o.clone(), ()).is_none() {
                present.push((union, o));
                if present.len() > MAX_SETS {
                    notes.stopped.push(format!(
                        "`{}` has more than {MAX_SETS} outcomes for sets of values",
                        conditions.key
                    ));
                    i = present.len();
                    break;
                }
            }
        }
        i += 1;
    }
    for (values, o) in present {
        if seen.insert(o.clone(), ()).is_none() {
            sets.push((Some(values), o));
        }
    }
    // Statements with a condition on the key apply when all of them hold.
    let mut out: Vec<KeyClass> = Vec::new();
    let mut distinct = HashMap::new();
    for (values, o) in sets {
        let mut bits = Bits::ones(statements);
        for ((stmt, _, _), holds) in conditions.conditions.iter().zip(&o) {
            if !holds {
                bits.set(*stmt, false);
            }
        }
        if distinct.insert(bits.clone(), ()).is_none() {
            out.push(KeyClass { values, bits });
        }
    }
    KeyClasses {
        key: conditions.key.clone(),
        classes: out,
    }
}
