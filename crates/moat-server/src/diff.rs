//! What changed between two runs of a project: threats and findings that are
//! new, fixed (gone, or no longer open) and unchanged.
//!
//! A threat is the same threat in both runs when its catalog id and target
//! are; a finding when its check, resource and property are (its number and
//! line move as files are edited).

use moat_engine::Assessment;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RunDiff {
    pub from_run: i64,
    pub to_run: i64,
    pub threats: Changes,
    pub findings: Changes,
}

/// Items by what happened to them between the two runs; each item is
/// `ID on TARGET` with its status in the later run (or the earlier, when gone).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Changes {
    /// Open in the later run and not in the earlier one.
    pub new: Vec<Item>,
    /// Open in the earlier run, and gone or closed in the later one.
    pub fixed: Vec<Item>,
    /// Open in both.
    pub unchanged: Vec<Item>,
    /// Counts by status in the later run.
    pub by_status: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: String,
    pub target: String,
    pub status: String,
}

pub fn diff(from_run: i64, from: &Assessment, to_run: i64, to: &Assessment) -> RunDiff {
    RunDiff {
        from_run,
        to_run,
        threats: changes(&threat_items(from), &threat_items(to)),
        findings: changes(&finding_items(from), &finding_items(to)),
    }
}

/// (id, target) -> (status, open)
type Items = BTreeMap<(String, String), (String, bool)>;

fn threat_items(a: &Assessment) -> Items {
    a.threats
        .iter()
        .map(|t| {
            (
                (t.threat_id.clone(), t.target_id.clone()),
                (t.status.as_str().to_string(), t.is_open()),
            )
        })
        .collect()
}

fn finding_items(a: &Assessment) -> Items {
    a.scan_results()
        .findings
        .iter()
        .map(|f| {
            let target = if f.property.is_empty() {
                f.resource.to_string()
            } else {
                format!("{}.{}", f.resource, f.property)
            };
            let status = match &f.suppressed {
                Some(_) => "suppressed".to_string(),
                None => f.severity.to_string(),
            };
            let open = f.suppressed.is_none();
            ((f.check.to_string(), target), (status, open))
        })
        .collect()
}

fn changes(from: &Items, to: &Items) -> Changes {
    let item = |(id, target): &(String, String), status: &str| Item {
        id: id.clone(),
        target: target.clone(),
        status: status.to_string(),
    };
    let mut out = Changes::default();
    let keys: BTreeSet<&(String, String)> = from.keys().chain(to.keys()).collect();
    for key in keys {
        match (from.get(key), to.get(key)) {
            (Some((_, true)), Some((status, true))) => out.unchanged.push(item(key, status)),
            (Some((_, true)), Some((status, false))) => out.fixed.push(item(key, status)),
            (Some((status, true)), None) => {
                out.fixed.push(item(key, &format!("gone (was {status})")))
            }
            (None | Some((_, false)), Some((status, true))) => out.new.push(item(key, status)),
            _ => {}
        }
    }
    for (status, _) in to.values() {
        *out.by_status.entry(status.clone()).or_default() += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(list: &[(&str, &str, &str, bool)]) -> Items {
        list.iter()
            .map(|(id, t, s, open)| ((id.to_string(), t.to_string()), (s.to_string(), *open)))
            .collect()
    }

    #[test]
    fn new_fixed_and_unchanged_follow_openness() {
        let from = items(&[
            ("T-1", "a", "open", true),
            ("T-2", "a", "open", true),
            ("T-3", "a", "open", true),
            ("T-5", "a", "accepted", false),
        ]);
        let to = items(&[
            ("T-1", "a", "open", true),
            ("T-2", "a", "mitigated", false),
            ("T-4", "a", "open", true),
            ("T-5", "a", "open", true),
        ]);
        let c = changes(&from, &to);
        let ids = |v: &[Item]| v.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&c.unchanged), ["T-1"]);
        assert_eq!(ids(&c.fixed), ["T-2", "T-3"]);
        assert_eq!(ids(&c.new), ["T-4", "T-5"]);
        assert_eq!(c.fixed[1].status, "gone (was open)");
        assert_eq!(c.by_status.get("open"), Some(&3));
    }
}
