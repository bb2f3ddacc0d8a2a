//! The search: every realisable combination of principal, action, resource
//! and context classes, reduced to what the evaluator can see (the caller's
//! class, whether the action needs its resource policy, and the set of
//! statements that apply), each seen once and decided by `evaluate`.
//!
//! Classes of different dimensions combine freely (a statement applies when
//! each of its projections does), so the applying set of a combination is the
//! intersection of the classes' sets. Conditions are joined key by key, only
//! over the statements the other dimensions left live, keeping each distinct
//! intersection once: keys that never appear together with the live
//! statements cost nothing.

use super::actions::{self, ActionClass};
use super::assignments::{assignments, variable_keys};
use super::bits::Bits;
use super::context::{self, KeyClasses, KeyNotes};
use super::kind::{DiffKind, Extras, SetKey, policy_set};
use super::principals::{self, PrincipalClass, bounded};
use super::project::{Stmt, full_bits, statements};
use super::resources::{self, ResourceClass};
use super::{Restrict, Stats};
use crate::condition::holds;
use crate::evaluate::{Decision, Evaluation, NamedPolicy, PolicySet, evaluate};
use crate::request::{Context, Request};
use std::collections::{BTreeSet, HashMap, HashSet};

pub(crate) struct Limits {
    pub max_evaluations: u64,
    pub max_witnesses: usize,
    pub max_states: usize,
}

/// A request NEW allows and OLD does not.
pub(crate) struct Found {
    pub request: Request,
    pub old: Evaluation,
    pub new: Evaluation,
    pub known_action: bool,
    pub old_set: PolicySet,
    pub new_set: PolicySet,
}

pub(crate) struct Searched {
    pub found: Vec<Found>,
    pub assumed: Vec<String>,
    pub stopped: Vec<String>,
    pub stats: Stats,
}

struct Run<'a> {
    kind: DiffKind,
    old: &'a NamedPolicy,
    new: &'a NamedPolicy,
    stmts: Vec<Stmt<'a>>,
    extras: Extras,
    sets: HashMap<SetKey, (PolicySet, PolicySet)>,
    seen: HashSet<(usize, u8, Bits)>,
    limits: &'a Limits,
    found: Vec<Found>,
    stats: Stats,
    /// Combinations visited (a guard against work that is not evaluations).
    work: u64,
}

/// Stop: enough witnesses, or a limit (the message says which).
enum Stop {
    Enough,
    Limit(String),
}

impl<'a> Run<'a> {
    fn sets_for(&mut self, request: &Request) -> &(PolicySet, PolicySet) {
        let key = SetKey::of(request);
        let (kind, old, new, extras) = (self.kind, self.old, self.new, &self.extras);
        self.sets.entry(key.clone()).or_insert_with(|| {
            (
                policy_set(kind, old, &key, extras),
                policy_set(kind, new, &key, extras),
            )
        })
    }

    /// Decides one combination, unless one like it was decided before.
    fn decide(
        &mut self,
        p: usize,
        principal: &PrincipalClass,
        action: &ActionClass,
        resource: &ResourceClass,
        context: Context,
        bits: Bits,
    ) -> Result<(), Stop> {
        if !self.seen.insert((p, action.mandatory, bits.clone())) {
            return Ok(());
        }
        self.stats.evaluations += 1;
        if self.stats.evaluations > self.limits.max_evaluations {
            return Err(Stop::Limit(format!(
                "more than {} distinct request classes to evaluate",
                self.limits.max_evaluations
            )));
        }
        let request = Request {
            principal: principal.principal.clone(),
            action: action.action.clone(),
            resource: resource.resource.clone(),
            resource_account: Some(principal.owner.clone()),
            context,
        };
        let (old_set, new_set) = self.sets_for(&request).clone();
        let new = evaluate(&request, &new_set);
        let old = evaluate(&request, &old_set);
        let witness = new.decision == Decision::Allowed && old.decision != Decision::Allowed;
        if witness || cfg!(debug_assertions) {
            // The classes must combine as the evaluator sees the request.
            let real = full_bits(
                &self.stmts,
                &request,
                bounded(self.kind, &request.principal),
            );
            if real != bits {
                return Err(Stop::Limit(format!(
                    "internal error: the classes predicted statements {:?} to apply to {request:?}, the evaluator applies {:?}",
                    bits.iter().collect::<Vec<_>>(),
                    real.iter().collect::<Vec<_>>()
                )));
            }
        }
        if witness {
            self.found.push(Found {
                request,
                old,
                new,
                known_action: action.known,
                old_set,
                new_set,
            });
            if self.found.len() >= self.limits.max_witnesses.max(1) {
                return Err(Stop::Enough);
            }
        }
        Ok(())
    }
}

/// A set of applying statements, with the class chosen for each key that
/// narrowed it: (key index, class index).
type Joined = Vec<(Bits, Vec<(usize, usize)>)>;

/// The distinct sets of live statements the context keys can leave, each
/// with the class chosen for each key that matters (others stay absent).
fn join(live: &Bits, keys: &[KeyClasses], work: &mut u64) -> Joined {
    let mut states: Joined = vec![(live.clone(), Vec::new())];
    for (k, key) in keys.iter().enumerate() {
        if key.classes.iter().all(|c| c.bits.covers(live)) {
            continue;
        }
        let mut next = Vec::new();
        let mut seen = HashSet::new();
        for (bits, choice) in &states {
            for (c, class) in key.classes.iter().enumerate() {
                *work += 1;
                let narrowed = bits.and(&class.bits);
                if seen.insert(narrowed.clone()) {
                    let mut choice = choice.clone();
                    choice.push((k, c));
                    next.push((narrowed, choice));
                }
            }
        }
        states = next;
    }
    states
}

pub(crate) fn search(
    kind: DiffKind,
    old: &NamedPolicy,
    new: &NamedPolicy,
    known: &[String],
    restrict: &Restrict,
    limits: &Limits,
) -> Result<Searched, String> {
    let extras = Extras::new().ok_or("internal error: a stand-in policy does not read")?;
    let stmts = statements(&old.policy, &new.policy);
    let n = stmts.len();
    let mut assumed = Vec::new();
    let mut stopped = Vec::new();

    let principals = principals::classes(kind, &stmts);
    let actions = actions::classes(&stmts, known, &restrict.actions, limits.max_states);
    if !actions.complete {
        stopped.push(format!(
            "the action patterns need more than {} automaton states",
            limits.max_states
        ));
    }
    let variables = variable_keys(&stmts);
    let variable_names: BTreeSet<String> = variables.iter().map(|v| v.lower.clone()).collect();
    let (sigmas, all_sigmas) = assignments(&variables);
    if !variables.is_empty() {
        assumed.push(format!(
            "policy variables ({}) are tried with {} assignments of a few values each (absent, unnamed, the pieces of the policies' texts), not with every value",
            variables.iter().map(|v| format!("${{{}}}", v.key)).collect::<Vec<_>>().join(", "),
            sigmas.len()
        ));
        if !all_sigmas {
            assumed.push("only the first variable assignments were tried".into());
        }
    }
    let by_key = context::by_key(&stmts, &variable_names);

    let mut run = Run {
        kind,
        old,
        new,
        stmts,
        extras,
        sets: HashMap::new(),
        seen: HashSet::new(),
        limits,
        found: Vec::new(),
        stats: Stats {
            principal_classes: principals.len(),
            action_classes: actions.classes.len(),
            resource_classes: 0,
            context_keys: by_key.len(),
            variable_assignments: sigmas.len(),
            evaluations: 0,
            combinations: 0,
        },
        work: 0,
    };
    let max_work = limits.max_evaluations.saturating_mul(64);
    let mut notes = KeyNotes::default();
    'sigmas: for sigma in &sigmas {
        // Conditions on variable keys are fixed by the assignment.
        let mut base = Bits::ones(n);
        for (i, s) in run.stmts.iter().enumerate() {
            let variables = s.policy.expands_variables();
            let fixed = s
                .statement
                .conditions
                .iter()
                .filter(|c| variable_names.contains(&c.key.value.to_ascii_lowercase()))
                .all(|c| holds(c, sigma, variables));
            base.set(i, fixed);
        }
        let resources =
            resources::classes(&run.stmts, sigma, &restrict.resources, limits.max_states);
        if !resources.complete {
            stopped.push(format!(
                "the resource patterns need more than {} automaton states",
                limits.max_states
            ));
        }
        run.stats.resource_classes = run.stats.resource_classes.max(resources.classes.len());
        let keys: Vec<KeyClasses> = by_key
            .iter()
            .map(|k| context::classes(k, n, sigma, limits.max_states, &mut notes))
            .collect();
        let mut joined: HashMap<Bits, Joined> = HashMap::new();
        let mut visited: HashSet<(usize, u8, Bits)> = HashSet::new();
        for (p, principal) in principals.iter().enumerate() {
            for action in &actions.classes {
                let pa = principal.bits.and(&action.bits).and(&base);
                for resource in &resources.classes {
                    run.work += 1;
                    let live = pa.and(&resource.bits);
                    if !visited.insert((p, action.mandatory, live.clone())) {
                        continue;
                    }
                    if !joined.contains_key(&live) {
                        let contexts = join(&live, &keys, &mut run.work);
                        joined.insert(live.clone(), contexts);
                    }
                    if run.work > max_work {
                        stopped.push(format!("more than {max_work} combinations of classes"));
                        break 'sigmas;
                    }
                    let Some(contexts) = joined.get(&live) else {
                        continue;
                    };
                    for (bits, choice) in contexts {
                        run.stats.combinations += 1;
                        let mut context = sigma.clone();
                        for &(k, c) in choice {
                            if let Some(values) = &keys[k].classes[c].values {
                                context.insert(&keys[k].key, values.clone(), values.len() > 1);
                            }
                        }
                        match run.decide(p, principal, action, resource, context, bits.clone()) {
                            Ok(()) => {}
                            Err(Stop::Enough) => break 'sigmas,
                            Err(Stop::Limit(why)) if why.starts_with("internal error") => {
                                return Err(why);
                            }
                            Err(Stop::Limit(why)) => {
                                stopped.push(why);
                                break 'sigmas;
                            }
                        }
                    }
                }
            }
        }
    }
    assumed.extend(notes.assumed);
    stopped.extend(notes.stopped);
    assumed.sort();
    assumed.dedup();
    stopped.sort();
    stopped.dedup();
    Ok(Searched {
        found: run.found,
        assumed,
        stopped,
        stats: run.stats,
    })
}
