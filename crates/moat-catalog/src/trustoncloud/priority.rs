//! TrustOnCloud's control priorities, recomputed from a catalog's inputs
//! (each link's impact, each control's effort, the `depends_on` and
//! `assured_by` graphs and the threats' CVSS ratings), never read from the
//! values a file states. The rules were reverse-engineered from
//! TrustOnCloud's S3 ThreatModel (version 20240423) and reproduce all 505 of
//! its `mitigate` links and all 173 of its controls' `weighted_priority`.
//!
//! # Link priority: impact x effort
//!
//! A link's `priority` (0-4) depends only on how much the control reduces the
//! threat and how much work the control is:
//!
//! | impact \ effort | Very Low | Low | Medium | High | Very High |
//! |-----------------|---------:|----:|-------:|-----:|----------:|
//! | Very High       | 4        | 4   | 4      | 3    | 2         |
//! | High            | 4        | 4   | 3      | 2    | 1         |
//! | Medium          | 3        | 2   | 2      | 1    | 0         |
//! | Low             | 2        | 1   | 1      | 0    | 0 (*)     |
//! | Very Low        | 1        | 0   | 0      | 0    | 0         |
//!
//! (*) the S3 file has no Low-impact, Very-High-effort link; 0 keeps the table
//! monotone (never higher than its left or upper neighbour). Moat's `full`
//! impact reads as Very High.
//!
//! # Overall priority and `max_dependency`: inherited from dependents
//!
//! A control that others depend on is worth at least as much as they are. Let
//! `overall(c)` be the largest link priority of `c` and of every control that
//! depends on `c`, directly or through a chain of `depends_on`. Then, for each
//! link of control `c` (the same for every threat it mitigates):
//!
//! - `max_dependency` = the largest `overall(d)` over the controls `d` whose
//!   `depends_on` names `c`; none when no control depends on `c` (or none of
//!   those, nor their dependents, mitigates anything);
//! - `priority_overall` = `max(priority, max_dependency)`.
//!
//! The threat plays no part: a control inherits the priority of its dependents
//! across all the threats they mitigate.
//!
//! # Weighted priority: the overall priority weighed by the threat's severity
//!
//! A control's `weighted_priority` (Very Low = 0 ... Very High = 4) is the
//! largest, over its links, of this table at the link's `priority_overall`
//! and the CVSS rating of the threat:
//!
//! | rating \ priority_overall | 0 | 1 | 2 | 3 | 4 |
//! |---------------------------|--:|--:|--:|--:|--:|
//! | Critical (*)              | 2 | 2 | 3 | 4 | 4 |
//! | High                      | 1 | 2 | 2 | 3 | 4 |
//! | Medium                    | 0 | 1 | 2 | 2 | 3 |
//! | Low (and None)            | 0 | 0 | 0 | 1 | 1 |
//!
//! A control without links (TrustOnCloud's "Assurance" controls, which check
//! that another control stays in place) takes the weighted priority of the
//! controls whose `assured_by` names it. (*) The S3 file has no critical
//! threat: that row extends the pattern that the High row is the Medium row
//! moved one step to the left. The S3 file exercises every other cell.

use crate::control::Effort;
use crate::types::MitigationImpact;
use crate::{Catalog, Control};
use std::collections::{BTreeMap, BTreeSet};

/// [impact: Very Low..Very High][effort: Very Low..Very High].
const LINK_PRIORITY: [[u8; 5]; 5] = [
    [1, 0, 0, 0, 0],
    [2, 1, 1, 0, 0],
    [3, 2, 2, 1, 0],
    [4, 4, 3, 2, 1],
    [4, 4, 4, 3, 2],
];

/// [rating: Low, Medium, High, Critical][priority_overall 0..4].
const WEIGHTED: [[u8; 5]; 4] = [
    [0, 0, 0, 1, 1],
    [0, 1, 2, 2, 3],
    [1, 2, 2, 3, 4],
    [2, 2, 3, 4, 4],
];

/// TrustOnCloud's words for the weighted priority scores 0..4.
pub const PRIORITY_LABELS: [&str; 5] = ["Very Low", "Low", "Medium", "High", "Very High"];

fn impact_row(impact: MitigationImpact) -> usize {
    match impact {
        MitigationImpact::VeryLow => 0,
        MitigationImpact::Low => 1,
        MitigationImpact::Medium => 2,
        MitigationImpact::High => 3,
        MitigationImpact::VeryHigh | MitigationImpact::Full => 4,
    }
}

fn effort_column(effort: Effort) -> usize {
    usize::from(effort.rank().saturating_sub(1)).min(4)
}

/// A link's priority (0-4) from the impact x effort table above.
pub fn link_priority(impact: MitigationImpact, effort: Effort) -> f64 {
    let row = LINK_PRIORITY.get(impact_row(impact));
    f64::from(
        row.and_then(|r| r.get(effort_column(effort)))
            .copied()
            .unwrap_or(0),
    )
}

/// How TrustOnCloud writes `max_dependency` values in Moat's string field: the
/// number as Rust prints it (`3` for 3.0).
pub fn dependency_label(value: f64) -> String {
    format!("{value}")
}

/// For each control, the controls whose `depends_on` names it.
fn dependents(catalog: &Catalog) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for control in &catalog.controls {
        for target in &control.depends_on {
            out.entry(target.as_str())
                .or_default()
                .insert(control.id.as_str());
        }
    }
    out
}

fn own_priority(control: &Control) -> Option<f64> {
    control
        .mitigates
        .iter()
        .map(|link| link_priority(link.impact, control.effort))
        .reduce(f64::max)
}

fn max_option(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// `overall(c)` for every control: its own best link priority, raised to its
/// dependents' (a fixed point, so chains of any length and even cycles settle).
fn overall(catalog: &Catalog) -> BTreeMap<&str, Option<f64>> {
    let dependents = dependents(catalog);
    let mut overall: BTreeMap<&str, Option<f64>> = catalog
        .controls
        .iter()
        .map(|c| (c.id.as_str(), own_priority(c)))
        .collect();
    // each round settles one more level of the longest chain
    for _ in 0..=catalog.controls.len() {
        let mut changed = false;
        for control in &catalog.controls {
            let id = control.id.as_str();
            let inherited = dependents
                .get(id)
                .into_iter()
                .flatten()
                .map(|d| overall.get(d).copied().flatten())
                .fold(None, max_option);
            let current = overall.get(id).copied().flatten();
            let next = max_option(current, inherited);
            if next != current {
                overall.insert(id, next);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    overall
}

/// `max_dependency` for every control that has dependents with a priority.
fn max_dependencies<'a>(
    catalog: &'a Catalog,
    overall: &BTreeMap<&'a str, Option<f64>>,
) -> BTreeMap<&'a str, f64> {
    let dependents = dependents(catalog);
    catalog
        .controls
        .iter()
        .filter_map(|c| {
            let value = dependents
                .get(c.id.as_str())
                .into_iter()
                .flatten()
                .map(|d| overall.get(d).copied().flatten())
                .fold(None, max_option)?;
            Some((c.id.as_str(), value))
        })
        .collect()
}

/// Every link's `priority_overall` and `max_dependency` (as
/// [`dependency_label`] writes it), keyed by (control, threat), computed with
/// the rules of this module.
pub fn overall_priorities(catalog: &Catalog) -> BTreeMap<(String, String), (f64, Option<String>)> {
    let overall = overall(catalog);
    let max_dependency = max_dependencies(catalog, &overall);
    let mut out = BTreeMap::new();
    for control in &catalog.controls {
        let inherited = max_dependency.get(control.id.as_str()).copied();
        for link in &control.mitigates {
            let priority = link_priority(link.impact, control.effort);
            let total = inherited.map_or(priority, |m| priority.max(m));
            out.insert(
                (control.id.clone(), link.threat.clone()),
                (total, inherited.map(dependency_label)),
            );
        }
    }
    out
}

/// The row of [`WEIGHTED`] for a threat, from its CVSS rating (or, without a
/// vector, its severity).
fn rating_row(catalog: &Catalog, threat: &str) -> usize {
    let Some(t) = catalog.threat(threat) else {
        return 0;
    };
    let rating = t
        .threat
        .cvss
        .as_ref()
        .map_or_else(|| t.threat.severity.as_str(), |c| c.rating.as_str());
    match rating {
        "critical" => 3,
        "high" => 2,
        "medium" => 1,
        _ => 0,
    }
}

/// Every control's weighted priority score (0 = Very Low ... 4 = Very High,
/// see [`PRIORITY_LABELS`]); `None` for a control with no link that assures no
/// control with one.
pub fn weighted_priorities(catalog: &Catalog) -> BTreeMap<String, Option<u8>> {
    let overall = overall_priorities(catalog);
    let direct: BTreeMap<&str, Option<u8>> = catalog
        .controls
        .iter()
        .map(|control| {
            let score = control
                .mitigates
                .iter()
                .map(|link| {
                    let total = overall
                        .get(&(control.id.clone(), link.threat.clone()))
                        .map_or(0.0, |(p, _)| *p);
                    // priorities are whole numbers 0..=4
                    let column = (0..5usize).rev().find(|&i| total >= i as f64).unwrap_or(0);
                    WEIGHTED
                        .get(rating_row(catalog, &link.threat))
                        .and_then(|row| row.get(column))
                        .copied()
                        .unwrap_or(0)
                })
                .max();
            (control.id.as_str(), score)
        })
        .collect();
    let mut assured: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for control in &catalog.controls {
        for assurer in &control.assured_by {
            assured
                .entry(assurer.as_str())
                .or_default()
                .push(control.id.as_str());
        }
    }
    catalog
        .controls
        .iter()
        .map(|control| {
            let id = control.id.as_str();
            let score = direct.get(id).copied().flatten().or_else(|| {
                assured
                    .get(id)
                    .into_iter()
                    .flatten()
                    .filter_map(|c| direct.get(c).copied().flatten())
                    .max()
            });
            (control.id.clone(), score)
        })
        .collect()
}

/// The label of a weighted priority score (`High` for 3).
pub fn priority_label(score: u8) -> &'static str {
    PRIORITY_LABELS
        .get(usize::from(score))
        .copied()
        .unwrap_or("Very High")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_monotone() {
        for impact in MitigationImpact::ALL {
            for pair in Effort::ALL.windows(2) {
                assert!(link_priority(impact, pair[0]) >= link_priority(impact, pair[1]));
            }
        }
        for effort in Effort::ALL {
            for pair in MitigationImpact::ALL.windows(2) {
                assert!(link_priority(pair[0], effort) <= link_priority(pair[1], effort));
            }
        }
        for row in WEIGHTED.windows(2) {
            for (low, high) in row[0].iter().zip(row[1]) {
                assert!(*low <= high);
            }
        }
    }

    #[test]
    fn examples_from_the_s3_file() {
        assert_eq!(link_priority(MitigationImpact::VeryHigh, Effort::Low), 4.0);
        assert_eq!(link_priority(MitigationImpact::High, Effort::High), 2.0);
        assert_eq!(
            link_priority(MitigationImpact::VeryLow, Effort::Medium),
            0.0
        );
        assert_eq!(
            link_priority(MitigationImpact::Medium, Effort::VeryLow),
            3.0
        );
        assert_eq!(link_priority(MitigationImpact::Full, Effort::VeryHigh), 2.0);
        assert_eq!(dependency_label(3.0), "3");
        assert_eq!(priority_label(3), "High");
    }
}
