//! What the evaluator sees of the statements that apply, and the
//! combination of condition keys by elimination.
//!
//! `evaluate` decides from: whether any applicable statement is a `Deny`,
//! and, per policy, whether an applicable `Allow` names the caller in each
//! way (no principal element, everyone, its account, its role, itself); it
//! picks the first statement of a kind only to report it. So for a caller
//! class and an action class, the decision is a function of a twelve-bit
//! summary (six bits for OLD, six for NEW), the union of the bits of the
//! statements that apply. Requests with the same summary are decided alike,
//! and the search evaluates one request per summary.
//!
//! Conditions make the statements that apply depend on many keys at once.
//! The keys are combined one at a time; a statement whose keys have all been
//! combined is closed (its bit goes into the summary and leaves the state),
//! and a statement whose bit the summary already has is dropped. The state
//! is the set of statements still open and alive, and the summary so far:
//! keys that no open statement shares cost nothing, and statements with
//! conditions on keys of their own never multiply the states.

use super::bits::Bits;
use super::context::KeyClasses;
use super::principals::PrincipalClass;
use super::project::Stmt;
use crate::document::Effect;
use std::collections::HashMap;

/// The summary bit of each statement, for one caller class (0 when the
/// statement's principal element does not name the caller).
pub(crate) fn contributions(
    stmts: &[Stmt],
    old_count: usize,
    principal: &PrincipalClass,
) -> Vec<u16> {
    stmts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let side = if i < old_count { 0 } else { 6 };
            match (principal.codes[i], s.statement.effect.value) {
                (0, _) => 0,
                (_, Effect::Deny) => 1 << side,
                (code, Effect::Allow) => 1 << (side + u16::from(code)),
            }
        })
        .collect()
}

/// The summary of a set of applying statements.
pub(crate) fn summarize(bits: &Bits, contributions: &[u16]) -> u16 {
    bits.iter().fold(0, |s, i| s | contributions[i])
}

/// A summary reachable through the condition keys, with the class chosen
/// for each key that mattered (key index, class index); others stay absent.
pub(crate) struct Reached {
    pub summary: u16,
    pub choice: Vec<(usize, usize)>,
}

/// Stopped: the work or the states exceeded the limits.
pub(crate) struct Exceeded;

/// A set of live statements, by their position among the live ones: a
/// `u128` while at most 128 statements are live (two 50-statement policies),
/// a [`Bits`] beyond.
trait Mask: Clone + Eq + std::hash::Hash {
    fn empty(len: usize) -> Self;
    fn with(self, i: usize) -> Self;
    fn and(&self, other: &Self) -> Self;
    fn or(&self, other: &Self) -> Self;
    fn and_not(&self, other: &Self) -> Self;
    fn ones(&self) -> Vec<usize>;
    fn is_zero(&self) -> bool;
}

impl Mask for u128 {
    fn empty(_: usize) -> Self {
        0
    }
    fn with(self, i: usize) -> Self {
        self | (1u128 << i)
    }
    fn and(&self, other: &Self) -> Self {
        self & other
    }
    fn or(&self, other: &Self) -> Self {
        self | other
    }
    fn and_not(&self, other: &Self) -> Self {
        self & !other
    }
    fn ones(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut rest = *self;
        while rest != 0 {
            let i = rest.trailing_zeros() as usize;
            out.push(i);
            rest &= rest - 1;
        }
        out
    }
    fn is_zero(&self) -> bool {
        *self == 0
    }
}

impl Mask for Bits {
    fn empty(len: usize) -> Self {
        Bits::zeros(len)
    }
    fn with(mut self, i: usize) -> Self {
        self.set(i, true);
        self
    }
    fn and(&self, other: &Self) -> Self {
        Bits::and(self, other)
    }
    fn or(&self, other: &Self) -> Self {
        Bits::or(self, other)
    }
    fn and_not(&self, other: &Self) -> Self {
        Bits::and_not(self, other)
    }
    fn ones(&self) -> Vec<usize> {
        self.iter().collect()
    }
    fn is_zero(&self) -> bool {
        self.iter().next().is_none()
    }
}

/// Every summary the condition keys can leave of the statements in `live`.
pub(crate) fn reach(
    live: &Bits,
    keys: &[KeyClasses],
    contributions: &[u16],
    work: &mut u64,
    max_work: u64,
    max_states: usize,
) -> Result<Vec<Reached>, Exceeded> {
    let live_list: Vec<usize> = live.iter().collect();
    if live_list.len() <= 128 {
        reach_with::<u128>(&live_list, keys, contributions, work, max_work, max_states)
    } else {
        reach_with::<Bits>(&live_list, keys, contributions, work, max_work, max_states)
    }
}

/// One key as the live statements see it: its classes that differ on them.
struct LiveKey<M> {
    key: usize,
    /// The live statements some class turns off.
    touches: M,
    touch_count: usize,
    /// (class index, the live statements the class leaves on)
    classes: Vec<(usize, M)>,
}

fn reach_with<M: Mask>(
    live_list: &[usize],
    keys: &[KeyClasses],
    contributions: &[u16],
    work: &mut u64,
    max_work: u64,
    max_states: usize,
) -> Result<Vec<Reached>, Exceeded> {
    let n = live_list.len();
    let all = (0..n).fold(M::empty(n), |m, i| m.with(i));
    let contribution: Vec<u16> = live_list.iter().map(|&i| contributions[i]).collect();
    // Per summary bit, the live statements that carry it.
    let mut carriers: Vec<M> = vec![M::empty(n); 16];
    for (j, c) in contribution.iter().enumerate() {
        for (b, carrier) in carriers.iter_mut().enumerate() {
            if c & (1 << b) != 0 {
                *carrier = carrier.clone().with(j);
            }
        }
    }
    let settled = |summary: u16| -> M {
        (0..16)
            .filter(|b| summary & (1 << b) != 0)
            .fold(M::empty(n), |m, b| m.or(&carriers[b]))
    };

    let mut live_keys: Vec<LiveKey<M>> = Vec::new();
    for (k, key) in keys.iter().enumerate() {
        let mut classes: Vec<(usize, M)> = Vec::new();
        let mut touches = M::empty(n);
        for (c, class) in key.classes.iter().enumerate() {
            let on = live_list
                .iter()
                .enumerate()
                .filter(|(_, i)| class.bits.get(**i))
                .fold(M::empty(n), |m, (j, _)| m.with(j));
            touches = touches.or(&all.and_not(&on));
            if !classes.iter().any(|(_, m)| *m == on) {
                classes.push((c, on));
            }
        }
        if !touches.is_zero() {
            let touch_count = touches.ones().len();
            live_keys.push(LiveKey {
                key: k,
                touches,
                touch_count,
                classes,
            });
        }
    }
    let mut remaining = vec![0usize; n];
    for lk in &live_keys {
        for j in lk.touches.ones() {
            remaining[j] += 1;
        }
    }
    let mut summary0 = 0u16;
    let mut open0 = M::empty(n);
    for j in 0..n {
        if remaining[j] == 0 {
            summary0 |= contribution[j];
        } else {
            open0 = open0.with(j);
        }
    }
    // Greedy order: next the key that closes the most statements, then the
    // one with the fewest classes.
    let mut order: Vec<(LiveKey<M>, M)> = Vec::new();
    while !live_keys.is_empty() {
        let best = (0..live_keys.len())
            .max_by_key(|&t| {
                let closes = live_keys[t]
                    .touches
                    .ones()
                    .iter()
                    .filter(|j| remaining[**j] == 1)
                    .count();
                (
                    closes,
                    usize::MAX - live_keys[t].classes.len(),
                    usize::MAX - live_keys[t].touch_count,
                )
            })
            .unwrap_or(0);
        let lk = live_keys.swap_remove(best);
        let mut closing = M::empty(n);
        for j in lk.touches.ones() {
            remaining[j] -= 1;
            if remaining[j] == 0 {
                closing = closing.with(j);
            }
        }
        order.push((lk, closing));
    }

    // The states: (open statements, summary) with a trail of choices.
    const ROOT: usize = usize::MAX;
    let mut trail: Vec<(usize, usize, usize)> = Vec::new(); // (parent, key, class)
    let mut states: Vec<(M, u16, usize)> =
        vec![(open0.and_not(&settled(summary0)), summary0, ROOT)];
    for (lk, closing) in &order {
        let mut next: Vec<(M, u16, usize)> = Vec::new();
        let mut seen: HashMap<(M, u16), ()> = HashMap::new();
        for (open, summary, at) in &states {
            for (c, on) in &lk.classes {
                *work += 1;
                if *work > max_work {
                    return Err(Exceeded);
                }
                let alive = open.and(on);
                let mut s = *summary;
                for j in alive.and(closing).ones() {
                    s |= contribution[j];
                }
                let still = alive.and_not(closing).and_not(&settled(s));
                if seen.insert((still.clone(), s), ()).is_none() {
                    trail.push((*at, lk.key, *c));
                    next.push((still, s, trail.len() - 1));
                    if next.len() > max_states {
                        return Err(Exceeded);
                    }
                }
            }
        }
        states = next;
    }
    let mut out: Vec<Reached> = Vec::new();
    let mut seen: HashMap<u16, ()> = HashMap::new();
    for (_, summary, mut at) in states {
        if seen.insert(summary, ()).is_some() {
            continue;
        }
        let mut choice = Vec::new();
        while at != ROOT {
            let (parent, k, c) = trail[at];
            choice.push((k, c));
            at = parent;
        }
        choice.reverse();
        out.push(Reached { summary, choice });
    }
    Ok(out)
}
