//! Verdicts that hold whichever way a template's undecided conditions go.
//!
//! A condition no `--param` decides makes every `Fn::If` on it unknown, and a
//! check that reads such a value says "unknown" even when both branches
//! satisfy it. So a unit with undecided conditions is read once per
//! assignment of them ([`moat_iac::variants`]), the checks run on each
//! variant, and the verdicts are merged per check and resource: outcomes that
//! are the same in every variant in which the resource exists are what the
//! resource gets; outcomes that differ give one unknown verdict saying which
//! condition gives which outcome. A unit without undecided conditions is
//! checked once, as it is.

use moat_checks::{Check, Outcome, Verdict};
use moat_iac::Inventory;
use moat_iac::inventory::UndecidedCondition;
use moat_iac::variants::{MAX_UNDECIDED, TooMany};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// The verdicts of `checks` on `unit` (read with `params`), merged over the
/// unit's variants when it has undecided conditions.
pub fn run(checks: &[&Check], unit: &Inventory, params: &BTreeMap<String, String>) -> Vec<Verdict> {
    let base = moat_checks::run(checks, unit);
    if unit.undecided.is_empty() {
        return base;
    }
    match moat_iac::variants::variants(unit, params) {
        Ok(variants) => merge(checks, unit, base, variants),
        Err(TooMany(_)) => too_many(unit, base),
    }
}

/// A check's verdicts on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    check: &'static str,
    file: usize,
    resource_type: String,
    resource: String,
}

fn key(v: &Verdict) -> Key {
    Key {
        check: v.check,
        file: v.resource_file,
        resource_type: v.resource_type.clone(),
        resource: v.resource.clone(),
    }
}

/// What one variant said, kept once the variant is dropped.
struct Seen {
    /// The resources it has: file -> logical ids.
    exists: HashMap<usize, HashSet<String>>,
    /// Per key, the outcomes (sorted) and the first verdict's message.
    said: HashMap<Key, (Vec<Outcome>, Arc<str>)>,
}

impl Seen {
    fn outcomes(&self, key: &Key) -> &[Outcome] {
        self.said.get(key).map(|(o, _)| o.as_slice()).unwrap_or(&[])
    }

    fn has(&self, key: &Key) -> bool {
        has_resource(&self.exists, key)
    }
}

fn has_resource(resources: &HashMap<usize, HashSet<String>>, key: &Key) -> bool {
    resources
        .get(&key.file)
        .is_some_and(|ids| ids.contains(key.resource.as_str()))
}

fn merge(
    checks: &[&Check],
    unit: &Inventory,
    base: Vec<Verdict>,
    variants: impl Iterator<Item = moat_iac::variants::Variant>,
) -> Vec<Verdict> {
    let mut order: Vec<Key> = Vec::new();
    let mut base_of: HashMap<Key, Vec<Verdict>> = HashMap::new();
    for v in base {
        let k = key(&v);
        let list = base_of.entry(k.clone()).or_default();
        if list.is_empty() {
            order.push(k);
        }
        list.push(v);
    }
    let mut known: HashSet<Key> = order.iter().cloned().collect();
    // the verdicts of the first variant in which each resource exists
    let mut representative: HashMap<Key, (usize, Vec<Verdict>)> = HashMap::new();
    // the first verdict of each key seen in any variant: where to point when the base has none
    let mut first: HashMap<Key, Verdict> = HashMap::new();
    let mut seen: Vec<Seen> = Vec::new();
    let mut assignments: Vec<Vec<bool>> = Vec::new();
    let mut messages: HashSet<Arc<str>> = HashSet::new();
    for variant in variants {
        let index = seen.len();
        let verdicts = moat_checks::run(checks, &variant.inventory);
        let mut exists: HashMap<usize, HashSet<String>> = HashMap::new();
        for origin in variant.inventory.origins() {
            exists
                .entry(origin.file)
                .or_default()
                .insert(origin.logical_id.clone());
        }
        for h in &variant.inventory.hard_coded {
            exists
                .entry(h.file)
                .or_default()
                .insert(h.logical_id.clone());
        }
        let mut said: HashMap<Key, (Vec<Outcome>, Arc<str>)> = HashMap::new();
        let mut grouped: HashMap<Key, Vec<Verdict>> = HashMap::new();
        for v in verdicts {
            let k = key(&v);
            if known.insert(k.clone()) {
                order.push(k.clone());
            }
            first.entry(k.clone()).or_insert_with(|| v.clone());
            let message = match messages.get(v.message.as_str()) {
                Some(m) => m.clone(),
                None => {
                    let m: Arc<str> = Arc::from(v.message.as_str());
                    messages.insert(m.clone());
                    m
                }
            };
            said.entry(k.clone())
                .or_insert_with(|| (Vec::new(), message))
                .0
                .push(v.outcome);
            grouped.entry(k).or_default().push(v);
        }
        for (outcomes, _) in said.values_mut() {
            outcomes.sort();
        }
        for k in &order {
            if !representative.contains_key(k) && has_resource(&exists, k) {
                let list = grouped.remove(k).unwrap_or_default();
                representative.insert(k.clone(), (index, list));
            }
        }
        seen.push(Seen { exists, said });
        assignments.push(variant.assignment);
        // the variant's inventory is dropped here: one is in memory at a time
    }
    let names = Names::of(unit);
    let position: HashMap<&str, usize> =
        checks.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut out: Vec<Verdict> = Vec::new();
    for k in order {
        let base = base_of.remove(&k).unwrap_or_default();
        let present: Vec<usize> = (0..seen.len()).filter(|&i| seen[i].has(&k)).collect();
        let Some(&one) = present.first() else {
            // the resource exists in no variant: nothing to compare, keep what was said
            out.extend(base);
            continue;
        };
        let common = seen[one].outcomes(&k);
        if present.iter().all(|&i| seen[i].outcomes(&k) == common) {
            let mut base_outcomes: Vec<Outcome> = base.iter().map(|v| v.outcome).collect();
            base_outcomes.sort();
            if base_outcomes == common {
                out.extend(base);
                continue;
            }
            let (rep_index, rep) = representative.remove(&k).unwrap_or_default();
            let conditions = names.mentioned(&k, &base);
            let note = format!(
                "; {} whichever way {} (details as when {})",
                phrase(common),
                names.go(&conditions),
                names.assignment(&conditions, assignments.get(rep_index)),
            );
            out.extend(rep.into_iter().map(|mut v| {
                v.message.push_str(&note);
                v
            }));
            continue;
        }
        let at = base
            .iter()
            .find(|v| v.outcome == Outcome::Unknown)
            .or(base.first())
            .or(first.get(&k))
            .cloned();
        let Some(mut merged) = at else {
            continue;
        };
        merged.outcome = Outcome::Unknown;
        merged.message = describe(&k, &present, &seen, &assignments, &names);
        out.push(merged);
    }
    out.sort_by_key(|v| position.get(v.check).copied().unwrap_or(usize::MAX));
    out
}

/// The message of a verdict that depends on the conditions: which values give what.
fn describe(
    k: &Key,
    present: &[usize],
    seen: &[Seen],
    assignments: &[Vec<bool>],
    names: &Names<'_>,
) -> String {
    let n = names.all.len();
    let by_index: HashMap<usize, &[Outcome]> =
        present.iter().map(|&i| (i, seen[i].outcomes(k))).collect();
    // a condition matters when changing it alone changes the outcomes
    let mut relevant: Vec<usize> = (0..n)
        .filter(|&j| {
            let bit = 1usize << (n - 1 - j);
            present.iter().any(|&i| {
                by_index
                    .get(&(i ^ bit))
                    .is_some_and(|other| *other != by_index.get(&i).copied().unwrap_or(&[]))
            })
        })
        .collect();
    if relevant.is_empty() {
        relevant = (0..n).collect();
    }
    let mut groups = group(present, &by_index, assignments, &relevant);
    // conditions that matter only together with another (or where variants
    // are missing) can leave one assignment of `relevant` in two groups:
    // then every condition is named
    let overlap = groups.iter().enumerate().any(|(g, group)| {
        group.values.iter().any(|v| {
            groups
                .iter()
                .skip(g + 1)
                .any(|other| other.values.contains(v))
        })
    });
    if overlap {
        relevant = (0..n).collect();
        groups = group(present, &by_index, assignments, &relevant);
    }
    let single = relevant.len() == 1;
    let mut parts = Vec::new();
    for (
        g,
        Group {
            outcomes,
            first,
            values,
        },
    ) in groups.iter().enumerate()
    {
        let when = if single {
            let value = values
                .first()
                .and_then(|v| v.first())
                .copied()
                .unwrap_or(true);
            if g == 0 {
                format!(
                    "condition {} is {value}",
                    names.name(relevant.first().copied().unwrap_or(0))
                )
            } else {
                format!("it is {value}")
            }
        } else {
            simplest(values)
                .iter()
                .map(|term| {
                    relevant
                        .iter()
                        .zip(term)
                        .filter_map(|(&j, value)| {
                            value.map(|value| format!("{} is {value}", names.name(j)))
                        })
                        .collect::<Vec<_>>()
                        .join(" and ")
                })
                .collect::<Vec<_>>()
                .join(", or ")
        };
        let detail = match seen.get(*first).and_then(|s| s.said.get(k)) {
            Some((o, message)) if o.len() == 1 => {
                let message = message.strip_prefix("cannot decide: ").unwrap_or(message);
                format!(" ({message})")
            }
            _ => String::new(),
        };
        parts.push(format!("{} when {when}{detail}", phrase(outcomes)));
    }
    let reasons: Vec<String> = relevant
        .iter()
        .filter_map(|&j| {
            let u = names.all.get(j)?;
            Some(format!("condition {}: {}", names.name(j), u.reason))
        })
        .collect();
    format!(
        "cannot decide: {}; {}",
        parts.join("; "),
        reasons.join("; ")
    )
}

/// The fewest terms (a value per condition, `None` where it does not matter)
/// that cover exactly `values`: "`A` is true, or `B` is true" rather than
/// three assignments. Terms differing in one value merge until none do
/// (prime implicants); then a term the others cover is dropped.
fn simplest(values: &[Vec<bool>]) -> Vec<Vec<Option<bool>>> {
    let mut terms: Vec<Vec<Option<bool>>> = values
        .iter()
        .map(|v| v.iter().copied().map(Some).collect())
        .collect();
    loop {
        let mut next: Vec<Vec<Option<bool>>> = Vec::new();
        let mut merged = vec![false; terms.len()];
        for i in 0..terms.len() {
            for j in i + 1..terms.len() {
                let (a, b) = (&terms[i], &terms[j]);
                let differ: Vec<usize> = (0..a.len()).filter(|&p| a[p] != b[p]).collect();
                if let [p] = differ.as_slice()
                    && a[*p].is_some()
                    && b[*p].is_some()
                {
                    let mut term = a.clone();
                    term[*p] = None;
                    if !next.contains(&term) {
                        next.push(term);
                    }
                    merged[i] = true;
                    merged[j] = true;
                }
            }
        }
        if next.is_empty() {
            break;
        }
        for (i, term) in terms.iter().enumerate() {
            if !merged[i] && !next.contains(term) {
                next.push(term.clone());
            }
        }
        terms = next;
    }
    let covers = |term: &[Option<bool>], v: &[bool]| {
        term.iter().zip(v).all(|(t, x)| t.is_none_or(|t| t == *x))
    };
    let mut i = 0;
    while i < terms.len() {
        let others_cover = values.iter().all(|v| {
            terms
                .iter()
                .enumerate()
                .any(|(j, t)| j != i && covers(t, v))
        });
        if others_cover && terms.len() > 1 {
            terms.remove(i);
        } else {
            i += 1;
        }
    }
    terms
}

/// The present variants grouped by outcomes, in variant order, each with the
/// values of the `relevant` conditions that give them.
fn group<'s>(
    present: &[usize],
    by_index: &HashMap<usize, &'s [Outcome]>,
    assignments: &[Vec<bool>],
    relevant: &[usize],
) -> Vec<Group<'s>> {
    let mut groups: Vec<Group<'s>> = Vec::new();
    for &i in present {
        let outcomes = by_index.get(&i).copied().unwrap_or(&[]);
        let Some(assignment) = assignments.get(i) else {
            continue;
        };
        let restricted: Vec<bool> = relevant
            .iter()
            .map(|&j| assignment.get(j).copied().unwrap_or(true))
            .collect();
        match groups.iter_mut().find(|g| g.outcomes == outcomes) {
            Some(group) => {
                if !group.values.contains(&restricted) {
                    group.values.push(restricted);
                }
            }
            None => groups.push(Group {
                outcomes,
                first: i,
                values: vec![restricted],
            }),
        }
    }
    groups
}

/// Variants with the same outcomes.
struct Group<'s> {
    outcomes: &'s [Outcome],
    /// The first variant in the group (its message is the group's).
    first: usize,
    /// The values of the conditions that matter, once each.
    values: Vec<Vec<bool>>,
}

/// What outcomes say, as a verb phrase.
fn phrase(outcomes: &[Outcome]) -> String {
    let Some(first) = outcomes.first() else {
        return "gives no verdict".to_string();
    };
    if outcomes.iter().all(|o| o == first) {
        return match first {
            Outcome::Pass => "passes",
            Outcome::Fail => "fails",
            Outcome::Partial => "is partial",
            Outcome::Unknown => "is undecided",
            Outcome::NotApplicable => "does not apply",
        }
        .to_string();
    }
    let list: Vec<&str> = outcomes.iter().map(|o| o.as_str()).collect();
    format!("gives {}", list.join(", "))
}

/// A unit with more undecided conditions than are tried: its verdicts stay
/// as they are, and those left unknown by the conditions say why they were
/// not tried both ways.
fn too_many(unit: &Inventory, mut base: Vec<Verdict>) -> Vec<Verdict> {
    let names = Names::of(unit);
    let listed: Vec<String> = (0..names.all.len()).map(|j| names.name(j)).collect();
    let note = format!(
        "; not read both ways: {} undecided conditions ({}) are more than the {MAX_UNDECIDED} Moat tries; pass `--param` values to decide some",
        names.all.len(),
        listed.join(", ")
    );
    for v in base.iter_mut().filter(|v| v.outcome == Outcome::Unknown) {
        if names
            .all
            .iter()
            .any(|u| v.message.contains(&format!("condition `{}`", u.name)))
        {
            v.message.push_str(&note);
        }
    }
    base
}

/// How the unit's undecided conditions are named in messages.
struct Names<'a> {
    all: &'a [UndecidedCondition],
    /// File names, when conditions of several files must be told apart.
    files: Option<Vec<String>>,
}

impl<'a> Names<'a> {
    fn of(unit: &'a Inventory) -> Self {
        let several = unit
            .undecided
            .iter()
            .any(|u| u.file != unit.undecided.first().map_or(0, |f| f.file));
        Names {
            all: &unit.undecided,
            files: several.then(|| {
                unit.files
                    .iter()
                    .map(|f| {
                        std::path::Path::new(&*f.name)
                            .file_name()
                            .and_then(|n| n.to_str())
                            .unwrap_or(&f.name)
                            .to_string()
                    })
                    .collect()
            }),
        }
    }

    /// `` `UseKms` ``, or `` `UseKms` of `nested.yaml` `` when several templates have conditions.
    fn name(&self, j: usize) -> String {
        let Some(u) = self.all.get(j) else {
            return String::new();
        };
        match self.files.as_ref().and_then(|f| f.get(u.file)) {
            Some(file) => format!("`{}` of `{file}`", u.name),
            None => format!("`{}`", u.name),
        }
    }

    /// The conditions a key's base verdicts name, else those of its file, else all.
    fn mentioned(&self, k: &Key, base: &[Verdict]) -> Vec<usize> {
        let named: Vec<usize> = (0..self.all.len())
            .filter(|&j| {
                let needle = format!("condition `{}`", self.all[j].name);
                base.iter().any(|v| v.message.contains(&needle))
            })
            .collect();
        let in_file: Vec<usize> = named
            .iter()
            .copied()
            .filter(|&j| self.all[j].file == k.file)
            .collect();
        if !in_file.is_empty() {
            return in_file;
        }
        if !named.is_empty() {
            return named;
        }
        let of_file: Vec<usize> = (0..self.all.len())
            .filter(|&j| self.all[j].file == k.file)
            .collect();
        if of_file.is_empty() {
            (0..self.all.len()).collect()
        } else {
            of_file
        }
    }

    /// "condition `A` goes", "conditions `A` and `B` go".
    fn go(&self, conditions: &[usize]) -> String {
        let listed: Vec<String> = conditions.iter().map(|&j| self.name(j)).collect();
        match listed.as_slice() {
            [one] => format!("condition {one} goes"),
            [rest @ .., last] => format!("conditions {} and {last} go", rest.join(", ")),
            [] => "the conditions go".to_string(),
        }
    }

    /// "`A` is true and `B` is false" for the `conditions` of `assignment`.
    fn assignment(&self, conditions: &[usize], assignment: Option<&Vec<bool>>) -> String {
        conditions
            .iter()
            .map(|&j| {
                let value = assignment.and_then(|a| a.get(j)).copied().unwrap_or(true);
                format!("{} is {value}", self.name(j))
            })
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_are_said_in_the_fewest_terms() {
        let (t, f) = (true, false);
        let said = |values: &[Vec<bool>]| simplest(values);
        assert_eq!(
            said(&[vec![t, t], vec![t, f], vec![f, t]]),
            [vec![Some(t), None], vec![None, Some(t)]]
        );
        assert_eq!(said(&[vec![f, f]]), [vec![Some(f), Some(f)]]);
        assert_eq!(
            said(&[vec![t, t, t], vec![t, t, f], vec![t, f, t], vec![t, f, f]]),
            [vec![Some(t), None, None]]
        );
        // `A` and `B` differ, `C` does not matter: no term covers what is not there
        assert_eq!(
            said(&[vec![t, f, t], vec![t, f, f], vec![f, t, t], vec![f, t, f]]),
            [vec![Some(t), Some(f), None], vec![Some(f), Some(t), None]]
        );
    }

    #[test]
    fn outcomes_read_as_verbs() {
        assert_eq!(phrase(&[Outcome::Pass, Outcome::Pass]), "passes");
        assert_eq!(phrase(&[Outcome::Fail]), "fails");
        assert_eq!(phrase(&[Outcome::Pass, Outcome::Fail]), "gives pass, fail");
        assert_eq!(phrase(&[]), "gives no verdict");
    }
}
