//! The search: every realisable combination of principal, action, resource
//! and context classes, reduced to what the evaluator can see (the caller's
//! class, whether the action needs its resource policy, and the summary of
//! the statements that apply, see [`summary`](super::summary)), each seen
//! once and decided by `evaluate`.
//!
//! Classes of different dimensions combine freely (a statement applies when
//! each of its projections does), so the statements live for a caller,
//! action and resource class are the intersection of the classes' sets; the
//! condition keys are then combined over the live statements only.

use super::actions::{self, ActionClass};
use super::assignments::{assignments, variable_keys};
use super::bits::Bits;
use super::context::{self, KeyClasses, KeyNotes};
use super::kind::{DiffKind, Extras, SetKey, policy_set};
use super::principals::{self, PrincipalClass, bounded};
use super::project::{Stmt, full_bits, statements};
use super::resources::{self, ResourceClass};
use super::summary::{Exceeded, Reached, contributions, reach, summarize};
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
    /// (caller class, special action, summary) -> the decisions (OLD, NEW).
    seen: HashMap<(usize, u8, u16), (Decision, Decision)>,
    limits: &'a Limits,
    found: Vec<Found>,
    stats: Stats,
    /// Steps taken combining classes (a guard besides evaluations).
    work: u64,
}

/// Stop: enough witnesses, or a limit (the message says which).
enum Stop {
    Enough,
    Limit(String),
    Bug(String),
}

/// One combination of classes, with the statements its classes let apply.
struct Combination<'c> {
    p: usize,
    principal: &'c PrincipalClass,
    action: &'c ActionClass,
    resource: &'c ResourceClass,
    context: Context,
    predicted: Bits,
    summary: u16,
    contributions: &'c [u16],
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

    /// Decides one combination, unless one with the same summary was.
    fn decide(&mut self, c: Combination) -> Result<(), Stop> {
        let signature = (c.p, c.action.special, c.summary);
        let request = Request {
            principal: c.principal.principal.clone(),
            action: c.action.action.clone(),
            resource: c.resource.resource.clone(),
            resource_account: Some(c.principal.owner.clone()),
            context: c.context,
        };
        if let Some(&decided) = self.seen.get(&signature) {
            // Tests check that the summary is all the evaluator looks at.
            if cfg!(debug_assertions) {
                let (old_set, new_set) = self.sets_for(&request).clone();
                let again = (
                    evaluate(&request, &old_set).decision,
                    evaluate(&request, &new_set).decision,
                );
                if again != decided {
                    return Err(Stop::Bug(format!(
                        "internal error: two requests of one class are decided {decided:?} and {again:?}: {request:?}"
                    )));
                }
            }
            return Ok(());
        }
        self.stats.evaluations += 1;
        if self.stats.evaluations > self.limits.max_evaluations {
            return Err(Stop::Limit(format!(
                "more than {} distinct request classes to evaluate",
                self.limits.max_evaluations
            )));
        }
        let (old_set, new_set) = self.sets_for(&request).clone();
        let new = evaluate(&request, &new_set);
        let old = evaluate(&request, &old_set);
        self.seen.insert(signature, (old.decision, new.decision));
        let witness = new.decision == Decision::Allowed && old.decision != Decision::Allowed;
        if witness || cfg!(debug_assertions) {
            // The classes must combine as the evaluator sees the request.
            let real = full_bits(
                &self.stmts,
                &request,
                bounded(self.kind, &request.principal),
            );
            if real != c.predicted || summarize(&real, c.contributions) != c.summary {
                return Err(Stop::Bug(format!(
                    "internal error: the classes predicted statements {:?} (summary {:#x}) to apply to {request:?}, the evaluator applies {:?}",
                    c.predicted.iter().collect::<Vec<_>>(),
                    c.summary,
                    real.iter().collect::<Vec<_>>()
                )));
            }
        }
        if witness {
            self.found.push(Found {
                request,
                old,
                new,
                known_action: c.action.known,
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
    let old_count = old.policy.statements.len();
    let mut assumed = Vec::new();
    let mut stopped = Vec::new();

    let principals = principals::classes(kind, &stmts);
    let contributions: Vec<Vec<u16>> = principals
        .iter()
        .map(|p| contributions(&stmts, old_count, p))
        .collect();
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
        seen: HashMap::new(),
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
    let max_work = limits.max_evaluations.saturating_mul(16);
    let max_states = usize::try_from(limits.max_evaluations).unwrap_or(usize::MAX);
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
        let mut reached: HashMap<(usize, Bits), Vec<Reached>> = HashMap::new();
        let mut visited: HashSet<(usize, u8, Bits)> = HashSet::new();
        for (p, principal) in principals.iter().enumerate() {
            for action in &actions.classes {
                let pa = principal.bits.and(&action.bits).and(&base);
                for resource in &resources.classes {
                    run.work += 1;
                    let live = pa.and(&resource.bits);
                    if !visited.insert((p, action.special, live.clone())) {
                        continue;
                    }
                    let memo = (p, live);
                    if !reached.contains_key(&memo) {
                        match reach(
                            &memo.1,
                            &keys,
                            &contributions[p],
                            &mut run.work,
                            max_work,
                            max_states,
                        ) {
                            Ok(r) => {
                                reached.insert(memo.clone(), r);
                            }
                            Err(Exceeded) => {
                                stopped.push(format!(
                                    "combining the condition keys takes more than {max_work} steps or {max_states} states"
                                ));
                                break 'sigmas;
                            }
                        }
                    }
                    let Some(summaries) = reached.get(&memo) else {
                        continue;
                    };
                    for r in summaries {
                        run.stats.combinations += 1;
                        let mut context = sigma.clone();
                        let mut predicted = memo.1.clone();
                        for &(k, c) in &r.choice {
                            let class = &keys[k].classes[c];
                            predicted = predicted.and(&class.bits);
                            if let Some(values) = &class.values {
                                context.insert(&keys[k].key, values.clone(), values.len() > 1);
                            }
                        }
                        let combination = Combination {
                            p,
                            principal,
                            action,
                            resource,
                            context,
                            predicted,
                            summary: r.summary,
                            contributions: &contributions[p],
                        };
                        match run.decide(combination) {
                            Ok(()) => {}
                            Err(Stop::Enough) => break 'sigmas,
                            Err(Stop::Bug(why)) => return Err(why),
                            Err(Stop::Limit(why)) => {
                                stopped.push(why);
                                break 'sigmas;
                            }
                        }
                    }
                    if run.work > max_work {
                        stopped.push(format!("more than {max_work} combinations of classes"));
                        break 'sigmas;
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
