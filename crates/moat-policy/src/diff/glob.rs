//! Which combinations of wildcard patterns one string can match, with a
//! string for each: the product of the patterns' automata, explored breadth
//! first, so every realisable match vector is found (exactly, not by
//! sampling) with a shortest witness.
//!
//! A pattern's automaton is the set of positions its tokens can be at after
//! the text read so far (`*` may stay, `?` and a literal advance). The product
//! state is the union of those sets. Characters that no live position names
//! as a literal all act alike (wildcards take them, literals refuse them), so
//! from each state the search tries only the live literals, `:` (which ARN
//! patterns treat apart) and one fresh character standing for all others.

use crate::matching::{Token, action_matches, arn_matches, glob, glob_ignore_case};
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

/// How a pattern is matched, as the evaluator matches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// `glob`: case-sensitive (`StringLike`, `StringEquals` as literal tokens).
    Glob,
    /// `glob_ignore_case` (`StringEqualsIgnoreCase`, `Bool`).
    Fold,
    /// `arn_matches` (`Resource`, `ArnLike`): wildcards before the fifth
    /// literal colon stay within their colon-separated part.
    Arn,
    /// `action_matches` of this pattern text (case-insensitive).
    Action(String),
}

/// One pattern.
#[derive(Debug, Clone)]
pub struct Matcher {
    pub tokens: Vec<Token>,
    pub mode: Mode,
}

impl Matcher {
    pub fn new(tokens: Vec<Token>, mode: Mode) -> Matcher {
        Matcher { tokens, mode }
    }

    /// The evaluator's own answer for `text`.
    pub fn matches(&self, text: &str) -> bool {
        match &self.mode {
            Mode::Glob => glob(&self.tokens, text),
            Mode::Fold => glob_ignore_case(&self.tokens, text),
            Mode::Arn => arn_matches(&self.tokens, text),
            Mode::Action(pattern) => action_matches(pattern, text),
        }
    }

    fn folds(&self) -> bool {
        matches!(self.mode, Mode::Fold | Mode::Action(_))
    }
}

/// The strings the search considers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Any string.
    Any,
    /// `service:Name`: a service of letters, digits and `-`, a colon, a name
    /// of letters and digits (every IAM action has this shape).
    Action,
}

/// Every realisable match vector with a witness, shortest first.
#[derive(Debug, Clone)]
pub struct Solution {
    pub vectors: Vec<(Vec<bool>, String)>,
    /// False when the state cap stopped the search (vectors may be missing)
    /// or a witness did not match as the evaluator matches (a modelling gap).
    pub complete: bool,
    pub states: usize,
}

struct Compiled {
    /// Per automaton position: the pattern it belongs to.
    owner: Vec<u32>,
    /// Per position: the token there (`None` at a pattern's end).
    token: Vec<Option<Token>>,
    /// Per position: whether a wildcard there may not take `:`.
    restricted: Vec<bool>,
    /// Per position: positions reached without reading (itself and past `*`s).
    closure: Vec<Vec<u32>>,
    /// Per pattern: its first and its end position.
    begin: Vec<u32>,
    end: Vec<u32>,
    fold: Vec<bool>,
}

fn lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

fn upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn compile(matchers: &[Matcher]) -> Compiled {
    let mut c = Compiled {
        owner: Vec::new(),
        token: Vec::new(),
        restricted: Vec::new(),
        closure: Vec::new(),
        begin: Vec::new(),
        end: Vec::new(),
        fold: Vec::new(),
    };
    for (p, m) in matchers.iter().enumerate() {
        let fold = m.folds();
        let colons = m.tokens.iter().filter(|t| **t == Token::Char(':')).count();
        let arn = m.mode == Mode::Arn && colons >= 5 && m.tokens != [Token::AnyRun];
        let start = c.owner.len();
        let mut seen_colons = 0;
        for t in &m.tokens {
            let t = match *t {
                Token::Char(ch) if fold => Token::Char(lower(ch)),
                other => other,
            };
            c.owner.push(p as u32);
            c.token.push(Some(t));
            c.restricted.push(arn && seen_colons < 5);
            if t == Token::Char(':') {
                seen_colons += 1;
            }
        }
        c.owner.push(p as u32);
        c.token.push(None);
        c.restricted.push(false);
        c.begin.push(start as u32);
        c.end.push(c.owner.len() as u32 - 1);
        c.fold.push(fold);
        for i in start..c.owner.len() {
            let mut reach = vec![i as u32];
            let mut j = i;
            while c.token[j] == Some(Token::AnyRun) {
                j += 1;
                reach.push(j as u32);
            }
            c.closure.push(reach);
        }
    }
    c
}

impl Compiled {
    fn start(&self) -> Vec<u32> {
        let mut set = BTreeSet::new();
        for first in &self.begin {
            set.extend(self.closure[*first as usize].iter().copied());
        }
        set.into_iter().collect()
    }

    fn step(&self, state: &[u32], ch: char) -> Vec<u32> {
        let mut next = BTreeSet::new();
        for &code in state {
            let i = code as usize;
            let Some(token) = self.token[i] else {
                continue;
            };
            let free = !(self.restricted[i] && ch == ':');
            let to = match token {
                Token::AnyRun if free => Some(i),
                Token::AnyOne if free => Some(i + 1),
                Token::Char(d) => {
                    let fold = self.fold[self.owner[i] as usize];
                    let same = if fold { lower(ch) == d } else { ch == d };
                    same.then_some(i + 1)
                }
                _ => None,
            };
            if let Some(to) = to {
                next.extend(self.closure[to].iter().copied());
            }
        }
        next.into_iter().collect()
    }

    fn vector(&self, state: &[u32]) -> Vec<bool> {
        self.end
            .iter()
            .map(|e| state.binary_search(e).is_ok())
            .collect()
    }

    /// The characters worth trying from `state` (see the module comment).
    fn alphabet(&self, state: &[u32], fresh: Option<char>) -> Vec<char> {
        let mut chars = BTreeSet::new();
        for &code in state {
            let i = code as usize;
            if let Some(Token::Char(d)) = self.token[i] {
                chars.insert(d);
                if self.fold[self.owner[i] as usize] {
                    chars.insert(upper(d));
                }
            }
        }
        chars.insert(':');
        match fresh {
            Some(f) => {
                chars.insert(f);
            }
            // No character is left over: try every one the shape allows.
            None => chars.extend(shape_chars()),
        }
        chars.into_iter().collect()
    }
}

fn shape_chars() -> impl Iterator<Item = char> {
    ('a'..='z').chain('A'..='Z').chain('0'..='9').chain(['-'])
}

/// The action shape's automaton: 0 start, 1 service, 2 after the colon, 3 name.
fn shape_step(shape: Shape, at: u8, ch: char) -> Option<u8> {
    match shape {
        Shape::Any => Some(0),
        Shape::Action => match (at, ch) {
            (0 | 1, c) if c.is_ascii_alphanumeric() || c == '-' => Some(1),
            (1, ':') => Some(2),
            (2 | 3, c) if c.is_ascii_alphanumeric() => Some(3),
            _ => None,
        },
    }
}

fn shape_accepts(shape: Shape, at: u8) -> bool {
    match shape {
        Shape::Any => true,
        Shape::Action => at == 3,
    }
}

/// A character no pattern names (in any case) that the shape allows anywhere.
fn fresh_char(matchers: &[Matcher], shape: Shape) -> Option<char> {
    let mut used = HashSet::new();
    for m in matchers {
        for t in &m.tokens {
            if let Token::Char(c) = t {
                used.extend([*c, lower(*c), upper(*c)]);
            }
        }
    }
    let candidates = "xzqjkvwyabcdefghilmnoprstu0123456789XZQJKVWYABCDEFGHILMNOPRSTU";
    let extra = ['_', '~', '.', '#', '\u{2603}', '\u{e000}'];
    candidates
        .chars()
        .chain(extra.into_iter().filter(|_| shape == Shape::Any))
        .find(|c| !used.contains(c) && !used.contains(&lower(*c)) && !used.contains(&upper(*c)))
}

/// Every match vector a string of `shape` can have against `matchers`, with
/// a shortest witness each; stops after `max_states` product states.
pub fn solve(matchers: &[Matcher], shape: Shape, max_states: usize) -> Solution {
    let compiled = compile(matchers);
    let fresh = fresh_char(matchers, shape);
    let start = compiled.start();
    let mut seen: HashSet<(u8, Vec<u32>)> = HashSet::new();
    let mut queue: VecDeque<(u8, Vec<u32>, String)> = VecDeque::new();
    let mut found: HashMap<Vec<bool>, usize> = HashMap::new();
    let mut vectors = Vec::new();
    let mut complete = true;
    seen.insert((0, start.clone()));
    queue.push_back((0, start, String::new()));
    while let Some((at, state, text)) = queue.pop_front() {
        if shape_accepts(shape, at) {
            let vector = compiled.vector(&state);
            if !found.contains_key(&vector) {
                found.insert(vector.clone(), vectors.len());
                vectors.push((vector, text.clone()));
            }
        }
        for ch in compiled.alphabet(&state, fresh) {
            let Some(next_at) = shape_step(shape, at, ch) else {
                continue;
            };
            let next = compiled.step(&state, ch);
            let key = (next_at, next);
            if seen.contains(&key) {
                continue;
            }
            if seen.len() >= max_states {
                complete = false;
                queue.clear();
                break;
            }
            let mut longer = text.clone();
            longer.push(ch);
            seen.insert(key.clone());
            queue.push_back((key.0, key.1, longer));
        }
    }
    // The automata model the evaluator's matching; check each witness with
    // the evaluator's own functions, and distrust the search if one differs.
    for (vector, text) in &vectors {
        let real: Vec<bool> = matchers.iter().map(|m| m.matches(text)).collect();
        if real != *vector {
            complete = false;
        }
    }
    Solution {
        vectors,
        complete,
        states: seen.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::tokens;

    fn vectors(patterns: &[(&str, Mode)], shape: Shape) -> Vec<Vec<bool>> {
        let matchers: Vec<Matcher> = patterns
            .iter()
            .map(|(p, m)| Matcher::new(tokens(p), m.clone()))
            .collect();
        let s = solve(&matchers, shape, 100_000);
        assert!(s.complete);
        s.vectors.into_iter().map(|(v, _)| v).collect()
    }

    #[test]
    fn overlapping_globs_give_every_combination() {
        let v = vectors(&[("a*", Mode::Glob), ("*b", Mode::Glob)], Shape::Any);
        assert_eq!(v.len(), 4);
    }

    #[test]
    fn disjoint_literals_never_match_together() {
        let v = vectors(&[("abc", Mode::Glob), ("abd", Mode::Glob)], Shape::Any);
        assert_eq!(v.len(), 3);
        assert!(!v.contains(&vec![true, true]));
    }

    #[test]
    fn arn_parts_keep_wildcards_inside() {
        // `*` in the region part cannot reach into the account part.
        let v = vectors(
            &[
                ("arn:aws:s3:*:111:x", Mode::Arn),
                ("arn:aws:s3::222:x", Mode::Arn),
            ],
            Shape::Any,
        );
        assert!(!v.contains(&vec![true, true]));
        assert_eq!(v.len(), 3);
    }

    #[test]
    fn actions_fold_case_and_keep_their_shape() {
        let matchers = vec![
            Matcher::new(tokens("s3:get*"), Mode::Action("s3:get*".into())),
            Matcher::new(tokens("S3:GetObject"), Mode::Action("S3:GetObject".into())),
        ];
        let s = solve(&matchers, Shape::Action, 10_000);
        assert!(s.complete);
        assert_eq!(s.vectors.len(), 3);
        for (_, w) in &s.vectors {
            assert!(w.contains(':') && !w.starts_with(':') && !w.ends_with(':'));
        }
    }
}
