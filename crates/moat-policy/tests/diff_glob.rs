//! The product-automaton search finds every match vector: for random
//! patterns, every vector that some short string realises (all strings up to
//! a length over an alphabet covering the patterns' characters and one
//! more) is among the vectors the search reports, and every reported witness
//! realises its vector by the evaluator's own matching.

#![allow(clippy::unwrap_used)]

use moat_policy::diff::glob::{Matcher, Mode, Shape, solve};
use moat_policy::matching::tokens;
use proptest::prelude::*;
use std::collections::HashSet;

/// Every string over `alphabet` of length at most `max`.
fn strings(alphabet: &[char], max: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut last = vec![String::new()];
    for _ in 0..max {
        let mut next = Vec::new();
        for s in &last {
            for c in alphabet {
                let mut t = s.clone();
                t.push(*c);
                next.push(t);
            }
        }
        out.extend(next.iter().cloned());
        last = next;
    }
    out
}

fn check(patterns: &[String], mode: &Mode, alphabet: &[char], max: usize) {
    let modes = vec![mode.clone(); patterns.len()];
    check_modes(patterns, &modes, alphabet, max);
}

fn check_modes(patterns: &[String], modes: &[Mode], alphabet: &[char], max: usize) {
    let mode = modes;
    let matchers: Vec<Matcher> = patterns
        .iter()
        .zip(modes)
        .map(|(p, mode)| {
            let mode = match mode {
                Mode::Action(_) => Mode::Action(p.clone()),
                other => other.clone(),
            };
            Matcher::new(tokens(p), mode)
        })
        .collect();
    let solution = solve(&matchers, Shape::Any, 100_000);
    assert!(solution.complete, "{patterns:?}");
    let found: HashSet<Vec<bool>> = solution.vectors.iter().map(|(v, _)| v.clone()).collect();
    for (vector, witness) in &solution.vectors {
        let real: Vec<bool> = matchers.iter().map(|m| m.matches(witness)).collect();
        assert_eq!(&real, vector, "{patterns:?}: witness {witness:?}");
    }
    for s in strings(alphabet, max) {
        let vector: Vec<bool> = matchers.iter().map(|m| m.matches(&s)).collect();
        assert!(
            found.contains(&vector),
            "{patterns:?} ({mode:?}): {s:?} realises {vector:?}, which the search missed"
        );
    }
}

fn glob_pattern() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop::sample::select(vec!['a', 'b', ':', '*', '?']), 0..6)
        .prop_map(|cs| cs.into_iter().collect())
}

fn fold_pattern() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop::sample::select(vec!['a', 'A', 'b', '*', '?']), 0..5)
        .prop_map(|cs| cs.into_iter().collect())
}

/// ARN-like: six parts (so the part rule applies), or fewer.
fn arn_pattern() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop::sample::select(vec!["", "a", "*", "a*", "?", "*a"]),
        1..8,
    )
    .prop_map(|parts| parts.join(":"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn case_sensitive_globs(patterns in proptest::collection::vec(glob_pattern(), 1..4)) {
        check(&patterns, &Mode::Glob, &['a', 'b', ':', 'c'], 6);
    }

    #[test]
    fn case_insensitive_globs(patterns in proptest::collection::vec(fold_pattern(), 1..4)) {
        check(&patterns, &Mode::Fold, &['a', 'A', 'b', 'c'], 6);
    }

    #[test]
    fn mixed_case_rules(
        patterns in proptest::collection::vec((fold_pattern(), any::<bool>()), 1..4),
    ) {
        let (texts, folds): (Vec<String>, Vec<bool>) = patterns.into_iter().unzip();
        let modes: Vec<Mode> = folds.into_iter().map(|f| if f { Mode::Fold } else { Mode::Glob }).collect();
        check_modes(&texts, &modes, &['a', 'A', 'b', 'c'], 5);
    }

    #[test]
    fn action_patterns(patterns in proptest::collection::vec(fold_pattern(), 1..4)) {
        let patterns: Vec<String> = patterns.into_iter().map(|p| format!("s:{p}")).collect();
        check(&patterns, &Mode::Action(String::new()), &['s', ':', 'a', 'A', 'b'], 6);
    }

    #[test]
    fn arn_patterns(patterns in proptest::collection::vec(arn_pattern(), 1..4)) {
        check(&patterns, &Mode::Arn, &['a', ':', 'b'], 9);
    }
}

#[test]
fn the_patterns_of_the_case_table_are_covered() {
    // Resource patterns with the ARN rule, over their own characters.
    let patterns: Vec<String> = [
        "a:b:c:::x/*",
        "a:b:c:::x/*/y",
        "a:b:c:::x*",
        "a:b:c:::x/a*",
        "*",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let solution = solve(
        &patterns
            .iter()
            .map(|p| Matcher::new(tokens(p), Mode::Arn))
            .collect::<Vec<_>>(),
        Shape::Any,
        100_000,
    );
    assert!(solution.complete);
    // x/* and x/*/y and x* and x/a* and * : the realisable vectors.
    let found: HashSet<Vec<bool>> = solution.vectors.into_iter().map(|(v, _)| v).collect();
    for want in [
        vec![false, false, false, false, true], // another resource
        vec![false, false, true, false, true],  // a:b:c:::x, a:b:c:::xz
        vec![true, false, true, false, true],   // x/
        vec![true, true, true, false, true],    // x//y
        vec![true, false, true, true, true],    // x/a
        vec![true, true, true, true, true],     // x/a/y
    ] {
        assert!(found.contains(&want), "{want:?}");
    }
    assert_eq!(found.len(), 6);
}

/// `service:Name`, as IAM actions are written.
fn action_shaped(text: &str) -> bool {
    text.split_once(':').is_some_and(|(service, name)| {
        !service.is_empty()
            && !name.is_empty()
            && service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
            && name.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// For the resource and action patterns of every OLD/NEW pair of the case
/// table: strings built from the patterns' own pieces (each wildcard left
/// out, filled with a fresh character, or filled with another pattern's
/// text) realise no match vector the search missed.
#[test]
fn the_case_table_patterns_lose_no_vector() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff-cases");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let cases: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for case in cases.as_array().unwrap() {
            for (element, mode) in [
                ("Resource", Mode::Arn),
                ("NotResource", Mode::Arn),
                ("Action", Mode::Fold),
            ] {
                let mut patterns: Vec<String> = Vec::new();
                for side in ["old", "new", "policy"] {
                    for s in case[side]["Statement"].as_array().into_iter().flatten() {
                        match &s[element] {
                            serde_json::Value::String(p) => patterns.push(p.clone()),
                            serde_json::Value::Array(ps) => patterns
                                .extend(ps.iter().filter_map(|p| p.as_str().map(String::from))),
                            _ => {}
                        }
                    }
                }
                patterns.sort();
                patterns.dedup();
                if patterns.is_empty() || patterns.iter().any(|p| p.contains("${")) {
                    continue;
                }
                let matchers: Vec<Matcher> = patterns
                    .iter()
                    .map(|p| Matcher::new(tokens(p), mode.clone()))
                    .collect();
                let shape = if mode == Mode::Fold {
                    Shape::Action
                } else {
                    Shape::Any
                };
                let solution = solve(&matchers, shape, 200_000);
                assert!(solution.complete);
                let found: HashSet<Vec<bool>> =
                    solution.vectors.into_iter().map(|(v, _)| v).collect();
                let fills: Vec<String> = ["", "x", "/", ":"]
                    .into_iter()
                    .map(String::from)
                    .chain(patterns.iter().map(|p| p.replace(['*', '?'], "")))
                    .collect();
                for p in &patterns {
                    for fill in &fills {
                        let candidate = p.replace('*', fill).replace('?', "x");
                        if shape == Shape::Action && !action_shaped(&candidate) {
                            continue;
                        }
                        let vector: Vec<bool> =
                            matchers.iter().map(|m| m.matches(&candidate)).collect();
                        assert!(
                            found.contains(&vector),
                            "{patterns:?}: {candidate} realises a vector the search missed"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} candidate strings");
}
