//! Action classes: every combination of the action patterns of both
//! policies that an action can match, found by the product automaton over
//! all strings shaped `service:Name` (so actions missing from the IAM list,
//! such as ones AWS adds later, are covered), represented by a real action
//! from the list where one has that combination. `kms:*`,
//! `sts:AssumeRole*` and `sts:AssumeRole` take part because the evaluator
//! treats them apart.

use super::bits::Bits;
use super::glob::{Matcher, Mode, Shape, solve};
use super::kind::{SPECIAL_PATTERNS, special};
use super::project::{Stmt, bits_of, nobody, probe};
use crate::matching::tokens;
use crate::request::Context;
use std::collections::{HashMap, HashSet};

pub(crate) struct ActionClass {
    pub action: String,
    /// Whether the action is in the IAM action list.
    pub known: bool,
    /// How the evaluator treats the action apart (`kind::special`).
    pub special: u8,
    pub bits: Bits,
}

pub(crate) struct Actions {
    pub classes: Vec<ActionClass>,
    pub complete: bool,
}

/// The classes of actions matching any of `restrict` (every action when empty).
pub(crate) fn classes(
    stmts: &[Stmt],
    known: &[String],
    restrict: &[String],
    max_states: usize,
) -> Actions {
    let mut texts: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |text: &str, texts: &mut Vec<String>| {
        if seen.insert(text.to_lowercase()) {
            texts.push(text.to_string());
        }
    };
    for s in stmts {
        for p in &s.statement.action.patterns {
            add(&p.value, &mut texts);
        }
    }
    for special in SPECIAL_PATTERNS {
        add(special, &mut texts);
    }
    let restrict_from = texts.len();
    let matchers: Vec<Matcher> = texts
        .iter()
        .map(|t| Matcher::new(tokens(t), Mode::Action(t.clone())))
        .chain(
            restrict
                .iter()
                .map(|t| Matcher::new(tokens(t), Mode::Action(t.clone()))),
        )
        .collect();
    let solution = solve(&matchers, Shape::Action, max_states);
    let mut complete = solution.complete;
    let wanted = |v: &[bool]| restrict.is_empty() || v[restrict_from..].iter().any(|b| *b);

    // Real actions first, in the list's order; the search fills the rest.
    let mut reps: Vec<(String, bool)> = Vec::new();
    let mut by_vector: HashMap<Vec<bool>, usize> = HashMap::new();
    for action in known {
        let vector: Vec<bool> = matchers.iter().map(|m| m.matches(action)).collect();
        if let std::collections::hash_map::Entry::Vacant(e) = by_vector.entry(vector) {
            e.insert(reps.len());
            reps.push((action.clone(), true));
        }
    }
    let found: HashSet<&Vec<bool>> = solution.vectors.iter().map(|(v, _)| v).collect();
    if by_vector.keys().any(|v| !found.contains(v)) {
        // A real action realises a vector the search missed: never trust it.
        complete = false;
    }
    let mut chosen: Vec<(String, bool)> = Vec::new();
    for (vector, witness) in &solution.vectors {
        if !wanted(vector) {
            continue;
        }
        chosen.push(match by_vector.get(vector) {
            Some(&i) => reps[i].clone(),
            None => (witness.clone(), false),
        });
    }
    chosen.sort_by_key(|(_, known)| !*known);

    let mut out = Vec::new();
    let mut distinct = HashSet::new();
    for (action, known) in chosen {
        let request = probe(nobody(), &action, "*", Context::default());
        let bits = bits_of(stmts, &request, false, |s| &s.action);
        let special = special(&action);
        if distinct.insert((bits.clone(), special)) {
            out.push(ActionClass {
                action,
                known,
                special,
                bits,
            });
        }
    }
    Actions {
        classes: out,
        complete,
    }
}
