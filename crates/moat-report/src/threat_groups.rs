//! Results grouped by threat: each threat's text once, then the targets it
//! lands on with their status and the evidence or decision behind it. Both
//! the text and the Markdown report read these groups.

use moat_catalog::{Severity, Stride};
use moat_engine::{
    Assessment, Evidence, MitigatingControl, ThreatDefinition, ThreatResult, ThreatStatus,
};
use moat_model::{Decision, Location};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ThreatGroup {
    pub threat_id: String,
    pub name: String,
    pub stride: Stride,
    pub stride_label: &'static str,
    pub severity: Severity,
    pub likelihood: u8,
    pub impact: u8,
    pub description: String,
    pub example: String,
    pub mitigations: Vec<String>,
    pub references: Vec<String>,
    pub condition: Option<String>,
    pub controls: Vec<MitigatingControl>,
    pub control_count: usize,
    pub targets: Vec<TargetStatus>,
    /// How many targets are still open (open or partly mitigated).
    pub open: usize,
    /// The status most of the group needs attention for: the "worst" of its targets.
    pub status: ThreatStatus,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TargetStatus {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
    pub location: Option<Location>,
    pub status: ThreatStatus,
    pub status_label: &'static str,
    pub evidence: Vec<Evidence>,
    pub decision: Option<DecisionView>,
    /// The threat needs a feature the target does not say it uses: assumed in use.
    pub feature_assumed: bool,
}

/// A decision as reports show it: the model's entry plus what it did here.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DecisionView {
    pub status: String,
    pub justification: String,
    pub ticket: Option<String>,
    pub date: Option<String>,
    pub checked_by: Option<String>,
    pub expires: Option<String>,
    pub expired: bool,
    pub location: Option<Location>,
}

impl DecisionView {
    fn of(decision: &Decision, expired: bool) -> Self {
        DecisionView {
            status: decision.status.as_str().to_string(),
            justification: decision.justification.clone(),
            ticket: decision.ticket.clone(),
            date: decision.date.clone(),
            checked_by: decision.checked_by.clone(),
            expires: decision.expires.clone(),
            expired,
            location: decision.location.clone(),
        }
    }
}

/// Counts of results per status, in [`ThreatStatus::ALL`] order, zeros left out.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StatusCount {
    pub status: ThreatStatus,
    pub label: &'static str,
    pub count: usize,
}

pub(crate) fn status_counts(results: &[ThreatResult]) -> Vec<StatusCount> {
    ThreatStatus::ALL
        .into_iter()
        .map(|status| StatusCount {
            status,
            label: status.label(),
            count: results.iter().filter(|r| r.status == status).count(),
        })
        .filter(|c| c.count > 0)
        .collect()
}

/// Groups in report order: most severe first, then the threats with open
/// targets, then by id (numbers compared as numbers).
pub(crate) fn groups(a: &Assessment) -> Vec<ThreatGroup> {
    let index = a.index();
    let mut by_threat: HashMap<&str, Vec<&ThreatResult>> = HashMap::new();
    for r in &a.threats {
        by_threat.entry(r.threat_id.as_str()).or_default().push(r);
    }
    let mut groups: Vec<ThreatGroup> = by_threat
        .into_iter()
        .map(|(threat_id, results)| group(a, &index, threat_id, results))
        .collect();
    groups.sort_by(|x, y| {
        y.severity
            .cmp(&x.severity)
            .then((y.open > 0).cmp(&(x.open > 0)))
            .then_with(|| natural_cmp(&x.threat_id, &y.threat_id))
    });
    groups
}

fn group(
    a: &Assessment,
    index: &moat_engine::AssessmentIndex<'_>,
    threat_id: &str,
    mut results: Vec<&ThreatResult>,
) -> ThreatGroup {
    let definition = index.definition(threat_id);
    results.sort_by_cached_key(|r| {
        (
            r.status,
            index
                .target(&r.target_id)
                .map_or_else(|| r.target_id.clone(), |t| t.name.clone()),
            r.target_id.clone(),
        )
    });
    let targets: Vec<TargetStatus> = results
        .iter()
        .map(|r| {
            let target = index.target(&r.target_id);
            let kind = target.map_or_else(|| "unknown".to_string(), |t| t.kind.clone());
            TargetStatus {
                id: r.target_id.clone(),
                name: target.map_or_else(|| r.target_id.clone(), |t| t.name.clone()),
                kind_label: crate::context::kind_label(&kind),
                kind,
                location: target.and_then(|t| t.location.clone()),
                status: r.status,
                status_label: r.status.label(),
                evidence: r.evidence.clone(),
                feature_assumed: r.feature_assumed,
                decision: r.decision.as_ref().and_then(|d| {
                    a.model
                        .decisions
                        .get(d.index)
                        .map(|m| DecisionView::of(m, d.expired))
                }),
            }
        })
        .collect();
    let open = results.iter().filter(|r| r.is_open()).count();
    let status = results
        .iter()
        .map(|r| r.status)
        .min()
        .unwrap_or(ThreatStatus::Open);
    let first = results.first().copied();
    let empty = ThreatDefinition {
        id: threat_id.to_string(),
        name: threat_id.to_string(),
        stride: first.map_or(Stride::Spoofing, |r| r.stride),
        severity: first.map_or(Severity::Info, |r| r.severity),
        likelihood: 0,
        impact: 0,
        description: "The assessment has no definition of this threat.".to_string(),
        example: String::new(),
        mitigations: Vec::new(),
        controls: Vec::new(),
        control_count: 0,
        references: Vec::new(),
        condition: None,
        location: None,
    };
    let d = definition.unwrap_or(&empty);
    ThreatGroup {
        threat_id: threat_id.to_string(),
        name: d.name.clone(),
        stride: d.stride,
        stride_label: d.stride.label(),
        severity: first.map_or(d.severity, |r| r.severity),
        likelihood: d.likelihood,
        impact: d.impact,
        description: d.description.clone(),
        example: d.example.clone(),
        mitigations: d.mitigations.clone(),
        references: d.references.clone(),
        condition: d.condition.clone(),
        controls: d.controls.clone(),
        control_count: d.control_count,
        targets,
        open,
        status,
    }
}

/// Orders `S3.T4` before `S3.T38`: runs of digits compare as numbers.
pub(crate) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let xl = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let yl = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (xn, yn) = (x.split_at(xl), y.split_at(yl));
                let strip = |s: &[u8]| -> usize { s.iter().take_while(|c| **c == b'0').count() };
                let xs = xn.0.get(strip(xn.0)..).unwrap_or_default();
                let ys = yn.0.get(strip(yn.0)..).unwrap_or_default();
                let ord = xs.len().cmp(&ys.len()).then_with(|| xs.cmp(ys));
                if ord != std::cmp::Ordering::Equal {
                    return ord;
                }
                x = xn.1;
                y = yn.1;
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                x = x.get(1..).unwrap_or_default();
                y = y.get(1..).unwrap_or_default();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::natural_cmp;
    use std::cmp::Ordering::*;

    #[test]
    fn numbers_compare_as_numbers() {
        assert_eq!(natural_cmp("S3.T4", "S3.T38"), Less);
        assert_eq!(natural_cmp("S3.T38", "S3.T4"), Greater);
        assert_eq!(natural_cmp("T-S3-004", "T-S3-010"), Less);
        assert_eq!(natural_cmp("T-S3-004", "T-S3-004"), Equal);
        assert_eq!(natural_cmp("T-GEN-001", "T-S3-001"), Less);
    }
}

/// A control named in the report, once, with where the model declares it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ControlRow {
    pub id: String,
    pub name: String,
    pub priority: String,
    /// `model` for the model's own `implements:`, else element and flow ids.
    pub declared_on: Vec<String>,
}

/// The controls the groups list (their first `shown` each), highest priority first.
pub(crate) fn control_rows(
    a: &Assessment,
    groups: &[ThreatGroup],
    shown: usize,
) -> Vec<ControlRow> {
    let mut rows: Vec<ControlRow> = Vec::new();
    for c in groups.iter().flat_map(|g| g.controls.iter().take(shown)) {
        if rows.iter().any(|r| r.id == c.id) {
            continue;
        }
        let mut declared_on: Vec<String> = Vec::new();
        if a.model.implements.iter().any(|i| i.control == c.id) {
            declared_on.push("model".to_string());
        }
        let parts = a
            .model
            .elements
            .iter()
            .map(|e| (&e.id, &e.implements))
            .chain(a.model.flows.iter().map(|f| (&f.id, &f.implements)));
        for (id, list) in parts {
            if list.iter().any(|i| i.control == c.id) {
                declared_on.push(id.clone());
            }
        }
        rows.push(ControlRow {
            id: c.id.clone(),
            name: c.name.clone(),
            priority: c.priority.clone(),
            declared_on,
        });
    }
    let rank = |label: &str| moat_catalog::priority::Band::parse(label).map_or(0, |b| b as usize);
    rows.sort_by(|x, y| {
        rank(&y.priority)
            .cmp(&rank(&x.priority))
            .then_with(|| natural_cmp(&x.id, &y.id))
    });
    rows
}
