//! `moat plan`: every control, ordered by computed priority, with how to
//! implement and test it. For catalogs that state their own priorities
//! (TrustOnCloud), the stated band is reproduced and compared with ours.

use moat_catalog::priority::{self, Band, ControlPriority};
use moat_catalog::trustoncloud::priority as toc;
use moat_catalog::types::Severity;
use moat_catalog::{Catalog, Control};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Whether a control is in place. Until a scan of the deployment exists every
/// control is `not_assessed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Implemented,
    Partial,
    Missing,
    Unknown,
    NotAssessed,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Implemented => "implemented",
            Status::Partial => "partial",
            Status::Missing => "missing",
            Status::Unknown => "unknown",
            Status::NotAssessed => "not assessed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PlanRow {
    pub rank: usize,
    pub control: Control,
    pub priority: ControlPriority,
    /// How many threats it mitigates, and the most severe of them.
    pub threat_count: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_severity: Option<Severity>,
    pub status: Status,
    /// Where the status comes from (`file:line resource`), when a scan set it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// The source's own priority for the control, when it states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated: Option<StatedComparison>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StatedComparison {
    /// As the source writes it (`High`).
    pub stated: String,
    /// What the source's own rule gives from its data (reproduced, not copied).
    pub reproduced: Option<String>,
    /// Whether ours falls in the same band.
    pub agrees: bool,
    /// Why ours differs, when it does.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Plan {
    pub sources: Vec<String>,
    pub rows: Vec<PlanRow>,
    /// Controls per band, highest first.
    pub bands: Vec<(Band, usize)>,
    /// With stated priorities: how many controls the source's rule reproduces, and
    /// how many of ours agree with the stated band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated_summary: Option<StatedSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StatedSummary {
    pub controls: usize,
    pub reproduced: usize,
    pub agreeing: usize,
}

pub fn plan(catalog: &Catalog) -> Plan {
    let priorities = priority::prioritize(catalog);
    let severity: BTreeMap<&str, Severity> = catalog
        .threats
        .iter()
        .map(|t| (t.threat.id.as_str(), t.threat.severity))
        .collect();
    let stated_any = catalog.controls.iter().any(|c| c.stated_priority.is_some());
    let reproduced = if stated_any {
        toc::weighted_priorities(catalog)
    } else {
        BTreeMap::new()
    };
    let mut rows = Vec::with_capacity(priorities.len());
    for (rank, p) in priorities.into_iter().enumerate() {
        let Some(control) = catalog.control(&p.control) else {
            continue;
        };
        let severities: Vec<Severity> = control
            .mitigates
            .iter()
            .filter_map(|m| severity.get(m.threat.as_str()).copied())
            .collect();
        let stated = control.stated_priority.as_ref().map(|stated| {
            let reproduced = reproduced
                .get(&control.id)
                .copied()
                .flatten()
                .map(|score| toc::priority_label(score).to_string());
            let theirs = Band::parse(stated);
            let agrees = theirs == Some(p.band);
            StatedComparison {
                stated: stated.clone(),
                reproduced,
                agrees,
                reason: if agrees {
                    String::new()
                } else {
                    difference(control, &p, theirs)
                },
            }
        });
        rows.push(PlanRow {
            rank: rank + 1,
            threat_count: control.mitigates.len(),
            max_severity: severities.iter().max().copied(),
            control: control.clone(),
            priority: p,
            status: Status::NotAssessed,
            evidence: Vec::new(),
            stated,
        });
    }
    let bands = Band::ALL
        .iter()
        .rev()
        .map(|band| {
            (
                *band,
                rows.iter().filter(|r| r.priority.band == *band).count(),
            )
        })
        .collect();
    let stated_summary = stated_any.then(|| StatedSummary {
        controls: rows.iter().filter(|r| r.stated.is_some()).count(),
        reproduced: rows
            .iter()
            .filter_map(|r| r.stated.as_ref())
            .filter(|s| s.reproduced.as_deref() == Some(s.stated.as_str()))
            .count(),
        agreeing: rows
            .iter()
            .filter_map(|r| r.stated.as_ref())
            .filter(|s| s.agrees)
            .count(),
    });
    Plan {
        sources: catalog.sources.clone(),
        rows,
        bands,
        stated_summary,
    }
}

/// Why our band differs from the stated one, from the terms of both formulas:
/// ours sums every mitigated threat and divides by effort; TrustOnCloud keeps the
/// single best link (its impact x effort priority, raised by dependents, crossed
/// with the threat's CVSS rating).
fn difference(control: &Control, ours: &ControlPriority, theirs: Option<Band>) -> String {
    let Some(theirs) = theirs else {
        return "the stated priority is not a known band".to_string();
    };
    let links = ours.contributions.len();
    if let Some(from) = &ours.inherited_from
        && ours.band > theirs
    {
        return format!(
            "ours inherits {:.2} from {from}, which depends on it or is assured by it",
            ours.score
        );
    }
    if ours.band > theirs {
        if links > 1 {
            return format!(
                "ours adds up all {links} threats it mitigates ({:.2}); theirs keeps the single best link",
                ours.own_score
            );
        }
        return format!(
            "ours weighs the threat's severity and the mitigation's impact over its {} effort ({:.2})",
            control.effort.label(),
            ours.own_score
        );
    }
    if links == 0 {
        return "it mitigates no threat directly, so ours scores it only through the controls that depend on it".to_string();
    }
    if control.effort.rank() >= 4 {
        return format!(
            "ours divides by its {} effort ({:.2}); theirs caps effort's weight in a table",
            control.effort.label(),
            ours.score
        );
    }
    let strongest = ours
        .contributions
        .iter()
        .map(|c| c.severity)
        .max()
        .map_or("no", Severity::as_str);
    format!(
        "its threats are at most {strongest} severity and ours scores {:.2}; theirs lifts it through the best link's dependents",
        ours.score
    )
}
